//! Surge (flex) capacity (issue 13 item 4): the rule opens and closes at the times a hand
//! trace gives, counts "waited longer than" correctly, never has more than base plus flex
//! units, and costs unit-days times the rate; a rule on a shared resource is refused (the
//! other mistakes in a rule are error fixtures, tests/it/errors.rs).

use carepath::scenario::{ScenarioError, parse};

use crate::support::{each_replication, run_text};

/// One bed, six patients already waiting at time zero for a fixed 4-hour treatment; two
/// surge beds called when more than 3 wait, arriving 2 hours later, open at least 5 hours,
/// closing when fewer than 2 wait; 240 GBP a bed-day.
const TRACED: &str = r#"
[run]
name = "surge_trace"
horizon = "12 h"
replications = 1

[resources.bed]
count = 1
surge = { units = 2, open_above = 3, close_below = 2, open_delay = "2 h", min_open = "5 h", cost_per_unit_day = 240 }

[[pathways.ward.steps]]
name = "treat"
activity = { resource = "bed", duration = { fixed = "4 h" } }

[[pathways.ward.steps]]
name = "home"
end = { outcome = "home" }

[[initial]]
pathway = "ward"
step = "treat"
count = 6
"#;

/// The hand trace of `TRACED`:
///
/// | time | what happens                                                | capacity | queue |
/// |------|-------------------------------------------------------------|----------|-------|
/// | 0    | P1 starts; P2-P6 queue; 4 waiting > 3 calls the surge beds   | 1        | 5     |
/// | 2    | surge beds arrive (open until at least 7); P2, P3 start      | 3        | 3     |
/// | 4    | P1 done; P4 starts                                          | 3        | 2     |
/// | 6    | P2, P3 done; P5, P6 start (queue 0, but open until 7)       | 3        | 0     |
/// | 7    | minimum time over, queue 0 < 2: the rule closes; all 3 beds are in use, so both surge beds stay until freed | 3 | 0 |
/// | 8    | P4 done: its bed is free, so a surge bed closes              | 2        | 0     |
/// | 10   | P5, P6 done: the other surge bed closes                      | 1        | 0     |
///
/// So surge beds are on duty from 2 to 10 (8 hours): 2 beds for 6 hours and 1 for 2, 14
/// bed-hours = 14/24 bed-days, 140 GBP; waits 0, 2, 2, 4, 6, 6 hours; capacity 1x2 + 3x6 +
/// 2x2 + 1x2 = 26 unit-hours; no overtime (a surge bed in use when the rule closes is still
/// a surge bed, not the one base bed working beyond its capacity).
#[test]
fn surge_opens_and_closes_as_the_hand_trace_says() {
    let run = run_text(TRACED);
    let close = |name: &str, want: f64| {
        let got = run.mean(name);
        assert!(
            (got - want).abs() < 1e-9,
            "{name}: {got}, hand trace {want}"
        );
    };
    close("bed.surge.days", 8.0 / 24.0);
    close("bed.surge.unit_days", 14.0 / 24.0);
    close("cost.bed.surge", 140.0);
    close("wait.ward.treat.mean", 20.0 / 6.0);
    close("bed.available", 26.0 / 12.0);
    close("bed.overtime", 0.0);
    close("ward.completed", 6.0);
    close("bed.queue.max", 5.0);
    // The surge beds are costed at their own rate only: the bed has no other cost here.
    close("cost.total", 140.0);
}

