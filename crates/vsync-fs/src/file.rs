//! One file replaced atomically: [`write`], [`write_with`] and [`PendingFile`].

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::error::Error;
use crate::temp;

/// Replaces `path` with `bytes` atomically (see [`write_with`]).
pub fn write(path: impl AsRef<Path>, bytes: impl AsRef<[u8]>) -> Result<(), Error> {
    write_with(path.as_ref(), |w| w.write_all(bytes.as_ref()))
}

/// Replaces `path` atomically with what `fill` writes: into a temporary file beside it
/// (buffered), flushed, fsynced and persisted over `path`, then the folder fsynced. If
/// `fill` or any step fails, the temporary file is removed and `path` keeps its previous
/// content. Temporaries of `path` that killed processes left are removed first.
pub fn write_with<F>(path: impl AsRef<Path>, fill: F) -> Result<(), Error>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let mut pending = PendingFile::beside(path.as_ref())?;
    let path = pending.path.clone();
    {
        let mut writer = BufWriter::new(pending.temp.as_file_mut());
        fill(&mut writer).map_err(Error::write(&path))?;
        writer.flush().map_err(Error::write(&path))?;
    }
    pending.commit()
}

/// Whether a temporary's name (past `.NAME.PID.`) is a file's: `RANDOM.tmp`.
fn is_file_temporary(tail: &str) -> bool {
    tail.rsplit_once('.').is_some_and(|(_, ext)| ext == "tmp")
}

/// A file being written, put in place over its path by [`commit`](Self::commit) and removed
/// if dropped before.
#[derive(Debug)]
pub struct PendingFile {
    temp: NamedTempFile,
    path: PathBuf,
}

impl PendingFile {
    /// Starts replacing `path`: an empty temporary file in its folder. Temporaries of `path`
    /// that killed processes left behind are removed.
    pub fn beside(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_owned();
        let (dir, name) = temp::split(&path);
        for stale in temp::left_behind(&dir, &name, is_file_temporary) {
            let _ = std::fs::remove_file(stale);
        }
        let temp = tempfile::Builder::new()
            .prefix(&temp::prefix(&name))
            .suffix(".tmp")
            .tempfile_in(&dir)
            .map_err(Error::write(&path))?;
        Ok(Self { temp, path })
    }

    /// The temporary file, for writers that need the [`File`] itself (an async one made from
    /// a clone of it).
    pub fn file(&self) -> &File {
        self.temp.as_file()
    }

    /// The path the file replaces.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Flushes the file to the disk, moves it over its path and makes the move durable.
    pub fn commit(mut self) -> Result<(), Error> {
        let path = self.path;
        self.temp.flush().map_err(Error::write(&path))?;
        self.temp.as_file().sync_all().map_err(Error::sync(&path))?;
        self.temp
            .persist(&path)
            .map_err(|e| Error::swap(&path)(e.error))?;
        sync_dir(temp::split(&path).0)
    }
}

impl Write for PendingFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.temp.write(buf)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.temp.flush()
    }
}

/// Flushes a folder's entries (a rename into it) to the disk.
#[cfg(unix)]
pub fn sync_dir(dir: impl AsRef<Path>) -> Result<(), Error> {
    let dir = dir.as_ref();
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(Error::sync(dir))
}

/// Flushes a folder's entries to the disk: nothing to do where a folder cannot be opened as
/// a file, as a rename is durable once it returns there.
#[cfg(not(unix))]
pub fn sync_dir(_dir: impl AsRef<Path>) -> Result<(), Error> {
    Ok(())
}

/// Flushes every file under `dir`, and the folders themselves, to the disk.
pub(crate) fn sync_tree(dir: &Path) -> Result<(), Error> {
    for entry in std::fs::read_dir(dir).map_err(Error::sync(dir))? {
        let entry = entry.map_err(Error::sync(dir))?;
        let path = entry.path();
        let kind = entry.file_type().map_err(Error::sync(&path))?;
        if kind.is_dir() {
            sync_tree(&path)?;
        } else if kind.is_file() {
            File::open(&path)
                .and_then(|f| f.sync_all())
                .map_err(Error::sync(&path))?;
        }
    }
    sync_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_failed_write_keeps_the_last_good_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.json");
        write(&path, b"good").unwrap();
        let error = write_with(&path, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("crash"))
        })
        .unwrap_err();
        assert_eq!(error.to_string(), format!("write {}", path.display()));
        assert_eq!(error.kind(), crate::ErrorKind::Write);
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "good");
        assert_eq!(entries(dir.path()), vec!["report.json"]);
    }

    #[test]
    fn a_dropped_pending_file_leaves_nothing_and_a_committed_one_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.xlsx");
        let mut pending = PendingFile::beside(&path).unwrap();
        pending.write_all(b"part").unwrap();
        drop(pending);
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
        let mut pending = PendingFile::beside(&path).unwrap();
        pending.write_all(b"whole").unwrap();
        pending.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "whole");
        assert_eq!(entries(dir.path()), vec!["audit.xlsx"]);
    }

    #[test]
    fn temporaries_of_killed_processes_are_removed_and_others_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.json");
        // No process has this ID (above Linux's pid_max); ours is running.
        let dead = dir.path().join(".state.json.4294967295.abc123.tmp");
        let ours = dir
            .path()
            .join(format!(".state.json.{}.abc123.tmp", std::process::id()));
        let unrelated = dir.path().join(".state.json.4294967295.abc123.bak");
        for p in [&dead, &ours, &unrelated] {
            std::fs::write(p, b"x").unwrap();
        }
        write(&path, b"{}").unwrap();
        assert!(!dead.exists(), "a killed run's temporary is removed");
        assert!(ours.exists(), "a running process's temporary is kept");
        assert!(unrelated.exists(), "a file that is no temporary is kept");
    }
}
