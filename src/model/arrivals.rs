//! Referral arrivals: by default a non-homogeneous Poisson process with a rate that is
//! constant within each hour of the week (and may grow year on year); or booked at
//! inter-arrival times; or replayed from a record ([`ArrivalClock`]).
//!
//! Poisson arrivals are sampled exactly by inverting the cumulative rate: draw one
//! unit-exponential amount of "rate x time" and spend it hour by hour. Unlike thinning,
//! nothing is rejected, and one draw serves each arrival however uneven the profile.

use rand_distr::{Distribution as _, Exp1};

use crate::kernel::time::{HOURS_PER_WEEK, floor_non_negative};
use crate::kernel::{SimTime, Stream};
use crate::model::distribution::Distribution;
use crate::model::scenario::{DemandChange, MAX_ATTRIBUTES, RecordedArrivals};

/// The arrival process of one source during a replication, with what it has to remember
/// between arrivals. Allocates nothing.
#[derive(Debug, Clone)]
pub enum ArrivalClock<'a> {
    /// A Poisson process (see [`ArrivalPattern`]).
    Poisson(ArrivalPattern<'a>),
    /// One arrival at time zero, then one each gap drawn from the source's stream.
    Interarrival {
        /// Time between arrivals [hours].
        gap: &'a Distribution,
        /// Whether the arrival at time zero has been given.
        started: bool,
        /// The end of the run [hours].
        until: f64,
    },
    /// Recorded times, given in order, the same in every replication.
    Recorded {
        /// Arrival times, in order [hours since time zero].
        times: &'a [f64],
        /// The next time to give.
        next: usize,
        /// The end of the run [hours].
        until: f64,
    },
}

impl<'a> ArrivalClock<'a> {
    /// Arrivals at gaps drawn from `gap`, the first at time zero, for a run ending at `until`.
    pub fn interarrival(gap: &'a Distribution, until: f64) -> Self {
        ArrivalClock::Interarrival {
            gap,
            started: false,
            until,
        }
    }

    /// The recorded `times` (in order) replayed, for a run ending at `until`.
    pub fn recorded(times: &'a [f64], until: f64) -> Self {
        ArrivalClock::Recorded {
            times,
            next: 0,
            until,
        }
    }

    /// The next arrival after the one at `now` (the first, when called at the start), or
    /// some instant after the end of the run if there is none before it. Equal recorded
    /// times give arrivals at the same instant.
    #[inline]
    pub fn next_after(&mut self, now: SimTime, stream: &mut Stream) -> SimTime {
        match self {
            ArrivalClock::Poisson(pattern) => pattern.next_after(now, stream),
            ArrivalClock::Interarrival {
                gap,
                started,
                until,
            } => {
                if !*started {
                    *started = true;
                    return SimTime::ZERO;
                }
                if now.hours() > *until {
                    return now;
                }
                SimTime::from_hours(now.hours() + gap.sample(stream).hours())
            }
            ArrivalClock::Recorded { times, next, until } => match times.get(*next) {
                Some(&at) => {
                    *next += 1;
                    SimTime::from_hours(at)
                }
                None => SimTime::from_hours(*until + 1.0),
            },
        }
    }
}

impl RecordedArrivals {
    /// Writes the attribute values that row `row` of the record gives into `attributes`
    /// (category indices by attribute id); the others are left as drawn.
    pub fn fix_attributes(&self, row: usize, attributes: &mut [u8; MAX_ATTRIBUTES]) {
        let width = self.attributes.len();
        if width == 0 {
            return;
        }
        if let Some(values) = self.values.get(row * width..(row + 1) * width) {
            for (attribute, value) in self.attributes.iter().zip(values) {
                attributes[attribute.0 as usize] = *value;
            }
        }
    }
}

/// Hours in a (non-leap) year, over which `growth_per_year` applies.
const HOURS_PER_YEAR: f64 = 365.0 * 24.0;

/// The Poisson arrival pattern of one source, in the run's clock.
#[derive(Debug, Clone, Copy)]
pub struct ArrivalPattern<'a> {
    /// Rate in each hour of the week, Monday 00:00 first [patients/hour].
    pub hourly_rate: &'a [f64; 168],
    /// Growth per year, as a fraction.
    pub growth_per_year: f64,
    /// Hours from Monday 00:00 to the run's time zero.
    pub week_offset: f64,
    /// Temporary multipliers, in time order.
    pub changes: &'a [DemandChange],
    /// The end of the run [hours]: no arrival is looked for beyond it (a shrinking volume
    /// might otherwise never produce another one).
    pub until: f64,
    /// The rate if it is the same in every hour and never changes [patients/hour]: arrivals
    /// are then a plain Poisson process, sampled without walking the week.
    pub constant_rate: Option<f64>,
    /// Whether the rate changes only at whole hours of the clock (no demand change, no
    /// growth, a week offset of whole hours): then, from a whole hour on, the walk takes the
    /// week's table hour by hour without working out the hour of the week at each step.
    pub whole_hour_steps: bool,
}

/// Below this many hours the clock holds whole hours exactly and the hour of the week of a
/// whole hour is worked out exactly (2^40 h, some 125 million years).
const EXACT_HOURS: f64 = 1_099_511_627_776.0;

