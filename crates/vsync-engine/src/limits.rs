//! [`Limits`]: how much one API call may carry.

use serde::{Deserialize, Serialize};

/// How much one API call may carry. [`Limits::default`] is what the tool uses; tests use small
/// limits to exercise batching.
///
/// The documented limits come from the spec (`users-api.openapi.yaml`). Visier documents no
/// limit for the others; the defaults are self-imposed caps that keep request bodies modest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Users per v2 bulk create, update or delete (`POST/PUT/DELETE /v2/admin/users`).
    /// Documented: 100.
    pub users_per_call: usize,
    /// User IDs per group in one v1 membership call (`PUT/DELETE /v1/admin/user-groups/users`).
    /// Documented: 100.
    pub user_ids_per_group_per_call: usize,
    /// Groups per call: v2 create, PATCH and delete, and the v1 membership and group
    /// permission calls, which all take a list of groups. Self-imposed (Visier documents
    /// none): 100.
    pub groups_per_call: usize,
    /// Members listed for one group in a v2 create or PATCH (`users.manuallyIncludedIds`).
    /// Self-imposed: 10,000, the documented number of users per group in a project.
    pub members_per_group: usize,
    /// User IDs per permission in one v1 permission call (`PUT/DELETE
    /// /v1/admin/permissions/users`). Self-imposed (Visier documents none): 100.
    pub user_ids_per_permission_per_call: usize,
    /// Permissions in one v1 permission call. Self-imposed (Visier documents none): 100.
    pub permissions_per_call: usize,
    /// User IDs in one profile assign or remove call (one profile per call). Self-imposed
    /// (Visier documents none): 100.
    pub user_ids_per_profile_per_call: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            users_per_call: 100,
            user_ids_per_group_per_call: 100,
            groups_per_call: 100,
            members_per_group: 10_000,
            user_ids_per_permission_per_call: 100,
            permissions_per_call: 100,
            user_ids_per_profile_per_call: 100,
        }
    }
}

impl Limits {
    /// Every limit at least 1, so a misconfigured zero cannot make batching loop or divide by
    /// zero.
    pub(crate) fn sane(self) -> Self {
        Self {
            users_per_call: self.users_per_call.max(1),
            user_ids_per_group_per_call: self.user_ids_per_group_per_call.max(1),
            groups_per_call: self.groups_per_call.max(1),
            members_per_group: self.members_per_group,
            user_ids_per_permission_per_call: self.user_ids_per_permission_per_call.max(1),
            permissions_per_call: self.permissions_per_call.max(1),
            user_ids_per_profile_per_call: self.user_ids_per_profile_per_call.max(1),
        }
    }
}
