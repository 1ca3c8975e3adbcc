//! Point-by-point summaries of curves across replications: for every point of a curve (an
//! hour of the week, a percentile of waits), the mean over replications and its 95% interval.

use super::statistics::{RunningMoments, clip_to_range, t_critical_95};

/// A curve's mean across replications and its pointwise 95% confidence band.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Mean at each point.
    pub mean: Vec<f64>,
    /// Lower end of the 95% Student-t interval at each point (the mean for one replication),
    /// clipped at 0: every curve is a level or a wait, never negative (see
    /// [`super::statistics::clip_to_range`]).
    pub low: Vec<f64>,
    /// Upper end of the 95% interval at each point (the mean for one replication).
    pub high: Vec<f64>,
}

/// Running sums of curves across replications, point by point, for a [`Band`] without
/// keeping the curves: per point a [`RunningMoments`] (the mean exactly as a two-pass one,
/// the variance by Welford's updates).
#[derive(Debug, Clone, PartialEq)]
pub struct BandSums {
    /// Curves added (non-empty ones).
    curves: usize,
    /// Per point: the running sums of its values (a NaN value is left out).
    points: Vec<RunningMoments>,
}

impl BandSums {
    /// Empty sums for curves of `points` points.
    pub fn new(points: usize) -> Self {
        BandSums {
            curves: 0,
            points: vec![RunningMoments::new(); points],
        }
    }

    /// Adds one replication's curve; an empty curve (nothing observed) is left out, and so is
    /// a NaN point. Points beyond the first curve's length are ignored.
    pub fn add(&mut self, curve: &[f64]) {
        if curve.is_empty() {
            return;
        }
        self.curves += 1;
        for (moments, &value) in self.points.iter_mut().zip(curve) {
            moments.add(value);
        }
    }

    /// The band: per point the mean and its 95% Student-t interval (the mean itself for a
    /// single value, NaN for none); `None` if no curve was added.
    pub fn band(&self) -> Option<Band> {
        if self.curves == 0 {
            return None;
        }
        let points = self.points.len();
        let mut result = Band {
            mean: Vec::with_capacity(points),
            low: Vec::with_capacity(points),
            high: Vec::with_capacity(points),
        };
        for moments in &self.points {
            let mean = moments.mean();
            let (low, high) = match moments.count() {
                0 | 1 => (mean, mean),
                n => {
                    let half = t_critical_95(n) * moments.variance().sqrt() / (n as f64).sqrt();
                    clip_to_range(mean, mean - half, mean + half, (0.0, f64::INFINITY))
                }
            };
            result.mean.push(mean);
            result.low.push(low);
            result.high.push(high);
        }
        Some(result)
    }
}

/// The band of `curves` (one per replication, all the same length); `None` if there are no
/// curves or they are empty.
pub fn band<'a>(curves: impl IntoIterator<Item = &'a [f64]>) -> Option<Band> {
    let curves: Vec<&[f64]> = curves.into_iter().filter(|c| !c.is_empty()).collect();
    let mut sums = BandSums::new(curves.first()?.len());
    for curve in curves {
        sums.add(curve);
    }
    sums.band()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_is_the_pointwise_interval() {
        let curves: [&[f64]; 3] = [&[1.0, 10.0], &[2.0, 10.0], &[3.0, 10.0]];
        let band = band(curves).expect("three curves");
        assert_eq!(band.mean, vec![2.0, 10.0]);
        let half = 4.302_652_7 * 1.0 / 3f64.sqrt();
        // 2 - 2.48 is below 0, which no level or wait can be: clipped there.
        assert_eq!(band.low[0], 0.0);
        assert!((band.high[0] - (2.0 + half)).abs() < 1e-6);
        assert_eq!((band.low[1], band.high[1]), (10.0, 10.0));
    }

    #[test]
    fn one_curve_has_no_width_and_none_gives_nothing() {
        let band1 = band([&[4.0, 5.0][..]]).expect("one curve");
        assert_eq!(band1.low, band1.mean);
        assert_eq!(band1.high, band1.mean);
        assert!(band(std::iter::empty()).is_none());
        assert!(band([&[][..]]).is_none());
    }

    /// The running sums give the two-pass interval (issue 9 item 10: curves are reduced as
    /// replications finish), and a point with no value in a replication is left out there.
    #[test]
    fn running_sums_match_the_two_pass_interval() {
        use crate::experiment::statistics::mean_sd_ci;
        let values: Vec<f64> = (0..37)
            .map(|i| 1e6 + ((i * 7919) % 101) as f64 * 0.37)
            .collect();
        let curves: Vec<[f64; 2]> = values.iter().map(|v| [*v, f64::NAN]).collect();
        let band = band(curves.iter().map(|c| &c[..])).expect("curves");
        let (mean, _, low, high) = mean_sd_ci(&values);
        assert_eq!(band.mean[0], mean);
        assert!((band.low[0] - low).abs() < 1e-9 && (band.high[0] - high).abs() < 1e-9);
        assert!(band.mean[1].is_nan(), "no value at any replication");
    }

    /// Hours of waiting of 0, 0, 0 and 4 at one point: the raw band reaches 1 - 3.18 below 0
    /// and is clipped there; its top is the raw one.
    #[test]
    fn a_band_below_zero_is_clipped_at_zero() {
        let curves: [&[f64]; 4] = [&[0.0], &[0.0], &[0.0], &[4.0]];
        let band = band(curves).expect("curves");
        assert_eq!((band.mean[0], band.low[0]), (1.0, 0.0));
        assert_eq!(band.high[0], 1.0 + t_critical_95(4));
    }
}
