//! A bounded quantile summary of non-negative values: a log-bucketed histogram with relative
//! accuracy, so that percentiles across any number of replications take memory that depends
//! on the spread of the values, not on how many there are.
//!
//! The buckets are those of DDSketch (Masson, Rim and Lee, "DDSketch: a fast and
//! fully-mergeable quantile sketch with relative-error guarantees", PVLDB 12(12), 2019):
//! bucket `i` holds the values in `(g^(i-1), g^i]` with `g = (1 + a) / (1 - a)`, and is read
//! back as `2 g^i / (g + 1)`, which is within relative error `a` of every value in it. Values
//! at or below [`ZERO_BELOW`] share one bucket read back as 0. So a percentile read from the
//! sketch differs from the same order statistic of the values themselves by at most
//! `max(a * value, ZERO_BELOW)`, with `a` = [`RELATIVE_ACCURACY`] (0.5%); results are clamped
//! to the smallest and largest value added, so a constant series is exact.
//!
//! Counts do not depend on the order in which values are added: the result is the same for
//! any thread count or shard split.

/// Relative accuracy `a` of a percentile read from a [`Sketch`] (0.5%).
pub const RELATIVE_ACCURACY: f64 = 0.005;

/// Values at or below this share the zero bucket (read back as 0): the absolute accuracy
/// near zero [units of the value].
pub const ZERO_BELOW: f64 = 1e-3;

/// Counts of non-negative values in logarithmic buckets (see the module header). Memory:
/// one `u32` per bucket between the smallest and largest bucket used, at most about
/// `ln(largest / ZERO_BELOW) / (2 a)` buckets, whatever the number of values.
#[derive(Debug, Clone, PartialEq)]
pub struct Sketch {
    /// Values added.
    count: u64,
    /// Values in the zero bucket.
    zeros: u64,
    /// Index of the bucket `counts[0]` counts.
    offset: i32,
    /// Counts of consecutive buckets from `offset`.
    counts: Vec<u32>,
    /// Smallest value added.
    min: f64,
    /// Largest value added.
    max: f64,
}

impl Default for Sketch {
    fn default() -> Self {
        Self::new()
    }
}

/// `ln g`, with `g = (1 + a) / (1 - a)`.
fn log_gamma() -> f64 {
    ((1.0 + RELATIVE_ACCURACY) / (1.0 - RELATIVE_ACCURACY)).ln()
}

impl Sketch {
    /// An empty sketch (allocates nothing).
    pub const fn new() -> Self {
        Sketch {
            count: 0,
            zeros: 0,
            offset: 0,
            counts: Vec::new(),
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// Values added.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Adds a value; a NaN is left out, a negative value counts as 0. O(1) amortised, O(buckets)
    /// when the range of buckets widens.
    pub fn add(&mut self, value: f64) {
        if value.is_nan() {
            return;
        }
        let value = value.max(0.0);
        self.count += 1;
        self.min = self.min.min(value);
        self.max = self.max.max(value);
        if value <= ZERO_BELOW {
            self.zeros += 1;
            return;
        }
        let key = (value.ln() / log_gamma()).ceil() as i32;
        if self.counts.is_empty() {
            self.offset = key;
            self.counts.push(0);
        } else if key < self.offset {
            let grow = (self.offset - key) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = key;
        } else if key - self.offset >= self.counts.len() as i32 {
            self.counts.resize((key - self.offset) as usize + 1, 0);
        }
        self.counts[(key - self.offset) as usize] += 1;
    }

    /// The `q`-quantile (`q` in 0..=1) by the nearest-rank rule: the value of rank
    /// `max(1, ceil(q n))` among the `n` added, within the accuracy of the module header;
    /// NaN for an empty sketch.
    pub fn quantile(&self, q: f64) -> f64 {
        if self.count == 0 {
            return f64::NAN;
        }
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        let mut seen = self.zeros;
        if rank <= seen {
            return 0.0_f64.clamp(self.min, self.max);
        }
        let gamma = log_gamma().exp();
        for (i, count) in self.counts.iter().enumerate() {
            seen += u64::from(*count);
            if rank <= seen {
                let key = self.offset + i as i32;
                let value = 2.0 * (f64::from(key) * log_gamma()).exp() / (gamma + 1.0);
                return value.clamp(self.min, self.max);
            }
        }
        self.max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The nearest-rank quantile of `values`, exactly.
    fn exact(values: &[f64], q: f64) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    #[test]
    fn quantiles_are_within_the_stated_accuracy() {
        // A deterministic spread over five decades, with zeros and tiny values.
        let values: Vec<f64> = (0..2000)
            .map(|i| {
                let u = ((i * 7919) % 2000) as f64 / 2000.0;
                if i % 50 == 0 {
                    0.0
                } else {
                    1e-4 * 10f64.powf(6.0 * u)
                }
            })
            .collect();
        let mut sketch = Sketch::new();
        values.iter().for_each(|v| sketch.add(*v));
        for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
            let (got, want) = (sketch.quantile(q), exact(&values, q));
            let bound = (RELATIVE_ACCURACY * want).max(ZERO_BELOW) * (1.0 + 1e-12);
            assert!((got - want).abs() <= bound, "q {q}: {got} against {want}");
        }
    }

    #[test]
    fn a_constant_is_exact_and_order_does_not_matter() {
        let mut constant = Sketch::new();
        (0..10).for_each(|_| constant.add(28.0));
        assert_eq!(constant.quantile(0.05), 28.0);
        assert_eq!(constant.quantile(0.95), 28.0);
        let values = [3.0, 0.0, 17.5, 2.25, 9.0, 0.4];
        let (mut forward, mut backward) = (Sketch::new(), Sketch::new());
        values.iter().for_each(|v| forward.add(*v));
        values.iter().rev().for_each(|v| backward.add(*v));
        assert_eq!(forward, backward);
        assert!(Sketch::new().quantile(0.5).is_nan());
    }
}
