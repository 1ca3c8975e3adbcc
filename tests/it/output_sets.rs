//! Issue 9 items 13, 14, 15 and the command-line part of 10: whole output sets, inputs never
//! overwritten, no panic on a closed pipe or a full device, merge by metric name, and runs
//! too big to finish refused before they start.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Mmc, binary, text};

/// A quick scenario (an M/M/c queue over 20 days) written to `dir/name`.
fn quick_scenario(dir: &Path, name: &str) -> PathBuf {
    let scenario = Mmc {
        lambda: 9.0,
        servers: 10,
        days: 20,
        warm_up_days: 1,
        replications: 2,
        seed: 1,
    };
    let path = dir.join(name);
    std::fs::write(&path, scenario.text()).unwrap();
    path
}

/// Runs `carepath args` with the test-only failpoints `failpoint` (empty for none).
fn carepath_with(failpoint: &str, args: &[&str]) -> Output {
    let mut command = Command::new(binary());
    command.args(args);
    if !failpoint.is_empty() {
        command.env("CAREPATH_FAILPOINT", failpoint);
    }
    command.output().expect("the carepath binary runs")
}

/// Runs `carepath args`, asserting success.
fn ok(args: &[&str]) -> Output {
    let output = carepath_with("", args);
    assert!(output.status.success(), "{args:?}: {:?}", text(&output));
    output
}

/// Every file under `folder`, by path relative to it, with its bytes.
fn snapshot(folder: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(folder).unwrap().to_path_buf();
                files.insert(relative, std::fs::read(&path).unwrap());
            }
        }
    }
    files
}

/// Names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Issue 9 item 13: a run killed after writing N files of its output set leaves the folder
/// holding the old complete set, byte for byte (the old code left the new summary.csv beside
/// the old manifest, report and charts); the next run cleans up what the killed one left.
#[test]
fn kill_while_writing_leaves_the_old_complete_set() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = quick_scenario(dir.path(), "quick.toml");
    let out = dir.path().join("out");
    ok(&["run", s(&scenario), "-q", "-o", s(&out)]);
    let old = snapshot(&out);
    assert!(old.contains_key(Path::new("report.html")) && old.len() > 6);
    // A run with another seed, killed after 0, 1, 3 and 8 files.
    for files in [0, 1, 3, 8] {
        let output = carepath_with(
            &format!("abort-after-files={files}"),
            &["run", s(&scenario), "-q", "-s", "99", "-o", s(&out)],
        );
        assert!(!output.status.success(), "the failpoint did not fire");
        assert_eq!(snapshot(&out), old, "killed after {files} files");
    }
    ok(&["run", s(&scenario), "-q", "-s", "99", "-o", s(&out)]);
    assert_eq!(
        listing(dir.path()),
        ["out", "quick.toml"],
        "a killed run's staging folder is cleaned up by the next run"
    );
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("\"seed\": 99"), "{manifest}");
}

/// Issue 9 item 13: a kill while the sets are swapped leaves one complete set: after the
/// atomic exchange, the new one; without exchange, after the old set was moved aside, the old
/// set is put back by the next command writing there (here one that then fails itself).
#[test]
fn kill_during_the_swap_leaves_one_complete_set() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = quick_scenario(dir.path(), "quick.toml");
    let out = dir.path().join("out");
    let fresh = dir.path().join("fresh");
    ok(&["run", s(&scenario), "-q", "-o", s(&out)]);
    let old = snapshot(&out);
    ok(&["run", s(&scenario), "-q", "-s", "99", "-o", s(&fresh)]);
    let new = snapshot(&fresh);

    let run = ["run", s(&scenario), "-q", "-s", "99", "-o", s(&out)];
    assert!(!carepath_with("abort-at=swapped", &run).status.success());
    let swapped = snapshot(&out);
    assert!(
        swapped.keys().eq(new.keys()),
        "after the exchange the target is the new set"
    );
    for table in ["summary.csv", "replications.csv", "scenario.toml"] {
        assert_eq!(swapped[Path::new(table)], new[Path::new(table)], "{table}");
    }
    assert_ne!(
        swapped[Path::new("summary.csv")],
        old[Path::new("summary.csv")]
    );

    ok(&["run", s(&scenario), "-q", "-o", s(&out)]);
    let old_again = snapshot(&out);
    assert!(
        !carepath_with("no-exchange,abort-at=aside", &run)
            .status
            .success()
    );
    assert!(
        !out.exists(),
        "killed between the two renames: no target yet"
    );
    // The next command writing there restores the old set before anything else.
    let failed = carepath_with("full-after-files=0", &run);
    assert_eq!(failed.status.code(), Some(1));
    assert_eq!(snapshot(&out), old_again);
    assert_eq!(listing(dir.path()), ["fresh", "out", "quick.toml"]);
}

