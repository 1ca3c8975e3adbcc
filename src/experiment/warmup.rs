//! Choosing a warm-up: daily series averaged over replications, and the MSER-5 rule (White,
//! 1997): cut the first d batches of 5 days where the squared standard error of the mean of
//! what remains is smallest, looking no further than half the run.

use indicatif::ProgressBar;
use rayon::prelude::*;

use crate::model::scenario::Scenario;
use crate::model::{SimError, run_daily_series};

/// Days per MSER batch.
pub const BATCH_DAYS: usize = 5;

/// The recommended cut for one series.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmUpAdvice {
    /// Series name.
    pub series: String,
    /// Days to discard.
    pub days: usize,
    /// Mean of the series after the cut.
    pub mean_after: f64,
}

/// Daily series averaged over replications, with the advice for each.
#[derive(Debug, Clone, PartialEq)]
pub struct WarmUpStudy {
    /// Series names.
    pub names: Vec<String>,
    /// `means[series][day]`: the mean over replications.
    pub means: Vec<Vec<f64>>,
    /// MSER-5 advice, one per series.
    pub advice: Vec<WarmUpAdvice>,
}

/// MSER-5 on `series` (one value per day): the number of days to discard. Returns 0 for a
/// series too short to judge (fewer than two batches).
pub fn mser5(series: &[f64]) -> usize {
    let batches: Vec<f64> = series
        .chunks_exact(BATCH_DAYS)
        .map(|chunk| chunk.iter().sum::<f64>() / BATCH_DAYS as f64)
        .collect();
    let n = batches.len();
    if n < 2 {
        return 0;
    }
    let statistic = |d: usize| {
        let rest = &batches[d..];
        let k = rest.len() as f64;
        let mean = rest.iter().sum::<f64>() / k;
        rest.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / (k * k)
    };
    (0..=n / 2)
        .min_by(|&a, &b| statistic(a).total_cmp(&statistic(b)))
        .unwrap_or(0)
        * BATCH_DAYS
}

/// Daily series of `scenario` run from time zero (its warm-up included, nothing discarded),
/// averaged over `replications` replications, with MSER-5 advice for each series.
/// Replications run in parallel on the current rayon pool, in chunks of a few per thread;
/// their series are added to running sums in replication order and dropped, so the memory
/// does not grow with `replications` and the means are the same for any thread count.
pub fn advise(
    scenario: &Scenario,
    replications: u32,
    progress: &ProgressBar,
) -> Result<WarmUpStudy, SimError> {
    let mut whole = scenario.clone();
    whole.horizon = whole.warm_up + whole.horizon;
    whole.warm_up = crate::kernel::SimDuration::ZERO;
    let chunk = (rayon::current_num_threads() * 16).max(1) as u32;
    let mut names: Vec<String> = Vec::new();
    // Per series, per day: the sum over replications so far, in replication order.
    let mut sums: Vec<Vec<f64>> = Vec::new();
    let mut days = usize::MAX;
    let mut start = 0;
    while start < replications {
        let stop = start.saturating_add(chunk).min(replications);
        let runs: Vec<_> = (start..stop)
            .into_par_iter()
            .map(|r| {
                let series = run_daily_series(&whole, r);
                progress.inc(1);
                series
            })
            .collect::<Result<_, _>>()?;
        for run in runs {
            if sums.is_empty() {
                names = run.names.clone();
                sums = run.values.iter().map(|v| vec![-0.0; v.len()]).collect();
            }
            for (sum, values) in sums.iter_mut().zip(&run.values) {
                days = days.min(values.len());
                for (total, value) in sum.iter_mut().zip(values) {
                    *total += value;
                }
            }
        }
        start = stop;
    }
    if replications == 0 {
        return Ok(WarmUpStudy {
            names: Vec::new(),
            means: Vec::new(),
            advice: Vec::new(),
        });
    }
    let means: Vec<Vec<f64>> = sums
        .iter()
        .map(|sum| {
            sum.iter()
                .take(days)
                .map(|total| total / f64::from(replications))
                .collect()
        })
        .collect();
    let advice = names
        .iter()
        .zip(&means)
        .map(|(name, series)| {
            let days = mser5(series);
            let rest = &series[days.min(series.len())..];
            let mean_after = if rest.is_empty() {
                0.0
            } else {
                rest.iter().sum::<f64>() / rest.len() as f64
            };
            WarmUpAdvice {
                series: name.clone(),
                days,
                mean_after,
            }
        })
        .collect();
    Ok(WarmUpStudy {
        names,
        means,
        advice,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A series that falls linearly from 100 to 10 over 60 days, then fluctuates around 10:
    /// MSER-5 cuts at (about) the end of the transient.
    #[test]
    fn mser5_finds_a_known_transient() {
        let series: Vec<f64> = (0..400)
            .map(|day| {
                let wobble =
                    if day % 2 == 0 { 1.0 } else { -1.0 } * ((day * 7919) % 13) as f64 / 13.0;
                if day < 60 {
                    100.0 - 1.5 * day as f64
                } else {
                    10.0 + wobble
                }
            })
            .collect();
        let cut = mser5(&series);
        assert!((55..=70).contains(&cut), "cut at day {cut}");
    }

    #[test]
    fn a_stationary_series_needs_little_or_no_warm_up() {
        let series: Vec<f64> = (0..300)
            .map(|day| 5.0 + ((day * 31) % 7) as f64 / 7.0)
            .collect();
        assert!(mser5(&series) <= 10, "{}", mser5(&series));
        assert_eq!(mser5(&[1.0, 2.0, 3.0]), 0);
    }
}
