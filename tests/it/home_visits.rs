//! Home-visit episodes (`visits` steps, issue 12 item 3): the visits delivered against the
//! rate schedule worked by hand, IPACS's start rule (a patient starts on the first day its
//! whole plan fits; one behind it that fits is not held back) and double-handed visits
//! against daily slots, each against hand-worked values (visits at clock times within the
//! carers' roster are in `visit_times`). Patients are placed by the initial census so every
//! value is exact.

use crate::support::{repository_root, run_file, run_text};

/// A scenario of one `visits` step (`visits` is the inside of its table) with census groups
/// (`census`: TOML `[[initial]]` tables), 10 days measured, no warm-up, one replication.
pub fn scenario(resources: &str, visits: &str, census: &str) -> String {
    format!(
        r#"
[run]
name = "visits_test"
horizon = "10 d"
replications = 1
{resources}
[[pathways.p1.steps]]
name = "home_care"
visits = {{ {visits} }}

[[pathways.p1.steps]]
name = "done"
end = {{ outcome = "home" }}
{census}
"#
    )
}

pub fn census(count: u32, remaining: Option<&str>) -> String {
    let remaining = remaining.map_or(String::new(), |r| {
        format!("remaining = {{ fixed = \"{r}\" }}\n")
    });
    format!("\n[[initial]]\npathway = \"p1\"\nstep = \"home_care\"\ncount = {count}\n{remaining}")
}

pub const M: &str = "visits.p1.home_care";

/// With ample slots every planned visit is made. A 7-day stay tapering from 4 to 1 visits a
/// day is `round(seq(4, 1, length.out = 7))` = 4, 4 (3.5 to even), 3, 2 (2.5), 2, 2 (1.5), 1
/// = 18 visits (R's rounding, as IPACS); three patients make 54 in 10 days: 5.4 a day, a
/// caseload of 21 patient-days / 10 = 2.1, and all three leave at midnight after day 7.
#[test]
fn ample_slots_deliver_exactly_the_planned_visits() {
    let text = scenario(
        "",
        r#"length_of_stay = { fixed = "7 d" }, initial_per_day = 4, final_per_day = 1, visit = "45 min", travel = "15 min", slots_per_day = 1000"#,
        &census(3, None),
    );
    let run = run_text(&text);
    assert_eq!(run.mean(&format!("{M}.started")), 3.0);
    assert!((run.mean(&format!("{M}.visits_per_day")) - 5.4).abs() < 1e-12);
    assert!((run.mean(&format!("{M}.caseload")) - 2.1).abs() < 1e-12);
    assert_eq!(run.mean(&format!("{M}.missed")), 0.0);
    assert_eq!(run.mean(&format!("{M}.wait_to_start.mean")), 0.0);
    assert!((run.mean(&format!("{M}.carer_utilisation")) - 54.0 / 10_000.0).abs() < 1e-12);
    assert!((run.mean(&format!("{M}.travel_share")) - 0.25).abs() < 1e-12);
    assert_eq!(run.mean("p1.completed"), 3.0);
    assert!((run.mean("p1.time_in_pathway.mean") - 7.0 * 24.0).abs() < 1e-9);
}

/// Slots 5 a day, plans of 3, 2, 1 visits over 3 days. The first patient books days 0-2
/// (3, 2, 1), leaving 2 slots on day 0: one short of the second patient's first day, so it
/// waits and starts on day 1 (24 h), when its whole plan fits (3 <= 3, 2 <= 4, 1 <= 5). The
/// third, behind it, has one day left of its plan (1 visit) and fits on day 0: it starts at
/// once. Waits 0, 24, 0 h (mean 8 h); visits 6 + 6 + 1 = 13; slots used 13 of 50.
/// With 7 slots the second patient fits on day 0 (3 <= 4) and so does the third (1 <= 1):
/// nobody waits.
#[test]
fn a_patient_one_slot_short_waits_and_the_next_who_fits_starts() {
    let visits = |slots: u32| {
        format!(
            r#"length_of_stay = {{ fixed = "3 d" }}, initial_per_day = 3, final_per_day = 1, visit = "45 min", travel = "15 min", slots_per_day = {slots}"#
        )
    };
    let groups = format!("{}{}", census(2, None), census(1, Some("1 d")));
    let short = run_text(&scenario("", &visits(5), &groups));
    assert_eq!(short.mean(&format!("{M}.started")), 3.0);
    assert!((short.mean(&format!("{M}.wait_to_start.mean")) - 8.0).abs() < 1e-9);
    assert!((short.mean(&format!("{M}.visits_per_day")) - 1.3).abs() < 1e-12);
    assert!((short.mean(&format!("{M}.caseload")) - 0.7).abs() < 1e-12);
    assert!((short.mean(&format!("{M}.carer_utilisation")) - 0.26).abs() < 1e-12);
    let enough = run_text(&scenario("", &visits(7), &groups));
    assert_eq!(enough.mean(&format!("{M}.wait_to_start.mean")), 0.0);
    assert!((enough.mean(&format!("{M}.visits_per_day")) - 1.3).abs() < 1e-12);
}

