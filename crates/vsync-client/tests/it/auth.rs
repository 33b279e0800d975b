//! Every auth flow, token expiry mid-run, and refused credentials.

use std::time::Duration;

use vsync_client::{Auth, ErrorKind, Operation, SecretString};

use crate::harness::{client, sim, start, within};

async fn list_once(client: &vsync_client::Client) {
    let page = client
        .users()
        .get_all_users()
        .page_size(10)
        .send()
        .await
        .unwrap();
    assert_eq!(page.items.len(), 10);
}

#[tokio::test]
async fn asid_login_sends_the_cookie() {
    within(30, async {
        let sim = start(sim().seed_users(20)).await;
        let client = client(&sim).build().unwrap();
        list_once(&client).await;
        list_once(&client).await;
        assert_eq!(sim.call_count(Operation::AsidToken), 1);
        let listed: Vec<_> = sim
            .received_requests()
            .into_iter()
            .filter(|r| r.operation == Some(Operation::ListUsers))
            .collect();
        assert_eq!(listed.len(), 2);
        for r in listed {
            assert!(r.header("cookie").unwrap().starts_with("VisierASIDToken="));
            assert_eq!(r.header("apikey"), Some(sim.credentials().apikey.as_str()));
        }
    })
    .await;
}

#[tokio::test]
async fn oauth_password_grant() {
    within(30, async {
        let sim = start(sim().seed_users(20)).await;
        let c = sim.credentials().clone();
        let client = client(&sim)
            .auth(Auth::OAuthPassword {
                client_id: c.client_id.clone(),
                client_secret: SecretString::from(c.client_secret.clone()),
                username: c.username.clone(),
                password: SecretString::from(c.password.clone()),
            })
            .build()
            .unwrap();
        list_once(&client).await;
        assert_eq!(sim.call_count(Operation::OAuth2Token), 1);
        let token_call = sim
            .received_requests()
            .into_iter()
            .find(|r| r.operation == Some(Operation::OAuth2Token))
            .unwrap();
        let form = String::from_utf8(token_call.body.clone()).unwrap();
        assert!(form.contains("grant_type=password"), "{form}");
        assert!(
            token_call
                .header("authorization")
                .unwrap()
                .starts_with("Basic ")
        );
        let list = sim
            .received_requests()
            .into_iter()
            .find(|r| r.operation == Some(Operation::ListUsers))
            .unwrap();
        assert!(list.header("authorization").unwrap().starts_with("Bearer "));
    })
    .await;
}

#[tokio::test]
async fn given_bearer_token() {
    within(30, async {
        let sim = start(sim().seed_users(20)).await;
        let token = sim.issue_token();
        let client = client(&sim)
            .auth(Auth::Bearer(SecretString::from(token)))
            .build()
            .unwrap();
        list_once(&client).await;
        assert_eq!(sim.call_count(Operation::AsidToken), 0);
        assert_eq!(sim.call_count(Operation::OAuth2Token), 0);

        // A bearer token cannot be refreshed: a 401 is an auth error.
        let stale = vsync_client::Client::builder()
            .base_url(sim.uri())
            .api_key(SecretString::from(sim.credentials().apikey.clone()))
            .auth(Auth::Bearer(SecretString::from("not-a-token")))
            .build()
            .unwrap();
        let err = stale.users().get_all_users().send().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    })
    .await;
}

#[tokio::test]
async fn wrong_password_is_an_auth_error() {
    within(30, async {
        let sim = start(sim()).await;
        let client = client(&sim)
            .auth(Auth::Asid {
                username: sim.credentials().username.clone(),
                password: SecretString::from("wrong"),
                vanity: Some("acme".into()),
            })
            .build()
            .unwrap();
        let err = client.auth().login().await.unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Auth, "{err}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
        assert!(!err.is_retryable());
        let login = &sim.received_requests()[0];
        assert!(String::from_utf8_lossy(&login.body).contains("vanityName=acme"));
    })
    .await;
}

/// Regression: an ASID token that expires during a run (the client
/// assumes an hour, the tenant says less) must cost one login and one
/// repeated call, not a failed run.
#[tokio::test]
async fn asid_token_expiry_mid_run_logs_in_again_once() {
    within(30, async {
        let sim = start(
            sim()
                .seed_users(20)
                .token_lifetime(Duration::from_millis(400)),
        )
        .await;
        let client = client(&sim).build().unwrap();
        list_once(&client).await;
        tokio::time::sleep(Duration::from_millis(600)).await;
        list_once(&client).await;
        list_once(&client).await;
        assert_eq!(sim.call_count(Operation::AsidToken), 2);
        assert_eq!(
            sim.call_count(Operation::ListUsers),
            4,
            "one 401, then a repeat"
        );
        let m = client.metrics();
        assert_eq!(m.logins, 2);
        assert_eq!(m.retries, 1);
    })
    .await;
}

/// OAuth tokens say how long they live: the client refreshes ahead of
/// expiry, so no call is answered 401.
#[tokio::test]
async fn oauth_token_is_refreshed_before_expiry() {
    within(30, async {
        let sim = start(sim().seed_users(20).token_lifetime(Duration::from_secs(2))).await;
        let c = sim.credentials().clone();
        let client = client(&sim)
            .auth(Auth::OAuthPassword {
                client_id: c.client_id.clone(),
                client_secret: SecretString::from(c.client_secret.clone()),
                username: c.username.clone(),
                password: SecretString::from(c.password.clone()),
            })
            .build()
            .unwrap();
        list_once(&client).await;
        tokio::time::sleep(Duration::from_millis(1900)).await;
        list_once(&client).await;
        let statuses: Vec<u16> = sim
            .received_requests()
            .iter()
            .filter(|r| r.operation == Some(Operation::ListUsers))
            .map(|r| r.status)
            .collect();
        assert_eq!(statuses, [200, 200]);
        assert_eq!(sim.call_count(Operation::OAuth2Token), 2);
    })
    .await;
}

/// Concurrent first calls wait for one login instead of each logging in.
#[tokio::test]
async fn concurrent_first_calls_share_one_login() {
    within(30, async {
        let sim = start(sim().seed_users(20)).await;
        let client = client(&sim).build().unwrap();
        futures::future::join_all((0..8).map(|_| list_once(&client))).await;
        assert_eq!(sim.call_count(Operation::AsidToken), 1);
        assert_eq!(sim.call_count(Operation::ListUsers), 8);
    })
    .await;
}
