//! Limits of the Visier API, from the spec and Visier's documentation.

/// Users per v2 bulk create, update or delete call
/// (`UsersCreationAPIRequestDTO.users` and friends).
pub const MAX_USERS_PER_BULK_CALL: usize = 100;

/// User IDs per user group in one v1 membership call
/// (`UsersToUserGroupRequestDTO.userIds`).
pub const MAX_USER_IDS_PER_GROUP_CALL: usize = 100;

/// Users per page of `GET /v1/admin/users` (`limit`).
pub const MAX_USERS_PAGE: u32 = 1000;

/// User groups per page of `GET /v2/admin/user-groups` (`limit`).
pub const MAX_GROUPS_PAGE_V2: u32 = 1000;

/// The default page size of `GET /v2/admin/user-groups`.
pub const DEFAULT_GROUPS_PAGE_V2: u32 = 100;

/// Users per page of `GET /v1/admin/user-groups/{userGroupId}/users`.
pub const MAX_GROUP_USERS_PAGE: u32 = 100;

/// Entries per page of `GET /v1/admin/permissions/{permissionId}/users`.
pub const MAX_PERMISSION_USERS_PAGE: u32 = 100;

/// Calls per minute per API key, shared by every integration on a tenant.
pub const RATE_LIMIT_PER_MINUTE: u32 = 100;

/// Calls per hour per API key, shared by every integration on a tenant.
pub const RATE_LIMIT_PER_HOUR: u32 = 6000;

/// Users per user group in a project (trial tenants allow
/// [`MAX_USERS_PER_GROUP_TRIAL`]).
pub const MAX_USERS_PER_GROUP: usize = 10_000;

/// Users per user group in a project on a trial tenant.
pub const MAX_USERS_PER_GROUP_TRIAL: usize = 100;

/// Permissions per user group in a project.
pub const MAX_PERMISSIONS_PER_GROUP: usize = 250;

/// Days during which a `correlationId` cannot be reused in a later POST.
pub const CORRELATION_ID_LIFETIME_DAYS: u32 = 7;

/// The token lifetime, in seconds, that Visier's SDK assumes (Visier does
/// not document one).
pub const ASSUMED_TOKEN_LIFETIME_SECS: u64 = 3600;

/// Users a tenant can hold (trial tenants hold [`MAX_USERS_PER_TENANT_TRIAL`]).
pub const MAX_USERS_PER_TENANT: usize = 25_000;

/// Users a trial tenant can hold.
pub const MAX_USERS_PER_TENANT_TRIAL: usize = 100;

/// Characters in a username.
pub const MAX_USERNAME_CHARS: usize = 75;

/// The default number of projects per stage in `GET /v1/admin/projects`.
pub const DEFAULT_PROJECTS_PER_STAGE: u32 = 100;

/// Projects per stage in `GET /v1/admin/projects` (`limit`).
pub const MAX_PROJECTS_PER_STAGE: u32 = 1000;

/// The default page size of `GET /v1/admin/production-versions`.
pub const DEFAULT_PRODUCTION_VERSIONS_PAGE: u32 = 400;

/// Tenants per page of `GET /v2/admin/tenants` when the `mask` leaves out
/// the heavy fields ([`HEAVY_TENANT_FIELDS`]).
pub const MAX_TENANTS_PAGE: u32 = 1000;

/// Tenants per page of `GET /v2/admin/tenants` when the `mask` asks for a
/// heavy field or there is no `mask`.
pub const MAX_TENANTS_PAGE_HEAVY: u32 = 400;

/// The tenant fields that lower the page size of `GET /v2/admin/tenants`
/// to [`MAX_TENANTS_PAGE_HEAVY`].
pub const HEAVY_TENANT_FIELDS: &[&str] = &[
    "homeAnalysisId",
    "homeAnalysisByUserGroup",
    "clickThroughLink",
    "defaultCurrency",
];
