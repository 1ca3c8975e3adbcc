//! An extract read for fitting: a CSV file with a header row, its columns found by name, and
//! every value that cannot be used tied to its file, line and column.
//!
//! This module owns reading and locating; what a value must look like (a date and time, a
//! duration, a yes/no flag) is decided by the readers in [`crate::fit::arrivals`] and
//! [`crate::fit::durations`] through [`Extract::cells`]. Problems are collected, not stopped
//! at: the user sees every bad row at once (the first [`SHOWN_PROBLEMS`] in full), and with
//! `--drop-bad-rows` the rows are dropped instead and counted by reason.

use std::ops::Range;
use std::path::Path;

pub use crate::scenario::csv_place::field_span;
use crate::scenario::csv_place::{self, CsvKind, Opened, csv_problem};
use crate::scenario::diagnostics::{Problem, render};
use crate::scenario::input::read_text;

/// Most problems shown in full in one message; the rest are counted.
pub const SHOWN_PROBLEMS: usize = 10;

/// Why an extract cannot be fitted.
#[derive(Debug, thiserror::Error)]
pub enum FitError {
    /// The file could not be read (missing, not a regular file, too large, not UTF-8).
    #[error("{0}")]
    Input(#[from] crate::scenario::input::InputError),
    /// The file was read but holds problems: the rendered report (every line with its
    /// `--> FILE:LINE:COLUMN` and `help:`).
    #[error("{report}")]
    Data {
        /// The rendered problems.
        report: String,
    },
}

/// A CSV extract held in memory, with the byte position of every record so that a bad value
/// can be shown at its line and column.
#[derive(Debug)]
pub struct Extract {
    /// The path as the user gave it, for messages.
    pub shown: String,
    /// The whole text.
    text: String,
    /// Column names from the header row, as written.
    pub headers: Vec<String>,
    /// Byte range of the header row.
    header_span: Range<usize>,
    /// The data rows: their fields and the byte offset where each row starts.
    rows: Vec<(csv::StringRecord, usize)>,
}

/// One cell of a data row, for a reader to interpret.
#[derive(Debug, Clone, Copy)]
pub struct Cell<'a> {
    /// Index of the row among the data rows (0 for the row after the header).
    pub row: usize,
    /// The cell's text, surrounding spaces removed.
    pub text: &'a str,
}

/// What a reader found wrong with one cell: the message and the `help:` advice.
#[derive(Debug, Clone)]
pub struct CellProblem {
    /// Data row index (see [`Cell::row`]).
    pub row: usize,
    /// Which column (index into [`Extract::headers`]).
    pub column: usize,
    /// What is wrong, in the user's words.
    pub message: String,
    /// What to write instead.
    pub help: String,
    /// Short reason for the dropped-rows count, e.g. "unreadable timestamp".
    pub reason: &'static str,
}

/// Rows left out of a fit, counted by reason (never dropped silently).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dropped {
    /// (reason, rows), in the order reasons were first met.
    pub reasons: Vec<(String, usize)>,
}

impl Dropped {
    /// Counts `rows` more rows left out for `reason`.
    pub fn add(&mut self, reason: &str, rows: usize) {
        if rows == 0 {
            return;
        }
        match self.reasons.iter_mut().find(|(r, _)| r == reason) {
            Some((_, n)) => *n += rows,
            None => self.reasons.push((reason.to_string(), rows)),
        }
    }

    /// Rows left out in all.
    pub fn total(&self) -> usize {
        self.reasons.iter().map(|(_, n)| n).sum()
    }

    /// "none", or e.g. "12 (9 outside --from/--to, 3 unreadable timestamp)".
    pub fn words(&self) -> String {
        if self.reasons.is_empty() {
            return "none".to_string();
        }
        let parts: Vec<String> = self
            .reasons
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        format!("{} ({})", self.total(), parts.join(", "))
    }
}

