//! Names for readers: the `label` a scenario gives a resource, pathway, step, referral source
//! or the run, else readable words made from the identifier ("reablement_slot" becomes
//! "Reablement slot", "rr_hca" becomes "RR HCA"); a resource's unit noun ("bed", "place"),
//! so that its blocked time reads "bed-days" or "place-days"; and every metric name in
//! words. The report, the charts and the console all take their words from here, so no
//! reader ever sees a snake_case identifier where a label belongs.
//!
//! Owns no formatting of numbers (that is `report::format`) and reads no files (the labels
//! are checked and resolved by `scenario::labels`).

use super::scenario::{PathwayId, ResourceId, Scenario, StepId};

/// Words that are read as initials in health and social care, upper-cased when an
/// identifier is turned into words: "rr_hca" reads "RR HCA", "d2a_p1" "D2A P1".
pub const ACRONYMS: [&str; 24] = [
    "ae", "ahp", "cqc", "d2a", "ed", "gp", "hca", "icb", "icu", "nhs", "nhse", "ot", "p0", "p1",
    "p2", "p3", "pt", "rr", "spa", "ucr", "uk", "mdt", "ctr", "los",
];

/// Longest label accepted [characters]: a label is a name, not a description.
pub const MAX_LABEL_LEN: usize = 80;

/// Longest unit noun accepted [characters].
pub const MAX_UNIT_LEN: usize = 30;

/// `identifier` in readable words: underscores become spaces, the first word is capitalised,
/// words in [`ACRONYMS`] are upper-cased. `reablement_slot` -> `Reablement slot`,
/// `rr_hca` -> `RR HCA`, `nhs_111` -> `NHS 111`.
pub fn readable(identifier: &str) -> String {
    let words: Vec<String> = identifier
        .split(['_', '-'])
        .filter(|w| !w.is_empty())
        .enumerate()
        .map(|(i, word)| {
            let lower = word.to_ascii_lowercase();
            if ACRONYMS.contains(&lower.as_str()) {
                lower.to_ascii_uppercase()
            } else if i == 0 {
                let mut chars = word.chars();
                chars.next().map_or(String::new(), |first| {
                    first.to_uppercase().chain(chars).collect::<String>()
                })
            } else {
                word.to_string()
            }
        })
        .collect();
    words.join(" ")
}

/// What one unit of a resource is called: `bed`/`beds`, `place`/`places`, `nurse`/`nurses`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitNoun {
    /// One unit: `bed`.
    pub singular: String,
    /// Several: `beds`.
    pub plural: String,
}

impl Default for UnitNoun {
    /// `unit`/`units`: for a resource that states no noun.
    fn default() -> Self {
        UnitNoun::new("unit", None)
    }
}

impl UnitNoun {
    /// The noun `singular`, with its plural as given or by the English rule of [`plural_of`].
    pub fn new(singular: &str, plural: Option<&str>) -> Self {
        UnitNoun {
            singular: singular.to_string(),
            plural: plural.map_or_else(|| plural_of(singular), str::to_string),
        }
    }

    /// Unit-days in this noun: `bed-days`, `place-days`.
    pub fn days(&self) -> String {
        format!("{}-days", self.singular)
    }

    /// Unit-hours in this noun: `nurse-hours`.
    pub fn hours(&self) -> String {
        format!("{}-hours", self.singular)
    }

    /// The noun for `count` units: `1 place`, `12 places` (singular only for exactly one).
    pub fn of(&self, count: f64) -> &str {
        if count == 1.0 {
            &self.singular
        } else {
            &self.plural
        }
    }
}

/// The regular English plural of `noun`: `bed` -> `beds`, `bus` -> `buses`,
/// `therapy` -> `therapies`, `day` -> `days`; the last word of a phrase
/// (`care-home place` -> `care-home places`).
pub fn plural_of(noun: &str) -> String {
    let lower = noun.to_ascii_lowercase();
    let vowel_before_y = lower
        .strip_suffix('y')
        .and_then(|stem| stem.chars().last())
        .is_some_and(|c| "aeiou".contains(c));
    if lower.ends_with('s')
        || lower.ends_with('x')
        || lower.ends_with('z')
        || lower.ends_with("ch")
        || lower.ends_with("sh")
    {
        format!("{noun}es")
    } else if lower.ends_with('y') && !vowel_before_y {
        format!("{}ies", &noun[..noun.len() - 1])
    } else {
        format!("{noun}s")
    }
}

