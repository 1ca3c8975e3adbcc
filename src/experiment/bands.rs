//! Point-by-point summaries of curves across replications: for every point of a curve (an
//! hour of the week, a percentile of waits), the mean over replications and its 95% interval.

use super::statistics::mean_sd_ci;

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

/// The band of `curves` (one per replication, all the same length); `None` if there are no
/// curves or they are empty.
pub fn band<'a>(curves: impl IntoIterator<Item = &'a [f64]>) -> Option<Band> {
    let curves: Vec<&[f64]> = curves.into_iter().filter(|c| !c.is_empty()).collect();
    let points = curves.first()?.len();
    let mut result = Band {
        mean: Vec::with_capacity(points),
        low: Vec::with_capacity(points),
        high: Vec::with_capacity(points),
    };
    let mut values = Vec::with_capacity(curves.len());
    for point in 0..points {
        values.clear();
        values.extend(curves.iter().filter_map(|c| c.get(point)));
        let (mean, _, low, high) = mean_sd_ci(&values);
        let (low, high) = if low.is_finite() && high.is_finite() {
            (low, high)
        } else {
            (mean, mean)
        };
        result.mean.push(mean);
        result.low.push(low);
        result.high.push(high);
    }
    Some(result)
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
}
