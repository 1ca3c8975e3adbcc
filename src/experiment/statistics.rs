//! Statistics across independent replications: mean, standard deviation and a Student-t 95%
//! confidence interval for every metric.
//!
//! A replication in which a figure was not observed has no value for it (NaN): the figure is
//! summarised over the replications that have one, and `replications` says how many. With
//! none, every statistic is NaN, written as an empty cell.

use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::model::ReplicationResult;

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

/// Summarises every metric across `results`, which must all come from one scenario (same
/// metrics in the same order), over the replications that have a value for it. Values are
/// taken in replication order, so the summary does not depend on which thread ran which
/// replication.
pub fn summarise(results: &[ReplicationResult]) -> Vec<MetricSummary> {
    let Some(first) = results.first() else {
        return Vec::new();
    };
    first
        .metrics
        .iter()
        .enumerate()
        .map(|(index, metric)| {
            let values = observed(results.iter().map(|r| r.metrics[index].value));
            let (mean, sd, ci95_low, ci95_high) = mean_sd_ci(&values);
            MetricSummary {
                metric: metric.name.to_string(),
                unit: metric.unit.label(),
                mean,
                sd,
                ci95_low,
                ci95_high,
                replications: values.len(),
            }
        })
        .collect()
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

    #[test]
    fn interval_of_a_small_sample() {
        let (mean, sd, low, high) = mean_sd_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(mean, 3.0);
        assert!((sd - 2.5f64.sqrt()).abs() < 1e-12);
        let half = 2.776_445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((low - (3.0 - half)).abs() < 1e-5 && (high - (3.0 + half)).abs() < 1e-5);
    }
}
