//! From data to scenario: fitting `[arrivals.*]` patterns and duration distributions from an
//! extract (a CSV file of referrals or stays), for `carepath fit`.
//!
//! Owns: reading the extract's columns into typed values with every bad value located
//! ([`extract`]), the estimates ([`arrivals`], [`durations`]), the TOML to paste ([`toml`])
//! and the charts' specifications ([`charts`]). Does not own the command line, the output
//! folder or rendering (the CLI, `experiment::output_set` and `report::render` do).
//!
//! Sits beside `experiment` as an edge: it uses the scenario layer's diagnostics and the
//! report layer's chart specifications, and nothing below it knows of it.

pub mod arrivals;
pub mod charts;
pub mod durations;
pub mod extract;
pub mod toml;

use std::collections::BTreeMap;

use jiff::civil::{Date, DateTime};

use extract::{CellProblem, Dropped, Extract, FitError};

/// Groups of values in name order: (group value as written, values). Without `--group-by`
/// there is one group named `all`.
pub type Groups<T> = Vec<(String, Vec<T>)>;

/// The group of each data row (the `--group-by` cell, or `all`), with a problem for each
/// empty cell.
fn group_cells(
    extract: &Extract,
    group_by: Option<usize>,
    problems: &mut Vec<CellProblem>,
) -> Vec<String> {
    let Some(column) = group_by else {
        return vec!["all".to_string(); extract.len()];
    };
    extract
        .cells(column)
        .map(|cell| {
            if cell.text.is_empty() {
                problems.push(CellProblem {
                    row: cell.row,
                    column,
                    message: "the group is empty".to_string(),
                    help: format!(
                        "fill in `{}` for this row (every row needs a group when grouping by it)",
                        extract.headers[column]
                    ),
                    reason: "empty group",
                });
            }
            cell.text.to_string()
        })
        .collect()
}

/// Reads a date and time: ISO 8601 (`2025-03-04 08:15`, `2025-03-04T08:15:00`) or UK day
/// first (`04/03/2025 08:15`, seconds optional). Local clock time, no time zone.
pub fn parse_timestamp(text: &str) -> Option<DateTime> {
    if let Ok(t) = text.parse::<DateTime>()
        && text.len() > 10
    {
        return Some(t);
    }
    ["%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"]
        .iter()
        .find_map(|format| DateTime::strptime(format, text).ok())
}

/// Reads a date `YYYY-MM-DD` (for `--from` and `--to`).
///
/// # Errors
/// A message saying what was expected.
pub fn parse_date(text: &str) -> Result<Date, String> {
    text.parse::<Date>()
        .map_err(|_| format!("expected a date such as 2025-04-01, found `{text}`"))
}

/// What `fit arrivals` reads: options as given on the command line.
#[derive(Debug, Clone)]
pub struct ArrivalOptions {
    /// Column of arrival timestamps.
    pub time_column: String,
    /// Column to group by (e.g. referral source), if any.
    pub group_by: Option<String>,
    /// First day of the window (default: the first arrival's day).
    pub from: Option<Date>,
    /// Last day of the window, included (default: the last arrival's day).
    pub to: Option<Date>,
    /// Leave out rows with unusable values (counted) instead of stopping.
    pub drop_bad_rows: bool,
}

/// Arrival times by group, inside the window.
#[derive(Debug, Clone)]
pub struct ArrivalInput {
    /// The groups, in name order.
    pub groups: Groups<DateTime>,
    /// First day of the window.
    pub from: Date,
    /// Last day of the window, included (9999-12-31, the last date there is, has no day
    /// after it, so the window is never held as the day after its end).
    pub to: Date,
    /// Rows left out, by reason.
    pub dropped: Dropped,
}

