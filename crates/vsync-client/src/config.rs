//! Settings: credentials ([`Auth`]), pacing ([`RateLimit`]), retries
//! ([`RetryPolicy`]), [`Timeouts`], per-call headers ([`CallOptions`]) and
//! the [`ClientBuilder`] that combines them.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use secrecy::SecretString;
use url::Url;
use vsync_api::NvLock;
use vsync_api::limits::{ASSUMED_TOKEN_LIFETIME_SECS, RATE_LIMIT_PER_HOUR, RATE_LIMIT_PER_MINUTE};

use crate::client::Client;
use crate::credentials::Credentials;
use crate::{ClientError, RetryBudget};

/// How the client proves who it is, on top of the API key every call
/// carries.
#[derive(Clone)]
#[non_exhaustive]
pub enum Auth {
    /// `POST /v1/admin/visierSecureToken` with username and password; later
    /// calls send the `VisierASIDToken` cookie.
    Asid {
        /// The API user.
        username: String,
        /// The user's password.
        password: SecretString,
        /// The tenant's vanity name, if the login needs one.
        vanity: Option<String>,
    },
    /// OAuth 2.0 password grant at `POST /v1/auth/oauth2/token`.
    OAuthPassword {
        /// The registered client application.
        client_id: String,
        /// Its secret.
        client_secret: SecretString,
        /// The user.
        username: String,
        /// The user's password.
        password: SecretString,
    },
    /// A bearer token obtained elsewhere; it cannot be refreshed.
    Bearer(SecretString),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Asid {
                username, vanity, ..
            } => f
                .debug_struct("Asid")
                .field("username", username)
                .field("password", &"[redacted]")
                .field("vanity", vanity)
                .finish(),
            Auth::OAuthPassword {
                client_id,
                username,
                ..
            } => f
                .debug_struct("OAuthPassword")
                .field("client_id", client_id)
                .field("client_secret", &"[redacted]")
                .field("username", username)
                .field("password", &"[redacted]")
                .finish(),
            Auth::Bearer(_) => f.debug_tuple("Bearer").field(&"[redacted]").finish(),
        }
    }
}

/// The rate limits the client paces itself by (see [`pacing`](crate::pacing)).
///
/// `per_minute` and `per_hour` are what the client assumes until the
/// server reports its own limits (`X-RateLimit-Limit-*`), and an upper
/// bound on them: a server reporting more does not raise them. The client
/// takes `share` of the limits, so other integrations on the tenant keep
/// the rest. `time_scale` shortens the periods for tests against a
/// simulated tenant whose "minute" lasts `60 s / time_scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Calls per minute the API key allows (Visier: 100).
    pub per_minute: u32,
    /// Calls per hour the API key allows (Visier: 6,000).
    pub per_hour: u32,
    /// The fraction of those limits this client may use, in `(0, 1]`.
    pub share: f64,
    /// How much faster than real time the server's clock runs (1 for a
    /// real tenant).
    pub time_scale: f64,
}

impl Default for RateLimit {
    fn default() -> Self {
        Self {
            per_minute: RATE_LIMIT_PER_MINUTE,
            per_hour: RATE_LIMIT_PER_HOUR,
            share: 1.0,
            time_scale: 1.0,
        }
    }
}

impl RateLimit {
    /// The length of the server's minute.
    pub fn minute(&self) -> Duration {
        Duration::from_secs_f64(60.0 / self.time_scale)
    }

    /// The length of the server's hour.
    pub fn hour(&self) -> Duration {
        Duration::from_secs_f64(3600.0 / self.time_scale)
    }

    pub(crate) fn validate(&self) -> Result<(), ClientError> {
        if !(self.share > 0.0 && self.share <= 1.0) {
            return Err(ClientError::Config(format!(
                "rate-limit share must be in (0, 1], got {}",
                self.share
            )));
        }
        if !(self.time_scale.is_finite() && self.time_scale > 0.0) {
            return Err(ClientError::Config(format!(
                "rate-limit time scale must be positive, got {}",
                self.time_scale
            )));
        }
        if self.per_minute == 0 || self.per_hour == 0 {
            return Err(ClientError::Config(
                "rate limits must be at least 1 call".into(),
            ));
        }
        Ok(())
    }
}

