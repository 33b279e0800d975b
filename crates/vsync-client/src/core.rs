//! The one path every request takes: read-only guard, pacing, the session
//! (attached after the pacing wait, as the request leaves), send, classify,
//! repeat within the retry policy and budget, trace, count.

use std::path::{Path, PathBuf};
use std::time::Duration;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, SET_COOKIE};
use http::{HeaderMap, Method, StatusCode};
use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;
use tracing::Instrument;
use vsync_api::NvLock;
use vsync_api::paths::Operation;

use crate::auth::Credential;
use crate::client::Client;
use crate::pacing::{Refusal, Ticket};
use crate::retry::{backoff, is_idempotent, is_mutating};
use crate::{ClientError, RawResponse};

pub(crate) use crate::request::{Mode, ReqBody, Request, Sink, is_token_op, takes_tenant_code};

/// Logins one request may trigger while waiting for its place, before it
/// goes out with the token it has (a token living shorter than the pacing
/// wait would otherwise log in forever).
const MAX_LOGINS_BEFORE_SENDING: u32 = 2;

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

/// What to wait for before repeating a request.
#[derive(Debug, Clone, Copy)]
enum Wait {
    /// Nothing more: the pacer holds the repeat (a `Retry-After` after a
    /// 429, a window reported spent).
    Pacer,
    /// The server's `Retry-After`, exactly.
    Exactly(Duration),
    /// The retry policy's jittered backoff.
    Backoff,
}

/// An attempt that may be repeated.
enum Failed {
    /// The request was not sent, or it is safe to send again.
    Transport {
        message: String,
        source: reqwest::Error,
    },
    /// An answer that is not a success.
    Answer { raw: RawResponse, wait: Wait },
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
            let (ticket, credential) = self.pace_and_sign(op).await?;
            attempt += 1;
            inner.metrics.call(op, attempt > 1);
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
            let started = Instant::now();
            let failed = match builder.send().await {
                Err(e) => {
                    record(span, None, attempt, started.elapsed());
                    if e.is_builder() {
                        ticket.unused();
                        return Err(ClientError::Config(format!(
                            "cannot build the request of {op}"
                        )));
                    }
                    let nothing_sent = e.is_connect();
                    if nothing_sent {
                        ticket.unused();
                    } else {
                        // It may have reached the server: it counts.
                        drop(ticket);
                    }
                    let source = e.without_url();
                    let message = describe(&source).to_owned();
                    if !nothing_sent && !is_idempotent(op) {
                        return Err(lost(op, attempt, message, source));
                    }
                    Failed::Transport { message, source }
                }
                Ok(response) => {
                    let status = response.status();
                    let response_headers = response.headers().clone();
                    let refusal = ticket.answered(status, &response_headers);
                    let body = match sink {
                        Sink::File(path) if status.is_success() => {
                            stream_to_file(response, path).await.map(|()| Bytes::new())
                        }
                        _ => response.bytes().await.map_err(BodyError::Http),
                    };
                    let round_trip = started.elapsed();
                    record(span, Some(status), attempt, round_trip);
                    match body {
                        Err(BodyError::Io(path, source)) => {
                            return Err(ClientError::Io { path, source });
                        }
                        Err(BodyError::Http(e)) => {
                            let source = e.without_url();
                            let message = format!("the answer (HTTP {status}) broke off");
                            if !is_idempotent(op) {
                                return Err(lost(op, attempt, message, source));
                            }
                            Failed::Transport { message, source }
                        }
                        Ok(body) => {
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
                            if status == StatusCode::UNAUTHORIZED
                                && let Some(c) = &credential
                            {
                                if c.refreshable && !reauthenticated {
                                    // Logging in again is not a retry: no budget spent.
                                    reauthenticated = true;
                                    tracing::info!(attempt, "401: logging in again");
                                    self.invalidate(c.generation);
                                    continue;
                                }
                                if mode == Mode::Raw {
                                    return Ok(raw);
                                }
                                return Err(ClientError::Auth {
                                    message: format!(
                                        "{op} answered HTTP 401 with fresh credentials"
                                    ),
                                    response: Some(Box::new(raw)),
                                });
                            }
                            if status == StatusCode::TOO_MANY_REQUESTS {
                                inner.metrics.throttled();
                            }
                            match next_step(req, &raw, refusal) {
                                Next::Repeat(wait) => Failed::Answer { raw, wait },
                                Next::Final => {
                                    let failed = Failed::Answer {
                                        raw,
                                        wait: Wait::Pacer,
                                    };
                                    return finish(failed, op, mode, attempt);
                                }
                                Next::OutcomeUnknown if mode == Mode::Raw => return Ok(raw),
                                Next::OutcomeUnknown => {
                                    tracing::warn!(
                                        attempt,
                                        status = status.as_u16(),
                                        "outcome unknown, not replayed"
                                    );
                                    return Err(ClientError::OutcomeUnknown {
                                        operation: op,
                                        message: format!("answered HTTP {status}"),
                                        response: Some(Box::new(raw)),
                                        source: None,
                                    });
                                }
                            }
                        }
                    }
                }
            };
            if retries < policy.max_retries && inner.retry_budget.try_spend() {
                retries += 1;
                let delay = match &failed {
                    Failed::Transport { .. } => backoff(&policy, retries, None),
                    Failed::Answer { wait, .. } => match wait {
                        Wait::Pacer => Duration::ZERO,
                        Wait::Exactly(d) => *d,
                        Wait::Backoff => backoff(&policy, retries, None),
                    },
                };
                match &failed {
                    Failed::Transport { message, .. } => tracing::warn!(
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        error = %message,
                        "retrying after a transport failure"
                    ),
                    Failed::Answer { raw, .. } => tracing::warn!(
                        attempt,
                        status = raw.status.as_u16(),
                        delay_ms = delay.as_millis() as u64,
                        "retrying"
                    ),
                }
                if !delay.is_zero() {
                    inner.metrics.backed_off(delay);
                    tokio::time::sleep(delay).await;
                }
                continue;
            }
            if retries < policy.max_retries {
                tracing::warn!(attempt, "retry budget spent: not repeating");
            }
            return finish(failed, op, mode, attempt);
        }
    }

    /// Waits for a place under the rate limit, then takes the session the
    /// request leaves with: a token that went stale during the wait is
    /// renewed first (the place is given back for the login, which is a
    /// call of its own, and taken again after).
    async fn pace_and_sign(
        &self,
        op: Operation,
    ) -> Result<(Ticket<'_>, Option<Credential>), ClientError> {
        let mut logins = 0;
        loop {
            let ticket = self.inner.pacer.acquire().await;
            self.inner.metrics.waited(ticket.waited);
            if is_token_op(op) {
                return Ok((ticket, None));
            }
            let allow_stale = logins >= MAX_LOGINS_BEFORE_SENDING;
            if let Some(credential) = self.current_credential(allow_stale)? {
                return Ok((ticket, Some(credential)));
            }
            ticket.unused();
            self.credential().await?;
            logins += 1;
        }
    }
}

