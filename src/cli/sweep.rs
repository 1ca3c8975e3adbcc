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
use carepath::scenario::settings::{SWEEP_LABEL, Setting};
use carepath::scenario::{load_with, load_with_labelled};

use super::budget::{check_replications, check_time, pilot};
use super::progress_bar;
use super::table::{Align, bare, columns, interval_cells, unit_words};
use carepath::experiment::stability::{QueueGrowthSums, describe};
use carepath::model::scenario::Scenario;

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
    let mut growing: Vec<String> = Vec::new();
    for values in &points {
        let mut settings = args.common.set.clone();
        for (vary, value) in args.vary.iter().zip(values) {
            settings.push(
                format!("{}={value}", vary.key)
                    .parse::<Setting>()
                    .map_err(anyhow::Error::msg)?,
            );
        }
        let mut loaded = load_with_labelled(&args.scenario, &settings, SWEEP_LABEL)?;
        loaded.scenario.seed = seed;
        loaded.scenario.replications = replications;
        let mut run = RunOutcome::empty(&loaded.scenario);
        let mut cost = Vec::new();
        let mut growth = QueueGrowthSums::new(&loaded.scenario);
        run_more(
            &loaded.scenario,
            0,
            replications,
            threads,
            &progress,
            &mut run,
            |result| {
                growth.add(result);
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
        // The point's queues still growing at the end (experiment::stability).
        growing.push(describe(&base.scenario, &growth.growing()));
    }
    progress.finish_and_clear();
    let keys: Vec<String> = args.vary.iter().map(|v| v.key.clone()).collect();
    let titles: Vec<String> = keys.iter().map(|k| base.scenario.key_title(k)).collect();
    let unstable: Vec<bool> = growing.iter().map(|g| !g.is_empty()).collect();
    write_atomic(
        &set.dir().join("sweep.csv"),
        &sweep_csv(&keys, &summaries, &unstable)?,
    )?;
    let optimum = args
        .minimise_cost
        .then(|| cost_optimum(&titles[0], &points, &costs, &unstable));
    let shown: Vec<String> = if base.scenario.key_figures.is_empty() {
        vec!["cost.total".to_string()]
    } else {
        base.scenario
            .key_figures
            .iter()
            .take(4)
            .map(|f| f.metric())
            .chain(["cost.total".to_string()])
            .collect()
    };
    let chart = if args.common.no_report {
        None
    } else {
        let mut metrics = vec![(
            "cost.total".to_string(),
            base.scenario.metric_title("cost.total"),
        )];
        metrics.extend(
            base.scenario
                .key_figures
                .iter()
                .map(|f| (f.metric(), f.label.clone()))
                .filter(|(name, _)| shown.contains(name)),
        );
        let curve = SweepCurve {
            scenario: &base.scenario,
            keys: &titles,
            unstable: &unstable,
            points: &summaries,
            metrics: &metrics,
            cheapest: optimum.as_ref().and_then(|(_, best)| *best),
        };
        match sweep_chart(&curve) {
            Some(spec) => {
                let charts = render_all(
                    &[spec],
                    &footnote(&[&base.scenario.title()], replications, seed),
                )?;
                write_charts(set.dir(), &charts)?;
                Some(charts)
            }
            None => None,
        }
    };
    if !args.common.no_report {
        let mut what = vec![format!(
            "{} was run at {} points, varying {}, with {replications} replications at each point (seed {seed}; common random numbers: replication r of every point uses the same streams).",
            base.scenario.title(),
            summaries.len(),
            args.vary
                .iter()
                .zip(&titles)
                .map(|(v, t)| format!("{t} ({})", v.key))
                .collect::<Vec<_>>()
                .join(" and ")
        )];
        what.push("Each figure is the mean over the replications with its 95% confidence interval in brackets.".to_string());
        let chosen = match &optimum {
            Some((text, _)) => vec![text.clone()],
            None => vec!["No point was chosen: run with --minimise-cost to choose the point with the lowest total cost, with the points not clearly worse.".to_string()],
        };
        let mut header = vec!["Point".to_string()];
        header.extend(shown.iter().map(|m| base.scenario.metric_title(m)));
        header.push("Queues".to_string());
        let rows = summaries
            .iter()
            .zip(&unstable)
            .map(|((values, summary), unstable)| {
                let mut row = vec![point_words(&titles, values)];
                for metric in &shown {
                    row.push(summary.iter().find(|m| &m.metric == metric).map_or(
                        "not reported".to_string(),
                        |m| {
                            format!(
                                "{} [{}, {}]",
                                carepath::report::format::value_with_unit(m.mean, m.unit),
                                carepath::report::format::value_with_unit(m.ci95_low, m.unit),
                                carepath::report::format::value_with_unit(m.ci95_high, m.unit)
                            )
                        },
                    ));
                }
                row.push(if *unstable { "growing" } else { "settled" }.to_string());
                row
            })
            .collect();
        let notes = summaries
            .iter()
            .zip(&growing)
            .filter(|(_, words)| !words.is_empty())
            .map(|((values, _), words)| {
                format!(
                    "Unstable: {}: {words}; its figures depend on the run length.",
                    point_words(&titles, values)
                )
            })
            .collect();
        let page = carepath::report::study::study_html(&carepath::report::study::StudyReport {
            title: format!("{}: sweep", base.scenario.title()),
            what,
            chosen,
            header,
            rows,
            notes,
            chart: chart.as_ref().and_then(|c| c.first()),
            command: &super::command_line(),
        });
        write_atomic(&set.dir().join("report.html"), page.as_bytes())?;
    }
    set.commit()?;
    if args.common.quiet {
        return Ok(());
    }
    outln!(
        "{}",
        sweep_table(
            &base.scenario,
            &titles,
            &summaries,
            &shown,
            &unstable,
            replications,
            seed
        )
    );
    if unstable.iter().any(|u| *u) {
        outln!(
            "Unstable points (a queue still growing at the end of the run, so their figures depend on the run length and are not a steady state):"
        );
        for ((values, _), words) in summaries.iter().zip(&growing) {
            if !words.is_empty() {
                outln!("  {}: {words}.", point_words(&titles, values));
            }
        }
    }
    if let Some((text, _)) = &optimum {
        outln!("{text}");
    }
    let extras = if chart.is_some() {
        ", report.html, charts/sweep.png and .svg"
    } else if args.common.no_report {
        ""
    } else {
        ", report.html"
    };
    outln!("Outputs in {}/ (sweep.csv{extras}).", folder.display());
    Ok(())
}

/// `Reablement places = 100, Acute beds = 150`.
fn point_words(titles: &[String], values: &[SweepValue]) -> String {
    titles
        .iter()
        .zip(values)
        .map(|(t, v)| format!("{t} = {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The shown figures point by point: one block per figure, one aligned row per point with
/// its mean and 95% interval, unstable points marked.
fn sweep_table(
    scenario: &Scenario,
    titles: &[String],
    summaries: &[(Vec<SweepValue>, Vec<carepath::experiment::MetricSummary>)],
    shown: &[String],
    unstable: &[bool],
    replications: u32,
    seed: u64,
) -> String {
    let mut out = format!(
        "Sweep of {} over {} on {replications} replications (seed {seed}):",
        scenario.title(),
        titles.join(" × ")
    );
    for metric in shown {
        let Some(unit) = summaries
            .iter()
            .find_map(|(_, s)| s.iter().find(|m| &m.metric == metric))
            .map(|m| m.unit)
        else {
            continue;
        };
        let words = unit_words(unit, scenario.metric_noun(metric).as_ref());
        let title = scenario.metric_title(metric);
        let title = if words.is_empty() || title.contains(&words) {
            title
        } else {
            format!("{title} [{words}]")
        };
        out.push_str(&format!("\n\n{title}\n"));
        let mut header: Vec<String> = titles.to_vec();
        header.extend(["mean", "95% CI", "", "", ""].map(String::from));
        let mut rows = vec![header];
        for (point, (values, summary)) in summaries.iter().enumerate() {
            let Some(m) = summary.iter().find(|m| &m.metric == metric) else {
                continue;
            };
            let mut row: Vec<String> = values.iter().map(ToString::to_string).collect();
            row.push(bare(m.mean, m.unit));
            row.extend(interval_cells(m.ci95_low, m.ci95_high, m.unit, bare));
            row.push(if unstable.get(point).copied().unwrap_or(false) {
                "unstable".to_string()
            } else {
                String::new()
            });
            rows.push(row);
        }
        // Swept values are short: the first column needs no wrapping room.
        let mut align = vec![Align::Right; titles.len()];
        align[0] = Align::Left;
        align.extend([
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Right,
            Align::Left,
        ]);
        out.push_str(&columns(&rows, &align, 2));
    }
    out
}

/// The cheapest point, its interval, and the points whose paired difference from it is not
/// clearly positive (as good, within noise), in words; and the cheapest point's index.
/// `costs[p]` holds the total cost of point `p` in each replication, in replication order;
/// `unstable[p]` says whether point `p` is left out (a queue still growing at the end).
fn cost_optimum(
    key: &str,
    points: &[Vec<SweepValue>],
    costs: &[Vec<f64>],
    unstable: &[bool],
) -> (String, Option<usize>) {
    let moments = |values: &mut dyn Iterator<Item = f64>| {
        let mut sums = RunningMoments::new();
        values.for_each(|v| sums.add(v));
        sums
    };
    let is_unstable = |i: usize| unstable.get(i).copied().unwrap_or(false);
    let excluded: Vec<String> = (0..points.len())
        .filter(|&i| is_unstable(i))
        .map(|i| points[i][0].to_string())
        .collect();
    let why = if excluded.is_empty() {
        String::new()
    } else {
        format!(
            " Left out: {key} = {}, unstable: a queue was still growing at the end, so their cost depends on how long the run is and is not a cost the service would settle at.",
            excluded.join(", ")
        )
    };
    let means: Vec<f64> = costs
        .iter()
        .map(|c| moments(&mut c.iter().copied()).mean())
        .collect();
    let Some(best) = (0..means.len())
        .filter(|&i| !is_unstable(i))
        .min_by(|&a, &b| means[a].total_cmp(&means[b]))
    else {
        return (
            format!("No lowest cost: every point is unstable.{why}"),
            None,
        );
    };
    let (mean, _, low, high) = moments(&mut costs[best].iter().copied()).mean_sd_ci();
    // A cost cannot be negative: its interval is clipped as every summary's is.
    let (low, high) = carepath::experiment::statistics::clip_to_range(
        mean,
        low,
        high,
        carepath::experiment::statistics::known_range(carepath::model::Unit::Gbp, 1),
    );
    let tied: Vec<String> = (0..costs.len())
        .filter(|&i| i != best && !is_unstable(i))
        .filter(|&i| {
            // Pairs only where both points have a value (a NaN difference is left out).
            let differences = moments(&mut costs[i].iter().zip(&costs[best]).map(|(a, b)| a - b));
            differences.mean_sd_ci().2 <= 0.0
        })
        .map(|i| points[i][0].to_string())
        .collect();
    let mut text = format!(
        "Lowest total cost at {key} = {}: {} (95% CI {} to {}).",
        points[best][0],
        bare(mean, "GBP"),
        bare(low, "GBP"),
        bare(high, "GBP")
    );
    if tied.is_empty() {
        text.push_str(" Every other stable point is clearly dearer (paired 95% intervals).");
    } else {
        text.push_str(&format!(
            " Not clearly dearer (within noise): {key} = {}.",
            tied.join(", ")
        ));
    }
    text.push_str(&why);
    (text, Some(best))
}
