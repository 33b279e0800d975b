//! The errors [`diff`](crate::diff) reports: every problem of the input, not only the first.

use std::fmt;

use serde::{Deserialize, Serialize};
use vsync_model::SourceRef;

/// What kind of catalog entry a name was looked up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum NameKind {
    /// A user group.
    Group,
    /// A permission.
    Permission,
    /// A profile.
    Profile,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Group => "user group",
            Self::Permission => "permission",
            Self::Profile => "profile",
        })
    }
}

/// The kind of an [`EngineError`], for callers that branch on it (exit codes, reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ErrorKind {
    /// A group, permission or profile name that the tenant does not know.
    UnknownName,
    /// The input contradicts itself or the tenant (duplicate keys, ambiguous employee IDs).
    Contradiction,
    /// A scope or protected pattern that is not a valid glob.
    InvalidPattern,
    /// Several problems; see [`EngineError::problems`].
    Multiple,
}

/// A problem that stops the engine from computing a change set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
#[non_exhaustive]
pub enum EngineError {
    /// A name the input uses is not in the tenant's catalog (nor declared by the file).
    #[error("unknown {what} {name:?}{}{}{}", at_text(at.as_ref()), column_text(column.as_deref()), suggestion_text(suggestion.as_deref()))]
    UnknownName {
        /// What the name was looked up as.
        what: NameKind,
        /// The name as the file spells it.
        name: String,
        /// Where the name was read: the row of a long-form sheet, or the user's or group's.
        at: Option<SourceRef>,
        /// The column it was read from.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        column: Option<String>,
        /// The closest known name, when one is close enough.
        suggestion: Option<String>,
    },
    /// The input contradicts itself or the tenant.
    #[error("{message}{}", at_text(at.as_ref()))]
    Contradiction {
        /// What is contradictory.
        message: String,
        /// Where, when the problem has a place in the input.
        at: Option<SourceRef>,
    },
    /// A scope or protected pattern is not a valid glob.
    #[error("invalid pattern {pattern:?}: {message}")]
    InvalidPattern {
        /// The pattern as configured.
        pattern: String,
        /// What the glob parser said.
        message: String,
    },
    /// Several problems, in input order.
    #[error("{} problems, the first: {}", .0.len(), .0.first().map(ToString::to_string).unwrap_or_default())]
    Multiple(Vec<EngineError>),
}

fn at_text(at: Option<&SourceRef>) -> String {
    at.map(|at| format!(" at {at}")).unwrap_or_default()
}

fn column_text(column: Option<&str>) -> String {
    column
        .map(|column| format!(", column {column}"))
        .unwrap_or_default()
}

fn suggestion_text(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!(" (did you mean {s:?}?)"))
        .unwrap_or_default()
}

impl EngineError {
    /// The kind of the error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::UnknownName { .. } => ErrorKind::UnknownName,
            Self::Contradiction { .. } => ErrorKind::Contradiction,
            Self::InvalidPattern { .. } => ErrorKind::InvalidPattern,
            Self::Multiple(_) => ErrorKind::Multiple,
        }
    }

    /// Every single problem: the error itself, or the list a [`EngineError::Multiple`] holds.
    pub fn problems(&self) -> &[EngineError] {
        match self {
            Self::Multiple(all) => all,
            single => std::slice::from_ref(single),
        }
    }

    /// Where the problem was found in the input, if it has a place.
    pub fn at(&self) -> Option<&SourceRef> {
        match self {
            Self::UnknownName { at, .. } | Self::Contradiction { at, .. } => at.as_ref(),
            Self::InvalidPattern { .. } | Self::Multiple(_) => None,
        }
    }

    /// The column the problem was found in, if it has one.
    pub fn column(&self) -> Option<&str> {
        match self {
            Self::UnknownName { column, .. } => column.as_deref(),
            _ => None,
        }
    }

    /// The problem without its place, for grouping and for a report's message column.
    pub fn message(&self) -> String {
        match self {
            Self::UnknownName {
                what,
                name,
                suggestion,
                ..
            } => format!(
                "unknown {what} {name:?}{}",
                suggestion_text(suggestion.as_deref())
            ),
            Self::Contradiction { message, .. } => message.clone(),
            other => other.to_string(),
        }
    }

    /// One error from a non-empty list of problems.
    pub(crate) fn from_problems(mut problems: Vec<EngineError>) -> Self {
        if problems.len() == 1 {
            problems.remove(0)
        } else {
            Self::Multiple(problems)
        }
    }
}

/// The known name closest to `wanted`, if it is close enough to be a likely typo.
pub(crate) fn suggest<'a>(
    wanted: &str,
    known: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let wanted_folded = wanted.trim().to_lowercase();
    known
        .into_iter()
        .map(|name| {
            (
                strsim::jaro_winkler(&wanted_folded, &name.to_lowercase()),
                name,
            )
        })
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, name)| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestion_picks_the_closest_name() {
        let known = ["Sales Team", "Finance", "HR Admins"];
        assert_eq!(suggest("Sales Teem", known).as_deref(), Some("Sales Team"));
        assert_eq!(suggest("hr admin", known).as_deref(), Some("HR Admins"));
        assert_eq!(suggest("Completely different", known), None);
    }

    #[test]
    fn unknown_name_message_names_place_and_suggestion() {
        let err = EngineError::UnknownName {
            what: NameKind::Group,
            name: "Sales Teem".into(),
            at: Some(SourceRef::csv("users.csv", 4)),
            column: Some("userGroups".into()),
            suggestion: Some("Sales Team".into()),
        };
        assert_eq!(
            err.to_string(),
            "unknown user group \"Sales Teem\" at users.csv, row 4, column userGroups (did you mean \"Sales Team\"?)"
        );
        assert_eq!(err.kind(), ErrorKind::UnknownName);
    }
}
