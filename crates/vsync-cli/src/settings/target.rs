//! The client construction: a resolved [`Connection`] checked into a [`Target`] (secrets
//! read, the sign-in chosen by [`vsync_client::Credentials`], as `ClientBuilder::from_env`
//! chooses it), the [`Client`] for it, the sign-in, and the canonical name of the tenant the
//! lock is keyed by.

use std::net::IpAddr;

use anyhow::{Context as _, bail};
use secrecy::SecretString;
use vsync_client::{AuthMethod, Client, Credentials, RateLimit};

use super::layers::{Connection, Project, Secret};
use crate::exit::Failure;

/// A resolved tenant: where, who, and how fast.
#[derive(Debug)]
pub struct Target {
    /// The API's base URL, with its scheme.
    pub base_url: String,
    /// The sign-in: host, API key, credentials and tenant code.
    pub credentials: Credentials,
    /// How to sign in.
    pub method: AuthMethod,
    /// The account vsync signs in as (a username, or an OAuth client id): protected from
    /// changes and named in sign-in errors.
    pub account: Option<String>,
    /// The user vsync signs in as, when it signs in as one.
    pub signed_in_as: Option<String>,
    /// Where the versioned changes are made; with a project's ID, its `ProjectID` header goes
    /// on every call whose spec has one (reads included).
    pub project: super::ProjectMode,
    /// Publish a given project after the run.
    pub publish: bool,
    /// Publish the run's project even after a partial failure.
    pub publish_partial: bool,
    /// The change ticket recorded on the run's project.
    pub ticket: Option<String>,
    /// The `NonVersioned` header.
    pub non_versioned: bool,
    /// Whether plain http to a non-loopback host is allowed.
    pub allow_insecure_http: bool,
    /// The API budget.
    pub rate_limit: RateLimit,
}

impl Connection {
    /// Checks the settings and reads the secrets they need.
    pub fn target(&self, project: &Project) -> anyhow::Result<Target> {
        let host =
            self.host.value.clone().context(
                "no tenant: set VISIER_HOST, pass --host, or set tenant.host in vsync.toml",
            )?;
        let base_url = with_scheme(&host)?;
        let read = |secret: &Option<Secret>| secret.as_ref().map(Secret::read).transpose();
        let api_key = read(&self.api_key.value)?.context(
            "no API key: set VISIER_APIKEY, pass --api-key-file, or set tenant.api_key_file",
        )?;
        let method_arg = self.auth.value.map(AuthMethod::from);
        let credentials = Credentials {
            host: Some(base_url.clone()),
            api_key: Some(api_key),
            vanity: self.vanity.value.clone(),
            username: self.username.value.clone(),
            client_id: self.client_id.value.clone(),
            tenant_code: self.tenant_code.value.clone(),
            password: self.password_if_needed(method_arg)?,
            client_secret: read(&self.client_secret.value)?,
            token: read(&self.token.value)?,
        };
        let method = method_arg.unwrap_or_else(|| credentials.method());
        // The one check of what a method needs, shared with `ClientBuilder::from_env`.
        credentials
            .auth(Some(method))
            .context("the sign-in settings are incomplete (`vsync config` shows them)")?;

        let share = self.rate_share.value;
        if !(0.01..=1.0).contains(&share) {
            bail!("rate share must be between 0.01 and 1.0, got {share}");
        }
        let rate_limit = RateLimit {
            per_minute: self.rate_limit_minute.value,
            per_hour: self.rate_limit_hour.value,
            share,
            time_scale: self.rate_time_scale.value,
        };
        if !(rate_limit.time_scale.is_finite() && rate_limit.time_scale > 0.0) {
            bail!("the rate-limit time scale must be a positive number");
        }
        let signed_in_as = credentials.username.clone();
        Ok(Target {
            account: credentials.account().map(str::to_owned),
            signed_in_as,
            base_url,
            credentials,
            method,
            project: project.project.value.clone(),
            publish: project.publish.value,
            publish_partial: project.publish_partial.value,
            ticket: project.ticket.value.clone(),
            non_versioned: project.non_versioned.value,
            allow_insecure_http: self.allow_insecure_http.value,
            rate_limit,
        })
    }

