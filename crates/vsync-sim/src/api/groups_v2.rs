//! User groups, v2: the definitions. Bulk create, replace, patch, delete
//! and revert; a single group's get and delete.

use std::collections::HashSet;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use globset::GlobBuilder;
use vsync_api::limits::{
    DEFAULT_GROUPS_PAGE_V2, MAX_GROUPS_PAGE_V2, MAX_PERMISSIONS_PER_GROUP, MAX_USERS_PER_GROUP,
};
use vsync_api::query::UserGroupsV2Query;
use vsync_api::{
    ElementIdsDto, UserGroupChangeDefinitionDto, UserGroupChangeFailureDto,
    UserGroupChangeResponseDto, UserGroupChangeSuccessDto, UserGroupChangeUsersDto,
    UserGroupDeleteFailureDto, UserGroupDeleteResponseDto, UserGroupDeleteSuccessDto,
    UserGroupDetail, UserGroupSingleDeleteResponseDto, UserGroupsChangeDto,
    UserGroupsDeleteRequestDto, UserGroupsRevertRequestDto,
};

use crate::api::common::{TRANSIENT, check_correlation, correlated, page};
use crate::app::{App, Ctx, Key, Tx};
use crate::http::{ApiError, JsonBody, Query, new_rci, ok};
use crate::state::{CorrelationRecord, SimGroup, Tenant, now_ms};

/// How much of a group to show.
#[derive(Debug, Clone, Copy)]
struct Detail {
    permissions: bool,
    users: bool,
    details: bool,
}

impl Detail {
    fn from_with(with: Option<&UserGroupDetail>, default_full: bool) -> Result<Detail, ApiError> {
        Ok(match with {
            None if default_full => Detail {
                permissions: true,
                users: true,
                details: true,
            },
            None => Detail {
                permissions: false,
                users: false,
                details: false,
            },
            Some(UserGroupDetail::Permissions) => Detail {
                permissions: true,
                users: false,
                details: false,
            },
            Some(UserGroupDetail::Users) => Detail {
                permissions: false,
                users: true,
                details: false,
            },
            Some(UserGroupDetail::Details) => Detail {
                permissions: true,
                users: true,
                details: true,
            },
            Some(UserGroupDetail::Other(v)) => {
                return Err(ApiError::bad_request(format!(
                    "with must be permissions, users or details, not {v:?}"
                )));
            }
        })
    }
}

fn ids(list: &[String]) -> ElementIdsDto {
    ElementIdsDto {
        ids: Some(list.to_vec()),
    }
}

fn group_def(
    t: &Tenant,
    g: &SimGroup,
    detail: Detail,
    project: Option<&str>,
) -> UserGroupChangeDefinitionDto {
    let correlation_id = t
        .data
        .correlation_ids
        .iter()
        .find(|(_, r)| r.kind == "userGroup" && r.object_id == g.user_group_id)
        .map(|(c, _)| c.clone());
    UserGroupChangeDefinitionDto {
        user_group_id: Some(g.user_group_id.clone()),
        display_name: Some(g.display_name.clone()),
        description: g.description.clone(),
        permission_ids: detail.permissions.then(|| ids(&g.permission_ids)),
        users: detail.users.then(|| UserGroupChangeUsersDto {
            include_all_users: Some(g.include_all_users),
            manually_included_ids: Some(ids(&g.manually_included_ids)),
            manually_excluded_ids: Some(ids(&g.manually_excluded_ids)),
            dynamic_filter_definition: g.dynamic_filter_definition.clone(),
        }),
        tenant_code: Some(t.data.tenant_code.clone()),
        project_id: project.map(str::to_owned),
        visible_for_selection: if detail.details {
            g.visible_for_selection.clone()
        } else {
            None
        },
        correlation_id: if detail.details { correlation_id } else { None },
    }
}

