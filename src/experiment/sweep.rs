//! Sweeps: one or two scenario keys varied over a grid, every point run on the same
//! replications and seed (common random numbers), summarised point by point.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use super::statistics::{MetricSummary, SUMMARY_COLUMNS};

/// `KEY=FROM..TO[:STEP]`: the values a key takes in a sweep.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    /// Dotted scenario key, as for `--set`.
    pub key: String,
    /// First value.
    pub from: f64,
    /// Last value (included when the steps land on it).
    pub to: f64,
    /// Step between values (default 1).
    pub step: f64,
    /// Decimal places of the most precise of FROM, TO and STEP as written (`None` if one is
    /// in exponent notation): each value is rounded to them, so 0.1..0.7:0.1 gives 0.3 and
    /// 0.7, not the 0.30000000000000004 and 0.7000000000000001 of repeated addition.
    pub decimals: Option<usize>,
}

/// Decimal places written in a number such as `0.25` (2) or `10` (0); `None` for exponent
/// notation (`1e-3`), whose places are not spelt out.
fn decimals_written(number: &str) -> Option<usize> {
    let number = number.trim();
    if number.contains(['e', 'E']) {
        return None;
    }
    Some(
        number
            .split_once('.')
            .map_or(0, |(_, fraction)| fraction.len()),
    )
}

impl FromStr for Vary {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let help = "write KEY=FROM..TO or KEY=FROM..TO:STEP, e.g. resources.reablement_slot.count=100..140:10";
        let (key, range) = text
            .split_once('=')
            .ok_or_else(|| format!("`{text}` has no `=`; {help}"))?;
        let (range, step, step_text) = match range.split_once(':') {
            Some((range, step)) => (
                range,
                step.trim()
                    .parse::<f64>()
                    .map_err(|_| format!("step `{step}` is not a number; {help}"))?,
                step,
            ),
            None => (range, 1.0, "1"),
        };
        let (from, to) = range
            .split_once("..")
            .ok_or_else(|| format!("`{range}` is not FROM..TO; {help}"))?;
        let number = |v: &str| {
            v.trim()
                .parse::<f64>()
                .map_err(|_| format!("`{v}` is not a number; {help}"))
        };
        let decimals = [from, to, step_text]
            .into_iter()
            .map(decimals_written)
            .try_fold(0, |most, places| places.map(|p| p.max(most)));
        let (from, to) = (number(from)?, number(to)?);
        let finite = step.is_finite() && from.is_finite() && to.is_finite();
        if !(finite && step > 0.0) || to < from {
            return Err(format!(
                "`{text}` needs FROM <= TO and a positive STEP; {help}"
            ));
        }
        if (to - from) / step > 1000.0 {
            return Err(format!(
                "`{text}` has more than 1000 points; use a larger STEP"
            ));
        }
        Ok(Vary {
            key: key.trim().to_string(),
            from,
            to,
            step,
            decimals,
        })
    }
}

impl Vary {
    /// The values, as TOML text (whole numbers without a decimal point, so counts stay
    /// integers).
    pub fn values(&self) -> Vec<SweepValue> {
        let points = ((self.to - self.from) / self.step + 1e-9).floor() as usize + 1;
        (0..points)
            .map(|i| {
                let value = self.from + i as f64 * self.step;
                // Printed with the places written and read back: the nearest double to the
                // decimal the user would have typed. Rounding cannot fail to parse.
                let rounded = self
                    .decimals
                    .and_then(|places| format!("{value:.places$}").parse().ok());
                SweepValue(rounded.unwrap_or(value))
            })
            .collect()
    }
}

/// One value of a swept key.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SweepValue(pub f64);

impl fmt::Display for SweepValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.fract() == 0.0 && self.0.abs() < 1e15 {
            write!(f, "{}", self.0 as i64)
        } else {
            write!(f, "{}", self.0)
        }
    }
}

/// Every point of a grid over one or two keys, first key slowest.
pub fn grid(vary: &[Vary]) -> Vec<Vec<SweepValue>> {
    vary.iter().fold(vec![Vec::new()], |points, v| {
        points
            .iter()
            .flat_map(|point| {
                v.values().into_iter().map(move |value| {
                    let mut next = point.clone();
                    next.push(value);
                    next
                })
            })
            .collect()
    })
}

/// `sweep.csv`: one column per swept key, then `metric,unit,mean,sd,ci95_low,ci95_high,
/// replications,unstable`, one row per metric per point. `unstable` is `true` on every row of
/// a point whose queues were still growing at the end (`unstable[point]`, see
/// `experiment::stability`), else `false`.
pub fn sweep_csv(
    keys: &[String],
    points: &[(Vec<SweepValue>, Vec<MetricSummary>)],
    unstable: &[bool],
) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = keys.to_vec();
    header.extend(SUMMARY_COLUMNS.map(String::from));
    header.push("unstable".to_string());
    writer.write_record(&header)?;
    for (point, (values, summary)) in points.iter().enumerate() {
        let flag = unstable.get(point).copied().unwrap_or(false).to_string();
        for m in summary {
            let mut row: Vec<String> = values.iter().map(ToString::to_string).collect();
            row.extend(m.fields());
            row.push(flag.clone());
            writer.write_record(&row)?;
        }
    }
    writer.into_inner().map_err(|e| e.into_error().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_and_expand() {
        let v: Vary = "resources.bed.count=100..140:20".parse().unwrap();
        assert_eq!(
            v.values()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["100", "120", "140"]
        );
        let v: Vary = "arrivals.gp.per_day=1.5..2.5:0.5".parse().unwrap();
        assert_eq!(
            v.values()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["1.5", "2", "2.5"]
        );
        // Repeated addition of 0.1 gives 0.30000000000000004 and 0.7000000000000001: the
        // values are rounded to the places written.
        let v: Vary = "arrivals.gp.per_day=0.1..0.7:0.1".parse().unwrap();
        let values: Vec<f64> = v.values().iter().map(|v| v.0).collect();
        assert_eq!(values, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
        let v: Vary = "x=0.05..0.15:0.05".parse().unwrap();
        assert_eq!(
            v.values()
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["0.05", "0.1", "0.15"]
        );
        // Exponent notation keeps the sums as they come.
        let v: Vary = "x=1e-1..3e-1:1e-1".parse().unwrap();
        assert_eq!(v.decimals, None);
        assert_eq!(v.values().len(), 3);
        assert!("x=5..1".parse::<Vary>().is_err());
        assert!("x=1..5:0".parse::<Vary>().is_err());
        assert!("x".parse::<Vary>().is_err());
    }

    #[test]
    fn two_keys_make_a_grid() {
        let a: Vary = "a=1..2".parse().unwrap();
        let b: Vary = "b=10..30:10".parse().unwrap();
        let points = grid(&[a, b]);
        assert_eq!(points.len(), 6);
        assert_eq!(points[1][0].0, 1.0);
        assert_eq!(points[1][1].0, 20.0);
    }
}
