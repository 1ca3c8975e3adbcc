//! Behaviour tests, one binary (fast to link): queueing theory, determinism, rosters,
//! deadlines, handoffs, the initial census, user-facing errors and the command line.

mod attribution;
mod board_pack;
mod by_hour;
mod census;
mod cli;
mod compare;
mod daily_envelopes;
mod dates;
mod decisions;
mod determinism;
mod east_london;
mod errors;
mod fitting;
mod fuzz;
mod fuzz_findings;
mod handoffs;
mod home_visits;
mod honest_sweeps;
mod issue9_census;
mod issue9_metrics;
#[cfg(target_os = "linux")]
mod memory;
mod output_sets;
mod own_file;
mod pathway_diagram;
mod percentiles;
mod plain_words;
mod precision;
mod print_layout;
mod readable_outputs;
mod regression;
mod requests;
mod rosters_and_deadlines;
mod routes;
mod shards;
mod support;
mod sweep;
mod theory;
mod validation;
mod workbook;
