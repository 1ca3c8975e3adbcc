//! Levels over the days measured with their spread across replications (occupancy and
//! queues: median line, 50% and 90% bands, capacity as a step line), and the share of time
//! at each occupancy level with the chance of a full house.
//!
//! Only the first design is drawn over time (several designs' bands on one panel cannot be
//! told apart); day 1 is the first day after the warm-up, so no warm-up is shown.

use super::{Design, paged};
use crate::experiment::daily::{DailyRow, DailySums};
use crate::model::scenario::ResourceId;
use crate::report::format::per_cent;
use crate::report::spec::{
    BarGroup, BarPanel, ChartSpec, Estimate, LegendEntry, Line, LinePanel, Panel, Swatch, XAxis,
};
use crate::report::theme::{design_colour, panels_per_chart};

/// Height of one over-time panel [px].
const PANEL_HEIGHT: u32 = 440;

/// Mean patients waiting (on the busiest day's median) below which a queue gets no panel.
const NOBODY_WAITS: f64 = 0.01;

/// Most units of a resource whose levels are drawn as bars.
const MOST_LEVELS: usize = 60;

/// The note under the over-time charts.
const NOTE: &str = "Each day's time-average across replications: median (line), middle 50% of replications (dark shading) and middle 90% (light shading); percentiles within 0.5% (or 0.001). Day 1 is the first day after the warm-up.";

/// Index of statistic `mean` (the day's time-average) in `DAILY_STATISTICS`.
const DAY_MEAN: usize = 0;
/// Index of statistic `max` (the day's maximum).
const DAY_MAX: usize = 1;

/// Points at the middle of each day.
fn at_days(rows: &[DailyRow], value: impl Fn(&DailyRow) -> f64) -> Vec<(f64, f64)> {
    rows.iter()
        .map(|r| (r.day as f64 + 0.5, value(r)))
        .collect()
}

/// Median line with its 90% and 50% bands.
fn envelope(rows: &[DailyRow]) -> Vec<Line> {
    let colour = design_colour(0);
    let band = |low: usize, high: usize| {
        Some((
            at_days(rows, |r| r.percentiles[low]),
            at_days(rows, |r| r.percentiles[high]),
        ))
    };
    vec![
        Line {
            points: at_days(rows, |r| r.percentiles[2]),
            band: band(0, 4),
            colour,
            dashed: false,
            thin: true,
        },
        Line {
            points: at_days(rows, |r| r.percentiles[2]),
            band: band(1, 3),
            colour,
            dashed: false,
            thin: true,
        },
    ]
}

/// A day-by-day series as steps: each day's value held from its start to its end.
fn steps(rows: &[DailyRow]) -> Vec<(f64, f64)> {
    rows.iter()
        .flat_map(|r| {
            let value = r.percentiles[2];
            [(r.day as f64, value), (r.day as f64 + 1.0, value)]
        })
        .collect()
}

/// A line panel over the days measured.
fn panel(caption: String, days: usize, y_label: &str, lines: Vec<Line>) -> Panel {
    let top = lines.iter().flat_map(Line::y_values).fold(0.0, f64::max);
    Panel::Lines(LinePanel {
        caption,
        x: 0.0..days.max(1) as f64,
        y: 0.0..if top > 0.0 { top * 1.12 } else { 1.0 },
        x_label: "Day after the warm-up".to_string(),
        y_label: y_label.to_string(),
        x_axis: XAxis::Numbers,
        lines,
        marks: Vec::new(),
    })
}

/// The rows of `resource.NAME.SERIES`, statistic `statistic`.
fn series(daily: &DailySums, resource: &str, name: &str, statistic: usize) -> Vec<DailyRow> {
    daily
        .series(&format!("resource.{resource}.{name}"))
        .map(|s| daily.envelope(s, statistic))
        .unwrap_or_default()
}

/// Charts of `panels`, as many as keep each to a printed page.
fn paged_charts(
    stem: &str,
    title: &str,
    legend: &[LegendEntry],
    panels: Vec<Panel>,
) -> Vec<ChartSpec> {
    let per_chart = panels_per_chart(PANEL_HEIGHT);
    let pages = panels.len().div_ceil(per_chart);
    panels
        .chunks(per_chart)
        .enumerate()
        .map(|(page, chunk)| {
            let (stem, title) = paged(stem, title, page, pages);
            ChartSpec {
                stem,
                title,
                legend: legend.to_vec(),
                columns: if chunk.len() > 1 { 2 } else { 1 },
                panel_height: PANEL_HEIGHT,
                panels: chunk.to_vec(),
                note: Some(NOTE.to_string()),
            }
        })
        .collect()
}

