//! [`plan`]: a change set as an ordered list of API calls, as few as the limits allow.
//!
//! # Phases
//!
//! Calls run phase by phase, in [`PhaseKind`] order; calls within a phase are independent.
//!
//! 1. [`CreateUsers`](PhaseKind::CreateUsers): `POST /v2/admin/users`, `⌈creates/U⌉` calls.
//! 2. [`UpdateUsers`](PhaseKind::UpdateUsers): `PUT /v2/admin/users`, `⌈(updates + renames +
//!    disables)/U⌉` calls. A rename and a deprovisioning disable are v2 updates too, so they
//!    share batches with the other updates rather than taking a late phase of their own (a
//!    disable is reversible, and nothing later depends on it).
//! 3. [`CreateGroups`](PhaseKind::CreateGroups): `POST /v2/admin/user-groups`, `⌈creates/G⌉`
//!    calls. Groups are created **after** users so that a new group's POST carries its
//!    description, permissions and up to `C` members, new users included: a group is created
//!    and filled in one call. Users never reference groups when created, so nothing forces the
//!    other order. Members beyond `C` go to phase 5.
//! 4. [`PatchGroups`](PhaseKind::PatchGroups): `PATCH /v2/admin/user-groups`, `⌈patched/G⌉`
//!    calls. A description change needs a PATCH; the group's permission and member changes
//!    then ride along in the same PATCH (`permissionIds` and `users.manuallyIncludedIds`
//!    replace the lists, so the plan sends the whole lists, computed from the change set's
//!    [`GroupBaseline`](crate::GroupBaseline)s). See *Endpoint choice* below.
//! 5. [`AddMembers`](PhaseKind::AddMembers): `PUT /v1/admin/user-groups/users`,
//!    `wrap(⌈adds_g/M⌉, G)` calls (several groups per call, `M` users per group per call).
//! 6. [`AssignUserPermissions`](PhaseKind::AssignUserPermissions): `PUT
//!    /v1/admin/permissions/users`, `wrap(⌈users_p/Q⌉, P)` calls.
//! 7. [`AssignGroupPermissions`](PhaseKind::AssignGroupPermissions): `PUT
//!    /v1/admin/user-groups/permissions`, `⌈groups/G⌉` calls (one slot per group: a group
//!    grants at most 250 permissions, all sent at once).
//! 8. [`AssignProfiles`](PhaseKind::AssignProfiles): `PUT /v1/admin/profiles/{id}/assign`,
//!    `Σ ⌈users_p/R⌉` calls (one profile per call).
//! 9. [`RemoveProfiles`](PhaseKind::RemoveProfiles): `DELETE /v1/admin/profiles/{id}/remove`,
//!    `Σ ⌈users_p/R⌉`.
//! 10. [`RevokeUserPermissions`](PhaseKind::RevokeUserPermissions): `DELETE
//!     /v1/admin/permissions/users`, `wrap(⌈users_p/Q⌉, P)`.
//! 11. [`RevokeGroupPermissions`](PhaseKind::RevokeGroupPermissions): `DELETE
//!     /v1/admin/user-groups/permissions`, `⌈groups/G⌉`.
//! 12. [`RemoveMembers`](PhaseKind::RemoveMembers): `DELETE /v1/admin/user-groups/users`,
//!     `wrap(⌈removes_g/M⌉, G)`.
//! 13. [`DeleteUsers`](PhaseKind::DeleteUsers): `DELETE /v2/admin/users`, `⌈deletes/U⌉`.
//! 14. [`DeleteGroups`](PhaseKind::DeleteGroups): `DELETE /v2/admin/user-groups`,
//!     `⌈deletes/G⌉`.
//!
//! Adds and assignments come before revocations and removals, and deletions come last, so a
//! run cut short leaves users with too much access for a moment rather than locked out, and a
//! failure stops before the irreversible steps. Users and groups created in this run are
//! referenced as [`UserRef::Key`] and [`GroupRef::Name`]; the executor fills in the IDs the
//! creates returned.
//!
//! # Endpoint choice for existing groups
//!
//! A group's member and permission changes can go through the v1 calls (incremental; a
//! group with `n` member adds takes `⌈n/M⌉` slots of the add calls) or through one v2 PATCH
//! slot that replaces the lists (only when the resulting member list has at most `C` IDs).
//! The plan prices two strategies with the formulas above and takes the cheaper, the v1
//! calls on a tie (they cannot undo a concurrent edit of a member list):
//!
//! - *incremental*: PATCH only the groups whose description changes, folding those groups'
//!   other changes into their PATCH; everything else through v1 calls;
//! - *patch*: one PATCH slot per changed group; v1 membership calls only for groups whose
//!   list would exceed `C`.
//!
//! The lower bound ([`Plan::lower_bound`]) is the sum of the per-phase formulas under the
//! chosen strategy, computed from the change set's counts, and the batching reaches it. It is
//! the minimum over these two strategies, not over every mix of endpoints per group.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::{Deserialize, Serialize};
use vsync_model::{PermissionId, ProfileId, UserGroupId, UserId, UserKey};

