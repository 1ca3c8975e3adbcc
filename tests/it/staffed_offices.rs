//! Staffed referral offices (a handoff's `by`) and work at a shift end (`at_shift_end` on a
//! resource), issue 12 item 4: queueing theory for an office always staffed, hand-worked
//! times for work that runs past closing (paused or finished), the duplicate assessment
//! kept by the unit that accepted, and attribution that adds up. Every misuse is refused
//! with its place and help: the `staffed_office_*` and `at_shift_end_*` fixtures in
//! `errors.rs`.

use std::collections::BTreeMap;

use carepath::experiment::trace::trace_bytes;
use carepath::scenario::parse;
use carepath::validate::theory::erlang_c;

use crate::support::{assert_agrees, run_text};

/// A staffed office of `count` always on duty reading referrals that arrive 2 an hour
/// (Poisson), each taking an exponential hour: an M/M/`count` queue.
fn always_staffed(count: u32) -> String {
    format!(
        r#"
[run]
name = "staffed_mmc"
horizon = "400 d"
warm_up = "10 d"
replications = 10
seed = 20261129

[resources.social_worker]
count = {count}

[arrivals.wards]
pathway = "discharge"
per_day = 48.0

[[pathways.discharge.steps]]
name = "refer"
handoff = {{ by = "social_worker", processing = {{ exponential = {{ mean = "1 h" }} }} }}

[[pathways.discharge.steps]]
name = "done"
end = {{ outcome = "accepted" }}
"#
    )
}

/// With staff always on duty, a staffed handoff is an M/M/c queue: the referral's delay is
/// Erlang C's mean wait plus the mean reading, and the staff's queue is its mean length.
#[test]
fn staffed_handoff_with_always_on_staff_matches_erlang_c() {
    for count in [3, 4] {
        let run = run_text(&always_staffed(count));
        let (lambda, mu) = (2.0, 1.0);
        let (_, wq) = erlang_c(lambda, mu, count);
        assert_agrees(
            &run,
            "handoff.discharge.refer.delay.mean",
            wq + 1.0 / mu,
            0.03,
        );
        assert_agrees(&run, "social_worker.queue.mean", lambda * wq, 0.08);
        assert_agrees(
            &run,
            "social_worker.utilisation",
            lambda / (mu * f64::from(count)),
            0.02,
        );
    }
}

/// Two referrals already sent at time zero (Monday 00:00) to one social worker rostered
/// 09:00-17:00 on weekdays, each needing exactly 10 hours of work; `at_shift_end` is the
/// worker's rule and `step` the handoff or activity line.
fn past_closing(at_shift_end: &str, step: &str) -> String {
    format!(
        r#"
[run]
name = "past_closing"
horizon = "7 d"
replications = 2
seed = 3

[resources.social_worker]
roster = [{{ days = ["weekdays"], start = "09:00", end = "17:00", count = 1 }}]
at_shift_end = "{at_shift_end}"

[arrivals.none]
pathway = "discharge"
per_day = 0.000001

[[pathways.discharge.steps]]
name = "refer"
{step}

[[pathways.discharge.steps]]
name = "done"
end = {{ outcome = "accepted" }}

[[initial]]
pathway = "discharge"
step = "refer"
count = 2
"#
    )
}

const STAFFED_HANDOFF: &str =
    r#"handoff = { by = "social_worker", processing = { fixed = "10 h" } }"#;

/// The value of `name` in every replication of `text` (all equal here: nothing is drawn).
fn deterministic(text: &str, names: &[&str]) -> Vec<f64> {
    let run = run_text(text);
    names
        .iter()
        .map(|name| {
            let values = run.values(name);
            assert!(
                values.windows(2).all(|w| w[0] == w[1]),
                "{name}: {values:?}"
            );
            values[0]
        })
        .collect()
}

