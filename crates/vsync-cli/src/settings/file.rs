//! The settings file, `vsync.toml`: its TOML schema and how it is loaded. Every key is
//! optional; what a missing key means is decided in [`super::layers`].

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use serde::Deserialize;

use crate::cli::{AuthMethodArg, VerifyArg};

/// The settings file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Where the file was read from; `None` when there is no file.
    #[serde(skip)]
    pub path: Option<PathBuf>,
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
    /// Reports and their history.
    #[serde(default)]
    pub report: ReportConfig,
    /// vsync's own state (the tenant locks).
    #[serde(default)]
    pub state: StateConfig,
}

/// `[tenant]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TenantConfig {
    pub(crate) host: Option<String>,
    pub(crate) auth: Option<AuthMethodArg>,
    pub(crate) username: Option<String>,
    pub(crate) vanity: Option<String>,
    pub(crate) client_id: Option<String>,
    #[serde(alias = "target_tenant")]
    pub(crate) tenant_code: Option<String>,
    #[serde(alias = "project_id")]
    pub(crate) project: Option<String>,
    pub(crate) publish: Option<bool>,
    pub(crate) publish_partial: Option<bool>,
    pub(crate) ticket: Option<String>,
    pub(crate) non_versioned: Option<bool>,
    pub(crate) allow_insecure_http: Option<bool>,
    pub(crate) api_key_file: Option<PathBuf>,
    pub(crate) password_file: Option<PathBuf>,
    pub(crate) client_secret_file: Option<PathBuf>,
    pub(crate) token_file: Option<PathBuf>,
    pub(crate) api_key: Option<String>,
    pub(crate) password: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) token: Option<String>,
}

/// `[input]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputConfig {
    pub(crate) mapping: Option<PathBuf>,
    pub(crate) delimiter: Option<char>,
    pub(crate) max_users: Option<usize>,
}

/// `[policy]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyConfig {
    pub(crate) mode: Option<String>,
    pub(crate) deprovision: Option<String>,
    pub(crate) scope: Option<Vec<String>>,
    pub(crate) protected: Option<Vec<String>>,
    pub(crate) manage_groups: Option<bool>,
    /// How `apply` and `sync` check what they applied.
    pub(crate) verify: Option<VerifyArg>,
}

/// `[guards]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuardsConfig {
    pub(crate) max_deletes: Option<usize>,
    pub(crate) max_delete_percent: Option<u32>,
    pub(crate) max_disables: Option<usize>,
    pub(crate) max_disable_percent: Option<u32>,
    pub(crate) max_membership_removals: Option<usize>,
    pub(crate) max_membership_removal_percent: Option<u32>,
    pub(crate) max_permission_revocations: Option<usize>,
    pub(crate) max_permission_revocation_percent: Option<u32>,
    pub(crate) max_group_deletes: Option<usize>,
    pub(crate) max_group_delete_percent: Option<u32>,
    pub(crate) refuse_removals_on_empty_input: Option<bool>,
    pub(crate) max_row_drop_percent: Option<u32>,
}

/// `[limits]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsConfig {
    pub(crate) rate_limit_minute: Option<u32>,
    pub(crate) rate_limit_hour: Option<u32>,
    pub(crate) rate_share: Option<f64>,
    pub(crate) concurrency: Option<usize>,
}

/// `[report]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportConfig {
    pub(crate) dir: Option<PathBuf>,
    pub(crate) keep_runs: Option<usize>,
    pub(crate) keep_days: Option<u32>,
}

/// `[state]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateConfig {
    pub(crate) dir: Option<PathBuf>,
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
        Self::parse(&text, &path)
    }

    /// Parses the text of the settings file at `path`.
    pub fn parse(text: &str, path: &Path) -> anyhow::Result<Self> {
        let mut config: Self = toml::from_str(text)
            .with_context(|| format!("failed to parse settings file {}", path.display()))?;
        config.check_secrets(path)?;
        config.path = Some(path.to_path_buf());
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_written_in_the_config_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vsync.toml");
        std::fs::write(&path, "[tenant]\nhost = \"h\"\napi_key = \"inline-key\"\n").unwrap();
        let err = format!("{:#}", ConfigFile::load(Some(&path)).unwrap_err());
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
    fn the_example_settings_file_parses() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/vsync.toml");
        let config = ConfigFile::load(Some(&path)).unwrap();
        assert_eq!(config.path.as_deref(), Some(path.as_path()));
        assert!(config.tenant.api_key_file.is_some());
    }
}
