//! Staffed work in the event loop: referral offices whose staff are a resource (a handoff's
//! `by`), and work that pauses at a shift end (`at_shift_end = "pause"` on a resource).
//!
//! A staffed handoff reads each referral with one unit of its staff: the referral waits in
//! the resource's queue (first come, first served within the handoff's `priority`) when
//! every unit on duty is busy, and the unit is held for the reading. If the referral is accepted and
//! the handoff has a duplicate assessment, the same unit goes straight on to it (no second
//! queue); a bounced referral frees the unit while the sender reworks it, and the re-sent
//! referral queues again. Office hours are those of the roster: nothing starts while nobody
//! is on duty.
//!
//! When the roster takes units off duty while they are busy, a resource that `finish`es
//! (the default) keeps them busy in overtime until the work is done. One that `pause`s stops
//! the excess work at once, the jobs due to finish latest first: each goes, with the work it
//! has left, to a queue served before every priority (in the order paused), and resumes as
//! soon as any unit is free on duty: nothing new starts while paused work waits. Paused
//! work counts among the patients waiting for the resource, and for a flex rule's
//! `waited_over` from the pause (referrals queued for the staff from when they joined the
//! queue). When surge units close as a queued patient takes a unit, that patient's work is
//! among those that may stop (see `start_service`). Work that holds a request (several
//! units, several resources, an alternative, or a reading by shared staff) stops whole and
//! gives back all it holds: see `shared_pause`. Its step-done event stays in the event list and is recognised as stale: a
//! patient whose work can pause carries the time its work is due (`work_done_at`), NaN
//! while paused. Work resumed at the very instant it paused (a unit freed, or another
//! alternative was free, at that instant) keeps its old event, which is then due again,
//! rather than have a second at the same time: the second would end the patient's next step.
//!
//! Attribution: the queue for the staff is `wait.<resource>.busy` (or `.off_duty` while
//! nobody is rostered), the first reading `handoff.<step>.processing` and its pauses
//! `handoff.<step>.paused` (an activity's, `service.<step>.paused`); a re-sent referral's
//! queue, reading and pauses are all `handoff.<step>.bounced`, and the duplicate assessment
//! with its pauses `handoff.<step>.duplicate_assessment`, as for an office without staff.
//!
//! Nothing here allocates once the lists of work under way have grown to the units on duty.

use rand::RngExt;

use super::Holding;
use super::patients::{HandoffPhase, PatientId};
use super::trace::Detail;
use super::{SimError, Simulation};
use crate::model::scenario::{Handoff, ResourceId, Scenario, ShiftEnd, Staff, StepId, StepKind};

/// The work under way on each resource that pauses (empty for the others), as patient ids,
/// and which requests hold a resource that pauses.
#[derive(Debug)]
pub(super) struct Working {
    pub(super) jobs: Vec<Vec<PatientId>>,
    /// By [`RequestId`]: whether some part of the request is a resource that pauses.
    pub(super) request_pauses: Vec<bool>,
}

impl Working {
    /// Empty lists for the resources of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        Working {
            jobs: (0..scenario.resources.len())
                .map(|_| Vec::with_capacity(16))
                .collect(),
            request_pauses: scenario
                .requests
                .iter()
                .map(|q| {
                    q.parts.iter().any(|p| {
                        scenario.resources[p.resource.0 as usize].at_shift_end == ShiftEnd::Pause
                    })
                })
                .collect(),
        }
    }
}

