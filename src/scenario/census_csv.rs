//! The initial census read from a CSV file: `[[initial]] file = "census.csv"`.
//!
//! Each data row is one census group, loaded exactly as the same group typed as an
//! `[[initial]]` table (same keys, same rules: queue order by time waited, remaining time
//! at a delay drawn from its residual life; see `model::engine::census`). The rows replace
//! the `file` entry in place, so a census file and the same groups typed by hand, in the
//! same order, give the same run.
//!
//! Columns, by header name (any order):
//!
//! | column          | meaning                                                        |
//! |-----------------|----------------------------------------------------------------|
//! | `pathway`       | pathway the patient is in (required)                           |
//! | `step`          | step the patient is at (required)                              |
//! | `count`         | patients in the row (default 1)                                |
//! | `elapsed`       | time already spent in the pathway, e.g. `3 d` (default 0)      |
//! | `at_step`       | time already spent at the step (default: all of `elapsed`)     |
//! | `pathway_since` | instead of `elapsed`: when the patient entered the pathway     |
//! | `step_since`    | instead of `at_step`: when the patient reached the step        |
//! | `holding`       | resources held, separated by `;`                               |
//! | `blocked`       | `yes` if the held units are already blocked (default no)       |
//! | an attribute    | the attribute's value (default: drawn as for an arrival)       |
//!
//! A `*_since` time (`2026-11-28 14:00`, `2026-11-28T14:00`, `28/11/2026 14:00` or a date
//! for midnight) needs a run on real dates (`[run] start`), and may not be after it. Lines
//! starting with `#` are comments. Every mistake is reported with the file, line and column
//! of the cell, and a `help:` line.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use jiff::civil::{Date, DateTime};
use toml::Spanned;

use super::census_capacity::{CensusFiles, CensusText, Origin};
use super::compile::Names;
use super::csv_place::{self, CsvKind, Opened};
use super::diagnostics::{Problem, Problems, render};
use super::file::{InitialFile, ScenarioFile};
use super::requests::ResourceChoiceFile;
use super::units::{DurationText, TimeUnit};
use super::{ScenarioError, input};

/// Most data rows the census files of a scenario may have together (a row may stand for
/// many patients via `count`).
pub const MAX_CENSUS_ROWS: usize = 100_000;

/// Most patients one row may stand for.
const MAX_ROW_COUNT: i64 = 1_000_000;

/// The columns a census file may have besides attribute names.
const COLUMNS: [&str; 9] = [
    "pathway",
    "step",
    "count",
    "elapsed",
    "at_step",
    "pathway_since",
    "step_since",
    "holding",
    "blocked",
];

/// Replaces every `[[initial]]` entry that gives only a `file` by the groups of that CSV
/// file, read relative to `base` (the folder of the scenario file). An entry that mixes
/// `file` with other keys is left for `compile` to refuse. Returns the census files read,
/// where each group came from, and the entries as written (put back with
/// [`Expanded::restore`] once compiled, so that the scenario saved with a run names the
/// census file instead of listing its rows). The rows of all census files together are at
/// most [`MAX_CENSUS_ROWS`].
///
/// # Errors
/// [`ExpandError::Scenario`] with a problem at the `file` value if a census file cannot be
/// read; [`ExpandError::Census`] holding [`ScenarioError::Invalid`] with the problems placed
/// in the CSV file (rendered with its path, line and column) if it has mistakes.
pub fn expand(file: &mut ScenarioFile, base: &Path) -> Result<Expanded, ExpandError> {
    if !file.initial.iter().any(|g| only_file(g.get_ref())) {
        return Ok(Expanded::default());
    }
    let start = file
        .run
        .start
        .as_ref()
        .and_then(|s| s.get_ref().parse::<Date>().ok());
    let written = std::mem::take(&mut file.initial);
    let mut expanded = Vec::with_capacity(written.len());
    let mut census = CensusFiles::default();
    let mut rows = 0usize;
    for entry in &written {
        let Some(path) = entry
            .get_ref()
            .file
            .as_ref()
            .filter(|_| only_file(entry.get_ref()))
        else {
            expanded.push(entry.clone());
            census.origins.push(Origin::Typed);
            continue;
        };
        let written = path.get_ref().clone();
        let full = base.join(&written);
        let text = input::read_text(&full, "census file").map_err(|error| {
            ExpandError::Scenario(vec![
                Problem::new(
                    path.span(),
                    format!(
                        "`file` names the census file {}, which cannot be read: {}",
                        full.display(),
                        error.problem
                    ),
                )
                .help(input::help_for_named_file(&error, base)),
            ])
        })?;
        let at = path.span();
        let label = full.display().to_string();
        // At most a group per line: sized once rather than doubled as rows come.
        expanded.reserve(text.bytes().filter(|&b| b == b'\n').count() + 1);
        let index = u32::try_from(census.files.len()).unwrap_or(u32::MAX);
        let reading = Reading {
            scenario: file,
            start,
            toml_span: &at,
            file: index,
            rows_before: rows,
        };
        let ((holding_column, step_column), read_rows) = reading
            .read(&text, &mut expanded, &mut census.origins)
            .map_err(|problems| {
                ExpandError::Census(ScenarioError::Invalid {
                    report: render(&label, &text, &problems),
                    problems,
                })
            })?;
        rows += read_rows;
        census.files.push(CensusText {
            label,
            text,
            holding_column,
            step_column,
        });
    }
    file.initial = expanded;
    Ok(Expanded {
        written: Some(written),
        census,
    })
}

