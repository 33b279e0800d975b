//! The gateway every request passes through: recording, rate limiting,
//! authentication, tenant and project selection, faults.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use vsync_api::headers as h;
use vsync_api::paths::Operation;

use crate::app::{App, Ctx, lock, op_index};
use crate::http::ApiError;
use crate::ratelimit::RateDecision;
use crate::tokens::TokenProblem;

/// One request as the simulator received it, and how it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method, upper case.
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The raw query string, if any.
    pub query: Option<String>,
    /// The headers, names lower case, in arrival order.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
    /// The status answered.
    pub status: u16,
    /// The tenant the call ran in (after `tenantCode` and `TargetTenantID`).
    pub tenant: Option<String>,
    /// The operation of the spec, if the path is one.
    pub operation: Option<Operation>,
}

impl RecordedRequest {
    /// The first header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body parsed as JSON, if it is JSON.
    pub fn body_json(&self) -> Option<serde_json::Value> {
        serde_json::from_slice(&self.body).ok()
    }
}
fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The token of a request: the `VisierASIDToken` cookie or a bearer token.
fn presented_token(headers: &HeaderMap) -> Option<String> {
    if let Some(auth) = header_str(headers, header::AUTHORIZATION.as_str())
        && let Some(t) = auth
            .strip_prefix("Bearer ")
            .or_else(|| auth.strip_prefix("bearer "))
    {
        return Some(t.trim().to_owned());
    }
    for cookie in headers.get_all(header::COOKIE) {
        let Ok(cookie) = cookie.to_str() else {
            continue;
        };
        for pair in cookie.split(';') {
            if let Some((name, value)) = pair.trim().split_once('=')
                && name.trim() == h::ASID_TOKEN_COOKIE
            {
                return Some(value.trim().trim_matches('"').to_owned());
            }
        }
    }
    None
}

