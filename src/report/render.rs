//! Draws a [`ChartSpec`] twice, as PNG (for documents) and SVG (for print and the HTML
//! report), with the same layout: title, legend, panels, note and footnote.

use std::ops::Range;

use plotters::chart::MeshStyle;
use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use thiserror::Error;

use super::format::{tick_label, ticks_about};
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
    /// A text alternative for readers who cannot see the chart: its title and what each
    /// panel shows (also the SVG's `<title>`).
    pub alt: String,
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
pub(super) type Drawn = Result<(), String>;

/// A drawing error as text.
pub(super) fn to_message<E: ToString>(error: E) -> String {
    error.to_string()
}

/// Space above the title [px].
const TITLE_TOP: u32 = 24;
/// Height of one line of the title [px].
const TITLE_LINE: u32 = (TITLE_SIZE * 0.95) as u32;
/// Height of one row of legend entries [px].
const LEGEND_ROW: u32 = (LABEL_SIZE * 1.3) as u32;
/// Space below the panels per footnote line [px].
const FOOT_LINE: u32 = (FOOTNOTE_SIZE * 0.95) as u32;
/// Left and right margin of the title, legend and footnotes [px].
const SIDE: u32 = 40;

/// Draws `spec` with `footnote` (scenario, replications, seed, version) at the bottom.
pub fn render(spec: &ChartSpec, footnote: &str) -> Result<Rendered, ChartError> {
    let fail = |message: String| ChartError {
        chart: spec.stem.clone(),
        message,
    };
    register_fonts().map_err(fail)?;
    let size = (WIDTH, height(spec, footnote));
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
    let alt = alt_text(spec);
    Ok(Rendered {
        stem: spec.stem.clone(),
        title: spec.title.clone(),
        svg: with_title(&svg, &alt),
        alt,
        png,
    })
}

/// The chart in words: its title, then the panels' captions, then the note.
pub fn alt_text(spec: &ChartSpec) -> String {
    let captions: Vec<&str> = spec
        .panels
        .iter()
        .map(|p| match p {
            Panel::Lines(l) => l.caption.as_str(),
            Panel::Bars(b) => b.caption.as_str(),
            Panel::Differences(d) => d.caption.as_str(),
            Panel::Stacked(s) => s.caption.as_str(),
        })
        .filter(|c| !c.is_empty())
        .collect();
    let mut text = format!("Chart: {}.", spec.title);
    if !captions.is_empty() {
        text.push_str(&format!(" Panels: {}.", captions.join("; ")));
    }
    if let Some(note) = &spec.note {
        text.push(' ');
        text.push_str(note);
    }
    text
}

/// `svg` with a `<title>` (its accessible name) as the first child of the root element.
fn with_title(svg: &str, title: &str) -> String {
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    match svg
        .find("<svg")
        .and_then(|start| svg[start..].find('>').map(|end| start + end + 1))
    {
        Some(end) => format!("{}\n<title>{escaped}</title>{}", &svg[..end], &svg[end..]),
        None => svg.to_string(),
    }
}

