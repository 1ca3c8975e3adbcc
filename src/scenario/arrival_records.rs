//! Recorded arrivals read from a CSV file (`[arrivals.NAME] file = "referrals.csv"`), and
//! the arrival times a record or a `times` list may hold.
//!
//! The file has a header row; column `time` gives each arrival's time, and any other column
//! is named after an attribute and gives its value (an empty cell leaves it to be drawn as
//! for any referral). Lines starting with `#` are comments, before or after the header row
//! (as in a census file). A time is hours from time zero (`1.5`), a duration from time zero
//! (`"90 min"`), or, in a run with a `[run] start` date, a date and time
//! (`2026-12-01 08:30`, or a date alone for 00:00). Rows may come in any order; they are
//! replayed in time order, rows with equal times in file order.
//!
//! Every problem names the file, line and column, with a `help:` line. The file is read once
//! when the scenario is loaded, relative to the scenario file's folder; the replayed
//! arrivals are the same in every replication (see `README.md`, "Booked and recorded
//! arrivals").

use std::path::Path;

use jiff::civil::{Date, DateTime};

use super::ScenarioError;
use super::csv_place::{self, CsvKind, Opened, csv_problem, field_span};
use super::diagnostics::{Problem, render};
use super::file::ScenarioFile;
use super::units::DurationText;
use crate::model::engine::{MAX_ARRIVALS_AT_ONE_INSTANT, MIN_ARRIVAL_GAP};
use crate::model::scenario::{
    ArrivalTiming, Attribute, AttributeId, RecordedArrivals, Scenario, Source,
};

/// The value of a recorded attribute cell left empty: the attribute is drawn.
pub const DRAWN: u8 = u8::MAX;

/// Latest arrival time accepted [hours]: a century, as every other duration.
const LATEST_HOURS: f64 = 36_500.0 * 24.0;

/// Most problems shown in full in one message; the rest are counted.
const SHOWN_PROBLEMS: usize = 10;

/// An arrival time as written in a record or a `times` list, in hours from time zero; or
/// what is wrong with it and what to write instead (message, help).
///
/// # Errors
/// The text is none of the forms of the module header, is a date-time in a run without a
/// start date, or falls before time zero or more than a century after it.
pub fn parse_time(text: &str, start: Option<Date>) -> Result<f64, (String, String)> {
    let text = text.trim();
    let forms = "hours from the start of the run (e.g. 1.5), a duration (e.g. \"90 min\")";
    let hours = if let Ok(hours) = text.parse::<f64>() {
        hours
    } else if let Ok(duration) = DurationText::parse(text) {
        duration.to_sim().hours()
    } else if let Some(moment) = date_time(text) {
        let Some(start) = start else {
            return Err((
                format!("`{text}` is a date and time, but the run has no start date"),
                format!("add start = \"YYYY-MM-DD\" to [run], or write {forms}"),
            ));
        };
        let zero = start.to_datetime(jiff::civil::Time::midnight());
        moment.duration_since(zero).as_secs_f64() / 3600.0
    } else {
        let dated = if start.is_some() {
            format!("{forms} or a date and time (e.g. \"2026-12-01 08:30\")")
        } else {
            format!("{forms}; date-times need start = \"YYYY-MM-DD\" in [run]")
        };
        return Err((
            format!("`{text}` is not an arrival time"),
            format!("write {dated}"),
        ));
    };
    if !hours.is_finite() {
        return Err((
            format!("`{text}` is not an arrival time (a number must be finite)"),
            format!("write {forms}"),
        ));
    }
    if hours < 0.0 {
        return Err((
            format!("`{text}` is before the start of the run"),
            "arrival times count from time zero (the start of the warm-up); leave out earlier rows"
                .to_string(),
        ));
    }
    if hours > LATEST_HOURS {
        return Err((
            format!("`{text}` is more than a century after the start of the run"),
            "check the number and its unit (a bare number is hours)".to_string(),
        ));
    }
    Ok(hours)
}

