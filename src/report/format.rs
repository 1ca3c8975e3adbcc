//! Numbers as a board paper prints them: percentages for fractions, pounds in thousands or
//! millions, thousands separators for counts, and round numbers on axes.
//!
//! The rules a UK board paper follows (issue 10 item 8): a negative number takes the minus
//! sign U+2212, before the currency (`−£2.44m`, never `£-2.44m`); whole numbers from 1,000 up
//! have thousands separators; shares read as per cent (`80.0%`) and differences of shares as
//! percentage points (`+10.2 percentage points`); money always carries `£`; the numbers of one
//! column share their decimals ([`ColumnFormat`]). Full precision stays in the CSV files: these
//! functions are for reading only.

/// What a report shows for a figure no replication had a value for (nothing observed).
pub const NO_PATIENTS: &str = "no patients";

/// The minus sign (U+2212), wider than a hyphen and the one typesetters use for numbers.
pub const MINUS: char = '\u{2212}';

/// `text` (a number as Rust formats it) with a leading hyphen-minus as the minus sign
/// U+2212; a negative zero (`-0.0`) loses its sign.
fn with_minus(text: String) -> String {
    match text.strip_prefix('-') {
        Some(rest) if rest.chars().any(|c| c.is_ascii_digit() && c != '0') => {
            format!("{MINUS}{rest}")
        }
        Some(rest) => rest.to_string(),
        None => text,
    }
}

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
        "fraction" => per_cent(value),
        "GBP" => pounds(value),
        "unit-days" | "unit-hours" | "patients" | "visits" => with_unit(count(value), unit),
        _ => with_unit(significant(value), unit),
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

/// A number already written, followed by the words of `unit` (none for counts of patients,
/// shares and money, which carry their own sign or need none).
fn with_unit(number: String, unit: &str) -> String {
    match unit {
        "h" => format!("{number} h"),
        "d" => format!("{number} days"),
        "unit-days" => format!("{number} bed-days"),
        "unit-hours" => format!("{number} staff-hours"),
        "units" => format!("{number} units"),
        _ => number,
    }
}

/// A share (a fraction 0-1) as per cent with one decimal: `80.0%`, `−1.5%`.
pub fn per_cent(fraction: f64) -> String {
    if !fraction.is_finite() {
        return "n/a".to_string();
    }
    format!("{}%", fixed(fraction * 100.0, 1))
}

/// A difference of two shares (fractions 0-1) in percentage points, signed, one decimal:
/// `+10.2 percentage points`, `−0.4 percentage points`, `0.0 percentage points`.
pub fn percentage_points(difference: f64) -> String {
    if !difference.is_finite() {
        return "n/a".to_string();
    }
    let text = fixed(difference * 100.0, 1);
    let sign = if text.starts_with(MINUS) || text == "0.0" {
        ""
    } else {
        "+"
    };
    format!("{sign}{text} percentage points")
}

/// A difference between designs in `unit`, with its sign (`+` or the minus sign U+2212, none
/// for zero): money as `−£1.02m`, shares in percentage points, other units as
/// [`value_with_unit`] writes them (`+0.68 days`); `n/a` if not finite.
pub fn difference(value: f64, unit: &str) -> String {
    ColumnFormat::new(unit, [value.abs()]).difference(value)
}

/// How the numbers of one column (or one unit within a table) are written, so that they
/// line up and read alike: the decimals that give the column's largest value three
/// significant figures, the same for every row (`0.59 / 2.83 / 8.12 days`, not `0.590 /
/// 2.83 / 8.12`); money in the scale of the largest sum (`£27.67m / £0.51m`); shares as per
/// cent with one decimal; counts whole from 100 up.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnFormat {
    /// The metrics' unit label (`fraction`, `GBP`, `h`, ...).
    unit: String,
    /// Decimals for every number of the column.
    decimals: usize,
    /// The scale of money.
    money: MoneyScale,
    /// The unit noun of the resource the figures count (`bed-days`, `place-days`), if any.
    noun: Option<crate::model::labels::UnitNoun>,
}

