//! Console output: every line a command prints to standard output goes through [`line`],
//! so that a closed pipe (`carepath check FILE | head -1`) or a full device
//! (`carepath check FILE > /dev/full`) never panics.
//!
//! A reader that has gone away ends the command quietly with status 141 (128 + SIGPIPE, what
//! the shell reports for any program stopped by a closed pipe); any other write error is an
//! error with a message, status 1. Output files are complete before anything is printed, so
//! a closed pipe loses only console text.

use std::io::{ErrorKind, Write};

use thiserror::Error;

/// Exit status when standard output's reader has closed the pipe.
pub const CLOSED_PIPE_STATUS: u8 = 141;

/// The reader of standard output closed it; the command stops quietly.
#[derive(Debug, Error)]
#[error("standard output was closed")]
pub struct PipeClosed;

/// Widest console line [characters]: longer lines are wrapped, so that output reads in an
/// 100-column terminal or pasted into a document.
pub const MAX_COLUMNS: usize = 100;

/// `text` with every line longer than [`MAX_COLUMNS`] wrapped at spaces, continuation lines
/// indented four spaces beyond the line's own indent.
pub fn fit(text: &str) -> String {
    wrap(text, true)
}

/// As [`fit`] for an error message, but a word longer than a line (a path the user gave) is
/// never broken, so that it can be copied whole: it stands on a line of its own, which only
/// it makes longer than [`MAX_COLUMNS`].
pub fn fit_message(text: &str) -> String {
    wrap(text, false)
}

/// `text` with every line longer than [`MAX_COLUMNS`] wrapped at spaces, breaking words
/// longer than a line if `break_words`.
fn wrap(text: &str, break_words: bool) -> String {
    text.lines()
        .map(|line| {
            if line.chars().count() <= MAX_COLUMNS {
                return line.to_string();
            }
            let indent = &line[..line.len() - line.trim_start().len()];
            let hanging = format!("{indent}    ");
            let options = textwrap::Options::new(MAX_COLUMNS)
                .initial_indent(indent)
                .subsequent_indent(&hanging)
                .break_words(break_words);
            textwrap::fill(line.trim_start(), options)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Prints `text` and a newline to standard output, flushed, long lines wrapped ([`fit`]).
///
/// # Errors
/// [`PipeClosed`] when the reader has gone; otherwise the write error, described.
pub fn line(text: &str) -> anyhow::Result<()> {
    let text = fit(text);
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Err(PipeClosed.into()),
        Err(e) => Err(anyhow::anyhow!(
            "cannot write to standard output: {}\nhelp: send the output to a file or device with room (files in an output folder are complete before anything is printed)",
            carepath::scenario::input::io_words(&e)
        )),
    }
}

/// Prints `text` and a newline to standard error, ignoring failure (there is nowhere left to
/// report it).
pub fn error_line(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}").and_then(|()| err.flush());
}

#[cfg(test)]
mod tests {
    use super::{MAX_COLUMNS, fit};

    /// A message with a path longer than a line: wrapped at spaces, the path kept whole on a
    /// line of its own, every other line within the width.
    #[test]
    fn an_error_message_keeps_a_long_path_whole() {
        let path = format!("/{}", "folder/".repeat(20));
        let message = format!(
            "error: {path}a and {path}b come from different runs: their seeds differ\nhelp: merge only the shards of one run"
        );
        let fitted = super::fit_message(&message);
        let lines: Vec<&str> = fitted.lines().collect();
        assert_eq!(lines[0], "error:", "{fitted}");
        assert_eq!(lines[1].trim(), format!("{path}a"));
        assert_eq!(
            fitted.split_whitespace().collect::<Vec<_>>(),
            message.split_whitespace().collect::<Vec<_>>()
        );
        for line in &lines {
            assert!(
                line.chars().count() <= MAX_COLUMNS || !line.trim().contains(' '),
                "{fitted}"
            );
        }
        assert_eq!(
            *lines.last().unwrap(),
            "help: merge only the shards of one run"
        );
    }

    #[test]
    fn long_lines_are_wrapped_with_a_hanging_indent() {
        let long = format!("  {}", "word ".repeat(60));
        let fitted = fit(&format!("short\n{long}"));
        let lines: Vec<&str> = fitted.lines().collect();
        assert_eq!(lines[0], "short");
        assert!(lines.len() > 3, "{fitted}");
        assert!(
            lines.iter().all(|l| l.chars().count() <= MAX_COLUMNS),
            "{fitted}"
        );
        assert!(lines[1].starts_with("  word") && lines[2].starts_with("      word"));
        assert_eq!(fitted.split_whitespace().count(), 61);
    }
}
