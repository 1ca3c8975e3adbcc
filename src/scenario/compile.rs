//! Turns a parsed [`ScenarioFile`] into a checked, index-based [`Scenario`], collecting every
//! problem with its place in the file instead of stopping at the first.
//!
//! Run settings, calendars, attributes, resources, arrivals, outcomes and the initial census
//! are checked here; pathway steps in `compile_steps`.

use std::collections::BTreeMap;
use std::ops::Range;

use rand::distr::weighted::WeightedIndex;
use toml::Spanned;

use super::compile_steps::StepCompiler;
use super::diagnostics::Problem;
use super::file::{
    AttributeFile, DistributionFile, InitialFile, KeyFigureFile, ResourceFile, ScenarioFile,
    ShiftFile,
};
use super::units::{DurationText, WEEKDAY_NAMES, day_set, weekday_index};
use crate::kernel::SimDuration;
use crate::model::distribution::Distribution;
use crate::model::scenario::{
    Attribute, Calendar, DEFAULT_MAX_INSIDE, DemandChange, InitialGroup, KeyFigure, MAX_ATTRIBUTES,
    MAX_CALENDARS, MAX_CENSUS_PATIENTS, MAX_COST, MAX_PATHWAYS, MAX_RESOURCES, MAX_UNITS, Outcome,
    OutcomeId, PathwayId, Resource, ResourceId, Scenario, Source, Step, StepKind,
};
use crate::model::week_schedule::{ShiftLine, WeekSchedule};

/// Longest horizon or warm-up accepted [days]: a century, far beyond any planning question,
/// so that a slip of the unit cannot start a run that never ends.
const MAX_RUN_DAYS: f64 = 36_500.0;
/// Largest referral volume accepted from one source [patients/day].
const MAX_PER_DAY: f64 = 1_000_000.0;

/// Largest number of waiting points, handoffs and pathways (together) for which every
/// compile builds the metric catalogue to check that no two metrics share a name.
const CATALOGUE_CHECK_LIMIT: usize = 1000;

/// Tolerance when checking that probabilities sum to 1.
const PROBABILITY_TOLERANCE: f64 = 1e-6;

pub use super::diagnostics::Problems;

/// Compiles `file`; returns the scenario or every problem found.
pub fn compile(file: &ScenarioFile) -> Result<Scenario, Vec<Problem>> {
    let mut problems = Problems::default();
    let scenario = compile_all(file, &mut problems);
    if problems.0.is_empty() {
        // Routes are only worth following through a scenario that is otherwise sound.
        super::routes::check(file, &scenario, &mut problems);
    }
    if problems.0.is_empty() {
        Ok(scenario)
    } else {
        problems.0.sort_by_key(|p| p.span.start);
        Err(problems.0)
    }
}

