//! `carepath fit` (issue 15 items 1, 2, 4, 5): durations recovered from known
//! distributions, with and without right-censoring; arrival patterns recovered from
//! carepath's own runs (scenario -> trace -> fit -> same profile); the TOML written is
//! accepted by the scenario parser; every bad-data class is reported at its place.

use carepath::experiment::trace::trace_bytes;
use carepath::fit::arrivals;
use carepath::fit::durations::{self, Family, Observation};
use carepath::fit::toml::{arrivals_toml, durations_toml};
use carepath::scenario::parse;
use jiff::civil::{DateTime, date};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::Distribution;

use crate::support::{carepath, run_into, text};

fn draws(dist: impl Distribution<f64>, n: usize, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..n).map(|_| dist.sample(&mut rng)).collect()
}

fn complete(values: &[f64]) -> Vec<Observation> {
    values
        .iter()
        .map(|&value| Observation {
            value,
            censored: false,
        })
        .collect()
}

fn within(found: f64, want: f64, relative: f64, what: &str) {
    let error = (found / want - 1.0).abs();
    assert!(
        error <= relative,
        "{what}: found {found}, want {want} (off by {:.2}%)",
        error * 100.0
    );
}

/// A scenario with one delay step of `distribution`, for checking that a fitted
/// distribution is accepted by the parser.
fn scenario_with_duration(distribution: &str) -> String {
    format!(
        r#"
[run]
name = "fitted"
horizon = "10 d"

[arrivals.referrals]
pathway = "main"
per_day = 5

[[pathways.main.steps]]
name = "stay"
delay = {{ duration = {distribution} }}

[[pathways.main.steps]]
name = "done"
end = {{ outcome = "home" }}
"#
    )
}

#[test]
fn lognormal_draws_are_recovered_within_two_percent_and_ranked_first() {
    // Mean 4 d, sd 2.5 d: sigma² = ln(1 + (2.5/4)²), mu = ln 4 − sigma²/2.
    let sigma = (1.0f64 + (2.5f64 / 4.0).powi(2)).ln().sqrt();
    let mu = 4.0f64.ln() - sigma * sigma / 2.0;
    let values = draws(rand_distr::LogNormal::new(mu, sigma).unwrap(), 20_000, 1);
    let fit = durations::fit(&complete(&values), 0, 1).unwrap();
    let best = &fit.fits[0];
    assert_eq!(best.family.name(), "log-normal", "{:#?}", fit.fits);
    within(best.family.mean(), 4.0, 0.02, "mean");
    within(best.family.sd(), 2.5, 0.02, "sd");
    let toml = best.family.toml("d").unwrap();
    parse("fitted.toml", &scenario_with_duration(&toml))
        .unwrap_or_else(|e| panic!("{toml} is not accepted:\n{e}"));
}

#[test]
fn gamma_draws_are_recovered_within_two_percent_and_ranked_first() {
    // Mean 2 d, sd 1 d: shape 4, scale 0.5.
    let values = draws(rand_distr::Gamma::new(4.0, 0.5).unwrap(), 20_000, 2);
    let fit = durations::fit(&complete(&values), 0, 1).unwrap();
    let best = &fit.fits[0];
    assert_eq!(best.family.name(), "gamma", "{:#?}", fit.fits);
    within(best.family.mean(), 2.0, 0.02, "mean");
    within(best.family.sd(), 1.0, 0.02, "sd");
    let toml = best.family.toml("d").unwrap();
    parse("fitted.toml", &scenario_with_duration(&toml))
        .unwrap_or_else(|e| panic!("{toml} is not accepted:\n{e}"));
}

