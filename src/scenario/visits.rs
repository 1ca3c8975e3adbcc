//! The `visits` step as written (a home-visit episode, or package of care) and its checks:
//!
//! ```toml
//! visits = { length_of_stay = { log_normal = { mean = "14 d", sd = "12 d" } },
//!            truncate_at = "50 d", initial_per_day = 4, final_per_day = 1,
//!            visit = "45 min", travel = "15 min", double_handed = 0.1,
//!            slots_per_day = 300 }                  # or: resource = "reablement_carer"
//! ```
//!
//! Exactly one of `slots_per_day` (a daily capacity of visit slots, IPACS's model) and
//! `resource` (visits within the resource's rostered hours; `{ any_of = [...] }` for
//! alternatives) says what limits the visits. See `model::visit_plan` for the rules.

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::compile::{Names, Problems, compile_distribution, within_a_century};
use super::file::DistributionFile;
use super::requests::ResourceChoiceFile;
use super::units::{ClockTime, DurationText};
use crate::model::distribution::Distribution;
use crate::model::visit_plan::{
    DEFAULT_LATE_AFTER_HOURS, MAX_VISITS_PER_DAY, VisitCapacity, VisitEpisode,
};

/// Most visit slots a day one `visits` step may state.
pub const MAX_SLOTS_PER_DAY: i64 = 1_000_000;

/// `visits = { ... }`: a home-visit episode.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct VisitsFile {
    /// How long the patient has visits (rounded to whole days).
    pub length_of_stay: Spanned<DistributionFile>,
    /// Stays this long or longer are redrawn, as IPACS does (mean + 3 sd there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub truncate_at: Option<Spanned<DurationText>>,
    /// Visits on the first day [visits/day].
    pub initial_per_day: Spanned<i64>,
    /// Visits on the last day [visits/day]; the rate moves linearly in between.
    pub final_per_day: Spanned<i64>,
    /// Time at the patient's home per visit.
    pub visit: Spanned<DurationText>,
    /// Travel to each visit (default none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel: Option<Spanned<DurationText>>,
    /// Share of patients whose visits need two carers (default 0; 1 for all).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub double_handed: Option<Spanned<f64>>,
    /// A daily capacity of visit slots, each one carer's visit (IPACS's model).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slots_per_day: Option<Spanned<i64>>,
    /// The carers whose rostered hours deliver the visits, or `{ any_of = [...] }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<Spanned<ResourceChoiceFile>>,
    /// When a patient starts: `"when_plan_fits"` (the first day its whole plan fits; the
    /// default with `slots_per_day`) or `"at_once"` (visits that do not fit are missed; the
    /// default with `resource`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<Spanned<String>>,
    /// A resource the patient holds, given back when its visits start (e.g. the acute bed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_at_start: Option<Spanned<String>>,
    /// With `resource`: when a day's visits are due, e.g. `["08:00", "12:30", "17:00",
    /// "20:00"]`; a day of `n` visits takes the first `n` (default: evenly over the rostered
    /// hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub times: Option<Spanned<Vec<Spanned<ClockTime>>>>,
    /// With `resource`: carers arriving more than this after a visit's due time make it late
    /// (default 30 min).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_after: Option<Spanned<DurationText>>,
}

