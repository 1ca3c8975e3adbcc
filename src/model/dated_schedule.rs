//! A level over the whole run on real dates: staff on duty, places available, or an office
//! being open, when the weekly pattern changes on dated periods and on bank holidays.
//!
//! Compiled once, before a run, into the instants (hours since time zero) at which the level
//! changes, so that the event loop does no date arithmetic and looks nothing up by name: it
//! asks for the level now, the next change, or when some working hours will have passed, as
//! it does of a [`WeekSchedule`]. Past the last instant the last level holds.

use super::scenario::{Calendar, Resource};
use super::week_schedule::WeekSchedule;
use crate::kernel::time::HOURS_PER_WEEK;

/// What one day of the run follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayPlan {
    /// Index of the weekly pattern in force (the base pattern or a dated period's).
    pub pattern: usize,
    /// The day of that pattern's week whose hours apply (Monday = 0): the day's own weekday,
    /// or the chosen day on a bank holiday.
    pub weekday: usize,
    /// Whether the level is 0 all day (an office closed on a bank holiday).
    pub closed: bool,
}

/// A piecewise-constant level over the run, as change instants in time order.
#[derive(Debug, Clone, PartialEq)]
pub struct DatedSchedule {
    /// Instants at which a level starts [hours since time zero]; the first is 0.
    starts: Vec<f64>,
    /// The level from each start until the next.
    levels: Vec<u32>,
}

impl DatedSchedule {
    /// The schedule of day after day following `days` (day `d` covers hours `24d` to
    /// `24(d+1)`): each day takes the hours 00:00-24:00 of its plan's weekday from its plan's
    /// pattern. A shift past midnight therefore belongs to the day on which its hours fall.
    /// `patterns` must hold every index the plans name. O(days x segments per day).
    pub fn from_days(patterns: &[WeekSchedule], days: &[DayPlan]) -> Self {
        let mut starts: Vec<f64> = Vec::new();
        let mut levels: Vec<u32> = Vec::new();
        let mut push = |at: f64, level: u32| {
            if levels.last() != Some(&level) {
                starts.push(at);
                levels.push(level);
            }
        };
        for (d, plan) in days.iter().enumerate() {
            let day_start = d as f64 * 24.0;
            if plan.closed {
                push(day_start, 0);
                continue;
            }
            let pattern = &patterns[plan.pattern];
            let from = plan.weekday as f64 * 24.0;
            push(day_start, pattern.level_at(from));
            for segment in pattern.segments() {
                if segment.start > from && segment.start < from + 24.0 {
                    push(day_start + segment.start - from, segment.level);
                }
            }
        }
        if starts.is_empty() {
            starts.push(0.0);
            levels.push(0);
        }
        DatedSchedule { starts, levels }
    }

    /// Index of the stretch containing `t`. O(log n).
    fn index(&self, t: f64) -> usize {
        self.starts.partition_point(|s| *s <= t).saturating_sub(1)
    }

    /// The level at `t` [hours since time zero].
    pub fn level_at(&self, t: f64) -> u32 {
        self.levels[self.index(t)]
    }

    /// Hours from `t` until the level next changes, and the level from then on; `None` past
    /// the last change.
    pub fn next_change(&self, t: f64) -> Option<(f64, u32)> {
        let next = self.index(t) + 1;
        (next < self.starts.len()).then(|| (self.starts[next] - t, self.levels[next]))
    }

    /// The largest level at any time [units].
    pub fn peak(&self) -> u32 {
        self.levels.iter().copied().max().unwrap_or(0)
    }

    /// Whether the level is 0 at some time.
    pub fn has_zero(&self) -> bool {
        self.levels.contains(&0)
    }

    /// Time-average level from 0 to `until` hours [units].
    pub fn mean_level(&self, until: f64) -> f64 {
        if until <= 0.0 {
            return f64::from(self.levels[0]);
        }
        let mut total = 0.0;
        for i in 0..self.starts.len() {
            let start = self.starts[i].min(until);
            let end = self.starts.get(i + 1).map_or(until, |s| s.min(until));
            total += f64::from(self.levels[i]) * (end - start);
        }
        total / until
    }