fn compile_all(file: &ScenarioFile, problems: &mut Problems) -> Scenario {
    let run = &file.run;
    super::names::check_all(problems, file);
    let name = run.name.get_ref().clone();
    if name.is_empty()
        || name.len() > super::names::MAX_NAME_LEN
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        problems.add(
            run.name.span(),
            format!("`name` must be letters, digits, `_` or `-`, at most {} characters (it names the output folder), found \"{name}\"", super::names::MAX_NAME_LEN),
            "use a short name such as \"baseline\" or \"seven_day_social_care\"",
        );
    }
    let horizon = run.horizon.get_ref().to_sim();
    if horizon.hours() <= 0.0 || horizon.days() > MAX_RUN_DAYS {
        problems.add(
            run.horizon.span(),
            format!(
                "`horizon` must be longer than zero and at most {MAX_RUN_DAYS} days, found \"{}\"",
                run.horizon.get_ref()
            ),
            "e.g. horizon = \"365 d\"",
        );
    }
    let warm_up = run.warm_up.as_ref().map_or(SimDuration::ZERO, |w| {
        if w.get_ref().amount < 0.0 || w.get_ref().to_sim().days() > MAX_RUN_DAYS {
            problems.add(
                w.span(),
                format!(
                    "`warm_up` must be between zero and {MAX_RUN_DAYS} days, found \"{}\"",
                    w.get_ref()
                ),
                "use \"0 d\" for no warm-up",
            );
        }
        w.get_ref().to_sim()
    });
    let replications = run.replications.as_ref().map_or(10, |r| {
        positive_count(problems, r, "replications", "e.g. replications = 20")
    });
    let seed = run.seed.as_ref().map_or(1, |s| {
        u64::try_from(*s.get_ref()).unwrap_or_else(|_| {
            problems.add(
                s.span(),
                format!("`seed` must be zero or more, found {}", s.get_ref()),
                "any whole number from 0 up, e.g. seed = 42",
            );
            1
        })
    });
    let start_day = run.start_day.as_ref().map_or(0, |day| {
        weekday_index(day.get_ref()).unwrap_or_else(|| {
            problems.add(
                day.span(),
                format!(
                    "`start_day` must be a day of the week, found \"{}\"",
                    day.get_ref()
                ),
                &format!("one of {}", WEEKDAY_NAMES.join(", ")),
            );
            0
        })
    });

    // Runs on real dates (issue 13 item 1): see `compile_dates`.
    let start_date = super::compile_dates::start_date(problems, file);
    let start_day = start_date.map_or(start_day, crate::model::dates::weekday_index);

    let max_inside = run.max_patients_inside.as_ref().map_or(DEFAULT_MAX_INSIDE, |m| {
        u64::try_from(*m.get_ref())
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| {
                problems.add(
                    m.span(),
                    format!(
                        "`max_patients_inside` must be a whole number above zero, found {}",
                        m.get_ref()
                    ),
                    &format!("the most patients inside at once before a run stops; the default is {DEFAULT_MAX_INSIDE}"),
                );
                DEFAULT_MAX_INSIDE
            })
    });

    let mut calendars = file
        .calendars
        .iter()
        .map(|(name, calendar)| {
            let schedule = compile_shifts(
                problems,
                &calendar.get_ref().hours,
                ShiftUse::OpeningHours,
                name,
            );
            if schedule.weekly_open_hours() <= 0.0 {
                problems.add(
                    calendar.get_ref().hours.span(),
                    format!("calendar `{name}` is never open"),
                    "add at least one line of opening hours",
                );
            }
            Calendar {
                name: name.clone(),
                schedule,
                dated: None,
            }
        })
        .collect::<Vec<_>>();

    if file.attributes.len() > MAX_ATTRIBUTES {
        let first = file.attributes.values().next().map_or(0..0, |a| a.span());
        problems.add(
            first,
            format!(
                "at most {MAX_ATTRIBUTES} attributes are supported, found {}",
                file.attributes.len()
            ),
            "combine related attributes into one with more categories",
        );
    }
    let attributes = file
        .attributes
        .iter()
        .map(|(name, attribute)| compile_attribute(problems, name, attribute))
        .collect::<Vec<_>>();

    if file.resources.len() > MAX_RESOURCES {
        let first = file.resources.values().next().map_or(0..0, |r| r.span());
        problems.add(
            first,
            format!(
                "at most {MAX_RESOURCES} resources are supported, found {}",
                file.resources.len()
            ),
            "merge resources that are used the same way, or split the scenario into two",
        );
    }
    let mut resources = file
        .resources
        .iter()
        .map(|(name, resource)| compile_resource(problems, name, resource))
        .collect::<Vec<_>>();

    for (count, max, what, first) in [
        (
            file.pathways.len(),
            MAX_PATHWAYS,
            "pathways",
            file.pathways.values().next().map(|p| p.span()),
        ),
        (
            file.calendars.len(),
            MAX_CALENDARS,
            "calendars",
            file.calendars.values().next().map(|c| c.span()),
        ),
    ] {
        if count > max {
            problems.add(
                first.unwrap_or(0..0),
                format!("at most {max} {what} are supported, found {count}"),
                "split the scenario into several files",
            );
        }
    }
    super::compile_dates::apply(
        problems,
        file,
        start_date,
        (warm_up + horizon).hours(),
        &mut calendars,
        &mut resources,
    );
    let names = Names::new(file, &attributes);
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut steps = StepCompiler::new(file, &names, problems, &mut outcomes);
    let compiled = steps.compile();
    for (resource, levels) in resources.iter_mut().zip(&compiled.priority_levels) {
        resource.priority_levels = levels.len().max(1);
    }
    for (resource, shared) in resources.iter_mut().zip(&compiled.shared) {
        resource.shared = *shared;
    }
    super::staffing::check(problems, file, &resources, &compiled.steps);
    super::requests::check_can_be_granted(problems, &compiled.pending_requests, &resources);
    for ((name, written), resource) in file.resources.iter().zip(&resources) {
        if let Some(surge) = &written.get_ref().surge {
            super::surge::check_not_shared(problems, name, surge, resource.shared);
        }
    }
    super::visits::check_surge(problems, file, &compiled.visits);
    super::visits::check_not_seized(problems, file);
    super::visits::check_fit_not_shared(problems, file);
    // Keys that could never act, and visit plans that could never be delivered (audit of
    // issues 12 and 13).
    super::ineffective_keys::check(
        problems,
        file,
        &resources,
        &compiled.pending_requests,
        &compiled.visits,
    );
    super::visits_fit::check(problems, file, &compiled.visits, &resources);
    super::visit_times_covered::check(
        problems,
        file,
        &compiled.visits,
        &resources,
        start_day as f64 * 24.0,
        (warm_up + horizon).hours(),
    );
    let steps_table = compiled.steps;
    let pathways = compiled.pathways;

    for (outcome_name, outcome) in &file.outcomes {
        let cost = *outcome.get_ref().cost.get_ref();
        if !(cost.is_finite() && (0.0..=MAX_COST).contains(&cost)) {
            problems.add(
                outcome.get_ref().cost.span(),
                format!("`cost` of outcome `{outcome_name}` must be from 0 to {MAX_COST:e} GBP, found {cost}"),
                "a cost in GBP per patient, e.g. cost = 5419",
            );
        }
        match outcomes.iter_mut().find(|o| &o.name == outcome_name) {
            Some(known) => known.cost = cost,
            None => problems.add(
                outcome.span(),
                format!("outcome `{outcome_name}` has a cost but no `end` step reaches it"),
                &format!(
                    "outcomes used by the pathways: {}",
                    outcomes
                        .iter()
                        .map(|o| o.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ),
        }
    }

    let mut sources = file
        .arrivals
        .iter()
        .enumerate()
        .filter_map(|(index, (name, arrival))| {
            let when = (
                start_date,
                start_day as f64 * 24.0,
                (warm_up + horizon).hours(),
            );
            compile_source(problems, &names, &attributes, name, arrival, when).map(|s| (index, s))
        })
        .collect::<Vec<_>>();
    attach_demand_changes(
        problems,
        file,
        &mut sources,
        start_date,
        (warm_up + horizon).hours(),
    );
    check_peak_volumes(problems, file, &sources, (warm_up + horizon).hours());
    let sources: Vec<Source> = sources.into_iter().map(|(_, source)| source).collect();
    if sources.is_empty() && file.initial.is_empty() {
        problems.add(run.name.span(), "the scenario has no `[arrivals]` and no `[[initial]]` patients, so nothing would happen", "add a referral source, e.g. [arrivals.gp] with pathway = \"...\" and per_day = 5");
    }

    let mut census_total: u64 = 0;
    for count in file
        .initial
        .iter()
        .filter_map(|g| g.get_ref().count.as_ref())
    {
        census_total = census_total.saturating_add(u64::try_from(*count.get_ref()).unwrap_or(0));
        if census_total > u64::from(MAX_CENSUS_PATIENTS) {
            problems.add(
                count.span(),
                format!("the census groups add up to more than {MAX_CENSUS_PATIENTS} patients by this one"),
                "check the counts; the patients present at the start are at most 1,000,000 in all",
            );
            break;
        }
    }
    // Sized once: a census file may give 100,000 groups.
    let mut initial = Vec::with_capacity(file.initial.len());
    initial.extend(file.initial.iter().filter_map(|group| {
        compile_initial(
            problems,
            &names,
            &attributes,
            &compiled.step_index,
            &steps_table,
            group,
        )
    }));
    check_census_size(problems, file, max_inside);

    let (waits, handoffs) = compiled.waits_and_handoffs;
    let wait_targets = compiled.wait_targets;
    let wait_costs = compiled.wait_costs;
    let requests = compiled.requests;
    let patience = compiled.patience;
    let multi_unit_holds = steps_table.iter().any(|s| match &s.kind {
        crate::model::scenario::StepKind::Seize { wait, .. } => wait
            .request
            .is_some_and(|r| requests[r.0 as usize].parts.iter().any(|p| p.units > 1)),
        _ => false,
    });
    let mut scenario = Scenario {
        name,
        description: run.description.clone().unwrap_or_default(),
        horizon,
        warm_up,
        replications,
        seed,
        start_day,
        start_date,
        calendars,
        attributes,
        resources,
        sources,
        pathways,
        steps: steps_table,
        waits,
        wait_targets,
        wait_costs,
        handoffs,
        requests,
        multi_unit_holds,
        visits: compiled.visits,
        outcomes,
        initial,
        patience,
        key_figures: Vec::new(),
        max_inside,
        labels: Default::default(),
    };
    // The metric catalogue costs a replication's accumulators (tens of kilobytes per waiting
    // point), so for a very large scenario it is built only when key figures need it; there,
    // the name rules alone keep metric names apart (scenario::names).
    let small = scenario.waits.len() + scenario.handoffs.len() + scenario.pathways.len()
        <= CATALOGUE_CHECK_LIMIT;
    if problems.0.is_empty() && (small || !file.key_figures.is_empty()) {
        let catalogue = crate::model::metric_catalogue(&scenario);
        let names: Vec<String> = catalogue.iter().map(|(name, _)| name.clone()).collect();
        super::names::check_catalogue(problems, &names, file);
        if problems.0.is_empty() {
            scenario.key_figures = compile_key_figures(problems, file, &catalogue);
        }
        scenario.labels = super::labels::compile(problems, file, &scenario, &catalogue);
    } else {
        scenario.labels = super::labels::compile(problems, file, &scenario, &[]);
    }
    scenario
}

/// Resolves `[key_figures]` against the metrics the scenario will report.
fn compile_key_figures(
    problems: &mut Problems,
    file: &ScenarioFile,
    catalogue: &[(String, crate::model::Unit)],
) -> Vec<KeyFigure> {
    let names: Vec<String> = catalogue.iter().map(|(name, _)| name.clone()).collect();
    let mut ordered: Vec<(i64, &String, &Spanned<KeyFigureFile>)> = file
        .key_figures
        .iter()
        .map(|(name, figure)| (figure.get_ref().order.unwrap_or(i64::MAX), name, figure))
        .collect();
    ordered.sort_by_key(|(order, _, _)| *order);
    let mut figures = Vec::new();
    for (_, name, figure) in ordered {
        let f = figure.get_ref();
        let references: Vec<&Spanned<String>> = f.metric.iter().chain(&f.sum).collect();
        if references.is_empty() || (f.metric.is_some() && !f.sum.is_empty()) {
            problems.add(figure.span(), format!("key figure `{name}` needs either `metric` or `sum`"), "e.g. metric = \"wait.rapid_response.visit.within_deadline\", or sum = [\"a\", \"b\"]");
            continue;
        }
        let terms: Vec<usize> = references
            .iter()
            .filter_map(|r| Names::resolve(problems, &names, r, "metric"))
            .collect();
        if terms.len() != references.len() {
            continue;
        }
        let unit = catalogue[terms[0]].1;
        if let Some(other) = terms.iter().find(|&&t| catalogue[t].1 != unit) {
            problems.add(
                figure.span(),
                format!(
                    "key figure `{name}` adds `{}` ({}) to `{}` ({})",
                    catalogue[terms[0]].0,
                    unit.label(),
                    catalogue[*other].0,
                    catalogue[*other].1.label()
                ),
                "only metrics in the same unit can be added up",
            );
            continue;
        }
        let judgement = super::key_figure_rules::judgement(
            problems,
            name,
            f,
            unit,
            figures
                .iter()
                .find(|g: &&KeyFigure| g.objective)
                .map(|g| g.name.as_str()),
        );
        figures.push(KeyFigure {
            name: name.clone(),
            label: f.label.get_ref().clone(),
            terms,
            better: judgement.better,
            target: judgement.target,
            objective: judgement.objective,
        });
    }
    figures
}

/// Name-to-id tables, built once so that references can be resolved and misspellings
/// reported with the valid names.
#[derive(Debug)]
pub struct Names {
    /// Resource names in id order.
    pub resources: Vec<String>,
    /// Pathway names in id order.
    pub pathways: Vec<String>,
    /// Calendar names in id order.
    pub calendars: Vec<String>,
    /// Attribute names and category names, in id order.
    pub attributes: Vec<(String, Vec<String>)>,
    /// Pathway ids by name, so that thousands of pathways are looked up without a scan.
    pathway_ids: BTreeMap<String, usize>,
}

impl Names {
    fn new(file: &ScenarioFile, attributes: &[Attribute]) -> Self {
        Names {
            resources: file.resources.keys().cloned().collect(),
            pathways: file.pathways.keys().cloned().collect(),
            pathway_ids: file
                .pathways
                .keys()
                .enumerate()
                .map(|(i, name)| (name.clone(), i))
                .collect(),
            calendars: file.calendars.keys().cloned().collect(),
            attributes: attributes
                .iter()
                .map(|a| (a.name.clone(), a.values.clone()))
                .collect(),
        }
    }

    /// Resolves a name among `names`, or records a problem listing the valid ones.
    pub fn resolve(
        problems: &mut Problems,
        names: &[String],
        wanted: &Spanned<String>,
        what: &str,
    ) -> Option<usize> {
        let position = names.iter().position(|n| n == wanted.get_ref());
        if position.is_none() {
            let closest = names
                .iter()
                .max_by(|a, b| {
                    strsim::jaro_winkler(a, wanted.get_ref())
                        .total_cmp(&strsim::jaro_winkler(b, wanted.get_ref()))
                })
                .filter(|c| strsim::jaro_winkler(c, wanted.get_ref()) > 0.7);
            let help = match (closest, names.is_empty()) {
                (_, true) => format!("no {what} is defined yet; define it first"),
                (Some(c), false) if names.len() > 20 => format!("did you mean `{c}`?"),
                (Some(c), false) => format!("did you mean `{c}`? Defined: {}", names.join(", ")),
                (None, false) if names.len() > 20 => format!(
                    "{} are defined; check the spelling against the list in summary.csv of a run",
                    names.len()
                ),
                (None, false) => format!("defined: {}", names.join(", ")),
            };
            problems.add(
                wanted.span(),
                format!("there is no {what} called `{}`", wanted.get_ref()),
                &help,
            );
        }
        position
    }

    /// Resolves a resource name.
    pub fn resource(
        &self,
        problems: &mut Problems,
        wanted: &Spanned<String>,
    ) -> Option<ResourceId> {
        Self::resolve(problems, &self.resources, wanted, "resource").map(|i| ResourceId(i as u16))
    }

    /// Resolves a pathway name.
    pub fn pathway(&self, problems: &mut Problems, wanted: &Spanned<String>) -> Option<PathwayId> {
        let index = match self.pathway_index(wanted.get_ref()) {
            Some(index) => index,
            None => Self::resolve(problems, &self.pathways, wanted, "pathway")?,
        };
        // More pathways than an id can number is reported once, by `compile_all`.
        u16::try_from(index).ok().map(PathwayId)
    }

    /// The index of pathway `name`, if there is one. O(log n).
    pub fn pathway_index(&self, name: &str) -> Option<usize> {
        self.pathway_ids.get(name).copied()
    }
}

/// Global step id by (pathway index, step name), for the initial census.
type StepLookup<'a> = &'a BTreeMap<(usize, String), u32>;

fn positive_count(problems: &mut Problems, value: &Spanned<i64>, key: &str, help: &str) -> u32 {
    match u32::try_from(*value.get_ref()) {
        Ok(n) if n > 0 => n,
        _ => {
            problems.add(
                value.span(),
                format!(
                    "`{key}` must be a whole number from 1 to {}, found {}",
                    u32::MAX,
                    value.get_ref()
                ),
                help,
            );
            1
        }
    }
}

/// A whole number from 0 to `max`, or a problem saying so (issue 9 item 7: no count may
/// wrap).
pub(super) fn bounded_count(
    problems: &mut Problems,
    value: &Spanned<i64>,
    key: &str,
    max: u32,
    help: &str,
) -> u32 {
    match u32::try_from(*value.get_ref()) {
        Ok(n) if n <= max => n,
        _ => {
            problems.add(
                value.span(),
                format!(
                    "`{key}` must be a whole number from 0 to {max}, found {}",
                    value.get_ref()
                ),
                help,
            );
            0
        }
    }
}

pub(super) fn non_negative_cost(
    problems: &mut Problems,
    value: Option<&Spanned<f64>>,
    key: &str,
) -> f64 {
    value.map_or(0.0, |cost| {
        let v = *cost.get_ref();
        if !(v.is_finite() && (0.0..=MAX_COST).contains(&v)) {
            problems.add(
                cost.span(),
                format!("`{key}` must be from 0 to {MAX_COST:e} GBP, found {v}"),
                "a cost in GBP, e.g. 58.0",
            );
            return 0.0;
        }
        v
    })
}

/// Whether shift lines describe staff on duty (with counts) or an office's opening hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ShiftUse {
    /// Staff on duty or places available, with counts.
    Roster,
    /// An office's opening hours, without counts.
    OpeningHours,
}

