//! Problems found in a scenario file, each tied to a place in the file, rendered the way a
//! compiler would: file, line, column, the offending line, what is wrong and how to fix it.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, Chars, Config};

/// One problem in a scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// Byte range in the file the problem points at.
    pub span: Range<usize>,
    /// What is wrong, naming the key.
    pub message: String,
    /// How to fix it, if there is something specific to say.
    pub help: Option<String>,
    /// Which text the span is in: 0 for the file named on the command line, then the files
    /// it `extends`, then the `--set` arguments (see `layered`).
    pub file: usize,
    /// The census group the problem is about, if it is one (see [`CensusPlace`]): a group
    /// read from a census file is then reported at its row there.
    pub census: Option<CensusPlace>,
}

/// Which census group a problem is about, and which of its resources: a group read from a
/// census file is reported at its row's `holding` cell (at `resource` in it if `listed`),
/// or its `step` cell if the file has no `holding` column.
#[derive(Debug, Clone, PartialEq)]
pub struct CensusPlace {
    /// Index of the group among the scenario's census groups (typed and read, in order).
    pub group: usize,
    /// The resource the problem names.
    pub resource: String,
    /// Whether the group's `holding` lists `resource` (else it is missing from it).
    pub listed: bool,
}

impl Problem {
    /// A problem at `span`.
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Problem {
            span,
            message: message.into(),
            help: None,
            file: 0,
            census: None,
        }
    }

    /// The same problem, about a census group (see [`CensusPlace`]).
    pub fn about_census(mut self, place: CensusPlace) -> Self {
        self.census = Some(place);
        self
    }

    /// The same problem, in text number `file`.
    pub fn in_file(mut self, file: usize) -> Self {
        self.file = file;
        self
    }

    /// The same problem with advice on how to fix it.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// 1-based line and column of the start of the span in `source`.
    pub fn line_column(&self, source: &str) -> (usize, usize) {
        let start = self.span.start.min(source.len());
        let before = &source[..start];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }
}

/// Renders every problem as plain text (no colour) for a file named `path` holding `source`.
/// Each problem reads `error: MESSAGE`, then `--> PATH:LINE:COLUMN`, the annotated line and
/// any `help:` advice.
pub fn render(path: &str, source: &str, problems: &[Problem]) -> String {
    let problems: Vec<Problem> = problems.iter().map(|p| p.clone().in_file(0)).collect();
    render_in(&[(path, source)], &problems, |_| None)
}

/// Renders problems that may lie in several texts: `texts` are (name, text) pairs indexed by
/// [`Problem::file`]; `note` may add a line about a text (e.g. "this value is in the base
/// scenario"). The closing line names the first text, the one the user asked for.
pub fn render_in(
    texts: &[(&str, &str)],
    problems: &[Problem],
    note: impl Fn(usize) -> Option<String>,
) -> String {
    let mut out = render_each(texts, problems, note, false);
    let count = problems.len();
    let path = texts.first().map_or("scenario", |t| t.0);
    out.push_str(&format!(
        "{count} problem{} in {path}; nothing was run.\n",
        if count == 1 { "" } else { "s" }
    ));
    out
}

/// Renders warnings (things that are allowed but probably not meant) as [`render_in`]
/// renders problems, each reading `warning: MESSAGE`, with no closing line: the scenario
/// still runs.
pub fn render_warnings_in(texts: &[(&str, &str)], warnings: &[Problem]) -> String {
    render_each(texts, warnings, |_| None, true)
}

