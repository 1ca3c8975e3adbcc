//! Where the days go (issue 11 items 1, 2 and 4): every hour of every patient attributed to
//! one cause, the figures in the summary, and the patient-level trace that lets a reader
//! check both.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use carepath::experiment::compare::{ComparisonSums, Verdict};
use carepath::experiment::trace::trace_bytes;
use carepath::model::{run_replication, run_replication_traced};
use carepath::scenario::parse;

use crate::support::{carepath, repository_root, run_file, run_into, run_text, text};

/// One row of a trace.
#[derive(Debug, Clone)]
struct Row {
    replication: u32,
    patient: u64,
    time: f64,
    pathway: String,
    event: String,
    cause: String,
    detail: String,
}

/// The rows of a trace, checking its header and column count.
fn rows(trace: &[u8]) -> Vec<Row> {
    let text = std::str::from_utf8(trace).expect("the trace is UTF-8");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("replication,patient,time_h,pathway,step,event,resource,cause,detail")
    );
    lines
        .map(|line| {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 9, "{line}");
            Row {
                replication: f[0].parse().expect("replication"),
                patient: f[1].parse().expect("patient"),
                time: f[2].parse().expect("time"),
                pathway: f[3].to_string(),
                event: f[5].to_string(),
                cause: f[7].to_string(),
                detail: f[8].to_string(),
            }
        })
        .collect()
}

/// Checks, patient by patient, that the `attributed` hours of each stay in a pathway add up
/// to the time from entering it (time zero for the census) to leaving it (or the end of the
/// run), to 1e-9 h; returns the patients checked.
fn assert_causes_sum_to_time_in_pathway(rows: &[Row], source: &str) -> usize {
    let mut by_patient: BTreeMap<(u32, u64), Vec<&Row>> = BTreeMap::new();
    for row in rows {
        by_patient
            .entry((row.replication, row.patient))
            .or_default()
            .push(row);
    }
    for ((replication, patient), rows) in &by_patient {
        let first = rows[0];
        assert!(
            first.event == "arrival" || first.event == "census",
            "{source}: patient {patient} starts with {}",
            first.event
        );
        let mut pathway = first.pathway.clone();
        let mut entered = first.time.max(0.0);
        let mut sum = 0.0;
        let mut closed = false;
        for row in rows {
            match row.event.as_str() {
                "attributed" => {
                    assert_eq!(row.pathway, pathway, "{source}: patient {patient}");
                    let hours: f64 = row.detail.parse().expect("hours");
                    assert!(hours >= 0.0, "{source}: negative hours {hours}");
                    sum += hours;
                }
                "transfer" | "end" | "inside_at_end" => {
                    let stay = row.time - entered;
                    assert!(
                        (sum - stay).abs() <= 1e-9,
                        "{source}: replication {replication} patient {patient} in {pathway}: causes {sum} h, time in pathway {stay} h"
                    );
                    if row.event == "transfer" {
                        pathway = row.detail.clone();
                        entered = row.time;
                        sum = 0.0;
                    } else {
                        closed = true;
                    }
                }
                _ => {}
            }
        }
        assert!(
            closed,
            "{source}: patient {patient} neither ends nor is inside at the end"
        );
    }
    by_patient.len()
}