/// `GET /v2/admin/user-groups`.
pub(crate) async fn list_v2(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(q): Query<UserGroupsV2Query>,
) -> Result<Response, ApiError> {
    let (start, limit) = page(q.start, q.limit, DEFAULT_GROUPS_PAGE_V2, MAX_GROUPS_PAGE_V2)?;
    let detail = Detail::from_with(q.with.as_ref(), false)?;
    let filter = match q.display_name_filter.as_deref() {
        Some(f) => Some(
            GlobBuilder::new(f)
                .literal_separator(false)
                .backslash_escape(true)
                .build()
                .map_err(|e| {
                    ApiError::bad_request(format!("invalid displayNameFilter {f:?}: {e}"))
                })?
                .compile_matcher(),
        ),
        None => None,
    };
    let body = app.read(&ctx, |t| {
        let only = q
            .correlation_ids
            .as_deref()
            .map(|c| correlated(t, "userGroup", c));
        let groups = t
            .data
            .groups
            .iter()
            .filter(|g| filter.as_ref().is_none_or(|f| f.is_match(&g.display_name)))
            .filter(|g| only.as_ref().is_none_or(|o| o.contains(&g.user_group_id)))
            .skip(start)
            .take(limit)
            .map(|g| group_def(t, g, detail, ctx.project.as_deref()))
            .collect();
        Ok(UserGroupsChangeDto {
            user_groups: Some(groups),
        })
    })?;
    Ok(ok(&body))
}

/// `GET /v2/admin/user-groups/{userGroupId}`.
pub(crate) async fn get_v2(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(group_id): Path<String>,
    Query(q): Query<UserGroupsV2Query>,
) -> Result<Response, ApiError> {
    let detail = Detail::from_with(q.with.as_ref(), true)?;
    let body = app.read(&ctx, |t| {
        let g = t
            .group(&group_id)
            .ok_or_else(|| ApiError::not_found(format!("user group {group_id} not found")))?;
        Ok(group_def(t, g, detail, ctx.project.as_deref()))
    })?;
    Ok(ok(&body))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Create,
    Put,
    Patch,
}

/// Applies one definition to `g` (a new or a copied group).
fn apply_def(
    t: &Tenant,
    g: &mut SimGroup,
    def: &UserGroupChangeDefinitionDto,
    mode: Change,
) -> Result<(), String> {
    let replace = mode != Change::Patch;
    match def.display_name.as_deref().map(str::trim) {
        Some("") => return Err("displayName cannot be empty".to_owned()),
        Some(name) => name.clone_into(&mut g.display_name),
        None if replace => return Err("displayName is required".to_owned()),
        None => {}
    }
    if replace || def.description.is_some() {
        g.description.clone_from(&def.description);
    }
    if let Some(p) = &def.permission_ids {
        g.permission_ids = p.ids.clone().unwrap_or_default();
    } else if replace {
        g.permission_ids.clear();
    }
    if let Some(users) = &def.users {
        if let Some(all) = users.include_all_users {
            g.include_all_users = all;
        } else if replace {
            g.include_all_users = false;
        }
        if let Some(inc) = &users.manually_included_ids {
            g.manually_included_ids = inc.ids.clone().unwrap_or_default();
        } else if replace {
            g.manually_included_ids.clear();
        }
        if let Some(exc) = &users.manually_excluded_ids {
            g.manually_excluded_ids = exc.ids.clone().unwrap_or_default();
        } else if replace {
            g.manually_excluded_ids.clear();
        }
        if users.dynamic_filter_definition.is_some() || replace {
            g.dynamic_filter_definition
                .clone_from(&users.dynamic_filter_definition);
        }
    } else if replace {
        g.include_all_users = false;
        g.manually_included_ids.clear();
        g.manually_excluded_ids.clear();
        g.dynamic_filter_definition = None;
    }
    if replace || def.visible_for_selection.is_some() {
        g.visible_for_selection
            .clone_from(&def.visible_for_selection);
    }
    // Rules of the spec on the result.
    if g.include_all_users && !g.manually_included_ids.is_empty() {
        return Err("includeAllUsers cannot be combined with manuallyIncludedIds".to_owned());
    }
    if g.include_all_users && g.dynamic_filter_definition.is_some() {
        return Err("includeAllUsers cannot be combined with dynamicFilterDefinition".to_owned());
    }
    dedup(&mut g.manually_included_ids);
    dedup(&mut g.manually_excluded_ids);
    dedup(&mut g.permission_ids);
    if let Some(u) = g
        .manually_included_ids
        .iter()
        .chain(&g.manually_excluded_ids)
        .find(|u| t.user(u).is_none())
    {
        return Err(format!("user {u} not found"));
    }
    if let Some(p) = g.permission_ids.iter().find(|p| t.permission(p).is_none()) {
        return Err(format!("permission {p} not found"));
    }
    if g.permission_ids.len() > MAX_PERMISSIONS_PER_GROUP {
        return Err(format!(
            "{} permissions: a user group can have at most {MAX_PERMISSIONS_PER_GROUP}",
            g.permission_ids.len()
        ));
    }
    if g.manually_included_ids.len() > MAX_USERS_PER_GROUP {
        return Err(format!(
            "{} users: a user group can have at most {MAX_USERS_PER_GROUP}",
            g.manually_included_ids.len()
        ));
    }
    Ok(())
}

