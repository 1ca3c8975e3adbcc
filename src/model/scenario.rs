//! A checked scenario compiled into index-based tables.
//!
//! Every name the analyst wrote has been resolved to an integer id, every time converted to
//! hours and every probability checked, so the event loop only indexes into vectors.

use crate::kernel::{SimDuration, StreamKey};

use super::dated_schedule::DatedSchedule;
use super::distribution::Distribution;
use super::week_schedule::WeekSchedule;

/// Index of a resource in [`Scenario::resources`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceId(pub u16);
/// Index of a pathway in [`Scenario::pathways`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PathwayId(pub u16);
/// Index of a step in [`Scenario::steps`] (global across pathways).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct StepId(pub u32);
/// Index of a waiting point (a `seize` or `activity` step) in [`Scenario::waits`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WaitId(pub u32);
/// Index of a handoff step in [`Scenario::handoffs`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HandoffId(pub u32);
/// Index of an outcome in [`Scenario::outcomes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OutcomeId(pub u16);
/// Index of an attribute in [`Scenario::attributes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttributeId(pub u8);
/// Index of a calendar in [`Scenario::calendars`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CalendarId(pub u16);

/// Most attributes a patient can carry (their values are stored inline in each patient).
pub const MAX_ATTRIBUTES: usize = 8;
/// Most resources a scenario can have (a patient's holdings are a 64-bit set).
pub const MAX_RESOURCES: usize = 64;
/// Most units of one resource at any time of the week, all roster lines added up [units].
/// Far above any real team or bed base, and far below where a count could wrap.
pub const MAX_UNITS: u32 = 1_000_000;
/// Most patients present at time zero, all census groups added up [patients].
pub const MAX_CENSUS_PATIENTS: u32 = 1_000_000;
/// Largest cost accepted per unit-hour, unit-day or patient [GBP]: with at most
/// [`MAX_UNITS`] units over at most a century, every cost total stays a finite number.
pub const MAX_COST: f64 = 1e9;
/// Most pathways a scenario can have (pathway ids are 16-bit).
pub const MAX_PATHWAYS: usize = u16::MAX as usize;
/// Most calendars a scenario can have (calendar ids are 16-bit).
pub const MAX_CALENDARS: usize = u16::MAX as usize;

/// A compiled scenario: what one replication needs, and the names for its outputs.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// Short name, used for the output folder.
    pub name: String,
    /// What the scenario models.
    pub description: String,
    /// Time over which metrics are collected, after the warm-up [hours].
    pub horizon: SimDuration,
    /// Time discarded before metrics are collected [hours].
    pub warm_up: SimDuration,
    /// Replications asked for.
    pub replications: u32,
    /// Seed of every random stream.
    pub seed: u64,
    /// Day of the week at time zero (Monday = 0), at 00:00.
    pub start_day: usize,
    /// The date at time zero (00:00), when the run is on real dates (`[run] start`); dated
    /// periods, bank holidays and month-of-year demand are then compiled into `dated`
    /// schedules and demand changes. See `model::dates` for labels.
    pub start_date: Option<jiff::civil::Date>,
    /// Opening hours of offices.
    pub calendars: Vec<Calendar>,
    /// Patient attributes.
    pub attributes: Vec<Attribute>,
    /// Staff and capacity pools.
    pub resources: Vec<Resource>,
    /// Referral sources.
    pub sources: Vec<Source>,
    /// Pathways.
    pub pathways: Vec<Pathway>,
    /// Every step of every pathway.
    pub steps: Vec<Step>,
    /// Waiting points, in step order.
    pub waits: Vec<StepId>,
    /// Each waiting point's wait targets (`targets = ["1 h", "4 h"]`), by [`WaitId`]; empty
    /// where none are set.
    pub wait_targets: Vec<Vec<WaitTarget>>,
    /// Each waiting point's cost of one patient waiting one day (`cost_per_day_waiting`)
    /// [GBP/patient-day], by [`WaitId`]; `None` where none is written (then no
    /// `cost.wait.*` metric; one written as 0 reports a cost of 0).
    pub wait_costs: Vec<Option<f64>>,
    /// Handoffs, in step order.
    pub handoffs: Vec<StepId>,
    /// Requests for several units, several resources or alternatives, by [`RequestId`]
    /// (also one-unit waits for a resource that such requests share).
    pub requests: Vec<ResourceRequest>,
    /// Whether some seize takes more than one unit of a resource.
    pub multi_unit_holds: bool,
    /// Home-visit episodes, indexed by [`super::visit_plan::VisitsId`] (see
    /// `model::visit_plan`).
    pub visits: Vec<super::visit_plan::VisitEpisode>,
    /// Named outcomes (including transfers into other pathways).
    pub outcomes: Vec<Outcome>,
    /// Patients present at time zero.
    pub initial: Vec<InitialGroup>,
    /// Deadlines drawn per patient, by [`PatienceId`].
    pub patience: Vec<Patience>,
    /// Plainly named figures, computed from the metrics of each replication.
    pub key_figures: Vec<KeyFigure>,
    /// Most patients inside at once before a replication stops with
    /// `SimError::TooManyInside` [patients] (`[run] max_patients_inside`).
    pub max_inside: u64,
    /// Labels and unit nouns for readers (see `model::labels`).
    pub labels: super::labels::Labels,
}

