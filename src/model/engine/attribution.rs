//! Where the days go: every hour a patient spends in a pathway attributed to one cause.
//!
//! Owns the table of causes (built once per replication from the compiled scenario, before
//! the loop starts), the per-replication accumulators, and the metrics they become. Does not
//! own the moments when a patient's cause changes: the event loop (`mod.rs`) calls
//! [`Simulation::begin_cause`] when a patient enters a timed state and
//! [`Simulation::end_cause`] when it leaves it.
//!
//! A patient carries its current cause (an index into [`CauseTable`]) and when it began.
//! When the state ends, the hours since then are added to a flat accumulator indexed by
//! cause: no allocation and no look-up by name. Two kinds of cause split their hours when
//! they are counted:
//! - waiting for a unit of a resource: the hours in which the resource had no unit on
//!   duty (capacity 0: nobody rostered) are `wait.<resource>.off_duty`, the rest
//!   `wait.<resource>.busy`. Each resource keeps a running clock of its off-duty hours,
//!   moved at its roster changes, so the split is exact whatever the roster does while
//!   the patient waits;
//! - a handoff's first processing: the hours the receiving office is closed are
//!   `handoff.<step>.office_closed`, the open hours `handoff.<step>.processing`.
//!
//! A staffed handoff (`by`) waits for its staff as any wait does (`wait.<resource>.busy` and
//! `.off_duty`) and has no closed hours (its staff's roster is its hours). Work stopped at a
//! shift end by a resource that pauses is `service.<step>.paused` (an activity) or
//! `handoff.<step>.paused` (a staffed first reading) until a unit takes it up again; a
//! re-sent referral's or a duplicate assessment's pause keeps its cause.
//!
//! Everything from a bounce to the acceptance of the re-sent referral is
//! `handoff.<step>.bounced` (the rework and the second reading, closed hours included: the
//! time the bounce cost), and everything from acceptance to the end of the receiver's own
//! assessment is `handoff.<step>.duplicate_assessment`. A patient holding a blocked unit
//! (an acute bed it no longer needs) has its hours under `blocked.<cause>`, the cause being
//! what it waits for meanwhile; those hours also count, per blocked unit held, towards the
//! resource's blocked unit-days by cause.
//!
//! Only hours after the warm-up count: at the warm-up's end every patient's current
//! interval is closed and counting starts afresh. Census patients count from time zero;
//! patients still inside at the end count up to the end.

use super::Simulation;
use super::patients::PatientId;
use super::trace::Detail;
use crate::model::metrics::{MetricValue, Unit};
use crate::model::scenario::{PathwayId, ResourceId, Scenario, ShiftEnd, StepId, StepKind};

/// Marks a patient with no open cause (between steps at an instant, or gone).
pub(super) const NO_CAUSE: u32 = u32::MAX;

/// How a cause's hours split when they are counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Split {
    /// All to the cause.
    Whole,
    /// Waiting for resource `r`: hours with nobody on duty go to the next cause (off duty).
    OffDuty(u16),
    /// A handoff's processing at calendar `c`: closed hours go to the next cause.
    Closed(u16),
}

/// The causes of one scenario: per pathway, per kind, per step, resource or handoff. The
/// first `base` ids are causes of patients holding no blocked unit; id `base + c` is
/// `blocked.` + cause `c`.
#[derive(Debug, Clone)]
pub struct CauseTable {
    /// Name of each cause within its pathway, e.g. `wait.reablement.busy` [by cause id].
    pub names: Vec<String>,
    /// Pathway of each cause [by cause id].
    pub pathways: Vec<PathwayId>,
    /// Whether the scenario can spend time in the cause at all (a metric is reported only
    /// for those) [by cause id].
    pub possible: Vec<bool>,
    split: Vec<Split>,
    base: u32,
    /// First cause of each step: `service.` (followed by `service.<step>.paused`), `delay.`,
    /// or `handoff.<step>.processing` followed by `office_closed`, `bounced`,
    /// `duplicate_assessment`, `paused` [by step id].
    step_cause: Vec<u32>,
    /// Whether each step is a handoff [by step id].
    handoffs: Vec<bool>,
    /// `wait.<resource>.busy` (then `.off_duty`) [by pathway x resource].
    wait_cause: Vec<u32>,
    resources: usize,
    /// Row of each blockable resource in the blocked-by-cause table [by resource id].
    blocked_row: Vec<u32>,
    /// Resources that can be blocked, in scenario order.
    pub blockable: Vec<ResourceId>,
}

