//! Where the delayed days go, design against design: for each variant of a comparison, the
//! change in each cause of a resource's blocked unit-days (metrics
//! `blocked.R.by_cause.P.CAUSE.unit_days`) from the base, with the paired 95% interval the
//! comparison already folded ([`crate::experiment::compare::ComparisonSums`]); as the
//! report's table and as In brief's sentences on which causes a variant removes, reduces or
//! increases.
//!
//! Owns no statistics (the comparison rows carry them) and no words for causes
//! (`Scenario::cause_title`, `Scenario::cause_short`).

use maud::{Markup, html};

use super::brief::difference_range;
use super::format::ColumnFormat;
use super::html::Report;
use crate::experiment::compare::{ComparisonRow, Judgement};
use crate::model::scenario::Scenario;

/// A variant's mean at most this share of the base's is a cause it removes, not reduces.
const REMOVED_SHARE: f64 = 0.01;

/// Most causes each In brief list names; the rest are counted.
const MOST_NAMED: usize = 4;

/// One cause's blocked unit-days in a variant against the base.
#[derive(Debug, Clone, PartialEq)]
pub struct CauseChange {
    /// The blocked resource, e.g. `acute_bed`.
    pub resource: String,
    /// The pathway, e.g. `d2a_p1`.
    pub pathway: String,
    /// The cause without the pathway, e.g. `handoff.refer_to_social_care.office_closed`.
    pub cause: String,
    /// The base's mean [unit-days]; NaN if the base does not report the cause.
    pub base: f64,
    /// The variant's row: its mean, the paired difference and interval [unit-days].
    pub row: ComparisonRow,
}

impl CauseChange {
    /// Clearly lower (the paired interval wholly below zero), clearly higher (wholly
    /// above), or neither.
    pub fn direction(&self) -> Option<std::cmp::Ordering> {
        match self.row.judgement() {
            Judgement::Lower | Judgement::Better => Some(std::cmp::Ordering::Less),
            Judgement::Higher | Judgement::Worse => Some(std::cmp::Ordering::Greater),
            _ => None,
        }
    }

    /// Whether the variant removes the cause: clearly lower, to at most
    /// [`REMOVED_SHARE`] of the base.
    pub fn removed(&self) -> bool {
        self.direction() == Some(std::cmp::Ordering::Less)
            && self.row.mean <= REMOVED_SHARE * self.base
    }
}

/// `blocked.R.by_cause.P.CAUSE.unit_days` as (R, P, CAUSE).
fn parse(metric: &str) -> Option<(&str, &str, &str)> {
    let rest = metric.strip_prefix("blocked.")?;
    let (resource, rest) = rest.split_once(".by_cause.")?;
    let rest = rest.strip_suffix(".unit_days")?;
    let (pathway, cause) = rest.split_once('.')?;
    Some((resource, pathway, cause))
}

/// Every cause of blocked unit-days of `variant` that either design reports above zero,
/// against `base` (scenario names as in `rows`), the largest fall first and the largest rise
/// last.
pub fn cause_changes(rows: &[ComparisonRow], base: &str, variant: &str) -> Vec<CauseChange> {
    let mut changes: Vec<CauseChange> = rows
        .iter()
        .filter(|r| r.scenario == variant && !r.is_base)
        .filter_map(|r| {
            let (resource, pathway, cause) = parse(&r.metric)?;
            let base = rows
                .iter()
                .find(|b| b.scenario == base && b.metric == r.metric)
                .map_or(f64::NAN, |b| b.mean);
            (base > 0.0 || r.mean > 0.0).then(|| CauseChange {
                resource: resource.to_string(),
                pathway: pathway.to_string(),
                cause: cause.to_string(),
                base,
                row: r.clone(),
            })
        })
        .collect();
    changes.sort_by(|a, b| {
        let d = |c: &CauseChange| {
            if c.row.diff_vs_base.is_nan() {
                0.0
            } else {
                c.row.diff_vs_base
            }
        };
        d(a).total_cmp(&d(b))
    });
    changes
}