/// Every scenario file shipped under `scenarios/`.
fn shipped_scenarios() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .expect("scenarios/ is readable")
            .map(|e| e.expect("an entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "toml") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repository_root().join("scenarios"), &mut out);
    out
}

/// Item 1's invariant, through the trace: in every shipped scenario, every patient's causes
/// sum to its time in each pathway. Item 2 rebuilt from the trace: the `attributed` rows
/// after the warm-up add up to the `total_hours` metrics; and every blocked resource's
/// unit-days by cause add up to its blocked unit-days.
#[test]
fn causes_sum_to_time_in_pathway_for_every_patient_of_every_shipped_scenario() {
    let scenarios = shipped_scenarios();
    assert!(scenarios.len() >= 10, "{scenarios:?}");
    for path in scenarios {
        let source = path.display().to_string();
        let loaded = carepath::scenario::load(&path).unwrap_or_else(|e| panic!("{source}: {e}"));
        let scenario = &loaded.scenario;
        let trace = trace_bytes(scenario, &[0]).unwrap_or_else(|e| panic!("{source}: {e}"));
        let rows = rows(&trace);
        let patients = assert_causes_sum_to_time_in_pathway(&rows, &source);
        assert!(patients > 0, "{source}: no patients");

        let result = run_replication(scenario, 0).expect("runs");
        let metric = |name: &str| {
            result
                .metrics
                .iter()
                .find(|m| &*m.name == name)
                .map(|m| m.value)
        };
        let warm_up = scenario.warm_up.hours();
        let mut rebuilt: BTreeMap<(String, String), f64> = BTreeMap::new();
        for row in rows
            .iter()
            .filter(|r| r.event == "attributed" && r.time > warm_up)
        {
            *rebuilt
                .entry((row.pathway.clone(), row.cause.clone()))
                .or_default() += row.detail.parse::<f64>().expect("hours");
        }
        for ((pathway, cause), hours) in &rebuilt {
            let name = format!("attribution.{pathway}.{cause}.total_hours");
            let value = metric(&name).unwrap_or_else(|| panic!("{source}: no {name}"));
            assert!(
                (value - hours).abs() <= 1e-6 * hours.max(1.0),
                "{source}: {name} is {value}, the trace gives {hours}"
            );
        }
        for resource in &scenario.resources {
            let Some(blocked) = metric(&format!("{}.blocked", resource.name)) else {
                continue;
            };
            let prefix = format!("blocked.{}.by_cause.", resource.name);
            let by_cause: f64 = result
                .metrics
                .iter()
                .filter(|m| m.name.starts_with(&prefix) && m.name.ends_with(".unit_days"))
                .map(|m| m.value)
                .sum();
            assert!(
                (by_cause - blocked).abs() <= 1e-6 * blocked.max(1.0),
                "{source}: {} blocked {blocked} unit-days, by cause {by_cause}",
                resource.name
            );
        }
    }
}

/// A ward patient whose treatment ends on Friday at 17:30, then referred to an office open
/// on weekdays 09:00-17:00 with 2 hours of processing; blocked in its bed meanwhile or not.
fn friday_referral(block: bool) -> String {
    let block_step = if block {
        "[[pathways.ward.steps]]\nname = \"ready\"\nblock = { resource = \"acute_bed\" }\n"
    } else {
        ""
    };
    format!(
        r#"
[run]
name = "friday_referral"
horizon = "2 w"
replications = 1
start_day = "friday"

[calendars.office]
hours = [{{ days = ["weekdays"], start = "09:00", end = "17:00" }}]

[resources.acute_bed]
count = 5

[[pathways.ward.steps]]
name = "treatment"
delay = {{ duration = {{ fixed = "1 d" }} }}

{block_step}
[[pathways.ward.steps]]
name = "refer"
handoff = {{ hours = "office", processing = {{ fixed = "2 h" }} }}

[[pathways.ward.steps]]
name = "discharge"
release = {{ resource = "acute_bed" }}

[[pathways.ward.steps]]
name = "home"
end = {{ outcome = "home" }}

[[initial]]
pathway = "ward"
step = "treatment"
count = 1
elapsed = "1 d"
remaining = {{ fixed = "17.5 h" }}
holding = ["acute_bed"]
"#
    )
}

/// Item 1, the issue's example: a referral sent on Friday at 17:30 to a Monday-to-Friday
/// 09:00-17:00 office waits 6.5 + 48 + 9 = 63.5 hours for the office to open, then is
/// processed for 2 hours. Blocked in an acute bed meanwhile, those hours are the bed's
/// blocked unit-days under the handoff's causes.
#[test]
fn friday_1730_referral_attributes_63_5_hours_to_the_office_being_closed() {
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let run = run_text(&friday_referral(false));
    assert!(close(
        run.mean("attribution.ward.handoff.refer.office_closed.total_hours"),
        63.5
    ));
    assert!(close(
        run.mean("attribution.ward.handoff.refer.processing.total_hours"),
        2.0
    ));
    // Census patients count from time zero: 17.5 h of the treatment.
    assert!(close(
        run.mean("attribution.ward.delay.treatment.total_hours"),
        17.5
    ));
    assert_eq!(run.mean("attribution.ward.patients"), 1.0);
    assert!(close(
        run.mean("attribution.ward.handoff.refer.office_closed.hours_per_patient"),
        63.5
    ));

    let run = run_text(&friday_referral(true));
    let blocked = "attribution.ward.blocked.handoff.refer";
    assert!(close(
        run.mean(&format!("{blocked}.office_closed.total_hours")),
        63.5
    ));
    assert!(close(
        run.mean(&format!("{blocked}.processing.total_hours")),
        2.0
    ));
    assert_eq!(
        run.mean("attribution.ward.handoff.refer.office_closed.total_hours"),
        0.0
    );
    let by_cause = "blocked.acute_bed.by_cause.ward.handoff.refer";
    assert!(close(
        run.mean(&format!("{by_cause}.office_closed.unit_days")) * 24.0,
        63.5
    ));
    assert!(close(run.mean("acute_bed.blocked") * 24.0, 65.5));

    // The trace shows the referral sent at 17.5 h and 63.5 h closed before the 2 h of work.
    let loaded = parse("friday.toml", &friday_referral(true)).expect("loads");
    let rows = rows(&trace_bytes(&loaded.scenario, &[0]).expect("traces"));
    let sent = rows
        .iter()
        .find(|r| r.event == "handoff_sent")
        .expect("sent");
    assert_eq!(sent.time, 17.5);
    let closed = rows
        .iter()
        .find(|r| r.cause == "blocked.handoff.refer.office_closed")
        .expect("closed hours");
    assert!(close(closed.detail.parse::<f64>().expect("hours"), 63.5));
    assert_causes_sum_to_time_in_pathway(&rows, "friday");
}

/// Item 1: a patient blocked in an acute bed waits 10 hours for the one reablement place,
/// held by another patient for 10 more hours: those hours are under
/// `blocked.wait.reablement.busy`, and are 10/24 acute bed-days blocked by that cause.
#[test]
fn blocked_bed_waiting_for_reablement_is_attributed_to_the_reablement_wait() {
    let scenario = r#"
[run]
name = "blocked"
horizon = "3 d"
replications = 1

[resources.acute_bed]
count = 5

[resources.reablement]
count = 1

[[pathways.ward.steps]]
name = "ready"
block = { resource = "acute_bed" }

[[pathways.ward.steps]]
name = "await_reablement"
seize = { resource = "reablement" }

[[pathways.ward.steps]]
name = "discharge"
release = { resource = "acute_bed" }

[[pathways.ward.steps]]
name = "support"
delay = { duration = { fixed = "5 h" } }

[[pathways.ward.steps]]
name = "finish"
release = { resource = "reablement" }

[[pathways.ward.steps]]
name = "home"
end = { outcome = "home" }

[[initial]]
pathway = "ward"
step = "support"
count = 1
remaining = { fixed = "10 h" }
holding = ["reablement"]

[[initial]]
pathway = "ward"
step = "ready"
count = 1
holding = ["acute_bed"]
"#;
    let run = run_text(scenario);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    assert!(close(
        run.mean("attribution.ward.blocked.wait.reablement.busy.total_hours"),
        10.0
    ));
    assert_eq!(
        run.mean("attribution.ward.wait.reablement.busy.total_hours"),
        0.0
    );
    assert!(close(
        run.mean("attribution.ward.delay.support.total_hours"),
        15.0
    ));
    assert!(close(
        run.mean("blocked.acute_bed.by_cause.ward.wait.reablement.busy.unit_days"),
        10.0 / 24.0
    ));
    assert!(close(run.mean("acute_bed.blocked"), 10.0 / 24.0));
    assert!(close(
        run.mean("attribution.ward.delay.support.hours_per_patient"),
        7.5
    ));
}

/// Item 1: waiting for a team splits into "nobody rostered" and "on duty but busy", at the
/// roster's changes. Six patients wait from Monday 00:00 for a team of one on duty weekdays
/// 08:00-17:00, each visit 2 hours: five are seen on Monday (8 h off duty each, then 0, 2,
/// 4, 6 and 8 h busy); the sixth waits 8 h off duty, 9 h busy, 15 h off duty overnight
/// (the fifth visit runs on past 17:00, with nobody rostered), and is seen on Tuesday.
#[test]
fn waiting_for_a_team_splits_into_off_duty_and_busy_at_roster_changes() {
    let scenario = r#"
[run]
name = "team"
horizon = "2 d"
replications = 1

[resources.nurse]
roster = [{ days = ["weekdays"], start = "08:00", end = "17:00", count = 1 }]

[[pathways.visits.steps]]
name = "visit"
activity = { resource = "nurse", duration = { fixed = "2 h" } }

[[pathways.visits.steps]]
name = "done"
end = { outcome = "seen" }

[[initial]]
pathway = "visits"
step = "visit"
count = 6
"#;
    let run = run_text(scenario);
    let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
    let off = run.mean("attribution.visits.wait.nurse.off_duty.total_hours");
    let busy = run.mean("attribution.visits.wait.nurse.busy.total_hours");
    assert!(close(off, 5.0 * 8.0 + 23.0), "off duty {off}");
    assert!(close(busy, 2.0 + 4.0 + 6.0 + 8.0 + 9.0), "busy {busy}");
    assert!(close(
        run.mean("attribution.visits.service.visit.total_hours"),
        12.0
    ));
}

/// Item 2, the issue's comparison: with social care working seven days, the hours P1
/// patients spend (blocked in their beds) waiting for the social care office to open fall
/// clearly: the paired 95% interval of the difference lies below zero.
#[test]
fn seven_day_social_care_clearly_cuts_p1_office_closed_hours() {
    let folder = repository_root().join("scenarios/east_london");
    let base = run_file(&folder.join("baseline.toml"));
    let seven = run_file(&folder.join("seven_day_social_care.toml"));
    let mut sums = ComparisonSums::new(&["baseline", "seven_day"]);
    for (b, v) in base.results.iter().zip(&seven.results) {
        sums.add(&[b.clone(), v.clone()]);
    }
    let rows = sums.rows();
    let metric =
        "attribution.d2a_p1.blocked.handoff.refer_to_social_care.office_closed.hours_per_patient";
    let row = rows
        .iter()
        .find(|r| r.scenario == "seven_day" && r.metric == metric)
        .expect("the variant has the metric");
    assert_eq!(row.verdict(), Verdict::ClearlyLower, "{row:?}");
    assert!(row.diff_ci95_high < 0.0, "{row:?}");
    assert!(base.mean(metric) > 0.0);
}

/// Item 4: the trace observes and changes nothing: a traced replication has the same
/// figures as an untraced one.
#[test]
fn a_traced_replication_has_the_same_figures() {
    let loaded = carepath::scenario::load(&repository_root().join("scenarios/small_rich.toml"))
        .expect("loads");
    let plain = run_replication(&loaded.scenario, 2).expect("runs");
    let mut sink = Vec::new();
    let traced = run_replication_traced(&loaded.scenario, 2, &mut sink).expect("runs");
    let bits = |r: &carepath::model::ReplicationResult| {
        r.metrics
            .iter()
            .map(|m| (m.name.to_string(), m.value.to_bits()))
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&plain), bits(&traced));
    assert_eq!(plain.events, traced.events);
    assert!(!sink.is_empty());
}

