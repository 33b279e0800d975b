//! Plan shapes: batching and endpoint choice under the limits.

use vsync_engine::{BatchLimits, CallBody, PhaseKind, Policy, RelationEntries, diff, plan};
use vsync_model::UserGroupId;

use crate::support::*;

#[test]
fn creates_batch_by_the_v2_limit() {
    let rows: Vec<_> = (0..250)
        .map(|i| desired_user(&format!("n{i}@x.com"), i + 2))
        .collect();
    let plan = plan(
        &diff(&desired(rows), &tenant(vec![]), &unguarded()).unwrap(),
        &BatchLimits::default(),
    );
    assert_eq!(plan.call_count(), 3);
    assert_eq!(plan.lower_bound(), 3);
    assert_eq!(plan.phases[0].kind, PhaseKind::CreateUsers);
}

#[test]
fn unchanged_tenant_plans_zero_calls() {
    let live = tenant(vec![live_user("u1", "a@x.com")]);
    let plan = plan(
        &diff(
            &desired(vec![desired_user("a@x.com", 2)]),
            &live,
            &unguarded(),
        )
        .unwrap(),
        &BatchLimits::default(),
    );
    assert!(plan.is_empty());
    assert_eq!(plan.lower_bound(), 0);
}

/// Many groups with a few adds and removes each: one PATCH slot per group beats a v1 add call
/// plus a v1 remove call.
#[test]
fn patch_is_chosen_when_it_saves_calls() {
    let mut users = Vec::new();
    for i in 0..4 {
        let mut user = live_user(&format!("u{i}"), &format!("user{i}@x.com"));
        if i % 2 == 0 {
            user.groups.insert(UserGroupId::new("g1"));
            user.groups.insert(UserGroupId::new("g2"));
        }
        users.push(user);
    }
    let rows = (0..4)
        .map(|i| {
            let mut row = desired_user(&format!("user{i}@x.com"), i + 2);
            if i % 2 == 1 {
                row.groups
                    .extend(["Sales".to_owned(), "Finance".to_owned()]);
            }
            row
        })
        .collect();
    let changes = diff(&desired(rows), &tenant(users), &unguarded()).unwrap();
    let plan = plan(&changes, &BatchLimits::default());
    assert_eq!(plan.call_count(), 1);
    assert!(
        matches!(&plan.phases[0].calls[0].body, CallBody::PatchGroups { groups } if groups.len() == 2)
    );
}

/// Adds only: the incremental v1 call is as cheap as a PATCH and cannot undo a concurrent edit.
#[test]
fn v1_membership_call_wins_a_tie() {
    let live = tenant(vec![live_user("u1", "a@x.com")]);
    let mut row = desired_user("a@x.com", 2);
    row.groups
        .extend(["Sales".to_owned(), "Finance".to_owned()]);
    let plan = plan(
        &diff(&desired(vec![row]), &live, &unguarded()).unwrap(),
        &BatchLimits::default(),
    );
    assert_eq!(plan.call_count(), 1);
    assert!(
        matches!(&plan.phases[0].calls[0].body, CallBody::Relate { direction: vsync_engine::Direction::Add, entries: RelationEntries::Membership(groups) } if groups.len() == 2)
    );
}

#[test]
fn removals_come_after_adds_and_deletes_last() {
    let mut gone = live_user("u1", "gone@x.com");
    gone.groups.insert(UserGroupId::new("g1"));
    let mut stay = live_user("u2", "stay@x.com");
    stay.groups.insert(UserGroupId::new("g2"));
    let live = tenant(vec![gone, stay]);
    let mut row = desired_user("stay@x.com", 2);
    row.groups.insert("Sales");
    let mut rows = desired(vec![row]);
    rows.groups = vec![desired_group("Sales", 2), desired_group("Finance", 3)];
    let policy = Policy {
        deprovision: vsync_engine::Deprovision::Delete,
        manage_groups: true,
        ..unguarded()
    };
    let plan = plan(
        &diff(&rows, &live, &policy).unwrap(),
        &BatchLimits {
            members_per_group: 0,
            ..BatchLimits::default()
        },
    );
    let kinds: Vec<_> = plan.phases.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            PhaseKind::AddMembers,
            PhaseKind::RemoveMembers,
            PhaseKind::DeleteUsers,
            PhaseKind::DeleteGroups
        ]
    );
}