impl Extract {
    /// Reads `path`: a regular UTF-8 file of at most 16 MiB (see
    /// [`crate::scenario::input::MAX_INPUT_BYTES`]), comma-separated, with a header row.
    ///
    /// # Errors
    /// [`FitError::Input`] if the file cannot be read; [`FitError::Data`] if it is empty, has
    /// no data rows, or a row is not valid CSV or has a different number of fields from the
    /// header (each at its line and column).
    pub fn read(path: &Path) -> Result<Extract, FitError> {
        let text = read_text(path, "extract")?;
        Extract::parse(&path.display().to_string(), text)
    }

    /// Parses `text` as the extract named `shown` (see [`Extract::read`]).
    ///
    /// # Errors
    /// As [`Extract::read`], apart from reading.
    pub fn parse(shown: &str, text: String) -> Result<Extract, FitError> {
        let fail = |problem: Problem| FitError::Data {
            report: report(shown, &text, &[problem]),
        };
        let Opened {
            mut reader,
            headers,
            ..
        } = csv_place::open(
            &text,
            CsvKind {
                what: "extract",
                empty_help: "export the data with a header row naming the columns, then one row per record",
                comments: false,
                ragged: false,
            },
        )
        .map_err(fail)?;
        let header_end = text.find('\n').unwrap_or(text.len());
        let header_span = 0..header_end.min(text.len());
        let mut rows = Vec::new();
        for record in reader.records() {
            match record {
                Ok(r) => {
                    let start = r.position().map_or(0, |p| p.byte() as usize);
                    if r.iter().all(str::is_empty) {
                        continue; // a blank line between rows
                    }
                    rows.push((r, start));
                }
                Err(e) => return Err(fail(extract_csv_problem(&text, &e))),
            }
        }
        if rows.is_empty() {
            return Err(fail(
                Problem::new(
                    header_span.clone(),
                    "the extract has a header row but no data rows",
                )
                .help("export at least one row under the header"),
            ));
        }
        Ok(Extract {
            shown: shown.to_string(),
            text,
            headers,
            header_span,
            rows,
        })
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Whether there are no data rows (never, once read).
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The index of the column named `name` (given with `flag`, e.g. `--time-column`).
    ///
    /// # Errors
    /// [`FitError::Data`] at the header row, listing the columns there are and suggesting
    /// the nearest.
    pub fn column(&self, name: &str, flag: &str) -> Result<usize, FitError> {
        if let Some(i) = self.headers.iter().position(|h| h == name) {
            return Ok(i);
        }
        let nearest = self
            .headers
            .iter()
            .map(|h| {
                (
                    strsim::jaro_winkler(&h.to_lowercase(), &name.to_lowercase()),
                    h,
                )
            })
            .filter(|(score, _)| *score > 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, h)| h.clone());
        let listed = self
            .headers
            .iter()
            .map(|h| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let help = match nearest {
            Some(h) => format!("did you mean {flag} {h}? The columns are {listed}"),
            None => format!("give {flag} one of the columns: {listed}"),
        };
        let problem = Problem::new(
            self.header_span.clone(),
            format!("there is no column `{name}` (asked for by {flag})"),
        )
        .help(help);
        Err(FitError::Data {
            report: report(&self.shown, &self.text, &[problem]),
        })
    }

    /// The cells of column `column`, one per data row, in file order.
    pub fn cells(&self, column: usize) -> impl Iterator<Item = Cell<'_>> {
        self.rows
            .iter()
            .enumerate()
            .map(move |(row, (record, _))| Cell {
                row,
                text: record.get(column).unwrap_or(""),
            })
    }

    /// 1-based line of data row `row` in the file.
    pub fn line(&self, row: usize) -> usize {
        let start = self.rows.get(row).map_or(0, |r| r.1);
        self.text[..start.min(self.text.len())]
            .matches('\n')
            .count()
            + 1
    }

