//! Work paused at a shift end and resumed at that very instant (a unit freed then, or another
//! alternative was free) is done once, when its work left runs out; an `any_of` alternative
//! free at the pause takes the work up at once. Before, its step-done
//! event stayed in the event list beside the new one at the same time: one ended the work
//! and the other, the patient having moved on, ended its next step early, or gave back a
//! unit twice (a count below zero: a 32 GiB allocation and an abort). Found by a hunt for
//! inputs that break the engine (`any_of` with a pausing alternative; a staffed office whose
//! second shift ends on the hour).

use crate::support::run_text;

/// The value of `name` in every replication of `text`, which must all be equal (nothing is
/// drawn here).
fn same_in_every_replication(text: &str, name: &str) -> f64 {
    let run = run_text(text);
    let values = run.values(name);
    assert!(
        values.windows(2).all(|w| w[0] == w[1]),
        "{name}: {values:?}"
    );
    values[0]
}

/// One patient, Monday 00:00, 6 h on the way, then 6 h of work on `r2` or else `r1`, then 1 h
/// more. `r2` is rostered 00:00-10:00 and pauses; `r1`, always there, is free.
const ANY_OF: &str = r#"
[run]
name = "any_of_resumes_at_once"
horizon = "2 d"
replications = 2
seed = 5

[resources.r1]
count = 1

[resources.r2]
roster = [{ days = ["every_day"], start = "00:00", end = "10:00", count = 1 }]
at_shift_end = "pause"

[arrivals.none]
pathway = "p"
per_day = 0.000001

[[pathways.p.steps]]
name = "travel"
delay = { duration = { fixed = "6 h" } }

[[pathways.p.steps]]
name = "work"
activity = { resource = { any_of = ["r2", "r1"] }, duration = { fixed = "6 h" } }

[[pathways.p.steps]]
name = "after"
delay = { duration = { fixed = "1 h" } }

[[pathways.p.steps]]
name = "done"
end = { outcome = "home" }

[[initial]]
pathway = "p"
step = "travel"
count = 1
"#;

/// Hand-worked: work starts on `r2` at 06:00, due 12:00; at 10:00 `r2` goes off duty and the
/// work pauses with 2 h left, resumes at once on the free `r1` and is done at 12:00; the hour
/// after ends at 13:00: 13 h in the pathway. Before the fixes: 27 h (`r1`'s queue was not
/// served at the pause, so the work waited for `r2` at midnight), and with that alone, 12 h
/// (the old event also ended the hour after). `r1` is busy 2 h of the 48, and the pause
/// takes no time.
#[test]
fn any_of_work_resumed_on_another_alternative_at_the_pause_ends_once() {
    assert_eq!(
        same_in_every_replication(ANY_OF, "p.time_in_pathway.mean"),
        13.0
    );
    let r1 = same_in_every_replication(ANY_OF, "r1.busy");
    assert!((r1 - 2.0 / 48.0).abs() < 1e-12, "r1 busy {r1}");
    let paused = same_in_every_replication(ANY_OF, "attribution.p.service.work.paused.total_hours");
    assert_eq!(paused, 0.0);
}

/// Two patients of a nurse who pauses, rostered 1 all day and 1 more 08:00-09:00: `a` works
/// 08:00-09:00 and `b` 2 h from 08:30, then waits 1 h more.
const SECOND_SHIFT: &str = r#"
[run]
name = "unit_freed_at_the_pause"
horizon = "2 d"
replications = 2
seed = 7

[resources.nurse]
roster = [{ days = ["every_day"], start = "00:00", end = "00:00 next day", count = 1 }, { days = ["every_day"], start = "08:00", end = "09:00", count = 1 }]
at_shift_end = "pause"

[arrivals.none]
pathway = "a"
per_day = 0.000001

[[pathways.a.steps]]
name = "travel"
delay = { duration = { fixed = "8 h" } }

[[pathways.a.steps]]
name = "see"
activity = { resource = "nurse", duration = { fixed = "1 h" } }

[[pathways.a.steps]]
name = "done"
end = { outcome = "seen" }

[[pathways.b.steps]]
name = "travel"
delay = { duration = { fixed = "510 min" } }

[[pathways.b.steps]]
name = "see"
activity = { resource = "nurse", duration = { fixed = "2 h" } }

[[pathways.b.steps]]
name = "after"
delay = { duration = { fixed = "1 h" } }

[[pathways.b.steps]]
name = "done"
end = { outcome = "seen" }

[[initial]]
pathway = "a"
step = "travel"
count = 1

[[initial]]
pathway = "b"
step = "travel"
count = 1
"#;

/// Hand-worked: at 09:00 the second nurse goes off duty with both at work; `a`'s work, due
/// then, finishes and `b`'s (due 10:30) would pause with 1 h 30 min left, and `a`'s nurse is
/// free at the same instant, so `b` goes on at once, done 10:30; its hour after ends 11:30:
/// `b` 11.5 h in the pathway, `a` 9 h, whichever of the two 09:00 events comes first. The
/// nurse is busy 1 h + 2 h = 3 unit-hours of the 48 h, never in overtime.
#[test]
fn work_resumed_by_a_unit_freed_at_the_pause_ends_once() {
    assert_eq!(
        same_in_every_replication(SECOND_SHIFT, "b.time_in_pathway.mean"),
        11.5
    );
    assert_eq!(
        same_in_every_replication(SECOND_SHIFT, "a.time_in_pathway.mean"),
        9.0
    );
    let busy = same_in_every_replication(SECOND_SHIFT, "nurse.busy");
    assert!((busy - 3.0 / 48.0).abs() < 1e-12, "nurse busy {busy}");
    assert_eq!(
        same_in_every_replication(SECOND_SHIFT, "nurse.overtime"),
        0.0
    );
}
