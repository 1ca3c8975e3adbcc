//! What a variant changes, in plain words: the settings of two compiled designs (see
//! [`crate::model::describe::facts`]) matched by key, and every one whose words differ,
//! e.g. "Social care: opening hours: Mon–Fri 09:00–17:00 → every day 09:00–17:00".
//!
//! Differences are judged on the words, so a change below the printed precision (a
//! probability moved by less than 0.05 of a percentage point) is not listed.

use crate::model::describe::{Fact, facts};
use crate::model::scenario::Scenario;

/// What a design has where another has no such setting (a step or resource of its own).
pub const ABSENT: &str = "not in this design";

/// One setting that differs between the base and a variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Stable key of the setting (see [`Fact::key`]).
    pub key: String,
    /// What the setting is, in words.
    pub title: String,
    /// Its value in the base, in words ([`ABSENT`] if the base has no such setting).
    pub base: String,
    /// Its value in the variant, in words ([`ABSENT`] if the variant has none).
    pub variant: String,
}

impl std::fmt::Display for Difference {
    /// "Reablement slot: 122 → 146".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {} → {}", self.title, self.base, self.variant)
    }
}

/// Every setting of `variant` that differs from `base`, in the base's order, then the
/// settings only the variant has.
pub fn differences(base: &Scenario, variant: &Scenario) -> Vec<Difference> {
    differences_of(&facts(base), &facts(variant))
}

/// [`differences`] between two lists of facts.
pub fn differences_of(base: &[Fact], variant: &[Fact]) -> Vec<Difference> {
    let mut out = Vec::new();
    for fact in base {
        let other = variant.iter().find(|f| f.key == fact.key);
        if other.is_none_or(|o| o.value != fact.value) {
            out.push(Difference {
                key: fact.key.clone(),
                title: fact.title.clone(),
                base: fact.value.clone(),
                variant: other.map_or(ABSENT.to_string(), |o| o.value.clone()),
            });
        }
    }
    for fact in variant {
        if !base.iter().any(|f| f.key == fact.key) {
            out.push(Difference {
                key: fact.key.clone(),
                title: fact.title.clone(),
                base: ABSENT.to_string(),
                variant: fact.value.clone(),
            });
        }
    }
    out
}

/// A setting that differs in at least one design, with its value in every design.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DifferingSetting {
    /// What the setting is, in words.
    pub title: String,
    /// Its value in each design, in the designs' order ([`ABSENT`] where a design has none).
    pub values: Vec<String>,
}

