//! The state of one resource during a replication: capacity on duty, units busy and blocked,
//! the patients waiting by priority, and the time integrals its metrics come from.

use std::collections::VecDeque;

use super::daily::{DailyLog, DayWindow, LevelTimes};
use super::patients::PatientId;
use crate::model::metrics::LevelIntegral;

/// One resource's live state.
#[derive(Debug)]
pub struct ResourceState {
    /// Units on duty or available now.
    pub capacity: u32,
    /// Units held by patients now (may exceed `capacity` after a shift ends: overtime).
    pub busy: u32,
    /// Patients waiting (stale queue entries excluded).
    pub waiting: u32,
    /// Held units that are blocked now.
    pub blocked: u32,
    /// Largest number waiting since the warm-up.
    pub max_waiting: u32,
    /// One first-in-first-out queue per priority rank (0 first), of (patient, wait token);
    /// for a resource that pauses work at a shift end, the queue of paused work comes
    /// before them all.
    queues: Vec<VecDeque<(PatientId, u64)>>,
    /// Index in `queues` of priority rank 0: 1 with a queue of paused work, else 0.
    rank_offset: usize,
    last_change: f64,
    /// Integral of units available [unit-hours].
    pub capacity_area: LevelIntegral,
    /// Integral of units busy [unit-hours].
    pub busy_area: LevelIntegral,
    /// Integral of busy units beyond capacity [unit-hours].
    pub overtime_area: LevelIntegral,
    /// Integral of patients waiting [patient-hours].
    pub waiting_area: LevelIntegral,
    /// Integral of blocked units [unit-hours].
    pub blocked_area: LevelIntegral,
    /// Hours with capacity 0 (nobody on duty) from time zero until `off_since`.
    off_duty_before: f64,
    /// When the capacity last became 0 (meaningful while it is 0) [hours].
    off_since: f64,
    /// Day by day: units available, in use, blocked, and patients waiting (in that order).
    pub daily: DailyLog,
    /// Time at each level of units in use and of the queue.
    pub level_times: LevelTimes,
}

impl ResourceState {
    /// A resource with `capacity` units (at most `most_units` at any time of its roster) and
    /// `priority_levels` queues, at time zero, recording its levels day by day over `window`;
    /// with a queue of paused work ahead of those if it `pauses` work at a shift end.
    pub fn new(
        capacity: u32,
        most_units: u32,
        priority_levels: usize,
        window: DayWindow,
        pauses: bool,
    ) -> Self {
        let rank_offset = usize::from(pauses);
        ResourceState {
            capacity,
            busy: 0,
            waiting: 0,
            blocked: 0,
            max_waiting: 0,
            queues: (0..priority_levels + rank_offset)
                .map(|_| VecDeque::with_capacity(64))
                .collect(),
            rank_offset,
            last_change: 0.0,
            capacity_area: LevelIntegral::default(),
            busy_area: LevelIntegral::default(),
            overtime_area: LevelIntegral::default(),
            waiting_area: LevelIntegral::default(),
            blocked_area: LevelIntegral::default(),
            off_duty_before: 0.0,
            off_since: 0.0,
            daily: DailyLog::new(window, 4),
            level_times: LevelTimes::new(window, most_units),
        }
    }

    /// Hours from time zero to `now` in which the resource had no unit on duty: a clock
    /// that moves only while the capacity is 0. O(1).
    #[inline]
    pub fn off_duty_hours(&self, now: f64) -> f64 {
        if self.capacity == 0 {
            self.off_duty_before + (now - self.off_since)
        } else {
            self.off_duty_before
        }
    }

    /// Sets the units on duty from `now` (a roster change), keeping the off-duty clock.
    pub fn set_capacity(&mut self, now: f64, capacity: u32) {
        self.accrue(now);
        if self.capacity == 0 && capacity > 0 {
            self.off_duty_before += now - self.off_since;
        } else if self.capacity > 0 && capacity == 0 {
            self.off_since = now;
        }
        self.capacity = capacity;
    }

    /// Accrues every integral up to `now`; call before changing any level.
    #[inline(always)]
    pub fn accrue(&mut self, now: f64) {
        // Several changes at one instant accrue nothing after the first: only the
        // comparison is inlined.
        let dt = now - self.last_change;
        if dt > 0.0 {
            self.accrue_over(now, dt);
        }
    }

