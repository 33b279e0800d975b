//! What happened to each change when a plan was applied: filled in by the executor, read by the
//! report together with the [`Plan`](crate::Plan).

use serde::{Deserialize, Serialize};

use crate::change::ChangeId;
use crate::plan::CallId;

/// The state of one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// In the plan, not applied (a dry run).
    Planned,
    /// The API confirmed it.
    Applied,
    /// The API refused it.
    Failed,
    /// Not attempted (an earlier failure, a tripped guard, a stale plan).
    Skipped,
    /// The call's outcome is unknown (a timeout after sending).
    Unknown,
}

/// The outcome of one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeOutcome {
    /// The change.
    pub change: ChangeId,
    /// What happened.
    pub status: Status,
    /// The API's or the executor's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Visier's root-cause ID, for support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rci: Option<String>,
    /// The HTTP status of the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// The call that carried the change.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<CallId>,
}

impl ChangeOutcome {
    /// A change in a plan that was not applied.
    pub fn planned(change: ChangeId, call: Option<CallId>) -> Self {
        Self {
            change,
            status: Status::Planned,
            message: None,
            rci: None,
            http_status: None,
            call,
        }
    }
}
