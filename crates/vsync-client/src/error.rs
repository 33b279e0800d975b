//! The one error type of the client, [`ClientError`], and its [`ErrorKind`].
//!
//! Every error that came from an HTTP response carries that response as a
//! [`RawResponse`] (status, headers, body, round-trip time), like the
//! official SDK's `ApiException`. `Display` never shows request headers,
//! so neither the API key nor a token can reach a log through an error.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use vsync_api::Status;
use vsync_api::paths::Operation;

/// What went wrong, in the terms a caller acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request could not be sent or its answer not received (DNS,
    /// connect, TLS, timeout, reset) and the operation is safe to repeat;
    /// the client's retries (or its retry budget) ran out.
    Transport,
    /// The server answered with a status other than success.
    Http,
    /// The answer could not be decoded into the expected type.
    Decode,
    /// The credentials were refused: the login answered 401 or 403, or a
    /// call still answered 401 after logging in again. A login that failed
    /// otherwise (a 500, a timeout) is not this kind.
    Auth,
    /// The server kept answering 429 after every retry.
    RateLimited,
    /// A request that creates something may have reached the server but
    /// its answer was lost, or was a 500, 502 or 504: it was not replayed.
    /// Re-read the tenant's state before trying again.
    OutcomeUnknown,
    /// The client is read-only and the request would change the tenant;
    /// nothing was sent.
    ReadOnly,
    /// The client's settings are invalid (URL, scheme, missing key).
    Config,
    /// Writing a downloaded report to disk failed.
    Io,
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ErrorKind::Transport => "transport",
            ErrorKind::Http => "http status",
            ErrorKind::Decode => "decode",
            ErrorKind::Auth => "auth",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::OutcomeUnknown => "outcome unknown",
            ErrorKind::ReadOnly => "read-only",
            ErrorKind::Config => "config",
            ErrorKind::Io => "io",
        })
    }
}

/// One HTTP response as received: what the raw mode returns and what every
/// error caused by a response carries.
///
/// `Set-Cookie` and `Authorization` response headers are dropped, and the
/// body of a successful token response is never kept, so a `RawResponse`
/// holds no credential.
#[derive(Clone)]
pub struct RawResponse {
    /// The operation that was called.
    pub operation: Operation,
    /// The HTTP status.
    pub status: StatusCode,
    /// The response headers (without `Set-Cookie` and `Authorization`).
    pub headers: HeaderMap,
    /// The response body (empty for a report streamed to a file, or for a
    /// token response).
    pub body: Bytes,
    /// From sending the request to receiving the whole body.
    pub round_trip: Duration,
    /// Which attempt (1-based) this response answered.
    pub attempt: u32,
}

impl RawResponse {
    /// The body as text, lossily decoded.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Decodes the body as JSON; a failure names the path that broke.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, ClientError> {
        crate::core::decode_json(self)
    }

    /// The Visier `Status` error body, when the body is one.
    pub fn status_body(&self) -> Option<Status> {
        serde_json::from_slice::<Status>(&self.body)
            .ok()
            .filter(|s| s.code.is_some() || s.localized_message.is_some() || s.rci.is_some())
    }
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const MAX: usize = 512;
        let text = self.text();
        let body: &str = if text.len() > MAX {
            let mut end = MAX;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            &text[..end]
        } else {
            &text
        };
        f.debug_struct("RawResponse")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body", &body)
            .field("body_len", &self.body.len())
            .field("round_trip", &self.round_trip)
            .field("attempt", &self.attempt)
            .finish()
    }
}

