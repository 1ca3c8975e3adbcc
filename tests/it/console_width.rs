//! Console lines fit 100 columns: every subcommand's help, and the messages of refused
//! command lines and runs (merge included, with long paths). A path the user gave is never
//! broken, so a line holding nothing but such a path may be longer: it is the only excuse.
//! Scenario problems (`error:` with the file's own line and a caret) are not sampled here:
//! they quote the user's file as written.

use crate::support::{binary, carepath, repository_root, text};

/// Widest console line [characters].
const WIDTH: usize = 100;

/// Asserts that every line of `output` fits [`WIDTH`] columns, but a line that is only one of
/// `paths` (with a `:` after it at most): the user's own, kept whole to be copied.
fn assert_fits(what: &str, output: &str, paths: &[&str]) {
    for line in output.lines() {
        let bare = line.trim().trim_end_matches(':');
        let a_path = paths.contains(&bare);
        assert!(
            line.chars().count() <= WIDTH || a_path,
            "{what}: a line of {} columns:\n{line}\n\nin:\n{output}",
            line.chars().count()
        );
    }
}

/// Every subcommand's `--help` and `-h`, the top-level help and `help SUBCOMMAND`.
#[test]
fn every_help_fits_100_columns() {
    let commands: [&[&str]; 11] = [
        &[],
        &["run"],
        &["compare"],
        &["sweep"],
        &["warmup"],
        &["merge"],
        &["validate"],
        &["check"],
        &["fit"],
        &["fit", "arrivals"],
        &["fit", "durations"],
    ];
    for command in commands {
        for flag in ["--help", "-h"] {
            let mut args = command.to_vec();
            args.push(flag);
            let output = carepath(&args);
            assert!(output.status.success(), "{args:?}");
            let (stdout, _) = text(&output);
            assert!(stdout.contains("Usage: carepath"), "{args:?}: {stdout}");
            assert_fits(&format!("{args:?}"), &stdout, &[]);
        }
        let mut args = vec!["help"];
        args.extend_from_slice(command);
        let (stdout, _) = text(&carepath(&args));
        assert_fits(&format!("{args:?}"), &stdout, &[]);
    }
}

/// Standard error of `carepath ARGS`, which must fail.
fn refusal(args: &[&str]) -> String {
    let output = carepath(args);
    let (_, stderr) = text(&output);
    assert!(!output.status.success(), "{args:?} succeeded");
    assert!(stderr.starts_with("error:"), "{args:?}: {stderr}");
    stderr
}

/// Merge with shard folders whose paths are longer than a line: each path stands whole on a
/// line of its own, every other line fits, and the message still reads as one sentence with
/// its help.
#[test]
fn merge_errors_with_long_paths_fit_100_columns() {
    let dir = tempfile::tempdir().unwrap();
    let deep = dir.path().join("a_folder_with_a_long_name_".repeat(4));
    let path = |name: &str| deep.join(name).to_str().unwrap().to_string();
    let (one, two, whole, missing) = (
        path("shard_one_of_two"),
        path("shard_two_of_two"),
        path("whole_run"),
        path("no_such_shard"),
    );
    assert!(one.len() > WIDTH);
    let mmc = "scenarios/mmc.toml";
    for (out, extra) in [
        (&one, &["--shard", "1/2"][..]),
        (&two, &["--shard", "2/2", "--seed", "5"][..]),
        (&whole, &[][..]),
    ] {
        let mut args = vec!["run", mmc, "-r", "2", "-q", "--no-report", "-o", out];
        args.extend_from_slice(extra);
        assert!(carepath(&args).status.success(), "{args:?}");
    }
    let merged = path("merged");
    let different = refusal(&["merge", &one, &two, "-o", &merged]);
    assert_fits("merge of different runs", &different, &[&one, &two]);
    assert!(different.lines().any(|l| l.trim() == one), "{different}");
    let words: Vec<&str> = different.split_whitespace().collect();
    assert!(
        words.join(" ").contains(&format!(
            "{one} and {two} come from different runs: their seeds differ help: merge only the shards of one run"
        )),
        "{different}"
    );
    let not_a_shard = refusal(&["merge", &whole, "-o", &merged]);
    assert_fits("merge of a whole run", &not_a_shard, &[&whole]);
    assert!(not_a_shard.contains("\nhelp: "), "{not_a_shard}");
    let manifest = format!("{missing}/manifest.json");
    let unreadable = refusal(&["merge", &missing, "-o", &merged]);
    assert_fits("merge of a missing folder", &unreadable, &[&manifest]);
    assert!(!deep.join("merged").exists());
}

