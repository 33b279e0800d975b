//! A folder replaced as a whole: [`replace_dir`].

use std::path::{Path, PathBuf};

use crate::error::Error;
use crate::file::{sync_dir, sync_tree};
use crate::temp;

/// Whether a temporary's name (past `.NAME.PID.`) is one of a folder's: a new folder being
/// filled, or the previous one being swapped out.
fn is_folder_temporary(tail: &str) -> bool {
    tail.starts_with("new-") || tail == "old"
}

/// Replaces the folder `path` with what `fill` writes into the empty folder it is given,
/// all at once: `fill` writes into a temporary folder beside `path`; when it succeeds, the
/// files are fsynced and the temporary folder is swapped in (the previous folder moved aside,
/// the new one renamed into place, the previous one removed), and the parent folder fsynced.
///
/// If `fill` fails, the temporary folder is removed and `path` is untouched. A run killed
/// part-way leaves at most a temporary beside `path`: the next call removes it, and if the
/// kill fell between the two renames (no folder at `path`), first puts the previous folder
/// back. A missing `path` is created; a `path` that is not a folder is an error.
///
/// Everything in the folder is replaced: callers that must not remove files of others check
/// what the folder holds first.
pub fn replace_dir<T, E>(
    path: impl AsRef<Path>,
    fill: impl FnOnce(&Path) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<Error>,
{
    let path = path.as_ref();
    let (parent, name) = temp::split(path);
    std::fs::create_dir_all(&parent).map_err(Error::write(&parent))?;
    recover(path, &parent, &name)?;
    if path.exists() && !path.is_dir() {
        return Err(Error::NotAFolder {
            path: path.to_owned(),
        }
        .into());
    }
    let new = tempfile::Builder::new()
        .prefix(&format!("{}new-", temp::prefix(&name)))
        .tempdir_in(&parent)
        .map_err(Error::write(path))?;
    let value = fill(new.path())?;
    sync_tree(new.path())?;
    let new = new.keep();
    swap(path, &parent, &name, &new)?;
    Ok(value)
}

/// Puts back a previous folder that a killed run had moved aside, then removes the
/// temporaries killed runs left.
fn recover(path: &Path, parent: &Path, name: &str) -> Result<(), Error> {
    let stale = temp::left_behind(parent, name, is_folder_temporary);
    if !path.exists()
        && let Some(old) = stale.iter().find(|p| p.to_string_lossy().ends_with(".old"))
    {
        std::fs::rename(old, path).map_err(Error::swap(path))?;
        sync_dir(parent)?;
    }
    for leftover in stale {
        if leftover.exists() {
            let _ = std::fs::remove_dir_all(&leftover).or_else(|_| std::fs::remove_file(&leftover));
        }
    }
    Ok(())
}

/// Swaps the filled folder `new` in at `path`.
fn swap(path: &Path, parent: &Path, name: &str, new: &PathBuf) -> Result<(), Error> {
    let discard = |folder: &Path| {
        let _ = std::fs::remove_dir_all(folder);
    };
    if !path.exists() {
        if let Err(e) = std::fs::rename(new, path) {
            discard(new);
            return Err(Error::swap(path)(e));
        }
        return sync_dir(parent);
    }
    let old = parent.join(format!("{}old", temp::prefix(name)));
    if let Err(e) = std::fs::rename(path, &old) {
        discard(new);
        return Err(Error::swap(path)(e));
    }
    if let Err(e) = std::fs::rename(new, path) {
        // Put the previous folder back; the new one goes.
        let _ = std::fs::rename(&old, path);
        discard(new);
        return Err(Error::swap(path)(e));
    }
    sync_dir(parent)?;
    discard(&old);
    Ok(())
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

    fn fill_with<'a>(
        files: &'a [(&'a str, &'a str)],
    ) -> impl FnOnce(&Path) -> Result<(), Error> + 'a {
        move |dir| {
            for (name, text) in files {
                crate::write(dir.join(name), text)?;
            }
            Ok(())
        }
    }

    #[test]
    fn a_folder_is_replaced_whole_and_nothing_else_is_left() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("tenant");
        replace_dir(&out, fill_with(&[("users.csv", "a"), ("groups.csv", "b")])).unwrap();
        replace_dir(&out, fill_with(&[("users.csv", "c")])).unwrap();
        assert_eq!(entries(&out), vec!["users.csv"]);
        assert_eq!(std::fs::read_to_string(out.join("users.csv")).unwrap(), "c");
        assert_eq!(entries(root.path()), vec!["tenant"]);
    }

    #[test]
    fn a_fill_that_fails_part_way_leaves_the_previous_folder_whole() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("tenant");
        replace_dir(
            &out,
            fill_with(&[("users.csv", "old users"), ("groups.csv", "old")]),
        )
        .unwrap();
        let result: Result<(), Error> = replace_dir(&out, |dir| {
            crate::write(dir.join("users.csv"), "new users, cut")?;
            Err(Error::Write {
                path: dir.join("groups.csv"),
                source: std::io::Error::other("killed"),
            })
        });
        assert!(result.is_err());
        assert_eq!(entries(&out), vec!["groups.csv", "users.csv"]);
        assert_eq!(
            std::fs::read_to_string(out.join("users.csv")).unwrap(),
            "old users"
        );
        assert_eq!(entries(root.path()), vec!["tenant"], "no temporary is left");
    }

    #[test]
    fn a_run_killed_between_the_renames_gets_its_previous_folder_back() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("tenant");
        // What a process killed after moving the previous folder aside leaves: the previous
        // folder as `.old`, the new one half-filled, nothing at `tenant`.
        let old = root.path().join(".tenant.4294967295.old");
        let new = root.path().join(".tenant.4294967295.new-x1y2z3");
        std::fs::create_dir_all(&old).unwrap();
        std::fs::write(old.join("users.csv"), "previous").unwrap();
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(new.join("users.csv"), "cut").unwrap();
        let failed: Result<(), Error> = replace_dir(&out, |dir| {
            Err(Error::NotAFolder {
                path: dir.to_owned(),
            })
        });
        assert!(failed.is_err());
        assert_eq!(
            std::fs::read_to_string(out.join("users.csv")).unwrap(),
            "previous"
        );
        assert_eq!(entries(root.path()), vec!["tenant"]);
    }

    #[test]
    fn a_file_in_the_way_is_refused() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("tenant");
        std::fs::write(&out, "a file").unwrap();
        let error = replace_dir(&out, fill_with(&[])).unwrap_err();
        assert_eq!(error.kind(), crate::ErrorKind::NotAFolder);
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "a file");
    }
}
