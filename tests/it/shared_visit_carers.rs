//! Home visits of two `visits` steps that use the same carers (issue 12, shared carers): one
//! rota a day serves both steps' visits, in order of due time then booking, so a carer is
//! never given two visits at once; and a carer resource also taken by a seize is refused
//! (see the error fixture `visits_carers_also_seized`).

use crate::support::run_text;

/// Two pathways, each with a `visits` step on the same carer.
fn two_steps(roster: &str, visits: &str) -> String {
    let step = |pathway: &str| {
        format!(
            r#"
[[pathways.{pathway}.steps]]
name = "home_care"
visits = {{ {visits} }}

[[pathways.{pathway}.steps]]
name = "done"
end = {{ outcome = "home" }}

[[initial]]
pathway = "{pathway}"
step = "home_care"
count = 1
"#
        )
    };
    format!(
        "[run]\nname = \"shared_carers\"\nhorizon = \"10 d\"\nreplications = 1\n\n[resources.carer]\nroster = [{roster}]\n{}{}",
        step("p1"),
        step("p2")
    )
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() < 1e-9
}

/// One carer 08:00-12:00; one patient in each step, each due a 1 h visit at 08:00 on each of
/// 2 days. The first booked (p1's, placed first by the census) is made at 08:00, on time; the
/// carer then makes p2's at 09:00, late by the first's length (1 h > 30 min). Over 2 days:
/// p1 2 made, none late; p2 2 made, 2 late by 1 h; the carer busy 4 h of 40 rostered, never
/// two visits at once (level 1 only). Each step on its own rota would make both on time and
/// count the carer twice at 08:00.
#[test]
fn two_steps_sharing_one_carer_take_turns() {
    let text = two_steps(
        r#"{ days = ["every_day"], start = "08:00", end = "12:00", count = 1 }"#,
        r#"length_of_stay = { fixed = "2 d" }, initial_per_day = 1, final_per_day = 1, visit = "1 h", resource = "carer", times = ["08:00"], late_after = "30 min""#,
    );
    let run = run_text(&text);
    for (step, late) in [("p1", 0.0), ("p2", 2.0)] {
        let m = format!("visits.{step}.home_care");
        assert!(
            close(run.mean(&format!("{m}.visits_per_day")), 0.2),
            "{step}"
        );
        assert_eq!(run.mean(&format!("{m}.missed")), 0.0, "{step}");
        assert_eq!(run.mean(&format!("{m}.late")), late, "{step}");
    }
    assert!(close(run.mean("visits.p2.home_care.lateness.mean"), 1.0));
    assert!(run.mean("visits.p1.home_care.lateness.mean").is_nan());
    assert!(close(run.mean("carer.utilisation"), 4.0 / 40.0));
    assert!(close(run.mean("carer.busy"), 4.0 / 240.0));
}

/// The same with two carers 08:00-12:00: the two visits due at 08:00 go one to each carer,
/// both on time; the carers are busy 4 h of 80 rostered.
#[test]
fn a_second_carer_takes_the_other_steps_visit_on_time() {
    let text = two_steps(
        r#"{ days = ["every_day"], start = "08:00", end = "12:00", count = 2 }"#,
        r#"length_of_stay = { fixed = "2 d" }, initial_per_day = 1, final_per_day = 1, visit = "1 h", resource = "carer", times = ["08:00"], late_after = "30 min""#,
    );
    let run = run_text(&text);
    assert_eq!(run.mean("visits.p1.home_care.late"), 0.0);
    assert_eq!(run.mean("visits.p2.home_care.late"), 0.0);
    assert!(close(run.mean("carer.utilisation"), 4.0 / 80.0));
}