/// A date and time (`2026-12-01 08:30`, `2026-12-01T08:30:00`) or a date alone (00:00).
fn date_time(text: &str) -> Option<DateTime> {
    let normalised = text.replacen(' ', "T", 1);
    normalised.parse::<DateTime>().ok().or_else(|| {
        text.parse::<Date>()
            .ok()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    })
}

/// Reads the record `text` (from the file shown as `shown`) against the scenario's
/// `attributes`, for a run starting on `start` (if dated).
///
/// # Errors
/// Every problem found, with its span in `text`: no header, no `time` column, a column that
/// is not an attribute or is given twice, a row with the wrong number of fields, an
/// unreadable time or attribute value, no data rows.
pub fn read(
    text: &str,
    attributes: &[Attribute],
    start: Option<Date>,
) -> Result<RecordedArrivals, Vec<Problem>> {
    let Opened {
        mut reader,
        headers,
        header_start,
    } = csv_place::open(
        text,
        CsvKind {
            what: "arrivals file",
            empty_help: "write a header row with a `time` column, then one row per arrival, e.g. time\\n2026-12-01 08:30",
            comments: true,
            ragged: false,
        },
    )
    .map_err(|problem| vec![problem])?;
    let header_start = header_start.min(text.len());
    let header_end = text[header_start..]
        .find('\n')
        .map_or(text.len(), |e| header_start + e);
    let mut problems = Vec::new();
    let mut time_column = None;
    let mut columns: Vec<(usize, AttributeId)> = Vec::new();
    for (c, header) in headers.iter().enumerate() {
        let span = field_span(text, header_start, c);
        if header == "time" {
            if time_column.is_some() {
                problems.push(
                    Problem::new(span, "column `time` is given twice")
                        .help("keep one `time` column: each row is one arrival at one time"),
                );
            } else {
                time_column = Some(c);
            }
        } else if let Some(a) = attributes.iter().position(|a| &a.name == header) {
            let id = AttributeId(a as u8);
            if columns.iter().any(|(_, known)| *known == id) {
                problems.push(
                    Problem::new(span, format!("column `{header}` is given twice"))
                        .help("keep one column per attribute"),
                );
            } else {
                columns.push((c, id));
            }
        } else {
            let known: Vec<String> = attributes.iter().map(|a| format!("`{}`", a.name)).collect();
            let help = if known.is_empty() {
                "the columns are `time` and, for attributes, their names; the scenario has no [attributes], so delete this column".to_string()
            } else {
                format!(
                    "the columns are `time` and attribute names ({}); rename or delete this column",
                    known.join(", ")
                )
            };
            problems.push(
                Problem::new(
                    span,
                    format!("column `{header}` is not `time` or an attribute"),
                )
                .help(help),
            );
        }
    }
    let Some(time_column) = time_column else {
        problems.push(
            Problem::new(
                header_start..header_end,
                "the arrivals file has no `time` column",
            )
            .help("name the column of arrival times `time` in the header row, e.g. time,acuity"),
        );
        return Err(problems);
    };
    let mut rows: Vec<(f64, Vec<u8>, usize)> = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(csv_problem(text, &e, "arrivals file"));
                break;
            }
        };
        if record.iter().all(str::is_empty) {
            continue; // a blank line between rows
        }
        let start_byte = record.position().map_or(0, |p| p.byte() as usize);
        let cell = record.get(time_column).unwrap_or("");
        let time = match parse_time(cell, start) {
            Ok(hours) => hours,
            Err((message, help)) => {
                let message = if cell.is_empty() {
                    "this arrival has no time".to_string()
                } else {
                    message
                };
                problems.push(
                    Problem::new(
                        field_span(text, start_byte, time_column),
                        format!("{message} (column `time`)"),
                    )
                    .help(help),
                );
                continue;
            }
        };
        let mut values = Vec::with_capacity(columns.len());
        for (c, id) in &columns {
            let cell = record.get(*c).unwrap_or("");
            let attribute = &attributes[id.0 as usize];
            if cell.is_empty() {
                values.push(DRAWN);
            } else if let Some(v) = attribute.values.iter().position(|v| v == cell) {
                values.push(v as u8);
            } else {
                problems.push(
                    Problem::new(
                        field_span(text, start_byte, *c),
                        format!(
                            "`{cell}` is not a value of attribute `{}` (column `{}`)",
                            attribute.name, attribute.name
                        ),
                    )
                    .help(format!(
                        "write one of {}, or leave the cell empty to draw it",
                        attribute
                            .values
                            .iter()
                            .map(|v| format!("`{v}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
                values.push(DRAWN);
            }
        }
        rows.push((time, values, start_byte));
    }
    if rows.is_empty() && problems.is_empty() {
        problems.push(
            Problem::new(
                header_start..header_end,
                "the arrivals file has a header row but no arrivals",
            )
            .help("add one row per arrival under the header"),
        );
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Time order; rows with equal times keep their file order (a stable sort).
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    if let Some(problem) = arrivals_without_time(text, &rows, time_column) {
        return Err(vec![problem]);
    }
    Ok(RecordedArrivals {
        times: rows.iter().map(|r| r.0).collect(),
        attributes: columns.iter().map(|(_, id)| *id).collect(),
        values: rows.into_iter().flat_map(|r| r.1).collect(),
    })
}

/// The run would stop on a record with more than [`MAX_ARRIVALS_AT_ONE_INSTANT`] arrivals in
/// a row, each less than [`MIN_ARRIVAL_GAP`] after the last (see
/// `SimError::ArrivalsWithoutTime`): found here instead, at the row (of `rows`, in time
/// order, with their start bytes in `text`) where the run grows too long.
fn arrivals_without_time(
    text: &str,
    rows: &[(f64, Vec<u8>, usize)],
    time_column: usize,
) -> Option<Problem> {
    let mut in_a_row = 0u32;
    for pair in rows.windows(2) {
        if pair[1].0 - pair[0].0 < MIN_ARRIVAL_GAP {
            in_a_row += 1;
            if in_a_row > MAX_ARRIVALS_AT_ONE_INSTANT {
                return Some(
                    Problem::new(
                        field_span(text, pair[1].2, time_column),
                        format!(
                            "more than {} arrivals come at one instant (hour {}): a run would never pass it",
                            crate::report::format::grouped(f64::from(MAX_ARRIVALS_AT_ONE_INSTANT)),
                            pair[1].0
                        ),
                    )
                    .help("each row is one patient arriving at its own time; check the `time` column"),
                );
            }
        } else {
            in_a_row = 0;
        }
    }
    None
}

/// The mean rate of recorded `times` by hour of the week over a run of `run_hours` starting
/// `week_offset` hours after Monday 00:00 [patients/hour]: for load estimates and
/// descriptions (the replay itself uses the times).
pub fn equivalent_hourly_rate(times: &[f64], week_offset: f64, run_hours: f64) -> [f64; 168] {
    let mut rate = [0.0; 168];
    let weeks = run_hours / 168.0;
    if weeks.is_nan() || weeks <= 0.0 {
        return rate;
    }
    for &t in times.iter().filter(|t| **t < run_hours) {
        let hour = ((t + week_offset) % 168.0) as usize;
        rate[hour.min(167)] += 1.0 / weeks;
    }
    rate
}

/// Reads the arrivals file of every `[arrivals]` source that names one, relative to `folder`
/// (the scenario file's), into the compiled `scenario`. `in_scenario` renders a problem
/// placed in the compiled scenario text (at the `file` value) as the loader's error.
///
/// # Errors
/// A file that cannot be read: `in_scenario` of a problem at its `file` value, saying why;
/// [`ScenarioError::Invalid`] with the problems of a file, rendered against it (file, line
/// and column).
pub fn load_files(
    scenario: &mut Scenario,
    file: &ScenarioFile,
    folder: &Path,
    in_scenario: &dyn Fn(Problem) -> ScenarioError,
) -> Result<(), ScenarioError> {
    let run_hours = scenario.end_time().hours();
    let week_offset = scenario.start_day as f64 * 24.0;
    for (name, arrival) in &file.arrivals {
        let Some(path_text) = &arrival.get_ref().file else {
            continue;
        };
        let path = folder.join(path_text.get_ref());
        let text = super::input::read_text(&path, "arrivals file").map_err(|e| {
            in_scenario(
                Problem::new(
                    path_text.span(),
                    format!(
                        "cannot read arrivals file {}: {}",
                        path.display(),
                        e.problem
                    ),
                )
                .help(super::input::help_for_named_file(&e, folder)),
            )
        })?;
        let shown = path.display().to_string();
        let record =
            read(&text, &scenario.attributes, scenario.start_date).map_err(|mut problems| {
                let total = problems.len();
                problems.truncate(SHOWN_PROBLEMS);
                let mut report = render(&shown, &text, &problems);
                if total > SHOWN_PROBLEMS {
                    report.push_str(&format!(
                        "... and {} more problems in {shown} not shown.\n",
                        total - SHOWN_PROBLEMS
                    ));
                }
                ScenarioError::Invalid { problems, report }
            })?;
        if let Some(source) = scenario.sources.iter_mut().find(|s| &s.name == name) {
            attach(source, record, week_offset, run_hours);
        }
    }
    Ok(())
}

/// Gives `source` the recorded arrivals `record`, with the equivalent rate.
pub fn attach(source: &mut Source, record: RecordedArrivals, week_offset: f64, run_hours: f64) {
    source.hourly_rate = equivalent_hourly_rate(&record.times, week_offset, run_hours);
    source.timing = ArrivalTiming::Recorded(record);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acuity() -> Vec<Attribute> {
        vec![Attribute {
            name: "acuity".to_string(),
            values: vec!["low".to_string(), "high".to_string()],
            probabilities: vec![0.5, 0.5],
        }]
    }

    #[test]
    fn times_are_hours_durations_or_date_times() {
        let start = Some(Date::constant(2026, 12, 1));
        assert_eq!(parse_time("1.5", None), Ok(1.5));
        assert_eq!(parse_time("90 min", None), Ok(1.5));
        assert_eq!(parse_time("2026-12-02 06:30", start), Ok(30.5));
        assert_eq!(parse_time("2026-12-02T06:30:00", start), Ok(30.5));
        assert_eq!(parse_time("2026-12-03", start), Ok(48.0));
        assert!(parse_time("2026-12-02 06:30", None).is_err());
        assert!(parse_time("2026-11-30 23:00", start).is_err());
        assert!(parse_time("-1", None).is_err());
        // Not before the start: not a time at all.
        for text in ["NaN", "inf", &"1".repeat(400)] {
            let (message, _) = parse_time(text, None).expect_err(text);
            assert!(message.contains("is not an arrival time"), "{message}");
        }
        assert!(parse_time("soon", start).is_err());
    }

    #[test]
    fn a_record_is_replayed_in_time_order_with_its_attributes() {
        let text = "time,acuity\n2.0,high\n0.5,\n2.0,low\n";
        let record = read(text, &acuity(), None).unwrap();
        assert_eq!(record.times, vec![0.5, 2.0, 2.0]);
        assert_eq!(record.values, vec![DRAWN, 1, 0]);
        assert_eq!(record.attributes, vec![AttributeId(0)]);
    }

    #[test]
    fn a_bad_cell_is_placed_at_its_line_and_column() {
        let text = "time,acuity\n1.0,low\n2.0,medium\n";
        let problems = read(text, &acuity(), None).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line_column(text), (3, 5));
    }

    #[test]
    fn the_equivalent_rate_spreads_the_record_over_the_run() {
        let rate = equivalent_hourly_rate(&[0.5, 1.5, 1.7, 500.0], 0.0, 336.0);
        assert_eq!(rate[0], 0.5);
        assert_eq!(rate[1], 1.0);
        assert_eq!(rate.iter().sum::<f64>(), 1.5);
    }
}