    /// The password, read only when the method may use it (a bearer token needs none, and
    /// its file may well be absent).
    fn password_if_needed(
        &self,
        method: Option<AuthMethod>,
    ) -> anyhow::Result<Option<SecretString>> {
        if method == Some(AuthMethod::Bearer) {
            return Ok(None);
        }
        self.password.value.as_ref().map(Secret::read).transpose()
    }
}

/// `host` with its scheme; a host without one is refused with the URL it probably meant.
pub fn with_scheme(host: &str) -> anyhow::Result<String> {
    let host = host.trim();
    if host.contains("://") {
        return Ok(host.trim_end_matches('/').to_owned());
    }
    let name = host.split([':', '/']).next().unwrap_or(host);
    let local = name.eq_ignore_ascii_case("localhost")
        || name.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
    let suggestion = if local {
        format!("http://{host} (a simulated tenant on this machine)")
    } else {
        format!("https://{host}")
    };
    bail!("the tenant host {host:?} has no scheme: did you mean {suggestion}?")
}

impl Target {
    /// A client for this tenant; `read_only` makes every mutating request fail before it is
    /// sent.
    pub fn client(&self, read_only: bool) -> anyhow::Result<Client> {
        let mut builder = self
            .credentials
            .builder(Some(self.method))?
            .rate_limit(self.rate_limit)
            .allow_insecure_http(self.allow_insecure_http)
            .non_versioned(self.non_versioned)
            .read_only(read_only)
            .user_agent(concat!("vsync/", env!("CARGO_PKG_VERSION")));
        if let Some(project) = self.project.id() {
            builder = builder.project(project.as_str());
        }
        builder.build().context("failed to set up the API client")
    }

    /// A client that has signed in: a failure here is a sign-in failure, named with the
    /// host and the account, not a failure of whatever the run would have read first.
    pub async fn signed_in_client(&self, read_only: bool) -> anyhow::Result<Client> {
        let client = self.client(read_only)?;
        if let Err(error) = client.auth().login().await {
            let exit = crate::exit::of_client(error.kind());
            let account = self.account.as_deref().unwrap_or("(no account)");
            return Err(Failure::new(
                exit,
                anyhow::Error::new(error).context(format!(
                    "failed to sign in to {} as {account} ({})",
                    self.base_url, self.method
                )),
            )
            .into());
        }
        Ok(client)
    }

    /// The tenant code, when one is set.
    pub fn tenant_code(&self) -> Option<&str> {
        self.credentials.tenant_code.as_deref()
    }

    /// A stable name for the tenant, for plans and reports (no credentials).
    pub fn tenant_label(&self) -> String {
        let host = self.base_url.split("://").nth(1).unwrap_or(&self.base_url);
        let host = host.split(['/', '?', '@']).next().unwrap_or(host);
        match self.tenant_code() {
            Some(tenant) => format!("{host}/{tenant}"),
            None => host.to_owned(),
        }
    }

    /// The tenant as the lock knows it: the address the host resolves to (so `localhost` and
    /// `127.0.0.1` are one tenant), the port, and the tenant code.
    ///
    /// A host that resolves to a public or private address is kept by name: Visier serves
    /// many tenants from the same addresses and tells them apart by the name, so two names
    /// are two tenants there. Loopback addresses (a simulated tenant) and addresses given as
    /// such are keyed by the address.
    pub async fn canonical_tenant(&self) -> anyhow::Result<String> {
        let url = url::Url::parse(&self.base_url)
            .with_context(|| format!("invalid tenant URL {}", self.base_url))?;
        let port = url.port_or_known_default().unwrap_or(443);
        let host = match url.host() {
            Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).to_string(),
            Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).to_string(),
            Some(url::Host::Domain(name)) => {
                let name = name.trim_end_matches('.').to_ascii_lowercase();
                let addresses: Vec<IpAddr> = tokio::net::lookup_host((name.as_str(), port))
                    .await
                    .map(|found| found.map(|a| a.ip()).collect())
                    .unwrap_or_default();
                if !addresses.is_empty() && addresses.iter().all(IpAddr::is_loopback) {
                    LOOPBACK.to_owned()
                } else {
                    name
                }
            }
            None => bail!("the tenant URL {} has no host", self.base_url),
        };
        let host = match host.parse::<IpAddr>() {
            Ok(ip) if ip.is_loopback() => LOOPBACK.to_owned(),
            _ => host,
        };
        Ok(match self.tenant_code() {
            Some(code) => format!("{host}:{port}/{code}"),
            None => format!("{host}:{port}"),
        })
    }
}

