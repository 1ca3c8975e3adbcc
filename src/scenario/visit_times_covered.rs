//! Stated visit `times` that no carer could ever make, refused at the time as written: every
//! visit due then would be missed, silently.
//!
//! The rule follows the rota's placement (`model::visit_rota`): a visit due at `T` on day `d`
//! takes `visit + travel` of a carer's time; the carer sets off at `T - travel` at the
//! earliest, later if not yet on shift (the visit is then late, not missed), and must end it
//! within one shift of that day (a day's rota runs from midnight to midnight, so a shift is
//! cut at midnight). A carer on shift over `(a, b)` can make it only if
//! `max(T - travel, a) + visit + travel <= b`; a due time before a shift starts is made late
//! at the shift's start, so only a time too late in the day for any shift to fit the visit
//! after it is never made. A visit is refused when, on **every** day of the run (time zero to
//! its end, warm-up included, and at least the run's first week so that every day of the
//! week is tried), no on-shift interval of any of the step's carers (`resource`, or any of
//! its `any_of`) has room for it: the days are read from the roster as the engine reads them
//! (dated periods and bank holidays included). Partial cover (some days only) is accepted.
//! Only the times a day's plan can use are checked (a day of `n` visits takes the first `n`
//! of `times`, and a plan has at most `max(initial_per_day, final_per_day)`). Checked for a
//! single-handed visit, so also true of a double-handed one (which needs two carers at once);
//! other visits that may keep the carers busy are not counted (they may be late or missed for
//! that reason, which is the run's to say, not refused).

use toml::Spanned;

use super::diagnostics::Problems;
use super::file::ScenarioFile;
use super::units::ClockTime;
use crate::model::scenario::Resource;
use crate::model::visit_plan::{VisitCapacity, VisitEpisode};
use crate::model::visit_rota::day_levels;

/// A step's `times` as written, each with its place.
type StatedTimes = Spanned<Vec<Spanned<ClockTime>>>;

/// Slack for comparing clock times [hours], as the rota's.
const EPS: f64 = 1e-9;