/// How often one call is repeated, and the backoff between repeats.
///
/// Retry `n` (1-based) sleeps a uniformly random time in
/// `[0, min(max_delay, base * 2^(n-1))]`, unless the server said how long
/// to wait (`Retry-After`, waited exactly) or the rate limit holds the
/// repeat. Every repeat also costs one unit of the client's
/// [`RetryBudget`] (see [`ClientBuilder::retry_budget`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 disables retries).
    pub max_retries: u32,
    /// The first backoff ceiling.
    pub base_delay: Duration,
    /// The largest backoff ceiling.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }
}

/// Time limits of the HTTP client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To establish a connection.
    pub connect: Duration,
    /// For one JSON request, from sending to the last byte of the answer.
    pub request: Duration,
    /// For one XLSX report download.
    pub report: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(60),
            report: Duration::from_secs(600),
        }
    }
}

/// Headers and the `tenantCode` query value, settable per client (on the
/// builder) and per call (`with_*` on a handler); a per-call value wins.
///
/// Each is sent only on the operations whose spec lists it: a `ProjectID`
/// is not sent to `POST /v2/admin/users`, which has no such header.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// `TargetTenantID`: the tenant the call runs in.
    pub target_tenant: Option<String>,
    /// `ProjectID`: make changes in this project instead of production.
    pub project: Option<String>,
    /// `NonVersioned`: apply changes without a new production version.
    pub non_versioned: Option<bool>,
    /// `Prefer`: locking of non-versioned changes.
    pub prefer: Option<NvLock>,
    /// `tenantCode` query value, on the operations that take one.
    pub tenant_code: Option<String>,
    /// `FastMode` (permission creation): skip loading the data environment.
    pub fast_mode: Option<bool>,
    /// `SessionBasedPermissions` (assigning permissions to users).
    pub session_based_permissions: Option<bool>,
    /// `SessionRepoId` (assigning permissions to users).
    pub session_repo_id: Option<String>,
}

impl CallOptions {
    /// `self` with every unset value taken from `defaults`.
    pub fn or(&self, defaults: &CallOptions) -> CallOptions {
        CallOptions {
            target_tenant: self
                .target_tenant
                .clone()
                .or_else(|| defaults.target_tenant.clone()),
            project: self.project.clone().or_else(|| defaults.project.clone()),
            non_versioned: self.non_versioned.or(defaults.non_versioned),
            prefer: self.prefer.clone().or_else(|| defaults.prefer.clone()),
            tenant_code: self
                .tenant_code
                .clone()
                .or_else(|| defaults.tenant_code.clone()),
            fast_mode: self.fast_mode.or(defaults.fast_mode),
            session_based_permissions: self
                .session_based_permissions
                .or(defaults.session_based_permissions),
            session_repo_id: self
                .session_repo_id
                .clone()
                .or_else(|| defaults.session_repo_id.clone()),
        }
    }
}

/// Builds a [`Client`]; see [`Client::builder`].
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    pub(crate) base_url: Option<String>,
    pub(crate) api_key: Option<SecretString>,
    pub(crate) auth: Option<Auth>,
    pub(crate) rate_limit: RateLimit,
    pub(crate) retry: RetryPolicy,
    pub(crate) retry_budget: Option<RetryBudget>,
    pub(crate) timeouts: Timeouts,
    pub(crate) defaults: CallOptions,
    pub(crate) allow_insecure_http: bool,
    pub(crate) read_only: bool,
    pub(crate) asid_token_lifetime: Duration,
    pub(crate) user_agent: String,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            auth: None,
            rate_limit: RateLimit::default(),
            retry: RetryPolicy::default(),
            retry_budget: None,
            timeouts: Timeouts::default(),
            defaults: CallOptions::default(),
            allow_insecure_http: false,
            read_only: false,
            asid_token_lifetime: Duration::from_secs(ASSUMED_TOKEN_LIFETIME_SECS),
            user_agent: concat!("vsync/", env!("CARGO_PKG_VERSION")).to_owned(),
        }
    }
}

impl ClientBuilder {
    /// The tenant's API root, such as `https://acme.api.visier.io`. A bare
    /// host gets `https://`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The tenant API key, sent as `apikey` on every call.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The credentials.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// The rate limits to pace by.
    pub fn rate_limit(mut self, rate_limit: RateLimit) -> Self {
        self.rate_limit = rate_limit;
        self
    }