/// Default bound on the patients inside at once [patients]: far above any real census or
/// queue, low enough that a run whose queue grows without bound stops within a few hundred
/// megabytes (about 150 bytes per patient, with its queue and event entries).
pub const DEFAULT_MAX_INSIDE: u64 = 1_000_000;

/// A plainly named figure: the sum of one or more metrics of a replication.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyFigure {
    /// Name, reported as metric `key.<name>`.
    pub name: String,
    /// What it is, in plain words.
    pub label: String,
    /// Positions of the metrics it adds up, in a replication's metric list.
    pub terms: Vec<usize>,
    /// Which way is better, if the scenario says.
    pub better: Option<Better>,
    /// A target in the figure's unit (a share as a fraction): a floor when higher is
    /// better, a ceiling when lower is better.
    pub target: Option<f64>,
    /// Whether designs are ranked on this figure (at most one figure of a scenario).
    pub objective: bool,
}

impl KeyFigure {
    /// The metric the figure is reported as: `key.<name>`.
    pub fn metric(&self) -> String {
        format!("key.{}", self.name)
    }
}

/// Which way a key figure is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// More is better (a share within a target, patients managed at home).
    Higher,
    /// Less is better (a wait, delayed bed-days, a cost).
    Lower,
}

impl Better {
    /// The word a scenario file uses: `higher` or `lower`.
    pub fn word(self) -> &'static str {
        match self {
            Better::Higher => "higher",
            Better::Lower => "lower",
        }
    }

    /// Whether a change of `difference` (variant minus base) is for the better.
    pub fn is_improvement(self, difference: f64) -> bool {
        match self {
            Better::Higher => difference > 0.0,
            Better::Lower => difference < 0.0,
        }
    }
}

impl Scenario {
    /// The key figure reported as metric `metric` (`key.<name>`), if any.
    pub fn key_figure(&self, metric: &str) -> Option<&KeyFigure> {
        let name = metric.strip_prefix("key.")?;
        self.key_figures.iter().find(|f| f.name == name)
    }

    /// The key figure designs are ranked on (`objective = true`), if any.
    pub fn objective(&self) -> Option<&KeyFigure> {
        self.key_figures.iter().find(|f| f.objective)
    }
}

/// Weekly opening hours of an office.
#[derive(Debug, Clone)]
pub struct Calendar {
    /// Name in the scenario file.
    pub name: String,
    /// Level 1 while open, 0 while closed: the usual week.
    pub schedule: WeekSchedule,
    /// The opening hours over the run on real dates (dated periods, bank holidays), when the
    /// run has a start date; `schedule` is then only the usual week, for descriptions.
    pub dated: Option<DatedSchedule>,
}

/// A categorical patient attribute.
#[derive(Debug, Clone)]
pub struct Attribute {
    /// Name in the scenario file.
    pub name: String,
    /// Category names.
    pub values: Vec<String>,
    /// Default probability of each category.
    pub probabilities: Vec<f64>,
}

/// A pool of interchangeable units: staff on a roster, or places such as beds.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Name in the scenario file.
    pub name: String,
    /// Units available through the usual week.
    pub schedule: WeekSchedule,
    /// Units available over the run on real dates (dated periods, bank holidays), when the
    /// run has a start date and they change anything; `schedule` is then only the usual
    /// week, for descriptions.
    pub dated: Option<DatedSchedule>,
    /// Cost of one unit per available hour, and per overtime hour [GBP/h].
    pub cost_per_hour: f64,
    /// Cost of one unit held by a patient per day [GBP/unit-day].
    pub cost_per_day_in_use: f64,
    /// Cost of one unit available per day, used or not [GBP/unit-day].
    pub cost_per_day_available: f64,
    /// Number of distinct priority levels waiting for this resource.
    pub priority_levels: usize,
    /// How the queue is served when the request at its head cannot start.
    pub queue_order: QueueOrder,
    /// Whether some request for this resource asks for several units, several resources or
    /// alternatives: its queue is then served by the general rule of `engine::requests`
    /// (every wait for it has a [`Wait::request`]).
    pub shared: bool,
    /// What a unit does with work under way when its shift ends (see
    /// [`crate::model::shift_end`]).
    pub at_shift_end: ShiftEnd,
    /// Surge (flex) capacity: extra units that open while its queue is long.
    pub surge: Option<super::surge::SurgeRule>,
}