/// Refuses every stated visit time of `file`'s `visits` steps (compiled as `episodes`, in
/// step order) that no shift of the step's carers (`resources`) on any day of the run has
/// room for (see the module header). `week_offset`: hours from Monday 00:00 to time zero;
/// `end`: the run's end [hours since time zero].
pub fn check(
    problems: &mut Problems,
    file: &ScenarioFile,
    episodes: &[VisitEpisode],
    resources: &[Resource],
    week_offset: f64,
    end: f64,
) {
    // Every visits step as written, in the order the episodes were compiled.
    let written: Vec<(String, Option<&StatedTimes>)> = file
        .pathways
        .iter()
        .flat_map(|(pathway, p)| {
            p.get_ref().steps.get_ref().iter().filter_map(move |s| {
                let s = s.get_ref();
                let v = s.visits.as_ref()?.get_ref();
                Some((format!("{pathway}.{}", s.name.get_ref()), v.times.as_ref()))
            })
        })
        .collect();
    if written.len() != episodes.len() || !end.is_finite() {
        return;
    }
    // The days tried: those of the run, and at least a week.
    let last_day = ((end.max(0.0) / 24.0).floor() as usize).max(6);
    let mut levels = Vec::new();
    for ((step, times), episode) in written.iter().zip(episodes) {
        let (Some(times), VisitCapacity::Roster { resources: pools }) = (times, &episode.capacity)
        else {
            continue;
        };
        let carers: Vec<&Resource> = pools
            .iter()
            .filter_map(|r| resources.get(r.0 as usize))
            .collect();
        let used =
            (episode.initial_per_day.max(episode.final_per_day) as usize).min(episode.times.len());
        let hours = episode.visit_hours + episode.travel_hours;
        let mut uncovered: Vec<usize> = (0..used).collect();
        // The latest clock time [hours after midnight] a visit could be due and still be made
        // on some day: a shift's end less the visit, for shifts long enough for it.
        let mut latest: Option<f64> = None;
        for day in 0..=last_day {
            let midnight = day as f64 * 24.0;
            for resource in &carers {
                day_levels(resource, day, week_offset, &mut levels);
                for (a, b) in on_shift(&levels) {
                    if a + hours <= b + EPS {
                        let due = b - midnight - episode.visit_hours;
                        latest = Some(latest.map_or(due, |l: f64| l.max(due)));
                    }
                    uncovered.retain(|&k| {
                        let earliest = midnight + episode.times[k] - episode.travel_hours;
                        earliest.max(a) + hours > b + EPS
                    });
                }
            }
            if uncovered.is_empty() {
                break;
            }
        }
        let names = carers
            .iter()
            .map(|r| format!("`{}`", r.name))
            .collect::<Vec<_>>()
            .join(" or ");
        for k in uncovered {
            let Some(time) = times.get_ref().get(k) else {
                continue;
            };
            let due = episode.times[k];
            let ends = ClockTime {
                hours: ceil_minute(due + episode.visit_hours).min(24.0),
            };
            let help = match latest {
                Some(l) if l >= 0.0 => format!(
                    "move \"{}\" to {} or earlier, or add a shift to {names} ending at {ends} or later",
                    time.get_ref(),
                    ClockTime {
                        hours: floor_minute(l)
                    }
                ),
                _ => format!("add a shift to {names} ending at {ends} or later"),
            };
            let visit = if episode.travel_hours > 0.0 {
                format!(
                    "travel from {} before it is due, then {} at the home",
                    duration_words(episode.travel_hours),
                    duration_words(episode.visit_hours)
                )
            } else {
                format!(
                    "{} at the home from when it is due",
                    duration_words(episode.visit_hours)
                )
            };
            problems.add(
                time.span(),
                format!(
                    "visits `{step}` due at \"{}\" can never be made, so every one would be missed: no shift of {names} on any day of the run has room for the visit ({visit}) before the shift ends",
                    time.get_ref(),
                ),
                &help,
            );
        }
    }
}

/// The maximal intervals of a day's `levels` with at least one unit on shift.
fn on_shift(levels: &[(f64, f64, u32)]) -> impl Iterator<Item = (f64, f64)> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        while i < levels.len() && levels[i].2 == 0 {
            i += 1;
        }
        let a = levels.get(i)?.0;
        let mut b = a;
        while i < levels.len() && levels[i].2 > 0 {
            b = levels[i].1;
            i += 1;
        }
        Some((a, b))
    })
}

/// `hours` rounded down to a whole minute (with a clock-slack allowance).
fn floor_minute(hours: f64) -> f64 {
    (hours * 60.0 + 1e-6).floor() / 60.0
}

/// `hours` rounded up to a whole minute (with a clock-slack allowance).
fn ceil_minute(hours: f64) -> f64 {
    (hours * 60.0 - 1e-6).ceil() / 60.0
}

/// `hours` in words to the minute: "45 min", "1 h", "1 h 30 min".
fn duration_words(hours: f64) -> String {
    let minutes = (hours * 60.0).round() as u64;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::on_shift;

    #[test]
    fn on_shift_joins_levels_above_zero() {
        let levels = [
            (0.0, 8.0, 0),
            (8.0, 10.0, 1),
            (10.0, 12.0, 3),
            (12.0, 13.0, 0),
            (13.0, 24.0, 2),
        ];
        let got: Vec<(f64, f64)> = on_shift(&levels).collect();
        assert_eq!(got, vec![(8.0, 12.0), (13.0, 24.0)]);
        assert_eq!(on_shift(&[(0.0, 24.0, 0)]).count(), 0);
    }

    #[test]
    fn durations_read_to_the_minute() {
        assert_eq!(super::duration_words(0.75), "45 min");
        assert_eq!(super::duration_words(1.0), "1 h");
        assert_eq!(super::duration_words(1.5), "1 h 30 min");
    }
}
