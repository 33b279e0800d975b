//! Permissions: the catalog, creation, and direct assignment to users.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use vsync_api::limits::MAX_PERMISSION_USERS_PAGE;
use vsync_api::query::{PermissionUsersQuery, PermissionsQuery, TenantCodeQuery};
use vsync_api::{
    AssignRevokePermissionByPermissionDto, AssignRevokePermissionByTenantDto,
    AssignRevokePermissionByUserDto, AssignRevokePermissionsRequestDto,
    AssignRevokePermissionsResponseDto, GetPermissionsApiResponseDto,
    PermissionAssignedByTenantDto, PermissionAssignedForLocalTenantDto, PermissionAssignedUserDto,
    PermissionAssignedUsersDto, PermissionBulkOperationResponseDto, PermissionDto,
    PermissionErrorDto, PermissionFailureDto, PermissionFrom, PermissionSuccessDto,
    PermissionsListDto,
};

use crate::api::common::{TRANSIENT, check_correlation, correlated, page, per_target};
use crate::app::{App, Ctx};
use crate::http::{ApiError, JsonBody, Query, new_rci, ok};
use crate::state::{CorrelationRecord, SimPermission, Tenant, now_ms};

fn summary(p: &SimPermission) -> PermissionDto {
    PermissionDto {
        permission_id: Some(p.permission_id.clone()),
        display_name: Some(p.display_name.clone()),
        description: p.description.clone(),
        ..Default::default()
    }
}

fn detailed(p: &SimPermission) -> PermissionDto {
    PermissionDto {
        permission_id: Some(p.permission_id.clone()),
        display_name: Some(p.display_name.clone()),
        description: p.description.clone(),
        correlation_id: None,
        ..p.definition.clone()
    }
}

/// `GET /v1/admin/permissions`.
pub(crate) async fn list(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(q): Query<PermissionsQuery>,
) -> Result<Response, ApiError> {
    let details = q.include_details == Some(true) || q.include_details_with_status == Some(true);
    let body = app.read(&ctx, |t| {
        let only = q
            .correlation_ids
            .as_deref()
            .map(|c| correlated(t, "permission", c));
        Ok(GetPermissionsApiResponseDto {
            permissions: Some(
                t.data
                    .permissions
                    .iter()
                    .filter(|p| only.as_ref().is_none_or(|o| o.contains(&p.permission_id)))
                    .map(|p| if details { detailed(p) } else { summary(p) })
                    .collect(),
            ),
        })
    })?;
    Ok(ok(&body))
}

/// `POST /v1/admin/permissions`: creates new permissions, or updates those
/// whose `permissionId` is given.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(_q): Query<TenantCodeQuery>,
    JsonBody(body): JsonBody<PermissionsListDto>,
) -> Result<Response, ApiError> {
    let perms = body
        .permissions
        .ok_or_else(|| ApiError::bad_request("permissions is required"))?;
    let transient = ctx.item_faults(perms.len());
    let out = app.write_tenant(&ctx, |t, changed| {
        let mut out = PermissionBulkOperationResponseDto {
            successes: Some(Vec::new()),
            failures: Some(Vec::new()),
        };
        let mut seen = HashSet::new();
        for (p, fail) in perms.into_iter().zip(transient) {
            let failure = |message: String| PermissionFailureDto {
                permission_id: p.permission_id.clone(),
                display_name: p.display_name.clone(),
                error: Some(PermissionErrorDto {
                    message: Some(message),
                    rci: Some(new_rci()),
                }),
                correlation_id: p.correlation_id.clone(),
            };
            if fail {
                out.failures
                    .get_or_insert_default()
                    .push(failure(TRANSIENT.to_owned()));
                continue;
            }
            match upsert_permission(t, &p, &mut seen, &ctx.username) {
                Ok(id) => {
                    *changed = true;
                    out.successes
                        .get_or_insert_default()
                        .push(PermissionSuccessDto {
                            permission_id: Some(id),
                            display_name: p.display_name.clone(),
                            correlation_id: p.correlation_id.clone(),
                        });
                }
                Err(message) => out.failures.get_or_insert_default().push(failure(message)),
            }
        }
        Ok(out)
    })?;
    Ok(ok(&out))
}

fn upsert_permission(
    t: &mut Tenant,
    p: &PermissionDto,
    seen: &mut HashSet<String>,
    who: &str,
) -> Result<String, String> {
    let name = p
        .display_name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    let mut definition = p.clone();
    definition.correlation_id = None;
    if let Some(id) = p.permission_id.as_deref().filter(|i| !i.is_empty()) {
        let slot = t
            .data
            .permissions
            .iter_mut()
            .find(|x| x.permission_id == id)
            .ok_or_else(|| format!("permission {id} not found"))?;
        if let Some(n) = name {
            n.clone_into(&mut slot.display_name);
        }
        if p.description.is_some() {
            slot.description.clone_from(&p.description);
        }
        slot.definition = definition;
        let n = slot.display_name.clone();
        t.log(who, "PermissionChanged", format!("updated permission {n}"));
        return Ok(id.to_owned());
    }
    let name = name.ok_or("displayName is required")?.to_owned();
    check_correlation(t, p.correlation_id.as_deref(), seen)?;
    let id = t.next_id();
    definition.permission_id = Some(id.clone());
    if let Some(c) = &p.correlation_id {
        t.data.correlation_ids.insert(
            c.clone(),
            CorrelationRecord {
                kind: "permission".to_owned(),
                object_id: id.clone(),
                created_ms: now_ms(),
            },
        );
    }
    t.data.permissions.push(SimPermission {
        permission_id: id.clone(),
        display_name: name.clone(),
        description: p.description.clone(),
        definition,
    });
    t.log(
        who,
        "PermissionCreated",
        format!("created permission {name}"),
    );
    Ok(id)
}

