//! Issue 9 items 7, 8, 9, 11 and 12: numbers that cannot overflow, names that cannot
//! collide or break a file name, no hang on an empty name, inputs that are not files, and
//! validation linear in the size of the scenario.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use carepath::scenario::{ScenarioError, parse};

use crate::support::{binary, repository_root, text};

/// A small valid scenario; `{RESOURCES}`, `{STEP}` and `{EXTRA}` are replaced.
const TEMPLATE: &str = r#"
[run]
name = "v"
horizon = "2 d"
replications = 1

{RESOURCES}

[arrivals.gp]
pathway = "p"
per_day = 5

[[pathways.p.steps]]
name = "{STEP}"
activity = { resource = "nurse", duration = { fixed = "1 h" } }

[[pathways.p.steps]]
name = "done"
end = { outcome = "ok" }
{EXTRA}
"#;

fn scenario(resources: &str, step: &str, extra: &str) -> String {
    TEMPLATE
        .replace("{RESOURCES}", resources)
        .replace("{STEP}", step)
        .replace("{EXTRA}", extra)
}

/// The problems `check` reports for `text`, as (line, message, help); panics if it loads.
fn problems(text: &str) -> Vec<(usize, String, String)> {
    match parse("v.toml", text) {
        Ok(_) => panic!("the scenario was accepted:\n{text}"),
        Err(ScenarioError::Invalid { problems, .. }) => problems
            .iter()
            .map(|p| {
                (
                    p.line_column(text).0,
                    p.message.clone(),
                    p.help.clone().unwrap_or_default(),
                )
            })
            .collect(),
        Err(other) => panic!("not a list of problems: {other}"),
    }
}

/// Asserts exactly one problem, on `line`, whose message contains `needle`, with help.
fn assert_one(text: &str, line: usize, needle: &str) {
    let found = problems(text);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (at, message, help) = &found[0];
    assert_eq!(*at, line, "{message}");
    assert!(message.contains(needle), "{message}");
    assert!(!help.is_empty(), "no help for: {message}");
}

/// Runs `carepath args` from the repository root, killing it after `limit`; `None` if it had
/// to be killed (a hang).
fn carepath_within(args: &[&str], limit: Duration) -> Option<Output> {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(repository_root())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the carepath binary starts");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("waits").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn path_str(path: &Path) -> &str {
    path.to_str().expect("temporary paths are UTF-8")
}

// ---- item 7: numbers that overflow silently ----