/// The census of a scenario read from its files (see [`expand`]).
#[derive(Debug, Default)]
pub struct Expanded {
    /// The `[[initial]]` entries as written, if any named a file (`None`: nothing was
    /// expanded).
    written: Option<Vec<Spanned<InitialFile>>>,
    /// The census files read, and where each expanded group came from.
    pub census: CensusFiles,
}

impl Expanded {
    /// Puts the `[[initial]]` entries back as written (the census files named, not their
    /// rows), freeing the expanded groups.
    pub fn restore(self, file: &mut ScenarioFile) -> CensusFiles {
        if let Some(written) = self.written {
            file.initial = written;
        }
        self.census
    }
}

/// Why the census files of a scenario could not be loaded.
#[derive(Debug)]
pub enum ExpandError {
    /// Problems placed in the scenario file (a census file that cannot be read).
    Scenario(Vec<Problem>),
    /// Mistakes in a census file, reported against it.
    Census(ScenarioError),
}

/// Whether an `[[initial]]` entry names a file and nothing else.
fn only_file(group: &InitialFile) -> bool {
    group.file.is_some()
        && group.pathway.is_none()
        && group.step.is_none()
        && group.count.is_none()
        && group.elapsed.is_none()
        && group.at_step.is_none()
        && group.remaining.is_none()
        && group.holding.is_empty()
        && group.blocked.is_empty()
        && group.attributes.is_empty()
}

/// One cell: its text (trimmed) and its byte range in the file.
struct Cell {
    text: String,
    span: Range<usize>,
}

/// The byte ranges of the fields of the line starting at `start` in `text`, split at commas
/// outside double quotes, each trimmed of spaces and its quotes.
fn field_spans(text: &str, start: usize) -> Vec<Range<usize>> {
    let line = &text[start..];
    let end = line.find('\n').map_or(line.len(), |e| e);
    let line = line[..end].trim_end_matches('\r');
    let mut spans = Vec::new();
    let (mut from, mut quoted) = (0usize, false);
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                spans.push(from..i);
                from = i + 1;
            }
            _ => {}
        }
    }
    spans.push(from..line.len());
    spans
        .into_iter()
        .map(|r| {
            let field = &line[r.clone()];
            let lead = field.len() - field.trim_start().len();
            let trimmed = field.trim().trim_matches('"');
            let lead = lead + usize::from(field.trim_start().starts_with('"'));
            start + r.start + lead..start + r.start + lead + trimmed.len()
        })
        .collect()
}

/// The indices of a census file's `holding` and `step` columns (each if it has one).
type Columns = (Option<usize>, Option<usize>);

/// What reading one census file needs to know.
struct Reading<'a> {
    /// The scenario (attributes, pathways, resources by name).
    scenario: &'a ScenarioFile,
    /// The run's start date, for since-times.
    start: Option<Date>,
    /// The `file` value in the scenario file, the span every group is given.
    toml_span: &'a Range<usize>,
    /// Index of this file among the census files.
    file: u32,
    /// Census rows in the files read before this one.
    rows_before: usize,
}