impl ColumnFormat {
    /// The format for `values` (means, interval ends or differences) in `unit`; values that
    /// are not finite are ignored.
    pub fn new(unit: &str, values: impl IntoIterator<Item = f64>) -> Self {
        let largest = values
            .into_iter()
            .filter(|v| v.is_finite())
            .map(f64::abs)
            .fold(0.0, f64::max);
        let decimals = match unit {
            "fraction" => 1,
            "patients" | "unit-days" | "unit-hours" if largest >= 100.0 => 0,
            _ => decimals_for(largest),
        };
        ColumnFormat {
            unit: unit.to_string(),
            decimals,
            money: MoneyScale::for_magnitude(largest),
            noun: None,
        }
    }

    /// The same format, with unit-days, unit-hours and units in `noun`'s words
    /// (`place-days`); `None` keeps the default words.
    pub fn with_noun(mut self, noun: Option<crate::model::labels::UnitNoun>) -> Self {
        self.noun = noun;
        self
    }

    /// `value` with its unit, as [`value_with_unit`] but with the column's decimals.
    pub fn value(&self, value: f64) -> String {
        self.write(value, None)
    }

    /// `value` as a difference: signed (`+` or U+2212), shares in percentage points.
    pub fn difference(&self, value: f64) -> String {
        if self.unit == "fraction" && value.is_finite() {
            return percentage_points(value);
        }
        self.write(value, Some('+'))
    }

    /// `value` as a difference without unit words, for a chart whose axis names the unit:
    /// signed, money with `£` (`−£1.02m`), shares in percentage points (`+10.2`).
    pub fn signed_number(&self, value: f64) -> String {
        if self.unit == "GBP" {
            return self.difference(value);
        }
        let bare = ColumnFormat {
            unit: String::new(),
            decimals: self.decimals,
            money: self.money,
            noun: None,
        };
        let scaled = if self.unit == "fraction" {
            value * 100.0
        } else {
            value
        };
        bare.write(scaled, Some('+'))
    }

    /// `value` in the column's format, with `sign` before a positive non-zero value.
    fn write(&self, value: f64, sign: Option<char>) -> String {
        if value.is_nan() {
            return NO_PATIENTS.to_string();
        }
        if !value.is_finite() {
            return "n/a".to_string();
        }
        if self.unit == "GBP" {
            return pounds_in(value, self.money, sign);
        }
        let scaled = if self.unit == "fraction" {
            value * 100.0
        } else {
            value
        };
        let number = fixed(scaled, self.decimals);
        let zero = !number.chars().any(|c| c.is_ascii_digit() && c != '0');
        let number = match sign {
            Some(sign) if !zero && !number.starts_with(MINUS) => format!("{sign}{number}"),
            _ => number,
        };
        if self.unit == "fraction" {
            format!("{number}%")
        } else {
            match (self.unit.as_str(), &self.noun) {
                ("unit-days", Some(noun)) => format!("{number} {}", noun.days()),
                ("unit-hours", Some(noun)) => format!("{number} {}", noun.hours()),
                ("units", Some(noun)) => format!("{number} {}", noun.plural),
                _ => with_unit(number, &self.unit),
            }
        }
    }
}

/// Pounds: `£27.67m`, `£512k` or `£850`, a negative sum with the minus sign before the
/// pound sign (`−£2.44m`); `n/a` if not finite (one replication's interval).
pub fn pounds(value: f64) -> String {
    if !value.is_finite() {
        return "n/a".to_string();
    }
    pounds_in(value, MoneyScale::for_magnitude(value.abs()), None)
}

/// How a column of money is written: in millions, thousands or whole pounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoneyScale {
    /// `£27.67m`: two decimals of a million.
    Millions,
    /// `£512k`: whole thousands.
    Thousands,
    /// `£850`: whole pounds with separators.
    Pounds,
}

impl MoneyScale {
    /// The scale for sums up to `magnitude` [£]: millions from £1m, thousands from £10,000.
    pub fn for_magnitude(magnitude: f64) -> Self {
        if magnitude >= 1e6 {
            MoneyScale::Millions
        } else if magnitude >= 1e4 {
            MoneyScale::Thousands
        } else {
            MoneyScale::Pounds
        }
    }
}

