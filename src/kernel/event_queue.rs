//! The future-event list: events keyed by (time, scheduling order), held in a sorted array
//! while the list is short and in a 4-ary min-heap once it is long.
//!
//! Events due at the same instant pop in the order they were scheduled, which makes every run
//! reproducible regardless of how the list happens to be laid out.
//!
//! The time is kept as its IEEE-754 bits, which order like the times themselves for the
//! non-negative times a simulation uses; with the sequence below them a key is one 128-bit
//! integer, so each comparison is one branch-free integer comparison; with
//! a small `Copy` event an entry is 24 bytes.
//!
//! Two layouts, one order. A short list (a queue with a few servers holds ten or so events)
//! is kept sorted, latest first: a pop takes the last entry, O(1), and a push walks back from
//! the end past the entries due before it, which for a short list costs less than a heap's
//! sift down and up (a trace of the M/M/c bench replayed through both: about 23 against 38 ns
//! per push and pop on this machine). A long list (the East London baseline holds about 300
//! events, most of them far off) is a 4-ary heap, O(log n) a push and a pop. The list turns
//! into a heap when it grows past [`SORTED_MAX`] entries and back into a sorted array when it
//! shrinks below [`SORTED_MAX`] / 2, so it does not switch back and forth around one length.
//! Both switches reuse the one buffer: nothing is allocated once the list has reached its
//! largest length.

use dary_heap::QuaternaryHeap;
use std::cmp::Ordering;

use super::time::SimTime;

/// One scheduled event with its ordering key.
#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    time_bits: u64,
    sequence: u64,
    event: E,
}

impl<E> Entry<E> {
    fn time(&self) -> SimTime {
        SimTime::from_hours(f64::from_bits(self.time_bits))
    }
}

impl<E> Entry<E> {
    /// The ordering key as one integer, time bits above the sequence: a comparison is a
    /// 128-bit compare without a branch on the time first.
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time_bits) << 64) | u128::from(self.sequence)
    }
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }

    // Reversed (see `cmp`); the heap compares with these.
    #[inline(always)]
    fn lt(&self, other: &Self) -> bool {
        other.key() < self.key()
    }

    #[inline(always)]
    fn le(&self, other: &Self) -> bool {
        other.key() <= self.key()
    }

    #[inline(always)]
    fn gt(&self, other: &Self) -> bool {
        other.key() > self.key()
    }

    #[inline(always)]
    fn ge(&self, other: &Self) -> bool {
        other.key() >= self.key()
    }
}

impl<E> Ord for Entry<E> {
    /// Reversed so that the heap (a max-heap) pops the earliest entry first.
    #[inline(always)]
    fn cmp(&self, other: &Self) -> Ordering {
        other.key().cmp(&self.key())
    }
}

/// Entries up to which the list is kept sorted; above it, a heap (see the module header).
pub const SORTED_MAX: usize = 64;

/// A future-event list holding events of type `E` (kept small and `Copy` by the model).
///
/// Pops in order of time, then of scheduling (ties in time pop first scheduled, first out),
/// whichever layout it is in.
#[derive(Debug)]
pub struct EventQueue<E> {
    /// While `sorted` is in use: every entry, latest key first (the earliest is the last).
    sorted: Vec<Entry<E>>,
    /// While the list is long: every entry, as a heap (`sorted` is then empty).
    heap: QuaternaryHeap<Entry<E>>,
    /// Whether the entries are in `sorted` (else in `heap`).
    is_sorted: bool,
    next_sequence: u64,
}

