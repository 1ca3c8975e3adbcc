//! Arrivals that are not Poisson (issue 13 item 3): booked at fixed or drawn inter-arrival
//! times, a list of times, and a CSV record replayed as recorded, with every mistake in the
//! record named at its file, line and column.

use std::path::{Path, PathBuf};

use carepath::model::run_replication_traced;
use carepath::scenario::load;

use crate::support::{carepath, repository_root, run_file, run_text, text};

/// Folder of the record fixtures.
fn records() -> PathBuf {
    repository_root().join("tests/fixtures/arrival_records")
}

/// A clinic: one clinician seeing each patient for `service`, arrivals from `arrivals`
/// (the keys of `[arrivals.booked]` after `pathway`).
fn clinic(arrivals: &str, service: &str, horizon: &str) -> String {
    format!(
        r#"
[run]
name = "clinic"
horizon = "{horizon}"
replications = 3

[resources.clinician]
count = 1

[arrivals.booked]
pathway = "clinic"
{arrivals}

[[pathways.clinic.steps]]
name = "see"
activity = {{ resource = "clinician", duration = {{ fixed = "{service}" }} }}

[[pathways.clinic.steps]]
name = "done"
end = {{ outcome = "seen" }}
"#
    )
}

/// Booked every 20 minutes and seen for 15: nobody ever waits, and the clinician is busy
/// exactly three quarters of the time (the first arrival at time zero, 3,000 in 1,000 h).
#[test]
fn booked_every_20_minutes_with_15_minute_visits_never_wait() {
    let run = run_text(&clinic(
        "interarrival = { fixed = \"20 min\" }",
        "15 min",
        "1000 h",
    ));
    for utilisation in run.values("clinician.utilisation") {
        assert!((utilisation - 0.75).abs() < 1e-9, "{utilisation}");
    }
    // 3,000 in the run, and perhaps the one due at its very end if the sum of the gaps
    // rounds a hair below 1,000 h.
    for waits in run.values("wait.clinic.see.waits") {
        assert!(waits == 3000.0 || waits == 3001.0, "{waits}");
    }
    assert_eq!(run.metric("wait.clinic.see.mean").mean, 0.0);
    assert_eq!(run.metric("wait.clinic.see.share_waiting").mean, 0.0);
}

/// Drawn inter-arrival times come from the source's stream: exponential gaps of mean 1 h
/// make a Poisson stream of 24 a day, and replications differ.
#[test]
fn drawn_interarrival_times_average_their_mean() {
    let run = run_text(&clinic(
        "interarrival = { exponential = { mean = \"1 h\" } }",
        "1 min",
        "200 d",
    ));
    let arrivals = run.values("clinic.arrivals");
    let mean = arrivals.iter().sum::<f64>() / arrivals.len() as f64;
    assert!(
        (mean - 4800.0).abs() < 4.0 * (4800.0f64 / 3.0).sqrt(),
        "{mean}"
    );
    assert_ne!(arrivals[0], arrivals[1]);
}

/// The arrival times of replication `replication` of the scenario at `path`, from its trace.
fn traced_arrivals(path: &Path, replication: u32) -> Vec<f64> {
    let loaded = load(path).unwrap_or_else(|e| panic!("{e}"));
    let mut trace = Vec::new();
    run_replication_traced(&loaded.scenario, replication, &mut trace).expect("runs");
    String::from_utf8(trace)
        .expect("UTF-8")
        .lines()
        .filter(|row| row.split(',').nth(5) == Some("arrival"))
        .map(|row| {
            row.split(',')
                .nth(2)
                .and_then(|t| t.parse().ok())
                .expect("a time")
        })
        .collect()
}

/// The record `good.csv` (date-times, bare hours and a duration, out of order, one after
/// the end of the run) is replayed exactly: its arrivals in time order, the same in every
/// replication, each with the acuity its row gives (high goes to `admitted`, low `home`).
#[test]
fn a_replayed_csv_gives_exactly_its_arrivals() {
    let path = records().join("clinic.toml");
    let expected = vec![8.5, 9.0, 9.0, 10.25, 30.0, 47.0 + 59.0 / 60.0];
    for replication in 0..2 {
        let times = traced_arrivals(&path, replication);
        assert_eq!(times.len(), expected.len(), "{times:?}");
        for (t, e) in times.iter().zip(&expected) {
            assert!((t - e).abs() < 1e-9, "{times:?} vs {expected:?}");
        }
    }
    let run = run_file(&path);
    assert_eq!(run.values("clinic.arrivals"), vec![6.0, 6.0]);
    // Three high (08:30, 09:00 and 10.25 h), two low seen within the run; the last low
    // (23:59 on day 2) is still being seen at the end.
    assert_eq!(run.values("clinic.outcome.admitted"), vec![3.0, 3.0]);
    assert_eq!(run.values("clinic.outcome.home"), vec![2.0, 2.0]);
}

