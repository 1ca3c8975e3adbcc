//! Resources by hour of the week, averaged over the weeks measured: staff busy against
//! rostered, places occupied against capacity, and patients waiting, each with a 95% band.

use super::Design;
use crate::experiment::bands::Band;
use crate::report::spec::{ChartSpec, LegendEntry, Line, LinePanel, Panel, Swatch, XAxis};
use crate::report::theme::design_colour;

/// Which level of a resource a chart shows.
#[derive(Clone, Copy)]
enum Level {
    Available,
    Busy,
    Waiting,
}

/// The hour-of-week band of `level` for resource `name` in `design`, if it has the resource.
fn level_band(design: &Design<'_>, name: &str, level: Level) -> Option<Band> {
    let index = design
        .scenario
        .resources
        .iter()
        .position(|r| r.name == name)?;
    let week = design.curves.by_hour.get(index)?;
    match level {
        Level::Available => week.available.band(),
        Level::Busy => week.busy.band(),
        Level::Waiting => week.waiting.band(),
    }
}

/// An hourly series as steps: each hour's value held from its start to its end.
fn staircase(values: &[f64]) -> Vec<(f64, f64)> {
    values
        .iter()
        .enumerate()
        .flat_map(|(h, v)| [(h as f64, *v), (h as f64 + 1.0, *v)])
        .collect()
}

/// Levels cannot be negative: a confidence band's lower edge is cut at zero.
fn at_least_zero(values: &[f64]) -> Vec<f64> {
    values.iter().map(|v| v.max(0.0)).collect()
}

/// A solid line with its band, for one design.
fn banded(band: &Band, design: usize) -> Line {
    Line {
        points: staircase(&band.mean),
        band: Some((staircase(&at_least_zero(&band.low)), staircase(&band.high))),
        colour: design_colour(design),
        dashed: false,
        thin: false,
    }
}

/// A dashed reference line (roster or capacity) for one design.
fn reference(band: &Band, design: usize) -> Line {
    Line {
        points: staircase(&band.mean),
        band: None,
        colour: design_colour(design),
        dashed: true,
        thin: false,
    }
}

