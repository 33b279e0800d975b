//! The HTTP side shared by every handler: the `Status` error answer with
//! a fresh `rci`, JSON answers, and the body and query extractors that
//! answer 400 naming the field that broke.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::state::{mix64, opaque_id};

/// A JSON error answer: the spec's `Status` body with a fresh `rci`.
#[derive(Debug, Clone)]
pub(crate) struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub user_error: bool,
}

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            user_error: status.is_client_error(),
        }
    }
    pub(crate) fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "BadRequest", message)
    }
    pub(crate) fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NotFound", message)
    }
    pub(crate) fn unauthorized(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "Unauthorized", message)
    }
    pub(crate) fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "Forbidden", message)
    }
    pub(crate) fn from_status(code: u16) -> Self {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let name = match code {
            409 => "Conflict",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ if status.is_client_error() => "BadRequest",
            _ => "InternalServerError",
        };
        let message = format!(
            "{} (injected fault)",
            status.canonical_reason().unwrap_or("error")
        );
        Self::new(status, name, message)
    }

    pub(crate) fn status_body(&self) -> vsync_api::Status {
        vsync_api::Status {
            localized_message: Some(self.message.clone()),
            code: Some(self.code.to_owned()),
            message: Some(self.message.clone()),
            rci: Some(new_rci()),
            user_error: Some(self.user_error),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, json_body(&self.status_body())).into_response()
    }
}

static RCI_COUNTER: AtomicU64 = AtomicU64::new(0);

/// A fresh root-cause ID, unique within the process.
pub(crate) fn new_rci() -> String {
    let n = RCI_COUNTER.fetch_add(1, Ordering::Relaxed);
    opaque_id(0x7263_6900 ^ mix64(u64::from(std::process::id())), n)
}

/// A JSON answer with the right content type.
pub(crate) fn json_body<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            bytes,
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

/// A 200 JSON answer.
pub(crate) fn ok<T: Serialize>(value: &T) -> Response {
    json_body(value)
}

/// A JSON request body decoded with `serde_path_to_error`; a bad body is a
/// 400 `Status` naming the field.
pub(crate) struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::bad_request(format!("unreadable body: {e}")))?;
        if bytes.is_empty() {
            return Err(ApiError::bad_request("a JSON request body is required"));
        }
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(JsonBody)
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "invalid request body at {}: {}",
                    e.path(),
                    e.inner()
                ))
            })
    }
}

/// A query string decoded with serde; a bad value is a 400 `Status`.
pub(crate) struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(query));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                ApiError::bad_request(format!(
                    "invalid query parameter {}: {}",
                    e.path(),
                    e.inner()
                ))
            })
    }
}

fn form_urlencoded_parse(query: &str) -> url::form_urlencoded::Parse<'_> {
    url::form_urlencoded::parse(query.as_bytes())
}
