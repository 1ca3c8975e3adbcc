//! Speed of the real engine: scenarios compiled from the shipped TOML files, metrics on.
//!
//! - `events/mmc` and `events/small_rich`: one replication at a time on one thread, reported
//!   as events per second (an event is an arrival, a service completion, a roster change...).
//! - `threads/mmc_100_replications`: 100 shortened replications on 1 and on 2 threads, for
//!   the speed-up from parallel replications.
//!
//! Run with `cargo bench --bench engine`; add `-- --quick` for a faster, rougher pass.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use indicatif::ProgressBar;

use carepath::experiment::run_scenario;
use carepath::kernel::SimDuration;
use carepath::model::run_replication;
use carepath::model::scenario::Scenario;
use carepath::scenario::load;

fn shipped(name: &str) -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(name);
    match load(&path) {
        Ok(loaded) => loaded.scenario,
        Err(error) => panic!("{error}"),
    }
}

fn events_per_second(c: &mut Criterion) {
    let mut group = c.benchmark_group("events");
    group.measurement_time(Duration::from_secs(10));
    for (label, file, days) in [
        ("mmc", "mmc.toml", 100.0),
        ("small_rich", "small_rich.toml", 364.0),
    ] {
        let mut scenario = shipped(file);
        scenario.horizon = SimDuration::from_days(days);
        let events = run_replication(&scenario, 0).map(|r| r.events).unwrap_or(0);
        group.throughput(Throughput::Elements(events));
        let mut replication = 0;
        group.bench_function(label, |b| {
            b.iter(|| {
                replication += 1;
                black_box(run_replication(&scenario, replication))
            })
        });
    }
    group.finish();
}

fn thread_scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(15));
    let mut scenario = shipped("mmc.toml");
    scenario.horizon = SimDuration::from_days(50.0);
    for threads in [1, 2] {
        group.bench_with_input(
            BenchmarkId::new("mmc_100_replications", threads),
            &threads,
            |b, &threads| {
                b.iter(|| {
                    black_box(run_scenario(
                        &scenario,
                        0,
                        100,
                        threads,
                        &ProgressBar::hidden(),
                    ))
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, events_per_second, thread_scaling);
criterion_main!(benches);
