//! Shared helpers: run a scenario given as text, look up metrics, run the `carepath` binary.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use carepath::experiment::{MetricSummary, RunOutcome, run_more};
use carepath::model::ReplicationResult;
use carepath::scenario::parse;
use indicatif::ProgressBar;

/// The summary and per-replication results of running scenario text.
pub struct Run {
    pub summary: Vec<MetricSummary>,
    pub results: Vec<ReplicationResult>,
}

impl Run {
    /// The summary of metric `name`; panics with the list of metrics if it is missing.
    pub fn metric(&self, name: &str) -> &MetricSummary {
        self.summary
            .iter()
            .find(|m| m.metric == name)
            .unwrap_or_else(|| {
                let names: Vec<&str> = self.summary.iter().map(|m| m.metric.as_str()).collect();
                panic!("no metric `{name}`; have {names:?}")
            })
    }

    /// Mean of metric `name` across replications.
    pub fn mean(&self, name: &str) -> f64 {
        self.metric(name).mean
    }

    /// Values of metric `name`, one per replication.
    pub fn values(&self, name: &str) -> Vec<f64> {
        self.results
            .iter()
            .map(|r| {
                r.metrics
                    .iter()
                    .find(|m| &*m.name == name)
                    .map_or(f64::NAN, |m| m.value)
            })
            .collect()
    }
}

/// Parses and runs scenario text with all its replications on every core.
pub fn run_text(text: &str) -> Run {
    let loaded =
        parse("test.toml", text).unwrap_or_else(|e| panic!("scenario does not load:\n{e}"));
    run_keeping_results(&loaded.scenario).unwrap_or_else(|e| panic!("run failed: {e}"))
}

/// Runs every replication of `scenario` on every core, keeping each replication's metrics
/// (a run itself keeps only running sums) beside the summary.
fn run_keeping_results(
    scenario: &carepath::model::scenario::Scenario,
) -> Result<Run, carepath::experiment::RunError> {
    let mut outcome = RunOutcome::empty(scenario);
    let mut results = Vec::new();
    run_more(
        scenario,
        0,
        scenario.replications,
        0,
        &ProgressBar::hidden(),
        &mut outcome,
        |result| {
            results.push(ReplicationResult {
                replication: result.replication,
                metrics: result.metrics.clone(),
                by_hour: Vec::new(),
                waits: Vec::new(),
                events: result.events,
                daily: Vec::new(),
                levels: Vec::new(),
            });
            Ok(())
        },
    )?;
    Ok(Run {
        summary: outcome.summary(),
        results,
    })
}

/// Every replication of scenario text, run one by one and kept whole, curves included (a
/// run reduces the curves of its replications into running sums and keeps none).
pub fn each_replication(text: &str) -> Vec<ReplicationResult> {
    let loaded =
        parse("test.toml", text).unwrap_or_else(|e| panic!("scenario does not load:\n{e}"));
    (0..loaded.scenario.replications)
        .map(|r| {
            carepath::model::run_replication(&loaded.scenario, r)
                .unwrap_or_else(|e| panic!("run failed: {e}"))
        })
        .collect()
}

/// Loads and runs a scenario file (following any `extends`) with all its replications.
pub fn run_file(path: &Path) -> Run {
    let loaded =
        carepath::scenario::load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    run_keeping_results(&loaded.scenario).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts that `theory` lies inside the metric's 95% CI and within `relative` of its mean.
pub fn assert_agrees(run: &Run, metric: &str, theory: f64, relative: f64) {
    let m = run.metric(metric);
    assert!(
        m.ci95_low <= theory && theory <= m.ci95_high,
        "{metric}: theory {theory} outside the 95% CI [{}, {}] (mean {})",
        m.ci95_low,
        m.ci95_high,
        m.mean
    );
    let error = (m.mean - theory).abs() / theory;
    assert!(
        error <= relative,
        "{metric}: mean {} is {:.2}% from theory {theory}",
        m.mean,
        error * 100.0
    );
}

/// The M/M/c scenario of the built-in validation cases (one model, not a copy).
pub use carepath::validate::cases::Mmc;

/// The path of the `carepath` binary built for these tests.
pub fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_carepath"))
}

/// Runs `carepath` with `args` from the repository root.
pub fn carepath(args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(repository_root())
        .output()
        .expect("the carepath binary runs")
}

/// A finished `carepath` command whose outputs went to a temporary folder.
pub struct Finished {
    /// The output folder; removed when this is dropped.
    pub folder: tempfile::TempDir,
    /// What the command printed.
    pub stdout: String,
}

impl Finished {
    /// The output folder's path.
    pub fn path(&self) -> &Path {
        self.folder.path()
    }
}

/// Runs `carepath` with `args` and `--out` a new temporary folder; panics with its error
/// output if it fails.
pub fn run_into(args: &[&str]) -> Finished {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let out = folder.path().to_str().expect("a UTF-8 path");
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--out", out]);
    let output = carepath(&all);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{args:?}: {stderr}");
    Finished { folder, stdout }
}

/// The repository root (where `scenarios/` lives).
pub fn repository_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Standard output and error of a finished command, as text.
pub fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `text` with every run of whitespace as one space: console lines wrap at 100 columns, so
/// messages are compared by their words, not their line breaks.
pub fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
