//! Reproducibility: the same seed gives byte-identical outputs whatever the thread count;
//! different seeds give different numbers.

use std::path::Path;

use crate::support::{carepath, text};

fn run_into(folder: &Path, extra: &[&str]) {
    let out = folder.to_str().unwrap();
    let mut args = vec![
        "run",
        "scenarios/small_rich.toml",
        "--replications",
        "6",
        "--quiet",
        "--out",
        out,
    ];
    args.extend_from_slice(extra);
    let output = carepath(&args);
    assert!(output.status.success(), "{:?}", text(&output));
}

fn read(folder: &Path, file: &str) -> Vec<u8> {
    std::fs::read(folder.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// One thread and two threads write identical summary, replications and scenario files.
#[test]
fn outputs_are_identical_for_one_and_two_threads() {
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let two = dir.path().join("two");
    run_into(&one, &["--threads", "1"]);
    run_into(&two, &["--threads", "2"]);
    for file in ["summary.csv", "replications.csv", "scenario.toml"] {
        assert_eq!(
            read(&one, file),
            read(&two, file),
            "{file} differs between thread counts"
        );
    }
}

/// Another seed gives other numbers; the same seed gives the same numbers again.
#[test]
fn different_seeds_give_different_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a");
    let a_again = dir.path().join("a_again");
    let b = dir.path().join("b");
    run_into(&a, &["--seed", "1"]);
    run_into(&a_again, &["--seed", "1"]);
    run_into(&b, &["--seed", "2"]);
    assert_eq!(
        read(&a, "replications.csv"),
        read(&a_again, "replications.csv")
    );
    assert_ne!(read(&a, "replications.csv"), read(&b, "replications.csv"));
}

/// The report without its "Reproduce" command, which names the thread count and the folder,
/// and without the run's date and time (every `<time>` element, issue 10 item 5).
fn report_without_command(folder: &Path) -> String {
    let html = String::from_utf8(read(folder, "report.html")).expect("UTF-8 report");
    let start = html
        .find("<th>Reproduce</th>")
        .expect("the report names its command");
    let end = start + html[start..].find("</tr>").expect("the command's row ends");
    let mut html = format!("{}{}", &html[..start], &html[end..]);
    let mut times = 0;
    while let Some(start) = html.find("<time ") {
        let end = start + html[start..].find("</time>").expect("a closed <time>") + 7;
        html.replace_range(start..end, "");
        times += 1;
    }
    assert!(times >= 1, "the report gives no run date");
    html
}

/// Every file of an output set, byte for byte, by path (the report without its command line,
/// the manifest left out: it records the thread count and the wall time).
fn outputs(folder: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = ["summary.csv", "replications.csv", "scenario.toml"]
        .iter()
        .map(|f| (f.to_string(), read(folder, f)))
        .collect();
    files.push((
        "report.html".into(),
        report_without_command(folder).into_bytes(),
    ));
    let mut charts: Vec<_> = std::fs::read_dir(folder.join("charts"))
        .expect("a charts folder")
        .map(|e| e.expect("a readable entry").path())
        .collect();
    charts.sort();
    assert!(!charts.is_empty(), "no charts drawn");
    for chart in charts {
        let name = chart.file_name().unwrap().to_string_lossy().into_owned();
        files.push((name, std::fs::read(&chart).expect("a readable chart")));
    }
    files
}

/// Every output, charts and report included, is byte-identical on 1, 2 and 3 threads, with a
/// fixed replication count (6) and to a precision (batches of 6, 6 and 2). A fixed count runs a first batch of one
/// replication per thread (the time pilot) and then the rest, so the batch boundaries differ
/// with the thread count; the rest's hour-of-week and wait curves were once dropped, so the
/// charts showed only the first batch (1, 2 or 3 replications).
#[test]
fn every_output_is_identical_for_one_two_and_three_threads() {
    let dir = tempfile::tempdir().unwrap();
    let precision = [
        "--precision",
        "0.1%",
        "--metrics",
        "hospital.time_in_pathway.mean",
        "--max-replications",
        "14",
    ];
    for extra in [&[][..], &precision[..]] {
        let mut first: Option<Vec<(String, Vec<u8>)>> = None;
        for threads in ["1", "2", "3"] {
            let folder = dir.path().join(format!("t{threads}{}", extra.len()));
            let mut args = vec!["--threads", threads];
            args.extend_from_slice(extra);
            run_into(&folder, &args);
            let files = outputs(&folder);
            match &first {
                None => first = Some(files),
                Some(one) => {
                    let names = |f: &[(String, Vec<u8>)]| {
                        f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>()
                    };
                    assert_eq!(names(one), names(&files));
                    for ((name, a), (_, b)) in one.iter().zip(&files) {
                        assert!(
                            a == b,
                            "{name} differs between 1 and {threads} threads {extra:?}"
                        );
                    }
                }
            }
        }
    }
}

/// The runner's running sums (curves and the summary of every metric) do not depend on where
/// the batches split the replications: one batch of 7 on one thread, or batches of 2 and 5
/// (or 3 and 4) on 2 or 3 threads, give the same sums to the last bit; and the replications
/// are handed on in replication order.
#[test]
fn curves_are_the_same_whatever_the_batches() {
    use carepath::experiment::{RunOutcome, run_more, run_scenario};
    use indicatif::ProgressBar;
    let loaded = carepath::scenario::load_with(
        &crate::support::repository_root().join("scenarios/small_rich.toml"),
        &[],
    )
    .expect("small_rich loads");
    let scenario = &loaded.scenario;
    let hidden = ProgressBar::hidden();
    let whole = run_scenario(scenario, 0, 7, 1, &hidden).expect("runs");
    assert_eq!(whole.curves.replications, 7);
    for (split, threads) in [(2, 2), (3, 3), (1, 2)] {
        let mut outcome = RunOutcome::empty(scenario);
        let mut order = Vec::new();
        let mut each = |r: &carepath::model::ReplicationResult| {
            order.push(r.replication);
            Ok(())
        };
        run_more(
            scenario,
            0,
            split,
            threads,
            &hidden,
            &mut outcome,
            &mut each,
        )
        .expect("runs");
        run_more(
            scenario,
            split,
            7 - split,
            threads,
            &hidden,
            &mut outcome,
            &mut each,
        )
        .expect("runs");
        assert_eq!(order, (0..7).collect::<Vec<u32>>());
        assert_eq!(
            format!("{:?}", outcome.curves),
            format!("{:?}", whole.curves),
            "batches of {split} and {} on {threads} threads",
            7 - split
        );
        assert_eq!(
            format!("{:?}", outcome.sums),
            format!("{:?}", whole.sums),
            "batches of {split} and {} on {threads} threads",
            7 - split
        );
    }
}
