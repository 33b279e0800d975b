//! The per-run retry budget: every repeat costs one unit, clones and
//! callers share it, and once it is spent a failure comes back at once.

use http::Method;
use vsync_api::{UserCreationApiRequestDto, UsersCreationApiRequestDto, bool_str, paths};
use vsync_client::{Operation, RetryBudget, RetryPolicy};
use vsync_sim::{FaultKind, ScriptedFault};

use crate::harness::{client, quick_retries, sim, start, within};

/// A persistent 503 costs at most the retry budget, whatever the per-call
/// policy allows; a later call is not repeated at all.
#[tokio::test]
async fn a_persistent_503_costs_at_most_the_retry_budget() {
    within(30, async {
        let sim = start(sim().script(ScriptedFault::always(
            Method::GET,
            paths::USERS_V1,
            FaultKind::Status(503),
        )))
        .await;
        let client = client(&sim)
            .retry(RetryPolicy {
                max_retries: 10,
                ..quick_retries()
            })
            .retry_budget(RetryBudget::new(3))
            .build()
            .unwrap();
        let err = client.users().get_all_users().send().await.unwrap_err();
        assert!(err.is_retryable(), "{err}");
        assert_eq!(sim.call_count(Operation::ListUsers), 4, "1 + 3 retries");
        let err = client.users().get_all_users().send().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(sim.call_count(Operation::ListUsers), 5, "no retry left");
        let m = client.metrics();
        assert_eq!(
            (m.retries, m.retry_budget_spent, m.retry_budget_left),
            (3, 3, 0)
        );
    })
    .await;
}

/// Two clients built with one budget, and a caller charging its own
/// re-sends, draw from the same units.
#[tokio::test]
async fn clients_and_callers_share_one_budget() {
    within(30, async {
        let sim = start(sim().seed_users(3).script(ScriptedFault::first(
            Method::GET,
            paths::USERS_V1,
            2,
            FaultKind::Status(502),
        )))
        .await;
        let budget = RetryBudget::new(4);
        let a = client(&sim).retry_budget(budget.clone()).build().unwrap();
        let b = client(&sim).retry_budget(budget.clone()).build().unwrap();
        a.users().get_all_users().send().await.unwrap();
        assert_eq!(budget.spent(), 2, "two 502s repeated");
        assert!(b.retry_budget().try_spend(), "a caller re-queueing work");
        assert_eq!(a.metrics().retry_budget_left, 1);
        assert_eq!(b.metrics().retry_budget_spent, 3);
        // A client built without one has a budget of its own.
        let own = client(&sim).build().unwrap();
        assert_eq!(own.metrics().retry_budget_left, RetryBudget::DEFAULT_LIMIT);
    })
    .await;
}

/// The metrics break the calls down the way a report shows them.
#[tokio::test]
async fn metrics_break_calls_down_into_reads_writes_retries_and_429s() {
    within(30, async {
        let sim = start(sim().seed_users(3).script(ScriptedFault::first(
            Method::POST,
            paths::USERS_V2,
            1,
            FaultKind::Status(429),
        )))
        .await;
        let client = client(&sim).build().unwrap();
        client.users().get_all_users().send().await.unwrap();
        client
            .users()
            .add_users(&UsersCreationApiRequestDto {
                users: Some(vec![UserCreationApiRequestDto {
                    username: Some("new@example.com".into()),
                    account_enabled: Some(bool_str(true)),
                    ..UserCreationApiRequestDto::default()
                }]),
            })
            .await
            .unwrap();
        let m = client.metrics();
        assert_eq!(m.reads(), 2, "the login and one page");
        assert_eq!(m.writes(), 2, "a create refused once, then sent again");
        assert_eq!((m.retries, m.throttled, m.retry_budget_spent), (1, 1, 1));
        assert_eq!(m.total_calls(), 4);
    })
    .await;
}
