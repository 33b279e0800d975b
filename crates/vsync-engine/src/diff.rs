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

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap, HashSet};

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

/// From this many live users on, [`diff`] computes the fingerprint on a second thread.
const PARALLEL_FINGERPRINT_USERS: usize = 20_000;

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
    let mut problems = Vec::new();
    let scope = compile(&policy.scope, &mut problems);
    let protected = compile(&policy.protected, &mut problems);
    if !problems.is_empty() {
        return Err(EngineError::from_problems(problems));
    }
    // The fingerprint depends on the live state alone: for a large tenant it is computed on a
    // second thread while the users are compared.
    let (differ, fingerprint) = std::thread::scope(|scope_| {
        let background = (live.users.len() >= PARALLEL_FINGERPRINT_USERS)
            .then(|| {
                std::thread::Builder::new()
                    .name("vsync-fingerprint".into())
                    .spawn_scoped(scope_, || crate::fingerprint(live))
                    .ok()
            })
            .flatten();
        let mut differ = Differ::new(desired, live, policy, scope, protected);
        differ.run();
        let fingerprint = if differ.problems.is_empty() {
            Some(match background {
                Some(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                None => crate::fingerprint(live),
            })
        } else {
            None
        };
        (differ, fingerprint)
    });
    let Some(fingerprint) = fingerprint else {
        return Err(EngineError::from_problems(differ.problems));
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

/// The users with one folded username: the first live one, and the desired one.
struct KeySlot {
    live: Option<usize>,
    desired: Option<usize>,
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
}

impl<'a> Differ<'a> {
    fn new(
        desired: &'a DesiredState,
        live: &'a LiveState,
        policy: &'a Policy,
        scope: Option<GlobSet>,
        protected: Option<GlobSet>,
    ) -> Self {
        let tenant_ok = policy.tenants.is_empty()
            || live
                .tenant
                .as_ref()
                .is_some_and(|t| policy.tenants.contains(t));
        let mut live_groups = FastMap::with_capacity_and_hasher(live.groups.len(), FastBuild);
        for group in &live.groups {
            live_groups.entry(group.key()).or_insert(group);
        }
        let mut perms = FastMap::with_capacity_and_hasher(live.permissions.len(), FastBuild);
        for permission in &live.permissions {
            perms
                .entry(NameKey::new(&permission.name))
                .or_insert(permission);
        }
        let mut profiles = FastMap::with_capacity_and_hasher(live.profiles.len(), FastBuild);
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
        self.tenant_ok
            && self
                .scope
                .as_ref()
                .is_none_or(|set| set.is_match(username.trim()))
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
        // One map for both sides, keyed by the folded username, borrowed from the input when
        // it is already folded: the first live user and the desired user with that key.
        let mut by_key: FastMap<Cow<'a, str>, KeySlot> = FastMap::with_capacity_and_hasher(
            live.users.len() + desired.users.len() / 64,
            FastBuild,
        );
        for (index, user) in live.users.iter().enumerate() {
            by_key
                .entry(UserKey::fold_str(&user.username))
                .or_insert(KeySlot {
                    live: Some(index),
                    desired: None,
                });
        }
        let mut matched: Vec<Option<usize>> = vec![None; desired.users.len()];
        let mut taken = vec![false; live.users.len()];
        let mut unmatched = Vec::new();
        for (index, user) in desired.users.iter().enumerate() {
            let slot = by_key
                .entry(UserKey::fold_str(&user.username))
                .or_insert(KeySlot {
                    live: None,
                    desired: None,
                });
            if let Some(first) = slot.desired {
                self.problems.push(EngineError::Contradiction {
                    message: format!(
                        "username {:?} appears twice (first at {})",
                        user.username, desired.users[first].source
                    ),
                    at: Some(user.source.clone()),
                });
                continue;
            }
            slot.desired = Some(index);
            if let Some(live_index) = slot.live {
                matched[index] = Some(live_index);
                taken[live_index] = true;
            } else if user
                .employee_id
                .as_deref()
                .is_some_and(|e| !e.trim().is_empty())
            {
                unmatched.push(index);
            }
        }
        drop(by_key);
        self.match_renames(&unmatched, &mut matched, &mut taken);

        for (user, matched) in desired.users.iter().zip(matched) {
            self.diff_user(user, matched.map(|i| &live.users[i]));
        }
        for (index, user) in live.users.iter().enumerate() {
            let in_scope = self.in_scope(&user.username);
            if in_scope {
                self.count_base(user);
            }
            if !taken[index] && in_scope {
                self.deprovision(user);
            }
        }
    }

    fn count_base(&mut self, user: &LiveUser) {
        self.bases.users += 1;
        self.bases.memberships += user
            .groups
            .iter()
            .filter(|id| self.groups_by_id.get(id).is_some_and(|g| !g.dynamic))
            .count();
        self.bases.assignments += user.permissions.len() + user.profiles.len();
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
            ("displayName", &user.display_name),
            ("employeeId", &user.employee_id),
            ("email", &user.email),
        ] {
            if let Some(value) = value
                .as_deref()
                .map(normalize_text)
                .filter(|v| !v.is_empty())
            {
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
    if wanted.trim() == live_text.trim() {
        return None;
    }
    let wanted = normalize_text(wanted);
    if wanted.is_empty() || wanted == normalize_text(live_text) {
        return None;
    }
    Some((live.map(ToOwned::to_owned), Some(wanted)))
}

/// Case-insensitive equality after normalisation, without allocating in the common case.
fn keys_equal(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
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
