//! `carepath fit arrivals|durations`: estimates from an extract, the TOML to paste, a table
//! of every estimate and the charts, written as one output set.

use std::path::{Path, PathBuf};

use anyhow::Result;
use carepath::experiment::output::write_atomic;
use carepath::experiment::output_set::OutputSet;
use carepath::fit::durations::{self, sig};
use carepath::fit::extract::Extract;
use carepath::fit::toml::{arrivals_toml, durations_toml, source_name};
use carepath::fit::{self as fitting, ArrivalOptions, DurationOptions};
use carepath::report::pack::{render_all, write_charts};
use clap::{Args, Subcommand};

/// What to fit.
#[derive(Debug, Subcommand)]
pub enum FitCommand {
    /// Fit `[arrivals.*]` (per_day, hour and day profiles, growth) from a column of arrival
    /// timestamps.
    Arrivals(ArrivalArgs),
    /// Fit duration distributions (exponential, log-normal, gamma, Weibull, empirical) to a
    /// column of durations, with stays still in progress as right-censored.
    Durations(DurationArgs),
}

/// Options every `fit` command shares.
#[derive(Debug, Args)]
pub struct FitCommon {
    /// The extract: a CSV file with a header row.
    pub file: PathBuf,
    /// Column to fit each group of separately (e.g. referral source, pathway).
    #[arg(long, value_name = "COLUMN")]
    pub group_by: Option<String>,
    /// Leave out rows with unusable values instead of stopping; they are counted and
    /// reported.
    #[arg(long)]
    pub drop_bad_rows: bool,
    /// Output folder [default: output/fit_<file name>].
    #[arg(long, short = 'o')]
    pub out: Option<PathBuf>,
    /// Write no charts.
    #[arg(long)]
    pub no_report: bool,
    /// Print nothing but errors.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

/// `carepath fit arrivals`.
#[derive(Debug, Args)]
pub struct ArrivalArgs {
    #[command(flatten)]
    pub common: FitCommon,
    /// Column of arrival dates and times (2025-03-04 08:15, or 04/03/2025 08:15).
    #[arg(long, value_name = "COLUMN")]
    pub time_column: String,
    /// First day to count, YYYY-MM-DD [default: the first arrival's day].
    #[arg(long, value_parser = fitting::parse_date)]
    pub from: Option<jiff::civil::Date>,
    /// Last day to count (included), YYYY-MM-DD [default: the last arrival's day].
    #[arg(long, value_parser = fitting::parse_date)]
    pub to: Option<jiff::civil::Date>,
    /// The pathway the written sources feed.
    #[arg(long, default_value = "main")]
    pub pathway: String,
}

/// `carepath fit durations`.
#[derive(Debug, Args)]
pub struct DurationArgs {
    #[command(flatten)]
    pub common: FitCommon,
    /// Column of durations (plain numbers in --unit).
    #[arg(long, value_name = "COLUMN")]
    pub column: String,
    /// Unit of the durations: h (hours) or d (days).
    #[arg(long, default_value = "h", value_parser = ["h", "d"])]
    pub unit: String,
    /// Column that is 1 (or yes, true) for a stay still in progress at the extract date:
    /// its duration so far is a lower bound (right-censored).
    #[arg(long, value_name = "COLUMN")]
    pub censored_column: Option<String>,
    /// Parametric-bootstrap samples for the KS p-values (0: the asymptotic p-value).
    #[arg(long, default_value_t = 99)]
    pub bootstrap: usize,
}

/// Runs a `fit` command.
pub fn fit(command: &FitCommand) -> Result<()> {
    match command {
        FitCommand::Arrivals(args) => arrivals(args),
        FitCommand::Durations(args) => durations(args),
    }
}

fn out_folder(common: &FitCommon) -> PathBuf {
    common.out.clone().unwrap_or_else(|| {
        let stem = common
            .file
            .file_stem()
            .map_or("extract".to_string(), |s| s.to_string_lossy().into_owned());
        Path::new("output").join(format!("fit_{}", source_name(&stem, Some("extract"))))
    })
}

/// A group in words for chart titles: `source gp`, or `all rows` without `--group-by`.
fn group_words(common: &FitCommon, group: &str) -> String {
    match &common.group_by {
        Some(column) => format!("{column} {group}"),
        None => "all rows".to_string(),
    }
}

fn csv_bytes(rows: &[Vec<String>]) -> Result<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(row)?;
    }
    Ok(writer.into_inner().map_err(|e| e.into_error())?)
}

