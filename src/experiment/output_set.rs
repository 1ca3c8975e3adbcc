//! Whole output sets: every file a command writes (tables, manifest, resolved scenario,
//! report, charts) goes into a new folder beside the target, and the finished folder is
//! swapped in as one unit, so the target always holds one complete set: the old one or the
//! new one, never a mix.
//!
//! The protocol, for target `PARENT/NAME`:
//!
//! 1. [`OutputSet::prepare`], before any simulating: recover what a killed run left beside
//!    the target (below); refuse a target that is a file, that holds files carepath does not
//!    write, or that contains (or is the same file as) one of the command's inputs; create
//!    the parent and the staging folder `PARENT/NAME.carepath-new-PID`, which also proves
//!    the parent writable.
//! 2. The command writes into [`OutputSet::dir`]; every file is synced to disk.
//! 3. [`OutputSet::commit`]: sync the staging folders, then, if the target exists, exchange
//!    the two folders in one atomic step (Linux `renameat2(RENAME_EXCHANGE)`); elsewhere, or
//!    on a file system without it, rename the target aside to `PARENT/NAME.carepath-old-PID`
//!    and the staging folder into place. Then delete the replaced set and sync the parent.
//!
//! What a kill leaves, at each instant:
//! - before or while writing: the target untouched (the old set, or nothing); a partial
//!   `NAME.carepath-new-PID` beside it.
//! - after the exchange, before the old set is deleted: the target is the new set; the old
//!   set sits under the staging name `NAME.carepath-new-PID`.
//! - (without exchange) after renaming the old set aside, before renaming the new one into
//!   place: no target; the old set complete in `NAME.carepath-old-PID`.
//!
//! The next command writing to the same target recovers: an `old` folder is renamed back to
//! the target if the target is missing (the old set returns) and deleted otherwise; `new`
//! folders are deleted. Folders of a process that is still running are left alone (Linux).
//! A failed write (a full disk, say) deletes the staging folder and leaves the target as it
//! was.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::output::OutputError;

/// Names carepath writes at the top of an output folder; anything else there is the user's,
/// and a folder holding it is never replaced.
pub const KNOWN_FILES: [&str; 18] = [
    "results.xlsx",
    "curves.txt",
    "pathways.dot",
    "summary.csv",
    "replications.csv",
    "scenario.toml",
    "manifest.json",
    "report.html",
    "comparison.csv",
    "sweep.csv",
    "warmup.csv",
    "trace.csv",
    "fit.toml",
    "fit.csv",
    "daily.csv",
    "levels.csv",
    "daily_replications.csv",
    "levels_replications.csv",
];

/// The folder of charts inside an output folder (PNG and SVG files only).
pub const CHARTS: &str = "charts";

/// The folder of copies of the data files a scenario reads (see `scenario::kept_inputs`).
pub const INPUTS: &str = crate::scenario::kept_inputs::FOLDER;

/// An output set being written: a staging folder beside its target, swapped in by
/// [`OutputSet::commit`]. Dropped without committing, it deletes the staging folder.
#[derive(Debug)]
pub struct OutputSet {
    /// The target as the user gave it (for messages).
    shown: PathBuf,
    /// The target, absolute with its parent's links resolved.
    target: PathBuf,
    /// The staging folder, until committed.
    staging: Option<PathBuf>,
}

