//! The Markdown summary, for pasting into an email or a ticket.

use std::fmt::Write as _;
use std::io::Write;

use crate::error::ReportError;
use crate::format::{Label, duration, source_text, thousands};
use crate::model::{Report, STATUSES};

/// Failures listed in the Markdown summary; the rest are counted.
const MAX_FAILURES: usize = 20;

/// Escapes text for a Markdown table cell: pipes, backslashes, backticks, angle brackets and
/// line breaks would otherwise break the table or be read as markup.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '|' | '\\' | '`' | '*' | '[' | ']' | '<' | '>' => {
                out.push('\\');
                out.push(ch);
            }
            c if c.is_control() => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

impl Report {
    /// The summary as Markdown: headline, run facts, counts, guards and the first failures.
    pub fn to_markdown(&self) -> String {
        let s = &self.summary;
        let run = &self.run;
        let mut md = String::new();
        let title = match &run.tenant {
            Some(tenant) => format!("vsync {} report — {}", run.mode.as_str(), cell(tenant)),
            None => format!("vsync {} report", run.mode.as_str()),
        };
        let _ = writeln!(md, "# {title}\n");
        let _ = writeln!(md, "**{}**\n", cell(&s.headline));

        let _ = writeln!(md, "| Run | |\n|---|---|");
        let mut fact = |name: &str, value: String| {
            if !value.is_empty() {
                let _ = writeln!(md, "| {name} | {value} |");
            }
        };
        fact(
            "Tenant",
            run.tenant.as_deref().map(cell).unwrap_or_default(),
        );
        fact(
            "Target",
            run.target_url.as_deref().map(cell).unwrap_or_default(),
        );
        fact("Mode", run.mode.as_str().to_owned());
        fact("Input", cell(&run.input_files.join(", ")));
        fact(
            "Input SHA-256",
            if run.input_checksum.is_empty() {
                String::new()
            } else {
                format!("`{}`", cell(&run.input_checksum))
            },
        );
        fact(
            "Started",
            run.started_at.as_deref().map(cell).unwrap_or_default(),
        );
        fact(
            "Finished",
            run.finished_at.as_deref().map(cell).unwrap_or_default(),
        );
        fact(
            "Duration",
            if run.duration_ms > 0 {
                duration(run.duration_ms)
            } else {
                String::new()
            },
        );
        let used = match run.calls {
            Some(c) if run.mode.applies() => format!(
                "{} used (lower bound {}), writes ",
                thousands(run.api_calls_used as usize),
                thousands(c.lower_bound as usize)
            ),
            None if run.mode.applies() => {
                format!("{} used, ", thousands(run.api_calls_used as usize))
            }
            _ => String::new(),
        };
        fact(
            "API calls",
            format!(
                "{used}{} planned, lower bound {}",
                thousands(s.planned_calls),
                thousands(s.lower_bound)
            ),
        );
        if run.mode.applies() {
            fact(
                "Rate-limit waits",
                format!(
                    "{} ({})",
                    thousands(run.rate_limit_waits.count as usize),
                    duration(run.rate_limit_waits.total_ms)
                ),
            );
            fact("Retries", thousands(run.retries as usize));
            if let Some(budget) = run.retry_budget {
                fact(
                    "Retry budget",
                    format!(
                        "{} used of {}",
                        thousands(budget.used as usize),
                        thousands(budget.size as usize)
                    ),
                );
            }
            fact(
                "Calls by kind",
                run.calls_text().map(|t| cell(&t)).unwrap_or_default(),
            );
            fact(
                "Verification",
                run.verification_text()
                    .map_or_else(|| "none".to_owned(), |t| cell(&t)),
            );
        }
        fact(
            "Project",
            run.project_text().map(|t| cell(&t)).unwrap_or_default(),
        );
        fact(
            "Project note",
            run.project
                .as_ref()
                .and_then(|p| p.note.as_deref())
                .map(cell)
                .unwrap_or_default(),
        );
        fact(
            "Production versions",
            run.versions_text().map(|t| cell(&t)).unwrap_or_default(),
        );
        fact(
            "Converged",
            match run.converged {
                Some(true) => "yes".to_owned(),
                Some(false) => format!(
                    "**no**, {} difference(s) remain",
                    run.remaining_differences.len()
                ),
                None => "not checked".to_owned(),
            },
        );
        let result = match (&run.result, run.exit_code) {
            (Some(result), Some(code)) => format!("{} (exit code {code})", cell(result)),
            (Some(result), None) => cell(result),
            (None, Some(code)) => format!("exit code {code}"),
            (None, None) => String::new(),
        };
        fact("Result", result);
        for (label, text) in run.record_lines(None) {
            fact(label, cell(&text));
        }
        fact("vsync", cell(&run.tool_version));

        if !s.by_entity_action.is_empty() {
            let _ = writeln!(md, "\n## Changes\n");
            let _ = writeln!(
                md,
                "| Entity | Action | Total | Applied | Failed | Skipped | Unknown | Planned |"
            );
            let _ = writeln!(md, "|---|---|--:|--:|--:|--:|--:|--:|");
            for count in &s.by_entity_action {
                let c = &count.counts;
                let _ = write!(
                    md,
                    "| {} | {} | {} |",
                    count.entity.text(),
                    count.action.label(),
                    thousands(c.total)
                );
                for status in STATUSES {
                    let _ = write!(md, " {} |", thousands(c.get(status)));
                }
                md.push('\n');
            }
            let c = &s.changes;
            let _ = write!(md, "| **Total** | | **{}** |", thousands(c.total));
            for status in STATUSES {
                let _ = write!(md, " **{}** |", thousands(c.get(status)));
            }
            md.push('\n');
        }

        if !self.problems.is_empty() {
            let _ = writeln!(md, "\n## Problems ({})\n", thousands(self.problems.len()));
            let _ = writeln!(md, "| Kind | Place | Problem |\n| --- | --- | --- |");
            for problem in &self.problems {
                let _ = writeln!(
                    md,
                    "| {} | {} | {} |",
                    cell(&problem.kind),
                    cell(problem.place().as_deref().unwrap_or("")),
                    cell(&problem.message)
                );
            }
        }

        if !self.guards.is_empty() {
            let _ = writeln!(md, "\n## Guards\n");
            for guard in &self.guards {
                let state = match (guard.tripped, guard.overridden) {
                    (false, _) => "ok",
                    (true, true) => "**tripped, overridden**",
                    (true, false) => "**tripped**",
                };
                let _ = writeln!(
                    md,
                    "- {}: {state} — {}",
                    guard.guard.text(),
                    cell(&guard.message)
                );
                if let Some(hint) = &guard.how_to_override {
                    let _ = writeln!(md, "  - To proceed: {}", cell(hint));
                }
            }
        }

        let failures: Vec<_> = self.failures().collect();
        if !failures.is_empty() {
            let _ = writeln!(md, "\n## Failures ({})\n", thousands(failures.len()));
            let _ = writeln!(
                md,
                "| Status | Entity | Action | Key | Target | Message | rci | Source |"
            );
            let _ = writeln!(md, "|---|---|---|---|---|---|---|---|");
            for row in failures.iter().take(MAX_FAILURES) {
                let message = match (row.http_status, &row.message) {
                    (Some(http), Some(message)) => format!("HTTP {http}: {message}"),
                    (Some(http), None) => format!("HTTP {http}"),
                    (None, Some(message)) => message.clone(),
                    (None, None) => String::new(),
                };
                let _ = writeln!(
                    md,
                    "| {} | {} | {} | {} | {} | {} | {} | {} |",
                    row.status.label(),
                    row.entity.text(),
                    row.action.label(),
                    cell(&row.key),
                    cell(row.target.as_deref().unwrap_or("")),
                    cell(&message),
                    row.rci
                        .as_deref()
                        .map(|r| format!("`{}`", cell(r)))
                        .unwrap_or_default(),
                    cell(&source_text(row.source.as_ref())),
                );
            }
            if failures.len() > MAX_FAILURES {
                let _ = writeln!(
                    md,
                    "\n… and {} more in the XLSX report.",
                    thousands(failures.len() - MAX_FAILURES)
                );
            }
        }

        if s.skipped + s.withheld > 0 {
            let _ = writeln!(md, "\n## Skipped and protected\n");
            let _ = writeln!(
                md,
                "{} row(s) or user(s) left alone ({} protected); {} change(s) withheld by guards.",
                thousands(s.skipped),
                thousands(s.protected),
                thousands(s.withheld)
            );
        }

        if run.converged == Some(false) && !run.remaining_differences.is_empty() {
            let _ = writeln!(md, "\n## Remaining differences\n");
            for difference in &run.remaining_differences {
                let _ = writeln!(md, "- {}", cell(difference));
            }
        }
        md
    }

    /// Writes [`to_markdown`](Self::to_markdown) to `writer`.
    pub fn write_markdown(&self, mut writer: impl Write) -> Result<(), ReportError> {
        writer
            .write_all(self.to_markdown().as_bytes())
            .map_err(ReportError::io("markdown"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\nc"), "a\\|b c");
        assert_eq!(cell("<script>"), "\\<script\\>");
    }
}
