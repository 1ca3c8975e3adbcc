//! A figure not observed in a replication has no value there (not
//! 0); patients still inside at the end are reported per pathway; the mean wait of those
//! served and the share within chosen targets.

use std::collections::BTreeMap;

use crate::support::{assert_agrees, carepath, run_into, run_text, text};

/// The issue's rare pathway: 0.05 referrals a day over 20 days, 200 replications, a
/// specialist (`count` of them) seen within a 1-hour deadline or the fallback.
fn rare(count: u32) -> String {
    format!(
        r#"
[run]
name = "rare"
horizon = "20 d"
replications = 200
seed = 9

[resources.specialist]
count = {count}

[arrivals.referrals]
pathway = "rare"
per_day = 0.05

[[pathways.rare.steps]]
name = "see"
activity = {{ resource = "specialist", duration = {{ fixed = "30 min" }}, deadline = "1 h", fallback = "elsewhere" }}

[[pathways.rare.steps]]
name = "seen"
end = {{ outcome = "seen" }}

[[pathways.rare.steps]]
name = "elsewhere"
end = {{ outcome = "elsewhere" }}
"#
    )
}

/// Issue 9 item 1, the issue's example: with the specialist always free every referral is
/// seen within the deadline, so the share is exactly 1 (CI 1 to 1) over the replications
/// that had a referral, not 0.635 over all 200.
#[test]
fn a_rare_pathway_always_seen_in_time_reports_one() {
    let run = run_text(&rare(1));
    let arrivals = run.values("rare.arrivals");
    let with_referral = arrivals.iter().filter(|a| **a > 0.0).count();
    assert!(
        with_referral > 100 && with_referral < 200,
        "some replications have no referral: {with_referral}"
    );
    for metric in ["wait.rare.see.within_deadline", "rare.outcome.seen.share"] {
        let m = run.metric(metric);
        assert_eq!(m.mean, 1.0, "{metric}");
        assert_eq!((m.ci95_low, m.ci95_high), (1.0, 1.0), "{metric}");
        assert_eq!(m.replications, with_referral, "{metric}");
    }
    assert_eq!(run.metric("rare.outcome.elsewhere.share").mean, 0.0);
    // Counts and totals stay 0 where nothing happened, over every replication.
    assert_eq!(run.metric("rare.arrivals").replications, 200);
    assert_eq!(run.metric("wait.rare.see.fallbacks").replications, 200);
    // A replication without a referral has no value, not 0.
    for (a, v) in arrivals
        .iter()
        .zip(run.values("wait.rare.see.within_deadline"))
    {
        assert_eq!(*a == 0.0, v.is_nan(), "arrivals {a}, share {v}");
    }
}

/// Issue 9 item 1: with the specialist never available everyone waits exactly the hour and
/// takes the fallback: the mean wait is 1 h (not 0.63 h), the share within the deadline 0,
/// and the wait of those served has no value in any replication.
#[test]
fn nobody_served_waits_exactly_the_deadline() {
    let run = run_text(&rare(0));
    let with_referral = run
        .values("rare.arrivals")
        .iter()
        .filter(|a| **a > 0.0)
        .count();
    let mean = run.metric("wait.rare.see.mean");
    assert!((mean.mean - 1.0).abs() < 1e-9, "{mean:?}");
    assert_eq!(mean.replications, with_referral);
    let within = run.metric("wait.rare.see.within_deadline");
    assert_eq!((within.mean, within.replications), (0.0, with_referral));
    assert_eq!(run.metric("rare.outcome.elsewhere.share").mean, 1.0);
    let served = run.metric("wait.rare.see.served_mean");
    assert_eq!(served.replications, 0);
    assert!(served.mean.is_nan() && served.ci95_low.is_nan());
    // Never available: utilisation has no value; time available is a total, 0.
    assert_eq!(run.metric("specialist.utilisation").replications, 0);
    assert_eq!(run.metric("specialist.available").mean, 0.0);
}

