//! Saying, once, that an interval was clipped: a mark after each clipped interval the report
//! prints, and one footnote under the key figures explaining it. The clipping itself is the
//! statistics' ([`crate::experiment::statistics::clip_to_range`]); this module only words it.

use crate::experiment::MetricSummary;

/// The mark after an interval that was clipped.
pub const MARK: &str = "*";

/// [`MARK`] if `m`'s interval was clipped, else nothing.
pub fn mark(m: &MetricSummary) -> &'static str {
    if m.is_clipped() { MARK } else { "" }
}

/// The footnote for the clipped intervals among `shown`, or `None` if none was clipped: which
/// end was clipped and why, and what narrows the interval.
pub fn note<'a>(shown: impl IntoIterator<Item = &'a MetricSummary>) -> Option<String> {
    let (mut at_zero, mut at_top) = (false, false);
    for m in shown.into_iter().filter(|m| m.is_clipped()) {
        at_zero |= m.ci95_low > m.mean - m.half_width;
        at_top |= m.ci95_high < m.mean + m.half_width;
    }
    let why = match (at_zero, at_top) {
        (false, false) => return None,
        (true, false) => "cut at 0, as the figure cannot be negative",
        (false, true) => "cut at the most the figure can be (100% for a share)",
        (true, true) => "cut at 0 or at the most the figure can be (100% for a share)",
    };
    Some(format!(
        "{MARK} The 95% interval is {why}; more replications narrow it."
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(mean: f64, half_width: f64, range: (f64, f64)) -> MetricSummary {
        MetricSummary {
            metric: "m".into(),
            unit: "h",
            mean,
            sd: 1.0,
            ci95_low: (mean - half_width).max(range.0),
            ci95_high: (mean + half_width).min(range.1),
            half_width,
            replications: 4,
        }
    }

    #[test]
    fn the_note_names_the_end_that_was_clipped() {
        let inside = summary(5.0, 1.0, (0.0, f64::INFINITY));
        let at_zero = summary(1.0, 2.0, (0.0, f64::INFINITY));
        let at_one = summary(0.9, 0.2, (0.0, 1.0));
        assert_eq!(mark(&inside), "");
        assert_eq!(note([&inside]), None);
        assert_eq!(mark(&at_zero), MARK);
        assert_eq!(
            note([&inside, &at_zero]).as_deref(),
            Some(
                "* The 95% interval is cut at 0, as the figure cannot be negative; more replications narrow it."
            )
        );
        assert!(note([&at_one]).is_some_and(|n| n.contains("cut at the most")));
        assert!(note([&at_zero, &at_one]).is_some_and(|n| n.contains("cut at 0 or at the most")));
    }
}
