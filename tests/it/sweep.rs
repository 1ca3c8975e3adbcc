//! Sweeps over a capacity key, on common random numbers.

use crate::support::{carepath, run_into, text};

/// More rehabilitation beds never lengthen the queue for them, point by point on the same
/// seeds; the sweep table has one row per metric per point; the cheapest point is reported.
/// (The baseline's reablement places swept here until pathway 1 became visits against the
/// carers' roster, issue 12; the rehabilitation beds are its count capacity now.)
#[test]
fn more_capacity_never_lengthens_its_queue_and_the_cheapest_point_is_found() {
    let finished = run_into(&[
        "sweep",
        "scenarios/east_london/baseline.toml",
        "--vary",
        "resources.rehab_bed.count=24..32:2",
        "--minimise-cost",
        "-r",
        "4",
    ]);
    let (stdout, out) = (&finished.stdout, finished.path());
    assert!(
        stdout.contains("Lowest total cost at Rehabilitation beds = "),
        "{stdout}"
    );
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.starts_with(
        "resources.rehab_bed.count,metric,unit,mean,sd,ci95_low,ci95_high,replications,unstable\n"
    ));
    let queue: Vec<f64> = csv
        .lines()
        .filter(|l| l.contains(",rehab_bed.queue.mean,"))
        .map(|l| l.split(',').nth(3).unwrap().parse().unwrap())
        .collect();
    assert_eq!(queue.len(), 5);
    assert!(
        queue.windows(2).all(|w| w[1] <= w[0]),
        "queue grew with capacity: {queue:?}"
    );
    assert!(
        queue[0] > queue[4],
        "the sweep shows no effect at all: {queue:?}"
    );
}

/// A misspelt key in --vary is caught like one in a file.
#[test]
fn a_misspelt_sweep_key_is_an_error() {
    let output = carepath(&[
        "sweep",
        "scenarios/mmc.toml",
        "--vary",
        "resources.clinicain.count=10..12",
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("did you mean `clinician`"), "{stderr}");
    // The value came from --vary: the message names it, with the point's line and column.
    assert!(
        stderr.contains("--> command line (--set, --vary):1:11"),
        "{stderr}"
    );
}
