//! A level that repeats every week: staff on duty, places available, or an office being open.
//!
//! Stored as the breakpoints within one week where the level changes, so a roster costs
//! nothing between its changes and an opening-hours calendar can answer "when will this many
//! working hours have passed" without stepping hour by hour.

use crate::kernel::time::{HOURS_PER_WEEK, floor_non_negative};

/// One stretch of the week with a constant level.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Start [hours after Monday 00:00].
    pub start: f64,
    /// Level from `start` until the next segment starts.
    pub level: u32,
}

/// A weekly, piecewise-constant level. Segments cover [0, 168) hours, in order.
///
/// Besides the segments it keeps two things derived from them once, so that the event loop
/// asks no question twice: the hours per week with a positive level, and for each whole
/// hour of the week the segment in force at its start (a lookup in place of a search).
#[derive(Debug, Clone, PartialEq)]
pub struct WeekSchedule {
    segments: Vec<Segment>,
    /// Hours per week with a positive level (see [`WeekSchedule::weekly_open_hours`]).
    open_hours: f64,
    /// For each whole hour `h` of the week, the index of the segment containing `h`.
    segment_at_hour: Vec<u32>,
}

/// Shift lines that add up to more units than allowed at some time of the week.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LevelTooHigh {
    /// When [hours after Monday 00:00].
    pub hour_of_week: f64,
    /// The sum of the lines on duty then.
    pub level: i64,
    /// The most allowed.
    pub max: u32,
}

/// One line of a roster, already checked: on `day` (Monday = 0) from `start` to `end` hours
/// after that day's midnight (`end` may exceed 24 for shifts past midnight).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShiftLine {
    /// Day of the week the shift starts (Monday = 0).
    pub day: usize,
    /// Start [hours after midnight].
    pub start: f64,
    /// End [hours after midnight of `day`]; greater than `start`.
    pub end: f64,
    /// Units on duty during the shift.
    pub count: u32,
}

impl WeekSchedule {
    /// The same level all week.
    pub fn constant(level: u32) -> Self {
        Self::with_segments(vec![Segment { start: 0.0, level }])
    }

    /// The schedule of `segments` (in order, the first at 0), with what is derived from
    /// them. O(segments + 168).
    fn with_segments(segments: Vec<Segment>) -> Self {
        let open_hours = (0..segments.len())
            .filter(|&i| segments[i].level > 0)
            .map(|i| segment_end(&segments, i) - segments[i].start)
            .sum();
        let segment_at_hour = (0..WEEK_HOURS)
            .map(|h| {
                let index = segments
                    .partition_point(|segment| segment.start <= h as f64)
                    .saturating_sub(1);
                // At most one segment per minute of the week: far below `u32::MAX`.
                index as u32
            })
            .collect();
        WeekSchedule {
            segments,
            open_hours,
            segment_at_hour,
        }
    }

    /// The sum of all shift lines, each wrapped around the end of the week.
    ///
    /// A sweep over the lines' starts and ends in time order: O(n log n) in the number of
    /// lines. Levels are summed in 64 bits, so no sum of `u32` counts can wrap.
    ///
    /// # Errors
    /// [`LevelTooHigh`] if at some time of the week the lines add up to more than `max`.
    pub fn from_shifts(lines: &[ShiftLine], max: u32) -> Result<Self, LevelTooHigh> {
        // (hour of week, change in level): +count at a start, -count at an end.
        let mut changes: Vec<(f64, i64)> = Vec::with_capacity(lines.len() * 4);
        for line in lines {
            // Whole minutes, so that "08:20 next day" and the next day's "08:20" meet
            // exactly instead of leaving a sliver of a segment between them.
            let start = to_minute(line.day as f64 * 24.0 + line.start);
            let end = to_minute(line.day as f64 * 24.0 + line.end);
            for (s, e) in wrap_into_week(start, end) {
                changes.push((s, i64::from(line.count)));
                changes.push((e, -i64::from(line.count)));
            }
        }
        changes.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut segments: Vec<Segment> = Vec::new();
        let mut level: i64 = 0;
        let mut index = 0;
        let mut start = 0.0;
        loop {
            while index < changes.len() && changes[index].0 <= start {
                level += changes[index].1;
                index += 1;
            }
            if start >= HOURS_PER_WEEK {
                break;
            }
            let checked = u32::try_from(level)
                .ok()
                .filter(|l| *l <= max)
                .ok_or(LevelTooHigh {
                    hour_of_week: start,
                    level,
                    max,
                })?;
            if segments.last().is_none_or(|last| last.level != checked) {
                segments.push(Segment {
                    start,
                    level: checked,
                });
            }
            start = changes.get(index).map_or(HOURS_PER_WEEK, |c| c.0);
        }
        Ok(Self::with_segments(segments))
    }

