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
//!   with a did-you-mean suggestion, reported for every row that names it (up to 100 rows a
//!   name) at that row and column: an entry of a long-form sheet at its own row
//!   ([`DesiredState::relation_rows`]). Every problem is collected before failing, in the
//!   input's order.
//! - Identity comes first: a row whose username is one live user and whose employee ID is
//!   another is an error naming both, never a merge of two people.
//! - A relation (memberships, user permissions, profiles, group permissions) is diffed only
//!   when [`Managed`](vsync_model::Managed) says the file manages it. Membership removals only
//!   touch groups the file declares or names for some user, unless
//!   [`Policy::manage_groups`] is set; members of dynamic groups are never changed.
//! - Deprovisioned users (disabled or deleted) keep their relations: a disable is reversible,
//!   and a delete takes them away anyway.

mod groups;
mod lookup;
mod matching;
mod users;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use vsync_model::{
    DesiredState, LiveGroup, LiveState, LiveUser, NameKey, Permission, PermissionId, Profile,
    ProfileId, SourceRef, UserGroupId,
};

use crate::change::{Change, ChangeId, ChangeKind, ChangeSet, GroupBaseline, Skip, SkipReason};
use crate::error::{EngineError, NameKind, suggest};
use crate::fast_hash::FastMap;
use crate::guard::{self, GuardBases};
use crate::policy::Policy;

use lookup::{At, GroupTarget, Lookup, Scope};

/// From this many live users on, [`diff`] computes the fingerprint on a second thread; from
/// this many desired users on, it compares them on two threads.
const PARALLEL_FROM_USERS: usize = 20_000;

/// The most rows reported for one unknown name (the rest are counted in no problem: a name
/// missing from the tenant in a million rows is one fix, not a million messages).
const ROWS_PER_UNKNOWN_NAME: usize = 100;

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
    let (out, background) = std::thread::scope(|threads| {
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
        // On the heap, away from the output this thread writes while another reads it.
        let mut cx = Box::new(Lookup::new(desired, live, policy));
        let scope = Scope::new(live, policy, scope, protected);
        let mut out = Output {
            bases: GuardBases {
                live_groups: live.groups.len(),
                assignments: live.groups.iter().map(|g| g.permissions.len()).sum(),
                ..GuardBases::default()
            },
            ..Output::default()
        };
        cx.declare_groups(&mut out.problems);
        cx.managed_groups = Differ::new(&cx, &scope, &mut out).managed_groups();
        cx.deleted_groups = Differ::new(&cx, &scope, &mut out).diff_groups();
        users::diff_users(
            &cx,
            &scope,
            &mut out,
            users::Threads {
                parallel_from,
                count_user_bases: background.is_none(),
            },
        );
        Differ::new(&cx, &scope, &mut out).delete_groups();
        let background = background.map(|handle| {
            handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (out, background)
    });
    if !out.problems.is_empty() {
        // In the input's order, like the reader's: by file, sheet and row; placeless last.
        let mut problems = out.problems;
        problems.sort_by(|a, b| match (a.at(), b.at()) {
            (Some(a), Some(b)) => a.cmp(b),
            (a, b) => b.is_some().cmp(&a.is_some()),
        });
        return Err(EngineError::from_problems(problems));
    }
    let mut bases = out.bases;
    let fingerprint = match background {
        Some((fingerprint, user_bases)) => {
            bases.users += user_bases.users;
            bases.memberships += user_bases.memberships;
            bases.assignments += user_bases.assignments;
            fingerprint
        }
        None => crate::fingerprint(live),
    };
    let mut changes = out.changes;
    let (withheld, guards) =
        guard::apply(&mut changes, &bases, desired.users.len(), &policy.guards);
    let baselines = baselines(&changes, live);
    Ok(ChangeSet {
        fingerprint,
        changes,
        withheld,
        skips: out.skips,
        guards,
        baselines,
    })
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

/// What one thread of a diff produces, with the caches it fills on the way.
#[derive(Default)]
struct Output<'a> {
    group_cache: FastMap<&'a str, Option<GroupTarget<'a>>>,
    perm_cache: FastMap<&'a str, Option<&'a Permission>>,
    profile_cache: FastMap<&'a str, Option<&'a Profile>>,
    /// Unknown names reported: the suggestion and how many rows named it, so each name's
    /// suggestion is computed once and at most [`ROWS_PER_UNKNOWN_NAME`] rows are reported.
    reported: FastMap<(u8, NameKey), (Option<String>, usize)>,
    scratch_groups: Vec<&'a UserGroupId>,
    scratch_permissions: Vec<&'a PermissionId>,
    scratch_profiles: Vec<&'a ProfileId>,
    changes: Vec<Change>,
    skips: Vec<Skip>,
    problems: Vec<EngineError>,
    bases: GuardBases,
}

impl Output<'_> {
    /// Appends the results of another thread that compared the users after this one's:
    /// changes renumbered to follow this one's, and the rows naming an unknown name reported up
    /// to [`ROWS_PER_UNKNOWN_NAME`] over both, as one thread would.
    fn append(&mut self, other: Self) {
        let offset = self.changes.len() as u32;
        self.changes
            .extend(other.changes.into_iter().map(|mut change| {
                change.id = ChangeId(change.id.0 + offset);
                change
            }));
        self.skips.extend(other.skips);
        for problem in other.problems {
            if let EngineError::UnknownName { what, name, .. } = &problem {
                let seen = &mut self
                    .reported
                    .entry((*what as u8, NameKey::new(name)))
                    .or_default()
                    .1;
                *seen += 1;
                if *seen > ROWS_PER_UNKNOWN_NAME {
                    continue;
                }
            }
            self.problems.push(problem);
        }
    }
}

