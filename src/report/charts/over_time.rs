//! Levels over the days measured with their spread across replications (occupancy and
//! queues: median line, 50% and 90% bands, capacity as a step line), and the share of time
//! at each occupancy level with the chance of a full house.
//!
//! One design is drawn with its bands; a comparison draws each design's median in its own
//! colour (several designs' bands on one panel cannot be told apart). The axis counts days
//! after the warm-up (day 1 is the first), or shows dates when the run has a start date;
//! no warm-up is shown.

use super::{Design, paged};
use crate::experiment::daily::{DailyRow, DailySums};
use crate::model::scenario::ResourceId;
use crate::model::scenario::Scenario;
use crate::report::date_axis;
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
const NOTE: &str = "Each day's time-average across replications: median (line), middle 50% of replications (dark shading) and middle 90% (light shading); percentiles within 0.5% (or 0.001).";

/// The note under the over-time charts of a comparison.
const COMPARED_NOTE: &str = "Each design in its own colour: the median across replications of each day's time-average (percentiles within 0.5% or 0.001); the base is drawn on top where designs coincide. Each design's spread across replications is in the workbook's daily sheets.";

/// Index of statistic `mean` (the day's time-average) in `DAILY_STATISTICS`.
const DAY_MEAN: usize = 0;
/// Index of statistic `max` (the day's maximum).
const DAY_MAX: usize = 1;

/// The instant at which day 1 of `scenario`'s measured period starts (the end of its
/// warm-up), when the run is on real dates.
fn measured_origin(scenario: &Scenario) -> Option<jiff::civil::DateTime> {
    let start = scenario
        .start_date?
        .to_datetime(jiff::civil::Time::midnight());
    date_axis::after(start, scenario.warm_up.days())
}

/// The horizontal axis of charts over the days measured of `scenario` (`days` long, in days
/// after the warm-up) and its title: dates when the run has a start date, else day numbers.
pub(super) fn measured_days_axis(scenario: &Scenario, days: usize) -> (XAxis, String) {
    match measured_origin(scenario) {
        Some(origin) => (
            XAxis::Dates(origin),
            date_axis::date_axis_title(origin, days as f64),
        ),
        None => (XAxis::Numbers, "Day after the warm-up".to_string()),
    }
}

/// Days from the base's day 1 to `design`'s day 1 [days]: non-zero only when both are on
/// real dates and their measured periods start on different instants (another start date
/// or warm-up), so that the same date lines up in every design.
fn shift_from_base(base: &Scenario, design: &Scenario) -> f64 {
    match (measured_origin(base), measured_origin(design)) {
        (Some(b), Some(d)) => b.duration_until(d).as_secs_f64() / 86_400.0,
        _ => 0.0,
    }
}

/// Points at the middle of each day, `shift` days along.
fn at_days(rows: &[DailyRow], shift: f64, value: impl Fn(&DailyRow) -> f64) -> Vec<(f64, f64)> {
    rows.iter()
        .map(|r| (r.day as f64 + 0.5 + shift, value(r)))
        .collect()
}

/// Median line with its 90% and 50% bands.
fn envelope(rows: &[DailyRow]) -> Vec<Line> {
    let colour = design_colour(0);
    let band = |low: usize, high: usize| {
        Some((
            at_days(rows, 0.0, |r| r.percentiles[low]),
            at_days(rows, 0.0, |r| r.percentiles[high]),
        ))
    };
    vec![
        Line {
            points: at_days(rows, 0.0, |r| r.percentiles[2]),
            band: band(0, 4),
            colour,
            dashed: false,
            thin: true,
        },
        Line {
            points: at_days(rows, 0.0, |r| r.percentiles[2]),
            band: band(1, 3),
            colour,
            dashed: false,
            thin: true,
        },
    ]
}

/// The median line alone, in design `d`'s colour, `shift` days along (for comparisons,
/// where several designs' bands on one panel could not be told apart).
fn median(rows: &[DailyRow], d: usize, shift: f64) -> Line {
    Line {
        points: at_days(rows, shift, |r| r.percentiles[2]),
        band: None,
        colour: design_colour(d),
        dashed: false,
        thin: true,
    }
}

