//! Tests that need a second process: SIGKILL in the middle of an apply, and two applies at
//! once.
//!
//! The second process is this test binary itself, re-executed with `--exact --ignored` on
//! [`worker`] and the job in `VSYNC_WORKER_*` environment variables. The worker prints
//! [`APPLYING`] on stdout just before it starts sending, so the parent can time its kill.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vsync_engine::Plan;
use vsync_engine::outcome::Status;
use vsync_executor::{
    CancellationToken, ExecError, ExecOptions, Executor, NewProject, ProgressMode, ProjectChoice,
    ProjectState, TenantLock,
};
use vsync_sim::Sim;

use crate::harness::{client, client_at, desired, duplicates, plan_for, verification, within};

const APPLYING: &str = "VSYNC-WORKER-APPLYING";

/// Runs one apply in a child process; see the module docs. Does nothing when run directly.
#[tokio::test]
#[ignore = "run by the SIGKILL and lock tests in a child process"]
async fn worker() {
    let Ok(uri) = std::env::var("VSYNC_WORKER_URI") else {
        return;
    };
    let plan: Plan = serde_json::from_slice(
        &std::fs::read(std::env::var("VSYNC_WORKER_PLAN").unwrap()).unwrap(),
    )
    .unwrap();
    let journal = PathBuf::from(std::env::var("VSYNC_WORKER_JOURNAL").unwrap());
    let _lock = std::env::var("VSYNC_WORKER_LOCK_DIR")
        .ok()
        .map(|dir| TenantLock::acquire(Path::new(&dir), &uri, "a test child").unwrap());
    let client = client_at(&uri, None, false);
    client.auth().login().await.unwrap();
    let project = std::env::var("VSYNC_WORKER_PROJECT")
        .ok()
        .map_or(ProjectChoice::None, |name| ProjectChoice::Auto {
            project: NewProject {
                name,
                ..NewProject::default()
            },
            continue_in: None,
        });
    let opts = ExecOptions {
        journal: Some(journal),
        progress: ProgressMode::Off,
        project,
        ..ExecOptions::default()
    };
    println!("{APPLYING}");
    Executor::new(client, opts)
        .apply(&plan, CancellationToken::new())
        .await
        .unwrap();
}

/// Starts the worker on `plan` against `uri` and waits until it is about to send.
fn spawn_worker(uri: &str, plan: &Plan, dir: &Path, lock_dir: Option<&Path>) -> Child {
    spawn_worker_in(uri, plan, dir, lock_dir, None)
}

