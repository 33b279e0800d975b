//! How a run strings the crates together: read, fetch, diff, plan, apply, verify, report.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use vsync_client::Client;
use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{BatchLimits, Plan, Policy};
use vsync_executor::{
    ApplyOutcome, ExecError, FetchOptions, NewProject, ProjectChoice, ProjectState,
};
use vsync_model::{DesiredState, LiveState, ReadScope};
use vsync_reader::{Mapping, ReadOptions, ReadSummary};
use vsync_report::{Report, RunFacts};

use crate::context::Context;
use crate::exit::{Exit, Failure};
use crate::output::RunSummary;
use crate::runs::RunDir;
use crate::settings::{ProjectMode, ResolvedInput, Target};

mod calls;
mod prepared;
mod record;
pub use calls::{ReadCalls, remaining_bound};
pub use prepared::{PreparedRun, RunFlags};
pub use record::{RunRecord, RunStart};

/// Reads the input; problems are an invalid-input failure.
pub fn read_input(input: &ResolvedInput) -> Result<DesiredState, Failure> {
    read_input_with_summary(input).0
}

/// Reads the input, with what the reader found (the sheets, the columns nothing reads, what
/// the mapping derives), also when the input is refused.
pub fn read_input_with_summary(
    input: &ResolvedInput,
) -> (Result<DesiredState, Failure>, Option<ReadSummary>) {
    let options = match read_options(input) {
        Ok(options) => options,
        Err(failure) => return (Err(failure), None),
    };
    let outcome = vsync_reader::read_with_summary(&input.paths, &options);
    let result = outcome.result.map_err(|e| {
        let e = crate::mapping_hint::with_hint(input, &options, e);
        Failure::new(
            Exit::InvalidInput,
            anyhow::anyhow!("{} has problems; nothing was applied:\n{e}", input.names()),
        )
    });
    (result, Some(outcome.summary))
}

fn read_options(input: &ResolvedInput) -> Result<ReadOptions, Failure> {
    let mut options = ReadOptions::default().with_max_users(input.max_users);
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
    Ok(options)
}

/// Maps an executor error to its exit code.
pub fn exec_failure(error: ExecError) -> Failure {
    Failure::new(crate::exit::of_exec(&error), error)
}

/// Reads the live state, as far as `scope` goes, showing its progress.
pub async fn fetch(
    ctx: &Context,
    client: &Client,
    target: &Target,
    scope: ReadScope,
) -> Result<LiveState, Failure> {
    let opts = fetch_options(target, scope).with_progress(crate::commands::progress(ctx));
    vsync_executor::fetch_live(client, &opts)
        .await
        .map_err(exec_failure)
}

/// The fetch options for `target`, reading `scope`.
pub fn fetch_options(target: &Target, scope: ReadScope) -> FetchOptions {
    FetchOptions {
        tenant: target.tenant_code().map(vsync_model::TenantCode::new),
        scope,
        ..FetchOptions::default()
    }
}

/// How many problems of each kind the terminal shows before "and N more" (the reports list
/// all of them).
const PROBLEMS_SHOWN: usize = 20;

/// Diffs and plans; the input's problems against the tenant (unknown names, collisions) are
/// an invalid-input failure listing every one at its place.
pub fn make_plan(
    desired: &DesiredState,
    live: &LiveState,
    policy: &Policy,
) -> Result<Plan, Failure> {
    diff_plan(desired, live, policy).map_err(|e| {
        let grouped = crate::mapping_hint::derived_groups_missing(desired, &e).map_or_else(
            || Report::of_problems(&e, RunFacts::default()).problems_text(PROBLEMS_SHOWN),
            |said| format!("{said}\n"),
        );
        Failure::new(
            Exit::InvalidInput,
            anyhow::anyhow!("the input does not fit the tenant; nothing was applied:\n{grouped}"),
        )
    })
}