use crate::bounds::{self, Counts, GroupCounts, Placement, Strategy, placement};
use crate::change::{
    Action, Change, ChangeId, ChangeSet, Entity, GroupBaseline, GroupRef, GuardOutcome, Skip,
    UserRef,
};
use crate::limits::Limits;

/// The version of the plan format; a plan of another version is not applied.
pub const PLAN_VERSION: u32 = 1;

/// The phases of a plan, in execution order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PhaseKind {
    /// `POST /v2/admin/users`.
    CreateUsers,
    /// `PUT /v2/admin/users`: updates, renames, enables and disables.
    UpdateUsers,
    /// `POST /v2/admin/user-groups`, with permissions and members.
    CreateGroups,
    /// `PATCH /v2/admin/user-groups`.
    PatchGroups,
    /// `PUT /v1/admin/user-groups/users`.
    AddMembers,
    /// `PUT /v1/admin/permissions/users`.
    AssignUserPermissions,
    /// `PUT /v1/admin/user-groups/permissions`.
    AssignGroupPermissions,
    /// `PUT /v1/admin/profiles/{profileId}/assign`.
    AssignProfiles,
    /// `DELETE /v1/admin/profiles/{profileId}/remove`.
    RemoveProfiles,
    /// `DELETE /v1/admin/permissions/users`.
    RevokeUserPermissions,
    /// `DELETE /v1/admin/user-groups/permissions`.
    RevokeGroupPermissions,
    /// `DELETE /v1/admin/user-groups/users`.
    RemoveMembers,
    /// `DELETE /v2/admin/users`.
    DeleteUsers,
    /// `DELETE /v2/admin/user-groups`.
    DeleteGroups,
}

/// The number of a call within its plan, from 1, in execution order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CallId(pub u32);

impl fmt::Display for CallId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewUser {
    /// The key later calls refer to the user by ([`UserRef::Key`]).
    pub key: UserKey,
    /// The username.
    pub username: String,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The employee ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// The email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the account is enabled (`None`: the API's default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<bool>,
    /// The change the item realises.
    pub change: ChangeId,
}

/// The fields of an existing user to change; `None` leaves a field alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserUpdate {
    /// The user.
    pub user: UserId,
    /// A new username (a rename).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// A new display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A new employee ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// A new email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Enable or disable the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<bool>,
    /// The change the item realises.
    pub change: ChangeId,
}

/// A user in a list, with the change the item realises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserItem {
    /// The user.
    pub user: UserRef,
    /// The change.
    pub change: ChangeId,
}

/// A permission in a list, with the change the item realises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionItem {
    /// The permission.
    pub permission: PermissionId,
    /// The change.
    pub change: ChangeId,
}

/// A group to create, with its permissions and first members.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewGroup {
    /// The display name (later calls refer to the group by it, [`GroupRef::Name`]).
    pub name: String,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `permissionIds`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<PermissionItem>,
    /// `users.manuallyIncludedIds`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<UserItem>,
    /// The group's create change.
    pub change: ChangeId,
}

/// A v2 PATCH of one group: only the given fields change; lists replace the live ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupPatch {
    /// The group.
    pub group: UserGroupId,
    /// A new description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The whole new `permissionIds` list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<PermissionId>>,
    /// The whole new `users.manuallyIncludedIds` list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<UserRef>>,
    /// Every change the PATCH realises.
    pub changes: Vec<ChangeId>,
}

/// A group in a list, with the change the item realises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupItem {
    /// The group.
    pub group: UserGroupId,
    /// The change.
    pub change: ChangeId,
}

/// Users to add to or remove from one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupMembers {
    /// The group.
    pub group: GroupRef,
    /// The users, at most `user_ids_per_group_per_call`.
    pub users: Vec<UserItem>,
}

/// Users to assign one permission to, or revoke it from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionUsers {
    /// The permission.
    pub permission: PermissionId,
    /// The users.
    pub users: Vec<UserItem>,
}

/// Permissions to grant to one group, or take from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupPermissions {
    /// The group.
    pub group: UserGroupId,
    /// The permissions.
    pub permissions: Vec<PermissionItem>,
}

