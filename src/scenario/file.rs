//! The scenario file exactly as the analyst wrote it: serde types that mirror the TOML, with
//! source spans kept on every value that validation may need to point at.
//!
//! Nothing here is checked beyond its TOML type; `compile` turns it into a checked model.
//! Every struct denies unknown keys, and nothing uses `flatten` or `untagged`, so that every
//! error keeps its position in the file.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::units::{ClockTime, DurationText};

/// A whole scenario file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Run settings: name, horizon, warm-up, replications, seed, start day.
    pub run: RunFile,
    /// Named weekly opening hours, used by handoffs.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub calendars: BTreeMap<String, Spanned<CalendarFile>>,
    /// Patient attributes drawn at arrival.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Spanned<AttributeFile>>,
    /// Staff pools and capacity pools (beds, care slots).
    #[serde(default)]
    pub resources: BTreeMap<String, Spanned<ResourceFile>>,
    /// Referral sources, each feeding one pathway.
    #[serde(default)]
    pub arrivals: BTreeMap<String, Spanned<ArrivalFile>>,
    /// Pathways: ordered lists of steps.
    #[serde(default)]
    pub pathways: BTreeMap<String, Spanned<PathwayFile>>,
    /// Costs of named outcomes.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub outcomes: BTreeMap<String, Spanned<OutcomeFile>>,
    /// Patients already in the system when the run starts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub initial: Vec<Spanned<InitialFile>>,
    /// Temporary changes in referral volumes (a winter surge).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub demand_changes: Vec<Spanned<DemandChangeFile>>,
    /// The figures a board asks for, named plainly, printed after a run.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub key_figures: BTreeMap<String, Spanned<KeyFigureFile>>,
    /// Which bank holidays apply and what they change (runs with a `[run] start` date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_holidays: Option<Spanned<BankHolidaysFile>>,
}

/// `[bank_holidays]`: the bank holidays of a run on real dates.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BankHolidaysFile {
    /// `england_and_wales` (default), `scotland`, `northern_ireland`, or `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Spanned<String>>,
    /// Dates added as bank holidays, e.g. `["2026-12-24"]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub add: Vec<Spanned<String>>,
    /// Dates of the region's list that are not to count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remove: Vec<Spanned<String>>,
    /// What rosters follow on a bank holiday: a day name (default `sunday`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rosters: Option<Spanned<String>>,
    /// What office opening hours follow on a bank holiday: `closed` (default) or a day name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offices: Option<Spanned<String>>,
}

/// A dated period of a calendar or a resource: from `from` 00:00 to the end of `to`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodFile {
    /// First day of the period, e.g. `"2026-12-01"`.
    pub from: Spanned<String>,
    /// Last day of the period (included), e.g. `"2027-03-31"`.
    pub to: Spanned<String>,
    /// Fixed number of units during the period (resources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Spanned<i64>>,
    /// Weekly roster during the period (resources).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster: Option<Spanned<Vec<ShiftFile>>>,
    /// Weekly opening hours during the period (calendars).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Spanned<Vec<ShiftFile>>>,
}

/// `[key_figures.NAME]`: a plainly named figure: one metric, or the sum of several.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyFigureFile {
    /// What the figure is, in words a board reads.
    pub label: Spanned<String>,
    /// Position in the printed table (smaller first; default: by name after numbered ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order: Option<i64>,
    /// The metric it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<Spanned<String>>,
    /// The metrics it adds up (same unit).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sum: Vec<Spanned<String>>,
    /// Which way is better: `"higher"` or `"lower"` (default: neither, verdicts stay neutral).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub better: Option<Spanned<String>>,
    /// A target in the figure's unit (a share as a fraction: 0.70 for 70%); needs `better`,
    /// which says whether it is a floor (`higher`) or a ceiling (`lower`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<Spanned<f64>>,
    /// Whether designs are ranked on this figure (at most one; needs `better`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objective: Option<Spanned<bool>>,
}

