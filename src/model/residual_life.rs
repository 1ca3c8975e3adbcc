//! Residual life: the time still to run of a duration already under way.
//!
//! A census patient who has spent `a` hours in a delay has, by definition, a duration `X`
//! greater than `a`; what is left is `X - a` with `X` drawn from the step's distribution
//! conditioned on `X > a`. Each distribution has its own method, all allocation-free and
//! driven by one uniform draw `U` in [0, 1) from the caller's stream:
//!
//! | distribution | method | error |
//! |---|---|---|
//! | fixed `v` | `v - a` | exact |
//! | exponential | a fresh draw (memoryless) | exact |
//! | uniform `[lo, hi]` | uniform on `[max(lo, a), hi]`, minus `a` | exact (rounding only) |
//! | triangular | inverse CDF of the truncated distribution, closed form | exact (rounding only) |
//! | log-normal | inverse of the survival function, `x = exp(mu + sigma * sqrt(2) * erfc_inv(2 V))` with `V = (1 - U) S(a)` | erfc / erfc_inv of statrs, about 1e-15 relative |
//! | gamma | survival function `Q(k, x / theta)` (statrs `gamma_ur`) solved for `V = (1 - U) S(a)` by Newton steps kept inside a bisection bracket | the quantile to 1e-12 relative (`x` within 1e-12 x), plus statrs' accuracy of `Q` (about 1e-14) |
//! | empirical | one of the values above `a`, weights renormalised, minus `a` | exact |
//!
//! Working through the survival function `S(a) = 1 - F(a)` rather than `F(a)` keeps the
//! precision when `a` lies deep in the upper tail, where `1 - F(a)` would round to zero.
//!
//! When `a` is at or beyond the support (fixed 7 d with 9 d spent, uniform up to 10 with 12
//! spent, an empirical distribution with no value above `a`, or a tail so far out that
//! `S(a)` is zero in double precision) the duration is taken to be over: the remaining
//! time is 0 and the patient moves on at once. The census says it is still there, so it
//! cannot have finished earlier; finishing now is the closest the distribution allows.

use rand::RngExt;
use statrs::function::erf::{erfc, erfc_inv};
use statrs::function::gamma::checked_gamma_ur;

use super::distribution::Distribution;
use crate::kernel::SimDuration;

/// Most Newton-or-bisection steps when inverting the gamma survival function; each step
/// at least halves the bracket, so 200 is far beyond the ~60 needed for 1e-12 relative.
const MAX_GAMMA_STEPS: usize = 200;
/// Relative width of the bracket at which the gamma quantile is accepted.
const GAMMA_TOLERANCE: f64 = 1e-12;
/// Shape above which the gamma residual uses the Wilson-Hilferty normal approximation
/// instead of inverting the incomplete gamma function, whose cost grows with the shape
/// (a shape of 1e14, from a mean of 1000 days with an sd of a few seconds, took seconds per
/// patient). At this shape the approximation's error in the tail probability is below 1e-6
/// (tested against the incomplete gamma function below).
const WILSON_HILFERTY_SHAPE: f64 = 1e4;