/// The unit-days noun of `resource` in `scenario` ("bed-days").
fn days(scenario: &Scenario, resource: &str) -> String {
    scenario
        .resource_named(resource)
        .map(|r| scenario.unit_noun(r))
        .unwrap_or_default()
        .days()
}

/// One change in words: "Discharge pathway 1 (home with reablement), referral to social
/// care: waiting for the office to open: 1,852 bed-days (paired 95% CI 1,805 to 1,898 bed-days
/// lower)".
fn change_words(scenario: &Scenario, change: &CauseChange) -> String {
    let row = &change.row;
    let noun = days(scenario, &change.resource);
    let size = super::format::grouped(row.diff_vs_base.abs().round());
    let range = difference_range(row.diff_ci95_low, row.diff_ci95_high, row.unit)
        .replace("bed-days", &noun);
    format!(
        "{}, {}: {size} {noun} (paired 95% CI {range})",
        scenario.pathway_title_named(&change.pathway),
        scenario.cause_title(&change.pathway, &change.cause),
    )
}

/// In brief's sentences for one variant: which causes of delayed days it removes, which it
/// reduces and which it increases (paired interval wholly below or above zero), the largest
/// first; empty if it changes none clearly.
pub fn brief_points(scenario: &Scenario, changes: &[CauseChange]) -> Vec<String> {
    let mut points = Vec::new();
    let removed: Vec<&CauseChange> = changes.iter().filter(|c| c.removed()).collect();
    let reduced: Vec<&CauseChange> = changes
        .iter()
        .filter(|c| c.direction() == Some(std::cmp::Ordering::Less) && !c.removed())
        .collect();
    let mut increased: Vec<&CauseChange> = changes
        .iter()
        .filter(|c| c.direction() == Some(std::cmp::Ordering::Greater))
        .collect();
    increased.reverse();
    for (verb, list) in [
        ("Removes", removed),
        ("Reduces", reduced),
        ("Increases", increased),
    ] {
        if list.is_empty() {
            continue;
        }
        let named: Vec<String> = list
            .iter()
            .take(MOST_NAMED)
            .map(|c| change_words(scenario, c))
            .collect();
        let mut sentence = format!("{verb} delayed days of {}", named.join("; "));
        if list.len() > MOST_NAMED {
            sentence.push_str(&format!(
                "; and {} smaller causes (see the table)",
                list.len() - MOST_NAMED
            ));
        }
        sentence.push('.');
        points.push(sentence);
    }
    points
}

