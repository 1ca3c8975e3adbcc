//! Patients in the system, kept in a slab: a vector of slots with a free list, so creating
//! and removing a patient allocates nothing once the slab has grown to its working size.

use crate::model::scenario::{MAX_ATTRIBUTES, StepId};

/// Steps whose draw counts a patient remembers at once (enough for the loops of most
/// pathways; older ones are counted apart, see `Patient::next_draw`).
const DRAW_SLOTS: usize = 4;
/// Marks an unused slot in `Patient::draws`.
const NO_STEP: StepId = StepId(u32::MAX);

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
    /// Whether the flex rule of the resource it waits for counts it as waiting longer than
    /// the rule's `waited_over` (see `engine::surge`).
    pub surge_counted: bool,
    /// The instant of the patient's latest step [hours].
    pub instant: f64,
    /// Steps taken at `instant`, to catch loops in which no time passes.
    pub steps_at_instant: u32,
    /// Identity for the patient's own random draws: its entity key's
    /// [`ReplicationKey::entity_seed`](crate::kernel::ReplicationKey::entity_seed) in this
    /// replication (see `kernel::random`), for `ReplicationKey::draw_stream_from`.
    pub key: u64,
    /// Draws made so far at recent steps, as (step, count): the occurrence of the next draw.
    pub draws: [(StepId, u32); DRAW_SLOTS],
    /// Pathways entered so far, minus one.
    pub episode: u32,
    /// Steps dropped from `draws` to make room, in this episode.
    pub forgotten: u32,
    /// Slot in `draws` to reuse next.
    pub next_draw_slot: u8,
    /// Patience drawn so far (the occurrence of the next patience draw).
    pub patience_draws: u32,
    /// The alternative taken by the current `any_of` activity (its part index).
    pub alternative: u8,
    /// Category of each attribute.
    pub attributes: [u8; MAX_ATTRIBUTES],
    /// Order of creation in the replication (census first), as the trace names patients.
    pub number: u64,
    /// Cause of the current timed state (`attribution::NO_CAUSE` between states).
    pub cause: u32,
    /// When the current cause began [hours].
    pub cause_since: f64,
    /// The split clock when the cause began (see `attribution::Split`) [hours].
    pub cause_mark: f64,
    /// Work waiting for a unit: a staffed handoff's reading, or paused work (see
    /// `staffing`) [hours].
    pub work_left: f64,
    /// When work that can pause is due to finish; NaN while paused or none [hours].
    pub work_done_at: f64,
    /// While paused: when the step-done event of the work, left in the event list, falls
    /// (the work's `work_done_at` when it paused); NaN otherwise [hours]. Work resumed
    /// before then keeps that event (see `staffing::begin_queued_work`).
    pub paused_done_at: f64,
    /// Cause of the work waiting for a unit, once it starts.
    pub work_cause: u32,
    /// Whether the work waiting for a unit was paused (it resumes rather than starts).
    pub resuming: bool,
    /// When the patient joined its queue, for work waiting for a unit (a staffed office's
    /// queue, or paused work), whose `wait_started` means something else [hours]: the
    /// clock a flex rule's `waited_over` reads there.
    pub queued_at: f64,
}

impl Patient {
    /// The occurrence number of this patient's next draw at `step`, counting it: unique for
    /// the patient, so a loop or a readmission never repeats an earlier draw. It combines the
    /// episode (pathways entered so far), the times an older step was forgotten, and the
    /// draws at this step.
    pub fn next_draw(&mut self, step: StepId) -> u64 {
        let prefix = (u64::from(self.episode) << 40) | (u64::from(self.forgotten) << 20);
        if let Some(entry) = self.draws.iter_mut().find(|(s, _)| *s == step) {
            entry.1 += 1;
            return prefix | u64::from(entry.1 - 1);
        }
        let slot = usize::from(self.next_draw_slot);
        if self.draws[slot].0 != NO_STEP {
            self.forgotten += 1;
        }
        self.draws[slot] = (step, 1);
        self.next_draw_slot = ((slot + 1) % self.draws.len()) as u8;
        (u64::from(self.episode) << 40) | (u64::from(self.forgotten) << 20)
    }

    /// Starts a new episode (on entering another pathway): draws are counted afresh.
    pub fn new_episode(&mut self) {
        self.episode += 1;
        self.draws = [(NO_STEP, 0); DRAW_SLOTS];
        self.next_draw_slot = 0;
        self.forgotten = 0;
    }

    /// A patient with draw identity `key` (an entity seed, see [`Patient::key`]) entering
    /// `step` at `now`.
    pub fn new(key: u64, step: StepId, now: f64, attributes: [u8; MAX_ATTRIBUTES]) -> Self {
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
            surge_counted: false,
            instant: f64::NAN,
            steps_at_instant: 0,
            key,
            draws: [(NO_STEP, 0); DRAW_SLOTS],
            episode: 0,
            forgotten: 0,
            next_draw_slot: 0,
            patience_draws: 0,
            alternative: 0,
            attributes,
            number: 0,
            cause: super::attribution::NO_CAUSE,
            cause_since: now,
            cause_mark: 0.0,
            work_left: 0.0,
            work_done_at: f64::NAN,
            paused_done_at: f64::NAN,
            work_cause: super::attribution::NO_CAUSE,
            resuming: false,
            queued_at: now,
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

    /// Number of slots, used or free: ids run from 0 to this.
    pub fn slots(&self) -> usize {
        self.slots.len()
    }

    /// Number of patients in the system.
    pub fn live(&self) -> usize {
        self.slots.len() - self.free.len()
    }

    /// Every patient in the system, in slot order. Allocates a mask of the free slots:
    /// for the end of a run, not the event loop.
    pub fn live_patients(&self) -> impl Iterator<Item = &Patient> {
        let mut free = vec![false; self.slots.len()];
        for &id in &self.free {
            free[id as usize] = true;
        }
        self.slots
            .iter()
            .zip(free)
            .filter(|(_, is_free)| !is_free)
            .map(|(patient, _)| patient)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A patient's draws at a step never repeat: not in a loop through more steps than it
    /// remembers, and not after a readmission starts a new episode.
    #[test]
    fn occurrences_never_repeat_for_a_patient() {
        let mut patient = Patient::new(1, StepId(0), 0.0, [0; MAX_ATTRIBUTES]);
        let mut seen = std::collections::BTreeSet::new();
        for episode in 0..3 {
            for _lap in 0..5 {
                for step in 0..12 {
                    assert!(
                        seen.insert((step, patient.next_draw(StepId(step)))),
                        "repeat at {episode}/{step}"
                    );
                }
            }
            patient.new_episode();
        }
    }
}