pub(super) fn compile_shifts(
    problems: &mut Problems,
    lines: &Spanned<Vec<ShiftFile>>,
    use_: ShiftUse,
    owner: &str,
) -> WeekSchedule {
    let span = lines.span();
    let lines = lines.get_ref();
    let mut shift_lines = Vec::new();
    for line in lines {
        let start = line.start.get_ref().hours;
        let end = line.end.get_ref().hours;
        if start >= 24.0 {
            problems.add(
                line.start.span(),
                "`start` must be before 24:00",
                "write the start as a time of day, e.g. \"20:00\"",
            );
        }
        if end <= start {
            problems.add(
                line.end.span(),
                format!(
                    "shift `end` ({}) is not after `start` ({})",
                    line.end.get_ref(),
                    line.start.get_ref()
                ),
                "if the shift runs past midnight, write e.g. end = \"08:00 next day\"",
            );
        }
        let count = match (use_, &line.count) {
            (ShiftUse::Roster, Some(count)) => bounded_count(
                problems,
                count,
                "count",
                MAX_UNITS,
                "the number of staff or places during this shift, e.g. count = 3",
            ),
            (ShiftUse::Roster, None) => {
                problems.add(
                    line.start.span(),
                    "this roster line has no `count`",
                    "say how many are on duty, e.g. count = 3",
                );
                0
            }
            (ShiftUse::OpeningHours, Some(count)) => {
                problems.add(
                    count.span(),
                    "`count` has no meaning in opening hours",
                    "delete `count`; opening hours only say when the office is open",
                );
                1
            }
            (ShiftUse::OpeningHours, None) => 1,
        };
        if line.days.get_ref().is_empty() {
            problems.add(
                line.days.span(),
                "`days` is empty",
                "e.g. days = [\"weekdays\"], [\"every_day\"] or [\"mon\", \"wed\"]",
            );
        }
        for day_name in line.days.get_ref() {
            match day_set(day_name.get_ref()) {
                Some(days) => shift_lines.extend(days.into_iter().map(|day| ShiftLine {
                    day,
                    start,
                    end,
                    count,
                })),
                None => problems.add(
                    day_name.span(),
                    format!("`{}` is not a day", day_name.get_ref()),
                    "use day names (monday or mon), or weekdays, weekends, every_day",
                ),
            }
        }
    }
    let valid: Vec<ShiftLine> = shift_lines
        .into_iter()
        .filter(|l| l.end > l.start && l.start < 24.0)
        .collect();
    let max = match use_ {
        ShiftUse::Roster => MAX_UNITS,
        ShiftUse::OpeningHours => u32::MAX,
    };
    WeekSchedule::from_shifts(&valid, max).unwrap_or_else(|too_high| {
        let hour = too_high.hour_of_week;
        let day = WEEKDAY_NAMES[((hour / 24.0) as usize).min(6)];
        let minutes = (hour % 24.0 * 60.0).round() as u32;
        problems.add(
            span,
            format!(
                "the roster lines of `{owner}` add up to {} units on {day} at {:02}:{:02}, above the limit of {}",
                too_high.level,
                minutes / 60,
                minutes % 60,
                too_high.max
            ),
            "lines on the same hours add up; check the counts (at most 1,000,000 units of a resource at any time)",
        );
        WeekSchedule::constant(0)
    })
}

