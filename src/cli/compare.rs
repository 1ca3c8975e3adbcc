//! `carepath compare`: the same replications of several designs, differences judged pair by
//! pair, and a table that says which differences are clear.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};
use clap::Args;

use carepath::experiment::compare::{
    Arm, ComparisonRow, Judgement, compare as compare_arms, comparison_csv, judge,
};
use carepath::experiment::output::{sha256_hex, write_atomic};
use carepath::experiment::output_set::OutputSet;
use carepath::experiment::{RunOutcome, run_scenario, summarise};
use carepath::report::charts::Design;
use carepath::report::html::{Report, ReportedDesign};
use carepath::report::pack::write_pack;
use carepath::scenario::{LoadedScenario, load_with};

use super::budget::{check_replications, check_time, pilot};
use super::progress_bar;
use super::table::number;
use carepath::report::headline::headlines;

/// Options of `carepath compare`.
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The base scenario, e.g. scenarios/east_london/baseline.toml.
    pub base: PathBuf,
    /// One or more variants to compare with the base.
    #[arg(required = true)]
    pub variants: Vec<PathBuf>,
    /// Options shared with the other commands.
    #[command(flatten)]
    pub common: super::Common,
}

/// Runs the comparison described by `args`.
pub fn compare(args: &CompareArgs) -> Result<()> {
    let mut loaded = vec![load_with(&args.base, &args.common.set)?];
    for variant in &args.variants {
        loaded.push(load_with(variant, &args.common.set)?);
    }
    let seed = args.common.seed.unwrap_or(loaded[0].scenario.seed);
    let replications = args
        .common
        .replications
        .unwrap_or(loaded[0].scenario.replications);
    for (i, scenario) in loaded.iter().enumerate() {
        if let Some(earlier) = loaded[..i]
            .iter()
            .find(|l| l.scenario.name == scenario.scenario.name)
        {
            bail!(
                "{} and {} have the same [run] name `{}`; give each design its own name",
                earlier.path,
                scenario.path,
                scenario.scenario.name
            );
        }
    }
    for scenario in &mut loaded {
        scenario.scenario.seed = seed;
        scenario.scenario.replications = replications;
    }
    check_replications(replications)?;
    let folder = args.common.out.clone().unwrap_or_else(|| {
        Path::new("output").join(format!("compare_{}", loaded[0].scenario.name))
    });
    let inputs: Vec<PathBuf> = loaded
        .iter()
        .flat_map(|l| l.layers.iter().map(|layer| PathBuf::from(&layer.path)))
        .collect();
    let set = OutputSet::prepare(&folder, &inputs)?;
    let threads = args.common.threads();
    check_time(
        pilot(&loaded[0].scenario)?,
        u64::from(replications) * loaded.len() as u64,
        threads,
        args.common.yes,
        args.common.quiet,
    )?;
    let progress = progress_bar(
        args.common.quiet,
        u64::from(replications) * loaded.len() as u64,
        "comparing",
    );
    let started = Instant::now();
    let mut runs = Vec::new();
    for scenario in &loaded {
        runs.push(run_scenario(
            &scenario.scenario,
            0,
            replications,
            threads,
            &progress,
        )?);
    }
    progress.finish_and_clear();
    let arms: Vec<Arm<'_>> = loaded
        .iter()
        .zip(&runs)
        .map(|(l, run)| Arm {
            scenario: &l.scenario.name,
            results: &run.results,
        })
        .collect();
    let mut rows = compare_arms(&arms);
    // Which way is better is the base's word: its key figures' `better`.
    judge(&mut rows, |metric| {
        loaded[0].scenario.key_figure(metric).and_then(|f| f.better)
    });

    write_atomic(&set.dir().join("comparison.csv"), &comparison_csv(&rows)?)?;
    let manifest = serde_json::json!({
        "carepath_version": env!("CARGO_PKG_VERSION"),
        "seed": seed,
        "replications": replications,
        "threads": threads,
        "settings": args.common.set.iter().map(|s| format!("{}={}", s.key, s.value)).collect::<Vec<_>>(),
        "wall_time_seconds": started.elapsed().as_secs_f64(),
        "scenarios": loaded.iter().map(|l| serde_json::json!({
            "name": l.scenario.name,
            "file": l.path,
            "files": l.layers.iter().map(|layer| format!("{} sha256:{}", layer.path, sha256_hex(layer.text.as_bytes()))).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    });
    write_atomic(
        &set.dir().join("manifest.json"),
        &serde_json::to_vec_pretty(&manifest)?,
    )?;
    let charts = if args.common.no_report {
        None
    } else {
        Some(write_comparison_pack(
            set.dir(),
            &loaded,
            &runs,
            &rows,
            seed,
            replications,
        )?)
    };
    set.commit()?;

    if !args.common.quiet {
        let base = &loaded[0].scenario;
        let labels: Vec<(String, String)> = headlines(
            base,
            rows.iter()
                .filter(|r| r.scenario == base.name)
                .map(|r| (r.metric.as_str(), r.mean)),
        )
        .into_iter()
        .map(|h| (h.metric, h.label))
        .collect();
        outln!("{}", super::designs::designs_text(&loaded));
        outln!(
            "{}",
            plain_words(&rows, &labels, &loaded[0].scenario.name, replications, seed)
        );
        let extras = match charts {
            Some(count) => format!(", report.html, {count} charts in charts/ as PNG and SVG"),
            None => String::new(),
        };
        outln!(
            "Outputs in {}/ (comparison.csv, manifest.json{extras}).",
            folder.display()
        );
    }
    Ok(())
}

/// Writes the charts and `report.html` of a comparison; returns the number of charts.
fn write_comparison_pack(
    folder: &Path,
    loaded: &[LoadedScenario],
    runs: &[RunOutcome],
    rows: &[ComparisonRow],
    seed: u64,
    replications: u32,
) -> Result<usize> {
    let summaries: Vec<_> = runs.iter().map(|run| summarise(&run.results)).collect();
    let reported: Vec<ReportedDesign<'_>> = loaded
        .iter()
        .zip(runs)
        .zip(&summaries)
        .map(|((l, run), summary)| ReportedDesign {
            design: Design {
                scenario: &l.scenario,
                results: &run.results,
                curves: &run.curves,
                summary,
            },
            loaded: l,
        })
        .collect();
    let report = Report {
        designs: &reported,
        comparison: Some(rows),
        replications,
        seed,
        command: &super::command_line(),
    };
    Ok(write_pack(folder, &report)?)
}

/// Each variant's key figures against the base, saying which differences are clear.
fn plain_words(
    rows: &[ComparisonRow],
    labels: &[(String, String)],
    base: &str,
    replications: u32,
    seed: u64,
) -> String {
    let mut out = format!(
        "Compared with `{base}` on the same {replications} replications (seed {seed}); a difference is clear when its paired 95% interval excludes zero.\n"
    );
    let variants: Vec<&str> = {
        let mut names: Vec<&str> = rows
            .iter()
            .map(|r| r.scenario.as_str())
            .filter(|s| *s != base)
            .collect();
        names.dedup();
        names
    };
    for variant in variants {
        out.push_str(&format!("\n{variant}:\n"));
        for (metric, label) in labels {
            let (Some(b), Some(v)) = (
                rows.iter()
                    .find(|r| r.scenario == base && &r.metric == metric),
                rows.iter()
                    .find(|r| r.scenario == variant && &r.metric == metric),
            ) else {
                continue;
            };
            let by = number(v.diff_vs_base.abs());
            let verdict = match v.judgement() {
                Judgement::Base => continue,
                Judgement::NotComparable => {
                    let why = if b.mean.is_nan() && v.mean.is_nan() {
                        "no patients in either design"
                    } else {
                        "not comparable: no replication has patients in both designs"
                    };
                    out.push_str(&format!(
                        "  {label}: {} -> {} ({why})\n",
                        number(b.mean),
                        number(v.mean)
                    ));
                    continue;
                }
                Judgement::Identical => "identical in every replication".to_string(),
                // One pair gives no interval: nothing can be said either way.
                Judgement::TooFewPairs => format!(
                    "too few replications with patients in both designs to judge ({} pair)",
                    v.paired
                ),
                Judgement::Better | Judgement::Worse => {
                    let way = if v.diff_vs_base > 0.0 {
                        "higher"
                    } else {
                        "lower"
                    };
                    format!("{}: {way} by {by}", v.verdict)
                }
                Judgement::Higher => format!("clearly higher by {by}"),
                Judgement::Lower => format!("clearly lower by {by}"),
                Judgement::WithinNoise => "no clear difference (within noise)".to_string(),
            };
            let interval = if v.diff_ci95_low.is_finite() && v.diff_ci95_high.is_finite() {
                format!(
                    "difference 95% CI {} to {}",
                    number(v.diff_ci95_low),
                    number(v.diff_ci95_high)
                )
            } else {
                "no interval".to_string()
            };
            out.push_str(&format!(
                "  {label}: {} -> {} {} ({verdict}; {interval})\n",
                number(b.mean),
                number(v.mean),
                v.unit,
            ));
        }
    }
    out
}
