//! 429 answers: a `Retry-After` is waited exactly, a 429 with budget left in
//! the reported windows is retried after a short backoff, and a 429 on a
//! spent window waits for that window's estimated reset. Another
//! integration on the same API key is played by plain HTTP requests.

use http::Method;
use vsync_api::paths;
use vsync_client::{Client, Operation, RateLimit};
use vsync_sim::{FaultKind, ScriptedFault, Sim};

use crate::harness::{client, start, within};

/// Spends what is left of the tenant's current minute window for `sim`'s
/// API key, as another integration would, and returns once the tenant has
/// refused a request.
async fn spend_the_window(sim: &Sim) {
    let http = reqwest::Client::new();
    let url = format!("{}{}", sim.uri(), paths::USERS_V1);
    loop {
        let answer = http
            .get(&url)
            .header("apikey", sim.credentials().apikey.as_str())
            .send()
            .await
            .expect("the simulated tenant answers");
        if answer.status().as_u16() == 429 {
            return;
        }
    }
}

fn real_minute_client(sim: &Sim) -> Client {
    client(sim)
        .rate_limit(RateLimit {
            per_minute: 100,
            per_hour: 6000,
            share: 1.0,
            time_scale: 1.0,
        })
        .build()
        .unwrap()
}

fn statuses(sim: &Sim, op: Operation) -> Vec<u16> {
    sim.received_requests()
        .iter()
        .filter(|r| r.operation == Some(op))
        .map(|r| r.status)
        .collect()
}

/// Regression test for waiting a whole minute after a 429 that said when to
/// come back. The tenant's window (6 s here) was spent by other traffic on
/// the key and ends in a few seconds; the client's own estimate of its
/// window is a whole minute away. The `Retry-After` decides: the call is
/// repeated once, after exactly that wait, and succeeds.
#[tokio::test]
async fn retry_after_is_waited_exactly_not_a_whole_minute() {
    within(30, async {
        let sim = start(
            Sim::builder()
                .seed_users(3)
                .rate_limit_minute(20)
                .rate_limit_hour(6000)
                .time_scale(10.0),
        )
        .await;
        let client = real_minute_client(&sim);
        client.auth().login().await.unwrap();
        spend_the_window(&sim).await;
        let started = std::time::Instant::now();
        let page = client.users().get_all_users().send().await.unwrap();
        let waited = started.elapsed();
        assert!(!page.items.is_empty());
        assert_eq!(
            statuses(&sim, Operation::ListUsers)
                .iter()
                .rev()
                .take(2)
                .collect::<Vec<_>>(),
            [&200, &429],
            "refused once, then answered after the wait"
        );
        let m = client.metrics();
        assert_eq!(m.throttled, 1);
        eprintln!(
            "Retry-After wait: {waited:?}, pacing wait {:?}",
            m.rate_limit_wait
        );
    })
    .await;
}

/// Regression test for the minute-long wait after a 429 without
/// `Retry-After` while the tenant reports plenty left in both windows: such
/// a refusal is not about the window, so the call is repeated after a short
/// backoff.
#[tokio::test]
async fn a_429_with_budget_left_is_retried_after_a_short_backoff() {
    within(30, async {
        let sim = start(
            Sim::builder()
                .seed_users(3)
                .rate_limit_minute(100)
                .rate_limit_hour(6000)
                .script(ScriptedFault::first(
                    Method::GET,
                    paths::USERS_V1,
                    2,
                    FaultKind::Status(429),
                )),
        )
        .await;
        let client = real_minute_client(&sim);
        let users = client.users().get_all_users().all().await.unwrap();
        assert_eq!(users.len(), 4);
        assert_eq!(statuses(&sim, Operation::ListUsers), [429, 429, 200]);
        assert_eq!(client.metrics().throttled, 2);
    })
    .await;
}

/// A 429 without `Retry-After` on a window the tenant reports spent: the
/// client waits for that window's estimated reset, so the repeat is not
/// refused again (the tenant's own limiter never answers 429 here).
#[tokio::test]
async fn a_429_on_a_spent_window_waits_for_its_reset() {
    within(30, async {
        let scale = 20.0; // a minute of 3 s
        let sim = start(
            Sim::builder()
                .seed_users(3)
                .rate_limit_minute(3)
                .rate_limit_hour(6000)
                .time_scale(scale)
                .script(ScriptedFault::nth(
                    Method::GET,
                    paths::USERS_V1,
                    2,
                    FaultKind::Status(429),
                )),
        )
        .await;
        let client = client(&sim)
            .rate_limit(RateLimit {
                per_minute: 3,
                per_hour: 6000,
                share: 1.0,
                time_scale: scale,
            })
            .build()
            .unwrap();
        // The login and one call, then the scripted 429 spends the window.
        client.users().get_all_users().send().await.unwrap();
        client.users().get_all_users().send().await.unwrap();
        assert_eq!(statuses(&sim, Operation::ListUsers), [200, 429, 200]);
        let refused = sim
            .received_requests()
            .iter()
            .filter(|r| r.status == 429)
            .count();
        assert_eq!(refused, 1, "only the scripted refusal");
    })
    .await;
}
