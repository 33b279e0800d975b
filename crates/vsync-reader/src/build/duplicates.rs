//! Users found by username, and the duplicate usernames and employee IDs across Users sheets.

use std::hash::BuildHasher;
use std::sync::Arc;

use vsync_model::{DesiredUser, UserKey};

use crate::error::{Problem, ProblemKind};
use crate::schema::Column;

use super::{Builder, Place};

/// A Users sheet read, for naming the places of its users.
#[derive(Debug)]
pub(super) struct UsersSheet {
    pub(super) place: Place,
    pub(super) username: String,
    pub(super) employee_id: String,
}

/// Finds users by username, case-insensitively, without a key allocation per row for ASCII
/// names: the hashes of the folded names, sorted, each with its user's index. Sorting once
/// after the Users sheet is far cheaper than a million random probes into a hash map.
#[derive(Debug, Default)]
pub(super) struct UserIndex {
    hasher: foldhash::fast::RandomState,
    /// `(hash of the folded username, index)`, sorted once the Users sheet is read. Eight
    /// bytes a user: a 32-bit hash only means the rare equal hash is compared in full.
    pub(super) hashes: Vec<(u32, u32)>,
    buf: String,
}

fn same_user(a: &str, b: &str) -> bool {
    if a.is_ascii() && b.is_ascii() {
        a.eq_ignore_ascii_case(b)
    } else {
        UserKey::new(a) == UserKey::new(b)
    }
}

/// The low 32 bits of `state`'s hash of `text`.
pub(super) fn hash32(state: &foldhash::fast::RandomState, text: &str) -> u32 {
    state.hash_one(text) as u32
}

impl UserIndex {
    pub(super) fn hash(&mut self, name: &str) -> u32 {
        if name.is_ascii() {
            if !name.bytes().any(|b| b.is_ascii_uppercase()) {
                return hash32(&self.hasher, name);
            }
            self.buf.clear();
            self.buf.push_str(name);
            self.buf.make_ascii_lowercase();
        } else {
            self.buf.clear();
            self.buf.push_str(UserKey::new(name).as_str());
        }
        hash32(&self.hasher, &self.buf)
    }

    /// Indexes all of `users` (sorted).
    fn rebuild(&mut self, users: &[DesiredUser]) {
        let mut hashes = std::mem::take(&mut self.hashes);
        hashes.clear();
        hashes.extend(
            users
                .iter()
                .enumerate()
                .map(|(i, u)| (self.hash(&u.username), i as u32)),
        );
        hashes.sort_unstable();
        self.hashes = hashes;
    }

    pub(super) fn find(&mut self, users: &[DesiredUser], name: &str) -> Option<u32> {
        let hash = self.hash(name);
        let start = self.hashes.partition_point(|(h, _)| *h < hash);
        self.hashes[start..]
            .iter()
            .take_while(|(h, _)| *h == hash)
            .find(|(_, i)| same_user(&users[*i as usize].username, name))
            .map(|(_, i)| *i)
    }
}

/// Pairs `(later, first)` of entries whose values are equal by `same`, given `(hash, index)`
/// pairs (sorted here, in place); `skip` leaves entries out.
fn duplicates(
    hashes: &mut [(u32, u32)],
    skip: &[bool],
    same: impl Fn(u32, u32) -> bool,
) -> Vec<(u32, u32)> {
    hashes.sort_unstable();
    let mut found = Vec::new();
    for run in hashes.chunk_by(|a, b| a.0 == b.0) {
        if run.len() < 2 {
            continue;
        }
        let mut firsts: Vec<u32> = Vec::new();
        for &(_, i) in run {
            if skip[i as usize] {
                continue;
            }
            match firsts.iter().find(|&&f| same(f, i)) {
                Some(&f) => found.push((i, f)),
                None => firsts.push(i),
            }
        }
    }
    found
}

