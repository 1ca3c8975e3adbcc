//! Fitting a distribution of durations (lengths of stay, visit times) to observed values by
//! maximum likelihood, with right-censoring: a stay still in progress when the extract was
//! taken is known only to be at least as long as recorded, and enters the likelihood through
//! its survival probability instead of its density (Klein & Moeschberger, *Survival
//! Analysis*, 2nd ed., 2003, section 3.5). Leaving such stays out, or counting them as
//! finished, biases every fit short.
//!
//! Families: exponential, log-normal, gamma and Weibull (densities and survival functions
//! from `statrs`), ranked by AIC = 2p − 2 ln L (Akaike 1974), plus the empirical
//! distribution (Kaplan–Meier when there is censoring) written as carepath's `empirical`.
//!
//! How each maximum is found:
//! - exponential: closed form, mean = total time / completed stays;
//! - log-normal and gamma without censoring: closed form for the log-normal; for the gamma,
//!   the shape solves ln k − ψ(k) = ln(mean) − mean(ln x) (monotone in k), by bisection on
//!   ln k;
//! - Weibull, with or without censoring: the scale has a closed form given the shape
//!   (λᵏ = Σ xᵢᵏ / completed stays), so the profile likelihood in the shape is maximised by
//!   golden-section search on ln k;
//! - log-normal and gamma with censoring: Nelder–Mead (Nelder & Mead 1965, standard
//!   coefficients 1, 2, ½, ½) on (location, ln scale) from the fit that ignores censoring.
//!
//! Goodness of fit: the Kolmogorov–Smirnov distance D between the fitted CDF and the
//! empirical CDF (Kaplan–Meier with censoring). Without censoring its p-value is found by
//! parametric bootstrap (Stuart, Ord & Arnold; the usual remedy since Lilliefors 1967 for
//! parameters estimated from the same data): B samples of the same size drawn from the fitted
//! distribution, each refitted, p = (1 + #{D* ≥ D}) / (B + 1). With B = 0 the asymptotic
//! Kolmogorov p-value is given instead, which is too large (conservative) when the
//! parameters come from the data. With censoring no p-value is given.
//!
//! Values are in the extract's unit (hours or days); nothing here knows which.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution as _;
use rayon::prelude::*;
use statrs::distribution::{Continuous, ContinuousCDF};
use statrs::function::gamma::{digamma, gamma_ur, ln_gamma};

/// One observed duration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// The duration [the extract's unit], above zero.
    pub value: f64,
    /// Still in progress when the extract was taken: the true duration is at least `value`.
    pub censored: bool,
}

/// A fitted parametric family with its parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Family {
    /// Exponential.
    Exponential {
        /// Mean [unit].
        mean: f64,
    },
    /// Log-normal: ln x is normal.
    LogNormal {
        /// Mean of ln x.
        mu: f64,
        /// Standard deviation of ln x.
        sigma: f64,
    },
    /// Gamma.
    Gamma {
        /// Shape k.
        shape: f64,
        /// Scale θ [unit].
        scale: f64,
    },
    /// Weibull.
    Weibull {
        /// Shape k.
        shape: f64,
        /// Scale λ [unit].
        scale: f64,
    },
}

/// The families fitted, in the order they are tried.
pub const FAMILIES: [&str; 4] = ["exponential", "log-normal", "gamma", "Weibull"];

