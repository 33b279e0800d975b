//! A tenant that refuses every user create with 503: the client repeats each call within the
//! run's retry budget, the run ends with the creates failed (nothing lost) and exit 5, and the
//! budget used and its size are in the `run_finished` line, the report and `run.json`.

use std::fmt::Write as _;

use http::Method;
use vsync_sim::{Credentials, FaultKind, Operation, ScriptedFault, Sim};

use crate::harness::{API_KEY, PASSWORD, USERNAME, vsync};

const USERS: usize = 120;

#[tokio::test(flavor = "multi_thread")]
async fn a_persistent_503_fails_the_changes_with_exit_5_and_reports_the_retry_budget() {
    let sim = Sim::builder()
        .seed(11)
        .seed_users(3)
        .credentials(Credentials {
            username: USERNAME.into(),
            password: PASSWORD.into(),
            apikey: API_KEY.into(),
            ..Credentials::default()
        })
        .no_rate_limit()
        .script(ScriptedFault::always(
            Method::POST,
            "/v2/admin/users",
            FaultKind::Status(503),
        ))
        .start()
        .await
        .expect("the simulated tenant starts");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    let mut users = String::from("username,displayName,employeeId\n");
    for i in 0..USERS {
        let _ = writeln!(users, "new{i}@example.com,New {i},N{i:05}");
    }
    std::fs::write(input.join("users.csv"), users).unwrap();
    let users_before = sim.snapshot().users.len();

    let run = vsync(
        dir.path(),
        Some(&sim.uri()),
        &[
            "--log-format",
            "json",
            "sync",
            "--input",
            "input",
            "--mode",
            "upsert",
        ],
    )
    .await;
    assert_eq!(run.code, 5, "partial failure: {}", run.all());
    let last: serde_json::Value = run
        .stdout
        .lines()
        .rfind(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .expect("a result line");
    assert_eq!(last["event"], "run_finished", "{last}");
    assert_eq!(last["changes"]["failed"], USERS, "{last}");
    let used = last["retry_budget"]["used"].as_u64().expect("budget used");
    let size = last["retry_budget"]["size"].as_u64().expect("budget size");
    assert!(used > 0 && used <= size, "{last}");

    // The tenant saw one create per batch and the client's repeats, nothing more.
    let creates = USERS.div_ceil(100) as u64;
    assert_eq!(
        sim.call_count(Operation::AddUsers) as u64,
        creates + used,
        "{last}"
    );
    assert_eq!(sim.snapshot().users.len(), users_before, "nothing created");

    let run_json = std::fs::read_dir(dir.path().join("vsync-reports/latest"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.ends_with("run.json"))
        .expect("run.json");
    let facts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(run_json).unwrap()).unwrap();
    assert_eq!(
        facts["facts"]["retryBudget"],
        serde_json::json!({ "used": used, "size": size }),
        "{facts}"
    );
}
