//! The handlers, one module per resource, and the router that maps every
//! operation of [`vsync_api::paths::Operation`] to one.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::MethodRouter;
use axum::routing::{get, post, put};
use vsync_api::paths as p;

use crate::app::App;
use crate::gateway::gateway;
use crate::http::ApiError;
use crate::reports;

pub(crate) mod auth;
pub(crate) mod common;
pub(crate) mod groups_v1;
pub(crate) mod groups_v2;
pub(crate) mod permissions;
pub(crate) mod profiles;
pub(crate) mod projects;
pub(crate) mod tenants;
pub(crate) mod users;

async fn not_found() -> impl IntoResponse {
    ApiError::not_found("no such operation")
}

async fn method_not_allowed() -> impl IntoResponse {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "MethodNotAllowed",
        "method not allowed on this path",
    )
}

/// The router of every operation, behind the gateway.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route(p::ASID_TOKEN, post(auth::asid_token))
        .route(p::OAUTH2_TOKEN, post(auth::oauth2_token))
        .route(p::USERS_V1, get(users::list).post(users::add))
        .route(
            p::USER_V1_TEMPLATE,
            get(users::get).put(users::update).delete(users::delete),
        )
        .route(p::USER_PROFILES_V1_TEMPLATE, get(users::profiles))
        .route(
            p::USERS_V2,
            post(users::bulk_add)
                .put(users::bulk_update)
                .delete(users::bulk_delete),
        )
        .route(p::USER_V3_TEMPLATE, put(users::upsert))
        .route(
            p::PERMISSIONS,
            get(permissions::list).post(permissions::create),
        )
        .route(
            p::PERMISSIONS_USERS,
            put(permissions::assign_to_users).delete(permissions::remove_from_users),
        )
        .route(p::PERMISSION_USERS_TEMPLATE, get(permissions::users))
        .route(p::PROFILES, get(profiles::list))
        .route(p::PROFILE_TEMPLATE, get(profiles::get))
        .route(p::PROFILE_ASSIGN_TEMPLATE, put(profiles::assign))
        .route(
            p::PROFILE_REMOVE_TEMPLATE,
            MethodRouter::new().delete(profiles::remove),
        )
        .route(p::USER_GROUPS_V1, get(groups_v1::list_v1))
        .route(
            p::USER_GROUPS_PERMISSIONS_V1,
            put(groups_v1::assign_permissions).delete(groups_v1::revoke_permissions),
        )
        .route(
            p::USER_GROUPS_USERS_V1,
            put(groups_v1::add_users).delete(groups_v1::remove_users),
        )
        .route(
            p::USER_GROUP_USERS_V1_TEMPLATE,
            get(groups_v1::group_users_v1),
        )
        .route(
            p::USER_GROUPS_V2,
            get(groups_v2::list_v2)
                .post(groups_v2::create)
                .put(groups_v2::replace)
                .patch(groups_v2::patch)
                .delete(groups_v2::delete_bulk),
        )
        .route(p::USER_GROUPS_REVERT_V2, post(groups_v2::revert))
        .route(
            p::USER_GROUP_V2_TEMPLATE,
            get(groups_v2::get_v2).delete(groups_v2::delete_single),
        )
        .route(p::PROJECTS, get(projects::list).post(projects::create))
        .route(
            p::PROJECT_TEMPLATE,
            get(projects::get)
                .post(projects::run_operation)
                .delete(projects::delete),
        )
        .route(p::PRODUCTION_VERSIONS, get(projects::production_versions))
        .route(p::TENANTS_V2, get(tenants::list_tenants))
        .route(p::REPORT_APPLICATION_LOGS, get(reports::application_logs))
        .route(
            p::REPORT_DATA_SECURITY_TEMPLATE,
            get(reports::data_security),
        )
        .route(
            p::REPORT_PROFILE_ASSIGNMENTS,
            get(reports::profile_assignments),
        )
        .route(
            p::REPORT_PERMISSION_ASSIGNMENTS,
            get(reports::permission_assignments),
        )
        .route(p::REPORT_PERMISSIONS_LIST, get(reports::permissions_list))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), gateway))
        .with_state(app)
}
