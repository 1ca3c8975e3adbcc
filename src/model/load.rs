//! Offered load: a long-run estimate, before anything runs, of how much work each resource
//! is asked to do against the units it has.
//!
//! Method (flow balance, the traffic equations of a queueing network):
//!
//! 1. Each pathway is entered at the mean rate of its sources over the week [patients/hour]
//!    (`per_day` with its hour and day profiles), times the time-average over the measured
//!    period of the demand changes in force (dated changes and a `month_profile` included;
//!    growth left out).
//! 2. The rate of patients reaching each step is what flows into it: the entry rate at a
//!    pathway's first step plus, from every step leading to it, that step's rate times the
//!    probability of taking that route (branch probabilities; an attribute branch by the
//!    attribute's default probabilities; a `branch_on_hours` by the share of the time the
//!    office is open or the team on duty: of the week, or on real dates of the measured
//!    period, dated hours and bank holidays included; transfers carry everyone). Solved by sweeps in
//!    step order (Gauss-Seidel): one sweep when routes only go forward, more with loops,
//!    at most `MAX_SWEEPS`.
//! 3. The same balance, per resource, gives the rate of patients at each step *holding* a
//!    unit (from a `seize` to its `release` or the end).
//! 4. Offered load of a resource [units] = the sum over steps of (rate holding a unit) x
//!    (mean time at the step) plus, for its activities, (rate) x (mean duration): the mean
//!    number of units busy if every request were served. Its capacity is the mean number of
//!    units available: over the week, or on real dates the time-average over the measured
//!    period (from the end of the warm-up to the end of the run) of the units actually in
//!    force, dated periods (escalation beds, a winter roster) and bank holidays included.
//!    One figure for the run is what the check needs ("will the queue grow for as long as
//!    the run lasts?"); a resource short only within a period can still queue then, which
//!    the day-by-day charts show.
//!
//! Where it cannot tell: waits for *other* resources while a unit is held count as no
//! time, and a handoff counts its working time without closed hours, so the true load can
//! be higher; every wait is assumed served (no deadline fallbacks), so for waits with a
//! deadline the true load can be lower (the queue is then bounded by the deadline, and the
//! excess takes the fallback); census patients (transient) and growth are left out.

