//! Plain applies: fetch, apply, verify, dry run.

use vsync_engine::outcome::Status;
use vsync_executor::{CancellationToken, ExecOptions, Executor, FetchOptions, fetch_live};
use vsync_model::ReadScope;
use vsync_sim::{Operation, Sim};

use crate::harness::{
    apply_and_converge, client, desired, duplicates, empty_tenant, plan_for, quiet, within,
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
