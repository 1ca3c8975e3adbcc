//! Variants that extend a base scenario: `extends = "baseline.toml"` at the top of a file,
//! followed only by what differs.
//!
//! Merging rules: tables merge key by key, except that a one-key table of another kind
//! replaces the base's (`{ fixed = "0 h" }` replaces `{ uniform = ... }`); a list of tables whose entries all have a `name`
//! (pathway steps) merges entry by entry, matched by name; anything else is replaced. A
//! variant may set any key the language allows, but may not invent a named entry: a
//! resource, source, pathway, calendar, attribute, outcome or step it names must exist in the
//! base, so a misspelt name is an error rather than a silent addition.

use std::path::{Path, PathBuf};

use toml::{Table, Value};

use super::ScenarioError;
use super::diagnostics::{Problem, render};

/// Top-level tables whose keys name entries (a resource, a pathway...).
const NAMED_COLLECTIONS: [&str; 7] = [
    "calendars",
    "attributes",
    "resources",
    "arrivals",
    "pathways",
    "outcomes",
    "key_figures",
];

/// Most levels of `extends` followed before giving up (a loop, most likely).
const MAX_DEPTH: usize = 8;

/// One file read while resolving `extends`.
#[derive(Debug, Clone)]
pub struct Layer {
    /// Path as given or as resolved from the file that extends it.
    pub path: String,
    /// Its text, exactly as read.
    pub text: String,
}

/// Reads `path` and, if it extends other files, every file it builds on. Returns the layers,
/// the file itself first, and the merged table when there is more than one layer.
pub fn read_layers(path: &Path) -> Result<(Vec<Layer>, Option<Table>), ScenarioError> {
    let mut layers = Vec::new();
    let merged = read(path, &mut layers)?;
    Ok((layers, merged))
}

fn read(path: &Path, layers: &mut Vec<Layer>) -> Result<Option<Table>, ScenarioError> {
    let label = path.display().to_string();
    let text = super::input::read_text(path, "scenario file")?;
    layers.push(Layer {
        path: label.clone(),
        text: text.clone(),
    });
    let invalid = |problems: Vec<Problem>| ScenarioError::Invalid {
        report: render(&label, &text, &problems),
        problems,
    };
    // Only files that say `extends` are read as plain tables here; others are left to the
    // full parser, whose messages are more precise.
    if !text
        .lines()
        .any(|line| line.trim_start().starts_with("extends"))
    {
        return Ok(None);
    }
    let mut table: Table = toml::from_str(&text).map_err(|error| {
        invalid(vec![Problem::new(
            error.span().unwrap_or(0..0),
            error.message().trim(),
        )])
    })?;
    let Some(extends) = table.remove("extends") else {
        return Ok(None);
    };
    let span = find_key(&text, "extends");
    let Value::String(base_name) = extends else {
        return Err(invalid(vec![
            Problem::new(
                span,
                "`extends` must be the path of a scenario file, in quotes",
            )
            .help("e.g. extends = \"baseline.toml\" (relative to this file)"),
        ]));
    };
    if layers.len() > MAX_DEPTH {
        return Err(invalid(vec![
            Problem::new(
                span,
                format!("`extends` goes more than {MAX_DEPTH} files deep"),
            )
            .help("check that no file extends itself, directly or through others"),
        ]));
    }
    let base_path: PathBuf = path.parent().unwrap_or(Path::new(".")).join(&base_name);
    let base_text_index = layers.len();
    let base = match read(&base_path, layers) {
        Err(ScenarioError::Input(error)) => {
            return Err(invalid(vec![
                Problem::new(
                    span,
                    format!(
                        "`extends` names {}, which cannot be read: {}",
                        base_path.display(),
                        error.problem
                    ),
                )
                .help(error.help),
            ]));
        }
        other => other?,
    };
    let mut base = match base {
        Some(merged) => merged,
        None => {
            let base_text = &layers[base_text_index].text;
            toml::from_str::<Table>(base_text).map_err(|error| {
                let problems = vec![Problem::new(
                    error.span().unwrap_or(0..0),
                    error.message().trim(),
                )];
                ScenarioError::Invalid {
                    report: render(&base_path.display().to_string(), base_text, &problems),
                    problems,
                }
            })?
        }
    };
    let mut problems = Vec::new();
    merge(&mut base, table, &[], &text, &mut problems);
    if problems.is_empty() {
        Ok(Some(base))
    } else {
        Err(invalid(problems))
    }
}

