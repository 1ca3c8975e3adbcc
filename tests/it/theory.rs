//! The engine against queueing theory, through the same built-in cases `carepath validate`
//! runs (`carepath::validate::cases`): M/M/c (Erlang C) at three loads, M/G/1 with
//! log-normal service (Pollaczek-Khinchine), a loss system made of a zero-length deadline
//! (Erlang B), a tandem with a pure delay (Jackson), two non-preemptive priorities (Cobham),
//! and Little's law on every queue of a richer scenario. The models and formulas live in the
//! library only, so a test and `validate` cannot drift apart (issue 15 item 3).
//!
//! Each case runs at full length with its own seed. Every check must pass the PASS rule of
//! `validate`, and the stricter rule these tests have always held: the theoretical value
//! inside the 95% interval itself, and the mean within the tolerance (2%) of it.

use carepath::validate::cases::{self, Scale};
use carepath::validate::{Case, CheckOutcome, run_case};
use indicatif::ProgressBar;

use crate::support::{carepath, text};

/// Runs `case` at its own seed on every core.
fn outcomes(case: &Case) -> Vec<CheckOutcome> {
    run_case(case, None, 0, &ProgressBar::hidden()).unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

/// Asserts that every check of `case` passes and agrees strictly (inside the interval and
/// within the tolerance).
fn assert_case_agrees(case: &Case) {
    for c in outcomes(case) {
        let figure = format!(
            "{}: {} ({}): mean {} [{}, {}], theory {}",
            c.case, c.label, c.metric, c.mean, c.ci95_low, c.ci95_high, c.theory
        );
        assert!(c.pass, "FAIL by validate's rule: {figure}");
        assert!(c.inside_ci(), "theory outside the 95% interval: {figure}");
        assert!(
            c.relative_error() <= c.tolerance,
            "{figure}: {:.2}% from theory",
            c.relative_error() * 100.0
        );
    }
}

/// Light load, rho = 0.5: waits are rare and short.
#[test]
fn mmc_light_load_matches_erlang_c() {
    assert_case_agrees(&cases::mmc_light(Scale::Full));
}

/// Moderate load, rho = 0.8.
#[test]
fn mmc_moderate_load_matches_erlang_c() {
    assert_case_agrees(&cases::mmc_moderate(Scale::Full));
}

/// Heavy load, rho = 0.9: the shipped reference scenario's numbers.
#[test]
fn mmc_heavy_load_matches_erlang_c() {
    assert_case_agrees(&cases::mmc_heavy(Scale::Full));
}

/// M/G/1 with log-normal service: Pollaczek-Khinchine needs the second moment, so this
/// checks that `log_normal = { mean, sd }` means the duration's own mean and sd.
#[test]
fn mg1_lognormal_matches_pollaczek_khinchine() {
    assert_case_agrees(&cases::mg1(Scale::Full));
}

/// A zero-length deadline turns a queue into a loss system; the share turned away is
/// Erlang B even with log-normal service (insensitivity).
#[test]
fn zero_length_deadline_matches_erlang_b() {
    assert_case_agrees(&cases::erlang_b_loss(Scale::Full));
}

/// Two staffed stages with a pure delay between them behave as independent M/M/c queues.
#[test]
fn tandem_with_delay_matches_jackson() {
    assert_case_agrees(&cases::tandem(Scale::Full));
}

/// Non-preemptive priorities at one server: each class's mean wait by Cobham's formula.
#[test]
fn priority_queue_matches_cobham() {
    assert_case_agrees(&cases::priority(Scale::Full));
}

/// Little's law, L = lambda W, on every resource queue of the shipped rich scenario (with
/// rosters, priorities, deadlines and blocking), computed from the run's own metrics.
#[test]
fn littles_law_holds_on_every_queue_of_the_rich_scenario() {
    let outcomes = outcomes(&cases::little(Scale::Full));
    assert_eq!(outcomes.len(), 3);
    for c in outcomes {
        assert!(
            c.mean > 0.0,
            "{}: no queue at all, the test would prove nothing",
            c.label
        );
        assert!(
            c.pass,
            "{}: L = {}, lambda W = {}",
            c.label, c.mean, c.theory
        );
        assert!(
            c.relative_error() < c.tolerance,
            "{}: L = {}, lambda W = {} ({:.2}% apart)",
            c.label,
            c.mean,
            c.theory,
            c.relative_error() * 100.0
        );
    }
}

/// A deliberately wrong theory value fails: the same run of a case, with Erlang C's mean
/// wait misstated by 10%, fails every check it touches and no other.
#[test]
fn a_wrong_theory_value_fails() {
    let mut case = cases::mmc_light(Scale::Quick);
    case.checks[0].theory = match case.checks[0].theory {
        carepath::validate::Theory::Value(v) => carepath::validate::Theory::Value(v * 1.1),
        ref other => panic!("expected a value, found {other:?}"),
    };
    let result = outcomes(&case);
    assert!(!result[0].pass, "{:?}", result[0]);
    assert!(result[1..].iter().all(|c| c.pass), "{result:?}");
}

/// `carepath validate` passes and exits 0 on a correct engine, prints the rule, each figure
/// with its interval and theory, and how long it took.
#[test]
fn validate_passes_and_exits_zero() {
    let output = carepath(&["validate", "--quick", "--only", "mmc_light", "-q"]);
    let (stdout, stderr) = text(&output);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("PASS: the theoretical value lies inside the 95% interval"));
    assert!(
        stdout.contains("mmc_light: M/M/10, rho 0.5: Erlang C"),
        "{stdout}"
    );
    assert!(stdout.contains("mean wait in queue"), "{stdout}");
    let passes = stdout.lines().filter(|l| l.ends_with("  PASS")).count();
    assert_eq!(passes, 4, "{stdout}");
    assert!(!stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("4 of 4 checks passed. Took "), "{stdout}");
    assert!(stdout.contains("s of CPU time"), "{stdout}");
    assert!(stdout.lines().all(|l| l.chars().count() <= 100), "{stdout}");
}

/// With a wrong theory (every closed-form value misstated by 10%), `carepath validate`
/// prints FAIL and exits non-zero.
#[test]
fn validate_fails_and_exits_non_zero_on_a_wrong_theory() {
    let output = carepath(&[
        "validate",
        "--quick",
        "--only",
        "mmc_light",
        "-q",
        "--misstate-theory",
        "1.1",
    ]);
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert_eq!(stdout.matches("FAIL").count(), 4, "{stdout}");
    assert!(stdout.contains("0 of 4 checks passed."), "{stdout}");
    assert!(stderr.contains("4 of 4 checks FAILED"), "{stderr}");
}

/// An unknown case name is refused with the list of names.
#[test]
fn validate_names_the_cases_for_an_unknown_one() {
    let output = carepath(&["validate", "--only", "mmc_typo"]);
    let (_, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("mmc_light"), "{stderr}");
    assert!(stderr.contains("priority"), "{stderr}");
}
