//! User groups: v1 membership and permission calls, v2 definitions.

use crate::{AssignmentStatus, SelectionFeature, TargetProjectForTenantsListDto};
use serde::{Deserialize, Serialize};

/// A list of IDs wrapped in an object: `{"ids": [...]}`.
///
/// Schema: `admin.ElementIDsDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElementIdsDto {
    /// The unique identifiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids: Option<Vec<String>>,
}

impl ElementIdsDto {
    /// Wraps `ids`; an empty iterator gives `{"ids": []}`, which is not the
    /// same as leaving the field out.
    pub fn new<I, S>(ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            ids: Some(ids.into_iter().map(Into::into).collect()),
        }
    }

    /// The IDs, or an empty slice when the field was left out.
    pub fn as_slice(&self) -> &[String] {
        self.ids.as_deref().unwrap_or_default()
    }
}

impl From<Vec<String>> for ElementIdsDto {
    fn from(ids: Vec<String>) -> Self {
        Self { ids: Some(ids) }
    }
}

/// An entry of [`UserGroupGetApiResponseDto::permissions`](crate::UserGroupGetApiResponseDto::permissions).
///
/// Schema: `admin.PermissionResponseDTO`.
///
/// That field: a list of objects representing the user's permissions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionResponseDto {
    /// The unique identifier associated with the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_id: Option<String>,
    /// An identifiable permission name to display in Visier, such as "Diversity Access".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// The response body (200) of `PUT /v1/admin/user-groups/permissions` and response body (200) of `DELETE /v1/admin/user-groups/permissions`.
///
/// Schema: `admin.PermissionsToUserGroupForTenantDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionsToUserGroupForTenantDto {
    /// The unique identifier associated with the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The state of the permission assignment or removal. Valid values are Succeed or Failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AssignmentStatus>,
    /// A detailed description of the request outcome, if available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A list of objects representing user groups and the permissions to assign to or remove from them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_groups: Option<Vec<UserGroupGetApiResponseDto>>,
}

/// An entry of [`PermissionsToUserGroupsRequestDto::user_groups`](crate::PermissionsToUserGroupsRequestDto::user_groups).
///
/// Schema: `admin.PermissionsToUserGroupRequestDTO`.
///
/// That field: a list of objects representing the user groups and permissions to assign or remove.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionsToUserGroupRequestDto {
    /// The unique identifier associated with the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// A list of strings representing the unique permission IDs to assign.
    #[serde(
        rename = "permissionsIds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub permissions_ids: Option<Vec<String>>,
}

/// The request body of `PUT /v1/admin/user-groups/permissions` and request body of `DELETE /v1/admin/user-groups/permissions`.
///
/// Schema: `admin.PermissionsToUserGroupsRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionsToUserGroupsRequestDto {
    /// A list of objects representing the user groups and permissions to assign or remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_groups: Option<Vec<PermissionsToUserGroupRequestDto>>,
}

/// The response body (200) of `PUT /v1/admin/user-groups/users` and response body (200) of `DELETE /v1/admin/user-groups/users`.
///
/// Schema: `admin.SecurityAssignmentResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityAssignmentResponseDto {
    /// A list of objects representing the tenants and users that were assigned to or removed from user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenants: Option<Vec<TenantAssignmentsDto>>,
}

/// An entry of [`UserGroupsUsersForTenantDto::users`](crate::UserGroupsUsersForTenantDto::users).
///
/// Schema: `admin.SimpleUserDTO`.
///
/// That field: a list of objects representing the users in the user group.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimpleUserDto {
    /// The unique identifier associated with the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's username. This is typically the user's email, such as john@visier.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// An entry of [`SecurityAssignmentResponseDto::tenants`](crate::SecurityAssignmentResponseDto::tenants).
///
/// Schema: `admin.TenantAssignmentsDTO`.
///
/// That field: a list of objects representing the tenants and users that were assigned to or removed from user groups.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TenantAssignmentsDto {
    /// The unique identifier associated with the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The state of the user group assignment. Valid values are Succeed or Failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AssignmentStatus>,
    /// A detailed description of the request outcome, if available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A list of objects representing the user group and user assignments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignments: Option<Vec<UserSecurityAssignmentsDto>>,
    /// The ID of the project that the change was made in, if applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// A user group definition: name, description, permissions, members and visibility.
