//! Profiles: listing, details, assignment and removal.

use serde::{Deserialize, Serialize};

/// A list of the additional capabilities that are assigned to this profile.
///
/// Schema: `servicing.AdditionalCapabilitiesDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdditionalCapabilitiesDto {
    /// The additional capabilities assigned to this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_capabilities: Option<Vec<String>>,
}

/// The response body (200) of `GET /v1/admin/users/{userId}/profiles`.
///
/// Schema: `servicing.AllProfileAssignedForLocalTenantDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AllProfileAssignedForLocalTenantDto {
    /// A list of objects representing the user profiles assigned to the user and their validity range.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned_profiles: Option<Vec<ProfileAssignedForLocalTenantDto>>,
}

/// An entry of [`ProfileAssignedForLocalTenantDto::capabilities`](crate::ProfileAssignedForLocalTenantDto::capabilities).
///
/// Schema: `servicing.CapabilitiesDTO`.
///
/// That field: a list of objects representing the access that this profile has for the capabilities of this profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CapabilitiesDto {
    /// The name of the capability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    /// The access level of the profile for the given capability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_level: Option<String>,
    /// The view level of the profile for the given capability.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub view_level: Option<String>,
}

/// An error: root cause ID, code and message.
///
/// Schema: `servicing.ErrorDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorDto {
    /// The root cause identifier that allows Visier to determine the source of the problem.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_cause_id: Option<String>,
    /// A brief identifier of the type of error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// A description of the error that occurred.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// An entry of [`LocalTenantProfileAssignmentResponseDto::failed_assignments`](crate::LocalTenantProfileAssignmentResponseDto::failed_assignments).
///
/// Schema: `servicing.FailedLocalTenantProfileAssignmentDTO`.
///
/// That field: a list of objects representing any errors that occurred during the assignment operation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedLocalTenantProfileAssignmentDto {
    /// The impacted user ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The details about the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDto>,
}

/// An entry of [`LocalTenantProfileRevokeResponseDto::failed`](crate::LocalTenantProfileRevokeResponseDto::failed).
///
/// Schema: `servicing.FailedLocalTenantProfileRevokeDTO`.
///
/// That field: a list of objects representing any errors that occurred during the assignment operation.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FailedLocalTenantProfileRevokeDto {
    /// The impacted user ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The details about the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The request body of `PUT /v1/admin/profiles/{profileId}/assign`.
///
/// Schema: `servicing.LocalTenantProfileAssignmentRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalTenantProfileAssignmentRequestDto {
    /// A list of users to assign this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_user_ids: Option<Vec<String>>,
    /// An inclusive date-time when this profile is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_start_time: Option<String>,
    /// An exclusive date-time when this profile is no longer active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_end_time: Option<String>,
}

/// The response body (200) of `PUT /v1/admin/profiles/{profileId}/assign`.
///
/// Schema: `servicing.LocalTenantProfileAssignmentResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalTenantProfileAssignmentResponseDto {
    /// If true, an error was generated by the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<bool>,
    /// A list of objects representing the user IDs that may not be valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bad_user_ids: Option<Vec<UserIdErrorDto>>,
    /// A list of objects representing any errors that occurred during the assignment operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_assignments: Option<Vec<FailedLocalTenantProfileAssignmentDto>>,
    /// A list of the user IDs that were successfully assigned the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successful_assignments: Option<Vec<SuccessfulLocalTenantProfileAssignmentDto>>,
}

/// The request body of `DELETE /v1/admin/profiles/{profileId}/remove`.
///
/// Schema: `servicing.LocalTenantProfileRevokeRequestDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalTenantProfileRevokeRequestDto {
    /// A list of users to remove this profile from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_user_ids: Option<Vec<String>>,
}

/// The response body (200) of `DELETE /v1/admin/profiles/{profileId}/remove`.
///
/// Schema: `servicing.LocalTenantProfileRevokeResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LocalTenantProfileRevokeResponseDto {
    /// A list of objects representing any errors that occurred during the assignment operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed: Option<Vec<FailedLocalTenantProfileRevokeDto>>,
    /// A list of the user IDs that successfully had a profile removed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeded: Option<Vec<SuccessfulLocalTenantProfileAssignmentDto>>,
}

/// An entry of [`AllProfileAssignedForLocalTenantDto::assigned_profiles`](crate::AllProfileAssignedForLocalTenantDto::assigned_profiles).
///
/// Schema: `servicing.ProfileAssignedForLocalTenantDTO`.
///
/// That field: a list of objects representing the user profiles assigned to the user and their validity range.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileAssignedForLocalTenantDto {
    /// The unique identifier associated with the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// An identifiable profile name to display in Visier, such as "Partner Service Manager".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// An inclusive date-time when this profile is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_start_time: Option<String>,
    /// An exclusive date-time when this profile is no longer active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_end_time: Option<String>,
    /// A list of objects representing the access that this profile has for the capabilities of this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<CapabilitiesDto>>,
    /// A list of the additional capabilities that are assigned to this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_capabilities: Option<AdditionalCapabilitiesDto>,
}

/// The profiles associated with the user.
///
/// Schema: `servicing.ProfileAssignmentDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileAssignmentDto {
    /// The unique identifier associated with the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// The inclusive start date and time when this profile is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_start_time: Option<String>,
    /// The exclusive end date and time when this profile is no longer active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_end_time: Option<String>,
}

/// The response body (200) of `GET /v1/admin/profiles/{profileId}`.
///
/// Schema: `servicing.ProfileGetAPIResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileGetApiResponseDto {
    /// The unique identifier associated with the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_id: Option<String>,
    /// An identifiable profile name to display in Visier. For example, "Partner Service Manager".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// A list of objects representing the access that this profile has for the capabilities of this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<CapabilitiesDto>>,
    /// A list of the additional capabilities that are assigned to this profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_capabilities: Option<Vec<String>>,
}

/// The response body (200) of `GET /v1/admin/profiles`.
///
/// Schema: `servicing.ProfilesGetAPIResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfilesGetApiResponseDto {
    /// A list of objects representing the available profiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profiles: Option<Vec<ProfileGetApiResponseDto>>,
}

/// An entry of [`LocalTenantProfileAssignmentResponseDto::successful_assignments`](crate::LocalTenantProfileAssignmentResponseDto::successful_assignments).
///
/// Schema: `servicing.SuccessfulLocalTenantProfileAssignmentDTO`.
///
/// That field: a list of the user IDs that were successfully assigned the profile.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SuccessfulLocalTenantProfileAssignmentDto {
    /// The user ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// An entry of [`LocalTenantProfileAssignmentResponseDto::bad_user_ids`](crate::LocalTenantProfileAssignmentResponseDto::bad_user_ids).
///
/// Schema: `servicing.UserIdErrorDTO`.
///
/// That field: a list of objects representing the user IDs that may not be valid.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserIdErrorDto {
    /// The bad user ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    /// The details about the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorDto>,
}
