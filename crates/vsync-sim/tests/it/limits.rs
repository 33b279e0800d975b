//! Rate limits per API key: headers on every answer, 429 past the limit,
//! Retry-After, windows that reset on a scaled clock. The documented caps:
//! usernames of at most 75 characters, at most 25,000 users a tenant.

use std::time::Duration;

use vsync_sim::Sim;

use crate::harness::{TestSim, within};

#[tokio::test]
async fn every_answer_carries_rate_limit_headers_with_defaults() {
    within(async {
        let t = TestSim::start(Sim::builder()).await;
        let ok = t.get("/v1/admin/permissions").await;
        assert_eq!(ok.status, 200);
        assert_eq!(ok.header("x-ratelimit-limit-minute"), Some("100"));
        assert_eq!(ok.header("x-ratelimit-limit-hour"), Some("6000"));
        // The login (no apikey) was charged elsewhere; this is the first call.
        assert_eq!(ok.header("x-ratelimit-remaining-minute"), Some("99"));
        assert_eq!(ok.header("x-ratelimit-remaining-hour"), Some("5999"));
        let err = t.get("/v1/admin/users/nope").await;
        assert_eq!(err.status, 404);
        assert_eq!(err.header("x-ratelimit-remaining-minute"), Some("98"));
    })
    .await;
}

#[tokio::test]
async fn past_the_minute_limit_is_429_with_retry_after_until_the_window_resets() {
    within(async {
        // A "minute" lasts half a second.
        let t = TestSim::start(Sim::builder().rate_limit_minute(5).time_scale(120.0)).await;
        // Align to a fresh window so the five calls land in one.
        tokio::time::sleep(Duration::from_millis(500)).await;
        for left in (0..5).rev() {
            let r = t.get("/v1/admin/profiles").await;
            assert_eq!(r.status, 200);
            assert_eq!(
                r.header("x-ratelimit-remaining-minute"),
                Some(left.to_string().as_str())
            );
        }
        let limited = t.get("/v1/admin/profiles").await;
        limited.expect_error(429);
        assert_eq!(limited.header("x-ratelimit-remaining-minute"), Some("0"));
        assert!(limited.header("x-ratelimit-limit-hour").is_some());
        let retry: u64 = limited.header("retry-after").unwrap().parse().unwrap();
        assert!(retry >= 1);
        tokio::time::sleep(Duration::from_millis(600)).await;
        t.get("/v1/admin/profiles").await.expect(200);
    })
    .await;
}

#[tokio::test]
async fn hour_limit_and_token_endpoints_count() {
    within(async {
        let t = TestSim::start(Sim::builder().rate_limit_minute(0).rate_limit_hour(3)).await;
        // The ASID login had no apikey; an OAuth call with the key counts.
        let r = t
            .send(
                t.http
                    .post(t.url("/v1/auth/oauth2/token"))
                    .header("apikey", "dev-apikey")
                    .basic_auth("vsync-demo", Some("vsync-demo-secret"))
                    .form(&[
                        ("grant_type", "password"),
                        ("username", "admin"),
                        ("password", "admin"),
                    ]),
            )
            .await;
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-ratelimit-remaining-hour"), Some("2"));
        assert!(
            r.header("x-ratelimit-limit-minute").is_none(),
            "a limit set to 0 is off"
        );
        t.get("/v1/admin/profiles").await.expect(200);
        t.get("/v1/admin/profiles").await.expect(200);
        t.get("/v1/admin/profiles").await.expect_error(429);
    })
    .await;
}

#[tokio::test]
async fn limits_are_per_api_key() {
    within(async {
        let t = TestSim::start(Sim::builder().rate_limit_minute(2)).await;
        t.get("/v1/admin/profiles").await.expect(200);
        t.get("/v1/admin/profiles").await.expect(200);
        t.get("/v1/admin/profiles").await.expect_error(429);
        // A wrong key is refused (403), and its budget is its own.
        let other = t
            .send(
                t.http
                    .get(t.url("/v1/admin/profiles"))
                    .header("apikey", "someone-else"),
            )
            .await;
        assert_eq!(other.status, 403);
        assert_eq!(other.header("x-ratelimit-remaining-minute"), Some("1"));
    })
    .await;
}

#[tokio::test]
async fn usernames_over_75_characters_and_users_past_the_tenant_cap_are_refused() {
    within(async {
        // A trial-sized tenant: 100 users, of which admin and 97 seeded.
        let t = TestSim::start(Sim::builder().seed_users(97).max_users(100).no_rate_limit()).await;
        let long = format!("{}@jupiter.example", "a".repeat(60));
        assert_eq!(long.chars().count(), 76);
        let at_limit = format!("{}@jupiter.example", "b".repeat(59));
        assert_eq!(at_limit.chars().count(), 75);
        let body = serde_json::json!({"users": [
            {"username": long},
            {"username": at_limit},
            {"username": "ninety.nine@jupiter.example"},
            {"username": "one.too.many@jupiter.example"},
        ]});
        let v = t
            .call(reqwest::Method::POST, "/v2/admin/users", body)
            .await
            .expect(200);
        let ok: Vec<&str> = v["successes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["username"].as_str().unwrap())
            .collect();
        assert_eq!(ok, [at_limit.as_str(), "ninety.nine@jupiter.example"]);
        let failures = v["failures"].as_array().unwrap();
        assert_eq!(failures.len(), 2);
        assert_eq!(failures[0]["userName"], long.as_str());
        assert!(
            failures[0]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("75")
        );
        assert_eq!(failures[1]["userName"], "one.too.many@jupiter.example");
        assert!(
            failures[1]["error"]["message"]
                .as_str()
                .unwrap()
                .contains("100 users")
        );
        assert!(failures.iter().all(|f| f["error"]["rci"].is_string()));
        assert_eq!(t.sim.snapshot().users.len(), 100);
        // The single-user calls refuse with a Status error.
        t.call(
            reqwest::Method::POST,
            "/v1/admin/users",
            serde_json::json!({"username": "single@jupiter.example"}),
        )
        .await
        .expect_error(400);
        t.call(
            reqwest::Method::PUT,
            "/v3/admin/users/upsert@jupiter.example",
            serde_json::json!({}),
        )
        .await
        .expect_error(400);
        // A rename past 75 characters is refused too.
        let (id, _) = t.some_user(0);
        let v = t
            .call(
                reqwest::Method::PUT,
                "/v2/admin/users",
                serde_json::json!({"users": [{"userId": id, "username": long}]}),
            )
            .await
            .expect(200);
        assert_eq!(v["failures"].as_array().unwrap().len(), 1);
    })
    .await;
}

#[test]
fn the_default_cap_is_visiers_25000_users() {
    assert_eq!(
        Sim::builder().config().max_users,
        vsync_api::limits::MAX_USERS_PER_TENANT
    );
    assert_eq!(vsync_api::limits::MAX_USERS_PER_TENANT, 25_000);
}
