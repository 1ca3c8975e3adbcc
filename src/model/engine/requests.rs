//! Requests for more than one unit of one resource: several units (`units = 2`), several
//! resources at once (`resources = ["nurse", "car"]`) and alternatives
//! (`resource = { any_of = [...] }`).
//!
//! Rules (also in README.md, "Requests for several units or resources"):
//! - All or nothing: a request starts only when every part has its units free; nothing is
//!   held while it waits. A waiting request is queued at every resource it names (with one
//!   wait token, so the entries left behind go stale once it is served or leaves).
//! - Alternatives: on arrival the first alternative (in the listed order) with its units free
//!   is taken; while waiting, the patient is in every alternative's queue and is served by
//!   whichever frees first.
//! - Queue order, per resource ([`QueueOrder`]): first come, first served within priority
//!   (default): a request may start only if, at each of its resources, nobody of the same or
//!   higher priority waits ahead of it. `first_fit`: at that resource, a request that fits
//!   starts even while an earlier, larger one waits.
//! - Paused work (`at_shift_end = "pause"`, see `shared_pause`) waits, whole, in a queue ahead
//!   of every priority at each resource of its request, and is served by the same rules.
//!
//! A resource that no such request names keeps the one-unit queue of `mod.rs`; a resource
//! that one names is "shared" and every wait for it is served here. The tables are sized at
//! the start (held units grow with the patient slab), so serving allocates nothing.

use super::daily::wait_series;
use super::patients::PatientId;
use super::trace::Detail;
use super::{Event, Holding, Request, SimError, Simulation};
use crate::kernel::SimTime;
use crate::model::metrics::{MetricValue, Unit};
use crate::model::scenario::{QueueOrder, RequestId, ResourceId, ResourceRequest, StepId, Wait};

/// Per-replication state of requests: units held beyond one, and the use of alternatives.
#[derive(Debug)]
pub(super) struct RequestState {
    /// Resources in the scenario.
    resources: usize,
    /// Units held by patient slot and resource, `[slot * resources + r]`, where more than one
    /// (0 means one, or none); only kept when some seize takes several units.
    held_units: Vec<u32>,
    /// Patients served by each part of each request after the warm-up, `[request][part]`
    /// (reported for alternatives).
    served_by: Vec<Vec<u64>>,
}

impl RequestState {
    /// The state for a scenario with `resources` resources and these requests.
    pub(super) fn new(resources: usize, requests: &[ResourceRequest]) -> Self {
        RequestState {
            resources,
            held_units: Vec::new(),
            served_by: requests.iter().map(|r| vec![0; r.parts.len()]).collect(),
        }
    }

    /// Restarts the counts at the end of the warm-up.
    pub(super) fn restart(&mut self) {
        self.served_by.iter_mut().for_each(|c| c.fill(0));
    }

    /// Notes that patient `id` holds `units` of resource `r` (more than one).
    fn hold(&mut self, id: PatientId, r: usize, units: u32) {
        let at = id as usize * self.resources + r;
        if at >= self.held_units.len() {
            // Grows with the patient slab, to its working size, then never again.
            self.held_units.resize((at + 1).next_power_of_two(), 0);
        }
        self.held_units[at] = units;
    }

    /// Units of resource `r` patient `id` holds (1 unless noted), forgetting the note.
    pub(super) fn take_held(&mut self, id: PatientId, r: usize) -> u32 {
        let at = id as usize * self.resources + r;
        match self.held_units.get_mut(at) {
            Some(units) if *units > 1 => std::mem::replace(units, 0),
            _ => 1,
        }
    }

    /// Units of resource `r` patient `id` holds (1 unless noted).
    pub(super) fn held(&self, id: PatientId, r: usize) -> u32 {
        match self.held_units.get(id as usize * self.resources + r) {
            Some(units) if *units > 1 => *units,
            _ => 1,
        }
    }
}

/// Which part(s) of a request to grant: all of them, or alternative `k`.
#[derive(Debug, Clone, Copy)]
enum Grant {
    All,
    Alternative(usize),
}

