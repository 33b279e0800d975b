//! Cell values: normalisation, formula-injection escaping, booleans, lists, emails, numbers.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, is_nfc_quick};
use vsync_model::normalize_text;

/// Characters that make a spreadsheet treat a cell as a formula (or that hide one).
const DANGEROUS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\0'];

/// Whether `c` is one a leading `'` escapes.
fn escapable(c: char) -> bool {
    DANGEROUS.contains(&c) || c == '\''
}

/// Escapes a value for writing: a value that starts with a formula character (or with a `'`
/// that [`unescape`] would strip) is prefixed with `'`.
pub(crate) fn escape(value: &str) -> Cow<'_, str> {
    let mut chars = value.chars();
    let needs = match chars.next() {
        Some(c) if DANGEROUS.contains(&c) => true,
        Some('\'') => chars.next().is_some_and(escapable),
        _ => false,
    };
    if needs {
        Cow::Owned(format!("'{value}"))
    } else {
        Cow::Borrowed(value)
    }
}

/// Strips the `'` that [`escape`] added, exactly once.
pub(crate) fn unescape(value: &str) -> &str {
    if let Some(rest) = value.strip_prefix('\'')
        && rest.chars().next().is_some_and(escapable)
    {
        return rest;
    }
    value
}

/// Normalises a raw cell: trim, Unicode NFC, then the escape `'` stripped. `None` when blank.
/// Borrows unless the text had to be normalised (never for ASCII).
pub(crate) fn clean(raw: &str) -> Option<Cow<'_, str>> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return None;
    }
    let unescaped = unescape(trimmed);
    if trimmed.is_ascii() || is_nfc_quick(unescaped.chars()) == IsNormalized::Yes {
        return Some(Cow::Borrowed(unescaped));
    }
    Some(Cow::Owned(normalize_text(unescaped)))
}

/// Parses a boolean: `true/false/yes/no/1/0` in any case (`y`/`n` too).
pub(crate) fn parse_bool(value: &str) -> Option<bool> {
    const TRUE: [&str; 4] = ["true", "yes", "1", "y"];
    const FALSE: [&str; 4] = ["false", "no", "0", "n"];
    if TRUE.iter().any(|t| value.eq_ignore_ascii_case(t)) {
        Some(true)
    } else if FALSE.iter().any(|f| value.eq_ignore_ascii_case(f)) {
        Some(false)
    } else {
        None
    }
}

/// Splits a `;`-separated list into cleaned items. `Err` with the 1-based position of the
/// first empty item.
pub(crate) fn split_list(value: &str) -> Result<Vec<Cow<'_, str>>, usize> {
    let mut items = Vec::new();
    for (i, item) in value.split(';').enumerate() {
        match clean(item) {
            Some(item) => items.push(item),
            None => return Err(i + 1),
        }
    }
    Ok(items)
}

/// A plausible email address: one `@`, a non-empty local part, a dotted domain, no spaces.
pub(crate) fn is_valid_email(value: &str) -> bool {
    let Some((local, domain)) = value.split_once('@') else {
        return false;
    };
    let blank = if value.is_ascii() {
        // What `char::is_whitespace` says of ASCII (vertical tab included).
        value
            .bytes()
            .any(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r'))
    } else {
        value.chars().any(char::is_whitespace)
    };
    if local.is_empty() || domain.contains('@') || blank {
        return false;
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return false;
    }
    domain.contains('.')
        && domain
            .split('.')
            .all(|l| !l.is_empty() && !l.starts_with('-') && !l.ends_with('-'))
}

/// Formats a numeric spreadsheet cell the way the spreadsheet shows a general number:
/// `12345`, not `12345.0`; integers up to 2^53 exactly; others in their shortest form.
pub(crate) fn format_number(value: f64) -> String {
    if value.is_finite() && value.fract() == 0.0 && value.abs() < 9_007_199_254_740_992.0 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

/// Formats a date-time as ISO 8601: `2024-03-01`, or `2024-03-01T09:30:00` with a time.
pub(crate) fn format_datetime(parts: (u16, u8, u8, u8, u8, u8, u16)) -> String {
    let (y, mo, d, h, mi, s, ms) = parts;
    if (h, mi, s, ms) == (0, 0, 0, 0) {
        format!("{y:04}-{mo:02}-{d:02}")
    } else if ms == 0 {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}")
    } else {
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}")
    }
}

/// The first control character of `text` (1-based position in characters, and the
/// character), if any; `breaks` allows line breaks (a display name may span lines).
/// Scans bytes only, for ASCII text without controls (nearly every value).
pub(crate) fn control_char(text: &str, breaks: bool) -> Option<(usize, char)> {
    if plain_ascii(text.as_bytes()) {
        return None;
    }
    text.chars()
        .enumerate()
        .find(|(_, c)| c.is_control() && !(breaks && matches!(c, '\n' | '\r')))
        .map(|(i, c)| (i + 1, c))
}