/// [`spawn_worker`], making the versioned changes in a draft project named `project`.
fn spawn_worker_in(
    uri: &str,
    plan: &Plan,
    dir: &Path,
    lock_dir: Option<&Path>,
    project: Option<&str>,
) -> Child {
    let plan_path = dir.join("plan.json");
    std::fs::write(&plan_path, serde_json::to_vec(plan).unwrap()).unwrap();
    let mut command = Command::new(std::env::current_exe().unwrap());
    command
        .args([
            "--exact",
            "process::worker",
            "--ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env("VSYNC_WORKER_URI", uri)
        .env("VSYNC_WORKER_PLAN", &plan_path)
        .env("VSYNC_WORKER_JOURNAL", dir.join("run.journal"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if let Some(lock_dir) = lock_dir {
        command.env("VSYNC_WORKER_LOCK_DIR", lock_dir);
    }
    if let Some(project) = project {
        command.env("VSYNC_WORKER_PROJECT", project);
    }
    let mut child = command.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    loop {
        match lines.next() {
            Some(Ok(line)) if line.contains(APPLYING) => break,
            Some(Ok(_)) => {}
            _ => panic!("the worker ended before applying"),
        }
    }
    // Keep draining the pipe so the worker never blocks on a full one.
    std::thread::spawn(move || for _ in lines {});
    child
}

/// Acceptance: SIGKILL at a random point of a 5,000-user apply; afterwards `apply --resume`
/// (even seeds) or a fresh sync (odd seeds) converges with no duplicate and no lost change.
///
/// Runs 3 seeds by default to keep `cargo test` short; `VSYNC_KILL_SEEDS=20` runs the full 20.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_at_a_random_point_then_resume_or_fresh_sync_converges() {
    let seeds: u64 = std::env::var("VSYNC_KILL_SEEDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    within(60 + 40 * seeds, async {
        for seed in 0..seeds {
            let sim = Sim::builder()
                .empty()
                .no_rate_limit()
                .seed(seed)
                .latency(Duration::from_millis(5))
                .start()
                .await
                .unwrap();
            let client = client(&sim, None, false);
            let desired = desired(5000);
            let plan = plan_for(&client, &desired).await;
            let dir = tempfile::tempdir().unwrap();
            let mut child = spawn_worker(&sim.uri(), &plan, dir.path(), None);
            // A random point of the apply: after `after` of its requests, plus a few ms so the
            // kill can also land while a request is in flight.
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let after = rng.random_range(0..plan.call_count());
            let extra = rng.random_range(0..15);
            while sim.mutating_request_count() < after && child.try_wait().unwrap().is_none() {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            tokio::time::sleep(Duration::from_millis(extra)).await;
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            let journal = dir.path().join("run.journal");
            let sent = sim.mutating_request_count();
            let how = if seed % 2 == 0 {
                let outcome = Executor::new(
                    client.clone(),
                    ExecOptions {
                        progress: ProgressMode::Off,
                        ..ExecOptions::default()
                    },
                )
                .resume(&plan, &journal, CancellationToken::new())
                .await
                .unwrap();
                assert_eq!(
                    outcome.outcomes.len(),
                    plan.changes.len(),
                    "seed {seed}: every change has an outcome"
                );
                assert!(
                    outcome.all_applied(),
                    "seed {seed}: {:?}",
                    outcome
                        .outcomes
                        .iter()
                        .find(|o| o.status != Status::Applied)
                );
                "resume"
            } else {
                let plan = plan_for(&client, &desired).await;
                let outcome = Executor::new(
                    client.clone(),
                    ExecOptions {
                        progress: ProgressMode::Off,
                        ..ExecOptions::default()
                    },
                )
                .apply(&plan, CancellationToken::new())
                .await
                .unwrap();
                assert!(
                    outcome.all_applied(),
                    "seed {seed}: {:?}",
                    outcome
                        .outcomes
                        .iter()
                        .find(|o| o.status != Status::Applied)
                );
                "fresh sync"
            };
            eprintln!(
                "seed {seed}: killed {extra} ms after request {after} of {}, {sent} mutating requests sent; {how} converged",
                plan.call_count()
            );
            assert!(
                duplicates(&sim).is_empty(),
                "seed {seed}: {:?}",
                duplicates(&sim)
            );
            let check = verification(&client, &desired).await;
            assert!(
                check.converged,
                "seed {seed} ({how}): {:?}",
                check.remaining
            );
        }
    })
    .await;
}

/// Acceptance: SIGKILL half way through an apply that works in a draft project, then a resume:
/// one project, one production version, no duplicate, every change in production.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_in_a_project_then_resume_publishes_one_version() {
    within(120, async {
        let sim = Sim::builder()
            .empty()
            .no_rate_limit()
            .latency(Duration::from_millis(5))
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, false);
        let desired = desired(3000);
        let plan = plan_for(&client, &desired).await;
        let before = sim.production_versions();
        let dir = tempfile::tempdir().unwrap();
        let mut child = spawn_worker_in(
            &sim.uri(),
            &plan,
            dir.path(),
            None,
            Some("vsync apply killed"),
        );
        let half = plan.call_count() / 2;
        while sim.mutating_request_count() < half && child.try_wait().unwrap().is_none() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        assert_eq!(
            sim.production_versions(),
            before,
            "killed before publishing"
        );
        let journal = dir.path().join("run.journal");
        let outcome = Executor::new(
            client.clone(),
            ExecOptions {
                progress: ProgressMode::Off,
                project: ProjectChoice::Auto {
                    project: NewProject {
                        name: "vsync apply resumed".into(),
                        ..NewProject::default()
                    },
                    continue_in: None,
                },
                ..ExecOptions::default()
            },
        )
        .resume(&plan, &journal, CancellationToken::new())
        .await
        .unwrap();
        assert!(
            outcome.all_applied(),
            "{:?}",
            outcome
                .outcomes
                .iter()
                .find(|o| o.status != Status::Applied)
        );
        let project = outcome.project.expect("the killed run's project");
        assert_eq!(project.state, ProjectState::Published);
        assert_eq!(project.name.as_deref(), Some("vsync apply killed"));
        let snapshot = sim.snapshot();
        assert_eq!(snapshot.projects.len(), 1, "one project");
        assert_eq!(sim.production_versions(), before + 1, "one version");
        assert!(duplicates(&sim).is_empty(), "{:?}", duplicates(&sim));
        let check = verification(&client, &desired).await;
        assert!(check.converged, "{:?}", check.remaining);
    })
    .await;
}

/// Acceptance: while one apply holds the tenant's lock a second refuses at once, naming the
/// holder; after a SIGKILL of the first, the next run proceeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn second_apply_refuses_while_the_first_runs_and_proceeds_after_sigkill() {
    within(60, async {
        let sim = Sim::builder()
            .empty()
            .no_rate_limit()
            .latency(Duration::from_millis(20))
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, false);
        let plan = plan_for(&client, &desired(3000)).await;
        let dir = tempfile::tempdir().unwrap();
        let locks = dir.path().join("locks");
        let mut child = spawn_worker(&sim.uri(), &plan, dir.path(), Some(&locks));
        // The worker still holds the lock, so an answer at all (not a wait for the
        // worker to finish) shows the refusal does not block.
        let err = TenantLock::acquire(&locks, &sim.uri(), "a test").unwrap_err();
        match &err {
            ExecError::LockHeld { holder, .. } => {
                assert!(holder.contains(&format!("pid {}", child.id())), "{holder}");
            }
            other => panic!("{other:?}"),
        }
        child.kill().unwrap();
        child.wait().unwrap();
        let lock = TenantLock::acquire(&locks, &sim.uri(), "a test")
            .expect("the OS released the killed holder's lock");
        drop(lock);
    })
    .await;
}
