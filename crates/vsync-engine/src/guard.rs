//! Guards: thresholds that keep a run from a mass removal.
//!
//! Every change that takes access away counts toward its class, whatever its cause: a disable
//! by deprovisioning or by `accountEnabled = false` in the file, a delete, a membership
//! removal, a permission or profile revocation, a group delete ([`Change::guard_class`]). A
//! tripped guard withholds **every** change of its class (never a partial mass deletion), and
//! records a [`GuardOutcome`] saying why and naming the first rows that caused it.
//!
//! The source-file checks (an empty input, an input far smaller than the tenant) doubt the file
//! itself: when one trips, **no change of any kind** is planned, not only the removals, since
//! the rows a damaged file still has are as suspect as the ones it lost.

use std::fmt::Write as _;

use crate::change::{Change, GuardCause, GuardKind, GuardOutcome};
use crate::policy::{Guard, GuardSettings};

/// How many causes a guard's outcome names; the message counts the rest.
pub(crate) const CAUSES_SHOWN: usize = 5;

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
    let removals = changes.iter().filter(|c| c.takes_away()).count();
    let all = changes.len();
    let overridden = settings.override_source_checks;
    let verdict = |removals: usize| {
        if overridden {
            format!("overridden, planning all {all} change(s)")
        } else {
            format!(
                "no change of any kind is planned: {all} change(s) withheld, {removals} of them removals"
            )
        }
    };
    let mut source_block = false;
    if settings.refuse_removals_on_empty_input && rows == 0 && removals > 0 {
        source_block |= !overridden;
        outcomes.push(GuardOutcome {
            guard: GuardKind::EmptyInput,
            count: 0,
            base: bases.users,
            limit: 1,
            tripped: true,
            overridden,
            withheld: if overridden { 0 } else { all },
            message: format!("the input has no user rows; {}", verdict(removals)),
            causes: Vec::new(),
        });
    }
    if let Some(max_drop) = settings.max_row_drop_percent
        && bases.users > 0
        && removals > 0
    {
        let kept = u128::from(100u32.saturating_sub(max_drop.min(100)));
        let min_rows = (bases.users as u128 * kept).div_ceil(100) as usize;
        if rows < min_rows {
            source_block |= !overridden;
            outcomes.push(GuardOutcome {
                guard: GuardKind::RowDrop,
                count: rows,
                base: bases.users,
                limit: min_rows,
                tripped: true,
                overridden,
                withheld: if overridden { 0 } else { all },
                message: format!(
                    "the input has {rows} user row(s), more than {max_drop}% below the {} in-scope users, as a cut or partial file would; {}",
                    bases.users,
                    verdict(removals)
                ),
                causes: Vec::new(),
            });
        }
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
        let mut count = 0;
        let mut causes = Vec::new();
        for change in changes.iter().filter(|c| c.guard_class() == Some(kind)) {
            count += 1;
            if causes.len() < CAUSES_SHOWN {
                causes.push(GuardCause {
                    key: change.key.clone(),
                    target: change.target.clone(),
                    source: change.source.clone(),
                });
            }
        }
        if count == 0 {
            continue;
        }
        let outcome = evaluate(kind, guard, (count, base), what, causes);
        if outcome.blocked() {
            blocked.push(kind);
        }
        outcomes.push(outcome);
    }
    let withheld = if source_block {
        std::mem::take(changes)
    } else if blocked.is_empty() {
        Vec::new()
    } else {
        let (kept, removed): (Vec<Change>, Vec<Change>) = changes
            .drain(..)
            .partition(|c| !c.guard_class().is_some_and(|k| blocked.contains(&k)));
        *changes = kept;
        removed
    };
    (withheld, outcomes)
}

fn evaluate(
    kind: GuardKind,
    guard: Guard,
    (count, base): (usize, usize),
    what: &str,
    causes: Vec<GuardCause>,
) -> GuardOutcome {
    let limit = guard.allowed(base);
    let tripped = count > limit;
    let overridden = tripped && guard.r#override;
    let message = if tripped {
        let verdict = if overridden {
            "overridden, planning them"
        } else {
            "none planned, override to proceed"
        };
        format!(
            "{count} {what} exceed the limit of {limit} (at most {} or {}% of {base}); {verdict}; caused by {}",
            guard.max_count,
            guard.max_percent,
            causes_text(&causes, count)
        )
    } else {
        format!("{count} {what}, within the limit of {limit}")
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
        causes,
    }
}

/// The causes in words: the first few, then how many more.
pub(crate) fn causes_text(causes: &[GuardCause], count: usize) -> String {
    let mut text = causes
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ");
    if count > causes.len() {
        let _ = write!(text, " and {} more", count - causes.len());
    }
    text
}
