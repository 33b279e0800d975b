//! [`read_scope`]: which of the tenant's lists a diff of a desired state needs.
//!
//! The users are always read. The rest follows what [`diff`](crate::diff) looks at:
//!
//! | the file | reads |
//! | --- | --- |
//! | manages memberships (a `userGroups` column, a Memberships sheet, mapping rules) | users' `assignedUserGroups`, the user groups |
//! | declares groups (a UserGroups sheet, rules with `create = true`) | the user groups |
//! | manages user permissions | users' `assignedPermissions`, the permission catalog |
//! | manages profiles | users' `assignedProfiles`, the profile catalog |
//! | manages group permissions | the user groups (with their permissions), the permission catalog |
//!
//! A file of user fields alone reads the user pages and nothing else.

use vsync_model::{DesiredState, LiveState, ReadScope};

use crate::change::Entity;

/// The lists a diff of `desired` reads: a diff against a live state read with this scope
/// makes the same changes as against the whole tenant.
pub fn read_scope(desired: &DesiredState) -> ReadScope {
    let managed = desired.managed;
    let groups = managed.memberships
        || managed.group_permissions
        || !desired.groups.is_empty()
        || !desired.derived.is_empty();
    ReadScope {
        memberships: managed.memberships,
        user_permissions: managed.user_permissions,
        user_profiles: managed.profiles,
        groups,
        permissions: managed.user_permissions || managed.group_permissions,
        profiles: managed.profiles,
    }
}

/// The lists that show whether a change of `entity` holds: the users for a user's fields, the
/// users' memberships and the groups for a membership, and so on.
pub fn covering(entity: Entity) -> ReadScope {
    let users = ReadScope::USERS;
    match entity {
        Entity::User => users,
        Entity::Group => ReadScope {
            groups: true,
            ..users
        },
        Entity::Membership => ReadScope {
            memberships: true,
            groups: true,
            ..users
        },
        Entity::UserPermission => ReadScope {
            user_permissions: true,
            permissions: true,
            ..users
        },
        Entity::GroupPermission => ReadScope {
            groups: true,
            permissions: true,
            ..users
        },
        Entity::Profile => ReadScope {
            user_profiles: true,
            profiles: true,
            ..users
        },
    }
}

/// `desired` managing only what `scope` reads: a diff of the result against a read of `scope`
/// compares those lists alone (`read_scope` of it is within `scope`).
pub fn narrow(desired: &DesiredState, scope: ReadScope) -> DesiredState {
    let mut out = desired.clone();
    let managed = &mut out.managed;
    managed.memberships &= scope.memberships && scope.groups;
    managed.user_permissions &= scope.user_permissions && scope.permissions;
    managed.profiles &= scope.user_profiles && scope.profiles;
    managed.group_permissions &= scope.groups && scope.permissions;
    if !scope.groups {
        out.groups.clear();
        out.derived.clear();
    }
    out
}

