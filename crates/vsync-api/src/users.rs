//! Users: v1 single-user calls, v2 bulk calls, v3 upsert.

use crate::{
    AllProfileAssignedForLocalTenantDto, PermissionAssignedForLocalTenantDto, ProfileAssignmentDto,
};
use serde::{Deserialize, Serialize};

/// A user as created by `POST /v1/admin/users`; `accountEnabled` is a string.
///
/// Schema: `UserCreationAPIResponseDTO`. Used as:
/// - the response body (201) of `POST /v1/admin/users`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCreationApiResponseDto {
    /// The unique identifier associated with the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's username. This is typically the user's email, such as john@jupiter.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An identifiable name to display within Visier. For example, "John Smith".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// If applicable, and if available, the user employee ID in the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// If true, the user account is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<String>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The empty body answered when a user is deleted.
///
/// Schema: `admin.DeleteUserResponse`. Used as:
/// - the response body (200) of `DELETE /v1/admin/users/{userId}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeleteUserResponse {}

/// A list of objects representing the user's permissions.
///
/// Schema: `servicing.AllPermissionsAssignedForLocalTenantDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllPermissionsAssignedForLocalTenantDto {
    /// A list of objects representing the user's permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_permissions: Option<Vec<PermissionAssignedForLocalTenantDto>>,
}

/// A list of objects representing the available user groups.
///
/// Schema: `servicing.AllUserGroupsAssignedForLocalTenantDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllUserGroupsAssignedForLocalTenantDto {
    /// A list of objects representing the available user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_user_groups: Option<Vec<UserGroupAssignedForLocalTenantDto>>,
}

/// The response body (200) of `GET /v1/admin/users`.
///
/// Schema: `servicing.AllUsersGetAPIResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllUsersGetApiResponseDto {
    /// A list of available users.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<UserGetApiResponseDto>>,
    /// The number of results to return. The maximum number of users to retrieve is 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    /// The index to start retrieving results from, also known as offset. The index begins at 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
}

/// An object that represents the time that the user last logged into Visier.
///
/// Schema: `servicing.LastLoginDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastLoginDto {
    /// The time that the user last logged into Visier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

/// A user to create; `accountEnabled` is a string.
///
/// Schema: `servicing.UserCreationAPIRequestDTO`. Used as:
/// - the request body of `POST /v1/admin/users`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserCreationApiRequestDto {
    /// The user's username. This is typically the user's email, such as john@visier.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An identifiable name to display within Visier. For example, "John Smith".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// If applicable, and if available, the user employee ID in the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// If false, the user account is disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<String>,
    /// The user's email. This is used if the user's email is different from their username. For example, "john.doe@visier.com".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// A user as read from Visier; here `accountEnabled` is a JSON boolean.
///
/// Schema: `servicing.UserGetAPIResponseDTO`. Used as:
/// - the response body (200) of `GET /v1/admin/users/{userId}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGetApiResponseDto {
    /// The unique identifier associated with the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's username. This is typically the user's email, such as john@jupiter.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An identifiable name to display within Visier. For example, "John Smith".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// If applicable, and if available, the user employee ID in the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// If false, the user account is disabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<bool>,
    /// A list of objects representing the list of available profiles. Not returned if the user has no profiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profiles: Option<AllProfileAssignedForLocalTenantDto>,
    /// A list of objects representing the user's permissions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permissions: Option<AllPermissionsAssignedForLocalTenantDto>,
    /// A list of objects representing the available user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_groups: Option<AllUserGroupsAssignedForLocalTenantDto>,
    /// An object that represents the time that the user last logged into Visier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_login: Option<LastLoginDto>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// An entry of [`AllUserGroupsAssignedForLocalTenantDto::assigned_user_groups`](crate::AllUserGroupsAssignedForLocalTenantDto::assigned_user_groups).
///
/// Schema: `servicing.UserGroupAssignedForLocalTenantDTO`.
///
/// That field: a list of objects representing the available user groups.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserGroupAssignedForLocalTenantDto {
    /// The user group ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_id: Option<String>,
    /// An identifiable user group name to display in Visier, such as "Leadership User Group".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// The fields of a user to update (v1); `accountEnabled` is a string.
///
/// Schema: `servicing.UserUpdateAPIRequestDTO`. Used as:
/// - the request body of `PUT /v1/admin/users/{userId}`
/// - the response body (200) of `PUT /v1/admin/users/{userId}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserUpdateApiRequestDto {
    /// An identifiable name to display within Visier. For example, "John Smith".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// If applicable, and if available, the user employee ID in the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// If true, the user account is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<String>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The user's username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