/// Issue 9 item 1 through the command line: `replications.csv` leaves the value empty
/// where a replication observed nothing, `summary.csv` counts the replications with a value
/// and leaves the statistics empty where none had one, and the table says "no patients".
#[test]
fn csv_files_leave_no_value_empty_and_count_replications() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let scenario = folder.path().join("rare.toml");
    std::fs::write(&scenario, rare(0)).expect("scenario written");
    let done = run_into(&[
        "run",
        scenario.to_str().expect("UTF-8 path"),
        "-r",
        "60",
        "--no-report",
    ]);
    assert!(done.stdout.contains("no patients"), "{}", done.stdout);
    assert!(!done.stdout.contains("NaN"), "{}", done.stdout);
    let replications =
        std::fs::read_to_string(done.path().join("replications.csv")).expect("replications.csv");
    assert!(!replications.contains("NaN"));
    // Per metric: replications with a value, and the arrivals of each replication.
    let mut with_value: BTreeMap<String, usize> = BTreeMap::new();
    let mut arrivals: BTreeMap<String, f64> = BTreeMap::new();
    let mut empty_waits = 0;
    for line in replications.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 3, "{line}");
        if fields[1] == "rare.arrivals" {
            arrivals.insert(fields[0].to_string(), fields[2].parse().expect("a count"));
        }
        if fields[1] == "wait.rare.see.mean" && fields[2].is_empty() {
            empty_waits += 1;
        }
        *with_value.entry(fields[1].to_string()).or_default() += usize::from(!fields[2].is_empty());
    }
    let without_referral = arrivals.values().filter(|a| **a == 0.0).count();
    assert!(without_referral > 0, "some replications have no referral");
    assert_eq!(empty_waits, without_referral);
    let summary = std::fs::read_to_string(done.path().join("summary.csv")).expect("summary.csv");
    assert!(!summary.contains("NaN"));
    for line in summary.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let count: usize = fields[6].parse().expect("a count");
        assert_eq!(count, with_value[fields[0]], "{line}");
        if count == 0 {
            assert_eq!(&fields[2..6], ["", "", "", ""], "{line}");
        } else {
            assert!(fields[2..6].iter().all(|f| !f.is_empty()), "{line}");
        }
    }
    let mean_wait: Vec<&str> = summary
        .lines()
        .find(|l| l.starts_with("wait.rare.see.mean,"))
        .expect("the mean wait")
        .split(',')
        .collect();
    let hours: f64 = mean_wait[2].parse().expect("a mean");
    assert!((hours - 1.0).abs() < 1e-9, "{mean_wait:?}");
    assert_eq!(mean_wait[6], (60 - without_referral).to_string());
    assert!(
        summary.contains("\nwait.rare.see.served_mean,h,,,,,0\n"),
        "{summary}"
    );
}

/// Issue 9 item 1: a comparison pairs only the replications in which both designs have a
/// value, and says how many.
#[test]
fn comparison_pairs_only_replications_with_values() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let base = folder.path().join("base.toml");
    let variant = folder.path().join("variant.toml");
    std::fs::write(&base, rare(1)).expect("base written");
    std::fs::write(
        &variant,
        rare(0).replace("name = \"rare\"", "name = \"away\""),
    )
    .expect("variant written");
    let done = run_into(&[
        "compare",
        base.to_str().expect("UTF-8"),
        variant.to_str().expect("UTF-8"),
        "-r",
        "40",
        "--no-report",
    ]);
    let csv = std::fs::read_to_string(done.path().join("comparison.csv")).expect("comparison");
    assert!(!csv.contains("NaN"), "{csv}");
    let header: Vec<&str> = csv.lines().next().expect("header").split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).expect(name);
    let row = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f[0] == "wait.rare.see.within_deadline" && f[2] == "away")
        .expect("the variant's row");
    let paired: usize = row[column("paired")].parse().expect("a count");
    assert!(paired > 0 && paired < 40, "{row:?}");
    assert_eq!(row[column("replications")], row[column("paired")]);
    // Base 1, variant 0 in every pair: the difference is exactly -1.
    assert_eq!(row[column("diff_vs_base")].parse::<f64>(), Ok(-1.0));
    let served = csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f[0] == "wait.rare.see.served_mean" && f[2] == "away")
        .expect("the variant's served wait");
    assert_eq!(served[column("paired")], "0");
    assert_eq!(served[column("diff_vs_base")], "");
}

