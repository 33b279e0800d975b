//! The terminal rendering: headline, counts, guards and a change table with inline diffs.

use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::IsTerminal;

use similar::{ChangeTag, TextDiff};
use vsync_engine::Entity;
use vsync_engine::outcome::Status;

use crate::format::{Label, duration, source_text, thousands};
use crate::model::{FieldRow, Report, ReportRow, STATUSES, STATUSES_BY_SEVERITY, plural};

/// How to render the report for a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TerminalOptions {
    /// Use ANSI colours and bold (only for a terminal, and never when `NO_COLOR` is set).
    pub color: bool,
    /// The width to fit lines in, in characters.
    pub width: usize,
    /// The most change rows to show; the rest are counted.
    pub max_rows: usize,
}

impl Default for TerminalOptions {
    /// No colour, 100 columns, 40 rows.
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
            max_rows: 40,
        }
    }
}

impl TerminalOptions {
    /// Options for standard output: colour when it is a terminal and `NO_COLOR` is not set,
    /// the width from `COLUMNS` (100 when unset), 40 rows.
    pub fn for_stdout() -> Self {
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(100);
        Self {
            color: color_enabled(
                std::io::stdout().is_terminal(),
                std::env::var_os("NO_COLOR").as_deref(),
            ),
            width,
            ..Self::default()
        }
    }
}

/// Whether to colour output: only on a terminal, and not when `NO_COLOR` is set to a non-empty
/// value (<https://no-color.org>).
pub fn color_enabled(is_terminal: bool, no_color: Option<&OsStr>) -> bool {
    is_terminal && no_color.is_none_or(OsStr::is_empty)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Plain,
    Bold,
    Dim,
    Red,
    Green,
    Yellow,
    Cyan,
    Deleted,
    Inserted,
}

impl Style {
    fn code(self) -> Option<&'static str> {
        match self {
            Self::Plain => None,
            Self::Bold => Some("1"),
            Self::Dim => Some("2"),
            Self::Red => Some("31"),
            Self::Green => Some("32"),
            Self::Yellow => Some("33"),
            Self::Cyan => Some("36"),
            Self::Deleted => Some("1;4;31"),
            Self::Inserted => Some("1;4;32"),
        }
    }

    fn of(status: Status) -> Self {
        match status {
            Status::Applied => Self::Green,
            Status::Failed => Self::Red,
            Status::Unknown | Status::Skipped => Self::Yellow,
            Status::Planned => Self::Cyan,
        }
    }
}

