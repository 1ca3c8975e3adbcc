//! Simulated time as newtypes, so an instant cannot be confused with a length of time.
//!
//! Both are stored in hours as `f64`: fine enough for seconds over centuries, and the unit the
//! model's calendars and rosters work in.

use std::ops::{Add, AddAssign, Sub};

/// Hours in one day.
pub const HOURS_PER_DAY: f64 = 24.0;
/// Hours in one week.
pub const HOURS_PER_WEEK: f64 = 168.0;

/// `x.floor()`, exactly, without a call into the maths library for the usual case of a
/// positive `x` below 2^52 (then truncating to an integer and back is the floor; the
/// target's baseline instruction set has no rounding instruction, so `floor` is a call).
#[inline]
pub fn floor_non_negative(x: f64) -> f64 {
    if x > 0.0 && x < 4_503_599_627_370_496.0 {
        (x as u64) as f64
    } else {
        x.floor()
    }
}

/// An instant on the simulated clock [hours since the start of the run].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct SimTime(f64);

/// A length of simulated time [hours]. Never negative once validated.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Default)]
pub struct SimDuration(f64);

impl SimTime {
    /// The start of the run.
    pub const ZERO: SimTime = SimTime(0.0);

    /// The instant `hours` after the start of the run.
    pub const fn from_hours(hours: f64) -> Self {
        SimTime(hours)
    }

    /// Hours since the start of the run.
    pub const fn hours(self) -> f64 {
        self.0
    }

    /// The later of two instants.
    pub fn max(self, other: SimTime) -> SimTime {
        SimTime(self.0.max(other.0))
    }
}

impl SimDuration {
    /// No time at all.
    pub const ZERO: SimDuration = SimDuration(0.0);

    /// A duration of `hours` hours.
    pub const fn from_hours(hours: f64) -> Self {
        SimDuration(hours)
    }

    /// A duration of `minutes` minutes.
    pub fn from_minutes(minutes: f64) -> Self {
        SimDuration(minutes / 60.0)
    }

    /// A duration of `days` days.
    pub fn from_days(days: f64) -> Self {
        SimDuration(days * HOURS_PER_DAY)
    }

    /// Length in hours.
    pub const fn hours(self) -> f64 {
        self.0
    }

    /// Length in days.
    pub fn days(self) -> f64 {
        self.0 / HOURS_PER_DAY
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, rhs: SimDuration) -> SimTime {
        SimTime(self.0 + rhs.0)
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, rhs: SimDuration) {
        self.0 += rhs.0;
    }
}

impl Sub for SimTime {
    type Output = SimDuration;
    fn sub(self, rhs: SimTime) -> SimDuration {
        SimDuration(self.0 - rhs.0)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, rhs: SimDuration) -> SimDuration {
        SimDuration(self.0 + rhs.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_and_durations_combine_as_expected() {
        let start = SimTime::from_hours(10.0);
        let later = start + SimDuration::from_minutes(90.0);
        assert_eq!(later.hours(), 11.5);
        assert_eq!((later - start).hours(), 1.5);
        assert_eq!(SimDuration::from_days(2.0).hours(), 48.0);
        assert_eq!(SimDuration::from_hours(36.0).days(), 1.5);
    }

    #[test]
    fn floor_non_negative_is_floor() {
        for x in [
            0.0,
            -0.0,
            0.3,
            1.0,
            1.0 - f64::EPSILON,
            167.999_999_999,
            2f64.powi(52) - 0.5,
            2f64.powi(52),
            1e300,
            -0.5,
            -3.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            assert_eq!(floor_non_negative(x).to_bits(), x.floor().to_bits(), "{x}");
        }
        assert!(floor_non_negative(f64::NAN).is_nan());
    }
}
