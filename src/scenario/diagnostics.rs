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
}

impl Problem {
    /// A problem at `span`.
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Problem {
            span,
            message: message.into(),
            help: None,
            file: 0,
        }
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
        let diagnostic = Diagnostic::error()
            .with_message(&problem.message)
            .with_labels(vec![Label::primary(file, span)])
            .with_notes(notes.clone());
        match term::emit_into_string(&config, &files, &diagnostic) {
            Ok(text) => out.push_str(&text),
            Err(_) => {
                // Plain fallback with the same facts, should the renderer ever refuse.
                let (line, column) = problem.line_column(source);
                out.push_str(&format!(
                    "error: {}\n  --> {path}:{line}:{column}\n",
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
    let count = problems.len();
    let path = texts.first().map_or("scenario", |t| t.0);
    out.push_str(&format!(
        "{count} problem{} in {path}; nothing was run.\n",
        if count == 1 { "" } else { "s" }
    ));
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
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map_or(0, |i| i + 1);
    let key = &before[start..];
    (!key.is_empty()).then(|| key.rsplit('.').next().unwrap_or(key).to_string())
}

/// Rewrites serde's Rust type names in a message into words an analyst knows.
pub fn plain_type_names(message: &str) -> String {
    [
        ("expected f64", "expected a number"),
        ("expected i64", "expected a whole number"),
        ("expected a sequence", "expected a list in [ ]"),
        ("expected a map", "expected a table"),
        ("invalid type: ", ""),
    ]
    .iter()
    .fold(message.to_string(), |text, (from, to)| {
        text.replace(from, to)
    })
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

    #[test]
    fn unknown_keys_get_the_nearest_valid_key() {
        let message =
            "unknown field `per_dya`, expected one of `pathway`, `per_day`, `hour_profile`";
        let help = suggest_for_unknown(message).unwrap();
        assert_eq!(help, "did you mean `per_day`?");
        assert_eq!(suggest_for_unknown("invalid type: string"), None);
    }
}
