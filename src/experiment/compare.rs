//! Comparing designs: every scenario runs the same replications with the same seed, so each
//! purpose (arrivals of a source, draws of a step) gets the same random numbers in every
//! design; differences are then judged replication by replication with a paired Student-t
//! interval, which removes the noise the designs share.
//!
//! A figure with no value in a replication (nothing observed there) is left out: the mean is
//! over the replications that have a value, and the difference pairs only the replications
//! in which both designs have one (`paired` says how many).

use serde::Serialize;

use super::statistics::{MetricSummary, RunningMoments, SummarySums};
use crate::model::ReplicationResult;
use crate::model::scenario::{Better, Scenario};

/// One metric of one scenario, against the base scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComparisonRow {
    /// Dotted metric name.
    pub metric: String,
    /// Its unit.
    pub unit: &'static str,
    /// Scenario name (`[run] name`).
    pub scenario: String,
    /// Mean across the replications with a value.
    #[serde(serialize_with = "empty_if_nan")]
    pub mean: f64,
    /// Lower end of the 95% confidence interval of the mean.
    #[serde(serialize_with = "empty_if_nan")]
    pub ci95_low: f64,
    /// Upper end of the 95% confidence interval of the mean.
    #[serde(serialize_with = "empty_if_nan")]
    pub ci95_high: f64,
    /// Mean of (this scenario - base) over the paired replications; 0 for the base itself.
    #[serde(serialize_with = "empty_if_nan")]
    pub diff_vs_base: f64,
    /// Lower end of the paired 95% confidence interval of the difference.
    #[serde(serialize_with = "empty_if_nan")]
    pub diff_ci95_low: f64,
    /// Upper end of the paired 95% confidence interval of the difference.
    #[serde(serialize_with = "empty_if_nan")]
    pub diff_ci95_high: f64,
    /// Whether the difference's interval excludes zero.
    pub significant: bool,
    /// Replications of this scenario with a value for the metric.
    pub replications: usize,
    /// Replications in which both this scenario and the base have a value: the pairs the
    /// difference is over.
    pub paired: usize,
    /// Which way the figure is better (`higher`, `lower`), as its key figure states; empty
    /// where it states none.
    #[serde(serialize_with = "direction_word")]
    pub better: Option<Better>,
    /// The verdict in words (see [`Judgement::words`]): `better`, `worse`, `within noise`,
    /// `higher` or `lower` (no direction stated), `identical`, `too few pairs`,
    /// `not comparable`, or `base` for the base's own rows.
    pub verdict: &'static str,
    /// Whether this is a row of the base itself.
    #[serde(skip)]
    pub is_base: bool,
}

/// A direction in `comparison.csv`: `higher`, `lower`, or empty.
fn direction_word<S: serde::Serializer>(
    better: &Option<Better>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(better.map_or("", Better::word))
}

/// What a difference from the base means once the figure's direction is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Judgement {
    /// The base's own row.
    Base,
    /// See [`Verdict::NotComparable`].
    NotComparable,
    /// See [`Verdict::Identical`].
    Identical,
    /// Fewer than two replications have a value in both designs: no interval, no verdict.
    TooFewPairs,
    /// The paired 95% interval includes zero.
    WithinNoise,
    /// Clearly in the figure's better direction.
    Better,
    /// Clearly in the figure's worse direction.
    Worse,
    /// Clearly higher, for a figure that states no direction.
    Higher,
    /// Clearly lower, for a figure that states no direction.
    Lower,
}

impl Judgement {
    /// The verdict in words, as in `comparison.csv`.
    pub fn words(self) -> &'static str {
        match self {
            Judgement::Base => "base",
            Judgement::NotComparable => "not comparable",
            Judgement::Identical => "identical",
            Judgement::TooFewPairs => "too few pairs",
            Judgement::WithinNoise => "within noise",
            Judgement::Better => "better",
            Judgement::Worse => "worse",
            Judgement::Higher => "higher",
            Judgement::Lower => "lower",
        }
    }
}

/// A number in `comparison.csv`: no value (NaN) as an empty field.
fn empty_if_nan<S: serde::Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    if value.is_nan() {
        serializer.serialize_str("")
    } else {
        serializer.serialize_f64(*value)
    }
}

