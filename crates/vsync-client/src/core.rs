//! The one path every request takes: read-only guard, pacing, credentials,
//! headers, send, classify, retry, trace, count.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, SET_COOKIE};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use secrecy::ExposeSecret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;
use tracing::Instrument;
use vsync_api::headers;
use vsync_api::paths::Operation;
use vsync_api::{NvLock, bool_static_str};

use crate::client::Client;
use crate::retry::{backoff, is_idempotent, is_mutating, is_refusal_status, parse_retry_after};
use crate::{CallOptions, ClientError, RawResponse};

/// The body of a request.
#[derive(Debug, Clone, Default)]
pub(crate) enum ReqBody {
    /// None.
    #[default]
    Empty,
    /// `application/json`.
    Json(Bytes),
    /// `application/x-www-form-urlencoded`; may hold credentials.
    Form(secrecy::SecretString),
}

/// One request, before pacing and credentials.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub(crate) op: Operation,
    pub(crate) path: String,
    pub(crate) query: Option<String>,
    pub(crate) body: ReqBody,
    pub(crate) opts: CallOptions,
    /// Extra header (the token endpoint's Basic auth), sensitive.
    pub(crate) basic_auth: Option<HeaderValue>,
}

impl Request {
    pub(crate) fn new(op: Operation, path: impl Into<String>, opts: CallOptions) -> Self {
        Self {
            op,
            path: path.into(),
            query: None,
            body: ReqBody::Empty,
            opts,
            basic_auth: None,
        }
    }

    pub(crate) fn query<Q: Serialize>(mut self, query: &Q) -> Result<Self, ClientError> {
        let encoded = serde_urlencoded::to_string(query)
            .map_err(|e| ClientError::Config(format!("cannot encode the query: {e}")))?;
        self.query = (!encoded.is_empty()).then_some(encoded);
        Ok(self)
    }

    pub(crate) fn json<B: Serialize>(mut self, body: &B) -> Result<Self, ClientError> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| ClientError::Config(format!("cannot encode the request body: {e}")))?;
        self.body = ReqBody::Json(Bytes::from(bytes));
        Ok(self)
    }
}

/// Where a successful body goes.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sink<'a> {
    Memory,
    File(&'a Path),
}

/// Whether an answer that is not a success is an error or returned as is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Typed,
    Raw,
}

/// `ProjectID` is in the spec of these operations.
pub(crate) fn takes_project(op: Operation) -> bool {
    use Operation as O;
    matches!(
        op,
        O::ListPermissions
            | O::CreatePermissions
            | O::AssignPermissionsToUsers
            | O::RemovePermissionsFromUsers
            | O::ListPermissionUsers
            | O::ListUserGroupsV1
            | O::AssignPermissionsToUserGroups
            | O::RemovePermissionsFromUserGroups
            | O::AddUsersToUserGroups
            | O::RemoveUsersFromUserGroups
            | O::ListUserGroupUsers
            | O::ListUsers
            | O::GetUser
            | O::ListUserGroupsV2
            | O::PutUserGroups
            | O::CreateUserGroups
            | O::DeleteUserGroups
            | O::PatchUserGroups
            | O::RevertUserGroups
            | O::GetUserGroup
            | O::DeleteUserGroup
            | O::UpsertUser
    )
}

/// `NonVersioned` is in the spec of these operations.
pub(crate) fn takes_non_versioned(op: Operation) -> bool {
    use Operation as O;
    matches!(
        op,
        O::ListPermissions
            | O::CreatePermissions
            | O::AssignPermissionsToUsers
            | O::RemovePermissionsFromUsers
            | O::ListPermissionUsers
            | O::AddUsersToUserGroups
            | O::RemoveUsersFromUserGroups
            | O::ListUserGroupUsers
            | O::ListUsers
            | O::GetUser
            | O::ListUserGroupsV2
            | O::PutUserGroups
            | O::CreateUserGroups
            | O::DeleteUserGroups
            | O::PatchUserGroups
            | O::RevertUserGroups
            | O::GetUserGroup
            | O::DeleteUserGroup
            | O::UpsertUser
    )
}

