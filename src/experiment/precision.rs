//! Choosing the number of replications: run in batches until every chosen figure's 95%
//! confidence interval is narrow enough, with a cap. Replications are numbered in order,
//! so the same seed always stops at the same count.

use indicatif::ProgressBar;

use super::runner::{RunError, RunOutcome, run_more};
use crate::model::ReplicationResult;
use crate::model::scenario::Scenario;

/// The outcome of a run to a target precision.
#[derive(Debug, Clone)]
pub struct PrecisionOutcome {
    /// Every replication run, in order.
    pub outcome: RunOutcome,
    /// Whether every chosen figure reached the target before the cap.
    pub reached: bool,
    /// The chosen figures' relative half-widths at the end (half-width / |mean|).
    pub relative_half_widths: Vec<(String, f64)>,
}

/// The fewest replications a run to a precision stops at (unless its cap is lower). A
/// standard deviation from two or three replications is itself too uncertain to stop on, and
/// a count can come out equal in a few replications by chance, giving an interval of zero
/// width: two equal replications once ended a run as "precise". Ten is this project's choice,
/// not a published figure.
pub const MIN_REPLICATIONS: u32 = 10;

/// Runs `scenario` in batches of `batch` replications until the 95% CI half-width of every
/// metric in `metrics` (the unclipped t x sd / sqrt(n), [`super::statistics::MetricSummary::half_width`]: a
/// clipped interval is narrower only because it was clipped, not because the figure is more
/// precise) is at most `precision` (a fraction) of its mean, or `cap` replications
/// have run; never stopping for precision before [`MIN_REPLICATIONS`] (or `cap`, if fewer)
/// have run. A figure whose mean and interval are both zero counts as precise; one with no
/// value in any replication so far (nothing observed) does not. Each finished replication is
/// handed to `each` in replication order (to be written out) and kept only in running sums.
///
/// # Errors
/// As [`run_more`].
#[allow(clippy::too_many_arguments)]
pub fn run_to_precision(
    scenario: &Scenario,
    metrics: &[String],
    precision: f64,
    batch: u32,
    cap: u32,
    threads: usize,
    progress: &ProgressBar,
    mut each: impl FnMut(&ReplicationResult) -> Result<(), RunError>,
) -> Result<PrecisionOutcome, RunError> {
    let batch = batch.max(2);
    let mut outcome = RunOutcome::empty(scenario);
    loop {
        let done = outcome.replications() as u32;
        let count = batch.min(cap - done);
        run_more(
            scenario,
            done,
            count,
            threads,
            progress,
            &mut outcome,
            &mut each,
        )?;
        let summary = outcome.summary();
        let relative_half_widths: Vec<(String, f64)> = metrics
            .iter()
            .map(|name| {
                let relative =
                    summary
                        .iter()
                        .find(|m| &m.metric == name)
                        .map_or(f64::INFINITY, |m| {
                            let half = m.half_width;
                            if m.replications == 0 {
                                f64::INFINITY
                            } else if half == 0.0 {
                                0.0
                            } else {
                                half / m.mean.abs()
                            }
                        });
                (name.clone(), relative)
            })
            .collect();
        let enough = outcome.replications() as u32 >= MIN_REPLICATIONS.min(cap);
        let reached = enough && relative_half_widths.iter().all(|(_, r)| *r <= precision);
        if reached || outcome.replications() as u32 >= cap {
            return Ok(PrecisionOutcome {
                outcome,
                reached,
                relative_half_widths,
            });
        }
    }
}
