//! The data files a scenario reads besides its TOML (census CSVs named by `[[initial]] file`,
//! arrivals CSVs named by `[arrivals.NAME] file`): listed so that a run can keep a copy of
//! each with its outputs, and the scenario it saves can name those copies, so the output
//! folder reruns as it is.
//!
//! Copies go in the folder [`FOLDER`] of the output folder, each under its own file name;
//! two different files with the same name are told apart by a number (`census-2.csv`). This
//! module only decides names and rewrites the scenario; writing is the output set's
//! (`experiment::output_set`).

use std::path::{Path, PathBuf};

use toml::Spanned;

use super::file::ScenarioFile;

/// The folder, inside an output folder, that holds the copies of the data files.
pub const FOLDER: &str = "inputs";

/// A data file to keep with the outputs.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptInput {
    /// The file as read (relative to the folder the scenario's files are read from).
    pub source: PathBuf,
    /// Its name in [`FOLDER`].
    pub name: String,
}

/// Every data file `file` names, as read from `folder` (the folder of the scenario file
/// named on the command line), in the order the scenario names them, each once.
pub fn data_files(file: &ScenarioFile, folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for written in written_paths(file) {
        let path = folder.join(written);
        if !files.contains(&path) {
            files.push(path);
        }
    }
    files
}

/// Points every data file `file` names at its copy in [`FOLDER`] and returns the copies to
/// make. A file named twice is kept once.
pub fn keep(file: &mut ScenarioFile, folder: &Path) -> Vec<KeptInput> {
    let mut kept: Vec<KeptInput> = Vec::new();
    let mut rename = |value: &mut Spanned<String>| {
        let source = folder.join(value.get_ref());
        let name = match kept.iter().find(|k| k.source == source) {
            Some(k) => k.name.clone(),
            None => {
                let name = free_name(&source, &kept);
                kept.push(KeptInput {
                    source,
                    name: name.clone(),
                });
                name
            }
        };
        *value = Spanned::new(value.span(), format!("{FOLDER}/{name}"));
    };
    for group in &mut file.initial {
        if let Some(path) = group.get_mut().file.as_mut() {
            rename(path);
        }
    }
    for source in file.arrivals.values_mut() {
        if let Some(path) = source.get_mut().file.as_mut() {
            rename(path);
        }
    }
    kept
}

/// The paths `file` names, as written.
fn written_paths(file: &ScenarioFile) -> impl Iterator<Item = &String> {
    let census = file
        .initial
        .iter()
        .filter_map(|g| g.get_ref().file.as_ref().map(Spanned::get_ref));
    let arrivals = file
        .arrivals
        .values()
        .filter_map(|a| a.get_ref().file.as_ref().map(Spanned::get_ref));
    census.chain(arrivals)
}

/// A name for `source` in [`FOLDER`] that no other kept file has: its own file name, or
/// that name with `-2`, `-3`, ... before the extension.
fn free_name(source: &Path, kept: &[KeptInput]) -> String {
    let own = source.file_name().map_or_else(
        || "input.csv".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let taken = |name: &str| kept.iter().any(|k| k.name == name);
    if !taken(&own) {
        return own;
    }
    let (stem, extension) = match own.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => (stem.to_string(), format!(".{extension}")),
        _ => (own.clone(), String::new()),
    };
    (2..)
        .map(|n| format!("{stem}-{n}{extension}"))
        .find(|name| !taken(name))
        .unwrap_or(own)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two different files with the same name get different names; the same file named
    /// twice is kept once.
    #[test]
    fn kept_files_get_distinct_names() {
        let text = r#"
[run]
name = "kept"
horizon = "1 d"

[[initial]]
file = "a/census.csv"

[[initial]]
file = "b/census.csv"

[[initial]]
file = "a/census.csv"
"#;
        let mut file: ScenarioFile = toml::from_str(text).expect("parses");
        let kept = keep(&mut file, Path::new("here"));
        let names: Vec<&str> = kept.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["census.csv", "census-2.csv"]);
        assert_eq!(kept[1].source, Path::new("here/b/census.csv"));
        let written: Vec<&str> = file
            .initial
            .iter()
            .filter_map(|g| g.get_ref().file.as_ref().map(|f| f.get_ref().as_str()))
            .collect();
        assert_eq!(
            written,
            [
                "inputs/census.csv",
                "inputs/census-2.csv",
                "inputs/census.csv"
            ]
        );
    }
}
