//! Reading the files carepath takes as input (scenario files, the files they `extends`, the
//! shard folders' tables and manifests), safely: only regular files, only up to
//! [`MAX_INPUT_BYTES`], and never by blocking on something that is not a file.
//!
//! A path is checked with its metadata before it is opened, so a FIFO (which would block
//! the open until a writer appears), a device such as `/dev/zero` (which never ends) or a
//! folder is refused with a message instead. The read itself is bounded as well, so a file
//! that grows between the check and the read still cannot exhaust memory.

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest input file accepted [bytes]: 16 MiB. The largest shipped scenario is a few
/// kilobytes, and a generated one with 100,000 steps about 10 MB.
pub const MAX_INPUT_BYTES: u64 = 16 * 1024 * 1024;

/// Why an input file could not be read.
#[derive(Debug)]
pub struct InputError {
    /// What the file is to carepath, e.g. "scenario file".
    pub what: &'static str,
    /// The path as given.
    pub path: PathBuf,
    /// What is wrong, in plain words.
    pub problem: String,
    /// What to do about it.
    pub help: String,
    /// Line and column (1-based) of the first byte that is not UTF-8, for a file that is
    /// not text: the place to look. A file that cannot be read at all has no line; its path
    /// is the place.
    pub at: Option<(usize, usize)>,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot read {} {}: {}",
            self.what,
            self.path.display(),
            self.problem
        )?;
        if let Some((line, column)) = self.at {
            write!(f, "\n  --> {}:{line}:{column}", self.path.display())?;
        }
        write!(f, "\nhelp: {}", self.help)
    }
}

impl std::error::Error for InputError {}

/// Reads the whole of `path` as UTF-8 text, refusing anything that is not a regular file of
/// at most [`MAX_INPUT_BYTES`] bytes.
///
/// # Errors
/// The file is missing or unreadable, is not a regular file (a folder, FIFO, socket or
/// device), is larger than the limit (checked before reading and again while reading), or
/// is not UTF-8 text.
pub fn read_text(path: &Path, what: &'static str) -> Result<String, InputError> {
    let error = |problem: String, help: &str| InputError {
        what,
        path: path.to_path_buf(),
        problem,
        help: help.to_string(),
        at: None,
    };
    let metadata = regular_file(path, what)?;
    if metadata.len() > MAX_INPUT_BYTES {
        return Err(too_large(path, what, metadata.len()));
    }
    let file = std::fs::File::open(path).map_err(|e| {
        error(
            io_words(&e),
            "check that the file exists and that you may read it",
        )
    })?;
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(MAX_INPUT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| error(io_words(&e), "check that the file is readable"))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(too_large(path, what, bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let mut error = error(
            format!(
                "it is not UTF-8 text (byte {} is not valid UTF-8)",
                valid.len()
            ),
            "save the file as UTF-8 text; scenario files are plain TOML",
        );
        error.at = Some(line_column(valid));
        error
    })
}

/// The 1-based line and column just after `valid`, the UTF-8 text before a bad byte.
fn line_column(valid: &[u8]) -> (usize, usize) {
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = 1 + valid.iter().filter(|&&b| b == b'\n').count();
    // `valid` is UTF-8 up to here, so its last line is text.
    let column = 1 + String::from_utf8_lossy(&valid[line_start..])
        .chars()
        .count();
    (line, column)
}

/// The plain words for a path that does not exist.
const NO_SUCH_FILE: &str = "there is no such file";

/// The help for a data file named inside a scenario (an arrivals or census CSV) that could
/// not be read: such paths are relative to the folder of the scenario file that names them
/// (`folder`), not to where carepath is run from; other problems keep `error`'s own help.
pub fn help_for_named_file(error: &InputError, folder: &Path) -> String {
    let shown = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    if error.problem == NO_SUCH_FILE {
        format!(
            "check the name; a path in a scenario is relative to the folder of the scenario file that names it ({})",
            shown.display()
        )
    } else if error.problem.starts_with("it is ") {
        "give the path of a CSV file".to_string()
    } else {
        error.help.clone()
    }
}

/// An input/output error in plain words, without the operating system's error number.
pub fn io_words(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => NO_SUCH_FILE.to_string(),
        ErrorKind::PermissionDenied => "you do not have permission to read it".to_string(),
        ErrorKind::IsADirectory => "it is a folder, not a file".to_string(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error ") {
                Some(at) => text[..at].to_string(),
                None => text,
            }
        }
    }
}

