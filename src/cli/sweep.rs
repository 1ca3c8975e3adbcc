//! `carepath sweep`: a grid over one or two keys, each point on the same replications and
//! seed; optionally the capacity that minimises total cost.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use clap::Args;

use carepath::experiment::output::write_atomic;
use carepath::experiment::output_set::OutputSet;
use carepath::experiment::statistics::{MetricSummary, RunningMoments};
use carepath::experiment::sweep::{SweepValue, Vary, grid, sweep_csv};
use carepath::experiment::{RunOutcome, run_more};
use carepath::report::charts::{SweepCurve, sweep_chart};
use carepath::report::pack::{footnote, render_all, write_charts};
use carepath::scenario::load_with;
use carepath::scenario::settings::Setting;

use super::budget::{check_replications, check_time, pilot};
use super::progress_bar;
use super::table::number;

/// Most points in a grid (a hundred by a hundred).
const MAX_POINTS: usize = 10_000;

/// Options of `carepath sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// The scenario file.
    pub scenario: PathBuf,
    /// A key and its range, KEY=FROM..TO[:STEP], e.g.
    /// resources.reablement_slot.count=100..140:10. Give one or two (a grid).
    #[arg(long, required = true, value_name = "KEY=FROM..TO[:STEP]")]
    pub vary: Vec<Vary>,
    /// Report the point with the lowest total cost (`cost.total`), with its interval and the
    /// points that are not clearly worse. Needs exactly one --vary.
    #[arg(long)]
    pub minimise_cost: bool,
    /// Options shared with the other commands.
    #[command(flatten)]
    pub common: super::Common,
}

/// Runs the sweep described by `args`.
pub fn sweep(args: &SweepArgs) -> Result<()> {
    if args.vary.len() > 2 {
        bail!(
            "--vary can be given once or twice (a grid of two keys), not {} times",
            args.vary.len()
        );
    }
    if args.minimise_cost && args.vary.len() != 1 {
        bail!("--minimise-cost needs exactly one --vary (the capacity to choose)");
    }
    if let Some(v) = args
        .vary
        .iter()
        .find(|v| v.key == "run.seed" || v.key == "run.replications")
    {
        bail!(
            "--vary {} would be overridden by the sweep itself (every point runs the same seed and replications); use --seed or --replications",
            v.key
        );
    }
    let points = grid(&args.vary);
    if points.len() > MAX_POINTS {
        bail!(
            "the grid has {} points, more than {MAX_POINTS}\nhelp: use a larger STEP in --vary KEY=FROM..TO:STEP",
            points.len()
        );
    }
    let mut base = load_with(&args.scenario, &args.common.set)?;
    let seed = args.common.seed.unwrap_or(base.scenario.seed);
    let replications = args
        .common
        .replications
        .unwrap_or(base.scenario.replications);
    check_replications(replications)?;
    let folder = args
        .common
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("sweep_{}", base.scenario.name)));
    let inputs: Vec<PathBuf> = base.layers.iter().map(|l| PathBuf::from(&l.path)).collect();
    let set = OutputSet::prepare(&folder, &inputs)?;
    let threads = args.common.threads();
    base.scenario.seed = seed;
    check_time(
        pilot(&base.scenario)?,
        u64::from(replications) * points.len() as u64,
        threads,
        args.common.yes,
        args.common.quiet,
    )?;
    let progress = progress_bar(
        args.common.quiet,
        u64::from(replications) * points.len() as u64,
        "sweeping",
    );
    // Each point is summarised as its replications finish; only its summary is kept, and for
    // --minimise-cost its total cost in each replication (one number per replication).
    let mut summaries: Vec<(Vec<SweepValue>, Vec<MetricSummary>)> = Vec::new();
    let mut costs: Vec<Vec<f64>> = Vec::new();
    for values in &points {
        let mut settings = args.common.set.clone();
        for (vary, value) in args.vary.iter().zip(values) {
            settings.push(
                format!("{}={value}", vary.key)
                    .parse::<Setting>()
                    .map_err(anyhow::Error::msg)?,
            );
        }
        let mut loaded = load_with(&args.scenario, &settings)?;
        loaded.scenario.seed = seed;
        loaded.scenario.replications = replications;
        let mut run = RunOutcome::empty(&loaded.scenario);
        let mut cost = Vec::new();
        run_more(
            &loaded.scenario,
            0,
            replications,
            threads,
            &progress,
            &mut run,
            |result| {
                if args.minimise_cost {
                    cost.push(
                        result
                            .metrics
                            .iter()
                            .find(|m| &*m.name == "cost.total")
                            .map_or(f64::NAN, |m| m.value),
                    );
                }
                Ok(())
            },
        )?;
        summaries.push((values.clone(), run.summary()));
        costs.push(cost);
    }
    progress.finish_and_clear();
    let keys: Vec<String> = args.vary.iter().map(|v| v.key.clone()).collect();
    write_atomic(&set.dir().join("sweep.csv"), &sweep_csv(&keys, &summaries)?)?;
    let optimum = args
        .minimise_cost
        .then(|| cost_optimum(&keys[0], &points, &costs));
    let shown: Vec<String> = if base.scenario.key_figures.is_empty() {
        vec!["cost.total".to_string()]
    } else {
        base.scenario
            .key_figures
            .iter()
            .take(4)
            .map(|f| format!("key.{}", f.name))
            .chain(["cost.total".to_string()])
            .collect()
    };
    let chart = if args.common.no_report {
        None
    } else {
        let mut metrics = vec![("cost.total".to_string(), "Total cost".to_string())];
        metrics.extend(
            base.scenario
                .key_figures
                .iter()
                .map(|f| (format!("key.{}", f.name), f.label.clone()))
                .filter(|(name, _)| shown.contains(name)),
        );
        let curve = SweepCurve {
            keys: &keys,
            points: &summaries,
            metrics: &metrics,
            cheapest: optimum.as_ref().and_then(|(_, best)| *best),
        };
        match sweep_chart(&curve) {
            Some(spec) => {
                let charts = render_all(
                    &[spec],
                    &footnote(&[&base.scenario.name], replications, seed),
                )?;
                write_charts(set.dir(), &charts)?;
                Some(charts.len())
            }
            None => None,
        }
    };
    set.commit()?;
    if args.common.quiet {
        return Ok(());
    }
    outln!(
        "Sweep of `{}` over {} on {replications} replications (seed {seed}):",
        base.scenario.name,
        keys.join(" x ")
    );
    for (values, summary) in &summaries {
        let point: Vec<String> = keys
            .iter()
            .zip(values)
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let figures: Vec<String> = shown
            .iter()
            .filter_map(|name| summary.iter().find(|m| &m.metric == name))
            .map(|m| {
                format!(
                    "{} {} ({} to {})",
                    m.metric,
                    number(m.mean),
                    number(m.ci95_low),
                    number(m.ci95_high)
                )
            })
            .collect();
        outln!("  {}: {}", point.join(", "), figures.join("; "));
    }
    if let Some((text, _)) = &optimum {
        outln!("{text}");
    }
    let extras = if chart.is_some() {
        ", charts/sweep.png and .svg"
    } else {
        ""
    };
    outln!("Outputs in {}/ (sweep.csv{extras}).", folder.display());
    Ok(())
}

