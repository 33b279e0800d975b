//! [`plan`]: a change set as an ordered list of API calls, as few as the limits allow.
//!
//! # Phases
//!
//! Calls run phase by phase, in [`PhaseKind`] order; calls within a phase are independent.
//! Phases 3 and 4 touch different groups (new ones, existing ones) and run as one stage
//! ([`PhaseKind::stage`]).
//!
//! 1. [`CreateUsers`](PhaseKind::CreateUsers): `POST /v2/admin/users`, `⌈creates/U⌉` calls.
//! 2. [`UpdateUsers`](PhaseKind::UpdateUsers): `PUT /v2/admin/users`, `⌈(updates + renames +
//!    disables)/U⌉` calls. A rename and a deprovisioning disable are v2 updates too, so they
//!    share batches with the other updates rather than taking a late phase of their own (a
//!    disable is reversible, and nothing later depends on it).
//! 3. [`CreateGroups`](PhaseKind::CreateGroups): `POST /v2/admin/user-groups`, `⌈creates/G⌉`
//!    calls. Groups are created **after** users so that a new group's POST carries its
//!    description, permissions and up to `C` members, new users included: a group is created
//!    and filled in one call. Users never reference groups when created, so nothing forces the
//!    other order. Members beyond `C` go to phase 5.
//! 4. [`PatchGroups`](PhaseKind::PatchGroups): `PATCH /v2/admin/user-groups`, `⌈patched/G⌉`
//!    calls. A description change needs a PATCH; the group's permission and member changes
//!    then ride along in the same PATCH (`permissionIds` and `users.manuallyIncludedIds`
//!    replace the lists, so the plan sends the whole lists, computed from the change set's
//!    [`GroupBaseline`](crate::GroupBaseline)s). See *Endpoint choice* below.
//! 5. [`AddMembers`](PhaseKind::AddMembers): `PUT /v1/admin/user-groups/users`,
//!    `wrap(⌈adds_g/M⌉, G)` calls (several groups per call, `M` users per group per call).
//! 6. [`AssignUserPermissions`](PhaseKind::AssignUserPermissions): `PUT
//!    /v1/admin/permissions/users`, `wrap(⌈users_p/Q⌉, P)` calls.
//! 7. [`AssignGroupPermissions`](PhaseKind::AssignGroupPermissions): `PUT
//!    /v1/admin/user-groups/permissions`, `⌈groups/G⌉` calls (one slot per group: a group
//!    grants at most 250 permissions, all sent at once).
//! 8. [`AssignProfiles`](PhaseKind::AssignProfiles): `PUT /v1/admin/profiles/{id}/assign`,
//!    `Σ ⌈users_p/R⌉` calls (one profile per call).
//! 9. [`RemoveProfiles`](PhaseKind::RemoveProfiles): `DELETE /v1/admin/profiles/{id}/remove`,
//!    `Σ ⌈users_p/R⌉`.
//! 10. [`RevokeUserPermissions`](PhaseKind::RevokeUserPermissions): `DELETE
//!     /v1/admin/permissions/users`, `wrap(⌈users_p/Q⌉, P)`.
//! 11. [`RevokeGroupPermissions`](PhaseKind::RevokeGroupPermissions): `DELETE
//!     /v1/admin/user-groups/permissions`, `⌈groups/G⌉`.
//! 12. [`RemoveMembers`](PhaseKind::RemoveMembers): `DELETE /v1/admin/user-groups/users`,
//!     `wrap(⌈removes_g/M⌉, G)`.
//! 13. [`DeleteUsers`](PhaseKind::DeleteUsers): `DELETE /v2/admin/users`, `⌈deletes/U⌉`.
//! 14. [`DeleteGroups`](PhaseKind::DeleteGroups): `DELETE /v2/admin/user-groups`,
//!     `⌈deletes/G⌉`.
//!
//! Adds and assignments come before revocations and removals, and deletions come last, so a
//! run cut short leaves users with too much access for a moment rather than locked out, and a
//! failure stops before the irreversible steps. Users and groups created in this run are
//! referenced as [`UserRef::Key`] and [`GroupRef::Name`]; the executor fills in the IDs the
//! creates returned.
//!
//! # Endpoint choice for existing groups
//!
//! A group's member and permission changes can go through the v1 calls (incremental; a
//! group with `n` member adds takes `⌈n/M⌉` slots of the add calls) or through one v2 PATCH
//! slot that replaces the lists (only when the resulting member list has at most `C` IDs).
//! The plan prices two strategies with the formulas above and takes the cheaper, the v1
//! calls on a tie (they cannot undo a concurrent edit of a member list):
//!
//! - *incremental*: PATCH only the groups whose description changes, folding those groups'
//!   other changes into their PATCH; everything else through v1 calls;
//! - *patch*: one PATCH slot per changed group; v1 membership calls only for groups whose
//!   list would exceed `C`.
//!
//! The lower bound ([`Plan::lower_bound`]) is the sum of the per-phase formulas under the
//! chosen strategy, computed from the change set's counts, and the batching reaches it. It is
//! the minimum over these two strategies, not over every mix of endpoints per group.

