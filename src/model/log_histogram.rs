//! A log-linear histogram of non-negative durations, for percentiles with a stated error
//! bound at the cost of one shift per recorded value.
//!
//! Each power-of-two range of hours ("octave", `[2^e, 2^(e+1))`) is cut into
//! [`SUB_BUCKETS`] equal buckets, so a bucket is at most `2^-SUB_BITS` of its lower edge
//! wide. A value's bucket is read straight off its IEEE-754 bits: the exponent and the top
//! [`SUB_BITS`] bits of the mantissa, one shift and one subtraction (the layout of
//! HdrHistogram and of the "log-linear" histograms of DDSketch, without a logarithm).
//!
//! A quantile is the nearest-rank sample quantile (the smallest recorded value `x` such
//! that at least `q n` of the `n` values are `<= x`, Hyndman and Fan type 1) estimated as
//! the midpoint of its bucket, then kept within the smallest and largest value recorded
//! (kept exactly; the first and last ranks are those exact values). Error bound, for a value in the covered range `[2^MIN_EXPONENT h,
//! 2^MAX_EXPONENT h)` (about 0.9 ms to 120 years): the estimate is within
//! `2^-(SUB_BITS + 1)` = 0.2% of the exact sample quantile (half a bucket, relative to the
//! bucket's lower edge). Values below the range are counted as zero (absolute error under
//! 2^MIN_EXPONENT h); values above it land in the last bucket (then only the clamp to the
//! exact maximum bounds the estimate).
//!
//! Unlike reporting the top of the bucket (what HdrHistogram's `value_at_quantile` does),
//! the estimate has no systematic upward bias, and never exceeds the largest value seen: a
//! wait that cannot exceed 1 h never reads more than 1 h at any percentile.

/// Mantissa bits that choose the bucket within an octave.
pub const SUB_BITS: u32 = 8;
/// Buckets per octave.
pub const SUB_BUCKETS: usize = 1 << SUB_BITS;
/// The smallest resolved value is `2^MIN_EXPONENT` hours (about 0.86 ms).
pub const MIN_EXPONENT: i32 = -22;
/// Values from `2^MAX_EXPONENT` hours (about 120 years) land in the last bucket.
pub const MAX_EXPONENT: i32 = 20;
/// Buckets: one for zero (and anything below the range), then the octaves.
const BUCKETS: usize = 1 + (MAX_EXPONENT - MIN_EXPONENT) as usize * SUB_BUCKETS;
/// Bits of an f64 below the bucket index (exponent and top mantissa bits).
const SHIFT: u32 = 52 - SUB_BITS;
/// The bits of `2^MIN_EXPONENT` shifted down: the bucket index base.
const BASE: u64 = (((MIN_EXPONENT + 1023) as u64) << 52) >> SHIFT;

/// Groups of buckets for the quantile search: the zero bucket, then one per octave.
const GROUPS: usize = 1 + (MAX_EXPONENT - MIN_EXPONENT) as usize;

/// Counts of durations by log-linear bucket, with the exact count, minimum and maximum.
#[derive(Debug, Clone)]
pub struct LogHistogram {
    counts: Box<[u32]>,
    /// Counts by group (the zero bucket, then each octave), so that a quantile skips
    /// empty octaves 256 buckets at a time.
    group_counts: [u64; GROUPS],
    total: u64,
    min: f64,
    max: f64,
}

