//! The handlers, one module per resource, and the router that maps every
//! operation of [`vsync_api::paths::Operation`] to one.

use std::sync::Arc;

use axum::Router;
use axum::http::StatusCode;
use axum::middleware;
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use vsync_api::paths as p;

use crate::app::{ApiError, App, gateway};

pub(crate) mod auth;
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
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(app.clone(), gateway))
        .with_state(app)
}
