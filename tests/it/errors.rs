//! User-facing errors: one invalid scenario per class of mistake under
//! `tests/fixtures/invalid/`, each checked with `carepath check` for exit code 2 (no panic),
//! the exact `--> path:line:column` of every problem, a message naming the offending key or
//! value, and the `help:` advice; plus `carepath run` on an invalid file and a missing file.

use std::collections::BTreeSet;
use std::process::Output;

use crate::support::{carepath, repository_root, text};

/// Folder of the invalid fixtures, relative to the repository root.
const FIXTURES: &str = "tests/fixtures/invalid";

/// One problem that `carepath check` must report.
struct Expected {
    /// 1-based line of the start of the problem.
    line: usize,
    /// 1-based column of the start of the problem.
    column: usize,
    /// Text the message must contain: the offending key or value in backticks.
    names: &'static str,
    /// Text the problem's `help:` line must contain, where the validator gives advice.
    help: Option<&'static str>,
}

/// One reported problem, as rendered: its place and its whole block of text.
struct Reported {
    line: usize,
    column: usize,
    /// The `error: MESSAGE` line.
    header: String,
    /// The message, the `--> PATH:LINE:COLUMN` line, the annotated snippet and the help, up
    /// to the next problem.
    block: String,
}

/// The path of fixture `name`, as passed on the command line.
fn fixture(name: &str) -> String {
    format!("{FIXTURES}/{name}.toml")
}

/// Splits `stderr` into the problems reported for `path`, in order: each starts with an
/// `error: MESSAGE` line and is placed by its `--> PATH:LINE:COLUMN` line (a block without
/// that line for `path` gets line and column 0, so that it shows up as misplaced).
fn reported(stderr: &str, path: &str) -> Vec<Reported> {
    let mut problems: Vec<Reported> = Vec::new();
    for line in stderr.lines() {
        if line.starts_with("error: ") {
            problems.push(Reported {
                line: 0,
                column: 0,
                header: line.to_string(),
                block: String::new(),
            });
        }
        let Some(last) = problems.last_mut() else {
            continue;
        };
        last.block.push_str(line);
        last.block.push('\n');
        let place = line
            .trim_start()
            .strip_prefix("--> ")
            .and_then(|rest| rest.strip_prefix(path))
            .and_then(|rest| rest.strip_prefix(':'))
            .and_then(|rest| rest.split_once(':'))
            .and_then(|(l, c)| Some((l.parse().ok()?, c.trim().parse().ok()?)));
        if let (Some((line_number, column)), 0) = (place, last.line) {
            last.line = line_number;
            last.column = column;
        }
    }
    problems
}

/// Asserts that a command was refused as an invalid scenario: exit code 2, no panic, and
/// nothing claiming the scenario is valid.
fn assert_invalid_exit(output: &Output, what: &str) {
    let (stdout, stderr) = text(output);
    assert!(
        !stderr.contains("panicked"),
        "{what}: carepath panicked:\n{stderr}"
    );
    assert_eq!(
        output.status.code(),
        Some(2),
        "{what}: expected exit code 2 (invalid scenario)\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        !stdout.contains("is valid"),
        "{what}: says the scenario is valid:\n{stdout}"
    );
}