/// `Prefer` is in the spec of these operations.
pub(crate) fn takes_prefer(op: Operation) -> bool {
    use Operation as O;
    matches!(
        op,
        O::AddUsersToUserGroups | O::RemoveUsersFromUserGroups | O::PatchUserGroups | O::UpsertUser
    )
}

/// The `tenantCode` query parameter is in the spec of these operations.
pub(crate) fn takes_tenant_code(op: Operation) -> bool {
    use Operation as O;
    matches!(
        op,
        O::ListPermissions
            | O::CreatePermissions
            | O::ListUserGroupsV1
            | O::ListUsers
            | O::AddUser
            | O::GetUser
            | O::UpdateUser
            | O::DeleteUser
            | O::UpdateUsers
            | O::AddUsers
            | O::DeleteUsers
            | O::ApplicationLogsReport
            | O::DataSecurityReport
            | O::ProfileAssignmentsReport
            | O::PermissionAssignmentsReport
            | O::PermissionsListReport
    )
}

fn is_token_op(op: Operation) -> bool {
    matches!(op, Operation::AsidToken | Operation::OAuth2Token)
}

/// A header name of `vsync_api::headers` (mixed case there; lower case on
/// the wire).
fn header_name(name: &'static str) -> HeaderName {
    HeaderName::from_bytes(name.as_bytes()).expect("vsync-api header names are valid")
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, ClientError> {
    HeaderValue::from_str(value)
        .map_err(|_| ClientError::Config(format!("invalid value for header {name}")))
}

/// Response headers without the ones that can carry credentials.
fn scrub(mut headers: HeaderMap) -> HeaderMap {
    headers.remove(SET_COOKIE);
    headers.remove(AUTHORIZATION);
    headers
}

enum BodyError {
    Http(reqwest::Error),
    Io(PathBuf, std::io::Error),
}

/// A failure after the request may have been sent.
fn after_send(op: Operation) -> bool {
    !is_idempotent(op)
}

impl Client {
    /// Sends `req` with every rule of the client applied.
    pub(crate) async fn execute(
        &self,
        req: &Request,
        mode: Mode,
        sink: Sink<'_>,
    ) -> Result<RawResponse, ClientError> {
        let op = req.op;
        let span = tracing::info_span!(
            "visier_call",
            method = op.method(),
            path = op.path_template(),
            operation = op.operation_id(),
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        self.execute_inner(req, mode, sink, &span)
            .instrument(span.clone())
            .await
    }

    async fn execute_inner(
        &self,
        req: &Request,
        mode: Mode,
        sink: Sink<'_>,
        span: &tracing::Span,
    ) -> Result<RawResponse, ClientError> {
        let op = req.op;
        let inner = &self.inner;
        if inner.settings.read_only && is_mutating(op) {
            tracing::info!("refused: read-only client");
            return Err(ClientError::ReadOnly { operation: op });
        }
        if !req.path.starts_with('/') || req.path.contains("//") {
            // The path is appended to the base URL: anything else could
            // change the host the API key goes to.
            return Err(ClientError::Config(format!(
                "the path of {op} must be absolute and normalised"
            )));
        }
        let policy = inner.settings.retry;
        let method = Method::from_bytes(op.method().as_bytes()).expect("spec methods are valid");
        let mut url = format!("{}{}", inner.base, req.path);
        if let Some(q) = &req.query {
            url.push('?');
            url.push_str(q);
        }
        let timeout = if op.is_xlsx_report() {
            inner.settings.timeouts.report
        } else {
            inner.settings.timeouts.request
        };
        let fixed = self.fixed_headers(req)?;
        let started_all = Instant::now();
        let mut attempt = 0u32;
        let mut retries = 0u32;
        let mut reauthenticated = false;
        loop {
            attempt += 1;
            let credential = if is_token_op(op) {
                None
            } else {
                Some(self.credential().await?)
            };
            let mut request_headers = fixed.clone();
            if let Some(c) = &credential {
                request_headers.insert(c.name.clone(), c.value.clone());
            }
            let mut builder = inner
                .http
                .request(method.clone(), &url)
                .headers(request_headers)
                .timeout(timeout);
            builder = match &req.body {
                ReqBody::Empty => builder,
                ReqBody::Json(bytes) => builder
                    .header(CONTENT_TYPE, "application/json")
                    .body(bytes.clone()),
                ReqBody::Form(form) => builder
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(form.expose_secret().to_owned()),
            };
            let ticket = inner.pacer.acquire().await;
            inner.metrics.waited(ticket.waited);
            inner.metrics.call(op, attempt > 1);
            let started = Instant::now();
            let sent = builder.send().await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => {
                    drop(ticket);
                    let elapsed = started.elapsed();
                    record(span, None, attempt, elapsed);
                    if e.is_builder() {
                        return Err(ClientError::Config(format!(
                            "cannot build the request: {e}"
                        )));
                    }
                    let nothing_sent = e.is_connect();
                    let message = describe(&e);
                    if !nothing_sent && after_send(op) {
                        tracing::warn!(attempt, error = %message, "outcome unknown, not replayed");
                        return Err(ClientError::OutcomeUnknown {
                            operation: op,
                            message,
                            response: None,
                            source: Some(e),
                        });
                    }
                    if retries < policy.max_retries {
                        retries += 1;
                        let delay = backoff(&policy, retries, None);
                        tracing::warn!(attempt, delay_ms = delay.as_millis() as u64, error = %message, "retrying after transport failure");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(ClientError::Transport {
                        operation: op,
                        message,
                        attempts: attempt,
                        source: Some(e),
                    });
                }
            };
            let status = response.status();
            let response_headers = response.headers().clone();
            inner.pacer.observe(
                &ticket,
                &response_headers,
                status == StatusCode::TOO_MANY_REQUESTS,
            );
            let body = match sink {
                Sink::File(path) if status.is_success() => {
                    stream_to_file(response, path).await.map(|()| Bytes::new())
                }
                _ => response.bytes().await.map_err(BodyError::Http),
            };
            drop(ticket);
            let round_trip = started.elapsed();
            record(span, Some(status), attempt, round_trip);
            let body = match body {
                Ok(b) => b,
                Err(BodyError::Io(path, source)) => return Err(ClientError::Io { path, source }),
                Err(BodyError::Http(e)) => {
                    let message = format!("answer HTTP {status} cut short: {}", describe(&e));
                    if after_send(op) {
                        tracing::warn!(attempt, error = %message, "outcome unknown, not replayed");
                        return Err(ClientError::OutcomeUnknown {
                            operation: op,
                            message,
                            response: None,
                            source: Some(e),
                        });
                    }
                    if retries < policy.max_retries {
                        retries += 1;
                        let delay = backoff(&policy, retries, None);
                        tracing::warn!(attempt, delay_ms = delay.as_millis() as u64, error = %message, "retrying after a broken answer");
                        tokio::time::sleep(delay).await;
                        continue;
                    }
                    return Err(ClientError::Transport {
                        operation: op,
                        message,
                        attempts: attempt,
                        source: Some(e),
                    });
                }
            };
            let raw = RawResponse {
                operation: op,
                status,
                headers: scrub(response_headers),
                body,
                round_trip,
                attempt,
            };
            tracing::debug!(
                status = status.as_u16(),
                attempt,
                duration_ms = round_trip.as_millis() as u64,
                "answer"
            );
            if status.is_success() {
                if attempt > 1 {
                    tracing::info!(
                        attempts = attempt,
                        total_ms = started_all.elapsed().as_millis() as u64,
                        "succeeded after retries"
                    );
                }
                return Ok(raw);
            }
            let retry_after = raw
                .headers
                .get(headers::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(parse_retry_after);
            if status == StatusCode::UNAUTHORIZED
                && let Some(c) = &credential
            {
                if c.refreshable && !reauthenticated {
                    reauthenticated = true;
                    tracing::info!(attempt, "401: logging in again");
                    self.invalidate(c.generation).await;
                    continue;
                }
                if mode == Mode::Raw {
                    return Ok(raw);
                }
                return Err(ClientError::Auth {
                    message: format!("{op} answered HTTP 401 with fresh credentials"),
                    response: Some(Box::new(raw)),
                });
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                inner.metrics.throttled();
            }
            let conflict_retry = status == StatusCode::CONFLICT
                && req.opts.prefer == Some(NvLock::Artifact)
                && takes_prefer(op);
            let retryable_status = crate::retry::is_retryable_status(status) || conflict_retry;
            if retryable_status && after_send(op) && !is_refusal_status(status) && !conflict_retry {
                // A gateway answered; the server behind it may have acted,
                // so the request is not replayed in either mode.
                if mode == Mode::Raw {
                    return Ok(raw);
                }
                tracing::warn!(
                    attempt,
                    status = status.as_u16(),
                    "outcome unknown, not replayed"
                );
                return Err(ClientError::OutcomeUnknown {
                    operation: op,
                    message: format!("a gateway answered HTTP {status}"),
                    response: Some(Box::new(raw)),
                    source: None,
                });
            }
            if retryable_status && retries < policy.max_retries {
                retries += 1;
                let delay = backoff(&policy, retries, retry_after);
                tracing::warn!(
                    attempt,
                    status = status.as_u16(),
                    delay_ms = delay.as_millis() as u64,
                    "retrying"
                );
                tokio::time::sleep(delay).await;
                continue;
            }
            if mode == Mode::Raw {
                return Ok(raw);
            }
            if status == StatusCode::TOO_MANY_REQUESTS {
                return Err(ClientError::RateLimited {
                    attempts: attempt,
                    response: Box::new(raw),
                });
            }
            return Err(ClientError::Http {
                status_body: raw.status_body(),
                response: Box::new(raw),
            });
        }
    }

    /// The headers of `req` that do not change between attempts.
    fn fixed_headers(&self, req: &Request) -> Result<HeaderMap, ClientError> {
        let op = req.op;
        let mut h = HeaderMap::new();
        let key = self
            .inner
            .settings
            .api_key
            .as_ref()
            .ok_or_else(|| ClientError::Config("no API key".into()))?;
        let mut key = header_value(headers::API_KEY, key.expose_secret())?;
        key.set_sensitive(true);
        h.insert(header_name(headers::API_KEY), key);
        let accept = if op.is_xlsx_report() {
            "application/vnd.ms-excel, application/json"
        } else if op == Operation::AsidToken {
            "text/plain, application/json"
        } else {
            "application/json"
        };
        h.insert(ACCEPT, HeaderValue::from_static(accept));
        if let Some(basic) = &req.basic_auth {
            h.insert(AUTHORIZATION, basic.clone());
        }
        if is_token_op(op) {
            return Ok(h);
        }
        let o = &req.opts;
        if let Some(t) = &o.target_tenant {
            h.insert(
                header_name(headers::TARGET_TENANT_ID),
                header_value(headers::TARGET_TENANT_ID, t)?,
            );
        }
        if let Some(p) = &o.project
            && takes_project(op)
        {
            h.insert(
                header_name(headers::PROJECT_ID),
                header_value(headers::PROJECT_ID, p)?,
            );
        }
        if let Some(nv) = o.non_versioned
            && takes_non_versioned(op)
        {
            h.insert(
                header_name(headers::NON_VERSIONED),
                HeaderValue::from_static(bool_static_str(nv)),
            );
        }
        if let Some(lock) = &o.prefer
            && takes_prefer(op)
        {
            h.insert(
                header_name(headers::PREFER),
                header_value(headers::PREFER, lock.as_str())?,
            );
        }
        if let Some(fast) = o.fast_mode
            && op == Operation::CreatePermissions
        {
            h.insert(
                header_name(headers::FAST_MODE),
                HeaderValue::from_static(bool_static_str(fast)),
            );
        }
        if op == Operation::AssignPermissionsToUsers {
            if let Some(session) = o.session_based_permissions {
                h.insert(
                    header_name(headers::SESSION_BASED_PERMISSIONS),
                    HeaderValue::from_static(bool_static_str(session)),
                );
            }
            if let Some(repo) = &o.session_repo_id {
                h.insert(
                    header_name(headers::SESSION_REPO_ID),
                    header_value(headers::SESSION_REPO_ID, repo)?,
                );
            }
        }
        Ok(h)
    }
}

fn record(span: &tracing::Span, status: Option<StatusCode>, attempt: u32, elapsed: Duration) {
    if let Some(s) = status {
        span.record("status", s.as_u16());
    }
    span.record("attempt", attempt);
    span.record("duration_ms", elapsed.as_millis() as u64);
}

/// A transport error in words, without the URL's query.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer broke off"
    } else if e.is_request() {
        "the connection failed"
    } else {
        "transport error"
    };
    let mut detail = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        what.to_owned()
    } else {
        format!("{what}: {detail}")
    }
}

