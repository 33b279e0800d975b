//! Runs that keep their history, and one run per tenant.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::{self, Run, sim, sim_with, vsync};

fn run_folders(report_dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(report_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "latest")
        .collect();
    names.sort();
    names
}

/// Regression test: every run used to overwrite the last one's reports, plan and journal.
#[tokio::test(flavor = "multi_thread")]
async fn two_runs_keep_two_report_folders_and_latest_is_the_newer() {
    let sim = sim(20).await;
    let dir = tempfile::tempdir().unwrap();
    let host = sim.uri();
    let run = vsync(dir.path(), Some(&host), &["export", "--out", "tenant"]).await;
    assert_eq!(run.code, 0, "{}", run.all());
    for _ in 0..2 {
        let run = vsync(dir.path(), Some(&host), &["sync", "--input", "tenant"]).await;
        assert_eq!(run.code, 0, "{}", run.all());
    }
    let reports = dir.path().join("vsync-reports");
    let folders = run_folders(&reports);
    assert_eq!(folders.len(), 2, "{folders:?}");
    for folder in &folders {
        assert!(
            folder.ends_with("-sync") || folder.ends_with("-sync-2"),
            "{folder}"
        );
        for file in [
            "sync-report.xlsx",
            "sync-report.json",
            "sync-report.md",
            "run.json",
        ] {
            assert!(reports.join(folder).join(file).is_file(), "{folder}/{file}");
        }
    }
    let latest = reports.join("latest").canonicalize().unwrap();
    assert_eq!(latest, reports.join(&folders[1]).canonicalize().unwrap());
    // No lock file is left among the reports.
    for (path, _) in harness::text_files(&reports) {
        assert!(
            path.extension().is_none_or(|e| e != "lock"),
            "{}",
            path.display()
        );
    }

    // The run's facts name the account, the input's hash and the policy.
    let facts: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(latest.join("run.json")).unwrap()).unwrap();
    assert_eq!(facts["account"], harness::USERNAME, "{facts}");
    assert_eq!(facts["command"], "sync");
    assert!(
        facts["input"]["checksum"].as_str().unwrap().len() == 64,
        "{facts}"
    );
    assert!(facts["policy"]["guards"].is_object(), "{facts}");

    // Retention: keep the newest run only.
    let run = vsync(
        dir.path(),
        Some(&host),
        &["sync", "--input", "tenant", "--keep-runs", "1"],
    )
    .await;
    assert_eq!(run.code, 0, "{}", run.all());
    assert_eq!(run_folders(&reports).len(), 1);
}

/// A `users.csv` of `n` new hires in `dir`.
fn hires(dir: &Path, n: usize) {
    let mut csv = String::from("username,displayName,employeeId,email,accountEnabled\n");
    for i in 0..n {
        writeln!(
            csv,
            "hire{i}@example.com,New Hire {i},{i:07},hire{i}@example.com,true"
        )
        .unwrap();
    }
    std::fs::write(dir.join("users.csv"), csv).unwrap();
}

/// Regression test: the lock used to cover one report folder and one spelling of the host,
/// so two syncs of one tenant from two folders, or as `localhost` and `127.0.0.1`, both ran
/// and failed each other's creates. The second run now exits 7 and names the holder.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread")]
async fn a_second_run_of_the_tenant_from_another_folder_or_spelling_exits_7() {
    const USERS: usize = 6000;
    let sim = sim_with(0, Duration::from_millis(100)).await;
    let host = sim.uri();
    let port = host.rsplit(':').next().unwrap().to_owned();
    let state = tempfile::tempdir().unwrap();
    let first_dir = tempfile::tempdir().unwrap();
    let second_dir = tempfile::tempdir().unwrap();
    hires(first_dir.path(), USERS);
    hires(second_dir.path(), 10);

    // The first run: 60 create calls of 100 ms each, one at a time.
    let mut first = harness::command(
        first_dir.path(),
        Some(&host),
        &[
            "sync",
            "--input",
            "users.csv",
            "--concurrency",
            "1",
            "--rate-time-scale",
            "50",
        ],
    );
    let first = first
        .env("VSYNC_STATE_DIR", state.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while sim.mutating_request_count() < 1 {
        assert!(
            Instant::now() < deadline,
            "the first run never started applying"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }

    for second_host in [host.clone(), format!("http://localhost:{port}")] {
        let mut second = harness::command(
            second_dir.path(),
            Some(&second_host),
            &["sync", "--input", "users.csv"],
        );
        second.env("VSYNC_STATE_DIR", state.path());
        let run = harness::run(second).await;
        assert_eq!(
            run.code,
            7,
            "{second_host}: the lock is held:\n{}",
            run.all()
        );
        assert!(
            run.stderr.contains(&format!("pid {}", first.id())),
            "names the holder's pid:\n{}",
            run.all()
        );
        assert!(
            run.stderr.contains("vsync sync on 127.0.0.1"),
            "{}",
            run.all()
        );
        assert!(run.stderr.contains("started "), "{}", run.all());
    }

    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &first.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let output = tokio::task::spawn_blocking(move || first.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let run = Run::from(&output);
    assert!(matches!(run.code, 0 | 130), "{}", run.all());
}
