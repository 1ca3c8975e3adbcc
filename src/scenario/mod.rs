//! The scenario language: TOML as the analyst writes it (`file`), its units (`units`), and
//! its checking and compilation into the model's tables (`compile`), with every problem
//! reported at once against its place in the file (`diagnostics`).

pub mod arrival_records;
pub mod arrival_timing;
pub mod census_capacity;
pub mod census_csv;
pub mod compile;
mod compile_dates;
mod compile_steps;
pub mod csv_place;
pub mod diagnostics;
pub mod file;
mod ineffective_keys;
pub mod input;
pub mod kept_inputs;
mod key_figure_rules;
pub mod labels;
pub mod layered;
pub mod names;
pub mod never_on_duty;
pub mod overlay;
pub mod patience;
pub mod requests;
pub mod routes;
pub mod settings;
mod staffing;
pub mod surge;
pub mod units;
mod visit_times_covered;
pub mod visits;
mod visits_fit;

use std::path::Path;

use thiserror::Error;

use crate::model::scenario::Scenario;
use diagnostics::{Problem, key_before, plain_words, render};
use file::ScenarioFile;

/// Why a scenario could not be loaded.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// The file could not be read at all; nothing else was checked.
    #[error("cannot read scenario file {path}: {reason}")]
    Read {
        /// The path as given.
        path: String,
        /// The operating system's reason.
        reason: std::io::Error,
    },
    /// The file is not a regular file within the size limit, or could not be read; the
    /// message says which and what to do.
    #[error(transparent)]
    Input(#[from] input::InputError),
    /// The file was read but has problems; `report` lists them all with their places.
    #[error("{report}")]
    Invalid {
        /// The problems, in file order.
        problems: Vec<Problem>,
        /// The problems rendered for people, naming file, line and column.
        report: String,
    },
}

/// A scenario as loaded: the source text, the parsed file and the compiled model.
#[derive(Debug, Clone)]
pub struct LoadedScenario {
    /// The path or label the scenario was read from.
    pub path: String,
    /// The text that was compiled: the file itself, or the merge of a variant onto its base.
    pub source: String,
    /// The files read: the scenario file first, then any it `extends`, in order.
    pub layers: Vec<overlay::Layer>,
    /// The parsed file, as the analyst wrote it.
    pub file: ScenarioFile,
    /// The checked, compiled model.
    pub scenario: Scenario,
    /// Warnings about what the scenario allows but probably does not mean (see
    /// [`never_on_duty`]), rendered with their places in the user's files; empty if none.
    pub warnings: String,
}

/// Reads, parses and compiles the scenario file at `path`.
pub fn load(path: &Path) -> Result<LoadedScenario, ScenarioError> {
    load_with(path, &[])
}

/// Like [`load`], then applies command-line `settings` (`--set KEY=VALUE`) before compiling.
///
/// A variant and its bases, and the settings, are merged value by value with the origin of
/// each kept (see [`layered`]), so every problem is reported in the file (or the `--set`
/// argument) where the offending value was written.
pub fn load_with(
    path: &Path,
    settings: &[settings::Setting],
) -> Result<LoadedScenario, ScenarioError> {
    load_with_labelled(path, settings, settings::LABEL)
}

