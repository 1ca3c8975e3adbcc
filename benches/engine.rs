//! Speed of the real engine: scenarios compiled from the shipped TOML files, metrics on.
//!
//! - `events/mmc`, `events/tandem`, `events/small_rich` and `events/east_london_baseline`:
//!   one replication at a time on one thread, reported as events per second (an event is an
//!   arrival, a service completion, a roster change...). `mmc` and `tandem` run 100 days
//!   after their 10-day warm-up; the others their full horizon.
//! - `yardstick/mmc` and `yardstick/tandem`: the same two models as a minimal hand-written
//!   loop (a std `BinaryHeap` of (time, sequence), exponential and log-normal draws from a
//!   ChaCha8 generator, a FIFO queue, the mean wait), over the same simulated time, so the
//!   engine's cost against a bare event loop reads side by side from one run: compare the
//!   time per iteration of `events/mmc` with `yardstick/mmc` (the same number of customers).
//! - `threads/mmc_100_replications`: 100 shortened replications on 1 and on 2 threads, for
//!   the speed-up from parallel replications (measure it on a quiet machine).
//!
//! Run with `cargo bench --bench engine`; add `-- --quick` for a faster, rougher pass.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use indicatif::ProgressBar;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp, LogNormal};

use carepath::experiment::run_scenario;
use carepath::kernel::SimDuration;
use carepath::model::run_replication;
use carepath::model::scenario::Scenario;
use carepath::scenario::load;

/// Days simulated after the warm-up by `events/mmc`, `events/tandem` and the yardsticks.
const SHORT_DAYS: f64 = 100.0;

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
        ("mmc", "mmc.toml", Some(SHORT_DAYS)),
        ("tandem", "tandem.toml", Some(SHORT_DAYS)),
        ("small_rich", "small_rich.toml", Some(364.0)),
        ("east_london_baseline", "east_london/baseline.toml", None),
    ] {
        let mut scenario = shipped(file);
        if let Some(days) = days {
            scenario.horizon = SimDuration::from_days(days);
        }
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

/// What happens next in the yardstick loops.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Bare {
    Arrival,
    /// The end of a service at stage 0 or 1.
    Departure(u8),
    /// The end of the handoff delay between the stages (tandem only).
    HandedOn,
}

/// One stage of a bare queue: free servers, the arrival times of those waiting, and the
/// waits of those served.
struct BareStage {
    free: u32,
    waiting: VecDeque<f64>,
    mean_service: f64,
    served: u64,
    total_wait: f64,
}

/// The future-event list of the yardsticks: a min-heap of (time bits, sequence, event).
struct BareList {
    heap: BinaryHeap<Reverse<(u64, u64, Bare)>>,
    sequence: u64,
}

impl BareList {
    fn push(&mut self, time: f64, event: Bare) {
        self.sequence += 1;
        self.heap
            .push(Reverse((time.to_bits(), self.sequence, event)));
    }
}

impl BareStage {
    fn new(servers: u32, mean_service: f64) -> Self {
        BareStage {
            free: servers,
            waiting: VecDeque::with_capacity(1024),
            mean_service,
            served: 0,
            total_wait: 0.0,
        }
    }

    /// Starts a service of stage `index` at `now` for someone who began waiting at `since`.
    fn start(&mut self, index: u8, since: f64, now: f64, list: &mut BareList, draw: f64) {
        self.free -= 1;
        self.served += 1;
        self.total_wait += now - since;
        list.push(now + self.mean_service * draw, Bare::Departure(index));
    }
}

/// A bare M/M/c (one stage) or tandem (two stages, a log-normal handoff delay of mean 2 h and
/// sd 1 h between them) loop with the models of `mmc.toml` and `tandem.toml`: Poisson
/// arrivals at `lambda` an hour until `hours`. Returns the waits' total over the stages and
/// the number of events.
fn bare_loop(lambda: f64, stages: &mut [BareStage], hours: f64, seed: u64) -> (f64, u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let exp1 = Exp::new(1.0).expect("a positive rate");
    // Mean m, sd s: sigma^2 = ln(1 + (s/m)^2), mu = ln m - sigma^2 / 2.
    let sigma2 = 1.25f64.ln();
    let handoff = LogNormal::new(2f64.ln() - sigma2 / 2.0, sigma2.sqrt()).expect("valid");
    let mut list = BareList {
        heap: BinaryHeap::with_capacity(1024),
        sequence: 0,
    };
    list.push(exp1.sample(&mut rng) / lambda, Bare::Arrival);
    let mut events = 0u64;
    while let Some(Reverse((bits, _, event))) = list.heap.pop() {
        let now = f64::from_bits(bits);
        if now > hours {
            break;
        }
        events += 1;
        let (stage, joins) = match event {
            Bare::Arrival => {
                list.push(now + exp1.sample(&mut rng) / lambda, Bare::Arrival);
                (0, true)
            }
            Bare::HandedOn => (1, true),
            Bare::Departure(stage) => (usize::from(stage), false),
        };
        let s = &mut stages[stage];
        if joins {
            if s.free > 0 {
                s.start(stage as u8, now, now, &mut list, exp1.sample(&mut rng));
            } else {
                s.waiting.push_back(now);
            }
        } else {
            s.free += 1;
            if let Some(since) = s.waiting.pop_front() {
                s.start(stage as u8, since, now, &mut list, exp1.sample(&mut rng));
            }
            if stage == 0 && stages.len() > 1 {
                list.push(now + handoff.sample(&mut rng), Bare::HandedOn);
            }
        }
    }
    let wait = stages.iter().map(|s| s.total_wait / s.served as f64).sum();
    (wait, events)
}

fn yardstick(c: &mut Criterion) {
    let mut group = c.benchmark_group("yardstick");
    group.measurement_time(Duration::from_secs(10));
    // The same simulated time as `events/mmc` and `events/tandem`: warm-up plus SHORT_DAYS.
    let hours = (10.0 + SHORT_DAYS) * 24.0;
    let mmc = || vec![BareStage::new(10, 1.0)];
    let tandem = || vec![BareStage::new(10, 1.0), BareStage::new(5, 0.5)];
    for (label, stages) in [
        ("mmc", &mmc as &dyn Fn() -> Vec<BareStage>),
        ("tandem", &tandem),
    ] {
        let (_, events) = bare_loop(9.0, &mut stages(), hours, 0);
        group.throughput(Throughput::Elements(events));
        let mut seed = 0;
        group.bench_function(label, |b| {
            b.iter(|| {
                seed += 1;
                black_box(bare_loop(9.0, &mut stages(), hours, seed))
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

criterion_group!(benches, events_per_second, yardstick, thread_scaling);
criterion_main!(benches);
