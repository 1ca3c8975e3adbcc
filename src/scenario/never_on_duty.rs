//! Resources that never have a unit on duty, warned about (not refused) when a scenario is
//! loaded: a `count = 0` with no roster, dated period or surge (flex) rule that ever gives
//! a unit means every patient who reaches a step needing it waits there to the end of the
//! run, and the figures alone say little about why. A sweep may start a count at 0
//! (`--vary resources.x.count=0,1,2`), so it stays allowed.
//!
//! Knows nothing of rendering: the warnings are problems placed in the scenario text, which
//! `scenario::load_with` locates in the user's files and renders (`diagnostics`).

use super::diagnostics::Problem;
use super::file::ScenarioFile;
use crate::model::scenario::Scenario;

/// One warning for each resource of `scenario` (compiled from `file`, in the same order)
/// that no roster, dated period or surge rule ever gives a unit: at its `count` (or its
/// `roster`, or the resource, where there is no `count`).
pub fn warnings(file: &ScenarioFile, scenario: &Scenario) -> Vec<Problem> {
    file.resources
        .iter()
        .zip(&scenario.resources)
        .filter(|(_, resource)| resource.peak() == 0 && resource.surge.is_none())
        .map(|((name, written), _)| {
            let written_ref = written.get_ref();
            let (span, what) = match (&written_ref.count, &written_ref.roster) {
                (Some(count), _) => (count.span(), format!("`count = {}`", count.get_ref())),
                (None, Some(roster)) => (
                    roster.span(),
                    "its roster has no unit on any shift".to_string(),
                ),
                (None, None) => (written.span(), "it has no units".to_string()),
            };
            Problem::new(
                span,
                format!(
                    "no unit of `{name}` is ever on duty ({what}, and no roster, dated period or surge rule gives it one), so every patient who reaches a step needing `{name}` waits there to the end of the run: none is served, so those waits have no value (\"no patients\") and the queue grows"
                ),
            )
            .help(format!(
                "give `{name}` a count above 0, or a roster with units on shift"
            ))
        })
        .collect()
}
