//! Draws a [`DifferencePanel`]: each variant's difference from the base as a dot with its
//! paired 95% interval as a whisker, a zero line, and, where the figure states which way is
//! better, that side of zero shaded and marked "better".

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::format::tick_label;
use super::render::{
    Drawn, TickedAxis, draw_x_title, fitted_ticks, house_style, label_width, to_message,
    with_caption, wrap_within, x_label_area,
};
use super::spec::{Better, DifferencePanel};
use super::theme::{FONT, INK, LABEL_SIZE, MUTED, TICK_SIZE};

/// The shade of the better side: the palette's bluish green, very light.
const BETTER: RGBColor = RGBColor(0, 158, 115);

/// The horizontal range of `panel`, drawn `plot_width` px wide: zero and every interval,
/// widened so that the widest value label fits beside its whisker.
fn range(panel: &DifferencePanel, plot_width: u32) -> std::ops::Range<f64> {
    let (mut low, mut high) = (0.0f64, 0.0f64);
    for estimate in panel.rows.iter().filter_map(|r| r.estimate) {
        for v in [estimate.mean, estimate.low, estimate.high] {
            if v.is_finite() {
                low = low.min(v);
                high = high.max(v);
            }
        }
    }
    let span = high - low;
    let span = if span > 0.0 { span } else { 1.0 };
    let widest = panel
        .rows
        .iter()
        .map(|r| label_width(&r.label, TICK_SIZE) + 36)
        .max()
        .unwrap_or(0);
    // The share of the plot each side keeps free for labels, so that the data fill the rest.
    let share = (f64::from(widest) / f64::from(plot_width.max(1))).clamp(0.12, 0.42);
    let total = span / (1.0 - 2.0 * share);
    let pad = share * total;
    (low - pad)..(high + pad)
}

/// Draws `panel` in `area`.
pub(super) fn draw<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    panel: &DifferencePanel,
) -> Drawn {
    let area = &with_caption(area, &panel.caption)?;
    let side = 30;
    let plot_width = area.dim_in_pixel().0.saturating_sub(side + 58);
    let x_range = range(panel, plot_width);
    let (x_ticks, x_step) = fitted_ticks(&x_range, plot_width, true);
    let x_title = wrap_within(&panel.x_label, LABEL_SIZE, false, plot_width);
    let rows = panel.rows.len().max(1);
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(14)
        .margin_right(44)
        .x_label_area_size(x_label_area(&x_title))
        .y_label_area_size(side);
    let x = TickedAxis::new(x_range.clone(), x_ticks);
    // Half a row above the rows for the "better" label.
    let top = rows as f64 + 0.5;
    let y = TickedAxis::new(0.0..top, Vec::new());
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
    draw_x_title(area, &chart.plotting_area().get_pixel_range(), &x_title)?;

    if let Some(better) = panel.better {
        let (from, to, label, anchor, at, dx) = match better {
            Better::Higher => (0.0, x_range.end, "better →", HPos::Right, x_range.end, -8),
            Better::Lower => (x_range.start, 0.0, "← better", HPos::Left, x_range.start, 8),
        };
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(from, 0.0), (to, top)],
                BETTER.mix(0.12).filled(),
            )))
            .map_err(to_message)?;
        let style = (FONT, TICK_SIZE)
            .into_font()
            .color(&RGBColor(0, 107, 79))
            .pos(Pos::new(anchor, VPos::Top));
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((at, top)) + Text::new(label, (dx, 6), style),
            ))
            .map_err(to_message)?;
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(0.0, 0.0), (0.0, top)],
            INK.stroke_width(3),
        )))
        .map_err(to_message)?;

    let value_font = (FONT, TICK_SIZE).into_font().color(&INK);
    let span = x_range.end - x_range.start;
    for (r, row) in panel.rows.iter().enumerate() {
        let middle = rows as f64 - r as f64 - 0.5;
        let Some(estimate) = row.estimate.filter(|e| e.mean.is_finite()) else {
            let style = value_font
                .clone()
                .color(&MUTED)
                .pos(Pos::new(HPos::Left, VPos::Center));
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((0.0, middle)) + Text::new(row.label.clone(), (12, 0), style),
                ))
                .map_err(to_message)?;
            continue;
        };
        let (mut left, mut right) = (estimate.mean, estimate.mean);
        if estimate.low.is_finite() && estimate.high.is_finite() {
            (left, right) = (estimate.low, estimate.high);
            let cap = 0.12;
            for path in [
                vec![(left, middle), (right, middle)],
                vec![(left, middle - cap), (left, middle + cap)],
                vec![(right, middle - cap), (right, middle + cap)],
            ] {
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        path,
                        row.colour.stroke_width(4),
                    )))
                    .map_err(to_message)?;
            }
        }
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((estimate.mean, middle))
                    + Circle::new((0, 0), 12, row.colour.filled())
                    + Circle::new((0, 0), 12, INK.stroke_width(2)),
            ))
            .map_err(to_message)?;
        // The label goes on the side with more room.
        let room_right = x_range.end - right;
        let room_left = left - x_range.start;
        let (at, anchor, dx) = if room_right >= room_left {
            (right, HPos::Left, 18)
        } else {
            (left, HPos::Right, -18)
        };
        let fits = f64::from(label_width(&row.label, TICK_SIZE))
            <= f64::from(plot_width) * room_right.max(room_left) / span;
        let style = value_font.clone().pos(Pos::new(anchor, VPos::Center));
        let (at, dy) = if fits {
            (at, 0)
        } else {
            // No room beside the whisker: under the dot instead.
            (estimate.mean, (TICK_SIZE / 1.24) as i32)
        };
        let style = if fits {
            style
        } else {
            value_font.clone().pos(Pos::new(HPos::Center, VPos::Top))
        };
        let dx = if fits { dx } else { 0 };
        chart
            .draw_series(std::iter::once(
                EmptyElement::at((at, middle)) + Text::new(row.label.clone(), (dx, dy), style),
            ))
            .map_err(to_message)?;
    }
    Ok(())
}
