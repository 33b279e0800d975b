//! Command-line arguments.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use vsync_client::credentials::var;

/// Keeps Visier users, user groups and permission assignments in step with a spreadsheet.
///
/// Settings come from `vsync.toml`, then the `VISIER_*` environment variables, then flags
/// (flags win). Secrets come only from the environment or from files.
#[derive(Debug, Parser)]
#[command(name = "vsync", version, about, long_about, propagate_version = true)]
#[command(
    after_help = "Exit codes: 0 ok, 1 error, 2 changes pending (plan --detailed-exitcode), \
3 invalid input, 4 guard tripped, 5 partial failure, 6 stale plan, 7 lock held, 8 auth failed, \
64 usage, 130 interrupted."
)]
pub struct Cli {
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,

    /// Options shared by every command.
    #[command(flatten)]
    pub global: GlobalArgs,
}

/// Options shared by every command.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// The settings file (default: ./vsync.toml when present).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// More log output (-v: debug, -vv: trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count, conflicts_with = "quiet")]
    pub verbose: u8,

    /// Less output: warnings, errors and the one-line result.
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Output format: `text` for people; `json` for schedulers: every line on stdout and
    /// stderr is one JSON object, and the last is the `run_finished` result.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// When to colour the terminal output (NO_COLOR is honoured).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// Log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object a line.
    Json,
}

/// Colour choices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Preview the changes a sync would make; changes nothing.
    #[command(
        after_help = "Example:\n  vsync plan --input hris.csv --mapping mapping.toml --out plan.json"
    )]
    Plan(PlanArgs),

    /// Apply a saved plan (stale check, lock, journal, verification).
    #[command(after_help = "Examples:\n  vsync apply plan.json\n  vsync apply plan.json --resume")]
    Apply(ApplyArgs),

    /// Plan and apply in one step, with every guard on: the nightly job.
    #[command(
        after_help = "Example:\n  vsync sync --input /data/hris/export.csv --mapping mapping.toml"
    )]
    Sync(SyncArgs),

    /// Write the live tenant to a spreadsheet in the input format.
    #[command(
        after_help = "Examples:\n  vsync export --out tenant.xlsx\n  vsync export --out tenant-csv/"
    )]
    Export(ExportArgs),

    /// Check an input file without touching a tenant.
    #[command(after_help = "Example:\n  vsync validate --input hris.xlsx --mapping mapping.toml")]
    Validate(ValidateArgs),

    /// Download Visier's five XLSX audit reports.
    #[command(
        after_help = "Example:\n  vsync audit --out audit/ --since 2026-11-01 --user jane.doe@example.com"
    )]
    Audit(AuditArgs),

    /// Run the simulated Visier tenant.
    #[command(
        after_help = "Example:\n  vsync sim --port 8080 --seed-users 5000 --state tenant.json"
    )]
    Sim(vsync_sim::cli::SimArgs),

    /// Show the product end to end against an embedded simulated tenant.
    #[command(after_help = "Example:\n  vsync demo --out demo-reports")]
    Demo(DemoArgs),

    /// Measure read, diff + plan and apply on this machine, against an in-process simulated
    /// tenant.
    #[command(
        after_help = "Example:\n  vsync bench --scenario nightly --scenario no-change\n  vsync bench --scenario initial-load --load-users 30000 --rate-limit-minute 100 --time-scale 30"
    )]
    Bench(BenchArgs),

    /// List the open draft projects, or publish or discard one (a run's held draft).
    #[command(
        after_help = "Examples:\n  vsync project list\n  vsync project publish 0b6c2a46-6c38-4f0e-9d0e-3f5b1a4c9e21\n  vsync project discard 0b6c2a46-6c38-4f0e-9d0e-3f5b1a4c9e21"
    )]
    Project(ProjectCommandArgs),

    /// Show every setting as resolved (flag, environment, settings file, default) and where
    /// it came from; secrets are never shown.
    #[command(after_help = "Example:\n  vsync --config /etc/vsync/vsync.toml config")]
    Config(ConfigArgs),

    /// Print shell completions.
    #[command(after_help = "Example:\n  vsync completions bash > /etc/bash_completion.d/vsync")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// The variable that sets `--rate-time-scale` (simulated tenants only).
pub const RATE_TIME_SCALE_VAR: &str = "VSYNC_RATE_TIME_SCALE";

