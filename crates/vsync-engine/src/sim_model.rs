//! An in-memory model of the API's semantics, for tests: [`apply`] a [`Plan`] to a
//! [`LiveState`] the way the tenant would, and [`check_limits`] that every call respects them.
//!
//! Created users and groups get fresh IDs (`sim-u-N`, `sim-g-N`); later calls that refer to
//! them by key or name are resolved the way the executor does.

use std::collections::{BTreeSet, HashMap};

use vsync_model::{LiveGroup, LiveState, LiveUser, UserGroupId, UserId, UserKey};

use crate::change::{Direction, GroupRef, UserRef};
use crate::limits::BatchLimits;
use crate::plan::{CallBody, Plan, RelationEntries};

/// The tenant after every call of `plan`, applied in order to `live`.
///
/// Panics when a call refers to a user or group that does not exist: a plan must never do so.
pub fn apply(plan: &Plan, live: &LiveState) -> LiveState {
    let mut model = Model::new(live.clone());
    for call in plan.calls() {
        model.apply(&call.body);
    }
    model.live
}

/// Every way `plan`'s calls break `limits`, as messages; empty when the plan is within them.
pub fn check_limits(plan: &Plan, limits: &BatchLimits) -> Vec<String> {
    let mut problems = Vec::new();
    let mut check = |call: u32, what: &str, n: usize, max: usize| {
        if n > max {
            problems.push(format!("call #{call}: {n} {what}, over the limit of {max}"));
        }
    };
    for call in plan.calls() {
        let id = call.id.0;
        match &call.body {
            CallBody::CreateUsers { users } => {
                check(id, "users", users.len(), limits.users_per_call);
            }
            CallBody::UpdateUsers { users } => {
                check(id, "users", users.len(), limits.users_per_call);
            }
            CallBody::DeleteUsers { users } => {
                check(id, "users", users.len(), limits.users_per_call);
            }
            CallBody::CreateGroups { groups } => {
                check(id, "groups", groups.len(), limits.groups_per_call);
                for group in groups {
                    check(id, "members", group.members.len(), limits.members_per_group);
                }
            }
            CallBody::PatchGroups { groups } => {
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
            CallBody::DeleteGroups { groups } => {
                check(id, "groups", groups.len(), limits.groups_per_call);
            }
            CallBody::Relate { entries, .. } => match entries {
                RelationEntries::Membership(groups) => {
                    check(id, "groups", groups.len(), limits.groups_per_call);
                    let mut seen = BTreeSet::new();
                    for group in groups {
                        check(
                            id,
                            "user IDs per group",
                            group.items.len(),
                            limits.user_ids_per_group_per_call,
                        );
                        if !seen.insert(&group.target) {
                            check(id, &format!("listings of group {:?}", group.target), 2, 1);
                        }
                    }
                }
                RelationEntries::UserPermission(permissions) => {
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
                            permission.items.len(),
                            limits.user_ids_per_permission_per_call,
                        );
                    }
                }
                RelationEntries::GroupPermission(groups) => {
                    check(id, "groups", groups.len(), limits.groups_per_call);
                }
                RelationEntries::Profile(profiles) => {
                    check(id, "profiles", profiles.len(), 1);
                    for profile in profiles {
                        check(
                            id,
                            "user IDs",
                            profile.items.len(),
                            limits.user_ids_per_profile_per_call,
                        );
                    }
                }
            },
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

    fn apply(&mut self, body: &CallBody) {
        match body {
            CallBody::CreateUsers { users } => {
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
            CallBody::UpdateUsers { users } => {
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
            CallBody::DeleteUsers { users } => {
                for item in users {
                    let id = item.value.clone();
                    let before = self.live.users.len();
                    self.live.users.retain(|u| u.id != id);
                    assert!(self.live.users.len() < before, "deleting unknown user {id}");
                }
            }
            CallBody::CreateGroups { groups } => {
                for new in groups {
                    let id = UserGroupId::new(self.fresh("g"));
                    self.group_ids.insert(new.name.clone(), id.clone());
                    self.live.groups.push(LiveGroup {
                        id: id.clone(),
                        name: new.name.clone(),
                        description: new.description.clone(),
                        permissions: new.permissions.iter().map(|p| p.value.clone()).collect(),
                        dynamic: false,
                    });
                    for member in &new.members {
                        let user = self.user_id(&member.value);
                        self.user(&user).groups.insert(id.clone());
                    }
                }
            }
            CallBody::PatchGroups { groups } => {
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
            CallBody::DeleteGroups { groups } => {
                for item in groups {
                    self.live.groups.retain(|g| g.id != item.value);
                    for user in &mut self.live.users {
                        user.groups.remove(&item.value);
                    }
                }
            }
            CallBody::Relate { direction, entries } => self.relate(*direction, entries),
        }
    }

    fn relate(&mut self, direction: Direction, entries: &RelationEntries) {
        let add = direction == Direction::Add;
        match entries {
            RelationEntries::Membership(groups) => {
                for entry in groups {
                    let group = self.group_id(&entry.target);
                    assert!(
                        self.live.groups.iter().any(|g| g.id == group),
                        "no group {group}"
                    );
                    for item in &entry.items {
                        let id = self.user_id(&item.value);
                        let user = self.user(&id);
                        if add {
                            user.groups.insert(group.clone());
                        } else {
                            user.groups.remove(&group);
                        }
                    }
                }
            }
            RelationEntries::UserPermission(permissions) => {
                for entry in permissions {
                    for item in &entry.items {
                        let id = self.user_id(&item.value);
                        let user = self.user(&id);
                        if add {
                            user.permissions.insert(entry.target.clone());
                        } else {
                            user.permissions.remove(&entry.target);
                        }
                    }
                }
            }
            RelationEntries::GroupPermission(groups) => {
                for entry in groups {
                    let group = self.group(&entry.target);
                    for item in &entry.items {
                        if add {
                            group.permissions.insert(item.value.clone());
                        } else {
                            group.permissions.remove(&item.value);
                        }
                    }
                }
            }
            RelationEntries::Profile(profiles) => {
                for entry in profiles {
                    for item in &entry.items {
                        let id = self.user_id(&item.value);
                        let user = self.user(&id);
                        if add {
                            user.profiles.insert(entry.target.clone());
                        } else {
                            user.profiles.remove(&entry.target);
                        }
                    }
                }
            }
        }
    }
}
