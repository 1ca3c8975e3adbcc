//! Running beyond one machine: shard K of N runs a contiguous block of the replications with
//! exactly the seeds a full run would give them, and `merge` puts the blocks back together
//! into the files a single run would have written.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use thiserror::Error;

use super::output::{Manifest, RunFiles, write_run};
use super::statistics::summarise;
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
    std::fs::read_to_string(path).map_err(|e| MergeError::Read {
        path: path.to_path_buf(),
        reason: e.to_string(),
    })
}

/// Merges shard folders into `out`, writing the files a single run of all replications would
/// have written (the manifest records the shards instead of one thread count and wall time).
pub fn merge(folders: &[PathBuf], out: &Path) -> Result<Manifest, MergeError> {
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
                "{} and {} come from different runs: their {what} differ; merge only the shards of one run",
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
                MergeError::Mismatch(format!("{} is a whole run, not a shard", folder.display()))
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
    let units = units_of(&first_folder.join("scenario.toml"))?;
    let mut results: Vec<ReplicationResult> = Vec::new();
    for (folder, _) in &shards {
        let path = folder.join("replications.csv");
        let mut reader = csv::Reader::from_path(&path).map_err(|e| MergeError::Read {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        for record in reader.records() {
            let record = record.map_err(|e| MergeError::Read {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            let bad = || MergeError::Read {
                path: path.clone(),
                reason: format!("bad row {record:?}"),
            };
            let replication: u32 = record.get(0).and_then(|v| v.parse().ok()).ok_or_else(bad)?;
            let name = record.get(1).ok_or_else(bad)?.to_string();
            // An empty value is a figure with no value in that replication.
            let value: f64 = record
                .get(2)
                .and_then(|v| {
                    if v.is_empty() {
                        Some(f64::NAN)
                    } else {
                        v.parse().ok()
                    }
                })
                .ok_or_else(bad)?;
            if results.last().is_none_or(|r| r.replication != replication) {
                results.push(ReplicationResult {
                    replication,
                    metrics: Vec::new(),
                    by_hour: Vec::new(),
                    waits: Vec::new(),
                    events: 0,
                });
            }
            let unit = units
                .iter()
                .find(|(n, _)| *n == name)
                .map_or(Unit::Patients, |(_, u)| *u);
            if let Some(last) = results.last_mut() {
                last.metrics.push(MetricValue {
                    name: name.into(),
                    unit,
                    value,
                });
            }
        }
    }
    results.sort_by_key(|r| r.replication);
    if results
        .iter()
        .map(|r| r.replication)
        .ne(0..first.replications)
    {
        return Err(MergeError::Mismatch(
            "the shards do not hold every replication exactly once".into(),
        ));
    }
    let summary = summarise(&results);
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
            results: &results,
            manifest: &manifest,
            resolved_scenario: &resolved,
        },
    )?;
    Ok(manifest)
}

/// The unit of every metric the resolved scenario reports, key figures included.
fn units_of(resolved: &Path) -> Result<Vec<(String, Unit)>, MergeError> {
    let loaded = load(resolved).map_err(|e| MergeError::Read {
        path: resolved.to_path_buf(),
        reason: e.to_string(),
    })?;
    let mut units = metric_catalogue(&loaded.scenario);
    for figure in &loaded.scenario.key_figures {
        let unit = figure.terms.first().map_or(Unit::Patients, |&t| units[t].1);
        units.push((format!("key.{}", figure.name), unit));
    }
    Ok(units)
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