/// Units in use against capacity, and patients waiting, day by day, for the first design.
pub(super) fn over_time_charts(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let design = designs[0];
    let daily = &design.curves.daily.daily;
    if daily.replications == 0 || daily.days == 0 {
        return Vec::new();
    }
    let scenario = design.scenario;
    let mut occupancy = Vec::new();
    let mut staff = Vec::new();
    let mut queues = Vec::new();
    for (r, resource) in scenario.resources.iter().enumerate() {
        let title = scenario.resource_title(ResourceId(r as u16));
        let noun = scenario.unit_noun(ResourceId(r as u16));
        let in_use = series(daily, &resource.name, "in_use", DAY_MEAN);
        let available = series(daily, &resource.name, "available", DAY_MAX);
        if !in_use.is_empty() {
            let mut lines = envelope(&in_use);
            lines.push(Line {
                points: steps(&available),
                band: None,
                colour: design_colour(0),
                dashed: true,
                thin: false,
            });
            let label = format!("{} in use", crate::model::labels::readable(&noun.plural));
            let drawn = panel(title.clone(), daily.days, &label, lines);
            if resource.schedule.is_constant() {
                occupancy.push(drawn);
            } else {
                staff.push(drawn);
            }
        }
        let queue = series(daily, &resource.name, "queue", DAY_MEAN);
        if queue.iter().any(|r| r.percentiles[4] > NOBODY_WAITS) {
            queues.push(panel(
                title,
                daily.days,
                "Patients waiting",
                envelope(&queue),
            ));
        }
    }
    let colour = design_colour(0);
    let entry = |label: &str, swatch| LegendEntry {
        label: label.to_string(),
        colour,
        swatch,
    };
    let occupancy_legend = [
        entry(
            "in use, time-average of the day (median, 50% and 90% bands)",
            Swatch::Line,
        ),
        entry("capacity: most units on duty that day", Swatch::Dashed),
    ];
    let queue_legend = [entry(
        "waiting, time-average of the day (median, 50% and 90% bands)",
        Swatch::Line,
    )];
    let mut charts = paged_charts(
        "occupancy_over_time",
        "Beds, places and fixed teams in use against capacity, day by day",
        &occupancy_legend,
        occupancy,
    );
    charts.extend(paged_charts(
        "staff_over_time",
        "Staff busy against rostered, day by day",
        &occupancy_legend,
        staff,
    ));
    charts.extend(paged_charts(
        "queue_over_time",
        "Patients waiting, day by day",
        &queue_legend,
        queues,
    ));
    charts
}

/// Per resource with a fixed capacity (beds, places): the share of time with each number of
/// units in use, titled with the chance that every unit is in use.
pub(super) fn level_charts(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let base = designs[0].scenario;
    let mut charts = Vec::new();
    for (r, resource) in base.resources.iter().enumerate() {
        if !resource.schedule.is_constant() || resource.schedule.peak() == 0 {
            continue;
        }
        let Some(sums) = designs[0].curves.daily.levels.get(r) else {
            continue;
        };
        if sums.replications == 0 {
            continue;
        }
        let units = resource.schedule.peak() as usize;
        // Beyond this many levels the bars would be too thin to read: levels.csv has them.
        if units > MOST_LEVELS {
            continue;
        }
        let id = ResourceId(r as u16);
        let noun = base.unit_noun(id);
        let estimate = |m: &crate::experiment::statistics::RunningMoments| {
            let (mean, _, low, high) = m.mean_sd_ci();
            Estimate {
                mean: 100.0 * mean,
                low: 100.0 * low.max(0.0),
                high: 100.0 * high.min(1.0),
            }
        };
        let levels = sums.in_use.len().max(units + 1);
        let groups = designs
            .iter()
            .enumerate()
            .map(|(d, design)| BarGroup {
                colour: design_colour(d),
                values: (0..levels)
                    .map(|k| {
                        design
                            .curves
                            .daily
                            .levels
                            .get(r)
                            .filter(|s| s.replications > 0)
                            .map(|s| {
                                s.in_use.get(k).map_or(
                                    Estimate {
                                        mean: 0.0,
                                        low: 0.0,
                                        high: 0.0,
                                    },
                                    estimate,
                                )
                            })
                    })
                    .collect(),
            })
            .collect();
        let full = sums.full.mean();
        let title = format!(
            "Chance all {units} {} are full: {}",
            base.resource_title(id).to_lowercase(),
            per_cent(full)
        );
        charts.push(ChartSpec {
            stem: format!("levels_{}", resource.name),
            title,
            legend: super::legend_if_several(designs, Swatch::Bar),
            columns: 1,
            panel_height: (160 + 30 * levels as u32).min(1900),
            panels: vec![Panel::Bars(BarPanel {
                caption: String::new(),
                categories: (0..levels)
                    .map(|k| format!("{k} {}", noun.of(k as f64)))
                    .collect(),
                x_label: format!("Share of the time measured with this many {} in use [%]", noun.plural),
                groups,
            })],
            note: Some(format!(
                "Share of the time measured with each number of {} in use (exact time integrals), mean across replications with its 95% interval; levels.csv also gives the queue.",
                noun.plural
            )),
        });
    }
    charts
}