/// Offsets of a handoff's causes from its first (`office_closed` is at 1, reached as the
/// split's second part).
const PROCESSING: u32 = 0;
const BOUNCED: u32 = 2;
const DUPLICATE: u32 = 3;
/// Offset of a handoff's `paused` cause; an activity's `paused` follows its `service`.
const HANDOFF_PAUSED: u32 = 4;

impl CauseTable {
    /// The causes of `scenario`. O(pathways x resources + steps).
    pub fn new(scenario: &Scenario) -> Self {
        let resources = scenario.resources.len();
        let mut names = Vec::new();
        let mut pathways = Vec::new();
        let mut possible = Vec::new();
        let mut split = Vec::new();
        let mut add = |name: String, pathway: PathwayId, can: bool, how: Split| {
            names.push(name);
            pathways.push(pathway);
            possible.push(can);
            split.push(how);
            (names.len() - 1) as u32
        };
        let mut step_cause = vec![NO_CAUSE; scenario.steps.len()];
        let mut wait_cause = vec![NO_CAUSE; scenario.pathways.len() * resources];
        for (s, step) in scenario.steps.iter().enumerate() {
            let pathway = step.pathway;
            match &step.kind {
                StepKind::Seize { .. } | StepKind::Activity { .. } | StepKind::Handoff { .. } => {
                    let waited_for = match &step.kind {
                        StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. } => {
                            Some(wait.resource)
                        }
                        StepKind::Handoff { handoff, .. } => handoff.by.map(|s| s.resource),
                        _ => None,
                    };
                    if let Some(resource) = waited_for {
                        let r = resource.0 as usize;
                        let slot = pathway.0 as usize * resources + r;
                        if wait_cause[slot] == NO_CAUSE {
                            let resource = &scenario.resources[r];
                            let name = &resource.name;
                            let can_be_off = resource.can_be_off();
                            // A roster never empty has no off-duty hours to split off: the
                            // wait is counted whole, on the fast path (the same hours).
                            let how = if can_be_off {
                                Split::OffDuty(r as u16)
                            } else {
                                Split::Whole
                            };
                            wait_cause[slot] = add(format!("wait.{name}.busy"), pathway, true, how);
                            add(
                                format!("wait.{name}.off_duty"),
                                pathway,
                                can_be_off,
                                Split::Whole,
                            );
                        }
                    }
                    if let StepKind::Activity { wait, .. } = &step.kind {
                        step_cause[s] = add(
                            format!("service.{}", step.name),
                            pathway,
                            true,
                            Split::Whole,
                        );
                        // Work holding a request pauses if any of its resources does.
                        let pauses_at = |r: ResourceId| {
                            scenario.resources[r.0 as usize].at_shift_end == ShiftEnd::Pause
                        };
                        let pauses = match wait.request {
                            None => pauses_at(wait.resource),
                            Some(q) => scenario.requests[q.0 as usize]
                                .parts
                                .iter()
                                .any(|p| pauses_at(p.resource)),
                        };
                        add(
                            format!("service.{}.paused", step.name),
                            pathway,
                            pauses,
                            Split::Whole,
                        );
                    }
                    if let StepKind::Handoff { handoff, .. } = &step.kind {
                        let name = &step.name;
                        let how = handoff.hours.map_or(Split::Whole, |c| Split::Closed(c.0));
                        step_cause[s] =
                            add(format!("handoff.{name}.processing"), pathway, true, how);
                        add(
                            format!("handoff.{name}.office_closed"),
                            pathway,
                            handoff.hours.is_some(),
                            Split::Whole,
                        );
                        add(
                            format!("handoff.{name}.bounced"),
                            pathway,
                            handoff.bounce_probability > 0.0,
                            Split::Whole,
                        );
                        add(
                            format!("handoff.{name}.duplicate_assessment"),
                            pathway,
                            handoff.duplicate_assessment.is_some(),
                            Split::Whole,
                        );
                        let pauses = handoff.by.is_some_and(|staff| {
                            scenario.resources[staff.resource.0 as usize].at_shift_end
                                == ShiftEnd::Pause
                        });
                        add(
                            format!("handoff.{name}.paused"),
                            pathway,
                            pauses,
                            Split::Whole,
                        );
                    }
                }
                StepKind::Delay { .. } => {
                    step_cause[s] =
                        add(format!("delay.{}", step.name), pathway, true, Split::Whole);
                }
                StepKind::Visits { .. } => {
                    // In the episode, then (the next cause) waiting for its first visit day.
                    step_cause[s] = add(
                        format!("service.{}", step.name),
                        pathway,
                        true,
                        Split::Whole,
                    );
                    add(
                        format!("visits_start.{}", step.name),
                        pathway,
                        true,
                        Split::Whole,
                    );
                }
                _ => {}
            }
        }
        let base = names.len() as u32;
        let can_block = pathways_that_can_block(scenario);
        for c in 0..base as usize {
            names.push(format!("blocked.{}", names[c]));
            pathways.push(pathways[c]);
            possible.push(possible[c] && can_block[pathways[c].0 as usize]);
            split.push(split[c]);
        }
        let blockable: Vec<ResourceId> = (0..resources)
            .map(|r| ResourceId(r as u16))
            .filter(|r| scenario.can_be_blocked(*r))
            .collect();
        let mut blocked_row = vec![u32::MAX; resources];
        for (row, r) in blockable.iter().enumerate() {
            blocked_row[r.0 as usize] = row as u32;
        }
        CauseTable {
            names,
            pathways,
            possible,
            split,
            base,
            step_cause,
            handoffs: scenario
                .steps
                .iter()
                .map(|s| matches!(s.kind, StepKind::Handoff { .. }))
                .collect(),
            wait_cause,
            resources,
            blocked_row,
            blockable,
        }
    }

    /// Number of causes, blocked ones included.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the scenario has no cause at all (no timed step).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The cause of waiting for `resource` in `pathway`, as a patient holding a blocked unit
    /// or not.
    #[inline]
    pub(super) fn wait(&self, pathway: PathwayId, resource: ResourceId, blocked: bool) -> u32 {
        let c = self.wait_cause[pathway.0 as usize * self.resources + resource.0 as usize];
        self.twin(c, blocked)
    }

    /// The cause of an activity's service, a delay, or a handoff's processing at `step`.
    #[inline]
    pub(super) fn at_step(&self, step: StepId, blocked: bool) -> u32 {
        self.twin(self.step_cause[step.0 as usize], blocked)
    }

    /// The cause of the time after a bounce at handoff `step`.
    #[inline]
    pub(super) fn bounced(&self, step: StepId, blocked: bool) -> u32 {
        self.twin(
            self.step_cause[step.0 as usize] + BOUNCED - PROCESSING,
            blocked,
        )
    }

    /// The cause of the receiver's duplicate assessment at handoff `step`.
    #[inline]
    pub(super) fn duplicate(&self, step: StepId, blocked: bool) -> u32 {
        self.twin(
            self.step_cause[step.0 as usize] + DUPLICATE - PROCESSING,
            blocked,
        )
    }

    /// The cause of work paused at a shift end at `step` (an activity or a staffed
    /// handoff) whose cause while it ran was `running`: `paused` for an activity's work or a
    /// first reading; a re-sent referral's reading stays `bounced`, and a duplicate
    /// assessment stays `duplicate_assessment`.
    #[inline]
    pub(super) fn paused(&self, step: StepId, running: u32, blocked: bool) -> u32 {
        let first = self.step_cause[step.0 as usize];
        if !self.handoffs[step.0 as usize] {
            return self.twin(first + 1, blocked);
        }
        if running == self.bounced(step, blocked) || running == self.duplicate(step, blocked) {
            return running;
        }
        self.twin(first + HANDOFF_PAUSED, blocked)
    }

    #[inline]
    fn twin(&self, cause: u32, blocked: bool) -> u32 {
        if blocked { cause + self.base } else { cause }
    }
}

