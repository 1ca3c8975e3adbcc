//! What a chart shows, as plain data: the chart builders fill these in, the renderer draws
//! them. Keeping the two apart lets every chart share one look and one drawing routine.

use std::ops::Range;

use plotters::style::RGBColor;

/// One chart: a title, a legend, and one or more panels laid out in a grid.
#[derive(Debug, Clone)]
pub struct ChartSpec {
    /// File name without extension, e.g. `staff_by_hour`.
    pub stem: String,
    /// Title printed at the top, in plain words.
    pub title: String,
    /// Legend entries, shown in a row under the title (none for a single series).
    pub legend: Vec<LegendEntry>,
    /// Panels per row.
    pub columns: usize,
    /// Height of each panel [px].
    pub panel_height: u32,
    /// The panels, left to right then top to bottom.
    pub panels: Vec<Panel>,
    /// An extra note printed above the standard footnote (e.g. what the band means).
    pub note: Option<String>,
}

/// A legend entry: a coloured swatch and its label.
#[derive(Debug, Clone)]
pub struct LegendEntry {
    /// What the swatch stands for.
    pub label: String,
    /// Its colour.
    pub colour: RGBColor,
    /// How it is drawn.
    pub swatch: Swatch,
}

/// How a legend swatch is drawn, matching the series it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Swatch {
    /// A solid line.
    Line,
    /// A dashed line.
    Dashed,
    /// A filled box.
    Bar,
}

/// One panel of a chart.
#[derive(Debug, Clone)]
pub enum Panel {
    /// Lines, optionally with bands, against numeric axes.
    Lines(LinePanel),
    /// Horizontal bars with 95% whiskers, one row of bars per category.
    Bars(BarPanel),
    /// Differences from a base with their 95% intervals, around a zero line.
    Differences(DifferencePanel),
    /// Horizontal bars split into coloured segments, one bar per row.
    Stacked(StackedPanel),
}

/// How the horizontal axis of a line panel is labelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XAxis {
    /// Round numbers.
    Numbers,
    /// Hours of the week 0-168, labelled with day names at midnight.
    WeekDays,
    /// Days after the given date and time (a run on real dates), labelled with dates at
    /// midnights ("1 Dec", "15 Jan", or months), see `report::date_axis`.
    Dates(jiff::civil::DateTime),
}

/// A panel of lines.
#[derive(Debug, Clone)]
pub struct LinePanel {
    /// Caption above the panel (empty for a single-panel chart).
    pub caption: String,
    /// Horizontal range.
    pub x: Range<f64>,
    /// Vertical range.
    pub y: Range<f64>,
    /// Horizontal axis label, with its unit.
    pub x_label: String,
    /// Vertical axis label, with its unit.
    pub y_label: String,
    /// How the horizontal axis is labelled.
    pub x_axis: XAxis,
    /// The lines, drawn in order.
    pub lines: Vec<Line>,
    /// Reference marks drawn over the lines.
    pub marks: Vec<Mark>,
}

/// Points joined in order, in data coordinates.
pub type Polyline = Vec<(f64, f64)>;

/// One line, optionally with a shaded band.
#[derive(Debug, Clone)]
pub struct Line {
    /// Its points, in drawing order.
    pub points: Polyline,
    /// Two edges of a shaded band, each in drawing order (e.g. low and high).
    pub band: Option<(Polyline, Polyline)>,
    /// Its colour.
    pub colour: RGBColor,
    /// Dashed rather than solid.
    pub dashed: bool,
    /// Drawn one pixel wide: for dense, jagged series (daily values), whose sharp turns a
    /// thick line would draw with spikes.
    pub thin: bool,
}

impl Line {
    /// Every vertical value the line and its band reach, for choosing the axis range.
    pub fn y_values(&self) -> impl Iterator<Item = f64> + '_ {
        let band = self.band.iter().flat_map(|(a, b)| a.iter().chain(b));
        self.points.iter().chain(band).map(|p| p.1)
    }
}

/// A reference mark on a line panel.
#[derive(Debug, Clone)]
pub enum Mark {
    /// A dashed vertical line across the panel with a label at its top.
    Vertical {
        /// Where [x units].
        x: f64,
        /// Label printed beside it.
        label: String,
    },
    /// A highlighted point with a label.
    Point {
        /// Where.
        at: (f64, f64),
        /// Its colour.
        colour: RGBColor,
        /// Label printed beside it.
        label: String,
    },
}

/// A panel of horizontal bars: for each category, one bar per group.
#[derive(Debug, Clone)]
pub struct BarPanel {
    /// Caption above the panel.
    pub caption: String,
    /// Category names, top to bottom.
    pub categories: Vec<String>,
    /// Horizontal axis label, with its unit.
    pub x_label: String,
    /// Groups (e.g. scenarios), each with a value per category.
    pub groups: Vec<BarGroup>,
}

/// One group of bars (e.g. one scenario) across the categories of a bar panel.
#[derive(Debug, Clone)]
pub struct BarGroup {
    /// Its colour.
    pub colour: RGBColor,
    /// One estimate per category; `None` where the group has no value.
    pub values: Vec<Option<Estimate>>,
}

/// A mean with its 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// Mean.
    pub mean: f64,
    /// Lower end of the 95% interval.
    pub low: f64,
    /// Upper end of the 95% interval.
    pub high: f64,
}

/// Which way a figure is better, where its key figure states it (`better = ...`).
pub use crate::model::scenario::Better;

/// A panel of differences from a base, one row per variant: a dot at the mean difference,
/// a whisker over its paired 95% interval, a zero line, and the better side shaded where
/// the figure states a direction.
#[derive(Debug, Clone)]
pub struct DifferencePanel {
    /// Caption above the panel (the figure's label).
    pub caption: String,
    /// Horizontal axis label, with its unit.
    pub x_label: String,
    /// Which side of zero is better; `None` marks no side.
    pub better: Option<Better>,
    /// One row per variant, top to bottom.
    pub rows: Vec<DifferenceRow>,
}

/// One variant's difference from the base in a [`DifferencePanel`].
#[derive(Debug, Clone)]
pub struct DifferenceRow {
    /// The variant's colour (the same as in every chart).
    pub colour: RGBColor,
    /// Mean difference and its paired 95% interval, in the panel's display unit; `None`
    /// where the figure cannot be compared (no replication has a value in both designs).
    pub estimate: Option<Estimate>,
    /// The difference as the report writes it (e.g. `−£1.02m`), printed beside the dot.
    pub label: String,
}

/// A panel of horizontal stacked bars: one bar per row, split into segments (e.g. the causes
/// of a pathway's delayed bed-days), each segment's colour named in the chart's legend; the
/// bar's total is printed at its end and each segment's value inside it where it fits.
#[derive(Debug, Clone)]
pub struct StackedPanel {
    /// Caption above the panel (empty for a single-panel chart).
    pub caption: String,
    /// Row names, top to bottom; wrapped onto several lines rather than cut.
    pub rows: Vec<String>,
    /// Horizontal axis label, with its unit.
    pub x_label: String,
    /// The segments, drawn left to right in this order.
    pub segments: Vec<Segment>,
    /// What each bar's total is, row by row, printed at its end (e.g. "11,456"); `None`
    /// prints the sum of the segments.
    pub totals: Vec<Option<String>>,
}

/// One segment series of a [`StackedPanel`]: the same colour in every row.
#[derive(Debug, Clone)]
pub struct Segment {
    /// Its colour (as in the legend).
    pub colour: RGBColor,
    /// Its length in each row [display unit]; zero or NaN draws nothing.
    pub values: Vec<f64>,
}
