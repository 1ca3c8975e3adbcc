//! Day-by-day levels of one replication and the time spent at each level: exact time
//! integrals, updated when a level changes (never sampled), into buffers sized once when the
//! replication starts.
//!
//! What it records, over the measured period only (from the end of the warm-up to the end of
//! the run; day 1 starts when the warm-up ends):
//! - per resource: units available (on duty), units in use, units blocked, patients waiting;
//! - per waiting point: patients waiting there;
//! - per pathway: patients inside it;
//!
//! each as the day's time-average and the day's maximum (the largest level held for a
//! positive time within the day), and per resource the time with `k` units in use, with the
//! queue at `k`, and with every unit on duty in use (a full house). The last day may be
//! shorter than 24 hours when the measured period is not a whole number of days; its average
//! is over the hours measured.
//!
//! It does not own the levels themselves: the engine calls [`DailyLog::segment`] with the
//! levels held since their last change whenever one is about to change (a resource from
//! `ResourceState::accrue`, a count from [`DailyCounts::change`]). It knows nothing of
//! what the series mean to a reader: names are in [`daily_series_names`].

use crate::model::scenario::Scenario;

/// Hours in a day.
const DAY_HOURS: f64 = 24.0;

/// The daily statistics of a series, in the order of [`ReplicationResult::daily`]
/// (`super::ReplicationResult`).
pub const DAILY_STATISTICS: [&str; 2] = ["mean", "max"];

/// Series per resource, in order.
pub const RESOURCE_SERIES: [&str; 4] = ["available", "in_use", "blocked", "queue"];

/// The measured period, cut into days.
#[derive(Debug, Clone, Copy)]
pub struct DayWindow {
    /// Start of day 1 (the end of the warm-up) [hours].
    pub start: f64,
    /// End of the measured period [hours].
    pub end: f64,
    /// Days, the last possibly partial.
    pub days: usize,
}

impl DayWindow {
    /// The measured period of `scenario`.
    pub fn of(scenario: &Scenario) -> Self {
        let start = scenario.warm_up.hours();
        let end = scenario.end_time().hours();
        let days = ((end - start) / DAY_HOURS).ceil().max(0.0) as usize;
        DayWindow { start, end, days }
    }

    /// Hours measured in day `day` (from 0): 24, or less for a partial last day.
    pub fn day_hours(&self, day: usize) -> f64 {
        let from = self.start + day as f64 * DAY_HOURS;
        (self.end.min(from + DAY_HOURS) - from).max(0.0)
    }
}

/// Per series, per day: the integral of the level [level-hours] and its maximum, in one flat
/// buffer `[day][series][statistic]` (a day's cells side by side, so the series that change
/// together are added in one short run), allocated once.
#[derive(Debug, Clone)]
pub struct DailyLog {
    window: DayWindow,
    /// Series in the log.
    series: usize,
    values: Vec<f64>,
    /// The first value of the day that held the end of the last segment (`2 * series`
    /// values a day), and that day's bounds [hours] (clipped to the measured period; an
    /// empty range before the first segment): a segment inside it is added without the day
    /// search. Segments end at the simulation clock, which never goes back, so this day
    /// only moves forward.
    day_values: usize,
    day_start: f64,
    day_end: f64,
}

impl DailyLog {
    /// A log of `series` series over `window`, all zero.
    pub fn new(window: DayWindow, series: usize) -> Self {
        DailyLog {
            window,
            series,
            values: vec![0.0; series * window.days * 2],
            day_values: 0,
            day_start: f64::INFINITY,
            day_end: f64::NEG_INFINITY,
        }
    }

    /// Adds levels `levels` (series `first`, `first + 1`, ...) held from `from` to `to`
    /// [hours], clipped to the measured period and split at day boundaries. O(days spanned).
    #[inline]
    pub fn segment<const N: usize>(&mut self, first: usize, from: f64, to: f64, levels: [u32; N]) {
        // The usual case: the segment lies inside the day of the last one (the same sums as
        // the general case below, without the search).
        if from >= self.day_start && to <= self.day_end {
            let dt = to - from;
            let start = self.day_values + 2 * first;
            Self::add(&mut self.values[start..start + 2 * N], dt, levels);
            return;
        }
        self.segment_outside_day(first, from, to, levels);
    }

    /// [`DailyLog::segment`] for a segment not inside the day of the last one: clipped,
    /// split at midnights, and its end's day remembered. Out of line: rare.
    #[inline(never)]
    fn segment_outside_day<const N: usize>(
        &mut self,
        first: usize,
        from: f64,
        to: f64,
        levels: [u32; N],
    ) {
        self.segment_across_days(first, from, to, levels);
        self.remember_day_of(to);
    }

