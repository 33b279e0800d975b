//! Where a run's calls went, against the fewest it could make: the read's pages, the
//! writes' bound (of what was left, for a resume), the project's calls and one sign-in.

use vsync_api::paths::Operation;
use vsync_client::{Client, Metrics};
use vsync_engine::Plan;
use vsync_executor::FetchOptions;
use vsync_model::{LiveState, ReadScope};

use super::RunRecord;

/// The read a run planned from (or an apply checked its plan against): how many read calls
/// the client had sent when it ended, and the fewest it could take.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadCalls {
    /// Read requests sent by then (sign-in and project reads not counted).
    pub calls: u64,
    /// The read's pages by the documented count (`FetchOptions::call_count`).
    pub bound: u64,
}

impl ReadCalls {
    /// The read of `live` with `scope` through `client`, just finished.
    pub fn after(client: &Client, scope: ReadScope, live: &LiveState) -> Self {
        Self {
            calls: data_reads(&client.metrics()),
            bound: FetchOptions::default()
                .with_scope(scope)
                .call_count(live.users.len(), live.groups.len()) as u64,
        }
    }
}

/// The project's operations: its create, publish and reads of projects and versions.
fn is_project_call(op: Operation) -> bool {
    use Operation as Op;
    matches!(
        op,
        Op::ListProjects
            | Op::CreateProject
            | Op::GetProject
            | Op::RunProjectOperation
            | Op::DeleteProject
            | Op::ListProductionVersions
    )
}

fn is_sign_in(op: Operation) -> bool {
    use Operation as Op;
    matches!(op, Op::AsidToken | Op::OAuth2Token)
}

/// Reads of the tenant's data: `GET`s outside the project's operations.
fn data_reads(metrics: &Metrics) -> u64 {
    metrics
        .calls
        .iter()
        .filter(|(op, _)| op.method() == "GET" && !is_project_call(**op))
        .map(|(_, n)| n)
        .sum()
}

/// The fewest calls a plan's writes take when the changes `done` says are already made (a
/// resumed apply): the bound of a plan of the rest.
pub fn remaining_bound(plan: &Plan, done: impl Fn(vsync_engine::ChangeId) -> bool) -> u64 {
    let rest = vsync_engine::ChangeSet {
        fingerprint: plan.fingerprint.clone(),
        changes: plan
            .changes
            .iter()
            .filter(|c| !done(c.id))
            .cloned()
            .collect(),
        ..vsync_engine::ChangeSet::default()
    };
    vsync_engine::plan(&rest, &plan.limits).lower_bound() as u64
}

impl RunRecord<'_> {
    /// Where the calls went, against the fewest the run could make: one sign-in, the read's
    /// pages, the writes' bound and the project's calls (each needed once).
    pub fn calls(&self, plan: &Plan) -> vsync_report::CallBreakdown {
        let metrics = self.client.metrics();
        let sum = |keep: fn(Operation) -> bool| -> u64 {
            metrics
                .calls
                .iter()
                .filter(|(op, _)| keep(**op))
                .map(|(_, n)| n)
                .sum()
        };
        let sign_in = sum(is_sign_in);
        let project = sum(is_project_call);
        let reads = data_reads(&metrics);
        let read = self.read.calls.min(reads);
        let writes = metrics
            .total_calls()
            .saturating_sub(sign_in + project + reads);
        let applied = self.mode.applies() && self.applied.is_some();
        let writes_bound = if applied {
            self.writes_bound.unwrap_or(plan.lower_bound() as u64)
        } else {
            0
        };
        vsync_report::CallBreakdown {
            sign_in,
            read,
            writes,
            project,
            rereads: reads - read,
            retries: metrics.retries,
            throttled: metrics.throttled,
            lower_bound: sign_in.min(1) + self.read.bound + writes_bound + project,
        }
    }
}