fn assign(
    app: &App,
    ctx: &Ctx,
    body: &AssignRevokePermissionsRequestDto,
    add: bool,
) -> Result<AssignRevokePermissionsResponseDto, ApiError> {
    let perms = body
        .permissions
        .clone()
        .ok_or_else(|| ApiError::bad_request("permissions is required"))?;
    app.write(ctx, |tx| {
        let list = body.target_project_for_tenants_list.as_ref();
        let targets = per_target(tx, list, |t, problems| {
            let mut results = Vec::new();
            let mut changed = false;
            for req in &perms {
                let pid = req.permission_id.clone().unwrap_or_default();
                let Some(p) = t.permission(&pid).cloned() else {
                    problems.push(format!("permission {pid} not found"));
                    continue;
                };
                let mut users = Vec::new();
                for uid in req.user_ids.iter().flatten() {
                    let Some(u) = t.user(uid).cloned() else {
                        problems.push(format!("user {uid} not found"));
                        users.push(AssignRevokePermissionByUserDto {
                            user_id: Some(uid.clone()),
                            username: None,
                            message: Some("user not found".to_owned()),
                        });
                        continue;
                    };
                    let set = t
                        .data
                        .permission_assignments
                        .entry(uid.clone())
                        .or_default();
                    let did = if add {
                        set.insert(pid.clone())
                    } else {
                        set.remove(&pid)
                    };
                    if set.is_empty() {
                        t.data.permission_assignments.remove(uid);
                    }
                    changed |= did;
                    let message = match (add, did) {
                        (true, true) => "permission assigned",
                        (true, false) => "permission was already assigned",
                        (false, true) => "permission removed",
                        (false, false) => "permission was not assigned",
                    };
                    users.push(AssignRevokePermissionByUserDto {
                        user_id: Some(u.user_id),
                        username: Some(u.username),
                        message: Some(message.to_owned()),
                    });
                }
                results.push(AssignRevokePermissionByPermissionDto {
                    permission: Some(PermissionAssignedForLocalTenantDto {
                        permission_id: Some(p.permission_id.clone()),
                        display_name: Some(p.display_name.clone()),
                        description: p.description.clone(),
                    }),
                    users: Some(users),
                });
            }
            if changed {
                let who = ctx.username.clone();
                t.log(
                    &who,
                    "UserPermissionsChanged",
                    format!(
                        "{} permissions directly",
                        if add { "assigned" } else { "removed" }
                    ),
                );
            }
            (results, changed)
        })?;
        let tenants = targets
            .into_iter()
            .map(|o| AssignRevokePermissionByTenantDto {
                tenant_code: Some(o.key.0),
                permissions: Some(o.items),
                status: Some(o.status),
                message: o.message,
                project_id: o.key.1,
            })
            .collect();
        Ok(AssignRevokePermissionsResponseDto {
            tenants: Some(tenants),
            session_repo_id: None,
        })
    })
}

/// `PUT /v1/admin/permissions/users`.
pub(crate) async fn assign_to_users(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<AssignRevokePermissionsRequestDto>,
) -> Result<Response, ApiError> {
    Ok(ok(&assign(&app, &ctx, &body, true)?))
}

/// `DELETE /v1/admin/permissions/users`.
pub(crate) async fn remove_from_users(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<AssignRevokePermissionsRequestDto>,
) -> Result<Response, ApiError> {
    Ok(ok(&assign(&app, &ctx, &body, false)?))
}

/// `GET /v1/admin/permissions/{permissionId}/users`.
pub(crate) async fn users(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(permission_id): Path<String>,
    Query(q): Query<PermissionUsersQuery>,
) -> Result<Response, ApiError> {
    let (start, limit) = page(
        q.start,
        q.limit,
        MAX_PERMISSION_USERS_PAGE,
        MAX_PERMISSION_USERS_PAGE,
    )?;
    let via_groups = q.include_user_groups == Some(true);
    let body = app.read(&ctx, |t| {
        if t.permission(&permission_id).is_none() {
            return Err(ApiError::not_found(format!(
                "permission {permission_id} not found"
            )));
        }
        let groups: Vec<_> = t
            .data
            .groups
            .iter()
            .filter(|g| g.permission_ids.contains(&permission_id))
            .collect();
        let users = t
            .users()
            .iter()
            .filter_map(|u| {
                let direct = t
                    .data
                    .permission_assignments
                    .get(&u.user_id)
                    .is_some_and(|s| s.contains(&permission_id));
                let group = via_groups && groups.iter().any(|g| g.has_member(&u.user_id));
                let from = match (direct, group) {
                    (true, true) => PermissionFrom::UserAndUserGroup,
                    (true, false) => PermissionFrom::User,
                    (false, true) => PermissionFrom::UserGroup,
                    (false, false) => return None,
                };
                Some(PermissionAssignedUserDto {
                    user_id: Some(u.user_id.clone()),
                    username: Some(u.username.clone()),
                    permission_from: Some(from),
                })
            })
            .skip(start)
            .take(limit)
            .collect();
        Ok(PermissionAssignedUsersDto {
            tenants: Some(vec![PermissionAssignedByTenantDto {
                tenant_code: Some(t.data.tenant_code.clone()),
                users: Some(users),
            }]),
            limit: Some(limit as u32),
            start: Some(start as u32),
        })
    })?;
    Ok(ok(&body))
}
