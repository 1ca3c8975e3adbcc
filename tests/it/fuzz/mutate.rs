//! Mutations of a scenario file's text: the small edits and slips that real files suffer
//! (a line deleted, duplicated or moved, a number or name replaced by an extreme, a file
//! cut short) and some hostile ones (random bytes, huge lists, deep nesting, odd `extends`).

use super::draw::Draw;

/// Numbers as TOML text: zeros, signs, the edges of the integer types, non-finite floats,
/// and values that are not numbers at all.
const EXTREME_NUMBERS: &[&str] = &[
    "0",
    "-1",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "2147483648",
    "2147483647",
    "4294967296",
    "4294967295",
    "65536",
    "256",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "1e-320",
    "-0.0",
    "0.5",
    "1000000",
    "\"\"",
    "\"x\"",
];

/// Durations as the text inside the quotes.
const EXTREME_DURATIONS: &[&str] = &[
    "0 s",
    "0 h",
    "-1 h",
    "1e308 d",
    "inf h",
    "NaN min",
    "18446744073709551616 s",
    "4294967296 w",
    "2147483648 d",
    "1e-300 s",
    "1 fortnight",
    "",
    "5",
    " d",
    "25:00",
    "23:59",
    "00:00",
    "24:00",
];

/// Replacement values of another type, for `key = value` lines.
const OTHER_TYPES: &[&str] = &[
    "\"text\"",
    "5",
    "-5",
    "2.5",
    "true",
    "[]",
    "[1, 2]",
    "[\"a\", \"b\"]",
    "{}",
    "{ a = 1 }",
    "1979-05-27T07:32:00Z",
    "[[1]]",
    "{ fixed = \"1 h\" }",
];

/// Keys whose string values are names of other things in the file.
const NAME_KEYS: &[&str] = &[
    "name",
    "pathway",
    "resource",
    "to",
    "next",
    "fallback",
    "step",
    "outcome",
    "hours",
    "calendar",
    "attribute",
    "open",
    "closed",
];

/// A name as it would be written between quotes: empty, a path, a 10,000-character name,
/// spaces, dots, and letters outside ASCII.
fn extreme_name(draw: &mut Draw) -> String {
    match draw.below(9) {
        0 => String::new(),
        1 => "a/b".to_string(),
        2 => "n".repeat(10_000),
        3 => "a b".to_string(),
        4 => "a.b".to_string(),
        5 => "..".to_string(),
        6 => "ünï_çødé".to_string(),
        7 => "x\\\\y".to_string(),
        _ => "CON".to_string(),
    }
}

/// One applied mutation, described for people and grouped by what it touched.
pub struct Applied {
    /// What was done, e.g. `number 3 -> 1e308 on line 12 (per_day)`.
    pub description: String,
    /// Kind and key, e.g. `number@per_day`: findings that hang or exhaust memory are told
    /// apart by this.
    pub touched: String,
}

/// Applies one mutation to `text`; `others` are the other files of the corpus (for lines
/// carried across).
pub fn mutate(draw: &mut Draw, text: &mut String, others: &[&str], own_name: &str) -> Applied {
    let applied = match draw.below(16) {
        0 | 1 => delete_line(draw, text),
        2 => duplicate_line(draw, text),
        3 => swap_lines(draw, text),
        4 | 5 => replace_number(draw, text),
        6 => replace_string(draw, text),
        7 | 8 => rename(draw, text),
        9 => truncate(draw, text),
        10 => insert_text(draw, text),
        11 => replace_duration(draw, text),
        12 => change_type(draw, text),
        13 => carry_line(draw, text, others),
        14 => blocks(draw, text),
        _ => hostile(draw, text, own_name),
    };
    applied.unwrap_or_else(|| {
        // Nothing of the chosen kind in this file: delete a line instead.
        delete_line(draw, text).unwrap_or(Applied {
            description: "none (empty file)".to_string(),
            touched: "none".to_string(),
        })
    })
}

/// The lines of `text` (without their ends).
fn lines(text: &str) -> Vec<&str> {
    text.split('\n').collect()
}