/// What a comparison row says about its difference from the base, in words a board reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The metric is missing from the base or the variant, or no replication has a value
    /// in both.
    NotComparable,
    /// No difference in any replication (e.g. a figure the change cannot touch).
    Identical,
    /// Higher than the base, and the paired 95% interval excludes zero.
    ClearlyHigher,
    /// Lower than the base, and the paired 95% interval excludes zero.
    ClearlyLower,
    /// The paired 95% interval includes zero.
    WithinNoise,
}

impl ComparisonRow {
    /// The verdict, judged with the figure's direction ([`ComparisonRow::better`]): clearly
    /// higher is "better" for a higher-is-better figure and "worse" for a lower-is-better
    /// one; with no direction it stays "higher" or "lower".
    pub fn judgement(&self) -> Judgement {
        if self.is_base {
            return Judgement::Base;
        }
        match (self.verdict(), self.better) {
            (Verdict::NotComparable, _) => Judgement::NotComparable,
            (Verdict::Identical, _) => Judgement::Identical,
            _ if self.paired < 2 => Judgement::TooFewPairs,
            (Verdict::WithinNoise, _) => Judgement::WithinNoise,
            (_, Some(better)) if better.is_improvement(self.diff_vs_base) => Judgement::Better,
            (_, Some(_)) => Judgement::Worse,
            (Verdict::ClearlyHigher, None) => Judgement::Higher,
            (_, None) => Judgement::Lower,
        }
    }

    /// What the row says about the difference from the base.
    pub fn verdict(&self) -> Verdict {
        if self.diff_vs_base.is_nan() {
            Verdict::NotComparable
        } else if self.diff_ci95_low == 0.0 && self.diff_ci95_high == 0.0 {
            Verdict::Identical
        } else if self.significant && self.diff_vs_base > 0.0 {
            Verdict::ClearlyHigher
        } else if self.significant {
            Verdict::ClearlyLower
        } else {
            Verdict::WithinNoise
        }
    }
}

/// The running sums of a comparison, fed one replication of every design at a time (the
/// base first), in replication order: per design the summary of each metric, and the
/// paired differences from the base metric by metric. Nothing is kept per replication.
#[derive(Debug, Clone)]
pub struct ComparisonSums {
    /// Per design, in the order given (the base first).
    designs: Vec<DesignSums>,
}

/// One design's running sums in a comparison.
#[derive(Debug, Clone)]
struct DesignSums {
    /// Scenario name (`[run] name`).
    scenario: String,
    /// The summary of each metric.
    sums: SummarySums,
    /// Per metric: the position of the metric of the same name in the base, if it has one.
    in_base: Vec<Option<usize>>,
    /// Per metric: the differences from the base, over the replications where both have a
    /// value.
    differences: Vec<RunningMoments>,
}

impl ComparisonSums {
    /// No replications yet, for designs named `scenarios` (the base first).
    pub fn new<S: ToString>(scenarios: &[S]) -> Self {
        ComparisonSums {
            designs: scenarios
                .iter()
                .map(|name| DesignSums {
                    scenario: name.to_string(),
                    sums: SummarySums::new(),
                    in_base: Vec::new(),
                    differences: Vec::new(),
                })
                .collect(),
        }
    }

    /// No replications yet, for `designs` (the base first), named by `[run] name`, each
    /// summary's intervals clipped to its figures' ranges (a key figure adding up several
    /// shares can exceed 1, see [`SummarySums::for_scenario`]).
    pub fn for_designs(designs: &[&Scenario]) -> Self {
        ComparisonSums {
            designs: designs
                .iter()
                .map(|design| DesignSums {
                    scenario: design.name.clone(),
                    sums: SummarySums::for_scenario(design),
                    in_base: Vec::new(),
                    differences: Vec::new(),
                })
                .collect(),
        }
    }