impl Family {
    /// The family's name in words ("log-normal").
    pub fn name(&self) -> &'static str {
        match self {
            Family::Exponential { .. } => FAMILIES[0],
            Family::LogNormal { .. } => FAMILIES[1],
            Family::Gamma { .. } => FAMILIES[2],
            Family::Weibull { .. } => FAMILIES[3],
        }
    }

    /// Number of free parameters (for AIC).
    pub fn parameters(&self) -> usize {
        match self {
            Family::Exponential { .. } => 1,
            _ => 2,
        }
    }

    /// The parameters in words, e.g. "mu = 1.20, sigma = 0.50".
    pub fn parameter_words(&self) -> String {
        match *self {
            Family::Exponential { mean } => format!("mean = {}", sig(mean)),
            Family::LogNormal { mu, sigma } => format!("mu = {}, sigma = {}", sig(mu), sig(sigma)),
            Family::Gamma { shape, scale } | Family::Weibull { shape, scale } => {
                format!("shape = {}, scale = {}", sig(shape), sig(scale))
            }
        }
    }

    /// Mean [unit].
    pub fn mean(&self) -> f64 {
        match *self {
            Family::Exponential { mean } => mean,
            Family::LogNormal { mu, sigma } => (mu + sigma * sigma / 2.0).exp(),
            Family::Gamma { shape, scale } => shape * scale,
            Family::Weibull { shape, scale } => scale * ln_gamma(1.0 + 1.0 / shape).exp(),
        }
    }

    /// Standard deviation [unit].
    pub fn sd(&self) -> f64 {
        match *self {
            Family::Exponential { mean } => mean,
            Family::LogNormal { sigma, .. } => self.mean() * (sigma * sigma).exp_m1().sqrt(),
            Family::Gamma { shape, scale } => shape.sqrt() * scale,
            Family::Weibull { shape, scale } => {
                let g1 = ln_gamma(1.0 + 1.0 / shape).exp();
                let g2 = ln_gamma(1.0 + 2.0 / shape).exp();
                scale * (g2 - g1 * g1).max(0.0).sqrt()
            }
        }
    }

    /// ln f(x), the log density at `x` > 0.
    pub fn ln_pdf(&self, x: f64) -> f64 {
        match *self {
            Family::Exponential { mean } => -mean.ln() - x / mean,
            Family::LogNormal { mu, sigma } => {
                let z = (x.ln() - mu) / sigma;
                -0.5 * z * z - x.ln() - sigma.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln()
            }
            Family::Gamma { shape, scale } => {
                (shape - 1.0) * x.ln() - x / scale - shape * scale.ln() - ln_gamma(shape)
            }
            Family::Weibull { shape, scale } => {
                shape.ln() - scale.ln() + (shape - 1.0) * (x / scale).ln() - (x / scale).powf(shape)
            }
        }
    }

    /// ln S(x), the log probability of lasting longer than `x`.
    pub fn ln_sf(&self, x: f64) -> f64 {
        match *self {
            Family::Exponential { mean } => -x / mean,
            Family::LogNormal { mu, sigma } => {
                let z = (x.ln() - mu) / sigma;
                (0.5 * statrs::function::erf::erfc(z / std::f64::consts::SQRT_2)).ln()
            }
            Family::Gamma { shape, scale } => gamma_ur(shape, x / scale).ln(),
            Family::Weibull { shape, scale } => -(x / scale).powf(shape),
        }
    }

    /// F(x), the probability of lasting at most `x`.
    pub fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match *self {
            Family::Exponential { mean } => -(-x / mean).exp_m1(),
            Family::LogNormal { mu, sigma } => {
                0.5 * statrs::function::erf::erfc(
                    -(x.ln() - mu) / (sigma * std::f64::consts::SQRT_2),
                )
            }
            Family::Gamma { shape, scale } => statrs::function::gamma::gamma_lr(shape, x / scale),
            Family::Weibull { shape, scale } => -(-(x / scale).powf(shape)).exp_m1(),
        }
    }

    /// The `p` quantile (0 < p < 1) [unit].
    pub fn quantile(&self, p: f64) -> f64 {
        match *self {
            Family::Exponential { mean } => -mean * (-p).ln_1p(),
            Family::LogNormal { mu, sigma } => statrs::distribution::LogNormal::new(mu, sigma)
                .map_or(f64::NAN, |d| d.inverse_cdf(p)),
            Family::Gamma { shape, scale } => statrs::distribution::Gamma::new(shape, 1.0 / scale)
                .map_or(f64::NAN, |d| d.inverse_cdf(p)),
            Family::Weibull { shape, scale } => scale * (-(-p).ln_1p()).powf(1.0 / shape),
        }
    }

    /// The density at `x` (for charts).
    pub fn pdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            return 0.0;
        }
        match *self {
            Family::LogNormal { mu, sigma } => {
                statrs::distribution::LogNormal::new(mu, sigma).map_or(f64::NAN, |d| d.pdf(x))
            }
            _ => self.ln_pdf(x).exp(),
        }
    }

    /// The family as a carepath distribution, durations written with `unit` (`h` or `d`),
    /// e.g. `{ log_normal = { mean = "4.31 d", sd = "3.02 d" } }`; `None` for a family the
    /// scenario language does not have (Weibull).
    pub fn toml(&self, unit: &str) -> Option<String> {
        let v = |x: f64| format!("\"{} {unit}\"", sig(x));
        match *self {
            Family::Exponential { mean } => {
                Some(format!("{{ exponential = {{ mean = {} }} }}", v(mean)))
            }
            Family::LogNormal { .. } => Some(format!(
                "{{ log_normal = {{ mean = {}, sd = {} }} }}",
                v(self.mean()),
                v(self.sd())
            )),
            Family::Gamma { .. } => Some(format!(
                "{{ gamma = {{ mean = {}, sd = {} }} }}",
                v(self.mean()),
                v(self.sd())
            )),
            Family::Weibull { .. } => None,
        }
    }

    /// Draws `n` values (for the bootstrap).
    fn sample(&self, n: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
        match *self {
            Family::Exponential { mean } => rand_distr::Exp::new(1.0 / mean)
                .map(|d| (0..n).map(|_| d.sample(rng)).collect())
                .unwrap_or_default(),
            Family::LogNormal { mu, sigma } => rand_distr::LogNormal::new(mu, sigma)
                .map(|d| (0..n).map(|_| d.sample(rng)).collect())
                .unwrap_or_default(),
            Family::Gamma { shape, scale } => rand_distr::Gamma::new(shape, scale)
                .map(|d| (0..n).map(|_| d.sample(rng)).collect())
                .unwrap_or_default(),
            Family::Weibull { shape, scale } => rand_distr::Weibull::new(scale, shape)
                .map(|d| (0..n).map(|_| d.sample(rng)).collect())
                .unwrap_or_default(),
        }
    }
}

