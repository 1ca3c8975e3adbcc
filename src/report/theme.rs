//! The board pack's look: palette, type sizes and the bundled font, so that every chart
//! looks the same and renders the same on any machine.

use std::sync::OnceLock;

use plotters::style::{FontStyle, RGBColor, register_font};

/// Okabe-Ito colours (distinguishable with the common colour-vision deficiencies), in the
/// order designs take them: the base scenario is always the first.
pub const PALETTE: [RGBColor; 7] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(120, 120, 120),
];

/// The colour of design number `index` (0 = the base), the same in every chart.
pub fn design_colour(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

/// Colours of the segments of a stacked bar, in order: the Okabe-Ito colours without their
/// grey (kept for "other"), then darker shades of the first five.
pub const SEGMENTS: [RGBColor; 12] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
    RGBColor(240, 228, 66),
    RGBColor(0, 62, 100),
    RGBColor(140, 90, 0),
    RGBColor(0, 90, 65),
    RGBColor(140, 50, 0),
    RGBColor(125, 55, 100),
];

/// The segment of a stacked bar that sums what is not drawn on its own.
pub const OTHER_SEGMENT: RGBColor = RGBColor(190, 190, 190);

/// Near-black for text and reference lines.
pub const INK: RGBColor = RGBColor(34, 34, 34);
/// Grey for footnotes and grid lines.
pub const MUTED: RGBColor = RGBColor(110, 110, 110);

/// Chart width [px]: wide enough to print sharp across an A4 page.
pub const WIDTH: u32 = 1600;

/// The width a chart is placed at on an A4 page [mm]: the text width, at most 16 cm.
pub const PRINTED_WIDTH_MM: f64 = 160.0;

/// The tallest a chart may be [px]: 240 mm when printed 16 cm wide, which an A4 page holds
/// with its caption (the report caps a printed chart at 245 mm tall).
pub const MAX_HEIGHT: u32 = 2400;

/// Room a chart needs besides its panels [px]: title, a two-row legend, note and footnote.
pub const FRAME_HEIGHT: u32 = 480;

/// How many panels of `panel_height` [px], two to a row, one chart holds within
/// [`MAX_HEIGHT`]: at least two.
pub fn panels_per_chart(panel_height: u32) -> usize {
    2 * (MAX_HEIGHT.saturating_sub(FRAME_HEIGHT) / panel_height.max(1)).max(1) as usize
}

/// The smallest text the printed page may carry [pt] (issue 10 item 6).
pub const MIN_PRINTED_PT: f64 = 9.0;

/// Millimetres per typographic point (1 pt = 1/72 in).
const MM_PER_PT: f64 = 25.4 / 72.0;

/// The smallest em [px] a chart may draw text at: 9 pt at 16 cm across 1600 px is
/// 9 × 0.3528 mm / (160 mm / 1600 px) = 31.75 px, rounded up.
pub const MIN_EM: f64 = 32.0;

/// plotters' text sizes are nominal: its SVG writes `font-size` as the nominal size / 1.24,
/// and its bitmap draws with the font's ascent-to-descent height (1.164 em for DejaVu Sans)
/// equal to the nominal size, so the SVG's em is the smaller of the two.
const NOMINAL_PER_EM: f64 = 1.24;

/// plotters' nominal size for text whose em in the SVG is `em` [px].
const fn nominal(em: f64) -> f64 {
    em * NOMINAL_PER_EM
}

/// Title size (nominal; 46 px em) [px].
pub const TITLE_SIZE: f64 = nominal(46.0);
/// Panel caption size (nominal; 38 px em) [px].
pub const CAPTION_SIZE: f64 = nominal(38.0);
/// Axis label and legend size (nominal; 34 px em) [px].
pub const LABEL_SIZE: f64 = nominal(34.0);
/// Tick label size (nominal; 32 px em, the smallest) [px].
pub const TICK_SIZE: f64 = nominal(MIN_EM);
/// Footnote size (nominal; 32 px em, the smallest) [px].
pub const FOOTNOTE_SIZE: f64 = nominal(MIN_EM);

/// The printed size [pt] of text drawn at `nominal` size, with the chart `PRINTED_WIDTH_MM`
/// wide.
pub fn printed_pt(nominal: f64) -> f64 {
    let em = nominal / NOMINAL_PER_EM;
    em * PRINTED_WIDTH_MM / f64::from(WIDTH) / MM_PER_PT
}

/// The typeface of every chart and of the report, as a CSS font-family list: the bundled
/// DejaVu Sans first, so that a chart's SVG and the page around it share one typeface (the
/// list falls back alike in both where DejaVu Sans is not installed).
pub const FONT: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

/// The bundled DejaVu Sans font file (TrueType).
pub(crate) static REGULAR_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
/// The bundled DejaVu Sans Bold font file (TrueType).
pub(crate) static BOLD_FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled font with plotters once, under [`FONT`]; charts never look for
/// system fonts.
pub fn register_fonts() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FONT, FontStyle::Normal, REGULAR_FONT)
                .and_then(|()| register_font(FONT, FontStyle::Bold, BOLD_FONT))
                .map_err(|_| "the bundled DejaVu Sans font could not be read".to_string())
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 10 item 6: no chart text is below 9 pt when the chart is 16 cm wide.
    #[test]
    fn every_text_size_prints_at_nine_points_or_more_at_sixteen_centimetres() {
        for (what, size) in [
            ("title", TITLE_SIZE),
            ("caption", CAPTION_SIZE),
            ("label", LABEL_SIZE),
            ("tick", TICK_SIZE),
            ("footnote", FOOTNOTE_SIZE),
        ] {
            let pt = printed_pt(size);
            assert!(pt >= MIN_PRINTED_PT, "{what}: {pt:.2} pt");
        }
        assert!(
            (printed_pt(TICK_SIZE) - 9.07).abs() < 0.01,
            "{}",
            printed_pt(TICK_SIZE)
        );
    }
}
