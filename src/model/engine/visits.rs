//! Home-visit episodes in the event loop: a patient reaching a `visits` step draws its length
//! of stay and visit plan, and its plan is placed in the step's [`VisitBook`] at once (see
//! `model::visit_plan` for the rules, taken from IPACS). With a daily capacity of slots the
//! patient starts on the first day its whole plan fits (a `StepDone` at the start of that
//! day, unless it is today). With a roster (the carers' rostered hours) the patient starts
//! at once, or on the first day its plan fits in the rostered carer-hours not yet booked, and
//! each of its visits is booked at its due time (`model::visit_rota::target_time`); a patient
//! starting part-way through a day has that day only the visits still to come. The episode
//! ends at midnight after its last day (a second `StepDone`), and the patient moves on.
//!
//! Whether a rostered visit is made on time, late or missed changes nothing for the patient,
//! so the visits are given to carers after the run, day by day in order of due time, one
//! rota for all the steps sharing carers ([`Simulation::deliver_rostered_visits`],
//! `model::visit_rota`), and the carers' busy time
//! goes into their resource figures, daily series and hour-of-week tables as if they had been
//! seized.
//!
//! Placing a plan touches only preallocated per-day tables (grown, rarely, when bookings
//! reach further ahead than before) and per-patient and per-visit tables here, sized from the
//! roster at the start: no allocation per event (bar their rare growth) and no look-up by
//! name.

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
use crate::model::visit_rota::{DayRota, day_levels, target_time_in};

mod order;

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

/// A rostered visit booked: when it is due, for which step and how many carers it needs.
#[derive(Debug, Clone, Copy)]
struct Due {
    /// Day since time zero.
    day: u32,
    /// The episode (`visits` step) it belongs to.
    episode: u16,
    /// Carers (1, or 2 if double-handed).
    carers: u8,
    /// Due time [hours since time zero]; NaN if nobody is rostered that day.
    target: f64,
}

/// A roster episode's days: the rostered window of each day of the run, for due times.
#[derive(Debug, Clone, Default)]
struct Windows {
    /// On-shift intervals of every day, in order [hours since time zero].
    intervals: Vec<(f64, f64)>,
    /// Day `d`'s intervals are `of[d]..of[d + 1]`.
    of: Vec<usize>,
    /// Hours in day `d`'s intervals, summed once when the days are laid out (a patient's
    /// visits ask for them day after day) [hours].
    hours: Vec<f64>,
    /// Due times worked out once for every day laid out and every visit `k` of `n` with
    /// `n` up to `most` (the most visits a plan has in a day): day `d`'s at
    /// `d * most * (most + 1) / 2`, then visit `k` of `n` at `n * (n - 1) / 2 + k` [hours
    /// since time zero]; NaN where there is none (nobody rostered).
    due: Vec<f64>,
    most: u32,
}

/// Visits a day beyond which due times are not tabled ([`Windows::table`]).
const MOST_TABLED: u32 = 16;

impl Windows {
    /// Closes the day whose intervals were pushed last: notes where they end and their hours.
    fn end_day(&mut self) {
        let from = self.of.last().copied().unwrap_or(0);
        // The sum `target_time` takes over the day's window, in the same order.
        let hours: f64 = self.intervals[from..].iter().map(|(a, b)| b - a).sum();
        self.hours.push(hours);
        self.of.push(self.intervals.len());
    }

    fn day(&self, day: usize) -> Option<&[(f64, f64)]> {
        let to = *self.of.get(day + 1)?;
        Some(&self.intervals[self.of[day]..to])
    }

    /// Works out the due times of every day laid out for up to `most` visits a day (at
    /// most 16; none beyond), once, so a patient's visits look them up.
    fn table(&mut self, most: u32) {
        let most = most.min(MOST_TABLED);
        self.due.clear();
        for day in 0..self.hours.len() {
            for n in 1..=most {
                for k in 0..n {
                    let due = self.computed(day, k, n).unwrap_or(f64::NAN);
                    self.due.push(due);
                }
            }
        }
        self.most = most;
    }