/// A number with four significant figures, without a trailing `.0` or exponent for the
/// values durations take.
pub fn sig(x: f64) -> String {
    if !x.is_finite() {
        return String::new();
    }
    if x == 0.0 {
        return "0".to_string();
    }
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 12) as usize;
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// One family fitted and scored.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyFit {
    /// The family at its maximum-likelihood parameters.
    pub family: Family,
    /// The maximised log-likelihood (densities in the extract's unit).
    pub log_likelihood: f64,
    /// Akaike's information criterion, 2p − 2 ln L.
    pub aic: f64,
    /// Kolmogorov–Smirnov distance from the empirical (or Kaplan–Meier) CDF.
    pub ks: f64,
    /// Its p-value, where one is computed (see [`PValue`]).
    pub p_value: Option<f64>,
}

/// How the p-values of a fit were computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PValue {
    /// Parametric bootstrap with this many samples.
    Bootstrap(usize),
    /// Asymptotic Kolmogorov distribution (conservative with estimated parameters).
    Asymptotic,
    /// None: some values are censored.
    Censored,
}

impl PValue {
    /// In words, for the output.
    pub fn words(&self) -> String {
        match self {
            PValue::Bootstrap(b) => format!("parametric bootstrap, {b} refitted samples"),
            PValue::Asymptotic => "asymptotic Kolmogorov distribution (too large when, as here, the parameters come from the same data)".to_string(),
            PValue::Censored => "none: with censored stays the distance is from the Kaplan-Meier curve and has no standard p-value".to_string(),
        }
    }
}

/// Every family fitted to one group of durations, best (lowest AIC) first.
#[derive(Debug, Clone)]
pub struct DurationFit {
    /// Observations fitted.
    pub n: usize,
    /// Of which right-censored.
    pub censored: usize,
    /// The families, lowest AIC first.
    pub fits: Vec<FamilyFit>,
    /// How the p-values were computed.
    pub p_value: PValue,
    /// The empirical distribution as (value, weight) pairs: equal-probability quantiles of
    /// the Kaplan–Meier curve; where that curve never reaches zero (the longest stay still
    /// in progress), the mass beyond it sits on the longest value.
    pub empirical: Vec<(f64, f64)>,
    /// The Kaplan–Meier curve: (time, probability of lasting at most that long) at each
    /// completed value.
    pub kaplan_meier: Vec<(f64, f64)>,
}

impl DurationFit {
    /// The best family the scenario language can express (Weibull is not one), with its
    /// rank from 0.
    pub fn best_expressible(&self) -> Option<(usize, &FamilyFit)> {
        self.fits
            .iter()
            .enumerate()
            .find(|(_, f)| f.family.toml("h").is_some())
    }