/// One API call, in domain terms. Every item names the change it realises, so per-item
/// results map back to changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "op")]
pub enum Operation {
    /// `POST /v2/admin/users`.
    CreateUsers {
        /// The users.
        users: Vec<NewUser>,
    },
    /// `PUT /v2/admin/users`.
    UpdateUsers {
        /// The updates.
        users: Vec<UserUpdate>,
    },
    /// `DELETE /v2/admin/users`.
    DeleteUsers {
        /// The users.
        users: Vec<UserItem>,
    },
    /// `POST /v2/admin/user-groups`.
    CreateGroups {
        /// The groups.
        groups: Vec<NewGroup>,
    },
    /// `PATCH /v2/admin/user-groups`.
    PatchGroups {
        /// The patches.
        groups: Vec<GroupPatch>,
    },
    /// `DELETE /v2/admin/user-groups`.
    DeleteGroups {
        /// The groups.
        groups: Vec<GroupItem>,
    },
    /// `PUT /v1/admin/user-groups/users`.
    AddGroupMembers {
        /// Per group, the users to add.
        groups: Vec<GroupMembers>,
    },
    /// `DELETE /v1/admin/user-groups/users`.
    RemoveGroupMembers {
        /// Per group, the users to remove.
        groups: Vec<GroupMembers>,
    },
    /// `PUT /v1/admin/permissions/users`.
    AssignUserPermissions {
        /// Per permission, the users.
        permissions: Vec<PermissionUsers>,
    },
    /// `DELETE /v1/admin/permissions/users`.
    RevokeUserPermissions {
        /// Per permission, the users.
        permissions: Vec<PermissionUsers>,
    },
    /// `PUT /v1/admin/user-groups/permissions`.
    AssignGroupPermissions {
        /// Per group, the permissions.
        groups: Vec<GroupPermissions>,
    },
    /// `DELETE /v1/admin/user-groups/permissions`.
    RevokeGroupPermissions {
        /// Per group, the permissions.
        groups: Vec<GroupPermissions>,
    },
    /// `PUT /v1/admin/profiles/{profileId}/assign`.
    AssignProfile {
        /// The profile.
        profile: ProfileId,
        /// The users.
        users: Vec<UserItem>,
    },
    /// `DELETE /v1/admin/profiles/{profileId}/remove`.
    RemoveProfile {
        /// The profile.
        profile: ProfileId,
        /// The users.
        users: Vec<UserItem>,
    },
}

impl Operation {
    /// The HTTP method and path template.
    pub fn endpoint(&self) -> (&'static str, &'static str) {
        match self {
            Self::CreateUsers { .. } => ("POST", "/v2/admin/users"),
            Self::UpdateUsers { .. } => ("PUT", "/v2/admin/users"),
            Self::DeleteUsers { .. } => ("DELETE", "/v2/admin/users"),
            Self::CreateGroups { .. } => ("POST", "/v2/admin/user-groups"),
            Self::PatchGroups { .. } => ("PATCH", "/v2/admin/user-groups"),
            Self::DeleteGroups { .. } => ("DELETE", "/v2/admin/user-groups"),
            Self::AddGroupMembers { .. } => ("PUT", "/v1/admin/user-groups/users"),
            Self::RemoveGroupMembers { .. } => ("DELETE", "/v1/admin/user-groups/users"),
            Self::AssignUserPermissions { .. } => ("PUT", "/v1/admin/permissions/users"),
            Self::RevokeUserPermissions { .. } => ("DELETE", "/v1/admin/permissions/users"),
            Self::AssignGroupPermissions { .. } => ("PUT", "/v1/admin/user-groups/permissions"),
            Self::RevokeGroupPermissions { .. } => ("DELETE", "/v1/admin/user-groups/permissions"),
            Self::AssignProfile { .. } => ("PUT", "/v1/admin/profiles/{profileId}/assign"),
            Self::RemoveProfile { .. } => ("DELETE", "/v1/admin/profiles/{profileId}/remove"),
        }
    }