/// Hand-worked, pause: the first referral waits for 09:00 (9 h off duty), is read 09:00-17:00,
/// stops with 2 h left, resumes Tuesday 09:00 and is accepted at 11:00 (35 h). The second
/// waits until then (25 h nobody on duty, 10 h the worker busy), is read 11:00-17:00, stops
/// with 4 h left, and is accepted Wednesday 13:00 (61 h). Mean 48 h; no overtime; 16 h paused
/// each.
///
/// Finish: the first is read 09:00-19:00, 2 h in overtime (19 h). Nobody is on duty at
/// 19:00, so the second starts Tuesday 09:00 and is accepted at 19:00 (43 h, 25 h off duty and
/// 8 h busy before), 2 h more overtime. Mean 31 h.
#[test]
fn referral_read_past_closing_pauses_or_finishes_in_overtime() {
    let names = [
        "handoff.discharge.refer.delay.mean",
        "social_worker.overtime",
        "attribution.discharge.wait.social_worker.off_duty.total_hours",
        "attribution.discharge.wait.social_worker.busy.total_hours",
        "attribution.discharge.handoff.refer.processing.total_hours",
        "handoff.discharge.refer.accepted",
    ];
    let paused = deterministic(&past_closing("pause", STAFFED_HANDOFF), &names);
    assert_eq!(paused, vec![48.0, 0.0, 34.0, 10.0, 20.0, 2.0]);
    let finished = deterministic(&past_closing("finish", STAFFED_HANDOFF), &names);
    assert_eq!(finished, vec![31.0, 4.0, 34.0, 8.0, 20.0, 2.0]);
    let paused_hours = deterministic(
        &past_closing("pause", STAFFED_HANDOFF),
        &["attribution.discharge.handoff.refer.paused.total_hours"],
    );
    assert_eq!(paused_hours, vec![32.0]);
    // A resource that finishes its work reports no paused cause at all.
    let run = run_text(&past_closing("finish", STAFFED_HANDOFF));
    assert!(
        run.summary.iter().all(|m| !m.metric.contains("paused")),
        "a paused cause reported without pausing"
    );
}

/// The same hand-worked example with an activity (a 10-hour piece of work by the same
/// worker): pause gives times in pathway 35 h and 61 h, finish 19 h and 43 h; the wait for
/// the worker is recorded once (9 h and 35 h, or 9 h and 33 h), not again when paused work
/// resumes.
#[test]
fn activity_past_closing_pauses_or_finishes_in_overtime() {
    let activity = r#"activity = { resource = "social_worker", duration = { fixed = "10 h" } }"#;
    let names = [
        "discharge.time_in_pathway.mean",
        "wait.discharge.refer.mean",
        "social_worker.overtime",
        "attribution.discharge.service.refer.total_hours",
    ];
    let paused = deterministic(&past_closing("pause", activity), &names);
    assert_eq!(paused, vec![48.0, 22.0, 0.0, 20.0]);
    let finished = deterministic(&past_closing("finish", activity), &names);
    assert_eq!(finished, vec![31.0, 21.0, 4.0, 20.0]);
    let paused_hours = deterministic(
        &past_closing("pause", activity),
        &["attribution.discharge.service.refer.paused.total_hours"],
    );
    assert_eq!(paused_hours, vec![32.0]);
}

/// With two units on duty from 00:00 to 08:00 and one after, pause stops the job due to
/// finish latest: of jobs of 10 h and 12 h started at 00:00, the 12-hour job stops at 08:00
/// with 4 h left and resumes at 10:00 when the 10-hour job is done, so it is done at 14:00
/// (2 h paused). Finished in overtime, both are done by 12:00, with one unit in overtime
/// from 08:00 to 10:00 (2 unit-hours).
#[test]
fn pause_stops_the_job_due_latest_and_resumes_it_on_the_next_free_unit() {
    let text = |at_shift_end: &str| {
        format!(
            r#"
[run]
name = "two_jobs"
horizon = "2 d"
replications = 1
seed = 5

[resources.worker]
roster = [{{ days = ["every_day"], start = "00:00", end = "08:00", count = 2 }}, {{ days = ["every_day"], start = "08:00", end = "24:00", count = 1 }}]
at_shift_end = "{at_shift_end}"

[arrivals.none]
pathway = "work"
per_day = 0.000001

[[pathways.work.steps]]
name = "pick"
branch = [{{ to = "short", probability = 0.5 }}, {{ to = "long", probability = 0.5 }}]

[[pathways.work.steps]]
name = "short"
activity = {{ resource = "worker", duration = {{ fixed = "10 h" }} }}
next = "done"

[[pathways.work.steps]]
name = "long"
activity = {{ resource = "worker", duration = {{ fixed = "12 h" }} }}

[[pathways.work.steps]]
name = "done"
end = {{ outcome = "finished" }}

[[initial]]
pathway = "work"
step = "short"
count = 1

[[initial]]
pathway = "work"
step = "long"
count = 1
"#
        )
    };
    let names = [
        "work.time_in_pathway.mean",
        "attribution.work.service.long.paused.total_hours",
    ];
    let paused = run_text(&text("pause"));
    assert_eq!(paused.mean(names[0]), (10.0 + 14.0) / 2.0);
    assert_eq!(paused.mean(names[1]), 2.0);
    assert_eq!(
        paused.mean("attribution.work.service.short.paused.total_hours"),
        0.0
    );
    let finished = run_text(&text("finish"));
    assert_eq!(finished.mean(names[0]), (10.0 + 12.0) / 2.0);
    assert_eq!(finished.mean("worker.overtime"), 2.0);
}

