//! `report.html`: one self-contained page (charts inline as SVG, styles inline, no external
//! file or address) with the key figures first, then the charts, the assumptions as tables,
//! and a methods section in the spirit of the STRESS-DES reporting guideline.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::charts::Design;
use super::format::ColumnFormat;
use super::format::{grouped, plain};
use super::headline::Headline;
use super::render::Rendered;
use super::theme::FONT;
use crate::experiment::compare::{ComparisonRow, Judgement};
use crate::experiment::output::sha256_hex;
use crate::scenario::LoadedScenario;
use crate::scenario::file::{DistributionFile, ScenarioFile};

/// One design as the report sees it: its results and the scenario as loaded.
#[derive(Debug, Clone, Copy)]
pub struct ReportedDesign<'a> {
    /// Results and compiled scenario.
    pub design: Design<'a>,
    /// The scenario as loaded: the resolved file (variants merged, `--set` applied) for the
    /// assumption tables, and every file it was read from for the methods.
    pub loaded: &'a LoadedScenario,
}

/// Everything the report shows but the charts.
#[derive(Debug, Clone, Copy)]
pub struct Report<'a> {
    /// The designs, base first (one for `run`); never empty.
    pub designs: &'a [ReportedDesign<'a>],
    /// Every design against the base (comparisons only).
    pub comparison: Option<&'a [ComparisonRow]>,
    /// Replications per design.
    pub replications: u32,
    /// Seed of every random stream.
    pub seed: u64,
    /// The command that reproduces the outputs.
    pub command: &'a str,
    /// When the run's outputs were written: UTC, RFC 3339 (`2026-11-29T15:22:33Z`), as in
    /// `manifest.json`. The report shows it in `<time>` elements only, so that a comparison
    /// of two reports can leave it out.
    pub run_at: &'a str,
}

