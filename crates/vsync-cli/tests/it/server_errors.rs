//! HTTP 500 as the `vsync` command meets it (issue 13, case 7): reads and the sign-in answered
//! 500 a few times are repeated and the run succeeds; a sign-in that keeps failing with 500 is
//! not reported as an authentication failure (exit 8, which tells a scheduler the credentials
//! are wrong), but as an error (exit 1).

use http::Method;
use vsync_api::paths;
use vsync_sim::{FaultKind, Operation, ScriptedFault};

use crate::harness::{Tenant, assert_no_secret};

#[tokio::test(flavor = "multi_thread")]
async fn reads_and_the_sign_in_answered_500_are_repeated_and_the_export_succeeds() {
    let tenant = Tenant::seeded(10).await;
    let sim = &tenant.sim;
    sim.script(ScriptedFault::first(
        Method::POST,
        paths::ASID_TOKEN,
        1,
        FaultKind::Status(500),
    ));
    sim.script(ScriptedFault::first(
        Method::GET,
        paths::USERS_V1,
        2,
        FaultKind::Status(500),
    ));
    let run = tenant.vsync(&["export", "--out", "tenant.xlsx"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert!(tenant.path().join("tenant.xlsx").is_file());
    assert!(
        sim.call_count(Operation::AsidToken) >= 2,
        "the sign-in was repeated"
    );
    let refused = sim
        .received_requests()
        .iter()
        .filter(|r| r.status == 500)
        .count();
    assert_eq!(refused, 3, "the three scripted 500s were met and outlived");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_sign_in_that_keeps_failing_with_500_exits_1_not_8() {
    let tenant = Tenant::seeded(5).await;
    let sim = &tenant.sim;
    sim.script(ScriptedFault::always(
        Method::POST,
        paths::ASID_TOKEN,
        FaultKind::Status(500),
    ));
    let run = tenant.vsync(&["export", "--out", "tenant.xlsx"]).await;
    assert_eq!(run.code, 1, "not an authentication failure:\n{}", run.all());
    assert!(
        run.stderr.contains("500"),
        "the status is said:\n{}",
        run.all()
    );
    assert!(
        !run.all().contains("authentication failed"),
        "{}",
        run.all()
    );
    assert!(sim.call_count(Operation::AsidToken) > 1, "it was retried");
    assert!(!tenant.path().join("tenant.xlsx").exists());
    assert_no_secret(&run.all());
}
