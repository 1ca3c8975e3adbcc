//! "Where the delayed bed-days go": the blocked unit-days of each blocked resource split by
//! what the patients holding them waited for (metrics `blocked.R.by_cause.P.CAUSE.unit_days`,
//! see `README.md`, "Where the days go"), as a chart, and the largest cause in plain figures
//! for the report's summary.
//!
//! Does not own the causes (the engine's `attribution` module does) nor the drawing (the
//! renderer draws every bar chart alike). The bars are side by side, one per cause, largest
//! first: the renderer has no stacked bars.

use super::{Design, legend_if_several, measured_weeks};
use crate::model::scenario::Scenario;

use crate::report::spec::{BarGroup, BarPanel, ChartSpec, Estimate, Panel, Swatch};
use crate::report::theme::design_colour;

/// Most causes drawn; the rest are summed in the note.
const MOST_CAUSES: usize = 12;

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

/// One chart per design set: the base's causes of blocked unit-days, largest first (at most
/// [`MOST_CAUSES`]), a bar per design; `None` if the base has no blocked unit-days.
pub(super) fn where_the_days_go(designs: &[Design<'_>]) -> Option<ChartSpec> {
    let base = designs[0];
    let mut causes: Vec<(String, String, String, f64)> = by_cause(&base)
        .into_iter()
        .filter_map(|(m, r, c)| {
            let mean = base.metric(&m)?.mean;
            (mean > 0.0).then_some((m, r, c, mean))
        })
        .collect();
    if causes.is_empty() {
        return None;
    }
    causes.sort_by(|a, b| b.3.total_cmp(&a.3));
    let left_out: f64 = causes.iter().skip(MOST_CAUSES).map(|c| c.3).sum();
    let left_out_count = causes.len().saturating_sub(MOST_CAUSES);
    causes.truncate(MOST_CAUSES);
    let one_resource = causes.windows(2).all(|w| w[0].1 == w[1].1);
    let scenario = base.scenario;
    let categories = causes
        .iter()
        .map(|(_, resource, cause, _)| {
            let (pathway, cause) = cause.split_once('.').unwrap_or(("", cause));
            // The pathway's short name: full labels leave the bars no room.
            let label = format!(
                "{}: {}",
                crate::model::labels::readable(pathway),
                scenario.cause_title(pathway, cause)
            );
            if one_resource {
                label
            } else {
                format!("{label} ({})", scenario.resource_title_named(resource))
            }
        })
        .collect();
    let groups = designs
        .iter()
        .enumerate()
        .map(|(d, design)| BarGroup {
            colour: design_colour(d),
            values: causes.iter().map(|c| design.estimate(&c.0, 1.0)).collect(),
        })
        .collect();
    let days = if one_resource {
        scenario
            .resource_named(&causes[0].1)
            .map(|r| scenario.unit_noun(r))
            .unwrap_or_default()
            .days()
    } else {
        "unit-days".to_string()
    };
    let item = {
        let mut chars = days.chars();
        chars
            .next()
            .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
    };
    let mut note = "Bars: mean over replications; whiskers: 95% confidence interval. Each delayed day is counted under what the patient was waiting for while holding the place (pathway: cause).".to_string();
    if left_out_count > 0 {
        let left_out = crate::report::format::grouped(left_out.round());
        note.push_str(&format!(
            " {left_out_count} smaller causes ({left_out} {days}) are not drawn."
        ));
    }
    if let Some(largest) = largest_delayed_cause(&base) {
        note.push(' ');
        note.push_str(&largest.sentence(base.scenario));
    }
    Some(ChartSpec {
        stem: "where_the_delayed_days_go".to_string(),
        title: format!("Where the delayed {days} go: by what the patient waited for"),
        legend: legend_if_several(designs, Swatch::Bar),
        columns: 1,
        panel_height: (160 + 40 * causes.len() * designs.len()).clamp(420, 1400) as u32,
        panels: vec![Panel::Bars(BarPanel {
            caption: String::new(),
            categories,
            x_label: format!("{item}, {} weeks measured", measured_weeks(base.scenario)),
            groups,
        })],
        note: Some(note),
    })
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
