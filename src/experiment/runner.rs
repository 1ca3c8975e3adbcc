//! Runs the replications of a scenario in parallel and returns them in replication order.

use indicatif::ProgressBar;
use rayon::prelude::*;
use thiserror::Error;

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

/// The replications of one run, in replication order.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// One result per replication, replication 0 first.
    pub results: Vec<ReplicationResult>,
    /// Events processed across all replications.
    pub events: u64,
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
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RunError::Threads {
            threads,
            message: e.to_string(),
        })?;
    let results: Vec<Result<ReplicationResult, SimError>> = pool.install(|| {
        (first..first + count)
            .into_par_iter()
            .map(|replication| {
                let result = run_replication(scenario, replication);
                progress.inc(1);
                result
            })
            .collect()
    });
    let mut ordered = Vec::with_capacity(results.len());
    for (offset, result) in results.into_iter().enumerate() {
        let replication = first + offset as u32;
        ordered.push(result.map_err(|reason| RunError::Replication {
            replication,
            reason,
        })?);
    }
    let events = ordered.iter().map(|r| r.events).sum();
    Ok(RunOutcome {
        results: ordered,
        events,
    })
}