    /// Every change the call realises, in payload order.
    pub fn change_ids(&self) -> Vec<ChangeId> {
        let users = |items: &[UserItem]| items.iter().map(|i| i.change).collect::<Vec<_>>();
        match self {
            Self::CreateUsers { users } => users.iter().map(|u| u.change).collect(),
            Self::UpdateUsers { users } => users.iter().map(|u| u.change).collect(),
            Self::DeleteUsers { users: items }
            | Self::AssignProfile { users: items, .. }
            | Self::RemoveProfile { users: items, .. } => users(items),
            Self::CreateGroups { groups } => groups
                .iter()
                .flat_map(|g| {
                    std::iter::once(g.change)
                        .chain(g.permissions.iter().map(|p| p.change))
                        .chain(g.members.iter().map(|m| m.change))
                })
                .collect(),
            Self::PatchGroups { groups } => groups
                .iter()
                .flat_map(|g| g.changes.iter().copied())
                .collect(),
            Self::DeleteGroups { groups } => groups.iter().map(|g| g.change).collect(),
            Self::AddGroupMembers { groups } | Self::RemoveGroupMembers { groups } => {
                groups.iter().flat_map(|g| users(&g.users)).collect()
            }
            Self::AssignUserPermissions { permissions }
            | Self::RevokeUserPermissions { permissions } => {
                permissions.iter().flat_map(|p| users(&p.users)).collect()
            }
            Self::AssignGroupPermissions { groups } | Self::RevokeGroupPermissions { groups } => {
                groups
                    .iter()
                    .flat_map(|g| g.permissions.iter().map(|p| p.change))
                    .collect()
            }
        }
    }
}

/// One API call of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Call {
    /// The call's number in the plan.
    pub id: CallId,
    /// The batch within its phase, from 1.
    pub batch: u32,
    /// What the call does.
    pub operation: Operation,
}

/// The calls of one phase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Phase {
    /// Which phase.
    pub kind: PhaseKind,
    /// The fewest calls the limits allow for this phase.
    pub lower_bound: usize,
    /// The calls; independent of each other.
    pub calls: Vec<Call>,
}

/// A serialisable plan: the calls to make, phase by phase, and what they are for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    /// [`PLAN_VERSION`].
    pub version: u32,
    /// The fingerprint of the live state the plan was computed from; an apply re-reads the
    /// tenant and refuses the plan if it differs.
    pub fingerprint: String,
    /// The limits the calls respect.
    pub limits: Limits,
    /// The fewest calls the limits allow for the change set.
    pub lower_bound: usize,
    /// The non-empty phases, in execution order.
    pub phases: Vec<Phase>,
    /// The changes the calls realise.
    pub changes: Vec<Change>,
    /// Changes a tripped guard withheld.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<Change>,
    /// Rows and users left alone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skips: Vec<Skip>,
    /// What the guards found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guards: Vec<GuardOutcome>,
}

impl Plan {
    /// The fewest calls the limits allow for the plan's changes (see the module docs).
    pub fn lower_bound(&self) -> usize {
        self.lower_bound
    }

    /// The number of calls the plan makes.
    pub fn call_count(&self) -> usize {
        self.phases.iter().map(|p| p.calls.len()).sum()
    }

    /// Every call, in execution order.
    pub fn calls(&self) -> impl Iterator<Item = &Call> {
        self.phases.iter().flat_map(|p| p.calls.iter())
    }

    /// Whether the plan makes no call.
    pub fn is_empty(&self) -> bool {
        self.phases.is_empty()
    }

    /// The change with this ID.
    pub fn change(&self, id: ChangeId) -> Option<&Change> {
        self.changes.iter().find(|c| c.id == id)
    }

    /// Whether a guard withheld changes.
    pub fn blocked(&self) -> bool {
        self.guards.iter().any(GuardOutcome::blocked)
    }
}

/// Turns a change set into a plan that respects `limits` with the fewest calls (see the module
/// docs for the phases and endpoint choices).
pub fn plan(changes: &ChangeSet, limits: &Limits) -> Plan {
    let limits = limits.sane();
    let (strategy, bounds) = bounds::bounds(&Counts::of(changes, &limits), &limits);
    let mut builder = Builder::new(changes, limits, strategy);
    let mut phases = Vec::new();
    let mut next_call = 1u32;
    for (kind, lower_bound) in bounds {
        let operations = builder.phase(kind);
        if operations.is_empty() && lower_bound == 0 {
            continue;
        }
        let calls = operations
            .into_iter()
            .enumerate()
            .map(|(batch, operation)| {
                let call = Call {
                    id: CallId(next_call),
                    batch: batch as u32 + 1,
                    operation,
                };
                next_call += 1;
                call
            })
            .collect();
        phases.push(Phase {
            kind,
            lower_bound,
            calls,
        });
    }
    Plan {
        version: PLAN_VERSION,
        fingerprint: changes.fingerprint.clone(),
        limits,
        lower_bound: phases.iter().map(|p| p.lower_bound).sum(),
        phases,
        changes: changes.changes.clone(),
        withheld: changes.withheld.clone(),
        skips: changes.skips.clone(),
        guards: changes.guards.clone(),
    }
}

