//! Runs on real dates: checks `[run] start`, `[bank_holidays]`, dated `periods` of calendars
//! and resources, `month_profile` and dated `[[demand_changes]]`, and compiles them into
//! schedules of change instants (hours since time zero) and demand changes, so that the
//! engine does no date arithmetic.
//!
//! A run without `start` is untouched: every key here then is an error naming `start`.

use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;

use super::compile::{ShiftUse, bounded_count, compile_shifts};
use super::diagnostics::Problems;
use super::file::{ArrivalFile, DemandChangeFile, PeriodFile, ScenarioFile};
use super::units::{WEEKDAY_NAMES, weekday_index};
use crate::model::bank_holidays::{FIRST_YEAR, LAST_YEAR, Region, bank_holidays};
use crate::model::dated_schedule::{DatedSchedule, DayPlan};
use crate::model::dates::days_between;
use crate::model::scenario::{Calendar, DemandChange, MAX_UNITS, Resource};
use crate::model::week_schedule::WeekSchedule;

/// Days of table kept past the end of the run, so that work started near the end finds its
/// opening hours [days].
const MARGIN_DAYS: i64 = 14;

const DATE_HELP: &str = "write a date as YYYY-MM-DD in quotes, e.g. \"2026-12-01\"";

/// Parses `value` as a date written `YYYY-MM-DD`, or reports it.
fn parse_date(problems: &mut Problems, value: &Spanned<String>, key: &str) -> Option<Date> {
    let text = value.get_ref();
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    match shaped.then(|| text.parse::<Date>().ok()).flatten() {
        Some(date) => Some(date),
        None => {
            problems.add(
                value.span(),
                format!("`{key}` must be a calendar date written YYYY-MM-DD, found \"{text}\""),
                DATE_HELP,
            );
            None
        }
    }
}

/// The start date of the run (`[run] start`), checked against `start_day` if both are given.
pub(super) fn start_date(problems: &mut Problems, file: &ScenarioFile) -> Option<Date> {
    let run = &file.run;
    let date = parse_date(problems, run.start.as_ref()?, "start")?;
    if let Some(day) = &run.start_day {
        let derived = crate::model::dates::weekday_index(date);
        if weekday_index(day.get_ref()).is_some_and(|d| d != derived) {
            problems.add(
                day.span(),
                format!(
                    "`start_day` is {} but the run starts on {date}, a {}",
                    day.get_ref(),
                    WEEKDAY_NAMES[derived]
                ),
                "delete `start_day`: with `start` the day of the week follows from the date",
            );
        }
    }
    Some(date)
}

/// An error for a key that needs `[run] start`.
fn needs_start(problems: &mut Problems, span: Range<usize>, key: &str) {
    problems.add(
        span,
        format!("`{key}` needs the run to start on a date"),
        "add start = \"2026-12-01\" (the date of time zero) under [run]",
    );
}

/// What a bank holiday changes, and which days of the run are bank holidays.
struct Holidays {
    /// Days of the run (0 = start date) that are bank holidays, sorted.
    days: Vec<i64>,
    /// The weekday whose roster applies (Monday = 0).
    rosters_as: usize,
    /// The weekday whose opening hours apply, or `None` for closed.
    offices_as: Option<usize>,
}

