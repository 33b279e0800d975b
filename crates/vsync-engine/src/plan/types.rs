//! The plan's types and their serde form: phases of calls, each a [`CallBody`] whose items name
//! the changes they realise.

use std::fmt;

use serde::{Deserialize, Serialize};
use vsync_api::paths::Operation;
use vsync_model::{PermissionId, ProfileId, UserGroupId, UserId, UserKey};

use crate::change::{Change, ChangeId, Direction, GroupRef, GuardOutcome, Skip, UserRef};
use crate::limits::BatchLimits;

/// The version of the plan format; a plan of another version is not applied.
pub const PLAN_VERSION: u32 = 2;

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

impl PhaseKind {
    /// The first phase of the stage this phase runs in. Stages run one after another; the
    /// phases of one stage run together, their calls sharing the executor's concurrency.
    /// Every phase is a stage of its own but [`PatchGroups`](PhaseKind::PatchGroups), which
    /// runs with [`CreateGroups`](PhaseKind::CreateGroups): one patches groups that exist,
    /// the other creates new ones, both after the users they list exist, and neither needs
    /// the other's answer.
    pub fn stage(self) -> PhaseKind {
        match self {
            PhaseKind::PatchGroups => PhaseKind::CreateGroups,
            other => other,
        }
    }
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

/// One item of a list, with the change it realises.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Item<T> {
    /// The user, group or permission.
    pub value: T,
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
    pub permissions: Vec<Item<PermissionId>>,
    /// `users.manuallyIncludedIds`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Item<UserRef>>,
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

/// One entry of a relation call: a group, permission or profile, and the items related to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Entry<K, T> {
    /// What the items are related to.
    pub target: K,
    /// The related items, within the call's per-entry limit.
    pub items: Vec<Item<T>>,
}

/// Which relation a relation call changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Relation {
    /// Users in groups (`/v1/admin/user-groups/users`).
    Membership,
    /// Permissions of users (`/v1/admin/permissions/users`).
    UserPermission,
    /// Permissions of groups (`/v1/admin/user-groups/permissions`).
    GroupPermission,
    /// A profile's users (`/v1/admin/profiles/{profileId}/assign` and `/remove`).
    Profile,
}

/// The entries of a relation call, typed by relation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "relation", content = "entries")]
pub enum RelationEntries {
    /// Per group, its users.
    Membership(Vec<Entry<GroupRef, UserRef>>),
    /// Per permission, its users.
    UserPermission(Vec<Entry<PermissionId, UserRef>>),
    /// Per group, its permissions.
    GroupPermission(Vec<Entry<UserGroupId, PermissionId>>),
    /// One profile and its users (the endpoint takes one profile per call).
    Profile(Vec<Entry<ProfileId, UserRef>>),
}

/// Calls `$f` on the entries of a [`RelationEntries`], whatever their relation, and wraps a
/// result of the same shape back.
macro_rules! each_relation {
    ($entries:expr, |$e:ident| $body:expr) => {
        match $entries {
            RelationEntries::Membership($e) => $body,
            RelationEntries::UserPermission($e) => $body,
            RelationEntries::GroupPermission($e) => $body,
            RelationEntries::Profile($e) => $body,
        }
    };
}

impl RelationEntries {
    /// The relation.
    pub fn relation(&self) -> Relation {
        match self {
            Self::Membership(_) => Relation::Membership,
            Self::UserPermission(_) => Relation::UserPermission,
            Self::GroupPermission(_) => Relation::GroupPermission,
            Self::Profile(_) => Relation::Profile,
        }
    }

    /// Every change the entries realise, in order.
    pub fn change_ids(&self) -> Vec<ChangeId> {
        each_relation!(self, |entries| entries
            .iter()
            .flat_map(|e| e.items.iter().map(|i| i.change))
            .collect())
    }

    /// Whether there is no entry.
    pub fn is_empty(&self) -> bool {
        each_relation!(self, |entries| entries.is_empty())
    }

    /// Keeps only the items whose change `keep` accepts, and the entries left with items.
    pub fn retain(&mut self, keep: &dyn Fn(ChangeId) -> bool) {
        each_relation!(self, |entries| {
            for entry in entries.iter_mut() {
                entry.items.retain(|i| keep(i.change));
            }
            entries.retain(|e| !e.items.is_empty());
        });
    }

