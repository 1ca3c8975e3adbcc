//! The TOML `carepath fit` prints and writes to `fit.toml`: scenario text to paste, with
//! comments saying what each number rests on.
//!
//! The scenario language has a 24-hour `hour_profile` and a 7-day `day_profile` whose product
//! is the hour-of-week rate, but no 168-hour profile and no month-of-year profile. When the
//! weekday test finds that the hour profile differs by weekday, the source is written as
//! seven sources, one per weekday (`day_profile` zero on the other days), each with its own
//! hour profile: together exactly the 168-hour profile. The month-of-year profile is written
//! as `month_profile` in every table; it takes effect on a run with `[run] start`. Comment
//! lines are wrapped at [`WIDTH`] columns.

use super::arrivals::ArrivalFit;
use super::durations::{DurationFit, sig};
use crate::scenario::names;

/// Longest comment line written [columns].
pub const WIDTH: usize = 100;

/// Appends `text` as `#` comment lines of at most [`WIDTH`] columns (continuation lines
/// indented by two spaces).
fn comment(out: &mut String, text: &str) {
    let options = textwrap::Options::new(WIDTH)
        .initial_indent("# ")
        .subsequent_indent("#   ");
    for line in textwrap::wrap(text, options) {
        out.push_str(&line);
        out.push('\n');
    }
}

/// Weekday names as suffixes, Monday first.
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Weekday names in words, Monday first.
const DAY_WORDS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// A scenario name for group `group` of column `column` (letters, digits, `_`; see
/// `scenario::names`): the group itself if it is a valid name, else e.g. `pathway_1` for
/// group `1` of column `pathway`.
pub fn source_name(group: &str, column: Option<&str>) -> String {
    if names::is_valid(group) {
        return group.to_string();
    }
    let prefix = names::suggest(column.unwrap_or("group"), "group");
    names::suggest(group, &prefix)
}

/// A TOML array of numbers: on one line when it is at most 80 columns (so that `key = ` and
/// the array fit [`WIDTH`]), else on rows of at most 12 numbers and [`WIDTH`] columns.
fn list(values: impl IntoIterator<Item = f64>) -> String {
    let v: Vec<String> = values.into_iter().map(sig).collect();
    let one_line = format!("[{}]", v.join(", "));
    if one_line.len() <= 80 {
        return one_line;
    }
    let mut rows: Vec<String> = Vec::new();
    let mut row = String::from("   ");
    let mut in_row = 0;
    for value in &v {
        if in_row == 12 || (in_row > 0 && row.len() + value.len() + 2 > WIDTH) {
            rows.push(std::mem::replace(&mut row, String::from("   ")));
            in_row = 0;
        }
        row.push(' ');
        row.push_str(value);
        row.push(',');
        in_row += 1;
    }
    rows.push(row);
    format!("[\n{}\n]", rows.join("\n"))
}