fn compile_holidays(
    problems: &mut Problems,
    file: &ScenarioFile,
    start: Date,
    run_days: i64,
) -> Holidays {
    let mut holidays = Holidays {
        days: Vec::new(),
        rosters_as: 6,
        offices_as: None,
    };
    let section = file.bank_holidays.as_ref().map(Spanned::get_ref);
    let mut region = Some(Region::EnglandAndWales);
    if let Some(word) = section.and_then(|s| s.region.as_ref()) {
        region = match word.get_ref().as_str() {
            "none" => None,
            other => Region::from_word(other).or_else(|| {
                problems.add(
                    word.span(),
                    format!("unknown bank holiday `region` \"{other}\""),
                    "one of england_and_wales (the default), scotland, northern_ireland, or none",
                );
                None
            }),
        };
    }
    let last = start
        .checked_add(jiff::Span::new().days(run_days.max(1) - 1))
        .unwrap_or(Date::MAX);
    let mut dates: Vec<Date> = Vec::new();
    if let Some(region) = region {
        if start.year() < FIRST_YEAR || last.year() > LAST_YEAR {
            let span = file.run.start.as_ref().map_or(0..0, Spanned::span);
            let name = Region::ALL
                .iter()
                .find(|(r, _)| *r == region)
                .map_or("", |(_, w)| w);
            problems.add(
                span,
                format!(
                    "the run covers {start} to {last}, but the bank holidays of {name} are known for {FIRST_YEAR} to {LAST_YEAR} only"
                ),
                "shorten the run, or set region = \"none\" under [bank_holidays] and list the holidays with add = [\"YYYY-MM-DD\", ...]",
            );
        } else {
            for year in start.year()..=last.year() {
                dates.extend(bank_holidays(region, year).unwrap_or_default());
            }
        }
    }
    if let Some(section) = section {
        for added in &section.add {
            if let Some(date) = parse_date(problems, added, "add") {
                let day = days_between(start, date);
                let what = format!("added bank holiday {date}");
                if !outside_run(problems, added.span(), &what, (start, run_days), (day, day)) {
                    dates.push(date);
                }
            }
        }
        for removed in &section.remove {
            if let Some(date) = parse_date(problems, removed, "remove") {
                if !dates.contains(&date) {
                    problems.add(
                        removed.span(),
                        format!("{date} is not a bank holiday of the region within the run"),
                        "`remove` takes dates from the region's list; delete this one",
                    );
                }
                dates.retain(|d| *d != date);
            }
        }
        if let Some(day) = &section.rosters {
            match weekday_index(day.get_ref()) {
                Some(index) => holidays.rosters_as = index,
                None => problems.add(
                    day.span(),
                    format!(
                        "`rosters` must be a day of the week, found \"{}\"",
                        day.get_ref()
                    ),
                    "the day whose roster applies on a bank holiday, e.g. rosters = \"sunday\"",
                ),
            }
        }
        if let Some(day) = &section.offices {
            match day.get_ref().as_str() {
                "closed" => {}
                other => match weekday_index(other) {
                    Some(index) => holidays.offices_as = Some(index),
                    None => problems.add(
                        day.span(),
                        format!("`offices` must be \"closed\" or a day of the week, found \"{other}\""),
                        "offices = \"closed\" (the default), or the day whose hours apply, e.g. \"saturday\"",
                    ),
                },
            }
        }
    }
    holidays.days = dates.iter().map(|d| days_between(start, *d)).collect();
    holidays.days.sort_unstable();
    holidays.days.dedup();
    holidays
}

/// A checked period: days `first..=last` of the run, following pattern `pattern`.
struct Period {
    first: i64,
    last: i64,
    pattern: usize,
}

/// Reports a dated rule whose days `first..=last` (days since the run's start) miss the run's
/// `run_days` days entirely: such a rule never applies, which is almost always a wrong year.
fn outside_run(
    problems: &mut Problems,
    span: Range<usize>,
    what: &str,
    (start, run_days): (Date, i64),
    (first, last): (i64, i64),
) -> bool {
    if last >= 0 && first < run_days {
        return false;
    }
    let end = jiff::Span::new()
        .try_days(run_days.max(1) - 1)
        .and_then(|span| start.checked_add(span))
        .unwrap_or(Date::MAX);
    problems.add(
        span,
        format!("{what} falls wholly outside the run, which covers {start} to {end}, so it never applies"),
        "check the year of its dates, or delete it",
    );
    true
}

