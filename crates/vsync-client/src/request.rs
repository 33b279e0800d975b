//! One request before it is sent: operation, path, query, body, per-call
//! options, and the headers each operation's spec takes.

use std::path::Path;

use bytes::Bytes;
use http::header::{ACCEPT, AUTHORIZATION};
use http::{HeaderMap, HeaderName, HeaderValue};
use secrecy::ExposeSecret;
use serde::Serialize;
use vsync_api::bool_static_str;
use vsync_api::headers;
use vsync_api::paths::Operation;

use crate::client::Client;
use crate::{CallOptions, ClientError};

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

/// The `tenantCode` query parameter is in the spec of these operations.
pub(crate) fn takes_tenant_code(op: Operation) -> bool {
    op.takes_tenant_code()
}

pub(crate) fn is_token_op(op: Operation) -> bool {
    matches!(op, Operation::AsidToken | Operation::OAuth2Token)
}

/// A header name of `vsync_api::headers` (mixed case there; lower case on
/// the wire).
pub(crate) fn header_name(name: &'static str) -> HeaderName {
    HeaderName::from_bytes(name.as_bytes()).expect("vsync-api header names are valid")
}

fn header_value(name: &str, value: &str) -> Result<HeaderValue, ClientError> {
    HeaderValue::from_str(value)
        .map_err(|_| ClientError::Config(format!("invalid value for header {name}")))
}

impl Client {
    /// The headers of `req` that do not change between attempts.
    pub(crate) fn fixed_headers(&self, req: &Request) -> Result<HeaderMap, ClientError> {
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
        // Each header only where the operation's spec lists it.
        let o = &req.opts;
        let assigns = op == Operation::AssignPermissionsToUsers;
        let texts = [
            (headers::TARGET_TENANT_ID, o.target_tenant.as_deref(), true),
            (
                headers::PROJECT_ID,
                o.project.as_deref(),
                op.takes_project(),
            ),
            (
                headers::PREFER,
                o.prefer.as_ref().map(vsync_api::NvLock::as_str),
                op.takes_prefer(),
            ),
            (
                headers::SESSION_REPO_ID,
                o.session_repo_id.as_deref(),
                assigns,
            ),
        ];
        for (name, value, listed) in texts {
            if let Some(value) = value.filter(|_| listed) {
                h.insert(header_name(name), header_value(name, value)?);
            }
        }
        let flags = [
            (
                headers::NON_VERSIONED,
                o.non_versioned,
                op.takes_non_versioned(),
            ),
            (
                headers::FAST_MODE,
                o.fast_mode,
                op == Operation::CreatePermissions,
            ),
            (
                headers::SESSION_BASED_PERMISSIONS,
                o.session_based_permissions,
                assigns,
            ),
        ];
        for (name, value, listed) in flags {
            if let Some(value) = value.filter(|_| listed) {
                h.insert(
                    header_name(name),
                    HeaderValue::from_static(bool_static_str(value)),
                );
            }
        }
        Ok(h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_come_from_the_api_crate() {
        assert_eq!(
            header_name(headers::TARGET_TENANT_ID).as_str(),
            "targettenantid"
        );
        assert_eq!(header_name(headers::NON_VERSIONED).as_str(), "nonversioned");
    }
}
