//! The curves of a run (resource levels by hour of the week, waits by percentile) reduced
//! replication by replication into running sums, so that a run's memory does not grow with
//! its replication count: each replication's curves are added in replication order, then
//! dropped.

use super::bands::{Band, BandSums};
use crate::model::ReplicationResult;
use crate::model::scenario::Scenario;

/// Hours in a week: the points of an hour-of-week curve.
const WEEK_HOURS: usize = 168;
/// Percentiles of a wait curve: 0, 1, ..., 100.
const PERCENTILES: usize = 101;

/// One resource's hour-of-week levels, summed over replications.
#[derive(Debug, Clone)]
pub struct WeekSums {
    /// Units on duty or available.
    pub available: BandSums,
    /// Units held by patients.
    pub busy: BandSums,
    /// Patients waiting.
    pub waiting: BandSums,
}

/// One waiting point's waits, summed over replications.
#[derive(Debug, Clone)]
pub struct WaitSums {
    /// Replications in which anyone reached the waiting point.
    pub reached: usize,
    /// Sum over those replications of the share served there.
    share_sum: f64,
    /// Percentiles of the waits of those served, over the replications where anyone was.
    pub served: BandSums,
}

impl WaitSums {
    /// Mean over the replications where anyone reached the point of the share served
    /// there; 0 if nobody reached it in any replication.
    pub fn served_share(&self) -> f64 {
        self.share_sum / self.reached.max(1) as f64
    }
}

/// The curves of every replication of one design, reduced to running sums.
#[derive(Debug, Clone)]
pub struct Curves {
    /// Per resource, in scenario order.
    pub by_hour: Vec<WeekSums>,
    /// Whether every replication measured every hour of the week for every resource (a
    /// measured period shorter than a week has no hour-of-week shape).
    whole_week: bool,
    /// Per waiting point, in scenario order.
    pub waits: Vec<WaitSums>,
    /// Replications added.
    pub replications: usize,
    /// Day-by-day levels and time at each level, across replications.
    pub daily: super::daily::DailyAndLevels,
}

impl Curves {
    /// Empty sums for the resources and waiting points of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        let week = || WeekSums {
            available: BandSums::new(WEEK_HOURS),
            busy: BandSums::new(WEEK_HOURS),
            waiting: BandSums::new(WEEK_HOURS),
        };
        Curves {
            by_hour: (0..scenario.resources.len()).map(|_| week()).collect(),
            whole_week: true,
            waits: (0..scenario.waits.len())
                .map(|_| WaitSums {
                    reached: 0,
                    share_sum: -0.0,
                    served: BandSums::new(PERCENTILES),
                })
                .collect(),
            replications: 0,
            daily: super::daily::DailyAndLevels::new(scenario),
        }
    }

    /// Adds one replication's curves; replications must be added in replication order for
    /// the sums to be the same whatever the thread count.
    pub fn add(&mut self, result: &ReplicationResult) {
        self.replications += 1;
        self.daily.add(result);
        self.whole_week &= !result.by_hour.is_empty()
            && result
                .by_hour
                .iter()
                .all(|w| w.available.iter().all(|v| v.is_finite()));
        for (sums, week) in self.by_hour.iter_mut().zip(&result.by_hour) {
            sums.available.add(&week.available);
            sums.busy.add(&week.busy);
            sums.waiting.add(&week.waiting);
        }
        for (sums, curve) in self.waits.iter_mut().zip(&result.waits) {
            if curve.served_share.is_finite() {
                sums.reached += 1;
                sums.share_sum += curve.served_share;
                if curve.served_percentiles.len() == PERCENTILES {
                    sums.served.add(&curve.served_percentiles);
                }
            }
        }
    }

    /// Whether the hour-of-week curves can be drawn: at least one replication, each with a
    /// whole week measured.
    pub fn whole_week(&self) -> bool {
        self.replications > 0 && self.whole_week
    }

    /// The band of the waits of those served at waiting point `index`, if anyone was served
    /// in any replication.
    pub fn served_waits(&self, index: usize) -> Option<Band> {
        self.waits.get(index)?.served.band()
    }
}
