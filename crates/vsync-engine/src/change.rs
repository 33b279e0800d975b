//! The [`ChangeSet`]: what differs between the file and the tenant, after policy and guards.

use std::fmt;

use serde::{Deserialize, Serialize};
use vsync_model::{PermissionId, ProfileId, SourceRef, UserGroupId, UserId, UserKey};

/// The number of a change within its change set (and the plan made from it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChangeId(pub u32);

impl fmt::Display for ChangeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "c{}", self.0)
    }
}

/// What a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Entity {
    /// A user's own fields (and its existence).
    User,
    /// A user group's definition (and its existence).
    Group,
    /// A user's manual membership of a group.
    Membership,
    /// A permission assigned to a user directly.
    UserPermission,
    /// A permission granted by a group.
    GroupPermission,
    /// A profile assigned to a user.
    Profile,
}

/// What a change does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// A new user or group.
    Create,
    /// Changed fields of a user or group.
    Update,
    /// A user whose username changes (matched by employee ID); may change other fields too.
    Rename,
    /// A user absent from the file, deprovisioned by `accountEnabled = false`.
    Disable,
    /// A user or group removed.
    Delete,
    /// A membership added.
    Add,
    /// A membership removed.
    Remove,
    /// A permission or profile assigned.
    Assign,
    /// A permission or profile revoked.
    Revoke,
}

impl Action {
    /// Whether the action takes something away (the classes guards protect).
    pub fn is_removal(self) -> bool {
        matches!(
            self,
            Self::Disable | Self::Delete | Self::Remove | Self::Revoke
        )
    }
}

/// A user as a plan refers to it: by ID when it exists, by key when this run creates it (the
/// executor fills in the ID the create returned).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UserRef {
    /// An existing user.
    Id(UserId),
    /// A user created in this run.
    Key(UserKey),
}

/// A user group as a plan refers to it: by ID when it exists, by display name when this run
/// creates it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GroupRef {
    /// An existing group.
    Id(UserGroupId),
    /// A group created in this run, by the display name it is created with.
    Name(String),
}

/// A field's value before and after a change. `before` is `None` when the tenant has no value
/// (or, for creates, no object yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Edit<T> {
    /// The live value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<T>,
    /// The value after the change.
    pub after: T,
}

impl<T> Edit<T> {
    /// A value the tenant does not have yet.
    pub fn new(after: T) -> Self {
        Self {
            before: None,
            after,
        }
    }

    /// A value that replaces `before`.
    pub fn replace(before: Option<T>, after: T) -> Self {
        Self { before, after }
    }
}

/// The fields of a user a change sets; `None` leaves a field alone. For creates every value
/// the file gives is set (`before` empty).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserFields {
    /// The username (creates, renames).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<Edit<String>>,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<Edit<String>>,
    /// The employee ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<Edit<String>>,
    /// The email.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<Edit<String>>,
    /// Whether the account is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<Edit<bool>>,
}

impl UserFields {
    /// Whether the change sets no field.
    pub fn is_empty(&self) -> bool {
        self.username.is_none()
            && self.display_name.is_none()
            && self.employee_id.is_none()
            && self.email.is_none()
            && self.account_enabled.is_none()
    }

    /// Whether the change turns an enabled account off.
    pub fn disables(&self) -> bool {
        self.account_enabled.as_ref().is_some_and(|e| !e.after)
    }
}

/// A field a change sets, named in reports as the API names it (its serde name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Field {
    /// A user's username.
    Username,
    /// A user's display name.
    DisplayName,
    /// A user's employee ID.
    EmployeeId,
    /// A user's email.
    Email,
    /// Whether a user's account is enabled.
    AccountEnabled,
    /// A group's description.
    Description,
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The API's name of the field, as the plan's JSON spells it.
        let name = serde_json::to_value(self).map_err(|_| fmt::Error)?;
        f.write_str(name.as_str().unwrap_or_default())
    }
}

/// One field of a change as text, for reports: booleans read `true` or `false`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldText {
    /// The field.
    pub field: Field,
    /// The live value.
    pub before: Option<String>,
    /// The value after the change.
    pub after: Option<String>,
}

impl FieldText {
    fn of<T: ToString>(field: Field, edit: Option<&Edit<T>>) -> Option<Self> {
        edit.map(|e| Self {
            field,
            before: e.before.as_ref().map(ToString::to_string),
            after: Some(e.after.to_string()),
        })
    }
}

