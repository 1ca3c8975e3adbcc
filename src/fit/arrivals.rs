//! Fitting a referral source's arrival pattern from the timestamps of its arrivals: the
//! quantities `[arrivals.NAME]` takes (`per_day`, `hour_profile`, `day_profile`,
//! `growth_per_year`), their 95% intervals, a test of whether the hour-of-day profile differs
//! by weekday, and the month-of-year profile when the window covers a year.
//!
//! The model is carepath's own (see `model::arrivals`): a Poisson process whose rate in
//! hour h of weekday d is per_day × 7 × day_share(d) × hour_share(h), growing by
//! `growth_per_year`. Estimates, over a window of whole days:
//! - the rate on weekday d, r(d) = arrivals on d / days d occurs in the window; `per_day` =
//!   mean of r(d) over the week; `day_profile` = r(d) / per_day; interval for `per_day`, a
//!   weighted sum of Poisson counts, by the gamma method of Fay and Feuer (1997);
//! - hour shares = arrivals in hour h / all arrivals, with Wilson score intervals (pointwise
//!   95%, and simultaneous 95% over the 24 hours by Bonferroni);
//! - weekday test: Pearson's chi-square test of independence of weekday and hour in the 7 ×
//!   24 table of counts (df = (7 − 1)(24 − 1) for a full table), valid when few expected
//!   counts are below 5 (the share is reported);
//! - growth: Poisson regression of daily counts on time with the weekday rates as offsets,
//!   by Newton's method; its interval from the Fisher information;
//! - month-of-year: arrivals in each calendar month over their expected number without a
//!   month effect (growth and weekday included), normalised to average 1.

use jiff::civil::{Date, DateTime};
use statrs::distribution::{ChiSquared, ContinuousCDF, DiscreteCDF, Poisson};

/// Days in the year over which `growth_per_year` applies (as in `model::arrivals`).
const DAYS_PER_YEAR: f64 = 365.0;

/// Fewest whole days in a window: every weekday must occur.
pub const MIN_DAYS: i64 = 7;

/// Window length from which growth and the month-of-year profile are written [days]: 52
/// weeks, a year to the nearest whole week.
pub const YEAR_DAYS: i64 = 364;

/// A value with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// The estimate.
    pub value: f64,
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

impl Interval {
    /// Whether `x` lies in [low, high].
    pub fn contains(&self, x: f64) -> bool {
        self.low <= x && x <= self.high
    }
}

/// The weekday test's result.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WeekdayTest {
    /// Pearson's X².
    pub chi_square: f64,
    /// Degrees of freedom.
    pub df: f64,
    /// P-value (upper tail of χ²(df)).
    pub p_value: f64,
    /// Share of cells whose expected count is below 5 (the approximation wants few).
    pub sparse_share: f64,
}

impl WeekdayTest {
    /// Whether the profiles differ at the 5% level.
    pub fn differs(&self) -> bool {
        self.p_value < 0.05
    }
}

/// One source's fitted arrival pattern.
#[derive(Debug, Clone)]
pub struct ArrivalFit {
    /// Arrivals in the window.
    pub arrivals: usize,
    /// First day of the window.
    pub from: Date,
    /// Last day of the window, included (it may be 9999-12-31, the last date there is: a
    /// window is never held as the day after its end).
    pub to: Date,
    /// Whole days in the window.
    pub days: i64,
    /// Days of each weekday in the window, Monday first.
    pub weekday_days: [i64; 7],
    /// Arrivals by hour of the week (Monday 00:00-01:00 first).
    pub counts: [u64; 168],
    /// Mean referrals per day over a week [patients/day].
    pub per_day: Interval,
    /// Referrals per day on each weekday, Monday first [patients/day].
    pub weekday_rate: [Interval; 7],
    /// `day_profile` weights (average 1), Monday first.
    pub day_profile: [f64; 7],
    /// Hour-of-day shares (sum 1) with pointwise 95% intervals.
    pub hour_share: [Interval; 24],
    /// Hour-of-day shares with simultaneous 95% intervals (Bonferroni over 24).
    pub hour_share_simultaneous: [Interval; 24],
    /// Whether the hour profile differs by weekday.
    pub weekday_test: Option<WeekdayTest>,
    /// Growth per year as a fraction, with its interval; `None` if it cannot be estimated.
    pub growth_per_year: Option<Interval>,
    /// Month-of-year weights (January first, average 1), for windows of a year or more.
    pub month_profile: Option<[f64; 12]>,
}

impl ArrivalFit {
    /// Expected arrivals in each hour of the week over the window under the fitted
    /// (hour × day) model, with the 95% Poisson range of the observed count: (expected,
    /// low, high).
    pub fn expected_by_hour_of_week(&self) -> Vec<(f64, f64, f64)> {
        (0..168)
            .map(|s| {
                let (d, h) = (s / 24, s % 24);
                let expected = self.weekday_rate[d].value
                    * self.weekday_days[d] as f64
                    * self.hour_share[h].value;
                let (low, high) = poisson_range(expected);
                (expected, low, high)
            })
            .collect()
    }

