//! `carepath compare`: the same replications of several designs, differences judged pair by
//! pair, and a table that says which differences are clear.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Result, bail};
use clap::Args;

use carepath::experiment::RunOutcome;
use carepath::experiment::compare::{
    ComparisonRow, ComparisonSums, Judgement, Verdict, comparison_csv, judge,
};
use carepath::experiment::output::{sha256_hex, write_atomic};
use carepath::experiment::output_set::OutputSet;
use carepath::experiment::runner::run_designs;
use carepath::report::charts::Design;
use carepath::report::html::{Report, ReportedDesign};
use carepath::report::pack::write_pack;
use carepath::scenario::{LoadedScenario, load_with};

use super::budget::{check_replications, check_time, pilot};
use super::progress_bar;
use super::table::{Align, bare, columns, interval_cells, signed, unit_words};
use carepath::model::scenario::Scenario;
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
    // Replication r of every design runs together, and is folded into each design's running
    // sums and the paired differences as it finishes: nothing is kept per replication.
    let designs: Vec<_> = loaded.iter().map(|l| &l.scenario).collect();
    let mut runs: Vec<RunOutcome> = designs.iter().map(|d| RunOutcome::empty(d)).collect();
    let mut sums = ComparisonSums::for_designs(&designs);
    run_designs(&designs, 0, replications, threads, &progress, |results| {
        sums.add(&results);
        for (run, result) in runs.iter_mut().zip(&results) {
            run.add(result);
        }
        Ok(())
    })?;
    progress.finish_and_clear();
    let mut rows = sums.rows();
    // Which way is better is the base's word: its key figures' `better`.
    judge(&mut rows, |metric| {
        loaded[0].scenario.key_figure(metric).and_then(|f| f.better)
    });

    write_atomic(&set.dir().join("comparison.csv"), &comparison_csv(&rows)?)?;
    let run_at = carepath::experiment::output::utc_now();
    let manifest = serde_json::json!({
        "carepath_version": env!("CARGO_PKG_VERSION"),
        "seed": seed,
        "replications": replications,
        "threads": threads,
        "settings": args.common.set.iter().map(|s| format!("{}={}", s.key, s.value)).collect::<Vec<_>>(),
        "wall_time_seconds": started.elapsed().as_secs_f64(),
        "run_at": run_at,
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
    {
        use carepath::report::workbook::{
            all_figures_sheet, assumptions_sheet, comparison_sheet, daily_sheet, key_figures_sheet,
            write_workbook,
        };
        let summaries: Vec<_> = runs.iter().map(RunOutcome::summary).collect();
        let designs: Vec<(&Scenario, &[carepath::experiment::MetricSummary])> = loaded
            .iter()
            .zip(&summaries)
            .map(|(l, s)| (&l.scenario, s.as_slice()))
            .collect();
        let mut sheets = vec![key_figures_sheet(&designs), comparison_sheet(&rows)];
        for (l, summary) in loaded.iter().zip(&summaries) {
            sheets.push(all_figures_sheet(
                &format!("All {}", l.scenario.name),
                summary,
            ));
        }
        // Every design's daily series, as the over-time charts draw them (dates on a run
        // with a start date).
        for (l, run) in loaded.iter().zip(&runs) {
            sheets.extend(daily_sheet(
                &format!("Daily {}", l.scenario.name),
                &l.scenario,
                &run.curves.daily.daily,
            ));
        }
        for l in &loaded {
            let resolved = toml::to_string(&l.file).unwrap_or_default();
            sheets.push(assumptions_sheet(
                &format!("Assumptions {}", l.scenario.name),
                &resolved,
            ));
        }
        write_workbook(set.dir(), &sheets)?;
    }
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
            &run_at,
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
        .map(|h| {
            let label = h.plain_label();
            (h.metric, label)
        })
        .collect();
        let designs: Vec<&Scenario> = loaded.iter().map(|l| &l.scenario).collect();
        outln!("{}", super::designs::designs_text(&loaded));
        outln!(
            "{}",
            plain_words(&rows, &labels, &designs, replications, seed)
        );
        let extras = match charts {
            Some(count) => {
                format!(", report.html, pathways.dot, {count} charts in charts/ as PNG and SVG")
            }
            None => String::new(),
        };
        outln!(
            "Outputs in {}/ (comparison.csv, manifest.json, results.xlsx{extras}).",
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
    run_at: &str,
) -> Result<usize> {
    let summaries: Vec<_> = runs.iter().map(RunOutcome::summary).collect();
    let reported: Vec<ReportedDesign<'_>> = loaded
        .iter()
        .zip(runs)
        .zip(&summaries)
        .map(|((l, run), summary)| ReportedDesign {
            design: Design {
                scenario: &l.scenario,
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
        run_at,
    };
    Ok(write_pack(folder, &report)?)
}

/// Each variant's key figures against the base, saying which differences are clear: per
/// variant, one aligned table of base, variant, difference and the paired 95% interval of the
/// difference, shares as per cent (differences in percentage points) and money in pounds.
fn plain_words(
    rows: &[ComparisonRow],
    labels: &[(String, String)],
    designs: &[&Scenario],
    replications: u32,
    seed: u64,
) -> String {
    let base = designs[0];
    let mut out = format!(
        "Compared with {} (`{}`) on the same {replications} replications (seed {seed}).\nA difference is clear when its paired 95% interval excludes zero.\n",
        base.title(),
        base.name
    );
    for variant in &designs[1..] {
        out.push_str(&format!(
            "\n{} (`{}`) against {}:\n",
            variant.title(),
            variant.name,
            base.title()
        ));
        // Each figure's label on a line of its own, its numbers below in aligned columns.
        let mut figure_labels: Vec<String> = Vec::new();
        let mut table: Vec<Vec<String>> = vec![
            ["", "base", "variant", "difference", "95% CI", "", "", ""]
                .map(String::from)
                .to_vec(),
        ];
        for (metric, label) in labels {
            let (Some(b), Some(v)) = (
                rows.iter()
                    .find(|r| r.scenario == base.name && &r.metric == metric),
                rows.iter()
                    .find(|r| r.scenario == variant.name && &r.metric == metric),
            ) else {
                continue;
            };
            let unit = v.unit;
            let noun = base.metric_noun(metric);
            let words = unit_words(unit, noun.as_ref());
            let label = if words.is_empty() || label.contains(&words) {
                label.clone()
            } else {
                format!("{label} [{words}]")
            };
            let verdict = match v.judgement() {
                Judgement::Base => continue,
                Judgement::NotComparable => {
                    if b.mean.is_nan() && v.mean.is_nan() {
                        "no patients in either design".to_string()
                    } else {
                        "not comparable: no replication has patients in both designs".to_string()
                    }
                }
                Judgement::Identical => "identical in every replication".to_string(),
                // One pair gives no interval: nothing can be said either way.
                Judgement::TooFewPairs => format!("too few pairs to judge ({})", v.paired),
                // Judged by the figure's direction: better or worse.
                Judgement::Better | Judgement::Worse => v.verdict.to_string(),
                Judgement::Higher => "clearly higher".to_string(),
                Judgement::Lower => "clearly lower".to_string(),
                Judgement::WithinNoise => "within noise".to_string(),
            };
            // Nothing to say about an interval where the designs are the same or not comparable.
            let comparable = !matches!(v.verdict(), Verdict::NotComparable | Verdict::Identical);
            let [low, to, high] = if comparable && v.paired >= 2 {
                interval_cells(v.diff_ci95_low, v.diff_ci95_high, unit, signed)
            } else {
                [String::new(), String::new(), String::new()]
            };
            let difference = if comparable || v.verdict() == Verdict::Identical {
                signed(v.diff_vs_base, unit)
            } else {
                String::new()
            };
            figure_labels.push(label);
            table.push(vec![
                String::new(),
                bare(b.mean, unit),
                bare(v.mean, unit),
                difference,
                low,
                to,
                high,
                verdict,
            ]);
        }
        let align = [
            Align::Left,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Right,
            Align::Left,
            Align::Right,
            Align::Left,
        ];
        let lines = columns(&table, &align, 4);
        let mut lines = lines.lines();
        if let Some(header) = lines.next() {
            out.push_str(header);
            out.push('\n');
        }
        for (label, numbers) in figure_labels.iter().zip(lines) {
            out.push_str(&format!("  {label}\n{numbers}\n"));
        }
    }
    out
}