fn check_probabilities(
    problems: &mut Problems,
    span: Range<usize>,
    probabilities: &[f64],
    key: &str,
) {
    if probabilities.iter().any(|p| !(0.0..=1.0).contains(p)) {
        problems.add(
            span.clone(),
            format!("every value in `{key}` must be between 0 and 1, found {probabilities:?}"),
            "write probabilities as fractions, e.g. [0.7, 0.3]",
        );
    }
    let sum: f64 = probabilities.iter().sum();
    if (sum - 1.0).abs() > PROBABILITY_TOLERANCE {
        problems.add(
            span,
            format!("`{key}` must sum to 1, but sums to {sum}"),
            "adjust the values so they add up to exactly 1",
        );
    }
}

fn compile_attribute(
    problems: &mut Problems,
    name: &str,
    attribute: &Spanned<AttributeFile>,
) -> Attribute {
    let file = attribute.get_ref();
    let values: Vec<String> = file
        .values
        .get_ref()
        .iter()
        .map(|v| v.get_ref().clone())
        .collect();
    if values.is_empty() || values.len() > 255 {
        problems.add(
            file.values.span(),
            format!(
                "attribute `{name}` needs between 1 and 255 `values`, found {}",
                values.len()
            ),
            "e.g. values = [\"low\", \"high\"]",
        );
    }
    for (i, value) in file.values.get_ref().iter().enumerate() {
        if values[..i].contains(value.get_ref()) {
            problems.add(
                value.span(),
                format!(
                    "value `{}` of attribute `{name}` is listed twice",
                    value.get_ref()
                ),
                "each category once",
            );
        }
    }
    let probabilities = file.probabilities.get_ref().clone();
    if probabilities.len() != values.len() {
        problems.add(
            file.probabilities.span(),
            format!(
                "attribute `{name}` has {} `values` but {} `probabilities`",
                values.len(),
                probabilities.len()
            ),
            "give one probability per value, in the same order",
        );
    } else if !values.is_empty() {
        check_probabilities(
            problems,
            file.probabilities.span(),
            &probabilities,
            &format!("probabilities` of attribute `{name}"),
        );
    }
    Attribute {
        name: name.to_string(),
        values,
        probabilities,
    }
}

