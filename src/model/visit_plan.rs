//! Home-visit episodes (a package of care delivered as visits at home): the compiled step
//! ([`VisitEpisode`]), one patient's visit plan ([`VisitPlan`]) and the day-by-day book of
//! visit capacity ([`VisitBook`]) against which plans are placed.
//!
//! The visit model follows IPACS (Improving the flow of Patients between Acute, Community and
//! Social care; BNSSG ICB, University of Bath and University of Exeter), public code at
//! `github.com/nhs-bnssg-analytics/ipacs-model`, `functions/visit_functions.R` and
//! `functions/visit_model.R`:
//! - the length of stay is drawn in days and rounded (`dis_los`), redrawn while it is 0 or at
//!   least a maximum (IPACS uses mean + 3 sd): here [`VisitEpisode::truncate_at_days`];
//! - the visits on each day of the stay are `round(seq(initial, final, length.out = los))`
//!   (`add_patient`): a straight line from the initial to the final rate, rounded half to
//!   even as R's `round` does ([`VisitPlan::visits_on`]);
//! - a patient starts on the first day, from the day it is ready, on which every day of its
//!   plan fits in that day's remaining visit slots, and those slots are booked at once
//!   (`add_patient`'s `while` loop): a patient whose plan does not fit waits, and a patient
//!   behind it whose plan fits is not held back ([`VisitBook::first_fit`]);
//! - a patient already in service when the run starts gets the tail of a longer plan
//!   (`dis_los2`: IPACS draws the days left uniformly; here they come from the census's
//!   `remaining`).
//!
//! Differences from IPACS, stated: the initial and final rates are fixed numbers here (IPACS
//! draws each from a normal distribution, rounded, within 3 sd); a slot is one carer's visit,
//! so a double-handed visit takes two; and the second capacity mode ([`VisitCapacity::Roster`],
//! not in IPACS) delivers visits within the carers' rostered hours instead of booking slots.
//!
//! Owns no event handling (that is `engine::visits`) and reads no files (`scenario::visits`).

use crate::model::distribution::Distribution;
use crate::model::scenario::ResourceId;

/// Index of a home-visit episode step in [`crate::model::scenario::Scenario::visits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct VisitsId(pub u16);

/// Most visits a day one patient's plan may ask for (a lever's sanity bound).
pub const MAX_VISITS_PER_DAY: u32 = 24;

/// Most times a truncated length of stay is redrawn before the truncation point (less a
/// day) is taken: only reached when nearly all of the distribution lies past `truncate_at`.
pub const MAX_LOS_REDRAWS: u32 = 1000;

/// What limits how many visits can be made on a day.
#[derive(Debug, Clone, PartialEq)]
pub enum VisitCapacity {
    /// A daily number of visit slots, each one carer's visit (IPACS's model): a patient starts
    /// on the first day its whole plan fits, and every visit booked is delivered.
    Slots {
        /// Slots a day [carer-visits/day].
        per_day: u32,
    },
    /// The rostered hours of a resource, or of alternatives in order of preference: a plan
    /// fits a day if its carer-hours fit in the day's rostered carer-hours not yet booked
    /// (by default a patient starts at once; see [`VisitEpisode::wait_for_fit`]); each visit
    /// is made at a clock time inside a carer's shift, on time, late or missed (see
    /// `model::visit_rota`).
    Roster {
        /// The resources, in order of preference (one unless `any_of`).
        resources: Vec<ResourceId>,
    },
}

