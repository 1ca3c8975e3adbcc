//! What a reader sees (issue 10 items 7 and 9): labels and unit nouns from the scenario in
//! the report, charts and console, never a snake_case identifier; console lines within 100
//! columns with per cent and pounds.

use std::path::Path;

use carepath::model::labels::has_snake_case;

use crate::support::{carepath, run_into, text};

/// The text a reader sees in `report.html`: tags, `<style>`, and `<code>` (file names, the
/// command line, hashes) removed; attributes are not visible text.
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    let skip_blocks = ["style", "code", "script"];
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        out.push(' ');
        let after = &rest[open + 1..];
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let Some(close) = after.find('>') else { break };
        rest = &after[close + 1..];
        if skip_blocks.contains(&name.as_str()) {
            let end = format!("</{name}>");
            match rest.find(&end) {
                Some(e) => rest = &rest[e + end.len()..],
                None => break,
            }
        }
    }
    out.push_str(rest);
    out
}

/// Snake_case tokens in `text`, except file names (`summary.csv`, `charts/wait_x.png`).
fn snake_case_words(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| {
            !(w.contains(".csv")
                || w.contains(".png")
                || w.contains(".svg")
                || w.contains(".toml")
                || w.contains(".json")
                || w.contains('/'))
        })
        .filter(|w| has_snake_case(w))
        .map(str::to_string)
        .collect()
}

/// Every SVG chart's visible text (its `<text>` elements).
fn chart_texts(folder: &Path) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(folder.join("charts")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "svg") {
            let svg = std::fs::read_to_string(&path).unwrap();
            for piece in svg.split("<text").skip(1) {
                let body = piece.split_once('>').map_or("", |(_, b)| b);
                let body = body.split("</text>").next().unwrap_or("");
                texts.push((path.display().to_string(), body.to_string()));
            }
        }
    }
    texts
}

fn assert_no_snake_case(folder: &Path) {
    let html = std::fs::read_to_string(folder.join("report.html")).unwrap();
    let found = snake_case_words(&visible_text(&html));
    assert!(
        found.is_empty(),
        "snake_case in report.html text: {found:?}"
    );
    for (chart, text) in chart_texts(folder) {
        let found = snake_case_words(&text);
        assert!(found.is_empty(), "snake_case in {chart}: {found:?}");
    }
}

/// The shipped East London scenarios, run and compared, show labels and readable words in
/// the report's text, its chart titles and every chart's text: no identifier like
/// `reablement_slot` or `east_london_baseline` reaches the reader.
#[test]
fn no_snake_case_identifier_in_the_report_or_charts_of_the_shipped_scenarios() {
    let run = run_into(&["run", "scenarios/east_london/baseline.toml", "-r", "2"]);
    assert_no_snake_case(run.path());
    let html = std::fs::read_to_string(run.path().join("report.html")).unwrap();
    assert!(html.contains("East London baseline: simulation results"));
    assert!(
        html.contains("Waits for acute stay: admission to an acute bed"),
        "step labels in chart titles"
    );
    let compared = run_into(&[
        "compare",
        "scenarios/east_london/baseline.toml",
        "scenarios/east_london/single_point_of_access.toml",
        "scenarios/east_london/seven_day_social_care.toml",
        "-r",
        "2",
    ]);
    assert_no_snake_case(compared.path());
    let html = std::fs::read_to_string(compared.path().join("report.html")).unwrap();
    assert!(html.contains("Single point of access against East London baseline"));
    // The scan itself finds what it is for.
    assert_eq!(
        snake_case_words("Waits for d2a_p1 in summary.csv"),
        ["d2a_p1"]
    );
}

/// A scenario without labels still reads in words: the run's name and the standard figures
/// are spelt from the identifiers, with acronyms in capitals.
#[test]
fn identifiers_without_labels_read_as_words() {
    let run = run_into(&[
        "run",
        "scenarios/mmc.toml",
        "-r",
        "2",
        "--set",
        "run.horizon=\"20 d\"",
    ]);
    assert!(
        run.stdout.contains("Clinic: see clinician: mean wait"),
        "{}",
        run.stdout
    );
    assert_no_snake_case(run.path());
}

const PLACES: &str = r#"
[run]
name = "reablement_only"
label = "Reablement only"
horizon = "60 d"
replications = 2

[resources.reablement_slot]
label = "Reablement places"
unit = "place"
count = 2
cost_per_day_in_use = 100.0

[resources.care_worker]
unit = "staff member"
unit_plural = "staff"
count = 3

[arrivals.hospital]
pathway = "home"
per_day = 1.0

[[pathways.home.steps]]
name = "start"
seize = { resource = "reablement_slot" }

[[pathways.home.steps]]
name = "support"
delay = { duration = { fixed = "1 d" } }

