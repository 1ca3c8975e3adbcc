//! Running beyond one machine: shard K of N runs a contiguous block of the replications with
//! exactly the seeds a full run would give them, and `merge` puts the blocks back together
//! into the files a single run would have written.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use thiserror::Error;

use super::curves::Curves;
use super::output::{Manifest, ReplicationsCsv, RunFiles, write_run};
use super::shard_curves::{CURVES_FILE, CurvesReader};
use super::statistics::SummarySums;
use crate::model::{MetricValue, ReplicationResult, Unit, metric_catalogue};
use crate::scenario::load;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, from 1.
    pub index: u32,
    /// How many shards in all.
    pub count: u32,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let help = "write K/N with 1 <= K <= N, e.g. --shard 2/4";
        let (k, n) = text
            .split_once('/')
            .ok_or_else(|| format!("`{text}` is not K/N; {help}"))?;
        let index: u32 = k
            .trim()
            .parse()
            .map_err(|_| format!("`{k}` is not a whole number; {help}"))?;
        let count: u32 = n
            .trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a whole number; {help}"))?;
        if index == 0 || index > count {
            return Err(format!("shard {index} of {count} does not exist; {help}"));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The first replication and number of replications of this shard out of `total`.
    pub fn replications(self, total: u32) -> (u32, u32) {
        let bound = |k: u32| (u64::from(total) * u64::from(k) / u64::from(self.count)) as u32;
        let first = bound(self.index - 1);
        (first, bound(self.index) - first)
    }
}

