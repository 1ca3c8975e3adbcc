//! Draws a [`ChartSpec`] twice, as PNG (for documents) and SVG (for print and the HTML
//! report), with the same layout: title, legend, panels, note and footnote.

use std::ops::Range;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use thiserror::Error;

use super::format::{tick_label, ticks};
use super::spec::{BarPanel, ChartSpec, LegendEntry, LinePanel, Mark, Panel, Swatch, XAxis};
use super::theme::{
    CAPTION_SIZE, FONT, FOOTNOTE_SIZE, INK, LABEL_SIZE, MUTED, TICK_SIZE, TITLE_SIZE, WIDTH,
    register_fonts,
};

/// A chart drawn in both formats.
#[derive(Debug, Clone)]
pub struct Rendered {
    /// File name without extension.
    pub stem: String,
    /// The chart's title.
    pub title: String,
    /// PNG file bytes.
    pub png: Vec<u8>,
    /// SVG document.
    pub svg: String,
}

/// Why a chart could not be drawn (an internal fault: the data is checked before drawing).
#[derive(Debug, Error)]
#[error("cannot draw chart `{chart}`: {message}")]
pub struct ChartError {
    /// The chart's file stem.
    pub chart: String,
    /// What went wrong.
    pub message: String,
}

/// The result of a drawing step: plotters' errors differ by backend, so they become text.
type Drawn = Result<(), String>;

/// A drawing error as text.
fn to_message<E: ToString>(error: E) -> String {
    error.to_string()
}

/// Space above the panels for the title [px].
const TITLE_HEIGHT: u32 = 90;
/// Height of one row of legend entries [px].
const LEGEND_ROW: u32 = 44;
/// Space below the panels per footnote line [px].
const FOOT_LINE: u32 = 30;

/// Draws `spec` with `footnote` (scenario, replications, seed, version) at the bottom.
pub fn render(spec: &ChartSpec, footnote: &str) -> Result<Rendered, ChartError> {
    let fail = |message: String| ChartError {
        chart: spec.stem.clone(),
        message,
    };
    register_fonts().map_err(fail)?;
    let size = (WIDTH, height(spec));
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(&root, spec, footnote).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let mut pixels = vec![0u8; size.0 as usize * size.1 as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, size).into_drawing_area();
        draw(&root, spec, footnote).map_err(fail)?;
        root.present().map_err(|e| fail(e.to_string()))?;
    }
    let png = encode_png(&pixels, size).map_err(|e| fail(e.to_string()))?;
    Ok(Rendered {
        stem: spec.stem.clone(),
        title: spec.title.clone(),
        png,
        svg,
    })
}

/// RGB pixels as PNG file bytes.
fn encode_png(pixels: &[u8], (width, height): (u32, u32)) -> Result<Vec<u8>, png::EncodingError> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(bytes)
}

/// Rows of panels.
fn rows(spec: &ChartSpec) -> u32 {
    spec.panels.len().div_ceil(spec.columns.max(1)) as u32
}

/// Rows the legend wraps onto.
fn legend_rows(spec: &ChartSpec) -> u32 {
    legend_layout(&spec.legend)
        .last()
        .map_or(0, |(row, _)| row + 1)
}

/// The note, wrapped to the chart's width.
fn note_lines(spec: &ChartSpec) -> Vec<String> {
    let characters = ((WIDTH - 80) as f64 / (FOOTNOTE_SIZE * 0.5)) as usize;
    spec.note.as_deref().map_or(Vec::new(), |note| {
        textwrap::wrap(note, characters)
            .into_iter()
            .map(|line| line.into_owned())
            .collect()
    })
}

/// Lines below the panels: the wrapped note and the footnote.
fn foot_lines(spec: &ChartSpec) -> u32 {
    1 + note_lines(spec).len() as u32
}

/// The chart's height [px]: title, legend, panels and footnote.
fn height(spec: &ChartSpec) -> u32 {
    TITLE_HEIGHT
        + legend_rows(spec) * LEGEND_ROW
        + rows(spec) * spec.panel_height
        + foot_lines(spec) * FOOT_LINE
        + 24
}

/// How wide a label is drawn [px], measured with the bundled font (fonts are registered
/// before any chart is laid out); about 0.6 em per character if it cannot be measured.
fn label_width(label: &str, size: f64) -> u32 {
    (FONT, size).into_font().box_size(label).map_or(
        (label.chars().count() as f64 * size * 0.6).ceil() as u32,
        |(w, _)| w,
    )
}

