//! Dates along a chart's horizontal axis, for runs on real dates (`[run] start`): where the
//! ticks go and what they say ("1 Dec", "15 Jan", or month names), on an axis whose unit is
//! days after a known instant.
//!
//! Ticks fall at midnights. The densest of a fixed list of spacings whose labels fit the
//! width is chosen: every day, every other day, Mondays, the 1st and 15th of each month,
//! the 1st of each month, of each quarter, of each year. Knows nothing of runs or charts
//! beyond the axis: the chart builders give the instant at which the axis starts.

use std::ops::Range;

use jiff::civil::{Date, DateTime, Time, Weekday};

/// Month abbreviations, January first, as UK documents write them.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Most ticks generated before a spacing is given up as too dense (a century of days).
const MOST_TICKS: usize = 40_000;

/// How far apart the ticks of a date axis are, densest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spacing {
    /// Every `n` days, counted from the first midnight on the axis.
    Days(u32),
    /// Every Monday.
    Mondays,
    /// The 1st and 15th of each month.
    HalfMonths,
    /// The 1st of every `n`-th month (1, 3 or 12), counted from January.
    Months(i8),
}

/// The spacings tried, densest first.
const SPACINGS: [Spacing; 7] = [
    Spacing::Days(1),
    Spacing::Days(2),
    Spacing::Mondays,
    Spacing::HalfMonths,
    Spacing::Months(1),
    Spacing::Months(3),
    Spacing::Months(12),
];

/// "1 Dec": the day of the month and the month's abbreviation.
pub fn day_month(date: Date) -> String {
    format!("{} {}", date.day(), MONTHS[(date.month() - 1) as usize])
}

/// The instant `days` days after `origin`, or `None` outside jiff's calendar.
pub fn after(origin: DateTime, days: f64) -> Option<DateTime> {
    let duration = jiff::SignedDuration::try_from_secs_f64(days * 86_400.0).ok()?;
    origin.checked_add(duration).ok()
}

/// Days from `origin` to midnight at the start of `date` (negative if earlier).
fn days_to(origin: DateTime, date: Date) -> f64 {
    let midnight = date.to_datetime(Time::midnight());
    origin.duration_until(midnight).as_secs_f64() / 86_400.0
}

/// Whether `date` is a tick of `spacing`; `first` is the first date whose midnight is on
/// the axis (the start of the count of `Days`).
fn is_tick(spacing: Spacing, date: Date, first: Date) -> bool {
    match spacing {
        Spacing::Days(n) => (date - first).get_days().rem_euclid(n as i32) == 0,
        Spacing::Mondays => date.weekday() == Weekday::Monday,
        Spacing::HalfMonths => date.day() == 1 || date.day() == 15,
        Spacing::Months(n) => date.day() == 1 && (date.month() - 1) % n == 0,
    }
}

/// The label of a tick of `spacing` on `date`: "1 Dec" for spacings of days, the month
/// ("Dec") for spacings of months, with the year at January ("Jan 2027"), and the year
/// alone for yearly ticks. The axis title gives the years (see [`date_axis_title`]).
fn label(spacing: Spacing, date: Date) -> String {
    let month = MONTHS[(date.month() - 1) as usize];
    match spacing {
        Spacing::Months(12) => date.year().to_string(),
        Spacing::Months(_) if date.month() == 1 => format!("{month} {}", date.year()),
        Spacing::Months(_) => month.to_string(),
        _ => day_month(date),
    }
}

/// The ticks of `spacing` on `range` [days after `origin`]: (position, label), in order.
/// `None` if there would be more than [`MOST_TICKS`].
fn ticks_of(spacing: Spacing, origin: DateTime, range: &Range<f64>) -> Option<Vec<(f64, String)>> {
    let start = after(origin, range.start)?;
    let mut date = start.date();
    if start.time() != Time::midnight() {
        date = date.tomorrow().ok()?;
    }
    let first = date;
    let mut ticks = Vec::new();
    let mut scanned = 0usize;
    loop {
        let x = days_to(origin, date);
        if x > range.end + 1e-9 {
            break;
        }
        if is_tick(spacing, date, first) {
            if ticks.len() >= MOST_TICKS {
                return None;
            }
            ticks.push((x, label(spacing, date)));
        }
        scanned += 1;
        if scanned > 40 * MOST_TICKS {
            return None;
        }
        date = date.tomorrow().ok()?;
    }
    Some(ticks)
}