impl OutputSet {
    /// Checks that `target` may receive a whole output set and starts one: see the module
    /// notes. `inputs` are the files the command read (scenario files, `extends` files, merge
    /// inputs).
    ///
    /// # Errors
    /// [`OutputError::NotAFolder`], [`OutputError::NotOurs`], [`OutputError::OverInput`],
    /// or [`OutputError::Io`] when the parent or the staging folder cannot be created.
    pub fn prepare(target: &Path, inputs: &[PathBuf]) -> Result<Self, OutputError> {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Io { path, source }
        };
        let absolute = absolute_target(target)?;
        let (Some(parent), Some(name)) = (absolute.parent(), absolute.file_name()) else {
            return Err(OutputError::NotOurs {
                folder: target.to_path_buf(),
                entries: vec!["(the root of the file system)".into()],
            });
        };
        let name = name.to_string_lossy().into_owned();
        recover(parent, &name)?;
        refuse_inputs_inside(target, &absolute, inputs)?;
        if absolute.exists() && !absolute.is_dir() {
            return Err(OutputError::NotAFolder {
                path: target.to_path_buf(),
            });
        }
        if absolute.is_dir() {
            let foreign = foreign_entries(&absolute).map_err(io(target))?;
            if !foreign.is_empty() {
                return Err(OutputError::NotOurs {
                    folder: target.to_path_buf(),
                    entries: foreign,
                });
            }
        }
        let staging = parent.join(format!("{name}.carepath-new-{}", std::process::id()));
        if staging.exists() {
            fs::remove_dir_all(&staging).map_err(io(&staging))?;
        }
        fs::create_dir(&staging).map_err(io(&staging))?;
        Ok(OutputSet {
            shown: target.to_path_buf(),
            target: absolute,
            staging: Some(staging),
        })
    }

    /// The folder to write the set into (the staging folder).
    pub fn dir(&self) -> &Path {
        self.staging.as_deref().unwrap_or(&self.target)
    }

    /// Copies the data file `source` into the set as `inputs/NAME`, so that the scenario
    /// saved with the outputs (which names it so) reruns from the output folder.
    ///
    /// # Errors
    /// [`OutputError::Io`] when the file cannot be read or the copy written.
    pub fn keep_input(&self, source: &Path, name: &str) -> Result<(), OutputError> {
        let folder = self.dir().join(INPUTS);
        fs::create_dir_all(&folder).map_err(|source| OutputError::Io {
            path: folder.clone(),
            source,
        })?;
        let bytes = fs::read(source).map_err(|error| OutputError::Io {
            path: source.to_path_buf(),
            source: error,
        })?;
        super::output::write_atomic(&folder.join(name), &bytes)
    }

    /// The target as the user gave it, for messages.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// Swaps the finished set into place as a unit and deletes the set it replaces.
    ///
    /// # Errors
    /// [`OutputError::Io`] if a rename fails; the target then holds the old set (restored if
    /// it had been moved aside) and the staging folder is deleted.
    pub fn commit(mut self) -> Result<(), OutputError> {
        let Some(staging) = self.staging.clone() else {
            return Ok(());
        };
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| OutputError::Io { path, source }
        };
        sync_dir(&staging.join(CHARTS)).ok();
        sync_dir(&staging.join(INPUTS)).ok();
        sync_dir(&staging).map_err(io(&staging))?;
        let parent = self.target.parent().unwrap_or(Path::new("."));
        if self.target.exists() {
            if !failpoint("no-exchange") && exchange(&staging, &self.target).is_ok() {
                if failpoint("abort-at=swapped") {
                    std::process::abort();
                }
                // The staging name now holds the replaced set; if it cannot be deleted now,
                // the next command writing here deletes it.
                self.staging = None;
                fs::remove_dir_all(&staging).ok();
            } else {
                let name = self
                    .target
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy();
                let aside = parent.join(format!("{name}.carepath-old-{}", std::process::id()));
                fs::rename(&self.target, &aside).map_err(io(&self.target))?;
                if failpoint("abort-at=aside") {
                    std::process::abort();
                }
                if let Err(source) = fs::rename(&staging, &self.target) {
                    fs::rename(&aside, &self.target).ok();
                    return Err(OutputError::Io {
                        path: self.shown.clone(),
                        source,
                    });
                }
                self.staging = None;
                fs::remove_dir_all(&aside).ok();
            }
        } else {
            fs::rename(&staging, &self.target).map_err(io(&self.shown))?;
        }
        self.staging = None;
        sync_dir(parent).ok();
        Ok(())
    }
}

impl Drop for OutputSet {
    fn drop(&mut self) {
        if let Some(staging) = self.staging.take() {
            fs::remove_dir_all(staging).ok();
        }
    }
}

/// `target` made absolute: a folder that exists with every link resolved; otherwise its
/// parent (created if missing) resolved and joined with its name.
fn absolute_target(target: &Path) -> Result<PathBuf, OutputError> {
    if target.exists() {
        return fs::canonicalize(target).map_err(|source| OutputError::Io {
            path: target.to_path_buf(),
            source,
        });
    }
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(name) = target.file_name() else {
        return Err(OutputError::NotAFolder {
            path: target.to_path_buf(),
        });
    };
    let unwritable = |source| OutputError::Unwritable {
        folder: parent.to_path_buf(),
        source,
    };
    fs::create_dir_all(parent).map_err(unwritable)?;
    Ok(fs::canonicalize(parent).map_err(unwritable)?.join(name))
}

/// Finishes what a killed run left beside `PARENT/NAME`: see the module notes.
fn recover(parent: &Path, name: &str) -> Result<(), OutputError> {
    let Ok(listing) = fs::read_dir(parent) else {
        return Ok(());
    };
    let target = parent.join(name);
    let mut leftovers: Vec<(bool, PathBuf)> = Vec::new();
    for entry in listing.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file.strip_prefix(name) else {
            continue;
        };
        let (old, pid) = if let Some(pid) = rest.strip_prefix(".carepath-old-") {
            (true, pid)
        } else if let Some(pid) = rest.strip_prefix(".carepath-new-") {
            (false, pid)
        } else {
            continue;
        };
        let Ok(pid) = pid.parse::<u32>() else {
            continue;
        };
        if pid != std::process::id() && still_running(pid) {
            continue;
        }
        leftovers.push((old, entry.path()));
    }
    leftovers.sort(); // `new` (false) first, then `old`
    for (old, path) in leftovers {
        let result = if old && !target.exists() {
            fs::rename(&path, &target)
        } else {
            fs::remove_dir_all(&path)
        };
        result.map_err(|source| OutputError::Io { path, source })?;
    }
    Ok(())
}