/// Item 4: `run --trace` writes the same bytes on 1 and 2 threads; the rows of replication 3
/// are those of replication 3 run alone (shard 4 of 4 runs only replication 3).
#[test]
fn trace_is_the_same_on_any_thread_count_and_when_run_alone() {
    let scenario = "scenarios/small_rich.toml";
    let read = |folder: &Path| std::fs::read(folder.join("trace.csv")).expect("trace.csv");
    let one = run_into(&[
        "run",
        scenario,
        "-r",
        "4",
        "-t",
        "1",
        "-q",
        "--no-report",
        "--trace",
        "1,3",
    ]);
    let two = run_into(&[
        "run",
        scenario,
        "-r",
        "4",
        "-t",
        "2",
        "-q",
        "--no-report",
        "--trace",
        "1,3",
    ]);
    let both = read(one.path());
    assert_eq!(both, read(two.path()));
    let alone = run_into(&[
        "run", scenario, "-r", "4", "--shard", "4/4", "-q", "--trace", "3",
    ]);
    let alone = read(alone.path());
    let text = String::from_utf8(both).expect("UTF-8");
    let mut lines = text.lines();
    let header = lines.next().expect("a header");
    let mut three = vec![header];
    three.extend(lines.filter(|l| l.starts_with("3,")));
    assert!(three.len() > 100);
    assert_eq!(
        String::from_utf8(alone).expect("UTF-8"),
        three.join("\n") + "\n"
    );
    // `--trace` alone is replication 0.
    let zero = run_into(&["run", scenario, "-r", "2", "-q", "--no-report", "--trace"]);
    let zero = read(zero.path());
    assert!(rows(&zero).iter().all(|r| r.replication == 0));
}

