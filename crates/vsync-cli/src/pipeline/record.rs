//! [`RunRecord`]: the facts of one run, for its report's run section and its `run.json`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use serde::Serialize;
use vsync_client::Client;
use vsync_engine::Policy;
use vsync_executor::{ApplyOutcome, Verification};
use vsync_report::{
    FileHash, ProductionVersions, RateLimitWaits, RunFacts, RunMode, RunPolicy, RunProject,
};

use crate::exit::Exit;
use crate::runs::RunDir;
use crate::settings::Target;

use super::{PlanInput, ReadCalls, sha256_of};

/// The facts of one run, collected as it goes: the report's run section is made from them,
/// and the run folder's `run.json` records all of them (who signed in where, the input and
/// mapping with their hashes, the policy and its guard limits, the project, the version).
pub struct RunRecord<'a> {
    /// The command (`plan`, `apply`, `sync`).
    pub command: &'static str,
    /// How the run was started.
    pub mode: RunMode,
    /// The tenant.
    pub target: &'a Target,
    /// The input, as a plan records it.
    pub input: &'a PlanInput,
    /// The policy, guards included.
    pub policy: &'a Policy,
    /// When the run started.
    pub started: &'a RunStart,
    /// The client, for its metrics.
    pub client: &'a Client,
    /// The verification, when one was made.
    pub verification: Option<&'a Verification>,
    /// The run whose journal this run continued.
    pub resumes: Option<PathBuf>,
    /// The read the run planned from or checked its plan against (none for a resume).
    pub read: ReadCalls,
    /// The fewest calls the writes take, when not the plan's lower bound (a resume: the
    /// bound of what was left).
    pub writes_bound: Option<u64>,
    /// What the apply did, when it applied: its project and production versions.
    pub applied: Option<&'a ApplyOutcome>,
    /// The exit code.
    pub exit: Exit,
}

/// When a run started: the time its record states, and the instant its duration counts from.
#[derive(Debug, Clone)]
pub struct RunStart {
    /// The monotonic start.
    pub instant: Instant,
    /// The wall-clock start, RFC 3339.
    pub at: String,
}

impl RunStart {
    /// A run starting now.
    pub fn now() -> Self {
        Self {
            instant: Instant::now(),
            at: vsync_executor::now_rfc3339(),
        }
    }
}

impl<'a> RunRecord<'a> {
    /// The record of a run of `command` in `mode`, started at `started`, on `target` through
    /// `client`, of `input` under `policy`. It starts with no read, verification, resumed run,
    /// writes' bound or apply, and with an unexpected error for its exit; the `with_*` methods
    /// set what the run did and how it ended.
    pub fn new(
        command: &'static str,
        mode: RunMode,
        started: &'a RunStart,
        (target, client): (&'a Target, &'a Client),
        (input, policy): (&'a PlanInput, &'a Policy),
    ) -> Self {
        Self {
            command,
            mode,
            target,
            input,
            policy,
            started,
            client,
            verification: None,
            resumes: None,
            read: ReadCalls::default(),
            writes_bound: None,
            applied: None,
            exit: Exit::Error,
        }
    }

    /// The run's read: what it planned from or checked its plan against.
    pub fn with_read(mut self, read: ReadCalls) -> Self {
        self.read = read;
        self
    }

    /// The verification of the apply, when one was made.
    pub fn with_verification(mut self, verification: Option<&'a Verification>) -> Self {
        self.verification = verification;
        self
    }

    /// The run folder whose journal this run continued, when it is a resume.
    pub fn with_resumes(mut self, resumes: Option<PathBuf>) -> Self {
        self.resumes = resumes;
        self
    }

    /// The fewest calls the writes take, when not the plan's lower bound.
    pub fn with_writes_bound(mut self, writes_bound: Option<u64>) -> Self {
        self.writes_bound = writes_bound;
        self
    }

    /// What the apply did, when the run applied.
    pub fn with_applied(mut self, applied: Option<&'a ApplyOutcome>) -> Self {
        self.applied = applied;
        self
    }

    /// How the run ended.
    pub fn with_exit(mut self, exit: Exit) -> Self {
        self.exit = exit;
        self
    }
}

