//! A run keeps a copy of every data file its scenario reads (census and arrivals CSVs) in
//! `inputs/` of its output folder, and the `scenario.toml` it saves there names those
//! copies, so the output folder reruns as it is, to the same results.

use std::path::Path;

use crate::support::{repository_root, run_into};

/// A ward on real dates with its census and its arrivals in CSV files in a `data` folder.
const WARD: &str = r#"[run]
name = "kept_inputs"
horizon = "5 d"
start = "2026-12-01"
replications = 2
seed = 3

[attributes.frailty]
values = ["low", "high"]
probabilities = [0.7, 0.3]

[resources.bed]
count = 8

[resources.carer]
count = 2

[arrivals.ed]
pathway = "ward"
per_day = 3

[arrivals.recorded]
pathway = "ward"
file = "data/arrivals.csv"

[[pathways.ward.steps]]
name = "admit"
seize = { resource = "bed" }

[[pathways.ward.steps]]
name = "stay"
delay = { duration = { log_normal = { mean = "2 d", sd = "1 d" } } }

[[pathways.ward.steps]]
name = "ready"
block = { resource = "bed" }

[[pathways.ward.steps]]
name = "care"
activity = { resource = "carer", duration = { exponential = { mean = "12 h" } } }

[[pathways.ward.steps]]
name = "leave"
release = { resource = "bed" }

[[pathways.ward.steps]]
name = "home"
end = { outcome = "home" }

[[initial]]
file = "data/census.csv"
"#;

/// Issue 13: the census and arrivals files go with the outputs, and running the saved
/// `scenario.toml` from the output folder gives byte-identical `summary.csv`.
#[test]
fn output_folder_reruns_with_its_own_copies_of_the_data_files() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(
        repository_root().join("tests/fixtures/census_csv/good.csv"),
        data.join("census.csv"),
    )
    .unwrap();
    std::fs::write(
        data.join("arrivals.csv"),
        "time,frailty\n2026-12-01 09:00,low\n2026-12-02 14:30,high\n2026-12-03 08:15,low\n",
    )
    .unwrap();
    let scenario = folder.path().join("ward.toml");
    std::fs::write(&scenario, WARD).unwrap();
    let first = run_into(&["run", scenario.to_str().unwrap(), "--quiet", "--no-report"]);
    let saved = first.path().join("scenario.toml");
    let text = std::fs::read_to_string(&saved).unwrap();
    assert!(text.contains("file = \"inputs/census.csv\""), "{text}");
    assert!(text.contains("file = \"inputs/arrivals.csv\""), "{text}");
    // The census is named, not listed row by row.
    assert_eq!(text.matches("[[initial]]").count(), 1, "{text}");
    for name in ["census.csv", "arrivals.csv"] {
        assert_eq!(
            std::fs::read(first.path().join("inputs").join(name)).unwrap(),
            std::fs::read(data.join(name)).unwrap(),
            "{name} not copied as it is"
        );
    }
    // An output folder with its `inputs/` is the run's own: a run into it replaces it.
    let output = crate::support::carepath(&[
        "run",
        scenario.to_str().unwrap(),
        "--quiet",
        "--no-report",
        "--out",
        first.path().to_str().unwrap(),
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Without the original data files, the saved scenario reads its own copies.
    std::fs::remove_dir_all(&data).unwrap();
    let again = run_into(&["run", saved.to_str().unwrap(), "--quiet", "--no-report"]);
    assert_eq!(summary(first.path()), summary(again.path()));
    assert!(again.path().join("inputs/census.csv").is_file());
}

/// The bytes of `folder/summary.csv`.
fn summary(folder: &Path) -> Vec<u8> {
    std::fs::read(folder.join("summary.csv")).expect("summary.csv is written")
}