mod types;

use std::collections::{HashMap, HashSet};

use vsync_model::{PermissionId, ProfileId, UserGroupId, UserId};

pub use types::{
    Call, CallBody, CallId, Entry, GroupPatch, Item, NewGroup, NewUser, PLAN_VERSION, Phase,
    PhaseKind, Plan, Relation, RelationEntries, UserUpdate,
};

use crate::bounds::{self, Counts, GroupCounts, Placement, Strategy, placement};
use crate::change::{
    Change, ChangeId, ChangeKind, ChangeSet, Direction, Edit, GroupBaseline, GroupRef, UserFields,
    UserRef,
};
use crate::limits::BatchLimits;

/// Turns a change set into a plan that respects `limits` with the fewest calls (see the module
/// docs for the phases and endpoint choices).
pub fn plan(changes: &ChangeSet, limits: &BatchLimits) -> Plan {
    let limits = limits.sane();
    let (strategy, bounds) = bounds::bounds(&Counts::of(changes, &limits), &limits);
    let mut builder = Builder::new(changes, limits, strategy);
    let mut phases = Vec::new();
    let mut next_call = 1u32;
    for (kind, lower_bound) in bounds {
        let operations = builder.phase(kind);
        if operations.is_empty() && lower_bound == 0 {
            continue;
        }
        let calls = operations
            .into_iter()
            .enumerate()
            .map(|(batch, operation)| {
                let call = Call {
                    id: CallId(next_call),
                    batch: batch as u32 + 1,
                    body: operation,
                };
                next_call += 1;
                call
            })
            .collect();
        phases.push(Phase {
            kind,
            lower_bound,
            calls,
        });
    }
    Plan {
        version: PLAN_VERSION,
        fingerprint: changes.fingerprint.clone(),
        limits,
        lower_bound: phases.iter().map(|p| p.lower_bound).sum(),
        phases,
        changes: changes.changes.clone(),
        withheld: changes.withheld.clone(),
        skips: changes.skips.clone(),
        guards: changes.guards.clone(),
    }
}

/// A list keyed by first appearance.
struct Keyed<K, V> {
    index: HashMap<K, usize>,
    entries: Vec<(K, V)>,
}

impl<K: std::hash::Hash + Eq + Clone, V: Default> Keyed<K, V> {
    fn new() -> Self {
        Self {
            index: HashMap::new(),
            entries: Vec::new(),
        }
    }

    fn get(&mut self, key: &K) -> &mut V {
        let index = *self.index.entry(key.clone()).or_insert_with(|| {
            self.entries.push((key.clone(), V::default()));
            self.entries.len() - 1
        });
        &mut self.entries[index].1
    }
}

#[derive(Default)]
struct NewGroupWork {
    /// The create change and the description it sets.
    create: Option<(ChangeId, Option<String>)>,
    permissions: Vec<Item<PermissionId>>,
    members: Vec<Item<UserRef>>,
}

#[derive(Default)]
struct GroupWork<'c> {
    /// The description change and the new description.
    description: Option<(ChangeId, &'c str)>,
    permission_adds: Vec<Item<PermissionId>>,
    permission_removes: Vec<Item<PermissionId>>,
    member_adds: Vec<Item<UserRef>>,
    member_removes: Vec<Item<UserRef>>,
}

impl<K, V> Default for Keyed<K, V> {
    fn default() -> Self {
        Self {
            index: HashMap::new(),
            entries: Vec::new(),
        }
    }
}