/// Stays of log-normal length (mean 14 d, sd 8 d) starting uniformly over the 40 days
/// before an extract date: the stays not finished by then are right-censored.
fn censored_stays(seed: u64) -> Vec<(Observation, f64)> {
    let sigma = (1.0f64 + (8.0f64 / 14.0).powi(2)).ln().sqrt();
    let mu = 14.0f64.ln() - sigma * sigma / 2.0;
    let los = rand_distr::LogNormal::new(mu, sigma).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..20_000)
        .map(|_| {
            let start: f64 = rand_distr::Uniform::new(0.0, 40.0)
                .unwrap()
                .sample(&mut rng);
            let stay: f64 = los.sample(&mut rng);
            let so_far = 40.0 - start;
            let censored = stay > so_far;
            (
                Observation {
                    value: if censored { so_far } else { stay },
                    censored,
                },
                stay,
            )
        })
        .collect()
}

#[test]
fn right_censoring_recovers_the_mean_where_a_naive_fit_is_biased() {
    let stays = censored_stays(3);
    let data: Vec<Observation> = stays.iter().map(|s| s.0).collect();
    let censored = data.iter().filter(|o| o.censored).count();
    assert!(censored > 5_000, "{censored} censored: the test needs many");
    let fit = durations::fit(&data, 0, 1).unwrap();
    let lognormal = fit
        .fits
        .iter()
        .find(|f| f.family.name() == "log-normal")
        .unwrap();
    within(
        lognormal.family.mean(),
        14.0,
        0.03,
        "censored log-normal mean",
    );
    assert_eq!(fit.fits[0].family.name(), "log-normal", "{:#?}", fit.fits);
    // Every family's censored fit is near the truth where the data allow it.
    let gamma = fit
        .fits
        .iter()
        .find(|f| f.family.name() == "gamma")
        .unwrap();
    within(gamma.family.mean(), 14.0, 0.10, "censored gamma mean");

    // Naive fits: the stays in progress counted as finished, or left out.
    let as_finished = complete(&data.iter().map(|o| o.value).collect::<Vec<_>>());
    let finished_only: Vec<Observation> = data.iter().filter(|o| !o.censored).copied().collect();
    for (what, naive) in [("as finished", as_finished), ("left out", finished_only)] {
        let naive = durations::fit(&naive, 0, 1).unwrap();
        let mean = naive
            .fits
            .iter()
            .find(|f| f.family.name() == "log-normal")
            .unwrap()
            .family
            .mean();
        let bias = 1.0 - mean / 14.0;
        assert!(
            bias > 0.10,
            "in-progress stays {what}: mean {mean}, bias {bias}"
        );
    }
}

#[test]
fn a_censored_fit_writes_a_distribution_the_parser_accepts() {
    let data: Vec<Observation> = censored_stays(4)
        .into_iter()
        .take(2_000)
        .map(|s| s.0)
        .collect();
    let fit = durations::fit(&data, 0, 1).unwrap();
    let text = durations_toml("stay", &fit, "d");
    let line = text
        .lines()
        .find(|l| l.starts_with("stay = "))
        .expect("a distribution line");
    parse(
        "fitted.toml",
        &scenario_with_duration(&line["stay = ".len()..]),
    )
    .unwrap_or_else(|e| panic!("{line} is not accepted:\n{e}"));
    let empirical = text
        .lines()
        .find(|l| l.starts_with("# stay = { empirical"))
        .expect("an empirical line");
    parse(
        "fitted.toml",
        &scenario_with_duration(&empirical["# stay = ".len()..]),
    )
    .unwrap_or_else(|e| panic!("{empirical} is not accepted:\n{e}"));
    assert!(matches!(fit.p_value, durations::PValue::Censored));
    assert!(matches!(
        fit.fits[0].family,
        Family::LogNormal { .. } | Family::Gamma { .. } | Family::Weibull { .. }
    ));
}