/// Checks the periods of `owner`, compiling each one's pattern into `patterns`.
fn compile_periods(
    problems: &mut Problems,
    (start, run_days): (Date, i64),
    owner: &str,
    periods: &[Spanned<PeriodFile>],
    patterns: &mut Vec<WeekSchedule>,
    use_: ShiftUse,
) -> Vec<Period> {
    let mut checked: Vec<Period> = Vec::new();
    for period in periods {
        let p = period.get_ref();
        let from = parse_date(problems, &p.from, "from");
        let to = parse_date(problems, &p.to, "to");
        let pattern = match (use_, &p.count, &p.roster, &p.hours) {
            (ShiftUse::Roster, Some(count), None, None) => {
                Some(WeekSchedule::constant(bounded_count(
                    problems,
                    count,
                    "count",
                    MAX_UNITS,
                    "the number of staff or places in the period, e.g. count = 120",
                )))
            }
            (ShiftUse::Roster, None, Some(roster), None) => {
                Some(compile_shifts(problems, roster, ShiftUse::Roster, owner))
            }
            (ShiftUse::OpeningHours, None, None, Some(hours)) => Some(compile_shifts(
                problems,
                hours,
                ShiftUse::OpeningHours,
                owner,
            )),
            (ShiftUse::Roster, Some(_), Some(_), _) => {
                problems.add(
                    period.span(),
                    format!("a period of resource `{owner}` has both `count` and `roster`"),
                    "give one: `count` for a fixed number all day, or `roster` for shifts",
                );
                None
            }
            (ShiftUse::Roster, ..) => {
                problems.add(
                    period.span(),
                    format!("a period of resource `{owner}` needs one of `count` or `roster`"),
                    "e.g. { from = \"2026-12-01\", to = \"2027-03-31\", count = 120 }",
                );
                None
            }
            (ShiftUse::OpeningHours, ..) => {
                problems.add(
                    period.span(),
                    format!("a period of calendar `{owner}` needs `hours` (and no `count` or `roster`)"),
                    "e.g. { from = \"2026-12-21\", to = \"2027-01-03\", hours = [{ days = [\"weekdays\"], start = \"10:00\", end = \"16:00\" }] }",
                );
                None
            }
        };
        let (Some(from), Some(to), Some(pattern)) = (from, to, pattern) else {
            continue;
        };
        if to < from {
            problems.add(
                p.to.span(),
                format!("period `to` ({to}) is before `from` ({from})"),
                "`to` is the last day of the period, on or after `from`",
            );
            continue;
        }
        let first = days_between(start, from);
        let last = days_between(start, to);
        let what = format!("this period of `{owner}` ({from} to {to})");
        if outside_run(
            problems,
            p.from.span(),
            &what,
            (start, run_days),
            (first, last),
        ) {
            continue;
        }
        if checked.iter().any(|c| first <= c.last && c.first <= last) {
            problems.add(
                p.from.span(),
                format!("periods of `{owner}` overlap: a day can follow one period only"),
                "make this period start after the other one ends",
            );
            continue;
        }
        patterns.push(pattern);
        checked.push(Period {
            first,
            last,
            pattern: patterns.len() - 1,
        });
    }
    checked
}

/// The plan of each day `0..days` of the run: its period's pattern (else the base pattern
/// 0), its weekday, and on a bank holiday the weekday `holiday_as` (or closed if `None`).
fn day_plans(
    start_weekday: usize,
    days: i64,
    periods: &[Period],
    holidays: &[i64],
    holiday_as: Option<usize>,
) -> Vec<DayPlan> {
    (0..days)
        .map(|d| {
            let pattern = periods
                .iter()
                .find(|p| p.first <= d && d <= p.last)
                .map_or(0, |p| p.pattern);
            let weekday = (start_weekday + d as usize) % 7;
            if holidays.binary_search(&d).is_ok() {
                DayPlan {
                    pattern,
                    weekday: holiday_as.unwrap_or(weekday),
                    closed: holiday_as.is_none(),
                }
            } else {
                DayPlan {
                    pattern,
                    weekday,
                    closed: false,
                }
            }
        })
        .collect()
}

/// Compiles the dated rules of a run on real dates into `dated` schedules of the calendars
/// and resources; without a start date, reports any dated key as needing one.
pub(super) fn apply(
    problems: &mut Problems,
    file: &ScenarioFile,
    start: Option<Date>,
    run_hours: f64,
    calendars: &mut [Calendar],
    resources: &mut [Resource],
) {
    let Some(start) = start else {
        if let Some(section) = &file.bank_holidays {
            needs_start(problems, section.span(), "[bank_holidays]");
        }
        let periods = file
            .calendars
            .values()
            .flat_map(|c| &c.get_ref().periods)
            .chain(file.resources.values().flat_map(|r| &r.get_ref().periods));
        for period in periods {
            needs_start(problems, period.span(), "periods");
        }
        return;
    };
    if !run_hours.is_finite() || run_hours <= 0.0 {
        return; // reported with the horizon
    }
    let run_days = (run_hours / 24.0).ceil() as i64;
    let table_days = run_days + MARGIN_DAYS;
    let holidays = compile_holidays(problems, file, start, run_days);
    let start_weekday = crate::model::dates::weekday_index(start);
    for (calendar, calendar_file) in calendars.iter_mut().zip(file.calendars.values()) {
        let mut patterns = vec![calendar.schedule.clone()];
        let periods = compile_periods(
            problems,
            (start, run_days),
            &calendar.name,
            &calendar_file.get_ref().periods,
            &mut patterns,
            ShiftUse::OpeningHours,
        );
        let plans = day_plans(
            start_weekday,
            table_days,
            &periods,
            &holidays.days,
            holidays.offices_as,
        );
        calendar.dated = Some(DatedSchedule::from_days(&patterns, &plans));
    }
    for (resource, resource_file) in resources.iter_mut().zip(file.resources.values()) {
        let mut patterns = vec![resource.schedule.clone()];
        let periods = compile_periods(
            problems,
            (start, run_days),
            &resource.name,
            &resource_file.get_ref().periods,
            &mut patterns,
            ShiftUse::Roster,
        );
        if periods.is_empty() && resource.schedule.is_constant() {
            continue; // bank holidays change nothing of a fixed count
        }
        let plans = day_plans(
            start_weekday,
            table_days,
            &periods,
            &holidays.days,
            Some(holidays.rosters_as),
        );
        resource.dated = Some(DatedSchedule::from_days(&patterns, &plans));
    }
}