    /// The empirical distribution as a carepath `empirical`, values in `unit`.
    pub fn empirical_toml(&self, unit: &str) -> String {
        let values: Vec<String> = self
            .empirical
            .iter()
            .map(|(v, _)| format!("\"{} {unit}\"", sig(*v)))
            .collect();
        let weights: Vec<String> = self.empirical.iter().map(|(_, w)| sig(*w)).collect();
        format!(
            "{{ empirical = {{ values = [{}], weights = [{}] }} }}",
            values.join(", "),
            weights.join(", ")
        )
    }
}

/// Why a group cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DurationError {
    /// Too few completed (uncensored) durations.
    #[error("only {completed} completed durations (at least {MIN_COMPLETED} are needed to fit)")]
    TooFew {
        /// Completed durations found.
        completed: usize,
    },
    /// A value is not a positive finite number.
    #[error("a duration of {0} cannot be fitted (values must be above zero)")]
    NotPositive(f64),
}

/// Fewest completed durations a group needs.
pub const MIN_COMPLETED: usize = 10;

/// Fits every family to `data` and ranks them by AIC; `bootstrap` samples for the KS
/// p-values (0 for the asymptotic value), drawn from streams seeded with `seed`.
///
/// # Errors
/// [`DurationError`] for fewer than [`MIN_COMPLETED`] completed values or a value that is
/// not positive and finite.
pub fn fit(
    data: &[Observation],
    bootstrap: usize,
    seed: u64,
) -> Result<DurationFit, DurationError> {
    if let Some(bad) = data
        .iter()
        .find(|o| !(o.value.is_finite() && o.value > 0.0))
    {
        return Err(DurationError::NotPositive(bad.value));
    }
    let completed = data.iter().filter(|o| !o.censored).count();
    if completed < MIN_COMPLETED {
        return Err(DurationError::TooFew { completed });
    }
    let stats = Stats::new(data);
    let censored = data.len() - completed;
    let kaplan_meier = kaplan_meier(data);
    let mut fits: Vec<FamilyFit> = fit_all(&stats, data)
        .into_iter()
        .map(|family| {
            let ll = stats.log_likelihood(&family, data);
            let ks = if censored == 0 {
                ks_distance(&family, &stats.sorted_completed)
            } else {
                km_distance(&family, &kaplan_meier)
            };
            FamilyFit {
                family,
                log_likelihood: ll,
                aic: 2.0 * family.parameters() as f64 - 2.0 * ll,
                ks,
                p_value: None,
            }
        })
        .collect();
    let p_value = if censored > 0 {
        PValue::Censored
    } else if bootstrap == 0 {
        let n = data.len() as f64;
        for f in &mut fits {
            f.p_value = Some(kolmogorov_p(f.ks, n));
        }
        PValue::Asymptotic
    } else {
        for (index, f) in fits.iter_mut().enumerate() {
            f.p_value = Some(bootstrap_p(f, index, data.len(), bootstrap, seed));
        }
        PValue::Bootstrap(bootstrap)
    };
    fits.sort_by(|a, b| a.aic.total_cmp(&b.aic));
    Ok(DurationFit {
        n: data.len(),
        censored,
        fits,
        p_value,
        empirical: empirical_quantiles(&kaplan_meier, 20),
        kaplan_meier,
    })
}

/// Sufficient statistics and sorted values of one data set.
struct Stats {
    /// Completed values, sorted.
    sorted_completed: Vec<f64>,
    /// Censored values.
    censored: Vec<f64>,
    /// Σ x over completed values.
    sum: f64,
    /// Σ ln x over completed values.
    sum_ln: f64,
    /// Σ (ln x)² over completed values.
    sum_ln2: f64,
    /// Σ x over all values (exposure).
    total_time: f64,
}

impl Stats {
    fn new(data: &[Observation]) -> Stats {
        let mut sorted_completed: Vec<f64> = data
            .iter()
            .filter(|o| !o.censored)
            .map(|o| o.value)
            .collect();
        sorted_completed.sort_by(f64::total_cmp);
        let censored = data
            .iter()
            .filter(|o| o.censored)
            .map(|o| o.value)
            .collect();
        Stats {
            sum: sorted_completed.iter().sum(),
            sum_ln: sorted_completed.iter().map(|x| x.ln()).sum(),
            sum_ln2: sorted_completed.iter().map(|x| x.ln().powi(2)).sum(),
            total_time: data.iter().map(|o| o.value).sum(),
            sorted_completed,
            censored,
        }
    }

