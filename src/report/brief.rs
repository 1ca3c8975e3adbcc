//! "In brief", the decision first: whether each targeted key figure meets its target; for a
//! comparison, which design is best on the scenario's objective and by how much against the
//! base (with the paired interval); then each variant's largest clear differences, ranked by
//! size relative to the base. Also "The designs": each design's description and what it
//! changes from the base, in plain words.
//!
//! Every interval is written once per figure, its unit once: "11,452 bed-days (95% CI 10,812
//! to 12,091)". Figures are named by their key-figure labels and designs by readable titles
//! ([`crate::model::describe::design_titles`]), never by identifiers.

use maud::{Markup, html};

use super::charts::Design;
use super::format::{significant, value_with_unit};
use super::headline::Headline;
use super::html::Report;
use crate::experiment::MetricSummary;
use crate::experiment::compare::{ComparisonRow, Judgement};
use crate::experiment::design_diff::differences;
use crate::model::describe::design_titles;
use crate::model::labels::UnitNoun;
use crate::model::scenario::{Better, KeyFigure};

/// Most clear differences listed for each variant.
const DIFFERENCES_PER_VARIANT: usize = 5;

/// Most key figures listed for a single design, besides those with targets.
const RUN_POINTS: usize = 6;

/// Readable titles of the report's designs, base first.
pub fn titles(report: &Report<'_>) -> Vec<String> {
    let names: Vec<&str> = report.designs.iter().map(|d| d.design.name()).collect();
    design_titles(&names)
}

/// `more` without the unit that ends `first`, when it ends the same way: with `first`
/// "11,452 bed-days", "10,812 bed-days" becomes "10,812", so the unit is written once.
fn without_shared_unit(first: &str, more: String) -> String {
    match first.find(' ') {
        Some(space) => more
            .strip_suffix(&first[space..])
            .map_or(more.clone(), str::to_string),
        None => more,
    }
}

/// `text` (numbers as [`value_with_unit`] writes them) with the default unit words of
/// unit-days and unit-hours ("bed-days", "staff-hours") in `noun`'s words ("place-days").
fn in_noun(text: String, noun: Option<&UnitNoun>) -> String {
    match noun {
        Some(noun) => text
            .replace("bed-days", &noun.days())
            .replace("staff-hours", &noun.hours()),
        None => text,
    }
}

/// A mean and its 95% interval, the unit once: "11,452 bed-days (95% CI 10,812 to 12,091)";
/// "no patients" without a value, and no interval from one replication.
pub fn interval_once(mean: f64, low: f64, high: f64, unit: &str) -> String {
    let value = value_with_unit(mean, unit);
    if mean.is_nan() {
        return value;
    }
    if !(low.is_finite() && high.is_finite()) {
        return format!("{value} (one replication: no interval)");
    }
    let low = without_shared_unit(&value, value_with_unit(low, unit));
    let high = without_shared_unit(&value, value_with_unit(high, unit));
    format!("{value} (95% CI {low} to {high})")
}

/// A metric's mean and interval as [`interval_once`] writes them.
/// A clipped interval is marked (see [`super::clipped`]; the key figures below explain it).
fn summary_interval(m: &MetricSummary) -> String {
    let interval = interval_once(m.mean, m.ci95_low, m.ci95_high, m.unit);
    match super::clipped::mark(m) {
        "" => interval,
        mark => match interval.strip_suffix(')') {
            Some(open) => format!("{open}{mark})"),
            None => interval,
        },
    }
}

/// The size of a difference, without its sign: shares in percentage points
/// ("10.2 percentage points"), other units as their values read ("£2.48m", "6,179 bed-days").
fn size(value: f64, unit: &str) -> String {
    if unit == "fraction" {
        format!("{} percentage points", significant(value.abs() * 100.0))
    } else {
        value_with_unit(value.abs(), unit)
    }
}

/// A paired interval of a difference in words, with no minus signs: "£2.32m to £2.64m lower",
/// "5.1 to 7.3 percentage points higher", or "from £0.10m lower to £0.05m higher" when it
/// includes zero.
pub fn difference_range(low: f64, high: f64, unit: &str) -> String {
    if !(low.is_finite() && high.is_finite()) {
        return "no interval".to_string();
    }
    if high < 0.0 {
        let far = size(low, unit);
        format!(
            "{} to {far} lower",
            without_shared_unit(&far, size(high, unit))
        )
    } else if low > 0.0 {
        let far = size(high, unit);
        format!(
            "{} to {far} higher",
            without_shared_unit(&far, size(low, unit))
        )
    } else {
        format!(
            "from {} lower to {} higher",
            size(low, unit),
            size(high, unit)
        )
    }
}