impl Reading<'_> {
    /// Reads the census text, appending its groups to `groups` and their places to `origins`;
    /// returns the indices of its `holding` and `step` columns and its number of rows, or
    /// every problem placed in `text`.
    fn read(
        &self,
        text: &str,
        groups: &mut Vec<Spanned<InitialFile>>,
        origins: &mut Vec<Origin>,
    ) -> Result<(Columns, usize), Vec<Problem>> {
        let (scenario, start, toml_span) = (self.scenario, self.start, self.toml_span);
        let mut problems = Problems::default();
        let Opened {
        mut reader,
        headers,
        header_start,
    } = csv_place::open(
        text,
        CsvKind {
            what: "census file",
            empty_help: "the first line names the columns, e.g. pathway,step,count,elapsed,at_step,holding; then a row per group of patients",
            comments: true,
            ragged: true,
        },
    )
    .map_err(|problem| vec![problem])?;
        let header_spans = field_spans(text, header_start.min(text.len()));
        let header_span = |i: usize| header_spans.get(i).cloned().unwrap_or(0..0);
        let attributes: Vec<&String> = scenario.attributes.keys().collect();
        let mut column: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, name) in headers.iter().enumerate() {
            let known =
                COLUMNS.contains(&name.as_str()) || attributes.iter().any(|a| a.as_str() == name);
            if !known {
                let mut allowed: Vec<&str> = COLUMNS.to_vec();
                allowed.extend(attributes.iter().map(|a| a.as_str()));
                problems.add(
                    header_span(i),
                    format!("`{name}` is not a census column or an attribute of the scenario"),
                    &format!("columns: {}", allowed.join(", ")),
                );
            } else if column.insert(name.as_str(), i).is_some() {
                problems.add(
                    header_span(i),
                    format!("column `{name}` appears twice"),
                    "keep one column of each name",
                );
            }
        }
        for required in ["pathway", "step"] {
            if !column.contains_key(required) {
                problems.add(
                header_span(0),
                format!("the census file has no `{required}` column"),
                "the first line names the columns, e.g. pathway,step,count,elapsed,at_step,holding",
            );
            }
        }
        for (one, other) in [("elapsed", "pathway_since"), ("at_step", "step_since")] {
            if let (Some(_), Some(&i)) = (column.get(one), column.get(other)) {
                problems.add(
                    header_span(i),
                    format!("columns `{one}` and `{other}` say the same thing twice"),
                    &format!("keep `{one}` (a duration) or `{other}` (a date and time), not both"),
                );
            }
        }
        if !problems.0.is_empty() {
            return Err(problems.0);
        }
        let mut record = csv::StringRecord::new();
        let mut rows = 0usize;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {}
                Err(error) => {
                    problems
                        .0
                        .push(csv_place::csv_problem(text, &error, "census file"));
                    break;
                }
            }
            rows += 1;
            let row_start = record.position().map_or(0, |p| p.byte() as usize);
            if self.rows_before + rows > MAX_CENSUS_ROWS {
                let message = if self.rows_before == 0 {
                    format!("the census file has more than {MAX_CENSUS_ROWS} rows")
                } else {
                    format!(
                        "the census files have more than {MAX_CENSUS_ROWS} rows in all by this one ({} in the files before this one)",
                        self.rows_before
                    )
                };
                problems.add(
                row_start..row_start,
                message,
                "give patients alike one row with a `count` (the limit is on the rows of all census files together)",
            );
                break;
            }
            let spans = field_spans(text, row_start.min(text.len()));
            if record.len() != headers.len() {
                problems.add(
                    spans.last().cloned().unwrap_or(row_start..row_start),
                    format!(
                        "this row has {} cells but the first line names {} columns",
                        record.len(),
                        headers.len()
                    ),
                    "give every row one cell per column (an empty cell is allowed: two commas)",
                );
                continue;
            }
            let cell = |name: &str| -> Option<Cell> {
                column.get(name).map(|&i| Cell {
                    text: record.get(i).map_or("", str::trim).to_string(),
                    span: spans.get(i).cloned().unwrap_or(row_start..row_start),
                })
            };
            if let Some(group) = read_row(&mut problems, scenario, start, toml_span, &cell, &column)
                && problems.0.is_empty()
            {
                groups.push(Spanned::new(toml_span.clone(), group));
                origins.push(Origin::Row {
                    file: self.file,
                    row_start: u32::try_from(row_start).unwrap_or(u32::MAX),
                });
            }
        }
        if rows == 0 && problems.0.is_empty() {
            problems.add(
                header_span(0),
                "the census file names its columns but lists no patients",
                "add a row per group of patients, or remove the `[[initial]]` entry",
            );
        }
        if problems.0.is_empty() {
            Ok((
                (column.get("holding").copied(), column.get("step").copied()),
                rows,
            ))
        } else {
            Err(problems.0)
        }
    }
}

