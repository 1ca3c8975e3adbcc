//! Day-by-day levels and time at each level, reduced across replications as they finish:
//! `daily.csv` (per day, series and statistic: the mean and the 5th to 95th percentiles
//! across replications) and `levels.csv` (per resource: the share of time at each level,
//! with its 95% interval).
//!
//! Memory is flat in the replication count: per cell (day, series, statistic) a running sum
//! and a bounded [`Sketch`] (percentiles within 0.5% or 0.001, see `sketch`); per level a
//! [`RunningMoments`]. Replications are added in replication order, so every figure is the
//! same whatever the thread count or shard split. It does not run anything: the engine
//! measures each replication (`model::engine::daily`).

use std::io::Write;
use std::path::Path;

use super::output::{OutputError, write_atomic_with};
use super::sketch::Sketch;
use super::statistics::{RunningMoments, clip_to_range, csv_number, known_range};
use crate::model::scenario::Scenario;
use crate::model::{DAILY_STATISTICS, DayWindow, ReplicationResult, ResourceLevels, Unit};

/// File name of the daily table.
pub const DAILY_CSV: &str = "daily.csv";
/// File name of the time-at-level table.
pub const LEVELS_CSV: &str = "levels.csv";

/// The percentiles of `daily.csv`, as fractions.
pub const PERCENTILES: [f64; 5] = [0.05, 0.25, 0.5, 0.75, 0.95];

/// Header of `daily.csv`.
pub const DAILY_COLUMNS: [&str; 9] = [
    "day",
    "series",
    "statistic",
    "mean",
    "p5",
    "p25",
    "p50",
    "p75",
    "p95",
];

/// Header of `levels.csv`.
pub const LEVELS_COLUMNS: [&str; 7] = [
    "resource",
    "measure",
    "k",
    "mean",
    "ci95_low",
    "ci95_high",
    "replications",
];

/// The number of day `day` (from 0): `1` for the first day after the warm-up.
pub fn day_label(day: usize) -> String {
    (day + 1).to_string()
}

/// The label of day `day` (from 0) in `daily.csv`: its date (`2026-12-24`, the date on which
/// the day's first hour falls) when the run has a start date, else its number
/// ([`day_label`]).
pub fn day_or_date(scenario: &Scenario, day: usize) -> String {
    match scenario.start_date {
        Some(start) => {
            let first_hour = scenario.warm_up.hours() + 24.0 * day as f64;
            crate::model::dates::day_label(Some(start), first_hour)
        }
        None => day_label(day),
    }
}

/// One cell of the daily series across replications.
#[derive(Debug, Clone, Default)]
struct Cell {
    sum: RunningMoments,
    sketch: Sketch,
}

/// The daily series of every replication so far, reduced.
#[derive(Debug, Clone)]
pub struct DailySums {
    /// Series names (see `model::daily_series_names`).
    pub names: Vec<String>,
    /// Days measured.
    pub days: usize,
    /// `[series][day][statistic]`.
    cells: Vec<Cell>,
    /// Replications added with a daily series.
    pub replications: usize,
}

/// One row of `daily.csv`, as plain data (a workbook sheet can be built from these).
#[derive(Debug, Clone, PartialEq)]
pub struct DailyRow {
    /// Day from 0 (label with [`day_label`]).
    pub day: usize,
    /// Series name, e.g. `resource.rehab_bed.in_use`.
    pub series: String,
    /// `mean` (time-average over the day) or `max` (the day's maximum).
    pub statistic: &'static str,
    /// Mean across replications.
    pub mean: f64,
    /// The 5th, 25th, 50th, 75th and 95th percentiles across replications.
    pub percentiles: [f64; 5],
}

