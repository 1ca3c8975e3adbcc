//! Surge (flex) capacity during a replication: the state of each resource's flex rule, and
//! what the event loop does when the watched queue changes or a surge timer falls due (the
//! rule itself is described in `model::surge`).
//!
//! A rule is a small state machine: closed, called (the extra units are on their way and
//! arrive at a stated time), open (until at least a stated time). Every change happens at
//! an event: the units arrive at an `Event::Surge` (scheduled even with no delay, so that
//! opening never serves patients from inside another patient's move), the minimum time open
//! ends at one, and a patient's wait passing `waited_over` is an `Event::SurgeAge`. Closing
//! happens where the watched count falls (a patient served or giving up) or when the
//! minimum time ends. Units in use when the rule closes stay on duty, still surge units,
//! until their patient frees them (`surge_on_freed`): an escalation bed closes when its
//! patient leaves, so its use is surge time and surge cost, never overtime. Nothing here
//! allocates or looks anything up by name; resources without a rule cost one branch where
//! their queue changes or a unit is freed.

use super::patients::PatientId;
use super::{Event, SimError, Simulation};
use crate::kernel::SimTime;
use crate::model::scenario::{ResourceId, Scenario};

/// Where a flex rule stands.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Phase {
    /// No extra units, none called.
    Closed,
    /// The extra units were called and arrive at `at` [hours].
    Called { at: f64 },
    /// The extra units are on duty and may not close before `until` [hours].
    Open { until: f64 },
}

/// The live state of one resource's flex rule.
#[derive(Debug, Clone)]
pub(super) struct SurgeLive {
    phase: Phase,
    /// Patients waiting now who have waited longer than the rule's `waited_over`
    /// (counted by `Event::SurgeAge`, uncounted when they leave the queue).
    over: u32,
    /// Extra units on duty now [units]: from 0 to the rule's `units` (fewer while units
    /// still in use after the rule closed finish with their patients).
    pub extra: u32,
    /// Of `extra`, units the rule has closed that are still in use: each closes as soon
    /// as a unit of the resource is free [units].
    draining: u32,
    /// When the extra units last went from none to some [hours].
    opened_at: f64,
    /// Hours with extra units on duty within the measured period, for the spells that
    /// have ended [hours].
    open_hours: f64,
    /// Integral of `extra` over the measured period up to `accrued_to` [unit-hours].
    unit_hours: f64,
    /// Time `unit_hours` is accrued to [hours].
    accrued_to: f64,
}

impl SurgeLive {
    /// Accrues `unit_hours` to `now`, within the measured period `start..end` [hours].
    fn accrue(&mut self, now: f64, start: f64, end: f64) {
        self.unit_hours += f64::from(self.extra) * overlap(self.accrued_to, now, start, end);
        self.accrued_to = now;
    }

    /// Takes `n` units off `extra` at `now` (after accruing), ending the spell if none is
    /// left.
    fn shed(&mut self, n: u32, now: f64, start: f64, end: f64) {
        self.accrue(now, start, end);
        self.extra -= n;
        if n > 0 && self.extra == 0 {
            self.open_hours += overlap(self.opened_at, now, start, end);
        }
    }
}

/// One entry per resource, `Some` for those with a flex rule.
pub(super) fn initial_states(scenario: &Scenario) -> Vec<Option<SurgeLive>> {
    scenario
        .resources
        .iter()
        .map(|r| {
            r.surge.as_ref().map(|_| SurgeLive {
                phase: Phase::Closed,
                over: 0,
                extra: 0,
                draining: 0,
                opened_at: 0.0,
                open_hours: 0.0,
                unit_hours: 0.0,
                accrued_to: 0.0,
            })
        })
        .collect()
}

/// Hours of `from..to` within the measured period `start..end`.
fn overlap(from: f64, to: f64, start: f64, end: f64) -> f64 {
    (to.min(end) - from.max(start)).max(0.0)
}

