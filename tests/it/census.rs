//! The initial census: patients present at time zero are counted and leave as their
//! remaining time says.

use crate::support::run_text;

fn census(horizon: &str) -> String {
    format!(
        r#"
[run]
name = "census_test"
horizon = "{horizon}"
replications = 2
seed = 1

[resources.bed]
count = 10

[[pathways.ward.steps]]
name = "admit"
seize = {{ resource = "bed" }}

[[pathways.ward.steps]]
name = "stay"
delay = {{ duration = {{ log_normal = {{ mean = "5 d", sd = "2 d" }} }} }}

[[pathways.ward.steps]]
name = "leave"
release = {{ resource = "bed" }}

[[pathways.ward.steps]]
name = "home"
end = {{ outcome = "home" }}

[[initial]]
pathway = "ward"
step = "stay"
count = 5
elapsed = "3 d"
remaining = {{ fixed = "10 h" }}
holding = ["bed"]
"#
    )
}

/// Five patients three days into their stay with 10 hours left all leave at 10 hours, having
/// spent 82 hours in the pathway, and release their beds.
#[test]
fn census_patients_leave_when_their_remaining_time_is_up() {
    let run = run_text(&census("1 d"));
    assert_eq!(run.mean("ward.completed"), 5.0);
    assert_eq!(run.mean("ward.arrivals"), 5.0);
    assert_eq!(run.mean("system.in_system_at_end"), 0.0);
    assert!((run.mean("ward.time_in_pathway.mean") - 82.0).abs() < 1e-9);
    // 5 beds busy for 10 of 24 hours.
    assert!((run.mean("bed.busy") - 5.0 * 10.0 / 24.0).abs() < 1e-9);
}

/// Before their remaining time is up they are still inside, holding their beds.
#[test]
fn census_patients_are_still_inside_before_their_time() {
    let run = run_text(&census("5 h"));
    assert_eq!(run.mean("ward.completed"), 0.0);
    assert_eq!(run.mean("system.in_system_at_end"), 5.0);
    assert_eq!(run.mean("bed.busy"), 5.0);
}
