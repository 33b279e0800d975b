//! What a per-item failure inside a success answer means: a table of the
//! tenant's messages to a [`FailureClass`], which decides whether the item
//! is worth sending again.
//!
//! A bulk answer (v2 users, v2 user groups, permission and profile
//! assignments) can succeed for some items and fail others, each failure
//! with a message and Visier's `rci`. The messages are English sentences,
//! not codes, so the class is read from them by [`FailureClass::of`]: the
//! first row of [`TABLE`] whose phrase occurs in the message, as whole
//! words in order. A phrase is never matched inside a longer word, so
//! `lock` does not match "the account is locked", and a message no row
//! matches is [`FailureClass::Unclassified`], which is never retried.
//!
//! | class | what the caller does |
//! | --- | --- |
//! | [`Transient`](FailureClass::Transient) | send the item once more, charged to the run's [`RetryBudget`](crate::RetryBudget) |
//! | [`AlreadyExists`](FailureClass::AlreadyExists) | settle it by a read: what it creates or assigns is already there |
//! | [`NotFound`](FailureClass::NotFound) | settle it by a read: what it names is gone (a delete or removal of it is done) |
//! | [`Invalid`](FailureClass::Invalid) | report it failed; sending it again fails the same way |
//! | [`Forbidden`](FailureClass::Forbidden) | report it failed; the signed-in user may not do this |
//! | [`Unclassified`](FailureClass::Unclassified) | report it failed, never retried |
//!
//! ```
//! use vsync_client::FailureClass;
//!
//! assert_eq!(FailureClass::of("The user account is locked"), FailureClass::Invalid);
//! assert_eq!(
//!     FailureClass::of("The operation timed out while saving this item; retry the request"),
//!     FailureClass::Transient
//! );
//! assert!(!FailureClass::of("something nobody wrote down").is_transient());
//! ```

use std::fmt;

/// The class of a per-item failure; see the [module docs](self).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureClass {
    /// The tenant could not do it just now (a timeout while saving, a lock
    /// held by another change, throttling): sending it once more may work.
    Transient,
    /// What the item creates or assigns is already there.
    AlreadyExists,
    /// What the item names (a user, a group, a permission, a profile, an
    /// assignment) is not there.
    NotFound,
    /// The item is refused for its content or for the state of its target
    /// (not a valid email, a locked account, a limit reached, a reused
    /// correlation id).
    Invalid,
    /// The signed-in user may not make this change.
    Forbidden,
    /// No row of the table matches: reported as it is, never retried.
    Unclassified,
}

impl FailureClass {
    /// The class of a per-item failure `message`: the first row of
    /// [`TABLE`] whose phrase occurs in it as whole words, case-insensitive.
    pub fn of(message: &str) -> FailureClass {
        let words = words(message);
        TABLE
            .iter()
            .find(|(phrase, _)| contains_phrase(&words, phrase))
            .map_or(FailureClass::Unclassified, |(_, class)| *class)
    }

    /// Whether sending the item once more may succeed.
    pub fn is_transient(self) -> bool {
        self == FailureClass::Transient
    }
}

impl fmt::Display for FailureClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailureClass::Transient => "transient",
            FailureClass::AlreadyExists => "already exists",
            FailureClass::NotFound => "not found",
            FailureClass::Invalid => "invalid",
            FailureClass::Forbidden => "forbidden",
            FailureClass::Unclassified => "unclassified",
        })
    }
}

use FailureClass::{AlreadyExists, Forbidden, Invalid, NotFound, Transient};

/// The table, first match wins: a phrase (lowercase words, adjacent and in
/// order; a word ending in `*` matches any word it begins) and its class.
/// The specific rows come before the general ones: "account is locked" is
/// `Invalid` although "locked by another change" is `Transient`.
pub const TABLE: &[(&[&str], FailureClass)] = &[
    // The state of the target, not of the tenant: the same request fails again.
    (&["account", "is", "locked"], Invalid),
    (&["account", "locked"], Invalid),
    (&["account", "is", "disabled"], Invalid),
    (&["user", "is", "locked"], Invalid),
    (&["already", "used"], Invalid),
    (&["already", "has"], Invalid),
    // The tenant could not do it just now.
    (&["transient*"], Transient),
    (&["temporar*"], Transient),
    (&["timed", "out"], Transient),
    (&["timeout"], Transient),
    (&["try", "again"], Transient),
    (&["retry", "the", "request"], Transient),
    (&["retry", "later"], Transient),
    (&["service", "unavailable"], Transient),
    (&["too", "many", "requests"], Transient),
    (&["rate", "limit*"], Transient),
    (&["throttl*"], Transient),
    (&["locked", "by", "another"], Transient),
    (&["lock", "is", "held"], Transient),
    (&["concurrent", "modification"], Transient),
    (&["busy"], Transient),
    // Already there.
    (&["already", "exists"], AlreadyExists),
    (&["already", "exist"], AlreadyExists),
    (&["already", "assigned"], AlreadyExists),
    (&["already", "a", "member"], AlreadyExists),
    (&["duplicate"], AlreadyExists),
    // Not there.
    (&["not", "found"], NotFound),
    (&["does", "not", "exist"], NotFound),
    (&["doesn", "t", "exist"], NotFound),
    (&["no", "such"], NotFound),
    (&["not", "assigned"], NotFound),
    (&["not", "a", "member"], NotFound),
    (&["unknown", "user*"], NotFound),
    (&["bad", "user", "id"], NotFound),
    // Not allowed for the signed-in user.
    (&["not", "authorized"], Forbidden),
    (&["unauthorized"], Forbidden),
    (&["forbidden"], Forbidden),
    (&["permission", "denied"], Forbidden),
    (&["insufficient", "permission*"], Forbidden),
    (&["access", "denied"], Forbidden),
    // Refused for its content.
    (&["not", "a", "valid"], Invalid),
    (&["not", "valid"], Invalid),
    (&["invalid"], Invalid),
    (&["is", "required"], Invalid),
    (&["cannot", "be"], Invalid),
    (&["must", "be"], Invalid),
    (&["must", "not"], Invalid),
    (&["too", "long"], Invalid),
    (&["blocked"], Invalid),
    (&["not", "allowed"], Invalid),
    (&["maximum"], Invalid),
    (&["limit"], Invalid),
    (&["refused"], Invalid),
];

