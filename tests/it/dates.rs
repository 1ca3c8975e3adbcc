//! Runs on real dates (issue 13 item 1): dated capacity periods, bank holidays closing offices
//! and changing rosters, month-of-year demand and dated demand changes, each checked against
//! a value worked by hand from the 2026-27 calendar.

use crate::support::{assert_agrees, run_text};

/// A ward of 10 beds with 20 escalation beds (30 in all) from 1 December 2026 to 31 March
/// 2027, in a run from 1 November 2026 with a 10-day warm-up and a 150-day horizon.
fn escalation(period: &str) -> String {
    format!(
        r#"
[run]
name = "escalation"
start = "2026-11-01"
warm_up = "10 d"
horizon = "150 d"
replications = 2

[resources.bed]
count = 10
{period}

[arrivals.ed]
pathway = "stay"
per_day = 2.0

[[pathways.stay.steps]]
name = "bed"
activity = {{ resource = "bed", duration = {{ fixed = "1 d" }} }}

[[pathways.stay.steps]]
name = "home"
end = {{ outcome = "home" }}
"#
    )
}

/// The measured period is days 10 to 160 of the run (11 November 2026 to 10 April 2027).
/// The period covers days 30 (1 December) to 150 (31 March) inclusive: 121 of the 150 days,
/// so the time-average beds are 10 + 20 x 121 / 150 = 26.1333.
#[test]
fn escalation_beds_are_open_only_in_their_period() {
    let run = run_text(&escalation(
        r#"periods = [{ from = "2026-12-01", to = "2027-03-31", count = 30 }]"#,
    ));
    let expected = 10.0 + 20.0 * 121.0 / 150.0;
    for value in run.values("bed.available") {
        assert!((value - expected).abs() < 1e-6, "{value} vs {expected}");
    }
    // Without the period: 10 beds throughout.
    let plain = run_text(&escalation(""));
    for value in plain.values("bed.available") {
        assert!((value - 10.0).abs() < 1e-9, "{value}");
    }
}

/// Referrals made on Christmas Eve 2026 (a Thursday) between 16:00 and 17:00 to an office
/// open 09:00-17:00 on weekdays, each needing 2 working hours. England and Wales: Friday 25
/// and Monday 28 December are bank holidays (Boxing Day falls on a Saturday; GOV.UK), so
/// the hour left over is worked from 09:00 on Tuesday 29: every referral takes exactly
/// 114 hours, wherever in the hour it came. Without bank holidays it would be done at
/// 10:00 on Friday 25 (18 hours); with 29 December added as a holiday, on Wednesday 30
/// (138 hours).
fn christmas_eve(bank_holidays: &str) -> String {
    let mut hours = ["0"; 24];
    hours[16] = "1";
    format!(
        r#"
[run]
name = "christmas"
start = "2026-12-24"
horizon = "7 d"
replications = 2

{bank_holidays}

[calendars.office]
hours = [{{ days = ["weekdays"], start = "09:00", end = "17:00" }}]

[arrivals.ward]
pathway = "discharge"
per_day = 20.0
hour_profile = [{hours}]
day_profile = [0, 0, 0, 1, 0, 0, 0]

[[pathways.discharge.steps]]
name = "refer"
handoff = {{ hours = "office", processing = {{ fixed = "2 h" }} }}

[[pathways.discharge.steps]]
name = "home"
end = {{ outcome = "home" }}
"#,
        hours = hours.join(", ")
    )
}

#[test]
fn a_referral_on_christmas_eve_afternoon_is_processed_on_the_next_working_day() {
    for (section, hours) in [
        ("", 114.0),
        ("[bank_holidays]\nregion = \"scotland\"", 114.0),
        ("[bank_holidays]\nregion = \"none\"", 18.0),
        ("[bank_holidays]\nadd = [\"2026-12-29\"]", 138.0),
    ] {
        let run = run_text(&christmas_eve(section));
        let metric = run.metric("handoff.discharge.refer.delay.mean");
        assert!(
            (metric.mean - hours).abs() < 1e-6 && metric.sd < 1e-6,
            "{section:?}: delay {} h (sd {}), expected {hours} h",
            metric.mean,
            metric.sd
        );
        assert!(run.mean("handoff.discharge.refer.accepted") > 10.0);
    }
}

