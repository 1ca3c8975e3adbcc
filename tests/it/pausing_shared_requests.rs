//! `at_shift_end = "pause"` and a staffed office's `by` on resources asked for several units,
//! with other resources or as alternatives (issue 12 item 4, "used by activities as well as
//! handoffs"): such work pauses whole, giving back every unit it holds, and resumes ahead of
//! new work when the whole request can be granted again. Hand-worked times, a trace
//! invariant over a long run, Erlang C for an office on shared staff, and determinism.

use carepath::experiment::trace::trace_bytes;
use carepath::scenario::parse;
use carepath::validate::theory::erlang_c;

use crate::support::{assert_agrees, run_text};

/// The value of `name` in every replication of `text`, which must all be equal (nothing is
/// drawn in these scenarios).
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

/// One visit reaching a nurse-and-car activity of exactly 10 h at Monday 15:00 (after a
/// 15-hour delay from time zero), one nurse rostered 09:00-17:00 on weekdays with
/// `at_shift_end`, one car always available.
fn nurse_and_car(at_shift_end: &str) -> String {
    format!(
        r#"
[run]
name = "nurse_and_car"
horizon = "3 d"
replications = 2
seed = 11

[resources.nurse]
roster = [{{ days = ["weekdays"], start = "09:00", end = "17:00", count = 1 }}]
at_shift_end = "{at_shift_end}"

[resources.car]
count = 1

[arrivals.none]
pathway = "visit"
per_day = 0.000001

[[pathways.visit.steps]]
name = "travel"
delay = {{ duration = {{ fixed = "15 h" }} }}

[[pathways.visit.steps]]
name = "see"
activity = {{ resources = ["nurse", "car"], duration = {{ fixed = "10 h" }} }}

[[pathways.visit.steps]]
name = "done"
end = {{ outcome = "seen" }}

[[initial]]
pathway = "visit"
step = "travel"
count = 1
"#
    )
}

/// Hand-worked, pause: the visit starts Monday 15:00 with the nurse and the car, stops at
/// 17:00 with 8 h left and gives back both (the car is not held overnight), takes both again
/// Tuesday 09:00 and is done at 17:00: 41 h in the pathway, 16 h paused, no overtime. The
/// car is busy 2 h + 8 h = 10 h of the 72 (26 h had it been held while paused).
///
/// Finish: the nurse works on in overtime and the visit is done Tuesday 01:00 (25 h), with
/// 8 h of overtime; the car is busy 10 h.
#[test]
fn nurse_and_car_visit_pauses_whole_at_the_nurses_shift_end() {
    let names = [
        "visit.time_in_pathway.mean",
        "nurse.overtime",
        "car.busy",
        "nurse.busy",
        "attribution.visit.service.see.total_hours",
    ];
    let paused = deterministic(&nurse_and_car("pause"), &names);
    assert_eq!(paused[0], 41.0);
    assert_eq!(paused[1], 0.0);
    assert!(
        (paused[2] - 10.0 / 72.0).abs() < 1e-12,
        "car busy {}",
        paused[2]
    );
    assert!(
        (paused[3] - 10.0 / 72.0).abs() < 1e-12,
        "nurse busy {}",
        paused[3]
    );
    assert_eq!(paused[4], 10.0);
    let paused_hours = deterministic(
        &nurse_and_car("pause"),
        &["attribution.visit.service.see.paused.total_hours"],
    );
    assert_eq!(paused_hours, vec![16.0]);
    let finished = deterministic(&nurse_and_car("finish"), &names);
    assert_eq!(finished[0], 25.0);
    assert_eq!(finished[1], 8.0);
    assert!(
        (finished[2] - 10.0 / 72.0).abs() < 1e-12,
        "car busy {}",
        finished[2]
    );
    assert_eq!(finished[4], 10.0);
}

