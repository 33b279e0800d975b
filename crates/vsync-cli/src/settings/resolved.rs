//! What the layering resolves to: each group of settings with every value's [`Setting`]
//! source, and the engine's [`Policy`] built from them.

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use vsync_engine::{Deprovision, Guard, GuardSettings, Mode, Policy};
use vsync_model::UserKey;

use super::layers::{STATE_DIR_VAR, Secret, Setting, Source};
use crate::cli::{AuthMethodArg, GuardName};

/// Runs kept in the report folder when no retention is set.
pub const DEFAULT_KEEP_RUNS: usize = 30;

/// The tenant, the sign-in and the API budget, resolved but not yet checked.
#[derive(Debug, Clone)]
pub struct Connection {
    /// `tenant.host`.
    pub host: Setting<Option<String>>,
    /// `tenant.auth`.
    pub auth: Setting<Option<AuthMethodArg>>,
    /// `tenant.username`.
    pub username: Setting<Option<String>>,
    /// `tenant.vanity`.
    pub vanity: Setting<Option<String>>,
    /// `tenant.client_id`.
    pub client_id: Setting<Option<String>>,
    /// `tenant.tenant_code`.
    pub tenant_code: Setting<Option<String>>,
    /// The API key.
    pub api_key: Setting<Option<Secret>>,
    /// The password.
    pub password: Setting<Option<Secret>>,
    /// The OAuth 2.0 client secret.
    pub client_secret: Setting<Option<Secret>>,
    /// A bearer token.
    pub token: Setting<Option<Secret>>,
    /// `tenant.allow_insecure_http`.
    pub allow_insecure_http: Setting<bool>,
    /// `limits.rate_limit_minute`.
    pub rate_limit_minute: Setting<u32>,
    /// `limits.rate_limit_hour`.
    pub rate_limit_hour: Setting<u32>,
    /// `limits.rate_share`.
    pub rate_share: Setting<f64>,
    /// The rate-limit clock's speed (simulated tenants only).
    pub rate_time_scale: Setting<f64>,
}

/// Where a run makes its versioned changes: `tenant.project`, `--project`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ProjectMode {
    /// A draft project made for the run when it has versioned changes, published once.
    #[default]
    Auto,
    /// Production: one production version per versioned request.
    None,
    /// This project, as it is (published only when asked).
    Id(vsync_model::ProjectId),
}

impl ProjectMode {
    /// `auto`, `none`, or a project's UUID (any case; written back in its canonical form).
    pub fn parse(value: &str) -> anyhow::Result<Self> {
        let value = value.trim();
        if value.eq_ignore_ascii_case("auto") {
            return Ok(Self::Auto);
        }
        if value.eq_ignore_ascii_case("none") {
            return Ok(Self::None);
        }
        match uuid::Uuid::try_parse(value) {
            Ok(id) => Ok(Self::Id(vsync_model::ProjectId::new(
                id.hyphenated().to_string(),
            ))),
            Err(_) => bail!(
                "the project must be `auto`, `none` or a project's UUID (such as \
                 0b6c2a46-6c38-4f0e-9d0e-3f5b1a4c9e21), not {value:?}"
            ),
        }
    }

    /// The project's ID, when one is given.
    pub fn id(&self) -> Option<&vsync_model::ProjectId> {
        match self {
            Self::Id(id) => Some(id),
            _ => None,
        }
    }
}

impl std::fmt::Display for ProjectMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Auto => f.write_str("auto"),
            Self::None => f.write_str("none"),
            Self::Id(id) => f.write_str(id.as_str()),
        }
    }
}