    /// Weeks in the window (for words).
    pub fn weeks(&self) -> f64 {
        self.days as f64 / 7.0
    }
}

/// Why arrivals cannot be fitted.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ArrivalError {
    /// The window is shorter than a week.
    #[error(
        "the window has {0} whole days; at least {MIN_DAYS} are needed so that every weekday occurs"
    )]
    ShortWindow(i64),
    /// No arrivals in the window.
    #[error("no arrivals fall in the window")]
    NoArrivals,
}

/// Fits the pattern of `times` (all on days `from` to `to`, both included).
///
/// # Errors
/// [`ArrivalError`] for a window under a week or no arrivals.
pub fn fit(times: &[DateTime], from: Date, to: Date) -> Result<ArrivalFit, ArrivalError> {
    let days = days_between(from, to) + 1;
    if days < MIN_DAYS {
        return Err(ArrivalError::ShortWindow(days));
    }
    if times.is_empty() {
        return Err(ArrivalError::NoArrivals);
    }
    let mut weekday_days = [0i64; 7];
    let mut daily = vec![0u64; days as usize];
    let first_weekday = weekday_index(from);
    for j in 0..days as usize {
        weekday_days[(first_weekday + j) % 7] += 1;
    }
    let mut counts = [0u64; 168];
    for t in times {
        let d = weekday_index(t.date());
        counts[d * 24 + t.hour() as usize] += 1;
        let j = days_between(from, t.date());
        if (0..days).contains(&j) {
            daily[j as usize] += 1;
        }
    }
    let n = times.len() as f64;
    let by_day: Vec<f64> = (0..7)
        .map(|d| counts[d * 24..(d + 1) * 24].iter().sum::<u64>() as f64)
        .collect();
    let weekday_rate: [Interval; 7] = std::array::from_fn(|d| {
        let e = weekday_days[d] as f64;
        let r = by_day[d] / e;
        let half = 1.96 * by_day[d].sqrt() / e;
        Interval {
            value: r,
            low: (r - half).max(0.0),
            high: r + half,
        }
    });
    let per_day_value = weekday_rate.iter().map(|r| r.value).sum::<f64>() / 7.0;
    let weights: [f64; 7] = std::array::from_fn(|d| 1.0 / (7.0 * weekday_days[d] as f64));
    let (low, high) = weighted_poisson_interval(&by_day, &weights);
    let per_day = Interval {
        value: per_day_value,
        low,
        high,
    };
    let day_profile: [f64; 7] = std::array::from_fn(|d| weekday_rate[d].value / per_day_value);
    let by_hour: Vec<f64> = (0..24)
        .map(|h| (0..7).map(|d| counts[d * 24 + h]).sum::<u64>() as f64)
        .collect();
    let z_simultaneous = 3.0781; // Φ⁻¹(1 − 0.05 / 48)
    let hour_share = std::array::from_fn(|h| wilson(by_hour[h], n, 1.96));
    let hour_share_simultaneous = std::array::from_fn(|h| wilson(by_hour[h], n, z_simultaneous));
    let weekday_test = independence_test(&counts, &by_day, &by_hour, n);
    let growth = growth(&daily, from, &day_profile);
    let month_profile = (days >= YEAR_DAYS)
        .then(|| month_profile(&daily, from, &day_profile, growth.map_or(0.0, |g| g.1)))
        .flatten();
    Ok(ArrivalFit {
        arrivals: times.len(),
        from,
        to,
        days,
        weekday_days,
        counts,
        per_day,
        weekday_rate,
        day_profile,
        hour_share,
        hour_share_simultaneous,
        weekday_test,
        growth_per_year: growth.map(|g| g.0),
        month_profile,
    })
}

/// Weekday of `date`, Monday = 0.
pub fn weekday_index(date: Date) -> usize {
    date.weekday().to_monday_zero_offset() as usize
}

/// Whole days from `a` to `b`.
pub fn days_between(a: Date, b: Date) -> i64 {
    b.duration_since(a).as_secs().div_euclid(86_400)
}

