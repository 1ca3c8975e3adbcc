//! Whether a run's queues settled or were still growing at the end: a design whose demand
//! outruns a resource has a queue that grows for as long as it runs, and its figures then
//! depend on the run length (total cost can even fall, as patients who wait cost nothing
//! while others are never served). A sweep flags such points and never calls one of them
//! the cheapest.
//!
//! The rule, per resource, from the metrics `<resource>.queue.second_quarter` and
//! `<resource>.queue.last_quarter` (mean patients waiting over the second and the last
//! quarter of the measured period) of every replication: with `d` the growth, last minus
//! second quarter, in each replication that has both, the queue is **growing** when
//! - the mean growth is at least [`MIN_GROWTH_PATIENTS`] patients and at least
//!   [`MIN_GROWTH_SHARE`] of the mean second-quarter queue, and
//! - with two or more replications, the 95% confidence interval of the mean growth lies
//!   above zero (judged across replications, so one unlucky replication does not flag it).
//!
//! A design is **unstable** when any of its resources has a growing queue. A queue that grows
//! linearly from the end of the warm-up has a last-quarter mean more than twice its
//! second-quarter mean, far past both thresholds; a settled queue's growth is noise around
//! zero, whose interval includes zero.

use crate::model::ReplicationResult;
use crate::model::scenario::Scenario;

use super::statistics::RunningMoments;

/// Smallest mean growth of a queue, last quarter over second, that counts [patients]: a
/// queue of a fraction of a patient that doubles is not gridlock.
pub const MIN_GROWTH_PATIENTS: f64 = 1.0;

/// Smallest mean growth that counts, as a share of the second quarter's mean queue.
pub const MIN_GROWTH_SHARE: f64 = 0.25;

/// A queue still growing at the end of the run.
#[derive(Debug, Clone, PartialEq)]
pub struct GrowingQueue {
    /// The resource waited for (its name in the scenario).
    pub resource: String,
    /// Mean patients waiting over the second quarter of the measured period [patients].
    pub second_quarter: f64,
    /// Mean patients waiting over the last quarter [patients].
    pub last_quarter: f64,
}

/// The queue growth of one design's resources, summed as its replications finish: for each
/// resource, the growth (last minus second quarter), the second- and the last-quarter means of
/// every replication that has both. Fixed size whatever the number of replications; add
/// replications in replication order for results that do not depend on the thread count.
#[derive(Debug, Clone)]
pub struct QueueGrowthSums {
    resources: Vec<ResourceGrowth>,
}

#[derive(Debug, Clone)]
struct ResourceGrowth {
    resource: String,
    second_name: String,
    last_name: String,
    growth: RunningMoments,
    second: RunningMoments,
    last: RunningMoments,
}

impl QueueGrowthSums {
    /// No replications yet, for the resources of `scenario`.
    pub fn new(scenario: &Scenario) -> Self {
        QueueGrowthSums {
            resources: scenario
                .resources
                .iter()
                .map(|resource| ResourceGrowth {
                    resource: resource.name.clone(),
                    second_name: format!("{}.queue.second_quarter", resource.name),
                    last_name: format!("{}.queue.last_quarter", resource.name),
                    growth: RunningMoments::new(),
                    second: RunningMoments::new(),
                    last: RunningMoments::new(),
                })
                .collect(),
        }
    }

    /// Adds one replication's quarter means (a resource without both is left out for it).
    pub fn add(&mut self, result: &ReplicationResult) {
        let value = |name: &str| {
            result
                .metrics
                .iter()
                .find(|m| &*m.name == name)
                .map_or(f64::NAN, |m| m.value)
        };
        for r in &mut self.resources {
            let (second, last) = (value(&r.second_name), value(&r.last_name));
            if second.is_nan() || last.is_nan() {
                continue;
            }
            r.growth.add(last - second);
            r.second.add(second);
            r.last.add(last);
        }
    }