/// Diffs and plans.
pub fn diff_plan(
    desired: &DesiredState,
    live: &LiveState,
    policy: &Policy,
) -> Result<Plan, vsync_engine::EngineError> {
    let changes = vsync_engine::diff(desired, live, policy)?;
    Ok(vsync_engine::plan(&changes, &BatchLimits::default()))
}

/// Diffs and plans a run of `record.command`; when the input does not fit the tenant, every
/// problem is written, at its file, sheet, row and column, to the reports (XLSX Problems
/// sheet, JSON, Markdown) and `run.json` of a run folder in `report`, and the failure (exit 3)
/// lists them grouped and counted, with where the reports are.
pub fn plan_or_report(
    (desired, live): (&DesiredState, &LiveState),
    report: &crate::settings::ReportSettings,
    stem: &str,
    record: &RunRecord<'_>,
) -> Result<Plan, Failure> {
    let error = match diff_plan(desired, live, record.policy) {
        Ok(plan) => return Ok(plan),
        Err(error) => error,
    };
    let facts = record.facts();
    let problems = Report::of_problems(&error, facts.clone());
    // Derived groups the tenant lacks are said together, with how to create them.
    let grouped = crate::mapping_hint::derived_groups_missing(desired, &error).map_or_else(
        || problems.problems_text(PROBLEMS_SHOWN),
        |said| format!("{said}\n"),
    );
    let written = crate::commands::run_dir(report, record.command).and_then(|run| {
        let written = problems
            .write_all(&run.path, stem)
            .with_context(|| format!("failed to write the report in {}", run.path.display()))?;
        record.write(&run, facts)?;
        Ok(written)
    });
    let reports = match written {
        Ok(written) => format!(
            "the problems are listed in {}",
            written.paths().map(|p| p.display().to_string()).join(", ")
        ),
        Err(error) => format!("the problems could not be written to a report: {error:#}"),
    };
    Err(Failure::new(
        Exit::InvalidInput,
        anyhow::anyhow!(
            "the input does not fit the tenant; nothing was applied:\n{grouped}{reports}"
        ),
    ))
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
    /// Where the versioned changes are to be made: `auto`, `none` or a project's UUID.
    #[serde(default)]
    pub project: ProjectMode,
    /// The lists of the tenant the plan was made from (and its fingerprint covers): the
    /// staleness check and the verification read the same. A plan saved before the read was
    /// narrowed has none and was made from everything.
    #[serde(default)]
    pub read_scope: ReadScope,
    /// The plan.
    pub plan: Plan,
}

/// The input a plan was made from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanInput {
    /// The input file or folder (the first, when there are several).
    pub path: PathBuf,
    /// The further inputs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_paths: Vec<PathBuf>,
    /// The most users the tenant holds, when not Visier's cap.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_users: Option<usize>,
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
    /// SHA-256 of the mapping file, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping_checksum: Option<String>,
}

impl PlanInput {
    /// Records `input` as read into `desired`.
    pub fn new(input: &ResolvedInput, desired: &DesiredState) -> Self {
        let visier = vsync_reader::TenantLimits::VISIER.max_users;
        Self {
            path: input.paths.first().cloned().unwrap_or_default(),
            more_paths: input.paths.iter().skip(1).cloned().collect(),
            max_users: (input.max_users != visier).then_some(input.max_users),
            mapping: input.mapping.clone(),
            delimiter: input.delimiter,
            checksum: desired.input.checksum.clone(),
            files: desired.input.files.clone(),
            mapping_checksum: input.mapping.as_deref().and_then(sha256_of),
        }
    }

    /// The input to read again.
    pub fn resolved(&self) -> ResolvedInput {
        ResolvedInput {
            paths: std::iter::once(self.path.clone())
                .chain(self.more_paths.iter().cloned())
                .collect(),
            mapping: self.mapping.clone(),
            delimiter: self.delimiter,
            max_users: self
                .max_users
                .unwrap_or(vsync_reader::TenantLimits::VISIER.max_users),
        }
    }
}

impl PlanFile {
    /// The format name.
    pub const FORMAT: &'static str = "vsync-plan";
    /// The current version.
    pub const VERSION: u32 = 1;