/// (row, x) of each legend entry: entries flow left to right and wrap.
fn legend_layout(entries: &[LegendEntry]) -> Vec<(u32, u32)> {
    let mut placed = Vec::with_capacity(entries.len());
    let (mut row, mut x) = (0, 40);
    for entry in entries {
        let width = 56 + label_width(&entry.label, LABEL_SIZE) + 36;
        if x > 40 && x + width > WIDTH - 40 {
            row += 1;
            x = 40;
        }
        placed.push((row, x));
        x += width;
    }
    placed
}

/// Draws the whole chart on `root`: title, legend, panels, note and footnote.
fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    spec: &ChartSpec,
    footnote: &str,
) -> Drawn {
    root.fill(&WHITE).map_err(to_message)?;
    let title_font = (FONT, TITLE_SIZE, FontStyle::Bold).into_font().color(&INK);
    root.draw(&Text::new(spec.title.as_str(), (40, 28), title_font))
        .map_err(to_message)?;
    let label_font = (FONT, LABEL_SIZE).into_font().color(&INK);
    for (entry, (row, x)) in spec.legend.iter().zip(legend_layout(&spec.legend)) {
        let y = (TITLE_HEIGHT + row * LEGEND_ROW + LEGEND_ROW / 2) as i32;
        let x = x as i32;
        let colour = entry.colour.to_rgba();
        match entry.swatch {
            Swatch::Line => root
                .draw(&PathElement::new(
                    [(x, y), (x + 44, y)],
                    colour.stroke_width(5),
                ))
                .map_err(to_message)?,
            Swatch::Dashed => {
                for k in 0..3 {
                    let start = x + k * 17;
                    root.draw(&PathElement::new(
                        [(start, y), (start + 10, y)],
                        colour.stroke_width(4),
                    ))
                    .map_err(to_message)?;
                }
            }
            Swatch::Bar => root
                .draw(&Rectangle::new(
                    [(x, y - 12), (x + 44, y + 12)],
                    colour.filled(),
                ))
                .map_err(to_message)?,
        }
        let style = label_font.clone().pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(entry.label.as_str(), (x + 56, y), style))
            .map_err(to_message)?;
    }

    let header = TITLE_HEIGHT + legend_rows(spec) * LEGEND_ROW;
    let body_height = rows(spec) * spec.panel_height;
    let (_, rest) = root.split_vertically(header);
    let (body, foot) = rest.split_vertically(body_height);
    let columns = spec.columns.max(1);
    let cells = body.split_evenly((rows(spec) as usize, columns));
    for (panel, cell) in spec.panels.iter().zip(&cells) {
        match panel {
            Panel::Lines(lines) => line_panel(cell, lines)?,
            Panel::Bars(bars) => bar_panel(cell, bars)?,
        }
    }

    let foot_font = (FONT, FOOTNOTE_SIZE).into_font().color(&MUTED);
    let mut y = 10;
    for line in note_lines(spec) {
        foot.draw(&Text::new(line, (40, y), foot_font.clone()))
            .map_err(to_message)?;
        y += FOOT_LINE as i32;
    }
    foot.draw(&Text::new(footnote, (40, y), foot_font))
        .map_err(to_message)?;
    Ok(())
}

/// Draws `caption` centred at the top of `area`, wrapped to its width, and returns the area
/// below it.
fn with_caption<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    if caption.is_empty() {
        return Ok(area.clone());
    }
    let width = area.dim_in_pixel().0;
    let characters = (f64::from(width.saturating_sub(40)) / (CAPTION_SIZE * 0.62)) as usize;
    let lines = textwrap::wrap(caption, characters.max(10));
    let line_height = (CAPTION_SIZE * 1.25) as u32;
    let font = (FONT, CAPTION_SIZE, FontStyle::Bold)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (i, line) in lines.iter().enumerate() {
        let y = 12 + i as i32 * line_height as i32;
        area.draw(&Text::new(
            line.as_ref(),
            ((width / 2) as i32, y),
            font.clone(),
        ))
        .map_err(to_message)?;
    }
    let (_, below) = area.split_vertically(16 + lines.len() as u32 * line_height);
    Ok(below)
}

/// A linear axis whose labels and grid lines sit exactly at the given ticks.
struct TickedAxis {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl TickedAxis {
    fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
        TickedAxis { range, ticks }
    }
}

