//! The built-in validation cases: each a scenario (TOML text), the figures to read from its
//! run, and what queueing theory says they should be, with the source of every formula.
//!
//! `carepath validate` runs these, and so do the integration tests (`tests/it/theory.rs`):
//! there is no second copy of any model or formula. The run length depends on the
//! [`Scale`]; the model, the figures and the theory do not.

use super::theory::{PriorityClass, cobham, erlang_b, erlang_c, pollaczek_khinchine};
use super::{Case, Check, Theory};

/// How long each case runs: the shape of every model is the same at both scales.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scale {
    /// The full run lengths (the integration tests' own), narrow intervals.
    Full,
    /// A fifth of the run length, the same replications: intervals about 2.2 times wider.
    Quick,
}

impl Scale {
    /// Measured days for a case whose full length is `full` days.
    fn days(self, full: u32) -> u32 {
        match self {
            Scale::Full => full,
            Scale::Quick => full / 5,
        }
    }
}

/// Relative tolerance of every check: the widening of the 95% interval allowed for the
/// known bias of a finite run after a finite warm-up (the queue starts empty), and the
/// largest error the integration tests accept at the cases' own seeds.
pub const TOLERANCE: f64 = 0.02;

/// The names of the built-in cases, in the order they run.
pub const NAMES: [&str; 8] = [
    "mmc_light",
    "mmc_moderate",
    "mmc_heavy",
    "mg1",
    "erlang_b",
    "tandem",
    "priority",
    "little",
];

/// Every built-in case at `scale`, in the order of [`NAMES`].
pub fn all(scale: Scale) -> Vec<Case> {
    vec![
        mmc_light(scale),
        mmc_moderate(scale),
        mmc_heavy(scale),
        mg1(scale),
        erlang_b_loss(scale),
        tandem(scale),
        priority(scale),
        little(scale),
    ]
}

/// The built-in case called `name` at `scale`, if there is one.
pub fn by_name(name: &str, scale: Scale) -> Option<Case> {
    match name {
        "mmc_light" => Some(mmc_light(scale)),
        "mmc_moderate" => Some(mmc_moderate(scale)),
        "mmc_heavy" => Some(mmc_heavy(scale)),
        "mg1" => Some(mg1(scale)),
        "erlang_b" => Some(erlang_b_loss(scale)),
        "tandem" => Some(tandem(scale)),
        "priority" => Some(priority(scale)),
        "little" => Some(little(scale)),
        _ => None,
    }
}

/// An M/M/c scenario: Poisson arrivals at `lambda` per hour, `servers` servers, exponential
/// service of mean 1 hour; its figures are `wait.queue.serve.*` and `server.*`. The
/// integration tests build their other M/M/c runs from it too.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mmc {
    /// Arrivals [per hour].
    pub lambda: f64,
    /// Servers [units].
    pub servers: u32,
    /// Measured days after the warm-up [days].
    pub days: u32,
    /// Warm-up [days].
    pub warm_up_days: u32,
    /// Replications.
    pub replications: u32,
    /// Seed of every random stream.
    pub seed: u64,
}

impl Mmc {
    /// The scenario as TOML text.
    pub fn text(&self) -> String {
        format!(
            r#"
[run]
name = "mmc_{servers}"
horizon = "{days} d"
warm_up = "{warm} d"
replications = {replications}
seed = {seed}

[resources.server]
count = {servers}

[arrivals.poisson]
pathway = "queue"
per_day = {per_day}

[[pathways.queue.steps]]
name = "serve"
activity = {{ resource = "server", duration = {{ exponential = {{ mean = "1 h" }} }} }}

[[pathways.queue.steps]]
name = "done"
end = {{ outcome = "served" }}
"#,
            servers = self.servers,
            days = self.days,
            warm = self.warm_up_days,
            replications = self.replications,
            seed = self.seed,
            per_day = self.lambda * 24.0
        )
    }
}