    /// Byte range of the cell at (`row`, `column`) in the file: the field as written,
    /// quotes included; an empty field is shown as the position where it would be.
    fn span(&self, row: usize, column: usize) -> Range<usize> {
        let Some((_, start)) = self.rows.get(row) else {
            return 0..0;
        };
        field_span(&self.text, *start, column)
    }

    /// Turns cell problems into an error, or, with `drop_bad_rows`, into the set of rows to
    /// leave out (counted into `dropped` by reason).
    ///
    /// # Errors
    /// [`FitError::Data`] with every problem (the first [`SHOWN_PROBLEMS`] in full) when
    /// there are problems and `drop_bad_rows` is false.
    pub fn settle(
        &self,
        problems: &[CellProblem],
        drop_bad_rows: bool,
        dropped: &mut Dropped,
    ) -> Result<Vec<bool>, FitError> {
        let mut bad = vec![false; self.rows.len()];
        if problems.is_empty() {
            return Ok(bad);
        }
        if !drop_bad_rows {
            let shown: Vec<Problem> = problems
                .iter()
                .take(SHOWN_PROBLEMS)
                .map(|p| {
                    Problem::new(
                        self.span(p.row, p.column),
                        format!(
                            "{} (column `{}`)",
                            p.message,
                            self.headers.get(p.column).map_or("", String::as_str)
                        ),
                    )
                    .help(&p.help)
                })
                .collect();
            let mut text = report(&self.shown, &self.text, &shown);
            let rows = {
                let mut rows: Vec<usize> = problems.iter().map(|p| p.row).collect();
                rows.dedup();
                rows.len()
            };
            if problems.len() > SHOWN_PROBLEMS {
                text.push_str(&format!(
                    "... and {} more problems not shown.\n",
                    problems.len() - SHOWN_PROBLEMS
                ));
            }
            text.push_str(&format!(
                "{} problem{} in {} row{} of {}; nothing was fitted.\nhelp: correct the rows, or add --drop-bad-rows to leave them out (they are counted and reported).\n",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" },
                rows,
                if rows == 1 { "" } else { "s" },
                self.shown
            ));
            return Err(FitError::Data { report: text });
        }
        for p in problems {
            if !bad[p.row] {
                bad[p.row] = true;
                dropped.add(p.reason, 1);
            }
        }
        Ok(bad)
    }

    /// An error at the header row of this extract (e.g. a group with nothing to fit).
    pub fn header_error(&self, message: String, help: &str) -> FitError {
        FitError::Data {
            report: report(
                &self.shown,
                &self.text,
                &[Problem::new(self.header_span.clone(), message).help(help)],
            ),
        }
    }

    /// An error at one cell.
    pub fn cell_error(&self, row: usize, column: usize, message: String, help: &str) -> FitError {
        FitError::Data {
            report: report(
                &self.shown,
                &self.text,
                &[Problem::new(self.span(row, column), message).help(help)],
            ),
        }
    }
}

/// Renders problems in the house style (see `scenario::diagnostics`), without its closing
/// line about a scenario.
fn report(shown: &str, text: &str, problems: &[Problem]) -> String {
    let rendered = render(shown, text, problems);
    let mut lines: Vec<&str> = rendered.lines().collect();
    if lines.last().is_some_and(|l| l.contains("nothing was run")) {
        lines.pop();
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// A problem for a CSV syntax error in an extract (see [`csv_problem`]).
fn extract_csv_problem(text: &str, error: &csv::Error) -> Problem {
    csv_problem(text, error, "extract")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropped_rows_are_counted_by_reason() {
        let mut d = Dropped::default();
        d.add("outside --from/--to", 3);
        d.add("unreadable timestamp", 1);
        d.add("outside --from/--to", 2);
        assert_eq!(d.total(), 6);
        assert_eq!(
            d.words(),
            "6 (5 outside --from/--to, 1 unreadable timestamp)"
        );
    }
}
