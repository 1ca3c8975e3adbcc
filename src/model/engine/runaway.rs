//! The bound on patients inside: a run whose patients grow without bound (demand above
//! capacity, a growth rate or stacked demand changes that outrun the staff, a huge census)
//! stops with `SimError::TooManyInside` before it exhausts memory, naming the resource
//! whose queue grew and the demand on it against its capacity.
//!
//! The check itself is one comparison per arrival in the event loop (`on_arrival`); the
//! message is built only when it fails, from `model::load` (the long-run estimate `check`
//! also uses).

use super::{SimError, Simulation};
use crate::model::load::offered_loads;

impl Simulation<'_> {
    /// The error for too many patients inside: names the resource with the longest queue
    /// and compares its offered load with its units.
    pub(super) fn too_many_inside(&self) -> SimError {
        let scenario = self.scenario;
        let longest = (0..self.resources.len())
            .filter(|&r| self.resources[r].waiting > 0)
            .max_by_key(|&r| self.resources[r].waiting);
        let fix = format!(
            "if this many patients is right, raise `max_patients_inside` in [run] (or --set run.max_patients_inside={})",
            scenario.max_inside.saturating_mul(10)
        );
        let culprit = match longest {
            Some(r) => {
                let name = &scenario.resources[r].name;
                let load = &offered_loads(scenario)[r];
                format!(
                    "the queue for `{name}` grew to {} patients. `{name}` is offered about {:.1} patients an hour x {:.2} h each = {:.1} units busy on average, against {:.1} units (offered load over the measured period, before growth). \
                     help: add units of `{name}`, shorten the work, or lower the referrals; {fix}",
                    self.resources[r].waiting,
                    load.starts_per_hour,
                    load.mean_hold_hours,
                    load.offered,
                    load.capacity,
                )
            }
            None => format!(
                "no resource has a queue, so the patients are in delays and handoffs (or the census is that large). \
                 help: check the referral volumes and the lengths of delays; {fix}"
            ),
        };
        SimError::TooManyInside {
            limit: scenario.max_inside,
            day: self.now / 24.0,
            culprit,
        }
    }
}
