//! Users: v1 single-user calls, v2 bulk calls, v3 upsert, a user's profiles.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use vsync_api::limits::{MAX_USERNAME_CHARS, MAX_USERS_PAGE, MAX_USERS_PER_BULK_CALL};
use vsync_api::query::{TenantCodeQuery, UsersV1Query};
use vsync_api::{
    AdditionalCapabilitiesDto, AllPermissionsAssignedForLocalTenantDto,
    AllProfileAssignedForLocalTenantDto, AllUserGroupsAssignedForLocalTenantDto,
    AllUsersGetApiResponseDto, DeleteUserResponse, LastLoginDto,
    PermissionAssignedForLocalTenantDto, ProfileAssignedForLocalTenantDto,
    UserCreationApiRequestDto, UserCreationApiResponseDto, UserGetApiResponseDto,
    UserGroupAssignedForLocalTenantDto, UserUpdateApiRequestDto, UserV3ApiRequestDto,
    UserV3ApiResponseDto, UsersApiErrorMessageDto, UsersApiFailureDto, UsersApiResponseDto,
    UsersApiSuccessDto, UsersCreationApiRequestDto, UsersDeleteApiRequestDto,
    UsersUpdateApiRequestDto, bool_str, parse_bool_str,
};

use crate::api::common::{TRANSIENT, page};
use crate::app::{App, Ctx};
use crate::http::{ApiError, JsonBody, Query, json_body, new_rci, ok};
use crate::state::{ProfileAssignment, SimUser, Tenant};

/// Whether `value` looks like an email address.
pub(crate) fn valid_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !value.chars().any(char::is_whitespace)
}

/// Usernames are at most [`MAX_USERNAME_CHARS`] characters.
fn check_username_length(username: &str) -> Result<(), String> {
    let n = username.chars().count();
    if n > MAX_USERNAME_CHARS {
        return Err(format!(
            "username {username:?} has {n} characters: the maximum is {MAX_USERNAME_CHARS}"
        ));
    }
    Ok(())
}

fn parse_enabled(value: Option<&str>) -> Result<Option<bool>, String> {
    match value {
        None => Ok(None),
        Some(v) => parse_bool_str(v)
            .map(Some)
            .ok_or_else(|| format!("accountEnabled must be \"true\" or \"false\", not {v:?}")),
    }
}

pub(crate) fn profile_dto(t: &Tenant, a: &ProfileAssignment) -> ProfileAssignedForLocalTenantDto {
    let profile = t.profile(&a.profile_id);
    ProfileAssignedForLocalTenantDto {
        profile_id: Some(a.profile_id.clone()),
        display_name: profile.map(|p| p.display_name.clone()),
        validity_start_time: a.validity_start_time.clone(),
        validity_end_time: a.validity_end_time.clone(),
        capabilities: profile.map(|p| p.capabilities.clone()),
        additional_capabilities: profile.map(|p| AdditionalCapabilitiesDto {
            additional_capabilities: Some(p.additional_capabilities.clone()),
        }),
    }
}

/// A user as `GET /v1/admin/users` shows it.
pub(crate) fn user_get_dto(t: &Tenant, u: &SimUser, q: &UsersV1Query) -> UserGetApiResponseDto {
    let profiles = if q.assigned_profiles == Some(true) {
        let list = t.profiles_of(&u.user_id);
        (!list.is_empty()).then(|| AllProfileAssignedForLocalTenantDto {
            assigned_profiles: Some(list.iter().map(|a| profile_dto(t, a)).collect()),
        })
    } else {
        None
    };
    let permissions =
        (q.assigned_permissions == Some(true)).then(|| AllPermissionsAssignedForLocalTenantDto {
            assigned_permissions: Some(
                t.direct_permissions(&u.user_id)
                    .into_iter()
                    .map(|p| PermissionAssignedForLocalTenantDto {
                        permission_id: Some(p.permission_id.clone()),
                        display_name: Some(p.display_name.clone()),
                        description: p.description.clone(),
                    })
                    .collect(),
            ),
        });
    let user_groups =
        (q.assigned_user_groups == Some(true)).then(|| AllUserGroupsAssignedForLocalTenantDto {
            assigned_user_groups: Some(
                t.groups_of(&u.user_id)
                    .into_iter()
                    .map(|g| UserGroupAssignedForLocalTenantDto {
                        user_group_id: Some(g.user_group_id.clone()),
                        display_name: Some(g.display_name.clone()),
                    })
                    .collect(),
            ),
        });
    UserGetApiResponseDto {
        user_id: Some(u.user_id.clone()),
        username: Some(u.username.clone()),
        display_name: u.display_name.clone(),
        employee_id: u.employee_id.clone(),
        account_enabled: Some(u.account_enabled),
        profiles,
        permissions,
        user_groups,
        last_login: u.last_login_ms.map(|ms| LastLoginDto {
            timestamp: Some(ms.to_string()),
        }),
        email: u.email.clone(),
    }
}

