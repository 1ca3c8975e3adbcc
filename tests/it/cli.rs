//! The command line as a user meets it: run, check, help, outputs and their columns.

use carepath::validate::theory::erlang_c;

use crate::support::{carepath, run_into, text};

/// `carepath run scenarios/mmc.toml` reports a mean wait whose CI contains Erlang C, and
/// writes every output file with the documented columns.
#[test]
fn run_mmc_agrees_with_erlang_c_and_writes_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mmc");
    let output = carepath(&["run", "scenarios/mmc.toml", "--out", out.to_str().unwrap()]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stdout.contains("Clinic: see clinician: mean wait"),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("Outputs in {}", out.display())),
        "{stdout}"
    );

    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let mut lines = summary.lines();
    assert_eq!(
        lines.next(),
        Some("metric,unit,mean,sd,ci95_low,ci95_high,replications")
    );
    let wait: Vec<&str> = lines
        .find(|l| l.starts_with("wait.clinic.see_clinician.mean,"))
        .expect("wait metric in summary.csv")
        .split(',')
        .collect();
    let (low, high): (f64, f64) = (wait[4].parse().unwrap(), wait[5].parse().unwrap());
    let (_, theory) = erlang_c(9.0, 1.0, 10);
    assert!(
        low <= theory && theory <= high,
        "Erlang C {theory} outside [{low}, {high}]"
    );
    assert_eq!(wait[1], "h");
    assert_eq!(wait[6], "40");

    let replications = std::fs::read_to_string(out.join("replications.csv")).unwrap();
    assert!(replications.starts_with("replication,metric,value\n0,clinic.arrivals,"));
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["seed"], 20261124);
    assert_eq!(manifest["replications"], 40);
    assert_eq!(manifest["scenario_file"], "scenarios/mmc.toml");
    assert_eq!(manifest["scenario_sha256"].as_str().map(str::len), Some(64));
    assert_eq!(manifest["carepath_version"], env!("CARGO_PKG_VERSION"));
    // The resolved scenario is itself a valid scenario.
    let resolved = out.join("scenario.toml");
    let check = carepath(&["check", resolved.to_str().unwrap()]);
    assert!(check.status.success(), "{:?}", text(&check));
}

/// Command-line overrides reach the outputs and the resolved scenario.
#[test]
fn overrides_are_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("o");
    let output = carepath(&[
        "run",
        "scenarios/mmc.toml",
        "-r",
        "3",
        "-s",
        "77",
        "-q",
        "-o",
        out.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stdout.is_empty(), "--quiet printed: {stdout}");
    let resolved = std::fs::read_to_string(out.join("scenario.toml")).unwrap();
    assert!(
        resolved.contains("replications = 3") && resolved.contains("seed = 77"),
        "{resolved}"
    );
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    assert!(summary.lines().skip(1).all(|l| l.ends_with(",3")));
}

/// `check` on a valid scenario exits 0 and describes what it contains.
#[test]
fn check_describes_a_valid_scenario() {
    let output = carepath(&["check", "scenarios/small_rich.toml"]);
    let (stdout, _) = text(&output);
    assert!(output.status.success());
    // Long console lines wrap at 100 columns: compare words, not line breaks.
    let stdout = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "is valid",
        "rapid_response",
        "hospital",
        "rr_nurse",
        "1 handoff",
        "10 patient(s) present",
    ] {
        assert!(
            stdout.contains(expected),
            "missing `{expected}` in: {stdout}"
        );
    }
}

/// `--help` explains the commands in plain words.
#[test]
fn help_explains_the_commands() {
    let output = carepath(&["--help"]);
    let (stdout, _) = text(&output);
    assert!(output.status.success());
    assert!(
        stdout.contains("run") && stdout.contains("check") && stdout.contains("confidence"),
        "{stdout}"
    );
    let run_help = text(&carepath(&["run", "--help"])).0;
    for flag in ["--replications", "--seed", "--threads", "--out", "--quiet"] {
        assert!(run_help.contains(flag), "run --help lacks {flag}");
    }
}

/// A bad command-line value is refused with a message, not a panic.
#[test]
fn zero_replications_are_refused() {
    let output = carepath(&["run", "scenarios/mmc.toml", "--replications", "0"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr.contains("--replications"), "{stderr}");
}

/// `--set` changes one value for a run, is recorded in the manifest, and a wrong key gets a
/// scenario-quality error naming it.
#[test]
fn set_changes_a_value_and_misspellings_are_caught() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("set");
    let output = carepath(&[
        "run",
        "scenarios/mmc.toml",
        "-q",
        "-r",
        "3",
        "--set",
        "resources.clinician.count=12",
        "--set",
        "run.horizon=\"50 d\"",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{:?}", text(&output));
    let summary = std::fs::read_to_string(out.join("summary.csv")).unwrap();
    let utilisation: f64 = summary
        .lines()
        .find(|l| l.starts_with("clinician.utilisation,"))
        .and_then(|l| l.split(',').nth(2))
        .and_then(|v| v.parse().ok())
        .unwrap();
    assert!(
        (utilisation - 0.75).abs() < 0.02,
        "9 an hour on 12 clinicians: {utilisation}"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(
        manifest.contains("resources.clinician.count=12"),
        "{manifest}"
    );

    let wrong = carepath(&["check", "scenarios/mmc.toml"]);
    assert!(wrong.status.success());
    let wrong = carepath(&[
        "run",
        "scenarios/mmc.toml",
        "--set",
        "resources.clinicans.count=12",
    ]);
    let (_, stderr) = text(&wrong);
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        stderr.contains("command line (--set):1:11") && stderr.contains("did you mean `clinician`"),
        "{stderr}"
    );
}

/// `carepath warmup` writes the daily series and recommends a cut no longer than half the run.
#[test]
fn warmup_recommends_a_cut_and_writes_the_series() {
    let finished = run_into(&["warmup", "scenarios/small_rich.toml", "-r", "4"]);
    let (stdout, out) = (&finished.stdout, finished.path());
    assert!(stdout.contains("Recommended warm-up:"), "{stdout}");
    let csv = std::fs::read_to_string(out.join("warmup.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.starts_with("day,acute_bed.busy,acute_bed.queue,")
            && header.ends_with(",system.in_system"),
        "{header}"
    );
    assert_eq!(
        csv.lines().count(),
        1 + 392,
        "one row per day of warm-up plus horizon"
    );
}
