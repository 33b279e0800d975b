//! What the command prints, for its reader: lines and the terminal report for a person, or
//! one JSON object a line for a scheduler (`--log-format json`), ending with the result
//! ([`RunSummary`], the `run_finished` event) in either form.
//!
//! A closed stdout (`vsync plan | head -1`) is not an error: printing stops quietly and the
//! run ends with its own exit code.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;
use serde_json::json;
use vsync_report::StatusCounts;

use crate::cli::LogFormat;
use crate::exit::Exit;

/// The terminal width when neither the terminal nor `$COLUMNS` says.
pub const DEFAULT_WIDTH: usize = 100;

/// Where a command's output goes.
#[derive(Debug)]
pub struct Output {
    json: bool,
    quiet: bool,
    stdout_closed: AtomicBool,
}

impl Output {
    /// Output in `format`; `quiet` keeps only warnings, errors and the result.
    pub fn new(format: LogFormat, quiet: bool) -> Self {
        Self {
            json: format == LogFormat::Json,
            quiet,
            stdout_closed: AtomicBool::new(false),
        }
    }

    /// Whether every line is JSON.
    pub fn is_json(&self) -> bool {
        self.json
    }

    /// Whether only warnings, errors and the result are printed.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// A line for people: on stdout as text, or as a `message` event; nothing when quiet.
    pub fn say(&self, line: &str) {
        if self.quiet {
            return;
        }
        if self.json {
            self.event("message", json!({ "message": line }));
        } else {
            self.stdout(&format!("{line}\n"));
        }
    }

    /// Text for people only (the terminal report): not in JSON mode, nor when quiet.
    pub fn block(&self, text: &str) {
        if !self.quiet && !self.json {
            self.stdout(text);
        }
    }

    /// Text that is the command's answer (`vsync config`, completions): printed even when
    /// quiet, as it is in text mode.
    pub fn answer(&self, text: &str) {
        self.stdout(text);
    }

    /// One JSON event on stdout (JSON mode only): `{"timestamp", "level", "event", ...}`.
    pub fn event(&self, event: &str, fields: serde_json::Value) {
        if !self.json {
            return;
        }
        let mut object = serde_json::Map::new();
        object.insert("timestamp".into(), json!(vsync_executor::now_rfc3339()));
        object.insert("level".into(), json!("INFO"));
        object.insert("event".into(), json!(event));
        if let serde_json::Value::Object(fields) = fields {
            object.extend(fields);
        }
        self.stdout(&format!("{}\n", serde_json::Value::Object(object)));
    }

    /// The error that ended the run, on stderr, with each cause once.
    pub fn error(&self, error: &anyhow::Error) {
        let message = format!("{error:#}");
        let line = if self.json {
            json!({
                "timestamp": vsync_executor::now_rfc3339(),
                "level": "ERROR",
                "event": "error",
                "message": message,
            })
            .to_string()
        } else {
            format!("error: {message}")
        };
        // Nothing is left to tell anyone when stderr is closed too.
        let _ = writeln!(std::io::stderr(), "{line}");
    }

    /// The result: the `run_finished` event in JSON mode, a one-line summary in text mode
    /// (printed even when quiet).
    pub fn finished(&self, exit: Exit, summary: &RunSummary, error: Option<&anyhow::Error>) {
        if self.json {
            let mut fields = serde_json::to_value(summary).unwrap_or_else(|_| json!({}));
            if let serde_json::Value::Object(map) = &mut fields {
                map.insert("exit_code".into(), json!(exit.code()));
                map.insert("result".into(), json!(exit.label()));
                if let Some(error) = error {
                    map.insert("error".into(), json!(format!("{error:#}")));
                }
            }
            self.event("run_finished", fields);
        } else if error.is_none() {
            self.stdout(&format!("{}\n", summary.line(exit)));
        }
    }

    /// Writes to stdout; after the first failure (a closed pipe) nothing more is written.
    fn stdout(&self, text: &str) {
        if self.stdout_closed.load(Ordering::Relaxed) {
            return;
        }
        let mut out = std::io::stdout().lock();
        if out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .is_err()
        {
            self.stdout_closed.store(true, Ordering::Relaxed);
        }
    }
}

/// The terminal's width: the terminal itself, then `$COLUMNS`, then [`DEFAULT_WIDTH`].
pub fn terminal_width(columns: Option<&str>) -> usize {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(width, _)| usize::from(width.0))
        .or_else(|| columns.and_then(|c| c.trim().parse().ok()))
        .filter(|&w| w > 0)
        .unwrap_or(DEFAULT_WIDTH)
}

