//! Work that holds its units all together, at a shift end: an activity asking for several
//! units (`units = 2`), several resources (`resources = ["nurse", "car"]`) or one of
//! alternatives (`resource = { any_of = [...] }`), and a staffed office whose staff are such a
//! shared resource, when one of those resources has `at_shift_end = "pause"`.
//!
//! Rules (also in README.md, "Pausing work that holds several units or resources"):
//! - Whole or not at all. When a roster drop on a resource that pauses leaves more units busy
//!   than on duty, the work to stop is chosen as for one-unit work (the job due to finish
//!   latest first, until no more units are busy than on duty). Work that holds a request
//!   stops whole: every unit of every resource it holds is given back at that moment (a
//!   double-handed visit frees both carers, a nurse-and-car visit frees the car as well), and
//!   the work left is kept.
//! - Ahead of new work. The paused work joins the queue of paused work, served before every
//!   priority, at every resource of its request (for alternatives, at each alternative), in
//!   the order paused; it resumes, with only the work left, when the whole request can be
//!   granted again by the resource's queue order: first come, first served (the default)
//!   lets nothing new start on those resources while it waits; `first_fit` lets a request
//!   that fits pass, as it lets any. Alternatives resume on the first alternative, in the
//!   stated order of preference, that can be granted: at the pause itself if another is
//!   free then (every alternative's queue is served as the work stops).
//! - Counted once. The wait before the work began is recorded once; the pause is
//!   `service.S.paused` (or `handoff.S.paused` ...), as for one-unit work; an alternative's
//!   `served_by` counts the patient where the work first started.
//! - A `seize` of a resource that pauses stays refused (a hold has no work to pause).
//!
//! A staffed office whose staff are shared has a one-unit request of its own
//! ([`Staff::request`]): its referrals queue by that resource's request rule, in the
//! priority of the handoff, then arrival.
//!
//! Nothing here allocates: the lists of work under way are those of `staffing`.

use super::patients::PatientId;
use super::trace::Detail;
use super::{Holding, SimError, Simulation};
use crate::model::scenario::{
    Handoff, RequestId, ResourceId, Scenario, ShiftEnd, Staff, StepId, StepKind,
};

/// Whether resource `r` of `scenario` needs a queue of paused work: it pauses itself, or a
/// request names it with a resource that pauses (paused work then waits at it too).
pub(super) fn has_paused_queue(scenario: &Scenario, r: usize) -> bool {
    let pauses = |id: ResourceId| scenario.resources[id.0 as usize].at_shift_end == ShiftEnd::Pause;
    pauses(ResourceId(r as u16))
        || scenario.requests.iter().any(|q| {
            q.parts.iter().any(|p| p.resource.0 as usize == r)
                && q.parts.iter().any(|p| pauses(p.resource))
        })
}