impl Distribution {
    /// Draws the time still to run [hours] of a duration from this distribution that has
    /// already lasted `spent` hours: `X - spent` for `X` drawn conditioned on `X > spent`
    /// (see the module header for each method and its error). With `spent <= 0` this is
    /// exactly [`Distribution::sample`]. Zero when `spent` is at or beyond the support.
    /// Allocates nothing; uses one uniform draw (or one ordinary draw) from `stream`.
    pub fn sample_residual<R: rand::Rng + ?Sized>(
        &self,
        spent: f64,
        stream: &mut R,
    ) -> SimDuration {
        if spent.is_nan() || spent <= 0.0 {
            return self.sample(stream);
        }
        let a = spent;
        let hours = match self {
            Distribution::Fixed(value) => (value - a).max(0.0),
            Distribution::Exponential { .. } => self.sample(stream).hours(),
            Distribution::Uniform { min, max, .. } => {
                let from = min.max(a);
                if from >= *max {
                    0.0
                } else {
                    let u: f64 = stream.random();
                    (from + u * (max - from) - a).max(0.0)
                }
            }
            Distribution::Triangular { min, mode, max, .. } => {
                triangular_residual(*min, *mode, *max, a, stream.random())
            }
            Distribution::LogNormal { mu, sigma, .. } => {
                log_normal_residual(*mu, *sigma, a, stream.random())
            }
            Distribution::Gamma { shape, scale, .. } if *shape > WILSON_HILFERTY_SHAPE => {
                wilson_hilferty_residual(*shape, *scale, a, stream.random())
            }
            Distribution::Gamma { shape, scale, .. } => {
                gamma_residual(*shape, *scale, a, stream.random())
            }
            Distribution::Empirical { values, index } => {
                let above: f64 = values
                    .iter()
                    .zip(index.weights())
                    .filter(|(v, _)| **v > a)
                    .map(|(_, w)| w)
                    .sum();
                if above <= 0.0 {
                    0.0
                } else {
                    let target = stream.random::<f64>() * above;
                    let mut cumulative = 0.0;
                    let mut chosen = a;
                    for (v, w) in values.iter().zip(index.weights()) {
                        if *v > a && w > 0.0 {
                            chosen = *v;
                            cumulative += w;
                            if target < cumulative {
                                break;
                            }
                        }
                    }
                    chosen - a
                }
            }
        };
        SimDuration::from_hours(hours)
    }
}

/// Survival function of the triangular distribution at `x`.
fn triangular_survival(min: f64, mode: f64, max: f64, x: f64) -> f64 {
    if x <= min {
        1.0
    } else if x >= max {
        0.0
    } else if x <= mode {
        1.0 - (x - min).powi(2) / ((max - min) * (mode - min))
    } else {
        (max - x).powi(2) / ((max - min) * (max - mode))
    }
}

/// Residual of a triangular duration: `V = (1 - u) S(a)`, then `x` with `S(x) = V` in
/// closed form on whichever side of the mode it falls.
fn triangular_residual(min: f64, mode: f64, max: f64, a: f64, u: f64) -> f64 {
    let tail = triangular_survival(min, mode, max, a);
    if tail <= 0.0 {
        return 0.0;
    }
    let v = (1.0 - u) * tail;
    let at_mode = triangular_survival(min, mode, max, mode);
    let x = if v <= at_mode {
        max - (v * (max - min) * (max - mode)).sqrt()
    } else {
        min + ((1.0 - v) * (max - min) * (mode - min)).sqrt()
    };
    (x.clamp(min, max) - a).max(0.0)
}

/// Residual of a log-normal duration through the normal survival function
/// `S(z) = erfc(z / sqrt 2) / 2` and its inverse `z = sqrt 2 * erfc_inv(2 V)`.
fn log_normal_residual(mu: f64, sigma: f64, a: f64, u: f64) -> f64 {
    let z = (a.ln() - mu) / sigma;
    let tail = 0.5 * erfc(z / std::f64::consts::SQRT_2);
    if tail.is_nan() || tail <= 0.0 {
        return 0.0;
    }
    let v = (1.0 - u) * tail;
    let quantile = std::f64::consts::SQRT_2 * erfc_inv(2.0 * v);
    let x = (mu + sigma * quantile).exp();
    if x.is_finite() { (x - a).max(0.0) } else { 0.0 }
}

