//! Home-visit episodes in the event loop: a patient reaching a `visits` step draws its length
//! of stay and visit plan, and its plan is placed in the step's [`VisitBook`] at once (see
//! `model::visit_plan` for the rules, taken from IPACS). With a daily capacity of slots the
//! patient starts on the first day its whole plan fits (a `StepDone` at the start of that
//! day, unless it is today); with a roster it starts at once and the visits that do not fit
//! in the day's rostered carer-hours are counted as missed. The episode ends at midnight after
//! its last day (a second `StepDone`), and the patient moves on.
//!
//! Placing a plan touches only preallocated per-day tables (grown, rarely, when bookings
//! reach further ahead than before) and the per-patient table here, indexed by slot: no
//! allocation per event and no look-up by name.

use rand::RngExt;

use super::patients::PatientId;
use super::trace::Detail;
use super::{SimError, Simulation};
use crate::kernel::SimTime;
use crate::model::metrics::{DurationSample, MetricValue, Unit};
use crate::model::scenario::{Scenario, StepId};
use crate::model::visit_plan::{
    MAX_LOS_REDRAWS, VisitBook, VisitCapacity, VisitEpisode, VisitPlan, VisitsId,
};

/// Where a patient is in its episode, by patient slot.
#[derive(Debug, Clone, Copy)]
struct Placed {
    /// When the patient reached the step [hours].
    since: f64,
    /// When its episode ends [hours].
    end: f64,
    /// Whether the step's `release_at_start` applies: the patient holds it (a census patient
    /// placed in its episode, already home, does not).
    release: bool,
}

const NOT_PLACED: Placed = Placed {
    since: f64::NAN,
    end: f64::NAN,
    release: false,
};

/// Per episode step: its book of days and waits to start; per patient: its placement.
pub(super) struct VisitsState {
    books: Vec<VisitBook>,
    /// Waits from reaching the step to the first visit day, of episodes started after the
    /// warm-up [hours].
    waits: Vec<DurationSample>,
    /// Episodes started after the warm-up.
    started: Vec<u64>,
    placed: Vec<Placed>,
}

impl VisitsState {
    /// The books of `scenario`'s episodes: slots every day, or each alternative's rostered
    /// carer-hours on each day of the run (`week_offset` as the engine's).
    pub(super) fn new(scenario: &Scenario, week_offset: f64) -> Self {
        let days = (scenario.end_time().hours() / 24.0).ceil() as usize + 1;
        let books = scenario
            .visits
            .iter()
            .map(|episode| match &episode.capacity {
                VisitCapacity::Slots { per_day } => VisitBook::slots(*per_day),
                VisitCapacity::Roster { resources } => {
                    let mut capacity = Vec::with_capacity(days * resources.len());
                    for day in 0..days {
                        for r in resources {
                            let resource = &scenario.resources[r.0 as usize];
                            capacity.push(rostered_hours(resource, day, week_offset));
                        }
                    }
                    VisitBook::roster(resources.len(), capacity)
                }
            })
            .collect();
        VisitsState {
            books,
            waits: scenario
                .visits
                .iter()
                .map(|_| DurationSample::new())
                .collect(),
            started: vec![0; scenario.visits.len()],
            placed: Vec::new(),
        }
    }

    /// Forgets waits recorded in the warm-up.
    pub(super) fn restart(&mut self) {
        self.waits.iter_mut().for_each(DurationSample::reset);
        self.started.fill(0);
    }

    fn placed_mut(&mut self, id: PatientId) -> &mut Placed {
        let i = id as usize;
        if self.placed.len() <= i {
            self.placed
                .resize((i + 1).max(2 * self.placed.len()), NOT_PLACED);
        }
        &mut self.placed[i]
    }
}

/// Unit-hours rostered for `resource` on day `day` (from `day` x 24 h for 24 h).
fn rostered_hours(
    resource: &crate::model::scenario::Resource,
    day: usize,
    week_offset: f64,
) -> f64 {
    let from = day as f64 * 24.0;
    let to = from + 24.0;
    let mut t = from;
    let mut total = 0.0;
    while t < to {
        let level = f64::from(resource.level_at(t + 1e-9, week_offset));
        let until = match resource.next_change(t + 1e-9, week_offset) {
            Some((dt, _)) => (t + 1e-9 + dt).min(to),
            None => to,
        };
        let until = if until <= t { to } else { until };
        total += level * (until - t);
        t = until;
    }
    total
}