impl Simulation<'_> {
    /// Whether some resource of `request` pauses at a shift end.
    #[inline]
    pub(super) fn request_pauses(&self, request: RequestId) -> bool {
        self.working.request_pauses[request.0 as usize]
    }

    /// The request queued for or held at `step`, if its units are held as a request: an
    /// activity's or seize's, or a staffed office's on shared staff.
    pub(super) fn request_at(&self, step: StepId) -> Option<RequestId> {
        match &self.scenario.steps[step.0 as usize].kind {
            StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. } => wait.request,
            StepKind::Handoff {
                handoff: Handoff {
                    by: Some(staff), ..
                },
                ..
            } => staff.request,
            _ => None,
        }
    }

    /// The request patient `id`'s work under way holds, `None` for one unit.
    pub(super) fn request_held(&self, id: PatientId) -> Option<RequestId> {
        self.request_at(self.patients.get(id).step)
    }

    /// The parts of `request` patient `id` holds (or would hold) now: all, or its
    /// alternative's.
    fn held_parts(&self, id: PatientId, request: RequestId) -> (usize, usize) {
        let spec = &self.scenario.requests[request.0 as usize];
        if spec.any_of {
            let k = self.patients.get(id).alternative as usize;
            (k, k + 1)
        } else {
            (0, spec.parts.len())
        }
    }

    /// Whether patient `id`'s step-done event now is stale: its work, holding `request`, was
    /// paused after the event was scheduled.
    #[inline]
    pub(super) fn request_done_is_stale(&self, id: PatientId, request: RequestId) -> bool {
        self.request_pauses(request) && self.patients.get(id).work_done_at != self.now
    }

    /// Notes that patient `id` has started `hours` of work holding `request` (granted): it
    /// joins the work under way of each resource it holds that pauses.
    pub(super) fn note_request_work(&mut self, id: PatientId, request: RequestId, hours: f64) {
        if !self.request_pauses(request) {
            return;
        }
        self.patients.get_mut(id).work_done_at = self.now + hours;
        let (from, to) = self.held_parts(id, request);
        let scenario = self.scenario;
        for part in &scenario.requests[request.0 as usize].parts[from..to] {
            if self.pauses(part.resource) {
                self.working.jobs[part.resource.0 as usize].push(id);
            }
        }
    }

    /// Patient `id`'s work holding `request` is over (or paused): it leaves the lists of work
    /// under way.
    pub(super) fn end_request_work(&mut self, id: PatientId, request: RequestId) {
        if !self.request_pauses(request) {
            return;
        }
        let (from, to) = self.held_parts(id, request);
        let scenario = self.scenario;
        for part in &scenario.requests[request.0 as usize].parts[from..to] {
            let jobs = &mut self.working.jobs[part.resource.0 as usize];
            if let Some(i) = jobs.iter().position(|&j| j == id) {
                jobs.swap_remove(i);
            }
        }
        self.patients.get_mut(id).work_done_at = f64::NAN;
    }

    /// Stops patient `id`'s work holding `request` now, because resource `r` went off duty:
    /// every unit it holds goes back, and the work left waits ahead of new work at every
    /// resource of the request; the queues of the other resources move.
    pub(super) fn pause_request(
        &mut self,
        id: PatientId,
        request: RequestId,
        r: ResourceId,
    ) -> Result<(), SimError> {
        let scenario = self.scenario;
        let spec = &scenario.requests[request.0 as usize];
        let now = self.now;
        let (from, to) = self.held_parts(id, request);
        let running = self.patients.get(id).cause;
        self.end_cause(id);
        let done_at = self.patients.get(id).work_done_at;
        let left = done_at - now;
        self.end_request_work(id, request);
        let (token, step, blocked) = self.mark_paused(id, done_at, running);
        for part in &spec.parts[from..to] {
            let state = &mut self.resources[part.resource.0 as usize];
            state.accrue(now);
            state.busy -= part.units;
        }
        for part in &spec.parts {
            self.resources[part.resource.0 as usize].enqueue_paused(now, id, token);
        }
        let cause = self.attribution.table.paused(step, running, blocked);
        self.begin_cause(id, cause);
        self.trace_event(id, "pause", Some(r), Detail::Hours(left));
        // The units given back at the other resources may serve someone there (first fit),
        // and another alternative free now takes the paused work up at once.
        for part in &spec.parts {
            if part.resource != r {
                self.serve_queue(part.resource)?;
            }
        }
        Ok(())
    }

    /// [`Simulation::request_staff`] for staff that are shared: started now if the one-unit
    /// `request` can be granted by the resource's request rule, else queued by priority,
    /// then arrival.
    pub(super) fn request_shared_staff(
        &mut self,
        id: PatientId,
        staff: Staff,
        request: RequestId,
        work: f64,
        cause: u32,
        queue_cause: u32,
    ) {
        let r = staff.resource;
        if self.grant_now(id, request) {
            self.begin_queued_work_now(id, request, work, cause);
            self.trace_event(id, "start", Some(r), Detail::Hours(work));
            return;
        }
        self.queue_staffed_work(id, staff, work, cause, queue_cause);
    }

    /// Starts `work` hours of patient `id`'s staffed reading at once, holding `request`.
    fn begin_queued_work_now(&mut self, id: PatientId, request: RequestId, work: f64, cause: u32) {
        self.note_held_work(id, Holding::Request(request), work);
        self.begin_cause(id, cause);
        self.schedule_done(id, work);
    }
}
