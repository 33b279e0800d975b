//! How a run strings the crates together: read, fetch, diff, plan, apply, verify, report.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio_util::sync::CancellationToken;
use vsync_client::Client;
use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{Limits, Plan, Policy};
use vsync_executor::{ApplyOutcome, ExecError, FetchOptions, Verification};
use vsync_model::{DesiredState, LiveState};
use vsync_reader::{Mapping, ReadOptions};
use vsync_report::{RateLimitWaits, Report, RunFacts, RunMode, TerminalOptions, WrittenReport};

use crate::cli::{ColorChoice, GlobalArgs, TargetArgs};
use crate::exit::{Exit, Failure};
use crate::settings::{ConfigFile, ResolvedInput, Target, process_env};

/// What every command gets: the settings file and the output choices.
pub struct Context {
    /// The settings file.
    pub config: ConfigFile,
    /// Whether to print only warnings and errors.
    pub quiet: bool,
    /// Whether the terminal report is coloured.
    pub color: bool,
    /// Where environment variables come from.
    pub env: fn(&str) -> Option<String>,
}

impl Context {
    /// The context for `global`.
    pub fn new(global: &GlobalArgs) -> anyhow::Result<Self> {
        let config = ConfigFile::load(global.config.as_deref())?;
        let color = match global.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => vsync_report::color_enabled(
                std::io::stdout().is_terminal(),
                std::env::var_os("NO_COLOR").as_deref(),
            ),
        };
        Ok(Self {
            config,
            quiet: global.quiet,
            color,
            env: process_env,
        })
    }

    /// Prints a line for people (stdout), unless quiet.
    pub fn say(&self, line: &str) {
        if !self.quiet {
            println!("{line}");
        }
    }

    /// The tenant for these flags.
    pub fn target(&self, args: &TargetArgs) -> anyhow::Result<Target> {
        self.config.target(args, &self.env)
    }

    /// Terminal options for the report.
    pub fn terminal(&self, max_rows: usize) -> TerminalOptions {
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(120);
        TerminalOptions {
            color: self.color,
            width,
            max_rows,
        }
    }
}

/// Reads the input; problems are an invalid-input failure.
pub fn read_input(input: &ResolvedInput) -> Result<DesiredState, Failure> {
    let mut options = ReadOptions::default();
    if let Some(delimiter) = input.delimiter {
        let byte = u8::try_from(delimiter).map_err(|_| {
            Failure::new(
                Exit::Usage,
                anyhow::anyhow!("the delimiter must be one ASCII character"),
            )
        })?;
        options = options.with_delimiter(byte);
    }
    if let Some(path) = &input.mapping {
        let mapping = Mapping::load(path)
            .map_err(|e| Failure::new(Exit::InvalidInput, anyhow::Error::new(e)))?;
        options = options.with_mapping(mapping);
    }
    vsync_reader::read(&[&input.path], &options).map_err(|e| {
        Failure::new(
            Exit::InvalidInput,
            anyhow::anyhow!(
                "{} has problems; nothing was applied:\n{e}",
                input.path.display()
            ),
        )
    })
}

/// Maps an executor error to its exit code.
pub fn exec_failure(error: ExecError) -> Failure {
    let exit = match error.kind() {
        vsync_executor::ErrorKind::StalePlan => Exit::StalePlan,
        vsync_executor::ErrorKind::LockHeld => Exit::LockHeld,
        vsync_executor::ErrorKind::Auth => Exit::AuthFailed,
        vsync_executor::ErrorKind::Interrupted => Exit::Interrupted,
        _ => Exit::Error,
    };
    Failure::new(exit, error)
}

/// Reads the live state.
pub async fn fetch(client: &Client, target: &Target) -> Result<LiveState, Failure> {
    let opts = fetch_options(target);
    vsync_executor::fetch_live(client, &opts)
        .await
        .map_err(exec_failure)
}

/// The fetch options for `target`.
pub fn fetch_options(target: &Target) -> FetchOptions {
    FetchOptions {
        tenant: target
            .target_tenant
            .clone()
            .map(vsync_model::TenantCode::new),
        ..FetchOptions::default()
    }
}

/// Diffs and plans; unknown names in the file are an invalid-input failure.
pub fn make_plan(
    desired: &DesiredState,
    live: &LiveState,
    policy: &Policy,
) -> Result<Plan, Failure> {
    let changes = vsync_engine::diff(desired, live, policy).map_err(|e| {
        Failure::new(
            Exit::InvalidInput,
            anyhow::anyhow!("the input does not fit the tenant; nothing was applied:\n{e}"),
        )
    })?;
    Ok(vsync_engine::plan(&changes, &Limits::default()))
}

/// A saved plan: the engine's plan and what is needed to apply and verify it later.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanFile {
    /// Always `vsync-plan`.
    pub format: String,
    /// The file format's version.
    pub version: u32,
    /// When the plan was made, RFC 3339.
    pub created_at: String,
    /// The tenant the plan was made for (host and target tenant, no credentials).
    pub tenant: String,
    /// The input the plan was made from.
    pub input: PlanInput,
    /// The policy the plan was made under.
    pub policy: Policy,
    /// The plan.
    pub plan: Plan,
}

/// The input a plan was made from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanInput {
    /// The input file or folder.
    pub path: PathBuf,
    /// The mapping file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<PathBuf>,
    /// The CSV delimiter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
    /// SHA-256 of the input bytes.
    pub checksum: String,
    /// The files read.
    pub files: Vec<String>,
}

