//! Every fault kind: scripted statuses, connection resets after the change,
//! latency, transient per-item failures, and reproducible random faults.

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;
use vsync_sim::{FaultKind, Operation, ScriptedFault, Sim};

use crate::harness::{TestSim, within};

#[tokio::test]
async fn the_third_post_of_v2_users_answers_503_without_changing_anything() {
    within(async {
        let t = TestSim::start(Sim::builder().no_rate_limit().script(ScriptedFault::nth(
            axum::http::Method::POST,
            "/v2/admin/users",
            3,
            FaultKind::Status(503),
        )))
        .await;
        t.sim.expect(Operation::AddUsers).times(4);
        let mut statuses = Vec::new();
        for i in 0..4 {
            let r = t
                .call(
                    Method::POST,
                    "/v2/admin/users",
                    json!({"users": [{"username": format!("f{i}@jupiter.example")}]}),
                )
                .await;
            if r.status == 503 {
                r.expect_error(503);
            }
            statuses.push(r.status);
        }
        assert_eq!(statuses, [200, 200, 503, 200]);
        let snap = t.sim.snapshot();
        assert!(
            snap.user_by_username("f2@jupiter.example").is_none(),
            "a 5xx fault does not run the call"
        );
        assert!(snap.user_by_username("f3@jupiter.example").is_some());
    })
    .await;
}

#[tokio::test]
async fn every_status_kind_and_templates_match() {
    within(async {
        let t = TestSim::default().await;
        for code in [500, 502, 503, 504, 409] {
            t.sim.script(ScriptedFault::first(
                axum::http::Method::GET,
                "/v1/admin/users/{userId}",
                1,
                FaultKind::Status(code),
            ));
            let (id, _) = t.some_user(0);
            t.get(&format!("/v1/admin/users/{id}"))
                .await
                .expect_error(code);
            t.get(&format!("/v1/admin/users/{id}")).await.expect(200);
        }
    })
    .await;
}

#[tokio::test]
async fn connection_reset_breaks_the_body_after_the_change_is_made() {
    within(async {
        let t = TestSim::start(Sim::builder().no_rate_limit().script(ScriptedFault::nth(
            axum::http::Method::POST,
            "/v2/admin/users",
            1,
            FaultKind::ConnectionReset,
        )))
        .await;
        let body = json!({"users": [{"username": "unknown.outcome@jupiter.example"}]});
        let resp = t
            .req(Method::POST, "/v2/admin/users")
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .await
            .expect("status and headers arrive");
        assert_eq!(resp.status().as_u16(), 200);
        assert!(resp.bytes().await.is_err(), "the body must break");
        assert!(
            t.sim
                .snapshot()
                .user_by_username("unknown.outcome@jupiter.example")
                .is_some(),
            "the create happened"
        );
        // The next call works.
        t.get("/v1/admin/profiles").await.expect(200);
    })
    .await;
}

#[tokio::test]
async fn latency_is_added_globally_and_by_script() {
    within(async {
        let t = TestSim::start(
            Sim::builder()
                .no_rate_limit()
                .latency(Duration::from_millis(100))
                .script(ScriptedFault::always(
                    axum::http::Method::GET,
                    "/v1/admin/profiles",
                    FaultKind::Latency(Duration::from_millis(200)),
                )),
        )
        .await;
        let start = Instant::now();
        t.get("/v1/admin/permissions").await.expect(200);
        assert!(start.elapsed() >= Duration::from_millis(100));
        let start = Instant::now();
        t.get("/v1/admin/profiles").await.expect(200);
        assert!(start.elapsed() >= Duration::from_millis(300));
    })
    .await;
}

#[tokio::test]
async fn scripted_item_failures_fail_the_first_item_with_a_transient_error() {
    within(async {
        let t = TestSim::start(Sim::builder().no_rate_limit().script(ScriptedFault::always(axum::http::Method::POST, "/v2/admin/users", FaultKind::ItemFailures))).await;
        let v = t
            .call(Method::POST, "/v2/admin/users", json!({"users": [{"username": "t1@jupiter.example"}, {"username": "t2@jupiter.example"}]}))
            .await
            .expect(200);
        assert_eq!(v["failures"][0]["userName"], "t1@jupiter.example");
        assert!(v["failures"][0]["error"]["message"].as_str().unwrap().contains("retry"));
        assert_eq!(v["successes"][0]["username"], "t2@jupiter.example");
        assert!(t.sim.snapshot().user_by_username("t1@jupiter.example").is_none());
        // Group creates get them too.
        t.sim.script(ScriptedFault::always(axum::http::Method::POST, "/v2/admin/user-groups", FaultKind::ItemFailures));
        let g = t.call(Method::POST, "/v2/admin/user-groups", json!({"userGroups": [{"displayName": "A1"}, {"displayName": "A2"}]})).await.expect(200);
        assert_eq!(g["failures"].as_array().unwrap().len(), 1);
    })
    .await;
}

async fn random_run(seed: u64) -> Vec<u16> {
    let t = TestSim::start(
        Sim::builder()
            .no_rate_limit()
            .seed(seed)
            .fault_rate(0.4)
            .fault_kinds([
                FaultKind::Status(500),
                FaultKind::Status(502),
                FaultKind::Status(503),
                FaultKind::Status(504),
            ]),
    )
    .await;
    let mut out = Vec::new();
    for _ in 0..40 {
        let r = t.get("/v1/admin/permissions").await;
        if r.status != 200 {
            r.expect_error(r.status);
        }
        out.push(r.status);
    }
    out
}

#[tokio::test]
async fn random_faults_are_reproducible_for_a_seed() {
    within(async {
        let a = random_run(7).await;
        let b = random_run(7).await;
        let c = random_run(8).await;
        assert_eq!(a, b);
        assert_ne!(a, c);
        for code in [500, 502, 503, 504] {
            assert!(a.contains(&code) || c.contains(&code), "{code} never drawn");
        }
        assert!(a.contains(&200));
    })
    .await;
}

#[tokio::test]
async fn random_resets_and_item_failures_happen_at_full_rate() {
    within(async {
        let t = TestSim::start_without_login(
            Sim::builder()
                .no_rate_limit()
                .fault_rate(1.0)
                .fault_kinds([FaultKind::ItemFailures]),
        )
        .await;
        let users: Vec<_> = (0..10)
            .map(|i| json!({"username": format!("r{i}@jupiter.example")}))
            .collect();
        let v = t
            .call(Method::POST, "/v2/admin/users", json!({"users": users}))
            .await
            .expect(200);
        let failed = v["failures"].as_array().unwrap().len();
        assert!(failed >= 1 && failed + v["successes"].as_array().unwrap().len() == 10);
        let t = TestSim::start_without_login(
            Sim::builder()
                .no_rate_limit()
                .fault_rate(1.0)
                .fault_kinds([FaultKind::ConnectionReset]),
        )
        .await;
        let resp = t
            .req(Method::GET, "/v1/admin/permissions")
            .send()
            .await
            .unwrap();
        assert!(resp.bytes().await.is_err());
    })
    .await;
}
