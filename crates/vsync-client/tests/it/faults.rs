//! Scripted faults: repeatable requests are retried to success; a create
//! whose answer is lost is reported as outcome unknown and not replayed.

use std::time::Duration;

use http::Method;
use vsync_api::paths;
use vsync_api::{NvLock, UserGroupChangeDefinitionDto, UserGroupsChangeDto};
use vsync_api::{
    UserCreationApiRequestDto, UsersCreationApiRequestDto, UsersUpdateApiRequestDto,
    UsersUpdateApiUserDto, bool_str,
};
use vsync_client::{ErrorKind, Operation, Timeouts};
use vsync_sim::{FaultKind, ScriptedFault};

use crate::harness::{client, sim, start, within};

fn one_user(name: &str) -> UsersCreationApiRequestDto {
    UsersCreationApiRequestDto {
        users: Some(vec![UserCreationApiRequestDto {
            username: Some(name.into()),
            display_name: Some(name.into()),
            account_enabled: Some(bool_str(true)),
            ..UserCreationApiRequestDto::default()
        }]),
    }
}

#[tokio::test]
async fn reads_are_retried_through_503_504_and_resets() {
    within(30, async {
        for kind in [
            FaultKind::Status(503),
            FaultKind::Status(504),
            FaultKind::Status(502),
            FaultKind::ConnectionReset,
        ] {
            let sim = start(sim().seed_users(20).script(ScriptedFault::first(
                Method::GET,
                paths::USERS_V1,
                2,
                kind,
            )))
            .await;
            let client = client(&sim).build().unwrap();
            let users = client.users().get_all_users().all().await.unwrap();
            assert_eq!(users.len(), 21, "{kind:?}");
            assert_eq!(sim.call_count(Operation::ListUsers), 3, "{kind:?}");
            assert_eq!(client.metrics().retries, 2, "{kind:?}");
        }
    })
    .await;
}

#[tokio::test]
async fn idempotent_writes_are_retried_through_faults() {
    within(30, async {
        for kind in [
            FaultKind::Status(503),
            FaultKind::Status(504),
            FaultKind::ConnectionReset,
        ] {
            let sim = start(sim().seed_users(3).script(ScriptedFault::first(
                Method::PUT,
                paths::USERS_V2,
                1,
                kind,
            )))
            .await;
            let client = client(&sim).build().unwrap();
            let first = client.users().get_all_users().send().await.unwrap().items[0]
                .user_id
                .clone()
                .unwrap();
            let answer = client
                .users()
                .update_users(&UsersUpdateApiRequestDto {
                    users: Some(vec![UsersUpdateApiUserDto {
                        user_id: Some(first),
                        display_name: Some("Renamed".into()),
                        ..UsersUpdateApiUserDto::default()
                    }]),
                })
                .await
                .unwrap();
            assert_eq!(answer.successes.unwrap_or_default().len(), 1, "{kind:?}");
            assert_eq!(sim.call_count(Operation::UpdateUsers), 2, "{kind:?}");
        }
    })
    .await;
}

/// A 503 is a refusal: the tenant did nothing, so even a create is
/// repeated.
#[tokio::test]
async fn a_create_refused_with_503_is_retried() {
    within(30, async {
        let sim = start(sim().script(ScriptedFault::first(
            Method::POST,
            paths::USERS_V2,
            2,
            FaultKind::Status(503),
        )))
        .await;
        let client = client(&sim).build().unwrap();
        let answer = client
            .users()
            .add_users(&one_user("r@example.com"))
            .await
            .unwrap();
        assert_eq!(answer.successes.unwrap_or_default().len(), 1);
        assert_eq!(sim.call_count(Operation::AddUsers), 3);
    })
    .await;
}

