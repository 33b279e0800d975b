//! The lower bound: the fewest calls the documented limits allow for a change set, computed
//! from counts with a closed formula per phase, independently of the batching in
//! [`plan`](crate::plan()).
//!
//! This bound is of the writes. A run's whole bound, which its report's headline compares the
//! calls it used with, adds one sign-in, the pages of the read it planned from (the
//! executor's `FetchOptions::call_count`, for the lists its `ReadScope` names) and its draft
//! project's calls (a create and a `commitAndPublish`); a resumed apply counts the bound of
//! what it had left.
//!
//! Notation: `U` users per v2 call, `G` groups per group call, `M` user IDs per group per v1
//! membership call, `P` permissions per v1 permission call, `Q` user IDs per permission per
//! call, `R` user IDs per profile call, `C` members per group in a v2 create or PATCH.
//!
//! Several endpoints take a list of entries (groups, permissions), each with at most `k` items
//! per call. An entry with `n` items needs `⌈n/k⌉` *slots*, in distinct calls; a call holds at
//! most `E` slots. The fewest calls are `wrap(slots, E) = max(max slots, ⌈Σ slots / E⌉)`, and
//! McNaughton's wrap-around rule reaches it: lay the slots out entry by entry and give slot
//! `i` to call `i mod calls`.

use std::collections::HashMap;

use vsync_model::UserGroupId;

use crate::change::{ChangeKind, ChangeSet, Direction, GroupRef};
use crate::limits::BatchLimits;
use crate::plan::PhaseKind;

/// How changes to existing groups are spread over the v2 PATCH and the v1 calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Strategy {
    /// v1 calls for permissions and memberships, except for groups that need a PATCH anyway
    /// (a description change): those carry all their changes in that PATCH.
    Incremental,
    /// One PATCH per changed group, carrying description, permission list and member list;
    /// v1 membership calls only for groups whose member list would exceed `C`.
    Patch,
}

/// What a group's changes look like, for choosing endpoints.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GroupCounts {
    pub description: bool,
    pub permission_adds: usize,
    pub permission_removes: usize,
    pub member_adds: usize,
    pub member_removes: usize,
    /// The member list after the run fits one v2 call (and the members are manual).
    pub patchable: bool,
}

/// Where a group's changes go under a strategy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Placement {
    pub patch: bool,
    pub permissions_in_patch: bool,
    pub members_in_patch: bool,
}

pub(crate) fn placement(group: &GroupCounts, strategy: Strategy) -> Placement {
    let has_permissions = group.permission_adds + group.permission_removes > 0;
    let has_members = group.member_adds + group.member_removes > 0;
    match strategy {
        Strategy::Incremental => Placement {
            patch: group.description,
            permissions_in_patch: group.description && has_permissions,
            members_in_patch: group.description && has_members && group.patchable,
        },
        Strategy::Patch => {
            let members_in_patch = has_members && group.patchable;
            Placement {
                patch: group.description || has_permissions || members_in_patch,
                permissions_in_patch: has_permissions,
                members_in_patch,
            }
        }
    }
}

/// The counts the formulas need.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    pub user_creates: usize,
    pub user_updates: usize,
    pub user_deletes: usize,
    pub group_creates: usize,
    pub group_deletes: usize,
    /// Per created group: members beyond `C`, which go to v1 membership calls.
    pub new_group_overflow: Vec<usize>,
    pub groups: Vec<GroupCounts>,
    pub permission_assigns: Vec<usize>,
    pub permission_revokes: Vec<usize>,
    pub profile_assigns: Vec<usize>,
    pub profile_removes: Vec<usize>,
}

