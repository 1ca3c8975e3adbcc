//! Staffed referral offices and work at a shift end, as written in a scenario file: a
//! handoff's `by` (the resource whose staff read referrals) and a resource's
//! `at_shift_end` (`"finish"` or `"pause"`), with the rules that keep them meaningful.
//!
//! Rules (each broken one is a problem at the key's file:line:column with a `help:` line):
//! - `by` names a defined resource, and is not given together with `hours` (a staffed
//!   office follows its staff's roster, not a calendar);
//! - a handoff's `priority` (its referrals' place in the staff's queue, as a `seize`'s
//!   priority) needs `by`;
//! - `at_shift_end` is `"finish"` or `"pause"`;
//! - a resource that pauses is taken only by activities and staffed handoffs (work with a
//!   duration): a `seize` holds a unit for as long as the patient needs it, which has no
//!   "rest of the work" to resume (also when the seize asks for it with other resources).
//!
//! A resource asked for several units, with other resources or as an alternative may pause
//! and may staff an office: such work pauses whole, and referrals queue by its request rule
//! (see `model::engine::shared_pause`).

use std::ops::Range;

use toml::Spanned;

use super::compile::Names;
use super::diagnostics::Problems;
use super::file::{HandoffFile, ScenarioFile};
use crate::model::scenario::{Resource, ResourceId, ShiftEnd, Staff, Step, StepKind};

/// The value of `at_shift_end` (default [`ShiftEnd::Finish`]); a problem at the value if it
/// is neither `"finish"` nor `"pause"`.
pub fn shift_end(problems: &mut Problems, value: Option<&Spanned<String>>) -> ShiftEnd {
    match value.map(|v| (v.get_ref().as_str(), v.span())) {
        None | Some(("finish", _)) => ShiftEnd::Finish,
        Some(("pause", _)) => ShiftEnd::Pause,
        Some((other, span)) => {
            problems.add(
                span,
                format!("`at_shift_end` must be \"finish\" or \"pause\", found \"{other}\""),
                "\"finish\" (the default) finishes work under way in overtime; \"pause\" stops it at the shift end and resumes it when a unit is next free on duty",
            );
            ShiftEnd::Finish
        }
    }
}

/// The staff of handoff `h` (its `by`), if it names them: `None` (after a problem) when the
/// resource is unknown or `hours` is given too.
pub fn handoff_staff(problems: &mut Problems, names: &Names, h: &HandoffFile) -> Option<Staff> {
    let Some(by) = h.by.as_ref() else {
        if let Some(priority) = &h.priority {
            problems.add(
                priority.span(),
                "a handoff's `priority` orders the queue for its staff, but this handoff names no staff (`by`)",
                "add by = \"<resource>\" (the staff who process referrals, who then queue by priority), or leave `priority` out: an office without staff has no queue",
            );
        }
        return None;
    };
    if let Some(hours) = &h.hours {
        problems.add(
            by.span(),
            format!(
                "a handoff processed `by` staff (`{}`) cannot also have office `hours` (`{}`)",
                by.get_ref(),
                hours.get_ref()
            ),
            "keep `by` for a staffed office (it follows its staff's roster) or `hours` for an office whose staff are not modelled, not both",
        );
        return None;
    }
    let r = Names::resolve(problems, &names.resources, by, "resource")?;
    Some(Staff {
        resource: ResourceId(r as u16),
        priority_rank: 0,
        request: None,
    })
}

/// The priority of handoff `h`'s referrals in its staff's queue (`priority`, default 0:
/// higher is served first, first come first served within a priority, as at a `seize`).
pub fn handoff_priority(h: &HandoffFile) -> i64 {
    h.priority.as_ref().map_or(0, |p| *p.get_ref())
}

/// Where each resource's `at_shift_end` is written (by resource, `None` where absent).
fn shift_end_spans(file: &ScenarioFile) -> Vec<Option<Range<usize>>> {
    file.resources
        .values()
        .map(|r| r.get_ref().at_shift_end.as_ref().map(Spanned::span))
        .collect()
}

/// Checks the compiled steps against the staffing rule above that needs them (a paused
/// resource taken by a `seize`).
pub fn check(problems: &mut Problems, file: &ScenarioFile, resources: &[Resource], steps: &[Step]) {
    let shift_ends = shift_end_spans(file);
    for (r, resource) in resources.iter().enumerate() {
        if resource.at_shift_end != ShiftEnd::Pause {
            continue;
        }
        let span = shift_ends.get(r).cloned().flatten().unwrap_or(0..0);
        let seized = steps.iter().find(|s| {
            matches!(&s.kind, StepKind::Seize { wait, .. }
                if wait.resource.0 as usize == r || wait.mask & (1 << r) != 0)
        });
        if let Some(step) = seized {
            problems.add(
                span,
                format!(
                    "resource `{}` pauses work at a shift end, but step `{}` seizes it (a hold with no work to pause)",
                    resource.name, step.name
                ),
                "use at_shift_end = \"pause\" for staff whose work is activities and staffed handoffs; a seized unit is held until released, so leave at_shift_end out (\"finish\")",
            );
        }
    }
}