    /// When visit `k` of `n` on day `day` is due, as `model::visit_rota::target_time` of
    /// the day's window (the same arithmetic, bit for bit), from the table if it is there;
    /// `None` past the days laid out.
    #[inline]
    fn target(&self, day: usize, k: u32, n: u32) -> Option<f64> {
        if k < n && n <= self.most {
            let per_day = (self.most * (self.most + 1) / 2) as usize;
            let due = *self
                .due
                .get(day * per_day + (n * (n - 1) / 2 + k) as usize)?;
            return (!due.is_nan()).then_some(due);
        }
        self.computed(day, k, n)
    }

    /// [`Windows::target`] worked out from the day's window, its hours summed in advance.
    fn computed(&self, day: usize, k: u32, n: u32) -> Option<f64> {
        target_time_in(self.day(day)?, self.hours[day], k, n)
    }
}

/// The roster episodes whose carers are shared (one rota a day for all their visits): the
/// resources they use between them (the rota's pools), and their visits booked.
#[derive(Debug, Clone, Default)]
struct RotaGroup {
    /// The resources, in order of first use (by episode, then alternative).
    pools: Vec<usize>,
    /// The visits booked by all its episodes, in booking order; sized at the start to what
    /// the rosters could make over the run.
    due: Vec<Due>,
}

/// Per episode step: its book of days and waits to start; per patient: its placement.
pub(super) struct VisitsState {
    books: Vec<VisitBook>,
    /// Per episode: each day's rostered window (empty without a roster).
    windows: Vec<Windows>,
    /// Episodes with a roster, grouped so that two share a group when they share a resource
    /// (directly or through others).
    groups: Vec<RotaGroup>,
    /// Per episode: its group (`usize::MAX` without a roster) and its alternatives as pools
    /// of that group, in its order of preference.
    group_of: Vec<usize>,
    alternatives: Vec<Vec<usize>>,
    /// Waits from reaching the step to the first visit day, of episodes started after the
    /// warm-up [hours].
    waits: Vec<DurationSample>,
    /// Episodes started after the warm-up.
    started: Vec<u64>,
    placed: Vec<Placed>,
    /// Buffers for giving rostered visits to carers after the run: one day's rota, a roster's
    /// levels over a day, the visits made per pool `(begin, end, carers)`, and the changes of
    /// level `(time, change in carers busy, change in carers on shift)`.
    rota: DayRota,
    levels: Vec<(f64, f64, u32)>,
    blocks: Vec<Vec<(f64, f64, u32)>>,
    sweep: Vec<(f64, i64, i64)>,
    /// Buffers for putting the visits' starts and ends in order: `(order::key(time), (time,
    /// change in carers busy))`.
    starts: Vec<(i64, (f64, i64))>,
    ends: Vec<(i64, (f64, i64))>,
    /// Puts a day's visits in order of due time (with its buffers).
    by_due_time: order::ByDueTime<Due>,
    /// Buffers for ordering the visits booked: them in order of day, and where each day's
    /// visits end in it.
    by_day: Vec<Due>,
    day_end: Vec<usize>,
}