    /// Time-average level from `from` to `to` hours [units]; the level at `from` when the
    /// span is empty.
    pub fn mean_level_between(&self, from: f64, to: f64) -> f64 {
        if to <= from {
            return f64::from(self.level_at(from.max(0.0)));
        }
        let mut total = 0.0;
        for i in 0..self.starts.len() {
            let start = self.starts[i].max(from);
            let end = self.starts.get(i + 1).map_or(to, |s| s.min(to));
            if end > start {
                total += f64::from(self.levels[i]) * (end - start);
            }
        }
        total / (to - from)
    }

    /// Hours from `t` until `work` hours have passed while the level is positive (an
    /// office's working time). Past the last change, a closed schedule is taken as open
    /// again, so that the answer is finite (it then lies beyond the run, which the table
    /// outlasts). O(stretches walked).
    pub fn working_time_from(&self, t: f64, work: f64) -> f64 {
        let mut index = self.index(t);
        let mut position = t;
        let mut remaining = work;
        loop {
            let Some(&end) = self.starts.get(index + 1) else {
                return position - t + remaining;
            };
            let span = end - position;
            if self.levels[index] > 0 {
                if remaining <= span {
                    return position - t + remaining;
                }
                remaining -= span;
            }
            position = end;
            index += 1;
        }
    }

    /// Hours with a positive level among the `duration` hours that follow `t`: the inverse
    /// of [`DatedSchedule::working_time_from`].
    pub fn open_hours_from(&self, t: f64, duration: f64) -> f64 {
        if duration <= 0.0 {
            return 0.0;
        }
        let end = t + duration;
        let mut index = self.index(t);
        let mut position = t;
        let mut open = 0.0;
        while position < end {
            let stretch_end = self.starts.get(index + 1).map_or(end, |s| s.min(end));
            if self.levels[index] > 0 {
                open += stretch_end - position;
            }
            position = stretch_end;
            index += 1;
        }
        open.min(duration)
    }
}

/// Hours after Monday 00:00 of the instant `at` hours after a time zero that falls
/// `week_offset` hours after a Monday 00:00, in [0, 168).
#[inline]
pub fn hour_of_week(at: f64, week_offset: f64) -> f64 {
    let shifted = at + week_offset;
    (shifted - crate::kernel::time::floor_non_negative(shifted / HOURS_PER_WEEK) * HOURS_PER_WEEK)
        .clamp(0.0, HOURS_PER_WEEK - 1e-9)
}

// Calendars and resources answer on the run's clock: from their dated schedule when the run
// is on real dates, else from their usual week. `t` is hours since time zero and
// `week_offset` the hours from Monday 00:00 to time zero.

impl Calendar {
    /// 1 while the office is open at `t`, else 0.
    #[inline]
    pub fn level_at(&self, t: f64, week_offset: f64) -> u32 {
        match &self.dated {
            Some(dated) => dated.level_at(t),
            None => self.schedule.level_at(hour_of_week(t, week_offset)),
        }
    }

    /// Hours from `t` until `work` hours of opening time have passed.
    #[inline]
    pub fn working_time_from(&self, t: f64, week_offset: f64, work: f64) -> f64 {
        match &self.dated {
            Some(dated) => dated.working_time_from(t, work),
            None => self
                .schedule
                .working_time_from(hour_of_week(t, week_offset), work),
        }
    }

    /// Hours open among the `duration` hours that follow `t`.
    #[inline]
    pub fn open_hours_from(&self, t: f64, week_offset: f64, duration: f64) -> f64 {
        match &self.dated {
            Some(dated) => dated.open_hours_from(t, duration),
            None => self
                .schedule
                .open_hours_from(hour_of_week(t, week_offset), duration),
        }
    }
}

impl Resource {
    /// Units available at `t`.
    #[inline]
    pub fn level_at(&self, t: f64, week_offset: f64) -> u32 {
        match &self.dated {
            Some(dated) => dated.level_at(t),
            None => self.schedule.level_at(hour_of_week(t, week_offset)),
        }
    }