impl<'s> Simulation<'s> {
    /// [`Simulation::request`] for a wait with a request: the fallback if the deadline has
    /// passed, else granted if it fits now, else queued at every resource it names.
    pub(super) fn request_several(
        &mut self,
        id: PatientId,
        step: StepId,
        wait: &Wait,
        request: RequestId,
        since: f64,
    ) -> Result<Request, SimError> {
        let scenario = self.scenario;
        let held = self.patients.get(id).held & wait.mask;
        if held != 0 {
            let resource = held.trailing_zeros() as usize;
            return Err(SimError::AlreadyHolding {
                step: scenario.step_label(step),
                resource: scenario.resources[resource].name.clone(),
            });
        }
        let spec = &scenario.requests[request.0 as usize];
        let index = wait.index.0 as usize;
        let now = self.now;
        let deadline_at = self.deadline_at(id, wait, since);
        let grant = self.fits(spec, None);
        if let Some((at, fallback)) = deadline_at
            && (at < now || (at == now && grant.is_none()))
        {
            self.trace_event(
                id,
                "fallback",
                Some(wait.resource),
                Detail::Hours(now - since),
            );
            let measured_from = scenario.warm_up.hours();
            self.recorder
                .record_wait(index, now - since, now, measured_from);
            self.recorder.fallbacks[index] += 1;
            return Ok(Request::Fallback(fallback));
        }
        if let Some(grant) = grant {
            self.take(id, request, grant);
            self.record_served(wait, now - since, id);
            return Ok(Request::Granted);
        }
        if let Some(when_full) = self.turned_away(id, wait) {
            return Ok(Request::Fallback(when_full));
        }
        let token = self.next_token;
        self.next_token += 1;
        let patient = self.patients.get_mut(id);
        patient.wait_token = token;
        patient.wait_started = since;
        let blocked = patient.blocked != 0;
        for part in &spec.parts {
            self.resources[part.resource.0 as usize].enqueue(now, part.priority_rank, id, token);
        }
        self.counts.change(wait_series(index), now, true);
        let pathway = scenario.steps[step.0 as usize].pathway;
        self.begin_wait(
            id,
            self.attribution.table.wait(pathway, wait.resource, blocked),
            wait.resource,
        );
        self.trace_event(id, "queue", Some(wait.resource), Detail::None);
        if let Some((at, _)) = deadline_at {
            self.patients.get_mut(id).deadline_at = at;
            self.events
                .schedule(SimTime::from_hours(at), Event::Deadline(id));
        }
        Ok(Request::Queued)
    }

    /// Whether request `spec` can start now, and with what: every part's units free and, at a
    /// resource served first come first served, nobody ahead of it. `queued` is the patient's
    /// queue entry (patient, token) if it is waiting (it must then be first in line), `None`
    /// for a new request (nobody of the same or higher priority may be waiting).
    fn fits(&mut self, spec: &ResourceRequest, queued: Option<(PatientId, u64)>) -> Option<Grant> {
        let scenario = self.scenario;
        let part_fits = |k: usize, this: &mut Self| {
            let part = spec.parts[k];
            let r = part.resource.0 as usize;
            if this.resources[r].free_units() < part.units {
                return false;
            }
            if scenario.resources[r].queue_order == QueueOrder::FirstFit {
                return true;
            }
            let patients = &this.patients;
            let is_current = |p: PatientId, t: u64| patients.get(p).wait_token == t;
            match queued {
                None => !this.resources[r].waiting_ahead(part.priority_rank, is_current),
                Some(entry) => this.resources[r].first_current(is_current) == Some(entry),
            }
        };
        if spec.any_of {
            (0..spec.parts.len())
                .find(|&k| part_fits(k, self))
                .map(Grant::Alternative)
        } else {
            (0..spec.parts.len())
                .all(|k| part_fits(k, self))
                .then_some(Grant::All)
        }
    }

    /// Takes the units of `grant` for patient `id`: busy units, the alternative taken, and
    /// its use counted.
    fn take(&mut self, id: PatientId, request: RequestId, grant: Grant) {
        let scenario = self.scenario;
        let spec = &scenario.requests[request.0 as usize];
        let now = self.now;
        let (from, to) = match grant {
            Grant::All => (0, spec.parts.len()),
            Grant::Alternative(k) => (k, k + 1),
        };
        // Paused work taken up again was counted where it first started.
        let resumed = u64::from(!self.patients.get(id).resuming);
        for (k, part) in spec.parts.iter().enumerate().take(to).skip(from) {
            let state = &mut self.resources[part.resource.0 as usize];
            state.accrue(now);
            state.busy += part.units;
            self.request_state.served_by[request.0 as usize][k] += resumed;
        }
        self.patients.get_mut(id).alternative = from as u8;
    }

    /// Takes `request` for patient `id` now if it can start by the queue rules as a new
    /// request (a staffed office's reading on shared staff); whether it did.
    pub(super) fn grant_now(&mut self, id: PatientId, request: RequestId) -> bool {
        let spec = &self.scenario.requests[request.0 as usize];
        match self.fits(spec, None) {
            Some(grant) => {
                self.take(id, request, grant);
                true
            }
            None => false,
        }
    }

    /// Gives back what patient `id` took for `request` at an activity's end, and serves the
    /// queues of those resources.
    pub(super) fn give_back_several(
        &mut self,
        id: PatientId,
        request: RequestId,
    ) -> Result<(), SimError> {
        let scenario = self.scenario;
        let spec = &scenario.requests[request.0 as usize];
        let now = self.now;
        let (from, to) = if spec.any_of {
            let k = self.patients.get(id).alternative as usize;
            (k, k + 1)
        } else {
            (0, spec.parts.len())
        };
        for part in &spec.parts[from..to] {
            let state = &mut self.resources[part.resource.0 as usize];
            state.accrue(now);
            state.busy -= part.units;
        }
        for part in &spec.parts[from..to] {
            self.serve_queue(part.resource)?;
        }
        Ok(())
    }

