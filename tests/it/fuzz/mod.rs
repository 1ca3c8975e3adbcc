//! Issue 9, "Fuzzing as a habit": scenario files made by mutating the shipped ones
//! (`scenarios/**/*.toml`, `tests/fixtures/**/*.toml`) or generated from scratch, each put
//! through `carepath check` and, when that passes, a short `carepath run` (1 or 2
//! replications of at most a week, set with `-r` and `--set run.horizon=...`).
//!
//! Every command runs as a child process with a wall-clock bound (killed when it passes)
//! and an address-space bound (`setrlimit`), so a hang or a runaway allocation is a finding,
//! not a stuck or dead test run. Findings, by [`Kind`]: a panic (with its location), a
//! crash by signal or stack overflow, a hang, memory exhausted, an error that names no
//! place in the user's files, an error without a `help:` line, and Rust jargon in a
//! message.
//!
//! Deterministic: case `N` of campaign seed `S` is always the same files. A failing case
//! prints its seed, number and files; `CAREPATH_FUZZ_CASE=N` runs that case alone.
//!
//! Environment (all optional):
//! - `CAREPATH_FUZZ_CASES`: cases to run (default [`SUITE_CASES`] in `cargo test`).
//! - `CAREPATH_FUZZ_SEED`: campaign seed (default [`SEED`]).
//! - `CAREPATH_FUZZ_CASE`: run only this case number.
//! - `CAREPATH_FUZZ_FINDINGS`: a folder; list mode: run every case, save each distinct
//!   finding there (its files reduced to the lines it needs, and `finding.txt`), and fail at
//!   the end only if an enforced finding was seen.
//! - `CAREPATH_FUZZ_KEEP`: a folder to keep every case's folder in (`case-N`, with the
//!   command outputs in `.stdout` and `.stderr`).
//! - `CAREPATH_FUZZ_MINUTES`: start no case after this many minutes.
//! - `CAREPATH_FUZZ_STRICT=1`: enforce every kind, including those still pending (see
//!   [`ENFORCED`]).
//! - `CAREPATH_FUZZ_TIMEOUT`: seconds a command may take (default 10).
//! - `CAREPATH_FUZZ_MEMORY_MB`: address space a command may use (default 1024).

mod draw;
mod generate;
mod mutate;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use draw::{Draw, case_bytes};

use crate::support::{binary, repository_root};

/// Cases in the ordinary test suite: a few seconds.
const SUITE_CASES: u64 = 150;
/// The campaign seed unless `CAREPATH_FUZZ_SEED` says otherwise.
const SEED: u64 = 9;

/// What a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The program panicked.
    Panic,
    /// Killed by a signal other than our own, or its stack overflowed.
    Crash,
    /// Still running at the time bound.
    Hang,
    /// An allocation failed at the address-space bound.
    Memory,
    /// An error of `check` (or of a `run` of a file `check` accepted) that names no line of
    /// the user's files, or a line that is not in them, nor the `--set` argument.
    Unlocated,
    /// `check` accepted the file and `run` stopped on it.
    RunStop,
    /// An error without a `help:` line.
    NoHelp,
    /// Rust's words in a message (`struct`, `i64`, `invalid length`, ...).
    Jargon,
}

/// The kinds that fail the test: all of them, since issue 9 items 9-11 and 16-18 landed.
/// (`CAREPATH_FUZZ_STRICT=1` is kept for a kind added here later, before it is enforced.)
const ENFORCED: &[Kind] = &[
    Kind::Panic,
    Kind::Crash,
    Kind::Hang,
    Kind::Memory,
    Kind::Unlocated,
    Kind::RunStop,
    Kind::NoHelp,
    Kind::Jargon,
];

/// Words of Rust or serde that must not reach a user, in the message lines of errors
/// (with quoted user text removed first).
const JARGON: &[&str] = &[
    "struct",
    "enum ",
    "invalid length",
    "newtype",
    "tuple",
    "sequence",
    "i64",
    "u64",
    "u32",
    "u16",
    "u8",
    "f64",
    "usize",
    "Option",
    "Some(",
    "unwrap",
    "Spanned",
    "::",
    "serde",
    "os error",
    "invalid type",
    "expected a map",
];

/// Settings of one campaign, from the environment.
struct Config {
    seed: u64,
    cases: std::ops::Range<u64>,
    findings: Option<PathBuf>,
    /// Stop starting cases after this long, if set.
    budget: Option<Duration>,
    /// Where to keep every case's folder, if anywhere.
    keep: Option<PathBuf>,
    strict: bool,
    timeout: Duration,
    memory_bytes: u64,
}

