//! Pacing against a tenant that enforces 100 calls a "minute" (a scaled
//! minute of 3 s): no 429 and never over the limit, however loaded the
//! machine; what a window has left is spent without waiting. A loaded
//! machine can only slow the calls down, so these tests assert upper
//! bounds on rates and exact counts of waits; how close to the limit a run
//! gets is measured by `cargo bench -p vsync-client --bench pacing`.

use std::time::{Duration, Instant};

use futures::future::join_all;
use vsync_api::query::UsersV1Query;
use vsync_client::{Client, Operation, RateLimit, RawResponse};
use vsync_sim::Sim;

use crate::harness::{client, sim, start, within};

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

fn remaining_minute(raw: &RawResponse) -> u32 {
    raw.headers
        .get("x-ratelimit-remaining-minute")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("the tenant reports what is left")
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

/// With `share` 0.5 the client spends half of each window and leaves the
/// other half: the tenant never reports fewer than 50 calls left.
#[tokio::test]
async fn share_leaves_budget_for_other_integrations() {
    within(60, async {
        let sim = start(limited_sim()).await;
        let client = paced(&sim, 0.5);
        let mut lowest = u32::MAX;
        for _ in 0..60 {
            let raw = client
                .raw(Operation::ListUsers)
                .query(&UsersV1Query {
                    limit: Some(1),
                    ..UsersV1Query::default()
                })
                .unwrap()
                .send()
                .await
                .unwrap();
            assert_eq!(raw.status.as_u16(), 200);
            lowest = lowest.min(remaining_minute(&raw));
        }
        eprintln!("share 0.5: the tenant reported at least {lowest} calls left");
        assert!(
            lowest >= 50,
            "{lowest} left: more than half the window used"
        );
        assert!(
            client.metrics().rate_limit_waits >= 1,
            "61 calls do not fit in half a window"
        );
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

/// Regression test for spacing calls 0.6 s apart with 98 calls left: a
/// burst the window covers goes out without any pacing wait. The tenant's
/// minute is a real one here, so it cannot reset during the test.
#[tokio::test]
async fn a_burst_the_window_covers_is_not_paced() {
    within(60, async {
        let sim = start(
            Sim::builder()
                .seed_users(10)
                .rate_limit_minute(100)
                .rate_limit_hour(6000),
        )
        .await;
        let client = client(&sim)
            .rate_limit(RateLimit::default())
            .build()
            .unwrap();
        client.auth().login().await.unwrap();
        join_all((0..6).map(|_| {
            let client = client.clone();
            async move {
                for _ in 0..15 {
                    one_call(&client).await;
                }
            }
        }))
        .await;
        let (calls, throttled) = statuses(&sim);
        assert_eq!((calls, throttled), (91, 0));
        let m = client.metrics();
        assert_eq!(m.rate_limit_waits, 0, "waited {:?}", m.rate_limit_wait);
        assert_eq!(m.rate_limit_wait, Duration::ZERO);
    })
    .await;
}

/// A tenant that sends no rate-limit headers: the client assumes Visier's
/// documented 100 calls a minute, spends them at once, then waits.
#[tokio::test]
async fn without_headers_the_documented_limit_is_assumed() {
    within(60, async {
        let sim = start(sim().seed_users(3)).await;
        let client = client(&sim)
            .rate_limit(RateLimit {
                time_scale: SCALE,
                ..RateLimit::default()
            })
            .build()
            .unwrap();
        client.auth().login().await.unwrap();
        for _ in 0..99 {
            one_call(&client).await;
        }
        assert_eq!(client.metrics().rate_limit_waits, 0, "100 calls at once");
        one_call(&client).await;
        let m = client.metrics();
        assert_eq!(m.rate_limit_waits, 1, "the 101st waits for the window");
        assert!(m.rate_limit_wait > Duration::ZERO);
    })
    .await;
}

/// The hour window is paced as the minute is: 150 calls an hour (of 6 s
/// here) with 100 a minute (of 0.1 s), 200 calls, no 429.
#[tokio::test]
async fn the_hour_window_is_paced_the_same_way() {
    within(60, async {
        let scale = 600.0;
        let sim = start(
            Sim::builder()
                .seed_users(3)
                .rate_limit_minute(100)
                .rate_limit_hour(150)
                .time_scale(scale),
        )
        .await;
        let client = client(&sim)
            .rate_limit(RateLimit {
                per_minute: 100,
                per_hour: 150,
                share: 1.0,
                time_scale: scale,
            })
            .build()
            .unwrap();
        for _ in 0..200 {
            one_call(&client).await;
        }
        let (calls, throttled) = statuses(&sim);
        assert_eq!((calls, throttled), (201, 0));
        assert!(client.metrics().rate_limit_waits >= 1);
    })
    .await;
}
