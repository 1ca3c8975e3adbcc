//! How long patients waited at each waiting point: the share of patients served within each
//! time, with the deadline marked where there is one. Patients who meet a deadline unserved
//! never count as served, so the curve tops out at the share served.

use super::{Design, legend_if_several};
use crate::experiment::bands::Band;
use crate::model::labels::lower_first;
use crate::model::scenario::DeadlineFrom;
use crate::report::spec::{ChartSpec, Line, LinePanel, Mark, Panel, Swatch, XAxis};
use crate::report::theme::design_colour;

/// Longest axis in hours before waits are shown in days.
const HOURS_AXIS_LIMIT: f64 = 72.0;
/// Percentiles recorded per replication: 0, 1, ..., 100.
const PERCENTILES: usize = 101;
/// The highest percentile drawn without a deadline: the last one is a single extreme
/// replication's maximum. With a deadline the curve runs to 100, bounded by the limit, so
/// that its end is the share served.
const TOP_PERCENTILE: usize = 99;

/// One chart per waiting point of the base where anyone waited in any design.
pub(super) fn wait_charts(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let base = designs[0].scenario;
    let mut charts = Vec::new();
    for step in &base.waits {
        let label = base.step_label(*step);
        let curves: Vec<(usize, Band, f64)> = designs
            .iter()
            .enumerate()
            .filter_map(|(d, design)| {
                let scenario = design.scenario;
                let index = scenario
                    .waits
                    .iter()
                    .position(|s| scenario.step_label(*s) == label)?;
                // The share over every replication anyone reached; the curve's shape from
                // those where anyone was served.
                let share = design.curves.waits.get(index)?.served_share();
                design.curves.served_waits(index).map(|b| (d, b, share))
            })
            .collect();
        if curves.is_empty() {
            continue;
        }
        let deadline = base.wait_at(*step).and_then(|w| w.deadline);
        let top = if deadline.is_some() {
            PERCENTILES - 1
        } else {
            TOP_PERCENTILE
        };
        let longest = curves
            .iter()
            .map(|(_, b, _)| b.high[top])
            .fold(0.0, f64::max)
            .max(deadline.map_or(0.0, |d| d.limit.hours() * 1.25));
        let longest = if longest > 0.0 { longest } else { 1.0 };
        let (scale, unit) = if longest > HOURS_AXIS_LIMIT {
            (1.0 / 24.0, "days")
        } else {
            (1.0, "hours")
        };
        // Percentile p of those served is reached by p x (share served) of all patients.
        let curve = |values: &[f64], share: f64| -> Vec<(f64, f64)> {
            values
                .iter()
                .take(top + 1)
                .enumerate()
                .map(|(p, v)| (v.max(0.0) * scale, p as f64 * share))
                .collect()
        };
        // The base is drawn last, on top, where designs coincide.
        let lines = curves
            .iter()
            .rev()
            .map(|(d, b, share)| Line {
                points: curve(&b.mean, *share),
                band: Some((curve(&b.low, *share), curve(&b.high, *share))),
                colour: design_colour(*d),
                dashed: false,
                thin: false,
            })
            .collect();
        let mut note = "Line: mean over replications of each percentile of the waits of those served; shading: its 95% confidence band.".to_string();
        let mut marks = Vec::new();
        if deadline.is_none() {
            note.push_str(" The line stops at the 99th percentile.");
        }
        if let Some(deadline) = deadline {
            note.push_str(
                " Patients still waiting at the deadline took its fallback: the line ends at the share served.",
            );
            let from = match deadline.from {
                DeadlineFrom::Step => "from joining the queue",
                DeadlineFrom::Pathway => {
                    note.push_str(
                        " The limit counts from referral, so time at earlier steps uses part of it: a patient reaching this step after the limit takes the fallback at once, and the waits drawn here are at most the time the limit has left.",
                    );
                    "from referral"
                }
            };
            let met = designs[0]
                .metric(&format!("wait.{label}.within_deadline"))
                .filter(|m| m.replications > 0)
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
        let legend = legend_if_several(designs, Swatch::Line);
        charts.push(ChartSpec {
            // `-` is in no name (scenario::names), so pathway `a_b` step `c` and pathway `a`
            // step `b_c` get different files.
            stem: format!("wait_{}", label.replace('.', "-")),
            title: format!("Waits for {}", lower_first(&base.step_in_pathway(*step))),
            legend,
            columns: 1,
            panel_height: 760,
            panels: vec![Panel::Lines(LinePanel {
                caption: String::new(),
                x: 0.0..longest * scale * 1.02,
                y: 0.0..100.0,
                x_label: format!("Time waited [{unit}]"),
                y_label: "Patients served within this time [%]".to_string(),
                x_axis: XAxis::Numbers,
                lines,
                marks,
            })],
            note: Some(note),
        });
    }
    charts
}