/// The cheapest point, its interval, and the points whose paired difference from it is not
/// clearly positive (as good, within noise), in words; and the cheapest point's index.
/// `costs[p]` holds the total cost of point `p` in each replication, in replication order.
fn cost_optimum(
    key: &str,
    points: &[Vec<SweepValue>],
    costs: &[Vec<f64>],
) -> (String, Option<usize>) {
    let moments = |values: &mut dyn Iterator<Item = f64>| {
        let mut sums = RunningMoments::new();
        values.for_each(|v| sums.add(v));
        sums
    };
    let means: Vec<f64> = costs
        .iter()
        .map(|c| moments(&mut c.iter().copied()).mean())
        .collect();
    let Some(best) = (0..means.len()).min_by(|&a, &b| means[a].total_cmp(&means[b])) else {
        return ("no points to compare".to_string(), None);
    };
    let (mean, _, low, high) = moments(&mut costs[best].iter().copied()).mean_sd_ci();
    let tied: Vec<String> = (0..costs.len())
        .filter(|&i| i != best)
        .filter(|&i| {
            // Pairs only where both points have a value (a NaN difference is left out).
            let differences = moments(&mut costs[i].iter().zip(&costs[best]).map(|(a, b)| a - b));
            differences.mean_sd_ci().2 <= 0.0
        })
        .map(|i| points[i][0].to_string())
        .collect();
    let mut text = format!(
        "Lowest total cost at {key}={}: {} GBP (95% CI {} to {}).",
        points[best][0],
        number(mean),
        number(low),
        number(high)
    );
    if tied.is_empty() {
        text.push_str(" Every other point is clearly dearer (paired 95% intervals).");
    } else {
        text.push_str(&format!(
            " Not clearly dearer (within noise): {key} = {}.",
            tied.join(", ")
        ));
    }
    (text, Some(best))
}