    /// The segments, in order through the week.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Whether the level never changes.
    pub fn is_constant(&self) -> bool {
        self.segments.len() == 1
    }

    /// Total of level x hours over one week [unit-hours].
    pub fn weekly_total(&self) -> f64 {
        (0..self.segments.len())
            .map(|i| f64::from(self.segments[i].level) * self.segment_length(i))
            .sum()
    }

    /// Hours per week with a positive level. O(1): computed once with the segments.
    pub fn weekly_open_hours(&self) -> f64 {
        self.open_hours
    }

    /// Largest level at any time of the week.
    pub fn peak(&self) -> u32 {
        self.segments.iter().map(|s| s.level).max().unwrap_or(0)
    }

    fn segment_length(&self, index: usize) -> f64 {
        self.segment_end(index) - self.segments[index].start
    }

    fn segment_end(&self, index: usize) -> f64 {
        segment_end(&self.segments, index)
    }

    /// Index of the segment containing `hour_of_week` (in [0, 168)): the last segment that
    /// starts at or before it (the first if none does). The segment in force at the start
    /// of its whole hour, looked up, then any that start later within that hour: O(1) for a
    /// roster that changes at most a few times an hour.
    #[inline]
    fn segment_index(&self, hour_of_week: f64) -> usize {
        // `as` saturates: below 0 (or NaN) reads hour 0, beyond the week the last hour.
        let hour = (hour_of_week as usize).min(WEEK_HOURS - 1);
        let mut index = self.segment_at_hour[hour] as usize;
        while self
            .segments
            .get(index + 1)
            .is_some_and(|next| next.start <= hour_of_week)
        {
            index += 1;
        }
        index
    }

    /// The segment after `index`, round the end of the week.
    #[inline]
    fn next_index(&self, index: usize) -> usize {
        if index + 1 == self.segments.len() {
            0
        } else {
            index + 1
        }
    }

    /// The level at `hour_of_week` (in [0, 168)).
    pub fn level_at(&self, hour_of_week: f64) -> u32 {
        self.segments[self.segment_index(hour_of_week)].level
    }

    /// Hours from `hour_of_week` until the level next changes, and the level from then on.
    /// `None` for a constant schedule.
    pub fn next_change(&self, hour_of_week: f64) -> Option<(f64, u32)> {
        if self.is_constant() {
            return None;
        }
        let index = self.segment_index(hour_of_week);
        let until = self.segment_end(index) - hour_of_week;
        let next = self.segments[self.next_index(index)];
        Some((until, next.level))
    }

    /// Hours from `hour_of_week` until `work` hours have passed while the level is positive
    /// (an office's working time). With `work` 0 this is the wait until the next opening.
    /// The schedule must have some open hours (checked by validation).
    pub fn working_time_from(&self, hour_of_week: f64, work: f64) -> f64 {
        let weekly_open = self.weekly_open_hours();
        let mut elapsed = 0.0;
        let mut remaining = work;
        let whole_weeks = floor_non_negative(remaining / weekly_open) - 1.0;
        if whole_weeks >= 1.0 {
            elapsed += whole_weeks * HOURS_PER_WEEK;
            remaining -= whole_weeks * weekly_open;
        }
        let mut index = self.segment_index(hour_of_week);
        let mut position = hour_of_week;
        loop {
            let span = self.segment_end(index) - position;
            if self.segments[index].level > 0 {
                if remaining <= span {
                    return elapsed + remaining;
                }
                remaining -= span;
            }
            elapsed += span;
            index = self.next_index(index);
            position = self.segments[index].start;
        }
    }
}

impl WeekSchedule {
    /// Hours with a positive level (an office open, a team on duty) among the `duration`
    /// hours that follow `hour_of_week` (in [0, 168)): the inverse of
    /// [`WeekSchedule::working_time_from`]. O(segments) plus O(1) for whole weeks.
    pub fn open_hours_from(&self, hour_of_week: f64, duration: f64) -> f64 {
        if duration <= 0.0 {
            return 0.0;
        }
        let weekly_open = self.weekly_open_hours();
        let whole_weeks = (duration / HOURS_PER_WEEK).floor();
        let mut open = whole_weeks * weekly_open;
        let mut remaining = duration - whole_weeks * HOURS_PER_WEEK;
        let mut index = self.segment_index(hour_of_week);
        let mut position = hour_of_week;
        // At most one lap of the week is left: every segment is passed at most twice.
        for _ in 0..=2 * self.segments.len() {
            if remaining <= 0.0 {
                break;
            }
            let span = (self.segment_end(index) - position).min(remaining);
            if self.segments[index].level > 0 {
                open += span;
            }
            remaining -= span;
            index = self.next_index(index);
            position = self.segments[index].start;
        }
        open.min(duration)
    }
}

/// Hours in a week, as a table length.
const WEEK_HOURS: usize = HOURS_PER_WEEK as usize;