impl Counts {
    pub(crate) fn of(changes: &ChangeSet, limits: &BatchLimits) -> Self {
        let mut counts = Self::default();
        let mut new_groups: HashMap<&str, usize> = HashMap::new();
        let mut groups: HashMap<&UserGroupId, GroupCounts> = HashMap::new();
        // (user permission or profile, direction, ID) -> users.
        let mut assigns: HashMap<(bool, Direction, &str), usize> = HashMap::new();
        for change in &changes.changes {
            match &change.kind {
                ChangeKind::CreateUser { .. } => counts.user_creates += 1,
                ChangeKind::UpdateUser { .. } | ChangeKind::DisableUser { .. } => {
                    counts.user_updates += 1;
                }
                ChangeKind::DeleteUser { .. } => counts.user_deletes += 1,
                ChangeKind::CreateGroup { .. } => counts.group_creates += 1,
                ChangeKind::DeleteGroup { .. } => counts.group_deletes += 1,
                ChangeKind::UpdateGroup { group, .. } => {
                    groups.entry(group).or_default().description = true;
                }
                ChangeKind::Membership {
                    group, direction, ..
                } => match (group, direction) {
                    (GroupRef::Name(name), Direction::Add) => {
                        *new_groups.entry(name).or_default() += 1;
                    }
                    (GroupRef::Id(id), Direction::Add) => {
                        groups.entry(id).or_default().member_adds += 1;
                    }
                    (GroupRef::Id(id), Direction::Remove) => {
                        groups.entry(id).or_default().member_removes += 1;
                    }
                    (GroupRef::Name(_), Direction::Remove) => {}
                },
                ChangeKind::GroupPermission {
                    group: GroupRef::Id(id),
                    direction,
                    ..
                } => match direction {
                    Direction::Add => groups.entry(id).or_default().permission_adds += 1,
                    Direction::Remove => groups.entry(id).or_default().permission_removes += 1,
                },
                ChangeKind::GroupPermission { .. } => {}
                ChangeKind::UserPermission {
                    permission,
                    direction,
                    ..
                } => {
                    *assigns
                        .entry((true, *direction, permission.as_str()))
                        .or_default() += 1;
                }
                ChangeKind::Profile {
                    profile, direction, ..
                } => {
                    *assigns
                        .entry((false, *direction, profile.as_str()))
                        .or_default() += 1;
                }
            }
        }
        let baselines: HashMap<&UserGroupId, (usize, bool)> = changes
            .baselines
            .iter()
            .map(|b| (&b.group, (b.members.len(), b.dynamic)))
            .collect();
        for (id, mut group) in groups {
            let (members, dynamic) = baselines.get(id).copied().unwrap_or((usize::MAX, true));
            group.patchable = !dynamic
                && members
                    .saturating_add(group.member_adds)
                    .saturating_sub(group.member_removes)
                    <= limits.members_per_group;
            counts.groups.push(group);
        }
        counts.new_group_overflow = new_groups
            .into_values()
            .map(|n| n.saturating_sub(limits.members_per_group))
            .collect();
        for ((permission, direction, _), n) in assigns {
            let list = match (permission, direction) {
                (true, Direction::Add) => &mut counts.permission_assigns,
                (true, Direction::Remove) => &mut counts.permission_revokes,
                (false, Direction::Add) => &mut counts.profile_assigns,
                (false, Direction::Remove) => &mut counts.profile_removes,
            };
            list.push(n);
        }
        counts
    }
}

/// `⌈n / k⌉`.
pub(crate) fn calls(n: usize, k: usize) -> usize {
    n.div_ceil(k.max(1))
}

/// The fewest calls for entries needing `slots` each, at most `per_call` slots per call.
pub(crate) fn wrap(slots: impl IntoIterator<Item = usize>, per_call: usize) -> usize {
    let (max, sum) = slots
        .into_iter()
        .fold((0, 0), |(max, sum), s| (usize::max(max, s), sum + s));
    if sum == 0 {
        0
    } else {
        max.max(calls(sum, per_call))
    }
}

