//! Quantities with units as the analyst writes them: durations such as `"45 min"` or `"3 d"`,
//! clock times such as `"08:00"` or `"06:00 next day"`, and weekday names.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::kernel::SimDuration;

/// A duration written with its unit, e.g. `"45 min"`, `"2 h"`, `"3 d"`, `"1 w"`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DurationText {
    /// The number as written.
    pub amount: f64,
    /// The unit as understood.
    pub unit: TimeUnit,
}

/// The units a duration may be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnit {
    /// Minutes (`min`).
    Minutes,
    /// Hours (`h`).
    Hours,
    /// Days of 24 hours (`d`).
    Days,
    /// Weeks of 7 days (`w`).
    Weeks,
}

impl TimeUnit {
    fn parse(text: &str) -> Option<TimeUnit> {
        match text {
            "min" | "mins" | "minute" | "minutes" => Some(TimeUnit::Minutes),
            "h" | "hr" | "hrs" | "hour" | "hours" => Some(TimeUnit::Hours),
            "d" | "day" | "days" => Some(TimeUnit::Days),
            "w" | "wk" | "week" | "weeks" => Some(TimeUnit::Weeks),
            _ => None,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            TimeUnit::Minutes => "min",
            TimeUnit::Hours => "h",
            TimeUnit::Days => "d",
            TimeUnit::Weeks => "w",
        }
    }

    fn hours(self) -> f64 {
        match self {
            TimeUnit::Minutes => 1.0 / 60.0,
            TimeUnit::Hours => 1.0,
            TimeUnit::Days => 24.0,
            TimeUnit::Weeks => 168.0,
        }
    }
}

/// The shortest duration other than zero a scenario may state [hours]: one second.
///
/// The clock holds time as hours in an `f64` (`kernel::time`): it has no ticks, and resolves
/// far below a second over a century, so nothing rounds to zero. The limit is one of meaning
/// instead: the smallest unit a duration is written in is the minute, nothing in a care
/// pathway takes less than a second, and a gap that small between booked arrivals
/// (`"1e-6 min"`) gives millions of arrivals per simulated hour. The engine counts arrivals
/// closer together than `MIN_ARRIVAL_GAP` (1e-9 h) as at one instant; this limit keeps
/// every stated duration far above that.
pub const SHORTEST_DURATION_HOURS: f64 = 1.0 / 3600.0;

const DURATION_HELP: &str =
    "write a number and a unit, e.g. \"45 min\", \"2 h\", \"3 d\" or \"1 w\"";

impl DurationText {
    /// Parses `"45 min"`-style text.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        // The unit is the trailing run of letters, so "1e2 h" is 100 hours.
        let number_end = trimmed
            .trim_end_matches(|c: char| c.is_ascii_alphabetic())
            .len();
        if number_end == trimmed.len() {
            return Err(format!("`{text}` has no unit; {DURATION_HELP}"));
        }
        let (number, unit) = trimmed.split_at(number_end);
        let amount: f64 = number
            .trim()
            .parse()
            .map_err(|_| format!("`{text}` does not start with a number; {DURATION_HELP}"))?;
        let unit = TimeUnit::parse(unit.trim())
            .ok_or_else(|| format!("`{}` is not a time unit; {DURATION_HELP}", unit.trim()))?;
        if !amount.is_finite() {
            return Err(format!("`{text}` is not a finite number; {DURATION_HELP}"));
        }
        let duration = DurationText { amount, unit };
        if amount > 0.0 && duration.to_sim().hours() < SHORTEST_DURATION_HOURS {
            return Err(format!(
                "`{}` is shorter than a second, the shortest duration a scenario may state; write \"0 min\" for no time where zero is allowed, or check the number and its unit (e.g. \"1 min\")",
                text.trim()
            ));
        }
        Ok(duration)
    }

    /// The duration on the simulated clock.
    pub fn to_sim(self) -> SimDuration {
        SimDuration::from_hours(self.amount * self.unit.hours())
    }
}

impl fmt::Display for DurationText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.unit.symbol())
    }
}

impl<'de> Deserialize<'de> for DurationText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        DurationText::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for DurationText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A time of day on a roster or opening-hours line: `"08:00"`, `"24:00"`, or
/// `"06:00 next day"` for a shift that ends after midnight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockTime {
    /// Hours after midnight of the day the line applies to (over 24 for "next day").
    pub hours: f64,
}

const CLOCK_HELP: &str = "write a 24-hour time such as \"08:00\" or \"20:30\", or \"06:00 next day\" for a shift that ends after midnight";

