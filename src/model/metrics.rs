//! Online accumulators for one replication, and the named metrics they become.
//!
//! Nothing here keeps one record per patient: durations go into counts, sums and a
//! fixed-size histogram (for percentiles, see [`LogHistogram`] for their error bound),
//! levels into time integrals.

use serde::Serialize;

use crate::model::log_histogram::LogHistogram;

/// The unit of a metric, as printed in outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Unit {
    /// A number of patients or referrals.
    Patients,
    /// Hours.
    Hours,
    /// Days of 24 hours.
    Days,
    /// A fraction between 0 and 1.
    Fraction,
    /// Resource units (staff or places) on average.
    Units,
    /// Unit-hours (one unit for one hour).
    UnitHours,
    /// Unit-days (one unit for one day): for beds, bed-days.
    UnitDays,
    /// Pounds sterling.
    Gbp,
    /// A number of home visits.
    Visits,
    /// Home visits a day, on average over the measured days.
    VisitsPerDay,
}

impl Unit {
    /// The unit as written in CSV files and tables.
    pub fn label(self) -> &'static str {
        match self {
            Unit::Patients => "patients",
            Unit::Hours => "h",
            Unit::Days => "d",
            Unit::Fraction => "fraction",
            Unit::Units => "units",
            Unit::UnitHours => "unit-hours",
            Unit::UnitDays => "unit-days",
            Unit::Gbp => "GBP",
            Unit::Visits => "visits",
            Unit::VisitsPerDay => "visits/day",
        }
    }
}

/// One named figure from one replication.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricValue {
    /// Dotted name, e.g. `wait.rapid_response.visit.p90`.
    pub name: std::sync::Arc<str>,
    /// Its unit.
    pub unit: Unit,
    /// Its value in this replication.
    pub value: f64,
}

/// Durations observed at one place: count, sum and a histogram for percentiles.
#[derive(Debug, Clone)]
pub struct DurationSample {
    count: u64,
    sum_hours: f64,
    histogram: LogHistogram,
}

impl DurationSample {
    /// An empty sample. Allocates its histogram (about 43 KB) once.
    pub fn new() -> Self {
        DurationSample {
            count: 0,
            sum_hours: 0.0,
            histogram: LogHistogram::new(),
        }
    }

    /// Adds one duration [hours]. Allocates nothing.
    #[inline]
    pub fn record(&mut self, hours: f64) {
        self.count += 1;
        self.sum_hours += hours;
        self.histogram.record(hours);
    }

    /// Forgets everything recorded (at the end of the warm-up). Touches the histogram only
    /// if something was recorded.
    pub fn reset(&mut self) {
        self.count = 0;
        self.sum_hours = 0.0;
        if !self.histogram.is_empty() {
            self.histogram.reset();
        }
    }

    /// Number of durations recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Sum of the durations recorded [hours]; 0 if nothing was recorded (a total, not a
    /// figure that needs an observation).
    pub fn sum(&self) -> f64 {
        self.sum_hours
    }

    /// Mean [hours]; NaN (no value) if nothing was recorded.
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else {
            self.sum_hours / self.count as f64
        }
    }

    /// The nearest-rank `q` quantile [hours], within 0.2% of the exact sample quantile and
    /// never outside the smallest and largest duration recorded (see [`LogHistogram`]); NaN
    /// (no value) if nothing was recorded.
    pub fn quantile(&self, q: f64) -> f64 {
        self.histogram.quantile(q)
    }

    /// The durations at percentiles 0, 1, ..., 100 [hours], in one pass over the histogram,
    /// each as [`Self::quantile`]; empty if nothing was recorded.
    pub fn percentiles(&self) -> Vec<f64> {
        if self.count == 0 {
            return Vec::new();
        }
        self.histogram
            .quantiles((0..=100).map(|p| f64::from(p) / 100.0))
    }

    /// The summary figures as (suffix, value [hours]): `mean`, `p50`, `p90`, `p95`; each NaN
    /// (no value) if nothing was recorded.
    pub fn summary(&self) -> [(&'static str, f64); 4] {
        [
            ("mean", self.mean()),
            ("p50", self.quantile(0.5)),
            ("p90", self.quantile(0.9)),
            ("p95", self.quantile(0.95)),
        ]
    }
}

impl Default for DurationSample {
    fn default() -> Self {
        Self::new()
    }
}

/// One resource's levels by hour of the week (168 values each, Monday 00:00-01:00 first),
/// averaged over the weeks observed after the warm-up; NaN for an hour the run never
/// reached (a measured period shorter than a week).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ResourceWeek {
    /// Mean units on duty or available [units].
    pub available: Vec<f64>,
    /// Mean units held by patients [units].
    pub busy: Vec<f64>,
    /// Mean patients waiting [patients].
    pub waiting: Vec<f64>,
}

/// The waits at one waiting point in one replication, as its chart needs them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WaitCurve {
    /// Waits of the patients who were served [hours], at percentiles 0, 1, ..., 100; empty
    /// if nobody was served.
    pub served_percentiles: Vec<f64>,
    /// Share of the patients who reached the waiting point that were served there; the rest
    /// met the deadline unserved and took its fallback. NaN if nobody reached it.
    pub served_share: f64,
}

/// Time integral of a piecewise-constant level, e.g. units busy or patients queueing. The
/// level itself is kept by whoever owns it (the engine's resource state), which adds
/// `level x hours` to `area` before each change of level.
#[derive(Debug, Clone, Copy, Default)]
pub struct LevelIntegral {
    /// Integral of the level since the last restart [level x hours].
    pub area: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_mean_and_percentiles() {
        let mut sample = DurationSample::new();
        for minutes in 1..=100 {
            sample.record(f64::from(minutes) / 60.0);
        }
        assert_eq!(sample.count(), 100);
        assert!((sample.mean() - 50.5 / 60.0).abs() < 1e-12);
        let p90_minutes = sample.quantile(0.9) * 60.0;
        // Nearest rank: the 90th of 100 values, within the histogram's 0.2% bound.
        assert!((p90_minutes - 90.0).abs() <= 0.002 * 90.0, "{p90_minutes}");
        let percentiles = sample.percentiles();
        assert_eq!(percentiles.len(), 101);
        assert_eq!(percentiles[90], sample.quantile(0.9));
        assert_eq!(percentiles[0], sample.quantile(0.0));
        assert_eq!(percentiles[100], sample.quantile(1.0));
        sample.reset();
        assert_eq!(sample.count(), 0);
        assert!(sample.percentiles().is_empty());
        // Nothing observed: no value, never a zero (issue 9 item 1); the total stays 0.
        assert!(sample.quantile(0.5).is_nan());
        assert!(sample.mean().is_nan());
        assert!(sample.summary().iter().all(|(_, v)| v.is_nan()));
        assert_eq!(sample.sum(), 0.0);
    }
}