/// Issue 9 item 7, the issue's example: two roster lines on the same hours with counts
/// 2147483648 and 2147483649 used to run with 1 nurse (`check` said "1 units").
#[test]
fn issue_9_item_7_roster_counts_that_would_wrap_are_refused() {
    let resources = r#"[resources.nurse]
roster = [
  { days = ["every_day"], start = "08:00", end = "20:00", count = 2147483648 },
  { days = ["every_day"], start = "08:00", end = "20:00", count = 2147483649 },
]"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("overflow.toml");
    std::fs::write(&path, scenario(resources, "visit", "")).unwrap();
    let output = carepath_within(&["check", path_str(&path)], Duration::from_secs(60))
        .expect("check finishes");
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(!stdout.contains("1 units"), "{stdout}");
    assert!(
        stderr.contains("overflow.toml:9:67") && stderr.contains("overflow.toml:10:67"),
        "{stderr}"
    );
    assert!(stderr.contains("from 0 to 1000000"), "{stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

/// Issue 9 item 7: lines each within the limit whose sum is not are refused at the roster.
#[test]
fn issue_9_item_7_roster_lines_adding_up_past_the_limit_are_refused() {
    let resources = r#"[resources.nurse]
roster = [
  { days = ["monday"], start = "08:00", end = "20:00", count = 600000 },
  { days = ["monday"], start = "12:00", end = "22:00", count = 600000 },
]"#;
    assert_one(
        &scenario(resources, "visit", ""),
        8,
        "add up to 1200000 units on monday at 12:00",
    );
    // At the limit exactly, it loads and says so.
    let at_limit = resources.replace("600000", "500000");
    let loaded = parse("v.toml", &scenario(&at_limit, "visit", "")).unwrap();
    assert_eq!(loaded.scenario.resources[0].schedule.peak(), 1_000_000);
}

/// Issue 9 item 7: every other number a scenario can make is bounded or located.
#[test]
fn issue_9_item_7_costs_census_weights_durations_and_volumes_are_bounded() {
    let nurse = "[resources.nurse]\ncount = 2";
    // A cost so large that a total would be infinite.
    assert_one(
        &scenario(
            "[resources.nurse]\ncount = 2\ncost_per_hour = 1e300",
            "visit",
            "",
        ),
        9,
        "`cost_per_hour` must be from 0 to",
    );
    // Census groups adding up past the limit (each one within u32).
    let census = r#"
[[initial]]
pathway = "p"
step = "visit"
count = 700000

[[initial]]
pathway = "p"
step = "visit"
count = 700000
"#;
    let found = problems(&scenario(nurse, "visit", census));
    assert!(
        found
            .iter()
            .any(|(line, m, _)| *line == 30 && m.contains("add up to more than 1000000")),
        "{found:#?}"
    );
    // Empirical weights whose sum is infinite.
    let text = scenario(nurse, "visit", "").replace(
        r#"{ fixed = "1 h" }"#,
        r#"{ empirical = { values = ["1 h", "2 h"], weights = [1e308, 1e308] } }"#,
    );
    assert_one(&text, 16, "positive, finite sum");
    // A deadline beyond a century (inf hours once converted).
    let text = scenario(nurse, "visit", "").replace(
        r#"resource = "nurse","#,
        r#"resource = "nurse", deadline = "1e306 w", fallback = "done","#,
    );
    assert_one(&text, 16, "`deadline` must be at most");
    // Growth that would take the volume past the limit over the run.
    let text = scenario(nurse, "visit", "")
        .replace("horizon = \"2 d\"", "horizon = \"36000 d\"")
        .replace("per_day = 5", "per_day = 5\ngrowth_per_year = 1.0");
    assert_one(&text, 12, "from `growth_per_year`");
    // Stacked demand changes, each within its own limit, past the volume limit together.
    let changes = r#"
[[demand_changes]]
start = "0 d"
length = "1 d"
factor = 100

[[demand_changes]]
start = "12 h"
length = "1 d"
factor = 100

[[demand_changes]]
start = "18 h"
length = "1 d"
factor = 100
"#;
    assert_one(
        &scenario(nurse, "visit", changes),
        12,
        "from demand changes in force together",
    );
    // Two of them are within the limit (5 x 100 x 100 = 50,000 a day).
    let two = &changes[..changes.rfind("[[demand_changes]]").unwrap()];
    parse("v.toml", &scenario(nurse, "visit", two)).unwrap();
}

// ---- item 8: names ----

/// Issue 9 item 8, the issue's example: a step named `a/b` passed `check` and failed only
/// when its chart was written. Now `check` refuses it at the name with a valid suggestion.
#[test]
fn issue_9_item_8_a_step_named_a_slash_b_is_refused_at_check() {
    let text = scenario("[resources.nurse]\ncount = 2", "a/b", "");
    assert_one(&text, 15, "step name \"a/b\" contains `/`");
    let (_, _, help) = &problems(&text)[0];
    assert!(help.contains("\"a_b\""), "{help}");
    for bad in ["", "a.b", "1st", "a b", "x-y", &"s".repeat(65)] {
        let found = problems(&scenario("[resources.nurse]\ncount = 2", bad, ""));
        assert!(
            found
                .iter()
                .any(|(line, m, _)| *line == 15 && m.contains("step name")),
            "{bad:?}: {found:#?}"
        );
    }
    // Other kinds of names follow the same rule.
    let text = scenario("[resources.\"night nurse\"]\ncount = 2", "visit", "")
        .replace("\"nurse\"", "\"night nurse\"");
    let found = problems(&text);
    assert!(
        found
            .iter()
            .any(|(_, m, h)| m.contains("resource name \"night nurse\"")
                && h.contains("night_nurse")),
        "{found:#?}"
    );
}

/// Issue 9 item 8: names that would make two different things report under one metric name
/// are refused, each at its place.
#[test]
fn issue_9_item_8_names_that_would_share_a_metric_name_are_refused() {
    // A pathway called `cost` with outcome `ok` would report `cost.outcome.ok` (patients),
    // the name of the cost of outcome `ok` (GBP).
    let text = scenario("[resources.nurse]\ncount = 2", "visit", "")
        .replace("pathways.p.", "pathways.cost.")
        .replace("pathway = \"p\"", "pathway = \"cost\"");
    assert_one(
        &text,
        14,
        "pathway name `cost` is a fixed part of metric names",
    );
    // A resource and a pathway of one name.
    let text = scenario(
        "[resources.nurse]\ncount = 2\n[resources.p]\ncount = 1",
        "visit",
        "",
    );
    assert_one(&text, 9, "resource `p` has the same name as pathway `p`");
    // A resource called `outcome`: `cost.outcome.staff` against outcome `staff`.
    let text =
        scenario("[resources.outcome]\ncount = 2", "visit", "").replace("\"nurse\"", "\"outcome\"");
    assert_one(&text, 7, "`cost.outcome`");
    // Names that differ only in case.
    let text = scenario("[resources.nurse]\ncount = 2", "visit", "")
        .replace("name = \"done\"", "name = \"Visit\"\ndelay = { duration = { fixed = \"1 h\" } }\n\n[[pathways.p.steps]]\nname = \"done\"");
    assert_one(&text, 19, "differ only in capital letters");
    // An outcome named like the transfers into a pathway.
    let transfer = r#"
[[pathways.q.steps]]
name = "move"
transfer = { pathway = "p" }
"#;
    let text = scenario("[resources.nurse]\ncount = 2", "visit", transfer)
        .replace("outcome = \"ok\"", "outcome = \"to_p\"");
    let found = problems(&text);
    assert!(
        found
            .iter()
            .any(|(line, m, _)| *line == 20 && m.contains("name given to transfers")),
        "{found:#?}"
    );
}

/// Issue 9 item 8: pathway `a_b` step `c` and pathway `a` step `b_c` are different waiting
/// points; their metrics and their chart files must differ (the chart stems used to be
/// `wait_a_b_c` for both).
#[test]
fn issue_9_item_8_joined_names_stay_apart() {
    let scenario_text = r#"
[run]
name = "v"
horizon = "2 d"
replications = 1
[resources.nurse]
count = 2
[arrivals.one]
pathway = "a_b"
per_day = 5
[arrivals.two]
pathway = "a"
per_day = 5
[[pathways.a_b.steps]]
name = "c"
activity = { resource = "nurse", duration = { fixed = "1 h" } }
[[pathways.a_b.steps]]
name = "done"
end = { outcome = "ok" }
[[pathways.a.steps]]
name = "b_c"
activity = { resource = "nurse", duration = { fixed = "1 h" } }
[[pathways.a.steps]]
name = "done"
end = { outcome = "ok" }
"#;
    let loaded = parse("v.toml", scenario_text).unwrap();
    assert_unique_metric_names(&loaded.scenario);
    // The run writes one chart per waiting point: two, not one written twice.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("joined.toml");
    std::fs::write(&path, scenario_text).unwrap();
    let out = dir.path().join("out");
    let output = carepath_within(
        &["run", path_str(&path), "-o", path_str(&out), "-q"],
        Duration::from_secs(120),
    )
    .expect("the run finishes");
    assert!(output.status.success(), "{:?}", text(&output));
    let mut charts: Vec<String> = std::fs::read_dir(out.join("charts"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("wait_") && n.ends_with(".png"))
        .collect();
    charts.sort();
    assert_eq!(charts.len(), 2, "{charts:?}");
}

fn assert_unique_metric_names(scenario: &carepath::model::scenario::Scenario) {
    let catalogue = carepath::model::metric_catalogue(scenario);
    let mut seen = std::collections::BTreeMap::new();
    for (name, _) in &catalogue {
        if let Some(earlier) = seen.insert(name.to_ascii_lowercase(), name) {
            panic!("`{name}` and `{earlier}` in {}", scenario.name);
        }
    }
}

/// Issue 9 item 8: every shipped scenario passes the name rule, and no two of its metrics
/// share a name (ignoring case). Guards metrics added later, too.
#[test]
fn issue_9_item_8_shipped_scenarios_have_distinct_metric_names() {
    let root = repository_root().join("scenarios");
    let mut files = Vec::new();
    let mut folders = vec![root];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    assert!(files.len() >= 8, "{files:?}");
    for file in files {
        let loaded =
            carepath::scenario::load(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        assert_unique_metric_names(&loaded.scenario);
    }
}

// ---- item 9: an empty name in a variant ----

/// Issue 9 item 9: `name = ""` on a step, or `[resources.""]`, in a variant made `check`
/// spin for ever. Now both are refused, pointing at the `""`.
#[test]
fn issue_9_item_9_an_empty_name_in_a_variant_does_not_hang() {
    let dir = tempfile::tempdir().unwrap();
    let base = repository_root().join("scenarios/east_london/baseline.toml");
    std::fs::copy(&base, dir.path().join("baseline.toml")).unwrap();
    let variants = [
        (
            "step.toml",
            "extends = \"baseline.toml\"\n\n[[pathways.rapid_response.steps]]\nname = \"\"\ndelay = { duration = { fixed = \"1 h\" } }\n",
            "step.toml:4:8",
        ),
        (
            "resource.toml",
            "extends = \"baseline.toml\"\n\n[resources.\"\"]\ncount = 3\n",
            "resource.toml:3:12",
        ),
    ];
    for (name, contents, place) in variants {
        let path = dir.path().join(name);
        std::fs::write(&path, contents).unwrap();
        for command in ["check", "run"] {
            let out = dir.path().join("out");
            let mut args = vec![command, path_str(&path)];
            if command == "run" {
                args.extend(["-o", path_str(&out)]);
            }
            let output = carepath_within(&args, Duration::from_secs(30))
                .unwrap_or_else(|| panic!("`{command} {name}` hung"));
            let (_, stderr) = text(&output);
            assert_eq!(output.status.code(), Some(2), "{stderr}");
            assert!(stderr.contains(place), "{stderr}");
            assert!(stderr.contains("help:"), "{stderr}");
        }
    }
}

// ---- item 11: inputs that are not files ----

/// Issue 9 item 11: `check /dev/zero` read until memory ran out, a FIFO blocked for ever, a
/// folder gave an operating-system error. Each is refused at once, naming the path and
/// the fix.
#[test]
fn issue_9_item_11_inputs_that_are_not_regular_files_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    let made = Command::new("mkfifo").arg(&fifo).status();
    let mut cases: Vec<(String, &str)> = vec![
        ("/dev/zero".to_string(), "a device"),
        (path_str(dir.path()).to_string(), "a folder"),
    ];
    if made.is_ok_and(|s| s.success()) {
        cases.push((path_str(&fifo).to_string(), "a named pipe"));
    }
    let big = dir.path().join("big.toml");
    // Sparse: its length is over the limit, its disk use nothing.
    std::fs::File::create(&big)
        .unwrap()
        .set_len(carepath::scenario::input::MAX_INPUT_BYTES + 1)
        .unwrap();
    cases.push((
        path_str(&big).to_string(),
        "above the limit of 16777216 bytes",
    ));
    for (path, kind) in &cases {
        let output = carepath_within(&["check", path], Duration::from_secs(30))
            .unwrap_or_else(|| panic!("`check {path}` hung"));
        let (_, stderr) = text(&output);
        let stderr = crate::support::words(&stderr);
        assert_eq!(output.status.code(), Some(1), "{path}: {stderr}");
        assert!(
            stderr.contains(&format!("cannot read scenario file {path}")),
            "{stderr}"
        );
        assert!(stderr.contains(kind), "{path}: {stderr}");
        assert!(stderr.contains("help:"), "{path}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// Issue 9 item 11: `extends = "/dev/zero"` (or a FIFO) is refused at the `extends` line.
#[test]
fn issue_9_item_11_extends_of_something_not_a_file_is_refused_at_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.toml");
    let mut targets = vec!["/dev/zero".to_string()];
    if Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        targets.push("pipe.toml".to_string());
    }
    for target in targets {
        let path = dir.path().join("variant.toml");
        std::fs::write(
            &path,
            format!("# a variant\nextends = \"{target}\"\n[resources.nurse]\ncount = 3\n"),
        )
        .unwrap();
        let output = carepath_within(&["check", path_str(&path)], Duration::from_secs(30))
            .unwrap_or_else(|| panic!("`extends = {target}` hung"));
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("variant.toml:2:1"), "{stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
        assert!(stderr.contains("help:"), "{stderr}");
    }
}

// ---- item 12: validation linear in the size of the scenario ----

/// A valid scenario with one pathway of `steps` steps, alternately delays and activities.
fn long_pathway(steps: usize) -> String {
    let mut text = String::from(
        "[run]\nname = \"big\"\nhorizon = \"1 d\"\nreplications = 1\n\n[resources.nurse]\ncount = 2\n\n[arrivals.gp]\npathway = \"p\"\nper_day = 1\n",
    );
    for i in 0..steps {
        if i % 2 == 0 {
            text.push_str(&format!(
                "[[pathways.p.steps]]\nname = \"s{i}\"\ndelay = {{ duration = {{ fixed = \"1 min\" }} }}\n"
            ));
        } else {
            text.push_str(&format!("[[pathways.p.steps]]\nname = \"s{i}\"\nactivity = {{ resource = \"nurse\", duration = {{ fixed = \"1 min\" }} }}\n"));
        }
    }
    text.push_str("[[pathways.p.steps]]\nname = \"done\"\nend = { outcome = \"ok\" }\n");
    text
}

/// Issue 9 item 12: checking 100,000 steps took over 20 s (a quadratic search for the steps
/// that can reach an end); it is now linear, about 2 s in a release build.
#[test]
fn issue_9_item_12_checking_100000_steps_is_quick() {
    let text = long_pathway(100_000);
    let limit = if cfg!(debug_assertions) { 200 } else { 20 };
    let started = Instant::now();
    let loaded = parse("big.toml", &text).unwrap_or_else(|e| panic!("{e}"));
    let took = started.elapsed();
    assert_eq!(loaded.scenario.steps.len(), 100_001);
    assert!(
        took < Duration::from_secs(limit),
        "checking 100,000 steps took {took:?}"
    );
}

/// Issue 9 item 12: a variant of a long pathway that changes every step merges in linear
/// time (entries were matched by a scan of the base for each one).
#[test]
fn issue_9_item_12_a_variant_of_many_steps_merges_quickly() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("base.toml"), long_pathway(40_000)).unwrap();
    let mut variant = String::from("extends = \"base.toml\"\n");
    for i in (0..40_000).step_by(2) {
        variant.push_str(&format!(
            "[[pathways.p.steps]]\nname = \"s{i}\"\ndelay = {{ duration = {{ fixed = \"2 min\" }} }}\n"
        ));
    }
    let path = dir.path().join("variant.toml");
    std::fs::write(&path, variant).unwrap();
    let limit = if cfg!(debug_assertions) { 200 } else { 20 };
    let started = Instant::now();
    let loaded = carepath::scenario::load(&path).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        started.elapsed() < Duration::from_secs(limit),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(loaded.scenario.steps.len(), 40_001);
}
