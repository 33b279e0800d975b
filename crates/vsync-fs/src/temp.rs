//! The names of temporaries: `.NAME.PID.…` beside the path, and the clean-up of those that
//! killed processes left behind.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

/// The folder a path lives in (`.` for a bare name) and its file name.
pub(crate) fn split(path: &Path) -> (PathBuf, String) {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    let name = path.file_name().map_or_else(
        || "unnamed".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    (dir, name)
}

/// The prefix of this process's temporaries for `name`.
pub(crate) fn prefix(name: &str) -> String {
    format!(".{name}.{}.", std::process::id())
}

/// The process that made the temporary `entry` of `name`, if `entry` is one; `suffix` tells
/// the kind (`.tmp` files, `.new-…` and `.old` folders).
fn owner(entry: &OsStr, name: &str, is_temporary: impl Fn(&str) -> bool) -> Option<u32> {
    let entry = entry.to_str()?;
    let rest = entry
        .strip_prefix('.')?
        .strip_prefix(name)?
        .strip_prefix('.')?;
    let (pid, tail) = rest.split_once('.')?;
    let pid = pid.parse().ok()?;
    is_temporary(tail).then_some(pid)
}

/// Whether process `pid` may still be running: ours is, and so is any other where the
/// system cannot tell (no `/proc`).
fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// The temporaries of `name` in `dir` that `is_temporary` accepts and whose process is gone.
pub(crate) fn left_behind(
    dir: &Path,
    name: &str,
    is_temporary: impl Fn(&str) -> bool + Copy,
) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .filter(|e| owner(&e.file_name(), name, is_temporary).is_some_and(|pid| !running(pid)))
        .map(|e| e.path())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_temporary_names_its_process() {
        let tmp = |t: &str| t == "x1y2.tmp";
        assert_eq!(
            owner(OsStr::new(".a.csv.42.x1y2.tmp"), "a.csv", tmp),
            Some(42)
        );
        assert_eq!(owner(OsStr::new(".a.csv.42.x1y2.bak"), "a.csv", tmp), None);
        assert_eq!(owner(OsStr::new(".b.csv.42.x1y2.tmp"), "a.csv", tmp), None);
        assert_eq!(owner(OsStr::new("a.csv"), "a.csv", tmp), None);
        assert!(running(std::process::id()));
    }
}
