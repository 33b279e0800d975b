//! [`BatchLimits`]: how much one API call may carry.

use serde::{Deserialize, Serialize};
use vsync_api::limits;

/// How much one API call may carry. [`BatchLimits::default`] is what the tool uses; tests use
/// small limits to exercise batching.
///
/// The documented limits come from [`vsync_api::limits`] (the spec's
/// `users-api.openapi.yaml`). Visier documents no limit for the others; the defaults are
/// self-imposed caps that keep request bodies modest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BatchLimits {
    /// Users per v2 bulk create, update or delete (`POST/PUT/DELETE /v2/admin/users`).
    /// Documented: [`limits::MAX_USERS_PER_BULK_CALL`].
    pub users_per_call: usize,
    /// User IDs per group in one v1 membership call (`PUT/DELETE /v1/admin/user-groups/users`).
    /// Documented: [`limits::MAX_USER_IDS_PER_GROUP_CALL`].
    pub user_ids_per_group_per_call: usize,
    /// Groups per call: v2 create, PATCH and delete, and the v1 membership and group
    /// permission calls, which all take a list of groups. Self-imposed (Visier documents
    /// none): 100.
    pub groups_per_call: usize,
    /// Members listed for one group in a v2 create or PATCH (`users.manuallyIncludedIds`).
    /// Self-imposed: [`limits::MAX_USERS_PER_GROUP`], the documented number of users per group
    /// in a project.
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

/// The cap for the lists Visier documents no limit for.
const SELF_IMPOSED: usize = 100;

impl Default for BatchLimits {
    fn default() -> Self {
        Self {
            users_per_call: limits::MAX_USERS_PER_BULK_CALL,
            user_ids_per_group_per_call: limits::MAX_USER_IDS_PER_GROUP_CALL,
            groups_per_call: SELF_IMPOSED,
            members_per_group: limits::MAX_USERS_PER_GROUP,
            user_ids_per_permission_per_call: SELF_IMPOSED,
            permissions_per_call: SELF_IMPOSED,
            user_ids_per_profile_per_call: SELF_IMPOSED,
        }
    }
}

impl BatchLimits {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_limits_are_the_documented_ones() {
        let limits = BatchLimits::default();
        assert_eq!(limits.users_per_call, 100);
        assert_eq!(limits.user_ids_per_group_per_call, 100);
        assert_eq!(limits.members_per_group, 10_000);
    }
}
