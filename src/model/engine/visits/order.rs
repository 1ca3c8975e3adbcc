//! Putting clock times in order for the delivery of rostered visits after the run, cheaper
//! than a general sort where the times have a shape known in advance, and in exactly the
//! order a sort by `f64::total_cmp` gives:
//! - a day's visits by due time, keeping booking order among equal times
//!   ([`ByDueTime`]): a day has few distinct due times (each patient's `n` visits
//!   fall at the same `n` points of the window), so a counting sort over them;
//! - the starts (or ends) of a day's visits in the order they were given out
//!   ([`nearly_sorted`]): visits go out in order of due time, each at the earliest a carer
//!   can begin it, so few start before one given out earlier (a double-handed visit waiting
//!   for a pair, a visit of another length); an insertion sort, which moves each only past
//!   those.
//!
//! Both fall back to the standard library's sorts when the shape is not there (many distinct
//! times, many out of order), so the cost is never worse than a sort's by more than the
//! pass that finds out. Allocate nothing but their callers' reused buffers.

/// The key of `x` in the total order of `f64::total_cmp`, as an integer: `a.total_cmp(&b)`
/// is `key(a).cmp(&key(b))` (the transformation `total_cmp` itself applies).
#[inline]
pub(super) fn key(x: f64) -> i64 {
    let bits = x.to_bits() as i64;
    bits ^ (((bits >> 63) as u64) >> 1) as i64
}

/// Distinct times beyond which [`ByDueTime`] sorts instead of counting.
const MOST_DISTINCT: usize = 32;

/// Buckets of [`ByDueTime`]'s look-up of a time's place.
const BUCKETS: usize = 64;

