//! Requests for several units, several resources at once, and alternatives (issue 12 items
//! 1 and 2): a multi-rate loss system against its exact Markov chain, all-or-nothing
//! granting, `any_of` against M/M/(c1+c2), the two queue orders on hand-traced examples,
//! and priorities, deadlines and releases with such requests.

use crate::support::{assert_agrees, run_text};
use carepath::validate::theory::erlang_c;

/// Blocking probability of each class of a multi-rate loss system with `capacity` servers:
/// class k arrives at rate `lambdas[k]`, takes `units[k]` servers for an exponential time of
/// mean 1, and is lost if they are not free. Solved here as a Markov chain on the states
/// (n_0, n_1, ...) with sum n_k units_k <= capacity, by Gauss-Seidel sweeps of the global
/// balance equations (the chain is small). Its answer is the product form of Kaufman (1981)
/// and Roberts (1981), "the Kaufman-Roberts recursion", pi(n) ~ prod a_k^n_k / n_k!.
fn loss_blocking(capacity: u32, lambdas: &[f64], units: &[u32]) -> Vec<f64> {
    // Enumerate the states.
    let mut states: Vec<Vec<u32>> = vec![vec![]];
    for &u in units {
        let mut next = Vec::new();
        for s in &states {
            let used: u32 = s.iter().zip(units).map(|(n, u)| n * u).sum();
            for n in 0..=(capacity - used) / u {
                let mut t = s.clone();
                t.push(n);
                next.push(t);
            }
        }
        states = next;
    }
    let index = |s: &[u32]| states.iter().position(|t| t == s);
    let used = |s: &[u32]| -> u32 { s.iter().zip(units).map(|(n, u)| n * u).sum() };
    let mut pi = vec![1.0 / states.len() as f64; states.len()];
    for _ in 0..5000 {
        for i in 0..states.len() {
            let s = &states[i];
            // Rate out of s.
            let mut out = 0.0;
            for k in 0..units.len() {
                if used(s) + units[k] <= capacity {
                    out += lambdas[k];
                }
                out += f64::from(s[k]);
            }
            // Rate into s from its neighbours.
            let mut inflow = 0.0;
            for k in 0..units.len() {
                if s[k] > 0 {
                    let mut from = s.clone();
                    from[k] -= 1;
                    inflow += pi[index(&from).unwrap()] * lambdas[k];
                }
                let mut from = s.clone();
                from[k] += 1;
                if let Some(j) = index(&from) {
                    inflow += pi[j] * f64::from(from[k]);
                }
            }
            pi[i] = inflow / out;
        }
        let total: f64 = pi.iter().sum();
        pi.iter_mut().for_each(|p| *p /= total);
    }
    (0..units.len())
        .map(|k| {
            states
                .iter()
                .zip(&pi)
                .filter(|(s, _)| used(s) + units[k] > capacity)
                .map(|(_, p)| p)
                .sum()
        })
        .collect()
}

/// The chain solver itself: one class of one unit is the Erlang loss system, B(2, 1) = 0.2.
#[test]
fn loss_chain_solver_gives_erlang_b() {
    let b = loss_blocking(2, &[1.0], &[1]);
    assert!((b[0] - 0.2).abs() < 1e-9, "{b:?}");
}