/// Checks and compiles one `visits` step at `pathway.step` (for its metric names). Problems go
/// to `problems`; `None` if any.
pub fn compile_visits(
    problems: &mut Problems,
    names: &Names,
    whole: &Spanned<VisitsFile>,
    pathway: &str,
    step: &str,
) -> Option<VisitEpisode> {
    let before = problems.0.len();
    let v = whole.get_ref();
    let length_of_stay = compile_distribution(problems, &v.length_of_stay);
    let truncate_at_days = v.truncate_at.as_ref().and_then(|t| {
        within_a_century(problems, t, "truncate_at");
        let days = t.get_ref().to_sim().days();
        if days.is_finite() && days >= 2.0 && days.fract() == 0.0 {
            Some(days as u32)
        } else {
            problems.add(
                t.span(),
                format!(
                    "`truncate_at` must be a whole number of days, at least 2, found \"{}\"",
                    t.get_ref()
                ),
                "e.g. truncate_at = \"50 d\" (IPACS redraws stays of mean + 3 sd days or more)",
            );
            None
        }
    });
    if let (Some(limit), Some(t), Some(los)) = (truncate_at_days, &v.truncate_at, &length_of_stay)
        && let Some(least) = shortest_stay_days(los)
        && least >= limit
    {
        problems.add(
            t.span(),
            format!(
                "`truncate_at` is {limit} d, but `length_of_stay` is never shorter than {least} d (rounded): every stay would be redrawn and cut to {} d",
                limit - 1
            ),
            "set truncate_at above the longest stay to keep (IPACS uses mean + 3 sd), or leave it out",
        );
    }
    let mut rate = |value: &Spanned<i64>, key: &str| -> u32 {
        let n = *value.get_ref();
        if !(0..=i64::from(MAX_VISITS_PER_DAY)).contains(&n) {
            problems.add(
                value.span(),
                format!("`{key}` must be a whole number of visits from 0 to {MAX_VISITS_PER_DAY}, found {n}"),
                "e.g. initial_per_day = 4, final_per_day = 1 (four visits a day at first, tapering to one)",
            );
            return 0;
        }
        n as u32
    };
    let initial_per_day = rate(&v.initial_per_day, "initial_per_day");
    let final_per_day = rate(&v.final_per_day, "final_per_day");
    let hours = |problems: &mut Problems, d: &Spanned<DurationText>, key: &str, least: f64| {
        within_a_century(problems, d, key);
        let h = d.get_ref().to_sim().hours();
        if !(h >= least && h <= 24.0) {
            problems.add(
                d.span(),
                format!(
                    "`{key}` must be {} 24 h, found \"{}\"",
                    if least > 0.0 {
                        "more than 0 and at most"
                    } else {
                        "from 0 to"
                    },
                    d.get_ref()
                ),
                "e.g. visit = \"45 min\", travel = \"15 min\"",
            );
        }
        h
    };
    let visit_hours = hours(problems, &v.visit, "visit", f64::MIN_POSITIVE);
    let travel_hours = v
        .travel
        .as_ref()
        .map_or(0.0, |t| hours(problems, t, "travel", 0.0));
    let double_handed = v.double_handed.as_ref().map_or(0.0, |p| {
        let share = *p.get_ref();
        if !(0.0..=1.0).contains(&share) {
            problems.add(
                p.span(),
                format!("`double_handed` must be a share between 0 and 1, found {share}"),
                "e.g. double_handed = 0.15: 15% of patients need two carers at each visit (1 for all)",
            );
        }
        share
    });
    let capacity = match (&v.slots_per_day, &v.resource) {
        (Some(slots), None) => {
            let n = *slots.get_ref();
            if !(1..=MAX_SLOTS_PER_DAY).contains(&n) {
                problems.add(
                    slots.span(),
                    format!("`slots_per_day` must be a whole number from 1 to {MAX_SLOTS_PER_DAY}, found {n}"),
                    "e.g. slots_per_day = 120: visits (one carer each) that can be made each day",
                );
            }
            Some(VisitCapacity::Slots {
                per_day: n.clamp(1, MAX_SLOTS_PER_DAY) as u32,
            })
        }
        (None, Some(resource)) => {
            let list: Vec<Spanned<String>> = match resource.get_ref() {
                ResourceChoiceFile::Named(name) => {
                    vec![Spanned::new(resource.span(), name.clone())]
                }
                ResourceChoiceFile::AnyOf(list) => {
                    // The same rule as an activity's `any_of`.
                    if !super::requests::any_of_length(problems, resource.span(), list.len()) {
                        return None;
                    }
                    list.clone()
                }
            };
            let mut resources = Vec::new();
            for name in &list {
                let id = names.resource(problems, name)?;
                if resources.contains(&id) {
                    problems.add(
                        name.span(),
                        format!("`{}` is listed twice", name.get_ref()),
                        "name each alternative once, in order of preference",
                    );
                }
                resources.push(id);
            }
            Some(VisitCapacity::Roster { resources })
        }
        (Some(slots), Some(_)) => {
            problems.add(
                slots.span(),
                "a `visits` step has both `slots_per_day` and `resource`",
                "keep `slots_per_day` for a daily capacity of visit slots (IPACS), or `resource` for visits within the carers' roster, not both",
            );
            None
        }
        (None, None) => {
            problems.add(
                whole.span(),
                format!("visits `{pathway}.{step}` say nothing of capacity"),
                "add slots_per_day = 120 (visit slots a day, as IPACS) or resource = \"carer\" (visits within the carers' roster)",
            );
            None
        }
    };
    let wait_for_fit = match v.start.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        None => v.resource.is_none(),
        Some(("when_plan_fits", _)) => true,
        Some(("at_once", _)) => false,
        Some((other, span)) => {
            problems.add(
                span,
                format!("`start` must be \"when_plan_fits\" or \"at_once\", found \"{other}\""),
                "\"when_plan_fits\" waits for the first day the whole visit plan fits (IPACS); \"at_once\" starts now and counts visits that do not fit as missed",
            );
            false
        }
    };
    let release_at_start = match &v.release_at_start {
        Some(name) => Some(names.resource(problems, name)?),
        None => None,
    };
    let (times, late_after_hours) =
        compile_clock_keys(problems, v, initial_per_day.max(final_per_day));
    if problems.0.len() > before {
        return None;
    }
    Some(VisitEpisode {
        metric_prefix: format!("visits.{pathway}.{step}"),
        length_of_stay: length_of_stay?,
        truncate_at_days,
        initial_per_day,
        final_per_day,
        visit_hours,
        travel_hours,
        double_handed,
        capacity: capacity?,
        wait_for_fit,
        release_at_start,
        times,
        late_after_hours,
    })
}

