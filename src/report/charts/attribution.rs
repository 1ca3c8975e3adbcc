//! "Where the delayed bed-days go": the blocked unit-days of each blocked resource split by
//! what the patients holding them waited for (metrics `blocked.R.by_cause.P.CAUSE.unit_days`,
//! see `README.md`, "Where the days go"), as a chart, and the largest cause in plain figures
//! for the report's summary.
//!
//! Does not own the causes (the engine's `attribution` module does), their words
//! (`Scenario::cause_short`, one rule for every chart) nor the drawing (`stacked_panel`). A
//! stacked bar per pathway, segments in the same colour for the same cause in every bar; in
//! a comparison one bar per design within each pathway's panel.

use super::{Design, measured_weeks};
use crate::model::scenario::Scenario;

use crate::report::spec::{ChartSpec, Estimate, LegendEntry, Panel, Segment, StackedPanel, Swatch};
use crate::report::theme::{FRAME_HEIGHT, MAX_HEIGHT, OTHER_SEGMENT, SEGMENTS};

/// Most causes drawn as segments of their own; the rest are one "other causes" segment,
/// named in the note.
const MOST_CAUSES: usize = SEGMENTS.len();

/// The largest cause of a resource's blocked unit-days in one design.
#[derive(Debug, Clone, PartialEq)]
pub struct LargestCause {
    /// The blocked resource, e.g. `acute_bed`.
    pub resource: String,
    /// The pathway the patients were in, e.g. `d2a_p1`.
    pub pathway: String,
    /// The cause, e.g. `handoff.refer_to_social_care.duplicate_assessment` (without the
    /// `blocked.` it has as an attribution).
    pub cause: String,
    /// Its blocked unit-days over the measured period: mean and 95% interval across
    /// replications [unit-days].
    pub unit_days: Estimate,
    /// Its share of all the resource's blocked unit-days: mean over replications of each
    /// replication's share, with a 95% interval [fraction]; replications with no blocked
    /// unit-days are left out.
    pub share: Estimate,
}

impl LargestCause {
    /// The finding in one sentence, in `scenario`'s labels and unit noun, e.g. "Largest
    /// cause of delayed bed-days: Discharge to Assess P1, refer to social care: duplicate
    /// assessment: 2,621 bed-days, 22.9% of them (95% CI 22.1% to 23.7%)." (over the measured
    /// period).
    pub fn sentence(&self, scenario: &Scenario) -> String {
        let percent = crate::report::format::per_cent;
        // One replication gives no interval (an infinite one is never printed).
        let interval = if self.share.low.is_finite() && self.share.high.is_finite() {
            format!(
                "95% CI {} to {}",
                percent(self.share.low),
                percent(self.share.high)
            )
        } else {
            "no interval from a single replication".to_string()
        };
        let noun = scenario
            .resource_named(&self.resource)
            .map(|r| scenario.unit_noun(r))
            .unwrap_or_default();
        format!(
            "Largest cause of delayed {}: {}, {}: {} {}, {} of them ({interval}).",
            noun.days(),
            scenario.pathway_title_named(&self.pathway),
            scenario.cause_title(&self.pathway, &self.cause),
            crate::report::format::grouped(self.unit_days.mean.round()),
            noun.days(),
            percent(self.share.mean),
        )
    }
}

/// The `blocked.R.by_cause.` metrics of a design: (metric, resource, pathway.cause).
fn by_cause(design: &Design<'_>) -> Vec<(String, String, String)> {
    design
        .summary
        .iter()
        .filter_map(|m| {
            let rest = m.metric.strip_prefix("blocked.")?;
            let (resource, cause) = rest.split_once(".by_cause.")?;
            let cause = cause.strip_suffix(".unit_days")?;
            Some((m.metric.clone(), resource.to_string(), cause.to_string()))
        })
        .collect()
}

