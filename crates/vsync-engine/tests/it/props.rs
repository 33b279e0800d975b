//! Property tests: for random live and desired states, applying the plan to the in-memory
//! model of the API gives the desired state within scope, leaves out-of-scope and protected
//! users alone, re-diffs to nothing, and uses exactly the lower bound of calls.

use std::collections::{BTreeSet, HashMap};

use proptest::prelude::*;
use vsync_engine::sim_model::{apply, check_limits};
use vsync_engine::{
    BatchLimits, ChangeSet, Deprovision, GuardSettings, Mode, Plan, Policy, diff, plan,
};
use vsync_model::{
    DesiredGroup, DesiredState, DesiredUser, LiveState, LiveUser, Managed, NameKey, NameSet,
    PermissionId, ProfileId, SourceRef, UserGroupId, UserKey, normalize_text,
};

use crate::support::{live_user, tenant};

const SLOTS: usize = 10;
const GROUP_NAMES: [&str; 7] = [
    "Sales",
    " sales ",
    "FINANCE",
    "Ops",
    "All Users",
    "New Team",
    "Other New",
];
const PERMISSION_NAMES: [&str; 4] = ["Viewer", "analyst", "Admin", " viewer"];
const PROFILE_NAMES: [&str; 2] = ["Standard", "POWER"];
const DISPLAY: [&str; 3] = ["Ann", "Bob", "Bob "];

#[derive(Debug, Clone)]
struct Case {
    live: LiveState,
    desired: DesiredState,
    policy: Policy,
    limits: BatchLimits,
}

type LiveSlot = (bool, u8, bool, bool, u8, u8, u8);
type DesiredSlot = (bool, bool, bool, bool, u8, u8, u8, u8, u8, u8);

fn pick(mask: u8, names: &[&str]) -> NameSet {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect()
}

fn domain(slot: usize, b_domain: &[bool]) -> &'static str {
    if b_domain[slot] { "b.com" } else { "a.com" }
}