/// The trace of the paused nurse-and-car visit: `pause` at 17 h with 8 h left, `resume` at
/// 33 h with 8 h left, `finish` at 41 h.
#[test]
fn nurse_and_car_visit_trace_pauses_and_resumes_with_the_work_left() {
    let scenario = parse("nurse_and_car.toml", &nurse_and_car("pause"))
        .expect("loads")
        .scenario;
    let trace = String::from_utf8(trace_bytes(&scenario, &[0]).expect("traces")).expect("UTF-8");
    let events: Vec<(f64, String, String)> = trace
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            (
                f[2].parse().expect("time"),
                f[5].to_string(),
                f.get(8).map_or(String::new(), |d| d.to_string()),
            )
        })
        .filter(|(_, e, _)| ["start", "pause", "resume", "finish"].contains(&e.as_str()))
        .collect();
    let kinds: Vec<(f64, &str)> = events.iter().map(|(t, e, _)| (*t, e.as_str())).collect();
    assert_eq!(
        kinds,
        vec![
            (15.0, "finish"),
            (15.0, "start"),
            (17.0, "pause"),
            (33.0, "resume"),
            (41.0, "finish")
        ],
        "{trace}"
    );
    assert_eq!(events[2].2.parse::<f64>().ok(), Some(8.0), "{trace}");
    assert_eq!(events[3].2.parse::<f64>().ok(), Some(8.0), "{trace}");
}

/// Two double-handed (`units = 2`) transfers of exactly 10 h waiting at time zero (Monday
/// 00:00) for carers rostered 2 from 08:00 to 16:00 and 1 from 16:00 to 20:00, every day.
fn double_handed(at_shift_end: &str) -> String {
    format!(
        r#"
[run]
name = "double_handed"
horizon = "4 d"
replications = 2
seed = 13

[resources.carer]
roster = [{{ days = ["every_day"], start = "08:00", end = "16:00", count = 2 }}, {{ days = ["every_day"], start = "16:00", end = "20:00", count = 1 }}]
at_shift_end = "{at_shift_end}"

[arrivals.none]
pathway = "care"
per_day = 0.000001

[[pathways.care.steps]]
name = "hoist"
activity = {{ resource = "carer", units = 2, duration = {{ fixed = "10 h" }} }}

[[pathways.care.steps]]
name = "done"
end = {{ outcome = "home" }}

[[initial]]
pathway = "care"
step = "hoist"
count = 2
"#
    )
}

/// Hand-traced, pause: at 08:00 the first transfer takes both carers; at 16:00 one goes off
/// duty and the whole transfer stops with 2 h left, giving back both (the carer on until
/// 20:00 is idle: the second transfer needs two, and waits behind the paused one). Tuesday
/// 08:00 the first resumes and is done at 10:00 (34 h); the second starts then, stops at
/// 16:00 with 4 h left, resumes Wednesday 08:00 and is done at 12:00 (60 h). Mean 47 h;
/// waits 8 h and 34 h (mean 21); carers busy 2 x 20 h = 40 unit-hours of 96 h; 16 h
/// paused each (32 h); no overtime.
///
/// Finish: the first works 08:00-18:00, both carers 2 h beyond 16:00 but one of them on the
/// roster until 20:00: 2 unit-hours of overtime (18 h in the pathway). Nobody can start the
/// second before Tuesday 08:00 (one carer on duty at 18:00): done 18:00 (42 h), 2 more
/// unit-hours of overtime. Mean 30 h.
#[test]
fn double_handed_transfer_pauses_both_carers_and_resumes_first() {
    let names = [
        "care.time_in_pathway.mean",
        "wait.care.hoist.mean",
        "carer.overtime",
        "carer.busy",
        "attribution.care.service.hoist.paused.total_hours",
    ];
    let paused = deterministic(&double_handed("pause"), &names);
    assert_eq!(paused[0], 47.0);
    assert_eq!(paused[1], 21.0);
    assert_eq!(paused[2], 0.0);
    assert!(
        (paused[3] - 40.0 / 96.0).abs() < 1e-12,
        "carer busy {}",
        paused[3]
    );
    assert_eq!(paused[4], 32.0);
    let finished = deterministic(&double_handed("finish"), &names[..4]);
    assert_eq!(finished[0], 30.0);
    assert_eq!(finished[2], 4.0);
    assert!(
        (finished[3] - 40.0 / 96.0).abs() < 1e-12,
        "carer busy {}",
        finished[3]
    );
}

