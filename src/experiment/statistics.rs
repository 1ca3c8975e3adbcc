//! Statistics across independent replications: mean, standard deviation and a Student-t 95%
//! confidence interval for every metric.

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
    /// Number of replications.
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
    /// The row's fields in [`SUMMARY_COLUMNS`] order, numbers in shortest round-trip form.
    pub fn fields(&self) -> [String; 7] {
        [
            self.metric.clone(),
            self.unit.to_string(),
            self.mean.to_string(),
            self.sd.to_string(),
            self.ci95_low.to_string(),
            self.ci95_high.to_string(),
            self.replications.to_string(),
        ]
    }

    /// Half the width of the confidence interval.
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }
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

/// Mean, sample standard deviation and 95% confidence interval of `values`.
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
/// metrics in the same order). Values are taken in replication order, so the summary does
/// not depend on which thread ran which replication.
pub fn summarise(results: &[ReplicationResult]) -> Vec<MetricSummary> {
    let Some(first) = results.first() else {
        return Vec::new();
    };
    first
        .metrics
        .iter()
        .enumerate()
        .map(|(index, metric)| {
            let values: Vec<f64> = results.iter().map(|r| r.metrics[index].value).collect();
            let (mean, sd, ci95_low, ci95_high) = mean_sd_ci(&values);
            MetricSummary {
                metric: metric.name.clone(),
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

    #[test]
    fn interval_of_a_small_sample() {
        let (mean, sd, low, high) = mean_sd_ci(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(mean, 3.0);
        assert!((sd - 2.5f64.sqrt()).abs() < 1e-12);
        let half = 2.776_445 * 2.5f64.sqrt() / 5f64.sqrt();
        assert!((low - (3.0 - half)).abs() < 1e-5 && (high - (3.0 + half)).abs() < 1e-5);
    }
}
