//! The engine's in-memory model of the API (`vsync_engine::sim_model`, which the engine's
//! property tests apply plans to) against the simulated tenant: the same plans, applied to
//! both, must end in the same state, or the engine's tests would prove a plan against an API
//! that behaves otherwise.

use std::collections::{BTreeMap, BTreeSet};

use vsync_engine::{
    BatchLimits, Deprovision, GuardSettings, Mode, Plan, Policy, desired_from_live, diff, plan,
    sim_model,
};
use vsync_executor::{FetchOptions, fetch_live};
use vsync_model::{
    DesiredGroup, DesiredState, DesiredUser, LiveState, NameSet, SourceRef, UserKey,
};
use vsync_sim::Sim;

use crate::harness::{apply, assert_all_applied, client, within};

/// A user as both sides can be compared: by names, not by the IDs each side gave it.
#[derive(Debug, PartialEq, Eq)]
struct UserView {
    display_name: Option<String>,
    employee_id: Option<String>,
    email: Option<String>,
    enabled: bool,
    groups: BTreeSet<String>,
    permissions: BTreeSet<String>,
    profiles: BTreeSet<String>,
}

/// A group as both sides can be compared.
#[derive(Debug, PartialEq, Eq)]
struct GroupView {
    description: Option<String>,
    permissions: BTreeSet<String>,
    dynamic: bool,
}

/// The tenant by names: users by folded username, groups by name. Members of dynamic groups
/// are left out: the tenant computes them, the model does not.
fn view(live: &LiveState) -> (BTreeMap<String, UserView>, BTreeMap<String, GroupView>) {
    let group_names: BTreeMap<_, _> = live
        .groups
        .iter()
        .map(|g| (&g.id, (g.name.clone(), g.dynamic)))
        .collect();
    let permission_names: BTreeMap<_, _> = live
        .permissions
        .iter()
        .map(|p| (&p.id, p.name.clone()))
        .collect();
    let profile_names: BTreeMap<_, _> = live
        .profiles
        .iter()
        .map(|p| (&p.id, p.name.clone()))
        .collect();
    let users = live
        .users
        .iter()
        .map(|u| {
            let view = UserView {
                display_name: u.display_name.clone(),
                employee_id: u.employee_id.clone(),
                email: u.email.clone(),
                enabled: u.account_enabled,
                groups: u
                    .groups
                    .iter()
                    .filter_map(|id| group_names.get(id))
                    .filter(|(_, dynamic)| !dynamic)
                    .map(|(name, _)| name.clone())
                    .collect(),
                permissions: u
                    .permissions
                    .iter()
                    .map(|id| permission_names[id].clone())
                    .collect(),
                profiles: u
                    .profiles
                    .iter()
                    .map(|id| profile_names[id].clone())
                    .collect(),
            };
            (UserKey::new(&u.username).as_str().to_owned(), view)
        })
        .collect();
    let groups = live
        .groups
        .iter()
        .map(|g| {
            let view = GroupView {
                description: g.description.clone(),
                permissions: g
                    .permissions
                    .iter()
                    .map(|id| permission_names[id].clone())
                    .collect(),
                dynamic: g.dynamic,
            };
            (g.name.clone(), view)
        })
        .collect();
    (users, groups)
}

/// Small limits, so that every kind of call is batched and wrapped.
fn limits() -> BatchLimits {
    BatchLimits {
        users_per_call: 3,
        user_ids_per_group_per_call: 2,
        groups_per_call: 2,
        members_per_group: 2,
        user_ids_per_permission_per_call: 2,
        permissions_per_call: 2,
        user_ids_per_profile_per_call: 2,
    }
}

fn policy(mode: Mode) -> Policy {
    Policy {
        mode,
        deprovision: Deprovision::Delete,
        manage_groups: true,
        signed_in_as: Some(UserKey::new("admin")),
        guards: GuardSettings::off(),
        ..Policy::default()
    }
}