    fn completed(&self) -> f64 {
        self.sorted_completed.len() as f64
    }

    /// ln L: densities of completed values, survival of censored ones.
    fn log_likelihood(&self, family: &Family, _data: &[Observation]) -> f64 {
        let d = self.completed();
        let completed = match *family {
            // Sums of the density's terms over completed values, from sufficient statistics.
            Family::Exponential { mean } => -d * mean.ln() - self.sum / mean,
            Family::LogNormal { mu, sigma } => {
                let ss = self.sum_ln2 - 2.0 * mu * self.sum_ln + d * mu * mu;
                -ss / (2.0 * sigma * sigma)
                    - self.sum_ln
                    - d * sigma.ln()
                    - 0.5 * d * (2.0 * std::f64::consts::PI).ln()
            }
            Family::Gamma { shape, scale } => {
                (shape - 1.0) * self.sum_ln
                    - self.sum / scale
                    - d * (shape * scale.ln() + ln_gamma(shape))
            }
            Family::Weibull { .. } => self
                .sorted_completed
                .iter()
                .map(|x| family.ln_pdf(*x))
                .sum(),
        };
        completed + self.censored.iter().map(|c| family.ln_sf(*c)).sum::<f64>()
    }
}

/// Maximum-likelihood fits of the four families (see the module notes for the methods).
fn fit_all(stats: &Stats, data: &[Observation]) -> Vec<Family> {
    let d = stats.completed();
    let exponential = Family::Exponential {
        mean: stats.total_time / d,
    };
    let mu = stats.sum_ln / d;
    let sigma = (stats.sum_ln2 / d - mu * mu).max(1e-12).sqrt();
    let naive_lognormal = Family::LogNormal { mu, sigma };
    let mean = stats.sum / d;
    let shape = gamma_shape(mean.ln() - mu);
    let naive_gamma = Family::Gamma {
        shape,
        scale: mean / shape,
    };
    let weibull = fit_weibull(stats);
    if stats.censored.is_empty() {
        return vec![exponential, naive_lognormal, naive_gamma, weibull];
    }
    let lognormal = {
        let f = |p: [f64; 2]| {
            -stats.log_likelihood(
                &Family::LogNormal {
                    mu: p[0],
                    sigma: p[1].exp(),
                },
                data,
            )
        };
        let best = nelder_mead(f, [mu, sigma.ln()], [0.1 * sigma.max(0.1), 0.1]);
        Family::LogNormal {
            mu: best[0],
            sigma: best[1].exp(),
        }
    };
    let gamma = {
        let f = |p: [f64; 2]| {
            -stats.log_likelihood(
                &Family::Gamma {
                    shape: p[0].exp(),
                    scale: p[1].exp(),
                },
                data,
            )
        };
        let best = nelder_mead(f, [shape.ln(), (mean / shape).ln()], [0.1, 0.1]);
        Family::Gamma {
            shape: best[0].exp(),
            scale: best[1].exp(),
        }
    };
    vec![exponential, lognormal, gamma, weibull]
}

/// The gamma shape k with ln k − ψ(k) = `s` (s = ln mean − mean ln x > 0), by bisection
/// on ln k over [1e-6, 1e8] (the left side falls from +∞ to 0 as k grows).
fn gamma_shape(s: f64) -> f64 {
    if !(s.is_finite() && s > 0.0) {
        return 1e8; // all values equal: no spread, an extreme shape
    }
    let (mut lo, mut hi) = ((1e-6f64).ln(), (1e8f64).ln());
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        let k = mid.exp();
        if k.ln() - digamma(k) > s {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi)).exp()
}