impl Simulation<'_> {
    /// Patient `id` reaches `visits` step `step` (episode `e`), having been ready since
    /// `since`: draws its plan, places it, and schedules its start or its end.
    pub(super) fn begin_visits(
        &mut self,
        id: PatientId,
        step: StepId,
        e: VisitsId,
        since: f64,
    ) -> Result<(), SimError> {
        let scenario = self.scenario;
        let episode: &VisitEpisode = &scenario.visits[e.0 as usize];
        let remaining = self.patients.get_mut(id).remaining_override.take();
        let mut stream = self.draw(id, step);
        let mut full_days = None;
        for _ in 0..MAX_LOS_REDRAWS {
            let hours = episode.length_of_stay.sample(&mut stream).hours();
            if let Some(days) = episode.stay_days(hours) {
                full_days = Some(days);
                break;
            }
        }
        let full_days = full_days.unwrap_or_else(|| {
            episode
                .truncate_at_days
                .map_or(1, |limit| limit.saturating_sub(1).max(1))
        });
        let double = stream.random::<f64>() < episode.double_handed;
        // A census patient part-way through: the last days of its plan (IPACS `dis_los2`).
        let skip = remaining.map_or(0, |hours| {
            let left = ((hours / 24.0).round_ties_even().max(1.0)).min(f64::from(full_days));
            full_days - left as u32
        });
        let plan = VisitPlan {
            initial: episode.initial_per_day,
            last: episode.final_per_day,
            full_days,
            skip,
            carers: if double { 2 } else { 1 },
        };
        let now = self.now;
        let today = (now.max(0.0) / 24.0).floor() as usize;
        let last_day = (scenario.end_time().hours() / 24.0).floor() as usize;
        let book = &mut self.visits.books[e.0 as usize];
        let per_visit = episode.per_visit(plan.carers);
        let start_day = if episode.wait_for_fit {
            book.first_fit(&plan, per_visit, today, last_day.max(today))
        } else {
            Some(today)
        };
        if let Some(day) = start_day {
            book.deliver(&plan, day, per_visit);
        }
        let (start, end) = match start_day {
            Some(day) if day == today => (now, (day + plan.days() as usize) as f64 * 24.0),
            Some(day) => (
                day as f64 * 24.0,
                (day + plan.days() as usize) as f64 * 24.0,
            ),
            None => (f64::INFINITY, f64::INFINITY),
        };
        // Referred patients hold it (the route check sees to that); a census patient placed in
        // the episode is already home.
        let held = self.patients.get(id).held;
        let release = episode
            .release_at_start
            .is_some_and(|r| held & (1u64 << r.0) != 0);
        *self.visits.placed_mut(id) = Placed {
            since,
            end,
            release,
        };
        let blocked = self.patients.get(id).blocked != 0;
        if start <= now {
            self.start_visits(id, step, e)
        } else {
            let cause = self.attribution.table.at_step(step, blocked) + 1;
            self.begin_cause(id, cause);
            self.trace_event(id, "queue", None, Detail::Hours(start - now));
            if start.is_finite() {
                self.events
                    .schedule(SimTime::from_hours(start), super::Event::StepDone(id));
            }
            Ok(())
        }
    }

    /// Patient `id`'s visits start now: its wait is recorded and its end scheduled.
    fn start_visits(&mut self, id: PatientId, step: StepId, e: VisitsId) -> Result<(), SimError> {
        let now = self.now;
        let placed = self.visits.placed[id as usize];
        if now >= self.scenario.warm_up.hours() {
            self.visits.waits[e.0 as usize].record(now - placed.since);
            self.visits.started[e.0 as usize] += 1;
        }
        self.end_cause(id);
        if let Some(resource) = self.scenario.visits[e.0 as usize].release_at_start
            && placed.release
        {
            let bit = 1u64 << resource.0;
            let patient = self.patients.get_mut(id);
            patient.held &= !bit;
            let was_blocked = patient.blocked & bit != 0;
            patient.blocked &= !bit;
            self.trace_event(id, "release", Some(resource), Detail::None);
            self.release_unit(id, resource, was_blocked)?;
        }
        let blocked = self.patients.get(id).blocked != 0;
        self.begin_cause(id, self.attribution.table.at_step(step, blocked));
        self.trace_event(id, "start", None, Detail::Hours(placed.end - now));
        self.events
            .schedule(SimTime::from_hours(placed.end), super::Event::StepDone(id));
        Ok(())
    }

    /// A `StepDone` at `visits` step `step`: the episode starts (if it was waiting) or ends.
    pub(super) fn visits_done(
        &mut self,
        id: PatientId,
        step: StepId,
        e: VisitsId,
        next: StepId,
    ) -> Result<(), SimError> {
        let placed = self.visits.placed[id as usize];
        if self.now < placed.end {
            return self.start_visits(id, step, e);
        }
        self.visits.placed[id as usize] = NOT_PLACED;
        self.end_cause(id);
        self.trace_event(id, "finish", None, Detail::None);
        self.advance(id, next)
    }
}