/// A compiled `visits` step: a home-visit episode.
#[derive(Debug, Clone)]
pub struct VisitEpisode {
    /// `visits.<pathway>.<step>`: the prefix of its metrics.
    pub metric_prefix: String,
    /// Length of stay as drawn [hours], turned into whole days (rounded half to even, at
    /// least 1).
    pub length_of_stay: Distribution,
    /// Stays of this many days or more are redrawn, as IPACS does (`None`: no truncation)
    /// [days].
    pub truncate_at_days: Option<u32>,
    /// Visits on the first day [visits/day].
    pub initial_per_day: u32,
    /// Visits on the last day [visits/day].
    pub final_per_day: u32,
    /// Time at the patient's home per visit [hours].
    pub visit_hours: f64,
    /// Travel to each visit [hours].
    pub travel_hours: f64,
    /// Share of patients whose visits need two carers each (double-handed) [fraction].
    pub double_handed: f64,
    /// What limits the visits made each day.
    pub capacity: VisitCapacity,
    /// `true`: a patient starts on the first day its whole plan fits in what is left of each
    /// day's capacity (IPACS); `false`: at once, and visits that do not fit are missed.
    pub wait_for_fit: bool,
    /// A resource the patient holds, given back when its visits start (the hospital bed it
    /// leaves when care at home begins).
    pub release_at_start: Option<ResourceId>,
    /// Roster mode: when a day's visits are due [hours after midnight, increasing]; a day of
    /// `n` visits takes the first `n`. Empty: spread evenly over the rostered window (see
    /// `model::visit_rota`).
    pub times: Vec<f64>,
    /// Roster mode: a visit whose carers arrive more than this after its due time is late
    /// [hours].
    pub late_after_hours: f64,
}

/// Default tolerance before a visit counts as late [hours]: 30 minutes (an estimate: home care
/// contracts and their monitoring commonly allow half an hour either side of the planned time).
pub const DEFAULT_LATE_AFTER_HOURS: f64 = 0.5;

impl VisitEpisode {
    /// Carer-hours one visit takes with `carers` carers, travel included [hours].
    pub fn carer_hours(&self, carers: u32) -> f64 {
        f64::from(carers) * (self.visit_hours + self.travel_hours)
    }

    /// Capacity one visit with `carers` carers takes: slots, or carer-hours with a roster.
    pub fn per_visit(&self, carers: u32) -> f64 {
        match self.capacity {
            VisitCapacity::Slots { .. } => f64::from(carers),
            VisitCapacity::Roster { .. } => self.carer_hours(carers),
        }
    }

    /// Length of stay in whole days from a draw of `hours`: rounded half to even (R's
    /// `round`), at least 1 day. Returns `None` when the draw must be redrawn: truncation is
    /// set and the rounded stay is 0 days or `truncate_at_days` or more (IPACS `dis_los`).
    pub fn stay_days(&self, hours: f64) -> Option<u32> {
        let days = (hours / 24.0).round_ties_even();
        let days = if days.is_finite() && days > 0.0 {
            days.min(f64::from(u32::MAX / 2)) as u32
        } else {
            0
        };
        match self.truncate_at_days {
            Some(limit) if days == 0 || days >= limit => None,
            _ => Some(days.max(1)),
        }
    }
}

/// One patient's visits: a straight line from `initial` visits a day on the first day of a
/// `full_days`-day plan to `last` on its last day, rounded; the patient follows its days from
/// `skip` on (a census patient part-way through).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitPlan {
    /// Visits on the plan's first day.
    pub initial: u32,
    /// Visits on the plan's last day.
    pub last: u32,
    /// Days of the whole plan (at least 1).
    pub full_days: u32,
    /// Days of the plan already behind the patient (0 for a new episode).
    pub skip: u32,
    /// Carers per visit (1, or 2 if double-handed).
    pub carers: u32,
}

impl VisitPlan {
    /// Days the patient is in the episode from now on.
    pub fn days(&self) -> u32 {
        self.full_days.saturating_sub(self.skip).max(1)
    }

    /// Visits on day `day` of the patient's remaining episode (0 = its first day):
    /// `round(seq(initial, last, length.out = full_days))[skip + day]` as in IPACS, with R's
    /// rounding (half to even) and R's sequence (first and last exact).
    pub fn visits_on(&self, day: u32) -> u32 {
        let k = self.skip + day;
        let n = self.full_days;
        if n <= 1 || k == 0 {
            return self.initial;
        }
        if k >= n - 1 {
            return self.last;
        }
        let from = f64::from(self.initial);
        let by = (f64::from(self.last) - from) / f64::from(n - 1);
        (from + f64::from(k) * by).round_ties_even().max(0.0) as u32
    }