/// Arrival times of replication 0 of `scenario` (from its trace), as dates and times from
/// Monday 2024-01-01 00:00 (the scenario starts on a Monday).
/// Durations that do not vary (all 5 h) fit a log-normal with a standard deviation of
/// 0.000005 h, which a scenario refuses (under a second): the line offered is a fixed 5 h,
/// which it accepts. Durations that average under a second (a wrong `--unit`) offer no line.
#[test]
fn fits_under_a_second_offer_only_what_a_scenario_accepts() {
    let fit = durations::fit(&complete(&[5.0; 20]), 0, 1).unwrap();
    assert!(fit.fits[0].family.sd() < 1.0 / 3600.0, "{:?}", fit.fits[0]);
    let text = durations_toml("stay", &fit, "h");
    let line = text
        .lines()
        .find(|l| l.starts_with("stay = "))
        .expect("a distribution line");
    assert_eq!(line, "stay = { fixed = \"5 h\" }", "{text}");
    parse(
        "fitted.toml",
        &scenario_with_duration(&line["stay = ".len()..]),
    )
    .unwrap_or_else(|e| panic!("{line} is not accepted:\n{e}"));

    let tiny: Vec<f64> = (1..=12).map(|i| f64::from(i) * 1e-7).collect();
    let fit = durations::fit(&complete(&tiny), 0, 1).unwrap();
    let text = durations_toml("stay", &fit, "d");
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("stay = ") || l.starts_with("# stay = ")),
        "{text}"
    );
    assert!(text.contains("under a second"), "{text}");
    assert!(text.contains("check --unit"), "{text}");
}

fn traced_arrivals(scenario: &str) -> Vec<DateTime> {
    let loaded = parse("round_trip.toml", scenario).unwrap_or_else(|e| panic!("{e}"));
    let trace = trace_bytes(&loaded.scenario, &[0]).expect("traces");
    let mut reader = csv::Reader::from_reader(trace.as_slice());
    let headers = reader.headers().unwrap().clone();
    let time = headers.iter().position(|h| h == "time_h").unwrap();
    let event = headers.iter().position(|h| h == "event").unwrap();
    let origin = date(2024, 1, 1).at(0, 0, 0, 0);
    reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[event] == "arrival")
        .map(|r| {
            let hours: f64 = r[time].parse().unwrap();
            origin
                .checked_add(jiff::SignedDuration::from_secs_f64(hours * 3600.0))
                .unwrap()
        })
        .collect()
}

const HOURS: [f64; 24] = [
    1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 2.0, 4.0, 6.0, 8.0, 8.0, 7.0, 6.0, 6.0, 6.0, 5.0, 5.0, 4.0, 3.0,
    3.0, 2.0, 2.0, 1.0, 1.0,
];
const DAYS: [f64; 7] = [1.3, 1.1, 1.0, 1.0, 1.2, 0.7, 0.7];

#[test]
fn arrivals_simulated_by_carepath_are_fitted_back_within_their_intervals() {
    let list = |v: &[f64]| format!("{v:?}");
    let scenario = format!(
        r#"
[run]
name = "round_trip"
horizon = "52 w"
replications = 1
seed = 5

[arrivals.referrals]
pathway = "main"
per_day = 30
hour_profile = {}
day_profile = {}

[[pathways.main.steps]]
name = "done"
end = {{ outcome = "seen" }}
"#,
        list(&HOURS),
        list(&DAYS)
    );
    let times = traced_arrivals(&scenario);
    let fit = arrivals::fit(&times, date(2024, 1, 1), date(2024, 12, 29)).unwrap();
    assert_eq!(fit.days, 364);
    assert!(fit.per_day.contains(30.0), "per_day {:?}", fit.per_day);
    let hour_total: f64 = HOURS.iter().sum();
    for (h, share) in fit.hour_share_simultaneous.iter().enumerate() {
        let truth = HOURS[h] / hour_total;
        assert!(share.contains(truth), "hour {h}: {share:?}, truth {truth}");
    }
    // Weekday rates: simultaneous 95% intervals over 7 days (Bonferroni, z = 2.69).
    let day_mean: f64 = DAYS.iter().sum::<f64>() / 7.0;
    for (d, weight) in DAYS.iter().enumerate() {
        let truth = 30.0 * weight / day_mean;
        let r = fit.weekday_rate[d].value;
        let half = 2.69 * (r * fit.weekday_days[d] as f64).sqrt() / fit.weekday_days[d] as f64;
        assert!(
            (r - truth).abs() <= half,
            "day {d}: rate {r}, truth {truth} ± {half}"
        );
    }
    let growth = fit.growth_per_year.unwrap();
    assert!(
        growth.contains(0.0),
        "no growth in the scenario: {growth:?}"
    );
    let test = fit.weekday_test.unwrap();
    assert!(
        !test.differs(),
        "the profile is the same every day: {test:?}"
    );
    // The TOML written compiles into nearly the same hour-of-week rates.
    let written = arrivals_toml("referrals", &fit, "main");
    assert!(!written.contains("_mon]"), "{written}");
    let refit = fitted_rates(&written);
    let original = parse("round_trip.toml", &scenario)
        .unwrap()
        .scenario
        .sources[0]
        .hourly_rate;
    let total = |r: &[f64; 168]| r.iter().sum::<f64>();
    // No growth is written (its interval includes zero): per_day is the window's mean,
    // within its sampling noise (about 1%) of the truth.
    assert!(written.contains("growth_per_year not written"), "{written}");
    within(total(&refit), total(&original), 0.03, "weekly volume");
}