/// `live` as a read with `scope` would have returned it: what the scope does not read is
/// empty. For tests and for narrowing a state read with a wider scope.
pub fn restrict(live: &LiveState, scope: ReadScope) -> LiveState {
    let mut out = live.clone();
    for user in &mut out.users {
        if !scope.memberships {
            user.groups.clear();
        }
        if !scope.user_permissions {
            user.permissions.clear();
        }
        if !scope.user_profiles {
            user.profiles.clear();
        }
    }
    if !scope.groups {
        out.groups.clear();
    }
    if !scope.permissions {
        out.permissions.clear();
    }
    if !scope.profiles {
        out.profiles.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use vsync_model::{
        DesiredGroup, DesiredUser, LiveGroup, LiveUser, Managed, Permission, PermissionId, Profile,
        ProfileId, SourceRef, UserGroupId, UserId,
    };

    use super::*;
    use crate::{Mode, Policy, diff};

    fn tenant() -> LiveState {
        let user = |id: &str, name: &str| LiveUser {
            id: UserId::new(id),
            username: name.into(),
            display_name: Some("Old".into()),
            account_enabled: true,
            groups: BTreeSet::from([UserGroupId::new("g1")]),
            permissions: BTreeSet::from([PermissionId::new("p1")]),
            profiles: BTreeSet::from([ProfileId::new("pr1")]),
            ..LiveUser::default()
        };
        LiveState {
            tenant: None,
            users: vec![user("u1", "ada@x.io"), user("u2", "bob@x.io")],
            groups: vec![
                LiveGroup {
                    id: UserGroupId::new("g1"),
                    name: "Sales".into(),
                    permissions: BTreeSet::from([PermissionId::new("p1")]),
                    ..LiveGroup::default()
                },
                LiveGroup {
                    id: UserGroupId::new("g2"),
                    name: "Ops".into(),
                    ..LiveGroup::default()
                },
            ],
            permissions: vec![
                Permission {
                    id: PermissionId::new("p1"),
                    name: "Viewer".into(),
                    description: None,
                },
                Permission {
                    id: PermissionId::new("p2"),
                    name: "Admin".into(),
                    description: None,
                },
            ],
            profiles: vec![
                Profile {
                    id: ProfileId::new("pr1"),
                    name: "Standard".into(),
                },
                Profile {
                    id: ProfileId::new("pr2"),
                    name: "Power".into(),
                },
            ],
        }
    }

    fn desired(managed: Managed, declare: bool) -> DesiredState {
        let user = |name: &str, row| DesiredUser {
            username: name.into(),
            display_name: Some("New".into()),
            groups: ["Ops"].into(),
            permissions: ["Admin"].into(),
            profiles: ["Power"].into(),
            source: SourceRef::csv("users.csv", row),
            ..DesiredUser::default()
        };
        DesiredState {
            users: vec![user("ada@x.io", 2), user("cy@x.io", 3)],
            groups: if declare {
                vec![DesiredGroup {
                    name: "Sales".into(),
                    description: Some("Sellers".into()),
                    permissions: ["Admin"].into(),
                    source: SourceRef::sheet("hris.xlsx", "UserGroups", 2),
                }]
            } else {
                Vec::new()
            },
            managed,
            ..DesiredState::default()
        }
    }

    fn keys(changes: &crate::ChangeSet) -> Vec<String> {
        changes
            .changes
            .iter()
            .map(|c| format!("{:?} {:?} {} {:?}", c.action(), c.entity(), c.key, c.target))
            .collect()
    }

    /// Guards the read's narrowing: whatever the file manages, diffing against the tenant as
    /// its scope reads it plans exactly what diffing against the whole tenant plans. (The
    /// guards' percentages are then of what was read, the relations the file manages: off
    /// here, so that the changes themselves are compared.)
    #[test]
    fn a_scoped_read_diffs_like_the_whole_tenant() {
        let live = tenant();
        let policy = Policy {
            mode: Mode::Mirror,
            guards: crate::GuardSettings::off(),
            ..Policy::default()
        };
        for bits in 0u8..32 {
            let managed = Managed {
                memberships: bits & 1 != 0,
                user_permissions: bits & 2 != 0,
                profiles: bits & 4 != 0,
                group_permissions: bits & 8 != 0,
            };
            let desired = desired(managed, bits & 16 != 0);
            let scope = read_scope(&desired);
            let whole = diff(&desired, &live, &policy).unwrap();
            let scoped = diff(&desired, &restrict(&live, scope), &policy).unwrap();
            assert_eq!(keys(&scoped), keys(&whole), "{managed:?}, scope {scope:?}");
        }
    }

    #[test]
    fn a_narrowed_file_reads_within_its_scope() {
        let all = Managed {
            memberships: true,
            user_permissions: true,
            profiles: true,
            group_permissions: true,
        };
        let desired = desired(all, true);
        for entity in [
            Entity::User,
            Entity::Group,
            Entity::Membership,
            Entity::UserPermission,
            Entity::GroupPermission,
            Entity::Profile,
        ] {
            let scope = covering(entity);
            let read = read_scope(&narrow(&desired, scope));
            assert!(scope.covers(read), "{entity:?}: {read:?} within {scope:?}");
        }
        assert_eq!(
            read_scope(&narrow(&desired, covering(Entity::User))),
            ReadScope::USERS
        );
    }

    #[test]
    fn a_file_of_user_fields_reads_the_users_alone() {
        assert_eq!(
            read_scope(&desired(Managed::default(), false)),
            ReadScope::USERS
        );
        let all = Managed {
            memberships: true,
            user_permissions: true,
            profiles: true,
            group_permissions: true,
        };
        assert_eq!(read_scope(&desired(all, true)), ReadScope::ALL);
    }
}