/// Whether `m` meets `target`: "met" when its whole interval is on the better side,
/// "missed" when its whole interval is on the worse side, "not clear" when it straddles the
/// target (or there is no interval), "no patients" without a value.
pub fn target_status(m: &MetricSummary, better: Better, target: f64) -> &'static str {
    if m.mean.is_nan() {
        return "no patients";
    }
    if !(m.ci95_low.is_finite() && m.ci95_high.is_finite()) {
        return "not clear";
    }
    let (worst, best) = match better {
        Better::Higher => (m.ci95_low, m.ci95_high),
        Better::Lower => (m.ci95_high, m.ci95_low),
    };
    let on_good_side = |v: f64| match better {
        Better::Higher => v >= target,
        Better::Lower => v <= target,
    };
    if on_good_side(worst) {
        "met"
    } else if !on_good_side(best) {
        "missed"
    } else {
        "not clear"
    }
}

/// "at least 70.0%" or "at most 4.00 h".
fn target_words(better: Better, target: f64, unit: &str) -> String {
    let bound = match better {
        Better::Higher => "at least",
        Better::Lower => "at most",
    };
    format!("{bound} {}", value_with_unit(target, unit))
}

/// One sentence per key figure with a target: met, missed or not clear in each design.
fn target_points(report: &Report<'_>, titles: &[String]) -> Vec<String> {
    let base = report.designs[0].design.scenario;
    base.key_figures
        .iter()
        .filter_map(|figure| {
            let (Some(better), Some(target)) = (figure.better, figure.target) else {
                return None;
            };
            let metric = figure.metric();
            // A design without the figure (its own key figures) says so, in its place.
            let per_design: Vec<(&str, String)> = report
                .designs
                .iter()
                .map(|d| {
                    d.design
                        .metric(&metric)
                        .map_or(("not reported", String::new()), |m| {
                            let noun = base.metric_noun(&metric);
                            (
                                target_status(m, better, target),
                                in_noun(summary_interval(m), noun.as_ref()),
                            )
                        })
                })
                .collect();
            let first = per_design.first()?;
            let unit = report.designs[0].design.metric(&metric)?.unit;
            let wanted = target_words(better, target, unit);
            Some(if per_design.len() == 1 {
                format!(
                    "{}: {}, {} against a target of {wanted}.",
                    figure.label, first.0, first.1
                )
            } else if per_design.iter().all(|p| *p == *first) {
                format!(
                    "{}: {} in every design, {} against a target of {wanted}.",
                    figure.label, first.0, first.1
                )
            } else {
                let each: Vec<String> = per_design
                    .iter()
                    .zip(titles)
                    .map(|((status, interval), title)| {
                        if interval.is_empty() {
                            format!("{status} in {title}")
                        } else {
                            format!("{status} in {title}, {interval}")
                        }
                    })
                    .collect();
                format!("{} (target {wanted}): {}.", figure.label, each.join("; "))
            })
        })
        .collect()
}

/// The design whose mean is furthest in the better direction, if any has a value.
fn best_design(designs: &[Design<'_>], metric: &str, better: Better) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, design) in designs.iter().enumerate() {
        let Some(mean) = design
            .metric(metric)
            .map(|m| m.mean)
            .filter(|m| !m.is_nan())
        else {
            continue;
        };
        let improves = best.is_none_or(|(_, b)| better.is_improvement(mean - b));
        if improves {
            best = Some((i, mean));
        }
    }
    best.map(|(i, _)| i)
}

/// The row of `metric` for design `name`.
fn row<'r>(rows: &'r [ComparisonRow], name: &str, metric: &str) -> Option<&'r ComparisonRow> {
    rows.iter()
        .find(|r| r.scenario == name && r.metric == metric)
}