impl Config {
    fn from_env(default_cases: u64) -> Config {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let number = |name: &str| {
            var(name).map(|v| {
                v.parse::<u64>()
                    .unwrap_or_else(|_| panic!("{name}={v} is not a whole number"))
            })
        };
        let cases = match number("CAREPATH_FUZZ_CASE") {
            Some(only) => only..only + 1,
            None => 0..number("CAREPATH_FUZZ_CASES").unwrap_or(default_cases),
        };
        Config {
            seed: number("CAREPATH_FUZZ_SEED").unwrap_or(SEED),
            cases,
            findings: var("CAREPATH_FUZZ_FINDINGS").map(PathBuf::from),
            keep: var("CAREPATH_FUZZ_KEEP").map(PathBuf::from),
            budget: number("CAREPATH_FUZZ_MINUTES").map(|m| Duration::from_secs(60 * m)),
            strict: var("CAREPATH_FUZZ_STRICT").is_some_and(|v| v != "0"),
            timeout: Duration::from_secs_f64(
                var("CAREPATH_FUZZ_TIMEOUT").map_or(10.0, |v| v.parse().unwrap_or(10.0)),
            ),
            memory_bytes: number("CAREPATH_FUZZ_MEMORY_MB").unwrap_or(1024) << 20,
        }
    }

    fn enforced(&self, kind: Kind) -> bool {
        self.strict || ENFORCED.contains(&kind)
    }
}

/// A shipped scenario file, to be mutated.
struct Seed {
    /// Path relative to the repository root.
    path: String,
    text: String,
    /// The other files of its folder that take part in `extends` with it (base or variants).
    family: Vec<usize>,
    /// Whether `carepath check` accepts it as shipped (most fixtures are meant to fail).
    sound: bool,
}

/// Every `*.toml` under `scenarios/` and `tests/fixtures/`, in path order.
fn corpus() -> Vec<Seed> {
    fn walk(dir: &Path, found: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, found);
            } else if path.extension().is_some_and(|e| e == "toml") {
                found.push(path);
            }
        }
    }
    let root = repository_root();
    let mut paths = Vec::new();
    walk(&root.join("scenarios"), &mut paths);
    walk(&root.join("tests/fixtures"), &mut paths);
    paths.sort();
    let mut seeds: Vec<Seed> = paths
        .iter()
        .map(|p| Seed {
            path: p
                .strip_prefix(root)
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned(),
            text: fs::read_to_string(p).unwrap_or_default(),
            family: Vec::new(),
            sound: Command::new(binary())
                .arg("check")
                .arg(p)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|status| status.success()),
        })
        .collect();
    // A variant needs its base beside it; a base is also reached through its variants.
    let names: Vec<String> = seeds.iter().map(|s| file_name(&s.path)).collect();
    let extends =
        |variant: &Seed, base: &str| variant.text.contains(&format!("extends = \"{base}\""));
    let families: Vec<Vec<usize>> = (0..seeds.len())
        .map(|i| {
            let dir = Path::new(&seeds[i].path).parent();
            (0..seeds.len())
                .filter(|&j| {
                    j != i
                        && Path::new(&seeds[j].path).parent() == dir
                        && (extends(&seeds[i], &names[j]) || extends(&seeds[j], &names[i]))
                })
                .collect()
        })
        .collect();
    for (seed, family) in seeds.iter_mut().zip(families) {
        seed.family = family;
    }
    seeds
}

/// One case: files to write into an empty folder, the one to check and run, and how.
#[derive(Clone)]
struct Case {
    number: u64,
    /// (file name, contents); contents may be invalid UTF-8.
    files: Vec<(String, Vec<u8>)>,
    /// The file given to `check` and `run`.
    entry: String,
    /// The file that was mutated or generated (reduced when a finding is minimised).
    changed: String,
    description: String,
    /// What the first mutation touched (see `mutate::Applied::touched`).
    touched: String,
    horizon: &'static str,
    warm_up: &'static str,
    replications: &'static str,
    report: bool,
}