/// `run.json`: the facts of a run, in its folder.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RunJson<'a> {
    format: &'static str,
    version: u32,
    command: &'static str,
    vsync_version: &'static str,
    tenant: String,
    target_url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<&'a str>,
    auth_method: String,
    project: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    project_id: Option<&'a str>,
    non_versioned: bool,
    input: &'a PlanInput,
    policy: &'a Policy,
    #[serde(skip_serializing_if = "Option::is_none")]
    resumes: Option<&'a Path>,
    facts: RunFacts,
}

impl RunRecord<'_> {
    /// The report's facts.
    pub fn facts(&self) -> RunFacts {
        let metrics = self.client.metrics();
        RunFacts {
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            tenant: Some(self.target.tenant_label()),
            target_url: Some(self.target.base_url.clone()),
            input_files: self.input.files.clone(),
            input_checksum: self.input.checksum.clone(),
            mode: self.mode,
            started_at: Some(self.started.at.clone()),
            finished_at: Some(vsync_executor::now_rfc3339()),
            duration_ms: self.started.instant.elapsed().as_millis() as u64,
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
            retry_budget: Some(vsync_report::RetryBudgetUse {
                used: metrics.retry_budget_spent,
                size: metrics.retry_budget_size(),
            }),
            converged: self.verification.map(|v| v.converged),
            remaining_differences: self
                .verification
                .map(|v| v.remaining.clone())
                .unwrap_or_default(),
            verification: self.verification.map(|v| vsync_report::RunVerification {
                method: v.mode.as_str().to_owned(),
                confirmed: v.confirmed as u64,
                uncertain: v.uncertain as u64,
                reread: v
                    .reread
                    .map(|scope| scope.lists().into_iter().map(str::to_owned).collect())
                    .unwrap_or_default(),
                reread_calls: v.reread_calls,
                settled: v.settled.len() as u64,
            }),
            calls: None,
            exit_code: Some(i32::from(self.exit.code())),
            result: Some(self.exit.label().to_owned()),
            project: self
                .applied
                .and_then(|a| a.project.as_ref())
                .map(|p| RunProject {
                    id: p.id.to_string(),
                    name: p.name.clone(),
                    published: p.published(),
                    note: p.message.clone(),
                }),
            production_versions: self
                .applied
                .and_then(|a| a.production_versions.as_ref())
                .map(|versions| ProductionVersions {
                    count: versions.len() as u64,
                    ids: versions.iter().filter_map(|v| v.id.clone()).collect(),
                }),
            account: self.target.account.clone(),
            inputs: self.input_hashes(),
            mapping: self.input.mapping.as_ref().map(|path| FileHash {
                path: path.display().to_string(),
                sha256: self.input.mapping_checksum.clone().unwrap_or_default(),
            }),
            policy: Some(RunPolicy::from_policy(self.policy)),
            project_choice: Some(self.target.project.to_string()),
        }
    }

    /// Each input file with its SHA-256: one file's is the input's checksum, several are
    /// hashed one by one.
    fn input_hashes(&self) -> Vec<FileHash> {
        let files = &self.input.files;
        if let [only] = files.as_slice() {
            return vec![FileHash {
                path: only.clone(),
                sha256: self.input.checksum.clone(),
            }];
        }
        files
            .iter()
            .map(|file| FileHash {
                path: file.clone(),
                sha256: sha256_of(Path::new(file)).unwrap_or_default(),
            })
            .collect()
    }

    /// Writes `run.json` into the run's folder.
    pub fn write(&self, run: &RunDir, facts: RunFacts) -> anyhow::Result<()> {
        let json = RunJson {
            format: "vsync-run",
            version: 1,
            command: self.command,
            vsync_version: env!("CARGO_PKG_VERSION"),
            tenant: self.target.tenant_label(),
            target_url: vsync_report::redact_url(&self.target.base_url),
            account: self.target.account.as_deref(),
            auth_method: self.target.method.to_string(),
            project: self.target.project.to_string(),
            project_id: self
                .applied
                .and_then(|a| a.project.as_ref())
                .map(|p| p.id.as_str())
                .or_else(|| self.target.project.id().map(vsync_model::ProjectId::as_str)),
            non_versioned: self.target.non_versioned,
            input: self.input,
            policy: self.policy,
            resumes: self.resumes.as_deref(),
            facts,
        };
        let path = run.path.join(crate::runs::RUN_FILE);
        vsync_fs::write_with(&path, |w| {
            serde_json::to_writer_pretty(w, &json).map_err(std::io::Error::other)
        })
        .map_err(vsync_fs::Error::into_io)
        .with_context(|| format!("failed to write {}", path.display()))
    }
}