    /// The queues still growing at the end (see the module header for the rule); empty for
    /// a design that settled.
    pub fn growing(&self) -> Vec<GrowingQueue> {
        self.resources
            .iter()
            .filter(|r| r.growth.count() > 0)
            .filter_map(|r| {
                let (mean_growth, _, low, _) = r.growth.mean_sd_ci();
                let second = r.second.mean();
                let large =
                    mean_growth >= MIN_GROWTH_PATIENTS && mean_growth >= MIN_GROWTH_SHARE * second;
                let clear = r.growth.count() < 2 || low > 0.0;
                (large && clear).then(|| GrowingQueue {
                    resource: r.resource.clone(),
                    second_quarter: second,
                    last_quarter: r.last.mean(),
                })
            })
            .collect()
    }
}

/// The queues of `scenario` that were still growing at the end of its replications
/// `results` (see the module header for the rule); empty for a design that settled.
pub fn growing_queues(scenario: &Scenario, results: &[ReplicationResult]) -> Vec<GrowingQueue> {
    let mut sums = QueueGrowthSums::new(scenario);
    results.iter().for_each(|r| sums.add(r));
    sums.growing()
}

/// The growing queues in words, for the console and the report:
/// `Acute beds: 12.0 patients waiting on average in the second quarter, 371 in the last`.
pub fn describe(scenario: &Scenario, growing: &[GrowingQueue]) -> String {
    growing
        .iter()
        .map(|g| {
            format!(
                "queue for {} grew from {:.0} to {:.0} patients (mean, second to last quarter of the run)",
                scenario
                    .resource_title_named(&g.resource)
                    .to_lowercase(),
                g.second_quarter,
                g.last_quarter
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MetricValue, Unit};

    fn scenario() -> Scenario {
        let file: crate::scenario::file::ScenarioFile = toml::from_str(
            r#"
            [run]
            name = "q"
            horizon = "40 d"
            [resources.bed]
            count = 1
            [arrivals.a]
            pathway = "p"
            per_day = 1.0
            [[pathways.p.steps]]
            name = "stay"
            activity = { resource = "bed", duration = { fixed = "1 h" } }
            [[pathways.p.steps]]
            name = "out"
            end = { outcome = "done" }
            "#,
        )
        .expect("test scenario parses");
        crate::scenario::compile::compile(&file).expect("test scenario compiles")
    }

    fn replication(second: f64, last: f64) -> ReplicationResult {
        let metric = |name: &str, value: f64| MetricValue {
            name: name.into(),
            unit: Unit::Patients,
            value,
        };
        ReplicationResult {
            replication: 0,
            metrics: vec![
                metric("bed.queue.second_quarter", second),
                metric("bed.queue.last_quarter", last),
            ],
            by_hour: Vec::new(),
            waits: Vec::new(),
            events: 0,
            daily: Vec::new(),
            levels: Vec::new(),
        }
    }

    #[test]
    fn a_queue_that_keeps_growing_is_flagged_and_a_settled_one_is_not() {
        let scenario = scenario();
        let growing: Vec<_> = [(10.0, 30.0), (12.0, 35.0), (9.0, 28.0)]
            .iter()
            .map(|&(a, b)| replication(a, b))
            .collect();
        let found = growing_queues(&scenario, &growing);
        assert_eq!(found.len(), 1);
        assert!((found[0].second_quarter - 31.0 / 3.0).abs() < 1e-12);
        assert!((found[0].last_quarter - 31.0).abs() < 1e-12);
        // Noise around a steady queue: growth of both signs, interval across zero.
        let settled: Vec<_> = [(10.0, 14.0), (12.0, 8.0), (9.0, 12.0)]
            .iter()
            .map(|&(a, b)| replication(a, b))
            .collect();
        assert!(growing_queues(&scenario, &settled).is_empty());
        // Growth that is clear but tiny (a tenth of a patient) is not gridlock.
        let tiny: Vec<_> = [(0.01, 0.1), (0.02, 0.12), (0.01, 0.11)]
            .iter()
            .map(|&(a, b)| replication(a, b))
            .collect();
        assert!(growing_queues(&scenario, &tiny).is_empty());
        // Clear growth that is small against a long queue (5 on 100) is not flagged.
        let long: Vec<_> = [(100.0, 105.0), (100.0, 105.5), (100.0, 104.5)]
            .iter()
            .map(|&(a, b)| replication(a, b))
            .collect();
        assert!(growing_queues(&scenario, &long).is_empty());
    }
}
