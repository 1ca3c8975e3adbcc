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
//!
//! Every metric carepath reports is a count, a duration, a level, an amount of money or a
//! share, so its true mean is known to lie in a range: at least 0, and at most 1 for a share
//! ([`known_range`]). With few replications a Student-t interval can reach past that range
//! (a mean wait "from -12.4 h"); a summary's interval is then clipped to the range. The
//! clipped interval covers the true mean whenever the raw one does (the true mean is inside
//! the range), so its coverage is at least 95% as well (Mandelkern, "Setting confidence
//! intervals for bounded parameters", Statistical Science 17(2), 2002). Paired differences
//! between designs can be negative and are never clipped; a run to a precision judges the
//! unclipped half-width ([`MetricSummary::half_width`]).

use std::collections::BTreeMap;
use std::sync::Arc;

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::model::scenario::Scenario;
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
    /// Lower end of the 95% Student-t confidence interval for the mean, clipped at the lower end
    /// of the figure's [`known_range`] (0) when it reaches below it.
    pub ci95_low: f64,
    /// Upper end of the 95% Student-t confidence interval for the mean, clipped at the upper end
    /// of the figure's [`known_range`] (1 for a share) when it reaches above it.
    pub ci95_high: f64,
    /// Half the width of the unclipped interval, t x sd / sqrt(n) [the metric's unit]: what a
    /// run to a precision judges. Infinite for one replication, NaN for none.
    pub half_width: f64,
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

    /// Whether the interval was clipped at an end of the figure's [`known_range`]: the unclipped
    /// interval, mean -/+ [`MetricSummary::half_width`], reaches past `ci95_low` or
    /// `ci95_high`. False for one replication (no interval) and for none.
    pub fn is_clipped(&self) -> bool {
        self.half_width.is_finite()
            && (self.ci95_low > self.mean - self.half_width
                || self.ci95_high < self.mean + self.half_width)
    }
}

/// The range [low, high] that the true mean of a figure in `unit` is known to lie in: every
/// metric is a count, a duration, a level, a number of unit-hours or unit-days, visits or an
/// amount of money (all at least 0; costs are checked to be non-negative when a scenario
/// loads), or a share (from 0 to 1). A key figure that adds up `terms` shares lies between 0
/// and `terms`; other figures ignore `terms`.
pub fn known_range(unit: Unit, terms: usize) -> (f64, f64) {
    match unit {
        Unit::Fraction => (0.0, terms.max(1) as f64),
        Unit::Patients
        | Unit::Hours
        | Unit::Days
        | Unit::Units
        | Unit::UnitHours
        | Unit::UnitDays
        | Unit::Gbp
        | Unit::Visits
        | Unit::VisitsPerDay => (0.0, f64::INFINITY),
    }
}

