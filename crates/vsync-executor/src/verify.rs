//! Before and after an apply: [`check_fresh`] refuses a plan made against a tenant that has
//! changed since; [`verify_applied`] checks an apply, from the answers ([`VerifyMode::Answers`])
//! or by re-reading everything the plan read and diffing it again ([`VerifyMode::Full`],
//! [`verify`]).
//!
//! # From the answers
//!
//! Each write's answer says, item by item, what the tenant now holds; the executor records a
//! change as applied only when its answer confirmed it, failed when it refused it, and unknown
//! when no answer settled it (an answer lost, or one that did not confirm the item). So:
//!
//! - every change applied, failed or skipped: nothing is re-read (0 calls);
//! - some unknown: only the lists that show them are re-read (`vsync_engine::covering`: the
//!   user pages for a user's fields, the pages with their memberships and the groups for a
//!   membership, ...), and the input is diffed against them alone
//!   (`vsync_engine::narrow`). An unknown change the re-read no longer finds to do was made.

use std::fmt::Write as _;

use vsync_client::Client;
use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{Change, ChangeId, Plan, Policy, diff, fingerprint};
use vsync_model::{DesiredState, LiveState, ReadScope};

use crate::FastMap;
use crate::error::ExecError;
use crate::fetch::{FetchOptions, fetch_live};

/// Re-reads the tenant and compares its fingerprint with the plan's. Returns the live state
/// (so a caller that re-plans with `--allow-stale` needs no second read), or
/// [`ExecError::StalePlan`] when the tenant changed since planning.
pub async fn check_fresh(
    client: &Client,
    plan: &Plan,
    opts: &FetchOptions,
) -> Result<LiveState, ExecError> {
    let live = fetch_live(client, opts).await?;
    let now = fingerprint(&live);
    if now == plan.fingerprint {
        Ok(live)
    } else {
        Err(ExecError::StalePlan {
            planned: plan.fingerprint.clone(),
            live: now,
        })
    }
}

/// How an apply is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VerifyMode {
    /// From the write answers; a re-read only of the lists that show what they left unknown.
    #[default]
    Answers,
    /// A re-read of everything the plan read, diffed against the input again.
    Full,
}

impl VerifyMode {
    /// The mode as settings and reports spell it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Answers => "answers",
            Self::Full => "full",
        }
    }
}

/// What the check after an apply found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    /// How the apply was checked.
    pub mode: VerifyMode,
    /// Changes the answers confirmed.
    pub confirmed: usize,
    /// Changes the answers left unknown.
    pub uncertain: usize,
    /// The lists re-read, when any were.
    pub reread: Option<ReadScope>,
    /// Calls the re-read made.
    pub reread_calls: u64,
    /// Unknown changes the re-read shows made (see [`Verification::settle`]).
    pub settled: Vec<ChangeId>,
    /// Whether the tenant now matches the desired state (nothing left to change).
    pub converged: bool,
    /// What is still different, one line each (with the earlier failure when
    /// [`Verification::explain`] was given the apply's outcomes).
    pub remaining: Vec<String>,
    /// The changes a new plan would still make.
    pub changes: Vec<Change>,
}

impl Verification {
    /// Records the unknown changes the re-read shows made as applied.
    pub fn settle(&self, outcomes: &mut [ChangeOutcome]) {
        for outcome in outcomes {
            if outcome.status == Status::Unknown && self.settled.contains(&outcome.change) {
                outcome.status = Status::Applied;
                outcome.message = Some("its answer was lost; the re-read shows it made".to_owned());
            }
        }
    }

    /// Adds to each remaining line why the apply did not make it: the outcome of the matching
    /// change of `plan` (same entity, action, key and target).
    pub fn explain(&mut self, plan: &Plan, outcomes: &[ChangeOutcome]) {
        for (line, change) in self.remaining.iter_mut().zip(&self.changes) {
            let earlier = plan.changes.iter().find(|c| same_change(c, change));
            let Some(earlier) = earlier else {
                line.push_str(" (not in the applied plan: the tenant changed during the run)");
                continue;
            };
            let Some(outcome) = outcomes.iter().find(|o| o.change == earlier.id) else {
                continue;
            };
            let why = match outcome.status {
                Status::Applied => "applied, but the tenant does not show it".to_owned(),
                Status::Planned => "not applied (dry run)".to_owned(),
                status => {
                    let mut why = format!("{status:?}").to_lowercase();
                    if let Some(message) = &outcome.message {
                        why.push_str(": ");
                        why.push_str(message);
                    }
                    if let Some(rci) = &outcome.rci {
                        let _ = write!(why, " (rci {rci})");
                    }
                    why
                }
            };
            let _ = write!(line, " ({why})");
        }
    }
}