/// Each of `problems` rendered, as errors or, with `warning`, as warnings.
fn render_each(
    texts: &[(&str, &str)],
    problems: &[Problem],
    note: impl Fn(usize) -> Option<String>,
    warning: bool,
) -> String {
    let mut files = SimpleFiles::new();
    for (name, text) in texts {
        files.add(*name, *text);
    }
    let config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    let mut out = String::new();
    for problem in problems {
        let file = problem.file.min(texts.len().saturating_sub(1));
        let (path, source) = texts.get(file).copied().unwrap_or(("scenario", ""));
        let span = clamp(&problem.span, source.len());
        let mut notes = Vec::new();
        if let Some(help) = &problem.help {
            notes.push(format!("help: {help}"));
        }
        if let Some(extra) = note(file) {
            notes.push(format!("note: {extra}"));
        }
        let diagnostic = if warning {
            Diagnostic::warning()
        } else {
            Diagnostic::error()
        };
        let diagnostic = diagnostic
            .with_message(&problem.message)
            .with_labels(vec![Label::primary(file, span)])
            .with_notes(notes.clone());
        match term::emit_into_string(&config, &files, &diagnostic) {
            Ok(text) => out.push_str(&text),
            Err(_) => {
                // Plain fallback with the same facts, should the renderer ever refuse.
                let (line, column) = problem.line_column(source);
                out.push_str(&format!(
                    "{}: {}\n  --> {path}:{line}:{column}\n",
                    if warning { "warning" } else { "error" },
                    problem.message
                ));
                for note in &notes {
                    out.push_str(&format!("  = {note}\n"));
                }
            }
        }
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
    }
    out
}

fn clamp(span: &Range<usize>, len: usize) -> Range<usize> {
    let start = span.start.min(len);
    start..span.end.clamp(start, len)
}