/// The shortest stay `los` can give, in whole days as a stay is rounded (half to even);
/// `None` for a distribution reaching down to 0.
fn shortest_stay_days(los: &Distribution) -> Option<u32> {
    let least = match los {
        Distribution::Fixed(h) => *h,
        Distribution::Uniform { min, .. } | Distribution::Triangular { min, .. } => *min,
        Distribution::Empirical { values, .. } => {
            values.iter().copied().fold(f64::INFINITY, f64::min)
        }
        _ => return None,
    };
    let days = (least / 24.0).round_ties_even();
    (days.is_finite() && days >= 1.0).then(|| days.min(f64::from(u32::MAX / 2)) as u32)
}

/// Refuses a `surge` rule on a resource whose rostered hours a `visits` step delivers: surge
/// opens on patients queueing for units, and visits never queue (they are planned against
/// the roster), so the rule would never open and its units would make no visits.
pub fn check_surge(
    problems: &mut Problems,
    file: &super::file::ScenarioFile,
    episodes: &[VisitEpisode],
) {
    for (index, (name, written)) in file.resources.iter().enumerate() {
        let Some(surge) = &written.get_ref().surge else {
            continue;
        };
        let visited = episodes.iter().any(|e| match &e.capacity {
            VisitCapacity::Roster { resources } => resources.iter().any(|r| r.0 as usize == index),
            VisitCapacity::Slots { .. } => false,
        });
        if visited {
            problems.add(
                surge.span(),
                format!(
                    "`surge` on `{name}` would never open: its units make home visits (`visits` step), which are planned against its roster and never queue for a unit"
                ),
                "leave `surge` out and add carers to the roster instead (a dated period with more `count`, e.g. for the winter months)",
            );
        }
    }
}