/// One row as a census group, or `None` (with its problems recorded).
fn read_row(
    problems: &mut Problems,
    scenario: &ScenarioFile,
    start: Option<Date>,
    toml_span: &Range<usize>,
    cell: &dyn Fn(&str) -> Option<Cell>,
    column: &BTreeMap<&str, usize>,
) -> Option<InitialFile> {
    let before = problems.0.len();
    let spanned = |c: &Cell| Spanned::new(c.span.clone(), c.text.to_string());
    let at_toml = |value: String| Spanned::new(toml_span.clone(), value);

    let pathway_cell = cell("pathway")?;
    let pathway_names: Vec<String> = scenario.pathways.keys().cloned().collect();
    let pathway = Names::resolve(problems, &pathway_names, &spanned(&pathway_cell), "pathway")
        .map(|i| pathway_names[i].clone());
    let step_cell = cell("step")?;
    let step_file = pathway.as_ref().and_then(|p| {
        let steps = &scenario.pathways[p].get_ref().steps;
        let names: Vec<String> = steps
            .get_ref()
            .iter()
            .map(|s| s.get_ref().name.get_ref().clone())
            .collect();
        let what = format!("step in pathway `{p}`");
        Names::resolve(problems, &names, &spanned(&step_cell), &what)
            .map(|i| steps.get_ref()[i].get_ref())
    });

    let count = match cell("count").filter(|c| !c.text.is_empty()) {
        None => 1,
        Some(c) => match c.text.parse::<i64>() {
            Ok(n) if (1..=MAX_ROW_COUNT).contains(&n) => n,
            _ => {
                problems.add(
                    c.span.clone(),
                    format!(
                        "`count` must be a whole number from 1 to {MAX_ROW_COUNT}, found \"{}\"",
                        c.text
                    ),
                    "how many patients this row stands for; leave it empty for one",
                );
                1
            }
        },
    };

    let elapsed = time_spent(
        problems,
        start,
        cell("elapsed"),
        cell("pathway_since"),
        "elapsed",
    );
    let at_step = time_spent(
        problems,
        start,
        cell("at_step"),
        cell("step_since"),
        "at_step",
    );
    if let (Some(e), Some(a)) = (elapsed, at_step)
        && a.to_sim().hours() > e.to_sim().hours()
    {
        let c = cell("at_step")
            .filter(|c| !c.text.is_empty())
            .or_else(|| cell("step_since"));
        if let Some(c) = c {
            problems.add(
                c.span.clone(),
                format!(
                    "the time at the step ({:.1} h) is longer than the time in the pathway ({:.1} h)",
                    a.to_sim().hours(),
                    e.to_sim().hours()
                ),
                "the time at the step is part of the time in the pathway: check both cells",
            );
        }
    }

    let mut holding: Vec<Spanned<String>> = Vec::new();
    if let Some(c) = cell("holding") {
        let resources: Vec<String> = scenario.resources.keys().cloned().collect();
        let mut offset = 0;
        for part in c.text.split(';') {
            let name = part.trim();
            let lead = part.len() - part.trim_start().len();
            let from = c.span.start + offset + lead;
            offset += part.len() + 1;
            if name.is_empty() {
                continue;
            }
            let written = Spanned::new(from..from + name.len(), name.to_string());
            if Names::resolve(problems, &resources, &written, "resource").is_none() {
                continue;
            }
            if holding.iter().any(|h| h.get_ref() == name) {
                problems.add(
                    written.span(),
                    format!("`{name}` is listed twice in `holding`"),
                    "a patient holds at most one unit of each resource",
                );
                continue;
            }
            holding.push(written);
        }
        if let Some(step) = step_file {
            let waits_for = step
                .seize
                .as_ref()
                .or(step.activity.as_ref())
                .and_then(|w| w.get_ref().resource.as_ref())
                .and_then(|r| match r.get_ref() {
                    ResourceChoiceFile::Named(name) => Some(name.clone()),
                    ResourceChoiceFile::AnyOf(_) => None,
                });
            if let Some(resource) = waits_for.filter(|r| holding.iter().any(|h| h.get_ref() == r)) {
                problems.add(
                    step_cell.span.clone(),
                    format!(
                        "this row holds `{resource}`, which step `{}` waits for",
                        step_cell.text
                    ),
                    "name the step after they got it (e.g. the one after the `seize`), or drop it from `holding`",
                );
            }
        }
    }

    let blocked = match cell("blocked") {
        None => false,
        Some(c) => match c.text.to_ascii_lowercase().as_str() {
            "" | "no" | "false" | "0" | "n" => false,
            "yes" | "true" | "1" | "y" => {
                if holding.is_empty() {
                    problems.add(
                        c.span.clone(),
                        "`blocked` is yes but the row holds nothing",
                        "a unit can only be blocked while it is held: name it in `holding`",
                    );
                }
                true
            }
            other => {
                problems.add(
                    c.span.clone(),
                    format!("`blocked` must be yes or no, found \"{other}\""),
                    "yes if the held units are already blocked (e.g. a bed of a patient ready to leave), else no or empty",
                );
                false
            }
        },
    };

    let mut attributes = BTreeMap::new();
    for (name, attribute) in &scenario.attributes {
        let Some(c) = column.get(name.as_str()).and(cell(name)) else {
            continue;
        };
        if c.text.is_empty() {
            continue;
        }
        let values: Vec<String> = attribute
            .get_ref()
            .values
            .get_ref()
            .iter()
            .map(|v| v.get_ref().clone())
            .collect();
        let what = format!("value of attribute `{name}`");
        if Names::resolve(problems, &values, &spanned(&c), &what).is_some() {
            attributes.insert(name.clone(), at_toml(c.text.to_string()));
        }
    }

    if problems.0.len() > before {
        return None;
    }
    let blocked_list = if blocked { holding.clone() } else { Vec::new() };
    let at = |text: Spanned<String>| at_toml(text.into_inner());
    Some(InitialFile {
        file: None,
        pathway: pathway.map(at_toml),
        step: Some(at(spanned(&step_cell))),
        count: Some(Spanned::new(toml_span.clone(), count)),
        elapsed: elapsed.map(|e| Spanned::new(toml_span.clone(), e)),
        at_step: at_step.map(|a| Spanned::new(toml_span.clone(), a)),
        remaining: None,
        holding: holding.into_iter().map(at).collect(),
        blocked: blocked_list.into_iter().map(at).collect(),
        attributes,
    })
}

