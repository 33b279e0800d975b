//! Rate limits per API key: headers on every answer, 429 past the limit,
//! Retry-After, windows that reset on a scaled clock.

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
                    .form(&[("grant_type", "client_credentials")]),
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