///
/// Schema: `admin.UserGroupChangeDefinitionDTO`. Used as:
/// - the response body (200) of `GET /v2/admin/user-groups/{userGroupId}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupChangeDefinitionDto {
    /// The unique identifier of the user group. Omit if creating a new user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// An identifiable user group name to display in Visier, such as "Leadership User Group".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A detailed description of the population and purpose of the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The unique identifiers of permissions assigned to members of this user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_ids: Option<ElementIdsDto>,
    /// The users assigned to the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<UserGroupChangeUsersDto>,
    /// The code of the tenant to which the user group belongs or should be created in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The project ID in which to update or create the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The features in which your users can see and select this user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_for_selection: Option<VisibleForSelectionDto>,
    /// An optional identifier to associate bulk request fields with their corresponding response fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// An entry of [`UserGroupChangeFilterDto::dimension_filters`](crate::UserGroupChangeFilterDto::dimension_filters).
///
/// Schema: `admin.UserGroupChangeDimensionFilterDTO`.
///
/// That field: the dimensions in the dynamic filter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupChangeDimensionFilterDto {
    /// The object name of the dimension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension_id: Option<String>,
    /// A qualifying path if the dimension is from an analytic object that references Employee.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_reference_path: Option<ElementIdsDto>,
    /// The dimension members to select in the dynamic filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_selections: Option<Vec<UserGroupChangeMemberSelectionDto>>,
}

/// The user groups that were not successfully changed (created, updated, patched, or reverted): an entry of [`UserGroupChangeResponseDto::failures`](crate::UserGroupChangeResponseDto::failures).
///
/// Schema: `admin.UserGroupChangeFailureDTO`.
///
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupChangeFailureDto {
    /// The display name of the user group that couldn't be changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The error message containing the cause of the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The root cause identifier to provide to Visier Technical Support if you require further troubleshooting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rci: Option<String>,
    /// The code of the tenant in which the user group couldn't be changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The unique identifier of the project in which the user group couldn't be changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// The unique identifier of the user group that couldn't be changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// An identifier to associate the matching request field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// An entry of [`UserGroupFiltersDto::filters`](crate::UserGroupFiltersDto::filters).
///
/// Schema: `admin.UserGroupChangeFilterDTO`.
///
/// That field: the filters that define user group membership.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupChangeFilterDto {
    /// The unique identifier of the filter. Omit if creating a new filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter_id: Option<String>,
    /// The analytic object the filter applies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analytic_object_id: Option<String>,
    /// The dimensions in the dynamic filter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension_filters: Option<Vec<UserGroupChangeDimensionFilterDto>>,
}

/// An entry of [`UserGroupChangeDimensionFilterDto::member_selections`](crate::UserGroupChangeDimensionFilterDto::member_selections).
///
/// Schema: `admin.UserGroupChangeMemberSelectionDTO`.
///
/// That field: the dimension members to select in the dynamic filter.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupChangeMemberSelectionDto {
    /// If `true`, the specified member must not be defined for members of the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_excluded: Option<bool>,
    /// The name path for dimension members; for example, `[ "North America", "US", "CA" ]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_path: Option<Vec<String>>,
}

/// The outcome of a bulk user group change: successes and failures, matched by `correlationId`.
///
/// Schema: `admin.UserGroupChangeResponseDTO`. Used as:
/// - the response body (200) of `PUT /v2/admin/user-groups`
/// - the response body (200) of `POST /v2/admin/user-groups`
/// - the response body (200) of `PATCH /v2/admin/user-groups`
/// - the response body (200) of `POST /v2/admin/user-groups/revert-to-parent`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupChangeResponseDto {
    /// The user groups that were successfully changed (created, updated, patched, or reverted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successes: Option<Vec<UserGroupChangeSuccessDto>>,
    /// The user groups that were not successfully changed (created, updated, patched, or reverted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Vec<UserGroupChangeFailureDto>>,
}

