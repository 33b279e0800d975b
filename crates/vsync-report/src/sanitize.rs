//! [`sanitize_cell`]: spreadsheet formula-injection escaping.

use std::borrow::Cow;

/// The characters that make a spreadsheet treat a cell as a formula (or that some
/// spreadsheets strip before doing so): `=`, `+`, `-`, `@`, tab, carriage return and NUL.
const TRIGGERS: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\0'];

/// Escapes a value for a spreadsheet cell: a value that starts with `=`, `+`, `-`, `@`, tab,
/// carriage return or NUL gets a leading `'`, so Excel, LibreOffice and Google Sheets show it
/// as text instead of evaluating it. Other values are returned as they are.
///
/// Used for every text cell of the XLSX report; CSV writers elsewhere use it too.
///
/// ```
/// # use vsync_report::sanitize_cell;
/// assert_eq!(sanitize_cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
/// assert_eq!(sanitize_cell("jane@example.com"), "jane@example.com");
/// ```
pub fn sanitize_cell(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some(first) if TRIGGERS.contains(&first) => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trigger_is_escaped() {
        for trigger in TRIGGERS {
            let value = format!("{trigger}1+1");
            assert_eq!(sanitize_cell(&value), format!("'{value}"), "{trigger:?}");
        }
    }

    #[test]
    fn plain_values_are_borrowed() {
        for value in ["", "Jane Doe", "jane@example.com", "'quoted", " =spaced"] {
            assert!(
                matches!(sanitize_cell(value), Cow::Borrowed(_)),
                "{value:?}"
            );
        }
    }
}
