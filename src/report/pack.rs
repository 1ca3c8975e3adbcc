//! Writes the board pack of a run or comparison: the charts, each file atomically, under
//! `<folder>/charts/`, and `report.html`. The folder is a fresh output set's staging folder
//! (see [`crate::experiment::output_set`]), so no chart of an earlier run can remain.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use super::charts::{Design, design_charts, difference_charts};
use super::headline::Headline;
use super::html::{Report, report_html};
use super::render::{ChartError, Rendered, render};
use super::spec::ChartSpec;
use crate::experiment::output::{OutputError, write_atomic};

/// Why the board pack could not be written.
#[derive(Debug, Error)]
pub enum PackError {
    /// A chart could not be drawn.
    #[error(transparent)]
    Chart(#[from] ChartError),
    /// A file could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// Draws every chart of the report's designs and the base's pathway diagram (with its
/// route volumes; also as `pathways.dot`) with, for a scenario of several pathways, one
/// diagram per pathway, and writes them and `report.html` into `folder`; returns how many
/// charts there are (each diagram counts as one).
pub fn write_pack(folder: &Path, report: &Report<'_>) -> Result<usize, PackError> {
    let designs: Vec<Design<'_>> = report.designs.iter().map(|d| d.design).collect();
    let titles: Vec<String> = designs.iter().map(|d| d.scenario.title()).collect();
    let names: Vec<&str> = titles.iter().map(String::as_str).collect();
    let footnote = footnote(&names, report.replications, report.seed);
    let mut specs = Vec::new();
    if let (Some(rows), Some(base)) = (report.comparison, designs.first()) {
        // Which way each figure is better is the base's word: its key figures' `better`.
        let better = |figure: &Headline| {
            base.scenario
                .key_figure(&figure.metric)
                .and_then(|f| f.better)
        };
        specs.extend(difference_charts(
            &designs,
            rows,
            &base.headlines(),
            &better,
        ));
    }
    specs.extend(design_charts(&designs));
    let mut charts = render_all(&specs, &footnote)?;
    if let Some(base) = designs.first() {
        let (dot, drawn) = super::diagram::diagram(base.scenario, Some(base.summary), &footnote)
            .map_err(|message| ChartError {
                chart: super::diagram::STEM.to_string(),
                message,
            })?;
        write_atomic(&folder.join(super::diagram::DOT_FILE), dot.as_bytes())?;
        charts.push(drawn);
        charts.extend(
            super::diagram::pathway_diagrams(base.scenario, Some(base.summary), &footnote)
                .map_err(|message| ChartError {
                    chart: super::diagram::STEM.to_string(),
                    message,
                })?,
        );
    }
    write_charts(folder, &charts)?;
    let page = report_html(report, &charts);
    write_atomic(&folder.join("report.html"), page.as_bytes())?;
    Ok(charts.len())
}

/// The footnote every chart of a run carries: what produced it, so a chart pasted into a
/// paper can be traced back.
pub fn footnote(designs: &[&str], replications: u32, seed: u64) -> String {
    let scenarios = if designs.len() == 1 {
        format!("Scenario {}", designs[0])
    } else {
        format!("Scenarios {} (base first)", designs.join(", "))
    };
    let plural = if replications == 1 { "" } else { "s" };
    format!(
        "{scenarios} · {replications} replication{plural} · seed {seed} · carepath {}",
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

/// Writes `<stem>.png` and `<stem>.svg` for every chart under `folder/charts/`; returns the
/// files written.
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
    Ok(written)
}
