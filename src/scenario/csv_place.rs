//! Places in a CSV file, for messages that name its line and column: the byte range of a
//! field as written, and a problem for a CSV syntax error at the place the `csv` reader
//! reports it.
//!
//! Also the one way those files are opened ([`open`]): refused when empty, cells trimmed, the
//! header row read. Shared by the readers of CSV files (arrival records, census files,
//! extracts for `carepath fit`); what a value must look like is theirs to decide.

use std::ops::Range;

use super::diagnostics::Problem;

/// What kind of CSV file is being opened, for [`open`].
#[derive(Debug, Clone, Copy)]
pub struct CsvKind<'a> {
    /// The file's kind in messages, e.g. "arrivals file" ("the arrivals file is empty").
    pub what: &'a str,
    /// The advice for an empty file.
    pub empty_help: &'a str,
    /// Whether lines starting with `#` are comments.
    pub comments: bool,
    /// Whether rows may have fewer or more cells than the header (the reader then checks
    /// them itself, with its own message).
    pub ragged: bool,
}

/// A CSV file opened by [`open`]: its reader (cells trimmed, positioned after the header
/// row) and the header cells.
pub struct Opened<'t> {
    /// The reader of the data rows.
    pub reader: csv::Reader<&'t [u8]>,
    /// The header cells, trimmed.
    pub headers: Vec<String>,
    /// Byte offset of the header row (after any comment lines).
    pub header_start: usize,
}

/// Opens `text` as a CSV file of kind `kind` with a header row: its cells trimmed of
/// spaces.
///
/// # Errors
/// A problem at the start of an empty (or blank) file, "the WHAT is empty", with
/// `kind.empty_help`; or the CSV reader's error in the header row (see [`csv_problem`]).
pub fn open<'t>(text: &'t str, kind: CsvKind<'_>) -> Result<Opened<'t>, Problem> {
    if text.trim().is_empty() {
        return Err(Problem::new(0..0, format!("the {} is empty", kind.what)).help(kind.empty_help));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .flexible(kind.ragged)
        .comment(kind.comments.then_some(b'#'))
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| csv_problem(text, &e, kind.what))?;
    let header_start = header.position().map_or(0, |p| p.byte() as usize);
    let headers = header.iter().map(str::to_string).collect();
    Ok(Opened {
        reader,
        headers,
        header_start,
    })
}

/// Byte range of field `column` of the CSV record starting at byte `start` of `text`, as
/// written (quotes included, surrounding spaces left out), found by scanning the raw line
/// with CSV quoting rules; an empty or missing field is the empty range where it would be.
pub fn field_span(text: &str, start: usize, column: usize) -> Range<usize> {
    let bytes = text.as_bytes();
    let mut i = start.min(bytes.len());
    let mut field = 0;
    let mut field_start = i;
    let mut quoted = false;
    while i < bytes.len() {
        let b = bytes[i];
        if quoted {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    i += 1;
                } else {
                    quoted = false;
                }
            }
        } else if b == b'"' {
            quoted = true;
        } else if b == b',' || b == b'\n' || b == b'\r' {
            if field == column {
                return trim_span(text, field_start..i);
            }
            if b != b',' {
                break;
            }
            field += 1;
            field_start = i + 1;
        }
        i += 1;
    }
    if field == column {
        trim_span(text, field_start..i)
    } else {
        i..i
    }
}

/// `span` without its leading and trailing spaces (an empty span stays where it is).
fn trim_span(text: &str, span: Range<usize>) -> Range<usize> {
    let s = &text[span.clone()];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() {
        return span.start..span.start;
    }
    span.start + lead..span.end - trail
}

/// A problem for a CSV syntax error (a row with the wrong number of fields, text that is not
/// UTF-8, a quote never closed), spanning the rest of the line where the reader stopped.
/// `what` names the file's kind for the advice, e.g. "extract".
pub fn csv_problem(text: &str, error: &csv::Error, what: &str) -> Problem {
    let (position, message, help) = match error.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => (
            pos.as_ref().map_or(0, |p| p.byte() as usize),
            format!("this row has {len} fields but the header has {expected_len}"),
            "every row needs one value per column (an empty value is written as nothing between two commas); check for a stray comma or a value with a comma that needs quotes".to_string(),
        ),
        csv::ErrorKind::Utf8 { pos, .. } => (
            pos.as_ref().map_or(0, |p| p.byte() as usize),
            "this row is not UTF-8 text".to_string(),
            format!("save the {what} as UTF-8 CSV"),
        ),
        _ => (
            error.position().map_or(0, |p| p.byte() as usize),
            format!("not valid CSV: {error}"),
            format!("save the {what} as comma-separated values with a header row"),
        ),
    };
    let position = position.min(text.len());
    let end = text[position..]
        .find('\n')
        .map_or(text.len(), |e| position + e);
    Problem::new(position..end, message).help(help)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_span_finds_quoted_and_plain_fields() {
        let text = "a,b,c\n1,\"x, y\",3\n";
        let start = 6;
        assert_eq!(&text[field_span(text, start, 0)], "1");
        assert_eq!(&text[field_span(text, start, 1)], "\"x, y\"");
        assert_eq!(&text[field_span(text, start, 2)], "3");
    }
}
