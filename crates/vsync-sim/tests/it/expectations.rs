//! Declarative call expectations: checked by `verify()` and on drop, with a
//! message naming the operation, the expected and the received counts.

use std::panic::{AssertUnwindSafe, catch_unwind};

use reqwest::Method;
use serde_json::json;
use vsync_sim::Operation;

use crate::harness::{TestSim, within};

fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

async fn add_user(t: &TestSim, name: &str) {
    t.call(
        Method::POST,
        "/v2/admin/users",
        json!({"users": [{"username": format!("{name}@jupiter.example")}]}),
    )
    .await
    .expect(200);
}

#[tokio::test]
async fn met_expectations_pass_verify_and_drop() {
    within(async {
        let t = TestSim::default().await;
        // Calls made before an expectation do not count towards it.
        add_user(&t, "before").await;
        t.sim.expect(Operation::AddUsers).times(2);
        t.sim.expect(Operation::ListUsers);
        t.sim.expect(Operation::DeleteUsers).never();
        t.sim.expect(Operation::ListProfiles).at_most(1);
        t.sim.expect(Operation::GetUser).at_least(1).at_most(3);
        add_user(&t, "one").await;
        add_user(&t, "two").await;
        t.get("/v1/admin/users?limit=1").await.expect(200);
        t.get("/v1/admin/users/nobody").await.expect_error(404);
        assert!(t.sim.unmet_expectations().is_empty());
        t.sim.verify();
    })
    .await;
}

#[tokio::test]
async fn an_unmet_expectation_panics_on_drop_with_expected_and_received() {
    within(async {
        let t = TestSim::default().await;
        t.sim.expect(Operation::AddUsers).times(3);
        t.sim.expect(Operation::ListUsers).never();
        add_user(&t, "only").await;
        t.get("/v1/admin/users?limit=1").await.expect(200);
        let unmet = t.sim.unmet_expectations();
        assert_eq!(unmet.len(), 2, "{unmet:?}");
        let err = catch_unwind(AssertUnwindSafe(move || drop(t))).expect_err("drop panics");
        let text = panic_text(&err);
        assert!(text.contains("2 call expectations were not met"), "{text}");
        assert!(
            text.contains(
                "POST /v2/admin/users (UsersV2_AddUsers): expected exactly 3 calls, received 1"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "GET /v1/admin/users (UsersV1_GetAllUsers): expected no calls, received 1"
            ),
            "{text}"
        );
    })
    .await;
}

#[tokio::test]
async fn verify_checks_before_drop_and_a_bare_expectation_wants_one_call() {
    within(async {
        let t = TestSim::default().await;
        t.sim.expect(Operation::ListPermissions);
        let err = catch_unwind(AssertUnwindSafe(|| t.sim.verify())).expect_err("unmet");
        assert!(panic_text(&err).contains("expected at least 1 call, received 0"));
        t.get("/v1/admin/permissions").await.expect(200);
        t.sim.verify();
    })
    .await;
}

#[tokio::test]
async fn no_second_panic_while_a_test_is_already_failing() {
    within(async {
        let t = TestSim::default().await;
        t.sim.expect(Operation::AddUsers).times(5);
        // If dropping the simulator panicked again while unwinding, the
        // process would abort instead of reaching the assertion below.
        let err = catch_unwind(AssertUnwindSafe(move || {
            let _t = t;
            panic!("the test's own failure");
        }))
        .expect_err("the closure panics");
        assert_eq!(panic_text(&err), "the test's own failure");
    })
    .await;
}

#[tokio::test]
async fn reset_counters_restarts_expectations_from_zero() {
    within(async {
        let t = TestSim::default().await;
        t.sim.expect(Operation::AddUsers).times(1);
        add_user(&t, "a").await;
        add_user(&t, "b").await;
        assert_eq!(t.sim.unmet_expectations().len(), 1);
        t.sim.reset_counters();
        add_user(&t, "c").await;
        t.sim.verify();
    })
    .await;
}
