//! Guards: thresholds that keep a run from a mass removal.
//!
//! A tripped guard withholds **every** change of its class (never a partial mass deletion),
//! and records a [`GuardOutcome`] saying why. The source-file checks (an empty input, an input
//! far smaller than the tenant) withhold every removal of every class.

use crate::change::{Change, GuardKind, GuardOutcome};
use crate::policy::{Guard, GuardSettings};

/// What the guards' percentages are taken of.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct GuardBases {
    /// In-scope live users.
    pub users: usize,
    /// In-scope live users' manual memberships (of non-dynamic groups).
    pub memberships: usize,
    /// In-scope live users' permissions and profiles, plus the permissions of live groups.
    pub assignments: usize,
    /// Live groups.
    pub live_groups: usize,
}

/// Applies the guards to `changes`, moving withheld changes out; returns them with the outcomes.
pub(crate) fn apply(
    changes: &mut Vec<Change>,
    bases: &GuardBases,
    rows: usize,
    settings: &GuardSettings,
) -> (Vec<Change>, Vec<GuardOutcome>) {
    let mut outcomes = Vec::new();
    let removals = changes.iter().filter(|c| c.action().is_removal()).count();
    let mut source_block = false;
    if settings.refuse_removals_on_empty_input && rows == 0 && removals > 0 {
        let overridden = settings.override_source_checks;
        source_block |= !overridden;
        outcomes.push(GuardOutcome {
            guard: GuardKind::EmptyInput,
            count: 0,
            base: bases.users,
            limit: 1,
            tripped: true,
            overridden,
            withheld: if overridden { 0 } else { removals },
            message: format!(
                "the input has no user rows; {} {removals} removal(s)",
                if overridden {
                    "overridden, planning"
                } else {
                    "refusing to plan"
                }
            ),
        });
    }
    if let Some(max_drop) = settings.max_row_drop_percent
        && bases.users > 0
        && removals > 0
    {
        let kept = u128::from(100u32.saturating_sub(max_drop.min(100)));
        let min_rows = (bases.users as u128 * kept).div_ceil(100) as usize;
        if rows < min_rows {
            let overridden = settings.override_source_checks;
            source_block |= !overridden;
            outcomes.push(GuardOutcome {
                guard: GuardKind::RowDrop,
                count: rows,
                base: bases.users,
                limit: min_rows,
                tripped: true,
                overridden,
                withheld: if overridden { 0 } else { removals },
                message: format!(
                    "the input has {rows} user row(s), more than {max_drop}% below the {} in-scope users; {} {removals} removal(s)",
                    bases.users,
                    if overridden { "overridden, planning" } else { "refusing to plan" }
                ),
            });
        }
    }
    let mut withheld = Vec::new();
    if source_block {
        let (kept, removed): (Vec<Change>, Vec<Change>) =
            changes.drain(..).partition(|c| !c.action().is_removal());
        *changes = kept;
        withheld = removed;
    }

    let classes = [
        (
            GuardKind::Deletes,
            settings.deletes,
            bases.users,
            "user deletions",
        ),
        (
            GuardKind::Disables,
            settings.disables,
            bases.users,
            "user disables",
        ),
        (
            GuardKind::MembershipRemovals,
            settings.membership_removals,
            bases.memberships,
            "membership removals",
        ),
        (
            GuardKind::PermissionRevocations,
            settings.permission_revocations,
            bases.assignments,
            "permission and profile revocations",
        ),
        (
            GuardKind::GroupDeletes,
            settings.group_deletes,
            bases.live_groups,
            "group deletions",
        ),
    ];
    let mut blocked = Vec::new();
    for (kind, guard, base, what) in classes {
        let count = changes
            .iter()
            .filter(|c| c.guard_class() == Some(kind))
            .count();
        if count == 0 {
            continue;
        }
        let outcome = evaluate(kind, guard, count, base, what);
        if outcome.blocked() {
            blocked.push(kind);
        }
        outcomes.push(outcome);
    }
    if !blocked.is_empty() {
        let (kept, removed): (Vec<Change>, Vec<Change>) = changes
            .drain(..)
            .partition(|c| !c.guard_class().is_some_and(|k| blocked.contains(&k)));
        *changes = kept;
        withheld.extend(removed);
        withheld.sort_by_key(|c| c.id);
    }
    (withheld, outcomes)
}

fn evaluate(kind: GuardKind, guard: Guard, count: usize, base: usize, what: &str) -> GuardOutcome {
    let limit = guard.allowed(base);
    let tripped = count > limit;
    let overridden = tripped && guard.r#override;
    let message = if !tripped {
        format!("{count} {what}, within the limit of {limit}")
    } else if overridden {
        format!(
            "{count} {what} exceed the limit of {limit} (at most {} or {}% of {base}); overridden, planning them",
            guard.max_count, guard.max_percent
        )
    } else {
        format!(
            "{count} {what} exceed the limit of {limit} (at most {} or {}% of {base}); none planned, override to proceed",
            guard.max_count, guard.max_percent
        )
    };
    GuardOutcome {
        guard: kind,
        count,
        base,
        limit,
        tripped,
        overridden,
        withheld: if tripped && !overridden { count } else { 0 },
        message,
    }
}
