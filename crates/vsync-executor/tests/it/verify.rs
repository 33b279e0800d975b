//! Checking an apply from its answers: no re-read when every answer confirms; an unknown
//! outcome re-reads only the lists that show it.

use axum::http::Method;
use vsync_engine::outcome::Status;
use vsync_engine::{BatchLimits, Policy};
use vsync_executor::{
    CancellationToken, Executor, FetchOptions, VerifyMode, fetch_live, verify_applied,
};
use vsync_model::{DesiredState, DesiredUser, ReadScope, SourceRef};
use vsync_sim::{FaultKind, Operation, ScriptedFault, Sim};

use crate::harness::{client, policy, quiet, within};

/// Every list read, by its operation.
const LISTS: [Operation; 4] = [
    Operation::ListUsers,
    Operation::ListUserGroupsV2,
    Operation::ListPermissions,
    Operation::ListProfiles,
];

/// The tenant's users as a users-only file, the last `renamed` (never the signed-in admin)
/// with a new display name.
async fn renaming(client: &vsync_client::Client, renamed: usize) -> DesiredState {
    let live = fetch_live(
        client,
        &FetchOptions::default().with_scope(ReadScope::USERS),
    )
    .await
    .unwrap();
    let first_renamed = live.users.len() - renamed;
    let users = live
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| DesiredUser {
            username: u.username.as_str().into(),
            display_name: Some(if i >= first_renamed && u.username != "admin" {
                format!("Renamed {i}").into()
            } else {
                u.display_name.clone().unwrap_or_default().into()
            }),
            source: SourceRef::csv("users.csv", i as u64 + 2),
            ..DesiredUser::default()
        })
        .collect();
    DesiredState {
        users,
        ..DesiredState::default()
    }
}

/// Reads what `desired` needs and plans the way there: the read's options and the plan.
async fn scoped_plan(
    client: &vsync_client::Client,
    desired: &DesiredState,
) -> (FetchOptions, vsync_engine::Plan) {
    let opts = FetchOptions::default().with_scope(vsync_engine::read_scope(desired));
    let live = fetch_live(client, &opts).await.unwrap();
    let changes = vsync_engine::diff(desired, &live, &policy()).unwrap();
    (opts, vsync_engine::plan(&changes, &BatchLimits::default()))
}

fn counts(sim: &Sim) -> Vec<usize> {
    LISTS.iter().map(|op| sim.call_count(*op)).collect()
}

/// Guards the answer-based check: when every answer confirmed its change, nothing is read.
#[tokio::test]
async fn every_answer_confirmed_reads_nothing() {
    within(60, async {
        let sim = Sim::builder()
            .seed_users(30)
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, false);
        let desired = renaming(&client, 3).await;
        let (opts, plan) = scoped_plan(&client, &desired).await;
        assert_eq!(plan.changes.len(), 3);
        let outcome = Executor::new(client.clone(), quiet())
            .apply(&plan, CancellationToken::new())
            .await
            .unwrap();
        let before = counts(&sim);
        let check = verify_applied(
            &client,
            (&desired, &policy()),
            &opts,
            VerifyMode::Answers,
            (&plan, &outcome.outcomes),
        )
        .await
        .unwrap();
        assert_eq!(counts(&sim), before, "no re-read");
        assert!(check.converged && check.reread.is_none(), "{check:?}");
        assert_eq!((check.confirmed, check.uncertain), (3, 0));
        assert_eq!(check.reread_calls, 0);

        // The full check re-reads what the plan read.
        let check = verify_applied(
            &client,
            (&desired, &Policy::default()),
            &opts,
            VerifyMode::Full,
            (&plan, &outcome.outcomes),
        )
        .await
        .unwrap();
        assert!(check.converged, "{:?}", check.remaining);
        assert_eq!(check.reread, Some(ReadScope::USERS));
        assert_eq!(sim.call_count(Operation::ListUsers), before[0] + 1);
    })
    .await;
}

/// Guards the narrowed re-read: an update whose answer is lost (the change made, the
/// connection broken) ends unknown; the check re-reads the user pages alone, finds it made and
/// settles it as applied.
#[tokio::test]
async fn a_lost_answer_rereads_only_the_lists_that_show_it() {
    within(60, async {
        let sim = Sim::builder()
            .seed_users(30)
            .no_rate_limit()
            .script(ScriptedFault::always(
                Method::PUT,
                "/v2/admin/users",
                FaultKind::ConnectionReset,
            ))
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, false);
        let desired = renaming(&client, 2).await;
        let (opts, plan) = scoped_plan(&client, &desired).await;
        let mut outcome = Executor::new(client.clone(), quiet())
            .apply(&plan, CancellationToken::new())
            .await
            .unwrap();
        assert!(
            outcome.outcomes.iter().all(|o| o.status == Status::Unknown),
            "{:?}",
            outcome.outcomes
        );
        let before = counts(&sim);
        let check = verify_applied(
            &client,
            (&desired, &policy()),
            &opts,
            VerifyMode::Answers,
            (&plan, &outcome.outcomes),
        )
        .await
        .unwrap();
        let after = counts(&sim);
        assert_eq!(after[0], before[0] + 1, "one page of users");
        assert_eq!(
            &after[1..],
            &before[1..],
            "no group, permission or profile list"
        );
        assert_eq!(check.reread, Some(ReadScope::USERS));
        assert_eq!(check.reread_calls, 1);
        assert_eq!(check.uncertain, 2);
        assert_eq!(check.settled.len(), 2);
        assert!(check.converged, "{:?}", check.remaining);
        check.settle(&mut outcome.outcomes);
        assert!(outcome.all_applied(), "{:?}", outcome.outcomes);
    })
    .await;
}