/// The unit that accepts a referral goes straight on to the duplicate assessment: with one
/// worker always on duty, 2 h readings and 3 h assessments, two referrals sent at time zero
/// are through at 5 h and 10 h (mean 7.5 h). Were the unit given back between the two, the
/// second reading would start at 2 h and the second referral be through sooner.
#[test]
fn duplicate_assessment_is_done_by_the_unit_that_accepted() {
    let text = r#"
[run]
name = "duplicate"
horizon = "2 d"
replications = 1
seed = 9

[resources.social_worker]
count = 1

[arrivals.none]
pathway = "discharge"
per_day = 0.000001

[[pathways.discharge.steps]]
name = "refer"
handoff = { by = "social_worker", processing = { fixed = "2 h" }, duplicate_assessment = { fixed = "3 h" } }

[[pathways.discharge.steps]]
name = "done"
end = { outcome = "accepted" }

[[initial]]
pathway = "discharge"
step = "refer"
count = 2
"#;
    let run = run_text(text);
    assert_eq!(run.mean("handoff.discharge.refer.delay.mean"), 7.5);
    assert_eq!(
        run.mean("attribution.discharge.handoff.refer.duplicate_assessment.total_hours"),
        6.0
    );
    assert_eq!(
        run.mean("attribution.discharge.wait.social_worker.busy.total_hours"),
        5.0
    );
}

/// A duplicate assessment paused at a shift end stays under `duplicate_assessment`: one
/// social worker on weekdays 09:00-17:00 reads a referral sent at Monday 00:00 from 09:00 to
/// 11:00 (2 h), assesses 11:00-17:00, stops with 4 h left and finishes Tuesday 13:00: 37 h,
/// of which 9 h off duty, 2 h processing and 26 h duplicate assessment (6 + 16 paused + 4).
#[test]
fn paused_duplicate_assessment_stays_a_duplicate_assessment() {
    let step = r#"handoff = { by = "social_worker", processing = { fixed = "2 h" }, duplicate_assessment = { fixed = "10 h" } }"#;
    let text = past_closing("pause", step).replace("count = 2\n", "count = 1\n");
    let names = [
        "handoff.discharge.refer.delay.mean",
        "attribution.discharge.wait.social_worker.off_duty.total_hours",
        "attribution.discharge.handoff.refer.processing.total_hours",
        "attribution.discharge.handoff.refer.duplicate_assessment.total_hours",
        "attribution.discharge.handoff.refer.paused.total_hours",
    ];
    assert_eq!(
        deterministic(&text, &names),
        vec![37.0, 9.0, 2.0, 26.0, 0.0]
    );
}

