//! Surge (flex) capacity: extra units of a resource that open while its queue is long.
//!
//! A rule watches one figure of the resource's own queue: the patients waiting now, or those
//! among them who have waited longer than a stated time. When that figure passes
//! [`SurgeRule::open_above`] the extra units are called; they arrive [`SurgeRule::open_delay`]
//! later (they come even if the queue has fallen meanwhile: the call was made), and stay
//! open at least [`SurgeRule::min_open`]. After that they close as soon as the figure is
//! below [`SurgeRule::close_below`]. Free extra units close at once; extra units in use
//! stay on duty until their patient frees them (an escalation bed closes when its patient
//! leaves), still counted and costed as surge units, never as overtime, and no new patient
//! starts on them. The extra units come on top of whatever the roster or dated period gives
//! at the time. Each unit costs [`SurgeRule::cost_per_unit_day`] for each day it is on
//! duty, used or not (the resource's own hourly and daily costs are not charged for it).
//!
//! This is the hysteresis ("two-threshold") control of escalation beds and on-call staff
//! described in NHS escalation frameworks (OPEL): open at one level, stand down at a lower one.

/// A flex rule on a resource (`[resources.NAME.surge]`).
#[derive(Debug, Clone, PartialEq)]
pub struct SurgeRule {
    /// Extra units while open [units], at least 1.
    pub units: u32,
    /// Count only patients who have waited longer than this [hours]; `None` counts every
    /// patient waiting.
    pub waited_over: Option<f64>,
    /// The extra units are called when the watched count is above this [patients].
    pub open_above: u32,
    /// Once open for `min_open`, they close when the count is below this [patients]; at
    /// most `open_above`.
    pub close_below: u32,
    /// Shortest time open [hours].
    pub min_open: f64,
    /// Time from the call to the units being available [hours].
    pub open_delay: f64,
    /// Cost of one extra unit for one day open [GBP/unit-day].
    pub cost_per_unit_day: f64,
}

impl SurgeRule {
    /// Whether a watched count of `count` patients calls the extra units.
    #[inline]
    pub fn calls(&self, count: u32) -> bool {
        count > self.open_above
    }

    /// Whether a watched count of `count` patients lets open units close (once open for
    /// at least `min_open`).
    #[inline]
    pub fn releases(&self, count: u32) -> bool {
        count < self.close_below
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule() -> SurgeRule {
        SurgeRule {
            units: 6,
            waited_over: Some(4.0),
            open_above: 15,
            close_below: 5,
            min_open: 48.0,
            open_delay: 4.0,
            cost_per_unit_day: 600.0,
        }
    }

    /// "More than 15" calls, 15 does not; "below 5" releases, 5 does not.
    #[test]
    fn thresholds_are_strict() {
        let rule = rule();
        assert!(!rule.calls(15));
        assert!(rule.calls(16));
        assert!(rule.releases(4));
        assert!(!rule.releases(5));
    }
}