impl Ranged for TickedAxis {
    type ValueType = f64;
    type FormatOption = DefaultFormatting;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let share = (value - self.range.start) / (self.range.end - self.range.start);
        let pixels = f64::from(limit.1 - limit.0);
        limit.0 + (pixels * share + 1e-3).floor() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.range.clone()
    }
}

/// The look every panel's axes share: fonts, light grid, grey axis lines.
fn house_style<'m, 'a, 'b, X, Y, DB>(
    mesh: &'m mut MeshStyle<'a, 'b, X, Y, DB>,
) -> &'m mut MeshStyle<'a, 'b, X, Y, DB>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
    DB: DrawingBackend,
{
    mesh.axis_desc_style((FONT, LABEL_SIZE).into_font().color(&INK))
        .label_style((FONT, TICK_SIZE).into_font().color(&INK))
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(MUTED)
}

/// Light grey for grid lines.
const GRID: RGBColor = RGBColor(222, 222, 222);

/// Day labels of an hour-of-week axis, Monday first.
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Draws a panel of lines, bands and marks.
fn line_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &LinePanel) -> Drawn {
    let area = &with_caption(area, &panel.caption)?;
    let (x_ticks, x_step) = match panel.x_axis {
        XAxis::Numbers => ticks(panel.x.start, panel.x.end),
        XAxis::WeekDays => ((0..7).map(|d| f64::from(d) * 24.0).collect(), 24.0),
    };
    let (y_ticks, y_step) = ticks(panel.y.start, panel.y.end);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(14)
        .margin_right(44)
        .x_label_area_size(84)
        .y_label_area_size(120);
    let x = TickedAxis::new(panel.x.clone(), x_ticks);
    let y = TickedAxis::new(panel.y.clone(), y_ticks);
    let mut chart = builder.build_cartesian_2d(x, y).map_err(to_message)?;
    let week = panel.x_axis == XAxis::WeekDays;
    let x_format = move |v: &f64| {
        if week {
            let day = (*v / 24.0).round() as usize;
            WEEKDAYS
                .get(day)
                .map_or(String::new(), |d| (*d).to_string())
        } else {
            tick_label(*v, x_step)
        }
    };
    let y_format = move |v: &f64| tick_label(*v, y_step);
    let mut mesh = chart.configure_mesh();
    house_style(&mut mesh)
        .x_desc(panel.x_label.as_str())
        .y_desc(panel.y_label.as_str())
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .draw()
        .map_err(to_message)?;
    for line in &panel.lines {
        if let Some((one_edge, other_edge)) = &line.band {
            let outline: Vec<(f64, f64)> = one_edge
                .iter()
                .chain(other_edge.iter().rev())
                .copied()
                .collect();
            chart
                .draw_series(std::iter::once(Polygon::new(
                    outline,
                    line.colour.mix(0.2).filled(),
                )))
                .map_err(to_message)?;
        }
    }
    for line in &panel.lines {
        let width = match (line.thin, line.dashed) {
            (true, _) => 1,
            (false, true) => 3,
            (false, false) => 4,
        };
        let style = line.colour.stroke_width(width);
        if line.dashed {
            chart
                .draw_series(DashedLineSeries::new(line.points.clone(), 14, 9, style))
                .map_err(to_message)?;
        } else {
            chart
                .draw_series(LineSeries::new(line.points.clone(), style))
                .map_err(to_message)?;
        }
    }
    let right_half = |x: f64| x > panel.x.start + 0.6 * (panel.x.end - panel.x.start);
    let mark_font = (FONT, LABEL_SIZE).into_font().color(&INK);
    for mark in &panel.marks {
        match mark {
            Mark::Vertical { x, label } => {
                chart
                    .draw_series(DashedLineSeries::new(
                        [(*x, panel.y.start), (*x, panel.y.end)],
                        10,
                        7,
                        INK.stroke_width(2),
                    ))
                    .map_err(to_message)?;
                let (anchor, dx) = if right_half(*x) {
                    (HPos::Right, -10)
                } else {
                    (HPos::Left, 10)
                };
                let style = mark_font.clone().pos(Pos::new(anchor, VPos::Top));
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((*x, panel.y.end))
                            + Text::new(label.clone(), (dx, 8), style),
                    ))
                    .map_err(to_message)?;
            }
            Mark::Point { at, colour, label } => {
                let (anchor, dx) = if right_half(at.0) {
                    (HPos::Right, -18)
                } else {
                    (HPos::Left, 18)
                };
                let style = mark_font.clone().pos(Pos::new(anchor, VPos::Bottom));
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(*at)
                            + Circle::new((0, 0), 11, colour.filled())
                            + Circle::new((0, 0), 11, INK.stroke_width(2))
                            + Text::new(label.clone(), (dx, -14), style),
                    ))
                    .map_err(to_message)?;
            }
        }
    }
    Ok(())
}

