//! `[resources.NAME.surge]`: a flex rule as written, and its checking into a
//! [`SurgeRule`] (see `model::surge` for what the rule does).

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::compile::{Problems, bounded_count, non_negative_cost, within_a_century};
use super::units::DurationText;
use crate::model::surge::SurgeRule;

/// Most extra units a rule may open, and the largest threshold [units, patients].
const MAX_SURGE: u32 = 1_000_000;

/// `[resources.NAME.surge]`: extra units that open while the queue is long.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SurgeFile {
    /// Extra units while open, e.g. 6 escalation beds.
    pub units: Spanned<i64>,
    /// The units are called when more than this many patients are waiting (counting only
    /// those waiting longer than `waited_over`, if given).
    pub open_above: Spanned<i64>,
    /// Count only patients who have waited longer than this, e.g. `"4 h"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waited_over: Option<Spanned<DurationText>>,
    /// Once open for `min_open`, they close when fewer than this many are waiting (the
    /// same count); at most `open_above`.
    pub close_below: Spanned<i64>,
    /// Shortest time open (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_open: Option<Spanned<DurationText>>,
    /// Time from the call to the units being available (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_delay: Option<Spanned<DurationText>>,
    /// Cost of one extra unit for one day open [GBP/unit-day] (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_per_unit_day: Option<Spanned<f64>>,
}

/// Checks `surge` on resource `name` and turns it into a rule; every problem is recorded.
pub(super) fn compile(
    problems: &mut Problems,
    name: &str,
    surge: &Spanned<SurgeFile>,
) -> SurgeRule {
    let file = surge.get_ref();
    let units = bounded_count(
        problems,
        &file.units,
        "units",
        MAX_SURGE,
        "the extra units that open, e.g. units = 6",
    );
    if units == 0 && *file.units.get_ref() == 0 {
        problems.add(
            file.units.span(),
            format!("the surge rule of `{name}` opens no units (`units = 0`)"),
            "give the number of extra units, e.g. units = 6, or remove [resources.NAME.surge]",
        );
    }
    let open_above = bounded_count(
        problems,
        &file.open_above,
        "open_above",
        MAX_SURGE,
        "the units open when more than this many are waiting, e.g. open_above = 15",
    );
    let close_below = bounded_count(
        problems,
        &file.close_below,
        "close_below",
        MAX_SURGE,
        "the units close when fewer than this many are waiting, e.g. close_below = 5",
    );
    // Compared only when both counts were read: a count refused above reads as 0 here, and
    // comparing it would report a second, spurious problem.
    let read = |value: &Spanned<i64>| u32::try_from(*value.get_ref()).is_ok_and(|n| n <= MAX_SURGE);
    if *file.close_below.get_ref() == 0 {
        problems.add(
            file.close_below.span(),
            "`close_below = 0` would never close the surge units (no count is below 0)",
            "close when fewer than N are waiting, e.g. close_below = 1 to close once nobody waits",
        );
    } else if close_below > open_above && read(&file.open_above) && read(&file.close_below) {
        problems.add(
            file.close_below.span(),
            format!(
                "`close_below` ({close_below}) must be at most `open_above` ({open_above}): the units would close at once with the queue that opened them"
            ),
            "close at a lower level than the one that opens, e.g. open_above = 15, close_below = 5",
        );
    }
    let waited_over = file.waited_over.as_ref().map(|w| {
        let hours = w.get_ref().to_sim().hours();
        within_a_century(problems, w, "waited_over");
        if hours.is_nan() || hours <= 0.0 {
            problems.add(
                w.span(),
                format!("`waited_over` must be longer than zero, found \"{}\"", w.get_ref()),
                "count patients who have waited longer than this, e.g. waited_over = \"4 h\"; leave it out to count everyone waiting",
            );
        }
        hours
    });
    let duration = |problems: &mut Problems, value: &Option<Spanned<DurationText>>, key: &str| {
        value.as_ref().map_or(0.0, |d| {
            let hours = d.get_ref().to_sim().hours();
            within_a_century(problems, d, key);
            if hours < 0.0 {
                problems.add(
                    d.span(),
                    format!("`{key}` cannot be negative, found \"{}\"", d.get_ref()),
                    "a time from zero up, e.g. \"2 d\"",
                );
                return 0.0;
            }
            hours
        })
    };
    let min_open = duration(problems, &file.min_open, "min_open");
    let open_delay = duration(problems, &file.open_delay, "open_delay");
    SurgeRule {
        units,
        waited_over,
        open_above,
        close_below,
        min_open,
        open_delay,
        cost_per_unit_day: non_negative_cost(
            problems,
            file.cost_per_unit_day.as_ref(),
            "cost_per_unit_day",
        ),
    }
}

/// A surge rule watches one queue: refused on a resource some step asks for in several
/// units, with other resources or as an alternative (its queue is shared by requests).
pub(super) fn check_not_shared(
    problems: &mut Problems,
    name: &str,
    surge: &Spanned<SurgeFile>,
    shared: bool,
) {
    if shared {
        problems.add(
            surge.span(),
            format!(
                "a surge rule on `{name}` is not supported: some step asks for `{name}` in several units, together with another resource, or as one of `any_of`"
            ),
            "put the surge rule on a resource that every step asks for one unit at a time",
        );
    }
}