/// `[[demand_changes]]`: referral volumes multiplied by `factor` for a while, given either
/// by `start` and `length` or, in a run with a start date, by the dates `from` and `to`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DemandChangeFile {
    /// When the change starts, from time zero (the start of the warm-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Spanned<DurationText>>,
    /// How long it lasts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<Spanned<DurationText>>,
    /// First day of the change, e.g. `"2027-01-01"` (runs with a start date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Spanned<String>>,
    /// Last day of the change (included), e.g. `"2027-01-31"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Spanned<String>>,
    /// Multiplier on the referral rate, e.g. 1.15 for 15% more.
    pub factor: Spanned<f64>,
    /// Sources affected (default: every source).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Spanned<String>>,
}

/// `[run]`: what to simulate and for how long.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RunFile {
    /// Short name, used for the output folder.
    pub name: Spanned<String>,
    /// One or two sentences for people reading the outputs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Simulated time after the warm-up over which metrics are collected.
    pub horizon: Spanned<DurationText>,
    /// Simulated time discarded before metrics are collected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warm_up: Option<Spanned<DurationText>>,
    /// Number of independent replications (default 10).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replications: Option<Spanned<i64>>,
    /// Seed of every random stream (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<Spanned<i64>>,
    /// Day of the week the run starts on, at 00:00 (default monday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_day: Option<Spanned<String>>,
    /// Most patients inside at once before a run stops (default 1,000,000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_patients_inside: Option<Spanned<i64>>,
    /// The date of time zero, e.g. `"2026-12-01"`: the run is then on real dates (weekday
    /// derived; dated periods, bank holidays and month-of-year demand apply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Spanned<String>>,
    /// The run's title for readers (default: the name in words). Last, so that the
    /// messages about a `[run]` written as a list count its items as before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Spanned<String>>,
}

/// One line of a roster or of opening hours.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ShiftFile {
    /// Days the line applies to: day names or `weekdays`, `weekends`, `every_day`.
    pub days: Spanned<Vec<Spanned<String>>>,
    /// Time of day the shift starts.
    pub start: Spanned<ClockTime>,
    /// Time of day the shift ends (`"06:00 next day"` after midnight).
    pub end: Spanned<ClockTime>,
    /// Units on duty (staff) or available (capacity); not used for opening hours.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Spanned<i64>>,
}

/// `[calendars.NAME]`: weekly opening hours of an office.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarFile {
    /// The weekly lines of opening hours.
    pub hours: Spanned<Vec<ShiftFile>>,
    /// Dated periods with other opening hours (runs with a start date).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<Spanned<PeriodFile>>,
}

/// `[attributes.NAME]`: a categorical patient attribute.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeFile {
    /// The categories.
    pub values: Spanned<Vec<Spanned<String>>>,
    /// Probability of each category, in the same order; must sum to 1.
    pub probabilities: Spanned<Vec<f64>>,
}

/// `[resources.NAME]`: a pool of interchangeable units (staff or places).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceFile {
    /// Name for readers, e.g. "Reablement places" (default: the name in words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Spanned<String>>,
    /// What one unit is called, singular: "bed", "place", "nurse" (default "unit"); blocked
    /// time then reads "bed-days", counts "12 places".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Spanned<String>>,
    /// Plural of `unit` where the English rule (add "s", "es" or "ies") is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit_plural: Option<Spanned<String>>,
    /// Fixed number of units, all the time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Spanned<i64>>,
    /// Weekly roster: units on duty by day and time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster: Option<Spanned<Vec<ShiftFile>>>,
    /// Cost of one unit for one rostered hour, and of each overtime hour [GBP/h].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_hour: Option<Spanned<f64>>,
    /// Cost of one unit held by a patient for one day [GBP/unit-day].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_day_in_use: Option<Spanned<f64>>,
    /// Cost of one unit available for one day, used or not (commissioned capacity)
    /// [GBP/unit-day].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_day_available: Option<Spanned<f64>>,
    /// How the queue is served when the first in line asks for more than is free:
    /// `"first_come_first_served"` (default) or `"first_fit"` (smaller requests pass).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<Spanned<String>>,
    /// What a unit does with work under way when its shift ends: `"finish"` (default: in
    /// overtime) or `"pause"` (stop, resume when a unit is next free on duty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_shift_end: Option<Spanned<String>>,
    /// Dated periods with another count or roster (runs with a start date), e.g. escalation
    /// beds from 1 December to 31 March.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<Spanned<PeriodFile>>,
    /// Surge (flex) capacity: extra units opened while the queue is long.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub surge: Option<Spanned<super::surge::SurgeFile>>,
}

