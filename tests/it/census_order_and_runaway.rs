//! Census queue order and waits, residual life of census delays, deadlines already passed on
//! arrival, and the bound on patients inside (a runaway queue stops the run).

use crate::support::{binary, carepath, repository_root, run_text, text};

/// One theatre, an 18-week deadline counted from the pathway, operations of 1 week; census
/// groups waiting to be operated, written in the given order.
fn theatre(groups: &[(u32, &str)]) -> String {
    let mut scenario = r#"
[run]
name = "theatre"
horizon = "10 w"
replications = 1

[resources.theatre]
count = 1

[[pathways.surgery.steps]]
name = "operate"
activity = { resource = "theatre", duration = { fixed = "1 w" }, deadline = "18 w", deadline_from = "pathway", fallback = "breach" }
next = "done"

[[pathways.surgery.steps]]
name = "done"
end = { outcome = "operated" }

[[pathways.surgery.steps]]
name = "breach"
end = { outcome = "breached" }
"#
    .to_string();
    for (count, elapsed) in groups {
        scenario.push_str(&format!(
            "\n[[initial]]\npathway = \"surgery\"\nstep = \"operate\"\ncount = {count}\nelapsed = \"{elapsed}\"\n"
        ));
    }
    scenario
}

/// Issue 9 item 2: the issue's example. Two patients who have waited 1 week and one who
/// has waited 17.5 weeks: whichever group the file lists first, the 17.5-week patient is
/// operated first and nobody breaches (the original code gave 1 breach with the 1-week
/// group first). The waits include the time already waited.
#[test]
fn census_queue_follows_time_waited_not_file_order() {
    for groups in [
        vec![(2, "1 w"), (1, "17.5 w")],
        vec![(1, "17.5 w"), (2, "1 w")],
    ] {
        let run = run_text(&theatre(&groups));
        assert_eq!(
            run.mean("wait.surgery.operate.fallbacks"),
            0.0,
            "{groups:?}"
        );
        assert_eq!(run.mean("surgery.outcome.breached"), 0.0, "{groups:?}");
        assert_eq!(run.mean("surgery.outcome.operated"), 3.0, "{groups:?}");
        assert_eq!(run.mean("wait.surgery.operate.within_deadline"), 1.0);
        // Waits counted from when they started waiting: 17.5 w (served at once), then the
        // 1-week patients served at 1 w and 2 w, i.e. after 2 w and 3 w of waiting.
        let week = 168.0;
        let mean = run.mean("wait.surgery.operate.mean");
        assert!(
            (mean - (17.5 + 2.0 + 3.0) * week / 3.0).abs() < 1e-6 * week,
            "mean wait {mean} h"
        );
    }
}

/// Issue 9 item 2, `at_step`: the order follows the time at the step, not in the pathway.
/// A patient 20 weeks into its pathway but waiting only 1 week goes after one waiting 3.
#[test]
fn census_order_uses_time_at_the_step() {
    let scenario = r#"
[run]
name = "order"
horizon = "3 w"
replications = 1

[resources.theatre]
count = 1

[[pathways.surgery.steps]]
name = "operate"
activity = { resource = "theatre", duration = { fixed = "1 w" }, deadline = "1.5 w", fallback = "breach" }
next = "done"

[[pathways.surgery.steps]]
name = "done"
end = { outcome = "operated" }

[[pathways.surgery.steps]]
name = "breach"
end = { outcome = "breached" }

[[initial]]
pathway = "surgery"
step = "operate"
count = 1
elapsed = "20 w"
at_step = "1 w"

[[initial]]
pathway = "surgery"
step = "operate"
count = 1
elapsed = "3 w"
"#;
    let run = run_text(scenario);
    // The 3-week waiter is past its 1.5-week step deadline on arrival: the fallback, at
    // once, with its 3 weeks counted. The 1-week waiter is then served at once, having
    // waited 1 week (within its 1.5 weeks).
    assert_eq!(run.mean("wait.surgery.operate.fallbacks"), 1.0);
    assert_eq!(run.mean("surgery.outcome.operated"), 1.0);
    let week = 168.0;
    let mean = run.mean("wait.surgery.operate.mean");
    assert!(
        (mean - 2.0 * week).abs() < 1e-6 * week,
        "mean wait {mean} h"
    );
    assert_eq!(run.mean("wait.surgery.operate.within_deadline"), 0.5);
}

