//! Calendar dates of a run that starts on a date (`[run] start = "2026-12-01"`): which date a
//! simulated hour or day falls on, for labels in charts and daily outputs.
//!
//! A run's clock counts hours from 00:00 on its start date. Days are civil days of 24 hours
//! (no time zones, no clock changes), so day `d` of the run is the start date plus `d` days.
//! The event loop never calls into this module: dated rules are compiled into schedules of
//! change instants beforehand (see `model::dated_schedule`).

use jiff::civil::Date;

/// The date on which day `day` of the run falls (day 0 is the start date), or `None` if the
/// run has no start date or the date would be outside the calendar jiff supports.
pub fn date_of_day(start: Option<Date>, day: u32) -> Option<Date> {
    start?
        .checked_add(jiff::Span::new().try_days(i64::from(day)).ok()?)
        .ok()
}

/// A label for the day containing `hour` (hours since time zero): the ISO date
/// (`2026-12-24`) when the run has a start date, else `day N` counting from `day 1`.
/// Charts and daily outputs use this one rule so that dated runs read in dates.
pub fn day_label(start: Option<Date>, hour: f64) -> String {
    let day = if hour.is_finite() && hour > 0.0 {
        (hour / 24.0).floor().min(f64::from(u32::MAX)) as u32
    } else {
        0
    };
    match date_of_day(start, day) {
        Some(date) => date.to_string(),
        None => format!("day {}", u64::from(day) + 1),
    }
}

/// Days from `start` to `date` (negative if `date` is earlier).
pub fn days_between(start: Date, date: Date) -> i64 {
    i64::from((date - start).get_days())
}

/// Day of the week of `date`, Monday = 0.
pub fn weekday_index(date: Date) -> usize {
    date.weekday().to_monday_zero_offset() as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn hours_map_to_dates_from_the_start() {
        let start = Some(date(2026, 12, 1));
        assert_eq!(day_label(start, 0.0), "2026-12-01");
        assert_eq!(day_label(start, 23.99), "2026-12-01");
        assert_eq!(day_label(start, 24.0), "2026-12-02");
        // 31 days of December, then 1 January 2027.
        assert_eq!(day_label(start, 31.0 * 24.0 + 5.0), "2027-01-01");
        assert_eq!(day_label(None, 0.0), "day 1");
        assert_eq!(day_label(None, 49.0), "day 3");
    }

    #[test]
    fn weekdays_and_differences() {
        assert_eq!(weekday_index(date(2026, 12, 1)), 1); // a Tuesday
        assert_eq!(weekday_index(date(2026, 12, 28)), 0); // a Monday
        assert_eq!(days_between(date(2026, 12, 1), date(2027, 3, 31)), 120);
        assert_eq!(days_between(date(2026, 12, 1), date(2026, 11, 30)), -1);
        // 2028 is a leap year.
        assert_eq!(days_between(date(2028, 1, 1), date(2029, 1, 1)), 366);
    }
}