/// The error of every client call. See [`ClientError::kind`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// See [`ErrorKind::Transport`].
    #[error("failed to call {operation} (attempt {attempts}): {message}")]
    Transport {
        /// The operation called.
        operation: Operation,
        /// What failed, in a few words ("timed out", "could not connect");
        /// the details are in the source.
        message: String,
        /// How many attempts were made.
        attempts: u32,
        /// The HTTP client's error.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// See [`ErrorKind::Http`].
    #[error("{} answered HTTP {}{}", .response.operation, .response.status, StatusSuffix(.status_body.as_ref()))]
    Http {
        /// The Visier `Status` body, when the answer had one.
        status_body: Option<Status>,
        /// The response.
        response: Box<RawResponse>,
    },
    /// See [`ErrorKind::Decode`].
    #[error("failed to decode the answer of {} at `{path}`: {message}", .response.operation)]
    Decode {
        /// The JSON path that failed (`users[3].accountEnabled`).
        path: String,
        /// What was wrong there.
        message: String,
        /// The response.
        response: Box<RawResponse>,
    },
    /// See [`ErrorKind::Auth`].
    #[error("failed to authenticate: {message}")]
    Auth {
        /// What failed, without credentials.
        message: String,
        /// The response that refused, if any.
        response: Option<Box<RawResponse>>,
    },
    /// See [`ErrorKind::RateLimited`].
    #[error("{} still rate limited (HTTP 429) after {attempts} attempts", .response.operation)]
    RateLimited {
        /// How many attempts were made.
        attempts: u32,
        /// The last 429 response.
        response: Box<RawResponse>,
    },
    /// See [`ErrorKind::OutcomeUnknown`].
    #[error(
        "outcome of {operation} unknown ({message}); the request may have been applied, re-read the tenant before retrying"
    )]
    OutcomeUnknown {
        /// The operation called.
        operation: Operation,
        /// What happened after the request was sent, in a few words; the
        /// details are in the source.
        message: String,
        /// The answer (500, 502, 504), if there was one.
        response: Option<Box<RawResponse>>,
        /// The HTTP client's error, if the connection failed.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// See [`ErrorKind::ReadOnly`].
    #[error("refused to send {operation}: the client is read-only")]
    ReadOnly {
        /// The operation that would have changed the tenant.
        operation: Operation,
    },
    /// See [`ErrorKind::Config`].
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// See [`ErrorKind::Io`].
    #[error("failed to write report {}", .path.display())]
    Io {
        /// The file being written.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

struct StatusSuffix<'a>(Option<&'a Status>);

impl fmt::Display for StatusSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(status) = self.0 else { return Ok(()) };
        if let Some(code) = &status.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = status
            .localized_message
            .as_ref()
            .or(status.message.as_ref())
        {
            write!(f, ": {message}")?;
        }
        if let Some(rci) = &status.rci {
            write!(f, " (rci {rci})")?;
        }
        Ok(())
    }
}