fn compile_resource(
    problems: &mut Problems,
    name: &str,
    resource: &Spanned<ResourceFile>,
) -> Resource {
    let file = resource.get_ref();
    let schedule = match (&file.count, &file.roster) {
        (Some(count), None) => WeekSchedule::constant(bounded_count(
            problems,
            count,
            "count",
            MAX_UNITS,
            "the number of staff or places, e.g. count = 10",
        )),
        (None, Some(roster)) => compile_shifts(problems, roster, ShiftUse::Roster, name),
        (Some(count), Some(_)) => {
            problems.add(count.span(), format!("resource `{name}` has both `count` and `roster`"), "keep `count` for a fixed number, or `roster` for numbers that change through the week");
            WeekSchedule::constant(0)
        }
        (None, None) => {
            problems.add(resource.span(), format!("resource `{name}` has neither `count` nor `roster`"), "add count = N for a fixed number, or roster = [{ days = [\"every_day\"], start = \"08:00\", end = \"20:00\", count = N }]");
            WeekSchedule::constant(0)
        }
    };
    Resource {
        name: name.to_string(),
        schedule,
        cost_per_hour: non_negative_cost(problems, file.cost_per_hour.as_ref(), "cost_per_hour"),
        cost_per_day_in_use: non_negative_cost(
            problems,
            file.cost_per_day_in_use.as_ref(),
            "cost_per_day_in_use",
        ),
        cost_per_day_available: non_negative_cost(
            problems,
            file.cost_per_day_available.as_ref(),
            "cost_per_day_available",
        ),
        priority_levels: 1,
        queue_order: super::requests::queue_order(problems, file.queue.as_ref()),
        shared: false,
        at_shift_end: super::staffing::shift_end(problems, file.at_shift_end.as_ref()),
        dated: None,
        surge: file
            .surge
            .as_ref()
            .map(|surge| super::surge::compile(problems, name, surge)),
    }
}

fn compile_profile(
    problems: &mut Problems,
    profile: Option<&Spanned<Vec<f64>>>,
    len: usize,
    key: &str,
) -> Vec<f64> {
    let Some(profile) = profile else {
        return vec![1.0 / len as f64; len];
    };
    let weights = profile.get_ref();
    let example = if len == 24 {
        "24 numbers, one per hour from 00:00"
    } else {
        "7 numbers, Monday first"
    };
    if weights.len() != len {
        problems.add(
            profile.span(),
            format!("`{key}` needs {len} weights, found {}", weights.len()),
            example,
        );
        return vec![1.0 / len as f64; len];
    }
    let total: f64 = weights.iter().sum();
    if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0)) || !(total.is_finite() && total > 0.0)
    {
        problems.add(
            profile.span(),
            format!("`{key}` weights must be zero or more with at least one above zero"),
            example,
        );
        return vec![1.0 / len as f64; len];
    }
    weights.iter().map(|w| w / total).collect()
}

fn compile_source(
    problems: &mut Problems,
    names: &Names,
    attributes: &[Attribute],
    name: &str,
    arrival: &Spanned<super::file::ArrivalFile>,
    (start_date, week_offset, run_hours): (Option<jiff::civil::Date>, f64, f64),
) -> Option<Source> {
    let file = arrival.get_ref();
    let pathway = names.pathway(problems, &file.pathway);
    let timing = super::arrival_timing::compile_timing(
        problems,
        name,
        arrival,
        start_date,
        week_offset,
        run_hours,
    );
    let (poisson, timing) = match timing {
        Some(super::arrival_timing::Timing::Poisson(per_day)) => (Some(per_day), None),
        Some(super::arrival_timing::Timing::Other(timing, rate)) => (None, Some((timing, rate))),
        None => (None, None),
    };
    let per_day = poisson.unwrap_or(0.0);
    if let (Some(spanned), Some(per_day)) = (&file.per_day, poisson)
        && !(per_day.is_finite() && per_day > 0.0 && per_day <= MAX_PER_DAY)
    {
        problems.add(
            spanned.span(),
            format!("`per_day` must be positive and at most {MAX_PER_DAY}, found {per_day}"),
            "the mean number of referrals per day from this source, e.g. per_day = 12.5",
        );
    }
    let hour_share = compile_profile(problems, file.hour_profile.as_ref(), 24, "hour_profile");
    let day_share = compile_profile(problems, file.day_profile.as_ref(), 7, "day_profile");
    let mut hourly_rate = [0.0; 168];
    for (hour_of_week, rate) in hourly_rate.iter_mut().enumerate() {
        // Day shares average 1/7; scale so a week holds 7 x per_day referrals.
        *rate = per_day * 7.0 * day_share[hour_of_week / 24] * hour_share[hour_of_week % 24];
    }
    let timing = match timing {
        Some((timing, rate)) => {
            hourly_rate = *rate;
            timing
        }
        None => crate::model::scenario::ArrivalTiming::Poisson,
    };
    let growth_per_year = file.growth_per_year.as_ref().map_or(0.0, |g| {
        let v = *g.get_ref();
        if !(v.is_finite() && v > -1.0) {
            problems.add(
                g.span(),
                format!("`growth_per_year` must be above -1, found {v}"),
                "a fraction per year, e.g. 0.03 for 3% growth",
            );
        }
        v
    });
    let mut attribute_probabilities: Vec<Vec<f64>> =
        attributes.iter().map(|a| a.probabilities.clone()).collect();
    for (attribute_name, probabilities) in &file.attributes {
        let Some(index) = attributes.iter().position(|a| &a.name == attribute_name) else {
            problems.add(probabilities.span(), format!("arrivals `{name}` sets probabilities for `{attribute_name}`, which is not an attribute"), &format!("attributes: {}", names.attributes.iter().map(|a| a.0.as_str()).collect::<Vec<_>>().join(", ")));
            continue;
        };
        let expected = attributes[index].values.len();
        if probabilities.get_ref().len() != expected {
            problems.add(
                probabilities.span(),
                format!(
                    "`{attribute_name}` has {expected} values, but {} probabilities are given",
                    probabilities.get_ref().len()
                ),
                "one probability per value, in the order of the attribute's `values`",
            );
            continue;
        }
        check_probabilities(
            problems,
            probabilities.span(),
            probabilities.get_ref(),
            attribute_name,
        );
        attribute_probabilities[index] = probabilities.get_ref().clone();
    }
    Some(Source {
        name: name.to_string(),
        pathway: pathway?,
        hourly_rate,
        demand_changes: Vec::new(),
        growth_per_year,
        attribute_probabilities,
        timing,
    })
}