/// Like [`load_with`], with the settings named `label` in messages: a sweep's point says
/// `--vary` as well as `--set`, since either may have written the value at fault.
pub fn load_with_labelled(
    path: &Path,
    settings: &[settings::Setting],
    label: &str,
) -> Result<LoadedScenario, ScenarioError> {
    let (layers, merged) = overlay::read_layers(path)?;
    let folder = path.parent().unwrap_or(Path::new(""));
    if merged.is_none() && settings.is_empty() {
        let mut loaded = parse_in(&layers[0].path, &layers[0].text, folder)?;
        loaded.layers = layers;
        return Ok(loaded);
    }
    let settings_text = settings::text(settings);
    let settings_file = layers.len();
    let texts: Vec<(&str, &str)> = layers
        .iter()
        .map(|l| (l.path.as_str(), l.text.as_str()))
        .chain([(label, settings_text.as_str())])
        .collect();
    let bases = layers.len();
    let invalid = |problems: Vec<Problem>| ScenarioError::Invalid {
        report: diagnostics::render_in(&texts, &problems, |file| {
            (file >= 1 && file < bases).then(|| {
                format!(
                    "this value is in the base scenario {}, which {} extends; change it there, or set it in {}",
                    texts[file].0, texts[0].0, texts[0].0
                )
            })
        }),
        problems,
    };
    let mut root = match merged {
        Some(root) => root,
        None => layered::parse(0, &layers[0].text)
            .map_err(|error| invalid(vec![parse_problem(&layers[0].text, &error)]))?,
    };
    settings::apply(&mut root, settings, settings_file).map_err(invalid)?;
    let (text, map) = layered::emit(&root);
    // A capacity set on the command line (a sweep point) may fall below the census: those
    // patients keep their units, counted as overtime, as when a roster drops.
    let capacity_set: Vec<String> = settings
        .iter()
        .filter_map(|s| {
            let mut parts = s.key.split('.');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("resources"), Some(name), Some("count" | "roster" | "periods")) => {
                    Some(name.to_string())
                }
                _ => None,
            }
        })
        .collect();
    let mut loaded = match compile_text(&text, &folder_of(&layers[0].path), &capacity_set) {
        Ok((file, scenario)) => {
            let warnings: Vec<Problem> = never_on_duty::warnings(&file, &scenario)
                .into_iter()
                .map(|warning| {
                    let origin = map.locate(&warning.span);
                    let mut warning = warning;
                    warning.span = origin.span;
                    warning.in_file(origin.file)
                })
                .collect();
            LoadedScenario {
                path: layers[0].path.clone(),
                source: text,
                layers: Vec::new(),
                warnings: diagnostics::render_warnings_in(&texts, &warnings),
                file,
                scenario,
            }
        }
        Err(Failed::Census(error)) => return Err(error),
        Err(Failed::Problems(problems)) => {
            let mut located: Vec<Problem> = problems
                .into_iter()
                .map(|mut problem| {
                    let origin = map.locate(&problem.span);
                    problem.span = origin.span;
                    problem.in_file(origin.file)
                })
                .collect();
            located.sort_by_key(|p| (p.file, p.span.start));
            return Err(invalid(located));
        }
    };
    let in_scenario = |problem: Problem| {
        let origin = map.locate(&problem.span);
        let mut problem = problem;
        problem.span = origin.span;
        invalid(vec![problem.in_file(origin.file)])
    };
    arrival_records::load_files(&mut loaded.scenario, &loaded.file, folder, &in_scenario)?;
    loaded.layers = layers;
    Ok(loaded)
}

/// Parses and compiles scenario text; `label` names it in messages (usually its path).
/// Census and arrivals files are read relative to the folder of `label`.
pub fn parse(label: &str, source: &str) -> Result<LoadedScenario, ScenarioError> {
    parse_in(label, source, &folder_of(label))
}

/// [`parse`], reading census and arrivals files relative to `folder`.
fn parse_in(label: &str, source: &str, folder: &Path) -> Result<LoadedScenario, ScenarioError> {
    let (file, mut scenario) =
        compile_text(source, folder, &[]).map_err(|failed| match failed {
            Failed::Census(error) => error,
            Failed::Problems(problems) => ScenarioError::Invalid {
                report: render(label, source, &problems),
                problems,
            },
        })?;
    let in_scenario = |problem: Problem| ScenarioError::Invalid {
        report: render(label, source, std::slice::from_ref(&problem)),
        problems: vec![problem],
    };
    arrival_records::load_files(&mut scenario, &file, folder, &in_scenario)?;
    let warnings = diagnostics::render_warnings_in(
        &[(label, source)],
        &never_on_duty::warnings(&file, &scenario),
    );
    Ok(LoadedScenario {
        warnings,
        path: label.to_string(),
        source: source.to_string(),
        layers: vec![overlay::Layer {
            path: label.to_string(),
            text: source.to_string(),
        }],
        file,
        scenario,
    })
}

/// Why scenario text did not compile.
enum Failed {
    /// Problems placed in the scenario text.
    Problems(Vec<Problem>),
    /// A census file named by `[[initial]] file` could not be read or has mistakes (its
    /// report names the census file).
    Census(ScenarioError),
}

/// The folder a scenario file at `path` reads its census files from.
fn folder_of(path: &str) -> std::path::PathBuf {
    Path::new(path)
        .parent()
        .map_or_else(std::path::PathBuf::new, Path::to_path_buf)
}