/// Weibull by profile likelihood in the shape (scale in closed form given the shape),
/// golden-section search on ln k over [ln 0.01, ln 100]. Values are divided by their
/// geometric mean first so that xᵏ stays in range.
fn fit_weibull(stats: &Stats) -> Family {
    let d = stats.completed();
    let g = (stats.sum_ln / d).exp();
    let completed_ln: f64 = stats.sorted_completed.iter().map(|x| (x / g).ln()).sum();
    let all: Vec<f64> = stats
        .sorted_completed
        .iter()
        .chain(&stats.censored)
        .map(|x| x / g)
        .collect();
    let sum_pow = |k: f64| all.iter().map(|x| x.powf(k)).sum::<f64>();
    // Profile ln L(k) up to a constant: d ln k − d ln(Σ xᵏ / d) + (k − 1) Σ_completed ln x.
    let profile = |ln_k: f64| {
        let k = ln_k.exp();
        d * k.ln() - d * (sum_pow(k) / d).ln() + (k - 1.0) * completed_ln
    };
    let phi = (5f64.sqrt() - 1.0) / 2.0;
    let (mut a, mut b) = ((0.01f64).ln(), (100f64).ln());
    let mut c = b - phi * (b - a);
    let mut e = a + phi * (b - a);
    let (mut fc, mut fe) = (profile(c), profile(e));
    for _ in 0..80 {
        if fc > fe {
            b = e;
            e = c;
            fe = fc;
            c = b - phi * (b - a);
            fc = profile(c);
        } else {
            a = c;
            c = e;
            fc = fe;
            e = a + phi * (b - a);
            fe = profile(e);
        }
    }
    let k = (0.5 * (a + b)).exp();
    let scale = g * (sum_pow(k) / d).powf(1.0 / k);
    Family::Weibull { shape: k, scale }
}

/// Nelder–Mead minimisation of `f` over two parameters from `start` with initial steps
/// `step`: reflection 1, expansion 2, contraction ½, shrink ½; stops when the simplex's
/// values agree to 1e-10 (relative) or after 2,000 iterations.
fn nelder_mead(f: impl Fn([f64; 2]) -> f64, start: [f64; 2], step: [f64; 2]) -> [f64; 2] {
    let value = |p: [f64; 2]| {
        let v = f(p);
        if v.is_nan() { f64::INFINITY } else { v }
    };
    let mut simplex = [
        start,
        [start[0] + step[0], start[1]],
        [start[0], start[1] + step[1]],
    ];
    let mut values = simplex.map(value);
    for _ in 0..2000 {
        let mut order = [0, 1, 2];
        order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
        simplex = order.map(|i| simplex[i]);
        values = order.map(|i| values[i]);
        if (values[2] - values[0]).abs() <= 1e-10 * (1.0 + values[0].abs()) {
            break;
        }
        let centroid = [
            (simplex[0][0] + simplex[1][0]) / 2.0,
            (simplex[0][1] + simplex[1][1]) / 2.0,
        ];
        let towards = |t: f64| {
            [
                centroid[0] + t * (simplex[2][0] - centroid[0]),
                centroid[1] + t * (simplex[2][1] - centroid[1]),
            ]
        };
        let reflected = towards(-1.0);
        let fr = value(reflected);
        if fr < values[0] {
            let expanded = towards(-2.0);
            let fe = value(expanded);
            if fe < fr {
                (simplex[2], values[2]) = (expanded, fe);
            } else {
                (simplex[2], values[2]) = (reflected, fr);
            }
        } else if fr < values[1] {
            (simplex[2], values[2]) = (reflected, fr);
        } else {
            let contracted = if fr < values[2] {
                towards(-0.5)
            } else {
                towards(0.5)
            };
            let fc = value(contracted);
            if fc < values[2].min(fr) {
                (simplex[2], values[2]) = (contracted, fc);
            } else {
                for i in 1..3 {
                    simplex[i] = [
                        simplex[0][0] + 0.5 * (simplex[i][0] - simplex[0][0]),
                        simplex[0][1] + 0.5 * (simplex[i][1] - simplex[0][1]),
                    ];
                    values[i] = value(simplex[i]);
                }
            }
        }
    }
    let best = (0..3)
        .min_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap_or(0);
    simplex[best]
}

/// KS distance D = sup |F_n − F| for sorted values.
fn ks_distance(family: &Family, sorted: &[f64]) -> f64 {
    let n = sorted.len() as f64;
    sorted
        .iter()
        .enumerate()
        .map(|(i, x)| {
            let f = family.cdf(*x);
            (f - i as f64 / n).max((i + 1) as f64 / n - f)
        })
        .fold(0.0, f64::max)
}