/// Checks `[[demand_changes]]` and gives each source the changes that apply to it.
/// `sources` are paired with their position among `[arrivals]`.
fn attach_demand_changes(
    problems: &mut Problems,
    file: &ScenarioFile,
    sources: &mut [(usize, Source)],
    start_date: Option<jiff::civil::Date>,
    run_hours: f64,
) {
    let source_names: Vec<String> = file.arrivals.keys().cloned().collect();
    for change in &file.demand_changes {
        let c = change.get_ref();
        let (start, length) = match (&c.start, &c.length) {
            (Some(start_text), Some(length_text)) if c.from.is_none() && c.to.is_none() => {
                within_a_century(problems, start_text, "start");
                within_a_century(problems, length_text, "length");
                let start = start_text.get_ref().to_sim().hours();
                let length = length_text.get_ref().to_sim().hours();
                if start < 0.0 {
                    problems.add(
                        start_text.span(),
                        "`start` cannot be negative",
                        "time from the start of the run (including the warm-up), e.g. start = \"40 w\"",
                    );
                }
                if length <= 0.0 {
                    problems.add(
                        length_text.span(),
                        "`length` must be longer than zero",
                        "e.g. length = \"12 w\"",
                    );
                }
                (start, length)
            }
            _ => match super::compile_dates::change_window(problems, change, start_date, run_hours)
            {
                Some((start, end)) => (start, end - start),
                None => continue,
            },
        };
        let factor = *c.factor.get_ref();
        if !(factor.is_finite() && (0.0..=100.0).contains(&factor)) {
            problems.add(
                c.factor.span(),
                format!("`factor` must be between 0 and 100, found {factor}"),
                "a multiplier on referral volumes, e.g. 1.15 for 15% more",
            );
        }
        let mut affected = vec![c.sources.is_empty(); source_names.len()];
        for source in &c.sources {
            if let Some(index) = Names::resolve(problems, &source_names, source, "referral source")
            {
                affected[index] = true;
                if file
                    .arrivals
                    .values()
                    .nth(index)
                    .is_some_and(|a| a.get_ref().per_day.is_none())
                {
                    problems.add(source.span(), format!("referrals from `{}` are booked or recorded, so a demand change cannot scale them", source.get_ref()), "list only sources with `per_day`; booked and recorded arrivals come exactly when written");
                }
            }
        }
        for (index, source) in sources.iter_mut() {
            if affected[*index] {
                source.demand_changes.push(DemandChange {
                    start,
                    end: start + length,
                    factor,
                });
            }
        }
    }
    let arrival_files: Vec<_> = file.arrivals.values().collect();
    for (index, source) in sources.iter_mut() {
        let arrival = arrival_files[*index].get_ref();
        source
            .demand_changes
            .extend(super::compile_dates::month_changes(
                problems, arrival, start_date, run_hours,
            ));
    }
    for (_, source) in sources {
        source
            .demand_changes
            .sort_by(|a, b| a.start.total_cmp(&b.start));
    }
}

/// Each source's referral volume at its highest over the run, after growth and with every
/// demand change that can be in force together, must stay within [`MAX_PER_DAY`] (issue 9
/// item 7: `per_day` within its limit could otherwise grow without bound). Worked in
/// logarithms, so no product overflows while it is being checked. Linear after sorting.
fn check_peak_volumes(
    problems: &mut Problems,
    file: &ScenarioFile,
    sources: &[(usize, Source)],
    run_hours: f64,
) {
    if !run_hours.is_finite() {
        return; // reported with the horizon
    }
    let arrivals: Vec<&Spanned<super::file::ArrivalFile>> = file.arrivals.values().collect();
    for (index, source) in sources {
        if !matches!(
            source.timing,
            crate::model::scenario::ArrivalTiming::Poisson
        ) {
            continue; // booked or recorded: as many as written
        }
        let per_day = source.hourly_rate.iter().sum::<f64>() / 7.0;
        if !(per_day.is_finite() && per_day > 0.0) {
            continue; // reported with `per_day`
        }
        let growth = if source.growth_per_year > 0.0 {
            (run_hours / (365.0 * 24.0)) * source.growth_per_year.ln_1p()
        } else {
            0.0
        };
        // Sweep over the changes' starts and ends: the largest sum of log factors in force.
        let mut events: Vec<(f64, bool, f64)> = Vec::new();
        for change in &source.demand_changes {
            if change.factor > 0.0 && change.start < run_hours {
                let log = change.factor.ln();
                events.push((change.start, true, log));
                events.push((change.end, false, -log));
            }
        }
        // Ends before starts at the same instant: a change is in force on [start, end).
        events.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut now, mut most) = (0.0_f64, 0.0_f64);
        for (_, _, log) in events {
            now += log;
            most = most.max(now);
        }
        let log_peak = per_day.ln() + growth + most;
        if log_peak > MAX_PER_DAY.ln() + 1e-9 {
            let span = arrivals
                .get(*index)
                .and_then(|a| a.get_ref().per_day.as_ref())
                .map_or(0..0, Spanned::span);
            problems.add(
                span,
                format!(
                    "referrals from `{}` would reach {:.3e} a day ({per_day} a day, x{:.3e} from `growth_per_year` over the run, x{:.3e} from demand changes in force together), above the limit of {MAX_PER_DAY} a day",
                    source.name,
                    log_peak.exp(),
                    growth.exp(),
                    most.exp()
                ),
                "check `per_day`, `growth_per_year` and the `factor` of overlapping [[demand_changes]]",
            );
        }
    }
}