fn success_dto(u: &SimUser) -> UsersApiSuccessDto {
    UsersApiSuccessDto {
        user_id: Some(u.user_id.clone()),
        username: Some(u.username.clone()),
        display_name: u.display_name.clone(),
        employee_id: u.employee_id.clone(),
        account_enabled: Some(bool_str(u.account_enabled)),
        email: u.email.clone(),
    }
}

/// The answer of a v2 bulk call, filled item by item: `successes` and `failures` are always
/// present (possibly empty), as Visier sends them.
struct BulkAnswer(UsersApiResponseDto);

impl BulkAnswer {
    fn new() -> Self {
        Self(UsersApiResponseDto {
            successes: Some(Vec::new()),
            failures: Some(Vec::new()),
        })
    }

    fn succeeded(&mut self, user: &SimUser) {
        self.0
            .successes
            .get_or_insert_default()
            .push(success_dto(user));
    }

    /// A user created, updated or deleted: in the successes and the audit log; it changed
    /// the tenant.
    fn done(&mut self, t: &mut Tenant, who: &str, event: &str, verb: &str, user: &SimUser) -> bool {
        log_user(t, who, event, verb, user);
        self.succeeded(user);
        true
    }

    fn failed(
        &mut self,
        user_id: Option<String>,
        user_name: Option<String>,
        display_name: Option<String>,
        message: impl Into<String>,
    ) {
        self.0.failures.get_or_insert_default().push(failure(
            user_id,
            user_name,
            display_name,
            message,
        ));
    }
}

fn failure(
    user_id: Option<String>,
    user_name: Option<String>,
    display_name: Option<String>,
    message: impl Into<String>,
) -> UsersApiFailureDto {
    UsersApiFailureDto {
        user_id,
        user_name,
        display_name,
        error: Some(UsersApiErrorMessageDto {
            message: Some(message.into()),
            rci: Some(new_rci()),
        }),
    }
}

/// `GET /v1/admin/users`.
pub(crate) async fn list(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(q): Query<UsersV1Query>,
) -> Result<Response, ApiError> {
    let (start, limit) = page(q.start, q.limit, MAX_USERS_PAGE, MAX_USERS_PAGE)?;
    let body = app.read(&ctx, |t| {
        let users = t
            .users()
            .iter()
            .skip(start)
            .take(limit)
            .map(|u| user_get_dto(t, u, &q))
            .collect();
        Ok(AllUsersGetApiResponseDto {
            users: Some(users),
            limit: Some(limit as u32),
            start: Some(start as u32),
        })
    })?;
    Ok(ok(&body))
}

/// `GET /v1/admin/users/{userId}`.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(user_id): Path<String>,
    Query(q): Query<UsersV1Query>,
) -> Result<Response, ApiError> {
    let body = app.read(&ctx, |t| {
        let u = t
            .user(&user_id)
            .ok_or_else(|| ApiError::not_found(format!("user {user_id} not found")))?;
        Ok(user_get_dto(t, u, &q))
    })?;
    Ok(ok(&body))
}

