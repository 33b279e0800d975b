//! Stale plans, interruption and resume, and groups created with correlation ids.

use std::collections::BTreeSet;
use std::time::Duration;

use axum::http::Method;
use vsync_engine::outcome::Status;
use vsync_executor::journal::{JournalState, JournalStatus};
use vsync_executor::{
    CancellationToken, ErrorKind, ExecOptions, Executor, FetchOptions, check_fresh,
};
use vsync_model::{DesiredGroup, NameSet, SourceRef};
use vsync_sim::{FaultKind, ScriptedFault, Sim};

use crate::harness::{
    assert_all_applied, assert_converged, client, desired, duplicates, plan_for, policy, quiet,
    within,
};

/// Acceptance: a saved plan applied after the tenant changed is refused.
#[tokio::test]
async fn plan_is_refused_when_the_tenant_changed_since_planning() {
    within(60, async {
        let sim = Sim::builder()
            .seed_users(50)
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, false);
        let plan = plan_for(&client, &desired(20)).await;
        check_fresh(&client, &plan, &FetchOptions::default())
            .await
            .expect("fresh right after planning");
        let someone = vsync_api::UsersCreationApiRequestDto {
            users: Some(vec![vsync_api::UserCreationApiRequestDto {
                username: Some("intruder@example.com".into()),
                ..Default::default()
            }]),
        };
        client.users().add_users(&someone).await.unwrap();
        let err = check_fresh(&client, &plan, &FetchOptions::default())
            .await
            .unwrap_err();
        assert_eq!(err.kind(), ErrorKind::StalePlan);
    })
    .await;
}

/// Ctrl-C: no new batch starts, the in-flight ones finish and are journaled, the rest is
/// `Skipped`; a resume from the journal then finishes the job.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interrupted_apply_journals_and_resumes_to_convergence() {
    // Boxed: the test holds two executors and two outcomes across its awaits.
    within(
        60,
        Box::pin(async {
            let sim = Sim::builder()
                .empty()
                .no_rate_limit()
                .latency(Duration::from_millis(30))
                .start()
                .await
                .unwrap();
            let client = client(&sim, None, false);
            let desired = desired(2000);
            let plan = plan_for(&client, &desired).await;
            let dir = tempfile::tempdir().unwrap();
            let journal = dir.path().join("run.journal");
            let opts = ExecOptions {
                journal: Some(journal.clone()),
                concurrency: 2,
                ..quiet()
            };
            let shutdown = CancellationToken::new();
            let trigger = shutdown.clone();
            let watched = journal.clone();
            tokio::spawn(async move {
                // Ctrl-C once a few batches have been sent.
                loop {
                    tokio::time::sleep(Duration::from_millis(5)).await;
                    let text = std::fs::read_to_string(&watched).unwrap_or_default();
                    if text.matches("\"type\":\"result\"").count() >= 3 {
                        trigger.cancel();
                        return;
                    }
                }
            });
            let first = Executor::new(client.clone(), opts.clone())
                .apply(&plan, shutdown)
                .await
                .unwrap();
            assert!(first.interrupted);
            assert_eq!(first.outcomes.len(), plan.changes.len());
            eprintln!(
                "interrupted: {} applied, {} skipped of {}",
                first.count(Status::Applied),
                first.count(Status::Skipped),
                plan.changes.len()
            );
            assert!(
                first.count(Status::Skipped) > 0 && first.count(Status::Applied) > 0,
                "stopped part way"
            );
            let state = JournalState::load(&journal).unwrap();
            assert!(
                state.ended && state.pending.is_empty(),
                "in-flight batches were finished and journaled"
            );
            assert!(
                state
                    .outcomes
                    .values()
                    .any(|o| o.status == JournalStatus::Applied)
            );

            let second = Executor::new(client.clone(), opts)
                .resume(&plan, &journal, CancellationToken::new())
                .await
                .unwrap();
            assert_all_applied(&second);
            assert!(
                second.calls_used < plan.call_count() as u64,
                "done calls are not repeated"
            );
            assert_converged(&client, &desired).await;
            assert!(duplicates(&sim).is_empty());
        }),
    )
    .await;
}

