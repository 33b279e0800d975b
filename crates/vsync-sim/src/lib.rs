#![deny(missing_docs)]
//! A simulated Visier tenant: an axum server that speaks the user-management
//! API of `users-api.openapi.yaml` and the projects, production versions and
//! tenants API of `projects-api.openapi.yaml`, for tests, benchmarks,
//! `vsync demo` and migration rehearsals.
//!
//! # Main types
//!
//! - [`Sim`] is a running tenant on 127.0.0.1: [`Sim::uri`],
//!   [`Sim::received_requests`] ([`RecordedRequest`]), [`Sim::call_count`]
//!   per [`Operation`], [`Sim::snapshot`] ([`TenantSnapshot`]),
//!   [`Sim::production_versions`]. Build one with [`Sim::builder`]
//!   ([`SimBuilder`]), which fills a [`SimConfig`].
//! - Projects: each tenant keeps its draft projects ([`SimProject`]) as an
//!   overlay of the versioned artifacts on production ([`ProjectChanges`]:
//!   user groups with their members and permissions, the permission catalog,
//!   direct permission assignments), never a copy; users, profiles and
//!   profile assignments are global and change at once. Every direct
//!   request that changes a versioned artifact, and every `commitAndPublish`
//!   that changes something, records one [`ProductionVersion`].
//!   [`Sim::project_snapshot`] shows a tenant as a project sees it;
//!   [`Sim::create_project`] makes one without an API call.
//! - Call expectations, checked when the [`Sim`] is dropped as wiremock
//!   checks its mocks: [`Sim::expect`] returns an [`Expectation`] to narrow
//!   with [`Expectation::times`], [`Expectation::at_least`],
//!   [`Expectation::at_most`] or [`Expectation::never`]; [`Sim::verify`]
//!   checks them before the drop. A failed expectation panics with the
//!   expected and received counts (never while the test already panics).
//! - Faults: [`FaultKind`] (status, connection reset, latency, per-item
//!   failures), drawn at random with [`SimBuilder::fault_rate`] from a seeded
//!   RNG, or planned with [`ScriptedFault`].
//! - [`cli::SimArgs`] are the program's flags (shared with `vsync sim`), and
//!   [`cli::serve`] runs until Ctrl-C.
//!
//! # How a request flows
//!
//! Every request passes one gateway: it is recorded and counted, charged to
//! its API key's rate-limit windows (429 past the limit), authenticated
//! (`apikey` header, then the `VisierASIDToken` cookie or a bearer token),
//! assigned a tenant (`tenantCode` query, else `TargetTenantID`, else the
//! administrating tenant) and, on the operations whose spec has the header, a
//! project (`ProjectID`: an open project of that tenant; 400 when it is not
//! a UUID or already published, 404 when unknown or deleted), then faults
//! are decided. The handler runs under one mutex around all tenants; a
//! handler working in a project sees the project's view of the versioned
//! artifacts in place of production's, and what it changes there becomes
//! the project's changes. The answer gets the `X-RateLimit-*` headers.
//!
//! # Defaults
//!
//! Username `admin`, password `admin`, API key `dev-apikey`, OAuth client
//! `vsync-demo` / `vsync-demo-secret`; 100 generated users plus `admin`
//! (Administrator profile); 15 permissions, 6 profiles, 8 user groups;
//! administrating tenant `WFF_sim` with analytic tenants `WFF_sim~t01` and
//! `WFF_sim~t02`; rate limits 100 a minute and 6,000 an hour per API key.
//!
//! # Example
//!
//! A tenant on 127.0.0.1 port 0, signed in to and read with a plain HTTP
//! client, the answer decoded into the API's DTOs:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use vsync_api::{AllUsersGetApiResponseDto, headers, paths};
//! use vsync_sim::{FaultKind, Operation, ScriptedFault, Sim};
//!
//! let sim = Sim::builder()
//!     .seed_users(5)
//!     .script(ScriptedFault::nth(
//!         axum::http::Method::POST,
//!         paths::USERS_V2,
//!         3,
//!         FaultKind::Status(503),
//!     ))
//!     .start()
//!     .await?;
//! sim.expect(Operation::ListUsers).times(1);
//!
//! # let _ = rustls::crypto::ring::default_provider().install_default();
//! let http = reqwest::Client::new();
//! let token = http
//!     .post(format!("{}{}", sim.uri(), paths::ASID_TOKEN))
//!     .form(&[("username", "admin"), ("password", "admin")])
//!     .send()
//!     .await?
//!     .text()
//!     .await?;
//! let page: AllUsersGetApiResponseDto = http
//!     .get(format!("{}{}", sim.uri(), paths::USERS_V1))
//!     .header(headers::API_KEY, "dev-apikey")
//!     .header("Cookie", headers::asid_cookie(&token))
//!     .send()
//!     .await?
//!     .json()
//!     .await?;
//! assert_eq!(page.users.map(|u| u.len()), Some(6), "five people and admin");
//! # Ok(())
//! # }
//! ```

mod api;
mod app;
pub mod cli;
mod config;
mod error;
mod expect;
mod faults;
mod gateway;
mod http;
mod persist;
mod projects;
mod ratelimit;
mod reports;
mod seed;
mod sim;
mod state;
mod tokens;

pub use config::{
    Credentials, DEFAULT_ADMIN_TENANT, DEFAULT_APIKEY, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET,
    DEFAULT_PASSWORD, DEFAULT_SEED, DEFAULT_SEED_USERS, DEFAULT_TOKEN_LIFETIME, DEFAULT_USERNAME,
    FaultKind, Occurrence, RejectRule, ScriptedFault, SimConfig,
};
pub use error::{SimError, SimErrorKind};
pub use expect::Expectation;
pub use gateway::RecordedRequest;
pub use projects::{ProductionVersion, ProjectChanges, ProjectStatus, SimProject};
pub use reports::columns as report_columns;
pub use seed::{DOMAIN, PERMISSIONS as SEEDED_PERMISSIONS, PROFILES as SEEDED_PROFILES};
pub use sim::{ANALYTIC_TENANT_USERS, Sim, SimBuilder};
pub use state::{
    CorrelationRecord, LogEvent, ProfileAssignment, SimGroup, SimPermission, SimProfile, SimUser,
    TenantSnapshot,
};
pub use vsync_api::paths::Operation;