/// Draws a panel of horizontal bars with whiskers and value labels.
fn bar_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &BarPanel) -> Drawn {
    let area = &with_caption(area, &panel.caption)?;
    let categories = panel.categories.len().max(1);
    let groups = panel.groups.len().max(1);
    let estimates = panel.groups.iter().flat_map(|g| g.values.iter().flatten());
    let (mut low, mut high) = (0.0f64, 0.0f64);
    for e in estimates {
        for v in [e.mean, e.low, e.high] {
            if v.is_finite() {
                low = low.min(v);
                high = high.max(v);
            }
        }
    }
    if high <= low {
        high = low + 1.0;
    }
    let pad = 0.12 * (high - low);
    let x_range = (if low < 0.0 { low - pad } else { 0.0 })..(high + pad);
    let (x_ticks, x_step) = ticks(x_range.start, x_range.end);
    let widest = panel
        .categories
        .iter()
        .map(|c| label_width(c, TICK_SIZE))
        .max()
        .unwrap_or(0);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(14)
        .margin_right(44)
        .x_label_area_size(84)
        .y_label_area_size(widest + 30);
    let x = TickedAxis::new(x_range.clone(), x_ticks);
    let centres: Vec<f64> = (0..categories).map(|row| row as f64 + 0.5).collect();
    let y = TickedAxis::new(0.0..categories as f64, centres);
    let mut chart = builder.build_cartesian_2d(x, y).map_err(to_message)?;
    let names = panel.categories.clone();
    // Category 0 is drawn at the top: row `categories - 1`.
    let y_format = move |v: &f64| {
        let row = v.floor().max(0.0) as usize;
        names
            .get(categories.saturating_sub(row + 1))
            .cloned()
            .unwrap_or_default()
    };
    let x_format = move |v: &f64| tick_label(*v, x_step);
    let mut mesh = chart.configure_mesh();
    house_style(&mut mesh)
        .x_desc(panel.x_label.as_str())
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .disable_y_mesh()
        .draw()
        .map_err(to_message)?;
    let slot = 0.8 / groups as f64;
    let value_font = (FONT, TICK_SIZE).into_font().color(&INK);
    let label_room = area.dim_in_pixel().1 as f64 / (categories * groups) as f64;
    for c in 0..panel.categories.len() {
        let row_top = (categories - c) as f64;
        for (g, group) in panel.groups.iter().enumerate() {
            let Some(Some(estimate)) = group.values.get(c) else {
                continue;
            };
            let slot_top = row_top - 0.1 - slot * g as f64;
            let (bar_top, bar_bottom) = (slot_top - slot * 0.1, slot_top - slot * 0.9);
            let middle = slot_top - slot * 0.5;
            if estimate.mean.is_nan() {
                // No replication had a value: say so where the bar would be, never a zero bar.
                let style = value_font.clone().pos(Pos::new(HPos::Left, VPos::Center));
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((0.0, middle))
                            + Text::new(super::format::NO_PATIENTS, (10, 0), style),
                    ))
                    .map_err(to_message)?;
                continue;
            }
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(0.0, bar_top), (estimate.mean, bar_bottom)],
                    group.colour.filled(),
                )))
                .map_err(to_message)?;
            let mut label_at = estimate.mean;
            if estimate.low.is_finite() && estimate.high.is_finite() {
                let cap = slot * 0.22;
                let (left, right) = (estimate.low, estimate.high);
                for path in [
                    vec![(left, middle), (right, middle)],
                    vec![(left, middle - cap), (left, middle + cap)],
                    vec![(right, middle - cap), (right, middle + cap)],
                ] {
                    chart
                        .draw_series(std::iter::once(PathElement::new(path, INK.stroke_width(2))))
                        .map_err(to_message)?;
                }
                label_at = label_at.max(right);
            }
            if label_room >= 22.0 {
                let style = value_font.clone().pos(Pos::new(HPos::Left, VPos::Center));
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((label_at, middle))
                            + Text::new(super::format::significant(estimate.mean), (10, 0), style),
                    ))
                    .map_err(to_message)?;
            }
        }
    }
    Ok(())
}