/// The key of a `key = value` line, or the header of a `[table]` line.
fn key_of(line: &str) -> String {
    let line = line.trim();
    if line.starts_with('[') {
        return line.trim_matches(|c| c == '[' || c == ']').to_string();
    }
    line.split_once('=')
        .map_or(String::new(), |(key, _)| key.trim().to_string())
        .chars()
        .take(40)
        .collect()
}

/// The key a byte offset falls under: the nearest `key =` before it on its line.
fn key_at(text: &str, offset: usize) -> String {
    let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[start..offset];
    match before.rfind('=') {
        Some(eq) => {
            let head = before[..eq].trim_end();
            let key_start = head
                .char_indices()
                .rfind(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_'))
                .map_or(0, |(i, c)| i + c.len_utf8());
            head[key_start..].to_string()
        }
        None => key_of(&text[start..]),
    }
}

fn line_number(text: &str, offset: usize) -> usize {
    text[..offset].matches('\n').count() + 1
}

fn join(lines: &[&str]) -> String {
    lines.join("\n")
}

fn delete_line(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    let mut all = lines(text);
    if all.len() < 2 {
        return None;
    }
    let at = draw.below(all.len());
    let touched = format!("delete@{}", key_of(all[at]));
    all.remove(at);
    *text = join(&all);
    Some(Applied {
        description: format!("deleted line {}", at + 1),
        touched,
    })
}

fn duplicate_line(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    let mut all = lines(text);
    let at = draw.below(all.len());
    let touched = format!("duplicate@{}", key_of(all[at]));
    all.insert(at, all[at]);
    *text = join(&all);
    Some(Applied {
        description: format!("duplicated line {}", at + 1),
        touched,
    })
}

fn swap_lines(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    let mut all = lines(text);
    if all.len() < 2 {
        return None;
    }
    let a = draw.below(all.len());
    // Mostly neighbours (a step's keys in another order), sometimes far apart.
    let b = if draw.chance(50) {
        (a + 1).min(all.len() - 1)
    } else {
        draw.below(all.len())
    };
    let touched = format!("swap@{}", key_of(all[a]));
    all.swap(a, b);
    *text = join(&all);
    Some(Applied {
        description: format!("swapped lines {} and {}", a + 1, b + 1),
        touched,
    })
}

/// Byte ranges of the numbers in `text` (also those inside strings, such as durations).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts = bytes[i].is_ascii_digit()
            && (i == 0
                || !(bytes[i - 1].is_ascii_alphanumeric()
                    || bytes[i - 1] == b'_'
                    || bytes[i - 1] == b'.'));
        if starts {
            let start = if i > 0 && bytes[i - 1] == b'-' {
                i - 1
            } else {
                i
            };
            let mut end = i;
            while end < bytes.len()
                && (bytes[end].is_ascii_digit()
                    || bytes[end] == b'.'
                    || bytes[end] == b'_'
                    || bytes[end] == b'e'
                    || bytes[end] == b'E')
            {
                end += 1;
            }
            found.push((start, end));
            i = end;
        } else {
            i += 1;
        }
    }
    found
}

fn replace_number(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    let found = numbers(text);
    if found.is_empty() {
        return None;
    }
    let (start, end) = *draw.pick(&found);
    let old: f64 = text[start..end].replace('_', "").parse().unwrap_or(1.0);
    let new = match draw.below(8) {
        0 => "9".repeat(400),
        1 => format!("{}", draw.between(-3, 3)),
        // Ordinary changes, which mostly keep the file valid and reach the run.
        2 => format!("{}", (old * 2.0).round()),
        3 => format!("{}", (old / 2.0).floor()),
        _ => draw.pick(EXTREME_NUMBERS).to_string(),
    };
    let key = key_at(text, start);
    let description = format!(
        "number {} -> {} on line {} ({key})",
        &text[start..end],
        abbreviate(&new),
        line_number(text, start)
    );
    text.replace_range(start..end, &new);
    Some(Applied {
        description,
        touched: format!("number@{key}"),
    })
}