/// The largest cause of blocked unit-days in `design`, over all its blocked resources, with
/// its share of that resource's blocked unit-days; `None` if nothing can be blocked or
/// nothing was.
pub fn largest_delayed_cause(design: &Design<'_>) -> Option<LargestCause> {
    let (metric, resource, cause) = by_cause(design)
        .into_iter()
        .filter(|(m, _, _)| design.metric(m).is_some_and(|s| s.mean > 0.0))
        .max_by(|a, b| {
            let mean = |m: &str| design.metric(m).map_or(0.0, |s| s.mean);
            mean(&a.0).total_cmp(&mean(&b.0))
        })?;
    let share_name = format!("{}.share", metric.trim_end_matches(".unit_days"));
    let share = design.metric(&share_name)?;
    let (mean, low, high) = (share.mean, share.ci95_low, share.ci95_high);
    let (pathway, cause) = cause.split_once('.').unwrap_or(("", &cause));
    Some(LargestCause {
        unit_days: design.estimate(&metric, 1.0)?,
        share: Estimate { mean, low, high },
        resource,
        pathway: pathway.to_string(),
        cause: cause.to_string(),
    })
}

/// One resource's blocked unit-days by cause, as the summaries of the designs give them.
struct Blocked {
    /// The resource, e.g. `acute_bed`.
    resource: String,
    /// Pathways with blocked unit-days in any design, in the scenario's order.
    pathways: Vec<String>,
    /// Causes (without the pathway) with blocked unit-days in any design, largest in the
    /// base first (then in any design).
    causes: Vec<String>,
}

