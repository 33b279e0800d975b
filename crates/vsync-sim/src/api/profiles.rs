//! Profiles: the catalog (read-only, as in Visier), assignment and removal.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use vsync_api::{
    ErrorDto, FailedLocalTenantProfileRevokeDto, LocalTenantProfileAssignmentRequestDto,
    LocalTenantProfileAssignmentResponseDto, LocalTenantProfileRevokeRequestDto,
    LocalTenantProfileRevokeResponseDto, ProfileGetApiResponseDto, ProfilesGetApiResponseDto,
    SuccessfulLocalTenantProfileAssignmentDto, UserIdErrorDto,
};

use crate::app::{App, Ctx};
use crate::http::{ApiError, JsonBody, new_rci, ok};
use crate::state::{ProfileAssignment, SimProfile, Tenant, now_ms};

fn dto(p: &SimProfile) -> ProfileGetApiResponseDto {
    ProfileGetApiResponseDto {
        profile_id: Some(p.profile_id.clone()),
        display_name: Some(p.display_name.clone()),
        capabilities: Some(p.capabilities.clone()),
        additional_capabilities: Some(p.additional_capabilities.clone()),
    }
}

/// `GET /v1/admin/profiles`.
pub(crate) async fn list(State(app): State<Arc<App>>, ctx: Ctx) -> Result<Response, ApiError> {
    let body = app.read(&ctx, |t| {
        Ok(ProfilesGetApiResponseDto {
            profiles: Some(t.data.profiles.iter().map(dto).collect()),
        })
    })?;
    Ok(ok(&body))
}

/// `GET /v1/admin/profiles/{profileId}`.
pub(crate) async fn get(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(profile_id): Path<String>,
) -> Result<Response, ApiError> {
    let body = app.read(&ctx, |t| {
        t.profile(&profile_id)
            .map(dto)
            .ok_or_else(|| ApiError::not_found(format!("profile {profile_id} not found")))
    })?;
    Ok(ok(&body))
}

fn check_time(name: &str, value: Option<&str>) -> Result<(), ApiError> {
    match value {
        Some(v) if v.parse::<i64>().is_err() => Err(ApiError::bad_request(format!(
            "{name} must be milliseconds since the Unix epoch, not {v:?}"
        ))),
        _ => Ok(()),
    }
}

/// The display name of a profile, or a 404.
fn profile_name(t: &Tenant, profile_id: &str) -> Result<String, ApiError> {
    t.profile(profile_id)
        .map(|p| p.display_name.clone())
        .ok_or_else(|| ApiError::not_found(format!("profile {profile_id} not found")))
}

/// `PUT /v1/admin/profiles/{profileId}/assign`.
pub(crate) async fn assign(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(profile_id): Path<String>,
    JsonBody(body): JsonBody<LocalTenantProfileAssignmentRequestDto>,
) -> Result<Response, ApiError> {
    check_time("validityStartTime", body.validity_start_time.as_deref())?;
    check_time("validityEndTime", body.validity_end_time.as_deref())?;
    let ids = body
        .target_user_ids
        .ok_or_else(|| ApiError::bad_request("targetUserIds is required"))?;
    let out = app.write_tenant(&ctx, |t, changed| {
        let name = profile_name(t, &profile_id)?;
        let mut bad = Vec::new();
        let mut ok_ids = Vec::new();
        for uid in &ids {
            if t.user(uid).is_none() {
                bad.push(UserIdErrorDto {
                    user_id: Some(uid.clone()),
                    error: Some(ErrorDto {
                        root_cause_id: Some(new_rci()),
                        error_code: Some("UserNotFound".to_owned()),
                        error_message: Some(format!("user {uid} not found")),
                    }),
                });
                continue;
            }
            let list = t.data.profile_assignments.entry(uid.clone()).or_default();
            list.retain(|a| a.profile_id != profile_id);
            list.push(ProfileAssignment {
                profile_id: profile_id.clone(),
                validity_start_time: body
                    .validity_start_time
                    .clone()
                    .or_else(|| Some(now_ms().to_string())),
                validity_end_time: body.validity_end_time.clone(),
            });
            *changed = true;
            ok_ids.push(SuccessfulLocalTenantProfileAssignmentDto {
                user_id: Some(uid.clone()),
            });
        }
        if *changed {
            let who = ctx.username.clone();
            t.log(
                &who,
                "ProfileAssigned",
                format!("assigned profile {name} to {} users", ok_ids.len()),
            );
        }
        Ok(LocalTenantProfileAssignmentResponseDto {
            errors: Some(!bad.is_empty()),
            bad_user_ids: Some(bad),
            failed_assignments: Some(Vec::new()),
            successful_assignments: Some(ok_ids),
        })
    })?;
    Ok(ok(&out))
}

/// `DELETE /v1/admin/profiles/{profileId}/remove`.
pub(crate) async fn remove(
    State(app): State<Arc<App>>,
    ctx: Ctx,
    Path(profile_id): Path<String>,
    JsonBody(body): JsonBody<LocalTenantProfileRevokeRequestDto>,
) -> Result<Response, ApiError> {
    let ids = body
        .target_user_ids
        .ok_or_else(|| ApiError::bad_request("targetUserIds is required"))?;
    let out = app.write_tenant(&ctx, |t, changed| {
        let name = profile_name(t, &profile_id)?;
        let mut failed = Vec::new();
        let mut succeeded = Vec::new();
        for uid in &ids {
            if t.user(uid).is_none() {
                failed.push(FailedLocalTenantProfileRevokeDto {
                    user_id: Some(uid.clone()),
                    message: Some(format!("user {uid} not found")),
                });
                continue;
            }
            let list = t.data.profile_assignments.entry(uid.clone()).or_default();
            let before = list.len();
            list.retain(|a| a.profile_id != profile_id);
            let removed = list.len() != before;
            if list.is_empty() {
                t.data.profile_assignments.remove(uid);
            }
            if removed {
                *changed = true;
                succeeded.push(SuccessfulLocalTenantProfileAssignmentDto {
                    user_id: Some(uid.clone()),
                });
            } else {
                failed.push(FailedLocalTenantProfileRevokeDto {
                    user_id: Some(uid.clone()),
                    message: Some(format!("profile {name} is not assigned to user {uid}")),
                });
            }
        }
        if *changed {
            let who = ctx.username.clone();
            t.log(
                &who,
                "ProfileRemoved",
                format!("removed profile {name} from {} users", succeeded.len()),
            );
        }
        Ok(LocalTenantProfileRevokeResponseDto {
            failed: Some(failed),
            succeeded: Some(succeeded),
        })
    })?;
    Ok(ok(&out))
}
