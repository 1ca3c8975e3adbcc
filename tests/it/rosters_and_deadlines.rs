//! Rosters (no work starts off shift; work running past shift end counts as overtime) and
//! deadlines on waits (no staff: everyone takes the fallback; ample staff: nobody does).

use crate::support::{each_replication, run_text};

/// A scenario where every referral arrives in hour `arrival_hour` (e.g. 22 = 22:00-23:00)
/// and needs one `service` of a team rostered 08:00-20:00 with `staff` people.
fn rostered(arrival_hour: usize, service: &str, staff: u32) -> String {
    let mut profile = ["0"; 24];
    profile[arrival_hour] = "1";
    format!(
        r#"
[run]
name = "roster_test"
horizon = "200 d"
warm_up = "2 d"
replications = 4
seed = 3

[resources.team]
roster = [{{ days = ["every_day"], start = "08:00", end = "20:00", count = {staff} }}]

[arrivals.referrals]
pathway = "visit"
per_day = 2.0
hour_profile = [{profile}]

[[pathways.visit.steps]]
name = "see"
activity = {{ resource = "team", duration = {{ fixed = "{service}" }} }}

[[pathways.visit.steps]]
name = "done"
end = {{ outcome = "seen" }}
"#,
        profile = profile.join(", ")
    )
}

/// Referrals made between 22:00 and 23:00 to a team on duty 08:00-20:00 wait until 08:00:
/// between 9 and 10 hours each, so no work started outside the roster.
#[test]
fn no_work_starts_outside_rostered_hours() {
    let run = run_text(&rostered(22, "30 min", 5));
    let mean = run.mean("wait.visit.see.mean");
    let p5 = run.metric("wait.visit.see.p50").ci95_low;
    assert!((9.0..=10.0).contains(&mean), "mean wait {mean} h");
    assert!(
        p5 >= 9.0,
        "median wait {p5} h: someone was seen before 08:00"
    );
    assert_eq!(run.mean("wait.visit.see.share_waiting"), 1.0);
    assert_eq!(
        run.mean("team.overtime"),
        0.0,
        "30-minute visits from 08:00 never overrun"
    );
}

/// Visits of 2 hours started between 19:00 and 20:00 run past the 20:00 shift end: each
/// overruns by its start time minus 18:00, 1.5 hours on average, all counted as overtime.
#[test]
fn work_past_shift_end_is_finished_and_counted_as_overtime() {
    let run = run_text(&rostered(19, "2 h", 10));
    let seen = run.mean("visit.completed");
    let overtime_per_visit = run.mean("team.overtime") / seen;
    assert!(seen > 300.0, "{seen} visits");
    assert!(
        (overtime_per_visit - 1.5).abs() < 0.05,
        "overtime per visit {overtime_per_visit} h"
    );
    assert_eq!(
        run.mean("wait.visit.see.mean"),
        0.0,
        "ten staff: nobody waits"
    );
    // Utilisation counts only rostered time: 2 h visits of which 1.5 h are overtime.
    let rostered_hours = run.mean("team.available") * 200.0 * 24.0;
    let in_hours =
        (run.mean("team.busy") * 200.0 * 24.0 - run.mean("team.overtime")) / rostered_hours;
    assert!((run.mean("team.utilisation") - in_hours).abs() < 1e-9);
}

/// A response team of `staff` with a 2-hour deadline; late patients are conveyed instead.
fn deadline(staff: u32) -> String {
    format!(
        r#"
[run]
name = "deadline_test"
horizon = "100 d"
replications = 4
seed = 8

[resources.team]
count = {staff}

[arrivals.referrals]
pathway = "urgent"
per_day = 20.0

[[pathways.urgent.steps]]
name = "respond"
activity = {{ resource = "team", duration = {{ exponential = {{ mean = "1 h" }} }}, deadline = "2 h", fallback = "convey" }}

[[pathways.urgent.steps]]
name = "home"
end = {{ outcome = "managed_at_home" }}

[[pathways.urgent.steps]]
name = "convey"
end = {{ outcome = "conveyed" }}
"#
    )
}

/// With nobody on the team, every referral waits out its 2 hours and is conveyed.
#[test]
fn with_no_staff_every_patient_takes_the_fallback() {
    let run = run_text(&deadline(0));
    let waits = run.mean("wait.urgent.respond.waits");
    assert!(waits > 1500.0);
    assert_eq!(run.mean("wait.urgent.respond.fallbacks"), waits);
    assert_eq!(run.mean("wait.urgent.respond.within_deadline"), 0.0);
    assert_eq!(run.mean("urgent.outcome.conveyed.share"), 1.0);
    assert!(
        (run.mean("wait.urgent.respond.mean") - 2.0).abs() < 1e-9,
        "each waited exactly 2 h"
    );
}

/// With far more staff than referrals, nobody waits and nobody is conveyed.
#[test]
fn with_ample_staff_no_patient_takes_the_fallback() {
    let run = run_text(&deadline(50));
    assert_eq!(run.mean("wait.urgent.respond.fallbacks"), 0.0);
    assert_eq!(run.mean("wait.urgent.respond.within_deadline"), 1.0);
    assert_eq!(run.mean("urgent.outcome.managed_at_home.share"), 1.0);
}

/// With a stretched team some patients are conveyed, and the counts add up: every wait ends
/// either in a visit or in the fallback.
#[test]
fn a_stretched_team_conveys_some_and_the_counts_add_up() {
    let run = run_text(&deadline(1));
    let conveyed = run.mean("urgent.outcome.conveyed");
    let fallbacks = run.mean("wait.urgent.respond.fallbacks");
    assert!(conveyed > 0.0 && run.mean("urgent.outcome.managed_at_home") > 0.0);
    assert_eq!(conveyed, fallbacks);
    let within = run.mean("wait.urgent.respond.within_deadline");
    let share_conveyed = run.mean("urgent.outcome.conveyed.share");
    assert!(
        (within + share_conveyed - 1.0).abs() < 0.01,
        "within {within}, conveyed {share_conveyed}"
    );
}

/// The wait curve charts draw counts only the patients served: its share served is what the
/// fallbacks leave, and nobody served waited past the deadline.
#[test]
fn the_wait_curve_counts_only_patients_served_before_the_deadline() {
    let run = run_text(&deadline(1));
    let waits = run.values("wait.urgent.respond.waits");
    let fallbacks = run.values("wait.urgent.respond.fallbacks");
    for (r, result) in each_replication(&deadline(1)).iter().enumerate() {
        let curve = &result.waits[0];
        let expected = 1.0 - fallbacks[r] / waits[r];
        assert!(
            (curve.served_share - expected).abs() < 1e-12,
            "served share {} against {expected}",
            curve.served_share
        );
        assert!(expected < 0.99, "the team is stretched: some are conveyed");
        assert_eq!(curve.served_percentiles.len(), 101);
        assert!(
            curve.served_percentiles[100] <= 2.0 + 1e-6,
            "served after the deadline"
        );
    }
    let nobody = each_replication(&deadline(0));
    assert!(
        nobody
            .iter()
            .all(|r| r.waits[0].served_share == 0.0 && r.waits[0].served_percentiles.is_empty())
    );
}