/// `value` [£] in `scale`, with `sign` (`+`) before a positive sum if given; a negative sum
/// takes the minus sign before the pound sign.
fn pounds_in(value: f64, scale: MoneyScale, sign: Option<char>) -> String {
    let magnitude = value.abs();
    let digits = match scale {
        MoneyScale::Millions => format!("{}m", fixed(magnitude / 1e6, 2)),
        MoneyScale::Thousands => format!("{}k", grouped((magnitude / 1e3).round())),
        MoneyScale::Pounds => grouped(magnitude.round()),
    };
    let zero = !digits.chars().any(|c| c.is_ascii_digit() && c != '0');
    let prefix = match (value < 0.0 && !zero, sign) {
        (true, _) => MINUS.to_string(),
        (false, Some(sign)) if !zero => sign.to_string(),
        _ => String::new(),
    };
    format!("{prefix}£{digits}")
}

/// Three significant figures or so, without exponents: `0.667`, `9.87`, `12.3`, `1,234`.
pub fn significant(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude >= 1000.0 {
        grouped(value.round())
    } else {
        fixed(value, decimals_for(magnitude))
    }
}

/// Decimals that show `magnitude` to three significant figures: 0 from 100 up, 1 from 10, 2
/// from 1 (and for 0), 3 below 1.
pub fn decimals_for(magnitude: f64) -> usize {
    if !magnitude.is_finite() || magnitude >= 100.0 {
        0
    } else if magnitude >= 10.0 {
        1
    } else if magnitude >= 1.0 || magnitude == 0.0 {
        2
    } else {
        3
    }
}

/// `value` with `decimals` decimals, thousands separators in the whole part and the minus
/// sign U+2212: `1,234.5`, `−0.054`.
pub fn fixed(value: f64, decimals: usize) -> String {
    let text = format!("{:.decimals$}", value.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let whole: f64 = whole.parse().unwrap_or(0.0);
    let mut out = grouped(whole);
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
    if value < 0.0 {
        out.insert(0, '-');
    }
    with_minus(out)
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
        out.insert(0, MINUS);
    }
    out
}

/// Round tick positions covering `low..high`: about six, at steps of 1, 2, 2.5 or 5 times a
/// power of ten. Returns the ticks and the step.
pub fn ticks(low: f64, high: f64) -> (Vec<f64>, f64) {
    ticks_about(low, high, 6)
}

