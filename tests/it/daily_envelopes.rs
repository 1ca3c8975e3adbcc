//! Day-by-day levels with their spread across replications, and the time at each level
//! (issue 14 items 1 and 2): checked against queueing theory, against the capacity that
//! bounds them, against the engine's own integrals, and for determinism.

use carepath::experiment::daily::{DailyAndLevels, LevelSums};
use carepath::scenario::parse;

use crate::support::{Mmc, binary, each_replication, text};

/// M/M/c stationary probabilities of `n` in the system, for `n` up to `most`: with
/// `a = lambda / mu` and `rho = a / c`, `p_n = p_0 a^n / n!` for `n < c` and
/// `p_n = p_0 a^c / c! rho^(n - c)` for `n >= c` (Kleinrock, Queueing Systems vol. 1, 1975,
/// eq. 3.37; Gross and Harris, Fundamentals of Queueing Theory, section 2.3).
fn mmc_state_probabilities(lambda: f64, mu: f64, c: u32, most: usize) -> Vec<f64> {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    let mut unnormalised = Vec::with_capacity(most + 1);
    let mut term = 1.0;
    for n in 0..=most {
        if n > 0 {
            term *= if n <= c as usize { a / n as f64 } else { rho };
        }
        unnormalised.push(term);
    }
    // The geometric tail beyond `c` sums in closed form: p_0 = 1 / (sum_{n<c} a^n/n! +
    // a^c / c! / (1 - rho)).
    let below: f64 = unnormalised[..c as usize].iter().sum();
    let p0 = 1.0 / (below + unnormalised[c as usize] / (1.0 - rho));
    unnormalised.iter().map(|u| u * p0).collect()
}

/// For an M/M/2 with rho = 0.75, the share of time with k servers busy matches the Erlang
/// state probabilities (P(busy = 2) is the Erlang C probability of waiting), and the share
/// of time with at least j waiting matches P(N >= c + j), each inside the 95% interval
/// across replications.
#[test]
fn time_at_level_shares_match_the_erlang_state_probabilities() {
    let scenario = Mmc {
        lambda: 1.5,
        servers: 2,
        days: 200,
        warm_up_days: 5,
        replications: 30,
        seed: 14,
    };
    let results = each_replication(&scenario.text());
    let mut sums = LevelSums::default();
    for result in &results {
        sums.add(&result.levels[0]);
    }
    let p = mmc_state_probabilities(1.5, 1.0, 2, 12);
    let busy_theory = [p[0], p[1], 1.0 - p[0] - p[1]];
    let mut checked = Vec::new();
    for (k, theory) in busy_theory.iter().enumerate() {
        checked.push((format!("{k} busy"), *theory, sums.in_use[k].mean_sd_ci()));
    }
    for j in 1..=3 {
        let theory = 1.0 - p[..2 + j].iter().sum::<f64>();
        checked.push((
            format!("queue >= {j}"),
            theory,
            sums.queue_at_least[j].mean_sd_ci(),
        ));
    }
    checked.push(("full house".into(), busy_theory[2], sums.full.mean_sd_ci()));
    for (what, theory, (mean, _, low, high)) in checked {
        eprintln!("{what}: theory {theory:.4}, mean {mean:.4} [{low:.4}, {high:.4}]");
        assert!(
            low <= theory && theory <= high,
            "{what}: theory {theory:.4} outside the 95% interval [{low:.4}, {high:.4}] (mean {mean:.4})"
        );
    }
}

/// In every replication the shares of time at each number of units in use sum to 1, and
/// their mean (sum of k times its share) equals the mean units in use the engine reports
/// (`server.busy`), to 1e-9; the queue's tail starts at 1.
#[test]
fn level_shares_sum_to_one_and_give_the_mean_units_in_use() {
    let scenario = Mmc {
        lambda: 1.7,
        servers: 2,
        days: 20,
        warm_up_days: 2,
        replications: 5,
        seed: 3,
    };
    let results = each_replication(&scenario.text());
    for result in &results {
        let levels = &result.levels[0];
        let total: f64 = levels.in_use.iter().sum();
        assert!((total - 1.0).abs() < 1e-9, "shares sum to {total}");
        let mean: f64 = levels
            .in_use
            .iter()
            .enumerate()
            .map(|(k, share)| k as f64 * share)
            .sum();
        let busy = result
            .metrics
            .iter()
            .find(|m| &*m.name == "server.busy")
            .map(|m| m.value)
            .unwrap();
        assert!(
            (mean - busy).abs() < 1e-9,
            "levels give {mean}, the engine {busy}"
        );
        assert_eq!(levels.queue_at_least[0], 1.0);
        assert!(levels.queue_at_least.windows(2).all(|w| w[0] >= w[1]));
    }
}

