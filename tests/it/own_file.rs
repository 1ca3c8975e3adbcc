//! Issue 9 item 16: errors in a variant (a file that `extends` another) or in a `--set`
//! argument are reported in the user's own file, at the line and column they wrote, and
//! the base file is named when the value came from the base.

use crate::support::{carepath, text};

/// The `--> place` lines of a report.
fn places(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix("--> "))
        .map(str::to_string)
        .collect()
}

/// Issue 9 item 16, the issue's example: a 7-line variant with `count = -5` is reported at
/// its own line 7, column 9, naming the variant, with the offending line quoted.
#[test]
fn issue_9_item_16_an_error_in_a_variant_is_reported_at_its_own_line() {
    let path = "tests/fixtures/variants/negative_count.toml";
    assert_eq!(std::fs::read_to_string(path).unwrap().lines().count(), 7);
    let output = carepath(&["check", path]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(places(&stderr), [format!("{path}:7:9")], "{stderr}");
    assert!(stderr.contains("7 | count = -5"), "{stderr}");
    assert!(stderr.contains("found -5"), "{stderr}");
    assert!(stderr.contains("help: "), "{stderr}");
    // `run` says the same.
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    let output = carepath(&["run", path, "-o", out.to_str().unwrap(), "--quiet"]);
    let (_, stderr) = text(&output);
    assert_eq!(places(&stderr), [format!("{path}:7:9")], "{stderr}");
}

/// Issue 9 item 16: a mistake that lives in the base is reported in the base file, at its
/// line, with a note that the variant extends it.
#[test]
fn issue_9_item_16_an_error_from_the_base_is_reported_in_the_base() {
    let variant = "tests/fixtures/variants/of_bad_base.toml";
    let base = "tests/fixtures/variants/base_with_error.toml";
    let output = carepath(&["check", variant]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(places(&stderr), [format!("{base}:16:45")], "{stderr}");
    assert!(
        stderr.contains(&format!(
            "note: this value is in the base scenario {base}, which {variant} extends"
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("1 problem in {variant}")),
        "{stderr}"
    );
}

/// Issue 9 item 16: a bad `--set` value is reported against the argument itself, quoted
/// with a caret under the value, on the file itself and on a variant.
#[test]
fn issue_9_item_16_an_error_in_a_set_value_is_reported_against_the_argument() {
    let temp = tempfile::tempdir().unwrap();
    let out = temp.path().join("out");
    for scenario in [
        "scenarios/mmc.toml",
        "tests/fixtures/variants/of_bad_base.toml",
    ] {
        let output = carepath(&[
            "run",
            scenario,
            "-o",
            out.to_str().unwrap(),
            "--set",
            "run.seed=4",
            "--set",
            "run.horizon=5 lightyears",
        ]);
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(
            places(&stderr).contains(&"command line (--set):2:13".to_string()),
            "{scenario}:\n{stderr}"
        );
        assert!(stderr.contains("2 | run.horizon=5 lightyears"), "{stderr}");
        assert!(stderr.contains("^^^^^^^^^^^^"), "{stderr}");
        assert!(!out.exists());
    }
    // A value of the wrong type, and a key of a resource that does not exist.
    let output = carepath(&[
        "run",
        "scenarios/mmc.toml",
        "-o",
        out.to_str().unwrap(),
        "--set",
        "resources.clinician.count=[1, 2]",
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(places(&stderr), ["command line (--set):1:27"], "{stderr}");
    assert!(
        stderr.contains("expected a whole number, found a list"),
        "{stderr}"
    );
}