/// Parses and compiles scenario text, reading any census file from `folder`; or returns
/// every problem, placed in `source` (or in the census file).
/// `capacity_set` names the resources whose capacity a `--set` changed: the census is not
/// held to their capacity.
fn compile_text(
    source: &str,
    folder: &Path,
    capacity_set: &[String],
) -> Result<(ScenarioFile, Scenario), Failed> {
    let mut file: ScenarioFile = toml::from_str(source)
        .map_err(|error| Failed::Problems(vec![parse_problem(source, &error)]))?;
    let expanded = census_csv::expand(&mut file, folder).map_err(|error| match error {
        census_csv::ExpandError::Scenario(problems) => Failed::Problems(problems),
        census_csv::ExpandError::Census(error) => Failed::Census(error),
    })?;
    let scenario = match compile::compile(&file) {
        Ok(scenario) => scenario,
        Err(problems) => {
            return Err(
                match census_capacity::place_rows(problems, &expanded.census) {
                    census_capacity::Placed::Scenario(problems) => Failed::Problems(problems),
                    census_capacity::Placed::Rows {
                        file: index,
                        problems,
                    } => census_failure(&file, source, &expanded.census, index, problems),
                },
            );
        }
    };
    let fits = census_capacity::check(&scenario, &file, &expanded.census, capacity_set);
    // The file keeps its `[[initial]] file` entries: the census rows live in the compiled
    // scenario only (memory), and the scenario saved with a run names its census file.
    let census = expanded.restore(&mut file);
    match fits {
        Ok(()) => Ok((file, scenario)),
        Err(census_capacity::OverCapacity::Typed(problem)) => Err(Failed::Problems(vec![problem])),
        Err(census_capacity::OverCapacity::Row { file, problem }) => {
            let (label, text) = census
                .files
                .get(file)
                .map_or(("census file", ""), |f| (f.label.as_str(), f.text.as_str()));
            let problems = vec![problem];
            Err(Failed::Census(ScenarioError::Invalid {
                report: render(label, text, &problems),
                problems,
            }))
        }
    }
}

/// The failure for `problems` placed in census file number `index` of `census`, with a note
/// naming the line of the scenario file (`source`) whose `file` names it.
fn census_failure(
    file: &ScenarioFile,
    source: &str,
    census: &census_capacity::CensusFiles,
    index: usize,
    problems: Vec<Problem>,
) -> Failed {
    let (label, text) = census
        .files
        .get(index)
        .map_or(("census file", ""), |f| (f.label.as_str(), f.text.as_str()));
    // The groups read from this census file carry the span of the `file` value naming it
    // (in the merged text of a layered scenario, so it is quoted rather than given a line).
    let named_by = census
        .origins
        .iter()
        .position(
            |o| matches!(o, census_capacity::Origin::Row { file, .. } if *file as usize == index),
        )
        .and_then(|g| file.initial.get(g))
        .and_then(|g| source.get(g.span()));
    let report = diagnostics::render_in(&[(label, text)], &problems, |_| {
        named_by.map(|value| {
            format!("this census file is named by `[[initial]] file = {value}` in the scenario")
        })
    });
    Failed::Census(ScenarioError::Invalid { report, problems })
}

/// Turns a TOML or schema error into a problem that names the key, in the user's words,
/// with advice (see [`diagnostics::plain_words`]).
fn parse_problem(source: &str, error: &toml::de::Error) -> Problem {
    let span = error.span().unwrap_or(0..0);
    let raw = error.message().trim();
    let key = key_before(source, span.start);
    // A date or time without quotes is a TOML date value, which a key expecting text sees
    // as a table (issue 13): say to quote it.
    if raw.contains("expected a string")
        && let Some(value) = diagnostics::unquoted_date_or_time(source, span.start)
    {
        let key = key.as_deref().unwrap_or("value");
        return Problem::new(
            span,
            format!("`{key}`: dates and times are written in quotes, found {value} without them"),
        )
        .help(format!("write {key} = \"{value}\""));
    }
    // Our own value parsers (durations, clock times) put their advice after "; ".
    let (what, help) = match raw.split_once("; ") {
        Some((what, advice)) if !raw.starts_with("unknown ") => {
            (what.to_string(), advice.to_string())
        }
        _ => plain_words(raw),
    };
    let message = match &key {
        Some(key) if !what.contains(&format!("`{key}`")) => format!("`{key}`: {what}"),
        _ => what,
    };
    Problem::new(span, message).help(help)
}