/// Why shards could not be merged.
#[derive(Debug, Error)]
pub enum MergeError {
    /// A shard folder lacks a file or it cannot be read.
    #[error("cannot read {path}: {reason}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The folders do not belong to one run.
    #[error("{0}")]
    Mismatch(String),
    /// The merged outputs could not be written.
    #[error(transparent)]
    Write(#[from] super::output::OutputError),
}

fn read(path: &Path) -> Result<String, MergeError> {
    // Regular files of bounded size only, like scenario files.
    crate::scenario::input::read_text(path, "file").map_err(|e| MergeError::Read {
        path: path.to_path_buf(),
        reason: format!("{}; {}", e.problem, e.help),
    })
}

/// The files `merge` reads from each shard folder.
pub const SHARD_FILES: [&str; 6] = [
    "manifest.json",
    "scenario.toml",
    "replications.csv",
    CURVES_FILE,
    super::daily_shard::DAILY_REPLICATIONS_CSV,
    super::daily_shard::LEVELS_REPLICATIONS_CSV,
];

/// Merges shard folders into `out`, writing the files a single run of all replications would
/// have written (the manifest records the shards instead of one thread count and wall time).
/// Rows are matched by metric name: every replication of every shard must report the same
/// metrics. The shards' rows are streamed, one replication at a time, in replication order:
/// the memory does not grow with the number of replications.
pub fn merge(folders: &[PathBuf], out: &Path) -> Result<MergeOutcome, MergeError> {
    let mut shards: Vec<(PathBuf, Manifest)> = Vec::new();
    for folder in folders {
        let path = folder.join("manifest.json");
        let manifest: Manifest =
            serde_json::from_str(&read(&path)?).map_err(|e| MergeError::Read {
                path: path.clone(),
                reason: e.to_string(),
            })?;
        shards.push((folder.clone(), manifest));
    }
    let Some((first_folder, first)) = shards.first().cloned() else {
        return Err(MergeError::Mismatch(
            "give at least one shard folder".into(),
        ));
    };
    let mut seen = Vec::new();
    for (folder, manifest) in &shards {
        let differs = |what: &str| {
            MergeError::Mismatch(format!(
                "{} and {} come from different runs: their {what} differ\nhelp: merge only the shards of one run",
                first_folder.display(),
                folder.display()
            ))
        };
        if manifest.scenario_sha256 != first.scenario_sha256 || manifest.based_on != first.based_on
        {
            return Err(differs("scenario files"));
        }
        if manifest.settings != first.settings {
            return Err(differs("--set changes"));
        }
        if manifest.seed != first.seed {
            return Err(differs("seeds"));
        }
        if manifest.replications != first.replications {
            return Err(differs("replication counts"));
        }
        let shard: Shard = manifest
            .shard
            .as_deref()
            .ok_or_else(|| {
                MergeError::Mismatch(format!(
                    "{} is a whole run, not a shard\nhelp: merge the folders `run --shard K/N` wrote",
                    folder.display()
                ))
            })?
            .parse()
            .map_err(MergeError::Mismatch)?;
        seen.push(shard);
    }
    let count = seen[0].count;
    let mut indices: Vec<u32> = seen.iter().map(|s| s.index).collect();
    indices.sort_unstable();
    if seen.iter().any(|s| s.count != count) || indices != (1..=count).collect::<Vec<_>>() {
        let listed: Vec<String> = seen.iter().map(ToString::to_string).collect();
        return Err(MergeError::Mismatch(format!(
            "need each of shards 1/{count} to {count}/{count} exactly once, got {}",
            listed.join(", ")
        )));
    }

    let resolved = read(&first_folder.join("scenario.toml"))?;
    let loaded = load(&first_folder.join("scenario.toml")).map_err(|e| MergeError::Read {
        path: first_folder.join("scenario.toml"),
        reason: e.to_string(),
    })?;
    let units = units_of(&loaded.scenario);
    // The shards' rows are streamed in replication order (shard 1 first) into the merged
    // `replications.csv` and the running summary, exactly as one run adds its replications.
    let mut in_order: Vec<(u32, &PathBuf)> = seen
        .iter()
        .zip(&shards)
        .map(|(shard, (folder, _))| (shard.index, folder))
        .collect();
    in_order.sort_unstable();
    // The curves for the charts, where every shard kept them (shards of older versions
    // did not: then the merge writes the tables only).
    let with_curves = in_order
        .iter()
        .all(|(_, folder)| folder.join(CURVES_FILE).is_file());
    let folders_in_order: Vec<&PathBuf> = in_order.iter().map(|(_, folder)| *folder).collect();
    let mut merged = Merged {
        names: None,
        csv: ReplicationsCsv::create(out)?,
        sums: SummarySums::for_scenario(&loaded.scenario),
        next: 0,
        curves: with_curves.then(|| Curves::new(&loaded.scenario)),
        reader: None,
        shape: (loaded.scenario.resources.len(), loaded.scenario.waits.len()),
    };
    for folder in &folders_in_order {
        if merged.curves.is_some() {
            merged.reader =
                Some(
                    CurvesReader::open(folder).map_err(|reason| MergeError::Read {
                        path: folder.join(CURVES_FILE),
                        reason,
                    })?,
                );
        }
        read_replications(&folder.join("replications.csv"), &units, &mut merged)?;
    }
    if merged.next != u64::from(first.replications) {
        return Err(MergeError::Mismatch(format!(
            "the shards hold {} replications, not the {} of the run: they do not hold every replication exactly once",
            merged.next, first.replications
        )));
    }
    let summary = merged.sums.summary();
    merged.csv.finish()?;
    let manifest = Manifest {
        shard: None,
        threads: 0,
        events: shards.iter().map(|(_, m)| m.events).sum(),
        wall_time_seconds: shards.iter().map(|(_, m)| m.wall_time_seconds).sum(),
        ..first
    };
    write_run(
        out,
        &RunFiles {
            summary: &summary,
            manifest: &manifest,
            resolved_scenario: &resolved,
        },
    )?;
    // Shards of a carepath that kept no per-replication series give no daily tables.
    if super::daily_shard::has_series(&first_folder) {
        let sums = super::daily_shard::read_shards(
            &folders_in_order,
            &loaded.scenario,
            first.replications,
        )?;
        sums.write(out, &loaded.scenario)?;
        // The report's over-time and level charts read the same sums.
        if let Some(curves) = merged.curves.as_mut() {
            curves.daily = sums;
        }
    }
    Ok(MergeOutcome {
        manifest,
        summary,
        curves: merged.curves,
        loaded,
        resolved,
    })
}

/// What a merge produced besides its files: what the board pack and workbook need.
#[derive(Debug)]
pub struct MergeOutcome {
    /// The merged run's manifest, as written.
    pub manifest: Manifest,
    /// The summary of every metric over all replications, as in `summary.csv`.
    pub summary: Vec<crate::experiment::MetricSummary>,
    /// The curves of all replications, in replication order, if every shard kept them.
    pub curves: Option<Curves>,
    /// The resolved scenario, loaded from the first shard's `scenario.toml`.
    pub loaded: crate::scenario::LoadedScenario,
    /// That file's text.
    pub resolved: String,
}

/// The merge so far: the metric names every replication must report (once the first is
/// read), the merged `replications.csv` being written, the running summary, and the next
/// replication expected.
struct Merged {
    names: Option<MetricNames>,
    csv: ReplicationsCsv,
    sums: SummarySums,
    next: u64,
    /// The curves' running sums, when every shard kept its curves.
    curves: Option<Curves>,
    /// The current shard's curves file.
    reader: Option<CurvesReader>,
    /// Resources and waiting points of the scenario.
    shape: (usize, usize),
}

impl Merged {
    /// Adds one replication's rows, read from `path`: matched by name, checked to be the
    /// next replication, written and summarised.
    fn add(
        &mut self,
        path: &Path,
        replication: u32,
        rows: Vec<Row>,
        units: &[(String, Unit)],
    ) -> Result<(), MergeError> {
        if u64::from(replication) != self.next {
            let line = rows.first().map_or(0, |r| r.2);
            return Err(MergeError::Mismatch(format!(
                "{}: line {line}: replication {replication} where replication {} was expected; the shards do not hold every replication exactly once, in order\nhelp: merge the unedited folders of shards 1/N to N/N of one run",
                path.display(),
                self.next
            )));
        }
        let mut result = match_by_name(path, replication, rows, units, &mut self.names)?;
        self.csv.add(&result)?;
        self.sums.add(&result);
        if let (Some(curves), Some(reader)) = (&mut self.curves, &mut self.reader) {
            let (resources, waits) = self.shape;
            reader
                .read_into(&mut result, resources, waits)
                .map_err(|reason| {
                    MergeError::Mismatch(format!(
                        "{reason}\nhelp: merge the unedited folders of shards 1/N to N/N of one run"
                    ))
                })?;
            curves.add(&result);
        }
        self.next += 1;
        Ok(())
    }
}

/// Reads one shard's `replications.csv` into `merged`, matching every row by metric name:
/// each replication must report exactly the metrics of the first replication read (whose
/// file and names `merged.names` holds once set), in any order; they are written in that
/// order. Only one replication's rows are held at a time.
fn read_replications(
    path: &Path,
    units: &[(String, Unit)],
    merged: &mut Merged,
) -> Result<(), MergeError> {
    crate::scenario::input::regular_file(path, "table").map_err(|e| MergeError::Read {
        path: path.to_path_buf(),
        reason: format!("{}; {}", e.problem, e.help),
    })?;
    let mut reader = csv::Reader::from_path(path).map_err(|e| MergeError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })?;
    // One replication's rows: its number, and each (name, value, line).
    let mut block: Option<(u32, Vec<Row>)> = None;
    for record in reader.records() {
        let record = record.map_err(|e| MergeError::Read {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let line = record.position().map_or(0, |p| p.line());
        let bad = || MergeError::Read {
            path: path.to_path_buf(),
            reason: format!("line {line}: bad row {record:?}"),
        };
        let replication: u32 = record.get(0).and_then(|v| v.parse().ok()).ok_or_else(bad)?;
        let name = record.get(1).ok_or_else(bad)?.to_string();
        // An empty cell is a figure with no value in that replication; a run writes every
        // other value as a finite number, so `inf`, `NaN` or `1e400` (which reads as
        // infinity) is a file edited or damaged since.
        let value: f64 = match record.get(2) {
            Some("") => f64::NAN,
            Some(text) => match text.parse::<f64>() {
                Ok(value) if value.is_finite() => value,
                _ => {
                    return Err(MergeError::Read {
                        path: path.to_path_buf(),
                        reason: format!(
                            "line {line}: `{text}` is not a finite number; this file was changed since carepath wrote it: run the shard again"
                        ),
                    });
                }
            },
            None => return Err(bad()),
        };
        if block.as_ref().is_some_and(|(r, _)| *r != replication)
            && let Some((r, rows)) = block.take()
        {
            merged.add(path, r, rows, units)?;
        }
        block
            .get_or_insert_with(|| (replication, Vec::new()))
            .1
            .push((name, value, line));
    }
    if let Some((r, rows)) = block {
        merged.add(path, r, rows, units)?;
    }
    Ok(())
}

/// One row of `replications.csv`: the metric's name, its value (NaN for an empty cell) and
/// the row's line in the file.
type Row = (String, f64, u64);

/// The metric names of the first replication merged, which every other must match: the
/// file they came from, the names in order (shared by every result), their units, and an
/// index from name to position so that matching a row costs a logarithm, not a scan.
struct MetricNames {
    file: PathBuf,
    names: Vec<std::sync::Arc<str>>,
    units: Vec<Unit>,
    index: std::collections::BTreeMap<String, usize>,
}

impl MetricNames {
    fn new(file: &Path, rows: &[Row], units: &[(String, Unit)]) -> Self {
        let by_name: std::collections::BTreeMap<&str, Unit> =
            units.iter().map(|(n, u)| (n.as_str(), *u)).collect();
        MetricNames {
            file: file.to_path_buf(),
            names: rows.iter().map(|(n, _, _)| n.as_str().into()).collect(),
            units: rows
                .iter()
                .map(|(n, _, _)| by_name.get(n.as_str()).copied().unwrap_or(Unit::Patients))
                .collect(),
            index: rows
                .iter()
                .enumerate()
                .map(|(i, (n, _, _))| (n.clone(), i))
                .collect(),
        }
    }
}

/// One replication's rows as a result, in the order of `names` (set from these rows if
/// they are the first read); a metric missing, repeated or unknown is a mismatch naming the
/// file and line.
fn match_by_name(
    path: &Path,
    replication: u32,
    rows: Vec<Row>,
    units: &[(String, Unit)],
    names: &mut Option<MetricNames>,
) -> Result<ReplicationResult, MergeError> {
    let expected = names.get_or_insert_with(|| MetricNames::new(path, &rows, units));
    let mismatch = |message: String| {
        MergeError::Mismatch(format!(
            "{}: {message}; the shards come from different runs or versions of carepath, or a file was edited\nhelp: run the shards again with one carepath and one scenario, then merge",
            path.display()
        ))
    };
    let lines = match (rows.first(), rows.last()) {
        (Some(first), Some(last)) => format!("lines {} to {}", first.2, last.2),
        _ => "no lines".to_string(),
    };
    let mut values: Vec<Option<f64>> = vec![None; expected.names.len()];
    for (name, value, line) in rows {
        let Some(&index) = expected.index.get(&name) else {
            return Err(mismatch(format!(
                "line {line}: replication {replication} reports metric `{name}`, which {} does not report",
                expected.file.display()
            )));
        };
        if values[index].replace(value).is_some() {
            return Err(mismatch(format!(
                "line {line}: replication {replication} reports metric `{name}` twice"
            )));
        }
    }
    if let Some(missing) = values.iter().position(Option::is_none) {
        return Err(mismatch(format!(
            "{lines}: replication {replication} lacks metric `{}`, which {} reports",
            expected.names[missing],
            expected.file.display()
        )));
    }
    let metrics = expected
        .names
        .iter()
        .zip(&expected.units)
        .zip(values)
        .map(|((name, unit), value)| MetricValue {
            name: name.clone(),
            unit: *unit,
            value: value.unwrap_or(f64::NAN),
        })
        .collect();
    Ok(ReplicationResult {
        replication,
        metrics,
        by_hour: Vec::new(),
        waits: Vec::new(),
        events: 0,
        daily: Vec::new(),
        levels: Vec::new(),
    })
}

/// The unit of every metric the resolved scenario reports, key figures included.
fn units_of(scenario: &crate::model::scenario::Scenario) -> Vec<(String, Unit)> {
    let mut units = metric_catalogue(scenario);
    for figure in &scenario.key_figures {
        let unit = figure.terms.first().map_or(Unit::Patients, |&t| units[t].1);
        units.push((figure.metric(), unit));
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_cover_every_replication_once() {
        for total in [1, 7, 10, 100] {
            for count in 1..=5 {
                let mut covered = Vec::new();
                for index in 1..=count {
                    let (first, n) = Shard { index, count }.replications(total);
                    covered.extend(first..first + n);
                }
                assert_eq!(covered, (0..total).collect::<Vec<_>>());
            }
        }
        assert!("0/3".parse::<Shard>().is_err() && "4/3".parse::<Shard>().is_err());
        assert_eq!("2/3".parse::<Shard>(), Ok(Shard { index: 2, count: 3 }));
    }
}