fn query_param(query: Option<&str>, name: &str) -> Option<String> {
    url::form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

fn rate_headers(headers: &mut HeaderMap, d: &RateDecision) {
    let mut put = |name: &'static str, value: u64| {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    };
    if d.limit_minute > 0 {
        put("x-ratelimit-limit-minute", u64::from(d.limit_minute));
        put(
            "x-ratelimit-remaining-minute",
            u64::from(d.remaining_minute),
        );
    }
    if d.limit_hour > 0 {
        put("x-ratelimit-limit-hour", u64::from(d.limit_hour));
        put("x-ratelimit-remaining-hour", u64::from(d.remaining_hour));
    }
}

/// The middleware every request passes through.
pub(crate) async fn gateway(State(app): State<Arc<App>>, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    let method = parts.method.as_str().to_owned();
    let path = parts.uri.path().to_owned();
    let query = parts.uri.query().map(str::to_owned);
    let op = Operation::identify(&method, &path);
    let bytes = axum::body::to_bytes(body, 64 * 1024 * 1024)
        .await
        .unwrap_or_default();

    if let Some(op) = op {
        app.counts[op_index(op)].fetch_add(1, Ordering::Relaxed);
        if op.method() != "GET" && !matches!(op, Operation::AsidToken | Operation::OAuth2Token) {
            app.mutating.fetch_add(1, Ordering::Relaxed);
        }
    }

    let apikey = header_str(&parts.headers, h::API_KEY).map(str::to_owned);
    let rate = lock(&app.rate).check(apikey.as_deref().unwrap_or("-"), Instant::now());

    let (mut response, tenant) = process(
        &app,
        parts.clone(),
        bytes.clone(),
        op,
        apikey.as_deref(),
        &rate,
        next,
    )
    .await;
    rate_headers(response.headers_mut(), &rate);

    if app.config.record_requests {
        let record = RecordedRequest {
            method,
            path,
            query,
            headers: parts
                .headers
                .iter()
                .map(|(n, v)| {
                    (
                        n.as_str().to_owned(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: bytes.to_vec(),
            status: response.status().as_u16(),
            tenant,
            operation: op,
        };
        lock(&app.requests).push(record);
    }
    response
}

async fn process(
    app: &Arc<App>,
    mut parts: Parts,
    bytes: Bytes,
    op: Option<Operation>,
    apikey: Option<&str>,
    rate: &RateDecision,
    next: Next,
) -> (Response, Option<String>) {
    if !rate.allowed {
        let mut r = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "rate limit exceeded for this API key",
        )
        .into_response();
        r.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(rate.retry_after_secs),
        );
        return (r, None);
    }

    // API key: required everywhere except the ASID login, which Visier's
    // SDK sends without one; a wrong key is refused everywhere.
    let creds = &app.config.credentials;
    match apikey {
        Some(k) if k == creds.apikey => {}
        Some(_) => return (ApiError::forbidden("invalid API key").into_response(), None),
        None if op == Some(Operation::AsidToken) => {}
        None => {
            return (
                ApiError::forbidden("the apikey header is required").into_response(),
                None,
            );
        }
    }

    let is_token_endpoint = matches!(op, Some(Operation::AsidToken | Operation::OAuth2Token));
    let username = if is_token_endpoint {
        String::new()
    } else {
        let Some(token) = presented_token(&parts.headers) else {
            return (
                ApiError::unauthorized("authentication required: sign in for a token")
                    .into_response(),
                None,
            );
        };
        match lock(&app.tokens).check(&token) {
            Ok(user) => user,
            Err(TokenProblem::Expired) => {
                return (
                    ApiError::unauthorized("the session has expired").into_response(),
                    None,
                );
            }
            Err(TokenProblem::Unknown) => {
                return (
                    ApiError::unauthorized("invalid or unknown token").into_response(),
                    None,
                );
            }
        }
    };

    // Tenant: `tenantCode` picks the tenant to change, `TargetTenantID` the
    // tenant the call runs in.
    let admin = lock(&app.world).admin.clone();
    let tenant = query_param(parts.uri.query(), "tenantCode")
        .filter(|t| !t.is_empty())
        .or_else(|| header_str(&parts.headers, h::TARGET_TENANT_ID).map(str::to_owned))
        .filter(|t| !t.is_empty())
        .unwrap_or(admin.clone());
    if !is_token_endpoint && !lock(&app.world).tenants.contains_key(&tenant) {
        return (
            ApiError::forbidden(format!(
                "tenant {tenant} is not an analytic tenant of {admin}"
            ))
            .into_response(),
            Some(tenant),
        );
    }
    // `ProjectID` counts only where the spec has it: user, profile and
    // report calls take effect at once whether or not it is sent.
    let project = match header_str(&parts.headers, h::PROJECT_ID).map(str::trim) {
        Some(p) if !p.is_empty() && op.is_some_and(Operation::takes_project) => {
            match lock(&app.world).open_project(&tenant, p) {
                Ok(id) => Some(id),
                Err(e) => return (e.into_response(), Some(tenant)),
            }
        }
        _ => None,
    };
    let non_versioned = match header_str(&parts.headers, h::NON_VERSIONED) {
        None => false,
        Some(v) => match vsync_api::parse_bool_str(v) {
            Some(b) => b,
            None => {
                return (
                    ApiError::bad_request(format!("NonVersioned must be true or false, not {v:?}"))
                        .into_response(),
                    Some(tenant),
                );
            }
        },
    };
    let decision = lock(&app.faults).decide(parts.method.as_str(), parts.uri.path(), op);
    let delay = app.config.latency + decision.latency;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    if let Some(code) = decision.status {
        return (ApiError::from_status(code).into_response(), Some(tenant));
    }

    parts.extensions.insert(Ctx {
        tenant: tenant.clone(),
        project,
        non_versioned,
        username,
        items: decision.items,
        op,
    });
    let req = Request::from_parts(parts, Body::from(bytes));
    let response = next.run(req).await;
    let response = if decision.reset {
        break_body(response).await
    } else {
        response
    };
    (response, Some(tenant))
}

/// Sends the status and headers, half the body, then an error: the
/// connection breaks mid-response.
async fn break_body(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let half = bytes.slice(0..bytes.len() / 2);
    parts.headers.insert(
        header::CONTENT_LENGTH,
        HeaderValue::from(bytes.len().max(1)),
    );
    // The pause lets hyper flush the status line, headers and first half
    // before the error aborts the connection.
    let stream = futures::stream::once(async move { Ok::<Bytes, std::io::Error>(half) }).chain(
        futures::stream::once(async {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "injected connection reset",
            ))
        }),
    );
    Response::from_parts(parts, Body::from_stream(stream))
}