/// The read-only lookup context and one thread's output: what every comparison step works on.
struct Differ<'a, 'c> {
    cx: &'c Lookup<'a>,
    scope: &'c Scope<'a>,
    out: &'c mut Output<'a>,
}

impl<'a, 'c> Differ<'a, 'c> {
    fn new(cx: &'c Lookup<'a>, scope: &'c Scope<'a>, out: &'c mut Output<'a>) -> Self {
        Self { cx, scope, out }
    }

    // ---- names ----------------------------------------------------------------------------

    fn report_unknown(&mut self, what: NameKind, name: &str, at: At<'_>) {
        let key = (what as u8, NameKey::new(name));
        if !self.out.reported.contains_key(&key) {
            let suggestion = self.suggestion(what, name);
            self.out.reported.insert(key.clone(), (suggestion, 0));
        }
        let Some((suggestion, seen)) = self.out.reported.get_mut(&key) else {
            return;
        };
        *seen += 1;
        if *seen > ROWS_PER_UNKNOWN_NAME {
            return;
        }
        let suggestion = suggestion.clone();
        self.out.problems.push(EngineError::UnknownName {
            what,
            name: name.to_owned(),
            at: Some(at.source.clone()),
            column: Some(at.column.to_owned()),
            suggestion,
        });
    }

    fn suggestion(&self, what: NameKind, name: &str) -> Option<String> {
        match what {
            NameKind::Group => suggest(
                name,
                self.cx
                    .live
                    .groups
                    .iter()
                    .map(|g| g.name.as_str())
                    .chain(self.cx.desired.groups.iter().map(|g| g.name.as_str())),
            ),
            NameKind::Permission => suggest(
                name,
                self.cx.live.permissions.iter().map(|p| p.name.as_str()),
            ),
            NameKind::Profile => {
                suggest(name, self.cx.live.profiles.iter().map(|p| p.name.as_str()))
            }
        }
    }

    /// The group `name` names, reporting it at `at` when the tenant and the file lack it.
    fn group(&mut self, name: &'a str, at: At<'_>) -> Option<GroupTarget<'a>> {
        let found = self.group_lookup(name);
        if found.is_none() {
            self.report_unknown(NameKind::Group, name, at);
        }
        found
    }

    /// The group `name` names, without reporting: every row's groups were resolved, and the
    /// unknown ones reported, by [`Differ::managed_groups`] first.
    fn group_lookup(&mut self, name: &'a str) -> Option<GroupTarget<'a>> {
        if let Some(found) = self.out.group_cache.get(name) {
            return *found;
        }
        let key = NameKey::new(name);
        let found = match self.cx.declared.get(&key) {
            Some(declared) => match self.cx.live_groups.get(&key) {
                Some(live) => Some(GroupTarget::Live(live)),
                None => Some(GroupTarget::Declared(declared)),
            },
            None => self
                .cx
                .live_groups
                .get(&key)
                .map(|live| GroupTarget::Live(live)),
        };
        self.out.group_cache.insert(name, found);
        found
    }

    fn permission(&mut self, name: &'a str, at: At<'_>) -> Option<&'a Permission> {
        let found = if let Some(found) = self.out.perm_cache.get(name) {
            *found
        } else {
            let found = self.cx.perms.get(&NameKey::new(name)).copied();
            self.out.perm_cache.insert(name, found);
            found
        };
        if found.is_none() {
            self.report_unknown(NameKind::Permission, name, at);
        }
        found
    }

    fn profile(&mut self, name: &'a str, at: At<'_>) -> Option<&'a Profile> {
        let found = if let Some(found) = self.out.profile_cache.get(name) {
            *found
        } else {
            let found = self.cx.profiles.get(&NameKey::new(name)).copied();
            self.out.profile_cache.insert(name, found);
            found
        };
        if found.is_none() {
            self.report_unknown(NameKind::Profile, name, at);
        }
        found
    }

    fn push(
        &mut self,
        key: &str,
        target: Option<String>,
        source: Option<&SourceRef>,
        kind: ChangeKind,
    ) {
        let id = ChangeId(self.out.changes.len() as u32);
        self.out.changes.push(Change {
            id,
            key: key.to_owned(),
            target,
            source: source.cloned(),
            kind,
        });
    }

    fn skip(
        &mut self,
        key: &str,
        target: Option<String>,
        source: Option<&SourceRef>,
        reason: SkipReason,
        message: String,
    ) {
        self.out.skips.push(Skip {
            key: key.to_owned(),
            target,
            source: source.cloned(),
            reason,
            message,
        });
    }
}

/// The live groups the changes touch, with their members and permissions as they were.
fn baselines(changes: &[Change], live: &LiveState) -> Vec<GroupBaseline> {
    let mut wanted: FastMap<&UserGroupId, usize> = FastMap::default();
    let mut out = Vec::new();
    for change in changes {
        if let Some(id) = change.live_group()
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
    use vsync_model::{DesiredGroup, DesiredUser, Managed, UserId};

    use super::*;
    use crate::policy::GuardSettings;

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