/// `[arrivals.NAME]`: one referral source.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ArrivalFile {
    /// Name for readers, e.g. "GP referrals" (default: the name in words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Spanned<String>>,
    /// Pathway the referrals enter.
    pub pathway: Spanned<String>,
    /// Mean referrals per day, arriving as a Poisson process [patients/day]; one of
    /// `per_day`, `interarrival`, `times` and `file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_day: Option<Spanned<f64>>,
    /// 24 relative weights, one per hour of the day from 00:00 (default flat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hour_profile: Option<Spanned<Vec<f64>>>,
    /// 7 relative weights, Monday first (default flat).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_profile: Option<Spanned<Vec<f64>>>,
    /// Growth in volume per year, as a fraction (0.03 = 3% a year; default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub growth_per_year: Option<Spanned<f64>>,
    /// 12 relative weights, January first, scaled to mean 1 (runs with a start date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub month_profile: Option<Spanned<Vec<f64>>>,
    /// Attribute probabilities for this source, overriding `[attributes]`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Spanned<Vec<f64>>>,
    /// Time between arrivals (booked appointments), e.g. `{ fixed = "20 min" }`: the first
    /// arrives at time zero.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interarrival: Option<Spanned<DistributionFile>>,
    /// Arrival times replayed as written: durations from time zero (`"1.5 h"`) or, in a run
    /// with a start date, date-times (`"2026-12-01 08:30"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<Spanned<Vec<Spanned<String>>>>,
    /// A CSV file of arrival times (column `time`, optional attribute columns), relative to
    /// the scenario file, replayed as recorded (see `scenario::arrival_records`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Spanned<String>>,
}

/// `[pathways.NAME]`: a route through care.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PathwayFile {
    /// Name for readers, e.g. "Rapid Response" (default: the name in words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Spanned<String>>,
    /// What the pathway is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The steps, in order; a patient enters at the first.
    pub steps: Spanned<Vec<Spanned<StepFile>>>,
}

/// One step of a pathway: a name, and exactly one kind of step.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StepFile {
    /// Name, unique within the pathway, used by `next`, branches and outputs.
    pub name: Spanned<String>,
    /// Name for readers, e.g. "Urgent visit within 2 hours" (default: the name in words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<Spanned<String>>,
    /// Step to go to afterwards (default: the following step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Spanned<String>>,
    /// Wait for a unit of a resource and keep it until `release`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seize: Option<Spanned<WaitFile>>,
    /// Give back a unit seized earlier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<Spanned<ResourceRefFile>>,
    /// Wait for a unit, work for a duration, give the unit back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activity: Option<Spanned<WaitFile>>,
    /// Spend a duration without using any resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay: Option<Spanned<DelayFile>>,
    /// Refer to another organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handoff: Option<Spanned<HandoffFile>>,
    /// Go to one of several steps with stated probabilities.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch: Option<Spanned<Vec<BranchFile>>>,
    /// Go to a step chosen by a patient attribute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch_on: Option<Spanned<BranchOnFile>>,
    /// Go to one step while an office is open (or a team is on duty), another otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branch_on_hours: Option<Spanned<BranchOnHoursFile>>,
    /// From here, a held unit counts as blocked (no longer needed, not yet free).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub block: Option<Spanned<ResourceRefFile>>,
    /// A home-visit episode: visits at home over a length of stay (see `scenario::visits`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visits: Option<Spanned<super::visits::VisitsFile>>,
    /// Leave the system with a named outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<Spanned<EndFile>>,
    /// Continue in another pathway.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<Spanned<TransferFile>>,
}