/// Carer-hours booked on resource `r` by home-visit episodes that plan against its roster,
/// over the measured days (as [`collect`] counts them); `None` if no episode names it. The
/// resource's own `busy` and `utilisation` come from these bookings, as its units are never
/// seized one visit at a time.
pub(super) fn booked_hours(simulation: &Simulation<'_>, r: usize) -> Option<f64> {
    let scenario = simulation.scenario;
    let from = (scenario.warm_up.hours() / 24.0).ceil() as usize;
    let to = (scenario.end_time().hours() / 24.0).floor() as usize;
    let mut total = None;
    for (e, episode) in scenario.visits.iter().enumerate() {
        if let VisitCapacity::Roster { resources } = &episode.capacity {
            for (pool, resource) in resources.iter().enumerate() {
                if resource.0 as usize == r {
                    let used = simulation.visits.books[e].totals(from, to).used[pool];
                    *total.get_or_insert(0.0) += used;
                }
            }
        }
    }
    total
}

/// The metrics of every home-visit episode step, over the measured days (whole days from the
/// end of the warm-up to the end of the run), appended to `out`.
pub(super) fn collect(simulation: &Simulation<'_>, out: &mut Vec<MetricValue>) {
    let scenario = simulation.scenario;
    let from = (scenario.warm_up.hours() / 24.0).ceil() as usize;
    let to = (scenario.end_time().hours() / 24.0).floor() as usize;
    for (e, episode) in scenario.visits.iter().enumerate() {
        let prefix = &episode.metric_prefix;
        let mut push = |name: &str, unit: Unit, value: f64| {
            out.push(MetricValue {
                name: format!("{prefix}.{name}").into(),
                unit,
                value,
            });
        };
        let state = &simulation.visits;
        let totals = state.books[e].totals(from, to);
        let days = totals.days as f64;
        let per_day = |x: f64| if days > 0.0 { x / days } else { f64::NAN };
        let share = |part: f64, whole: f64| if whole > 0.0 { part / whole } else { f64::NAN };
        push("started", Unit::Patients, state.started[e] as f64);
        for (stat, value) in state.waits[e].summary() {
            push(&format!("wait_to_start.{stat}"), Unit::Hours, value);
        }
        push(
            "caseload",
            Unit::Patients,
            per_day(totals.patient_days as f64),
        );
        push(
            "visits_per_day",
            Unit::VisitsPerDay,
            per_day(totals.visits as f64),
        );
        // Capacity and use in carer-visits: slots as they are; hours over one carer's visit.
        let carer_visit = episode.visit_hours + episode.travel_hours;
        let (capacity, used) = match &episode.capacity {
            VisitCapacity::Slots { .. } => (totals.capacity[0], totals.used[0]),
            VisitCapacity::Roster { .. } => (
                totals.capacity.iter().sum::<f64>() / carer_visit,
                totals.used.iter().sum::<f64>() / carer_visit,
            ),
        };
        push("capacity_per_day", Unit::VisitsPerDay, per_day(capacity));
        push("carer_visits_per_day", Unit::VisitsPerDay, per_day(used));
        push("missed", Unit::Visits, totals.missed as f64);
        push(
            "missed_share",
            Unit::Fraction,
            share(totals.missed as f64, (totals.visits + totals.missed) as f64),
        );
        push("carer_utilisation", Unit::Fraction, share(used, capacity));
        if let VisitCapacity::Roster { resources } = &episode.capacity
            && resources.len() > 1
        {
            for (pool, r) in resources.iter().enumerate() {
                let name = &scenario.resources[r.0 as usize].name;
                push(
                    &format!("carer_utilisation.{name}"),
                    Unit::Fraction,
                    share(totals.used[pool], totals.capacity[pool]),
                );
            }
        }
        push(
            "travel_share",
            Unit::Fraction,
            if used > 0.0 {
                episode.travel_hours / carer_visit
            } else {
                f64::NAN
            },
        );
    }
}
