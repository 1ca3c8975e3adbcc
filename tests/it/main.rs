//! Behaviour tests, one binary (fast to link): queueing theory, determinism, rosters,
//! deadlines, handoffs, the initial census, user-facing errors and the command line.

mod attribution;
mod board_pack;
mod booked_and_recorded_arrivals;
mod by_hour;
mod census;
mod census_file;
mod census_order_and_runaway;
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
mod honest_sweeps;
#[cfg(target_os = "linux")]
mod memory;
mod output_sets;
mod own_file;
mod pathway_diagram;
mod patience_and_balking;
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
mod staffed_offices;
mod support;
mod surge;
mod sweep;
mod theory;
mod unobserved_figures_and_served_waits;
mod validation;
mod winter_on_dates;
mod workbook;