/// Which design is best on the objective, by how much against the base, with the paired
/// interval; against the runner-up too when another variant is also clearly better.
fn objective_point(
    report: &Report<'_>,
    rows: &[ComparisonRow],
    titles: &[String],
) -> Option<String> {
    let designs: Vec<Design<'_>> = report.designs.iter().map(|d| d.design).collect();
    let base = designs[0];
    let Some(figure) = base.scenario.objective() else {
        return Some(
            "The scenario names no objective (a key figure with objective = true), so no design is called best."
                .to_string(),
        );
    };
    let better = figure.better?;
    let metric = figure.metric();
    let label = &figure.label;
    let noun = base.scenario.metric_noun(&metric);
    let base_interval = in_noun(summary_interval(base.metric(&metric)?), noun.as_ref());
    let best = best_design(&designs, &metric, better)?;
    let clearly_better: Vec<usize> = (1..designs.len())
        .filter(|&i| {
            row(rows, designs[i].name(), &metric)
                .is_some_and(|r| r.judgement() == Judgement::Better)
        })
        .collect();
    if best == 0 || !clearly_better.contains(&best) {
        let closest = if best == 0 {
            String::new()
        } else {
            let r = row(rows, designs[best].name(), &metric)?;
            format!(
                "; the nearest, {}, differs by {} (paired 95% CI {})",
                titles[best],
                size(r.diff_vs_base, r.unit),
                difference_range(r.diff_ci95_low, r.diff_ci95_high, r.unit)
            )
        };
        return Some(format!(
            "On the objective, {label}, no variant is clearly better than {}: {base_interval}{closest}.",
            titles[0]
        ));
    }
    let r = row(rows, designs[best].name(), &metric)?;
    let way = if r.diff_vs_base < 0.0 {
        "lower"
    } else {
        "higher"
    };
    let mut sentence = format!(
        "Best on the objective, {label}: {}, {}, {} {way} than {} (paired 95% CI {})",
        titles[best],
        summary_interval(designs[best].metric(&metric)?),
        size(r.diff_vs_base, r.unit),
        titles[0],
        difference_range(r.diff_ci95_low, r.diff_ci95_high, r.unit)
    );
    sentence.push('.');
    Some(in_noun(sentence, noun.as_ref()))
}

/// A variant's clear differences from the base in the key figures, largest relative to the
/// base first, as sentences.
fn variant_points(
    scenario: &crate::model::scenario::Scenario,
    rows: &[ComparisonRow],
    figures: &[Headline],
    base: &str,
    variant: &str,
    base_title: &str,
) -> Vec<String> {
    let mut clear: Vec<(f64, String)> = figures
        .iter()
        .filter_map(|f| {
            let v = row(rows, variant, &f.metric)?;
            let b = row(rows, base, &f.metric)?;
            let verdict = match v.judgement() {
                Judgement::Better => "better; ",
                Judgement::Worse => "worse; ",
                Judgement::Higher | Judgement::Lower => "",
                _ => return None,
            };
            let relative = if b.mean == 0.0 {
                f64::INFINITY
            } else {
                (v.diff_vs_base / b.mean).abs()
            };
            let way = if v.diff_vs_base > 0.0 {
                "higher"
            } else {
                "lower"
            };
            let change = if v.unit == "fraction" {
                format!("{} {way}", size(v.diff_vs_base, v.unit))
            } else if relative.is_finite() {
                format!("{}% {way}", significant(relative * 100.0))
            } else {
                format!("{} {way}", size(v.diff_vs_base, v.unit))
            };
            let value = value_with_unit(v.mean, v.unit);
            let against = without_shared_unit(&value, value_with_unit(b.mean, b.unit));
            let numbers = format!(
                "{value} against {against} in {base_title}, {change} ({verdict}paired 95% CI {}).",
                difference_range(v.diff_ci95_low, v.diff_ci95_high, v.unit)
            );
            let noun = scenario.metric_noun(&f.metric);
            Some((
                relative,
                format!("{}: {}", f.plain_label(), in_noun(numbers, noun.as_ref())),
            ))
        })
        .collect();
    clear.sort_by(|a, b| b.0.total_cmp(&a.0));
    clear
        .into_iter()
        .take(DIFFERENCES_PER_VARIANT)
        .map(|(_, sentence)| sentence)
        .collect()
}

/// Whether `figure` states a target (its sentence is among the targets).
fn has_target(figure: Option<&KeyFigure>) -> bool {
    figure.is_some_and(|f| f.target.is_some() && f.better.is_some())
}

/// The "In brief" section.
pub fn in_brief(report: &Report<'_>, figures: &[Headline]) -> Markup {
    let titles = titles(report);
    let base = report.designs[0].design;
    let targets = target_points(report, &titles);
    let run_points: Vec<String> = figures
        .iter()
        .filter(|f| !has_target(base.scenario.key_figure(&f.metric)))
        .filter_map(|f| {
            let m = base.metric(&f.metric)?;
            let noun = base.scenario.metric_noun(&f.metric);
            Some(format!(
                "{}: {}.",
                f.plain_label(),
                in_noun(summary_interval(m), noun.as_ref())
            ))
        })
        .take(RUN_POINTS)
        .collect();
    // Where the delayed days go (the attribution of blocked time to causes), in the base.
    let largest_cause = crate::report::charts::largest_delayed_cause(&base)
        .map(|cause| cause.sentence(base.scenario));
    html! {
        h2 { "In brief" }
        @if !targets.is_empty() {
            p { strong { "Targets." } }
            ul.brief-targets { @for point in &targets { li { (point) } } }
        }
        @if let Some(sentence) = &largest_cause {
            p.brief-cause {
                @if report.comparison.is_some() { (titles[0]) ": " }
                (sentence)
            }
        }
        @match report.comparison {
            Some(rows) => {
                @if let Some(sentence) = objective_point(report, rows, &titles) {
                    p.brief-objective { strong { (sentence) } }
                }
                @for (design, title) in report.designs[1..].iter().zip(&titles[1..]) {
                    @let points = variant_points(base.scenario, rows, figures, base.name(), design.design.name(), &titles[0]);
                    p { (title) " against " (titles[0]) ":" }
                    @if points.is_empty() {
                        ul { li { "no clear difference in any key figure." } }
                    } @else {
                        ul { @for point in &points { li { (point) } } }
                    }
                    @let causes = crate::report::cause_changes::brief_points(base.scenario, &crate::report::cause_changes::cause_changes(rows, base.name(), design.design.name()));
                    @if !causes.is_empty() {
                        p { (title) ", where the delayed days go, against " (titles[0]) ":" }
                        ul.brief-causes { @for point in &causes { li { (point) } } }
                    }
                }
            }
            None => {
                @if !run_points.is_empty() {
                    ul { @for point in &run_points { li { (point) } } }
                }
            }
        }
    }
}

