//! One retry owner: the client repeats a call within the run's retry budget and the executor
//! never repeats a call the client gave up on; per-item failures are sent once more only when
//! the message table calls them transient; a dry run's refusal is `ReadOnly`.

use axum::http::Method;
use vsync_client::RetryBudget;
use vsync_engine::outcome::Status;
use vsync_executor::{
    CancellationToken, ErrorKind, ExecOptions, Executor, NewProject, ProjectChoice,
};
use vsync_sim::{FaultKind, Operation, ScriptedFault, Sim};

use crate::harness::{
    apply, assert_all_applied, assert_converged, builder_at, client, client_and_plan, create_calls,
    desired, desired_marked, empty_tenant, empty_tenant_with, plan_for, quiet, user_outcomes,
    within,
};

/// Acceptance (issue 12): a tenant that answers every create with 503. The client repeats
/// each call within the run's retry budget, the executor adds no repeat of its own, so the
/// tenant receives at most one create per batch plus the budget; every create ends `Failed`
/// with the 503 and Visier's `rci`, and the memberships of users never created are skipped:
/// nothing is lost.
#[tokio::test]
async fn a_persistent_503_costs_at_most_the_retry_budget() {
    within(60, async {
        const BUDGET: u64 = 7;
        let sim = empty_tenant_with(|sim| {
            sim.script(ScriptedFault::always(
                Method::POST,
                "/v2/admin/users",
                FaultKind::Status(503),
            ))
        })
        .await;
        let client = builder_at(&sim.uri(), None, false)
            .retry_budget(RetryBudget::new(BUDGET))
            .build()
            .unwrap();
        let desired = desired(300);
        let plan = plan_for(&client, &desired).await;
        let creates = create_calls(&plan);
        assert_eq!(creates, 3);
        let outcome = apply(&client, &plan).await;

        let sent = sim.call_count(Operation::AddUsers) as u64;
        let metrics = client.metrics();
        assert!(
            sent <= creates as u64 + BUDGET,
            "{sent} creates sent for {creates} batches and a budget of {BUDGET}"
        );
        assert_eq!(
            sent,
            creates as u64 + metrics.retry_budget_spent,
            "every repeat was charged to the budget"
        );
        assert_eq!(metrics.retry_budget_spent, BUDGET, "the budget ran out");
        assert_eq!(outcome.outcomes.len(), plan.changes.len(), "nothing lost");
        for (change, o) in user_outcomes(&plan, &outcome) {
            assert_eq!(o.status, Status::Failed, "{change:?}: {o:?}");
            assert_eq!(o.http_status, Some(503), "{o:?}");
            assert!(o.rci.is_some(), "Visier's rci is kept: {o:?}");
        }
        assert!(
            outcome
                .outcomes
                .iter()
                .all(|o| o.status != Status::Applied && o.message.is_some()),
            "every change says why it did not apply"
        );
        assert!(sim.snapshot().users.is_empty(), "no user was created");
    })
    .await;
}

/// Regression (issue 12): a substring test read "lock" in "The user account is locked" as
/// transient and sent the item again and again. The table calls it invalid: the item fails at
/// once, with its message and rci, and no create is sent twice.
#[tokio::test]
async fn an_account_is_locked_failure_is_not_retried() {
    within(60, async {
        let sim =
            empty_tenant_with(|sim| sim.reject_username("locked*", "The user account is locked"))
                .await;
        let desired = desired_marked(150, "locked", |i| i % 50 == 7);
        let (client, plan) = client_and_plan(&sim, &desired).await;
        let outcome = apply(&client, &plan).await;
        assert_eq!(
            sim.call_count(Operation::AddUsers),
            create_calls(&plan),
            "no create was sent again"
        );
        assert_eq!(client.metrics().retry_budget_spent, 0);
        let mut locked = 0;
        for (change, o) in user_outcomes(&plan, &outcome) {
            if change.key.starts_with("locked") {
                locked += 1;
                assert_eq!(o.status, Status::Failed, "{o:?}");
                assert_eq!(o.message.as_deref(), Some("The user account is locked"));
                assert!(o.rci.is_some(), "{o:?}");
            } else {
                assert_eq!(o.status, Status::Applied, "{o:?}");
            }
        }
        assert_eq!(locked, 3);
    })
    .await;
}

/// A transient per-item failure is sent once more, charged to the run's retry budget; with
/// the budget spent it is not sent again and fails with its message.
#[tokio::test]
async fn a_transient_item_is_sent_once_more_within_the_budget() {
    within(60, async {
        for (budget, resent) in [(5, true), (0, false)] {
            // The first create answers 200 with its first item failed as transient.
            let sim = empty_tenant_with(|sim| {
                sim.script(ScriptedFault::nth(
                    Method::POST,
                    "/v2/admin/users",
                    1,
                    FaultKind::ItemFailures,
                ))
            })
            .await;
            let client = builder_at(&sim.uri(), None, false)
                .retry_budget(RetryBudget::new(budget))
                .build()
                .unwrap();
            let desired = desired(50);
            let plan = plan_for(&client, &desired).await;
            let outcome = apply(&client, &plan).await;
            let creates = sim.call_count(Operation::AddUsers);
            let failed = outcome.count(Status::Failed);
            if resent {
                assert_eq!(creates, 2, "the failed item went out once more");
                assert_eq!(client.metrics().retry_budget_spent, 1);
                assert_eq!(failed, 0, "{outcome:?}");
                assert_converged(&client, &desired).await;
            } else {
                assert_eq!(creates, 1, "no budget: not sent again");
                assert_eq!(failed, 1);
                let o = outcome
                    .outcomes
                    .iter()
                    .find(|o| o.status == Status::Failed)
                    .unwrap();
                assert!(
                    o.message
                        .as_deref()
                        .is_some_and(|m| m.contains("retry budget is spent")),
                    "{o:?}"
                );
            }
        }
    })
    .await;
}

