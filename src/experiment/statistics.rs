//! Statistics across independent replications: mean, standard deviation and a Student-t 95%
//! confidence interval for every metric.
//!
//! A replication in which a figure was not observed has no value for it (NaN): the figure is
//! summarised over the replications that have one, and `replications` says how many. With
//! none, every statistic is NaN, written as an empty cell.
//!
//! Replications are summarised as they finish, in replication order, into running sums of
//! fixed size ([`RunningMoments`], [`SummarySums`]), so that a run's memory does not grow with
//! its replication count. The mean is the plain sum in replication order divided by the
//! count, exactly as a two-pass mean; the variance comes from Welford's updates, which agree
//! with the two-pass variance to a few units in the last place.

use std::sync::Arc;

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::model::{ReplicationResult, Unit};

/// One metric summarised across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSummary {
    /// Dotted metric name.
    pub metric: String,
    /// Unit of every value.
    pub unit: &'static str,
    /// Mean across replications.
    pub mean: f64,
    /// Sample standard deviation across replications (0 for one replication).
    pub sd: f64,
    /// Lower end of the 95% Student-t confidence interval for the mean.
    pub ci95_low: f64,
    /// Upper end of the 95% Student-t confidence interval for the mean.
    pub ci95_high: f64,
    /// Number of replications with a value (all of them for counts and totals).
    pub replications: usize,
}

/// The columns of a summary row, in `summary.csv` and after the swept keys in `sweep.csv`.
pub const SUMMARY_COLUMNS: [&str; 7] = [
    "metric",
    "unit",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
    "replications",
];

impl MetricSummary {
    /// The row's fields in [`SUMMARY_COLUMNS`] order, numbers in shortest round-trip form,
    /// no value (NaN) as an empty field.
    pub fn fields(&self) -> [String; 7] {
        [
            self.metric.clone(),
            self.unit.to_string(),
            csv_number(self.mean),
            csv_number(self.sd),
            csv_number(self.ci95_low),
            csv_number(self.ci95_high),
            self.replications.to_string(),
        ]
    }

    /// Half the width of the confidence interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }
}

/// A number as written in the CSV files: shortest round-trip form, and no value (NaN) as
/// an empty field, never `NaN` or 0.
pub fn csv_number(value: f64) -> String {
    if value.is_nan() {
        String::new()
    } else {
        value.to_string()
    }
}

/// Only the values that exist (not NaN): the replications in which a figure was observed.
pub fn observed(values: impl IntoIterator<Item = f64>) -> Vec<f64> {
    values.into_iter().filter(|v| !v.is_nan()).collect()
}

/// The two-sided 95% Student-t critical value for `n` observations (n - 1 degrees of
/// freedom); infinite for fewer than two, so a single replication shows an unbounded interval.
pub fn t_critical_95(n: usize) -> f64 {
    if n < 2 {
        return f64::INFINITY;
    }
    StudentsT::new(0.0, 1.0, (n - 1) as f64)
        .map(|t| t.inverse_cdf(0.975))
        .unwrap_or(f64::INFINITY)
}

/// Mean, sample standard deviation and 95% confidence interval of `values`, which must all
/// have a value (see [`observed`]); all NaN for no values.
pub fn mean_sd_ci(values: &[f64]) -> (f64, f64, f64, f64) {
    let n = values.len();
    if n == 0 {
        return (f64::NAN, f64::NAN, f64::NAN, f64::NAN);
    }
    let mean = values.iter().sum::<f64>() / n as f64;
    if n == 1 {
        return (mean, 0.0, f64::NEG_INFINITY, f64::INFINITY);
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
    let sd = variance.sqrt();
    let half = t_critical_95(n) * sd / (n as f64).sqrt();
    (mean, sd, mean - half, mean + half)
}

/// Running sums of one figure over replications, for its mean, standard deviation and
/// confidence interval without keeping the values: the count, the sum (so that the mean is
/// exactly the two-pass one when values are added in the same order), and Welford's running
/// mean and sum of squared deviations from it (Welford, "Note on a method for calculating
/// corrected sums of squares and products", Technometrics 4(3), 1962; Knuth, TAOCP vol. 2,
/// 4.2.2), taken on the values less the first one (shifted data, so that values far from
/// zero but close together lose no digits; Chan, Golub and LeVeque, "Algorithms for computing
/// the sample variance", The American Statistician 37(3), 1983). Exact for a constant figure.
/// Fixed size whatever the number of values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunningMoments {
    /// Values added (a NaN, no value, is left out).
    count: usize,
    /// Sum of the values, from -0.0 (the identity of addition), in the order added.
    sum: f64,
    /// The first value added: the shift.
    shift: f64,
    /// Welford's running mean of (value - shift), for the variance only (the mean is
    /// `sum / count`).
    running_mean: f64,
    /// Welford's sum of squared deviations from the mean.
    squares: f64,
}

impl Default for RunningMoments {
    fn default() -> Self {
        Self::new()
    }
}

impl RunningMoments {
    /// No values yet.
    pub const fn new() -> Self {
        RunningMoments {
            count: 0,
            sum: -0.0,
            shift: 0.0,
            running_mean: 0.0,
            squares: 0.0,
        }
    }

