//! The census must fit the resources it holds: a census that holds more units of a resource
//! than the resource has at the start of the run is refused, at the census group (or census
//! CSV row) that passes it.
//!
//! The capacity that applies is the one in force at time zero, as the run starts with it:
//! the `count`, the roster's level at the start's day and hour, or the dated period in force
//! on the start date. Surge units are closed at the start (a rule opens them only when its
//! queue calls), so they do not count. Units are counted over all census groups in file
//! order, typed `[[initial]]` groups and census-file rows alike; the first group that takes
//! the total past the capacity is the one reported.
//!
//! What this module does not do: check capacity at later times (a census patient keeps its
//! unit when a roster later lowers the level, as any patient does: that is overtime).

use std::ops::Range;

use super::csv_place::field_span;
use super::diagnostics::Problem;
use super::file::ScenarioFile;
use crate::model::scenario::Scenario;

/// Where a census group came from, to place a problem with it.
#[derive(Debug, Clone, Copy)]
pub enum Origin {
    /// Typed as an `[[initial]]` table of the scenario file.
    Typed,
    /// A row of census file number `file` (in [`CensusFiles::files`]) starting at byte
    /// `row_start` of its text.
    Row {
        /// Index in [`CensusFiles::files`].
        file: u32,
        /// Byte offset of the row in the file's text.
        row_start: u32,
    },
}

/// One census file as read: its name for messages, its text, and where its `holding`
/// column is.
#[derive(Debug)]
pub struct CensusText {
    /// The path shown in messages.
    pub label: String,
    /// The whole file.
    pub text: String,
    /// Index of the `holding` column, if the file has one.
    pub holding_column: Option<usize>,
}

/// The census files a scenario read, and where each census group came from.
#[derive(Debug, Default)]
pub struct CensusFiles {
    /// The files, in the order their `[[initial]] file` entries appear.
    pub files: Vec<CensusText>,
    /// One entry per census group of the expanded scenario file, in order.
    pub origins: Vec<Origin>,
}

/// A census group that passes a resource's capacity at the start, placed where the user
/// can fix it.
#[derive(Debug)]
pub enum OverCapacity {
    /// In the scenario file (a typed `[[initial]]` group's `holding` entry).
    Typed(Problem),
    /// In census file number `file` (a row's `holding` cell).
    Row {
        /// Index in [`CensusFiles::files`].
        file: usize,
        /// The problem, placed in that file's text.
        problem: Problem,
    },
}

/// Checks that the census of `scenario` (compiled from `file`, whose `[[initial]]` groups
/// came from `census`) holds no more units of any resource than it has at time zero.
///
/// # Errors
/// The first group, in file order, that takes a resource past its capacity.
pub fn check(
    scenario: &Scenario,
    file: &ScenarioFile,
    census: &CensusFiles,
    capacity_set: &[String],
) -> Result<(), OverCapacity> {
    if scenario.initial.iter().all(|g| g.holding.is_empty()) {
        return Ok(());
    }
    let week_offset = scenario.start_day as f64 * 24.0;
    let capacity: Vec<u64> = scenario
        .resources
        .iter()
        .map(|r| u64::from(r.level_at(0.0, week_offset)))
        .collect();
    let mut held = vec![0u64; scenario.resources.len()];
    for (g, group) in scenario.initial.iter().enumerate() {
        for &resource in &group.holding {
            let r = resource.0 as usize;
            held[r] = held[r].saturating_add(u64::from(group.count));
            let definition = &scenario.resources[r];
            if held[r] <= capacity[r] || capacity_set.contains(&definition.name) {
                continue;
            }
            let name = &definition.name;
            let changes = definition.dated.is_some() || !definition.schedule.is_constant();
            let when = if changes {
                " at the start of the run (its roster or dated periods give that many then)"
            } else {
                ""
            };
            let units = if held[r] == 1 { "unit" } else { "units" };
            let message = format!(
                "the census holds {} {units} of `{name}` by this group, but `{name}` has {}{when}",
                held[r], capacity[r]
            );
            let help = if changes {
                format!(
                    "a census lists what is held at the start: hold fewer `{name}` units in the census, or give `{name}` more units at the start (its roster or dated period then)"
                )
            } else {
                format!(
                    "a census lists what is held at the start: hold fewer `{name}` units in the census, or raise the `count` of [resources.{name}]"
                )
            };
            return Err(place(file, census, g, name, message, help));
        }
    }
    Ok(())
}

/// The problem for census group `g` holding resource `name`, placed at its `holding` entry
/// (typed) or cell (census file row).
fn place(
    file: &ScenarioFile,
    census: &CensusFiles,
    g: usize,
    name: &str,
    message: String,
    help: String,
) -> OverCapacity {
    match census.origins.get(g).copied().unwrap_or(Origin::Typed) {
        Origin::Typed => {
            let span: Range<usize> = file.initial.get(g).map_or(0..0, |group| {
                let group_ref = group.get_ref();
                group_ref
                    .holding
                    .iter()
                    .find(|h| h.get_ref() == name)
                    .map_or_else(|| group.span(), toml::Spanned::span)
            });
            OverCapacity::Typed(Problem::new(span, message).help(help))
        }
        Origin::Row { file, row_start } => {
            let file = file as usize;
            let span = census.files.get(file).map_or(0..0, |f| {
                let start = row_start as usize;
                let cell = f
                    .holding_column
                    .map_or(start..start, |c| field_span(&f.text, start, c));
                // Point at the resource's name within the cell when it is there.
                let mut offset = cell.start;
                let mut at = cell.clone();
                for part in f.text[cell.clone()].split(';') {
                    if part.trim().trim_matches('"').trim() == name
                        && let Some(lead) = part.find(name)
                    {
                        at = offset + lead..offset + lead + name.len();
                        break;
                    }
                    offset += part.len() + 1;
                }
                at
            });
            OverCapacity::Row {
                file,
                problem: Problem::new(span, message).help(help),
            }
        }
    }
}
