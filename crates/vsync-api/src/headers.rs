//! Names of the HTTP headers and cookie the API uses, and a few fixed values.

/// The tenant API key sent on every call.
pub const API_KEY: &str = "apikey";
/// The tenant the call runs in (administrating tenants).
pub const TARGET_TENANT_ID: &str = "TargetTenantID";
/// The project in which to make changes instead of production.
pub const PROJECT_ID: &str = "ProjectID";
/// `true` applies changes without a new production version.
pub const NON_VERSIONED: &str = "NonVersioned";
/// Locking for non-versioned changes; see [`crate::NvLock`].
pub const PREFER: &str = "Prefer";
/// `true` skips loading the tenant's data environment (permission create).
pub const FAST_MODE: &str = "FastMode";
/// `true` assigns permissions that last only for a session.
pub const SESSION_BASED_PERMISSIONS: &str = "SessionBasedPermissions";
/// The session repository of session-based permissions.
pub const SESSION_REPO_ID: &str = "SessionRepoId";
/// Calls allowed per minute.
pub const RATE_LIMIT_LIMIT_MINUTE: &str = "X-RateLimit-Limit-Minute";
/// Calls left in the current minute.
pub const RATE_LIMIT_REMAINING_MINUTE: &str = "X-RateLimit-Remaining-Minute";
/// Calls allowed per hour.
pub const RATE_LIMIT_LIMIT_HOUR: &str = "X-RateLimit-Limit-Hour";
/// Calls left in the current hour.
pub const RATE_LIMIT_REMAINING_HOUR: &str = "X-RateLimit-Remaining-Hour";
/// Seconds to wait before retrying (not documented by Visier; honoured if
/// present).
pub const RETRY_AFTER: &str = "Retry-After";

/// The cookie that carries the ASID token from `POST /v1/admin/visierSecureToken`.
pub const ASID_TOKEN_COOKIE: &str = "VisierASIDToken";

/// The content type of the XLSX report downloads.
pub const XLSX_CONTENT_TYPE: &str = "application/vnd.ms-excel";

/// The value of the `Cookie` header for an ASID token.
pub fn asid_cookie(token: &str) -> String {
    format!("{ASID_TOKEN_COOKIE}={token}")
}

/// The value of the `Authorization` header for an OAuth 2.0 access token.
pub fn bearer(access_token: &str) -> String {
    format!("Bearer {access_token}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_header_values() {
        assert_eq!(asid_cookie("abc"), "VisierASIDToken=abc");
        assert_eq!(bearer("t0k"), "Bearer t0k");
    }
}
