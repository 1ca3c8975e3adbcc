//! What a shard keeps on disk of each replication's daily series and time at each level, so
//! that `merge` can rebuild `daily.csv` and `levels.csv` exactly as one run of all
//! replications writes them: percentiles need every replication's values, which no summary
//! of a shard holds.
//!
//! Two files per shard folder, written as replications finish and read back one replication
//! at a time (memory flat in the replication count):
//! - `daily_replications.csv`: `replication,series,statistic,day_1,...,day_N`, one row per
//!   replication, series and statistic (in the order of `model::daily_series_names` and
//!   `DAILY_STATISTICS`);
//! - `levels_replications.csv`: `replication,resource,measure,k,share`, one row per
//!   replication, resource and level (`in_use`, `queue_at_least`, then one `full_house`).
//!
//! Numbers are written in Rust's shortest round-trip form, so they read back bit for bit.

use std::path::{Path, PathBuf};

use super::daily::{DailyAndLevels, day_label};
use super::output::{AtomicFile, OutputError};
use super::shard::MergeError;
use super::statistics::csv_number;
use crate::model::scenario::Scenario;
use crate::model::{DAILY_STATISTICS, DayWindow, ReplicationResult, ResourceLevels};

/// File name of the per-replication daily series of a shard.
pub const DAILY_REPLICATIONS_CSV: &str = "daily_replications.csv";
/// File name of the per-replication time at each level of a shard.
pub const LEVELS_REPLICATIONS_CSV: &str = "levels_replications.csv";

/// The two per-replication files of a shard, being written.
#[derive(Debug)]
pub struct ShardSeries {
    names: Vec<String>,
    resources: Vec<String>,
    days: usize,
    daily: csv::Writer<AtomicFile>,
    levels: csv::Writer<AtomicFile>,
}

fn io(path: &Path) -> impl Fn(csv::Error) -> OutputError + '_ {
    move |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(source) => OutputError::Io {
            path: path.to_path_buf(),
            source,
        },
        other => OutputError::Format {
            what: DAILY_REPLICATIONS_CSV,
            message: format!("{other:?}"),
        },
    }
}

impl ShardSeries {
    /// Starts both files in `folder` with their headers.
    ///
    /// # Errors
    /// [`OutputError::Io`] when a file cannot be created or written.
    pub fn create(folder: &Path, scenario: &Scenario) -> Result<Self, OutputError> {
        let days = DayWindow::of(scenario).days;
        let daily_path = folder.join(DAILY_REPLICATIONS_CSV);
        let mut daily = csv::Writer::from_writer(AtomicFile::create(&daily_path)?);
        let mut header = vec![
            "replication".to_string(),
            "series".into(),
            "statistic".into(),
        ];
        header.extend((0..days).map(|d| format!("day_{}", day_label(d))));
        daily.write_record(&header).map_err(io(&daily_path))?;
        let levels_path = folder.join(LEVELS_REPLICATIONS_CSV);
        let mut levels = csv::Writer::from_writer(AtomicFile::create(&levels_path)?);
        levels
            .write_record(["replication", "resource", "measure", "k", "share"])
            .map_err(io(&levels_path))?;
        Ok(ShardSeries {
            names: crate::model::daily_series_names(scenario),
            resources: scenario.resources.iter().map(|r| r.name.clone()).collect(),
            days,
            daily,
            levels,
        })
    }