impl serde::Serialize for ProjectMode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ProjectMode {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// The project a run works in, and whether changes are versioned.
#[derive(Debug, Clone)]
pub struct Project {
    /// `tenant.project`.
    pub project: Setting<ProjectMode>,
    /// `tenant.publish`: publish a given project after the run.
    pub publish: Setting<bool>,
    /// `tenant.publish_partial`: publish the run's project even after a partial failure.
    pub publish_partial: Setting<bool>,
    /// `tenant.ticket`: the change ticket recorded on the run's project.
    pub ticket: Setting<Option<String>>,
    /// `tenant.non_versioned`.
    pub non_versioned: Setting<bool>,
}

impl Project {
    /// No project, versioned changes: what read-only commands use.
    pub fn none() -> Self {
        Self {
            project: Setting::new(ProjectMode::None, Source::Default),
            publish: Setting::new(false, Source::Default),
            publish_partial: Setting::new(false, Source::Default),
            ticket: Setting::new(None, Source::Default),
            non_versioned: Setting::new(false, Source::Default),
        }
    }

    /// Reads in the draft project `id` (`export --project`), otherwise production.
    pub fn reading(id: Option<ProjectMode>) -> Self {
        let mut project = Self::none();
        if let Some(id) = id {
            project.project = Setting::new(id, Source::Flag("--project"));
        }
        project
    }
}

/// The input to read.
#[derive(Debug, Clone)]
pub struct InputSettings {
    /// The files or folders (flags only).
    pub paths: Vec<PathBuf>,
    /// `input.mapping`.
    pub mapping: Setting<Option<PathBuf>>,
    /// `input.delimiter`.
    pub delimiter: Setting<Option<char>>,
    /// `input.max_users`: the most users the tenant holds.
    pub max_users: Setting<usize>,
}

impl InputSettings {
    /// The input, or the usage error of a missing `--input`.
    pub fn resolved(&self) -> anyhow::Result<ResolvedInput> {
        if self.paths.is_empty() {
            bail!("no input file: pass --input FILE");
        }
        Ok(ResolvedInput {
            paths: self.paths.clone(),
            mapping: self.mapping.value.clone(),
            delimiter: self.delimiter.value,
            max_users: self.max_users.value,
        })
    }
}

/// The input to read.
#[derive(Debug, Clone)]
pub struct ResolvedInput {
    /// The files or folders.
    pub paths: Vec<PathBuf>,
    /// The mapping file.
    pub mapping: Option<PathBuf>,
    /// The CSV delimiter.
    pub delimiter: Option<char>,
    /// The most users the tenant holds.
    pub max_users: usize,
}

impl ResolvedInput {
    /// One file or folder, read with a mapping or not, under Visier's cap on users.
    pub fn one(path: PathBuf, mapping: Option<PathBuf>) -> Self {
        Self {
            paths: vec![path],
            mapping,
            delimiter: None,
            max_users: vsync_reader::TenantLimits::VISIER.max_users,
        }
    }

    /// The inputs as a message names them.
    pub fn names(&self) -> String {
        let names: Vec<String> = self.paths.iter().map(|p| p.display().to_string()).collect();
        names.join(", ")
    }
}

/// The policy and guards, resolved.
#[derive(Debug, Clone)]
pub struct PolicySettings {
    /// `policy.mode`.
    pub mode: Setting<String>,
    /// `policy.deprovision`.
    pub deprovision: Setting<String>,
    /// `policy.scope`.
    pub scope: Setting<Vec<String>>,
    /// `policy.protected`, with `--protect` added.
    pub protected: Setting<Vec<String>>,
    /// `policy.manage_groups`.
    pub manage_groups: Setting<bool>,
    /// Each removal guard's count and percent, in [`GUARD_CLASSES`] order.
    pub guards: Vec<(Setting<usize>, Setting<u32>)>,
    /// `guards.refuse_removals_on_empty_input`.
    pub refuse_removals_on_empty_input: Setting<bool>,
    /// `guards.max_row_drop_percent`.
    pub max_row_drop_percent: Setting<Option<u32>>,
    /// `--force`.
    pub force: Vec<GuardName>,
}

/// The removal guards, in the order of [`PolicySettings::guards`].
pub const GUARD_CLASSES: [&str; 5] = [
    "deletes",
    "disables",
    "membership removals",
    "permission revocations",
    "group deletes",
];

impl PolicySettings {
    /// The engine's policy, for a run signed in as `signed_in_as` at `now_ms`.
    pub fn policy(&self, signed_in_as: Option<&str>, now_ms: i64) -> anyhow::Result<Policy> {
        Ok(Policy {
            mode: parse_mode(&self.mode.value)?,
            deprovision: parse_deprovision(&self.deprovision.value)?,
            scope: self.scope.value.clone(),
            protected: self.protected.value.clone(),
            manage_groups: self.manage_groups.value,
            signed_in_as: signed_in_as.map(UserKey::new),
            now_ms,
            guards: self.guards(),
            ..Policy::default()
        })
    }

