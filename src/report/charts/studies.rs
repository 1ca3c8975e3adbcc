//! Charts of the studies that choose a design's settings: a sweep's curves with the
//! cost-optimal point, and the warm-up series with the recommended cut.

use super::display_unit;
use crate::model::scenario::Scenario;

use crate::experiment::MetricSummary;
use crate::experiment::sweep::SweepValue;
use crate::experiment::warmup::WarmUpStudy;
use crate::report::format::pounds;
use crate::report::spec::{ChartSpec, LegendEntry, Line, LinePanel, Mark, Panel, Swatch, XAxis};
use crate::report::theme::design_colour;

/// A finished sweep, as its chart sees it.
#[derive(Debug, Clone, Copy)]
pub struct SweepCurve<'a> {
    /// The swept scenario as written (for labels and unit nouns).
    pub scenario: &'a Scenario,
    /// The swept keys (one or two), as axis titles (the swept item's label and unit, see
    /// `Scenario::key_title`).
    pub keys: &'a [String],
    /// Per point: whether a queue was still growing at the end (`experiment::stability`).
    pub unstable: &'a [bool],
    /// Each point's key values and summary, first key slowest.
    pub points: &'a [(Vec<SweepValue>, Vec<MetricSummary>)],
    /// The figures to draw, one panel each, as (metric, caption): e.g. `cost.total` and key
    /// figures.
    pub metrics: &'a [(String, String)],
    /// The point with the lowest mean total cost, if asked for.
    pub cheapest: Option<usize>,
}

/// One panel per metric: the metric against the first key, a line per value of the second
/// key, each with its 95% band; the cheapest point marked on the cost panel.
pub fn sweep_chart(sweep: &SweepCurve<'_>) -> Option<ChartSpec> {
    let first_key = sweep.keys.first()?;
    let mut series: Vec<f64> = Vec::new();
    for (values, _) in sweep.points {
        if let Some(v) = values.get(1)
            && !series.contains(&v.0)
        {
            series.push(v.0);
        }
    }
    let lines_of = |metric: &str, scale: f64| -> Vec<Line> {
        let count = series.len().max(1);
        (0..count)
            .map(|s| {
                let mut points = Vec::new();
                let (mut low, mut high) = (Vec::new(), Vec::new());
                for (values, summary) in sweep.points {
                    if values.get(1).is_some_and(|v| v.0 != series[s]) {
                        continue;
                    }
                    let Some(m) = summary.iter().find(|m| m.metric == metric) else {
                        continue;
                    };
                    if m.mean.is_nan() {
                        continue; // no patients at this point: no value to draw
                    }
                    let x = values[0].0;
                    points.push((x, m.mean * scale));
                    if m.ci95_low.is_finite() && m.ci95_high.is_finite() {
                        low.push((x, m.ci95_low * scale));
                        high.push((x, m.ci95_high * scale));
                    }
                }
                let band = (low.len() == points.len()).then_some((low, high));
                Line {
                    points,
                    band,
                    colour: design_colour(s),
                    dashed: false,
                    thin: false,
                }
            })
            .collect()
    };
    let xs: Vec<f64> = sweep.points.iter().map(|(v, _)| v[0].0).collect();
    let (x_low, x_high) = xs
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
            (a.min(*x), b.max(*x))
        });
    let pad = ((x_high - x_low) * 0.04).max(0.5);
    let panels: Vec<Panel> = sweep
        .metrics
        .iter()
        .filter_map(|(metric, caption)| {
            let unit = sweep
                .points
                .iter()
                .find_map(|(_, s)| s.iter().find(|m| &m.metric == metric))?
                .unit;
            let largest = sweep
                .points
                .iter()
                .flat_map(|(_, s)| s.iter().filter(|m| &m.metric == metric))
                .map(|m| m.mean.abs())
                .fold(0.0, f64::max);
            let noun = sweep.scenario.metric_noun(metric);
            let (scale, unit_label) = display_unit(unit, largest, noun.as_ref());
            let lines = lines_of(metric, scale);
            let all: Vec<f64> = lines.iter().flat_map(Line::y_values).collect();
            let (low, high) = all
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
                    (a.min(*v), b.max(*v))
                });
            let margin = ((high - low) * 0.15).max(high.abs() * 0.01).max(1e-9);
            let mut marks = Vec::new();
            // Unstable points: a dashed line at each, labelled once, at the line whose label
            // runs away from the others (labels run rightwards in the left half).
            let unstable_xs: Vec<f64> = sweep
                .points
                .iter()
                .enumerate()
                .filter(|(point, _)| sweep.unstable.get(*point).copied().unwrap_or(false))
                .map(|(_, (values, _))| values[0].0)
                .collect();
            let middle = x_low + 0.6 * (x_high - x_low);
            let labelled_x = match unstable_xs.iter().copied().reduce(f64::max) {
                Some(right) if right < middle => Some(right),
                _ => unstable_xs.iter().copied().reduce(f64::min),
            };
            for x in unstable_xs {
                if marks
                    .iter()
                    .any(|m| matches!(m, Mark::Vertical { x: seen, .. } if *seen == x))
                {
                    continue;
                }
                marks.push(Mark::Vertical {
                    x,
                    label: if Some(x) == labelled_x {
                        "unstable: queue still growing".to_string()
                    } else {
                        String::new()
                    },
                });
            }
            if metric == "cost.total"
                && let Some(best) = sweep.cheapest.and_then(|i| sweep.points.get(i))
                && let Some(m) = best.1.iter().find(|m| m.metric == "cost.total")
            {
                // The line the point sits on: its value of the second key, if any.
                let line = best
                    .0
                    .get(1)
                    .map_or(0, |v| series.iter().position(|s| *s == v.0).unwrap_or(0));
                let at: Vec<String> = best.0.iter().map(ToString::to_string).collect();
                marks.push(Mark::Point {
                    at: (best.0[0].0, m.mean * scale),
                    colour: design_colour(line),
                    label: format!("lowest cost: {} at {}", pounds(m.mean), at.join(", ")),
                });
            }
            Some(Panel::Lines(LinePanel {
                caption: caption.clone(),
                x: x_low - pad..x_high + pad,
                y: low - margin..high + margin,
                x_label: first_key.clone(),
                y_label: unit_label,
                x_axis: XAxis::Numbers,
                lines,
                marks,
            }))
        })
        .collect();
    if panels.is_empty() {
        return None;
    }
    let legend = match sweep.keys.get(1) {
        Some(second) => series
            .iter()
            .enumerate()
            .map(|(s, v)| LegendEntry {
                label: format!("{second} = {}", SweepValue(*v)),
                colour: design_colour(s),
                swatch: Swatch::Line,
            })
            .collect(),
        None => Vec::new(),
    };
    let (columns, panel_height) = if panels.len() > 1 { (2, 520) } else { (1, 760) };
    let unstable_note = if sweep.unstable.iter().any(|u| *u) {
        " Dashed lines: unstable points, where a queue was still growing at the end; their figures depend on the run length, and none is chosen as the lowest cost."
    } else {
        ""
    };
    Some(ChartSpec {
        stem: "sweep".to_string(),
        title: format!("Sweep of {}", sweep.keys.join(" and ")),
        legend,
        columns,
        panel_height,
        panels,
        note: Some(format!(
            "Line: mean over replications at each point; shading: 95% confidence band. Every point ran on the same seeds.{unstable_note}"
        )),
    })
}

