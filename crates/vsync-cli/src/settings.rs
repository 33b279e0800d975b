//! Settings resolution: `vsync.toml`, then `VISIER_*` environment variables, then flags.
//!
//! Secrets (API key, password, client secret, bearer token) come only from the environment or
//! from files named in the settings; a secret written into `vsync.toml` is refused unless
//! `allow_secrets_in_config = true`.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use secrecy::SecretString;
use serde::Deserialize;
use vsync_client::{Auth, Client, RateLimit};
use vsync_engine::{Deprovision, Guard, GuardSettings, Mode, Policy};
use vsync_model::UserKey;

use crate::cli::{AuthMethod, GuardName, InputArgs, ModeArg, PolicyArgs, TargetArgs};

/// The settings file, `vsync.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Allow secrets written in this file (not recommended).
    #[serde(default)]
    pub allow_secrets_in_config: bool,
    /// The tenant and how to sign in.
    #[serde(default)]
    pub tenant: TenantConfig,
    /// How to read the input.
    #[serde(default)]
    pub input: InputConfig,
    /// What a run may touch.
    #[serde(default)]
    pub policy: PolicyConfig,
    /// Guard thresholds.
    #[serde(default)]
    pub guards: GuardsConfig,
    /// API budget and concurrency.
    #[serde(default)]
    pub limits: LimitsConfig,
    /// Reports.
    #[serde(default)]
    pub report: ReportConfig,
}

/// `[tenant]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    host: Option<String>,
    auth: Option<AuthMethod>,
    username: Option<String>,
    vanity: Option<String>,
    client_id: Option<String>,
    target_tenant: Option<String>,
    project_id: Option<String>,
    non_versioned: Option<bool>,
    allow_insecure_http: Option<bool>,
    api_key_file: Option<PathBuf>,
    password_file: Option<PathBuf>,
    client_secret_file: Option<PathBuf>,
    token_file: Option<PathBuf>,
    api_key: Option<String>,
    password: Option<String>,
    client_secret: Option<String>,
    token: Option<String>,
}

/// `[input]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    mapping: Option<PathBuf>,
    delimiter: Option<char>,
}

/// `[policy]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    mode: Option<String>,
    deprovision: Option<String>,
    #[serde(default)]
    scope: Vec<String>,
    #[serde(default)]
    protected: Vec<String>,
    manage_groups: Option<bool>,
}

/// `[guards]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardsConfig {
    max_deletes: Option<usize>,
    max_delete_percent: Option<u32>,
    max_disables: Option<usize>,
    max_disable_percent: Option<u32>,
    max_membership_removals: Option<usize>,
    max_membership_removal_percent: Option<u32>,
    max_permission_revocations: Option<usize>,
    max_permission_revocation_percent: Option<u32>,
    max_group_deletes: Option<usize>,
    max_group_delete_percent: Option<u32>,
    refuse_removals_on_empty_input: Option<bool>,
    max_row_drop_percent: Option<u32>,
}

/// `[limits]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    rate_limit_minute: Option<u32>,
    rate_limit_hour: Option<u32>,
    rate_share: Option<f64>,
    concurrency: Option<usize>,
}

/// `[report]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    dir: Option<PathBuf>,
}