/// A busy, rostered office that pauses, with bounces, rework and duplicate assessments,
/// and a paused activity beside it: every patient's attributed hours add up to its time in
/// the pathway (from the trace, to 1e-9 h), bounced referrals are re-read by the staff, and
/// paused time shows up under the paused causes.
#[test]
fn staffed_office_causes_sum_to_time_in_pathway() {
    let text = r#"
[run]
name = "busy_office"
horizon = "60 d"
warm_up = "5 d"
replications = 1
seed = 11

[resources.social_worker]
roster = [{ days = ["weekdays"], start = "09:00", end = "17:00", count = 3 }, { days = ["saturday"], start = "10:00", end = "14:00", count = 1 }]
at_shift_end = "pause"

[resources.therapist]
roster = [{ days = ["every_day"], start = "08:00", end = "18:00", count = 2 }]
at_shift_end = "pause"

[arrivals.wards]
pathway = "discharge"
per_day = 2.0

[[pathways.discharge.steps]]
name = "refer"
handoff = { by = "social_worker", processing = { exponential = { mean = "3 h" } }, bounce_probability = 0.2, rework = { uniform = { min = "2 h", max = "20 h" } }, duplicate_assessment = { uniform = { min = "1 h", max = "4 h" } } }

[[pathways.discharge.steps]]
name = "assess_at_home"
activity = { resource = "therapist", duration = { exponential = { mean = "2 h" } } }

[[pathways.discharge.steps]]
name = "done"
end = { outcome = "home" }
"#;
    let scenario = parse("busy_office.toml", text).expect("loads").scenario;
    let trace = trace_bytes(&scenario, &[0]).expect("traces");
    let trace = String::from_utf8(trace).expect("UTF-8");
    let mut sums: BTreeMap<u64, (f64, f64)> = BTreeMap::new();
    let mut ended = 0;
    let mut events: BTreeMap<String, usize> = BTreeMap::new();
    for line in trace.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (patient, time): (u64, f64) = (f[1].parse().unwrap(), f[2].parse().unwrap());
        *events.entry(f[5].to_string()).or_default() += 1;
        let entry = sums.entry(patient).or_insert((time, 0.0));
        match f[5] {
            "attributed" => entry.1 += f[8].parse::<f64>().unwrap(),
            "end" | "inside_at_end" => {
                let stay = time - entry.0;
                assert!(
                    (entry.1 - stay).abs() <= 1e-9,
                    "patient {patient}: causes {} h, time in pathway {stay} h",
                    entry.1
                );
                ended += 1;
            }
            _ => {}
        }
    }
    assert_eq!(
        ended,
        sums.len(),
        "every patient ends or is inside at the end"
    );
    // Work that pauses is resumed and finished: nearly everyone is through (about 130
    // arrive in 65 days, asking some 12.5 staff-hours a day of the 17.7 rostered; a handful
    // are inside at the end).
    let (through, inside) = (events["end"], events["inside_at_end"]);
    assert!(
        through > 100 && inside < 20,
        "{through} through, {inside} inside"
    );
    for event in ["pause", "resume", "bounced", "resent", "accepted"] {
        assert!(
            events.get(event).is_some_and(|&n| n > 0),
            "no `{event}`: {events:?}"
        );
    }
    let run = run_text(text);
    assert!(run.mean("attribution.discharge.handoff.refer.paused.total_hours") > 0.0);
    assert!(run.mean("attribution.discharge.service.assess_at_home.paused.total_hours") > 0.0);
    assert!(run.mean("attribution.discharge.wait.social_worker.off_duty.total_hours") > 0.0);
    assert!(run.mean("handoff.discharge.refer.bounces") > 0.0);
}

/// Three jobs at time zero on one worker who pauses, with one surge unit called when more
/// than 1 waits (no delay, no minimum time open) and closed when none waits: `long` (10 h),
/// `short` (2 h) and `longer` (12 h), placed in that order.
const SURGE_CLOSES_AS_A_JOB_STARTS: &str = r#"
[run]
name = "surge_close_pause"
horizon = "2 d"
replications = 1
seed = 5

[resources.worker]
count = 1
at_shift_end = "pause"
surge = { units = 1, open_above = 1, close_below = 1, cost_per_unit_day = 0 }

[arrivals.none]
pathway = "work"
per_day = 0.000001

[[pathways.work.steps]]
name = "pick"
branch = [{ to = "long", probability = 0.5 }, { to = "short", probability = 0.25 }, { to = "longer", probability = 0.25 }]

[[pathways.work.steps]]
name = "long"
activity = { resource = "worker", duration = { fixed = "10 h" } }
next = "done"

[[pathways.work.steps]]
name = "short"
activity = { resource = "worker", duration = { fixed = "2 h" } }
next = "done"

[[pathways.work.steps]]
name = "longer"
activity = { resource = "worker", duration = { fixed = "12 h" } }

[[pathways.work.steps]]
name = "done"
end = { outcome = "finished" }

[[initial]]
pathway = "work"
step = "long"
count = 1

