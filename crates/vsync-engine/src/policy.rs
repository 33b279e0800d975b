//! What a run may touch: the [`Policy`] (mode, deprovisioning, scope, protection) and its
//! [`GuardSettings`].

use serde::{Deserialize, Serialize};
use vsync_model::{TenantCode, UserKey};

/// How far a run may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    /// Create, update, and deprovision what is in scope but absent from the file; remove
    /// relations the file does not list.
    #[default]
    Mirror,
    /// Create and update, add relations; never remove, disable or delete anything.
    Upsert,
    /// Update existing users and add relations to them; never create, never remove.
    UpdateOnly,
}

impl Mode {
    /// Whether the mode creates users and groups.
    pub fn creates(self) -> bool {
        matches!(self, Self::Mirror | Self::Upsert)
    }

    /// Whether the mode removes anything (relations, users, groups).
    pub fn removes(self) -> bool {
        matches!(self, Self::Mirror)
    }
}

/// What happens, in [`Mode::Mirror`], to an in-scope user absent from the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Deprovision {
    /// Set `accountEnabled` to false (reversible).
    #[default]
    Disable,
    /// Delete the user.
    Delete,
    /// Disable first; delete only users that have been disabled for at least this many days
    /// (by [`LiveUser::disabled_since_ms`](vsync_model::LiveUser::disabled_since_ms)).
    DeleteAfterDisabledDays(u32),
}

/// One guard: the run may make at most `min(max_count, max_percent % of the base)` changes of
/// the guarded class, unless `override` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Guard {
    /// The most changes of the class a run may make.
    pub max_count: usize,
    /// The most changes of the class, in percent of the base (in-scope users, memberships,
    /// assignments or groups).
    pub max_percent: u32,
    /// Plan the changes even over the thresholds (recorded in the outcome).
    #[serde(default)]
    pub r#override: bool,
}

impl Default for Guard {
    /// 500 or 20 %, whichever is smaller: the defaults of the trusted provisioning systems.
    fn default() -> Self {
        Self {
            max_count: 500,
            max_percent: 20,
            r#override: false,
        }
    }
}

impl Guard {
    /// A guard that never trips (for tests and explicit `--force` runs).
    pub fn overridden() -> Self {
        Self {
            r#override: true,
            ..Self::default()
        }
    }

    /// The most changes allowed against `base`.
    pub fn allowed(&self, base: usize) -> usize {
        let by_percent = (base as u128 * u128::from(self.max_percent) / 100) as usize;
        self.max_count.min(by_percent)
    }
}

/// Thresholds for the destructive change classes and the source-file sanity checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GuardSettings {
    /// User deletions, against the in-scope live users.
    pub deletes: Guard,
    /// User disables (by deprovisioning or by `accountEnabled = false` in the file), against
    /// the in-scope live users.
    pub disables: Guard,
    /// Membership removals, against the in-scope users' manual memberships.
    pub membership_removals: Guard,
    /// Permission and profile revocations (users' and groups'), against the current
    /// assignments of in-scope users and of the file's groups.
    pub permission_revocations: Guard,
    /// Group deletions, against the live groups.
    pub group_deletes: Guard,
    /// An input with no user rows that would take anything away plans no change at all.
    pub refuse_removals_on_empty_input: bool,
    /// An input whose user rows fall more than this many percent below the in-scope live
    /// users, and that would take anything away, plans no change at all (a cut file's last
    /// rows are as suspect as its missing ones); `None` disables the check.
    pub max_row_drop_percent: Option<u32>,
    /// Plan the changes even when a source-file check trips (recorded in the outcome).
    #[serde(default)]
    pub override_source_checks: bool,
}

impl Default for GuardSettings {
    fn default() -> Self {
        Self {
            deletes: Guard::default(),
            disables: Guard::default(),
            membership_removals: Guard::default(),
            permission_revocations: Guard::default(),
            group_deletes: Guard::default(),
            refuse_removals_on_empty_input: true,
            max_row_drop_percent: Some(20),
            override_source_checks: false,
        }
    }
}

impl GuardSettings {
    /// Every guard overridden and both source-file checks off.
    pub fn off() -> Self {
        Self {
            deletes: Guard::overridden(),
            disables: Guard::overridden(),
            membership_removals: Guard::overridden(),
            permission_revocations: Guard::overridden(),
            group_deletes: Guard::overridden(),
            refuse_removals_on_empty_input: false,
            max_row_drop_percent: None,
            override_source_checks: true,
        }
    }
}

/// What a run may touch. The default is the safest: mirror, disable, every guard on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// How far the run may go.
    pub mode: Mode,
    /// What happens to in-scope users absent from the file (mirror mode only).
    pub deprovision: Deprovision,
    /// The current time as Unix milliseconds, for [`Deprovision::DeleteAfterDisabledDays`].
    pub now_ms: i64,
    /// The account vsync signs in with: always protected, whatever the file says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_in_as: Option<UserKey>,
    /// Glob patterns on usernames, case-insensitive (`*@example.com`); empty means every user.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
    /// The tenants the run may change; empty means any. A live state from another tenant has
    /// no user in scope.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tenants: Vec<TenantCode>,
    /// Glob patterns on usernames, case-insensitive, of users never changed or removed
    /// (administrators, service accounts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub protected: Vec<String>,
    /// Whether groups are fully managed: in mirror mode, live groups the file neither declares
    /// nor names are deleted, and memberships of every group are made what the file says.
    /// When false (the default), groups the file does not mention are left alone.
    #[serde(default)]
    pub manage_groups: bool,
    /// The guards.
    #[serde(default)]
    pub guards: GuardSettings,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_guard_allows_the_smaller_of_count_and_percent() {
        let guard = Guard::default();
        assert_eq!(guard.allowed(100), 20);
        assert_eq!(guard.allowed(1_000_000), 500);
        assert_eq!(guard.allowed(0), 0);
    }

    #[test]
    fn default_policy_is_the_safest() {
        let policy = Policy::default();
        assert_eq!(policy.mode, Mode::Mirror);
        assert_eq!(policy.deprovision, Deprovision::Disable);
        assert!(!policy.manage_groups);
        assert!(policy.guards.refuse_removals_on_empty_input);
        assert!(!policy.guards.deletes.r#override);
    }

    #[test]
    fn guard_serialises_override_under_its_plain_name() {
        let json = serde_json::to_string(&Guard::overridden()).unwrap();
        assert_eq!(json, r#"{"maxCount":500,"maxPercent":20,"override":true}"#);
    }
}
