//! Running beyond one machine: shards as separate processes, merged, equal one run.

use crate::support::{carepath, text};

fn run(args: &[&str]) {
    let output = carepath(args);
    assert!(output.status.success(), "{args:?}: {:?}", text(&output));
}

/// Runs `scenarios/mmc.toml` with `replications` as shards 1/2 and 2/2 into `dir`/s1 and
/// `dir`/s2, quietly, with `extra` arguments.
fn two_shards(dir: &std::path::Path, replications: &str, extra: &[&str]) {
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let out = dir.join(format!("s{k}"));
        let mut args = vec!["run", "scenarios/mmc.toml", "-r", replications, "-q"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--shard", &shard, "-o", out.to_str().unwrap()]);
        run(&args);
    }
}

/// Three shards run as separate processes and merged give byte-identical summary,
/// replications and scenario files to one run of all replications.
#[test]
fn shards_merged_equal_one_run_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    for k in 1..=3 {
        let shard = format!("{k}/3");
        run(&[
            "run",
            "scenarios/small_rich.toml",
            "-r",
            "7",
            "-q",
            "--shard",
            &shard,
            "-o",
            &path(&format!("s{k}")),
        ]);
    }
    run(&[
        "merge",
        &path("s2"),
        &path("s3"),
        &path("s1"),
        "-o",
        &path("merged"),
    ]);
    run(&[
        "run",
        "scenarios/small_rich.toml",
        "-r",
        "7",
        "-q",
        "-t",
        "1",
        "-o",
        &path("full"),
    ]);
    // daily.csv and levels.csv too (issue 14 item 5): rebuilt from the shards'
    // per-replication series.
    for file in [
        "summary.csv",
        "replications.csv",
        "scenario.toml",
        "results.xlsx",
        "pathways.dot",
        "daily.csv",
        "levels.csv",
    ] {
        let merged = std::fs::read(dir.path().join("merged").join(file)).unwrap();
        let full = std::fs::read(dir.path().join("full").join(file)).unwrap();
        assert!(
            merged == full,
            "{file} differs between merged shards and one run"
        );
    }
    // The same charts, drawn from the same curves (issue 14 item 5), and a report.
    let charts = |run: &str| {
        let mut files: Vec<(String, Vec<u8>)> =
            std::fs::read_dir(dir.path().join(run).join("charts"))
                .unwrap()
                .map(|e| {
                    let e = e.unwrap();
                    (
                        e.file_name().to_string_lossy().into_owned(),
                        std::fs::read(e.path()).unwrap(),
                    )
                })
                .collect();
        files.sort();
        files
    };
    let (merged, full) = (charts("merged"), charts("full"));
    assert!(full.len() > 4, "one run draws charts");
    assert_eq!(
        merged.iter().map(|f| &f.0).collect::<Vec<_>>(),
        full.iter().map(|f| &f.0).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in merged.iter().zip(&full) {
        assert!(
            a == b,
            "charts/{name} differs between merged shards and one run"
        );
    }
    assert!(dir.path().join("merged/report.html").is_file());
}

/// Shards of runs with different seeds, or a missing shard, are refused with a clear message.
#[test]
fn merge_refuses_shards_of_different_runs() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    run(&[
        "run",
        "scenarios/mmc.toml",
        "-r",
        "2",
        "-q",
        "--shard",
        "1/2",
        "-o",
        &path("a"),
    ]);
    run(&[
        "run",
        "scenarios/mmc.toml",
        "-r",
        "2",
        "-q",
        "--shard",
        "2/2",
        "--seed",
        "5",
        "-o",
        &path("b"),
    ]);
    let output = carepath(&["merge", &path("a"), &path("b"), "-o", &path("m")]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr.contains("come from different runs: their seeds differ"),
        "{stderr}"
    );
    let output = carepath(&["merge", &path("a"), "-o", &path("m")]);
    let (_, stderr) = text(&output);
    assert!(
        stderr.contains("need each of shards 1/2 to 2/2 exactly once"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("m").exists(),
        "nothing is written when merging fails"
    );
}

/// Merge reads the shards one replication at a time in replication order (issue 9 item 10:
/// nothing kept per replication), so a shard whose rows of a replication were deleted is
/// refused at the line where the next replication starts, naming the one expected.
#[test]
fn merge_refuses_a_shard_missing_a_replication() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    two_shards(dir.path(), "4", &[]);
    let csv = dir.path().join("s2/replications.csv");
    let original = std::fs::read_to_string(&csv).unwrap();
    let kept: Vec<&str> = original
        .lines()
        .filter(|line| !line.starts_with("2,"))
        .collect();
    std::fs::write(&csv, kept.join("\n") + "\n").unwrap();
    let output = carepath(&["merge", &path("s1"), &path("s2"), "-o", &path("merged")]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: line 2: replication 3 where replication 2 was expected",
            csv.display()
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("merged").exists());
}

/// A run writes every value of replications.csv as a finite number (or an empty cell) and
/// every curve value as a number or NaN: a value edited to `1e400` (which reads as infinity)
/// is refused at its line, and nothing is written.
#[test]
fn merge_refuses_an_infinite_value() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let short = ["--no-report", "--set", "run.horizon=\"20 d\""];
    two_shards(dir.path(), "2", &short);
    let csv = dir.path().join("s2/replications.csv");
    let original = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<String> = original.lines().map(String::from).collect();
    let mut cells: Vec<String> = lines[1].split(',').map(String::from).collect();
    cells[2] = "1e400".to_string();
    lines[1] = cells.join(",");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let output = carepath(&["merge", &path("s1"), &path("s2"), "-o", &path("merged")]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: line 2: `1e400` is not a finite number",
            csv.display()
        )),
        "{stderr}"
    );
    assert!(!dir.path().join("merged").exists());

    std::fs::write(&csv, original).unwrap();
    let curves = dir.path().join("s2/curves.txt");
    let text_of = std::fs::read_to_string(&curves).unwrap();
    let edited = text_of.replacen(" busy 0 ", " busy 0 1e400 ", 1);
    assert_ne!(edited, text_of, "no busy curve in {text_of}");
    std::fs::write(&curves, edited).unwrap();
    let output = carepath(&["merge", &path("s1"), &path("s2"), "-o", &path("merged")]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is infinite"), "{stderr}");
    assert!(!dir.path().join("merged").exists());
}