    /// Writes one replication's rows; replications must come in replication order.
    ///
    /// # Errors
    /// [`OutputError::Io`] when a file cannot be written.
    pub fn add(&mut self, result: &ReplicationResult) -> Result<(), OutputError> {
        let replication = result.replication.to_string();
        let statistics = DAILY_STATISTICS.len();
        let daily_path = PathBuf::from(DAILY_REPLICATIONS_CSV);
        for (s, name) in self.names.iter().enumerate() {
            for (t, statistic) in DAILY_STATISTICS.iter().enumerate() {
                let mut row = vec![replication.clone(), name.clone(), statistic.to_string()];
                row.extend((0..self.days).map(|d| {
                    let value = result
                        .daily
                        .get((s * self.days + d) * statistics + t)
                        .copied()
                        .unwrap_or(f64::NAN);
                    csv_number(value)
                }));
                self.daily.write_record(&row).map_err(io(&daily_path))?;
            }
        }
        let levels_path = PathBuf::from(LEVELS_REPLICATIONS_CSV);
        for (resource, levels) in self.resources.iter().zip(&result.levels) {
            let mut write = |measure: &str, k: usize, share: f64| {
                self.levels
                    .write_record([
                        replication.as_str(),
                        resource,
                        measure,
                        &k.to_string(),
                        &csv_number(share),
                    ])
                    .map_err(io(&levels_path))
            };
            for (k, share) in levels.in_use.iter().enumerate() {
                write("in_use", k, *share)?;
            }
            for (k, share) in levels.queue_at_least.iter().enumerate() {
                write("queue_at_least", k, *share)?;
            }
            write("full_house", 0, levels.full)?;
        }
        Ok(())
    }

    /// Finishes both files: flushed, synced and renamed into place.
    ///
    /// # Errors
    /// [`OutputError::Io`] when a file cannot be written.
    pub fn finish(self) -> Result<(), OutputError> {
        for writer in [self.daily, self.levels] {
            writer
                .into_inner()
                .map_err(|e| OutputError::Io {
                    path: PathBuf::from(DAILY_REPLICATIONS_CSV),
                    source: e.into_error(),
                })?
                .finish()?;
        }
        Ok(())
    }
}

/// A CSV reader over one shard file, one record at a time, with the file's path for
/// messages.
struct Rows {
    path: PathBuf,
    records: csv::StringRecordsIntoIter<std::fs::File>,
    peeked: Option<csv::StringRecord>,
}