impl ClientError {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            ClientError::Transport { .. } => ErrorKind::Transport,
            ClientError::Http { .. } => ErrorKind::Http,
            ClientError::Decode { .. } => ErrorKind::Decode,
            ClientError::Auth { .. } => ErrorKind::Auth,
            ClientError::RateLimited { .. } => ErrorKind::RateLimited,
            ClientError::OutcomeUnknown { .. } => ErrorKind::OutcomeUnknown,
            ClientError::ReadOnly { .. } => ErrorKind::ReadOnly,
            ClientError::Config(_) => ErrorKind::Config,
            ClientError::Io { .. } => ErrorKind::Io,
        }
    }

    /// Whether trying the same call again later may succeed without any
    /// other change: transport failures of repeatable calls, 429, 500,
    /// 502, 503, 504. The client already repeated it as far as its retry
    /// policy and budget allowed. An [`ErrorKind::OutcomeUnknown`] is not
    /// retryable: re-read first.
    pub fn is_retryable(&self) -> bool {
        match self {
            ClientError::Transport { .. } | ClientError::RateLimited { .. } => true,
            ClientError::Http { response, .. } => {
                crate::retry::is_retryable_status(response.status)
            }
            _ => false,
        }
    }

    /// Whether the request may have changed the tenant although no success
    /// came back ([`ErrorKind::OutcomeUnknown`]): re-read before deciding.
    pub fn is_outcome_unknown(&self) -> bool {
        self.kind() == ErrorKind::OutcomeUnknown
    }

    /// Whether the request may have reached the tenant and acted although
    /// no success came back, so only a read can tell what it did: an
    /// [`ErrorKind::OutcomeUnknown`], a success answer that could not be
    /// decoded, a 500, 502 or 504 (the server, or the one behind a gateway,
    /// may have acted), or a transport failure after the request left
    /// (a timeout, a reset). Not a 429 or 503 (refused without acting), a
    /// connection that could not be made, nor any other status.
    pub fn may_have_applied(&self) -> bool {
        match self {
            ClientError::OutcomeUnknown { .. } => true,
            ClientError::Decode { response, .. } => response.status.is_success(),
            ClientError::Http { response, .. } => {
                matches!(response.status.as_u16(), 500 | 502 | 504)
            }
            ClientError::Transport { source, .. } => {
                !source.as_ref().is_some_and(reqwest::Error::is_connect)
            }
            _ => false,
        }
    }

    /// Whether the credentials were refused ([`ErrorKind::Auth`]).
    pub fn is_auth(&self) -> bool {
        self.kind() == ErrorKind::Auth
    }

    /// Whether the server refused for the rate limit (HTTP 429).
    pub fn is_rate_limited(&self) -> bool {
        self.kind() == ErrorKind::RateLimited
            || self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// Whether nothing was sent because the client is read-only
    /// ([`ErrorKind::ReadOnly`]).
    pub fn is_read_only(&self) -> bool {
        self.kind() == ErrorKind::ReadOnly
    }

    /// The response that caused the error, if one was received.
    pub fn response(&self) -> Option<&RawResponse> {
        match self {
            ClientError::Http { response, .. }
            | ClientError::Decode { response, .. }
            | ClientError::RateLimited { response, .. } => Some(response),
            ClientError::Auth { response, .. } | ClientError::OutcomeUnknown { response, .. } => {
                response.as_deref()
            }
            _ => None,
        }
    }

    /// The HTTP status of the response that caused the error.
    pub fn status(&self) -> Option<StatusCode> {
        self.response().map(|r| r.status)
    }

    /// The Visier `Status` body of the response that caused the error.
    pub fn status_body(&self) -> Option<Status> {
        match self {
            ClientError::Http { status_body, .. } => status_body.clone(),
            _ => self.response().and_then(RawResponse::status_body),
        }
    }

    /// The root-cause ID Visier support asks for, when the server gave one.
    pub fn rci(&self) -> Option<String> {
        self.status_body().and_then(|s| s.rci)
    }

    /// The operation that failed, when the error is about one.
    pub fn operation(&self) -> Option<Operation> {
        match self {
            ClientError::Transport { operation, .. }
            | ClientError::OutcomeUnknown { operation, .. }
            | ClientError::ReadOnly { operation } => Some(*operation),
            _ => self.response().map(|r| r.operation),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(status: u16, body: &str) -> RawResponse {
        RawResponse {
            operation: Operation::GetUser,
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            body: Bytes::from(body.to_owned()),
            round_trip: Duration::from_millis(3),
            attempt: 1,
        }
    }

    #[test]
    fn http_error_names_operation_status_and_rci() {
        let response = response(
            404,
            r#"{"code":"NotFound","localizedMessage":"no such user","rci":"r-42"}"#,
        );
        let err = ClientError::Http {
            status_body: response.status_body(),
            response: Box::new(response),
        };
        assert_eq!(err.kind(), ErrorKind::Http);
        assert_eq!(err.rci().as_deref(), Some("r-42"));
        assert_eq!(
            err.to_string(),
            "GET /v1/admin/users/{userId} answered HTTP 404 Not Found NotFound: no such user (rci r-42)"
        );
        assert!(!err.is_retryable());
    }

    #[test]
    fn retryable_statuses() {
        for (status, retryable) in [
            (429, true),
            (500, true),
            (502, true),
            (503, true),
            (504, true),
            (400, false),
            (404, false),
            (409, false),
        ] {
            let err = ClientError::Http {
                status_body: None,
                response: Box::new(response(status, "")),
            };
            assert_eq!(err.is_retryable(), retryable, "{status}");
            assert_eq!(
                err.may_have_applied(),
                matches!(status, 500 | 502 | 504),
                "{status}: only a server error may have acted; 429 and 503 refuse"
            );
        }
        let unknown = ClientError::OutcomeUnknown {
            operation: Operation::AddUsers,
            message: "connection reset".into(),
            response: None,
            source: None,
        };
        assert_eq!(unknown.kind(), ErrorKind::OutcomeUnknown);
        assert!(unknown.may_have_applied());
        assert!(!unknown.is_retryable());
        assert!(unknown.is_outcome_unknown());
        assert!(!unknown.is_auth() && !unknown.is_rate_limited());
        let throttled = ClientError::RateLimited {
            attempts: 3,
            response: Box::new(response(429, "")),
        };
        assert!(throttled.is_rate_limited() && throttled.is_retryable());
        assert!(!throttled.may_have_applied());
        let refused = ClientError::Http {
            status_body: None,
            response: Box::new(response(429, "")),
        };
        assert!(refused.is_rate_limited());
        let auth = ClientError::Auth {
            message: "refused".into(),
            response: None,
        };
        assert!(auth.is_auth() && !auth.is_retryable());
        let read_only = ClientError::ReadOnly {
            operation: Operation::AddUsers,
        };
        assert!(read_only.is_read_only());
        assert_eq!(read_only.kind(), ErrorKind::ReadOnly);
    }

    /// Messages say each thing once: what a message holds is not repeated
    /// by its source, so a printed chain reads without repeats.
    #[test]
    fn messages_do_not_repeat_their_source() {
        let io = ClientError::Io {
            path: PathBuf::from("/tmp/report.xlsx"),
            source: std::io::Error::new(std::io::ErrorKind::StorageFull, "no space left"),
        };
        let source = std::error::Error::source(&io).unwrap().to_string();
        assert!(!io.to_string().contains(&source), "{io}");
    }

    #[test]
    fn debug_of_a_response_truncates_long_bodies() {
        let long = "x".repeat(5000);
        let text = format!("{:?}", response(200, &long));
        assert!(text.len() < 1200, "{}", text.len());
        assert!(text.contains("body_len: 5000"));
    }
}
