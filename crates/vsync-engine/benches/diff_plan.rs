//! diff + plan of N desired against N live users (default 1,000,000) with 1% of them changed,
//! and of an initial load: N / 10 users, each in one of 50 groups, into a tenant that has the
//! groups and no users.
//!
//! `cargo bench -p vsync-engine`; `VSYNC_BENCH_USERS=100000` for another size. The median is in
//! `target/criterion/diff_plan/*/new/estimates.json`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use vsync_engine::{BatchLimits, GuardSettings, Policy, diff, plan};
use vsync_model::{
    DesiredGroup, DesiredState, DesiredUser, LiveGroup, LiveState, LiveUser, Managed, NameSet,
    Permission, PermissionId, SourceRef, UserGroupId, UserId,
};

const GROUPS: usize = 50;

/// A tenant of `n` users in 50 groups, and a file describing it with 1% of the users changed:
/// 0.25% new display names, 0.1% renames, 0.2% new users, 0.2% users gone (disabled), 0.25%
/// users moved to another group.
fn fixture(n: usize) -> (DesiredState, LiveState) {
    let groups: Vec<LiveGroup> = (0..GROUPS)
        .map(|g| LiveGroup {
            id: UserGroupId::new(format!("grp-{g:04}")),
            name: format!("Team {g}"),
            description: Some(format!("Everyone in team {g}")),
            ..LiveGroup::default()
        })
        .collect();
    let permissions: Vec<Permission> = (0..10)
        .map(|p| Permission {
            id: PermissionId::new(format!("perm-{p}")),
            name: format!("Permission {p}"),
            description: None,
        })
        .collect();
    let file = SourceRef::csv("hris.csv", 0);
    let mut live_users = Vec::with_capacity(n);
    let mut desired_users = Vec::with_capacity(n + n / 500);
    for i in 0..n {
        let group = i % GROUPS;
        let permission = i % 10;
        live_users.push(LiveUser {
            id: UserId::new(format!("u-{i:08}")),
            username: format!("user{i}@example.com"),
            display_name: Some(format!("User Number {i}")),
            employee_id: Some(format!("{i:08}")),
            email: Some(format!("user{i}@example.com")),
            account_enabled: true,
            groups: [groups[group].id.clone()].into(),
            permissions: [permissions[permission].id.clone()].into(),
            ..LiveUser::default()
        });
        let bucket = i % 1000;
        if (500..502).contains(&bucket) {
            continue; // gone from the file: disabled
        }
        let username = if bucket == 600 {
            format!("renamed{i}@example.com")
        } else {
            format!("user{i}@example.com")
        };
        let display_name = if (700..702).contains(&bucket) || bucket == 703 {
            format!("User No. {i}")
        } else {
            format!("User Number {i}")
        };
        let group = if (800..802).contains(&bucket) || bucket == 803 {
            (group + 1) % GROUPS
        } else {
            group
        };
        desired_users.push(DesiredUser {
            username: username.into(),
            display_name: Some(display_name.into()),
            employee_id: Some(format!("{i:08}").into()),
            email: Some(format!("user{i}@example.com").into()),
            account_enabled: Some(true),
            groups: [groups[group].name.as_str()].into(),
            permissions: [permissions[permission].name.as_str()].into(),
            profiles: NameSet::new(),
            source: file.with_row(i as u64 + 2),
        });
        if (900..902).contains(&bucket) {
            desired_users.push(DesiredUser {
                username: format!("new{i}@example.com").into(),
                display_name: Some(format!("New User {i}").into()),
                employee_id: Some(format!("N{i:08}").into()),
                groups: [groups[group].name.as_str()].into(),
                source: file.with_row(i as u64 + 2),
                ..DesiredUser::default()
            });
        }
    }
    let desired_groups = groups
        .iter()
        .map(|g| DesiredGroup {
            name: g.name.clone(),
            description: g.description.clone(),
            source: file.with_row(1),
            ..DesiredGroup::default()
        })
        .collect();
    let desired = DesiredState {
        users: desired_users,
        groups: desired_groups,
        managed: Managed {
            memberships: true,
            user_permissions: true,
            profiles: false,
            group_permissions: false,
        },
        ..DesiredState::default()
    };
    let live = LiveState {
        tenant: None,
        users: live_users,
        groups,
        permissions,
        profiles: Vec::new(),
    };
    (desired, live)
}

fn bench(c: &mut Criterion) {
    let n: usize = std::env::var("VSYNC_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let (desired, live) = fixture(n);
    let policy = Policy {
        guards: GuardSettings::off(),
        ..Policy::default()
    };
    let limits = BatchLimits::default();
    let changes = diff(&desired, &live, &policy).expect("the fixture is valid");
    let planned = plan(&changes, &limits);
    eprintln!(
        "{n} live, {} desired users: {} changes, {} calls (lower bound {})",
        desired.users.len(),
        changes.changes.len(),
        planned.call_count(),
        planned.lower_bound()
    );
    drop((changes, planned));
    let mut group = c.benchmark_group("diff_plan");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20))
        .warm_up_time(Duration::from_secs(2));
    group.bench_function(format!("{n}_users_1pct_changed"), |b| {
        b.iter(|| {
            let changes = diff(black_box(&desired), black_box(&live), &policy).unwrap();
            black_box(plan(&changes, &limits))
        });
    });
    // Every user new: the creates and the memberships are the whole plan.
    let (mut load, mut empty) = fixture(n / 10);
    empty.users.clear();
    load.users.retain(|u| !u.username.starts_with("new"));
    group.bench_function(format!("{}_users_initial_load", n / 10), |b| {
        b.iter(|| {
            let changes = diff(black_box(&load), black_box(&empty), &policy).unwrap();
            black_box(plan(&changes, &limits))
        });
    });
    // The part of the first that runs on a second thread, alongside the comparison.
    group.bench_function(format!("{n}_users_fingerprint"), |b| {
        b.iter(|| vsync_engine::fingerprint(black_box(&live)));
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
