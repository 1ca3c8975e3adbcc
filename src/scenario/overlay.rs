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

use super::ScenarioError;
use super::diagnostics::Problem;
use super::layered::{self, Entry, Kind, Node, Table};

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
/// the file itself first, and the merged tree (with the origin of every value, the file
/// index being the layer's) when there is more than one layer.
pub fn read_layers(path: &Path) -> Result<(Vec<Layer>, Option<Node>), ScenarioError> {
    let mut layers = Vec::new();
    match read(path, &mut layers) {
        Ok(merged) => Ok((layers, merged)),
        Err(Failure::Unreadable(error)) => Err(ScenarioError::Input(error)),
        Err(Failure::Problems(problems)) => Err(invalid(&layers, problems)),
    }
}

/// Why reading a chain of files stopped.
enum Failure {
    /// A file could not be read, or is not a regular file of a sensible size.
    Unreadable(super::input::InputError),
    /// Problems located in the files read.
    Problems(Vec<Problem>),
}

impl From<Vec<Problem>> for Failure {
    fn from(problems: Vec<Problem>) -> Self {
        Failure::Problems(problems)
    }
}

/// The error for `problems` located in `layers`.
pub(crate) fn invalid(layers: &[Layer], problems: Vec<Problem>) -> ScenarioError {
    let texts: Vec<(&str, &str)> = layers
        .iter()
        .map(|l| (l.path.as_str(), l.text.as_str()))
        .collect();
    ScenarioError::Invalid {
        report: super::diagnostics::render_in(&texts, &problems, |_| None),
        problems,
    }
}

/// The problem for a syntax error in text number `file`.
pub(crate) fn syntax_problem(file: usize, text: &str, error: &toml::de::Error) -> Problem {
    super::parse_problem(text, error).in_file(file)
}

fn read(path: &Path, layers: &mut Vec<Layer>) -> Result<Option<Node>, Failure> {
    let label = path.display().to_string();
    let text = super::input::read_text(path, "scenario file").map_err(Failure::Unreadable)?;
    let file = layers.len();
    layers.push(Layer {
        path: label.clone(),
        text: text.clone(),
    });
    // Only files that say `extends` are read as plain tables here; others are left to the
    // full parser, whose messages are more precise.
    if !text
        .lines()
        .any(|line| line.trim_start().starts_with("extends"))
    {
        return Ok(None);
    }
    let mut variant =
        layered::parse(file, &text).map_err(|error| vec![syntax_problem(file, &text, &error)])?;
    let Kind::Table(table) = &mut variant.kind else {
        return Ok(None);
    };
    let Some(extends) = table.remove("extends") else {
        return Ok(None);
    };
    let Some(base_name) = extends.value.as_str().map(str::to_string) else {
        return Err(vec![
            Problem::new(
                extends.value.origin.span.clone(),
                "`extends` must be the path of a scenario file, in quotes",
            )
            .help("e.g. extends = \"baseline.toml\" (relative to this file)")
            .in_file(file),
        ]
        .into());
    };
    if file >= MAX_DEPTH {
        return Err(vec![
            Problem::new(
                extends.key.span.clone(),
                format!("`extends` goes more than {MAX_DEPTH} files deep"),
            )
            .help("check that no file extends itself, directly or through others")
            .in_file(file),
        ]
        .into());
    }
    let base_path: PathBuf = path.parent().unwrap_or(Path::new(".")).join(&base_name);
    let base_file = layers.len();
    let mut base = match read(&base_path, layers).map_err(|failure| match failure {
        // A base that cannot be read is pointed at from the `extends` that names it.
        Failure::Unreadable(error) => Failure::Problems(vec![
            Problem::new(
                extends.value.origin.span.clone(),
                format!(
                    "`extends` names {}, which cannot be read: {}{}",
                    base_path.display(),
                    error.problem,
                    error
                        .at
                        .map(|(line, column)| format!(", at line {line}, column {column}"))
                        .unwrap_or_default()
                ),
            )
            .help(if error.at.is_none() && !base_path.is_file() {
                // The help of a path given on the command line speaks of the working folder;
                // `extends` is read relative to the file that names it.
                format!(
                    "the path in `extends` is relative to the folder of {}; e.g. extends = \"baseline.toml\" for a file beside it",
                    path.display()
                )
            } else {
                error.help
            })
            .in_file(file),
        ]),
        other => other,
    })? {
        Some(merged) => merged,
        None => {
            let base_text = &layers[base_file].text;
            layered::parse(base_file, base_text)
                .map_err(|error| vec![syntax_problem(base_file, base_text, &error)])?
        }
    };
    let mut problems = Vec::new();
    if let (Kind::Table(base_table), Kind::Table(variant_table)) = (&mut base.kind, variant.kind) {
        merge(base_table, variant_table, &[], &mut problems);
    }
    if problems.is_empty() {
        Ok(Some(base))
    } else {
        Err(problems.into())
    }
}