impl Builder<'_> {
    /// indexes the users for the long-form sheets. Idempotent.
    pub(crate) fn end_users(&mut self) {
        if self.users_done {
            return;
        }
        self.users_done = true;
        if !self.users_seen {
            return;
        }
        self.check_duplicates();
        let max = self.options.tenant.max_users;
        if self.users.len() > max {
            let message = format!(
                "the input holds {} users, more than the tenant's limit of {max}; this is the first user past it",
                self.users.len()
            );
            let p = self.user_problem(max, ProblemKind::TooManyUsers, Column::Username, message);
            self.problems.push(p);
        }
        let sheets = &self.users_sheets;
        let rank = |p: &Problem| {
            sheets
                .iter()
                .position(|s| s.place.file == p.file && s.place.sheet == p.sheet)
                .unwrap_or(usize::MAX)
        };
        if let Some(tail) = self.problems.list.get_mut(self.users_problems_start..) {
            tail.sort_by_key(|p| (rank(p), p.row));
        }
    }

    /// A problem with user `idx`, at its row and in `column` of its sheet.
    fn user_problem(
        &self,
        idx: usize,
        kind: ProblemKind,
        column: Column,
        message: String,
    ) -> Problem {
        let user = &self.users[idx];
        let sheet = self
            .users_sheets
            .iter()
            .rev()
            .find(|s| s.place.holds(&user.source));
        let label = match (sheet, column) {
            (Some(s), Column::EmployeeId) => s.employee_id.clone(),
            (Some(s), _) => s.username.clone(),
            (None, c) => c.header().to_owned(),
        };
        let problem = match sheet {
            Some(s) => s.place.problem(kind, message),
            None => Problem::file(kind, &Arc::from(user.source.file()), message),
        };
        problem.at_row(user.source.row).in_column(label)
    }

    /// Reports duplicate usernames (case-insensitive) and employee IDs across every Users
    /// sheet, naming both places; drops the later duplicates and indexes the users.
    fn check_duplicates(&mut self) {
        let users = &self.users;
        let mut removed = vec![false; users.len()];
        let mut hashes = std::mem::take(&mut self.user_index.hashes);
        let dup_names = duplicates(&mut hashes, &removed, |a, b| {
            same_user(&users[a as usize].username, &users[b as usize].username)
        });
        let mut found = Vec::new();
        for &(later, first) in &dup_names {
            removed[later as usize] = true;
            let (l, f) = (&users[later as usize], &users[first as usize]);
            let message = format!(
                "duplicate username \"{}\" (first at {})",
                l.username, f.source
            );
            found.push((
                later as usize,
                ProblemKind::DuplicateUsername,
                Column::Username,
                message,
            ));
        }
        let mut employee_hashes = std::mem::take(&mut self.employee_hashes);
        let dup_ids = duplicates(&mut employee_hashes, &removed, |a, b| {
            users[a as usize].employee_id == users[b as usize].employee_id
        });
        for (later, first) in dup_ids {
            let (l, f) = (&users[later as usize], &users[first as usize]);
            let id = l.employee_id.as_deref().unwrap_or_default();
            let message = format!("duplicate employeeId \"{id}\" (first at {})", f.source);
            found.push((
                later as usize,
                ProblemKind::DuplicateEmployeeId,
                Column::EmployeeId,
                message,
            ));
        }
        drop(employee_hashes);
        for (idx, kind, column, message) in found {
            let p = self.user_problem(idx, kind, column, message);
            self.problems.push(p);
        }
        if dup_names.is_empty() {
            // Sorted already, and every index still points at its user.
            self.user_index.hashes = hashes;
        } else {
            drop(hashes);
            let mut keep = removed.iter().map(|r| !r);
            self.users.retain(|_| keep.next().unwrap_or(true));
            let mut keep = removed.iter().map(|r| !r);
            self.wide.retain(|_| keep.next().unwrap_or(true));
            self.user_index.rebuild(&self.users);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_index_and_duplicates_are_case_insensitive() {
        let users: Vec<DesiredUser> = [
            "Jane@X.com",
            "jane@x.com",
            "\u{c9}mile@x.com",
            "\u{e9}mile@x.com",
            "bob@x.com",
        ]
        .iter()
        .map(|n| DesiredUser {
            username: (*n).into(),
            ..DesiredUser::default()
        })
        .collect();
        let mut index = UserIndex::default();
        index.rebuild(&users);
        let found = duplicates(&mut index.hashes.clone(), &[false; 5], |a, b| {
            same_user(&users[a as usize].username, &users[b as usize].username)
        });
        let mut sorted = found.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![(1, 0), (3, 2)]);
        assert_eq!(index.find(&users, "JANE@x.com").map(|i| i < 2), Some(true));
        assert_eq!(index.find(&users, "BOB@x.com"), Some(4));
        assert_eq!(index.find(&users, "nobody"), None);
    }

    #[test]
    fn equal_hashes_of_different_values_are_not_duplicates() {
        // A 32-bit hash collides about a hundred times in a million rows: values decide.
        let values = ["a", "b", "a", "c", "b"];
        let mut hashes: Vec<(u32, u32)> = (0..5).map(|i| (7, i)).collect();
        let mut found = duplicates(&mut hashes, &[false; 5], |a, b| {
            values[a as usize] == values[b as usize]
        });
        found.sort_unstable();
        assert_eq!(found, vec![(2, 0), (4, 1)]);
    }
}
