//! A scenario assembled from several texts (a variant, the files it `extends`, the `--set`
//! arguments) with the origin of every key and value kept, so that a problem found in the
//! assembled text is reported in the text the user wrote: the variant's own line, the base
//! file where the value came from the base, or the `--set` argument itself.
//!
//! Each text is parsed into a tree of [`Node`]s, each carrying its [`Origin`] (which text,
//! which bytes). The trees are merged by `overlay` and written back as one TOML text by
//! [`emit`]: every scalar value is copied byte for byte from where it was written, and a
//! [`SourceMap`] records, for each stretch of the assembled text, where it came from. This
//! module owns the tree, its writing and the map; the merging rules live in `overlay`.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Where something was written: which text (an index into the scenario's texts, 0 being the
/// file named on the command line) and the byte range in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// Index of the text.
    pub file: usize,
    /// Byte range in that text.
    pub span: Range<usize>,
}

/// A TOML value with the place it was written.
#[derive(Debug, Clone)]
pub struct Node {
    /// Where the value was written (for a table made by a `[header]`, the header).
    pub origin: Origin,
    /// The value.
    pub kind: Kind,
}

/// The kinds of TOML value, as far as merging needs to know.
#[derive(Debug, Clone)]
pub enum Kind {
    /// A string, number, boolean or date, kept as the TOML text that wrote it.
    Scalar {
        /// The value as TOML text (`"45 min"`, `-5`, `true`).
        text: String,
        /// The string's content, if the value is a string.
        string: Option<String>,
        /// Whether `text` is exactly the bytes at the origin (false for text we wrote, such
        /// as a `--set` value taken as a string).
        verbatim: bool,
    },
    /// A list, entry by entry.
    Array(Vec<Node>),
    /// A table, key by key.
    Table(Table),
}

/// A table's entries by key.
pub type Table = BTreeMap<String, Entry>;

/// One `key = value` of a table.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Where the key was written.
    pub key: Origin,
    /// The value.
    pub value: Node,
}

impl Node {
    /// The table inside, if this is a table.
    pub fn as_table(&self) -> Option<&Table> {
        match &self.kind {
            Kind::Table(table) => Some(table),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { string, .. } => string.as_deref(),
            _ => None,
        }
    }

    /// The `name` of a table that has one (a pathway step).
    pub fn name(&self) -> Option<&str> {
        self.as_table()?.get("name")?.value.as_str()
    }

    /// A string value written by us (not copied from a text) at `origin`.
    pub fn string(value: &str, origin: Origin) -> Node {
        Node {
            origin,
            kind: Kind::Scalar {
                text: toml::Value::String(value.to_string()).to_string(),
                string: Some(value.to_string()),
                verbatim: false,
            },
        }
    }
}

/// Parses `text` (text number `file`) into a table with origins. On a syntax error, returns
/// the parser's error.
pub fn parse(file: usize, text: &str) -> Result<Node, toml::de::Error> {
    let document = DeTable::parse(text)?;
    Ok(Node {
        origin: Origin { file, span: 0..0 },
        kind: Kind::Table(table_from(file, text, document.get_ref())),
    })
}

/// Parses `text` as one TOML value, or `None` if it is not one. `at` is the byte offset of
/// `text` in text number `file`, so that the value's origin points into that text.
pub fn parse_value(file: usize, text: &str, at: usize) -> Option<Node> {
    // Padding in front of the key puts the value at the same offset as in the file.
    let padding = at.checked_sub(2)?;
    let input = format!("{}v={text}", " ".repeat(padding));
    let document = DeTable::parse(&input).ok()?;
    let value = document.get_ref().get("v")?;
    (document.get_ref().len() == 1).then(|| node_from(file, &input, value))
}

fn table_from(file: usize, text: &str, table: &DeTable<'_>) -> Table {
    table
        .iter()
        .map(|(key, value)| {
            let entry = Entry {
                key: Origin {
                    file,
                    span: key.span(),
                },
                value: node_from(file, text, value),
            };
            (key.get_ref().to_string(), entry)
        })
        .collect()
}

fn node_from(file: usize, text: &str, value: &Spanned<DeValue<'_>>) -> Node {
    let span = value.span();
    let kind = match value.get_ref() {
        DeValue::Table(table) => Kind::Table(table_from(file, text, table)),
        DeValue::Array(list) => {
            Kind::Array(list.iter().map(|v| node_from(file, text, v)).collect())
        }
        DeValue::String(string) => Kind::Scalar {
            text: text.get(span.clone()).unwrap_or_default().to_string(),
            string: Some(string.to_string()),
            verbatim: true,
        },
        _ => Kind::Scalar {
            text: text.get(span.clone()).unwrap_or_default().to_string(),
            string: None,
            verbatim: true,
        },
    };
    Node {
        origin: Origin { file, span },
        kind,
    }
}

/// For each stretch of an assembled text, where it was written.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// Stretches in order of their start in the assembled text; each runs to the next.
    pieces: Vec<Piece>,
}

#[derive(Debug, Clone)]
struct Piece {
    /// Byte offset in the assembled text where the stretch starts.
    at: usize,
    /// Where it was written.
    origin: Origin,
    /// Whether the stretch is a byte-for-byte copy of the origin (else it stands for it).
    verbatim: bool,
}