fn dedup(list: &mut Vec<String>) {
    let mut seen = HashSet::new();
    list.retain(|x| seen.insert(x.clone()));
}

fn change(
    app: &App,
    ctx: &Ctx,
    body: UserGroupsChangeDto,
    mode: Change,
) -> Result<UserGroupChangeResponseDto, ApiError> {
    let defs = body
        .user_groups
        .ok_or_else(|| ApiError::bad_request("userGroups is required"))?;
    let transient = ctx.item_faults(defs.len());
    app.write(ctx, |tx| {
        let mut out = UserGroupChangeResponseDto {
            successes: Some(Vec::new()),
            failures: Some(Vec::new()),
        };
        let mut seen = HashSet::new();
        for (def, fail) in defs.into_iter().zip(transient) {
            let failure = |key: Option<&Key>, message: String| UserGroupChangeFailureDto {
                display_name: def.display_name.clone(),
                message: Some(message),
                rci: Some(new_rci()),
                tenant_code: Some(key.map_or_else(|| ctx.tenant.clone(), |k| k.0.clone())),
                project_id: key.and_then(|k| k.1.clone()),
                user_group_id: def.user_group_id.clone(),
                correlation_id: def.correlation_id.clone(),
            };
            let key = match tx.key(def.tenant_code.as_deref(), def.project_id.as_deref()) {
                Ok(k) => k,
                Err(e) => {
                    out.failures
                        .get_or_insert_default()
                        .push(failure(None, e.message));
                    continue;
                }
            };
            if fail {
                out.failures
                    .get_or_insert_default()
                    .push(failure(Some(&key), TRANSIENT.to_owned()));
                continue;
            }
            let t = tx.tenant(&key);
            let result = match mode {
                Change::Create => (|| {
                    if def.user_group_id.is_some() {
                        return Err(
                            "userGroupId must be omitted when creating a user group".to_owned()
                        );
                    }
                    check_correlation(t, def.correlation_id.as_deref(), &mut seen)?;
                    let mut g = SimGroup {
                        user_group_id: String::new(),
                        display_name: String::new(),
                        description: None,
                        permission_ids: Vec::new(),
                        include_all_users: false,
                        manually_included_ids: Vec::new(),
                        manually_excluded_ids: Vec::new(),
                        dynamic_filter_definition: None,
                        visible_for_selection: None,
                    };
                    apply_def(t, &mut g, &def, mode)?;
                    g.user_group_id = t.next_id();
                    if let Some(c) = &def.correlation_id {
                        t.data.correlation_ids.insert(
                            c.clone(),
                            CorrelationRecord {
                                kind: "userGroup".to_owned(),
                                object_id: g.user_group_id.clone(),
                                created_ms: now_ms(),
                            },
                        );
                    }
                    let id = g.user_group_id.clone();
                    t.log(
                        &ctx.username,
                        "UserGroupCreated",
                        format!("created user group {}", g.display_name),
                    );
                    t.data.groups.push(g);
                    Ok(id)
                })(),
                Change::Put | Change::Patch => (|| {
                    let id = def
                        .user_group_id
                        .clone()
                        .filter(|i| !i.is_empty())
                        .ok_or("userGroupId is required")?;
                    let mut g = t
                        .group(&id)
                        .cloned()
                        .ok_or_else(|| format!("user group {id} not found"))?;
                    apply_def(t, &mut g, &def, mode)?;
                    t.log(
                        &ctx.username,
                        "UserGroupChanged",
                        format!("changed user group {}", g.display_name),
                    );
                    if let Some(slot) = t.data.groups.iter_mut().find(|x| x.user_group_id == id) {
                        *slot = g;
                    }
                    Ok(id)
                })(),
            };
            match result {
                Ok(id) => {
                    let name = tx.tenant(&key).group(&id).map(|g| g.display_name.clone());
                    tx.mark(&key);
                    out.successes
                        .get_or_insert_default()
                        .push(UserGroupChangeSuccessDto {
                            display_name: name,
                            user_group_id: Some(id),
                            tenant_code: Some(key.0.clone()),
                            project_id: key.1.clone(),
                            correlation_id: def.correlation_id.clone(),
                        });
                }
                Err(message) => out
                    .failures
                    .get_or_insert_default()
                    .push(failure(Some(&key), message)),
            }
        }
        Ok(out)
    })
}

