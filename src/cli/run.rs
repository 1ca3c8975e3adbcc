//! `carepath run`: replications in parallel, a summary, outputs on disk, key figures printed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;

use carepath::experiment::output::{Manifest, RunFiles, sha256_hex, write_run};
use carepath::experiment::{run_scenario, summarise};
use carepath::scenario::{LoadedScenario, load_with};

use super::table;

/// Options of `carepath run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file, e.g. scenarios/mmc.toml.
    pub scenario: PathBuf,
    /// Number of replications (overrides `replications` in the file).
    #[arg(long, short = 'r', value_parser = clap::value_parser!(u32).range(1..))]
    pub replications: Option<u32>,
    /// Seed of every random stream (overrides `seed` in the file). Same seed, same numbers.
    #[arg(long, short = 's', value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Worker threads; 0 means one per core. Never changes the results.
    #[arg(long, short = 't', default_value_t = 0)]
    pub threads: usize,
    /// Output folder [default: output/<scenario name>].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Change one value for this run without editing the file, e.g.
    /// --set resources.rr_nurse.cost_per_hour=60 (steps by name:
    /// --set pathways.acute.steps.treatment.delay.duration='{ fixed = "5 d" }'). Repeatable.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<carepath::scenario::settings::Setting>,
    /// Run only shard K of N of the replications (e.g. 2/4), with the seeds a full run
    /// would use; combine the shards' folders with `carepath merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<carepath::experiment::shard::Shard>,
    /// Print nothing but errors (no progress bar, no table).
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// Runs the scenario named in `args`.
pub fn run(args: &RunArgs) -> Result<()> {
    let mut loaded = load_with(&args.scenario, &args.set)?;
    apply_overrides(&mut loaded, args);
    let scenario = &loaded.scenario;
    let threads = if args.threads == 0 {
        rayon::current_num_threads()
    } else {
        args.threads
    };
    let progress = super::progress_bar(
        args.quiet,
        u64::from(scenario.replications),
        &format!("running {}", scenario.name),
    );
    let started = Instant::now();
    let (first, count) = match args.shard {
        Some(shard) => shard.replications(scenario.replications),
        None => (0, scenario.replications),
    };
    progress.set_length(u64::from(count));
    let outcome = run_scenario(scenario, first, count, threads, &progress)?;
    let wall_time = started.elapsed().as_secs_f64();
    progress.finish_and_clear();
    let summary = summarise(&outcome.results);
    // A shard's summary covers only its own replications; `merge` recomputes the whole.

    let folder = args
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(&scenario.name));
    let manifest = Manifest {
        carepath_version: env!("CARGO_PKG_VERSION").to_string(),
        scenario_name: scenario.name.clone(),
        scenario_file: loaded.path.clone(),
        scenario_sha256: sha256_hex(loaded.layers[0].text.as_bytes()),
        shard: args.shard.map(|s| s.to_string()),
        settings: args
            .set
            .iter()
            .map(|s| format!("{}={}", s.key, s.value))
            .collect(),
        based_on: loaded.layers[1..]
            .iter()
            .map(|layer| {
                format!(
                    "{} sha256:{}",
                    layer.path,
                    sha256_hex(layer.text.as_bytes())
                )
            })
            .collect(),
        seed: scenario.seed,
        replications: scenario.replications,
        threads,
        warm_up_hours: scenario.warm_up.hours(),
        horizon_hours: scenario.horizon.hours(),
        events: outcome.events,
        wall_time_seconds: wall_time,
    };
    let resolved =
        toml::to_string(&loaded.file).context("cannot write the resolved scenario as TOML")?;
    let files = RunFiles {
        summary: &summary,
        results: &outcome.results,
        manifest: &manifest,
        resolved_scenario: &resolved,
    };
    write_run(&folder, &files)?;

    if !args.quiet {
        println!("{}", table::key_figures(scenario, &summary));
        println!(
            "{} replications, {} events in {:.2} s ({:.1} million events/s on {threads} thread(s)).",
            scenario.replications,
            outcome.events,
            wall_time,
            outcome.events as f64 / wall_time.max(1e-9) / 1e6,
        );
        println!(
            "Outputs in {}/ (summary.csv, replications.csv, manifest.json, scenario.toml).",
            folder.display()
        );
    }
    Ok(())
}

/// Applies command-line overrides to both the compiled scenario and the file written back as
/// the resolved scenario.
fn apply_overrides(loaded: &mut LoadedScenario, args: &RunArgs) {
    if let Some(replications) = args.replications {
        loaded.scenario.replications = replications;
        loaded.file.run.replications = Some(toml::Spanned::new(0..0, i64::from(replications)));
    }
    if let Some(seed) = args.seed {
        loaded.scenario.seed = seed;
        loaded.file.run.seed = Some(toml::Spanned::new(0..0, seed as i64));
    }
}