/// Item 4: a replication the run does not have is refused before anything runs, with the
/// range and a `help:` line.
#[test]
fn trace_of_a_replication_outside_the_run_is_refused() {
    let output = carepath(&[
        "run",
        "scenarios/small_rich.toml",
        "-r",
        "3",
        "-q",
        "--trace",
        "7",
    ]);
    let (_, stderr) = text(&output);
    assert!(!output.status.success());
    assert!(stderr.contains("--trace 7"), "{stderr}");
    assert!(stderr.contains("replications 0 to 2"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

/// Item 3: the largest cause of delayed bed-days in the East London baseline, with its
/// share of all delayed bed-days and the share's interval; none where nothing is blocked.
#[test]
fn largest_cause_of_delayed_bed_days_has_its_share_and_interval() {
    use carepath::experiment::run_scenario;
    use carepath::report::charts::{Design, largest_delayed_cause};
    let hidden = indicatif::ProgressBar::hidden();
    let largest = |path: &str| {
        let loaded = carepath::scenario::load(&repository_root().join(path)).expect("loads");
        let outcome = run_scenario(&loaded.scenario, 0, 4, 0, &hidden).expect("runs");
        let summary = outcome.summary();
        let design = Design {
            scenario: &loaded.scenario,
            curves: &outcome.curves,
            summary: &summary,
        };
        let total = design.metric("acute_bed.blocked").map(|m| m.mean);
        let sentence = largest_delayed_cause(&design).map(|c| c.sentence(&loaded.scenario));
        (largest_delayed_cause(&design), total, sentence)
    };
    let (cause, total, sentence) = largest("scenarios/east_london/baseline.toml");
    let cause = cause.expect("the baseline has delayed bed-days");
    assert_eq!(cause.resource, "acute_bed");
    assert_eq!(cause.pathway, "d2a_p1");
    assert_eq!(
        cause.cause,
        "handoff.refer_to_social_care.duplicate_assessment"
    );
    let share = cause.share;
    assert!(
        0.0 < share.low && share.low <= share.mean && share.mean <= share.high && share.high < 1.0
    );
    let ratio = cause.unit_days.mean / total.expect("blocked bed-days");
    assert!((share.mean - ratio).abs() < 0.02, "{share:?} vs {ratio}");
    let sentence = sentence.expect("a sentence");
    assert!(
        sentence.contains("duplicate assessment") && sentence.contains("bed-days"),
        "{sentence}"
    );
    let (none, _, _) = largest("scenarios/mmc.toml");
    assert_eq!(none, None);
}

/// Item 3: the baseline's board pack has the chart of where the delayed bed-days go.
#[test]
fn board_pack_shows_where_the_delayed_bed_days_go() {
    let run = run_into(&[
        "run",
        "scenarios/east_london/baseline.toml",
        "-r",
        "2",
        "-q",
    ]);
    let charts = run.path().join("charts");
    assert!(charts.join("where_the_delayed_days_go.png").is_file());
    assert!(charts.join("where_the_delayed_days_go.svg").is_file());
    let report = std::fs::read_to_string(run.path().join("report.html")).expect("report");
    assert!(report.contains("Where the delayed bed-days go"));
    // In brief names the largest cause, with its share and interval, before the key figures.
    let brief = &report[report.find("<h2>In brief</h2>").expect("In brief")..];
    let brief = &brief[..brief
        .find("<h2>Key figures</h2>")
        .expect("key figures follow")];
    assert!(
        brief.contains("Largest cause of delayed bed-days: ") && brief.contains("of them (95% CI"),
        "{brief}"
    );
}

/// Item 3: a comparison's board pack draws one stacked bar per design in each pathway's
/// panel, tables each cause's change with its paired interval, and In brief says which
/// causes the seven-day variant removes or reduces: among them P1's hours waiting for the
/// social care office to open, with the size and its paired interval.
#[test]
fn comparison_says_which_causes_of_delayed_days_a_variant_removes() {
    let run = run_into(&[
        "compare",
        "scenarios/east_london/baseline.toml",
        "scenarios/east_london/seven_day_social_care.toml",
        "-r",
        "3",
        "-q",
    ]);
    let charts = run.path().join("charts");
    assert!(
        charts.join("where_the_delayed_days_go.png").is_file()
            || charts.join("where_the_delayed_days_go_1.png").is_file()
    );
    let report = std::fs::read_to_string(run.path().join("report.html")).expect("report");
    let table = &report[report
        .find("<h2>Where the delayed days go: change from Baseline</h2>")
        .expect("the table of changes by cause")..];
    assert!(
        table.contains("Referral to social care: office closed"),
        "{table}"
    );
    let brief = &report[report.find("<h2>In brief</h2>").expect("In brief")..];
    let brief = &brief[..brief.find("<h2>The designs</h2>").expect("designs follow")];
    let sentence = brief
        .split("<li>")
        .find(|item| {
            item.starts_with("Removes delayed days of")
                || item.starts_with("Reduces delayed days of")
        })
        .unwrap_or_else(|| panic!("no cause removed or reduced: {brief}"));
    assert!(
        sentence.contains("Discharge pathway 1 (home with reablement), referral to social care: waiting for the office to open: "),
        "{sentence}"
    );
    assert!(sentence.contains("bed-days (paired 95% CI "), "{sentence}");
    assert!(sentence.contains(" lower)"), "{sentence}");
}