    /// The cells of series `first` to `first + N - 1` (each an (integral, maximum) pair) of
    /// the day that holds all of `from..to` [hours], when that is the day of the last
    /// segment (the usual case, see [`DailyLog::segment`]); `None` otherwise. A segment
    /// inside that day lies inside the measured period, so needs no clipping: the caller
    /// adds `level * (to - from)` to each integral and raises each maximum itself, the same
    /// sums as [`DailyLog::segment`] bit for bit, and must not also call it. O(1).
    #[inline(always)]
    pub fn cells_within_day<const N: usize>(
        &mut self,
        first: usize,
        from: f64,
        to: f64,
    ) -> Option<&mut [[f64; 2]; N]> {
        if from >= self.day_start && to <= self.day_end {
            let start = self.day_values + 2 * first;
            let cells = self.values.get_mut(start..start + 2 * N)?;
            let (pairs, _) = cells.as_chunks_mut::<2>();
            pairs.try_into().ok()
        } else {
            None
        }
    }

    /// Adds `levels` held for `dt` hours to `cells`, one day's (integral, maximum) pairs of
    /// consecutive series.
    #[inline(always)]
    fn add<const N: usize>(cells: &mut [f64], dt: f64, levels: [u32; N]) {
        for (pair, level) in cells.chunks_exact_mut(2).zip(levels) {
            // Zero adds exactly nothing to the non-negative integral and is never above the
            // maximum (which starts at 0): skipped.
            if level == 0 {
                continue;
            }
            let level = f64::from(level);
            pair[0] += level * dt;
            if dt > 0.0 && level > pair[1] {
                pair[1] = level;
            }
        }
    }

    /// Remembers the day holding instant `to` [hours], if it is in the measured period.
    fn remember_day_of(&mut self, to: f64) {
        let window = self.window;
        if window.days == 0 || to < window.start || to >= window.end {
            return;
        }
        let day = (((to - window.start) / DAY_HOURS) as usize).min(window.days - 1);
        self.day_values = day * self.series * 2;
        self.day_start = window.start + day as f64 * DAY_HOURS;
        self.day_end = (window.start + (day + 1) as f64 * DAY_HOURS).min(window.end);
    }

    /// [`DailyLog::segment`] in general: clipped to the measured period and split at
    /// midnights.
    fn segment_across_days<const N: usize>(
        &mut self,
        first: usize,
        from: f64,
        to: f64,
        levels: [u32; N],
    ) {
        let window = self.window;
        let from = from.max(window.start);
        let to = to.min(window.end);
        let days = window.days;
        if to <= from || days == 0 {
            return;
        }
        let mut day = (((from - window.start) / DAY_HOURS) as usize).min(days - 1);
        let mut at = from;
        loop {
            let day_end = window.start + (day + 1) as f64 * DAY_HOURS;
            let upto = to.min(day_end);
            let dt = upto - at;
            let start = (day * self.series + first) * 2;
            Self::add(&mut self.values[start..start + 2 * N], dt, levels);
            if to <= day_end || day + 1 >= days {
                break;
            }
            day += 1;
            at = day_end;
        }
    }

    /// The finished series, `[series][day][statistic]` with the statistics of
    /// [`DAILY_STATISTICS`], appended to `out`: integrals become time-averages.
    pub fn finish_into(&self, out: &mut Vec<f64>) {
        let days = self.window.days;
        for series in 0..self.series {
            for day in 0..days {
                let cell = (day * self.series + series) * 2;
                out.push(self.values[cell] / self.window.day_hours(day));
                out.push(self.values[cell + 1]);
            }
        }
    }
}

/// One resource's time at each level over the measured period [hours].
#[derive(Debug, Clone)]
pub struct LevelTimes {
    window: DayWindow,
    /// `in_use[k]`: hours with `k` units in use.
    pub in_use: Vec<f64>,
    /// `queue[k]`: hours with `k` patients waiting.
    pub queue: Vec<f64>,
    /// Hours with at least one unit on duty and every unit on duty in use.
    pub full: f64,
}

impl LevelTimes {
    /// Level times for a resource with at most `most_units` units on duty.
    pub fn new(window: DayWindow, most_units: u32) -> Self {
        LevelTimes {
            window,
            in_use: vec![0.0; most_units as usize + 1],
            queue: vec![0.0; 64],
            full: 0.0,
        }
    }

