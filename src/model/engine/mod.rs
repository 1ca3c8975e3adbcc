//! One replication of a compiled scenario: the event loop and what each event does.
//!
//! A replication is a pure function of (scenario, replication index): every random draw comes
//! from a stream keyed by the scenario's seed, the replication and the purpose (a source, an
//! attribute, a step). The loop allocates nothing once its tables have grown to working size
//! and looks nothing up by name.

mod attribution;
mod by_hour;
mod census;
mod daily;
mod features;
mod patients;
mod requests;
mod resources;
mod results;
pub mod routes;
mod runaway;
mod shared_pause;
mod staffing;
mod surge;
mod trace;
mod visits;

use rand::RngExt;
use thiserror::Error;

use crate::kernel::time::floor_non_negative;
use crate::kernel::{
    DrawStream, EventQueue, ReplicationKey, SimTime, Stream, StreamKey, entity_key,
};
use crate::model::arrivals::{ArrivalClock, ArrivalPattern};
use crate::model::metrics::{DurationSample, MetricValue, ResourceWeek, WaitCurve};
use crate::model::scenario::{
    ArrivalTiming, Deadline, DeadlineFrom, MAX_ATTRIBUTES, OpenWhen, OutcomeId, PathwayId,
    ResourceId, Scenario, StepId, StepKind, Wait,
};
use attribution::Attribution;
pub use attribution::CauseTable;
use by_hour::ByHour;
pub use daily::{DAILY_STATISTICS, DayWindow, ResourceLevels, daily_series_names};
use daily::{DailyCounts, pathway_series, wait_series};
use features::Features;
use patients::{HandoffPhase, Patient, PatientId, Patients};
use resources::ResourceState;
pub use trace::TRACE_HEADER;
use trace::{Detail, Tracer};

/// Most instantaneous steps (branches, releases, transfers...) one patient may take at one
/// instant before the model is judged to loop without time passing.
const MAX_INSTANT_STEPS: u32 = 10_000;

/// Why a replication could not finish. Each is a fault in the scenario's logic that
/// validation cannot see in advance, reported with the step where it happened.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SimError {
    /// A patient reached a `seize` or `activity` for a resource it already holds.
    #[error(
        "a patient at step `{step}` asked for a unit of `{resource}` while already holding one; add a `release` before it"
    )]
    AlreadyHolding {
        /// `pathway.step` where it happened.
        step: String,
        /// The resource.
        resource: String,
    },
    /// A patient reached a `release` or `block` for a resource it does not hold.
    #[error(
        "a patient at step `{step}` does not hold `{resource}`; it must be seized earlier on every route to this step"
    )]
    NotHolding {
        /// `pathway.step` where it happened.
        step: String,
        /// The resource.
        resource: String,
    },
    /// A source gave more than [`MAX_ARRIVALS_AT_ONE_INSTANT`] arrivals in a row, each less
    /// than [`MIN_ARRIVAL_GAP`] after the last: its inter-arrival times are zero or so small
    /// that the run would never end.
    #[error(
        "arrivals from `{source_name}` come without time passing (over 1,000,000 in a row, each within 3.6 microseconds of the last, at hour {at:.3}); its inter-arrival times are zero or too small to end the run: give `interarrival` a mean of a second or more"
    )]
    ArrivalsWithoutTime {
        /// The source's name.
        source_name: String,
        /// When [hours since time zero].
        at: f64,
    },
    /// Patients went round instantaneous steps without time passing.
    #[error(
        "patients loop through step `{step}` without any time passing; a loop needs a delay, activity or wait"
    )]
    InstantLoop {
        /// `pathway.step` where the loop was detected.
        step: String,
    },
    /// More patients were inside at once than the scenario allows (`max_patients_inside`):
    /// demand outran capacity, and the run stopped before exhausting memory.
    #[error(
        "more than {limit} patients were inside at once (on day {day:.1}), so the run stopped: {culprit}"
    )]
    TooManyInside {
        /// The bound [patients].
        limit: u64,
        /// When it was passed [days since time zero].
        day: f64,
        /// The resource whose queue grew, with its demand against its capacity.
        culprit: String,
    },
    /// Patients were lost or double counted: an engine bug, never a scenario fault.
    #[error("patient accounting broke: {arrived} arrived, {left} left, {inside} still inside")]
    Conservation {
        /// Patients created (arrivals and initial census).
        arrived: u64,
        /// Patients that ended.
        left: u64,
        /// Patients in the system at the end.
        inside: u64,
    },
}

/// What one replication returns: its metrics, in a fixed order for a given scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplicationResult {
    /// Replication index.
    pub replication: u32,
    /// Every metric of the replication.
    pub metrics: Vec<MetricValue>,
    /// Per resource, in scenario order: its levels by hour of the week after the warm-up.
    /// Empty when read back from a file (`merge`).
    pub by_hour: Vec<ResourceWeek>,
    /// Per waiting point, in scenario order: the waits of those served, and the share
    /// served. Empty when read back from a file (`merge`).
    pub waits: Vec<WaitCurve>,
    /// Events processed (for speed measurements).
    pub events: u64,
    /// Day-by-day levels after the warm-up, flat `[series][day][statistic]`: series as
    /// [`daily_series_names`], days of [`DayWindow::of`], statistics [`DAILY_STATISTICS`]
    /// (time-average and maximum over the day). Empty when read back from `replications.csv`.
    pub daily: Vec<f64>,
    /// Per resource, in scenario order: the shares of the measured time at each level.
    /// Empty when read back from `replications.csv`.
    pub levels: Vec<ResourceLevels>,
}

/// Something that happens at an instant.
#[derive(Debug, Clone, Copy)]
enum Event {
    /// A patient's timed step (delay, activity, handoff phase) is over.
    StepDone(PatientId),
    /// A wait's deadline; stale unless the patient is still waiting with a deadline at this
    /// very instant (a later wait of the same patient, or of a new patient in the same slot,
    /// can only share the instant if its deadline is indeed now).
    Deadline(PatientId),
    /// A resource's roster changes.
    Capacity(u16),
    /// A surge timer of a resource: called units arrive, or the minimum time open ends
    /// (see `surge`).
    Surge(u16),
    /// A waiting patient may have just waited as long as a surge rule's `waited_over`.
    SurgeAge(PatientId),
    /// The warm-up is over: metrics start.
    WarmUpEnd,
    /// The end of a simulated day, when a daily series is being recorded.
    DayEnd,
    /// The end of the first, second or third quarter of the measured period (0, 1, 2):
    /// queue integrals are noted, to tell a settled queue from a growing one.
    Quarter(u8),
}

/// Per-pathway, per-wait and per-handoff accumulators.
struct Recorder {
    entries: Vec<u64>,
    exits: Vec<u64>,
    /// Patients leaving each pathway with each outcome, flat `[pathway][outcome]`.
    outcome_counts: Vec<u64>,
    /// Outcomes in the scenario (the row length of `outcome_counts`).
    outcomes: usize,
    time_in_pathway: Vec<DurationSample>,
    waits: Vec<DurationSample>,
    /// Waits of the patients served, for waiting points with a deadline (where some leave
    /// unserved); `None` where everyone who waits is served.
    served_waits: Vec<Option<DurationSample>>,
    within_deadline: Vec<u64>,
    /// Per waiting point, per target: patients served within the target.
    within_targets: Vec<Vec<u64>>,
    /// Per waiting point: whether a patient served there has more to record than its wait
    /// (a deadline or targets; see `Simulation::record_served`).
    served_extras: Vec<bool>,
    served_at_once: Vec<u64>,
    fallbacks: Vec<u64>,
    /// Per waiting point: patients turned away because `max_queue` were waiting.
    balked: Vec<u64>,
    handoff_delays: Vec<DurationSample>,
    bounces: Vec<u64>,
    /// Blocked stays by resource (`None` if it is never blocked), then by pathway.
    blocked_stays: Vec<Option<Vec<DurationSample>>>,
    /// Per waiting point: time patients spent waiting there within the measured period
    /// [patient-hours]. Each wait adds its part after the warm-up when it ends, so this is
    /// not reset with the rest at the end of the warm-up.
    waiting_hours: Vec<f64>,
    /// Patients who took each route (see [`routes::RouteTable`]), by route index.
    routes: Vec<u64>,
}

