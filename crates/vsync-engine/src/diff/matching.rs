//! Matching desired users to live users: by folded username (a partitioned hash join), then
//! renames by employee ID; and the text comparisons the differ uses.

use std::collections::HashMap;
use std::hash::BuildHasher;

use vsync_model::{DesiredState, LiveState, UserKey, normalize_text};

use crate::change::Edit;
use crate::error::EngineError;
use crate::fast_hash::FastMap;

/// The edit when the file gives a value that differs from the live one after normalisation.
pub(super) fn text_change(wanted: Option<&str>, live: Option<&str>) -> Option<Edit<String>> {
    let wanted = wanted?;
    let live_text = live.unwrap_or("");
    if trim(wanted) == trim(live_text) {
        return None;
    }
    let wanted = normalize_text(wanted);
    if wanted.is_empty() || wanted == normalize_text(live_text) {
        return None;
    }
    Some(Edit::replace(live.map(ToOwned::to_owned), wanted))
}

/// [`str::trim`], with a shortcut for text that starts and ends with a printable ASCII
/// character (no white space can be trimmed then), which is nearly all of it.
pub(super) fn trim(text: &str) -> &str {
    let printable = |b: &u8| (b'!'..=b'~').contains(b);
    let bytes = text.as_bytes();
    if bytes.first().is_some_and(printable) && bytes.last().is_some_and(printable) {
        text
    } else {
        text.trim()
    }
}

/// Matches desired users to live users by folded username: for each desired user, the first
/// live user (in listing order) with its key, and the pairs `(later, first)` of desired users
/// that share a key, in row order (the later rows match nothing).
///
/// One hash map of a million usernames on each side is mostly cache and TLB misses (about a
/// second), so this is a partitioned hash join: one sequential pass copies every folded key,
/// with its index, into one of 256 partitions chosen by its hash; each partition (about 100 KB
/// for a million users) is then joined with a small map that stays in cache.
pub(super) fn match_usernames(
    desired: &DesiredState,
    live: &LiveState,
) -> (Vec<Option<usize>>, Vec<(usize, usize)>) {
    const BITS: u32 = 8;
    /// The folded keys of one partition: `(index, end of the key in text)` in index order.
    #[derive(Default)]
    struct Part {
        entries: Vec<(u32, u32)>,
        text: String,
    }
    impl Part {
        fn keys(&self) -> impl Iterator<Item = (u32, &str)> {
            let mut start = 0;
            self.entries.iter().map(move |&(index, end)| {
                let key = &self.text[start..end as usize];
                start = end as usize;
                (index, key)
            })
        }
    }
    let state = foldhash::fast::RandomState::default();
    let partition = |names: &mut dyn ExactSizeIterator<Item = &str>| {
        let per_part = names.len() / (1 << BITS) + names.len() / (1 << (BITS + 3)) + 1;
        let mut parts: Vec<Part> = (0..1 << BITS)
            .map(|_| Part {
                entries: Vec::with_capacity(per_part),
                text: String::with_capacity(per_part * 24),
            })
            .collect();
        for (index, name) in names.enumerate() {
            let key = UserKey::fold_str(name);
            let part = &mut parts[(state.hash_one(&*key) >> (64 - BITS)) as usize];
            part.text.push_str(&key);
            let end = u32::try_from(part.text.len()).expect("under 4 GB of usernames");
            let index = u32::try_from(index).expect("fewer than 2^32 users");
            part.entries.push((index, end));
        }
        parts
    };
    let live_parts = partition(&mut live.users.iter().map(|u| u.username.as_str()));
    let desired_parts = partition(&mut desired.users.iter().map(|u| &*u.username));

    let mut matched = vec![None; desired.users.len()];
    let mut duplicates = Vec::new();
    // key -> (first live index, first desired index), `u32::MAX` for none.
    let mut slots: FastMap<&str, (u32, u32)> = FastMap::default();
    for (lives, rows) in live_parts.iter().zip(&desired_parts) {
        slots.clear();
        for (index, key) in lives.keys() {
            slots.entry(key).or_insert((index, u32::MAX));
        }
        for (index, key) in rows.keys() {
            let slot = slots.entry(key).or_insert((u32::MAX, u32::MAX));
            if slot.1 == u32::MAX {
                slot.1 = index;
                if slot.0 != u32::MAX {
                    matched[index as usize] = Some(slot.0 as usize);
                }
            } else {
                duplicates.push((index as usize, slot.1 as usize));
            }
        }
    }
    duplicates.sort_unstable();
    (matched, duplicates)
}

/// Case-insensitive equality after normalisation, without allocating in the common case.
pub(super) fn keys_equal(a: &str, b: &str) -> bool {
    let (a, b) = (trim(a), trim(b));
    a == b
        || (a.is_ascii() && b.is_ascii() && a.eq_ignore_ascii_case(b))
        || (!(a.is_ascii() && b.is_ascii()) && UserKey::new(a) == UserKey::new(b))
}

