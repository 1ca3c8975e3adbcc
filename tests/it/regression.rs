//! Regression tests for faults found in review of the foundation (each names what broke).

use crate::support::run_text;
use carepath::scenario::parse;

/// Serving a long queue at once (thousands waiting for an office to open, each releasing it
/// again at once) used to recurse once per patient and overflow the stack.
#[test]
fn a_long_queue_served_at_once_does_not_overflow_the_stack() {
    let run = run_text(
        &std::fs::read_to_string(
            crate::support::repository_root().join("tests/fixtures/valid/queue_at_opening.toml"),
        )
        .unwrap(),
    );
    assert!(run.mean("p.completed") > 5000.0);
    assert_eq!(run.mean("system.in_system_at_end"), 0.0);
}

/// The order of `[[initial]]` groups used to decide whether waiting census patients took
/// the beds that later groups held.
#[test]
fn census_groups_take_their_beds_before_anyone_moves() {
    let waiting = "[[initial]]\npathway = \"p\"\nstep = \"admit\"\ncount = 5\n";
    let holding =
        "[[initial]]\npathway = \"p\"\nstep = \"stay\"\ncount = 10\nholding = [\"bed\"]\n";
    let base = r#"
[run]
name = "order"
horizon = "2 d"
replications = 2

[resources.bed]
count = 10

[[pathways.p.steps]]
name = "admit"
seize = { resource = "bed" }

[[pathways.p.steps]]
name = "stay"
delay = { duration = { fixed = "1 d" } }

[[pathways.p.steps]]
name = "out"
release = { resource = "bed" }

[[pathways.p.steps]]
name = "done"
end = { outcome = "x" }
"#;
    let first = run_text(&format!("{base}{waiting}{holding}"));
    let second = run_text(&format!("{base}{holding}{waiting}"));
    for run in [&first, &second] {
        assert_eq!(
            run.mean("bed.overtime"),
            0.0,
            "census patients overfilled the ward"
        );
        assert_eq!(
            run.mean("wait.p.admit.mean"),
            24.0,
            "the waiting five get beds after a day"
        );
    }
}

/// Shifts meeting at minutes such as 08:20 used to leave a sliver of a roster segment that
/// set the wrong staffing for a whole shift.
#[test]
fn rosters_at_odd_minutes_give_the_rostered_staff() {
    let run = run_text(
        r#"
[run]
name = "odd_minutes"
horizon = "28 d"
replications = 1

[resources.nurse]
roster = [
  { days = ["every_day"], start = "08:20", end = "20:20", count = 2 },
  { days = ["every_day"], start = "20:20", end = "08:20 next day", count = 1 },
]

[arrivals.a]
pathway = "p"
per_day = 1.0

[[pathways.p.steps]]
name = "see"
activity = { resource = "nurse", duration = { fixed = "10 min" } }

[[pathways.p.steps]]
name = "done"
end = { outcome = "x" }
"#,
    );
    assert!(
        (run.mean("nurse.available") - 1.5).abs() < 1e-9,
        "{}",
        run.mean("nurse.available")
    );
}

/// A zero-length delay in a loop used to spin forever at one instant; then the replication
/// stopped with an error naming the step; since issue 9 item 18 `check` refuses it before
/// anything runs, at the place of the loop.
#[test]
fn a_loop_of_zero_length_steps_is_reported_not_run_forever() {
    let text = r#"
[run]
name = "zero_loop"
horizon = "1 d"
replications = 1

[arrivals.a]
pathway = "p"
per_day = 50.0

[[pathways.p.steps]]
name = "again"
delay = { duration = { fixed = "0 min" } }

[[pathways.p.steps]]
name = "decide"
branch = [{ to = "again", probability = 1.0 }, { to = "done", probability = 0.0 }]

[[pathways.p.steps]]
name = "done"
end = { outcome = "x" }
"#;
    let error = parse("zero_loop.toml", text).unwrap_err().to_string();
    assert!(error.contains("without any time passing"), "{error}");
    assert!(error.contains("--> zero_loop.toml:12:8"), "{error}");
    assert!(error.contains("steps `again`, `decide`"), "{error}");
}

/// A shrinking referral volume used to leave the arrival process searching forever for an
/// arrival that never comes.
#[test]
fn a_shrinking_volume_ends_with_the_run() {
    let run = run_text(
        r#"
[run]
name = "decline"
horizon = "9125 d"
replications = 1

[arrivals.a]
pathway = "p"
per_day = 1.0
growth_per_year = -0.3

[[pathways.p.steps]]
name = "done"
end = { outcome = "x" }
"#,
    );
    assert!(run.mean("p.arrivals") > 500.0);
}
