//! Home visits at clock times inside the carers' shifts (a `visits` step with `resource`,
//! issue 12 item 3): each visit due at a time of day (evenly over the rostered hours, or at
//! stated `times`), given to a carer on shift and free at or after it, late when the carers
//! arrive more than `late_after` after it, missed when no carer can make it within a shift;
//! double-handed visits need two carers at once; and the carers' busy time in their own
//! figures, daily series and hour-of-week table. Every value is worked by hand in the test's
//! comment; patients are placed by the initial census at time 0.

use crate::home_visits::{M, census, scenario};
use crate::support::{each_replication, run_text};

/// One carer on every day from `start` to `end`, `count` of them.
fn carers(start: &str, end: &str, count: u32) -> String {
    format!(
        "\n[resources.carer]\nroster = [{{ days = [\"every_day\"], start = \"{start}\", end = \"{end}\", count = {count} }}]\n"
    )
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-9
}

/// The issue's example. One carer 08:00-12:00; five patients each due a 1 h visit at 08:00
/// (`times`), for 2 days. Each day the carer makes them at 08:00 (on time), 09:00, 10:00 and
/// 11:00 (late by 1, 2 and 3 h with a 30 min tolerance), and the fifth cannot end by 12:00:
/// missed. Over 2 days: 8 made, 6 late (mean 2 h), 2 missed; 8 carer-hours of 40 rostered.
#[test]
fn one_carer_makes_visits_due_together_in_turn_late_then_missed() {
    let visits = r#"length_of_stay = { fixed = "2 d" }, initial_per_day = 1, final_per_day = 1, visit = "1 h", resource = "carer", times = ["08:00"], late_after = "30 min""#;
    let run = run_text(&scenario(
        &carers("08:00", "12:00", 1),
        visits,
        &census(5, None),
    ));
    assert!(close(run.mean(&format!("{M}.visits_per_day")), 0.8));
    assert_eq!(run.mean(&format!("{M}.late")), 6.0);
    assert!(close(run.mean(&format!("{M}.late_share")), 0.75));
    assert!(close(run.mean(&format!("{M}.lateness.mean")), 2.0));
    assert_eq!(run.mean(&format!("{M}.missed")), 2.0);
    assert!(close(run.mean(&format!("{M}.missed_share")), 0.2));
    assert!(close(
        run.mean(&format!("{M}.carer_utilisation")),
        8.0 / 40.0
    ));
    assert!(close(run.mean("carer.utilisation"), 8.0 / 40.0));
    // A tolerance of 2 h: only the visit 3 h late is late.
    let lenient = visits.replace("30 min", "2 h");
    let run = run_text(&scenario(
        &carers("08:00", "12:00", 1),
        &lenient,
        &census(5, None),
    ));
    assert_eq!(run.mean(&format!("{M}.late")), 2.0);
    assert!(close(run.mean(&format!("{M}.lateness.mean")), 3.0));
}