/// `text` with every control character (escape sequences from a spreadsheet cell or an API
/// message included) shown as `�`: one character for one, so widths stay right.
fn clean(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(char::is_control) {
        text.chars()
            .map(|c| if c.is_control() { '\u{fffd}' } else { c })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// A line of styled segments, measured by what it shows.
#[derive(Default)]
struct Line(Vec<(String, Style)>);

impl Line {
    fn push(&mut self, text: impl Into<String>, style: Style) -> &mut Self {
        let text = text.into();
        if !text.is_empty() {
            self.0.push((text, style));
        }
        self
    }

    fn plain(&mut self, text: impl Into<String>) -> &mut Self {
        self.push(text, Style::Plain)
    }

    fn width(&self) -> usize {
        self.0.iter().map(|(t, _)| t.chars().count()).sum()
    }

    /// Cuts the line to `max` characters, the last one an ellipsis.
    fn truncate(&mut self, max: usize) {
        if self.width() <= max {
            return;
        }
        let mut left = max.saturating_sub(1);
        let mut kept = Vec::new();
        for (text, style) in self.0.drain(..) {
            if left == 0 {
                break;
            }
            let n = text.chars().count();
            if n <= left {
                left -= n;
                kept.push((text, style));
            } else {
                kept.push((text.chars().take(left).collect(), style));
                left = 0;
            }
        }
        kept.push(("…".to_owned(), Style::Dim));
        self.0 = kept;
    }

    fn render(&self, color: bool, out: &mut String) {
        for (text, style) in &self.0 {
            let text = clean(text);
            match style.code().filter(|_| color) {
                Some(code) => {
                    let _ = write!(out, "\x1b[{code}m{text}\x1b[0m");
                }
                None => out.push_str(&text),
            }
        }
        // Trailing spaces from padding are noise in a terminal and in snapshots.
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        out.push('\n');
    }
}

/// Splits `text` at spaces into lines of at most `width` characters, continuation lines
/// starting with `indent` (a word longer than a line is cut).
fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut len = 0;
    let mut fresh = true;
    for word in text.split(' ') {
        let n = word.chars().count();
        if !fresh && len + 1 + n > width {
            lines.push(std::mem::replace(&mut current, indent.to_owned()));
            len = indent.chars().count();
            fresh = true;
        }
        if !fresh {
            current.push(' ');
            len += 1;
        }
        current.push_str(word);
        len += n;
        fresh = false;
    }
    lines.push(current);
    lines
        .into_iter()
        .map(|l| {
            if l.chars().count() > width {
                pad(&l, width)
            } else {
                l
            }
        })
        .collect()
}

/// Renders `text` in `style`, wrapped to `width`.
fn render_wrapped(
    text: &str,
    style: Style,
    width: usize,
    indent: &str,
    color: bool,
    out: &mut String,
) {
    for line in wrap(text, width, indent) {
        Line(vec![(line, style)]).render(color, out);
    }
}

/// `text` padded or cut to `width - 1` characters, then a space: a table column.
fn column(text: &str, width: usize) -> String {
    format!("{} ", pad(text, width.saturating_sub(1)))
}

fn pad(text: &str, width: usize) -> String {
    let n = text.chars().count();
    if n > width {
        let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
        if width > 0 {
            cut.push('…');
        }
        cut
    } else {
        format!("{text}{}", " ".repeat(width - n))
    }
}

/// Appends `before -> after` with the changed characters marked. Without colour the marks are
/// not shown (`Jon Smith -> John Smith`); values too different for a character diff to help
/// are shown whole.
fn push_inline_diff(line: &mut Line, before: &str, after: &str) {
    let diff = TextDiff::from_chars(before, after);
    if diff.ratio() < 0.5 {
        line.push(before, Style::Red)
            .plain(" -> ")
            .push(after, Style::Green);
        return;
    }
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal | ChangeTag::Delete => {
                let style = if change.tag() == ChangeTag::Delete {
                    Style::Deleted
                } else {
                    Style::Plain
                };
                append(line, change.value(), style);
            }
            ChangeTag::Insert => {}
        }
    }
    line.plain(" -> ");
    for change in diff.iter_all_changes() {
        match change.tag() {
            ChangeTag::Equal => append(line, change.value(), Style::Plain),
            ChangeTag::Insert => append(line, change.value(), Style::Inserted),
            ChangeTag::Delete => {}
        }
    }
}

/// Pushes `text`, merging it into the last segment when the style is the same.
fn append(line: &mut Line, text: &str, style: Style) {
    match line.0.last_mut() {
        Some((last, last_style)) if *last_style == style => last.push_str(text),
        _ => {
            line.push(text, style);
        }
    }
}

fn push_field(line: &mut Line, field: &FieldRow) {
    line.push(format!("{}: ", field.field), Style::Dim);
    match (field.before.as_deref(), field.after.as_deref()) {
        (Some(before), Some(after)) => push_inline_diff(line, before, after),
        (None, Some(after)) => {
            line.push(after, Style::Green);
        }
        (Some(before), None) => {
            line.push(before, Style::Red).plain(" -> (cleared)");
        }
        (None, None) => {
            line.plain("(none)");
        }
    }
}

fn relation_word(entity: Entity) -> &'static str {
    match entity {
        Entity::Membership => "group ",
        Entity::UserPermission | Entity::GroupPermission => "permission ",
        Entity::Profile => "profile ",
        Entity::User | Entity::Group => "",
    }
}

fn change_lines(row: &ReportRow, key_width: usize, width: usize) -> Vec<Line> {
    let mut line = Line::default();
    line.plain("  ")
        .push(column(row.status.label(), 8), Style::of(row.status))
        .plain(column(row.entity.text(), 18))
        .plain(column(row.action.label(), 8))
        .push(column(&row.key, key_width + 1), Style::Bold);
    let mut first = true;
    if let Some(target) = &row.target {
        line.plain(format!("{}{target}", relation_word(row.entity)));
        first = false;
    }
    // A create's username is the key, already shown.
    let fields = row.fields.iter().filter(|f| {
        !(f.field == "username" && f.before.is_none() && f.after.as_deref() == Some(&row.key))
    });
    for field in fields {
        if !first {
            line.push("; ", Style::Dim);
        }
        push_field(&mut line, field);
        first = false;
    }
    if matches!(
        row.status,
        Status::Failed | Status::Unknown | Status::Skipped
    ) {
        let mut detail = row
            .message
            .as_deref()
            .map(|m| m.replace(['\n', '\r'], " "))
            .unwrap_or_default();
        let mut ids = Vec::new();
        if let Some(http) = row.http_status {
            ids.push(format!("HTTP {http}"));
        }
        if let Some(rci) = &row.rci {
            ids.push(format!("rci {rci}"));
        }
        if !ids.is_empty() {
            {
                let _ = write!(detail, " ({})", ids.join(", "));
            };
        }
        let source = source_text(row.source.as_ref());
        if !source.is_empty() {
            {
                let _ = write!(detail, " — {source}");
            };
        }
        let detail = detail.trim_start();
        if !detail.is_empty() {
            line.truncate(width);
            let mut more = Line::default();
            more.plain(" ".repeat(10))
                .push(format!("↳ {detail}"), Style::of(row.status))
                .truncate(width);
            return vec![line, more];
        }
    }
    line.truncate(width);
    vec![line]
}