/// Validates a new user's fields and inserts it. Shared by v1, v2 and v3.
fn create_user(
    app: &App,
    t: &mut Tenant,
    username: Option<&str>,
    display_name: Option<String>,
    employee_id: Option<String>,
    email: Option<String>,
    enabled: Option<&str>,
) -> Result<SimUser, (StatusCode, String)> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    let username = username
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .ok_or_else(|| bad("username is required".to_owned()))?;
    check_username_length(username).map_err(bad)?;
    if username.contains('@') && !valid_email(username) {
        return Err(bad(format!(
            "username {username:?} is not a valid email address"
        )));
    }
    if let Some(e) = email.as_deref()
        && !valid_email(e)
    {
        return Err(bad(format!("email {e:?} is not a valid email address")));
    }
    let enabled = parse_enabled(enabled).map_err(bad)?;
    if let Some(message) = app.rejections.check(username) {
        return Err(bad(message.to_owned()));
    }
    if t.username_taken(username, None) {
        return Err((
            StatusCode::CONFLICT,
            format!("a user with username {username} already exists"),
        ));
    }
    if t.users().len() >= app.config.max_users {
        return Err(bad(format!(
            "the tenant already has {} users, its limit: delete users before adding more",
            app.config.max_users
        )));
    }
    let user = SimUser {
        user_id: t.next_id(),
        username: username.to_owned(),
        display_name,
        employee_id,
        email,
        account_enabled: enabled.unwrap_or(true),
        last_login_ms: None,
    };
    t.insert_user(user.clone());
    Ok(user)
}

/// Applies v1/v2 partial changes to a user.
fn update_user(
    t: &mut Tenant,
    user_id: &str,
    username: Option<&str>,
    display_name: Option<String>,
    employee_id: Option<String>,
    email: Option<String>,
    enabled: Option<&str>,
) -> Result<SimUser, (StatusCode, String)> {
    let bad = |m: String| (StatusCode::BAD_REQUEST, m);
    if t.user(user_id).is_none() {
        return Err((StatusCode::NOT_FOUND, format!("user {user_id} not found")));
    }
    let username = username.map(str::trim);
    if let Some(name) = username {
        if name.is_empty() {
            return Err(bad("username cannot be empty".to_owned()));
        }
        check_username_length(name).map_err(bad)?;
        if name.contains('@') && !valid_email(name) {
            return Err(bad(format!(
                "username {name:?} is not a valid email address"
            )));
        }
        if t.username_taken(name, Some(user_id)) {
            return Err((
                StatusCode::CONFLICT,
                format!("a user with username {name} already exists"),
            ));
        }
    }
    if let Some(e) = email.as_deref()
        && !valid_email(e)
    {
        return Err(bad(format!("email {e:?} is not a valid email address")));
    }
    let enabled = parse_enabled(enabled).map_err(bad)?;
    Ok(t.update_user(user_id, |u| {
        if let Some(n) = username {
            n.clone_into(&mut u.username);
        }
        if display_name.is_some() {
            u.display_name = display_name;
        }
        if employee_id.is_some() {
            u.employee_id = employee_id;
        }
        if email.is_some() {
            u.email = email;
        }
        if let Some(e) = enabled {
            u.account_enabled = e;
        }
    })
    .expect("checked above"))
}

/// Writes `verb user NAME` to the tenant's audit log as `event`.
fn log_user(t: &mut Tenant, who: &str, event: &str, verb: &str, user: &SimUser) {
    t.log(who, event, format!("{verb} user {}", user.username));
}

fn status_error((status, message): (StatusCode, String)) -> ApiError {
    let code = match status {
        StatusCode::NOT_FOUND => "NotFound",
        StatusCode::CONFLICT => "Conflict",
        _ => "BadRequest",
    };
    ApiError::new(status, code, message)
}