/// "The designs": each design's title and description, and for each variant what it changes
/// from the base, generated from the compiled scenarios.
pub fn designs_section(report: &Report<'_>) -> Markup {
    let titles = titles(report);
    let base = report.designs[0].design.scenario;
    html! {
        h2 { "The designs" }
        @for (i, (design, title)) in report.designs.iter().zip(&titles).enumerate() {
            @let scenario = design.design.scenario;
            h3 { (title) @if i == 0 { " (the base)" } }
            @if !scenario.description.is_empty() {
                p { (scenario.description) }
            }
            @if i > 0 {
                @let changes = differences(base, scenario);
                @if changes.is_empty() {
                    p { "No setting differs from " (titles[0]) "." }
                } @else {
                    p { "What it changes from " (titles[0]) ":" }
                    ul.changes { @for change in &changes { li { (change.to_string()) } } }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(mean: f64, low: f64, high: f64, unit: &'static str) -> MetricSummary {
        MetricSummary {
            metric: "key.x".into(),
            unit,
            mean,
            sd: 1.0,
            ci95_low: low,
            ci95_high: high,
            half_width: (high - low) / 2.0,
            replications: 10,
        }
    }

    #[test]
    fn an_interval_carries_its_unit_once() {
        assert_eq!(
            interval_once(11_452.0, 10_812.0, 12_091.0, "unit-days"),
            "11,452 bed-days (95% CI 10,812 to 12,091)"
        );
        assert_eq!(
            interval_once(27_670_000.0, 27_290_000.0, 28_050_000.0, "GBP"),
            "£27.67m (95% CI £27.29m to £28.05m)"
        );
        assert_eq!(
            interval_once(0.8, 0.793, 0.806, "fraction"),
            "80.0% (95% CI 79.3% to 80.6%)"
        );
        assert_eq!(
            interval_once(f64::NAN, f64::NAN, f64::NAN, "h"),
            "no patients"
        );
    }

    #[test]
    fn a_difference_reads_without_minus_signs() {
        assert_eq!(
            difference_range(-2_640_000.0, -2_320_000.0, "GBP"),
            "£2.32m to £2.64m lower"
        );
        assert_eq!(
            difference_range(0.051, 0.073, "fraction"),
            "5.10 to 7.30 percentage points higher"
        );
        assert_eq!(
            difference_range(-12.0, 3.0, "unit-days"),
            "from 12 bed-days lower to 3 bed-days higher"
        );
    }

    /// A target is met only when the whole interval is on its good side; an interval that
    /// straddles it is "not clear".
    #[test]
    fn a_target_is_met_missed_or_not_clear_by_its_interval() {
        let at_least = |m: MetricSummary| target_status(&m, Better::Higher, 0.70);
        assert_eq!(at_least(summary(0.80, 0.79, 0.81, "fraction")), "met");
        assert_eq!(at_least(summary(0.60, 0.58, 0.62, "fraction")), "missed");
        assert_eq!(at_least(summary(0.71, 0.68, 0.74, "fraction")), "not clear");
        assert_eq!(
            at_least(summary(0.71, f64::NEG_INFINITY, f64::INFINITY, "fraction")),
            "not clear"
        );
        assert_eq!(
            at_least(summary(f64::NAN, f64::NAN, f64::NAN, "fraction")),
            "no patients"
        );
        let at_most = |m: MetricSummary| target_status(&m, Better::Lower, 4.0);
        assert_eq!(at_most(summary(3.0, 2.5, 3.5, "h")), "met");
        assert_eq!(at_most(summary(5.0, 4.5, 5.5, "h")), "missed");
        assert_eq!(at_most(summary(4.0, 3.5, 4.5, "h")), "not clear");
    }
}