/// Largest gap between the Kaplan–Meier curve (a step function) and the fitted CDF, over
/// the completed values.
fn km_distance(family: &Family, km: &[(f64, f64)]) -> f64 {
    let mut before = 0.0;
    let mut d: f64 = 0.0;
    for (t, f_km) in km {
        let f = family.cdf(*t);
        d = d.max((f - before).abs()).max((f_km - f).abs());
        before = *f_km;
    }
    d
}

/// Asymptotic Kolmogorov p-value of distance `d` with `n` values, with Stephens' (1970)
/// finite-sample correction λ = (√n + 0.12 + 0.11/√n) d: Q(λ) = 2 Σ (−1)^(j−1) e^(−2j²λ²).
pub fn kolmogorov_p(d: f64, n: f64) -> f64 {
    let sqrt_n = n.sqrt();
    let lambda = (sqrt_n + 0.12 + 0.11 / sqrt_n) * d;
    if lambda < 0.2 {
        return 1.0;
    }
    let mut sum = 0.0;
    for j in 1..=100 {
        let j = f64::from(j);
        let term = (-2.0 * j * j * lambda * lambda).exp();
        sum += if j as i64 % 2 == 1 { term } else { -term };
        if term < 1e-12 {
            break;
        }
    }
    (2.0 * sum).clamp(0.0, 1.0)
}

/// Parametric-bootstrap p-value of a fitted family's KS distance: `b` samples of size `n`
/// from the fit, each refitted within the same family; stream `index` × `b` + i of `seed`.
fn bootstrap_p(fit: &FamilyFit, index: usize, n: usize, b: usize, seed: u64) -> f64 {
    let exceed: usize = (0..b)
        .into_par_iter()
        .map(|i| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            rng.set_stream((index * b + i) as u64);
            let values = fit.family.sample(n, &mut rng);
            let data: Vec<Observation> = values
                .into_iter()
                .map(|value| Observation {
                    value: value.max(f64::MIN_POSITIVE),
                    censored: false,
                })
                .collect();
            let stats = Stats::new(&data);
            let refit = fit_all(&stats, &data)
                .into_iter()
                .find(|f| f.name() == fit.family.name())
                .unwrap_or(fit.family);
            usize::from(ks_distance(&refit, &stats.sorted_completed) >= fit.ks)
        })
        .sum();
    (1 + exceed) as f64 / (b + 1) as f64
}

/// The Kaplan–Meier estimate of F (Kaplan & Meier 1958): (time, F(time)) at each distinct
/// completed value. Censored values tied with completed ones count as at risk there.
pub fn kaplan_meier(data: &[Observation]) -> Vec<(f64, f64)> {
    let mut sorted: Vec<Observation> = data.to_vec();
    // Completed before censored at equal times.
    sorted.sort_by(|a, b| {
        a.value
            .total_cmp(&b.value)
            .then(a.censored.cmp(&b.censored))
    });
    let mut at_risk = sorted.len() as f64;
    let mut survival = 1.0;
    let mut curve = Vec::new();
    let mut i = 0;
    while i < sorted.len() {
        let t = sorted[i].value;
        let mut events = 0.0;
        let mut leaving = 0.0;
        while i < sorted.len() && sorted[i].value == t {
            if !sorted[i].censored {
                events += 1.0;
            }
            leaving += 1.0;
            i += 1;
        }
        if events > 0.0 {
            survival *= 1.0 - events / at_risk;
            curve.push((t, 1.0 - survival));
        }
        at_risk -= leaving;
    }
    curve
}

