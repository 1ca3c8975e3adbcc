//! Checks the `label`, `unit` and `unit_plural` keys of a scenario file and resolves them into
//! the scenario's [`Labels`] (see `model::labels` for how readers see them).
//!
//! A label is one line of plain text for readers: not empty, at most
//! [`MAX_LABEL_LEN`](crate::model::labels::MAX_LABEL_LEN) characters, no control characters.
//! A unit noun is a singular noun in letters, spaces or hyphens ("bed", "care-home place").

use toml::Spanned;

use super::diagnostics::Problems;
use super::file::ScenarioFile;
use crate::model::Unit;
use crate::model::labels::{Labels, MAX_LABEL_LEN, MAX_UNIT_LEN, UnitNoun};
use crate::model::scenario::{ResourceId, Scenario};

/// The checked label of `label`, or `None` (with a located problem) if it breaks the rule.
fn checked_label(problems: &mut Problems, label: &Spanned<String>, of: &str) -> Option<String> {
    let text = label.get_ref().trim();
    let length = text.chars().count();
    if text.is_empty() || length > MAX_LABEL_LEN || text.chars().any(char::is_control) {
        problems.add(
            label.span(),
            format!(
                "the `label` of {of} must be one line of 1 to {MAX_LABEL_LEN} characters, found \"{}\" ({length} characters)",
                label.get_ref().escape_debug()
            ),
            "a short name for readers, e.g. label = \"Reablement places\"; put longer text in `description`",
        );
        return None;
    }
    Some(text.to_string())
}

/// The checked noun `noun` (`unit` or `unit_plural` of resource `resource`).
fn checked_noun(
    problems: &mut Problems,
    noun: &Spanned<String>,
    key: &str,
    resource: &str,
) -> Option<String> {
    let text = noun.get_ref().trim();
    let length = text.chars().count();
    let letters = text
        .chars()
        .all(|c| c.is_alphabetic() || c == ' ' || c == '-');
    if text.is_empty() || length > MAX_UNIT_LEN || !letters {
        problems.add(
            noun.span(),
            format!(
                "`{key}` of resource `{resource}` must be a noun of 1 to {MAX_UNIT_LEN} letters, spaces or hyphens, found \"{}\"",
                noun.get_ref().escape_debug()
            ),
            "what one unit is called, singular, e.g. unit = \"bed\", unit = \"place\" or unit = \"nurse\"",
        );
        return None;
    }
    Some(text.to_string())
}

/// Every label and unit noun of `file`, by the ids of `scenario`; each bad one is a located
/// problem. `catalogue` is the scenario's metrics with units (empty if not built), for the
/// resource each key figure counts in.
pub fn compile(
    problems: &mut Problems,
    file: &ScenarioFile,
    scenario: &Scenario,
    catalogue: &[(String, Unit)],
) -> Labels {
    let run = file
        .run
        .label
        .as_ref()
        .and_then(|l| checked_label(problems, l, "[run]"));
    let mut resources = Vec::new();
    let mut units = Vec::new();
    for resource in &scenario.resources {
        let Some(spec) = file.resources.get(&resource.name) else {
            resources.push(None);
            units.push(UnitNoun::default());
            continue;
        };
        let spec = spec.get_ref();
        let of = format!("resource `{}`", resource.name);
        resources.push(
            spec.label
                .as_ref()
                .and_then(|l| checked_label(problems, l, &of)),
        );
        let singular = spec
            .unit
            .as_ref()
            .and_then(|u| checked_noun(problems, u, "unit", &resource.name));
        let plural = spec
            .unit_plural
            .as_ref()
            .and_then(|u| checked_noun(problems, u, "unit_plural", &resource.name));
        if let (None, Some(plural)) = (&spec.unit, &spec.unit_plural) {
            problems.add(
                plural.span(),
                format!(
                    "resource `{}` has `unit_plural` but no `unit`",
                    resource.name
                ),
                "give the singular too, e.g. unit = \"staff member\" with unit_plural = \"staff\"",
            );
        }
        units.push(match singular {
            Some(singular) => UnitNoun::new(&singular, plural.as_deref()),
            None => UnitNoun::default(),
        });
    }
    let pathways = scenario
        .pathways
        .iter()
        .map(|p| {
            let spec = file.pathways.get(&p.name)?;
            let of = format!("pathway `{}`", p.name);
            spec.get_ref()
                .label
                .as_ref()
                .and_then(|l| checked_label(problems, l, &of))
        })
        .collect();
    // The step table lists the file's steps pathway by pathway, in file order: one pass
    // (a pathway of 100,000 steps must not be searched once per step).
    let mut steps: Vec<Option<String>> = Vec::with_capacity(scenario.steps.len());
    for (pathway, spec) in &file.pathways {
        for step in spec.get_ref().steps.get_ref() {
            let step = step.get_ref();
            let label = step.label.as_ref().and_then(|l| {
                let of = format!("step `{}` of pathway `{pathway}`", step.name.get_ref());
                checked_label(problems, l, &of)
            });
            steps.push(label);
        }
    }
    let in_step_order = steps.len() == scenario.steps.len()
        && file
            .pathways
            .values()
            .flat_map(|p| p.get_ref().steps.get_ref())
            .zip(&scenario.steps)
            .all(|(written, compiled)| written.get_ref().name.get_ref() == &compiled.name);
    if !in_step_order {
        steps = vec![None; scenario.steps.len()];
    }
    let sources = scenario
        .sources
        .iter()
        .map(|s| {
            let spec = file.arrivals.get(&s.name)?;
            let of = format!("arrivals `{}`", s.name);
            spec.get_ref()
                .label
                .as_ref()
                .and_then(|l| checked_label(problems, l, &of))
        })
        .collect();
    let key_figure_resources = scenario
        .key_figures
        .iter()
        .map(|figure| {
            let (name, unit) = catalogue.get(*figure.terms.first()?)?;
            if !matches!(unit, Unit::UnitDays | Unit::UnitHours | Unit::Units) {
                return None;
            }
            let first = name.split('.').next()?;
            scenario
                .resources
                .iter()
                .position(|r| r.name == first)
                .map(|r| ResourceId(r as u16))
        })
        .collect();
    Labels {
        run,
        resources,
        units,
        pathways,
        steps,
        sources,
        key_figure_resources,
    }
}
