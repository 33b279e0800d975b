//! Which requests may be repeated, how long to wait before repeating, and
//! the per-run [`RetryBudget`] every repeat is charged to.
//!
//! The client is the one place that re-sends a request: callers (the
//! executor) do not repeat a call the client gave up on, and charge their
//! own re-queues of items to the same [`RetryBudget`].
//!
//! # Repeating a request
//!
//! A request that failed *before it was sent* (DNS, connect, TLS) is
//! always repeated. A request that may have reached the server (reset
//! after sending, timeout waiting for the answer, body cut short, a 500,
//! or a gateway's 502 or 504) is repeated only when doing it twice leaves
//! the tenant as doing it once; otherwise it fails with
//! [`ErrorKind::OutcomeUnknown`](crate::ErrorKind::OutcomeUnknown). 429 and
//! 503 mean the server refused the request without acting on it, so they
//! are repeated for every operation.
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
//! lock. A 401 is answered by logging in again once; that repeat is not a
//! retry and costs no budget.
//!
//! # How many times
//!
//! At most [`RetryPolicy::max_retries`] repeats per call, and each costs
//! one unit of the client's [`RetryBudget`] (see
//! [`ClientBuilder::retry_budget`](crate::ClientBuilder::retry_budget)): once
//! the budget is spent, a failure is returned at its first occurrence.
//!
//! # Waiting
//!
//! A `Retry-After` (seconds or an HTTP date, capped at
//! [`MAX_RETRY_AFTER`](crate::pacing::MAX_RETRY_AFTER)) is waited exactly:
//! after a 429 by every sender (see [`pacing`](crate::pacing)), after a 503
//! by the request that got it. Otherwise full jitter: retry `n` sleeps
//! uniformly in `[0, min(max, base * 2^(n-1))]`. A 429 on a window the
//! server reports spent waits for that window's reset instead.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use http::StatusCode;
use rand::Rng;
use vsync_api::paths::Operation;

use crate::RetryPolicy;

/// Whether repeating `op` after it may have reached the server is safe: not
/// for the creates (users, groups, permissions, projects) nor for a project's
/// `commitAndPublish`, whose lost answers are settled by reading instead.
pub fn is_idempotent(op: Operation) -> bool {
    !matches!(
        op,
        Operation::AddUser
            | Operation::AddUsers
            | Operation::CreateUserGroups
            | Operation::CreatePermissions
            | Operation::CreateProject
            | Operation::RunProjectOperation
    )
}

/// Whether `op` changes the tenant: every non-`GET` except the two token
/// endpoints. A read-only client refuses these.
pub fn is_mutating(op: Operation) -> bool {
    op.method() != "GET" && !matches!(op, Operation::AsidToken | Operation::OAuth2Token)
}

/// Statuses worth retrying later: 429, 500, 502, 503, 504.
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 500 | 502 | 503 | 504)
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

/// Parses `Retry-After`: delay seconds, or an HTTP date (a date already
/// past is no wait).
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    parse_retry_after_at(value, SystemTime::now())
}

fn parse_retry_after_at(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    if let Some(secs) = value
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && *s >= 0.0 && *s < 1e12)
    {
        return Some(Duration::from_secs_f64(secs));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// How many requests a run may repeat, shared by every clone of the handle
/// and of the client that holds it.
///
/// The client spends one unit per repeated request; a caller that re-sends
/// work of its own (the executor re-queueing items a bulk answer failed)
/// charges it with [`RetryBudget::try_spend`]. What was spent and what is
/// left appear in [`Metrics`](crate::Metrics).
#[derive(Clone)]
pub struct RetryBudget {
    inner: Arc<BudgetInner>,
}

struct BudgetInner {
    limit: u64,
    spent: AtomicU64,
}

impl RetryBudget {
    /// The budget of a client built without one.
    pub const DEFAULT_LIMIT: u64 = 100;

    /// A budget of `limit` repeats.
    pub fn new(limit: u64) -> Self {
        RetryBudget {
            inner: Arc::new(BudgetInner {
                limit,
                spent: AtomicU64::new(0),
            }),
        }
    }

    /// A budget that never runs out.
    pub fn unlimited() -> Self {
        Self::new(u64::MAX)
    }

    /// Takes one unit, if one is left.
    pub fn try_spend(&self) -> bool {
        self.inner
            .spent
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |spent| {
                (spent < self.inner.limit).then_some(spent + 1)
            })
            .is_ok()
    }

    /// Units spent so far.
    pub fn spent(&self) -> u64 {
        self.inner.spent.load(Ordering::Acquire)
    }

    /// Units left.
    pub fn remaining(&self) -> u64 {
        self.inner.limit.saturating_sub(self.spent())
    }

    /// The size of the budget.
    pub fn limit(&self) -> u64 {
        self.inner.limit
    }
}

impl Default for RetryBudget {
    fn default() -> Self {
        Self::new(Self::DEFAULT_LIMIT)
    }
}

impl fmt::Debug for RetryBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryBudget")
            .field("limit", &self.limit())
            .field("spent", &self.spent())
            .finish()
    }
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
                Operation::AddUsers,
                Operation::CreateProject,
                Operation::RunProjectOperation
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
        assert_eq!(parse_retry_after("-1"), None);
        assert_eq!(parse_retry_after("soon"), None);
        let now = httpdate::parse_http_date("Wed, 21 Oct 2015 07:28:00 GMT").unwrap();
        assert_eq!(
            parse_retry_after_at("Wed, 21 Oct 2015 07:28:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after_at("Wed, 21 Oct 2015 07:27:00 GMT", now),
            Some(Duration::ZERO),
            "a date already past"
        );
    }

    #[test]
    fn the_budget_is_shared_and_runs_out() {
        let budget = RetryBudget::new(2);
        let clone = budget.clone();
        assert!(budget.try_spend());
        assert!(clone.try_spend());
        assert!(!budget.try_spend());
        assert_eq!((clone.spent(), clone.remaining(), clone.limit()), (2, 0, 2));
        let unlimited = RetryBudget::unlimited();
        assert!((0..1000).all(|_| unlimited.try_spend()));
    }

    #[test]
    fn spending_from_many_threads_never_overspends() {
        let budget = RetryBudget::new(1000);
        let spent: usize = std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| (0..500).filter(|_| budget.try_spend()).count()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(spent, 1000);
        assert_eq!(budget.remaining(), 0);
    }
}