    /// Wraps a plan made from a read of `read_scope`.
    pub fn new(
        tenant: String,
        input: PlanInput,
        policy: Policy,
        (read_scope, plan): (ReadScope, Plan),
    ) -> Self {
        Self {
            format: Self::FORMAT.into(),
            version: Self::VERSION,
            created_at: vsync_executor::now_rfc3339(),
            tenant,
            input,
            policy,
            project: ProjectMode::default(),
            read_scope,
            plan,
        }
    }

    /// The plan, to be applied in `project`.
    #[must_use]
    pub fn in_project(mut self, project: ProjectMode) -> Self {
        self.project = project;
        self
    }

    /// Writes the plan atomically.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("failed to create {}", dir.display()))?;
        }
        vsync_fs::write_with(path, |w| {
            serde_json::to_writer_pretty(w, self).map_err(std::io::Error::other)
        })
        .map_err(vsync_fs::Error::into_io)
        .with_context(|| format!("failed to write the plan to {}", path.display()))
    }

    /// Reads a plan written by [`PlanFile::save`]; another kind of file is named for what it
    /// is, with what `apply` expects.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let bytes = std::fs::read(path)
            .with_context(|| format!("failed to read the plan {}", path.display()))?;
        if let Some(what) = not_a_plan(&bytes) {
            anyhow::bail!(
                "{} is {what}, not a plan: `vsync apply` takes the plan file that \
                 `vsync plan --out plan.json` writes (to preview this input instead, run \
                 `vsync plan --input {} --out plan.json`)",
                path.display(),
                path.display()
            );
        }
        // The versions first, so an older plan is refused by version rather than by the first
        // field whose shape changed.
        #[derive(Deserialize)]
        struct Versions {
            format: String,
            version: u32,
            plan: PlanVersion,
        }
        #[derive(Deserialize)]
        struct PlanVersion {
            version: u32,
        }
        let versions: Versions = serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a vsync plan", path.display()))?;
        if versions.format != Self::FORMAT || versions.version != Self::VERSION {
            anyhow::bail!(
                "{} is a {} v{} file; this vsync reads {} v{}",
                path.display(),
                versions.format,
                versions.version,
                Self::FORMAT,
                Self::VERSION
            );
        }
        if versions.plan.version != vsync_engine::PLAN_VERSION {
            anyhow::bail!(
                "{} holds a plan of version {}; this vsync applies version {}: plan again",
                path.display(),
                versions.plan.version,
                vsync_engine::PLAN_VERSION
            );
        }
        serde_json::from_slice(&bytes)
            .with_context(|| format!("{} is not a vsync plan", path.display()))
    }
}

