//! Honest sweeps (issue 10 item 10): a point whose queues still grow at the end is flagged
//! unstable in the console, `sweep.csv` and the chart, and never called the cheapest; and
//! waiting for a resource can cost money (`cost_per_day_waiting`).

use crate::support::{run_into, run_text};

/// Three patients present at time zero ask for the one bed; each keeps it for 10 days.
/// By hand: A is served at once (0-10 d), B waits 0-10 d, C waits 0-20 d.
fn one_bed(horizon: &str, warm_up: &str, rate: &str) -> String {
    format!(
        r#"
[run]
name = "one_bed"
horizon = "{horizon}"
warm_up = "{warm_up}"
replications = 1

[resources.bed]
count = 1

[[pathways.ward.steps]]
name = "admit"
seize = {{ resource = "bed", cost_per_day_waiting = {rate} }}

[[pathways.ward.steps]]
name = "stay"
delay = {{ duration = {{ fixed = "10 d" }} }}

[[pathways.ward.steps]]
name = "leave"
release = {{ resource = "bed" }}

[[pathways.ward.steps]]
name = "home"
end = {{ outcome = "home" }}

[[initial]]
pathway = "ward"
step = "admit"
count = 3
"#
    )
}

/// Waiting cost is the rate times the patient-days spent waiting within the measured
/// period, counting waits that straddle the end of the warm-up or are still under way at
/// the end, and it is part of the total.
#[test]
fn waiting_cost_is_the_rate_times_the_days_waited_in_the_measured_period() {
    // Whole run measured: B 10 d + C 20 d = 30 patient-days at £100.
    let run = run_text(&one_bed("40 d", "0 d", "100.0"));
    assert!((run.mean("cost.wait.ward.admit") - 3000.0).abs() < 1e-6);
    assert!((run.mean("cost.total") - 3000.0).abs() < 1e-6);
    // Warm-up of 5 d: only the waits after day 5 count: B 5 d + C 15 d = 20 patient-days.
    let run = run_text(&one_bed("35 d", "5 d", "100.0"));
    assert!((run.mean("cost.wait.ward.admit") - 2000.0).abs() < 1e-6);
    // Run ends on day 15 with C still waiting: B 10 d + C 15 d so far = 25 patient-days.
    let run = run_text(&one_bed("15 d", "0 d", "100.0"));
    assert!((run.mean("cost.wait.ward.admit") - 2500.0).abs() < 1e-6);
    // A rate of 0 is a cost of 0, still reported (a key figure may name it).
    let run = run_text(&one_bed("40 d", "0 d", "0.0"));
    assert_eq!(run.mean("cost.wait.ward.admit"), 0.0);
    // No rate written, no cost item.
    let run = run_text(&one_bed("40 d", "0 d", "0.0").replace(", cost_per_day_waiting = 0.0", ""));
    assert!(
        run.summary
            .iter()
            .all(|m| m.metric != "cost.wait.ward.admit")
    );
}

/// A negative rate is refused at its place in the file.
#[test]
fn a_negative_waiting_cost_is_refused_where_it_is_written() {
    let error = carepath::scenario::parse("one_bed.toml", &one_bed("40 d", "0 d", "-5.0"))
        .expect_err("a negative rate is refused")
        .to_string();
    assert!(
        error.contains("`cost_per_day_waiting` must be from 0") && error.contains("one_bed.toml:"),
        "{error}"
    );
}

/// The per-quarter queue means behind the stability rule: a queue that builds up through
/// the run has its last quarter well above its second.
#[test]
fn quarter_queue_means_follow_a_growing_queue() {
    // One bed, a 10-day stay each, 1 arrival a day: the queue grows by about 0.9 a day.
    let text = r#"
[run]
name = "grows"
horizon = "80 d"
replications = 3

[resources.bed]
count = 1

[arrivals.walk_in]
pathway = "ward"
per_day = 1.0

[[pathways.ward.steps]]
name = "stay"
activity = { resource = "bed", duration = { fixed = "10 d" } }

[[pathways.ward.steps]]
name = "home"
end = { outcome = "home" }
"#;
    let run = run_text(text);
    let second = run.mean("bed.queue.second_quarter");
    let last = run.mean("bed.queue.last_quarter");
    // About 0.9 a day: mean queue near 27 over days 20-40, near 63 over days 60-80.
    assert!((15.0..40.0).contains(&second), "{second}");
    assert!((45.0..80.0).contains(&last), "{last}");
    let loaded = carepath::scenario::parse("grows.toml", text).unwrap();
    let growing = carepath::experiment::stability::growing_queues(&loaded.scenario, &run.results);
    assert_eq!(growing.len(), 1);
    assert_eq!(growing[0].resource, "bed");
}

