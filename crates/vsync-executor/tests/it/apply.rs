//! Plain applies: fetch, apply, verify, dry run.

use std::time::Duration;

use axum::http::Method;
use vsync_engine::PhaseKind;
use vsync_engine::outcome::Status;
use vsync_executor::{CancellationToken, ExecOptions, Executor, FetchOptions, fetch_live};
use vsync_model::{DesiredGroup, ReadScope};
use vsync_sim::{FaultKind, Operation, ScriptedFault, Sim};

use crate::harness::{
    GROUPS, apply, apply_and_converge, assert_all_applied, assert_converged, client, desired,
    duplicates, empty_tenant, plan_for, quiet, within,
};

/// Guards the documented call count of `fetch_live`: ⌊U/1000⌋ + ⌊G/1000⌋ + 4.
#[tokio::test]
async fn fetch_live_reads_the_tenant_in_the_documented_number_of_calls() {
    within(60, async {
        let sim = Sim::builder()
            .seed_users(1500)
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, true);
        let live = fetch_live(&client, &FetchOptions::default()).await.unwrap();
        assert!(live.users.len() > 1500, "{}", live.users.len());
        assert!(
            live.groups.iter().any(|g| g.dynamic),
            "the seeded all-employees group is dynamic"
        );
        assert!(!live.permissions.is_empty() && !live.profiles.is_empty());
        let expected = FetchOptions::default().call_count(live.users.len(), live.groups.len());
        let calls: usize = [
            Operation::ListUsers,
            Operation::ListUserGroupsV2,
            Operation::ListPermissions,
            Operation::ListProfiles,
        ]
        .into_iter()
        .map(|op| sim.call_count(op))
        .sum();
        assert_eq!(calls, expected);
    })
    .await;
}

/// Guards the narrowed read: a file of user fields alone reads the user pages, without the
/// relation parameters, and sends no group, permission or profile request.
#[tokio::test]
async fn a_users_only_read_sends_only_the_user_pages() {
    within(60, async {
        let sim = Sim::builder()
            .seed_users(1500)
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, true);
        let opts = FetchOptions::default().with_scope(ReadScope::USERS);
        for op in [
            Operation::ListUserGroupsV2,
            Operation::ListPermissions,
            Operation::ListProfiles,
        ] {
            sim.expect(op).times(0);
        }
        let live = fetch_live(&client, &opts).await.unwrap();
        sim.verify();
        assert!(live.users.len() > 1500, "{}", live.users.len());
        assert!(live.groups.is_empty() && live.permissions.is_empty());
        let pages = sim.call_count(Operation::ListUsers);
        assert_eq!(pages, opts.call_count(live.users.len(), 0));
        assert_eq!(pages, live.users.len() / 1000 + 1);
        for request in sim
            .received_requests()
            .iter()
            .filter(|r| r.operation == Some(Operation::ListUsers))
        {
            let query = request.query.as_deref().unwrap_or("");
            assert!(!query.contains("assigned"), "{query}");
        }
    })
    .await;
}

/// A file of memberships alone reads the user pages with their groups and the group list,
/// no catalog.
#[tokio::test]
async fn a_memberships_read_sends_no_catalog_request() {
    within(60, async {
        let sim = Sim::builder()
            .seed_users(300)
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, true);
        let opts = FetchOptions::default().with_scope(ReadScope {
            memberships: true,
            groups: true,
            ..ReadScope::USERS
        });
        sim.expect(Operation::ListPermissions).times(0);
        sim.expect(Operation::ListProfiles).times(0);
        sim.expect(Operation::ListUserGroupsV2).times(1);
        let live = fetch_live(&client, &opts).await.unwrap();
        sim.verify();
        assert!(live.users.iter().any(|u| !u.groups.is_empty()));
        assert!(live.users.iter().all(|u| u.permissions.is_empty()));
        let reads = sim
            .received_requests()
            .iter()
            .filter(|r| r.method == "GET")
            .count();
        assert_eq!(reads, opts.call_count(live.users.len(), live.groups.len()));
    })
    .await;
}

#[tokio::test]
async fn apply_creates_users_and_memberships_and_converges() {
    within(60, async {
        let sim = empty_tenant().await;
        let client = client(&sim, None, false);
        let desired = desired(250);
        let (plan, outcome) = apply_and_converge(&client, &desired).await;
        assert!(!plan.is_empty());
        assert_eq!(outcome.outcomes.len(), plan.changes.len());
        assert_eq!(
            outcome.calls_used as usize,
            plan.call_count(),
            "no call beyond the plan's"
        );
        assert!(duplicates(&sim).is_empty());
    })
    .await;
}

/// Guards the dry-run promise: the tenant sees no mutating request at all.
#[tokio::test]
async fn dry_run_sends_no_mutating_request() {
    within(60, async {
        let sim = Sim::builder()
            .empty()
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, true);
        let desired = desired(120);
        let plan = plan_for(&client, &desired).await;
        let opts = ExecOptions {
            dry_run: true,
            ..quiet()
        };
        let outcome = Executor::new(client.clone(), opts)
            .apply(&plan, CancellationToken::new())
            .await
            .unwrap();
        assert!(outcome.outcomes.iter().all(|o| o.status == Status::Planned));
        assert_eq!(outcome.outcomes.len(), plan.changes.len());
        assert_eq!(sim.mutating_request_count(), 0);
        // Even a non-dry-run executor cannot send through a read-only client.
        let outcome = Executor::new(client, quiet())
            .apply(&plan, CancellationToken::new())
            .await
            .unwrap();
        assert!(outcome.outcomes.iter().all(|o| o.status != Status::Applied));
        assert_eq!(sim.mutating_request_count(), 0);
    })
    .await;
}

/// Guards the stage of the group writes: the PATCH of an existing group does not wait for the
/// POST creating a new one (they touch different groups). The POST is held back a second by
/// the tenant, so a PATCH sent after its answer would be recorded after it.
#[tokio::test]
async fn a_group_patch_runs_alongside_the_group_creates() {
    within(60, async {
        let sim = Sim::builder()
            .seed_users(10)
            .no_rate_limit()
            .record_requests(true)
            .script(ScriptedFault::first(
                Method::POST,
                "/v2/admin/user-groups",
                1,
                FaultKind::Latency(Duration::from_secs(1)),
            ))
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, false);
        let mut desired = desired(6);
        desired.groups = vec![
            DesiredGroup {
                name: GROUPS[0].to_owned(),
                description: Some("Patched in the same stage".to_owned()),
                ..DesiredGroup::default()
            },
            DesiredGroup {
                name: "Brand New Team".to_owned(),
                ..DesiredGroup::default()
            },
        ];
        let plan = plan_for(&client, &desired).await;
        let kinds: Vec<PhaseKind> = plan
            .phases
            .iter()
            .filter(|p| !p.calls.is_empty())
            .map(|p| p.kind)
            .collect();
        assert!(
            kinds.contains(&PhaseKind::CreateGroups) && kinds.contains(&PhaseKind::PatchGroups),
            "{kinds:?}"
        );
        let outcome = apply(&client, &plan).await;
        assert_all_applied(&outcome);
        let group_writes: Vec<String> = sim
            .received_requests()
            .into_iter()
            .filter(|r| r.path == "/v2/admin/user-groups" && r.method != "GET")
            .map(|r| r.method)
            .collect();
        assert_eq!(group_writes, ["PATCH", "POST"]);
        assert_converged(&client, &desired).await;
    })
    .await;
}
