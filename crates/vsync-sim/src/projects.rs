//! Draft projects as Visier keeps them: an overlay of the versioned
//! artifacts on production, not a copy of the tenant.
//!
//! The versioned artifacts ([`Artifacts`]) are the user groups (with their
//! members and permissions), the permission catalog, the permissions
//! assigned directly to users, and the correlation IDs of creates. Users,
//! profiles and profile assignments are global: they change at once,
//! project or not.
//!
//! A project records what its requests changed ([`ProjectChanges`]): groups
//! created or deleted, and for changed groups the new definition plus the
//! members and permissions added or removed; permission definitions; direct
//! assignments added or removed. A read in the project applies those
//! changes to production as it is now, so a change made in production after
//! the project was opened shows through wherever the project did not touch
//! it; publishing applies them to production once.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use serde::{Deserialize, Serialize};
use vsync_api::{UserGroupFiltersDto, VisibleForSelectionDto};

use crate::state::{CorrelationRecord, SimGroup, SimPermission};

/// The versioned part of a tenant: what a project overlays.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Artifacts {
    pub groups: Vec<SimGroup>,
    pub permissions: Vec<SimPermission>,
    pub permission_assignments: BTreeMap<String, BTreeSet<String>>,
    pub correlation_ids: BTreeMap<String, CorrelationRecord>,
}

/// Where a project is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ProjectStatus {
    /// Changes can be made and published.
    Open,
    /// Published with `commitAndPublish`; closed.
    Published,
    /// Deleted; closed.
    Deleted,
}

/// A draft project of a tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SimProject {
    /// The project's UUID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// The change-management ticket.
    pub ticket_number: Option<String>,
    /// The release version, as given.
    pub release_version: Option<String>,
    /// The user who created it.
    pub owner: String,
    /// When it was created, milliseconds since the epoch.
    pub created_ms: i64,
    /// Open, published or deleted.
    pub status: ProjectStatus,
    /// The production version its publication made (none if it published
    /// no change, or is not published).
    pub version_number: Option<i32>,
    /// The changes not yet published.
    pub changes: ProjectChanges,
}

/// One version published to production: a project's `commitAndPublish`,
/// or one direct request that changed a versioned artifact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductionVersion {
    /// The version's ID: the project's, or a fresh one for a direct change.
    pub id: String,
    /// 1, 2, 3, ... within the tenant.
    pub version_number: i32,
    /// The project's name, or the operation of a direct change.
    pub name: String,
    /// The project's description.
    pub description: Option<String>,
    /// The project's ticket.
    pub ticket_number: Option<String>,
    /// The project's release version.
    pub release_version: Option<String>,
    /// The published project, if the version is one.
    pub project_id: Option<String>,
    /// Who published it.
    pub published_by: String,
    /// When, milliseconds since the epoch.
    pub published_ms: i64,
}

/// Items added (`true`) or removed (`false`), in the order first changed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
struct Delta(Vec<(String, bool)>);

impl Delta {
    fn between(before: &[String], after: &[String]) -> Delta {
        let b: HashSet<&String> = before.iter().collect();
        let a: HashSet<&String> = after.iter().collect();
        let mut out = Delta::default();
        for id in after.iter().filter(|id| !b.contains(id)) {
            out.0.push((id.clone(), true));
        }
        for id in before.iter().filter(|id| !a.contains(id)) {
            out.0.push((id.clone(), false));
        }
        out
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Later changes win.
    fn merge(&mut self, later: Delta) {
        for (id, present) in later.0 {
            match self.0.iter_mut().find(|(i, _)| *i == id) {
                Some(slot) => slot.1 = present,
                None => self.0.push((id, present)),
            }
        }
    }

    fn apply(&self, list: &mut Vec<String>) {
        for (id, present) in &self.0 {
            let at = list.iter().position(|x| x == id);
            match (present, at) {
                (true, None) => list.push(id.clone()),
                (false, Some(i)) => {
                    list.remove(i);
                }
                _ => {}
            }
        }
    }
}

/// A group's definition without its members and permissions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupDefinition {
    display_name: String,
    description: Option<String>,
    include_all_users: bool,
    dynamic_filter_definition: Option<UserGroupFiltersDto>,
    visible_for_selection: Option<VisibleForSelectionDto>,
}

