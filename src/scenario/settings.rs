//! One-off changes from the command line: `--set resources.reablement_slot.count=142`.
//!
//! A setting is turned into a small overlay and merged by the same rules as a variant file,
//! so a misspelt name gets the same "did you mean" error. Inside a pathway, a step is named
//! by its `name`: `pathways.acute.steps.treatment.delay.duration = { fixed = "5 d" }`.

use std::str::FromStr;

use toml::{Table, Value};

use super::ScenarioError;
use super::diagnostics::{Problem, render};
use super::overlay::merge;

/// One `KEY=VALUE` from the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// Dotted key, e.g. `resources.rr_nurse.cost_per_hour`.
    pub key: String,
    /// The value as TOML (`142`, `"100 d"`, `{ fixed = "5 d" }`); text that is not valid
    /// TOML is taken as a string, so `run.horizon=100 d` works without quotes.
    pub value: String,
}

impl FromStr for Setting {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (key, value) = text.split_once('=').ok_or_else(|| {
            format!("`{text}` is not KEY=VALUE; e.g. --set resources.rr_nurse.cost_per_hour=60")
        })?;
        let key = key.trim();
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return Err(format!(
                "`{key}` is not a dotted key; e.g. resources.reablement_slot.count"
            ));
        }
        Ok(Setting {
            key: key.to_string(),
            value: value.trim().to_string(),
        })
    }
}

impl Setting {
    /// The value as a TOML value.
    fn toml_value(&self) -> Value {
        toml::from_str::<Table>(&format!("value = {}", self.value))
            .ok()
            .and_then(|mut t| t.remove("value"))
            .unwrap_or_else(|| Value::String(self.value.clone()))
    }

    /// This setting as it reads in the pseudo-file used for messages.
    fn line(&self) -> String {
        format!("{} = {}", self.key, self.value)
    }
}

/// Applies `settings` to a scenario's table, in order.
pub fn apply(table: &mut Table, settings: &[Setting]) -> Result<(), ScenarioError> {
    let source: String = settings.iter().map(|s| s.line() + "\n").collect();
    let label = "command line (--set)";
    let mut problems = Vec::new();
    for setting in settings {
        let segments: Vec<&str> = setting.key.split('.').collect();
        match overlay_for(table, &segments, setting.toml_value()) {
            Ok(overlay) => merge(table, overlay, &[], &source, &mut problems),
            Err(message) => {
                let start = source.find(&setting.line()).unwrap_or(0);
                problems.push(Problem::new(start..start + setting.key.len(), message).help(
                    "write the key as it is in the scenario file, with steps named by their `name`, e.g. pathways.acute.steps.treatment.delay",
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(ScenarioError::Invalid {
            report: render(label, &source, &problems),
            problems,
        })
    }
}

/// The overlay table that sets `segments` to `value`, following the base's shape so that a
/// step can be named inside a list of steps.
fn overlay_for(base: &Table, segments: &[&str], value: Value) -> Result<Table, String> {
    let (first, rest) = segments.split_first().ok_or("an empty key")?;
    let mut overlay = Table::new();
    if rest.is_empty() {
        overlay.insert(first.to_string(), value);
        return Ok(overlay);
    }
    let inner = match base.get(*first) {
        Some(Value::Table(inner)) => Value::Table(overlay_for(inner, rest, value)?),
        Some(Value::Array(list)) => {
            let (name, rest) = rest.split_first().ok_or("a list needs an entry name")?;
            let entry = list
                .iter()
                .find_map(|v| {
                    v.as_table()
                        .filter(|t| t.get("name").and_then(Value::as_str) == Some(name))
                })
                .ok_or_else(|| format!("`{first}` has no entry named `{name}`"))?;
            if rest.is_empty() {
                return Err(format!(
                    "give a key inside `{first}.{name}`, e.g. `{first}.{name}.next`"
                ));
            }
            if rest == ["name"] {
                return Err(format!(
                    "`{first}.{name}.name` cannot be changed: other steps refer to it"
                ));
            }
            let mut named = overlay_for(entry, rest, value)?;
            named.insert("name".to_string(), Value::String(name.to_string()));
            Value::Array(vec![Value::Table(named)])
        }
        Some(_) => {
            return Err(format!(
                "`{first}` is a value, not a table: nothing is inside it"
            ));
        }
        // Unknown: let the merge report it (with the nearest name) or the schema check it.
        None => Value::Table(overlay_for(&Table::new(), rest, value)?),
    };
    overlay.insert(first.to_string(), inner);
    Ok(overlay)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
[resources.nurse]
count = 2
[[pathways.p.steps]]
name = "visit"
activity = { resource = "nurse", duration = { fixed = "1 h" } }
"#;

    fn set(text: &str) -> Result<Table, ScenarioError> {
        let mut table: Table = toml::from_str(BASE).unwrap();
        apply(&mut table, &[text.parse().unwrap()])?;
        Ok(table)
    }

    #[test]
    fn values_are_read_as_toml_or_as_text() {
        let table = set("resources.nurse.count=5").unwrap();
        assert_eq!(table["resources"]["nurse"]["count"].as_integer(), Some(5));
        let table = set("pathways.p.steps.visit.activity.duration={ fixed = \"2 h\" }").unwrap();
        let steps = table["pathways"]["p"]["steps"].as_array().unwrap();
        assert_eq!(
            steps[0]["activity"]["duration"]["fixed"].as_str(),
            Some("2 h")
        );
        assert_eq!(steps[0]["activity"]["resource"].as_str(), Some("nurse"));
        let table = set("pathways.p.steps.visit.activity.deadline=2 h").unwrap();
        let steps = table["pathways"]["p"]["steps"].as_array().unwrap();
        assert_eq!(steps[0]["activity"]["deadline"].as_str(), Some("2 h"));
    }

    #[test]
    fn misspelt_names_are_errors() {
        let error = set("resources.nurses.count=5").unwrap_err().to_string();
        assert!(error.contains("did you mean `nurse`"), "{error}");
        let error = set("pathways.p.steps.vist.next=x").unwrap_err().to_string();
        assert!(error.contains("no entry named `vist`"), "{error}");
        assert!("no_equals_sign".parse::<Setting>().is_err());
        let error = set("pathways.p.steps.visit.name=other")
            .unwrap_err()
            .to_string();
        assert!(error.contains("cannot be changed"), "{error}");
    }
}