/// `POST /v1/admin/users`: 201 with the user.
pub(crate) async fn add(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(_q): Query<TenantCodeQuery>,
    JsonBody(body): JsonBody<UserCreationApiRequestDto>,
) -> Result<Response, ApiError> {
    let user = app.write_tenant(&ctx, |t, changed| {
        let u = create_user(
            &app,
            t,
            body.username.as_deref(),
            body.display_name,
            body.employee_id,
            body.email,
            body.account_enabled.as_deref(),
        )
        .map_err(status_error)?;
        log_user(t, &ctx.username, "UserCreated", "created", &u);
        *changed = true;
        Ok(u)
    })?;
    let dto = UserCreationApiResponseDto {
        user_id: Some(user.user_id.clone()),
        username: Some(user.username.clone()),
        display_name: user.display_name.clone(),
        employee_id: user.employee_id.clone(),
        account_enabled: Some(bool_str(user.account_enabled)),
        email: user.email.clone(),
    };
    Ok((StatusCode::CREATED, json_body(&dto)).into_response())
}

/// `PUT /v1/admin/users/{userId}`.
pub(crate) async fn update(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(user_id): Path<String>,
    Query(_q): Query<TenantCodeQuery>,
    JsonBody(body): JsonBody<UserUpdateApiRequestDto>,
) -> Result<Response, ApiError> {
    let user = app.write_tenant(&ctx, |t, changed| {
        let u = update_user(
            t,
            &user_id,
            body.username.as_deref(),
            body.display_name,
            body.employee_id,
            body.email,
            body.account_enabled.as_deref(),
        )
        .map_err(status_error)?;
        log_user(t, &ctx.username, "UserUpdated", "updated", &u);
        *changed = true;
        Ok(u)
    })?;
    Ok(ok(&UserUpdateApiRequestDto {
        display_name: user.display_name,
        employee_id: user.employee_id,
        account_enabled: Some(bool_str(user.account_enabled)),
        email: user.email,
        username: Some(user.username),
    }))
}

/// `DELETE /v1/admin/users/{userId}`.
pub(crate) async fn delete(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(user_id): Path<String>,
    Query(_q): Query<TenantCodeQuery>,
) -> Result<Response, ApiError> {
    app.write_tenant(&ctx, |t, changed| {
        let name = t
            .user(&user_id)
            .map(|u| u.username.clone())
            .ok_or_else(|| ApiError::not_found(format!("user {user_id} not found")))?;
        t.delete_users(&BTreeSet::from([user_id.clone()]));
        t.log(&ctx.username, "UserDeleted", format!("deleted user {name}"));
        *changed = true;
        Ok(())
    })?;
    Ok(ok(&DeleteUserResponse {}))
}

fn check_batch(n: usize) -> Result<(), ApiError> {
    if n > MAX_USERS_PER_BULK_CALL {
        return Err(ApiError::bad_request(format!(
            "{n} users in one request: the maximum is {MAX_USERS_PER_BULK_CALL}"
        )));
    }
    Ok(())
}

/// A v2 bulk call: `items` (the body's `field`) at most the batch limit, each answered on
/// its own by `each`, which says whether it changed the tenant; `fail` marks the items the
/// test's faults fail transiently.
fn bulk<T>(
    app: &App,
    ctx: &Ctx,
    items: Option<Vec<T>>,
    field: &str,
    mut each: impl FnMut(&mut Tenant, T, bool, &mut BulkAnswer) -> bool,
) -> Result<Response, ApiError> {
    let items = items.ok_or_else(|| ApiError::bad_request(format!("{field} is required")))?;
    check_batch(items.len())?;
    let transient = ctx.item_faults(items.len());
    let out = app.write_tenant(ctx, |t, changed| {
        let mut out = BulkAnswer::new();
        for (item, fail) in items.into_iter().zip(transient) {
            *changed |= each(t, item, fail, &mut out);
        }
        Ok(out.0)
    })?;
    Ok(ok(&out))
}