    /// Slots (carer-visits) on day `day` of the remaining episode.
    pub fn slots_on(&self, day: u32) -> u32 {
        self.visits_on(day) * self.carers
    }

    /// The first day after `day` of the remaining episode with another number of visits
    /// than `day`'s, or [`VisitPlan::days`] if none: the rate runs in a straight line, so the
    /// days with one number of visits are consecutive, found by halving.
    pub fn rate_until(&self, day: u32) -> u32 {
        let days = self.days();
        let visits = self.visits_on(day);
        let (mut lo, mut hi) = (day + 1, days); // the answer is in lo..=hi
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.visits_on(mid) == visits {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo.min(days).max(day + 1)
    }

    /// Visits over the whole remaining episode (the plan's; a first day begun part-way
    /// through has fewer in roster mode).
    pub fn total_visits(&self) -> u64 {
        (0..self.days()).map(|d| u64::from(self.visits_on(d))).sum()
    }
}

/// Day-by-day capacity and use of one episode step's visits, indexed by day since time zero;
/// its tables grow (rarely, amortised) as bookings reach further ahead, and are otherwise
/// reused, so placing a plan allocates nothing once they have grown.
#[derive(Debug, Clone)]
pub struct VisitBook {
    /// Capacity pools: 1 for slots; one per alternative for a roster.
    pools: usize,
    /// Capacity of each pool on days past `capacity`'s end [slots, or carer-hours].
    beyond: Vec<f64>,
    /// `[day][pool]`: capacity [slots, or carer-hours].
    capacity: Vec<f64>,
    /// `[day][pool]`: capacity used [slots, or carer-hours].
    used: Vec<f64>,
    /// Per day: visits delivered (slots: booked; roster: made, see [`VisitBook::record`]).
    visits: Vec<u32>,
    /// Per day: visits missed (roster mode only).
    missed: Vec<u32>,
    /// Per day: patients in their episode that day.
    caseload: Vec<u32>,
    /// Per day: visits made late (roster mode only).
    late: Vec<u32>,
    /// Per day: lateness of the late visits, summed [hours] (roster mode only).
    lateness: Vec<f64>,
    /// `[day][pool]`: carer-hours of visits made (roster mode only; slots mode uses `used`).
    made_hours: Vec<f64>,
    /// The first day past the run (days from time zero): the per-day tables stop before it,
    /// so a plan reaching far past the run's end costs no work per day there. With a roster,
    /// days from here on have no limit and nothing booked on them is ever read; with slots,
    /// their use still decides whether later plans fit, and is kept in `tail`.
    horizon: usize,
    /// Slots mode: capacity used on the days from `horizon` on, as steps `(first day, used)`
    /// in order of day, each until the next (the last for ever) [slots]; the same values as
    /// per-day tables would hold, in as many steps as the plans crossing the horizon have
    /// changes of rate (a plan is a rounded straight line, so at most 25 each).
    tail: Vec<(usize, f64)>,
}

impl VisitBook {
    /// A book of `per_day` slots every day, every day tabled (see
    /// [`VisitBook::with_horizon`]).
    pub fn slots(per_day: u32) -> Self {
        VisitBook {
            pools: 1,
            beyond: vec![f64::from(per_day)],
            capacity: Vec::new(),
            used: Vec::new(),
            visits: Vec::new(),
            missed: Vec::new(),
            caseload: Vec::new(),
            late: Vec::new(),
            lateness: Vec::new(),
            made_hours: Vec::new(),
            horizon: usize::MAX,
            tail: Vec::new(),
        }
    }

