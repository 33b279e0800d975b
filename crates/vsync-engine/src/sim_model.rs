//! An in-memory model of the API's semantics, for tests: [`apply`] a [`Plan`] to a
//! [`LiveState`] the way the tenant would, and [`check_limits`] that every call respects them.
//!
//! Created users and groups get fresh IDs (`sim-u-N`, `sim-g-N`); later calls that refer to
//! them by key or name are resolved the way the executor does.

use std::collections::{BTreeSet, HashMap};

use vsync_model::{LiveGroup, LiveState, LiveUser, UserGroupId, UserId, UserKey};

use crate::change::{GroupRef, UserRef};
use crate::limits::Limits;
use crate::plan::{Operation, Plan};

/// The tenant after every call of `plan`, applied in order to `live`.
///
/// Panics when a call refers to a user or group that does not exist: a plan must never do so.
pub fn apply(plan: &Plan, live: &LiveState) -> LiveState {
    let mut model = Model::new(live.clone());
    for call in plan.calls() {
        model.apply(&call.operation);
    }
    model.live
}

/// Every way `plan`'s calls break `limits`, as messages; empty when the plan is within them.
pub fn check_limits(plan: &Plan, limits: &Limits) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |call: u32, what: &str, n: usize, max: usize| {
        if n > max {
            problems.push(format!("call #{call}: {n} {what}, over the limit of {max}"));
        }
    };
    for call in plan.calls() {
        let id = call.id.0;
        match &call.operation {
            Operation::CreateUsers { users } => {
                check(id, "users", users.len(), limits.users_per_call);
            }
            Operation::UpdateUsers { users } => {
                check(id, "users", users.len(), limits.users_per_call);
            }
            Operation::DeleteUsers { users } => {
                check(id, "users", users.len(), limits.users_per_call);
            }
            Operation::CreateGroups { groups } => {
                check(id, "groups", groups.len(), limits.groups_per_call);
                for group in groups {
                    check(id, "members", group.members.len(), limits.members_per_group);
                }
            }
            Operation::PatchGroups { groups } => {
                check(id, "groups", groups.len(), limits.groups_per_call);
                for group in groups {
                    check(
                        id,
                        "members",
                        group.members.as_ref().map_or(0, Vec::len),
                        limits.members_per_group,
                    );
                }
            }
            Operation::DeleteGroups { groups } => {
                check(id, "groups", groups.len(), limits.groups_per_call);
            }
            Operation::AddGroupMembers { groups } | Operation::RemoveGroupMembers { groups } => {
                check(id, "groups", groups.len(), limits.groups_per_call);
                let mut seen = BTreeSet::new();
                for group in groups {
                    check(
                        id,
                        "user IDs per group",
                        group.users.len(),
                        limits.user_ids_per_group_per_call,
                    );
                    if !seen.insert(&group.group) {
                        check(id, &format!("listings of group {:?}", group.group), 2, 1);
                    }
                }
            }
            Operation::AssignUserPermissions { permissions }
            | Operation::RevokeUserPermissions { permissions } => {
                check(
                    id,
                    "permissions",
                    permissions.len(),
                    limits.permissions_per_call,
                );
                for permission in permissions {
                    check(
                        id,
                        "user IDs per permission",
                        permission.users.len(),
                        limits.user_ids_per_permission_per_call,
                    );
                }
            }
            Operation::AssignGroupPermissions { groups }
            | Operation::RevokeGroupPermissions { groups } => {
                check(id, "groups", groups.len(), limits.groups_per_call);
            }
            Operation::AssignProfile { users, .. } | Operation::RemoveProfile { users, .. } => {
                check(
                    id,
                    "user IDs",
                    users.len(),
                    limits.user_ids_per_profile_per_call,
                );
            }
        }
    }
    problems
}

struct Model {
    live: LiveState,
    next_id: usize,
    user_ids: HashMap<UserKey, UserId>,
    group_ids: HashMap<String, UserGroupId>,
}

impl Model {
    fn new(live: LiveState) -> Self {
        Self {
            live,
            next_id: 1,
            user_ids: HashMap::new(),
            group_ids: HashMap::new(),
        }
    }

    fn user_id(&self, user: &UserRef) -> UserId {
        match user {
            UserRef::Id(id) => id.clone(),
            UserRef::Key(key) => self
                .user_ids
                .get(key)
                .cloned()
                .unwrap_or_else(|| panic!("user {key} was not created")),
        }
    }

    fn group_id(&self, group: &GroupRef) -> UserGroupId {
        match group {
            GroupRef::Id(id) => id.clone(),
            GroupRef::Name(name) => self
                .group_ids
                .get(name)
                .cloned()
                .unwrap_or_else(|| panic!("group {name:?} was not created")),
        }
    }

    fn user(&mut self, id: &UserId) -> &mut LiveUser {
        self.live
            .users
            .iter_mut()
            .find(|u| &u.id == id)
            .unwrap_or_else(|| panic!("no user {id}"))
    }

    fn group(&mut self, id: &UserGroupId) -> &mut LiveGroup {
        self.live
            .groups
            .iter_mut()
            .find(|g| &g.id == id)
            .unwrap_or_else(|| panic!("no group {id}"))
    }