/// `POST /v2/admin/users`.
pub(crate) async fn bulk_add(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(_q): Query<TenantCodeQuery>,
    JsonBody(body): JsonBody<UsersCreationApiRequestDto>,
) -> Result<Response, ApiError> {
    bulk(&app, &ctx, body.users, "users", |t, item, fail, out| {
        let name = item.username.clone();
        let display = item.display_name.clone();
        if fail {
            out.failed(None, name, display, TRANSIENT);
            return false;
        }
        match create_user(
            &app,
            t,
            item.username.as_deref(),
            item.display_name,
            item.employee_id,
            item.email,
            item.account_enabled.as_deref(),
        ) {
            Ok(u) => out.done(t, &ctx.username, "UserCreated", "created", &u),
            Err((_, message)) => {
                out.failed(None, name, display, message);
                false
            }
        }
    })
}

/// `PUT /v2/admin/users`.
pub(crate) async fn bulk_update(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(_q): Query<TenantCodeQuery>,
    JsonBody(body): JsonBody<UsersUpdateApiRequestDto>,
) -> Result<Response, ApiError> {
    bulk(&app, &ctx, body.users, "users", |t, item, fail, out| {
        let name = item.username.clone();
        let display = item.display_name.clone();
        let Some(user_id) = item.user_id.clone().filter(|u| !u.is_empty()) else {
            out.failed(None, name, display, "userId is required");
            return false;
        };
        if fail {
            out.failed(Some(user_id), name, display, TRANSIENT);
            return false;
        }
        match update_user(
            t,
            &user_id,
            item.username.as_deref(),
            item.display_name,
            item.employee_id,
            item.email,
            item.account_enabled.as_deref(),
        ) {
            Ok(u) => out.done(t, &ctx.username, "UserUpdated", "updated", &u),
            Err((_, message)) => {
                let name = name.or_else(|| t.user(&user_id).map(|u| u.username.clone()));
                out.failed(Some(user_id), name, display, message);
                false
            }
        }
    })
}

/// `DELETE /v2/admin/users`.
pub(crate) async fn bulk_delete(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Query(_q): Query<TenantCodeQuery>,
    JsonBody(body): JsonBody<UsersDeleteApiRequestDto>,
) -> Result<Response, ApiError> {
    bulk(&app, &ctx, body.user_ids, "userIds", |t, id, fail, out| {
        let Some(u) = t.user(&id).cloned() else {
            out.failed(Some(id.clone()), None, None, format!("user {id} not found"));
            return false;
        };
        if fail {
            out.failed(Some(id), Some(u.username), u.display_name, TRANSIENT);
            return false;
        }
        t.delete_users(&BTreeSet::from([id]));
        out.done(t, &ctx.username, "UserDeleted", "deleted", &u)
    })
}

