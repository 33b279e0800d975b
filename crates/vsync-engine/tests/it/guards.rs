//! Guards: a tripped guard withholds its whole class, never part of it.

use vsync_engine::{Action, Guard, GuardKind, GuardSettings, Policy, diff};
use vsync_model::{DesiredUser, UserGroupId};

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

/// Regression test: a file cut short keeps its damaged rows, so a tripped source check must
/// withhold every change, the updates of the rows it still has included, not only the removals.
#[test]
fn row_drop_plans_no_change_of_any_kind() {
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
    assert!(changes.changes.is_empty(), "{:?}", summary(&changes));
    assert_eq!(
        changes.withheld.len(),
        6,
        "the update and the five disables"
    );
    let drop = changes
        .guards
        .iter()
        .find(|g| g.guard == GuardKind::RowDrop)
        .unwrap();
    assert!(drop.blocked());
    assert_eq!((drop.count, drop.limit, drop.withheld), (5, 8, 6));
    assert!(
        drop.message.contains("no change of any kind"),
        "{}",
        drop.message
    );

    let forced = Policy {
        guards: GuardSettings {
            override_source_checks: true,
            ..policy.guards
        },
        ..Policy::default()
    };
    let changes = diff(&rows, &ten_users(), &forced).unwrap();
    assert_eq!(changes.changes.len(), 6, "{:?}", summary(&changes));
}

/// Regression test: a file that sets `accountEnabled=false` for everyone (a value map with the
/// wrong sense) disabled the whole tenant, since the guard counted only users absent from the
/// file. A disable is a disable whatever its cause.
#[test]
fn disables_by_account_enabled_count_like_deprovisioning() {
    let rows: Vec<_> = (0..10)
        .map(|i| DesiredUser {
            account_enabled: Some(false),
            ..desired_user(&format!("user{i}@x.com"), i + 2)
        })
        .collect();
    let changes = diff(&desired(rows), &ten_users(), &Policy::default()).unwrap();
    assert!(changes.changes.is_empty(), "{:?}", summary(&changes));
    assert_eq!(changes.withheld.len(), 10);
    let outcome = changes
        .guards
        .iter()
        .find(|g| g.guard == GuardKind::Disables)
        .unwrap();
    assert!(outcome.blocked());
    assert_eq!((outcome.count, outcome.limit), (10, 2));
    assert_eq!(outcome.causes.len(), 5);
    assert_eq!(
        outcome.causes[0].source.as_ref().map(|s| s.row),
        Some(2),
        "the first row that disables"
    );
    assert!(
        outcome.message.contains("users.csv, row 2 (user0@x.com)")
            && outcome.message.contains("and 5 more"),
        "{}",
        outcome.message
    );
}

/// Every class counts what takes access away, whatever the change's cause.
#[test]
fn every_removal_counts_toward_its_class() {
    let mut live = ten_users();
    for user in &mut live.users {
        user.groups.insert(UserGroupId::new("g1"));
        user.permissions
            .insert(vsync_model::PermissionId::new("p1"));
        user.profiles.insert(vsync_model::ProfileId::new("pr1"));
    }
    let rows: Vec<_> = (0..10)
        .map(|i| {
            let mut row = DesiredUser {
                account_enabled: Some(i >= 3),
                ..desired_user(&format!("user{i}@x.com"), i + 2)
            };
            if i == 0 {
                row.groups.insert("Sales"); // so the group's memberships are managed
            }
            row
        })
        .collect();
    let changes = diff(&desired(rows), &live, &Policy::default()).unwrap();
    let count = |kind| {
        changes
            .guards
            .iter()
            .find(|g| g.guard == kind)
            .map(|g| (g.count, g.blocked()))
    };
    assert_eq!(count(GuardKind::Disables), Some((3, true)));
    assert_eq!(count(GuardKind::MembershipRemovals), Some((9, true)));
    assert_eq!(count(GuardKind::PermissionRevocations), Some((20, true)));
    assert!(changes.changes.is_empty(), "{:?}", summary(&changes));
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