/// The labels a scenario states, by id; `None` where it states none (the reader then sees
/// [`readable`] words of the identifier).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Labels {
    /// `[run] label`.
    pub run: Option<String>,
    /// Per resource, in id order.
    pub resources: Vec<Option<String>>,
    /// Per resource, in id order: what one unit is called.
    pub units: Vec<UnitNoun>,
    /// Per pathway, in id order.
    pub pathways: Vec<Option<String>>,
    /// Per step, in id order.
    pub steps: Vec<Option<String>>,
    /// Per referral source, in id order.
    pub sources: Vec<Option<String>>,
    /// Per key figure, in order: the resource whose unit its first term counts in, if any
    /// (so that `acute_bed.blocked` reads in bed-days).
    pub key_figure_resources: Vec<Option<ResourceId>>,
}

fn label_or(label: Option<&Option<String>>, name: &str) -> String {
    match label {
        Some(Some(label)) => label.clone(),
        _ => readable(name),
    }
}

impl Scenario {
    /// The run's title for readers: `[run] label`, else its name in words.
    pub fn title(&self) -> String {
        self.labels
            .run
            .clone()
            .unwrap_or_else(|| readable(&self.name))
    }

    /// A resource's label, else its name in words.
    pub fn resource_title(&self, resource: ResourceId) -> String {
        let r = resource.0 as usize;
        label_or(self.labels.resources.get(r), &self.resources[r].name)
    }

    /// A resource's unit noun (`unit` if the scenario states none).
    pub fn unit_noun(&self, resource: ResourceId) -> UnitNoun {
        self.labels
            .units
            .get(resource.0 as usize)
            .cloned()
            .unwrap_or_default()
    }

    /// A pathway's label, else its name in words.
    pub fn pathway_title(&self, pathway: PathwayId) -> String {
        let p = pathway.0 as usize;
        label_or(self.labels.pathways.get(p), &self.pathways[p].name)
    }

    /// A step's label, else its name in words (without its pathway).
    pub fn step_title(&self, step: StepId) -> String {
        let s = step.0 as usize;
        label_or(self.labels.steps.get(s), &self.steps[s].name)
    }

    /// A step with its pathway, for readers: `Rapid Response: urgent visit`.
    pub fn step_in_pathway(&self, step: StepId) -> String {
        let pathway = self.steps[step.0 as usize].pathway;
        format!(
            "{}: {}",
            self.pathway_title(pathway),
            lower_first(&self.step_title(step))
        )
    }

    /// A referral source's label by name, else the name in words.
    pub fn source_title(&self, name: &str) -> String {
        let index = self.sources.iter().position(|s| s.name == name);
        label_or(index.and_then(|i| self.labels.sources.get(i)), name)
    }

    /// The resource named `name`, if any.
    pub fn resource_named(&self, name: &str) -> Option<ResourceId> {
        self.resources
            .iter()
            .position(|r| r.name == name)
            .map(|r| ResourceId(r as u16))
    }

    /// The pathway named `name`, if any.
    pub fn pathway_named(&self, name: &str) -> Option<PathwayId> {
        self.pathways
            .iter()
            .position(|p| p.name == name)
            .map(|p| PathwayId(p as u16))
    }

    /// The step `step` of pathway `pathway`, if any.
    pub fn step_named(&self, pathway: &str, step: &str) -> Option<StepId> {
        let p = self.pathway_named(pathway)?;
        // A pathway's steps are contiguous in the step table, from its entry on.
        let start = self.pathways[p.0 as usize].entry.0 as usize;
        self.steps
            .iter()
            .enumerate()
            .skip(start.min(self.steps.len()))
            .take_while(|(_, s)| s.pathway == p)
            .find(|(_, s)| s.name == step)
            .map(|(i, _)| StepId(i as u32))
    }

    /// A resource's label by name, else the name in words.
    pub fn resource_title_named(&self, name: &str) -> String {
        self.resource_named(name)
            .map_or_else(|| readable(name), |r| self.resource_title(r))
    }

    /// A pathway's label by name, else the name in words.
    pub fn pathway_title_named(&self, name: &str) -> String {
        self.pathway_named(name)
            .map_or_else(|| readable(name), |p| self.pathway_title(p))
    }

    /// `pathway.step` (as in metric names) for readers: `Rapid Response: urgent visit`.
    pub fn step_title_named(&self, pathway: &str, step: &str) -> String {
        match self.step_named(pathway, step) {
            Some(id) => self.step_in_pathway(id),
            None => format!(
                "{}: {}",
                self.pathway_title_named(pathway),
                lower_first(&readable(step))
            ),
        }
    }

