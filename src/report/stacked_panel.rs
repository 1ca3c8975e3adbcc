//! Draws a [`StackedPanel`]: one horizontal bar per row, split into coloured segments left to
//! right, the bar's total printed at its end and each segment's value printed inside it where
//! it fits. Row names are wrapped onto as many lines as they need, never cut.
//!
//! Owns no colours or words (the chart builder chooses them); knows nothing of what the
//! segments mean.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::{decimals_for, fixed, tick_label};
use super::render::{
    Drawn, TickedAxis, draw_x_title, fitted_ticks, house_style, label_width, to_message,
    with_caption, wrap_within, x_label_area,
};
use super::spec::StackedPanel;
use super::theme::{FONT, INK, LABEL_SIZE, TICK_SIZE};

/// Widest a row name may be drawn before it wraps [px].
const MOST_NAME_WIDTH: u32 = 440;

/// Height of one line of a row name [px].
const NAME_LINE: f64 = TICK_SIZE * 0.95;

/// `panel`'s row `row`: the sum of its finite, positive segments.
fn total(panel: &StackedPanel, row: usize) -> f64 {
    panel
        .segments
        .iter()
        .filter_map(|s| s.values.get(row))
        .filter(|v| v.is_finite() && **v > 0.0)
        .sum()
}

/// The text printed at the end of row `row`'s bar.
fn total_label(panel: &StackedPanel, row: usize, decimals: usize) -> String {
    match panel.totals.get(row) {
        Some(Some(text)) => text.clone(),
        _ => fixed(total(panel, row), decimals),
    }
}

/// Whether text on `colour` reads better in white than in ink (by its luma, ITU-R BT.601).
fn dark(colour: RGBColor) -> bool {
    0.299 * f64::from(colour.0) + 0.587 * f64::from(colour.1) + 0.114 * f64::from(colour.2) < 140.0
}