    /// [`ResourceState::accrue`] over `dt` > 0 hours ending at `now`. A level of zero adds
    /// exactly nothing to a sum (+0.0 to a non-negative sum leaves it bit for bit), so its
    /// arithmetic is skipped: blocked units and overtime are zero nearly always, and the
    /// queue and the units on duty often.
    #[inline(never)]
    fn accrue_over(&mut self, now: f64, dt: f64) {
        let (from, capacity, busy, blocked, waiting) = (
            self.last_change,
            self.capacity,
            self.busy,
            self.blocked,
            self.waiting,
        );
        self.last_change = now;
        accrue_level(&mut self.overtime_area, busy.saturating_sub(capacity), dt);
        // The usual case: within the day of the last change, so inside the measured period.
        // Each level's product `level * dt` then goes to its daily cell and to its integral
        // (the very sums of the general case, bit for bit: the daily log's and the level
        // times' `dt`, `now - from` unclipped, is this `dt`), in one pass.
        if let Some([c, u, b, w]) = self.daily.cells_within_day::<4>(0, from, now) {
            accrue_both(c, &mut self.capacity_area, capacity, dt);
            accrue_both(u, &mut self.busy_area, busy, dt);
            accrue_both(b, &mut self.blocked_area, blocked, dt);
            accrue_both(w, &mut self.waiting_area, waiting, dt);
            self.level_times.add_within(dt, capacity, busy, waiting);
            return;
        }
        self.accrue_outside_day(from, now, dt);
    }

    /// The rest of [`ResourceState::accrue_over`] for a change outside the day of the last
    /// one (or outside the measured period): clipped and split at midnights. Out of line:
    /// rare.
    #[cold]
    #[inline(never)]
    fn accrue_outside_day(&mut self, from: f64, now: f64, dt: f64) {
        let (capacity, busy, blocked, waiting) =
            (self.capacity, self.busy, self.blocked, self.waiting);
        self.daily
            .segment(0, from, now, [capacity, busy, blocked, waiting]);
        self.level_times.segment(from, now, capacity, busy, waiting);
        accrue_level(&mut self.capacity_area, capacity, dt);
        accrue_level(&mut self.busy_area, busy, dt);
        accrue_level(&mut self.waiting_area, waiting, dt);
        accrue_level(&mut self.blocked_area, blocked, dt);
    }

    /// Starts the integrals afresh at `now` (the end of the warm-up).
    pub fn restart_integrals(&mut self, now: f64) {
        self.accrue(now);
        for integral in [
            &mut self.capacity_area,
            &mut self.busy_area,
            &mut self.overtime_area,
            &mut self.waiting_area,
            &mut self.blocked_area,
        ] {
            integral.area = 0.0;
        }
        self.max_waiting = self.waiting;
    }

    /// Whether a unit is free to start new work.
    #[inline]
    pub fn has_free_unit(&self) -> bool {
        self.busy < self.capacity
    }

    /// Whether a unit is free for work that is not paused work: none is while paused work
    /// waits (it resumes first, see `staffing`). Differs from
    /// [`ResourceState::has_free_unit`] only on a resource that pauses, between a unit
    /// freeing and its queue being served at the same instant.
    #[inline]
    pub fn has_free_unit_for_new_work(&self) -> bool {
        self.has_free_unit() && (self.rank_offset == 0 || self.queues[0].is_empty())
    }

    /// Adds a waiting patient at priority rank `rank`. Amortised O(1).
    #[inline]
    pub fn enqueue(&mut self, now: f64, rank: usize, patient: PatientId, token: u64) {
        self.accrue(now);
        self.queues[rank + self.rank_offset].push_back((patient, token));
        self.waiting += 1;
        self.max_waiting = self.max_waiting.max(self.waiting);
    }

    /// Adds paused work (see `staffing`) to the queue served before every priority, behind
    /// work paused before it. Only for a resource made with `pauses`.
    pub fn enqueue_paused(&mut self, now: f64, patient: PatientId, token: u64) {
        debug_assert_eq!(self.rank_offset, 1, "a resource that does not pause");
        self.accrue(now);
        self.queues[0].push_back((patient, token));
        self.waiting += 1;
        self.max_waiting = self.max_waiting.max(self.waiting);
    }