/// Byte ranges of the contents of the one-line strings in `text`.
fn strings(text: &str) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        let code = line.split('#').next().unwrap_or("");
        let quotes: Vec<usize> = code
            .match_indices('"')
            .map(|(i, _)| i)
            .filter(|&i| i == 0 || code.as_bytes()[i - 1] != b'\\')
            .collect();
        for pair in quotes.chunks(2) {
            if let [open, close] = pair {
                found.push((offset + open + 1, offset + close));
            }
        }
        offset += line.len() + 1;
    }
    found
}

fn replace_string(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    let found = strings(text);
    if found.len() < 2 {
        return None;
    }
    let (start, end) = *draw.pick(&found);
    let (from_start, from_end) = *draw.pick(&found);
    let new = text[from_start..from_end].to_string();
    let key = key_at(text, start);
    let description = format!(
        "string \"{}\" -> \"{}\" on line {} ({key})",
        abbreviate(&text[start..end]),
        abbreviate(&new),
        line_number(text, start)
    );
    text.replace_range(start..end, &new);
    Some(Applied {
        description,
        touched: format!("string@{key}"),
    })
}

fn replace_duration(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    let found: Vec<(usize, usize)> = strings(text)
        .into_iter()
        .filter(|&(s, e)| {
            let inside = &text[s..e];
            inside.starts_with(|c: char| c.is_ascii_digit()) && inside.contains(' ')
                || inside.contains(':')
        })
        .collect();
    if found.is_empty() {
        return None;
    }
    let (start, end) = *draw.pick(&found);
    let new = draw.pick(EXTREME_DURATIONS).to_string();
    let key = key_at(text, start);
    let description = format!(
        "duration \"{}\" -> \"{new}\" on line {} ({key})",
        &text[start..end],
        line_number(text, start)
    );
    text.replace_range(start..end, &new);
    Some(Applied {
        description,
        touched: format!("duration@{key}"),
    })
}

/// The names defined or referred to in `text`: table header segments after the first, and
/// the values of keys that name things.
fn names(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.split('\n') {
        let line = line.trim();
        if line.starts_with('[') {
            let header = line.trim_matches(|c| c == '[' || c == ']');
            found.extend(
                header
                    .split('.')
                    .skip(1)
                    .filter(|s| *s != "steps")
                    .map(|s| s.trim_matches('"').to_string()),
            );
        }
    }
    let all: Vec<(usize, usize)> = strings(text);
    for (start, end) in all {
        if NAME_KEYS.contains(&key_at(text, start).as_str()) {
            found.push(text[start..end].to_string());
        }
    }
    found.retain(|n| !n.is_empty() && n.len() < 200);
    found.sort();
    found.dedup();
    found
}

/// Renames a name to an extreme one: everywhere (definition and references, so that the
/// file stays consistent and reaches the run), or at one place only.
fn rename(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    let found = names(text);
    if found.is_empty() {
        return None;
    }
    let old = draw.pick(&found).clone();
    let new = extreme_name(draw);
    let everywhere = draw.chance(60);
    let quoted_old = format!("\"{old}\"");
    let quoted_new = format!("\"{new}\"");
    let mut renamed = String::with_capacity(text.len());
    let mut done = 0;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            renamed.push('\n');
        }
        if everywhere || done == 0 {
            let trimmed = line.trim_start();
            let new_line = if trimmed.starts_with('[') {
                let segments: Vec<String> = line
                    .split('.')
                    .map(|segment| {
                        let bare = segment.trim_end_matches(']');
                        if bare == old {
                            let closing = &segment[bare.len()..];
                            format!("{quoted_new}{closing}")
                        } else {
                            segment.to_string()
                        }
                    })
                    .collect();
                segments.join(".")
            } else {
                line.replace(&quoted_old, &quoted_new)
            };
            if new_line != line {
                done += 1;
            }
            renamed.push_str(&new_line);
        } else {
            renamed.push_str(line);
        }
    }
    if done == 0 {
        return None;
    }
    *text = renamed;
    Some(Applied {
        description: format!(
            "renamed `{old}` -> \"{}\" ({} place(s))",
            abbreviate(&new),
            done
        ),
        touched: format!(
            "name@{}",
            if new.is_empty() {
                "empty"
            } else if new.len() > 100 {
                "long"
            } else {
                "odd"
            }
        ),
    })
}

