//! From a plan's [`CallBody`] to a request ready to send: `UserRef::Key` / `GroupRef::Name`
//! resolved to the IDs the creates returned, the wire body built, and what each item maps back
//! to recorded.

use std::collections::BTreeMap;

use vsync_api::{
    AssignRevokePermissionRequestDto, AssignRevokePermissionsRequestDto, ElementIdsDto,
    PermissionsToUserGroupRequestDto, PermissionsToUserGroupsRequestDto, UserCreationApiRequestDto,
    UserGroupChangeDefinitionDto, UserGroupChangeUsersDto, UserGroupDeleteDto, UserGroupsChangeDto,
    UserGroupsDeleteRequestDto, UsersCreationApiRequestDto, UsersDeleteApiRequestDto,
    UsersToUserGroupRequestDto, UsersToUserGroupsRequestDto, UsersUpdateApiRequestDto,
    UsersUpdateApiUserDto, bool_str,
};
use vsync_engine::{CallBody, ChangeId, Direction, GroupRef, Item, RelationEntries, UserRef};
use vsync_model::{NameKey, ProfileId, UserGroupId, UserId, UserKey};

use crate::FastMap;

/// IDs of the users and groups created in the run, by key.
#[derive(Debug, Default, Clone)]
pub(crate) struct Ids {
    pub(crate) users: FastMap<UserKey, UserId>,
    pub(crate) groups: FastMap<NameKey, UserGroupId>,
}

impl Ids {
    /// The ID of `user`, or `None` with the change reported as unresolved.
    fn resolve_user(
        &self,
        user: &UserRef,
        change: ChangeId,
        unresolved: &mut Vec<(ChangeId, String)>,
    ) -> Option<UserId> {
        let id = self.user(user);
        if id.is_none()
            && let UserRef::Key(key) = user
        {
            unresolved.push((change, format!("user {key} was not created in this run")));
        }
        id
    }

    fn user(&self, user: &UserRef) -> Option<UserId> {
        match user {
            UserRef::Id(id) => Some(id.clone()),
            UserRef::Key(key) => self.users.get(key).cloned(),
        }
    }

