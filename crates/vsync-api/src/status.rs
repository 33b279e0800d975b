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

impl std::fmt::Display for Status {
    /// `code: message (rci ...)`, using whichever parts are present.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = self
            .localized_message
            .as_deref()
            .or(self.message.as_deref())
            .unwrap_or("no message");
        match &self.code {
            Some(code) => write!(f, "{code}: {message}")?,
            None => f.write_str(message)?,
        }
        if let Some(rci) = &self.rci {
            write!(f, " (rci {rci})")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_code_message_and_rci() {
        let status = Status {
            localized_message: Some("user not found".into()),
            code: Some("NotFound".into()),
            rci: Some("R-1".into()),
            ..Default::default()
        };
        assert_eq!(status.to_string(), "NotFound: user not found (rci R-1)");
        assert_eq!(Status::default().to_string(), "no message");
    }
}