    /// The resource whose units `metric` counts (`acute_bed.blocked`,
    /// `rr_nurse.overtime`, a key figure over them), if any: for its unit noun.
    pub fn metric_resource(&self, metric: &str) -> Option<ResourceId> {
        if let Some(key) = metric.strip_prefix("key.") {
            let index = self.key_figures.iter().position(|f| f.name == key)?;
            return self
                .labels
                .key_figure_resources
                .get(index)
                .copied()
                .flatten();
        }
        let first = metric.split('.').next()?;
        self.resource_named(first)
    }

    /// The unit noun of `metric`'s units, if it counts units of a resource.
    pub fn metric_noun(&self, metric: &str) -> Option<UnitNoun> {
        self.metric_resource(metric).map(|r| self.unit_noun(r))
    }

    /// `metric` in words: a key figure's label, else a plain description built from the
    /// labels of what it measures (`wait.acute.admit.mean` -> `Acute stay: admit: mean
    /// wait`). Never the dotted name.
    pub fn metric_title(&self, metric: &str) -> String {
        if let Some(key) = metric.strip_prefix("key.")
            && let Some(figure) = self.key_figures.iter().find(|f| f.name == key)
        {
            return figure.label.clone();
        }
        let parts: Vec<&str> = metric.split('.').collect();
        match parts.as_slice() {
            ["cost", "total"] => "Total cost".to_string(),
            ["cost", "outcome", outcome] => format!("Cost of outcome: {}", readable(outcome)),
            ["cost", "wait", pathway, step] => format!(
                "Cost of waiting ({})",
                lower_first(&self.step_title_named(pathway, step))
            ),
            ["cost", resource, item] => format!(
                "{}: {}",
                self.resource_title_named(resource),
                match *item {
                    "staff" => "cost of rostered and overtime hours",
                    "capacity" => "cost of commissioned capacity",
                    "in_use" => "cost of units in use",
                    "blocked" => "cost of blocked units",
                    other =>
                        return format!(
                            "{}: cost, {}",
                            self.resource_title_named(resource),
                            readable(other).to_lowercase()
                        ),
                }
            ),
            ["wait", pathway, step, rest @ ..] => format!(
                "{}: {}",
                self.step_title_named(pathway, step),
                wait_words(&rest.join("."))
            ),
            ["visits", pathway, step, rest @ ..] => format!(
                "{} (home visits): {}",
                self.step_title_named(pathway, step),
                visits_words(rest)
            ),
            ["handoff", pathway, step, rest @ ..] => format!(
                "{} (referral): {}",
                self.step_title_named(pathway, step),
                match rest.join(".").as_str() {
                    "accepted" => "referrals accepted".to_string(),
                    "bounces" => "referrals bounced back".to_string(),
                    other => other.strip_prefix("delay.").map_or_else(
                        || readable(other).to_lowercase(),
                        |s| format!("{} delay", summary_words(s))
                    ),
                }
            ),
            ["attribution", pathway, "patients"] => {
                format!("{}: patients attributed", self.pathway_title_named(pathway))
            }
            [
                "attribution",
                pathway,
                cause @ ..,
                stat @ ("total_hours" | "hours_per_patient"),
            ] => {
                format!(
                    "{}: {} ({})",
                    self.pathway_title_named(pathway),
                    self.cause_title(pathway, &cause.join(".")),
                    if *stat == "total_hours" {
                        "hours in all"
                    } else {
                        "hours per patient"
                    }
                )
            }
            [
                "blocked",
                resource,
                "by_cause",
                pathway,
                cause @ ..,
                stat @ ("unit_days" | "share"),
            ] => {
                let noun = self
                    .resource_named(resource)
                    .map(|r| self.unit_noun(r))
                    .unwrap_or_default();
                format!(
                    "{}: blocked {} of {} patients {}{}",
                    self.resource_title_named(resource),
                    noun.days(),
                    lower_first(&self.pathway_title_named(pathway)),
                    self.cause_title(pathway, &cause.join(".")),
                    if *stat == "share" { " (share)" } else { "" }
                )
            }
            ["system", "in_system_at_end"] => "Patients in the system at the end".to_string(),
            [first, rest @ ..] if self.resource_named(first).is_some() => {
                let title = self.resource_title_named(first);
                let noun = self.metric_noun(metric).unwrap_or_default();
                let what = match rest {
                    ["available"] => format!("{} available (mean)", noun.plural),
                    ["busy"] => format!("{} in use (mean)", noun.plural),
                    ["utilisation"] => "utilisation".to_string(),
                    ["queue", "mean"] => "patients waiting (mean)".to_string(),
                    ["queue", "max"] => "patients waiting (most at once)".to_string(),
                    ["queue", "second_quarter"] => {
                        "patients waiting, second quarter of the run (mean)".to_string()
                    }
                    ["queue", "last_quarter"] => {
                        "patients waiting, last quarter of the run (mean)".to_string()
                    }
                    ["overtime"] => "overtime".to_string(),
                    ["blocked"] => format!("blocked {}", noun.days()),
                    ["blocked_stay", pathway, stat] => format!(
                        "ready to leave, {}: {}",
                        lower_first(&self.pathway_title_named(pathway)),
                        match *stat {
                            "count" => "stays".to_string(),
                            "total" => noun.days(),
                            other => format!("{} stay", summary_words(other)),
                        }
                    ),
                    other => readable(&other.join("_")).to_lowercase(),
                };
                format!("{title}: {what}")
            }
            [first, rest @ ..] if self.pathway_named(first).is_some() => {
                let title = self.pathway_title_named(first);
                let what = match rest {
                    ["arrivals"] => "patients entering".to_string(),
                    ["completed"] => "patients leaving".to_string(),
                    ["inside_at_end"] => "patients inside at the end".to_string(),
                    ["outcome", outcome] => format!("outcome {}", readable(outcome).to_lowercase()),
                    ["outcome", outcome, "share"] => {
                        format!("share with outcome {}", readable(outcome).to_lowercase())
                    }
                    ["time_in_pathway", stat] => format!("{} time in pathway", summary_words(stat)),
                    ["time_so_far", stat] => {
                        format!(
                            "{} time so far of those inside at the end",
                            summary_words(stat)
                        )
                    }
                    other => readable(&other.join("_")).to_lowercase(),
                };
                format!("{title}: {what}")
            }
            _ => parts
                .iter()
                .map(|p| readable(p))
                .collect::<Vec<_>>()
                .join(": "),
        }
    }

