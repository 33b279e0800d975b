//! Number formats: a numeric XLSX cell read the way Excel shows it.
//!
//! HRIS tools write identifiers as numeric cells with a zero-padded format (`000000`), so the
//! cell's raw value (`1`) is not what the customer sees (`000001`). [`NumFmt::compile`] turns a
//! format code into a renderer for the formats vsync reproduces faithfully: General and Text
//! (`@`), digit placeholders (`0`, `#`, `?`) with literal text, thousands separators, fixed
//! decimals and percentages. Currency, scientific notation, fractions and conditional
//! sections are not guessed at: [`NumFmt::Unsupported`] keeps the code so the reader can name
//! it. Dates are recognised by calamine, which hands them over as date-times.

use std::fmt::Write as _;

use crate::cell::format_number;

/// A compiled number format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NumFmt {
    /// General or Text (`@`): integers without `.0`, others in their shortest form.
    General,
    /// A date or time format; `true` when it shows a time of day.
    Date { time: bool },
    /// Placeholders and literals, by sign.
    Pattern(Box<Sections>),
    /// A format vsync does not reproduce; the format code, as the workbook spells it.
    Unsupported(Box<str>),
}

/// The sections of a format: for values ≥ 0 (or > 0 with a zero section), < 0, and = 0.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sections {
    positive: Section,
    negative: Option<Section>,
    zero: Option<Section>,
}

/// One section: literal text and digit placeholders.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Section {
    /// Literal text before the first placeholder.
    prefix: String,
    /// The integer part, left to right: placeholders and literals between them.
    int: Vec<Slot>,
    /// The decimal placeholders, left to right.
    frac: Vec<char>,
    /// Literal text after the last placeholder.
    suffix: String,
    /// Thousands separators between integer digits.
    grouping: bool,
    /// `%`: the value is shown times 100.
    percent: bool,
    /// A decimal point appears (shown even without decimal placeholders).
    point: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Slot {
    Digit(char),
    Literal(String),
}

/// Why a format is not reproduced.
#[derive(Debug)]
struct Refused;

impl NumFmt {
    /// Compiles a format code (as the styles part spells it, built-in codes resolved).
    pub(crate) fn compile(code: &str) -> Self {
        let trimmed = code.trim();
        if trimmed.is_empty() || trimmed.eq_ignore_ascii_case("general") || trimmed == "@" {
            return Self::General;
        }
        let sections = split_sections(trimmed);
        let mut parsed = Vec::with_capacity(sections.len());
        for section in sections.iter().take(3) {
            match parse_section(section) {
                Ok(s) => parsed.push(s),
                Err(Refused) => return Self::Unsupported(code.into()),
            }
        }
        let mut parsed = parsed.into_iter();
        let Some(positive) = parsed.next() else {
            return Self::General;
        };
        if positive.int.is_empty() && positive.frac.is_empty() && !positive.point {
            // Only literal text (or `General` inside a section): not a faithful number.
            if sections.len() == 1 && section_is_general(&sections[0]) {
                return Self::General;
            }
            return Self::Unsupported(code.into());
        }
        Self::Pattern(Box::new(Sections {
            positive,
            negative: parsed.next(),
            zero: parsed.next(),
        }))
    }

    /// A date format, as calamine recognised it; `code` tells whether a time is shown.
    pub(crate) fn date(code: &str) -> Self {
        Self::Date {
            time: shows_time(code),
        }
    }

    /// Writes `value` as the format shows it; `false` (nothing written) when unsupported.
    pub(crate) fn render(&self, value: f64, out: &mut String) -> bool {
        match self {
            Self::General | Self::Date { .. } => {
                out.push_str(&format_number(value));
                true
            }
            Self::Pattern(sections) => {
                if !value.is_finite() {
                    out.push_str(&format_number(value));
                    return true;
                }
                let (section, negate) = if value < 0.0 {
                    match &sections.negative {
                        Some(s) => (s, false),
                        None => (&sections.positive, true),
                    }
                } else if value == 0.0 {
                    (sections.zero.as_ref().unwrap_or(&sections.positive), false)
                } else {
                    (&sections.positive, false)
                };
                section.render(value.abs(), negate, out);
                true
            }
            Self::Unsupported(_) => false,
        }
    }
}