[[initial]]
pathway = "work"
step = "short"
count = 1

[[initial]]
pathway = "work"
step = "longer"
count = 1
"#;

/// Finding 6 of issue 13, hand-traced. At 0 `long` starts (to 10); `short` and `longer`
/// queue, 2 waiting > 1 calls the surge unit, which opens at 0 and takes `short` (to 2).
/// At 2 `short` is done and `longer` takes its unit (to 14); nobody waits, so the rule
/// closes, but a surge unit in use stays on duty until a unit is freed: no work pauses (a
/// surge closing is not a shift end). At 10 `long` is done and the surge unit goes off duty
/// (units are alike); `longer` is done at 14. Times in the pathway 10, 2 and 14 (mean 26/3),
/// nothing paused, surge open 0 to 10.
///
/// Before finding 6 was fixed, `long` paused with 8 h left while `longer` went on to 14 (a
/// new job ahead of paused work).
#[test]
fn surge_closing_as_a_job_starts_pauses_nothing() {
    let run = run_text(SURGE_CLOSES_AS_A_JOB_STARTS);
    assert_eq!(run.mean("work.time_in_pathway.mean"), 26.0 / 3.0);
    assert_eq!(
        run.mean("attribution.work.service.longer.paused.total_hours"),
        0.0
    );
    assert_eq!(
        run.mean("attribution.work.service.long.paused.total_hours"),
        0.0
    );
    assert_eq!(run.mean("worker.surge.days"), 10.0 / 24.0);
}

/// Every `start` on `resource` in `trace` (rows after the header) comes when no work paused
/// on it waits: paused work resumes ahead of anything new. Returns the pauses seen.
fn assert_paused_work_resumes_first(trace: &str, resource: &str) -> usize {
    let mut paused: Vec<String> = Vec::new();
    let mut pauses = 0;
    for line in trace.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[6] != resource {
            continue;
        }
        match f[5] {
            "pause" => {
                paused.push(f[1].to_string());
                pauses += 1;
            }
            "resume" => {
                assert_eq!(
                    paused.first().map(String::as_str),
                    Some(f[1]),
                    "paused work resumes in the order paused: {line}"
                );
                paused.remove(0);
            }
            "start" => assert!(
                paused.is_empty(),
                "patient {} started at {} h while {paused:?} waited paused",
                f[1],
                f[2]
            ),
            _ => {}
        }
    }
    pauses
}

/// Finding 6 of issue 13, as an invariant: a busy worker on a two-level roster who pauses,
/// with a surge rule that opens and closes often. Over 30 days of the trace, nobody starts
/// on the worker while paused work waits, and paused work resumes in the order paused,
/// whether the unit comes from a release, a shift start or the surge opening.
#[test]
fn paused_work_resumes_ahead_of_new_work_with_a_roster_and_a_surge_rule() {
    let text = r#"
[run]
name = "pause_roster_surge"
horizon = "30 d"
replications = 1
seed = 7

[resources.worker]
roster = [{ days = ["every_day"], start = "08:00", end = "16:00", count = 2 }, { days = ["every_day"], start = "16:00", end = "20:00", count = 1 }]
at_shift_end = "pause"
surge = { units = 1, open_above = 3, close_below = 2, open_delay = "1 h", min_open = "2 h", cost_per_unit_day = 100 }

[arrivals.wards]
pathway = "work"
per_day = 14

[[pathways.work.steps]]
name = "do"
activity = { resource = "worker", duration = { exponential = { mean = "2 h" } } }

[[pathways.work.steps]]
name = "done"
end = { outcome = "finished" }
"#;
    let scenario = parse("pause_roster_surge.toml", text)
        .expect("loads")
        .scenario;
    let trace = String::from_utf8(trace_bytes(&scenario, &[0]).expect("traces")).expect("UTF-8");
    let pauses = assert_paused_work_resumes_first(&trace, "worker");
    assert!(pauses > 20, "{pauses} pauses: the test needs many");
    let trace = {
        let scenario = parse("surge_close_pause.toml", SURGE_CLOSES_AS_A_JOB_STARTS)
            .expect("loads")
            .scenario;
        String::from_utf8(trace_bytes(&scenario, &[0]).expect("traces")).expect("UTF-8")
    };
    assert_eq!(assert_paused_work_resumes_first(&trace, "worker"), 0);
}

