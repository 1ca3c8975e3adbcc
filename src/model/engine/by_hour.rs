//! Resource levels by hour of the week: for each resource, the time-averaged units available,
//! units busy and patients waiting in each of the 168 hours of the week, after the warm-up.
//!
//! An hourly tick differences the resources' running integrals, so the averages are exact
//! time averages and the event loop itself does no extra work per event.

use super::resources::ResourceState;
use crate::kernel::time::HOURS_PER_WEEK;
use crate::model::metrics::ResourceWeek;

/// Hours in a week, as a table length.
const WEEK_HOURS: usize = HOURS_PER_WEEK as usize;

/// Integrals of (available, busy, waiting) per hour of the week, for every resource.
pub(super) struct ByHour {
    /// Hours observed in each hour of the week (fractions at the edges of the run).
    exposure: [f64; WEEK_HOURS],
    /// `sums[resource][hour]` = (available, busy, waiting) integrals [unit-hours].
    sums: Vec<[[f64; 3]; WEEK_HOURS]>,
    /// Each resource's integrals at the previous tick.
    previous: Vec<[f64; 3]>,
    /// When the previous tick happened [hours since the start].
    last_tick: f64,
}

impl ByHour {
    /// Empty tables for `resources` resources, counting from `start`.
    pub(super) fn new(resources: usize, start: f64) -> Self {
        ByHour {
            exposure: [0.0; WEEK_HOURS],
            sums: vec![[[0.0; 3]; WEEK_HOURS]; resources],
            previous: vec![[0.0; 3]; resources],
            last_tick: start,
        }
    }

    /// Forgets everything and counts afresh from `now`, when the resources' integrals have
    /// just been restarted (end of the warm-up).
    pub(super) fn restart(&mut self, now: f64) {
        *self = ByHour::new(self.sums.len(), now);
    }

    /// Adds the interval since the previous tick, which lies within hour of the week `hour`,
    /// to every resource's table. The resources are accrued up to `now` by the caller.
    pub(super) fn tick(&mut self, now: f64, hour: usize, resources: &[ResourceState]) {
        let hour = hour.min(WEEK_HOURS - 1);
        self.exposure[hour] += now - self.last_tick;
        for ((sums, previous), state) in self.sums.iter_mut().zip(&mut self.previous).zip(resources)
        {
            let areas = [
                state.capacity_area.area,
                state.busy_area.area,
                state.waiting_area.area,
            ];
            for k in 0..3 {
                sums[hour][k] += areas[k] - previous[k];
            }
            *previous = areas;
        }
        self.last_tick = now;
    }

    /// Adds `unit_hours` of resource `r` busy in hour of the week `hour` (work recorded after
    /// the run: rostered home visits, see `visits`).
    pub(super) fn add_busy(&mut self, r: usize, hour: usize, unit_hours: f64) {
        self.sums[r][hour.min(WEEK_HOURS - 1)][1] += unit_hours;
    }

    /// When the previous tick happened [hours since the start].
    pub(super) fn last_tick(&self) -> f64 {
        self.last_tick
    }

    /// The averages per resource; an hour of the week never observed (a run shorter than a
    /// week) is NaN.
    pub(super) fn averages(&self) -> Vec<ResourceWeek> {
        self.sums
            .iter()
            .map(|sums| {
                let mean = |k: usize| -> Vec<f64> {
                    (0..WEEK_HOURS)
                        .map(|h| {
                            if self.exposure[h] > 0.0 {
                                sums[h][k] / self.exposure[h]
                            } else {
                                f64::NAN
                            }
                        })
                        .collect()
                };
                ResourceWeek {
                    available: mean(0),
                    busy: mean(1),
                    waiting: mean(2),
                }
            })
            .collect()
    }
}
