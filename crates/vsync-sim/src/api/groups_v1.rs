//! User groups, v1: the listing, a group's users, and the membership and
//! permission calls.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use vsync_api::limits::{
    MAX_GROUP_USERS_PAGE, MAX_GROUPS_PAGE_V2, MAX_PERMISSIONS_PER_GROUP,
    MAX_USER_IDS_PER_GROUP_CALL, MAX_USERS_PER_GROUP,
};
use vsync_api::query::{UserGroupUsersQuery, UserGroupsV1Query};
use vsync_api::{
    AssignmentStatus, PermissionResponseDto, PermissionsToUserGroupForTenantDto,
    PermissionsToUserGroupsRequestDto, SecurityAssignmentResponseDto, SimpleUserDto,
    TenantAssignmentsDto, UserGroupGetApiResponseDto, UserGroupsGetApiResponseDto,
    UserGroupsUsersDto, UserGroupsUsersForTenantDto, UserSecurityAssignmentsDto,
    UsersToUserGroupsRequestDto,
};

use crate::api::common::{page, per_target};
use crate::app::{App, Ctx};
use crate::http::{ApiError, JsonBody, Query, ok};
use crate::state::{SimGroup, Tenant};

fn v1_group(t: &Tenant, g: &SimGroup, only: Option<&[String]>) -> UserGroupGetApiResponseDto {
    let perms = g
        .permission_ids
        .iter()
        .filter(|p| only.is_none_or(|o| o.contains(p)))
        .filter_map(|p| t.permission(p))
        .map(|p| PermissionResponseDto {
            permission_id: Some(p.permission_id.clone()),
            display_name: Some(p.display_name.clone()),
        })
        .collect();
    UserGroupGetApiResponseDto {
        user_group_id: Some(g.user_group_id.clone()),
        display_name: Some(g.display_name.clone()),
        permissions: Some(perms),
    }
}

/// `GET /v1/admin/user-groups`.
pub(crate) async fn list_v1(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(q): Query<UserGroupsV1Query>,
) -> Result<Response, ApiError> {
    let (start, limit) = page(q.start, q.limit, MAX_GROUPS_PAGE_V2, MAX_GROUPS_PAGE_V2)?;
    let body = app.read(&ctx, |t| {
        Ok(UserGroupsGetApiResponseDto {
            user_groups: Some(
                t.data
                    .groups
                    .iter()
                    .skip(start)
                    .take(limit)
                    .map(|g| v1_group(t, g, None))
                    .collect(),
            ),
            limit: Some(limit as u32),
            start: Some(start as u32),
        })
    })?;
    Ok(ok(&body))
}

/// `GET /v1/admin/user-groups/{userGroupId}/users`: the manual members.
pub(crate) async fn group_users_v1(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(group_id): Path<String>,
    Query(q): Query<UserGroupUsersQuery>,
) -> Result<Response, ApiError> {
    let (start, limit) = page(q.start, q.limit, MAX_GROUP_USERS_PAGE, MAX_GROUP_USERS_PAGE)?;
    let body = app.read(&ctx, |t| {
        let g = t
            .group(&group_id)
            .ok_or_else(|| ApiError::not_found(format!("user group {group_id} not found")))?;
        let users = g
            .manually_included_ids
            .iter()
            .filter(|u| !g.manually_excluded_ids.contains(u))
            .filter_map(|u| t.user(u))
            .skip(start)
            .take(limit)
            .map(|u| SimpleUserDto {
                user_id: Some(u.user_id.clone()),
                username: Some(u.username.clone()),
            })
            .collect();
        Ok(UserGroupsUsersDto {
            tenants: Some(vec![UserGroupsUsersForTenantDto {
                tenant_code: Some(t.data.tenant_code.clone()),
                users: Some(users),
            }]),
            limit: Some(limit as u32),
            start: Some(start as u32),
        })
    })?;
    Ok(ok(&body))
}

