//! Handoffs between organisations: office hours, bounces and duplicate assessments.

use crate::support::run_text;

/// Referrals made only on `day` (Monday = 0) between `hour`:00 and `hour+1`:00, handed to an
/// office open 09:00-17:00 on weekdays that takes exactly 30 working minutes to accept.
fn office(day: usize, hour: usize, bounce: &str, duplicate: &str) -> String {
    let mut hours = ["0"; 24];
    hours[hour] = "1";
    let mut days = ["0"; 7];
    days[day] = "1";
    format!(
        r#"
[run]
name = "handoff_test"
horizon = "700 d"
replications = 4
seed = 12

[calendars.office]
hours = [{{ days = ["weekdays"], start = "09:00", end = "17:00" }}]

[arrivals.referrals]
pathway = "discharge"
per_day = 1.0
hour_profile = [{hours}]
day_profile = [{days}]

[[pathways.discharge.steps]]
name = "refer"
handoff = {{ hours = "office", processing = {{ fixed = "30 min" }}{bounce}{duplicate} }}

[[pathways.discharge.steps]]
name = "done"
end = {{ outcome = "accepted" }}
"#,
        hours = hours.join(", "),
        days = days.join(", "),
    )
}

/// Sent between 17:00 and 18:00 on a Monday to an office that closes at 17:00: nothing
/// happens before 09:00 on Tuesday, so acceptance comes 15.5 to 16.5 hours later.
#[test]
fn a_referral_after_closing_waits_for_the_next_working_morning() {
    let run = run_text(&office(0, 17, "", ""));
    let delay = run.metric("handoff.discharge.refer.delay.mean");
    assert!(
        delay.mean > 15.5 && delay.mean < 16.5,
        "mean delay {}",
        delay.mean
    );
    assert!(run.metric("handoff.discharge.refer.delay.p95").mean <= 16.5);
    assert!(run.metric("handoff.discharge.refer.delay.p50").mean >= 15.5);
}

/// Sent on a Friday evening: the next working morning is Monday, 63.5 to 64.5 hours later.
#[test]
fn a_referral_on_friday_evening_waits_for_monday() {
    let run = run_text(&office(4, 17, "", ""));
    let delay = run.mean("handoff.discharge.refer.delay.mean");
    assert!(delay > 63.5 && delay < 64.5, "mean delay {delay}");
}

/// Bounce probability 0: no referral is ever bounced.
#[test]
fn bounce_probability_zero_never_bounces() {
    let run = run_text(&office(
        1,
        10,
        ", bounce_probability = 0.0, rework = { fixed = \"1 d\" }",
        "",
    ));
    assert_eq!(run.mean("handoff.discharge.refer.bounces"), 0.0);
    assert!(run.mean("handoff.discharge.refer.delay.mean") <= 0.5 + 1e-9);
}

/// Bounce probability 1: every referral comes back every time, so none is ever accepted and
/// every patient is still waiting at the end.
#[test]
fn bounce_probability_one_always_bounces() {
    let run = run_text(&office(
        1,
        10,
        ", bounce_probability = 1.0, rework = { fixed = \"1 d\" }",
        "",
    ));
    assert_eq!(run.mean("handoff.discharge.refer.accepted"), 0.0);
    assert_eq!(run.mean("discharge.completed"), 0.0);
    assert!(run.mean("handoff.discharge.refer.bounces") > 90.0);
    assert_eq!(
        run.mean("system.in_system_at_end"),
        run.mean("discharge.arrivals")
    );
}

/// A bounce probability of 0.25 bounces about a quarter of submissions (a geometric number
/// of bounces per referral, so bounces / accepted = p / (1 - p) = 1/3).
#[test]
fn bounces_occur_at_the_stated_rate() {
    let run = run_text(&office(
        1,
        10,
        ", bounce_probability = 0.25, rework = { fixed = \"1 d\" }",
        "",
    ));
    let ratio =
        run.mean("handoff.discharge.refer.bounces") / run.mean("handoff.discharge.refer.accepted");
    assert!(
        (ratio - 1.0 / 3.0).abs() < 0.05,
        "bounces per accepted referral {ratio}"
    );
}

/// A duplicate assessment of 2 working hours after acceptance adds exactly 2 hours for a
/// referral accepted at 10:30 on a Tuesday.
#[test]
fn duplicate_assessment_adds_working_time() {
    let without = run_text(&office(1, 10, "", "")).mean("handoff.discharge.refer.delay.mean");
    let with = run_text(&office(
        1,
        10,
        "",
        ", duplicate_assessment = { fixed = \"2 h\" }",
    ))
    .mean("handoff.discharge.refer.delay.mean");
    assert!(
        (with - without - 2.0).abs() < 1e-6,
        "without {without}, with {with}"
    );
}