/// Runs `carepath check` on fixture `name` and asserts it reports exactly `expected`, in file
/// order, each at its line and column, naming the key or value, with its help.
fn assert_rejected(name: &str, expected: &[Expected]) {
    let path = fixture(name);
    let output = carepath(&["check", &path]);
    assert_invalid_exit(&output, &path);
    let (_, stderr) = text(&output);
    let found = reported(&stderr, &path);
    let places = |list: Vec<(usize, usize)>| {
        list.iter()
            .map(|(l, c)| format!("{l}:{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    assert_eq!(
        places(found.iter().map(|p| (p.line, p.column)).collect()),
        places(expected.iter().map(|e| (e.line, e.column)).collect()),
        "{path}: problems reported at the wrong places (found, expected):\n{stderr}"
    );
    for (problem, want) in found.iter().zip(expected) {
        assert!(
            problem.header.contains(want.names),
            "{path}:{}:{}: the message does not name {}:\n{}",
            want.line,
            want.column,
            want.names,
            problem.block
        );
        if let Some(help) = want.help {
            assert!(
                problem.block.lines().any(|line| line
                    .split_once("help: ")
                    .is_some_and(|(_, h)| h.contains(help))),
                "{path}:{}:{}: no `help:` line saying `{help}`:\n{}",
                want.line,
                want.column,
                problem.block
            );
        }
    }
    let count = expected.len();
    let summary = format!(
        "{count} problem{} in {path}; nothing was run.",
        if count == 1 { "" } else { "s" }
    );
    assert!(
        stderr.contains(&summary),
        "{path}: no `{summary}` line:\n{stderr}"
    );
}

/// One test per fixture: `name => [(line, column, names, help), ...];` expects `carepath check
/// tests/fixtures/invalid/name.toml` to report exactly these problems. Also lists the fixtures
/// covered, so that a fixture without a test is noticed.
macro_rules! invalid_fixtures {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident => [$(($line:literal, $column:literal, $names:literal, $help:expr)),+ $(,)?];
    )*) => {
        $(
            $(#[doc = $doc])*
            #[test]
            fn $name() {
                assert_rejected(
                    stringify!($name),
                    &[$(Expected { line: $line, column: $column, names: $names, help: $help }),+],
                );
            }
        )*

        /// Names of the fixtures tested by the table.
        const TABLE: &[&str] = &[$(stringify!($name)),*];
    };
}

invalid_fixtures! {
    /// A number too large for 64 bits is named as too large, not as a Rust type.
    count_too_large => [(5, 16, "`replications`: expected a whole number, found the number 99999999999999999999, which is too large", Some("e.g. 5"))];
    /// A count above what a replication count can hold names the largest there can be.
    replications_too_many => [(5, 16, "`replications` must be a whole number from 1 to 4294967295, found 9999999999999", Some("replications = 20"))];
    /// Runs on real dates (issue 13 item 1): a start date with no 13th month.
    bad_start_date => [(5, 9, "`start` must be a calendar date written YYYY-MM-DD", Some("e.g. \"2026-12-01\""))];
    /// A dated period whose `to` is before its `from`.
    period_to_before_from => [(9, 40, "period `to` (2026-12-01) is before `from` (2027-03-31)", Some("on or after `from`"))];
    /// A bank holiday region that does not exist lists those that do.
    unknown_holiday_region => [(8, 10, "unknown bank holiday `region` \"wales\"", Some("england_and_wales (the default), scotland, northern_ireland, or none"))];
    /// A run that goes past the last year of the bank holiday table names the years known.
    run_beyond_holiday_table => [(5, 9, "known for 2018 to 2028 only", Some("set region = \"none\""))];
    /// Every dated key in a run with no start date asks for `start`.
    dated_keys_without_start => [
        (7, 1, "`[bank_holidays]` needs the run to start on a date", Some("add start = \"2026-12-01\"")),
        (12, 12, "`periods` needs the run to start on a date", Some("add start = \"2026-12-01\"")),
        (16, 12, "`periods` needs the run to start on a date", Some("add start = \"2026-12-01\"")),
        (21, 17, "`month_profile` needs the run to start on a date", Some("add start = \"2026-12-01\"")),
        (24, 8, "`from` needs the run to start on a date", Some("add start = \"2026-12-01\"")),
    ];
    /// Mistakes in dated rules, each at its place.
    dated_rule_mistakes => [
        (9, 13, "`start_day` is monday but the run starts on 2026-12-01, a tuesday", Some("delete `start_day`")),
        (12, 11, "`rosters` must be a day of the week", Some("rosters = \"sunday\"")),
        (13, 11, "2026-12-24 is not a bank holiday", Some("delete this one")),
        (19, 12, "periods of `bed` overlap", Some("start after the other one ends")),
        (20, 3, "needs one of `count` or `roster`", Some("count = 120")),
        (26, 17, "`month_profile` needs 12 weights", Some("January first")),
        (29, 8, "not both", Some("keep the dates")),
    ];
    /// Requests no capacity could ever grant (units above a pool, a resource listed more
    /// often than it has units, above a roster's busiest hour, every alternative too small).
    request_never_granted => [
        (29, 12, "this request can never be granted: it asks for 5 of `carer` (never more than 4)", Some("ask for fewer units")),
        (33, 12, "it asks for 3 of `car` (never more than 2)", Some("ask for fewer units")),
        (37, 12, "it asks for 6 of `nurse` (never more than 5)", Some("ask for fewer units")),
        (41, 12, "it asks for 7 of `nurse` (never more than 5) or 7 of `therapist` (never more than 6)", Some("ask for fewer units")),
    ];
    /// Dated rules wholly outside the run never apply (a wrong year): refused, each at its
    /// first date, naming the run's dates.
    dated_rules_that_never_apply => [
        (9, 8, "added bank holiday 2029-12-24 falls wholly outside the run, which covers 2026-12-01 to 2027-02-28", Some("check the year")),
        (13, 21, "this period of `office` (2025-12-21 to 2026-01-03) falls wholly outside the run", Some("check the year")),
        (17, 21, "this period of `bed` (2030-12-01 to 2031-03-31) falls wholly outside the run", Some("check the year")),
        (24, 8, "this demand change (2028-01-01 to 2028-01-31) falls wholly outside the run", Some("check the year")),
    ];
    /// Shapes of dated rules that are refused: a bad added date, bank-holiday office hours that
    /// are not a day, a calendar period with a count, a resource period with both a count and
    /// a roster, a dated demand change ending before it starts.
    holiday_and_period_shapes => [
        (11, 8, "`add` must be a calendar date written YYYY-MM-DD, found \"2026-12-32\"", Some("e.g. \"2026-12-01\"")),
        (12, 11, "`offices` must be \"closed\" or a day of the week, found \"shut\"", Some("offices = \"closed\" (the default)")),
        (16, 12, "a period of calendar `office` needs `hours` (and no `count` or `roster`)", Some("hours = [{")),
        (20, 12, "a period of resource `bed` has both `count` and `roster`", Some("give one")),
        (28, 6, "demand change `to` (2027-01-01) is before `from` (2027-01-31)", Some("on or after `from`")),
    ];
    /// Patience and balking (issue 13 item 2): a patience distribution the sampler refuses,
    /// a negative `max_queue`, each of `max_queue` and `when_full` without the other, and an
    /// unknown `when_full` step.
    patience_and_balking_mistakes => [
        (15, 80, "`exponential` needs a positive `mean`", Some("e.g. { exponential = { mean = \"1 h\" } }")),
        (19, 78, "`max_queue` must be from 0 to 1000000, found -1", Some("max_queue = 10")),
        (23, 78, "`max_queue` needs a `when_full` step", Some("add e.g. when_full")),
        (27, 78, "`when_full` needs a `max_queue`", Some("add e.g. max_queue = 10")),
        (31, 93, "`lefft`", Some("did you mean `left`?")),
    ];
    /// Booked and recorded arrivals (issue 13 item 3): no timing, two timings, a Poisson
    /// profile on booked arrivals, a zero gap, unreadable and early `times`, an empty list,
    /// and a demand change on booked arrivals.
    arrival_timing_mistakes => [
        (9, 1, "arrivals `nothing` do not say when referrals come", Some("interarrival = { fixed = \"20 min\" } (booked)")),
        (15, 16, "arrivals `both` have both `per_day` and `interarrival`", Some("keep one of them")),
        (20, 16, "`hour_profile` shapes random (`per_day`) referrals", Some("delete it")),
        (24, 16, "`interarrival` needs a mean above zero", Some("interarrival = { fixed = \"20 min\" }")),
        (28, 17, "`soon` is not an arrival time", Some("a duration (e.g. \"90 min\")")),
        (28, 25, "`2026-12-01 09:00` is a date and time, but the run has no start date", Some("add start = \"YYYY-MM-DD\" to [run]")),
        (28, 45, "`-2 h` is before the start of the run", Some("leave out earlier rows")),
        (32, 9, "`times` lists no arrival", Some("list the arrival times")),
        (38, 12, "referrals from `booked` are booked or recorded", Some("list only sources with `per_day`")),
    ];
    /// A string that is never closed is a TOML syntax error, reported where the string breaks.
    syntax_error => [(3, 21, "expected `\"`", None)];
    /// A misspelt key (`per_dya`) gets "did you mean `per_day`?".
    unknown_key => [(11, 1, "`per_dya`", Some("did you mean `per_day`?"))];
    /// A string where a number is expected (`per_day = "five"`) names the key.
    wrong_type => [(11, 11, "`per_day`", None)];
    /// A duration with no unit (`"45"`) is refused, naming the value.
    duration_without_unit => [(4, 11, "`45` has no unit", None)];
    /// A duration in an unknown unit (`"30 minuets"`) names the unit; the place is the
    /// distribution holding it.
    unknown_time_unit => [(15, 45, "`minuets` is not a time unit", None)];
    /// A clock time past 24:00 (`"25:00"`) in a roster is refused, naming the time.
    bad_clock_time => [(7, 43, "`25:00`", None)];
    /// A negative arrival rate (`per_day = -3`) is refused.
    negative_rate => [(11, 11, "`per_day` must be positive", Some("the mean number of referrals per day"))];
    /// Attribute probabilities that sum to 0.8 instead of 1.
    attribute_probabilities => [(8, 17, "`probabilities` of attribute `frailty` must sum to 1", Some("adjust the values so they add up to exactly 1"))];
    /// Branch probabilities that sum to 0.75 instead of 1.
    branch_probabilities => [(19, 10, "`branch` in step `decide` sum to 0.75", Some("adjust them so they add up to exactly 1"))];
    /// A roster shift whose end (08:00) is before its start (20:00) suggests "next day".
    shift_end_before_start => [(7, 58, "shift `end`", Some("end = \"08:00 next day\""))];
    /// An unknown day name (`weekday`) in a roster lists the valid day names.
    unknown_day => [(7, 21, "`weekday` is not a day", Some("use day names (monday or mon), or weekdays"))];
    /// A step using an undefined resource (`nurses`) gets "did you mean `nurse`?".
    unknown_resource => [(15, 25, "no resource called `nurses`", Some("did you mean `nurse`?"))];
    /// A `next` naming a step that does not exist (`dne`) gets "did you mean `done`?".
    unknown_next_step => [(16, 8, "called `dne`", Some("did you mean `done`?"))];
    /// A deadline `fallback` naming a step that does not exist gets the nearest step.
    unknown_fallback_step => [(15, 96, "called `gve_up`", Some("did you mean `give_up`?"))];
    /// A branch arm going to a step that does not exist lists the pathway's steps.
    unknown_branch_target => [(19, 55, "called `hospital`", Some("defined: admit, decide, home, see"))];
    /// A step that no route leads to.
    unreachable_step => [(22, 8, "step `orphan` in pathway `clinic` can never be reached", Some("point a `next`, `branch` or `fallback` at it"))];
    /// A loop with no way out: both steps of the loop are reported.
    loop_without_exit => [
        (14, 8, "step `see` in pathway `clinic` can never leave", Some("make sure every route, in this pathway or the ones it transfers to, reaches an `end` step")),
        (18, 8, "step `wait` in pathway `clinic` can never leave", Some("make sure every route, in this pathway or the ones it transfers to, reaches an `end` step")),
    ];
    /// A pathway whose last step is not an `end`, so patients have nowhere to go.
    last_step_not_end => [(14, 8, "`see` is the last step of pathway `clinic`", Some("add an `end = { outcome = \"...\" }` step after it"))];
    /// A `deadline` without a `fallback` step.
    deadline_without_fallback => [(15, 78, "a `deadline` needs a `fallback` step", Some("add e.g. fallback ="))];
    /// A step with two kinds (`activity` and `delay`), reported at the second.
    step_with_two_kinds => [(16, 9, "step `see` has both `activity` and `delay`", Some("split it into two steps"))];
    /// A step with a name but no kind lists the kinds.
    step_without_kind => [(18, 8, "step `think` in pathway `clinic` says nothing", Some("add exactly one of: seize, release, activity"))];
    /// A resource with both a fixed `count` and a `roster`.
    count_and_roster => [(7, 9, "resource `nurse` has both `count` and `roster`", Some("keep `count` for a fixed number"))];
    /// A triangular distribution with min above max.
    triangular_min_above_max => [(15, 45, "`triangular` needs 0 <= min <= mode <= max", Some("e.g. { triangular = "))];
    /// An unknown distribution (`normal`) suggests `log_normal`.
    unknown_distribution => [(15, 47, "unknown kind `normal`", Some("did you mean `log_normal`?"))];
    /// A handoff to an undefined calendar (`social_care`) suggests `social_care_office`.
    unknown_calendar => [(15, 21, "no calendar called `social_care`", Some("did you mean `social_care_office`?"))];
    /// Patients present at the start at a step the pathway does not have (`waiting`).
    initial_missing_step => [(23, 8, "no step in pathway `clinic` called `waiting`", Some("defined: done, see"))];
    /// A variant (`extends`) that names a resource the base does not have.
    variant_unknown_entry => [(4, 12, "`resources.rehab_beds`", Some("did you mean `rehab_bed`?"))];
    /// Issue 9 item 18: patients present at the start after the seize of a bed, not holding it.
    census_not_holding => [(34, 8, "their `holding` does not list it", Some("holding = [\"bed\"]"))];
    /// Issue 13 (finding 7): a census holding 7 beds on 5 is refused at the group passing 5.
    census_beyond_capacity => [(41, 12, "the census holds 7 units of `bed` by this group, but `bed` has 5", Some("raise the `count` of [resources.bed]"))];
    /// Issue 9 item 18: a `branch_on_hours` arm pointing at its own step.
    hours_arm_to_itself => [(19, 8, "step `sort` in pathway `letters` can lead straight back to itself", Some("put a step that takes time on the loop"))];
    /// Issue 9 item 18: a second seize of a bed already held.
    seize_twice => [(24, 8, "already holding a unit of `bed`", Some("release = { resource = \"bed\" }"))];
    /// Issue 12 item 1: `units` of 0 names the key and the range.
    request_units => [(15, 42, "`units` must be a whole number from 1 to 1000, found 0", Some("units = 2 for a double-handed visit"))];
    /// Issue 12 item 1: `resource` and `resources` in one wait.
    request_resource_and_resources => [(18, 46, "both `resource` and `resources`", Some("resources = [\"nurse\", \"car\"] for several at once"))];
    /// Issue 12 item 2: `any_of` with one alternative, with an unknown resource, and on a seize.
    request_any_of => [
        (19, 25, "`any_of` needs from 2 to 16 alternatives, found 1", Some("in order of preference")),
        (23, 46, "no resource called `therapists`", Some("did you mean `therapist`?")),
        (27, 22, "`any_of` is for an `activity`", Some("make the step an activity")),
    ];
    /// Issue 12 item 1: an unknown `queue` order names the two there are.
    request_queue_order => [(8, 9, "`queue` must be \"first_come_first_served\" or \"first_fit\", found \"fifo\"", Some("\"first_fit\" lets a smaller request start"))];
    /// Issue 12 item 4: a staffed office's `by` naming no resource.
    staffed_office_unknown_by => [(15, 18, "no resource called `social_workers`", Some("did you mean `social_worker`?"))];
    /// Issue 12 item 4: `by` together with office `hours`.
    staffed_office_by_and_hours => [(18, 36, "cannot also have office `hours`", Some("keep `by` for a staffed office"))];
    /// Issue 12 item 4: a handoff's queue `priority` without staff (`by`) to queue for.
    staffed_office_priority_without_by => [(15, 74, "this handoff names no staff (`by`)", Some("add by = \"<resource>\""))];
    /// Issue 12 item 4: an `at_shift_end` that is neither "finish" nor "pause".
    at_shift_end_value => [(8, 16, "`at_shift_end` must be \"finish\" or \"pause\", found \"stop\"", Some("\"pause\" stops it at the shift end"))];
    /// Issue 12 item 4: pause on a seized resource, alone or with another resource (work
    /// asked for in several units, resources or alternatives may pause: see
    /// `pausing_shared_requests.rs`).
    at_shift_end_misuse => [
        (9, 16, "step `admit` seizes it", Some("a seized unit is held until released")),
        (13, 16, "resource `carer` pauses work at a shift end, but step `transfer` seizes it", Some("a seized unit is held until released")),
    ];
    /// Issue 9 item 18: a release reached through a deadline's fallback, without the bed.
    release_on_fallback_route => [(24, 8, "releases `bed`, but a patient can reach it without holding `bed`", Some("skips the seize"))];
    /// Issue 9 item 18: seize, release and branch back: a loop that takes no time.
    instant_loop => [(16, 8, "`pick_up`, `hang_up`, `again`", Some("put a step that takes time on the loop"))];
    /// Issue 10 item 2: which way a key figure is better, its target and the objective.
    key_figure_directions => [
        (26, 10, "`better` must be \"higher\" or \"lower\", found \"up\"", Some("better = \"higher\" when more is good")),
        (27, 10, "`seen_in_time` is a share, so its `target` is a fraction from 0 to 1, found 70", Some("write 0.7 for 70%")),
        (33, 10, "`wait` has a `target` but no `better`", Some("add better = \"higher\" (the target is met at or above it)")),
        (34, 13, "the objective `wait` needs a direction", Some("add better = \"lower\"")),
        (41, 13, "`wait` is already the objective", Some("keep `objective = true` on one key figure only")),
    ];
    /// Three unrelated problems in one file are all reported, each at its own line.
    multiple_problems => [
        (11, 11, "`per_day` must be positive and at most 1000000, found -3", Some("the mean number of referrals per day")),
        (15, 25, "no resource called `nurses`", Some("did you mean `nurse`?")),
        (19, 22, "`triangular` needs 0 <= min <= mode <= max", Some("e.g. { triangular = ")),
    ];
    /// Home-visit episodes (issue 12 item 3): every checked key of a `visits` step.
    visits_mistakes => [
        (15, 62, "`truncate_at` must be a whole number of days, at least 2, found \"1.5 d\"", Some("truncate_at = \"50 d\"")),
        (15, 89, "`initial_per_day` must be a whole number of visits from 0 to 24, found -1", Some("initial_per_day = 4, final_per_day = 1")),
        (15, 109, "`final_per_day` must be a whole number of visits from 0 to 24, found 30", Some("initial_per_day = 4, final_per_day = 1")),
        (15, 121, "`visit` must be more than 0 and at most 24 h, found \"0 min\"", Some("visit = \"45 min\"")),
        (15, 139, "`travel` must be from 0 to 24 h, found \"25 h\"", Some("travel = \"15 min\"")),
        (15, 163, "`double_handed` must be a share between 0 and 1, found 1.5", Some("double_handed = 0.15")),
        (15, 184, "`slots_per_day` must be a whole number from 1 to 1000000, found 0", Some("slots_per_day = 120")),
        (19, 117, "there is no resource called `carers`", Some("did you mean `carer`?")),
        (23, 122, "a `visits` step has both `slots_per_day` and `resource`", Some("not both")),
        (27, 10, "visits `p1.no_capacity` say nothing of capacity", Some("add slots_per_day = 120")),
        (27, 29, "`exponential` needs a positive `mean`", Some("{ exponential = { mean = \"1 h\" } }")),
        (31, 138, "`carer` is listed twice", Some("name each alternative once")),
    ];
    /// A misspelt key in a `visits` step gets "did you mean".
    visits_unknown_key => [(12, 48, "unknown key `inital_per_day`", Some("did you mean `initial_per_day`?"))];
    /// A `visits` step without a required key names it.
    visits_missing_rate => [(12, 10, "missing key `initial_per_day`", Some("add `initial_per_day = ...`"))];
    /// The start rule, the bed given back, truncation and the clock-time keys of a `visits`
    /// step (issue 12 item 3).
    visits_clock_and_start => [
        (18, 134, "`start` must be \"when_plan_fits\" or \"at_once\", found \"soon\"", Some("\"when_plan_fits\" waits for the first day")),
        (22, 145, "there is no resource called `beds`", Some("did you mean `bed`?")),
        (26, 89, "`truncate_at` is 8 d, but `length_of_stay` is never shorter than 10 d (rounded): every stay would be redrawn and cut to 7 d", Some("set truncate_at above the longest stay to keep")),
        (30, 134, "`times` applies to visits within the carers' roster, and this step has `slots_per_day`", Some("leave `times` out, or replace slots_per_day with resource = \"carer\"")),
        (30, 167, "`late_after` applies to visits within the carers' roster, and this step has `slots_per_day`", Some("leave `late_after` out")),
        (34, 134, "`times` lists 2 due times, but the plan has up to 3 visits a day", Some("list at least 3 times")),
        (34, 167, "`late_after` must be from 0 to 24 h, found \"25 h\"", Some("late_after = \"30 min\"")),
        (38, 144, "`times` must be in increasing order within the day, found \"08:00\"", Some("each later than the one before")),
        (42, 144, "`times` are clock times within one day, found \"24:00\"", Some("write a time from 00:00 to 23:59")),
    ];
    /// `release_at_start` names a resource a route reaches the step without (a deadline's
    /// fallback skips the seize).
    visits_release_not_held => [(26, 145, "step `home_care` in pathway `p1` gives back `bed` when visits start (`release_at_start`), but a patient can reach it without holding `bed`", Some("make every route to it pass a step with seize = { resource = \"bed\" }"))];
    /// Surge rules (issue 13 item 4), one mistake per resource; `open_above = 2000000` is
    /// one problem, with no second one comparing `close_below` to a count refused.
    surge_rule_mistakes => [
        (11, 19, "the surge rule of `bed` opens no units (`units = 0`)", Some("units = 6")),
        (15, 19, "`units` must be a whole number from 0 to 1000000, found -2", Some("units = 6")),
        (19, 52, "`close_below` (4) must be at most `open_above` (3)", Some("open_above = 15, close_below = 5")),
        (23, 52, "`close_below = 0` would never close the surge units", Some("close_below = 1")),
        (27, 35, "`open_above` must be a whole number from 0 to 1000000, found -1", Some("open_above = 15")),
        (31, 35, "`open_above` must be a whole number from 0 to 1000000, found 2000000", Some("open_above = 15")),
        (35, 69, "`waited_over` must be longer than zero, found \"0 h\"", Some("waited_over = \"4 h\"")),
        (39, 66, "`min_open` cannot be negative, found \"-1 d\"", Some("\"2 d\"")),
        (39, 87, "`open_delay` cannot be negative, found \"-4 h\"", Some("\"2 d\"")),
        (43, 75, "`cost_per_unit_day` must be from 0 to 1e9 GBP, found -600", Some("GBP")),
    ];
    /// A misspelt key in a surge rule gets "did you mean".
    surge_unknown_key => [(8, 55, "unknown key `close_above`", Some("did you mean `close_below`?"))];
    /// A surge rule without `close_below` names the missing key.
    surge_missing_key => [(8, 9, "`surge`: missing key `close_below`", Some("add `close_below = ...`"))];
    /// `open_above = 1e300` is one problem, its number written short.
    surge_open_above_not_whole => [(8, 35, "`open_above`: expected a whole number, found the number 1e300, which is too large", Some("e.g. 5"))];
    /// An unquoted date is a TOML date value: the message says to quote it (issue 13).
    unquoted_start_date => [(5, 9, "`start`: dates and times are written in quotes, found 2026-12-01 without them", Some("write start = \"2026-12-01\""))];
    /// The same in a dated period's `from`.
    unquoted_period_date => [(9, 21, "`from`: dates and times are written in quotes, found 2026-12-01 without them", Some("write from = \"2026-12-01\""))];
    /// `any_of` in a `visits` step has the rule and the words of an activity's.
    visits_any_of_one => [
        (16, 117, "`any_of` needs from 2 to 16 alternatives, found 1", Some("in order of preference, e.g. any_of = [\"nurse\", \"therapist\"], or name one resource")),
        (20, 117, "`any_of` needs from 2 to 16 alternatives, found 0", Some("in order of preference")),
    ];
    /// A duration above zero but below a second (a 1e-6 min gap) is refused.
    duration_below_a_second => [(12, 16, "`interarrival`: `1e-6 min` is shorter than a second, the shortest duration a scenario may state", Some("write \"0 min\" for no time where zero is allowed"))];
    /// A bare duration where a distribution is expected says what to write.
    interarrival_bare_duration => [(11, 16, "`interarrival`: expected a distribution, found the bare duration \"20 min\"", Some("{ fixed = \"20 min\" }"))];
    /// `first_fit` and `pause` where they could never act.
    keys_that_change_nothing => [
        (10, 9, "`queue = \"first_fit\"` on `nurse` changes nothing: every step asks for one unit of `nurse` alone", Some("leave `queue` out")),
        (14, 16, "`at_shift_end = \"pause\"` on `therapist` changes nothing: `therapist` has the same number of units all the time, so no shift ever ends", Some("give `therapist` a `roster` whose shifts end")),
    ];
    /// Visit plans that can never be delivered: too few slots for everyone, too few for the
    /// double-handed share, visits longer than any shift, two carers never on together, a
    /// plan rising past the slots on its last day (accepted for stays of one day).
    visits_that_never_fit => [
        (26, 10, "this visit plan can never fit, so no patient could ever start: its first day has 4 visits, taking 4 slots, but there are 3 slots a day", Some("raise slots_per_day to at least 4")),
        (30, 10, "so no double-handed patient (`double_handed = 0.25`: 25% of patients) could ever start: its first day has 3 visits, taking 6 slots (two carers each), but there are 5 slots a day", Some("raise slots_per_day to at least 6")),
        (34, 10, "a visit takes 1.75 h (visit and travel) of a carer, but `carer` has a carer on duty for at most 1.5 h at a stretch", Some("make the shifts in the roster longer")),
        (38, 10, "so no patient (all are double-handed, `double_handed = 1`) would ever have a visit made: a visit takes 0.5 h (visit and travel) of two carers together, but `night_carer` never has two carers together on duty", Some("roster two carers on duty together")),
        (42, 10, "this visit plan can never fit, so no patient staying more than a day could ever start: its last day has 4 visits, taking 4 slots, but there are 3 slots a day", Some("raise slots_per_day to at least 4, or lower final_per_day")),
    ];
    /// `first_fit` and `pause` on carers who make home visits: placed at clock times after
    /// the run, whole inside a shift, their visits never queue and never pause.
    visit_carer_keys => [
        (12, 9, "`queue = \"first_fit\"` on `carer` changes nothing: `carer` makes home visits, which are given to carers at clock times after the run", Some("leave `queue` out")),
        (13, 16, "`at_shift_end = \"pause\"` on `carer` changes nothing: `carer` makes home visits", Some("leave `at_shift_end` out")),
    ];
    /// A surge rule on carers whose rostered hours deliver home visits would never open.
    visits_surge => [(8, 9, "`surge` on `carer` would never open", Some("add carers to the roster instead"))];
    /// Carers making home visits (after the run) and also taken by a handoff's `by` and an
    /// activity (during it) would have their hours counted twice: refused at each alternative.
    visits_carers_also_seized => [
        (23, 129, "`carer` makes the home visits of `p1.home_care` and is also taken by `p2.referral`", Some("give the visits their own carers")),
        (23, 138, "`nurse` makes the home visits of `p1.home_care` and is also taken by `p2.dressing`", Some("give the visits their own carers")),
    ];
    /// A visit time no carer's shift could ever make (it would end after every shift), at
    /// the time; a time before the shift, one ending as the shift ends, one covered on
    /// weekends only and one the plan never uses are accepted.
    visit_times_no_shift_covers => [
        (23, 163, "visits `p1.late_evening` due at \"19:30\" can never be made, so every one would be missed: no shift of `carer` on any day of the run has room for the visit (travel from 15 min before it is due, then 45 min at the home) before the shift ends", Some("move \"19:30\" to 19:15 or earlier, or add a shift to `carer` ending at 20:15 or later")),
    ];
    visits_fit_on_shared_carers => [
        (21, 134, "visits `p1.reablement` start when their plan fits the roster of `carer`, which visits `p2.night_sitting` also use", Some("write start = \"at_once\" on steps that share carers")),
    ];
}

/// Two pathways that transfer patients to each other forever, with no `end`, are a pathway
/// with no end and must be refused.
#[test]
fn transfer_loop_without_exit() {
    let path = fixture("transfer_loop_without_exit");
    let output = carepath(&["check", &path]);
    assert_invalid_exit(&output, &path);
    let (_, stderr) = text(&output);
    let found = reported(&stderr, &path);
    assert!(
        !found.is_empty()
            && found
                .iter()
                .all(|p| p.header.contains("`clinic`") || p.header.contains("`ward`")),
        "{path}: expected problems naming the looping pathways:\n{stderr}"
    );
}

/// Every fixture in the folder has a test, and every test has its fixture (no mistake class
/// is silently untested).
#[test]
fn every_invalid_fixture_is_tested() {
    let on_disk: BTreeSet<String> = std::fs::read_dir(repository_root().join(FIXTURES))
        .expect("the fixtures folder exists")
        .map(|entry| entry.expect("a readable entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "toml"))
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_string()))
        .collect();
    let tested: BTreeSet<String> = TABLE
        .iter()
        .chain(&["transfer_loop_without_exit"])
        .map(|name| name.to_string())
        .collect();
    assert_eq!(on_disk, tested, "fixtures on disk vs fixtures tested");
}

/// `carepath run` on an invalid scenario fails exactly as `check` does and writes no output.
#[test]
fn run_refuses_an_invalid_scenario_and_writes_nothing() {
    let path = fixture("negative_rate");
    let temp = tempfile::tempdir().expect("a temporary folder");
    let out = temp.path().join("out");
    let out_text = out.to_str().expect("a UTF-8 temporary path");
    let output = carepath(&["run", &path, "--out", out_text, "--quiet"]);
    assert_invalid_exit(&output, &format!("run {path}"));
    let (_, run_stderr) = text(&output);
    let (_, check_stderr) = text(&carepath(&["check", &path]));
    assert_eq!(run_stderr, check_stderr, "run and check report differently");
    assert!(!out.exists(), "an output folder was created at {out_text}");
    let left = std::fs::read_dir(temp.path())
        .expect("the temporary folder is readable")
        .count();
    assert_eq!(left, 0, "run wrote into {}", temp.path().display());
}

/// A scenario path that does not exist is named in a clear message, with exit code 1 (not
/// the code 2 kept for scenarios with problems).
#[test]
fn missing_file_is_named_and_exits_with_code_1() {
    let path = fixture("does_not_exist");
    let output = carepath(&["check", &path]);
    let (stdout, stderr) = text(&output);
    assert!(!stderr.contains("panicked"), "carepath panicked:\n{stderr}");
    assert!(
        stderr.contains(&format!("cannot read scenario file {path}")),
        "the message does not name the path:\n{stderr}"
    );
    assert!(stdout.is_empty(), "unexpected output:\n{stdout}");
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
}

/// The reason a scenario file cannot be read is given once, not repeated, in plain words
/// (not the operating system's "No such file or directory (os error 2)"; issue 9 item 17).
#[test]
fn missing_file_reason_is_given_once() {
    let path = fixture("does_not_exist");
    assert!(!repository_root().join(&path).exists());
    let (_, stderr) = text(&carepath(&["check", &path]));
    let reason = "there is no such file";
    assert_eq!(
        stderr.matches(reason).count(),
        1,
        "`{reason}` should appear exactly once:\n{stderr}"
    );
    assert!(!stderr.contains("os error"), "{stderr}");
}
