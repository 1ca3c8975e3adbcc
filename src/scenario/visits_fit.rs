//! Home-visit plans that can never be delivered, refused at their `visits` step (issue 12
//! item 3, audit): otherwise the run starts no episode, or misses every visit, and says
//! nothing of why.
//!
//! - With `slots_per_day` and the IPACS start rule (`start = "when_plan_fits"`, the default
//!   there): a plan's first day has `initial_per_day` visits, each taking one slot, or two
//!   for a double-handed patient. If a day's slots are fewer, that plan never fits on any
//!   day and its patient never starts: refused for every patient (single-handed plans too
//!   big) or for the double-handed share (`double_handed` above 0). A plan of two days or
//!   more ends on a day of `final_per_day` visits (see `VisitPlan::visits_on`), so a plan
//!   rising to more visits than the slots is refused too, for the patients whose stay can
//!   round to two days or more (a length of stay that can reach 36 h, not truncated at 2
//!   days or fewer). Slots are the same every day, so such a plan fits on no day.
//! - Within a roster (`resource`): a visit takes `visit + travel` of a carer's time inside
//!   their shift (see `model::visit_rota`). If that is longer than the longest stretch of
//!   the week with a carer on duty, no visit can ever be made; a double-handed visit needs
//!   two carers on duty together for that long. Checked on the usual week of a resource
//!   without dated periods (a dated period may add the carers a plan needs), after any
//!   `--set`.

use super::diagnostics::Problems;
use super::file::ScenarioFile;
use crate::model::describe::number;
use crate::model::scenario::Resource;
use crate::model::visit_plan::{VisitCapacity, VisitEpisode};
use crate::model::week_schedule::WeekSchedule;

/// Refuses the `visits` steps of `file` whose compiled `episodes` (in step order) can never
/// be delivered with `resources` (see the module header).
pub fn check(
    problems: &mut Problems,
    file: &ScenarioFile,
    episodes: &[VisitEpisode],
    resources: &[Resource],
) {
    let spans: Vec<_> = file
        .pathways
        .values()
        .flat_map(|p| p.get_ref().steps.get_ref().iter())
        .filter_map(|s| s.get_ref().visits.as_ref().map(toml::Spanned::span))
        .collect();
    if spans.len() != episodes.len() {
        return;
    }
    for (episode, span) in episodes.iter().zip(spans) {
        let share = episode.double_handed;
        let who = |carers: u32| {
            if carers == 1 {
                "no patient".to_string()
            } else if share >= 1.0 {
                "no patient (all are double-handed, `double_handed = 1`)".to_string()
            } else {
                format!(
                    "no double-handed patient (`double_handed = {share}`: {:.0}% of patients)",
                    share * 100.0
                )
            }
        };
        // Carers per visit that some patient needs: one unless all are double-handed, and
        // two if any are.
        let needs: Vec<u32> = [(share < 1.0, 1), (share > 0.0, 2)]
            .into_iter()
            .filter_map(|(any, carers)| any.then_some(carers))
            .collect();
        match &episode.capacity {
            VisitCapacity::Slots { per_day } if episode.wait_for_fit => {
                // The plan's days that every patient has (the first) and that those staying
                // two days or more have (the last), busiest first.
                let mut days = vec![("first", episode.initial_per_day, "")];
                if stays_two_days_or_more(episode) {
                    days.push(("last", episode.final_per_day, " staying more than a day"));
                }
                days.sort_by_key(|d| std::cmp::Reverse(d.1));
                let Some((&carers, &(day, visits, staying))) = needs.iter().find_map(|c| {
                    days.iter()
                        .find(|d| d.1.saturating_mul(*c) > *per_day)
                        .map(|d| (c, d))
                }) else {
                    continue;
                };
                let slots = visits.saturating_mul(carers);
                let key = if day == "first" {
                    "initial_per_day"
                } else {
                    "final_per_day"
                };
                problems.add(
                    span,
                    format!(
                        "this visit plan can never fit, so {}{staying} could ever start: its {day} day has {visits} visits, taking {slots} slots{}, but there are {per_day} slots a day",
                        who(carers),
                        if carers == 2 { " (two carers each)" } else { "" }
                    ),
                    &format!(
                        "raise slots_per_day to at least {slots}, or lower {key}{}",
                        if carers == 2 { ", or double_handed" } else { "" }
                    ),
                );
            }
            VisitCapacity::Slots { .. } => {}
            VisitCapacity::Roster { resources: pools } => {
                let visit = episode.visit_hours + episode.travel_hours;
                for &carers in &needs {
                    let usable: Vec<&Resource> = pools
                        .iter()
                        .filter_map(|r| resources.get(r.0 as usize))
                        .collect();
                    if usable.iter().any(|r| r.dated.is_some()) {
                        break;
                    }
                    let longest = usable
                        .iter()
                        .map(|r| longest_on_duty(&r.schedule, carers))
                        .fold(0.0, f64::max);
                    if visit <= longest + 1e-9 {
                        continue;
                    }
                    let names: Vec<String> =
                        usable.iter().map(|r| format!("`{}`", r.name)).collect();
                    let on = if carers == 1 {
                        "a carer".to_string()
                    } else {
                        "two carers together".to_string()
                    };
                    let found = if longest > 0.0 {
                        format!(
                            "{} has {on} on duty for at most {} h at a stretch",
                            names.join(" or "),
                            number(longest)
                        )
                    } else {
                        format!("{} never has {on} on duty", names.join(" or "))
                    };
                    problems.add(
                        span.clone(),
                        format!(
                            "this visit plan can never be delivered, so {} would ever have a visit made: a visit takes {} h (visit and travel) of {on}, but {found}",
                            who(carers),
                            number(visit)
                        ),
                        &if carers == 1 {
                            "make the shifts in the roster longer than a visit and its travel, or shorten `visit` or `travel`".to_string()
                        } else {
                            "roster two carers on duty together for longer than a visit and its travel, or lower double_handed".to_string()
                        },
                    );
                    break;
                }
            }
        }
    }
}

