//! `results.xlsx` (issue 14 item 4): opened with a reader crate, every key figure matches
//! `summary.csv`; a comparison's workbook has the paired differences and verdicts.

use std::collections::BTreeMap;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::support::run_into;

/// `summary.csv` as metric -> (mean, low, high, replications), empty cells as NaN.
fn summary(folder: &Path) -> BTreeMap<String, [f64; 4]> {
    let mut reader = csv::Reader::from_path(folder.join("summary.csv")).unwrap();
    let number = |s: &str| s.parse::<f64>().unwrap_or(f64::NAN);
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].to_string(),
                [number(&r[2]), number(&r[4]), number(&r[5]), number(&r[6])],
            )
        })
        .collect()
}

/// A cell as a number (NaN for an empty cell); panics on text.
fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(v) => *v,
        Data::Int(v) => *v as f64,
        Data::Empty => f64::NAN,
        other => panic!("not a number: {other:?}"),
    }
}

/// A cell as text.
fn words(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        other => panic!("not text: {other:?}"),
    }
}

/// Same value, NaN equal to NaN (an empty cell for a figure with no value).
fn same(a: f64, b: f64) -> bool {
    a == b || (a.is_nan() && b.is_nan())
}

/// Every key figure in the workbook has the mean, interval and replications of
/// `summary.csv` (as numbers, exactly), a header row, and the sheets a run promises.
#[test]
fn every_key_figure_in_the_workbook_matches_summary_csv() {
    let run = run_into(&[
        "run",
        "scenarios/east_london/baseline.toml",
        "-r",
        "3",
        "-q",
        "--no-report",
    ]);
    let expected = summary(run.path());
    let mut workbook: Xlsx<_> = open_workbook(run.path().join("results.xlsx")).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        ["Key figures", "All figures", "Daily series", "Assumptions"]
    );
    let key = workbook.worksheet_range("Key figures").unwrap();
    let mut rows = key.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(words).collect();
    assert_eq!(
        header,
        [
            "Key figure",
            "Metric",
            "Unit",
            "Mean",
            "95% CI low",
            "95% CI high",
            "Replications"
        ]
    );
    let mut checked = 0;
    for row in rows {
        let metric = words(&row[1]);
        let want = expected
            .get(&metric)
            .unwrap_or_else(|| panic!("{metric} is not in summary.csv"));
        for (column, value) in [3, 4, 5, 6].into_iter().zip(want) {
            assert!(
                same(number(&row[column]), *value),
                "{metric}, column {column}: {:?} against {value}",
                row[column]
            );
        }
        checked += 1;
    }
    let keys = expected.keys().filter(|m| m.starts_with("key.")).count();
    assert!(
        keys > 3 && checked >= keys,
        "checked {checked} of {keys} key figures"
    );
    // All figures: every row of summary.csv, in order.
    let all = workbook.worksheet_range("All figures").unwrap();
    let metrics: Vec<String> = all.rows().skip(1).map(|r| words(&r[0])).collect();
    assert_eq!(metrics.len(), expected.len());
    assert!(metrics.iter().all(|m| expected.contains_key(m)));
    // Daily series: every row of daily.csv, the same labels and numbers.
    let daily_csv = std::fs::read_to_string(run.path().join("daily.csv")).unwrap();
    let daily = workbook.worksheet_range("Daily series").unwrap();
    let sheet_rows: Vec<_> = daily.rows().collect();
    let csv_rows: Vec<&str> = daily_csv.lines().collect();
    assert!(
        csv_rows.len() > 100,
        "daily.csv has {} lines",
        csv_rows.len()
    );
    assert_eq!(
        sheet_rows.len(),
        csv_rows.len(),
        "one sheet row per daily.csv line"
    );
    for (row, line) in sheet_rows.iter().zip(&csv_rows).skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        for (i, field) in fields.iter().enumerate() {
            if i < 3 {
                assert_eq!(words(&row[i]), *field, "{line}");
            } else {
                let value: f64 = if field.is_empty() {
                    f64::NAN
                } else {
                    field.parse().unwrap()
                };
                assert!(same(number(&row[i]), value), "{line}: column {i}");
            }
        }
    }
    // Assumptions: the resolved scenario's settings.
    let assumptions = workbook.worksheet_range("Assumptions").unwrap();
    assert!(assumptions.rows().any(|r| words(&r[0]) == "run.seed"));
}

/// A comparison's workbook has the paired differences and verdicts of `comparison.csv`.
#[test]
fn a_comparisons_workbook_has_the_differences_and_verdicts() {
    let run = run_into(&[
        "compare",
        "scenarios/east_london/baseline.toml",
        "scenarios/east_london/more_reablement.toml",
        "-r",
        "3",
        "-q",
        "--no-report",
    ]);
    let mut workbook: Xlsx<_> = open_workbook(run.path().join("results.xlsx")).unwrap();
    let names = workbook.sheet_names();
    assert_eq!(&names[..2], ["Key figures", "Comparison"]);
    let sheet = workbook.worksheet_range("Comparison").unwrap();
    let mut reader = csv::Reader::from_path(run.path().join("comparison.csv")).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let cells: Vec<_> = sheet.rows().skip(1).collect();
    assert_eq!(cells.len(), rows.len());
    for (row, cell) in rows.iter().zip(cells) {
        assert_eq!(words(&cell[1]), row[column("metric")]);
        let diff = row[column("diff_vs_base")]
            .parse::<f64>()
            .unwrap_or(f64::NAN);
        assert!(same(number(&cell[6]), diff), "{}", &row[column("metric")]);
        assert_eq!(words(&cell[9]), row[column("verdict")]);
    }
}