    /// Adds `from..to` [hours] at these levels, clipped to the measured period. O(1), except
    /// when a level passes the largest seen (the tables grow, amortised O(1)).
    #[inline]
    pub fn segment(&mut self, from: f64, to: f64, capacity: u32, busy: u32, waiting: u32) {
        let dt = to.min(self.window.end) - from.max(self.window.start);
        if dt <= 0.0 {
            return;
        }
        self.add_within(dt, capacity, busy, waiting);
    }

    /// [`LevelTimes::segment`] for `dt` > 0 hours known to lie inside the measured period
    /// (no clipping): the same sums, bit for bit. O(1) amortised.
    #[inline(always)]
    pub fn add_within(&mut self, dt: f64, capacity: u32, busy: u32, waiting: u32) {
        let (busy, waiting) = (busy as usize, waiting as usize);
        // One test for each level in the usual case, the table already long enough.
        match self.in_use.get_mut(busy) {
            Some(hours) => *hours += dt,
            None => Self::grow_and_add(&mut self.in_use, busy + 1, busy, dt),
        }
        match self.queue.get_mut(waiting) {
            Some(hours) => *hours += dt,
            None => {
                let len = (waiting + 1).max(2 * self.queue.len());
                Self::grow_and_add(&mut self.queue, len, waiting, dt);
            }
        }
        if capacity > 0 && busy >= capacity as usize {
            self.full += dt;
        }
    }

    /// Grows `table` to `len` entries, more than `level`, and adds `dt` hours at that
    /// level. Out of line: rare.
    #[cold]
    #[inline(never)]
    fn grow_and_add(table: &mut Vec<f64>, len: usize, level: usize, dt: f64) {
        table.resize(len, 0.0);
        table[level] += dt;
    }

    /// Shares of the measured time: in use at `k` for every `k` up to the most units on duty
    /// (or the most in use, if more), the queue at least `k` for `k` from 0 to the longest
    /// queue, and a full house.
    pub fn shares(&self, most_units: u32) -> ResourceLevels {
        let measured = self.window.end - self.window.start;
        let share = |hours: f64| {
            if measured > 0.0 {
                hours / measured
            } else {
                f64::NAN
            }
        };
        let used = self
            .in_use
            .iter()
            .rposition(|h| *h > 0.0)
            .map_or(0, |k| k + 1)
            .max(most_units as usize + 1);
        let longest = self.queue.iter().rposition(|h| *h > 0.0).unwrap_or(0);
        let mut at_least = vec![0.0; longest + 1];
        let mut tail = 0.0;
        for k in (0..=longest).rev() {
            tail += self.queue[k];
            at_least[k] = share(tail);
        }
        ResourceLevels {
            in_use: self.in_use[..used.min(self.in_use.len())]
                .iter()
                .map(|h| share(*h))
                .collect(),
            queue_at_least: at_least,
            full: share(self.full),
        }
    }
}

/// One resource's time at each level in one replication, as shares of the measured time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceLevels {
    /// `in_use[k]`: share of time with `k` units in use, `k` from 0 to at least the most
    /// units on duty; sums to 1.
    pub in_use: Vec<f64>,
    /// `queue_at_least[k]`: share of time with at least `k` patients waiting, `k` from 0 to
    /// the longest queue (`queue_at_least[0]` is 1).
    pub queue_at_least: Vec<f64>,
    /// Share of time with at least one unit on duty and every unit on duty in use.
    pub full: f64,
}

/// Counts that change by one at a time (patients waiting at a point, patients inside a
/// pathway), with their daily log.
#[derive(Debug, Clone)]
pub struct DailyCounts {
    count: Vec<u32>,
    since: Vec<f64>,
    log: DailyLog,
}

impl DailyCounts {
    /// `series` counts, all zero at time zero, over `window`.
    pub fn new(window: DayWindow, series: usize) -> Self {
        DailyCounts {
            count: vec![0; series],
            since: vec![0.0; series],
            log: DailyLog::new(window, series),
        }
    }

    /// Count `series` goes up (`up`) or down by one at `now` [hours]. O(1) within a day.
    #[inline(always)]
    pub fn change(&mut self, series: usize, now: f64, up: bool) {
        let count = self.count[series];
        let since = self.since[series];
        // The usual case inline: within the day of the last change, the sums of
        // `DailyLog::add` for one series (a count of zero adds nothing).
        if let Some([cell]) = self.log.cells_within_day::<1>(series, since, now) {
            if count != 0 {
                let dt = now - since;
                let level = f64::from(count);
                cell[0] += level * dt;
                if dt > 0.0 && level > cell[1] {
                    cell[1] = level;
                }
            }
        } else {
            self.log.segment_outside_day(series, since, now, [count]);
        }
        self.since[series] = now;
        self.count[series] = if up { count + 1 } else { count - 1 };
    }

