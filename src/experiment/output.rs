//! Writes a run's results into a folder, each file whole: written in full to a temporary
//! file in the same folder, synced, then renamed into place. Commands write into the staging
//! folder of an [`OutputSet`](super::output_set::OutputSet), which swaps the whole set in.
//!
//! Files: `summary.csv`, `replications.csv` (written row by row as replications finish),
//! `manifest.json`, `scenario.toml`.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use sha2::{Digest, Sha256};
use thiserror::Error;

use super::statistics::{MetricSummary, SUMMARY_COLUMNS, csv_number};
use crate::model::ReplicationResult;

/// Why outputs could not be written.
#[derive(Debug, Error)]
pub enum OutputError {
    /// The folder or a file in it could not be created or written; earlier files of the
    /// same run may exist, but none is half-written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The output folder's parent cannot be created or written (found before simulating).
    #[error(
        "cannot write in {folder}: {source}\nhelp: choose an output folder where you can write, with -o"
    )]
    Unwritable {
        /// The parent folder.
        folder: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// The output path exists and is not a folder.
    #[error(
        "{path} is a file, not a folder; a run writes a folder of outputs\nhelp: choose a folder with -o, e.g. -o output/my_run"
    )]
    NotAFolder {
        /// The path given.
        path: PathBuf,
    },
    /// The output folder holds files carepath does not write; replacing it as a whole would
    /// delete them.
    #[error(
        "{folder} holds files carepath did not write ({}); a run replaces its output folder as a whole, so it will not write there\nhelp: choose a new or empty folder with -o, e.g. -o output/my_run",
        entries.join(", ")
    )]
    NotOurs {
        /// The folder.
        folder: PathBuf,
        /// Some of the entries that are not carepath's.
        entries: Vec<String>,
    },
    /// The output folder contains a file the command reads.
    #[error(
        "the output folder {folder} contains {input} (or the same file under another name), which this command reads; writing there would replace it\nhelp: choose another output folder with -o, outside the folder of your inputs"
    )]
    OverInput {
        /// The output folder.
        folder: PathBuf,
        /// The input it contains.
        input: PathBuf,
    },
    /// A table could not be formatted (an internal fault).
    #[error("cannot format {what}: {message}")]
    Format {
        /// Which file.
        what: &'static str,
        /// The formatter's reason.
        message: String,
    },
}

/// What `manifest.json` records, so that anyone can re-run and check a result.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct Manifest {
    /// carepath version that produced the outputs.
    pub carepath_version: String,
    /// Scenario name (`[run] name`).
    pub scenario_name: String,
    /// Scenario file as given on the command line.
    pub scenario_file: String,
    /// SHA-256 of the scenario file's bytes, hex.
    pub scenario_sha256: String,
    /// `K/N` when this folder holds only shard K of N of the replications.
    pub shard: Option<String>,
    /// Command-line `--set KEY=VALUE` changes applied on top of the file.
    pub settings: Vec<String>,
    /// Files the scenario `extends`, each as `path sha256:HEX`, nearest first.
    pub based_on: Vec<String>,
    /// Seed of every random stream.
    pub seed: u64,
    /// Replications run.
    pub replications: u32,
    /// Worker threads used (does not change any figure).
    pub threads: usize,
    /// Warm-up discarded [hours].
    pub warm_up_hours: f64,
    /// Time over which metrics were collected [hours].
    pub horizon_hours: f64,
    /// Events processed in all replications.
    pub events: u64,
    /// Wall-clock time of the replications [seconds] (varies between runs).
    pub wall_time_seconds: f64,
    /// When the outputs were written: UTC, RFC 3339 (`2026-11-29T15:22:33Z`); varies
    /// between runs (empty in a manifest written before carepath recorded it).
    #[serde(default)]
    pub run_at: String,
}

