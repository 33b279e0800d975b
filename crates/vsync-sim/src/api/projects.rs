//! Draft projects and production versions: create, list, read, publish
//! (`commitAndPublish`) and delete a project; list what was published.
//!
//! Projects belong to the tenant the call runs in (`TargetTenantID`).

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use vsync_api::limits::{
    DEFAULT_PRODUCTION_VERSIONS_PAGE, DEFAULT_PROJECTS_PER_STAGE, MAX_PROJECTS_PER_STAGE,
};
use vsync_api::query::ProductionVersionsQuery;
use vsync_api::{
    CommitAndPublishOperationResponseDto, GetProductionVersionsApiResponseDto,
    GetProjectsApiResponseDto, ProjectCapability, ProjectDto, ProjectOperation,
    ProjectOperationRequestDto, ProjectOperationResponseDto, ProjectStage, ProjectType,
};

use crate::api::common::page;
use crate::app::{App, Ctx, World, lock};
use crate::http::{ApiError, JsonBody, Query, ok};
use crate::projects::{ProductionVersion, ProjectChanges, ProjectStatus, SimProject};
use crate::state::{Tenant, now_ms};

fn dto(p: &SimProject, viewer: &str) -> ProjectDto {
    let capability = if p.owner.is_empty() || p.owner.eq_ignore_ascii_case(viewer) {
        ProjectCapability::Owner
    } else {
        ProjectCapability::CanWrite
    };
    ProjectDto {
        id: Some(p.id.clone()),
        name: Some(p.name.clone()),
        description: p.description.clone(),
        release_version: p.release_version.clone(),
        ticket_number: p.ticket_number.clone(),
        version_number: p.version_number,
        capabilities: Some(vec![capability]),
        project_type: Some(ProjectType::Standard),
    }
}

fn version_dto(v: &ProductionVersion) -> ProjectDto {
    ProjectDto {
        id: Some(v.id.clone()),
        name: Some(v.name.clone()),
        description: v.description.clone(),
        release_version: v.release_version.clone(),
        ticket_number: v.ticket_number.clone(),
        version_number: Some(v.version_number),
        capabilities: None,
        project_type: Some(ProjectType::Standard),
    }
}

/// The stages of `with`, repeated (`with=Open&with=Approval`) or
/// comma-separated; open projects when there is none.
fn stages(query: Option<&str>) -> Result<Vec<ProjectStage>, ApiError> {
    let mut out = Vec::new();
    for (k, v) in url::form_urlencoded::parse(query.unwrap_or("").as_bytes()) {
        if k != "with" {
            continue;
        }
        for s in v.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            match ProjectStage::from_wire(s) {
                ProjectStage::Other(other) => {
                    return Err(ApiError::bad_request(format!(
                        "with must be Open, Approval, Rejected or Archived, not {other:?}"
                    )));
                }
                stage if !out.contains(&stage) => out.push(stage),
                _ => {}
            }
        }
    }
    if out.is_empty() {
        out.push(ProjectStage::Open);
    }
    Ok(out)
}

fn limit(query: Option<&str>) -> Result<usize, ApiError> {
    let value = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "limit")
        .map(|(_, v)| {
            v.parse::<u32>()
                .map_err(|_| ApiError::bad_request(format!("limit must be a number, not {v:?}")))
        })
        .transpose()?;
    page(
        None,
        value,
        DEFAULT_PROJECTS_PER_STAGE,
        MAX_PROJECTS_PER_STAGE,
    )
    .map(|(_, n)| n)
}

/// `GET /v1/admin/projects`: the accessible projects of each stage asked
/// for. The simulator's projects are open until published or deleted, so
/// the other stages are always empty.
pub(crate) async fn list(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let stages = stages(query.as_deref())?;
    let limit = limit(query.as_deref())?;
    let body = app.read(&ctx, |t| {
        let open: Vec<ProjectDto> = t
            .data
            .projects
            .iter()
            .filter(|p| p.status == ProjectStatus::Open)
            .take(limit)
            .map(|p| dto(p, &ctx.username))
            .collect();
        let wants = |s: ProjectStage| stages.contains(&s);
        Ok(GetProjectsApiResponseDto {
            open_projects: wants(ProjectStage::Open).then_some(open),
            approval_projects: wants(ProjectStage::Approval).then(Vec::new),
            rejected_projects: wants(ProjectStage::Rejected).then(Vec::new),
            archived_projects: wants(ProjectStage::Archived).then(Vec::new),
        })
    })?;
    Ok(ok(&body))
}

/// `POST /v1/admin/projects`: a new open project; `name` is required and
/// `id` must be omitted.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<ProjectDto>,
) -> Result<Response, ApiError> {
    if body.id.as_deref().is_some_and(|i| !i.is_empty()) {
        return Err(ApiError::bad_request(
            "id must be omitted when creating a project",
        ));
    }
    let name = body
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::bad_request("name is required"))?
        .to_owned();
    let project = app.write_tenant(&ctx, |t, changed| {
        let project = SimProject {
            id: t.next_project_id(),
            name,
            description: body.description.clone(),
            ticket_number: body.ticket_number.clone(),
            release_version: body.release_version.clone(),
            owner: ctx.username.clone(),
            created_ms: now_ms(),
            status: ProjectStatus::Open,
            version_number: None,
            changes: ProjectChanges::default(),
        };
        t.log(
            &ctx.username,
            "ProjectCreated",
            format!("created project {}", project.name),
        );
        t.data.projects.push(project.clone());
        *changed = true;
        Ok(project)
    })?;
    Ok(ok(&dto(&project, &ctx.username)))
}