/// Double-handed visits: 5 carers; single-handed visits (1 per hour) and double-handed ones
/// (`units = 2`, 0.75 per hour), each an exponential hour, lost when the carers they need are
/// not free (`deadline = "0 h"`). The share lost in each class matches the exact chain.
/// With an odd number of carers, Erlang B with c/2 "pairs" would be wrong.
#[test]
fn double_handed_visits_match_the_multi_rate_loss_chain() {
    let text = r#"
[run]
name = "double_handed"
horizon = "1500 d"
warm_up = "5 d"
replications = 12
seed = 21

[resources.carer]
count = 5

[arrivals.single]
pathway = "single"
per_day = 24.0

[arrivals.double]
pathway = "double"
per_day = 18.0

[[pathways.single.steps]]
name = "visit"
activity = { resource = "carer", duration = { exponential = { mean = "1 h" } }, deadline = "0 h", fallback = "lost" }
next = "done"

[[pathways.single.steps]]
name = "lost"
end = { outcome = "lost" }

[[pathways.single.steps]]
name = "done"
end = { outcome = "visited" }

[[pathways.double.steps]]
name = "visit"
activity = { resource = "carer", units = 2, duration = { exponential = { mean = "1 h" } }, deadline = "0 h", fallback = "lost" }
next = "done"

[[pathways.double.steps]]
name = "lost"
end = { outcome = "lost" }

[[pathways.double.steps]]
name = "done"
end = { outcome = "visited" }
"#;
    let run = run_text(text);
    let blocking = loss_blocking(5, &[1.0, 0.75], &[1, 2]);
    for (class, theory) in ["single", "double"].iter().zip(&blocking) {
        let lost = run.values(&format!("wait.{class}.visit.fallbacks"));
        let all = run.values(&format!("wait.{class}.visit.waits"));
        let shares: Vec<f64> = lost.iter().zip(&all).map(|(l, a)| l / a).collect();
        let mean = shares.iter().sum::<f64>() / shares.len() as f64;
        let sd = (shares.iter().map(|s| (s - mean).powi(2)).sum::<f64>()
            / (shares.len() - 1) as f64)
            .sqrt();
        let half = 2.2 * sd / (shares.len() as f64).sqrt();
        assert!(
            (mean - theory).abs() <= half.max(0.01 * theory)
                && (mean - theory).abs() < 0.03 * theory,
            "{class}: lost share {mean} +- {half}, chain {theory}"
        );
    }
    // Carers busy: each class's carried load times its units.
    let busy = 1.0 * (1.0 - blocking[0]) + 0.75 * 2.0 * (1.0 - blocking[1]);
    assert_agrees(&run, "carer.busy", busy, 0.02);
}

/// A visit needing a nurse and a car at once, with nurses scarce (2) and cars plenty (4):
/// granted all at once, a car is never held while a nurse is awaited, so the cars' busy
/// units equal the nurses' in every replication, and both equal the offered load
/// lambda E[S] = 1.5, while the nurses' queue matches Erlang C for M/M/2.
#[test]
fn all_at_once_request_holds_nothing_while_waiting() {
    let text = r#"
[run]
name = "nurse_and_car"
horizon = "1500 d"
warm_up = "10 d"
replications = 12
seed = 8

[resources.nurse]
count = 2

[resources.car]
count = 4

[arrivals.calls]
pathway = "visits"
per_day = 36.0

[[pathways.visits.steps]]
name = "visit"
activity = { resources = ["nurse", "car"], duration = { exponential = { mean = "1 h" } } }

[[pathways.visits.steps]]
name = "done"
end = { outcome = "visited" }
"#;
    let run = run_text(text);
    for (nurse, car) in run.values("nurse.busy").iter().zip(run.values("car.busy")) {
        assert!(
            (nurse - car).abs() < 1e-9,
            "nurse busy {nurse}, car busy {car}"
        );
    }
    assert_agrees(&run, "car.busy", 1.5, 0.02);
    let (_, wq) = erlang_c(1.5, 1.0, 2);
    assert_agrees(&run, "wait.visits.visit.mean", wq, 0.03);
}

/// `any_of` over two identical pools (2 nurses, 3 therapists, exponential hour, 4 per
/// hour) is one pool of 5: the wait matches Erlang C for M/M/5, and each alternative's use
/// is reported, adding up to everyone served, the preferred one (nurse) doing more per unit.
#[test]
fn any_of_two_identical_pools_matches_mmc_with_their_sum() {
    let text = r#"
[run]
name = "skill_mix"
horizon = "1500 d"
warm_up = "10 d"
replications = 12
seed = 3

[resources.nurse]
count = 2

[resources.therapist]
count = 3

[arrivals.calls]
pathway = "visits"
per_day = 96.0

[[pathways.visits.steps]]
name = "visit"
activity = { resource = { any_of = ["nurse", "therapist"] }, duration = { exponential = { mean = "1 h" } } }

[[pathways.visits.steps]]
name = "done"
end = { outcome = "visited" }
"#;
    let run = run_text(text);
    let (p_wait, wq) = erlang_c(4.0, 1.0, 5);
    assert_agrees(&run, "wait.visits.visit.mean", wq, 0.03);
    assert_agrees(&run, "wait.visits.visit.share_waiting", p_wait, 0.03);
    let waits = run.values("wait.visits.visit.waits");
    let by_nurse = run.values("wait.visits.visit.served_by.nurse");
    let by_therapist = run.values("wait.visits.visit.served_by.therapist");
    for ((w, n), t) in waits.iter().zip(&by_nurse).zip(&by_therapist) {
        // Both are counted when a visit starts, after the warm-up.
        assert_eq!(
            n + t,
            *w,
            "served by nurse {n} + by therapist {t}, waits {w}"
        );
        assert!(
            n / 2.0 > t / 3.0,
            "nurse per unit {} not above therapist {}",
            n / 2.0,
            t / 3.0
        );
    }
}