/// Users related to one permission or profile, per direction.
struct ByDirection<K> {
    add: Keyed<K, Vec<Item<UserRef>>>,
    remove: Keyed<K, Vec<Item<UserRef>>>,
}

impl<K> Default for ByDirection<K> {
    fn default() -> Self {
        Self {
            add: Keyed::default(),
            remove: Keyed::default(),
        }
    }
}

impl<K: std::hash::Hash + Eq + Clone> ByDirection<K> {
    fn get(&mut self, direction: Direction) -> &mut Keyed<K, Vec<Item<UserRef>>> {
        match direction {
            Direction::Add => &mut self.add,
            Direction::Remove => &mut self.remove,
        }
    }
}

struct Builder<'c> {
    limits: BatchLimits,
    baselines: HashMap<&'c UserGroupId, &'c GroupBaseline>,
    user_creates: Vec<NewUser>,
    user_updates: Vec<UserUpdate>,
    user_deletes: Vec<Item<UserId>>,
    group_deletes: Vec<Item<UserGroupId>>,
    new_groups: Keyed<String, NewGroupWork>,
    groups: Keyed<UserGroupId, GroupWork<'c>>,
    user_permissions: ByDirection<PermissionId>,
    profiles: ByDirection<ProfileId>,
    /// Where each existing group's changes go, decided once all changes are known (the lists
    /// are taken phase by phase, so the counts cannot be recomputed later).
    placements: Vec<Placement>,
}

impl<'c> Builder<'c> {
    fn new(set: &'c ChangeSet, limits: BatchLimits, strategy: Strategy) -> Self {
        let mut builder = Self {
            limits,
            baselines: set.baselines.iter().map(|b| (&b.group, b)).collect(),
            user_creates: Vec::new(),
            user_updates: Vec::new(),
            user_deletes: Vec::new(),
            group_deletes: Vec::new(),
            new_groups: Keyed::new(),
            groups: Keyed::new(),
            user_permissions: ByDirection::default(),
            profiles: ByDirection::default(),
            placements: Vec::new(),
        };
        for change in &set.changes {
            builder.add(change);
        }
        builder.placements = builder
            .groups
            .entries
            .iter()
            .map(|(id, work)| placement(&builder.counts(id, work), strategy))
            .collect();
        builder
    }

    fn add(&mut self, change: &'c Change) {
        match &change.kind {
            ChangeKind::CreateUser { user, fields } => self.user_creates.push(NewUser {
                key: user.clone(),
                username: fields
                    .username
                    .as_ref()
                    .map_or_else(|| change.key.clone(), |e| e.after.clone()),
                display_name: after(fields.display_name.as_ref()),
                employee_id: after(fields.employee_id.as_ref()),
                email: after(fields.email.as_ref()),
                account_enabled: fields.account_enabled.as_ref().map(|e| e.after),
                change: change.id,
            }),
            ChangeKind::UpdateUser { user, fields } => {
                self.user_updates.push(user_update(user, fields, change.id));
            }
            ChangeKind::DisableUser { user } => {
                let fields = UserFields {
                    account_enabled: Some(Edit::replace(Some(true), false)),
                    ..UserFields::default()
                };
                self.user_updates
                    .push(user_update(user, &fields, change.id));
            }
            ChangeKind::DeleteUser { user } => self.user_deletes.push(Item {
                value: user.clone(),
                change: change.id,
            }),
            ChangeKind::CreateGroup { name, description } => {
                self.new_groups.get(name).create = Some((change.id, description.clone()));
            }
            ChangeKind::UpdateGroup { group, description } => {
                self.groups.get(group).description = Some((change.id, &description.after));
            }
            ChangeKind::DeleteGroup { group } => self.group_deletes.push(Item {
                value: group.clone(),
                change: change.id,
            }),
            ChangeKind::Membership {
                user,
                group,
                direction,
            } => {
                let user = Item {
                    value: user.clone(),
                    change: change.id,
                };
                match (group, direction) {
                    (GroupRef::Name(name), Direction::Add) => {
                        self.new_groups.get(name).members.push(user);
                    }
                    (GroupRef::Id(id), Direction::Add) => {
                        self.groups.get(id).member_adds.push(user);
                    }
                    (GroupRef::Id(id), Direction::Remove) => {
                        self.groups.get(id).member_removes.push(user);
                    }
                    (GroupRef::Name(_), Direction::Remove) => {}
                }
            }
            ChangeKind::GroupPermission {
                group,
                permission,
                direction,
            } => {
                let permission = Item {
                    value: permission.clone(),
                    change: change.id,
                };
                match (group, direction) {
                    (GroupRef::Name(name), Direction::Add) => {
                        self.new_groups.get(name).permissions.push(permission);
                    }
                    (GroupRef::Id(id), Direction::Add) => {
                        self.groups.get(id).permission_adds.push(permission);
                    }
                    (GroupRef::Id(id), Direction::Remove) => {
                        self.groups.get(id).permission_removes.push(permission);
                    }
                    (GroupRef::Name(_), Direction::Remove) => {}
                }
            }
            ChangeKind::UserPermission {
                user,
                permission,
                direction,
            } => self
                .user_permissions
                .get(*direction)
                .get(permission)
                .push(Item {
                    value: user.clone(),
                    change: change.id,
                }),
            ChangeKind::Profile {
                user,
                profile,
                direction,
            } => self.profiles.get(*direction).get(profile).push(Item {
                value: user.clone(),
                change: change.id,
            }),
        }
    }