/// The updates to make to a user, or the user to create.
///
/// Schema: `servicing.UserV3ApiRequestDTO`. Used as:
/// - the request body of `PUT /v3/admin/users/{username}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserV3ApiRequestDto {
    /// The user's username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An identifiable name to display within Visier. For example, "John Smith".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// If applicable, and if available, the user employee ID in the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// If true, the user account is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<String>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The user groups to assign to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_ids: Option<Vec<String>>,
    /// The permissions to assign to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_ids: Option<Vec<String>>,
    /// The profiles to assign to the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_assignments: Option<Vec<ProfileAssignmentDto>>,
}

/// The result of the update or insert (upsert) request.
///
/// Schema: `servicing.UserV3ApiResponseDTO`. Used as:
/// - the response body (200) of `PUT /v3/admin/users/{username}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserV3ApiResponseDto {
    /// The unique identifier associated with the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's username. This is typically the user's email, such as john@jupiter.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An identifiable name to display within Visier. For example, "John Smith".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// If applicable, and if available, the user employee ID in the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// If true, the user account is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<String>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The unique identifiers associated with each user groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_group_ids: Option<Vec<String>>,
    /// The unique identifiers associated with each profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_ids: Option<Vec<String>>,
    /// The unique identifiers associated with each permission.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_ids: Option<Vec<String>>,
}

/// The error thrown during creation.
///
/// Schema: `servicing.UsersAPIErrorMessageDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersApiErrorMessageDto {
    /// Error message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The unique identifier associated to this error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rci: Option<String>,
}

/// A user for which a bulk call failed; the username key is `userName` (not `username`), and `error.rci` is the root cause ID.
///
/// Schema: `servicing.UsersAPIFailureDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersApiFailureDto {
    /// The unique identifier associated with the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's username. This is typically the user's email, such as john@jupiter.com.
    #[serde(rename = "userName", default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// An identifiable name to display within Visier. For example, "John Smith".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// The error thrown during creation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<UsersApiErrorMessageDto>,
}

/// The outcome of a bulk user call: successes and failures (a batch can partly fail).
///
/// Schema: `servicing.UsersAPIResponseDTO`. Used as:
/// - the response body (200) of `PUT /v2/admin/users`
/// - the response body (200) of `POST /v2/admin/users`
/// - the response body (200) of `DELETE /v2/admin/users`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersApiResponseDto {
    /// The users for which the request succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successes: Option<Vec<UsersApiSuccessDto>>,
    /// The users for which the request failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failures: Option<Vec<UsersApiFailureDto>>,
}

/// A user for which a bulk call succeeded; the username key is `username` and `accountEnabled` is a string.
///
/// Schema: `servicing.UsersAPISuccessDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersApiSuccessDto {
    /// The unique identifier associated with the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The user's username. This is typically the user's email, such as john@jupiter.com.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// An identifiable name to display within Visier. For example, "John Smith".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// If applicable, and if available, the user employee ID in the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// If true, the user account is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<String>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The request body of `POST /v2/admin/users`.
///
/// Schema: `servicing.UsersCreationAPIRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersCreationApiRequestDto {
    /// A list of objects representing users to create. Maximum 100 users can be created in a single request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<UserCreationApiRequestDto>>,
}

/// The request body of `DELETE /v2/admin/users`.
///
/// Schema: `servicing.UsersDeleteAPIRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersDeleteApiRequestDto {
    /// A list of objects representing users to delete. Maximum 100 users can be deleted in a single request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_ids: Option<Vec<String>>,
}

/// The request body of `PUT /v2/admin/users`.
///
/// Schema: `servicing.UsersUpdateAPIRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersUpdateApiRequestDto {
    /// A list of objects representing users to update. Maximum 100 users can be updated in a single request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub users: Option<Vec<UsersUpdateApiUserDto>>,
}

/// An entry of [`UsersUpdateApiRequestDto::users`](crate::UsersUpdateApiRequestDto::users).
///
/// Schema: `servicing.UsersUpdateAPIUserDTO`.
///
/// That field: a list of objects representing users to update. Maximum 100 users can be updated in a single request.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsersUpdateApiUserDto {
    /// The unique identifier associated with the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// An identifiable name to display within Visier. For example, "John Smith".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// If applicable, and if available, the user employee ID in the data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employee_id: Option<String>,
    /// If true, the user account is enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_enabled: Option<String>,
    /// The user's email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// The user's username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}