    /// This slots book (one pool) with per-day tables only before day `horizon` (the first
    /// day past the run): slots used from then on are kept as steps over days, for fits, and
    /// nothing else (visits, caseload, missed) is kept for those days.
    pub fn with_horizon(mut self, horizon: usize) -> Self {
        self.horizon = horizon;
        self.tail = vec![(horizon, 0.0)];
        self
    }

    /// The first day not in the per-day tables: bookings on it and after cost no work per
    /// day (see [`VisitBook::with_horizon`]; a roster book's days past its capacity).
    pub fn horizon(&self) -> usize {
        self.horizon
    }

    /// Days the per-day tables reach (at most [`VisitBook::horizon`]).
    pub fn days_tabled(&self) -> usize {
        self.visits.len()
    }

    /// A book of rostered carer-hours: `capacity[day][pool]` [carer-hours], flat, for the
    /// days of the run; days after them have no limit (they are not measured), so bookings
    /// on them are not kept (its horizon is the first of them).
    pub fn roster(pools: usize, capacity: Vec<f64>) -> Self {
        let horizon = capacity.len() / pools.max(1);
        VisitBook {
            pools: pools.max(1),
            beyond: vec![f64::INFINITY; pools.max(1)],
            capacity,
            used: Vec::new(),
            visits: Vec::new(),
            missed: Vec::new(),
            caseload: Vec::new(),
            late: Vec::new(),
            lateness: Vec::new(),
            made_hours: Vec::new(),
            horizon,
            tail: Vec::new(),
        }
    }

    /// Empties the book (a fresh replication keeps its tables).
    pub fn clear(&mut self) {
        self.used.fill(0.0);
        self.visits.fill(0);
        self.missed.fill(0);
        self.caseload.fill(0);
        self.late.fill(0);
        self.lateness.fill(0.0);
        self.made_hours.fill(0.0);
        if !self.tail.is_empty() {
            self.tail.clear();
            self.tail.push((self.horizon, 0.0));
        }
    }

    /// Whether use past the horizon is kept (slots: it decides later fits); with a roster
    /// the days past it have no limit.
    fn keeps_tail(&self) -> bool {
        !self.tail.is_empty()
    }

    /// The step of `tail` holding `day` (at or after the horizon).
    fn tail_step(&self, day: usize) -> usize {
        self.tail.partition_point(|s| s.0 <= day).saturating_sub(1)
    }

    /// Makes a step of `tail` begin at `day` (at or after the horizon); returns its index.
    fn split_tail(&mut self, day: usize) -> usize {
        let i = self.tail_step(day);
        if self.tail[i].0 == day {
            return i;
        }
        let used = self.tail[i].1;
        self.tail.insert(i + 1, (day, used));
        i + 1
    }

    /// Makes the per-day tables reach day `day`.
    fn reach(&mut self, day: usize) {
        if self.visits.len() <= day {
            // Doubling, but not past the horizon (days after it are not tabled).
            let days = (day + 1).max((2 * self.visits.len()).min(self.horizon));
            self.used.resize(days * self.pools, 0.0);
            self.visits.resize(days, 0);
            self.missed.resize(days, 0);
            self.caseload.resize(days, 0);
            self.late.resize(days, 0);
            self.lateness.resize(days, 0.0);
            self.made_hours.resize(days * self.pools, 0.0);
        }
    }

    /// Capacity of `pool` on `day` [slots, or carer-hours].
    pub fn capacity(&self, day: usize, pool: usize) -> f64 {
        self.capacity
            .get(day * self.pools + pool)
            .copied()
            .unwrap_or(self.beyond[pool])
    }

    fn used(&self, day: usize, pool: usize) -> f64 {
        if day >= self.horizon {
            return if self.keeps_tail() && pool == 0 {
                self.tail[self.tail_step(day)].1
            } else {
                0.0
            };
        }
        self.used
            .get(day * self.pools + pool)
            .copied()
            .unwrap_or(0.0)
    }