/// Splits a code at `;` outside quotes, escapes and brackets.
fn split_sections(code: &str) -> Vec<String> {
    let mut sections = vec![String::new()];
    let mut chars = code.chars();
    let mut quoted = false;
    let mut bracket = false;
    while let Some(c) = chars.next() {
        let current = sections.last_mut().expect("one section at least");
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            '\\' | '_' | '*' if !quoted => {
                current.push(c);
                if let Some(next) = chars.next() {
                    current.push(next);
                }
                continue;
            }
            ';' if !quoted && !bracket => {
                sections.push(String::new());
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    sections
}

fn section_is_general(section: &str) -> bool {
    section.trim().eq_ignore_ascii_case("general")
}

/// Whether a date format shows a time of day (hours, seconds or AM/PM).
fn shows_time(code: &str) -> bool {
    let upper = code.to_ascii_uppercase();
    if upper.contains("AM/PM") || upper.contains("A/P") {
        return true;
    }
    let mut quoted = false;
    let mut bracket = false;
    let mut chars = code.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => {
                chars.next();
            }
            '[' => bracket = true,
            ']' => bracket = false,
            _ if bracket => {}
            'h' | 'H' | 's' | 'S' => return true,
            _ => {}
        }
    }
    false
}

/// Parses one section; refuses what is not reproduced faithfully.
fn parse_section(text: &str) -> Result<Section, Refused> {
    let mut section = Section::default();
    // Literal text seen since the last placeholder, not yet placed.
    let mut pending = String::new();
    let mut seen_digit = false;
    let mut after_point = false;
    let mut last_was_digit = false;
    let mut chars = text.chars().peekable();
    let place_literal = |section: &mut Section, pending: &mut String, seen_digit: bool| {
        if pending.is_empty() {
            return;
        }
        if seen_digit {
            section.int.push(Slot::Literal(std::mem::take(pending)));
        } else {
            section.prefix.push_str(pending);
            pending.clear();
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                for q in chars.by_ref() {
                    if q == '"' {
                        break;
                    }
                    if is_currency(q) {
                        // A currency amount: not an identifier, and not guessed at.
                        return Err(Refused);
                    }
                    pending.push(q);
                }
                last_was_digit = false;
            }
            '\\' => {
                if let Some(next) = chars.next() {
                    if is_currency(next) {
                        return Err(Refused);
                    }
                    pending.push(next);
                }
                last_was_digit = false;
            }
            '_' => {
                chars.next();
                pending.push(' ');
                last_was_digit = false;
            }
            '*' => {
                chars.next();
                last_was_digit = false;
            }
            '[' => {
                let mut inner = String::new();
                for b in chars.by_ref() {
                    if b == ']' {
                        break;
                    }
                    inner.push(b);
                }
                if !is_harmless_bracket(&inner) {
                    return Err(Refused);
                }
            }
            '0' | '#' | '?' => {
                if after_point {
                    if !pending.is_empty() {
                        // Literal text between decimals: rare, not reproduced.
                        return Err(Refused);
                    }
                    section.frac.push(c);
                } else {
                    place_literal(&mut section, &mut pending, seen_digit);
                    section.int.push(Slot::Digit(c));
                }
                seen_digit = true;
                last_was_digit = true;
            }
            '.' => {
                if after_point {
                    return Err(Refused);
                }
                place_literal(&mut section, &mut pending, seen_digit);
                after_point = true;
                section.point = true;
                seen_digit = true;
                last_was_digit = false;
            }
            ',' => {
                let next_is_digit = matches!(chars.peek(), Some('0' | '#' | '?'));
                if last_was_digit && next_is_digit && !after_point {
                    section.grouping = true;
                } else if last_was_digit {
                    // A trailing comma scales by 1,000: not reproduced.
                    return Err(Refused);
                } else {
                    pending.push(',');
                }
            }
            '%' => {
                section.percent = true;
                pending.push('%');
                last_was_digit = false;
            }
            'E' | 'e' if matches!(chars.peek(), Some('+' | '-')) => return Err(Refused),
            '/' => return Err(Refused),
            c if is_currency(c) => return Err(Refused),
            ' ' | '-' | '+' | '(' | ')' | ':' | '^' | '\'' | '{' | '}' | '<' | '>' | '=' | '!'
            | '&' | '~' => {
                pending.push(c);
                last_was_digit = false;
            }
            _ => return Err(Refused),
        }
    }
    if after_point || !section.int.is_empty() || !section.frac.is_empty() {
        section.suffix = pending;
    } else {
        section.prefix.push_str(&pending);
    }
    // A literal that ended up last in the integer part belongs to the suffix.
    if !after_point
        && let Some(Slot::Literal(_)) = section.int.last()
        && let Some(Slot::Literal(text)) = section.int.pop()
    {
        section.suffix.insert_str(0, &text);
    }
    Ok(section)
}