/// Whether a patient's stay in `episode` can be two days or more: a drawn length of stay
/// rounds to whole days half to even (`VisitEpisode::stay_days`), so a draw of 36 h or more
/// can, unless stays of 2 days or more are redrawn (`truncate_at` of 2 days or less).
fn stays_two_days_or_more(episode: &VisitEpisode) -> bool {
    let truncated_below_two = episode.truncate_at_days.is_some_and(|limit| limit <= 2);
    !truncated_below_two && episode.length_of_stay.upper_bound() >= 36.0
}

/// The longest stretch of the week [hours] with at least `carers` units on duty, the week
/// repeating (a stretch over Sunday midnight counts whole); infinite if always.
fn longest_on_duty(schedule: &WeekSchedule, carers: u32) -> f64 {
    let segments = schedule.segments();
    if segments.iter().all(|s| s.level >= carers) {
        return f64::INFINITY;
    }
    let end_of = |i: usize| segments.get(i + 1).map_or(168.0, |s| s.start);
    let (mut longest, mut run) = (0.0_f64, 0.0_f64);
    // Twice round the week, so a stretch across the week's end is measured whole.
    for _lap in 0..2 {
        for (i, segment) in segments.iter().enumerate() {
            if segment.level >= carers {
                run += end_of(i) - segment.start;
                longest = longest.max(run);
            } else {
                run = 0.0;
            }
        }
    }
    longest
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::week_schedule::ShiftLine;

    #[test]
    fn the_longest_stretch_on_duty_wraps_round_the_week() {
        assert_eq!(
            longest_on_duty(&WeekSchedule::constant(2), 2),
            f64::INFINITY
        );
        assert_eq!(longest_on_duty(&WeekSchedule::constant(1), 2), 0.0);
        // Every day 08:00 to 20:00, one carer: 12 h stretches.
        let lines: Vec<ShiftLine> = (0..7)
            .map(|day| ShiftLine {
                day,
                start: 8.0,
                end: 20.0,
                count: 1,
            })
            .collect();
        let day = WeekSchedule::from_shifts(&lines, 10).unwrap();
        assert!((longest_on_duty(&day, 1) - 12.0).abs() < 1e-9);
        // Sunday 20:00 to Monday 08:00 (a night across the week's end): 12 h.
        let night = WeekSchedule::from_shifts(
            &[ShiftLine {
                day: 6,
                start: 20.0,
                end: 32.0,
                count: 1,
            }],
            10,
        )
        .unwrap();
        assert!((longest_on_duty(&night, 1) - 12.0).abs() < 1e-9);
    }
}
