//! Guards: a tripped guard withholds its whole class, never part of it.

use vsync_engine::{Action, Guard, GuardKind, GuardSettings, Policy, diff};
use vsync_model::UserGroupId;

use crate::support::*;

fn ten_users() -> vsync_model::LiveState {
    tenant(
        (0..10)
            .map(|i| live_user(&format!("u{i}"), &format!("user{i}@x.com")))
            .collect(),
    )
}

#[test]
fn empty_input_refuses_every_removal() {
    let changes = diff(&desired(vec![]), &ten_users(), &Policy::default()).unwrap();
    assert!(changes.is_empty());
    assert_eq!(changes.withheld.len(), 10);
    assert!(
        changes
            .guards
            .iter()
            .any(|g| g.guard == GuardKind::EmptyInput && g.blocked())
    );
}

#[test]
fn row_drop_refuses_removals_but_keeps_other_changes() {
    let rows: Vec<_> = (0..5)
        .map(|i| desired_user(&format!("user{i}@x.com"), i + 2))
        .collect();
    let mut rows = desired(rows);
    rows.users[0].display_name = Some("Zero".into());
    let policy = Policy {
        guards: GuardSettings {
            disables: Guard::overridden(),
            ..GuardSettings::default()
        },
        ..Policy::default()
    };
    let changes = diff(&rows, &ten_users(), &policy).unwrap();
    assert_eq!(summary(&changes), ["User Update user0@x.com"]);
    let drop = changes
        .guards
        .iter()
        .find(|g| g.guard == GuardKind::RowDrop)
        .unwrap();
    assert!(drop.blocked());
    assert_eq!((drop.count, drop.limit), (5, 8));
}

#[test]
fn guard_within_limits_plans_the_removals() {
    let rows: Vec<_> = (0..9)
        .map(|i| desired_user(&format!("user{i}@x.com"), i + 2))
        .collect();
    let changes = diff(&desired(rows), &ten_users(), &Policy::default()).unwrap();
    assert_eq!(summary(&changes), ["User Disable user9@x.com"]);
    let outcome = &changes.guards[0];
    assert!(!outcome.tripped && outcome.withheld == 0, "{outcome:?}");
}

#[test]
fn overridden_guard_plans_everything_and_says_so() {
    let rows: Vec<_> = (0..8)
        .map(|i| desired_user(&format!("user{i}@x.com"), i + 2))
        .collect();
    let tight = Guard {
        max_count: 1,
        max_percent: 100,
        r#override: false,
    };
    let policy = Policy {
        guards: GuardSettings {
            disables: tight,
            ..GuardSettings::default()
        },
        ..Policy::default()
    };
    let blocked = diff(&desired(rows.clone()), &ten_users(), &policy).unwrap();
    assert!(
        blocked
            .changes
            .iter()
            .all(|c| c.action() != Action::Disable)
    );
    assert_eq!(blocked.withheld.len(), 2, "the whole class, not one of two");
    let policy = Policy {
        guards: GuardSettings {
            disables: Guard {
                r#override: true,
                ..tight
            },
            ..GuardSettings::default()
        },
        ..Policy::default()
    };
    let overridden = diff(&desired(rows), &ten_users(), &policy).unwrap();
    assert_eq!(overridden.changes.len(), 2);
    assert!(overridden.guards[0].tripped && overridden.guards[0].overridden);
}

#[test]
fn membership_removal_guard_counts_against_current_memberships() {
    let mut live = ten_users();
    for user in &mut live.users {
        user.groups.insert(UserGroupId::new("g1"));
    }
    let rows: Vec<_> = (0..10)
        .map(|i| {
            let mut row = desired_user(&format!("user{i}@x.com"), i + 2);
            if i < 5 {
                row.groups.insert("Sales");
            }
            row
        })
        .collect();
    let changes = diff(&desired(rows), &live, &Policy::default()).unwrap();
    let outcome = changes
        .guards
        .iter()
        .find(|g| g.guard == GuardKind::MembershipRemovals)
        .unwrap();
    assert_eq!((outcome.count, outcome.base, outcome.limit), (5, 10, 2));
    assert!(changes.changes.is_empty());
}
