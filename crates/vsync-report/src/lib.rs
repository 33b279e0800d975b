//! The reconcile report of vsync: what a run planned, what happened, and what to do next.
//!
//! [`Report::new`] reads a [`Plan`](vsync_engine::Plan), the executor's
//! [`ChangeOutcome`](vsync_engine::outcome::ChangeOutcome)s and the caller's [`RunFacts`]
//! (tool version, tenant, the signed-in account, the input files and mapping with their
//! hashes, the policy and its guards' limits, timings, call counts) and builds one normalised
//! [`ReportRow`] per change, a [`Summary`], and the [`GuardRow`]s, [`SkipRow`]s and
//! [`CallRow`]s. Every format renders those same rows, so counts agree across formats:
//!
//! - [`Report::write_xlsx`]: Summary (figures and a chart), Changes, Failures, Skipped and
//!   Calls sheets as Excel tables ([`SHEETS`]), and a Problems sheet ([`PROBLEMS_SHEET`])
//!   when the input's problems stopped the run;
//! - [`Report::write_json`]: the versioned JSON ([`REPORT_VERSION`], schema in
//!   `schema/report-v1.schema.json`);
//! - [`Report::write_markdown`]: a summary for an email or a ticket;
//! - [`Report::render_terminal`]: a compact summary and change table with inline diffs,
//!   under [`TerminalOptions`].
//!
//! [`Report::of_problems`] is the report of a run the input's problems stopped before it
//! planned: every [`ProblemRow`] with its file, sheet, row and column, and
//! [`Report::problems_text`] groups them for the terminal.
//!
//! [`Report::write_all`] writes the XLSX, JSON and Markdown files with [`vsync_fs::write`], so a
//! crash never leaves half a report in place of the last good one. [`sanitize_cell`] escapes
//! spreadsheet formula injection for every text cell (and for CSV writers elsewhere).
//!
//! No credential can reach a report: [`RunFacts`] has no field for one, and the target URL is
//! stripped of user information and query strings ([`redact_url`]).
//!
//! The crate reads no clock and makes no network call; its only file-system access is
//! [`Report::write_all`], through [`vsync_fs`].
//!
//! ```
//! use vsync_engine::{BatchLimits, Policy, diff, plan};
//! use vsync_model::{DesiredState, DesiredUser, LiveState, SourceRef};
//! use vsync_report::{Report, RunFacts, RunMode};
//!
//! let desired = DesiredState {
//!     users: vec![DesiredUser {
//!         username: "ada@example.com".into(),
//!         display_name: Some("Ada Lovelace".into()),
//!         source: SourceRef::csv("users.csv", 2),
//!         ..DesiredUser::default()
//!     }],
//!     ..DesiredState::default()
//! };
//! let changes = diff(&desired, &LiveState::default(), &Policy::default()).unwrap();
//! let plan = plan(&changes, &BatchLimits::default());
//! let facts = RunFacts {
//!     mode: RunMode::DryRun,
//!     ..RunFacts::default()
//! };
//! // A dry run: no outcomes yet, every change is planned.
//! let report = Report::new(&plan, &[], facts);
//! assert_eq!(report.changes.len(), 1);
//! assert_eq!(report.changes[0].fields[1].field, "displayName");
//!
//! let mut json = Vec::new();
//! report.write_json(&mut json).unwrap();
//! assert!(String::from_utf8(json).unwrap().contains("ada@example.com"));
//! ```
#![deny(missing_docs)]

mod error;
mod facts;
mod format;
mod json;
mod markdown;
mod model;
mod problems;
mod sanitize;
mod terminal;
mod xlsx;

use std::path::{Path, PathBuf};

pub use error::{ErrorKind, ReportError};
pub use facts::{
    CallBreakdown, FileHash, GuardLimit, ProductionVersions, RateLimitWaits, RetryBudgetUse,
    RunFacts, RunMode, RunPolicy, RunProject, RunVerification, redact_url,
};
pub use format::{Label, thousands};
pub use model::{
    CallRow, EntityActionCount, FieldRow, GuardRow, REPORT_FORMAT, REPORT_VERSION, Report,
    ReportRow, RowSource, STATUSES, SkipKind, SkipRow, StatusCounts, Summary,
};
pub use problems::{PROBLEMS_SHEET, ProblemRow};
pub use sanitize::sanitize_cell;
pub use terminal::{TerminalOptions, color_enabled};
pub use xlsx::SHEETS;

/// The files [`Report::write_all`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenReport {
    /// `<stem>.xlsx`.
    pub xlsx: PathBuf,
    /// `<stem>.json`.
    pub json: PathBuf,
    /// `<stem>.md`.
    pub markdown: PathBuf,
}

impl WrittenReport {
    /// The paths, XLSX first.
    pub fn paths(&self) -> [&Path; 3] {
        [&self.xlsx, &self.json, &self.markdown]
    }
}

impl Report {
    /// Writes `<dir>/<stem>.xlsx`, `<stem>.json` and `<stem>.md`, each atomically.
    pub fn write_all(&self, dir: &Path, stem: &str) -> Result<WrittenReport, ReportError> {
        let written = WrittenReport {
            xlsx: dir.join(format!("{stem}.xlsx")),
            json: dir.join(format!("{stem}.json")),
            markdown: dir.join(format!("{stem}.md")),
        };
        // Build the workbook first: a failure there leaves every file as it was.
        let xlsx = self.to_xlsx()?;
        let write = |path: &Path, bytes: &[u8]| {
            vsync_fs::write(path, bytes).map_err(|e| ReportError::Write {
                path: path.to_owned(),
                source: e.into_io(),
            })
        };
        let mut json = Vec::new();
        self.write_json(&mut json)?;
        write(&written.xlsx, &xlsx)?;
        write(&written.json, &json)?;
        write(&written.markdown, self.to_markdown().as_bytes())?;
        Ok(written)
    }
}
