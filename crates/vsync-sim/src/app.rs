//! The shared state of a running simulator and the gateway every request
//! passes through: recording, rate limiting, authentication, tenant
//! selection, faults.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::sync::Notify;
use vsync_api::headers as h;
use vsync_api::paths::Operation;

use crate::config::SimConfig;
use crate::faults::{FaultEngine, ItemFaults, Rejections};
use crate::ratelimit::{RateDecision, RateLimiter};
use crate::state::{Tenant, mix64, opaque_id};
use crate::tokens::{TokenProblem, Tokens};

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

/// What the gateway learned about a request, for the handlers.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The tenant the call acts on.
    pub tenant: String,
    /// The `ProjectID` header.
    pub project: Option<String>,
    /// The `NonVersioned` header.
    pub non_versioned: bool,
    /// The signed-in user.
    pub username: String,
    /// Per-item faults to inject in a bulk answer.
    pub items: Option<ItemFaults>,
    /// The operation.
    pub op: Option<Operation>,
}

impl Ctx {
    /// One flag per item: `true` makes that item fail transiently.
    pub(crate) fn item_faults(&self, n: usize) -> Vec<bool> {
        self.items.map_or_else(|| vec![false; n], |i| i.plan(n))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                "no request context",
            )
        })
    }
}

/// The tenants, and the project copies made on first use.
pub(crate) struct World {
    pub admin: String,
    pub tenants: BTreeMap<String, Tenant>,
    pub projects: HashMap<(String, String), Tenant>,
}

/// A tenant, or a project copy of one.
pub(crate) type Key = (String, Option<String>);

impl World {
    pub(crate) fn get(&self, key: &Key) -> Option<&Tenant> {
        match &key.1 {
            Some(p) => self
                .projects
                .get(&(key.0.clone(), p.clone()))
                .or_else(|| self.tenants.get(&key.0)),
            None => self.tenants.get(&key.0),
        }
    }

    pub(crate) fn get_mut(&mut self, key: &Key) -> Option<&mut Tenant> {
        match &key.1 {
            Some(p) => {
                let base = self.tenants.get(&key.0)?.clone();
                Some(
                    self.projects
                        .entry((key.0.clone(), p.clone()))
                        .or_insert(base),
                )
            }
            None => self.tenants.get_mut(&key.0),
        }
    }
}

/// A write transaction over the world: which tenants changed, so direct
/// versioned changes count production versions.
pub(crate) struct Tx<'a> {
    pub world: &'a mut World,
    pub ctx: &'a Ctx,
    touched: BTreeSet<Key>,
}

impl Tx<'_> {
    /// The key for `tenant_code` and `project_id` overrides from a body, or
    /// the request's.
    pub(crate) fn key(
        &self,
        tenant_code: Option<&str>,
        project_id: Option<&str>,
    ) -> Result<Key, ApiError> {
        let code = tenant_code
            .filter(|c| !c.is_empty())
            .map_or_else(|| self.ctx.tenant.clone(), str::to_owned);
        if !self.world.tenants.contains_key(&code) {
            return Err(ApiError::forbidden(format!(
                "tenant {code} is not an analytic tenant of {}",
                self.world.admin
            )));
        }
        let project = project_id
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .or_else(|| self.ctx.project.clone());
        Ok((code, project))
    }

    pub(crate) fn tenant(&mut self, key: &Key) -> &mut Tenant {
        self.world.get_mut(key).expect("keys are checked when made")
    }

    /// Notes that `key` changed.
    pub(crate) fn mark(&mut self, key: &Key) {
        self.touched.insert(key.clone());
    }
}

/// The whole simulator, shared by handlers and the [`crate::Sim`] handle.
pub(crate) struct App {
    pub config: SimConfig,
    pub world: Mutex<World>,
    pub tokens: Mutex<Tokens>,
    pub rate: Mutex<RateLimiter>,
    pub faults: Mutex<FaultEngine>,
    pub rejections: Rejections,
    pub requests: Mutex<Vec<RecordedRequest>>,
    pub counts: Vec<AtomicUsize>,
    pub mutating: AtomicUsize,
    pub dirty: AtomicBool,
    pub dirty_notify: Notify,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Operations whose direct changes publish a production version (those
/// that accept `ProjectID` and `NonVersioned`: versioned artifacts).
fn publishes_version(op: Option<Operation>) -> bool {
    use Operation as O;
    matches!(
        op,
        Some(
            O::CreatePermissions
                | O::AssignPermissionsToUsers
                | O::RemovePermissionsFromUsers
                | O::AssignPermissionsToUserGroups
                | O::RemovePermissionsFromUserGroups
                | O::AddUsersToUserGroups
                | O::RemoveUsersFromUserGroups
                | O::PutUserGroups
                | O::CreateUserGroups
                | O::DeleteUserGroups
                | O::PatchUserGroups
                | O::RevertUserGroups
                | O::DeleteUserGroup
                | O::UpsertUser
        )
    )
}

pub(crate) fn op_index(op: Operation) -> usize {
    Operation::ALL.iter().position(|o| *o == op).unwrap_or(0)
}

impl App {
    /// Reads the request's tenant (or its project copy).
    pub(crate) fn read<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&Tenant) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let world = lock(&self.world);
        let key = (ctx.tenant.clone(), ctx.project.clone());
        let tenant = world
            .get(&key)
            .ok_or_else(|| ApiError::forbidden(format!("unknown tenant {}", ctx.tenant)))?;
        f(tenant)
    }

    /// Changes the world; marks state dirty and counts production versions.
    pub(crate) fn write<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut world = lock(&self.world);
        let mut tx = Tx {
            world: &mut world,
            ctx,
            touched: BTreeSet::new(),
        };
        let out = f(&mut tx);
        let touched = std::mem::take(&mut tx.touched);
        if !touched.is_empty() {
            if publishes_version(ctx.op) && !ctx.non_versioned {
                for (code, project) in &touched {
                    if project.is_none()
                        && let Some(t) = world.tenants.get_mut(code)
                    {
                        t.data.production_versions += 1;
                    }
                }
            }
            drop(world);
            self.mark_dirty();
        }
        out
    }

    /// Changes the request's tenant only.
    pub(crate) fn write_tenant<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&mut Tenant, &mut bool) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.write(ctx, |tx| {
            let key = tx.key(None, None)?;
            let mut changed = false;
            let out = f(tx.tenant(&key), &mut changed);
            if changed {
                tx.mark(&key);
            }
            out
        })
    }

    pub(crate) fn mark_dirty(&self) {
        if self.config.state_file.is_some() {
            self.dirty.store(true, Ordering::Release);
            self.dirty_notify.notify_one();
        }
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
    let project = header_str(&parts.headers, h::PROJECT_ID)
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned);
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