    /// An attribution cause of `pathway` (as in the `attribution.*` metric names and the
    /// trace's `cause` column) in plain words: `wait.reablement_slot.busy` -> "waiting for
    /// reablement places, all busy"; a `blocked.` cause reads "while holding a place: ...".
    pub fn cause_title(&self, pathway: &str, cause: &str) -> String {
        if let Some(rest) = cause.strip_prefix("blocked.") {
            return format!("while holding a place: {}", self.cause_title(pathway, rest));
        }
        let step = |name: &str| lower_first(&readable(name));
        let step_title = |name: &str| {
            self.step_named(pathway, name)
                .map_or_else(|| step(name), |id| lower_first(&self.step_title(id)))
        };
        let parts: Vec<&str> = cause.split('.').collect();
        match parts.as_slice() {
            ["service", s] => format!("in service ({})", step_title(s)),
            ["service", s, "paused"] => {
                format!("in service ({}), paused at a shift end", step_title(s))
            }
            ["delay", s] => format!("a set delay ({})", step_title(s)),
            ["visits_start", s] => format!("waiting for home visits to start ({})", step_title(s)),
            ["wait", r, "busy"] => format!(
                "waiting for {} (all busy)",
                lower_first(&self.resource_title_named(r))
            ),
            ["wait", r, "off_duty"] => format!(
                "waiting for {} (nobody on duty)",
                lower_first(&self.resource_title_named(r))
            ),
            ["handoff", s, what] => format!(
                "{}: {}",
                step_title(s),
                match *what {
                    "office_closed" => "waiting for the office to open".to_string(),
                    "processing" => "being processed".to_string(),
                    "bounced" => "bounced back and re-sent".to_string(),
                    "duplicate_assessment" => "duplicate assessment".to_string(),
                    "paused" => "paused at a shift end".to_string(),
                    other => readable(other).to_lowercase(),
                }
            ),
            _ => parts
                .iter()
                .map(|p| readable(p).to_lowercase())
                .collect::<Vec<_>>()
                .join(": "),
        }
    }