/// A scenario of `arrivals` (TOML tables) with a pathway `main`, compiled, with `run` (TOML
/// lines, a horizon among them) in its `[run]` table.
fn scenario_with_run(arrivals: &str, run: &str) -> carepath::scenario::LoadedScenario {
    let text = format!(
        "[run]\nname = \"refit\"\n{run}\n\n{arrivals}\n[[pathways.main.steps]]\nname = \"done\"\nend = {{ outcome = \"seen\" }}\n"
    );
    parse("refit.toml", &text).unwrap_or_else(|e| panic!("{text}\n{e}"))
}

/// The combined hour-of-week rates of every source in `arrivals` (TOML tables) once compiled
/// into a scenario with a pathway `main` [patients/hour].
fn fitted_rates(arrivals: &str) -> [f64; 168] {
    // A start date, for a `month_profile` when the window covers a year.
    let loaded = scenario_with_run(arrivals, "horizon = \"1 w\"\nstart = \"2025-01-06\"");
    let mut rates = [0.0; 168];
    for source in &loaded.scenario.sources {
        for (r, s) in rates.iter_mut().zip(source.hourly_rate) {
            *r += s;
        }
    }
    rates
}

#[test]
fn a_profile_that_differs_by_weekday_is_found_and_written_as_168_hours() {
    // Weekdays peak in the morning, weekends in the evening: no hour x day product fits.
    let scenario = r#"
[run]
name = "two_shapes"
horizon = "26 w"
replications = 1
seed = 9

[arrivals.weekday]
pathway = "main"
per_day = 20
hour_profile = [0, 0, 0, 0, 0, 0, 0, 1, 3, 4, 4, 3, 2, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
day_profile = [1, 1, 1, 1, 1, 0, 0]

[arrivals.weekend]
pathway = "main"
per_day = 8
hour_profile = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 4, 3, 1, 0]
day_profile = [0, 0, 0, 0, 0, 1, 1]

[[pathways.main.steps]]
name = "done"
end = { outcome = "seen" }
"#;
    let times = traced_arrivals(scenario);
    let fit = arrivals::fit(&times, date(2024, 1, 1), date(2024, 6, 30)).unwrap();
    let test = fit.weekday_test.unwrap();
    assert!(test.differs() && test.p_value < 1e-6, "{test:?}");
    let written = arrivals_toml("referrals", &fit, "main");
    assert!(
        written.contains("[arrivals.referrals_mon]")
            && written.contains("[arrivals.referrals_sun]"),
        "{written}"
    );
    // The seven sources together give the observed 168-hour pattern, and it is within the
    // Poisson noise of the truth in every hour.
    let refit = fitted_rates(&written);
    let truth = {
        let loaded = parse("two_shapes.toml", scenario).unwrap();
        let mut rates = [0.0; 168];
        for source in &loaded.scenario.sources {
            for (r, s) in rates.iter_mut().zip(source.hourly_rate) {
                *r += s;
            }
        }
        rates
    };
    for s in 0..168 {
        let days = fit.weekday_days[s / 24] as f64;
        let observed = fit.counts[s] as f64;
        within_poisson(refit[s] * days, observed, s);
        // Simultaneous over 168 hours: z = 3.6 (Bonferroni at 5%).
        let expected = truth[s] * days;
        assert!(
            (observed - expected).abs() <= 3.6 * expected.sqrt() + 1.0,
            "hour of week {s}: observed {observed}, expected {expected}"
        );
    }
}