    /// Whether the days of `plan` from the horizon on fit, the plan starting on `start`
    /// (`first_day` as in [`VisitBook::first_fit`], for day `from`): [`VisitBook::first_fit`]'s
    /// test on each of those days, tried once per stretch of days over which neither the
    /// plan's rate nor the use past the horizon changes.
    fn fits_past_horizon(
        &self,
        plan: &VisitPlan,
        per_visit: f64,
        start: usize,
        from: usize,
        first_day: Option<u32>,
    ) -> bool {
        let end = start + plan.days() as usize;
        let mut day = start.max(self.horizon);
        if day >= end {
            return true;
        }
        if !self.keeps_tail() {
            // No limit past the horizon: every day fits.
            return (0..self.pools).all(|p| self.beyond[p] == f64::INFINITY);
        }
        while day < end {
            let d = (day - start) as u32;
            let (visits, rate_until) = match first_day {
                Some(n) if day == from => (n, day + 1),
                _ => (plan.visits_on(d), start + plan.rate_until(d) as usize),
            };
            let i = self.tail_step(day);
            let left: f64 = (0..self.pools)
                .map(|p| self.capacity(day, p) - self.used(day, p))
                .sum();
            if f64::from(visits) * per_visit > left + 1e-9 {
                return false;
            }
            let step_until = self.tail.get(i + 1).map_or(usize::MAX, |s| s.0);
            day = rate_until.min(step_until).min(end);
        }
        true
    }

    /// The first day from `from` up to `last_start` (inclusive) on which every day of `plan`
    /// fits in the capacity left, each visit taking `per_visit` (IPACS `add_patient`:
    /// `all(resources[tt:(tt+los-1)] >= req_visits)`, trying `tt + 1` otherwise); `None` if
    /// none does. With several pools, what is left in all of them together. `first_day`:
    /// visits still due on day `from` if the plan starts then (a start part-way through a
    /// day in roster mode), instead of the plan's first day.
    pub fn first_fit(
        &self,
        plan: &VisitPlan,
        per_visit: f64,
        from: usize,
        last_start: usize,
        first_day: Option<u32>,
    ) -> Option<usize> {
        let days = plan.days() as usize;
        (from..=last_start).find(|&start| {
            // Days before the horizon one by one; after it, by stretches.
            let before = days.min(self.horizon.saturating_sub(start));
            (0..before).all(|d| {
                let day = start + d;
                let left: f64 = (0..self.pools)
                    .map(|p| self.capacity(day, p) - self.used(day, p))
                    .sum();
                let visits = match first_day {
                    Some(n) if day == from => n,
                    _ => plan.visits_on(d as u32),
                };
                f64::from(visits) * per_visit <= left + 1e-9
            }) && self.fits_past_horizon(plan, per_visit, start, from, first_day)
        })
    }

    /// Roster mode: books `hours` carer-hours of visits due on `day` (against its rostered
    /// hours, for [`VisitBook::first_fit`]) and counts the patient in that day's caseload if
    /// `new_patient`. Whether the visits are made, late or missed is [`VisitBook::record`]'s.
    /// Nothing is kept for a day past the horizon (its capacity has no limit).
    #[inline]
    pub fn book(&mut self, day: usize, hours: f64, new_patient: bool) {
        if day >= self.horizon {
            self.book_past_horizon(day, hours);
            return;
        }
        self.reach(day);
        self.used[day * self.pools] += hours;
        if new_patient {
            self.caseload[day] += 1;
        }
    }

    /// [`VisitBook::book`] on a day past the horizon: kept only if the use there counts.
    #[cold]
    fn book_past_horizon(&mut self, day: usize, hours: f64) {
        if self.keeps_tail() {
            let (i, j) = (self.split_tail(day), self.split_tail(day + 1));
            self.tail[i..j].iter_mut().for_each(|s| s.1 += hours);
        }
    }