/// A list keyed by first appearance.
struct Keyed<K, V> {
    index: HashMap<K, usize>,
    entries: Vec<(K, V)>,
}

impl<K: std::hash::Hash + Eq + Clone, V: Default> Keyed<K, V> {
    fn new() -> Self {
        Self {
            index: HashMap::new(),
            entries: Vec::new(),
        }
    }

    fn get(&mut self, key: &K) -> &mut V {
        let index = *self.index.entry(key.clone()).or_insert_with(|| {
            self.entries.push((key.clone(), V::default()));
            self.entries.len() - 1
        });
        &mut self.entries[index].1
    }
}

#[derive(Default)]
struct NewGroupWork<'c> {
    create: Option<&'c Change>,
    permissions: Vec<PermissionItem>,
    members: Vec<UserItem>,
}

#[derive(Default)]
struct GroupWork<'c> {
    description: Option<&'c Change>,
    permission_adds: Vec<PermissionItem>,
    permission_removes: Vec<PermissionItem>,
    member_adds: Vec<UserItem>,
    member_removes: Vec<UserItem>,
}

struct Builder<'c> {
    limits: Limits,
    baselines: HashMap<&'c UserGroupId, &'c GroupBaseline>,
    user_creates: Vec<&'c Change>,
    user_updates: Vec<&'c Change>,
    user_deletes: Vec<&'c Change>,
    group_deletes: Vec<&'c Change>,
    new_groups: Keyed<String, NewGroupWork<'c>>,
    groups: Keyed<UserGroupId, GroupWork<'c>>,
    permission_assigns: Keyed<PermissionId, Vec<UserItem>>,
    permission_revokes: Keyed<PermissionId, Vec<UserItem>>,
    profile_assigns: Keyed<ProfileId, Vec<UserItem>>,
    profile_removes: Keyed<ProfileId, Vec<UserItem>>,
    /// Where each existing group's changes go, decided once all changes are known (the lists
    /// are taken phase by phase, so the counts cannot be recomputed later).
    placements: Vec<Placement>,
}

impl<'c> Builder<'c> {
    fn new(set: &'c ChangeSet, limits: Limits, strategy: Strategy) -> Self {
        let mut builder = Self {
            limits,
            baselines: set.baselines.iter().map(|b| (&b.group, b)).collect(),
            user_creates: Vec::new(),
            user_updates: Vec::new(),
            user_deletes: Vec::new(),
            group_deletes: Vec::new(),
            new_groups: Keyed::new(),
            groups: Keyed::new(),
            permission_assigns: Keyed::new(),
            permission_revokes: Keyed::new(),
            profile_assigns: Keyed::new(),
            profile_removes: Keyed::new(),
            placements: Vec::new(),
        };
        for change in &set.changes {
            builder.add(change);
        }
        builder.placements = builder
            .groups
            .entries
            .iter()
            .map(|(id, work)| placement(&builder.counts(id, work), strategy))
            .collect();
        builder
    }

    fn add(&mut self, change: &'c Change) {
        let user_item = || UserItem {
            user: change
                .user
                .clone()
                .expect("relation changes name their user"),
            change: change.id,
        };
        let permission_item = || PermissionItem {
            permission: change
                .permission
                .clone()
                .expect("permission changes name it"),
            change: change.id,
        };
        match (change.entity, change.action, &change.group) {
            (Entity::User, Action::Create, _) => self.user_creates.push(change),
            (Entity::User, Action::Update | Action::Rename | Action::Disable, _) => {
                self.user_updates.push(change);
            }
            (Entity::User, Action::Delete, _) => self.user_deletes.push(change),
            (Entity::Group, Action::Create, Some(GroupRef::Name(name))) => {
                self.new_groups.get(name).create = Some(change);
            }
            (Entity::Group, Action::Delete, _) => self.group_deletes.push(change),
            (Entity::Group, _, Some(GroupRef::Id(id))) => {
                self.groups.get(id).description = Some(change);
            }
            (Entity::Membership, Action::Add, Some(GroupRef::Name(name))) => {
                self.new_groups.get(name).members.push(user_item());
            }
            (Entity::Membership, Action::Add, Some(GroupRef::Id(id))) => {
                self.groups.get(id).member_adds.push(user_item());
            }
            (Entity::Membership, _, Some(GroupRef::Id(id))) => {
                self.groups.get(id).member_removes.push(user_item());
            }
            (Entity::GroupPermission, Action::Assign, Some(GroupRef::Name(name))) => {
                self.new_groups
                    .get(name)
                    .permissions
                    .push(permission_item());
            }
            (Entity::GroupPermission, Action::Assign, Some(GroupRef::Id(id))) => {
                self.groups.get(id).permission_adds.push(permission_item());
            }
            (Entity::GroupPermission, _, Some(GroupRef::Id(id))) => self
                .groups
                .get(id)
                .permission_removes
                .push(permission_item()),
            (Entity::UserPermission, action, _) => {
                let id = change
                    .permission
                    .clone()
                    .expect("permission changes name it");
                let list = if action == Action::Assign {
                    &mut self.permission_assigns
                } else {
                    &mut self.permission_revokes
                };
                list.get(&id).push(user_item());
            }
            (Entity::Profile, action, _) => {
                let id = change.profile.clone().expect("profile changes name it");
                let list = if action == Action::Assign {
                    &mut self.profile_assigns
                } else {
                    &mut self.profile_removes
                };
                list.get(&id).push(user_item());
            }
            _ => {}
        }
    }