fn build(
    b_domain: &[bool],
    live_slots: Vec<LiveSlot>,
    desired_slots: Vec<DesiredSlot>,
    groups: (bool, u8, bool, u8, u8),
    managed: (bool, bool, bool, bool),
    policy: (u8, bool, bool, bool, bool, bool),
    limits: (usize, usize, usize, usize, usize, usize, usize),
) -> Case {
    let mut live = tenant(Vec::new());
    for (i, (present, display, email, enabled, groups, perms, profiles)) in
        live_slots.into_iter().enumerate()
    {
        if !present {
            continue;
        }
        let mut user = live_user(&format!("id{i}"), &format!("u{i}@{}", domain(i, b_domain)));
        user.employee_id = Some(format!("e{i}"));
        user.display_name = (display > 0).then(|| DISPLAY[usize::from(display - 1) % 3].to_owned());
        user.email = email.then(|| format!("U{i}@mail.com"));
        user.account_enabled = enabled;
        user.groups = (1..=4)
            .filter(|g| groups & (1 << (g - 1)) != 0)
            .map(|g| UserGroupId::new(format!("g{g}")))
            .collect();
        user.permissions = (1..=3)
            .filter(|p| perms & (1 << (p - 1)) != 0)
            .map(|p| PermissionId::new(format!("p{p}")))
            .collect();
        user.profiles = (1..=2)
            .filter(|p| profiles & (1 << (p - 1)) != 0)
            .map(|p| ProfileId::new(format!("pr{p}")))
            .collect();
        live.users.push(user);
    }
    // Group permissions and descriptions to diff against.
    live.groups[0].permissions.insert(PermissionId::new("p1"));
    live.groups[3].description = Some("ops".into());

    let mut users = Vec::new();
    for (i, slot) in desired_slots.into_iter().enumerate() {
        let (present, renamed, upper, employee, display, email, enabled, groups, perms, profiles) =
            slot;
        if !present {
            continue;
        }
        let stem = if renamed { "n" } else { "u" };
        let mut username = format!("{stem}{i}@{}", domain(i, b_domain));
        if upper {
            username = username.to_uppercase();
        }
        users.push(DesiredUser {
            username: username.into(),
            display_name: (display > 0).then(|| DISPLAY[usize::from(display - 1) % 3].into()),
            employee_id: employee.then(|| format!("e{i}").into()),
            email: match email {
                1 => Some(format!("u{i}@MAIL.com").into()),
                2 => Some(format!("other{i}@mail.com").into()),
                _ => None,
            },
            account_enabled: match enabled {
                1 => Some(true),
                2 => Some(false),
                _ => None,
            },
            groups: pick(groups, &GROUP_NAMES),
            permissions: pick(perms, &PERMISSION_NAMES),
            profiles: pick(profiles, &PROFILE_NAMES),
            source: SourceRef::csv("users.csv", i as u64 + 2),
        });
    }
    let (declare_sales, sales_perms, new_description, new_perms, other_perms) = groups;
    let source = |row| SourceRef::sheet("hris.xlsx", "UserGroups", row);
    let mut declared = vec![
        DesiredGroup {
            name: "New Team".into(),
            description: new_description.then(|| "A new team".into()),
            permissions: pick(new_perms, &PERMISSION_NAMES),
            source: source(2),
        },
        DesiredGroup {
            name: "Other New".into(),
            description: None,
            permissions: pick(other_perms, &PERMISSION_NAMES),
            source: source(3),
        },
    ];
    if declare_sales {
        declared.push(DesiredGroup {
            name: "sales".into(),
            description: Some("Sales people".into()),
            permissions: pick(sales_perms, &PERMISSION_NAMES),
            source: source(4),
        });
    }
    let desired = DesiredState {
        users,
        groups: declared,
        managed: Managed {
            memberships: managed.0,
            user_permissions: managed.1,
            profiles: managed.2,
            group_permissions: managed.3,
        },
        ..DesiredState::default()
    };
    let (mode, delete, scoped, protect, signed_in, manage_groups) = policy;
    let policy = Policy {
        mode: [Mode::Mirror, Mode::Upsert, Mode::UpdateOnly][usize::from(mode % 3)],
        deprovision: if delete {
            Deprovision::Delete
        } else {
            Deprovision::Disable
        },
        scope: if scoped {
            vec!["*@A.com".into()]
        } else {
            Vec::new()
        },
        protected: if protect {
            vec!["u0@*".into()]
        } else {
            Vec::new()
        },
        signed_in_as: signed_in.then(|| UserKey::new("u1@a.com")),
        manage_groups,
        guards: GuardSettings::off(),
        ..Policy::default()
    };
    let limits = BatchLimits {
        users_per_call: limits.0,
        user_ids_per_group_per_call: limits.1,
        groups_per_call: limits.2,
        members_per_group: limits.3,
        user_ids_per_permission_per_call: limits.4,
        permissions_per_call: limits.5,
        user_ids_per_profile_per_call: limits.6,
    };
    Case {
        live,
        desired,
        policy,
        limits,
    }
}