/// `key`'s bucket: Fibonacci hashing (Knuth, TAOCP vol. 3, 6.4) into 64.
#[inline]
fn bucket(key: i64) -> usize {
    ((key as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58) as usize
}

/// Puts items in order of a time by `f64::total_cmp`, items of equal time in the order
/// given (as `sort_by` would): with at most 32 distinct times, a counting sort over them;
/// else `sort_by`. Its buffers are reused from call to call.
#[derive(Debug, Clone)]
pub(super) struct ByDueTime<T> {
    /// The distinct times' keys, in order of first appearance.
    keys: Vec<i64>,
    /// A key's place in `keys` plus one, at a bucket by a hash of the key (0: none yet);
    /// a key found elsewhere, or in a bucket another key holds, is looked up in `keys`.
    bucket: [u8; BUCKETS],
    /// Per item: its time's place in `keys`.
    slots: Vec<u8>,
    /// The distinct times' keys with their place in `keys`, put in order.
    ranked: Vec<(i64, usize)>,
    /// Per place in `keys`: where its items go next in the result.
    starts: Vec<usize>,
    scratch: Vec<T>,
}

impl<T> Default for ByDueTime<T> {
    fn default() -> Self {
        ByDueTime {
            keys: Vec::new(),
            bucket: [0; BUCKETS],
            slots: Vec::new(),
            ranked: Vec::new(),
            starts: Vec::new(),
            scratch: Vec::new(),
        }
    }
}

impl<T: Copy> ByDueTime<T> {
    /// Puts `items` in order of `time(item)`, ties in the order given.
    pub(super) fn sort(&mut self, items: &mut [T], time: impl Fn(&T) -> f64) {
        self.keys.clear();
        self.slots.clear();
        self.bucket = [0; BUCKETS];
        for item in items.iter() {
            let k = key(time(item));
            let b = bucket(k);
            let held = usize::from(self.bucket[b]);
            let slot = if held > 0 && self.keys[held - 1] == k {
                held - 1
            } else {
                let slot = match self.keys.iter().position(|&x| x == k) {
                    Some(slot) => slot,
                    None if self.keys.len() < MOST_DISTINCT => {
                        self.keys.push(k);
                        self.keys.len() - 1
                    }
                    None => {
                        items.sort_by(|a, b| time(a).total_cmp(&time(b)));
                        return;
                    }
                };
                self.bucket[b] = (slot + 1) as u8;
                slot
            };
            self.slots.push(slot as u8);
        }
        if self.keys.len() <= 1 {
            return; // one time: already in order
        }
        // Where each time's items begin in the result: the times in order, a count of each,
        // then running sums.
        self.ranked.clear();
        self.ranked
            .extend(self.keys.iter().enumerate().map(|(slot, &k)| (k, slot)));
        self.ranked.sort_unstable();
        self.starts.clear();
        self.starts.resize(self.keys.len(), 0);
        for &slot in &self.slots {
            self.starts[usize::from(slot)] += 1;
        }
        let mut at = 0;
        for &(_, slot) in &self.ranked {
            let count = self.starts[slot];
            self.starts[slot] = at;
            at += count;
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(items);
        for (item, &slot) in self.scratch.iter().zip(&self.slots) {
            let start = &mut self.starts[usize::from(slot)];
            items[*start] = *item;
            *start += 1;
        }
    }
}

/// Puts `items` in order of their key (`.0`), in any order among equal keys: an insertion
/// sort, which moves each item past those before it with a greater key, until the moves
/// pass eight an item; then `sort_unstable_by_key`. O(items + moves), at most O(n log n)
/// beyond the budget.
pub(super) fn nearly_sorted<T: Copy>(items: &mut [(i64, T)]) {
    let budget = 8 * items.len() + 64;
    let mut moves = 0;
    for i in 1..items.len() {
        let item = items[i];
        let mut j = i;
        while j > 0 && items[j - 1].0 > item.0 {
            items[j] = items[j - 1];
            j -= 1;
        }
        items[j] = item;
        moves += i - j;
        if moves > budget {
            items.sort_unstable_by_key(|x| x.0);
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// Times with ties, both zeros, infinities and a NaN, few and many distinct: the counting
    /// sort gives what `sort_by(total_cmp)` gives, ties in the order given, bit for bit.
    #[test]
    fn counting_by_due_time_equals_a_stable_sort_by_total_order() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
        let special = [
            0.0,
            -0.0,
            f64::INFINITY,
            f64::NAN,
            1e-300,
            8.75,
            8.75 + 1e-9,
        ];
        let mut order = ByDueTime::default();
        let mut counted = 0;
        for round in 0..2000 {
            let distinct = [1, 2, 10, 32, 33, 300][round % 6];
            let pool: Vec<f64> = (0..distinct)
                .map(|_| {
                    if rng.random::<f64>() < 0.2 {
                        special[rng.random_range(0..special.len())]
                    } else {
                        f64::from(rng.random_range(0..96u32)) * 0.25 + 24.0
                    }
                })
                .collect();
            let items: Vec<(f64, usize)> = (0..rng.random_range(0..400usize))
                .map(|i| (pool[rng.random_range(0..pool.len())], i))
                .collect();
            let mut want = items.clone();
            want.sort_by(|a, b| a.0.total_cmp(&b.0));
            let mut got = items;
            order.sort(&mut got, |x| x.0);
            let bits =
                |v: &[(f64, usize)]| v.iter().map(|x| (x.0.to_bits(), x.1)).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{distinct} distinct");
            counted += usize::from(order.keys.len() > 1 && order.keys.len() < MOST_DISTINCT);
        }
        assert!(counted > 500, "{counted}");
    }

    #[test]
    fn the_key_orders_as_total_cmp() {
        let xs = [
            f64::NEG_INFINITY,
            -1.5,
            -0.0,
            0.0,
            1e-300,
            1.0,
            f64::INFINITY,
            f64::NAN,
            -f64::NAN,
        ];
        for a in xs {
            for b in xs {
                assert_eq!(key(a).cmp(&key(b)), a.total_cmp(&b), "{a} {b}");
            }
        }
    }

    /// Sorted runs broken by a few late items, reversed and random input (past the budget):
    /// the keys come out in order, and the items are those given.
    #[test]
    fn nearly_sorted_items_come_out_in_order_of_key() {
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
        for round in 0..1000 {
            let n = rng.random_range(0..500usize);
            let mut items: Vec<(i64, usize)> = match round % 3 {
                0 => (0..n)
                    .map(|i| {
                        let late = rng.random::<f64>() < 0.1;
                        (
                            i as i64 / 3 + if late { rng.random_range(0..40) } else { 0 },
                            i,
                        )
                    })
                    .collect(),
                1 => (0..n).map(|i| ((n - i) as i64, i)).collect(),
                _ => (0..n).map(|i| (rng.random_range(0..50), i)).collect(),
            };
            let mut want = items.clone();
            want.sort();
            nearly_sorted(&mut items);
            assert!(items.windows(2).all(|w| w[0].0 <= w[1].0));
            items.sort();
            assert_eq!(items, want);
        }
    }
}