/// Adds "did you mean" advice to serde's "unknown field/variant `x`, expected one of ..."
/// messages, choosing the closest valid name.
pub fn suggest_for_unknown(message: &str) -> Option<String> {
    let (kind, rest) = ["unknown field `", "unknown variant `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix).map(|rest| (*prefix, rest)))?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let closest = candidates
        .iter()
        .map(|candidate| (strsim::jaro_winkler(unknown, candidate), *candidate))
        .max_by(|a, b| a.0.total_cmp(&b.0))?;
    let what = if kind.contains("field") {
        "key"
    } else {
        "kind"
    };
    if closest.0 > 0.7 {
        Some(format!("did you mean `{}`?", closest.1))
    } else if candidates.is_empty() {
        None
    } else {
        Some(format!("valid {what}s here: {}", candidates.join(", ")))
    }
}

/// The key a value at byte `position` is assigned to (`key = value` or `key = { ...`), if the
/// text just before it is `key =`.
pub fn key_before(source: &str, position: usize) -> Option<String> {
    let before = source.get(..position)?.trim_end();
    let before = before.strip_suffix('=')?.trim_end();
    // The first byte after the last character that cannot be in a bare key (which may be
    // longer than one byte: `é`).
    let start = before
        .char_indices()
        .rfind(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let key = &before[start..];
    (!key.is_empty()).then(|| key.rsplit('.').next().unwrap_or(key).to_string())
}

/// What each schema type of `file` is, in scenario-file words, and an example of it. These
/// are the only places where Rust type names are turned into words an analyst knows.
const SCHEMA_WORDS: [(&str, &str, &str); 35] = [
    (
        "ScenarioFile",
        "a scenario file",
        "start with a [run] table; see the scenario language in README.md",
    ),
    (
        "RunFile",
        "the [run] table, with keys such as `name` and `horizon`",
        "[run]\nname = \"baseline\"\nhorizon = \"365 d\"",
    ),
    (
        "ShiftFile",
        "a roster line: a table with `days`, `start`, `end` and `count`",
        "{ days = [\"weekdays\"], start = \"08:00\", end = \"20:00\", count = 2 }",
    ),
    (
        "CalendarFile",
        "a calendar: a table with `hours`",
        "hours = [{ days = [\"weekdays\"], start = \"09:00\", end = \"17:00\" }]",
    ),
    (
        "AttributeFile",
        "an attribute: a table with `values` and `probabilities`",
        "values = [\"mild\", \"severe\"], probabilities = [0.8, 0.2]",
    ),
    (
        "ResourceFile",
        "a resource: a table with `count` or `roster`",
        "[resources.nurse] then count = 4",
    ),
    (
        "ArrivalFile",
        "a referral source: a table with `pathway` and `per_day`",
        "[arrivals.gp] then pathway = \"clinic\" and per_day = 12.0",
    ),
    (
        "PathwayFile",
        "a pathway: a table with `steps`",
        "[[pathways.clinic.steps]] then name = \"see\" and one kind of step",
    ),
    (
        "StepFile",
        "a step: a table with `name` and one kind of step",
        "name = \"see\" and activity = { resource = \"nurse\", duration = { fixed = \"30 min\" } }",
    ),
    (
        "WaitFile",
        "a table with `resource` (and `duration`, `priority`, `deadline`, `fallback` as needed)",
        "{ resource = \"nurse\", duration = { fixed = \"30 min\" } }",
    ),
    (
        "ResourceRefFile",
        "a table with `resource`",
        "{ resource = \"bed\" }",
    ),
    (
        "DelayFile",
        "a table with `duration`",
        "{ duration = { fixed = \"2 d\" } }",
    ),
    (
        "HandoffFile",
        "a handoff: a table with `processing` (and `hours`, `bounce_probability`, `rework` as needed)",
        "{ hours = \"office\", processing = { fixed = \"1 h\" } }",
    ),
    (
        "BranchFile",
        "a branch arm: a table with `to` and `probability`",
        "{ to = \"home\", probability = 0.75 }",
    ),
    (
        "BranchOnFile",
        "a table with `attribute` and `to`",
        "{ attribute = \"frailty\", to = { mild = \"home\", severe = \"ward\" } }",
    ),
    (
        "BranchOnHoursFile",
        "a table with `open` and `closed`, and `calendar` or `resource`",
        "{ calendar = \"office\", open = \"visit\", closed = \"wait\" }",
    ),
    (
        "EndFile",
        "a table with `outcome`",
        "{ outcome = \"home\" }",
    ),
    (
        "TransferFile",
        "a table with `pathway` (and `step`)",
        "{ pathway = \"rehab\" }",
    ),
    (
        "OutcomeFile",
        "an outcome: a table with `cost`",
        "[outcomes.home] then cost = 0.0",
    ),
    (
        "InitialFile",
        "a group of patients present at the start: a table with `pathway`, `step` and `count`",
        "[[initial]] then pathway = \"ward\", step = \"stay\", count = 10",
    ),
    (
        "KeyFigureFile",
        "a key figure: a table with `label` and `metric` or `sum`",
        "label = \"Delayed bed-days\", metric = \"...\"",
    ),
    (
        "DemandChangeFile",
        "a demand change: a table with `start`, `length` and `factor`",
        "[[demand_changes]] then start = \"30 d\", length = \"90 d\", factor = 1.15",
    ),
    (
        "PeriodFile",
        "a dated period: a table with `from`, `to` and `count`, `roster` or `hours`",
        "{ from = \"2026-12-01\", to = \"2027-03-31\", count = 120 }",
    ),
    (
        "BankHolidaysFile",
        "a table with `region`, `add`, `remove`, `rosters` or `offices`",
        "[bank_holidays] then region = \"scotland\"",
    ),
    (
        "DistributionFile::Fixed",
        "a duration such as \"45 min\"",
        "{ fixed = \"45 min\" }",
    ),
    (
        "DistributionFile::Exponential",
        "a table with key `mean`",
        "{ exponential = { mean = \"1 h\" } }",
    ),
    (
        "DistributionFile::Uniform",
        "a table with keys `min` and `max`",
        "{ uniform = { min = \"10 min\", max = \"20 min\" } }",
    ),
    (
        "DistributionFile::Triangular",
        "a table with keys `min`, `mode` and `max`",
        "{ triangular = { min = \"45 min\", mode = \"75 min\", max = \"2 h\" } }",
    ),
    (
        "DistributionFile::LogNormal",
        "a table with keys `mean` and `sd`",
        "{ log_normal = { mean = \"4 d\", sd = \"2.5 d\" } }",
    ),
    (
        "DistributionFile::Gamma",
        "a table with keys `mean` and `sd`",
        "{ gamma = { mean = \"2 d\", sd = \"1 d\" } }",
    ),
    (
        "DistributionFile::Empirical",
        "a table with `values` (and `weights`)",
        "{ empirical = { values = [\"1 d\", \"2 d\"], weights = [3, 1] } }",
    ),
    (
        "DistributionFile",
        "a distribution: one kind (fixed, exponential, uniform, triangular, log_normal, gamma, empirical) with its values",
        "{ fixed = \"45 min\" } or { exponential = { mean = \"1 h\" } }",
    ),
    (
        "DurationText",
        "a duration in quotes such as \"45 min\"",
        "\"45 min\", \"2 h\" or \"3 d\"",
    ),
    (
        "ClockTime",
        "a time of day in quotes such as \"08:00\"",
        "\"08:00\", or \"06:00 next day\" after midnight",
    ),
    (
        "Spanned",
        "a value",
        "see the scenario language in README.md",
    ),
];

/// Words for serde's names of plain types.
const PLAIN_TYPES: [(&str, &str, &str); 12] = [
    ("i64", "a whole number", "write it bare, e.g. 5"),
    ("u32", "a whole number", "write it bare, e.g. 5"),
    ("u64", "a whole number", "write it bare, e.g. 5"),
    ("f64", "a number", "write it bare, e.g. 2.5"),
    (
        "a string",
        "text in double quotes",
        "e.g. \"nurse\", \"45 min\" or, for a date, \"2026-12-01\"",
    ),
    (
        "a sequence",
        "a list in [ ]",
        "e.g. [\"monday\", \"tuesday\"] or [0.7, 0.3]",
    ),
    (
        "a map",
        "a table",
        "e.g. { resource = \"nurse\" } or a [section]",
    ),
    (
        "a boolean",
        "true or false",
        "write true or false, without quotes",
    ),
    (
        "a borrowed string",
        "text in double quotes",
        "e.g. \"nurse\"",
    ),
    (
        "string or map",
        "text in quotes or a table",
        "e.g. { fixed = \"45 min\" }",
    ),
    (
        "string or table",
        "text in quotes or a table",
        "e.g. { fixed = \"45 min\" }",
    ),
    ("a datetime", "a date and time", "e.g. 2026-01-31T08:00:00"),
];

/// Words for serde's description of the value it found.
fn found_words(found: &str) -> String {
    let found = found.trim();
    let quoted = |prefix: &str| {
        found
            .strip_prefix(prefix)
            .map(|rest| rest.trim_matches('`').to_string())
    };
    if let Some(text) = found.strip_prefix("string ") {
        return format!("text {text}");
    }
    // The TOML reader gives a number too large for 64 bits as "integer `N` as i128".
    if let Some(n) = found
        .strip_prefix("integer `")
        .and_then(|rest| rest.split_once("` as "))
        .map(|(n, _)| n)
    {
        return format!("the number {n}, which is too large");
    }
    if let Some(n) = quoted("floating point ")
        && let Ok(x) = n.parse::<f64>()
        && x.is_finite()
        && x.abs() >= 1e15
    {
        // Serde writes out every digit of 1e300.
        return format!("the number {x:e}, which is too large");
    }
    if let Some(n) = quoted("integer ").or_else(|| quoted("floating point ")) {
        return format!("the number {n}");
    }
    if let Some(b) = quoted("boolean ") {
        return b;
    }
    match found {
        "map" => "a table".to_string(),
        "sequence" => "a list".to_string(),
        "unit value" | "unit variant" => "a bare name".to_string(),
        "newtype variant" | "struct variant" | "tuple variant" | "enum" => {
            "a table naming a kind".to_string()
        }
        "newtype struct" | "Option value" => "a value".to_string(),
        _ => scrub(found),
    }
}

/// What serde expected, in words, and an example to type.
fn expected_words(expected: &str) -> (String, String) {
    let expected = expected.trim();
    // "struct RunFile with 7 elements", "struct variant DistributionFile::Exponential".
    let name = expected
        .strip_prefix("struct variant ")
        .or_else(|| expected.strip_prefix("tuple variant "))
        .or_else(|| expected.strip_prefix("newtype variant "))
        .or_else(|| expected.strip_prefix("unit variant "))
        .or_else(|| expected.strip_prefix("struct "))
        .or_else(|| expected.strip_prefix("enum "))
        .or_else(|| expected.strip_prefix("tuple struct "))
        .map(|rest| rest.split(' ').next().unwrap_or(rest));
    if let Some(name) = name
        && let Some((_, words, example)) = SCHEMA_WORDS.iter().find(|(n, ..)| *n == name)
    {
        return (words.to_string(), format!("write {words}, e.g. {example}"));
    }
    if let Some((_, words, help)) = PLAIN_TYPES.iter().find(|(n, ..)| *n == expected) {
        return (words.to_string(), help.to_string());
    }
    let words = scrub(expected);
    let help = format!("write {words}; the scenario language in README.md lists every key");
    (words, help)
}

/// Replaces any remaining Rust type name in `text` by scenario-file words.
fn scrub(text: &str) -> String {
    let mut out = text.to_string();
    for prefix in [
        "struct variant ",
        "tuple variant ",
        "newtype variant ",
        "unit variant ",
        "tuple struct ",
        "struct ",
        "enum ",
    ] {
        for (name, words, _) in SCHEMA_WORDS {
            out = out.replace(&format!("{prefix}{name}"), words);
        }
    }
    for (name, words, _) in SCHEMA_WORDS {
        out = out.replace(name, words);
    }
    for (from, to) in [
        ("expected f64", "expected a number"),
        ("expected i64", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected a sequence", "expected a list in [ ]"),
        ("expected a map", "expected a table"),
        ("unknown variant", "unknown kind"),
        ("unknown field", "unknown key"),
        ("missing field", "missing key"),
        ("duplicate field", "repeated key"),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// Turns a message from the TOML reader or the schema (serde) into the user's words, with
/// advice on what to type. No message it returns names a Rust type.
pub fn plain_words(raw: &str) -> (String, String) {
    let raw = raw.trim();
    if let Some(rest) = raw.strip_prefix("invalid type: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let (words, help) = expected_words(expected);
        return (
            format!("expected {words}, found {}", found_words(found)),
            help,
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid length ")
        && let Some((length, expected)) = rest.split_once(", expected ")
    {
        let (words, help) = expected_words(expected);
        let items = if length.trim() == "1" {
            "item"
        } else {
            "items"
        };
        return (
            format!(
                "expected {words}, found a list of {} {items}",
                length.trim()
            ),
            format!("{help} (not a list in [ ])"),
        );
    }
    if let Some(rest) = raw.strip_prefix("invalid value: ")
        && let Some((found, expected)) = rest.split_once(", expected ")
    {
        let (words, help) = expected_words(expected);
        return (
            format!("expected {words}, found {}", found_words(found)),
            help,
        );
    }
    if let Some(duration) = bare_duration(raw) {
        return (
            format!("expected a distribution, found the bare duration \"{duration}\""),
            format!(
                "a time that is always the same is written {{ fixed = \"{duration}\" }}; one that varies names its distribution, e.g. {{ exponential = {{ mean = \"{duration}\" }} }}"
            ),
        );
    }
    if raw.starts_with("unknown field `") || raw.starts_with("unknown variant `") {
        let help = suggest_for_unknown(raw)
            .unwrap_or_else(|| "the scenario language in README.md lists every key".to_string());
        let (what, name) = if raw.starts_with("unknown field") {
            ("key", raw.split('`').nth(1).unwrap_or(""))
        } else {
            ("kind", raw.split('`').nth(1).unwrap_or(""))
        };
        let valid: Vec<&str> = raw.split('`').skip(3).step_by(2).collect();
        let message = if valid.is_empty() {
            format!("unknown {what} `{name}`: nothing is allowed here")
        } else {
            format!(
                "unknown {what} `{name}`; expected one of {}",
                quote_all(&valid)
            )
        };
        return (message, help);
    }
    if let Some(rest) = raw.strip_prefix("missing field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return (
            format!("missing key `{key}`"),
            format!("add `{key} = ...`; the scenario language in README.md says what it takes"),
        );
    }
    if let Some(rest) = raw.strip_prefix("duplicate field `") {
        let key = rest.split('`').next().unwrap_or(rest);
        return (
            format!("the key `{key}` is given twice"),
            "keep one of them".to_string(),
        );
    }
    if raw.starts_with("wanted exactly 1 element") {
        return (
            "a distribution names exactly one kind".to_string(),
            "write one kind and its values, e.g. { fixed = \"45 min\" } or { exponential = { mean = \"1 h\" } }".to_string(),
        );
    }
    let message = scrub(raw);
    let help = if message.contains("duplicate key") {
        "each key may appear once in a table; delete or rename one of them".to_string()
    } else {
        "check the TOML syntax here: key = value, text in double quotes, tables as [name], lists in [ ]".to_string()
    };
    (message, help)
}

/// The duration of serde's "unknown variant `20 min`, expected one of `fixed`, ..." when a
/// distribution is written as a bare duration (`interarrival = "20 min"`), which reads as a
/// distribution kind named "20 min".
fn bare_duration(raw: &str) -> Option<&str> {
    let rest = raw.strip_prefix("unknown variant `")?;
    let (name, expected) = rest.split_once('`')?;
    (expected.contains("`fixed`") && super::units::DurationText::parse(name).is_ok())
        .then_some(name)
}

/// The date or time written without quotes at byte `position` of `source` (`2026-12-01`,
/// `2026-12-01T08:00:00`, `08:00:00`), which TOML reads as a date or time value rather than
/// text, so that a key expecting text sees "a table"; `None` if the value there is not one.
pub fn unquoted_date_or_time(source: &str, position: usize) -> Option<&str> {
    let rest = source.get(position..)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '-' | ':' | 'T' | '.' | 'Z' | '+')))
        .unwrap_or(rest.len());
    let value = &rest[..end];
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let date = value.len() >= 10
        && value.as_bytes()[4] == b'-'
        && value.as_bytes()[7] == b'-'
        && digits(&value[..4])
        && digits(&value[5..7])
        && digits(&value[8..10]);
    let time = value.len() >= 5 && value.as_bytes()[2] == b':' && digits(&value[..2]);
    (date || time).then_some(value)
}

fn quote_all(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Collects problems while compiling; shared by the compilers, the name rules and the
/// route checks.
#[derive(Debug, Default)]
pub struct Problems(pub Vec<Problem>);

impl Problems {
    /// Records a problem at `span`.
    pub fn add(&mut self, span: Range<usize>, message: impl Into<String>, help: &str) {
        let problem = Problem::new(span, message);
        self.0.push(if help.is_empty() {
            problem
        } else {
            problem.help(help)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let source = "a = 1\nbb = -3\n";
        let problem = Problem::new(11..13, "bad");
        assert_eq!(problem.line_column(source), (2, 6));
    }

    #[test]
    fn rendering_names_file_line_column_and_help() {
        let source = "[run]\nname = \"x\"\nper_day = -3\n";
        let problem = Problem::new(27..29, "`per_day` must be positive, found -3")
            .help("write a number of referrals per day above 0");
        let text = render("s.toml", source, &[problem]);
        assert!(text.contains("--> s.toml:3:11"), "{text}");
        assert!(text.contains("help: write a number"), "{text}");
        assert!(text.contains("1 problem in s.toml"), "{text}");
    }

    #[test]
    fn the_key_before_a_value_is_found() {
        let source = "[a]\nper_day = \"five\"\nx = { mean = 3 }";
        assert_eq!(key_before(source, 14).as_deref(), Some("per_day"));
        let mean = source.find('3').unwrap();
        assert_eq!(key_before(source, mean).as_deref(), Some("mean"));
        assert_eq!(key_before(source, 0), None);
    }

    /// Fuzz finding 01 (issue 9): a non-ASCII character before `=` is not cut in half.
    #[test]
    fn the_key_before_a_value_after_a_non_ascii_character() {
        let source = "# café=\u{0}";
        assert_eq!(key_before(source, source.len() - 1), None);
        let source = "[a]\nnamé = 3";
        assert_eq!(key_before(source, source.len() - 1), None);
        let source = "[a]\né_x = 3";
        assert_eq!(key_before(source, source.len() - 1).as_deref(), Some("_x"));
    }

    #[test]
    fn unknown_keys_get_the_nearest_valid_key() {
        let message =
            "unknown field `per_dya`, expected one of `pathway`, `per_day`, `hour_profile`";
        let help = suggest_for_unknown(message).unwrap();
        assert_eq!(help, "did you mean `per_day`?");
        assert_eq!(suggest_for_unknown("invalid type: string"), None);
    }
}
