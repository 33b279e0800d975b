//! From a plan's [`Operation`] to a request and back: restricting an operation to some of its
//! changes, splitting it in halves, resolving `UserRef::Key` / `GroupRef::Name` to IDs,
//! building the wire body, and mapping the answer's per-item results back to [`ChangeId`]s
//! (by username, user ID or correlation id, never by position).

use std::collections::{BTreeMap, HashMap};

use vsync_api::{
    AssignRevokePermissionRequestDto, AssignRevokePermissionsRequestDto, AssignmentStatus,
    ElementIdsDto, LocalTenantProfileAssignmentRequestDto, LocalTenantProfileRevokeRequestDto,
    PermissionsToUserGroupRequestDto, PermissionsToUserGroupsRequestDto, UserCreationApiRequestDto,
    UserGroupChangeDefinitionDto, UserGroupChangeResponseDto, UserGroupChangeUsersDto,
    UserGroupDeleteDto, UserGroupsChangeDto, UserGroupsDeleteRequestDto, UsersApiResponseDto,
    UsersCreationApiRequestDto, UsersDeleteApiRequestDto, UsersToUserGroupRequestDto,
    UsersToUserGroupsRequestDto, UsersUpdateApiRequestDto, UsersUpdateApiUserDto, bool_str,
};
use vsync_client::{Client, ClientError};
use vsync_engine::{Change, ChangeId, GroupRef, Operation, UserRef};
use vsync_model::{NameKey, ProfileId, UserGroupId, UserId, UserKey};

/// IDs of the users and groups created in the run, by key.
#[derive(Debug, Default, Clone)]
pub(crate) struct Ids {
    pub(crate) users: HashMap<UserKey, UserId>,
    pub(crate) groups: HashMap<NameKey, UserGroupId>,
}

