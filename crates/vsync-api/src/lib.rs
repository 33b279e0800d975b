#![deny(missing_docs)]
//! Wire types of the Visier user-management API, serde only.
//!
//! One Rust struct per schema in `components/schemas` of
//! `users-api.openapi.yaml` and `projects-api.openapi.yaml`, shared by the simulated tenant (`vsync-sim`)
//! and the typed client (`vsync-client`) so both speak the same JSON.
//!
//! # Naming
//!
//! A Rust name is the schema name without its `servicing.`/`admin.`
//! prefix, with `API`, `DTO` and `IDs` written `Api`, `Dto` and `Ids`:
//! `servicing.UsersCreationAPIRequestDTO` is [`UsersCreationApiRequestDto`],
//! `admin.ElementIDsDTO` is [`ElementIdsDto`]. Each type's doc names its
//! schema. Every type is re-exported at the crate root.
//!
//! # Shape rules
//!
//! - Field names are the wire names (`camelCase`, snake_case in the token
//!   types), including the spec's quirks: [`UsersApiFailureDto::user_name`]
//!   is `userName` while successes use `username`, and
//!   [`PermissionsToUserGroupRequestDto::permissions_ids`] is `permissionsIds`.
//! - Every field is an `Option`, lists included (`Option<Vec<_>>`), and is
//!   left out when `None`: Visier omits fields freely, and for `PATCH` and
//!   v3 upserts an omitted list and an empty list mean different things.
//! - Unknown fields are accepted and ignored; [`PermissionDto`] keeps them
//!   in [`PermissionDto::extra`] so a permission round-trips.
//! - Types follow the spec exactly: `accountEnabled` is a string
//!   (`"true"`/`"false"`) everywhere except [`UserGetApiResponseDto`],
//!   where it is a bool. Convert with [`bool_str`] and [`parse_bool_str`].
//! - Enumerated strings ([`AssignmentStatus`], [`ValidityStatus`], ...)
//!   have an `Other(String)` variant, so a value Visier adds later still
//!   decodes and round-trips.
//!
//! # Main types
//!
//! - Users: [`UserGetApiResponseDto`], [`AllUsersGetApiResponseDto`] (v1
//!   list), [`UsersCreationApiRequestDto`], [`UsersUpdateApiRequestDto`],
//!   [`UsersDeleteApiRequestDto`] and [`UsersApiResponseDto`] (v2 bulk
//!   with successes and failures), [`UserV3ApiRequestDto`] (v3 upsert).
//! - User groups: [`UserGroupsChangeDto`] and [`UserGroupChangeDefinitionDto`]
//!   (v2 create, replace, patch, list), [`UserGroupChangeResponseDto`],
//!   [`UsersToUserGroupsRequestDto`] (v1 membership),
//!   [`PermissionsToUserGroupsRequestDto`].
//! - Permissions: [`PermissionDto`], [`GetPermissionsApiResponseDto`],
//!   [`AssignRevokePermissionsRequestDto`], [`PermissionAssignedUsersDto`].
//! - Profiles: [`ProfileGetApiResponseDto`],
//!   [`LocalTenantProfileAssignmentRequestDto`].
//! - Projects (`projects-api.openapi.yaml`): [`ProjectDto`] (a draft
//!   project or a production version), [`GetProjectsApiResponseDto`],
//!   [`ProjectOperationRequestDto`] and [`ProjectOperationResponseDto`]
//!   (`commitAndPublish`), [`GetProductionVersionsApiResponseDto`].
//! - Analytic tenants: [`TenantManagementApiListResponseDto`] of
//!   [`TenantManagementApiGetResponseDto`], [`TenantNamesFilterDto`].
//! - Authentication: [`TokenRequestBody`], [`TokenResponse`],
//!   [`AuthenticationRequest`]; errors: [`Status`].
//!
//! Alongside: [`paths`] (every operation's path and the
//! [`Operation`](paths::Operation) table), [`headers`] (header and
//! cookie names), [`limits`] (page sizes, batch sizes, rate limits),
//! [`query`] (query-string structs) and [`CorrelationId`].
//!
//! # Example
//!
//! A v2 bulk create as it goes on the wire, and the answer read back; the
//! [`Operation`](paths::Operation) table names the call:
//!
//! ```
//! use vsync_api::paths::{self, Operation};
//! use vsync_api::{UserCreationApiRequestDto, UsersApiResponseDto, UsersCreationApiRequestDto, bool_str};
//!
//! let body = UsersCreationApiRequestDto {
//!     users: Some(vec![UserCreationApiRequestDto {
//!         username: Some("ann@example.com".into()),
//!         account_enabled: Some(bool_str(true)),
//!         ..Default::default()
//!     }]),
//! };
//! assert_eq!(
//!     serde_json::to_string(&body)?,
//!     r#"{"users":[{"username":"ann@example.com","accountEnabled":"true"}]}"#
//! );
//! assert_eq!(Operation::identify("POST", paths::USERS_V2), Some(Operation::AddUsers));
//!
//! let answer: UsersApiResponseDto = serde_json::from_str(
//!     r#"{"successes":[],"failures":[{"userName":"ann@example.com",
//!         "error":{"message":"username taken","rci":"R-1"},"addedByVisier":true}]}"#,
//! )?;
//! let failure = &answer.failures.unwrap()[0];
//! assert_eq!(failure.user_name.as_deref(), Some("ann@example.com"));
//! assert_eq!(failure.error.as_ref().and_then(|e| e.rci.as_deref()), Some("R-1"));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! The specs themselves are kept in `spec/users-api.openapi.yaml` and
//! `spec/projects-api.openapi.yaml`; the integration tests build a full
//! sample of every schema from them and check that the matching type
//! round-trips it unchanged, and that the [`Operation`](paths::Operation)
//! table and its header lists match the specs' operations.

mod auth;
mod bool_str;
mod common;
mod correlation;
mod enums;
pub mod headers;
pub mod limits;
pub mod paths;
mod permission_definition;
mod permissions;
mod profiles;
mod projects;
pub mod query;
mod status;
mod tenants;
mod user_groups;
mod users;

pub use auth::*;
pub use bool_str::{bool_static_str, bool_str, parse_bool_str};
pub use common::*;
pub use correlation::{CorrelationId, InvalidCorrelationId};
pub use enums::*;
pub use permission_definition::*;
pub use permissions::*;
pub use profiles::*;
pub use projects::*;
pub use status::*;
pub use tenants::*;
pub use user_groups::*;
pub use users::*;

#[cfg(test)]
mod tests;