impl Simulation<'_> {
    /// Whether resource `r` pauses work at a shift end.
    #[inline(always)]
    pub(super) fn pauses(&self, r: ResourceId) -> bool {
        self.features.pauses(r.0 as usize)
    }

    /// Whether patient `id`'s step-done event now is stale: its work, on resource `r`, was
    /// paused after the event was scheduled.
    #[inline]
    pub(super) fn done_is_stale(&self, id: PatientId, r: ResourceId) -> bool {
        self.pauses(r) && self.patients.get(id).work_done_at != self.now
    }

    /// [`Self::done_is_stale`] for work that holds `holding`.
    #[inline]
    pub(super) fn held_done_is_stale(&self, id: PatientId, holding: Holding) -> bool {
        match holding {
            Holding::Unit(r) => self.done_is_stale(id, r),
            Holding::Request(q) => self.request_done_is_stale(id, q),
        }
    }

    /// [`Self::note_work`] for work that holds `holding`.
    #[inline(always)]
    pub(super) fn note_held_work(&mut self, id: PatientId, holding: Holding, hours: f64) {
        match holding {
            Holding::Unit(r) => self.note_work(id, r, hours),
            Holding::Request(q) => self.note_request_work(id, q, hours),
        }
    }

    /// [`Self::end_work`] for work that holds `holding`.
    #[inline]
    pub(super) fn end_held_work(&mut self, id: PatientId, holding: Holding) {
        match holding {
            Holding::Unit(r) => self.end_work(id, r),
            Holding::Request(q) => self.end_request_work(id, q),
        }
    }

    /// Notes that patient `id` has started `hours` of work on a unit of `r` (already taken)
    /// that may pause; nothing for a resource that finishes its work.
    #[inline(always)]
    pub(super) fn note_work(&mut self, id: PatientId, r: ResourceId, hours: f64) {
        if self.pauses(r) {
            self.note_pausable_work(id, r, hours);
        }
    }

    /// [`Self::note_work`] on a resource that pauses.
    #[inline(never)]
    fn note_pausable_work(&mut self, id: PatientId, r: ResourceId, hours: f64) {
        self.patients.get_mut(id).work_done_at = self.now + hours;
        self.working.jobs[r.0 as usize].push(id);
    }

    /// Patient `id`'s work on a unit of `r` is over: it leaves the list of work under way.
    #[inline(always)]
    pub(super) fn end_work(&mut self, id: PatientId, r: ResourceId) {
        if self.pauses(r) {
            self.end_pausable_work(id, r);
        }
    }

    /// [`Self::end_work`] on a resource that pauses.
    #[inline(never)]
    fn end_pausable_work(&mut self, id: PatientId, r: ResourceId) {
        let jobs = &mut self.working.jobs[r.0 as usize];
        if let Some(i) = jobs.iter().position(|&j| j == id) {
            jobs.swap_remove(i);
        }
        self.patients.get_mut(id).work_done_at = f64::NAN;
    }

    /// Patient `id` starts `work` hours with `holding`, just given, as `cause`.
    fn begin_work(&mut self, id: PatientId, holding: Holding, work: f64, cause: u32) {
        self.note_held_work(id, holding, work);
        self.begin_cause(id, cause);
        self.schedule_done(id, work);
    }

    /// Patient `id` joins the staff's queue (by the handoff's priority rank) for `work`
    /// hours, waiting as `queue_cause` to start as `cause`: one queue for staff asked for one
    /// unit at a time and for staff shared with all-or-nothing requests.
    pub(super) fn queue_staffed_work(
        &mut self,
        id: PatientId,
        staff: Staff,
        work: f64,
        cause: u32,
        queue_cause: u32,
    ) {
        let r = staff.resource;
        let token = self.next_token;
        self.next_token += 1;
        let now = self.now;
        let patient = self.patients.get_mut(id);
        patient.wait_token = token;
        patient.work_left = work;
        patient.work_cause = cause;
        patient.queued_at = now;
        self.resources[r.0 as usize].enqueue(now, staff.priority_rank, id, token);
        self.begin_wait(id, queue_cause, r);
        self.trace_event(id, "queue", Some(r), Detail::None);
    }

    /// Patient `id` at staffed handoff `step` asks the staff for `work` hours: started now
    /// as `cause` if a unit is free, else queued (as `queue_cause`) to start as `cause`.
    pub(super) fn request_staff(
        &mut self,
        id: PatientId,
        staff: Staff,
        work: f64,
        cause: u32,
        queue_cause: u32,
    ) {
        let r = staff.resource;
        if let Some(request) = staff.request {
            return self.request_shared_staff(id, staff, request, work, cause, queue_cause);
        }
        if self.resources[r.0 as usize].has_free_unit_for_new_work() {
            self.take_unit(r);
            self.begin_work(id, Holding::Unit(r), work, cause);
            self.trace_event(id, "start", Some(r), Detail::Hours(work));
            return;
        }
        self.queue_staffed_work(id, staff, work, cause, queue_cause);
        let now = self.now;
        // The office's queue is the staff's queue: a flex rule on them watches it.
        self.surge_on_queued(id, r.0 as usize, now);
    }

    /// Patient `id`, queued with its work waiting (a staffed handoff, or paused work), has
    /// been given `holding` and the wait closed: its work starts or resumes; `r` is the
    /// resource the trace names.
    pub(super) fn begin_queued_work(&mut self, id: PatientId, holding: Holding, r: ResourceId) {
        let patient = self.patients.get_mut(id);
        let (work, cause, resumed) = (patient.work_left, patient.work_cause, patient.resuming);
        patient.resuming = false;
        let pending = std::mem::replace(&mut patient.paused_done_at, f64::NAN);
        if resumed && self.now + work <= pending {
            // Resumed at the instant it paused (a unit freed then, or another alternative
            // was free), or so soon that rounding ends it no later: the step-done event left
            // in the list when it paused ends it, at the same time. A second event would
            // also be taken as the end of the work, and then, the patient having moved
            // on, as the end of its next step.
            self.note_held_work(id, holding, pending - self.now);
            self.patients.get_mut(id).work_done_at = pending;
            self.begin_cause(id, cause);
        } else {
            self.begin_work(id, holding, work, cause);
        }
        let event = if resumed { "resume" } else { "start" };
        self.trace_event(id, event, Some(r), Detail::Hours(work));
    }

    /// Patient `id` is done with its unit of `staff` (a staffed reading or assessment): the
    /// unit goes back and the queue moves.
    pub(super) fn release_staff(&mut self, id: PatientId, staff: Staff) -> Result<(), SimError> {
        if let Some(request) = staff.request {
            self.end_request_work(id, request);
            return self.give_back_several(id, request);
        }
        let r = staff.resource;
        self.end_work(id, r);
        self.give_back_unit(r);
        self.serve_queue(r)
    }

    /// What a unit of `staff` is held as: one unit, or a one-unit request of shared staff.
    fn staff_holding(staff: Staff) -> Holding {
        match staff.request {
            Some(request) => Holding::Request(request),
            None => Holding::Unit(staff.resource),
        }
    }

    /// After a roster change on `r`: if it pauses work and more units are busy than on
    /// duty, the excess work stops now, the jobs due latest first (jobs due now finish).
    /// Whether any work stopped (and joined the queue, whose flex rule the caller checks).
    /// Work holding a request pauses whole (see `shared_pause`).
    pub(super) fn pause_excess(&mut self, r: ResourceId) -> Result<bool, SimError> {
        if !self.pauses(r) {
            return Ok(false);
        }
        let now = self.now;
        let mut paused = false;
        while self.resources[r.0 as usize].busy > self.resources[r.0 as usize].capacity {
            let jobs = &self.working.jobs[r.0 as usize];
            let latest = (0..jobs.len())
                .filter(|&i| self.patients.get(jobs[i]).work_done_at > now)
                .max_by(|&a, &b| {
                    let (x, y) = (
                        self.patients.get(jobs[a]).work_done_at,
                        self.patients.get(jobs[b]).work_done_at,
                    );
                    x.total_cmp(&y).then(a.cmp(&b))
                });
            let Some(i) = latest else {
                break;
            };
            let id = self.working.jobs[r.0 as usize].swap_remove(i);
            match self.request_held(id) {
                Some(request) => self.pause_request(id, request, r)?,
                None => self.pause(id, r),
            }
            paused = true;
        }
        Ok(paused)
    }

    /// Marks patient `id`'s work, due at `done_at` and running as cause `running`, paused
    /// now: the work left is kept, its step-done event (at `done_at`) noted, and it waits
    /// under a fresh token with no deadline. Returns the token, the patient's step and
    /// whether it is blocked. Shared by one-unit work and work that holds a request.
    pub(super) fn mark_paused(
        &mut self,
        id: PatientId,
        done_at: f64,
        running: u32,
    ) -> (u64, StepId, bool) {
        let now = self.now;
        let token = self.next_token;
        self.next_token += 1;
        let patient = self.patients.get_mut(id);
        patient.work_left = done_at - now;
        patient.paused_done_at = done_at;
        patient.work_done_at = f64::NAN;
        patient.work_cause = running;
        patient.resuming = true;
        patient.wait_token = token;
        patient.queued_at = now;
        // A deadline belongs to the wait before the work began, long settled.
        patient.deadline_at = f64::INFINITY;
        (token, patient.step, patient.blocked != 0)
    }

    /// Stops patient `id`'s work on `r` now and queues what is left of it.
    fn pause(&mut self, id: PatientId, r: ResourceId) {
        let now = self.now;
        let running = self.patients.get(id).cause;
        self.end_cause(id);
        let done_at = self.patients.get(id).work_done_at;
        let left = done_at - now;
        let (token, step, blocked) = self.mark_paused(id, done_at, running);
        self.give_back_unit(r);
        self.resources[r.0 as usize].enqueue_paused(now, id, token);
        let cause = self.attribution.table.paused(step, running, blocked);
        self.begin_cause(id, cause);
        self.trace_event(id, "pause", Some(r), Detail::Hours(left));
        // Counted by a `waited_over` rule once it has waited that long from now.
        self.surge_age_from(id, r.0 as usize, now);
    }

    /// The resource waiting patient `id` is queued for on its own (a one-unit wait, a
    /// staffed office's queue, or paused work), with when it joined that queue [hours];
    /// `None` for a request for several units or resources.
    pub(super) fn queued_for(&self, id: PatientId) -> Option<(ResourceId, f64)> {
        let patient = self.patients.get(id);
        match &self.scenario.steps[patient.step.0 as usize].kind {
            StepKind::Handoff {
                handoff: Handoff {
                    by: Some(staff), ..
                },
                ..
            } => Some((staff.resource, patient.queued_at)),
            StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. }
                if wait.request.is_none() =>
            {
                let since = if patient.resuming {
                    patient.queued_at
                } else {
                    patient.wait_started
                };
                Some((wait.resource, since))
            }
            _ => None,
        }
    }

    /// The cause of a staffed handoff's queue at `step`: waiting for the staff for a first
    /// reading, `bounced` for a re-sent referral.
    pub(super) fn staff_queue_cause(
        &self,
        step: StepId,
        staff: Staff,
        resent: bool,
        blocked: bool,
    ) -> u32 {
        let table = &self.attribution.table;
        if resent {
            table.bounced(step, blocked)
        } else {
            let pathway = self.scenario.steps[step.0 as usize].pathway;
            table.wait(pathway, staff.resource, blocked)
        }
    }
}

