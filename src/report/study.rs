//! `report.html` of a study (`sweep`, `warmup`): one self-contained page, printed like the
//! run's report (same style sheet, A4 pages), saying what was varied or followed, the
//! figures at each point with their intervals, the chosen point or warm-up and why, and
//! the study's chart.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::render::Rendered;

/// A study's report, as text and one table.
#[derive(Debug, Clone)]
pub struct StudyReport<'a> {
    /// The page's title.
    pub title: String,
    /// What the study did: what was varied (or followed), over how many replications.
    pub what: Vec<String>,
    /// The choice the study supports (the chosen point or warm-up) and why.
    pub chosen: Vec<String>,
    /// Column headings of the table of points.
    pub header: Vec<String>,
    /// One row per point (or series); the first column is text, the rest numbers.
    pub rows: Vec<Vec<String>>,
    /// Notes under the table (unstable points, limits of the method).
    pub notes: Vec<String>,
    /// The study's chart, if drawn.
    pub chart: Option<&'a Rendered>,
    /// The command that reproduces it.
    pub command: &'a str,
}

/// The table of points has a column per figure, so it shares the page width out evenly and
/// lets a value and its interval wrap rather than run past the edge of an A4 page.
const STUDY_STYLE: &str = "
table.study { width: 100%; table-layout: fixed; font-size: 8pt; }
table.study th, table.study td { overflow-wrap: anywhere; }
table.study td.number { white-space: normal; }
";

/// The report as one HTML document.
pub fn study_html(report: &StudyReport<'_>) -> String {
    let page: Markup = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (report.title) }
                style { (PreEscaped(super::html::style_sheet())) (PreEscaped(STUDY_STYLE)) }
            }
            body {
                h1 { (report.title) }
                h2 { "What was studied" }
                @for line in &report.what { p { (line) } }
                h2 { "Result" }
                @for line in &report.chosen { p.lead { (line) } }
                table.study {
                    thead { tr {
                        @for (i, heading) in report.header.iter().enumerate() {
                            @if i == 0 { th { (heading) } } @else { th.number { (heading) } }
                        }
                    } }
                    tbody {
                        @for row in &report.rows {
                            tr {
                                @for (i, cell) in row.iter().enumerate() {
                                    @if i == 0 { td { (cell) } } @else { td.number { (cell) } }
                                }
                            }
                        }
                    }
                }
                @for note in &report.notes { p.small { (note) } }
                @if let Some(chart) = report.chart {
                    h2 { "Chart" }
                    figure {
                        (PreEscaped(super::html::inline_svg(&chart.svg, &chart.alt)))
                        figcaption { (chart.title) " (charts/" (chart.stem) ".png, .svg)" }
                    }
                }
                h2 { "Reproduce" }
                p { code { (report.command) } }
                p.small { "carepath " (env!("CARGO_PKG_VERSION")) }
            }
        }
    };
    page.into_string()
}