/// Where the tenant is and how to sign in.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// The tenant's API host, with its scheme: `https://acme.api.visier.io`.
    #[arg(long, value_name = "URL", env = var::HOST)]
    pub host: Option<String>,

    /// How to sign in [default: oauth-password with a client id and secret, bearer with a
    /// token only, else asid].
    #[arg(long, value_enum)]
    pub auth: Option<AuthMethodArg>,

    /// The user vsync signs in as; always protected from changes.
    #[arg(long, env = var::USERNAME)]
    pub username: Option<String>,

    /// The vanity name for ASID sign-in.
    #[arg(long, env = var::VANITY)]
    pub vanity: Option<String>,

    /// The OAuth2 client id.
    #[arg(long, env = var::CLIENT_ID)]
    pub client_id: Option<String>,

    /// A file holding the API key (VISIER_APIKEY holds the key itself).
    #[arg(long, value_name = "FILE")]
    pub api_key_file: Option<PathBuf>,

    /// A file holding the password (VISIER_PASSWORD holds the password itself).
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// A file holding the OAuth2 client secret (VISIER_CLIENT_SECRET holds the secret
    /// itself).
    #[arg(long, value_name = "FILE")]
    pub client_secret_file: Option<PathBuf>,

    /// A file holding a bearer token, for `--auth bearer` (VISIER_TOKEN holds the token
    /// itself).
    #[arg(long, value_name = "FILE")]
    pub token_file: Option<PathBuf>,

    /// The analytic tenant to work in (sent as the `TargetTenantID` header).
    #[arg(long, alias = "target-tenant", value_name = "CODE", env = var::TENANT_CODE)]
    pub tenant_code: Option<String>,

    /// Allow plain http to a host that is not a loopback address (never do this with real
    /// credentials).
    #[arg(long)]
    pub allow_insecure_http: bool,

    /// Calls a minute vsync may make [default: 100].
    #[arg(long)]
    pub rate_limit_minute: Option<u32>,

    /// Calls an hour vsync may make [default: 6000].
    #[arg(long)]
    pub rate_limit_hour: Option<u32>,

    /// The share of the tenant's rate limit vsync may use, leaving the rest to other
    /// integrations (0.1 to 1.0) [default: 1.0].
    #[arg(long)]
    pub rate_share: Option<f64>,

    /// How much faster than real time the tenant's rate-limit clock runs: match a simulated
    /// tenant started with `--time-scale F` (a minute lasts 60/F seconds). 1 for a real tenant.
    #[arg(long, hide = true, value_name = "F", env = RATE_TIME_SCALE_VAR)]
    pub rate_time_scale: Option<f64>,
}

/// Where changes are made: a project, or production.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Project")]
pub struct ProjectArgs {
    /// Where the versioned changes (user groups, memberships, permission assignments) are
    /// made. `auto` [default]: in a draft project made for the run when it has such changes,
    /// published once at the end (one production version per run); `none`: in production,
    /// one production version per request; a project's UUID: in that project, published only
    /// with `--publish` (for `plan`, the plan is made against that draft's state).
    #[arg(long, value_name = "auto|none|UUID")]
    pub project: Option<String>,

    /// The same as `--project <UUID>`.
    #[arg(long, value_name = "UUID", hide = true, conflicts_with = "project")]
    pub project_id: Option<String>,

    /// Publish the project given with `--project <UUID>` after the run.
    #[arg(long)]
    pub publish: bool,

    /// Publish the run's project even when some of its versioned changes failed (by default
    /// it is kept as a draft holding the applied part).
    #[arg(long)]
    pub publish_partial: bool,

    /// The change ticket recorded on the run's project (`ticketNumber`).
    #[arg(long, value_name = "TICKET")]
    pub ticket: Option<String>,

    /// Apply changes without a new production version (`NonVersioned: true`).
    #[arg(long)]
    pub non_versioned: bool,
}

/// How `apply` and `sync` check what they applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerifyArg {
    /// From the write answers; re-read only the lists that show changes they left unknown.
    Answers,
    /// Re-read everything the plan read and diff it again (migrations, audits).
    Full,
}

impl VerifyArg {
    /// The executor's mode.
    pub fn mode(self) -> vsync_executor::VerifyMode {
        match self {
            Self::Answers => vsync_executor::VerifyMode::Answers,
            Self::Full => vsync_executor::VerifyMode::Full,
        }
    }
}

/// How to sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethodArg {
    /// Username and password for an ASID token.
    Asid,
    /// OAuth2 password grant (client id and secret, username and password).
    OauthPassword,
    /// A bearer token obtained elsewhere.
    Bearer,
}

impl AuthMethodArg {
    /// The name as written on the command line and in `vsync.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Asid => "asid",
            Self::OauthPassword => "oauth-password",
            Self::Bearer => "bearer",
        }
    }
}

/// The input file and how to read it.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// The input: an XLSX workbook, a CSV file, or a folder of CSV files. May be given several
    /// times (an HRIS export and a user-groups file, in any names): what each holds comes from
    /// its sheet names, its file name or its header.
    #[arg(long, short = 'i', value_name = "FILE")]
    pub input: Vec<PathBuf>,

    /// A mapping file for HRIS exports whose columns are not vsync's.
    #[arg(long, short = 'm', value_name = "FILE")]
    pub mapping: Option<PathBuf>,

    /// The CSV delimiter (sniffed when not given).
    #[arg(long, value_name = "CHAR")]
    pub delimiter: Option<char>,

    /// The most users the tenant holds [default: 25000, Visier's cap; 100 on trial tenants].
    #[arg(long, value_name = "N")]
    pub max_users: Option<usize>,
}