/// Merges `overlay` into `base`; `path` is where we are, for messages.
pub(crate) fn merge(
    base: &mut Table,
    overlay: Table,
    path: &[String],
    source: &str,
    problems: &mut Vec<Problem>,
) {
    for (key, value) in overlay {
        let here: Vec<String> = path.iter().cloned().chain([key.clone()]).collect();
        let dotted = here.join(".");
        match (base.get_mut(&key), value) {
            // A one-key table is a choice of kind (a distribution): a different kind replaces it.
            (Some(Value::Table(base_table)), Value::Table(overlay_table))
                if !is_choice_of_other_kind(base_table, &overlay_table) =>
            {
                merge(base_table, overlay_table, &here, source, problems);
            }
            (Some(Value::Array(base_list)), Value::Array(overlay_list))
                if all_named(base_list) && all_named(&overlay_list) =>
            {
                // Entries by name, built once: a scan per entry was quadratic (issue 9 item 12).
                let mut by_name: std::collections::BTreeMap<String, usize> =
                    std::collections::BTreeMap::new();
                for (position, b) in base_list.iter().enumerate() {
                    if let Some(name) = b.get("name").and_then(Value::as_str) {
                        by_name.entry(name.to_string()).or_insert(position);
                    }
                }
                for entry in overlay_list {
                    let Value::Table(entry) = entry else { continue };
                    let name = entry
                        .get("name")
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_string();
                    let target = by_name
                        .get(&name)
                        .and_then(|&position| base_list[position].as_table_mut());
                    match target {
                        Some(target) => merge(target, entry, &here, source, problems),
                        None => {
                            let known: Vec<&str> = base_list
                                .iter()
                                .filter_map(|b| b.get("name").and_then(Value::as_str))
                                .collect();
                            problems.push(
                                Problem::new(find_key(source, &name), format!("`{dotted}` in the base scenario has no entry named `{name}`"))
                                    .help(format!("a variant can change entries but not add them; entries: {}", known.join(", "))),
                            );
                        }
                    }
                }
            }
            (Some(slot), value) => *slot = value,
            (None, value) => {
                let new_collection = path.is_empty()
                    && NAMED_COLLECTIONS.contains(&key.as_str())
                    && value.as_table().is_some_and(|t| !t.is_empty());
                if new_collection {
                    problems.push(
                        Problem::new(find_key(source, &key), format!("the base scenario has no `{key}` at all"))
                            .help("a variant can change entries of the base but not add them; write a full scenario to add some"),
                    );
                } else if path.len() == 1 && NAMED_COLLECTIONS.contains(&path[0].as_str()) {
                    let known: Vec<&String> = base.keys().collect();
                    let closest = known
                        .iter()
                        .max_by(|a, b| {
                            strsim::jaro_winkler(a, &key).total_cmp(&strsim::jaro_winkler(b, &key))
                        })
                        .filter(|c| strsim::jaro_winkler(c, &key) > 0.7);
                    let help = match closest {
                        Some(c) => format!("did you mean `{c}`? Changes can alter entries of the base but not add them"),
                        None => "changes can alter entries of the base but not add them; write a full scenario to add one".to_string(),
                    };
                    problems.push(
                        Problem::new(
                            find_key(source, &key),
                            format!("the base scenario has no `{dotted}`"),
                        )
                        .help(help),
                    );
                } else {
                    base.insert(key, value);
                }
            }
        }
    }
}