/// Reads the arrival times of `extract`.
///
/// # Errors
/// [`FitError::Data`] for a missing column, unusable values (unless dropping), a window
/// that ends before it starts, or no rows left.
pub fn read_arrivals(
    extract: &Extract,
    options: &ArrivalOptions,
) -> Result<ArrivalInput, FitError> {
    let time = extract.column(&options.time_column, "--time-column")?;
    let group_by = match &options.group_by {
        Some(g) => Some(extract.column(g, "--group-by")?),
        None => None,
    };
    let mut problems = Vec::new();
    let groups = group_cells(extract, group_by, &mut problems);
    let mut times: Vec<Option<DateTime>> = Vec::with_capacity(extract.len());
    for cell in extract.cells(time) {
        let parsed = parse_timestamp(cell.text);
        if parsed.is_none() {
            let message = if cell.text.is_empty() {
                "the timestamp is missing".to_string()
            } else {
                format!("cannot read `{}` as a date and time", cell.text)
            };
            problems.push(CellProblem {
                row: cell.row,
                column: time,
                message,
                help: "write e.g. 2025-03-04 08:15, 2025-03-04T08:15:00 or 04/03/2025 08:15 (day first)".to_string(),
                reason: "unreadable timestamp",
            });
        }
        times.push(parsed);
    }
    problems.sort_by_key(|p| (p.row, p.column));
    let mut dropped = Dropped::default();
    let bad = extract.settle(&problems, options.drop_bad_rows, &mut dropped)?;
    let good: Vec<(usize, DateTime)> = times
        .iter()
        .enumerate()
        .filter_map(|(row, t)| t.filter(|_| !bad[row]).map(|t| (row, t)))
        .collect();
    let Some(first) = good.iter().map(|g| g.1.date()).min() else {
        return Err(extract.header_error(
            "no rows are left to fit".to_string(),
            "every row was dropped; see the counts above and correct the extract",
        ));
    };
    let last = good.iter().map(|g| g.1.date()).max().unwrap_or(first);
    let from = options.from.unwrap_or(first);
    let to = options.to.unwrap_or(last);
    if to < from {
        return Err(extract.header_error(
            format!("the window ends ({to}) before it starts ({from})"),
            "give --from a day on or before --to",
        ));
    }
    let mut by_group: BTreeMap<String, Vec<DateTime>> = BTreeMap::new();
    let mut outside = 0;
    for (row, t) in good {
        if t.date() < from || t.date() > to {
            outside += 1;
            continue;
        }
        by_group.entry(groups[row].clone()).or_default().push(t);
    }
    dropped.add("outside --from/--to", outside);
    Ok(ArrivalInput {
        groups: by_group.into_iter().collect(),
        from,
        to,
        dropped,
    })
}

/// What `fit durations` reads: options as given on the command line.
#[derive(Debug, Clone)]
pub struct DurationOptions {
    /// Column of durations.
    pub column: String,
    /// Their unit, `h` or `d`.
    pub unit: String,
    /// Column to group by, if any.
    pub group_by: Option<String>,
    /// Column saying which stays were still in progress (right-censored), if any.
    pub censored_column: Option<String>,
    /// Leave out rows with unusable values (counted) instead of stopping.
    pub drop_bad_rows: bool,
}

/// Durations by group.
#[derive(Debug, Clone)]
pub struct DurationInput {
    /// The groups, in name order.
    pub groups: Groups<durations::Observation>,
    /// Rows left out, by reason.
    pub dropped: Dropped,
}

/// Reads a censoring flag: `1`, `true`, `yes`, `y` (in progress) or `0`, `false`, `no`,
/// `n` or empty (finished); any case.
pub fn parse_flag(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "y" => Some(true),
        "0" | "false" | "no" | "n" | "" => Some(false),
        _ => None,
    }
}