impl Simulation<'_> {
    /// Patient `id` reaches staffed handoff `step` (staff `staff`): its referral is sent
    /// now and waits for a unit of the staff, or starts at once.
    pub(super) fn send_to_staff(&mut self, id: PatientId, step: StepId, handoff: &Handoff) {
        let Some(staff) = handoff.by else {
            return;
        };
        let work = self.timed(id, step, &handoff.processing);
        let now = self.now;
        let patient = self.patients.get_mut(id);
        patient.wait_started = now;
        patient.handoff_phase = HandoffPhase::Processing;
        let blocked = patient.blocked != 0;
        self.trace_event(id, "handoff_sent", None, Detail::Hours(work));
        let cause = self.attribution.table.at_step(step, blocked);
        let queue_cause = self.staff_queue_cause(step, staff, false, blocked);
        self.request_staff(id, staff, work, cause, queue_cause);
    }

    /// The referral of patient `id` at handoff `step` (handoff number `index`) is bounced
    /// back: counted, and reworked by the sender for `rework` hours of plain time before it is
    /// sent again; `staff` is the unit that read it, at a staffed office. Shared by offices
    /// with and without staff.
    pub(super) fn bounce_referral(
        &mut self,
        id: PatientId,
        step: StepId,
        index: usize,
        rework: f64,
        blocked: bool,
        staff: Option<ResourceId>,
    ) {
        self.recorder.bounces[index] += 1;
        self.patients.get_mut(id).handoff_phase = HandoffPhase::Rework;
        self.trace_event(id, "bounced", staff, Detail::Hours(rework));
        self.begin_cause(id, self.attribution.table.bounced(step, blocked));
        self.schedule_done(id, rework);
    }

    /// Patient `id`'s timed phase at staffed handoff `step` is over (a reading, a rework, a
    /// duplicate assessment): as at an office without staff, with the unit taken for each
    /// reading and kept for the duplicate assessment that follows it. Returns the next step
    /// when the referral is through.
    pub(super) fn staffed_handoff_done(
        &mut self,
        id: PatientId,
        step: StepId,
        handoff: &Handoff,
        staff: Staff,
        next: StepId,
    ) -> Result<Option<StepId>, SimError> {
        let r = staff.resource;
        let holding = Self::staff_holding(staff);
        let phase = self.patients.get(id).handoff_phase;
        if self.held_done_is_stale(id, holding) {
            return Ok(None);
        }
        self.count_instant_step(id, step)?;
        self.end_cause(id);
        let blocked = self.patients.get(id).blocked != 0;
        let stream = &mut self.draw(id, step);
        let index = handoff.index.0 as usize;
        match phase {
            HandoffPhase::Processing if stream.random::<f64>() < handoff.bounce_probability => {
                let rework = handoff
                    .rework
                    .as_ref()
                    .map_or(0.0, |d| d.sample(stream).hours());
                self.bounce_referral(id, step, index, rework, blocked, Some(r));
                self.release_staff(id, staff)?;
                // The rework's end is due like work, so that it is not taken for stale.
                if self.pauses(r) {
                    self.patients.get_mut(id).work_done_at = self.now + rework;
                }
                Ok(None)
            }
            HandoffPhase::Processing if handoff.duplicate_assessment.is_some() => {
                let work = handoff
                    .duplicate_assessment
                    .as_ref()
                    .map_or(0.0, |d| d.sample(stream).hours());
                self.patients.get_mut(id).handoff_phase = HandoffPhase::DuplicateAssessment;
                self.trace_event(id, "accepted", Some(r), Detail::Hours(work));
                // The same unit goes on to the assessment: its work is noted afresh.
                self.end_held_work(id, holding);
                let cause = self.attribution.table.duplicate(step, blocked);
                self.note_held_work(id, holding, work);
                self.begin_cause(id, cause);
                self.schedule_done(id, work);
                Ok(None)
            }
            HandoffPhase::Processing | HandoffPhase::DuplicateAssessment => {
                let event = if phase == HandoffPhase::Processing {
                    "accepted"
                } else {
                    "assessed"
                };
                self.trace_event(id, event, Some(r), Detail::None);
                let started = self.patients.get(id).wait_started;
                self.recorder.handoff_delays[index].record(self.now - started);
                self.release_staff(id, staff)?;
                Ok(Some(next))
            }
            HandoffPhase::Rework => {
                let work = handoff.processing.sample(stream).hours();
                self.patients.get_mut(id).handoff_phase = HandoffPhase::Processing;
                self.trace_event(id, "resent", None, Detail::Hours(work));
                let cause = self.attribution.table.bounced(step, blocked);
                self.request_staff(id, staff, work, cause, cause);
                Ok(None)
            }
        }
    }
}