/// The written rate reproduces the observed count (up to rounding to 4 figures).
fn within_poisson(written: f64, observed: f64, s: usize) {
    assert!(
        (written - observed).abs() <= 1e-3 * observed.max(1.0),
        "hour of week {s}: written {written}, observed {observed}"
    );
}

// --- The command line on the shipped extract (item 5) and bad data (item 4) ---

/// The `[arrivals.*]` text of fit.toml compiled with a pathway `main`.
#[test]
fn fit_arrivals_on_the_shipped_extract_writes_tables_charts_and_toml_that_compiles() {
    let done = run_into(&[
        "fit",
        "arrivals",
        "scenarios/data/referrals.csv",
        "--time-column",
        "referred_at",
        "--group-by",
        "source",
    ]);
    let toml = std::fs::read_to_string(done.path().join("fit.toml")).unwrap();
    // The ambulance profile differs between weekdays and weekends in the generator; GP
    // referrals do not.
    assert!(toml.contains("[arrivals.ambulance_mon]"), "{toml}");
    assert!(toml.contains("[arrivals.gp]"), "{toml}");
    assert!(toml.contains("growth_per_year"), "{toml}");
    // Every line fits 100 columns, but the command as typed (its paths are the user's).
    for line in toml.lines().filter(|l| !l.starts_with("# carepath fit")) {
        assert!(
            line.chars().count() <= 100,
            "{} columns: {line}",
            line.len()
        );
    }
    // The month-of-year profile is a key; it needs a start date, which the comment gives as
    // the day after the data end.
    assert!(toml.contains("\nmonth_profile = ["), "{toml}");
    let start = toml
        .split("start = \"")
        .nth(1)
        .and_then(|rest| rest.get(..10))
        .expect("the month_profile comment names a start date");
    assert_eq!(start, "2027-01-04", "{toml}");
    let dated = scenario_with_run(&toml, &format!("start = \"{start}\"\nhorizon = \"52 w\""));
    let gp = dated
        .scenario
        .sources
        .iter()
        .find(|s| s.name == "gp")
        .expect("a source `gp`");
    // The generator has no month effect: each month's factor is 1 within the noise of a
    // month's counts (about 480 referrals a month over two years: 1.96 x 4.6% = 9%).
    assert!(gp.demand_changes.len() >= 6, "{:?}", gp.demand_changes);
    for change in &gp.demand_changes {
        assert!((change.factor - 1.0).abs() < 0.12, "{change:?}");
    }
    let err = parse(
        "refit.toml",
        &format!(
            "[run]\nname = \"refit\"\nhorizon = \"1 w\"\n\n{toml}\n[[pathways.main.steps]]\nname = \"done\"\nend = {{ outcome = \"seen\" }}\n"
        ),
    )
    .expect_err("month_profile without a start date is refused");
    assert!(err.to_string().contains("start"), "{err}");
    let loaded = dated;
    let gp = loaded
        .scenario
        .sources
        .iter()
        .find(|s| s.name == "gp")
        .expect("a source `gp`");
    // The generator: 8 a day growing 10% a year from 2025-01-06; the data end two years on.
    let per_day = gp.hourly_rate.iter().sum::<f64>() / 7.0;
    within(
        per_day,
        8.0 * 1.10f64.powi(2),
        0.05,
        "gp per_day at the end of the data",
    );
    assert!(
        (gp.growth_per_year - 0.10).abs() < 0.06,
        "growth {}",
        gp.growth_per_year
    );
    // The ambulance volume does not grow: its interval includes zero and none is written.
    assert!(
        toml.contains("growth_per_year not written: its 95% CI includes no growth"),
        "{toml}"
    );
    let ambulance: f64 = loaded
        .scenario
        .sources
        .iter()
        .filter(|s| s.name.starts_with("ambulance_"))
        .map(|s| s.hourly_rate.iter().sum::<f64>() / 7.0)
        .sum();
    within(ambulance, 3.0, 0.08, "ambulance per_day");
    for file in [
        "fit.csv",
        "charts/arrivals_gp.png",
        "charts/arrivals_ambulance.svg",
    ] {
        assert!(done.path().join(file).is_file(), "{file} missing");
    }
    assert!(
        done.stdout.contains("Rows left out: none."),
        "{}",
        done.stdout
    );
}

