//! Query strings of the operations, as serde structs for axum's `Query`
//! and reqwest's `.query(..)`.
//!
//! Booleans travel as `true`/`false`; `correlationIds` is one
//! comma-separated string, as in the spec (see [`join_correlation_ids`]).

use serde::{Deserialize, Serialize};

use crate::{ProjectStage, UserGroupDetail};

/// Only a `tenantCode`: `POST /v1/admin/permissions`, `POST`, `PUT` and
/// `DELETE` on `/v1/admin/users[/{userId}]`, the v2 users calls and the
/// XLSX reports.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantCodeQuery {
    /// The tenant to act on, for administrating tenants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
}

/// `GET /v1/admin/permissions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionsQuery {
    /// The tenant to retrieve the permissions from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// If `true`, returns the permission's details. Default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_details: Option<bool>,
    /// If `true`, returns validity statuses. Default is `false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_details_with_status: Option<bool>,
    /// Comma-separated correlation IDs that limit the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_ids: Option<String>,
}

/// `GET /v1/admin/permissions/{permissionId}/users`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionUsersQuery {
    /// If `true`, also returns users who hold the permission through a user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_user_groups: Option<bool>,
    /// The tenant to retrieve the list of users from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_filter: Option<String>,
    /// The number of results to return, at most
    /// [`MAX_PERMISSION_USERS_PAGE`](crate::limits::MAX_PERMISSION_USERS_PAGE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index to start retrieving results from, starting at 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// `GET /v1/admin/user-groups`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupsV1Query {
    /// The tenant to act on, for administrating tenants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The number of results to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index to start retrieving results from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// `GET /v1/admin/user-groups/{userGroupId}/users`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupUsersQuery {
    /// The tenant to retrieve the list of users from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_filter: Option<String>,
    /// The number of results to return, at most
    /// [`MAX_GROUP_USERS_PAGE`](crate::limits::MAX_GROUP_USERS_PAGE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index to start retrieving results from, starting at 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// `GET /v1/admin/users` (all fields) and `GET /v1/admin/users/{userId}`
/// (without `limit` and `start`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersV1Query {
    /// The tenant to act on, for administrating tenants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// If `true`, returns each user's assigned profiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_profiles: Option<bool>,
    /// If `true`, returns each user's assigned permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_permissions: Option<bool>,
    /// If `true`, returns each user's assigned user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_user_groups: Option<bool>,
    /// The number of results to return, at most
    /// [`MAX_USERS_PAGE`](crate::limits::MAX_USERS_PAGE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index to start retrieving results from, starting at 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// `GET /v2/admin/user-groups` (all fields) and
/// `GET /v2/admin/user-groups/{userGroupId}` (only `with`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupsV2Query {
    /// The amount of detail to return; omit for basic information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<UserGroupDetail>,
    /// The number of results to return, at most
    /// [`MAX_GROUPS_PAGE_V2`](crate::limits::MAX_GROUPS_PAGE_V2), default
    /// [`DEFAULT_GROUPS_PAGE_V2`](crate::limits::DEFAULT_GROUPS_PAGE_V2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index to start retrieving results from, starting at 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    /// A case-sensitive glob (`*`, `?`) on display names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name_filter: Option<String>,
    /// Comma-separated correlation IDs that limit the response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_ids: Option<String>,
}

/// `GET /v1/admin/users/reports/application-logs`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApplicationLogsQuery {
    /// Inclusive start, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// Exclusive end, in milliseconds since the Unix epoch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// The tenant to act on, for administrating tenants.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
}

/// `GET /v1/admin/projects`.
///
/// The spec lets `with` repeat (`with=Open&with=Approval`); this struct
/// sends one stage, which is what listing the open drafts needs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectsQuery {
    /// The stage of projects to list; open projects when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub with: Option<ProjectStage>,
    /// Projects per stage, at most
    /// [`MAX_PROJECTS_PER_STAGE`](crate::limits::MAX_PROJECTS_PER_STAGE).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

/// `GET /v1/admin/production-versions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductionVersionsQuery {
    /// The most versions to return; 400 when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index of the first version to return (0 is the latest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// `GET /v2/admin/tenants`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantsV2Query {
    /// The most tenants to return, at most
    /// [`MAX_TENANTS_PAGE`](crate::limits::MAX_TENANTS_PAGE), or
    /// [`MAX_TENANTS_PAGE_HEAVY`](crate::limits::MAX_TENANTS_PAGE_HEAVY)
    /// without a `mask` or with a heavy field in it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index of the first tenant to return.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    /// Comma-separated fields to include; every field when omitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<String>,
    /// Only tenants with this data profile (`Regular`, `Integration`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_profile: Option<String>,
    /// Comma-separated tenant codes, all full or all short.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_codes: Option<String>,
}

/// Joins correlation IDs into the comma-separated form of the
/// `correlationIds` query parameter.
pub fn join_correlation_ids<I, S>(ids: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut out = String::new();
    for id in ids {
        if !out.is_empty() {
            out.push(',');
        }
        out.push_str(id.as_ref());
    }
    out
}

/// Splits a `correlationIds` query parameter; empty entries are dropped.
pub fn split_correlation_ids(value: &str) -> impl Iterator<Item = &str> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correlation_ids_join_and_split() {
        let joined = join_correlation_ids(["a1b", "c-2", "d_3"]);
        assert_eq!(joined, "a1b,c-2,d_3");
        let back: Vec<_> = split_correlation_ids(&joined).collect();
        assert_eq!(back, ["a1b", "c-2", "d_3"]);
        assert_eq!(split_correlation_ids(" ,x ,").collect::<Vec<_>>(), ["x"]);
    }
}