/// Issue 9 item 13: out of disk while writing, the command fails with the reason, the
/// folder keeps the old complete set, and no temporary folder is left behind.
#[test]
fn full_disk_keeps_the_old_set() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = quick_scenario(dir.path(), "quick.toml");
    let out = dir.path().join("out");
    ok(&["run", s(&scenario), "-q", "-o", s(&out)]);
    let old = snapshot(&out);
    for files in [0, 2, 5] {
        let output = carepath_with(
            &format!("full-after-files={files}"),
            &["run", s(&scenario), "-q", "-s", "99", "-o", s(&out)],
        );
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("no space left on device"), "{stderr}");
        assert_eq!(snapshot(&out), old);
        assert_eq!(listing(dir.path()), ["out", "quick.toml"]);
    }
}

/// Issue 9 item 13: a folder holding the user's own files is never replaced (`-o .` in a
/// folder of notes); the message names the files and says what to do.
#[test]
fn a_folder_of_user_files_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = quick_scenario(dir.path(), "quick.toml");
    let notes = tempfile::tempdir().unwrap();
    std::fs::write(notes.path().join("notes.txt"), "mine").unwrap();
    std::fs::create_dir(notes.path().join("drafts")).unwrap();
    let output = Command::new(binary())
        .args(["run", s(&scenario), "-q", "-o", "."])
        .current_dir(notes.path())
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(". holds files carepath did not write (drafts/, notes.txt)")
            && stderr.contains("help: choose a new or empty folder with -o"),
        "{stderr}"
    );
    assert_eq!(listing(notes.path()), ["drafts", "notes.txt"]);
}

/// Issue 9 item 13: an output folder that cannot be created is found before simulating: a
/// run of about a minute or more fails at once.
#[test]
fn unwritable_parent_is_found_before_simulating() {
    let dir = tempfile::tempdir().unwrap();
    let long = Mmc {
        lambda: 9.0,
        servers: 10,
        days: 20_000,
        warm_up_days: 1,
        replications: 100,
        seed: 1,
    };
    let scenario = dir.path().join("long.toml");
    std::fs::write(&scenario, long.text()).unwrap();
    let blocker = dir.path().join("a_file");
    std::fs::write(&blocker, "not a folder").unwrap();
    let started = Instant::now();
    let output = carepath_with(
        "",
        &["run", s(&scenario), "-q", "-o", s(&blocker.join("out"))],
    );
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cannot write in"), "{stderr}");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "took {:?}: the check came after simulating",
        started.elapsed()
    );
}

/// Issue 9 item 13: merging into a folder that held a full run replaces the whole set, so
/// no report or charts of the earlier run stay beside the merged tables.
#[test]
fn merge_leaves_no_stale_report() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = quick_scenario(dir.path(), "quick.toml");
    let path = |name: &str| dir.path().join(name);
    for k in 1..=2 {
        let shard = format!("{k}/2");
        let folder = path(&format!("s{k}"));
        ok(&[
            "run",
            s(&scenario),
            "-q",
            "--shard",
            &shard,
            "-o",
            s(&folder),
        ]);
    }
    let merged = path("merged");
    ok(&["run", s(&scenario), "-q", "-s", "5", "-o", s(&merged)]);
    assert!(merged.join("report.html").exists());
    ok(&["merge", s(&path("s1")), s(&path("s2")), "-o", s(&merged)]);
    // The merge writes its own report, charts and workbook (issue 14 item 5): the run's
    // report was replaced, not left beside the merged tables.
    assert_eq!(
        listing(&merged),
        [
            "charts",
            "daily.csv",
            "levels.csv",
            "manifest.json",
            "pathways.dot",
            "replications.csv",
            "report.html",
            "results.xlsx",
            "scenario.toml",
            "summary.csv"
        ]
    );
    let report = std::fs::read_to_string(merged.join("report.html")).unwrap();
    assert!(
        report.contains("carepath merge"),
        "the report is the merge's own"
    );
}

