//! The error body most operations answer with.

use serde::{Deserialize, Serialize};

/// The response structure for errors.
///
/// Schema: `Status`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Status {
    /// Localized error message describing the root cause of the error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub localized_message: Option<String>,
    /// Error classification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Not used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Optional root cause identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rci: Option<String>,
    /// Indicates whether the error is a user error.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_error: Option<bool>,
}