/// Whether a relation is added (a membership added, a permission or profile assigned) or taken
/// away (removed, revoked).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Direction {
    /// Added or assigned.
    Add,
    /// Removed or revoked.
    Remove,
}

/// What a change does, with the typed values the plan needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "type")]
pub enum ChangeKind {
    /// A new user, referred to by key until the create returns its ID.
    CreateUser {
        /// The key later calls refer to the user by ([`UserRef::Key`]).
        user: UserKey,
        /// The values given; the username is always set.
        fields: UserFields,
    },
    /// Changed fields of an existing user; a rename when the username changes.
    UpdateUser {
        /// The user.
        user: UserId,
        /// The changed fields (never empty).
        fields: UserFields,
    },
    /// A user absent from the file, deprovisioned by `accountEnabled = false`.
    DisableUser {
        /// The user.
        user: UserId,
    },
    /// A user removed.
    DeleteUser {
        /// The user.
        user: UserId,
    },
    /// A new group, referred to by display name until the create returns its ID.
    CreateGroup {
        /// The display name it is created with.
        name: String,
        /// Its description, if the file gives one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
    /// A live group whose description changes.
    UpdateGroup {
        /// The group.
        group: UserGroupId,
        /// The description.
        description: Edit<String>,
    },
    /// A group removed.
    DeleteGroup {
        /// The group.
        group: UserGroupId,
    },
    /// A user's manual membership of a group, added or removed.
    Membership {
        /// The member.
        user: UserRef,
        /// The group.
        group: GroupRef,
        /// Added or removed.
        direction: Direction,
    },
    /// A permission assigned to a user directly, or revoked.
    UserPermission {
        /// The user.
        user: UserRef,
        /// The permission.
        permission: PermissionId,
        /// Assigned or revoked.
        direction: Direction,
    },
    /// A permission a group grants, assigned or revoked.
    GroupPermission {
        /// The group.
        group: GroupRef,
        /// The permission.
        permission: PermissionId,
        /// Assigned or revoked.
        direction: Direction,
    },
    /// A profile assigned to a user, or revoked.
    Profile {
        /// The user.
        user: UserRef,
        /// The profile.
        profile: ProfileId,
        /// Assigned or revoked.
        direction: Direction,
    },
}

/// One change, as readable as a report line and precise enough to plan from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    /// The change's number.
    pub id: ChangeId,
    /// The username (for users and user relations) or group name, as displayed.
    pub key: String,
    /// For relations: the group, permission or profile name, as displayed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The input row the change comes from; `None` for deprovisioning and deletions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    /// What the change does.
    pub kind: ChangeKind,
}

impl Change {
    /// What the change is about.
    pub fn entity(&self) -> Entity {
        match self.kind {
            ChangeKind::CreateUser { .. }
            | ChangeKind::UpdateUser { .. }
            | ChangeKind::DisableUser { .. }
            | ChangeKind::DeleteUser { .. } => Entity::User,
            ChangeKind::CreateGroup { .. }
            | ChangeKind::UpdateGroup { .. }
            | ChangeKind::DeleteGroup { .. } => Entity::Group,
            ChangeKind::Membership { .. } => Entity::Membership,
            ChangeKind::UserPermission { .. } => Entity::UserPermission,
            ChangeKind::GroupPermission { .. } => Entity::GroupPermission,
            ChangeKind::Profile { .. } => Entity::Profile,
        }
    }

    /// What the change does, in the report's words.
    pub fn action(&self) -> Action {
        match &self.kind {
            ChangeKind::CreateUser { .. } | ChangeKind::CreateGroup { .. } => Action::Create,
            ChangeKind::UpdateUser { fields, .. } if fields.username.is_some() => Action::Rename,
            ChangeKind::UpdateUser { .. } | ChangeKind::UpdateGroup { .. } => Action::Update,
            ChangeKind::DisableUser { .. } => Action::Disable,
            ChangeKind::DeleteUser { .. } | ChangeKind::DeleteGroup { .. } => Action::Delete,
            ChangeKind::Membership { direction, .. } => match direction {
                Direction::Add => Action::Add,
                Direction::Remove => Action::Remove,
            },
            ChangeKind::UserPermission { direction, .. }
            | ChangeKind::GroupPermission { direction, .. }
            | ChangeKind::Profile { direction, .. } => match direction {
                Direction::Add => Action::Assign,
                Direction::Remove => Action::Revoke,
            },
        }
    }