fn arb_case() -> impl Strategy<Value = Case> {
    let live_slot = (
        any::<bool>(),
        0u8..4,
        any::<bool>(),
        any::<bool>(),
        0u8..16,
        0u8..8,
        0u8..4,
    );
    let desired_slot = (
        any::<bool>(),
        prop::bool::weighted(0.2),
        prop::bool::weighted(0.2),
        any::<bool>(),
        0u8..4,
        0u8..3,
        0u8..3,
        0u8..128,
        0u8..16,
        0u8..4,
    );
    (
        prop::collection::vec(prop::bool::weighted(0.3), SLOTS),
        prop::collection::vec(live_slot, SLOTS),
        prop::collection::vec(desired_slot, SLOTS),
        (any::<bool>(), 0u8..16, any::<bool>(), 0u8..16, 0u8..16),
        (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()),
        (
            0u8..3,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
        (
            1usize..4,
            1usize..4,
            1usize..3,
            1usize..8,
            1usize..4,
            1usize..3,
            1usize..4,
        ),
    )
        .prop_map(|(b, l, d, g, m, p, lim)| build(&b, l, d, g, m, p, lim))
}

/// Every change of the set appears in exactly one call item.
fn assert_each_change_planned_once(changes: &ChangeSet, plan: &Plan) {
    let mut seen: HashMap<u32, usize> = HashMap::new();
    for call in plan.calls() {
        for id in call.body.change_ids() {
            *seen.entry(id.0).or_default() += 1;
        }
    }
    for change in &changes.changes {
        assert_eq!(
            seen.remove(&change.id.0),
            Some(1),
            "change {} ({:?} {:?} {})",
            change.id,
            change.entity(),
            change.action(),
            change.key
        );
    }
    assert!(seen.is_empty(), "calls realise unknown changes {seen:?}");
}

fn group_names(live: &LiveState, user: &LiveUser) -> BTreeSet<NameKey> {
    live.groups
        .iter()
        .filter(|g| user.groups.contains(&g.id) && !g.dynamic)
        .map(vsync_model::LiveGroup::key)
        .collect()
}

fn protected(policy: &Policy, username: &str) -> bool {
    let key = UserKey::new(username);
    policy.signed_in_as.as_ref() == Some(&key)
        || (!policy.protected.is_empty() && key.as_str().starts_with("u0@"))
}

fn in_scope(policy: &Policy, username: &str) -> bool {
    policy.scope.is_empty() || UserKey::new(username).as_str().ends_with("@a.com")
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let Case {
        live,
        desired,
        policy,
        limits,
    } = case;
    let changes = diff(desired, live, policy).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let plan = plan(&changes, limits);
    for phase in &plan.phases {
        prop_assert_eq!(
            phase.calls.len(),
            phase.lower_bound,
            "{:?}: {:#?}",
            phase.kind,
            phase.calls
        );
    }
    prop_assert_eq!(
        plan.call_count(),
        plan.lower_bound(),
        "calls must reach the lower bound"
    );
    prop_assert_eq!(check_limits(&plan, limits), Vec::<String>::new());
    assert_each_change_planned_once(&changes, &plan);
    let json = serde_json::to_string(&plan).unwrap();
    let back: Plan = serde_json::from_str(&json).unwrap();
    prop_assert_eq!(&back, &plan);

    let after = apply(&plan, live);

    // Re-diffing the result finds nothing.
    let again = diff(desired, &after, policy).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(
        again.is_empty(),
        "second run: {:?}",
        crate::support::summary(&again)
    );

    // Out-of-scope and protected users are untouched (but for groups deleted by the run).
    let surviving: BTreeSet<&UserGroupId> = after.groups.iter().map(|g| &g.id).collect();
    for before in &live.users {
        if in_scope(policy, &before.username) && !protected(policy, &before.username) {
            continue;
        }
        let now = after.users.iter().find(|u| u.id == before.id);
        prop_assert!(now.is_some(), "{} was removed", before.username);
        let mut expected = before.clone();
        expected.groups.retain(|g| surviving.contains(g));
        prop_assert_eq!(now.unwrap(), &expected);
    }

    // The desired users within scope are as the file says.
    let by_key: HashMap<UserKey, &LiveUser> = after.users.iter().map(|u| (u.key(), u)).collect();
    let live_by_employee: HashMap<&str, &LiveUser> = live
        .users
        .iter()
        .filter_map(|u| u.employee_id.as_deref().map(|e| (e, u)))
        .collect();
    for row in &desired.users {
        if !in_scope(policy, &row.username) || protected(policy, &row.username) {
            continue;
        }
        let existed = live.users.iter().any(|u| u.key() == row.key());
        let renamed_from = row
            .employee_id
            .as_deref()
            .and_then(|e| live_by_employee.get(e))
            .filter(|_| !existed);
        if renamed_from.is_some_and(|old| protected(policy, &old.username)) {
            continue;
        }
        if !existed && renamed_from.is_none() && policy.mode == Mode::UpdateOnly {
            prop_assert!(!by_key.contains_key(&row.key()));
            continue;
        }
        let user = by_key.get(&row.key());
        prop_assert!(user.is_some(), "{} is missing", row.username);
        let user = user.unwrap();
        if let Some(name) = row.display_name.as_deref() {
            prop_assert_eq!(
                user.display_name.as_deref().map(normalize_text),
                Some(normalize_text(name))
            );
        }
        if let Some(enabled) = row.account_enabled {
            prop_assert_eq!(user.account_enabled, enabled);
        }
        if desired.managed.memberships && policy.mode.creates() {
            let wanted: BTreeSet<NameKey> = row
                .groups
                .iter()
                .map(NameKey::new)
                .filter(|k| after.groups.iter().any(|g| &g.key() == k && !g.dynamic))
                .collect();
            let have = group_names(&after, user);
            prop_assert!(
                wanted.is_subset(&have),
                "{}: wanted {wanted:?}, has {have:?}",
                row.username
            );
            if policy.mode == Mode::Mirror && policy.manage_groups {
                prop_assert_eq!(&wanted, &have);
            }
        }
        if desired.managed.user_permissions {
            let wanted: BTreeSet<NameKey> = row.permissions.iter().map(NameKey::new).collect();
            let have: BTreeSet<NameKey> = after
                .permissions
                .iter()
                .filter(|p| user.permissions.contains(&p.id))
                .map(|p| NameKey::new(&p.name))
                .collect();
            if policy.mode == Mode::Mirror {
                prop_assert_eq!(&wanted, &have);
            } else {
                prop_assert!(wanted.is_subset(&have));
            }
        }
    }

    // In mirror mode, in-scope users absent from the file are deprovisioned.
    if policy.mode == Mode::Mirror {
        let rows: BTreeSet<UserKey> = desired.users.iter().map(DesiredUser::key).collect();
        let renamed: BTreeSet<&str> = desired
            .users
            .iter()
            .filter_map(|r| r.employee_id.as_deref())
            .collect();
        for before in &live.users {
            let absent = !rows.contains(&before.key())
                && !before
                    .employee_id
                    .as_deref()
                    .is_some_and(|e| renamed.contains(e));
            if !absent || !in_scope(policy, &before.username) || protected(policy, &before.username)
            {
                continue;
            }
            let now = after.users.iter().find(|u| u.id == before.id);
            match policy.deprovision {
                Deprovision::Delete => {
                    prop_assert!(now.is_none(), "{} not deleted", before.username);
                }
                _ => prop_assert!(
                    now.is_some_and(|u| !u.account_enabled),
                    "{} not disabled",
                    before.username
                ),
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn applying_the_plan_reaches_the_desired_state(case in arb_case()) {
        check(&case)?;
    }

    #[test]
    fn exported_live_state_plans_nothing(case in arb_case()) {
        let exported = vsync_engine::desired_from_live(&case.live);
        let changes = diff(&exported, &case.live, &case.policy).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(changes.is_empty(), "{:?}", crate::support::summary(&changes));
    }

    #[test]
    fn a_tripped_guard_leaves_nothing_of_its_class(case in arb_case(), max_count in 0usize..3) {
        let guard = vsync_engine::Guard { max_count, max_percent: 100, r#override: false };
        let policy = Policy {
            guards: GuardSettings {
                deletes: guard,
                disables: guard,
                membership_removals: guard,
                permission_revocations: guard,
                group_deletes: guard,
                ..GuardSettings::default()
            },
            ..case.policy.clone()
        };
        let changes = diff(&case.desired, &case.live, &policy).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let destructive = changes.changes.iter().filter(|c| c.action().is_removal()).count();
        if changes.blocked() {
            for outcome in changes.guards.iter().filter(|g| g.blocked()) {
                prop_assert!(outcome.withheld > 0 || matches!(outcome.guard, vsync_engine::GuardKind::EmptyInput | vsync_engine::GuardKind::RowDrop));
            }
        }
        for outcome in &changes.guards {
            if outcome.blocked() && !matches!(outcome.guard, vsync_engine::GuardKind::EmptyInput | vsync_engine::GuardKind::RowDrop) {
                prop_assert!(outcome.count > outcome.limit);
            }
        }
        if changes.guards.iter().any(|g| g.blocked() && matches!(g.guard, vsync_engine::GuardKind::EmptyInput | vsync_engine::GuardKind::RowDrop)) {
            prop_assert_eq!(destructive, 0);
        } else {
            prop_assert!(destructive <= 5 * max_count, "{destructive} removals with guards at {max_count}");
        }
        let plan = plan(&changes, &case.limits);
        prop_assert_eq!(plan.call_count(), plan.lower_bound());
    }
}
