//! Runs the replications of a scenario in parallel and returns them in replication order.
//!
//! Memory stays flat in the replication count: replications run in chunks; as each chunk
//! finishes, its curves (hour-of-week levels, wait percentiles) are added to running sums in
//! replication order and dropped, and its metric names are replaced by the run's one shared
//! copy, so that a replication keeps only its metric values.

use std::sync::Arc;

use indicatif::ProgressBar;
use rayon::prelude::*;
use thiserror::Error;

use super::curves::Curves;
use crate::model::scenario::Scenario;
use crate::model::{ReplicationResult, SimError, run_replication};

/// Why a run failed.
#[derive(Debug, Error)]
pub enum RunError {
    /// A replication hit a fault in the scenario's logic; no outputs were written.
    #[error("replication {replication} stopped: {reason}")]
    Replication {
        /// The replication that failed first (in replication order).
        replication: u32,
        /// What went wrong.
        reason: SimError,
    },
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The system's reason.
        message: String,
    },
}

/// Replications run at once between two reductions: enough to keep every thread busy,
/// few enough that their curves take little memory.
const CHUNK_PER_THREAD: usize = 16;

/// The replications of one run, in replication order.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// One result per replication, replication 0 first: its metrics, with the curves
    /// (`by_hour`, `waits`) already reduced into `curves` and emptied.
    pub results: Vec<ReplicationResult>,
    /// The curves of every replication, as running sums.
    pub curves: Curves,
    /// Events processed across all replications.
    pub events: u64,
}

impl RunOutcome {
    /// An outcome with no replications yet.
    pub fn empty(scenario: &Scenario) -> Self {
        RunOutcome {
            results: Vec::new(),
            curves: Curves::new(scenario),
            events: 0,
        }
    }
}

/// Runs replications `first..first + count` of `scenario` on `threads` threads (0 = one per
/// core), ticking `progress` once per finished replication. Results are in replication order
/// whatever the thread count, so every figure is identical for any `threads`.
pub fn run_scenario(
    scenario: &Scenario,
    first: u32,
    count: u32,
    threads: usize,
    progress: &ProgressBar,
) -> Result<RunOutcome, RunError> {
    let mut outcome = RunOutcome::empty(scenario);
    run_more(scenario, first, count, threads, progress, &mut outcome)?;
    Ok(outcome)
}

/// Like [`run_scenario`], adding the replications to `outcome` (which must come from the
/// same scenario, with the replications before `first`).
pub fn run_more(
    scenario: &Scenario,
    first: u32,
    count: u32,
    threads: usize,
    progress: &ProgressBar,
    outcome: &mut RunOutcome,
) -> Result<(), RunError> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RunError::Threads {
            threads,
            message: e.to_string(),
        })?;
    let chunk = (pool.current_num_threads() * CHUNK_PER_THREAD).max(1) as u64;
    let end = u64::from(first) + u64::from(count);
    let mut names: Option<Arc<[Arc<str>]>> = outcome.results.first().map(|r| {
        r.metrics
            .iter()
            .map(|m| m.name.clone())
            .collect::<Vec<_>>()
            .into()
    });
    let mut start = u64::from(first);
    while start < end {
        let stop = (start + chunk).min(end);
        let results: Vec<Result<ReplicationResult, SimError>> = pool.install(|| {
            (start as u32..stop as u32)
                .into_par_iter()
                .map(|replication| {
                    let result = run_replication(scenario, replication);
                    progress.inc(1);
                    result
                })
                .collect()
        });
        outcome.results.reserve(results.len());
        for (offset, result) in results.into_iter().enumerate() {
            let replication = start as u32 + offset as u32;
            let mut result = result.map_err(|reason| RunError::Replication {
                replication,
                reason,
            })?;
            outcome.curves.add(&result);
            result.by_hour = Vec::new();
            result.waits = Vec::new();
            let shared = names.get_or_insert_with(|| {
                result
                    .metrics
                    .iter()
                    .map(|m| m.name.clone())
                    .collect::<Vec<_>>()
                    .into()
            });
            result.share_names(shared);
            result.metrics.shrink_to_fit();
            outcome.events += result.events;
            outcome.results.push(result);
        }
        start = stop;
    }
    Ok(())
}
