//! Permissions: listing, creation, and assignment to users.

use crate::{
    AdminCapabilityConfigDto, AssignmentStatus, DataSecurityProfileDto, PermissionFrom,
    RoleModulesConfigDto, SourceSecurityConfigDto, TargetProjectForTenantsListDto,
    TargetSecurityConfigDto,
};
use serde::{Deserialize, Serialize};

/// The request body of `POST /v1/admin/permissions`.
///
/// Schema: `admin.PermissionsListDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionsListDto {
    /// The list of permissions that will be created or updated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<PermissionDto>>,
}

/// The results of the permission assignment or removal.
///
/// Schema: `servicing.AssignRevokePermissionByPermissionDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignRevokePermissionByPermissionDto {
    /// See [`PermissionAssignedForLocalTenantDto`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission: Option<PermissionAssignedForLocalTenantDto>,
    /// A list of objects representing the users that was permission was assigned to or removed from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<AssignRevokePermissionByUserDto>>,
}

/// The permissions organized by tenant.
///
/// Schema: `servicing.AssignRevokePermissionByTenantDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignRevokePermissionByTenantDto {
    /// The unique identifier associated with the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// A list of objects representing the assigned or removed permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<AssignRevokePermissionByPermissionDto>>,
    /// The state of the permission assignment. Valid values are Succeed or Failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<AssignmentStatus>,
    /// A detailed description of the request outcome, if available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The ID of the project that the change was made in, if applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_id: Option<String>,
}

/// The results of the permission assignment or removal by user.
///
/// Schema: `servicing.AssignRevokePermissionByUserDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignRevokePermissionByUserDto {
    /// The unique identifier associated with the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's username. This is typically the user's email, such as john@visier.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// A meaningful message about the user permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// One permission and the users to assign it to or remove it from.
///
/// Schema: `servicing.AssignRevokePermissionRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignRevokePermissionRequestDto {
    /// The unique identifier associated with a permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_id: Option<String>,
    /// A list of strings representing unique user IDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}

/// Permissions and the users to assign them to or remove them from.
///
/// Schema: `servicing.AssignRevokePermissionsRequestDTO`. Used as:
/// - the request body of `PUT /v1/admin/permissions/users`
/// - the request body of `DELETE /v1/admin/permissions/users`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignRevokePermissionsRequestDto {
    /// A list of objects representing the permissions to assign to or remove from users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<AssignRevokePermissionRequestDto>>,
    /// Administrating tenants can specify the tenants and projects in which to assign permissions to users or remove permissions from users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_project_for_tenants_list: Option<TargetProjectForTenantsListDto>,
}

/// The results of the permission assignment or removal.
///
/// Schema: `servicing.AssignRevokePermissionsResponseDTO`. Used as:
/// - the response body (200) of `PUT /v1/admin/permissions/users`
/// - the response body (200) of `DELETE /v1/admin/permissions/users`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignRevokePermissionsResponseDto {
    /// A list of objects representing the users that were assigned permissions, organized by the tenants the users belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenants: Option<Vec<AssignRevokePermissionByTenantDto>>,
    /// Not described in the spec.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_repo_id: Option<String>,
}

/// List of available permissions.
///
/// Schema: `servicing.GetPermissionsAPIResponseDTO`. Used as:
/// - the response body (200) of `GET /v1/admin/permissions`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetPermissionsApiResponseDto {
    /// A list of objects representing the available permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<Vec<PermissionDto>>,
}

/// The users assigned a specific permission, grouped by tenant.
///
/// Schema: `servicing.PermissionAssignedByTenantDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionAssignedByTenantDto {
    /// The unique identifier associated with the tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_code: Option<String>,
    /// A list of objects representing the users that the permission is assigned to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<PermissionAssignedUserDto>>,
}

/// An entry of [`AllPermissionsAssignedForLocalTenantDto::assigned_permissions`](crate::AllPermissionsAssignedForLocalTenantDto::assigned_permissions).
///
/// Schema: `servicing.PermissionAssignedForLocalTenantDTO`.
///
/// That field: a list of objects representing the user's permissions.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionAssignedForLocalTenantDto {
    /// The unique identifier associated with the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_id: Option<String>,
    /// An identifiable permission name to display in Visier, such as "Diversity Access".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A user-defined description of the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// The user and the method through which the user was assigned the permission.
///
/// Schema: `servicing.PermissionAssignedUserDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionAssignedUserDto {
    /// The unique identifier associated with the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's username. This is typically the user's email, such as john@visier.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The method through which the user was assigned the permission. The permission may be assigned through.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_from: Option<PermissionFrom>,
}

/// Users that are assigned a specific permission.
///
/// Schema: `servicing.PermissionAssignedUsersDTO`. Used as:
/// - the response body (200) of `GET /v1/admin/permissions/{permissionId}/users`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionAssignedUsersDto {
    /// A list of objects representing the users that are assigned the specific permission, organized by the tenants the users belong to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenants: Option<Vec<PermissionAssignedByTenantDto>>,
    /// The number of results to return. The maximum number of tenants to retrieve is 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index of the tenant to start retrieving results from, also known as offset. The index begins at 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// The response body (200) of `POST /v1/admin/permissions`.
///
/// Schema: `servicing.PermissionBulkOperationResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionBulkOperationResponseDto {
    /// The successfully processed permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successes: Option<Vec<PermissionSuccessDto>>,
    /// The permissions that did not process and any relevant error information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Vec<PermissionFailureDto>>,
}

/// A permission: its ID, name, description and, when requested, its definition.
///
/// Schema: `servicing.PermissionDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionDto {
    /// The unique identifier associated with the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_id: Option<String>,
    /// An identifiable permission name to display in Visier, such as "Diversity Access".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A user-defined description of the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A list of objects representing the data security for each item in a permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_security_profiles: Option<Vec<DataSecurityProfileDto>>,
    /// The capabilities assigned in the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admin_capability_config: Option<AdminCapabilityConfigDto>,
    /// A list of content packages assigned to the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_modules_config: Option<RoleModulesConfigDto>,
    /// The sources assigned in the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_security_config: Option<SourceSecurityConfigDto>,
    /// A list of data categories and their targets assigned in the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_security_config: Option<TargetSecurityConfigDto>,
    /// An optional identifier to associate bulk request fields with their corresponding response fields.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
    /// Fields the spec does not list, kept so a permission read from Visier
    /// can be written back without loss.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The error associated with the failure.
///
/// Schema: `servicing.PermissionErrorDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionErrorDto {
    /// Error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// A root cause identifier that allows Visier to determine the source of the problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rci: Option<String>,
}

/// The permissions that did not process and any relevant error information: an entry of [`PermissionBulkOperationResponseDto::failures`](crate::PermissionBulkOperationResponseDto::failures).
///
/// Schema: `servicing.PermissionFailureDTO`.
///
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionFailureDto {
    /// The unique identifier associated with the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_id: Option<String>,
    /// An identifiable permission name to display in Visier, such as "Diversity Access".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The error associated with the failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<PermissionErrorDto>,
    /// An identifier to associate the matching request field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}

/// The successfully processed permissions: an entry of [`PermissionBulkOperationResponseDto::successes`](crate::PermissionBulkOperationResponseDto::successes).
///
/// Schema: `servicing.PermissionSuccessDTO`.
///
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PermissionSuccessDto {
    /// The unique identifier associated with the permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_id: Option<String>,
    /// An identifiable permission name to display in Visier, such as "Diversity Access".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// An identifier to associate the matching request field.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correlation_id: Option<String>,
}