fn truncate(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    if text.is_empty() {
        return None;
    }
    let mut at = draw.below(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let line = line_number(text, at);
    text.truncate(at);
    Some(Applied {
        description: format!("truncated at byte {at} (line {line})"),
        touched: "truncate".to_string(),
    })
}

/// Random characters: TOML punctuation, controls, and letters from outside ASCII.
fn insert_text(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    const PIECES: &[&str] = &[
        "[", "]", "[[", "]]", "{", "}", "\"", "'", "=", ",", ".", "#", "\\", "\n", "\t", "\r",
        "\u{0}", "\u{7f}", "\u{feff}", "é", "😀", "\"\"\"", "'''", " ", "-", "+", "_", "0", "x",
    ];
    let mut at = draw.below(text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let count = 1 + draw.below(8);
    let inserted: String = (0..count).map(|_| *draw.pick(PIECES)).collect();
    text.insert_str(at, &inserted);
    Some(Applied {
        description: format!(
            "inserted {:?} at byte {at} (line {})",
            inserted,
            line_number(text, at)
        ),
        touched: "insert".to_string(),
    })
}

fn change_type(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    let all = lines(text);
    let candidates: Vec<usize> = (0..all.len())
        .filter(|&i| {
            let l = all[i].trim_start();
            !l.starts_with('[') && !l.starts_with('#') && l.contains('=')
        })
        .collect();
    if candidates.is_empty() {
        return None;
    }
    let at = *draw.pick(&candidates);
    let (key, _) = all[at].split_once('=')?;
    let new_value = draw.pick(OTHER_TYPES);
    let new_line = format!("{key}= {new_value}");
    let touched = format!("type@{}", key.trim());
    let mut owned: Vec<String> = all.iter().map(|s| s.to_string()).collect();
    owned[at] = new_line;
    *text = owned.join("\n");
    Some(Applied {
        description: format!("value on line {} -> {new_value}", at + 1),
        touched,
    })
}

fn carry_line(draw: &mut Draw, text: &mut String, others: &[&str]) -> Option<Applied> {
    if others.is_empty() {
        return None;
    }
    let source = others[draw.below(others.len())];
    let other = lines(source);
    let line = other[draw.below(other.len())].to_string();
    let mut all = lines(text);
    let at = draw.below(all.len() + 1);
    all.insert(at, &line);
    let touched = format!("carry@{}", key_of(&line));
    *text = join(&all);
    Some(Applied {
        description: format!(
            "inserted line {:?} from another file at line {}",
            line,
            at + 1
        ),
        touched,
    })
}

/// Line ranges of the tables (a header and the lines up to the next header).
fn tables(text: &str) -> Vec<(usize, usize)> {
    let all = lines(text);
    let heads: Vec<usize> = (0..all.len())
        .filter(|&i| all[i].trim_start().starts_with('['))
        .collect();
    heads
        .iter()
        .enumerate()
        .map(|(k, &start)| (start, heads.get(k + 1).copied().unwrap_or(all.len())))
        .collect()
}

/// Deletes, duplicates or moves a whole table.
fn blocks(draw: &mut Draw, text: &mut String) -> Option<Applied> {
    let found = tables(text);
    if found.is_empty() {
        return None;
    }
    let (start, end) = *draw.pick(&found);
    let all = lines(text);
    let block: Vec<&str> = all[start..end].to_vec();
    let head = key_of(all[start]);
    let mut rest: Vec<&str> = all[..start].to_vec();
    rest.extend_from_slice(&all[end..]);
    let (what, result) = match draw.below(3) {
        0 => ("deleted", rest),
        1 => {
            let mut doubled = all.clone();
            for (k, line) in block.iter().enumerate() {
                doubled.insert(end + k, line);
            }
            ("duplicated", doubled)
        }
        _ => {
            let at = draw.below(rest.len() + 1);
            for (k, line) in block.iter().enumerate() {
                rest.insert(at + k, line);
            }
            ("moved", rest)
        }
    };
    *text = join(&result);
    Some(Applied {
        description: format!("{what} the table [{head}] (lines {}..{})", start + 1, end),
        touched: format!("table@{}", head.split('.').next().unwrap_or("")),
    })
}

/// Huge and hostile values: very long lists and numbers, deep nesting, odd `extends`.
fn hostile(draw: &mut Draw, text: &mut String, own_name: &str) -> Option<Applied> {
    let (description, touched, new_text) = match draw.below(7) {
        0 => {
            // A list value replaced by 10,000 numbers.
            let all = lines(text);
            let candidates: Vec<usize> =
                (0..all.len()).filter(|&i| all[i].contains("= [")).collect();
            if candidates.is_empty() {
                return None;
            }
            let at = *draw.pick(&candidates);
            let key = key_of(all[at]);
            let long = vec!["1"; 10_000].join(", ");
            let mut owned: Vec<String> = all.iter().map(|s| s.to_string()).collect();
            owned[at] = format!("{key} = [{long}]");
            (
                format!("list on line {} -> 10,000 ones", at + 1),
                format!("long_list@{key}"),
                owned.join("\n"),
            )
        }
        1 => {
            let depth = 100 + draw.below(20_000);
            (
                format!("appended a list nested {depth} deep"),
                "nesting".to_string(),
                format!(
                    "{text}\ndeep = {}{}\n",
                    "[".repeat(depth),
                    "]".repeat(depth)
                ),
            )
        }
        2 => {
            let depth = 100 + draw.below(20_000);
            (
                format!("appended an inline table nested {depth} deep"),
                "nesting".to_string(),
                format!(
                    "{text}\ndeep = {}{}\n",
                    "{ a = ".repeat(depth),
                    "}".repeat(depth)
                ),
            )
        }
        _ => {
            let own = format!("../case/{own_name}");
            let target = *draw.pick(&[
                "missing.toml",
                "",
                ".",
                own_name,
                own.as_str(),
                "/dev/null",
                "/dev/zero",
                "baseline.toml",
            ]);
            let cleaned: Vec<&str> = lines(text)
                .into_iter()
                .filter(|l| !l.trim_start().starts_with("extends"))
                .collect();
            (
                format!("extends = \"{target}\" at the top"),
                format!("extends@{target}"),
                format!("extends = \"{target}\"\n{}", join(&cleaned)),
            )
        }
    };
    *text = new_text;
    Some(Applied {
        description,
        touched,
    })
}

/// Long text cut for a one-line description.
pub fn abbreviate(text: &str) -> String {
    if text.chars().count() > 40 {
        let head: String = text.chars().take(20).collect();
        format!("{head}...({} chars)", text.chars().count())
    } else {
        text.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_are_found() {
        let text = "per_day = 12.5\nname = \"d2a_p0\"\nx = { fixed = \"45 min\" }";
        let found: Vec<&str> = numbers(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["12.5", "45"]);
        let found: Vec<&str> = strings(text).iter().map(|&(s, e)| &text[s..e]).collect();
        assert_eq!(found, ["d2a_p0", "45 min"]);
        assert_eq!(key_at(text, text.find("45").unwrap()), "fixed");
    }

    #[test]
    fn a_rename_everywhere_keeps_references() {
        let text = "[resources.nurse]\ncount = 1\n[[pathways.p.steps]]\nactivity = { resource = \"nurse\" }";
        assert_eq!(names(text), ["nurse", "p"]);
        // All-zero bytes choose the first name, the empty name, and "everywhere".
        let zeros = [0u8; 64];
        let mut renamed = text.to_string();
        let applied = rename(&mut Draw::new(&zeros), &mut renamed).unwrap();
        assert_eq!(
            renamed,
            "[resources.\"\"]\ncount = 1\n[[pathways.p.steps]]\nactivity = { resource = \"\" }"
        );
        assert_eq!(applied.touched, "name@empty");
    }
}
