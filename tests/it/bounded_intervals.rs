//! Confidence intervals of figures that cannot be negative (or, for a share, above 1) are
//! clipped to the figure's range in every single-design summary; paired differences and the
//! half-width a run to a precision judges are not.

use carepath::experiment::compare::ComparisonSums;
use carepath::experiment::precision::run_to_precision;
use carepath::experiment::statistics::{SummarySums, known_range, mean_sd_ci, t_critical_95};
use carepath::model::{MetricValue, ReplicationResult, Unit, run_replication};
use carepath::scenario::{load, parse};
use indicatif::ProgressBar;

use crate::support::{repository_root, run_into};

/// One clinician, about one patient a day seen for 2 h on average, for 3 days: most
/// replications see nobody wait, so the mean wait over 10 replications is small with a wide
/// interval, which reaches below 0 (checked below).
const RARE_WAITS: &str = r#"
[run]
name = "rare"
horizon = "3 d"
warm_up = "0 d"
replications = 10
seed = 7

[resources.clinician]
count = 1

[arrivals.walk_in]
pathway = "clinic"
per_day = 1.0

[pathways.clinic]

[[pathways.clinic.steps]]
name = "see_clinician"
activity = { resource = "clinician", duration = { exponential = { mean = "2 h" } } }

[[pathways.clinic.steps]]
name = "done"
end = { outcome = "seen" }

[key_figures.wait]
label = "Mean wait for a clinician"
metric = "wait.clinic.see_clinician.mean"
better = "lower"

[key_figures.both_shares]
label = "Share waiting plus utilisation"
sum = ["wait.clinic.see_clinician.share_waiting", "clinician.utilisation"]
"#;

const WAIT: &str = "wait.clinic.see_clinician.mean";

fn result(replication: u32, metrics: &[(&str, Unit, f64)]) -> ReplicationResult {
    ReplicationResult {
        replication,
        metrics: metrics
            .iter()
            .map(|&(name, unit, value)| MetricValue {
                name: name.into(),
                unit,
                value,
            })
            .collect(),
        by_hour: Vec::new(),
        waits: Vec::new(),
        events: 0,
        daily: Vec::new(),
        levels: Vec::new(),
    }
}

/// A run to a precision judges the raw half-width t x sd / sqrt(n), not the clipped one:
/// the mean wait's interval is clipped at 0 (so half its clipped width is smaller), yet the
/// relative half-width reported is the raw one, computed here from the replications' values.
#[test]
fn precision_judges_the_raw_half_width_of_a_clipped_interval() {
    let loaded = parse("rare.toml", RARE_WAITS).expect("the scenario loads");
    let mut waits = Vec::new();
    let run = run_to_precision(
        &loaded.scenario,
        &[WAIT.to_string()],
        0.01,
        10,
        10,
        1,
        &ProgressBar::hidden(),
        |r| {
            let m = r.metrics.iter().find(|m| &*m.name == WAIT).expect("metric");
            waits.push(m.value);
            Ok(())
        },
    )
    .expect("the run");
    assert_eq!(waits.len(), 10);
    let (mean, sd, raw_low, _) = mean_sd_ci(&waits);
    assert!(raw_low < 0.0, "the raw interval reaches below 0: {raw_low}");
    let summary = run.outcome.summary();
    let m = summary.iter().find(|m| m.metric == WAIT).expect("summary");
    assert_eq!(m.ci95_low, 0.0, "clipped at 0");
    assert!(m.is_clipped());
    let raw_half = t_critical_95(10) * sd / 10f64.sqrt();
    let relative = run.relative_half_widths[0].1;
    assert!(
        (relative - raw_half / mean).abs() <= 1e-12 * relative,
        "{relative} against {}",
        raw_half / mean
    );
    let clipped_half = (m.ci95_high - m.ci95_low) / 2.0;
    // 1.20 against 1.10: a clipped half-width would stop a run sooner.
    assert!(relative - clipped_half / mean > 0.05, "{relative}");
    assert!(!run.reached);
}

/// A variant whose waits fall: its own interval is clipped at 0, while the paired interval
/// of its difference from the base stays wholly below 0, exactly as the raw Student-t
/// interval of the differences gives it.
#[test]
fn paired_differences_keep_their_negative_interval() {
    let base = [4.0, 5.0, 4.0, 9.0];
    let variant = [0.0, 0.0, 0.0, 4.0];
    let mut sums = ComparisonSums::new(&["base", "variant"]);
    for r in 0..4 {
        sums.add(&[
            result(r as u32, &[("wait.a.b.mean", Unit::Hours, base[r])]),
            result(r as u32, &[("wait.a.b.mean", Unit::Hours, variant[r])]),
        ]);
    }
    let rows = sums.rows();
    let row = rows.iter().find(|r| r.scenario == "variant").expect("row");
    assert_eq!((row.mean, row.ci95_low), (1.0, 0.0));
    let differences: Vec<f64> = base.iter().zip(&variant).map(|(b, v)| v - b).collect();
    let (diff, _, low, high) = mean_sd_ci(&differences);
    assert_eq!(diff, -4.5);
    assert_eq!((row.diff_ci95_low, row.diff_ci95_high), (low, high));
    assert!(low < high && high < 0.0, "{low} to {high}");
    assert!(row.significant);
}