/// Issue 9 item 5: three patients in bed at the start, one leaves during a 10-day run: the
/// pathway reports the two still inside and their time in the pathway so far (11 and 13
/// days, hand-worked: 1 and 3 days already spent, plus the 10 days of the run).
#[test]
fn patients_inside_at_the_end_are_reported_per_pathway() {
    let text = r#"
[run]
name = "three_in_bed"
horizon = "10 d"
replications = 2
seed = 1

[resources.bed]
count = 3

[[pathways.ward.steps]]
name = "admit"
seize = { resource = "bed" }

[[pathways.ward.steps]]
name = "stay"
delay = { duration = { log_normal = { mean = "5 d", sd = "2 d" } } }

[[pathways.ward.steps]]
name = "leave"
release = { resource = "bed" }

[[pathways.ward.steps]]
name = "home"
end = { outcome = "home" }

[[initial]]
pathway = "ward"
step = "stay"
count = 1
elapsed = "2 d"
remaining = { fixed = "3 d" }
holding = ["bed"]

[[initial]]
pathway = "ward"
step = "stay"
count = 1
elapsed = "1 d"
remaining = { fixed = "20 d" }
holding = ["bed"]

[[initial]]
pathway = "ward"
step = "stay"
count = 1
elapsed = "3 d"
remaining = { fixed = "20 d" }
holding = ["bed"]
"#;
    let run = run_text(text);
    assert_eq!(run.mean("ward.completed"), 1.0);
    assert_eq!(run.mean("ward.time_in_pathway.mean"), 5.0 * 24.0);
    assert_eq!(run.mean("ward.inside_at_end"), 2.0);
    assert_eq!(run.mean("ward.time_so_far.mean"), 12.0 * 24.0);
    // Percentiles to the histogram's three significant digits.
    let close = |metric: &str, hours: f64| {
        let value = run.mean(metric);
        assert!((value - hours).abs() <= hours * 1e-3, "{metric}: {value}");
    };
    close("ward.time_so_far.p50", 11.0 * 24.0);
    close("ward.time_so_far.p90", 13.0 * 24.0);
    close("ward.time_so_far.p95", 13.0 * 24.0);
}

/// Issue 9 item 5: nobody inside at the end is 0 inside, and no value for the time so far.
#[test]
fn nobody_inside_has_no_time_so_far() {
    let run = run_text(&rare(1).replace("horizon = \"20 d\"", "horizon = \"1 h\""));
    // A referral can arrive in the last half hour and still be inside; most runs have none.
    let inside = run.values("rare.inside_at_end");
    let times = run.values("rare.time_so_far.mean");
    assert!(inside.contains(&0.0));
    for (i, t) in inside.iter().zip(&times) {
        assert_eq!(*i == 0.0, t.is_nan(), "inside {i}, time so far {t}");
    }
}

/// Four patients waiting for one clinician at the start (1 hour each, a 2.5-hour deadline):
/// they wait 0, 1 and 2 hours and are seen, the fourth leaves unseen at 2.5 hours.
fn queue_of_four(targets: &str) -> String {
    format!(
        r#"
[run]
name = "four"
horizon = "1 d"
replications = 2
seed = 3

[resources.clinician]
count = 1

[[pathways.clinic.steps]]
name = "see"
activity = {{ resource = "clinician", duration = {{ fixed = "1 h" }}, deadline = "2.5 h", fallback = "gone", targets = {targets} }}

[[pathways.clinic.steps]]
name = "seen"
end = {{ outcome = "seen" }}

[[pathways.clinic.steps]]
name = "gone"
end = {{ outcome = "gone" }}

[[initial]]
pathway = "clinic"
step = "see"
count = 4
"#
    )
}