/// Like [`ticks`], about `count` of them (at least one step).
pub fn ticks_about(low: f64, high: f64, count: usize) -> (Vec<f64>, f64) {
    let span = high - low;
    if !(span.is_finite() && span > 0.0) {
        return (vec![low], 1.0);
    }
    let rough = span / count.max(1) as f64;
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
        with_minus(text)
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
        assert_eq!(grouped(-1_234_567.0), "\u{2212}1,234,567");
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

    /// Issue 10 item 8: the minus sign U+2212 goes before the pound sign, never after it,
    /// and a sum that rounds to nothing has no sign.
    #[test]
    fn negative_money_has_the_minus_sign_before_the_pound_sign() {
        assert_eq!(pounds(-2_440_000.0), "\u{2212}£2.44m");
        assert_eq!(pounds(-512_300.0), "\u{2212}£512k");
        assert_eq!(pounds(-850.4), "\u{2212}£850");
        assert_eq!(pounds(-0.2), "£0");
        assert_eq!(difference(-1_016_979.0, "GBP"), "\u{2212}£1.02m");
        assert_eq!(difference(1_016_979.0, "GBP"), "+£1.02m");
        assert_eq!(difference(0.0, "GBP"), "£0");
        assert!(!pounds(-2_440_000.0).contains('-'), "a hyphen as minus");
        assert_eq!(fixed(-0.054, 3), "\u{2212}0.054");
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(tick_label(-2.5, 2.5), "\u{2212}2.5");
    }

    /// Issue 10 item 8: thousands separators in whole numbers and in the whole part of
    /// decimals.
    #[test]
    fn thousands_are_separated() {
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1000.0), "1,000");
        assert_eq!(grouped(27_670_459.0), "27,670,459");
        assert_eq!(fixed(12_345.678, 1), "12,345.7");
        assert_eq!(pounds(1_234_567_890.0), "£1,234.57m");
        assert_eq!(pounds(9_999.0), "£9,999");
        assert_eq!(
            ColumnFormat::new("unit-days", [11_452.4]).value(11_452.4),
            "11,452 bed-days"
        );
    }

    /// Issue 10 item 8: the numbers of one column share the decimals its largest value needs
    /// for three significant figures, and money one scale.
    #[test]
    fn a_column_shares_its_decimals_and_its_scale_of_money() {
        let days = [0.590, 2.83, 8.12];
        let column = ColumnFormat::new("d", days);
        let written: Vec<String> = days.iter().map(|d| column.value(*d)).collect();
        assert_eq!(written, ["0.59 days", "2.83 days", "8.12 days"]);
        let hours = ColumnFormat::new("h", [9.96, 54.8, 15.8]);
        assert_eq!(hours.value(9.96), "10.0 h");
        assert_eq!(hours.value(54.8), "54.8 h");
        let money = ColumnFormat::new("GBP", [27_670_459.0, 512_300.0, -2_440_000.0]);
        assert_eq!(money.value(512_300.0), "£0.51m");
        assert_eq!(money.value(-2_440_000.0), "\u{2212}£2.44m");
        assert_eq!(money.difference(-2_440_000.0), "\u{2212}£2.44m");
        let counts = ColumnFormat::new("patients", [6_227.3, 7.0]);
        assert_eq!(counts.value(7.0), "7");
        assert_eq!(counts.difference(-13.1), "\u{2212}13");
        let small = ColumnFormat::new("patients", [0.4, 2.5]);
        assert_eq!(small.value(0.4), "0.40");
        assert_eq!(column.value(f64::NAN), NO_PATIENTS);
        assert_eq!(column.value(f64::INFINITY), "n/a");
    }

    /// Issue 10 item 8: shares read as per cent, and differences of shares as percentage
    /// points (never "points" alone or a fraction).
    #[test]
    fn shares_are_per_cent_and_their_differences_percentage_points() {
        assert_eq!(per_cent(0.7998), "80.0%");
        assert_eq!(per_cent(0.05), "5.0%");
        assert_eq!(value_with_unit(0.741, "fraction"), "74.1%");
        assert_eq!(percentage_points(0.102), "+10.2 percentage points");
        assert_eq!(percentage_points(-0.004), "\u{2212}0.4 percentage points");
        assert_eq!(percentage_points(0.0), "0.0 percentage points");
        assert_eq!(percentage_points(-0.0001), "0.0 percentage points");
        assert_eq!(difference(0.102, "fraction"), "+10.2 percentage points");
        let shares = ColumnFormat::new("fraction", [0.8, 0.741]);
        assert_eq!(shares.value(0.741), "74.1%");
        assert_eq!(shares.difference(0.102), "+10.2 percentage points");
        assert_eq!(shares.signed_number(-0.102), "\u{2212}10.2");
        let money = ColumnFormat::new("GBP", [2_440_000.0]);
        assert_eq!(money.signed_number(512_300.0), "+£0.51m");
        assert_eq!(ColumnFormat::new("d", [8.12]).signed_number(0.59), "+0.59");
    }

    /// Differences carry their sign and unit words.
    #[test]
    fn differences_are_signed_with_their_unit() {
        assert_eq!(difference(0.681, "d"), "+0.681 days");
        assert_eq!(difference(-0.681, "d"), "\u{2212}0.681 days");
        assert_eq!(difference(-6_179.2, "unit-days"), "\u{2212}6,179 bed-days");
        assert_eq!(difference(0.0, "h"), "0.00 h");
        assert_eq!(difference(f64::NAN, "h"), NO_PATIENTS);
    }
}