impl LogHistogram {
    /// An empty histogram. Allocates its buckets (about 43 KB) once.
    pub fn new() -> Self {
        LogHistogram {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            group_counts: [0; GROUPS],
            total: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    /// The bucket of `hours` (a negative or NaN value counts as zero).
    #[inline]
    fn bucket(hours: f64) -> usize {
        let bits = hours.max(0.0).to_bits() >> SHIFT;
        // Below the range (zero included) the subtraction wraps to a huge number.
        match bits.wrapping_sub(BASE) {
            below if below >= (1 << 62) => 0,
            index => (index as usize + 1).min(BUCKETS - 1),
        }
    }

    /// The group of bucket `index`: 0 for the zero bucket, then 1 + its octave.
    #[inline]
    fn group_of(index: usize) -> usize {
        (index + SUB_BUCKETS - 1) >> SUB_BITS
    }

    /// The first and last bucket of group `group`.
    fn group_span(group: usize) -> (usize, usize) {
        if group == 0 {
            (0, 0)
        } else {
            ((group - 1) * SUB_BUCKETS + 1, group * SUB_BUCKETS)
        }
    }

    /// The lower and upper edges of bucket `index` [hours].
    fn edges(index: usize) -> (f64, f64) {
        if index == 0 {
            return (0.0, 0.0);
        }
        let low = f64::from_bits(((index - 1) as u64 + BASE) << SHIFT);
        let high = f64::from_bits((index as u64 + BASE) << SHIFT);
        (low, high)
    }

    /// Records one duration [hours]. Allocates nothing; a count saturates at `u32::MAX`.
    #[inline]
    pub fn record(&mut self, hours: f64) {
        let bucket = Self::bucket(hours);
        let slot = &mut self.counts[bucket];
        *slot = slot.saturating_add(1);
        self.group_counts[Self::group_of(bucket)] += 1;
        self.total += 1;
        // `hours.max(0.0)` is never NaN, nor is `min` or `max` (infinite at first, then a
        // recorded value): plain comparisons give what `f64::min` and `f64::max` give,
        // without their NaN handling.
        let hours = hours.max(0.0);
        if hours < self.min {
            self.min = hours;
        }
        if hours > self.max {
            self.max = hours;
        }
    }

    /// Forgets everything recorded.
    pub fn reset(&mut self) {
        self.counts.fill(0);
        self.group_counts.fill(0);
        self.total = 0;
        self.min = f64::INFINITY;
        self.max = f64::NEG_INFINITY;
    }

    /// Number of values recorded.
    pub fn len(&self) -> u64 {
        self.total
    }

    /// Whether nothing was recorded.
    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The nearest-rank `q` quantiles (`q` in 0..=1, ascending) [hours], within the bound in
    /// the module header, in one pass; NaN for each if nothing was recorded.
    pub fn quantiles(&self, qs: impl IntoIterator<Item = f64>) -> Vec<f64> {
        let mut out = Vec::new();
        let mut group = 0;
        let mut below = 0u64; // values in groups before `group`
        for q in qs {
            if self.total == 0 {
                out.push(f64::NAN);
                continue;
            }
            // Nearest rank: the ceil(q n)-th smallest value, at least the first.
            let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
            if rank == 1 {
                out.push(self.min);
                continue;
            }
            if rank >= self.total {
                out.push(self.max);
                continue;
            }
            while group < GROUPS - 1 && below + self.group_counts[group] < rank {
                below += self.group_counts[group];
                group += 1;
            }
            let (first, last) = Self::group_span(group);
            let mut index = first;
            let mut within = below;
            while index < last && within + u64::from(self.counts[index]) < rank {
                within += u64::from(self.counts[index]);
                index += 1;
            }
            let (low, high) = Self::edges(index);
            out.push((0.5 * (low + high)).clamp(self.min, self.max));
        }
        out
    }

    /// The nearest-rank `q` quantile [hours], within the bound in the module header; NaN if
    /// nothing was recorded.
    pub fn quantile(&self, q: f64) -> f64 {
        self.quantiles([q])[0]
    }
}

impl Default for LogHistogram {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The exact nearest-rank quantile of a sorted sample.
    fn exact(sorted: &[f64], q: f64) -> f64 {
        let rank = ((q * sorted.len() as f64).ceil() as usize).max(1);
        sorted[rank - 1]
    }

    const BOUND: f64 = 1.0 / (1u64 << (SUB_BITS + 1)) as f64;

    #[test]
    fn buckets_cover_the_range_in_order_and_contain_their_values() {
        let mut previous = 0;
        let mut x = 2f64.powi(MIN_EXPONENT);
        while x < 2f64.powi(MAX_EXPONENT) {
            let b = LogHistogram::bucket(x);
            assert!(b >= previous, "{x}");
            let (low, high) = LogHistogram::edges(b);
            assert!(low <= x && x < high, "{x} not in [{low}, {high})");
            assert!((high - low) / low <= 2.0 * BOUND + 1e-15);
            previous = b;
            x *= 1.0137;
        }
        assert_eq!(LogHistogram::bucket(0.0), 0);
        assert_eq!(LogHistogram::bucket(-1.0), 0);
        assert_eq!(LogHistogram::bucket(1e-9), 0);
        assert_eq!(LogHistogram::bucket(1e12), BUCKETS - 1);
        assert_eq!(LogHistogram::bucket(f64::INFINITY), BUCKETS - 1);
    }

    #[test]
    fn quantiles_of_a_known_sample_are_within_the_stated_bound() {
        // 10,000 log-spread values from 1 minute to 30 days, in scrambled order.
        let mut values: Vec<f64> = (0..10_000u64)
            .map(|i| {
                let u = ((i * 7919) % 10_000) as f64 / 10_000.0;
                (1.0 / 60.0) * (720.0 * 60.0f64).powf(u)
            })
            .collect();
        let mut histogram = LogHistogram::new();
        values.iter().for_each(|v| histogram.record(*v));
        values.sort_by(f64::total_cmp);
        let qs: Vec<f64> = (0..=100).map(|p| f64::from(p) / 100.0).collect();
        let estimates = histogram.quantiles(qs.iter().copied());
        for (q, estimate) in qs.iter().zip(&estimates) {
            let truth = exact(&values, *q);
            assert!(
                (estimate - truth).abs() <= BOUND * truth,
                "q {q}: {estimate} vs exact {truth}"
            );
        }
        assert_eq!(estimates[0], values[0], "the minimum is exact");
        assert_eq!(estimates[100], values[9_999], "the maximum is exact");
    }

    #[test]
    fn a_wait_capped_at_one_hour_never_reads_above_one_hour() {
        // Waits spread evenly over [0, 1 h], many exactly 1 h (served at the deadline).
        let mut histogram = LogHistogram::new();
        for i in 0..=1000 {
            histogram.record(f64::from(i) / 1000.0);
        }
        for _ in 0..500 {
            histogram.record(1.0);
        }
        for q in [0.5, 0.9, 0.95, 0.99, 1.0] {
            let value = histogram.quantile(q);
            assert!(value <= 1.0, "q {q}: {value}");
        }
        // 1,501 values, 500 at 1 h: the p90 is exactly 1 h.
        assert_eq!(histogram.quantile(0.9), 1.0);
        // The median is the 751st smallest: 0.75 h, within the bound.
        let median = histogram.quantile(0.5);
        assert!((median - 0.75).abs() <= BOUND * 0.75, "{median}");
    }

    #[test]
    fn zeros_read_as_zero_and_nothing_recorded_reads_as_no_value() {
        let mut histogram = LogHistogram::new();
        assert!(histogram.quantile(0.5).is_nan());
        for _ in 0..90 {
            histogram.record(0.0);
        }
        for _ in 0..10 {
            histogram.record(2.0);
        }
        assert_eq!(histogram.quantile(0.9), 0.0, "the 90th of 100 is a zero");
        assert_eq!(
            histogram.quantile(0.91),
            2.0,
            "the 91st is 2 h, exactly the maximum"
        );
        assert_eq!(histogram.len(), 100);
        histogram.reset();
        assert!(histogram.is_empty());
        assert!(histogram.quantile(0.0).is_nan());
    }
}