/// Whether process `pid` is running (Linux: it has an entry in /proc; elsewhere, assumed
/// not, so leftovers are always recovered).
fn still_running(pid: u32) -> bool {
    cfg!(target_os = "linux") && Path::new("/proc").join(pid.to_string()).exists()
}

/// Refuses an output folder that contains one of the inputs, by path or, on Unix, as the
/// same file under another name (a hard link).
fn refuse_inputs_inside(
    shown: &Path,
    target: &Path,
    inputs: &[PathBuf],
) -> Result<(), OutputError> {
    let inside = same_files_inside(target);
    for input in inputs {
        let Ok(canonical) = fs::canonicalize(input) else {
            continue;
        };
        if canonical.starts_with(target) || inside.iter().any(|id| Some(*id) == file_id(input)) {
            return Err(OutputError::OverInput {
                folder: shown.to_path_buf(),
                input: input.clone(),
            });
        }
    }
    Ok(())
}

/// The identities of the files an output folder holds (top level and charts).
fn same_files_inside(target: &Path) -> Vec<(u64, u64)> {
    let mut ids = Vec::new();
    for folder in [target.to_path_buf(), target.join(CHARTS)] {
        if let Ok(listing) = fs::read_dir(folder) {
            ids.extend(listing.flatten().filter_map(|e| file_id(&e.path())));
        }
    }
    ids
}

/// Device and inode of a file (Unix); `None` elsewhere.
fn file_id(path: &Path) -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// Entries of an existing output folder that carepath does not write (at most six named).
fn foreign_entries(folder: &Path) -> std::io::Result<Vec<String>> {
    let mut foreign = Vec::new();
    for entry in fs::read_dir(folder)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_dir = entry.file_type()?.is_dir();
        let ours = if name == CHARTS && is_dir {
            fs::read_dir(entry.path())?.flatten().all(|chart| {
                let chart = chart.file_name().to_string_lossy().into_owned();
                chart.ends_with(".png") || chart.ends_with(".svg") || chart.starts_with(".tmp")
            })
        } else if name == INPUTS && is_dir {
            // Copies of data files: plain files only.
            fs::read_dir(entry.path())?
                .flatten()
                .all(|kept| kept.file_type().is_ok_and(|t| t.is_file()))
        } else {
            !is_dir && (KNOWN_FILES.contains(&name.as_str()) || name.starts_with(".tmp"))
        };
        if !ours {
            foreign.push(if is_dir { format!("{name}/") } else { name });
        }
    }
    foreign.sort();
    foreign.truncate(6);
    Ok(foreign)
}

/// Syncs a folder's entries to disk (Unix; elsewhere a no-op).
fn sync_dir(folder: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        fs::File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        Ok(())
    }
}

/// Exchanges two folders in one atomic step (Linux, GNU libc); an error where unsupported.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(a.as_os_str().as_bytes())?;
        let b = CString::new(b.as_os_str().as_bytes())?;
        // SAFETY: both paths are valid NUL-terminated strings that outlive the call;
        // renameat2 reads them and touches no other memory.
        let status = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                a.as_ptr(),
                libc::AT_FDCWD,
                b.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if status == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    {
        let _ = (a, b);
        Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
    }
}

/// Files written by this process, for the test-only failpoints.
static FILES_WRITTEN: AtomicUsize = AtomicUsize::new(0);

/// Whether the test-only environment variable `CAREPATH_FAILPOINT` (comma-separated) holds
/// `point`. Used by the tests that kill a run while it writes; never set it otherwise.
fn failpoint(point: &str) -> bool {
    std::env::var("CAREPATH_FAILPOINT").is_ok_and(|v| v.split(',').any(|p| p.trim() == point))
}

/// Called before each output file is written: the test-only failpoints
/// `abort-after-files=N` (the process aborts, as if killed, once N files are written) and
/// `full-after-files=N` (the next write fails as on a full disk).
///
/// # Errors
/// The simulated full disk.
pub(crate) fn before_file_write(path: &Path) -> Result<(), OutputError> {
    let Ok(points) = std::env::var("CAREPATH_FAILPOINT") else {
        return Ok(());
    };
    let written = FILES_WRITTEN.fetch_add(1, Ordering::SeqCst);
    for point in points.split(',') {
        let after = |prefix: &str| {
            point
                .trim()
                .strip_prefix(prefix)
                .and_then(|n| n.parse::<usize>().ok())
        };
        if after("abort-after-files=") == Some(written) {
            std::process::abort();
        }
        if after("full-after-files=") == Some(written) {
            return Err(OutputError::Io {
                path: path.to_path_buf(),
                source: std::io::Error::new(
                    std::io::ErrorKind::StorageFull,
                    "no space left on device (simulated by CAREPATH_FAILPOINT)",
                ),
            });
        }
    }
    Ok(())
}
