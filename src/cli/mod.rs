//! Command-line interface: argument parsing, the `run` and `check` commands, and how errors
//! are shown to the person at the keyboard.

/// Prints a formatted line to standard output through [`console::line`], returning early
/// with its error (a closed pipe or a full device) instead of panicking as `println!` does.
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::console::line(&format!($($arg)*))?
    };
}

mod budget;
mod check;
mod compare;
pub mod console;
mod designs;
mod fit;
mod run;
mod sweep;
mod table;
mod validate;
mod warmup;

use std::path::PathBuf;

use anyhow::{Context, Result};
use carepath::experiment::output_set::OutputSet;
use carepath::scenario::settings::Setting;
use clap::{Parser, Subcommand};

use carepath::scenario::ScenarioError;

/// carepath simulates patient pathways through health and social care services.
///
/// Describe referrals, staff rosters, beds and handoffs between organisations in a scenario
/// file (TOML), then run it many times to see waits, delays, use of staff and beds, and costs,
/// each with a 95% confidence interval.
#[derive(Debug, Parser)]
#[command(
    name = "carepath",
    version,
    about,
    long_about,
    after_help = "Start with: carepath run scenarios/mmc.toml\nThe scenario language is described in README.md.",
    // Help wraps at the console's width whatever the terminal (every subcommand inherits it).
    term_width = console::MAX_COLUMNS
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a scenario: many replications in parallel, then a summary with confidence
    /// intervals, written to an output folder.
    Run(run::RunArgs),
    /// Compare designs: run a base scenario and its variants on the same replications and
    /// seed, and say which differences are clear and which are within noise.
    Compare(compare::CompareArgs),
    /// Vary one or two scenario keys over a range (a capacity, a staff count), run every
    /// point on the same replications and seed, and tabulate every figure; optionally find the
    /// capacity with the lowest total cost.
    Sweep(sweep::SweepArgs),
    /// Suggest a warm-up: run from time zero, record daily staff and bed use and queues, and
    /// apply the MSER-5 rule to each series.
    Warmup(warmup::WarmupArgs),
    /// Combine the output folders of `run --shard K/N` (one per shard) into the outputs of
    /// one run of all the replications.
    Merge {
        /// The shard folders, in any order.
        #[arg(required = true)]
        folders: Vec<PathBuf>,
        /// Output folder for the combined result [default: output/<scenario name>].
        #[arg(long, short = 'o')]
        out: Option<PathBuf>,
    },
    /// Check the engine against queueing theory: run built-in models (Erlang C, Erlang B,
    /// Pollaczek-Khinchine, Jackson, Cobham, Little) and say PASS or FAIL for each figure.
    Validate(validate::ValidateArgs),
    /// Check a scenario file for mistakes without running it, and say what it contains.
    Check {
        /// The scenario file, e.g. scenarios/mmc.toml.
        scenario: PathBuf,
        /// Also draw the pathway diagram (without volumes) into this folder:
        /// pathways.dot, and charts/pathways.svg and .png.
        #[arg(long, value_name = "DIR")]
        diagram: Option<PathBuf>,
    },
    /// Fit scenario inputs from an extract (CSV): arrival patterns from timestamps, or
    /// duration distributions from lengths of stay; prints the TOML to paste.
    #[command(subcommand)]
    Fit(fit::FitCommand),
}

/// Parses the command line and runs the chosen command.
pub fn main() -> Result<()> {
    let cli = Cli::try_parse().unwrap_or_else(|error| usage_error(&error));
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Warmup(args) => warmup::warmup(&args),
        Command::Check { scenario, diagram } => check::check(&scenario, diagram.as_deref()),
        Command::Merge { folders, out } => merge(&folders, out),
        Command::Validate(args) => validate::validate(&args),
        Command::Fit(command) => fit::fit(&command),
    }
}

/// Ends the command for a command line clap refuses (or for `--help` and `--version`, which
/// clap prints itself, wrapped): the refusal is printed wrapped to the console's width like
/// every other error (a value parser's message names the value and an example, and can be
/// long), with clap's exit status (2).
fn usage_error(error: &clap::Error) -> ! {
    if !error.use_stderr() {
        error.exit();
    }
    console::error_line(console::fit_message(&error.render().to_string()).trim_end());
    std::process::exit(error.exit_code());
}

/// Options every command that runs replications shares.
/// Most worker threads a command starts, whatever `--threads` asks: starting thousands of
/// threads takes longer than the work (5,000 took 32 s for an M/M/c run of a second), and
/// the thread count never changes a figure.
pub const MAX_THREADS: usize = 256;