    /// The entries in two halves: the entries when there are two or more, else the one
    /// entry's items. `None` when there is one item.
    pub fn halves(&self) -> Option<(Self, Self)> {
        type Halves<K, T> = (Vec<Entry<K, T>>, Vec<Entry<K, T>>);
        fn split<K: Clone, T: Clone>(entries: &[Entry<K, T>]) -> Option<Halves<K, T>> {
            if entries.len() >= 2 {
                let mid = entries.len() / 2;
                return Some((entries[..mid].to_vec(), entries[mid..].to_vec()));
            }
            let entry = entries.first()?;
            if entry.items.len() < 2 {
                return None;
            }
            let mid = entry.items.len() / 2;
            let half = |items: &[Item<T>]| Entry {
                target: entry.target.clone(),
                items: items.to_vec(),
            };
            Some((
                vec![half(&entry.items[..mid])],
                vec![half(&entry.items[mid..])],
            ))
        }
        Some(match self {
            Self::Membership(e) => {
                let (a, b) = split(e)?;
                (Self::Membership(a), Self::Membership(b))
            }
            Self::UserPermission(e) => {
                let (a, b) = split(e)?;
                (Self::UserPermission(a), Self::UserPermission(b))
            }
            Self::GroupPermission(e) => {
                let (a, b) = split(e)?;
                (Self::GroupPermission(a), Self::GroupPermission(b))
            }
            Self::Profile(e) => {
                let (a, b) = split(e)?;
                (Self::Profile(a), Self::Profile(b))
            }
        })
    }
}

/// What one API call carries, in domain terms. Every item names the change it realises, so
/// per-item results map back to changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "op")]
pub enum CallBody {
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
        users: Vec<Item<UserId>>,
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
        groups: Vec<Item<UserGroupId>>,
    },
    /// A v1 relation call: memberships, user or group permissions, or a profile's users,
    /// added (`PUT`) or removed (`DELETE`).
    Relate {
        /// Added or removed.
        direction: Direction,
        /// What is related, per entry.
        #[serde(flatten)]
        entries: RelationEntries,
    },
}

impl CallBody {
    /// The API operation the call is.
    pub fn api_operation(&self) -> Operation {
        match self {
            Self::CreateUsers { .. } => Operation::AddUsers,
            Self::UpdateUsers { .. } => Operation::UpdateUsers,
            Self::DeleteUsers { .. } => Operation::DeleteUsers,
            Self::CreateGroups { .. } => Operation::CreateUserGroups,
            Self::PatchGroups { .. } => Operation::PatchUserGroups,
            Self::DeleteGroups { .. } => Operation::DeleteUserGroups,
            Self::Relate { direction, entries } => match (entries.relation(), direction) {
                (Relation::Membership, Direction::Add) => Operation::AddUsersToUserGroups,
                (Relation::Membership, Direction::Remove) => Operation::RemoveUsersFromUserGroups,
                (Relation::UserPermission, Direction::Add) => Operation::AssignPermissionsToUsers,
                (Relation::UserPermission, Direction::Remove) => {
                    Operation::RemovePermissionsFromUsers
                }
                (Relation::GroupPermission, Direction::Add) => {
                    Operation::AssignPermissionsToUserGroups
                }
                (Relation::GroupPermission, Direction::Remove) => {
                    Operation::RemovePermissionsFromUserGroups
                }
                (Relation::Profile, Direction::Add) => Operation::AssignProfile,
                (Relation::Profile, Direction::Remove) => Operation::RemoveProfile,
            },
        }
    }

    /// The HTTP method and path template.
    pub fn endpoint(&self) -> (&'static str, &'static str) {
        let operation = self.api_operation();
        (operation.method(), operation.path_template())
    }

    /// Every change the call realises, in payload order.
    pub fn change_ids(&self) -> Vec<ChangeId> {
        fn items<T>(items: &[Item<T>]) -> Vec<ChangeId> {
            items.iter().map(|i| i.change).collect()
        }
        match self {
            Self::CreateUsers { users } => users.iter().map(|u| u.change).collect(),
            Self::UpdateUsers { users } => users.iter().map(|u| u.change).collect(),
            Self::DeleteUsers { users } => items(users),
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
            Self::DeleteGroups { groups } => items(groups),
            Self::Relate { entries, .. } => entries.change_ids(),
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
    /// What the call carries.
    pub body: CallBody,
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
    pub limits: BatchLimits,
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