    /// Roster mode: records a visit due on `day`: made by `pool` with `hours` carer-hours,
    /// `late_by` hours late (`Some` if late), or missed (`pool` is `None`).
    pub fn record(&mut self, day: usize, pool: Option<usize>, hours: f64, late_by: Option<f64>) {
        self.reach(day);
        match pool {
            Some(p) => {
                self.visits[day] += 1;
                self.made_hours[day * self.pools + p] += hours;
                if let Some(late) = late_by {
                    self.late[day] += 1;
                    self.lateness[day] += late;
                }
            }
            None => self.missed[day] += 1,
        }
    }

    /// Delivers `plan` from day `start`, each visit by the first pool (in order of
    /// preference) with `hours_per_visit` left that day (slots, or carer-hours); a visit that
    /// fits in no pool is missed. Returns the visits missed. Days past the horizon are
    /// delivered a stretch at a time (see [`VisitBook::with_horizon`]).
    pub fn deliver(&mut self, plan: &VisitPlan, start: usize, hours_per_visit: f64) -> u64 {
        let days = plan.days() as usize;
        let before = days.min(self.horizon.saturating_sub(start));
        if before > 0 {
            self.reach(start + before - 1);
        }
        let mut missed_total = self.deliver_past_horizon(plan, start, hours_per_visit);
        for d in 0..before {
            let day = start + d;
            self.caseload[day] += 1;
            for _ in 0..plan.visits_on(d as u32) {
                let pool = (0..self.pools).find(|&p| {
                    self.used[day * self.pools + p] + hours_per_visit
                        <= self.capacity(day, p) + 1e-9
                });
                match pool {
                    Some(p) => {
                        self.used[day * self.pools + p] += hours_per_visit;
                        self.visits[day] += 1;
                    }
                    None => {
                        self.missed[day] += 1;
                        missed_total += 1;
                    }
                }
            }
        }
        missed_total
    }

    /// [`VisitBook::deliver`] on the days of `plan` from the horizon on: each stretch of days
    /// with one rate and one use is given its visits once, as each of its days would be.
    fn deliver_past_horizon(
        &mut self,
        plan: &VisitPlan,
        start: usize,
        hours_per_visit: f64,
    ) -> u64 {
        let end = start + plan.days() as usize;
        let mut day = start.max(self.horizon);
        if day >= end || !self.keeps_tail() {
            return 0;
        }
        let capacity = self.beyond[0];
        let mut missed_total = 0;
        while day < end {
            let d = (day - start) as u32;
            let visits = plan.visits_on(d);
            let until = (start + plan.rate_until(d) as usize).min(end);
            let (i, j) = (self.split_tail(day), self.split_tail(until));
            for k in i..j {
                let length = (self.tail.get(k + 1).map_or(until, |s| s.0) - self.tail[k].0) as u64;
                let used = &mut self.tail[k].1;
                for _ in 0..visits {
                    if *used + hours_per_visit <= capacity + 1e-9 {
                        *used += hours_per_visit;
                    } else {
                        missed_total += length;
                    }
                }
            }
            // Neighbours left with the same use are one step.
            let from = i.saturating_sub(1);
            let to = (j + 1).min(self.tail.len());
            let mut kept = from;
            for k in from + 1..to {
                if self.tail[k].1 != self.tail[kept].1 {
                    kept += 1;
                    self.tail[kept] = self.tail[k];
                }
            }
            self.tail.drain(kept + 1..to);
            day = until;
        }
        missed_total
    }