pub use crate::model::shift_end::{ShiftEnd, Staff};

/// How a resource's queue is served when the request first in line cannot start (it asks
/// for more units, or for other resources, than are free) but one behind it could.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum QueueOrder {
    /// Strict first come, first served (within priority): nobody passes the first in line.
    #[default]
    FirstComeFirstServed,
    /// The first request in line (priority, then arrival) that fits the free units starts:
    /// smaller requests pass a larger one that is waiting ("first fit", as in backfilling).
    FirstFit,
}

/// Index of a multi-unit, multi-resource or alternatives request in [`Scenario::requests`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RequestId(pub u32);

/// What a waiting step asks for when it is more than one unit of one resource: every part
/// at once (`all_of`), or one of the parts, the first free in the listed order.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceRequest {
    /// `true`: one of the parts (`resource = { any_of = [...] }`), in order of preference;
    /// `false`: all of them together, or none.
    pub any_of: bool,
    /// The parts, each a resource at most once.
    pub parts: Vec<RequestPart>,
}

/// One resource of a [`ResourceRequest`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestPart {
    /// The resource.
    pub resource: ResourceId,
    /// Units of it asked for (at least 1).
    pub units: u32,
    /// Rank of the wait's priority among this resource's levels (0 = served first).
    pub priority_rank: usize,
}

/// A referral source feeding one pathway: a non-homogeneous Poisson process, or booked or
/// recorded arrivals (see [`ArrivalTiming`]).
#[derive(Debug, Clone)]
pub struct Source {
    /// Name in the scenario file.
    pub name: String,
    /// Pathway the referrals enter.
    pub pathway: PathwayId,
    /// Arrival rate in each hour of the week, Monday 00:00 first [patients/hour] (for
    /// booked and recorded arrivals, their mean rate by hour of the week over the run).
    pub hourly_rate: [f64; 168],
    /// Temporary multipliers on the rate, in time order.
    pub demand_changes: Vec<DemandChange>,
    /// Growth per year, as a fraction.
    pub growth_per_year: f64,
    /// Probability of each category of each attribute for referrals from this source.
    pub attribute_probabilities: Vec<Vec<f64>>,
    /// When referrals come: a Poisson process at `hourly_rate` (the default), booked at
    /// inter-arrival times, or replayed from a record (see `model::arrivals`).
    pub timing: ArrivalTiming,
}

/// How a source's arrival times are made. For the timings other than Poisson,
/// `hourly_rate` holds the equivalent mean rate (for load estimates and descriptions only).
#[derive(Debug, Clone)]
pub enum ArrivalTiming {
    /// A non-homogeneous Poisson process at `hourly_rate`, with growth and demand changes.
    Poisson,
    /// One arrival at time zero, then one each inter-arrival time, drawn from the source's
    /// stream (`interarrival = { fixed = "20 min" }` for booked appointments) [hours].
    Interarrival(Distribution),
    /// Recorded arrivals replayed as written, the same in every replication.
    Recorded(RecordedArrivals),
}

/// Arrival times replayed as recorded (`times = [...]` or a CSV `file`), with any attribute
/// values the record fixes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RecordedArrivals {
    /// Arrival times, in order [hours since time zero].
    pub times: Vec<f64>,
    /// The attributes whose values the record gives, in column order.
    pub attributes: Vec<AttributeId>,
    /// The category of each of `attributes` for each arrival, flat:
    /// `values[arrival * attributes.len() + column]`.
    pub values: Vec<u8>,
}

/// Referral volume multiplied by `factor` from `start` to `end` (hours since time zero).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemandChange {
    /// Start [hours since time zero].
    pub start: f64,
    /// End [hours since time zero].
    pub end: f64,
    /// Multiplier on the rate.
    pub factor: f64,
}

/// A pathway: a named entry point into the step table.
#[derive(Debug, Clone)]
pub struct Pathway {
    /// Name in the scenario file.
    pub name: String,
    /// First step.
    pub entry: StepId,
    /// Outcomes reachable from this pathway's steps.
    pub outcomes: Vec<OutcomeId>,
}