    fn group(&self, group: &GroupRef) -> Option<UserGroupId> {
        match group {
            GroupRef::Id(id) => Some(id.clone()),
            GroupRef::Name(name) => self.groups.get(&NameKey::new(name)).cloned(),
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct GroupSlot {
    pub(crate) correlation_id: String,
    /// The display name (creates) or the group ID (patches).
    pub(crate) name: String,
    pub(crate) group: Option<UserGroupId>,
    pub(crate) changes: Vec<ChangeId>,
}

/// A request ready to send, with what each item maps back to.
#[derive(Debug, Clone)]
pub(crate) enum Request {
    CreateUsers {
        items: Vec<(ChangeId, String)>,
        body: UsersCreationApiRequestDto,
    },
    UpdateUsers {
        items: Vec<(ChangeId, UserId)>,
        body: UsersUpdateApiRequestDto,
    },
    DeleteUsers {
        items: Vec<(ChangeId, UserId)>,
        body: UsersDeleteApiRequestDto,
    },
    CreateGroups {
        slots: Vec<GroupSlot>,
        body: UserGroupsChangeDto,
    },
    PatchGroups {
        slots: Vec<GroupSlot>,
        body: UserGroupsChangeDto,
    },
    DeleteGroups {
        items: Vec<(ChangeId, UserGroupId)>,
        body: UserGroupsDeleteRequestDto,
    },
    Members {
        direction: Direction,
        changes: Vec<ChangeId>,
        body: UsersToUserGroupsRequestDto,
    },
    UserPermissions {
        direction: Direction,
        changes: Vec<ChangeId>,
        body: AssignRevokePermissionsRequestDto,
    },
    GroupPermissions {
        direction: Direction,
        changes: Vec<ChangeId>,
        body: PermissionsToUserGroupsRequestDto,
    },
    Profile {
        direction: Direction,
        profile: ProfileId,
        items: Vec<(ChangeId, UserId)>,
    },
}

impl Request {
    /// The API operation the request calls.
    pub(crate) fn operation(&self) -> vsync_api::paths::Operation {
        use vsync_api::paths::Operation as O;
        let add = |direction: &Direction, add: O, remove: O| {
            if *direction == Direction::Add {
                add
            } else {
                remove
            }
        };
        match self {
            Request::CreateUsers { .. } => O::AddUsers,
            Request::UpdateUsers { .. } => O::UpdateUsers,
            Request::DeleteUsers { .. } => O::DeleteUsers,
            Request::CreateGroups { .. } => O::CreateUserGroups,
            Request::PatchGroups { .. } => O::PatchUserGroups,
            Request::DeleteGroups { .. } => O::DeleteUserGroups,
            Request::Members { direction, .. } => add(
                direction,
                O::AddUsersToUserGroups,
                O::RemoveUsersFromUserGroups,
            ),
            Request::UserPermissions { direction, .. } => add(
                direction,
                O::AssignPermissionsToUsers,
                O::RemovePermissionsFromUsers,
            ),
            Request::GroupPermissions { direction, .. } => add(
                direction,
                O::AssignPermissionsToUserGroups,
                O::RemovePermissionsFromUserGroups,
            ),
            Request::Profile { direction, .. } => {
                add(direction, O::AssignProfile, O::RemoveProfile)
            }
        }
    }

    /// Every change the request carries.
    pub(crate) fn changes(&self) -> Vec<ChangeId> {
        match self {
            Request::CreateUsers { items, .. } => items.iter().map(|i| i.0).collect(),
            Request::UpdateUsers { items, .. }
            | Request::DeleteUsers { items, .. }
            | Request::Profile { items, .. } => items.iter().map(|i| i.0).collect(),
            Request::CreateGroups { slots, .. } | Request::PatchGroups { slots, .. } => slots
                .iter()
                .flat_map(|s| s.changes.iter().copied())
                .collect(),
            Request::DeleteGroups { items, .. } => items.iter().map(|i| i.0).collect(),
            Request::Members { changes, .. }
            | Request::UserPermissions { changes, .. }
            | Request::GroupPermissions { changes, .. } => changes.clone(),
        }
    }

    /// Whether sending it twice could create twice (a user or group create).
    pub(crate) fn is_create(&self) -> bool {
        matches!(
            self,
            Request::CreateUsers { .. } | Request::CreateGroups { .. }
        )
    }

    /// Whether the request adds relations (members, permissions, a profile): "already
    /// assigned" means done.
    pub(crate) fn is_addition(&self) -> bool {
        self.direction() == Some(Direction::Add)
    }

    /// Whether the request takes something away (deletes, removed relations): "not found"
    /// means done.
    pub(crate) fn is_removal(&self) -> bool {
        matches!(
            self,
            Request::DeleteUsers { .. } | Request::DeleteGroups { .. }
        ) || self.direction() == Some(Direction::Remove)
    }

    fn direction(&self) -> Option<Direction> {
        match self {
            Request::Members { direction, .. }
            | Request::UserPermissions { direction, .. }
            | Request::GroupPermissions { direction, .. }
            | Request::Profile { direction, .. } => Some(*direction),
            _ => None,
        }
    }

    pub(crate) fn usernames(&self) -> Vec<String> {
        match self {
            Request::CreateUsers { items, .. } => items.iter().map(|i| i.1.clone()).collect(),
            _ => Vec::new(),
        }
    }

    pub(crate) fn correlation_ids(&self) -> BTreeMap<String, String> {
        match self {
            Request::CreateGroups { slots, .. } | Request::PatchGroups { slots, .. } => slots
                .iter()
                .map(|s| (s.name.clone(), s.correlation_id.clone()))
                .collect(),
            _ => BTreeMap::new(),
        }
    }
}

/// An operation made ready: the request (if anything is left) and the changes that cannot be
/// sent because a user or group they refer to was not created.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub(crate) request: Option<Request>,
    pub(crate) unresolved: Vec<(ChangeId, String)>,
}

/// Resolves references and builds the request. `member_of` gives the user of a membership
/// change; `next_correlation` gives a fresh correlation id for every v2 group in every request.
pub(crate) fn prepare<'a>(
    op: &CallBody,
    ids: &Ids,
    member_of: &dyn Fn(ChangeId) -> Option<&'a UserRef>,
    next_correlation: &mut dyn FnMut() -> String,
) -> Prepared {
    let mut unresolved = Vec::new();
    let user = |r: &UserRef, change: ChangeId, unresolved: &mut Vec<(ChangeId, String)>| {
        ids.resolve_user(r, change, unresolved)
    };
    let request = match op {
        CallBody::CreateUsers { users } => {
            let items: Vec<_> = users
                .iter()
                .map(|u| (u.change, u.username.clone()))
                .collect();
            let body = UsersCreationApiRequestDto {
                users: Some(
                    users
                        .iter()
                        .map(|u| UserCreationApiRequestDto {
                            username: Some(u.username.clone()),
                            display_name: u.display_name.clone(),
                            employee_id: u.employee_id.clone(),
                            account_enabled: u.account_enabled.map(bool_str),
                            email: u.email.clone(),
                        })
                        .collect(),
                ),
            };
            Some(Request::CreateUsers { items, body })
        }
        CallBody::UpdateUsers { users } => {
            let items: Vec<_> = users.iter().map(|u| (u.change, u.user.clone())).collect();
            let body = UsersUpdateApiRequestDto {
                users: Some(
                    users
                        .iter()
                        .map(|u| UsersUpdateApiUserDto {
                            user_id: Some(u.user.as_str().to_owned()),
                            display_name: u.display_name.clone(),
                            employee_id: u.employee_id.clone(),
                            account_enabled: u.account_enabled.map(bool_str),
                            email: u.email.clone(),
                            username: u.username.clone(),
                        })
                        .collect(),
                ),
            };
            Some(Request::UpdateUsers { items, body })
        }
        CallBody::DeleteUsers { users } => {
            let items: Vec<_> = users.iter().map(|u| (u.change, u.value.clone())).collect();
            let body = UsersDeleteApiRequestDto {
                user_ids: Some(items.iter().map(|(_, id)| id.as_str().to_owned()).collect()),
            };
            (!items.is_empty()).then_some(Request::DeleteUsers { items, body })
        }
        CallBody::CreateGroups { groups } => {
            let mut slots = Vec::new();
            let mut defs = Vec::new();
            for g in groups {
                let mut changes = vec![g.change];
                changes.extend(g.permissions.iter().map(|p| p.change));
                let mut members = Vec::new();
                for m in &g.members {
                    if let Some(id) = user(&m.value, m.change, &mut unresolved) {
                        members.push(id.into_string());
                        changes.push(m.change);
                    }
                }
                let correlation_id = next_correlation();
                defs.push(UserGroupChangeDefinitionDto {
                    display_name: Some(g.name.clone()),
                    description: g.description.clone(),
                    permission_ids: (!g.permissions.is_empty()).then(|| {
                        ElementIdsDto::new(
                            g.permissions.iter().map(|p| p.value.as_str().to_owned()),
                        )
                    }),
                    users: (!members.is_empty()).then(|| UserGroupChangeUsersDto {
                        manually_included_ids: Some(ElementIdsDto::new(members)),
                        ..UserGroupChangeUsersDto::default()
                    }),
                    correlation_id: Some(correlation_id.clone()),
                    ..UserGroupChangeDefinitionDto::default()
                });
                slots.push(GroupSlot {
                    correlation_id,
                    name: g.name.clone(),
                    group: None,
                    changes,
                });
            }
            Some(Request::CreateGroups {
                slots,
                body: UserGroupsChangeDto {
                    user_groups: Some(defs),
                },
            })
        }
        CallBody::PatchGroups { groups } => {
            let mut slots = Vec::new();
            let mut defs = Vec::new();
            for g in groups {
                let mut changes = g.changes.clone();
                let members = g.members.as_ref().map(|list| {
                    let mut ids_out = Vec::new();
                    for member in list {
                        match ids.user(member) {
                            Some(id) => ids_out.push(id.into_string()),
                            None => {
                                // The add of a user that was not created: left out of the list,
                                // its change reported.
                                if let UserRef::Key(key) = member
                                    && let Some(pos) =
                                        changes.iter().position(|c| member_of(*c) == Some(member))
                                {
                                    let change = changes.remove(pos);
                                    unresolved.push((
                                        change,
                                        format!("user {key} was not created in this run"),
                                    ));
                                }
                            }
                        }
                    }
                    ids_out
                });
                changes.sort_unstable();
                let correlation_id = next_correlation();
                defs.push(UserGroupChangeDefinitionDto {
                    user_group_id: Some(g.group.as_str().to_owned()),
                    description: g.description.clone(),
                    permission_ids: g
                        .permissions
                        .as_ref()
                        .map(|p| ElementIdsDto::new(p.iter().map(|id| id.as_str().to_owned()))),
                    users: members.map(|m| UserGroupChangeUsersDto {
                        manually_included_ids: Some(ElementIdsDto::new(m)),
                        ..UserGroupChangeUsersDto::default()
                    }),
                    correlation_id: Some(correlation_id.clone()),
                    ..UserGroupChangeDefinitionDto::default()
                });
                slots.push(GroupSlot {
                    correlation_id,
                    name: g.group.as_str().to_owned(),
                    group: Some(g.group.clone()),
                    changes,
                });
            }
            Some(Request::PatchGroups {
                slots,
                body: UserGroupsChangeDto {
                    user_groups: Some(defs),
                },
            })
        }
        CallBody::DeleteGroups { groups } => {
            let items: Vec<_> = groups.iter().map(|g| (g.change, g.value.clone())).collect();
            let body = UserGroupsDeleteRequestDto {
                user_groups: Some(
                    items
                        .iter()
                        .map(|(_, id)| UserGroupDeleteDto {
                            user_group_id: Some(id.as_str().to_owned()),
                            ..UserGroupDeleteDto::default()
                        })
                        .collect(),
                ),
            };
            Some(Request::DeleteGroups { items, body })
        }
        CallBody::Relate { direction, entries } => {
            prepare_relation(*direction, entries, ids, &mut unresolved)
        }
    };
    Prepared {
        request,
        unresolved,
    }
}

/// The request of a v1 relation call: group and user references resolved, items whose user or
/// group was not created left out and reported.
fn prepare_relation(
    direction: Direction,
    entries: &RelationEntries,
    ids: &Ids,
    unresolved: &mut Vec<(ChangeId, String)>,
) -> Option<Request> {
    /// Resolved user IDs of an entry, with the changes they carry.
    fn users(
        items: &[Item<UserRef>],
        ids: &Ids,
        changes: &mut Vec<ChangeId>,
        unresolved: &mut Vec<(ChangeId, String)>,
    ) -> Vec<String> {
        let mut user_ids = Vec::new();
        for item in items {
            if let Some(id) = ids.resolve_user(&item.value, item.change, unresolved) {
                user_ids.push(id.into_string());
                changes.push(item.change);
            }
        }
        user_ids
    }
    let mut changes = Vec::new();
    match entries {
        RelationEntries::Membership(groups) => {
            let mut entries = Vec::new();
            for g in groups {
                let Some(group) = ids.group(&g.target) else {
                    let name = match &g.target {
                        GroupRef::Name(n) => n.clone(),
                        GroupRef::Id(id) => id.to_string(),
                    };
                    unresolved.extend(g.items.iter().map(|u| {
                        (
                            u.change,
                            format!("group {name} was not created in this run"),
                        )
                    }));
                    continue;
                };
                let user_ids = users(&g.items, ids, &mut changes, unresolved);
                if !user_ids.is_empty() {
                    entries.push(UsersToUserGroupRequestDto {
                        user_group_id: Some(group.into_string()),
                        user_ids: Some(user_ids),
                    });
                }
            }
            (!entries.is_empty()).then_some(Request::Members {
                direction,
                changes,
                body: UsersToUserGroupsRequestDto {
                    user_groups: Some(entries),
                    target_project_for_tenants_list: None,
                },
            })
        }
        RelationEntries::UserPermission(permissions) => {
            let mut entries = Vec::new();
            for p in permissions {
                let user_ids = users(&p.items, ids, &mut changes, unresolved);
                if !user_ids.is_empty() {
                    entries.push(AssignRevokePermissionRequestDto {
                        permission_id: Some(p.target.as_str().to_owned()),
                        user_ids: Some(user_ids),
                    });
                }
            }
            (!entries.is_empty()).then_some(Request::UserPermissions {
                direction,
                changes,
                body: AssignRevokePermissionsRequestDto {
                    permissions: Some(entries),
                    target_project_for_tenants_list: None,
                },
            })
        }
        RelationEntries::GroupPermission(groups) => {
            let changes = groups
                .iter()
                .flat_map(|g| g.items.iter().map(|p| p.change))
                .collect();
            let body = PermissionsToUserGroupsRequestDto {
                user_groups: Some(
                    groups
                        .iter()
                        .map(|g| PermissionsToUserGroupRequestDto {
                            user_group_id: Some(g.target.as_str().to_owned()),
                            permissions_ids: Some(
                                g.items
                                    .iter()
                                    .map(|p| p.value.as_str().to_owned())
                                    .collect(),
                            ),
                        })
                        .collect(),
                ),
            };
            Some(Request::GroupPermissions {
                direction,
                changes,
                body,
            })
        }
        RelationEntries::Profile(profiles) => {
            let (first, others) = profiles.split_first()?;
            // The endpoint takes one profile per call; the plan never puts more in one.
            for other in others {
                unresolved.extend(
                    other
                        .items
                        .iter()
                        .map(|u| (u.change, "one profile per call; not sent".to_owned())),
                );
            }
            let items: Vec<_> = first
                .items
                .iter()
                .filter_map(|u| {
                    ids.resolve_user(&u.value, u.change, unresolved)
                        .map(|id| (u.change, id))
                })
                .collect();
            (!items.is_empty()).then(|| Request::Profile {
                direction,
                profile: first.target.clone(),
                items,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unresolved_users_are_left_out_and_reported() {
        let items = vec![
            Item {
                value: UserRef::Key(UserKey::new("new@x.io")),
                change: ChangeId(1),
            },
            Item {
                value: UserRef::Id(UserId::new("u2")),
                change: ChangeId(2),
            },
        ];
        let op = CallBody::Relate {
            direction: Direction::Add,
            entries: RelationEntries::Membership(vec![vsync_engine::Entry {
                target: GroupRef::Id(UserGroupId::new("g")),
                items,
            }]),
        };
        let mut n = 0;
        let prepared = prepare(&op, &Ids::default(), &|_| None, &mut || {
            n += 1;
            format!("vs-test-{n}")
        });
        assert_eq!(prepared.unresolved.len(), 1);
        assert_eq!(prepared.unresolved[0].0, ChangeId(1));
        assert_eq!(prepared.request.unwrap().changes(), vec![ChangeId(2)]);
    }
}
