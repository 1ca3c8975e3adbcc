//! Resource keys that could not change a run, refused so that an analyst does not believe a
//! rule is in force when it never acts (issue 12 and 13 audit):
//!
//! - `queue = "first_fit"` on a resource that no step asks for in several units, nor
//!   together with another resource: every request is then one unit alone, so the first in
//!   line can start whenever a unit is free and nobody ever has anyone to pass;
//! - `at_shift_end = "pause"` on a resource whose capacity never falls (a fixed `count`, or
//!   a roster at one level all week, no dated periods or bank-holiday rosters): no shift
//!   ever ends, so there is never work to pause (a surge rule, whose units close, counts as
//!   a fall);
//! - either key on carers who make home visits (`visits` steps with a `resource`): their
//!   visits are given to carers at clock times after the run, each placed whole inside a
//!   shift, never queued and never cut short.
//!
//! Both are checked on the compiled scenario, after any `--set`, since a roster (and so
//! shift ends) or a request for several units may come from there. Each problem is placed at
//! the key's value with a `help:` line.

use super::diagnostics::Problems;
use super::file::ScenarioFile;
use super::requests::PendingRequest;
use crate::model::scenario::{QueueOrder, Resource, ShiftEnd};
use crate::model::visit_plan::{VisitCapacity, VisitEpisode};

/// Refuses `first_fit` and `pause` where they could never act (see the module header).
/// `resources` are compiled from `file` in its order; `pending` are the requests for more
/// than one unit of one resource; `visits` the compiled home-visit episodes.
pub fn check(
    problems: &mut Problems,
    file: &ScenarioFile,
    resources: &[Resource],
    pending: &[PendingRequest],
    visits: &[VisitEpisode],
) {
    if file.resources.len() != resources.len() {
        return;
    }
    let makes_visits = |r: usize| {
        visits.iter().any(|e| match &e.capacity {
            VisitCapacity::Roster { resources } => resources.iter().any(|c| c.0 as usize == r),
            VisitCapacity::Slots { .. } => false,
        })
    };
    for (r, ((name, written), resource)) in file.resources.iter().zip(resources).enumerate() {
        let written = written.get_ref();
        if makes_visits(r) {
            let keys = [
                (
                    resource.queue_order == QueueOrder::FirstFit,
                    written.queue.as_ref().map(|q| q.span()),
                    "queue = \"first_fit\"",
                    "queue",
                ),
                (
                    resource.at_shift_end == ShiftEnd::Pause,
                    written.at_shift_end.as_ref().map(|v| v.span()),
                    "at_shift_end = \"pause\"",
                    "at_shift_end",
                ),
            ];
            for (set, span, key, bare) in keys {
                if let (true, Some(span)) = (set, span) {
                    problems.add(
                        span,
                        format!(
                            "`{key}` on `{name}` changes nothing: `{name}` makes home visits, which are given to carers at clock times after the run, each whole inside a shift, never queued and never cut short"
                        ),
                        &format!("leave `{bare}` out"),
                    );
                }
            }
            continue;
        }
        if resource.queue_order == QueueOrder::FirstFit
            && !asked_with_others(pending, r)
            && let Some(queue) = &written.queue
        {
            problems.add(
                queue.span(),
                format!(
                    "`queue = \"first_fit\"` on `{name}` changes nothing: every step asks for one unit of `{name}` alone, so the first in line can always start when a unit is free"
                ),
                &format!(
                    "leave `queue` out; first_fit matters when some step asks for `{name}` in several units (units = 2) or with another resource (resources = [\"{name}\", \"car\"])"
                ),
            );
        }
        if resource.at_shift_end == ShiftEnd::Pause
            && never_falls(resource)
            && let Some(value) = &written.at_shift_end
            // One problem per key: another rule may have refused it already.
            && !problems.0.iter().any(|p| p.span == value.span())
        {
            problems.add(
                value.span(),
                format!(
                    "`at_shift_end = \"pause\"` on `{name}` changes nothing: `{name}` has the same number of units all the time, so no shift ever ends"
                ),
                &format!(
                    "leave `at_shift_end` out, or give `{name}` a `roster` whose shifts end, e.g. roster = [{{ days = [\"weekdays\"], start = \"09:00\", end = \"17:00\", count = 5 }}]"
                ),
            );
        }
    }
}

/// Whether some request asks for resource `r` in several units, or with another resource
/// (all at once): only then can a smaller request behind it start first.
fn asked_with_others(pending: &[PendingRequest], r: usize) -> bool {
    pending.iter().any(|p| {
        p.parts.iter().any(|&(id, _)| id.0 as usize == r)
            && (p.parts.iter().any(|&(_, units)| units > 1) || (!p.any_of && p.parts.len() > 1))
    })
}

/// Whether the capacity of `resource` never falls: constant all week and no dated schedule
/// (periods, bank holidays), and no surge rule (surge units closing end work as a shift
/// end does).
fn never_falls(resource: &Resource) -> bool {
    resource.schedule.is_constant() && resource.dated.is_none() && resource.surge.is_none()
}
