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