    /// Records that one waiting patient left the queue without being served (deadline).
    /// Its entry stays in the queue and is skipped later as stale.
    #[inline]
    pub fn abandon(&mut self, now: f64) {
        self.accrue(now);
        self.waiting -= 1;
    }

    /// Removes the next waiting patient, highest priority first, skipping stale entries
    /// (`is_current(patient, token)` false). The caller has checked `waiting > 0`.
    pub fn dequeue(
        &mut self,
        now: f64,
        is_current: impl Fn(PatientId, u64) -> bool,
    ) -> Option<PatientId> {
        for queue in &mut self.queues {
            while let Some((patient, token)) = queue.pop_front() {
                if is_current(patient, token) {
                    self.accrue(now);
                    self.waiting -= 1;
                    return Some(patient);
                }
            }
        }
        None
    }

    /// Units free to start new work (0 while in overtime).
    #[inline]
    pub fn free_units(&self) -> u32 {
        self.capacity.saturating_sub(self.busy)
    }

    /// Whether a current entry waits at priority rank `rank` or ahead of it; drops stale
    /// entries from the front of those queues on the way.
    pub fn waiting_ahead(
        &mut self,
        rank: usize,
        is_current: impl Fn(PatientId, u64) -> bool,
    ) -> bool {
        if self.waiting == 0 {
            return false;
        }
        for queue in self.queues.iter_mut().take(rank + 1 + self.rank_offset) {
            while let Some(&(patient, token)) = queue.front() {
                if is_current(patient, token) {
                    return true;
                }
                queue.pop_front();
            }
        }
        false
    }

    /// The first current entry, highest priority first, without removing it; drops stale
    /// entries from the front of the queues on the way.
    pub fn first_current(
        &mut self,
        is_current: impl Fn(PatientId, u64) -> bool,
    ) -> Option<(PatientId, u64)> {
        if self.waiting == 0 {
            return None;
        }
        for queue in &mut self.queues {
            while let Some(&(patient, token)) = queue.front() {
                if is_current(patient, token) {
                    return Some((patient, token));
                }
                queue.pop_front();
            }
        }
        None
    }

    /// The first current entry at or after `position` in queue order (priority, then
    /// arrival; stale entries counted), with `position` moved to it. O(priority levels +
    /// stale entries skipped).
    pub fn current_at(
        &self,
        position: &mut usize,
        is_current: impl Fn(PatientId, u64) -> bool,
    ) -> Option<(PatientId, u64)> {
        let mut offset = 0;
        for queue in &self.queues {
            let len = queue.len();
            while *position < offset + len {
                let (patient, token) = queue[*position - offset];
                if is_current(patient, token) {
                    return Some((patient, token));
                }
                *position += 1;
            }
            offset += len;
        }
        None
    }
}

/// Accrues `level` held over `dt` > 0 hours into one day's (integral, maximum) cell of the
/// daily log and into `integral`'s area: one product for both, the same sums bit for bit as
/// [`DailyLog::segment`](super::daily::DailyLog::segment) and [`accrue_level`] apart. A
/// level of zero adds exactly nothing and is never above a maximum: skipped.
#[inline(always)]
fn accrue_both(cell: &mut [f64; 2], integral: &mut LevelIntegral, level: u32, dt: f64) {
    if level != 0 {
        let level = f64::from(level);
        let held = level * dt;
        cell[0] += held;
        integral.area += held;
        if level > cell[1] {
            cell[1] = level;
        }
    }
}

/// Accrues `level` held over `dt` hours into `integral`'s area, skipping the sum when the
/// level is zero (it would add exactly nothing). The area is the same sum, bit for bit, as
/// setting the integral's level and calling [`LevelIntegral::accrue`]; the level itself is
/// not stored, as nothing reads it back (one store and conversion fewer per integral, five
/// per level change).
#[inline(always)]
fn accrue_level(integral: &mut LevelIntegral, level: u32, dt: f64) {
    if level != 0 {
        integral.area += f64::from(level) * dt;
    }
}
