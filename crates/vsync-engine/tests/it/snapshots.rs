//! Snapshots of plans for readable fixtures (`cargo insta review` after a deliberate change).

use vsync_engine::{BatchLimits, GuardSettings, Plan, Policy, diff, plan};
use vsync_model::{PermissionId, UserGroupId};

use crate::support::*;

fn planned(
    desired: &vsync_model::DesiredState,
    live: &vsync_model::LiveState,
    policy: &Policy,
) -> Plan {
    let changes = diff(desired, live, policy).unwrap();
    let plan = plan(&changes, &BatchLimits::default());
    assert_eq!(plan.call_count(), plan.lower_bound());
    plan
}

fn snapshot(name: &str, plan: &Plan) {
    insta::with_settings!({ filters => vec![(r"[0-9a-f]{64}", "[fingerprint]")] }, {
        insta::assert_json_snapshot!(name, plan);
    });
}

#[test]
fn rename_is_one_update() {
    let mut old = live_user("u1", "jane.smith@example.com");
    old.employee_id = Some("007".into());
    old.display_name = Some("Jane Smith".into());
    old.groups.insert(UserGroupId::new("g1"));
    let live = tenant(vec![old]);
    let mut row = desired_user("jane.doe@example.com", 2);
    row.employee_id = Some("007".into());
    row.display_name = Some("Jane Doe".into());
    row.groups.insert("Sales");
    snapshot("rename", &planned(&desired(vec![row]), &live, &unguarded()));
}

#[test]
fn mass_delete_guard_trips_and_plans_nothing_destructive() {
    let users: Vec<_> = (0..10)
        .map(|i| live_user(&format!("u{i}"), &format!("user{i}@example.com")))
        .collect();
    let live = tenant(users);
    // The file lost most of its rows; the one left gets a new display name.
    let mut row = desired_user("user0@example.com", 2);
    row.display_name = Some("User Zero".into());
    let policy = Policy {
        deprovision: vsync_engine::Deprovision::Delete,
        guards: GuardSettings {
            max_row_drop_percent: None,
            ..GuardSettings::default()
        },
        ..Policy::default()
    };
    let plan = planned(&desired(vec![row]), &live, &policy);
    assert!(plan.blocked());
    assert!(
        plan.calls()
            .all(|c| !matches!(c.body, vsync_engine::CallBody::DeleteUsers { .. }))
    );
    snapshot("mass_delete_guard", &plan);
}

#[test]
fn group_is_created_and_filled_in_one_run() {
    let live = tenant(vec![live_user("u1", "ann@example.com")]);
    let mut team = desired_group("Data Team", 2);
    team.description = Some("Analysts of the data team".into());
    team.permissions.insert("Analyst");
    let mut ann = desired_user("ann@example.com", 2);
    ann.groups.insert("Data Team");
    let mut bob = desired_user("bob@example.com", 3);
    bob.display_name = Some("Bob".into());
    bob.groups.insert("data team");
    let mut rows = desired(vec![ann, bob]);
    rows.groups.push(team);
    snapshot(
        "group_created_and_filled",
        &planned(&rows, &live, &unguarded()),
    );
}

#[test]
fn description_change_carries_the_groups_other_changes_in_one_patch() {
    let mut ann = live_user("u1", "ann@example.com");
    ann.groups.insert(UserGroupId::new("g1"));
    let mut live = tenant(vec![ann, live_user("u2", "bob@example.com")]);
    live.groups[0].permissions.insert(PermissionId::new("p1"));
    let mut sales = desired_group("Sales", 2);
    sales.description = Some("Everyone who sells".into());
    sales.permissions.insert("Analyst");
    let mut bob = desired_user("bob@example.com", 3);
    bob.groups.insert("Sales");
    let mut rows = desired(vec![desired_user("ann@example.com", 2), bob]);
    rows.groups.push(sales);
    let plan = planned(
        &rows,
        &live,
        &Policy {
            manage_groups: false,
            ..unguarded()
        },
    );
    assert_eq!(
        plan.call_count(),
        1,
        "one PATCH for description, permissions and members"
    );
    snapshot("description_patch", &plan);
}
