//! Draft projects and production versions (`projects-api.openapi.yaml`).

use serde::{Deserialize, Serialize};

use crate::{ProjectCapability, ProjectOperation, ProjectType};

/// A draft project, or a version published to production.
///
/// Schema: `servicing.ProjectDTO`. Used as:
/// - the request body of `POST /v1/admin/projects` (omit `id`,
///   `capabilities` and `projectType`), and its response body (200)
/// - the response body (200) of `GET` and `DELETE /v1/admin/projects/{projectId}`
/// - an entry of [`GetProjectsApiResponseDto`], [`GetProductionVersionsApiResponseDto`]
///   and [`CommitAndPublishOperationResponseDto::published_version`]
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectDto {
    /// The unique ID of the project. Omit when creating a new project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// An identifiable project name to display in Visier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A description of the project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The release version of the project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_version: Option<String>,
    /// The change management ticket number of the project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
    /// The version number of the project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_number: Option<i32>,
    /// The current user's capabilities for the project. Omit when creating a
    /// new project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Vec<ProjectCapability>>,
    /// The type of the project. Omit when creating a new project.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project_type: Option<ProjectType>,
}

/// The draft projects accessible to the requesting user, by stage.
///
/// Schema: `servicing.GetProjectsAPIResponseDTO`. Used as:
/// - the response body (200) of `GET /v1/admin/projects`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetProjectsApiResponseDto {
    /// The accessible open projects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_projects: Option<Vec<ProjectDto>>,
    /// The accessible projects in the approval stage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_projects: Option<Vec<ProjectDto>>,
    /// The accessible rejected projects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected_projects: Option<Vec<ProjectDto>>,
    /// The accessible archived projects.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archived_projects: Option<Vec<ProjectDto>>,
}

/// The operation to perform on a draft project.
///
/// Schema: `servicing.ProjectOperationRequestDTO`. Used as:
/// - the request body of `POST /v1/admin/projects/{projectId}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectOperationRequestDto {
    /// The operation, [`ProjectOperation::CommitAndPublish`] being the one
    /// that matters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<ProjectOperation>,
}

/// The result of an operation on a draft project.
///
/// Schema: `servicing.ProjectOperationResponseDTO`. Used as:
/// - the response body (200) of `POST /v1/admin/projects/{projectId}`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectOperationResponseDto {
    /// The result of the `commitAndPublish` operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit_and_publish: Option<CommitAndPublishOperationResponseDto>,
}

/// The result of `commitAndPublish`.
///
/// Schema: `servicing.CommitAndPublishOperationResponseDTO`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommitAndPublishOperationResponseDto {
    /// The project version that was published to production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_version: Option<ProjectDto>,
}

/// The versions published to production, latest first.
///
/// Schema: `servicing.GetProductionVersionsAPIResponseDTO`. Used as:
/// - the response body (200) of `GET /v1/admin/production-versions`
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GetProductionVersionsApiResponseDto {
    /// The projects that were published to production.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_versions: Option<Vec<ProjectDto>>,
}
