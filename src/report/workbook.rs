//! `results.xlsx`: the run's tables as an Excel workbook (written with `rust_xlsxwriter`),
//! for analysts who work in Excel, LibreOffice or pandas.
//!
//! A workbook is a list of [`Sheet`]s, each a plain table: a header row and rows of
//! [`Cell`]s, every number carrying its [`NumberFormat`] (pounds, per cent, days, hours,
//! counts). Every sheet has its header frozen and columns as wide as their longest text
//! (within bounds). Adding a sheet is building one more table: see [`key_figures_sheet`]
//! and the others.
//!
//! The bytes depend on the tables alone: the document's creation date is fixed (1 January
//! 2000), so the same results give the same file (a merge of shards gives the file one run
//! would have written).

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, FormatAlign, Workbook};

use crate::experiment::MetricSummary;
use crate::experiment::compare::ComparisonRow;
use crate::model::scenario::Scenario;

/// How a number is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberFormat {
    /// As it is, up to 3 decimals (`#,##0.###`).
    General,
    /// A whole count (`#,##0`).
    Count,
    /// Pounds sterling (`£#,##0`).
    Gbp,
    /// A fraction shown as a percentage (`0.0%`).
    Percent,
    /// Days (`#,##0.0 "d"`).
    Days,
    /// Hours (`#,##0.0 "h"`).
    Hours,
}

impl NumberFormat {
    /// The format for values of a metric unit as written in `summary.csv` (`GBP`,
    /// `fraction`, `d`, `h`, `patients`, ...).
    pub fn of_unit(unit: &str) -> Self {
        match unit {
            "GBP" => NumberFormat::Gbp,
            "fraction" => NumberFormat::Percent,
            "d" => NumberFormat::Days,
            "h" => NumberFormat::Hours,
            _ => NumberFormat::General,
        }
    }

    /// The Excel number format code.
    fn code(self) -> &'static str {
        match self {
            NumberFormat::General => "#,##0.###",
            NumberFormat::Count => "#,##0",
            NumberFormat::Gbp => "£#,##0",
            NumberFormat::Percent => "0.0%",
            NumberFormat::Days => "#,##0.0 \"d\"",
            NumberFormat::Hours => "#,##0.0 \"h\"",
        }
    }

    /// About how many characters a value takes in this format, for column widths.
    fn width(self, value: f64) -> usize {
        let digits = format!("{:.0}", value.abs()).len();
        let groups = digits.saturating_sub(1) / 3;
        digits + groups + 5
    }
}

/// One cell of a sheet.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number in a format; NaN (no value) is written as an empty cell.
    Number(f64, NumberFormat),
    /// Nothing.
    Empty,
}

impl Cell {
    /// A text cell.
    pub fn text(text: impl Into<String>) -> Self {
        Cell::Text(text.into())
    }
}

/// One sheet: a name (at most 31 characters, as Excel allows), a header row and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The sheet's tab name.
    pub name: String,
    /// Column headings.
    pub header: Vec<String>,
    /// The rows, each as long as the header or shorter.
    pub rows: Vec<Vec<Cell>>,
}

/// Narrowest and widest column [characters].
const WIDTH_RANGE: (usize, usize) = (8, 60);