async fn stream_to_file(mut response: reqwest::Response, path: &Path) -> Result<(), BodyError> {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let io = |e| BodyError::Io(path.to_owned(), e);
    let mut file = tokio::fs::File::create(&part).await.map_err(io)?;
    let result = async {
        while let Some(chunk) = response.chunk().await.map_err(BodyError::Http)? {
            file.write_all(&chunk).await.map_err(io)?;
        }
        file.flush().await.map_err(io)?;
        file.sync_all().await.map_err(io)?;
        Ok(())
    }
    .await;
    drop(file);
    match result {
        Ok(()) => tokio::fs::rename(&part, path).await.map_err(io),
        Err(e) => {
            let _ = tokio::fs::remove_file(&part).await;
            Err(e)
        }
    }
}

/// Decodes a JSON answer; a failure names the JSON path that broke. An
/// empty body reads as `{}`.
pub(crate) fn decode_json<T: DeserializeOwned>(raw: &RawResponse) -> Result<T, ClientError> {
    let body: &[u8] = if raw.body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &raw.body
    };
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ClientError::Decode {
            path,
            message: e.into_inner().to_string(),
            response: Box::new(raw.clone()),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::header::COOKIE;
    use vsync_api::UserGetApiResponseDto;

    fn raw(body: &str) -> RawResponse {
        RawResponse {
            operation: Operation::GetUser,
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
            round_trip: Duration::ZERO,
            attempt: 1,
        }
    }

    #[test]
    fn decode_names_the_failing_path() {
        let err = decode_json::<vsync_api::AllUsersGetApiResponseDto>(&raw(
            r#"{"users":[{"userId":"a"},{"userId":"b","accountEnabled":"yes"}]}"#,
        ))
        .unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Decode);
        match &err {
            ClientError::Decode { path, .. } => assert_eq!(path, "users[1].accountEnabled"),
            other => panic!("{other:?}"),
        }
        assert!(err.to_string().contains("users[1].accountEnabled"));
    }

    #[test]
    fn unknown_fields_are_accepted() {
        let user: UserGetApiResponseDto = decode_json(&raw(
            r#"{"userId":"a","accountEnabled":true,"brandNewField":{"x":1}}"#,
        ))
        .unwrap();
        assert_eq!(user.user_id.as_deref(), Some("a"));
    }

    #[test]
    fn empty_body_reads_as_empty_object() {
        let _: vsync_api::DeleteUserResponse = decode_json(&raw("")).unwrap();
    }

    #[test]
    fn header_names_come_from_the_api_crate() {
        assert_eq!(
            header_name(headers::TARGET_TENANT_ID).as_str(),
            "targettenantid"
        );
        assert_eq!(header_name(headers::NON_VERSIONED).as_str(), "nonversioned");
    }

    #[test]
    fn header_tables_follow_the_spec() {
        assert!(takes_project(Operation::UpsertUser));
        assert!(!takes_project(Operation::AddUsers));
        assert!(takes_prefer(Operation::PatchUserGroups));
        assert!(!takes_prefer(Operation::PutUserGroups));
        assert!(!takes_non_versioned(Operation::ListUserGroupsV1));
        assert!(takes_tenant_code(Operation::PermissionsListReport));
        assert!(!takes_tenant_code(Operation::UpsertUser));
    }

    #[test]
    fn credential_headers_are_dropped_from_kept_responses() {
        let mut h = HeaderMap::new();
        h.insert(SET_COOKIE, HeaderValue::from_static("VisierASIDToken=abc"));
        h.insert(COOKIE, HeaderValue::from_static("x=y"));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer abc"));
        let h = scrub(h);
        assert!(h.get(SET_COOKIE).is_none());
        assert!(h.get(AUTHORIZATION).is_none());
    }
}
