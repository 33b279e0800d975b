//! The state file: loaded at start, saved atomically after changes and on
//! shutdown.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use vsync_sim::Sim;

use crate::harness::{TestSim, within};

#[tokio::test]
async fn state_survives_a_restart() {
    within(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tenant.json");
        let t = TestSim::start(
            Sim::builder()
                .seed_users(5)
                .no_rate_limit()
                .state_file(&path),
        )
        .await;
        assert!(path.exists(), "a fresh tenant is written at start");
        t.call(
            Method::POST,
            "/v2/admin/users",
            json!({"users": [{"username": "kept@jupiter.example"}]}),
        )
        .await
        .expect(200);
        // The debounced save lands on its own, without a shutdown; poll for it (the
        // `within` deadline fails the test if it never does) rather than guess how long a
        // loaded machine takes.
        while !std::fs::read_to_string(&path)
            .unwrap()
            .contains("kept@jupiter.example")
        {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        t.sim.shutdown().await.unwrap();

        let again = TestSim::start(
            Sim::builder()
                .seed_users(50)
                .no_rate_limit()
                .state_file(&path),
        )
        .await;
        let snap = again.sim.snapshot();
        assert!(snap.user_by_username("kept@jupiter.example").is_some());
        assert_eq!(snap.users.len(), 7, "loaded, not re-seeded");
        // No temp files are left next to it.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    })
    .await;
}

#[tokio::test]
async fn a_corrupt_state_file_fails_start_with_its_path() {
    within(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.json");
        std::fs::write(&path, "{not json").unwrap();
        let err = Sim::builder().state_file(&path).start().await.unwrap_err();
        assert_eq!(err.kind(), vsync_sim::SimErrorKind::State);
        assert!(err.to_string().contains("broken.json"));
    })
    .await;
}
