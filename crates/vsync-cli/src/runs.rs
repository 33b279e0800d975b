//! Run history: each `plan`, `apply` or `sync` writes into its own folder in the report
//! folder, named by its start time and command (`2026-12-01T02-00-00Z-sync/`); `latest`
//! points at the newest (a symlink, or a text file naming it where symlinks are not
//! available); older folders are removed by the retention setting (the newest N runs, or
//! the runs of the last N days).
//!
//! Only folders whose names have that form are ever removed.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use time::OffsetDateTime;
use time::macros::format_description;

/// The name of the pointer at the newest run.
pub const LATEST: &str = "latest";
/// The journal an apply keeps in its run folder.
pub const JOURNAL: &str = "apply-journal.jsonl";
/// The plan an apply keeps next to its journal, for `--resume`.
pub const KEPT_PLAN: &str = "apply-plan.json";
/// The facts of a run, written when it ends.
pub const RUN_FILE: &str = "run.json";

/// How many runs to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// Keep the newest N runs.
    pub runs: Option<usize>,
    /// Keep the runs of the last N days.
    pub days: Option<u32>,
}

/// One run's folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDir {
    /// The folder.
    pub path: PathBuf,
}

impl RunDir {
    /// A new folder for `command` started at `now` in `report_dir`, made the `latest`; then
    /// the runs beyond `retention` are removed.
    pub fn create(
        report_dir: &Path,
        command: &str,
        now: OffsetDateTime,
        retention: Retention,
    ) -> anyhow::Result<Self> {
        std::fs::create_dir_all(report_dir).with_context(|| {
            format!(
                "failed to create the report folder {}",
                report_dir.display()
            )
        })?;
        let stamp = stamp(now);
        let mut n = 1;
        let path = loop {
            let name = if n == 1 {
                format!("{stamp}-{command}")
            } else {
                format!("{stamp}-{command}-{n}")
            };
            let path = report_dir.join(name);
            match std::fs::create_dir(&path) {
                Ok(()) => break path,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("failed to create the run folder {}", path.display())
                    });
                }
            }
        };
        let run = Self { path };
        point_latest(report_dir, &run.path)?;
        prune(report_dir, retention, now, &run.path);
        Ok(run)
    }

    /// A folder used as it is (the demo's numbered steps).
    pub fn in_place(dir: &Path) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("failed to create the report folder {}", dir.display()))?;
        Ok(Self {
            path: dir.to_path_buf(),
        })
    }

    /// The journal of an apply in this run.
    pub fn journal(&self) -> PathBuf {
        self.path.join(JOURNAL)
    }

    /// The plan an apply in this run keeps for `--resume`.
    pub fn kept_plan(&self) -> PathBuf {
        self.path.join(KEPT_PLAN)
    }
}

/// `2026-12-01T02-00-00Z`: RFC 3339 in UTC, with `-` for `:` so every file system takes it.
fn stamp(now: OffsetDateTime) -> String {
    now.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]-[minute]-[second]Z"
        ))
        .unwrap_or_else(|_| "unknown-time".to_owned())
}

/// A run folder's start time, if `name` is one.
fn started(name: &str) -> Option<OffsetDateTime> {
    let stamp = name.get(..20)?;
    let rest = name.get(20..)?;
    if !rest.starts_with('-') || rest.len() < 2 {
        return None;
    }
    time::PrimitiveDateTime::parse(
        stamp,
        format_description!("[year]-[month]-[day]T[hour]-[minute]-[second]Z"),
    )
    .ok()
    .map(time::PrimitiveDateTime::assume_utc)
}

/// The run folders in `report_dir`, oldest first.
pub fn list(report_dir: &Path) -> Vec<(OffsetDateTime, PathBuf)> {
    let mut runs: Vec<(OffsetDateTime, u32, PathBuf)> = std::fs::read_dir(report_dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let when = started(&name)?;
            let seq = name
                .rsplit('-')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            Some((when, seq, e.path()))
        })
        .collect();
    runs.sort();
    runs.into_iter()
        .map(|(when, _, path)| (when, path))
        .collect()
}

/// Makes `latest` point at `run`: a relative symlink swapped in atomically, or a text file
/// naming it where symlinks cannot be made.
fn point_latest(report_dir: &Path, run: &Path) -> anyhow::Result<()> {
    let name = run
        .file_name()
        .context("a run folder has a name")?
        .to_owned();
    let latest = report_dir.join(LATEST);
    let temporary = report_dir.join(format!(".{LATEST}-{}", std::process::id()));
    let _ = std::fs::remove_file(&temporary);
    #[cfg(unix)]
    let linked = std::os::unix::fs::symlink(&name, &temporary).is_ok();
    #[cfg(not(unix))]
    let linked = false;
    // A `latest` folder left by hand cannot be replaced by a rename: leave it be.
    if latest.is_dir() && !latest.is_symlink() {
        let _ = std::fs::remove_file(&temporary);
        return Ok(());
    }
    if !linked {
        return vsync_fs::write(&latest, format!("{}\n", name.to_string_lossy()))
            .map_err(vsync_fs::Error::into_io)
            .with_context(|| format!("failed to update {}", latest.display()));
    }
    std::fs::rename(&temporary, &latest)
        .with_context(|| format!("failed to update {}", latest.display()))?;
    vsync_fs::sync_dir(report_dir)
        .map_err(vsync_fs::Error::into_io)
        .with_context(|| format!("failed to update {}", latest.display()))
}