/// Where environment variables come from (the process, or a map in tests).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl ConfigFile {
    /// Loads `path`, or `./vsync.toml` when no path is given and the file exists.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let (path, required) = match path {
            Some(path) => (path.to_path_buf(), true),
            None => (PathBuf::from("vsync.toml"), false),
        };
        if !required && !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("failed to read settings file {}", path.display()))?;
        let config: Self = toml::from_str(&text)
            .with_context(|| format!("failed to parse settings file {}", path.display()))?;
        config.check_secrets(&path)?;
        Ok(config)
    }

    fn check_secrets(&self, path: &Path) -> anyhow::Result<()> {
        let t = &self.tenant;
        let written: Vec<&str> = [
            ("api_key", t.api_key.is_some()),
            ("password", t.password.is_some()),
            ("client_secret", t.client_secret.is_some()),
            ("token", t.token.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, set)| set.then_some(name))
        .collect();
        if !written.is_empty() && !self.allow_secrets_in_config {
            bail!(
                "{} holds secrets ({}): keep them in the environment (VISIER_APIKEY, VISIER_PASSWORD, \
                 VISIER_CLIENT_SECRET) or in files (api_key_file, ...), or set allow_secrets_in_config = true",
                path.display(),
                written.join(", ")
            );
        }
        Ok(())
    }

    /// The report folder.
    pub fn report_dir(&self, flag: Option<&Path>) -> PathBuf {
        flag.map(Path::to_path_buf)
            .or_else(|| self.report.dir.clone())
            .unwrap_or_else(|| PathBuf::from("vsync-reports"))
    }

    /// Batches in flight at once.
    pub fn concurrency(&self, flag: Option<usize>) -> usize {
        flag.or(self.limits.concurrency).unwrap_or(4).max(1)
    }

    /// The input file, mapping and delimiter.
    pub fn input(&self, args: &InputArgs) -> anyhow::Result<ResolvedInput> {
        let Some(path) = args.input.clone() else {
            bail!("no input file: pass --input FILE");
        };
        Ok(ResolvedInput {
            path,
            mapping: args.mapping.clone().or_else(|| self.input.mapping.clone()),
            delimiter: args.delimiter.or(self.input.delimiter),
        })
    }

    /// The policy: config, then flags.
    pub fn policy(
        &self,
        args: &PolicyArgs,
        signed_in_as: Option<&str>,
        now_ms: i64,
    ) -> anyhow::Result<Policy> {
        let mut policy = Policy::default();
        policy.mode = match (args.mode, self.policy.mode.as_deref()) {
            (Some(mode), _) => mode.into(),
            (None, Some(text)) => parse_mode(text)?,
            (None, None) => Mode::Mirror,
        };
        if let Some(text) = args
            .deprovision
            .as_deref()
            .or(self.policy.deprovision.as_deref())
        {
            policy.deprovision = parse_deprovision(text)?;
        }
        policy.scope = if args.scope.is_empty() {
            self.policy.scope.clone()
        } else {
            args.scope.clone()
        };
        policy.protected = self
            .policy
            .protected
            .iter()
            .chain(&args.protect)
            .cloned()
            .collect();
        policy.manage_groups = args.manage_groups || self.policy.manage_groups.unwrap_or(false);
        policy.signed_in_as = signed_in_as.map(UserKey::new);
        policy.now_ms = now_ms;
        policy.guards = self.guards(&args.force);
        Ok(policy)
    }

    fn guards(&self, force: &[GuardName]) -> GuardSettings {
        let g = &self.guards;
        let mut s = GuardSettings::default();
        let set = |guard: &mut Guard, count: Option<usize>, percent: Option<u32>| {
            if let Some(count) = count {
                guard.max_count = count;
            }
            if let Some(percent) = percent {
                guard.max_percent = percent;
            }
        };
        set(&mut s.deletes, g.max_deletes, g.max_delete_percent);
        set(&mut s.disables, g.max_disables, g.max_disable_percent);
        set(
            &mut s.membership_removals,
            g.max_membership_removals,
            g.max_membership_removal_percent,
        );
        set(
            &mut s.permission_revocations,
            g.max_permission_revocations,
            g.max_permission_revocation_percent,
        );
        set(
            &mut s.group_deletes,
            g.max_group_deletes,
            g.max_group_delete_percent,
        );
        if let Some(refuse) = g.refuse_removals_on_empty_input {
            s.refuse_removals_on_empty_input = refuse;
        }
        if g.max_row_drop_percent.is_some() {
            s.max_row_drop_percent = g.max_row_drop_percent;
        }
        for name in force {
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

    /// The tenant, the credentials and the API budget: config, then environment, then flags.
    pub fn target(&self, args: &TargetArgs, env: Env<'_>) -> anyhow::Result<Target> {
        let t = &self.tenant;
        let pick = |flag: &Option<String>, var: &str, config: &Option<String>| {
            flag.clone().or_else(|| env(var)).or_else(|| config.clone())
        };
        let host = pick(&args.host, "VISIER_HOST", &t.host)
            .context("no tenant: set VISIER_HOST, pass --host, or set tenant.host in vsync.toml")?;
        let base_url = if host.contains("://") {
            host
        } else {
            format!("https://{host}")
        };
        let username = pick(&args.username, "VISIER_USERNAME", &t.username);
        let client_id = pick(&args.client_id, "VISIER_CLIENT_ID", &t.client_id);
        let vanity = pick(&args.vanity, "VISIER_VANITY", &t.vanity);

        let secret = |file_flag: &Option<PathBuf>,
                      var: &str,
                      file_config: &Option<PathBuf>,
                      inline: &Option<String>|
         -> anyhow::Result<Option<SecretString>> {
            if let Some(path) = file_flag.as_ref().or(file_config.as_ref()) {
                return read_secret_file(path).map(Some);
            }
            if let Some(value) = env(var) {
                return Ok(Some(SecretString::from(value)));
            }
            Ok(inline.clone().map(SecretString::from))
        };
        let api_key = secret(
            &args.api_key_file,
            "VISIER_APIKEY",
            &t.api_key_file,
            &t.api_key,
        )?
        .context("no API key: set VISIER_APIKEY or pass --api-key-file")?;
        let password = secret(
            &args.password_file,
            "VISIER_PASSWORD",
            &t.password_file,
            &t.password,
        )?;
        let client_secret = secret(
            &args.client_secret_file,
            "VISIER_CLIENT_SECRET",
            &t.client_secret_file,
            &t.client_secret,
        )?;
        let token = secret(&args.token_file, "VISIER_TOKEN", &t.token_file, &t.token)?;

        let method =
            args.auth
                .or(t.auth)
                .unwrap_or(if client_id.is_some() && client_secret.is_some() {
                    if username.is_some() {
                        AuthMethod::OauthPassword
                    } else {
                        AuthMethod::OauthClient
                    }
                } else if token.is_some() && password.is_none() {
                    AuthMethod::Bearer
                } else {
                    AuthMethod::Asid
                });
        let need = |value: Option<SecretString>, what: &str| {
            value.with_context(|| format!("{what} is needed for this sign-in method"))
        };
        let need_text = |value: Option<String>, what: &str| {
            value.with_context(|| format!("{what} is needed for this sign-in method"))
        };
        let auth = match method {
            AuthMethod::Asid => Auth::Asid {
                username: need_text(username.clone(), "a username (VISIER_USERNAME)")?,
                password: need(password, "a password (VISIER_PASSWORD)")?,
                vanity,
            },
            AuthMethod::OauthPassword => Auth::OAuthPassword {
                client_id: need_text(client_id, "a client id (VISIER_CLIENT_ID)")?,
                client_secret: need(client_secret, "a client secret (VISIER_CLIENT_SECRET)")?,
                username: need_text(username.clone(), "a username (VISIER_USERNAME)")?,
                password: need(password, "a password (VISIER_PASSWORD)")?,
            },
            AuthMethod::OauthClient => Auth::OAuthClientCredentials {
                client_id: need_text(client_id, "a client id (VISIER_CLIENT_ID)")?,
                client_secret: need(client_secret, "a client secret (VISIER_CLIENT_SECRET)")?,
            },
            AuthMethod::Bearer => {
                Auth::Bearer(need(token, "a token (VISIER_TOKEN or --token-file)")?)
            }
        };

        let share = args.rate_share.or(self.limits.rate_share).unwrap_or(1.0);
        if !(0.01..=1.0).contains(&share) {
            bail!("rate share must be between 0.01 and 1.0, got {share}");
        }
        let defaults = RateLimit::default();
        let rate_limit = RateLimit {
            per_minute: args
                .rate_limit_minute
                .or(self.limits.rate_limit_minute)
                .unwrap_or(defaults.per_minute),
            per_hour: args
                .rate_limit_hour
                .or(self.limits.rate_limit_hour)
                .unwrap_or(defaults.per_hour),
            share,
            time_scale: args.rate_time_scale.unwrap_or(defaults.time_scale),
        };
        if !(rate_limit.time_scale.is_finite() && rate_limit.time_scale > 0.0) {
            bail!("the rate-limit time scale must be a positive number");
        }
        Ok(Target {
            base_url,
            api_key,
            auth,
            signed_in_as: username,
            target_tenant: pick(
                &args.target_tenant,
                "VISIER_TARGET_TENANT_ID",
                &t.target_tenant,
            ),
            project_id: args.project_id.clone().or_else(|| t.project_id.clone()),
            non_versioned: args.non_versioned || t.non_versioned.unwrap_or(false),
            allow_insecure_http: args.allow_insecure_http || t.allow_insecure_http.unwrap_or(false),
            rate_limit,
        })
    }
}

fn read_secret_file(path: &Path) -> anyhow::Result<SecretString> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read secret file {}", path.display()))?;
    let value = text.trim();
    if value.is_empty() {
        bail!("secret file {} is empty", path.display());
    }
    Ok(SecretString::from(value.to_owned()))
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

impl From<ModeArg> for Mode {
    fn from(mode: ModeArg) -> Self {
        match mode {
            ModeArg::Mirror => Mode::Mirror,
            ModeArg::Upsert => Mode::Upsert,
            ModeArg::UpdateOnly => Mode::UpdateOnly,
        }
    }
}

/// The input to read.
#[derive(Debug, Clone)]
pub struct ResolvedInput {
    /// The file or folder.
    pub path: PathBuf,
    /// The mapping file.
    pub mapping: Option<PathBuf>,
    /// The CSV delimiter.
    pub delimiter: Option<char>,
}

/// A resolved tenant: where, who, and how fast.
#[derive(Debug)]
pub struct Target {
    /// The API's base URL.
    pub base_url: String,
    /// The API key.
    pub api_key: SecretString,
    /// How to sign in.
    pub auth: Auth,
    /// The username vsync signs in as (protected from changes).
    pub signed_in_as: Option<String>,
    /// The `TargetTenantID` header.
    pub target_tenant: Option<String>,
    /// The `ProjectID` header.
    pub project_id: Option<String>,
    /// The `NonVersioned` header.
    pub non_versioned: bool,
    /// Whether plain http to a non-loopback host is allowed.
    pub allow_insecure_http: bool,
    /// The API budget.
    pub rate_limit: RateLimit,
}

impl Target {
    /// A client for this tenant; `read_only` makes every mutating request fail before it is sent.
    pub fn client(&self, read_only: bool) -> anyhow::Result<Client> {
        let mut builder = Client::builder()
            .base_url(self.base_url.clone())
            .api_key(self.api_key.clone())
            .auth(self.auth.clone())
            .rate_limit(self.rate_limit)
            .allow_insecure_http(self.allow_insecure_http)
            .non_versioned(self.non_versioned)
            .read_only(read_only)
            .user_agent(concat!("vsync/", env!("CARGO_PKG_VERSION")));
        if let Some(tenant) = &self.target_tenant {
            builder = builder.tenant(tenant.clone());
        }
        if let Some(project) = &self.project_id {
            builder = builder.project(project.clone());
        }
        builder.build().context("failed to set up the API client")
    }

    /// A stable name for the tenant, for lock files and reports (no credentials).
    pub fn tenant_label(&self) -> String {
        let host = self.base_url.split("://").nth(1).unwrap_or(&self.base_url);
        let host = host.split(['/', '?', '@']).next().unwrap_or(host);
        match &self.target_tenant {
            Some(tenant) => format!("{host}/{tenant}"),
            None => host.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use secrecy::ExposeSecret;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn flags_beat_environment_beats_config() {
        let config: ConfigFile =
            toml::from_str("[tenant]\nhost = \"config.example\"\nusername = \"cfg\"").unwrap();
        let env = env_of(&[
            ("VISIER_HOST", "env.example"),
            ("VISIER_APIKEY", "k"),
            ("VISIER_PASSWORD", "p"),
        ]);
        let target = config.target(&TargetArgs::default(), &env).unwrap();
        assert_eq!(target.base_url, "https://env.example");
        assert_eq!(target.signed_in_as.as_deref(), Some("cfg"));

        let args = TargetArgs {
            host: Some("http://127.0.0.1:9".into()),
            ..TargetArgs::default()
        };
        let target = config.target(&args, &env).unwrap();
        assert_eq!(target.base_url, "http://127.0.0.1:9");
        assert_eq!(target.api_key.expose_secret(), "k");
    }

    #[test]
    fn secrets_written_in_the_config_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vsync.toml");
        std::fs::write(&path, "[tenant]\nhost = \"h\"\napi_key = \"inline-key\"\n").unwrap();
        let err = ConfigFile::load(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("api_key"), "{err}");
        assert!(
            !err.contains("inline-key"),
            "the message must not repeat the secret: {err}"
        );

        std::fs::write(
            &path,
            "allow_secrets_in_config = true\n[tenant]\nhost = \"h\"\napi_key = \"inline-key\"\n",
        )
        .unwrap();
        assert!(ConfigFile::load(Some(&path)).is_ok());
    }

    #[test]
    fn force_all_overrides_every_guard() {
        let config = ConfigFile::default();
        let args = PolicyArgs {
            force: vec![GuardName::All],
            ..PolicyArgs::default()
        };
        let policy = config.policy(&args, Some("admin"), 0).unwrap();
        assert!(policy.guards.deletes.r#override && policy.guards.override_source_checks);
        assert_eq!(policy.signed_in_as, Some(UserKey::new("ADMIN")));
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
    fn tenant_label_has_no_credentials_or_query() {
        let config = ConfigFile::default();
        let env = env_of(&[
            ("VISIER_APIKEY", "k"),
            ("VISIER_PASSWORD", "p"),
            ("VISIER_USERNAME", "u"),
        ]);
        let args = TargetArgs {
            host: Some("https://acme.api.visier.io/path?x=1".into()),
            ..TargetArgs::default()
        };
        assert_eq!(
            config.target(&args, &env).unwrap().tenant_label(),
            "acme.api.visier.io"
        );
    }
}
