//! How much work one command may start: a bound on the replications of a design, and an
//! estimate of the running time from a pilot, refused beyond an hour unless `--yes`.
//!
//! A run's memory does not grow with its replications (they are written and summarised as
//! they finish), but its `replications.csv` does, by a row per metric for each, so the bound
//! is on the size of the outputs as much as on time; more replications than the bound are
//! run as shards (`--shard K/N`, each at most the bound) and combined with `carepath merge`.

use std::time::Instant;

use anyhow::{Result, bail};
use carepath::model::run_replication;
use carepath::model::scenario::Scenario;

/// Most replications of one design that one command runs.
pub const MAX_REPLICATIONS: u32 = 100_000;

/// Estimated running time [seconds] above which a command stops before starting unless
/// given `--yes`.
pub const MAX_SECONDS_WITHOUT_YES: f64 = 3600.0;

/// Estimated running time [seconds] above which the estimate is printed (unless `--quiet`).
const ANNOUNCE_SECONDS: f64 = 60.0;

/// Refuses more than [`MAX_REPLICATIONS`] replications of one design.
///
/// # Errors
/// The count and the way to run that many: shards.
pub fn check_replications(count: u32) -> Result<()> {
    if count > MAX_REPLICATIONS {
        bail!(
            "{count} replications is more than one command runs (at most {MAX_REPLICATIONS}, as replications.csv takes a row per metric for each replication)\nhelp: use fewer replications (-r), or split them into shards of at most {MAX_REPLICATIONS} (carepath run --shard K/N, each on its own machine or in turn) and combine them with carepath merge"
        );
    }
    Ok(())
}

/// Runs replication 0 of `scenario` once, on this thread, and returns how long it took
/// [seconds]: the pilot for [`check_time`].
///
/// # Errors
/// The replication's own error (the run would stop on it too).
pub fn pilot(scenario: &Scenario) -> Result<f64> {
    let started = Instant::now();
    run_replication(scenario, 0)?;
    Ok(started.elapsed().as_secs_f64())
}

/// Estimates the time of `remaining` replications at `per_replication` seconds each on
/// `threads` threads; refuses above [`MAX_SECONDS_WITHOUT_YES`] unless `yes`, and announces
/// on standard error above a minute unless `quiet`.
///
/// # Errors
/// The estimate and what to do, when it is too long and `yes` is not given.
pub fn check_time(
    per_replication: f64,
    remaining: u64,
    threads: usize,
    yes: bool,
    quiet: bool,
) -> Result<()> {
    // Threads beyond the cores share them: the rounds follow the cores actually there.
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    check_time_on(per_replication, remaining, threads.min(cores), yes, quiet)
}

/// [`check_time`] with `threads` running truly in parallel.
fn check_time_on(
    per_replication: f64,
    remaining: u64,
    threads: usize,
    yes: bool,
    quiet: bool,
) -> Result<()> {
    let threads = threads.max(1) as u64;
    let rounds = remaining.div_ceil(threads);
    let estimate = per_replication * rounds as f64;
    let why = format!(
        "one replication took {per_replication:.2} s, and {remaining} more are to run on {threads} thread(s)"
    );
    if estimate > MAX_SECONDS_WITHOUT_YES && !yes {
        bail!(
            "this would take about {} ({why}), so it was not started\nhelp: run fewer replications (-r) or points, split the run into shards (--shard K/N, then carepath merge), or add --yes to start it anyway",
            duration(estimate)
        );
    }
    if estimate > ANNOUNCE_SECONDS && !quiet {
        super::console::error_line(&format!(
            "Estimated time: about {} ({why}).",
            duration(estimate)
        ));
    }
    Ok(())
}

/// A duration in words: minutes, hours or days.
pub fn duration(seconds: f64) -> String {
    let (value, unit) = if seconds < 3600.0 {
        (seconds / 60.0, "minutes")
    } else if seconds < 2.0 * 86_400.0 {
        (seconds / 3600.0, "hours")
    } else {
        (seconds / 86_400.0, "days")
    };
    if value >= 100.0 {
        format!("{value:.0} {unit}")
    } else {
        format!("{value:.1} {unit}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimate_refuses_a_run_of_days_without_yes() {
        // 0.5 s per replication, 1,000,000 replications on 2 threads: 250,000 s, 2.9 days.
        let refused = check_time_on(0.5, 1_000_000, 2, false, true).unwrap_err();
        assert!(refused.to_string().contains("about 2.9 days"), "{refused}");
        assert!(check_time_on(0.5, 1_000_000, 2, true, true).is_ok());
        // 0.5 s x 14,400 on 2 threads = 3,600 s: exactly the limit, allowed.
        assert!(check_time_on(0.5, 14_400, 2, false, true).is_ok());
        assert!(check_time_on(0.5, 14_402, 2, false, true).is_err());
        assert!(check_replications(MAX_REPLICATIONS).is_ok());
        assert!(check_replications(MAX_REPLICATIONS + 1).is_err());
        assert_eq!(duration(90.0), "1.5 minutes");
        assert_eq!(duration(7200.0), "2.0 hours");
    }
}