    /// The class of removals the change belongs to, as the guards count them: whatever its
    /// cause, a change that takes access away counts. A user update that sets
    /// `accountEnabled` to false is a disable as much as a deprovisioning is.
    pub fn guard_class(&self) -> Option<GuardKind> {
        match &self.kind {
            ChangeKind::DeleteUser { .. } => Some(GuardKind::Deletes),
            ChangeKind::DisableUser { .. } => Some(GuardKind::Disables),
            ChangeKind::UpdateUser { fields, .. } if fields.disables() => Some(GuardKind::Disables),
            ChangeKind::Membership {
                direction: Direction::Remove,
                ..
            } => Some(GuardKind::MembershipRemovals),
            ChangeKind::UserPermission {
                direction: Direction::Remove,
                ..
            }
            | ChangeKind::GroupPermission {
                direction: Direction::Remove,
                ..
            }
            | ChangeKind::Profile {
                direction: Direction::Remove,
                ..
            } => Some(GuardKind::PermissionRevocations),
            ChangeKind::DeleteGroup { .. } => Some(GuardKind::GroupDeletes),
            _ => None,
        }
    }

    /// Whether the change takes access away (it belongs to a class the guards count).
    pub fn takes_away(&self) -> bool {
        self.guard_class().is_some()
    }

    /// The user the change is about or relates, if any.
    pub fn user(&self) -> Option<UserRef> {
        match &self.kind {
            ChangeKind::CreateUser { user, .. } => Some(UserRef::Key(user.clone())),
            ChangeKind::UpdateUser { user, .. }
            | ChangeKind::DisableUser { user }
            | ChangeKind::DeleteUser { user } => Some(UserRef::Id(user.clone())),
            ChangeKind::Membership { user, .. }
            | ChangeKind::UserPermission { user, .. }
            | ChangeKind::Profile { user, .. } => Some(user.clone()),
            ChangeKind::CreateGroup { .. }
            | ChangeKind::UpdateGroup { .. }
            | ChangeKind::DeleteGroup { .. }
            | ChangeKind::GroupPermission { .. } => None,
        }
    }

    /// The fields the change sets, as text, in the order reports show them (creates: every
    /// value given; renames: the username first; a deprovisioning disable:
    /// `accountEnabled` from `true` to `false`).
    pub fn field_texts(&self) -> Vec<FieldText> {
        match &self.kind {
            ChangeKind::CreateUser { fields, .. } | ChangeKind::UpdateUser { fields, .. } => [
                FieldText::of(Field::Username, fields.username.as_ref()),
                FieldText::of(Field::DisplayName, fields.display_name.as_ref()),
                FieldText::of(Field::EmployeeId, fields.employee_id.as_ref()),
                FieldText::of(Field::Email, fields.email.as_ref()),
                FieldText::of(Field::AccountEnabled, fields.account_enabled.as_ref()),
            ]
            .into_iter()
            .flatten()
            .collect(),
            ChangeKind::DisableUser { .. } => FieldText::of(
                Field::AccountEnabled,
                Some(&Edit::replace(Some(true), false)),
            )
            .into_iter()
            .collect(),
            ChangeKind::CreateGroup { description, .. } => description
                .as_ref()
                .map(|d| FieldText {
                    field: Field::Description,
                    before: None,
                    after: Some(d.clone()),
                })
                .into_iter()
                .collect(),
            ChangeKind::UpdateGroup { description, .. } => {
                FieldText::of(Field::Description, Some(description))
                    .into_iter()
                    .collect()
            }
            _ => Vec::new(),
        }
    }

    /// The live group whose members or permissions the change reads or replaces: the group of
    /// a membership or group permission change, or a group whose description changes.
    pub fn live_group(&self) -> Option<&UserGroupId> {
        match &self.kind {
            ChangeKind::UpdateGroup { group, .. }
            | ChangeKind::Membership {
                group: GroupRef::Id(group),
                ..
            }
            | ChangeKind::GroupPermission {
                group: GroupRef::Id(group),
                ..
            } => Some(group),
            _ => None,
        }
    }
}