/// Lines starting with `#` are comments in an arrivals record, before and after the header
/// row, as in a census file (issue 13): `commented.csv` replays its three arrivals only.
#[test]
fn comment_lines_in_a_record_are_skipped() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let record = records().join("commented.csv");
    let scenario = std::fs::read_to_string(records().join("clinic.toml"))
        .expect("the clinic fixture")
        .replace(
            "file = \"good.csv\"",
            &format!("file = {:?}", record.display().to_string()),
        );
    let path = folder.path().join("clinic.toml");
    std::fs::write(&path, scenario).expect("written");
    let times = traced_arrivals(&path, 0);
    let expected = [8.5, 9.0, 10.25];
    assert_eq!(times.len(), expected.len(), "{times:?}");
    for (t, e) in times.iter().zip(&expected) {
        assert!((t - e).abs() < 1e-9, "{times:?} vs {expected:?}");
    }
}

/// A cell below comment lines is still placed at its own line of the file.
#[test]
fn a_mistake_below_comment_lines_is_placed_at_its_line() {
    assert_record_rejected(
        "commented_bad_time.csv",
        3,
        1,
        "`2026-12-01 9am` is not an arrival time (column `time`)",
        "a date and time (e.g. \"2026-12-01 08:30\")",
    );
}

/// A list of times is replayed the same way: three arrivals, the two at 1 h together.
#[test]
fn a_times_list_is_replayed_as_written() {
    let run = run_text(&clinic(
        "times = [\"2 h\", \"1 h\", \"60 min\"]",
        "30 min",
        "1 d",
    ));
    assert_eq!(run.values("clinic.arrivals"), vec![3.0; 3]);
    // The second at 1 h waits the first's 30 minutes.
    for mean in run.values("wait.clinic.see.mean") {
        assert!((mean - 0.5 / 3.0).abs() < 1e-9, "{mean}");
    }
}

/// `carepath check` on the clinic with `file` swapped for `csv`: refused (exit code 2), the
/// problem placed at `csv`'s `line:column`, its message containing `message` and its help
/// `help`.
fn assert_record_rejected(csv: &str, line: usize, column: usize, message: &str, help: &str) {
    assert_record_file_rejected(&records().join(csv), line, column, message, help);
}