/// The blocked resources of `designs` with their pathways and causes, each with blocked
/// unit-days (a mean above zero) in at least one design.
fn blocked_resources(designs: &[Design<'_>]) -> Vec<Blocked> {
    let base = designs[0];
    let mut found: Vec<Blocked> = Vec::new();
    // Per resource, per cause: (hours in the base, hours in all designs).
    let mut sizes: Vec<Vec<(f64, f64)>> = Vec::new();
    for (d, design) in designs.iter().enumerate() {
        for (metric, resource, cause) in by_cause(design) {
            let Some(mean) = design.metric(&metric).map(|m| m.mean) else {
                continue;
            };
            if mean.is_nan() || mean <= 0.0 {
                continue;
            }
            let (pathway, cause) = cause.split_once('.').unwrap_or(("", &cause));
            let r = match found.iter().position(|b| b.resource == resource) {
                Some(r) => r,
                None => {
                    found.push(Blocked {
                        resource: resource.clone(),
                        pathways: Vec::new(),
                        causes: Vec::new(),
                    });
                    sizes.push(Vec::new());
                    found.len() - 1
                }
            };
            let blocked = &mut found[r];
            if !blocked.pathways.iter().any(|p| p == pathway) {
                blocked.pathways.push(pathway.to_string());
            }
            let c = match blocked.causes.iter().position(|c| c == cause) {
                Some(c) => c,
                None => {
                    blocked.causes.push(cause.to_string());
                    sizes[r].push((0.0, 0.0));
                    blocked.causes.len() - 1
                }
            };
            if d == 0 {
                sizes[r][c].0 += mean;
            }
            sizes[r][c].1 += mean;
        }
    }
    for (blocked, sizes) in found.iter_mut().zip(&sizes) {
        let order = |p: &String| {
            base.scenario
                .pathway_named(p)
                .map_or(usize::MAX, |id| usize::from(id.0))
        };
        blocked.pathways.sort_by_key(order);
        let mut ranked: Vec<(String, (f64, f64))> = blocked
            .causes
            .drain(..)
            .zip(sizes.iter().copied())
            .collect();
        ranked.sort_by(|a, b| (b.1.0.total_cmp(&a.1.0)).then(b.1.1.total_cmp(&a.1.1)));
        blocked.causes = ranked.into_iter().map(|(c, _)| c).collect();
    }
    found
}

/// The mean blocked unit-days of `resource` held by `pathway`'s patients for `cause` in
/// `design` (zero where the design does not report it or it is not positive: the cause
/// then has no segment).
fn blocked_mean(design: &Design<'_>, resource: &str, pathway: &str, cause: &str) -> f64 {
    design
        .metric(&format!(
            "blocked.{resource}.by_cause.{pathway}.{cause}.unit_days"
        ))
        .map_or(0.0, |m| m.mean)
}

/// "Where the delayed bed-days go": for each blocked resource, a stacked bar per pathway
/// (segments: what the patients holding the units waited for, the largest [`MOST_CAUSES`]
/// causes on their own and the rest as "other causes"); in a comparison, a panel per
/// pathway with a stacked bar per design. Split over pages like every long chart. Empty if
/// nothing was blocked.
pub(super) fn where_the_days_go(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let resources = blocked_resources(designs);
    let several = resources.len() > 1;
    let mut charts = Vec::new();
    for blocked in &resources {
        charts.extend(resource_charts(designs, blocked, several));
    }
    charts
}

/// The charts of one blocked resource (see [`where_the_days_go`]).
fn resource_charts(designs: &[Design<'_>], blocked: &Blocked, several: bool) -> Vec<ChartSpec> {
    let base = designs[0];
    let scenario = base.scenario;
    let resource = blocked.resource.as_str();
    let noun = scenario
        .resource_named(resource)
        .map(|r| scenario.unit_noun(r))
        .unwrap_or_default();
    let days = noun.days();
    let drawn = &blocked.causes[..blocked.causes.len().min(MOST_CAUSES)];
    let others = &blocked.causes[drawn.len()..];
    // A cause is named as in the pathway where the base holds most units for it.
    let cause_label = |cause: &str| {
        let pathway = blocked
            .pathways
            .iter()
            .max_by(|a, b| {
                blocked_mean(&base, resource, a, cause)
                    .total_cmp(&blocked_mean(&base, resource, b, cause))
            })
            .map_or("", String::as_str);
        scenario.cause_short(pathway, cause)
    };
    let mut legend: Vec<LegendEntry> = drawn
        .iter()
        .zip(SEGMENTS.iter().cycle())
        .map(|(cause, colour)| LegendEntry {
            label: cause_label(cause),
            colour: *colour,
            swatch: Swatch::Bar,
        })
        .collect();
    if !others.is_empty() {
        legend.push(LegendEntry {
            label: format!("{} other causes", others.len()),
            colour: OTHER_SEGMENT,
            swatch: Swatch::Bar,
        });
    }
    // Each bar: (design, pathway).
    let bar = |design: &Design<'_>, pathway: &str| -> Vec<f64> {
        let mut values: Vec<f64> = drawn
            .iter()
            .map(|c| blocked_mean(design, resource, pathway, c))
            .collect();
        if !others.is_empty() {
            values.push(
                others
                    .iter()
                    .map(|c| blocked_mean(design, resource, pathway, c))
                    .sum(),
            );
        }
        values
    };
    let colours: Vec<_> = SEGMENTS
        .iter()
        .cycle()
        .take(drawn.len())
        .copied()
        .chain((!others.is_empty()).then_some(OTHER_SEGMENT))
        .collect();
    let panel = |caption: String, rows: Vec<String>, bars: Vec<Vec<f64>>| {
        let segments = colours
            .iter()
            .enumerate()
            .map(|(s, colour)| Segment {
                colour: *colour,
                values: bars.iter().map(|b| b[s]).collect(),
            })
            .collect();
        Panel::Stacked(StackedPanel {
            caption,
            totals: vec![None; rows.len()],
            rows,
            x_label: format!(
                "{}, {} weeks measured",
                capitalised(&days),
                measured_weeks(scenario)
            ),
            segments,
        })
    };
    let titles: Vec<String> = designs.iter().map(|d| d.scenario.title()).collect();
    let (panels, row_count) = if designs.len() == 1 {
        let rows = blocked
            .pathways
            .iter()
            .map(|p| scenario.pathway_title_named(p))
            .collect();
        let bars = blocked.pathways.iter().map(|p| bar(&base, p)).collect();
        (
            vec![panel(String::new(), rows, bars)],
            blocked.pathways.len(),
        )
    } else {
        let panels = blocked
            .pathways
            .iter()
            .map(|p| {
                let bars = designs.iter().map(|d| bar(d, p)).collect();
                panel(scenario.pathway_title_named(p), titles.clone(), bars)
            })
            .collect();
        (panels, designs.len())
    };
    let caption_room = if designs.len() == 1 { 0 } else { 70 };
    let panel_height = (150 + caption_room + 78 * row_count as u32).max(300);
    let legend_room = 60 * legend.len().div_ceil(2) as u32;
    let per_chart =
        (MAX_HEIGHT.saturating_sub(FRAME_HEIGHT + legend_room) / panel_height).max(1) as usize;
    let pages = panels.len().div_ceil(per_chart);
    let mut note = format!(
        "Each bar: the mean over replications of the delayed {days} of a pathway's patients (time holding a {} while no longer needing it), split by what they were waiting for; the total is at the bar's end.",
        noun.singular
    );
    if !others.is_empty() {
        let words: Vec<String> = others.iter().map(|c| cause_label(c)).collect();
        note.push_str(&format!(" Other causes: {}.", words.join("; ")));
    }
    if designs.len() > 1 {
        note.push_str(" The report's table of changes by cause gives each cause's change from the base with its paired 95% interval.");
    }
    if let Some(largest) = largest_delayed_cause(&base) {
        note.push(' ');
        note.push_str(&largest.sentence(scenario));
    }
    let stem = if several {
        format!("where_the_delayed_days_go_{resource}")
    } else {
        "where_the_delayed_days_go".to_string()
    };
    let title = if several {
        format!(
            "{}: where the delayed {days} go",
            scenario.resource_title_named(resource)
        )
    } else {
        format!("Where the delayed {days} go")
    };
    panels
        .chunks(per_chart)
        .enumerate()
        .map(|(page, panels)| {
            let (stem, title) = super::paged(&stem, &title, page, pages);
            ChartSpec {
                stem,
                title,
                legend: legend.clone(),
                columns: 1,
                panel_height,
                panels: panels.to_vec(),
                note: Some(note.clone()),
            }
        })
        .collect()
}

/// `text` with its first letter upper-cased.
fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCENARIO: &str = r#"
        [run]
        name = "t"
        horizon = "10 d"
        [resources.acute_bed]
        count = 2
        unit = "bed"
        [arrivals.a]
        pathway = "d2a_p1"
        per_day = 1.0
        [pathways.d2a_p1]
        label = "Discharge to Assess P1"
        [[pathways.d2a_p1.steps]]
        name = "stay"
        activity = { resource = "acute_bed", duration = { fixed = "1 d" } }
        [[pathways.d2a_p1.steps]]
        name = "out"
        end = { outcome = "home" }
    "#;

    /// Charts name causes in a few words by one rule (`Scenario::cause_short`): the step's
    /// or resource's label, then what happened.
    #[test]
    fn causes_read_short_in_charts() {
        let scenario = crate::scenario::parse("t.toml", SCENARIO)
            .expect("test scenario loads")
            .scenario;
        let short = |cause: &str| scenario.cause_short("d2a_p1", cause);
        assert_eq!(
            short("handoff.refer_to_social_care.office_closed"),
            "Refer to social care: office closed"
        );
        assert_eq!(
            short("blocked.handoff.refer.duplicate_assessment"),
            "Refer: duplicate assessment"
        );
        assert_eq!(short("wait.acute_bed.busy"), "Waiting for acute bed");
        assert_eq!(
            short("wait.acute_bed.off_duty"),
            "Acute bed: nobody on duty"
        );
        assert_eq!(short("service.stay"), "Stay");
    }

    /// A single replication has no interval, and the sentence says so instead of printing
    /// an infinite one.
    #[test]
    fn sentence_gives_no_infinite_interval() {
        let estimate = |mean, low, high| Estimate { mean, low, high };
        let mut cause = LargestCause {
            resource: "acute_bed".to_string(),
            pathway: "d2a_p1".to_string(),
            cause: "handoff.refer.office_closed".to_string(),
            unit_days: estimate(2620.6, 2500.0, 2700.0),
            share: estimate(0.229, 0.221, 0.237),
        };
        let scenario = crate::scenario::parse("t.toml", SCENARIO)
            .expect("test scenario loads")
            .scenario;
        assert_eq!(
            cause.sentence(&scenario),
            "Largest cause of delayed bed-days: Discharge to Assess P1, refer: waiting for the office to open: 2,621 bed-days, 22.9% of them (95% CI 22.1% to 23.7%)."
        );
        cause.share = estimate(0.229, f64::NEG_INFINITY, f64::INFINITY);
        let sentence = cause.sentence(&scenario);
        assert!(!sentence.contains("inf"), "{sentence}");
        assert!(sentence.contains("no interval from a single replication"));
    }
}
