//! A typed async client of Visier's user-management API: vsync's only
//! way to touch a tenant.
//!
//! # Main types
//!
//! - [`Client`], built with [`Client::builder`] ([`ClientBuilder`]) or
//!   [`Client::from_env`] (the official SDK's `VISIER_*` variables, read
//!   into [`Credentials`], which also choose the [`AuthMethod`]). It
//!   holds the API key, the credentials ([`Auth`]: ASID, OAuth 2.0
//!   password or client credentials, or a given bearer token), the pacing
//!   ([`RateLimit`]), the [`RetryPolicy`], the [`Timeouts`] and default
//!   headers ([`CallOptions`]). Clones share one token, one rate limiter
//!   and one set of [`Metrics`].
//! - Handlers per resource, named after the SDK's operations:
//!   [`Client::users`] ([`UsersHandler`]), [`Client::user_groups`],
//!   [`Client::permissions`], [`Client::profiles`], [`Client::reports`]
//!   (XLSX streamed to a file) and [`Client::auth`]. Each takes per-call
//!   header overrides with `with_*`. Requests and answers are the
//!   `vsync-api` DTOs; path IDs are the `vsync-model` newtypes.
//! - Lists return a [`Lister`]: `.send()` for one [`Page`],
//!   `.into_stream()` for every item, `.all()` to collect. A short page
//!   ends the list, so no call is wasted (see [`page`]).
//! - [`Client::raw`] sends any operation and returns a [`RawResponse`]
//!   (status, headers, body, round-trip time) whatever the status.
//! - [`ClientError`] with [`ClientError::kind`] ([`ErrorKind`]) and
//!   [`ClientError::is_retryable`]; every error caused by a response
//!   carries it.
//!
//! # Behaviour
//!
//! - **Pacing** ([`pacing`]): a local quota (governor) under the limit
//!   times `share`, corrected by the server's `X-RateLimit-Remaining-*`
//!   and `Retry-After`, shared by every task using the client.
//! - **Retries** ([`retry`]): bounded exponential backoff with full jitter
//!   on 429, 502, 503, 504 and transport failures, for requests safe to
//!   repeat. A create whose answer was lost fails with
//!   [`ErrorKind::OutcomeUnknown`] and is never replayed.
//! - **Auth**: tokens refreshed before expiry and once on a 401.
//! - **Safety**: https only (loopback or `allow_insecure_http` excepted),
//!   no redirects (the `apikey` must not reach another host), connect and
//!   request timeouts, and [`ClientBuilder::read_only`], which refuses
//!   every mutating request before it is sent.
//! - **Secrets** stay in `secrecy` types, go out as sensitive header
//!   values, and appear in no `Debug`, log line or error.
//! - **Observability**: every call runs in a `visier_call` tracing span
//!   (method, path template, operation id, status, attempt, duration) and
//!   is counted per [`Operation`] in [`Client::metrics`].
#![warn(missing_docs)]

mod api;
mod auth;
mod client;
mod config;
mod core;
pub mod credentials;
mod error;
mod metrics;
pub mod pacing;
pub mod page;
pub mod retry;

pub use api::{
    AuthHandler, GroupUser, PermissionUser, PermissionsHandler, ProfilesHandler, ReportFile,
    ReportsHandler, UserGroupsHandler, UsersHandler,
};
pub use client::{Client, RawCall};
pub use config::{Auth, CallOptions, ClientBuilder, RateLimit, RetryPolicy, Timeouts};
pub use credentials::{AuthMethod, Credentials};
pub use error::{ClientError, ErrorKind, RawResponse};
pub use metrics::Metrics;
pub use page::{ItemStream, Lister, Page, PageBody, PagedQuery};

pub use secrecy::SecretString;
pub use vsync_api::paths::Operation;
pub use vsync_model::{PermissionId, ProfileId, UserGroupId, UserId};