/// An M/M/c case checked against Erlang C: the mean wait in queue and the probability of
/// waiting (Erlang C, see [`erlang_c`]), the utilisation `rho = lambda / c` (the offered load
/// per server), and the mean queue length against Little's law `Lq = lambda Wq`.
fn mmc_case(
    name: &'static str,
    title: &'static str,
    lambda: f64,
    servers: u32,
    days: u32,
    replications: u32,
) -> Case {
    let (p_wait, wq) = erlang_c(lambda, 1.0, servers);
    Case {
        name,
        title,
        scenario: Mmc {
            lambda,
            servers,
            days,
            warm_up_days: 20,
            replications,
            seed: 99,
        }
        .text(),
        checks: vec![
            Check::value("mean wait in queue", "wait.queue.serve.mean", "h", wq),
            Check::value(
                "P(wait)",
                "wait.queue.serve.share_waiting",
                "fraction",
                p_wait,
            ),
            Check::value(
                "utilisation",
                "server.utilisation",
                "fraction",
                lambda / f64::from(servers),
            ),
            Check::value("mean queue (Lq)", "server.queue.mean", "", lambda * wq),
        ],
    }
}

/// M/M/10 at light load, `rho = 0.5`: waits are rare and short (Erlang C).
pub fn mmc_light(scale: Scale) -> Case {
    mmc_case(
        "mmc_light",
        "M/M/10, rho 0.5: Erlang C",
        5.0,
        10,
        scale.days(2000),
        30,
    )
}

/// M/M/10 at moderate load, `rho = 0.8` (Erlang C).
pub fn mmc_moderate(scale: Scale) -> Case {
    mmc_case(
        "mmc_moderate",
        "M/M/10, rho 0.8: Erlang C",
        8.0,
        10,
        scale.days(2000),
        30,
    )
}

/// M/M/10 at heavy load, `rho = 0.9`: the shipped reference scenario's numbers (Erlang C).
pub fn mmc_heavy(scale: Scale) -> Case {
    mmc_case(
        "mmc_heavy",
        "M/M/10, rho 0.9: Erlang C",
        9.0,
        10,
        scale.days(4000),
        40,
    )
}

/// M/G/1 with log-normal service of mean 1 h and sd 1.5 h at `rho = 0.6`, against the
/// Pollaczek–Khinchine formula (see [`pollaczek_khinchine`]), which needs the second moment:
/// so it checks that `log_normal = { mean, sd }` means the duration's own mean and sd. The
/// probability of waiting of a single-server queue with Poisson arrivals is `rho` (PASTA).
pub fn mg1(scale: Scale) -> Case {
    let (lambda, mean, sd) = (0.6_f64, 1.0_f64, 1.5_f64);
    let scenario = format!(
        r#"
[run]
name = "mg1"
horizon = "{days} d"
warm_up = "20 d"
replications = 40
seed = 5

[resources.server]
count = 1

[arrivals.poisson]
pathway = "queue"
per_day = {per_day}

[[pathways.queue.steps]]
name = "serve"
activity = {{ resource = "server", duration = {{ log_normal = {{ mean = "{mean} h", sd = "{sd} h" }} }} }}

[[pathways.queue.steps]]
name = "done"
end = {{ outcome = "served" }}
"#,
        days = scale.days(20000),
        per_day = lambda * 24.0
    );
    Case {
        name: "mg1",
        title: "M/G/1 log-normal: Pollaczek-Khinchine",
        scenario,
        checks: vec![
            Check::value(
                "mean wait in queue",
                "wait.queue.serve.mean",
                "h",
                pollaczek_khinchine(lambda, mean, sd),
            ),
            Check::value(
                "P(wait)",
                "wait.queue.serve.share_waiting",
                "fraction",
                lambda * mean,
            ),
        ],
    }
}

