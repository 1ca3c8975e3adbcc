//! Bank holidays of the UK's three divisions (England and Wales, Scotland, Northern Ireland),
//! for the years this table covers.
//!
//! Source: GOV.UK, "UK bank holidays" (<https://www.gov.uk/bank-holidays>, the same list as
//! <https://www.gov.uk/bank-holidays.json>). The regular holidays follow the rules stated
//! there, which this module applies: a fixed-date holiday on a Saturday or Sunday moves to the
//! next weekday that is not already a holiday (so Christmas on a Saturday gives Monday 27 and
//! Tuesday 28 December). The one-off changes GOV.UK lists for 2018-2028 are written out in
//! [`ONE_OFF`] (2020's early May holiday moved to VE Day; 2022's spring holiday moved for the
//! Platinum Jubilee and the State Funeral; 2023's Coronation). Years outside
//! [`FIRST_YEAR`]..=[`LAST_YEAR`] are refused rather than guessed: a future proclamation can
//! move or add a day, so the table is extended by hand from the GOV.UK list.
//!
//! Knows nothing of rosters or offices: see `scenario::compile_dates` for how a holiday
//! changes a run.

use jiff::civil::{Date, Weekday};

/// First year covered.
pub const FIRST_YEAR: i16 = 2018;
/// Last year covered.
pub const LAST_YEAR: i16 = 2028;

/// A division of the UK with its own bank holidays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// England and Wales (the default).
    EnglandAndWales,
    /// Scotland.
    Scotland,
    /// Northern Ireland.
    NorthernIreland,
}

impl Region {
    /// Every region with the word a scenario file uses for it.
    pub const ALL: [(Region, &'static str); 3] = [
        (Region::EnglandAndWales, "england_and_wales"),
        (Region::Scotland, "scotland"),
        (Region::NorthernIreland, "northern_ireland"),
    ];

    /// The region a scenario file names (`england_and_wales`, `scotland`,
    /// `northern_ireland`), if any.
    pub fn from_word(word: &str) -> Option<Region> {
        Region::ALL
            .iter()
            .find(|(_, w)| *w == word)
            .map(|(region, _)| *region)
    }
}

/// A year the table does not cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("bank holidays are known for {FIRST_YEAR} to {LAST_YEAR} only, not for {year}")]
pub struct OutsideTable {
    /// The year asked for.
    pub year: i16,
}

/// A date as (year, month, day).
type Ymd = (i16, i8, i8);

/// One-off changes to the regular rules, as GOV.UK lists them: (date removed, date added),
/// the same in every region.
const ONE_OFF: [(Option<Ymd>, Ymd); 5] = [
    // Early May bank holiday moved from Monday 4 to Friday 8 May (75th anniversary of VE Day).
    (Some((2020, 5, 4)), (2020, 5, 8)),
    // Spring bank holiday moved from Monday 30 May to Thursday 2 June; Friday 3 June added
    // (Platinum Jubilee).
    (Some((2022, 5, 30)), (2022, 6, 2)),
    (None, (2022, 6, 3)),
    // Bank holiday for the State Funeral of Queen Elizabeth II, Monday 19 September 2022.
    (None, (2022, 9, 19)),
    // Bank holiday for the Coronation of King Charles III, Monday 8 May 2023.
    (None, (2023, 5, 8)),
];

/// The bank holidays of `region` in `year`, in date order.
///
/// # Errors
/// [`OutsideTable`] for a year before [`FIRST_YEAR`] or after [`LAST_YEAR`].
pub fn bank_holidays(region: Region, year: i16) -> Result<Vec<Date>, OutsideTable> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return Err(OutsideTable { year });
    }
    let ymd = |m: i8, d: i8| Date::new(year, m, d).unwrap_or(Date::MIN);
    let monday = |m: i8, nth: i8| {
        ymd(m, 1)
            .nth_weekday_of_month(nth, Weekday::Monday)
            .unwrap_or(Date::MIN)
    };
    let easter = easter_sunday(year);
    let good_friday = easter
        .checked_sub(jiff::Span::new().days(2))
        .unwrap_or(Date::MIN);
    let easter_monday = easter.tomorrow().unwrap_or(Date::MIN);

    let mut days: Vec<Date> = Vec::new();
    // Fixed dates, each moved past weekends and days already taken, in order.
    let fixed: Vec<(i8, i8)> = match region {
        Region::Scotland => vec![(1, 1), (1, 2), (11, 30), (12, 25), (12, 26)],
        Region::NorthernIreland => vec![(1, 1), (3, 17), (7, 12), (12, 25), (12, 26)],
        Region::EnglandAndWales => vec![(1, 1), (12, 25), (12, 26)],
    };
    for (m, d) in fixed {
        let mut day = ymd(m, d);
        while is_weekend(day) || days.contains(&day) {
            day = day.tomorrow().unwrap_or(Date::MAX);
        }
        days.push(day);
    }
    days.push(good_friday);
    if region != Region::Scotland {
        days.push(easter_monday);
    }
    days.push(monday(5, 1)); // early May
    days.push(monday(5, -1)); // spring
    days.push(match region {
        Region::Scotland => monday(8, 1),
        _ => monday(8, -1), // summer
    });
    for (removed, added) in ONE_OFF {
        if let Some((y, m, d)) = removed {
            let removed = Date::new(y, m, d).unwrap_or(Date::MIN);
            days.retain(|day| *day != removed);
        }
        let (y, m, d) = added;
        if y == year {
            days.push(Date::new(y, m, d).unwrap_or(Date::MIN));
        }
    }
    days.sort();
    days.dedup();
    Ok(days)
}

