//! `report.html`: one self-contained page (charts inline as SVG, styles inline, no external
//! file or address) with the key figures first, then the charts, the assumptions as tables,
//! and a methods section in the spirit of the STRESS-DES reporting guideline.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::charts::Design;
use super::format::{grouped, plain, value_with_noun};
use super::headline::Headline;
use super::render::Rendered;
use crate::experiment::compare::{ComparisonRow, Verdict};
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
}

const STYLE: &str = "
@page { size: A4; margin: 14mm 12mm; }
body { font-family: 'DejaVu Sans', Verdana, Arial, sans-serif; color: #222; max-width: 186mm;
       margin: 0 auto; padding: 8mm 4mm; font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 19pt; margin: 0 0 4pt; }
h2 { font-size: 14pt; margin: 18pt 0 6pt; border-bottom: 1.5pt solid #0072b2; padding-bottom: 2pt; }
h3 { font-size: 11.5pt; margin: 12pt 0 4pt; }
p.lead { font-size: 11.5pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 10pt; font-size: 9.5pt; }
th, td { border-bottom: 0.6pt solid #ccc; padding: 3pt 5pt; text-align: left; vertical-align: top; }
th { background: #eef4f9; }
td.number { text-align: right; white-space: nowrap; }
.clear-up { color: #a33b00; font-weight: bold; }
.clear-down { color: #006b4f; font-weight: bold; }
.noise { color: #666; }
figure { margin: 10pt 0 16pt; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 9pt; color: #555; margin-top: 2pt; }
.small { font-size: 9pt; color: #555; }
code { font-family: 'DejaVu Sans Mono', Consolas, monospace; font-size: 9pt; }
code.hash { font-size: 7pt; word-break: break-all; }
@media print { h2 { break-after: avoid; } tr { break-inside: avoid; } }
";

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
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (title) }
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
                (in_brief(report, &figures))
                (key_figures(report, &figures))
                @if let Some(rows) = report.comparison {
                    (differences(report, rows, &figures))
                }
                h2 { "Charts" }
                @for chart in charts {
                    figure {
                        (PreEscaped(inline_svg(&chart.svg)))
                        figcaption { (chart.title) " (charts/" (chart.stem) ".png, .svg)" }
                    }
                }
                h2 { "Assumptions" }
                @for design in report.designs {
                    @if report.designs.len() > 1 {
                        h3 { "Design: " (design.design.scenario.title()) }
                    }
                    (assumptions(&design.loaded.file, design.design.scenario))
                }
                (methods(report))
            }
        }
    };
    page.into_string()
}

/// An SVG document ready to sit inside HTML: without any XML declaration.
fn inline_svg(svg: &str) -> &str {
    match svg.find("<svg") {
        Some(start) => &svg[start..],
        None => svg,
    }
}

/// Most points in the summary at the top.
const BRIEF_POINTS: usize = 6;

/// The first headline figures of the base in sentences, and for a comparison each variant's
/// clear differences from the base.
fn in_brief(report: &Report<'_>, figures: &[Headline]) -> Markup {
    let base = report.designs[0].design;
    let sentence = |label: String, m: &crate::experiment::MetricSummary| {
        let noun = base.scenario.metric_noun(&m.metric);
        let value = value_with_noun(m.mean, m.unit, noun.as_ref());
        if m.replications == 0 {
            format!("{label}: no patients in any replication.")
        } else if m.ci95_low.is_finite() && m.ci95_high.is_finite() {
            format!(
                "{label}: {value} (95% confidence interval {} to {}).",
                value_with_noun(m.ci95_low, m.unit, noun.as_ref()),
                value_with_noun(m.ci95_high, m.unit, noun.as_ref())
            )
        } else {
            format!("{label}: {value} (one replication: no interval).")
        }
    };
    let base_points: Vec<String> = figures
        .iter()
        .filter_map(|f| base.metric(&f.metric).map(|m| sentence(f.plain_label(), m)))
        .take(BRIEF_POINTS)
        .collect();
    let variant_points = |variant: &str| -> Vec<String> {
        let Some(rows) = report.comparison else {
            return Vec::new();
        };
        figures
            .iter()
            .filter_map(|f| {
                let row = rows
                    .iter()
                    .find(|r| r.scenario == variant && r.metric == f.metric)?;
                let base_row = rows
                    .iter()
                    .find(|r| r.scenario == base.name() && r.metric == f.metric)?;
                let noun = base.scenario.metric_noun(&f.metric);
                let direction = match row.verdict() {
                    Verdict::ClearlyHigher => "up",
                    Verdict::ClearlyLower => "down",
                    _ => return None,
                };
                Some(format!(
                    "{}: {direction} from {} to {} (difference {}, 95% CI {} to {}).",
                    f.plain_label(),
                    value_with_noun(base_row.mean, row.unit, noun.as_ref()),
                    value_with_noun(row.mean, row.unit, noun.as_ref()),
                    signed(row.diff_vs_base, row.unit, noun.as_ref()),
                    signed(row.diff_ci95_low, row.unit, noun.as_ref()),
                    signed(row.diff_ci95_high, row.unit, noun.as_ref())
                ))
            })
            .take(BRIEF_POINTS)
            .collect()
    };
    html! {
        h2 { "In brief" }
        p { "In " (base.scenario.title()) ":" }
        ul { @for point in &base_points { li { (point) } } }
        @for design in &report.designs[1..] {
            @let points = variant_points(design.design.name());
            p { "In " (design.design.scenario.title()) ", against " (base.scenario.title()) ":" }
            @if points.is_empty() {
                ul { li { "no clear difference in the key figures." } }
            } @else {
                ul { @for point in &points { li { (point) } } }
            }
        }
    }
}

/// The headline figures of every design: mean and interval, in plain units.
fn key_figures(report: &Report<'_>, figures: &[Headline]) -> Markup {
    html! {
        h2 { "Key figures" }
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
                            @match design.design.metric(&figure.metric) {
                                Some(m) if m.replications == 0 => td.number data-metric=(m.metric) data-mean="" {
                                    strong { (super::format::NO_PATIENTS) }
                                },
                                Some(m) => td.number data-metric=(m.metric) data-mean=(m.mean.to_string()) {
                                    @let noun = design.design.scenario.metric_noun(&m.metric);
                                    strong { (value_with_noun(m.mean, m.unit, noun.as_ref())) }
                                    br;
                                    span.small { (value_with_noun(m.ci95_low, m.unit, noun.as_ref())) " to " (value_with_noun(m.ci95_high, m.unit, noun.as_ref())) }
                                },
                                None => td.number { "n/a" },
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Each variant's headline figures against the base, with the paired interval and a verdict.
fn differences(report: &Report<'_>, rows: &[ComparisonRow], figures: &[Headline]) -> Markup {
    let base = report.designs[0].design;
    html! {
        h2 { "Differences from " (base.scenario.title()) }
        p {
            "Every design ran on the same replications with the same random numbers, so each difference is judged "
            "replication by replication (a paired 95% interval). A difference is called clear when that interval "
            "excludes zero; otherwise it is within the noise of the simulation. A replication in which a figure "
            "had no patients in either design is left out of that figure's pairs."
        }
        @for design in &report.designs[1..] {
            h3 { (design.design.scenario.title()) " against " (base.scenario.title()) }
            table {
                thead { tr { th { "Figure" } th { "Difference" } th { "95% CI of the difference" } th { "Verdict" } } }
                tbody {
                    @for figure in figures {
                        @if let Some(row) = rows.iter().find(|r| r.scenario == design.design.name() && r.metric == figure.metric) {
                            tr {
                                td { (figure.plain_label()) }
                                @let noun = base.scenario.metric_noun(&figure.metric);
                                td.number { (signed(row.diff_vs_base, row.unit, noun.as_ref())) }
                                td.number { (signed(row.diff_ci95_low, row.unit, noun.as_ref())) " to " (signed(row.diff_ci95_high, row.unit, noun.as_ref())) }
                                @match row.verdict() {
                                    Verdict::ClearlyHigher => td.clear-up { "clearly higher" },
                                    Verdict::ClearlyLower => td.clear-down { "clearly lower" },
                                    Verdict::WithinNoise => td.noise { "within noise" },
                                    Verdict::Identical => td.noise { "identical" },
                                    Verdict::NotComparable => td.noise { "not comparable" },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A difference with its sign; fractions as percentage points.
fn signed(value: f64, unit: &str, noun: Option<&crate::model::labels::UnitNoun>) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let sign = if value > 0.0 { "+" } else { "" };
    if unit == "fraction" {
        format!("{sign}{:.1} points", value * 100.0)
    } else {
        format!("{sign}{}", value_with_noun(value, unit, noun))
    }
}

/// A distribution in plain words, or `none`.
fn distribution(d: Option<&DistributionFile>) -> String {
    d.map_or_else(|| "none".to_string(), ToString::to_string)
}

/// The scenario's inputs as tables: arrivals, staff and capacity, waits, handoffs, delays,
/// demand changes, outcome costs.
fn assumptions(file: &ScenarioFile, scenario: &crate::model::scenario::Scenario) -> Markup {
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
                        td.number { (plain(*a.per_day.get_ref())) }
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
                            td { (c.start.get_ref()) " after the start" }
                            td { (c.length.get_ref()) }
                            td.number { (plain(*c.factor.get_ref())) }
                            td { @if c.sources.is_empty() { "all" } @else { (c.sources.iter().map(|s| scenario.source_title(s.get_ref())).collect::<Vec<_>>().join(", ")) } }
                        }
                    }
                }
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
                            td { (scenario.resource_title_named(wait.resource.get_ref())) }
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
                                td { (h.hours.as_ref().map_or("always open".to_string(), |c| crate::model::labels::readable(c.get_ref()))) }
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
                tr { th { "Software" } td { "carepath " (env!("CARGO_PKG_VERSION")) "; verified against Erlang C, Pollaczek-Khinchine and Little's law in its test suite" } }
                tr { th { "Reproduce" } td { code { (report.command) } } }
            }
        }
    }
}