/// A team on duty 08:00-20:00 on weekdays (2 staff) and 10:00-14:00 at weekends (1), from
/// Monday 21 December 2026 for 14 days. Bank holidays (Friday 25, Monday 28 December, Friday
/// 1 January) follow the Sunday roster: 7 ordinary weekdays x 24 staff-hours and 7 weekend
/// or holiday days x 4 = 196 staff-hours over 336 hours. Without bank holidays, 10 weekdays
/// and 4 weekend days: 256 over 336. With `rosters = "saturday"` the same as Sunday here.
fn team(bank_holidays: &str) -> String {
    format!(
        r#"
[run]
name = "team"
start = "2026-12-21"
horizon = "14 d"
replications = 1

{bank_holidays}

[resources.team]
roster = [
  {{ days = ["weekdays"], start = "08:00", end = "20:00", count = 2 }},
  {{ days = ["weekends"], start = "10:00", end = "14:00", count = 1 }},
]

[arrivals.gp]
pathway = "visit"
per_day = 1.0

[[pathways.visit.steps]]
name = "see"
activity = {{ resource = "team", duration = {{ fixed = "10 min" }} }}

[[pathways.visit.steps]]
name = "done"
end = {{ outcome = "seen" }}
"#
    )
}

#[test]
fn rosters_follow_the_chosen_day_on_bank_holidays() {
    for (section, staff_hours) in [
        ("", 196.0),
        ("[bank_holidays]\nrosters = \"saturday\"", 196.0),
        ("[bank_holidays]\nregion = \"none\"", 256.0),
        // Scotland's 2 January 2027 is a Saturday (its substitute, Monday 4, is after the
        // run), so the same three holidays.
        ("[bank_holidays]\nregion = \"scotland\"", 196.0),
        // Removing Monday 28 December gives one more weekday.
        ("[bank_holidays]\nremove = [\"2026-12-28\"]", 196.0 + 20.0),
    ] {
        let run = run_text(&team(section));
        let available = run.mean("team.available");
        let expected = staff_hours / 336.0;
        assert!(
            (available - expected).abs() < 1e-9,
            "{section:?}: {available} vs {expected}"
        );
    }
}

/// A day-named roster on a winter period: 4 staff every day from 1 to 7 January 2027 in place
/// of the usual roster, in the same run; and an office closed for a dated week.
#[test]
fn dated_rosters_and_opening_hours_replace_the_usual_week() {
    let text = team("[bank_holidays]\nregion = \"none\"").replace(
        "\n[arrivals.gp]",
        "periods = [{ from = \"2027-01-01\", to = \"2027-01-07\", roster = [{ days = [\"every_day\"], start = \"00:00\", end = \"00:00 next day\", count = 4 }] }]\n\n[arrivals.gp]",
    );
    // 21 Dec to 31 Dec: 9 weekdays x 24 + 2 weekend days x 4 = 224; 1 to 3 Jan: 3 x 96.
    let run = run_text(&text);
    let expected = (224.0 + 3.0 * 96.0) / 336.0;
    let available = run.mean("team.available");
    assert!(
        (available - expected).abs() < 1e-9,
        "{available} vs {expected}"
    );
}