/// Case `number` of campaign `seed`.
fn make_case(seed: u64, number: u64, corpus: &[Seed]) -> Case {
    let bytes = case_bytes(seed, number);
    let mut draw = Draw::new(&bytes);
    let generated = corpus.is_empty() || draw.chance(30);
    let mut files = Vec::new();
    let (mut text, mut changed, mut entry, mut description) = if generated {
        let text = generate::scenario(&mut draw);
        let name = "generated.toml".to_string();
        (text, name.clone(), name, "generated".to_string())
    } else {
        // Most shipped fixtures are refused by `check` by design; a mutation of one that
        // passes is more likely to reach a run, so those are drawn 4 times in 5.
        let sound: Vec<usize> = (0..corpus.len()).filter(|&i| corpus[i].sound).collect();
        let index = if !sound.is_empty() && draw.chance(80) {
            *draw.pick(&sound)
        } else {
            draw.below(corpus.len())
        };
        let seed_file = &corpus[index];
        let name = file_name(&seed_file.path);
        for &j in &seed_file.family {
            files.push((
                file_name(&corpus[j].path),
                corpus[j].text.clone().into_bytes(),
            ));
        }
        // A mutated base is sometimes reached through one of its (unchanged) variants.
        let variants: Vec<usize> = seed_file
            .family
            .iter()
            .copied()
            .filter(|&j| corpus[j].text.contains(&format!("extends = \"{name}\"")))
            .collect();
        let entry = if !variants.is_empty() && draw.chance(25) {
            file_name(&corpus[*draw.pick(&variants)].path)
        } else {
            name.clone()
        };
        (
            seed_file.text.clone(),
            name,
            entry,
            format!("mutated {}", seed_file.path),
        )
    };
    let others: Vec<&str> = corpus.iter().map(|s| s.text.as_str()).collect();
    let mutations = if generated {
        draw.below(3)
    } else {
        *draw.pick(&[0, 1, 1, 1, 1, 1, 2, 2, 3, 4])
    };
    let mut touched = String::new();
    for _ in 0..mutations {
        let applied = mutate::mutate(&mut draw, &mut text, &others, &changed);
        if touched.is_empty() {
            touched = applied.touched;
        }
        description.push_str("; ");
        description.push_str(&applied.description);
    }
    if touched.is_empty() {
        touched = "generated".to_string();
    }
    let mut contents = text.into_bytes();
    if draw.chance(2) {
        // Bytes that are not UTF-8.
        let at = draw.below(contents.len() + 1);
        let junk: Vec<u8> = (0..1 + draw.below(6)).map(|_| draw.byte() | 0x80).collect();
        description.push_str(&format!("; inserted bytes {junk:02x?} at byte {at}"));
        contents.splice(at..at, junk);
        if touched == "generated" {
            touched = "bytes".to_string();
        }
    }
    files.retain(|(name, _)| *name != changed);
    files.push((changed.clone(), contents));
    if entry.is_empty() {
        entry = changed.clone();
    }
    if changed.is_empty() {
        changed = entry.clone();
    }
    Case {
        number,
        files,
        entry,
        changed,
        description,
        touched,
        horizon: ["1 d", "3 d", "7 d"][draw.below(3)],
        warm_up: ["0 d", "1 d"][draw.below(2)],
        replications: ["1", "2"][draw.below(2)],
        report: draw.chance(20),
    }
}

