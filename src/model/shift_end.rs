//! Staffed work: what a unit of a rostered resource does with work under way when its shift
//! ends, and the staff that process a handoff's referrals.
//!
//! Plain data for the compiled scenario; the engine's side is `engine::staffing`.

use super::scenario::{RequestId, ResourceId};

/// What happens to work in progress (an activity's service, a staffed handoff's reading or
/// assessment) when the roster takes units off duty while they are busy
/// (`at_shift_end` on a resource).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ShiftEnd {
    /// The unit finishes the work in overtime (`"finish"`, the default): its time beyond
    /// the roster is counted as overtime.
    #[default]
    Finish,
    /// The unit stops at the shift end (`"pause"`): the work left goes to the front of the
    /// resource's queue and resumes, with only the work left to do, as soon as a unit (any
    /// unit) is free on duty. Of the jobs under way, those due to finish latest stop. Work
    /// that holds its units all together (several units, several resources, or one of
    /// alternatives: a request) pauses whole: every unit it holds goes back, and it resumes
    /// when the whole request can be granted again (see `engine::staffing`).
    Pause,
}

impl ShiftEnd {
    /// The value as written in a scenario file.
    pub fn as_str(self) -> &'static str {
        match self {
            ShiftEnd::Finish => "finish",
            ShiftEnd::Pause => "pause",
        }
    }
}

/// The staff of a staffed referral office (`by = "social_worker"` on a handoff).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Staff {
    /// The resource whose units read referrals, one unit each.
    pub resource: ResourceId,
    /// Rank of the referrals' priority in the resource's queue (0 = served first); a
    /// handoff has the default priority, 0.
    pub priority_rank: usize,
    /// A one-unit request in [`Scenario::requests`](super::scenario::Scenario::requests)
    /// when the resource is shared (also asked for in several units, with other resources
    /// or as an alternative): the referrals then queue by the general request rule.
    pub request: Option<RequestId>,
}
