//! The shipped winter variant of East London (issue 13 item 6): it runs on real dates from
//! its census file, its acute beds are the base plus the escalation beds in their dated
//! period plus the surge beds while open (to the unit-hour), and the surge rule is used.

use crate::support::{repository_root, run_file};

/// Acute beds over the 121 days: 150 all along, 10 escalation beds from 21 December to 28
/// February (70 days), and the surge bed-days: time-average available times 121 days is
/// 150 x 121 + 10 x 70 + surge bed-days, in every replication. The census patients are
/// there (262 at the start, 141 of them in the acute pathway), and the surge beds open, each
/// time for at least the rule's minimum of 2 days, with at most the rule's 6 beds on duty.
#[test]
fn winter_beds_are_base_plus_escalation_period_plus_surge() {
    let run = run_file(&repository_root().join("scenarios/east_london/winter.toml"));
    let available = run.values("acute_bed.available");
    let surge = run.values("acute_bed.surge.unit_days");
    let days = run.values("acute_bed.surge.days");
    assert_eq!(available.len(), 10);
    for ((available, surge), days) in available.iter().zip(&surge).zip(&days) {
        let expected = 150.0 * 121.0 + 10.0 * 70.0 + surge;
        assert!(
            (available * 121.0 - expected).abs() < 1e-6,
            "{} bed-days available, expected {expected}",
            available * 121.0
        );
        // 6 surge beds while the rule is open; fewer while closed ones finish with their
        // patients (a surge bed closes when its patient leaves).
        assert!(
            *surge <= 6.0 * days + 1e-9,
            "{surge} bed-days in {days} days"
        );
        assert!(*surge >= *days - 1e-9, "{surge} bed-days in {days} days");
    }
    // Once open, the beds stay open at least `min_open` (2 days) within the 121 days.
    assert!(days.iter().any(|d| *d > 0.0), "the surge beds never opened");
    for d in &days {
        assert!(
            *d == 0.0 || (2.0 - 1e-9..=121.0).contains(d),
            "{d} days open"
        );
    }
    let cost = run.values("cost.acute_bed.surge");
    for (cost, surge) in cost.iter().zip(&surge) {
        assert!((cost - 600.0 * surge).abs() < 1e-6);
    }
}

/// The shipped census file is read with its since-times: 18 groups, 262 patients, the first
/// 4 waiting for a bed since 19:00 the evening before (5 hours), the 6 at the hub referral 7
/// days into their stay and at that step since 14:00 (10 hours), with their beds blocked.
#[test]
fn winter_census_file_is_read_with_its_since_times() {
    let loaded =
        carepath::scenario::load(&repository_root().join("scenarios/east_london/winter.toml"))
            .expect("the winter variant loads");
    let scenario = &loaded.scenario;
    assert_eq!(
        scenario.start_date.map(|d| d.to_string()),
        Some("2026-12-01".to_string())
    );
    assert_eq!(scenario.initial.len(), 18);
    let total: u32 = scenario.initial.iter().map(|g| g.count).sum();
    assert_eq!(total, 262);
    let first = &scenario.initial[0];
    assert_eq!(scenario.step_label(first.step), "acute.admit");
    assert_eq!(
        (first.count, first.elapsed.hours(), first.at_step.hours()),
        (4, 5.0, 5.0)
    );
    let hub = &scenario.initial[8];
    assert_eq!(scenario.step_label(hub.step), "acute.refer_to_hub");
    assert_eq!(
        (hub.count, hub.elapsed.hours(), hub.at_step.hours()),
        (6, 168.0, 10.0)
    );
    assert_eq!(hub.blocked, hub.holding);
    assert_eq!(hub.holding.len(), 1);
}