/// Evenly over the rostered hours, and travel. One carer 08:00-16:00 (8 h); three patients due
/// 3 visits a day for 5 days, 45 min at the home after 15 min of travel. The visits are due
/// 1/6, 3/6 and 5/6 of the way through the 8 h: 09:20, 12:00 and 14:40. The carer sets off
/// 15 min before a visit is due at the earliest, so each takes the carer 1 h: the 09:20 visits
/// are made arriving 09:20, 10:20 and 11:20 (late 1 h and 2 h); the 12:00 ones at 12:20 (20 min,
/// not late), 13:20 and 14:20 (late 1 h 20 and 2 h 20); the carer is free at 15:05 and a 1 h
/// visit cannot end by 16:00, so the three 14:40 visits are missed. Each day: 6 made, 4 late
/// (20/3 h late in all), 3 missed; over 5 days 30 made (3 a day over 10 days), 20 late, 15
/// missed, 30 of 80 rostered hours used.
#[test]
fn visits_due_evenly_over_the_shift_are_made_in_turn_and_the_last_are_missed() {
    let visits = r#"length_of_stay = { fixed = "5 d" }, initial_per_day = 3, final_per_day = 3, visit = "45 min", travel = "15 min", resource = "carer""#;
    let run = run_text(&scenario(
        &carers("08:00", "16:00", 1),
        visits,
        &census(3, None),
    ));
    assert!(close(run.mean(&format!("{M}.visits_per_day")), 3.0));
    assert_eq!(run.mean(&format!("{M}.late")), 20.0);
    assert!(close(run.mean(&format!("{M}.late_share")), 20.0 / 30.0));
    assert!(close(run.mean(&format!("{M}.lateness.mean")), 5.0 / 3.0));
    assert_eq!(run.mean(&format!("{M}.missed")), 15.0);
    assert!(close(run.mean(&format!("{M}.missed_share")), 1.0 / 3.0));
    assert!(close(run.mean(&format!("{M}.capacity_per_day")), 8.0));
    assert!(close(
        run.mean(&format!("{M}.carer_utilisation")),
        30.0 / 80.0
    ));
    // The carer's own figures carry the visits made: 30 h over 240 h.
    assert!(close(run.mean("carer.busy"), 30.0 / 240.0));
    assert!(close(run.mean("carer.utilisation"), 30.0 / 80.0));
}

/// Double-handed visits need two carers at once. The same day as above with every visit
/// double-handed: one carer could make none, so that scenario is refused when read (the
/// roster never has two carers on together); two carers on the same shift move together and
/// make exactly what one carer made single-handed (6 a day, 4 late, 3 missed), using twice
/// the carer-hours (60 of 160).
#[test]
fn double_handed_visits_need_two_carers_at_the_same_time() {
    let visits = r#"length_of_stay = { fixed = "5 d" }, initial_per_day = 3, final_per_day = 3, visit = "45 min", travel = "15 min", resource = "carer", double_handed = 1"#;
    let alone = scenario(&carers("08:00", "16:00", 1), visits, &census(3, None));
    match carepath::scenario::parse("alone.toml", &alone) {
        Err(carepath::scenario::ScenarioError::Invalid { report, .. }) => assert!(
            report.contains("`carer` never has two carers together on duty"),
            "{report}"
        ),
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("one carer for double-handed visits was accepted"),
    }
    let pair = run_text(&scenario(
        &carers("08:00", "16:00", 2),
        visits,
        &census(3, None),
    ));
    assert!(close(pair.mean(&format!("{M}.visits_per_day")), 3.0));
    assert_eq!(pair.mean(&format!("{M}.late")), 20.0);
    assert_eq!(pair.mean(&format!("{M}.missed")), 15.0);
    assert!(close(pair.mean(&format!("{M}.carer_visits_per_day")), 6.0));
    assert!(close(pair.mean("carer.utilisation"), 60.0 / 160.0));
}

/// A double-handed visit waits for the second carer's shift. Carer A works 08:00-12:00 and B
/// 10:00-12:00; one patient due a double-handed 1 h visit at 08:00 each day for 3 days: it is
/// made at 10:00 (2 h late), not at 08:00 with A alone.
#[test]
fn a_double_handed_visit_starts_when_both_carers_are_on_shift() {
    let staff = r#"
[resources.carer]
roster = [
  { days = ["every_day"], start = "08:00", end = "12:00", count = 1 },
  { days = ["every_day"], start = "10:00", end = "12:00", count = 1 },
]
"#;
    let visits = r#"length_of_stay = { fixed = "3 d" }, initial_per_day = 1, final_per_day = 1, visit = "1 h", resource = "carer", times = ["08:00"], double_handed = 1"#;
    let run = run_text(&scenario(staff, visits, &census(1, None)));
    assert_eq!(run.mean(&format!("{M}.late")), 3.0);
    assert!(close(run.mean(&format!("{M}.lateness.mean")), 2.0));
    assert_eq!(run.mean(&format!("{M}.missed")), 0.0);
}

