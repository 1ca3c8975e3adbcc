//! Offered load: a long-run estimate, before anything runs, of how much work each resource
//! is asked to do against the units it has.
//!
//! Method (flow balance, the traffic equations of a queueing network):
//!
//! 1. Each pathway is entered at the mean rate of its sources over the week [patients/hour]
//!    (`per_day` with its hour and day profiles; growth and demand changes left out).
//! 2. The rate of patients reaching each step is what flows into it: the entry rate at a
//!    pathway's first step plus, from every step leading to it, that step's rate times the
//!    probability of taking that route (branch probabilities; an attribute branch by the
//!    attribute's default probabilities; a `branch_on_hours` by the share of the week the
//!    office is open or the team on duty; transfers carry everyone). Solved by sweeps in
//!    step order (Gauss-Seidel): one sweep when routes only go forward, more with loops,
//!    at most `MAX_SWEEPS`.
//! 3. The same balance, per resource, gives the rate of patients at each step *holding* a
//!    unit (from a `seize` to its `release` or the end).
//! 4. Offered load of a resource [units] = the sum over steps of (rate holding a unit) x
//!    (mean time at the step) plus, for its activities, (rate) x (mean duration): the mean
//!    number of units busy if every request were served. Its capacity is the mean number of
//!    units available over the week.
//!
//! Where it cannot tell: waits for *other* resources while a unit is held count as no
//! time, and a handoff counts its working time without closed hours, so the true load can
//! be higher; every wait is assumed served (no deadline fallbacks), so for waits with a
//! deadline the true load can be lower (the queue is then bounded by the deadline, and the
//! excess takes the fallback); census patients (transient) and growth are left out.

use super::scenario::{OpenWhen, ResourceId, Scenario, StepKind};

/// Most sweeps of the balance equations (loops with a high probability of going round
/// converge slowly; the estimate then stops short, on the low side).
const MAX_SWEEPS: usize = 200;
/// Relative change below which a sweep is the last.
const TOLERANCE: f64 = 1e-9;

/// The long-run demand on one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceLoad {
    /// The resource.
    pub resource: ResourceId,
    /// Patients starting to use a unit (at its `seize` and `activity` steps) [patients/hour].
    pub starts_per_hour: f64,
    /// Mean time a unit is held per use [hours] (0 if nobody uses it).
    pub mean_hold_hours: f64,
    /// Offered load: units busy on average if every request were served [units].
    pub offered: f64,
    /// Mean units available over the week [units].
    pub capacity: f64,
    /// Whether every wait for the resource has a deadline, so that its queue cannot grow
    /// without bound (the excess takes the fallback).
    pub every_wait_has_deadline: bool,
}

impl ResourceLoad {
    /// Whether more work is offered than the resource has units for, on average.
    pub fn is_overloaded(&self) -> bool {
        self.offered > self.capacity
    }

    /// Whether its queue would grow for as long as the run lasts: overloaded, and some wait
    /// for it has no deadline.
    pub fn queue_grows_without_bound(&self) -> bool {
        self.is_overloaded() && !self.every_wait_has_deadline
    }
}

/// Each step's successors with the probability of going there.
fn successors(scenario: &Scenario) -> Vec<Vec<(usize, f64)>> {
    scenario
        .steps
        .iter()
        .map(|step| match &step.kind {
            StepKind::Seize { next, .. }
            | StepKind::Activity { next, .. }
            | StepKind::Release { next, .. }
            | StepKind::Delay { next, .. }
            | StepKind::Handoff { next, .. }
            | StepKind::Visits { next, .. }
            | StepKind::Block { next, .. } => vec![(next.0 as usize, 1.0)],
            StepKind::Transfer { to, .. } => vec![(to.0 as usize, 1.0)],
            StepKind::End { .. } => Vec::new(),
            StepKind::Branch { arms } => {
                let mut previous = 0.0;
                arms.iter()
                    .map(|(cumulative, target)| {
                        let p = (cumulative - previous).max(0.0);
                        previous = *cumulative;
                        (target.0 as usize, p)
                    })
                    .collect()
            }
            StepKind::BranchOn { attribute, targets } => targets
                .iter()
                .zip(&scenario.attributes[attribute.0 as usize].probabilities)
                .map(|(target, p)| (target.0 as usize, *p))
                .collect(),
            StepKind::BranchOnHours {
                hours,
                open,
                closed,
            } => {
                let open_share = match hours {
                    OpenWhen::Calendar(c) => {
                        scenario.calendars[c.0 as usize]
                            .schedule
                            .weekly_open_hours()
                            / 168.0
                    }
                    OpenWhen::Staffed(r) => {
                        scenario.resources[r.0 as usize]
                            .schedule
                            .weekly_open_hours()
                            / 168.0
                    }
                };
                vec![
                    (open.0 as usize, open_share),
                    (closed.0 as usize, 1.0 - open_share),
                ]
            }
        })
        .collect()
}

