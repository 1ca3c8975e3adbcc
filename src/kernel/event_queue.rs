//! The future-event list: a 4-ary min-heap keyed by (time, scheduling order).
//!
//! Events due at the same instant pop in the order they were scheduled, which makes every run
//! reproducible regardless of how the heap happens to be laid out.
//!
//! The time is kept as its IEEE-754 bits, which order like the times themselves for the
//! non-negative times a simulation uses; with the sequence below them a key is one 128-bit
//! integer, so each comparison is one branch-free integer comparison; with
//! a small `Copy` event an entry is 24 bytes, and a 4-ary heap moves fewer of them per pop
//! than a binary one.

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

/// A future-event list holding events of type `E` (kept small and `Copy` by the model).
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: QuaternaryHeap<Entry<E>>,
    next_sequence: u64,
}

impl<E: Copy> EventQueue<E> {
    /// An empty list with room for `capacity` events before it must grow.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: QuaternaryHeap::with_capacity(capacity),
            next_sequence: 0,
        }
    }

    /// Schedules `event` at `time`, which must not be negative (times before the start of the
    /// run are moved to time zero). O(log n); allocates only when the list outgrows its
    /// capacity.
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        // `max` also maps -0.0 to +0.0, whose bits sort first.
        let bits = time.hours().max(0.0).to_bits();
        self.heap.push(Entry {
            time_bits: bits,
            sequence,
            event,
        });
    }

    /// Removes and returns the earliest event, ties broken by scheduling order. O(log n).
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap.pop().map(|entry| (entry.time(), entry.event))
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

    /// The ordering key of the earliest event, without removing it. O(1).
    pub fn peek_key(&self) -> Option<(u64, u64)> {
        self.heap
            .peek()
            .map(|entry| (entry.time_bits, entry.sequence))
    }

    /// The time of the earliest event without removing it. O(1).
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(Entry::time)
    }

    /// Number of events waiting. O(1).
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// Whether no event is waiting. O(1).
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
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

    /// A small xorshift generator for the randomized test (no dependence on the crate's
    /// streams).
    fn next_random(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// Pops in exactly the order of a std `BinaryHeap` of `Reverse((time bits, sequence))`,
    /// over 200 random mixes of pushes and pops whose list length swings between empty and a
    /// few hundred, with times of 0 (and -0.0, which sorts as +0), equal times (ties pop in
    /// scheduling order), and near and far times.
    #[test]
    fn pops_like_a_binary_heap_reference_under_random_mixes() {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        for seed in 1..=200u64 {
            let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            let mut queue = EventQueue::with_capacity(2);
            let mut reference = BinaryHeap::new();
            let mut sequence = 0u64;
            let mut now = 0.0f64;
            // Phases that push more than they pop, then pop more than they push.
            for target in [5, 40, 150, 20, 70, 0, 300, 31, 65, 2, 100, 0] {
                for _ in 0..400 {
                    let r = next_random(&mut state);
                    let grow = queue.len() < target;
                    let push = if grow {
                        !r.is_multiple_of(4)
                    } else {
                        r.is_multiple_of(4)
                    };
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
                        let time = if now == 0.0 && (r >> 40).is_multiple_of(3) {
                            if (r >> 44).is_multiple_of(2) {
                                -0.0
                            } else {
                                0.0
                            }
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
                }
            }
            while let Some(Reverse(expected)) = reference.pop() {
                let got = queue.pop().map(|(t, e)| (t.hours().to_bits(), e));
                assert_eq!(got, Some(expected), "seed {seed}");
            }
            assert!(queue.is_empty() && queue.pop().is_none());
        }
    }
}