/// The per-phase lower bounds under the cheaper strategy, and that strategy.
pub(crate) fn bounds(counts: &Counts, limits: &BatchLimits) -> (Strategy, Vec<(PhaseKind, usize)>) {
    let limits = limits.sane();
    let incremental = group_phases(counts, &limits, Strategy::Incremental);
    let patch = group_phases(counts, &limits, Strategy::Patch);
    let total = |phases: &[(PhaseKind, usize)]| phases.iter().map(|(_, n)| n).sum::<usize>();
    // Ties go to the incremental calls: they cannot undo a concurrent edit of a member list.
    let (strategy, group_bounds) = if total(&patch) < total(&incremental) {
        (Strategy::Patch, patch)
    } else {
        (Strategy::Incremental, incremental)
    };
    let (u, g) = (limits.users_per_call, limits.groups_per_call);
    let q = limits.user_ids_per_permission_per_call;
    let r = limits.user_ids_per_profile_per_call;
    let mut phases = vec![
        (PhaseKind::CreateUsers, calls(counts.user_creates, u)),
        (PhaseKind::UpdateUsers, calls(counts.user_updates, u)),
        (PhaseKind::CreateGroups, calls(counts.group_creates, g)),
        (
            PhaseKind::AssignUserPermissions,
            wrap(
                counts.permission_assigns.iter().map(|&n| calls(n, q)),
                limits.permissions_per_call,
            ),
        ),
        (
            PhaseKind::AssignProfiles,
            counts.profile_assigns.iter().map(|&n| calls(n, r)).sum(),
        ),
        (
            PhaseKind::RemoveProfiles,
            counts.profile_removes.iter().map(|&n| calls(n, r)).sum(),
        ),
        (
            PhaseKind::RevokeUserPermissions,
            wrap(
                counts.permission_revokes.iter().map(|&n| calls(n, q)),
                limits.permissions_per_call,
            ),
        ),
        (PhaseKind::DeleteUsers, calls(counts.user_deletes, u)),
        (PhaseKind::DeleteGroups, calls(counts.group_deletes, g)),
    ];
    phases.extend(group_bounds);
    phases.sort_by_key(|(kind, _)| *kind);
    (strategy, phases)
}

fn group_phases(
    counts: &Counts,
    limits: &BatchLimits,
    strategy: Strategy,
) -> Vec<(PhaseKind, usize)> {
    let (g, m) = (limits.groups_per_call, limits.user_ids_per_group_per_call);
    let placed: Vec<(GroupCounts, Placement)> = counts
        .groups
        .iter()
        .map(|c| (*c, placement(c, strategy)))
        .collect();
    let patches = placed.iter().filter(|(_, p)| p.patch).count();
    let add_slots = placed
        .iter()
        .filter(|(_, p)| !p.members_in_patch)
        .map(|(c, _)| calls(c.member_adds, m))
        .chain(counts.new_group_overflow.iter().map(|&n| calls(n, m)));
    let add = wrap(add_slots, g);
    let remove = wrap(
        placed
            .iter()
            .filter(|(_, p)| !p.members_in_patch)
            .map(|(c, _)| calls(c.member_removes, m)),
        g,
    );
    let assign = placed
        .iter()
        .filter(|(c, p)| c.permission_adds > 0 && !p.permissions_in_patch)
        .count();
    let revoke = placed
        .iter()
        .filter(|(c, p)| c.permission_removes > 0 && !p.permissions_in_patch)
        .count();
    vec![
        (PhaseKind::PatchGroups, calls(patches, g)),
        (PhaseKind::AddMembers, add),
        (PhaseKind::AssignGroupPermissions, calls(assign, g)),
        (PhaseKind::RevokeGroupPermissions, calls(revoke, g)),
        (PhaseKind::RemoveMembers, remove),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_is_the_larger_of_the_longest_entry_and_the_packing() {
        assert_eq!(wrap([], 100), 0);
        assert_eq!(wrap([3, 1, 1], 100), 3);
        assert_eq!(wrap(std::iter::repeat_n(1, 250), 100), 3);
        assert_eq!(wrap([2, 2, 2], 2), 3);
    }
}
