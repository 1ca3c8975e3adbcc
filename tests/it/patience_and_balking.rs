//! Patience drawn per patient and balking at a full queue (issue 13 item 2): exponential
//! patience against Erlang A (M/M/n+M), `max_queue` against M/M/1/K, and common random
//! numbers (the same patient draws the same patience whatever the design).

use carepath::model::run_replication_traced;
use carepath::scenario::parse;
use carepath::validate::theory::{erlang_a, mm1k};

use crate::support::{assert_agrees, run_text};

/// Two agents, calls at `lambda` an hour, exponential service of mean 1 h, and exponential
/// patience of mean `patience_hours`; callers who run out of patience hang up.
fn call_centre(agents: u32, lambda: f64, patience_hours: f64, days: u32, reps: u32) -> String {
    format!(
        r#"
[run]
name = "erlang_a"
horizon = "{days} d"
warm_up = "5 d"
replications = {reps}
seed = 13

[resources.agent]
count = {agents}

[arrivals.calls]
pathway = "call"
per_day = {per_day}

[[pathways.call.steps]]
name = "answer"
activity = {{ resource = "agent", duration = {{ exponential = {{ mean = "1 h" }} }}, deadline = {{ exponential = {{ mean = "{patience_hours} h" }} }}, fallback = "hung_up" }}

[[pathways.call.steps]]
name = "served"
end = {{ outcome = "served" }}

[[pathways.call.steps]]
name = "hung_up"
end = {{ outcome = "abandoned" }}
"#,
        per_day = lambda * 24.0
    )
}

/// M/M/2+M at a load of 0.9 per agent, mean patience 2 h: the share who abandon and the
/// mean wait of all callers (served or not) inside their 95% intervals and within 3% of
/// Erlang A (Garnett, Mandelbaum and Reiman 2002).
#[test]
fn exponential_patience_matches_erlang_a() {
    let (lambda, mu, theta) = (1.8, 1.0, 0.5);
    let theory = erlang_a(lambda, mu, theta, 2);
    let run = run_text(&call_centre(2, lambda, 1.0 / theta, 400, 20));
    assert_agrees(&run, "call.outcome.abandoned.share", theory.p_abandon, 0.03);
    assert_agrees(&run, "wait.call.answer.mean", theory.mean_wait, 0.03);
    let waiting = run.mean("wait.call.answer.share_waiting");
    assert!(
        (waiting - theory.p_wait).abs() < 0.01,
        "share waiting {waiting} vs Erlang A {}",
        theory.p_wait
    );
}

/// One server, arrivals at 0.8 an hour, exponential service of mean 1 h, and room for 4 to
/// wait (K = 5 in the system): the share turned away is the M/M/1/K blocking probability,
/// and the mean wait of those admitted its `Wq` (Gross et al. 2008, sec. 2.5).
#[test]
fn balking_at_a_full_queue_matches_mm1k() {
    let text = r#"
[run]
name = "mm1k"
horizon = "600 d"
warm_up = "5 d"
replications = 20
seed = 5

[resources.server]
count = 1

[arrivals.poisson]
pathway = "queue"
per_day = 19.2

[[pathways.queue.steps]]
name = "serve"
activity = { resource = "server", duration = { exponential = { mean = "1 h" } }, max_queue = 4, when_full = "turned_away" }

[[pathways.queue.steps]]
name = "done"
end = { outcome = "served" }

[[pathways.queue.steps]]
name = "turned_away"
end = { outcome = "balked" }
"#;
    let (blocking, wq) = mm1k(0.8, 1.0, 5);
    let run = run_text(text);
    assert_agrees(&run, "wait.queue.serve.balked_share", blocking, 0.03);
    assert_agrees(&run, "wait.queue.serve.mean", wq, 0.03);
    // The balked count is the outcome count: every patient turned away took `when_full`.
    for (balked, outcome) in run
        .values("wait.queue.serve.balked")
        .iter()
        .zip(run.values("queue.outcome.balked"))
    {
        assert_eq!(*balked, outcome);
    }
}

/// With `max_queue = 0` nobody waits: an Erlang B loss system, the share turned away equal
/// to the share finding both servers busy.
#[test]
fn max_queue_zero_is_a_loss_system() {
    let text = r#"
[run]
name = "loss"
horizon = "400 d"
warm_up = "2 d"
replications = 10
seed = 3

[resources.bed]
count = 2

[arrivals.poisson]
pathway = "stay"
per_day = 36

[[pathways.stay.steps]]
name = "admit"
activity = { resource = "bed", duration = { exponential = { mean = "1 h" } }, max_queue = 0, when_full = "elsewhere" }

[[pathways.stay.steps]]
name = "home"
end = { outcome = "home" }

[[pathways.stay.steps]]
name = "elsewhere"
end = { outcome = "elsewhere" }
"#;
    let run = run_text(text);
    let theory = carepath::validate::theory::erlang_b(1.5, 2);
    assert_agrees(&run, "wait.stay.admit.balked_share", theory, 0.03);
    assert_eq!(run.mean("wait.stay.admit.mean"), 0.0);
}

/// Each abandoning caller's wait, by patient number, in replication 0 of `text`.
fn abandonments(text: &str) -> Vec<(u64, f64)> {
    let loaded = parse("crn.toml", text).expect("loads");
    let mut trace = Vec::new();
    run_replication_traced(&loaded.scenario, 0, &mut trace).expect("runs");
    String::from_utf8(trace)
        .expect("UTF-8")
        .lines()
        .filter_map(|row| {
            let fields: Vec<&str> = row.split(',').collect();
            if fields.get(5) != Some(&"fallback") {
                return None;
            }
            Some((fields[1].parse().ok()?, fields[8].parse().ok()?))
        })
        .collect()
}

/// Common random numbers: a patient's patience is drawn from its own stream, so a caller
/// who abandons with two agents and with three abandons after exactly the same wait (its
/// patience), though the queues it met differ; arrivals are the same in both designs, so
/// patient numbers match.
#[test]
fn the_same_patient_draws_the_same_patience_in_two_designs() {
    let two = abandonments(&call_centre(2, 2.4, 2.0, 30, 1));
    let three = abandonments(&call_centre(3, 2.4, 2.0, 30, 1));
    assert!(three.len() < two.len(), "{} vs {}", three.len(), two.len());
    let mut common = 0;
    for (patient, waited) in &three {
        if let Some((_, other)) = two.iter().find(|(p, _)| p == patient) {
            assert_eq!(waited, other, "patient {patient}");
            common += 1;
        }
    }
    assert!(
        common >= 20,
        "only {common} callers abandoned in both designs"
    );
    // And a different seed draws other patience.
    let reseeded = abandonments(&call_centre(3, 2.4, 2.0, 30, 1).replace("seed = 13", "seed = 14"));
    assert_ne!(reseeded, three);
}

/// A fixed deadline is still one length for everyone: nobody served or abandoning waits
/// longer than it, and those who abandon wait exactly it.
#[test]
fn a_fixed_deadline_is_the_same_for_everyone() {
    let text = call_centre(2, 2.4, 2.0, 30, 1).replace(
        "deadline = { exponential = { mean = \"2.0 h\" } }",
        "deadline = \"2 h\"",
    );
    let text = text.replace(
        "deadline = { exponential = { mean = \"2 h\" } }",
        "deadline = \"2 h\"",
    );
    let waits = abandonments(&text);
    assert!(!waits.is_empty());
    assert!(
        waits.iter().all(|(_, w)| (*w - 2.0).abs() < 1e-9),
        "{waits:?}"
    );
}