/// A sample of other refusals: a missing scenario file (a long path), a sweep too long to start
/// unasked, too many replications, values the command line cannot take (clap's own
/// messages), an output folder that is a file, and a missing argument.
#[test]
fn other_error_messages_fit_100_columns() {
    let dir = tempfile::tempdir().unwrap();
    let long = dir
        .path()
        .join("a_folder_with_a_long_name_".repeat(4))
        .join("missing.toml");
    let long = long.to_str().unwrap();
    let readme = repository_root().join("README.md");
    let readme = readme.to_str().unwrap();
    let samples: [(&[&str], &[&str]); 9] = [
        (&["run", long], &[long]),
        (
            &[
                "sweep",
                "scenarios/mmc.toml",
                "--vary",
                "resources.clinician.count=10..1009",
                "-r",
                "90000",
                "-t",
                "2",
            ],
            &[],
        ),
        (&["run", "scenarios/mmc.toml", "-r", "100000000", "-q"], &[]),
        (&["run", "scenarios/mmc.toml", "--set", "junk", "-q"], &[]),
        (&["run", "scenarios/mmc.toml", "--shard", "3/2", "-q"], &[]),
        (
            &[
                "sweep",
                "scenarios/mmc.toml",
                "--vary",
                "resources.clinician.count=1..x",
            ],
            &[],
        ),
        (
            &["run", "scenarios/mmc.toml", "-q", "-o", readme],
            &[readme],
        ),
        (&["compare", "scenarios/mmc.toml", "-q"], &[]),
        (&["fit", "arrivals", long, "--time-column", "t"], &[long]),
    ];
    for (args, paths) in samples {
        let stderr = refusal(args);
        assert_fits(&format!("{args:?}"), &stderr, paths);
    }
    // The clap refusal keeps clap's exit status for a usage error.
    let output = carepath(&["run", "scenarios/mmc.toml", "--shard", "3/2"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(binary().is_file());
}

/// A visit longer than any stretch of a roster whose shift lasts 13 h 20 min: the message
/// gives the stretch rounded (13.3 h), not 13.333333333333334 h.
#[test]
fn a_visit_longer_than_any_shift_is_told_in_rounded_hours() {
    let scenario = r#"
[run]
name = "long_visit"
horizon = "10 d"

[resources.carer]
roster = [{ days = ["every_day"], start = "08:00", end = "21:20", count = 2 }]

[arrivals.gp]
pathway = "p1"
per_day = 1.0

[[pathways.p1.steps]]
name = "long"
visits = { length_of_stay = { fixed = "5 d" }, initial_per_day = 1, final_per_day = 1, visit = "13 h", travel = "40 min", resource = "carer" }

[[pathways.p1.steps]]
name = "done"
end = { outcome = "home" }
"#;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("long_visit.toml");
    std::fs::write(&file, scenario).unwrap();
    let output = carepath(&["check", file.to_str().unwrap()]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(
            "a visit takes 13.7 h (visit and travel) of a carer, but `carer` has a carer on duty for at most 13.3 h at a stretch"
        ),
        "{stderr}"
    );
    assert!(!stderr.contains("13.33"), "{stderr}");
}
