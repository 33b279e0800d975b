//! Booleans that travel as strings.
//!
//! `accountEnabled` is a JSON **string** (`"true"`/`"false"`) in the user
//! request DTOs and in the create, bulk and v3 responses, but a JSON
//! **boolean** in `servicing.UserGetAPIResponseDTO`. Visier's SDK rejects
//! the wrong type, so the DTOs keep the spec's types and these helpers do
//! the conversion. Header booleans arrive as `True`/`False` from the
//! official SDK, so parsing ignores ASCII case.

/// The wire form of a boolean: `"true"` or `"false"`.
pub fn bool_str(value: bool) -> String {
    bool_static_str(value).to_owned()
}

/// The wire form of a boolean as a static string.
pub const fn bool_static_str(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// Parses `true` or `false` in any ASCII case, ignoring surrounding
/// whitespace; anything else is `None`.
pub fn parse_bool_str(value: &str) -> Option<bool> {
    let value = value.trim();
    if value.eq_ignore_ascii_case("true") {
        Some(true)
    } else if value.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(bool_str(true), "true");
        assert_eq!(bool_str(false), "false");
        assert_eq!(parse_bool_str(&bool_str(true)), Some(true));
        assert_eq!(parse_bool_str(&bool_str(false)), Some(false));
    }

    #[test]
    fn parses_sdk_header_spelling() {
        assert_eq!(parse_bool_str("True"), Some(true));
        assert_eq!(parse_bool_str("FALSE"), Some(false));
        assert_eq!(parse_bool_str(" true "), Some(true));
        assert_eq!(parse_bool_str("yes"), None);
        assert_eq!(parse_bool_str(""), None);
    }
}