/// A day-by-day series as steps, `shift` days along: each day's value held from its start
/// to its end, dashed in design `d`'s colour.
fn steps(rows: &[DailyRow], d: usize, shift: f64) -> Line {
    Line {
        points: rows
            .iter()
            .flat_map(|r| {
                let value = r.percentiles[2];
                let day = r.day as f64 + shift;
                [(day, value), (day + 1.0, value)]
            })
            .collect(),
        band: None,
        colour: design_colour(d),
        dashed: true,
        thin: false,
    }
}

/// A line panel over `days` (days after the base's warm-up), on `axis` with its title.
fn panel(
    caption: String,
    days: std::ops::Range<f64>,
    axis: &(XAxis, String),
    y_label: &str,
    lines: Vec<Line>,
) -> Panel {
    let top = lines.iter().flat_map(Line::y_values).fold(0.0, f64::max);
    Panel::Lines(LinePanel {
        caption,
        x: days.start..days.end.max(days.start + 1.0),
        y: 0.0..if top > 0.0 { top * 1.12 } else { 1.0 },
        x_label: axis.1.clone(),
        y_label: y_label.to_string(),
        x_axis: axis.0,
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
    note: &str,
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
                note: Some(note.to_string()),
            }
        })
        .collect()
}

/// One design's daily series of one resource, as the over-time panels draw them.
struct ResourceDays {
    /// Units in use, each day's time-average.
    in_use: Vec<DailyRow>,
    /// The most units on duty each day.
    available: Vec<DailyRow>,
    /// Patients waiting, each day's time-average.
    queue: Vec<DailyRow>,
}

/// Design `design`'s daily series of the resource named `name` (empty if it has none).
fn resource_days(design: &Design<'_>, name: &str) -> ResourceDays {
    let daily = &design.curves.daily.daily;
    if daily.replications == 0 {
        return ResourceDays {
            in_use: Vec::new(),
            available: Vec::new(),
            queue: Vec::new(),
        };
    }
    ResourceDays {
        in_use: series(daily, name, "in_use", DAY_MEAN),
        available: series(daily, name, "available", DAY_MAX),
        queue: series(daily, name, "queue", DAY_MEAN),
    }
}

/// Whether anyone waits, on the busiest day's 95th percentile.
fn anyone_waits(queue: &[DailyRow]) -> bool {
    queue.iter().any(|r| r.percentiles[4] > NOBODY_WAITS)
}

/// Units in use against capacity, and patients waiting, day by day: for one design its
/// median with 50% and 90% bands; for a comparison each design's median in its colour (and
/// its capacity dashed), on one panel per resource of the base.
pub(super) fn over_time_charts(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let base = designs[0].scenario;
    let drawn: Vec<(usize, &Design<'_>, f64)> = designs
        .iter()
        .enumerate()
        .filter(|(_, d)| d.curves.daily.daily.replications > 0 && d.curves.daily.daily.days > 0)
        .map(|(i, d)| (i, d, shift_from_base(base, d.scenario)))
        .collect();
    if drawn.is_empty() {
        return Vec::new();
    }
    let compared = designs.len() > 1;
    // From the earliest design's day 1 (a variant on dates may start before the base) to
    // the latest's last day.
    let first = drawn.iter().map(|(_, _, shift)| *shift).fold(0.0, f64::min);
    let last = drawn
        .iter()
        .map(|(_, d, shift)| d.curves.daily.daily.days as f64 + shift)
        .fold(0.0, f64::max);
    let days = first..last;
    let axis = measured_days_axis(base, last.ceil() as usize);
    let mut occupancy = Vec::new();
    let mut staff = Vec::new();
    let mut queues = Vec::new();
    for (r, resource) in base.resources.iter().enumerate() {
        let title = base.resource_title(ResourceId(r as u16));
        let noun = base.unit_noun(ResourceId(r as u16));
        let label = format!("{} in use", crate::model::labels::readable(&noun.plural));
        let (mut use_lines, mut queue_lines) = (Vec::new(), Vec::new());
        // The base is drawn last, on top, where designs coincide.
        for &(d, design, shift) in drawn.iter().rev() {
            let days_of = resource_days(design, &resource.name);
            if !days_of.in_use.is_empty() {
                if compared {
                    use_lines.push(median(&days_of.in_use, d, shift));
                } else {
                    use_lines.extend(envelope(&days_of.in_use));
                }
                use_lines.push(steps(&days_of.available, d, shift));
            }
            if anyone_waits(&days_of.queue) {
                if compared {
                    queue_lines.push(median(&days_of.queue, d, shift));
                } else {
                    queue_lines.extend(envelope(&days_of.queue));
                }
            }
        }
        if !use_lines.is_empty() {
            let drawn = panel(title.clone(), days.clone(), &axis, &label, use_lines);
            if resource.schedule.is_constant() {
                occupancy.push(drawn);
            } else {
                staff.push(drawn);
            }
        }
        if !queue_lines.is_empty() {
            queues.push(panel(
                title,
                days.clone(),
                &axis,
                "Patients waiting",
                queue_lines,
            ));
        }
    }
    let (occupancy_legend, queue_legend, note) = if compared {
        comparison_legends(designs)
    } else {
        single_legends(base)
    };
    let mut charts = paged_charts(
        "occupancy_over_time",
        &format!(
            "Beds, places and fixed teams in use against capacity, {}",
            by_what(base)
        ),
        &occupancy_legend,
        occupancy,
        &note,
    );
    charts.extend(paged_charts(
        "staff_over_time",
        &format!("Staff busy against rostered, {}", by_what(base)),
        &occupancy_legend,
        staff,
        &note,
    ));
    charts.extend(paged_charts(
        "queue_over_time",
        &format!("Patients waiting, {}", by_what(base)),
        &queue_legend,
        queues,
        &note,
    ));
    charts
}

/// "day by day", or "by date" for a run on real dates.
fn by_what(scenario: &Scenario) -> &'static str {
    if scenario.start_date.is_some() {
        "by date"
    } else {
        "day by day"
    }
}

