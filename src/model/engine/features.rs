//! Which optional features each resource of a scenario uses, found once when a replication
//! starts, so that the event loop pays one bit test, not a lookup and a call, where a
//! feature the scenario does not use would act: a flex rule (`surge`) watching a queue or a
//! freed unit, work that pauses at a shift end (`staffing`).
//!
//! One bit per resource id (a scenario has at most
//! [`MAX_RESOURCES`](crate::model::scenario::MAX_RESOURCES) = 64 resources, the width of a
//! patient's `held` set).

use crate::model::scenario::{MAX_RESOURCES, Scenario, ShiftEnd};

/// The resources that use each optional feature, one bit per resource id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Features {
    /// Resources with a flex rule (`surge`).
    surge: u64,
    /// Resources that pause work at a shift end (`at_shift_end = "pause"`).
    pauses: u64,
}

impl Features {
    /// The features of `scenario`'s resources.
    pub(super) fn of(scenario: &Scenario) -> Self {
        let mut features = Features::default();
        for (r, resource) in scenario.resources.iter().enumerate().take(MAX_RESOURCES) {
            let bit = 1u64 << r;
            if resource.surge.is_some() {
                features.surge |= bit;
            }
            if resource.at_shift_end == ShiftEnd::Pause {
                features.pauses |= bit;
            }
        }
        features
    }

    /// Whether resource `r` has a flex rule.
    #[inline(always)]
    pub(super) fn surge(self, r: usize) -> bool {
        self.surge & (1u64 << (r & 63)) != 0
    }

    /// Whether resource `r` pauses work at a shift end.
    #[inline(always)]
    pub(super) fn pauses(self, r: usize) -> bool {
        self.pauses & (1u64 << (r & 63)) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each resource's bits match its own settings, and only its own.
    #[test]
    fn bits_follow_each_resources_settings() {
        let text = r#"
[run]
name = "features"
horizon = "10 d"

[resources.plain]
count = 2

[resources.flexed]
count = 2
surge = { units = 1, open_above = 3, close_below = 1 }

[resources.nurse]
roster = [{ days = ["every_day"], start = "08:00", end = "20:00", count = 2 }]
at_shift_end = "pause"

[arrivals.walk_in]
pathway = "p"
per_day = 10.0

[pathways.p]

[[pathways.p.steps]]
name = "a"
activity = { resource = "plain", duration = { fixed = "1 h" } }

[[pathways.p.steps]]
name = "b"
activity = { resource = "flexed", duration = { fixed = "1 h" } }

[[pathways.p.steps]]
name = "c"
activity = { resource = "nurse", duration = { fixed = "1 h" } }

[[pathways.p.steps]]
name = "done"
end = { outcome = "home" }
"#;
        let scenario = crate::scenario::parse("features.toml", text)
            .expect("a valid scenario")
            .scenario;
        let index = |name: &str| {
            scenario
                .resources
                .iter()
                .position(|r| r.name == name)
                .expect("declared")
        };
        let features = Features::of(&scenario);
        let (plain, flexed, nurse) = (index("plain"), index("flexed"), index("nurse"));
        assert!(!features.surge(plain) && !features.pauses(plain));
        assert!(features.surge(flexed) && !features.pauses(flexed));
        assert!(!features.surge(nurse) && features.pauses(nurse));
    }
}