/// Double-handed visits take two slots each. Slots 6; plans 3, 2, 1 become 6, 4, 2 slots.
/// The first patient takes days 0-2, leaving 0, 2, 4; the second needs 6 on its first day,
/// which only day 3 has with the days after it free (from day 1: 2 < 6; day 2: 4 < 6): it
/// waits 72 h. Single-handed, the same second patient fits on day 0 (3 <= 3, 2 <= 4,
/// 1 <= 5). Carer-visits are twice the visits.
#[test]
fn double_handed_visits_take_two_slots_each() {
    let visits = |double: f64| {
        format!(
            r#"length_of_stay = {{ fixed = "3 d" }}, initial_per_day = 3, final_per_day = 1, visit = "45 min", travel = "15 min", slots_per_day = 6, double_handed = {double}"#
        )
    };
    let double = run_text(&scenario("", &visits(1.0), &census(2, None)));
    assert!((double.mean(&format!("{M}.wait_to_start.mean")) - 36.0).abs() < 1e-9);
    assert!((double.mean(&format!("{M}.visits_per_day")) - 1.2).abs() < 1e-12);
    assert!((double.mean(&format!("{M}.carer_visits_per_day")) - 2.4).abs() < 1e-12);
    assert!((double.mean(&format!("{M}.carer_utilisation")) - 0.4).abs() < 1e-12);
    let single = run_text(&scenario("", &visits(0.0), &census(2, None)));
    assert_eq!(single.mean(&format!("{M}.wait_to_start.mean")), 0.0);
    assert!((single.mean(&format!("{M}.carer_visits_per_day")) - 1.2).abs() < 1e-12);
}

/// `truncate_at` redraws long stays as IPACS does: with stays drawn lognormal (mean 14 d,
/// sd 12 d) and truncated at 20 days, nobody stays 20 days or more; without it, some do.
#[test]
fn truncation_keeps_every_stay_below_its_limit() {
    let text = |truncate: &str| {
        format!(
            r#"
[run]
name = "truncation"
horizon = "200 d"
replications = 2

[arrivals.hospital]
pathway = "p1"
per_day = 3.0

[[pathways.p1.steps]]
name = "home_care"
visits = {{ length_of_stay = {{ log_normal = {{ mean = "14 d", sd = "12 d" }} }}, {truncate} initial_per_day = 2, final_per_day = 1, visit = "30 min", slots_per_day = 100000 }}

[[pathways.p1.steps]]
name = "done"
end = {{ outcome = "home" }}
"#
        )
    };
    let truncated = run_text(&text(r#"truncate_at = "20 d","#));
    let p95 = truncated.mean("p1.time_in_pathway.p95");
    assert!(p95 < 20.0 * 24.0, "p95 {p95} h is not below 20 days");
    let whole = run_text(&text(""));
    assert!(whole.mean("p1.time_in_pathway.p95") > 20.0 * 24.0);
}

/// Every shipped scenario with home visits runs and reports its visit figures.
#[test]
fn shipped_visit_scenarios_run() {
    let root = repository_root();
    for (file, metric) in [
        (
            "scenarios/ipacs_visits.toml",
            "visits.p1.home_care.visits_per_day",
        ),
        (
            "scenarios/east_london/baseline.toml",
            "visits.d2a_p1.reablement.visits_per_day",
        ),
    ] {
        let run = run_file(&root.join(file));
        let value = run.mean(metric);
        assert!(
            value.is_finite() && value > 0.0,
            "{file}: {metric} = {value}"
        );
    }
}