/// Draws `panel` in `area`.
pub(super) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &StackedPanel,
) -> Drawn {
    let area = &with_caption(area, &panel.caption)?;
    let rows = panel.rows.len().max(1);
    let largest = (0..panel.rows.len())
        .map(|r| total(panel, r))
        .fold(0.0, f64::max);
    let decimals = decimals_for(largest);
    let names: Vec<Vec<String>> = panel
        .rows
        .iter()
        .map(|name| wrap_within(name, TICK_SIZE, false, MOST_NAME_WIDTH))
        .collect();
    let name_width = names
        .iter()
        .flatten()
        .map(|line| label_width(line, TICK_SIZE))
        .max()
        .unwrap_or(0);
    let side = name_width + 30;
    let plot_width = area.dim_in_pixel().0.saturating_sub(side + 58);
    // Room right of the longest bar for its total.
    let widest_total = (0..panel.rows.len())
        .map(|r| label_width(&total_label(panel, r, decimals), TICK_SIZE) + 24)
        .max()
        .unwrap_or(0);
    let share = (f64::from(widest_total) / f64::from(plot_width.max(1))).clamp(0.08, 0.4);
    let high = if largest > 0.0 { largest } else { 1.0 } / (1.0 - share);
    let x_range = 0.0..high;
    let (x_ticks, x_step) = fitted_ticks(&(0.0..largest.max(1.0)), plot_width, true);
    let x_title = wrap_within(&panel.x_label, LABEL_SIZE, false, plot_width);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(14)
        .margin_right(44)
        .x_label_area_size(x_label_area(&x_title))
        .y_label_area_size(side);
    let x = TickedAxis::new(x_range.clone(), x_ticks);
    let y = TickedAxis::new(0.0..rows as f64, Vec::new());
    let mut chart = builder.build_cartesian_2d(x, y).map_err(to_message)?;
    let x_format = move |v: &f64| tick_label(*v, x_step);
    let mut mesh = chart.configure_mesh();
    house_style(&mut mesh);
    if x_title.len() == 1 {
        mesh.x_desc(panel.x_label.as_str());
    }
    mesh.x_label_formatter(&x_format)
        .disable_y_mesh()
        .draw()
        .map_err(to_message)?;
    let plot = chart.plotting_area().get_pixel_range();
    draw_x_title(area, &plot, &x_title)?;

    // Row names, right-aligned against the axis, centred on their bar.
    let (left, top) = area.get_base_pixel();
    let row_pixels = f64::from(plot.1.end - plot.1.start) / rows as f64;
    let name_style = (FONT, TICK_SIZE)
        .into_font()
        .color(&INK)
        .pos(Pos::new(HPos::Right, VPos::Top));
    for (r, lines) in names.iter().enumerate() {
        let middle = f64::from(plot.1.start - top) + row_pixels * (r as f64 + 0.5);
        let first = middle - NAME_LINE * lines.len() as f64 / 2.0;
        for (i, line) in lines.iter().enumerate() {
            let y = (first + NAME_LINE * i as f64).round() as i32;
            area.draw(&Text::new(
                line.as_str(),
                (plot.0.start - left - 12, y),
                name_style.clone(),
            ))
            .map_err(to_message)?;
        }
    }

    let pixels_per_unit = f64::from(plot.0.end - plot.0.start) / (x_range.end - x_range.start);
    let value_font = (FONT, TICK_SIZE).into_font();
    for r in 0..panel.rows.len() {
        // Row 0 at the top.
        let middle = rows as f64 - r as f64 - 0.5;
        let (bar_top, bar_bottom) = (middle + 0.32, middle - 0.32);
        let mut start = 0.0;
        for segment in &panel.segments {
            let Some(&value) = segment.values.get(r) else {
                continue;
            };
            if !(value.is_finite() && value > 0.0) {
                continue;
            }
            let end = start + value;
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(start, bar_top), (end, bar_bottom)],
                    segment.colour.filled(),
                )))
                .map_err(to_message)?;
            // A thin white edge keeps neighbouring segments apart in grey print.
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(end, bar_top), (end, bar_bottom)],
                    WHITE.stroke_width(2),
                )))
                .map_err(to_message)?;
            let text = fixed(value, decimals);
            if f64::from(label_width(&text, TICK_SIZE) + 12) <= value * pixels_per_unit {
                let colour = if dark(segment.colour) { WHITE } else { INK };
                let style = value_font
                    .clone()
                    .color(&colour)
                    .pos(Pos::new(HPos::Center, VPos::Center));
                chart
                    .draw_series(std::iter::once(
                        EmptyElement::at(((start + end) / 2.0, middle))
                            + Text::new(text, (0, 0), style),
                    ))
                    .map_err(to_message)?;
            }
            start = end;
        }
        let style = value_font
            .clone()
            .color(&INK)
            .pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((start, middle))
                    + Text::new(total_label(panel, r, decimals), (10, 0), style),
            ))
            .map_err(to_message)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::spec::Segment;

    #[test]
    fn totals_add_the_drawn_segments_and_text_colour_follows_the_fill() {
        let panel = StackedPanel {
            caption: String::new(),
            rows: vec!["a".into(), "b".into()],
            x_label: "bed-days".into(),
            segments: vec![
                Segment {
                    colour: RGBColor(0, 114, 178),
                    values: vec![2.0, f64::NAN],
                },
                Segment {
                    colour: RGBColor(240, 228, 66),
                    values: vec![3.5, 1.0],
                },
            ],
            totals: vec![None, Some("1 (95% CI 0.9 to 1.1)".into())],
        };
        assert_eq!(total(&panel, 0), 5.5);
        assert_eq!(total(&panel, 1), 1.0);
        assert_eq!(total_label(&panel, 0, 1), "5.5");
        assert_eq!(total_label(&panel, 1, 1), "1 (95% CI 0.9 to 1.1)");
        assert!(dark(RGBColor(0, 114, 178)));
        assert!(!dark(RGBColor(240, 228, 66)));
    }
}