    /// The count of `series` now.
    #[inline]
    pub fn count(&self, series: usize) -> u32 {
        self.count[series]
    }

    /// Closes every count at `end` and appends the finished series (see
    /// [`DailyLog::finish_into`]).
    pub fn finish_into(&mut self, end: f64, out: &mut Vec<f64>) {
        for series in 0..self.count.len() {
            let count = self.count[series];
            self.log.segment(series, self.since[series], end, [count]);
            self.since[series] = end;
        }
        self.log.finish_into(out);
    }
}

/// The names of the daily series of `scenario`, in the order of
/// [`ReplicationResult::daily`](super::ReplicationResult): per resource
/// `resource.NAME.available|in_use|blocked|queue`, then per waiting point
/// `wait.PATHWAY.STEP.queue`, then per pathway `pathway.NAME.inside`.
pub fn daily_series_names(scenario: &Scenario) -> Vec<String> {
    let mut names = Vec::new();
    for resource in &scenario.resources {
        for series in RESOURCE_SERIES {
            names.push(format!("resource.{}.{series}", resource.name));
        }
    }
    for step in &scenario.waits {
        names.push(format!("wait.{}.queue", scenario.step_label(*step)));
    }
    for pathway in &scenario.pathways {
        names.push(format!("pathway.{}.inside", pathway.name));
    }
    names
}

/// Series index of waiting point `index` among the counts (waiting points first, then
/// pathways).
pub fn wait_series(index: usize) -> usize {
    index
}

/// Series index of pathway `pathway` among the counts of `scenario`.
pub fn pathway_series(scenario: &Scenario, pathway: usize) -> usize {
    scenario.waits.len() + pathway
}

#[cfg(test)]
mod tests {
    use super::*;

    fn window(days: f64) -> DayWindow {
        DayWindow {
            start: 10.0,
            end: 10.0 + days * DAY_HOURS,
            days: days.ceil() as usize,
        }
    }

    #[test]
    fn a_level_held_across_days_is_split_at_midnight() {
        let mut log = DailyLog::new(window(3.0), 1);
        // Level 2 from before the window until 6 h into day 2, then 5 until the end.
        log.segment(0, 0.0, 10.0 + 30.0, [2]);
        log.segment(0, 40.0, 10.0 + 72.0, [5]);
        let mut out = Vec::new();
        log.finish_into(&mut out);
        assert_eq!(
            out,
            vec![2.0, 2.0, (2.0 * 6.0 + 5.0 * 18.0) / 24.0, 5.0, 5.0, 5.0]
        );
    }

    #[test]
    fn series_logged_together_come_out_series_by_series() {
        // Three series over two days; series 1 and 2 change together, series 0 alone.
        let mut log = DailyLog::new(window(2.0), 3);
        log.segment(1, 10.0, 22.0, [4, 1]); // day 1, 12 h
        log.segment(1, 22.0, 40.0, [2, 3]); // 12 h of day 1, 6 h of day 2
        log.segment(0, 0.0, 58.0, [7]); // the whole window
        let mut out = Vec::new();
        log.finish_into(&mut out);
        let day1 = |a: f64, b: f64| (a * 12.0 + b * 12.0) / 24.0;
        assert_eq!(
            out,
            vec![
                7.0,
                7.0,
                7.0,
                7.0, // series 0: day 1, day 2
                day1(4.0, 2.0),
                4.0,
                2.0 * 6.0 / 24.0,
                2.0, // series 1
                day1(1.0, 3.0),
                3.0,
                3.0 * 6.0 / 24.0,
                3.0, // series 2
            ]
        );
    }

    #[test]
    fn a_partial_last_day_is_averaged_over_its_hours() {
        let mut counts = DailyCounts::new(window(1.5), 1);
        counts.change(0, 10.0 + 30.0, true); // 0 until 6 h into day 2, then 1
        let mut out = Vec::new();
        counts.finish_into(10.0 + 36.0, &mut out);
        assert_eq!(out, vec![0.0, 0.0, 0.5, 1.0]);
    }

    #[test]
    fn level_shares_sum_to_one_and_queue_tail_starts_at_one() {
        let mut times = LevelTimes::new(window(1.0), 2);
        times.segment(10.0, 16.0, 2, 2, 3);
        times.segment(16.0, 34.0, 2, 1, 0);
        let shares = times.shares(2);
        assert_eq!(shares.in_use, vec![0.0, 0.75, 0.25]);
        assert_eq!(shares.queue_at_least, vec![1.0, 0.25, 0.25, 0.25]);
        assert_eq!(shares.full, 0.25);
    }
}