/// The canonical ID of an existing project of the request's tenant (open,
/// or published when `published_ok`).
fn find(world: &World, ctx: &Ctx, id: &str, published_ok: bool) -> Result<String, ApiError> {
    match world.open_project(&ctx.tenant, id) {
        Ok(id) => Ok(id),
        Err(e) if published_ok && e.status == axum::http::StatusCode::BAD_REQUEST => {
            let canonical = uuid::Uuid::try_parse(id.trim())
                .map(|u| u.hyphenated().to_string())
                .map_err(|_| e.clone())?;
            let published = world.tenants[&ctx.tenant]
                .project(&canonical)
                .is_some_and(|p| p.status == ProjectStatus::Published);
            if published { Ok(canonical) } else { Err(e) }
        }
        Err(e) => Err(e),
    }
}

/// `GET /v1/admin/projects/{projectId}`: an open or published project.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(project_id): Path<String>,
) -> Result<Response, ApiError> {
    let world = lock(&app.world);
    let id = find(&world, &ctx, &project_id, true)?;
    let body = dto(
        world.tenants[&ctx.tenant].project(&id).expect("found"),
        &ctx.username,
    );
    drop(world);
    Ok(ok(&body))
}

/// Applies an open project's changes to production. Records one
/// production version if that changed anything; returns it.
fn publish(t: &mut Tenant, id: &str, who: &str) -> Option<ProductionVersion> {
    let project = t.project(id).expect("checked open").clone();
    let production = t.take_artifacts();
    let published = project.changes.apply(&production, |u| t.user(u).is_some());
    let changed = published != production;
    t.put_artifacts(published);
    let version = changed.then(|| {
        let mut v = ProductionVersion {
            id: project.id.clone(),
            version_number: 0,
            name: project.name.clone(),
            description: project.description.clone(),
            ticket_number: project.ticket_number.clone(),
            release_version: project.release_version.clone(),
            project_id: Some(project.id.clone()),
            published_by: who.to_owned(),
            published_ms: now_ms(),
        };
        v.version_number = t.record_version(v.clone());
        v
    });
    let p = t.project_mut(id).expect("checked open");
    p.status = ProjectStatus::Published;
    p.version_number = version.as_ref().map(|v| v.version_number);
    p.changes = ProjectChanges::default();
    let what = match &version {
        Some(v) => format!(
            "published project {} as production version {}",
            project.name, v.version_number
        ),
        None => format!(
            "published project {}: no change, no new production version",
            project.name
        ),
    };
    t.log(who, "ProjectPublished", what);
    version
}

/// `POST /v1/admin/projects/{projectId}`: `commitAndPublish` merges the
/// project into production as one production version and closes it. A
/// project without changes closes without a new version, and the answer
/// then has no `publishedVersion`.
pub(crate) async fn run_operation(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(project_id): Path<String>,
    JsonBody(body): JsonBody<ProjectOperationRequestDto>,
) -> Result<Response, ApiError> {
    match body.operation {
        Some(ProjectOperation::CommitAndPublish) => {}
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "operation {other} is not supported: the supported operation is commitAndPublish"
            )));
        }
        None => return Err(ApiError::bad_request("operation is required")),
    }
    let version = {
        let mut world = lock(&app.world);
        let id = find(&world, &ctx, &project_id, false)?;
        let tenant = world
            .tenants
            .get_mut(&ctx.tenant)
            .expect("the gateway checks the tenant");
        let version = publish(tenant, &id, &ctx.username);
        drop(world);
        app.mark_dirty();
        version
    };
    Ok(ok(&ProjectOperationResponseDto {
        commit_and_publish: Some(CommitAndPublishOperationResponseDto {
            published_version: version.as_ref().map(version_dto),
        }),
    }))
}

/// `DELETE /v1/admin/projects/{projectId}`: discards an open project and
/// answers it as it was.
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(project_id): Path<String>,
) -> Result<Response, ApiError> {
    let body = {
        let mut world = lock(&app.world);
        let id = find(&world, &ctx, &project_id, false)?;
        let tenant = world
            .tenants
            .get_mut(&ctx.tenant)
            .expect("the gateway checks the tenant");
        let p = tenant.project_mut(&id).expect("found");
        let body = dto(p, &ctx.username);
        p.status = ProjectStatus::Deleted;
        p.changes = ProjectChanges::default();
        let name = p.name.clone();
        tenant.log(
            &ctx.username,
            "ProjectDeleted",
            format!("deleted project {name}"),
        );
        drop(world);
        app.mark_dirty();
        body
    };
    Ok(ok(&body))
}

/// `GET /v1/admin/production-versions`: latest first.
pub(crate) async fn production_versions(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(q): Query<ProductionVersionsQuery>,
) -> Result<Response, ApiError> {
    let (start, limit) = page(q.start, q.limit, DEFAULT_PRODUCTION_VERSIONS_PAGE, u32::MAX)?;
    let body = app.read(&ctx, |t| {
        Ok(GetProductionVersionsApiResponseDto {
            published_versions: Some(
                t.data
                    .production_versions
                    .iter()
                    .rev()
                    .skip(start)
                    .take(limit)
                    .map(version_dto)
                    .collect(),
            ),
        })
    })?;
    Ok(ok(&body))
}