    fn counts(&self, id: &UserGroupId, work: &GroupWork<'_>) -> GroupCounts {
        let (members, dynamic) = self
            .baselines
            .get(id)
            .map_or((usize::MAX, true), |b| (b.members.len(), b.dynamic));
        GroupCounts {
            description: work.description.is_some(),
            permission_adds: work.permission_adds.len(),
            permission_removes: work.permission_removes.len(),
            member_adds: work.member_adds.len(),
            member_removes: work.member_removes.len(),
            patchable: !dynamic
                && members
                    .saturating_add(work.member_adds.len())
                    .saturating_sub(work.member_removes.len())
                    <= self.limits.members_per_group,
        }
    }

    fn phase(&mut self, kind: PhaseKind) -> Vec<CallBody> {
        let l = self.limits;
        match kind {
            PhaseKind::CreateUsers => {
                chunks(std::mem::take(&mut self.user_creates), l.users_per_call)
                    .map(|users| CallBody::CreateUsers { users })
                    .collect()
            }
            PhaseKind::UpdateUsers => {
                chunks(std::mem::take(&mut self.user_updates), l.users_per_call)
                    .map(|users| CallBody::UpdateUsers { users })
                    .collect()
            }
            PhaseKind::DeleteUsers => {
                chunks(std::mem::take(&mut self.user_deletes), l.users_per_call)
                    .map(|users| CallBody::DeleteUsers { users })
                    .collect()
            }
            PhaseKind::DeleteGroups => {
                chunks(std::mem::take(&mut self.group_deletes), l.groups_per_call)
                    .map(|groups| CallBody::DeleteGroups { groups })
                    .collect()
            }
            PhaseKind::CreateGroups => self.create_groups(),
            PhaseKind::PatchGroups => self.patch_groups(),
            PhaseKind::AddMembers | PhaseKind::RemoveMembers => {
                let direction = if kind == PhaseKind::AddMembers {
                    Direction::Add
                } else {
                    Direction::Remove
                };
                let mut entries = Vec::new();
                if direction == Direction::Add {
                    // Members of new groups beyond what their create carried.
                    for (name, work) in &mut self.new_groups.entries {
                        if !work.members.is_empty() {
                            entries.push((
                                GroupRef::Name(name.clone()),
                                std::mem::take(&mut work.members),
                            ));
                        }
                    }
                }
                for (index, (id, work)) in self.groups.entries.iter_mut().enumerate() {
                    let list = match direction {
                        Direction::Add => &mut work.member_adds,
                        Direction::Remove => &mut work.member_removes,
                    };
                    if !self.placements[index].members_in_patch && !list.is_empty() {
                        entries.push((GroupRef::Id(id.clone()), std::mem::take(list)));
                    }
                }
                wrap_batches(entries, l.user_ids_per_group_per_call, l.groups_per_call)
                    .into_iter()
                    .map(|batch| relate(direction, RelationEntries::Membership(entries_of(batch))))
                    .collect()
            }
            PhaseKind::AssignGroupPermissions | PhaseKind::RevokeGroupPermissions => {
                let direction = if kind == PhaseKind::AssignGroupPermissions {
                    Direction::Add
                } else {
                    Direction::Remove
                };
                let mut entries = Vec::new();
                for (index, (id, work)) in self.groups.entries.iter_mut().enumerate() {
                    if self.placements[index].permissions_in_patch {
                        continue;
                    }
                    let list = std::mem::take(match direction {
                        Direction::Add => &mut work.permission_adds,
                        Direction::Remove => &mut work.permission_removes,
                    });
                    if !list.is_empty() {
                        entries.push(Entry {
                            target: id.clone(),
                            items: list,
                        });
                    }
                }
                chunks(entries, l.groups_per_call)
                    .map(|batch| relate(direction, RelationEntries::GroupPermission(batch)))
                    .collect()
            }
            PhaseKind::AssignUserPermissions | PhaseKind::RevokeUserPermissions => {
                let direction = if kind == PhaseKind::AssignUserPermissions {
                    Direction::Add
                } else {
                    Direction::Remove
                };
                let entries = std::mem::take(&mut self.user_permissions.get(direction).entries);
                wrap_batches(
                    entries,
                    l.user_ids_per_permission_per_call,
                    l.permissions_per_call,
                )
                .into_iter()
                .map(|batch| {
                    relate(
                        direction,
                        RelationEntries::UserPermission(entries_of(batch)),
                    )
                })
                .collect()
            }
            PhaseKind::AssignProfiles | PhaseKind::RemoveProfiles => {
                let direction = if kind == PhaseKind::AssignProfiles {
                    Direction::Add
                } else {
                    Direction::Remove
                };
                let mut calls = Vec::new();
                for (profile, users) in std::mem::take(&mut self.profiles.get(direction).entries) {
                    for items in chunks(users, l.user_ids_per_profile_per_call) {
                        let entry = Entry {
                            target: profile.clone(),
                            items,
                        };
                        calls.push(relate(direction, RelationEntries::Profile(vec![entry])));
                    }
                }
                calls
            }
        }
    }