impl<'a> ArrivalPattern<'a> {
    /// The pattern of `hourly_rate` growing by `growth_per_year`, for a run starting
    /// `week_offset` hours after Monday 00:00.
    pub fn new(
        hourly_rate: &'a [f64; 168],
        growth_per_year: f64,
        changes: &'a [DemandChange],
        week_offset: f64,
        until: f64,
    ) -> Self {
        let first = hourly_rate[0];
        let constant =
            growth_per_year == 0.0 && changes.is_empty() && hourly_rate.iter().all(|r| *r == first);
        let whole_hour_steps = growth_per_year == 0.0
            && changes.is_empty()
            && (0.0..EXACT_HOURS).contains(&week_offset)
            && week_offset.fract() == 0.0;
        ArrivalPattern {
            hourly_rate,
            growth_per_year,
            week_offset,
            changes,
            until,
            constant_rate: constant.then_some(first),
            whole_hour_steps,
        }
    }

    /// The product of the demand changes in force at `t`, and the next instant after `t` at
    /// which one starts or ends (infinite if none).
    fn change_factor(&self, t: f64) -> (f64, f64) {
        let mut factor = 1.0;
        let mut next = f64::INFINITY;
        for change in self.changes {
            if change.start <= t && t < change.end {
                factor *= change.factor;
                next = next.min(change.end);
            } else if change.start > t {
                next = next.min(change.start);
            }
        }
        (factor, next)
    }
}

impl ArrivalPattern<'_> {
    /// The first arrival strictly after `now`, or some instant after `until` if there is none
    /// before it. The pattern must have a positive weekly rate.
    pub fn next_after(&self, now: SimTime, stream: &mut Stream) -> SimTime {
        let budget: f64 = Exp1.sample(stream);
        let t = now.hours();
        if let Some(rate) = self.constant_rate {
            return SimTime::from_hours(t + budget / rate);
        }
        self.next_after_from(t, budget)
    }

    /// The instant at which `budget` of "rate x time" from `t` is spent, or some instant
    /// after `until` if that is later: the walk through the hours of the week.
    fn next_after_from(&self, mut t: f64, mut budget: f64) -> SimTime {
        loop {
            if t > self.until {
                return SimTime::from_hours(t);
            }
            // `as` truncates: equal for a whole hour only.
            if self.whole_hour_steps && (0.0..EXACT_HOURS).contains(&t) && (t as u64) as f64 == t {
                return self.walk_whole_hours(t, budget);
            }
            let shifted = t + self.week_offset;
            let position = shifted - floor_non_negative(shifted / HOURS_PER_WEEK) * HOURS_PER_WEEK;
            let hour = (position as usize).min(167);
            let (factor, next_change) = self.change_factor(t);
            let hour_end = (hour as f64 + 1.0 - position)
                .min(next_change - t)
                .max(1e-12);
            let growth = if self.growth_per_year == 0.0 {
                1.0
            } else {
                (1.0 + self.growth_per_year).powf(t / HOURS_PER_YEAR)
            };
            let rate = self.hourly_rate[hour] * growth * factor;
            if rate * hour_end >= budget {
                return SimTime::from_hours(t + budget / rate);
            }
            budget -= rate * hour_end;
            // Always forward, even where a step below the clock's resolution would round
            // back to `t`: the loop must end (issue 9 item 9).
            let next = t + hour_end;
            t = if next > t { next } else { t.next_up() };
        }
    }
}