    fn fresh(&mut self, prefix: &str) -> String {
        let id = format!("sim-{prefix}-{}", self.next_id);
        self.next_id += 1;
        id
    }

    fn apply(&mut self, operation: &Operation) {
        match operation {
            Operation::CreateUsers { users } => {
                for new in users {
                    let id = UserId::new(self.fresh("u"));
                    self.user_ids.insert(new.key.clone(), id.clone());
                    self.live.users.push(LiveUser {
                        id,
                        username: new.username.clone(),
                        display_name: new.display_name.clone(),
                        employee_id: new.employee_id.clone(),
                        email: new.email.clone(),
                        account_enabled: new.account_enabled.unwrap_or(true),
                        ..LiveUser::default()
                    });
                }
            }
            Operation::UpdateUsers { users } => {
                for update in users {
                    let user = self.user(&update.user);
                    if let Some(v) = &update.username {
                        user.username.clone_from(v);
                    }
                    if let Some(v) = &update.display_name {
                        user.display_name = Some(v.clone());
                    }
                    if let Some(v) = &update.employee_id {
                        user.employee_id = Some(v.clone());
                    }
                    if let Some(v) = &update.email {
                        user.email = Some(v.clone());
                    }
                    if let Some(v) = update.account_enabled {
                        user.account_enabled = v;
                    }
                }
            }
            Operation::DeleteUsers { users } => {
                for item in users {
                    let id = self.user_id(&item.user);
                    let before = self.live.users.len();
                    self.live.users.retain(|u| u.id != id);
                    assert!(self.live.users.len() < before, "deleting unknown user {id}");
                }
            }
            Operation::CreateGroups { groups } => {
                for new in groups {
                    let id = UserGroupId::new(self.fresh("g"));
                    self.group_ids.insert(new.name.clone(), id.clone());
                    self.live.groups.push(LiveGroup {
                        id: id.clone(),
                        name: new.name.clone(),
                        description: new.description.clone(),
                        permissions: new
                            .permissions
                            .iter()
                            .map(|p| p.permission.clone())
                            .collect(),
                        dynamic: false,
                    });
                    for member in &new.members {
                        let user = self.user_id(&member.user);
                        self.user(&user).groups.insert(id.clone());
                    }
                }
            }
            Operation::PatchGroups { groups } => {
                for patch in groups {
                    let group = self.group(&patch.group);
                    if let Some(description) = &patch.description {
                        group.description = Some(description.clone());
                    }
                    if let Some(permissions) = &patch.permissions {
                        group.permissions = permissions.iter().cloned().collect();
                    }
                    if let Some(members) = &patch.members {
                        let ids: BTreeSet<UserId> =
                            members.iter().map(|m| self.user_id(m)).collect();
                        for user in &mut self.live.users {
                            if ids.contains(&user.id) {
                                user.groups.insert(patch.group.clone());
                            } else {
                                user.groups.remove(&patch.group);
                            }
                        }
                    }
                }
            }
            Operation::DeleteGroups { groups } => {
                for item in groups {
                    self.live.groups.retain(|g| g.id != item.group);
                    for user in &mut self.live.users {
                        user.groups.remove(&item.group);
                    }
                }
            }
            Operation::AddGroupMembers { groups } | Operation::RemoveGroupMembers { groups } => {
                let add = matches!(operation, Operation::AddGroupMembers { .. });
                for entry in groups {
                    let group = self.group_id(&entry.group);
                    assert!(
                        self.live.groups.iter().any(|g| g.id == group),
                        "no group {group}"
                    );
                    for item in &entry.users {
                        let id = self.user_id(&item.user);
                        let user = self.user(&id);
                        if add {
                            user.groups.insert(group.clone());
                        } else {
                            user.groups.remove(&group);
                        }
                    }
                }
            }
            Operation::AssignUserPermissions { permissions }
            | Operation::RevokeUserPermissions { permissions } => {
                let add = matches!(operation, Operation::AssignUserPermissions { .. });
                for entry in permissions {
                    for item in &entry.users {
                        let id = self.user_id(&item.user);
                        let user = self.user(&id);
                        if add {
                            user.permissions.insert(entry.permission.clone());
                        } else {
                            user.permissions.remove(&entry.permission);
                        }
                    }
                }
            }
            Operation::AssignGroupPermissions { groups }
            | Operation::RevokeGroupPermissions { groups } => {
                let add = matches!(operation, Operation::AssignGroupPermissions { .. });
                for entry in groups {
                    let group = self.group(&entry.group);
                    for item in &entry.permissions {
                        if add {
                            group.permissions.insert(item.permission.clone());
                        } else {
                            group.permissions.remove(&item.permission);
                        }
                    }
                }
            }
            Operation::AssignProfile { profile, users }
            | Operation::RemoveProfile { profile, users } => {
                let add = matches!(operation, Operation::AssignProfile { .. });
                for item in users {
                    let id = self.user_id(&item.user);
                    let user = self.user(&id);
                    if add {
                        user.profiles.insert(profile.clone());
                    } else {
                        user.profiles.remove(profile);
                    }
                }
            }
        }
    }
}
