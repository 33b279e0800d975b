//! [`diff`]: the desired state against the live state, under a [`Policy`].
//!
//! Matching and normalisation rules:
//!
//! - Users match by username, case-insensitively ([`UserKey`]). A file row whose username
//!   matches no live user but whose employee ID matches exactly one unmatched live user is a
//!   **rename** of that user: one update, never a delete plus a create.
//! - Text values are compared after [`normalize_text`]; emails case-insensitively. A value the
//!   file does not give (`None`) leaves the live value alone. Equal values produce nothing, so
//!   an unchanged tenant yields an empty change set.
//! - Groups, permissions and profiles are named by display name and resolved against the live
//!   catalog ([`NameKey`]); groups the file declares are created. An unknown name is an error
//!   with a did-you-mean suggestion; every problem is collected before failing.
//! - A relation (memberships, user permissions, profiles, group permissions) is diffed only
//!   when [`Managed`](vsync_model::Managed) says the file manages it. Membership removals only
//!   touch groups the file declares or names for some user, unless
//!   [`Policy::manage_groups`] is set; members of dynamic groups are never changed.
//! - Deprovisioned users (disabled or deleted) keep their relations: a disable is reversible,
//!   and a delete takes them away anyway.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::BuildHasher;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use vsync_model::{
    DesiredGroup, DesiredState, DesiredUser, LiveGroup, LiveState, LiveUser, NameKey, Permission,
    PermissionId, Profile, ProfileId, SourceRef, UserGroupId, UserKey, normalize_text,
};

use crate::change::{
    Action, Change, ChangeId, ChangeSet, Entity, FieldChange, GroupBaseline, GroupRef, Skip,
    SkipReason, UserRef,
};
use crate::error::{EngineError, NameKind, suggest};
use crate::fast_hash::{FastBuild, FastMap, FastSet};
use crate::guard::{self, GuardBases};
use crate::policy::{Deprovision, Mode, Policy};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// From this many live users on, [`diff`] computes the fingerprint on a second thread; from
/// this many desired users on, it compares them on two threads.
const PARALLEL_FROM_USERS: usize = 20_000;

/// Compares `desired` with `live` under `policy`: the changes to make, the rows and users left
/// alone, and what the guards found.
///
/// Fails with every problem of the input (unknown names, duplicate usernames, ambiguous
/// renames, bad patterns), not only the first.
pub fn diff(
    desired: &DesiredState,
    live: &LiveState,
    policy: &Policy,
) -> Result<ChangeSet, EngineError> {
    diff_with(desired, live, policy, PARALLEL_FROM_USERS)
}

