//! The one rule for names that become part of a metric name or a file name (pathways, steps,
//! resources, referral sources, calendars, attributes, outcomes, key figures), and the check
//! that no two different things in a scenario report under the same metric name.
//!
//! The rule: ASCII letters, digits and `_`, starting with a letter, at most [`MAX_NAME_LEN`]
//! characters. Metric names join names with `.` (`wait.<pathway>.<step>.mean`), so with no
//! `.` inside a name the parts of a metric name can always be told apart; with no `/`, `\`,
//! spaces or other punctuation a name is a valid file name everywhere.
//!
//! What the rule alone does not prevent, [`check_collisions`] does:
//! - a pathway or resource named like one of the fixed first parts of metric names
//!   ([`RESERVED`]: `wait.*`, `handoff.*`, `cost.*`, `key.*`, `system.*`), or a resource
//!   named `outcome` or `total` (`cost.<resource>.*` beside `cost.outcome.*`, `cost.total`);
//! - a pathway and a resource of the same name (both start their metrics with their name);
//! - an `end` outcome named `to_<pathway>`, the name given to transfers into that pathway;
//! - two names that differ only in case (`Visit`, `visit`): their chart files would be the
//!   same file on the case-insensitive file systems of Windows and macOS.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use super::diagnostics::Problems;
use super::file::ScenarioFile;

/// Longest name accepted [characters].
pub const MAX_NAME_LEN: usize = 64;

/// First parts of metric names that are not a pathway or a resource.
pub const RESERVED: [&str; 5] = ["wait", "handoff", "cost", "key", "system"];

/// Second parts of `cost.*` metric names that are not a resource.
const RESERVED_AFTER_COST: [&str; 2] = ["outcome", "total"];

