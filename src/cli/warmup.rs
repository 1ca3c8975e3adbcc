//! `carepath warmup`: daily series from time zero and an MSER-5 recommendation.

use std::path::{Path, PathBuf};

use anyhow::Result;
use clap::Args;

use carepath::experiment::output::write_atomic;
use carepath::experiment::output_set::OutputSet;
use carepath::experiment::warmup::advise;
use carepath::report::charts::warm_up_chart;
use carepath::report::pack::{footnote, render_all, write_charts};
use carepath::scenario::load_with;

use super::budget::{check_replications, check_time, pilot};
use super::progress_bar;
use super::table::{Align, bare, columns};

/// Options of `carepath warmup`.
#[derive(Debug, Args)]
pub struct WarmupArgs {
    /// The scenario file; it is run from time zero over its warm-up plus horizon.
    pub scenario: PathBuf,
    /// Options shared with the other commands.
    #[command(flatten)]
    pub common: super::Common,
}

/// Runs the warm-up analysis.
pub fn warmup(args: &WarmupArgs) -> Result<()> {
    let mut loaded = load_with(&args.scenario, &args.common.set)?;
    if let Some(seed) = args.common.seed {
        loaded.scenario.seed = seed;
    }
    let scenario = &loaded.scenario;
    let replications = args.common.replications.unwrap_or(scenario.replications);
    check_replications(replications)?;
    let folder = args
        .common
        .out
        .clone()
        .unwrap_or_else(|| Path::new("output").join(format!("warmup_{}", scenario.name)));
    let inputs: Vec<PathBuf> = loaded
        .layers
        .iter()
        .map(|l| PathBuf::from(&l.path))
        .collect();
    let set = OutputSet::prepare(&folder, &inputs)?;
    check_time(
        pilot(scenario)?,
        u64::from(replications),
        args.common.threads(),
        args.common.yes,
        args.common.quiet,
    )?;
    let progress = progress_bar(args.common.quiet, u64::from(replications), "daily series");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.common.threads())
        .build()?;
    let study = pool.install(|| advise(scenario, replications, &progress))?;
    let (names, means, advice) = (&study.names, &study.means, &study.advice);
    progress.finish_and_clear();

    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header = vec!["day".to_string()];
    header.extend(names.iter().cloned());
    writer.write_record(&header)?;
    let days = means.first().map_or(0, Vec::len);
    for day in 0..days {
        let mut row = vec![(day + 1).to_string()];
        row.extend(means.iter().map(|series| series[day].to_string()));
        writer.write_record(&row)?;
    }
    write_atomic(
        &set.dir().join("warmup.csv"),
        &writer.into_inner().map_err(|e| e.into_error())?,
    )?;

    let chart = if args.common.no_report {
        None
    } else {
        match warm_up_chart(scenario, &study) {
            Some(spec) => {
                let footnote = footnote(&[&scenario.title()], replications, scenario.seed);
                let charts = render_all(&[spec], &footnote)?;
                write_charts(set.dir(), &charts)?;
                Some(charts)
            }
            None => None,
        }
    };
    if !args.common.no_report {
        let longest = advice.iter().map(|a| a.days).max().unwrap_or(0);
        let at_limit = |days: usize| days > 0 && days + 5 >= means.first().map_or(0, Vec::len) / 2;
        let what = vec![
            format!(
                "{} was run {replications} times from time zero for {days} days (seed {}), recording each day the mean units busy and patients waiting for each resource, and the patients in the system.",
                scenario.title(),
                scenario.seed
            ),
            "For each series, MSER-5 (White, 1997) chooses the number of days to discard: it groups the daily means (over replications) into batches of five days and cuts where the standard error of the mean of what remains is smallest, looking no further than half the run.".to_string(),
        ];
        let mut chosen = vec![format!(
            "Recommended warm-up: {longest} days, the longest cut of any series, so that every series has settled (the scenario now uses {:.0} days).",
            scenario.warm_up.days()
        )];
        if advice.iter().any(|a| at_limit(a.days)) {
            chosen.push("At least one series was cut at MSER's limit of half the run: it may not have settled; run longer.".to_string());
        }
        let rows = advice
            .iter()
            .map(|a| {
                vec![
                    scenario.series_title(&a.series),
                    format!(
                        "{} days{}",
                        a.days,
                        if at_limit(a.days) {
                            " (at the limit)"
                        } else {
                            ""
                        }
                    ),
                    carepath::report::format::plain(a.mean_after),
                ]
            })
            .collect();
        let page = carepath::report::study::study_html(&carepath::report::study::StudyReport {
            title: format!("{}: warm-up", scenario.title()),
            what,
            chosen,
            header: vec!["Series".into(), "Days to discard".into(), "Mean afterwards".into()],
            rows,
            notes: vec!["Daily series over every day of each replication are in warmup.csv (day, then one column per series).".to_string()],
            chart: chart.as_ref().and_then(|c| c.first()),
            command: &super::command_line(),
        });
        write_atomic(&set.dir().join("report.html"), page.as_bytes())?;
    }
    set.commit()?;
    if !args.common.quiet {
        outln!(
            "Daily means over {replications} replications of {} from time zero ({days} days); MSER-5 cut per series:",
            scenario.title()
        );
        let mut rows: Vec<Vec<String>> = vec![
            ["series", "discard", "mean afterwards", ""]
                .map(String::from)
                .to_vec(),
        ];
        let mut at_limit = false;
        for a in advice {
            let limit = a.days > 0 && a.days + 5 >= days / 2;
            at_limit |= limit;
            rows.push(vec![
                scenario.series_title(&a.series),
                format!("{} days", a.days),
                bare(a.mean_after, "units"),
                if limit { "*" } else { "" }.to_string(),
            ]);
        }
        outln!(
            "{}",
            columns(
                &rows,
                &[Align::Left, Align::Right, Align::Right, Align::Left],
                2
            )
        );
        if at_limit {
            outln!(
                "* At MSER's limit of half the run: the series may not have settled; run longer."
            );
        }
        let longest = advice.iter().map(|a| a.days).max().unwrap_or(0);
        outln!(
            "Recommended warm-up: {longest} days (the longest cut; the scenario now uses {:.0} days).",
            scenario.warm_up.days()
        );
        outln!(
            "Series in {}/warmup.csv (day, then one column per series; units busy, patients waiting, patients in system){}.",
            folder.display(),
            if chart.is_some() {
                "; chart in charts/warmup.png and .svg"
            } else {
                ""
            }
        );
    }
    Ok(())
}
