//! Before and after an apply: [`check_fresh`] refuses a plan made against a tenant that has
//! changed since; [`verify`] re-reads the tenant and diffs it against the desired state.

use std::fmt::Write as _;

use vsync_client::Client;
use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{Change, Plan, Policy, diff, fingerprint};
use vsync_model::{DesiredState, LiveState};

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

/// What a re-read after an apply found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verification {
    /// Whether the tenant now matches the desired state (nothing left to change).
    pub converged: bool,
    /// What is still different, one line each (with the earlier failure when
    /// [`Verification::explain`] was given the apply's outcomes).
    pub remaining: Vec<String>,
    /// The changes a new plan would still make.
    pub changes: Vec<Change>,
}

impl Verification {
    /// Adds to each remaining line why the apply did not make it: the outcome of the matching
    /// change of `plan` (same entity, action, key and target).
    pub fn explain(&mut self, plan: &Plan, outcomes: &[ChangeOutcome]) {
        for (line, change) in self.remaining.iter_mut().zip(&self.changes) {
            let earlier = plan.changes.iter().find(|c| {
                c.entity() == change.entity()
                    && c.action() == change.action()
                    && c.key == change.key
                    && c.target == change.target
            });
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

/// Re-reads the tenant and diffs it against `desired` under `policy`: converged when nothing
/// is left to change.
pub async fn verify(
    client: &Client,
    desired: &DesiredState,
    policy: &Policy,
    opts: &FetchOptions,
) -> Result<Verification, ExecError> {
    let live = fetch_live(client, opts).await?;
    let changes = diff(desired, &live, policy)
        .map_err(|e| ExecError::Plan(format!("cannot diff after the apply: {e}")))?;
    let remaining: Vec<String> = changes.changes.iter().map(describe).collect();
    Ok(Verification {
        converged: remaining.is_empty(),
        remaining,
        changes: changes.changes,
    })
}