/// The workbook of `sheets` as `.xlsx` bytes.
///
/// # Errors
/// The writer's message (a sheet name Excel refuses, say: an internal fault).
pub fn workbook_bytes(sheets: &[Sheet]) -> Result<Vec<u8>, String> {
    let mut workbook = Workbook::new();
    let created = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| e.to_string())?;
    workbook.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_author("carepath"),
    );
    let header_format = Format::new()
        .set_bold()
        .set_background_color(0xEEF4F9)
        .set_align(FormatAlign::Top)
        .set_text_wrap();
    let formats: Vec<(NumberFormat, Format)> = [
        NumberFormat::General,
        NumberFormat::Count,
        NumberFormat::Gbp,
        NumberFormat::Percent,
        NumberFormat::Days,
        NumberFormat::Hours,
    ]
    .into_iter()
    .map(|f| (f, Format::new().set_num_format(f.code())))
    .collect();
    let fail = |e: rust_xlsxwriter::XlsxError| e.to_string();
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(&sheet.name).map_err(fail)?;
        let mut widths: Vec<usize> = sheet
            .header
            .iter()
            .map(|h| h.split_whitespace().map(str::len).max().unwrap_or(0) + 2)
            .collect();
        for (c, heading) in sheet.header.iter().enumerate() {
            worksheet
                .write_string_with_format(0, c as u16, heading, &header_format)
                .map_err(fail)?;
        }
        // Excel holds 1,048,576 rows: a longer sheet (a census of a million groups) keeps
        // its first rows and says so in the last.
        let kept = sheet.rows.len().min(MAX_ROWS - 2);
        if kept < sheet.rows.len() {
            let note = format!(
                "{} more rows not shown: Excel holds {MAX_ROWS} rows (the CSV outputs hold them all)",
                sheet.rows.len() - kept
            );
            worksheet
                .write_string(kept as u32 + 1, 0, &note)
                .map_err(fail)?;
        }
        for (r, row) in sheet.rows.iter().take(kept).enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                if c >= widths.len() {
                    widths.push(0);
                }
                let width = match cell {
                    Cell::Text(text) => {
                        let text = clipped(text);
                        worksheet
                            .write_string(r, c as u16, text.as_ref())
                            .map_err(fail)?;
                        text.chars().count() + 1
                    }
                    Cell::Number(value, format) if value.is_finite() => {
                        let excel = formats
                            .iter()
                            .find(|(f, _)| f == format)
                            .map(|(_, x)| x)
                            .unwrap_or(&formats[0].1);
                        worksheet
                            .write_number_with_format(r, c as u16, *value, excel)
                            .map_err(fail)?;
                        format.width(*value)
                    }
                    Cell::Number(..) | Cell::Empty => 0,
                };
                widths[c] = widths[c].max(width);
            }
        }
        for (c, width) in widths.iter().enumerate() {
            let width = (*width).clamp(WIDTH_RANGE.0, WIDTH_RANGE.1);
            worksheet
                .set_column_width(c as u16, width as f64)
                .map_err(fail)?;
        }
        worksheet.set_freeze_panes(1, 0).map_err(fail)?;
    }
    workbook.save_to_buffer().map_err(fail)
}

/// The key figures of each design: its label, the metric, the mean and its 95% interval,
/// each in the figure's own format. `designs` pairs each design's scenario with its
/// summary, base first.
pub fn key_figures_sheet(designs: &[(&Scenario, &[MetricSummary])]) -> Sheet {
    let several = designs.len() > 1;
    let mut header: Vec<String> = Vec::new();
    if several {
        header.push("Design".into());
    }
    header.extend(
        [
            "Key figure",
            "Metric",
            "Unit",
            "Mean",
            "95% CI low",
            "95% CI high",
            "Replications",
        ]
        .map(String::from),
    );
    let mut rows = Vec::new();
    for (scenario, summary) in designs {
        let figures = super::headline::headlines(
            scenario,
            summary.iter().map(|m| (m.metric.as_str(), m.mean)),
        );
        for figure in figures {
            let Some(m) = summary.iter().find(|m| m.metric == figure.metric) else {
                continue;
            };
            let format = NumberFormat::of_unit(m.unit);
            let mut row = Vec::new();
            if several {
                row.push(Cell::text(scenario.title()));
            }
            row.extend([
                Cell::text(figure.plain_label()),
                Cell::text(&m.metric),
                Cell::text(m.unit),
                Cell::Number(m.mean, format),
                Cell::Number(m.ci95_low, format),
                Cell::Number(m.ci95_high, format),
                Cell::Number(m.replications as f64, NumberFormat::Count),
            ]);
            rows.push(row);
        }
    }
    Sheet {
        name: "Key figures".into(),
        header,
        rows,
    }
}

