//! A run's memory does not grow with its replication count (issue 9 item 10): replications
//! are written to `replications.csv` and folded into running sums as they finish, and none is
//! kept. Measured on the binary itself, as the peak resident memory of the child process.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::support::{Mmc, binary};

/// Runs `carepath args` and returns its peak resident memory [KiB] from the operating
/// system's accounting of the finished child (`wait4`), asserting that it succeeded.
// The child is reaped by `wait4`, which `Child::wait` cannot do with the usage returned.
#[allow(clippy::zombie_processes)]
fn peak_kib(args: &[&str]) -> i64 {
    let child = Command::new(binary())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the carepath binary starts");
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value of the plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing only into `status` and `usage`, which outlive
    // the call; the child is reaped here and `Child` never waits for it again.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(reaped, pid, "{}", std::io::Error::last_os_error());
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{args:?} failed: status {status}"
    );
    // Linux reports ru_maxrss in KiB.
    usage.ru_maxrss
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
/// of this scenario took about 16 MiB more.
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
    let few = run("2000", "few");
    let many = run("20000", "many");
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
        many - few < 2048,
        "20,000 replications took {many} KiB at peak, 2,000 took {few} KiB: {} KiB more",
        many - few
    );
}