/// Writes a merged table as TOML text that reads back as the same table: plain tables as
/// `[headers]`, lists of tables as `[[headers]]`, and everything inside a list entry inline.
pub fn to_toml_text(table: &Table) -> String {
    let mut out = String::new();
    write_table(table, &[], &mut out);
    out
}

fn write_table(table: &Table, path: &[String], out: &mut String) {
    for (key, value) in table {
        let is_section = matches!(value, Value::Table(_)) || is_list_of_tables(value);
        if !is_section {
            out.push_str(&format!("{} = {}\n", quote_key(key), inline(value)));
        }
    }
    for (key, value) in table {
        let here: Vec<String> = path.iter().cloned().chain([quote_key(key)]).collect();
        match value {
            Value::Table(inner) => {
                out.push_str(&format!("\n[{}]\n", here.join(".")));
                write_table(inner, &here, out);
            }
            Value::Array(list) if is_list_of_tables(value) => {
                for entry in list {
                    out.push_str(&format!("\n[[{}]]\n", here.join(".")));
                    if let Value::Table(entry) = entry {
                        for (k, v) in entry {
                            out.push_str(&format!("{} = {}\n", quote_key(k), inline(v)));
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn is_list_of_tables(value: &Value) -> bool {
    matches!(value, Value::Array(list) if !list.is_empty() && list.iter().all(Value::is_table))
}

/// A value on one line: tables as `{ k = v }`, lists as `[a, b]`.
fn inline(value: &Value) -> String {
    match value {
        Value::Table(table) => {
            let items: Vec<String> = table
                .iter()
                .map(|(k, v)| format!("{} = {}", quote_key(k), inline(v)))
                .collect();
            format!("{{ {} }}", items.join(", "))
        }
        Value::Array(list) => {
            let items: Vec<String> = list.iter().map(inline).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        Value::String(key.to_string()).to_string()
    }
}

/// Names of the distribution kinds: a one-key table of one of these is a choice of kind.
const DISTRIBUTION_KINDS: [&str; 7] = [
    "fixed",
    "exponential",
    "uniform",
    "triangular",
    "log_normal",
    "gamma",
    "empirical",
];

fn is_choice_of_other_kind(base: &Table, overlay: &Table) -> bool {
    let kind = |table: &Table| {
        (table.len() == 1)
            .then(|| table.keys().next().cloned())
            .flatten()
            .filter(|k| DISTRIBUTION_KINDS.contains(&k.as_str()))
    };
    matches!((kind(base), kind(overlay)), (Some(a), Some(b)) if a != b)
}

fn all_named(list: &[Value]) -> bool {
    !list.is_empty()
        && list
            .iter()
            .all(|v| v.get("name").and_then(Value::as_str).is_some())
}

/// The first place `key` stands in `source` as a whole word (for pointing at it).
///
/// An empty key stands in the file as `""`, which is what is pointed at. Every pass of the
/// search moves forward by at least one character, so it ends on any input (issue 9 item 9:
/// an empty name used to make it spin for ever).
fn find_key(source: &str, key: &str) -> std::ops::Range<usize> {
    if key.is_empty() {
        return source.find("\"\"").map_or(0..0, |start| start..start + 2);
    }
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-';
    let mut from = 0;
    while let Some(offset) = source.get(from..).and_then(|rest| rest.find(key)) {
        let start = from + offset;
        let end = start + key.len();
        let before = source[..start].chars().next_back();
        let after = source[end..].chars().next();
        if !before.is_some_and(is_word) && !after.is_some_and(is_word) {
            return start..end;
        }
        // `end > from` because the key is not empty.
        from = end;
    }
    0..0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn merged(base: &str, overlay: &str) -> Result<Table, Vec<Problem>> {
        let mut base: Table = toml::from_str(base).unwrap();
        let overlay_table: Table = toml::from_str(overlay).unwrap();
        let mut problems = Vec::new();
        merge(&mut base, overlay_table, &[], overlay, &mut problems);
        if problems.is_empty() {
            Ok(base)
        } else {
            Err(problems)
        }
    }

    const BASE: &str = r#"
[resources.nurse]
count = 2
cost_per_hour = 58.0
[[pathways.p.steps]]
name = "visit"
activity = { resource = "nurse", duration = { fixed = "1 h" } }
[[pathways.p.steps]]
name = "done"
end = { outcome = "ok" }
"#;

    #[test]
    fn tables_merge_key_by_key() {
        let table = merged(BASE, "[resources.nurse]\ncount = 4\n").unwrap();
        assert_eq!(table["resources"]["nurse"]["count"].as_integer(), Some(4));
        assert_eq!(
            table["resources"]["nurse"]["cost_per_hour"].as_float(),
            Some(58.0)
        );
    }

    #[test]
    fn steps_merge_by_name_and_keep_their_order() {
        let overlay = "[[pathways.p.steps]]\nname = \"visit\"\nactivity = { deadline = \"2 h\", fallback = \"done\" }\n";
        let table = merged(BASE, overlay).unwrap();
        let steps = table["pathways"]["p"]["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0]["activity"]["resource"].as_str(), Some("nurse"));
        assert_eq!(steps[0]["activity"]["deadline"].as_str(), Some("2 h"));
    }

    #[test]
    fn merged_text_reads_back_as_the_same_table() {
        let overlay = "[[pathways.p.steps]]\nname = \"visit\"\nactivity = { deadline = \"2 h\", fallback = \"done\" }\n";
        let table = merged(BASE, overlay).unwrap();
        let again: Table = toml::from_str(&to_toml_text(&table)).unwrap();
        assert_eq!(again, table);
    }

    #[test]
    fn one_key_tables_merge_unless_both_are_distributions() {
        let base = "[arrivals.gp]\nattributes = { frailty = [0.7, 0.3] }\n[[pathways.p.steps]]\nname = \"grab\"\nseize = { resource = \"nurse\" }\n";
        let table = merged(
            base,
            "[arrivals.gp]\nattributes = { mobility = [0.9, 0.1] }\n",
        )
        .unwrap();
        assert_eq!(
            table["arrivals"]["gp"]["attributes"]
                .as_table()
                .map(Table::len),
            Some(2)
        );
        let table = merged(
            base,
            "[[pathways.p.steps]]\nname = \"grab\"\nseize = { priority = 1 }\n",
        )
        .unwrap();
        let steps = table["pathways"]["p"]["steps"].as_array().unwrap();
        assert_eq!(steps[0]["seize"]["resource"].as_str(), Some("nurse"));
    }

    #[test]
    fn a_variant_cannot_add_a_whole_collection() {
        let problems = merged(BASE, "[calendars.office]\nhours = []\n").unwrap_err();
        assert!(
            problems[0].message.contains("no `calendars` at all"),
            "{:?}",
            problems[0]
        );
    }

    #[test]
    fn a_misspelt_entry_is_an_error_with_a_suggestion() {
        let problems = merged(BASE, "[resources.nurses]\ncount = 4\n").unwrap_err();
        assert!(
            problems[0].message.contains("`resources.nurses`"),
            "{:?}",
            problems[0]
        );
        assert!(
            problems[0]
                .help
                .as_deref()
                .unwrap_or("")
                .contains("did you mean `nurse`")
        );
        let problems = merged(
            BASE,
            "[[pathways.p.steps]]\nname = \"vist\"\ndelay = { duration = { fixed = \"1 h\" } }\n",
        )
        .unwrap_err();
        assert!(
            problems[0].message.contains("no entry named `vist`"),
            "{:?}",
            problems[0]
        );
    }
}