impl Ids {
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

/// The operation with only the changes `keep` accepts; `None` when nothing is left.
pub(crate) fn restrict(op: &Operation, keep: &dyn Fn(ChangeId) -> bool) -> Option<Operation> {
    let mut op = op.clone();
    let empty = match &mut op {
        Operation::CreateUsers { users } => {
            users.retain(|u| keep(u.change));
            users.is_empty()
        }
        Operation::UpdateUsers { users } => {
            users.retain(|u| keep(u.change));
            users.is_empty()
        }
        Operation::DeleteUsers { users }
        | Operation::AssignProfile { users, .. }
        | Operation::RemoveProfile { users, .. } => {
            users.retain(|u| keep(u.change));
            users.is_empty()
        }
        Operation::CreateGroups { groups } => {
            // A new group's permissions and members ride on its create: kept or dropped with it.
            groups.retain(|g| keep(g.change));
            groups.is_empty()
        }
        Operation::PatchGroups { groups } => {
            groups.retain(|g| g.changes.iter().any(|c| keep(*c)));
            groups.is_empty()
        }
        Operation::DeleteGroups { groups } => {
            groups.retain(|g| keep(g.change));
            groups.is_empty()
        }
        Operation::AddGroupMembers { groups } | Operation::RemoveGroupMembers { groups } => {
            for g in groups.iter_mut() {
                g.users.retain(|u| keep(u.change));
            }
            groups.retain(|g| !g.users.is_empty());
            groups.is_empty()
        }
        Operation::AssignUserPermissions { permissions }
        | Operation::RevokeUserPermissions { permissions } => {
            for p in permissions.iter_mut() {
                p.users.retain(|u| keep(u.change));
            }
            permissions.retain(|p| !p.users.is_empty());
            permissions.is_empty()
        }
        Operation::AssignGroupPermissions { groups }
        | Operation::RevokeGroupPermissions { groups } => {
            for g in groups.iter_mut() {
                g.permissions.retain(|p| keep(p.change));
            }
            groups.retain(|g| !g.permissions.is_empty());
            groups.is_empty()
        }
    };
    (!empty).then_some(op)
}

fn halves<T: Clone>(items: &[T]) -> Option<(Vec<T>, Vec<T>)> {
    (items.len() >= 2).then(|| {
        let mid = items.len() / 2;
        (items[..mid].to_vec(), items[mid..].to_vec())
    })
}

/// Halves a list of entries that each carry a list (a group and its users, a permission and its
/// users): the entries when there are two or more, else the one entry's inner list.
fn nested_halves<T: Clone, U: Clone>(
    entries: &[T],
    inner: impl Fn(&mut T) -> &mut Vec<U>,
) -> Option<(Vec<T>, Vec<T>)> {
    if let Some(split) = halves(entries) {
        return Some(split);
    }
    let mut first = entries.first()?.clone();
    let (a, b) = halves(inner(&mut first))?;
    let mut second = first.clone();
    *inner(&mut first) = a;
    *inner(&mut second) = b;
    Some((vec![first], vec![second]))
}

/// The operation split in two halves of its items, or `None` when it carries one item.
pub(crate) fn split(op: &Operation) -> Option<(Operation, Operation)> {
    macro_rules! top {
        ($variant:ident, $field:ident) => {{
            let (a, b) = halves($field)?;
            Some((
                Operation::$variant { $field: a },
                Operation::$variant { $field: b },
            ))
        }};
    }
    match op {
        Operation::CreateUsers { users } => top!(CreateUsers, users),
        Operation::UpdateUsers { users } => top!(UpdateUsers, users),
        Operation::DeleteUsers { users } => top!(DeleteUsers, users),
        Operation::CreateGroups { groups } => top!(CreateGroups, groups),
        Operation::PatchGroups { groups } => top!(PatchGroups, groups),
        Operation::DeleteGroups { groups } => top!(DeleteGroups, groups),
        Operation::AssignProfile { profile, users } => {
            let (a, b) = halves(users)?;
            Some((
                Operation::AssignProfile {
                    profile: profile.clone(),
                    users: a,
                },
                Operation::AssignProfile {
                    profile: profile.clone(),
                    users: b,
                },
            ))
        }
        Operation::RemoveProfile { profile, users } => {
            let (a, b) = halves(users)?;
            Some((
                Operation::RemoveProfile {
                    profile: profile.clone(),
                    users: a,
                },
                Operation::RemoveProfile {
                    profile: profile.clone(),
                    users: b,
                },
            ))
        }
        Operation::AddGroupMembers { groups } | Operation::RemoveGroupMembers { groups } => {
            let add = matches!(op, Operation::AddGroupMembers { .. });
            let wrap = |groups| {
                if add {
                    Operation::AddGroupMembers { groups }
                } else {
                    Operation::RemoveGroupMembers { groups }
                }
            };
            let (a, b) = nested_halves(groups, |g| &mut g.users)?;
            Some((wrap(a), wrap(b)))
        }
        Operation::AssignUserPermissions { permissions }
        | Operation::RevokeUserPermissions { permissions } => {
            let assign = matches!(op, Operation::AssignUserPermissions { .. });
            let wrap = |permissions| {
                if assign {
                    Operation::AssignUserPermissions { permissions }
                } else {
                    Operation::RevokeUserPermissions { permissions }
                }
            };
            let (a, b) = nested_halves(permissions, |p| &mut p.users)?;
            Some((wrap(a), wrap(b)))
        }
        Operation::AssignGroupPermissions { groups }
        | Operation::RevokeGroupPermissions { groups } => {
            let assign = matches!(op, Operation::AssignGroupPermissions { .. });
            let wrap = |groups| {
                if assign {
                    Operation::AssignGroupPermissions { groups }
                } else {
                    Operation::RevokeGroupPermissions { groups }
                }
            };
            let (a, b) = nested_halves(groups, |g| &mut g.permissions)?;
            Some((wrap(a), wrap(b)))
        }
    }
}

/// One v2 group in a request: the correlation id it carries and the changes it realises.
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
        add: bool,
        changes: Vec<ChangeId>,
        body: UsersToUserGroupsRequestDto,
    },
    UserPermissions {
        assign: bool,
        changes: Vec<ChangeId>,
        body: AssignRevokePermissionsRequestDto,
    },
    GroupPermissions {
        assign: bool,
        changes: Vec<ChangeId>,
        body: PermissionsToUserGroupsRequestDto,
    },
    Profile {
        assign: bool,
        profile: ProfileId,
        items: Vec<(ChangeId, UserId)>,
    },
}