/// Regression: a create whose answer broke off after the tenant applied
/// it must not be sent again (it would create a duplicate); the caller
/// gets `OutcomeUnknown` and re-reads.
#[tokio::test]
async fn unknown_outcome_create_is_reported_and_not_replayed() {
    within(30, async {
        let sim = start(sim().script(ScriptedFault::first(
            Method::POST,
            paths::USERS_V2,
            1,
            FaultKind::ConnectionReset,
        )))
        .await;
        let client = client(&sim).build().unwrap();
        let err = client
            .users()
            .add_users(&one_user("once@example.com"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
        assert!(!err.is_retryable());
        assert_eq!(err.operation(), Some(Operation::AddUsers));
        assert_eq!(sim.call_count(Operation::AddUsers), 1, "never replayed");
        // The tenant did create the user: re-reading shows it.
        let users = client.users().get_all_users().all().await.unwrap();
        assert!(
            users
                .iter()
                .any(|u| u.username.as_deref() == Some("once@example.com"))
        );
    })
    .await;
}

#[tokio::test]
async fn a_gateway_error_on_a_create_is_outcome_unknown() {
    within(30, async {
        let sim = start(sim().script(ScriptedFault::first(
            Method::POST,
            paths::USERS_V1,
            1,
            FaultKind::Status(504),
        )))
        .await;
        let client = client(&sim).build().unwrap();
        let err = client
            .users()
            .add_user(&one_user("g@example.com").users.unwrap()[0])
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
        assert_eq!(sim.call_count(Operation::AddUser), 1);

        // Raw mode does not replay it either: the 504 comes back as is.
        sim.script(ScriptedFault::first(
            Method::POST,
            paths::USERS_V2,
            1,
            FaultKind::Status(504),
        ));
        let raw = client
            .raw(Operation::AddUsers)
            .json(&one_user("raw@example.com"))
            .unwrap()
            .send()
            .await
            .unwrap();
        assert_eq!(raw.status.as_u16(), 504);
        assert_eq!(sim.call_count(Operation::AddUsers), 1);
    })
    .await;
}

#[tokio::test]
async fn a_create_that_times_out_is_outcome_unknown() {
    within(30, async {
        let sim = start(sim().script(ScriptedFault::first(
            Method::POST,
            paths::USERS_V2,
            1,
            FaultKind::Latency(Duration::from_secs(3)),
        )))
        .await;
        let client = client(&sim)
            .timeouts(Timeouts {
                request: Duration::from_millis(500),
                ..Timeouts::default()
            })
            .build()
            .unwrap();
        client.auth().login().await.unwrap();
        let err = client
            .users()
            .add_users(&one_user("slow@example.com"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::OutcomeUnknown, "{err}");
        assert_eq!(sim.call_count(Operation::AddUsers), 1);
    })
    .await;
}

#[tokio::test]
async fn a_read_that_times_out_is_retried() {
    within(30, async {
        let sim = start(sim().seed_users(3).script(ScriptedFault::first(
            Method::GET,
            paths::USERS_V1,
            1,
            FaultKind::Latency(Duration::from_secs(3)),
        )))
        .await;
        let client = client(&sim)
            .timeouts(Timeouts {
                request: Duration::from_millis(500),
                ..Timeouts::default()
            })
            .build()
            .unwrap();
        let users = client.users().get_all_users().all().await.unwrap();
        assert_eq!(users.len(), 4);
        assert_eq!(client.metrics().retries, 1);
    })
    .await;
}

#[tokio::test]
async fn retries_are_bounded() {
    within(30, async {
        let sim = start(sim().script(ScriptedFault::always(
            Method::GET,
            paths::USERS_V1,
            FaultKind::Status(503),
        )))
        .await;
        let client = client(&sim).build().unwrap();
        let err = client.users().get_all_users().send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Http);
        assert!(err.is_retryable());
        assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
        assert_eq!(sim.call_count(Operation::ListUsers), 5, "1 + 4 retries");
        assert!(err.rci().is_some() || err.status_body().is_some());
    })
    .await;
}

#[tokio::test]
async fn connection_refused_is_a_retryable_transport_error() {
    within(30, async {
        // A port nothing listens on.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let client = vsync_client::Client::builder()
            .base_url(format!("http://{addr}"))
            .api_key(vsync_client::SecretString::from("k"))
            .auth(vsync_client::Auth::Bearer(
                vsync_client::SecretString::from("t"),
            ))
            .retry(crate::harness::quick_retries())
            .build()
            .unwrap();
        // A create too: nothing was sent, so repeating is safe.
        let err = client
            .users()
            .add_users(&one_user("x@example.com"))
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Transport, "{err}");
        assert!(err.is_retryable());
        assert_eq!(client.metrics().calls_to(Operation::AddUsers), 5);
        // Each message of the chain says its own part once: none repeats
        // its source's text, and none names the URL.
        let mut chain = vec![err.to_string()];
        let mut current: &dyn std::error::Error = &err;
        while let Some(source) = current.source() {
            chain.push(source.to_string());
            current = source;
        }
        for (i, text) in chain.iter().enumerate() {
            assert!(!text.contains(&addr.to_string()), "{text:?}");
            for cause in &chain[i + 1..] {
                assert!(!text.contains(cause.as_str()), "{text:?} repeats {cause:?}");
            }
        }
    })
    .await;
}

/// `Prefer: nvLock=artifact` may answer 409 while another change holds the
/// lock; Visier says to retry. Without that header a 409 is an error.
#[tokio::test]
async fn a_409_is_retried_only_under_artifact_locking() {
    within(30, async {
        let sim = start(sim().script(ScriptedFault::first(
            Method::PATCH,
            paths::USER_GROUPS_V2,
            2,
            FaultKind::Status(409),
        )))
        .await;
        let client = client(&sim).build().unwrap();
        let group = client
            .user_groups()
            .list_user_groups()
            .send()
            .await
            .unwrap()
            .items[0]
            .user_group_id
            .clone()
            .unwrap();
        let patch = UserGroupsChangeDto {
            user_groups: Some(vec![UserGroupChangeDefinitionDto {
                user_group_id: Some(group),
                description: Some("patched".into()),
                ..UserGroupChangeDefinitionDto::default()
            }]),
        };
        let err = client
            .user_groups()
            .patch_user_groups(&patch)
            .await
            .unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
        assert_eq!(sim.call_count(Operation::PatchUserGroups), 1);
        client
            .user_groups()
            .with_non_versioned(true)
            .with_prefer(NvLock::Artifact)
            .patch_user_groups(&patch)
            .await
            .unwrap();
        assert_eq!(sim.call_count(Operation::PatchUserGroups), 3);
    })
    .await;
}