/// A key figure adding up two shares lies between 0 and 2: its interval is clipped at 2,
/// not at 1, in the summary of the scenario that defines it; a plain share is clipped at 1.
#[test]
fn a_key_figure_adding_shares_is_clipped_at_their_count() {
    let loaded = parse("rare.toml", RARE_WAITS).expect("the scenario loads");
    let mut sums = SummarySums::for_scenario(&loaded.scenario);
    // Mean 1.8, sd 0.4: the raw interval reaches 1.8 + t(3) x 0.4 / 2 = 2.44.
    for (r, v) in [2.0, 2.0, 2.0, 1.2].into_iter().enumerate() {
        sums.add(&result(
            r as u32,
            &[
                ("key.both_shares", Unit::Fraction, v),
                ("key.wait", Unit::Fraction, v / 2.0),
            ],
        ));
    }
    let summary = sums.summary();
    assert_eq!(summary[0].ci95_high, 2.0);
    assert!((summary[0].ci95_low - (1.8 - t_critical_95(4) * 0.2)).abs() < 1e-12);
    assert_eq!(summary[1].ci95_high, 1.0, "a single share stops at 1");
}

/// No metric of the shipped scenarios lies outside its known range in any replication: the
/// premise of clipping (every figure a count, duration, level, amount or share).
#[test]
fn every_metric_of_the_shipped_scenarios_lies_in_its_known_range() {
    let root = repository_root().join("scenarios");
    for file in [
        "mmc.toml",
        "tandem.toml",
        "small_rich.toml",
        "ipacs_visits.toml",
        "from_data.toml",
        "east_london/baseline.toml",
        "east_london/winter.toml",
        "east_london/double_handed_care.toml",
        "east_london/staffed_social_work.toml",
    ] {
        let loaded = load(&root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let scenario = &loaded.scenario;
        let terms = |name: &str| {
            scenario
                .key_figures
                .iter()
                .find(|f| format!("key.{}", f.name) == name)
                .map_or(1, |f| f.terms.len())
        };
        for replication in 0..2 {
            let result = run_replication(scenario, replication).expect("the replication");
            for m in &result.metrics {
                let (lo, hi) = known_range(m.unit, terms(&m.name));
                assert!(
                    m.value.is_nan() || (lo <= m.value && m.value <= hi),
                    "{file}: replication {replication}: {} = {} outside {lo} to {hi}",
                    m.name,
                    m.value
                );
            }
        }
    }
}

/// The written outputs: `summary.csv` has the clipped interval, and the report marks it and
/// says once, under the key figures, why it stops at 0.
#[test]
fn summary_and_report_show_the_clipped_interval_and_say_why() {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("rare.toml");
    std::fs::write(&path, RARE_WAITS).expect("written");
    let run = run_into(&["run", path.to_str().expect("UTF-8"), "-q"]);
    let summary = std::fs::read_to_string(run.path().join("summary.csv")).expect("summary");
    let row = summary
        .lines()
        .find(|l| l.starts_with(&format!("{WAIT},")))
        .expect("the wait's row");
    assert_eq!(row.split(',').nth(4), Some("0"), "{row}");
    let report = std::fs::read_to_string(run.path().join("report.html")).expect("report");
    let note = "The 95% interval is cut at 0, as the figure cannot be negative";
    assert_eq!(report.matches(note).count(), 1, "the note, once");
    assert!(
        report.contains("0.267 h*"),
        "the clipped interval is marked"
    );
}

/// The console's key figures mark a clipped interval as the report does, and say why once.
#[test]
fn the_console_marks_a_clipped_interval_and_says_why_once() {
    let dir = tempfile::tempdir().expect("a folder");
    let path = dir.path().join("rare.toml");
    std::fs::write(&path, RARE_WAITS).expect("written");
    let run = run_into(&["run", path.to_str().expect("UTF-8"), "--no-report"]);
    let row = run
        .stdout
        .lines()
        .find(|l| l.starts_with("Mean wait for a clinician"))
        .expect("the wait's key figure");
    let cells: Vec<&str> = row.split_whitespace().collect();
    // label words, mean, low, "to", high with the mark, unit
    let to = cells.iter().position(|c| *c == "to").expect("an interval");
    assert_eq!(cells[to - 1], "0.00", "the low end is clipped at 0: {row}");
    assert!(
        cells[to + 1].ends_with('*'),
        "the high end carries the mark: {row}"
    );
    let note = "* The 95% interval is cut at 0, as the figure cannot be negative";
    assert_eq!(run.stdout.matches(note).count(), 1, "{}", run.stdout);
}