impl Rows {
    fn open(path: PathBuf) -> Result<Self, MergeError> {
        crate::scenario::input::regular_file(&path, "table").map_err(|e| MergeError::Read {
            path: path.clone(),
            reason: format!("{}; {}", e.problem, e.help),
        })?;
        let reader = csv::Reader::from_path(&path).map_err(|e| MergeError::Read {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        Ok(Rows {
            path,
            records: reader.into_records(),
            peeked: None,
        })
    }

    fn peek(&mut self) -> Result<Option<&csv::StringRecord>, MergeError> {
        if self.peeked.is_none() {
            self.peeked = self
                .records
                .next()
                .transpose()
                .map_err(|e| MergeError::Read {
                    path: self.path.clone(),
                    reason: e.to_string(),
                })?;
        }
        Ok(self.peeked.as_ref())
    }

    fn next(&mut self) -> Result<Option<csv::StringRecord>, MergeError> {
        self.peek()?;
        Ok(self.peeked.take())
    }

    /// The replication of the next record, if any.
    fn next_replication(&mut self) -> Result<Option<u32>, MergeError> {
        let path = self.path.clone();
        match self.peek()? {
            None => Ok(None),
            Some(record) => record
                .get(0)
                .and_then(|v| v.parse().ok())
                .map(Some)
                .ok_or_else(|| bad(&path, record, "the replication is not a whole number")),
        }
    }
}

fn bad(path: &Path, record: &csv::StringRecord, why: &str) -> MergeError {
    let line = record.position().map_or(0, |p| p.line());
    MergeError::Mismatch(format!(
        "{}: line {line}: {why}; the shards come from different runs or versions of carepath, or a file was edited\nhelp: run the shards again with one carepath and one scenario, then merge",
        path.display()
    ))
}

fn number(path: &Path, record: &csv::StringRecord, field: usize) -> Result<f64, MergeError> {
    match record.get(field) {
        Some("") => Ok(f64::NAN),
        Some(text) => text
            .parse()
            .map_err(|_| bad(path, record, &format!("`{text}` is not a number"))),
        None => Err(bad(path, record, "the row is short")),
    }
}

/// Whether `folder` holds the per-replication series of a shard.
pub fn has_series(folder: &Path) -> bool {
    folder.join(DAILY_REPLICATIONS_CSV).is_file()
}

/// Reads the per-replication series of each shard folder in `folders` (in shard order) into
/// sums over every replication, one replication at a time; the replications must run from 0
/// without a gap, matching `replications` in all.
///
/// # Errors
/// [`MergeError::Read`] for a missing or unreadable file, [`MergeError::Mismatch`] for a row
/// that does not match the scenario's series or the expected replication.
pub fn read_shards(
    folders: &[&PathBuf],
    scenario: &Scenario,
    replications: u32,
) -> Result<DailyAndLevels, MergeError> {
    let mut sums = DailyAndLevels::new(scenario);
    let names = crate::model::daily_series_names(scenario);
    let days = DayWindow::of(scenario).days;
    let statistics = DAILY_STATISTICS.len();
    let mut next = 0u32;
    let mut daily = vec![f64::NAN; names.len() * days * statistics];
    for folder in folders {
        let mut daily_rows = Rows::open(folder.join(DAILY_REPLICATIONS_CSV))?;
        let mut level_rows = Rows::open(folder.join(LEVELS_REPLICATIONS_CSV))?;
        while let Some(replication) = daily_rows.next_replication()? {
            let path = daily_rows.path.clone();
            for (s, name) in names.iter().enumerate() {
                for (t, statistic) in DAILY_STATISTICS.iter().enumerate() {
                    let Some(record) = daily_rows.next()? else {
                        return Err(MergeError::Mismatch(format!(
                            "{}: replication {replication} ends before series `{name}` {statistic}; the file is cut short\nhelp: run the shard again, then merge",
                            path.display()
                        )));
                    };
                    let expected = [replication.to_string(), name.clone(), statistic.to_string()];
                    if record.len() != 3 + days
                        || (0..3).any(|i| record.get(i) != Some(expected[i].as_str()))
                    {
                        return Err(bad(
                            &path,
                            &record,
                            &format!(
                                "expected replication {replication}, series `{name}`, statistic `{statistic}` and {days} days"
                            ),
                        ));
                    }
                    for d in 0..days {
                        daily[(s * days + d) * statistics + t] = number(&path, &record, 3 + d)?;
                    }
                }
            }
            if replication != next {
                return Err(MergeError::Mismatch(format!(
                    "{}: replication {replication} where replication {next} was expected; the shards do not hold every replication exactly once, in order\nhelp: merge the unedited folders of shards 1/N to N/N of one run",
                    path.display()
                )));
            }
            let levels = read_levels(&mut level_rows, scenario, replication)?;
            sums.add_parts(&daily, &levels);
            next += 1;
        }
    }
    if next != replications {
        return Err(MergeError::Mismatch(format!(
            "the shards' {DAILY_REPLICATIONS_CSV} hold {next} replications, not the {replications} of the run\nhelp: merge the unedited folders of shards 1/N to N/N of one run"
        )));
    }
    Ok(sums)
}

/// Reads one replication's rows of `levels_replications.csv`.
fn read_levels(
    rows: &mut Rows,
    scenario: &Scenario,
    replication: u32,
) -> Result<Vec<ResourceLevels>, MergeError> {
    let path = rows.path.clone();
    let mut levels = Vec::with_capacity(scenario.resources.len());
    for resource in &scenario.resources {
        let mut these = ResourceLevels::default();
        loop {
            let Some(record) = rows.next()? else {
                return Err(MergeError::Mismatch(format!(
                    "{}: replication {replication} ends before resource `{}`'s full house; the file is cut short\nhelp: run the shard again, then merge",
                    path.display(),
                    resource.name
                )));
            };
            let matches = record.get(0) == Some(replication.to_string().as_str())
                && record.get(1) == Some(resource.name.as_str());
            if !matches {
                return Err(bad(
                    &path,
                    &record,
                    &format!(
                        "expected replication {replication}, resource `{}`",
                        resource.name
                    ),
                ));
            }
            let share = number(&path, &record, 4)?;
            match record.get(2) {
                Some("in_use") => these.in_use.push(share),
                Some("queue_at_least") => these.queue_at_least.push(share),
                Some("full_house") => {
                    these.full = share;
                    break;
                }
                _ => return Err(bad(&path, &record, "unknown measure")),
            }
        }
        levels.push(these);
    }
    Ok(levels)
}