/// `levels` equal-probability quantiles of the Kaplan–Meier curve at (j + ½)/levels, with
/// equal weights; levels the curve never reaches are put on its largest time.
fn empirical_quantiles(km: &[(f64, f64)], levels: usize) -> Vec<(f64, f64)> {
    let Some(last) = km.last() else {
        return Vec::new();
    };
    let mut out: Vec<(f64, f64)> = Vec::new();
    for j in 0..levels {
        let p = (j as f64 + 0.5) / levels as f64;
        let value = km.iter().find(|(_, f)| *f >= p).map_or(last.0, |(t, _)| *t);
        match out.last_mut() {
            Some((v, w)) if *v == value => *w += 1.0,
            _ => out.push((value, 1.0)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draws(dist: impl rand_distr::Distribution<f64>, n: usize, seed: u64) -> Vec<f64> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        (0..n).map(|_| dist.sample(&mut rng)).collect()
    }

    fn complete(values: &[f64]) -> Vec<Observation> {
        values
            .iter()
            .map(|&value| Observation {
                value,
                censored: false,
            })
            .collect()
    }

    #[test]
    fn gamma_shape_solves_its_equation() {
        for k in [0.3f64, 1.0, 2.5, 40.0] {
            let s = k.ln() - digamma(k);
            assert!((gamma_shape(s) / k - 1.0).abs() < 1e-9, "k = {k}");
        }
    }

    #[test]
    fn nelder_mead_finds_the_minimum_of_a_bowl() {
        let best = nelder_mead(
            |p| (p[0] - 3.0).powi(2) + 10.0 * (p[1] + 1.0).powi(2),
            [0.0, 0.0],
            [1.0, 1.0],
        );
        assert!(
            (best[0] - 3.0).abs() < 1e-4 && (best[1] + 1.0).abs() < 1e-4,
            "{best:?}"
        );
    }

    #[test]
    fn kolmogorov_p_matches_tabled_values() {
        // Large-sample critical values: D √n = 1.358 at 5%, 1.628 at 1% (Smirnov 1948).
        let n: f64 = 1e6;
        assert!((kolmogorov_p(1.358 / n.sqrt(), n) - 0.05).abs() < 0.002);
        assert!((kolmogorov_p(1.628 / n.sqrt(), n) - 0.01).abs() < 0.001);
    }

    #[test]
    fn kaplan_meier_matches_a_hand_worked_example() {
        // 1, 2+, 3, 4: S(1) = 3/4; at 3 two at risk: S = 3/4 × 1/2 = 3/8; at 4: 0.
        let data = [(1.0, false), (2.0, true), (3.0, false), (4.0, false)]
            .map(|(value, censored)| Observation { value, censored });
        let km = kaplan_meier(&data);
        assert_eq!(km, vec![(1.0, 0.25), (3.0, 0.625), (4.0, 1.0)]);
    }

    #[test]
    fn weibull_is_recovered_and_ranked_first() {
        let values = draws(rand_distr::Weibull::new(5.0, 1.5).unwrap(), 20_000, 7);
        let fit = fit(&complete(&values), 0, 1).unwrap();
        assert_eq!(fit.fits[0].family.name(), "Weibull");
        let Family::Weibull { shape, scale } = fit.fits[0].family else {
            unreachable!()
        };
        assert!((shape / 1.5 - 1.0).abs() < 0.02, "shape {shape}");
        assert!((scale / 5.0 - 1.0).abs() < 0.02, "scale {scale}");
        // Weibull is not in the scenario language: the best it can write is another family.
        let (rank, best) = fit.best_expressible().unwrap();
        assert!(rank > 0 && best.family.toml("d").is_some());
    }

    #[test]
    fn exponential_is_ranked_first_for_exponential_data_and_p_value_is_not_small() {
        let values = draws(rand_distr::Exp::new(0.5).unwrap(), 2_000, 3);
        let fit = fit(&complete(&values), 99, 11).unwrap();
        // With one parameter fewer, the exponential wins AIC on exponential data
        // unless chance favours a two-parameter family by more than 2 log-likelihood units.
        let exp = fit
            .fits
            .iter()
            .find(|f| f.family.name() == "exponential")
            .unwrap();
        assert!(exp.aic - fit.fits[0].aic < 2.0, "{:?}", fit.fits);
        let p = exp.p_value.unwrap();
        assert!(p > 0.05, "p = {p}");
        // A wrong family is rejected: the log-normal on exponential data.
        let ln = fit
            .fits
            .iter()
            .find(|f| f.family.name() == "log-normal")
            .unwrap();
        assert!(ln.p_value.unwrap() < 0.02, "{ln:?}");
    }

    #[test]
    fn distributions_print_as_carepath_accepts_them() {
        let f = Family::LogNormal {
            mu: 0.0,
            sigma: 0.5,
        };
        assert_eq!(
            f.toml("d").unwrap(),
            "{ log_normal = { mean = \"1.133\", sd = \"0.6039\" } }"
                .replace(".133\"", ".133 d\"")
                .replace(".6039\"", ".6039 d\"")
        );
        assert_eq!(sig(1234.5678), "1235");
        assert_eq!(sig(0.012345), "0.01235");
        assert_eq!(sig(2.0), "2");
    }
}