/// Every figure of one design, as in `summary.csv`, with number formats.
pub fn all_figures_sheet(name: &str, summary: &[MetricSummary]) -> Sheet {
    let rows = summary
        .iter()
        .map(|m| {
            let format = NumberFormat::of_unit(m.unit);
            vec![
                Cell::text(&m.metric),
                Cell::text(m.unit),
                Cell::Number(m.mean, format),
                Cell::Number(m.sd, format),
                Cell::Number(m.ci95_low, format),
                Cell::Number(m.ci95_high, format),
                Cell::Number(m.replications as f64, NumberFormat::Count),
            ]
        })
        .collect();
    Sheet {
        name: sheet_name(name),
        header: [
            "Metric",
            "Unit",
            "Mean",
            "SD",
            "95% CI low",
            "95% CI high",
            "Replications",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

/// The comparison, as in `comparison.csv`: every figure of every design with the paired
/// difference from the base, its interval and the verdict.
pub fn comparison_sheet(rows: &[ComparisonRow]) -> Sheet {
    let rows = rows
        .iter()
        .map(|r| {
            let format = NumberFormat::of_unit(r.unit);
            vec![
                Cell::text(&r.scenario),
                Cell::text(&r.metric),
                Cell::text(r.unit),
                Cell::Number(r.mean, format),
                Cell::Number(r.ci95_low, format),
                Cell::Number(r.ci95_high, format),
                Cell::Number(r.diff_vs_base, format),
                Cell::Number(r.diff_ci95_low, format),
                Cell::Number(r.diff_ci95_high, format),
                Cell::text(r.verdict),
                Cell::Number(r.paired as f64, NumberFormat::Count),
            ]
        })
        .collect();
    Sheet {
        name: "Comparison".into(),
        header: [
            "Design",
            "Metric",
            "Unit",
            "Mean",
            "95% CI low",
            "95% CI high",
            "Difference from base",
            "Difference 95% CI low",
            "Difference 95% CI high",
            "Verdict",
            "Paired replications",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }
}

/// The assumptions: every setting of the resolved scenario (as in `scenario.toml`), one row
/// per key, by its dotted path. `resolved` is that TOML text; a text that does not parse
/// gives no rows.
pub fn assumptions_sheet(name: &str, resolved: &str) -> Sheet {
    let mut rows = Vec::new();
    if let Ok(table) = resolved.parse::<toml::Table>() {
        flatten(&mut rows, String::new(), &toml::Value::Table(table));
    }
    Sheet {
        name: sheet_name(name),
        header: vec!["Setting".into(), "Value".into()],
        rows: rows
            .into_iter()
            .map(|(key, value)| vec![Cell::Text(key), Cell::Text(value)])
            .collect(),
    }
}

/// Appends `value`'s leaves under `path` as (dotted path, value as TOML).
fn flatten(rows: &mut Vec<(String, String)>, path: String, value: &toml::Value) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_string()
        } else {
            format!("{path}.{key}")
        }
    };
    match value {
        toml::Value::Table(table) => {
            for (key, value) in table {
                flatten(rows, join(key), value);
            }
        }
        toml::Value::Array(items) if items.iter().all(toml::Value::is_table) => {
            for (i, item) in items.iter().enumerate() {
                // Steps and roster lines by their name where they have one.
                let key = item
                    .get("name")
                    .and_then(toml::Value::as_str)
                    .map_or_else(|| i.to_string(), str::to_string);
                flatten(rows, join(&key), item);
            }
        }
        toml::Value::String(text) => rows.push((path, text.clone())),
        other => rows.push((path, other.to_string())),
    }
}

/// `name` as an Excel sheet name: at most 31 characters, without `[]:*?/\`.
pub fn sheet_name(name: &str) -> String {
    name.chars()
        .map(|c| if "[]:*?/\\".contains(c) { '-' } else { c })
        .take(31)
        .collect()
}

/// The sheets of one run: key figures, all figures, assumptions (`resolved` is the
/// resolved scenario as written to `scenario.toml`).
///
/// With `daily` (the run's daily series, see `daily.csv`) and at least one replication, a
/// "Daily series" sheet comes before the assumptions.
pub fn run_sheets(
    scenario: &Scenario,
    summary: &[MetricSummary],
    resolved: &str,
    daily: Option<&crate::experiment::daily::DailySums>,
) -> Vec<Sheet> {
    let mut sheets = vec![
        key_figures_sheet(&[(scenario, summary)]),
        all_figures_sheet("All figures", summary),
    ];
    sheets.extend(daily.and_then(|d| daily_sheet("Daily series", scenario, d)));
    sheets.push(assumptions_sheet("Assumptions", resolved));
    sheets
}

/// The daily series as in `daily.csv` (day or date, series, statistic, then the mean and
/// the 5th to 95th percentiles across replications), or `None` before any replication.
pub fn daily_sheet(
    name: &str,
    scenario: &Scenario,
    daily: &crate::experiment::daily::DailySums,
) -> Option<Sheet> {
    if daily.replications == 0 {
        return None;
    }
    let header = crate::experiment::daily::DAILY_COLUMNS
        .iter()
        .map(ToString::to_string)
        .collect();
    let rows = daily
        .rows()
        .map(|row| {
            let mut cells = vec![
                Cell::text(crate::experiment::daily::day_or_date(scenario, row.day)),
                Cell::text(row.series),
                Cell::text(row.statistic),
                Cell::Number(row.mean, NumberFormat::General),
            ];
            cells.extend(
                row.percentiles
                    .iter()
                    .map(|v| Cell::Number(*v, NumberFormat::General)),
            );
            cells
        })
        .collect();
    Some(Sheet {
        name: name.to_string(),
        header,
        rows,
    })
}

/// Writes `sheets` as `results.xlsx` in `folder` (a fresh output set's staging folder).
///
/// # Errors
/// [`crate::experiment::output::OutputError::Io`] if the workbook cannot be built or the
/// file written.
pub fn write_workbook(
    folder: &std::path::Path,
    sheets: &[Sheet],
) -> Result<(), crate::experiment::output::OutputError> {
    let path = folder.join(FILE);
    let bytes = workbook_bytes(&unique_names(sheets)).map_err(|message| {
        crate::experiment::output::OutputError::Io {
            path: path.clone(),
            source: std::io::Error::other(message),
        }
    })?;
    crate::experiment::output::write_atomic(&path, &bytes)
}

/// The workbook's file name in an output folder.
pub const FILE: &str = "results.xlsx";

/// `sheets` with every name made unique (Excel compares names without case): a repeat
/// gets ` (2)`, ` (3)`, ... within the 31 characters.
fn unique_names(sheets: &[Sheet]) -> Vec<Sheet> {
    let mut seen: Vec<String> = Vec::new();
    sheets
        .iter()
        .map(|sheet| {
            let mut name = sheet_name(&sheet.name);
            let mut n = 2;
            while seen.contains(&name.to_lowercase()) {
                let suffix = format!(" ({n})");
                let keep = 31 - suffix.len();
                name = format!(
                    "{}{suffix}",
                    sheet_name(&sheet.name)
                        .chars()
                        .take(keep)
                        .collect::<String>()
                );
                n += 1;
            }
            seen.push(name.to_lowercase());
            Sheet {
                name,
                ..sheet.clone()
            }
        })
        .collect()
}

/// Most characters Excel holds in one cell.
const MAX_CELL_CHARS: usize = 32_767;

/// Most rows Excel holds in one sheet.
const MAX_ROWS: usize = 1_048_576;

/// `text` as one cell can hold it: whole if it fits in [`MAX_CELL_CHARS`], else cut, ending
/// with a note saying how much was left out (a long empirical distribution, a long list of
/// booked times).
fn clipped(text: &str) -> std::borrow::Cow<'_, str> {
    let count = text.chars().count();
    if count <= MAX_CELL_CHARS {
        return std::borrow::Cow::Borrowed(text);
    }
    let note = format!(" … ({} more characters; see scenario.toml)", count);
    let keep = MAX_CELL_CHARS - note.chars().count();
    let mut cut: String = text.chars().take(keep).collect();
    cut.push_str(&note.replace(&count.to_string(), &(count - keep).to_string()));
    std::borrow::Cow::Owned(cut)
}

#[cfg(test)]
mod clip_tests {
    use super::*;

    /// A cell's text is kept whole up to Excel's limit and cut to exactly the limit beyond,
    /// saying how many characters were left out.
    #[test]
    fn long_text_is_cut_to_what_excel_holds() {
        let short = "a".repeat(MAX_CELL_CHARS);
        assert_eq!(clipped(&short), short.as_str());
        let long = "b".repeat(100_000);
        let cut = clipped(&long);
        assert!(
            cut.chars().count() <= MAX_CELL_CHARS,
            "{}",
            cut.chars().count()
        );
        let kept = cut.chars().take_while(|c| *c == 'b').count();
        assert!(cut.ends_with(&format!(
            "({} more characters; see scenario.toml)",
            100_000 - kept
        )));
    }
}