/// RGB pixels as PNG file bytes.
pub(super) fn encode_png(
    pixels: &[u8],
    (width, height): (u32, u32),
) -> Result<Vec<u8>, png::EncodingError> {
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

/// `text` broken into lines no wider than the chart's text width when drawn at `size`
/// (measured with the bundled font; a word wider than the line stands alone).
fn wrap_to_width(text: &str, size: f64, bold: bool) -> Vec<String> {
    wrap_within(text, size, bold, WIDTH - 2 * SIDE)
}

/// `text` broken into lines no wider than `limit` [px] when drawn at `size`.
pub(super) fn wrap_within(text: &str, size: f64, bold: bool, limit: u32) -> Vec<String> {
    let width = |line: &str| {
        if bold {
            (FONT, size, FontStyle::Bold)
                .into_font()
                .box_size(line)
                .map_or(label_width(line, size), |(w, _)| w)
        } else {
            label_width(line, size)
        }
    };
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if !line.is_empty() && width(&candidate) > limit {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The title, wrapped to the chart's width.
fn title_lines(spec: &ChartSpec) -> Vec<String> {
    wrap_to_width(&spec.title, TITLE_SIZE, true)
}

/// Space above the legend: the title's lines and a gap [px].
fn title_height(spec: &ChartSpec) -> u32 {
    TITLE_TOP + title_lines(spec).len().max(1) as u32 * TITLE_LINE + 16
}

/// Lines below the panels: the note and the footnote, each wrapped to the chart's width.
fn foot_lines(spec: &ChartSpec, footnote: &str) -> Vec<String> {
    let mut lines = spec
        .note
        .as_deref()
        .map_or(Vec::new(), |note| wrap_to_width(note, FOOTNOTE_SIZE, false));
    // The footnote breaks between the scenarios and the run's settings (replications · seed
    // · version) where it can, so that the settings stay on one line.
    let mut line = String::new();
    let parts: Vec<&str> = match footnote.split_once(" · ") {
        Some((scenarios, settings)) => vec![scenarios, settings],
        None => vec![footnote],
    };
    for part in parts {
        let candidate = if line.is_empty() {
            part.to_string()
        } else {
            format!("{line} · {part}")
        };
        if label_width(&candidate, FOOTNOTE_SIZE) <= WIDTH - 2 * SIDE {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if label_width(part, FOOTNOTE_SIZE) <= WIDTH - 2 * SIDE {
            line = part.to_string();
        } else {
            lines.extend(wrap_to_width(part, FOOTNOTE_SIZE, false));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The chart's height [px]: title, legend, panels and footnote.
fn height(spec: &ChartSpec, footnote: &str) -> u32 {
    title_height(spec)
        + legend_rows(spec) * LEGEND_ROW
        + rows(spec) * spec.panel_height
        + foot_lines(spec, footnote).len() as u32 * FOOT_LINE
        + 24
}

/// How wide a label is drawn [px], measured with the bundled font (fonts are registered
/// before any chart is laid out); about 0.6 em per character if it cannot be measured.
pub(super) fn label_width(label: &str, size: f64) -> u32 {
    (FONT, size).into_font().box_size(label).map_or(
        (label.chars().count() as f64 * size * 0.6).ceil() as u32,
        |(w, _)| w,
    )
}

/// (row, x) of each legend entry: entries flow left to right and wrap.
fn legend_layout(entries: &[LegendEntry]) -> Vec<(u32, u32)> {
    let mut placed = Vec::with_capacity(entries.len());
    let (mut row, mut x) = (0, SIDE);
    for entry in entries {
        let width = 56 + label_width(&entry.label, LABEL_SIZE) + 36;
        if x > SIDE && x + width > WIDTH - SIDE {
            row += 1;
            x = SIDE;
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
    for (i, line) in title_lines(spec).into_iter().enumerate() {
        let y = (TITLE_TOP + i as u32 * TITLE_LINE) as i32;
        root.draw(&Text::new(line, (SIDE as i32, y), title_font.clone()))
            .map_err(to_message)?;
    }
    let title_height = title_height(spec);
    let label_font = (FONT, LABEL_SIZE).into_font().color(&INK);
    for (entry, (row, x)) in spec.legend.iter().zip(legend_layout(&spec.legend)) {
        let y = (title_height + row * LEGEND_ROW + LEGEND_ROW / 2) as i32;
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
                    [(x, y - 14), (x + 44, y + 14)],
                    colour.filled(),
                ))
                .map_err(to_message)?,
        }
        let style = label_font.clone().pos(Pos::new(HPos::Left, VPos::Center));
        root.draw(&Text::new(entry.label.as_str(), (x + 56, y), style))
            .map_err(to_message)?;
    }

    let header = title_height + legend_rows(spec) * LEGEND_ROW;
    let body_height = rows(spec) * spec.panel_height;
    let (_, rest) = root.split_vertically(header);
    let (body, foot) = rest.split_vertically(body_height);
    let columns = spec.columns.max(1);
    let cells = body.split_evenly((rows(spec) as usize, columns));
    for (panel, cell) in spec.panels.iter().zip(&cells) {
        match panel {
            Panel::Lines(lines) => line_panel(cell, lines)?,
            Panel::Bars(bars) => bar_panel(cell, bars)?,
            Panel::Differences(differences) => super::difference_panel::draw(cell, differences)?,
            Panel::Stacked(stacked) => super::stacked_panel::draw(cell, stacked)?,
        }
    }

    let foot_font = (FONT, FOOTNOTE_SIZE).into_font().color(&MUTED);
    let mut y = 10;
    for line in foot_lines(spec, footnote) {
        foot.draw(&Text::new(line, (SIDE as i32, y), foot_font.clone()))
            .map_err(to_message)?;
        y += FOOT_LINE as i32;
    }
    Ok(())
}

/// Draws `caption` centred at the top of `area`, wrapped to its width, and returns the area
/// below it.
pub(super) fn with_caption<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
) -> Result<DrawingArea<DB, Shift>, String> {
    if caption.is_empty() {
        return Ok(area.clone());
    }
    let width = area.dim_in_pixel().0;
    let lines = wrap_within(caption, CAPTION_SIZE, true, width.saturating_sub(40));
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

/// Round ticks for `range` that fit an axis `pixels` long without their labels touching:
/// as many as fit, up to six. `across` is true for a horizontal axis, where each label's
/// width counts; on a vertical axis the labels' height does.
pub(super) fn fitted_ticks(range: &Range<f64>, pixels: u32, across: bool) -> (Vec<f64>, f64) {
    for count in (2..=6).rev() {
        let (ticks, step) = ticks_about(range.start, range.end, count);
        let room = |label: String| {
            if across {
                label_width(&label, TICK_SIZE) + 28
            } else {
                (TICK_SIZE * 1.3) as u32
            }
        };
        let needed: u32 = ticks.iter().map(|t| room(tick_label(*t, step))).sum();
        if needed <= pixels {
            return (ticks, step);
        }
    }
    ticks_about(range.start, range.end, 1)
}

/// A linear axis whose labels and grid lines sit exactly at the given ticks.
pub(super) struct TickedAxis {
    range: Range<f64>,
    ticks: Vec<f64>,
}

impl TickedAxis {
    pub(super) fn new(range: Range<f64>, ticks: Vec<f64>) -> Self {
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
pub(super) fn house_style<'m, 'a, 'b, X, Y, DB>(
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

/// Height of the area below a panel for tick labels and the axis title [px].
pub(super) const X_LABEL_AREA: u32 = (TICK_SIZE + LABEL_SIZE + 30.0) as u32;
/// Width of the area left of a line panel for tick labels and the axis title [px].
const Y_LABEL_AREA: u32 = 170;

/// Height of one more line of an axis title [px].
const LABEL_LINE: u32 = (LABEL_SIZE * 0.95) as u32;

/// The height of the area below a panel for its tick labels and an axis title of `lines`.
pub(super) fn x_label_area(lines: &[String]) -> u32 {
    X_LABEL_AREA + lines.len().saturating_sub(1) as u32 * LABEL_LINE
}

/// Draws an axis title that needed more than one line (plotters draws a one-line title
/// itself) centred under the plot, whose pixel range on the backend is `plot`.
pub(super) fn draw_x_title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    plot: &(Range<i32>, Range<i32>),
    lines: &[String],
) -> Drawn {
    if lines.len() < 2 {
        return Ok(());
    }
    let (left, top) = area.get_base_pixel();
    let centre = (plot.0.start + plot.0.end) / 2 - left;
    let first = plot.1.end - top + (TICK_SIZE / 1.24) as i32 + 26;
    let style = (FONT, LABEL_SIZE)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (i, line) in lines.iter().enumerate() {
        let y = first + i as i32 * LABEL_LINE as i32;
        area.draw(&Text::new(line.as_str(), (centre, y), style.clone()))
            .map_err(to_message)?;
    }
    Ok(())
}

/// Light grey for grid lines.
const GRID: RGBColor = RGBColor(222, 222, 222);

/// Day labels of an hour-of-week axis, Monday first.
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// Draws a panel of lines, bands and marks.
fn line_panel<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, panel: &LinePanel) -> Drawn {
    let area = &with_caption(area, &panel.caption)?;
    let (width, height) = area.dim_in_pixel();
    let x_room = width.saturating_sub(Y_LABEL_AREA + 58);
    let dated: Vec<(f64, String)> = match panel.x_axis {
        XAxis::Dates(origin) => {
            super::date_axis::date_ticks(origin, &panel.x, x_room, |l| label_width(l, TICK_SIZE))
        }
        _ => Vec::new(),
    };
    let (x_ticks, x_step) = match panel.x_axis {
        XAxis::Numbers => fitted_ticks(&panel.x, x_room, true),
        XAxis::WeekDays => ((0..7).map(|d| f64::from(d) * 24.0).collect(), 24.0),
        XAxis::Dates(_) => (dated.iter().map(|(x, _)| *x).collect(), 1.0),
    };
    let (y_ticks, y_step) = fitted_ticks(&panel.y, height.saturating_sub(X_LABEL_AREA + 28), false);
    let x_title = wrap_within(
        &panel.x_label,
        LABEL_SIZE,
        false,
        width.saturating_sub(Y_LABEL_AREA + 58),
    );
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(14)
        .margin_right(44)
        .x_label_area_size(x_label_area(&x_title))
        .y_label_area_size(Y_LABEL_AREA);
    let x = TickedAxis::new(panel.x.clone(), x_ticks);
    let y = TickedAxis::new(panel.y.clone(), y_ticks);
    let mut chart = builder.build_cartesian_2d(x, y).map_err(to_message)?;
    let x_axis = panel.x_axis;
    let x_format = |v: &f64| match x_axis {
        XAxis::WeekDays => {
            let day = (*v / 24.0).round() as usize;
            WEEKDAYS
                .get(day)
                .map_or(String::new(), |d| (*d).to_string())
        }
        XAxis::Dates(_) => dated
            .iter()
            .find(|(x, _)| (x - v).abs() < 1e-6)
            .map_or(String::new(), |(_, label)| label.clone()),
        XAxis::Numbers => tick_label(*v, x_step),
    };
    let y_format = move |v: &f64| tick_label(*v, y_step);
    let mut mesh = chart.configure_mesh();
    house_style(&mut mesh);
    if x_title.len() == 1 {
        mesh.x_desc(panel.x_label.as_str());
    }
    mesh.y_desc(panel.y_label.as_str())
        .x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .draw()
        .map_err(to_message)?;
    draw_x_title(area, &chart.plotting_area().get_pixel_range(), &x_title)?;
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
    let widest = panel
        .categories
        .iter()
        .map(|c| label_width(c, TICK_SIZE))
        .max()
        .unwrap_or(0);
    let plot_width = area.dim_in_pixel().0.saturating_sub(widest + 30 + 58);
    let (x_ticks, x_step) = fitted_ticks(&x_range, plot_width, true);
    let x_title = wrap_within(&panel.x_label, LABEL_SIZE, false, plot_width);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(14)
        .margin_right(44)
        .x_label_area_size(x_label_area(&x_title))
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
    house_style(&mut mesh);
    if x_title.len() == 1 {
        mesh.x_desc(panel.x_label.as_str());
    }
    mesh.x_label_formatter(&x_format)
        .y_label_formatter(&y_format)
        .disable_y_mesh()
        .draw()
        .map_err(to_message)?;
    draw_x_title(area, &chart.plotting_area().get_pixel_range(), &x_title)?;
    let slot = 0.8 / groups as f64;
    let value_font = (FONT, TICK_SIZE).into_font().color(&INK);
    let label_room = area.dim_in_pixel().1 as f64 / (categories * groups) as f64;
    let label_needed = TICK_SIZE / 1.24 + 2.0;
    // Value labels share the decimals of the panel's largest value (issue 10 item 8).
    let decimals = super::format::decimals_for(low.abs().max(high.abs()));
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
            if label_room >= label_needed {
                let style = value_font.clone().pos(Pos::new(HPos::Left, VPos::Center));
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at((label_at, middle))
                            + Text::new(
                                super::format::fixed(estimate.mean, decimals),
                                (10, 0),
                                style,
                            ),
                    ))
                    .map_err(to_message)?;
            }
        }
    }
    Ok(())
}
