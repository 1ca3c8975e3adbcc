//! Which way a key figure is better, its target, and whether it is the objective designs are
//! ranked on: `better = "higher" | "lower"`, `target = <number in the figure's unit>` and
//! `objective = true` under `[key_figures.NAME]`, checked with located errors.
//!
//! A target needs a direction: without `better`, 0.70 could be a floor or a ceiling, so a
//! target without `better` is an error rather than a guess. The objective needs one too
//! (the best design is the one furthest in the better direction), and a scenario has at most
//! one objective.

use super::diagnostics::Problems;
use super::file::KeyFigureFile;
use crate::model::Unit;
use crate::model::scenario::Better;

/// A key figure's direction, target and objective flag, as checked.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Judgement {
    /// Which way is better (`None` when the file does not say, or says something invalid).
    pub better: Option<Better>,
    /// The target, in the figure's unit.
    pub target: Option<f64>,
    /// Whether designs are ranked on this figure.
    pub objective: bool,
}

/// Checks `better`, `target` and `objective` of key figure `name` (whose metrics are in
/// `unit`), recording every problem in `problems`; `objective_already` names an earlier
/// figure that is already the objective.
pub fn judgement(
    problems: &mut Problems,
    name: &str,
    figure: &KeyFigureFile,
    unit: Unit,
    objective_already: Option<&str>,
) -> Judgement {
    let better = figure
        .better
        .as_ref()
        .and_then(|b| match b.get_ref().as_str() {
            "higher" => Some(Better::Higher),
            "lower" => Some(Better::Lower),
            other => {
                problems.add(
                    b.span(),
                    format!("`better` must be \"higher\" or \"lower\", found \"{other}\""),
                    "better = \"higher\" when more is good (a share within a target), \"lower\" when less is good (a wait, a cost)",
                );
                None
            }
        });
    let target = figure.target.as_ref().and_then(|t| {
        let value = *t.get_ref();
        if !value.is_finite() {
            problems.add(
                t.span(),
                format!("`target` of key figure `{name}` must be a number, found {value}"),
                "write the target in the figure's unit, e.g. target = 0.70 for a share of 70%",
            );
            return None;
        }
        if unit == Unit::Fraction && !(0.0..=1.0).contains(&value) {
            problems.add(
                t.span(),
                format!(
                    "key figure `{name}` is a share, so its `target` is a fraction from 0 to 1, found {value}"
                ),
                &format!(
                    "write {} for {value}%",
                    crate::model::describe::number(value / 100.0)
                ),
            );
            return None;
        }
        if figure.better.is_none() {
            problems.add(
                t.span(),
                format!(
                    "key figure `{name}` has a `target` but no `better`: is {value} a floor or a ceiling?"
                ),
                "add better = \"higher\" (the target is met at or above it) or better = \"lower\" (met at or below it)",
            );
        }
        Some(value)
    });
    let objective = figure.objective.as_ref().is_some_and(|o| {
        if !*o.get_ref() {
            return false;
        }
        if let Some(other) = objective_already {
            problems.add(
                o.span(),
                format!("key figure `{other}` is already the objective; a scenario ranks designs on one figure"),
                "keep `objective = true` on one key figure only",
            );
            return false;
        }
        if figure.better.is_none() {
            problems.add(
                o.span(),
                format!("the objective `{name}` needs a direction: is more or less better?"),
                "add better = \"lower\" (e.g. a cost) or better = \"higher\" (e.g. a share seen in time)",
            );
        }
        true
    });
    Judgement {
        better,
        target,
        objective,
    }
}