/// One step of a pathway.
#[derive(Debug, Clone)]
pub struct Step {
    /// Name in the scenario file.
    pub name: String,
    /// Pathway the step belongs to.
    pub pathway: PathwayId,
    /// What happens at the step.
    pub kind: StepKind,
    /// The random stream of this step's draws.
    pub stream: StreamKey,
}

/// What happens at a step.
#[derive(Debug, Clone)]
pub enum StepKind {
    /// Wait for a unit and keep it.
    Seize {
        /// The wait.
        wait: Wait,
        /// Step after the unit is obtained.
        next: StepId,
    },
    /// Wait for a unit, use it for a duration, give it back.
    Activity {
        /// The wait.
        wait: Wait,
        /// Time the unit is used.
        duration: Distribution,
        /// Step after the activity.
        next: StepId,
    },
    /// Give back a unit held since an earlier `seize`.
    Release {
        /// The resource.
        resource: ResourceId,
        /// Step afterwards.
        next: StepId,
    },
    /// Spend time without using a resource.
    Delay {
        /// How long.
        duration: Distribution,
        /// Step afterwards.
        next: StepId,
    },
    /// Referral to another organisation.
    Handoff {
        /// The referral's rules.
        handoff: Handoff,
        /// Step after acceptance.
        next: StepId,
    },
    /// Choose the next step at random.
    Branch {
        /// Cumulative probability and target of each arm.
        arms: Vec<(f64, StepId)>,
    },
    /// Choose the next step by an attribute's value.
    BranchOn {
        /// The attribute.
        attribute: AttributeId,
        /// Target for each category, in category order.
        targets: Vec<StepId>,
    },
    /// Choose the next step by whether an office is open or a team on duty now.
    BranchOnHours {
        /// What decides.
        hours: OpenWhen,
        /// Target while open.
        open: StepId,
        /// Target while closed.
        closed: StepId,
    },
    /// Mark the held unit of a resource as blocked until it is released.
    Block {
        /// The resource.
        resource: ResourceId,
        /// Step afterwards.
        next: StepId,
    },
    /// A home-visit episode (package of care): visits at home for a length of stay, against a
    /// daily capacity of visit slots or the carers' roster (see `model::visit_plan`).
    Visits {
        /// The episode's parameters in [`Scenario::visits`].
        episode: super::visit_plan::VisitsId,
        /// Step after the episode ends.
        next: StepId,
    },
    /// Leave the system.
    End {
        /// The outcome counted.
        outcome: OutcomeId,
    },
    /// Continue in another pathway, keeping held units.
    Transfer {
        /// The outcome counted for the pathway being left.
        outcome: OutcomeId,
        /// The step entered.
        to: StepId,
    },
}

/// What makes a `branch_on_hours` step see "open".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenWhen {
    /// The calendar's opening hours.
    Calendar(CalendarId),
    /// At least one unit of the resource on duty.
    Staffed(ResourceId),
}

/// A wait for one unit of a resource.
#[derive(Debug, Clone, Copy)]
pub struct Wait {
    /// The resource.
    pub resource: ResourceId,
    /// Rank of the wait's priority among this resource's levels (0 = served first).
    pub priority_rank: usize,
    /// Longest acceptable wait, if any, and where to go after it.
    pub deadline: Option<Deadline>,
    /// Most patients waiting here at once, if limited, and where those turned away go.
    pub max_queue: Option<MaxQueue>,
    /// This waiting point's index, for its metrics.
    pub index: WaitId,
    /// The request in [`Scenario::requests`] when it is more than one unit of `resource`
    /// on a queue of its own (`resource` is then its first part, or first alternative).
    pub request: Option<RequestId>,
    /// Every resource the request names, one bit per resource id.
    pub mask: u64,
}

/// A wait target: the share of the patients reaching a waiting point who are served within
/// `limit` is reported as metric `wait.<pathway>.<step>.within_<name>`.
#[derive(Debug, Clone, PartialEq)]
pub struct WaitTarget {
    /// The target as a name part, e.g. `1h`, `30min`, `1_5h` (for `"1.5 h"`).
    pub name: String,
    /// Longest wait that meets the target [hours], counted from joining the queue.
    pub limit: SimDuration,
}

/// A limit on the patients waiting at one waiting point (`max_queue`): a patient who
/// would have to wait while `places` are already waiting there is turned away ("balks") to
/// `when_full` at once, counted as `wait.<pathway>.<step>.balked`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxQueue {
    /// Most patients waiting at once [patients].
    pub places: u32,
    /// Step taken by a patient turned away.
    pub when_full: StepId,
}

/// Index of a patience distribution in [`Scenario::patience`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PatienceId(pub u32);

