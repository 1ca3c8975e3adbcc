//! The simulation kernel: simulated time, the future-event list and random-number streams.
//!
//! The kernel knows nothing of patients, pathways or health care. It is the small, fast and
//! heavily tested core that the model layer builds on.

pub mod event_queue;
pub mod random;
pub mod time;

pub use event_queue::EventQueue;
pub use random::{DrawStream, ReplicationKey, Stream, StreamKey, entity_key};
pub use time::{SimDuration, SimTime};