impl GroupDefinition {
    fn of(g: &SimGroup) -> Self {
        GroupDefinition {
            display_name: g.display_name.clone(),
            description: g.description.clone(),
            include_all_users: g.include_all_users,
            dynamic_filter_definition: g.dynamic_filter_definition.clone(),
            visible_for_selection: g.visible_for_selection.clone(),
        }
    }

    fn apply(&self, g: &mut SimGroup) {
        self.display_name.clone_into(&mut g.display_name);
        g.description.clone_from(&self.description);
        g.include_all_users = self.include_all_users;
        g.dynamic_filter_definition
            .clone_from(&self.dynamic_filter_definition);
        g.visible_for_selection
            .clone_from(&self.visible_for_selection);
    }
}

/// What a project changed in a group that production has.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GroupPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    definition: Option<GroupDefinition>,
    #[serde(default, skip_serializing_if = "Delta::is_empty")]
    included: Delta,
    #[serde(default, skip_serializing_if = "Delta::is_empty")]
    excluded: Delta,
    #[serde(default, skip_serializing_if = "Delta::is_empty")]
    permissions: Delta,
}

impl GroupPatch {
    fn between(before: &SimGroup, after: &SimGroup) -> Option<GroupPatch> {
        let def = GroupDefinition::of(after);
        let patch = GroupPatch {
            definition: (GroupDefinition::of(before) != def).then_some(def),
            included: Delta::between(&before.manually_included_ids, &after.manually_included_ids),
            excluded: Delta::between(&before.manually_excluded_ids, &after.manually_excluded_ids),
            permissions: Delta::between(&before.permission_ids, &after.permission_ids),
        };
        (patch != GroupPatch::default()).then_some(patch)
    }

    fn merge(&mut self, later: GroupPatch) {
        if later.definition.is_some() {
            self.definition = later.definition;
        }
        self.included.merge(later.included);
        self.excluded.merge(later.excluded);
        self.permissions.merge(later.permissions);
    }

    fn apply(&self, g: &mut SimGroup) {
        if let Some(def) = &self.definition {
            def.apply(g);
        }
        self.included.apply(&mut g.manually_included_ids);
        self.excluded.apply(&mut g.manually_excluded_ids);
        self.permissions.apply(&mut g.permission_ids);
    }
}

/// A project's change to one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "edit", rename_all = "camelCase")]
enum GroupEdit {
    /// Made in the project.
    Created { group: SimGroup },
    /// A production group, changed.
    Changed { id: String, patch: GroupPatch },
    /// A production group, deleted.
    Deleted { id: String },
}

impl GroupEdit {
    fn id(&self) -> &str {
        match self {
            GroupEdit::Created { group } => &group.user_group_id,
            GroupEdit::Changed { id, .. } | GroupEdit::Deleted { id } => id,
        }
    }
}

/// The unpublished changes of a project: what its requests changed in the
/// versioned artifacts, to be applied on top of production.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProjectChanges {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    groups: Vec<GroupEdit>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    permissions: Vec<SimPermission>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    user_permissions: BTreeMap<String, BTreeMap<String, bool>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    correlation_ids: BTreeMap<String, Option<CorrelationRecord>>,
}

