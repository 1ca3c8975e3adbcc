//! Resource levels by hour of the week: the roster exactly, time averages that add up to the
//! run's own figures, and queueing theory hour by hour.

use crate::support::{Mmc, each_replication, run_text};

/// A team rostered 08:00-20:00 every day, with referrals only between 22:00 and 23:00.
const NIGHT_REFERRALS: &str = r#"
[run]
name = "night_referrals"
horizon = "28 d"
warm_up = "3 d"
replications = 3
seed = 11

[resources.team]
roster = [{ days = ["every_day"], start = "08:00", end = "20:00", count = 3 }]

[arrivals.referrals]
pathway = "visit"
per_day = 4.0
hour_profile = [0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,1,0]

[[pathways.visit.steps]]
name = "see"
activity = { resource = "team", duration = { fixed = "30 min" } }

[[pathways.visit.steps]]
name = "done"
end = { outcome = "seen" }
"#;

#[test]
fn available_follows_the_roster_and_nobody_is_seen_off_shift() {
    for result in &each_replication(NIGHT_REFERRALS) {
        let team = &result.by_hour[0];
        assert_eq!(team.available.len(), 168);
        for hour in 0..168 {
            let on_duty = (8..20).contains(&(hour % 24));
            let expected = if on_duty { 3.0 } else { 0.0 };
            assert!(
                (team.available[hour] - expected).abs() < 1e-9,
                "hour {hour}: {} on duty, roster says {expected}",
                team.available[hour]
            );
            if !on_duty {
                assert_eq!(team.busy[hour], 0.0, "hour {hour}: busy off shift");
            }
        }
        // Referrals made at 22:00-23:00 wait overnight: someone waits at 03:00 every day,
        // nobody at 21:00 (the day's queue was cleared by the 08:00 shift).
        for day in 0..7 {
            assert!(team.waiting[day * 24 + 3] > 0.5, "day {day} 03:00");
            assert_eq!(team.waiting[day * 24 + 21], 0.0, "day {day} 21:00");
        }
    }
}

/// A weekday roster in a run that starts on a Wednesday: the tables are indexed by the
/// calendar's hour of the week (Monday 00:00 first), not by hours since the start.
#[test]
fn hours_of_the_week_follow_the_calendar_whatever_the_start_day() {
    let text = NIGHT_REFERRALS
        .replace("seed = 11", "seed = 11\nstart_day = \"wednesday\"")
        .replace("days = [\"every_day\"]", "days = [\"weekdays\"]");
    for result in &each_replication(&text) {
        let team = &result.by_hour[0];
        for hour in 0..168 {
            let weekday = hour < 5 * 24;
            let on_duty = weekday && (8..20).contains(&(hour % 24));
            let expected = if on_duty { 3.0 } else { 0.0 };
            assert!(
                (team.available[hour] - expected).abs() < 1e-9,
                "hour {hour} of the week: {} on duty, roster says {expected}",
                team.available[hour]
            );
        }
    }
}

/// Averaged over the 168 hours of a run of whole weeks, the hourly tables give back the
/// run's own time averages; and each hour of an M/M/c queue is busy lambda/mu on average.
#[test]
fn hourly_levels_add_up_to_the_run_and_match_theory() {
    let mmc = Mmc {
        lambda: 4.0,
        servers: 6,
        days: 28 * 14,
        warm_up_days: 5,
        replications: 4,
        seed: 5,
    };
    let run = run_text(&mmc.text());
    let busy = run.values("server.busy");
    let queue = run.values("server.queue.mean");
    let results = each_replication(&mmc.text());
    for (r, result) in results.iter().enumerate() {
        let server = &result.by_hour[0];
        let mean = |values: &[f64]| values.iter().sum::<f64>() / values.len() as f64;
        assert!(
            (mean(&server.busy) - busy[r]).abs() < 1e-9 * busy[r],
            "busy by hour {} against the run's {}",
            mean(&server.busy),
            busy[r]
        );
        assert!((mean(&server.waiting) - queue[r]).abs() < 1e-9 * queue[r].max(1.0));
        assert!(server.available.iter().all(|a| (*a - 6.0).abs() < 1e-9));
    }
    // Every hour of the week: mean busy servers = lambda x mean service = 4.
    for hour in 0..168 {
        let across: f64 =
            results.iter().map(|r| r.by_hour[0].busy[hour]).sum::<f64>() / results.len() as f64;
        assert!(
            (across - 4.0).abs() < 0.4,
            "hour {hour}: {across} busy, theory 4"
        );
    }
}