/// The first sentence of the note: what day 1 or the dates are.
fn days_note(scenario: &Scenario) -> &'static str {
    if scenario.start_date.is_some() {
        "Dates are those of the run (`[run] start`); each day runs from midnight to midnight after the warm-up, which is not shown."
    } else {
        "Day 1 is the first day after the warm-up."
    }
}

/// Legends and note of one design's over-time charts (bands).
fn single_legends(scenario: &Scenario) -> (Vec<LegendEntry>, Vec<LegendEntry>, String) {
    let colour = design_colour(0);
    let entry = |label: &str, swatch| LegendEntry {
        label: label.to_string(),
        colour,
        swatch,
    };
    let occupancy = vec![
        entry(
            "in use, time-average of the day (median, 50% and 90% bands)",
            Swatch::Line,
        ),
        entry("capacity: most units on duty that day", Swatch::Dashed),
    ];
    let queue = vec![entry(
        "waiting, time-average of the day (median, 50% and 90% bands)",
        Swatch::Line,
    )];
    (occupancy, queue, format!("{NOTE} {}", days_note(scenario)))
}

/// Legends and note of a comparison's over-time charts: a median line and a dashed
/// capacity per design, in the design's colour.
fn comparison_legends(designs: &[Design<'_>]) -> (Vec<LegendEntry>, Vec<LegendEntry>, String) {
    let mut occupancy = Vec::new();
    for (d, design) in designs.iter().enumerate() {
        let name = design.scenario.title();
        occupancy.push(LegendEntry {
            label: format!("{name}: in use (median)"),
            colour: design_colour(d),
            swatch: Swatch::Line,
        });
        occupancy.push(LegendEntry {
            label: format!("{name}: capacity"),
            colour: design_colour(d),
            swatch: Swatch::Dashed,
        });
    }
    let queue = super::design_legend(designs, Swatch::Line, ": waiting (median)");
    let note = format!("{COMPARED_NOTE} {}", days_note(designs[0].scenario));
    (occupancy, queue, note)
}

/// Per resource with a fixed capacity (beds, places): the share of time with each number of
/// units in use, titled with the chance that every unit is in use.
pub(super) fn level_charts(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let base = designs[0].scenario;
    let mut charts = Vec::new();
    for (r, resource) in base.resources.iter().enumerate() {
        if !resource.schedule.is_constant() || resource.peak() == 0 {
            continue;
        }
        let Some(sums) = designs[0].curves.daily.levels.get(r) else {
            continue;
        };
        if sums.replications == 0 {
            continue;
        }
        // The most units at any time, dated periods (escalation beds) included.
        let units = resource.peak() as usize;
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