[[pathways.home.steps]]
name = "finished"
block = { resource = "reablement_slot" }

[[pathways.home.steps]]
name = "handover"
activity = { resource = "care_worker", duration = { fixed = "12 h" } }

[[pathways.home.steps]]
name = "leave"
release = { resource = "reablement_slot" }

[[pathways.home.steps]]
name = "out"
end = { outcome = "independent" }

[key_figures.blocked]
label = "Time places were held after support ended"
metric = "reablement_slot.blocked"

[key_figures.waits]
label = "Reablement places: patients waiting"
metric = "reablement_slot.queue.mean"
"#;

/// Blocked time of a resource whose unit is a place reads in place-days, in the report's
/// key figures, on the console and on the chart: never bed-days.
#[test]
fn blocked_time_reads_in_the_resources_unit_noun() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("places.toml");
    std::fs::write(&file, PLACES).unwrap();
    let run = run_into(&["run", file.to_str().unwrap()]);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.contains("Time places were held after support ended")
                && l.trim_end().ends_with("place-days")),
        "{}",
        run.stdout
    );
    let html = std::fs::read_to_string(run.path().join("report.html")).unwrap();
    assert!(
        html.contains(" place-days"),
        "report: in brief and key figures"
    );
    assert!(!html.contains("bed-days"), "no bed-days for a place");
    assert!(html.contains("2 places at all times"));
    assert!(html.contains("3 staff at all times"), "unit_plural");
    let bars = std::fs::read_to_string(run.path().join("charts/delayed_bed_days.svg")).unwrap();
    assert!(
        bars.contains("Place-days ready for discharge"),
        "chart axis"
    );
    assert_no_snake_case(run.path());
}

/// A bad label or unit noun is a located error with a fix.
#[test]
fn bad_labels_and_unit_nouns_are_located_errors() {
    let bad = PLACES
        .replace("label = \"Reablement places\"", "label = \"\"")
        .replace("unit = \"place\"", "unit = \"place 2\"");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, bad).unwrap();
    let output = carepath(&["check", file.to_str().unwrap()]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "the `label` of resource `reablement_slot` must be one line of 1 to 80 characters"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("`unit` of resource `reablement_slot` must be a noun"),
        "{stderr}"
    );
    assert!(stderr.contains("bad.toml:9:"), "located: {stderr}");
    assert!(stderr.contains("help:"), "{stderr}");
}

/// Every console line of `run`, `compare`, `sweep` and `warmup` on the shipped scenarios
/// fits 100 columns; shares print as per cent and money in pounds, never as a fraction or
/// "GBP".
#[test]
fn console_output_fits_100_columns_with_per_cent_and_pounds() {
    let commands: [&[&str]; 4] = [
        &[
            "run",
            "scenarios/east_london/baseline.toml",
            "-r",
            "2",
            "--no-report",
        ],
        &[
            "compare",
            "scenarios/east_london/baseline.toml",
            "scenarios/east_london/single_point_of_access.toml",
            "scenarios/east_london/seven_day_social_care.toml",
            "-r",
            "2",
            "--no-report",
        ],
        &[
            "sweep",
            "scenarios/east_london/baseline.toml",
            "--vary",
            "resources.rehab_bed.count=24..30:6",
            "--minimise-cost",
            "-r",
            "2",
            "--no-report",
        ],
        &[
            "warmup",
            "scenarios/east_london/baseline.toml",
            "-r",
            "1",
            "--no-report",
        ],
    ];
    for args in commands {
        let finished = run_into(args);
        let stdout = &finished.stdout;
        for line in stdout.lines() {
            assert!(
                line.chars().count() <= 100,
                "{} printed a line of {} columns:\n{line}",
                args[0],
                line.chars().count()
            );
        }
        assert!(
            !stdout.contains("GBP") && !stdout.contains("fraction"),
            "{stdout}"
        );
        if args[0] != "warmup" {
            assert!(stdout.contains('£'), "{stdout}");
        }
        if args[0] == "run" || args[0] == "compare" {
            assert!(stdout.contains('%'), "{stdout}");
        }
    }
}

/// Intervals line up: in the run's table, every interval's "to" sits in one column.
#[test]
fn the_run_table_aligns_its_intervals() {
    let finished = run_into(&[
        "run",
        "scenarios/east_london/baseline.toml",
        "-r",
        "2",
        "--no-report",
    ]);
    let columns: Vec<usize> = finished
        .stdout
        .lines()
        .filter_map(|l| l.find("  to  ").map(|i| l[..i].chars().count()))
        .collect();
    assert!(columns.len() > 10, "{}", finished.stdout);
    assert!(
        columns.windows(2).all(|w| w[0] == w[1]),
        "{}",
        finished.stdout
    );
}