impl DailySums {
    /// Empty sums for the daily series of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let names = crate::model::daily_series_names(scenario);
        let days = DayWindow::of(scenario).days;
        DailySums {
            cells: vec![Cell::default(); names.len() * days * DAILY_STATISTICS.len()],
            names,
            days,
            replications: 0,
        }
    }

    /// Adds one replication's series (flat, as `ReplicationResult::daily`); an empty or
    /// mis-sized one (read back from a file without it) is left out. Replications must come
    /// in replication order.
    pub fn add(&mut self, daily: &[f64]) {
        if daily.len() != self.cells.len() || daily.is_empty() {
            return;
        }
        self.replications += 1;
        for (cell, value) in self.cells.iter_mut().zip(daily) {
            cell.sum.add(*value);
            cell.sketch.add(*value);
        }
    }

    /// Index of series `name`, if there is one.
    pub fn series(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Series `series`, statistic `statistic` (index into [`DAILY_STATISTICS`]) on every
    /// day: the mean and percentiles across replications; empty without replications.
    pub fn envelope(&self, series: usize, statistic: usize) -> Vec<DailyRow> {
        if self.replications == 0 {
            return Vec::new();
        }
        (0..self.days)
            .map(|day| self.row(series, day, statistic))
            .collect()
    }

    fn row(&self, series: usize, day: usize, statistic: usize) -> DailyRow {
        let cell = &self.cells[(series * self.days + day) * DAILY_STATISTICS.len() + statistic];
        DailyRow {
            day,
            series: self.names[series].clone(),
            statistic: DAILY_STATISTICS[statistic],
            mean: cell.sum.mean(),
            percentiles: PERCENTILES.map(|q| cell.sketch.quantile(q)),
        }
    }

    /// Every row of `daily.csv`, in its order: by day, then series, then statistic.
    pub fn rows(&self) -> impl Iterator<Item = DailyRow> + '_ {
        let statistics = DAILY_STATISTICS.len();
        let days = if self.replications == 0 { 0 } else { self.days };
        (0..days).flat_map(move |day| {
            (0..self.names.len())
                .flat_map(move |s| (0..statistics).map(move |t| self.row(s, day, t)))
        })
    }
}

/// One resource's time at each level across replications so far.
#[derive(Debug, Clone, Default)]
pub struct LevelSums {
    /// Per `k`: share of time with `k` units in use.
    pub in_use: Vec<RunningMoments>,
    /// Per `k`: share of time with at least `k` waiting.
    pub queue_at_least: Vec<RunningMoments>,
    /// Share of time with every unit on duty in use.
    pub full: RunningMoments,
    /// Replications added.
    pub replications: usize,
}

/// Adds `values` to `sums` point by point; a point one replication lacks is 0 for it (no
/// time at that level), including points that appear only in later replications.
fn add_padded(sums: &mut Vec<RunningMoments>, values: &[f64], before: usize) {
    while sums.len() < values.len() {
        let mut zeros = RunningMoments::new();
        (0..before).for_each(|_| zeros.add(0.0));
        sums.push(zeros);
    }
    for (k, sum) in sums.iter_mut().enumerate() {
        sum.add(values.get(k).copied().unwrap_or(0.0));
    }
}

impl LevelSums {
    /// Adds one replication's shares; replications must come in replication order.
    pub fn add(&mut self, levels: &ResourceLevels) {
        add_padded(&mut self.in_use, &levels.in_use, self.replications);
        add_padded(
            &mut self.queue_at_least,
            &levels.queue_at_least,
            self.replications,
        );
        self.full.add(levels.full);
        self.replications += 1;
    }
}

/// One row of `levels.csv`, as plain data.
#[derive(Debug, Clone, PartialEq)]
pub struct LevelRow {
    /// Resource name.
    pub resource: String,
    /// `in_use` (share of time with exactly `k` units in use), `queue_at_least` (share
    /// of time with at least `k` waiting) or `full_house` (every unit on duty in use, at
    /// least one on duty; `k` is the most units on duty).
    pub measure: &'static str,
    /// The level.
    pub k: usize,
    /// Mean share across replications.
    pub mean: f64,
    /// 95% Student-t interval of the mean, clipped to 0 to 1 (a share; see
    /// [`clip_to_range`]).
    pub low: f64,
    /// Upper end.
    pub high: f64,
    /// Replications.
    pub replications: usize,
}