/// A time already spent: the duration cell `spent`, or the time from the `since` cell to
/// the run's start; `None` if both are empty (or wrong, with a problem recorded).
fn time_spent(
    problems: &mut Problems,
    start: Option<Date>,
    spent: Option<Cell>,
    since: Option<Cell>,
    key: &str,
) -> Option<DurationText> {
    if let Some(c) = spent.filter(|c| !c.text.is_empty()) {
        return match DurationText::parse(&c.text) {
            Ok(d) if d.amount >= 0.0 && d.to_sim().days() <= 36_500.0 => Some(d),
            Ok(d) if d.amount < 0.0 => {
                problems.add(
                    c.span.clone(),
                    format!(
                        "`{key}` cannot be negative, found \"{}\": it is time already spent before the run starts",
                        c.text
                    ),
                    &format!("write how long the patients have already been there, e.g. 3 d or 16 h (0 min for just arrived); leave `{key}` empty for no time"),
                );
                None
            }
            Ok(_) => {
                problems.add(
                    c.span.clone(),
                    format!(
                        "`{key}` must be from zero to a hundred years, found \"{}\"",
                        c.text
                    ),
                    "the time already spent, e.g. 3 d or 16 h",
                );
                None
            }
            Err(message) => {
                let (what, help) = message.split_once("; ").unwrap_or((&message, ""));
                problems.add(c.span.clone(), format!("`{key}`: {what}"), help);
                None
            }
        };
    }
    let c = since.filter(|c| !c.text.is_empty())?;
    let when = crate::fit::parse_timestamp(&c.text).or_else(|| {
        c.text
            .parse::<Date>()
            .ok()
            .map(|d| d.to_datetime(jiff::civil::Time::midnight()))
    });
    let Some(when) = when else {
        problems.add(
            c.span.clone(),
            format!("\"{}\" is not a date and time", c.text),
            "write it as 2026-11-28 14:00 (or 28/11/2026 14:00, or a date for midnight)",
        );
        return None;
    };
    let Some(start) = start else {
        problems.add(
            c.span.clone(),
            "a since-time needs a run on real dates, and this run has no `[run] start`",
            "add start = \"YYYY-MM-DD\" to [run], or give the time spent as a duration (elapsed, at_step)",
        );
        return None;
    };
    let zero: DateTime = start.to_datetime(jiff::civil::Time::midnight());
    let hours = match zero.duration_since(when).as_secs_f64() / 3600.0 {
        h if h >= 0.0 => h,
        _ => {
            problems.add(
                c.span.clone(),
                format!("{} is after the start of the run ({zero})", c.text),
                "a census lists who is in the system at the start: since-times are at or before it",
            );
            return None;
        }
    };
    if hours > 36_500.0 * 24.0 {
        problems.add(
            c.span.clone(),
            format!(
                "{} is more than a hundred years before the start of the run",
                c.text
            ),
            "check the year",
        );
        return None;
    }
    Some(DurationText {
        amount: hours,
        unit: TimeUnit::Hours,
    })
}
