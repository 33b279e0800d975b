//! The session goes out with the request as it leaves, after the pacing
//! wait, so a wait longer than a token's life costs a login, not a 401.

use std::time::Duration;

use vsync_client::{Operation, RateLimit};
use vsync_sim::Sim;

use crate::harness::{client, start, within};

/// Regression test for attaching the token before the pacing wait: with two
/// calls a (4-second) minute and tokens living one second, every call after
/// the first two waits past the token's life. Each must leave with a token
/// fetched after its wait: no request is answered 401.
#[tokio::test]
async fn a_request_that_waited_past_the_token_lifetime_leaves_with_a_fresh_token() {
    within(60, async {
        let scale = 15.0;
        let lifetime = Duration::from_secs(1);
        let sim = start(
            Sim::builder()
                .seed_users(3)
                .rate_limit_minute(2)
                .rate_limit_hour(6000)
                .time_scale(scale)
                .token_lifetime(lifetime),
        )
        .await;
        let client = client(&sim)
            .asid_token_lifetime(lifetime)
            .rate_limit(RateLimit {
                per_minute: 2,
                per_hour: 6000,
                share: 1.0,
                time_scale: scale,
            })
            .build()
            .unwrap();
        for _ in 0..3 {
            client.users().get_all_users().send().await.unwrap();
        }
        let statuses: Vec<u16> = sim.received_requests().iter().map(|r| r.status).collect();
        assert!(
            !statuses.contains(&401),
            "a stale token went out: {statuses:?}"
        );
        assert!(!statuses.contains(&429), "{statuses:?}");
        assert_eq!(sim.call_count(Operation::ListUsers), 3);
    })
    .await;
}