/// Residual of a gamma duration of large shape `k`, by the Wilson-Hilferty approximation
/// (Wilson and Hilferty, PNAS 1931): `(X / (k scale))^(1/3)` is close to normal with mean
/// `1 - 1/(9k)` and variance `1/(9k)`, so the conditional draw is a normal one above the
/// transformed `a`, mapped back.
fn wilson_hilferty_residual(shape: f64, scale: f64, a: f64, u: f64) -> f64 {
    let mean = shape * scale;
    let (centre, spread) = wilson_hilferty(shape);
    let z0 = ((a / mean).cbrt() - centre) / spread;
    let tail = 0.5 * erfc(z0 / std::f64::consts::SQRT_2);
    if tail.is_nan() || tail <= 0.0 {
        return 0.0;
    }
    let v = (1.0 - u) * tail;
    let z = std::f64::consts::SQRT_2 * erfc_inv(2.0 * v);
    let x = mean * (centre + spread * z).max(0.0).powi(3);
    if x.is_finite() { (x - a).max(0.0) } else { 0.0 }
}

/// The Wilson-Hilferty normal's mean and standard deviation for shape `k`.
fn wilson_hilferty(shape: f64) -> (f64, f64) {
    let ninth = 1.0 / (9.0 * shape);
    (1.0 - ninth, ninth.sqrt())
}

