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

/// Near-black for text and reference lines.
pub const INK: RGBColor = RGBColor(34, 34, 34);
/// Grey for footnotes and grid lines.
pub const MUTED: RGBColor = RGBColor(110, 110, 110);

/// Chart width [px]: wide enough to print sharp across an A4 page. The text sizes below are
/// plotters' nominal sizes; it draws glyphs about 1/1.24 of that tall.
pub const WIDTH: u32 = 1600;
/// Title size [px].
pub const TITLE_SIZE: f64 = 44.0;
/// Panel caption size [px].
pub const CAPTION_SIZE: f64 = 30.0;
/// Axis label and legend size [px].
pub const LABEL_SIZE: f64 = 26.0;
/// Tick label size [px].
pub const TICK_SIZE: f64 = 22.0;
/// Footnote size [px].
pub const FOOTNOTE_SIZE: f64 = 20.0;

/// The font family every chart uses; registered from the bundled DejaVu Sans.
pub const FONT: &str = "sans-serif";

static REGULAR: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

/// Registers the bundled font with plotters once; charts never look for system fonts.
pub fn register_fonts() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FONT, FontStyle::Normal, REGULAR)
                .and_then(|()| register_font(FONT, FontStyle::Bold, BOLD))
                .map_err(|_| "the bundled DejaVu Sans font could not be read".to_string())
        })
        .clone()
}