impl Simulation<'_> {
    /// Extra units of resource `r` on duty now (0 without a rule) [units].
    #[inline]
    pub(super) fn surge_extra(&self, r: usize) -> u32 {
        self.surge[r].as_ref().map_or(0, |s| s.extra)
    }

    /// The measured period [hours]: from the end of the warm-up to the end of the run.
    fn measured(&self) -> (f64, f64) {
        (
            self.scenario.warm_up.hours(),
            self.scenario.end_time().hours(),
        )
    }

    /// Hours within the measured period, up to now, in which resource `r` had at least one
    /// extra unit on duty (open, or closed but still in use).
    pub(super) fn surge_open_hours(&self, r: usize) -> f64 {
        let Some(live) = self.surge[r].as_ref() else {
            return 0.0;
        };
        let (start, end) = self.measured();
        if live.extra > 0 {
            live.open_hours + overlap(live.opened_at, self.now, start, end)
        } else {
            live.open_hours
        }
    }

    /// Extra units of resource `r` on duty within the measured period, up to now, summed
    /// over time [unit-hours].
    pub(super) fn surge_unit_hours(&self, r: usize) -> f64 {
        let Some(live) = self.surge[r].as_ref() else {
            return 0.0;
        };
        let (start, end) = self.measured();
        live.unit_hours + f64::from(live.extra) * overlap(live.accrued_to, self.now, start, end)
    }

    /// A unit of resource `r` has just been freed (or the roster has added units): if the
    /// rule has closed units still in use and a unit is now free, that many closed units go
    /// off duty (before anyone waiting can start on them). Units are alike, so the closed
    /// surge units on duty are always the busy units beyond the base capacity.
    #[inline(always)]
    pub(super) fn surge_on_freed(&mut self, r: usize) {
        if self.features.surge(r) {
            self.surge_on_freed_ruled(r);
        }
    }

    /// [`Self::surge_on_freed`] for a resource with a flex rule.
    #[inline(never)]
    fn surge_on_freed_ruled(&mut self, r: usize) {
        let Some(live) = self.surge[r].as_ref() else {
            return;
        };
        if live.draining == 0 {
            return;
        }
        let state = &self.resources[r];
        let free = state.capacity.saturating_sub(state.busy);
        let n = free.min(live.draining);
        if n == 0 {
            return;
        }
        let (now, (start, end)) = (self.now, self.measured());
        if let Some(live) = self.surge[r].as_mut() {
            live.draining -= n;
            live.shed(n, now, start, end);
        }
        let state = &mut self.resources[r];
        let capacity = state.capacity - n;
        state.set_capacity(now, capacity);
    }

    /// The count resource `r`'s rule watches [patients].
    fn watched(&self, r: usize, live: &SurgeLive, waited_over: Option<f64>) -> u32 {
        match waited_over {
            Some(_) => live.over,
            None => self.resources[r].waiting,
        }
    }

    /// Patient `id` has just joined resource `r`'s queue, waiting since `since` [hours].
    #[inline(always)]
    pub(super) fn surge_on_queued(&mut self, id: PatientId, r: usize, since: f64) {
        if self.features.surge(r) && self.surge_age_from(id, r, since) {
            self.surge_check(r);
        }
    }

    /// Patient `id` has just joined resource `r`'s queue, waiting since `since` [hours]:
    /// counted at once by a `waited_over` rule if it has waited that long already (a census
    /// patient), else looked at again when it has. Whether `r` has a flex rule; the count is
    /// not checked against it here.
    #[inline]
    pub(super) fn surge_age_from(&mut self, id: PatientId, r: usize, since: f64) -> bool {
        let Some(rule) = self.scenario.resources[r].surge.as_ref() else {
            return false;
        };
        if let Some(over) = rule.waited_over {
            let at = since + over;
            if at <= self.now {
                // A census patient that had already waited that long.
                self.patients.get_mut(id).surge_counted = true;
                if let Some(live) = self.surge[r].as_mut() {
                    live.over += 1;
                }
            } else {
                self.events
                    .schedule(SimTime::from_hours(at), Event::SurgeAge(id));
            }
        }
        true
    }

    /// Patient `id` has just left resource `r`'s queue (served, or gone at its deadline).
    #[inline(always)]
    pub(super) fn surge_on_left(&mut self, id: PatientId, r: usize) {
        if self.surge_uncount(id, r) {
            self.surge_check(r);
        }
    }

    /// Patient `id` has just left resource `r`'s queue: no longer counted by its rule's
    /// `waited_over`. Whether `r` has a flex rule (whose count the caller then checks).
    #[inline(always)]
    pub(super) fn surge_uncount(&mut self, id: PatientId, r: usize) -> bool {
        self.features.surge(r) && self.surge_uncount_ruled(id, r)
    }

    /// [`Self::surge_uncount`] for a resource with a flex rule.
    #[inline(never)]
    fn surge_uncount_ruled(&mut self, id: PatientId, r: usize) -> bool {
        let Some(live) = self.surge[r].as_mut() else {
            return false;
        };
        let patient = self.patients.get_mut(id);
        if patient.surge_counted {
            patient.surge_counted = false;
            live.over -= 1;
        }
        true
    }

    /// A patient's wait may have just passed the `waited_over` of the rule of the resource
    /// it waits for; stale unless it is still waiting there and has waited exactly that long.
    pub(super) fn on_surge_age(&mut self, id: PatientId) {
        let scenario = self.scenario;
        let patient = self.patients.get(id);
        if patient.wait_token == 0 || patient.surge_counted {
            return;
        }
        let Some((resource, since)) = self.queued_for(id) else {
            return;
        };
        let r = resource.0 as usize;
        let Some(over) = scenario.resources[r]
            .surge
            .as_ref()
            .and_then(|s| s.waited_over)
        else {
            return;
        };
        if since + over != self.now {
            return;
        }
        self.patients.get_mut(id).surge_counted = true;
        if let Some(live) = self.surge[r].as_mut() {
            live.over += 1;
        }
        self.surge_check(r);
    }

    /// Applies resource `r`'s rule to its watched count now: calls the extra units when the
    /// count is above `open_above`, closes them when it is below `close_below` after the
    /// minimum time open.
    pub(super) fn surge_check(&mut self, r: usize) {
        let scenario = self.scenario;
        let Some(rule) = scenario.resources[r].surge.as_ref() else {
            return;
        };
        let Some(live) = self.surge[r].as_ref() else {
            return;
        };
        let count = self.watched(r, live, rule.waited_over);
        let now = self.now;
        match live.phase {
            Phase::Closed if rule.calls(count) => {
                let at = now + rule.open_delay;
                if let Some(live) = self.surge[r].as_mut() {
                    live.phase = Phase::Called { at };
                }
                self.events
                    .schedule(SimTime::from_hours(at), Event::Surge(r as u16));
            }
            Phase::Open { until } if now >= until && rule.releases(count) => self.surge_close(r),
            _ => {}
        }
    }

    /// A surge timer of resource `r`: the called units arrive, or the minimum time open
    /// ends. Stale unless it falls at the time the rule's phase names.
    pub(super) fn on_surge(&mut self, r: usize) -> Result<(), SimError> {
        let scenario = self.scenario;
        let Some(rule) = scenario.resources[r].surge.as_ref() else {
            return Ok(());
        };
        let now = self.now;
        let Some(phase) = self.surge[r].as_ref().map(|s| s.phase) else {
            return Ok(());
        };
        match phase {
            Phase::Called { at } if at == now => {
                let until = now + rule.min_open;
                let (start, end) = self.measured();
                let mut added = rule.units;
                if let Some(live) = self.surge[r].as_mut() {
                    live.accrue(now, start, end);
                    if live.extra == 0 {
                        live.opened_at = now;
                    }
                    // Closed units still in use stay on: only the rest come.
                    added = rule.units - live.extra;
                    live.phase = Phase::Open { until };
                    live.extra = rule.units;
                    live.draining = 0;
                }
                let state = &mut self.resources[r];
                let capacity = state.capacity.saturating_add(added);
                state.set_capacity(now, capacity);
                if until > now {
                    self.events
                        .schedule(SimTime::from_hours(until), Event::Surge(r as u16));
                }
                self.serve_queue(ResourceId(r as u16))?;
                self.surge_check(r);
            }
            Phase::Open { until } if until == now => self.surge_check(r),
            _ => {}
        }
        Ok(())
    }

    /// Closes resource `r`'s extra units now: those free close at once; those in use stay
    /// on duty (surge units, costed as such) until their patients free them, and nobody new
    /// starts on them (see `surge_on_freed`).
    fn surge_close(&mut self, r: usize) {
        let (now, (start, end)) = (self.now, self.measured());
        let state = &self.resources[r];
        let free = state.capacity.saturating_sub(state.busy);
        let Some(live) = self.surge[r].as_mut() else {
            return;
        };
        let n = free.min(live.extra);
        live.phase = Phase::Closed;
        live.shed(n, now, start, end);
        live.draining = live.extra;
        let state = &mut self.resources[r];
        let capacity = state.capacity - n;
        state.set_capacity(now, capacity);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Open time counts only within the measured period.
    #[test]
    fn open_time_is_clipped_to_the_measured_period() {
        assert_eq!(overlap(2.0, 7.0, 0.0, 100.0), 5.0);
        assert_eq!(overlap(2.0, 7.0, 5.0, 100.0), 2.0);
        assert_eq!(overlap(2.0, 7.0, 8.0, 100.0), 0.0);
        assert_eq!(overlap(90.0, 120.0, 0.0, 100.0), 10.0);
    }
}
