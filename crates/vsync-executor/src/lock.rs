//! [`TenantLock`]: one run per tenant at a time, on one machine.
//!
//! An exclusive OS file lock (`File::try_lock`) on `<dir>/vsync-<tenant>.lock`, where the
//! caller names the tenant canonically (the command line uses the resolved address, port and
//! tenant code, so two spellings of one host are one lock) and keeps `dir` in a per-user
//! state folder, not in a report folder (two report folders are still one tenant). The
//! holder writes its pid, host, start time and what it is doing into the file, so a second
//! run can say who holds it. The lock is released when the `TenantLock` is dropped and,
//! because it is an OS lock, when the process dies for any reason (SIGKILL included): a stale
//! lock file never blocks a run.
//!
//! What it cannot protect: runs on two machines (or in two containers that do not share the
//! state folder), and runs of two users with two state folders. A scheduler that may start
//! a run while the last is still going must forbid that itself (a Kubernetes CronJob's
//! `concurrencyPolicy: Forbid`, a CI concurrency group).

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use crate::error::ExecError;

/// An exclusive lock on one tenant, held until dropped.
#[derive(Debug)]
pub struct TenantLock {
    file: File,
    path: PathBuf,
}

impl TenantLock {
    /// Takes the lock of `tenant_key` (the tenant's canonical name) in `dir` for `doing` (what
    /// the holder is doing, e.g. `vsync sync on acme.api.visier.io`), or fails at once with
    /// [`ExecError::LockHeld`] naming the holder.
    pub fn acquire(dir: &Path, tenant_key: &str, doing: &str) -> Result<TenantLock, ExecError> {
        std::fs::create_dir_all(dir).map_err(|source| ExecError::Lock {
            path: dir.to_owned(),
            source,
        })?;
        let path = dir.join(format!("vsync-{}.lock", sanitize(tenant_key)));
        let lock_err = |source| ExecError::Lock {
            path: path.clone(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(lock_err)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let mut holder = String::new();
                // The holder may be writing its line right now; an empty answer is still useful.
                let _ = file.read_to_string(&mut holder);
                let holder = holder.trim();
                let holder = if holder.is_empty() {
                    "holder unknown".to_owned()
                } else {
                    holder.to_owned()
                };
                return Err(ExecError::LockHeld { path, holder });
            }
            Err(TryLockError::Error(source)) => return Err(lock_err(source)),
        }
        let line = holder_line(doing);
        file.set_len(0).map_err(lock_err)?;
        file.seek(SeekFrom::Start(0)).map_err(lock_err)?;
        file.write_all(line.as_bytes()).map_err(lock_err)?;
        file.sync_data().map_err(lock_err)?;
        Ok(TenantLock { file, path })
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TenantLock {
    fn drop(&mut self) {
        // Leave the file in place: removing it would race with a run that has just opened it.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// `pid 1234 on host, started 2026-01-02T03:04:05Z: vsync sync on acme.api.visier.io`.
fn holder_line(doing: &str) -> String {
    let started = crate::journal::now_rfc3339();
    let doing: String = doing
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    format!(
        "pid {} on {}, started {started}: {doing}\n",
        std::process::id(),
        hostname()
    )
}

fn hostname() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".to_owned())
}

/// A file-name-safe form of a tenant key: letters, digits, `-`, `_`, `.` kept, the rest `_`.
fn sanitize(key: &str) -> String {
    let key = key
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let out: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if out.is_empty() {
        "tenant".to_owned()
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn second_acquire_fails_fast_naming_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = TenantLock::acquire(dir.path(), "acme.api.visier.io:443", "vsync sync on acme")
            .unwrap();
        let err = TenantLock::acquire(dir.path(), "acme.api.visier.io:443", "vsync apply on acme")
            .unwrap_err();
        match &err {
            ExecError::LockHeld { holder, .. } => {
                assert!(
                    holder.contains(&format!("pid {}", std::process::id())),
                    "{holder}"
                );
                assert!(holder.contains("started "), "{holder}");
                assert!(holder.ends_with("vsync sync on acme"), "{holder}");
            }
            other => panic!("{other:?}"),
        }
        drop(first);
        let _again = TenantLock::acquire(dir.path(), "acme.api.visier.io:443", "again").unwrap();
    }

    #[test]
    fn locks_of_different_tenants_are_independent() {
        let dir = tempfile::tempdir().unwrap();
        let _a = TenantLock::acquire(dir.path(), "a", "one").unwrap();
        let _b = TenantLock::acquire(dir.path(), "b", "two").unwrap();
    }

    #[test]
    fn sanitize_keeps_a_readable_name() {
        assert_eq!(
            sanitize("https://acme.api.visier.io:443/x"),
            "acme.api.visier.io_443_x"
        );
        assert_eq!(sanitize(""), "tenant");
    }
}