    /// An attribution cause of `pathway` in a few words, for chart legends and table cells
    /// where the pathway and "delayed" are said once around it (the one rule every chart of
    /// causes uses): the step or resource, then what happened, capitalised.
    /// `handoff.refer_to_social_care.office_closed` -> "Refer to social care: office closed",
    /// `wait.reablement_slot.busy` -> "Waiting for reablement slot", `wait.R.off_duty` ->
    /// "R: nobody on duty", `service.S` and `delay.S` -> the step's title; a `blocked.` cause
    /// reads as the cause it is blocked by. See [`Scenario::cause_title`] for the sentence
    /// form.
    pub fn cause_short(&self, pathway: &str, cause: &str) -> String {
        let cause = cause.strip_prefix("blocked.").unwrap_or(cause);
        let step_title = |name: &str| {
            self.step_named(pathway, name)
                .map_or_else(|| readable(name), |id| self.step_title(id))
        };
        let parts: Vec<&str> = cause.split('.').collect();
        match parts.as_slice() {
            ["service" | "delay", s] => step_title(s),
            ["service", s, "paused"] => format!("{}: paused", step_title(s)),
            ["visits_start", s] => format!("{}: waiting to start", step_title(s)),
            ["wait", r, "busy"] => {
                format!("Waiting for {}", lower_first(&self.resource_title_named(r)))
            }
            ["wait", r, "off_duty"] => {
                format!("{}: nobody on duty", self.resource_title_named(r))
            }
            ["handoff", s, what] => format!(
                "{}: {}",
                step_title(s),
                match *what {
                    "office_closed" => "office closed".to_string(),
                    "processing" => "processing".to_string(),
                    "bounced" => "bounced back".to_string(),
                    "duplicate_assessment" => "duplicate assessment".to_string(),
                    "paused" => "paused".to_string(),
                    other => readable(other).to_lowercase(),
                }
            ),
            _ => readable(&parts.join("_")),
        }
    }

    /// A daily series of `carepath warmup` (`acute_bed.busy`, `acute_bed.queue`,
    /// `system.in_system`) in words, with its unit: `Acute beds: beds in use`.
    pub fn series_title(&self, series: &str) -> String {
        match series.split_once('.') {
            Some(("system", "in_system")) => "Patients in the system".to_string(),
            Some((resource, what)) => {
                let title = self.resource_title_named(resource);
                let noun = self
                    .resource_named(resource)
                    .map(|r| self.unit_noun(r))
                    .unwrap_or_default();
                match what {
                    "busy" => format!("{title}: {} in use", noun.plural),
                    "queue" => format!("{title}: patients waiting"),
                    other => format!("{title}: {}", readable(other).to_lowercase()),
                }
            }
            None => readable(series),
        }
    }

    /// A sweep key (`resources.reablement_slot.count`) as an axis title: the swept item's
    /// label and unit (`Reablement places`).
    pub fn key_title(&self, key: &str) -> String {
        let parts: Vec<&str> = key.split('.').collect();
        match parts.as_slice() {
            ["resources", resource, field] if self.resource_named(resource).is_some() => {
                let id = self.resource_named(resource).unwrap_or(ResourceId(0));
                let title = self.resource_title(id);
                let noun = self.unit_noun(id);
                match *field {
                    "count" => {
                        if title.to_lowercase().ends_with(&noun.plural.to_lowercase()) {
                            title
                        } else {
                            format!("{title}: {}", noun.plural)
                        }
                    }
                    "cost_per_hour" => format!("{title}: cost per {} per hour (£)", noun.singular),
                    "cost_per_day_in_use" => {
                        format!("{title}: cost per {} per day in use (£)", noun.singular)
                    }
                    "cost_per_day_available" => {
                        format!("{title}: cost per {} per day available (£)", noun.singular)
                    }
                    other => format!("{title}: {}", readable(other).to_lowercase()),
                }
            }
            ["arrivals", source, "per_day"] => {
                format!("{}: referrals per day", self.source_title(source))
            }
            ["arrivals", source, field] => {
                format!(
                    "{}: {}",
                    self.source_title(source),
                    readable(field).to_lowercase()
                )
            }
            ["run", field] => readable(field),
            _ => parts
                .iter()
                .filter(|p| !matches!(**p, "resources" | "pathways" | "arrivals" | "steps"))
                .map(|p| readable(p))
                .collect::<Vec<_>>()
                .join(": "),
        }
    }
}