/// The current time as Unix milliseconds.
pub fn now_ms() -> i64 {
    (OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

/// What a plan file is when it is not a plan, in a few words.
fn not_a_plan(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Some("a zip archive (an XLSX workbook?)");
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Some("an old Excel (.xls) workbook");
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Some("not a text file");
    };
    let text = text.trim_start_matches('\u{feff}').trim_start();
    if text.is_empty() {
        return Some("empty");
    }
    if !text.starts_with('{') {
        return Some(
            if text
                .lines()
                .next()
                .is_some_and(|l| l.contains(',') || l.contains(';'))
            {
                "a CSV file (an input file?)"
            } else {
                "not a JSON file"
            },
        );
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Err(_) => Some("not valid JSON"),
        Ok(value) => match value.get("format").and_then(serde_json::Value::as_str) {
            Some(PlanFile::FORMAT) => None,
            Some("vsync-report") => Some("a vsync report"),
            _ => Some("a JSON file without `\"format\": \"vsync-plan\"`"),
        },
    }
}

/// SHA-256 of a file's bytes, lower-case hex; `None` when it cannot be read.
pub fn sha256_of(path: &Path) -> Option<String> {
    use sha2::Digest as _;
    let bytes = std::fs::read(path).ok()?;
    Some(hex::encode(sha2::Sha256::digest(&bytes)))
}

/// Writes the report files and `run.json` into the run's folder, prints the terminal summary
/// and where the files are; returns the run's summary.
pub fn report(
    ctx: &Context,
    run: &RunDir,
    stem: &str,
    (plan, outcomes): (&Plan, &[ChangeOutcome]),
    record: &RunRecord<'_>,
    max_rows: usize,
) -> anyhow::Result<RunSummary> {
    let mut facts = record.facts();
    facts.calls = Some(record.calls(plan));
    let report = Report::new(plan, outcomes, facts.clone());
    if let Some(project) = report.run.project.as_ref().filter(|p| !p.published) {
        // On stderr too, where a scheduler's log has it.
        tracing::warn!(
            project = %project.id,
            "{}",
            project.note.as_deref().unwrap_or("the run's project was not published")
        );
    }
    let written = report
        .write_all(&run.path, stem)
        .with_context(|| format!("failed to write the report in {}", run.path.display()))?;
    record.write(run, facts)?;
    ctx.out
        .block(&report.render_terminal(&ctx.terminal(max_rows)));
    if ctx.out.is_json() {
        ctx.say(&report.summary.headline);
    }
    ctx.say(&format!(
        "reports: {}",
        written.paths().map(|p| p.display().to_string()).join(", ")
    ));
    Ok(RunSummary {
        run_dir: Some(run.path.clone()),
        changes: Some(report.summary.changes),
        planned_calls: Some(report.summary.planned_calls),
        calls: Some(report.run.api_calls_used),
        retry_budget: report.run.retry_budget,
        converged: report.run.converged,
        reports: written.paths().map(Path::to_path_buf).to_vec(),
        project: report.run.project.clone(),
        ..RunSummary::new(record.command)
    })
}

/// The exit code of a finished apply: a project held back or not published is a partial
/// failure.
pub fn apply_exit(plan: &Plan, outcome: &ApplyOutcome) -> Exit {
    let held = outcome
        .project
        .as_ref()
        .is_some_and(|p| matches!(p.state, ProjectState::Held | ProjectState::PublishFailed));
    if outcome.interrupted {
        Exit::Interrupted
    } else if held
        || outcome
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

/// Where the executor makes the versioned changes of a run of `command` on `target` that
/// started at `started_at` from the input with SHA-256 `checksum`: a new draft project named
/// after all four (`auto`), continuing in `continue_in` when the last run left one.
pub fn project_choice(
    target: &Target,
    mode: &ProjectMode,
    command: &str,
    (started_at, checksum): (&str, &str),
    continue_in: Option<vsync_model::ProjectId>,
) -> ProjectChoice {
    match mode {
        ProjectMode::None => ProjectChoice::None,
        ProjectMode::Id(id) => ProjectChoice::Existing {
            id: id.clone(),
            publish: target.publish,
        },
        ProjectMode::Auto => {
            let hash: String = checksum.chars().take(8).collect();
            // To the second: `2026-12-01T02:00:00Z`.
            let time = started_at.split(['.', 'Z']).next().unwrap_or(started_at);
            ProjectChoice::Auto {
                project: NewProject {
                    name: format!("vsync {command} {time}Z input {hash}"),
                    description: Some(format!(
                        "User groups, memberships and permission assignments changed by vsync {}                          ({command} of the input with SHA-256 {checksum}), published as one                          production version.",
                        env!("CARGO_PKG_VERSION")
                    )),
                    ticket_number: target.ticket.clone(),
                },
                continue_in,
            }
        }
    }
}

/// The draft project the last applying run in `report_dir` left unpublished for this tenant,
/// when it is still open: read from that run's journal (its `project` record without a
/// `projectPublished` one), then checked against the tenant's open projects.
pub async fn earlier_draft(
    report_dir: &Path,
    target: &Target,
    client: &Client,
) -> Option<vsync_model::ProjectId> {
    let run = crate::runs::resumable(report_dir)?;
    let kept = PlanFile::load(&run.kept_plan()).ok()?;
    if kept.tenant != target.tenant_label() {
        return None;
    }
    let journal = vsync_executor::JournalState::load(&run.journal()).ok()?;
    let project = journal.unpublished_project()?;
    match client.projects().list_open_projects().await {
        Ok(open)
            if open
                .iter()
                .any(|p| p.id.as_deref() == Some(project.id.as_str())) =>
        {
            tracing::info!(project = %project.id, run = %run.path.display(), "continuing in the draft project the last run left unpublished");
            Some(project.id.clone())
        }
        Ok(_) => {
            tracing::warn!(project = %project.id, "the last run's draft project is no longer open (published or discarded in Visier): this run starts from the tenant as it is");
            None
        }
        Err(error) => {
            tracing::warn!(project = %project.id, "could not check the last run's draft project: {error}");
            None
        }
    }
}

/// The client to check an apply with: in its project while the project is unpublished, in
/// production otherwise.
pub fn verify_client(client: &Client, outcome: &ApplyOutcome) -> Client {
    match &outcome.project {
        Some(project) if !project.published() => client.in_project(Some(project.id.as_str())),
        _ => client.clone(),
    }
}

/// After an interrupted apply: how to finish it (on stderr, where a scheduler's log has it).
pub fn say_how_to_resume(report_dir: &Path, journal: &Path) {
    tracing::warn!(
        journal = %journal.display(),
        "interrupted: the calls made are recorded in the journal; `vsync apply --resume --report-dir {}` applies the rest (or plan again)",
        report_dir.display()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_that_is_not_a_plan_is_named_for_what_it_is() {
        assert_eq!(
            not_a_plan(b"PK\x03\x04rest"),
            Some("a zip archive (an XLSX workbook?)")
        );
        assert_eq!(not_a_plan(&[0xff, 0xfe, 0x00]), Some("not a text file"));
        assert_eq!(
            not_a_plan(b"username,displayName\na@b.c,A\n"),
            Some("a CSV file (an input file?)")
        );
        assert_eq!(
            not_a_plan(br#"{"format": "vsync-report"}"#),
            Some("a vsync report")
        );
        assert_eq!(not_a_plan(br#"{"format": "vsync-plan"}"#), None);
    }

    /// Regression test: a plan saved before the plan format changed must be refused by its
    /// version, with a message that says to plan again, not with a field parse error.
    #[test]
    fn a_plan_of_an_older_version_is_refused_by_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.plan.json");
        let old = serde_json::json!({
            "format": PlanFile::FORMAT,
            "version": PlanFile::VERSION,
            "plan": {"version": 1, "phases": [{"calls": [{"operation": {"op": "createUsers"}}]}]},
        });
        std::fs::write(&path, old.to_string()).unwrap();
        let error = PlanFile::load(&path).unwrap_err().to_string();
        assert!(
            error.contains("plan of version 1") && error.contains("plan again"),
            "{error}"
        );
    }

    /// Regression test: a plan saved before the read was narrowed has no `readScope`; it was
    /// made (and fingerprinted) from everything, so its staleness check must read everything.
    #[test]
    fn a_plan_without_a_read_scope_was_made_from_everything() {
        let file = PlanFile::new(
            "t".into(),
            PlanInput {
                path: "users.csv".into(),
                more_paths: Vec::new(),
                max_users: None,
                mapping: None,
                delimiter: None,
                checksum: String::new(),
                files: Vec::new(),
                mapping_checksum: None,
            },
            Policy::default(),
            (
                ReadScope::USERS,
                make_plan(
                    &DesiredState::default(),
                    &LiveState::default(),
                    &Policy::default(),
                )
                .unwrap(),
            ),
        );
        let mut json = serde_json::to_value(&file).unwrap();
        assert_eq!(json["readScope"]["groups"], false);
        json.as_object_mut().unwrap().remove("readScope");
        let old: PlanFile = serde_json::from_value(json).unwrap();
        assert_eq!(old.read_scope, ReadScope::ALL);
    }
}
