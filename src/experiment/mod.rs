//! Experiments: replications run in parallel, summarised across replications, and written
//! to disk. Knows nothing of the command line.

pub mod bands;
pub mod compare;
pub mod curves;
pub mod daily;
pub mod daily_shard;
pub mod design_diff;
pub mod output;
pub mod output_set;
pub mod precision;
pub mod runner;
pub mod shard;
pub mod shard_curves;
pub mod sketch;
pub mod stability;
pub mod statistics;
pub mod sweep;
pub mod trace;
pub mod warmup;

pub use runner::{RunError, RunOutcome, run_more, run_scenario};
pub use statistics::{MetricSummary, summarise};