impl Request {
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

/// Resolves references and builds the request. `next_correlation` gives a fresh correlation id
/// for every v2 group in every request.
pub(crate) fn prepare(
    op: &Operation,
    ids: &Ids,
    lookup: &dyn Fn(ChangeId) -> Option<Change>,
    next_correlation: &mut dyn FnMut() -> String,
) -> Prepared {
    let mut unresolved = Vec::new();
    let user = |r: &UserRef, change: ChangeId, unresolved: &mut Vec<(ChangeId, String)>| {
        let id = ids.user(r);
        if id.is_none()
            && let UserRef::Key(key) = r
        {
            unresolved.push((change, format!("user {key} was not created in this run")));
        }
        id
    };
    let request = match op {
        Operation::CreateUsers { users } => {
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
        Operation::UpdateUsers { users } => {
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
        Operation::DeleteUsers { users } => {
            let items: Vec<_> = users
                .iter()
                .filter_map(|u| user(&u.user, u.change, &mut unresolved).map(|id| (u.change, id)))
                .collect();
            let body = UsersDeleteApiRequestDto {
                user_ids: Some(items.iter().map(|(_, id)| id.as_str().to_owned()).collect()),
            };
            (!items.is_empty()).then_some(Request::DeleteUsers { items, body })
        }
        Operation::CreateGroups { groups } => {
            let mut slots = Vec::new();
            let mut defs = Vec::new();
            for g in groups {
                let mut changes = vec![g.change];
                changes.extend(g.permissions.iter().map(|p| p.change));
                let mut members = Vec::new();
                for m in &g.members {
                    if let Some(id) = user(&m.user, m.change, &mut unresolved) {
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
                            g.permissions
                                .iter()
                                .map(|p| p.permission.as_str().to_owned()),
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
        Operation::PatchGroups { groups } => {
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
                                    && let Some(pos) = changes.iter().position(|c| {
                                        lookup(*c).is_some_and(|c| c.user.as_ref() == Some(member))
                                    })
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
        Operation::DeleteGroups { groups } => {
            let items: Vec<_> = groups.iter().map(|g| (g.change, g.group.clone())).collect();
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
        Operation::AddGroupMembers { groups } | Operation::RemoveGroupMembers { groups } => {
            let add = matches!(op, Operation::AddGroupMembers { .. });
            let mut changes = Vec::new();
            let mut entries = Vec::new();
            for g in groups {
                let Some(group) = ids.group(&g.group) else {
                    let name = match &g.group {
                        GroupRef::Name(n) => n.clone(),
                        GroupRef::Id(id) => id.to_string(),
                    };
                    unresolved.extend(g.users.iter().map(|u| {
                        (
                            u.change,
                            format!("group {name} was not created in this run"),
                        )
                    }));
                    continue;
                };
                let mut user_ids = Vec::new();
                for u in &g.users {
                    if let Some(id) = user(&u.user, u.change, &mut unresolved) {
                        user_ids.push(id.into_string());
                        changes.push(u.change);
                    }
                }
                if !user_ids.is_empty() {
                    entries.push(UsersToUserGroupRequestDto {
                        user_group_id: Some(group.into_string()),
                        user_ids: Some(user_ids),
                    });
                }
            }
            (!entries.is_empty()).then_some(Request::Members {
                add,
                changes,
                body: UsersToUserGroupsRequestDto {
                    user_groups: Some(entries),
                    target_project_for_tenants_list: None,
                },
            })
        }
        Operation::AssignUserPermissions { permissions }
        | Operation::RevokeUserPermissions { permissions } => {
            let assign = matches!(op, Operation::AssignUserPermissions { .. });
            let mut changes = Vec::new();
            let mut entries = Vec::new();
            for p in permissions {
                let mut user_ids = Vec::new();
                for u in &p.users {
                    if let Some(id) = user(&u.user, u.change, &mut unresolved) {
                        user_ids.push(id.into_string());
                        changes.push(u.change);
                    }
                }
                if !user_ids.is_empty() {
                    entries.push(AssignRevokePermissionRequestDto {
                        permission_id: Some(p.permission.as_str().to_owned()),
                        user_ids: Some(user_ids),
                    });
                }
            }
            (!entries.is_empty()).then_some(Request::UserPermissions {
                assign,
                changes,
                body: AssignRevokePermissionsRequestDto {
                    permissions: Some(entries),
                    target_project_for_tenants_list: None,
                },
            })
        }
        Operation::AssignGroupPermissions { groups }
        | Operation::RevokeGroupPermissions { groups } => {
            let assign = matches!(op, Operation::AssignGroupPermissions { .. });
            let changes = groups
                .iter()
                .flat_map(|g| g.permissions.iter().map(|p| p.change))
                .collect();
            let body = PermissionsToUserGroupsRequestDto {
                user_groups: Some(
                    groups
                        .iter()
                        .map(|g| PermissionsToUserGroupRequestDto {
                            user_group_id: Some(g.group.as_str().to_owned()),
                            permissions_ids: Some(
                                g.permissions
                                    .iter()
                                    .map(|p| p.permission.as_str().to_owned())
                                    .collect(),
                            ),
                        })
                        .collect(),
                ),
            };
            Some(Request::GroupPermissions {
                assign,
                changes,
                body,
            })
        }
        Operation::AssignProfile { profile, users }
        | Operation::RemoveProfile { profile, users } => {
            let assign = matches!(op, Operation::AssignProfile { .. });
            let items: Vec<_> = users
                .iter()
                .filter_map(|u| user(&u.user, u.change, &mut unresolved).map(|id| (u.change, id)))
                .collect();
            (!items.is_empty()).then(|| Request::Profile {
                assign,
                profile: profile.clone(),
                items,
            })
        }
    };
    Prepared {
        request,
        unresolved,
    }
}

/// What the tenant said about each item of a request that it answered with a success status.
#[derive(Debug, Default)]
pub(crate) struct Answer {
    pub(crate) applied: Vec<ChangeId>,
    /// Refused items: change, message, rci.
    pub(crate) failed: Vec<(ChangeId, String, Option<String>)>,
    /// Items the answer did not mention.
    pub(crate) missing: Vec<ChangeId>,
    pub(crate) created_users: Vec<(String, UserId)>,
    pub(crate) created_groups: Vec<(String, UserGroupId)>,
}

/// Sends the request through the client's typed handlers.
pub(crate) async fn send(client: &Client, request: &Request) -> Result<Answer, ClientError> {
    match request {
        Request::CreateUsers { items, body } => {
            let answer = client.users().add_users(body).await?;
            Ok(users_answer(
                answer,
                items
                    .iter()
                    .map(|(c, name)| (*c, Key::Name(UserKey::new(name)))),
            ))
        }
        Request::UpdateUsers { items, body } => {
            let answer = client.users().update_users(body).await?;
            Ok(users_answer(
                answer,
                items.iter().map(|(c, id)| (*c, Key::Id(id.clone()))),
            ))
        }
        Request::DeleteUsers { items, body } => {
            let answer = client.users().delete_users(body).await?;
            Ok(users_answer(
                answer,
                items.iter().map(|(c, id)| (*c, Key::Id(id.clone()))),
            ))
        }
        Request::CreateGroups { slots, body } => {
            let answer = client.user_groups().create_user_groups(body).await?;
            Ok(groups_answer(&answer, slots, true))
        }
        Request::PatchGroups { slots, body } => {
            let answer = client.user_groups().patch_user_groups(body).await?;
            Ok(groups_answer(&answer, slots, false))
        }
        Request::DeleteGroups { items, body } => {
            let answer = client.user_groups().delete_user_groups(body).await?;
            let mut out = Answer::default();
            let failures: HashMap<String, (String, Option<String>)> = answer
                .failures
                .unwrap_or_default()
                .into_iter()
                .filter_map(|f| {
                    Some((
                        f.user_group_id?,
                        (
                            f.message.unwrap_or_else(|| "delete refused".to_owned()),
                            f.rci,
                        ),
                    ))
                })
                .collect();
            let successes: std::collections::HashSet<String> = answer
                .successes
                .unwrap_or_default()
                .into_iter()
                .filter_map(|s| s.user_group_id)
                .collect();
            for (change, id) in items {
                if let Some((message, rci)) = failures.get(id.as_str()) {
                    out.failed.push((*change, message.clone(), rci.clone()));
                } else if successes.contains(id.as_str()) {
                    out.applied.push(*change);
                } else {
                    out.missing.push(*change);
                }
            }
            Ok(out)
        }
        Request::Members { add, changes, body } => {
            let answer = if *add {
                client.user_groups().add_users_to_user_group(body).await?
            } else {
                client
                    .user_groups()
                    .remove_users_from_user_group(body)
                    .await?
            };
            let failure = answer
                .tenants
                .unwrap_or_default()
                .into_iter()
                .find(|t| t.status == Some(AssignmentStatus::Failed))
                .map(|t| {
                    t.message
                        .unwrap_or_else(|| "membership change refused".to_owned())
                });
            Ok(all_or_nothing(changes, failure))
        }
        Request::UserPermissions {
            assign,
            changes,
            body,
        } => {
            let answer = if *assign {
                client.permissions().assign_permissions(body).await?
            } else {
                client.permissions().remove_permissions(body).await?
            };
            let failure = answer
                .tenants
                .unwrap_or_default()
                .into_iter()
                .find(|t| t.status == Some(AssignmentStatus::Failed))
                .map(|t| {
                    t.message
                        .unwrap_or_else(|| "permission change refused".to_owned())
                });
            Ok(all_or_nothing(changes, failure))
        }
        Request::GroupPermissions {
            assign,
            changes,
            body,
        } => {
            let answer = if *assign {
                client
                    .permissions()
                    .assign_permissions_to_user_groups(body)
                    .await?
            } else {
                client
                    .permissions()
                    .revoke_permissions_from_user_groups(body)
                    .await?
            };
            let failure = (answer.status == Some(AssignmentStatus::Failed)).then(|| {
                answer
                    .message
                    .unwrap_or_else(|| "group permission change refused".to_owned())
            });
            Ok(all_or_nothing(changes, failure))
        }
        Request::Profile {
            assign,
            profile,
            items,
        } => {
            let user_ids: Vec<String> =
                items.iter().map(|(_, id)| id.as_str().to_owned()).collect();
            let mut refused: HashMap<String, (String, Option<String>)> = HashMap::new();
            if *assign {
                let body = LocalTenantProfileAssignmentRequestDto {
                    target_user_ids: Some(user_ids),
                    validity_start_time: None,
                    validity_end_time: None,
                };
                let answer = client.profiles().assign_profile(profile, &body).await?;
                for bad in answer.bad_user_ids.unwrap_or_default() {
                    if let Some(id) = bad.user_id {
                        let (message, rci) = bad
                            .error
                            .map_or((None, None), |e| (e.error_message, e.root_cause_id));
                        refused.insert(
                            id,
                            (message.unwrap_or_else(|| "bad user ID".to_owned()), rci),
                        );
                    }
                }
                for failed in answer.failed_assignments.unwrap_or_default() {
                    if let Some(id) = failed.user_id {
                        let (message, rci) = failed
                            .error
                            .map_or((None, None), |e| (e.error_message, e.root_cause_id));
                        refused.insert(
                            id,
                            (
                                message.unwrap_or_else(|| "profile assignment failed".to_owned()),
                                rci,
                            ),
                        );
                    }
                }
            } else {
                let body = LocalTenantProfileRevokeRequestDto {
                    target_user_ids: Some(user_ids),
                };
                let answer = client.profiles().remove_profile(profile, &body).await?;
                for failed in answer.failed.unwrap_or_default() {
                    if let Some(id) = failed.user_id {
                        refused.insert(
                            id,
                            (
                                failed
                                    .message
                                    .unwrap_or_else(|| "profile removal failed".to_owned()),
                                None,
                            ),
                        );
                    }
                }
            }
            let mut out = Answer::default();
            for (change, id) in items {
                match refused.get(id.as_str()) {
                    Some((message, rci)) => {
                        out.failed.push((*change, message.clone(), rci.clone()));
                    }
                    None => out.applied.push(*change),
                }
            }
            Ok(out)
        }
    }
}

fn all_or_nothing(changes: &[ChangeId], failure: Option<String>) -> Answer {
    let mut out = Answer::default();
    match failure {
        Some(message) => out
            .failed
            .extend(changes.iter().map(|c| (*c, message.clone(), None))),
        None => out.applied.extend_from_slice(changes),
    }
    out
}

enum Key {
    Name(UserKey),
    Id(UserId),
}

/// Maps a v2 bulk users answer back to changes: by username for creates, by user ID otherwise
/// (falling back to the username a failure names).
fn users_answer(
    answer: UsersApiResponseDto,
    items: impl Iterator<Item = (ChangeId, Key)>,
) -> Answer {
    let mut success_by_name: HashMap<UserKey, Option<String>> = HashMap::new();
    let mut success_by_id: std::collections::HashSet<String> = std::collections::HashSet::new();
    for s in answer.successes.unwrap_or_default() {
        if let Some(id) = &s.user_id {
            success_by_id.insert(id.clone());
        }
        if let Some(name) = &s.username {
            success_by_name.insert(UserKey::new(name), s.user_id.clone());
        }
    }
    let mut failure_by_name: HashMap<UserKey, (String, Option<String>)> = HashMap::new();
    let mut failure_by_id: HashMap<String, (String, Option<String>)> = HashMap::new();
    for f in answer.failures.unwrap_or_default() {
        let (message, rci) = f.error.map_or((None, None), |e| (e.message, e.rci));
        let entry = (
            message.unwrap_or_else(|| "refused without a message".to_owned()),
            rci,
        );
        if let Some(id) = f.user_id {
            failure_by_id.insert(id, entry.clone());
        }
        if let Some(name) = f.user_name {
            failure_by_name.insert(UserKey::new(&name), entry);
        }
    }
    let mut out = Answer::default();
    for (change, key) in items {
        match key {
            Key::Name(name) => {
                if let Some((message, rci)) = failure_by_name.get(&name) {
                    out.failed.push((change, message.clone(), rci.clone()));
                } else if let Some(id) = success_by_name.get(&name) {
                    out.applied.push(change);
                    if let Some(id) = id {
                        out.created_users
                            .push((name.as_str().to_owned(), UserId::new(id.clone())));
                    }
                } else {
                    out.missing.push(change);
                }
            }
            Key::Id(id) => {
                if let Some((message, rci)) = failure_by_id.get(id.as_str()) {
                    out.failed.push((change, message.clone(), rci.clone()));
                } else if success_by_id.contains(id.as_str()) {
                    out.applied.push(change);
                } else {
                    out.missing.push(change);
                }
            }
        }
    }
    out
}

/// Maps a v2 user-group answer back to changes by correlation id (and, for patches, by group
/// ID when the answer leaves the correlation id out).
fn groups_answer(answer: &UserGroupChangeResponseDto, slots: &[GroupSlot], create: bool) -> Answer {
    let mut out = Answer::default();
    let successes = answer.successes.as_deref().unwrap_or_default();
    let failures = answer.failures.as_deref().unwrap_or_default();
    for slot in slots {
        let by_corr = |c: &Option<String>| c.as_deref() == Some(slot.correlation_id.as_str());
        let by_id = |g: &Option<String>| {
            !create
                && slot
                    .group
                    .as_ref()
                    .is_some_and(|id| g.as_deref() == Some(id.as_str()))
        };
        if let Some(f) = failures
            .iter()
            .find(|f| by_corr(&f.correlation_id) || by_id(&f.user_group_id))
        {
            let message = f
                .message
                .clone()
                .unwrap_or_else(|| "refused without a message".to_owned());
            out.failed.extend(
                slot.changes
                    .iter()
                    .map(|c| (*c, message.clone(), f.rci.clone())),
            );
        } else if let Some(s) = successes
            .iter()
            .find(|s| by_corr(&s.correlation_id) || by_id(&s.user_group_id))
        {
            out.applied.extend_from_slice(&slot.changes);
            if create && let Some(id) = &s.user_group_id {
                out.created_groups
                    .push((slot.name.clone(), UserGroupId::new(id.clone())));
            }
        } else {
            out.missing.extend_from_slice(&slot.changes);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use vsync_engine::{GroupMembers, NewUser, UserItem};

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
        let op = Operation::CreateUsers {
            users: (0..5).map(new_user).collect(),
        };
        let (a, b) = split(&op).unwrap();
        assert_eq!(a.change_ids().len(), 2);
        assert_eq!(b.change_ids().len(), 3);
        let one = Operation::CreateUsers {
            users: vec![new_user(1)],
        };
        assert!(split(&one).is_none());
    }

    #[test]
    fn split_a_single_group_splits_its_users() {
        let users = (0..4)
            .map(|n| UserItem {
                user: UserRef::Id(UserId::new(format!("u{n}"))),
                change: ChangeId(n),
            })
            .collect();
        let op = Operation::AddGroupMembers {
            groups: vec![GroupMembers {
                group: GroupRef::Id(UserGroupId::new("g")),
                users,
            }],
        };
        let (a, b) = split(&op).unwrap();
        assert_eq!(a.change_ids(), vec![ChangeId(0), ChangeId(1)]);
        assert_eq!(b.change_ids(), vec![ChangeId(2), ChangeId(3)]);
    }

    #[test]
    fn restrict_keeps_only_the_given_changes() {
        let op = Operation::CreateUsers {
            users: (0..5).map(new_user).collect(),
        };
        let kept = restrict(&op, &|c| c.0 % 2 == 0).unwrap();
        assert_eq!(
            kept.change_ids(),
            vec![ChangeId(0), ChangeId(2), ChangeId(4)]
        );
        assert!(restrict(&op, &|_| false).is_none());
    }

    #[test]
    fn unresolved_users_are_left_out_and_reported() {
        let users = vec![
            UserItem {
                user: UserRef::Key(UserKey::new("new@x.io")),
                change: ChangeId(1),
            },
            UserItem {
                user: UserRef::Id(UserId::new("u2")),
                change: ChangeId(2),
            },
        ];
        let op = Operation::AddGroupMembers {
            groups: vec![GroupMembers {
                group: GroupRef::Id(UserGroupId::new("g")),
                users,
            }],
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

    #[test]
    fn group_answers_are_matched_by_correlation_id_not_position() {
        let slots = vec![
            GroupSlot {
                correlation_id: "vs-a-1".into(),
                name: "A".into(),
                group: None,
                changes: vec![ChangeId(1)],
            },
            GroupSlot {
                correlation_id: "vs-a-2".into(),
                name: "B".into(),
                group: None,
                changes: vec![ChangeId(2)],
            },
        ];
        // The answer lists B first.
        let answer = UserGroupChangeResponseDto {
            successes: Some(vec![
                vsync_api::UserGroupChangeSuccessDto {
                    correlation_id: Some("vs-a-2".into()),
                    user_group_id: Some("g-b".into()),
                    ..Default::default()
                },
                vsync_api::UserGroupChangeSuccessDto {
                    correlation_id: Some("vs-a-1".into()),
                    user_group_id: Some("g-a".into()),
                    ..Default::default()
                },
            ]),
            failures: None,
        };
        let out = groups_answer(&answer, &slots, true);
        assert_eq!(
            out.created_groups,
            vec![
                ("A".to_owned(), UserGroupId::new("g-a")),
                ("B".to_owned(), UserGroupId::new("g-b"))
            ]
        );
    }
}
