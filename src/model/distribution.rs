//! Durations drawn from the distributions an analyst can state, already converted to hours.
//!
//! Each variant keeps its parameters beside its sampler, so that its mean (for load
//! estimates) and its residual life (see `residual_life`) can be computed.

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
    /// Exponential.
    Exponential {
        /// Mean [hours].
        mean: f64,
        /// Sampler (rate 1 / mean).
        sampler: Exp<f64>,
    },
    /// Uniform between two values.
    Uniform {
        /// Lower bound [hours].
        min: f64,
        /// Upper bound [hours].
        max: f64,
        /// Sampler.
        sampler: Uniform<f64>,
    },
    /// Triangular.
    Triangular {
        /// Lower bound [hours].
        min: f64,
        /// Most likely value [hours].
        mode: f64,
        /// Upper bound [hours].
        max: f64,
        /// Sampler.
        sampler: Triangular<f64>,
    },
    /// Log-normal: the logarithm of the duration in hours is normal.
    LogNormal {
        /// Mean of the logarithm.
        mu: f64,
        /// Standard deviation of the logarithm.
        sigma: f64,
        /// Sampler.
        sampler: LogNormal<f64>,
    },
    /// Gamma.
    Gamma {
        /// Shape.
        shape: f64,
        /// Scale [hours].
        scale: f64,
        /// Sampler.
        sampler: Gamma<f64>,
    },
    /// One of the observed values, chosen with the given weights.
    Empirical {
        /// Observed values [hours].
        values: Vec<f64>,
        /// Sampler of the index into `values`.
        index: WeightedIndex<f64>,
    },
}

impl Distribution {
    /// Exponential with the given mean [hours].
    ///
    /// # Errors
    /// The sampler's message if the mean is not positive and finite.
    pub fn exponential(mean: f64) -> Result<Self, String> {
        Exp::new(1.0 / mean)
            .map(|sampler| Distribution::Exponential { mean, sampler })
            .map_err(|e| e.to_string())
    }

    /// Uniform between `min` and `max` [hours].
    ///
    /// # Errors
    /// The sampler's message if `min` is not below `max` or either is not finite.
    pub fn uniform(min: f64, max: f64) -> Result<Self, String> {
        Uniform::new(min, max)
            .map(|sampler| Distribution::Uniform { min, max, sampler })
            .map_err(|e| e.to_string())
    }

    /// Triangular from `min` to `max` with its peak at `mode` [hours].
    ///
    /// # Errors
    /// The sampler's message if the three are not in order.
    pub fn triangular(min: f64, mode: f64, max: f64) -> Result<Self, String> {
        Triangular::new(min, max, mode)
            .map(|sampler| Distribution::Triangular {
                min,
                mode,
                max,
                sampler,
            })
            .map_err(|e| e.to_string())
    }

    /// Log-normal with the given mean and standard deviation of the duration itself [hours]:
    /// sigma^2 = ln(1 + (sd/mean)^2), mu = ln(mean) - sigma^2 / 2.
    ///
    /// # Errors
    /// The sampler's message if the parameters are not positive and finite.
    pub fn log_normal(mean: f64, sd: f64) -> Result<Self, String> {
        let cv = sd / mean;
        let sigma = (1.0 + cv * cv).ln().sqrt();
        let mu = mean.ln() - 0.5 * sigma * sigma;
        LogNormal::from_mean_cv(mean, cv)
            .map(|sampler| Distribution::LogNormal { mu, sigma, sampler })
            .map_err(|e| e.to_string())
    }

    /// Gamma with the given mean and standard deviation [hours]: shape (mean/sd)^2,
    /// scale sd^2/mean.
    ///
    /// # Errors
    /// The sampler's message if the parameters are not positive and finite.
    pub fn gamma(mean: f64, sd: f64) -> Result<Self, String> {
        let shape = (mean / sd).powi(2);
        let scale = sd * sd / mean;
        Gamma::new(shape, scale)
            .map(|sampler| Distribution::Gamma {
                shape,
                scale,
                sampler,
            })
            .map_err(|e| e.to_string())
    }

    /// The mean duration [hours].
    pub fn mean(&self) -> f64 {
        match self {
            Distribution::Fixed(value) => *value,
            Distribution::Exponential { mean, .. } => *mean,
            Distribution::Uniform { min, max, .. } => 0.5 * (min + max),
            Distribution::Triangular { min, mode, max, .. } => (min + mode + max) / 3.0,
            Distribution::LogNormal { mu, sigma, .. } => (mu + 0.5 * sigma * sigma).exp(),
            Distribution::Gamma { shape, scale, .. } => shape * scale,
            Distribution::Empirical { values, index } => {
                let total = index.total_weight();
                values
                    .iter()
                    .zip(index.weights())
                    .map(|(v, w)| v * w / total)
                    .sum()
            }
        }
    }

    /// The largest duration a draw can take [hours]: the value, the upper bound, or the
    /// largest observed value with a weight above zero; infinite for the unbounded
    /// distributions (exponential, log-normal, gamma).
    pub fn upper_bound(&self) -> f64 {
        match self {
            Distribution::Fixed(value) => *value,
            Distribution::Uniform { max, .. } | Distribution::Triangular { max, .. } => *max,
            Distribution::Exponential { .. }
            | Distribution::LogNormal { .. }
            | Distribution::Gamma { .. } => f64::INFINITY,
            Distribution::Empirical { values, index } => values
                .iter()
                .zip(index.weights())
                .filter(|(_, w)| *w > 0.0)
                .map(|(v, _)| *v)
                .fold(f64::NEG_INFINITY, f64::max),
        }
    }

    /// Draws one duration. Allocates nothing.
    pub fn sample<R: rand::Rng + ?Sized>(&self, stream: &mut R) -> SimDuration {
        let hours = match self {
            Distribution::Fixed(value) => *value,
            Distribution::Exponential { sampler, .. } => sampler.sample(stream),
            Distribution::Uniform { sampler, .. } => sampler.sample(stream),
            Distribution::Triangular { sampler, .. } => sampler.sample(stream),
            Distribution::LogNormal { sampler, .. } => sampler.sample(stream),
            Distribution::Gamma { sampler, .. } => sampler.sample(stream),
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
    fn no_draw_is_above_the_upper_bound_and_bounded_ones_reach_it() {
        let bounded = [
            (Distribution::Fixed(2.5), 2.5),
            (Distribution::uniform(1.0, 3.0).unwrap(), 3.0),
            (Distribution::triangular(1.0, 2.0, 4.0).unwrap(), 4.0),
            (
                Distribution::Empirical {
                    values: vec![1.0, 9.0, 5.0],
                    index: WeightedIndex::new([1.0, 0.0, 1.0]).unwrap(),
                },
                5.0, // 9 h has no weight: never drawn
            ),
        ];
        let mut stream = ReplicationKey::new(5, 0).stream(StreamKey::named("bound"));
        for (distribution, bound) in &bounded {
            assert_eq!(distribution.upper_bound(), *bound, "{distribution:?}");
            let most = (0..20_000)
                .map(|_| distribution.sample(&mut stream).hours())
                .fold(f64::NEG_INFINITY, f64::max);
            assert!(most <= *bound + 1e-9, "{distribution:?}: drew {most}");
            assert!(most > bound - 0.1, "{distribution:?}: never near {bound}");
        }
        for unbounded in [
            Distribution::exponential(1.0).unwrap(),
            Distribution::log_normal(1.0, 1.0).unwrap(),
            Distribution::gamma(1.0, 1.0).unwrap(),
        ] {
            assert_eq!(unbounded.upper_bound(), f64::INFINITY);
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