/// Issue 13, a hunt for breaking inputs (finding 4): with `close_below` equal to
/// `open_above` and no `min_open`, the surge beds that arrive take the whole queue, so the
/// rule closes in the instant it opens. The beds in use stay surge beds until freed (they
/// were counted as overtime of the base bed, with no surge days and no surge cost).
///
/// One bed, two surge beds called when more than 1 waits and closed when fewer than 1 waits;
/// three patients at time zero for a fixed 4 hours:
///
/// | time | what happens                                                             | capacity |
/// |------|--------------------------------------------------------------------------|----------|
/// | 0    | P1 starts; P2, P3 wait: 2 > 1 calls the surge beds, which come at once;   | 3        |
/// |      | P2, P3 start; 0 waiting < 1 closes the rule, but all 3 beds are in use     |          |
/// | 4    | P1 done: a surge bed closes; P2 done: the other closes; P3 done           | 1        |
///
/// Surge 0 to 4: 4/24 days, 2 beds x 4 h = 8/24 bed-days, 80 GBP at 240; available
/// 3x4 + 1x8 = 20 unit-hours over 12 h; busy 12 unit-hours; no overtime; no waits.
#[test]
fn surge_beds_in_use_when_the_rule_closes_stay_surge_beds_until_freed() {
    let text = with_rule(
        "surge = { units = 2, open_above = 1, close_below = 1, cost_per_unit_day = 240 }",
    )
    .replace("count = 6", "count = 3");
    let run = run_text(&text);
    let close = |name: &str, want: f64| {
        let got = run.mean(name);
        assert!(
            (got - want).abs() < 1e-9,
            "{name}: {got}, hand trace {want}"
        );
    };
    close("bed.surge.days", 4.0 / 24.0);
    close("bed.surge.unit_days", 8.0 / 24.0);
    close("cost.bed.surge", 80.0);
    close("bed.available", 20.0 / 12.0);
    close("bed.busy", 12.0 / 12.0);
    close("bed.overtime", 0.0);
    close("wait.ward.treat.mean", 0.0);
    close("ward.completed", 3.0);
}

/// The same, counting only those who have waited longer than 3 hours: one bed, one surge bed
/// called when more than 1 has waited over 3 h, no delay, no minimum, closed when none has.
///
/// | time | what happens                                                        |
/// |------|---------------------------------------------------------------------|
/// | 0    | P1 starts (to 4); P2-P4 wait                                        |
/// | 3    | P2, P3, P4 pass 3 h: 2 > 1 calls the surge bed, which opens at once; P2 starts (to 7) |
/// | 4    | P1 done; P3 starts (to 8); P4 still over 3 h: 1, not below 1         |
/// | 7    | P2 done; P4 starts (to 11): none over 3 h waits, the rule closes; both beds in use |
/// | 8    | P3 done: the surge bed is free and closes                            |
///
/// Open 3 to 8: 5 hours, 10 GBP at 48 a day; waits 0, 3, 4, 7; no overtime.
#[test]
fn surge_counts_only_those_waiting_longer_than_stated() {
    let text = TRACED
        .replace(
            "surge = { units = 2, open_above = 3, close_below = 2, open_delay = \"2 h\", min_open = \"5 h\", cost_per_unit_day = 240 }",
            "surge = { units = 1, open_above = 1, close_below = 1, waited_over = \"3 h\", cost_per_unit_day = 48 }",
        )
        .replace("count = 6", "count = 4");
    let run = run_text(&text);
    let close = |name: &str, want: f64| {
        let got = run.mean(name);
        assert!(
            (got - want).abs() < 1e-9,
            "{name}: {got}, hand trace {want}"
        );
    };
    close("bed.surge.days", 5.0 / 24.0);
    close("bed.surge.unit_days", 5.0 / 24.0);
    close("cost.bed.surge", 10.0);
    close("bed.overtime", 0.0);
    close("wait.ward.treat.mean", 14.0 / 4.0);
    close("ward.completed", 4.0);
}

/// A busy bed ward with Poisson arrivals and a surge rule on a roster.
const RANDOM: &str = r#"
[run]
name = "surge_random"
horizon = "60 d"
warm_up = "5 d"
replications = 6
seed = 7

[resources.bed]
roster = [
  { days = ["weekdays"], start = "00:00", end = "24:00", count = 10 },
  { days = ["weekends"], start = "00:00", end = "24:00", count = 8 },
]
surge = { units = 3, open_above = 4, close_below = 2, waited_over = "2 h", open_delay = "6 h", min_open = "1 d", cost_per_unit_day = 600 }

[arrivals.ed]
pathway = "ward"
per_day = 4.6

[[pathways.ward.steps]]
name = "stay"
activity = { resource = "bed", duration = { exponential = { mean = "2 d" } } }

[[pathways.ward.steps]]
name = "home"
end = { outcome = "home" }
"#;