    /// Adds one value; a NaN (no value in that replication) is left out. O(1).
    pub fn add(&mut self, value: f64) {
        if value.is_nan() {
            return;
        }
        if self.count == 0 {
            self.shift = value;
        }
        self.count += 1;
        self.sum += value;
        let shifted = value - self.shift;
        let deviation = shifted - self.running_mean;
        self.running_mean += deviation / self.count as f64;
        self.squares += deviation * (shifted - self.running_mean);
    }

    /// Values added (those with a value).
    pub fn count(&self) -> usize {
        self.count
    }

    /// The mean: the sum over the count, NaN for no values.
    pub fn mean(&self) -> f64 {
        if self.count == 0 {
            f64::NAN
        } else {
            self.sum / self.count as f64
        }
    }

    /// The sample variance (n - 1 in the denominator, never negative); NaN for fewer than two
    /// values.
    pub fn variance(&self) -> f64 {
        if self.count < 2 {
            return f64::NAN;
        }
        (self.squares / (self.count - 1) as f64).max(0.0)
    }

    /// Mean, sample standard deviation and 95% Student-t interval, as [`mean_sd_ci`] gives
    /// for the same values: all NaN for none; for one, the value, 0 and an unbounded interval.
    pub fn mean_sd_ci(&self) -> (f64, f64, f64, f64) {
        let mean = self.mean();
        match self.count {
            0 => (f64::NAN, f64::NAN, f64::NAN, f64::NAN),
            1 => (mean, 0.0, f64::NEG_INFINITY, f64::INFINITY),
            n => {
                let sd = self.variance().sqrt();
                let half = t_critical_95(n) * sd / (n as f64).sqrt();
                (mean, sd, mean - half, mean + half)
            }
        }
    }
}

/// Every metric of one design summarised as replications finish: its names and units once,
/// and one [`RunningMoments`] per metric. Replications must be added in replication order for
/// the summary to be the same whatever the thread count or the shards; the memory is fixed
/// by the number of metrics, not of replications.
#[derive(Debug, Clone, Default)]
pub struct SummarySums {
    /// Metric names in the order of the first replication added, shared.
    names: Vec<Arc<str>>,
    /// Unit of each metric.
    units: Vec<Unit>,
    /// Running sums of each metric.
    moments: Vec<RunningMoments>,
    /// Replications added.
    replications: usize,
}

impl SummarySums {
    /// No replications yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one replication; every replication must report the metrics of the first in the
    /// same order (they come from one scenario). O(metrics).
    pub fn add(&mut self, result: &ReplicationResult) {
        if self.replications == 0 {
            self.names = result.metrics.iter().map(|m| m.name.clone()).collect();
            self.units = result.metrics.iter().map(|m| m.unit).collect();
            self.moments = vec![RunningMoments::new(); result.metrics.len()];
        }
        self.replications += 1;
        for (moments, metric) in self.moments.iter_mut().zip(&result.metrics) {
            moments.add(metric.value);
        }
    }

    /// Replications added.
    pub fn replications(&self) -> usize {
        self.replications
    }

    /// The metric names, in order.
    pub fn names(&self) -> &[Arc<str>] {
        &self.names
    }

    /// The running sums of each metric, in the order of [`SummarySums::names`].
    pub fn moments(&self) -> &[RunningMoments] {
        &self.moments
    }

    /// The running sums of metric `name`, if reported.
    pub fn metric(&self, name: &str) -> Option<&RunningMoments> {
        let index = self.names.iter().position(|n| &**n == name)?;
        self.moments.get(index)
    }

    /// The summary of every metric so far, as in `summary.csv`.
    pub fn summary(&self) -> Vec<MetricSummary> {
        self.names
            .iter()
            .zip(&self.units)
            .zip(&self.moments)
            .map(|((name, unit), moments)| {
                let (mean, sd, ci95_low, ci95_high) = moments.mean_sd_ci();
                MetricSummary {
                    metric: name.to_string(),
                    unit: unit.label(),
                    mean,
                    sd,
                    ci95_low,
                    ci95_high,
                    replications: moments.count(),
                }
            })
            .collect()
    }
}