/// The hand-traced queue-order example. Two carers; at time zero a carer is held for 2 h
/// by a patient already on a visit; then a double-handed visit (1 h, waiting 2 h already)
/// and a single-handed one (1 h, waiting 1 h already) ask.
/// - first come, first served: the double waits for both carers, and the single waits
///   behind it although one carer is free: double starts at 2 (wait 2 + 2 = 4 h), single
///   at 3 when the double ends (1 + 3 = 4 h);
/// - first fit: the single starts at once (wait 1 h); the double still starts at 2 (4 h).
fn queue_order_scenario(order: &str, extra_on_double: &str) -> String {
    format!(
        r#"
[run]
name = "queue_order"
horizon = "12 h"
replications = 1

[resources.carer]
count = 2
queue = "{order}"

[arrivals.none]
pathway = "busy"
per_day = 0.000001

[[pathways.busy.steps]]
name = "take"
seize = {{ resource = "carer" }}

[[pathways.busy.steps]]
name = "work"
delay = {{ duration = {{ fixed = "2 h" }} }}

[[pathways.busy.steps]]
name = "free"
release = {{ resource = "carer" }}

[[pathways.busy.steps]]
name = "done"
end = {{ outcome = "done" }}

[[pathways.visits.steps]]
name = "double"
activity = {{ resource = "carer", units = 2, duration = {{ fixed = "1 h" }}{extra_on_double} }}
next = "done"

[[pathways.visits.steps]]
name = "single"
activity = {{ resource = "carer", duration = {{ fixed = "1 h" }} }}
next = "done"

[[pathways.visits.steps]]
name = "gave_up"
end = {{ outcome = "gave_up" }}

[[pathways.visits.steps]]
name = "done"
end = {{ outcome = "done" }}

[[initial]]
pathway = "busy"
step = "work"
count = 1
holding = ["carer"]

[[initial]]
pathway = "visits"
step = "double"
count = 1
elapsed = "2 h"
at_step = "2 h"

[[initial]]
pathway = "visits"
step = "single"
count = 1
elapsed = "1 h"
at_step = "1 h"
"#
    )
}

/// A deadline far beyond the horizon: it changes nothing, and keeps the fallback step
/// reachable.
const NO_DEADLINE: &str = ", deadline = \"100 h\", fallback = \"gave_up\"";

/// First come, first served (the default): the single-handed visit waits behind the
/// double-handed one (hand-traced above).
#[test]
fn first_come_first_served_holds_a_small_request_behind_a_large_one() {
    let run = run_text(&queue_order_scenario(
        "first_come_first_served",
        NO_DEADLINE,
    ));
    assert_eq!(run.mean("wait.visits.double.mean"), 4.0);
    assert_eq!(run.mean("wait.visits.single.mean"), 4.0);
}

/// First fit: the single-handed visit passes the waiting double-handed one (hand-traced
/// above); the double-handed visit is not delayed by it here.
#[test]
fn first_fit_lets_a_smaller_request_pass() {
    let run = run_text(&queue_order_scenario("first_fit", NO_DEADLINE));
    assert_eq!(run.mean("wait.visits.double.mean"), 4.0);
    assert_eq!(run.mean("wait.visits.single.mean"), 1.0);
}

/// A deadline on the waiting double-handed visit, counted from reaching its step (2 h
/// before time zero). With 2.5 h it falls at 0.5 h: the double leaves for its fallback, and
/// the single queued behind it (first come, first served) starts then, 1 + 0.5 = 1.5 h after
/// it reached its step, not at 3 h. With 1 h it has already passed at time zero: the double
/// goes to its fallback at once, and the single starts at once (wait 1 h).
#[test]
fn a_deadline_on_a_waiting_large_request_lets_those_behind_start() {
    let run = run_text(&queue_order_scenario(
        "first_come_first_served",
        ", deadline = \"2.5 h\", fallback = \"gave_up\"",
    ));
    assert_eq!(run.mean("wait.visits.double.fallbacks"), 1.0);
    assert_eq!(run.mean("wait.visits.single.mean"), 1.5);
    let run = run_text(&queue_order_scenario(
        "first_come_first_served",
        ", deadline = \"1 h\", fallback = \"gave_up\"",
    ));
    assert_eq!(run.mean("wait.visits.double.fallbacks"), 1.0);
    assert_eq!(run.mean("wait.visits.single.mean"), 1.0);
}