/// Checks that no row joins two people: a row whose username belongs to one live user and
/// whose employee ID belongs to another would overwrite the first with the second's identity
/// (and, the second's row gone, disable the second). Each such row is a problem naming both
/// users and the way out.
///
/// Only rows whose employee ID differs from their matched user's can collide, and nearly none
/// do, so the live users are indexed by employee ID only when one does.
pub(super) fn check_identities(
    desired: &DesiredState,
    live: &LiveState,
    matched: &[Option<usize>],
    problems: &mut Vec<EngineError>,
) {
    fn employee(id: Option<&str>) -> Option<&str> {
        id.map(trim).filter(|e| !e.is_empty())
    }
    let suspects: Vec<(usize, usize)> = matched
        .iter()
        .enumerate()
        .filter_map(|(row, m)| {
            let live_index = (*m)?;
            let wanted = employee(desired.users[row].employee_id.as_deref())?;
            (employee(live.users[live_index].employee_id.as_deref()) != Some(wanted))
                .then_some((row, live_index))
        })
        .collect();
    if suspects.is_empty() {
        return;
    }
    let mut by_employee: HashMap<&str, usize> = HashMap::new();
    for (index, user) in live.users.iter().enumerate() {
        if let Some(id) = employee(user.employee_id.as_deref()) {
            by_employee.entry(id).or_insert(index);
        }
    }
    // employee ID -> the first row that matches no live user by username and gives it: a
    // rename of that ID's live user, if the file holds a chain of renames.
    // Built at the first collision: there are nearly never any.
    let mut renames: Option<HashMap<&str, usize>> = None;
    for (row, live_index) in suspects {
        let user = &desired.users[row];
        let wanted = employee(user.employee_id.as_deref()).unwrap_or_default();
        let Some(&owner) = by_employee.get(wanted) else {
            continue;
        };
        if owner == live_index {
            continue;
        }
        let (holder, other) = (&live.users[live_index], &live.users[owner]);
        let id_of = |u: &vsync_model::LiveUser| {
            u.employee_id
                .as_deref()
                .filter(|e| !trim(e).is_empty())
                .map_or_else(|| "none".to_owned(), |e| format!("{e:?}"))
        };
        let renames = renames.get_or_insert_with(|| {
            let mut renames = HashMap::new();
            for (row, user) in desired.users.iter().enumerate() {
                if matched[row].is_none()
                    && let Some(id) = employee(user.employee_id.as_deref())
                {
                    renames.entry(id).or_insert(row);
                }
            }
            renames
        });
        let way_out = match employee(holder.employee_id.as_deref()).and_then(|id| renames.get(id))
        {
            // A chain: another row renames the holder away.
            Some(&next) => format!(
                "{:?} is renamed to {:?} at {}: sync that rename first, with this row's username unchanged, then this one",
                holder.username, desired.users[next].username, desired.users[next].source
            ),
            None => "Fix the file, or, if the employee's username really changes to one another user holds, change that user's username in Visier first".to_owned(),
        };
        problems.push(EngineError::Contradiction {
            message: format!(
                "the row joins two people: its username {:?} is the live user {:?} (employeeId {}), but its employeeId {wanted:?} is the live user {:?} (employeeId {}); applying it would overwrite one with the other. {way_out}",
                user.username,
                holder.username,
                id_of(holder),
                other.username,
                id_of(other),
            ),
            at: Some(user.source.clone()),
        });
    }
}

/// Rows whose username matches nobody but whose employee ID matches exactly one unmatched live
/// user are renames of that user; ambiguous ones are problems. Returns the rows left as new
/// users, by employee ID, for [`second_account`].
pub(super) fn match_renames<'a>(
    desired: &'a DesiredState,
    live: &LiveState,
    unmatched: &[usize],
    matched: &mut [Option<usize>],
    taken: &mut [bool],
    problems: &mut Vec<EngineError>,
) -> FastMap<&'a str, usize> {
    let mut unheld = FastMap::default();
    if unmatched.is_empty() {
        return unheld;
    }
    // employee ID -> live index, or None when two unmatched live users share it.
    let mut by_employee: HashMap<&str, Option<usize>> = HashMap::new();
    for (index, user) in live.users.iter().enumerate() {
        if taken[index] {
            continue;
        }
        if let Some(employee) = user
            .employee_id
            .as_deref()
            .map(str::trim)
            .filter(|e| !e.is_empty())
        {
            by_employee
                .entry(employee)
                .and_modify(|slot| *slot = None)
                .or_insert(Some(index));
        }
    }
    let mut claimed: HashMap<&str, usize> = HashMap::new();
    for &index in unmatched {
        let user = &desired.users[index];
        let employee = user.employee_id.as_deref().map_or("", str::trim);
        match by_employee.get(employee) {
            None => {
                if !employee.is_empty() {
                    unheld.entry(employee).or_insert(index);
                }
            }
            Some(None) => problems.push(EngineError::Contradiction {
                message: format!(
                    "employee ID {employee:?} of {:?} belongs to several live users; cannot tell which one is renamed",
                    user.username
                ),
                at: Some(user.source.clone()),
            }),
            Some(Some(live_index)) => {
                if let Some(&other) = claimed.get(employee) {
                    problems.push(EngineError::Contradiction {
                        message: format!(
                            "employee ID {employee:?} is given to {:?} and to {:?} (at {}); both would rename {:?}",
                            user.username, desired.users[other].username, desired.users[other].source, live.users[*live_index].username
                        ),
                        at: Some(user.source.clone()),
                    });
                    continue;
                }
                claimed.insert(employee, index);
                matched[index] = Some(*live_index);
                taken[*live_index] = true;
            }
        }
    }
    unheld
}

