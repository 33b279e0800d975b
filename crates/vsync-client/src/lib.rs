//! A typed async client of Visier's user-management API: vsync's only
//! way to touch a tenant.
//!
//! ```
//! use vsync_client::{Auth, Client, SecretString};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! // A simulated tenant on 127.0.0.1 stands in for Visier here.
//! let sim = vsync_sim::Sim::builder().seed_users(3).start().await?;
//! let login = sim.credentials();
//! let client = Client::builder()
//!     .base_url(sim.uri())
//!     .api_key(SecretString::from(login.apikey.clone()))
//!     .auth(Auth::Asid {
//!         username: login.username.clone(),
//!         password: SecretString::from(login.password.clone()),
//!         vanity: None,
//!     })
//!     .build()?;
//!
//! let users = client.users().get_all_users().all().await?;
//! assert_eq!(users.len(), 4, "three generated users and the admin");
//!
//! let metrics = client.metrics();
//! assert_eq!((metrics.reads(), metrics.writes()), (2, 0), "the login and one page");
//! assert_eq!(metrics.rate_limit_waits, 0, "a fresh window is spent at once");
//! # sim.shutdown().await?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```
//!
//! # Main types
//!
//! - [`Client`], built with [`Client::builder`] ([`ClientBuilder`]) or
//!   [`Client::from_env`] (the official SDK's `VISIER_*` variables, read
//!   into [`Credentials`], which also choose the [`AuthMethod`]). It
//!   holds the API key, the credentials ([`Auth`]: ASID, the OAuth 2.0
//!   password grant, or a given bearer token), the rate
//!   limits it paces by ([`RateLimit`]), the [`RetryPolicy`] of a call and
//!   the [`RetryBudget`] of a run, the [`Timeouts`] and default headers
//!   ([`CallOptions`]). Clones share one token, one pacer, one retry budget
//!   and one set of [`Metrics`].
//! - Handlers per resource, named after the SDK's operations:
//!   [`Client::users`] ([`UsersHandler`]), [`Client::user_groups`],
//!   [`Client::permissions`], [`Client::profiles`], [`Client::reports`]
//!   (XLSX streamed to a file), [`Client::projects`] (draft projects and
//!   production versions), [`Client::tenants`] and [`Client::auth`]. Each takes per-call
//!   header overrides with `with_*`. Requests and answers are the
//!   `vsync-api` DTOs; path IDs are the `vsync-model` newtypes.
//! - [`Client::in_project`]: the same client working in a draft project,
//!   its `ProjectID` sent on the versioned changes and the reads that show
//!   them (never on user creates, updates and deletes, which Visier applies
//!   at once), so a run publishes one production version, not one per
//!   request.
//! - Lists return a [`Lister`]: `.send()` for one [`Page`],
//!   `.into_stream()` for every item, `.all()` to collect. A short page
//!   ends the list, so no call is wasted (see [`page`]).
//! - [`Client::raw`] sends any operation and returns a [`RawResponse`]
//!   (status, headers, body, round-trip time) whatever the status.
//! - [`ClientError`] with [`ClientError::kind`] ([`ErrorKind`]) and the
//!   predicates callers decide by: [`ClientError::is_retryable`],
//!   [`ClientError::is_outcome_unknown`], [`ClientError::is_auth`],
//!   [`ClientError::is_rate_limited`], [`ClientError::may_have_applied`];
//!   every error caused by a response carries it.
//! - [`FailureClass`] ([`item_failure`]): what a per-item failure inside a
//!   success answer means, read from its message by a table (transient,
//!   already exists, not found, invalid, forbidden), so a caller re-sends
//!   only what may succeed.
//!
//! # Behaviour
//!
//! - **Pacing** ([`pacing`]): the calls a window has left (as the server
//!   reports them, times `share`) are spent at once; a request waits only
//!   when a window is used up, until it resets, so the client's own
//!   traffic is never answered 429. Shared by every task using the client.
//! - **Retries** ([`retry`]): the client is the one layer that repeats a
//!   request. Reads and requests safe to repeat are repeated on 429, 500,
//!   502, 503, 504 and transport failures, with jittered backoff or the
//!   server's `Retry-After`, within the call's [`RetryPolicy`] and the
//!   run's [`RetryBudget`]. A create whose answer was lost (or was a 500,
//!   502 or 504) fails with [`ErrorKind::OutcomeUnknown`] and is never
//!   replayed.
//! - **Auth**: tokens refreshed before expiry and once on a 401; the token
//!   is attached when the request leaves, after its pacing wait. A login
//!   refused with 401 or 403 is [`ErrorKind::Auth`]; a login that failed
//!   otherwise is not.
//! - **Safety**: https only (loopback or `allow_insecure_http` excepted),
//!   no redirects (the `apikey` must not reach another host), connect and
//!   request timeouts, and [`ClientBuilder::read_only`], which refuses
//!   every mutating request before it is sent ([`ErrorKind::ReadOnly`]).
//! - **Secrets** stay in `secrecy` types, go out as sensitive header
//!   values, and appear in no `Debug`, log line or error.
//! - **Observability**: every call runs in a `visier_call` tracing span
//!   (method, path template, operation id, status, attempt, duration) and
//!   is counted per [`Operation`] in [`Client::metrics`]: reads and
//!   writes, retries, 429s, time spent pacing and backing off, and the
//!   retry budget spent and left.
#![deny(missing_docs)]

mod api;
mod auth;
mod client;
mod config;
mod core;
pub mod credentials;
mod error;
pub mod item_failure;
mod metrics;
pub mod pacing;
pub mod page;
mod request;
pub mod retry;

pub use api::{
    AuthHandler, GroupUser, PermissionUser, PermissionsHandler, ProfilesHandler, ProjectsHandler,
    ReportFile, ReportsHandler, TenantsHandler, UserGroupsHandler, UsersHandler,
};
pub use client::{Client, RawCall};
pub use config::{Auth, CallOptions, ClientBuilder, RateLimit, RetryPolicy, Timeouts};
pub use credentials::{AuthMethod, Credentials};
pub use error::{ClientError, ErrorKind, RawResponse};
pub use item_failure::FailureClass;
pub use metrics::Metrics;
pub use page::{ItemStream, Lister, Page, PageBody, PagedQuery};
pub use retry::RetryBudget;

pub use secrecy::SecretString;
pub use vsync_api::paths::Operation;
pub use vsync_model::{PermissionId, ProfileId, ProjectId, UserGroupId, UserId};
