//! The shipped East London scenarios: they load and run, the baseline is plausible against
//! the published figures, each what-if moves its own figures the right way on the same
//! seeds, and the two services are coupled.

use std::path::Path;

use carepath::experiment::run_scenario;
use carepath::scenario::load;
use indicatif::ProgressBar;

use crate::support::{Run, repository_root, run_file};

/// A run of a shipped East London scenario.
fn shipped(file: &str) -> Run {
    run_file(&repository_root().join("scenarios/east_london").join(file))
}

/// Asserts that `variant` is below `base` for `metric` on the same seeds: the mean of the
/// paired differences is negative and its 95% confidence interval excludes zero.
fn clearly_lower(variant: &Run, base: &Run, metric: &str) {
    let differences: Vec<f64> = variant
        .values(metric)
        .iter()
        .zip(base.values(metric))
        .map(|(v, b)| v - b)
        .collect();
    let (mean, _, _, high) = carepath::experiment::statistics::mean_sd_ci(&differences);
    assert!(
        high < 0.0,
        "{metric}: paired difference {mean} (CI up to {high}) is not clearly below zero"
    );
}

/// Every shipped scenario, East London or not, passes `check` and runs.
#[test]
fn every_shipped_scenario_checks_and_runs() {
    let mut files = Vec::new();
    for folder in ["scenarios", "scenarios/east_london"] {
        for entry in std::fs::read_dir(repository_root().join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 10, "{files:?}");
    for path in files {
        let relative = path.strip_prefix(repository_root()).unwrap();
        let output = crate::support::carepath(&["check", relative.to_str().unwrap()]);
        assert!(
            output.status.success(),
            "{}: {:?}",
            relative.display(),
            crate::support::text(&output)
        );
        let loaded = load(Path::new(&path)).unwrap();
        run_scenario(&loaded.scenario, 0, 2, 0, &ProgressBar::hidden())
            .unwrap_or_else(|e| panic!("{}: {e}", relative.display()));
    }
}

/// The baseline looks like the published picture of a stretched but working system.
#[test]
fn baseline_is_plausible() {
    let base = shipped("baseline.toml");
    let two_hour = base.mean("key.two_hour_response");
    assert!(
        two_hour > 0.70 && two_hour < 0.95,
        "2-hour compliance {two_hour}: above the 70% target, not perfect"
    );
    let at_home = base.mean("key.managed_at_home");
    assert!(
        (0.70..=0.80).contains(&at_home),
        "managed at home {at_home}, published 75.6%"
    );
    // Ready to discharge: one to two days on average over all pathways, with a long tail.
    let stays: f64 = ["d2a_p0", "d2a_p1", "d2a_p2", "d2a_p3"]
        .iter()
        .map(|p| base.mean(&format!("acute_bed.blocked_stay.{p}.count")))
        .sum();
    let mean_days = base.mean("acute_bed.blocked") / stays;
    assert!(
        (1.0..=2.0).contains(&mean_days),
        "mean days ready to discharge {mean_days}"
    );
    let p1_p90 = base.mean("acute_bed.blocked_stay.d2a_p1.p90");
    assert!(
        p1_p90 > 1.5 * base.mean("acute_bed.blocked_stay.d2a_p1.p50"),
        "P1 has no long tail"
    );
    assert!(
        base.mean("acute_bed.utilisation") > 0.8,
        "acute beds are not stretched"
    );
}

/// The two services are coupled: conveyed Rapid Response patients and readmissions are among
/// the acute admissions, every admission leaves through a Discharge to Assess pathway, and
/// nobody is lost.
#[test]
fn the_services_are_coupled_and_everyone_is_accounted_for() {
    let base = shipped("baseline.toml");
    let conveyed = base.mean("rapid_response.outcome.to_acute");
    let readmitted = base.mean("key.readmissions");
    assert!(
        conveyed > 500.0 && readmitted > 200.0,
        "conveyed {conveyed}, readmitted {readmitted}"
    );
    // Acute entries = emergency admissions + conveyances + readmissions (12 a day, 364 days).
    let emergency = base.mean("acute.arrivals") - conveyed - readmitted;
    assert!(
        (emergency / (12.0 * 364.0) - 1.0).abs() < 0.03,
        "emergency admissions {emergency}"
    );
    // What the acute pathway hands on, the D2A pathways receive.
    for p in ["d2a_p0", "d2a_p1", "d2a_p2", "d2a_p3"] {
        assert_eq!(
            base.mean(&format!("acute.outcome.to_{p}")),
            base.mean(&format!("{p}.arrivals"))
        );
    }
    // Conservation is checked inside every replication; what is left inside is plausible.
    let inside = base.mean("system.in_system_at_end");
    assert!(inside > 100.0 && inside < 600.0, "{inside} still inside");
}

/// More staff or capacity never makes its own queue worse; seven-day social care reduces
/// delayed bed-days; 08:00-18:00 hours lower 2-hour compliance. Same seeds throughout.
#[test]
fn what_ifs_move_their_own_figures_the_right_way() {
    let base = shipped("baseline.toml");
    let late = shipped("late_shift_nurses.toml");
    clearly_lower(&late, &base, "rr_nurse.queue.mean");
    clearly_lower(&base, &late, "key.two_hour_response");
    let reablement = shipped("more_reablement.toml");
    clearly_lower(
        &reablement,
        &base,
        "visits.d2a_p1.reablement.wait_to_start.mean",
    );
    clearly_lower(&reablement, &base, "key.delayed_bed_days_p1");
    let seven_day = shipped("seven_day_social_care.toml");
    clearly_lower(&seven_day, &base, "key.delayed_bed_days");
    let trusted = shipped("trusted_assessor.toml");
    clearly_lower(&trusted, &base, "key.delayed_bed_days");
    let spa = shipped("single_point_of_access.toml");
    clearly_lower(&spa, &base, "key.delayed_bed_days");
    let short_hours = shipped("rapid_response_8_to_6.toml");
    clearly_lower(&short_hours, &base, "key.two_hour_response");
    // The winter variant runs on real dates from a census: see `winter_on_dates`.
}
