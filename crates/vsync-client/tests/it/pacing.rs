//! Pacing against a tenant that enforces 100 calls a "minute" (a scaled
//! minute of 3 s): no 429 and never over the limit, however loaded the
//! machine. A loaded machine can only slow the calls down, so these tests
//! assert upper bounds; how close to the limit a run gets is measured by
//! `cargo bench -p vsync-client --bench pacing`.

use std::time::{Duration, Instant};

use futures::future::join_all;
use vsync_client::{Client, RateLimit};
use vsync_sim::Sim;

use crate::harness::{client, start, within};

/// A minute lasts 3 s: short enough for a test, long enough that the
/// latency of a loaded machine stays small against the 30 ms between calls.
const SCALE: f64 = 20.0;

fn limited_sim() -> vsync_sim::SimBuilder {
    Sim::builder()
        .seed_users(10)
        .rate_limit_minute(100)
        .rate_limit_hour(6000)
        .time_scale(SCALE)
}

fn paced(sim: &Sim, share: f64) -> Client {
    client(sim)
        .rate_limit(RateLimit {
            per_minute: 100,
            per_hour: 6000,
            share,
            time_scale: SCALE,
        })
        .build()
        .unwrap()
}

fn statuses(sim: &Sim) -> (usize, usize) {
    let all = sim.received_requests();
    let throttled = all.iter().filter(|r| r.status == 429).count();
    (all.len(), throttled)
}

/// Calls per scaled minute over a run of `calls` calls lasting `elapsed`.
fn per_minute(calls: usize, elapsed: Duration) -> f64 {
    let minute = 60.0 / SCALE;
    calls as f64 / (elapsed.as_secs_f64() / minute)
}

async fn one_call(client: &Client) {
    client
        .users()
        .get_all_users()
        .page_size(1)
        .send()
        .await
        .expect("a paced call succeeds");
}

#[tokio::test]
async fn three_hundred_calls_under_the_limit_without_429() {
    within(60, async {
        let sim = start(limited_sim()).await;
        let client = paced(&sim, 1.0);
        let started = Instant::now();
        for _ in 0..300 {
            one_call(&client).await;
        }
        let elapsed = started.elapsed();
        let (calls, throttled) = statuses(&sim);
        let rate = per_minute(calls, elapsed);
        eprintln!(
            "sequential: {calls} calls in {elapsed:?} = {rate:.1} per scaled minute, {throttled} x 429, waited {:?}",
            client.metrics().rate_limit_wait
        );
        assert_eq!(throttled, 0);
        assert_eq!(client.metrics().throttled, 0);
        assert_eq!(calls, 301, "300 calls and one login");
        assert!(rate <= 100.5, "{rate:.1} calls per minute: over the limit");
    })
    .await;
}

#[tokio::test]
async fn concurrent_callers_share_the_budget_without_429() {
    within(60, async {
        let sim = start(limited_sim()).await;
        let client = paced(&sim, 1.0);
        client.auth().login().await.unwrap();
        let started = Instant::now();
        join_all((0..6).map(|_| {
            let client = client.clone();
            async move {
                for _ in 0..50 {
                    one_call(&client).await;
                }
            }
        }))
        .await;
        let elapsed = started.elapsed();
        let (calls, throttled) = statuses(&sim);
        let rate = per_minute(calls - 1, elapsed);
        eprintln!(
            "6 concurrent callers: {calls} calls in {elapsed:?} = {rate:.1} per scaled minute, {throttled} x 429"
        );
        assert_eq!(throttled, 0);
        assert_eq!(calls, 301, "300 calls and one login");
        assert!(rate <= 100.5, "{rate:.1} calls per minute: over the limit");
    })
    .await;
}

#[tokio::test]
async fn share_leaves_budget_for_other_integrations() {
    within(60, async {
        let sim = start(limited_sim()).await;
        let client = paced(&sim, 0.5);
        client.auth().login().await.unwrap();
        let started = Instant::now();
        for _ in 0..60 {
            one_call(&client).await;
        }
        let rate = per_minute(60, started.elapsed());
        eprintln!("share 0.5: {rate:.1} per scaled minute");
        assert!(rate <= 51.0, "{rate:.1}: more than half the limit");
    })
    .await;
}

/// Another integration on the same key: the remaining-call headers slow
/// this client down. Both run at full share, which is more than the
/// tenant allows, so a few 429s are possible; every call still succeeds.
#[tokio::test]
async fn remaining_headers_correct_two_clients_on_one_key() {
    within(60, async {
        let sim = start(limited_sim()).await;
        let a = paced(&sim, 1.0);
        let b = paced(&sim, 1.0);
        let started = Instant::now();
        let run = |c: Client| async move {
            for _ in 0..150 {
                one_call(&c).await;
            }
        };
        tokio::join!(run(a.clone()), run(b.clone()));
        let elapsed = started.elapsed();
        let (calls, throttled) = statuses(&sim);
        let rate = per_minute(calls, elapsed);
        eprintln!(
            "two clients, one key: {calls} calls in {elapsed:?} = {rate:.1} per scaled minute, {throttled} x 429"
        );
        assert!(throttled <= 6, "{throttled} x 429");
        // The run spans parts of four fixed windows, so the average may sit
        // a little above 100; the tenant enforces each window exactly.
        assert!(rate <= 110.0, "{rate:.1}");
    })
    .await;
}