    /// A waiting patient with a request leaves its queues without being served (deadline):
    /// each queue loses one waiting patient, and is served again (it may have been first in
    /// line, holding others back).
    pub(super) fn abandon_several(&mut self, request: RequestId) -> Result<(), SimError> {
        let scenario = self.scenario;
        let now = self.now;
        for part in &scenario.requests[request.0 as usize].parts {
            self.resources[part.resource.0 as usize].abandon(now);
        }
        for part in &scenario.requests[request.0 as usize].parts {
            self.serve_queue(part.resource)?;
        }
        Ok(())
    }

    /// Serves the queue of shared resource `r`: while someone in it can start (by `r`'s
    /// queue order), starts them.
    pub(super) fn serve_shared(&mut self, r: usize) -> Result<(), SimError> {
        while let Some((id, request, grant)) = self.next_to_start(r) {
            self.start_several(id, request, grant)?;
        }
        Ok(())
    }

    /// The next waiting patient of shared resource `r` that can start now, with its request
    /// and what it takes.
    fn next_to_start(&mut self, r: usize) -> Option<(PatientId, RequestId, Grant)> {
        let scenario = self.scenario;
        if self.resources[r].waiting == 0 || self.resources[r].free_units() == 0 {
            return None;
        }
        // A wait's request, or a staffed office's on shared staff (see `shared_pause`).
        let request_of = |this: &Self, p: PatientId| {
            this.request_held(p)
                .map(|q| (q, &scenario.requests[q.0 as usize]))
        };
        match scenario.resources[r].queue_order {
            QueueOrder::FirstComeFirstServed => {
                let patients = &self.patients;
                let entry =
                    self.resources[r].first_current(|p, t| patients.get(p).wait_token == t)?;
                let (request, spec) = request_of(self, entry.0)?;
                let grant = self.fits(spec, Some(entry))?;
                Some((entry.0, request, grant))
            }
            QueueOrder::FirstFit => {
                let mut position = 0;
                loop {
                    let patients = &self.patients;
                    let entry = self.resources[r]
                        .current_at(&mut position, |p, t| patients.get(p).wait_token == t)?;
                    if let Some((request, spec)) = request_of(self, entry.0)
                        && let Some(grant) = self.fits(spec, Some(entry))
                    {
                        return Some((entry.0, request, grant));
                    }
                    position += 1;
                }
            }
        }
    }

    /// Starts waiting patient `id` with what `grant` gives it, and moves it on.
    fn start_several(
        &mut self,
        id: PatientId,
        request: RequestId,
        grant: Grant,
    ) -> Result<(), SimError> {
        let scenario = self.scenario;
        let spec = &scenario.requests[request.0 as usize];
        let now = self.now;
        for part in &spec.parts {
            self.resources[part.resource.0 as usize].abandon(now);
        }
        self.take(id, request, grant);
        self.end_cause(id);
        let patient = self.patients.get_mut(id);
        patient.wait_token = 0;
        let waited = now - patient.wait_started;
        let step = patient.step;
        let blocked = patient.blocked != 0;
        // Its entries at the other resources are gone: someone behind may start there.
        for part in &spec.parts {
            self.serve_queue(part.resource)?;
        }
        let first = match grant {
            Grant::All => spec.parts[0].resource,
            Grant::Alternative(k) => spec.parts[k].resource,
        };
        self.begin_after_wait(id, step, waited, blocked, first, Holding::Request(request))
    }

    /// Marks every resource of all-of `request` as held by patient `id` (a seize), noting
    /// the units where more than one.
    pub(super) fn hold_all(&mut self, id: PatientId, request: RequestId) {
        let scenario = self.scenario;
        for part in &scenario.requests[request.0 as usize].parts {
            self.patients.get_mut(id).held |= 1 << part.resource.0;
            if part.units > 1 {
                self.request_state
                    .hold(id, part.resource.0 as usize, part.units);
            }
        }
    }

    /// The first resource of a granted request, for the trace.
    pub(super) fn taken_first(&self, id: PatientId, request: RequestId) -> ResourceId {
        let spec = &self.scenario.requests[request.0 as usize];
        let k = if spec.any_of {
            self.patients.get(id).alternative as usize
        } else {
            0
        };
        spec.parts[k].resource
    }
}

/// Per alternative of each `any_of` wait: `wait.<pathway>.<step>.served_by.<resource>`, the
/// patients it served after the warm-up [patients].
pub(super) fn push_metrics(simulation: &Simulation<'_>, out: &mut Vec<MetricValue>) {
    let scenario = simulation.scenario;
    for step in &scenario.waits {
        let Some(request) = scenario.wait_at(*step).and_then(|w| w.request) else {
            continue;
        };
        let spec = &scenario.requests[request.0 as usize];
        if !spec.any_of {
            continue;
        }
        for (part, served) in spec
            .parts
            .iter()
            .zip(&simulation.request_state.served_by[request.0 as usize])
        {
            out.push(MetricValue {
                name: format!(
                    "wait.{}.served_by.{}",
                    scenario.step_label(*step),
                    scenario.resources[part.resource.0 as usize].name
                )
                .into(),
                unit: Unit::Patients,
                value: *served as f64,
            });
        }
    }
}
