//! One-off changes from the command line: `--set resources.reablement_slot.count=142`.
//!
//! A setting is turned into a small overlay and merged by the same rules as a variant file,
//! so a misspelt name gets the same "did you mean" error. Inside a pathway, a step is named
//! by its `name`: `pathways.acute.steps.treatment.delay.duration = { fixed = "5 d" }`.

use std::str::FromStr;

use super::diagnostics::Problem;
use super::layered::{self, Entry, Kind, Node, Origin, Table};
use super::overlay::merge;

/// The name under which `--set` arguments are shown in messages.
pub const LABEL: &str = "command line (--set)";

/// How a sweep names its command-line settings in messages: a point's values come from
/// `--vary`, the rest from `--set`.
pub const SWEEP_LABEL: &str = "command line (--set, --vary)";

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
    /// This setting as shown in messages: the argument as given, `KEY=VALUE`.
    fn line(&self) -> String {
        format!("{}={}", self.key, self.value)
    }
}

/// The text that messages about `settings` point into: one argument a line, `KEY=VALUE`.
pub fn text(settings: &[Setting]) -> String {
    settings.iter().map(|s| s.line() + "\n").collect()
}

/// Applies `settings` to a scenario's tree, in order. `file` is the index given to the
/// settings' text ([`text`]), so that a problem with a value points at its argument.
pub fn apply(root: &mut Node, settings: &[Setting], file: usize) -> Result<(), Vec<Problem>> {
    let Kind::Table(table) = &mut root.kind else {
        return Ok(());
    };
    let mut problems = Vec::new();
    let mut line_start = 0;
    for setting in settings {
        let mut segments = Vec::new();
        let mut at = line_start;
        for segment in setting.key.split('.') {
            segments.push((
                segment,
                Origin {
                    file,
                    span: at..at + segment.len(),
                },
            ));
            at += segment.len() + 1;
        }
        let value_at = line_start + setting.key.len() + 1;
        let value_span = value_at..value_at + setting.value.len();
        let value = layered::parse_value(file, &setting.value, value_at).unwrap_or_else(|| {
            Node::string(
                &setting.value,
                Origin {
                    file,
                    span: value_span,
                },
            )
        });
        match overlay_for(table, &segments, value) {
            Ok(overlay) => merge(table, overlay, &[], &mut problems),
            Err(message) => {
                let key_span = line_start..line_start + setting.key.len();
                problems.push(
                    Problem::new(key_span, message)
                        .help("write the key as it is in the scenario file, with steps named by their `name`, e.g. pathways.acute.steps.treatment.delay")
                        .in_file(file),
                );
            }
        }
        line_start += setting.line().len() + 1;
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The overlay table that sets `segments` to `value`, following the base's shape so that a
/// step can be named inside a list of steps. Keys and tables made here point at their
/// segment of the argument.
fn overlay_for(base: &Table, segments: &[(&str, Origin)], value: Node) -> Result<Table, String> {
    let ((first, origin), rest) = segments.split_first().ok_or("an empty key")?;
    let mut overlay = Table::new();
    let table = |table: Table| Node {
        origin: origin.clone(),
        kind: Kind::Table(table),
    };
    if rest.is_empty() {
        overlay.insert(
            first.to_string(),
            Entry {
                key: origin.clone(),
                value,
            },
        );
        return Ok(overlay);
    }
    let inner = match base.get(*first).map(|e| &e.value.kind) {
        Some(Kind::Table(inner)) => table(overlay_for(inner, rest, value)?),
        Some(Kind::Array(list)) => {
            let ((name, name_origin), rest) =
                rest.split_first().ok_or("a list needs an entry name")?;
            let entry = list
                .iter()
                .find(|v| v.name() == Some(name))
                .and_then(Node::as_table)
                .ok_or_else(|| format!("`{first}` has no entry named `{name}`"))?;
            if rest.is_empty() {
                return Err(format!(
                    "give a key inside `{first}.{name}`, e.g. `{first}.{name}.next`"
                ));
            }
            if rest.iter().map(|(s, _)| *s).eq(["name"]) {
                return Err(format!(
                    "`{first}.{name}.name` cannot be changed: other steps refer to it"
                ));
            }
            let mut named = overlay_for(entry, rest, value)?;
            named.insert(
                "name".to_string(),
                Entry {
                    key: name_origin.clone(),
                    value: Node::string(name, name_origin.clone()),
                },
            );
            Node {
                origin: origin.clone(),
                kind: Kind::Array(vec![Node {
                    origin: name_origin.clone(),
                    kind: Kind::Table(named),
                }]),
            }
        }
        Some(_) => {
            return Err(format!(
                "`{first}` is a value, not a table: nothing is inside it"
            ));
        }
        // Unknown: let the merge report it (with the nearest name) or the schema check it.
        None => table(overlay_for(&Table::new(), rest, value)?),
    };
    overlay.insert(
        first.to_string(),
        Entry {
            key: origin.clone(),
            value: inner,
        },
    );
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

    /// Applies one setting to BASE and reads the result back as plain TOML; an error is
    /// rendered as the user would see it.
    fn set(text: &str) -> Result<toml::Table, String> {
        let mut root = layered::parse(0, BASE).unwrap();
        let settings = [text.parse().unwrap()];
        let line = super::text(&settings);
        apply(&mut root, &settings, 1).map_err(|problems| {
            crate::scenario::diagnostics::render_in(
                &[("base.toml", BASE), (LABEL, &line)],
                &problems,
                |_| None,
            )
        })?;
        Ok(toml::from_str(&layered::emit(&root).0).unwrap())
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
        let error = set("resources.nurses.count=5").unwrap_err();
        assert!(error.contains("did you mean `nurse`"), "{error}");
        assert!(error.contains("command line (--set):1:11"), "{error}");
        let error = set("pathways.p.steps.vist.next=x").unwrap_err();
        assert!(error.contains("no entry named `vist`"), "{error}");
        assert!("no_equals_sign".parse::<Setting>().is_err());
        let error = set("pathways.p.steps.visit.name=other").unwrap_err();
        assert!(error.contains("cannot be changed"), "{error}");
    }
}