fn membership(
    app: &App,
    ctx: &Ctx,
    body: &UsersToUserGroupsRequestDto,
    add: bool,
) -> Result<SecurityAssignmentResponseDto, ApiError> {
    let groups = body
        .user_groups
        .clone()
        .ok_or_else(|| ApiError::bad_request("userGroups is required"))?;
    for g in &groups {
        let n = g.user_ids.as_ref().map_or(0, Vec::len);
        if n > MAX_USER_IDS_PER_GROUP_CALL {
            return Err(ApiError::bad_request(format!(
                "{n} userIds for user group {}: the maximum is {MAX_USER_IDS_PER_GROUP_CALL}",
                g.user_group_id.as_deref().unwrap_or("?")
            )));
        }
    }
    app.write(ctx, |tx| {
        let list = body.target_project_for_tenants_list.as_ref();
        let targets = per_target(tx, list, |t, problems| {
            let mut assignments = Vec::new();
            let mut changed = false;
            for req in &groups {
                let gid = req.user_group_id.clone().unwrap_or_default();
                let Some(g) = t.group(&gid).cloned() else {
                    problems.push(format!("user group {gid} not found"));
                    continue;
                };
                let mut users = Vec::new();
                let mut included = g.manually_included_ids.clone();
                let mut excluded = g.manually_excluded_ids.clone();
                for uid in req.user_ids.iter().flatten() {
                    let Some(u) = t.user(uid) else {
                        problems.push(format!("user {uid} not found"));
                        continue;
                    };
                    if add {
                        if !included.contains(uid) {
                            if included.len() >= MAX_USERS_PER_GROUP {
                                problems.push(format!(
                                    "user group {gid} already has {MAX_USERS_PER_GROUP} users"
                                ));
                                continue;
                            }
                            included.push(uid.clone());
                        }
                        excluded.retain(|e| e != uid);
                    } else {
                        included.retain(|i| i != uid);
                    }
                    users.push(SimpleUserDto {
                        user_id: Some(u.user_id.clone()),
                        username: Some(u.username.clone()),
                    });
                }
                if included != g.manually_included_ids || excluded != g.manually_excluded_ids {
                    changed = true;
                    let who = ctx.username.clone();
                    let verb = if add { "added" } else { "removed" };
                    let n = users.len();
                    if let Some(gm) = t.data.groups.iter_mut().find(|x| x.user_group_id == gid) {
                        gm.manually_included_ids = included;
                        gm.manually_excluded_ids = excluded;
                    }
                    t.log(
                        &who,
                        "UserGroupMembershipChanged",
                        format!("{verb} {n} users in {}", g.display_name),
                    );
                }
                assignments.push(UserSecurityAssignmentsDto {
                    id: Some(gid),
                    name: Some(g.display_name.clone()),
                    users: Some(users),
                });
            }
            (assignments, changed)
        })?;
        let tenants = targets
            .into_iter()
            .map(|o| TenantAssignmentsDto {
                tenant_code: Some(o.key.0),
                status: Some(o.status),
                message: o.message,
                assignments: Some(o.items),
                project_id: o.key.1,
            })
            .collect();
        Ok(SecurityAssignmentResponseDto {
            tenants: Some(tenants),
        })
    })
}

/// `PUT /v1/admin/user-groups/users`.
pub(crate) async fn add_users(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<UsersToUserGroupsRequestDto>,
) -> Result<Response, ApiError> {
    Ok(ok(&membership(&app, &ctx, &body, true)?))
}

/// `DELETE /v1/admin/user-groups/users`.
pub(crate) async fn remove_users(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<UsersToUserGroupsRequestDto>,
) -> Result<Response, ApiError> {
    Ok(ok(&membership(&app, &ctx, &body, false)?))
}

fn group_permissions(
    app: &App,
    ctx: &Ctx,
    body: PermissionsToUserGroupsRequestDto,
    assign: bool,
) -> Result<PermissionsToUserGroupForTenantDto, ApiError> {
    let groups = body
        .user_groups
        .ok_or_else(|| ApiError::bad_request("userGroups is required"))?;
    app.write_tenant(ctx, |t, changed| {
        let mut problems = Vec::new();
        let mut out = Vec::new();
        for req in &groups {
            let gid = req.user_group_id.clone().unwrap_or_default();
            let Some(mut g) = t.group(&gid).cloned() else {
                problems.push(format!("user group {gid} not found"));
                continue;
            };
            let mut touched = Vec::new();
            for pid in req.permissions_ids.iter().flatten() {
                if t.permission(pid).is_none() {
                    problems.push(format!("permission {pid} not found"));
                    continue;
                }
                if assign {
                    if !g.permission_ids.contains(pid) {
                        if g.permission_ids.len() >= MAX_PERMISSIONS_PER_GROUP {
                            problems.push(format!("user group {gid} already has {MAX_PERMISSIONS_PER_GROUP} permissions"));
                            continue;
                        }
                        g.permission_ids.push(pid.clone());
                    }
                } else {
                    g.permission_ids.retain(|p| p != pid);
                }
                touched.push(pid.clone());
            }
            let mut shown = g.clone();
            shown.permission_ids.clone_from(&touched);
            out.push(v1_group(t, &shown, None));
            if let Some(gm) = t.data.groups.iter_mut().find(|x| x.user_group_id == gid)
                && gm.permission_ids != g.permission_ids
            {
                gm.permission_ids = g.permission_ids;
                *changed = true;
            }
        }
        if *changed {
            let who = ctx.username.clone();
            t.log(&who, "UserGroupPermissionsChanged", format!("{} permissions of {} user groups", if assign { "assigned" } else { "revoked" }, groups.len()));
        }
        Ok(PermissionsToUserGroupForTenantDto {
            tenant_code: Some(t.data.tenant_code.clone()),
            status: Some(if problems.is_empty() { AssignmentStatus::Succeed } else { AssignmentStatus::Failed }),
            message: (!problems.is_empty()).then(|| problems.join("; ")),
            user_groups: Some(out),
        })
    })
}

/// `PUT /v1/admin/user-groups/permissions`.
pub(crate) async fn assign_permissions(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<PermissionsToUserGroupsRequestDto>,
) -> Result<Response, ApiError> {
    Ok(ok(&group_permissions(&app, &ctx, body, true)?))
}

/// `DELETE /v1/admin/user-groups/permissions`.
pub(crate) async fn revoke_permissions(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<PermissionsToUserGroupsRequestDto>,
) -> Result<Response, ApiError> {
    Ok(ok(&group_permissions(&app, &ctx, body, false)?))
}