/// Issue 9 item 14, the issue's example: `carepath run dir/scenario.toml -o dir` would
/// replace the user's scenario (comments and all) with the resolved one; it is refused,
/// naming both, and the file is untouched. Likewise a file it `extends`, the same file under
/// another name (a hard link), and a merge into one of its shard folders.
#[test]
fn never_write_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("dir");
    std::fs::create_dir(&folder).unwrap();
    let scenario = quick_scenario(&folder, "scenario.toml");
    let original = std::fs::read(&scenario).unwrap();
    let output = carepath_with("", &["run", s(&scenario), "-q", "-o", s(&folder)]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the output folder {} contains {}",
            folder.display(),
            scenario.display()
        )) && stderr.contains("help: choose another output folder with -o"),
        "{stderr}"
    );
    assert_eq!(std::fs::read(&scenario).unwrap(), original);

    // A variant elsewhere that extends the base inside the output folder.
    let variant = dir.path().join("variant.toml");
    std::fs::write(&variant, "extends = \"dir/scenario.toml\"\n").unwrap();
    let output = carepath_with("", &["run", s(&variant), "-q", "-o", s(&folder)]);
    assert!(text(&output).1.contains("contains"), "{:?}", text(&output));
    assert_eq!(std::fs::read(&scenario).unwrap(), original);

    // An earlier output folder holding a hard link to the scenario.
    let out = dir.path().join("out");
    ok(&["run", s(&scenario), "-q", "-o", s(&out)]);
    let linked = out.join("scenario.toml");
    std::fs::remove_file(&linked).unwrap();
    std::fs::hard_link(&scenario, &linked).unwrap();
    let output = carepath_with("", &["run", s(&scenario), "-q", "-o", s(&out)]);
    assert!(
        crate::support::words(&text(&output).1).contains("or the same file under another name"),
        "{:?}",
        text(&output)
    );
    assert_eq!(std::fs::read(&scenario).unwrap(), original);

    // A merge into one of its own shard folders.
    let shard = dir.path().join("s1");
    ok(&["run", s(&scenario), "-q", "--shard", "1/1", "-o", s(&shard)]);
    let output = carepath_with("", &["merge", s(&shard), "-o", s(&shard)]);
    assert!(text(&output).1.contains("which this command reads"));
    assert!(shard.join("replications.csv").exists());
}

/// Runs `carepath args` with standard output a pipe whose reader is already closed.
fn closed_pipe(args: &[&str]) -> Output {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    Command::new(binary())
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Issue 9 item 15: `carepath check FILE | head -1` and friends: a closed output pipe ends
/// every command quietly with status 141 (128 + SIGPIPE), never a panic; the outputs on disk
/// are complete.
#[test]
fn closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = quick_scenario(dir.path(), "quick.toml");
    let out = dir.path().join("out");
    let (sweep, warmup) = (dir.path().join("sweep"), dir.path().join("warmup"));
    let commands: [Vec<&str>; 4] = [
        vec!["check", s(&scenario)],
        vec!["run", s(&scenario), "--no-report", "-o", s(&out)],
        vec![
            "sweep",
            s(&scenario),
            "--vary",
            "resources.server.count=10..11",
            "-o",
            s(&sweep),
        ],
        vec!["warmup", s(&scenario), "-o", s(&warmup)],
    ];
    for args in commands {
        let output = closed_pipe(&args);
        let (_, stderr) = text(&output);
        assert_eq!(output.status.code(), Some(141), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
    assert!(out.join("summary.csv").exists());
}

/// Issue 9 item 15: `carepath check FILE > /dev/full`: a clear error and status 1, no panic.
#[test]
fn full_device_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = quick_scenario(dir.path(), "quick.toml");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = Command::new(binary())
        .args(["check", s(&scenario)])
        .stdout(full)
        .output()
        .unwrap();
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write to standard output: No space left on device")
            && stderr.contains("help:")
            && !stderr.contains("panicked"),
        "{stderr}"
    );
}

/// Two shard folders of the quick scenario, 3 replications in all.
fn two_shards(dir: &Path) -> (PathBuf, PathBuf) {
    let scenario = quick_scenario(dir, "quick.toml");
    let (a, b) = (dir.join("s1"), dir.join("s2"));
    for (k, folder) in [("1/2", &a), ("2/2", &b)] {
        ok(&[
            "run",
            s(&scenario),
            "-q",
            "-r",
            "3",
            "--shard",
            k,
            "-o",
            s(folder),
        ]);
    }
    (a, b)
}