impl Recorder {
    fn new(scenario: &Scenario) -> Self {
        let pathways = scenario.pathways.len();
        let served_waits: Vec<Option<DurationSample>> = scenario
            .waits
            .iter()
            .map(|step| {
                scenario
                    .wait_at(*step)
                    .and_then(|w| w.deadline)
                    .map(|_| DurationSample::new())
            })
            .collect();
        let within_targets: Vec<Vec<u64>> = (0..scenario.waits.len())
            .map(|w| vec![0; scenario.wait_targets.get(w).map_or(0, Vec::len)])
            .collect();
        // A deadline (its served-wait sample) or targets: read off the two just built.
        let served_extras = served_waits
            .iter()
            .zip(&within_targets)
            .map(|(served, targets)| served.is_some() || !targets.is_empty())
            .collect();
        Recorder {
            entries: vec![0; pathways],
            exits: vec![0; pathways],
            outcome_counts: vec![0; scenario.outcomes.len() * pathways],
            outcomes: scenario.outcomes.len(),
            time_in_pathway: (0..pathways).map(|_| DurationSample::new()).collect(),
            waits: (0..scenario.waits.len())
                .map(|_| DurationSample::new())
                .collect(),
            served_waits,
            within_deadline: vec![0; scenario.waits.len()],
            within_targets,
            served_extras,
            served_at_once: vec![0; scenario.waits.len()],
            fallbacks: vec![0; scenario.waits.len()],
            balked: vec![0; scenario.waits.len()],
            handoff_delays: (0..scenario.handoffs.len())
                .map(|_| DurationSample::new())
                .collect(),
            bounces: vec![0; scenario.handoffs.len()],
            blocked_stays: (0..scenario.resources.len())
                .map(|r| {
                    scenario
                        .can_be_blocked(ResourceId(r as u16))
                        .then(|| (0..pathways).map(|_| DurationSample::new()).collect())
                })
                .collect(),
            waiting_hours: vec![0.0; scenario.waits.len()],
            routes: vec![0; routes::RouteTable::new(scenario).len()],
        }
    }

    /// Records a wait of `waited` hours at waiting point `index` that ends at `now`: its
    /// length, and its part after `measured_from` (the end of the warm-up).
    #[inline(always)]
    fn record_wait(&mut self, index: usize, waited: f64, now: f64, measured_from: f64) {
        self.waits[index].record(waited);
        // `waited.min(now - measured_from).max(0.0)` by plain comparisons: neither is NaN
        // (clock readings and their differences), so the same value without the NaN
        // handling of `f64::min` and `f64::max`.
        let since_warm_up = now - measured_from;
        let within = if waited < since_warm_up {
            waited
        } else {
            since_warm_up
        };
        self.waiting_hours[index] += if within > 0.0 { within } else { 0.0 };
    }

    fn reset(&mut self) {
        self.entries.fill(0);
        self.exits.fill(0);
        self.outcome_counts.fill(0);
        self.time_in_pathway
            .iter_mut()
            .for_each(DurationSample::reset);
        self.waits.iter_mut().for_each(DurationSample::reset);
        self.served_waits
            .iter_mut()
            .flatten()
            .for_each(DurationSample::reset);
        self.within_deadline.fill(0);
        self.within_targets.iter_mut().for_each(|c| c.fill(0));
        self.served_at_once.fill(0);
        self.fallbacks.fill(0);
        self.balked.fill(0);
        self.handoff_delays
            .iter_mut()
            .for_each(DurationSample::reset);
        self.bounces.fill(0);
        self.routes.fill(0);
        for stays in self.blocked_stays.iter_mut().flatten() {
            stays.iter_mut().for_each(DurationSample::reset);
        }
    }
}

/// The state of one replication.
struct Simulation<'s> {
    scenario: &'s Scenario,
    events: EventQueue<Event>,
    now: f64,
    week_offset: f64,
    patients: Patients,
    resources: Vec<ResourceState>,
    /// Each source's arrival process, with its place in a replayed record.
    arrival_clocks: Vec<ArrivalClock<'s>>,
    /// The key of every random stream of this replication.
    key: ReplicationKey,
    source_streams: Vec<Stream>,
    /// Purpose keys: where each source's patients come from, and each attribute's draw.
    source_origins: Vec<StreamKey>,
    attribute_purposes: Vec<StreamKey>,
    /// Each source's next arrival, as an event-list key (time bits, sequence).
    next_arrivals: Vec<(u64, u64)>,
    /// The source whose next arrival comes first (`None` without sources); changes only
    /// when an arrival is scheduled.
    earliest_arrival: Option<usize>,
    /// Patients created so far by each source (the ordinal in each patient's identity).
    arrivals_so_far: Vec<u64>,
    /// Per source, arrivals in a row at the same instant (see
    /// [`SimError::ArrivalsWithoutTime`]).
    arrivals_at_this_instant: Vec<u32>,
    recorder: Recorder,
    /// The routes between steps, for counting moves.
    route_table: routes::RouteTable,
    next_token: u64,
    /// Resources whose queue must be looked at (see `serve_queue`).
    needs_service: Vec<bool>,
    /// How many resources are marked in `needs_service`.
    marked: usize,
    /// Whether a `serve_queue` call is under way.
    serving: bool,
    created: u64,
    left: u64,
    events_processed: u64,
    /// Daily series being recorded, if asked for.
    series: Option<DailySeries>,
    /// Integrals at the end of the previous day, per resource: (busy, waiting).
    previous_day: Vec<(f64, f64)>,
    /// Resource levels by hour of the week.
    by_hour: ByHour,
    /// When the next hourly tick of `by_hour` is due (infinite during the warm-up). Ticks
    /// are taken in the loop, not as events: they change nothing, so need no place in the
    /// event list.
    next_tick: f64,
    /// Per resource, its waiting integral at the end of the first three quarters of the
    /// measured period [patient-hours] (see `Event::Quarter`).
    quarter_marks: Vec<[f64; 3]>,
    /// Hours attributed to causes.
    attribution: Attribution,
    /// Patients waiting at each waiting point and inside each pathway, day by day.
    counts: DailyCounts,
    /// The patient-level trace, when one is asked for.
    trace: Option<Tracer<'s>>,
    /// Units held beyond one, and alternatives' use (see `requests`).
    request_state: requests::RequestState,
    /// Work under way on resources that pause at a shift end (see `staffing`).
    working: staffing::Working,
    /// Per resource, its flex rule's state (`None` without a rule).
    surge: Vec<Option<surge::SurgeLive>>,
    /// Whether the initial census is being placed: census patients join a full queue
    /// (they are in it already), so `max_queue` turns nobody away then.
    placing_census: bool,
    /// Home-visit episodes' books and placements (see `visits`).
    visits: visits::VisitsState,
    /// Which resources use flex rules and pausing (see `features`).
    features: Features,
}

/// Most arrivals one source may give in a row, each less than [`MIN_ARRIVAL_GAP`] after the
/// last, before the run stops with [`SimError::ArrivalsWithoutTime`].
pub const MAX_ARRIVALS_AT_ONE_INSTANT: u32 = 1_000_000;

/// A gap between arrivals below which they count as at one instant [hours]: 1e-9 h, 3.6
/// microseconds.
pub const MIN_ARRIVAL_GAP: f64 = 1e-9;