impl ProjectChanges {
    /// Whether the project recorded no change at all.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
            && self.permissions.is_empty()
            && self.user_permissions.is_empty()
            && self.correlation_ids.is_empty()
    }

    /// What one request changed, from the artifacts it saw to those it left.
    pub(crate) fn between(before: &Artifacts, after: &Artifacts) -> ProjectChanges {
        let mut out = ProjectChanges::default();
        let old: BTreeMap<&str, &SimGroup> = before
            .groups
            .iter()
            .map(|g| (g.user_group_id.as_str(), g))
            .collect();
        let kept: HashSet<&str> = after
            .groups
            .iter()
            .map(|g| g.user_group_id.as_str())
            .collect();
        for g in &after.groups {
            match old.get(g.user_group_id.as_str()) {
                None => out.groups.push(GroupEdit::Created { group: g.clone() }),
                Some(b) => {
                    if let Some(patch) = GroupPatch::between(b, g) {
                        out.groups.push(GroupEdit::Changed {
                            id: g.user_group_id.clone(),
                            patch,
                        });
                    }
                }
            }
        }
        for g in before
            .groups
            .iter()
            .filter(|g| !kept.contains(g.user_group_id.as_str()))
        {
            out.groups.push(GroupEdit::Deleted {
                id: g.user_group_id.clone(),
            });
        }
        for p in &after.permissions {
            let same = before
                .permissions
                .iter()
                .any(|b| b.permission_id == p.permission_id && b == p);
            if !same {
                out.permissions.push(p.clone());
            }
        }
        let empty = BTreeSet::new();
        let users: BTreeSet<&String> = before
            .permission_assignments
            .keys()
            .chain(after.permission_assignments.keys())
            .collect();
        for user in users {
            let b = before.permission_assignments.get(user).unwrap_or(&empty);
            let a = after.permission_assignments.get(user).unwrap_or(&empty);
            if a == b {
                continue;
            }
            let changes: BTreeMap<String, bool> = a
                .difference(b)
                .map(|p| (p.clone(), true))
                .chain(b.difference(a).map(|p| (p.clone(), false)))
                .collect();
            out.user_permissions.insert(user.clone(), changes);
        }
        let keys: BTreeSet<&String> = before
            .correlation_ids
            .keys()
            .chain(after.correlation_ids.keys())
            .collect();
        for key in keys {
            let a = after.correlation_ids.get(key);
            if before.correlation_ids.get(key) != a {
                out.correlation_ids.insert(key.clone(), a.cloned());
            }
        }
        out
    }

    /// Adds the changes of a later request.
    pub(crate) fn merge(&mut self, later: ProjectChanges) {
        for edit in later.groups {
            let at = self.groups.iter().position(|e| e.id() == edit.id());
            match (at, edit) {
                (None, edit) => self.groups.push(edit),
                (Some(i), GroupEdit::Deleted { id }) => {
                    if matches!(self.groups[i], GroupEdit::Created { .. }) {
                        self.groups.remove(i);
                    } else {
                        self.groups[i] = GroupEdit::Deleted { id };
                    }
                }
                (Some(i), GroupEdit::Changed { patch, .. }) => match &mut self.groups[i] {
                    GroupEdit::Created { group } => patch.apply(group),
                    GroupEdit::Changed { patch: mine, .. } => mine.merge(patch),
                    GroupEdit::Deleted { .. } => {}
                },
                // An ID is made once; a second create cannot happen.
                (Some(i), created @ GroupEdit::Created { .. }) => self.groups[i] = created,
            }
        }
        for p in later.permissions {
            match self
                .permissions
                .iter_mut()
                .find(|x| x.permission_id == p.permission_id)
            {
                Some(slot) => *slot = p,
                None => self.permissions.push(p),
            }
        }
        for (user, changes) in later.user_permissions {
            self.user_permissions
                .entry(user)
                .or_default()
                .extend(changes);
        }
        self.correlation_ids.extend(later.correlation_ids);
    }

    /// Production as the project sees it. References to users that no
    /// longer exist (users are global) are left out.
    pub(crate) fn apply(
        &self,
        production: &Artifacts,
        user_exists: impl Fn(&str) -> bool,
    ) -> Artifacts {
        let mut out = production.clone();
        for edit in &self.groups {
            let at = out.groups.iter().position(|g| g.user_group_id == edit.id());
            match (edit, at) {
                (GroupEdit::Created { group }, None) => out.groups.push(group.clone()),
                (GroupEdit::Changed { patch, .. }, Some(i)) => patch.apply(&mut out.groups[i]),
                (GroupEdit::Deleted { .. }, Some(i)) => {
                    out.groups.remove(i);
                }
                // Deleted in production meanwhile, or already there.
                _ => {}
            }
        }
        for g in &mut out.groups {
            g.manually_included_ids.retain(|u| user_exists(u));
            g.manually_excluded_ids.retain(|u| user_exists(u));
        }
        for p in &self.permissions {
            match out
                .permissions
                .iter_mut()
                .find(|x| x.permission_id == p.permission_id)
            {
                Some(slot) => *slot = p.clone(),
                None => out.permissions.push(p.clone()),
            }
        }
        for (user, changes) in &self.user_permissions {
            if !user_exists(user) {
                continue;
            }
            let set = out.permission_assignments.entry(user.clone()).or_default();
            for (permission, assigned) in changes {
                if *assigned {
                    set.insert(permission.clone());
                } else {
                    set.remove(permission);
                }
            }
            if set.is_empty() {
                out.permission_assignments.remove(user);
            }
        }
        for (key, record) in &self.correlation_ids {
            match record {
                Some(r) => {
                    out.correlation_ids.insert(key.clone(), r.clone());
                }
                None => {
                    out.correlation_ids.remove(key);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(id: &str, members: &[&str]) -> SimGroup {
        SimGroup {
            user_group_id: id.to_owned(),
            display_name: format!("Group {id}"),
            description: None,
            permission_ids: Vec::new(),
            include_all_users: false,
            manually_included_ids: members.iter().map(|m| (*m).to_owned()).collect(),
            manually_excluded_ids: Vec::new(),
            dynamic_filter_definition: None,
            visible_for_selection: None,
        }
    }

    fn art(groups: Vec<SimGroup>) -> Artifacts {
        Artifacts {
            groups,
            ..Artifacts::default()
        }
    }

    fn members<'a>(a: &'a Artifacts, id: &str) -> Vec<&'a str> {
        a.groups
            .iter()
            .find(|g| g.user_group_id == id)
            .map(|g| g.manually_included_ids.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    #[test]
    fn a_membership_change_merges_with_later_production_changes() {
        let production = art(vec![group("g", &["a"])]);
        let view = ProjectChanges::default().apply(&production, |_| true);
        let mut after = view.clone();
        after.groups[0].manually_included_ids.push("b".into());
        let changes = ProjectChanges::between(&view, &after);
        // Production gains c directly after the project added b.
        let production = art(vec![group("g", &["a", "c"])]);
        assert_eq!(
            members(&changes.apply(&production, |_| true), "g"),
            ["a", "c", "b"]
        );
        // A deleted user drops out of the project's view.
        assert_eq!(
            members(&changes.apply(&production, |u| u != "b"), "g"),
            ["a", "c"]
        );
    }

    #[test]
    fn created_then_deleted_in_the_project_leaves_nothing() {
        let production = art(vec![]);
        let mut changes = ProjectChanges::default();
        let made = art(vec![group("n", &[])]);
        changes.merge(ProjectChanges::between(&production, &made));
        let mut more = made.clone();
        more.groups[0].manually_included_ids.push("u".into());
        changes.merge(ProjectChanges::between(&made, &more));
        assert_eq!(members(&changes.apply(&production, |_| true), "n"), ["u"]);
        changes.merge(ProjectChanges::between(&more, &production));
        assert!(changes.is_empty(), "{changes:?}");
    }

    #[test]
    fn direct_assignments_are_per_user_and_permission() {
        let mut production = Artifacts::default();
        production
            .permission_assignments
            .insert("u".into(), BTreeSet::from(["p1".to_owned()]));
        let mut after = production.clone();
        after
            .permission_assignments
            .insert("u".into(), BTreeSet::from(["p2".to_owned()]));
        let changes = ProjectChanges::between(&production, &after);
        production
            .permission_assignments
            .get_mut("u")
            .unwrap()
            .insert("p3".into());
        let seen = changes.apply(&production, |_| true);
        assert_eq!(
            seen.permission_assignments["u"],
            BTreeSet::from(["p2".to_owned(), "p3".to_owned()])
        );
    }
}