/// Merges `overlay` into `base`; `path` is where we are, for messages. Problems are placed
/// at the overlay's own keys and values.
pub(crate) fn merge(
    base: &mut Table,
    overlay: Table,
    path: &[String],
    problems: &mut Vec<Problem>,
) {
    // A variant that renames the run is another design: the base's `label` would title it
    // as the base, so it goes unless the variant gives its own.
    if path == ["run"] && overlay.contains_key("name") && !overlay.contains_key("label") {
        base.remove("label");
    }
    for (key, entry) in overlay {
        let here: Vec<String> = path.iter().cloned().chain([key.clone()]).collect();
        let dotted = here.join(".");
        let Entry {
            key: key_origin,
            value,
        } = entry;
        match (base.get_mut(&key), value) {
            // A one-key table is a choice of kind (a distribution): a different kind replaces it.
            (
                Some(Entry {
                    value:
                        Node {
                            kind: Kind::Table(base_table),
                            ..
                        },
                    ..
                }),
                Node {
                    kind: Kind::Table(overlay_table),
                    ..
                },
            ) if !is_choice_of_other_kind(base_table, &overlay_table) => {
                merge(base_table, overlay_table, &here, problems);
            }
            (
                Some(Entry {
                    value:
                        Node {
                            kind: Kind::Array(base_list),
                            ..
                        },
                    ..
                }),
                Node {
                    kind: Kind::Array(overlay_list),
                    ..
                },
            ) if all_named(base_list) && all_named(&overlay_list) => {
                // Entries by name, looked up once each: linear-logarithmic in the list sizes.
                let by_name: std::collections::BTreeMap<String, usize> = base_list
                    .iter()
                    .enumerate()
                    .filter_map(|(i, b)| Some((b.name()?.to_string(), i)))
                    .rev()
                    .collect();
                for item in overlay_list {
                    let name = item.name().unwrap_or_default().to_string();
                    let name_origin = item
                        .as_table()
                        .and_then(|t| t.get("name"))
                        .map_or(item.origin.clone(), |e| e.value.origin.clone());
                    let Kind::Table(item_table) = item.kind else {
                        continue;
                    };
                    let target = by_name
                        .get(&name)
                        .and_then(|&i| base_list.get_mut(i))
                        .and_then(|b| match &mut b.kind {
                            Kind::Table(t) => Some(t),
                            _ => None,
                        });
                    match target {
                        Some(target) => merge(target, item_table, &here, problems),
                        None => {
                            let known: Vec<&str> =
                                base_list.iter().filter_map(Node::name).collect();
                            problems.push(
                                Problem::new(name_origin.span, format!("`{dotted}` in the base scenario has no entry named `{name}`"))
                                    .help(format!("a variant can change entries but not add them; entries: {}", known.join(", ")))
                                    .in_file(name_origin.file),
                            );
                        }
                    }
                }
            }
            (Some(slot), value) => {
                *slot = Entry {
                    key: key_origin,
                    value,
                }
            }
            (None, value) => {
                let new_collection = path.is_empty()
                    && NAMED_COLLECTIONS.contains(&key.as_str())
                    && value.as_table().is_some_and(|t| !t.is_empty());
                if new_collection {
                    problems.push(
                        Problem::new(key_origin.span.clone(), format!("the base scenario has no `{key}` at all"))
                            .help("a variant can change entries of the base but not add them; write a full scenario to add some")
                            .in_file(key_origin.file),
                    );
                } else if path.len() == 1 && NAMED_COLLECTIONS.contains(&path[0].as_str()) {
                    let closest = base
                        .keys()
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
                            key_origin.span.clone(),
                            format!("the base scenario has no `{dotted}`"),
                        )
                        .help(help)
                        .in_file(key_origin.file),
                    );
                } else {
                    base.insert(
                        key,
                        Entry {
                            key: key_origin,
                            value,
                        },
                    );
                }
            }
        }
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

fn all_named(list: &[Node]) -> bool {
    !list.is_empty() && list.iter().all(|v| v.name().is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    use toml::Table;

    /// Merges `overlay` (text 1) onto `base` (text 0) and reads the result back as plain TOML.
    fn merged(base: &str, overlay: &str) -> Result<Table, Vec<Problem>> {
        let mut base = layered::parse(0, base).unwrap();
        let overlay = layered::parse(1, overlay).unwrap();
        let mut problems = Vec::new();
        if let (Kind::Table(b), Kind::Table(o)) = (&mut base.kind, overlay.kind) {
            merge(b, o, &[], &mut problems);
        }
        if problems.is_empty() {
            Ok(toml::from_str(&layered::emit(&base).0).unwrap())
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
    fn problems_point_at_the_variants_own_key() {
        let overlay = "# a comment\n[resources.nurses]\ncount = 4\n";
        let problems = merged(BASE, overlay).unwrap_err();
        assert_eq!(problems[0].file, 1);
        assert_eq!(&overlay[problems[0].span.clone()], "nurses");
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