/// What follows an answer that is not a success.
#[derive(Debug)]
enum Next {
    /// Repeat the request after the wait.
    Repeat(Wait),
    /// Return it: the same request would fail again.
    Final,
    /// A create that may have been applied: never replayed.
    OutcomeUnknown,
}

fn next_step(req: &Request, raw: &RawResponse, refusal: Refusal) -> Next {
    let op = req.op;
    let server_wait = crate::pacing::retry_after(&raw.headers).map_or(Wait::Backoff, Wait::Exactly);
    match raw.status.as_u16() {
        429 => Next::Repeat(match refusal {
            Refusal::RetryAfter(_) | Refusal::WindowSpent => Wait::Pacer,
            Refusal::Unexplained | Refusal::None => Wait::Backoff,
        }),
        // Refused without acting on it: repeated for every operation.
        503 => Next::Repeat(server_wait),
        500 | 502 | 504 if is_idempotent(op) => Next::Repeat(server_wait),
        // The server (or the one behind a gateway) may have acted.
        500 | 502 | 504 => Next::OutcomeUnknown,
        409 if req.opts.prefer == Some(NvLock::Artifact) && op.takes_prefer() => {
            Next::Repeat(Wait::Backoff)
        }
        _ => Next::Final,
    }
}

/// A request that may have reached the server and is not safe to repeat,
/// whose answer was lost: [`ClientError::OutcomeUnknown`].
fn lost(op: Operation, attempt: u32, message: String, source: reqwest::Error) -> ClientError {
    tracing::warn!(attempt, error = %message, "outcome unknown, not replayed");
    ClientError::OutcomeUnknown {
        operation: op,
        message,
        response: None,
        source: Some(source),
    }
}