    fn guards(&self) -> GuardSettings {
        let mut s = GuardSettings::default();
        {
            let classes: [&mut Guard; 5] = [
                &mut s.deletes,
                &mut s.disables,
                &mut s.membership_removals,
                &mut s.permission_revocations,
                &mut s.group_deletes,
            ];
            for (guard, (count, percent)) in classes.into_iter().zip(&self.guards) {
                guard.max_count = count.value;
                guard.max_percent = percent.value;
            }
        }
        s.refuse_removals_on_empty_input = self.refuse_removals_on_empty_input.value;
        s.max_row_drop_percent = self.max_row_drop_percent.value;
        for name in &self.force {
            match name {
                GuardName::Deletes => s.deletes.r#override = true,
                GuardName::Disables => s.disables.r#override = true,
                GuardName::MembershipRemovals => s.membership_removals.r#override = true,
                GuardName::PermissionRevocations => s.permission_revocations.r#override = true,
                GuardName::GroupDeletes => s.group_deletes.r#override = true,
                GuardName::SourceChecks => s.override_source_checks = true,
                GuardName::All => {
                    for guard in [
                        &mut s.deletes,
                        &mut s.disables,
                        &mut s.membership_removals,
                        &mut s.permission_revocations,
                        &mut s.group_deletes,
                    ] {
                        guard.r#override = true;
                    }
                    s.override_source_checks = true;
                }
            }
        }
        s
    }
}

/// The report folder, its history and the state folder, resolved.
#[derive(Debug, Clone)]
pub struct ReportSettings {
    /// `report.dir`.
    pub dir: Setting<PathBuf>,
    /// `report.keep_runs`.
    pub keep_runs: Setting<Option<usize>>,
    /// `report.keep_days`.
    pub keep_days: Setting<Option<u32>>,
    /// `state.dir`; `None` when neither it nor a home folder is known.
    pub state_dir: Setting<Option<PathBuf>>,
    /// Write into the report folder itself instead of a new run folder in it (the demo).
    pub in_place: bool,
}

impl ReportSettings {
    /// The folder of the tenant locks.
    pub fn lock_dir(&self) -> anyhow::Result<PathBuf> {
        match &self.state_dir.value {
            Some(dir) => Ok(dir.join("locks")),
            None => bail!(
                "no state folder for the tenant locks: set {STATE_DIR_VAR}, state.dir in \
                 vsync.toml, or HOME"
            ),
        }
    }
}

fn parse_mode(text: &str) -> anyhow::Result<Mode> {
    match text {
        "mirror" => Ok(Mode::Mirror),
        "upsert" => Ok(Mode::Upsert),
        "update-only" | "update_only" => Ok(Mode::UpdateOnly),
        other => bail!("unknown mode {other:?}: expected mirror, upsert or update-only"),
    }
}

/// Parses `disable`, `delete` or `delete-after-days:N`.
pub fn parse_deprovision(text: &str) -> anyhow::Result<Deprovision> {
    match text {
        "disable" => Ok(Deprovision::Disable),
        "delete" => Ok(Deprovision::Delete),
        other => match other.strip_prefix("delete-after-days:") {
            Some(days) => Ok(Deprovision::DeleteAfterDisabledDays(
                days.parse()
                    .with_context(|| format!("bad day count in {other:?}"))?,
            )),
            None => bail!(
                "unknown deprovisioning {other:?}: expected disable, delete or delete-after-days:N"
            ),
        },
    }
}