/// The user groups that were successfully changed (created, updated, patched, or reverted): an entry of [`UserGroupChangeResponseDto::successes`](crate::UserGroupChangeResponseDto::successes).
///
/// Schema: `admin.UserGroupChangeSuccessDTO`.
///
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupChangeSuccessDto {
    /// The display name of the user group that was successfully changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The unique identifier of the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// The code of the tenant in which the user group was changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The unique identifier of the project in which the user group was changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
    /// An identifier to associate the matching request field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// The users assigned to the user group.
///
/// Schema: `admin.UserGroupChangeUsersDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupChangeUsersDto {
    /// If `true`, all users are included in the user group. If `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_all_users: Option<bool>,
    /// Includes specified user IDs in the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manually_included_ids: Option<ElementIdsDto>,
    /// Excludes specified user IDs from the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manually_excluded_ids: Option<ElementIdsDto>,
    /// The filters that dynamically define a population through dimensions or dimensions accessible through references from the analytic object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dynamic_filter_definition: Option<UserGroupFiltersDto>,
}

/// An entry of [`UserGroupsDeleteRequestDto::user_groups`](crate::UserGroupsDeleteRequestDto::user_groups).
///
/// Schema: `admin.UserGroupDeleteDTO`.
///
/// That field: the user groups to delete.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupDeleteDto {
    /// The code of the tenant from which to delete the user group. Omit if deleting user groups in the current tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// Unique identifier for the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// The project ID in which to delete the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// The user groups that were not deleted successfully: an entry of [`UserGroupDeleteResponseDto::failures`](crate::UserGroupDeleteResponseDto::failures).
///
/// Schema: `admin.UserGroupDeleteFailureDTO`.
///
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupDeleteFailureDto {
    /// The code of the tenant from which the user group could not be deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The unique identifier of the user group that could not be deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// The error message containing the cause of the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The root cause identifier to provide to Visier Technical Support if you require further troubleshooting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rci: Option<String>,
    /// The ID of the project in which the user group could not be deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// The response body (200) of `DELETE /v2/admin/user-groups`.
///
/// Schema: `admin.UserGroupDeleteResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupDeleteResponseDto {
    /// The user groups that were successfully deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successes: Option<Vec<UserGroupDeleteSuccessDto>>,
    /// The user groups that were not deleted successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Vec<UserGroupDeleteFailureDto>>,
}

/// The user groups that were successfully deleted: an entry of [`UserGroupDeleteResponseDto::successes`](crate::UserGroupDeleteResponseDto::successes).
///
/// Schema: `admin.UserGroupDeleteSuccessDTO`.
///
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupDeleteSuccessDto {
    /// The code of the tenant the user group was deleted from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The unique identifier of the user group that was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// The ID of the project in which user group was deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// The filters that dynamically define a population through dimensions or dimensions accessible through references from the analytic object.
///
/// Schema: `admin.UserGroupFiltersDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupFiltersDto {
    /// The filters that define user group membership.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<UserGroupChangeFilterDto>>,
}

/// An entry of [`PermissionsToUserGroupForTenantDto::user_groups`](crate::PermissionsToUserGroupForTenantDto::user_groups).
///
/// Schema: `admin.UserGroupGetAPIResponseDTO`.
///
/// That field: a list of objects representing user groups and the permissions to assign to or remove from them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupGetApiResponseDto {
    /// The unique identifier associated with the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// An identifiable user group name to display in Visier, such as "Leadership User Group".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A list of objects representing the user's permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<PermissionResponseDto>>,
}

/// An entry of [`UserGroupsRevertRequestDto::user_groups`](crate::UserGroupsRevertRequestDto::user_groups).
///
/// Schema: `admin.UserGroupRevertDTO`.
///
/// That field: the user groups to revert.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupRevertDto {
    /// The code of the tenant in which to revert the user group. Omit if reverting user groups in the current tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// The unique identifier for the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// The unique identifier of the project in which to revert the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// The response body (200) of `DELETE /v2/admin/user-groups/{userGroupId}`.
