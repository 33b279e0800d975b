//! No secret reaches a log line, an error message or a `Debug` output:
//! the API key, the password, the client secret and every token the
//! tenant issued are searched for in everything captured.

use std::time::Duration;

use base64::Engine as _;
use vsync_client::{Auth, Client, SecretString, UserId};

use crate::harness::{captured_logs, client, distinct_credentials, sim, start, within};

#[tokio::test]
async fn no_secret_in_logs_errors_or_debug() {
    let mut captured: Vec<String> = Vec::new();
    let sim = within(60, async {
        let sim = start(
            sim()
                .seed_users(5)
                .credentials(distinct_credentials())
                .token_lifetime(Duration::from_millis(300)),
        )
        .await;
        let creds = sim.credentials().clone();

        // ASID, with a token that expires mid-run (a 401, then a login).
        let asid = client(&sim).build().unwrap();
        asid.users().get_all_users().send().await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        asid.users().get_all_users().send().await.unwrap();
        let err = asid
            .users()
            .get_user_detail(&UserId::new("nobody"))
            .await
            .unwrap_err();
        captured.push(format!("{err} {err:?}"));
        captured.push(format!("{asid:?}"));

        // OAuth password grant, refreshed after expiry.
        let oauth = client(&sim)
            .auth(Auth::OAuthPassword {
                client_id: creds.client_id.clone(),
                client_secret: SecretString::from(creds.client_secret.clone()),
                username: creds.username.clone(),
                password: SecretString::from(creds.password.clone()),
            })
            .build()
            .unwrap();
        oauth.users().get_all_users().send().await.unwrap();
        tokio::time::sleep(Duration::from_millis(400)).await;
        oauth.users().get_all_users().send().await.unwrap();
        captured.push(format!("{oauth:?}"));

        // Refused logins.
        for auth in [
            Auth::Asid {
                username: creds.username.clone(),
                password: SecretString::from("wrong-password"),
                vanity: None,
            },
            Auth::OAuthPassword {
                client_id: creds.client_id.clone(),
                client_secret: SecretString::from("wrong-secret"),
                username: creds.username.clone(),
                password: SecretString::from(creds.password.clone()),
            },
        ] {
            let bad = client(&sim).auth(auth).build().unwrap();
            let err = bad.auth().login().await.unwrap_err();
            captured.push(format!("{err} {err:?}"));
        }
        let wrong_key = Client::builder()
            .base_url(sim.uri())
            .api_key(SecretString::from("key-wrong-0000"))
            .auth(crate::harness::asid(&sim))
            .build()
            .unwrap();
        let err = wrong_key.users().get_all_users().send().await.unwrap_err();
        captured.push(format!("{err} {err:?}"));
        sim
    })
    .await;

    let creds = sim.credentials().clone();
    let mut secrets = vec![
        creds.apikey.clone(),
        creds.password.clone(),
        creds.client_secret.clone(),
        // The defaults other tests of this binary use (their logs are
        // captured too); the default password `admin` is in every path.
        vsync_sim::DEFAULT_APIKEY.to_owned(),
        vsync_sim::DEFAULT_CLIENT_SECRET.to_owned(),
        base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", creds.client_id, creds.client_secret)),
    ];
    let mut tokens = 0;
    for r in sim.received_requests() {
        if let Some(cookie) = r.header("cookie") {
            secrets.push(cookie.trim_start_matches("VisierASIDToken=").to_owned());
            tokens += 1;
        }
        if let Some(bearer) = r
            .header("authorization")
            .and_then(|a| a.strip_prefix("Bearer "))
        {
            secrets.push(bearer.to_owned());
            tokens += 1;
        }
        let body = String::from_utf8_lossy(&r.body).into_owned();
        for (k, v) in url::form_urlencoded::parse(body.as_bytes()) {
            if k == "refresh_token" {
                secrets.push(v.into_owned());
            }
        }
    }
    assert!(tokens >= 4, "the flows used tokens");
    secrets.retain(|s| s.len() >= 8);
    secrets.sort();
    secrets.dedup();

    let logs = captured_logs();
    assert!(logs.contains("visier_call"), "spans are captured");
    assert!(logs.contains("401"), "the expiry was logged");
    let everything = format!("{logs}\n{}", captured.join("\n"));
    for secret in &secrets {
        assert!(
            !everything.contains(secret.as_str()),
            "a secret of {} characters leaked",
            secret.len()
        );
    }
}