impl Report {
    /// The report for a terminal: the headline, counts by entity and action, the guards, then
    /// the changes (failures first) up to `max_rows`, with the rest counted.
    pub fn render_terminal(&self, options: &TerminalOptions) -> String {
        let width = options.width.max(40);
        let color = options.color;
        let s = &self.summary;
        let run = &self.run;
        let mut out = String::new();
        let headline_style = if s.changes.failed + s.changes.unknown > 0 || s.guards_blocked > 0 {
            Style::Red
        } else {
            Style::Bold
        };
        render_wrapped(&s.headline, headline_style, width, "  ", color, &mut out);

        let mut facts = Vec::new();
        if let Some(tenant) = &run.tenant {
            facts.push(format!("tenant {tenant}"));
        }
        facts.push(format!("mode {}", run.mode.as_str()));
        if !run.input_files.is_empty() {
            let checksum: String = run.input_checksum.chars().take(12).collect();
            let files = run.input_files.join(", ");
            facts.push(if checksum.is_empty() {
                format!("input {files}")
            } else {
                format!("input {files} (sha256 {checksum}…)")
            });
        }
        if run.duration_ms > 0 {
            facts.push(duration(run.duration_ms));
        }
        if !run.tool_version.is_empty() {
            facts.push(format!("vsync {}", run.tool_version));
        }
        let mut line = Line::default();
        line.push(facts.join(" · "), Style::Dim).truncate(width);
        line.render(color, &mut out);
        let record: Vec<String> = run
            .record_lines(Some(12))
            .into_iter()
            // The first line names the input already.
            .filter(|(label, _)| *label != "Input file")
            .map(|(label, text)| format!("{}: {text}", label.to_lowercase()))
            .collect();
        if !record.is_empty() {
            render_wrapped(
                &record.join(" · "),
                Style::Dim,
                width,
                "  ",
                color,
                &mut out,
            );
        }

        if run.mode.applies() {
            let mut calls = match run.calls {
                Some(c) => format!(
                    "api calls: {} used, lower bound {} (writes: plan {}, lower bound {})",
                    thousands(run.api_calls_used as usize),
                    thousands(c.lower_bound as usize),
                    thousands(s.planned_calls),
                    thousands(s.lower_bound)
                ),
                None => format!(
                    "api calls: {} used (plan {}, lower bound {})",
                    thousands(run.api_calls_used as usize),
                    thousands(s.planned_calls),
                    thousands(s.lower_bound)
                ),
            };
            if run.retries > 0 {
                let _ = write!(
                    calls,
                    ", {} retr{}",
                    run.retries,
                    if run.retries == 1 { "y" } else { "ies" }
                );
            }
            if let Some(budget) = run.retry_budget.filter(|b| b.used > 0) {
                let _ = write!(
                    calls,
                    ", retry budget {} of {} used",
                    thousands(budget.used as usize),
                    thousands(budget.size as usize)
                );
            }
            let waits = run.rate_limit_waits;
            if waits.count > 0 {
                let _ = write!(
                    calls,
                    ", {} rate-limit wait{} ({})",
                    waits.count,
                    plural(waits.count as usize),
                    duration(waits.total_ms)
                );
            }
            let mut line = Line::default();
            line.plain(calls).truncate(width);
            line.render(color, &mut out);
            for text in [
                run.calls_text().map(|t| format!("calls: {t}")),
                run.verification_text().map(|t| format!("checked {t}")),
            ]
            .into_iter()
            .flatten()
            {
                render_wrapped(&text, Style::Plain, width, "  ", color, &mut out);
            }
        }
        if let Some(project) = run.project_text() {
            let published = run.project.as_ref().is_some_and(|p| p.published);
            let mut text = format!("project {project}");
            if let Some(versions) = run.versions_text() {
                let _ = write!(text, ", {versions}");
            }
            let style = if published { Style::Plain } else { Style::Red };
            render_wrapped(&text, style, width, "  ", color, &mut out);
            if let Some(note) = run.project.as_ref().and_then(|p| p.note.as_deref()) {
                render_wrapped(note, Style::Plain, width, "  ", color, &mut out);
            }
        } else if let Some(versions) = run.versions_text() {
            render_wrapped(
                &format!("published {versions} (no project)"),
                Style::Plain,
                width,
                "  ",
                color,
                &mut out,
            );
        }
        match run.converged {
            Some(true) => {
                Line(vec![(
                    "converged: the tenant now matches the input".to_owned(),
                    Style::Green,
                )])
                .render(color, &mut out);
            }
            Some(false) => {
                let n = run.remaining_differences.len();
                let verb = if n == 1 {
                    "difference remains"
                } else {
                    "differences remain"
                };
                render_wrapped(
                    &format!("not converged: {n} {verb}"),
                    Style::Red,
                    width,
                    "  ",
                    color,
                    &mut out,
                );
                for difference in run.remaining_differences.iter().take(5) {
                    let mut line = Line::default();
                    line.plain(format!("  {difference}")).truncate(width);
                    line.render(color, &mut out);
                }
                if n > 5 {
                    Line(vec![(format!("  … and {} more", n - 5), Style::Dim)])
                        .render(color, &mut out);
                }
            }
            None => {}
        }

        if !s.by_entity_action.is_empty() {
            out.push('\n');
            Line(vec![(
                "changes by entity and action".to_owned(),
                Style::Bold,
            )])
            .render(color, &mut out);
            let all_planned = s.changes.planned == s.changes.total;
            for count in &s.by_entity_action {
                let mut line = Line::default();
                line.plain("  ")
                    .plain(column(count.entity.text(), 18))
                    .plain(column(count.action.label(), 8))
                    .plain(format!("{:>7}", thousands(count.counts.total)));
                if !all_planned {
                    let parts: Vec<(String, Style)> = STATUSES
                        .into_iter()
                        .filter(|st| count.counts.get(*st) > 0)
                        .map(|st| {
                            (
                                format!("{} {}", thousands(count.counts.get(st)), st.label()),
                                Style::of(st),
                            )
                        })
                        .collect();
                    line.plain("  (");
                    for (i, (text, style)) in parts.into_iter().enumerate() {
                        if i > 0 {
                            line.plain(", ");
                        }
                        line.push(text, style);
                    }
                    line.plain(")");
                }
                line.truncate(width);
                line.render(color, &mut out);
            }
        }

        if !self.guards.is_empty() {
            out.push('\n');
            let text = format!(
                "guards: {} evaluated, {} tripped{}",
                s.guards_evaluated,
                s.guards_tripped,
                if s.guards_blocked > 0 {
                    format!(", {} withholding changes", s.guards_blocked)
                } else {
                    String::new()
                }
            );
            render_wrapped(&text, Style::Bold, width, "  ", color, &mut out);
            for guard in &self.guards {
                let (word, style) = match (guard.tripped, guard.overridden) {
                    (false, _) => ("ok", Style::Green),
                    (true, true) => ("overridden", Style::Yellow),
                    (true, false) => ("tripped", Style::Red),
                };
                let indent = " ".repeat(13);
                let text = format!("{}: {}", guard.guard.text(), guard.message);
                for (i, part) in wrap(&text, width.saturating_sub(13), "")
                    .into_iter()
                    .enumerate()
                {
                    let mut line = Line::default();
                    if i == 0 {
                        line.plain("  ").push(column(word, 11), style);
                    } else {
                        line.plain(indent.clone());
                    }
                    line.plain(part).render(color, &mut out);
                }
                if let Some(hint) = &guard.how_to_override {
                    render_wrapped(
                        &format!("{indent}to proceed: {hint}"),
                        Style::Dim,
                        width,
                        &indent,
                        color,
                        &mut out,
                    );
                }
            }
        }

        if s.skipped + s.withheld > 0 {
            out.push('\n');
            let mut parts = Vec::new();
            if s.skipped > 0 {
                parts.push(format!(
                    "{} row{} or user{} left alone",
                    thousands(s.skipped),
                    plural(s.skipped),
                    plural(s.skipped)
                ));
            }
            if s.protected > 0 {
                parts.push(format!("{} protected", thousands(s.protected)));
            }
            if s.withheld > 0 {
                parts.push(format!(
                    "{} change{} withheld by guards",
                    thousands(s.withheld),
                    plural(s.withheld)
                ));
            }
            render_wrapped(
                &format!("skipped: {}", parts.join(", ")),
                Style::Plain,
                width,
                "  ",
                color,
                &mut out,
            );
        }

        if !self.changes.is_empty() {
            out.push('\n');
            let mut rows: Vec<&ReportRow> = self.changes.iter().collect();
            // Failures first: they are what someone has to act on.
            rows.sort_by_key(|r| STATUSES_BY_SEVERITY.iter().position(|s| *s == r.status));
            let shown = rows.len().min(options.max_rows);
            let key_width = rows[..shown]
                .iter()
                .map(|r| r.key.chars().count())
                .max()
                .unwrap_or(0)
                .clamp(8, width.saturating_sub(60).clamp(8, 32));
            let mut header = Line::default();
            header
                .plain("  ")
                .plain(column("status", 8))
                .plain(column("entity", 18))
                .plain(column("action", 8))
                .plain(column("key", key_width + 1))
                .plain("details");
            let mut header = Line(vec![(
                header.0.into_iter().map(|(t, _)| t).collect(),
                Style::Bold,
            )]);
            header.truncate(width);
            header.render(color, &mut out);
            for row in &rows[..shown] {
                for line in change_lines(row, key_width, width) {
                    line.render(color, &mut out);
                }
            }
            if rows.len() > shown {
                Line(vec![(
                    format!(
                        "  … and {} more (see the XLSX report)",
                        thousands(rows.len() - shown)
                    ),
                    Style::Dim,
                )])
                .render(color, &mut out);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff_text(before: &str, after: &str, color: bool) -> String {
        let mut line = Line::default();
        push_inline_diff(&mut line, before, after);
        let mut out = String::new();
        line.render(color, &mut out);
        out.trim_end().to_owned()
    }

    #[test]
    fn inline_diff_is_readable_without_colour() {
        assert_eq!(
            diff_text("Jon Smith", "John Smith", false),
            "Jon Smith -> John Smith"
        );
    }

    #[test]
    fn inline_diff_marks_only_the_changed_characters() {
        assert_eq!(
            diff_text("Jon Smith", "John Smith", true),
            "Jon Smith -> Jo\x1b[1;4;32mh\x1b[0mn Smith"
        );
        assert_eq!(
            diff_text("Smyth", "Smith", true),
            "Sm\x1b[1;4;31my\x1b[0mth -> Sm\x1b[1;4;32mi\x1b[0mth"
        );
    }

    /// A value from a spreadsheet or an API message must not drive the terminal (clear the
    /// screen, rewrite earlier lines, set the title).
    #[test]
    fn control_characters_from_values_never_reach_the_terminal() {
        let mut line = Line::default();
        line.plain("evil\x1b[2J\x1b]0;title\x07name\r\n");
        for color in [false, true] {
            let mut out = String::new();
            line.render(color, &mut out);
            let shown = out.strip_suffix('\n').unwrap();
            let shown = if color {
                shown.replace("\x1b[0m", "")
            } else {
                shown.to_owned()
            };
            assert_eq!(
                shown.chars().filter(|c| c.is_control()).count(),
                0,
                "{out:?}"
            );
            assert!(out.starts_with("evil\u{fffd}[2J"), "{out:?}");
        }
    }

    #[test]
    fn no_color_wins_over_a_terminal() {
        assert!(color_enabled(true, None));
        assert!(color_enabled(true, Some(OsStr::new(""))));
        assert!(!color_enabled(true, Some(OsStr::new("1"))));
        assert!(!color_enabled(false, None));
    }

    #[test]
    fn wrap_breaks_at_spaces_and_indents() {
        assert_eq!(
            wrap("aaa bbb ccc ddd", 8, "  "),
            ["aaa bbb", "  ccc", "  ddd"]
        );
        assert_eq!(wrap("short", 80, "  "), ["short"]);
        assert_eq!(wrap("", 80, "  "), [""]);
    }

    #[test]
    fn truncate_counts_characters_not_bytes() {
        let mut line = Line::default();
        line.plain("José Müller").push(" und Söhne", Style::Bold);
        line.truncate(8);
        let mut out = String::new();
        line.render(false, &mut out);
        assert_eq!(out, "José Mü…\n");
    }
}
