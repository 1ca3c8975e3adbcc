//! The model layer: what a scenario compiles into (`scenario`), and how one replication of it
//! runs (`engine`) and is measured (`metrics`). Knows pathways, resources and patients; knows
//! nothing of files, command lines or reports.

pub mod arrivals;
pub mod bank_holidays;
pub mod dated_schedule;
pub mod dates;
pub mod describe;
pub mod distribution;
pub mod engine;
pub mod labels;
pub mod load;
pub mod log_histogram;
pub mod metrics;
pub mod residual_life;
pub mod scenario;
pub mod shift_end;
pub mod surge;
pub mod visit_plan;
pub mod visit_rota;
pub mod week_schedule;

pub use engine::{
    CauseTable, DAILY_STATISTICS, DailySeries, DayWindow, ReplicationResult, ResourceLevels,
    SimError, TRACE_HEADER, TracedRunError, daily_series_names, metric_catalogue, run_daily_series,
    run_replication, run_replication_traced,
};
pub use metrics::{MetricValue, Unit};