/// Solves `rate[s] = inflow[s] + sum over predecessors p of out(p) * prob(p -> s)` by
/// Gauss-Seidel sweeps, where `out(p, rate[p])` is what leaves step `p`.
fn balance(
    predecessors: &[Vec<(usize, f64)>],
    inflow: &[f64],
    out: impl Fn(usize, f64) -> f64,
) -> Vec<f64> {
    let mut rate = inflow.to_vec();
    for _ in 0..MAX_SWEEPS {
        let mut change: f64 = 0.0;
        let mut largest: f64 = 0.0;
        for s in 0..rate.len() {
            let value = inflow[s]
                + predecessors[s]
                    .iter()
                    .map(|&(p, prob)| out(p, rate[p]) * prob)
                    .sum::<f64>();
            change = change.max((value - rate[s]).abs());
            largest = largest.max(value.abs());
            rate[s] = value;
        }
        if change <= TOLERANCE * largest || !largest.is_finite() {
            break;
        }
    }
    rate
}

/// Mean time a patient spends at a step, not counting waits for a unit [hours].
fn time_at(scenario: &Scenario, step: usize) -> f64 {
    match &scenario.steps[step].kind {
        StepKind::Delay { duration, .. } | StepKind::Activity { duration, .. } => duration.mean(),
        // The stay as drawn (truncation and waiting to start left out).
        StepKind::Visits { episode, .. } => {
            scenario.visits[episode.0 as usize].length_of_stay.mean()
        }
        StepKind::Handoff { handoff, .. } => {
            // Processing, plus per bounce a rework and another processing; then the
            // receiver's own assessment.
            let bounce = handoff.bounce_probability.clamp(0.0, 0.999);
            let rework = handoff.rework.as_ref().map_or(0.0, |d| d.mean());
            let assessment = handoff
                .duplicate_assessment
                .as_ref()
                .map_or(0.0, |d| d.mean());
            (handoff.processing.mean() + bounce * rework) / (1.0 - bounce) + assessment
        }
        _ => 0.0,
    }
}

/// Units of resource `id` a wait takes: its `units` of each resource it asks for; an
/// `any_of` request's units are split evenly over its alternatives (which one serves is
/// decided by who is free, so this is only a guide).
fn units_of(scenario: &Scenario, wait: &crate::model::scenario::Wait, id: ResourceId) -> f64 {
    match wait.request {
        None => f64::from(u8::from(wait.resource == id)),
        Some(request) => {
            let spec = &scenario.requests[request.0 as usize];
            let share = if spec.any_of {
                1.0 / spec.parts.len() as f64
            } else {
                1.0
            };
            spec.parts
                .iter()
                .filter(|p| p.resource == id)
                .map(|p| f64::from(p.units) * share)
                .sum()
        }
    }
}