/// The settings in which any design differs from the first, each with every design's
/// value side by side (for the report's assumptions), in the order they are first met.
pub fn differing_settings(designs: &[&Scenario]) -> Vec<DifferingSetting> {
    let all: Vec<Vec<Fact>> = designs.iter().map(|d| facts(d)).collect();
    let Some(base) = all.first() else {
        return Vec::new();
    };
    let mut keys: Vec<(String, String)> = Vec::new();
    for variant in &all[1..] {
        for d in differences_of(base, variant) {
            if !keys.iter().any(|(k, _)| *k == d.key) {
                keys.push((d.key, d.title));
            }
        }
    }
    keys.into_iter()
        .map(|(key, title)| DifferingSetting {
            title,
            values: all
                .iter()
                .map(|facts| {
                    facts
                        .iter()
                        .find(|f| f.key == key)
                        .map_or(ABSENT.to_string(), |f| f.value.clone())
                })
                .collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse;

    /// The small scenario that uses every kind of step.
    const BASE: &str = include_str!("../../scenarios/small_rich.toml");

    /// The differences of the base changed by replacing `from` with `to` in its text.
    fn changed(replacements: &[(&str, &str)]) -> Vec<String> {
        let mut text = BASE.to_string();
        for (from, to) in replacements {
            assert!(text.contains(from), "the base has no `{from}`");
            text = text.replacen(from, to, 1);
        }
        let base = parse("base.toml", BASE).unwrap().scenario;
        let variant = parse("variant.toml", &text).unwrap().scenario;
        differences(&base, &variant)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_design_is_no_different_from_itself() {
        assert_eq!(changed(&[]), Vec::<String>::new());
    }

    #[test]
    fn office_hours_read_as_days_and_times() {
        assert_eq!(
            changed(&[(
                "hours = [{ days = [\"weekdays\"], start = \"09:00\", end = \"17:00\" }]",
                "hours = [{ days = [\"every_day\"], start = \"09:00\", end = \"17:00\" }]"
            )]),
            ["Social care office: opening hours: Mon–Fri 09:00–17:00 → every day 09:00–17:00"]
        );
    }

    #[test]
    fn a_capacity_and_a_roster_read_as_units() {
        assert_eq!(
            changed(&[("count = 20\n", "count = 24\n")]),
            ["Reablement slot: 20 → 24"]
        );
        assert_eq!(
            changed(&[(
                "start = \"12:00\", end = \"20:00\", count = 1",
                "start = \"12:00\", end = \"20:00\", count = 2"
            )]),
            [
                "RR nurse: Mon–Fri 08:00–12:00 × 2, 12:00–20:00 × 3; Sat–Sun 08:00–20:00 × 2 \
                 (208 hours a week in all) → Mon–Fri 08:00–12:00 × 2, 12:00–20:00 × 4; \
                 Sat–Sun 08:00–20:00 × 2 (248 hours a week in all)"
            ]
        );
    }

    #[test]
    fn branch_probabilities_read_as_shares_of_each_route() {
        assert_eq!(
            changed(&[(
                "probability = 0.8 }, { to = \"convey\", probability = 0.2",
                "probability = 0.9 }, { to = \"convey\", probability = 0.1"
            )]),
            ["Rapid response: escalate: follow up 80%, convey 20% → follow up 90%, convey 10%"]
        );
    }

    #[test]
    fn a_route_taken_by_every_patient_reads_as_all() {
        assert_eq!(
            changed(&[(
                "probability = 0.8 }, { to = \"convey\", probability = 0.2",
                "probability = 0.0 }, { to = \"convey\", probability = 1.0"
            )]),
            ["Rapid response: escalate: follow up 80%, convey 20% → all to convey"]
        );
    }

    #[test]
    fn handoff_rules_each_read_on_their_own() {
        assert_eq!(
            changed(&[(
                "bounce_probability = 0.1, rework = { fixed = \"1 d\" }, duplicate_assessment = { uniform = { min = \"2 h\", max = \"6 h\" } }",
                "bounce_probability = 0.05, rework = { fixed = \"1 d\" }, duplicate_assessment = { fixed = \"0 h\" }"
            )]),
            [
                "Hospital: refer social care: bounced back: 10% → 5%",
                "Hospital: refer social care: duplicate assessment: uniform 2–6 h → none",
            ]
        );
    }

    #[test]
    fn durations_read_as_distributions_in_words() {
        assert_eq!(
            changed(&[(
                "log_normal = { mean = \"4 d\", sd = \"3 d\" }",
                "log_normal = { mean = \"3 d\", sd = \"1 d\" }"
            )]),
            [
                "Hospital: treatment: time taken: lognormal, mean 4 d, sd 3 d → lognormal, mean 3 d, sd 1 d"
            ]
        );
        // The same time in another unit is no change: the compiled model is compared.
        assert_eq!(
            changed(&[(
                "log_normal = { mean = \"4 d\", sd = \"3 d\" }",
                "log_normal = { mean = \"96 h\", sd = \"72 h\" }"
            )]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn costs_read_in_pounds() {
        assert_eq!(
            changed(&[("cost_per_hour = 58.0", "cost_per_hour = 61.5")]),
            ["RR nurse: cost per hour on duty: £58 → £61.5"]
        );
    }

    #[test]
    fn demand_reads_as_referrals_per_day_growth_and_surges() {
        assert_eq!(
            changed(&[("per_day = 2.0", "per_day = 2.5")]),
            ["Ambulance referrals per day: 2 → 2.5"]
        );
        assert_eq!(
            changed(&[("growth_per_year = 0.03", "growth_per_year = 0.05")]),
            ["Emergency admissions referrals: growth per year: 3% → 5%"]
        );
        let surge = changed(&[(
            "[run]",
            "[[demand_changes]]\nstart = \"10 w\"\nlength = \"12 w\"\nfactor = 1.15\n\n[run]",
        )]);
        assert_eq!(
            surge,
            [
                "Temporary changes in demand: none → × 1.15 from day 70 to day 154 after the start, \
              warm-up included (all sources)"
            ]
        );
    }

    #[test]
    fn designs_side_by_side_list_only_the_settings_that_differ() {
        let base = parse("base.toml", BASE).unwrap().scenario;
        let more = parse(
            "more.toml",
            &BASE.replacen("count = 20\n", "count = 24\n", 1),
        )
        .unwrap()
        .scenario;
        let costlier = parse(
            "costlier.toml",
            &BASE.replacen("cost_per_hour = 58.0", "cost_per_hour = 60", 1),
        )
        .unwrap()
        .scenario;
        let rows = differing_settings(&[&base, &more, &costlier]);
        assert_eq!(
            rows,
            [
                DifferingSetting {
                    title: "Reablement slot".into(),
                    values: vec!["20".into(), "24".into(), "20".into()],
                },
                DifferingSetting {
                    title: "RR nurse: cost per hour on duty".into(),
                    values: vec!["£58".into(), "£58".into(), "£60".into()],
                },
            ]
        );
    }
}