    /// Adds one replication of every design, `results[d]` for design `d` (the same
    /// replication, on the same random numbers); replications must come in replication
    /// order. Metrics are matched with the base's by name. O(metrics).
    pub fn add(&mut self, results: &[ReplicationResult]) {
        let Some(base) = results.first() else {
            return;
        };
        for (design, result) in self.designs.iter_mut().zip(results) {
            if design.sums.replications() == 0 {
                let position: std::collections::BTreeMap<&str, usize> = base
                    .metrics
                    .iter()
                    .enumerate()
                    .rev()
                    .map(|(i, m)| (&*m.name, i))
                    .collect();
                design.in_base = result
                    .metrics
                    .iter()
                    .map(|m| position.get(&*m.name).copied())
                    .collect();
                design.differences = vec![RunningMoments::new(); result.metrics.len()];
            }
            design.sums.add(result);
            for ((differences, in_base), metric) in design
                .differences
                .iter_mut()
                .zip(&design.in_base)
                .zip(&result.metrics)
            {
                if let Some(b) = in_base.and_then(|b| base.metrics.get(b)) {
                    // A NaN on either side makes a NaN difference: that pair is left out.
                    differences.add(metric.value - b.value);
                }
            }
        }
    }

    /// The summary of design `design` (0 is the base), as in `summary.csv`.
    pub fn summary(&self, design: usize) -> Vec<MetricSummary> {
        self.designs
            .get(design)
            .map_or_else(Vec::new, |d| d.sums.summary())
    }

    /// Every metric of every design against the base: the mean over the replications with a
    /// value, and the paired difference over the replications where both have one. A metric
    /// missing from the base (a step only the variant has) gets no difference (NaN).
    pub fn rows(&self) -> Vec<ComparisonRow> {
        let mut rows = Vec::new();
        for (index, design) in self.designs.iter().enumerate() {
            let summary = design.sums.summary();
            for ((metric, in_base), differences) in summary
                .into_iter()
                .zip(&design.in_base)
                .zip(&design.differences)
            {
                let (diff_vs_base, diff_ci95_low, diff_ci95_high, paired) = if in_base.is_some() {
                    let (d, _, low, high) = differences.mean_sd_ci();
                    (d, low, high, differences.count())
                } else {
                    (f64::NAN, f64::NAN, f64::NAN, 0)
                };
                rows.push(ComparisonRow {
                    metric: metric.metric,
                    unit: metric.unit,
                    scenario: design.scenario.clone(),
                    mean: metric.mean,
                    ci95_low: metric.ci95_low,
                    ci95_high: metric.ci95_high,
                    diff_vs_base,
                    diff_ci95_low,
                    diff_ci95_high,
                    significant: diff_ci95_low > 0.0 || diff_ci95_high < 0.0,
                    replications: metric.replications,
                    paired,
                    better: None,
                    verdict: "",
                    is_base: index == 0,
                });
                if let Some(row) = rows.last_mut() {
                    row.verdict = row.judgement().words();
                }
            }
        }
        rows
    }
}

/// Gives each row the direction `better_of(metric)` of its figure (for East London, the
/// base scenario's key figures) and judges it again with it.
pub fn judge(rows: &mut [ComparisonRow], better_of: impl Fn(&str) -> Option<Better>) {
    for row in rows {
        row.better = better_of(&row.metric);
        row.verdict = row.judgement().words();
    }
}