/// Every row of `levels.csv` for `scenario` from per-resource sums `levels`.
pub fn level_rows(scenario: &Scenario, levels: &[LevelSums]) -> Vec<LevelRow> {
    let mut rows = Vec::new();
    for (resource, sums) in scenario.resources.iter().zip(levels) {
        if sums.replications == 0 {
            continue;
        }
        let row = |measure, k, moments: &RunningMoments| {
            let (mean, _, low, high) = moments.mean_sd_ci();
            let (low, high) = clip_to_range(mean, low, high, known_range(Unit::Fraction, 1));
            LevelRow {
                resource: resource.name.clone(),
                measure,
                k,
                mean,
                low,
                high,
                replications: moments.count(),
            }
        };
        for (k, m) in sums.in_use.iter().enumerate() {
            rows.push(row("in_use", k, m));
        }
        rows.push(row("full_house", resource.peak() as usize, &sums.full));
        for (k, m) in sums.queue_at_least.iter().enumerate() {
            rows.push(row("queue_at_least", k, m));
        }
    }
    rows
}

/// Daily series and levels across replications, added in replication order.
#[derive(Debug, Clone)]
pub struct DailyAndLevels {
    /// The daily series.
    pub daily: DailySums,
    /// Per resource, in scenario order.
    pub levels: Vec<LevelSums>,
}

impl DailyAndLevels {
    /// Empty sums for `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        DailyAndLevels {
            daily: DailySums::new(scenario),
            levels: vec![LevelSums::default(); scenario.resources.len()],
        }
    }

    /// Adds one replication (in replication order); one without daily series or levels (read
    /// back from `replications.csv`) adds nothing.
    pub fn add(&mut self, result: &ReplicationResult) {
        self.add_parts(&result.daily, &result.levels);
    }

    /// Adds one replication's daily series and levels.
    pub fn add_parts(&mut self, daily: &[f64], levels: &[ResourceLevels]) {
        self.daily.add(daily);
        if levels.len() == self.levels.len() {
            for (sums, level) in self.levels.iter_mut().zip(levels) {
                sums.add(level);
            }
        }
    }

    /// Writes `daily.csv` and `levels.csv` into `folder` (nothing if no replication had
    /// them).
    ///
    /// # Errors
    /// [`OutputError::Io`] when a file cannot be written.
    pub fn write(&self, folder: &Path, scenario: &Scenario) -> Result<(), OutputError> {
        if self.daily.replications == 0 {
            return Ok(());
        }
        let path = folder.join(DAILY_CSV);
        write_atomic_with(&path, |out| {
            let mut writer = csv::Writer::from_writer(out);
            let io = |e: csv::Error| OutputError::Format {
                what: DAILY_CSV,
                message: e.to_string(),
            };
            writer.write_record(DAILY_COLUMNS).map_err(io)?;
            for row in self.daily.rows() {
                let mut fields = vec![
                    day_or_date(scenario, row.day),
                    row.series,
                    row.statistic.to_string(),
                ];
                fields.push(csv_number(row.mean));
                fields.extend(row.percentiles.iter().map(|v| csv_number(*v)));
                writer.write_record(&fields).map_err(io)?;
            }
            writer.flush().map_err(|e| OutputError::Io {
                path: path.clone(),
                source: e,
            })
        })?;
        let path = folder.join(LEVELS_CSV);
        write_atomic_with(&path, |out: &mut dyn Write| {
            let mut writer = csv::Writer::from_writer(out);
            let io = |e: csv::Error| OutputError::Format {
                what: LEVELS_CSV,
                message: e.to_string(),
            };
            writer.write_record(LEVELS_COLUMNS).map_err(io)?;
            for row in level_rows(scenario, &self.levels) {
                writer
                    .write_record([
                        row.resource,
                        row.measure.to_string(),
                        row.k.to_string(),
                        csv_number(row.mean),
                        csv_number(row.low),
                        csv_number(row.high),
                        row.replications.to_string(),
                    ])
                    .map_err(io)?;
            }
            writer.flush().map_err(|e| OutputError::Io {
                path: path.clone(),
                source: e,
            })
        })
    }
}
