//! `carepath validate`: runs the built-in queueing-theory cases ([`carepath::validate`]),
//! prints every figure with its 95% interval, the theoretical value and PASS or FAIL, says
//! how long it took, and fails (exit status 1) if any check fails.

use std::time::Instant;

use anyhow::{Result, bail};
use carepath::validate::cases::{self, NAMES, Scale, TOLERANCE};
use carepath::validate::{Case, CheckOutcome, Theory, run_case};
use clap::builder::PossibleValuesParser;

use super::table::{Align, columns};

/// Options of `carepath validate`.
#[derive(Debug, clap::Args)]
pub struct ValidateArgs {
    /// Run each case for a fifth of its length: about five times faster, intervals about
    /// twice as wide (the same rule decides PASS).
    #[arg(long)]
    pub quick: bool,
    /// Run only this case (repeatable).
    #[arg(long, value_name = "NAME", value_parser = PossibleValuesParser::new(NAMES))]
    pub only: Vec<String>,
    /// Seed every case's random streams with this instead of the case's own seed.
    #[arg(long, short = 's', value_parser = clap::value_parser!(u64).range(0..=i64::MAX as u64))]
    pub seed: Option<u64>,
    /// Worker threads; 0 means one per core, at most 256. Never changes the results.
    #[arg(long, short = 't', default_value_t = 0)]
    pub threads: usize,
    /// Print no progress bar.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Multiply every closed-form theoretical value by this factor before comparing: a
    /// self-test that shows a wrong theory fails (used by the test suite).
    #[arg(long, hide = true, value_name = "FACTOR")]
    pub misstate_theory: Option<f64>,
}

/// Runs the chosen cases and prints the table; an error if any check fails.
pub fn validate(args: &ValidateArgs) -> Result<()> {
    let started = Instant::now();
    let scale = if args.quick {
        Scale::Quick
    } else {
        Scale::Full
    };
    let mut chosen: Vec<Case> = if args.only.is_empty() {
        cases::all(scale)
    } else {
        NAMES
            .iter()
            .filter(|name| args.only.iter().any(|o| o == *name))
            .filter_map(|name| cases::by_name(name, scale))
            .collect()
    };
    if let Some(factor) = args.misstate_theory {
        for check in chosen.iter_mut().flat_map(|c| c.checks.iter_mut()) {
            if let Theory::Value(value) = &mut check.theory {
                *value *= factor;
            }
        }
    }
    let threads = if args.threads == 0 {
        rayon::current_num_threads()
    } else {
        args.threads.min(super::MAX_THREADS)
    };
    outln!(
        "carepath validate: {} case{} against queueing theory, {} length, {threads} thread{}.",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" },
        if args.quick {
            "quick (a fifth)"
        } else {
            "full"
        },
        if threads == 1 { "" } else { "s" },
    );
    outln!(
        "PASS: the theoretical value lies inside the 95% interval of the mean over replications,\n\
         widened on each side by {:.0}% of the theoretical value (the bias of a finite run).",
        TOLERANCE * 100.0
    );
    outln!("");
    let mut outcomes: Vec<(&Case, Vec<CheckOutcome>, f64)> = Vec::new();
    for case in &chosen {
        let case_started = Instant::now();
        let replications = carepath::scenario::parse(case.name, &case.scenario)
            .map(|l| u64::from(l.scenario.replications))
            .unwrap_or(0);
        let bar = super::progress_bar(args.quiet, replications, case.name);
        let checks = run_case(case, args.seed, threads, &bar)?;
        bar.finish_and_clear();
        outcomes.push((case, checks, case_started.elapsed().as_secs_f64()));
    }
    outln!("{}", table(&outcomes));
    let all: Vec<&CheckOutcome> = outcomes.iter().flat_map(|(_, c, _)| c).collect();
    let failed = all.iter().filter(|c| !c.pass).count();
    outln!(
        "\n{} of {} checks passed. Took {:.1} s ({:.1} s of CPU time in user code).",
        all.len() - failed,
        all.len(),
        started.elapsed().as_secs_f64(),
        user_cpu_seconds()
    );
    if failed > 0 {
        bail!(
            "{failed} of {} checks FAILED: the engine disagrees with queueing theory beyond the \
             stated rule. Please report it with the output above.",
            all.len()
        );
    }
    Ok(())
}

/// The table: a heading line per case, then one row per check.
fn table(outcomes: &[(&Case, Vec<CheckOutcome>, f64)]) -> String {
    let mut rows = vec![
        [
            "  figure",
            "mean",
            "95% interval",
            "",
            "",
            "theory",
            "result",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for (_, checks, _) in outcomes {
        for c in checks {
            let interval = if c.ci95_low.is_finite() && c.ci95_high.is_finite() {
                [
                    number(c.ci95_low, c.unit),
                    "to".into(),
                    number(c.ci95_high, c.unit),
                ]
            } else {
                ["no interval".into(), String::new(), String::new()]
            };
            rows.push(vec![
                format!("  {}", c.label),
                number(c.mean, c.unit),
                interval[0].clone(),
                interval[1].clone(),
                interval[2].clone(),
                number(c.theory, c.unit),
                if c.pass { "PASS" } else { "FAIL" }.into(),
            ]);
        }
    }
    let align = [
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Left,
    ];
    let text = columns(&rows, &align, 0);
    let mut lines = text.lines();
    let mut out = vec![lines.next().unwrap_or_default().to_string()];
    for (case, checks, seconds) in outcomes {
        out.push(format!("{}: {} ({seconds:.1} s)", case.name, case.title));
        out.extend(lines.by_ref().take(checks.len()).map(str::to_string));
    }
    out.join("\n")
}

/// `value` to four significant figures, shares as per cent with the unit `h` after hours;
/// no value as "no value".
fn number(value: f64, unit: &str) -> String {
    if !value.is_finite() {
        return "no value".into();
    }
    let (value, suffix) = match unit {
        "fraction" => (value * 100.0, "%"),
        "h" => (value, " h"),
        _ => (value, ""),
    };
    let magnitude = if value == 0.0 {
        0
    } else {
        value.abs().log10().floor() as i32
    };
    let decimals = (3 - magnitude).clamp(0, 8) as usize;
    format!("{value:.decimals$}{suffix}")
}

/// User CPU time of this process so far [seconds], all threads; NaN where not available.
fn user_cpu_seconds() -> f64 {
    #[cfg(unix)]
    {
        // SAFETY: getrusage only writes the struct it is given.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) } == 0 {
            return usage.ru_utime.tv_sec as f64 + usage.ru_utime.tv_usec as f64 / 1e6;
        }
    }
    f64::NAN
}