fn new_user(i: usize, groups: &[&str], permissions: &[&str], profiles: &[&str]) -> DesiredUser {
    DesiredUser {
        username: format!("model{i}@example.com").into(),
        display_name: Some(format!("Model User {i}").into()),
        employee_id: Some(format!("M{i:04}").into()),
        email: Some(format!("model{i}@example.com").into()),
        account_enabled: Some(i % 4 != 3),
        groups: groups.iter().copied().collect(),
        permissions: permissions.iter().copied().collect(),
        profiles: profiles.iter().copied().collect(),
        source: SourceRef::csv("users.csv", i as u64 + 2),
    }
}

/// Which users of a desired state to change: the generated ones that are not the admin.
fn seeded(desired: &mut DesiredState) -> Vec<&mut DesiredUser> {
    desired
        .users
        .iter_mut()
        .filter(|u| !u.username.starts_with("admin") && !u.username.starts_with("model"))
        .collect()
}

/// The runs, each a step from the tenant as the previous one left it.
fn step(name: &str, live: &LiveState) -> (DesiredState, Mode) {
    let mut desired = desired_from_live(live);
    let mode = match name {
        "creates" => {
            desired.groups.push(DesiredGroup {
                name: "Model Team".into(),
                description: Some("Created by the model check".into()),
                permissions: ["Analyst", "Data Steward", "Talent Reviews"].into(),
                source: SourceRef::csv("groups.csv", 2),
            });
            desired.groups.push(DesiredGroup {
                name: "Model Pair".into(),
                description: None,
                permissions: NameSet::default(),
                source: SourceRef::csv("groups.csv", 3),
            });
            for i in 0..7 {
                let groups: &[&str] = match i % 3 {
                    0 => &["Model Team", "HR Team"],
                    1 => &["Model Team"],
                    _ if i == 2 => &["Finance Analysts", "Model Pair"],
                    _ => &["Finance Analysts"],
                };
                desired.users.push(new_user(
                    i,
                    groups,
                    &["Analyst", "Workforce Planning"][..=(i % 2)],
                    &["Viewer", "Power User"][i % 2..],
                ));
            }
            Mode::Upsert
        }
        "updates and renames" => {
            for (n, user) in seeded(&mut desired).into_iter().take(8).enumerate() {
                match n % 4 {
                    0 => user.display_name = Some(format!("Renamed Display {n}").into()),
                    1 => user.username = format!("renamed{n}@example.com").into(),
                    2 => user.account_enabled = Some(false),
                    _ => user.email = Some(format!("new.mail{n}@example.com").into()),
                }
            }
            Mode::Upsert
        }
        "group patches and memberships" => {
            for group in &mut desired.groups {
                match group.name.as_str() {
                    "HR Team" => group.description = Some("The people team.".into()),
                    "Finance Analysts" => {
                        group.permissions.remove("Analyst");
                        group.permissions.insert("Payroll Auditor");
                    }
                    "Model Team" => {
                        group.description = Some("Patched by the model check".into());
                        group.permissions.insert("Learning Analytics");
                    }
                    "Model Pair" => group.description = Some("A small group, patched whole".into()),
                    _ => {}
                }
            }
            for (n, user) in seeded(&mut desired).into_iter().take(12).enumerate() {
                match n % 3 {
                    0 => {
                        user.groups.insert("Model Team");
                    }
                    1 => {
                        user.groups.insert("Executives");
                        user.groups.insert("HR Team");
                    }
                    _ => user.groups = NameSet::default(),
                }
            }
            // The small group's member list is replaced by its PATCH.
            for user in &mut desired.users {
                if user.username.starts_with("model2@") {
                    user.groups.remove("Model Pair");
                } else if user.username.starts_with("model5@") {
                    user.groups.insert("Model Pair");
                }
            }
            // Members of the group created above leave it, through the v1 removal (the list
            // is longer than the small limits let a PATCH carry).
            for user in &mut desired.users {
                if user.username.starts_with("model") && user.username.ends_with("1@example.com")
                    || user.username.starts_with("model0")
                {
                    user.groups.remove("Model Team");
                }
            }
            Mode::Mirror
        }
        "permissions and profiles" => {
            for (n, user) in seeded(&mut desired).into_iter().take(10).enumerate() {
                match n % 3 {
                    0 => {
                        user.permissions.insert("Diversity Access");
                        user.profiles.insert("Executive");
                    }
                    1 => {
                        user.permissions = NameSet::default();
                        user.profiles = NameSet::default();
                    }
                    _ => {
                        user.permissions.insert("Benefits Administrator");
                        user.profiles.insert("Data Engineer");
                    }
                }
            }
            Mode::Mirror
        }
        "deletes" => {
            desired.groups.retain(|g| g.name != "Executives");
            for user in &mut desired.users {
                user.groups.remove("Executives");
            }
            let mut dropped = 0;
            desired.users.retain(|u| {
                let drop = u.username.starts_with("model") && dropped < 4;
                dropped += usize::from(drop);
                !drop
            });
            Mode::Mirror
        }
        other => unreachable!("no step {other}"),
    };
    (desired, mode)
}