/// The newest run per `latest` (either form).
pub fn latest(report_dir: &Path) -> Option<PathBuf> {
    let latest = report_dir.join(LATEST);
    if latest.is_symlink() || latest.is_dir() {
        return latest.canonicalize().ok();
    }
    let name = std::fs::read_to_string(&latest).ok()?;
    Some(report_dir.join(name.trim()))
}

/// Removes the runs beyond `retention`, never `current`; a folder that cannot be removed is
/// left with a warning.
fn prune(report_dir: &Path, retention: Retention, now: OffsetDateTime, current: &Path) {
    let runs = list(report_dir);
    let count = runs.len();
    for (i, (when, path)) in runs.into_iter().enumerate() {
        if path == current {
            continue;
        }
        let newer = count - i - 1;
        let within_runs = retention.runs.is_some_and(|n| newer < n);
        let within_days = retention
            .days
            .is_some_and(|d| now - when < time::Duration::days(i64::from(d)));
        let unlimited = retention.runs.is_none() && retention.days.is_none();
        if unlimited || within_runs || within_days {
            continue;
        }
        if let Err(error) = std::fs::remove_dir_all(&path) {
            tracing::warn!(folder = %path.display(), %error, "could not remove an old run folder");
        }
    }
}

/// The newest run with an apply journal and its kept plan: the run `apply --resume`
/// continues.
pub fn resumable(report_dir: &Path) -> Option<RunDir> {
    list(report_dir)
        .into_iter()
        .rev()
        .map(|(_, path)| RunDir { path })
        .find(|run| run.journal().is_file() && run.kept_plan().is_file())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const KEEP_30: Retention = Retention {
        runs: Some(30),
        days: None,
    };

    #[test]
    fn two_runs_keep_two_folders_and_latest_names_the_newer() {
        let dir = tempfile::tempdir().unwrap();
        let first = RunDir::create(
            dir.path(),
            "sync",
            datetime!(2026-12-01 02:00:00 UTC),
            KEEP_30,
        )
        .unwrap();
        let second = RunDir::create(
            dir.path(),
            "sync",
            datetime!(2026-12-02 02:00:00 UTC),
            KEEP_30,
        )
        .unwrap();
        assert!(
            first.path.ends_with("2026-12-01T02-00-00Z-sync"),
            "{first:?}"
        );
        assert!(first.path.is_dir() && second.path.is_dir());
        assert_eq!(
            latest(dir.path()).unwrap(),
            second.path.canonicalize().unwrap()
        );
        assert_eq!(list(dir.path()).len(), 2);
    }

    #[test]
    fn runs_in_the_same_second_get_their_own_folders() {
        let dir = tempfile::tempdir().unwrap();
        let now = datetime!(2026-12-01 02:00:00 UTC);
        let a = RunDir::create(dir.path(), "plan", now, KEEP_30).unwrap();
        let b = RunDir::create(dir.path(), "plan", now, KEEP_30).unwrap();
        assert_ne!(a, b);
        assert!(b.path.ends_with("2026-12-01T02-00-00Z-plan-2"));
        assert_eq!(list(dir.path()).last().unwrap().1, b.path);
    }

    #[test]
    fn retention_keeps_the_newest_runs_and_nothing_else_is_touched() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("not-a-run")).unwrap();
        std::fs::write(dir.path().join("plan.json"), "{}").unwrap();
        let keep = Retention {
            runs: Some(2),
            days: None,
        };
        for day in 1..=4u8 {
            let now = time::Date::from_calendar_date(2026, time::Month::December, day)
                .unwrap()
                .midnight()
                .assume_utc();
            RunDir::create(dir.path(), "sync", now, keep).unwrap();
        }
        let names: Vec<String> = list(dir.path())
            .into_iter()
            .map(|(_, p)| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            ["2026-12-03T00-00-00Z-sync", "2026-12-04T00-00-00Z-sync"]
        );
        assert!(dir.path().join("not-a-run").is_dir());
        assert!(dir.path().join("plan.json").is_file());
    }

    #[test]
    fn retention_by_days_keeps_recent_runs() {
        let dir = tempfile::tempdir().unwrap();
        let keep = Retention {
            runs: None,
            days: Some(7),
        };
        RunDir::create(dir.path(), "sync", datetime!(2026-11-01 02:00:00 UTC), keep).unwrap();
        RunDir::create(dir.path(), "sync", datetime!(2026-11-28 02:00:00 UTC), keep).unwrap();
        RunDir::create(dir.path(), "sync", datetime!(2026-12-01 02:00:00 UTC), keep).unwrap();
        assert_eq!(list(dir.path()).len(), 2);
    }

    #[test]
    fn resume_finds_the_newest_run_with_a_journal() {
        let dir = tempfile::tempdir().unwrap();
        let applied = RunDir::create(
            dir.path(),
            "apply",
            datetime!(2026-12-01 02:00:00 UTC),
            KEEP_30,
        )
        .unwrap();
        std::fs::write(applied.journal(), "").unwrap();
        std::fs::write(applied.kept_plan(), "{}").unwrap();
        RunDir::create(
            dir.path(),
            "plan",
            datetime!(2026-12-01 03:00:00 UTC),
            KEEP_30,
        )
        .unwrap();
        assert_eq!(resumable(dir.path()), Some(applied));
        assert_eq!(resumable(&dir.path().join("nothing")), None);
    }

    #[test]
    fn only_run_names_parse() {
        assert!(started("2026-12-01T02-00-00Z-sync").is_some());
        assert!(started("2026-12-01T02-00-00Z-").is_none());
        assert!(started("latest").is_none());
        assert!(started("2026-12-01-notes").is_none());
    }
}