fn is_weekend(day: Date) -> bool {
    matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// Easter Sunday of `year` in the Gregorian calendar: the anonymous Gregorian algorithm
/// (Meeus, *Astronomical Algorithms*, 2nd ed., ch. 8).
fn easter_sunday(year: i16) -> Date {
    let y = i32::from(year);
    let a = y % 19;
    let b = y / 100;
    let c = y % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    Date::new(year, month as i8, day as i8).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn list(region: Region, year: i16) -> Vec<String> {
        bank_holidays(region, year)
            .unwrap()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// The 2026 lists as GOV.UK publishes them (Boxing Day on a Saturday moves to Monday 28).
    #[test]
    fn the_2026_lists_match_gov_uk() {
        assert_eq!(
            list(Region::EnglandAndWales, 2026),
            [
                "2026-01-01",
                "2026-04-03",
                "2026-04-06",
                "2026-05-04",
                "2026-05-25",
                "2026-08-31",
                "2026-12-25",
                "2026-12-28"
            ]
        );
        assert_eq!(
            list(Region::Scotland, 2026),
            [
                "2026-01-01",
                "2026-01-02",
                "2026-04-03",
                "2026-05-04",
                "2026-05-25",
                "2026-08-03",
                "2026-11-30",
                "2026-12-25",
                "2026-12-28"
            ]
        );
        assert_eq!(
            list(Region::NorthernIreland, 2026),
            [
                "2026-01-01",
                "2026-03-17",
                "2026-04-03",
                "2026-04-06",
                "2026-05-04",
                "2026-05-25",
                "2026-07-13",
                "2026-08-31",
                "2026-12-25",
                "2026-12-28"
            ]
        );
    }

    /// Substitute days as GOV.UK lists them: Christmas 2021 and 2022 on a weekend, Scotland's
    /// New Year of 2022 and 2023, 2027's Boxing Day on a Sunday.
    #[test]
    fn weekend_holidays_move_to_the_next_free_weekday() {
        let has = |region, d: Date| bank_holidays(region, d.year()).unwrap().contains(&d);
        let ew = Region::EnglandAndWales;
        for d in [
            date(2021, 12, 27),
            date(2021, 12, 28),
            date(2022, 12, 26),
            date(2022, 12, 27),
            date(2022, 1, 3),
            date(2027, 12, 27),
            date(2027, 12, 28),
        ] {
            assert!(has(ew, d), "{d}");
        }
        assert!(!has(ew, date(2021, 12, 25)));
        for d in [
            date(2022, 1, 3),
            date(2022, 1, 4),
            date(2023, 1, 2),
            date(2023, 1, 3),
        ] {
            assert!(has(Region::Scotland, d), "{d}");
        }
        // St Andrew's Day 2025 is a Sunday: Monday 1 December.
        assert!(has(Region::Scotland, date(2025, 12, 1)));
    }

    #[test]
    fn one_off_holidays_replace_the_regular_ones() {
        let ew2022 = list(Region::EnglandAndWales, 2022);
        assert!(ew2022.contains(&"2022-06-02".to_string()));
        assert!(ew2022.contains(&"2022-06-03".to_string()));
        assert!(ew2022.contains(&"2022-09-19".to_string()));
        assert!(!ew2022.contains(&"2022-05-30".to_string()));
        assert_eq!(ew2022.len(), 10);
        assert!(list(Region::Scotland, 2020).contains(&"2020-05-08".to_string()));
        assert!(!list(Region::Scotland, 2020).contains(&"2020-05-04".to_string()));
        assert!(list(Region::NorthernIreland, 2023).contains(&"2023-05-08".to_string()));
    }

    #[test]
    fn easter_dates_are_right() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
        assert_eq!(easter_sunday(2019), date(2019, 4, 21));
    }

    #[test]
    fn years_outside_the_table_are_refused() {
        assert_eq!(
            bank_holidays(Region::Scotland, LAST_YEAR + 1),
            Err(OutsideTable {
                year: LAST_YEAR + 1
            })
        );
        assert!(bank_holidays(Region::Scotland, FIRST_YEAR - 1).is_err());
        for year in FIRST_YEAR..=LAST_YEAR {
            for (region, _) in Region::ALL {
                let days = bank_holidays(region, year).unwrap();
                assert!(days.iter().all(|d| !is_weekend(*d) && d.year() == year));
            }
        }
    }
}