/// The metadata of `path` if it is a regular file (following symbolic links), checked
/// without opening it, so that a FIFO cannot block. For inputs read as a stream (a shard's
/// `replications.csv`), whose size is not limited.
///
/// # Errors
/// The path does not exist or is a folder, FIFO, socket or device.
pub fn regular_file(path: &Path, what: &'static str) -> Result<std::fs::Metadata, InputError> {
    let error = |problem: String, help: &str| InputError {
        what,
        path: path.to_path_buf(),
        problem,
        help: help.to_string(),
        at: None,
    };
    // Follows symbolic links: a link to a regular file is fine, a link to /dev/zero is not.
    let metadata = std::fs::metadata(path).map_err(|e| {
        error(
            io_words(&e),
            "check the path; it is relative to the folder you run carepath from",
        )
    })?;
    check_kind(&metadata).map_err(|kind| {
        error(
            format!("it is {kind}, not a regular file"),
            "give the path of a file carepath wrote or a scenario file (.toml text)",
        )
    })?;
    Ok(metadata)
}

fn too_large(path: &Path, what: &'static str, bytes: u64) -> InputError {
    InputError {
        what,
        path: path.to_path_buf(),
        problem: format!(
            "it holds {bytes} bytes or more, above the limit of {MAX_INPUT_BYTES} bytes (16 MiB)"
        ),
        help: "check that this is the file you meant; a scenario file is a few kilobytes"
            .to_string(),
        at: None,
    }
}

/// `Ok` for a regular file, or the kind of thing it is instead.
fn check_kind(metadata: &std::fs::Metadata) -> Result<(), &'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return Ok(());
    }
    if kind.is_dir() {
        return Err("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Err("a named pipe (FIFO)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Err("a device");
        }
        if kind.is_socket() {
            return Err("a socket");
        }
    }
    Err("not a regular file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "a = 1\n").unwrap();
        assert_eq!(read_text(&path, "scenario file").unwrap(), "a = 1\n");
    }

    #[test]
    fn a_folder_is_refused_with_help() {
        let dir = tempfile::tempdir().unwrap();
        let message = read_text(dir.path(), "scenario file")
            .unwrap_err()
            .to_string();
        assert!(
            message.contains("a folder, not a regular file"),
            "{message}"
        );
        assert!(message.contains("help: "), "{message}");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.toml");
        let file = std::fs::File::create(&path).unwrap();
        // Sparse: takes no disk space, but its length is over the limit.
        file.set_len(MAX_INPUT_BYTES + 1).unwrap();
        let message = read_text(&path, "scenario file").unwrap_err().to_string();
        assert!(message.contains("above the limit"), "{message}");
    }

    #[test]
    fn text_that_is_not_utf8_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, b"a = \"\xff\"\n").unwrap();
        let message = read_text(&path, "scenario file").unwrap_err().to_string();
        assert!(message.contains("not UTF-8"), "{message}");
    }

    /// Issue 9 items 16 and 17: a file that is not text is refused at the line and column
    /// of its first bad byte (counted in characters), with a help line.
    #[test]
    fn text_that_is_not_utf8_is_refused_at_its_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.toml");
        std::fs::write(&path, "[run]\n# café = 1 \u{ff}".as_bytes()).unwrap();
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.extend_from_slice(b"\xff\n");
        std::fs::write(&path, bytes).unwrap();
        let error = read_text(&path, "scenario file").unwrap_err();
        // Line 2 is `# café = 1 ÿ` (12 characters) before the bad byte.
        assert_eq!(error.at, Some((2, 13)));
        let message = error.to_string();
        assert!(
            message.contains(&format!("--> {}:2:13", path.display())),
            "{message}"
        );
        assert!(message.contains("\nhelp: "), "{message}");
    }

    /// Issue 9 item 17: a missing file is said in plain words, without "(os error 2)".
    #[test]
    fn a_missing_file_is_said_in_plain_words() {
        let dir = tempfile::tempdir().unwrap();
        let message = read_text(&dir.path().join("missing.toml"), "scenario file")
            .unwrap_err()
            .to_string();
        assert!(message.contains("there is no such file"), "{message}");
        assert!(!message.contains("os error"), "{message}");
        assert!(message.contains("\nhelp: "), "{message}");
    }
}
