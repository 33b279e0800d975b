//! Builders for readable fixtures.

use vsync_engine::{ChangeSet, GuardSettings, Policy};
use vsync_model::{
    DesiredGroup, DesiredState, DesiredUser, LiveGroup, LiveState, LiveUser, Managed, Permission,
    PermissionId, Profile, ProfileId, SourceRef, UserGroupId, UserId,
};

pub fn live_user(id: &str, username: &str) -> LiveUser {
    LiveUser {
        id: UserId::new(id),
        username: username.into(),
        account_enabled: true,
        ..LiveUser::default()
    }
}

pub fn desired_user(username: &str, row: u64) -> DesiredUser {
    DesiredUser {
        username: username.into(),
        source: SourceRef::csv("users.csv", row),
        ..DesiredUser::default()
    }
}

pub fn desired_group(name: &str, row: u64) -> DesiredGroup {
    DesiredGroup {
        name: name.into(),
        source: SourceRef::sheet("hris.xlsx", "UserGroups", row),
        ..DesiredGroup::default()
    }
}

pub fn group(id: &str, name: &str) -> LiveGroup {
    LiveGroup {
        id: UserGroupId::new(id),
        name: name.into(),
        ..LiveGroup::default()
    }
}

/// A tenant with a small catalog: groups Sales (g1), Finance (g2), All Users (g3, dynamic), Ops (g4);
/// permissions Viewer (p1), Analyst (p2), Admin (p3); profiles Standard (pr1), Power (pr2).
pub fn tenant(users: Vec<LiveUser>) -> LiveState {
    LiveState {
        tenant: None,
        users,
        groups: vec![
            group("g1", "Sales"),
            group("g2", "Finance"),
            LiveGroup {
                dynamic: true,
                ..group("g3", "All Users")
            },
            group("g4", "Ops"),
        ],
        permissions: ["Viewer", "Analyst", "Admin"]
            .iter()
            .enumerate()
            .map(|(i, name)| Permission {
                id: PermissionId::new(format!("p{}", i + 1)),
                name: (*name).into(),
                description: None,
            })
            .collect(),
        profiles: ["Standard", "Power"]
            .iter()
            .enumerate()
            .map(|(i, name)| Profile {
                id: ProfileId::new(format!("pr{}", i + 1)),
                name: (*name).into(),
            })
            .collect(),
    }
}

pub fn desired(users: Vec<DesiredUser>) -> DesiredState {
    DesiredState {
        users,
        managed: Managed {
            memberships: true,
            user_permissions: true,
            profiles: true,
            group_permissions: true,
        },
        ..DesiredState::default()
    }
}

/// Mirror mode with the guards off: for tests about the diff itself.
pub fn unguarded() -> Policy {
    Policy {
        guards: GuardSettings::off(),
        ..Policy::default()
    }
}

/// `entity action key [target]` per change, for compact assertions.
pub fn summary(changes: &ChangeSet) -> Vec<String> {
    changes
        .changes
        .iter()
        .map(|c| {
            let mut line = format!("{:?} {:?} {}", c.entity(), c.action(), c.key);
            if let Some(target) = &c.target {
                line = format!("{line} -> {target}");
            }
            line
        })
        .collect()
}
