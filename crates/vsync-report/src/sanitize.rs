//! [`sanitize_cell`]: spreadsheet formula-injection escaping; `fit_cell`: a text cut to what
//! an XLSX cell holds.

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

/// The most characters an Excel cell holds.
const MAX_CELL_CHARS: usize = 32_767;

/// `text` cut to what a cell holds, saying how much was left out (the JSON report has it all).
pub(crate) fn fit_cell(text: &str) -> std::borrow::Cow<'_, str> {
    let total = text.chars().count();
    if total <= MAX_CELL_CHARS {
        return text.into();
    }
    let note = |kept: usize| format!("… ({} more characters)", total - kept);
    let kept = MAX_CELL_CHARS - note(0).chars().count();
    let mut out: String = text.chars().take(kept).collect();
    out.push_str(&note(kept));
    out.into()
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

    /// Regression: a run whose creates all failed listed every remaining difference in one
    /// cell, over Excel's limit, and the whole report failed to write.
    #[test]
    fn a_text_longer_than_a_cell_holds_is_cut_and_says_so() {
        assert_eq!(fit_cell("short"), "short");
        let long = "x".repeat(MAX_CELL_CHARS + 500);
        let cut = fit_cell(&long);
        let n = cut.chars().count();
        assert!(n <= MAX_CELL_CHARS && n > MAX_CELL_CHARS - 10, "{n}");
        assert!(
            cut.ends_with(" more characters)"),
            "{}",
            &cut[cut.len() - 40..]
        );
    }
}
