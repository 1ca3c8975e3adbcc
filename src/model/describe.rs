//! The compiled model in plain words: schedules ("Mon–Fri 09:00–17:00"), distributions
//! ("lognormal, mean 3 d, sd 1 d"), shares, and the readable title of every named item.
//!
//! [`facts`] lists every setting a design can change (office hours, rosters and capacities,
//! costs, referral volumes and patterns, demand changes, branch probabilities, handoff rules,
//! service times and delays, deadlines, the census at the start) as one [`Fact`] each, keyed
//! so that two designs' lists can be matched (see `experiment::design_diff`). Everything is
//! read from the compiled [`Scenario`], not from the file's text, so a value inherited through
//! `extends`, set with `--set` or written in another unit reads the same.
//!
//! Owns wording only; knows nothing of reports or the console.

use super::distribution::Distribution;
use super::scenario::{
    DeadlineFrom, OpenWhen, PathwayId, ResourceId, Scenario, StepId, StepKind, Wait,
};
use super::week_schedule::WeekSchedule;

/// An identifier in readable words, for where the scenario gives no label (the one rule of
/// [`super::labels::readable`]): `reablement_slot` reads "Reablement slot", `d2a_p1` "D2A P1".
pub fn readable(identifier: &str) -> String {
    super::labels::readable(identifier)
}

/// Readable design titles for several designs at once: the words every `[run] name` shares
/// at its start are left out (`east_london_baseline`, `east_london_winter` read "Baseline",
/// "Winter"); a single design, or names that would be left empty, keep every word.
pub fn design_titles(names: &[&str]) -> Vec<String> {
    let words: Vec<Vec<&str>> = names.iter().map(|n| n.split('_').collect()).collect();
    let mut shared = 0;
    if names.len() > 1 {
        let shortest = words.iter().map(Vec::len).min().unwrap_or(0);
        while shared + 1 < shortest && words.iter().all(|w| w[shared] == words[0][shared]) {
            shared += 1;
        }
    }
    words
        .iter()
        .map(|w| readable(&w[shared..].join("_")))
        .collect()
}

/// Title of a resource.
pub fn resource_title(scenario: &Scenario, resource: ResourceId) -> String {
    scenario.resource_title(resource)
}

/// Title of a pathway.
pub fn pathway_title(scenario: &Scenario, pathway: PathwayId) -> String {
    scenario.pathway_title(pathway)
}

/// Title of a step within its pathway, from their labels: "Discharge pathway 1: referral to
/// social care".
pub fn step_title(scenario: &Scenario, step: StepId) -> String {
    scenario.step_in_pathway(step)
}

/// A step's own title (its label, else its name in words), for routes within its pathway.
fn step_words(scenario: &Scenario, step: StepId) -> String {
    super::labels::lower_first(&scenario.step_title(step))
}