/// The daily envelope of units in use never goes above capacity: on every day, every
/// percentile of the day's largest number of beds, places or staff in use is at most the
/// most units on duty that day or the day before (staff finishing a visit after their shift
/// ends work overtime, which a visit shorter than a day carries at most into the next day).
/// Checked on the East London baseline, whose staff work rostered shifts.
#[test]
fn daily_occupancy_envelope_stays_within_capacity_and_overtime() {
    let path = crate::support::repository_root().join("scenarios/east_london/baseline.toml");
    let loaded = carepath::scenario::load(&path).unwrap();
    let scenario = &loaded.scenario;
    let mut sums = DailyAndLevels::new(scenario);
    for replication in 0..3 {
        let result = carepath::model::run_replication(scenario, replication).unwrap();
        sums.add(&result);
    }
    let daily = &sums.daily;
    assert_eq!(daily.replications, 3);
    assert_eq!(daily.days, 364);
    for resource in &scenario.resources {
        let series = |name: &str| {
            daily
                .series(&format!("resource.{}.{name}", resource.name))
                .unwrap()
        };
        let in_use = daily.envelope(series("in_use"), 1);
        let available = daily.envelope(series("available"), 1);
        for day in 0..daily.days {
            let limit =
                available[day].percentiles[0].max(available[day.saturating_sub(1)].percentiles[0]);
            let top = in_use[day].percentiles[4];
            assert!(
                top <= limit,
                "{} day {}: 95th percentile of the most in use {top} above capacity {limit}",
                resource.name,
                day + 1
            );
        }
        // The time-average can never pass the day's maximum.
        let average = daily.envelope(series("in_use"), 0);
        assert!(
            average
                .iter()
                .zip(&in_use)
                .all(|(a, m)| a.percentiles[2] <= m.percentiles[4] + 1e-9)
        );
    }
}

/// A fixed-capacity M/M/c: the day's units available is exactly the count, every
/// percentile of units in use is at most it, and patients inside the pathway are those in
/// service plus those waiting on every day (mean over replications, to rounding).
#[test]
fn daily_series_of_an_mmc_are_consistent() {
    let scenario = Mmc {
        lambda: 1.6,
        servers: 2,
        days: 10,
        warm_up_days: 1,
        replications: 4,
        seed: 9,
    };
    let loaded = parse("test.toml", &scenario.text()).unwrap();
    let mut sums = DailyAndLevels::new(&loaded.scenario);
    for result in &each_replication(&scenario.text()) {
        sums.add(result);
    }
    let daily = &sums.daily;
    let rows =
        |name: &str, statistic: usize| daily.envelope(daily.series(name).unwrap(), statistic);
    let available = rows("resource.server.available", 0);
    let in_use = rows("resource.server.in_use", 1);
    let busy = rows("resource.server.in_use", 0);
    let queue = rows("resource.server.queue", 0);
    let waiting_point = rows("wait.queue.serve.queue", 0);
    let inside = rows("pathway.queue.inside", 0);
    assert_eq!(available.len(), 10);
    for day in 0..10 {
        assert!(available[day].percentiles.iter().all(|v| *v == 2.0));
        assert!(in_use[day].percentiles.iter().all(|v| *v <= 2.0));
        assert_eq!(queue[day].mean, waiting_point[day].mean);
        let sum = busy[day].mean + queue[day].mean;
        assert!(
            (inside[day].mean - sum).abs() < 1e-9,
            "day {day}: {} inside against {sum}",
            inside[day].mean
        );
    }
}

/// `daily.csv` and `levels.csv` are byte-identical for one thread and for two.
#[test]
fn daily_tables_are_the_same_for_any_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    for (threads, name) in [("1", "one"), ("2", "two")] {
        let output = std::process::Command::new(binary())
            .args([
                "run",
                "scenarios/small_rich.toml",
                "-r",
                "6",
                "-t",
                threads,
                "-q",
                "--no-report",
                "-o",
                &out(name),
            ])
            .current_dir(crate::support::repository_root())
            .output()
            .unwrap();
        assert!(output.status.success(), "{:?}", text(&output));
    }
    for file in ["daily.csv", "levels.csv"] {
        let one = std::fs::read(dir.path().join("one").join(file)).unwrap();
        let two = std::fs::read(dir.path().join("two").join(file)).unwrap();
        assert!(
            !one.is_empty() && one == two,
            "{file} differs between 1 and 2 threads"
        );
    }
}