/// Whether `name` follows the rule.
pub fn is_valid(name: &str) -> bool {
    name.len() <= MAX_NAME_LEN
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A name close to `name` that follows the rule: other characters become `_`, a leading
/// non-letter gets a prefix, and the result is cut to the length limit.
pub fn suggest(name: &str, what: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    let trimmed = out.trim_matches('_');
    let mut out = if trimmed.is_empty() {
        format!("{what}_1")
    } else if trimmed.starts_with(|c: char| c.is_ascii_alphabetic()) {
        trimmed.to_string()
    } else {
        format!("{what}_{trimmed}")
    };
    out.truncate(MAX_NAME_LEN);
    out
}

/// Records a problem at `span` if `name` (a `what`, e.g. "step") breaks the rule.
pub fn check(problems: &mut Problems, name: &str, span: Range<usize>, what: &str) {
    if is_valid(name) {
        return;
    }
    let why = if name.is_empty() {
        "is empty".to_string()
    } else if name.chars().count() > MAX_NAME_LEN {
        format!("is {} characters long", name.chars().count())
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        "does not start with an ASCII letter (a to z, A to Z)".to_string()
    } else {
        let bad: String = name
            .chars()
            .filter(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
            .take(3)
            .map(|c| format!("`{c}`"))
            .collect::<Vec<_>>()
            .join(", ");
        format!("contains {bad}")
    };
    problems.add(
        span,
        format!(
            "{what} name \"{}\" {why}; names may only use letters, digits and `_`, start with a letter and be at most {MAX_NAME_LEN} characters (they become metric and file names)",
            shorten(name)
        ),
        &format!("e.g. \"{}\"", suggest(name, what)),
    );
}

fn shorten(name: &str) -> String {
    if name.chars().count() > 80 {
        format!("{}...", name.chars().take(77).collect::<String>())
    } else {
        name.to_string()
    }
}

/// Checks every name in `file` against the rule and against each other (see the module
/// header), recording each problem at the name.
pub fn check_all(problems: &mut Problems, file: &ScenarioFile) {
    for (name, value) in &file.calendars {
        check(problems, name, value.span(), "calendar");
    }
    for (name, value) in &file.attributes {
        check(problems, name, value.span(), "attribute");
    }
    for (name, value) in &file.resources {
        check(problems, name, value.span(), "resource");
    }
    for (name, value) in &file.arrivals {
        check(problems, name, value.span(), "referral source");
    }
    for (name, value) in &file.outcomes {
        check(problems, name, value.span(), "outcome");
    }
    for (name, value) in &file.key_figures {
        check(problems, name, value.span(), "key figure");
    }
    for (name, pathway) in &file.pathways {
        check(problems, name, pathway.span(), "pathway");
        for step in pathway.get_ref().steps.get_ref() {
            let step = step.get_ref();
            check(problems, step.name.get_ref(), step.name.span(), "step");
            if let Some(end) = &step.end {
                let outcome = &end.get_ref().outcome;
                check(problems, outcome.get_ref(), outcome.span(), "outcome");
            }
        }
    }
    check_collisions(problems, file);
}

/// Reports names that would make two different things share a metric name or a file name.
fn check_collisions(problems: &mut Problems, file: &ScenarioFile) {
    // Pathways and resources share the first part of metric names, with the reserved words.
    let mut first_parts = CaseFolded::default();
    for word in RESERVED {
        first_parts.seen.insert(
            word.to_string(),
            (word.to_string(), "a fixed part of metric names"),
        );
    }
    for (name, value) in &file.pathways {
        first_parts.add(problems, name, value.span(), "pathway");
    }
    for (name, value) in &file.resources {
        first_parts.add(problems, name, value.span(), "resource");
        if let Some(word) = RESERVED_AFTER_COST
            .iter()
            .find(|w| w.eq_ignore_ascii_case(name))
        {
            problems.add(
                value.span(),
                format!("resource name `{name}` would make its cost metrics `cost.{name}.*` read like `cost.{word}`"),
                &format!("rename the resource, e.g. `{name}_team`"),
            );
        }
    }
    for (what, names) in [
        ("calendar", spans_of(&file.calendars)),
        ("attribute", spans_of(&file.attributes)),
        ("referral source", spans_of(&file.arrivals)),
        ("key figure", spans_of(&file.key_figures)),
    ] {
        let mut seen = CaseFolded::default();
        for (name, span) in names {
            seen.add(problems, name, span, what);
        }
    }
    // Outcomes: named in `end` steps (and given costs under [outcomes]); transfers add
    // `to_<pathway>`.
    let mut outcomes = CaseFolded::default();
    let mut transfer_targets: BTreeMap<String, String> = BTreeMap::new();
    for (pathway_name, pathway) in &file.pathways {
        let mut steps = CaseFolded::default();
        for step in pathway.get_ref().steps.get_ref() {
            let step = step.get_ref();
            steps.add_within(
                problems,
                step.name.get_ref(),
                step.name.span(),
                "step",
                pathway_name,
            );
            if let Some(end) = &step.end {
                let outcome = &end.get_ref().outcome;
                outcomes.add(problems, outcome.get_ref(), outcome.span(), "outcome");
            }
            if let Some(transfer) = &step.transfer {
                let target = transfer.get_ref().pathway.get_ref();
                transfer_targets
                    .insert(format!("to_{target}").to_ascii_lowercase(), target.clone());
            }
        }
    }
    for (pathway_name, pathway) in &file.pathways {
        for step in pathway.get_ref().steps.get_ref() {
            if let Some(end) = &step.get_ref().end {
                let outcome = &end.get_ref().outcome;
                if let Some(target) = transfer_targets.get(&outcome.get_ref().to_ascii_lowercase())
                {
                    problems.add(
                        outcome.span(),
                        format!(
                            "outcome `{}` of pathway `{pathway_name}` has the name given to transfers into pathway `{target}`, so the two would be counted as one",
                            outcome.get_ref()
                        ),
                        &format!("rename the outcome, e.g. `moved_to_{target}`"),
                    );
                }
            }
        }
    }
}

fn spans_of<T>(map: &BTreeMap<String, Spanned<T>>) -> Vec<(&String, Range<usize>)> {
    map.iter()
        .map(|(name, value)| (name, value.span()))
        .collect()
}

/// Names seen so far, by their lower-case form, with what they name.
#[derive(Default)]
struct CaseFolded {
    seen: BTreeMap<String, (String, &'static str)>,
}

impl CaseFolded {
    /// Records `name`; reports it if a different name (or the same name for another kind of
    /// thing) with the same lower-case form was seen.
    fn add(&mut self, problems: &mut Problems, name: &str, span: Range<usize>, what: &'static str) {
        let folded = name.to_ascii_lowercase();
        match self.seen.get(&folded) {
            None => {
                self.seen.insert(folded, (name.to_string(), what));
            }
            Some((earlier, earlier_what)) if earlier == name && *earlier_what == what => {}
            Some((earlier, earlier_what)) => {
                let message = if earlier_what.starts_with("a fixed") {
                    format!(
                        "{what} name `{name}` is {earlier_what} (`{earlier}.*`), so its metrics would mix with those"
                    )
                } else if earlier == name {
                    format!(
                        "{what} `{name}` has the same name as {earlier_what} `{earlier}`; both would report metrics named `{name}.*`"
                    )
                } else {
                    format!(
                        "{what} `{name}` and {earlier_what} `{earlier}` differ only in capital letters; their metrics and chart files could not be told apart on every computer"
                    )
                };
                let help = if earlier_what.starts_with("a fixed") {
                    format!(
                        "rename the {what}, e.g. `{name}_team`; not allowed as pathway or resource names: {}",
                        RESERVED.join(", ")
                    )
                } else {
                    format!("rename one of them, e.g. `{name}_2`")
                };
                problems.add(span, message, &help);
            }
        }
    }

    /// Like [`CaseFolded::add`], for steps of one pathway.
    fn add_within(
        &mut self,
        problems: &mut Problems,
        name: &str,
        span: Range<usize>,
        what: &'static str,
        pathway: &str,
    ) {
        let folded = name.to_ascii_lowercase();
        match self.seen.get(&folded) {
            None => {
                self.seen.insert(folded, (name.to_string(), what));
            }
            // Exact duplicates are reported by the step compiler.
            Some((earlier, _)) if earlier == name => {}
            Some((earlier, _)) => problems.add(
                span,
                format!("steps `{name}` and `{earlier}` of pathway `{pathway}` differ only in capital letters; their metrics and chart files could not be told apart on every computer"),
                &format!("rename one of them, e.g. `{name}_2`"),
            ),
        }
    }
}

/// Reports metric names that two things share (ignoring case), from the catalogue of a
/// compiled scenario. With [`check_all`] passed this finds nothing; it guards against a
/// metric added later that breaks the scheme. The problem points at the pathway or resource
/// named in the metric, else at the run's `name`.
pub fn check_catalogue(problems: &mut Problems, names: &[String], file: &ScenarioFile) {
    let mut seen: BTreeMap<String, &str> = BTreeMap::new();
    for name in names {
        if let Some(earlier) = seen.insert(name.to_ascii_lowercase(), name) {
            let span = name
                .split('.')
                .find_map(|part| {
                    file.pathways
                        .get(part)
                        .map(Spanned::span)
                        .or_else(|| file.resources.get(part).map(Spanned::span))
                })
                .unwrap_or_else(|| file.run.name.span());
            problems.add(
                span,
                format!("two figures of this scenario would both be reported as `{name}` (and `{earlier}`)"),
                "rename the pathway, resource, step or outcome named in it",
            );
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_accepts_plain_names_only() {
        for good in [
            "a",
            "visit",
            "rapid_response",
            "D2A_pathway_1",
            &"a".repeat(64),
        ] {
            assert!(is_valid(good), "{good}");
        }
        for bad in [
            "",
            "a/b",
            "a.b",
            "1st",
            "_a",
            "a b",
            "a-b",
            "café",
            &"a".repeat(65),
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn a_metric_name_listed_twice_is_reported_at_its_pathway() {
        let text = "[run]\nname = \"x\"\nhorizon = \"1 d\"\n[[pathways.p.steps]]\nname = \"done\"\nend = { outcome = \"ok\" }\n";
        let file: ScenarioFile = toml::from_str(text).unwrap();
        let mut problems = Problems::default();
        let names = ["p.arrivals".to_string(), "p.completed".to_string()];
        check_catalogue(&mut problems, &names, &file);
        assert!(problems.0.is_empty());
        let names = ["p.arrivals".to_string(), "p.Arrivals".to_string()];
        check_catalogue(&mut problems, &names, &file);
        assert_eq!(problems.0.len(), 1);
        assert!(
            problems.0[0].message.contains("`p.Arrivals`"),
            "{:?}",
            problems.0
        );
        // At the pathway the metric names.
        assert_eq!(problems.0[0].line_column(text).0, 4, "{:?}", problems.0);
    }

    #[test]
    fn suggestions_follow_the_rule() {
        for name in [
            "",
            "a/b",
            "a.b",
            "1st",
            "_a",
            "a b",
            "café",
            "../x",
            &"x".repeat(99),
        ] {
            let suggestion = suggest(name, "step");
            assert!(is_valid(&suggestion), "{name} -> {suggestion}");
        }
        assert_eq!(suggest("a/b", "step"), "a_b");
        assert_eq!(suggest("1st", "step"), "step_1st");
        assert_eq!(suggest("", "step"), "step_1");
    }
}
