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
    /// Index of the `step` column.
    pub step_column: Option<usize>,
}

impl CensusText {
    /// Where in this file to report a problem with the row starting at byte `row_start`
    /// about resource `name`: at `name` in the row's `holding` cell if it is there, else the
    /// whole cell; the `step` cell if the file has no `holding` column.
    fn row_span(&self, row_start: usize, name: &str) -> Range<usize> {
        let Some(column) = self.holding_column else {
            return self.step_column.map_or(row_start..row_start, |c| {
                field_span(&self.text, row_start, c)
            });
        };
        let cell = field_span(&self.text, row_start, column);
        // Point at the resource's name within the cell when it is there.
        let mut offset = cell.start;
        for part in self.text[cell.clone()].split(';') {
            if part.trim().trim_matches('"').trim() == name
                && let Some(lead) = part.find(name)
            {
                return offset + lead..offset + lead + name.len();
            }
            offset += part.len() + 1;
        }
        cell
    }
}

/// The problems of a scenario that did not compile, placed where the user can fix them.
#[derive(Debug)]
pub enum Placed {
    /// All in the scenario file.
    Scenario(Vec<Problem>),
    /// About census groups read from census file number `file`: placed at their rows there
    /// (the problems in the scenario file, if any, are reported once these are fixed).
    Rows {
        /// Index in [`CensusFiles::files`].
        file: usize,
        /// The problems, placed in that file's text.
        problems: Vec<Problem>,
    },
}

/// Places `problems` found while compiling: a problem about a census group read from a
/// census file (see [`crate::scenario::diagnostics::CensusPlace`]) is moved to the group's
/// row in that file (its `holding` cell, at the resource named); if there are any, the
/// problems of the first such file are returned, else all as they are.
pub fn place_rows(problems: Vec<Problem>, census: &CensusFiles) -> Placed {
    let row_of = |p: &Problem| {
        let place = p.census.as_ref()?;
        match census.origins.get(place.group)? {
            Origin::Row { file, row_start } => Some((*file as usize, *row_start as usize)),
            Origin::Typed => None,
        }
    };
    let Some(first) = problems
        .iter()
        .find_map(|p| row_of(p).map(|(file, _)| file))
    else {
        return Placed::Scenario(problems);
    };
    let Some(text) = census.files.get(first) else {
        return Placed::Scenario(problems);
    };
    let mut placed: Vec<Problem> = problems
        .iter()
        .filter_map(|p| {
            let (file, row_start) = row_of(p)?;
            let resource = p
                .census
                .as_ref()
                .map_or("", |c| if c.listed { c.resource.as_str() } else { "" });
            (file == first).then(|| {
                let mut moved = p.clone();
                moved.span = text.row_span(row_start, resource);
                moved
            })
        })
        .collect();
    placed.sort_by_key(|p| p.span.start);
    Placed::Rows {
        file: first,
        problems: placed,
    }
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
            let span = census
                .files
                .get(file)
                .map_or(0..0, |f| f.row_span(row_start as usize, name));
            OverCapacity::Row {
                file,
                problem: Problem::new(span, message).help(help),
            }
        }
    }
}