fn arrivals(args: &ArrivalArgs) -> Result<()> {
    let extract = Extract::read(&args.common.file)?;
    let input = fitting::read_arrivals(
        &extract,
        &ArrivalOptions {
            time_column: args.time_column.clone(),
            group_by: args.common.group_by.clone(),
            from: args.from,
            to: args.to,
            drop_bad_rows: args.common.drop_bad_rows,
        },
    )?;
    let folder = out_folder(&args.common);
    let set = OutputSet::prepare(&folder, std::slice::from_ref(&args.common.file))?;
    let mut toml = format!(
        "# {}\n# Arrivals fitted from {} ({} rows; rows left out: {}).\n# Paste into a scenario; `pathway` names the pathway the referrals enter.\n\n",
        super::command_line(),
        extract.shown,
        extract.len(),
        input.dropped.words()
    );
    let mut rows = vec![
        ["group", "quantity", "index", "value", "low95", "high95"]
            .map(String::from)
            .to_vec(),
    ];
    let mut specs = Vec::new();
    let mut notes = Vec::new();
    for (group, times) in &input.groups {
        let name = source_name(group, args.common.group_by.as_deref());
        let fit = match carepath::fit::arrivals::fit(times, input.from, input.to) {
            Ok(fit) => fit,
            Err(e) => {
                return Err(extract
                    .header_error(
                        format!("cannot fit group `{group}`: {e}"),
                        "widen --from/--to, or group by a coarser column",
                    )
                    .into());
            }
        };
        toml.push_str(&arrivals_toml(&name, &fit, &args.pathway));
        toml.push('\n');
        let mut row = |quantity: &str, index: String, i: (f64, f64, f64)| {
            rows.push(vec![
                group.clone(),
                quantity.to_string(),
                index,
                i.0.to_string(),
                if i.1.is_finite() {
                    i.1.to_string()
                } else {
                    String::new()
                },
                if i.2.is_finite() {
                    i.2.to_string()
                } else {
                    String::new()
                },
            ]);
        };
        let p = fit.per_day;
        row(
            "arrivals",
            String::new(),
            (fit.arrivals as f64, f64::NAN, f64::NAN),
        );
        row("days", String::new(), (fit.days as f64, f64::NAN, f64::NAN));
        row("per_day", String::new(), (p.value, p.low, p.high));
        for (h, s) in fit.hour_share.iter().enumerate() {
            row("hour_share", h.to_string(), (s.value, s.low, s.high));
        }
        for (d, r) in fit.weekday_rate.iter().enumerate() {
            row(
                "weekday_per_day",
                (d + 1).to_string(),
                (r.value, r.low, r.high),
            );
        }
        for (d, w) in fit.day_profile.iter().enumerate() {
            row("day_profile", (d + 1).to_string(), (*w, f64::NAN, f64::NAN));
        }
        if let Some(g) = fit.growth_per_year {
            row("growth_per_year", String::new(), (g.value, g.low, g.high));
        }
        if let Some(m) = fit.month_profile {
            for (i, w) in m.iter().enumerate() {
                row(
                    "month_profile",
                    (i + 1).to_string(),
                    (*w, f64::NAN, f64::NAN),
                );
            }
        }
        if let Some(t) = fit.weekday_test {
            row(
                "weekday_test_chi_square",
                String::new(),
                (t.chi_square, f64::NAN, f64::NAN),
            );
            row("weekday_test_df", String::new(), (t.df, f64::NAN, f64::NAN));
            row(
                "weekday_test_p",
                String::new(),
                (t.p_value, f64::NAN, f64::NAN),
            );
        }
        for (s, c) in fit.counts.iter().enumerate() {
            row(
                "count_by_hour_of_week",
                s.to_string(),
                (*c as f64, f64::NAN, f64::NAN),
            );
        }
        notes.push(format!(
            "  {group}: {} arrivals in {} days, per_day {} (95% CI {} to {}){}",
            fit.arrivals,
            fit.days,
            sig(p.value),
            sig(p.low),
            sig(p.high),
            if fit.weekday_test.is_some_and(|t| t.differs()) {
                "; hour profile differs by weekday"
            } else {
                ""
            }
        ));
        specs.push(carepath::fit::charts::arrivals_chart(
            &format!("arrivals_{name}"),
            &group_words(&args.common, group),
            &fit,
        ));
    }
    finish(
        &args.common,
        set,
        &folder,
        &toml,
        &rows,
        &specs,
        &input.dropped,
        &notes,
    )
}