use super::dated_schedule::DatedSchedule;
use super::scenario::{DemandChange, OpenWhen, ResourceId, Scenario, StepKind};
use super::week_schedule::WeekSchedule;

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
    /// Mean units available [units]: over the week, or on real dates over the measured
    /// period, dated periods and bank holidays included (see the module header).
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
                        let calendar = &scenario.calendars[c.0 as usize];
                        open_share(scenario, &calendar.schedule, calendar.dated.as_ref())
                    }
                    OpenWhen::Staffed(r) => {
                        let resource = &scenario.resources[r.0 as usize];
                        open_share(scenario, &resource.schedule, resource.dated.as_ref())
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

/// The measured period of `scenario`: from the end of the warm-up to the end of the run
/// [hours since time zero].
fn measured(scenario: &Scenario) -> (f64, f64) {
    (scenario.warm_up.hours(), scenario.end_time().hours())
}

/// Share of the time a level is positive (an office open, a team on duty): of the usual
/// week, or on real dates of the measured period.
fn open_share(scenario: &Scenario, week: &WeekSchedule, dated: Option<&DatedSchedule>) -> f64 {
    match dated {
        Some(dated) => {
            let (from, to) = measured(scenario);
            dated.open_hours_from(from, to - from) / (to - from).max(f64::MIN_POSITIVE)
        }
        None => week.weekly_open_hours() / 168.0,
    }
}

/// Mean units available [units]: the usual week's mean, or on real dates the time-average
/// over the measured period of the units in force.
fn mean_capacity(scenario: &Scenario, week: &WeekSchedule, dated: Option<&DatedSchedule>) -> f64 {
    match dated {
        Some(dated) => {
            let (from, to) = measured(scenario);
            dated.mean_level_between(from, to)
        }
        None => week.weekly_total() / 168.0,
    }
}

/// Time-average over `from`..`to` [hours] of the product of the demand changes in force
/// (as the arrivals multiply them); 1 without changes or over an empty span.
fn mean_change_factor(changes: &[DemandChange], from: f64, to: f64) -> f64 {
    if changes.is_empty() || to <= from {
        return 1.0;
    }
    let mut cuts: Vec<f64> = vec![from, to];
    for change in changes {
        cuts.extend(
            [change.start, change.end]
                .into_iter()
                .filter(|t| *t > from && *t < to),
        );
    }
    cuts.sort_by(f64::total_cmp);
    cuts.dedup();
    let mut total = 0.0;
    for pair in cuts.windows(2) {
        let middle = 0.5 * (pair[0] + pair[1]);
        let factor: f64 = changes
            .iter()
            .filter(|c| c.start <= middle && middle < c.end)
            .map(|c| c.factor)
            .product();
        total += factor * (pair[1] - pair[0]);
    }
    total / (to - from)
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
        let (from, to) = measured(scenario);
        entries[entry] += source.hourly_rate.iter().sum::<f64>() / 168.0
            * mean_change_factor(&source.demand_changes, from, to);
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
                // A home-visit episode that releases the unit at its start (`release_at_start`)
                // holds it for none of the episode: the unit is let go as the visits begin.
                let releases_at_start = |p: usize| match &scenario.steps[p].kind {
                    StepKind::Visits { episode, .. } => {
                        scenario.visits[episode.0 as usize].release_at_start == Some(id)
                    }
                    _ => false,
                };
                let holding = balance(&predecessors, &no_inflow, |p, rate| {
                    match &scenario.steps[p].kind {
                        StepKind::Seize { wait, .. } if units_of(scenario, wait, id) > 0.0 => {
                            visits[p] * units_of(scenario, wait, id)
                        }
                        StepKind::Release { resource, .. } if *resource == id => 0.0,
                        _ if releases_at_start(p) => 0.0,
                        _ => rate,
                    }
                });
                offered += holding
                    .iter()
                    .zip(&times)
                    .enumerate()
                    .filter(|(s, _)| !releases_at_start(*s))
                    .map(|(_, (h, t))| h * t)
                    .sum::<f64>();
            }
            ResourceLoad {
                resource: id,
                starts_per_hour: starts,
                mean_hold_hours: if starts > 0.0 { offered / starts } else { 0.0 },
                offered,
                capacity: mean_capacity(scenario, &resource.schedule, resource.dated.as_ref()),
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

    /// On real dates, by hand: 10 beds, 20 from Tuesday 8 to Monday 14 December 2026, in a
    /// 28-day run from Tuesday 1 December (no warm-up): 10 + 10 x 7 / 28 = 12.5 beds. 24
    /// referrals a day, 1.5 times as many from 15 to 28 December (14 of the 28 days): 1.25
    /// an hour, each in a bed 8 h, so 10 beds offered. Those referred while the office
    /// (Mon-Fri 09:00-17:00) is open see a nurse for 1 h: the office is open on 20 weekdays
    /// less the bank holidays of Friday 25 and Monday 28 December (England and Wales), 18 x
    /// 8 = 144 of 672 hours, so the nurse is offered 1.25 x 144 / 672 = 0.2679 units. With
    /// a warm-up of 7 days and 21 days measured (8 to 28 December), beds average (7 x 20 +
    /// 14 x 10) / 21 = 13.33 and referrals (7 x 1 + 14 x 1.5) / 21 = 1.33 an hour.
    #[test]
    fn dated_capacity_demand_and_office_hours_average_over_the_measured_period() {
        let text = |warm_up: &str, horizon: &str| {
            format!(
                r#"
[run]
name = "winter_ward"
start = "2026-12-01"
warm_up = "{warm_up}"
horizon = "{horizon}"

[calendars.office]
hours = [{{ days = ["weekdays"], start = "09:00", end = "17:00" }}]

[resources.bed]
count = 10
periods = [{{ from = "2026-12-08", to = "2026-12-14", count = 20 }}]

[resources.nurse]
count = 1

[arrivals.ae]
pathway = "ward"
per_day = 24

[[demand_changes]]
from = "2026-12-15"
to = "2026-12-28"
factor = 1.5

[[pathways.ward.steps]]
name = "stay"
activity = {{ resource = "bed", duration = {{ fixed = "8 h" }} }}

[[pathways.ward.steps]]
name = "hours"
branch_on_hours = {{ calendar = "office", open = "see_nurse", closed = "home" }}

[[pathways.ward.steps]]
name = "see_nurse"
activity = {{ resource = "nurse", duration = {{ fixed = "1 h" }} }}

[[pathways.ward.steps]]
name = "home"
end = {{ outcome = "home" }}
"#
            )
        };
        let scenario = crate::scenario::parse("winter_ward.toml", &text("0 d", "28 d"))
            .unwrap()
            .scenario;
        let loads = offered_loads(&scenario);
        let (bed, nurse) = (&loads[0], &loads[1]);
        assert!((bed.capacity - 12.5).abs() < 1e-9, "{bed:?}");
        assert!((bed.starts_per_hour - 1.25).abs() < 1e-9, "{bed:?}");
        assert!((bed.offered - 10.0).abs() < 1e-9, "{bed:?}");
        assert!(
            (nurse.offered - 1.25 * 144.0 / 672.0).abs() < 1e-9,
            "{nurse:?}"
        );
        assert_eq!(nurse.capacity, 1.0);
        // The warm-up (1 to 7 December) is left out.
        let warmed = crate::scenario::parse("winter_ward.toml", &text("7 d", "21 d"))
            .unwrap()
            .scenario;
        let bed = &offered_loads(&warmed)[0];
        assert!((bed.capacity - 280.0 / 21.0).abs() < 1e-9, "{bed:?}");
        assert!(
            (bed.starts_per_hour - (7.0 + 14.0 * 1.5) / 21.0).abs() < 1e-9,
            "{bed:?}"
        );
    }

    /// A bed held until home visits start (`release_at_start`) is not held through the
    /// episode: 1 patient an hour, 10 h in the bed, then 5 days of visits that let the bed go
    /// as they start: 1 x 10 = 10 beds offered (not 1 x (10 + 120) = 130).
    #[test]
    fn a_bed_let_go_when_visits_start_is_not_held_through_them() {
        let text = r#"
[run]
name = "visits_ward"
horizon = "10 d"

[resources.bed]
count = 12

[resources.carer]
roster = [{ days = ["every_day"], start = "08:00", end = "20:00", count = 30 }]

[arrivals.ae]
pathway = "ward"
per_day = 24

[[pathways.ward.steps]]
name = "admit"
seize = { resource = "bed" }

[[pathways.ward.steps]]
name = "stay"
delay = { duration = { fixed = "10 h" } }

[[pathways.ward.steps]]
name = "reablement"
visits = { length_of_stay = { fixed = "5 d" }, initial_per_day = 1, final_per_day = 1, visit = "30 min", travel = "10 min", resource = "carer", release_at_start = "bed" }

[[pathways.ward.steps]]
name = "home"
end = { outcome = "home" }
"#;
        let scenario = crate::scenario::parse("visits_ward.toml", text)
            .unwrap_or_else(|e| panic!("{e}"))
            .scenario;
        let bed = &offered_loads(&scenario)[0];
        assert!((bed.offered - 10.0).abs() < 1e-9, "{bed:?}");
        assert!(!bed.is_overloaded());
    }
}