/// `POST /v2/admin/user-groups`.
pub(crate) async fn create(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<UserGroupsChangeDto>,
) -> Result<Response, ApiError> {
    Ok(ok(&change(&app, &ctx, body, Change::Create)?))
}

/// `PUT /v2/admin/user-groups`.
pub(crate) async fn replace(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<UserGroupsChangeDto>,
) -> Result<Response, ApiError> {
    Ok(ok(&change(&app, &ctx, body, Change::Put)?))
}

/// `PATCH /v2/admin/user-groups`.
pub(crate) async fn patch(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<UserGroupsChangeDto>,
) -> Result<Response, ApiError> {
    Ok(ok(&change(&app, &ctx, body, Change::Patch)?))
}

fn delete_one(
    tx: &mut Tx<'_>,
    ctx: &Ctx,
    tenant_code: Option<&str>,
    project_id: Option<&str>,
    id: Option<&str>,
) -> Result<UserGroupDeleteSuccessDto, UserGroupDeleteFailureDto> {
    let fail = |code: Option<String>, project: Option<String>, message: String| {
        UserGroupDeleteFailureDto {
            tenant_code: code.or_else(|| Some(ctx.tenant.clone())),
            user_group_id: id.map(str::to_owned),
            message: Some(message),
            rci: Some(new_rci()),
            project_id: project,
        }
    };
    let key = tx
        .key(tenant_code, project_id)
        .map_err(|e| fail(tenant_code.map(str::to_owned), None, e.message))?;
    let Some(id) = id.filter(|i| !i.is_empty()) else {
        return Err(fail(
            Some(key.0),
            key.1,
            "userGroupId is required".to_owned(),
        ));
    };
    let t = tx.tenant(&key);
    let Some(pos) = t.data.groups.iter().position(|g| g.user_group_id == id) else {
        return Err(fail(
            Some(key.0),
            key.1,
            format!("user group {id} not found"),
        ));
    };
    let g = t.data.groups.remove(pos);
    t.data.correlation_ids.retain(|_, r| r.object_id != id);
    t.log(
        &ctx.username,
        "UserGroupDeleted",
        format!("deleted user group {}", g.display_name),
    );
    tx.mark(&key);
    Ok(UserGroupDeleteSuccessDto {
        tenant_code: Some(key.0),
        user_group_id: Some(id.to_owned()),
        project_id: key.1,
    })
}