#[test]
fn fit_durations_on_the_shipped_extract_recovers_the_generator_and_compiles() {
    let done = run_into(&[
        "fit",
        "durations",
        "scenarios/data/stays.csv",
        "--column",
        "los_days",
        "--unit",
        "d",
        "--group-by",
        "pathway",
        "--censored-column",
        "in_progress",
    ]);
    let toml = std::fs::read_to_string(done.path().join("fit.toml")).unwrap();
    for (name, mean) in [("pathway_1_duration", 14.0), ("pathway_2_duration", 28.0)] {
        let line = toml
            .lines()
            .find(|l| l.starts_with(&format!("{name} = ")))
            .unwrap_or_else(|| panic!("no {name} in\n{toml}"));
        let distribution = &line[name.len() + 3..];
        let loaded = parse("fitted.toml", &scenario_with_duration(distribution))
            .unwrap_or_else(|e| panic!("{line}\n{e}"));
        let _ = loaded;
        let fitted: f64 = line
            .split("mean = \"")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("no mean in {line}"));
        // The generator's mean; a few hundred stays, so within 15%.
        within(fitted, mean, 0.15, name);
    }
    assert!(done.path().join("charts/durations_pathway_1.png").is_file());
    let csv = std::fs::read_to_string(done.path().join("fit.csv")).unwrap();
    assert!(csv.lines().count() == 1 + 2 * 4, "{csv}");
}

/// Runs `carepath ARGS` expecting the bad-data exit status 2; returns standard error.
fn refused(args: &[&str]) -> String {
    let folder = tempfile::tempdir().unwrap();
    let mut all = args.to_vec();
    let out = folder.path().join("out");
    all.extend(["--out", out.to_str().unwrap()]);
    let output = carepath(&all);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        !out.exists(),
        "nothing is written when the data are refused"
    );
    assert!(stderr.contains("help: "), "no help line: {stderr}");
    stderr
}

const FIXTURES: &str = "tests/fixtures/fit";

fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}")
}

#[test]
fn an_unreadable_timestamp_is_shown_at_its_line_and_column() {
    let file = fixture("bad_timestamp.csv");
    let stderr = refused(&["fit", "arrivals", &file, "--time-column", "referred_at"]);
    assert!(stderr.contains(&format!("{file}:4:8")), "{stderr}");
    assert!(
        stderr.contains("cannot read `2025-02-30 09:10` as a date and time"),
        "{stderr}"
    );
    assert!(stderr.contains("1 problem in 1 row"), "{stderr}");
}

#[test]
fn a_negative_duration_is_shown_at_its_line_and_column() {
    let file = fixture("negative_duration.csv");
    let stderr = refused(&[
        "fit",
        "durations",
        &file,
        "--column",
        "los_days",
        "--unit",
        "d",
    ]);
    assert!(stderr.contains(&format!("{file}:3:10")), "{stderr}");
    assert!(stderr.contains("a negative duration, -2.5"), "{stderr}");
}

#[test]
fn an_empty_group_is_shown_at_its_line_and_column() {
    let file = fixture("empty_group.csv");
    let stderr = refused(&[
        "fit",
        "arrivals",
        &file,
        "--time-column",
        "referred_at",
        "--group-by",
        "source",
    ]);
    assert!(stderr.contains(&format!("{file}:5:")), "{stderr}");
    assert!(
        stderr.contains("the group is empty (column `source`)"),
        "{stderr}"
    );
}

