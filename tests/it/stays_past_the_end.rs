//! Home-visit stays far past the run's end (a bad-input hunt: a 36,500-day stay took 19 s,
//! the engine planning every day of it). Days after the run are never measured: with a
//! roster they have no limit, and with slots only the slots they use matter (for later
//! plans' fits), kept as stretches of days rather than day by day (`model::visit_plan`).
//! So a century's stay gives exactly the figures of a stay just past the end whenever the
//! two use the days after the run alike, which flat visit rates ensure (every plan placed is
//! still under way on the run's last day in both, so no later plan fits differently).

use crate::support::run_text;

/// A 10-day run; about 3 referrals a day reach a `visits` step of `stay` with 2 visits a
/// day (flat), against `capacity`.
fn scenario(stay: &str, capacity: &str) -> String {
    format!(
        r#"
[run]
name = "long_stays"
horizon = "10 d"
replications = 3

[resources.carer]
roster = [{{ days = ["every_day"], start = "08:00", end = "20:00", count = 2 }}]

[arrivals.gp]
pathway = "p1"
per_day = 3.0

[[pathways.p1.steps]]
name = "home_care"
visits = {{ length_of_stay = {{ fixed = "{stay}" }}, initial_per_day = 2, final_per_day = 2, visit = "30 min", travel = "15 min", {capacity} }}

[[pathways.p1.steps]]
name = "done"
end = {{ outcome = "home" }}
"#
    )
}

/// Every figure of every replication, bit for bit, of a 36,500-day stay and a 12-day stay
/// (just past the 10-day run), with the carers' roster and with slots tight enough that
/// most patients wait for their plan to fit (so the days after the run decide fits).
#[test]
fn a_century_stay_gives_the_figures_of_a_stay_just_past_the_end() {
    for capacity in [
        r#"resource = "carer""#,
        r#"resource = "carer", start = "when_plan_fits""#,
        r#"slots_per_day = 20"#,
        r#"slots_per_day = 20, double_handed = 0.5, start = "at_once""#,
    ] {
        let long = run_text(&scenario("36500 d", capacity));
        let short = run_text(&scenario("12 d", capacity));
        let bits = |run: &crate::support::Run| {
            run.results
                .iter()
                .flat_map(|r| {
                    r.metrics
                        .iter()
                        .map(|m| (m.name.to_string(), m.value.to_bits()))
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(&long), bits(&short), "{capacity}");
        // Something happened: patients started; with 20 slots a day and nobody leaving
        // within the run, exactly 10 plans of 2 visits fit and the rest wait to the end.
        let started = long.mean("visits.p1.home_care.started");
        assert!(started >= 10.0, "{capacity}: {started} started");
        if capacity == "slots_per_day = 20" {
            assert_eq!(started, 10.0);
        }
    }
}
