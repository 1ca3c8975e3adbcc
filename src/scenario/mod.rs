//! The scenario language: TOML as the analyst writes it (`file`), its units (`units`), and
//! its checking and compilation into the model's tables (`compile`), with every problem
//! reported at once against its place in the file (`diagnostics`).

pub mod compile;
mod compile_steps;
pub mod diagnostics;
pub mod file;
pub mod units;

use std::path::Path;

use thiserror::Error;

use crate::model::scenario::Scenario;
use diagnostics::{Problem, render, suggest_for_unknown};
use file::ScenarioFile;

/// Why a scenario could not be loaded.
#[derive(Debug, Error)]
pub enum ScenarioError {
    /// The file could not be read at all; nothing else was checked.
    #[error("cannot read scenario file {path}: {source}")]
    Read {
        /// The path as given.
        path: String,
        /// The operating system's reason.
        source: std::io::Error,
    },
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
    /// The file's text, exactly as read.
    pub source: String,
    /// The parsed file, as the analyst wrote it.
    pub file: ScenarioFile,
    /// The checked, compiled model.
    pub scenario: Scenario,
}

/// Reads, parses and compiles the scenario file at `path`.
pub fn load(path: &Path) -> Result<LoadedScenario, ScenarioError> {
    let label = path.display().to_string();
    let source = std::fs::read_to_string(path).map_err(|source| ScenarioError::Read {
        path: label.clone(),
        source,
    })?;
    parse(&label, &source)
}

/// Parses and compiles scenario text; `label` names it in messages (usually its path).
pub fn parse(label: &str, source: &str) -> Result<LoadedScenario, ScenarioError> {
    let invalid = |problems: Vec<Problem>| ScenarioError::Invalid {
        report: render(label, source, &problems),
        problems,
    };
    let file: ScenarioFile = toml::from_str(source).map_err(|error| {
        let span = error.span().unwrap_or(0..0);
        let message = error.message().trim().to_string();
        let mut problem = Problem::new(span, message.clone());
        if let Some(help) = suggest_for_unknown(&message) {
            problem = problem.help(help);
        } else if message.starts_with("missing field") {
            problem = problem.help("add the key; the README's scenario reference lists every key");
        }
        invalid(vec![problem])
    })?;
    let scenario = compile::compile(&file).map_err(invalid)?;
    Ok(LoadedScenario {
        path: label.to_string(),
        source: source.to_string(),
        file,
        scenario,
    })
}