/// Residual of a gamma duration: solves `Q(shape, y) = V` for `y >= a / scale` with Newton
/// steps on the survival function, falling back to bisection whenever a step would leave
/// the bracket, until the bracket is narrower than `GAMMA_TOLERANCE` relative.
fn gamma_residual(shape: f64, scale: f64, a: f64, u: f64) -> f64 {
    let survival = |y: f64| checked_gamma_ur(shape, y).unwrap_or(f64::NAN);
    let y0 = a / scale;
    let tail = survival(y0);
    if tail.is_nan() || tail <= 0.0 {
        return 0.0;
    }
    let v = (1.0 - u) * tail;
    // Bracket: Q(low) >= v >= Q(high).
    let mut low = y0;
    let mut high = y0.max(shape) + 1.0;
    while survival(high) > v {
        low = high;
        high *= 2.0;
        if !high.is_finite() {
            return 0.0;
        }
    }
    let log_norm = statrs::function::gamma::ln_gamma(shape);
    let mut y = 0.5 * (low + high);
    for _ in 0..MAX_GAMMA_STEPS {
        let q = survival(y);
        if q.is_nan() {
            return 0.0;
        }
        if q > v {
            low = y;
        } else {
            high = y;
        }
        if high - low <= GAMMA_TOLERANCE * high {
            break;
        }
        // Newton on Q(y) - v, with Q'(y) = -pdf(y).
        let density = ((shape - 1.0) * y.ln() - y - log_norm).exp();
        let step = y + (q - v) / density;
        y = if step.is_finite() && step > low && step < high {
            step
        } else {
            0.5 * (low + high)
        };
    }
    (y * scale - a).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::{ReplicationKey, StreamKey};

    /// Draws `n` residuals and returns their mean and sample standard deviation.
    fn residuals(distribution: &Distribution, spent: f64, n: usize) -> (f64, f64, Vec<f64>) {
        let mut stream = ReplicationKey::new(11, 0).stream(StreamKey::named("residual"));
        let draws: Vec<f64> = (0..n)
            .map(|_| distribution.sample_residual(spent, &mut stream).hours())
            .collect();
        let mean = draws.iter().sum::<f64>() / n as f64;
        let var = draws.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt(), draws)
    }

    /// Asserts `mean` is within 4 standard errors (`sd / sqrt n`) of `expected`: a false
    /// alarm about once in 16,000 runs, and the draws are seeded so the test is repeatable.
    fn assert_mean(label: &str, mean: f64, sd: f64, n: usize, expected: f64) {
        let bound = 4.0 * sd / (n as f64).sqrt();
        assert!(
            (mean - expected).abs() <= bound,
            "{label}: mean {mean}, expected {expected} within {bound}"
        );
    }

    /// A fixed 7-day stay with 5 days spent has 2 days left, exactly; with 9 days spent it
    /// is over.
    #[test]
    fn fixed_residual_is_exact() {
        let stay = Distribution::Fixed(7.0 * 24.0);
        let mut stream = ReplicationKey::new(1, 0).stream(StreamKey::named("x"));
        assert_eq!(stay.sample_residual(5.0 * 24.0, &mut stream).hours(), 48.0);
        assert_eq!(stay.sample_residual(9.0 * 24.0, &mut stream).hours(), 0.0);
        assert_eq!(stay.sample_residual(0.0, &mut stream).hours(), 168.0);
    }

    /// Exponential is memoryless: the mean remaining time equals the mean, whatever spent.
    #[test]
    fn exponential_residual_has_the_full_mean() {
        let n = 200_000;
        let d = Distribution::exponential(10.0).unwrap();
        let (mean, sd, _) = residuals(&d, 37.0, n);
        assert_mean("exponential", mean, sd, n, 10.0);
    }

    /// Uniform(0, 10) with 4 spent: remaining is uniform on (0, 6), mean 3, never above 6.
    #[test]
    fn uniform_residual_is_uniform_on_what_is_left() {
        let n = 200_000;
        let d = Distribution::uniform(0.0, 10.0).unwrap();
        let (mean, sd, draws) = residuals(&d, 4.0, n);
        assert_mean("uniform", mean, sd, n, 3.0);
        // Its sd is 6 / sqrt(12); the sample sd of 200,000 draws is within 1% of it.
        assert!(
            (sd - 6.0 / 12f64.sqrt()).abs() < 0.01 * 6.0 / 12f64.sqrt(),
            "sd {sd}"
        );
        assert!(draws.iter().all(|x| (0.0..6.0).contains(x)));
        // Spent below the minimum: the whole uniform(2, 10) shifted down by 1.
        let d = Distribution::uniform(2.0, 10.0).unwrap();
        let (mean, sd, _) = residuals(&d, 1.0, n);
        assert_mean("uniform below min", mean, sd, n, 5.0);
        let mut stream = ReplicationKey::new(1, 0).stream(StreamKey::named("x"));
        assert_eq!(d.sample_residual(12.0, &mut stream).hours(), 0.0);
    }

    /// E[X - a | X > a] = (integral from a to infinity of S(x) dx) / S(a), by the trapezoid
    /// rule on a fine grid (error far below the statistical tolerance).
    fn numerical_mean_residual(survival: impl Fn(f64) -> f64, a: f64, upper: f64) -> f64 {
        let steps = 400_000;
        let h = (upper - a) / steps as f64;
        let mut area = 0.5 * (survival(a) + survival(upper));
        for i in 1..steps {
            area += survival(a + i as f64 * h);
        }
        area * h / survival(a)
    }

    /// Log-normal (mean 5 d, sd 2 d, in hours) with 6 days spent: the sample mean of the
    /// residuals agrees with the conditional expectation integrated numerically.
    #[test]
    fn log_normal_residual_mean_matches_numerical_integration() {
        let n = 200_000;
        let d = Distribution::log_normal(120.0, 48.0).unwrap();
        let Distribution::LogNormal { mu, sigma, .. } = d else {
            unreachable!()
        };
        let survival = |x: f64| 0.5 * erfc((x.ln() - mu) / sigma / std::f64::consts::SQRT_2);
        let a = 144.0;
        let expected = numerical_mean_residual(survival, a, 5_000.0);
        let (mean, sd, draws) = residuals(&d, a, n);
        assert_mean("log-normal", mean, sd, n, expected);
        assert!(draws.iter().all(|x| *x >= 0.0));
        // Far shorter than a fresh stay (mean 120 h), far longer than the 0 h a naive
        // "mean minus spent" would give.
        assert!(expected > 30.0 && expected < 120.0, "{expected}");
    }

    /// Gamma and triangular residual means agree with numerical integration too.
    #[test]
    fn gamma_and_triangular_residual_means_match_numerical_integration() {
        let n = 200_000;
        let g = Distribution::gamma(10.0, 4.0).unwrap();
        let Distribution::Gamma { shape, scale, .. } = g else {
            unreachable!()
        };
        let survival = |x: f64| checked_gamma_ur(shape, x / scale).unwrap_or(0.0);
        let expected = numerical_mean_residual(survival, 12.0, 200.0);
        let (mean, sd, _) = residuals(&g, 12.0, n);
        assert_mean("gamma", mean, sd, n, expected);

        let t = Distribution::triangular(1.0, 3.0, 9.0).unwrap();
        let survival = |x: f64| triangular_survival(1.0, 3.0, 9.0, x);
        for a in [2.0, 5.0] {
            let expected = numerical_mean_residual(survival, a, 9.0);
            let (mean, sd, draws) = residuals(&t, a, n);
            assert_mean("triangular", mean, sd, n, expected);
            assert!(draws.iter().all(|x| *x >= 0.0 && *x <= 9.0 - a));
        }
    }

    /// Empirical: only values above the time spent remain, with renormalised weights.
    #[test]
    fn empirical_residual_keeps_values_above_spent() {
        use rand::distr::weighted::WeightedIndex;
        let d = Distribution::Empirical {
            values: vec![1.0, 5.0, 9.0],
            index: WeightedIndex::new([5.0, 1.0, 3.0]).unwrap(),
        };
        let n = 100_000;
        let (mean, sd, draws) = residuals(&d, 4.0, n);
        // Values 5 and 9 with weights 1 and 3: remaining 1 or 5, mean 4.
        assert_mean("empirical", mean, sd, n, 4.0);
        assert!(draws.iter().all(|x| *x == 1.0 || *x == 5.0));
        let mut stream = ReplicationKey::new(1, 0).stream(StreamKey::named("x"));
        assert_eq!(d.sample_residual(9.0, &mut stream).hours(), 0.0);
    }

    /// Deep in a tail (where 1 - F(a) would round to zero) the residual stays finite and
    /// positive; beyond double precision it is 0.
    #[test]
    fn far_tails_stay_finite() {
        let mut stream = ReplicationKey::new(1, 0).stream(StreamKey::named("x"));
        let d = Distribution::log_normal(1.0, 0.1).unwrap();
        let r = d.sample_residual(2.0, &mut stream).hours();
        assert!(r.is_finite() && r > 0.0 && r < 1.0, "{r}");
        assert_eq!(d.sample_residual(1e6, &mut stream).hours(), 0.0);
        let g = Distribution::gamma(1.0, 0.2).unwrap();
        let r = g.sample_residual(5.0, &mut stream).hours();
        assert!(r.is_finite() && r > 0.0 && r < 1.0, "{r}");
    }

    /// Above the switch shape the Wilson-Hilferty tail agrees with the incomplete gamma
    /// function to 1e-6, and a census patient in a gamma delay of enormous shape is drawn
    /// at once and lands just after the time spent, near the mean (found by review: the
    /// exact inversion took seconds per patient at shape 1e14).
    #[test]
    fn large_gamma_shapes_use_a_close_approximation() {
        for shape in [1.0001e4, 3e4, 1e5] {
            let (centre, spread) = wilson_hilferty(shape);
            for z in [-3.0, -1.0, 0.0, 1.0, 2.0, 4.0] {
                let y = shape * (centre + spread * z).powi(3);
                let exact = checked_gamma_ur(shape, y).unwrap();
                let approx = 0.5 * erfc(z / std::f64::consts::SQRT_2);
                assert!(
                    (exact - approx).abs() < 1e-6,
                    "shape {shape}, z {z}: {exact} vs {approx}"
                );
            }
        }
        let hours = 1000.0 * 24.0;
        let sd = 0.001;
        let g = Distribution::gamma(hours, sd).unwrap();
        let (mean, _, draws) = residuals(&g, 24.0, 1000);
        assert!(
            draws.iter().all(|d| (d - (hours - 24.0)).abs() < 0.01),
            "{mean}"
        );
    }
}