impl SourceMap {
    fn push(&mut self, at: usize, origin: &Origin, verbatim: bool) {
        if let Some(last) = self.pieces.last_mut().filter(|p| p.at == at) {
            last.origin = origin.clone();
            last.verbatim = verbatim;
        } else {
            self.pieces.push(Piece {
                at,
                origin: origin.clone(),
                verbatim,
            });
        }
    }

    /// The place in its own text of the byte range `span` of the assembled text: the same
    /// bytes inside a copied value, else the key, value or table it stands for. Logarithmic
    /// in the size of the text.
    pub fn locate(&self, span: &Range<usize>) -> Origin {
        let index = self.pieces.partition_point(|p| p.at <= span.start);
        let Some(piece) = index.checked_sub(1).and_then(|i| self.pieces.get(i)) else {
            return Origin {
                file: 0,
                span: 0..0,
            };
        };
        if !piece.verbatim {
            return piece.origin.clone();
        }
        let origin = &piece.origin.span;
        let start = (origin.start + (span.start - piece.at)).min(origin.end);
        let end = (start + span.len()).clamp(start, origin.end.max(start));
        Origin {
            file: piece.origin.file,
            span: start..end,
        }
    }
}

/// Writes `root` (a table) as TOML text that reads back as the same values, and the map of
/// where each part of it came from. Each top-level key is written as `key = value` with
/// tables and lists inline, one entry a line (TOML 1.1).
pub fn emit(root: &Node) -> (String, SourceMap) {
    let mut out = String::new();
    let mut map = SourceMap::default();
    // A problem with the whole file (a missing `[run]`) points at the start of the user's file.
    map.push(0, &root.origin, false);
    out.push('\n');
    if let Kind::Table(table) = &root.kind {
        for (key, entry) in table {
            map.push(out.len(), &entry.key, false);
            out.push_str(&quote_key(key));
            out.push_str(" = ");
            write_value(&entry.value, &mut out, &mut map);
            map.push(out.len(), &root.origin, false);
            out.push('\n');
        }
    }
    (out, map)
}

fn write_value(node: &Node, out: &mut String, map: &mut SourceMap) {
    match &node.kind {
        Kind::Scalar { text, verbatim, .. } => {
            map.push(out.len(), &node.origin, *verbatim);
            out.push_str(text);
        }
        Kind::Array(list) => {
            map.push(out.len(), &node.origin, false);
            out.push('[');
            for item in list {
                out.push('\n');
                write_value(item, out, map);
                map.push(out.len(), &node.origin, false);
                out.push(',');
            }
            out.push_str("\n]");
        }
        Kind::Table(table) => {
            map.push(out.len(), &node.origin, false);
            out.push('{');
            for (key, entry) in table {
                out.push('\n');
                map.push(out.len(), &entry.key, false);
                out.push_str(&quote_key(key));
                out.push_str(" = ");
                write_value(&entry.value, out, map);
                map.push(out.len(), &node.origin, false);
                out.push(',');
            }
            out.push_str("\n}");
        }
    }
}

/// A key as TOML: bare if it can be, else quoted.
fn quote_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        toml::Value::String(key.to_string()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[run]\nname = \"x\" # a comment\n[resources.nurse]\ncount = -5\nroster = [ { days = [\"monday\"] }, ]\n[[pathways.p.steps]]\nname = \"a\"\n";

    #[test]
    fn emitted_text_reads_back_as_the_same_values() {
        let root = parse(0, TEXT).unwrap();
        let (text, _) = emit(&root);
        let again: toml::Table = toml::from_str(&text).unwrap();
        let original: toml::Table = toml::from_str(TEXT).unwrap();
        assert_eq!(again, original, "{text}");
    }

    #[test]
    fn every_value_maps_back_to_its_own_bytes() {
        let root = parse(3, TEXT).unwrap();
        let (text, map) = emit(&root);
        let at = text.find("-5").unwrap();
        let origin = map.locate(&(at..at + 2));
        assert_eq!(origin.file, 3);
        assert_eq!(&TEXT[origin.span], "-5");
        // A position inside a copied value maps to the same byte of the original.
        let at = text.find("onday").unwrap();
        let origin = map.locate(&(at..at + 5));
        assert_eq!(&TEXT[origin.span], "onday");
        // A key maps to the key as written; a table to its header.
        let at = text.find("count").unwrap();
        assert_eq!(&TEXT[map.locate(&(at..at + 5)).span], "count");
        let at = text.find("nurse").unwrap() + "nurse = ".len();
        assert_eq!(&TEXT[map.locate(&(at..at + 1)).span], "[resources.nurse]");
    }

    #[test]
    fn a_value_parsed_alone_points_into_its_text() {
        let line = "resources.nurse.count=-5";
        let at = line.find('=').unwrap() + 1;
        let node = parse_value(7, &line[at..], at).unwrap();
        assert_eq!(node.origin.file, 7);
        assert_eq!(&line[node.origin.span], "-5");
        assert!(parse_value(0, "100 d", 10).is_none());
        assert!(parse_value(0, "1\nw = 2", 10).is_none());
    }
}