/// A wait for a resource, used by `seize` and `activity`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WaitFile {
    /// The resource waited for, or alternatives: `{ any_of = ["nurse", "therapist"] }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Spanned<super::requests::ResourceChoiceFile>>,
    /// Several resources taken all at once, e.g. `["nurse", "car"]` (a name listed twice
    /// takes two units); instead of `resource`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resources: Option<Spanned<Vec<Spanned<String>>>>,
    /// Units of `resource` taken at once (default 1), e.g. 2 for a double-handed visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units: Option<Spanned<i64>>,
    /// Time the unit is used (`activity` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Spanned<DistributionFile>>,
    /// Higher numbers are served first (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Spanned<i64>>,
    /// Longest acceptable wait before the patient goes to `fallback`: one duration, or a
    /// distribution of patience drawn per patient (see [`super::patience`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<Spanned<super::patience::DeadlineFile>>,
    /// When the deadline clock starts: `step` (default) or `pathway` (on entering the pathway).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline_from: Option<Spanned<String>>,
    /// Step taken when the deadline passes before a unit is free.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Spanned<String>>,
    /// Wait targets, e.g. `["1 h", "4 h"]`: the share served within each is reported as
    /// `wait.<pathway>.<step>.within_<target>` (`within_1h`, `within_4h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<Vec<Spanned<DurationText>>>,
    /// Cost of one patient waiting here for one day, e.g. in ED for an acute bed
    /// [GBP/patient-day]; counted over the measured period as `cost.wait.<pathway>.<step>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_day_waiting: Option<Spanned<f64>>,
    /// Most patients waiting here at once; one who would wait beyond it is turned away to
    /// `when_full` (counted as balked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_queue: Option<Spanned<i64>>,
    /// Step taken by a patient turned away because `max_queue` are already waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when_full: Option<Spanned<String>>,
}

/// A reference to a resource, used by `release` and `block`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceRefFile {
    /// The resource.
    pub resource: Spanned<String>,
}

/// `delay = { duration = ... }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DelayFile {
    /// How long.
    pub duration: Spanned<DistributionFile>,
}

/// A referral to another organisation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffFile {
    /// The receiver's opening hours (a `[calendars]` name); always open if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Spanned<String>>,
    /// Time to read and accept the referral, counted in opening hours only.
    pub processing: Spanned<DistributionFile>,
    /// Probability the referral is bounced back as incomplete (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bounce_probability: Option<Spanned<f64>>,
    /// Time for the sender to rework and re-send a bounced referral (required if bounces).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rework: Option<Spanned<DistributionFile>>,
    /// The receiver's own assessment after accepting, in opening hours (none if absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_assessment: Option<Spanned<DistributionFile>>,
    /// The resource whose staff process referrals (a staffed office; not with `hours`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Spanned<String>>,
    /// The referrals' priority in the staff's queue (higher first; default 0); only with
    /// `by`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Spanned<i64>>,
}

/// One arm of `branch`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BranchFile {
    /// Step to go to.
    pub to: Spanned<String>,
    /// Probability of this arm; the arms must sum to 1.
    pub probability: Spanned<f64>,
}

/// `branch_on = { attribute = ..., to = { value = step, ... } }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BranchOnFile {
    /// The attribute to branch on.
    pub attribute: Spanned<String>,
    /// Step for each value of the attribute; every value must be listed.
    pub to: Spanned<BTreeMap<String, Spanned<String>>>,
}

/// `branch_on_hours = { calendar = ..., open = ..., closed = ... }` (or `resource` instead of
/// `calendar`: open while any unit of it is on duty).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BranchOnHoursFile {
    /// A `[calendars]` name whose opening hours decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Spanned<String>>,
    /// A resource whose roster decides: open while at least one unit is on duty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Spanned<String>>,
    /// Step while open.
    pub open: Spanned<String>,
    /// Step while closed.
    pub closed: Spanned<String>,
}

/// `end = { outcome = ... }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EndFile {
    /// Name of the outcome, counted in the results.
    pub outcome: Spanned<String>,
}

/// `transfer = { pathway = ..., step = ... }`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TransferFile {
    /// Pathway to continue in.
    pub pathway: Spanned<String>,
    /// Step to enter at (default: its first step).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Spanned<String>>,
}

/// `[outcomes.NAME]`: what an outcome costs.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeFile {
    /// Cost per patient reaching this outcome [GBP].
    pub cost: Spanned<f64>,
}