/// A ward with census patients part-way through a stay of the given distribution.
fn ward(stay: &str, census: &str, horizon: &str) -> String {
    format!(
        r#"
[run]
name = "ward"
horizon = "{horizon}"
replications = 1

[resources.bed]
count = 100000

[[pathways.ward.steps]]
name = "stay"
delay = {{ duration = {stay} }}

[[pathways.ward.steps]]
name = "home"
end = {{ outcome = "home" }}

[[initial]]
pathway = "ward"
step = "stay"
{census}
"#
    )
}

/// Issue 9 item 3: the issue's example. A fixed 7-day stay with 5 days spent ends after 2
/// more days, not 7: by day 3 everyone has left, after 7 days in the pathway.
#[test]
fn fixed_stay_ends_after_what_is_left() {
    let run = run_text(&ward(
        r#"{ fixed = "7 d" }"#,
        "count = 4\nelapsed = \"5 d\"",
        "3 d",
    ));
    assert_eq!(run.mean("ward.completed"), 4.0);
    assert!((run.mean("ward.time_in_pathway.mean") - 7.0 * 24.0).abs() < 1e-9);
    // Spent beyond the fixed stay (9 of 7 days): over at once, still counted in full.
    let run = run_text(&ward(
        r#"{ fixed = "7 d" }"#,
        "count = 2\nelapsed = \"9 d\"",
        "1 h",
    ));
    assert_eq!(run.mean("ward.completed"), 2.0);
    assert!((run.mean("ward.time_in_pathway.mean") - 9.0 * 24.0).abs() < 1e-9);
    // `remaining` still overrides: 10 hours left, whatever was spent.
    let run = run_text(&ward(
        r#"{ fixed = "7 d" }"#,
        "count = 2\nelapsed = \"5 d\"\nremaining = { fixed = \"10 h\" }",
        "3 d",
    ));
    assert!((run.mean("ward.time_in_pathway.mean") - (120.0 + 10.0)).abs() < 1e-9);
}

/// Issue 9 item 3 through the engine: uniform(0, 10 d) with 4 days spent leaves a uniform
/// (0, 6 d), mean 3 d; time in pathway 4 d + that, mean 7 d. 20,000 patients: the standard
/// error of the mean is 6 / sqrt(12 x 20,000) d = 0.012 d; 4 standard errors allowed.
#[test]
fn uniform_stay_leaves_a_uniform_remainder() {
    let n = 20_000.0;
    let run = run_text(&ward(
        r#"{ uniform = { min = "0 d", max = "10 d" } }"#,
        "count = 20000\nelapsed = \"4 d\"",
        "7 d",
    ));
    assert_eq!(run.mean("ward.completed"), n);
    let mean_days = run.mean("ward.time_in_pathway.mean") / 24.0;
    let bound = 4.0 * 6.0 / (12.0 * n).sqrt();
    assert!((mean_days - 7.0).abs() < bound, "mean {mean_days} d");
    // Its 95th percentile: 4 d + 0.95 x 6 d = 9.7 d (histogram to 3 significant digits).
    let p95 = run.mean("ward.time_in_pathway.p95") / 24.0;
    assert!((p95 - 9.7).abs() < 0.05, "p95 {p95} d");
}

/// A visit with a 2-hour deadline counted from the referral, after a 3-hour triage: the
/// deadline has always passed when patients reach the visit.
fn late_visit(nurses: u32) -> String {
    format!(
        r#"
[run]
name = "late"
horizon = "30 d"
replications = 2

[resources.nurse]
count = {nurses}

[arrivals.gp]
pathway = "urgent"
per_day = 20

[[pathways.urgent.steps]]
name = "triage"
delay = {{ duration = {{ fixed = "3 h" }} }}

[[pathways.urgent.steps]]
name = "visit"
activity = {{ resource = "nurse", duration = {{ fixed = "1 h" }}, deadline = "2 h", deadline_from = "pathway", fallback = "convey" }}
next = "home"

[[pathways.urgent.steps]]
name = "home"
end = {{ outcome = "home" }}

[[pathways.urgent.steps]]
name = "convey"
end = {{ outcome = "conveyed" }}
"#
    )
}