#[derive(Debug, clap::Args)]
pub struct Common {
    /// Number of replications (overrides `replications` in the file).
    #[arg(long, short = 'r', value_parser = clap::value_parser!(u32).range(1..))]
    pub replications: Option<u32>,
    /// Seed of every random stream (overrides `seed` in the file). Same seed, same numbers.
    #[arg(long, short = 's', value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Worker threads; 0 means one per core, at most 256. Never changes the results.
    #[arg(long, short = 't', default_value_t = 0)]
    pub threads: usize,
    /// Output folder [default: under output/, named after the scenario].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Change one value for this run without editing the file, e.g.
    /// --set resources.rr_nurse.cost_per_hour=60 (steps by name:
    /// --set pathways.acute.steps.treatment.delay.duration='{ fixed = "5 d" }'). Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<Setting>,
    /// Print nothing but errors (no progress bar, no table).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Write no charts and no report.html, only the tables.
    #[arg(long)]
    pub no_report: bool,
    /// Start even when the estimated running time is over an hour.
    #[arg(long)]
    pub yes: bool,
}

impl Common {
    /// Worker threads to use: as asked (at most [`MAX_THREADS`]), or one per core.
    pub fn threads(&self) -> usize {
        if self.threads == 0 {
            rayon::current_num_threads()
        } else {
            self.threads.min(MAX_THREADS)
        }
    }
}

/// The command line as typed, quoted for a POSIX shell, for reports to say how to
/// reproduce them.
pub fn command_line() -> String {
    let words: Vec<String> = std::iter::once("carepath".to_string())
        .chain(std::env::args().skip(1))
        .collect();
    shell_words::join(words)
}

/// `carepath merge`: shard folders into one run's outputs, written as one output set.
fn merge(folders: &[PathBuf], out: Option<PathBuf>) -> Result<()> {
    let out = match out {
        Some(out) => out,
        None => {
            let path = folders[0].join("manifest.json");
            let text = carepath::scenario::input::read_text(&path, "manifest")?;
            let manifest: carepath::experiment::output::Manifest = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a carepath manifest", path.display()))?;
            std::path::Path::new("output").join(manifest.scenario_name)
        }
    };
    let inputs: Vec<PathBuf> = folders
        .iter()
        .flat_map(|f| carepath::experiment::shard::SHARD_FILES.map(|name| f.join(name)))
        .collect();
    let set = OutputSet::prepare(&out, &inputs)?;
    let merged = carepath::experiment::shard::merge(folders, set.dir())?;
    // The data files the first shard kept go with the merged scenario, which names them.
    let kept = folders[0].join(carepath::experiment::output_set::INPUTS);
    for entry in std::fs::read_dir(&kept).into_iter().flatten().flatten() {
        set.keep_input(&entry.path(), &entry.file_name().to_string_lossy())?;
    }
    let charts = run::write_merged_pack(set.dir(), &merged)?;
    let manifest = merged.manifest;
    set.commit()?;
    outln!(
        "Merged {} shard folders: {} replications of `{}` into {}/ (summary.csv, replications.csv, manifest.json, scenario.toml, results.xlsx{}).",
        folders.len(),
        manifest.replications,
        manifest.scenario_name,
        out.display(),
        match charts {
            Some(count) => format!(", report.html, pathways.dot, {count} charts in charts/"),
            None => String::new(),
        }
    );
    if charts.is_none() {
        outln!(
            "No report: a shard folder lacks curves.txt (written by `run --shard` of this version), which the charts need."
        );
    }
    Ok(())
}

/// A progress bar over `total` replications, hidden when `quiet` (or not on a terminal).
pub fn progress_bar(quiet: bool, total: u64, message: &str) -> indicatif::ProgressBar {
    if quiet {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {pos}/{len} replications, {elapsed} elapsed, about {eta} left",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(message.to_string());
    bar
}

/// The message shown for an error: scenario problems as rendered (their source lines are the
/// user's), anything else with its chain of causes, wrapped to the console's width with any
/// path kept whole ([`console::fit_message`]).
pub fn describe(error: &anyhow::Error) -> String {
    if let Some(carepath::fit::extract::FitError::Data { report }) = error.downcast_ref() {
        return report.trim_end().to_string();
    }
    match error.downcast_ref::<ScenarioError>() {
        Some(ScenarioError::Invalid { report, .. }) => report.trim_end().to_string(),
        _ => console::fit_message(&format!("error: {error:#}")),
    }
}

/// Exit status: 2 for a scenario (or a `fit` extract) with problems, 141 when standard output's reader went
/// away (see [`console`]), 1 for anything else (including a scenario file that cannot be
/// read).
pub fn exit_code(error: &anyhow::Error) -> u8 {
    if error.is::<console::PipeClosed>() {
        return console::CLOSED_PIPE_STATUS;
    }
    if let Some(carepath::fit::extract::FitError::Data { .. }) = error.downcast_ref() {
        return 2;
    }
    match error.downcast_ref::<ScenarioError>() {
        Some(ScenarioError::Invalid { .. }) => 2,
        _ => 1,
    }
}
