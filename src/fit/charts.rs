//! Chart specifications for `carepath fit`: observed against fitted arrivals by hour of the
//! week, and for durations a histogram with the fitted densities beside a Q–Q plot of the
//! best family. Drawn by `report::render` like every other chart.

use super::arrivals::ArrivalFit;
use super::durations::DurationFit;
use crate::report::spec::{ChartSpec, LegendEntry, Line, LinePanel, Panel, Swatch, XAxis};
use crate::report::theme::{INK, design_colour};

/// Observed arrivals in each hour of the week over the window (`group` in words, e.g.
/// `source gp`), against the fitted model's
/// expected count with the 95% range of a Poisson count around it.
pub fn arrivals_chart(stem: &str, group: &str, fit: &ArrivalFit) -> ChartSpec {
    let expected = fit.expected_by_hour_of_week();
    let observed: Vec<(f64, f64)> = (0..168)
        .map(|s| (s as f64 + 0.5, fit.counts[s] as f64))
        .collect();
    let fitted: Vec<(f64, f64)> = expected
        .iter()
        .enumerate()
        .map(|(s, e)| (s as f64 + 0.5, e.0))
        .collect();
    let low = expected
        .iter()
        .enumerate()
        .map(|(s, e)| (s as f64 + 0.5, e.1))
        .collect();
    let high = expected
        .iter()
        .enumerate()
        .map(|(s, e)| (s as f64 + 0.5, e.2))
        .collect();
    let top = observed
        .iter()
        .map(|p| p.1)
        .chain(expected.iter().map(|e| e.2))
        .fold(1.0, f64::max);
    ChartSpec {
        stem: stem.to_string(),
        title: format!("Arrivals by hour of the week: {group}"),
        legend: vec![
            LegendEntry {
                label: "observed".to_string(),
                colour: INK,
                swatch: Swatch::Line,
            },
            LegendEntry {
                label: "fitted (hour x day profiles), 95% range".to_string(),
                colour: design_colour(0),
                swatch: Swatch::Dashed,
            },
        ],
        columns: 1,
        panel_height: 560,
        panels: vec![Panel::Lines(LinePanel {
            caption: String::new(),
            x: 0.0..168.0,
            y: 0.0..top * 1.08,
            x_label: "hour of the week".to_string(),
            y_label: format!(
                "arrivals in the hour over {} weeks",
                super::durations::sig(fit.weeks())
            ),
            x_axis: XAxis::WeekDays,
            lines: vec![
                Line {
                    points: fitted,
                    band: Some((low, high)),
                    colour: design_colour(0),
                    dashed: true,
                    thin: false,
                },
                Line {
                    points: observed,
                    band: None,
                    colour: INK,
                    dashed: false,
                    thin: true,
                },
            ],
            marks: Vec::new(),
        })],
        note: Some(
            "Band: where 95% of counts would fall if the fitted profiles were the truth (Poisson)."
                .to_string(),
        ),
    }
}

/// A histogram of the durations (completed ones, as a density) with each fitted family's
/// density, beside a Q–Q plot of the best family (`group` in words) (observed against fitted quantiles; the
/// Kaplan–Meier quantiles when some stays are censored).
pub fn durations_chart(
    stem: &str,
    group: &str,
    unit: &str,
    fit: &DurationFit,
    completed: &[f64],
) -> ChartSpec {
    let unit_words = if unit == "d" { "days [d]" } else { "hours [h]" };
    let mut sorted = completed.to_vec();
    sorted.sort_by(f64::total_cmp);
    // Histogram up to the 99th percentile, 40 bins.
    let upper = sorted
        .get(((sorted.len() as f64 * 0.99) as usize).min(sorted.len().saturating_sub(1)))
        .copied()
        .unwrap_or(1.0)
        .max(f64::MIN_POSITIVE);
    let bins = 40;
    let width = upper / bins as f64;
    let mut heights = vec![0.0; bins];
    for x in &sorted {
        let b = (x / width) as usize;
        if b < bins {
            heights[b] += 1.0;
        }
    }
    let n = sorted.len().max(1) as f64;
    let mut histogram = Vec::new();
    for (b, h) in heights.iter().enumerate() {
        let y = h / (n * width);
        histogram.push((b as f64 * width, y));
        histogram.push(((b + 1) as f64 * width, y));
    }
    let mut lines = vec![Line {
        points: histogram,
        band: None,
        colour: INK,
        dashed: false,
        thin: true,
    }];
    let mut legend = vec![LegendEntry {
        label: if fit.censored > 0 {
            "completed stays".to_string()
        } else {
            "observed".to_string()
        },
        colour: INK,
        swatch: Swatch::Line,
    }];
    for (i, f) in fit.fits.iter().enumerate() {
        let points: Vec<(f64, f64)> = (1..=200)
            .map(|k| {
                let x = upper * k as f64 / 200.0;
                (x, f.family.pdf(x))
            })
            .filter(|p| p.1.is_finite())
            .collect();
        lines.push(Line {
            points,
            band: None,
            colour: design_colour(i),
            dashed: i > 0,
            thin: false,
        });
        legend.push(LegendEntry {
            label: format!(
                "{}{}",
                f.family.name(),
                if i == 0 { " (best AIC)" } else { "" }
            ),
            colour: design_colour(i),
            swatch: if i > 0 { Swatch::Dashed } else { Swatch::Line },
        });
    }
    let top = lines
        .iter()
        .flat_map(|l| l.points.iter().map(|p| p.1))
        .filter(|y| y.is_finite())
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE);
    let best = &fit.fits[0].family;
    let qq: Vec<(f64, f64)> = (0..100)
        .filter_map(|j| {
            let p = (j as f64 + 0.5) / 100.0;
            let observed = fit.kaplan_meier.iter().find(|(_, f)| *f >= p)?.0;
            Some((best.quantile(p), observed))
        })
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .collect();
    let qq_top = qq
        .iter()
        .flat_map(|(a, b)| [*a, *b])
        .fold(0.0, f64::max)
        .max(f64::MIN_POSITIVE)
        * 1.05;
    ChartSpec {
        stem: stem.to_string(),
        title: format!("Durations: {group}"),
        legend,
        columns: 2,
        panel_height: 620,
        panels: vec![
            Panel::Lines(LinePanel {
                caption: "Histogram and fitted densities".to_string(),
                x: 0.0..upper,
                y: 0.0..top * 1.08,
                x_label: unit_words.to_string(),
                y_label: format!("density [per {}]", if unit == "d" { "day" } else { "hour" }),
                x_axis: XAxis::Numbers,
                lines,
                marks: Vec::new(),
            }),
            Panel::Lines(LinePanel {
                caption: format!("Q-Q plot, {} (best AIC)", best.name()),
                x: 0.0..qq_top,
                y: 0.0..qq_top,
                x_label: format!("fitted quantile, {unit_words}"),
                y_label: format!("observed quantile, {unit_words}"),
                x_axis: XAxis::Numbers,
                lines: vec![
                    Line {
                        points: vec![(0.0, 0.0), (qq_top, qq_top)],
                        band: None,
                        colour: design_colour(1),
                        dashed: true,
                        thin: true,
                    },
                    Line {
                        points: qq,
                        band: None,
                        colour: design_colour(0),
                        dashed: false,
                        thin: false,
                    },
                ],
                marks: Vec::new(),
            }),
        ],
        note: Some(
            "Histogram of completed durations up to their 99th percentile; Q-Q points at the 1st to 99th percentiles (Kaplan-Meier when some stays are still in progress)."
                .to_string(),
        ),
    }
}