    /// The retry policy of one call.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The retry budget of the run: a handle the client, its clones and the
    /// callers that re-send work share. Without one, each built client gets
    /// its own of [`RetryBudget::DEFAULT_LIMIT`] repeats.
    pub fn retry_budget(mut self, budget: RetryBudget) -> Self {
        self.retry_budget = Some(budget);
        self
    }

    /// The time limits.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// The default `TargetTenantID` header.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.defaults.target_tenant = Some(tenant.into());
        self
    }

    /// The default `tenantCode` query value.
    pub fn tenant_code(mut self, code: impl Into<String>) -> Self {
        self.defaults.tenant_code = Some(code.into());
        self
    }

    /// The default `ProjectID` header.
    pub fn project(mut self, project: impl Into<String>) -> Self {
        self.defaults.project = Some(project.into());
        self
    }

    /// The default `NonVersioned` header.
    pub fn non_versioned(mut self, non_versioned: bool) -> Self {
        self.defaults.non_versioned = Some(non_versioned);
        self
    }

    /// The default `Prefer` header.
    pub fn prefer(mut self, lock: NvLock) -> Self {
        self.defaults.prefer = Some(lock);
        self
    }

    /// Allows `http://` to a non-loopback host (loopback is always allowed).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Refuses every request that would change the tenant (every
    /// non-`GET` except the two token endpoints) before sending it, with
    /// [`ErrorKind::ReadOnly`](crate::ErrorKind::ReadOnly).
    pub fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// How long an ASID token is assumed to live (Visier does not say;
    /// default one hour). It is refreshed shortly before that, and on a 401.
    pub fn asid_token_lifetime(mut self, lifetime: Duration) -> Self {
        self.asid_token_lifetime = lifetime;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Reads the official SDK's environment variables ([`Credentials::from_env`]):
    /// `VISIER_HOST`, `VISIER_APIKEY`, `VISIER_VANITY`, `VISIER_USERNAME`,
    /// `VISIER_PASSWORD`, `VISIER_CLIENT_ID`, `VISIER_CLIENT_SECRET` and
    /// `VISIER_TENANT_CODE` (and vsync's `VISIER_TOKEN`).
    ///
    /// The sign-in method is [`Credentials::method`]: with a client id and
    /// secret, the OAuth 2.0 password grant (with the username and
    /// password); without, ASID login with username and password.
    pub fn from_env() -> Result<Self, ClientError> {
        Credentials::from_env().builder(None)
    }

    /// [`ClientBuilder::from_env`] with variables from `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ClientError> {
        Credentials::from_lookup(lookup).builder(None)
    }

    /// Validates the settings and builds the client.
    pub fn build(self) -> Result<Client, ClientError> {
        let raw = self
            .base_url
            .clone()
            .ok_or_else(|| ClientError::Config("no base URL".into()))?;
        let base = parse_base_url(&raw, self.allow_insecure_http)?;
        if self.api_key.is_none() {
            return Err(ClientError::Config("no API key".into()));
        }
        if self.auth.is_none() {
            return Err(ClientError::Config("no credentials".into()));
        }
        self.rate_limit.validate()?;
        // The ring provider; `install_default` fails only when a provider
        // is already installed, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.timeouts.connect)
            .https_only(base.scheme() == "https")
            .user_agent(self.user_agent.clone())
            .build()
            .map_err(|e| ClientError::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(Client::from_parts(Arc::new(self), &base, http))
    }
}

/// Parses the base URL: a bare host gets `https://`; `http://` is allowed
/// for loopback hosts or with `allow_insecure_http`; no query or fragment.
pub(crate) fn parse_base_url(raw: &str, allow_insecure_http: bool) -> Result<Url, ClientError> {
    let raw = raw.trim();
    let with_scheme = if raw.contains("://") {
        raw.to_owned()
    } else {
        format!("https://{raw}")
    };
    let url = Url::parse(&with_scheme)
        .map_err(|e| ClientError::Config(format!("invalid base URL `{raw}`: {e}")))?;
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err(ClientError::Config(format!(
            "base URL `{raw}` must not carry credentials, a query or a fragment"
        )));
    }
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        "http" => {
            return Err(ClientError::Config(format!(
                "refusing plain http to `{raw}`: use https, a loopback host, or allow_insecure_http"
            )));
        }
        other => {
            return Err(ClientError::Config(format!(
                "unsupported URL scheme `{other}`"
            )));
        }
    }
    Ok(url)
}

fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::tests::lookup;

    #[test]
    fn base_url_rules() {
        assert_eq!(
            parse_base_url("acme.api.visier.io", false)
                .unwrap()
                .as_str(),
            "https://acme.api.visier.io/"
        );
        assert!(parse_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(parse_base_url("http://localhost:8080", false).is_ok());
        assert!(parse_base_url("http://[::1]:8080", false).is_ok());
        let err = parse_base_url("http://acme.api.visier.io", false).unwrap_err();
        assert_eq!(err.kind(), crate::ErrorKind::Config);
        assert!(parse_base_url("http://acme.api.visier.io", true).is_ok());
        assert!(parse_base_url("ftp://acme", true).is_err());
        assert!(parse_base_url("https://u:p@acme", true).is_err());
    }

    #[test]
    fn env_picks_the_flow_like_the_sdk() {
        let base = [
            ("VISIER_HOST", "acme.api.visier.io"),
            ("VISIER_APIKEY", "k"),
        ];
        let asid = ClientBuilder::from_lookup(lookup(
            &[
                &base[..],
                &[
                    ("VISIER_USERNAME", "u"),
                    ("VISIER_PASSWORD", "p"),
                    ("VISIER_VANITY", "acme"),
                ],
            ]
            .concat(),
        ))
        .unwrap();
        assert!(
            matches!(asid.auth, Some(Auth::Asid { ref vanity, .. }) if vanity.as_deref() == Some("acme"))
        );
        let client_only = ClientBuilder::from_lookup(lookup(
            &[
                &base[..],
                &[("VISIER_CLIENT_ID", "c"), ("VISIER_CLIENT_SECRET", "s")],
            ]
            .concat(),
        ));
        assert!(
            client_only.is_err(),
            "no supported sign-in with a client alone: the password grant needs the user"
        );
        let pw = ClientBuilder::from_lookup(lookup(
            &[
                &base[..],
                &[
                    ("VISIER_CLIENT_ID", "c"),
                    ("VISIER_CLIENT_SECRET", "s"),
                    ("VISIER_USERNAME", "u"),
                    ("VISIER_PASSWORD", "p"),
                    ("VISIER_TENANT_CODE", "WFF_j1"),
                ],
            ]
            .concat(),
        ))
        .unwrap();
        assert!(matches!(pw.auth, Some(Auth::OAuthPassword { .. })));
        assert_eq!(pw.defaults.tenant_code.as_deref(), Some("WFF_j1"));
        assert!(ClientBuilder::from_lookup(lookup(&base)).is_err());
        assert!(ClientBuilder::from_lookup(lookup(&[("VISIER_APIKEY", "k")])).is_err());
    }

    #[test]
    fn debug_of_settings_hides_secrets() {
        let builder = ClientBuilder::default()
            .api_key(SecretString::from("key-SECRET-1"))
            .auth(Auth::OAuthPassword {
                client_id: "cid".into(),
                client_secret: SecretString::from("cs-SECRET-2"),
                username: "u".into(),
                password: SecretString::from("pw-SECRET-3"),
            });
        let text = format!("{builder:?}");
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.contains("cid"));
        let bearer = format!("{:?}", Auth::Bearer(SecretString::from("tok-SECRET")));
        assert!(!bearer.contains("SECRET"));
    }

    #[test]
    fn call_options_per_call_values_win() {
        let defaults = CallOptions {
            target_tenant: Some("T".into()),
            project: Some("P".into()),
            ..CallOptions::default()
        };
        let call = CallOptions {
            project: Some("Q".into()),
            non_versioned: Some(true),
            ..CallOptions::default()
        };
        let merged = call.or(&defaults);
        assert_eq!(merged.target_tenant.as_deref(), Some("T"));
        assert_eq!(merged.project.as_deref(), Some("Q"));
        assert_eq!(merged.non_versioned, Some(true));
    }
}
