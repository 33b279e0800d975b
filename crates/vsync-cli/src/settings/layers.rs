//! The layering: for every setting, secrets included, a flag wins over its environment
//! variable, which wins over the settings file, which wins over the default. Each resolved
//! value keeps its [`Source`], so `vsync config` can say where it came from.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::parser::ValueSource;
use secrecy::SecretString;
use vsync_client::RateLimit;
use vsync_client::credentials::var;
use vsync_engine::{Guard, GuardSettings};

use super::file::ConfigFile;
pub use super::resolved::{
    Connection, DEFAULT_KEEP_RUNS, GUARD_CLASSES, InputSettings, PolicySettings, Project,
    ProjectMode, ReportSettings, ResolvedInput, parse_deprovision,
};
use crate::cli::{ConnectionArgs, InputArgs, PolicyArgs, ProjectArgs, ReportArgs};

/// Where environment variables come from (the process, or a fixed map for the demo and tests).
pub type Env = fn(&str) -> Option<String>;

/// The process environment; an empty variable counts as unset.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// The variable that overrides the state folder (the tenant locks).
pub const STATE_DIR_VAR: &str = "VSYNC_STATE_DIR";

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag(&'static str),
    /// An environment variable.
    Env(&'static str),
    /// The settings file.
    File(PathBuf),
    /// vsync's default.
    Default,
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag(flag) => write!(f, "flag {flag}"),
            Source::Env(name) => write!(f, "env {name}"),
            Source::File(path) => write!(f, "{}", path.display()),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A resolved value and where it came from.
#[derive(Debug, Clone)]
pub struct Setting<T> {
    /// The value.
    pub value: T,
    /// Where it came from.
    pub source: Source,
}

impl<T> Setting<T> {
    pub(crate) fn new(value: T, source: Source) -> Self {
        Self { value, source }
    }
}

/// A secret, or the file that holds it: files are read only when the secret is needed.
#[derive(Clone)]
pub enum Secret {
    /// The value itself (from the environment, or written in the settings file).
    Value(SecretString),
    /// A file holding it.
    File(PathBuf),
}

impl Secret {
    /// The secret, reading its file if it is one.
    pub fn read(&self) -> anyhow::Result<SecretString> {
        match self {
            Secret::Value(value) => Ok(value.clone()),
            Secret::File(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("failed to read secret file {}", path.display()))?;
                let value = text.trim();
                if value.is_empty() {
                    bail!("secret file {} is empty", path.display());
                }
                Ok(SecretString::from(value.to_owned()))
            }
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Value(_) => f.write_str("Value([redacted])"),
            Secret::File(path) => f.debug_tuple("File").field(path).finish(),
        }
    }
}

/// Which command-line values clap took from the environment (`env = ...` on the argument)
/// rather than from a flag. Arguments are named by their clap id (the field name).
#[derive(Debug, Default, Clone)]
pub struct ArgSources {
    from_env: HashSet<String>,
}

impl ArgSources {
    /// Reads the sources of the leaf subcommand's values.
    pub fn from_matches(matches: &clap::ArgMatches) -> Self {
        let mut leaf = matches;
        while let Some((_, sub)) = leaf.subcommand() {
            leaf = sub;
        }
        let from_env = leaf
            .ids()
            .filter(|id| leaf.value_source(id.as_str()) == Some(ValueSource::EnvVariable))
            .map(|id| id.as_str().to_owned())
            .collect();
        Self { from_env }
    }

    fn came_from_env(&self, id: &str) -> bool {
        self.from_env.contains(id)
    }
}

/// The layers every setting is resolved through.
pub struct Layers<'a> {
    /// The settings file (empty when there is none).
    pub file: &'a ConfigFile,
    /// The environment, for the variables clap does not read itself (secrets, the state
    /// folder's defaults).
    pub env: Env,
    /// Which command-line values came from the environment.
    pub args: &'a ArgSources,
}