///
/// Schema: `admin.UserGroupSingleDeleteResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupSingleDeleteResponseDto {
    /// The user group was successfully deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success: Option<UserGroupDeleteSuccessDto>,
    /// The user group was not successfully deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<UserGroupDeleteFailureDto>,
}

/// A list of user group definitions.
///
/// Schema: `admin.UserGroupsChangeDTO`. Used as:
/// - the response body (200) of `GET /v2/admin/user-groups`
/// - the request body of `PUT /v2/admin/user-groups`
/// - the request body of `POST /v2/admin/user-groups`
/// - the request body of `PATCH /v2/admin/user-groups`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupsChangeDto {
    /// The user groups and their definitions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_groups: Option<Vec<UserGroupChangeDefinitionDto>>,
}

/// The request body of `DELETE /v2/admin/user-groups`.
///
/// Schema: `admin.UserGroupsDeleteRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupsDeleteRequestDto {
    /// The user groups to delete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_groups: Option<Vec<UserGroupDeleteDto>>,
}

/// The response body (200) of `GET /v1/admin/user-groups`.
///
/// Schema: `admin.UserGroupsGetAPIResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupsGetApiResponseDto {
    /// A list of user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_groups: Option<Vec<UserGroupGetApiResponseDto>>,
    /// The number of results to return. The maximum number of users to retrieve is 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index to start retrieving results from, also known as offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// The request body of `POST /v2/admin/user-groups/revert-to-parent`.
///
/// Schema: `admin.UserGroupsRevertRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupsRevertRequestDto {
    /// The user groups to revert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_groups: Option<Vec<UserGroupRevertDto>>,
}

/// The response body (200) of `GET /v1/admin/user-groups/{userGroupId}/users`.
///
/// Schema: `admin.UserGroupsUsersDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupsUsersDto {
    /// A list of objects representing the users that are explicitly assigned to the user group, organized by the tenants the users belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenants: Option<Vec<UserGroupsUsersForTenantDto>>,
    /// The limit of results to return. The maximum value is 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index to start retrieving values from, also known as offset. The index begins at 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// An entry of [`UserGroupsUsersDto::tenants`](crate::UserGroupsUsersDto::tenants).
///
/// Schema: `admin.UserGroupsUsersForTenantDTO`.
///
/// That field: a list of objects representing the users that are explicitly assigned to the user group, organized by the tenants the users belong to.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupsUsersForTenantDto {
    /// The unique identifier associated with the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// A list of objects representing the users in the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<SimpleUserDto>>,
}

/// An entry of [`TenantAssignmentsDto::assignments`](crate::TenantAssignmentsDto::assignments).
///
/// Schema: `admin.UserSecurityAssignmentsDTO`.
///
/// That field: a list of objects representing the user group and user assignments.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserSecurityAssignmentsDto {
    /// The unique identifier associated with the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name of the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A list of objects representing the users assigned to or removed from the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<SimpleUserDto>>,
}

/// An entry of [`UsersToUserGroupsRequestDto::user_groups`](crate::UsersToUserGroupsRequestDto::user_groups).
///
/// Schema: `admin.UsersToUserGroupRequestDTO`.
///
/// That field: a list of objects representing the user groups and users to assign or remove.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersToUserGroupRequestDto {
    /// The unique identifier associated with the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// A list of strings representing unique user IDs to assign to or remove from the user group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}

/// The request body of `PUT /v1/admin/user-groups/users` and request body of `DELETE /v1/admin/user-groups/users`.
///
/// Schema: `admin.UsersToUserGroupsRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersToUserGroupsRequestDto {
    /// A list of objects representing the user groups and users to assign or remove.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_groups: Option<Vec<UsersToUserGroupRequestDto>>,
    /// Administrating tenants can specify the tenants and projects in which to assign users to user groups or remove users from user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_project_for_tenants_list: Option<TargetProjectForTenantsListDto>,
}

/// The features in which your users can see and select this user group.
///
/// Schema: `admin.VisibleForSelectionDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VisibleForSelectionDto {
    /// If `true`, the user group is visible in features such as sharing an analysis with user groups or assigning user groups a Vee sample question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The features in which the user group is visible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Vec<SelectionFeature>>,
}