fn is_currency(c: char) -> bool {
    matches!(c, '$' | '€' | '£' | '¥' | '¤' | '₹' | '₩' | '₽' | '¢')
}

/// Colors (`[Red]`, `[Color10]`) and a bare locale (`[$-409]`) change nothing in the text;
/// conditions, currencies and elapsed times do.
fn is_harmless_bracket(inner: &str) -> bool {
    const COLORS: [&str; 8] = [
        "black", "white", "red", "green", "blue", "yellow", "magenta", "cyan",
    ];
    let lower = inner.trim().to_ascii_lowercase();
    if COLORS.contains(&lower.as_str()) {
        return true;
    }
    if let Some(n) = lower.strip_prefix("color") {
        return n.trim().parse::<u8>().is_ok();
    }
    if let Some(locale) = lower.strip_prefix("$-") {
        return locale.chars().all(|c| c.is_ascii_hexdigit() || c == ',');
    }
    false
}

impl Section {
    fn render(&self, value: f64, negate: bool, out: &mut String) {
        let value = if self.percent { value * 100.0 } else { value };
        let decimals = self.frac.len();
        let (int_digits, frac_digits) = round_decimal(value, decimals);
        if negate
            && (int_digits.bytes().any(|b| b != b'0') || frac_digits.bytes().any(|b| b != b'0'))
        {
            out.push('-');
        }
        out.push_str(&self.prefix);
        self.render_int(&int_digits, out);
        if self.point || !self.frac.is_empty() {
            let mut frac: Vec<char> = frac_digits.chars().collect();
            // Trailing zeros are shown only where a `0` placeholder asks for them.
            while let (Some(&digit), Some(&placeholder)) =
                (frac.last(), self.frac.get(frac.len().wrapping_sub(1)))
            {
                if digit != '0' || placeholder == '0' {
                    break;
                }
                frac.pop();
                if placeholder == '?' {
                    // A `?` keeps the width with a space; what follows is spaces too.
                    frac.push(' ');
                    break;
                }
            }
            out.push('.');
            out.extend(frac);
        }
        out.push_str(&self.suffix);
    }

    /// Fills the integer placeholders right to left; extra digits go in front.
    fn render_int(&self, digits: &str, out: &mut String) {
        let digits = digits.trim_start_matches('0');
        if self.grouping {
            let min = self
                .int
                .iter()
                .filter(|s| matches!(s, Slot::Digit('0')))
                .count();
            let padded = format!("{digits:0>min$}");
            let len = padded.len();
            for (i, d) in padded.chars().enumerate() {
                if i > 0 && (len - i).is_multiple_of(3) {
                    out.push(',');
                }
                out.push(d);
            }
            return;
        }
        let mut rest: Vec<char> = digits.chars().collect();
        let mut pieces: Vec<String> = Vec::new();
        let placeholders = self
            .int
            .iter()
            .filter(|s| matches!(s, Slot::Digit(_)))
            .count();
        let mut seen = 0;
        for slot in self.int.iter().rev() {
            match slot {
                Slot::Digit(p) => {
                    seen += 1;
                    let mut piece = String::new();
                    if seen == placeholders {
                        // The leftmost placeholder takes every digit left over.
                        if rest.is_empty() {
                            pad(*p, &mut piece);
                        } else {
                            piece.extend(rest.drain(..));
                        }
                    } else if let Some(d) = rest.pop() {
                        piece.push(d);
                    } else {
                        pad(*p, &mut piece);
                    }
                    pieces.push(piece);
                }
                Slot::Literal(text) => pieces.push(text.clone()),
            }
        }
        for piece in pieces.iter().rev() {
            out.push_str(piece);
        }
    }
}

fn pad(placeholder: char, out: &mut String) {
    match placeholder {
        '0' => out.push('0'),
        '?' => out.push(' '),
        _ => {}
    }
}