    /// Totals over days `from..to` (days the book has not reached count as empty).
    pub fn totals(&self, from: usize, to: usize) -> BookTotals {
        let mut totals = BookTotals {
            days: to.saturating_sub(from),
            capacity: vec![0.0; self.pools],
            used: vec![0.0; self.pools],
            made_hours: vec![0.0; self.pools],
            ..BookTotals::default()
        };
        for day in from..to {
            for pool in 0..self.pools {
                totals.capacity[pool] += self.capacity(day, pool);
                totals.used[pool] += self.used(day, pool);
                totals.made_hours[pool] += self
                    .made_hours
                    .get(day * self.pools + pool)
                    .copied()
                    .unwrap_or(0.0);
            }
            totals.late += u64::from(self.late.get(day).copied().unwrap_or(0));
            totals.lateness += self.lateness.get(day).copied().unwrap_or(0.0);
            totals.visits += u64::from(self.visits.get(day).copied().unwrap_or(0));
            totals.missed += u64::from(self.missed.get(day).copied().unwrap_or(0));
            totals.patient_days += u64::from(self.caseload.get(day).copied().unwrap_or(0));
        }
        totals
    }
}

/// Sums of a [`VisitBook`] over a run of days.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BookTotals {
    /// Days summed.
    pub days: usize,
    /// Per pool: capacity [slots, or carer-hours].
    pub capacity: Vec<f64>,
    /// Per pool: capacity used [slots, or carer-hours booked; in roster mode all in pool 0].
    pub used: Vec<f64>,
    /// Per pool: carer-hours of visits made (roster mode).
    pub made_hours: Vec<f64>,
    /// Visits made late (roster mode).
    pub late: u64,
    /// Lateness of the late visits, summed [hours] (roster mode).
    pub lateness: f64,
    /// Visits delivered.
    pub visits: u64,
    /// Visits missed.
    pub missed: u64,
    /// Patient-days in an episode (caseload summed over the days).
    pub patient_days: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(initial: u32, last: u32, full_days: u32) -> VisitPlan {
        VisitPlan {
            initial,
            last,
            full_days,
            skip: 0,
            carers: 1,
        }
    }

    /// `round(seq(4, 1, length.out = 5))` in R is 4, 3, 2 (2.5 rounds to even), 2, 1.
    #[test]
    fn visits_fall_linearly_rounded_half_to_even_as_r_does() {
        let p = plan(4, 1, 5);
        let v: Vec<u32> = (0..5).map(|d| p.visits_on(d)).collect();
        assert_eq!(v, vec![4, 3, 2, 2, 1]);
        assert_eq!(p.total_visits(), 12);
        // One day: the initial rate (R's seq of length 1 is `from`).
        assert_eq!(plan(4, 1, 1).visits_on(0), 4);
    }

    /// A census patient follows the tail of its plan (IPACS `tail(temp_visit_vector, los)`).
    #[test]
    fn a_census_patient_follows_the_tail_of_its_plan() {
        let mut p = plan(4, 1, 5);
        p.skip = 3;
        assert_eq!(p.days(), 2);
        assert_eq!((p.visits_on(0), p.visits_on(1)), (2, 1));
    }

    /// A plan that does not fit on its first day waits; one behind that fits is placed at
    /// once; the waiting one takes the first day the whole plan fits.
    #[test]
    fn slots_one_short_make_a_patient_wait_while_one_that_fits_starts() {
        let mut book = VisitBook::slots(5);
        assert_eq!(book.deliver(&plan(3, 3, 2), 0, 1.0), 0); // days 0-1: 3 of 5 used
        let big = plan(3, 3, 1); // needs 3: one short on days 0 and 1
        assert_eq!(book.first_fit(&big, 1.0, 0, 10, None), Some(2));
        let small = plan(2, 2, 2);
        assert_eq!(book.first_fit(&small, 1.0, 0, 10, None), Some(0));
        assert_eq!(book.first_fit(&big, 1.0, 0, 1, None), None);
    }