/// Reads the durations of `extract`. Zero durations are left out and counted (the families
/// need values above zero).
///
/// # Errors
/// [`FitError::Data`] for a missing column or unusable values (not a number, negative, an
/// unreadable censoring flag, an empty group) unless dropping.
pub fn read_durations(
    extract: &Extract,
    options: &DurationOptions,
) -> Result<DurationInput, FitError> {
    let column = extract.column(&options.column, "--column")?;
    let group_by = match &options.group_by {
        Some(g) => Some(extract.column(g, "--group-by")?),
        None => None,
    };
    let censored_column = match &options.censored_column {
        Some(c) => Some(extract.column(c, "--censored-column")?),
        None => None,
    };
    let mut problems = Vec::new();
    let groups = group_cells(extract, group_by, &mut problems);
    let mut values: Vec<Option<f64>> = Vec::with_capacity(extract.len());
    for cell in extract.cells(column) {
        let parsed = cell.text.parse::<f64>().ok().filter(|v| v.is_finite());
        match parsed {
            None => problems.push(CellProblem {
                row: cell.row,
                column,
                message: if cell.text.is_empty() {
                    "the duration is missing".to_string()
                } else {
                    format!("cannot read `{}` as a number", cell.text)
                },
                help: format!(
                    "write the duration as a plain number of {} (--unit {}), e.g. 4.5",
                    if options.unit == "d" { "days" } else { "hours" },
                    options.unit
                ),
                reason: "unreadable duration",
            }),
            Some(v) if v < 0.0 => problems.push(CellProblem {
                row: cell.row,
                column,
                message: format!("a negative duration, {}", cell.text),
                help:
                    "a duration is zero or more: check that the end is after the start for this row"
                        .to_string(),
                reason: "negative duration",
            }),
            Some(_) => {}
        }
        values.push(parsed);
    }
    let mut flags = vec![false; extract.len()];
    if let Some(c) = censored_column {
        for cell in extract.cells(c) {
            match parse_flag(cell.text) {
                Some(f) => flags[cell.row] = f,
                None => problems.push(CellProblem {
                    row: cell.row,
                    column: c,
                    message: format!("cannot read `{}` as yes or no", cell.text),
                    help: "write 1 (or yes, true) for a stay still in progress at the extract date, 0 (or no, false, or nothing) for a finished one".to_string(),
                    reason: "unreadable censoring flag",
                }),
            }
        }
    }
    problems.sort_by_key(|p| (p.row, p.column));
    let mut dropped = Dropped::default();
    let bad = extract.settle(&problems, options.drop_bad_rows, &mut dropped)?;
    let mut by_group: BTreeMap<String, Vec<durations::Observation>> = BTreeMap::new();
    let mut zeros = 0;
    for (row, value) in values.iter().enumerate() {
        let Some(value) = value.filter(|_| !bad[row]) else {
            continue;
        };
        if value == 0.0 {
            zeros += 1;
            continue;
        }
        by_group
            .entry(groups[row].clone())
            .or_default()
            .push(durations::Observation {
                value,
                censored: flags[row],
            });
    }
    dropped.add(
        "zero durations (the families need values above zero)",
        zeros,
    );
    Ok(DurationInput {
        groups: by_group.into_iter().collect(),
        dropped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_read_in_the_documented_forms() {
        let want = jiff::civil::date(2025, 3, 4).at(8, 15, 0, 0);
        for text in [
            "2025-03-04 08:15",
            "2025-03-04T08:15:00",
            "04/03/2025 08:15",
            "04/03/2025 08:15:00",
        ] {
            assert_eq!(parse_timestamp(text), Some(want), "{text}");
        }
        for text in [
            "2025-03-04",
            "2025-13-04 08:15",
            "yesterday",
            "",
            "03/04/25 8am",
        ] {
            assert_eq!(parse_timestamp(text), None, "{text}");
        }
    }

    #[test]
    fn censoring_flags_are_read() {
        assert_eq!(parse_flag("Yes"), Some(true));
        assert_eq!(parse_flag(""), Some(false));
        assert_eq!(parse_flag("maybe"), None);
    }
}