/// Groups created in the run carry fresh, valid correlation ids (unique per request) and
/// members created in the same run; a create whose answer is lost is found again by its
/// correlation id instead of being sent twice.
#[tokio::test]
async fn new_groups_use_correlation_ids_and_lost_answers_are_found_by_them() {
    within(60, async {
        let sim = Sim::builder()
            .empty()
            .no_rate_limit()
            .script(ScriptedFault::nth(
                Method::POST,
                "/v2/admin/user-groups",
                1,
                FaultKind::ConnectionReset,
            ))
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, false);
        let mut desired = desired(150);
        for (i, user) in desired.users.iter_mut().enumerate() {
            user.groups = [format!("Team {}", i % 4)].into();
        }
        desired.groups = (0..4)
            .map(|i| DesiredGroup {
                name: format!("Team {i}"),
                description: Some(format!("Team number {i}")),
                permissions: NameSet::new(),
                source: SourceRef::csv("groups.csv", i + 2),
            })
            .collect();
        let mut policy = policy();
        policy.manage_groups = true;
        let live = vsync_executor::fetch_live(&client, &FetchOptions::default())
            .await
            .unwrap();
        let changes = vsync_engine::diff(&desired, &live, &policy).unwrap();
        let plan = vsync_engine::plan(&changes, &vsync_engine::BatchLimits::default());
        let outcome = Executor::new(client.clone(), quiet())
            .apply(&plan, CancellationToken::new())
            .await
            .unwrap();
        assert_all_applied(&outcome);
        assert_eq!(
            sim.call_count(vsync_sim::Operation::CreateUserGroups),
            1,
            "not sent again"
        );
        let mut seen = BTreeSet::new();
        for request in sim
            .received_requests()
            .iter()
            .filter(|r| r.method != "GET" && r.path == "/v2/admin/user-groups")
        {
            let body: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
            for group in body["userGroups"].as_array().unwrap() {
                let id = group["correlationId"]
                    .as_str()
                    .expect("every v2 group carries a correlation id");
                vsync_api::CorrelationId::validate(id).unwrap();
                assert!(seen.insert(id.to_owned()), "correlation id {id} reused");
            }
        }
        assert!(duplicates(&sim).is_empty(), "{:?}", duplicates(&sim));
        let check = vsync_executor::verify(&client, &desired, &policy, &FetchOptions::default())
            .await
            .unwrap();
        assert!(check.converged, "{:?}", check.remaining);
    })
    .await;
}

/// Resume after a crash between sending a create and journaling its answer: the journal has
/// the intent but no result. The users are re-read by username and found, so the create is
/// not sent again (a blind replay would fail with "already exists" or duplicate them).
#[tokio::test]
async fn resume_settles_a_create_sent_before_the_crash_by_rereading() {
    use vsync_executor::journal::{JournalWriter, Record};

    within(60, async {
        let sim = Sim::builder()
            .empty()
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, false);
        let desired = desired(150);
        let plan = plan_for(&client, &desired).await;
        let first = plan.calls().next().unwrap().clone();
        let vsync_engine::CallBody::CreateUsers { users } = &first.body else {
            panic!("creates come first")
        };
        // The request reached the tenant...
        let body = vsync_api::UsersCreationApiRequestDto {
            users: Some(
                users
                    .iter()
                    .map(|u| vsync_api::UserCreationApiRequestDto {
                        username: Some(u.username.clone()),
                        display_name: u.display_name.clone(),
                        employee_id: u.employee_id.clone(),
                        account_enabled: u.account_enabled.map(vsync_api::bool_str),
                        email: u.email.clone(),
                    })
                    .collect(),
            ),
        };
        client.users().add_users(&body).await.unwrap();
        // ...and the process died before journaling the answer.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.journal");
        let journal = JournalWriter::create(&path).unwrap();
        journal
            .append(&Record::Header {
                version: vsync_executor::journal::JOURNAL_VERSION,
                plan_hash: vsync_executor::plan_hash(&plan),
                fingerprint: plan.fingerprint.clone(),
                started: "2026-01-01T00:00:00Z".into(),
                pid: 1,
                resumed: false,
            })
            .unwrap();
        journal
            .append(&Record::Intent {
                batch: "1.1".into(),
                call: first.id.0,
                attempt: 1,
                changes: first.body.change_ids(),
                usernames: users.iter().map(|u| u.username.clone()).collect(),
                correlation_ids: std::collections::BTreeMap::new(),
            })
            .unwrap();
        drop(journal);

        let creates_before = sim.call_count(vsync_sim::Operation::AddUsers);
        let outcome = Executor::new(client.clone(), quiet())
            .resume(&plan, &path, CancellationToken::new())
            .await
            .unwrap();
        assert_all_applied(&outcome);
        let creates = plan.phases[0].calls.len();
        assert_eq!(
            sim.call_count(vsync_sim::Operation::AddUsers) - creates_before,
            creates - 1,
            "only the creates that never reached the tenant are sent"
        );
        assert!(duplicates(&sim).is_empty());
        assert_converged(&client, &desired).await;
    })
    .await;
}