/// A number with at most three significant figures and no trailing zeros (whole numbers
/// keep every digit, grouped in thousands from 10,000): `6.6`, `0.08`, `122`, `27,668`.
pub fn number(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    if value == 0.0 {
        return "0".to_string();
    }
    let magnitude = value.abs();
    let decimals = (2 - magnitude.log10().floor() as i32).clamp(0, 6) as usize;
    let text = format!("{value:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    };
    if magnitude >= 10_000.0 && !text.contains('.') {
        let digits = text.trim_start_matches('-');
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        if value < 0.0 {
            grouped.insert(0, '-');
        }
        grouped
    } else {
        text
    }
}

/// A probability as a percentage: `0.45` reads "45%", `0.085` "8.5%".
pub fn share(probability: f64) -> String {
    format!("{}%", number(probability * 100.0))
}

/// Money: `£395`, `£1,250,000`; zero reads "none".
pub fn money(pounds: f64) -> String {
    if pounds == 0.0 {
        "none".to_string()
    } else {
        format!("£{}", number(pounds))
    }
}

/// The unit a set of durations [hours] reads best in: minutes when the largest is below
/// three hours ("55–140 min"), days when all are whole days ("mean 2 d, sd 1 d") or the
/// largest is three days or more, hours otherwise.
fn time_unit(values: &[f64]) -> (&'static str, f64) {
    let largest = values.iter().fold(0.0f64, |a, b| a.max(b.abs()));
    // Within rounding: a log-normal's mean comes back from its parameters as 48.000000001 h.
    let whole_days = values
        .iter()
        .all(|v| (v / 24.0 - (v / 24.0).round()).abs() < 1e-9);
    if largest < 3.0 {
        ("min", 60.0)
    } else if largest >= 72.0 || whole_days {
        ("d", 1.0 / 24.0)
    } else {
        ("h", 1.0)
    }
}

/// A single duration in words: minutes below an hour (`45 min`), whole days in days
/// (`1 d`, `364 d`), hours below three days (`2 h`, `36 h`), days from there (`3.5 d`).
pub fn duration(hours: f64) -> String {
    let magnitude = hours.abs();
    if magnitude < 1.0 {
        format!("{} min", number(hours * 60.0))
    } else if (magnitude / 24.0).fract() == 0.0 || magnitude >= 72.0 {
        format!("{} d", number(hours / 24.0))
    } else {
        format!("{} h", number(hours))
    }
}

/// A distribution of durations in words, every value in one unit: "always 1 d",
/// "uniform 2–6 h", "triangular 55–140 min, most often 90 min", "lognormal, mean 3 d, sd 1 d".
/// A duration that is always zero reads "none" (e.g. a duplicate assessment taken away).
pub fn distribution(d: &Distribution) -> String {
    let amount = |hours: f64, scale: f64| number(hours * scale);
    match d {
        Distribution::Fixed(value) if *value == 0.0 => "none".to_string(),
        Distribution::Fixed(value) => format!("always {}", duration(*value)),
        Distribution::Exponential { mean, .. } => format!("exponential, mean {}", duration(*mean)),
        Distribution::Uniform { min, max, .. } => {
            let (unit, scale) = time_unit(&[*min, *max]);
            format!(
                "uniform {}–{} {unit}",
                amount(*min, scale),
                amount(*max, scale)
            )
        }
        Distribution::Triangular { min, mode, max, .. } => {
            let (unit, scale) = time_unit(&[*min, *mode, *max]);
            format!(
                "triangular {}–{} {unit}, most often {} {unit}",
                amount(*min, scale),
                amount(*max, scale),
                amount(*mode, scale)
            )
        }
        Distribution::LogNormal { sigma, .. } => {
            // sd = mean * sqrt(exp(sigma^2) - 1) (moments of the log-normal).
            let mean = d.mean();
            spread("lognormal", mean, mean * (sigma * sigma).exp_m1().sqrt())
        }
        Distribution::Gamma { shape, scale, .. } => {
            // mean = shape * scale, sd = sqrt(shape) * scale.
            spread("gamma", shape * scale, shape.sqrt() * scale)
        }
        Distribution::Empirical { values, .. } => {
            let (unit, scale) = time_unit(values);
            let listed: Vec<String> = values.iter().map(|v| amount(*v, scale)).collect();
            format!(
                "observed values {} {unit}, mean {}",
                listed.join(", "),
                duration(d.mean())
            )
        }
    }
}

/// "lognormal, mean 3 d, sd 1 d": a distribution stated by its mean and standard deviation
/// [hours], both in one unit.
fn spread(name: &str, mean: f64, sd: f64) -> String {
    let (unit, scale) = time_unit(&[mean, sd]);
    format!(
        "{name}, mean {} {unit}, sd {} {unit}",
        number(mean * scale),
        number(sd * scale)
    )
}

/// Short day names, Monday first.
const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// A time of day [hours after midnight] as `HH:MM` (24:00 for the end of a day).
fn clock(hours: f64) -> String {
    let minutes = (hours * 60.0).round() as i64;
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Days as a reader says them: "every day", "Mon–Fri", "Sat–Sun", "Mon, Wed–Fri".
fn day_words(days: &[usize]) -> String {
    if days.len() == 7 {
        return "every day".to_string();
    }
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for &d in days {
        match runs.last_mut() {
            Some((_, last)) if *last + 1 == d => *last = d,
            _ => runs.push((d, d)),
        }
    }
    runs.iter()
        .map(|&(first, last)| match last - first {
            0 => DAYS[first].to_string(),
            _ => format!("{}–{}", DAYS[first], DAYS[last]),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Stretches of one day with a constant level above zero: (start, end [hours after
/// midnight], level).
type DayPattern = Vec<(f64, f64, u32)>;

/// The level of `schedule` through each day as (start, end, level) stretches [hours after
/// that day's midnight], level above zero only, adjacent equal levels joined.
fn day_pattern(schedule: &WeekSchedule, day: usize) -> DayPattern {
    let segments = schedule.segments();
    let (day_start, day_end) = (day as f64 * 24.0, day as f64 * 24.0 + 24.0);
    let mut stretches: DayPattern = Vec::new();
    for (i, segment) in segments.iter().enumerate() {
        let end = segments.get(i + 1).map_or(168.0, |s| s.start);
        let (from, to) = (segment.start.max(day_start), end.min(day_end));
        if to <= from || segment.level == 0 {
            continue;
        }
        let (from, to) = (from - day_start, to - day_start);
        match stretches.last_mut() {
            Some(last) if last.1 == from && last.2 == segment.level => last.1 = to,
            _ => stretches.push((from, to, segment.level)),
        }
    }
    stretches
}

/// A weekly schedule in words, days with the same pattern together:
/// "Mon–Fri 09:00–17:00" (opening hours, `counts` false), or
/// "Mon–Fri 08:00–16:00 × 2, 16:00–20:00 × 1; Sat–Sun 08:00–20:00 × 1" (a roster).
/// A level that never changes reads "always open" / "never open", or the number of units.
pub fn schedule(schedule: &WeekSchedule, counts: bool) -> String {
    if schedule.is_constant() {
        let level = schedule.level_at(0.0);
        return match (counts, level) {
            (true, n) => number(f64::from(n)),
            (false, 0) => "never open".to_string(),
            (false, _) => "always open".to_string(),
        };
    }
    let patterns: Vec<DayPattern> = (0..7).map(|d| day_pattern(schedule, d)).collect();
    let mut groups: Vec<(Vec<usize>, &DayPattern)> = Vec::new();
    for (day, pattern) in patterns.iter().enumerate() {
        if pattern.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(_, p)| *p == pattern) {
            Some((days, _)) => days.push(day),
            None => groups.push((vec![day], pattern)),
        }
    }
    if groups.is_empty() {
        return if counts { "0" } else { "never open" }.to_string();
    }
    groups
        .iter()
        .map(|(days, pattern)| {
            let stretches: Vec<String> = pattern
                .iter()
                .map(|&(from, to, level)| {
                    if counts {
                        format!("{}–{} × {level}", clock(from), clock(to))
                    } else {
                        format!("{}–{}", clock(from), clock(to))
                    }
                })
                .collect();
            format!("{} {}", day_words(days), stretches.join(", "))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// One setting of a design, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fact {
    /// Stable key that matches the same setting in another design, e.g.
    /// `calendar.social_care` or `step.d2a_p1.refer_to_social_care.duplicate_assessment`.
    pub key: String,
    /// What the setting is, in words: "Social care: opening hours".
    pub title: String,
    /// Its value in words: "Mon–Fri 09:00–17:00".
    pub value: String,
}

/// Collects facts in order.
struct Facts(Vec<Fact>);

impl Facts {
    fn add(&mut self, key: String, title: String, value: String) {
        self.0.push(Fact { key, title, value });
    }
}

/// Every setting of `scenario` that a design can change, in words, in a fixed order: run
/// length, office hours, patient mix, staff and places with their costs, referral sources,
/// demand changes, pathway steps, outcome costs, the census at the start.
pub fn facts(scenario: &Scenario) -> Vec<Fact> {
    let mut out = Facts(Vec::new());
    out.add(
        "run.horizon".into(),
        "Measured period".into(),
        duration(scenario.horizon.hours()),
    );
    out.add(
        "run.warm_up".into(),
        "Warm-up (not counted)".into(),
        duration(scenario.warm_up.hours()),
    );
    for calendar in &scenario.calendars {
        out.add(
            format!("calendar.{}", calendar.name),
            format!("{}: opening hours", readable(&calendar.name)),
            self::schedule(&calendar.schedule, false),
        );
    }
    for attribute in &scenario.attributes {
        out.add(
            format!("attribute.{}", attribute.name),
            format!("{} of patients", readable(&attribute.name)),
            mix(&attribute.values, &attribute.probabilities),
        );
    }
    for (r, resource) in scenario.resources.iter().enumerate() {
        let title = resource_title(scenario, ResourceId(r as u16));
        let key = |aspect: &str| format!("resource.{}.{aspect}", resource.name);
        let units = if resource.schedule.is_constant() {
            self::schedule(&resource.schedule, true)
        } else {
            format!(
                "{} ({} hours a week in all)",
                self::schedule(&resource.schedule, true),
                number(resource.schedule.weekly_total())
            )
        };
        out.add(key("units"), title.clone(), units);
        out.add(
            key("cost_per_hour"),
            format!("{title}: cost per hour on duty"),
            money(resource.cost_per_hour),
        );
        out.add(
            key("cost_per_day_in_use"),
            format!("{title}: cost per day in use"),
            money(resource.cost_per_day_in_use),
        );
        out.add(
            key("cost_per_day_available"),
            format!("{title}: cost per day available"),
            money(resource.cost_per_day_available),
        );
    }
    for source in &scenario.sources {
        source_facts(&mut out, scenario, source);
    }
    out.add(
        "demand_changes".into(),
        "Temporary changes in demand".into(),
        demand_changes(scenario),
    );
    for (s, step) in scenario.steps.iter().enumerate() {
        step_facts(&mut out, scenario, StepId(s as u32), step);
    }
    for outcome in &scenario.outcomes {
        out.add(
            format!("outcome.{}.cost", outcome.name),
            format!(
                "Outcome {}: cost per patient",
                outcome.name.replace('_', " ")
            ),
            money(outcome.cost),
        );
    }
    for (i, group) in scenario.initial.iter().enumerate() {
        out.add(
            format!("initial.{i}"),
            format!(
                "Patients present at the start, {}",
                step_title(scenario, group.step)
            ),
            number(f64::from(group.count)),
        );
    }
    out.0
}

/// Categories with their probabilities: "two hour 45%, same day 55%".
fn mix(values: &[String], probabilities: &[f64]) -> String {
    values
        .iter()
        .zip(probabilities)
        .map(|(v, p)| format!("{} {}", v.replace('_', " "), share(*p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A referral source: pathway, volume, growth, its pattern by day and by hour, its mix.
fn source_facts(out: &mut Facts, scenario: &Scenario, source: &super::scenario::Source) {
    let title = readable(&source.name);
    let key = |aspect: &str| format!("source.{}.{aspect}", source.name);
    let weekly: f64 = source.hourly_rate.iter().sum();
    out.add(
        key("pathway"),
        format!("{title} referrals: pathway"),
        pathway_title(scenario, source.pathway),
    );
    out.add(
        key("per_day"),
        format!("{title} referrals per day"),
        number(weekly / 7.0),
    );
    out.add(
        key("growth"),
        format!("{title} referrals: growth per year"),
        if source.growth_per_year == 0.0 {
            "none".to_string()
        } else {
            share(source.growth_per_year)
        },
    );
    if weekly > 0.0 {
        let by_day: Vec<f64> = (0..7)
            .map(|d| source.hourly_rate[d * 24..d * 24 + 24].iter().sum::<f64>() / weekly)
            .collect();
        let even = by_day.iter().all(|s| (s - 1.0 / 7.0).abs() < 5e-4);
        out.add(
            key("by_day"),
            format!("{title} referrals by day of the week"),
            if even {
                "even".to_string()
            } else {
                DAYS.iter()
                    .zip(&by_day)
                    .map(|(d, s)| format!("{d} {}", share(*s)))
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        );
        let by_hour: Vec<f64> = (0..24)
            .map(|h| (0..7).map(|d| source.hourly_rate[d * 24 + h]).sum::<f64>() / weekly)
            .collect();
        let even = by_hour.iter().all(|s| (s - 1.0 / 24.0).abs() < 5e-4);
        let peak = (0..24).fold(
            0,
            |best, h| if by_hour[h] > by_hour[best] { h } else { best },
        );
        let daytime: f64 = by_hour[8..20].iter().sum();
        out.add(
            key("by_hour"),
            format!("{title} referrals by hour of the day"),
            if even {
                "even".to_string()
            } else {
                format!(
                    "busiest {}–{} ({}), {} from 08:00 to 20:00",
                    clock(peak as f64),
                    clock(peak as f64 + 1.0),
                    share(by_hour[peak]),
                    share(daytime)
                )
            },
        );
    }
    for (a, attribute) in scenario.attributes.iter().enumerate() {
        if let Some(probabilities) = source.attribute_probabilities.get(a) {
            out.add(
                key(&format!("attribute.{}", attribute.name)),
                format!("{title} referrals: {}", attribute.name.replace('_', " ")),
                mix(&attribute.values, probabilities),
            );
        }
    }
}

/// Every demand change, the same change over several sources said once:
/// "× 1.15 from day 189 to day 273 (all sources)".
fn demand_changes(scenario: &Scenario) -> String {
    let mut changes: Vec<(super::scenario::DemandChange, Vec<&str>)> = Vec::new();
    for source in &scenario.sources {
        for change in &source.demand_changes {
            match changes.iter_mut().find(|(c, _)| c == change) {
                Some((_, sources)) => sources.push(&source.name),
                None => changes.push((*change, vec![&source.name])),
            }
        }
    }
    if changes.is_empty() {
        return "none".to_string();
    }
    changes
        .iter()
        .map(|(c, sources)| {
            let which = if sources.len() == scenario.sources.len() {
                "all sources".to_string()
            } else {
                sources
                    .iter()
                    .map(|s| s.replace('_', " "))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            format!(
                "× {} from day {} to day {} after the start, warm-up included ({which})",
                number(c.factor),
                number(c.start / 24.0),
                number(c.end / 24.0)
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The resource, priority and deadline of a wait.
fn wait_facts(
    out: &mut Facts,
    scenario: &Scenario,
    key: &dyn Fn(&str) -> String,
    title: &str,
    wait: &Wait,
) {
    out.add(
        key("resource"),
        format!("{title}: waits for"),
        resource_title(scenario, wait.resource),
    );
    let levels = scenario.resources[wait.resource.0 as usize].priority_levels;
    if levels > 1 {
        out.add(
            key("priority"),
            format!("{title}: priority"),
            format!("{} of {levels} (1 is served first)", wait.priority_rank + 1),
        );
    }
    out.add(
        key("deadline"),
        format!("{title}: deadline"),
        wait.deadline.map_or("none".to_string(), |d| {
            let from = match d.from {
                DeadlineFrom::Step => "from joining the queue",
                DeadlineFrom::Pathway => "from referral",
            };
            let length = match d.patience {
                None => duration(d.limit.hours()),
                Some(_) => format!(
                    "patience drawn per patient, mean {}",
                    duration(d.limit.hours())
                ),
            };
            format!("{length} {from}, else {}", step_words(scenario, d.fallback))
        }),
    );
    if let Some(full) = wait.max_queue {
        out.add(
            key("max_queue"),
            format!("{title}: most waiting"),
            format!(
                "{} waiting, others turned away to {}",
                full.places,
                step_words(scenario, full.when_full)
            ),
        );
    }
}

/// What a step does, one fact per setting of it.
fn step_facts(out: &mut Facts, scenario: &Scenario, id: StepId, step: &super::scenario::Step) {
    let pathway = &scenario.pathways[step.pathway.0 as usize].name;
    let prefix = format!("step.{pathway}.{}", step.name);
    let key = |aspect: &str| format!("{prefix}.{aspect}");
    let title = step_title(scenario, id);
    match &step.kind {
        StepKind::Seize { wait, .. } => wait_facts(out, scenario, &key, &title, wait),
        StepKind::Activity { wait, duration, .. } => {
            wait_facts(out, scenario, &key, &title, wait);
            out.add(
                key("duration"),
                format!("{title}: time taken"),
                distribution(duration),
            );
        }
        StepKind::Visits { episode, .. } => {
            let v = &scenario.visits[episode.0 as usize];
            out.add(
                key("length_of_stay"),
                format!("{title}: length of stay"),
                distribution(&v.length_of_stay),
            );
            out.add(
                key("visits_per_day"),
                format!("{title}: visits a day, first and last day"),
                format!("{} falling to {}", v.initial_per_day, v.final_per_day),
            );
            out.add(
                key("capacity"),
                format!("{title}: capacity"),
                match &v.capacity {
                    crate::model::visit_plan::VisitCapacity::Slots { per_day } => {
                        format!("{per_day} visit slots a day")
                    }
                    crate::model::visit_plan::VisitCapacity::Roster { resources } => resources
                        .iter()
                        .map(|r| readable(&scenario.resources[r.0 as usize].name))
                        .collect::<Vec<_>>()
                        .join(" or "),
                },
            );
        }
        StepKind::Delay { duration, .. } => {
            out.add(
                key("duration"),
                format!("{title}: time taken"),
                distribution(duration),
            );
        }
        StepKind::Handoff { handoff, .. } => {
            out.add(
                key("hours"),
                format!("{title}: receiver's hours"),
                match (handoff.hours, handoff.by) {
                    (_, Some(staff)) => format!(
                        "staffed by {} (their roster)",
                        readable(&scenario.resources[staff.resource.0 as usize].name)
                    ),
                    (Some(c), None) => format!(
                        "{} opening hours",
                        readable(&scenario.calendars[c.0 as usize].name)
                    ),
                    (None, None) => "always open".to_string(),
                },
            );
            out.add(
                key("processing"),
                format!("{title}: processing (working time)"),
                distribution(&handoff.processing),
            );
            out.add(
                key("bounce"),
                format!("{title}: bounced back"),
                if handoff.bounce_probability == 0.0 {
                    "never".to_string()
                } else {
                    share(handoff.bounce_probability)
                },
            );
            out.add(
                key("rework"),
                format!("{title}: rework of a bounced referral"),
                handoff
                    .rework
                    .as_ref()
                    .map_or("none".to_string(), distribution),
            );
            out.add(
                key("duplicate_assessment"),
                format!("{title}: duplicate assessment"),
                handoff
                    .duplicate_assessment
                    .as_ref()
                    .map_or("none".to_string(), distribution),
            );
        }
        StepKind::Branch { arms } => {
            let mut previous = 0.0;
            let shares: Vec<(f64, StepId)> = arms
                .iter()
                .map(|(cumulative, to)| {
                    let p = cumulative - previous;
                    previous = *cumulative;
                    (p, *to)
                })
                .collect();
            let taken: Vec<&(f64, StepId)> = shares.iter().filter(|(p, _)| *p > 0.0).collect();
            let routes = match taken.as_slice() {
                [(_, only)] => format!("all to {}", step_words(scenario, *only)),
                _ => taken
                    .iter()
                    .map(|(p, to)| format!("{} {}", step_words(scenario, *to), share(*p)))
                    .collect::<Vec<_>>()
                    .join(", "),
            };
            out.add(key("routes"), title, routes);
        }
        StepKind::BranchOn { attribute, targets } => {
            let a = &scenario.attributes[attribute.0 as usize];
            let routes: Vec<String> = a
                .values
                .iter()
                .zip(targets)
                .map(|(v, to)| format!("{} → {}", v.replace('_', " "), step_words(scenario, *to)))
                .collect();
            out.add(
                key("routes"),
                format!("{title}, by {}", a.name.replace('_', " ")),
                routes.join(", "),
            );
        }
        StepKind::BranchOnHours {
            hours,
            open,
            closed,
        } => {
            let by = match hours {
                OpenWhen::Calendar(c) => {
                    format!(
                        "{} opening hours",
                        readable(&scenario.calendars[c.0 as usize].name)
                    )
                }
                OpenWhen::Staffed(r) => format!("{} on duty", resource_title(scenario, *r)),
            };
            out.add(
                key("routes"),
                format!("{title}, by the hour"),
                format!(
                    "{} while {by}, else {}",
                    step_words(scenario, *open),
                    step_words(scenario, *closed)
                ),
            );
        }
        StepKind::End { outcome } => out.add(
            key("end"),
            format!("{title}: ends"),
            scenario.outcomes[outcome.0 as usize].name.replace('_', " "),
        ),
        StepKind::Transfer { to, .. } => out.add(
            key("transfer"),
            format!("{title}: continues at"),
            step_title(scenario, *to),
        ),
        StepKind::Release { .. } | StepKind::Block { .. } => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::week_schedule::ShiftLine;

    fn shifts(lines: &[(std::ops::Range<usize>, f64, f64, u32)]) -> WeekSchedule {
        let lines: Vec<ShiftLine> = lines
            .iter()
            .flat_map(|(days, start, end, count)| {
                days.clone().map(move |day| ShiftLine {
                    day,
                    start: *start,
                    end: *end,
                    count: *count,
                })
            })
            .collect();
        WeekSchedule::from_shifts(&lines, 1000).unwrap()
    }

    #[test]
    fn identifiers_read_as_words() {
        assert_eq!(readable("reablement_slot"), "Reablement slot");
        assert_eq!(readable("d2a_p1"), "D2A P1");
        assert_eq!(readable(""), "");
        assert_eq!(
            design_titles(&["east_london_baseline", "east_london_seven_day_social_care"]),
            ["Baseline", "Seven day social care"]
        );
        // One design, or names with nothing in common, keep every word.
        assert_eq!(
            design_titles(&["east_london_baseline"]),
            ["East london baseline"]
        );
        assert_eq!(design_titles(&["base", "base_more"]), ["Base", "Base more"]);
    }

    #[test]
    fn numbers_shares_and_money_read_plainly() {
        assert_eq!(number(6.6), "6.6");
        assert_eq!(number(0.08), "0.08");
        assert_eq!(number(122.0), "122");
        assert_eq!(number(27_668_335.0), "27,668,335");
        assert_eq!(number(-12_345.0), "-12,345");
        assert_eq!(share(0.45), "45%");
        assert_eq!(share(0.085), "8.5%");
        assert_eq!(money(395.0), "£395");
        assert_eq!(money(0.0), "none");
    }

    #[test]
    fn office_hours_and_rosters_read_as_days_and_times() {
        let weekdays = shifts(&[(0..5, 9.0, 17.0, 1)]);
        assert_eq!(schedule(&weekdays, false), "Mon–Fri 09:00–17:00");
        let every_day = shifts(&[(0..7, 9.0, 17.0, 1)]);
        assert_eq!(schedule(&every_day, false), "every day 09:00–17:00");
        let hub = shifts(&[(0..5, 8.0, 18.0, 1), (5..7, 9.0, 15.0, 1)]);
        assert_eq!(
            schedule(&hub, false),
            "Mon–Fri 08:00–18:00; Sat–Sun 09:00–15:00"
        );
        // The East London nurses: early every day, a weekday peak, late every day.
        let nurses = shifts(&[
            (0..7, 8.0, 16.0, 1),
            (0..5, 8.0, 12.0, 1),
            (0..7, 12.0, 20.0, 1),
        ]);
        assert_eq!(
            schedule(&nurses, true),
            "Mon–Fri 08:00–16:00 × 2, 16:00–20:00 × 1; \
             Sat–Sun 08:00–12:00 × 1, 12:00–16:00 × 2, 16:00–20:00 × 1"
        );
        // A night shift past midnight, and days with the same pattern together.
        let nights = shifts(&[(0..1, 20.0, 32.0, 2), (2..3, 20.0, 24.0, 2)]);
        assert_eq!(
            schedule(&nights, true),
            "Mon, Wed 20:00–24:00 × 2; Tue 00:00–08:00 × 2"
        );
        assert_eq!(schedule(&WeekSchedule::constant(122), true), "122");
        assert_eq!(schedule(&WeekSchedule::constant(1), false), "always open");
    }

    #[test]
    fn distributions_read_in_one_unit_with_their_mean_and_spread() {
        let hour = 1.0;
        let day = 24.0;
        assert_eq!(distribution(&Distribution::Fixed(0.0)), "none");
        assert_eq!(distribution(&Distribution::Fixed(day)), "always 1 d");
        assert_eq!(
            distribution(&Distribution::uniform(4.0 * hour, 8.0 * hour).unwrap()),
            "uniform 4–8 h"
        );
        assert_eq!(
            distribution(&Distribution::uniform(10.0 / 60.0, 20.0 / 60.0).unwrap()),
            "uniform 10–20 min"
        );
        assert_eq!(
            distribution(&Distribution::triangular(55.0 / 60.0, 1.5, 140.0 / 60.0).unwrap()),
            "triangular 55–140 min, most often 90 min"
        );
        assert_eq!(
            distribution(&Distribution::uniform(day, 30.0 * day).unwrap()),
            "uniform 1–30 d"
        );
        assert_eq!(duration(2.0), "2 h");
        assert_eq!(duration(24.0), "1 d");
        assert_eq!(duration(0.75), "45 min");
        assert_eq!(duration(105.0 * day), "105 d");
        assert_eq!(
            distribution(&Distribution::log_normal(3.0 * day, 1.0 * day).unwrap()),
            "lognormal, mean 3 d, sd 1 d"
        );
        assert_eq!(
            distribution(&Distribution::gamma(2.0 * day, 1.0 * day).unwrap()),
            "gamma, mean 2 d, sd 1 d"
        );
        assert_eq!(
            distribution(&Distribution::exponential(45.0 / 60.0).unwrap()),
            "exponential, mean 45 min"
        );
    }
}