/// Skill mix at clock times. Carer and therapist both 08:00-16:00, `any_of = ["carer",
/// "therapist"]`, the day of the second test: each visit goes to whoever can set off first,
/// the carer on a tie. 09:20 visits: carer 09:05, therapist 09:05, carer 10:05 (late 1 h);
/// 12:00: carer 11:45, therapist 11:45, carer 12:45 (late 1 h); 14:40: carer 14:25, therapist
/// 14:25, and the last can end by 16:00 with neither: missed. Each day the carer makes 5, the
/// therapist 3; 2 late, 1 missed. Over 5 days: 25 of 80 h, 15 of 80 h, 10 late, 5 missed.
#[test]
fn an_alternative_takes_a_visit_when_it_can_set_off_first() {
    let staff = format!(
        "{}\n[resources.therapist]\nroster = [{{ days = [\"every_day\"], start = \"08:00\", end = \"16:00\", count = 1 }}]\n",
        carers("08:00", "16:00", 1)
    );
    let visits = r#"length_of_stay = { fixed = "5 d" }, initial_per_day = 3, final_per_day = 3, visit = "45 min", travel = "15 min", resource = { any_of = ["carer", "therapist"] }"#;
    let run = run_text(&scenario(&staff, visits, &census(3, None)));
    assert_eq!(run.mean(&format!("{M}.missed")), 5.0);
    assert_eq!(run.mean(&format!("{M}.late")), 10.0);
    assert!(close(run.mean(&format!("{M}.lateness.mean")), 1.0));
    assert!(close(
        run.mean(&format!("{M}.carer_utilisation.carer")),
        25.0 / 80.0
    ));
    assert!(close(
        run.mean(&format!("{M}.carer_utilisation.therapist")),
        15.0 / 80.0
    ));
    assert!(close(run.mean("carer.busy"), 25.0 / 240.0));
    assert!(close(run.mean("therapist.utilisation"), 15.0 / 80.0));
}

/// A patient starting part-way through a day has that day only the visits still to come.
/// One patient reaches the visits at 13:00 (after a 13 h census delay); one carer 08:00-16:00,
/// 3 visits a day due 09:20, 12:00 and 14:40, for 2 days: 1 visit on day 0 (14:40), 3 on day 1,
/// all on time: 4 in 10 days.
#[test]
fn a_start_during_the_day_has_only_the_visits_still_to_come() {
    let text = format!(
        r#"
[run]
name = "visits_test"
horizon = "10 d"
replications = 1
{}
[[pathways.p1.steps]]
name = "ward"
delay = {{ duration = {{ fixed = "1 d" }} }}

[[pathways.p1.steps]]
name = "home_care"
visits = {{ length_of_stay = {{ fixed = "2 d" }}, initial_per_day = 3, final_per_day = 3, visit = "45 min", travel = "15 min", resource = "carer" }}

[[pathways.p1.steps]]
name = "done"
end = {{ outcome = "home" }}

[[initial]]
pathway = "p1"
step = "ward"
count = 1
remaining = {{ fixed = "13 h" }}
"#,
        carers("08:00", "16:00", 1)
    );
    let run = run_text(&text);
    assert!(close(run.mean(&format!("{M}.visits_per_day")), 0.4));
    assert_eq!(run.mean(&format!("{M}.late")), 0.0);
    assert_eq!(run.mean(&format!("{M}.missed")), 0.0);
    assert!(run.mean(&format!("{M}.lateness.mean")).is_nan());
}