#[test]
fn a_missing_column_names_the_columns_there_are() {
    let file = fixture("bad_timestamp.csv");
    let stderr = refused(&["fit", "arrivals", &file, "--time-column", "referred"]);
    assert!(stderr.contains(&format!("{file}:1:1")), "{stderr}");
    assert!(stderr.contains("there is no column `referred`"), "{stderr}");
    assert!(
        stderr.contains("did you mean --time-column referred_at?"),
        "{stderr}"
    );
}

#[test]
fn an_empty_file_and_a_header_without_rows_are_refused() {
    let empty = fixture("empty.csv");
    let stderr = refused(&["fit", "arrivals", &empty, "--time-column", "t"]);
    assert!(
        stderr.contains(&format!("{empty}:1:1")) && stderr.contains("the extract is empty"),
        "{stderr}"
    );
    let header = fixture("header_only.csv");
    let stderr = refused(&["fit", "durations", &header, "--column", "los_days"]);
    assert!(stderr.contains("no data rows"), "{stderr}");
}

#[test]
fn a_row_with_too_many_fields_is_shown_at_its_line() {
    let file = fixture("ragged.csv");
    let stderr = refused(&["fit", "durations", &file, "--column", "los_days"]);
    assert!(stderr.contains(&format!("{file}:3:1")), "{stderr}");
    assert!(
        stderr.contains("this row has 3 fields but the header has 2"),
        "{stderr}"
    );
}

#[test]
fn dropped_rows_are_counted_and_reported() {
    let done = run_into(&[
        "fit",
        "arrivals",
        &fixture("bad_timestamp.csv"),
        "--time-column",
        "referred_at",
        "--drop-bad-rows",
        "--from",
        "2025-01-06",
        "--to",
        "2025-01-19",
        "-q",
    ]);
    let toml = std::fs::read_to_string(done.path().join("fit.toml")).unwrap();
    assert!(
        toml.contains("rows left out: 2 (1 unreadable timestamp, 1 outside --from/--to)"),
        "{toml}"
    );
}

/// A file whose last date is 9999-12-31, the last date there is: every row lies in the
/// window (none "outside --from/--to", as when the window was held as the day after its end,
/// which does not exist), the window has all its days, and the month profile's comment says
/// no run can follow the data rather than naming a start date that does not exist.
#[test]
fn arrivals_up_to_the_last_date_there_is_are_fitted() {
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("far_future.csv");
    let mut csv = String::from("referred_at\n");
    let first = jiff::civil::date(9998, 12, 1);
    for d in 0..396 {
        let day = first.checked_add(jiff::Span::new().days(d)).unwrap();
        csv.push_str(&format!("{day} 09:00\n{day} 15:30\n"));
    }
    assert!(csv.ends_with("9999-12-31 15:30\n"));
    std::fs::write(&file, csv).unwrap();
    let path = file.to_str().unwrap();
    for extra in [&[][..], &["--to", "9999-12-31"][..]] {
        let mut args = vec![
            "fit",
            "arrivals",
            path,
            "--time-column",
            "referred_at",
            "-q",
        ];
        args.extend_from_slice(extra);
        let done = run_into(&args);
        let toml = std::fs::read_to_string(done.path().join("fit.toml")).unwrap();
        // Comments wrap at 100 columns: compare words, not line breaks.
        let words = toml
            .split_whitespace()
            .filter(|w| *w != "#")
            .collect::<Vec<_>>()
            .join(" ");
        assert!(toml.contains("rows left out: none"), "{toml}");
        assert!(
            toml.contains("792 arrivals over 396 days (9998-12-01 to 9999-12-31)"),
            "{toml}"
        );
        assert!(toml.contains("\nper_day = 2\n"), "{toml}");
        let flat = "\nmonth_profile = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n";
        assert!(toml.contains(flat), "{toml}");
        assert!(
            words.contains(
                "the data end on 9999-12-31, the last date there is, so no run can follow them"
            ),
            "{toml}"
        );
    }
}
