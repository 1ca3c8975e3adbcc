//! Behaviour tests, one binary (fast to link): queueing theory, determinism, rosters,
//! deadlines, handoffs, the initial census, user-facing errors and the command line.

mod board_pack;
mod by_hour;
mod census;
mod cli;
mod compare;
mod determinism;
mod east_london;
mod errors;
mod fuzz;
mod handoffs;
mod precision;
mod regression;
mod rosters_and_deadlines;
mod shards;
mod support;
mod sweep;
mod theory;