/// One line for a remaining change: `update user jane@x.io: displayName "A" -> "B"`.
pub fn describe(change: &Change) -> String {
    let mut line =
        format!("{:?} {:?} {}", change.action(), change.entity(), change.key).to_lowercase();
    if let Some(target) = &change.target {
        let _ = write!(line, " / {target}");
    }
    let fields: Vec<String> = change
        .field_texts()
        .iter()
        .map(|f| {
            format!(
                "{} {:?} -> {:?}",
                f.field,
                f.before.as_deref().unwrap_or(""),
                f.after.as_deref().unwrap_or("")
            )
        })
        .collect();
    if !fields.is_empty() {
        line.push_str(": ");
        line.push_str(&fields.join(", "));
    }
    if let Some(source) = &change.source {
        let _ = write!(line, " [{source}]");
    }
    line
}

/// Re-reads the tenant (`opts.scope`) and diffs it against `desired` under `policy`:
/// converged when nothing is left to change ([`VerifyMode::Full`]).
pub async fn verify(
    client: &Client,
    desired: &DesiredState,
    policy: &Policy,
    opts: &FetchOptions,
) -> Result<Verification, ExecError> {
    let before = client.metrics().total_calls();
    let live = fetch_live(client, opts).await?;
    let changes = diff(desired, &live, policy)
        .map_err(|e| ExecError::Plan(format!("cannot diff after the apply: {e}")))?;
    let remaining: Vec<String> = changes.changes.iter().map(describe).collect();
    Ok(Verification {
        mode: VerifyMode::Full,
        reread: Some(opts.scope),
        reread_calls: client.metrics().total_calls().saturating_sub(before),
        converged: remaining.is_empty(),
        remaining,
        changes: changes.changes,
        ..Verification::default()
    })
}

/// Checks the apply of `plan` whose changes ended as `outcomes`, the way `mode` says (see the
/// module docs). `opts.scope` is what the plan was made from; a re-read never reads more.
pub async fn verify_applied(
    client: &Client,
    (desired, policy): (&DesiredState, &Policy),
    opts: &FetchOptions,
    mode: VerifyMode,
    (plan, outcomes): (&Plan, &[ChangeOutcome]),
) -> Result<Verification, ExecError> {
    let status: FastMap<ChangeId, Status> = outcomes.iter().map(|o| (o.change, o.status)).collect();
    let status_of = |change: &Change| status.get(&change.id).copied().unwrap_or(Status::Unknown);
    let uncertain: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| status_of(c) == Status::Unknown)
        .collect();
    let confirmed = plan
        .changes
        .iter()
        .filter(|c| status_of(c) == Status::Applied)
        .count();
    let mut check = match mode {
        VerifyMode::Full => verify(client, desired, policy, opts).await?,
        VerifyMode::Answers => {
            let scope = uncertain
                .iter()
                .map(|c| vsync_engine::covering(c.entity()))
                .reduce(ReadScope::union);
            let not_applied = plan.changes.iter().filter(|c| {
                matches!(
                    status_of(c),
                    Status::Failed | Status::Skipped | Status::Planned
                )
            });
            match scope {
                None => Verification {
                    mode,
                    changes: not_applied.cloned().collect(),
                    ..Verification::default()
                },
                Some(scope) => {
                    let narrowed = vsync_engine::narrow(desired, scope);
                    let read = vsync_engine::read_scope(&narrowed);
                    let opts = opts.clone().with_scope(read);
                    let mut check = verify(client, &narrowed, policy, &opts).await?;
                    check.mode = mode;
                    // What the re-read did not cover, the answers tell.
                    check.changes.extend(
                        not_applied
                            .filter(|c| !read.covers(vsync_engine::covering(c.entity())))
                            .cloned(),
                    );
                    check
                }
            }
        }
    };
    check.remaining = check.changes.iter().map(describe).collect();
    check.converged = check.remaining.is_empty();
    check.confirmed = confirmed;
    check.uncertain = uncertain.len();
    if check.reread.is_some() {
        check.settled = uncertain
            .iter()
            .filter(|u| !check.changes.iter().any(|c| same_change(c, u)))
            .map(|u| u.id)
            .collect();
    }
    Ok(check)
}

/// Whether two changes make the same difference (same entity, action, key and target).
fn same_change(a: &Change, b: &Change) -> bool {
    a.entity() == b.entity() && a.action() == b.action() && a.key == b.key && a.target == b.target
}