/// `[[initial]]`: a group of patients already in the system at time zero.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InitialFile {
    /// A census CSV file (relative to the scenario file's folder) whose rows are groups,
    /// instead of the keys below (see `census_csv`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Spanned<String>>,
    /// Pathway they are in (required without `file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pathway: Option<Spanned<String>>,
    /// Step they are at (required without `file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Spanned<String>>,
    /// How many (required without `file`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<Spanned<i64>>,
    /// Time already spent in the pathway (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub elapsed: Option<Spanned<DurationText>>,
    /// Time already spent at this step, waiting or in the delay under way (default:
    /// all of `elapsed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_step: Option<Spanned<DurationText>>,
    /// Time left at a timed step (delay, activity, handoff); default: a fresh draw.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<Spanned<DistributionFile>>,
    /// Resources they already hold (seized at earlier steps).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holding: Vec<Spanned<String>>,
    /// Held resources already blocked (e.g. a bed of a patient ready for discharge).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blocked: Vec<Spanned<String>>,
    /// Attribute values, by attribute name; others are drawn as for a new arrival.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, Spanned<String>>,
}

/// A probability distribution of a duration; every time carries its unit.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DistributionFile {
    /// Always the same: `{ fixed = "30 min" }`.
    Fixed(DurationText),
    /// `{ exponential = { mean = "1 h" } }`.
    Exponential {
        /// Mean.
        mean: DurationText,
    },
    /// `{ uniform = { min = "10 min", max = "20 min" } }`.
    Uniform {
        /// Smallest value.
        min: DurationText,
        /// Largest value.
        max: DurationText,
    },
    /// `{ triangular = { min = "45 min", mode = "75 min", max = "120 min" } }`.
    Triangular {
        /// Smallest value.
        min: DurationText,
        /// Most likely value.
        mode: DurationText,
        /// Largest value.
        max: DurationText,
    },
    /// `{ log_normal = { mean = "4 d", sd = "2.5 d" } }`, by the mean and standard deviation
    /// of the duration itself (not of its logarithm).
    LogNormal {
        /// Mean.
        mean: DurationText,
        /// Standard deviation.
        sd: DurationText,
    },
    /// `{ gamma = { mean = "2 d", sd = "1 d" } }`, by mean and standard deviation.
    Gamma {
        /// Mean.
        mean: DurationText,
        /// Standard deviation.
        sd: DurationText,
    },
    /// `{ empirical = { values = ["1 d", "2 d"], weights = [3, 1] } }`: observed values and
    /// their relative frequencies.
    Empirical {
        /// Observed values.
        values: Vec<DurationText>,
        /// Relative weights, same length as `values` (default: equal).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weights: Option<Vec<f64>>,
    },
}

impl std::fmt::Display for DistributionFile {
    /// In plain words, for the assumption tables of the report: `log-normal, mean 4 d, sd 2.5 d`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DistributionFile::Fixed(value) => write!(f, "always {value}"),
            DistributionFile::Exponential { mean } => write!(f, "exponential, mean {mean}"),
            DistributionFile::Uniform { min, max } => write!(f, "uniform, {min} to {max}"),
            DistributionFile::Triangular { min, mode, max } => {
                write!(f, "triangular, {min} to {max}, most often {mode}")
            }
            DistributionFile::LogNormal { mean, sd } => {
                write!(f, "log-normal, mean {mean}, sd {sd}")
            }
            DistributionFile::Gamma { mean, sd } => write!(f, "gamma, mean {mean}, sd {sd}"),
            DistributionFile::Empirical { values, .. } => {
                let values: Vec<String> = values.iter().map(ToString::to_string).collect();
                write!(f, "observed values {}", values.join(", "))
            }
        }
    }
}

impl std::fmt::Display for ShiftFile {
    /// In plain words: `weekdays 08:00-20:00 x 2`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let days: Vec<&str> = self
            .days
            .get_ref()
            .iter()
            .map(|d| d.get_ref().as_str())
            .collect();
        write!(
            f,
            "{} {}-{}",
            days.join(", ").replace('_', " "),
            self.start.get_ref(),
            self.end.get_ref()
        )?;
        if let Some(count) = &self.count {
            write!(f, " × {}", count.get_ref())?;
        }
        Ok(())
    }
}