/// The interval (`low`, `high`) around `mean` clipped to the ends of `range` (see the module
/// header for why the clipped interval still covers 95%). Left as it is when it is unbounded
/// (one replication: no interval at all) or when `mean` lies outside `range` (then the
/// range is not what the figure obeys, and clipping would hide that).
pub fn clip_to_range(mean: f64, low: f64, high: f64, range: (f64, f64)) -> (f64, f64) {
    let (lo, hi) = range;
    if !(low.is_finite() && high.is_finite() && lo <= mean && mean <= hi) {
        return (low, high);
    }
    (low.max(lo), high.min(hi))
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
        let (mean, sd, half) = self.mean_sd_half_width();
        (mean, sd, mean - half, mean + half)
    }

    /// Mean, sample standard deviation and the half-width t x sd / sqrt(n) of the 95%
    /// Student-t interval: all NaN for none; for one, the value, 0 and an infinite half-width.
    pub fn mean_sd_half_width(&self) -> (f64, f64, f64) {
        let mean = self.mean();
        match self.count {
            0 => (f64::NAN, f64::NAN, f64::NAN),
            1 => (mean, 0.0, f64::INFINITY),
            n => {
                let sd = self.variance().sqrt();
                (mean, sd, t_critical_95(n) * sd / (n as f64).sqrt())
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
    /// The [`known_range`] of each metric, where its interval is clipped.
    ranges: Vec<(f64, f64)>,
    /// The metrics that add up several others (`key.NAME` of a key figure with a `sum`),
    /// with how many: a sum of shares can exceed 1.
    terms: BTreeMap<String, usize>,
    /// Running sums of each metric.
    moments: Vec<RunningMoments>,
    /// Replications added.
    replications: usize,
}

impl SummarySums {
    /// No replications yet, every metric a single figure (no key figure adds up several).
    pub fn new() -> Self {
        Self::default()
    }

    /// No replications yet, of `scenario`, whose key figures may add up several metrics.
    pub fn for_scenario(scenario: &Scenario) -> Self {
        SummarySums {
            terms: scenario
                .key_figures
                .iter()
                .map(|f| (f.metric(), f.terms.len()))
                .collect(),
            ..Self::default()
        }
    }

    /// Adds one replication; every replication must report the metrics of the first in the
    /// same order (they come from one scenario). O(metrics).
    pub fn add(&mut self, result: &ReplicationResult) {
        if self.replications == 0 {
            self.names = result.metrics.iter().map(|m| m.name.clone()).collect();
            self.units = result.metrics.iter().map(|m| m.unit).collect();
            self.ranges = result
                .metrics
                .iter()
                .map(|m| known_range(m.unit, self.terms.get(&*m.name).copied().unwrap_or(1)))
                .collect();
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

    /// The summary of every metric so far, as in `summary.csv`: each interval clipped to the
    /// metric's [`known_range`].
    pub fn summary(&self) -> Vec<MetricSummary> {
        self.names
            .iter()
            .zip(&self.units)
            .zip(&self.ranges)
            .zip(&self.moments)
            .map(|(((name, unit), range), moments)| {
                let (mean, sd, half_width) = moments.mean_sd_half_width();
                let (ci95_low, ci95_high) =
                    clip_to_range(mean, mean - half_width, mean + half_width, *range);
                MetricSummary {
                    metric: name.to_string(),
                    unit: unit.label(),
                    mean,
                    sd,
                    ci95_low,
                    ci95_high,
                    half_width,
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

    /// A replication result with one metric per (name, unit, value).
    fn replication(replication: u32, metrics: &[(&str, Unit, f64)]) -> ReplicationResult {
        ReplicationResult {
            replication,
            metrics: metrics
                .iter()
                .map(|&(name, unit, value)| crate::model::MetricValue {
                    name: name.into(),
                    unit,
                    value,
                })
                .collect(),
            by_hour: Vec::new(),
            waits: Vec::new(),
            events: 0,
            daily: Vec::new(),
            levels: Vec::new(),
        }
    }

    /// Summarises `values` of one metric in `unit`.
    fn summary_of(unit: Unit, values: &[f64]) -> MetricSummary {
        let results: Vec<ReplicationResult> = values
            .iter()
            .enumerate()
            .map(|(r, &v)| replication(r as u32, &[("m", unit, v)]))
            .collect();
        summarise(&results).remove(0)
    }

    /// Waits of 0, 0, 0 and 4 h: mean 1 h, sd 2 h (squared deviations 1 + 1 + 1 + 9 = 12,
    /// over 3), so the half-width is t(3) x 2 / 2 = 3.182 h and the raw interval runs from
    /// -2.18 h. It is clipped to exactly 0 at the bottom; the top, and the half-width a run
    /// to a precision judges, are those of the raw interval.
    #[test]
    fn an_interval_below_zero_is_clipped_at_zero() {
        let m = summary_of(Unit::Hours, &[0.0, 0.0, 0.0, 4.0]);
        let t3 = 3.182_446_305_284_263;
        assert_eq!((m.mean, m.sd), (1.0, 2.0));
        assert!((t_critical_95(4) - t3).abs() < 1e-12);
        assert_eq!(m.ci95_low, 0.0);
        assert_eq!(m.ci95_high, 1.0 + t_critical_95(4));
        assert_eq!(m.half_width, t_critical_95(4));
        assert!((m.ci95_high - (1.0 + t3)).abs() < 1e-12);
        assert!(m.is_clipped());
        assert_eq!(m.fields()[4], "0");
    }

    /// Shares of 1, 1, 1 and 0.6: mean 0.9, sd 0.2 (squared deviations 3 x 0.01 + 0.09 =
    /// 0.12, over 3), half-width t(3) x 0.2 / 2 = 0.318: the raw interval reaches 1.218 and
    /// is clipped to exactly 1; its bottom, 0.582, stays.
    #[test]
    fn a_share_above_one_is_clipped_at_one() {
        let m = summary_of(Unit::Fraction, &[1.0, 1.0, 1.0, 0.6]);
        assert!((m.mean - 0.9).abs() < 1e-15 && (m.sd - 0.2).abs() < 1e-15);
        assert_eq!(m.ci95_high, 1.0);
        let half = t_critical_95(4) * m.sd / 2.0;
        assert_eq!(m.half_width, half);
        assert_eq!(m.ci95_low, m.mean - half);
        assert!((m.ci95_low - (0.9 - 0.318_244_630_528_426_3)).abs() < 1e-12);
        assert!(m.is_clipped());
    }

    /// An interval inside the range is left as it is: the same bits as the raw interval;
    /// one replication keeps its unbounded interval (no interval, not "0 to 1"); no values
    /// give no interval.
    #[test]
    fn intervals_inside_the_range_or_unbounded_are_left_alone() {
        let values = [3.0, 4.0, 5.0, 6.0];
        let m = summary_of(Unit::Hours, &values);
        let (_, _, low, high) = mean_sd_ci(&values);
        assert_eq!((m.ci95_low, m.ci95_high), (low, high));
        assert!(!m.is_clipped());
        let one = summary_of(Unit::Fraction, &[0.5]);
        assert_eq!(
            (one.ci95_low, one.ci95_high),
            (f64::NEG_INFINITY, f64::INFINITY)
        );
        assert!(one.half_width.is_infinite() && !one.is_clipped());
        let none = summary_of(Unit::Hours, &[f64::NAN, f64::NAN]);
        assert!(none.ci95_low.is_nan() && none.half_width.is_nan() && !none.is_clipped());
    }

    /// Every unit is at least 0; only a share has a top, and a key figure adding up shares
    /// has the number of its terms. A mean outside the range (the range is then not what the
    /// figure obeys) leaves the interval raw.
    #[test]
    fn known_ranges_and_when_not_to_clip() {
        assert_eq!(known_range(Unit::Fraction, 1), (0.0, 1.0));
        assert_eq!(known_range(Unit::Fraction, 3), (0.0, 3.0));
        for unit in [Unit::Patients, Unit::Hours, Unit::Gbp, Unit::VisitsPerDay] {
            assert_eq!(known_range(unit, 2), (0.0, f64::INFINITY));
        }
        assert_eq!(clip_to_range(0.5, -0.2, 1.2, (0.0, 1.0)), (0.0, 1.0));
        assert_eq!(clip_to_range(1.1, 0.9, 1.3, (0.0, 1.0)), (0.9, 1.3));
        assert_eq!(clip_to_range(-0.1, -0.3, 0.1, (0.0, 1.0)), (-0.3, 0.1));
    }
}