/// A panel per resource named in `resources`, each drawing `lines(design, resource)`.
fn panels(
    designs: &[Design<'_>],
    resources: &[&str],
    y_label: &str,
    lines: impl Fn(usize, &Design<'_>, &str) -> Vec<Line>,
) -> Vec<Panel> {
    resources
        .iter()
        .map(|name| {
            // The base is drawn last, on top, where designs coincide.
            let lines: Vec<Line> = designs
                .iter()
                .enumerate()
                .rev()
                .flat_map(|(d, design)| lines(d, design, name))
                .collect();
            let top = lines.iter().flat_map(Line::y_values).fold(0.0, f64::max);
            Panel::Lines(LinePanel {
                caption: designs[0].scenario.resource_title_named(name),
                x: 0.0..168.0,
                y: 0.0..if top > 0.0 { top * 1.12 } else { 1.0 },
                x_label: "Hour of the week (days start at the labels)".to_string(),
                y_label: y_label.to_string(),
                x_axis: XAxis::WeekDays,
                lines,
                marks: Vec::new(),
            })
        })
        .collect()
}

/// Legend: per design, the banded level and, if drawn, its dashed reference.
fn legend(designs: &[Design<'_>], level: &str, reference: Option<&str>) -> Vec<LegendEntry> {
    let mut entries = Vec::new();
    for (d, design) in designs.iter().enumerate() {
        let prefix = if designs.len() > 1 {
            format!("{}: ", design.scenario.title())
        } else {
            String::new()
        };
        entries.push(LegendEntry {
            label: format!("{prefix}{level} (mean, 95% band)"),
            colour: design_colour(d),
            swatch: Swatch::Line,
        });
        if let Some(reference) = reference {
            entries.push(LegendEntry {
                label: format!("{prefix}{reference}"),
                colour: design_colour(d),
                swatch: Swatch::Dashed,
            });
        }
    }
    entries
}

/// Columns and panel height: two columns when there is more than one panel.
fn layout(panels: &[Panel]) -> (usize, u32) {
    if panels.len() > 1 {
        // Lower panels when there are many rows, so that the chart stays within the height
        // that prints on one A4 page (its legend, note and footnote take about 700 px).
        let rows = panels.len().div_ceil(2) as u32;
        let fitting = crate::report::theme::MAX_HEIGHT.saturating_sub(700) / rows;
        (2, fitting.clamp(400, 560))
    } else {
        (1, 760)
    }
}

/// Mean patients waiting below which a resource's queue is not worth a panel.
const NOBODY_WAITS: f64 = 0.01;

/// The note under every hour-of-week chart.
const NOTE: &str = "Each hour of the week averaged over every week measured, then over replications (line); shading: 95% confidence band across replications. Where designs coincide, the base is on top.";

/// For runs on real dates whose capacity changes with the date (dated periods, bank
/// holidays), what the hour-of-week averages mix: the capacity actually in force, averaged
/// over every week measured, so an escalation period counts for the share of the weeks it
/// covers. The analyst who needs to see when it was in force reads the charts by date.
fn dated_note(designs: &[Design<'_>]) -> Option<String> {
    let dated: Vec<String> = designs[0]
        .scenario
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| r.dated.is_some())
        .map(|(r, _)| {
            designs[0]
                .scenario
                .resource_title(crate::model::scenario::ResourceId(r as u16))
                .to_lowercase()
        })
        .collect();
    if designs[0].scenario.start_date.is_none() || dated.is_empty() {
        return None;
    }
    Some(format!(
        "On real dates the capacity (dashed) is what was in force, averaged over the weeks measured: dated periods (escalation beds, winter rosters) count for the share of the weeks they cover and a bank holiday as the day whose roster it follows (here: {}); the charts by date show when.",
        dated.join(", ")
    ))
}

/// Staff busy against rostered (resources with a roster), places occupied against capacity
/// (fixed capacity), and patients waiting (resources where anyone waits).
pub(super) fn by_hour_charts(designs: &[Design<'_>]) -> Vec<ChartSpec> {
    let base = designs[0].scenario;
    // A week not fully measured (or results read back from files) has no hour-of-week shape.
    let whole_week = |design: &Design<'_>| design.curves.whole_week();
    if !designs.iter().all(whole_week) {
        return Vec::new();
    }
    let rostered: Vec<&str> = base
        .resources
        .iter()
        .filter(|r| !r.schedule.is_constant())
        .map(|r| r.name.as_str())
        .collect();
    let fixed: Vec<&str> = base
        .resources
        .iter()
        .filter(|r| r.schedule.is_constant())
        .map(|r| r.name.as_str())
        .collect();
    let queued: Vec<&str> = base
        .resources
        .iter()
        .map(|r| r.name.as_str())
        .filter(|name| {
            designs.iter().any(|d| {
                level_band(d, name, Level::Waiting)
                    .is_some_and(|b| b.mean.iter().any(|v| *v > NOBODY_WAITS))
            })
        })
        .collect();
    let busy_against = |d: usize, design: &Design<'_>, name: &str| -> Vec<Line> {
        let mut lines = Vec::new();
        if let Some(b) = level_band(design, name, Level::Busy) {
            lines.push(banded(&b, d));
        }
        if let Some(b) = level_band(design, name, Level::Available) {
            lines.push(reference(&b, d));
        }
        lines
    };
    let waiting = |d: usize, design: &Design<'_>, name: &str| -> Vec<Line> {
        level_band(design, name, Level::Waiting)
            .map(|b| banded(&b, d))
            .into_iter()
            .collect()
    };
    let note = match dated_note(designs) {
        Some(dated) => format!("{NOTE} {dated}"),
        None => NOTE.to_string(),
    };
    let mut charts = Vec::new();
    let mut push = |stem: &str, title: &str, legend: Vec<LegendEntry>, panels: Vec<Panel>| {
        if panels.is_empty() {
            return;
        }
        let (columns, panel_height) = layout(&panels);
        charts.push(ChartSpec {
            stem: stem.to_string(),
            title: title.to_string(),
            legend,
            columns,
            panel_height,
            panels,
            note: Some(note.clone()),
        });
    };
    push(
        "staff_by_hour",
        "Staff busy against rostered, by hour of the week",
        legend(designs, "busy", Some("rostered")),
        panels(designs, &rostered, "Staff [people]", busy_against),
    );
    push(
        "occupancy_by_hour",
        "Beds, places and fixed teams in use against capacity, by hour of the week",
        legend(designs, "in use", Some("capacity")),
        panels(designs, &fixed, "Units in use", busy_against),
    );
    push(
        "queue_by_hour",
        "Patients waiting, by hour of the week",
        legend(designs, "waiting", None),
        panels(designs, &queued, "Patients waiting", waiting),
    );
    charts
}
