//! Numbers as a board paper prints them: percentages for fractions, pounds in thousands or
//! millions, thousands separators for counts, and round numbers on axes.

/// What a report shows for a figure no replication had a value for (nothing observed).
pub const NO_PATIENTS: &str = "no patients";

/// `value` in `unit` (a unit label of the metrics: `fraction`, `GBP`, `h`, ...) for reading;
/// no value (NaN) reads "no patients", an infinite one (one replication's interval) "n/a".
pub fn value_with_unit(value: f64, unit: &str) -> String {
    if value.is_nan() {
        return NO_PATIENTS.to_string();
    }
    if !value.is_finite() {
        return "n/a".to_string();
    }
    match unit {
        "fraction" => format!("{:.1}%", value * 100.0),
        "GBP" => pounds(value),
        "h" => format!("{} h", significant(value)),
        "d" => format!("{} days", significant(value)),
        "unit-days" => format!("{} bed-days", count(value)),
        "unit-hours" => format!("{} staff-hours", count(value)),
        "units" => format!("{} units", significant(value)),
        "patients" => count(value),
        _ => significant(value),
    }
}

/// As [`value_with_unit`], with the unit noun of the resource whose units the figure counts:
/// `11,452 bed-days`, `830 place-days`, `12 nurse-hours`, `4.20 places`. Without a noun (a
/// figure of no single resource), `unit-days`, never a noun it may not be.
pub fn value_with_noun(
    value: f64,
    unit: &str,
    noun: Option<&crate::model::labels::UnitNoun>,
) -> String {
    if !value.is_finite() {
        return value_with_unit(value, unit);
    }
    let default = crate::model::labels::UnitNoun::default();
    let noun = noun.unwrap_or(&default);
    match unit {
        "unit-days" => format!("{} {}", count(value), noun.days()),
        "unit-hours" => format!("{} {}", count(value), noun.hours()),
        "units" => format!("{} {}", significant(value), noun.of(value)),
        _ => value_with_unit(value, unit),
    }
}

/// Pounds: `£27.67m`, `£512k` or `£850`; `n/a` if not finite (one replication's interval).
pub fn pounds(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    let magnitude = value.abs();
    if magnitude >= 1e6 {
        format!("£{:.2}m", value / 1e6)
    } else if magnitude >= 1e4 {
        format!("£{:.0}k", value / 1e3)
    } else {
        format!("£{}", grouped(value.round()))
    }
}

/// Three significant figures or so, without exponents: `0.667`, `9.87`, `12.3`, `1,234`.
pub fn significant(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1000.0 {
        grouped(value.round())
    } else if magnitude >= 100.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else if magnitude >= 1.0 || magnitude == 0.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

/// Like [`significant`], without trailing zeros: `2`, `52`, `0.5`.
pub fn plain(value: f64) -> String {
    let text = significant(value);
    if text.contains('.') && !text.contains(',') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// A mean count: whole with thousands separators from 100 up (`11,450`), and below that as
/// many figures as it needs (`0.333`, `2.5`, `7`), so that a mean of a third of a patient is
/// never shown as 0.
pub fn count(value: f64) -> String {
    if value.abs() >= 100.0 || value.fract() == 0.0 {
        grouped(value.round())
    } else {
        plain(value)
    }
}

/// A whole number with thousands separators: `11,450`.
pub fn grouped(value: f64) -> String {
    let digits = format!("{:.0}", value.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// Round tick positions covering `low..high`: about six, at steps of 1, 2, 2.5 or 5 times a
/// power of ten. Returns the ticks and the step.
pub fn ticks(low: f64, high: f64) -> (Vec<f64>, f64) {
    let span = high - low;
    if !(span.is_finite() && span > 0.0) {
        return (vec![low], 1.0);
    }
    let rough = span / 6.0;
    let power = 10f64.powf(rough.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * power)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * power);
    let first = (low / step).ceil() as i64;
    let last = (high / step + 1e-9).floor() as i64;
    let ticks = (first..=last).map(|k| k as f64 * step).collect();
    (ticks, step)
}

/// A tick label for `value` on an axis with ticks `step` apart: just enough decimals.
pub fn tick_label(value: f64, step: f64) -> String {
    let mut decimals = 0;
    while decimals < 6 {
        let scaled = step * 10f64.powi(decimals as i32);
        if (scaled - scaled.round()).abs() < 1e-6 * scaled.abs().max(1.0) {
            break;
        }
        decimals += 1;
    }
    if decimals == 0 && value.abs() >= 1000.0 {
        grouped(value)
    } else {
        let text = format!("{value:.decimals$}");
        if text
            .trim_start_matches('-')
            .chars()
            .all(|c| c == '0' || c == '.')
        {
            text.trim_start_matches('-').to_string()
        } else {
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A mean count below one is not shown as 0 (review finding: 0.333 arrivals read "0").
    #[test]
    fn small_mean_counts_are_not_rounded_to_zero() {
        assert_eq!(value_with_unit(1.0 / 3.0, "patients"), "0.333");
        assert_eq!(value_with_unit(0.4, "unit-days"), "0.4 bed-days");
        assert_eq!(value_with_unit(7.0, "patients"), "7");
        assert_eq!(value_with_unit(11_452.4, "unit-days"), "11,452 bed-days");
    }

    #[test]
    fn values_read_as_a_board_paper_prints_them() {
        assert_eq!(value_with_unit(0.79987, "fraction"), "80.0%");
        assert_eq!(value_with_unit(27_670_000.0, "GBP"), "£27.67m");
        assert_eq!(value_with_unit(11_450.4, "unit-days"), "11,450 bed-days");
        assert_eq!(value_with_unit(0.6671, "h"), "0.667 h");
        assert_eq!(value_with_unit(f64::NAN, "h"), "no patients");
        assert_eq!(value_with_unit(f64::INFINITY, "h"), "n/a");
        assert_eq!(grouped(-1_234_567.0), "-1,234,567");
        assert_eq!(pounds(512_300.0), "£512k");
        assert_eq!(pounds(f64::INFINITY), "n/a");
        assert_eq!(plain(2.0), "2");
        assert_eq!(plain(0.50), "0.5");
        assert_eq!(plain(52.0), "52");
    }

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        let (ticks, step) = ticks(0.0, 13.0);
        assert_eq!(step, 2.5);
        assert_eq!(ticks, vec![0.0, 2.5, 5.0, 7.5, 10.0, 12.5]);
        assert_eq!(tick_label(2.5, 2.5), "2.5");
        assert_eq!(tick_label(10.0, 2.5), "10.0");
        let (ticks, step) = super::ticks(0.0, 0.9);
        assert!((step - 0.2).abs() < 1e-12, "{step}");
        assert_eq!(ticks.len(), 5);
        assert_eq!(tick_label(0.4, step), "0.4");
        assert_eq!(tick_label(25_000.0, 5000.0), "25,000");
        assert_eq!(tick_label(2000.0, 500.0), "2,000");
    }
}