/// What a run may touch.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Policy")]
pub struct PolicyArgs {
    /// mirror: create, update and deprovision; upsert: never remove; update-only: never create.
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,

    /// What happens to users absent from the file: `disable`, `delete`, or
    /// `delete-after-days:N` (delete users disabled for N days).
    #[arg(long, value_name = "HOW")]
    pub deprovision: Option<String>,

    /// Only users whose username matches one of these patterns (e.g. `*@example.com`).
    #[arg(long, value_name = "PATTERN")]
    pub scope: Vec<String>,

    /// Users never changed or removed (patterns, e.g. `admin*`).
    #[arg(long, value_name = "PATTERN")]
    pub protect: Vec<String>,

    /// Manage every group: delete groups the file does not mention (mirror mode).
    #[arg(long)]
    pub manage_groups: bool,

    /// Override a guard: deletes, disables, membership-removals, permission-revocations,
    /// group-deletes, source-checks, or all.
    #[arg(long, value_name = "GUARD")]
    pub force: Vec<GuardName>,
}

/// Run modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// Create, update and deprovision.
    Mirror,
    /// Create and update; never remove.
    Upsert,
    /// Update existing users only.
    UpdateOnly,
}

impl ModeArg {
    /// The name as written on the command line and in `vsync.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Mirror => "mirror",
            Self::Upsert => "upsert",
            Self::UpdateOnly => "update-only",
        }
    }
}

/// Guards that `--force` can override.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GuardName {
    /// User deletions.
    Deletes,
    /// User disables.
    Disables,
    /// Membership removals.
    MembershipRemovals,
    /// Permission and profile revocations.
    PermissionRevocations,
    /// Group deletions.
    GroupDeletes,
    /// The empty-file and row-drop checks.
    SourceChecks,
    /// Every guard.
    All,
}

/// Where reports go, how many runs are kept, and where vsync keeps its state.
#[derive(Debug, Clone, Default, Args)]
#[command(next_help_heading = "Reports")]
pub struct ReportArgs {
    /// The folder for reports and journals: each run writes into its own folder in it, and
    /// `latest` points at the newest [default: ./vsync-reports].
    #[arg(long, value_name = "DIR")]
    pub report_dir: Option<PathBuf>,

    /// The most change rows printed on the terminal.
    #[arg(long, default_value_t = 40)]
    pub max_rows: usize,

    /// Keep the newest N runs' folders [default: 30, unless --keep-days is set].
    #[arg(long, value_name = "N")]
    pub keep_runs: Option<usize>,

    /// Keep the runs of the last N days.
    #[arg(long, value_name = "N")]
    pub keep_days: Option<u32>,

    /// The folder for vsync's own state, the tenant locks [default:
    /// $XDG_STATE_HOME/vsync, else ~/.local/state/vsync].
    #[arg(long, value_name = "DIR", env = crate::settings::STATE_DIR_VAR)]
    pub state_dir: Option<PathBuf>,

    /// Write into the report folder itself rather than a new run folder (the demo's steps).
    #[arg(skip)]
    pub in_place: bool,
}

/// `vsync plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The tenant.
    #[command(flatten)]
    pub target: ConnectionArgs,
    /// The project.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The reports.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Where to write the plan [default: <report dir>/plan.json].
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Exit with 2 when there are changes to apply (0 when in sync).
    #[arg(long)]
    pub detailed_exitcode: bool,
}

/// `vsync apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// The plan to apply (made by `vsync plan --out`).
    #[arg(value_name = "PLAN", required_unless_present = "resume")]
    pub plan: Option<PathBuf>,
    /// Continue an interrupted apply from its journal.
    #[arg(long)]
    pub resume: bool,
    /// Apply even if the tenant changed since the plan was made: re-plan and show the
    /// difference first.
    #[arg(long)]
    pub allow_stale: bool,
    /// Batches in flight at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// How to check what was applied [default: answers].
    #[arg(long, value_enum)]
    pub verify: Option<VerifyArg>,
    /// The tenant.
    #[command(flatten)]
    pub target: ConnectionArgs,
    /// The project.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The reports.
    #[command(flatten)]
    pub report: ReportArgs,
}

/// `vsync sync`.
#[derive(Debug, Args)]
pub struct SyncArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The tenant.
    #[command(flatten)]
    pub target: ConnectionArgs,
    /// The project.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The reports.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Batches in flight at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// How to check what was applied [default: answers].
    #[arg(long, value_enum)]
    pub verify: Option<VerifyArg>,
    /// Plan and report, but send no change.
    #[arg(long)]
    pub dry_run: bool,
}