fn compile_initial(
    problems: &mut Problems,
    names: &Names,
    attributes: &[Attribute],
    steps: StepLookup<'_>,
    steps_table: &[Step],
    group: &Spanned<InitialFile>,
) -> Option<InitialGroup> {
    let file = group.get_ref();
    if let Some(path) = &file.file {
        problems.add(
            path.span(),
            "`file` cannot be combined with other keys in one `[[initial]]` entry",
            "give the census file alone (`[[initial]]` then file = \"census.csv\"), and type other groups as [[initial]] entries of their own",
        );
        return None;
    }
    let (Some(pathway_name), Some(step_name), Some(count_value)) =
        (&file.pathway, &file.step, &file.count)
    else {
        problems.add(
            group.span(),
            "an `[[initial]]` group needs `pathway`, `step` and `count` (or `file` alone, for a census CSV)",
            "e.g. [[initial]] then pathway = \"ward\", step = \"stay\", count = 10",
        );
        return None;
    };
    let pathway = names.pathway(problems, pathway_name)?;
    let step = steps
        .get(&(pathway.0 as usize, step_name.get_ref().clone()))
        .copied();
    if step.is_none() {
        let names: Vec<String> = steps
            .keys()
            .filter(|(p, _)| *p == pathway.0 as usize)
            .map(|(_, name)| name.clone())
            .collect();
        let what = format!("step in pathway `{}`", pathway_name.get_ref());
        Names::resolve(problems, &names, step_name, &what);
    }
    let count = bounded_count(
        problems,
        count_value,
        "count",
        MAX_CENSUS_PATIENTS,
        "how many patients are at this step now",
    );
    let elapsed = file.elapsed.as_ref().map_or(SimDuration::ZERO, |e| {
        if e.get_ref().amount < 0.0 {
            problems.add(
                e.span(),
                "`elapsed` cannot be negative",
                "the time these patients have already spent in the pathway, e.g. \"2 d\"",
            );
        }
        within_a_century(problems, e, "elapsed");
        e.get_ref().to_sim()
    });
    let at_step = file.at_step.as_ref().map_or(elapsed, |a| {
        let value = a.get_ref().to_sim();
        if a.get_ref().amount < 0.0 || value.hours() > elapsed.hours() {
            problems.add(
                a.span(),
                format!(
                    "`at_step` must be between zero and `elapsed` ({:.1} days), found \"{}\"",
                    elapsed.days(),
                    a.get_ref()
                ),
                "the time already spent at this step (waiting, or in the delay under way) is part of the time in the pathway; raise `elapsed` or lower `at_step`",
            );
        }
        value
    });
    let remaining = file
        .remaining
        .as_ref()
        .and_then(|d| compile_distribution(problems, d))
        .map(Box::new);
    let holding: Vec<ResourceId> = file
        .holding
        .iter()
        .filter_map(|r| names.resource(problems, r))
        .collect();
    let mut blocked = Vec::new();
    for resource in &file.blocked {
        if let Some(id) = names.resource(problems, resource) {
            if holding.contains(&id) {
                blocked.push(id);
            } else {
                problems.add(
                    resource.span(),
                    format!("`{}` is blocked but not in `holding`", resource.get_ref()),
                    "a unit can only be blocked while it is held: add it to `holding`",
                );
            }
        }
    }
    for (i, resource) in holding.iter().enumerate() {
        if holding[..i].contains(resource) {
            problems.add(
                file.holding[i].span(),
                format!(
                    "`{}` is listed twice in `holding`",
                    file.holding[i].get_ref()
                ),
                "a patient holds at most one unit of each resource",
            );
        }
    }
    let mut fixed: Vec<Option<u8>> = vec![None; attributes.len()];
    for (attribute_name, value) in &file.attributes {
        let Some(index) = attributes.iter().position(|a| &a.name == attribute_name) else {
            problems.add(
                value.span(),
                format!("`{attribute_name}` is not an attribute"),
                "name an attribute defined under [attributes]",
            );
            continue;
        };
        match attributes[index]
            .values
            .iter()
            .position(|v| v == value.get_ref())
        {
            Some(category) => fixed[index] = Some(category as u8),
            None => problems.add(
                value.span(),
                format!(
                    "`{}` is not a value of attribute `{attribute_name}`",
                    value.get_ref()
                ),
                &format!("values: {}", attributes[index].values.join(", ")),
            ),
        }
    }
    if let Some(id) = step {
        check_initial_step(
            problems,
            file,
            step_name.span(),
            &steps_table[id as usize],
            &holding,
        );
    }
    Some(InitialGroup {
        step: crate::model::scenario::StepId(step?),
        count,
        elapsed,
        at_step,
        remaining,
        holding,
        blocked,
        attributes: fixed,
    })
}

/// The census must fit under the bound on patients inside (`max_patients_inside`): refused
/// here, at the count that passes it, rather than allocated at run time.
fn check_census_size(problems: &mut Problems, file: &ScenarioFile, max_inside: u64) {
    let mut total: u64 = 0;
    for count in file
        .initial
        .iter()
        .filter_map(|g| g.get_ref().count.as_ref())
    {
        total = total.saturating_add(u64::try_from(*count.get_ref()).unwrap_or(0));
        if total > max_inside {
            problems.add(
                count.span(),
                format!(
                    "the census comes to {total} patients, more than the {max_inside} a run may hold at once"
                ),
                "census counts are patients present now; if the number is right, raise `max_patients_inside` in [run]",
            );
            return;
        }
    }
}

/// A census group's step must suit what the group says: `remaining` only at a timed step,
/// and no waiting for a resource the group already holds.
fn check_initial_step(
    problems: &mut Problems,
    file: &InitialFile,
    step_span: std::ops::Range<usize>,
    step: &Step,
    holding: &[ResourceId],
) {
    let timed = matches!(
        step.kind,
        StepKind::Delay { .. }
            | StepKind::Activity { .. }
            | StepKind::Handoff { .. }
            | StepKind::Visits { .. }
    );
    if let (Some(remaining), false) = (&file.remaining, timed) {
        problems.add(
            remaining.span(),
            format!(
                "`remaining` has no meaning at step `{}`, which takes no time of its own",
                step.name
            ),
            "use `remaining` only at a delay, activity, handoff or visits step; leave it out here",
        );
    }
    if let StepKind::Seize { wait, .. } | StepKind::Activity { wait, .. } = &step.kind
        && holding.contains(&wait.resource)
    {
        {
            problems.add(
                step_span,
                format!("these patients already hold the resource that step `{}` waits for", step.name),
                "name the step after they got it (e.g. the one after the `seize`), or drop it from `holding`",
            );
        }
    }
}

/// Records a problem if `value` is longer than [`MAX_RUN_DAYS`] (issue 9 item 7: every
/// duration converted to hours is finite and in range).
pub fn within_a_century(problems: &mut Problems, value: &Spanned<DurationText>, key: &str) {
    let days = value.get_ref().to_sim().days().abs();
    if !(days.is_finite() && days <= MAX_RUN_DAYS) {
        problems.add(
            value.span(),
            format!(
                "`{key}` must be at most {MAX_RUN_DAYS} days, found \"{}\"",
                value.get_ref()
            ),
            "check the number and its unit",
        );
    }
}