/// A home-visit metric's suffix in words: `caseload` -> `patients in the episode (mean)`.
fn visits_words(rest: &[&str]) -> String {
    match rest {
        ["started"] => "episodes started".to_string(),
        ["wait_to_start", stat] => format!("{} wait to start", summary_words(stat)),
        ["caseload"] => "patients receiving visits (mean a day)".to_string(),
        ["visits_per_day"] => "visits delivered a day".to_string(),
        ["capacity_per_day"] => "carer-visits a day that capacity allows".to_string(),
        ["carer_visits_per_day"] => "carer-visits delivered a day".to_string(),
        ["missed"] => "visits missed".to_string(),
        ["missed_share"] => "share of visits missed".to_string(),
        ["carer_utilisation"] => "carer utilisation".to_string(),
        ["carer_utilisation", resource] => {
            format!("carer utilisation, {}", readable(resource).to_lowercase())
        }
        ["travel_share"] => "share of carer time spent travelling".to_string(),
        other => readable(&other.join("_")).to_lowercase(),
    }
}

/// A wait metric's suffix in words: `mean` -> `mean wait`, `within_4h` -> `share within 4h`.
fn wait_words(suffix: &str) -> String {
    match suffix {
        "waits" => "patients reaching the wait".to_string(),
        "share_waiting" => "share who had to wait".to_string(),
        "within_deadline" => "share within the deadline".to_string(),
        "fallbacks" => "patients past the deadline".to_string(),
        "served_mean" => "mean wait of those served".to_string(),
        "balked" => "patients turned away (queue full)".to_string(),
        "balked_share" => "share turned away (queue full)".to_string(),
        other => match other.strip_prefix("within_") {
            Some(target) => format!("share within {}", target.replace('_', ".")),
            None => format!("{} wait", summary_words(other)),
        },
    }
}

/// `mean`, `p50`, `p90`, `p95` in words.
fn summary_words(stat: &str) -> String {
    match stat {
        "mean" => "mean".to_string(),
        "p50" => "median".to_string(),
        "p90" => "90th percentile".to_string(),
        "p95" => "95th percentile".to_string(),
        other => readable(other).to_lowercase(),
    }
}

/// `text` with its first letter lower-cased, unless its first word is an acronym or a name
/// (two capitals in a row, or a capital after the first letter).
pub fn lower_first(text: &str) -> String {
    let first_word = text.split(' ').next().unwrap_or("");
    if first_word.chars().skip(1).any(char::is_uppercase) {
        return text.to_string();
    }
    let mut chars = text.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// Whether `text` holds a snake_case identifier (two lower-case words joined by `_`): what
/// a reader must never see where a label belongs.
pub fn has_snake_case(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .any(|token| {
            let parts: Vec<&str> = token.split('_').collect();
            parts.len() > 1
                && parts.iter().all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                })
                && parts
                    .iter()
                    .any(|p| p.chars().any(|c| c.is_ascii_lowercase()))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_read_as_words_with_acronyms_in_capitals() {
        assert_eq!(readable("reablement_slot"), "Reablement slot");
        assert_eq!(readable("rr_hca"), "RR HCA");
        assert_eq!(readable("d2a_p1"), "D2A P1");
        assert_eq!(readable("nhs_111"), "NHS 111");
        assert_eq!(readable("gp"), "GP");
        assert_eq!(readable("acute"), "Acute");
    }

    #[test]
    fn plurals_follow_the_english_rule_unless_given() {
        assert_eq!(plural_of("bed"), "beds");
        assert_eq!(plural_of("place"), "places");
        assert_eq!(plural_of("nurse"), "nurses");
        assert_eq!(plural_of("bus"), "buses");
        assert_eq!(plural_of("batch"), "batches");
        assert_eq!(plural_of("therapy"), "therapies");
        assert_eq!(plural_of("day"), "days");
        assert_eq!(plural_of("care-home place"), "care-home places");
        let staff = UnitNoun::new("staff member", Some("staff"));
        assert_eq!(staff.plural, "staff");
        assert_eq!(staff.of(1.0), "staff member");
        assert_eq!(staff.of(12.0), "staff");
        assert_eq!(UnitNoun::new("place", None).days(), "place-days");
        assert_eq!(UnitNoun::default().days(), "unit-days");
    }

    #[test]
    fn snake_case_is_found_and_words_pass() {
        assert!(has_snake_case("Waits for reablement_slot now"));
        assert!(has_snake_case("d2a_p1"));
        assert!(!has_snake_case("Reablement slot, D2A P1, 8_000"));
        assert!(!has_snake_case("summary.csv and RR_HCA"));
        assert_eq!(lower_first("Acute stay"), "acute stay");
        assert_eq!(lower_first("RR HCA visit"), "RR HCA visit");
    }
}