/// `DELETE /v2/admin/user-groups`.
pub(crate) async fn delete_bulk(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<UserGroupsDeleteRequestDto>,
) -> Result<Response, ApiError> {
    let groups = body
        .user_groups
        .ok_or_else(|| ApiError::bad_request("userGroups is required"))?;
    let transient = ctx.item_faults(groups.len());
    let out = app.write(&ctx, |tx| {
        let mut out = UserGroupDeleteResponseDto {
            successes: Some(Vec::new()),
            failures: Some(Vec::new()),
        };
        for (g, fail) in groups.iter().zip(transient) {
            if fail {
                out.failures
                    .get_or_insert_default()
                    .push(UserGroupDeleteFailureDto {
                        tenant_code: Some(
                            g.tenant_code.clone().unwrap_or_else(|| ctx.tenant.clone()),
                        ),
                        user_group_id: g.user_group_id.clone(),
                        message: Some(TRANSIENT.to_owned()),
                        rci: Some(new_rci()),
                        project_id: g.project_id.clone(),
                    });
                continue;
            }
            match delete_one(
                tx,
                &ctx,
                g.tenant_code.as_deref(),
                g.project_id.as_deref(),
                g.user_group_id.as_deref(),
            ) {
                Ok(s) => out.successes.get_or_insert_default().push(s),
                Err(f) => out.failures.get_or_insert_default().push(f),
            }
        }
        Ok(out)
    })?;
    Ok(ok(&out))
}

/// `DELETE /v2/admin/user-groups/{userGroupId}`.
pub(crate) async fn delete_single(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(group_id): Path<String>,
) -> Result<Response, ApiError> {
    let out = app.write(&ctx, |tx| {
        Ok(match delete_one(tx, &ctx, None, None, Some(&group_id)) {
            Ok(s) => UserGroupSingleDeleteResponseDto {
                success: Some(s),
                failure: None,
            },
            Err(f) => UserGroupSingleDeleteResponseDto {
                success: None,
                failure: Some(f),
            },
        })
    })?;
    Ok(ok(&out))
}

/// `POST /v2/admin/user-groups/revert-to-parent`: every simulated group is
/// a tenant object with no parent version, so each revert fails, as the
/// spec says it does for tenant objects.
pub(crate) async fn revert(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    JsonBody(body): JsonBody<UserGroupsRevertRequestDto>,
) -> Result<Response, ApiError> {
    let groups = body
        .user_groups
        .ok_or_else(|| ApiError::bad_request("userGroups is required"))?;
    let out = app.write(&ctx, |tx| {
        let mut failures = Vec::new();
        for g in &groups {
            let (code, project, message) = match tx.key(g.tenant_code.as_deref(), g.project_id.as_deref()) {
                Err(e) => (g.tenant_code.clone(), g.project_id.clone(), e.message),
                Ok(key) => {
                    let id = g.user_group_id.clone().unwrap_or_default();
                    let t = tx.tenant(&key);
                    let message = match t.group(&id) {
                        Some(found) => format!(
                            "user group {} is a tenant object: it has no parent version to revert to",
                            found.display_name
                        ),
                        None => format!("user group {id} not found"),
                    };
                    (Some(key.0), key.1, message)
                }
            };
            failures.push(UserGroupChangeFailureDto {
                display_name: None,
                message: Some(message),
                rci: Some(new_rci()),
                tenant_code: code,
                project_id: project,
                user_group_id: g.user_group_id.clone(),
                correlation_id: None,
            });
        }
        Ok(UserGroupChangeResponseDto { successes: Some(Vec::new()), failures: Some(failures) })
    })?;
    Ok(ok(&out))
}
