//! `trace.csv`: the patient-level trace of chosen replications, streamed to a file in an
//! output set's staging folder (so it is swapped in with the rest of the set, or not at all).
//!
//! The traced replications are run again here, one after another in replication order, each
//! writing its rows as it goes: a replication is a pure function of (scenario, replication),
//! so its rows are the same whichever thread count ran the figures, and the same as when it
//! is traced alone. Memory does not grow with the run: only the writer's buffer is kept.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::model::scenario::Scenario;
use crate::model::{SimError, TRACE_HEADER, TracedRunError, run_replication_traced};

/// The trace's file name in an output folder.
pub const TRACE_FILE: &str = "trace.csv";

/// Why the trace could not be written.
#[derive(Debug, Error)]
pub enum TraceError {
    /// The file could not be created or written (a full disk, say).
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// A traced replication stopped (it would have stopped the run before).
    #[error("replication {replication} stopped: {reason}")]
    Replication {
        /// The replication.
        replication: u32,
        /// What went wrong.
        reason: SimError,
    },
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceWritten {
    /// The file.
    pub path: PathBuf,
    /// Its size [bytes].
    pub bytes: u64,
}

/// Writes `folder/trace.csv`: the header, then the rows of each replication in
/// `replications` (sorted, each once), and syncs it to disk.
///
/// # Errors
/// [`TraceError::Io`] if the file cannot be written; [`TraceError::Replication`] if a traced
/// replication stops.
pub fn write_trace(
    scenario: &Scenario,
    replications: &[u32],
    folder: &Path,
) -> Result<TraceWritten, TraceError> {
    let path = folder.join(TRACE_FILE);
    let io = |source| TraceError::Io {
        path: path.clone(),
        source,
    };
    let file = File::create(&path).map_err(io)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    write_rows(scenario, replications, &mut out).map_err(|e| match e {
        TraceFailure::Io(source) => io(source),
        TraceFailure::Replication(replication, reason) => TraceError::Replication {
            replication,
            reason,
        },
    })?;
    let file = out.into_inner().map_err(|e| io(e.into_error()))?;
    file.sync_all().map_err(io)?;
    let bytes = file.metadata().map_err(io)?.len();
    Ok(TraceWritten { path, bytes })
}

/// Why writing rows failed.
enum TraceFailure {
    Io(std::io::Error),
    Replication(u32, SimError),
}

/// Writes the header and the rows of `replications` (sorted, each once) to `out`.
fn write_rows(
    scenario: &Scenario,
    replications: &[u32],
    out: &mut dyn Write,
) -> Result<(), TraceFailure> {
    let mut order = replications.to_vec();
    order.sort_unstable();
    order.dedup();
    out.write_all(TRACE_HEADER.as_bytes())
        .map_err(TraceFailure::Io)?;
    for replication in order {
        run_replication_traced(scenario, replication, out).map_err(|e| match e {
            TracedRunError::Simulation(reason) => TraceFailure::Replication(replication, reason),
            TracedRunError::Write(source) => TraceFailure::Io(source),
        })?;
    }
    Ok(())
}

/// The trace of `replications` as bytes, header included: what [`write_trace`] writes, for
/// tests and small runs.
///
/// # Errors
/// [`TraceError::Replication`] if a traced replication stops.
pub fn trace_bytes(scenario: &Scenario, replications: &[u32]) -> Result<Vec<u8>, TraceError> {
    let mut bytes = Vec::new();
    write_rows(scenario, replications, &mut bytes).map_err(|e| match e {
        TraceFailure::Io(source) => TraceError::Io {
            path: PathBuf::from("memory"),
            source,
        },
        TraceFailure::Replication(replication, reason) => TraceError::Replication {
            replication,
            reason,
        },
    })?;
    Ok(bytes)
}
