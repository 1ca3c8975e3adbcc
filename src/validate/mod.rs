//! The engine against queueing theory: built-in cases ([`cases`]), the closed-form results
//! they are held to ([`theory`]), how a case is run and its figures read, and the rule that
//! says whether a figure agrees with theory.
//!
//! `carepath validate` and the integration tests both run these cases, so what a user can
//! check on their own machine is exactly what the test suite checks. This module knows
//! nothing of the command line or of printing.
//!
//! **The PASS rule.** A figure agrees with theory when the theoretical value lies inside the
//! figure's 95% confidence interval across replications (Student t), widened on each side by
//! the check's relative tolerance times the theoretical value:
//! `|mean - theory| <= half_width + tolerance x |theory|`. The widening allows for the
//! known bias of a finite run after a finite warm-up (each replication starts empty), which
//! more replications would not remove; a figure or theory with no value never passes.

pub mod cases;
pub mod theory;

use indicatif::ProgressBar;
use thiserror::Error;

use crate::experiment::statistics::{mean_sd_ci, observed};
use crate::experiment::{RunError, RunOutcome, run_more};
use crate::scenario::parse;

/// One built-in validation case: a model, and the figures of its run that theory predicts.
#[derive(Debug, Clone)]
pub struct Case {
    /// Short name, as `validate --only NAME` takes it (`mmc_light`).
    pub name: &'static str,
    /// What the model is and which theory it is held to, in a few words.
    pub title: &'static str,
    /// The scenario, as TOML text.
    pub scenario: String,
    /// The figures checked.
    pub checks: Vec<Check>,
}

/// One figure of a case's run and the value theory gives it.
#[derive(Debug, Clone)]
pub struct Check {
    /// The figure in words (`mean wait in queue`).
    pub label: &'static str,
    /// The metric read from each replication (`wait.queue.serve.mean`).
    pub metric: String,
    /// The metric's unit: `h`, `fraction`, or empty for a plain number.
    pub unit: &'static str,
    /// The value theory gives it.
    pub theory: Theory,
    /// Relative widening of the 95% interval allowed (see the module's PASS rule).
    pub tolerance: f64,
}

impl Check {
    /// A check of `metric` against a fixed theoretical `value`, with the cases' tolerance
    /// ([`cases::TOLERANCE`]).
    pub fn value(label: &'static str, metric: &str, unit: &'static str, value: f64) -> Self {
        Check {
            label,
            metric: metric.to_string(),
            unit,
            theory: Theory::Value(value),
            tolerance: cases::TOLERANCE,
        }
    }
}

/// Where a check's theoretical value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Theory {
    /// A closed-form value, computed before the run.
    Value(f64),
    /// Little's law, `L = lambda W`: the mean over replications of the patients who waited at
    /// each of these waiting points (`wait.P.S`) times their mean wait, summed and divided by
    /// the measured hours; for the mean queue length of the resource they wait for.
    LittlesLaw {
        /// The waiting points (`wait.P.S`) whose patients queue for the resource.
        waits: Vec<String>,
    },
}

/// A check's result: the figure across replications, the theory, and the verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckOutcome {
    /// The case's name.
    pub case: &'static str,
    /// The figure in words.
    pub label: &'static str,
    /// The metric read.
    pub metric: String,
    /// The metric's unit (`h`, `fraction`, or empty).
    pub unit: &'static str,
    /// Mean across replications; NaN if no replication had a value.
    pub mean: f64,
    /// Lower end of the 95% confidence interval of the mean.
    pub ci95_low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    pub ci95_high: f64,
    /// Replications with a value.
    pub replications: usize,
    /// The theoretical value.
    pub theory: f64,
    /// Relative widening of the interval allowed.
    pub tolerance: f64,
    /// Whether the figure agrees with theory by the PASS rule.
    pub pass: bool,
}

impl CheckOutcome {
    /// Whether the theoretical value lies inside the 95% interval itself (not widened).
    pub fn inside_ci(&self) -> bool {
        self.ci95_low <= self.theory && self.theory <= self.ci95_high
    }

    /// `|mean - theory| / |theory|`: the figure's relative error (NaN if either has no
    /// value).
    pub fn relative_error(&self) -> f64 {
        (self.mean - self.theory).abs() / self.theory.abs()
    }
}

/// The PASS rule (see the module header): `theory` within `[low, high]` widened on each side
/// by `tolerance x |theory|`. False if any value is NaN.
pub fn agrees(low: f64, high: f64, theory: f64, tolerance: f64) -> bool {
    let slack = tolerance * theory.abs();
    low - slack <= theory && theory <= high + slack
}

/// Why a case could not be run.
#[derive(Debug, Error)]
pub enum ValidateError {
    /// A built-in scenario did not load: a defect in carepath itself.
    #[error("the built-in case `{case}` does not load (a defect in carepath):\n{report}")]
    Scenario {
        /// The case.
        case: &'static str,
        /// The scenario problems, rendered.
        report: String,
    },
    /// A replication failed.
    #[error("case `{case}`: {source}")]
    Run {
        /// The case.
        case: &'static str,
        /// What went wrong.
        source: RunError,
    },
    /// A figure a check reads is not among the run's metrics: a defect in carepath itself.
    #[error("case `{case}`: the run has no metric `{metric}` (a defect in carepath)")]
    MissingMetric {
        /// The case.
        case: &'static str,
        /// The metric looked for.
        metric: String,
    },
}