/// `value` (≥ 0) rounded half away from zero to `decimals` places, as Excel does on the 15
/// significant digits it keeps: the integer digits and exactly `decimals` fraction digits.
fn round_decimal(value: f64, decimals: usize) -> (String, String) {
    // Fifteen significant digits, as Excel holds a number.
    let mut sci = String::new();
    let _ = write!(sci, "{value:.14e}");
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let digits: Vec<u8> = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect();
    // The digits of value, with the decimal point after `point` of them.
    let point = exponent + 1;
    let keep = point + i64::try_from(decimals).unwrap_or(i64::MAX / 2);
    let mut kept: Vec<u8> = if keep <= 0 {
        Vec::new()
    } else {
        let mut v: Vec<u8> = digits.iter().copied().take(keep as usize).collect();
        while i64::try_from(v.len()).unwrap_or(i64::MAX) < keep {
            v.push(0);
        }
        v
    };
    let next = if keep < 0 {
        0
    } else {
        digits.get(keep as usize).copied().unwrap_or(0)
    };
    let mut lead = 0i64;
    if next >= 5 {
        // Carry.
        let mut i = kept.len();
        loop {
            if i == 0 {
                kept.insert(0, 1);
                lead += 1;
                break;
            }
            i -= 1;
            if kept[i] == 9 {
                kept[i] = 0;
            } else {
                kept[i] += 1;
                break;
            }
        }
    }
    let int_len = (point + lead).max(0) as usize;
    let total = int_len + decimals;
    // Left-pad with zeros when the value is below one.
    while kept.len() < total {
        kept.insert(0, 0);
    }
    let text: String = kept.iter().map(|d| char::from(b'0' + d)).collect();
    let split = text.len() - decimals;
    let (int, frac) = text.split_at(split);
    let int = if int.is_empty() { "0" } else { int };
    (int.to_owned(), frac.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(code: &str, value: f64) -> String {
        let mut out = String::new();
        assert!(NumFmt::compile(code).render(value, &mut out), "{code}");
        out
    }

    #[test]
    fn zero_padded_identifiers_keep_their_zeros() {
        assert_eq!(shown("000000", 1.0), "000001");
        assert_eq!(shown("00000#", 42.0), "000042");
        assert_eq!(shown("000000", 1_234_567.0), "1234567");
        assert_eq!(shown("\"EMP-\"0000", 7.0), "EMP-0007");
        assert_eq!(shown("000-000", 12.0), "000-012");
        assert_eq!(shown("###-###", 12.0), "-12");
    }

    #[test]
    fn general_text_and_integers_never_gain_a_decimal() {
        assert_eq!(shown("General", 12345.0), "12345");
        assert_eq!(shown("@", 12345.0), "12345");
        assert_eq!(shown("0", 12345.0), "12345");
        assert_eq!(shown("0", 2.5), "3");
        assert_eq!(shown("#", 0.0), "");
    }

    #[test]
    fn decimals_grouping_and_percent() {
        assert_eq!(shown("0.00", 1.005), "1.01");
        assert_eq!(shown("#,##0", 1_234_567.0), "1,234,567");
        assert_eq!(shown("#,##0.00", 1234.5), "1,234.50");
        assert_eq!(shown("0.##", 1.5), "1.5");
        assert_eq!(shown("0%", 0.25), "25%");
        assert_eq!(shown("0.0", -1.25), "-1.3");
        assert_eq!(shown("0;(0)", -5.0), "(5)");
        assert_eq!(shown("[Red]0", 5.0), "5");
        assert_eq!(shown("0.00", 0.004), "0.00");
        assert_eq!(shown("0.0", 9.96), "10.0");
    }

    #[test]
    fn formats_that_cannot_be_reproduced_are_refused() {
        for code in [
            "$#,##0.00",
            "[$€-407]#,##0.00",
            "0.00E+00",
            "# ?/?",
            "[>100]0;0",
            "#,##0,",
            "\\$0",
            "\"$\"#,##0.00",
        ] {
            assert!(
                matches!(NumFmt::compile(code), NumFmt::Unsupported(_)),
                "{code}"
            );
        }
    }

    #[test]
    fn date_formats_say_whether_they_show_a_time() {
        assert_eq!(NumFmt::date("yyyy-mm-dd"), NumFmt::Date { time: false });
        assert_eq!(NumFmt::date("m/d/yy h:mm"), NumFmt::Date { time: true });
        assert_eq!(
            NumFmt::date("mm/dd/yyyy AM/PM"),
            NumFmt::Date { time: true }
        );
        assert_eq!(NumFmt::date("\"h\"yyyy"), NumFmt::Date { time: false });
    }
}