async fn fetch(client: &vsync_client::Client) -> LiveState {
    fetch_live(client, &FetchOptions::default())
        .await
        .expect("fetch")
}

/// Every kind of plan (creates, updates, renames, group creates, patches and deletes,
/// memberships, permissions, profiles, user deletes) applied to the in-memory model and to
/// the simulator over HTTP ends in the same tenant.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_in_memory_model_and_the_simulator_end_in_the_same_state() {
    within(120, async {
        let sim = Sim::builder()
            .seed_users(40)
            .no_rate_limit()
            .start()
            .await
            .unwrap();
        let client = client(&sim, None, false);
        let mut kinds = BTreeSet::new();
        for name in [
            "creates",
            "updates and renames",
            "group patches and memberships",
            "permissions and profiles",
            "deletes",
        ] {
            let live = fetch(&client).await;
            let (desired, mode) = step(name, &live);
            let changes = diff(&desired, &live, &policy(mode)).expect("diff");
            let plan: Plan = plan(&changes, &limits());
            assert!(!plan.is_empty(), "{name}: the step plans something");
            assert_eq!(
                sim_model::check_limits(&plan, &limits()),
                Vec::<String>::new()
            );
            kinds.extend(plan.calls().map(|c| c.body.api_operation()));

            let model = sim_model::apply(&plan, &live);
            let outcome = apply(&client, &plan).await;
            assert_all_applied(&outcome);
            let tenant = fetch(&client).await;

            let (model_users, model_groups) = view(&model);
            let (tenant_users, tenant_groups) = view(&tenant);
            assert_eq!(model_groups, tenant_groups, "{name}: groups differ");
            for (username, user) in &tenant_users {
                assert_eq!(
                    model_users.get(username),
                    Some(user),
                    "{name}: user {username} differs"
                );
            }
            assert_eq!(
                model_users.keys().collect::<Vec<_>>(),
                tenant_users.keys().collect::<Vec<_>>(),
                "{name}: the same users"
            );
        }
        // Every operation the plans can use was exercised.
        use vsync_api::paths::Operation;
        for operation in [
            Operation::AddUsers,
            Operation::UpdateUsers,
            Operation::DeleteUsers,
            Operation::CreateUserGroups,
            Operation::PatchUserGroups,
            Operation::DeleteUserGroups,
            Operation::AddUsersToUserGroups,
            Operation::RemoveUsersFromUserGroups,
            Operation::AssignPermissionsToUsers,
            Operation::RemovePermissionsFromUsers,
            Operation::AssignProfile,
            Operation::RemoveProfile,
        ] {
            assert!(kinds.contains(&operation), "no plan used {operation}");
        }
    })
    .await;
}