/// Demand of 24 a day with January weighted 2 and the other months 1: January at 2 x 12/13
/// of the yearly mean, February at 12/13. A run over January alone and one over February
/// alone each count their referrals within the interval.
fn seasonal(start: &str, days: u32, extra: &str) -> String {
    format!(
        r#"
[run]
name = "seasonal"
start = "{start}"
horizon = "{days} d"
replications = 40
seed = 5

[resources.desk]
count = 1000

[arrivals.gp]
pathway = "visit"
per_day = 24.0
month_profile = [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]

{extra}

[[pathways.visit.steps]]
name = "see"
activity = {{ resource = "desk", duration = {{ fixed = "1 min" }} }}

[[pathways.visit.steps]]
name = "done"
end = {{ outcome = "seen" }}
"#
    )
}

#[test]
fn month_of_year_demand_gives_each_month_its_share() {
    let january = run_text(&seasonal("2027-01-01", 31, ""));
    assert_agrees(&january, "visit.arrivals", 24.0 * 31.0 * 24.0 / 13.0, 0.03);
    let february = run_text(&seasonal("2027-02-01", 28, ""));
    assert_agrees(&february, "visit.arrivals", 24.0 * 28.0 * 12.0 / 13.0, 0.03);
}

/// A dated change of +15% from 10 to 20 February 2027 (11 days) on top of February's weight:
/// 28 days at 12/13 of 24 a day, 11 of them 1.15 times.
#[test]
fn a_dated_demand_change_applies_from_its_first_to_its_last_day() {
    let run = run_text(&seasonal(
        "2027-02-01",
        28,
        "[[demand_changes]]\nfrom = \"2027-02-10\"\nto = \"2027-02-20\"\nfactor = 1.15",
    ));
    let expected = 24.0 * 12.0 / 13.0 * (17.0 + 11.0 * 1.15);
    assert_agrees(&run, "visit.arrivals", expected, 0.03);
}

/// The start date sets the day of the week: a run from Tuesday 1 December 2026 is a run
/// with `start_day = "tuesday"`, and a run with neither is unchanged.
#[test]
fn the_start_date_sets_the_day_of_the_week() {
    let loaded = carepath::scenario::parse(
        "t.toml",
        &escalation("").replace("2026-11-01", "2026-12-01"),
    )
    .unwrap();
    assert_eq!(loaded.scenario.start_day, 1);
    assert_eq!(
        carepath::model::dates::day_label(loaded.scenario.start_date, 31.0 * 24.0),
        "2027-01-01"
    );
}

/// A dated run's `daily.csv` names each day by its date: the measured period starts on
/// 11 November 2026 (1 November plus the 10-day warm-up), and the escalation beds open on
/// 1 December, so the beds available read 10 on 30 November and 30 on 1 December.
#[test]
fn daily_series_of_a_dated_run_are_labelled_by_date() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("escalation.toml");
    std::fs::write(
        &scenario,
        escalation(r#"periods = [{ from = "2026-12-01", to = "2027-03-31", count = 30 }]"#),
    )
    .expect("the scenario is written");
    let out = dir.path().join("out");
    let output = crate::support::carepath(&[
        "run",
        scenario.to_str().expect("a UTF-8 path"),
        "-q",
        "--no-report",
        "-o",
        out.to_str().expect("a UTF-8 path"),
    ]);
    assert!(
        output.status.success(),
        "{:?}",
        crate::support::text(&output)
    );
    let daily = std::fs::read_to_string(out.join("daily.csv")).expect("daily.csv");
    let available = |date: &str| -> f64 {
        let prefix = format!("{date},resource.bed.available,mean,");
        let line = daily
            .lines()
            .find(|l| l.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no row for {date} in daily.csv"));
        line[prefix.len()..]
            .split(',')
            .next()
            .and_then(|v| v.parse().ok())
            .expect("a number")
    };
    let first = daily.lines().nth(1).expect("a first row");
    assert!(first.starts_with("2026-11-11,"), "first row: {first}");
    assert_eq!(available("2026-11-30"), 10.0);
    assert_eq!(available("2026-12-01"), 30.0);
    assert_eq!(available("2027-03-31"), 30.0);
    assert_eq!(available("2027-04-01"), 10.0);
}