fn durations(args: &DurationArgs) -> Result<()> {
    let extract = Extract::read(&args.common.file)?;
    let input = fitting::read_durations(
        &extract,
        &DurationOptions {
            column: args.column.clone(),
            unit: args.unit.clone(),
            group_by: args.common.group_by.clone(),
            censored_column: args.censored_column.clone(),
            drop_bad_rows: args.common.drop_bad_rows,
        },
    )?;
    if input.groups.is_empty() {
        return Err(extract
            .header_error(
                format!(
                    "no durations are left to fit (rows left out: {})",
                    input.dropped.words()
                ),
                "check the column and the rows left out",
            )
            .into());
    }
    let folder = out_folder(&args.common);
    let set = OutputSet::prepare(&folder, std::slice::from_ref(&args.common.file))?;
    let mut toml = format!(
        "# {}\n# Durations fitted from {} ({} rows; rows left out: {}), in {}.\n# Paste the distribution after `=` as a step's `duration` (or a handoff's `processing`).\n\n",
        super::command_line(),
        extract.shown,
        extract.len(),
        input.dropped.words(),
        if args.unit == "d" { "days" } else { "hours" }
    );
    let mut rows = vec![
        [
            "group",
            "rank",
            "family",
            "parameters",
            "mean",
            "sd",
            "log_likelihood",
            "aic",
            "delta_aic",
            "ks",
            "p_value",
            "p_value_method",
            "n",
            "censored",
            "unit",
        ]
        .map(String::from)
        .to_vec(),
    ];
    let mut specs = Vec::new();
    let mut notes = Vec::new();
    let mut methods: Vec<String> = Vec::new();
    for (index, (group, data)) in input.groups.iter().enumerate() {
        let fit = durations::fit(data, args.bootstrap, 2026 + index as u64).map_err(|e| {
            extract.header_error(
                format!("cannot fit group `{group}`: {e}"),
                "leave out --group-by or group by a coarser column, or check the rows left out",
            )
        })?;
        let name = format!(
            "{}_duration",
            source_name(group, args.common.group_by.as_deref())
        );
        toml.push_str(&durations_toml(&name, &fit, &args.unit));
        toml.push('\n');
        let best_aic = fit.fits[0].aic;
        for (rank, f) in fit.fits.iter().enumerate() {
            rows.push(vec![
                group.clone(),
                (rank + 1).to_string(),
                f.family.name().to_string(),
                f.family.parameter_words(),
                f.family.mean().to_string(),
                f.family.sd().to_string(),
                f.log_likelihood.to_string(),
                f.aic.to_string(),
                (f.aic - best_aic).to_string(),
                f.ks.to_string(),
                f.p_value.map_or(String::new(), |p| p.to_string()),
                fit.p_value.words(),
                fit.n.to_string(),
                fit.censored.to_string(),
                args.unit.clone(),
            ]);
        }
        if !methods.contains(&fit.p_value.words()) {
            methods.push(fit.p_value.words());
        }
        let best = &fit.fits[0];
        notes.push(format!(
            "  {group}: {} durations ({} censored); best by AIC {} (mean {} {unit}, sd {} {unit}){}",
            fit.n,
            fit.censored,
            best.family.name(),
            sig(best.family.mean()),
            sig(best.family.sd()),
            best.p_value.map_or(String::new(), |p| format!(", KS p = {}", sig(p))),
            unit = args.unit
        ));
        let completed: Vec<f64> = data
            .iter()
            .filter(|o| !o.censored)
            .map(|o| o.value)
            .collect();
        specs.push(carepath::fit::charts::durations_chart(
            &format!(
                "durations_{}",
                source_name(group, args.common.group_by.as_deref())
            ),
            &group_words(&args.common, group),
            &args.unit,
            &fit,
            &completed,
        ));
    }
    methods.dedup();
    for method in methods {
        notes.push(format!("  KS p-values: {method}."));
    }
    finish(
        &args.common,
        set,
        &folder,
        &toml,
        &rows,
        &specs,
        &input.dropped,
        &notes,
    )
}

/// Writes fit.toml, fit.csv and the charts, commits the set and prints the summary.
#[allow(clippy::too_many_arguments)]
fn finish(
    common: &FitCommon,
    set: OutputSet,
    folder: &Path,
    toml: &str,
    rows: &[Vec<String>],
    specs: &[carepath::report::spec::ChartSpec],
    dropped: &carepath::fit::extract::Dropped,
    notes: &[String],
) -> Result<()> {
    write_atomic(&set.dir().join("fit.toml"), toml.as_bytes())?;
    write_atomic(&set.dir().join("fit.csv"), &csv_bytes(rows)?)?;
    let charts = if common.no_report || specs.is_empty() {
        0
    } else {
        let footnote = format!(
            "Fitted from {} · carepath {}",
            common.file.display(),
            env!("CARGO_PKG_VERSION")
        );
        let rendered = render_all(specs, &footnote)?;
        write_charts(set.dir(), &rendered)?;
        rendered.len()
    };
    set.commit()?;
    if common.quiet {
        return Ok(());
    }
    print_unwrapped(toml.trim_end())?;
    outln!("");
    for note in notes {
        outln!("{note}");
    }
    outln!("Rows left out: {}.", dropped.words());
    outln!(
        "Wrote {}/fit.toml (the text above), fit.csv (every estimate with its 95% interval){}.",
        folder.display(),
        if charts > 0 {
            format!(
                " and {charts} chart{} in charts/",
                if charts == 1 { "" } else { "s" }
            )
        } else {
            String::new()
        }
    );
    Ok(())
}

/// Prints `text` as it is (TOML to paste must not be wrapped like the console's prose).
fn print_unwrapped(text: &str) -> Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            Err(super::console::PipeClosed.into())
        }
        Err(e) => Err(e.into()),
    }
}