/// The carers' busy time is in their hour-of-week table and daily series as for seized
/// units (issue 12 item 3: the staff charts showed visit carers idle). The first test's
/// carer is busy 08:00-12:00 on days 0 and 1: in 10 days each hour of the week is seen once
/// or twice (days 0 and 7, 1 and 8, ...), so those 8 hours of the week average 0.5 busy and
/// every other hour 0; the daily series has 4/24 in use on days 0 and 1, at most 1, and
/// nothing after; 8 of 240 hours have one carer in use, and 8 of the 40 on duty all of them.
#[test]
fn visit_carers_are_busy_in_the_by_hour_table_and_daily_series() {
    let visits = r#"length_of_stay = { fixed = "2 d" }, initial_per_day = 1, final_per_day = 1, visit = "1 h", resource = "carer", times = ["08:00"]"#;
    let results = each_replication(&scenario(
        &carers("08:00", "12:00", 1),
        visits,
        &census(5, None),
    ));
    let result = &results[0];
    let busy = &result.by_hour[0].busy;
    let hours: Vec<usize> = (0..busy.len()).filter(|&h| busy[h] > 0.0).collect();
    assert_eq!(hours.len(), 8, "busy hours of the week: {hours:?}");
    assert!(hours.iter().all(|&h| close(busy[h], 0.5)));
    // Two runs of 4 hours, a day apart (the week may wrap between them).
    let two_mornings = |first: usize| {
        (0..4).all(|i| {
            hours.contains(&((first + i) % 168)) && hours.contains(&((first + 24 + i) % 168))
        })
    };
    assert!(hours.iter().any(|&h| two_mornings(h)), "{hours:?}");
    // Daily series of the carer: [series][day][mean, max], series 1 is in use.
    let days = 10;
    let in_use = |day: usize| {
        (
            result.daily[(days + day) * 2],
            result.daily[(days + day) * 2 + 1],
        )
    };
    assert!(close(in_use(0).0, 4.0 / 24.0) && in_use(0).1 == 1.0);
    assert!(close(in_use(1).0, 4.0 / 24.0) && in_use(1).1 == 1.0);
    assert_eq!(in_use(2), (0.0, 0.0));
    let levels = &result.levels[0];
    assert!(close(levels.in_use[1], 8.0 / 240.0));
    assert!(close(levels.in_use[0], 232.0 / 240.0));
    assert!(close(levels.full, 8.0 / 240.0));
}

/// A stated time is refused only if no shift could ever make a visit due then (the
/// `visit_times_no_shift_covers` fixture has the refusal as `check` prints it). One carer
/// 08:00-20:00, visits of 45 min after 15 min of travel, two a day for 2 days: due at 19:15
/// the carer sets off at 19:00 and ends at 20:00, as the shift ends, so it is made on time;
/// due at 06:00 (before the shift) the carer sets off at 08:00 and arrives at 08:15, 2.25 h
/// late. Over 2 days: 4 made, 2 late (mean 2.25 h), none missed. Due at 19:16 it could end no earlier than 20:01, after every
/// shift of the run: refused when read, naming the time, the carers and the fix.
#[test]
fn a_time_ending_as_the_shift_ends_is_accepted_and_a_minute_later_refused() {
    let visits = |times: &str| {
        format!(
            r#"length_of_stay = {{ fixed = "2 d" }}, initial_per_day = 2, final_per_day = 2, visit = "45 min", travel = "15 min", resource = "carer", times = [{times}]"#
        )
    };
    let run = run_text(&scenario(
        &carers("08:00", "20:00", 1),
        &visits(r#""06:00", "19:15""#),
        &census(1, None),
    ));
    assert_eq!(run.mean(&format!("{M}.missed")), 0.0);
    assert_eq!(run.mean(&format!("{M}.late")), 2.0);
    assert!(close(run.mean(&format!("{M}.lateness.mean")), 2.25));
    assert!(close(run.mean(&format!("{M}.visits_per_day")), 0.4));
    let late = scenario(
        &carers("08:00", "20:00", 1),
        &visits(r#""06:00", "19:16""#),
        &census(1, None),
    );
    match carepath::scenario::parse("late.toml", &late) {
        Err(carepath::scenario::ScenarioError::Invalid { report, .. }) => {
            assert!(
                report.contains("visits `p1.home_care` due at \"19:16\" can never be made")
                    && report.contains("no shift of `carer` on any day of the run"),
                "{report}"
            );
            assert!(
                report.contains(
                    "move \"19:16\" to 19:15 or earlier, or add a shift to `carer` ending at 20:01 or later"
                ),
                "{report}"
            );
        }
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("a visit due at 19:16 that no shift can make was accepted"),
    }
}