/// Finding 5 of issue 13, hand-traced: a flex rule's `waited_over` counts referrals queued
/// at a staffed office. One social worker reads four referrals sent at time zero, 4 h each;
/// one more worker is called when more than one has waited over 3 h (no delay, no minimum)
/// and stands down when none has. At 0 the first is read (to 4), three queue; at 3 all three
/// have waited 3 h: the extra worker comes and reads the second (to 7). At 4 the first is
/// done and the third is read (to 8); at 7 the second is done and the fourth is read (to 11):
/// none waits and the rule closes, but both units are busy, so the extra worker stays on
/// duty (as surge time, not overtime) until the third is done at 8. Delays 4, 7, 8 and 11 h
/// (mean 7.5); surge on duty 3 to 8, 5 h at 24 GBP a day. Were the office's queue not counted, nobody would come: 4, 8, 12, 16 h.
#[test]
fn waited_over_counts_referrals_queued_at_a_staffed_office() {
    let text = r#"
[run]
name = "office_surge"
horizon = "2 d"
replications = 1
seed = 5

[resources.social_worker]
count = 1
surge = { units = 1, open_above = 1, close_below = 1, waited_over = "3 h", cost_per_unit_day = 24 }

[arrivals.none]
pathway = "discharge"
per_day = 0.000001

[[pathways.discharge.steps]]
name = "refer"
handoff = { by = "social_worker", processing = { fixed = "4 h" } }

[[pathways.discharge.steps]]
name = "done"
end = { outcome = "accepted" }

[[initial]]
pathway = "discharge"
step = "refer"
count = 4
"#;
    let run = run_text(text);
    assert_eq!(run.mean("handoff.discharge.refer.delay.mean"), 7.5);
    assert_eq!(run.mean("social_worker.surge.days"), 5.0 / 24.0);
    assert_eq!(run.mean("cost.social_worker.surge"), 5.0);
    assert_eq!(run.mean("social_worker.overtime"), 0.0);
}

/// Work paused at a shift end counts for `waited_over` from the pause: two workers on duty
/// 00:00-08:00 each day who pause, two 12-hour jobs at time zero, and two surge workers
/// called when more than one job has waited over 1 h, open at least 4 h. At 8 both jobs stop
/// with 4 h left; at 9 both have waited 1 h: the surge workers come at once and resume them
/// (to 13), and stand down at 13 as the jobs are done (work due at a closing finishes).
#[test]
fn waited_over_counts_paused_work_from_the_pause() {
    let text = r#"
[run]
name = "paused_surge"
horizon = "20 h"
replications = 1
seed = 5

[resources.worker]
roster = [{ days = ["every_day"], start = "00:00", end = "08:00", count = 2 }]
at_shift_end = "pause"
surge = { units = 2, open_above = 1, close_below = 1, waited_over = "1 h", min_open = "4 h", cost_per_unit_day = 0 }

[arrivals.none]
pathway = "work"
per_day = 0.000001

[[pathways.work.steps]]
name = "do"
activity = { resource = "worker", duration = { fixed = "12 h" } }

[[pathways.work.steps]]
name = "done"
end = { outcome = "finished" }

[[initial]]
pathway = "work"
step = "do"
count = 2
"#;
    let run = run_text(text);
    assert_eq!(run.mean("work.time_in_pathway.mean"), 13.0);
    assert_eq!(
        run.mean("attribution.work.service.do.paused.total_hours"),
        2.0
    );
    assert_eq!(run.mean("worker.surge.days"), 4.0 / 24.0);
}