/// Whether every byte is printable ASCII (0x20 to 0x7E), eight bytes at a time: this runs
/// on every value of a million-row file.
fn plain_ascii(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    let mut words = bytes.chunks_exact(8);
    for word in words.by_ref() {
        let w = u64::from_le_bytes(word.try_into().expect("eight bytes"));
        // A byte below 0x20, or one at 0x7F or above (0x7F + 1 sets the high bit).
        let low = w.wrapping_sub(ONES * 0x20) & !w & HIGHS;
        let high = (w.wrapping_add(ONES) | w) & HIGHS;
        if low | high != 0 {
            return false;
        }
    }
    words.remainder().iter().all(|b| (0x20..0x7F).contains(b))
}

/// A control character as a message names it: `U+001B (ESC)`.
pub(crate) fn describe_control(c: char) -> String {
    const NAMES: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let code = u32::from(c);
    match NAMES.get(code as usize) {
        Some(name) => format!("U+{code:04X} ({name})"),
        None if code == 0x7F => "U+007F (DEL)".to_owned(),
        None => format!("U+{code:04X}"),
    }
}

/// The header's comparison form: lower case, without spaces, `_` and `-`.
pub(crate) fn header_key(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-' | '\u{feff}'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The candidate closest to `wanted` by edit distance, if it is close enough to be a likely
/// typo.
pub(crate) fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    let wanted = header_key(wanted);
    candidates
        .into_iter()
        .map(|c| {
            (
                strsim::damerau_levenshtein(&wanted, &header_key(c)),
                strsim::jaro_winkler(&wanted, &header_key(c)),
                c,
            )
        })
        .filter(|(d, jw, _)| *d <= 2.max(wanted.chars().count() / 4) || *jw >= 0.9)
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)))
        .map(|(_, _, c)| c.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_round_trips_formula_like_values() {
        for v in [
            "=SUM(A1)", "+1", "-5", "@x", "\tx", "'=x", "''", "'a", "a", "", "'", "''=", "\r", "\0",
        ] {
            assert_eq!(unescape(&escape(v)), v, "{v:?}");
        }
        assert_eq!(escape("=1+1"), "'=1+1");
        assert_eq!(escape("plain"), "plain");
        assert_eq!(escape("'plain"), "'plain");
    }

    #[test]
    fn clean_trims_normalizes_and_unescapes() {
        assert_eq!(clean("  Jose\u{301} "), Some("Jos\u{e9}".into()));
        assert_eq!(clean("  "), None);
        assert_eq!(clean("'-5"), Some("-5".into()));
        assert_eq!(clean("00123"), Some("00123".into()));
    }

    #[test]
    fn booleans_accept_the_documented_spellings() {
        for t in ["true", "TRUE", "Yes", "1", "y"] {
            assert_eq!(parse_bool(t), Some(true));
        }
        for f in ["false", "FALSE", "no", "0", "N"] {
            assert_eq!(parse_bool(f), Some(false));
        }
        assert_eq!(parse_bool("maybe"), None);
    }

    #[test]
    fn lists_reject_empty_items() {
        assert_eq!(
            split_list("a; b ;c"),
            Ok(vec!["a".into(), "b".into(), "c".into()])
        );
        assert_eq!(split_list("a;;b"), Err(2));
        assert_eq!(split_list("a;"), Err(2));
    }

    #[test]
    fn emails() {
        assert!(is_valid_email("jane.doe@example.com"));
        assert!(!is_valid_email("jane@@x"));
        assert!(!is_valid_email("jane@x"));
        assert!(!is_valid_email("jane doe@example.com"));
        assert!(!is_valid_email("@example.com"));
    }

    #[test]
    fn numbers_read_as_shown() {
        assert_eq!(format_number(12345.0), "12345");
        assert_eq!(format_number(-3.0), "-3");
        assert_eq!(format_number(1.5), "1.5");
        assert_eq!(format_number(123_450_000_000.0), "123450000000");
    }

    #[test]
    fn control_characters_are_found_and_named() {
        assert_eq!(control_char("Jane Doe", false), None);
        assert_eq!(control_char("Jos\u{e9}", false), None);
        assert_eq!(control_char("Kill\u{1b}[2J", false), Some((5, '\u{1b}')));
        assert_eq!(control_char("a\u{7}", false), Some((2, '\u{7}')));
        assert_eq!(control_char("x\u{85}", false), Some((2, '\u{85}')));
        assert_eq!(control_char("Anne\nMarie", true), None);
        assert_eq!(control_char("Anne\nMarie", false), Some((5, '\n')));
        assert_eq!(describe_control('\u{1b}'), "U+001B (ESC)");
        for i in 0..=255u8 {
            for at in [0, 5, 9] {
                let mut bytes = *b"abcdefghijkl";
                bytes[at] = i;
                assert_eq!(
                    plain_ascii(&bytes),
                    (0x20..0x7F).contains(&i),
                    "byte {i:#x} at {at}"
                );
            }
        }
        assert_eq!(describe_control('\u{7}'), "U+0007 (BEL)");
    }

    #[test]
    fn did_you_mean_finds_near_miss_headers() {
        assert_eq!(
            did_you_mean("username", ["Usrname", "email"]),
            Some("Usrname".into())
        );
        assert_eq!(did_you_mean("username", ["email", "department"]), None);
    }
}