/// A deadline that differs from patient to patient (`deadline = { gamma = { ... } }`): each
/// patient's patience is drawn when it reaches the waiting point, from its own draw stream
/// for this purpose, so the same patient has the same patience in every design.
#[derive(Debug, Clone)]
pub struct Patience {
    /// The distribution of the longest acceptable wait [hours].
    pub distribution: Distribution,
    /// The purpose of the draw (`patience:<pathway>/<step>`).
    pub stream: StreamKey,
}

/// A deadline on a wait.
#[derive(Debug, Clone, Copy)]
pub struct Deadline {
    /// Longest acceptable wait [hours]; for a drawn patience, its mean (for descriptions
    /// and charts only).
    pub limit: SimDuration,
    /// The patience drawn per patient in place of `limit`, if the deadline is a distribution.
    pub patience: Option<PatienceId>,
    /// Whether the clock started at the step or on entering the pathway.
    pub from: DeadlineFrom,
    /// Step taken when the deadline passes.
    pub fallback: StepId,
}

/// When a deadline's clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeadlineFrom {
    /// On reaching the waiting step.
    Step,
    /// On entering the pathway (e.g. the referral).
    Pathway,
}

/// A referral to another organisation.
#[derive(Debug, Clone)]
pub struct Handoff {
    /// The receiver's opening hours; always open if `None`.
    pub hours: Option<CalendarId>,
    /// Working time to read and accept the referral.
    pub processing: Distribution,
    /// Probability the referral is bounced back.
    pub bounce_probability: f64,
    /// Time for the sender to rework a bounced referral (plain time).
    pub rework: Option<Distribution>,
    /// The receiver's own assessment after acceptance (working time).
    pub duplicate_assessment: Option<Distribution>,
    /// The staff who process referrals (`by`), when the office is staffed: reading a
    /// referral then needs one of their units, and `hours` is `None`.
    pub by: Option<Staff>,
    /// This handoff's index, for its metrics.
    pub index: HandoffId,
}

/// A named outcome.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Name as written in `end`, or `to_<pathway>` for a transfer.
    pub name: String,
    /// Cost per patient reaching it [GBP].
    pub cost: f64,
}

/// Patients present at time zero.
#[derive(Debug, Clone)]
pub struct InitialGroup {
    /// The step they are at.
    pub step: StepId,
    /// How many.
    pub count: u32,
    /// Time already spent in the pathway.
    pub elapsed: SimDuration,
    /// Time already spent at the current step, waiting or in the delay under way
    /// (at most `elapsed`).
    pub at_step: SimDuration,
    /// Time left at a timed step, if stated (boxed: rarely given, and a census may have
    /// 100,000 groups).
    pub remaining: Option<Box<Distribution>>,
    /// Resources they hold.
    pub holding: Vec<ResourceId>,
    /// Held resources already blocked.
    pub blocked: Vec<ResourceId>,
    /// Fixed attribute values (category index), by attribute; `None` means drawn.
    pub attributes: Vec<Option<u8>>,
}

impl Scenario {
    /// Time the run ends: warm-up plus horizon.
    pub fn end_time(&self) -> crate::kernel::SimTime {
        crate::kernel::SimTime::ZERO + self.warm_up + self.horizon
    }

    /// Whether any step or census group can mark a unit of `resource` as blocked.
    pub fn can_be_blocked(&self, resource: ResourceId) -> bool {
        self.steps
            .iter()
            .any(|s| matches!(s.kind, StepKind::Block { resource: r, .. } if r == resource))
            || self.initial.iter().any(|g| g.blocked.contains(&resource))
    }

    /// Whether `pathway` has a `release` step for `resource`, or a `visits` step that gives it
    /// back when the visits start (`release_at_start`).
    pub fn can_release_in(&self, resource: ResourceId, pathway: PathwayId) -> bool {
        self.steps.iter().any(|s| {
            s.pathway == pathway
                && match s.kind {
                    StepKind::Release { resource: r, .. } => r == resource,
                    StepKind::Visits { episode, .. } => {
                        self.visits[episode.0 as usize].release_at_start == Some(resource)
                    }
                    _ => false,
                }
        })
    }

    /// The wait of `step`, if it is a `seize` or an `activity` (the steps that queue).
    pub fn wait_at(&self, step: StepId) -> Option<&Wait> {
        match &self.steps[step.0 as usize].kind {
            StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. } => Some(wait),
            _ => None,
        }
    }

    /// The pathway and step names of `step`, as `pathway.step`.
    pub fn step_label(&self, step: StepId) -> String {
        let step = &self.steps[step.0 as usize];
        format!(
            "{}.{}",
            self.pathways[step.pathway.0 as usize].name, step.name
        )
    }
}