/// Every loopback address is this machine: one name for all of them.
const LOOPBACK: &str = "loopback";

impl From<crate::cli::AuthMethodArg> for AuthMethod {
    fn from(method: crate::cli::AuthMethodArg) -> Self {
        use crate::cli::AuthMethodArg as A;
        match method {
            A::Asid => AuthMethod::Asid,
            A::OauthPassword => AuthMethod::OAuthPassword,
            A::Bearer => AuthMethod::Bearer,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::cli::ConnectionArgs;
    use crate::settings::file::ConfigFile;
    use crate::settings::layers::{ArgSources, Layers};

    fn env(name: &str) -> Option<String> {
        match name {
            "VISIER_APIKEY" => Some("k".into()),
            "VISIER_PASSWORD" => Some("p".into()),
            "VISIER_USERNAME" => Some("u".into()),
            _ => None,
        }
    }

    fn target(args: &ConnectionArgs) -> anyhow::Result<Target> {
        let file = ConfigFile::default();
        let sources = ArgSources::default();
        let layers = Layers {
            file: &file,
            env,
            args: &sources,
        };
        layers.connection(args).target(&Project::none())
    }

    fn host(host: &str) -> ConnectionArgs {
        ConnectionArgs {
            host: Some(host.into()),
            username: Some("u".into()),
            ..ConnectionArgs::default()
        }
    }

    #[test]
    fn tenant_label_has_no_credentials_or_query() {
        let target = target(&host("https://acme.api.visier.io/path?x=1")).unwrap();
        assert_eq!(target.tenant_label(), "acme.api.visier.io");
        assert_eq!(target.account.as_deref(), Some("u"));
    }

    #[test]
    fn a_host_without_a_scheme_gets_the_url_it_meant() {
        let err = target(&host("acme.api.visier.io")).unwrap_err().to_string();
        assert!(
            err.contains("did you mean https://acme.api.visier.io?"),
            "{err}"
        );
        let err = target(&host("127.0.0.1:8080")).unwrap_err().to_string();
        assert!(err.contains("did you mean http://127.0.0.1:8080"), "{err}");
    }

    #[test]
    fn an_unreadable_secret_file_is_named() {
        let err = format!(
            "{:#}",
            target(&ConnectionArgs {
                host: Some("https://acme.api.visier.io".into()),
                username: Some("u".into()),
                password_file: Some(PathBuf::from("/nonexistent/password")),
                ..ConnectionArgs::default()
            })
            .unwrap_err()
        );
        assert!(
            err.contains("failed to read secret file /nonexistent/password"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn localhost_and_127_0_0_1_are_one_tenant() {
        let a = target(&host("http://localhost:8080")).unwrap();
        let b = target(&host("http://127.0.0.1:8080/")).unwrap();
        let c = target(&host("http://[::1]:8080")).unwrap();
        let other_port = target(&host("http://127.0.0.1:8081")).unwrap();
        let key = a.canonical_tenant().await.unwrap();
        assert_eq!(key, b.canonical_tenant().await.unwrap());
        assert_eq!(key, c.canonical_tenant().await.unwrap());
        assert_ne!(key, other_port.canonical_tenant().await.unwrap());
        assert_eq!(key, "loopback:8080");
    }
}
