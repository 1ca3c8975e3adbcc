//! Renders a set of charts and writes them, each file atomically, under `<folder>/charts/`.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::render::{ChartError, Rendered, render};
use super::spec::ChartSpec;
use crate::experiment::output::{OutputError, write_atomic};

/// The footnote every chart of a run carries: what produced it, so a chart pasted into a
/// paper can be traced back.
pub fn footnote(designs: &[&str], replications: u32, seed: u64) -> String {
    let scenarios = if designs.len() == 1 {
        format!("Scenario {}", designs[0])
    } else {
        format!("Scenarios {} (base first)", designs.join(", "))
    };
    format!(
        "{scenarios} · {replications} replications · seed {seed} · carepath {}",
        env!("CARGO_PKG_VERSION")
    )
}

/// Renders every chart (in parallel; the output is the same for any thread count).
pub fn render_all(specs: &[ChartSpec], footnote: &str) -> Result<Vec<Rendered>, ChartError> {
    specs
        .par_iter()
        .map(|spec| render(spec, footnote))
        .collect()
}

/// Writes `<stem>.png` and `<stem>.svg` for every chart under `folder/charts/`, then removes
/// charts an earlier run left there that this one did not draw (so the folder never mixes
/// runs); returns the files written.
pub fn write_charts(folder: &Path, charts: &[Rendered]) -> Result<Vec<PathBuf>, OutputError> {
    let dir = folder.join("charts");
    std::fs::create_dir_all(&dir).map_err(|source| OutputError::Io {
        path: dir.clone(),
        source,
    })?;
    let mut written = Vec::new();
    for chart in charts {
        for (extension, bytes) in [("png", chart.png.as_slice()), ("svg", chart.svg.as_bytes())] {
            let path = dir.join(format!("{}.{extension}", chart.stem));
            write_atomic(&path, bytes)?;
            written.push(path);
        }
    }
    let listing = std::fs::read_dir(&dir).map_err(|source| OutputError::Io {
        path: dir.clone(),
        source,
    })?;
    for entry in listing.flatten() {
        let path = entry.path();
        let is_chart = matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("png" | "svg")
        );
        if is_chart && !written.contains(&path) {
            std::fs::remove_file(&path).map_err(|source| OutputError::Io {
                path: path.clone(),
                source,
            })?;
        }
    }
    Ok(written)
}
