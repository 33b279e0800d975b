//! The groups the file declares: created, their descriptions and permissions updated, and (in
//! mirror mode with group management) the undeclared ones deleted.

use std::collections::{BTreeMap, HashSet};

use vsync_model::{Relation, UserGroupId, normalize_text};

use crate::change::{ChangeKind, Direction, GroupRef, SkipReason};
use crate::fast_hash::FastSet;
use crate::policy::Mode;

use super::Differ;
use super::lookup::GroupTarget;
use super::matching::text_change;

impl<'a> Differ<'a, '_> {
    /// Resolves every group name users give (reporting unknown ones) and returns the live
    /// groups whose memberships the file manages.
    pub(super) fn managed_groups(&mut self) -> FastSet<&'a UserGroupId> {
        let desired = self.cx.desired;
        let live = self.cx.live;
        let mut managed = FastSet::default();
        if self.cx.policy.manage_groups {
            managed = live.groups.iter().map(|g| &g.id).collect();
        } else {
            for group in &desired.groups {
                if let Some(live_group) = self.cx.live_groups.get(&group.key()) {
                    managed.insert(&live_group.id);
                }
            }
        }
        if !desired.managed.memberships {
            return managed;
        }
        for (index, user) in desired.users.iter().enumerate() {
            for name in &user.groups {
                let at = self.cx.at(Relation::Membership, index, name, &user.source);
                if let Some(GroupTarget::Live(group)) = self.group(name, at) {
                    managed.insert(&group.id);
                }
            }
        }
        managed
    }

    /// Compares the declared groups with the live ones; returns the live groups the run
    /// deletes.
    pub(super) fn diff_groups(&mut self) -> FastSet<&'a UserGroupId> {
        let desired = self.cx.desired;
        let mode = self.cx.policy.mode;
        let manage_permissions = desired.managed.group_permissions;
        for (index, group) in desired.groups.iter().enumerate() {
            let key = group.key();
            if !self
                .cx
                .declared
                .get(&key)
                .is_some_and(|d| std::ptr::eq(*d, group))
            {
                continue; // a duplicate, reported
            }
            let wanted = if manage_permissions {
                // Each permission with the row that asks for it.
                let mut wanted = BTreeMap::new();
                for name in &group.permissions {
                    let at = self
                        .cx
                        .at(Relation::GroupPermission, index, name, &group.source);
                    if let Some(permission) = self.permission(name, at) {
                        wanted.entry(&permission.id).or_insert(at.source);
                    }
                }
                Some(wanted)
            } else {
                None
            };
            let source = Some(&group.source);
            match self.cx.live_groups.get(&key).copied() {
                Some(live) => {
                    if let Some(description) =
                        text_change(group.description.as_deref(), live.description.as_deref())
                    {
                        self.push(
                            &live.name,
                            None,
                            source,
                            ChangeKind::UpdateGroup {
                                group: live.id.clone(),
                                description,
                            },
                        );
                    }
                    let Some(wanted) = wanted else { continue };
                    let permission =
                        |id: &UserGroupId, permission, direction| ChangeKind::GroupPermission {
                            group: GroupRef::Id(id.clone()),
                            permission,
                            direction,
                        };
                    for (id, row) in wanted
                        .iter()
                        .filter(|(id, _)| !live.permissions.contains(**id))
                    {
                        let name = self.cx.permission_name(id);
                        self.push(
                            &live.name,
                            Some(name),
                            Some(row),
                            permission(&live.id, (*id).clone(), Direction::Add),
                        );
                    }
                    if mode.removes() {
                        for id in live
                            .permissions
                            .iter()
                            .filter(|id| !wanted.contains_key(id))
                        {
                            let name = self.cx.permission_name(id);
                            self.push(
                                &live.name,
                                Some(name),
                                source,
                                permission(&live.id, id.clone(), Direction::Remove),
                            );
                        }
                    }
                }
                None if mode.creates() => {
                    let description = group
                        .description
                        .as_deref()
                        .map(normalize_text)
                        .filter(|d| !d.is_empty());
                    self.push(
                        &group.name,
                        None,
                        source,
                        ChangeKind::CreateGroup {
                            name: group.name.clone(),
                            description,
                        },
                    );
                    for (id, row) in wanted.into_iter().flatten() {
                        let name = self.cx.permission_name(id);
                        self.push(
                            &group.name,
                            Some(name),
                            Some(row),
                            ChangeKind::GroupPermission {
                                group: GroupRef::Name(group.name.clone()),
                                permission: id.clone(),
                                direction: Direction::Add,
                            },
                        );
                    }
                }
                None => self.skip(
                    &group.name,
                    None,
                    Some(&group.source),
                    SkipReason::ModeForbids,
                    "the group does not exist and update-only mode creates nothing".into(),
                ),
            }
        }
        // Groups deleted later must not get membership removals first.
        let mut deleted = FastSet::default();
        let policy = self.cx.policy;
        if policy.mode == Mode::Mirror && policy.manage_groups && !desired.groups.is_empty() {
            let referenced: HashSet<&UserGroupId> = self
                .out
                .group_cache
                .values()
                .filter_map(|target| match target {
                    Some(GroupTarget::Live(group)) => Some(&group.id),
                    _ => None,
                })
                .collect();
            for group in &self.cx.live.groups {
                if !self.cx.declared.contains_key(&group.key()) && !referenced.contains(&group.id) {
                    deleted.insert(&group.id);
                }
            }
        }
        deleted
    }

    pub(super) fn delete_groups(&mut self) {
        let live = self.cx.live;
        for group in &live.groups {
            if self.cx.deleted_groups.contains(&group.id) {
                self.push(
                    &group.name,
                    None,
                    None,
                    ChangeKind::DeleteGroup {
                        group: group.id.clone(),
                    },
                );
            }
        }
    }
}
