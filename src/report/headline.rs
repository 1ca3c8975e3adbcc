//! Which figures a reader sees first: the scenario's own `[key_figures]`, or, when it names
//! none, a standard selection per pathway, waiting point, handoff and resource.

use crate::model::scenario::Scenario;

/// A figure to show first: its metric name and the label to show it under.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    /// Metric name, as in `summary.csv`.
    pub metric: String,
    /// Label for readers.
    pub label: String,
}

impl Headline {
    /// The label in plain words, for reports and charts: a scenario's own label as written,
    /// or the metric in words from the scenario's labels (`Scenario::metric_title`).
    pub fn plain_label(&self) -> String {
        if self.label == self.metric {
            super::charts::words(&self.metric)
        } else {
            self.label.clone()
        }
    }
}

/// Whether a metric belongs to the standard selection: arrivals, time in pathway and outcome
/// shares per pathway; mean wait and share within deadline per waiting point; delay per
/// handoff; utilisation, overtime and blocked days per resource; total cost.
pub fn is_standard(metric: &str) -> bool {
    metric.ends_with(".arrivals")
        || metric.ends_with(".time_in_pathway.mean")
        || (metric.contains(".outcome.") && metric.ends_with(".share"))
        || (metric.starts_with("wait.")
            && (metric.ends_with(".mean") || metric.ends_with(".within_deadline")))
        || (metric.starts_with("handoff.") && metric.ends_with(".delay.mean"))
        || metric.ends_with(".utilisation")
        || (metric.ends_with(".overtime") && !metric.starts_with("cost."))
        || (metric.ends_with(".blocked") && !metric.starts_with("cost."))
        || metric == "cost.total"
}

/// The headline figures of `scenario`, given its metrics as (name, mean): its key figures in
/// order, or the standard selection without overtime, blocking or cost that never occurred.
pub fn headlines<'a>(
    scenario: &Scenario,
    metrics: impl IntoIterator<Item = (&'a str, f64)>,
) -> Vec<Headline> {
    let metrics: Vec<(&str, f64)> = metrics.into_iter().collect();
    if scenario.key_figures.is_empty() {
        let never = |name: &str, mean: f64| {
            mean == 0.0
                && (name.ends_with(".blocked")
                    || name.ends_with(".overtime")
                    || name == "cost.total")
        };
        metrics
            .iter()
            .filter(|(name, mean)| is_standard(name) && !never(name, *mean))
            .map(|(name, _)| Headline {
                metric: (*name).to_string(),
                label: scenario.metric_title(name),
            })
            .collect()
    } else {
        scenario
            .key_figures
            .iter()
            .map(|f| (f.metric(), &f.label))
            .filter(|(metric, _)| metrics.iter().any(|(name, _)| name == metric))
            .map(|(metric, label)| Headline {
                metric,
                label: label.clone(),
            })
            .collect()
    }
}
