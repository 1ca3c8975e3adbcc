//! `curves.txt`: what a shard keeps of each replication beyond its figures, so that `merge`
//! can draw the same charts as one run of all replications: each resource's levels by hour
//! of the week and each waiting point's waits (see [`crate::model::ReplicationResult`]).
//!
//! Written only by `run --shard`, one replication after another as they finish (memory
//! stays flat); read back by `merge` one replication at a time, in step with
//! `replications.csv`. One line per curve:
//!
//! ```text
//! <replication> busy|available|waiting <resource index> <168 values>
//! <replication> served <waiting point index> <served share> <101 percentiles, or none>
//! ```
//!
//! Values are written in Rust's shortest form that reads back to the same number (`NaN`
//! and `inf` as such), so the merged curves, and the charts drawn from them, are exactly
//! those of one run.

use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use super::output::{AtomicFile, OutputError};
use crate::model::ReplicationResult;
use crate::model::metrics::{ResourceWeek, WaitCurve};

/// The file name in a shard's folder.
pub const CURVES_FILE: &str = "curves.txt";

/// The first line of the file.
const HEADER: &str = "# carepath shard curves 1: replication, curve, index, values";

/// `curves.txt` being written.
pub struct CurvesWriter {
    path: PathBuf,
    out: AtomicFile,
}

impl CurvesWriter {
    /// Starts `curves.txt` in `folder`.
    ///
    /// # Errors
    /// [`OutputError::Io`] when the file cannot be created.
    pub fn create(folder: &Path) -> Result<Self, OutputError> {
        let path = folder.join(CURVES_FILE);
        let mut out = AtomicFile::create(&path)?;
        writeln!(out, "{HEADER}").map_err(|source| OutputError::Io {
            path: path.clone(),
            source,
        })?;
        Ok(CurvesWriter { path, out })
    }

    /// Writes one replication's curves; replications must come in replication order.
    ///
    /// # Errors
    /// [`OutputError::Io`] when the file cannot be written.
    pub fn add(&mut self, result: &ReplicationResult) -> Result<(), OutputError> {
        let r = result.replication;
        let mut line = String::new();
        let mut emit = |line: &mut String| -> Result<(), OutputError> {
            line.push('\n');
            self.out
                .write_all(line.as_bytes())
                .map_err(|source| OutputError::Io {
                    path: self.path.clone(),
                    source,
                })?;
            line.clear();
            Ok(())
        };
        for (i, week) in result.by_hour.iter().enumerate() {
            for (kind, values) in [
                ("busy", &week.busy),
                ("available", &week.available),
                ("waiting", &week.waiting),
            ] {
                line.push_str(&format!("{r} {kind} {i}"));
                for v in values {
                    line.push_str(&format!(" {v}"));
                }
                emit(&mut line)?;
            }
        }
        for (i, wait) in result.waits.iter().enumerate() {
            line.push_str(&format!("{r} served {i} {}", wait.served_share));
            for v in &wait.served_percentiles {
                line.push_str(&format!(" {v}"));
            }
            emit(&mut line)?;
        }
        Ok(())
    }

    /// Finishes the file: flushed, synced and renamed into place.
    ///
    /// # Errors
    /// [`OutputError::Io`] when the file cannot be written.
    pub fn finish(self) -> Result<(), OutputError> {
        self.out.finish()
    }
}

/// `curves.txt` being read, one replication at a time.
pub struct CurvesReader {
    path: PathBuf,
    lines: std::iter::Peekable<
        std::iter::Enumerate<std::io::Lines<std::io::BufReader<std::fs::File>>>,
    >,
}

impl CurvesReader {
    /// Opens `folder/curves.txt`.
    ///
    /// # Errors
    /// A message naming the file if it is missing or not a curves file.
    pub fn open(folder: &Path) -> Result<Self, String> {
        let path = folder.join(CURVES_FILE);
        crate::scenario::input::regular_file(&path, "table")
            .map_err(|e| format!("{}: {}; {}", path.display(), e.problem, e.help))?;
        let file = std::fs::File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut lines = std::io::BufReader::new(file).lines().enumerate().peekable();
        match lines.next() {
            Some((_, Ok(first))) if first == HEADER => {}
            _ => {
                return Err(format!(
                    "{}: line 1: not a carepath shard curves file (expected `{HEADER}`)",
                    path.display()
                ));
            }
        }
        Ok(CurvesReader { path, lines })
    }

    /// Reads replication `replication`'s curves into `result` (which has `resources`
    /// resources and `waits` waiting points).
    ///
    /// # Errors
    /// A message naming the file and line of a malformed or out-of-order line.
    pub fn read_into(
        &mut self,
        result: &mut ReplicationResult,
        resources: usize,
        waits: usize,
    ) -> Result<(), String> {
        result.by_hour = vec![ResourceWeek::default(); resources];
        result.waits = vec![WaitCurve::default(); waits];
        let mut seen = 0;
        while let Some((n, line)) = self.lines.peek() {
            let number = n + 1;
            let bad = |why: &str| format!("{}: line {number}: {why}", self.path.display());
            let line = line.as_ref().map_err(|e| bad(&e.to_string()))?;
            let mut words = line.split_whitespace();
            let replication: u32 = words
                .next()
                .and_then(|w| w.parse().ok())
                .ok_or_else(|| bad("no replication number"))?;
            if replication != result.replication {
                if seen == 0 || replication < result.replication {
                    return Err(bad(&format!(
                        "replication {replication} where replication {} was expected",
                        result.replication
                    )));
                }
                break;
            }
            let kind = words.next().unwrap_or("");
            let index: usize = words
                .next()
                .and_then(|w| w.parse().ok())
                .ok_or_else(|| bad("no index"))?;
            // A curve with nothing observed is written as NaN; never as an infinity.
            let values = words
                .map(|w| w.parse::<f64>().ok().filter(|v| !v.is_infinite()))
                .collect::<Option<Vec<f64>>>()
                .ok_or_else(|| bad("a value is not a number (or is infinite); this file was changed since carepath wrote it: run the shard again"))?;
            match kind {
                "busy" | "available" | "waiting" if index < resources => {
                    let week = &mut result.by_hour[index];
                    *match kind {
                        "busy" => &mut week.busy,
                        "available" => &mut week.available,
                        _ => &mut week.waiting,
                    } = values;
                }
                "served" if index < waits && !values.is_empty() => {
                    result.waits[index] = WaitCurve {
                        served_share: values[0],
                        served_percentiles: values[1..].to_vec(),
                    };
                }
                _ => return Err(bad(&format!("unknown curve `{kind} {index}`"))),
            }
            seen += 1;
            self.lines.next();
        }
        if seen == 0 && resources + waits > 0 {
            return Err(format!(
                "{}: replication {} has no curves",
                self.path.display(),
                result.replication
            ));
        }
        Ok(())
    }
}
