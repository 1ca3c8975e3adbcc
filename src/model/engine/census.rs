//! The initial census: patients already in the system at time zero, placed before anything
//! else happens.
//!
//! Every census patient takes the units it holds before any of them moves, so the order of
//! the `[[initial]]` groups cannot decide who holds what. Then they move on in this order:
//!
//! 1. patients at a waiting step (`seize`, `activity`), by the priority of that step (highest
//!    first) and then by when they started waiting (`-at_step`, earliest first), whatever
//!    the order of the groups in the file; ties keep the file order;
//! 2. everyone else, in file order.
//!
//! So a queue at time zero holds its census patients in the order a queue that had run
//! since they arrived would hold them, and free units go to those who have waited longest.
//! A census patient's wait counts from when it started waiting (its waits, its deadline
//! counted from the step, and whether it was within the deadline all include the time
//! already waited). A patient in a `delay` already under way has its remaining time drawn
//! from the delay's residual life (see `model::residual_life`) unless the group states
//! `remaining`.

use std::cmp::Ordering;

use super::Simulation;
use super::draw_category;
use super::patients::{Patient, PatientId};
use super::trace::Detail;
use crate::kernel::{StreamKey, entity_key};
use crate::model::scenario::{MAX_ATTRIBUTES, Scenario, StepId, StepKind};

/// A census patient placed at time zero, not yet moved.
#[derive(Debug, Clone, Copy)]
struct Placed {
    id: PatientId,
    step: StepId,
    /// When it started waiting at `step` [hours, 0 or before].
    since: f64,
    /// Priority rank of the wait at `step`, if it is a waiting step.
    rank: Option<usize>,
}

/// The order in which placed census patients move on (see the module header).
fn moving_order(a: &Placed, b: &Placed) -> Ordering {
    match (a.rank, b.rank) {
        (Some(ra), Some(rb)) => ra.cmp(&rb).then(a.since.total_cmp(&b.since)),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Census patients in all, saturating (compile refuses more than the scenario's bound).
pub(super) fn census_size(scenario: &Scenario) -> u64 {
    scenario
        .initial
        .iter()
        .fold(0u64, |sum, g| sum.saturating_add(u64::from(g.count)))
}

impl Simulation<'_> {
    /// Creates every census patient, gives it its units, then moves each on in order.
    pub(super) fn place_census(&mut self) -> Result<(), super::SimError> {
        let scenario = self.scenario;
        if census_size(scenario) > self.scenario.max_inside {
            return Err(self.too_many_inside());
        }
        let mut placed: Vec<Placed> = Vec::new();
        for (g, group) in scenario.initial.iter().enumerate() {
            let origin = StreamKey::named(&format!("census:{g}"));
            let since = -group.at_step.hours();
            let rank = scenario.wait_at(group.step).map(|w| w.priority_rank);
            for ordinal in 0..group.count {
                let patient_key = entity_key(origin, u64::from(ordinal));
                let mut attributes = [0u8; MAX_ATTRIBUTES];
                for (a, attribute) in scenario.attributes.iter().enumerate() {
                    attributes[a] = match group.attributes[a] {
                        Some(category) => category,
                        None => {
                            let mut stream =
                                self.key
                                    .draw_stream(patient_key, self.attribute_purposes[a], 0);
                            draw_category(&attribute.probabilities, &mut stream)
                        }
                    };
                }
                let patient = Patient::new(
                    self.key.entity_seed(patient_key),
                    group.step,
                    -group.elapsed.hours(),
                    attributes,
                );
                let id = self.patients.insert(patient);
                self.patients.get_mut(id).number = self.created;
                self.trace_event(id, "census", None, Detail::Hours(group.elapsed.hours()));
                let remaining = match (
                    &group.remaining,
                    &scenario.steps[group.step.0 as usize].kind,
                ) {
                    (Some(d), _) => {
                        let purpose = StreamKey::named("census:remaining");
                        Some(
                            d.sample(&mut self.key.draw_stream(patient_key, purpose, 0))
                                .hours(),
                        )
                    }
                    // A delay under way: what is left of it, given the time already spent.
                    (None, StepKind::Delay { duration, .. }) if group.at_step.hours() > 0.0 => {
                        let mut stream = self.draw(id, group.step);
                        Some(
                            duration
                                .sample_residual(group.at_step.hours(), &mut stream)
                                .hours(),
                        )
                    }
                    _ => None,
                };
                self.patients.get_mut(id).remaining_override = remaining;
                self.created += 1;
                for resource in &group.holding {
                    self.take_unit(*resource);
                    self.patients.get_mut(id).held |= 1 << resource.0;
                }
                for resource in &group.blocked {
                    self.set_blocked(id, *resource, group.step)?;
                }
                let pathway = scenario.steps[group.step.0 as usize].pathway;
                self.recorder.entries[pathway.0 as usize] += 1;
                self.attribution.enter(pathway);
                let inside = super::daily::pathway_series(scenario, pathway.0 as usize);
                self.counts.change(inside, self.now, true);
                placed.push(Placed {
                    id,
                    step: group.step,
                    since,
                    rank,
                });
            }
        }
        placed.sort_by(moving_order);
        for patient in placed {
            if patient.rank.is_some() {
                self.placing_census = true;
                let placed = self.advance_since(patient.id, patient.step, patient.since);
                self.placing_census = false;
                placed?;
            } else {
                self.advance(patient.id, patient.step)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placed(id: PatientId, since: f64, rank: Option<usize>) -> Placed {
        Placed {
            id,
            step: StepId(0),
            since,
            rank,
        }
    }

    /// Waiting patients go first, by priority then by how long they have waited; the rest
    /// keep their file order.
    #[test]
    fn census_moves_on_by_priority_then_time_waited() {
        let mut list = [
            placed(0, -1.0, Some(0)),
            placed(1, 0.0, None),
            placed(2, -17.5, Some(0)),
            placed(3, -50.0, Some(1)),
            placed(4, -3.0, None),
            placed(5, -1.0, Some(0)),
        ];
        list.sort_by(moving_order);
        let ids: Vec<PatientId> = list.iter().map(|p| p.id).collect();
        assert_eq!(ids, vec![2, 0, 5, 3, 1, 4]);
    }
}
