//! The read-only side of a diff: the live catalog by name and ID, the groups the file declares,
//! which groups the run manages or deletes, and the scope. Built once; every thread that
//! compares users reads the same one.

use globset::GlobSet;
use vsync_model::{
    DesiredGroup, DesiredState, LiveGroup, LiveState, NameKey, Permission, PermissionId, Profile,
    ProfileId, Relation, SourceRef, UserGroupId, UserKey,
};

use crate::change::SkipReason;
use crate::error::EngineError;
use crate::fast_hash::{FastBuild, FastMap, FastSet};
use crate::policy::Policy;

use super::{in_scope, tenant_ok};

/// A group a file names: one the tenant has, or one the file declares.
#[derive(Clone, Copy)]
pub(super) enum GroupTarget<'a> {
    Live(&'a LiveGroup),
    Declared(&'a DesiredGroup),
}

/// Where an entry of a relation was read: its own row of a long-form sheet, or its owner's
/// row and the wide column.
#[derive(Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) source: &'a SourceRef,
    pub(super) column: &'static str,
}

/// What every comparison looks things up in; never changed while users are compared.
pub(super) struct Lookup<'a> {
    pub(super) desired: &'a DesiredState,
    pub(super) live: &'a LiveState,
    pub(super) policy: &'a Policy,
    pub(super) perms: FastMap<NameKey, &'a Permission>,
    perm_names: FastMap<&'a PermissionId, &'a str>,
    pub(super) profiles: FastMap<NameKey, &'a Profile>,
    profile_names: FastMap<&'a ProfileId, &'a str>,
    pub(super) live_groups: FastMap<NameKey, &'a LiveGroup>,
    pub(super) groups_by_id: FastMap<&'a UserGroupId, &'a LiveGroup>,
    pub(super) declared: FastMap<NameKey, &'a DesiredGroup>,
    /// Live groups whose memberships may be removed.
    pub(super) managed_groups: FastSet<&'a UserGroupId>,
    /// Live groups the run deletes (their members are not removed first).
    pub(super) deleted_groups: FastSet<&'a UserGroupId>,
    /// The long-form sheets' rows by relation, owner (its index) and entry, exactly as spelt.
    relation_rows: FastMap<(Relation, u32, &'a str), &'a SourceRef>,
}

impl<'a> Lookup<'a> {
    pub(super) fn new(desired: &'a DesiredState, live: &'a LiveState, policy: &'a Policy) -> Self {
        let mut live_groups =
            FastMap::with_capacity_and_hasher(live.groups.len(), FastBuild::default());
        for group in &live.groups {
            live_groups.entry(group.key()).or_insert(group);
        }
        let mut perms =
            FastMap::with_capacity_and_hasher(live.permissions.len(), FastBuild::default());
        for permission in &live.permissions {
            perms
                .entry(NameKey::new(&permission.name))
                .or_insert(permission);
        }
        let mut profiles =
            FastMap::with_capacity_and_hasher(live.profiles.len(), FastBuild::default());
        for profile in &live.profiles {
            profiles
                .entry(NameKey::new(&profile.name))
                .or_insert(profile);
        }
        Self {
            desired,
            live,
            policy,
            perms,
            perm_names: live
                .permissions
                .iter()
                .map(|p| (&p.id, p.name.as_str()))
                .collect(),
            profiles,
            profile_names: live
                .profiles
                .iter()
                .map(|p| (&p.id, p.name.as_str()))
                .collect(),
            live_groups,
            groups_by_id: live.groups.iter().map(|g| (&g.id, g)).collect(),
            declared: FastMap::default(),
            managed_groups: FastSet::default(),
            deleted_groups: FastSet::default(),
            relation_rows: desired
                .relation_rows
                .iter()
                .map(|r| ((r.relation, r.owner, r.item.as_str()), &r.source))
                .collect(),
        }
    }

    /// Where the entry `item` of `relation` of the owner with index `owner` (in the desired
    /// users, or groups) was read: its own long-form row if it has one, else `row` (the
    /// owner's) in the wide column.
    pub(super) fn at(
        &self,
        relation: Relation,
        owner: usize,
        item: &str,
        row: &'a SourceRef,
    ) -> At<'a> {
        if !self.relation_rows.is_empty()
            && let Some(source) =
                self.relation_rows
                    .get(&(relation, u32::try_from(owner).unwrap_or(u32::MAX), item))
        {
            return At {
                source,
                column: relation.long_column(),
            };
        }
        At {
            source: row,
            column: relation.wide_column(),
        }
    }

    /// Records the groups the file declares; a group declared twice is a problem.
    pub(super) fn declare_groups(&mut self, problems: &mut Vec<EngineError>) {
        let desired = self.desired;
        for group in &desired.groups {
            let key = group.key();
            if let Some(first) = self.declared.get(&key) {
                problems.push(EngineError::Contradiction {
                    message: format!(
                        "user group {:?} is declared twice (first at {})",
                        group.name, first.source
                    ),
                    at: Some(group.source.clone()),
                });
                continue;
            }
            self.declared.insert(key, group);
        }
    }

    pub(super) fn permission_name(&self, id: &PermissionId) -> String {
        self.perm_names
            .get(id)
            .map_or_else(|| id.to_string(), |name| (*name).to_owned())
    }

    pub(super) fn profile_name(&self, id: &ProfileId) -> String {
        self.profile_names
            .get(id)
            .map_or_else(|| id.to_string(), |name| (*name).to_owned())
    }
}

/// Which users the run may change: the tenant check, the scope and the protected patterns.
/// Each thread comparing users has its own clone: a glob set's regexes keep per-thread
/// caches, which are best not shared.
#[derive(Clone)]
pub(super) struct Scope<'a> {
    policy: &'a Policy,
    /// Whether the policy lets the run change this tenant at all.
    pub(super) tenant_ok: bool,
    /// The scope patterns (`None`: every username).
    patterns: Option<GlobSet>,
    /// The protected patterns.
    protected: Option<GlobSet>,
}

impl<'a> Scope<'a> {
    pub(super) fn new(
        live: &LiveState,
        policy: &'a Policy,
        scope: Option<GlobSet>,
        protected: Option<GlobSet>,
    ) -> Self {
        Self {
            policy,
            tenant_ok: tenant_ok(live, policy),
            patterns: scope,
            protected,
        }
    }

    #[inline]
    pub(super) fn in_scope(&self, username: &str) -> bool {
        in_scope(self.tenant_ok, self.patterns.as_ref(), username)
    }

    /// Why a user may not be changed, if it may not.
    #[inline]
    pub(super) fn protection(
        &self,
        username: &str,
        key: impl FnOnce() -> UserKey,
    ) -> Option<SkipReason> {
        if self
            .policy
            .signed_in_as
            .as_ref()
            .is_some_and(|signed_in| *signed_in == key())
        {
            Some(SkipReason::SignedInAccount)
        } else if self
            .protected
            .as_ref()
            .is_some_and(|set| set.is_match(username.trim()))
        {
            Some(SkipReason::Protected)
        } else {
            None
        }
    }
}