/// Priorities with alternatives: one nurse (busy 2 h) and one therapist (busy 3 h) at time
/// zero; a low-priority and a high-priority visit by either, both waiting from time zero.
/// The nurse frees first and takes the high-priority visit (wait 2 h); the therapist takes
/// the low one at 3 h. Each alternative's use is counted.
#[test]
fn any_of_serves_by_priority_whichever_frees_first() {
    let text = r#"
[run]
name = "priority_any_of"
horizon = "12 h"
replications = 1

[resources.nurse]
count = 1

[resources.therapist]
count = 1

[arrivals.none]
pathway = "nurse_busy"
per_day = 0.000001

[[pathways.nurse_busy.steps]]
name = "take"
seize = { resource = "nurse" }

[[pathways.nurse_busy.steps]]
name = "work"
delay = { duration = { fixed = "2 h" } }

[[pathways.nurse_busy.steps]]
name = "free"
release = { resource = "nurse" }

[[pathways.nurse_busy.steps]]
name = "done"
end = { outcome = "done" }

[[pathways.therapist_busy.steps]]
name = "take"
seize = { resource = "therapist" }

[[pathways.therapist_busy.steps]]
name = "work"
delay = { duration = { fixed = "3 h" } }

[[pathways.therapist_busy.steps]]
name = "free"
release = { resource = "therapist" }

[[pathways.therapist_busy.steps]]
name = "done"
end = { outcome = "done" }

[[pathways.visits.steps]]
name = "low"
activity = { resource = { any_of = ["nurse", "therapist"] }, duration = { fixed = "1 h" } }
next = "done"

[[pathways.visits.steps]]
name = "high"
activity = { resource = { any_of = ["nurse", "therapist"] }, priority = 1, duration = { fixed = "1 h" } }
next = "done"

[[pathways.visits.steps]]
name = "done"
end = { outcome = "done" }

[[initial]]
pathway = "nurse_busy"
step = "work"
count = 1
holding = ["nurse"]

[[initial]]
pathway = "therapist_busy"
step = "work"
count = 1
holding = ["therapist"]

[[initial]]
pathway = "visits"
step = "low"
count = 1

[[initial]]
pathway = "visits"
step = "high"
count = 1
"#;
    let run = run_text(text);
    assert_eq!(run.mean("wait.visits.high.mean"), 2.0);
    assert_eq!(run.mean("wait.visits.low.mean"), 3.0);
    assert_eq!(run.mean("wait.visits.high.served_by.nurse"), 1.0);
    assert_eq!(run.mean("wait.visits.high.served_by.therapist"), 0.0);
    assert_eq!(run.mean("wait.visits.low.served_by.therapist"), 1.0);
}

/// A seize of two units is given back whole by one `release`: three carers, two patients
/// each seizing two for 1 h from time zero; the second waits 1 h, then gets both; carers
/// busy 2 units x 2 h over the 10 h horizon = 0.4.
#[test]
fn a_release_gives_back_every_unit_seized() {
    let text = r#"
[run]
name = "seize_two"
horizon = "10 h"
replications = 1

[resources.carer]
count = 3

[arrivals.none]
pathway = "care"
per_day = 0.000001

[[pathways.care.steps]]
name = "take"
seize = { resource = "carer", units = 2 }

[[pathways.care.steps]]
name = "work"
delay = { duration = { fixed = "1 h" } }

[[pathways.care.steps]]
name = "free"
release = { resource = "carer" }

[[pathways.care.steps]]
name = "done"
end = { outcome = "done" }

[[initial]]
pathway = "care"
step = "take"
count = 2
"#;
    let run = run_text(text);
    assert_eq!(run.mean("wait.care.take.mean"), 0.5);
    assert!((run.mean("carer.busy") - 0.4).abs() < 1e-9);
}
