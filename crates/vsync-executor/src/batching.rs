//! Batching a plan call anew: keeping only some of its changes (for retries and resume) and
//! halving it (for a batch the API rejects as a whole).

use vsync_engine::{CallBody, ChangeId};

/// The call with only the changes `keep` accepts; `None` when nothing is left.
pub(crate) fn restrict(body: &CallBody, keep: &dyn Fn(ChangeId) -> bool) -> Option<CallBody> {
    let mut body = body.clone();
    let empty = match &mut body {
        CallBody::CreateUsers { users } => {
            users.retain(|u| keep(u.change));
            users.is_empty()
        }
        CallBody::UpdateUsers { users } => {
            users.retain(|u| keep(u.change));
            users.is_empty()
        }
        CallBody::DeleteUsers { users } => {
            users.retain(|u| keep(u.change));
            users.is_empty()
        }
        CallBody::CreateGroups { groups } => {
            // A new group's permissions and members ride on its create: kept or dropped with it.
            groups.retain(|g| keep(g.change));
            groups.is_empty()
        }
        CallBody::PatchGroups { groups } => {
            groups.retain(|g| g.changes.iter().any(|c| keep(*c)));
            groups.is_empty()
        }
        CallBody::DeleteGroups { groups } => {
            groups.retain(|g| keep(g.change));
            groups.is_empty()
        }
        CallBody::Relate { entries, .. } => {
            entries.retain(keep);
            entries.is_empty()
        }
    };
    (!empty).then_some(body)
}

fn halves<T: Clone>(items: &[T]) -> Option<(Vec<T>, Vec<T>)> {
    (items.len() >= 2).then(|| {
        let mid = items.len() / 2;
        (items[..mid].to_vec(), items[mid..].to_vec())
    })
}

/// The call split in two halves of its items, or `None` when it carries one item.
pub(crate) fn split(body: &CallBody) -> Option<(CallBody, CallBody)> {
    macro_rules! top {
        ($variant:ident, $field:ident) => {{
            let (a, b) = halves($field)?;
            Some((
                CallBody::$variant { $field: a },
                CallBody::$variant { $field: b },
            ))
        }};
    }
    match body {
        CallBody::CreateUsers { users } => top!(CreateUsers, users),
        CallBody::UpdateUsers { users } => top!(UpdateUsers, users),
        CallBody::DeleteUsers { users } => top!(DeleteUsers, users),
        CallBody::CreateGroups { groups } => top!(CreateGroups, groups),
        CallBody::PatchGroups { groups } => top!(PatchGroups, groups),
        CallBody::DeleteGroups { groups } => top!(DeleteGroups, groups),
        CallBody::Relate { direction, entries } => {
            let (a, b) = entries.halves()?;
            Some((
                CallBody::Relate {
                    direction: *direction,
                    entries: a,
                },
                CallBody::Relate {
                    direction: *direction,
                    entries: b,
                },
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vsync_engine::{Direction, Entry, GroupRef, Item, NewUser, RelationEntries, UserRef};
    use vsync_model::{UserGroupId, UserId, UserKey};

    fn new_user(n: u32) -> NewUser {
        NewUser {
            key: UserKey::new(&format!("u{n}@x.io")),
            username: format!("u{n}@x.io"),
            display_name: None,
            employee_id: None,
            email: None,
            account_enabled: None,
            change: ChangeId(n),
        }
    }

    #[test]
    fn split_halves_until_one_item() {
        let op = CallBody::CreateUsers {
            users: (0..5).map(new_user).collect(),
        };
        let (a, b) = split(&op).unwrap();
        assert_eq!(a.change_ids().len(), 2);
        assert_eq!(b.change_ids().len(), 3);
        let one = CallBody::CreateUsers {
            users: vec![new_user(1)],
        };
        assert!(split(&one).is_none());
    }

    #[test]
    fn split_a_single_group_splits_its_users() {
        let items = (0..4)
            .map(|n| Item {
                value: UserRef::Id(UserId::new(format!("u{n}"))),
                change: ChangeId(n),
            })
            .collect();
        let op = CallBody::Relate {
            direction: Direction::Add,
            entries: RelationEntries::Membership(vec![Entry {
                target: GroupRef::Id(UserGroupId::new("g")),
                items,
            }]),
        };
        let (a, b) = split(&op).unwrap();
        assert_eq!(a.change_ids(), vec![ChangeId(0), ChangeId(1)]);
        assert_eq!(b.change_ids(), vec![ChangeId(2), ChangeId(3)]);
        assert_eq!(a.api_operation(), op.api_operation());
    }

    #[test]
    fn restrict_keeps_only_the_given_changes() {
        let op = CallBody::CreateUsers {
            users: (0..5).map(new_user).collect(),
        };
        let kept = restrict(&op, &|c| c.0 % 2 == 0).unwrap();
        assert_eq!(
            kept.change_ids(),
            vec![ChangeId(0), ChangeId(2), ChangeId(4)]
        );
        assert!(restrict(&op, &|_| false).is_none());
    }
}