/// Checks `times` and `late_after`, which only a roster (`resource`) uses: the due times
/// [hours after midnight] (at least `most_visits` of them, increasing, within the day) and
/// the tolerance before a visit is late [hours].
fn compile_clock_keys(
    problems: &mut Problems,
    v: &VisitsFile,
    most_visits: u32,
) -> (Vec<f64>, f64) {
    let roster_only = |problems: &mut Problems, span: std::ops::Range<usize>, key: &str| {
        problems.add(
            span,
            format!("`{key}` applies to visits within the carers' roster, and this step has `slots_per_day`"),
            &format!("leave `{key}` out, or replace slots_per_day with resource = \"carer\" (visits at clock times inside the carers' shifts)"),
        );
    };
    let mut times = Vec::new();
    if let Some(list) = &v.times {
        if v.resource.is_none() {
            roster_only(problems, list.span(), "times");
        } else if list.get_ref().len() < most_visits as usize {
            problems.add(
                list.span(),
                format!(
                    "`times` lists {} due times, but the plan has up to {most_visits} visits a day",
                    list.get_ref().len()
                ),
                &format!("list at least {most_visits} times, e.g. times = [\"08:00\", \"12:30\", \"17:00\", \"20:00\"]: a day of n visits takes the first n"),
            );
        } else {
            for time in list.get_ref() {
                let h = time.get_ref().hours;
                if h >= 24.0 {
                    problems.add(
                        time.span(),
                        format!("`times` are clock times within one day, found \"{}\"", time.get_ref()),
                        "write a time from 00:00 to 23:59; a visit due at midnight is due at \"00:00\"",
                    );
                } else if times.last().is_some_and(|&last| h <= last) {
                    problems.add(
                        time.span(),
                        format!("`times` must be in increasing order within the day, found \"{}\"", time.get_ref()),
                        "e.g. times = [\"08:00\", \"12:30\", \"17:00\", \"20:00\"] (from 00:00 to 23:59, each later than the one before)",
                    );
                }
                times.push(h);
            }
        }
    }
    let late_after = match &v.late_after {
        Some(d) if v.resource.is_none() => {
            roster_only(problems, d.span(), "late_after");
            DEFAULT_LATE_AFTER_HOURS
        }
        Some(d) => {
            let h = d.get_ref().to_sim().hours();
            if !(0.0..=24.0).contains(&h) {
                problems.add(
                    d.span(),
                    format!("`late_after` must be from 0 to 24 h, found \"{}\"", d.get_ref()),
                    "e.g. late_after = \"30 min\": carers arriving more than 30 minutes after a visit's due time make it late",
                );
            }
            h
        }
        None => DEFAULT_LATE_AFTER_HOURS,
    };
    (times, late_after)
}