/// The long-run offered load of every resource, in scenario order (see the module header
/// for the method and its limits).
pub fn offered_loads(scenario: &Scenario) -> Vec<ResourceLoad> {
    let steps = scenario.steps.len();
    let mut predecessors: Vec<Vec<(usize, f64)>> = vec![Vec::new(); steps];
    for (s, next) in successors(scenario).into_iter().enumerate() {
        for (t, p) in next {
            if p > 0.0 {
                predecessors[t].push((s, p));
            }
        }
    }
    let mut entries = vec![0.0; steps];
    for source in &scenario.sources {
        let entry = scenario.pathways[source.pathway.0 as usize].entry.0 as usize;
        entries[entry] += source.hourly_rate.iter().sum::<f64>() / 168.0;
    }
    let visits = balance(&predecessors, &entries, |_, rate| rate);
    let times: Vec<f64> = (0..steps).map(|s| time_at(scenario, s)).collect();
    let no_inflow = vec![0.0; steps];
    scenario
        .resources
        .iter()
        .enumerate()
        .map(|(r, resource)| {
            let id = ResourceId(r as u16);
            let mut starts = 0.0;
            let mut offered = 0.0;
            let mut seized = false;
            let mut every_wait_has_deadline = true;
            for (s, step) in scenario.steps.iter().enumerate() {
                match &step.kind {
                    StepKind::Activity { wait, .. } if units_of(scenario, wait, id) > 0.0 => {
                        every_wait_has_deadline &= wait.deadline.is_some();
                        starts += visits[s];
                        offered += visits[s] * times[s] * units_of(scenario, wait, id);
                    }
                    StepKind::Seize { wait, .. } if units_of(scenario, wait, id) > 0.0 => {
                        every_wait_has_deadline &= wait.deadline.is_some();
                        starts += visits[s];
                        seized = true;
                    }
                    // A staffed office: one unit per reading and assessment (not the
                    // sender's rework).
                    StepKind::Handoff { handoff, .. }
                        if handoff.by.is_some_and(|staff| staff.resource == id) =>
                    {
                        every_wait_has_deadline = false;
                        starts += visits[s];
                        let bounce = handoff.bounce_probability.clamp(0.0, 0.999);
                        let assessment = handoff
                            .duplicate_assessment
                            .as_ref()
                            .map_or(0.0, |d| d.mean());
                        offered +=
                            visits[s] * (handoff.processing.mean() / (1.0 - bounce) + assessment);
                    }
                    _ => {}
                }
            }
            if seized {
                let holding = balance(&predecessors, &no_inflow, |p, rate| {
                    match &scenario.steps[p].kind {
                        StepKind::Seize { wait, .. } if units_of(scenario, wait, id) > 0.0 => {
                            visits[p] * units_of(scenario, wait, id)
                        }
                        StepKind::Release { resource, .. } if *resource == id => 0.0,
                        _ => rate,
                    }
                });
                offered += holding.iter().zip(&times).map(|(h, t)| h * t).sum::<f64>();
            }
            ResourceLoad {
                resource: id,
                starts_per_hour: starts,
                mean_hold_hours: if starts > 0.0 { offered / starts } else { 0.0 },
                offered,
                capacity: resource.schedule.weekly_total() / 168.0,
                every_wait_has_deadline,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ward by hand: 1 patient an hour seizes a bed, stays 10 h, goes round the stay again
    /// with probability 1/4, releases the bed and then sees a therapist for 30 min. Visits to
    /// the stay: 1 / (1 - 1/4) = 4/3 an hour, so beds are offered 4/3 x 10 = 13.3 units
    /// against 12 (overloaded, no deadline); the therapist 1 x 0.5 = 0.5 units against 1.
    #[test]
    fn offered_load_follows_loops_and_holding() {
        let text = r#"
[run]
name = "ward"
horizon = "10 d"

[resources.bed]
count = 12

[resources.therapist]
count = 1

[arrivals.ae]
pathway = "ward"
per_day = 24

[[pathways.ward.steps]]
name = "admit"
seize = { resource = "bed" }

[[pathways.ward.steps]]
name = "stay"
delay = { duration = { exponential = { mean = "10 h" } } }

[[pathways.ward.steps]]
name = "again"
branch = [{ to = "stay", probability = 0.25 }, { to = "leave", probability = 0.75 }]

[[pathways.ward.steps]]
name = "leave"
release = { resource = "bed" }

[[pathways.ward.steps]]
name = "therapy"
activity = { resource = "therapist", duration = { uniform = { min = "20 min", max = "40 min" } } }

[[pathways.ward.steps]]
name = "home"
end = { outcome = "home" }
"#;
        let scenario = crate::scenario::parse("ward.toml", text).unwrap().scenario;
        let loads = offered_loads(&scenario);
        let bed = &loads[0];
        assert!((bed.starts_per_hour - 1.0).abs() < 1e-9, "{bed:?}");
        assert!((bed.offered - 40.0 / 3.0).abs() < 1e-6, "{bed:?}");
        assert!((bed.mean_hold_hours - 40.0 / 3.0).abs() < 1e-6, "{bed:?}");
        assert_eq!(bed.capacity, 12.0);
        assert!(bed.queue_grows_without_bound());
        let therapist = &loads[1];
        assert!((therapist.offered - 0.5).abs() < 1e-9, "{therapist:?}");
        assert!(!therapist.is_overloaded());
    }
}