/// [`diff`], using a second thread for inputs of at least `parallel_from` users.
fn diff_with(
    desired: &DesiredState,
    live: &LiveState,
    policy: &Policy,
    parallel_from: usize,
) -> Result<ChangeSet, EngineError> {
    let mut problems = Vec::new();
    let scope = compile(&policy.scope, &mut problems);
    let protected = compile(&policy.protected, &mut problems);
    if !problems.is_empty() {
        return Err(EngineError::from_problems(problems));
    }
    // The fingerprint depends on the live state alone: for a large tenant it is computed on a
    // second thread while the users are compared, together with the guards' per-user bases
    // (a pass over the same users).
    let tenant_ok = tenant_ok(live, policy);
    let (mut differ, background) = std::thread::scope(|threads| {
        let background = (live.users.len() >= parallel_from)
            .then(|| {
                let mut counter = BaseCounter::new(live, tenant_ok, scope.clone());
                std::thread::Builder::new()
                    .name("vsync-fingerprint".into())
                    .spawn_scoped(threads, move || {
                        let fingerprint = crate::fingerprint::fingerprint_visiting(live, |user| {
                            counter.add(user);
                        });
                        (fingerprint, counter.bases)
                    })
                    .ok()
            })
            .flatten();
        let mut differ = Differ::new(desired, live, policy, scope, protected);
        differ.count_user_bases = background.is_none();
        differ.parallel_from = parallel_from;
        differ.run();
        let background = background.map(|handle| {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (differ, background)
    });
    if !differ.problems.is_empty() {
        return Err(EngineError::from_problems(differ.problems));
    }
    let fingerprint = match background {
        Some((fingerprint, user_bases)) => {
            differ.bases.users += user_bases.users;
            differ.bases.memberships += user_bases.memberships;
            differ.bases.assignments += user_bases.assignments;
            fingerprint
        }
        None => crate::fingerprint(live),
    };
    let bases = differ.bases;
    let mut changes = differ.changes;
    let skips = differ.skips;
    let (withheld, guards) =
        guard::apply(&mut changes, &bases, desired.users.len(), &policy.guards);
    let mut changes_set = ChangeSet {
        fingerprint,
        changes,
        withheld,
        skips,
        guards,
        baselines: Vec::new(),
    };
    changes_set.baselines = baselines(&changes_set.changes, live);

    Ok(changes_set)
}

/// Whether the policy lets the run change this tenant.
fn tenant_ok(live: &LiveState, policy: &Policy) -> bool {
    policy.tenants.is_empty()
        || live
            .tenant
            .as_ref()
            .is_some_and(|t| policy.tenants.contains(t))
}

/// Whether a username is in the run's scope.
fn in_scope(tenant_ok: bool, scope: Option<&GlobSet>, username: &str) -> bool {
    tenant_ok && scope.is_none_or(|set| set.is_match(username.trim()))
}

/// Counts in-scope live users, their manual memberships of non-dynamic groups and their
/// direct assignments: the guards' per-user bases.
struct BaseCounter<'a> {
    tenant_ok: bool,
    scope: Option<GlobSet>,
    groups: FastMap<&'a UserGroupId, &'a LiveGroup>,
    bases: GuardBases,
}

impl<'a> BaseCounter<'a> {
    fn new(live: &'a LiveState, tenant_ok: bool, scope: Option<GlobSet>) -> Self {
        Self {
            tenant_ok,
            scope,
            groups: live.groups.iter().map(|g| (&g.id, g)).collect(),
            bases: GuardBases::default(),
        }
    }

    fn add(&mut self, user: &LiveUser) {
        if in_scope(self.tenant_ok, self.scope.as_ref(), &user.username) {
            count_base(&mut self.bases, &self.groups, user);
        }
    }
}

fn count_base(bases: &mut GuardBases, groups: &FastMap<&UserGroupId, &LiveGroup>, user: &LiveUser) {
    bases.users += 1;
    bases.memberships += user
        .groups
        .iter()
        .filter(|id| groups.get(id).is_some_and(|g| !g.dynamic))
        .count();
    bases.assignments += user.permissions.len() + user.profiles.len();
}

fn compile(patterns: &[String], problems: &mut Vec<EngineError>) -> Option<GlobSet> {
    if patterns.is_empty() {
        return None;
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        match GlobBuilder::new(pattern.trim())
            .case_insensitive(true)
            .literal_separator(false)
            .build()
        {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(err) => problems.push(EngineError::InvalidPattern {
                pattern: pattern.clone(),
                message: err.to_string(),
            }),
        }
    }
    builder.build().ok()
}

/// A group a file names: one the tenant has, or one the file declares.
#[derive(Clone, Copy)]
enum GroupTarget<'a> {
    Live(&'a LiveGroup),
    Declared(&'a DesiredGroup),
}

struct Differ<'a> {
    desired: &'a DesiredState,
    live: &'a LiveState,
    policy: &'a Policy,
    scope: Option<GlobSet>,
    protected: Option<GlobSet>,
    tenant_ok: bool,
    perms: FastMap<NameKey, &'a Permission>,
    perm_names: FastMap<&'a PermissionId, &'a str>,
    profiles: FastMap<NameKey, &'a Profile>,
    profile_names: FastMap<&'a ProfileId, &'a str>,
    live_groups: FastMap<NameKey, &'a LiveGroup>,
    groups_by_id: FastMap<&'a UserGroupId, &'a LiveGroup>,
    declared: FastMap<NameKey, &'a DesiredGroup>,
    /// Live groups whose memberships may be removed.
    managed_groups: FastSet<&'a UserGroupId>,
    deleted_groups: FastSet<&'a UserGroupId>,
    group_cache: FastMap<&'a str, Option<GroupTarget<'a>>>,
    perm_cache: FastMap<&'a str, Option<&'a Permission>>,
    profile_cache: FastMap<&'a str, Option<&'a Profile>>,
    reported: FastSet<(u8, NameKey)>,
    scratch_groups: Vec<&'a UserGroupId>,
    scratch_permissions: Vec<&'a PermissionId>,
    scratch_profiles: Vec<&'a ProfileId>,
    changes: Vec<Change>,
    skips: Vec<Skip>,
    problems: Vec<EngineError>,
    bases: GuardBases,
    /// Whether the live-user pass counts the per-user guard bases (or another thread does).
    count_user_bases: bool,
    /// From this many desired users on, half of them are compared on another thread.
    parallel_from: usize,
}

impl<'a> Differ<'a> {
    fn new(
        desired: &'a DesiredState,
        live: &'a LiveState,
        policy: &'a Policy,
        scope: Option<GlobSet>,
        protected: Option<GlobSet>,
    ) -> Self {
        let tenant_ok = tenant_ok(live, policy);
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
            scope,
            protected,
            tenant_ok,
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
            group_cache: FastMap::default(),
            perm_cache: FastMap::default(),
            profile_cache: FastMap::default(),
            reported: FastSet::default(),
            scratch_groups: Vec::new(),
            scratch_permissions: Vec::new(),
            scratch_profiles: Vec::new(),
            changes: Vec::new(),
            skips: Vec::new(),
            problems: Vec::new(),
            bases: GuardBases {
                live_groups: live.groups.len(),
                assignments: live.groups.iter().map(|g| g.permissions.len()).sum(),
                ..GuardBases::default()
            },
            count_user_bases: true,
            parallel_from: usize::MAX,
        }
    }

    fn run(&mut self) {
        self.declare_groups();
        self.collect_group_references();

        self.diff_groups();
        self.diff_users();

        self.delete_groups();
    }

    // ---- names ----------------------------------------------------------------------------

    fn report_unknown(&mut self, what: NameKind, name: &str, at: &SourceRef) {
        let tag = what as u8;
        if !self.reported.insert((tag, NameKey::new(name))) {
            return;
        }
        let suggestion = match what {
            NameKind::Group => suggest(
                name,
                self.live
                    .groups
                    .iter()
                    .map(|g| g.name.as_str())
                    .chain(self.desired.groups.iter().map(|g| g.name.as_str())),
            ),
            NameKind::Permission => {
                suggest(name, self.live.permissions.iter().map(|p| p.name.as_str()))
            }
            NameKind::Profile => suggest(name, self.live.profiles.iter().map(|p| p.name.as_str())),
        };
        self.problems.push(EngineError::UnknownName {
            what,
            name: name.to_owned(),
            at: Some(at.clone()),
            suggestion,
        });
    }

    fn group(&mut self, name: &'a str, at: &SourceRef) -> Option<GroupTarget<'a>> {
        if let Some(found) = self.group_cache.get(name) {
            return *found;
        }
        let key = NameKey::new(name);
        let found = match self.declared.get(&key) {
            Some(declared) => match self.live_groups.get(&key) {
                Some(live) => Some(GroupTarget::Live(live)),
                None => Some(GroupTarget::Declared(declared)),
            },
            None => self
                .live_groups
                .get(&key)
                .map(|live| GroupTarget::Live(live)),
        };
        if found.is_none() {
            self.report_unknown(NameKind::Group, name, at);
        }
        self.group_cache.insert(name, found);
        found
    }

    fn permission(&mut self, name: &'a str, at: &SourceRef) -> Option<&'a Permission> {
        if let Some(found) = self.perm_cache.get(name) {
            return *found;
        }
        let found = self.perms.get(&NameKey::new(name)).copied();
        if found.is_none() {
            self.report_unknown(NameKind::Permission, name, at);
        }
        self.perm_cache.insert(name, found);
        found
    }

    fn profile(&mut self, name: &'a str, at: &SourceRef) -> Option<&'a Profile> {
        if let Some(found) = self.profile_cache.get(name) {
            return *found;
        }
        let found = self.profiles.get(&NameKey::new(name)).copied();
        if found.is_none() {
            self.report_unknown(NameKind::Profile, name, at);
        }
        self.profile_cache.insert(name, found);
        found
    }

    fn permission_name(&self, id: &PermissionId) -> String {
        self.perm_names
            .get(id)
            .map_or_else(|| id.to_string(), |name| (*name).to_owned())
    }

    fn profile_name(&self, id: &ProfileId) -> String {
        self.profile_names
            .get(id)
            .map_or_else(|| id.to_string(), |name| (*name).to_owned())
    }

    fn push(&mut self, mut change: Change) {
        change.id = ChangeId(self.changes.len() as u32);
        self.changes.push(change);
    }

    // ---- scope ----------------------------------------------------------------------------

    fn in_scope(&self, username: &str) -> bool {
        in_scope(self.tenant_ok, self.scope.as_ref(), username)
    }

    /// Why a user may not be changed, if it may not.
    fn protection(&self, username: &str, key: impl FnOnce() -> UserKey) -> Option<SkipReason> {
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

    fn skip(
        &mut self,
        key: &str,
        target: Option<String>,
        source: Option<&SourceRef>,
        reason: SkipReason,
        message: String,
    ) {
        self.skips.push(Skip {
            key: key.to_owned(),
            target,
            source: source.cloned(),
            reason,
            message,
        });
    }

    // ---- groups ---------------------------------------------------------------------------

    fn declare_groups(&mut self) {
        let desired = self.desired;
        for group in &desired.groups {
            let key = group.key();
            if let Some(first) = self.declared.get(&key) {
                self.problems.push(EngineError::Contradiction {
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

    /// Resolves every group name users give (reporting unknown ones) and decides which live
    /// groups' memberships the file manages.
    fn collect_group_references(&mut self) {
        let desired = self.desired;
        let live = self.live;
        if self.policy.manage_groups {
            self.managed_groups = live.groups.iter().map(|g| &g.id).collect();
        } else {
            for group in &desired.groups {
                if let Some(live_group) = self.live_groups.get(&group.key()) {
                    self.managed_groups.insert(&live_group.id);
                }
            }
        }
        if !desired.managed.memberships {
            return;
        }
        for user in &desired.users {
            for name in &user.groups {
                if let Some(GroupTarget::Live(group)) = self.group(name, &user.source) {
                    self.managed_groups.insert(&group.id);
                }
            }
        }
    }

    fn diff_groups(&mut self) {
        let desired = self.desired;
        let mode = self.policy.mode;
        let manage_permissions = desired.managed.group_permissions;
        for group in &desired.groups {
            let key = group.key();
            if !self
                .declared
                .get(&key)
                .is_some_and(|d| std::ptr::eq(*d, group))
            {
                continue; // a duplicate, reported
            }
            let wanted = if manage_permissions {
                let mut wanted = BTreeSet::new();
                for name in &group.permissions {
                    if let Some(permission) = self.permission(name, &group.source) {
                        wanted.insert(&permission.id);
                    }
                }
                Some(wanted)
            } else {
                None
            };
            let source = Some(group.source.clone());
            match self.live_groups.get(&key).copied() {
                Some(live) => {
                    let group_ref = GroupRef::Id(live.id.clone());
                    if let Some((before, after)) =
                        text_change(group.description.as_deref(), live.description.as_deref())
                    {
                        self.push(Change {
                            fields: vec![FieldChange::new("description", before, after)],
                            group: Some(group_ref.clone()),
                            ..change(
                                Entity::Group,
                                Action::Update,
                                &live.name,
                                None,
                                source.clone(),
                            )
                        });
                    }
                    let Some(wanted) = wanted else { continue };
                    for id in wanted.iter().filter(|id| !live.permissions.contains(**id)) {
                        self.push(Change {
                            group: Some(group_ref.clone()),
                            permission: Some((*id).clone()),
                            ..change(
                                Entity::GroupPermission,
                                Action::Assign,
                                &live.name,
                                Some(self.permission_name(id)),
                                source.clone(),
                            )
                        });
                    }
                    if mode.removes() {
                        for id in live.permissions.iter().filter(|id| !wanted.contains(id)) {
                            self.push(Change {
                                group: Some(group_ref.clone()),
                                permission: Some(id.clone()),
                                ..change(
                                    Entity::GroupPermission,
                                    Action::Revoke,
                                    &live.name,
                                    Some(self.permission_name(id)),
                                    source.clone(),
                                )
                            });
                        }
                    }
                }
                None if mode.creates() => {
                    let group_ref = GroupRef::Name(group.name.clone());
                    let fields = group
                        .description
                        .as_deref()
                        .map(normalize_text)
                        .filter(|d| !d.is_empty())
                        .map(|d| FieldChange::new("description", None, Some(d)))
                        .into_iter()
                        .collect();
                    self.push(Change {
                        fields,
                        group: Some(group_ref.clone()),
                        ..change(
                            Entity::Group,
                            Action::Create,
                            &group.name,
                            None,
                            source.clone(),
                        )
                    });
                    for id in wanted.into_iter().flatten() {
                        self.push(Change {
                            group: Some(group_ref.clone()),
                            permission: Some(id.clone()),
                            ..change(
                                Entity::GroupPermission,
                                Action::Assign,
                                &group.name,
                                Some(self.permission_name(id)),
                                source.clone(),
                            )
                        });
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
        if self.policy.mode == Mode::Mirror
            && self.policy.manage_groups
            && !desired.groups.is_empty()
        {
            let referenced: HashSet<&UserGroupId> = self
                .group_cache
                .values()
                .filter_map(|target| match target {
                    Some(GroupTarget::Live(group)) => Some(&group.id),
                    _ => None,
                })
                .collect();
            for group in &self.live.groups {
                if !self.declared.contains_key(&group.key()) && !referenced.contains(&group.id) {
                    self.deleted_groups.insert(&group.id);
                }
            }
        }
    }

    fn delete_groups(&mut self) {
        let live = self.live;
        for group in &live.groups {
            if self.deleted_groups.contains(&group.id) {
                self.push(Change {
                    group: Some(GroupRef::Id(group.id.clone())),
                    ..change(Entity::Group, Action::Delete, &group.name, None, None)
                });
            }
        }
    }

    // ---- users ----------------------------------------------------------------------------

    fn diff_users(&mut self) {
        let desired = self.desired;
        let live = self.live;
        let (mut matched, duplicates) = match_usernames(desired, live);
        let mut taken = vec![false; live.users.len()];
        let mut unmatched = Vec::new();
        let mut duplicates = duplicates.into_iter().peekable();
        for (index, user) in desired.users.iter().enumerate() {
            if let Some(&(later, first)) = duplicates.peek()
                && later == index
            {
                duplicates.next();
                self.problems.push(EngineError::Contradiction {
                    message: format!(
                        "username {:?} appears twice (first at {})",
                        user.username, desired.users[first].source
                    ),
                    at: Some(user.source.clone()),
                });
                continue;
            }
            if let Some(live_index) = matched[index] {
                taken[live_index] = true;
            } else if user
                .employee_id
                .as_deref()
                .is_some_and(|e| !trim(e).is_empty())
            {
                unmatched.push(index);
            }
        }

        self.match_renames(&unmatched, &mut matched, &mut taken);

        // For a large file the second half of the users is compared on another thread, by a
        // fork of the differ whose results are appended as if compared here.
        let mid = if desired.users.len() >= self.parallel_from {
            desired.users.len() / 2
        } else {
            desired.users.len()
        };
        let (first, second) = (&desired.users[..mid], &desired.users[mid..]);
        let (first_matched, second_matched) = matched.split_at(mid);
        std::thread::scope(|scope| {
            let worker = if second.is_empty() {
                None
            } else {
                let mut fork = self.fork();
                std::thread::Builder::new()
                    .name("vsync-diff".into())
                    .spawn_scoped(scope, move || {
                        for (user, matched) in second.iter().zip(second_matched) {
                            fork.diff_user(user, matched.map(|i| &live.users[i]));
                        }
                        fork
                    })
                    .ok()
            };
            for (user, matched) in first.iter().zip(first_matched) {
                self.diff_user(user, matched.map(|i| &live.users[i]));
            }
            match worker {
                Some(handle) => {
                    let fork = handle
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                    self.append(fork);
                }
                None => {
                    for (user, matched) in second.iter().zip(second_matched) {
                        self.diff_user(user, matched.map(|i| &live.users[i]));
                    }
                }
            }
        });

        for (index, user) in live.users.iter().enumerate() {
            if self.count_user_bases {
                let in_scope = self.in_scope(&user.username);
                if in_scope {
                    count_base(&mut self.bases, &self.groups_by_id, user);
                }
                if !taken[index] && in_scope {
                    self.deprovision(user);
                }
            } else if !taken[index] && self.in_scope(&user.username) {
                self.deprovision(user);
            }
        }
    }

    /// A differ in the state this one is in, with no results yet, to compare other users.
    fn fork(&self) -> Self {
        Self {
            desired: self.desired,
            live: self.live,
            policy: self.policy,
            scope: self.scope.clone(),
            protected: self.protected.clone(),
            tenant_ok: self.tenant_ok,
            perms: self.perms.clone(),
            perm_names: self.perm_names.clone(),
            profiles: self.profiles.clone(),
            profile_names: self.profile_names.clone(),
            live_groups: self.live_groups.clone(),
            groups_by_id: self.groups_by_id.clone(),
            declared: self.declared.clone(),
            managed_groups: self.managed_groups.clone(),
            deleted_groups: self.deleted_groups.clone(),
            group_cache: self.group_cache.clone(),
            perm_cache: self.perm_cache.clone(),
            profile_cache: self.profile_cache.clone(),
            reported: self.reported.clone(),
            scratch_groups: Vec::new(),
            scratch_permissions: Vec::new(),
            scratch_profiles: Vec::new(),
            changes: Vec::new(),
            skips: Vec::new(),
            problems: Vec::new(),
            bases: self.bases,
            count_user_bases: self.count_user_bases,
            parallel_from: self.parallel_from,
        }
    }

    /// Appends the results of a [`fork`](Self::fork) that compared the users after this
    /// one's: changes renumbered to follow this one's, and an unknown name reported only if
    /// this one has not reported it already.
    fn append(&mut self, fork: Self) {
        let offset = self.changes.len() as u32;
        self.changes
            .extend(fork.changes.into_iter().map(|mut change| {
                change.id = ChangeId(change.id.0 + offset);
                change
            }));
        self.skips.extend(fork.skips);
        for problem in fork.problems {
            if let EngineError::UnknownName { what, name, .. } = &problem
                && !self.reported.insert((*what as u8, NameKey::new(name)))
            {
                continue;
            }
            self.problems.push(problem);
        }
    }

    /// Rows whose username matches nobody but whose employee ID matches exactly one unmatched
    /// live user are renames of that user.
    fn match_renames(
        &mut self,
        unmatched: &[usize],
        matched: &mut [Option<usize>],
        taken: &mut [bool],
    ) {
        if unmatched.is_empty() {
            return;
        }
        let desired = self.desired;
        let live = self.live;
        // employee ID -> live index, or None when two unmatched live users share it.
        let mut by_employee: HashMap<&str, Option<usize>> = HashMap::new();
        for (index, user) in live.users.iter().enumerate() {
            if taken[index] {
                continue;
            }
            if let Some(employee) = user
                .employee_id
                .as_deref()
                .map(str::trim)
                .filter(|e| !e.is_empty())
            {
                by_employee
                    .entry(employee)
                    .and_modify(|slot| *slot = None)
                    .or_insert(Some(index));
            }
        }
        let mut claimed: HashMap<&str, usize> = HashMap::new();
        for &index in unmatched {
            let user = &desired.users[index];
            let employee = user.employee_id.as_deref().map_or("", str::trim);
            match by_employee.get(employee) {
                None => {}
                Some(None) => self.problems.push(EngineError::Contradiction {
                    message: format!(
                        "employee ID {employee:?} of {:?} belongs to several live users; cannot tell which one is renamed",
                        user.username
                    ),
                    at: Some(user.source.clone()),
                }),
                Some(Some(live_index)) => {
                    if let Some(&other) = claimed.get(employee) {
                        self.problems.push(EngineError::Contradiction {
                            message: format!(
                                "employee ID {employee:?} is given to {:?} and to {:?} (at {}); both would rename {:?}",
                                user.username, desired.users[other].username, desired.users[other].source, live.users[*live_index].username
                            ),
                            at: Some(user.source.clone()),
                        });
                        continue;
                    }
                    claimed.insert(employee, index);
                    matched[index] = Some(*live_index);
                    taken[*live_index] = true;
                }
            }
        }
    }

    fn diff_user(&mut self, user: &'a DesiredUser, live: Option<&'a LiveUser>) {
        let source = &user.source;
        if !self.in_scope(&user.username) {
            let message = if self.tenant_ok {
                "the username matches no scope pattern"
            } else {
                "the tenant is not one the run may change"
            };
            self.skip(
                &user.username,
                None,
                Some(source),
                SkipReason::OutOfScope,
                message.into(),
            );
            return;
        }
        if let Some(live) = live.filter(|l| !self.in_scope(&l.username)) {
            self.skip(
                &user.username,
                None,
                Some(source),
                SkipReason::OutOfScope,
                format!(
                    "the employee ID matches {:?}, which is out of scope",
                    live.username
                ),
            );
            return;
        }
        let protection = self
            .protection(&user.username, || user.key())
            .or_else(|| live.and_then(|l| self.protection(&l.username, || l.key())));
        let start = self.changes.len();
        let skips_start = self.skips.len();
        match live {
            None => self.create_user(user),
            Some(live) => self.update_user(user, live),
        }
        if let Some(reason) = protection
            && self.changes.len() > start
        {
            self.changes.truncate(start);
            self.skips.truncate(skips_start);
            let message = match reason {
                SkipReason::SignedInAccount => "the account vsync signs in with is never changed",
                _ => "the user matches a protected pattern",
            };
            self.skip(&user.username, None, Some(source), reason, message.into());
        }
    }

    fn create_user(&mut self, user: &'a DesiredUser) {
        let source = Some(user.source.clone());
        if !self.policy.mode.creates() {
            self.skip(
                &user.username,
                None,
                source.as_ref(),
                SkipReason::ModeForbids,
                "the user does not exist and update-only mode creates nothing".into(),
            );
            return;
        }
        let mut fields = vec![FieldChange::new(
            "username",
            None,
            Some(normalize_text(&user.username)),
        )];
        for (field, value) in [
            ("displayName", user.display_name.as_deref()),
            ("employeeId", user.employee_id.as_deref()),
            ("email", user.email.as_deref()),
        ] {
            if let Some(value) = value.map(normalize_text).filter(|v| !v.is_empty()) {
                fields.push(FieldChange::new(field, None, Some(value)));
            }
        }
        if let Some(enabled) = user.account_enabled {
            fields.push(FieldChange::new(
                "accountEnabled",
                None,
                Some(enabled.to_string()),
            ));
        }
        let user_ref = UserRef::Key(user.key());
        self.push(Change {
            fields,
            user: Some(user_ref.clone()),
            ..change(Entity::User, Action::Create, &user.username, None, source)
        });
        self.diff_relations(user, None, &|| user_ref.clone());
    }

    fn update_user(&mut self, user: &'a DesiredUser, live: &'a LiveUser) {
        let mut fields = Vec::new();
        let renamed = !keys_equal(&user.username, &live.username);
        if renamed {
            fields.push(FieldChange::new(
                "username",
                Some(live.username.clone()),
                Some(normalize_text(&user.username)),
            ));
        }
        if let Some(change) =
            text_change(user.display_name.as_deref(), live.display_name.as_deref())
        {
            fields.push(FieldChange::new("displayName", change.0, change.1));
        }
        if let Some(change) = text_change(user.employee_id.as_deref(), live.employee_id.as_deref())
        {
            fields.push(FieldChange::new("employeeId", change.0, change.1));
        }
        if let Some(wanted) = user.email.as_deref()
            && !keys_equal(wanted, live.email.as_deref().unwrap_or(""))
            && !normalize_text(wanted).is_empty()
        {
            fields.push(FieldChange::new(
                "email",
                live.email.clone(),
                Some(normalize_text(wanted)),
            ));
        }
        if let Some(enabled) = user.account_enabled
            && enabled != live.account_enabled
        {
            fields.push(FieldChange::new(
                "accountEnabled",
                Some(live.account_enabled.to_string()),
                Some(enabled.to_string()),
            ));
        }
        let user_ref = || UserRef::Id(live.id.clone());
        if !fields.is_empty() {
            let action = if renamed {
                Action::Rename
            } else {
                Action::Update
            };
            self.push(Change {
                fields,
                user: Some(user_ref()),
                ..change(
                    Entity::User,
                    action,
                    &user.username,
                    None,
                    Some(user.source.clone()),
                )
            });
        }
        self.diff_relations(user, Some(live), &user_ref);
    }

    fn diff_relations(
        &mut self,
        user: &'a DesiredUser,
        live: Option<&'a LiveUser>,
        user_ref: &dyn Fn() -> UserRef,
    ) {
        let managed = self.desired.managed;
        let removes = self.policy.mode.removes() && live.is_some();
        let source = &user.source;
        let relation = |entity, action, target: String| Change {
            user: Some(user_ref()),
            ..change(
                entity,
                action,
                &user.username,
                Some(target),
                Some(source.clone()),
            )
        };
        if managed.memberships {
            let mut wanted = std::mem::take(&mut self.scratch_groups);
            wanted.clear();
            let mut new_groups: Vec<&str> = Vec::new();
            for name in &user.groups {
                match self.group(name, source) {
                    None => {}
                    Some(GroupTarget::Live(group)) if group.dynamic => self.skip(
                        &user.username,
                        Some(group.name.clone()),
                        Some(source),
                        SkipReason::DynamicGroup,
                        "the group's members are computed by Visier and cannot be assigned".into(),
                    ),
                    Some(GroupTarget::Live(group)) => {
                        // Two spellings of one name make one change.
                        let first = !wanted.contains(&&group.id);
                        if first {
                            wanted.push(&group.id);
                        }
                        if first && !live.is_some_and(|l| l.groups.contains(&group.id)) {
                            self.push(Change {
                                group: Some(GroupRef::Id(group.id.clone())),
                                ..relation(Entity::Membership, Action::Add, group.name.clone())
                            });
                        }
                    }
                    Some(GroupTarget::Declared(group)) if self.policy.mode.creates() => {
                        if new_groups.contains(&group.name.as_str()) {
                            continue;
                        }
                        new_groups.push(group.name.as_str());
                        self.push(Change {
                            group: Some(GroupRef::Name(group.name.clone())),
                            ..relation(Entity::Membership, Action::Add, group.name.clone())
                        });
                    }
                    Some(GroupTarget::Declared(group)) => self.skip(
                        &user.username,
                        Some(group.name.clone()),
                        Some(source),
                        SkipReason::ModeForbids,
                        "the group does not exist and update-only mode creates nothing".into(),
                    ),
                }
            }
            if removes && let Some(live) = live {
                for id in &live.groups {
                    if wanted.contains(&id)
                        || !self.managed_groups.contains(id)
                        || self.deleted_groups.contains(id)
                    {
                        continue;
                    }
                    let Some(group) = self.groups_by_id.get(id).copied() else {
                        continue;
                    };
                    if group.dynamic {
                        continue;
                    }
                    self.push(Change {
                        group: Some(GroupRef::Id(id.clone())),
                        ..relation(Entity::Membership, Action::Remove, group.name.clone())
                    });
                }
            }
            self.scratch_groups = wanted;
        }
        if managed.user_permissions {
            let mut wanted = std::mem::take(&mut self.scratch_permissions);
            wanted.clear();
            for name in &user.permissions {
                let Some(permission) = self.permission(name, source) else {
                    continue;
                };
                if wanted.contains(&&permission.id) {
                    continue; // two spellings of one name
                }
                wanted.push(&permission.id);
                if !live.is_some_and(|l| l.permissions.contains(&permission.id)) {
                    self.push(Change {
                        permission: Some(permission.id.clone()),
                        ..relation(
                            Entity::UserPermission,
                            Action::Assign,
                            permission.name.clone(),
                        )
                    });
                }
            }
            if removes && let Some(live) = live {
                for id in live.permissions.iter().filter(|id| !wanted.contains(id)) {
                    self.push(Change {
                        permission: Some(id.clone()),
                        ..relation(
                            Entity::UserPermission,
                            Action::Revoke,
                            self.permission_name(id),
                        )
                    });
                }
            }
            self.scratch_permissions = wanted;
        }
        if managed.profiles {
            let mut wanted = std::mem::take(&mut self.scratch_profiles);
            wanted.clear();
            for name in &user.profiles {
                let Some(profile) = self.profile(name, source) else {
                    continue;
                };
                if wanted.contains(&&profile.id) {
                    continue; // two spellings of one name
                }
                wanted.push(&profile.id);
                if !live.is_some_and(|l| l.profiles.contains(&profile.id)) {
                    self.push(Change {
                        profile: Some(profile.id.clone()),
                        ..relation(Entity::Profile, Action::Assign, profile.name.clone())
                    });
                }
            }
            if removes && let Some(live) = live {
                for id in live.profiles.iter().filter(|id| !wanted.contains(id)) {
                    self.push(Change {
                        profile: Some(id.clone()),
                        ..relation(Entity::Profile, Action::Revoke, self.profile_name(id))
                    });
                }
            }
            self.scratch_profiles = wanted;
        }
    }

    /// An in-scope live user the file does not list (mirror mode only).
    fn deprovision(&mut self, user: &'a LiveUser) {
        if self.policy.mode != Mode::Mirror {
            return;
        }
        let action = match self.policy.deprovision {
            Deprovision::Disable => user.account_enabled.then_some(Action::Disable),
            Deprovision::Delete => Some(Action::Delete),
            Deprovision::DeleteAfterDisabledDays(_) if user.account_enabled => {
                Some(Action::Disable)
            }
            Deprovision::DeleteAfterDisabledDays(days) => {
                let due = user
                    .disabled_since_ms
                    .map(|since| since.saturating_add(i64::from(days) * DAY_MS));
                if due.is_some_and(|due| due <= self.policy.now_ms) {
                    Some(Action::Delete)
                } else {
                    let message = match user.disabled_since_ms {
                        Some(since) => format!(
                            "disabled {} day(s) ago; deleted once disabled for {days}",
                            (self.policy.now_ms - since).max(0) / DAY_MS
                        ),
                        None => format!(
                            "disabled, since when is not recorded; deleted once disabled for {days} day(s)"
                        ),
                    };
                    self.skip(
                        &user.username,
                        None,
                        None,
                        SkipReason::AwaitingDelete,
                        message,
                    );
                    None
                }
            }
        };
        let Some(action) = action else { return };
        if let Some(reason) = self.protection(&user.username, || user.key()) {
            let message = match reason {
                SkipReason::SignedInAccount => {
                    "absent from the file, but the account vsync signs in with is never removed"
                }
                _ => "absent from the file, but the user matches a protected pattern",
            };
            self.skip(&user.username, None, None, reason, message.into());
            return;
        }
        let fields = match action {
            Action::Disable => vec![FieldChange::new(
                "accountEnabled",
                Some("true".into()),
                Some("false".into()),
            )],
            _ => Vec::new(),
        };
        self.push(Change {
            fields,
            user: Some(UserRef::Id(user.id.clone())),
            ..change(Entity::User, action, &user.username, None, None)
        });
    }
}

fn change(
    entity: Entity,
    action: Action,
    key: &str,
    target: Option<String>,
    source: Option<SourceRef>,
) -> Change {
    Change {
        id: ChangeId(0),
        entity,
        action,
        key: key.to_owned(),
        target,
        source,
        fields: Vec::new(),
        user: None,
        group: None,
        permission: None,
        profile: None,
    }
}

/// `Some((before, after))` when the file gives a value that differs from the live one after
/// normalisation.
fn text_change(
    wanted: Option<&str>,
    live: Option<&str>,
) -> Option<(Option<String>, Option<String>)> {
    let wanted = wanted?;
    let live_text = live.unwrap_or("");
    if trim(wanted) == trim(live_text) {
        return None;
    }
    let wanted = normalize_text(wanted);
    if wanted.is_empty() || wanted == normalize_text(live_text) {
        return None;
    }
    Some((live.map(ToOwned::to_owned), Some(wanted)))
}

/// [`str::trim`], with a shortcut for text that starts and ends with a printable ASCII
/// character (no white space can be trimmed then), which is nearly all of it.
fn trim(text: &str) -> &str {
    let printable = |b: &u8| (b'!'..=b'~').contains(b);
    let bytes = text.as_bytes();
    if bytes.first().is_some_and(printable) && bytes.last().is_some_and(printable) {
        text
    } else {
        text.trim()
    }
}

/// Matches desired users to live users by folded username: for each desired user, the first
/// live user (in listing order) with its key, and the pairs `(later, first)` of desired users
/// that share a key, in row order (the later rows match nothing).
///
/// One hash map of a million usernames on each side is mostly cache and TLB misses (about a
/// second), so this is a partitioned hash join: one sequential pass copies every folded key,
/// with its index, into one of 256 partitions chosen by its hash; each partition (about 100 KB
/// for a million users) is then joined with a small map that stays in cache.
fn match_usernames(
    desired: &DesiredState,
    live: &LiveState,
) -> (Vec<Option<usize>>, Vec<(usize, usize)>) {
    const BITS: u32 = 8;
    /// The folded keys of one partition: `(index, end of the key in text)` in index order.
    #[derive(Default)]
    struct Part {
        entries: Vec<(u32, u32)>,
        text: String,
    }
    impl Part {
        fn keys(&self) -> impl Iterator<Item = (u32, &str)> {
            let mut start = 0;
            self.entries.iter().map(move |&(index, end)| {
                let key = &self.text[start..end as usize];
                start = end as usize;
                (index, key)
            })
        }
    }
    let state = foldhash::fast::RandomState::default();
    let partition = |names: &mut dyn ExactSizeIterator<Item = &str>| {
        let per_part = names.len() / (1 << BITS) + names.len() / (1 << (BITS + 3)) + 1;
        let mut parts: Vec<Part> = (0..1 << BITS)
            .map(|_| Part {
                entries: Vec::with_capacity(per_part),
                text: String::with_capacity(per_part * 24),
            })
            .collect();
        for (index, name) in names.enumerate() {
            let key = UserKey::fold_str(name);
            let part = &mut parts[(state.hash_one(&*key) >> (64 - BITS)) as usize];
            part.text.push_str(&key);
            let end = u32::try_from(part.text.len()).expect("under 4 GB of usernames");
            let index = u32::try_from(index).expect("fewer than 2^32 users");
            part.entries.push((index, end));
        }
        parts
    };
    let live_parts = partition(&mut live.users.iter().map(|u| u.username.as_str()));
    let desired_parts = partition(&mut desired.users.iter().map(|u| &*u.username));

    let mut matched = vec![None; desired.users.len()];
    let mut duplicates = Vec::new();
    // key -> (first live index, first desired index), `u32::MAX` for none.
    let mut slots: FastMap<&str, (u32, u32)> = FastMap::default();
    for (lives, rows) in live_parts.iter().zip(&desired_parts) {
        slots.clear();
        for (index, key) in lives.keys() {
            slots.entry(key).or_insert((index, u32::MAX));
        }
        for (index, key) in rows.keys() {
            let slot = slots.entry(key).or_insert((u32::MAX, u32::MAX));
            if slot.1 == u32::MAX {
                slot.1 = index;
                if slot.0 != u32::MAX {
                    matched[index as usize] = Some(slot.0 as usize);
                }
            } else {
                duplicates.push((index as usize, slot.1 as usize));
            }
        }
    }
    duplicates.sort_unstable();
    (matched, duplicates)
}

/// Case-insensitive equality after normalisation, without allocating in the common case.
fn keys_equal(a: &str, b: &str) -> bool {
    let (a, b) = (trim(a), trim(b));
    a == b
        || (a.is_ascii() && b.is_ascii() && a.eq_ignore_ascii_case(b))
        || (!(a.is_ascii() && b.is_ascii()) && UserKey::new(a) == UserKey::new(b))
}

/// The live groups the changes touch, with their members and permissions as they were.
fn baselines(changes: &[Change], live: &LiveState) -> Vec<GroupBaseline> {
    let mut wanted: FastMap<&UserGroupId, usize> = FastMap::default();
    let mut out = Vec::new();
    for change in changes {
        let touches = matches!(
            (change.entity, change.action),
            (Entity::Membership | Entity::GroupPermission, _) | (Entity::Group, Action::Update)
        );
        if let (true, Some(GroupRef::Id(id))) = (touches, &change.group)
            && !wanted.contains_key(id)
            && let Some(group) = live.groups.iter().find(|g| &g.id == id)
        {
            wanted.insert(&group.id, out.len());
            out.push(GroupBaseline {
                group: group.id.clone(),
                name: group.name.clone(),
                members: Vec::new(),
                permissions: group.permissions.iter().cloned().collect(),
                dynamic: group.dynamic,
            });
        }
    }
    if out.iter().any(|b| !b.dynamic) {
        for user in &live.users {
            for id in &user.groups {
                if let Some(&index) = wanted.get(id)
                    && !out[index].dynamic
                {
                    out[index].members.push(user.id.clone());
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use vsync_model::{Managed, UserId};

    use super::*;
    use crate::policy::GuardSettings;

    /// What [`match_usernames`] must return, the obvious way.
    fn naive_match(
        desired: &DesiredState,
        live: &LiveState,
    ) -> (Vec<Option<usize>>, Vec<(usize, usize)>) {
        let mut first_live: HashMap<UserKey, usize> = HashMap::new();
        for (i, user) in live.users.iter().enumerate() {
            first_live.entry(UserKey::new(&user.username)).or_insert(i);
        }
        let mut first_row: HashMap<UserKey, usize> = HashMap::new();
        let mut matched = vec![None; desired.users.len()];
        let mut duplicates = Vec::new();
        for (i, user) in desired.users.iter().enumerate() {
            let key = UserKey::new(&user.username);
            if let Some(&first) = first_row.get(&key) {
                duplicates.push((i, first));
            } else {
                first_row.insert(key.clone(), i);
                matched[i] = first_live.get(&key).copied();
            }
        }
        (matched, duplicates)
    }

    #[test]
    fn username_join_agrees_with_the_obvious_one() {
        let live_name = |i: usize| match i % 7 {
            0 => format!("User{i}@Example.com"),
            1 => format!(" user{}@example.com", i - 1), // a second live user with one key
            _ => format!("user{i}@example.com"),
        };
        let row_name = |i: usize| match i % 11 {
            0 => format!("USER{i}@EXAMPLE.COM"),
            1 => format!("user{}@example.com", i - 1), // the row above again
            2 => format!("new{i}@example.com"),
            3 => "Jos\u{e9}@example.com".to_owned(),
            4 => "jose\u{301}@Example.com".to_owned(), // the same key, another spelling
            _ => format!("user{i}@example.com"),
        };
        let live = LiveState {
            users: (0..5000)
                .map(|i| LiveUser {
                    id: UserId::new(format!("u{i}")),
                    username: live_name(i),
                    ..LiveUser::default()
                })
                .chain(std::iter::once(LiveUser {
                    id: UserId::new("jose"),
                    username: "jos\u{e9}@example.com".into(),
                    ..LiveUser::default()
                }))
                .collect(),
            ..LiveState::default()
        };
        let desired = DesiredState {
            users: (0..6000)
                .map(|i| DesiredUser {
                    username: row_name(i).into(),
                    ..DesiredUser::default()
                })
                .collect(),
            ..DesiredState::default()
        };
        let (matched, duplicates) = match_usernames(&desired, &live);
        let (want_matched, want_duplicates) = naive_match(&desired, &live);
        let found = matched.iter().flatten().count();
        assert!(
            duplicates.len() > 500 && found > 2500,
            "{} duplicates, {found} matched",
            duplicates.len()
        );
        assert_eq!(duplicates, want_duplicates);
        assert_eq!(matched, want_matched);
    }

    /// A tenant of `n` users in four groups (one dynamic) and a file that renames, creates,
    /// moves, re-permissions, protects and drops users throughout, so that both halves of a
    /// two-thread comparison see every kind of change.
    fn states(n: usize, broken: bool) -> (DesiredState, LiveState) {
        let groups: Vec<LiveGroup> = (0..4)
            .map(|g| LiveGroup {
                id: UserGroupId::new(format!("g{g}")),
                name: format!("Team {g}"),
                dynamic: g == 3,
                ..LiveGroup::default()
            })
            .collect();
        let permissions: Vec<Permission> = (0..3)
            .map(|p| Permission {
                id: PermissionId::new(format!("p{p}")),
                name: format!("Perm {p}"),
                description: None,
            })
            .collect();
        let mut live_users = Vec::new();
        let mut desired_users = Vec::new();
        for i in 0..n {
            live_users.push(LiveUser {
                id: UserId::new(format!("u{i}")),
                username: format!("User{i}@Example.com"),
                display_name: Some(format!("User {i}")),
                employee_id: Some(format!("{i}")),
                account_enabled: i % 97 != 0,
                groups: [groups[i % 4].id.clone()].into(),
                permissions: [permissions[i % 3].id.clone()].into(),
                ..LiveUser::default()
            });
            let bucket = i % 50;
            if bucket == 7 {
                continue; // deprovisioned
            }
            let username = match bucket {
                11 => format!("renamed{i}@example.com"),
                12 => format!(" user{i}@EXAMPLE.com "),
                _ => format!("user{i}@example.com"),
            };
            let mut user = DesiredUser {
                username: username.into(),
                display_name: Some(if bucket == 13 {
                    format!("User No. {i}").into()
                } else {
                    format!("User {i}").into()
                }),
                employee_id: Some(format!("{i}").into()),
                account_enabled: Some(bucket != 14),
                groups: [format!("team {}", (i + usize::from(bucket == 15)) % 4)].into(),
                permissions: [format!("Perm {}", (i + usize::from(bucket == 16)) % 3)].into(),
                source: SourceRef::csv("users.csv", i as u64 + 2),
                ..DesiredUser::default()
            };
            if bucket == 17 {
                user.groups.insert("New Team");
            }
            if broken && i % 1000 == 999 {
                user.permissions.insert(format!("Missing {}", i / (n / 2)));
                user.permissions.insert("Missing everywhere");
            }
            if broken && i % 5000 == 4999 {
                let mut twin = user.clone();
                twin.username = twin.username.to_uppercase().into();
                desired_users.push(twin);
            }
            desired_users.push(user);
            if bucket == 18 {
                desired_users.push(DesiredUser {
                    username: format!("new{i}@example.com").into(),
                    employee_id: Some(format!("N{i}").into()),
                    groups: ["New Team"].into(),
                    source: SourceRef::csv("users.csv", i as u64 + 2),
                    ..DesiredUser::default()
                });
            }
        }
        let desired = DesiredState {
            users: desired_users,
            groups: vec![DesiredGroup {
                name: "New Team".into(),
                source: SourceRef::csv("groups.csv", 2),
                ..DesiredGroup::default()
            }],
            managed: Managed {
                memberships: true,
                user_permissions: true,
                profiles: false,
                group_permissions: false,
            },
            ..DesiredState::default()
        };
        let live = LiveState {
            users: live_users,
            groups,
            permissions,
            ..LiveState::default()
        };
        (desired, live)
    }

    /// Comparing the users on two threads must give exactly what one thread gives: the same
    /// changes with the same IDs, skips, guard bases and problems, in the same order.
    #[test]
    fn two_threads_give_what_one_gives() {
        let policy = Policy {
            protected: vec!["user4?@example.com".into()],
            guards: GuardSettings::off(),
            ..Policy::default()
        };
        let guarded = Policy {
            protected: policy.protected.clone(),
            ..Policy::default()
        };
        for broken in [false, true] {
            let (desired, live) = states(12_000, broken);
            for policy in [&policy, &guarded] {
                let serial = diff_with(&desired, &live, policy, usize::MAX);
                let parallel = diff_with(&desired, &live, policy, 1_000);
                if broken {
                    assert!(serial.is_err());
                } else {
                    let changes = serial.as_ref().expect("valid");
                    assert!(changes.changes.len() > 1_000);
                    assert!(!changes.skips.is_empty());
                }
                assert_eq!(serial, parallel);
            }
        }
    }
}
