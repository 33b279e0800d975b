//! [`desired_from_live`]: a tenant exported as a desired state.

use std::collections::HashMap;

use vsync_model::{
    DesiredGroup, DesiredState, DesiredUser, InputInfo, LiveState, Managed, PermissionId,
    ProfileId, SourceRef, UserGroupId,
};

/// The live state as a file would describe it: names instead of IDs, every relation managed,
/// every group declared. Memberships of dynamic groups are left out (they are computed).
///
/// `diff(&desired_from_live(live), live, policy)` is empty for any policy.
pub fn desired_from_live(live: &LiveState) -> DesiredState {
    let groups: HashMap<&UserGroupId, (&str, bool)> = live
        .groups
        .iter()
        .map(|g| (&g.id, (g.name.as_str(), g.dynamic)))
        .collect();
    let permissions: HashMap<&PermissionId, &str> = live
        .permissions
        .iter()
        .map(|p| (&p.id, p.name.as_str()))
        .collect();
    let profiles: HashMap<&ProfileId, &str> = live
        .profiles
        .iter()
        .map(|p| (&p.id, p.name.as_str()))
        .collect();
    const FILE: &str = "tenant export";
    let user_rows = SourceRef::csv(FILE, 0);
    let group_rows = SourceRef::sheet(FILE, "UserGroups", 0);
    let users = live
        .users
        .iter()
        .enumerate()
        .map(|(index, user)| DesiredUser {
            username: user.username.as_str().into(),
            display_name: user.display_name.as_deref().map(Into::into),
            employee_id: user.employee_id.as_deref().map(Into::into),
            email: user.email.as_deref().map(Into::into),
            account_enabled: Some(user.account_enabled),
            groups: user
                .groups
                .iter()
                .filter_map(|id| {
                    groups
                        .get(id)
                        .filter(|(_, dynamic)| !dynamic)
                        .map(|(name, _)| *name)
                })
                .collect(),
            permissions: user
                .permissions
                .iter()
                .filter_map(|id| permissions.get(id).copied())
                .collect(),
            profiles: user
                .profiles
                .iter()
                .filter_map(|id| profiles.get(id).copied())
                .collect(),
            source: user_rows.with_row(index as u64 + 2),
        })
        .collect::<Vec<_>>();
    let desired_groups = live
        .groups
        .iter()
        .enumerate()
        .map(|(index, group)| DesiredGroup {
            name: group.name.clone(),
            description: group.description.clone(),
            permissions: group
                .permissions
                .iter()
                .filter_map(|id| permissions.get(id).copied())
                .collect(),
            source: group_rows.with_row(index as u64 + 2),
        })
        .collect();
    DesiredState {
        input: InputInfo {
            files: vec![FILE.to_owned()],
            checksum: String::new(),
            user_rows: users.len(),
        },
        users,
        groups: desired_groups,
        derived: Vec::new(),
        relation_rows: Vec::new(),
        managed: Managed {
            memberships: true,
            user_permissions: true,
            profiles: true,
            group_permissions: true,
        },
    }
}