/// The error (or, in raw mode, the answer) of a request that is not
/// repeated again.
fn finish(
    failed: Failed,
    operation: Operation,
    mode: Mode,
    attempts: u32,
) -> Result<RawResponse, ClientError> {
    match failed {
        Failed::Transport { message, source } => Err(ClientError::Transport {
            operation,
            message,
            attempts,
            source: Some(source),
        }),
        Failed::Answer { raw, .. } if mode == Mode::Raw => Ok(raw),
        Failed::Answer { raw, .. } if raw.status == StatusCode::TOO_MANY_REQUESTS => {
            Err(ClientError::RateLimited {
                attempts,
                response: Box::new(raw),
            })
        }
        Failed::Answer { raw, .. } => Err(ClientError::Http {
            status_body: raw.status_body(),
            response: Box::new(raw),
        }),
    }
}

fn record(span: &tracing::Span, status: Option<StatusCode>, attempt: u32, elapsed: Duration) {
    if let Some(s) = status {
        span.record("status", s.as_u16());
    }
    span.record("attempt", attempt);
    span.record("duration_ms", elapsed.as_millis() as u64);
}

/// A transport error in a few words; the details are in its source chain.
fn describe(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "the answer broke off"
    } else if e.is_request() {
        "the connection failed"
    } else {
        "transport error"
    }
}

async fn stream_to_file(mut response: reqwest::Response, path: &Path) -> Result<(), BodyError> {
    let io = |e| BodyError::Io(path.to_owned(), e);
    let fs = |e: vsync_fs::Error| BodyError::Io(path.to_owned(), e.into_io());
    // A temporary file beside `path`, removed if the download fails; put in place (fsynced,
    // renamed, the folder fsynced) only once the whole body is in.
    let pending = vsync_fs::PendingFile::beside(path).map_err(fs)?;
    let mut file = tokio::fs::File::from_std(pending.file().try_clone().map_err(io)?);
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Http)? {
        file.write_all(&chunk).await.map_err(io)?;
    }
    file.flush().await.map_err(io)?;
    drop(file);
    tokio::task::spawn_blocking(move || pending.commit())
        .await
        .map_err(|e| io(std::io::Error::other(e)))?
        .map_err(fs)
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
    use http::HeaderValue;
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

    fn answer(status: u16, retry_after: Option<&'static str>) -> RawResponse {
        let mut headers = HeaderMap::new();
        if let Some(v) = retry_after {
            headers.insert(http::header::RETRY_AFTER, HeaderValue::from_static(v));
        }
        RawResponse {
            status: StatusCode::from_u16(status).unwrap(),
            headers,
            ..raw("")
        }
    }

    fn request(op: Operation) -> Request {
        Request::new(op, op.path_template(), crate::CallOptions::default())
    }

    #[test]
    fn what_follows_an_answer_depends_on_its_class() {
        let read = request(Operation::ListUsers);
        let create = request(Operation::AddUsers);
        let step = |req: &Request, status, retry_after, refusal| {
            format!(
                "{:?}",
                next_step(req, &answer(status, retry_after), refusal)
            )
        };
        let none = Refusal::None;
        assert_eq!(step(&read, 500, None, none), "Repeat(Backoff)");
        assert_eq!(step(&read, 504, None, none), "Repeat(Backoff)");
        assert_eq!(step(&read, 503, Some("3"), none), "Repeat(Exactly(3s))");
        assert_eq!(step(&create, 503, None, none), "Repeat(Backoff)");
        assert_eq!(step(&create, 500, None, none), "OutcomeUnknown");
        assert_eq!(step(&create, 502, None, none), "OutcomeUnknown");
        assert_eq!(step(&read, 404, None, none), "Final");
        assert_eq!(step(&read, 409, None, none), "Final");
        let limited = Refusal::RetryAfter(Duration::from_secs(2));
        assert_eq!(step(&create, 429, Some("2"), limited), "Repeat(Pacer)");
        assert_eq!(
            step(&read, 429, None, Refusal::WindowSpent),
            "Repeat(Pacer)"
        );
        assert_eq!(
            step(&read, 429, None, Refusal::Unexplained),
            "Repeat(Backoff)"
        );
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