/// End of segment `index` of `segments`: the next one's start, or the end of the week.
fn segment_end(segments: &[Segment], index: usize) -> f64 {
    segments
        .get(index + 1)
        .map_or(HOURS_PER_WEEK, |next| next.start)
}

/// `hours` rounded to the nearest whole minute.
fn to_minute(hours: f64) -> f64 {
    (hours * 60.0).round() / 60.0
}

/// Splits [start, end) hours-of-week into at most two pieces inside [0, 168).
fn wrap_into_week(start: f64, end: f64) -> impl Iterator<Item = (f64, f64)> {
    let first = (start, end.min(HOURS_PER_WEEK));
    let wrapped = (end > HOURS_PER_WEEK).then_some((0.0, end - HOURS_PER_WEEK));
    std::iter::once(first).chain(wrapped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office_weekdays_9_to_17() -> WeekSchedule {
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

    /// Friday 17:30 to Monday 09:00 is closed (63.5 h); the next 2 h are open; a whole week
    /// holds 40 open hours; the inverse of `working_time_from`.
    #[test]
    fn open_hours_between_two_instants() {
        let office = office_weekdays_9_to_17();
        let friday_1730 = 4.0 * 24.0 + 17.5;
        assert_eq!(office.open_hours_from(friday_1730, 63.5), 0.0);
        assert!((office.open_hours_from(friday_1730, 65.5) - 2.0).abs() < 1e-12);
        assert!((office.open_hours_from(friday_1730, 168.0) - 40.0).abs() < 1e-12);
        assert!((office.open_hours_from(10.0, 3.0 * 168.0 + 1.0) - 121.0).abs() < 1e-12);
        for (start, work) in [(friday_1730, 2.0), (33.0, 13.0), (0.0, 95.0), (150.0, 0.0)] {
            let elapsed = office.working_time_from(start, work);
            assert!((office.open_hours_from(start, elapsed) - work).abs() < 1e-9);
        }
    }

    #[test]
    fn overlapping_shifts_add_up() {
        let schedule = WeekSchedule::from_shifts(
            &[
                ShiftLine {
                    day: 0,
                    start: 8.0,
                    end: 20.0,
                    count: 3,
                },
                ShiftLine {
                    day: 0,
                    start: 14.0,
                    end: 22.0,
                    count: 2,
                },
            ],
            u32::MAX,
        )
        .unwrap();
        assert_eq!(schedule.level_at(7.99), 0);
        assert_eq!(schedule.level_at(8.0), 3);
        assert_eq!(schedule.level_at(15.0), 5);
        assert_eq!(schedule.level_at(21.0), 2);
        assert_eq!(schedule.level_at(22.0), 0);
        assert_eq!(schedule.weekly_total(), 3.0 * 12.0 + 2.0 * 8.0);
        assert_eq!(schedule.next_change(9.0), Some((5.0, 5)));
    }

    #[test]
    fn shifts_meeting_at_odd_minutes_leave_no_gap() {
        let schedule = WeekSchedule::from_shifts(
            &[
                ShiftLine {
                    day: 0,
                    start: 8.0 + 20.0 / 60.0,
                    end: 20.0 + 20.0 / 60.0,
                    count: 2,
                },
                ShiftLine {
                    day: 0,
                    start: 20.0 + 20.0 / 60.0,
                    end: 24.0 + 8.0 + 20.0 / 60.0,
                    count: 1,
                },
                ShiftLine {
                    day: 1,
                    start: 8.0 + 20.0 / 60.0,
                    end: 20.0 + 20.0 / 60.0,
                    count: 2,
                },
            ],
            u32::MAX,
        )
        .unwrap();
        let levels: Vec<u32> = schedule.segments().iter().map(|s| s.level).collect();
        assert_eq!(levels, vec![0, 2, 1, 2, 0]);
    }

    #[test]
    fn a_night_shift_on_sunday_wraps_into_monday() {
        let schedule = WeekSchedule::from_shifts(
            &[ShiftLine {
                day: 6,
                start: 20.0,
                end: 32.0,
                count: 1,
            }],
            u32::MAX,
        )
        .unwrap();
        assert_eq!(schedule.level_at(2.0), 1);
        assert_eq!(schedule.level_at(8.5), 0);
        assert_eq!(schedule.level_at(6.0 * 24.0 + 21.0), 1);
        assert_eq!(schedule.weekly_total(), 12.0);
    }

    /// Issue 9 item 7: 2147483648 + 2147483649 units used to wrap to 1.
    #[test]
    fn overlapping_counts_are_summed_without_wrapping() {
        let line = |count| ShiftLine {
            day: 0,
            start: 8.0,
            end: 20.0,
            count,
        };
        let lines = [line(2_147_483_648), line(2_147_483_649)];
        let error = WeekSchedule::from_shifts(&lines, u32::MAX).unwrap_err();
        assert_eq!(error.level, 4_294_967_297);
        assert_eq!(error.hour_of_week, 8.0);
        let error = WeekSchedule::from_shifts(&[line(3), line(4)], 6).unwrap_err();
        assert_eq!(error.level, 7);
        let fine = WeekSchedule::from_shifts(&[line(3), line(4)], 7).unwrap();
        assert_eq!(fine.peak(), 7);
    }

    #[test]
    fn many_lines_give_the_same_levels_as_a_direct_sum() {
        // Lines starting every 7 minutes over the week, 3 hours each: the level at any time
        // is the number of lines covering it.
        let lines: Vec<ShiftLine> = (0..1440)
            .map(|i| {
                let start = f64::from(i) * 7.0 / 60.0;
                ShiftLine {
                    day: (start / 24.0) as usize,
                    start: start % 24.0,
                    end: start % 24.0 + 3.0,
                    count: 1 + i % 3,
                }
            })
            .collect();
        let schedule = WeekSchedule::from_shifts(&lines, u32::MAX).unwrap();
        for probe in 0..(168 * 4) {
            let t = f64::from(probe) * 0.25 + 0.01;
            let direct: u32 = lines
                .iter()
                .flat_map(|l| {
                    let s = to_minute(l.day as f64 * 24.0 + l.start);
                    let e = to_minute(l.day as f64 * 24.0 + l.end);
                    wrap_into_week(s, e).map(move |(s, e)| (s, e, l.count))
                })
                .filter(|(s, e, _)| *s <= t && t < *e)
                .map(|(_, _, c)| c)
                .sum();
            assert_eq!(schedule.level_at(t), direct, "at {t}");
        }
    }

    #[test]
    fn working_time_waits_for_opening_hours() {
        let office = office_weekdays_9_to_17();
        // Monday 17:30, no work yet: opens Tuesday 09:00, 15.5 hours later.
        assert_eq!(office.working_time_from(17.5, 0.0), 15.5);
        // Monday 16:00 with 2 working hours: 1 h today, 1 h from Tuesday 09:00.
        assert_eq!(office.working_time_from(16.0, 2.0), 18.0);
        // Friday 16:00 with 2 working hours: resumes Monday 09:00, done 10:00.
        let friday_4pm = 4.0 * 24.0 + 16.0;
        assert_eq!(office.working_time_from(friday_4pm, 2.0), 1.0 + 64.0 + 1.0);
        // Ten working weeks from Monday 09:00 end on Friday 17:00 nine weeks later.
        let ten_weeks = office.working_time_from(9.0, 400.0);
        assert!((ten_weeks - (9.0 * 168.0 + 4.0 * 24.0 + 8.0)).abs() < 1e-9);
    }

    /// The segment found through the table of whole hours is the one a binary search over
    /// the segments finds, at every minute of the week, at instants a hair either side of
    /// each change, and outside the week; the weekly open hours kept are those summed.
    #[test]
    fn the_segment_looked_up_by_hour_is_the_one_searched_for() {
        // Changes at odd minutes, several within one hour, and past midnight.
        let lines = [
            (0, 8.0, 20.0, 2),
            (0, 8.25, 8.5, 1),
            (0, 8.75, 9.0, 3),
            (2, 22.0 + 1.0 / 3.0, 30.0, 1),
            (6, 23.0, 26.0, 4),
        ]
        .map(|(day, start, end, count)| ShiftLine {
            day,
            start,
            end,
            count,
        });
        for schedule in [
            WeekSchedule::from_shifts(&lines, u32::MAX).unwrap(),
            office_weekdays_9_to_17(),
            WeekSchedule::constant(3),
            WeekSchedule::constant(0),
        ] {
            let searched = |x: f64| {
                schedule
                    .segments
                    .partition_point(|segment| segment.start <= x)
                    .saturating_sub(1)
            };
            let mut points: Vec<f64> = (0..=168 * 60).map(|m| f64::from(m) / 60.0).collect();
            for segment in &schedule.segments {
                points.extend([
                    segment.start,
                    segment.start.next_down(),
                    segment.start.next_up(),
                ]);
            }
            points.extend([-1.0, -0.0, 167.999_999_999, 168.0, 200.0, f64::NAN]);
            for x in points {
                assert_eq!(schedule.segment_index(x), searched(x), "at hour {x}");
            }
            let summed: f64 = (0..schedule.segments.len())
                .filter(|&i| schedule.segments[i].level > 0)
                .map(|i| schedule.segment_length(i))
                .sum();
            assert_eq!(schedule.weekly_open_hours().to_bits(), summed.to_bits());
        }
        assert_eq!(office_weekdays_9_to_17().weekly_open_hours(), 40.0);
    }
}
