//! Issue 9, "Fuzzing as a habit" (and items 16 and 17): what the fuzz campaigns found, each
//! cut down to a fixture in `tests/fixtures/fuzz_findings/` or a few lines here, put through
//! `carepath check`: no panic, and every error at a place in the user's own file (or naming
//! the file given on the command line when it cannot be read at all), with a `help:` line
//! and without the operating system's words.

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{binary, repository_root};

/// Runs `carepath check FILE` in `dir`.
fn check_in(dir: &Path, file: &str) -> Output {
    Command::new(binary())
        .args(["check", file])
        .current_dir(dir)
        .output()
        .expect("the carepath binary runs")
}

/// Runs `carepath check` on a fixture of `tests/fixtures/fuzz_findings/`, from that folder.
fn check_fixture(file: &str) -> (Option<i32>, String) {
    let output = check_in(
        &repository_root().join("tests/fixtures/fuzz_findings"),
        file,
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Asserts that `stderr` holds errors, each with a help line and no Rust or OS words, and
/// that the first points at `place` (`file:line:column`).
fn assert_located(stderr: &str, place: &str) {
    assert!(!stderr.contains("panicked"), "a panic:\n{stderr}");
    assert!(stderr.starts_with("error"), "no error:\n{stderr}");
    assert!(
        stderr.contains(&format!("--> {place}")),
        "not at {place}:\n{stderr}"
    );
    for block in stderr.split("\nerror").filter(|b| !b.trim().is_empty()) {
        assert!(block.contains("help: "), "no help line:\n{block}");
        assert!(!block.contains("os error"), "the OS's words:\n{block}");
    }
}

/// Fuzz finding 01: a TOML error right after a non-ASCII character (`# café=` then a NUL
/// byte) panicked in `check` while looking for the key before the error (a byte index
/// inside `é`).
#[test]
fn fuzz_finding_a_toml_error_after_a_non_ascii_character_does_not_panic() {
    let (code, stderr) = check_fixture("non_ascii_then_nul.toml");
    assert_eq!(code, Some(2), "{stderr}");
    assert_located(&stderr, "non_ascii_then_nul.toml:1:8");
    // And after a key with a non-ASCII letter, with the error at the value.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), "[run]\nnamé = \u{0}\n").unwrap();
    let output = check_in(dir.path(), "s.toml");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_located(&stderr, "s.toml:2:");
}

/// Fuzz finding 07, items 16 and 17: a base that does not exist is reported at the variant's
/// `extends` line, in plain words ("there is no such file", not "(os error 2)").
#[test]
fn fuzz_finding_a_missing_base_is_reported_at_the_extends_line() {
    let (code, stderr) = check_fixture("extends_missing.toml");
    assert_eq!(code, Some(2), "{stderr}");
    assert_located(&stderr, "extends_missing.toml:2:11");
    assert!(stderr.contains("there is no such file"), "{stderr}");
    // The help gives the rule for `extends` (beside the file), not for the command line.
    assert!(stderr.contains("relative to the folder of"), "{stderr}");
    assert!(!stderr.contains("folder you run carepath from"), "{stderr}");
}

/// Fuzz finding 07: a base that is not UTF-8 text is reported at the `extends` line, with
/// the line and column of its first bad byte.
#[test]
fn fuzz_finding_a_base_that_is_not_text_is_reported_at_the_extends_line() {
    let (code, stderr) = check_fixture("extends_not_text.toml");
    assert_eq!(code, Some(2), "{stderr}");
    assert_located(&stderr, "extends_not_text.toml:2:11");
    assert!(stderr.contains("not UTF-8"), "{stderr}");
    // `name = "caf` is 11 characters: the bad byte is the 12th of line 2.
    assert!(stderr.contains("at line 2, column 12"), "{stderr}");
}

/// Fuzz finding (item 16): a scenario file that is not UTF-8 text is placed at the line and
/// column of its first bad byte.
#[test]
fn fuzz_finding_a_file_that_is_not_text_is_placed_at_its_bad_byte() {
    let (code, stderr) = check_fixture("not_text.toml");
    assert_eq!(code, Some(1), "{stderr}");
    assert_located(&stderr, "not_text.toml:2:12");
}

/// A file that cannot be read at all has no line: the path given is its place, in plain
/// words, with a help line.
#[test]
fn fuzz_finding_a_missing_scenario_file_is_named_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let output = check_in(dir.path(), "missing.toml");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot read scenario file missing.toml: there is no such file"),
        "{stderr}"
    );
    assert!(stderr.contains("help: "), "{stderr}");
    assert!(!stderr.contains("os error"), "{stderr}");
}

/// Fuzz finding 10: a probability that is not a number has a help line.
#[test]
fn fuzz_finding_a_nan_probability_has_a_help_line() {
    let (code, stderr) = check_fixture("nan_probability.toml");
    assert_eq!(code, Some(2), "{stderr}");
    assert_located(&stderr, "nan_probability.toml:11:40");
    assert!(stderr.contains("found NaN"), "{stderr}");
}

/// Fuzz finding 09: the TOML parser's own errors are located and have help lines.
#[test]
fn fuzz_finding_toml_syntax_errors_have_help_lines() {
    let deep = format!("x = {}1{}\n", "[".repeat(200), "]".repeat(200));
    let cases = [
        (
            "[run]\nname = \"x\"\nname = \"y\"\n",
            "duplicate key",
            "s.toml:3:",
        ),
        ("[run]\nx = { a = 1\n", "unclosed inline table", "s.toml:2:"),
        ("[run]\nname\n", "key with no value", "s.toml:2:"),
        (deep.as_str(), "cannot recurse further", "s.toml:1:"),
    ];
    for (text, words, place) in cases {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        let output = check_in(dir.path(), "s.toml");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{words}: {stderr}");
        assert!(stderr.contains(words), "{words}: {stderr}");
        assert_located(&stderr, place);
    }
}