/// Refuses a resource whose rostered hours a `visits` step delivers (`resource`, or any of its
/// `any_of`) when a `seize` or `activity` step also asks for it (`resource`, `any_of` or
/// `resources`) or a handoff's `by` names it: those units are granted in the event loop,
/// while visits are given to carers after the run, so neither would see the other's use and
/// the carers' hours would be counted twice. Reported at the visits step's resource.
pub fn check_not_seized(problems: &mut Problems, file: &super::file::ScenarioFile) {
    // Where each resource is seized, asked for or staffs an office: `pathway.step`.
    let mut used_by: Vec<(&str, String)> = Vec::new();
    for (pathway, written) in &file.pathways {
        for step in written.get_ref().steps.get_ref() {
            let step = step.get_ref();
            let at = || format!("{pathway}.{}", step.name.get_ref());
            for wait in [&step.seize, &step.activity].into_iter().flatten() {
                let wait = wait.get_ref();
                match wait.resource.as_ref().map(Spanned::get_ref) {
                    Some(ResourceChoiceFile::Named(name)) => used_by.push((name, at())),
                    Some(ResourceChoiceFile::AnyOf(list)) => {
                        used_by.extend(list.iter().map(|n| (n.get_ref().as_str(), at())));
                    }
                    None => {}
                }
                if let Some(list) = &wait.resources {
                    used_by.extend(list.get_ref().iter().map(|n| (n.get_ref().as_str(), at())));
                }
            }
            if let Some(by) = step.handoff.as_ref().and_then(|h| h.get_ref().by.as_ref()) {
                used_by.push((by.get_ref(), at()));
            }
        }
    }
    if used_by.is_empty() {
        return;
    }
    for (pathway, written) in &file.pathways {
        for step in written.get_ref().steps.get_ref() {
            let step = step.get_ref();
            let Some(resource) = step
                .visits
                .as_ref()
                .and_then(|v| v.get_ref().resource.as_ref())
            else {
                continue;
            };
            let names: Vec<(&str, std::ops::Range<usize>)> = match resource.get_ref() {
                ResourceChoiceFile::Named(name) => vec![(name.as_str(), resource.span())],
                ResourceChoiceFile::AnyOf(list) => list
                    .iter()
                    .map(|n| (n.get_ref().as_str(), n.span()))
                    .collect(),
            };
            for (name, span) in names {
                let Some((_, other)) = used_by.iter().find(|(used, _)| *used == name) else {
                    continue;
                };
                problems.add(
                    span,
                    format!(
                        "`{name}` makes the home visits of `{pathway}.{}` and is also taken by `{other}` (a seize, activity or handoff `by`): its units are granted during the run and visits are given to carers after it, so neither would see the other's use and its hours would be counted twice",
                        step.name.get_ref()
                    ),
                    &format!(
                        "give the visits their own carers: a resource such as `{name}_visits` with the visiting staff's roster, used only by `visits` steps"
                    ),
                );
            }
        }
    }
}

/// Refuses `start = "when_plan_fits"` on a `visits` step whose carers (`resource`, or any of
/// its `any_of` list) another `visits` step also uses. A step that waits for its plan to fit
/// books the plan against the roster's carer-hours in its own book; two steps sharing carers
/// would each count the whole roster as theirs, and starts would be too many (their visits
/// are given to carers together after the run, so the excess would show only as late and
/// missed visits). Reported at the step's `start`.
pub fn check_fit_not_shared(problems: &mut Problems, file: &super::file::ScenarioFile) {
    // Every rostered visits step: (pathway.step, its carers, its `start` if it waits to fit).
    type Rostered<'a> = (String, Vec<&'a str>, Option<std::ops::Range<usize>>);
    let mut steps: Vec<Rostered> = Vec::new();
    for (pathway, written) in &file.pathways {
        for step in written.get_ref().steps.get_ref() {
            let step = step.get_ref();
            let Some(visits) = step.visits.as_ref().map(Spanned::get_ref) else {
                continue;
            };
            let Some(resource) = visits.resource.as_ref() else {
                continue;
            };
            let carers: Vec<&str> = match resource.get_ref() {
                ResourceChoiceFile::Named(name) => vec![name.as_str()],
                ResourceChoiceFile::AnyOf(list) => {
                    list.iter().map(|n| n.get_ref().as_str()).collect()
                }
            };
            let waits = visits
                .start
                .as_ref()
                .filter(|s| s.get_ref() == "when_plan_fits")
                .map(Spanned::span);
            steps.push((format!("{pathway}.{}", step.name.get_ref()), carers, waits));
        }
    }
    for (i, (name, carers, waits)) in steps.iter().enumerate() {
        let Some(span) = waits else { continue };
        let shared = steps
            .iter()
            .enumerate()
            .find_map(|(j, (other, theirs, _))| {
                let common = carers.iter().find(|c| theirs.contains(c))?;
                (j != i).then_some((other, common))
            });
        if let Some((other, carer)) = shared {
            problems.add(
                span.clone(),
                format!(
                    "visits `{name}` start when their plan fits the roster of `{carer}`, which visits `{other}` also use: each step would count the whole roster's hours as its own, and start too many patients"
                ),
                "write start = \"at_once\" on steps that share carers (visits no carer can fit are then counted late or missed), or give each step a carers resource of its own",
            );
        }
    }
}
