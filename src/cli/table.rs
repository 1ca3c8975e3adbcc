//! Console tables: the key figures printed after a run, and the aligned columns that
//! `compare`, `sweep` and `warmup` print, with numbers as a reader expects them (shares as
//! per cent, money in pounds, counts with thousands separators) and each figure's unit in
//! words from the scenario (`bed-days`, `places`).

use carepath::experiment::MetricSummary;
use carepath::model::labels::UnitNoun;
use carepath::model::scenario::Scenario;
use carepath::report::clipped;
use carepath::report::format::{count, pounds, significant};
use carepath::report::headline::headlines;

use super::console::MAX_COLUMNS;

/// What a table shows for a figure no replication had a value for (nothing observed).
pub const NO_PATIENTS: &str = "no patients";

/// `value` in `unit` as a table cell, without the unit's name: shares as per cent
/// (`80.0%`), money in pounds (`£27.67m`), counts grouped (`11,452`), others to about three
/// significant figures; no value (NaN) as "no patients", an infinite one as "n/a".
pub fn bare(value: f64, unit: &str) -> String {
    if value.is_nan() {
        return NO_PATIENTS.to_string();
    }
    if !value.is_finite() {
        return "n/a".to_string();
    }
    if value < 0.0 {
        // The minus sign before the pound sign: `−£2.44m`, never `£-2.44m`.
        return format!("−{}", bare(-value, unit));
    }
    let value = if value == 0.0 { 0.0 } else { value }; // no "-0"
    match unit {
        "fraction" => format!("{:.1}%", value * 100.0),
        "GBP" => pounds(value),
        "patients" | "unit-days" | "unit-hours" => count(value),
        _ => significant(value),
    }
}

/// A difference of `value` in `unit`, signed: `+10.2 pts` for shares (percentage points),
/// `−£2.44m` for money, `+1,234` for counts. Uses the minus sign (U+2212).
pub fn signed(value: f64, unit: &str) -> String {
    if !value.is_finite() {
        return bare(value, unit);
    }
    let sign = if value > 0.0 {
        "+"
    } else if value < 0.0 {
        "−"
    } else {
        ""
    };
    let magnitude = value.abs();
    match unit {
        "fraction" => format!("{sign}{:.1} pts", magnitude * 100.0),
        _ => format!("{sign}{}", bare(magnitude, unit)),
    }
}

/// The words for `unit` after a number in a table: empty for shares and money (the `%` and
/// `£` say it), `bed-days` for unit-days of a resource whose unit is a bed, and so on.
pub fn unit_words(unit: &str, noun: Option<&UnitNoun>) -> String {
    let default = UnitNoun::default();
    let noun = noun.unwrap_or(&default);
    match unit {
        "fraction" | "GBP" => String::new(),
        "h" => "hours".to_string(),
        "d" => "days".to_string(),
        "unit-days" => noun.days(),
        "unit-hours" => noun.hours(),
        "units" => noun.plural.clone(),
        other => other.to_string(),
    }
}

/// How a column's cells line up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    /// Against the left edge (words).
    Left,
    /// Against the right edge (numbers).
    Right,
}

/// `rows` (the first is the header, if any) as aligned columns two spaces apart, each line
/// `indent` spaces in. The first column is as wide as its longest cell but no wider than
/// leaves the line within [`MAX_COLUMNS`] (and never below 20 characters); longer cells wrap
/// inside it, continuation lines two spaces further in. Empty trailing cells add no spaces.
pub fn columns(rows: &[Vec<String>], align: &[Align], indent: usize) -> String {
    let count = align.len();
    let width = |c: usize| {
        rows.iter()
            .map(|r| r.get(c).map_or(0, |cell| cell.chars().count()))
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..count).map(width).collect();
    let others: usize = widths.iter().skip(1).map(|w| w + 2).sum();
    let room = MAX_COLUMNS.saturating_sub(indent + others).max(20);
    let first = widths.first().copied().unwrap_or(0).min(room);
    let pad = " ".repeat(indent);
    let mut out = Vec::new();
    for row in rows {
        let label = row.first().map_or("", String::as_str);
        let options = textwrap::Options::new(first.max(1)).subsequent_indent("  ");
        let wrapped = textwrap::wrap(label, options);
        let mut line = format!(
            "{pad}{:<first$}",
            wrapped.first().map_or("", |l| l.as_ref())
        );
        for c in 1..count {
            let cell = row.get(c).map_or("", String::as_str);
            let w = widths[c];
            match align[c] {
                Align::Left => line.push_str(&format!("  {cell:<w$}")),
                Align::Right => line.push_str(&format!("  {cell:>w$}")),
            }
        }
        out.push(line.trim_end().to_string());
        for more in wrapped.iter().skip(1) {
            out.push(format!("{pad}{more}"));
        }
    }
    out.join("\n")
}

