//! Point-by-point summaries of curves across replications: for every point of a curve (an
//! hour of the week, a percentile of waits), the mean over replications and its 95% interval.

use super::statistics::t_critical_95;

/// A curve's mean across replications and its pointwise 95% confidence band.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Mean at each point.
    pub mean: Vec<f64>,
    /// Lower end of the 95% Student-t interval at each point (the mean for one replication).
    pub low: Vec<f64>,
    /// Upper end of the 95% interval at each point (the mean for one replication).
    pub high: Vec<f64>,
}

/// Running sums of curves across replications, point by point, for a [`Band`] without
/// keeping the curves: per point the count, the sum (for a mean exactly as a two-pass one),
/// and sums of deviations from the first value (a shifted-data variance, exact for constant
/// points and free of cancellation when values are close; Chan, Golub and LeVeque, "Algorithms
/// for computing the sample variance", The American Statistician 37(3), 1983).
#[derive(Debug, Clone, PartialEq)]
pub struct BandSums {
    /// Curves added (non-empty ones).
    curves: usize,
    /// Per point: values added (a NaN value is left out).
    count: Vec<usize>,
    /// Per point: sum of the values.
    sum: Vec<f64>,
    /// Per point: the first value, the shift.
    shift: Vec<f64>,
    /// Per point: sum of (value - shift).
    shifted: Vec<f64>,
    /// Per point: sum of (value - shift) squared.
    shifted_squares: Vec<f64>,
}

impl BandSums {
    /// Empty sums for curves of `points` points.
    pub fn new(points: usize) -> Self {
        BandSums {
            curves: 0,
            count: vec![0; points],
            sum: vec![-0.0; points],
            shift: vec![0.0; points],
            shifted: vec![0.0; points],
            shifted_squares: vec![0.0; points],
        }
    }

    /// Adds one replication's curve; an empty curve (nothing observed) is left out, and so is
    /// a NaN point. Points beyond the first curve's length are ignored.
    pub fn add(&mut self, curve: &[f64]) {
        if curve.is_empty() {
            return;
        }
        self.curves += 1;
        for (point, &value) in curve.iter().enumerate().take(self.count.len()) {
            if value.is_nan() {
                continue;
            }
            if self.count[point] == 0 {
                self.shift[point] = value;
            }
            self.count[point] += 1;
            self.sum[point] += value;
            let deviation = value - self.shift[point];
            self.shifted[point] += deviation;
            self.shifted_squares[point] += deviation * deviation;
        }
    }

    /// The band: per point the mean and its 95% Student-t interval (the mean itself for a
    /// single value, NaN for none); `None` if no curve was added.
    pub fn band(&self) -> Option<Band> {
        if self.curves == 0 {
            return None;
        }
        let points = self.count.len();
        let mut result = Band {
            mean: Vec::with_capacity(points),
            low: Vec::with_capacity(points),
            high: Vec::with_capacity(points),
        };
        for point in 0..points {
            let n = self.count[point];
            let (mean, low, high) = if n == 0 {
                (f64::NAN, f64::NAN, f64::NAN)
            } else {
                let mean = self.sum[point] / n as f64;
                if n == 1 {
                    (mean, mean, mean)
                } else {
                    let s = self.shifted[point];
                    let variance = ((self.shifted_squares[point] - s * s / n as f64)
                        / (n - 1) as f64)
                        .max(0.0);
                    let half = t_critical_95(n) * variance.sqrt() / (n as f64).sqrt();
                    (mean, mean - half, mean + half)
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
        assert!((band.low[0] - (2.0 - half)).abs() < 1e-6);
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
}
