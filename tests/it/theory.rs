//! The engine against queueing theory: M/M/c (Erlang C) at three loads, M/G/1 with
//! log-normal service (Pollaczek-Khinchine), a tandem with a pure delay (Jackson), and
//! Little's law on every queue of a richer scenario.

use crate::support::{Mmc, assert_agrees, erlang_c, run_text};

fn check_mmc(lambda: f64, c: u32, days: u32, replications: u32) {
    let scenario = Mmc {
        lambda,
        servers: c,
        days,
        warm_up_days: 20,
        replications,
        seed: 99,
    };
    let run = run_text(&scenario.text());
    let (p_wait, wq) = erlang_c(lambda, 1.0, c);
    assert_agrees(&run, "wait.queue.serve.mean", wq, 0.02);
    assert_agrees(&run, "wait.queue.serve.share_waiting", p_wait, 0.02);
    assert_agrees(&run, "server.utilisation", lambda / f64::from(c), 0.02);
    // Little's law on the queue: L = lambda x W.
    assert_agrees(&run, "server.queue.mean", lambda * wq, 0.02);
}

/// Light load, rho = 0.5: waits are rare and short.
#[test]
fn mmc_light_load_matches_erlang_c() {
    check_mmc(5.0, 10, 2000, 30);
}

/// Moderate load, rho = 0.8.
#[test]
fn mmc_moderate_load_matches_erlang_c() {
    check_mmc(8.0, 10, 2000, 30);
}

/// Heavy load, rho = 0.9: the shipped reference scenario's numbers.
#[test]
fn mmc_heavy_load_matches_erlang_c() {
    check_mmc(9.0, 10, 4000, 40);
}

/// M/G/1 with log-normal service of mean 1 h and sd 1.5 h at rho = 0.6: the
/// Pollaczek-Khinchine formula Wq = lambda E[S^2] / (2 (1 - rho)) needs the second moment,
/// so it checks that `log_normal = { mean, sd }` means the duration's own mean and sd.
#[test]
fn mg1_lognormal_matches_pollaczek_khinchine() {
    let (lambda, mean, sd) = (0.6_f64, 1.0_f64, 1.5_f64);
    let text = format!(
        r#"
[run]
name = "mg1"
horizon = "20000 d"
warm_up = "20 d"
replications = 40
seed = 5

[resources.server]
count = 1

[arrivals.poisson]
pathway = "queue"
per_day = {per_day}

[[pathways.queue.steps]]
name = "serve"
activity = {{ resource = "server", duration = {{ log_normal = {{ mean = "{mean} h", sd = "{sd} h" }} }} }}

[[pathways.queue.steps]]
name = "done"
end = {{ outcome = "served" }}
"#,
        per_day = lambda * 24.0
    );
    let run = run_text(&text);
    let second_moment = sd * sd + mean * mean;
    let rho = lambda * mean;
    let wq = lambda * second_moment / (2.0 * (1.0 - rho));
    assert_agrees(&run, "wait.queue.serve.mean", wq, 0.02);
    assert_agrees(&run, "wait.queue.serve.share_waiting", rho, 0.02);
}

/// Two staffed stages with a pure delay between them. By Burke's theorem the departures of
/// an M/M/c queue are Poisson, and an infinite-server delay keeps them Poisson, so by
/// Jackson's theorem each stage behaves as an independent M/M/c queue.
#[test]
fn tandem_with_delay_matches_jackson() {
    let text = r#"
[run]
name = "tandem"
horizon = "3000 d"
warm_up = "20 d"
replications = 30
seed = 17

[resources.first]
count = 5

[resources.second]
count = 3

[arrivals.poisson]
pathway = "tandem"
per_day = 96.0                    # 4 an hour

[[pathways.tandem.steps]]
name = "stage_one"
activity = { resource = "first", duration = { exponential = { mean = "1 h" } } }

[[pathways.tandem.steps]]
name = "travel"
delay = { duration = { exponential = { mean = "2 h" } } }

[[pathways.tandem.steps]]
name = "stage_two"
activity = { resource = "second", duration = { exponential = { mean = "30 min" } } }

[[pathways.tandem.steps]]
name = "done"
end = { outcome = "done" }
"#;
    let run = run_text(text);
    let (_, wq1) = erlang_c(4.0, 1.0, 5);
    let (_, wq2) = erlang_c(4.0, 2.0, 3);
    assert_agrees(&run, "wait.tandem.stage_one.mean", wq1, 0.02);
    assert_agrees(&run, "wait.tandem.stage_two.mean", wq2, 0.02);
    let sojourn = wq1 + 1.0 + 2.0 + wq2 + 0.5;
    assert_agrees(&run, "tandem.time_in_pathway.mean", sojourn, 0.02);
}

/// Little's law, L = lambda W, on every resource queue of the shipped rich scenario (with
/// rosters, priorities, deadlines and blocking), computed from the run's own metrics.
#[test]
fn littles_law_holds_on_every_queue_of_the_rich_scenario() {
    let text = std::fs::read_to_string(
        crate::support::repository_root().join("scenarios/small_rich.toml"),
    )
    .unwrap();
    let text = text.replace("horizon = \"364 d\"", "horizon = \"3640 d\"");
    let run = run_text(&text);
    let horizon_hours = 3640.0 * 24.0;
    let waits_by_resource = [
        (
            "rr_nurse",
            vec!["wait.rapid_response.visit", "wait.rapid_response.follow_up"],
        ),
        ("acute_bed", vec!["wait.hospital.admit"]),
        ("reablement_slot", vec!["wait.hospital.await_reablement"]),
    ];
    for (resource, waits) in waits_by_resource {
        let queue = run.values(&format!("{resource}.queue.mean"));
        let little: Vec<f64> = (0..queue.len())
            .map(|r| {
                waits
                    .iter()
                    .map(|w| {
                        run.values(&format!("{w}.waits"))[r] * run.values(&format!("{w}.mean"))[r]
                    })
                    .sum::<f64>()
                    / horizon_hours
            })
            .collect();
        let l: f64 = queue.iter().sum::<f64>() / queue.len() as f64;
        let lambda_w: f64 = little.iter().sum::<f64>() / little.len() as f64;
        assert!(
            l > 0.0,
            "{resource}: no queue at all, the test would prove nothing"
        );
        let error = (l - lambda_w).abs() / l;
        assert!(
            error < 0.02,
            "{resource}: L = {l}, lambda W = {lambda_w} ({:.2}% apart)",
            error * 100.0
        );
    }
}