impl ArrivalPattern<'_> {
    /// The rest of [`ArrivalPattern::next_after`] from whole hour `t` with `budget` of
    /// "rate x time" left, for a pattern with `whole_hour_steps`: the same steps, bit for
    /// bit. From a whole hour, with no demand change or growth, each step of the general walk
    /// is exact whole-hour arithmetic: the hour of the week is an integer, the step is 1 h
    /// long, the rate is the table's (times 1, twice). So the hour of the week is worked out
    /// once and then counted on, one table read and one subtraction an hour.
    fn walk_whole_hours(&self, mut t: f64, mut budget: f64) -> SimTime {
        let shifted = t + self.week_offset;
        let position = shifted - floor_non_negative(shifted / HOURS_PER_WEEK) * HOURS_PER_WEEK;
        let mut hour = (position as usize).min(167);
        loop {
            if t > self.until {
                return SimTime::from_hours(t);
            }
            if t >= EXACT_HOURS {
                // Not reached in any run: past this the general walk takes over.
                return self.next_after_from(t, budget);
            }
            let rate = self.hourly_rate[hour];
            if rate >= budget {
                return SimTime::from_hours(t + budget / rate);
            }
            budget -= rate;
            t += 1.0;
            hour = if hour == 167 { 0 } else { hour + 1 };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{ReplicationKey, StreamKey};

    fn count_by_hour_of_week(rates: &[f64; 168], weeks: f64) -> Vec<f64> {
        count_with_changes(rates, &[], weeks)
    }

    fn count_with_changes(rates: &[f64; 168], changes: &[DemandChange], weeks: f64) -> Vec<f64> {
        let pattern = ArrivalPattern::new(rates, 0.0, changes, 0.0, f64::INFINITY);
        let mut stream = ReplicationKey::new(11, 0).stream(StreamKey::named("arrivals"));
        let mut counts = vec![0.0; 168];
        let mut t = SimTime::ZERO;
        loop {
            t = pattern.next_after(t, &mut stream);
            if t.hours() >= weeks * HOURS_PER_WEEK {
                return counts;
            }
            counts[(t.hours() % HOURS_PER_WEEK) as usize] += 1.0;
        }
    }

    #[test]
    fn arrivals_follow_the_hourly_profile() {
        // Busy 08:00-20:00 weekdays at 6 an hour, 1 an hour otherwise.
        let mut rates = [1.0; 168];
        for day in 0..5 {
            for hour in 8..20 {
                rates[day * 24 + hour] = 6.0;
            }
        }
        let weeks = 2000.0;
        let counts = count_by_hour_of_week(&rates, weeks);
        for (hour, count) in counts.iter().enumerate() {
            let expected = rates[hour] * weeks;
            let tolerance = 4.0 * expected.sqrt();
            assert!(
                (count - expected).abs() < tolerance,
                "hour {hour}: {count} vs {expected}"
            );
        }
    }

    #[test]
    fn a_flat_profile_gives_a_poisson_process_at_the_daily_rate() {
        let counts = count_by_hour_of_week(&[0.5; 168], 1000.0);
        let total: f64 = counts.iter().sum();
        let expected = 0.5 * 168.0 * 1000.0;
        assert!(
            (total - expected).abs() < 4.0 * expected.sqrt(),
            "{total} vs {expected}"
        );
    }

    #[test]
    fn a_demand_change_multiplies_the_rate_for_its_length_only() {
        // Weeks 10 to 20 of 40 at 1.5 times the rate: 30 + 15 = 45 weeks' worth.
        let change = DemandChange {
            start: 10.0 * 168.0,
            end: 20.0 * 168.0,
            factor: 1.5,
        };
        let counts = count_with_changes(&[1.0; 168], &[change], 40.0);
        let total: f64 = counts.iter().sum();
        let expected = 45.0 * 168.0;
        assert!(
            (total - expected).abs() < 4.0 * expected.sqrt(),
            "{total} vs {expected}"
        );
    }

    #[test]
    fn a_shrinking_volume_stops_at_the_end_of_the_run() {
        let rates = [1.0 / 24.0; 168];
        let pattern = ArrivalPattern::new(&rates, -0.9, &[], 0.0, 50.0 * 8760.0);
        let mut stream = ReplicationKey::new(1, 0).stream(StreamKey::named("a"));
        let mut t = SimTime::ZERO;
        while t.hours() <= 50.0 * 8760.0 {
            t = pattern.next_after(t, &mut stream);
        }
    }

    #[test]
    fn hours_with_zero_rate_get_no_arrivals() {
        let mut rates = [0.0; 168];
        rates[10] = 3.0;
        let counts = count_by_hour_of_week(&rates, 500.0);
        assert!(counts.iter().enumerate().all(|(h, c)| h == 10 || *c == 0.0));
        assert!((counts[10] - 1500.0).abs() < 4.0 * 1500f64.sqrt());
    }

    /// The walk by whole hours gives the general walk's arrivals bit for bit: a profile with
    /// closed hours and uneven rates, on a week that starts on a Thursday, over two years.
    #[test]
    fn whole_hour_steps_give_the_same_arrivals_as_the_general_walk() {
        let mut rates = [0.0; 168];
        for (h, rate) in rates.iter_mut().enumerate() {
            let hour = h % 24;
            if (8..18).contains(&hour) {
                *rate = 0.05 * (1 + h % 7) as f64 + if h >= 120 { 0.0 } else { 0.3 };
            } else if hour == 20 {
                *rate = 1e-3;
            }
        }
        let until = 2.0 * 8760.0;
        let fast = ArrivalPattern::new(&rates, 0.0, &[], 3.0 * 24.0, until);
        assert!(fast.whole_hour_steps);
        let general = ArrivalPattern {
            whole_hour_steps: false,
            ..fast
        };
        let key = ReplicationKey::new(5, 0);
        let (mut a, mut b) = (
            key.stream(StreamKey::named("a")),
            key.stream(StreamKey::named("a")),
        );
        let (mut t, mut u) = (SimTime::ZERO, SimTime::ZERO);
        let mut arrivals = 0;
        while t.hours() <= until {
            t = fast.next_after(t, &mut a);
            u = general.next_after(u, &mut b);
            assert_eq!(
                t.hours().to_bits(),
                u.hours().to_bits(),
                "arrival {arrivals}"
            );
            arrivals += 1;
        }
        assert!(arrivals > 1000, "{arrivals} arrivals");
        // Growth, a demand change or an offset part-way through an hour take the general walk.
        assert!(!ArrivalPattern::new(&rates, 0.1, &[], 0.0, until).whole_hour_steps);
        assert!(!ArrivalPattern::new(&rates, 0.0, &[], 0.5, until).whole_hour_steps);
    }
}
