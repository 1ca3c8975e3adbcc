//! The board pack: charts as PNG and SVG, and a self-contained HTML report, built from
//! finished runs. Knows how to present results; knows nothing of how they were simulated.

pub mod brief;
pub mod cause_changes;
pub mod charts;
pub mod clipped;
pub mod date_axis;
pub mod diagram;
mod difference_panel;
pub mod format;
pub mod headline;
pub mod html;
pub mod pack;
pub mod render;
pub mod spec;
mod stacked_panel;
pub mod study;
pub mod theme;
pub mod workbook;