/// The `[arrivals.NAME]` table(s) for one group's fit, for sources feeding `pathway`.
pub fn arrivals_toml(name: &str, fit: &ArrivalFit, pathway: &str) -> String {
    let mut out = String::new();
    let p = &fit.per_day;
    comment(
        &mut out,
        &format!(
            "`{name}`: {} arrivals over {} days ({} to {}); per_day {} (95% CI {} to {})",
            fit.arrivals,
            fit.days,
            fit.from,
            fit.to,
            sig(p.value),
            sig(p.low),
            sig(p.high)
        ),
    );
    let growth_line = match fit.growth_per_year {
        Some(g) if fit.days >= super::arrivals::YEAR_DAYS && g.contains(0.0) => {
            comment(
                &mut out,
                &format!(
                    "growth_per_year not written: its 95% CI includes no growth (estimate {}, \
                     95% CI {} to {})",
                    sig(g.value),
                    sig(g.low),
                    sig(g.high)
                ),
            );
            None
        }
        Some(g) if fit.days >= super::arrivals::YEAR_DAYS => Some(format!(
            "growth_per_year = {}  # 95% CI {} to {}\n",
            sig(g.value),
            sig(g.low),
            sig(g.high)
        )),
        Some(g) => {
            comment(
                &mut out,
                &format!(
                    "growth_per_year not written: the window is under a year (estimate {}, \
                     95% CI {} to {})",
                    sig(g.value),
                    sig(g.low),
                    sig(g.high)
                ),
            );
            None
        }
        None => None,
    };
    let month_line = fit.month_profile.map(|months| {
        let follows = match fit.to.tomorrow() {
            Ok(next) => format!("so a run that follows them has start = \"{next}\""),
            Err(_) => "the last date there is, so no run can follow them".to_string(),
        };
        comment(
            &mut out,
            &format!(
                "month_profile: arrivals in each calendar month over those expected without a \
                 month effect, January first, average 1. It needs `[run] start`: the data end \
                 on {}, {follows}.",
                fit.to
            ),
        );
        format!("month_profile = {}\n", list(months))
    });
    let split = fit.weekday_test.is_some_and(|t| t.differs());
    if let Some(t) = fit.weekday_test {
        let text = format!(
            "weekday test: the hour profile {} by weekday (chi-square {} on {} df, p {}{})",
            if split {
                "differs"
            } else {
                "does not differ clearly"
            },
            sig(t.chi_square),
            t.df,
            if t.p_value < 1e-4 {
                "< 0.0001".to_string()
            } else {
                format!("= {}", sig(t.p_value))
            },
            if t.sparse_share > 0.2 {
                format!(
                    "; {:.0}% of expected counts under 5, so the test is approximate",
                    t.sparse_share * 100.0
                )
            } else {
                String::new()
            }
        );
        comment(&mut out, &text);
    }
    // With growth, the scenario's clock starts where the data end: per_day is the rate at
    // the end of the window, the window's mean grown over half its length.
    let at_end = match (&growth_line, fit.growth_per_year) {
        (Some(_), Some(g)) => {
            let factor = (1.0 + g.value).powf(fit.days as f64 / 2.0 / 365.0);
            comment(
                &mut out,
                &format!(
                    "per_day is the rate at the end of the window (the mean over the window, {}, \
                     grown by growth_per_year over half the window), so a run starts where the \
                     data end",
                    sig(p.value)
                ),
            );
            factor
        }
        _ => 1.0,
    };
    if !split {
        out.push_str(&format!("[arrivals.{name}]\npathway = \"{pathway}\"\n"));
        out.push_str(&format!("per_day = {}\n", sig(p.value * at_end)));
        out.push_str(&format!(
            "hour_profile = {}\n",
            list(fit.hour_share.iter().map(|s| s.value))
        ));
        out.push_str(&format!("day_profile = {}\n", list(fit.day_profile)));
        if let Some(g) = &growth_line {
            out.push_str(g);
        }
        if let Some(m) = &month_line {
            out.push_str(m);
        }
        return out;
    }
    out.push_str("# written as one source per weekday, each with its own hour profile (the 168-hour profile)\n");
    for (d, day) in DAYS.iter().enumerate() {
        let counts = &fit.counts[d * 24..(d + 1) * 24];
        let rate = fit.weekday_rate[d].value;
        if rate <= 0.0 {
            out.push_str(&format!(
                "# no arrivals on {}s: no source `{name}_{day}`\n",
                DAY_WORDS[d]
            ));
            continue;
        }
        let mut day_profile = [0.0; 7];
        day_profile[d] = 1.0;
        out.push_str(&format!(
            "[arrivals.{name}_{day}]\npathway = \"{pathway}\"\nper_day = {}  # {} a day on {}s, / 7\n",
            sig(rate * at_end / 7.0),
            sig(rate * at_end),
            DAY_WORDS[d]
        ));
        out.push_str(&format!(
            "hour_profile = {}\n",
            list(counts.iter().map(|c| *c as f64))
        ));
        out.push_str(&format!("day_profile = {}\n", list(day_profile)));
        if let Some(g) = &growth_line {
            out.push_str(g);
        }
        if let Some(m) = &month_line {
            out.push_str(m);
        }
    }
    out
}

/// The distribution lines for one group's duration fit: the best family the scenario
/// language has (with a note when Weibull ranks above it) and the empirical alternative.
pub fn durations_toml(name: &str, fit: &DurationFit, unit: &str) -> String {
    let mut out = String::new();
    out.push_str(&format!(
        "# `{name}`: {} durations ({} still in progress, right-censored)\n",
        fit.n, fit.censored
    ));
    for (rank, f) in fit.fits.iter().enumerate() {
        out.push_str(&format!(
            "#   {}. {:<11} AIC {:>10}  KS {}{}  ({})\n",
            rank + 1,
            f.family.name(),
            format!("{:.1}", f.aic),
            sig(f.ks),
            f.p_value
                .map_or(String::new(), |p| format!(", p = {}", sig(p))),
            f.family.parameter_words()
        ));
    }
    // A scenario refuses durations under a second: a fit whose mean or spread is below one
    // would paste as a line the scenario then refuses.
    let second = if unit == "d" {
        1.0 / 86_400.0
    } else {
        1.0 / 3_600.0
    };
    let best = fit.best_expressible();
    if let Some((_, best)) = best
        && best.family.mean() < second
    {
        comment(
            &mut out,
            &format!(
                "no distribution to paste: these durations average {} {unit}, under a second, the shortest a scenario may state; check --unit (h or d) and --column",
                sig(best.family.mean())
            ),
        );
        return out;
    }
    if let Some((_, best)) = best
        && best.family.sd() < second
    {
        comment(
            &mut out,
            "these durations hardly vary (a standard deviation under a second, the shortest a scenario may state): a fixed duration",
        );
        out.push_str(&format!(
            "{name} = {{ fixed = \"{} {unit}\" }}\n",
            sig(best.family.mean())
        ));
        return out;
    }
    if let Some((rank, best)) = best {
        if rank > 0 {
            comment(
                &mut out,
                &format!(
                    "{} fits best, but the scenario language has no {}; the best it has is the {}:",
                    fit.fits[0].family.name(),
                    fit.fits[0].family.name(),
                    best.family.name()
                ),
            );
        }
        if let Some(text) = best.family.toml(unit) {
            out.push_str(&format!("{name} = {text}\n"));
        }
    }
    comment(
        &mut out,
        &format!(
            "or, without a family, the empirical distribution (20 equal-probability quantiles{}):",
            if fit.censored > 0 {
                " of the Kaplan-Meier curve"
            } else {
                ""
            },
        ),
    );
    // The value stays on one line so that removing the `# ` gives valid TOML.
    out.push_str(&format!("# {name} = {}\n", fit.empirical_toml(unit)));
    out
}
