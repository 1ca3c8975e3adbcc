//! Runs the replications of one or more designs in parallel and hands them on in
//! replication order, to be written and summarised as they finish.
//!
//! Memory stays flat in the replication count: replications run in chunks of a few per
//! thread (the reorder buffer); as each chunk finishes, its results are passed, in
//! replication order, to the caller (who writes them to `replications.csv`, say) and folded
//! into running sums (the summary of each metric, and the curves: hour-of-week levels, wait
//! percentiles), then dropped. Nothing is kept per replication.

use indicatif::ProgressBar;
use rayon::prelude::*;
use thiserror::Error;

use super::curves::Curves;
use super::output::OutputError;
use super::statistics::{MetricSummary, SummarySums};
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
    /// A finished replication could not be written out.
    #[error(transparent)]
    Write(#[from] OutputError),
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker threads: {message}")]
    Threads {
        /// Threads asked for.
        threads: usize,
        /// The system's reason.
        message: String,
    },
}

/// Replications run at once between two reductions, per thread: enough to keep every
/// thread busy, few enough that the results waiting to be reduced take little memory.
const CHUNK_PER_THREAD: usize = 16;

/// What a run keeps of its replications: running sums, the same whatever the thread count.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The summary of every metric, as running sums over the replications so far.
    pub sums: SummarySums,
    /// The curves of every replication, as running sums.
    pub curves: Curves,
    /// Events processed across all replications.
    pub events: u64,
}

impl RunOutcome {
    /// An outcome with no replications yet.
    pub fn empty(scenario: &Scenario) -> Self {
        RunOutcome {
            sums: SummarySums::for_scenario(scenario),
            curves: Curves::new(scenario),
            events: 0,
        }
    }

    /// Replications added so far.
    pub fn replications(&self) -> usize {
        self.sums.replications()
    }

    /// The summary of every metric, as in `summary.csv`.
    pub fn summary(&self) -> Vec<MetricSummary> {
        self.sums.summary()
    }

    /// Adds one finished replication to the running sums; replications must be added in
    /// replication order.
    pub fn add(&mut self, result: &ReplicationResult) {
        self.sums.add(result);
        self.curves.add(result);
        self.events += result.events;
    }
}

/// Runs replications `first..first + count` of `scenario` on `threads` threads (0 = one per
/// core), ticking `progress` once per finished replication. The summary and curves are
/// reduced in replication order whatever the thread count, so every figure is identical for
/// any `threads`.
pub fn run_scenario(
    scenario: &Scenario,
    first: u32,
    count: u32,
    threads: usize,
    progress: &ProgressBar,
) -> Result<RunOutcome, RunError> {
    let mut outcome = RunOutcome::empty(scenario);
    run_more(
        scenario,
        first,
        count,
        threads,
        progress,
        &mut outcome,
        |_| Ok(()),
    )?;
    Ok(outcome)
}

/// Like [`run_scenario`], adding the replications to `outcome` (which must come from the
/// same scenario, with the replications before `first`), and handing each finished
/// replication to `each` (in replication order, before it is added) to write it out.
///
/// # Errors
/// The first failing replication in replication order, or the first error of `each`.
pub fn run_more(
    scenario: &Scenario,
    first: u32,
    count: u32,
    threads: usize,
    progress: &ProgressBar,
    outcome: &mut RunOutcome,
    mut each: impl FnMut(&ReplicationResult) -> Result<(), RunError>,
) -> Result<(), RunError> {
    run_designs(&[scenario], first, count, threads, progress, |results| {
        each(&results[0])?;
        outcome.add(&results[0]);
        Ok(())
    })
}

/// Runs replications `first..first + count` of every design in `designs` on `threads`
/// threads (0 = one per core), ticking `progress` once per design and replication, and hands
/// each replication's results (one per design, in the order of `designs`) to `each`, in
/// replication order. At most a few replications per thread are held at once.
///
/// # Errors
/// The first failing replication in replication order (then design order), or the first
/// error of `each`; no later replication is handed on.
pub fn run_designs(
    designs: &[&Scenario],
    first: u32,
    count: u32,
    threads: usize,
    progress: &ProgressBar,
    mut each: impl FnMut(Vec<ReplicationResult>) -> Result<(), RunError>,
) -> Result<(), RunError> {
    if designs.is_empty() {
        return Ok(());
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| RunError::Threads {
            threads,
            message: e.to_string(),
        })?;
    let chunk = (pool.current_num_threads() * CHUNK_PER_THREAD / designs.len()).max(1) as u64;
    let end = u64::from(first) + u64::from(count);
    let mut start = u64::from(first);
    while start < end {
        let stop = (start + chunk).min(end);
        let tasks: Vec<(u32, usize)> = (start as u32..stop as u32)
            .flat_map(|replication| (0..designs.len()).map(move |design| (replication, design)))
            .collect();
        let results: Vec<Result<ReplicationResult, SimError>> = pool.install(|| {
            tasks
                .par_iter()
                .map(|&(replication, design)| {
                    let result = run_replication(designs[design], replication);
                    progress.inc(1);
                    result
                })
                .collect()
        });
        let mut results = results.into_iter();
        for replication in start as u32..stop as u32 {
            let finished = results
                .by_ref()
                .take(designs.len())
                .map(|result| {
                    result.map_err(|reason| RunError::Replication {
                        replication,
                        reason,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            each(finished)?;
        }
        start = stop;
    }
    Ok(())
}