/// The message's words: runs of letters and digits, lowercase.
fn words(message: &str) -> Vec<String> {
    message
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

fn word_matches(word: &str, pattern: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => word.starts_with(prefix),
        None => word == pattern,
    }
}

fn contains_phrase(words: &[String], phrase: &[&str]) -> bool {
    !phrase.is_empty()
        && words.windows(phrase.len()).any(|window| {
            window
                .iter()
                .zip(phrase)
                .all(|(word, pattern)| word_matches(word, pattern))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use FailureClass::Unclassified;

    /// Messages a tenant answers per item, each with the class it must get. The first group
    /// are the simulated tenant's own messages (which follow the spec's fields and
    /// vocabulary); the rest are the wordings the same failures take in Visier's answers and
    /// docs ("Status" messages, the validity states `NotFound`, the documented 409 of a held
    /// `nvLock`).
    const MESSAGES: &[(&str, FailureClass)] = &[
        (
            "Transient failure: the operation timed out while saving this item; retry the request",
            Transient,
        ),
        (
            "a user with username ann@example.com already exists",
            AlreadyExists,
        ),
        ("user 4f1c9e2a not found", NotFound),
        ("user group 8d2e not found", NotFound),
        ("permission p-9 not found", NotFound),
        (
            "profile Partner Service Manager is not assigned to user 4f1c",
            NotFound,
        ),
        ("permission was already assigned", AlreadyExists),
        ("username \"ann\" is not a valid email address", Invalid),
        ("userId is required", Invalid),
        ("displayName cannot be empty", Invalid),
        ("user group g-1 already has 10000 users", Invalid),
        (
            "correlation id vs-1 was already used in the last 7 days",
            Invalid,
        ),
        ("username is blocked by policy", Invalid),
        ("bad user ID", NotFound),
        ("The user account is locked", Invalid),
        ("Account locked: too many failed sign-in attempts", Invalid),
        ("The user is locked and cannot be updated", Invalid),
        (
            "The object is locked by another change; try again later",
            Transient,
        ),
        ("Service temporarily unavailable", Transient),
        ("Request timeout", Transient),
        ("Too Many Requests: API rate limit exceeded", Transient),
        ("The user does not exist", NotFound),
        ("The user group doesn't exist", NotFound),
        ("NotFound", Unclassified),
        ("The user already exists in the tenant", AlreadyExists),
        (
            "You are not authorized to assign this permission",
            Forbidden,
        ),
        ("Insufficient permissions to modify the user", Forbidden),
        ("Username is too long: at most 75 characters", Invalid),
        ("An unexpected error occurred", Unclassified),
    ];

    #[test]
    fn every_known_message_gets_its_class() {
        for (message, class) in MESSAGES {
            assert_eq!(FailureClass::of(message), *class, "{message}");
        }
    }

    /// Regression: a substring test read "lock" in "account locked" (and "retry" in any
    /// message naming a retry policy) as transient, so a locked account was sent again and
    /// again.
    #[test]
    fn a_phrase_never_matches_inside_a_longer_word() {
        assert_eq!(FailureClass::of("the account is locked"), Invalid);
        assert!(!FailureClass::of("the user is unlocked? no: blockchain").is_transient());
        assert_eq!(FailureClass::of("clock skew too large"), Unclassified);
        assert_eq!(FailureClass::of("retrying is pointless"), Unclassified);
        assert_eq!(FailureClass::of("notfound"), Unclassified);
    }

    #[test]
    fn case_and_punctuation_do_not_matter() {
        assert_eq!(FailureClass::of("TIMED-OUT"), Transient);
        assert_eq!(FailureClass::of("Already   Exists."), AlreadyExists);
        assert_eq!(FailureClass::of(""), Unclassified);
    }

    #[test]
    fn every_row_is_reachable() {
        // A row shadowed by an earlier, more general one would never decide anything.
        for (i, (phrase, class)) in TABLE.iter().enumerate() {
            let message = phrase
                .iter()
                .map(|w| w.trim_end_matches('*'))
                .collect::<Vec<_>>()
                .join(" ");
            let first = TABLE
                .iter()
                .position(|(p, _)| contains_phrase(&words(&message), p))
                .unwrap();
            assert!(
                first == i || TABLE[first].1 == *class,
                "row {i} {phrase:?} is shadowed by row {first} {:?}",
                TABLE[first].0
            );
        }
    }
}