/// Issue 9 item 4: the issue's example. With 50 nurses or with 1, everyone takes the
/// fallback on reaching the visit (the original code visited everyone late with 50 nurses,
/// counted as neither within the deadline nor a fallback). The same counts either way, and
/// the within-deadline and fallback shares add up to 1.
#[test]
fn passed_deadline_takes_the_fallback_whatever_the_staffing() {
    let many = run_text(&late_visit(50));
    let one = run_text(&late_visit(1));
    for run in [&many, &one] {
        let waits = run.values("wait.urgent.visit.waits");
        let fallbacks = run.values("wait.urgent.visit.fallbacks");
        assert!(waits.iter().all(|w| *w > 400.0), "{waits:?}");
        assert_eq!(waits, fallbacks);
        assert_eq!(
            run.values("wait.urgent.visit.within_deadline"),
            vec![0.0, 0.0]
        );
        assert_eq!(run.mean("urgent.outcome.home"), 0.0);
        assert_eq!(run.mean("wait.urgent.visit.mean"), 0.0);
        assert_eq!(run.mean("nurse.busy"), 0.0);
    }
    assert_eq!(
        many.values("wait.urgent.visit.fallbacks"),
        one.values("wait.urgent.visit.fallbacks")
    );
    assert_eq!(
        many.values("urgent.outcome.conveyed"),
        one.values("urgent.outcome.conveyed")
    );
}

/// Issue 9 item 4, the other side: with a deadline not yet passed, within-deadline and
/// fallback shares still add up to 1 (everyone who finished waiting is one or the other).
#[test]
fn within_deadline_and_fallback_shares_add_up() {
    let scenario = late_visit(1)
        .replace("fixed = \"3 h\"", "exponential = { mean = \"1 h\" }")
        .replace("per_day = 20", "per_day = 30");
    let run = run_text(&scenario);
    let waits = run.values("wait.urgent.visit.waits");
    let fallbacks = run.values("wait.urgent.visit.fallbacks");
    let within = run.values("wait.urgent.visit.within_deadline");
    for r in 0..waits.len() {
        let total = within[r] + fallbacks[r] / waits[r];
        // Patients still waiting at the end are neither; at most a few of 900.
        assert!((total - 1.0).abs() < 0.01, "replication {r}: {total}");
        assert!(fallbacks[r] > 0.0 && within[r] > 0.0);
    }
}

