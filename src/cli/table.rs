//! The short table of key figures printed after a run.

use carepath::experiment::MetricSummary;
use carepath::model::scenario::Scenario;
use carepath::report::headline::headlines;

/// What a table shows for a figure no replication had a value for (nothing observed).
pub const NO_PATIENTS: &str = "no patients";

/// Formats a number with sensible precision for a table; no value (NaN) as "no patients".
pub fn number(value: f64) -> String {
    if value.is_nan() {
        return NO_PATIENTS.to_string();
    }
    if !value.is_finite() {
        return value.to_string();
    }
    let value = if value == 0.0 { 0.0 } else { value }; // no "-0.000"
    let magnitude = value.abs();
    if magnitude >= 1000.0 {
        format!("{value:.0}")
    } else if magnitude >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.3}")
    }
}

/// One figure's row; `total` is the run's replication count, so that a figure observed in
/// fewer says over how many it is.
fn row(label: String, m: &MetricSummary, total: usize) -> [String; 4] {
    if m.replications == 0 {
        return [
            label,
            NO_PATIENTS.to_string(),
            String::new(),
            m.unit.to_string(),
        ];
    }
    let interval = if m.replications < 2 {
        "no interval".to_string()
    } else {
        format!("{} to {}", number(m.ci95_low), number(m.ci95_high))
    };
    let interval = if m.replications < total {
        format!("{interval} ({} of {total} with patients)", m.replications)
    } else {
        interval
    };
    [label, number(m.mean), interval, m.unit.to_string()]
}

/// Widest the figure column of the key-figures table grows [characters]; longer labels wrap.
const LABEL_WIDTH: usize = 44;

/// The key figures as an aligned text table, with 95% confidence intervals.
pub fn key_figures(scenario: &Scenario, summary: &[MetricSummary]) -> String {
    let rows: Vec<[String; 4]> = headlines(
        scenario,
        summary.iter().map(|m| (m.metric.as_str(), m.mean)),
    )
    .into_iter()
    .filter_map(|h| {
        summary
            .iter()
            .find(|m| m.metric == h.metric)
            .map(|m| row(h.label, m, scenario.replications as usize))
    })
    .collect();
    let header = [
        "figure".to_string(),
        "mean".to_string(),
        "95% CI".to_string(),
        "unit".to_string(),
    ];
    // Labels longer than LABEL_WIDTH wrap within their column, so rows fit 100 columns.
    let widths: Vec<usize> = (0..4)
        .map(|c| {
            rows.iter()
                .chain(std::iter::once(&header))
                .map(|r| r[c].chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let label_width = widths[0].min(LABEL_WIDTH);
    let line = |row: &[String; 4]| {
        // Continuation lines of a label are indented two spaces, inside the column.
        let options = textwrap::Options::new(label_width).subsequent_indent("  ");
        let label = textwrap::wrap(&row[0], options);
        let first = label.first().map_or("", |l| l.as_ref());
        let mut text = format!(
            "{:<w0$}  {:>w1$}  {:>w2$}  {}",
            first,
            row[1],
            row[2],
            row[3],
            w0 = label_width,
            w1 = widths[1],
            w2 = widths[2]
        );
        for more in label.iter().skip(1) {
            text.push('\n');
            text.push_str(more);
        }
        text
    };
    let mut out = format!(
        "Key figures for `{}`: {} replications, {:.0} days measured after {:.0} days of warm-up\n",
        scenario.name,
        summary.first().map_or(0, |m| m.replications),
        scenario.horizon.days(),
        scenario.warm_up.days()
    );
    out.push_str(&line(&header));
    out.push('\n');
    for row in &rows {
        out.push_str(&line(row));
        out.push('\n');
    }
    out.push_str("All metrics are in summary.csv; per-replication values in replications.csv.");
    out
}
