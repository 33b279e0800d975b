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
    let file: std::sync::Arc<str> = std::sync::Arc::from("tenant export");
    let users = live
        .users
        .iter()
        .enumerate()
        .map(|(index, user)| DesiredUser {
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            employee_id: user.employee_id.clone(),
            email: user.email.clone(),
            account_enabled: Some(user.account_enabled),
            groups: user
                .groups
                .iter()
                .filter_map(|id| {
                    groups
                        .get(id)
                        .filter(|(_, dynamic)| !dynamic)
                        .map(|(name, _)| (*name).to_owned())
                })
                .collect(),
            permissions: user
                .permissions
                .iter()
                .filter_map(|id| permissions.get(id).map(|n| (*n).to_owned()))
                .collect(),
            profiles: user
                .profiles
                .iter()
                .filter_map(|id| profiles.get(id).map(|n| (*n).to_owned()))
                .collect(),
            source: SourceRef {
                file: file.clone(),
                sheet: None,
                row: index as u64 + 2,
            },
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
                .filter_map(|id| permissions.get(id).map(|n| (*n).to_owned()))
                .collect(),
            source: SourceRef {
                file: file.clone(),
                sheet: Some("UserGroups".into()),
                row: index as u64 + 2,
            },
        })
        .collect();
    DesiredState {
        input: InputInfo {
            files: vec![file.to_string()],
            checksum: String::new(),
            user_rows: users.len(),
        },
        users,
        groups: desired_groups,
        managed: Managed {
            memberships: true,
            user_permissions: true,
            profiles: true,
            group_permissions: true,
        },
    }
}
