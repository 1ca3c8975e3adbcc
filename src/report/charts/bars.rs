//! Bar charts with 95% whiskers: key figures across designs, delayed-discharge bed-days by
//! pathway, and costs by item.

use super::{Design, design_legend, display_unit, legend_if_several, measured_weeks};
use crate::report::spec::{BarGroup, BarPanel, ChartSpec, Panel, Swatch};
use crate::report::theme::{design_colour, panels_per_chart};

/// Bars for `metrics` (with their category names) in every design, scaled by `scale`.
fn groups(designs: &[Design<'_>], metrics: &[String], scale: f64) -> Vec<BarGroup> {
    designs
        .iter()
        .enumerate()
        .map(|(d, design)| BarGroup {
            colour: design_colour(d),
            values: metrics.iter().map(|m| design.estimate(m, scale)).collect(),
        })
        .collect()
}

/// One panel per headline figure of the base, a bar per design (comparisons only); as many
/// charts as it takes to keep each to a printed page.
pub(super) fn key_figures(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let base = designs[0];
    let panels: Vec<Panel> = base
        .headlines()
        .into_iter()
        .filter_map(|figure| {
            let metric = figure.metric.clone();
            let summary = designs[0].metric(&metric)?;
            let largest = designs
                .iter()
                .filter_map(|d| d.metric(&metric))
                .map(|m| m.mean.abs())
                .fold(0.0, f64::max);
            let noun = base.scenario.metric_noun(&metric);
            let (scale, unit) = display_unit(summary.unit, largest, noun.as_ref());
            Some(Panel::Bars(BarPanel {
                caption: figure.plain_label(),
                categories: vec![String::new()],
                x_label: unit,
                groups: groups(designs, std::slice::from_ref(&metric), scale),
            }))
        })
        .collect();
    let panel_height = 300 + 62 * designs.len() as u32;
    let per_chart = panels_per_chart(panel_height);
    let pages = panels.len().div_ceil(per_chart);
    panels
        .chunks(per_chart)
        .enumerate()
        .map(|(page, panels)| {
            let (stem, title) =
                super::paged("key_figures", "Key figures by design", page, pages);
            ChartSpec {
                stem,
                title,
                legend: design_legend(designs, Swatch::Bar, ""),
                columns: 2,
                panel_height,
                panels: panels.to_vec(),
                note: Some(
                    "Bars: mean over replications; whiskers: each design's own 95% confidence interval. Overlapping whiskers do not mean no difference: every design ran on the same random numbers, so the paired differences (the differences chart) are judged far more precisely than these intervals suggest."
                        .to_string(),
                ),
            }
        })
        .collect()
}

/// Bed-days spent ready for discharge, by pathway (resources that patients can block).
pub(super) fn delayed_bed_days(designs: &[Design<'_>]) -> Option<ChartSpec> {
    let base = designs[0];
    let metrics: Vec<String> = base
        .summary
        .iter()
        .map(|m| m.metric.as_str())
        .filter(|m| m.contains(".blocked_stay.") && m.ends_with(".total"))
        .map(str::to_string)
        .collect();
    if metrics.is_empty() {
        return None;
    }
    let resources: Vec<&str> = metrics
        .iter()
        .filter_map(|m| m.split(".blocked_stay.").next())
        .collect();
    let one_resource = resources.windows(2).all(|w| w[0] == w[1]);
    let categories = metrics
        .iter()
        .map(|m| {
            let (resource, rest) = m.split_once(".blocked_stay.").unwrap_or((m, m));
            let pathway = base
                .scenario
                .pathway_title_named(rest.trim_end_matches(".total"));
            if one_resource {
                pathway
            } else {
                format!(
                    "{pathway} ({})",
                    base.scenario.resource_title_named(resource)
                )
            }
        })
        .collect();
    let item = if one_resource {
        base.scenario.resource_named(resources[0]).map_or_else(
            || "Unit-days".to_string(),
            |r| {
                let days = base.scenario.unit_noun(r).days();
                let mut chars = days.chars();
                chars
                    .next()
                    .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
            },
        )
    } else {
        "unit-days".to_string()
    };
    Some(ChartSpec {
        stem: "delayed_bed_days".to_string(),
        title: "Delayed discharges: days spent ready to leave, by pathway".to_string(),
        legend: legend_if_several(designs, Swatch::Bar),
        columns: 1,
        panel_height: (220 + 60 * metrics.len() * designs.len()).clamp(480, 2000) as u32,
        panels: vec![Panel::Bars(BarPanel {
            caption: String::new(),
            categories,
            x_label: format!(
                "{item} ready for discharge, over {} weeks measured",
                measured_weeks(base.scenario)
            ),
            groups: groups(designs, &metrics, 1.0),
        })],
        note: Some(
            "Bars: mean over replications; whiskers: 95% confidence interval. Counted from the day a patient is ready to leave until the place is freed."
                .to_string(),
        ),
    })
}

/// Cost by item (staff, places, outcomes), in pounds over the measured period.
pub(super) fn costs(designs: &[Design<'_>]) -> Option<ChartSpec> {
    let base = designs[0];
    let metrics: Vec<String> = base
        .summary
        .iter()
        .map(|m| m.metric.as_str())
        .filter(|m| m.starts_with("cost.") && *m != "cost.total" && !m.ends_with(".blocked"))
        .map(str::to_string)
        .collect();
    if metrics.is_empty() {
        return None;
    }
    let largest = designs
        .iter()
        .flat_map(|d| metrics.iter().filter_map(|m| d.metric(m)))
        .map(|m| m.mean.abs())
        .fold(0.0, f64::max);
    let (scale, unit) = display_unit("GBP", largest, None);
    let categories = metrics
        .iter()
        .map(|m| base.scenario.metric_title(m))
        .collect();
    let totals: Vec<String> = designs
        .iter()
        .filter_map(|d| {
            d.metric("cost.total").map(|m| {
                format!(
                    "{} {} (95% CI {} to {})",
                    d.scenario.title(),
                    crate::report::format::pounds(m.mean),
                    crate::report::format::pounds(m.ci95_low),
                    crate::report::format::pounds(m.ci95_high)
                )
            })
        })
        .collect();
    let total = if totals.is_empty() {
        String::new()
    } else {
        format!(" Total: {}.", totals.join("; "))
    };
    Some(ChartSpec {
        stem: "costs".to_string(),
        title: format!(
            "Cost by item over {} weeks measured",
            measured_weeks(base.scenario)
        ),
        legend: legend_if_several(designs, Swatch::Bar),
        columns: 1,
        panel_height: (220 + 56 * metrics.len() * designs.len()).clamp(480, 1800) as u32,
        panels: vec![Panel::Bars(BarPanel {
            caption: String::new(),
            categories,
            x_label: unit,
            groups: groups(designs, &metrics, scale),
        })],
        note: Some(format!(
            "Bars: mean over replications; whiskers: 95% confidence interval.{total}"
        )),
    })
}
