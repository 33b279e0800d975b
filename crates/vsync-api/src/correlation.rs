//! The `correlationId` that ties a bulk request entry to its result.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A validated correlation ID: 3 to 64 characters of `[A-Za-z0-9_-]`.
///
/// Bulk results come back in no guaranteed order, so they are matched to
/// request entries by this ID. Visier rejects reuse of an ID in a later
/// POST for 7 days. The DTOs keep `correlationId` as a plain `String` so an
/// unexpected value from the server never fails decoding; build values with
/// this type and convert with `String::from`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CorrelationId(String);

/// Why a string is not a valid [`CorrelationId`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvalidCorrelationId {
    /// Fewer than [`CorrelationId::MIN_LEN`] or more than
    /// [`CorrelationId::MAX_LEN`] characters.
    Length {
        /// The length that was given.
        len: usize,
    },
    /// A character outside `[A-Za-z0-9_-]`.
    Character {
        /// The offending character.
        ch: char,
        /// Its byte offset in the input.
        at: usize,
    },
}

impl fmt::Display for InvalidCorrelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length { len } => write!(
                f,
                "correlation id has {len} characters, expected {} to {}",
                CorrelationId::MIN_LEN,
                CorrelationId::MAX_LEN
            ),
            Self::Character { ch, at } => write!(
                f,
                "correlation id has {ch:?} at byte {at}, expected only letters, digits, '-' and '_'"
            ),
        }
    }
}

impl std::error::Error for InvalidCorrelationId {}

impl CorrelationId {
    /// The fewest characters a correlation ID may have.
    pub const MIN_LEN: usize = 3;
    /// The most characters a correlation ID may have.
    pub const MAX_LEN: usize = 64;

    /// Validates and wraps `value`.
    pub fn new(value: impl Into<String>) -> Result<Self, InvalidCorrelationId> {
        let value = value.into();
        Self::validate(&value)?;
        Ok(Self(value))
    }

    /// Checks `value` against the rule without allocating.
    pub fn validate(value: &str) -> Result<(), InvalidCorrelationId> {
        if let Some((at, ch)) = value
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(InvalidCorrelationId::Character { ch, at });
        }
        // All characters are ASCII here, so bytes equal characters.
        let len = value.len();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(InvalidCorrelationId::Length { len });
        }
        Ok(())
    }

    /// The ID as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The ID as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for CorrelationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CorrelationId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for CorrelationId {
    type Err = InvalidCorrelationId;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::new(value)
    }
}

impl TryFrom<String> for CorrelationId {
    type Error = InvalidCorrelationId;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<&str> for CorrelationId {
    type Error = InvalidCorrelationId;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<CorrelationId> for String {
    fn from(value: CorrelationId) -> Self {
        value.0
    }
}

impl PartialEq<str> for CorrelationId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for CorrelationId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_ids() {
        for ok in ["abc", "A-1_b", "group_42-sync", &"x".repeat(64)] {
            let id = CorrelationId::new(ok).unwrap();
            assert_eq!(id.as_str(), ok);
        }
    }

    #[test]
    fn rejects_bad_length() {
        assert_eq!(
            CorrelationId::new("ab"),
            Err(InvalidCorrelationId::Length { len: 2 })
        );
        assert_eq!(
            CorrelationId::new(""),
            Err(InvalidCorrelationId::Length { len: 0 })
        );
        assert_eq!(
            CorrelationId::new("x".repeat(65)),
            Err(InvalidCorrelationId::Length { len: 65 })
        );
    }

    #[test]
    fn rejects_bad_characters() {
        assert_eq!(
            CorrelationId::new("abc def"),
            Err(InvalidCorrelationId::Character { ch: ' ', at: 3 })
        );
        assert!(CorrelationId::new("a.b.c").is_err());
        assert!(CorrelationId::new("abc,def").is_err());
        // Non-ASCII letters count as bad characters, not as length.
        assert_eq!(
            CorrelationId::new("ééé"),
            Err(InvalidCorrelationId::Character { ch: 'é', at: 0 })
        );
    }

    #[test]
    fn serde_is_a_validated_string() {
        let id: CorrelationId = serde_json::from_str("\"ug-1\"").unwrap();
        assert_eq!(id, "ug-1");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"ug-1\"");
        assert!(serde_json::from_str::<CorrelationId>("\"a\"").is_err());
    }

    #[test]
    fn error_reads_as_a_fragment() {
        let err = CorrelationId::new("a!").unwrap_err();
        assert_eq!(
            err.to_string(),
            "correlation id has '!' at byte 1, expected only letters, digits, '-' and '_'"
        );
    }
}