/// The 95% interval of y = sum of `weights[i]` x `counts[i]`, each count Poisson: the gamma
/// interval of Fay and Feuer (1997, "Confidence intervals for directly standardized rates: a
/// method based on the gamma distribution", Statistics in Medicine 16:791-801). With v the
/// sum of weight^2 x count and w the largest weight, the bounds are
/// v / (2y) x chi2(0.025; 2y^2 / v) and (v + w^2) / (2(y + w)) x chi2(0.975; 2(y + w)^2 /
/// (v + w^2)), the lower bound 0 when y = 0. Never below zero, unlike y -/+ 1.96 sqrt(v) with
/// few counts; with equal weights it is the exact (Garwood) Poisson interval scaled by the
/// weight. `counts` and `weights` have equal lengths; weights are positive.
fn weighted_poisson_interval(counts: &[f64], weights: &[f64]) -> (f64, f64) {
    let y: f64 = counts.iter().zip(weights).map(|(c, w)| c * w).sum();
    let v: f64 = counts.iter().zip(weights).map(|(c, w)| c * w * w).sum();
    let w = weights.iter().copied().fold(0.0, f64::max);
    let quantile = |df: f64, p: f64| ChiSquared::new(df).map_or(f64::NAN, |d| d.inverse_cdf(p));
    let low = if y > 0.0 && v > 0.0 {
        v / (2.0 * y) * quantile(2.0 * y * y / v, 0.025)
    } else {
        0.0
    };
    let (v_up, y_up) = (v + w * w, y + w);
    let high = v_up / (2.0 * y_up) * quantile(2.0 * y_up * y_up / v_up, 0.975);
    (low, high)
}

/// Wilson score interval for `k` successes in `n` trials with normal quantile `z`.
fn wilson(k: f64, n: f64, z: f64) -> Interval {
    let p = k / n;
    let z2 = z * z;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = z / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Interval {
        value: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    }
}

/// The central 95% range of a Poisson count with mean `mean`.
fn poisson_range(mean: f64) -> (f64, f64) {
    match Poisson::new(mean) {
        Ok(p) => (p.inverse_cdf(0.025) as f64, p.inverse_cdf(0.975) as f64),
        Err(_) => (0.0, 0.0),
    }
}

/// Pearson's chi-square test of independence of weekday and hour (rows or columns with no
/// arrivals left out).
fn independence_test(
    counts: &[u64; 168],
    by_day: &[f64],
    by_hour: &[f64],
    n: f64,
) -> Option<WeekdayTest> {
    let days: Vec<usize> = (0..7).filter(|d| by_day[*d] > 0.0).collect();
    let hours: Vec<usize> = (0..24).filter(|h| by_hour[*h] > 0.0).collect();
    if days.len() < 2 || hours.len() < 2 {
        return None;
    }
    let mut x2 = 0.0;
    let mut sparse = 0usize;
    for &d in &days {
        for &h in &hours {
            let e = by_day[d] * by_hour[h] / n;
            if e < 5.0 {
                sparse += 1;
            }
            x2 += (counts[d * 24 + h] as f64 - e).powi(2) / e;
        }
    }
    let df = ((days.len() - 1) * (hours.len() - 1)) as f64;
    let p_value = ChiSquared::new(df).map_or(f64::NAN, |c| c.sf(x2));
    Some(WeekdayTest {
        chi_square: x2,
        df,
        p_value,
        sparse_share: sparse as f64 / (days.len() * hours.len()) as f64,
    })
}

/// Growth per year by Poisson regression of daily counts: E[y_j] = w(dow j) exp(a + b t_j),
/// t in years from the window's middle; returns (growth interval, b), or `None` for a window
/// under four weeks or a fit that does not converge.
fn growth(daily: &[u64], from: Date, day_profile: &[f64; 7]) -> Option<(Interval, f64)> {
    if daily.len() < 28 {
        return None;
    }
    let first = weekday_index(from);
    let middle = (daily.len() as f64 - 1.0) / 2.0;
    let points: Vec<(f64, f64, f64)> = daily
        .iter()
        .enumerate()
        .map(|(j, y)| {
            (
                (j as f64 - middle) / DAYS_PER_YEAR,
                day_profile[(first + j) % 7],
                *y as f64,
            )
        })
        .filter(|(_, w, _)| *w > 0.0)
        .collect();
    let total: f64 = points.iter().map(|p| p.2).sum();
    let weights: f64 = points.iter().map(|p| p.1).sum();
    let (mut a, mut b) = ((total / weights).ln(), 0.0);
    for _ in 0..50 {
        let (mut ua, mut ub, mut iaa, mut iab, mut ibb) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for (t, w, y) in &points {
            let mu = w * (a + b * t).exp();
            ua += y - mu;
            ub += t * (y - mu);
            iaa += mu;
            iab += t * mu;
            ibb += t * t * mu;
        }
        let det = iaa * ibb - iab * iab;
        if !(det.is_finite() && det > 0.0) {
            return None;
        }
        let da = (ibb * ua - iab * ub) / det;
        let db = (iaa * ub - iab * ua) / det;
        a += da;
        b += db;
        if da.abs() < 1e-12 && db.abs() < 1e-12 {
            let se = (iaa / det).sqrt();
            return Some((
                Interval {
                    value: b.exp_m1(),
                    low: (b - 1.96 * se).exp_m1(),
                    high: (b + 1.96 * se).exp_m1(),
                },
                b,
            ));
        }
    }
    None
}

