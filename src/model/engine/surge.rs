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
//! minimum time ends. Nothing here allocates or looks anything up by name; resources
//! without a rule cost one branch where their queue changes.

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
    /// Extra units on duty now [units]: 0 or the rule's `units`.
    pub extra: u32,
    /// When the extra units last opened [hours].
    opened_at: f64,
    /// Hours open within the measured period, for the closed spells so far [hours].
    open_hours: f64,
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
                opened_at: 0.0,
                open_hours: 0.0,
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

    /// Hours resource `r`'s extra units were open within the measured period, up to now.
    pub(super) fn surge_open_hours(&self, r: usize) -> f64 {
        let Some(live) = self.surge[r].as_ref() else {
            return 0.0;
        };
        let (start, end) = (
            self.scenario.warm_up.hours(),
            self.scenario.end_time().hours(),
        );
        match live.phase {
            Phase::Open { .. } => live.open_hours + overlap(live.opened_at, self.now, start, end),
            _ => live.open_hours,
        }
    }

    /// The count resource `r`'s rule watches [patients].
    fn watched(&self, r: usize, live: &SurgeLive, waited_over: Option<f64>) -> u32 {
        match waited_over {
            Some(_) => live.over,
            None => self.resources[r].waiting,
        }
    }

    /// Patient `id` has just joined resource `r`'s queue, waiting since `since` [hours].
    #[inline]
    pub(super) fn surge_on_queued(&mut self, id: PatientId, r: usize, since: f64) {
        if self.surge_age_from(id, r, since) {
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
    #[inline]
    pub(super) fn surge_on_left(&mut self, id: PatientId, r: usize) {
        if self.surge_uncount(id, r) {
            self.surge_check(r);
        }
    }

    /// Patient `id` has just left resource `r`'s queue: no longer counted by its rule's
    /// `waited_over`. Whether `r` has a flex rule (whose count the caller then checks).
    #[inline]
    pub(super) fn surge_uncount(&mut self, id: PatientId, r: usize) -> bool {
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
                if let Some(live) = self.surge[r].as_mut() {
                    live.phase = Phase::Open { until };
                    live.extra = rule.units;
                    live.opened_at = now;
                }
                let state = &mut self.resources[r];
                let capacity = state.capacity.saturating_add(rule.units);
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

    /// Closes resource `r`'s extra units now, as at the end of a shift: patients using them
    /// finish in overtime, or pause if the resource pauses at a shift end; nobody new starts
    /// on them.
    fn surge_close(&mut self, r: usize) {
        let now = self.now;
        let (start, end) = (
            self.scenario.warm_up.hours(),
            self.scenario.end_time().hours(),
        );
        let Some(live) = self.surge[r].as_mut() else {
            return;
        };
        let extra = live.extra;
        live.open_hours += overlap(live.opened_at, now, start, end);
        live.extra = 0;
        live.phase = Phase::Closed;
        let state = &mut self.resources[r];
        let capacity = state.capacity.saturating_sub(extra);
        state.set_capacity(now, capacity);
        // A resource that pauses at a shift end pauses the work beyond its capacity here too.
        self.pause_excess(ResourceId(r as u16));
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