impl PlanInput {
    /// Records `input` as read into `desired`.
    pub fn new(input: &ResolvedInput, desired: &DesiredState) -> Self {
        Self {
            path: input.path.clone(),
            mapping: input.mapping.clone(),
            delimiter: input.delimiter,
            checksum: desired.input.checksum.clone(),
            files: desired.input.files.clone(),
        }
    }

    /// The input to read again.
    pub fn resolved(&self) -> ResolvedInput {
        ResolvedInput {
            path: self.path.clone(),
            mapping: self.mapping.clone(),
            delimiter: self.delimiter,
        }
    }
}

impl PlanFile {
    /// The format name.
    pub const FORMAT: &'static str = "vsync-plan";
    /// The current version.
    pub const VERSION: u32 = 1;

    /// Wraps a plan.
    pub fn new(tenant: String, input: PlanInput, policy: Policy, plan: Plan) -> Self {
        Self {
            format: Self::FORMAT.into(),
            version: Self::VERSION,
            created_at: now_rfc3339(),
            tenant,
            input,
            policy,
            plan,
        }
    }

    /// Writes the plan atomically.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("failed to create {}", dir.display()))?;
        }
        vsync_report::write_atomic(path, |w| {
            serde_json::to_writer_pretty(w, self).map_err(std::io::Error::other)
        })
        .with_context(|| format!("failed to write the plan to {}", path.display()))
    }

    /// Reads a plan written by [`PlanFile::save`].
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("failed to read the plan {}", path.display()))?;
        let file: Self = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a vsync plan", path.display()))?;
        if file.format != Self::FORMAT || file.version != Self::VERSION {
            anyhow::bail!(
                "{} is a {} v{} file; this vsync reads {} v{}",
                path.display(),
                file.format,
                file.version,
                Self::FORMAT,
                Self::VERSION
            );
        }
        Ok(file)
    }
}

/// The current time, RFC 3339.
pub fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// The current time as Unix milliseconds.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// What a run measured, for the report.
pub struct RunRecord<'a> {
    /// How the run was started.
    pub mode: RunMode,
    /// The tenant.
    pub target: &'a Target,
    /// The input files and checksum.
    pub input_files: Vec<String>,
    /// SHA-256 of the input.
    pub input_checksum: String,
    /// When the run started.
    pub started_at: String,
    /// The monotonic start.
    pub started: Instant,
    /// The client, for its metrics.
    pub client: &'a Client,
    /// The verification, when one was made.
    pub verification: Option<&'a Verification>,
    /// The exit code.
    pub exit: Exit,
}

impl RunRecord<'_> {
    /// The report's facts.
    pub fn facts(&self) -> RunFacts {
        let metrics = self.client.metrics();
        RunFacts {
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            tenant: Some(self.target.tenant_label()),
            target_url: Some(self.target.base_url.clone()),
            input_files: self.input_files.clone(),
            input_checksum: self.input_checksum.clone(),
            mode: self.mode,
            started_at: Some(self.started_at.clone()),
            finished_at: Some(now_rfc3339()),
            duration_ms: self.started.elapsed().as_millis() as u64,
            api_calls_used: metrics.total_calls(),
            calls_by_endpoint: metrics
                .calls
                .iter()
                .map(|(op, n)| (format!("{} {}", op.method(), op.path_template()), *n))
                .collect(),
            rate_limit_waits: RateLimitWaits {
                count: metrics.rate_limit_waits,
                total_ms: metrics.rate_limit_wait.as_millis() as u64,
            },
            retries: metrics.retries,
            converged: self.verification.map(|v| v.converged),
            remaining_differences: self
                .verification
                .map(|v| v.remaining.clone())
                .unwrap_or_default(),
            exit_code: Some(i32::from(self.exit.code())),
            result: Some(self.exit.label().to_owned()),
        }
    }
}

/// Writes the report files and prints the terminal summary and where the files are.
pub fn report(
    ctx: &Context,
    dir: &Path,
    stem: &str,
    plan: &Plan,
    outcomes: &[ChangeOutcome],
    facts: RunFacts,
    max_rows: usize,
) -> anyhow::Result<WrittenReport> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("failed to create the report folder {}", dir.display()))?;
    let report = Report::new(plan, outcomes, facts);
    let written = report
        .write_all(dir, stem)
        .with_context(|| format!("failed to write the report in {}", dir.display()))?;
    if !ctx.quiet {
        print!("{}", report.render_terminal(&ctx.terminal(max_rows)));
        println!(
            "reports: {}",
            written.paths().map(|p| p.display().to_string()).join(", ")
        );
    }
    Ok(written)
}

/// The exit code of a finished apply.
pub fn apply_exit(plan: &Plan, outcome: &ApplyOutcome) -> Exit {
    if outcome.interrupted {
        Exit::Interrupted
    } else if outcome
        .outcomes
        .iter()
        .any(|o| matches!(o.status, Status::Failed | Status::Unknown))
    {
        Exit::PartialFailure
    } else if plan.blocked() {
        Exit::GuardTripped
    } else {
        Exit::Ok
    }
}

/// After an interrupted apply: how to finish it (on stderr, where a scheduler's log has it).
pub fn say_how_to_resume(report_dir: &Path, journal: &Path) {
    let dir = report_dir.display();
    eprintln!(
        "interrupted: the calls made are recorded in {}; `vsync apply --resume --report-dir {dir}` applies the rest (or plan again)",
        journal.display()
    );
}

/// A token cancelled on Ctrl-C or SIGTERM.
pub fn shutdown_on_signal() -> CancellationToken {
    let token = CancellationToken::new();
    let cancel = token.clone();
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            else {
                return;
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::warn!(
            "interrupted: finishing the batches in flight, then writing the journal and the report"
        );
        cancel.cancel();
    });
    token
}