    fn counts(&self, id: &UserGroupId, work: &GroupWork<'_>) -> GroupCounts {
        let (members, dynamic) = self
            .baselines
            .get(id)
            .map_or((usize::MAX, true), |b| (b.members.len(), b.dynamic));
        GroupCounts {
            description: work.description.is_some(),
            permission_adds: work.permission_adds.len(),
            permission_removes: work.permission_removes.len(),
            member_adds: work.member_adds.len(),
            member_removes: work.member_removes.len(),
            patchable: !dynamic
                && members
                    .saturating_add(work.member_adds.len())
                    .saturating_sub(work.member_removes.len())
                    <= self.limits.members_per_group,
        }
    }

    fn phase(&mut self, kind: PhaseKind) -> Vec<Operation> {
        let l = self.limits;
        match kind {
            PhaseKind::CreateUsers => {
                chunks(std::mem::take(&mut self.user_creates), l.users_per_call)
                    .map(|batch| Operation::CreateUsers {
                        users: batch.into_iter().map(new_user).collect(),
                    })
                    .collect()
            }
            PhaseKind::UpdateUsers => {
                chunks(std::mem::take(&mut self.user_updates), l.users_per_call)
                    .map(|batch| Operation::UpdateUsers {
                        users: batch.into_iter().map(user_update).collect(),
                    })
                    .collect()
            }
            PhaseKind::DeleteUsers => {
                chunks(std::mem::take(&mut self.user_deletes), l.users_per_call)
                    .map(|batch| Operation::DeleteUsers {
                        users: batch
                            .into_iter()
                            .map(|c| UserItem {
                                user: c.user.clone().expect("user changes name their user"),
                                change: c.id,
                            })
                            .collect(),
                    })
                    .collect()
            }
            PhaseKind::DeleteGroups => {
                chunks(std::mem::take(&mut self.group_deletes), l.groups_per_call)
                    .map(|batch| Operation::DeleteGroups {
                        groups: batch
                            .into_iter()
                            .filter_map(|c| match &c.group {
                                Some(GroupRef::Id(id)) => Some(GroupItem {
                                    group: id.clone(),
                                    change: c.id,
                                }),
                                _ => None,
                            })
                            .collect(),
                    })
                    .collect()
            }
            PhaseKind::CreateGroups => self.create_groups(),
            PhaseKind::PatchGroups => self.patch_groups(),
            PhaseKind::AddMembers => {
                let mut entries = Vec::new();
                // Members of new groups beyond what their create carried.
                for (name, work) in &mut self.new_groups.entries {
                    if !work.members.is_empty() {
                        entries.push((
                            GroupRef::Name(name.clone()),
                            std::mem::take(&mut work.members),
                        ));
                    }
                }
                for index in 0..self.groups.entries.len() {
                    let (id, work) = &self.groups.entries[index];
                    if !self.placements[index].members_in_patch && !work.member_adds.is_empty() {
                        let id = id.clone();
                        entries.push((
                            GroupRef::Id(id),
                            std::mem::take(&mut self.groups.entries[index].1.member_adds),
                        ));
                    }
                }
                wrap_batches(entries, l.user_ids_per_group_per_call, l.groups_per_call)
                    .into_iter()
                    .map(|batch| Operation::AddGroupMembers {
                        groups: batch
                            .into_iter()
                            .map(|(group, users)| GroupMembers { group, users })
                            .collect(),
                    })
                    .collect()
            }
            PhaseKind::RemoveMembers => {
                let mut entries = Vec::new();
                for index in 0..self.groups.entries.len() {
                    let (id, work) = &self.groups.entries[index];
                    if !self.placements[index].members_in_patch && !work.member_removes.is_empty() {
                        let id = id.clone();
                        entries.push((
                            GroupRef::Id(id),
                            std::mem::take(&mut self.groups.entries[index].1.member_removes),
                        ));
                    }
                }
                wrap_batches(entries, l.user_ids_per_group_per_call, l.groups_per_call)
                    .into_iter()
                    .map(|batch| Operation::RemoveGroupMembers {
                        groups: batch
                            .into_iter()
                            .map(|(group, users)| GroupMembers { group, users })
                            .collect(),
                    })
                    .collect()
            }
            PhaseKind::AssignGroupPermissions | PhaseKind::RevokeGroupPermissions => {
                let assign = kind == PhaseKind::AssignGroupPermissions;
                let mut entries = Vec::new();
                for index in 0..self.groups.entries.len() {
                    if self.placements[index].permissions_in_patch {
                        continue;
                    }
                    let id = self.groups.entries[index].0.clone();
                    let work = &mut self.groups.entries[index].1;
                    let list = std::mem::take(if assign {
                        &mut work.permission_adds
                    } else {
                        &mut work.permission_removes
                    });
                    if !list.is_empty() {
                        entries.push(GroupPermissions {
                            group: id,
                            permissions: list,
                        });
                    }
                }
                chunks(entries, l.groups_per_call)
                    .map(|groups| {
                        if assign {
                            Operation::AssignGroupPermissions { groups }
                        } else {
                            Operation::RevokeGroupPermissions { groups }
                        }
                    })
                    .collect()
            }
            PhaseKind::AssignUserPermissions | PhaseKind::RevokeUserPermissions => {
                let assign = kind == PhaseKind::AssignUserPermissions;
                let source = if assign {
                    &mut self.permission_assigns
                } else {
                    &mut self.permission_revokes
                };
                let entries = std::mem::take(&mut source.entries);
                wrap_batches(
                    entries,
                    l.user_ids_per_permission_per_call,
                    l.permissions_per_call,
                )
                .into_iter()
                .map(|batch| {
                    let permissions = batch
                        .into_iter()
                        .map(|(permission, users)| PermissionUsers { permission, users })
                        .collect();
                    if assign {
                        Operation::AssignUserPermissions { permissions }
                    } else {
                        Operation::RevokeUserPermissions { permissions }
                    }
                })
                .collect()
            }
            PhaseKind::AssignProfiles | PhaseKind::RemoveProfiles => {
                let assign = kind == PhaseKind::AssignProfiles;
                let source = if assign {
                    &mut self.profile_assigns
                } else {
                    &mut self.profile_removes
                };
                let mut operations = Vec::new();
                for (profile, users) in std::mem::take(&mut source.entries) {
                    for users in chunks(users, l.user_ids_per_profile_per_call) {
                        let profile = profile.clone();
                        operations.push(if assign {
                            Operation::AssignProfile { profile, users }
                        } else {
                            Operation::RemoveProfile { profile, users }
                        });
                    }
                }
                operations
            }
        }
    }