/// As [`assert_record_rejected`], for the record at `record`.
fn assert_record_file_rejected(
    record: &Path,
    line: usize,
    column: usize,
    message: &str,
    help: &str,
) {
    let csv = record.display();
    let folder = tempfile::tempdir().expect("a temporary folder");
    let scenario = std::fs::read_to_string(records().join("clinic.toml"))
        .expect("the clinic fixture")
        .replace(
            "file = \"good.csv\"",
            &format!("file = {:?}", record.display().to_string()),
        );
    let path = folder.path().join("clinic.toml");
    std::fs::write(&path, scenario).expect("written");
    let output = carepath(&["check", path.to_str().expect("UTF-8")]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{csv}: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    let place = format!("--> {}:{line}:{column}", record.display());
    assert!(stderr.contains(&place), "{csv}: no `{place}` in:\n{stderr}");
    assert!(
        stderr.contains(message),
        "{csv}: no `{message}` in:\n{stderr}"
    );
    let helped = stderr.lines().any(|l| {
        l.split_once("help: ")
            .is_some_and(|(_, h)| h.contains(help))
    });
    assert!(helped, "{csv}: no help saying `{help}` in:\n{stderr}");
}

#[test]
fn a_record_without_a_time_column_is_refused_at_its_header() {
    assert_record_rejected(
        "no_time_column.csv",
        1,
        1,
        "no `time` column",
        "name the column of arrival times `time`",
    );
}

#[test]
fn a_record_column_that_is_no_attribute_is_refused_at_its_header() {
    assert_record_rejected(
        "unknown_column.csv",
        1,
        13,
        "column `ward` is not `time` or an attribute",
        "attribute names (`acuity`)",
    );
}

/// A `time` column given twice is named as given twice (issue 13), not as "not `time`".
#[test]
fn a_time_column_given_twice_is_refused_at_the_second() {
    assert_record_rejected(
        "time_twice.csv",
        1,
        13,
        "column `time` is given twice",
        "keep one `time` column",
    );
}

#[test]
fn an_unreadable_arrival_time_is_refused_at_its_cell() {
    assert_record_rejected(
        "bad_time.csv",
        3,
        1,
        "`2026-12-01 9am` is not an arrival time (column `time`)",
        "a date and time (e.g. \"2026-12-01 08:30\")",
    );
}

#[test]
fn an_arrival_before_the_start_is_refused_at_its_cell() {
    assert_record_rejected(
        "before_start.csv",
        3,
        1,
        "`2026-11-30 22:00` is before the start of the run",
        "leave out earlier rows",
    );
}

#[test]
fn an_unknown_attribute_value_is_refused_at_its_cell() {
    assert_record_rejected(
        "bad_attribute.csv",
        3,
        18,
        "`medium` is not a value of attribute `acuity`",
        "write one of `low`, `high`, or leave the cell empty",
    );
}

#[test]
fn a_row_with_too_many_fields_is_refused_at_its_line() {
    assert_record_rejected(
        "ragged.csv",
        3,
        1,
        "this row has 3 fields but the header has 2",
        "one value per column",
    );
}

#[test]
fn a_record_with_no_rows_is_refused() {
    assert_record_rejected(
        "header_only.csv",
        1,
        1,
        "a header row but no arrivals",
        "add one row per arrival",
    );
}

#[test]
fn an_arrival_without_a_time_is_refused_at_its_cell() {
    assert_record_rejected(
        "missing_time.csv",
        3,
        1,
        "this arrival has no time",
        "write hours from the start of the run",
    );
}

/// A record that is not there names its path and says what to do.
#[test]
fn a_missing_record_names_its_path() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("clinic.toml");
    let scenario = std::fs::read_to_string(records().join("clinic.toml"))
        .expect("the clinic fixture")
        .replace("good.csv", "not_there.csv");
    std::fs::write(&path, scenario).expect("written");
    let output = carepath(&["check", path.to_str().expect("UTF-8")]);
    let (_, stderr) = text(&output);
    assert_ne!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("not_there.csv"), "{stderr}");
    assert!(stderr.contains("there is no such file"), "{stderr}");
    // At the `file` key's value, with the rule for paths in a scenario (beside the scenario
    // file, not where carepath runs).
    let at = format!(
        "clinic.toml:{}:",
        line_of(
            &std::fs::read_to_string(&path).expect("read"),
            "not_there.csv"
        )
    );
    assert!(stderr.contains(&at), "{stderr}");
    assert!(
        stderr.contains("help: check the name; a path in a scenario is relative to the folder of the scenario file"),
        "{stderr}"
    );
    assert!(!stderr.contains("folder you run carepath from"), "{stderr}");
}

/// The 1-based line of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .map_or(0, |i| i + 1)
}

/// Inter-arrival gaps too small for the clock would give arrivals forever at one instant:
/// the run stops with a message naming the source instead of hanging. A stated duration
/// cannot be that small (below a second is refused when the scenario is read), so the gaps
/// here are drawn: zero all but once in a billion draws, one minute otherwise.
#[test]
fn gaps_too_small_for_the_clock_stop_the_run_instead_of_hanging() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let path = folder.path().join("instant.toml");
    // Patients leave at once, so no bound on patients inside stops it first.
    let scenario = r#"
[run]
name = "instant"
horizon = "1 d"
replications = 1

[arrivals.booked]
pathway = "clinic"
interarrival = { empirical = { values = ["0 min", "1 min"], weights = [1e9, 1] } }

[[pathways.clinic.steps]]
name = "done"
end = { outcome = "seen" }
"#;
    std::fs::write(&path, scenario).expect("written");
    let out = folder.path().join("out");
    let output = carepath(&[
        "run",
        path.to_str().expect("UTF-8"),
        "-r",
        "1",
        "-q",
        "--no-report",
        "-o",
        out.to_str().expect("UTF-8"),
    ]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("arrivals from `booked` come without time passing"),
        "{stderr}"
    );
    assert!(!out.exists(), "no output set from a failed run");
}

/// A record with more than 1,000,000 arrivals at one instant would stop the run (the clock
/// could never pass them) with a message about `interarrival` and no place in the file: it
/// is refused when read, at the row where the run of them grows too long.
#[test]
fn a_record_of_a_million_arrivals_at_one_instant_is_refused_at_its_row() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let record = folder.path().join("all_at_once.csv");
    // Header on line 1, one arrival at hour 1, then 1,000,002 at hour 0 on lines 3 to
    // 1,000,004: sorted, the last of them ends the 1,000,001st gap of zero in a row, one more
    // than the run allows; it is on line 1,000,004.
    let mut csv = String::from("time\n1\n");
    csv.push_str(&"0\n".repeat(1_000_002));
    std::fs::write(&record, csv).expect("written");
    assert_record_file_rejected(
        &record,
        1_000_004,
        1,
        "more than 1,000,000 arrivals come at one instant (hour 0)",
        "each row is one patient arriving at its own time",
    );
}
