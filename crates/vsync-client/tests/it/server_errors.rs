//! HTTP 500: reads and the login are repeated as for 502–504; a create is
//! never replayed (its outcome is unknown); a login that keeps failing
//! with 500 is not an authentication failure.

use http::Method;
use vsync_api::{UserCreationApiRequestDto, UsersCreationApiRequestDto, bool_str, paths};
use vsync_client::{ErrorKind, Operation};
use vsync_sim::{FaultKind, ScriptedFault};

use crate::harness::{client, sim, start, within};

/// Regression test for a 500 ending a run: a read answered 500 is repeated.
#[tokio::test]
async fn a_read_answered_500_is_retried() {
    within(30, async {
        let sim = start(sim().seed_users(3).script(ScriptedFault::first(
            Method::GET,
            paths::USERS_V1,
            2,
            FaultKind::Status(500),
        )))
        .await;
        let client = client(&sim).build().unwrap();
        let users = client.users().get_all_users().all().await.unwrap();
        assert_eq!(users.len(), 4);
        assert_eq!(sim.call_count(Operation::ListUsers), 3);
        assert_eq!(client.metrics().retries, 2);
    })
    .await;
}

/// Regression test for a 500 on the login ending a run: the login is
/// repeated.
#[tokio::test]
async fn a_login_answered_500_is_retried() {
    within(30, async {
        let sim = start(sim().seed_users(3).script(ScriptedFault::first(
            Method::POST,
            paths::ASID_TOKEN,
            1,
            FaultKind::Status(500),
        )))
        .await;
        let client = client(&sim).build().unwrap();
        client.users().get_all_users().send().await.unwrap();
        assert_eq!(sim.call_count(Operation::AsidToken), 2);
    })
    .await;
}

/// Regression test for a login failing with 500 being reported as
/// "authentication failed": the credentials were never judged, so the
/// error is the server's, not an authentication error.
#[tokio::test]
async fn a_login_that_keeps_failing_with_500_is_not_an_auth_error() {
    within(30, async {
        let sim = start(sim().script(ScriptedFault::always(
            Method::POST,
            paths::ASID_TOKEN,
            FaultKind::Status(500),
        )))
        .await;
        let client = client(&sim).build().unwrap();
        let err = client.auth().login().await.unwrap_err();
        assert_ne!(err.kind(), ErrorKind::Auth, "{err}");
        assert_eq!(err.kind(), ErrorKind::Http, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
        assert!(!err.to_string().contains("authenticate"), "{err}");
        assert!(
            sim.call_count(Operation::AsidToken) > 1,
            "the login was retried"
        );
    })
    .await;
}

/// A create answered 500 may have been applied: it is not replayed, and its
/// outcome is unknown.
#[tokio::test]
async fn a_create_answered_500_is_outcome_unknown_and_not_replayed() {
    within(30, async {
        let sim = start(sim().script(ScriptedFault::first(
            Method::POST,
            paths::USERS_V2,
            1,
            FaultKind::Status(500),
        )))
        .await;
        let client = client(&sim).build().unwrap();
        let err = client
            .users()
            .add_users(&UsersCreationApiRequestDto {
                users: Some(vec![UserCreationApiRequestDto {
                    username: Some("once@example.com".into()),
                    account_enabled: Some(bool_str(true)),
                    ..UserCreationApiRequestDto::default()
                }]),
            })
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
        assert_eq!(sim.call_count(Operation::AddUsers), 1);
    })
    .await;
}