    fn create_groups(&mut self) -> Vec<CallBody> {
        let cap = self.limits.members_per_group;
        let mut groups = Vec::new();
        for (name, work) in &mut self.new_groups.entries {
            let Some((change, description)) = work.create.take() else {
                continue;
            };
            let take = work.members.len().min(cap);
            let rest = work.members.split_off(take);
            let members = std::mem::replace(&mut work.members, rest);
            groups.push(NewGroup {
                name: name.clone(),
                description,
                permissions: std::mem::take(&mut work.permissions),
                members,
                change,
            });
        }
        // Members beyond the cap stay in `work.members` for the add phase, which runs later.
        chunks(groups, self.limits.groups_per_call)
            .map(|groups| CallBody::CreateGroups { groups })
            .collect()
    }

    fn patch_groups(&mut self) -> Vec<CallBody> {
        let mut patches = Vec::new();
        for index in 0..self.groups.entries.len() {
            let place = self.placements[index];
            if !place.patch {
                continue;
            }
            let id = self.groups.entries[index].0.clone();
            let baseline = self.baselines.get(&id).copied();
            let work = &mut self.groups.entries[index].1;
            let mut changes = Vec::new();
            let description = work.description.map(|(change, text)| {
                changes.push(change);
                text.to_owned()
            });
            let permissions = place.permissions_in_patch.then(|| {
                let adds = std::mem::take(&mut work.permission_adds);
                let removes = std::mem::take(&mut work.permission_removes);
                let removed: HashSet<&PermissionId> = removes.iter().map(|p| &p.value).collect();
                let mut list: Vec<PermissionId> = baseline
                    .map(|b| {
                        b.permissions
                            .iter()
                            .filter(|p| !removed.contains(p))
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                list.extend(adds.iter().map(|p| p.value.clone()));
                changes.extend(adds.iter().chain(&removes).map(|p| p.change));
                list
            });
            let members = place.members_in_patch.then(|| {
                let adds = std::mem::take(&mut work.member_adds);
                let removes = std::mem::take(&mut work.member_removes);
                let removed: HashSet<&UserId> = removes
                    .iter()
                    .filter_map(|u| match &u.value {
                        UserRef::Id(id) => Some(id),
                        UserRef::Key(_) => None,
                    })
                    .collect();
                let mut list: Vec<UserRef> = baseline
                    .map(|b| {
                        b.members
                            .iter()
                            .filter(|m| !removed.contains(m))
                            .map(|m| UserRef::Id(m.clone()))
                            .collect()
                    })
                    .unwrap_or_default();
                list.extend(adds.iter().map(|u| u.value.clone()));
                changes.extend(adds.iter().chain(&removes).map(|u| u.change));
                list
            });
            changes.sort_unstable();
            patches.push(GroupPatch {
                group: id,
                description,
                permissions,
                members,
                changes,
            });
        }
        chunks(patches, self.limits.groups_per_call)
            .map(|groups| CallBody::PatchGroups { groups })
            .collect()
    }
}

fn after(edit: Option<&Edit<String>>) -> Option<String> {
    edit.map(|e| e.after.clone())
}

fn user_update(user: &UserId, fields: &UserFields, change: ChangeId) -> UserUpdate {
    UserUpdate {
        user: user.clone(),
        username: after(fields.username.as_ref()),
        display_name: after(fields.display_name.as_ref()),
        employee_id: after(fields.employee_id.as_ref()),
        email: after(fields.email.as_ref()),
        account_enabled: fields.account_enabled.as_ref().map(|e| e.after),
        change,
    }
}

fn relate(direction: Direction, entries: RelationEntries) -> CallBody {
    CallBody::Relate { direction, entries }
}

fn entries_of<K, T>(batch: Vec<(K, Vec<Item<T>>)>) -> Vec<Entry<K, T>> {
    batch
        .into_iter()
        .map(|(target, items)| Entry { target, items })
        .collect()
}

/// Consecutive chunks of at most `size` items, each item moved once (splitting the rest off
/// the front chunk by chunk moved it once per chunk: quadratic in an initial load).
fn chunks<T>(items: Vec<T>, size: usize) -> impl Iterator<Item = Vec<T>> {
    let size = size.max(1);
    let mut rest = items.into_iter();
    std::iter::from_fn(move || {
        let chunk: Vec<T> = rest.by_ref().take(size).collect();
        (!chunk.is_empty()).then_some(chunk)
    })
}

/// McNaughton's wrap-around: entries split into slots of at most `per_slot` items, slot `i` to
/// call `i mod calls`, with `calls = max(longest entry's slots, ⌈slots / per_call⌉)`. An
/// entry's slots land in distinct calls; no call holds more than `per_call` slots.
fn wrap_batches<K: Clone, T>(
    entries: Vec<(K, Vec<T>)>,
    per_slot: usize,
    per_call: usize,
) -> Vec<Vec<(K, Vec<T>)>> {
    let mut slots = Vec::new();
    let mut longest = 0;
    for (key, items) in entries {
        let before = slots.len();
        slots.extend(chunks(items, per_slot).map(|chunk| (key.clone(), chunk)));
        longest = longest.max(slots.len() - before);
    }
    if slots.is_empty() {
        return Vec::new();
    }
    let calls = longest.max(slots.len().div_ceil(per_call.max(1)));
    let mut out: Vec<Vec<(K, Vec<T>)>> = (0..calls).map(|_| Vec::new()).collect();
    for (index, slot) in slots.into_iter().enumerate() {
        out[index % calls].push(slot);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_batches_keeps_an_entrys_slots_in_distinct_calls() {
        let entries = vec![
            ("a", vec![1, 2, 3, 4, 5]),
            ("b", vec![6]),
            ("c", vec![7, 8]),
        ];
        let calls = wrap_batches(entries, 2, 2);
        assert_eq!(calls.len(), 3);
        for call in &calls {
            assert!(call.len() <= 2);
            let mut keys: Vec<_> = call.iter().map(|(k, _)| *k).collect();
            keys.dedup();
            assert_eq!(keys.len(), call.len());
        }
    }

    #[test]
    fn chunks_split_evenly_from_the_front() {
        let parts: Vec<Vec<u8>> = chunks(vec![1, 2, 3, 4, 5], 2).collect();
        assert_eq!(parts, vec![vec![1, 2], vec![3, 4], vec![5]]);
    }
}