/// Day-by-day values of one replication, for choosing a warm-up: per resource the mean
/// units busy and mean patients waiting each day, and the patients in the system at the end
/// of each day.
#[derive(Debug, Clone, PartialEq)]
pub struct DailySeries {
    /// Series names, e.g. `acute_bed.busy`, `acute_bed.queue`, `system.in_system`.
    pub names: Vec<String>,
    /// `values[series][day]`.
    pub values: Vec<Vec<f64>>,
}

/// Runs replication `replication` of `scenario` to its end and returns its metrics.
pub fn run_replication(
    scenario: &Scenario,
    replication: u32,
) -> Result<ReplicationResult, SimError> {
    let mut simulation = Simulation::new(scenario, replication);
    simulation.start()?;
    simulation.run()?;
    Ok(finish(simulation, replication))
}

/// Why a traced replication failed.
#[derive(Debug, Error)]
pub enum TracedRunError {
    /// The replication itself failed.
    #[error(transparent)]
    Simulation(#[from] SimError),
    /// The trace could not be written (a full disk, say).
    #[error("cannot write the trace: {0}")]
    Write(#[from] std::io::Error),
}

/// Runs replication `replication` of `scenario` as [`run_replication`] does (the same
/// figures), writing its patient-level trace rows to `out` as it goes (without the header,
/// [`TRACE_HEADER`]; see the `trace` module for the columns).
///
/// # Errors
/// [`TracedRunError::Simulation`] as [`run_replication`]; [`TracedRunError::Write`] if a
/// write to `out` fails.
pub fn run_replication_traced(
    scenario: &Scenario,
    replication: u32,
    out: &mut dyn std::io::Write,
) -> Result<ReplicationResult, TracedRunError> {
    let mut simulation = Simulation::new(scenario, replication);
    simulation.trace = Some(Tracer::new(out, replication));
    let ran = simulation.start().and_then(|()| simulation.run());
    let written = simulation.trace.take().map_or(Ok(()), Tracer::finish);
    ran?;
    written?;
    Ok(finish(simulation, replication))
}

/// The result of a finished replication.
fn finish(mut simulation: Simulation<'_>, replication: u32) -> ReplicationResult {
    let scenario = simulation.scenario;
    let mut daily = Vec::new();
    for state in &simulation.resources {
        state.daily.finish_into(&mut daily);
    }
    simulation
        .counts
        .finish_into(scenario.end_time().hours(), &mut daily);
    let levels = simulation
        .resources
        .iter()
        .zip(&scenario.resources)
        .map(|(state, resource)| state.level_times.shares(resource.schedule.peak()))
        .collect();
    let mut metrics = results::collect(&simulation);
    results::add_key_figures(scenario, &mut metrics);
    ReplicationResult {
        replication,
        metrics,
        by_hour: simulation.by_hour.averages(),
        waits: results::wait_curves(&simulation),
        events: simulation.events_processed,
        daily,
        levels,
    }
}

/// Runs replication `replication` of `scenario` from time zero, recording a daily series of
/// resource use and patients in the system over the whole run (warm-up included).
pub fn run_daily_series(scenario: &Scenario, replication: u32) -> Result<DailySeries, SimError> {
    let mut simulation = Simulation::new(scenario, replication);
    let mut names = Vec::new();
    for resource in &scenario.resources {
        names.push(format!("{}.busy", resource.name));
        names.push(format!("{}.queue", resource.name));
    }
    names.push("system.in_system".to_string());
    simulation.series = Some(DailySeries {
        values: vec![Vec::new(); names.len()],
        names,
    });
    simulation
        .events
        .schedule(SimTime::from_hours(24.0), Event::DayEnd);
    simulation.start()?;
    simulation.run()?;
    Ok(simulation.series.take().unwrap_or(DailySeries {
        names: Vec::new(),
        values: Vec::new(),
    }))
}

/// The metrics every replication of `scenario` reports (before key figures), with their
/// units, in order; for checking references to metrics before anything runs.
pub fn metric_catalogue(scenario: &Scenario) -> Vec<(String, crate::model::Unit)> {
    results::collect(&Simulation::new(scenario, 0))
        .into_iter()
        .map(|m| (m.name.to_string(), m.unit))
        .collect()
}

impl<'s> Simulation<'s> {
    fn new(scenario: &'s Scenario, replication: u32) -> Self {
        let key = ReplicationKey::new(scenario.seed, u64::from(replication));
        let stream = |name: String| key.stream(StreamKey::named(&name));
        let week_offset = scenario.start_day as f64 * 24.0;
        let window = DayWindow::of(scenario);
        let resources = scenario
            .resources
            .iter()
            .enumerate()
            .map(|(index, r)| {
                let level = r.level_at(0.0, week_offset);
                let pauses = shared_pause::has_paused_queue(scenario, index);
                let flex = r.surge.as_ref().map_or(0, |s| s.units);
                ResourceState::new(
                    level,
                    r.peak().saturating_add(flex),
                    r.priority_levels,
                    window,
                    pauses,
                )
            })
            .collect();
        Simulation {
            scenario,
            events: EventQueue::with_capacity(1024),
            now: 0.0,
            week_offset,
            patients: Patients::with_capacity(1024),
            resources,
            arrival_clocks: scenario
                .sources
                .iter()
                .map(|s| {
                    let until = scenario.end_time().hours();
                    match &s.timing {
                        ArrivalTiming::Poisson => ArrivalClock::Poisson(ArrivalPattern::new(
                            &s.hourly_rate,
                            s.growth_per_year,
                            &s.demand_changes,
                            week_offset,
                            until,
                        )),
                        ArrivalTiming::Interarrival(gap) => ArrivalClock::interarrival(gap, until),
                        ArrivalTiming::Recorded(record) => {
                            ArrivalClock::recorded(&record.times, until)
                        }
                    }
                })
                .collect(),
            source_streams: scenario
                .sources
                .iter()
                .map(|s| stream(format!("arrivals:{}", s.name)))
                .collect(),
            key,
            source_origins: scenario
                .sources
                .iter()
                .map(|s| StreamKey::named(&format!("patients:{}", s.name)))
                .collect(),
            attribute_purposes: scenario
                .attributes
                .iter()
                .map(|a| StreamKey::named(&format!("attribute:{}", a.name)))
                .collect(),
            arrivals_so_far: vec![0; scenario.sources.len()],
            arrivals_at_this_instant: vec![0; scenario.sources.len()],
            next_arrivals: vec![(u64::MAX, u64::MAX); scenario.sources.len()],
            earliest_arrival: None,
            recorder: Recorder::new(scenario),
            route_table: routes::RouteTable::new(scenario),
            next_token: 1,
            needs_service: vec![false; scenario.resources.len()],
            marked: 0,
            serving: false,
            created: 0,
            left: 0,
            events_processed: 0,
            series: None,
            previous_day: vec![(0.0, 0.0); scenario.resources.len()],
            by_hour: ByHour::new(scenario.resources.len(), 0.0),
            next_tick: f64::INFINITY,
            quarter_marks: vec![[0.0; 3]; scenario.resources.len()],
            attribution: Attribution::new(scenario),
            counts: DailyCounts::new(window, scenario.waits.len() + scenario.pathways.len()),
            trace: None,
            request_state: requests::RequestState::new(
                scenario.resources.len(),
                &scenario.requests,
            ),
            working: staffing::Working::new(scenario),
            surge: surge::initial_states(scenario),
            placing_census: false,
            visits: visits::VisitsState::new(scenario, week_offset),
            features: Features::of(scenario),
        }
    }

    fn hour_of_week(&self, at: f64) -> f64 {
        crate::model::dated_schedule::hour_of_week(at, self.week_offset)
    }

    /// Schedules the first events and places the initial census.
    fn start(&mut self) -> Result<(), SimError> {
        let scenario = self.scenario;
        if scenario.warm_up.hours() > 0.0 {
            self.events
                .schedule(SimTime::ZERO + scenario.warm_up, Event::WarmUpEnd);
        } else {
            self.next_tick = self.next_whole_hour(0.0);
        }
        for quarter in 0..3u8 {
            let at =
                scenario.warm_up.hours() + scenario.horizon.hours() * f64::from(quarter + 1) / 4.0;
            self.events
                .schedule(SimTime::from_hours(at), Event::Quarter(quarter));
        }
        for (index, _) in scenario.sources.iter().enumerate() {
            self.schedule_arrival(index);
        }
        for index in 0..scenario.resources.len() {
            self.schedule_capacity_change(index);
        }
        self.place_census()
    }

    /// Processes events until the end of the run.
    fn run(&mut self) -> Result<(), SimError> {
        let end = self.scenario.end_time().hours();
        loop {
            // Each source's next arrival is kept outside the event list: half the events of a
            // busy queue, each spared a push and a pop.
            let arrival = self.earliest_arrival;
            let take_arrival = match (arrival, self.events.peek_key()) {
                (Some(s), Some(listed)) => self.next_arrivals[s] < listed,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if let (true, Some(source)) = (take_arrival, arrival) {
                let time = f64::from_bits(self.next_arrivals[source].0);
                if time > end {
                    break;
                }
                self.ticks_until(time);
                self.now = time;
                self.events_processed += 1;
                self.on_arrival(source)?;
                continue;
            }
            let Some((time, event)) = self.events.pop() else {
                break;
            };
            if time.hours() > end {
                break;
            }
            self.ticks_until(time.hours());
            self.now = time.hours();
            self.events_processed += 1;
            match event {
                Event::StepDone(patient) => self.on_step_done(patient)?,
                Event::Deadline(patient) => self.on_deadline(patient)?,
                Event::Capacity(resource) => self.on_capacity_change(resource as usize)?,
                Event::Surge(resource) => self.on_surge(resource as usize)?,
                Event::SurgeAge(patient) => self.on_surge_age(patient),
                Event::WarmUpEnd => self.on_warm_up_end(),
                Event::DayEnd => self.on_day_end(),
                Event::Quarter(quarter) => self.on_quarter(quarter as usize),
            }
        }
        self.ticks_until(end);
        self.now = end;
        for resource in &mut self.resources {
            resource.accrue(end);
        }
        self.deliver_rostered_visits();
        self.close_causes();
        let inside = self.patients.live() as u64;
        if self.created != self.left + inside {
            return Err(SimError::Conservation {
                arrived: self.created,
                left: self.left,
                inside,
            });
        }
        Ok(())
    }

    /// Schedules the next arrival of `source`; returns when it is due.
    fn schedule_arrival(&mut self, source: usize) -> SimTime {
        let at = self.arrival_clocks[source].next_after(
            SimTime::from_hours(self.now),
            &mut self.source_streams[source],
        );
        self.next_arrivals[source] = EventQueue::<Event>::key(at, self.events.reserve_sequence());
        self.earliest_arrival =
            (0..self.next_arrivals.len()).min_by_key(|&s| self.next_arrivals[s]);
        at
    }

    fn schedule_capacity_change(&mut self, resource: usize) {
        // A hair past now, so that a change falling exactly now is not found again.
        if let Some((until, _)) =
            self.scenario.resources[resource].next_change(self.now + 1e-9, self.week_offset)
        {
            let at = SimTime::from_hours(self.now + 1e-9 + until);
            self.events.schedule(at, Event::Capacity(resource as u16));
        }
    }

    fn on_day_end(&mut self) {
        let now = self.now;
        let live = self.patients.live() as f64;
        let Some(series) = self.series.as_mut() else {
            return;
        };
        for (r, state) in self.resources.iter_mut().enumerate() {
            state.accrue(now);
            let (busy, waiting) = (state.busy_area.area, state.waiting_area.area);
            let (previous_busy, previous_waiting) = self.previous_day[r];
            // A warm-up restart zeroes the integrals; a day that straddles it uses what is left.
            let day_busy = if busy >= previous_busy {
                busy - previous_busy
            } else {
                busy
            };
            let day_waiting = if waiting >= previous_waiting {
                waiting - previous_waiting
            } else {
                waiting
            };
            series.values[2 * r].push(day_busy / 24.0);
            series.values[2 * r + 1].push(day_waiting / 24.0);
            self.previous_day[r] = (busy, waiting);
        }
        if let Some(last) = series.values.last_mut() {
            last.push(live);
        }
        self.events
            .schedule(SimTime::from_hours(now + 24.0), Event::DayEnd);
    }

    fn on_quarter(&mut self, quarter: usize) {
        let now = self.now;
        for (state, marks) in self.resources.iter_mut().zip(&mut self.quarter_marks) {
            state.accrue(now);
            marks[quarter] = state.waiting_area.area;
        }
    }

    fn on_warm_up_end(&mut self) {
        self.recorder.reset();
        let now = self.now;
        for resource in &mut self.resources {
            resource.restart_integrals(now);
        }
        self.by_hour.restart(now);
        self.next_tick = self.next_whole_hour(now);
        self.restart_causes();
        self.request_state.restart();
        self.visits.restart();
    }

    /// The first whole hour after `time`, or the end of the run if that comes first;
    /// infinite once the end has passed.
    fn next_whole_hour(&self, time: f64) -> f64 {
        let end = self.scenario.end_time().hours();
        if time >= end {
            f64::INFINITY
        } else {
            (floor_non_negative(time) + 1.0).min(end)
        }
    }

    /// Takes every hourly tick due by `time`: the levels held since the previous tick go
    /// into the hour-of-week tables. Nothing changes between events, so a tick needs only
    /// the integrals at its instant.
    #[inline(always)]
    fn ticks_until(&mut self, time: f64) {
        // Most events fall between ticks: only the comparison stays in the loop.
        if self.next_tick <= time {
            self.take_ticks(time);
        }
    }

    /// The ticks of [`Self::ticks_until`], kept out of line.
    #[inline(never)]
    fn take_ticks(&mut self, time: f64) {
        while self.next_tick <= time {
            let at = self.next_tick;
            for resource in &mut self.resources {
                resource.accrue(at);
            }
            let middle = 0.5 * (self.by_hour.last_tick() + at);
            let hour = self.hour_of_week(middle) as usize;
            self.by_hour.tick(at, hour, &self.resources);
            self.next_tick = self.next_whole_hour(at);
        }
    }

    fn on_arrival(&mut self, source: usize) -> Result<(), SimError> {
        let next = self.schedule_arrival(source);
        // Gaps of zero, or so small that the clock would take forever to pass the run.
        if next.hours() - self.now < MIN_ARRIVAL_GAP {
            self.arrivals_at_this_instant[source] += 1;
            if self.arrivals_at_this_instant[source] > MAX_ARRIVALS_AT_ONE_INSTANT {
                return Err(SimError::ArrivalsWithoutTime {
                    source_name: self.scenario.sources[source].name.clone(),
                    at: self.now,
                });
            }
        } else {
            self.arrivals_at_this_instant[source] = 0;
        }
        let spec = &self.scenario.sources[source];
        let patient_key = entity_key(self.source_origins[source], self.arrivals_so_far[source]);
        self.arrivals_so_far[source] += 1;
        let mut attributes = [0u8; MAX_ATTRIBUTES];
        for (a, probabilities) in spec.attribute_probabilities.iter().enumerate() {
            let mut stream = self
                .key
                .draw_stream(patient_key, self.attribute_purposes[a], 0);
            attributes[a] = draw_category(probabilities, &mut stream);
        }
        if let ArrivalTiming::Recorded(record) = &spec.timing {
            // This arrival's row of the record: the ordinal counted just above.
            record.fix_attributes(self.arrivals_so_far[source] as usize - 1, &mut attributes);
        }
        let pathway = spec.pathway;
        let entry = self.scenario.pathways[pathway.0 as usize].entry;
        let id = self.patients.insert(Patient::new(
            self.key.entity_seed(patient_key),
            entry,
            self.now,
            attributes,
        ));
        self.patients.get_mut(id).number = self.created;
        self.created += 1;
        if self.patients.live() as u64 > self.scenario.max_inside {
            return Err(self.too_many_inside());
        }
        self.recorder.entries[pathway.0 as usize] += 1;
        self.attribution.enter(pathway);
        let scenario = self.scenario;
        let inside = pathway_series(scenario, pathway.0 as usize);
        self.counts.change(inside, self.now, true);
        self.trace_event(
            id,
            "arrival",
            None,
            Detail::Name(&scenario.sources[source].name),
        );
        self.advance(id, entry)
    }

    fn on_capacity_change(&mut self, resource: usize) -> Result<(), SimError> {
        let now = self.now;
        // Read the roster a hair after now: at the change, not just before it.
        let level = self.scenario.resources[resource].level_at(now + 1e-9, self.week_offset);
        // Open surge units come on top of the roster.
        let level = level.saturating_add(self.surge_extra(resource));
        self.resources[resource].set_capacity(now, level);
        // Closed surge units still in use give way to free rostered ones.
        self.surge_on_freed(resource);
        if self.pause_excess(ResourceId(resource as u16))? {
            // Paused work joined the queue: a flex rule may call its units.
            self.surge_check(resource);
        }
        self.schedule_capacity_change(resource);
        self.serve_queue(ResourceId(resource as u16))
    }

    fn on_deadline(&mut self, id: PatientId) -> Result<(), SimError> {
        let patient = self.patients.get(id);
        if patient.wait_token == 0 || patient.deadline_at != self.now {
            return Ok(()); // served or gone before the deadline
        }
        let step = self.patients.get(id).step;
        let scenario = self.scenario;
        let (wait, fallback) = match &scenario.steps[step.0 as usize].kind {
            StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. } => match wait.deadline {
                Some(deadline) => (*wait, deadline.fallback),
                None => return Ok(()),
            },
            _ => return Ok(()),
        };
        let now = self.now;
        self.end_cause(id);
        if wait.request.is_none() {
            self.resources[wait.resource.0 as usize].abandon(now);
            self.surge_on_left(id, wait.resource.0 as usize);
        }
        self.counts
            .change(wait_series(wait.index.0 as usize), now, false);
        let patient = self.patients.get_mut(id);
        patient.wait_token = 0;
        let waited = now - patient.wait_started;
        if let Some(request) = wait.request {
            self.abandon_several(request)?;
        }
        self.trace_event(id, "fallback", Some(wait.resource), Detail::Hours(waited));
        let index = wait.index.0 as usize;
        let measured_from = self.scenario.warm_up.hours();
        self.recorder.record_wait(index, waited, now, measured_from);
        self.recorder.fallbacks[index] += 1;
        self.advance(id, fallback)
    }

    fn on_step_done(&mut self, id: PatientId) -> Result<(), SimError> {
        let step = self.patients.get(id).step;
        let scenario = self.scenario;
        match &scenario.steps[step.0 as usize].kind {
            StepKind::Activity { wait, next, .. } if wait.request.is_some() => {
                if let Some(request) = wait.request {
                    if self.request_done_is_stale(id, request) {
                        return Ok(());
                    }
                    self.end_request_work(id, request);
                }
                self.end_cause(id);
                if let Some(request) = wait.request {
                    let first = self.taken_first(id, request);
                    self.trace_event(id, "finish", Some(first), Detail::None);
                    self.give_back_several(id, request)?;
                }
                self.advance(id, *next)
            }
            StepKind::Activity { wait, next, .. } => {
                let resource = wait.resource;
                if self.done_is_stale(id, resource) {
                    return Ok(());
                }
                self.end_work(id, resource);
                self.end_cause(id);
                self.trace_event(id, "finish", Some(resource), Detail::None);
                self.give_back_unit(resource);
                self.serve_queue(resource)?;
                self.advance(id, *next)
            }
            StepKind::Delay { next, .. } => {
                self.end_cause(id);
                self.trace_event(id, "finish", None, Detail::None);
                self.advance(id, *next)
            }
            StepKind::Handoff {
                handoff:
                    handoff @ crate::model::scenario::Handoff {
                        by: Some(staff), ..
                    },
                next,
            } => match self.staffed_handoff_done(id, step, handoff, *staff, *next)? {
                Some(next) => self.advance(id, next),
                None => Ok(()),
            },
            StepKind::Visits { episode, next } => self.visits_done(id, step, *episode, *next),
            StepKind::Handoff { handoff, next } => {
                self.count_instant_step(id, step)?;
                self.end_cause(id);
                let blocked = self.patients.get(id).blocked != 0;
                let phase = self.patients.get(id).handoff_phase;
                let stream = &mut self.draw(id, step);
                let index = handoff.index.0 as usize;
                match phase {
                    HandoffPhase::Processing
                        if stream.random::<f64>() < handoff.bounce_probability =>
                    {
                        let rework = handoff
                            .rework
                            .as_ref()
                            .map_or(0.0, |d| d.sample(stream).hours());
                        self.bounce_referral(id, step, index, rework, blocked, None);
                    }
                    HandoffPhase::Processing if handoff.duplicate_assessment.is_some() => {
                        let work = handoff
                            .duplicate_assessment
                            .as_ref()
                            .map_or(0.0, |d| d.sample(stream).hours());
                        // No work means no wait: acceptance happened in opening hours.
                        let delay = if work > 0.0 {
                            self.working_delay(handoff.hours.map(|c| c.0 as usize), work)
                        } else {
                            0.0
                        };
                        self.patients.get_mut(id).handoff_phase = HandoffPhase::DuplicateAssessment;
                        self.trace_event(id, "accepted", None, Detail::Hours(work));
                        let cause = self.attribution.table.duplicate(step, blocked);
                        self.begin_cause(id, cause);
                        self.schedule_done(id, delay);
                    }
                    HandoffPhase::Processing | HandoffPhase::DuplicateAssessment => {
                        let event = if phase == HandoffPhase::Processing {
                            "accepted"
                        } else {
                            "assessed"
                        };
                        self.trace_event(id, event, None, Detail::None);
                        let started = self.patients.get(id).wait_started;
                        self.recorder.handoff_delays[index].record(self.now - started);
                        return self.advance(id, *next);
                    }
                    HandoffPhase::Rework => {
                        let work = handoff.processing.sample(stream).hours();
                        let delay = self.working_delay(handoff.hours.map(|c| c.0 as usize), work);
                        self.patients.get_mut(id).handoff_phase = HandoffPhase::Processing;
                        self.trace_event(id, "resent", None, Detail::Hours(work));
                        self.begin_cause(id, self.attribution.table.bounced(step, blocked));
                        self.schedule_done(id, delay);
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Hours until `work` hours of the calendar's opening time have passed (plain hours if
    /// always open).
    fn working_delay(&self, calendar: Option<usize>, work: f64) -> f64 {
        match calendar {
            None => work,
            Some(c) => {
                self.scenario.calendars[c].working_time_from(self.now, self.week_offset, work)
            }
        }
    }

    fn schedule_done(&mut self, id: PatientId, after: f64) {
        self.events
            .schedule(SimTime::from_hours(self.now + after), Event::StepDone(id));
    }

    /// The stream for patient `id`'s next draw at `step`. Always inlined: the stream is
    /// large, and a call would return it through memory.
    #[inline(always)]
    fn draw(&mut self, id: PatientId, step: StepId) -> DrawStream {
        let patient = self.patients.get_mut(id);
        let occurrence = patient.next_draw(step);
        let purpose = self.scenario.steps[step.0 as usize].stream;
        self.key.draw_stream_from(patient.key, purpose, occurrence)
    }

    /// The duration of a timed step: the initial census's remaining time if one is pending,
    /// else a draw from the step's stream.
    fn timed(
        &mut self,
        id: PatientId,
        step: StepId,
        distribution: &crate::model::distribution::Distribution,
    ) -> f64 {
        match self.patients.get_mut(id).remaining_override.take() {
            Some(hours) => hours,
            None => distribution.sample(&mut self.draw(id, step)).hours(),
        }
    }

    /// Moves a patient through steps from `step` until it has to wait for time to pass.
    fn advance(&mut self, id: PatientId, step: StepId) -> Result<(), SimError> {
        self.advance_since(id, step, self.now)
    }

    /// As [`Self::advance`], for a patient that has been waiting at `step` since `since`
    /// (before time zero for a census patient): its first wait counts from then.
    fn advance_since(
        &mut self,
        id: PatientId,
        mut step: StepId,
        mut since: f64,
    ) -> Result<(), SimError> {
        let scenario = self.scenario;
        loop {
            self.count_instant_step(id, step)?;
            let patient = self.patients.get_mut(id);
            let from = patient.step;
            patient.step = step;
            // A patient placed at a step (an arrival, a census patient) took no route.
            if from != step
                && let Some(route) = self.route_table.index(from, step)
            {
                self.recorder.routes[route] += 1;
            }
            match &scenario.steps[step.0 as usize].kind {
                StepKind::Seize { wait, next } => match self.request(id, step, wait, since)? {
                    Request::Granted => {
                        match wait.request {
                            None => self.patients.get_mut(id).held |= 1 << wait.resource.0,
                            Some(request) => self.hold_all(id, request),
                        }
                        self.trace_event(id, "start", Some(wait.resource), Detail::Hours(0.0));
                        since = self.now;
                        step = *next;
                    }
                    Request::Queued => return Ok(()),
                    Request::Fallback(fallback) => {
                        since = self.now;
                        step = fallback;
                    }
                },
                StepKind::Activity { wait, duration, .. } => {
                    match self.request(id, step, wait, since)? {
                        Request::Granted => {
                            let hours = self.timed(id, step, duration);
                            let blocked = self.patients.get(id).blocked != 0;
                            self.begin_cause(id, self.attribution.table.at_step(step, blocked));
                            let (first, holding) = match wait.request {
                                None => (wait.resource, Holding::Unit(wait.resource)),
                                Some(request) => {
                                    (self.taken_first(id, request), Holding::Request(request))
                                }
                            };
                            self.note_held_work(id, holding, hours);
                            self.trace_event(id, "start", Some(first), Detail::Hours(hours));
                            self.schedule_done(id, hours);
                            return Ok(());
                        }
                        Request::Queued => return Ok(()),
                        Request::Fallback(fallback) => {
                            since = self.now;
                            step = fallback;
                        }
                    }
                }
                StepKind::Release { resource, next } => {
                    let bit = 1u64 << resource.0;
                    let patient = self.patients.get_mut(id);
                    if patient.held & bit == 0 {
                        return Err(self.not_holding(step, *resource));
                    }
                    patient.held &= !bit;
                    let was_blocked = patient.blocked & bit != 0;
                    patient.blocked &= !bit;
                    self.trace_event(id, "release", Some(*resource), Detail::None);
                    self.release_unit(id, *resource, was_blocked)?;
                    step = *next;
                }
                StepKind::Visits { episode, .. } => {
                    return self.begin_visits(id, step, *episode, since);
                }
                StepKind::Delay { duration, .. } => {
                    let hours = self.timed(id, step, duration);
                    let blocked = self.patients.get(id).blocked != 0;
                    self.begin_cause(id, self.attribution.table.at_step(step, blocked));
                    self.trace_event(id, "delay", None, Detail::Hours(hours));
                    self.schedule_done(id, hours);
                    return Ok(());
                }
                StepKind::Handoff { handoff, .. } if handoff.by.is_some() => {
                    self.send_to_staff(id, step, handoff);
                    return Ok(());
                }
                StepKind::Handoff { handoff, .. } => {
                    let work = self.timed(id, step, &handoff.processing);
                    let delay = self.working_delay(handoff.hours.map(|c| c.0 as usize), work);
                    let blocked = self.patients.get(id).blocked != 0;
                    let cause = self.attribution.table.at_step(step, blocked);
                    self.begin_processing(id, cause, work);
                    self.trace_event(id, "handoff_sent", None, Detail::Hours(work));
                    let now = self.now;
                    let patient = self.patients.get_mut(id);
                    patient.wait_started = now;
                    patient.handoff_phase = HandoffPhase::Processing;
                    self.schedule_done(id, delay);
                    return Ok(());
                }
                StepKind::Branch { arms } => {
                    let u: f64 = self.draw(id, step).random();
                    step = arms
                        .iter()
                        .find(|(cumulative, _)| u < *cumulative)
                        .map_or(arms[arms.len() - 1].1, |arm| arm.1);
                }
                StepKind::BranchOnHours {
                    hours,
                    open,
                    closed,
                } => {
                    let is_open = match hours {
                        OpenWhen::Calendar(c) => {
                            scenario.calendars[c.0 as usize].level_at(self.now, self.week_offset)
                                > 0
                        }
                        OpenWhen::Staffed(r) => self.resources[r.0 as usize].capacity > 0,
                    };
                    step = if is_open { *open } else { *closed };
                }
                StepKind::BranchOn { attribute, targets } => {
                    let category = self.patients.get(id).attributes[attribute.0 as usize];
                    step = targets[category as usize];
                }
                StepKind::Block { resource, next } => {
                    self.set_blocked(id, *resource, step)?;
                    step = *next;
                }
                StepKind::End { outcome } => {
                    let pathway = scenario.steps[step.0 as usize].pathway;
                    self.end_cause(id);
                    let outcome_name = &scenario.outcomes[outcome.0 as usize].name;
                    self.trace_event(id, "end", None, Detail::Name(outcome_name));
                    self.leave_pathway(id, pathway, *outcome);
                    let held = self.patients.get(id).held;
                    let blocked = self.patients.get(id).blocked;
                    // Each held unit in resource order, by its bit: no pass over every resource.
                    let mut bits = held;
                    while bits != 0 {
                        let r = bits.trailing_zeros();
                        bits &= bits - 1;
                        self.release_unit(id, ResourceId(r as u16), blocked & (1 << r) != 0)?;
                    }
                    self.patients.remove(id);
                    self.left += 1;
                    return Ok(());
                }
                StepKind::Transfer { outcome, to } => {
                    let from = scenario.steps[step.0 as usize].pathway;
                    self.end_cause(id);
                    let into = scenario.steps[to.0 as usize].pathway;
                    let into_name = &scenario.pathways[into.0 as usize].name;
                    self.trace_event(id, "transfer", None, Detail::Name(into_name));
                    self.leave_pathway(id, from, *outcome);
                    self.recorder.entries[into.0 as usize] += 1;
                    self.attribution.enter(into);
                    let inside = pathway_series(scenario, into.0 as usize);
                    self.counts.change(inside, self.now, true);
                    let patient = self.patients.get_mut(id);
                    patient.entered_pathway = self.now;
                    patient.new_episode();
                    step = *to;
                }
            }
        }
    }

    /// Counts a step taken by a patient at this instant, across events too (a zero-length
    /// delay or rework comes back through the event list at the same time); too many means
    /// the model loops without time passing.
    fn count_instant_step(&mut self, id: PatientId, step: StepId) -> Result<(), SimError> {
        let now = self.now;
        let patient = self.patients.get_mut(id);
        if patient.instant == now {
            patient.steps_at_instant += 1;
        } else {
            patient.instant = now;
            patient.steps_at_instant = 0;
        }
        if patient.steps_at_instant > MAX_INSTANT_STEPS {
            return Err(SimError::InstantLoop {
                step: self.scenario.step_label(step),
            });
        }
        Ok(())
    }

    #[inline]
    fn leave_pathway(&mut self, id: PatientId, pathway: PathwayId, outcome: OutcomeId) {
        let p = pathway.0 as usize;
        self.attribution.leave(pathway);
        let inside = pathway_series(self.scenario, p);
        self.counts.change(inside, self.now, false);
        let time_in_pathway = self.now - self.patients.get(id).entered_pathway;
        let recorder = &mut self.recorder;
        recorder.exits[p] += 1;
        recorder.outcome_counts[p * recorder.outcomes + outcome.0 as usize] += 1;
        recorder.time_in_pathway[p].record(time_in_pathway);
    }

    fn not_holding(&self, step: StepId, resource: ResourceId) -> SimError {
        SimError::NotHolding {
            step: self.scenario.step_label(step),
            resource: self.scenario.resources[resource.0 as usize].name.clone(),
        }
    }

    fn set_blocked(
        &mut self,
        id: PatientId,
        resource: ResourceId,
        step: StepId,
    ) -> Result<(), SimError> {
        let bit = 1u64 << resource.0;
        let patient = self.patients.get_mut(id);
        if patient.held & bit == 0 {
            return Err(self.not_holding(step, resource));
        }
        if patient.blocked & bit == 0 {
            if patient.blocked == 0 {
                patient.blocked_since = self.now;
            }
            patient.blocked |= bit;
            let now = self.now;
            let units = self.request_state.held(id, resource.0 as usize);
            let state = &mut self.resources[resource.0 as usize];
            state.accrue(now);
            state.blocked += units;
            self.trace_event(id, "block", Some(resource), Detail::None);
        }
        Ok(())
    }

    /// Asks for a unit at a waiting step for a patient waiting there since `since` (now,
    /// except for a census patient): sent to the fallback at once if its deadline has
    /// already passed (whatever the staffing, see `README.md`), else granted if a unit is
    /// free, else queued.
    fn request(
        &mut self,
        id: PatientId,
        step: StepId,
        wait: &Wait,
        since: f64,
    ) -> Result<Request, SimError> {
        if let Some(request) = wait.request {
            return self.request_several(id, step, wait, request, since);
        }
        let resource = wait.resource;
        if self.patients.get(id).held & (1 << resource.0) != 0 {
            return Err(SimError::AlreadyHolding {
                step: self.scenario.step_label(step),
                resource: self.scenario.resources[resource.0 as usize].name.clone(),
            });
        }
        let index = wait.index.0 as usize;
        let now = self.now;
        // Most waits have no deadline: no call for them.
        let deadline_at = if wait.deadline.is_some() {
            self.deadline_at(id, wait, since)
        } else {
            None
        };
        let free = self.resources[resource.0 as usize].has_free_unit_for_new_work();
        // Passed before the patient got here: the fallback, staffed or not. A deadline
        // falling exactly now still lets a free unit serve it (within the deadline).
        if let Some((at, fallback)) = deadline_at
            && (at < now || (at == now && !free))
        {
            self.trace_event(id, "fallback", Some(resource), Detail::Hours(now - since));
            let measured_from = self.scenario.warm_up.hours();
            self.recorder
                .record_wait(index, now - since, now, measured_from);
            self.recorder.fallbacks[index] += 1;
            return Ok(Request::Fallback(fallback));
        }
        if free {
            self.take_unit(resource);
            self.record_served(wait, now - since, id);
            return Ok(Request::Granted);
        }
        if let Some(when_full) = self.turned_away(id, wait) {
            return Ok(Request::Fallback(when_full));
        }
        let token = self.next_token;
        self.next_token += 1;
        let patient = self.patients.get_mut(id);
        patient.wait_token = token;
        patient.wait_started = since;
        let blocked = patient.blocked != 0;
        self.resources[resource.0 as usize].enqueue(now, wait.priority_rank, id, token);
        self.counts.change(wait_series(index), now, true);
        let pathway = self.scenario.steps[step.0 as usize].pathway;
        self.begin_wait(
            id,
            self.attribution.table.wait(pathway, resource, blocked),
            resource,
        );
        self.trace_event(id, "queue", Some(resource), Detail::None);
        if let Some((at, _)) = deadline_at {
            self.patients.get_mut(id).deadline_at = at;
            self.events
                .schedule(SimTime::from_hours(at), Event::Deadline(id));
        }
        self.surge_on_queued(id, resource.0 as usize, since);
        Ok(Request::Queued)
    }

    fn take_unit(&mut self, resource: ResourceId) {
        let now = self.now;
        let state = &mut self.resources[resource.0 as usize];
        state.accrue(now);
        state.busy += 1;
    }

    fn give_back_unit(&mut self, resource: ResourceId) {
        let now = self.now;
        let state = &mut self.resources[resource.0 as usize];
        state.accrue(now);
        state.busy -= 1;
        self.surge_on_freed(resource.0 as usize);
    }

    /// Frees a unit held by patient `id`; a blocked unit ends a blocked stay, counted for the
    /// pathway the patient is in now.
    fn release_unit(
        &mut self,
        id: PatientId,
        resource: ResourceId,
        was_blocked: bool,
    ) -> Result<(), SimError> {
        let units = if self.scenario.multi_unit_holds {
            self.request_state.take_held(id, resource.0 as usize)
        } else {
            1
        };
        let now = self.now;
        let state = &mut self.resources[resource.0 as usize];
        state.accrue(now);
        state.busy -= units;
        self.surge_on_freed(resource.0 as usize);
        if was_blocked {
            self.resources[resource.0 as usize].blocked -= units;
            let patient = self.patients.get(id);
            let pathway = self.scenario.steps[patient.step.0 as usize].pathway.0 as usize;
            let stay = self.now - patient.blocked_since;
            if let Some(stays) = self.recorder.blocked_stays[resource.0 as usize].as_mut() {
                stays[pathway].record(stay);
            }
        }
        self.serve_queue(resource)
    }

    /// Starts waiting patients while the resource has free units.
    /// Starts waiting patients while the resource has free units. Re-entrant calls (a served
    /// patient releasing something on its way) only mark the resource; the outermost call
    /// serves every marked resource in turn, so the stack never grows with the queue.
    fn serve_queue(&mut self, resource: ResourceId) -> Result<(), SimError> {
        let r = resource.0 as usize;
        if self.serving {
            if !self.needs_service[r] {
                self.needs_service[r] = true;
                self.marked += 1;
            }
            return Ok(());
        }
        // The common case: nobody waiting, nothing to do.
        if self.resources[r].waiting == 0 {
            return Ok(());
        }
        self.serving = true;
        let result = self.serve_from(r);
        self.serving = false;
        result
    }

    /// Serves resource `r`, then every resource marked meanwhile, until none is marked.
    fn serve_from(&mut self, first: usize) -> Result<(), SimError> {
        let mut next = Some(first);
        while let Some(r) = next {
            if self.scenario.resources[r].shared {
                self.serve_shared(r)?;
            } else {
                while let Some(id) = self.next_to_serve(r) {
                    self.start_service(id, ResourceId(r as u16))?;
                }
            }
            next = None;
            if self.marked > 0
                && let Some(marked) = self.needs_service.iter().position(|&m| m)
            {
                {
                    self.needs_service[marked] = false;
                    self.marked -= 1;
                    next = Some(marked);
                }
            }
        }
        Ok(())
    }

    /// The next waiting patient to get a unit of resource `r`, if a unit is free.
    fn next_to_serve(&mut self, r: usize) -> Option<PatientId> {
        if !(self.resources[r].has_free_unit() && self.resources[r].waiting > 0) {
            return None;
        }
        let patients = &self.patients;
        let now = self.now;
        self.resources[r].dequeue(now, |p, token| patients.get(p).wait_token == token)
    }

    /// Gives a waiting patient its unit and moves it on.
    ///
    /// A flex rule looks at the queue once the patient's work has begun: if the shorter
    /// queue closes surge units and the resource pauses, the work to stop is chosen among
    /// all work under way, this patient's included (finding 6 of issue 13: it was left out,
    /// and kept working while older work paused).
    fn start_service(&mut self, id: PatientId, resource: ResourceId) -> Result<(), SimError> {
        self.take_unit(resource);
        let r = resource.0 as usize;
        let watched = self.surge_uncount(id, r);
        self.end_cause(id);
        let now = self.now;
        let patient = self.patients.get_mut(id);
        patient.wait_token = 0;
        let waited = now - patient.wait_started;
        let step = patient.step;
        let blocked = patient.blocked != 0;
        self.begin_after_wait(id, step, waited, blocked, resource, Holding::Unit(resource))?;
        if watched {
            self.surge_check(r);
        }
        Ok(())
    }

    /// Moves on patient `id` at `step`, whose wait of `waited` hours has just ended with its
    /// units granted: a seize takes `holding` and goes to its next step, an activity starts
    /// its work. `shown` is the resource the trace names. Shared by one-unit requests and
    /// requests for several units or resources.
    fn begin_after_wait(
        &mut self,
        id: PatientId,
        step: StepId,
        waited: f64,
        blocked: bool,
        shown: ResourceId,
        holding: Holding,
    ) -> Result<(), SimError> {
        let scenario = self.scenario;
        let now = self.now;
        let kind = &scenario.steps[step.0 as usize].kind;
        // A staffed handoff's reading, or work paused at a shift end: its work, not a wait.
        if matches!(kind, StepKind::Handoff { .. }) || self.patients.get(id).resuming {
            self.begin_queued_work(id, holding, shown);
            return Ok(());
        }
        match kind {
            StepKind::Seize { wait, next } => {
                self.counts
                    .change(wait_series(wait.index.0 as usize), now, false);
                self.record_served(wait, waited, id);
                match holding {
                    Holding::Unit(resource) => self.patients.get_mut(id).held |= 1 << resource.0,
                    Holding::Request(request) => self.hold_all(id, request),
                }
                self.trace_event(id, "start", Some(shown), Detail::Hours(waited));
                self.advance(id, *next)
            }
            StepKind::Activity { wait, duration, .. } => {
                self.counts
                    .change(wait_series(wait.index.0 as usize), now, false);
                self.record_served(wait, waited, id);
                let hours = self.timed(id, step, duration);
                self.begin_cause(id, self.attribution.table.at_step(step, blocked));
                self.note_held_work(id, holding, hours);
                self.trace_event(id, "start", Some(shown), Detail::Hours(hours));
                self.schedule_done(id, hours);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// Records the wait of `waited` hours of patient `id`, served now at `wait`.
    #[inline(always)]
    fn record_served(&mut self, wait: &Wait, waited: f64, id: PatientId) {
        let index = wait.index.0 as usize;
        let (now, measured_from) = (self.now, self.scenario.warm_up.hours());
        self.recorder.record_wait(index, waited, now, measured_from);
        if waited <= 0.0 {
            self.recorder.served_at_once[index] += 1;
        }
        // Most waiting points have neither a deadline nor targets: one test for them.
        if self.recorder.served_extras[index] {
            self.record_served_extras(wait, waited, id);
        }
    }

    /// The rest of [`Self::record_served`] at a waiting point with a deadline or targets:
    /// the served wait's own sample, and the counts within the targets and the deadline.
    #[inline(never)]
    fn record_served_extras(&mut self, wait: &Wait, waited: f64, id: PatientId) {
        let index = wait.index.0 as usize;
        if let Some(served) = &mut self.recorder.served_waits[index] {
            served.record(waited);
        }
        if let Some(targets) = self.scenario.wait_targets.get(index) {
            for (target, within) in targets.iter().zip(&mut self.recorder.within_targets[index]) {
                if waited <= target.limit.hours() {
                    *within += 1;
                }
            }
        }
        if let Some(deadline) = wait.deadline {
            let within = if deadline.patience.is_some() {
                // Its own patience, drawn on reaching the wait (see `deadline_at`).
                self.now <= self.patients.get(id).deadline_at
            } else {
                let clock_start = match deadline.from {
                    DeadlineFrom::Step => self.now - waited,
                    DeadlineFrom::Pathway => self.patients.get(id).entered_pathway,
                };
                self.now - clock_start <= deadline.limit.hours()
            };
            if within {
                self.recorder.within_deadline[index] += 1;
            }
        }
    }

    /// When patient `id`'s deadline at `wait` passes, for a wait begun at `since`, and its
    /// fallback; `None` without a deadline. A drawn patience is drawn here, once each time
    /// the patient reaches the wait, from the patient's own draw stream for this purpose
    /// (common random numbers: the same patient has the same patience in every design), and
    /// kept in the patient's `deadline_at`. A census patient placed at the wait draws what is
    /// left of its patience given the time it has waited.
    #[inline]
    fn deadline_at(&mut self, id: PatientId, wait: &Wait, since: f64) -> Option<(f64, StepId)> {
        let d: Deadline = wait.deadline?;
        let clock_start = match d.from {
            DeadlineFrom::Step => since,
            DeadlineFrom::Pathway => self.patients.get(id).entered_pathway,
        };
        let Some(patience) = d.patience else {
            return Some((clock_start + d.limit.hours(), d.fallback));
        };
        let patience = &self.scenario.patience[patience.0 as usize];
        let patient = self.patients.get_mut(id);
        let occurrence = u64::from(patient.patience_draws);
        patient.patience_draws += 1;
        let mut stream = self
            .key
            .draw_stream_from(patient.key, patience.stream, occurrence);
        // A census patient has waited already: its patience is drawn given that it has
        // lasted so far (see `model::residual_life`).
        let already = self.now - clock_start;
        let at = if self.placing_census && already > 0.0 {
            let left = patience.distribution.sample_residual(already, &mut stream);
            self.now + left.hours()
        } else {
            clock_start + patience.distribution.sample(&mut stream).hours()
        };
        patient.deadline_at = at;
        Some((at, d.fallback))
    }

    /// The `when_full` step if `wait` has a `max_queue` and that many patients are already
    /// waiting there (counted as balked), else `None`. Census patients are never turned away.
    #[inline]
    fn turned_away(&mut self, id: PatientId, wait: &Wait) -> Option<StepId> {
        let full = wait.max_queue?;
        let index = wait.index.0 as usize;
        if self.placing_census || self.counts.count(wait_series(index)) < full.places {
            return None;
        }
        self.recorder.balked[index] += 1;
        self.trace_event(id, "balked", Some(wait.resource), Detail::None);
        Some(full.when_full)
    }
}

/// What a patient granted its units goes on holding: at a seize until released, during an
/// activity's or a staffed reading's work until it is done (or paused).
#[derive(Debug, Clone, Copy)]
enum Holding {
    /// One unit of this resource.
    Unit(ResourceId),
    /// Every unit of this request for several units or resources.
    Request(crate::model::scenario::RequestId),
}

/// The answer to a request for a unit.
enum Request {
    Granted,
    Queued,
    Fallback(StepId),
}

/// Draws a category index from probabilities summing to 1 (within rounding); a category with
/// probability 0 is never drawn.
fn draw_category(probabilities: &[f64], stream: &mut DrawStream) -> u8 {
    let u: f64 = stream.random();
    let mut cumulative = 0.0;
    for (category, p) in probabilities.iter().enumerate() {
        cumulative += p;
        if u < cumulative {
            return category as u8;
        }
    }
    // Rounding left a sliver above the last cumulative value: the last possible category.
    probabilities.iter().rposition(|p| *p > 0.0).unwrap_or(0) as u8
}
