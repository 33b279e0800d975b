//! The live state: what the tenant holds, as fetched through the API.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::ids::{PermissionId, ProfileId, TenantCode, UserGroupId, UserId};
use crate::key::{NameKey, UserKey};

/// A user as the tenant holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveUser {
    /// Visier's ID of the user.
    pub id: UserId,
    /// The username, as Visier spells it.
    pub username: String,
    /// The display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The employee ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// The email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Whether the account is enabled.
    pub account_enabled: bool,
    /// The groups the user is assigned to.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub groups: BTreeSet<UserGroupId>,
    /// The permissions assigned to the user directly.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub permissions: BTreeSet<PermissionId>,
    /// The profiles assigned to the user.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub profiles: BTreeSet<ProfileId>,
    /// When the account was last seen disabled by an earlier run, as Unix milliseconds; used by
    /// the two-phase delete. Visier does not report it: vsync records it in its journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disabled_since_ms: Option<i64>,
}

impl LiveUser {
    /// The key the user is matched by.
    pub fn key(&self) -> UserKey {
        UserKey::new(&self.username)
    }
}

/// A user group as the tenant holds it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveGroup {
    /// Visier's ID of the group.
    pub id: UserGroupId,
    /// The display name.
    pub name: String,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The permissions the group grants.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub permissions: BTreeSet<PermissionId>,
    /// Membership is computed (all users, or a dynamic filter), not a manual list: vsync never
    /// changes such a group's members.
    #[serde(default)]
    pub dynamic: bool,
}

impl LiveGroup {
    /// The key the group is matched by.
    pub fn key(&self) -> NameKey {
        NameKey::new(&self.name)
    }
}

/// A permission of the tenant's catalog.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Permission {
    /// Visier's ID of the permission.
    pub id: PermissionId,
    /// The display name the input file uses.
    pub name: String,
    /// The description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A profile of the tenant's catalog. Profiles cannot be created through the API.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Profile {
    /// Visier's ID of the profile.
    pub id: ProfileId,
    /// The display name the input file uses.
    pub name: String,
}

/// Everything vsync reads from a tenant.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveState {
    /// The tenant the state was read from, when one was named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<TenantCode>,
    /// The users, in the API's order.
    pub users: Vec<LiveUser>,
    /// The user groups.
    pub groups: Vec<LiveGroup>,
    /// The permission catalog.
    pub permissions: Vec<Permission>,
    /// The profile catalog.
    pub profiles: Vec<Profile>,
}

/// Which lists a read of the tenant covers. The users are always read; everything else only
/// when the desired state needs it (see `vsync_engine::read_scope`). A [`LiveState`] read
/// with a narrower scope holds empty lists (and empty user relations) for what was not read,
/// so two states compare (and fingerprint) alike only when read with the same scope.
///
/// Deserialised without a field, a flag is `true`: a scope recorded before a list was
/// optional is the whole read it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ReadScope {
    /// Users' group memberships (`assignedUserGroups` on the users' pages).
    pub memberships: bool,
    /// Permissions assigned to users directly (`assignedPermissions`).
    pub user_permissions: bool,
    /// Users' profiles (`assignedProfiles`).
    pub user_profiles: bool,
    /// The user groups, with their details (description, permissions, whether dynamic).
    pub groups: bool,
    /// The permission catalog.
    pub permissions: bool,
    /// The profile catalog.
    pub profiles: bool,
}

impl ReadScope {
    /// Everything: the users with all their relations, the groups and both catalogs.
    pub const ALL: Self = Self {
        memberships: true,
        user_permissions: true,
        user_profiles: true,
        groups: true,
        permissions: true,
        profiles: true,
    };

    /// The user pages alone, without relations.
    pub const USERS: Self = Self {
        memberships: false,
        user_permissions: false,
        user_profiles: false,
        groups: false,
        permissions: false,
        profiles: false,
    };

    /// Both scopes' lists.
    #[must_use]
    pub fn union(self, other: Self) -> Self {
        Self {
            memberships: self.memberships || other.memberships,
            user_permissions: self.user_permissions || other.user_permissions,
            user_profiles: self.user_profiles || other.user_profiles,
            groups: self.groups || other.groups,
            permissions: self.permissions || other.permissions,
            profiles: self.profiles || other.profiles,
        }
    }

    /// Whether this scope reads everything `other` reads.
    pub fn covers(self, other: Self) -> bool {
        self.union(other) == self
    }

    /// The names of the lists read, for messages: `users, user groups`.
    pub fn lists(self) -> Vec<&'static str> {
        let mut out = vec!["users"];
        for (on, name) in [
            (self.groups, "user groups"),
            (self.permissions, "permissions"),
            (self.profiles, "profiles"),
        ] {
            if on {
                out.push(name);
            }
        }
        out
    }
}

impl Default for ReadScope {
    fn default() -> Self {
        Self::ALL
    }
}