    fn create_groups(&mut self) -> Vec<Operation> {
        let cap = self.limits.members_per_group;
        let mut groups = Vec::new();
        for (name, work) in &mut self.new_groups.entries {
            let Some(create) = work.create else { continue };
            let take = work.members.len().min(cap);
            let rest = work.members.split_off(take);
            let members = std::mem::replace(&mut work.members, rest);
            groups.push(NewGroup {
                name: name.clone(),
                description: create.after("description").map(ToOwned::to_owned),
                permissions: std::mem::take(&mut work.permissions),
                members,
                change: create.id,
            });
        }
        // Members beyond the cap stay in `work.members` for the add phase, which runs later.
        chunks(groups, self.limits.groups_per_call)
            .map(|groups| Operation::CreateGroups { groups })
            .collect()
    }

    fn patch_groups(&mut self) -> Vec<Operation> {
        let mut patches = Vec::new();
        for index in 0..self.groups.entries.len() {
            let place = self.placements[index];
            if !place.patch {
                continue;
            }
            let id = self.groups.entries[index].0.clone();
            let baseline = self.baselines.get(&id).copied();
            let work = &mut self.groups.entries[index].1;
            let mut changes = Vec::new();
            let description = work.description.map(|c| {
                changes.push(c.id);
                c.after("description").unwrap_or_default().to_owned()
            });
            let permissions = place.permissions_in_patch.then(|| {
                let adds = std::mem::take(&mut work.permission_adds);
                let removes = std::mem::take(&mut work.permission_removes);
                let removed: HashSet<&PermissionId> =
                    removes.iter().map(|p| &p.permission).collect();
                let mut list: Vec<PermissionId> = baseline
                    .map(|b| {
                        b.permissions
                            .iter()
                            .filter(|p| !removed.contains(p))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                list.extend(adds.iter().map(|p| p.permission.clone()));
                changes.extend(adds.iter().chain(&removes).map(|p| p.change));
                list
            });
            let members = place.members_in_patch.then(|| {
                let adds = std::mem::take(&mut work.member_adds);
                let removes = std::mem::take(&mut work.member_removes);
                let removed: HashSet<&UserId> = removes
                    .iter()
                    .filter_map(|u| match &u.user {
                        UserRef::Id(id) => Some(id),
                        UserRef::Key(_) => None,
                    })
                    .collect();
                let mut list: Vec<UserRef> = baseline
                    .map(|b| {
                        b.members
                            .iter()
                            .filter(|m| !removed.contains(m))
                            .map(|m| UserRef::Id(m.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                list.extend(adds.iter().map(|u| u.user.clone()));
                changes.extend(adds.iter().chain(&removes).map(|u| u.change));
                list
            });
            changes.sort_unstable();
            patches.push(GroupPatch {
                group: id,
                description,
                permissions,
                members,
                changes,
            });
        }
        chunks(patches, self.limits.groups_per_call)
            .map(|groups| Operation::PatchGroups { groups })
            .collect()
    }
}

fn new_user(change: &Change) -> NewUser {
    let text = |field| change.after(field).map(ToOwned::to_owned);
    NewUser {
        key: match &change.user {
            Some(UserRef::Key(key)) => key.clone(),
            _ => UserKey::new(&change.key),
        },
        username: text("username").unwrap_or_else(|| change.key.clone()),
        display_name: text("displayName"),
        employee_id: text("employeeId"),
        email: text("email"),
        account_enabled: change.after("accountEnabled").map(|v| v == "true"),
        change: change.id,
    }
}

fn user_update(change: &Change) -> UserUpdate {
    let text = |field| change.after(field).map(ToOwned::to_owned);
    UserUpdate {
        user: match &change.user {
            Some(UserRef::Id(id)) => id.clone(),
            _ => UserId::default(),
        },
        username: text("username"),
        display_name: text("displayName"),
        employee_id: text("employeeId"),
        email: text("email"),
        account_enabled: change.after("accountEnabled").map(|v| v == "true"),
        change: change.id,
    }
}

/// Consecutive chunks of at most `size` items.
fn chunks<T>(items: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let size = size.max(1);
    let mut rest = items;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let tail = rest.split_off(rest.len().min(size));
        Some(std::mem::replace(&mut rest, tail))
    })
}

/// McNaughton's wrap-around: entries split into slots of at most `per_slot` items, slot `i` to
/// call `i mod calls`, with `calls = max(longest entry's slots, ⌈slots / per_call⌉)`. An
/// entry's slots land in distinct calls; no call holds more than `per_call` slots.
fn wrap_batches<K: Clone, T>(
    entries: Vec<(K, Vec<T>)>,
    per_slot: usize,
    per_call: usize,
) -> Vec<Vec<(K, Vec<T>)>> {
    let mut slots = Vec::new();
    let mut longest = 0;
    for (key, items) in entries {
        let before = slots.len();
        slots.extend(chunks(items, per_slot).map(|chunk| (key.clone(), chunk)));
        longest = longest.max(slots.len() - before);
    }
    if slots.is_empty() {
        return Vec::new();
    }
    let calls = longest.max(slots.len().div_ceil(per_call.max(1)));
    let mut out: Vec<Vec<(K, Vec<T>)>> = (0..calls).map(|_| Vec::new()).collect();
    for (index, slot) in slots.into_iter().enumerate() {
        out[index % calls].push(slot);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_batches_keeps_an_entrys_slots_in_distinct_calls() {
        let entries = vec![
            ("a", vec![1, 2, 3, 4, 5]),
            ("b", vec![6]),
            ("c", vec![7, 8]),
        ];
        let calls = wrap_batches(entries, 2, 2);
        assert_eq!(calls.len(), 3);
        for call in &calls {
            assert!(call.len() <= 2);
            let mut keys: Vec<_> = call.iter().map(|(k, _)| *k).collect();
            keys.dedup();
            assert_eq!(keys.len(), call.len());
        }
    }

    #[test]
    fn chunks_split_evenly_from_the_front() {
        let parts: Vec<Vec<u8>> = chunks(vec![1, 2, 3, 4, 5], 2).collect();
        assert_eq!(parts, vec![vec![1, 2], vec![3, 4], vec![5]]);
    }
}
