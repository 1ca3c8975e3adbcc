//! Durations drawn from the distributions an analyst can state, already converted to hours.

use rand::distr::Distribution as _;
use rand::distr::Uniform;
use rand::distr::weighted::WeightedIndex;
use rand_distr::{Exp, Gamma, LogNormal, Triangular};

use crate::kernel::SimDuration;

/// A checked, ready-to-sample distribution of durations [hours].
#[derive(Debug, Clone)]
pub enum Distribution {
    /// Always the same value.
    Fixed(f64),
    /// Exponential with the given rate.
    Exponential(Exp<f64>),
    /// Uniform between two values.
    Uniform(Uniform<f64>),
    /// Triangular.
    Triangular(Triangular<f64>),
    /// Log-normal.
    LogNormal(LogNormal<f64>),
    /// Gamma.
    Gamma(Gamma<f64>),
    /// One of the observed values, chosen with the given weights.
    Empirical {
        /// Observed values [hours].
        values: Vec<f64>,
        /// Sampler of the index into `values`.
        index: WeightedIndex<f64>,
    },
}

impl Distribution {
    /// Log-normal with the given mean and standard deviation of the duration itself [hours].
    pub fn log_normal(mean: f64, sd: f64) -> Result<Self, String> {
        LogNormal::from_mean_cv(mean, sd / mean)
            .map(Distribution::LogNormal)
            .map_err(|e| e.to_string())
    }

    /// Gamma with the given mean and standard deviation [hours].
    pub fn gamma(mean: f64, sd: f64) -> Result<Self, String> {
        let shape = (mean / sd).powi(2);
        let scale = sd * sd / mean;
        Gamma::new(shape, scale)
            .map(Distribution::Gamma)
            .map_err(|e| e.to_string())
    }

    /// Draws one duration. Allocates nothing.
    pub fn sample<R: rand::Rng + ?Sized>(&self, stream: &mut R) -> SimDuration {
        let hours = match self {
            Distribution::Fixed(value) => *value,
            Distribution::Exponential(d) => d.sample(stream),
            Distribution::Uniform(d) => d.sample(stream),
            Distribution::Triangular(d) => d.sample(stream),
            Distribution::LogNormal(d) => d.sample(stream),
            Distribution::Gamma(d) => d.sample(stream),
            Distribution::Empirical { values, index } => values[index.sample(stream)],
        };
        SimDuration::from_hours(hours)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{ReplicationKey, StreamKey};

    fn sample_mean_and_sd(distribution: &Distribution, n: usize) -> (f64, f64) {
        let mut stream = ReplicationKey::new(3, 0).stream(StreamKey::named("test"));
        let draws: Vec<f64> = (0..n)
            .map(|_| distribution.sample(&mut stream).hours())
            .collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt())
    }

    #[test]
    fn log_normal_and_gamma_honour_mean_and_sd() {
        for distribution in [
            Distribution::log_normal(4.0, 2.5).unwrap(),
            Distribution::gamma(4.0, 2.5).unwrap(),
        ] {
            let (mean, sd) = sample_mean_and_sd(&distribution, 400_000);
            assert!((mean - 4.0).abs() < 0.02, "{distribution:?}: mean {mean}");
            assert!((sd - 2.5).abs() < 0.04, "{distribution:?}: sd {sd}");
        }
    }

    #[test]
    fn empirical_draws_follow_weights() {
        let distribution = Distribution::Empirical {
            values: vec![1.0, 5.0],
            index: WeightedIndex::new([3.0, 1.0]).unwrap(),
        };
        let (mean, _) = sample_mean_and_sd(&distribution, 100_000);
        assert!((mean - 2.0).abs() < 0.03, "mean {mean}");
    }
}