/// The problem of the row whose employee ID no unmatched live user holds (a new user, as
/// [`match_renames`] returns them) when the live user `live_index`, kept by its username at row
/// `keeper`, holds that ID: whether that row keeps the ID (one employee, two accounts) or gives
/// another (a username recycled for a new hire), the live account would go to one person and a
/// new one to the other.
///
/// The differ asks this of every matched row while it compares the row with its live user, so
/// the live employee IDs are read once, where they are compared anyway.
pub(super) fn second_account(
    desired: &DesiredState,
    live: &LiveState,
    unheld: &FastMap<&str, usize>,
    keeper: usize,
    live_index: usize,
) -> Option<EngineError> {
    let holder = &live.users[live_index];
    let employee = holder.employee_id.as_deref().map(str::trim)?;
    let &row = unheld.get(employee)?;
    let (user, keeper) = (&desired.users[row], &desired.users[keeper]);
    let way_out = match keeper.employee_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() && id != employee => format!(
            " (giving it employeeId {id:?}); applying both would give that employee's account to another person and the employee a new account. Fix the file; if {:?} is renamed to {:?} and its old username goes to someone else, sync the rename first (without the row at {}), then add that row",
            holder.username, user.username, keeper.source
        ),
        _ => format!(
            "; applying both would give one employee two accounts. Fix the file; if {:?} is renamed to {:?}, change the username in the row at {} instead of adding a row",
            holder.username, user.username, keeper.source
        ),
    };
    Some(EngineError::Contradiction {
        message: format!(
            "employee ID {employee:?} of {:?} is the live user {:?}, which the row at {} keeps{way_out}",
            user.username, holder.username, keeper.source,
        ),
        at: Some(user.source.clone()),
    })
}

#[cfg(test)]
mod tests {
    use vsync_model::{DesiredUser, LiveUser, UserId};

    use super::*;

    /// What [`match_usernames`] must return, the obvious way.
    fn naive_match(
        desired: &DesiredState,
        live: &LiveState,
    ) -> (Vec<Option<usize>>, Vec<(usize, usize)>) {
        let mut first_live: HashMap<UserKey, usize> = HashMap::new();
        for (i, user) in live.users.iter().enumerate() {
            first_live.entry(UserKey::new(&user.username)).or_insert(i);
        }
        let mut first_row: HashMap<UserKey, usize> = HashMap::new();
        let mut matched = vec![None; desired.users.len()];
        let mut duplicates = Vec::new();
        for (i, user) in desired.users.iter().enumerate() {
            let key = UserKey::new(&user.username);
            if let Some(&first) = first_row.get(&key) {
                duplicates.push((i, first));
            } else {
                first_row.insert(key.clone(), i);
                matched[i] = first_live.get(&key).copied();
            }
        }
        (matched, duplicates)
    }

    #[test]
    fn username_join_agrees_with_the_obvious_one() {
        let live_name = |i: usize| match i % 7 {
            0 => format!("User{i}@Example.com"),
            1 => format!(" user{}@example.com", i - 1), // a second live user with one key
            _ => format!("user{i}@example.com"),
        };
        let row_name = |i: usize| match i % 11 {
            0 => format!("USER{i}@EXAMPLE.COM"),
            1 => format!("user{}@example.com", i - 1), // the row above again
            2 => format!("new{i}@example.com"),
            3 => "Jos\u{e9}@example.com".to_owned(),
            4 => "jose\u{301}@Example.com".to_owned(), // the same key, another spelling
            _ => format!("user{i}@example.com"),
        };
        let live = LiveState {
            users: (0..5000)
                .map(|i| LiveUser {
                    id: UserId::new(format!("u{i}")),
                    username: live_name(i),
                    ..LiveUser::default()
                })
                .chain(std::iter::once(LiveUser {
                    id: UserId::new("jose"),
                    username: "jos\u{e9}@example.com".into(),
                    ..LiveUser::default()
                }))
                .collect(),
            ..LiveState::default()
        };
        let desired = DesiredState {
            users: (0..6000)
                .map(|i| DesiredUser {
                    username: row_name(i).into(),
                    ..DesiredUser::default()
                })
                .collect(),
            ..DesiredState::default()
        };
        let (matched, duplicates) = match_usernames(&desired, &live);
        let (want_matched, want_duplicates) = naive_match(&desired, &live);
        let found = matched.iter().flatten().count();
        assert!(
            duplicates.len() > 500 && found > 2500,
            "{} duplicates, {found} matched",
            duplicates.len()
        );
        assert_eq!(duplicates, want_duplicates);
        assert_eq!(matched, want_matched);
    }
}