/// One panel per daily series that ever moves, with the recommended warm-up marked.
pub fn warm_up_chart(scenario: &Scenario, study: &WarmUpStudy) -> Option<ChartSpec> {
    let recommended = study.advice.iter().map(|a| a.days).max().unwrap_or(0);
    // On real dates the axis is days since midnight on the start date, each day's point at
    // its middle; otherwise each point is at its day's number.
    let origin = scenario
        .start_date
        .map(|d| d.to_datetime(jiff::civil::Time::midnight()));
    let (x_axis, position) = match origin {
        Some(origin) => (XAxis::Dates(origin), 0.5),
        None => (XAxis::Numbers, 1.0),
    };
    let panels: Vec<Panel> = study
        .names
        .iter()
        .zip(&study.means)
        .zip(&study.advice)
        .filter(|((_, values), _)| values.iter().any(|v| *v > 0.0))
        .map(|((name, values), advice)| {
            let top = values.iter().copied().fold(0.0, f64::max);
            let points = values
                .iter()
                .enumerate()
                .map(|(day, v)| (day as f64 + position, *v))
                .collect();
            Panel::Lines(LinePanel {
                caption: format!(
                    "{} (own cut: {} d)",
                    scenario.series_title(name),
                    advice.days
                ),
                x: 0.0..values.len().max(1) as f64 + 1.0,
                y: 0.0..top * 1.15,
                x_label: match origin {
                    Some(origin) => {
                        crate::report::date_axis::date_axis_title(origin, values.len() as f64)
                    }
                    None => "Day of the run".to_string(),
                },
                y_label: if let Some(resource) = name.strip_suffix(".busy") {
                    let noun = scenario
                        .resource_named(resource)
                        .map(|r| scenario.unit_noun(r))
                        .unwrap_or_default();
                    format!("{} in use", noun.plural)
                } else {
                    "Patients".to_string()
                },
                x_axis,
                lines: vec![Line {
                    points,
                    band: None,
                    colour: design_colour(0),
                    dashed: false,
                    thin: true,
                }],
                marks: vec![Mark::Vertical {
                    x: recommended as f64,
                    label: format!("warm-up {recommended} d"),
                }],
            })
        })
        .collect();
    if panels.is_empty() {
        return None;
    }
    Some(ChartSpec {
        stem: "warmup".to_string(),
        title: format!("Daily series from time zero: recommended warm-up {recommended} days"),
        legend: Vec::new(),
        columns: 3,
        panel_height: 400,
        panels,
        note: Some(
            "Line: daily mean over replications. Dashed line: the longest MSER-5 cut over all series, the recommended warm-up."
                .to_string(),
        ),
    })
}