/// Invariants over random replications: the surge was used; its unit-days are at most its
/// days times its units (fewer while closed units finish with their patients), its cost
/// unit-days times the rate; the units added to the roster's
/// (time-average available minus the roster's) are exactly the surge unit-days; and no day
/// ever had more than the roster's most plus the surge units.
#[test]
fn surge_never_exceeds_base_plus_flex_and_costs_unit_days_times_rate() {
    let loaded = parse("test.toml", RANDOM).expect("the scenario loads");
    let scenario = &loaded.scenario;
    let names = carepath::model::daily_series_names(scenario);
    let capacity = names
        .iter()
        .position(|n| n == "resource.bed.available")
        .expect("a daily series of beds available");
    let statistics = carepath::model::DAILY_STATISTICS.len();
    let max = carepath::model::DAILY_STATISTICS
        .iter()
        .position(|s| *s == "max")
        .expect("a daily maximum");
    let horizon_days = 60.0;
    // Roster: 10 on weekdays, 8 at weekends; the measured 60 days start on day 5 (Saturday).
    let rostered_days: f64 = (5..65)
        .map(|day| if day % 7 >= 5 { 8.0 } else { 10.0 })
        .sum();
    let mut used = 0;
    for result in each_replication(RANDOM) {
        let value = |name: &str| {
            result
                .metrics
                .iter()
                .find(|m| &*m.name == name)
                .map(|m| m.value)
                .unwrap_or_else(|| panic!("no metric {name}"))
        };
        let (days, unit_days, cost) = (
            value("bed.surge.days"),
            value("bed.surge.unit_days"),
            value("cost.bed.surge"),
        );
        if days > 0.0 {
            used += 1;
        }
        assert!(unit_days <= 3.0 * days + 1e-9, "{unit_days} > 3 x {days}");
        assert!(unit_days >= days - 1e-9, "{unit_days} < {days}");
        assert!((cost - 600.0 * unit_days).abs() < 1e-6);
        let extra = value("bed.available") * horizon_days - rostered_days;
        assert!(
            (extra - unit_days).abs() < 1e-6,
            "available beyond the roster {extra} unit-days, surge {unit_days}"
        );
        let days_recorded = result.daily.len() / names.len() / statistics;
        for day in 0..days_recorded {
            let most = result.daily[(capacity * days_recorded + day) * statistics + max];
            assert!(most <= 13.0, "day {day}: {most} beds available");
        }
    }
    assert!(
        used >= 4,
        "the surge opened in only {used} of 6 replications"
    );
}

/// A scenario with the surge rule `rule` on its one resource.
fn with_rule(rule: &str) -> String {
    TRACED.replace(
        "surge = { units = 2, open_above = 3, close_below = 2, open_delay = \"2 h\", min_open = \"5 h\", cost_per_unit_day = 240 }",
        rule,
    )
}

/// The report of a scenario that must be refused.
fn refused(text: &str) -> String {
    match parse("test.toml", text) {
        Err(ScenarioError::Invalid { report, .. }) => report,
        Err(other) => panic!("refused for another reason: {other}"),
        Ok(_) => panic!("accepted:\n{text}"),
    }
}

// Every other mistake in a surge rule is an error fixture: `surge_rule_mistakes`,
// `surge_unknown_key`, `surge_missing_key` and `surge_open_above_not_whole` under
// tests/fixtures/invalid/ (tests/it/errors.rs).

/// A rule on a resource that a step asks for in several units is refused (its queue is
/// shared by requests, which the rule does not watch).
#[test]
fn surge_rule_on_a_shared_resource_is_refused() {
    let text = with_rule("surge = { units = 2, open_above = 3, close_below = 2 }")
        .replace("count = 1\n", "count = 2\n")
        .replace(
            "activity = { resource = \"bed\", duration",
            "activity = { resource = \"bed\", units = 2, duration",
        );
    let report = refused(&text);
    assert!(
        report.contains("a surge rule on `bed` is not supported"),
        "{report}"
    );
    assert!(report.contains("--> test.toml:9:9"), "{report}");
    assert!(
        report.contains("help: put the surge rule on a resource"),
        "{report}"
    );
}