/// Month-of-year weights (January first): observed over expected without a month effect,
/// normalised to average 1 over the months present; `None` if a month never occurs.
fn month_profile(daily: &[u64], from: Date, day_profile: &[f64; 7], b: f64) -> Option<[f64; 12]> {
    let first = weekday_index(from);
    let middle = (daily.len() as f64 - 1.0) / 2.0;
    let mut observed = [0.0; 12];
    let mut expected = [0.0; 12];
    let mut date = from;
    for (j, y) in daily.iter().enumerate() {
        let m = date.month() as usize - 1;
        observed[m] += *y as f64;
        expected[m] +=
            day_profile[(first + j) % 7] * (b * (j as f64 - middle) / DAYS_PER_YEAR).exp();
        // No day after the window's last (which may be 9999-12-31) is needed.
        if j + 1 < daily.len() {
            date = date.tomorrow().ok()?;
        }
    }
    if expected.iter().any(|e| *e <= 0.0) {
        return None;
    }
    let ratio: [f64; 12] = std::array::from_fn(|m| observed[m] / expected[m]);
    let mean = ratio.iter().sum::<f64>() / 12.0;
    (mean > 0.0).then(|| ratio.map(|r| r / mean))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn wilson_interval_matches_a_hand_worked_value() {
        // 10 of 100: Wilson 95% interval 0.0552 to 0.1744 (Newcombe 1998, table I style).
        let i = wilson(10.0, 100.0, 1.96);
        assert!(
            (i.low - 0.0552).abs() < 5e-4 && (i.high - 0.1744).abs() < 5e-4,
            "{i:?}"
        );
    }

    #[test]
    fn uniform_arrivals_give_flat_profiles_and_the_right_rate() {
        // One arrival at every half hour for 4 weeks: 48 a day, flat.
        let from = date(2025, 1, 6); // a Monday
        let times: Vec<DateTime> = (0..28 * 48)
            .map(|k| {
                from.to_datetime(jiff::civil::time(0, 0, 0, 0))
                    .checked_add(jiff::SignedDuration::from_mins(30 * k))
                    .unwrap()
            })
            .collect();
        let fit = fit(&times, from, date(2025, 2, 2)).unwrap();
        assert_eq!(fit.days, 28);
        assert!((fit.per_day.value - 48.0).abs() < 1e-9);
        assert!(fit.day_profile.iter().all(|w| (w - 1.0).abs() < 1e-12));
        assert!(
            fit.hour_share
                .iter()
                .all(|s| (s.value - 1.0 / 24.0).abs() < 1e-12)
        );
        let g = fit.growth_per_year.unwrap();
        assert!(g.value.abs() < 1e-9, "{g:?}");
        let test = fit.weekday_test.unwrap();
        assert!(test.chi_square < 1e-9 && test.p_value > 0.999);
        assert_eq!(test.df, 138.0);
    }

    /// Three arrivals in a week (each weekday once): per_day 3/7, and its interval the exact
    /// Poisson interval for 3 (0.6187 to 8.7673, Garwood 1936) over 7 days, not the
    /// normal approximation's 3/7 -/+ 1.96 sqrt(3)/7, whose lower end is below zero.
    #[test]
    fn a_few_arrivals_give_the_exact_poisson_interval() {
        let from = date(2025, 1, 6); // a Monday
        let times: Vec<DateTime> = [0, 3, 5]
            .iter()
            .map(|&d| {
                from.checked_add(jiff::Span::new().days(d))
                    .unwrap()
                    .to_datetime(jiff::civil::time(9, 0, 0, 0))
            })
            .collect();
        let fit = fit(&times, from, date(2025, 1, 12)).unwrap();
        assert!((fit.per_day.value - 3.0 / 7.0).abs() < 1e-12);
        assert!(
            (fit.per_day.low - 0.6187 / 7.0).abs() < 1e-4
                && (fit.per_day.high - 8.7673 / 7.0).abs() < 1e-4,
            "{:?}",
            fit.per_day
        );
        // Unequal weights (a weekday twice in a 10-day window): still inside (0, infinity)
        // and around the estimate.
        let fit = super::fit(&times, from, date(2025, 1, 15)).unwrap();
        let i = fit.per_day;
        assert!(0.0 < i.low && i.low < i.value && i.value < i.high, "{i:?}");
    }

    #[test]
    fn a_window_under_a_week_is_refused() {
        let from = date(2025, 1, 6);
        let t = from.to_datetime(jiff::civil::time(9, 0, 0, 0));
        assert_eq!(
            fit(&[t], from, date(2025, 1, 11)).unwrap_err(),
            ArrivalError::ShortWindow(6)
        );
    }
}