/// `comparison.csv`: `metric,unit,scenario,mean,ci95_low,ci95_high,diff_vs_base,
/// diff_ci95_low,diff_ci95_high,significant,replications,paired,better,verdict`.
pub fn comparison_csv(rows: &[ComparisonRow]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MetricValue, Unit};

    fn results(values: &[f64]) -> Vec<ReplicationResult> {
        values
            .iter()
            .enumerate()
            .map(|(i, v)| ReplicationResult {
                replication: i as u32,
                metrics: vec![MetricValue {
                    name: "wait".into(),
                    unit: Unit::Hours,
                    value: *v,
                }],
                by_hour: Vec::new(),
                waits: Vec::new(),
                events: 0,
                daily: Vec::new(),
                levels: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn paired_differences_see_through_shared_noise() {
        // The variant is always 0.1 lower than the base, while replications vary widely.
        let base = results(&[1.0, 5.0, 2.0, 8.0, 3.0]);
        let variant = results(&[0.9, 4.9, 1.9, 7.9, 2.9]);
        let mut sums = ComparisonSums::new(&["base", "variant"]);
        for (b, v) in base.into_iter().zip(variant) {
            sums.add(&[b, v]);
        }
        let rows = sums.rows();
        let row = &rows[1];
        assert!((row.diff_vs_base + 0.1).abs() < 1e-12);
        assert!(row.significant, "{row:?}");
        // Unpaired, the intervals of the two means overlap almost entirely.
        assert!(row.ci95_low < rows[0].mean && rows[0].mean < row.ci95_high);
        assert_eq!(rows[0].diff_vs_base, 0.0);
        assert!(!rows[0].significant);
        assert_eq!(rows[0].verdict(), Verdict::Identical);
    }

    /// Issue 9 item 1: pairs with no value on either side are left out, and a metric the
    /// base lacks has no difference.
    #[test]
    fn pairs_need_a_value_on_both_sides() {
        let base = results(&[1.0, f64::NAN, 3.0, 4.0]);
        let mut variant = results(&[2.0, 5.0, f64::NAN, 6.0]);
        for (r, extra) in variant.iter_mut().zip([1.0, 2.0, 3.0, 4.0]) {
            r.metrics.push(MetricValue {
                name: "new_step".into(),
                unit: Unit::Hours,
                value: extra,
            });
        }
        let mut sums = ComparisonSums::new(&["base", "variant"]);
        for (b, v) in base.into_iter().zip(variant) {
            sums.add(&[b, v]);
        }
        let rows = sums.rows();
        assert_eq!(rows.len(), 3);
        let wait = &rows[1];
        assert_eq!((wait.replications, wait.paired), (3, 2));
        assert_eq!(wait.diff_vs_base, 1.5);
        assert_eq!(wait.mean, 13.0 / 3.0);
        let new = &rows[2];
        assert_eq!((new.metric.as_str(), new.paired), ("new_step", 0));
        assert!(new.diff_vs_base.is_nan());
        assert_eq!(new.verdict(), Verdict::NotComparable);
    }

    /// Issue 10 item 2: a clear rise is "better" for a higher-is-better figure, "worse" for a
    /// lower-is-better one, and only "higher" where no direction is stated.
    #[test]
    fn a_clear_rise_is_judged_by_the_figures_direction() {
        let base = results(&[0.70, 0.75, 0.72, 0.80, 0.78]);
        let variant = results(&[0.80, 0.86, 0.81, 0.90, 0.89]);
        let compare = |base: &[ReplicationResult], variant: &[ReplicationResult]| {
            let mut sums = ComparisonSums::new(&["base", "variant"]);
            for (b, v) in base.iter().zip(variant) {
                sums.add(&[b.clone(), v.clone()]);
            }
            sums.rows()
        };
        let mut rows = compare(&base, &variant);
        assert_eq!(rows[0].verdict, "base");
        assert_eq!(rows[1].verdict, "higher");
        assert_eq!(rows[1].judgement(), Judgement::Higher);
        judge(&mut rows, |_| Some(Better::Higher));
        assert_eq!(rows[1].judgement(), Judgement::Better);
        assert_eq!(rows[1].verdict, "better");
        judge(&mut rows, |_| Some(Better::Lower));
        assert_eq!(rows[1].verdict, "worse");
        // A rise within noise stays within noise whichever way is better.
        let noisy = results(&[0.80, 0.70, 0.77, 0.75, 0.78]);
        let mut rows = compare(&base, &noisy);
        judge(&mut rows, |_| Some(Better::Higher));
        assert_eq!(rows[1].verdict, "within noise");
        let csv = String::from_utf8(comparison_csv(&rows).unwrap()).unwrap();
        assert!(
            csv.starts_with("metric,unit,scenario,mean,ci95_low,ci95_high,diff_vs_base,diff_ci95_low,diff_ci95_high,significant,replications,paired,better,verdict\n"),
            "{csv}"
        );
        assert!(
            csv.lines()
                .nth(2)
                .unwrap()
                .ends_with(",higher,within noise"),
            "{csv}"
        );
    }
}
