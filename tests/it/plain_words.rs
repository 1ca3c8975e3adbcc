//! Issue 9 item 17: every message in the user's words. Over a corpus of bad inputs (every
//! invalid fixture, hand-written type mistakes, and every value of a shipped scenario
//! replaced by a value of each wrong type), no message names a Rust type, every problem has
//! a `help:` line and a `--> file:line:column` place.

use std::path::Path;

use carepath::scenario::{ScenarioError, load, parse};
use toml::{Table, Value};

use crate::support::repository_root;

/// Words that only a Rust programmer would recognise in a message.
const JARGON: [&str; 5] = ["struct", "enum", "variant", "File", "::"];

/// Asserts that `report` (problems rendered for `path`) is in plain words, each problem with
/// a help line and a place; returns the number of problems.
fn assert_plain(report: &str, path: &str, what: &str) -> usize {
    let blocks: Vec<&str> = report
        .split("\nerror: ")
        .map(|b| b.strip_prefix("error: ").unwrap_or(b))
        .filter(|b| !b.trim().is_empty())
        .collect();
    assert!(!blocks.is_empty(), "{what}: no problem reported:\n{report}");
    for block in &blocks {
        // The message, the help and any note; the quoted line of the file is the user's own.
        let words: Vec<&str> = block
            .lines()
            .enumerate()
            .filter(|(i, line)| *i == 0 || line.trim_start().starts_with("= "))
            .map(|(_, line)| line)
            .collect();
        for word in JARGON {
            assert!(
                !words.iter().any(|line| line.contains(word)),
                "{what}: `{word}` in a message:\n{block}"
            );
        }
        assert!(
            words.iter().any(|l| l.trim_start().starts_with("= help: ")),
            "{what}: no help line:\n{block}"
        );
        let place = block
            .lines()
            .find_map(|l| l.trim_start().strip_prefix("--> "))
            .and_then(|p| p.strip_prefix(path))
            .and_then(|p| p.strip_prefix(':'))
            .and_then(|p| p.split_once(':'))
            .and_then(|(l, c)| Some((l.parse::<usize>().ok()?, c.trim().parse::<usize>().ok()?)));
        assert!(
            place.is_some_and(|(l, c)| l >= 1 && c >= 1),
            "{what}: no --> {path}:line:column:\n{block}"
        );
    }
    blocks.len()
}

/// The rendered report of a file that must not load.
fn report_of(path: &Path) -> String {
    match load(path) {
        Err(ScenarioError::Invalid { report, .. }) => report,
        Err(other) => panic!("{}: {other}", path.display()),
        Ok(_) => panic!("{} loaded", path.display()),
    }
}

/// Issue 9 item 17, the issue's own examples: `[run]` as a list ("invalid length 2, expected
/// struct RunFile with 7 elements") and an exponential given text ("expected struct variant
/// DistributionFile::Exponential") are said in scenario words with what to type.
#[test]
fn issue_9_item_17_the_issues_examples_are_in_plain_words() {
    let root = repository_root();
    let run = report_of(&root.join("tests/fixtures/plain_words/run_as_list.toml"));
    assert!(
        run.contains("expected the [run] table, with keys such as `name` and `horizon`, found a list of 2 items"),
        "{run}"
    );
    assert!(run.contains("help: write the [run] table"), "{run}");
    let exponential = report_of(&root.join("tests/fixtures/plain_words/exponential_as_text.toml"));
    assert!(
        exponential.contains("expected a table with key `mean`, found text \"1 h\""),
        "{exponential}"
    );
    assert!(
        exponential.contains(
            "help: write a table with key `mean`, e.g. { exponential = { mean = \"1 h\" } }"
        ),
        "{exponential}"
    );
    assert!(
        exponential.contains("exponential_as_text.toml:15:61"),
        "{exponential}"
    );
}

/// Issue 9 item 17: every invalid fixture and every hand-written type mistake.
#[test]
fn issue_9_item_17_every_fixture_message_is_plain_with_help_and_place() {
    let mut seen = 0;
    for folder in ["tests/fixtures/invalid", "tests/fixtures/plain_words"] {
        let mut paths: Vec<_> = std::fs::read_dir(repository_root().join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let label = path.display().to_string();
            seen += assert_plain(&report_of(&path), &label, &label);
        }
    }
    assert!(seen >= 45, "{seen} problems");
}

/// Every leaf of `value` (by path of keys and list positions).
fn leaf_paths(value: &Value, here: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    match value {
        Value::Table(table) => {
            for (key, inner) in table {
                here.push(Value::String(key.clone()));
                leaf_paths(inner, here, out);
                here.pop();
            }
        }
        Value::Array(list) => {
            out.push(here.clone());
            for (i, inner) in list.iter().enumerate() {
                here.push(Value::Integer(i as i64));
                leaf_paths(inner, here, out);
                here.pop();
            }
        }
        _ => out.push(here.clone()),
    }
    if matches!(value, Value::Table(_)) && !here.is_empty() {
        out.push(here.clone());
    }
}

fn slot<'a>(value: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(value, |v, step| match step {
        Value::String(key) => &mut v[key.as_str()],
        Value::Integer(i) => &mut v[*i as usize],
        _ => unreachable!(),
    })
}

/// Issue 9 item 17: every value of a shipped scenario (and every table and list) replaced by
/// text, a whole number, a number, true, a list and a table in turn: whatever is refused is
/// refused in plain words, with help and a place.
#[test]
fn issue_9_item_17_wrong_types_for_every_value_are_said_plainly() {
    let text =
        std::fs::read_to_string(repository_root().join("scenarios/small_rich.toml")).unwrap();
    let base = Value::Table(toml::from_str::<Table>(&text).unwrap());
    let mut paths = Vec::new();
    leaf_paths(&base, &mut Vec::new(), &mut paths);
    let wrong = [
        Value::String("x".into()),
        Value::Integer(7),
        Value::Float(2.5),
        Value::Boolean(true),
        Value::Array(vec![Value::Integer(1), Value::Integer(2)]),
        Value::Table(Table::from_iter([("a".to_string(), Value::Integer(1))])),
    ];
    let (mut tried, mut refused) = (0, 0);
    for path in &paths {
        for value in &wrong {
            let mut mutant = base.clone();
            *slot(&mut mutant, path) = value.clone();
            let Ok(text) = toml::to_string(&mutant) else {
                continue;
            };
            tried += 1;
            match parse("corpus.toml", &text) {
                Ok(_) => {}
                Err(ScenarioError::Invalid { report, .. }) => {
                    refused += 1;
                    assert_plain(&report, "corpus.toml", &format!("{path:?} = {value}"));
                }
                Err(other) => panic!("{other}"),
            }
        }
    }
    assert!(
        tried > 1000 && refused > 800,
        "{tried} tried, {refused} refused"
    );
}
