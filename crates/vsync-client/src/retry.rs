//! Which requests may be repeated, and how long to wait before repeating.
//!
//! # Repeating a request
//!
//! A request that failed *before it was sent* (DNS, connect, TLS) is
//! always repeated. A request that may have reached the server (reset
//! after sending, timeout waiting for the answer, body cut short, a
//! gateway's 502 or 504) is repeated only when doing it twice leaves the
//! tenant as doing it once. 429 and 503 mean the server refused the
//! request without acting on it, so they are repeated for every operation.
//!
//! | operation | method | repeated after it may have been sent? | why |
//! | --- | --- | --- | --- |
//! | every list, get and XLSX report | GET | yes | reads |
//! | token endpoints (ASID, OAuth2) | POST | yes | a second token is harmless |
//! | `AddUser` `POST /v1/admin/users` | POST | **no: `OutcomeUnknown`** | a replay creates a duplicate or fails with "exists" |
//! | `AddUsers` `POST /v2/admin/users` | POST | **no: `OutcomeUnknown`** | same, per user |
//! | `CreateUserGroups` `POST /v2/admin/user-groups` | POST | **no: `OutcomeUnknown`** | a replay creates a second group (and reuses a correlation id) |
//! | `CreatePermissions` `POST /v1/admin/permissions` | POST | **no: `OutcomeUnknown`** | a replay creates a second permission |
//! | `RevertUserGroups` `POST .../revert-to-parent` | POST | yes | reverting twice gives the parent's definition both times |
//! | `UpdateUser` `PUT /v1/admin/users/{userId}` | PUT | yes | sets fields to given values |
//! | `UpdateUsers` `PUT /v2/admin/users` | PUT | yes | sets fields to given values, per user |
//! | `UpsertUser` `PUT /v3/admin/users/{username}` | PUT | yes | replaces the whole definition |
//! | `PutUserGroups` `PUT /v2/admin/user-groups` | PUT | yes | replaces the whole definition |
//! | `PatchUserGroups` `PATCH /v2/admin/user-groups` | PATCH | yes | sets the given values; no counters or appends |
//! | `AddUsersToUserGroups`, `AssignPermissionsToUsers`, `AssignPermissionsToUserGroups`, `AssignProfile` | PUT | yes | set membership: adding a member twice leaves one membership |
//! | `RemoveUsersFromUserGroups`, `RemovePermissionsFromUsers`, `RemovePermissionsFromUserGroups`, `RemoveProfile` | DELETE | yes | removing twice leaves it removed (the second may report "not assigned") |
//! | `DeleteUser`, `DeleteUsers`, `DeleteUserGroup`, `DeleteUserGroups` | DELETE | yes | deleting twice leaves it deleted (the second may answer 404 or a per-item failure, which the caller reads as done) |
//!
//! A 409 is repeated only for requests sent with `Prefer: nvLock=artifact`,
//! which Visier documents as answering 409 while another change holds the
//! lock.
//!
//! # Waiting
//!
//! Full jitter: retry `n` sleeps uniformly in `[0, min(max, base * 2^(n-1))]`,
//! and never less than the server's `Retry-After`.

use std::time::Duration;

use http::StatusCode;
use rand::Rng;
use vsync_api::paths::Operation;

use crate::RetryPolicy;

/// Whether repeating `op` after it may have reached the server is safe.
pub fn is_idempotent(op: Operation) -> bool {
    !matches!(
        op,
        Operation::AddUser
            | Operation::AddUsers
            | Operation::CreateUserGroups
            | Operation::CreatePermissions
    )
}

/// Whether `op` changes the tenant: every non-`GET` except the two token
/// endpoints. A read-only client refuses these.
pub fn is_mutating(op: Operation) -> bool {
    op.method() != "GET" && !matches!(op, Operation::AsidToken | Operation::OAuth2Token)
}

/// Statuses worth retrying later: 429, 502, 503, 504.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// Statuses that mean the server refused the request without acting on it.
pub fn is_refusal_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 503)
}

/// The backoff ceiling before retry `retry` (1-based).
pub fn backoff_ceiling(policy: &RetryPolicy, retry: u32) -> Duration {
    let factor = 2u32.saturating_pow(retry.saturating_sub(1).min(30));
    policy
        .base_delay
        .checked_mul(factor)
        .unwrap_or(policy.max_delay)
        .min(policy.max_delay)
}

/// A full-jitter sleep before retry `retry`, at least `floor`.
pub fn backoff(policy: &RetryPolicy, retry: u32, floor: Option<Duration>) -> Duration {
    let ceiling = backoff_ceiling(policy, retry);
    let jittered = if ceiling.is_zero() {
        Duration::ZERO
    } else {
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(rand::rng().random_range(0..=nanos))
    };
    jittered.max(floor.unwrap_or(Duration::ZERO))
}

/// Parses `Retry-After` as delay seconds (HTTP dates are ignored).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0)
        .map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_are_the_only_non_idempotent_operations() {
        let creates: Vec<_> = Operation::ALL
            .iter()
            .copied()
            .filter(|op| !is_idempotent(*op))
            .collect();
        assert_eq!(
            creates,
            [
                Operation::CreatePermissions,
                Operation::AddUser,
                Operation::CreateUserGroups,
                Operation::AddUsers
            ]
        );
    }

    #[test]
    fn mutating_is_every_non_get_but_the_token_endpoints() {
        assert!(!is_mutating(Operation::ListUsers));
        assert!(!is_mutating(Operation::PermissionsListReport));
        assert!(!is_mutating(Operation::AsidToken));
        assert!(!is_mutating(Operation::OAuth2Token));
        assert!(is_mutating(Operation::AddUsers));
        assert!(is_mutating(Operation::RevertUserGroups));
        assert!(is_mutating(Operation::PatchUserGroups));
        assert!(is_mutating(Operation::DeleteUser));
        let mutating = Operation::ALL.iter().filter(|op| is_mutating(**op)).count();
        let gets = Operation::ALL
            .iter()
            .filter(|op| op.method() == "GET")
            .count();
        assert_eq!(mutating + gets + 2, Operation::ALL.len());
    }

    #[test]
    fn backoff_is_bounded_and_respects_the_floor() {
        let policy = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
        };
        assert_eq!(backoff_ceiling(&policy, 1), Duration::from_millis(100));
        assert_eq!(backoff_ceiling(&policy, 3), Duration::from_millis(400));
        assert_eq!(backoff_ceiling(&policy, 10), Duration::from_secs(1));
        assert_eq!(backoff_ceiling(&policy, u32::MAX), Duration::from_secs(1));
        for retry in 1..12 {
            let d = backoff(&policy, retry, None);
            assert!(d <= backoff_ceiling(&policy, retry));
        }
        assert!(backoff(&policy, 1, Some(Duration::from_secs(3))) >= Duration::from_secs(3));
    }

    #[test]
    fn retry_after_forms() {
        assert_eq!(parse_retry_after("3"), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}