/// Issue 9 item 6: the mean wait of those served leaves out the patient who took the
/// fallback, and each target's share is of everyone who reached the waiting point
/// (hand-worked: waits 0, 1, 2 served, 2.5 unserved).
#[test]
fn served_mean_and_targets_by_hand() {
    let run = run_text(&queue_of_four(r#"["30 min", "1 h", "2 h", "1.5 h"]"#));
    assert_eq!(run.mean("wait.clinic.see.waits"), 4.0);
    assert_eq!(run.mean("wait.clinic.see.mean"), 5.5 / 4.0);
    assert_eq!(run.mean("wait.clinic.see.served_mean"), 1.0);
    assert_eq!(run.mean("wait.clinic.see.within_deadline"), 0.75);
    assert_eq!(run.mean("wait.clinic.see.within_30min"), 0.25);
    assert_eq!(run.mean("wait.clinic.see.within_1h"), 0.5);
    assert_eq!(run.mean("wait.clinic.see.within_1_5h"), 0.5);
    assert_eq!(run.mean("wait.clinic.see.within_2h"), 0.75);
    assert_eq!(run.metric("wait.clinic.see.within_1h").unit, "fraction");
}

/// Issue 9 item 6 against theory: in M/M/1 the wait in queue has P(W <= t) =
/// 1 - rho exp(-(mu - lambda) t); with lambda = 0.5/h and mu = 1/h that is 0.6967 within 1
/// hour and 0.9323 within 4 hours.
#[test]
fn targets_match_the_mm1_wait_distribution() {
    let text = r#"
[run]
name = "mm1"
horizon = "400 d"
warm_up = "5 d"
replications = 10
seed = 11

[resources.server]
count = 1

[arrivals.poisson]
pathway = "queue"
per_day = 12

[[pathways.queue.steps]]
name = "serve"
activity = { resource = "server", duration = { exponential = { mean = "1 h" } }, targets = ["1 h", "4 h"] }

[[pathways.queue.steps]]
name = "done"
end = { outcome = "served" }
"#;
    let run = run_text(text);
    let (lambda, mu) = (0.5, 1.0);
    let within = |t: f64| 1.0 - (lambda / mu) * (-(mu - lambda) * t).exp();
    assert_agrees(&run, "wait.queue.serve.within_1h", within(1.0), 0.01);
    assert_agrees(&run, "wait.queue.serve.within_4h", within(4.0), 0.01);
}

/// Issue 9 item 6: bad targets are errors located in the user's file, with help.
#[test]
fn bad_targets_are_located_errors() {
    let folder = tempfile::tempdir().expect("a temporary folder");
    for (targets, message) in [
        (r#"["1 h", "2 fortnights"]"#, "not a time unit"),
        (r#"["-1 h"]"#, "cannot be negative"),
        (r#"["1 h", "1 h"]"#, "listed twice"),
        (
            r#"["1 h", "60 min"]"#,
            "the same length as target `1h` listed before it",
        ),
        (r#""1 h""#, ""),
    ] {
        let path = folder.path().join("targets.toml");
        std::fs::write(&path, queue_of_four(targets)).expect("written");
        let path = path.to_str().expect("UTF-8");
        let output = carepath(&["check", path]);
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{targets}: {stderr}");
        assert!(stderr.contains(message), "{targets}: {stderr}");
        assert!(
            stderr.contains(&format!("{path}:13:")),
            "{targets}: {stderr}"
        );
        assert!(stderr.contains("help:"), "{targets}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// Issue 9 item 10 (memory): a run keeps nothing per replication. Curves and the summary of
/// every metric are reduced into running sums as replications finish: the same bands as from
/// every curve kept, the same means and counts as the two-pass summary of every replication
/// kept, and standard deviations within 1e-12 of it.
#[test]
fn a_run_keeps_only_running_sums() {
    use carepath::experiment::bands::band;
    use carepath::experiment::run_scenario;
    use carepath::experiment::statistics::{mean_sd_ci, observed};
    let text = queue_of_four(r#"["1 h"]"#)
        .replace("replications = 2", "replications = 5")
        .replace("horizon = \"1 d\"", "horizon = \"7 d\"");
    let loaded = carepath::scenario::parse("test.toml", &text).expect("loads");
    let outcome =
        run_scenario(&loaded.scenario, 0, 5, 2, &indicatif::ProgressBar::hidden()).expect("runs");
    let whole = crate::support::each_replication(&text);
    let summary = outcome.summary();
    assert_eq!(summary.len(), whole[0].metrics.len());
    for (index, row) in summary.iter().enumerate() {
        let values = observed(whole.iter().map(|r| r.metrics[index].value));
        let (mean, sd, _, _) = mean_sd_ci(&values);
        assert_eq!(row.replications, values.len(), "{}", row.metric);
        assert!(
            row.mean.to_bits() == mean.to_bits() || (row.mean.is_nan() && mean.is_nan()),
            "{}: {} against {mean}",
            row.metric,
            row.mean
        );
        assert!(
            (row.sd - sd).abs() <= 1e-12 * sd.abs().max(mean.abs())
                || (row.sd.is_nan() && sd.is_nan()),
            "{}: sd {} against {sd}",
            row.metric,
            row.sd
        );
    }
    let whole = crate::support::each_replication(&text);
    let kept = band(whole.iter().map(|r| r.by_hour[0].busy.as_slice()));
    assert_eq!(outcome.curves.by_hour[0].busy.band(), kept);
    let served = band(
        whole
            .iter()
            .map(|r| r.waits[0].served_percentiles.as_slice()),
    );
    assert_eq!(outcome.curves.served_waits(0), served);
}

/// Issue 9 item 1: shards whose `replications.csv` has empty cells merge into files
/// byte-identical to one run (an empty cell reads back as no value, not as an error or 0).
#[test]
fn shards_with_empty_cells_merge_to_one_run() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let scenario = dir.path().join("rare.toml");
    std::fs::write(&scenario, rare(0)).expect("scenario written");
    let scenario = scenario.to_str().expect("UTF-8");
    let path = |name: &str| dir.path().join(name).to_str().expect("UTF-8").to_string();
    let run = |args: &[&str]| {
        let output = carepath(args);
        assert!(output.status.success(), "{args:?}: {:?}", text(&output));
    };
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let out = path(&format!("s{k}"));
        run(&[
            "run", scenario, "-r", "30", "-q", "--shard", &shard, "-o", &out,
        ]);
    }
    run(&["merge", &path("s1"), &path("s2"), "-o", &path("merged")]);
    run(&[
        "run",
        scenario,
        "-r",
        "30",
        "-q",
        "--no-report",
        "-o",
        &path("full"),
    ]);
    for file in ["summary.csv", "replications.csv"] {
        let merged = std::fs::read_to_string(dir.path().join("merged").join(file)).expect("merged");
        let full = std::fs::read_to_string(dir.path().join("full").join(file)).expect("full");
        assert!(
            merged == full,
            "{file} differs between merged shards and one run"
        );
        assert!(
            full.lines().any(|l| l.ends_with(',') || l.contains(",,")),
            "{file} has empty cells"
        );
    }
}

/// Issue 9 item 1, as a person reads it (review finding): the console says over how many
/// replications a figure was observed, gives no interval from one, and `compare` says
/// "no patients in either design" or "too few ... to judge" instead of a verdict of noise
/// with an infinite interval.
#[test]
fn console_says_how_many_replications_had_patients() {
    // 1e-6 referrals a day: no referral in any of 3 replications of 20 days.
    let never = rare(1).replace("per_day = 0.05", "per_day = 0.000001");
    let folder = tempfile::tempdir().expect("a temporary folder");
    let base = folder.path().join("base.toml");
    let variant = folder.path().join("variant.toml");
    std::fs::write(&base, &never).expect("base written");
    std::fs::write(
        &variant,
        never.replace("name = \"rare\"", "name = \"none\""),
    )
    .expect("variant");
    let done = run_into(&[
        "compare",
        base.to_str().expect("UTF-8"),
        variant.to_str().expect("UTF-8"),
        "-r",
        "3",
        "--no-report",
    ]);
    assert!(
        done.stdout
            .lines()
            .any(|l| l.contains("no patients  no patients")
                && l.contains("no patients in either design")),
        "{}",
        done.stdout
    );
    assert!(!done.stdout.contains("inf"), "{}", done.stdout);

    // Seed 9, 200 replications: many have a referral, many none; the run's table says so.
    let with_referrals = folder.path().join("some.toml");
    std::fs::write(&with_referrals, rare(1)).expect("written");
    let run = run_into(&[
        "run",
        with_referrals.to_str().expect("UTF-8"),
        "--no-report",
    ]);
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains("Rare: see: share within the deadline"))
        .expect("the deadline row");
    assert!(line.contains(" of 200 with patients"), "{line}");
    assert!(!line.contains("inf"), "{line}");
}
