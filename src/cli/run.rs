//! `carepath run`: replications in parallel, a summary, outputs on disk, key figures printed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result, bail};
use clap::Args;

use carepath::experiment::output::{Manifest, RunFiles, sha256_hex, write_run};
use carepath::experiment::precision::run_to_precision;
use carepath::experiment::{run_scenario, summarise};
use carepath::report::charts::Design;
use carepath::report::html::{Report, ReportedDesign};
use carepath::report::pack::{remove_pack, write_pack};
use carepath::scenario::{LoadedScenario, load_with};

use super::table;

/// Options of `carepath run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The scenario file, e.g. scenarios/mmc.toml.
    pub scenario: PathBuf,
    /// Keep adding replications (in batches of `--replications`) until every figure in
    /// `--metrics` has a 95% interval within this share of its mean, e.g. 5%.
    #[arg(long, value_name = "PERCENT", value_parser = parse_percent)]
    pub precision: Option<f64>,
    /// Figures for --precision, comma-separated [default: the scenario's key figures].
    #[arg(long, value_delimiter = ',', requires = "precision")]
    pub metrics: Vec<String>,
    /// Most replications --precision may run.
    #[arg(long, default_value_t = 1000, requires = "precision", value_parser = clap::value_parser!(u32).range(2..))]
    pub max_replications: u32,
    /// Run only shard K of N of the replications (e.g. 2/4), with the seeds a full run
    /// would use; combine the shards' folders with `carepath merge`.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<carepath::experiment::shard::Shard>,
    /// Options shared with the other commands.
    #[command(flatten)]
    pub common: super::Common,
}

/// Runs the scenario named in `args`.
pub fn run(args: &RunArgs) -> Result<()> {
    let mut loaded = load_with(&args.scenario, &args.common.set)?;
    apply_overrides(&mut loaded, args);
    let scenario = &loaded.scenario;
    let threads = args.common.threads();
    let progress = super::progress_bar(
        args.common.quiet,
        u64::from(scenario.replications),
        &format!("running {}", scenario.name),
    );
    let started = Instant::now();
    let mut precision_report = None;
    let (first, count) = match args.shard {
        Some(shard) => shard.replications(scenario.replications),
        None => (0, scenario.replications),
    };
    progress.set_length(u64::from(count));
    let outcome = match args.precision {
        Some(precision) => {
            if args.shard.is_some() {
                bail!(
                    "--precision decides the number of replications as it goes, so it cannot be split into --shard blocks; find the number first, then shard with --replications"
                );
            }
            let metrics = precision_metrics(&args.metrics, scenario)?;
            progress.set_length(u64::from(args.max_replications));
            let run = run_to_precision(
                scenario,
                &metrics,
                precision,
                count,
                args.max_replications,
                threads,
                &progress,
            )?;
            let needed = run.outcome.results.len() as u32;
            loaded.scenario.replications = needed;
            loaded.file.run.replications = Some(toml::Spanned::new(0..0, i64::from(needed)));
            precision_report = Some((run.reached, needed, run.relative_half_widths));
            run.outcome
        }
        None => run_scenario(scenario, first, count, threads, &progress)?,
    };
    let scenario = &loaded.scenario;
    let wall_time = started.elapsed().as_secs_f64();
    progress.finish_and_clear();
    let summary = summarise(&outcome.results);
    // A shard's summary covers only its own replications; `merge` recomputes the whole.

    let folder = args
        .common
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
            .common
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
    let pack = if args.common.no_report || args.shard.is_some() {
        remove_pack(&folder)?;
        None
    } else {
        let design = Design {
            scenario,
            results: &outcome.results,
            curves: &outcome.curves,
            summary: &summary,
        };
        let reported = [ReportedDesign {
            design,
            loaded: &loaded,
        }];
        let report = Report {
            designs: &reported,
            comparison: None,
            replications: scenario.replications,
            seed: scenario.seed,
            command: &super::command_line(),
        };
        Some(write_pack(&folder, &report)?)
    };

    if !args.common.quiet {
        println!("{}", table::key_figures(scenario, &summary));
        if let Some((reached, needed, widths)) = &precision_report {
            let worst = widths
                .iter()
                .map(|(m, w)| format!("{m} {:.1}%", w * 100.0))
                .collect::<Vec<_>>()
                .join(", ");
            if *reached {
                println!(
                    "Precision reached after {needed} replications (95% half-width as a share of the mean: {worst})."
                );
            } else {
                println!(
                    "Precision NOT reached: stopped at the cap of {needed} replications ({worst}); raise --max-replications or relax --precision."
                );
            }
        }
        println!(
            "{} replications, {} events in {:.2} s ({:.1} million events/s on {threads} thread(s)).",
            scenario.replications,
            outcome.events,
            wall_time,
            outcome.events as f64 / wall_time.max(1e-9) / 1e6,
        );
        let extras = match pack {
            Some(charts) => format!(", report.html, {charts} charts in charts/ as PNG and SVG"),
            None => String::new(),
        };
        println!(
            "Outputs in {}/ (summary.csv, replications.csv, manifest.json, scenario.toml{extras}).",
            folder.display()
        );
    }
    Ok(())
}

/// `5%` or `0.05` as a fraction.
fn parse_percent(text: &str) -> Result<f64, String> {
    let value = match text.trim().strip_suffix('%') {
        Some(percent) => percent.trim().parse::<f64>().map(|p| p / 100.0),
        None => text.trim().parse::<f64>(),
    }
    .map_err(|_| format!("`{text}` is not a percentage; e.g. --precision 5%"))?;
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(format!("`{text}` must be between 0% and 100%"))
    }
}

/// The figures --precision watches: those named, checked against the scenario's metrics, or
/// its key figures.
fn precision_metrics(
    named: &[String],
    scenario: &carepath::model::scenario::Scenario,
) -> Result<Vec<String>> {
    let mut known: Vec<String> = carepath::model::metric_catalogue(scenario)
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    known.extend(
        scenario
            .key_figures
            .iter()
            .map(|f| format!("key.{}", f.name)),
    );
    if named.is_empty() {
        let keys: Vec<String> = scenario
            .key_figures
            .iter()
            .map(|f| format!("key.{}", f.name))
            .collect();
        if keys.is_empty() {
            bail!(
                "--precision needs --metrics (e.g. --metrics wait.clinic.see_clinician.mean) or [key_figures] in the scenario"
            );
        }
        return Ok(keys);
    }
    for name in named {
        if !known.contains(name) {
            let closest = known.iter().max_by(|a, b| {
                strsim::jaro_winkler(a, name).total_cmp(&strsim::jaro_winkler(b, name))
            });
            bail!(
                "--metrics names `{name}`, which the scenario does not report{}",
                closest.map_or(String::new(), |c| format!("; did you mean `{c}`?"))
            );
        }
    }
    Ok(named.to_vec())
}

/// Applies command-line overrides to both the compiled scenario and the file written back as
/// the resolved scenario.
fn apply_overrides(loaded: &mut LoadedScenario, args: &RunArgs) {
    if let Some(replications) = args.common.replications {
        loaded.scenario.replications = replications;
        loaded.file.run.replications = Some(toml::Spanned::new(0..0, i64::from(replications)));
    }
    if let Some(seed) = args.common.seed {
        loaded.scenario.seed = seed;
        loaded.file.run.seed = Some(toml::Spanned::new(0..0, seed as i64));
    }
}