/// Per pathway: whether a patient in it can hold a blocked unit (a `block` step in it, a
/// census group blocked in it, or a transfer into it from such a pathway).
fn pathways_that_can_block(scenario: &Scenario) -> Vec<bool> {
    let mut can = vec![false; scenario.pathways.len()];
    for step in &scenario.steps {
        if matches!(step.kind, StepKind::Block { .. }) {
            can[step.pathway.0 as usize] = true;
        }
    }
    for group in &scenario.initial {
        if !group.blocked.is_empty() {
            can[scenario.steps[group.step.0 as usize].pathway.0 as usize] = true;
        }
    }
    loop {
        let mut changed = false;
        for step in &scenario.steps {
            if let StepKind::Transfer { to, .. } = step.kind {
                let into = scenario.steps[to.0 as usize].pathway.0 as usize;
                if can[step.pathway.0 as usize] && !can[into] {
                    can[into] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return can;
        }
    }
}

/// The hours attributed so far in one replication.
#[derive(Debug, Clone)]
pub(super) struct Attribution {
    /// The causes.
    pub table: CauseTable,
    /// Hours after the warm-up [by cause id].
    hours: Vec<f64>,
    /// Blocked unit-hours after the warm-up [by blockable resource row x unblocked cause].
    blocked_hours: Vec<f64>,
    /// Patients in each pathway now [by pathway].
    inside: Vec<u64>,
    /// Patients counted in each pathway since the warm-up: inside at its end, or entering
    /// after [by pathway].
    patients: Vec<u64>,
}

impl Attribution {
    /// Empty accumulators for `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let table = CauseTable::new(scenario);
        let pathways = scenario.pathways.len();
        Attribution {
            hours: vec![0.0; table.len()],
            blocked_hours: vec![0.0; table.blockable.len() * table.base as usize],
            inside: vec![0; pathways],
            patients: vec![0; pathways],
            table,
        }
    }

    /// A patient enters `pathway` (arrival, census or transfer).
    #[inline]
    pub fn enter(&mut self, pathway: PathwayId) {
        self.inside[pathway.0 as usize] += 1;
        self.patients[pathway.0 as usize] += 1;
    }

    /// A patient leaves `pathway`.
    #[inline]
    pub fn leave(&mut self, pathway: PathwayId) {
        self.inside[pathway.0 as usize] -= 1;
    }

    /// The warm-up is over: forget everything counted; the patients inside count.
    pub fn restart(&mut self) {
        self.hours.fill(0.0);
        self.blocked_hours.fill(0.0);
        self.patients.copy_from_slice(&self.inside);
    }

    /// Adds `hours` of `cause` for a patient holding the blocked units in `blocked` (one bit
    /// per resource id).
    #[inline]
    fn add(&mut self, cause: u32, hours: f64, blocked: u64) {
        self.hours[cause as usize] += hours;
        if blocked != 0 {
            let unblocked = (cause - self.table.base) as usize;
            let mut bits = blocked;
            while bits != 0 {
                let r = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                let row = self.table.blocked_row[r] as usize;
                self.blocked_hours[row * self.table.base as usize + unblocked] += hours;
            }
        }
    }

    /// Appends the attribution metrics (see `README.md`, "Where the days go"):
    /// `attribution.<pathway>.patients`, then per possible cause
    /// `attribution.<pathway>.<cause>.total_hours` and `.hours_per_patient` (no value where
    /// the pathway had no patients), then per blockable resource and possible cause
    /// `blocked.<resource>.by_cause.<pathway>.<cause>.unit_days` and `.share` (of the
    /// resource's blocked unit-days in the replication; no value when none were blocked).
    pub fn push_metrics(&self, scenario: &Scenario, out: &mut Vec<MetricValue>) {
        let mut push = |name: String, unit: Unit, value: f64| {
            out.push(MetricValue {
                name: name.into(),
                unit,
                value,
            })
        };
        let table = &self.table;
        for (p, pathway) in scenario.pathways.iter().enumerate() {
            let name = &pathway.name;
            let patients = self.patients[p];
            push(
                format!("attribution.{name}.patients"),
                Unit::Patients,
                patients as f64,
            );
            for c in (0..table.len()).filter(|&c| table.pathways[c].0 as usize == p) {
                if !table.possible[c] {
                    continue;
                }
                let cause = &table.names[c];
                let total = self.hours[c];
                push(
                    format!("attribution.{name}.{cause}.total_hours"),
                    Unit::Hours,
                    total,
                );
                let mean = if patients == 0 {
                    f64::NAN
                } else {
                    total / patients as f64
                };
                push(
                    format!("attribution.{name}.{cause}.hours_per_patient"),
                    Unit::Hours,
                    mean,
                );
            }
        }
        let base = table.base as usize;
        for (row, resource) in table.blockable.iter().enumerate() {
            let resource = &scenario.resources[resource.0 as usize].name;
            let row_hours = &self.blocked_hours[row * base..(row + 1) * base];
            let blocked_total: f64 = row_hours.iter().sum();
            for (c, &hours) in row_hours.iter().enumerate() {
                if !table.possible[c + base] {
                    continue;
                }
                let pathway = &scenario.pathways[table.pathways[c].0 as usize].name;
                push(
                    format!(
                        "blocked.{resource}.by_cause.{pathway}.{}.unit_days",
                        table.names[c]
                    ),
                    Unit::UnitDays,
                    hours / 24.0,
                );
                // The cause's share of the resource's blocked time in this replication (no
                // value when nothing was blocked), so its interval is one across replications.
                push(
                    format!(
                        "blocked.{resource}.by_cause.{pathway}.{}.share",
                        table.names[c]
                    ),
                    Unit::Fraction,
                    if blocked_total > 0.0 {
                        hours / blocked_total
                    } else {
                        f64::NAN
                    },
                );
            }
        }
    }
}

impl Simulation<'_> {
    /// Patient `id` enters, now, a timed state whose cause is `cause` (from [`CauseTable`])
    /// and does not split, or splits against `mark` (see [`Split`]). Its previous state has
    /// been closed by [`Self::end_cause`].
    #[inline]
    fn begin_marked(&mut self, id: PatientId, cause: u32, mark: f64) {
        let now = self.now;
        let patient = self.patients.get_mut(id);
        debug_assert_eq!(patient.cause, NO_CAUSE, "a cause was left open");
        patient.cause = cause;
        patient.cause_since = now;
        patient.cause_mark = mark;
    }

    /// Patient `id` enters, now, a timed state whose cause does not split (service, delay,
    /// bounced, duplicate assessment).
    #[inline]
    pub(super) fn begin_cause(&mut self, id: PatientId, cause: u32) {
        self.begin_marked(id, cause, 0.0);
    }

    /// Patient `id` starts waiting, now, for `resource` (cause `cause`): the resource's
    /// off-duty clock is the mark.
    #[inline]
    pub(super) fn begin_wait(&mut self, id: PatientId, cause: u32, resource: ResourceId) {
        let mark = match self.attribution.table.split[cause as usize] {
            Split::OffDuty(_) => self.resources[resource.0 as usize].off_duty_hours(self.now),
            _ => 0.0,
        };
        self.begin_marked(id, cause, mark);
    }

    /// Patient `id` enters a handoff's processing (cause `cause`) that needs `work` hours of
    /// the receiving office's opening time, now: the work is the mark.
    #[inline]
    pub(super) fn begin_processing(&mut self, id: PatientId, cause: u32, work: f64) {
        self.begin_marked(id, cause, work);
    }

    /// Patient `id` leaves its timed state now: the hours since it began go to its cause
    /// (split where the cause splits), and to the trace if one is written. Called before
    /// the patient's step or blocked units change, so they are those of the state.
    #[inline]
    pub(super) fn end_cause(&mut self, id: PatientId) {
        let now = self.now;
        let patient = self.patients.get_mut(id);
        let cause = patient.cause;
        if cause == NO_CAUSE {
            return;
        }
        // The common case inline: a cause that does not split, no blocked unit, no trace.
        if patient.blocked == 0
            && self.trace.is_none()
            && self.attribution.table.split[cause as usize] == Split::Whole
        {
            patient.cause = NO_CAUSE;
            self.attribution.hours[cause as usize] += now - patient.cause_since;
            return;
        }
        self.close_cause(id, true);
    }

    /// Closes patient `id`'s open cause now; `finished` says whether its state is over
    /// (false at the warm-up's end and the run's end, which cut a state short). Returns the
    /// working hours a handoff's processing still has to do from now.
    #[inline(never)]
    fn close_cause(&mut self, id: PatientId, finished: bool) -> f64 {
        let now = self.now;
        let patient = self.patients.get_mut(id);
        let cause = patient.cause;
        patient.cause = NO_CAUSE;
        let (since, mark, blocked) = (patient.cause_since, patient.cause_mark, patient.blocked);
        let hours = now - since;
        let rest = match self.attribution.table.split[cause as usize] {
            Split::Whole => 0.0,
            Split::OffDuty(r) => {
                let off = self.resources[r as usize].off_duty_hours(now) - mark;
                off.max(0.0).min(hours)
            }
            // A processing phase that ran its course had exactly its work's hours open.
            Split::Closed(_) if finished => (hours - mark).max(0.0),
            Split::Closed(c) => self.closed_hours(c, since, hours),
        };
        let first = hours - rest;
        self.attribution.add(cause, first, blocked);
        if rest > 0.0 {
            self.attribution.add(cause + 1, rest, blocked);
        }
        if self.trace.is_some() {
            self.trace_attributed(id, cause, first, rest);
        }
        mark - first
    }

    /// Hours calendar `c` is closed among the `hours` from `since`.
    #[inline(never)]
    fn closed_hours(&self, c: u16, since: f64, hours: f64) -> f64 {
        let calendar = &self.scenario.calendars[c as usize];
        hours - calendar.open_hours_from(since, self.week_offset, hours)
    }

    /// Writes the `attributed` rows of a cause just closed.
    #[inline(never)]
    fn trace_attributed(&mut self, id: PatientId, cause: u32, first: f64, rest: f64) {
        let patient = self.patients.get(id);
        let (number, step, now) = (patient.number, patient.step, self.now);
        let (scenario, table) = (self.scenario, &self.attribution.table);
        if let Some(trace) = self.trace.as_mut() {
            trace.attributed(scenario, number, now, step, cause, first, table);
            if rest > 0.0 {
                trace.attributed(scenario, number, now, step, cause + 1, rest, table);
            }
        }
    }

    /// Closes every open cause now and opens it again from now (the warm-up's end): what
    /// came before is written to the trace, and counting starts afresh.
    pub(super) fn restart_causes(&mut self) {
        for id in 0..self.patients.slots() as PatientId {
            let cause = self.patients.get(id).cause;
            if cause == NO_CAUSE {
                continue;
            }
            let work_left = self.close_cause(id, false);
            match self.attribution.table.split[cause as usize] {
                Split::Whole => self.begin_cause(id, cause),
                Split::OffDuty(r) => self.begin_wait(id, cause, ResourceId(r)),
                Split::Closed(_) => self.begin_processing(id, cause, work_left.max(0.0)),
            }
        }
        self.attribution.restart();
    }

    /// Closes the cause of every patient still inside at the end of the run (each is in a
    /// timed state, so has a cause; a free slot has none).
    pub(super) fn close_causes(&mut self) {
        for id in 0..self.patients.slots() as PatientId {
            if self.patients.get(id).cause != NO_CAUSE {
                self.close_cause(id, false);
                self.trace_event(id, "inside_at_end", None, Detail::None);
            }
        }
    }
}
