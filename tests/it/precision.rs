//! Choosing the number of replications by target precision.

use crate::support::{carepath, text};

fn run_to(precision: &str, out: &std::path::Path) -> (String, String) {
    let output = carepath(&[
        "run",
        "scenarios/mmc.toml",
        "--precision",
        precision,
        "--metrics",
        "wait.clinic.see_clinician.mean,clinician.utilisation",
        "-r",
        "4",
        "--set",
        "run.horizon=\"200 d\"",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{:?}", text(&output));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    (text(&output).0, summary)
}

/// Batches of 4 replications are added until the mean wait's 95% half-width is within 3% of
/// the mean; the run says how many were needed, and the same seed stops at the same count.
#[test]
fn precision_stopping_reaches_its_target_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    let (stdout, summary) = run_to("3%", &dir.path().join("a"));
    assert!(stdout.contains("Precision reached after"), "{stdout}");
    let row: Vec<f64> = summary
        .lines()
        .find(|l| l.starts_with("wait.clinic.see_clinician.mean,"))
        .unwrap()
        .split(',')
        .skip(2)
        .map(|v| v.parse().unwrap())
        .collect();
    let (mean, low, high, replications) = (row[0], row[2], row[3], row[4]);
    assert!(
        (high - low) / 2.0 <= 0.03 * mean,
        "half-width {} vs mean {mean}",
        (high - low) / 2.0
    );
    assert!(
        replications > 4.0 && (replications as u32).is_multiple_of(4),
        "{replications} replications"
    );
    let (_, again) = run_to("3%", &dir.path().join("b"));
    assert_eq!(
        summary, again,
        "same seed, same stopping point, same numbers"
    );
}

/// Runs mmc.toml shortened to 20 days to a 5% precision on `metric` in batches of 2, with
/// `extra` arguments; returns standard output and the replication count in summary.csv.
fn short_run_to_precision(metric: &str, extra: &[&str], out: &std::path::Path) -> (String, u32) {
    let mut args = vec![
        "run",
        "scenarios/mmc.toml",
        "--precision",
        "5%",
        "--metrics",
        metric,
        "-r",
        "2",
        "--no-report",
        "--set",
        "run.horizon=\"20 d\"",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let output = carepath(&args);
    assert!(output.status.success(), "{:?}", text(&output));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let row = summary
        .lines()
        .find(|l| l.starts_with(&format!("{metric},")))
        .unwrap_or_else(|| panic!("no {metric} in {summary}"));
    let replications = row.rsplit(',').next().unwrap().parse().unwrap();
    (text(&output).0, replications)
}

/// A figure equal in every replication (everyone seen: a share of exactly 1) has an interval
/// of zero width after two replications; a run to precision still runs ten before it stops
/// (it once stopped at two, taking a chance agreement for precision), unless its cap is lower.
#[test]
fn precision_never_stops_before_ten_replications() {
    let dir = tempfile::tempdir().unwrap();
    let share = "clinic.outcome.seen.share";
    let (stdout, replications) = short_run_to_precision(share, &[], &dir.path().join("a"));
    assert_eq!(replications, 10, "{stdout}");
    assert!(
        stdout.contains("Precision reached after 10 replications"),
        "{stdout}"
    );
    let capped = ["--max-replications", "4"];
    let (stdout, replications) = short_run_to_precision(share, &capped, &dir.path().join("b"));
    assert_eq!(replications, 4, "{stdout}");
    assert!(
        stdout.contains("Precision reached after 4 replications"),
        "{stdout}"
    );
}