fn file_name(path: &str) -> String {
    Path::new(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// How a command ended.
#[derive(Debug)]
enum Exit {
    Code(i32),
    Signal(i32),
    TimedOut,
}

/// A finished command.
struct Finished {
    exit: Exit,
    stderr: String,
}

/// Runs `carepath args` in `dir` within the time and memory bounds.
fn carepath(dir: &Path, args: &[&str], config: &Config) -> Finished {
    let stdout = fs::File::create(dir.join(".stdout")).expect("a file for standard output");
    let stderr = fs::File::create(dir.join(".stderr")).expect("a file for standard error");
    let mut command = Command::new(binary());
    command
        .args(args)
        .current_dir(dir)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
    limit_memory(&mut command, config.memory_bytes, config.timeout);
    let mut child = command.spawn().expect("the carepath binary starts");
    let started = Instant::now();
    let exit = loop {
        match child.try_wait().expect("the child can be waited for") {
            Some(status) => {
                use std::os::unix::process::ExitStatusExt;
                break match (status.code(), status.signal()) {
                    (Some(code), _) => Exit::Code(code),
                    (None, Some(signal)) => Exit::Signal(signal),
                    _ => Exit::Code(-1),
                };
            }
            // Past the bound, a command that is busy is hung; one that is starved of CPU
            // by a loaded machine gets up to three times the bound (a blocked read, which
            // uses no CPU either, is still caught then).
            None if started.elapsed() > config.timeout
                && (cpu_seconds(child.id()) >= config.timeout.as_secs_f64() / 2.0
                    || started.elapsed() > 3 * config.timeout) =>
            {
                let _ = child.kill();
                let _ = child.wait();
                break Exit::TimedOut;
            }
            None => std::thread::sleep(Duration::from_millis(2)),
        }
    };
    let stderr = fs::read(dir.join(".stderr")).unwrap_or_default();
    Finished {
        exit,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// CPU time (user and system) used so far by process `pid`, from `/proc/PID/stat`; 0 if
/// it cannot be read.
fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // Fields after the command name (which may hold spaces) start at field 3 (state);
    // utime and stime are fields 14 and 15, in clock ticks.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i).and_then(|f| f.parse::<f64>().ok()))
        .sum();
    // SAFETY: sysconf only reads a system constant.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    ticks / per_second.max(1) as f64
}

/// Bounds the child's address space, its CPU time (a backstop to the wall-clock bound) and
/// its core files (none), before it starts.
fn limit_memory(command: &mut Command, bytes: u64, timeout: Duration) {
    use std::os::unix::process::CommandExt;
    let cpu = timeout.as_secs() + 5;
    // SAFETY: the closure runs in the forked child before exec and only calls
    // async-signal-safe `setrlimit`.
    unsafe {
        command.pre_exec(move || {
            let set = |resource, value: u64| {
                let limit = libc::rlimit {
                    rlim_cur: value as libc::rlim_t,
                    rlim_max: value as libc::rlim_t,
                };
                if libc::setrlimit(resource, &limit) == 0 {
                    Ok(())
                } else {
                    Err(std::io::Error::last_os_error())
                }
            };
            set(libc::RLIMIT_AS, bytes)?;
            set(libc::RLIMIT_CPU, cpu)?;
            set(libc::RLIMIT_CORE, 0)
        });
    }
}

/// One finding of one case.
#[derive(Debug, Clone)]
struct Finding {
    kind: Kind,
    /// `check` or `run`.
    phase: &'static str,
    /// What tells it apart from other findings of its kind (a panic's location, a
    /// message with its names and numbers blanked, what the mutation touched).
    signature: String,
    /// The relevant part of the standard error.
    detail: String,
}

impl Finding {
    fn key(&self) -> String {
        format!("{:?} in {}: {}", self.kind, self.phase, self.signature)
    }
}

/// Writes the case's files into `dir` (emptied first).
fn write_case(case: &Case, dir: &Path) {
    let _ = fs::remove_dir_all(dir);
    fs::create_dir_all(dir).expect("a folder for the case");
    for (name, contents) in &case.files {
        fs::write(dir.join(name), contents).expect("the case's files are written");
    }
}

/// Runs a case: `check`, then if it passed a short `run`. Returns its findings.
/// Returns its findings and whether `check` accepted it.
fn execute(case: &Case, dir: &Path, config: &Config) -> (Vec<Finding>, bool) {
    write_case(case, dir);
    let checked = carepath(dir, &["check", &case.entry], config);
    let mut findings = classify(&checked, "check", case, dir);
    let accepted = matches!(checked.exit, Exit::Code(0));
    if accepted {
        let horizon = format!("run.horizon={}", case.horizon);
        let warm_up = format!("run.warm_up={}", case.warm_up);
        let mut args = vec![
            "run",
            &case.entry,
            "-r",
            case.replications,
            "-t",
            "1",
            "-q",
            "-o",
            "out",
            "--set",
            &horizon,
            "--set",
            &warm_up,
        ];
        if !case.report {
            args.push("--no-report");
        }
        let ran = carepath(dir, &args, config);
        findings.extend(classify(&ran, "run", case, dir));
    }
    (findings, accepted)
}

/// The findings in how a command ended.
fn classify(finished: &Finished, phase: &'static str, case: &Case, dir: &Path) -> Vec<Finding> {
    let stderr = &finished.stderr;
    let finding = |kind, signature: String| Finding {
        kind,
        phase,
        signature,
        detail: stderr.chars().take(6000).collect(),
    };
    if let Some(at) = stderr.find("panicked at ") {
        let rest = &stderr[at + "panicked at ".len()..];
        let location = rest.lines().next().unwrap_or("").trim_end_matches(':');
        let message = rest.lines().nth(1).unwrap_or("");
        return vec![finding(
            Kind::Panic,
            format!("{location} {}", blank(message)),
        )];
    }
    if stderr.contains("memory allocation of") || stderr.contains("Cannot allocate memory") {
        return vec![finding(Kind::Memory, case.touched.clone())];
    }
    if stderr.contains("has overflowed its stack") {
        return vec![finding(Kind::Crash, "stack overflow".to_string())];
    }
    match finished.exit {
        Exit::TimedOut => return vec![finding(Kind::Hang, case.touched.clone())],
        Exit::Signal(signal) => {
            let kind = if signal == libc::SIGXCPU {
                Kind::Hang
            } else {
                Kind::Crash
            };
            return vec![finding(kind, format!("signal {signal} {}", case.touched))];
        }
        Exit::Code(0) => return Vec::new(),
        Exit::Code(1 | 2) => {}
        Exit::Code(code) => return vec![finding(Kind::Crash, format!("exit code {code}"))],
    }
    let mut findings = Vec::new();
    let blocks = error_blocks(stderr);
    if blocks.is_empty() {
        let first = stderr
            .lines()
            .next()
            .unwrap_or("(nothing on standard error)");
        findings.push(finding(Kind::Unlocated, blank(first)));
    }
    for block in blocks {
        let message = block.lines().next().unwrap_or("").trim();
        let words = blank(message);
        if phase == "run" && patients_inside_bound(&block) {
            // A run-time stop by design: `check` cannot know how many patients a run holds.
        } else if let Err(why) = placement(&block, dir, &case.entry) {
            let kind = if phase == "run" {
                Kind::RunStop
            } else {
                Kind::Unlocated
            };
            findings.push(finding(kind, format!("{words} ({why})")));
        }
        if !block.contains("help:") {
            findings.push(finding(Kind::NoHelp, words.clone()));
        }
        let plain = strip_quoted(message);
        if let Some(word) = JARGON.iter().find(|w| plain.contains(*w)) {
            findings.push(finding(Kind::Jargon, format!("`{word}` in {words}")));
        }
    }
    findings
}

/// The error blocks of a standard error: each from an `error:` line to the next.
fn error_blocks(stderr: &str) -> Vec<String> {
    let mut blocks: Vec<String> = Vec::new();
    for line in stderr.lines() {
        if line.starts_with("error") {
            blocks.push(String::new());
        }
        if let Some(block) = blocks.last_mut() {
            block.push_str(line);
            block.push('\n');
        }
    }
    blocks
}

/// Whether an error block is the stop on the number of patients inside (issue 9 item 10,
/// `SimError::TooManyInside`): a run-time stop by design, which `check` cannot foresee (it
/// warns on offered load), and which names the bound and how to raise it.
fn patients_inside_bound(block: &str) -> bool {
    block.contains("patients were inside at once") && block.contains("max_patients_inside")
}

/// Whether an error block points at a line that exists in a file of the case (or at the
/// `--set` argument, or names the file `given` on the command line that cannot be read).
fn located(block: &str, dir: &Path, given: &str) -> bool {
    placement(block, dir, given).is_ok()
}

/// Where an error block points: at a line of the user's files, or why not.
///
/// A file that cannot be read at all (missing, a folder, a device, too large) has no lines:
/// when it is the file `given` on the command line, the message naming that path is its
/// place. (A file that is not UTF-8 is placed at its first bad byte; a base that cannot be
/// read, at the `extends` line that names it.)
fn placement(block: &str, dir: &Path, given: &str) -> Result<(), &'static str> {
    if block.contains("command line (--set)") {
        return Ok(());
    }
    let first = block.lines().next().unwrap_or("");
    if first.starts_with(&format!("error: cannot read scenario file {given}: "))
        && !first.contains("not UTF-8")
    {
        return Ok(());
    }
    let mut why = "names no place";
    for line in block.lines() {
        let Some((_, place)) = line.split_once("--> ") else {
            continue;
        };
        let mut parts = place.trim().rsplitn(3, ':');
        let (Some(_column), Some(line), Some(path)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if path.contains("(merged onto") || path.ends_with(" with --set") {
            why = "points into a merged text";
            continue;
        }
        let Ok(line) = line.parse::<usize>() else {
            continue;
        };
        match fs::read(dir.join(path)) {
            Ok(bytes) if line >= 1 && line <= bytes.split(|&b| b == b'\n').count() => {
                return Ok(());
            }
            Ok(_) => why = "points past the end of the file",
            Err(_) => why = "points into a file that does not exist",
        }
    }
    Err(why)
}

/// `text` without its `backticked` and "quoted" parts (the user's own words).
fn strip_quoted(text: &str) -> String {
    let mut out = String::new();
    let mut inside: Option<char> = None;
    for c in text.chars() {
        match inside {
            Some(close) if c == close => inside = None,
            Some(_) => {}
            None if c == '`' || c == '"' => inside = Some(c),
            None => out.push(c),
        }
    }
    out
}

/// A message with its names and numbers blanked, so that findings of one kind group.
fn blank(message: &str) -> String {
    // A file that cannot be read is named without quotes: blank its path.
    const READ: &str = "cannot read scenario file ";
    if let Some(at) = message.find(READ) {
        let rest = &message[at + READ.len()..];
        let reason = rest.rfind(": ").map_or("", |i| &rest[i..]);
        return format!("{}{READ}_{}", blank(&message[..at]), blank(reason));
    }
    let mut out = String::new();
    let mut inside: Option<char> = None;
    let mut last_digit = false;
    for c in message.chars() {
        match inside {
            Some(close) if c == close => {
                inside = None;
                out.push(c);
            }
            Some(_) => {}
            None if c == '`' || c == '"' => {
                inside = Some(c);
                out.push(c);
                out.push('_');
            }
            None if c.is_ascii_digit() => {
                if !last_digit {
                    out.push('N');
                }
            }
            None => out.push(c),
        }
        last_digit = c.is_ascii_digit();
    }
    out.chars().take(120).collect()
}

/// Reduces the changed file of a case to the lines it needs for `finding` to stay
/// (greedy removal of chunks of lines, halving the chunk size), within `budget`.
fn minimise(case: &Case, finding: &Finding, dir: &Path, config: &Config, budget: Duration) -> Case {
    let started = Instant::now();
    let key = finding.key();
    let quick = Config {
        timeout: if finding.kind == Kind::Hang {
            config.timeout.min(Duration::from_secs(4))
        } else {
            config.timeout
        },
        seed: config.seed,
        cases: config.cases.clone(),
        findings: None,
        keep: None,
        budget: None,
        strict: config.strict,
        memory_bytes: config.memory_bytes,
    };
    let index = case
        .files
        .iter()
        .position(|(name, _)| *name == case.changed)
        .expect("the changed file is among the case's files");
    let mut best = case.clone();
    let mut lines: Vec<Vec<u8>> = best.files[index]
        .1
        .split(|&b| b == b'\n')
        .map(<[u8]>::to_vec)
        .collect();
    let mut chunk = (lines.len() / 2).max(1);
    while started.elapsed() < budget {
        let mut start = 0;
        let mut removed_any = false;
        while start < lines.len() && started.elapsed() < budget {
            let end = (start + chunk).min(lines.len());
            let mut trial_lines = lines.clone();
            trial_lines.drain(start..end);
            let mut trial = best.clone();
            trial.files[index].1 = trial_lines.join(&b'\n');
            let still = execute(&trial, dir, &quick)
                .0
                .iter()
                .any(|f| f.key() == key);
            if still {
                lines = trial_lines;
                best = trial;
                removed_any = true;
            } else {
                start = end;
            }
        }
        if chunk == 1 && !removed_any {
            break;
        }
        chunk = if chunk == 1 { 1 } else { chunk / 2 };
    }
    best
}

/// Saves a finding's files and description under `folder`.
fn save(folder: &Path, number: usize, case: &Case, finding: &Finding, config: &Config) {
    let slug: String = format!("{:02}-{:?}-{}", number, finding.kind, finding.phase).to_lowercase();
    let dir = folder.join(slug);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a folder for the finding");
    for (name, contents) in &case.files {
        fs::write(dir.join(name), contents).expect("the finding's files are written");
    }
    let command = if finding.phase == "check" {
        format!("carepath check {}", case.entry)
    } else {
        format!(
            "carepath run {} -r {} -t 1 -q -o out --set 'run.horizon={}' --set 'run.warm_up={}'{}",
            case.entry,
            case.replications,
            case.horizon,
            case.warm_up,
            if case.report { "" } else { " --no-report" }
        )
    };
    let text = format!(
        "{}\nenforced today: {}\nfound by: CAREPATH_FUZZ_SEED={} CAREPATH_FUZZ_CASE={}\ncase: {}\nreproduce (in this folder): {command}\n\nstandard error:\n{}\n",
        finding.key(),
        config.enforced(finding.kind),
        config.seed,
        case.number,
        case.description,
        finding.detail
    );
    fs::write(dir.join("finding.txt"), text).expect("the finding is written");
}

/// How a case is shown when it fails the test: seed, number, what was done and its files.
fn show(case: &Case, seed: u64) -> String {
    let mut text = format!(
        "CAREPATH_FUZZ_SEED={seed} CAREPATH_FUZZ_CASE={} ({}); entry {}; run with -r {} and --set run.horizon={} --set run.warm_up={}{}\n",
        case.number,
        case.description,
        case.entry,
        case.replications,
        case.horizon,
        case.warm_up,
        if case.report { "" } else { " --no-report" },
    );
    let (name, contents) = case
        .files
        .iter()
        .find(|(name, _)| *name == case.changed)
        .expect("the changed file is among the case's files");
    let contents = String::from_utf8_lossy(contents);
    if contents.len() <= 20_000 {
        text.push_str(&format!(
            "--- {name} ---\n{contents}\n--- end of {name} ---\n"
        ));
    } else {
        let saved = std::env::temp_dir().join(format!("carepath-fuzz-{seed}-{}.toml", case.number));
        let _ = fs::write(&saved, contents.as_bytes());
        text.push_str(&format!("{name} is long; saved as {}\n", saved.display()));
    }
    text
}

/// What a campaign saw.
struct Campaign {
    cases: u64,
    /// Cases that `check` accepted (and so were run).
    accepted: u64,
    seconds: f64,
    /// Distinct findings (by key) with how many cases showed each.
    distinct: BTreeMap<String, (Finding, u64)>,
    /// Enforced findings, shown in full.
    failures: Vec<String>,
}

/// Runs the cases of `config`. Without a findings folder, stops at the first enforced
/// finding; with one, runs them all and saves each distinct finding there.
fn campaign(config: &Config) -> Campaign {
    let corpus = corpus();
    assert!(!corpus.is_empty(), "the shipped scenarios are found");
    let work = tempfile::tempdir().expect("a temporary folder");
    let dir = work.path().join("case");
    let started = Instant::now();
    let mut result = Campaign {
        cases: 0,
        accepted: 0,
        seconds: 0.0,
        distinct: BTreeMap::new(),
        failures: Vec::new(),
    };
    for number in config.cases.clone() {
        if config.budget.is_some_and(|b| started.elapsed() > b) {
            break;
        }
        let case = make_case(config.seed, number, &corpus);
        let (findings, accepted) = execute(&case, &dir, config);
        if let Some(keep) = &config.keep {
            let kept = keep.join(format!("case-{number}"));
            let _ = fs::remove_dir_all(&kept);
            let _ = fs::rename(&dir, &kept);
        }
        result.cases += 1;
        result.accepted += u64::from(accepted);
        for finding in findings {
            let key = finding.key();
            let enforced = config.enforced(finding.kind);
            if let Some((_, count)) = result.distinct.get_mut(&key) {
                *count += 1;
                continue;
            }
            eprintln!("fuzz case {number}: {key}");
            if let Some(folder) = &config.findings {
                let budget = Duration::from_secs(if finding.kind == Kind::Hang { 60 } else { 30 });
                let small = minimise(&case, &finding, &dir, config, budget);
                save(folder, result.distinct.len() + 1, &small, &finding, config);
            }
            if enforced {
                result.failures.push(format!(
                    "{key}\n{}\nstandard error:\n{}",
                    show(&case, config.seed),
                    finding.detail
                ));
            }
            result.distinct.insert(key, (finding, 1));
        }
        if !result.failures.is_empty() && config.findings.is_none() {
            break;
        }
        if number % 500 == 499 {
            eprintln!(
                "fuzz: {} cases ({} run) in {:.0} s, {} distinct findings",
                result.cases,
                result.accepted,
                started.elapsed().as_secs_f64(),
                result.distinct.len()
            );
        }
    }
    result.seconds = started.elapsed().as_secs_f64();
    if let Some(folder) = &config.findings {
        let mut summary = format!(
            "{} cases (seed {}, cases {}..{} asked; {} accepted by check and run) in {:.0} s; {} distinct findings\n\n",
            result.cases,
            config.seed,
            config.cases.start,
            config.cases.end,
            result.accepted,
            result.seconds,
            result.distinct.len()
        );
        for (key, (_, count)) in &result.distinct {
            summary.push_str(&format!("{count:>6}  {key}\n"));
        }
        let _ = fs::create_dir_all(folder);
        fs::write(folder.join("SUMMARY.txt"), &summary).expect("the summary is written");
        eprintln!("{summary}");
    }
    result
}

fn assert_no_enforced_findings(result: &Campaign) {
    assert!(
        result.failures.is_empty(),
        "fuzzing found {} problem(s) after {} case(s):\n\n{}",
        result.failures.len(),
        result.cases,
        result.failures.join("\n\n")
    );
}

/// Issue 9, fuzzing as a habit: a bounded number of mutated and generated scenarios
/// through `check` and a short `run`, with no panic, crash, hang or memory exhaustion.
#[test]
fn issue_9_fuzz_mutated_and_generated_scenarios() {
    let config = Config::from_env(SUITE_CASES);
    let result = campaign(&config);
    assert_no_enforced_findings(&result);
    if config.cases.end - config.cases.start >= SUITE_CASES {
        // The harness reaches the run, not only the parser's errors.
        assert!(
            result.accepted * 20 >= result.cases,
            "only {} of {} cases passed check",
            result.accepted,
            result.cases
        );
    }
}

/// The long campaign: `cargo test --release --test it fuzz_campaign -- --ignored`
/// (20,000 cases unless CAREPATH_FUZZ_CASES says otherwise; findings listed in
/// `target/fuzz-findings` unless CAREPATH_FUZZ_FINDINGS names another folder).
#[test]
#[ignore = "long: minutes to hours; see README.md, Fuzzing"]
fn fuzz_campaign() {
    let mut config = Config::from_env(20_000);
    if config.findings.is_none() {
        config.findings = Some(repository_root().join("target/fuzz-findings"));
    }
    let result = campaign(&config);
    assert_no_enforced_findings(&result);
}

/// The harness's own checks: the classification sees what it must.
#[test]
fn fuzz_harness_classifies_located_and_unlocated_errors() {
    let work = tempfile::tempdir().unwrap();
    let dir = work.path();
    fs::write(dir.join("a.toml"), "x = 1\ny = 2\n").unwrap();
    let located_block = "error: bad\n  --> a.toml:2:5\n  = help: fix it\n";
    assert!(located(located_block, dir, "a.toml"));
    // A file given on the command line that cannot be read is placed by its path; another
    // file, or one that is not text (which has a line), is not.
    let unreadable = "error: cannot read scenario file b.toml: there is no such file\nhelp: x\n";
    assert!(located(unreadable, dir, "b.toml"));
    assert!(!located(unreadable, dir, "a.toml"));
    assert!(!located(
        "error: cannot read scenario file b.toml: it is not UTF-8 text (byte 3 is not valid UTF-8)\n",
        dir,
        "b.toml"
    ));
    assert!(located(
        "error: cannot read scenario file a.toml: it is not UTF-8 text (byte 3 is not valid UTF-8)\n  --> a.toml:1:4\nhelp: x\n",
        dir,
        "a.toml"
    ));
    // The stop on patients inside is by design.
    assert!(patients_inside_bound(
        "error: replication 0 stopped: more than 100000 patients were inside at once (on day 2.0), so the run stopped: the queue for `nurse` grew ... raise `max_patients_inside` in [run]\n"
    ));
    assert!(!patients_inside_bound(
        "error: replication 0 stopped: a patient at step `p.s` does not hold `nurse`\n"
    ));
    // A line past the end of the file (a merged text's line) is not a place in it.
    assert!(!located("error: bad\n  --> a.toml:490:5\n", dir, "a.toml"));
    assert!(!located(
        "error: bad\n  --> a.toml (merged onto b.toml):2:5\n",
        dir,
        "a.toml"
    ));
    assert_eq!(
        placement(
            "error: bad\n  --> a.toml (merged onto b.toml):2:5\n",
            dir,
            "a.toml"
        ),
        Err("points into a merged text")
    );
    assert_eq!(
        placement("error: bad\n  --> a.toml:490:5\n", dir, "a.toml"),
        Err("points past the end of the file")
    );
    assert_eq!(
        placement("error: replication 0 stopped: no room\n", dir, "a.toml"),
        Err("names no place")
    );
    assert!(!located(
        "error: replication 0 stopped: no room\n",
        dir,
        "a.toml"
    ));
    assert!(located(
        "error: bad\n  --> command line (--set):1:1\n",
        dir,
        "a.toml"
    ));
    assert_eq!(
        strip_quoted("expected struct `RunFile` in \"x::y\""),
        "expected struct  in "
    );
    assert_eq!(blank("found `abc` at 123, 4"), "found `_` at N, N");
    assert_eq!(
        blank("error: cannot read scenario file a b.toml: No such file (os error 2)"),
        "error: cannot read scenario file _: No such file (os error N)"
    );
    assert_eq!(error_blocks("error: a\n x\nerror: b\n").len(), 2);
    // This process has used some CPU time, and it can be read.
    let spin = Instant::now();
    while spin.elapsed() < Duration::from_millis(50) {
        std::hint::black_box(0);
    }
    assert!(cpu_seconds(std::process::id()) > 0.0);
}

/// The same seed and number make the same case; another number another case.
#[test]
fn fuzz_cases_are_deterministic() {
    let corpus = corpus();
    let a = make_case(SEED, 17, &corpus);
    let b = make_case(SEED, 17, &corpus);
    let c = make_case(SEED, 18, &corpus);
    assert_eq!(a.files, b.files);
    assert_eq!(a.description, b.description);
    assert_ne!(a.files, c.files);
}
