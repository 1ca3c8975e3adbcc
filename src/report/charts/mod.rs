//! The charts of a run or a comparison, built as [`ChartSpec`]s from finished designs, and
//! the charts of the studies (sweep, warm-up).
//!
//! A design keeps its palette colour in every chart: the base is the first colour, each
//! variant the next, in the order given on the command line.

mod attribution;
mod bars;
mod by_hour;
mod differences;
mod over_time;
mod studies;
mod waits;

pub use attribution::{LargestCause, largest_delayed_cause};
pub use differences::difference_charts;
pub use studies::{SweepCurve, sweep_chart, warm_up_chart};

use crate::experiment::MetricSummary;
use crate::experiment::curves::Curves;
use crate::model::scenario::Scenario;

use super::headline::{Headline, headlines};
use super::spec::{ChartSpec, Estimate, LegendEntry, Swatch};
use super::theme::design_colour;

/// One design's finished run, as the charts see it.
#[derive(Debug, Clone, Copy)]
pub struct Design<'a> {
    /// The compiled scenario.
    pub scenario: &'a Scenario,
    /// The curves of every replication (hour-of-week levels, waits), as running sums.
    pub curves: &'a Curves,
    /// The summary across replications (as in `summary.csv`).
    pub summary: &'a [MetricSummary],
}

impl Design<'_> {
    /// The design's name (`[run] name`).
    pub fn name(&self) -> &str {
        &self.scenario.name
    }

    /// The summary of `metric`, if reported.
    pub fn metric(&self, metric: &str) -> Option<&MetricSummary> {
        self.summary.iter().find(|m| m.metric == metric)
    }

    /// The figures to show first for this design (see [`headlines`]).
    pub fn headlines(&self) -> Vec<Headline> {
        headlines(
            self.scenario,
            self.summary.iter().map(|m| (m.metric.as_str(), m.mean)),
        )
    }

    /// `metric`'s mean and interval, each multiplied by `scale`.
    fn estimate(&self, metric: &str, scale: f64) -> Option<Estimate> {
        self.metric(metric).map(|m| Estimate {
            mean: m.mean * scale,
            low: m.ci95_low * scale,
            high: m.ci95_high * scale,
        })
    }
}

/// Every chart for `designs` (the first is the base): key figures across designs when there
/// is more than one, then waits, resources by hour of the week, delayed discharges and costs.
pub fn design_charts(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let mut charts = Vec::new();
    if designs.is_empty() {
        return charts;
    }
    if designs.len() > 1 {
        charts.extend(bars::key_figures(designs));
    }
    charts.extend(waits::wait_charts(designs));
    charts.extend(by_hour::by_hour_charts(designs));
    charts.extend(over_time::over_time_charts(designs));
    charts.extend(over_time::level_charts(designs));
    charts.extend(bars::delayed_bed_days(designs));
    charts.extend(attribution::where_the_days_go(designs));
    charts.extend(bars::costs(designs));
    charts
}

/// The file stem and title of page `page` (from 0) of a chart split over `pages` pages:
/// `stem` and `title` alone for one page, else `stem_2` and "title (2 of 3)".
fn paged(stem: &str, title: &str, page: usize, pages: usize) -> (String, String) {
    if pages == 1 {
        (stem.to_string(), title.to_string())
    } else {
        (
            format!("{stem}_{}", page + 1),
            format!("{title} ({} of {pages})", page + 1),
        )
    }
}

/// A dotted name in plain words where no scenario is at hand to give its labels:
/// `rapid_response.urgent_visit` becomes `Rapid response: Urgent visit` (see
/// `model::labels::readable`). With a scenario, use its `*_title` methods instead.
pub fn words(name: &str) -> String {
    name.split('.')
        .map(crate::model::labels::readable)
        .collect::<Vec<_>>()
        .join(": ")
}

/// One legend entry per design, as a solid line or a bar, labelled with `suffix`.
fn design_legend(designs: &[Design<'_>], swatch: Swatch, suffix: &str) -> Vec<LegendEntry> {
    designs
        .iter()
        .enumerate()
        .map(|(d, design)| LegendEntry {
            label: format!("{}{suffix}", design.scenario.title()),
            colour: design_colour(d),
            swatch,
        })
        .collect()
}

/// The designs' legend when there is more than one design (one needs no legend).
fn legend_if_several(designs: &[Design<'_>], swatch: Swatch) -> Vec<LegendEntry> {
    if designs.len() > 1 {
        design_legend(designs, swatch, "")
    } else {
        Vec::new()
    }
}

/// How many weeks the measured period covers, for axis labels.
fn measured_weeks(scenario: &Scenario) -> String {
    super::format::plain(scenario.horizon.hours() / 168.0)
}

/// Multiplier and axis label for showing values of a metric `unit`, given the largest value
/// and, for units of a resource, its unit noun (`bed-days`, `place-days`).
fn display_unit(
    unit: &str,
    largest: f64,
    noun: Option<&crate::model::labels::UnitNoun>,
) -> (f64, String) {
    if let Some(noun) = noun {
        match unit {
            "unit-days" => return (1.0, noun.days()),
            "unit-hours" => return (1.0, noun.hours()),
            "units" => return (1.0, noun.plural.clone()),
            _ => {}
        }
    }
    match unit {
        "fraction" => (100.0, "per cent [%]".to_string()),
        "GBP" if largest >= 1e6 => (1e-6, "pounds [£ million]".to_string()),
        "GBP" => (1e-3, "pounds [£ thousand]".to_string()),
        "h" => (1.0, "hours [h]".to_string()),
        "d" => (1.0, "days [d]".to_string()),
        "unit-days" => (1.0, "unit-days".to_string()),
        "unit-hours" => (1.0, "unit-hours".to_string()),
        "units" => (1.0, "units (staff or places)".to_string()),
        other => (1.0, other.to_string()),
    }
}