/// `PUT /v3/admin/users/{username}`: replace the whole definition, or create.
pub(crate) async fn upsert(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(path_username): Path<String>,
    JsonBody(body): JsonBody<UserV3ApiRequestDto>,
) -> Result<Response, ApiError> {
    let out = app.write_tenant(&ctx, |t, changed| {
        let groups = body.user_group_ids.clone().unwrap_or_default();
        let perms = body.permission_ids.clone().unwrap_or_default();
        let profiles = body.profile_assignments.clone().unwrap_or_default();
        if let Some(g) = groups.iter().find(|g| t.group(g).is_none()) {
            return Err(ApiError::bad_request(format!("user group {g} not found")));
        }
        if let Some(p) = perms.iter().find(|p| t.permission(p).is_none()) {
            return Err(ApiError::bad_request(format!("permission {p} not found")));
        }
        for p in &profiles {
            match p.profile_id.as_deref() {
                Some(id) if t.profile(id).is_some() => {}
                Some(id) => return Err(ApiError::bad_request(format!("profile {id} not found"))),
                None => {
                    return Err(ApiError::bad_request(
                        "profileAssignments[].profileId is required",
                    ));
                }
            }
        }
        let new_name = body
            .username
            .clone()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| path_username.clone());
        let existing = t
            .user_by_username(&path_username)
            .map(|u| u.user_id.clone());
        let user = if let Some(id) = existing {
            let u = update_user(
                t,
                &id,
                Some(&new_name),
                None,
                None,
                body.email.clone(),
                body.account_enabled.as_deref(),
            )
            .map_err(status_error)?;
            let u = t
                .update_user(&u.user_id, |u| {
                    u.display_name.clone_from(&body.display_name);
                    u.employee_id.clone_from(&body.employee_id);
                    u.email.clone_from(&body.email);
                    u.account_enabled = body
                        .account_enabled
                        .as_deref()
                        .and_then(parse_bool_str)
                        .unwrap_or(true);
                })
                .expect("exists");
            t.log(
                &ctx.username,
                "UserUpdated",
                format!("replaced user {}", u.username),
            );
            u
        } else {
            let u = create_user(
                &app,
                t,
                Some(&new_name),
                body.display_name.clone(),
                body.employee_id.clone(),
                body.email.clone(),
                body.account_enabled.as_deref(),
            )
            .map_err(status_error)?;
            t.log(
                &ctx.username,
                "UserCreated",
                format!("created user {}", u.username),
            );
            u
        };
        let id = user.user_id.clone();
        for g in &mut t.data.groups {
            let wanted = groups.contains(&g.user_group_id);
            let present = g.manually_included_ids.contains(&id);
            if wanted && !present {
                g.manually_included_ids.push(id.clone());
                g.manually_excluded_ids.retain(|u| *u != id);
            } else if !wanted && present {
                g.manually_included_ids.retain(|u| *u != id);
            }
        }
        if perms.is_empty() {
            t.data.permission_assignments.remove(&id);
        } else {
            t.data
                .permission_assignments
                .insert(id.clone(), perms.iter().cloned().collect());
        }
        let assignments: Vec<ProfileAssignment> = profiles
            .iter()
            .map(|p| ProfileAssignment {
                profile_id: p.profile_id.clone().unwrap_or_default(),
                validity_start_time: p.validity_start_time.clone(),
                validity_end_time: p.validity_end_time.clone(),
            })
            .collect();
        if assignments.is_empty() {
            t.data.profile_assignments.remove(&id);
        } else {
            t.data.profile_assignments.insert(id.clone(), assignments);
        }
        *changed = true;
        let user = t.user(&id).expect("exists").clone();
        Ok(UserV3ApiResponseDto {
            user_id: Some(id.clone()),
            username: Some(user.username),
            display_name: user.display_name,
            employee_id: user.employee_id,
            account_enabled: Some(bool_str(user.account_enabled)),
            email: user.email,
            user_group_ids: Some(
                t.data
                    .groups
                    .iter()
                    .filter(|g| g.manually_included_ids.contains(&id))
                    .map(|g| g.user_group_id.clone())
                    .collect(),
            ),
            profile_ids: Some(
                t.profiles_of(&id)
                    .iter()
                    .map(|a| a.profile_id.clone())
                    .collect(),
            ),
            permission_ids: Some(
                t.data
                    .permission_assignments
                    .get(&id)
                    .map(|s| s.iter().cloned().collect())
                    .unwrap_or_default(),
            ),
        })
    })?;
    Ok(ok(&out))
}

/// `GET /v1/admin/users/{userId}/profiles`.
pub(crate) async fn profiles(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(user_id): Path<String>,
) -> Result<Response, ApiError> {
    let body = app.read(&ctx, |t| {
        if t.user(&user_id).is_none() {
            return Err(ApiError::not_found(format!("user {user_id} not found")));
        }
        Ok(AllProfileAssignedForLocalTenantDto {
            assigned_profiles: Some(
                t.profiles_of(&user_id)
                    .iter()
                    .map(|a| profile_dto(t, a))
                    .collect(),
            ),
        })
    })?;
    Ok(ok(&body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_validation() {
        assert!(valid_email("ann@jupiter.example"));
        assert!(!valid_email("ann@"));
        assert!(!valid_email("ann at x.io"));
        assert!(!valid_email("a@b@c.io"));
        assert!(!valid_email("ann@nodot"));
    }
}
