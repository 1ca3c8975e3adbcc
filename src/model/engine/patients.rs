//! Patients in the system, kept in a slab: a vector of slots with a free list, so creating
//! and removing a patient allocates nothing once the slab has grown to its working size.

use crate::model::scenario::{MAX_ATTRIBUTES, StepId};

/// Index of a patient's slot.
pub type PatientId = u32;

/// Where a patient is in a handoff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandoffPhase {
    /// Waiting for, or being processed by, the receiver.
    Processing,
    /// Bounced back; the sender is reworking it.
    Rework,
    /// Accepted; the receiver is doing its own assessment.
    DuplicateAssessment,
}

/// One patient's state.
#[derive(Debug, Clone, Copy)]
pub struct Patient {
    /// Current step.
    pub step: StepId,
    /// When the patient entered the current pathway [hours].
    pub entered_pathway: f64,
    /// When the current wait or handoff began [hours].
    pub wait_started: f64,
    /// Token of the current wait; 0 when not waiting. Queue entries carrying another token
    /// are stale.
    pub wait_token: u64,
    /// Deadline of the current wait [hours]; meaningful only while waiting with a deadline.
    pub deadline_at: f64,
    /// Resources held, one bit per resource id.
    pub held: u64,
    /// Held resources that are blocked, one bit per resource id.
    pub blocked: u64,
    /// When the patient's first currently blocked unit became blocked [hours].
    pub blocked_since: f64,
    /// Phase of the current handoff.
    pub handoff_phase: HandoffPhase,
    /// Duration to use for the next timed step instead of a draw (initial census) [hours].
    pub remaining_override: Option<f64>,
    /// The instant of the patient's latest step [hours].
    pub instant: f64,
    /// Steps taken at `instant`, to catch loops in which no time passes.
    pub steps_at_instant: u32,
    /// Category of each attribute.
    pub attributes: [u8; MAX_ATTRIBUTES],
}

impl Patient {
    /// A patient entering `step` at `now`.
    pub fn new(step: StepId, now: f64, attributes: [u8; MAX_ATTRIBUTES]) -> Self {
        Patient {
            step,
            entered_pathway: now,
            wait_started: now,
            wait_token: 0,
            deadline_at: f64::INFINITY,
            held: 0,
            blocked: 0,
            blocked_since: now,
            handoff_phase: HandoffPhase::Processing,
            remaining_override: None,
            instant: f64::NAN,
            steps_at_instant: 0,
            attributes,
        }
    }
}

/// All patients currently in the system.
#[derive(Debug, Default)]
pub struct Patients {
    slots: Vec<Patient>,
    free: Vec<PatientId>,
}

impl Patients {
    /// An empty slab with room for `capacity` patients.
    pub fn with_capacity(capacity: usize) -> Self {
        Patients {
            slots: Vec::with_capacity(capacity),
            free: Vec::with_capacity(capacity),
        }
    }

    /// Stores a patient and returns its id. O(1); allocates only when the slab grows.
    pub fn insert(&mut self, patient: Patient) -> PatientId {
        match self.free.pop() {
            Some(id) => {
                self.slots[id as usize] = patient;
                id
            }
            None => {
                self.slots.push(patient);
                (self.slots.len() - 1) as PatientId
            }
        }
    }

    /// Frees a patient's slot for reuse. O(1).
    pub fn remove(&mut self, id: PatientId) {
        self.free.push(id);
    }

    /// Number of patients in the system.
    pub fn live(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// The patient with id `id`.
    #[inline]
    pub fn get(&self, id: PatientId) -> &Patient {
        &self.slots[id as usize]
    }

    /// The patient with id `id`, for changing.
    #[inline]
    pub fn get_mut(&mut self, id: PatientId) -> &mut Patient {
        &mut self.slots[id as usize]
    }
}