/// The report's table for each variant: each cause of delayed days in the base and the
/// variant, the change and its paired 95% interval, and the verdict; nothing if no design
/// has blocked days by cause.
pub fn changes_section(report: &Report<'_>, rows: &[ComparisonRow]) -> Markup {
    let base = report.designs[0].design;
    let scenario = base.scenario;
    let titles = super::brief::titles(report);
    let per_variant: Vec<(&String, Vec<CauseChange>)> = report.designs[1..]
        .iter()
        .zip(&titles[1..])
        .map(|(d, title)| (title, cause_changes(rows, base.name(), d.design.name())))
        .filter(|(_, changes)| !changes.is_empty())
        .collect();
    // Numbers only in the cells (the unit is in the headers), so that the table fits a
    // printed page; the decimals of the variant's largest change.
    let format =
        |changes: &[CauseChange]| ColumnFormat::new("", changes.iter().map(|c| c.row.diff_vs_base));
    html! {
        @if !per_variant.is_empty() {
            h2 { "Where the delayed days go: change from " (titles[0]) }
            p {
                "Each cause of delayed days (time holding a bed or place no longer needed, by what the patient was waiting for), "
                "in the base and in the variant, with the change judged replication by replication (a paired 95% interval). "
                "A change is clear when its interval excludes zero. Largest fall first."
            }
            @for (title, changes) in &per_variant {
                @let format = format(changes);
                @let several = changes.iter().any(|c| c.resource != changes[0].resource);
                @let unit = if several { "unit-days".to_string() } else { days(scenario, &changes[0].resource) };
                h3 { (title) " against " (titles[0]) " [" (unit) "]" }
                table.causes {
                    thead { tr {
                        th { "Pathway" } th { "Cause" }
                        th { (titles[0]) } th { (title) }
                        th { "Change" } th { "95% CI of the change" } th { "Verdict" }
                    } }
                    tbody {
                        @for c in changes {
                            tr {
                                td {
                                    (scenario.pathway_title_named(&c.pathway))
                                    @if several { " (" (days(scenario, &c.resource)) ")" }
                                }
                                td { (scenario.cause_short(&c.pathway, &c.cause)) }
                                td.number { (format.value(c.base)) }
                                td.number { (format.value(c.row.mean)) }
                                td.number { (format.signed_number(c.row.diff_vs_base)) }
                                td.number { (format.signed_number(c.row.diff_ci95_low)) " to " (format.signed_number(c.row.diff_ci95_high)) }
                                @match c.direction() {
                                    Some(std::cmp::Ordering::Less) => td.better { @if c.removed() { "removed" } @else { "lower" } },
                                    Some(_) => td.worse { "higher" },
                                    None => td.noise { (c.row.judgement().words()) },
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(scenario: &str, metric: &str, mean: f64, diff: (f64, f64, f64)) -> ComparisonRow {
        let is_base = scenario == "base";
        let mut row = ComparisonRow {
            metric: metric.to_string(),
            unit: "unit-days",
            scenario: scenario.to_string(),
            mean,
            ci95_low: mean,
            ci95_high: mean,
            diff_vs_base: diff.0,
            diff_ci95_low: diff.1,
            diff_ci95_high: diff.2,
            significant: diff.1 > 0.0 || diff.2 < 0.0,
            replications: 5,
            paired: 5,
            better: None,
            verdict: "",
            is_base,
        };
        row.verdict = row.judgement().words();
        row
    }

    const CLOSED: &str = "blocked.acute_bed.by_cause.d2a_p1.handoff.refer.office_closed.unit_days";
    const DUPLICATE: &str =
        "blocked.acute_bed.by_cause.d2a_p1.handoff.refer.duplicate_assessment.unit_days";
    const WAIT: &str = "blocked.acute_bed.by_cause.d2a_p1.wait.reablement_slot.busy.unit_days";
    const NONE: &str = "blocked.acute_bed.by_cause.d2a_p1.delay.transport.unit_days";

    /// A cause whose paired interval lies wholly below zero is removed (variant near zero) or
    /// reduced; wholly above, increased; straddling zero, neither; zero in both, not listed.
    #[test]
    fn causes_are_removed_reduced_or_increased_by_their_paired_interval() {
        let rows = vec![
            row("base", CLOSED, 1850.0, (0.0, 0.0, 0.0)),
            row("base", DUPLICATE, 2600.0, (0.0, 0.0, 0.0)),
            row("base", WAIT, 1200.0, (0.0, 0.0, 0.0)),
            row("base", NONE, 0.0, (0.0, 0.0, 0.0)),
            row("v", CLOSED, 0.0, (-1850.0, -1900.0, -1800.0)),
            row("v", DUPLICATE, 2550.0, (-50.0, -120.0, 20.0)),
            row("v", WAIT, 1500.0, (300.0, 100.0, 500.0)),
            row("v", NONE, 0.0, (0.0, 0.0, 0.0)),
        ];
        let changes = cause_changes(&rows, "base", "v");
        let causes: Vec<&str> = changes.iter().map(|c| c.cause.as_str()).collect();
        assert_eq!(
            causes,
            [
                "handoff.refer.office_closed",
                "handoff.refer.duplicate_assessment",
                "wait.reablement_slot.busy"
            ]
        );
        assert!(changes[0].removed());
        assert_eq!(changes[1].direction(), None);
        assert_eq!(changes[2].direction(), Some(std::cmp::Ordering::Greater));
        let mut reduced = changes[0].clone();
        reduced.row.mean = 100.0;
        assert!(!reduced.removed());
        assert_eq!(reduced.direction(), Some(std::cmp::Ordering::Less));
    }
}