/// A loss system made from a zero-length deadline: 8 units, Poisson referrals at 6 an hour,
/// log-normal service of mean 1 h and sd 2 h, and `deadline = "0 h"` so a referral that
/// finds every unit busy takes its fallback at once. The share turned away (those not served
/// at once) is Erlang B (see [`erlang_b`]), which by Sevastyanov's insensitivity theorem
/// holds for any service distribution with that mean; the mean busy units are the carried
/// load `a (1 - B)`.
pub fn erlang_b_loss(scale: Scale) -> Case {
    let (lambda, servers) = (6.0_f64, 8_u32);
    let blocked = erlang_b(lambda, servers);
    let scenario = format!(
        r#"
[run]
name = "erlang_b"
horizon = "{days} d"
warm_up = "20 d"
replications = 30
seed = 1

[resources.unit]
count = {servers}

[arrivals.poisson]
pathway = "loss"
per_day = {per_day}

[[pathways.loss.steps]]
name = "admit"
activity = {{ resource = "unit", duration = {{ log_normal = {{ mean = "1 h", sd = "2 h" }} }}, deadline = "0 h", fallback = "turned_away" }}

[[pathways.loss.steps]]
name = "done"
end = {{ outcome = "served" }}

[[pathways.loss.steps]]
name = "turned_away"
end = {{ outcome = "lost" }}
"#,
        days = scale.days(2000),
        per_day = lambda * 24.0
    );
    Case {
        name: "erlang_b",
        title: "M/G/8/8 loss (deadline 0 h): Erlang B",
        scenario,
        checks: vec![
            Check::value(
                "share turned away",
                "wait.loss.admit.share_waiting",
                "fraction",
                blocked,
            ),
            Check::value("mean busy units", "unit.busy", "", lambda * (1.0 - blocked)),
        ],
    }
}

/// Two staffed stages with a pure delay between them: 4 arrivals an hour, 5 servers of mean
/// 1 h, an exponential 2-hour delay, 3 servers of mean 30 min. By Burke's theorem the
/// departures of an M/M/c queue are Poisson, and an infinite-server delay keeps them
/// Poisson, so by Jackson's theorem (Jackson, "Networks of waiting lines", *Operations
/// Research* 5(4), 1957) each stage is an independent M/M/c queue (Erlang C) and the mean
/// time in the pathway is the sum of the stages' waits and services.
pub fn tandem(scale: Scale) -> Case {
    let scenario = format!(
        r#"
[run]
name = "tandem"
horizon = "{days} d"
warm_up = "20 d"
replications = 30
seed = 17

[resources.first]
count = 5

[resources.second]
count = 3

[arrivals.poisson]
pathway = "tandem"
per_day = 96.0                    # 4 an hour

[[pathways.tandem.steps]]
name = "stage_one"
activity = {{ resource = "first", duration = {{ exponential = {{ mean = "1 h" }} }} }}

[[pathways.tandem.steps]]
name = "travel"
delay = {{ duration = {{ exponential = {{ mean = "2 h" }} }} }}

[[pathways.tandem.steps]]
name = "stage_two"
activity = {{ resource = "second", duration = {{ exponential = {{ mean = "30 min" }} }} }}

[[pathways.tandem.steps]]
name = "done"
end = {{ outcome = "done" }}
"#,
        days = scale.days(3000)
    );
    let (_, wq1) = erlang_c(4.0, 1.0, 5);
    let (_, wq2) = erlang_c(4.0, 2.0, 3);
    Case {
        name: "tandem",
        title: "M/M/5 -> delay -> M/M/3: Jackson",
        scenario,
        checks: vec![
            Check::value(
                "stage one mean wait",
                "wait.tandem.stage_one.mean",
                "h",
                wq1,
            ),
            Check::value(
                "stage two mean wait",
                "wait.tandem.stage_two.mean",
                "h",
                wq2,
            ),
            Check::value(
                "mean time in pathway",
                "tandem.time_in_pathway.mean",
                "h",
                wq1 + 1.0 + 2.0 + wq2 + 0.5,
            ),
        ],
    }
}