/// Issue 12 item 4: referrals queue for the staff by their handoff's `priority`, as at a
/// `seize`. One social worker; at time zero two routine referrals (2 h each) are sent, then
/// one urgent (3 h, priority 1). The first routine is read 0-2; the urgent one passes the
/// second routine and is read 2-5; the second routine 5-7. Routine delays 2 and 7 (mean
/// 4.5), urgent 5. First come, first served would give 2 and 4 (mean 3), and 7.
#[test]
fn referrals_queue_for_the_staff_by_priority() {
    let text = |priority: &str| {
        format!(
            r#"
[run]
name = "office_priority"
horizon = "2 d"
replications = 1
seed = 5

[resources.social_worker]
count = 1

[arrivals.routine]
pathway = "routine"
per_day = 0.000001

[arrivals.urgent]
pathway = "urgent"
per_day = 0.000001

[[pathways.routine.steps]]
name = "refer"
handoff = {{ by = "social_worker", processing = {{ fixed = "2 h" }} }}

[[pathways.routine.steps]]
name = "done"
end = {{ outcome = "accepted" }}

[[pathways.urgent.steps]]
name = "refer"
handoff = {{ by = "social_worker", processing = {{ fixed = "3 h" }}{priority} }}

[[pathways.urgent.steps]]
name = "done"
end = {{ outcome = "accepted" }}

[[initial]]
pathway = "routine"
step = "refer"
count = 2

[[initial]]
pathway = "urgent"
step = "refer"
count = 1
"#
        )
    };
    let names = [
        "handoff.routine.refer.delay.mean",
        "handoff.urgent.refer.delay.mean",
    ];
    assert_eq!(
        deterministic(&text(", priority = 1"), &names),
        vec![4.5, 5.0]
    );
    assert_eq!(deterministic(&text(""), &names), vec![3.0, 7.0]);
}

/// `scenarios/east_london/staffed_social_work.toml` is a full copy of the baseline (a variant
/// cannot add a resource nor remove a handoff's `hours`): it must differ from
/// `baseline.toml` only by its name, label and description, the social work team, and `by`
/// for `hours` on the three referrals to social care, so that it cannot drift.
#[test]
fn staffed_social_work_is_the_baseline_but_for_the_team() {
    use toml::{Table, Value};
    let read = |file: &str| -> Table {
        let path = crate::support::repository_root()
            .join("scenarios/east_london")
            .join(file);
        let text = std::fs::read_to_string(&path).expect("reads");
        toml::from_str(&text).expect("TOML")
    };
    let base = read("baseline.toml");
    let mut staffed = read("staffed_social_work.toml");
    let team = staffed["resources"]
        .as_table_mut()
        .and_then(|r| r.remove("social_worker"))
        .expect("a social work team");
    assert_eq!(team["at_shift_end"].as_str(), Some("pause"));
    let run = staffed["run"].as_table_mut().expect("[run]");
    for key in ["name", "label", "description"] {
        run.insert(key.to_string(), base["run"][key].clone());
    }
    let mut referrals = 0;
    for (_, pathway) in staffed["pathways"]
        .as_table_mut()
        .expect("pathways")
        .iter_mut()
    {
        for step in pathway["steps"].as_array_mut().expect("steps") {
            if step["name"].as_str() != Some("refer_to_social_care") {
                continue;
            }
            let handoff = step["handoff"].as_table_mut().expect("a handoff");
            assert_eq!(
                handoff.remove("by"),
                Some(Value::String("social_worker".into()))
            );
            handoff.insert("hours".into(), Value::String("social_care".into()));
            referrals += 1;
        }
    }
    assert_eq!(referrals, 3);
    assert!(
        staffed == base,
        "staffed_social_work.toml differs from baseline.toml beyond the team"
    );
}

/// The East London staffed variant runs: the team is busy but not swamped, work paused at
/// 17:00 is resumed, and the referral to social care takes longer than with unlimited
/// readers in office hours (the baseline), on the same seeds.
#[test]
fn east_london_social_work_team_pauses_at_five_and_slows_referrals() {
    let dir = crate::support::repository_root().join("scenarios/east_london");
    let staffed = crate::support::run_file(&dir.join("staffed_social_work.toml"));
    let base = crate::support::run_file(&dir.join("baseline.toml"));
    let busy = staffed.mean("social_worker.utilisation");
    assert!((0.5..0.95).contains(&busy), "social workers {busy} busy");
    // Pathway 1 patients wait for the referral in their acute bed: `blocked` time.
    let paused = "attribution.d2a_p1.blocked.handoff.refer_to_social_care.paused.total_hours";
    assert!(staffed.mean(paused) > 0.0);
    let delay = "handoff.d2a_p1.refer_to_social_care.delay.mean";
    assert!(
        staffed.mean(delay) > base.mean(delay),
        "{} h staffed against {} h",
        staffed.mean(delay),
        base.mean(delay)
    );
}
