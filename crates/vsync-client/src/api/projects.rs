//! Draft projects, production versions and the analytic tenants
//! (`projects-api.openapi.yaml`).
//!
//! A change Visier versions (user groups, memberships, permission
//! assignments) publishes one production version per request when it is
//! sent without a `ProjectID`. Made inside a draft project instead (see
//! [`Client::in_project`](crate::Client::in_project)), the changes are
//! published together by one [`ProjectsHandler::commit_and_publish`]: one
//! production version.

use vsync_api::paths::{self, Operation};
use vsync_api::query::{ProductionVersionsQuery, ProjectsQuery, TenantsV2Query};
use vsync_api::{
    GetProductionVersionsApiResponseDto, GetProjectsApiResponseDto, ProjectDto, ProjectOperation,
    ProjectOperationRequestDto, ProjectOperationResponseDto, TenantManagementApiListResponseDto,
};
use vsync_model::ProjectId;

use super::handler;
use crate::ClientError;

handler!(
    /// Draft projects and production versions: `client.projects()`.
    ProjectsHandler
);

handler!(
    /// The analytic tenants of an administrating tenant: `client.tenants()`.
    TenantsHandler
);

impl ProjectsHandler {
    /// `POST /v1/admin/projects` (`Projects_CreateProject`): a new draft
    /// project; give `name` (and `description`, `ticketNumber`), not `id`.
    ///
    /// Not repeated once it may have reached the server: a lost answer is
    /// [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown), to be
    /// settled by listing the open projects by name
    /// ([`ProjectsHandler::find_open_by_name`]), so a retry cannot make two.
    pub async fn create_project(&self, project: &ProjectDto) -> Result<ProjectDto, ClientError> {
        self.send_json(Operation::CreateProject, paths::PROJECTS, project)
            .await
    }

    /// `GET /v1/admin/projects` (`Projects_GetProjects`): the accessible
    /// projects of a stage (open ones when `query.with` is `None`).
    pub async fn get_projects(
        &self,
        query: ProjectsQuery,
    ) -> Result<GetProjectsApiResponseDto, ClientError> {
        let req = self
            .request(Operation::ListProjects, paths::PROJECTS)
            .query(&query)?;
        self.client.call_json(req).await
    }

    /// The open projects (at most
    /// [`MAX_PROJECTS_PER_STAGE`](vsync_api::limits::MAX_PROJECTS_PER_STAGE)).
    pub async fn list_open_projects(&self) -> Result<Vec<ProjectDto>, ClientError> {
        let answer = self
            .get_projects(ProjectsQuery {
                with: Some(vsync_api::ProjectStage::Open),
                limit: Some(vsync_api::limits::MAX_PROJECTS_PER_STAGE),
            })
            .await?;
        Ok(answer.open_projects.unwrap_or_default())
    }

    /// The open projects named exactly `name`, oldest listed first.
    pub async fn find_open_by_name(&self, name: &str) -> Result<Vec<ProjectDto>, ClientError> {
        let mut open = self.list_open_projects().await?;
        open.retain(|p| p.name.as_deref() == Some(name));
        Ok(open)
    }

    /// `GET /v1/admin/projects/{projectId}` (`Projects_GetProject`).
    pub async fn get_project(&self, project: &ProjectId) -> Result<ProjectDto, ClientError> {
        let req = self.request(Operation::GetProject, paths::project(project.as_str()));
        self.client.call_json(req).await
    }

    /// `POST /v1/admin/projects/{projectId}` (`Projects_RunProjectOperation`).
    ///
    /// Not repeated once it may have reached the server (a second
    /// `commitAndPublish` of a published project is an error): a lost answer
    /// is [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown),
    /// settled by checking whether the project is still open.
    pub async fn run_project_operation(
        &self,
        project: &ProjectId,
        body: &ProjectOperationRequestDto,
    ) -> Result<ProjectOperationResponseDto, ClientError> {
        let req = self
            .request(
                Operation::RunProjectOperation,
                paths::project(project.as_str()),
            )
            .json(body)?;
        self.client.call_json(req).await
    }

    /// `commitAndPublish`: commits the requesting user's changes in the
    /// project and publishes them as one production version (the answer's
    /// `commitAndPublish.publishedVersion`; absent when the project changed
    /// nothing).
    pub async fn commit_and_publish(
        &self,
        project: &ProjectId,
    ) -> Result<ProjectOperationResponseDto, ClientError> {
        let body = ProjectOperationRequestDto {
            operation: Some(ProjectOperation::CommitAndPublish),
        };
        self.run_project_operation(project, &body).await
    }

    /// `DELETE /v1/admin/projects/{projectId}` (`Projects_DeleteProject`):
    /// discards a draft and its changes.
    pub async fn delete_project(&self, project: &ProjectId) -> Result<ProjectDto, ClientError> {
        let req = self.request(Operation::DeleteProject, paths::project(project.as_str()));
        self.client.call_json(req).await
    }

    /// `GET /v1/admin/production-versions`
    /// (`ProductionVersions_GetProductionVersions`): the versions published
    /// to production, latest first.
    pub async fn get_production_versions(
        &self,
        query: ProductionVersionsQuery,
    ) -> Result<GetProductionVersionsApiResponseDto, ClientError> {
        let req = self
            .request(
                Operation::ListProductionVersions,
                paths::PRODUCTION_VERSIONS,
            )
            .query(&query)?;
        self.client.call_json(req).await
    }
}

impl TenantsHandler {
    /// `GET /v2/admin/tenants` (`TenantsV2_ListTenants`): one page of the
    /// analytic tenants an administrating tenant manages.
    pub async fn list_tenants(
        &self,
        query: TenantsV2Query,
    ) -> Result<TenantManagementApiListResponseDto, ClientError> {
        let req = self
            .request(Operation::ListTenants, paths::TENANTS_V2)
            .query(&query)?;
        self.client.call_json(req).await
    }
}