/// The report's style sheet; `FONT_FAMILY` stands for [`FONT`], the charts' typeface. Print
/// on A4 with page numbers; on screen, up to 60 rem wide, and on a phone (up to 40 rem) a
/// smaller type whose table cells may break long words, so that nothing runs off the page.
const STYLE: &str = "
@page { size: A4; margin: 14mm 12mm 16mm;
        @bottom-right { content: 'Page ' counter(page) ' of ' counter(pages);
                        font-family: FONT_FAMILY; font-size: 8pt; color: #555; } }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { font-family: FONT_FAMILY; color: #222; max-width: 186mm;
       margin: 0 auto; padding: 8mm 4mm; font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 19pt; margin: 0 0 4pt; }
h2 { font-size: 14pt; margin: 18pt 0 6pt; border-bottom: 1.5pt solid #0072b2; padding-bottom: 2pt; }
h3 { font-size: 11.5pt; margin: 12pt 0 4pt; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; overflow-wrap: break-word; }
p.lead { font-size: 11.5pt; }
p.run { color: #555; font-size: 9.5pt; margin: 0 0 6pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; font-size: 9.5pt; }
th, td { border-bottom: 0.6pt solid #ccc; padding: 3pt 5pt; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
th { background: #eef4f9; }
td.number { text-align: right; white-space: nowrap; }
th.number { text-align: right; }
table.by-design th.figure { background: #fff; border-bottom: 1pt solid #0072b2; padding-top: 6pt; }
table.by-design td { padding-top: 1.5pt; padding-bottom: 1.5pt; }
table.by-design td.design { padding-left: 12pt; }
table.by-design tbody { break-inside: avoid; page-break-inside: avoid; }
.worse { color: #a33b00; font-weight: bold; }
.better { color: #006b4f; font-weight: bold; }
.clear { color: #333; font-weight: bold; }
.noise { color: #666; }
figure { margin: 10pt 0 16pt; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 9pt; color: #555; margin-top: 2pt; }
.small { font-size: 9pt; color: #555; }
code { font-family: 'DejaVu Sans Mono', Consolas, monospace; font-size: 9pt; overflow-wrap: anywhere; }
code.hash { font-size: 7pt; word-break: break-all; }
@media print {
  body { padding: 0; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  figure svg { width: 160mm; max-width: 100%; max-height: 245mm; margin: 0 auto; }
}
@media screen { body { max-width: 60rem; padding: 1.5rem 1rem; } }
@media screen and (max-width: 40rem) {
  body { font-size: 10pt; padding: 0.75rem 0.5rem; }
  h1 { font-size: 15pt; }
  table { font-size: 8.5pt; }
  th, td { padding: 2pt 3pt; overflow-wrap: anywhere; }
  td.number { white-space: normal; }
}
";

/// The style sheet of every carepath report, with the charts' typeface filled in.
pub fn style_sheet() -> String {
    STYLE.replace("FONT_FAMILY", FONT)
}

/// The report, with `charts`, as one HTML document (empty if there is no design).
pub fn report_html(report: &Report<'_>, charts: &[Rendered]) -> String {
    let Some(base) = report.designs.first() else {
        return String::new();
    };
    let scenario = base.design.scenario;
    let figures = base.design.headlines();
    let title = if report.designs.len() > 1 {
        format!("{}: comparison of designs", scenario.title())
    } else {
        format!("{}: simulation results", scenario.title())
    };
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) }
                style { (PreEscaped(STYLE.replace("FONT_FAMILY", FONT))) }
            }
            body {
                h1 { (title) }
                p.run { "Run on " time datetime=(report.run_at) { (readable_time(report.run_at)) } "." }
                @if !scenario.description.is_empty() {
                    p.lead { (scenario.description) }
                }
                p {
                    "Each design was simulated " (report.replications) " times ("
                    "replications) over " (plain(scenario.horizon.days())) " days, after a warm-up of "
                    (plain(scenario.warm_up.days())) " days that is not counted. Figures are means over the replications with "
                    "95% confidence intervals: if the model's assumptions hold, the long-run average lies in the interval "
                    "with 95% confidence. Narrow intervals mean the figure is pinned down; they say nothing about whether the "
                    "assumptions are right, which the tables below set out."
                }
                (super::brief::in_brief(report, &figures))
                @if report.designs.len() > 1 {
                    (super::brief::designs_section(report))
                }
                (key_figures(report, &figures))
                @if let Some(rows) = report.comparison {
                    (differences(report, rows, &figures))
                    (super::cause_changes::changes_section(report, rows))
                }
                @for section in Section::ORDER {
                    (charts_section(section, charts))
                }
                h2 { "Assumptions" }
                @if report.designs.len() > 1 {
                    (differing_settings(report))
                }
                (assumptions(&base.loaded.file, scenario))
                (methods(report))
            }
        }
    };
    page.into_string()
}

/// The sections of the report that hold charts, in the report's order: the headline
/// results, then series over time, then time at each level, then the pathway diagram (the
/// assumptions follow).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Waits, resources, delays and costs: the charts of the key results.
    Results,
    /// Occupancy and queues over calendar time (file stems starting `daily` or
    /// `over_time`).
    OverTime,
    /// Time at each occupancy level (file stems starting `levels`).
    Levels,
    /// The pathway diagram (file stem `pathways`) and each pathway's own (`pathways_NAME`).
    Diagram,
}

impl Section {
    /// The sections in the report's order.
    pub const ORDER: [Section; 4] = [
        Section::Results,
        Section::OverTime,
        Section::Levels,
        Section::Diagram,
    ];

    /// The section a chart belongs in, by its file stem.
    pub fn of(stem: &str) -> Section {
        if super::diagram::is_diagram_stem(stem) {
            Section::Diagram
        } else if stem.starts_with("daily") || stem.starts_with("over_time") {
            Section::OverTime
        } else if stem.starts_with("levels") {
            Section::Levels
        } else {
            Section::Results
        }
    }

    /// The section's heading.
    fn heading(self) -> &'static str {
        match self {
            Section::Results => "Charts",
            Section::OverTime => "Over time",
            Section::Levels => "Time at each level",
            Section::Diagram => "Pathway diagram",
        }
    }
}

/// The charts of `section`, under its heading; nothing if it has none.
fn charts_section(section: Section, charts: &[Rendered]) -> Markup {
    let mine: Vec<&Rendered> = charts
        .iter()
        .filter(|c| Section::of(&c.stem) == section)
        .collect();
    html! {
        @if !mine.is_empty() {
            h2 { (section.heading()) }
            @if section == Section::Diagram {
                p.small {
                    "Each box is a step of a pathway, with its kind (wait, activity, handoff, delay, end; "
                    "branch, release, block and transfer take no time) and the resource or office it uses. "
                    "Each arrow is labelled with the mean number of patients a year who took that route in the "
                    "measured period, and, where a step has several routes out, their share. Also as "
                    "pathways.dot (Graphviz)."
                }
            }
            @for chart in mine {
                figure {
                    (PreEscaped(inline_svg(&chart.svg, &chart.alt)))
                    figcaption { (chart.title) " (charts/" (chart.stem) ".png, .svg)" }
                }
            }
        }
    }
}

/// An SVG document ready to sit inside HTML: without any XML declaration, and announced to
/// screen readers as an image named by `alt` (the chart's own `<title>` stays inside).
pub(super) fn inline_svg(svg: &str, alt: &str) -> String {
    let svg = svg.find("<svg").map_or(svg, |start| &svg[start..]);
    let label = html! { (alt) }.into_string().replace('"', "&quot;");
    match svg.strip_prefix("<svg") {
        Some(rest) => format!("<svg role=\"img\" aria-label=\"{label}\"{rest}"),
        None => svg.to_string(),
    }
}

/// An RFC 3339 UTC time (`2026-11-29T15:22:33Z`) as a reader writes it: `29 November 2026,
/// 15:22 UTC`; anything else as given.
fn readable_time(rfc3339: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let parts = (|| {
        let (date, time) = rfc3339.split_once('T')?;
        let mut date = date.splitn(3, '-');
        let (year, month, day) = (date.next()?, date.next()?, date.next()?);
        let month = MONTHS.get(month.parse::<usize>().ok()?.checked_sub(1)?)?;
        let day: u32 = day.parse().ok()?;
        let clock = time.get(..5)?;
        Some(format!("{day} {month} {year}, {clock} UTC"))
    })();
    parts.unwrap_or_else(|| rfc3339.to_string())
}

/// The headline figures of every design: mean and interval, in plain units. Up to two
/// designs side by side (a column each); with more, one group of rows per figure and a row
/// per design, so that the table never grows wider than the page. A unit's numbers share
/// one format across the table ([`ColumnFormat`]).
fn key_figures(report: &Report<'_>, figures: &[Headline]) -> Markup {
    let formats = unit_formats(
        report
            .designs
            .iter()
            .flat_map(|d| figures.iter().filter_map(|f| d.design.metric(&f.metric)))
            .map(|m| (m.unit, m.mean)),
    );
    let format = |unit: &str| {
        formats
            .iter()
            .find(|(u, _)| *u == unit)
            .map_or_else(|| ColumnFormat::new(unit, []), |(_, f)| f.clone())
    };
    let cell = |m: Option<&crate::experiment::MetricSummary>| match m {
        Some(m) if m.replications == 0 => html! {
            td.number data-metric=(m.metric) data-mean="" { strong { (super::format::NO_PATIENTS) } }
        },
        Some(m) => {
            let f =
                format(m.unit).with_noun(report.designs[0].design.scenario.metric_noun(&m.metric));
            html! {
                td.number data-metric=(m.metric) data-mean=(m.mean.to_string()) {
                    strong { (f.value(m.mean)) }
                    br;
                    span.small { (f.value(m.ci95_low)) " to " (f.value(m.ci95_high)) (super::clipped::mark(m)) }
                }
            }
        }
        None => html! { td.number { "n/a" } },
    };
    let clipped = super::clipped::note(
        report
            .designs
            .iter()
            .flat_map(|d| figures.iter().filter_map(|f| d.design.metric(&f.metric)))
            .filter(|m| m.replications > 0),
    );
    html! {
        h2 { "Key figures" }
        @if report.designs.len() <= 2 {
            table {
                thead {
                    tr {
                        th { "Figure" }
                        @for design in report.designs {
                            th { (design.design.scenario.title()) " (95% CI)" }
                        }
                    }
                }
                tbody {
                    @for figure in figures {
                        tr {
                            td { (figure.plain_label()) }
                            @for design in report.designs {
                                (cell(design.design.metric(&figure.metric)))
                            }
                        }
                    }
                }
            }
        } @else {
            table.by-design {
                thead { tr { th { "Figure and design" } th.number { "Mean" } th.number { "95% CI" } } }
                @for figure in figures {
                    tbody {
                        tr { th.figure colspan="3" scope="colgroup" { (figure.plain_label()) } }
                        @for design in report.designs {
                            tr {
                                td.design { (design.design.scenario.title()) }
                                @match design.design.metric(&figure.metric) {
                                    Some(m) if m.replications == 0 => {
                                        td.number data-metric=(m.metric) data-mean="" { strong { (super::format::NO_PATIENTS) } }
                                        td.number {}
                                    },
                                    Some(m) => {
                                        @let f = format(m.unit).with_noun(design.design.scenario.metric_noun(&m.metric));
                                        td.number data-metric=(m.metric) data-mean=(m.mean.to_string()) { strong { (f.value(m.mean)) } }
                                        td.number.small { (f.value(m.ci95_low)) " to " (f.value(m.ci95_high)) (super::clipped::mark(m)) }
                                    },
                                    None => { td.number { "n/a" } td.number {} },
                                }
                            }
                        }
                    }
                }
            }
        }
        @if let Some(note) = clipped { p.small { (note) } }
    }
}

/// One [`ColumnFormat`] per unit for `values` given as (unit, value).
fn unit_formats<'u>(
    values: impl IntoIterator<Item = (&'u str, f64)>,
) -> Vec<(&'u str, ColumnFormat)> {
    let mut by_unit: Vec<(&str, Vec<f64>)> = Vec::new();
    for (unit, value) in values {
        match by_unit.iter_mut().find(|(u, _)| *u == unit) {
            Some((_, list)) => list.push(value),
            None => by_unit.push((unit, vec![value])),
        }
    }
    by_unit
        .into_iter()
        .map(|(unit, list)| (unit, ColumnFormat::new(unit, list)))
        .collect()
}

/// Each variant's headline figures against the base, with the paired interval and a verdict.
fn differences(report: &Report<'_>, rows: &[ComparisonRow], figures: &[Headline]) -> Markup {
    let base = report.designs[0].design;
    html! {
        h2 { "Differences from " (base.scenario.title()) }
        p {
            "Every design ran on the same replications with the same random numbers, so each difference is judged "
            "replication by replication (a paired 95% interval). A difference is called clear when that interval "
            "excludes zero; otherwise it is within the noise of the simulation. Where a key figure states which way is "
            "better, a clear difference is called better (green) or worse (red); where it states none, it is only "
            "clearly higher or clearly lower (in black). A replication in which a figure "
            "had no patients in either design is left out of that figure's pairs."
        }
        @for design in &report.designs[1..] {
            @let formats = unit_formats(rows.iter().filter(|r| r.scenario == design.design.name()
                && figures.iter().any(|f| f.metric == r.metric)).map(|r| (r.unit, r.diff_vs_base)));
            @let format = |unit: &str| formats.iter().find(|(u, _)| *u == unit)
                .map_or_else(|| ColumnFormat::new(unit, []), |(_, f)| f.clone());
            h3 { (design.design.scenario.title()) " against " (base.scenario.title()) }
            table {
                thead { tr { th { "Figure" } th { "Difference" } th { "95% CI of the difference" } th { "Verdict" } } }
                tbody {
                    @for figure in figures {
                        @if let Some(row) = rows.iter().find(|r| r.scenario == design.design.name() && r.metric == figure.metric) {
                            tr {
                                td { (figure.plain_label()) }
                                td.number { (format(row.unit).difference(row.diff_vs_base)) }
                                td.number { (format(row.unit).difference(row.diff_ci95_low)) " to " (format(row.unit).difference(row.diff_ci95_high)) }
                                @match row.judgement() {
                                    Judgement::Better => td.better { "better" },
                                    Judgement::Worse => td.worse { "worse" },
                                    Judgement::Higher => td.clear { "clearly higher" },
                                    Judgement::Lower => td.clear { "clearly lower" },
                                    other => td.noise { (other.words()) },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The settings in which the designs differ, one column per design (generated from the
/// compiled scenarios); the tables after it are the base's.
fn differing_settings(report: &Report<'_>) -> Markup {
    let titles = super::brief::titles(report);
    let scenarios: Vec<&crate::model::scenario::Scenario> =
        report.designs.iter().map(|d| d.design.scenario).collect();
    let rows = crate::experiment::design_diff::differing_settings(&scenarios);
    html! {
        h3 { "Where the designs differ" }
        @if rows.is_empty() {
            p { "The designs' settings are the same; the tables below hold for every design." }
        } @else {
            p { "Every other setting is the same in every design, as in the tables below, which are those of " (titles[0]) "." }
            table.differing {
                thead { tr { th { "Setting" } @for title in &titles { th { (title) } } } }
                tbody {
                    @for row in &rows {
                        tr {
                            td { (row.title) }
                            @for value in &row.values { td { (value) } }
                        }
                    }
                }
            }
        }
    }
}

/// The resources a wait asks for, by their titles: "Nurse", "Nurse or Therapist",
/// "Nurse and Car", with "2 x" before a resource taken twice.
fn wait_resources(
    scenario: &crate::model::scenario::Scenario,
    wait: &crate::scenario::file::WaitFile,
) -> String {
    use crate::scenario::requests::ResourceChoiceFile;
    let units = wait.units.as_ref().map_or(1, |u| *u.get_ref());
    let times = |title: String| {
        if units > 1 {
            format!("{units} x {title}")
        } else {
            title
        }
    };
    match (&wait.resource, &wait.resources) {
        (Some(choice), _) => match choice.get_ref() {
            ResourceChoiceFile::Named(name) => times(scenario.resource_title_named(name)),
            ResourceChoiceFile::AnyOf(list) => list
                .iter()
                .map(|n| times(scenario.resource_title_named(n.get_ref())))
                .collect::<Vec<_>>()
                .join(" or "),
        },
        (None, Some(list)) => list
            .get_ref()
            .iter()
            .map(|n| scenario.resource_title_named(n.get_ref()))
            .collect::<Vec<_>>()
            .join(" and "),
        (None, None) => String::new(),
    }
}

/// A distribution in plain words, or `none`.
fn distribution(d: Option<&DistributionFile>) -> String {
    d.map_or_else(|| "none".to_string(), ToString::to_string)
}

/// The scenario's inputs as tables: arrivals, office hours, staff and capacity, waits,
/// handoffs, routes and their probabilities, delays, demand changes, outcome costs.
fn assumptions(file: &ScenarioFile, scenario: &crate::model::scenario::Scenario) -> Markup {
    let facts = crate::model::describe::facts(scenario);
    let hours: Vec<_> = facts
        .iter()
        .filter(|f| f.key.starts_with("calendar."))
        .collect();
    let routes: Vec<_> = facts
        .iter()
        .filter(|f| f.key.starts_with("step.") && f.key.ends_with(".routes"))
        .collect();
    let noun = |name: &str| {
        scenario
            .resource_named(name)
            .map(|r| scenario.unit_noun(r))
            .unwrap_or_default()
    };
    let steps = |kind: fn(&crate::scenario::file::StepFile) -> bool| {
        file.pathways
            .iter()
            .flat_map(|(pathway, p)| {
                p.get_ref()
                    .steps
                    .get_ref()
                    .iter()
                    .map(move |s| (pathway, s.get_ref()))
            })
            .filter(move |(_, s)| kind(s))
            .collect::<Vec<_>>()
    };
    let waits = steps(|s| s.seize.is_some() || s.activity.is_some());
    let handoffs = steps(|s| s.handoff.is_some());
    let delays = steps(|s| s.delay.is_some());
    html! {
        h3 { "Referrals and arrivals" }
        table {
            thead { tr { th { "Source" } th { "Pathway" } th { "Per day (average)" } th { "Growth per year" } } }
            tbody {
                @for (name, a) in &file.arrivals {
                    @let a = a.get_ref();
                    tr {
                        td { (scenario.source_title(name)) }
                        td { (scenario.pathway_title_named(a.pathway.get_ref())) }
                        td.number { (a.per_day.as_ref().map_or_else(|| scenario.sources.iter().find(|s| s.name == *name).map_or(String::new(), |s| plain(s.hourly_rate.iter().sum::<f64>() / 7.0)), |p| plain(*p.get_ref()))) }
                        td.number { (a.growth_per_year.as_ref().map_or("none".to_string(), |g| format!("{:.1}%", g.get_ref() * 100.0))) }
                    }
                }
            }
        }
        @if !file.demand_changes.is_empty() {
            h3 { "Changes in demand" }
            table {
                thead { tr { th { "From" } th { "For" } th { "Demand multiplied by" } th { "Sources" } } }
                tbody {
                    @for change in &file.demand_changes {
                        @let c = change.get_ref();
                        tr {
                            @match (&c.start, &c.length, &c.from, &c.to) {
                                (Some(start), Some(length), _, _) => { td { (start.get_ref()) " after the start" } td { (length.get_ref()) } }
                                (_, _, Some(from), Some(to)) => { td { (from.get_ref()) } td { "to " (to.get_ref()) } }
                                _ => { td {} td {} }
                            }
                            td.number { (plain(*c.factor.get_ref())) }
                            td { @if c.sources.is_empty() { "all" } @else { (c.sources.iter().map(|s| scenario.source_title(s.get_ref())).collect::<Vec<_>>().join(", ")) } }
                        }
                    }
                }
            }
        }
        @if !hours.is_empty() {
            h3 { "Office opening hours" }
            table {
                thead { tr { th { "Office" } th { "Open" } } }
                tbody { @for f in &hours { tr { td { (f.title.trim_end_matches(": opening hours")) } td { (f.value) } } } }
            }
        }
        h3 { "Staff rosters, capacities and their costs" }
        table {
            thead { tr { th { "Resource" } th { "Staffing or places" } th { "Cost" } } }
            tbody {
                @for (name, r) in &file.resources {
                    @let r = r.get_ref();
                    @let unit = noun(name);
                    tr {
                        td { (scenario.resource_title_named(name)) }
                        td {
                            @if let Some(count) = &r.count { (grouped(*count.get_ref() as f64)) " " (unit.of(*count.get_ref() as f64)) " at all times" }
                            @if let Some(roster) = &r.roster {
                                @for (i, shift) in roster.get_ref().iter().enumerate() {
                                    @if i > 0 { br; }
                                    (shift.to_string())
                                }
                            }
                        }
                        td {
                            @if let Some(c) = &r.cost_per_hour { "£" (plain(*c.get_ref())) " per rostered " (unit.hours().trim_end_matches('s')) " " }
                            @if let Some(c) = &r.cost_per_day_available { "£" (plain(*c.get_ref())) " per " (unit.days().trim_end_matches('s')) " available " }
                            @if let Some(c) = &r.cost_per_day_in_use { "£" (plain(*c.get_ref())) " per " (unit.days().trim_end_matches('s')) " in use" }
                        }
                    }
                }
            }
        }
        h3 { "Waiting points and service times" }
        table {
            thead { tr { th { "Step" } th { "Resource" } th { "Time held" } th { "Deadline" } } }
            tbody {
                @for (pathway, step) in &waits {
                    @let wait = step.seize.as_ref().or(step.activity.as_ref()).map(|w| w.get_ref());
                    @if let Some(wait) = wait {
                        tr {
                            td { (scenario.step_title_named(pathway, step.name.get_ref())) }
                            td { (wait_resources(scenario, wait)) }
                            td { @if step.activity.is_some() { (distribution(wait.duration.as_ref().map(|d| d.get_ref()))) } @else { "until released" } }
                            td {
                                @if let Some(deadline) = &wait.deadline {
                                    (deadline.get_ref()) " from "
                                    (if wait.deadline_from.as_ref().is_some_and(|f| f.get_ref() == "pathway") { "referral (pathway entry)" } else { "joining the queue" })
                                    @if let Some(fallback) = &wait.fallback { ", else " (scenario.step_title_named(pathway, fallback.get_ref())) }
                                } @else { "none" }
                                @if let Some(c) = &wait.cost_per_day_waiting { br; "waiting costs £" (plain(*c.get_ref())) " per patient-day" }
                            }
                        }
                    }
                }
            }
        }
        @if !handoffs.is_empty() {
            h3 { "Handoffs between organisations" }
            table {
                thead { tr { th { "Step" } th { "Receiver's hours" } th { "Processing (working time)" } th { "Bounced back" } th { "Rework" } th { "Own assessment" } } }
                tbody {
                    @for (pathway, step) in &handoffs {
                        @if let Some(h) = step.handoff.as_ref().map(|h| h.get_ref()) {
                            tr {
                                td { (scenario.step_title_named(pathway, step.name.get_ref())) }
                                td {
                                    @if let Some(by) = &h.by { "staffed by " (crate::model::labels::readable(by.get_ref())) " (their roster)" }
                                    @else { (h.hours.as_ref().map_or("always open".to_string(), |c| crate::model::labels::readable(c.get_ref()))) }
                                }
                                td { (h.processing.get_ref()) }
                                td.number { (h.bounce_probability.as_ref().map_or("never".to_string(), |b| format!("{:.0}%", b.get_ref() * 100.0))) }
                                td { (distribution(h.rework.as_ref().map(|d| d.get_ref()))) }
                                td { (distribution(h.duplicate_assessment.as_ref().map(|d| d.get_ref()))) }
                            }
                        }
                    }
                }
            }
        }
        @if !routes.is_empty() {
            h3 { "Routes and their probabilities" }
            table {
                thead { tr { th { "Step" } th { "Where patients go next" } } }
                tbody { @for f in &routes { tr { td { (f.title) } td { (f.value) } } } }
            }
        }
        @if !delays.is_empty() {
            h3 { "Delays and lengths of stay" }
            table {
                thead { tr { th { "Step" } th { "Duration" } } }
                tbody {
                    @for (pathway, step) in &delays {
                        @if let Some(d) = step.delay.as_ref().map(|d| d.get_ref()) {
                            tr { td { (scenario.step_title_named(pathway, step.name.get_ref())) } td { (d.duration.get_ref()) } }
                        }
                    }
                }
            }
        }
        @if file.outcomes.values().any(|o| *o.get_ref().cost.get_ref() != 0.0) {
            h3 { "Costs per outcome" }
            table {
                thead { tr { th { "Outcome" } th { "Cost per patient" } } }
                tbody {
                    @for (name, o) in &file.outcomes {
                        tr { td { (crate::model::labels::readable(name)) } td.number { "£" (grouped(*o.get_ref().cost.get_ref())) } }
                    }
                }
            }
        }
    }
}

/// How the figures were produced, after STRESS-DES: model, run settings, statistics, software.
fn methods(report: &Report<'_>) -> Markup {
    let scenario = report.designs[0].design.scenario;
    html! {
        h2 { "Methods" }
        table {
            tbody {
                @if !scenario.description.is_empty() {
                    tr { th { "Purpose" } td { (scenario.description) } }
                }
                tr { th { "Model" } td {
                    "Discrete-event simulation of patient pathways: patients arrive by a non-homogeneous Poisson process "
                    "(rates by hour of the week), queue for staff and places in priority then arrival order, pass handoffs that "
                    "work only in the receiver's opening hours, and leave by a named outcome. Pathways: "
                    ((0..scenario.pathways.len()).map(|p| scenario.pathway_title(crate::model::scenario::PathwayId(p as u16))).collect::<Vec<_>>().join(", ")) "."
                } }
                tr { th { "Replications" } td { (report.replications) " per design, independent, each with its own random streams" } }
                tr { th { "Run length" } td { (plain(scenario.horizon.days())) " days measured after " (plain(scenario.warm_up.days())) " days of warm-up (discarded); the warm-up can be checked with " code { "carepath warmup" } " (MSER-5)" } }
                tr { th { "Random numbers" } td { "Seed " (report.seed) "; ChaCha8 streams keyed by seed, replication and purpose, and one stream per patient, step and draw, so designs share random numbers (common random numbers) and results do not depend on the number of threads" } }
                tr { th { "Statistics" } td { "Mean over replications with a Student-t 95% confidence interval; differences between designs with a paired Student-t 95% interval; charts by hour of the week and of waits show pointwise 95% bands" } }
                tr { th { "Scenario files" } td {
                    @for design in report.designs {
                        (design.design.scenario.title()) ": "
                        @for (i, layer) in design.loaded.layers.iter().enumerate() {
                            @if i > 0 { ", which extends " }
                            code { (layer.path) } " (SHA-256 " code.hash { (sha256_hex(layer.text.as_bytes())) } ")"
                        }
                        br;
                    }
                } }
                tr { th { "Outputs" } td {
                    @if report.comparison.is_some() {
                        "comparison.csv holds every metric of every design: mean, 95% interval and the paired difference from the base"
                    } @else {
                        "summary.csv holds every metric's mean and 95% interval, replications.csv every metric of every replication"
                    }
                    "; each metric is defined in the carepath README"
                } }
                tr { th { "Run on" } td { time datetime=(report.run_at) { (readable_time(report.run_at)) } " (UTC; also in manifest.json)" } }
                tr { th { "Software" } td { "carepath " (env!("CARGO_PKG_VERSION")) "; verified against Erlang C, Pollaczek-Khinchine and Little's law in its test suite" } }
                tr { th { "Reproduce" } td { code { (report.command) } } }
            }
        }
    }
}
