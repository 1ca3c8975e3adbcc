//! The comparison's main chart: for each key figure, each variant's difference from the
//! base with its paired 95% interval (from [`crate::experiment::compare`]), around a zero
//! line, the better side shaded where the figure states which way is better.
//!
//! Paired intervals are what the verdicts judge: designs share random numbers, so a
//! difference can be clear while the designs' own intervals overlap. This chart shows what
//! the verdicts say; the per-design whisker chart cannot.

use super::{Design, display_unit};
use crate::experiment::compare::ComparisonRow;
use crate::report::format::ColumnFormat;
use crate::report::headline::Headline;
use crate::report::spec::{
    Better, ChartSpec, DifferencePanel, DifferenceRow, Estimate, LegendEntry, Panel, Swatch,
};
use crate::report::theme::{design_colour, panels_per_chart};

/// The note under every difference chart.
const NOTE: &str = "Dot: mean over replications of the variant minus the base, replication by replication (every design ran on the same random numbers); whisker: paired 95% confidence interval. A whisker clear of the zero line is a clear difference. Shaded: the better side, where the figure states which way is better.";

/// One panel per key figure of the base (`figures`), one row per variant, from the
/// comparison's `rows`; `better` says which way each figure is better (`None`: no side
/// marked). Empty with fewer than two designs. As many charts as it takes to keep each to
/// a printed page: `differences` alone, or `differences_1`, `differences_2`, ...
pub fn difference_charts(
    designs: &[Design<'_>],
    rows: &[ComparisonRow],
    figures: &[Headline],
    better: &dyn Fn(&Headline) -> Option<Better>,
) -> Vec<ChartSpec> {
    let Some((base, variants)) = designs.split_first() else {
        return Vec::new();
    };
    if variants.is_empty() {
        return Vec::new();
    }
    let names: Vec<&str> = variants.iter().map(Design::name).collect();
    let panels: Vec<Panel> = figures
        .iter()
        .filter_map(|figure| {
            let noun = base.scenario.metric_noun(&figure.metric);
            figure_panel(figure, &names, rows, better(figure), noun.as_ref())
        })
        .collect();
    let legend: Vec<LegendEntry> = variants
        .iter()
        .enumerate()
        .map(|(v, design)| LegendEntry {
            label: format!(
                "{} minus {}",
                design.scenario.title(),
                base.scenario.title()
            ),
            colour: design_colour(v + 1),
            swatch: Swatch::Bar,
        })
        .collect();
    let panel_height = 360 + 100 * variants.len() as u32;
    let per_chart = panels_per_chart(panel_height);
    let pages = panels.len().div_ceil(per_chart);
    panels
        .chunks(per_chart)
        .enumerate()
        .map(|(page, panels)| {
            let title = format!("Differences from {}", base.scenario.title());
            let (stem, title) = super::paged("differences", &title, page, pages);
            ChartSpec {
                stem,
                title,
                legend: legend.clone(),
                columns: 2,
                panel_height,
                panels: panels.to_vec(),
                note: Some(NOTE.to_string()),
            }
        })
        .collect()
}

/// The panel of one key figure: a row per variant (named as in `rows`), in the display
/// unit of the largest difference; `None` if no variant has the figure.
fn figure_panel(
    figure: &Headline,
    variants: &[&str],
    rows: &[ComparisonRow],
    better: Option<Better>,
    noun: Option<&crate::model::labels::UnitNoun>,
) -> Option<Panel> {
    let found: Vec<Option<&ComparisonRow>> = variants
        .iter()
        .map(|v| {
            rows.iter()
                .find(|r| r.scenario == *v && r.metric == figure.metric)
        })
        .collect();
    let unit = found.iter().flatten().next()?.unit;
    let largest = found
        .iter()
        .flatten()
        .flat_map(|r| [r.diff_vs_base, r.diff_ci95_low, r.diff_ci95_high])
        .filter(|v| v.is_finite())
        .map(f64::abs)
        .fold(0.0, f64::max);
    let (scale, unit_label) = display_unit(unit, largest, noun);
    let x_label = if unit == "fraction" {
        "difference [percentage points]".to_string()
    } else {
        format!("difference, {unit_label}")
    };
    let column = ColumnFormat::new(unit, found.iter().flatten().map(|r| r.diff_vs_base));
    let rows = found
        .iter()
        .enumerate()
        .map(|(v, row)| {
            let comparable = row.filter(|r| r.diff_vs_base.is_finite());
            DifferenceRow {
                colour: design_colour(v + 1),
                estimate: comparable.map(|r| Estimate {
                    mean: r.diff_vs_base * scale,
                    low: r.diff_ci95_low * scale,
                    high: r.diff_ci95_high * scale,
                }),
                label: comparable.map_or_else(
                    || "not comparable".to_string(),
                    |r| {
                        if r.diff_ci95_low == 0.0 && r.diff_ci95_high == 0.0 {
                            "identical".to_string()
                        } else {
                            column.signed_number(r.diff_vs_base)
                        }
                    },
                ),
            }
        })
        .collect();
    Some(Panel::Differences(DifferencePanel {
        caption: figure.plain_label(),
        x_label,
        better,
        rows,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        scenario: &str,
        metric: &str,
        unit: &'static str,
        diff: (f64, f64, f64),
    ) -> ComparisonRow {
        ComparisonRow {
            metric: metric.to_string(),
            unit,
            scenario: scenario.to_string(),
            mean: f64::NAN,
            ci95_low: f64::NAN,
            ci95_high: f64::NAN,
            diff_vs_base: diff.0,
            diff_ci95_low: diff.1,
            diff_ci95_high: diff.2,
            significant: diff.1 > 0.0 || diff.2 < 0.0,
            replications: 10,
            paired: 10,
            better: None,
            verdict: "",
            is_base: false,
        }
    }

    fn panel(better: Option<Better>, rows: &[ComparisonRow]) -> DifferencePanel {
        let figure = Headline {
            metric: "key.total_cost".into(),
            label: "Total cost".into(),
        };
        match figure_panel(&figure, &["spa", "seven_day"], rows, better, None) {
            Some(Panel::Differences(panel)) => panel,
            other => panic!("no difference panel: {other:?}"),
        }
    }

    /// Each variant's paired difference and interval, scaled to the display unit, labelled
    /// as the report writes money, with the better side as the figure states it; a figure
    /// no replication changed reads "identical".
    #[test]
    fn a_panel_carries_each_variants_paired_difference_and_the_better_side() {
        let rows = [
            row(
                "spa",
                "key.total_cost",
                "GBP",
                (-1_016_979.0, -1_070_068.0, -963_890.0),
            ),
            row(
                "seven_day",
                "key.total_cost",
                "GBP",
                (-2_440_000.0, -2_640_000.0, -2_320_000.0),
            ),
            row("spa", "key.other", "GBP", (5.0, 1.0, 9.0)),
        ];
        let same = [row("spa", "key.total_cost", "GBP", (0.0, 0.0, 0.0))];
        assert_eq!(panel(None, &same).rows[0].label, "identical");
        let panel = panel(Some(Better::Lower), &rows);
        assert_eq!(panel.caption, "Total cost");
        assert_eq!(panel.better, Some(Better::Lower));
        assert_eq!(panel.x_label, "difference, pounds [£ million]");
        let spa = panel.rows[0].estimate.expect("an estimate");
        assert!((spa.mean + 1.016_979).abs() < 1e-9, "{spa:?}");
        assert!((spa.low + 1.070_068).abs() < 1e-9 && (spa.high + 0.963_890).abs() < 1e-9);
        assert_eq!(panel.rows[0].label, "\u{2212}£1.02m");
        assert_eq!(panel.rows[1].label, "\u{2212}£2.44m");
        assert_ne!(panel.rows[0].colour, panel.rows[1].colour);
    }

    /// Without a stated direction no side is marked; a variant without the figure is
    /// "not comparable", never a zero.
    #[test]
    fn no_direction_marks_no_side_and_a_missing_figure_is_not_comparable() {
        let rows = [row(
            "spa",
            "key.total_cost",
            "fraction",
            (0.102, 0.09, 0.11),
        )];
        let panel = panel(None, &rows);
        assert_eq!(panel.better, None);
        assert_eq!(panel.x_label, "difference [percentage points]");
        assert_eq!(panel.rows[0].label, "+10.2");
        let spa = panel.rows[0].estimate.expect("an estimate");
        assert!((spa.mean - 10.2).abs() < 1e-9, "{spa:?}");
        assert!(panel.rows[1].estimate.is_none());
        assert_eq!(panel.rows[1].label, "not comparable");
        assert!(
            figure_panel(
                &Headline {
                    metric: "key.absent".into(),
                    label: "x".into()
                },
                &["spa"],
                &rows,
                None,
                None
            )
            .is_none()
        );
    }
}