/// Runs `case` on `threads` threads (0 = one per core), with every random stream seeded by
/// `seed` instead of the case's own seed if given, ticking `progress` once per replication,
/// and returns each check's outcome in the order of `case.checks`.
///
/// # Errors
/// [`ValidateError`] if the scenario does not load, a replication fails or a metric is
/// missing.
pub fn run_case(
    case: &Case,
    seed: Option<u64>,
    threads: usize,
    progress: &ProgressBar,
) -> Result<Vec<CheckOutcome>, ValidateError> {
    let loaded = parse(case.name, &case.scenario).map_err(|e| ValidateError::Scenario {
        case: case.name,
        report: e.to_string(),
    })?;
    let mut scenario = loaded.scenario;
    if let Some(seed) = seed {
        scenario.seed = seed;
    }
    let measured_hours = scenario.horizon.hours();
    // Every metric a check reads, and per replication its value there.
    let mut names: Vec<String> = Vec::new();
    for check in &case.checks {
        names.push(check.metric.clone());
        if let Theory::LittlesLaw { waits } = &check.theory {
            for wait in waits {
                names.push(format!("{wait}.waits"));
                names.push(format!("{wait}.mean"));
            }
        }
    }
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); names.len()];
    let mut missing: Option<String> = None;
    let mut outcome = RunOutcome::empty(&scenario);
    let count = scenario.replications;
    run_more(
        &scenario,
        0,
        count,
        threads,
        progress,
        &mut outcome,
        |result| {
            for (name, column) in names.iter().zip(values.iter_mut()) {
                match result.metrics.iter().find(|m| &*m.name == name.as_str()) {
                    Some(m) => column.push(m.value),
                    None => {
                        missing.get_or_insert_with(|| name.clone());
                    }
                }
            }
            Ok(())
        },
    )
    .map_err(|source| ValidateError::Run {
        case: case.name,
        source,
    })?;
    if let Some(metric) = missing {
        return Err(ValidateError::MissingMetric {
            case: case.name,
            metric,
        });
    }
    let column = |name: &str| -> &[f64] {
        names
            .iter()
            .position(|n| n == name)
            .map_or(&[], |i| values[i].as_slice())
    };
    Ok(case
        .checks
        .iter()
        .map(|check| {
            let (mean, _, ci95_low, ci95_high) =
                mean_sd_ci(&observed(column(&check.metric).iter().copied()));
            let theory = match &check.theory {
                Theory::Value(value) => *value,
                Theory::LittlesLaw { waits } => {
                    littles_law(waits, column, scenario.replications, measured_hours)
                }
            };
            CheckOutcome {
                case: case.name,
                label: check.label,
                metric: check.metric.clone(),
                unit: check.unit,
                mean,
                ci95_low,
                ci95_high,
                replications: observed(column(&check.metric).iter().copied()).len(),
                theory,
                tolerance: check.tolerance,
                pass: agrees(ci95_low, ci95_high, theory, check.tolerance),
            }
        })
        .collect())
}

/// `lambda W` of Little's law for a resource, averaged over replications: per replication,
/// the sum over `waits` of the patients who waited there times their mean wait [patient
/// hours], over `measured_hours`. A waiting point nobody reached in a replication adds
/// nothing to it (its mean wait has no value, its count is zero).
fn littles_law<'a>(
    waits: &[String],
    column: impl Fn(&str) -> &'a [f64],
    replications: u32,
    measured_hours: f64,
) -> f64 {
    let per_replication: Vec<f64> = (0..replications as usize)
        .map(|r| {
            waits
                .iter()
                .map(|w| {
                    let count = column(&format!("{w}.waits")).get(r).copied();
                    let mean = column(&format!("{w}.mean")).get(r).copied();
                    match (count, mean) {
                        (Some(0.0), _) => 0.0,
                        (Some(count), Some(mean)) => count * mean,
                        _ => f64::NAN,
                    }
                })
                .sum::<f64>()
                / measured_hours
        })
        .collect();
    per_replication.iter().sum::<f64>() / per_replication.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pass_rule_widens_the_interval_by_the_tolerance() {
        // Interval [0.98, 1.02]; tolerance 2% of theory.
        assert!(agrees(0.98, 1.02, 1.0, 0.02));
        assert!(agrees(0.98, 1.02, 1.04, 0.02)); // 1.02 + 0.0208 >= 1.04
        assert!(!agrees(0.98, 1.02, 1.05, 0.02));
        assert!(agrees(0.98, 1.02, 0.961, 0.02));
        assert!(!agrees(0.98, 1.02, 0.95, 0.02));
        // With no tolerance, exactly the interval.
        assert!(!agrees(0.98, 1.02, 1.0201, 0.0));
        // No value never passes.
        assert!(!agrees(f64::NAN, f64::NAN, 1.0, 0.02));
        assert!(!agrees(0.98, 1.02, f64::NAN, 0.02));
    }

    #[test]
    fn every_case_has_a_unique_name_listed_in_order() {
        let all = cases::all(cases::Scale::Quick);
        let names: Vec<&str> = all.iter().map(|c| c.name).collect();
        assert_eq!(names, cases::NAMES);
        for name in cases::NAMES {
            assert_eq!(
                cases::by_name(name, cases::Scale::Full).map(|c| c.name),
                Some(name)
            );
        }
        assert!(cases::by_name("nonsense", cases::Scale::Full).is_none());
    }

    #[test]
    fn every_case_loads_and_every_theory_value_is_finite() {
        for case in cases::all(cases::Scale::Full) {
            parse(case.name, &case.scenario)
                .unwrap_or_else(|e| panic!("{} does not load:\n{e}", case.name));
            for check in &case.checks {
                if let Theory::Value(v) = check.theory {
                    assert!(v.is_finite() && v > 0.0, "{}: {}", case.name, check.label);
                }
            }
        }
    }
}
