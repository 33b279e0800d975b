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