/// `vsync export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The file to write: `.xlsx`, or a folder for CSV files.
    #[arg(long, short = 'o', value_name = "PATH")]
    pub out: PathBuf,
    /// Export a draft project's state (production with its unpublished changes) instead of
    /// production.
    #[arg(long, value_name = "UUID")]
    pub project: Option<String>,
    /// The tenant.
    #[command(flatten)]
    pub target: ConnectionArgs,
}

/// `vsync project`.
#[derive(Debug, Args)]
pub struct ProjectCommandArgs {
    /// What to do.
    #[arg(value_enum)]
    pub action: ProjectAction,
    /// The project (for `publish` and `discard`).
    #[arg(value_name = "UUID", required_if_eq_any = [("action", "publish"), ("action", "discard")])]
    pub id: Option<String>,
    /// The tenant.
    #[command(flatten)]
    pub target: ConnectionArgs,
}

/// What `vsync project` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProjectAction {
    /// List the open draft projects.
    List,
    /// Publish a draft project as one production version (`commitAndPublish`).
    Publish,
    /// Discard a draft project and its changes.
    Discard,
}

/// `vsync validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
}

/// `vsync audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The folder for the reports.
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// Start of the application-log range (YYYY-MM-DD, inclusive) [default: 30 days ago].
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// End of the application-log range (YYYY-MM-DD, exclusive) [default: tomorrow].
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// The user whose data security report to download [default: the signed-in user].
    #[arg(long, value_name = "USERNAME")]
    pub user: Option<String>,
    /// The tenant.
    #[command(flatten)]
    pub target: ConnectionArgs,
}

/// `vsync demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// The folder for the demo's reports [default: ./vsync-demo].
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// A folder holding `hris_export.csv` and `mapping.toml` to play instead of the built-in
    /// HRIS export and mapping (the ones in the repository's `fixtures/hris/`).
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
}

/// `vsync config`.
#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// The input.
    #[command(flatten)]
    pub input: InputArgs,
    /// The policy.
    #[command(flatten)]
    pub policy: PolicyArgs,
    /// The tenant.
    #[command(flatten)]
    pub target: ConnectionArgs,
    /// The project.
    #[command(flatten)]
    pub project: ProjectArgs,
    /// The reports.
    #[command(flatten)]
    pub report: ReportArgs,
    /// Batches in flight at once.
    #[arg(long)]
    pub concurrency: Option<usize>,
}

/// `vsync bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Users to generate.
    #[arg(long, default_value_t = 20_000)]
    pub users: usize,
    /// Runs of the in-memory steps (read, diff + plan); the median is shown.
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// The initial load's calls a minute (L).
    #[arg(long, default_value_t = 100)]
    pub rate_limit_minute: u32,
    /// How much faster the initial load's clock runs, the tenant's and the client's (a minute
    /// lasts 60/F seconds).
    #[arg(long, default_value_t = 30.0)]
    pub time_scale: f64,
    /// Users the initial load creates.
    #[arg(long, default_value_t = 30_000)]
    pub load_users: usize,
    /// The simulated tenant's answer latency, in milliseconds.
    #[arg(long, default_value_t = 50)]
    pub latency_ms: u64,
    /// What to run (repeatable).
    #[arg(long, value_enum, default_values_t = [BenchScenario::Local, BenchScenario::Nightly, BenchScenario::NoChange, BenchScenario::InitialLoad])]
    pub scenario: Vec<BenchScenario>,
}

/// A part of `vsync bench`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BenchScenario {
    /// Read and diff + plan in memory.
    Local,
    /// The nightly 1 % delta of 5,000 and of 20,000 users under 100 calls a minute.
    Nightly,
    /// A no-change plan of 25,000 users under 100 calls a minute.
    NoChange,
    /// The initial load under a time-scaled limit.
    InitialLoad,
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::Cli;
    use crate::settings::file::ConfigFile;

    /// Visier documents no client-credentials grant: the sign-in is not offered, on the
    /// command line nor in `vsync.toml`, and the error lists the methods there are.
    #[test]
    fn the_unsupported_client_credentials_sign_in_is_refused() {
        let err = Cli::try_parse_from(["vsync", "plan", "--auth", "oauth-client"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("asid") && err.contains("oauth-password") && err.contains("bearer"),
            "{err}"
        );
        assert!(Cli::try_parse_from(["vsync", "plan", "--auth", "oauth-password"]).is_ok());
        let err = ConfigFile::parse(
            "[tenant]\nauth = \"oauth-client\"\n",
            std::path::Path::new("vsync.toml"),
        )
        .unwrap_err();
        assert!(format!("{err:#}").contains("oauth-client"), "{err:#}");
    }
}