impl ClockTime {
    /// Parses `"HH:MM"` with an optional `" next day"` suffix.
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        let (clock, next_day) = match trimmed.strip_suffix("next day") {
            Some(rest) => (rest.trim(), true),
            None => (trimmed, false),
        };
        let (hh, mm) = clock
            .split_once(':')
            .ok_or_else(|| format!("`{text}` is not a time of day; {CLOCK_HELP}"))?;
        let hh: u32 = hh
            .parse()
            .map_err(|_| format!("`{text}` has no valid hour; {CLOCK_HELP}"))?;
        let mm: u32 = mm
            .parse()
            .map_err(|_| format!("`{text}` has no valid minutes; {CLOCK_HELP}"))?;
        if mm >= 60 || hh > 24 || (hh == 24 && mm > 0) {
            return Err(format!("`{text}` is outside 00:00-24:00; {CLOCK_HELP}"));
        }
        let hours = f64::from(hh) + f64::from(mm) / 60.0 + if next_day { 24.0 } else { 0.0 };
        Ok(ClockTime { hours })
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let next_day = self.hours > 24.0;
        let hours = if next_day {
            self.hours - 24.0
        } else {
            self.hours
        };
        let whole_minutes = (hours * 60.0).round() as u32;
        write!(f, "{:02}:{:02}", whole_minutes / 60, whole_minutes % 60)?;
        if next_day {
            write!(f, " next day")?;
        }
        Ok(())
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        ClockTime::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The seven days of the week, Monday first.
pub const WEEKDAY_NAMES: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];

/// Day-of-week index (Monday = 0) for a full or three-letter English day name.
pub fn weekday_index(name: &str) -> Option<usize> {
    let lower = name.to_ascii_lowercase();
    WEEKDAY_NAMES
        .iter()
        .position(|day| *day == lower || (lower.len() == 3 && day.starts_with(&lower)))
}

/// The days a roster or opening-hours line names: day names, or `weekdays`, `weekends`,
/// `every_day`.
pub fn day_set(name: &str) -> Option<Vec<usize>> {
    match name.to_ascii_lowercase().as_str() {
        "weekdays" => Some((0..5).collect()),
        "weekends" => Some(vec![5, 6]),
        "every_day" | "everyday" | "daily" => Some((0..7).collect()),
        other => weekday_index(other).map(|day| vec![day]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_every_unit() {
        let hours = |text| DurationText::parse(text).map(|d| d.to_sim().hours());
        assert_eq!(hours("45 min"), Ok(0.75));
        assert_eq!(hours("2 h"), Ok(2.0));
        assert_eq!(hours("1.5d"), Ok(36.0));
        assert_eq!(hours("1 w"), Ok(168.0));
        assert_eq!(hours("1e2 h"), Ok(100.0));
        assert!(hours("45").unwrap_err().contains("no unit"));
        assert!(
            hours("3 fortnights")
                .unwrap_err()
                .contains("not a time unit")
        );
        assert!(hours("x h").unwrap_err().contains("number"));
    }

    /// Issue 13 (audit): a duration above zero but below a second is refused; zero, one
    /// second and negative values (refused by each key's own rule) are read.
    #[test]
    fn durations_below_a_second_are_refused() {
        let hours = |text| DurationText::parse(text).map(|d| d.to_sim().hours());
        for tiny in ["1e-6 min", "0.01 min", "1e-320 h", "0.0001 h"] {
            let error = hours(tiny).unwrap_err();
            assert!(error.contains("shorter than a second"), "{tiny}: {error}");
        }
        assert_eq!(hours("0 min"), Ok(0.0));
        assert_eq!(hours("-2 h"), Ok(-2.0));
        let second = hours("0.0166667 min").unwrap();
        assert!((second - SHORTEST_DURATION_HOURS).abs() < 1e-9);
        assert!(hours("0.016 min").is_err());
    }

    #[test]
    fn clock_times_parse_and_print_back() {
        assert_eq!(ClockTime::parse("08:30").map(|c| c.hours), Ok(8.5));
        assert_eq!(ClockTime::parse("24:00").map(|c| c.hours), Ok(24.0));
        let overnight = ClockTime::parse("06:00 next day").clone();
        assert_eq!(overnight.clone().map(|c| c.hours), Ok(30.0));
        assert_eq!(
            overnight.map(|c| c.to_string()),
            Ok("06:00 next day".into())
        );
        assert!(ClockTime::parse("25:00").is_err());
        assert!(ClockTime::parse("8am").is_err());
    }

    #[test]
    fn day_names_and_groups() {
        assert_eq!(weekday_index("Sat"), Some(5));
        assert_eq!(day_set("weekdays"), Some(vec![0, 1, 2, 3, 4]));
        assert_eq!(day_set("sunday"), Some(vec![6]));
        assert_eq!(day_set("someday"), None);
    }
}
