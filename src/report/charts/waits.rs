//! How long patients waited at each waiting point: the share of patients who had waited no
//! longer than each time, with the deadline marked where there is one.

use super::{Design, design_legend, words};
use crate::experiment::bands::{Band, band};
use crate::model::scenario::DeadlineFrom;
use crate::report::spec::{ChartSpec, Line, LinePanel, Mark, Panel, Swatch, XAxis};
use crate::report::theme::design_colour;

/// Longest axis in hours before waits are shown in days.
const HOURS_AXIS_LIMIT: f64 = 72.0;
/// The highest percentile drawn: the last one is a single extreme replication's maximum.
const TOP_PERCENTILE: usize = 99;

/// One chart per waiting point of the base where anyone waited in any design.
pub(super) fn wait_charts(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let base = designs[0].scenario;
    let mut charts = Vec::new();
    for step in &base.waits {
        let label = base.step_label(*step);
        let curves: Vec<(usize, Band)> = designs
            .iter()
            .enumerate()
            .filter_map(|(d, design)| {
                let scenario = design.scenario;
                let index = scenario
                    .waits
                    .iter()
                    .position(|s| scenario.step_label(*s) == label)?;
                let curves = design
                    .results
                    .iter()
                    .map(|r| r.wait_percentiles.get(index).map_or(&[][..], Vec::as_slice));
                band(curves).map(|b| (d, b))
            })
            .collect();
        if curves.is_empty() {
            continue;
        }
        let deadline = base.wait_at(*step).and_then(|w| w.deadline);
        let longest = curves
            .iter()
            .map(|(_, b)| b.mean[TOP_PERCENTILE])
            .fold(0.0, f64::max)
            .max(deadline.map_or(0.0, |d| d.limit.hours() * 1.25));
        let longest = if longest > 0.0 { longest } else { 1.0 };
        let (scale, unit) = if longest > HOURS_AXIS_LIMIT {
            (1.0 / 24.0, "days")
        } else {
            (1.0, "hours")
        };
        let curve = |values: &[f64]| -> Vec<(f64, f64)> {
            values[..=TOP_PERCENTILE]
                .iter()
                .enumerate()
                .map(|(p, v)| (v * scale, p as f64))
                .collect()
        };
        let lines = curves
            .iter()
            .map(|(d, b)| Line {
                points: curve(&b.mean),
                band: Some((curve(&b.low), curve(&b.high))),
                colour: design_colour(*d),
                dashed: false,
                thin: false,
            })
            .collect();
        let mut note = "Line: mean over replications of each percentile of the wait; shading: its 95% confidence band. The axis stops at the 99th percentile.".to_string();
        let mut marks = Vec::new();
        if let Some(deadline) = deadline {
            let from = match deadline.from {
                DeadlineFrom::Step => "from joining the queue",
                DeadlineFrom::Pathway => {
                    note.push_str(" The limit counts from referral, so earlier steps use part of it: fewer meet it than the curve shows at the line.");
                    "from referral"
                }
            };
            let met = designs[0]
                .metric(&format!("wait.{label}.within_deadline"))
                .map_or(String::new(), |m| {
                    format!(": {:.1}% met it", m.mean * 100.0)
                });
            marks.push(Mark::Vertical {
                x: deadline.limit.hours() * scale,
                label: format!(
                    "{} {unit} limit, {from}{met}",
                    crate::report::format::plain(deadline.limit.hours() * scale)
                ),
            });
        }
        let legend = if designs.len() > 1 {
            design_legend(designs, Swatch::Line, "")
        } else {
            Vec::new()
        };
        charts.push(ChartSpec {
            stem: format!("wait_{}", label.replace('.', "_")),
            title: format!("Waits for {}", words(&label)),
            legend,
            columns: 1,
            panel_height: 760,
            panels: vec![Panel::Lines(LinePanel {
                caption: String::new(),
                x: 0.0..longest * scale * 1.02,
                y: 0.0..100.0,
                x_label: format!("Time waited [{unit}]"),
                y_label: "Patients whose wait was this long or less [%]".to_string(),
                x_axis: XAxis::Numbers,
                lines,
                marks,
            })],
            note: Some(note),
        });
    }
    charts
}