/// Summarises every metric across `results`, which must all come from one scenario (same
/// metrics in the same order), over the replications that have a value for it: the summary
/// [`SummarySums`] gives when the results are added in the order given.
pub fn summarise(results: &[ReplicationResult]) -> Vec<MetricSummary> {
    let mut sums = SummarySums::new();
    for result in results {
        sums.add(result);
    }
    sums.summary()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_critical_values_match_tables() {
        assert!((t_critical_95(2) - 12.706).abs() < 1e-3);
        assert!((t_critical_95(10) - 2.262).abs() < 1e-3);
        assert!((t_critical_95(31) - 2.042).abs() < 1e-3);
    }

    /// Issue 9 item 1: replications without a value are left out, and counted out.
    #[test]
    fn replications_without_a_value_are_left_out() {
        let values = observed([1.0, f64::NAN, 1.0, f64::NAN, 1.0]);
        assert_eq!(values, vec![1.0, 1.0, 1.0]);
        assert_eq!(mean_sd_ci(&values), (1.0, 0.0, 1.0, 1.0));
        let (mean, sd, low, high) = mean_sd_ci(&observed([f64::NAN, f64::NAN]));
        assert!(mean.is_nan() && sd.is_nan() && low.is_nan() && high.is_nan());
        let (mean, sd, low, high) = mean_sd_ci(&observed([f64::NAN, 2.0]));
        assert_eq!((mean, sd), (2.0, 0.0));
        assert!(low == f64::NEG_INFINITY && high == f64::INFINITY);
    }

    /// Issue 9 item 1: the summary row says over how many replications, and has empty
    /// cells where no replication had a value.
    #[test]
    fn summary_counts_replications_with_a_value() {
        use crate::model::{MetricValue, ReplicationResult, Unit};
        let result = |replication: u32, wait: f64| ReplicationResult {
            replication,
            metrics: vec![
                MetricValue {
                    name: "a.arrivals".into(),
                    unit: Unit::Patients,
                    value: if wait.is_nan() { 0.0 } else { 1.0 },
                },
                MetricValue {
                    name: "wait.a.b.mean".into(),
                    unit: Unit::Hours,
                    value: wait,
                },
                MetricValue {
                    name: "wait.a.c.mean".into(),
                    unit: Unit::Hours,
                    value: f64::NAN,
                },
            ],
            by_hour: Vec::new(),
            waits: Vec::new(),
            events: 0,
            daily: Vec::new(),
            levels: Vec::new(),
        };
        let results = [
            result(0, f64::NAN),
            result(1, 2.0),
            result(2, f64::NAN),
            result(3, 4.0),
        ];
        let summary = summarise(&results);
        assert_eq!(summary[0].replications, 4);
        assert_eq!(summary[0].mean, 0.5);
        assert_eq!(summary[1].replications, 2);
        assert_eq!(summary[1].mean, 3.0);
        assert_eq!(summary[2].replications, 0);
        assert_eq!(
            summary[2].fields(),
            ["wait.a.c.mean", "h", "", "", "", "", "0"].map(String::from)
        );
        assert_eq!(summary[1].fields()[2], "3");
    }

    /// Issue 9 item 10: the running sums give the two-pass summary of the same values: the
    /// mean to the last bit (the same sum in the same order), the standard deviation and the
    /// interval to 1e-12 relative, for spread, offset, skewed and single-outlier samples.
    #[test]
    fn running_moments_match_the_two_pass_formula() {
        let spread: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1009) as f64 * 0.37)
            .collect();
        let offset: Vec<f64> = (0..1000)
            .map(|i| 1e6 + ((i * 104_729) % 97) as f64 * 1e-3)
            .collect();
        let skewed: Vec<f64> = (1..=500)
            .map(|i| (i as f64 * 0.618_033_988_7).fract().powi(6) * 40.0)
            .collect();
        let mut outlier_first = vec![250.0];
        outlier_first.extend((0..999).map(|i| 3.0 + ((i * 31) % 17) as f64 * 0.1));
        for values in [spread, offset, skewed, outlier_first] {
            let mut running = RunningMoments::new();
            values.iter().for_each(|v| running.add(*v));
            let (mean, sd, low, high) = mean_sd_ci(&values);
            let (r_mean, r_sd, r_low, r_high) = running.mean_sd_ci();
            assert_eq!(r_mean.to_bits(), mean.to_bits());
            assert_eq!(running.count(), values.len());
            let close = |a: f64, b: f64| (a - b).abs() <= 1e-12 * b.abs();
            assert!(close(r_sd, sd), "sd {r_sd} against {sd}");
            assert!(close(r_low, low) && close(r_high, high), "{r_low} {low}");
        }
    }

    /// A figure that is the same in every replication has no spread at all (the two-pass
    /// formula can report rounding noise there: its mean is a rounded sum over n); with no
    /// or one value, the same cases as the two-pass summary.
    #[test]
    fn running_moments_of_constant_single_and_missing_values() {
        let mut constant = RunningMoments::new();
        for _ in 0..1000 {
            constant.add(2.000_833_333_333_319);
        }
        let (_, sd, low, high) = constant.mean_sd_ci();
        assert_eq!(sd, 0.0);
        assert_eq!(low, high);
        let mut one = RunningMoments::new();
        one.add(f64::NAN);
        one.add(4.0);
        assert_eq!(one.mean_sd_ci(), mean_sd_ci(&[4.0]));
        let (mean, sd, low, high) = RunningMoments::new().mean_sd_ci();
        assert!(mean.is_nan() && sd.is_nan() && low.is_nan() && high.is_nan());
    }

    #[test]
    fn interval_of_a_small_sample() {
        let (mean, sd, low, high) = mean_sd_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(mean, 3.0);
        assert!((sd - 2.5f64.sqrt()).abs() < 1e-12);
        let half = 2.776_445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((low - (3.0 - half)).abs() < 1e-5 && (high - (3.0 + half)).abs() < 1e-5);
    }
}