/// The time now, UTC, as RFC 3339 to the second: `2026-11-29T15:22:33Z`.
pub fn utc_now() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// SHA-256 of `bytes` as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes `bytes` to `path` atomically (temporary file in the same folder, then rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), OutputError> {
    write_atomic_with(path, |file| {
        file.write_all(bytes).map_err(|source| OutputError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Like [`write_atomic`], the contents written by `write` straight to the temporary file, so
/// that a large file is never held in memory whole.
pub fn write_atomic_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> Result<(), OutputError>,
) -> Result<(), OutputError> {
    let mut file = AtomicFile::create(path)?;
    write(&mut file)?;
    file.finish()
}

/// A file being written whole: a temporary file in the same folder, buffered, that becomes
/// the file at `path` only by [`AtomicFile::finish`] (synced, then renamed into place).
/// Dropped unfinished, the temporary file is deleted and `path` is untouched.
#[derive(Debug)]
pub struct AtomicFile {
    /// The file's final path.
    path: PathBuf,
    /// The buffered temporary file.
    out: std::io::BufWriter<tempfile::NamedTempFile>,
}

impl AtomicFile {
    /// Starts writing `path`.
    ///
    /// # Errors
    /// [`OutputError::Io`] when the temporary file cannot be created.
    pub fn create(path: &Path) -> Result<Self, OutputError> {
        let folder = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut builder = tempfile::Builder::new();
        // Outputs are for sharing: readable by all, like any file the user would create.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
        super::output_set::before_file_write(path)?;
        let temporary = builder
            .tempfile_in(folder)
            .map_err(|source| OutputError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(AtomicFile {
            path: path.to_path_buf(),
            out: std::io::BufWriter::new(temporary),
        })
    }

    /// Flushes and syncs the file, then renames it into place.
    ///
    /// # Errors
    /// [`OutputError::Io`] when a write, the sync or the rename fails.
    pub fn finish(self) -> Result<(), OutputError> {
        let path = self.path.clone();
        let io = |source| OutputError::Io {
            path: path.clone(),
            source,
        };
        let temporary = self.out.into_inner().map_err(|e| io(e.into_error()))?;
        temporary.as_file().sync_all().map_err(io)?;
        temporary.persist(&path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

impl Write for AtomicFile {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.out.write(bytes)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
}

/// `summary.csv`: `metric,unit,mean,sd,ci95_low,ci95_high,replications`.
pub fn summary_csv(summary: &[MetricSummary]) -> Result<Vec<u8>, OutputError> {
    let format_error = |e: csv::Error| OutputError::Format {
        what: "summary.csv",
        message: e.to_string(),
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(SUMMARY_COLUMNS).map_err(format_error)?;
    for row in summary {
        writer.write_record(row.fields()).map_err(format_error)?;
    }
    writer.into_inner().map_err(|e| OutputError::Format {
        what: "summary.csv",
        message: e.to_string(),
    })
}

/// `replications.csv` (`replication,metric,value`, one row per metric per replication; a
/// figure with no value in a replication, nothing observed, has an empty `value`), written
/// row by row as replications finish, so that no replication is kept for it.
#[derive(Debug)]
pub struct ReplicationsCsv {
    /// The file's path.
    path: PathBuf,
    /// The CSV writer over the file being written.
    writer: csv::Writer<AtomicFile>,
}

/// The file name of [`ReplicationsCsv`].
pub const REPLICATIONS_CSV: &str = "replications.csv";

impl ReplicationsCsv {
    /// Starts `replications.csv` in `folder` (which must exist) with its header.
    ///
    /// # Errors
    /// [`OutputError::Io`] when the file cannot be created or written.
    pub fn create(folder: &Path) -> Result<Self, OutputError> {
        let path = folder.join(REPLICATIONS_CSV);
        let mut writer = csv::Writer::from_writer(AtomicFile::create(&path)?);
        writer
            .write_record(["replication", "metric", "value"])
            .map_err(|e| Self::error(&path, e))?;
        Ok(ReplicationsCsv { path, writer })
    }

    /// A CSV writer's error as an output error (an I/O error keeps its kind and reason).
    fn error(path: &Path, e: csv::Error) -> OutputError {
        match e.into_kind() {
            csv::ErrorKind::Io(source) => OutputError::Io {
                path: path.to_path_buf(),
                source,
            },
            other => OutputError::Format {
                what: REPLICATIONS_CSV,
                message: format!("{other:?}"),
            },
        }
    }

    /// Writes the rows of one replication; replications must come in replication order.
    ///
    /// # Errors
    /// [`OutputError::Io`] when the file cannot be written.
    pub fn add(&mut self, result: &ReplicationResult) -> Result<(), OutputError> {
        self.add_values(
            result.replication,
            result.metrics.iter().map(|m| (&*m.name, m.value)),
        )
    }

    /// Writes one replication's rows, each a metric name and its value (NaN for none).
    ///
    /// # Errors
    /// [`OutputError::Io`] when the file cannot be written.
    pub fn add_values<'a>(
        &mut self,
        replication: u32,
        values: impl IntoIterator<Item = (&'a str, f64)>,
    ) -> Result<(), OutputError> {
        let replication = replication.to_string();
        for (name, value) in values {
            self.writer
                .write_record([replication.as_str(), name, &csv_number(value)])
                .map_err(|e| Self::error(&self.path, e))?;
        }
        Ok(())
    }

    /// Finishes the file: flushed, synced and renamed into place.
    ///
    /// # Errors
    /// [`OutputError::Io`] when the file cannot be written.
    pub fn finish(self) -> Result<(), OutputError> {
        let path = self.path;
        self.writer
            .into_inner()
            .map_err(|e| Self::error(&path, e.into_error().into()))?
            .finish()
    }
}

/// Everything a run writes, ready to be put on disk.
#[derive(Debug)]
pub struct RunFiles<'a> {
    /// Summary across replications.
    pub summary: &'a [MetricSummary],
    /// Provenance.
    pub manifest: &'a Manifest,
    /// The scenario as resolved (with command-line overrides applied), as TOML.
    pub resolved_scenario: &'a str,
}

/// Writes the files of a run but `replications.csv` (written as the replications finish, by
/// [`ReplicationsCsv`]) into `folder`, creating it if needed. Returns the paths written.
pub fn write_run(folder: &Path, files: &RunFiles<'_>) -> Result<Vec<PathBuf>, OutputError> {
    std::fs::create_dir_all(folder).map_err(|source| OutputError::Io {
        path: folder.to_path_buf(),
        source,
    })?;
    let manifest = serde_json::to_vec_pretty(files.manifest).map_err(|e| OutputError::Format {
        what: "manifest.json",
        message: e.to_string(),
    })?;
    let summary = folder.join("summary.csv");
    write_atomic(&summary, &summary_csv(files.summary)?)?;
    let mut written = vec![summary];
    let contents: [(&str, Vec<u8>); 2] = [
        ("scenario.toml", files.resolved_scenario.as_bytes().to_vec()),
        ("manifest.json", manifest),
    ];
    for (name, bytes) in contents {
        let path = folder.join(name);
        write_atomic(&path, &bytes)?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_whole_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("summary.csv");
        write_atomic(&path, b"old contents that are longer").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