/// Issue 9 item 10: the example with `per_day = 1000000` for one server (the M/M/c file)
/// stops with an error naming the resource and its demand against its capacity, fast and
/// before allocating gigabytes (the default bound of 1,000,000 patients inside is a few
/// hundred megabytes).
#[test]
fn runaway_queue_stops_with_the_resource_named() {
    let original = std::fs::read_to_string(repository_root().join("scenarios/mmc.toml")).unwrap();
    let runaway = original.replace("per_day = 216.0 ", "per_day = 1000000.0 ");
    assert_ne!(runaway, original);
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("runaway.toml");
    std::fs::write(&file, &runaway).unwrap();
    let out = folder.path().join("out");
    // Run it watched: killed if it takes more than 2 GB or 120 s (the original code grew
    // past 14 GB in under two minutes), and its peak resident memory recorded.
    let mut child = std::process::Command::new(binary())
        .args([
            "run",
            file.to_str().unwrap(),
            "-r",
            "1",
            "-t",
            "1",
            "-q",
            "-o",
            out.to_str().unwrap(),
        ])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let mut peak_kb: u64 = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let rss = std::fs::read_to_string(format!("/proc/{}/status", child.id()))
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
            })
            .unwrap_or(0);
        peak_kb = peak_kb.max(rss);
        if peak_kb > 2_000_000 || started.elapsed().as_secs() > 120 {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "still running after {:?} at {peak_kb} kB",
                started.elapsed()
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert!(!status.success());
    assert!(
        stderr.contains("more than 1000000 patients were inside at once"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the queue for `clinician` grew"),
        "{stderr}"
    );
    assert!(
        stderr.contains("41666.7 patients an hour x 1.00 h each = 41666.7 units busy on average, against 10.0 units"),
        "{stderr}"
    );
    assert!(stderr.contains("max_patients_inside"), "{stderr}");
    assert!(peak_kb < 1_000_000, "peak {peak_kb} kB");
}

/// Issue 9 item 10: the bound is the scenario's to set, from [run] or --set.
#[test]
fn bound_is_overridable() {
    let scenario = r#"
[run]
name = "growth"
horizon = "30 d"
replications = 1
max_patients_inside = 500

[resources.clinician]
count = 1

[arrivals.walk_in]
pathway = "clinic"
per_day = 48

[[pathways.clinic.steps]]
name = "see"
activity = { resource = "clinician", duration = { fixed = "1 h" } }

[[pathways.clinic.steps]]
name = "done"
end = { outcome = "seen" }
"#;
    let loaded = carepath::scenario::parse("growth.toml", scenario).unwrap();
    assert_eq!(loaded.scenario.max_inside, 500);
    let error = carepath::model::run_replication(&loaded.scenario, 0).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("more than 500 patients"), "{message}");
    assert!(
        message.contains("about 2.0 patients an hour x 1.00 h each = 2.0 units busy on average, against 1.0 units"),
        "{message}"
    );
    // Raised high enough, the same 30 days run (the queue reaches about 720).
    let raised = scenario.replace("max_patients_inside = 500", "max_patients_inside = 5000");
    let loaded = carepath::scenario::parse("growth.toml", &raised).unwrap();
    assert!(carepath::model::run_replication(&loaded.scenario, 0).is_ok());
    // A bound of zero is refused with its place.
    let zero = scenario.replace("max_patients_inside = 500", "max_patients_inside = 0");
    let error = carepath::scenario::parse("growth.toml", &zero)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains("`max_patients_inside` must be a whole number above zero"),
        "{error}"
    );
    assert!(error.contains("growth.toml:6"), "{error}");
}

/// Issue 9 item 10: `check` warns (the file is still valid) when a resource is offered more
/// work than it has units, and says nothing for the shipped M/M/c file (load 0.9).
#[test]
fn check_warns_of_offered_load_above_capacity() {
    let folder = tempfile::tempdir().unwrap();
    let original = std::fs::read_to_string(repository_root().join("scenarios/mmc.toml")).unwrap();
    let file = folder.path().join("busy.toml");
    std::fs::write(
        &file,
        original.replace("per_day = 216.0 ", "per_day = 264.0 "),
    )
    .unwrap();
    let output = carepath(&["check", file.to_str().unwrap()]);
    let (stdout, _) = text(&output);
    // Long console lines wrap at 100 columns: compare words, not line breaks.
    let stdout = stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("is valid"), "{stdout}");
    assert!(
        stdout.contains("warning: `clinician` is offered more work than it has units: about 11.0 patients an hour x 1.00 h each = 11.0 units busy on average, against 10.0 units"),
        "{stdout}"
    );
    assert!(
        stdout.contains("help: add units of `clinician`"),
        "{stdout}"
    );
    let shipped = repository_root().join("scenarios/mmc.toml");
    let (stdout, _) = text(&carepath(&["check", shipped.to_str().unwrap()]));
    assert!(!stdout.contains("warning"), "{stdout}");
}

/// Issue 9 item 10: a census of 10^9 patients is refused at `check` with its place, without
/// allocating them.
#[test]
fn huge_census_is_refused_with_its_location() {
    let scenario = ward(r#"{ fixed = "7 d" }"#, "count = 1000000000", "1 d");
    let started = std::time::Instant::now();
    let error = carepath::scenario::parse("census.toml", &scenario)
        .unwrap_err()
        .to_string();
    assert!(
        error.contains(
            "the census comes to 1000000000 patients, more than the 1000000 a run may hold at once"
        ),
        "{error}"
    );
    assert!(error.contains("census.toml:21"), "{error}");
    assert!(error.contains("max_patients_inside"), "{error}");
    assert!(started.elapsed().as_secs() < 5);
}