/// A 4-hour review by "a nurse or a therapist" reached at 14:00 (a 14-hour delay from time
/// zero); the nurse (first choice) is rostered 08:00-16:00 and pauses, the therapist
/// 18:00-22:00, every day.
fn nurse_or_therapist(at_shift_end: &str) -> String {
    format!(
        r#"
[run]
name = "nurse_or_therapist"
horizon = "2 d"
replications = 2
seed = 17

[resources.nurse]
roster = [{{ days = ["every_day"], start = "08:00", end = "16:00", count = 1 }}]
at_shift_end = "{at_shift_end}"

[resources.therapist]
roster = [{{ days = ["every_day"], start = "18:00", end = "22:00", count = 1 }}]

[arrivals.none]
pathway = "review"
per_day = 0.000001

[[pathways.review.steps]]
name = "travel"
delay = {{ duration = {{ fixed = "14 h" }} }}

[[pathways.review.steps]]
name = "see"
activity = {{ resource = {{ any_of = ["nurse", "therapist"] }}, duration = {{ fixed = "4 h" }} }}

[[pathways.review.steps]]
name = "done"
end = {{ outcome = "seen" }}

[[initial]]
pathway = "review"
step = "travel"
count = 1
"#
    )
}

/// Hand-worked, pause: the review starts at 14:00 on the nurse (free, first choice), stops at
/// 16:00 with 2 h left, and resumes at 18:00 on the therapist (free before the nurse, back at
/// 08:00 next day); done at 20:00 (20 h in the pathway), 2 h of each. It counts as served by
/// the nurse, where it started. Finish: the nurse finishes at 18:00 in 2 h of overtime.
#[test]
fn any_of_work_paused_on_the_first_choice_resumes_on_the_second_if_free_first() {
    let names = [
        "review.time_in_pathway.mean",
        "nurse.busy",
        "therapist.busy",
        "wait.review.see.served_by.nurse",
        "wait.review.see.served_by.therapist",
        "nurse.overtime",
    ];
    let paused = deterministic(&nurse_or_therapist("pause"), &names);
    assert_eq!(paused[0], 20.0);
    assert!(
        (paused[1] - 2.0 / 48.0).abs() < 1e-12,
        "nurse busy {}",
        paused[1]
    );
    assert!(
        (paused[2] - 2.0 / 48.0).abs() < 1e-12,
        "therapist busy {}",
        paused[2]
    );
    assert_eq!(paused[3..], [1.0, 0.0, 0.0]);
    let finished = deterministic(&nurse_or_therapist("finish"), &names);
    assert_eq!(finished[0], 18.0);
    assert!((finished[1] - 4.0 / 48.0).abs() < 1e-12);
    assert_eq!(finished[2], 0.0);
    assert_eq!(finished[5], 2.0);
}

/// A busy community team over 60 days: nurses (3 on 08:00-16:00, 1 on 16:00-20:00) that
/// pause, read referrals (`by`), do nurse-and-car visits, double-handed transfers, and
/// reviews with a therapist as second choice; two cars.
const MIX: &str = r#"
[run]
name = "shared_pause_mix"
horizon = "60 d"
replications = 3
seed = 19

[resources.nurse]
roster = [{ days = ["every_day"], start = "08:00", end = "16:00", count = 3 }, { days = ["every_day"], start = "16:00", end = "20:00", count = 1 }]
at_shift_end = "pause"

[resources.car]
count = 2

[resources.therapist]
roster = [{ days = ["weekdays"], start = "10:00", end = "18:00", count = 1 }]

[arrivals.referrals]
pathway = "community"
per_day = 3.5

[[pathways.community.steps]]
name = "triage"
handoff = { by = "nurse", processing = { exponential = { mean = "1 h" } } }