impl<E: Copy> EventQueue<E> {
    /// An empty list with room for `capacity` events before it must grow.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            sorted: Vec::with_capacity(capacity),
            heap: QuaternaryHeap::new(),
            is_sorted: true,
            next_sequence: 0,
        }
    }

    /// Schedules `event` at `time`, which must not be negative (times before the start of the
    /// run are moved to time zero). O(k) while the list is sorted, k the entries due before
    /// the new one (at most [`SORTED_MAX`]); O(log n) as a heap. Allocates only when the list
    /// outgrows its capacity.
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        // `max` also maps -0.0 to +0.0, whose bits sort first.
        let bits = time.hours().max(0.0).to_bits();
        let entry = Entry {
            time_bits: bits,
            sequence,
            event,
        };
        if self.is_sorted {
            // Walk back from the earliest past the entries due before this one; its sequence
            // is the largest yet, so it goes after (pops after) every entry with its time.
            let key = entry.key();
            let mut at = self.sorted.len();
            while at > 0 && self.sorted[at - 1].key() < key {
                at -= 1;
            }
            self.sorted.insert(at, entry);
            if self.sorted.len() > SORTED_MAX {
                self.switch_to_heap();
            }
        } else {
            self.heap.push(entry);
        }
    }

    /// Removes and returns the earliest event, ties broken by scheduling order. O(1) while the
    /// list is sorted, O(log n) as a heap.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        let entry = if self.is_sorted {
            self.sorted.pop()
        } else {
            let entry = self.heap.pop();
            if self.heap.len() < SORTED_MAX / 2 {
                self.switch_to_sorted();
            }
            entry
        };
        entry.map(|entry| (entry.time(), entry.event))
    }

    /// Turns the sorted array into the heap. Reversed, an array sorted latest first is sorted
    /// earliest first, which is already a valid heap: O(n) (the heap checks it), no allocation.
    #[cold]
    #[inline(never)]
    fn switch_to_heap(&mut self) {
        let mut entries = std::mem::take(&mut self.sorted);
        entries.reverse();
        self.heap = QuaternaryHeap::from(entries);
        self.is_sorted = false;
    }

    /// Turns the heap back into the sorted array, latest first. O(n log n), no allocation.
    #[cold]
    #[inline(never)]
    fn switch_to_sorted(&mut self) {
        let mut entries = std::mem::take(&mut self.heap).into_vec();
        entries.sort_unstable_by_key(|entry| std::cmp::Reverse(entry.key()));
        self.sorted = entries;
        self.is_sorted = true;
    }

    /// Takes the next scheduling number without putting anything in the list, for an event the
    /// caller keeps outside it (a timer it stores itself) that must still tie-break in
    /// scheduling order against the list's events. Compare with [`EventQueue::key`]. O(1).
    pub fn reserve_sequence(&mut self) -> u64 {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        sequence
    }

    /// The ordering key (time bits, sequence) of an event at `time` with `sequence`: keys
    /// compare like the list's own order.
    pub fn key(time: SimTime, sequence: u64) -> (u64, u64) {
        (time.hours().max(0.0).to_bits(), sequence)
    }

    /// The earliest entry, without removing it. O(1).
    #[inline]
    fn peek(&self) -> Option<&Entry<E>> {
        if self.is_sorted {
            self.sorted.last()
        } else {
            self.heap.peek()
        }
    }

    /// The ordering key of the earliest event, without removing it. O(1).
    #[inline]
    pub fn peek_key(&self) -> Option<(u64, u64)> {
        self.peek().map(|entry| (entry.time_bits, entry.sequence))
    }

    /// The time of the earliest event without removing it. O(1).
    pub fn peek_time(&self) -> Option<SimTime> {
        self.peek().map(Entry::time)
    }

    /// Number of events waiting. O(1).
    pub fn len(&self) -> usize {
        if self.is_sorted {
            self.sorted.len()
        } else {
            self.heap.len()
        }
    }

    /// Whether no event is waiting. O(1).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_order() {
        let mut queue = EventQueue::with_capacity(4);
        for (time, label) in [(3.0, 'c'), (1.0, 'a'), (2.0, 'b')] {
            queue.schedule(SimTime::from_hours(time), label);
        }
        let order: Vec<char> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['a', 'b', 'c']);
    }

    #[test]
    fn fractional_and_large_times_order_correctly() {
        let mut queue = EventQueue::with_capacity(8);
        let times = [1e9, 0.0, 2.5, 1e-12, 2.4999999, 8760.0, 0.1];
        for (label, time) in times.iter().enumerate() {
            queue.schedule(SimTime::from_hours(*time), label);
        }
        let mut sorted = times.to_vec();
        sorted.sort_by(f64::total_cmp);
        let popped: Vec<f64> = std::iter::from_fn(|| queue.pop().map(|(t, _)| t.hours())).collect();
        assert_eq!(popped, sorted);
    }

    #[test]
    fn reserved_sequences_tie_break_with_listed_events() {
        let mut queue: EventQueue<u8> = EventQueue::with_capacity(4);
        queue.schedule(SimTime::from_hours(2.0), 1);
        let outside = EventQueue::<u8>::key(SimTime::from_hours(2.0), queue.reserve_sequence());
        queue.schedule(SimTime::from_hours(2.0), 2);
        let first = queue.peek_key().unwrap();
        assert!(first < outside, "scheduled earlier, pops earlier");
        queue.pop();
        assert!(
            outside < queue.peek_key().unwrap(),
            "reserved before the second event"
        );
    }

    #[test]
    fn equal_times_pop_in_scheduling_order() {
        let mut queue = EventQueue::with_capacity(4);
        for label in 0..100u32 {
            queue.schedule(SimTime::from_hours(5.0), label);
        }
        queue.schedule(SimTime::from_hours(1.0), 1000);
        assert_eq!(queue.peek_time(), Some(SimTime::from_hours(1.0)));
        assert_eq!(queue.pop().map(|(_, e)| e), Some(1000));
        for expected in 0..100u32 {
            assert_eq!(queue.pop().map(|(_, e)| e), Some(expected));
        }
        assert!(queue.is_empty());
    }

    #[test]
    fn pops_like_a_sorted_reference_under_mixed_pushes_and_pops() {
        // A deterministic mix of near, far, equal and zero times, interleaved with pops,
        // checked against an ordered set of (time, sequence) keys.
        let mut queue = EventQueue::with_capacity(4);
        let mut reference = std::collections::BTreeSet::new();
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        let mut sequence = 0u64;
        let mut now = 0.0f64;
        for round in 0..20_000u64 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let pushes = 1 + (state % 3) as usize;
            for k in 0..pushes {
                let offset = match (state >> (8 * k)) % 5 {
                    0 => 0.0,
                    1 => ((state >> 20) % 1000) as f64 * 1e-3,
                    2 => ((state >> 30) % 100) as f64,
                    3 => 1.0,
                    _ => ((state >> 40) % 1_000_000) as f64 * 0.37,
                };
                let time = now + offset;
                queue.schedule(SimTime::from_hours(time), sequence);
                reference.insert((time.to_bits(), sequence));
                sequence += 1;
            }
            let pops = (round % 4) as usize;
            for _ in 0..pops {
                let expected = reference.pop_first();
                assert_eq!(queue.peek_key(), expected);
                let got = queue.pop().map(|(t, e)| (t.hours().to_bits(), e));
                assert_eq!(got, expected);
                if let Some((bits, _)) = expected {
                    now = f64::from_bits(bits);
                }
            }
        }
        for expected in reference {
            assert_eq!(
                queue.pop().map(|(t, e)| (t.hours().to_bits(), e)),
                Some(expected)
            );
        }
        assert!(queue.is_empty());
    }

    /// A small xorshift generator for the randomized tests (no dependence on the crate's
    /// streams).
    fn next_random(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Pops in exactly the order of a std `BinaryHeap` of `Reverse((time bits, sequence))`,
    /// over many random mixes of pushes and pops whose list length swings across both layout
    /// switches (sorted up to `SORTED_MAX`, heap above, sorted again below half of it), with
    /// times of 0, equal times (ties pop in scheduling order) and near and far times.
    #[test]
    fn pops_like_a_binary_heap_reference_across_layout_switches() {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        let mut switches = 0;
        for seed in 1..=200u64 {
            let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            let mut queue = EventQueue::with_capacity(2);
            let mut reference = BinaryHeap::new();
            let mut sequence = 0u64;
            let mut now = 0.0f64;
            let mut was_sorted = queue.is_sorted;
            // Phases that push more than they pop, then pop more than they push.
            for phase in 0..12u64 {
                let target = [5, 40, 150, 20, 70, 0, 300, 31, 65, 2, 100, 0][phase as usize];
                for _ in 0..400 {
                    let r = next_random(&mut state);
                    let grow = queue.len() < target;
                    let push = if grow { r % 4 != 0 } else { r % 4 == 0 };
                    if push || reference.is_empty() {
                        let offset = match (r >> 8) % 7 {
                            0 => 0.0,
                            1 => 1.0,
                            2 => ((r >> 16) % 4) as f64,
                            3 => ((r >> 16) % 1000) as f64 * 1e-3,
                            4 => ((r >> 16) % 100_000) as f64 * 0.37,
                            5 => 24.0 * ((r >> 16) % 30) as f64,
                            _ => f64::from_bits(0x3ff0_0000_0000_0000 | (r >> 20)) - 1.0,
                        };
                        // Times of exactly 0 while the clock is still at 0, and at times
                        // a negative zero, which must sort as +0.
                        let time = if now == 0.0 && (r >> 40) % 3 == 0 {
                            if (r >> 44) % 2 == 0 { -0.0 } else { 0.0 }
                        } else {
                            now + offset
                        };
                        queue.schedule(SimTime::from_hours(time), sequence);
                        reference.push(Reverse((time.max(0.0).to_bits(), sequence)));
                        sequence += 1;
                    } else {
                        let Reverse(expected) = reference.pop().unwrap();
                        assert_eq!(queue.peek_key(), Some(expected), "seed {seed}");
                        let got = queue.pop().map(|(t, e)| (t.hours().to_bits(), e));
                        assert_eq!(got, Some(expected), "seed {seed}");
                        now = f64::from_bits(expected.0);
                    }
                    assert_eq!(queue.len(), reference.len());
                    if queue.is_sorted != was_sorted {
                        switches += 1;
                        was_sorted = queue.is_sorted;
                    }
                }
            }
            while let Some(Reverse(expected)) = reference.pop() {
                let got = queue.pop().map(|(t, e)| (t.hours().to_bits(), e));
                assert_eq!(got, Some(expected), "seed {seed}");
            }
            assert!(queue.is_empty() && queue.pop().is_none());
        }
        assert!(switches > 400, "the mixes switch layouts often: {switches}");
    }

    /// Equal times across a switch: 100 events at one instant, pushed while sorted, popped
    /// after the list became a heap and turned back, still in scheduling order.
    #[test]
    fn ties_keep_scheduling_order_through_both_layouts() {
        let mut queue = EventQueue::with_capacity(4);
        for label in 0..(3 * SORTED_MAX as u32) {
            queue.schedule(SimTime::from_hours(7.0), label);
        }
        assert!(!queue.is_sorted);
        for expected in 0..(3 * SORTED_MAX as u32) {
            assert_eq!(queue.pop(), Some((SimTime::from_hours(7.0), expected)));
            queue.schedule(SimTime::from_hours(8.0), 1000 + expected);
        }
        assert!(queue.is_sorted || queue.len() >= SORTED_MAX / 2);
        for expected in 0..(3 * SORTED_MAX as u32) {
            assert_eq!(
                queue.pop(),
                Some((SimTime::from_hours(8.0), 1000 + expected))
            );
        }
        assert!(queue.is_sorted && queue.is_empty());
    }
}
