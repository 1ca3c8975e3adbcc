//! A run's memory does not grow with its replication count (issue 9 item 10): replications
//! are written to `replications.csv` and folded into running sums as they finish, and none is
//! kept. Measured on the binary itself, as the peak resident memory of the child process
//! (Linux).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::support::{Mmc, binary};

/// Runs `carepath args` and returns its peak resident memory [KiB], asserting that it
/// succeeded: the largest `VmHWM` (the high-water mark of the process's own memory since it
/// started the binary) read from `/proc/PID/status` every 2 ms until it exits. (`wait4`'s
/// `ru_maxrss` will not do: it also counts the memory of this test process, which the child
/// was forked from.)
pub(crate) fn peak_kib(args: &[&str]) -> u64 {
    let mut child = Command::new(binary())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the carepath binary starts");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        let high_water = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|status| {
                let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
                line.split_whitespace().nth(1)?.parse::<u64>().ok()
            })
            .unwrap_or(0);
        peak = peak.max(high_water);
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    assert!(status.success(), "{args:?} failed: {status}");
    assert!(peak > 0, "no memory figure read for {args:?}");
    peak
}

/// A day of an M/M/2 queue: many quick replications, each with a few dozen metrics.
fn tiny(dir: &Path) -> String {
    let scenario = Mmc {
        lambda: 1.0,
        servers: 2,
        days: 1,
        warm_up_days: 0,
        replications: 2,
        seed: 1,
    };
    let path = dir.join("tiny.toml");
    std::fs::write(&path, scenario.text()).unwrap();
    path.to_string_lossy().into_owned()
}

/// 20,000 replications take no more memory than 2,000 (within 2 MiB, allocator noise). Before
/// streaming, every replication's metrics were kept until the end: 18,000 more replications
/// of this scenario took about 20 MiB more.
#[test]
fn run_memory_is_flat_in_the_replication_count() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = tiny(dir.path());
    let run = |replications: &str, out: &str| {
        let out = dir.path().join(out);
        peak_kib(&[
            "run",
            &scenario,
            "-r",
            replications,
            "-t",
            "1",
            "-q",
            "--no-report",
            "-o",
            out.to_str().unwrap(),
        ])
    };
    let (few, many) = (run("2000", "few"), run("20000", "many"));
    let rows = std::fs::read_to_string(dir.path().join("many/replications.csv"))
        .unwrap()
        .lines()
        .filter(|line| line.starts_with("19999,"))
        .count();
    assert!(
        rows > 10,
        "replication 19999 was written, every metric of it: {rows}"
    );
    eprintln!("peak memory: 2,000 replications {few} KiB, 20,000 replications {many} KiB");
    assert!(
        many.saturating_sub(few) < 2048,
        "20,000 replications took {many} KiB at peak, 2,000 took {few} KiB"
    );
}

/// `compare` (two designs run together, differences paired as they finish) and `merge`
/// (shards read one replication at a time) take no more memory for 10,000 replications than
/// for 1,000 (merge: 20,000 than 2,000), within 2 MiB. Before, a comparison kept every replication of every design
/// (about 21 MiB more here) and a merge every replication read (about 9 MiB more).
#[test]
fn compare_and_merge_memory_is_flat_in_the_replication_count() {
    let dir = tempfile::tempdir().unwrap();
    let base = tiny(dir.path());
    let variant = dir.path().join("three.toml");
    let text = std::fs::read_to_string(&base)
        .unwrap()
        .replace("mmc_2", "mmc_3")
        .replace("count = 2", "count = 3");
    std::fs::write(&variant, text).unwrap();
    let variant = variant.to_str().unwrap();
    let out = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let compare = |replications: &str| {
        peak_kib(&[
            "compare",
            &base,
            variant,
            "-r",
            replications,
            "-t",
            "1",
            "-q",
            "--no-report",
            "-o",
            &out(&format!("compare_{replications}")),
        ])
    };
    let (few, many) = (compare("1000"), compare("10000"));
    eprintln!("compare: 1,000 replications {few} KiB, 10,000 replications {many} KiB");
    assert!(
        many.saturating_sub(few) < 2048,
        "compare: {many} KiB against {few} KiB"
    );

    let merge = |replications: &str| {
        for k in 1..=2 {
            let shard = format!("{k}/2");
            peak_kib(&[
                "run",
                &base,
                "-r",
                replications,
                "-t",
                "1",
                "-q",
                "--shard",
                &shard,
                "-o",
                &out(&format!("shard{k}_{replications}")),
            ]);
        }
        peak_kib(&[
            "merge",
            &out(&format!("shard1_{replications}")),
            &out(&format!("shard2_{replications}")),
            "-o",
            &out(&format!("merged_{replications}")),
        ])
    };
    // From 2,000: a merge now draws the report, and at 1,000 replications its peak sat
    // about 2.5 MiB lower than at any count from 2,000 to 40,000 (31.4 to 32.0 MiB, flat),
    // which is the charts' content, not memory kept per replication.
    let (few, many) = (merge("2000"), merge("20000"));
    eprintln!("merge: 2,000 replications {few} KiB, 20,000 replications {many} KiB");
    assert!(
        many.saturating_sub(few) < 2048,
        "merge: {many} KiB against {few} KiB"
    );
}

/// The daily envelopes (issue 14 items 1 and 2) keep memory flat in the replication count:
/// a month of an M/M/2 queue (a few hundred daily cells, each a running sum and a bounded
/// sketch) takes no more memory for 3,000 replications than for 300 (within 2 MiB). Keeping
/// every replication's series instead would take about 3,000 x 300 x 8 bytes, 7 MiB more.
#[test]
fn daily_envelopes_memory_is_flat_in_the_replication_count() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = Mmc {
        lambda: 1.0,
        servers: 2,
        days: 30,
        warm_up_days: 0,
        replications: 2,
        seed: 1,
    };
    let path = dir.path().join("month.toml");
    std::fs::write(&path, scenario.text()).unwrap();
    let path = path.to_string_lossy().into_owned();
    let run = |replications: &str| {
        let out = dir.path().join(format!("out_{replications}"));
        peak_kib(&[
            "run",
            &path,
            "-r",
            replications,
            "-t",
            "1",
            "-q",
            "--no-report",
            "-o",
            out.to_str().unwrap(),
        ])
    };
    let (few, many) = (run("300"), run("3000"));
    let daily = std::fs::read_to_string(dir.path().join("out_3000/daily.csv")).unwrap();
    assert!(
        daily
            .lines()
            .any(|l| l.starts_with("30,resource.server.in_use,mean,"))
    );
    eprintln!("daily envelopes: 300 replications {few} KiB, 3,000 replications {many} KiB");
    assert!(
        many.saturating_sub(few) < 2048,
        "3,000 replications took {many} KiB at peak, 300 took {few} KiB"
    );
}
