//! A resource no unit of which is ever on duty (`count = 0`, and no roster, dated period or
//! surge rule that gives it one) is warned about, not refused (a sweep may start a count at
//! 0), on `check` and `run`, as a user sees it on standard error: at the `count` in the file,
//! saying that every patient reaching a step that needs it waits to the end of the run, with
//! a `help:` line. The run still writes its outputs, and its waits there have no value (no
//! silent zero).

use crate::support::{carepath, text};

/// A pathway whose second step needs `nurse`, written as `nurse` (the resource's lines).
fn scenario(nurse: &str, run_extra: &str) -> String {
    format!(
        r#"[run]
name = "zero"
horizon = "10 d"
replications = 2
{run_extra}
[resources.nurse]
{nurse}

[resources.clerk]
count = 1

[arrivals.gp]
pathway = "p1"
per_day = 5.0

[[pathways.p1.steps]]
name = "triage"
activity = {{ resource = "clerk", duration = {{ fixed = "10 min" }} }}

[[pathways.p1.steps]]
name = "visit"
activity = {{ resource = "nurse", duration = {{ fixed = "1 h" }} }}

[[pathways.p1.steps]]
name = "done"
end = {{ outcome = "home" }}
"#
    )
}

/// Writes `text` to `zero.toml` in a new temporary folder.
fn written(text: &str) -> (tempfile::TempDir, String) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("zero.toml");
    std::fs::write(&path, text).expect("the scenario is written");
    let path = path.to_str().expect("a UTF-8 path").to_string();
    (folder, path)
}

const WARNING: &str = "warning: no unit of `nurse` is ever on duty (`count = 0`, and no roster, dated period or surge rule gives it one), so every patient who reaches a step needing `nurse` waits there to the end of the run";

#[test]
fn a_count_of_zero_with_nothing_to_add_a_unit_is_warned_on_check_and_run() {
    let (folder, path) = written(&scenario("count = 0", ""));
    let output = carepath(&["check", &path]);
    let (_, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(WARNING), "{stderr}");
    // The `count` is on line 7, its value at column 9.
    assert!(stderr.contains(&format!("--> {path}:7:9")), "{stderr}");
    assert!(
        stderr.contains("= help: give `nurse` a count above 0, or a roster with units on shift"),
        "{stderr}"
    );
    assert_eq!(stderr.matches("warning: ").count(), 1, "{stderr}");
    let out = folder.path().join("out");
    let output = carepath(&[
        "run",
        &path,
        "-q",
        "--no-report",
        "-o",
        out.to_str().unwrap(),
    ]);
    let (_, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(WARNING), "{stderr}");
    assert!(stderr.contains(&format!("--> {path}:7:9")), "{stderr}");
    // The outputs are written, and the nurse's waits have no value: none ended, so the mean
    // wait's cells are empty (not 0), while the queue holds the patients waiting.
    let summary = std::fs::read_to_string(out.join("summary.csv")).expect("summary.csv");
    let row = |metric: &str| {
        summary
            .lines()
            .find(|l| l.starts_with(&format!("{metric},")))
            .unwrap_or_else(|| panic!("no {metric} in\n{summary}"))
            .to_string()
    };
    assert_eq!(row("wait.p1.visit.mean"), "wait.p1.visit.mean,h,,,,,0");
    assert_eq!(row("nurse.utilisation"), "nurse.utilisation,fraction,,,,,0");
    assert!(row("wait.p1.visit.waits").starts_with("wait.p1.visit.waits,patients,0,"));
    let queue: f64 = row("nurse.queue.max")
        .split(',')
        .nth(2)
        .unwrap()
        .parse()
        .unwrap();
    assert!(queue > 10.0, "{}", row("nurse.queue.max"));
}

/// The same count set to 0 on the command line (as a sweep's first point may) is warned at
/// the `--set` argument, and the run goes ahead.
#[test]
fn a_count_set_to_zero_on_the_command_line_is_warned_there() {
    let (folder, path) = written(&scenario("count = 2", ""));
    let out = folder.path().join("out");
    let output = carepath(&[
        "run",
        &path,
        "-q",
        "--no-report",
        "--set",
        "resources.nurse.count=0",
        "-o",
        out.to_str().unwrap(),
    ]);
    let (_, stderr) = text(&output);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(WARNING), "{stderr}");
    assert!(stderr.contains("--> command line (--set):1:23"), "{stderr}");
    assert!(out.join("summary.csv").exists());
}

/// No warning where something can give the resource a unit: a roster with a shift, a surge
/// rule, a dated period; nor for a count above 0.
#[test]
fn no_warning_when_a_roster_surge_or_dated_period_can_give_a_unit() {
    for (nurse, run_extra) in [
        ("count = 1", ""),
        (
            r#"roster = [{ days = ["saturday"], start = "08:00", end = "09:00", count = 1 }]"#,
            "",
        ),
        (
            "count = 0\nsurge = { units = 1, open_above = 3, close_below = 1, cost_per_unit_day = 240 }",
            "",
        ),
        (
            r#"count = 0
periods = [{ from = "2026-11-05", to = "2026-11-06", count = 1 }]"#,
            "start = \"2026-11-01\"\n",
        ),
    ] {
        let (_folder, path) = written(&scenario(nurse, run_extra));
        let output = carepath(&["check", &path]);
        let (_, stderr) = text(&output);
        assert!(output.status.success(), "{nurse}: {stderr}");
        assert!(!stderr.contains("warning:"), "{nurse}: {stderr}");
    }
}