/// A read-only client (what a dry run gets) refuses every write before sending it: the
/// changes fail with the refusal, and a run that must first create its project stops with
/// [`ErrorKind::ReadOnly`], not a configuration error.
#[tokio::test]
async fn a_refused_write_of_a_read_only_client_is_read_only() {
    within(60, async {
        let sim = Sim::builder()
            .seed_users(5)
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, true);
        let desired = desired(20);
        let plan = plan_for(&client, &desired).await;
        let outcome = apply(&client, &plan).await;
        for (_, o) in user_outcomes(&plan, &outcome) {
            assert_eq!(o.status, Status::Failed, "{o:?}");
            assert!(
                o.message
                    .as_deref()
                    .is_some_and(|m| m.contains("read-only")),
                "{o:?}"
            );
        }
        let opts = ExecOptions {
            project: ProjectChoice::Auto {
                project: NewProject::default(),
                continue_in: None,
            },
            ..quiet()
        };
        let error = Executor::new(client, opts)
            .apply(&plan, CancellationToken::new())
            .await
            .expect_err("the project cannot be created");
        assert_eq!(error.kind(), ErrorKind::ReadOnly, "{error}");
        assert_eq!(sim.mutating_request_count(), 0);
    })
    .await;
}

/// A journal written before the executor stopped re-queueing failed batches itself records
/// changes as `retry` (a 503 batch waiting for its next round) when the run was killed. Its
/// resume still takes them up: they are sent, applied, and the tenant converges.
#[tokio::test]
async fn an_old_journal_with_retry_outcomes_still_resumes() {
    // Boxed: the test holds the plan, the journal state and the outcome across its awaits.
    within(60, Box::pin(async {
        let sim = empty_tenant().await;
        let desired = desired(150);
        let (client, plan) = client_and_plan(&sim, &desired).await;
        let first = plan.calls().next().unwrap().clone();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.journal");
        // The lines as the older executor wrote them: intent, then a result of `retry`s.
        let header = serde_json::json!({
            "type": "header", "version": vsync_executor::journal::JOURNAL_VERSION,
            "planHash": vsync_executor::plan_hash(&plan), "fingerprint": plan.fingerprint,
            "started": "2026-01-01T00:00:00Z", "pid": 1, "resumed": false,
        });
        let changes = first.body.change_ids();
        let intent = serde_json::json!({
            "type": "intent", "batch": "1.1", "call": first.id.0, "attempt": 1,
            "changes": changes,
        });
        let result = serde_json::json!({
            "type": "result", "batch": "1.1", "call": first.id.0,
            "outcomes": changes.iter().map(|c| serde_json::json!({
                "change": c, "status": "retry", "message": "Service Unavailable", "httpStatus": 503,
            })).collect::<Vec<_>>(),
        });
        std::fs::write(&path, format!("{header}\n{intent}\n{result}\n")).unwrap();
        let state = vsync_executor::JournalState::load(&path).unwrap();
        assert_eq!(
            state.outcomes[&changes[0]].status,
            vsync_executor::journal::JournalStatus::Retry
        );

        let executor = Executor::new(client.clone(), quiet());
        let outcome = Box::pin(executor.resume(&plan, &path, CancellationToken::new()))
            .await
            .unwrap();
        assert_all_applied(&outcome);
        assert_eq!(
            sim.call_count(Operation::AddUsers),
            create_calls(&plan),
            "each create sent once: the retried batch is not lost nor doubled"
        );
        assert_converged(&client, &desired).await;
    }))
    .await;
}

/// A create the tenant refuses with "already exists" (the user appeared after the plan was
/// made) is settled by a read: the user is found, its ID recorded, the change `Applied`, and
/// its membership then made with that ID. Nothing is sent twice.
#[tokio::test]
async fn an_already_exists_create_is_settled_by_a_read() {
    within(60, async {
        let sim = empty_tenant().await;
        let desired = desired(30);
        let (client, plan) = client_and_plan(&sim, &desired).await;
        // Someone else creates one of the users between the plan and the apply.
        let body = vsync_api::UsersCreationApiRequestDto {
            users: Some(vec![vsync_api::UserCreationApiRequestDto {
                username: Some("user3@example.com".into()),
                display_name: Some("User 3".into()),
                employee_id: Some("E000003".into()),
                account_enabled: None,
                email: None,
            }]),
        };
        client.users().add_users(&body).await.unwrap();
        let creates_before = sim.call_count(Operation::AddUsers);
        let lists_before = sim.call_count(Operation::ListUsers);
        let outcome = apply(&client, &plan).await;
        assert_all_applied(&outcome);
        assert_eq!(
            sim.call_count(Operation::AddUsers) - creates_before,
            create_calls(&plan),
            "the refused create was not sent again"
        );
        assert_eq!(
            sim.call_count(Operation::ListUsers),
            lists_before + 1,
            "one read settled it"
        );
        let (_, o) = user_outcomes(&plan, &outcome)
            .find(|(c, _)| c.key == "user3@example.com")
            .unwrap();
        assert!(
            o.message
                .as_deref()
                .is_some_and(|m| m.contains("already exists")),
            "{o:?}"
        );
        assert_converged(&client, &desired).await;
    })
    .await;
}