impl Layers<'_> {
    fn file_source(&self) -> Source {
        Source::File(
            self.file
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from("vsync.toml")),
        )
    }

    /// The first of: the command line (a flag, or the variable clap read for it), the file,
    /// the default.
    pub(super) fn pick<T>(
        &self,
        id: &str,
        flag: &'static str,
        env: Option<&'static str>,
        cli: Option<T>,
        file: Option<T>,
        default: T,
    ) -> Setting<T> {
        if let Some(value) = cli {
            let source = match env {
                Some(name) if self.args.came_from_env(id) => Source::Env(name),
                _ => Source::Flag(flag),
            };
            return Setting::new(value, source);
        }
        match file {
            Some(value) => Setting::new(value, self.file_source()),
            None => Setting::new(default, Source::Default),
        }
    }

    /// A secret: the flag's file, then the variable, then the file's `*_file`, then a value
    /// written in the file (when allowed).
    fn secret(
        &self,
        flag: (&'static str, Option<&PathBuf>),
        name: &'static str,
        file_path: Option<&PathBuf>,
        inline: Option<&String>,
    ) -> Setting<Option<Secret>> {
        if let Some(path) = flag.1 {
            return Setting::new(Some(Secret::File(path.clone())), Source::Flag(flag.0));
        }
        if let Some(value) = (self.env)(name) {
            return Setting::new(
                Some(Secret::Value(SecretString::from(value))),
                Source::Env(name),
            );
        }
        if let Some(path) = file_path {
            return Setting::new(Some(Secret::File(path.clone())), self.file_source());
        }
        match inline {
            Some(value) => Setting::new(
                Some(Secret::Value(SecretString::from(value.clone()))),
                self.file_source(),
            ),
            None => Setting::new(None, Source::Default),
        }
    }

    /// The tenant, the sign-in and the API budget.
    pub fn connection(&self, args: &ConnectionArgs) -> Connection {
        let t = &self.file.tenant;
        let l = &self.file.limits;
        let defaults = RateLimit::default();
        Connection {
            host: self.pick(
                "host",
                "--host",
                Some(var::HOST),
                args.host.clone().map(Some),
                t.host.clone().map(Some),
                None,
            ),
            auth: self.pick(
                "auth",
                "--auth",
                None,
                args.auth.map(Some),
                t.auth.map(Some),
                None,
            ),
            username: self.pick(
                "username",
                "--username",
                Some(var::USERNAME),
                args.username.clone().map(Some),
                t.username.clone().map(Some),
                None,
            ),
            vanity: self.pick(
                "vanity",
                "--vanity",
                Some(var::VANITY),
                args.vanity.clone().map(Some),
                t.vanity.clone().map(Some),
                None,
            ),
            client_id: self.pick(
                "client_id",
                "--client-id",
                Some(var::CLIENT_ID),
                args.client_id.clone().map(Some),
                t.client_id.clone().map(Some),
                None,
            ),
            tenant_code: self.pick(
                "tenant_code",
                "--tenant-code",
                Some(var::TENANT_CODE),
                args.tenant_code.clone().map(Some),
                t.tenant_code.clone().map(Some),
                None,
            ),
            api_key: self.secret(
                ("--api-key-file", args.api_key_file.as_ref()),
                var::APIKEY,
                t.api_key_file.as_ref(),
                t.api_key.as_ref(),
            ),
            password: self.secret(
                ("--password-file", args.password_file.as_ref()),
                var::PASSWORD,
                t.password_file.as_ref(),
                t.password.as_ref(),
            ),
            client_secret: self.secret(
                ("--client-secret-file", args.client_secret_file.as_ref()),
                var::CLIENT_SECRET,
                t.client_secret_file.as_ref(),
                t.client_secret.as_ref(),
            ),
            token: self.secret(
                ("--token-file", args.token_file.as_ref()),
                var::TOKEN,
                t.token_file.as_ref(),
                t.token.as_ref(),
            ),
            allow_insecure_http: self.pick(
                "allow_insecure_http",
                "--allow-insecure-http",
                None,
                args.allow_insecure_http.then_some(true),
                t.allow_insecure_http,
                false,
            ),
            rate_limit_minute: self.pick(
                "rate_limit_minute",
                "--rate-limit-minute",
                None,
                args.rate_limit_minute,
                l.rate_limit_minute,
                defaults.per_minute,
            ),
            rate_limit_hour: self.pick(
                "rate_limit_hour",
                "--rate-limit-hour",
                None,
                args.rate_limit_hour,
                l.rate_limit_hour,
                defaults.per_hour,
            ),
            rate_share: self.pick(
                "rate_share",
                "--rate-share",
                None,
                args.rate_share,
                l.rate_share,
                defaults.share,
            ),
            rate_time_scale: self.pick(
                "rate_time_scale",
                "--rate-time-scale",
                Some(crate::cli::RATE_TIME_SCALE_VAR),
                args.rate_time_scale,
                None,
                defaults.time_scale,
            ),
        }
    }

    /// The project and versioning headers; a project that is not `auto`, `none` or a UUID
    /// is a usage error naming where it came from.
    pub fn project(&self, args: &ProjectArgs) -> anyhow::Result<Project> {
        let t = &self.file.tenant;
        let given = self.pick(
            "project",
            if args.project_id.is_some() {
                "--project-id"
            } else {
                "--project"
            },
            None,
            args.project.clone().or_else(|| args.project_id.clone()),
            t.project.clone(),
            "auto".to_owned(),
        );
        let mode = ProjectMode::parse(&given.value).map_err(|e| {
            crate::exit::Failure::new(
                crate::exit::Exit::Usage,
                e.context(format!("invalid project setting (from {})", given.source)),
            )
        })?;
        Ok(Project {
            project: Setting::new(mode, given.source),
            publish: self.pick(
                "publish",
                "--publish",
                None,
                args.publish.then_some(true),
                t.publish,
                false,
            ),
            publish_partial: self.pick(
                "publish_partial",
                "--publish-partial",
                None,
                args.publish_partial.then_some(true),
                t.publish_partial,
                false,
            ),
            ticket: self.pick(
                "ticket",
                "--ticket",
                None,
                args.ticket.clone().map(Some),
                t.ticket.clone().map(Some),
                None,
            ),
            non_versioned: self.pick(
                "non_versioned",
                "--non-versioned",
                None,
                args.non_versioned.then_some(true),
                t.non_versioned,
                false,
            ),
        })
    }

    /// The input file, mapping and delimiter.
    pub fn input(&self, args: &InputArgs) -> InputSettings {
        let i = &self.file.input;
        InputSettings {
            paths: args.input.clone(),
            mapping: self.pick(
                "mapping",
                "--mapping",
                None,
                args.mapping.clone().map(Some),
                i.mapping.clone().map(Some),
                None,
            ),
            delimiter: self.pick(
                "delimiter",
                "--delimiter",
                None,
                args.delimiter.map(Some),
                i.delimiter.map(Some),
                None,
            ),
            max_users: self.pick(
                "max_users",
                "--max-users",
                None,
                args.max_users,
                i.max_users,
                vsync_reader::TenantLimits::VISIER.max_users,
            ),
        }
    }

    /// The policy and the guards.
    pub fn policy(&self, args: &PolicyArgs) -> PolicySettings {
        let p = &self.file.policy;
        let g = &self.file.guards;
        let defaults = GuardSettings::default();
        let count = |id: &'static str, value: Option<usize>, default: &Guard| {
            self.pick(id, id, None, None, value, default.max_count)
        };
        let percent = |id: &'static str, value: Option<u32>, default: &Guard| {
            self.pick(id, id, None, None, value, default.max_percent)
        };
        PolicySettings {
            mode: self.pick(
                "mode",
                "--mode",
                None,
                args.mode.map(|m| m.name().to_owned()),
                p.mode.clone(),
                "mirror".to_owned(),
            ),
            deprovision: self.pick(
                "deprovision",
                "--deprovision",
                None,
                args.deprovision.clone(),
                p.deprovision.clone(),
                "disable".to_owned(),
            ),
            scope: self.pick(
                "scope",
                "--scope",
                None,
                (!args.scope.is_empty()).then(|| args.scope.clone()),
                p.scope.clone(),
                Vec::new(),
            ),
            protected: {
                let file = p.protected.clone().unwrap_or_default();
                let mut all = file.clone();
                all.extend(args.protect.iter().cloned());
                let source = if !args.protect.is_empty() {
                    Source::Flag("--protect")
                } else if p.protected.is_some() {
                    self.file_source()
                } else {
                    Source::Default
                };
                Setting::new(all, source)
            },
            manage_groups: self.pick(
                "manage_groups",
                "--manage-groups",
                None,
                args.manage_groups.then_some(true),
                p.manage_groups,
                false,
            ),
            guards: vec![
                (
                    count("max_deletes", g.max_deletes, &defaults.deletes),
                    percent(
                        "max_delete_percent",
                        g.max_delete_percent,
                        &defaults.deletes,
                    ),
                ),
                (
                    count("max_disables", g.max_disables, &defaults.disables),
                    percent(
                        "max_disable_percent",
                        g.max_disable_percent,
                        &defaults.disables,
                    ),
                ),
                (
                    count(
                        "max_membership_removals",
                        g.max_membership_removals,
                        &defaults.membership_removals,
                    ),
                    percent(
                        "max_membership_removal_percent",
                        g.max_membership_removal_percent,
                        &defaults.membership_removals,
                    ),
                ),
                (
                    count(
                        "max_permission_revocations",
                        g.max_permission_revocations,
                        &defaults.permission_revocations,
                    ),
                    percent(
                        "max_permission_revocation_percent",
                        g.max_permission_revocation_percent,
                        &defaults.permission_revocations,
                    ),
                ),
                (
                    count(
                        "max_group_deletes",
                        g.max_group_deletes,
                        &defaults.group_deletes,
                    ),
                    percent(
                        "max_group_delete_percent",
                        g.max_group_delete_percent,
                        &defaults.group_deletes,
                    ),
                ),
            ],
            refuse_removals_on_empty_input: self.pick(
                "refuse_removals_on_empty_input",
                "refuse_removals_on_empty_input",
                None,
                None,
                g.refuse_removals_on_empty_input,
                defaults.refuse_removals_on_empty_input,
            ),
            max_row_drop_percent: self.pick(
                "max_row_drop_percent",
                "max_row_drop_percent",
                None,
                None,
                g.max_row_drop_percent.map(Some),
                defaults.max_row_drop_percent,
            ),
            force: args.force.clone(),
        }
    }

    /// The report folder, its history and the state folder.
    pub fn report(&self, args: &ReportArgs) -> ReportSettings {
        let r = &self.file.report;
        ReportSettings {
            dir: self.pick(
                "report_dir",
                "--report-dir",
                None,
                args.report_dir.clone(),
                r.dir.clone(),
                PathBuf::from("vsync-reports"),
            ),
            keep_runs: self.pick(
                "keep_runs",
                "--keep-runs",
                None,
                args.keep_runs.map(Some),
                r.keep_runs.map(Some),
                (r.keep_days.is_none()).then_some(DEFAULT_KEEP_RUNS),
            ),
            keep_days: self.pick(
                "keep_days",
                "--keep-days",
                None,
                args.keep_days.map(Some),
                r.keep_days.map(Some),
                None,
            ),
            state_dir: self.state_dir(args.state_dir.as_deref()),
            in_place: args.in_place,
        }
    }

    fn state_dir(&self, cli: Option<&Path>) -> Setting<Option<PathBuf>> {
        if let Some(dir) = cli {
            let source = if self.args.came_from_env("state_dir") {
                Source::Env(STATE_DIR_VAR)
            } else {
                Source::Flag("--state-dir")
            };
            return Setting::new(Some(dir.to_path_buf()), source);
        }
        if let Some(dir) = (self.env)(STATE_DIR_VAR) {
            return Setting::new(Some(PathBuf::from(dir)), Source::Env(STATE_DIR_VAR));
        }
        if let Some(dir) = &self.file.state.dir {
            return Setting::new(Some(dir.clone()), self.file_source());
        }
        let xdg = (self.env)("XDG_STATE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute());
        let home = (self.env)("HOME").map(|h| Path::new(&h).join(".local/state"));
        Setting::new(xdg.or(home).map(|d| d.join("vsync")), Source::Default)
    }

    /// Batches in flight at once.
    pub fn concurrency(&self, flag: Option<usize>) -> Setting<usize> {
        let mut setting = self.pick(
            "concurrency",
            "--concurrency",
            None,
            flag,
            self.file.limits.concurrency,
            4,
        );
        setting.value = setting.value.max(1);
        setting
    }
}