/// Why a row or a user was left alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum SkipReason {
    /// The username matches no scope pattern, or the tenant is not listed.
    OutOfScope,
    /// The user matches a protected pattern.
    Protected,
    /// The user is the account vsync signs in with.
    SignedInAccount,
    /// The group's members are computed (all users or a dynamic filter).
    DynamicGroup,
    /// The mode forbids the change (creates in update-only mode).
    ModeForbids,
    /// A two-phase delete is waiting for the user to have been disabled long enough.
    AwaitingDelete,
}

/// A row or a user the run leaves alone, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Skip {
    /// The username or group name.
    pub key: String,
    /// The related group, permission or profile, if the skip is about a relation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The input row, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
    /// Why.
    pub reason: SkipReason,
    /// The reason in words.
    pub message: String,
}

/// The class of changes a guard counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum GuardKind {
    /// User deletions.
    Deletes,
    /// User disables, by deprovisioning or by `accountEnabled = false` in the file.
    Disables,
    /// Membership removals.
    MembershipRemovals,
    /// Permission and profile revocations.
    PermissionRevocations,
    /// Group deletions.
    GroupDeletes,
    /// The input has no user rows.
    EmptyInput,
    /// The input has far fewer rows than the tenant has in-scope users.
    RowDrop,
}

/// What a guard found. Every guard with something to count is listed, tripped or not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardOutcome {
    /// The guard.
    pub guard: GuardKind,
    /// Changes of the class (for the source-file checks: the input's user rows).
    pub count: usize,
    /// What the percentage is taken of (for the source-file checks: in-scope live users).
    pub base: usize,
    /// The most allowed (for the source-file checks: the fewest rows accepted).
    pub limit: usize,
    /// Whether the threshold was crossed.
    pub tripped: bool,
    /// Whether the guard was overridden (a tripped, overridden guard withholds nothing).
    pub overridden: bool,
    /// How many changes the guard withheld from the plan.
    pub withheld: usize,
    /// The outcome in words.
    pub message: String,
    /// The first changes of the class, for the message and the report: the rows (or, for
    /// users absent from the file, the usernames) that caused the count.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<GuardCause>,
}

/// A change a guard counted, as a report names it: its input row, or the user or group when
/// no row asks for it (deprovisioning, deletions).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardCause {
    /// The username or group name.
    pub key: String,
    /// The related group, permission or profile, for a relation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The input row; `None` for a user or group absent from the file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceRef>,
}

impl fmt::Display for GuardCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match &self.target {
            Some(target) => format!("{} / {target}", self.key),
            None => self.key.clone(),
        };
        match &self.source {
            Some(source) => write!(f, "{source} ({what})"),
            None => write!(f, "{what} (not in the file)"),
        }
    }
}

impl GuardOutcome {
    /// Whether the guard withheld changes.
    pub fn blocked(&self) -> bool {
        self.tripped && !self.overridden
    }
}

/// A live group's manual members and permissions before the run, for the groups the change
/// set touches; a v2 PATCH replaces whole lists, so the plan needs them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupBaseline {
    /// The group.
    pub group: UserGroupId,
    /// Its display name.
    pub name: String,
    /// Its manual members (empty for dynamic groups).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<UserId>,
    /// The permissions it grants.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permissions: Vec<PermissionId>,
    /// Whether its members are computed (never changed by vsync).
    #[serde(default)]
    pub dynamic: bool,
}

/// Everything that differs, after policy and guards: what [`plan`](crate::plan) turns into API
/// calls.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeSet {
    /// [`fingerprint`](crate::fingerprint) of the live state the changes were computed from.
    pub fingerprint: String,
    /// The changes to make.
    pub changes: Vec<Change>,
    /// Changes a tripped guard withheld (not planned), for the report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub withheld: Vec<Change>,
    /// Rows and users left alone, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skips: Vec<Skip>,
    /// What each guard found.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guards: Vec<GuardOutcome>,
    /// Live groups the changes touch, as they were.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub baselines: Vec<GroupBaseline>,
}

impl ChangeSet {
    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether a guard withheld changes.
    pub fn blocked(&self) -> bool {
        self.guards.iter().any(GuardOutcome::blocked)
    }
}