/// Rehabilitation beds swept down into overload (the baseline's count capacity since its
/// reablement places became carers' visits, issue 12): with waiting for an acute bed costing
/// nothing and beds dear, the gridlocked point looks cheapest, as in the issue. They are flagged unstable
/// in the console, in `sweep.csv` and on the chart, and the lowest cost is chosen among the
/// stable points, with a sentence saying why the others were left out.
#[test]
fn an_overloaded_sweep_point_is_flagged_unstable_and_never_the_cheapest() {
    let finished = run_into(&[
        "sweep",
        "scenarios/east_london/baseline.toml",
        "--vary",
        "resources.rehab_bed.count=16..30:14",
        "--set",
        "pathways.acute.steps.admit.seize.cost_per_day_waiting=0",
        "--set",
        "resources.rehab_bed.cost_per_day_available=500",
        "--minimise-cost",
        "-r",
        "3",
    ]);
    let (stdout, out) = (&finished.stdout, finished.path());
    let csv = std::fs::read_to_string(out.join("sweep.csv")).unwrap();
    assert!(csv.starts_with(
        "resources.rehab_bed.count,metric,unit,mean,sd,ci95_low,ci95_high,replications,unstable\n"
    ));
    let cost = |point: &str| -> (f64, String) {
        let line = csv
            .lines()
            .find(|l| l.starts_with(&format!("{point},cost.total,")))
            .unwrap_or_else(|| panic!("no cost.total at {point}: {csv}"));
        let fields: Vec<&str> = line.split(',').collect();
        (fields[3].parse().unwrap(), fields[8].to_string())
    };
    let (overloaded, flag_80) = cost("16");
    let (stable, flag_130) = cost("30");
    assert_eq!(flag_80, "true", "16 beds is gridlock");
    assert_eq!(flag_130, "false");
    assert!(
        csv.lines()
            .filter(|l| l.starts_with("16,"))
            .all(|l| l.ends_with(",true")),
        "every row of an unstable point is flagged"
    );
    // The trap the rule guards against: the gridlocked point looks cheaper.
    assert!(overloaded < stable, "{overloaded} vs {stable}");
    assert!(
        stdout.contains("Lowest total cost at Rehabilitation beds = 30"),
        "{stdout}"
    );
    let words = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("Left out: Rehabilitation beds = 16, unstable: a queue was still growing"),
        "{stdout}"
    );
    assert!(
        words.contains("Rehabilitation beds = 16: queue for acute beds grew from"),
        "{stdout}"
    );
    let svg = std::fs::read_to_string(out.join("charts/sweep.svg")).unwrap();
    assert!(
        svg.contains("unstable: queue still growing"),
        "chart marks it"
    );
    assert!(svg.contains("Rehabilitation beds"), "axis titled by label");
    assert!(!svg.contains("resources.rehab_bed.count"));
}

/// A settled sweep flags nothing.
#[test]
fn a_sweep_of_settled_points_flags_none() {
    let finished = run_into(&[
        "sweep",
        "scenarios/mmc.toml",
        "--vary",
        "resources.clinician.count=10..11",
        "-r",
        "3",
        "--set",
        "run.horizon=\"200 d\"",
        "--no-report",
    ]);
    let csv = std::fs::read_to_string(finished.path().join("sweep.csv")).unwrap();
    assert!(csv.lines().skip(1).all(|l| l.ends_with(",false")));
    assert!(!finished.stdout.contains("unstable"), "{}", finished.stdout);
}