/// Checks and converts a distribution, recording a problem for bad parameters.
pub fn compile_distribution(
    problems: &mut Problems,
    spanned: &Spanned<DistributionFile>,
) -> Option<Distribution> {
    let span = spanned.span();
    let longest = MAX_RUN_DAYS * 24.0;
    if durations_in(spanned.get_ref()).any(|d| {
        let hours = d.to_sim().hours().abs();
        hours.is_nan() || hours > longest
    }) {
        problems.add(
            span,
            format!("a duration in this distribution is longer than {MAX_RUN_DAYS} days"),
            "check the number and its unit",
        );
        return None;
    }
    let mut bad = |message: String, help: &str| {
        problems.add(span.clone(), message, help);
        None
    };
    let rejected = |e: String| format!("the sampler rejects these parameters: {e}");
    match spanned.get_ref() {
        DistributionFile::Fixed(value) => {
            let h = value.to_sim().hours();
            if h < 0.0 {
                return bad(
                    format!("a `fixed` duration cannot be negative, found \"{value}\""),
                    "e.g. { fixed = \"30 min\" }",
                );
            }
            Some(Distribution::Fixed(h))
        }
        DistributionFile::Exponential { mean } => {
            let m = mean.to_sim().hours();
            if m <= 0.0 {
                return bad(
                    format!("`exponential` needs a positive `mean`, found \"{mean}\""),
                    "e.g. { exponential = { mean = \"1 h\" } }",
                );
            }
            Distribution::exponential(m).map_or_else(
                |e| {
                    bad(
                        rejected(e),
                        "check the numbers and their units, e.g. \"45 min\"",
                    )
                },
                Some,
            )
        }
        DistributionFile::Uniform { min, max } => {
            let (lo, hi) = (min.to_sim().hours(), max.to_sim().hours());
            if lo < 0.0 || hi < lo {
                return bad(
                    format!("`uniform` needs 0 <= min <= max, found min \"{min}\", max \"{max}\""),
                    "e.g. { uniform = { min = \"10 min\", max = \"20 min\" } }",
                );
            }
            if lo == hi {
                return Some(Distribution::Fixed(lo));
            }
            Distribution::uniform(lo, hi).map_or_else(
                |e| {
                    bad(
                        rejected(e),
                        "check the numbers and their units, e.g. \"45 min\"",
                    )
                },
                Some,
            )
        }
        DistributionFile::Triangular { min, mode, max } => {
            let (lo, mo, hi) = (
                min.to_sim().hours(),
                mode.to_sim().hours(),
                max.to_sim().hours(),
            );
            if lo < 0.0 || mo < lo || hi < mo || hi <= lo {
                return bad(
                    format!(
                        "`triangular` needs 0 <= min <= mode <= max and min < max, found \"{min}\", \"{mode}\", \"{max}\""
                    ),
                    "e.g. { triangular = { min = \"45 min\", mode = \"75 min\", max = \"120 min\" } }",
                );
            }
            Distribution::triangular(lo, mo, hi).map_or_else(
                |e| {
                    bad(
                        rejected(e),
                        "check the numbers and their units, e.g. \"45 min\"",
                    )
                },
                Some,
            )
        }
        DistributionFile::LogNormal { mean, sd } | DistributionFile::Gamma { mean, sd } => {
            let (m, s) = (mean.to_sim().hours(), sd.to_sim().hours());
            let kind = if matches!(spanned.get_ref(), DistributionFile::LogNormal { .. }) {
                "log_normal"
            } else {
                "gamma"
            };
            if m <= 0.0 || s <= 0.0 {
                return bad(
                    format!(
                        "`{kind}` needs a positive `mean` and `sd`, found mean \"{mean}\", sd \"{sd}\""
                    ),
                    "e.g. { log_normal = { mean = \"4 d\", sd = \"2.5 d\" } }; for no spread use { fixed = ... }",
                );
            }
            let built = if kind == "log_normal" {
                Distribution::log_normal(m, s)
            } else {
                Distribution::gamma(m, s)
            };
            built.map_or_else(
                |e| {
                    bad(
                        format!("`{kind}` parameters rejected: {e}"),
                        "check the mean and sd and their units; sd much larger than the mean is rarely right",
                    )
                },
                Some,
            )
        }
        DistributionFile::Empirical { values, weights } => {
            let hours: Vec<f64> = values.iter().map(|v| v.to_sim().hours()).collect();
            let weights = weights.clone().unwrap_or_else(|| vec![1.0; hours.len()]);
            if hours.is_empty() || hours.iter().any(|h| *h < 0.0) {
                return bad(
                    "`empirical` needs at least one value, none negative".to_string(),
                    "e.g. { empirical = { values = [\"1 d\", \"2 d\"], weights = [3, 1] } }",
                );
            }
            if weights.len() != hours.len() {
                return bad(
                    format!(
                        "`empirical` has {} values but {} weights",
                        hours.len(),
                        weights.len()
                    ),
                    "one weight per value, or leave `weights` out for equal weights",
                );
            }
            let total: f64 = weights.iter().sum();
            if weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
                || !(total.is_finite() && total > 0.0)
            {
                return bad(
                    format!(
                        "`empirical` weights must be finite, zero or more, with a positive, finite sum; found a sum of {total}"
                    ),
                    "e.g. weights = [3, 1]; only their ratios matter",
                );
            }
            match WeightedIndex::new(&weights) {
                Ok(index) => Some(Distribution::Empirical {
                    values: hours,
                    index,
                }),
                Err(_) => bad(
                    "`empirical` weights must be zero or more with at least one above zero"
                        .to_string(),
                    "e.g. weights = [3, 1]",
                ),
            }
        }
    }
}

/// Every duration written in a distribution.
fn durations_in(distribution: &DistributionFile) -> Box<dyn Iterator<Item = &DurationText> + '_> {
    match distribution {
        DistributionFile::Fixed(value) => Box::new(std::iter::once(value)),
        DistributionFile::Exponential { mean } => Box::new(std::iter::once(mean)),
        DistributionFile::Uniform { min, max } => Box::new([min, max].into_iter()),
        DistributionFile::Triangular { min, mode, max } => Box::new([min, mode, max].into_iter()),
        DistributionFile::LogNormal { mean, sd } | DistributionFile::Gamma { mean, sd } => {
            Box::new([mean, sd].into_iter())
        }
        DistributionFile::Empirical { values, .. } => Box::new(values.iter()),
    }
}

/// The outcome id for `name`, adding it on first use.
pub fn outcome_id(outcomes: &mut Vec<Outcome>, name: &str) -> OutcomeId {
    let index = outcomes
        .iter()
        .position(|o| o.name == name)
        .unwrap_or_else(|| {
            outcomes.push(Outcome {
                name: name.to_string(),
                cost: 0.0,
            });
            outcomes.len() - 1
        });
    OutcomeId(index as u16)
}