impl VisitsState {
    /// The books of `scenario`'s episodes: slots every day, or each alternative's rostered
    /// carer-hours on each day of the run (`week_offset` as the engine's).
    pub(super) fn new(scenario: &Scenario, week_offset: f64) -> Self {
        let days = (scenario.end_time().hours() / 24.0).ceil() as usize + 1;
        let mut books = Vec::new();
        let mut windows = Vec::new();
        let mut room = Vec::new();
        let mut levels = Vec::new();
        let mut on = Vec::new();
        for episode in &scenario.visits {
            let mut window = Windows::default();
            let mut most_visits = 0.0;
            books.push(match &episode.capacity {
                VisitCapacity::Slots { per_day } => VisitBook::slots(*per_day).with_horizon(days),
                VisitCapacity::Roster { resources } => {
                    let mut capacity = Vec::with_capacity(days * resources.len());
                    window.of.push(0);
                    for day in 0..days {
                        on.clear();
                        for r in resources {
                            let resource = &scenario.resources[r.0 as usize];
                            day_levels(resource, day, week_offset, &mut levels);
                            capacity
                                .push(levels.iter().map(|&(a, b, n)| f64::from(n) * (b - a)).sum());
                            on.extend(levels.iter().filter(|s| s.2 > 0).map(|&(a, b, _)| (a, b)));
                        }
                        on.sort_by(|x, y| x.0.total_cmp(&y.0));
                        for &(a, b) in &on {
                            let same_day = window.of[day] < window.intervals.len();
                            match window.intervals.last_mut() {
                                Some(last) if same_day && a <= last.1 => {
                                    last.1 = last.1.max(b);
                                }
                                _ => window.intervals.push((a, b)),
                            }
                        }
                        window.end_day();
                    }
                    // A plan's visits a day run from its first day's to its last's.
                    window.table(episode.initial_per_day.max(episode.final_per_day));
                    most_visits = capacity.iter().sum::<f64>() / episode.carer_hours(1);
                    VisitBook::roster(resources.len(), capacity)
                }
            });
            windows.push(window);
            // Room for every visit the roster could make, and a quarter more (amortised growth
            // beyond that, if far more are due than can be made).
            room.push(if most_visits.is_finite() {
                ((most_visits * 1.25) as usize).min(1 << 24)
            } else {
                0
            });
        }
        let (groups, group_of, alternatives) = rota_groups(scenario, &room);
        VisitsState {
            books,
            windows,
            groups,
            group_of,
            alternatives,
            rota: DayRota::default(),
            levels: Vec::new(),
            blocks: Vec::new(),
            sweep: Vec::new(),
            starts: Vec::new(),
            ends: Vec::new(),
            by_due_time: order::ByDueTime::default(),
            by_day: Vec::new(),
            day_end: Vec::new(),
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

/// Groups the roster episodes of `scenario` that share a resource, directly or through
/// others (any two `any_of` lists that overlap): one rota a day serves a group. Returns the
/// groups (with room for `room[e]` visits of each episode `e`), each episode's group
/// (`usize::MAX` without a roster) and its alternatives as pools of its group.
fn rota_groups(
    scenario: &Scenario,
    room: &[usize],
) -> (Vec<RotaGroup>, Vec<usize>, Vec<Vec<usize>>) {
    let mut members: Vec<(Vec<usize>, Vec<usize>)> = Vec::new(); // (resources, episodes)
    for (e, episode) in scenario.visits.iter().enumerate() {
        let VisitCapacity::Roster { resources } = &episode.capacity else {
            continue;
        };
        let mut merged = (Vec::new(), Vec::new());
        let mut g = 0;
        while g < members.len() {
            if resources
                .iter()
                .any(|r| members[g].0.contains(&(r.0 as usize)))
            {
                let (pools, episodes) = members.remove(g);
                merged.0.extend(pools);
                merged.1.extend(episodes);
            } else {
                g += 1;
            }
        }
        for r in resources {
            if !merged.0.contains(&(r.0 as usize)) {
                merged.0.push(r.0 as usize);
            }
        }
        merged.1.push(e);
        members.push(merged);
    }
    let mut group_of = vec![usize::MAX; scenario.visits.len()];
    let mut alternatives = vec![Vec::new(); scenario.visits.len()];
    let mut groups = Vec::new();
    for (g, (pools, mut episodes)) in members.into_iter().enumerate() {
        episodes.sort_unstable();
        for &e in &episodes {
            group_of[e] = g;
            if let VisitCapacity::Roster { resources } = &scenario.visits[e].capacity {
                alternatives[e] = resources
                    .iter()
                    .filter_map(|r| pools.iter().position(|&p| p == r.0 as usize))
                    .collect();
            }
        }
        let room: usize = episodes.iter().map(|&e| room[e]).sum();
        groups.push(RotaGroup {
            pools,
            due: Vec::with_capacity(room.min(1 << 24)),
        });
    }
    (groups, group_of, alternatives)
}

/// When visit `k` of `n` on day `day` of `episode` is due [hours since time zero]: at its
/// stated `times`, or evenly over the day's rostered window (`None` if nobody is rostered or
/// the day is past the run).
fn due_at(episode: &VisitEpisode, window: &Windows, day: usize, k: u32, n: u32) -> Option<f64> {
    if episode.times.is_empty() {
        window.target(day, k, n)
    } else {
        episode.times.get(k as usize).map(|h| day as f64 * 24.0 + h)
    }
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
        let state = &mut self.visits;
        let book = &mut state.books[e.0 as usize];
        let per_visit = episode.per_visit(plan.carers);
        let roster = matches!(episode.capacity, VisitCapacity::Roster { .. });
        // Roster mode: a start now, part-way through today, has only today's visits to come.
        let window = &state.windows[e.0 as usize];
        let first_day = roster.then(|| {
            let n = plan.visits_on(0);
            (0..n)
                .filter(|&k| !due_at(episode, window, today, k, n).is_some_and(|t| t < now))
                .count() as u32
        });
        let start_day = if episode.wait_for_fit {
            book.first_fit(&plan, per_visit, today, last_day.max(today), first_day)
        } else {
            Some(today)
        };
        if let Some(day) = start_day {
            if roster {
                let due = &mut state.groups[state.group_of[e.0 as usize]].due;
                // Days past the book's horizon (after the run) have no limit and are never
                // delivered: nothing of them is kept, so a stay far past the run's end costs
                // nothing there.
                let days = (plan.days() as usize).min(book.horizon().saturating_sub(day));
                for d in 0..days {
                    let on = day + d;
                    let n = plan.visits_on(d as u32);
                    let mut booked = 0;
                    for k in 0..n {
                        let target = due_at(episode, window, on, k, n);
                        if on == today && target.is_some_and(|t| t < now) {
                            continue;
                        }
                        booked += 1;
                        // Days after the run's last but before the horizon are booked (for
                        // the fit) but never delivered.
                        if on <= last_day {
                            due.push(Due {
                                day: on as u32,
                                episode: e.0,
                                carers: plan.carers as u8,
                                target: target.unwrap_or(f64::NAN),
                            });
                        }
                    }
                    book.book(on, f64::from(booked) * per_visit, true);
                }
            } else {
                book.deliver(&plan, day, per_visit);
            }
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

    /// After the run: gives every rostered visit booked to carers, day by day in order of due
    /// time (then booking), as `model::visit_rota` states, one rota a day for each group of
    /// steps sharing carers (each visit among its own step's alternatives); counts each made
    /// (and late, if the carers arrive more than `late_after` after its due time) or missed;
    /// and adds the carers' busy time to their resource's figures. Allocates nothing but its
    /// reused buffers and the sorts' buffers.
    pub(super) fn deliver_rostered_visits(&mut self) {
        let scenario = self.scenario;
        for g in 0..self.visits.groups.len() {
            let due = std::mem::take(&mut self.visits.groups[g].due);
            let pools = std::mem::take(&mut self.visits.groups[g].pools);
            // In order of day, then due time, then booking (as a stable sort by day and due
            // time would give): a counting sort by day into `by_day`, which keeps booking
            // order, then a stable sort of each day's visits by due time.
            let mut by_day = std::mem::take(&mut self.visits.by_day);
            let mut day_end = std::mem::take(&mut self.visits.day_end);
            let days = due.iter().map(|v| v.day as usize + 1).max().unwrap_or(0);
            day_end.clear();
            day_end.resize(days, 0);
            for v in &due {
                day_end[v.day as usize] += 1;
            }
            let mut start = 0;
            for cell in &mut day_end {
                let count = *cell;
                *cell = start; // for now, where the day's next visit goes
                start += count;
            }
            by_day.clear();
            by_day.extend_from_slice(&due);
            for v in &due {
                let at = &mut day_end[v.day as usize];
                by_day[*at] = *v;
                *at += 1;
            }
            let mut day_start = 0;
            for (day, &to) in day_end.iter().enumerate() {
                let from = day_start;
                day_start = to;
                if from == to {
                    continue;
                }
                let state = &mut self.visits;
                state.by_due_time.sort(&mut by_day[from..to], |v| v.target);
                let today = &by_day[from..to];
                state.rota.clear();
                state.blocks.resize_with(pools.len(), Vec::new);
                for (pool, &r) in pools.iter().enumerate() {
                    day_levels(
                        &scenario.resources[r],
                        day,
                        self.week_offset,
                        &mut state.levels,
                    );
                    state.rota.add_pool(&state.levels);
                    state.blocks[pool].clear();
                }
                for visit in today {
                    let e = usize::from(visit.episode);
                    let episode = &scenario.visits[e];
                    let hours = episode.visit_hours + episode.travel_hours;
                    let alternatives = &state.alternatives[e];
                    let placed = if visit.target.is_finite() {
                        state.rota.place_in(
                            alternatives,
                            visit.target - episode.travel_hours,
                            hours,
                            u32::from(visit.carers),
                        )
                    } else {
                        None
                    };
                    let book = &mut state.books[e];
                    match placed {
                        Some(p) => {
                            let late = p.begin + episode.travel_hours - visit.target;
                            let late = (late > episode.late_after_hours + 1e-9).then_some(late);
                            let carers = u32::from(visit.carers);
                            book.record(day, Some(p.pool), hours * f64::from(carers), late);
                            state.blocks[alternatives[p.pool]].push((
                                p.begin,
                                p.begin + hours,
                                carers,
                            ));
                        }
                        None => book.record(day, None, 0.0, None),
                    }
                }
                for (pool, &r) in pools.iter().enumerate() {
                    self.record_visit_work(r, pool);
                }
            }
            self.visits.groups[g].due = due;
            self.visits.groups[g].pools = pools;
            self.visits.by_day = by_day;
            self.visits.day_end = day_end;
        }
    }

    /// Adds the visits made by pool `pool` today (in `visits.blocks`) to resource `r`'s busy
    /// time: its integral (`R.busy`, `R.utilisation`), daily series, time at each level in use,
    /// hour-of-week table and warm-up series, each over its own period, as a seize would.
    fn record_visit_work(&mut self, r: usize, pool: usize) {
        let week_offset = self.week_offset;
        let state = &mut self.visits;
        let sweep = &mut state.sweep;
        sweep.clear();
        if state.blocks[pool].is_empty() {
            return;
        }
        // The changes in order of time (`f64::total_cmp`), in any order at one moment: of
        // changes at one moment only their sum is ever recorded (the spans between them are
        // empty). The visits' starts, and their ends, are nearly in the order the visits
        // were given out (see `order`), and the roster's changes are in order: each put in
        // order, then the three merged.
        let (starts, ends) = (&mut state.starts, &mut state.ends);
        starts.clear();
        ends.clear();
        for &(from, to, carers) in &state.blocks[pool] {
            starts.push((order::key(from), (from, i64::from(carers))));
            ends.push((order::key(to), (to, -i64::from(carers))));
        }
        order::nearly_sorted(starts);
        order::nearly_sorted(ends);
        let (mut s, mut e) = (0, 0);
        let mut push_visits_until = |sweep: &mut Vec<(f64, i64, i64)>, until: Option<i64>| loop {
            let next_start = starts.get(s).filter(|x| until.is_none_or(|u| x.0 < u));
            let next_end = ends.get(e).filter(|x| until.is_none_or(|u| x.0 < u));
            match (next_start, next_end) {
                (Some(a), Some(b)) if a.0 <= b.0 => {
                    sweep.push((a.1.0, a.1.1, 0));
                    s += 1;
                }
                (_, Some(b)) => {
                    sweep.push((b.1.0, b.1.1, 0));
                    e += 1;
                }
                (Some(a), None) => {
                    sweep.push((a.1.0, a.1.1, 0));
                    s += 1;
                }
                (None, None) => break,
            }
        };
        let mut last = 0;
        for &(from, _, units) in state.rota.levels(pool) {
            push_visits_until(sweep, Some(order::key(from)));
            sweep.push((from, 0, i64::from(units) - last));
            last = i64::from(units);
        }
        push_visits_until(sweep, None);
        let measured = (
            self.scenario.warm_up.hours(),
            self.scenario.end_time().hours(),
        );
        let (mut busy, mut on_shift) = (0i64, 0i64);
        for (i, &(from, busy_change, shift_change)) in sweep.iter().enumerate() {
            busy += busy_change;
            on_shift += shift_change;
            let Some(&(to, _, _)) = sweep.get(i + 1) else {
                break;
            };
            if busy <= 0 || to <= from {
                continue;
            }
            let level = busy as u32;
            let resource = &mut self.resources[r];
            resource.daily.segment(1, from, to, [level]);
            let (a, b) = (from.max(measured.0), to.min(measured.1));
            if b > a {
                let dt = b - a;
                resource.busy_area.area += f64::from(level) * dt;
                let times = &mut resource.level_times;
                if times.in_use.len() <= level as usize {
                    times.in_use.resize(level as usize + 1, 0.0);
                }
                times.in_use[0] -= dt;
                times.in_use[level as usize] += dt;
                if on_shift > 0 && busy >= on_shift {
                    times.full += dt;
                }
                // The hour-of-week table, a whole hour at a time.
                let mut t = a;
                while t < b {
                    let until = (t.floor() + 1.0).min(b);
                    let hour =
                        crate::model::dated_schedule::hour_of_week(0.5 * (t + until), week_offset)
                            as usize;
                    self.by_hour
                        .add_busy(r, hour, f64::from(level) * (until - t));
                    t = until;
                }
            }
            if let Some(series) = self.series.as_mut()
                && let Some(cell) = series.values[2 * r].get_mut((from / 24.0).floor() as usize)
            {
                *cell += f64::from(level) * (to - from) / 24.0;
            }
        }
    }
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
        // Capacity and use in carer-visits: slots as they are; hours over one carer's visit
        // (the hours of visits made, with a roster).
        let carer_visit = episode.visit_hours + episode.travel_hours;
        let (capacity, used) = match &episode.capacity {
            VisitCapacity::Slots { .. } => (totals.capacity[0], totals.used[0]),
            VisitCapacity::Roster { .. } => (
                totals.capacity.iter().sum::<f64>() / carer_visit,
                totals.made_hours.iter().sum::<f64>() / carer_visit,
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
        if let VisitCapacity::Roster { .. } = &episode.capacity {
            push("late", Unit::Visits, totals.late as f64);
            push(
                "late_share",
                Unit::Fraction,
                share(totals.late as f64, totals.visits as f64),
            );
            push(
                "lateness.mean",
                Unit::Hours,
                share(totals.lateness, totals.late as f64),
            );
        }
        push("carer_utilisation", Unit::Fraction, share(used, capacity));
        if let VisitCapacity::Roster { resources } = &episode.capacity
            && resources.len() > 1
        {
            for (pool, r) in resources.iter().enumerate() {
                let name = &scenario.resources[r.0 as usize].name;
                push(
                    &format!("carer_utilisation.{name}"),
                    Unit::Fraction,
                    share(totals.made_hours[pool], totals.capacity[pool]),
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

#[cfg(test)]
mod tests {
    use super::Windows;
    use crate::model::visit_rota::target_time;

    /// Days with one, two and three rostered intervals (a split shift), a day with none,
    /// and intervals of awkward lengths, laid out as the engine lays them out.
    fn windows() -> Windows {
        let days: [&[(f64, f64)]; 5] = [
            &[(8.0, 20.0)],
            &[(31.0, 33.5), (36.25, 44.0 + 1.0 / 3.0)],
            &[],
            &[(79.1, 80.7), (81.0, 84.9), (90.0, 95.999)],
            &[(96.0, 96.0 + 1e-7)],
        ];
        let mut windows = Windows::default();
        windows.of.push(0);
        for day in days {
            windows.intervals.extend_from_slice(day);
            windows.end_day();
        }
        windows
    }

    /// Without a table, with a table of up to 5 visits a day (so 6 and more are worked
    /// out), and with one past the most tabled (16).
    #[test]
    fn due_times_from_the_summed_window_equal_target_time_bit_for_bit() {
        for most in [0, 5, 40] {
            let mut windows = windows();
            windows.table(most);
            assert_eq!(windows.most, most.min(16));
            for day in 0..5 {
                let window = windows.day(day).expect("a day laid out");
                for n in 0..20 {
                    for k in 0..=n {
                        let fast = windows.target(day, k, n).map(f64::to_bits);
                        let direct = target_time(window, k, n).map(f64::to_bits);
                        assert_eq!(fast, direct, "table of {most}: day {day}, visit {k} of {n}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_day_past_those_laid_out_has_no_due_time() {
        let mut windows = windows();
        assert_eq!(windows.target(5, 0, 1), None);
        windows.table(4);
        assert_eq!(windows.target(5, 0, 1), None);
        assert_eq!(windows.target(5, 0, 7), None);
        assert_eq!(windows.hours.len(), 5);
        assert_eq!(windows.hours[2], 0.0);
        assert_eq!(windows.target(2, 0, 1), None);
        // Visit 0 of 2 on an 08:00-20:00 day: a quarter of the way through, at 11:00.
        assert_eq!(windows.target(0, 0, 2), Some(11.0));
    }
}