/// What a run did, for its last line: the `run_finished` event, or the one-line summary.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunSummary {
    /// The command (`plan`, `sync`, ...).
    pub command: String,
    /// The run's own folder in the report folder.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_dir: Option<PathBuf>,
    /// The changes by status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<StatusCounts>,
    /// The calls the plan needs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub planned_calls: Option<usize>,
    /// The API calls made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calls: Option<u64>,
    /// The run's retry budget, used and size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_budget: Option<vsync_report::RetryBudgetUse>,
    /// Whether a re-read after the apply matched the input.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converged: Option<bool>,
    /// Users read or written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users: Option<usize>,
    /// Groups read or written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub groups: Option<usize>,
    /// The plan written or applied.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<PathBuf>,
    /// The report files.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reports: Vec<PathBuf>,
    /// Other files written (an export, audit reports).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<PathBuf>,
    /// The draft project the run made its versioned changes in, and whether it was published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<vsync_report::RunProject>,
}

impl RunSummary {
    /// A summary of `command` with nothing recorded yet.
    pub fn new(command: &str) -> Self {
        Self {
            command: command.to_owned(),
            ..Self::default()
        }
    }

    /// The summary in one line of text.
    pub fn line(&self, exit: Exit) -> String {
        let mut line = format!(
            "vsync {}: {} (exit {})",
            self.command,
            exit.label(),
            exit.code()
        );
        if let Some(c) = &self.changes {
            let mut parts = Vec::new();
            for (n, what) in [
                (c.planned, "planned"),
                (c.applied, "applied"),
                (c.failed, "failed"),
                (c.unknown, "unknown"),
                (c.skipped, "skipped"),
            ] {
                if n > 0 {
                    parts.push(format!("{n} {what}"));
                }
            }
            if parts.is_empty() {
                line.push_str(", no changes");
            } else {
                let _ = write!(line, ", {} changes: {}", c.total, parts.join(", "));
            }
        }
        if let (Some(users), Some(groups)) = (self.users, self.groups) {
            let _ = write!(line, ", {users} users and {groups} groups");
        }
        if let Some(calls) = self.calls {
            let _ = write!(line, ", {calls} API calls");
        }
        if let Some(budget) = self.retry_budget.filter(|b| b.used > 0) {
            let _ = write!(
                line,
                ", retry budget {} of {} used",
                budget.used, budget.size
            );
        }
        if let Some(dir) = &self.run_dir {
            let _ = write!(line, "; reports in {}", dir.display());
        } else if let Some(file) = self.files.first() {
            let _ = write!(line, "; wrote {}", file.display());
        }
        line
    }
}

/// A command's result: its exit code and what it did.
#[derive(Debug)]
pub struct Finished {
    /// The exit code.
    pub exit: Exit,
    /// What the run did.
    pub summary: RunSummary,
}

impl Finished {
    /// A result.
    pub fn new(exit: Exit, summary: RunSummary) -> Self {
        Self { exit, summary }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_width_falls_back_to_columns_then_100() {
        // Tests run with stdout captured or piped: no terminal to ask.
        if terminal_size::terminal_size_of(std::io::stdout()).is_none() {
            assert_eq!(terminal_width(Some("80")), 80);
            assert_eq!(terminal_width(Some("wide")), DEFAULT_WIDTH);
            assert_eq!(terminal_width(None), DEFAULT_WIDTH);
        }
    }

    #[test]
    fn the_one_line_summary_counts_what_happened() {
        let summary = RunSummary {
            command: "sync".into(),
            changes: Some(StatusCounts {
                total: 5,
                applied: 4,
                failed: 1,
                ..StatusCounts::default()
            }),
            calls: Some(9),
            retry_budget: Some(vsync_report::RetryBudgetUse { used: 0, size: 100 }),
            run_dir: Some("r/2026-12-01T02-00-00Z-sync".into()),
            ..RunSummary::default()
        };
        assert_eq!(
            summary.line(Exit::PartialFailure),
            "vsync sync: partial-failure (exit 5), 5 changes: 4 applied, 1 failed, 9 API calls; \
             reports in r/2026-12-01T02-00-00Z-sync"
        );
        let retried = RunSummary {
            retry_budget: Some(vsync_report::RetryBudgetUse { used: 7, size: 100 }),
            ..summary
        };
        assert_eq!(
            retried.line(Exit::PartialFailure),
            "vsync sync: partial-failure (exit 5), 5 changes: 4 applied, 1 failed, 9 API calls, \
             retry budget 7 of 100 used; reports in r/2026-12-01T02-00-00Z-sync"
        );
    }
}