[[pathways.community.steps]]
name = "visit"
activity = { resources = ["nurse", "car"], duration = { exponential = { mean = "2 h" } } }

[[pathways.community.steps]]
name = "transfer"
activity = { resource = "nurse", units = 2, duration = { exponential = { mean = "1 h" } } }

[[pathways.community.steps]]
name = "review"
activity = { resource = { any_of = ["nurse", "therapist"] }, duration = { exponential = { mean = "1 h" } } }

[[pathways.community.steps]]
name = "done"
end = { outcome = "discharged" }
"#;

/// The invariant of "paused work first", over the trace of [`MIX`]: nothing starts on a
/// nurse while paused work waits (every kind of work here asks for a nurse), and a nurse
/// resumes paused work in the order it paused; paused work may resume on the therapist
/// instead (a review), which takes it out of the nurses' queue. Returns the pauses seen.
fn assert_paused_work_resumes_first_over_requests(trace: &str) -> usize {
    let mut paused: Vec<String> = Vec::new();
    let mut pauses = 0;
    for line in trace.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (patient, time, event, resource) = (f[1], f[2], f[5], f[6]);
        match (event, resource) {
            ("pause", "nurse") => {
                paused.push(patient.to_string());
                pauses += 1;
            }
            ("pause", other) => panic!("a pause on {other}, which finishes its work: {line}"),
            ("resume", "nurse") => {
                assert_eq!(
                    paused.first().map(String::as_str),
                    Some(patient),
                    "paused work resumes in the order paused: {line}"
                );
                paused.remove(0);
            }
            ("resume", _) => {
                let at = paused
                    .iter()
                    .position(|p| p == patient)
                    .unwrap_or_else(|| panic!("resumed without a pause: {line}"));
                paused.remove(at);
            }
            ("start", "nurse") => assert!(
                paused.is_empty(),
                "patient {patient} started at {time} h while {paused:?} waited paused"
            ),
            _ => {}
        }
    }
    pauses
}

#[test]
fn paused_shared_work_resumes_ahead_of_new_work_over_a_long_run() {
    let scenario = parse("shared_pause_mix.toml", MIX).expect("loads").scenario;
    let trace = String::from_utf8(trace_bytes(&scenario, &[0]).expect("traces")).expect("UTF-8");
    let pauses = assert_paused_work_resumes_first_over_requests(&trace);
    assert!(pauses > 30, "{pauses} pauses: the test needs many");
    // Every kind of paused work resumed at least once: referrals, visits, transfers, reviews.
    let resumed_at = |step: &str| {
        trace
            .lines()
            .filter(|l| l.contains(",resume,"))
            .any(|l| l.split(',').nth(4) == Some(step))
    };
    for step in ["triage", "visit", "transfer", "review"] {
        assert!(
            resumed_at(step),
            "no `{step}` work resumed:\n{}",
            &trace[..2000]
        );
    }
}

/// The same seed gives the same numbers, bit for bit, for [`MIX`]; the nurses never work
/// overtime (they pause) and work is conserved: paused hours are reported.
#[test]
fn shared_pause_mix_is_deterministic_and_never_in_overtime() {
    let first = run_text(MIX);
    let second = run_text(MIX);
    assert_eq!(first.summary.len(), second.summary.len());
    for (a, b) in first.summary.iter().zip(&second.summary) {
        assert_eq!(a.metric, b.metric);
        assert!(
            a.mean.to_bits() == b.mean.to_bits() || (a.mean.is_nan() && b.mean.is_nan()),
            "{}: {} then {}",
            a.metric,
            a.mean,
            b.mean
        );
    }
    assert_eq!(first.mean("nurse.overtime"), 0.0);
    assert!(first.mean("attribution.community.service.visit.paused.total_hours") > 0.0);
    assert!(first.mean("attribution.community.handoff.triage.paused.total_hours") > 0.0);
}