/// One server shared by two pathways at different `priority` (non-preemptive): urgent
/// referrals at 0.3 an hour with exponential service of mean 1 h, routine ones at 0.2 an
/// hour with mean 2 h (`rho = 0.7`). Cobham's formula (see [`cobham`]) gives each class's
/// mean wait.
pub fn priority(scale: Scale) -> Case {
    let classes = [
        PriorityClass {
            lambda: 0.3,
            mean: 1.0,
            sd: 1.0,
        },
        PriorityClass {
            lambda: 0.2,
            mean: 2.0,
            sd: 2.0,
        },
    ];
    let waits = cobham(&classes);
    let scenario = format!(
        r#"
[run]
name = "priority"
horizon = "{days} d"
warm_up = "20 d"
replications = 30
seed = 23

[resources.server]
count = 1

[arrivals.urgent]
pathway = "urgent"
per_day = {urgent_per_day}

[arrivals.routine]
pathway = "routine"
per_day = {routine_per_day}

[[pathways.urgent.steps]]
name = "serve"
activity = {{ resource = "server", duration = {{ exponential = {{ mean = "1 h" }} }}, priority = 1 }}

[[pathways.urgent.steps]]
name = "done"
end = {{ outcome = "served" }}

[[pathways.routine.steps]]
name = "serve"
activity = {{ resource = "server", duration = {{ exponential = {{ mean = "2 h" }} }} }}

[[pathways.routine.steps]]
name = "done"
end = {{ outcome = "served" }}
"#,
        days = scale.days(10000),
        urgent_per_day = classes[0].lambda * 24.0,
        routine_per_day = classes[1].lambda * 24.0,
    );
    Case {
        name: "priority",
        title: "M/M/1, two non-preemptive priorities: Cobham",
        scenario,
        checks: vec![
            Check::value("urgent mean wait", "wait.urgent.serve.mean", "h", waits[0]),
            Check::value(
                "routine mean wait",
                "wait.routine.serve.mean",
                "h",
                waits[1],
            ),
        ],
    }
}

/// The shipped rich scenario (`scenarios/small_rich.toml`: rosters, priorities, deadlines,
/// blocking, handoffs), run for ten years instead of one at [`Scale::Full`] (two at
/// [`Scale::Quick`]).
const SMALL_RICH: &str = include_str!("../../scenarios/small_rich.toml");

/// Little's law `L = lambda W` (Little, "A proof for the queuing formula L = lambda W",
/// *Operations Research* 9(3), 1961) on every resource queue of the shipped rich scenario:
/// the mean queue length against the patients who waited there times their mean wait,
/// divided by the measured hours, both from the same run. It holds for any queue
/// discipline, rosters and deadlines included (those who leave at a deadline count with the
/// wait they had).
pub fn little(scale: Scale) -> Case {
    let days = scale.days(3640);
    let scenario = SMALL_RICH.replace("horizon = \"364 d\"", &format!("horizon = \"{days} d\""));
    let little = |resource: &str, label: &'static str, waits: &[&str]| Check {
        label,
        metric: format!("{resource}.queue.mean"),
        unit: "",
        theory: Theory::LittlesLaw {
            waits: waits.iter().map(|w| (*w).to_string()).collect(),
        },
        tolerance: TOLERANCE,
    };
    Case {
        name: "little",
        title: "small_rich.toml (rosters, deadlines, blocking): Little's law",
        scenario,
        checks: vec![
            little(
                "rr_nurse",
                "rr_nurse queue",
                &["wait.rapid_response.visit", "wait.rapid_response.follow_up"],
            ),
            little("acute_bed", "acute_bed queue", &["wait.hospital.admit"]),
            little(
                "reablement_slot",
                "reablement_slot queue",
                &["wait.hospital.await_reablement"],
            ),
        ],
    }
}