/// An interval's cells: `low`, `to`, `high`, so that the ends line up in columns.
pub fn interval_cells(
    low: f64,
    high: f64,
    unit: &str,
    with: fn(f64, &str) -> String,
) -> [String; 3] {
    if low.is_finite() && high.is_finite() {
        [with(low, unit), "to".to_string(), with(high, unit)]
    } else {
        ["no interval".to_string(), String::new(), String::new()]
    }
}

/// The key figures as an aligned text table, with 95% confidence intervals.
pub fn key_figures(scenario: &Scenario, summary: &[MetricSummary]) -> String {
    let total = scenario.replications as usize;
    let mut rows: Vec<Vec<String>> = vec![vec![
        "figure".to_string(),
        "mean".to_string(),
        "95% CI".to_string(),
        String::new(),
        String::new(),
        "unit".to_string(),
    ]];
    // The summaries whose intervals are printed, for the note on clipped ones.
    let mut shown: Vec<&MetricSummary> = Vec::new();
    for h in headlines(
        scenario,
        summary.iter().map(|m| (m.metric.as_str(), m.mean)),
    ) {
        let Some(m) = summary.iter().find(|m| m.metric == h.metric) else {
            continue;
        };
        let noun = scenario.metric_noun(&m.metric);
        let mut unit = unit_words(m.unit, noun.as_ref());
        if m.replications == 0 {
            rows.push(vec![h.plain_label(), NO_PATIENTS.to_string()]);
            continue;
        }
        let [low, to, high] = if m.replications < 2 {
            ["no interval".to_string(), String::new(), String::new()]
        } else {
            let [low, to, high] = interval_cells(m.ci95_low, m.ci95_high, m.unit, bare);
            [low, to, format!("{high}{}", clipped::mark(m))]
        };
        shown.push(m);
        if m.replications < total {
            unit = format!("{unit} ({} of {total} with patients)", m.replications)
                .trim()
                .to_string();
        }
        rows.push(vec![
            h.plain_label(),
            bare(m.mean, m.unit),
            low,
            to,
            high,
            unit,
        ]);
    }
    let align = [
        Align::Left,
        Align::Right,
        Align::Right,
        Align::Left,
        Align::Right,
        Align::Left,
    ];
    let mut out = format!(
        "Key figures for {}: {} replications, {:.0} days measured after {:.0} days of warm-up\n",
        scenario.title(),
        summary.first().map_or(0, |m| m.replications),
        scenario.horizon.days(),
        scenario.warm_up.days()
    );
    out.push_str(&columns(&rows, &align, 0));
    out.push('\n');
    if let Some(note) = clipped::note(shown) {
        out.push_str(&note);
        out.push('\n');
    }
    out.push_str("All metrics are in summary.csv; per-replication values in replications.csv.");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_per_cent_pounds_and_counts() {
        assert_eq!(bare(0.8, "fraction"), "80.0%");
        assert_eq!(bare(27_668_335.0, "GBP"), "£27.67m");
        assert_eq!(bare(11_452.4, "unit-days"), "11,452");
        assert_eq!(bare(f64::NAN, "h"), NO_PATIENTS);
        assert_eq!(bare(-471_000.0, "GBP"), "−£471k");
        assert_eq!(bare(-15.3, "h"), "−15.3");
        assert_eq!(signed(0.102, "fraction"), "+10.2 pts");
        assert_eq!(signed(-2_440_000.0, "GBP"), "−£2.44m");
        assert_eq!(signed(0.0, "patients"), "0");
        let place = UnitNoun::new("place", None);
        assert_eq!(unit_words("unit-days", Some(&place)), "place-days");
        assert_eq!(unit_words("units", Some(&place)), "places");
        assert_eq!(unit_words("unit-days", None), "unit-days");
        assert_eq!(unit_words("fraction", None), "");
    }

    #[test]
    fn columns_line_up_and_long_labels_wrap_within_the_width() {
        let long = "a long label ".repeat(12);
        let rows = vec![
            vec!["figure".to_string(), "mean".to_string()],
            vec![long.trim().to_string(), "80.0%".to_string()],
            vec!["short".to_string(), "£1.20m".to_string()],
        ];
        let text = columns(&rows, &[Align::Left, Align::Right], 2);
        let lines: Vec<&str> = text.lines().collect();
        assert!(
            lines.iter().all(|l| l.chars().count() <= MAX_COLUMNS),
            "{text}"
        );
        assert!(lines.len() > 3, "{text}");
        let end = |needle: &str| {
            let line = lines.iter().find(|l| l.contains(needle)).unwrap();
            line.chars().count()
        };
        assert_eq!(end("80.0%"), end("£1.20m"), "{text}");
        assert_eq!(end("mean"), end("£1.20m"), "{text}");
    }
}
