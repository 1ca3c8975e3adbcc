//! When a source's referrals come: the keys `per_day` (a Poisson process, shaped by the
//! profiles), `interarrival` (booked appointments), `times` (a list replayed as written) and
//! `file` (a CSV record, read by `arrival_records` once the scenario has compiled).
//!
//! Owns the choice between them and the checks of `interarrival` and `times`; the Poisson
//! rate itself stays with the rest of `[arrivals]` in `compile`.

use toml::Spanned;

use super::arrival_records::{equivalent_hourly_rate, parse_time};
use super::compile::{Problems, compile_distribution};
use super::file::ArrivalFile;
use crate::model::scenario::{ArrivalTiming, RecordedArrivals};

/// What [`compile_timing`] found: the timing and, for the timings other than Poisson, the
/// equivalent hourly rate.
pub enum Timing {
    /// `per_day`: the caller builds the Poisson rate.
    Poisson(f64),
    /// Another timing, with its equivalent rate by hour of the week [patients/hour].
    Other(ArrivalTiming, Box<[f64; 168]>),
}

/// Checks that source `name` says when its referrals come in exactly one way, and compiles
/// `interarrival` and `times`; a `file` becomes an empty record, filled when the file is read.
/// `start` is the run's start date (for date-times), `week_offset` the hours from Monday
/// 00:00 to time zero and `run_hours` the run's length. `None` after a problem.
pub fn compile_timing(
    problems: &mut Problems,
    name: &str,
    arrival: &Spanned<ArrivalFile>,
    start: Option<jiff::civil::Date>,
    week_offset: f64,
    run_hours: f64,
) -> Option<Timing> {
    let file = arrival.get_ref();
    let given: Vec<(&str, std::ops::Range<usize>)> = [
        ("per_day", file.per_day.as_ref().map(Spanned::span)),
        (
            "interarrival",
            file.interarrival.as_ref().map(Spanned::span),
        ),
        ("times", file.times.as_ref().map(Spanned::span)),
        ("file", file.file.as_ref().map(Spanned::span)),
    ]
    .into_iter()
    .filter_map(|(key, span)| span.map(|span| (key, span)))
    .collect();
    match given.as_slice() {
        [] => {
            problems.add(
                arrival.span(),
                format!("arrivals `{name}` do not say when referrals come"),
                "add one of: per_day = 12.5 (random, Poisson), interarrival = { fixed = \"20 min\" } (booked), times = [\"1 h\", \"2.5 h\"], or file = \"arrivals.csv\" (recorded)",
            );
            return None;
        }
        [_] => {}
        [(first, _), (second, span), ..] => {
            problems.add(
                span.clone(),
                format!("arrivals `{name}` have both `{first}` and `{second}`"),
                "a source's referrals come in one way; keep one of them, or split the source in two",
            );
            return None;
        }
    }
    if file.per_day.is_none() {
        let shaping = [
            (
                "hour_profile",
                file.hour_profile.as_ref().map(Spanned::span),
            ),
            ("day_profile", file.day_profile.as_ref().map(Spanned::span)),
            (
                "month_profile",
                file.month_profile.as_ref().map(Spanned::span),
            ),
            (
                "growth_per_year",
                file.growth_per_year.as_ref().map(Spanned::span),
            ),
        ];
        for (key, span) in shaping {
            if let Some(span) = span {
                problems.add(
                    span,
                    format!("`{key}` shapes random (`per_day`) referrals, but arrivals `{name}` use `{}`", given[0].0),
                    "delete it: booked and recorded arrivals come exactly when written",
                );
            }
        }
    }
    if let Some(per_day) = &file.per_day {
        return Some(Timing::Poisson(*per_day.get_ref()));
    }
    if let Some(gap) = &file.interarrival {
        let distribution = compile_distribution(problems, gap)?;
        let mean = distribution.mean();
        if mean.is_nan() || mean <= 0.0 {
            problems.add(
                gap.span(),
                "`interarrival` needs a mean above zero",
                "the time between booked arrivals, e.g. interarrival = { fixed = \"20 min\" }",
            );
            return None;
        }
        let rate = Box::new([1.0 / mean; 168]);
        return Some(Timing::Other(
            ArrivalTiming::Interarrival(distribution),
            rate,
        ));
    }
    if let Some(times) = &file.times {
        if times.get_ref().is_empty() {
            problems.add(
                times.span(),
                "`times` lists no arrival",
                "list the arrival times, e.g. times = [\"1 h\", \"2.5 h\"]",
            );
            return None;
        }
        let mut hours = Vec::with_capacity(times.get_ref().len());
        for time in times.get_ref() {
            match parse_time(time.get_ref(), start) {
                Ok(h) => hours.push(h),
                Err((message, help)) => problems.add(time.span(), message, &help),
            }
        }
        if hours.len() < times.get_ref().len() {
            return None;
        }
        hours.sort_by(f64::total_cmp);
        let rate = Box::new(equivalent_hourly_rate(&hours, week_offset, run_hours));
        let record = RecordedArrivals {
            times: hours,
            ..RecordedArrivals::default()
        };
        return Some(Timing::Other(ArrivalTiming::Recorded(record), rate));
    }
    // `file`: read once the whole scenario has compiled (see `arrival_records::load_files`).
    Some(Timing::Other(
        ArrivalTiming::Recorded(RecordedArrivals::default()),
        Box::new([0.0; 168]),
    ))
}