/// An office of `count` social workers always on duty reading referrals that arrive 2 an
/// hour, each an exponential hour, whose staff are shared: another pathway (with no
/// arrivals to speak of) asks for two of them at once. (No `at_shift_end = "pause"`: without
/// a roster it would change nothing, and `check` refuses it.)
fn shared_office(count: u32) -> String {
    format!(
        r#"
[run]
name = "shared_office_mmc"
horizon = "400 d"
warm_up = "10 d"
replications = 10
seed = 20261130

[resources.social_worker]
count = {count}

[arrivals.wards]
pathway = "discharge"
per_day = 48.0

[arrivals.rare]
pathway = "joint"
per_day = 0.000001

[[pathways.discharge.steps]]
name = "refer"
handoff = {{ by = "social_worker", processing = {{ exponential = {{ mean = "1 h" }} }} }}

[[pathways.discharge.steps]]
name = "done"
end = {{ outcome = "accepted" }}

[[pathways.joint.steps]]
name = "joint_visit"
activity = {{ resource = "social_worker", units = 2, duration = {{ fixed = "1 h" }} }}

[[pathways.joint.steps]]
name = "finished"
end = {{ outcome = "done" }}
"#
    )
}

/// An office `by` a shared resource, always staffed, is M/M/c: Erlang C's mean wait plus the
/// mean reading, and the mean queue.
#[test]
fn staffed_office_on_shared_staff_matches_erlang_c() {
    for count in [3, 4] {
        let run = run_text(&shared_office(count));
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

/// Two referrals sent at Monday 00:00 to one social worker on weekdays 09:00-17:00, 10 h of
/// reading each, the worker shared with a (practically never reached) visit by car.
fn shared_past_closing(at_shift_end: &str) -> String {
    format!(
        r#"
[run]
name = "shared_past_closing"
horizon = "7 d"
replications = 2
seed = 3

[resources.social_worker]
roster = [{{ days = ["weekdays"], start = "09:00", end = "17:00", count = 1 }}]
at_shift_end = "{at_shift_end}"

[resources.car]
count = 1

[arrivals.none]
pathway = "discharge"
per_day = 0.000001

[arrivals.rare]
pathway = "joint"
per_day = 0.000001

[[pathways.discharge.steps]]
name = "refer"
handoff = {{ by = "social_worker", processing = {{ fixed = "10 h" }} }}

[[pathways.discharge.steps]]
name = "done"
end = {{ outcome = "accepted" }}

[[pathways.joint.steps]]
name = "home_visit"
activity = {{ resources = ["social_worker", "car"], duration = {{ fixed = "1 h" }} }}

[[pathways.joint.steps]]
name = "finished"
end = {{ outcome = "done" }}

[[initial]]
pathway = "discharge"
step = "refer"
count = 2
"#
    )
}

/// The hand-worked office of `staffed_offices.rs` (one worker, two 10-hour readings from
/// Monday 00:00), on shared staff, gives the same times. Pause: accepted Tuesday 11:00 (35 h)
/// and Wednesday 13:00 (61 h), mean 48 h, 32 h paused. Finish: Monday 19:00 (19 h) and
/// Tuesday 19:00 (43 h), mean 31 h, 4 h of overtime.
#[test]
fn staffed_office_on_shared_staff_pauses_or_finishes_as_by_hand() {
    let names = [
        "handoff.discharge.refer.delay.mean",
        "social_worker.overtime",
        "attribution.discharge.wait.social_worker.off_duty.total_hours",
        "attribution.discharge.wait.social_worker.busy.total_hours",
        "attribution.discharge.handoff.refer.processing.total_hours",
        "handoff.discharge.refer.accepted",
    ];
    let paused = deterministic(&shared_past_closing("pause"), &names);
    assert_eq!(paused, vec![48.0, 0.0, 34.0, 10.0, 20.0, 2.0]);
    let finished = deterministic(&shared_past_closing("finish"), &names);
    assert_eq!(finished, vec![31.0, 4.0, 34.0, 8.0, 20.0, 2.0]);
    let paused_hours = deterministic(
        &shared_past_closing("pause"),
        &["attribution.discharge.handoff.refer.paused.total_hours"],
    );
    assert_eq!(paused_hours, vec![32.0]);
}
