//! The users: matched, compared field by field and relation by relation (on two threads for a
//! large file), and the live users the file does not list deprovisioned.

use vsync_model::{DesiredUser, LiveUser, Relation, normalize_text};

use crate::change::{ChangeKind, Direction, Edit, GroupRef, SkipReason, UserFields, UserRef};
use crate::error::EngineError;
use crate::policy::{Deprovision, Mode};

use super::lookup::{GroupTarget, Lookup, Scope};
use super::matching::{
    check_identities, keys_equal, match_renames, match_usernames, second_account, text_change, trim,
};
use super::{Differ, Output, count_base};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// How the user comparison uses threads.
#[derive(Debug, Clone, Copy)]
pub(super) struct Threads {
    /// From this many desired users on, half of them are compared on another thread.
    pub(super) parallel_from: usize,
    /// Whether the live-user pass counts the per-user guard bases (or another thread does).
    pub(super) count_user_bases: bool,
}

/// Matches and compares every user, then deprovisions the live users left over.
pub(super) fn diff_users<'a>(
    cx: &Lookup<'a>,
    scope: &Scope<'a>,
    out: &mut Output<'a>,
    threads: Threads,
) {
    let desired = cx.desired;
    let live = cx.live;
    let (mut matched, duplicates) = match_usernames(desired, live);
    let mut taken = vec![false; live.users.len()];
    let mut unmatched = Vec::new();
    let mut duplicates = duplicates.into_iter().peekable();
    for (index, user) in desired.users.iter().enumerate() {
        if let Some(&(later, first)) = duplicates.peek()
            && later == index
        {
            duplicates.next();
            out.problems.push(EngineError::Contradiction {
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

    check_identities(desired, live, &matched, &mut out.problems);
    // The rows left as new users, by employee ID, checked against the kept users below.
    let unheld = &match_renames(
        desired,
        live,
        &unmatched,
        &mut matched,
        &mut taken,
        &mut out.problems,
    );

    // For a large file the second half of the users is compared on another thread, with its
    // own output (the lookup context is shared), appended as if compared here.
    let mid = if desired.users.len() >= threads.parallel_from {
        desired.users.len() / 2
    } else {
        desired.users.len()
    };
    let (first, second) = (&desired.users[..mid], &desired.users[mid..]);
    let (first_matched, second_matched) = matched.split_at(mid);
    std::thread::scope(|threads_scope| {
        let worker = if second.is_empty() {
            None
        } else {
            std::thread::Builder::new()
                .name("vsync-diff".into())
                .spawn_scoped(threads_scope, move || {
                    let scope = scope.clone();
                    let mut other = Output::default();
                    let mut differ = Differ::new(cx, &scope, &mut other);
                    for (i, (user, matched)) in second.iter().zip(second_matched).enumerate() {
                        differ.diff_user(mid + i, user, matched.map(|i| &live.users[i]));
                        if let Some(&l) = matched.as_ref().filter(|_| !unheld.is_empty())
                            && let Some(p) = second_account(desired, live, unheld, mid + i, l)
                        {
                            differ.out.problems.push(p);
                        }
                    }
                    other
                })
                .ok()
        };
        let mut differ = Differ::new(cx, scope, out);
        for (i, (user, matched)) in first.iter().zip(first_matched).enumerate() {
            differ.diff_user(i, user, matched.map(|i| &live.users[i]));
            if let Some(&l) = matched.as_ref().filter(|_| !unheld.is_empty())
                && let Some(p) = second_account(desired, live, unheld, i, l)
            {
                differ.out.problems.push(p);
            }
        }
        match worker {
            Some(handle) => {
                let other = handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                differ.out.append(other);
            }
            None => {
                for (i, (user, matched)) in second.iter().zip(second_matched).enumerate() {
                    differ.diff_user(mid + i, user, matched.map(|i| &live.users[i]));
                    if let Some(&l) = matched.as_ref().filter(|_| !unheld.is_empty())
                        && let Some(p) = second_account(desired, live, unheld, mid + i, l)
                    {
                        differ.out.problems.push(p);
                    }
                }
            }
        }
    });

    let mut differ = Differ::new(cx, scope, out);
    for (index, user) in live.users.iter().enumerate() {
        if threads.count_user_bases {
            let in_scope = scope.in_scope(&user.username);
            if in_scope {
                count_base(&mut differ.out.bases, &cx.groups_by_id, user);
            }
            if !taken[index] && in_scope {
                differ.deprovision(user);
            }
        } else if !taken[index] && scope.in_scope(&user.username) {
            differ.deprovision(user);
        }
    }
}

impl<'a> Differ<'a, '_> {
    /// Compares the desired user with index `index` with its live user, if any.
    fn diff_user(&mut self, index: usize, user: &'a DesiredUser, live: Option<&'a LiveUser>) {
        let source = &user.source;
        if !self.scope.in_scope(&user.username) {
            let message = if self.scope.tenant_ok {
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
        if let Some(live) = live.filter(|l| !self.scope.in_scope(&l.username)) {
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
            .scope
            .protection(&user.username, || user.key())
            .or_else(|| live.and_then(|l| self.scope.protection(&l.username, || l.key())));
        let start = self.out.changes.len();
        let skips_start = self.out.skips.len();
        match live {
            None => self.create_user(index, user),
            Some(live) => self.update_user(index, user, live),
        }
        if let Some(reason) = protection
            && self.out.changes.len() > start
        {
            self.out.changes.truncate(start);
            self.out.skips.truncate(skips_start);
            let message = match reason {
                SkipReason::SignedInAccount => "the account vsync signs in with is never changed",
                _ => "the user matches a protected pattern",
            };
            self.skip(&user.username, None, Some(source), reason, message.into());
        }
    }

    fn create_user(&mut self, index: usize, user: &'a DesiredUser) {
        let source = Some(&user.source);
        if !self.cx.policy.mode.creates() {
            self.skip(
                &user.username,
                None,
                source,
                SkipReason::ModeForbids,
                "the user does not exist and update-only mode creates nothing".into(),
            );
            return;
        }
        let given = |value: Option<&str>| {
            value
                .map(normalize_text)
                .filter(|v| !v.is_empty())
                .map(Edit::new)
        };
        let fields = UserFields {
            username: Some(Edit::new(normalize_text(&user.username))),
            display_name: given(user.display_name.as_deref()),
            employee_id: given(user.employee_id.as_deref()),
            email: given(user.email.as_deref()),
            account_enabled: user.account_enabled.map(Edit::new),
        };
        let key = user.key();
        self.push(
            &user.username,
            None,
            source,
            ChangeKind::CreateUser {
                user: key.clone(),
                fields,
            },
        );
        self.diff_relations((index, user), None, &|| UserRef::Key(key.clone()));
    }

    fn update_user(&mut self, index: usize, user: &'a DesiredUser, live: &'a LiveUser) {
        // Each field on its own, and the struct only for a change: nearly every user is
        // unchanged, and a million empty structs cost a measurable share of the diff.
        let username = (!keys_equal(&user.username, &live.username))
            .then(|| Edit::replace(Some(live.username.clone()), normalize_text(&user.username)));
        let display_name = text_change(user.display_name.as_deref(), live.display_name.as_deref());
        let employee_id = text_change(user.employee_id.as_deref(), live.employee_id.as_deref());
        let email = user
            .email
            .as_deref()
            .filter(|wanted| {
                !keys_equal(wanted, live.email.as_deref().unwrap_or(""))
                    && !normalize_text(wanted).is_empty()
            })
            .map(|wanted| Edit::replace(live.email.clone(), normalize_text(wanted)));
        let account_enabled = user
            .account_enabled
            .filter(|enabled| *enabled != live.account_enabled)
            .map(|enabled| Edit::replace(Some(live.account_enabled), enabled));
        if username.is_some()
            || display_name.is_some()
            || employee_id.is_some()
            || email.is_some()
            || account_enabled.is_some()
        {
            self.push(
                &user.username,
                None,
                Some(&user.source),
                ChangeKind::UpdateUser {
                    user: live.id.clone(),
                    fields: UserFields {
                        username,
                        display_name,
                        employee_id,
                        email,
                        account_enabled,
                    },
                },
            );
        }
        self.diff_relations((index, user), Some(live), &|| UserRef::Id(live.id.clone()));
    }

    fn diff_relations(
        &mut self,
        (index, user): (usize, &'a DesiredUser),
        live: Option<&'a LiveUser>,
        user_ref: &dyn Fn() -> UserRef,
    ) {
        let managed = self.cx.desired.managed;
        let mode = self.cx.policy.mode;
        let removes = mode.removes() && live.is_some();
        let source = &user.source;
        if managed.memberships {
            let mut wanted = std::mem::take(&mut self.out.scratch_groups);
            wanted.clear();
            let mut new_groups: Vec<&str> = Vec::new();
            let membership = |group, direction| ChangeKind::Membership {
                user: user_ref(),
                group,
                direction,
            };
            for name in &user.groups {
                let at = self.cx.at(Relation::Membership, index, name, source);
                match self.group_lookup(name) {
                    None => {}
                    Some(GroupTarget::Live(group)) if group.dynamic => self.skip(
                        &user.username,
                        Some(group.name.clone()),
                        Some(at.source),
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
                            self.push(
                                &user.username,
                                Some(group.name.clone()),
                                Some(at.source),
                                membership(GroupRef::Id(group.id.clone()), Direction::Add),
                            );
                        }
                    }
                    Some(GroupTarget::Declared(group)) if mode.creates() => {
                        if new_groups.contains(&group.name.as_str()) {
                            continue;
                        }
                        new_groups.push(group.name.as_str());
                        self.push(
                            &user.username,
                            Some(group.name.clone()),
                            Some(at.source),
                            membership(GroupRef::Name(group.name.clone()), Direction::Add),
                        );
                    }
                    Some(GroupTarget::Declared(group)) => self.skip(
                        &user.username,
                        Some(group.name.clone()),
                        Some(at.source),
                        SkipReason::ModeForbids,
                        "the group does not exist and update-only mode creates nothing".into(),
                    ),
                }
            }
            if removes && let Some(live) = live {
                for id in &live.groups {
                    if wanted.contains(&id)
                        || !self.cx.managed_groups.contains(id)
                        || self.cx.deleted_groups.contains(id)
                    {
                        continue;
                    }
                    let Some(group) = self.cx.groups_by_id.get(id).copied() else {
                        continue;
                    };
                    if group.dynamic {
                        continue;
                    }
                    self.push(
                        &user.username,
                        Some(group.name.clone()),
                        Some(source),
                        membership(GroupRef::Id(id.clone()), Direction::Remove),
                    );
                }
            }
            self.out.scratch_groups = wanted;
        }
        if managed.user_permissions {
            let mut wanted = std::mem::take(&mut self.out.scratch_permissions);
            wanted.clear();
            let assignment = |permission, direction| ChangeKind::UserPermission {
                user: user_ref(),
                permission,
                direction,
            };
            for name in &user.permissions {
                let at = self.cx.at(Relation::UserPermission, index, name, source);
                let Some(permission) = self.permission(name, at) else {
                    continue;
                };
                if wanted.contains(&&permission.id) {
                    continue; // two spellings of one name
                }
                wanted.push(&permission.id);
                if !live.is_some_and(|l| l.permissions.contains(&permission.id)) {
                    self.push(
                        &user.username,
                        Some(permission.name.clone()),
                        Some(at.source),
                        assignment(permission.id.clone(), Direction::Add),
                    );
                }
            }
            if removes && let Some(live) = live {
                for id in live.permissions.iter().filter(|id| !wanted.contains(id)) {
                    let name = self.cx.permission_name(id);
                    self.push(
                        &user.username,
                        Some(name),
                        Some(source),
                        assignment(id.clone(), Direction::Remove),
                    );
                }
            }
            self.out.scratch_permissions = wanted;
        }
        if managed.profiles {
            let mut wanted = std::mem::take(&mut self.out.scratch_profiles);
            wanted.clear();
            let assignment = |profile, direction| ChangeKind::Profile {
                user: user_ref(),
                profile,
                direction,
            };
            for name in &user.profiles {
                let at = self.cx.at(Relation::UserProfile, index, name, source);
                let Some(profile) = self.profile(name, at) else {
                    continue;
                };
                if wanted.contains(&&profile.id) {
                    continue; // two spellings of one name
                }
                wanted.push(&profile.id);
                if !live.is_some_and(|l| l.profiles.contains(&profile.id)) {
                    self.push(
                        &user.username,
                        Some(profile.name.clone()),
                        Some(at.source),
                        assignment(profile.id.clone(), Direction::Add),
                    );
                }
            }
            if removes && let Some(live) = live {
                for id in live.profiles.iter().filter(|id| !wanted.contains(id)) {
                    let name = self.cx.profile_name(id);
                    self.push(
                        &user.username,
                        Some(name),
                        Some(source),
                        assignment(id.clone(), Direction::Remove),
                    );
                }
            }
            self.out.scratch_profiles = wanted;
        }
    }

    /// An in-scope live user the file does not list (mirror mode only).
    fn deprovision(&mut self, user: &'a LiveUser) {
        let policy = self.cx.policy;
        if policy.mode != Mode::Mirror {
            return;
        }
        // `Some(true)`: delete; `Some(false)`: disable.
        let delete = match policy.deprovision {
            Deprovision::Disable => user.account_enabled.then_some(false),
            Deprovision::Delete => Some(true),
            Deprovision::DeleteAfterDisabledDays(_) if user.account_enabled => Some(false),
            Deprovision::DeleteAfterDisabledDays(days) => {
                let due = user
                    .disabled_since_ms
                    .map(|since| since.saturating_add(i64::from(days) * DAY_MS));
                if due.is_some_and(|due| due <= policy.now_ms) {
                    Some(true)
                } else {
                    let message = match user.disabled_since_ms {
                        Some(since) => format!(
                            "disabled {} day(s) ago; deleted once disabled for {days}",
                            (policy.now_ms - since).max(0) / DAY_MS
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
        let Some(delete) = delete else { return };
        if let Some(reason) = self.scope.protection(&user.username, || user.key()) {
            let message = match reason {
                SkipReason::SignedInAccount => {
                    "absent from the file, but the account vsync signs in with is never removed"
                }
                _ => "absent from the file, but the user matches a protected pattern",
            };
            self.skip(&user.username, None, None, reason, message.into());
            return;
        }
        let user_id = user.id.clone();
        let kind = if delete {
            ChangeKind::DeleteUser { user: user_id }
        } else {
            ChangeKind::DisableUser { user: user_id }
        };
        self.push(&user.username, None, None, kind);
    }
}