/// Ticks for a date axis over `range` [days after `origin`] that is `pixels` wide: the
/// densest spacing whose labels, each measured by `width` [px] plus a gap, fit. Falls back
/// to the sparsest spacing with a tick, or none when the axis holds no midnight at all.
pub fn date_ticks(
    origin: DateTime,
    range: &Range<f64>,
    pixels: u32,
    width: impl Fn(&str) -> u32,
) -> Vec<(f64, String)> {
    let mut sparsest = Vec::new();
    for spacing in SPACINGS {
        let Some(ticks) = ticks_of(spacing, origin, range) else {
            continue;
        };
        if ticks.is_empty() {
            continue;
        }
        let needed: u32 = ticks.iter().map(|(_, l)| width(l) + 28).sum();
        if needed <= pixels && (ticks.len() >= 2 || spacing == Spacing::Months(12)) {
            return ticks;
        }
        sparsest = ticks;
    }
    sparsest
}

/// The axis title of a date axis from `origin` over `days` days, short enough for a
/// half-width panel: "Date (2026)" within one year, "Date (2026–27)" over two, "Date
/// (2026–2029)" over more.
pub fn date_axis_title(origin: DateTime, days: f64) -> String {
    let first = origin.date().year();
    let last = after(origin, (days - 1e-6).max(0.0)).map_or(first, |d| d.date().year());
    if last == first {
        format!("Date ({first})")
    } else if last == first + 1 {
        format!("Date ({first}–{:02})", last.rem_euclid(100))
    } else {
        format!("Date ({first}–{last})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn midnight(d: Date) -> DateTime {
        d.to_datetime(Time::midnight())
    }

    /// Ten pixels a character, as a stand-in for the font.
    fn ten_a_char(label: &str) -> u32 {
        10 * label.chars().count() as u32
    }

    /// A winter of 121 days from 1 December 2026 on a wide axis: the 1st and 15th of each
    /// month (the last tick, 1 April, is the end of 31 March); on a narrow one, months, with
    /// the year at January.
    #[test]
    fn spacing_follows_the_room() {
        let origin = midnight(date(2026, 12, 1));
        let wide = date_ticks(origin, &(0.0..121.0), 1200, ten_a_char);
        let labels: Vec<&str> = wide.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            [
                "1 Dec", "15 Dec", "1 Jan", "15 Jan", "1 Feb", "15 Feb", "1 Mar", "15 Mar", "1 Apr"
            ]
        );
        // 1 January 2027 is 31 days after 1 December.
        assert_eq!(wide[2].0, 31.0);
        let narrow = date_ticks(origin, &(0.0..121.0), 500, ten_a_char);
        let labels: Vec<&str> = narrow.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(labels, ["Dec", "Jan 2027", "Feb", "Mar", "Apr"]);
        // Two weeks: every other day when the axis is wide enough for it.
        let fortnight = date_ticks(origin, &(0.0..14.0), 800, ten_a_char);
        assert_eq!(fortnight.len(), 8);
        assert_eq!(fortnight[1], (2.0, "3 Dec".to_string()));
    }

    /// An axis that starts at noon (a warm-up of 2.5 days) ticks at the next midnight.
    #[test]
    fn ticks_fall_at_midnights() {
        let origin = date(2026, 12, 3).to_datetime(Time::constant(12, 0, 0, 0));
        let ticks = date_ticks(origin, &(0.0..10.0), 2000, ten_a_char);
        assert_eq!(ticks[0], (0.5, "4 Dec".to_string()));
        assert!(ticks.iter().all(|(x, _)| (x - 0.5).fract().abs() < 1e-9));
    }

    #[test]
    fn titles_name_the_years() {
        let origin = midnight(date(2026, 12, 1));
        assert_eq!(date_axis_title(origin, 121.0), "Date (2026–27)");
        assert_eq!(date_axis_title(origin, 31.0), "Date (2026)");
        assert_eq!(date_axis_title(origin, 800.0), "Date (2026–2029)");
        assert_eq!(day_month(date(2027, 1, 15)), "15 Jan");
    }
}
