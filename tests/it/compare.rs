//! Comparing designs with common random numbers.

use carepath::experiment::compare::ComparisonSums;
use carepath::experiment::runner::run_designs;
use carepath::scenario::parse;
use indicatif::ProgressBar;

use crate::support::{Mmc, carepath, run_into, text};

/// 44 arrivals an hour on `servers` servers (load 0.88 on 50), 30 replications of 60 days.
fn mmc(servers: u32, seed: u64) -> String {
    Mmc {
        lambda: 44.0,
        servers,
        days: 60,
        warm_up_days: 5,
        replications: 30,
        seed,
    }
    .text()
}

/// Half-width of the paired 95% CI of the difference in mean wait, variant minus base.
fn difference_half_width(base_seed: u64, variant_seed: u64) -> f64 {
    let base = parse("base.toml", &mmc(50, base_seed)).unwrap().scenario;
    let variant = parse("variant.toml", &mmc(51, variant_seed))
        .unwrap()
        .scenario;
    let mut sums = ComparisonSums::new(&["base", "variant"]);
    run_designs(
        &[&base, &variant],
        0,
        30,
        0,
        &ProgressBar::hidden(),
        |results| {
            sums.add(&results);
            Ok(())
        },
    )
    .unwrap();
    let rows = sums.rows();
    let row = rows
        .iter()
        .find(|r| r.scenario == "variant" && r.metric == "wait.queue.serve.mean")
        .unwrap();
    assert!(
        row.significant && row.diff_vs_base < 0.0,
        "a 51st server must clearly cut the wait: {row:?}"
    );
    (row.diff_ci95_high - row.diff_ci95_low) / 2.0
}

/// Adding a 51st server to a 30-server M/M/c at load 0.87: with the same seed (common random
/// numbers: the same arrivals and the same service times in the same order) the difference's
/// confidence interval is at least three times narrower than with independent seeds.
#[test]
fn common_random_numbers_narrow_the_difference_at_least_threefold() {
    let common = difference_half_width(7, 7);
    let independent = difference_half_width(7, 7_000_007);
    let ratio = independent / common;
    eprintln!("CRN: independent {independent}, common {common}, ratio {ratio}");
    assert!(
        ratio >= 3.0,
        "CI half-width: independent {independent}, common {common}, ratio {ratio}"
    );
}

/// `carepath compare` writes the documented columns and says which differences are clear.
#[test]
fn compare_writes_the_table_and_says_what_is_clear() {
    let finished = run_into(&[
        "compare",
        "scenarios/east_london/baseline.toml",
        "scenarios/east_london/more_reablement.toml",
        "-r",
        "10",
    ]);
    let (stdout, out) = (&finished.stdout, finished.path());
    assert!(
        stdout.contains(
            "More reablement carers (`east_london_more_reablement`) against East London baseline:"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("Wait for a reablement start (mean, hours)")
            && stdout.contains(" better\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("identical in every replication"),
        "Rapid Response is untouched: {stdout}"
    );
    let csv = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    assert!(csv.starts_with(
        "metric,unit,scenario,mean,ci95_low,ci95_high,diff_vs_base,diff_ci95_low,diff_ci95_high,significant,replications,paired,better,verdict\n"
    ));
    assert!(csv.lines().any(
        |l| l.starts_with("key.reablement_wait,h,east_london_more_reablement,")
            && l.contains(",true,")
            && l.ends_with(",lower,better")
    ));
}

/// Two designs with the same name would be indistinguishable in the outputs: refused.
#[test]
fn compare_refuses_two_scenarios_with_one_name() {
    let output = carepath(&["compare", "scenarios/mmc.toml", "scenarios/mmc.toml"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr.contains("same [run] name `mmc`"), "{stderr}");
}