/// Issue 9 item 15: a shard whose replications.csv lacks a row made merge panic (index out of
/// bounds); it is refused, naming the file, the lines and the metric.
#[test]
fn merge_refuses_a_shard_with_a_missing_row() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_shards(dir.path());
    let csv = b.join("replications.csv");
    let text_before = std::fs::read_to_string(&csv).unwrap();
    let mut lines: Vec<&str> = text_before.lines().collect();
    let removed = lines.remove(3); // the third metric of the shard's first replication
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let metric = removed.split(',').nth(1).unwrap();
    let output = carepath_with("", &["merge", s(&a), s(&b), "-o", s(&dir.path().join("m"))]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let stderr = crate::support::words(&stderr);
    assert!(
        stderr.contains(&format!("{}: lines 2 to", csv.display()))
            && stderr.contains(&format!("replication 1 lacks metric `{metric}`")),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!dir.path().join("m").exists());
}

/// Issue 9 item 15: merge matched values by position, so a metric renamed in one shard was
/// merged under the other's name; it matches by name and refuses the mismatch with the file
/// and line.
#[test]
fn merge_matches_by_name_and_refuses_a_renamed_metric() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = two_shards(dir.path());
    let csv = b.join("replications.csv");
    let original = std::fs::read_to_string(&csv).unwrap();
    // Rows in another order within a replication merge as before, by name.
    let mut lines: Vec<&str> = original.lines().collect();
    lines.swap(1, 2);
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    ok(&["merge", s(&a), s(&b), "-o", s(&dir.path().join("m1"))]);
    std::fs::write(&csv, &original).unwrap();
    ok(&["merge", s(&a), s(&b), "-o", s(&dir.path().join("m2"))]);
    assert_eq!(
        std::fs::read(dir.path().join("m1/summary.csv")).unwrap(),
        std::fs::read(dir.path().join("m2/summary.csv")).unwrap()
    );
    // A renamed metric on line 4.
    let mut lines: Vec<String> = original.lines().map(String::from).collect();
    let metric = lines[3].split(',').nth(1).unwrap().to_string();
    lines[3] = lines[3].replace(&metric, "queue.renamed");
    std::fs::write(&csv, lines.join("\n") + "\n").unwrap();
    let output = carepath_with(
        "",
        &["merge", s(&a), s(&b), "-o", s(&dir.path().join("m3"))],
    );
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: line 4: replication 1 reports metric `queue.renamed`",
            csv.display()
        )),
        "{stderr}"
    );
}

/// Runs `carepath args` for at most `limit`; `None` if it was still running (then killed).
fn within(limit: Duration, args: &[&str]) -> Option<Output> {
    let mut child = Command::new(binary())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.kill().ok();
    child.wait().ok();
    None
}

/// Issue 9 item 10 (command line): `-r 4294967295` is refused at once with the limit and
/// how to run more (shards), instead of running until memory runs out.
#[test]
fn absurd_replication_count_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = quick_scenario(dir.path(), "quick.toml");
    let out = dir.path().join("out");
    let output = within(
        Duration::from_secs(30),
        &["run", s(&scenario), "-r", "4294967295", "-o", s(&out)],
    )
    .expect("refused before it starts");
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let stderr = crate::support::words(&stderr);
    assert!(
        stderr.contains("4294967295 replications is more than one command runs (at most 100000")
            && stderr.contains("--shard K/N"),
        "{stderr}"
    );
    assert!(!out.exists());
}

/// Issue 9 item 10 (command line): a sweep grid that would take days is refused with the
/// estimate from a pilot replication, and `--yes` is the way to start it anyway.
#[test]
fn a_sweep_of_days_is_estimated_and_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = quick_scenario(dir.path(), "quick.toml");
    // 1,000 points of 90,000 replications.
    let output = within(
        Duration::from_secs(60),
        &[
            "sweep",
            s(&scenario),
            "--vary",
            "resources.server.count=10..1009",
            "-r",
            "90000",
            "-t",
            "2",
            "-o",
            s(&dir.path().join("sweep")),
        ],
    )
    .expect("refused before it starts");
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let stderr = crate::support::words(&stderr);
    assert!(
        stderr.contains("this would take about")
            && stderr.contains("90000000 more are to run on 2 thread(s)")
            && stderr.contains("add --yes to start it anyway"),
        "{stderr}"
    );
}