#[cfg(test)]
mod tests {
    use vsync_engine::Deprovision;
    use vsync_model::UserKey;

    use super::*;
    use crate::cli::GuardName;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn env_with_secrets(name: &str) -> Option<String> {
        match name {
            "VISIER_APIKEY" => Some("env-key".into()),
            "VISIER_PASSWORD" => Some("env-password".into()),
            _ => None,
        }
    }

    fn config(text: &str) -> ConfigFile {
        ConfigFile::parse(text, Path::new("/etc/vsync/vsync.toml")).unwrap()
    }

    #[test]
    fn a_flag_beats_the_file_which_beats_the_default() {
        let file = config("[tenant]\nhost = \"https://file.example\"\n[limits]\nconcurrency = 9");
        let sources = ArgSources::default();
        let layers = Layers {
            file: &file,
            env: no_env,
            args: &sources,
        };
        let conn = layers.connection(&ConnectionArgs::default());
        assert_eq!(conn.host.value.as_deref(), Some("https://file.example"));
        assert_eq!(
            conn.host.source,
            Source::File("/etc/vsync/vsync.toml".into())
        );
        assert_eq!(conn.rate_share.source, Source::Default);
        let conn = layers.connection(&ConnectionArgs {
            host: Some("http://127.0.0.1:9".into()),
            ..ConnectionArgs::default()
        });
        assert_eq!(conn.host.value.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(conn.host.source, Source::Flag("--host"));
        assert_eq!(layers.concurrency(None).value, 9);
        assert_eq!(layers.concurrency(Some(0)).value, 1);
    }

    /// Regression test: a secret's variable must win over the settings file's `*_file`, as
    /// every other setting's does (the shipped example names files that a container or a
    /// systemd unit does not have when it passes the secrets in the environment).
    #[test]
    fn a_secret_variable_beats_the_file_setting_and_a_flag_beats_both() {
        let file = config(
            "[tenant]\napi_key_file = \"/run/secrets/visier-apikey\"\n\
             password_file = \"/run/secrets/visier-password\"\n",
        );
        let sources = ArgSources::default();
        let layers = Layers {
            file: &file,
            env: env_with_secrets,
            args: &sources,
        };
        let conn = layers.connection(&ConnectionArgs::default());
        assert_eq!(conn.api_key.source, Source::Env("VISIER_APIKEY"));
        assert!(matches!(conn.api_key.value, Some(Secret::Value(_))));
        assert_eq!(conn.password.source, Source::Env("VISIER_PASSWORD"));

        let layers = Layers {
            env: no_env,
            ..layers
        };
        let conn = layers.connection(&ConnectionArgs::default());
        assert!(
            matches!(&conn.api_key.value, Some(Secret::File(p)) if p == Path::new("/run/secrets/visier-apikey"))
        );

        let layers = Layers {
            env: env_with_secrets,
            ..layers
        };
        let conn = layers.connection(&ConnectionArgs {
            api_key_file: Some("/tmp/key".into()),
            ..ConnectionArgs::default()
        });
        assert_eq!(conn.api_key.source, Source::Flag("--api-key-file"));
    }

    #[test]
    fn force_all_overrides_every_guard() {
        let file = ConfigFile::default();
        let sources = ArgSources::default();
        let layers = Layers {
            file: &file,
            env: no_env,
            args: &sources,
        };
        let settings = layers.policy(&PolicyArgs {
            force: vec![GuardName::All],
            ..PolicyArgs::default()
        });
        let policy = settings.policy(Some("admin"), 0).unwrap();
        assert!(policy.guards.deletes.r#override && policy.guards.override_source_checks);
        assert_eq!(policy.signed_in_as, Some(UserKey::new("ADMIN")));
    }

    #[test]
    fn guard_thresholds_come_from_the_file() {
        let file = config("[guards]\nmax_disables = 7\nmax_row_drop_percent = 5");
        let sources = ArgSources::default();
        let layers = Layers {
            file: &file,
            env: no_env,
            args: &sources,
        };
        let policy = layers
            .policy(&PolicyArgs::default())
            .policy(None, 0)
            .unwrap();
        assert_eq!(policy.guards.disables.max_count, 7);
        assert_eq!(policy.guards.max_row_drop_percent, Some(5));
        assert_eq!(
            policy.guards.deletes.max_count,
            GuardSettings::default().deletes.max_count
        );
    }

    #[test]
    fn deprovision_parses_the_two_phase_form() {
        assert_eq!(
            parse_deprovision("delete-after-days:30").unwrap(),
            Deprovision::DeleteAfterDisabledDays(30)
        );
        assert!(parse_deprovision("purge").is_err());
    }

    #[test]
    fn the_state_folder_follows_xdg_then_home() {
        let file = ConfigFile::default();
        let sources = ArgSources::default();
        let xdg = |name: &str| match name {
            "XDG_STATE_HOME" => Some("/xdg/state".into()),
            "HOME" => Some("/home/me".into()),
            _ => None,
        };
        let home = |name: &str| (name == "HOME").then(|| "/home/me".to_owned());
        let layers = Layers {
            file: &file,
            env: xdg,
            args: &sources,
        };
        let report = layers.report(&ReportArgs::default());
        assert_eq!(
            report.lock_dir().unwrap(),
            Path::new("/xdg/state/vsync/locks")
        );
        assert_eq!(report.keep_runs.value, Some(DEFAULT_KEEP_RUNS));
        let layers = Layers {
            env: home,
            ..layers
        };
        assert_eq!(
            layers.report(&ReportArgs::default()).lock_dir().unwrap(),
            Path::new("/home/me/.local/state/vsync/locks")
        );
        let layers = Layers {
            env: no_env,
            ..layers
        };
        assert!(layers.report(&ReportArgs::default()).lock_dir().is_err());
    }
}