    /// Hours from `t` until the units available next change, and the number from then on;
    /// `None` if they never change.
    #[inline]
    pub fn next_change(&self, t: f64, week_offset: f64) -> Option<(f64, u32)> {
        match &self.dated {
            Some(dated) => dated.next_change(t),
            None => self.schedule.next_change(hour_of_week(t, week_offset)),
        }
    }

    /// The most units available at any time of the run, dated periods included [units].
    pub fn peak(&self) -> u32 {
        let dated = self.dated.as_ref().map_or(0, DatedSchedule::peak);
        self.schedule.peak().max(dated)
    }

    /// Whether no unit is available at some time of the run.
    pub fn can_be_off(&self) -> bool {
        self.schedule.segments().iter().any(|s| s.level == 0)
            || self.dated.as_ref().is_some_and(DatedSchedule::has_zero)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::week_schedule::ShiftLine;

    fn office() -> WeekSchedule {
        let lines: Vec<ShiftLine> = (0..5)
            .map(|day| ShiftLine {
                day,
                start: 9.0,
                end: 17.0,
                count: 1,
            })
            .collect();
        WeekSchedule::from_shifts(&lines, u32::MAX).unwrap()
    }

    fn weeks(days: usize, first_weekday: usize) -> Vec<DayPlan> {
        (0..days)
            .map(|d| DayPlan {
                pattern: 0,
                weekday: (first_weekday + d) % 7,
                closed: false,
            })
            .collect()
    }

    /// Without dated changes the schedule is the weekly one, shifted to the start day.
    #[test]
    fn plain_weeks_match_the_weekly_schedule() {
        let week = office();
        let dated = DatedSchedule::from_days(std::slice::from_ref(&week), &weeks(28, 3));
        for step in 0..(27 * 24 * 4) {
            let t = f64::from(step) * 0.25 + 0.1;
            let position = (t + 3.0 * 24.0) % 168.0;
            assert_eq!(dated.level_at(t), week.level_at(position), "at {t}");
            assert!(
                (dated.working_time_from(t, 3.0) - week.working_time_from(position, 3.0)).abs()
                    < 1e-9
            );
        }
    }

    /// A Thursday start (Christmas Eve 2026): a closed Friday 25 and Monday 28 push 2 hours
    /// of work from Thursday 16:00 to Tuesday 29 December 10:00.
    #[test]
    fn closed_days_push_work_to_the_next_open_day() {
        let mut days = weeks(14, 3);
        days[1].closed = true; // Friday 25
        days[4].closed = true; // Monday 28
        let dated = DatedSchedule::from_days(&[office()], &days);
        let elapsed = dated.working_time_from(16.0, 2.0);
        assert_eq!(elapsed, 8.0 + 4.0 * 24.0 + 10.0);
        assert_eq!(dated.open_hours_from(16.0, elapsed), 2.0);
        assert_eq!(dated.level_at(24.0 + 10.0), 0);
        assert_eq!(dated.next_change(17.5), Some((5.0 * 24.0 + 9.0 - 17.5, 1)));
    }

    /// 100 beds, 120 during days 10 to 19: mean over 40 days is 105.
    #[test]
    fn a_dated_period_changes_the_level_for_its_days_only() {
        let patterns = [WeekSchedule::constant(100), WeekSchedule::constant(120)];
        let days: Vec<DayPlan> = (0..40)
            .map(|d| DayPlan {
                pattern: usize::from((10..20).contains(&d)),
                weekday: d % 7,
                closed: false,
            })
            .collect();
        let dated = DatedSchedule::from_days(&patterns, &days);
        assert_eq!(dated.level_at(239.9), 100);
        assert_eq!(dated.level_at(240.0), 120);
        assert_eq!(dated.level_at(480.0), 100);
        assert_eq!(dated.next_change(0.0), Some((240.0, 120)));
        assert!((dated.mean_level(960.0) - 105.0).abs() < 1e-9);
        // From day 5 to day 25: 5 days at 100, 10 at 120, 5 at 100.
        assert!((dated.mean_level_between(120.0, 600.0) - 110.0).abs() < 1e-9);
        assert_eq!(dated.mean_level_between(300.0, 300.0), 120.0);
        assert_eq!(dated.next_change(500.0), None);
    }
}