    /// Where a plan's number of visits a day changes, found by halving, is where it changes
    /// day by day, for rising, falling, flat and census (`skip`) plans, long and short.
    #[test]
    fn rate_until_is_the_next_change_of_rate() {
        for (initial, last, full_days, skip) in [
            (4, 1, 5, 0),
            (1, 4, 7, 0),
            (3, 3, 40, 0),
            (24, 0, 36_500, 0),
            (4, 1, 36_500, 1000),
            (2, 5, 1, 0),
            (4, 1, 5, 9),
        ] {
            let p = VisitPlan {
                initial,
                last,
                full_days,
                skip,
                carers: 1,
            };
            let mut day = 0;
            while day < p.days() {
                let until = p.rate_until(day);
                let by_day = (day + 1..p.days())
                    .find(|&d| p.visits_on(d) != p.visits_on(day))
                    .unwrap_or(p.days());
                assert_eq!(until, by_day, "{p:?} from day {day}");
                day = until;
            }
        }
    }

    /// A slots book keeping the days past a horizon as steps gives every fit and every
    /// missed visit that per-day tables give, and tables no day past the horizon: random
    /// plans (rising, falling, long past the horizon, double-handed, census tails) delivered
    /// into both books, and fits asked of both, with few slots so that days fill.
    #[test]
    fn days_past_the_horizon_as_steps_give_the_fits_of_per_day_tables() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(7);
        let (mut fits, mut waits) = (0, 0);
        for _ in 0..200 {
            let per_day = rng.random_range(1..40u32);
            let horizon = rng.random_range(0..30usize);
            let mut stepped = VisitBook::slots(per_day).with_horizon(horizon);
            let mut tabled = VisitBook::slots(per_day);
            for _ in 0..60 {
                let full_days = if rng.random::<f64>() < 0.2 {
                    rng.random_range(1..3000u32)
                } else {
                    rng.random_range(1..60u32)
                };
                let plan = VisitPlan {
                    initial: rng.random_range(0..6u32),
                    last: rng.random_range(0..6u32),
                    full_days,
                    skip: if rng.random::<f64>() < 0.1 {
                        rng.random_range(0..full_days)
                    } else {
                        0
                    },
                    carers: if rng.random::<f64>() < 0.3 { 2 } else { 1 },
                };
                let per_visit = f64::from(plan.carers);
                let from = rng.random_range(0..40usize);
                let first_day = (rng.random::<f64>() < 0.3).then(|| rng.random_range(0..4u32));
                let last_start = from + rng.random_range(0..20usize);
                let fit = stepped.first_fit(&plan, per_visit, from, last_start, first_day);
                assert_eq!(
                    fit,
                    tabled.first_fit(&plan, per_visit, from, last_start, first_day),
                    "{plan:?} from {from} (horizon {horizon}, {per_day} slots)"
                );
                fits += usize::from(fit.is_some());
                waits += usize::from(fit.is_none());
                let start = fit.unwrap_or(from);
                assert_eq!(
                    stepped.deliver(&plan, start, per_visit),
                    tabled.deliver(&plan, start, per_visit),
                    "{plan:?} from {start}"
                );
            }
            for day in 0..4000 {
                assert_eq!(stepped.used(day, 0), tabled.used(day, 0), "day {day}");
            }
            assert!(stepped.days_tabled() <= horizon);
            assert_eq!(stepped.totals(0, horizon), tabled.totals(0, horizon));
            stepped.clear();
            assert_eq!(stepped.used(horizon + 5, 0), 0.0);
        }
        assert!(fits > 2000 && waits > 2000, "{fits} fit, {waits} do not");
    }

    /// A roster book keeps nothing past its capacity's days (no limit there): a plan of a
    /// hundred years tables no day past them and fits as it did.
    #[test]
    fn a_roster_book_keeps_nothing_past_its_days() {
        let mut book = VisitBook::roster(1, vec![8.0; 10]);
        assert_eq!(book.horizon(), 10);
        for day in 0..40_000 {
            book.book(day, 1.0, true);
        }
        assert_eq!(book.days_tabled(), 10);
        let long = plan(4, 1, 36_500);
        assert_eq!(book.first_fit(&long, 1.0, 0, 9, None), Some(0));
        assert_eq!(book.totals(0, 10).patient_days, 10);
    }
}
