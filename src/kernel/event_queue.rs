//! The future-event list: a binary min-heap keyed by (time, scheduling order).
//!
//! Events due at the same instant pop in the order they were scheduled, which makes every run
//! reproducible regardless of how the heap happens to be laid out.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::time::SimTime;

/// One scheduled event with its ordering key.
#[derive(Debug, Clone, Copy)]
struct Entry<E> {
    time: f64,
    sequence: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<E> Eq for Entry<E> {}

impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Entry<E> {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest entry first.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .time
            .total_cmp(&self.time)
            .then_with(|| other.sequence.cmp(&self.sequence))
    }
}

/// A future-event list holding events of type `E` (kept small and `Copy` by the model).
#[derive(Debug)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_sequence: u64,
}

impl<E: Copy> EventQueue<E> {
    /// An empty list with room for `capacity` events before it must grow.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_sequence: 0,
        }
    }

    /// Schedules `event` at `time`. O(log n); allocates only when the list outgrows its capacity.
    pub fn schedule(&mut self, time: SimTime, event: E) {
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.heap.push(Entry {
            time: time.hours(),
            sequence,
            event,
        });
    }

    /// Removes and returns the earliest event, ties broken by scheduling order. O(log n).
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap
            .pop()
            .map(|entry| (SimTime::from_hours(entry.time), entry.event))
    }

    /// The time of the earliest event without removing it. O(1).
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap
            .peek()
            .map(|entry| SimTime::from_hours(entry.time))
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
}