/// The hours since time zero of 00:00 on `date`.
fn hours_at(start: Date, date: Date) -> f64 {
    days_between(start, date) as f64 * 24.0
}

/// The window of a `[[demand_changes]]` entry given by `from` and `to` (first and last day),
/// as hours since time zero; `None` (reported) if the dates are wrong or the run has no
/// start date. The caller handles entries given by `start` and `length`.
pub(super) fn change_window(
    problems: &mut Problems,
    change: &Spanned<DemandChangeFile>,
    start: Option<Date>,
    run_hours: f64,
) -> Option<(f64, f64)> {
    let c = change.get_ref();
    let (Some(from), Some(to)) = (&c.from, &c.to) else {
        problems.add(
            change.span(),
            "a demand change needs `start` and `length`, or `from` and `to`",
            "e.g. start = \"30 d\", length = \"90 d\", or from = \"2027-01-01\", to = \"2027-01-31\"",
        );
        return None;
    };
    if c.start.is_some() || c.length.is_some() {
        problems.add(
            from.span(),
            "a demand change has `from` and `to` or `start` and `length`, not both",
            "keep the dates, or the times from the start of the run",
        );
        return None;
    }
    let Some(run_start) = start else {
        needs_start(problems, from.span(), "from");
        return None;
    };
    let (from_date, to_date) = (
        parse_date(problems, from, "from")?,
        parse_date(problems, to, "to")?,
    );
    if to_date < from_date {
        problems.add(
            to.span(),
            format!("demand change `to` ({to_date}) is before `from` ({from_date})"),
            "`to` is the last day of the change, on or after `from`",
        );
        return None;
    }
    if !run_hours.is_finite() || run_hours <= 0.0 {
        return None; // reported with the horizon
    }
    let run_days = (run_hours / 24.0).ceil() as i64;
    let span = from.span();
    let what = format!("this demand change ({from_date} to {to_date})");
    let days = (
        days_between(run_start, from_date),
        days_between(run_start, to_date),
    );
    if outside_run(problems, span, &what, (run_start, run_days), days) {
        return None;
    }
    Some((
        hours_at(run_start, from_date),
        hours_at(run_start, to_date) + 24.0,
    ))
}

/// The demand changes of a source's `month_profile`: one per calendar month touching the
/// run, with the month's weight over the mean of the 12 weights. Empty without a profile.
pub(super) fn month_changes(
    problems: &mut Problems,
    arrival: &ArrivalFile,
    start: Option<Date>,
    run_hours: f64,
) -> Vec<DemandChange> {
    let Some(profile) = &arrival.month_profile else {
        return Vec::new();
    };
    let Some(start) = start else {
        needs_start(problems, profile.span(), "month_profile");
        return Vec::new();
    };
    let weights = profile.get_ref();
    let mean = weights.iter().sum::<f64>() / 12.0;
    if weights.len() != 12
        || weights.iter().any(|w| !(w.is_finite() && *w >= 0.0))
        || !(mean.is_finite() && mean > 0.0)
    {
        problems.add(
            profile.span(),
            format!(
                "`month_profile` needs 12 weights of zero or more, not all zero, found {weights:?}"
            ),
            "12 relative weights, January first, e.g. [1.15, 1.05, 1, 1, 0.95, 0.9, 0.9, 0.9, 0.95, 1, 1.05, 1.15]",
        );
        return Vec::new();
    }
    if !run_hours.is_finite() {
        return Vec::new();
    }
    let mut changes = Vec::new();
    let mut month = start.first_of_month();
    while hours_at(start, month) < run_hours {
        let next = month.last_of_month().tomorrow().unwrap_or(Date::MAX);
        let factor = weights[(month.month() - 1) as usize] / mean;
        if factor != 1.0 {
            changes.push(DemandChange {
                start: hours_at(start, month).max(0.0),
                end: hours_at(start, next),
                factor,
            });
        }
        if next == Date::MAX {
            break;
        }
        month = next;
    }
    changes
}
