//! Normalisation and matching keys.
//!
//! Every text value read from a file or from the API goes through [`normalize_text`] (trim,
//! Unicode NFC), so that values equal after normalisation never produce a change. Usernames
//! and emails are compared case-insensitively through [`UserKey`]; group, permission and
//! profile display names through [`NameKey`]. The original spelling is kept for display.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};
use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// Trims surrounding white space and returns the text in Unicode NFC.
///
/// ```
/// # use vsync_model::normalize_text;
/// // "é" written as "e" plus a combining accent becomes the single code point.
/// assert_eq!(normalize_text("  Jose\u{301} "), "Jos\u{e9}");
/// ```
pub fn normalize_text(raw: &str) -> String {
    let trimmed = raw.trim();
    if is_nfc_quick(trimmed.chars()) == unicode_normalization::IsNormalized::Yes {
        trimmed.to_owned()
    } else {
        trimmed.nfc().collect()
    }
}

/// The case-insensitive form used to compare keys: normalised, then lower-cased.
fn fold(raw: &str) -> String {
    fold_cow(raw).into_owned()
}

/// [`fold`] without allocating when the trimmed text is already NFC and has no upper-case
/// letter (the usual lower-case ASCII username).
fn fold_cow(raw: &str) -> Cow<'_, str> {
    let printable = |b: &u8| (b'!'..=b'~').contains(b);
    let bytes = raw.as_bytes();
    // Text that starts and ends with a printable ASCII character has nothing to trim.
    let trimmed = if bytes.first().is_some_and(printable) && bytes.last().is_some_and(printable) {
        raw
    } else {
        raw.trim()
    };
    if trimmed.is_ascii() {
        // ASCII is NFC, and its only upper-case letters are A-Z.
        return if trimmed.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(trimmed.to_ascii_lowercase())
        } else {
            Cow::Borrowed(trimmed)
        };
    }
    let normalized = if is_nfc_quick(trimmed.chars()) == unicode_normalization::IsNormalized::Yes {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(trimmed.nfc().collect::<String>())
    };
    if normalized.chars().any(char::is_uppercase) {
        Cow::Owned(normalized.to_lowercase())
    } else {
        normalized
    }
}

/// The key a user is matched by: the username, normalised and case-folded.
///
/// `Jane.Doe@Example.com` and `jane.doe@example.com` have the same key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct UserKey(String);

impl UserKey {
    /// The key of a username (or an email address).
    pub fn new(username: &str) -> Self {
        Self(fold(username))
    }

    /// The folded form of a username, as [`UserKey::new`] computes it, borrowed from the input
    /// when it is already folded (trimmed, NFC, no upper-case letter), so that matching a
    /// million usernames need not allocate a million keys.
    ///
    /// ```
    /// # use std::borrow::Cow;
    /// # use vsync_model::UserKey;
    /// assert!(matches!(UserKey::fold_str(" jane@example.com "), Cow::Borrowed("jane@example.com")));
    /// assert_eq!(UserKey::fold_str("Jane@Example.com"), UserKey::new("jane@example.com").as_str());
    /// ```
    pub fn fold_str(username: &str) -> Cow<'_, str> {
        fold_cow(username)
    }

    /// The folded form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UserKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The key a group, permission or profile is matched by: its display name, normalised and
/// case-folded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NameKey(String);

impl NameKey {
    /// The key of a display name.
    pub fn new(name: &str) -> Self {
        Self(fold(name))
    }

    /// The folded form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for NameKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_space_and_composition() {
        assert_eq!(
            UserKey::new(" Jane.Doe@Example.com "),
            UserKey::new("jane.doe@example.com")
        );
        assert_eq!(
            NameKey::new("Jose\u{301} Team"),
            NameKey::new("jos\u{e9} team")
        );
        assert_ne!(UserKey::new("jane"), UserKey::new("jane2"));
    }

    #[test]
    fn fold_str_agrees_with_new_and_borrows_folded_input() {
        for raw in [
            "jane@example.com",
            " Jane.Doe@Example.com\t",
            "Jose\u{301}@example.com",
            "jos\u{e9}@example.com",
            "\u{130}stanbul",
            "\u{3a3}\u{391}\u{3a3}",
            "",
            "  ",
        ] {
            assert_eq!(
                UserKey::fold_str(raw),
                UserKey::new(raw).as_str(),
                "{raw:?}"
            );
        }
        assert!(matches!(UserKey::fold_str(" jane "), Cow::Borrowed("jane")));
        assert!(matches!(UserKey::fold_str("jos\u{e9}"), Cow::Borrowed(_)));
        assert!(matches!(UserKey::fold_str("Jane"), Cow::Owned(_)));
    }

    #[test]
    fn normalize_keeps_inner_spaces_and_case() {
        assert_eq!(normalize_text("\tJon  Smith\n"), "Jon  Smith");
    }
}
