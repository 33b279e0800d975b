//! The settings of a simulated tenant: credentials, limits, faults, seeding.

use std::path::PathBuf;
use std::time::Duration;

use axum::http::Method;

/// The default sign-in username.
pub const DEFAULT_USERNAME: &str = "admin";
/// The default sign-in password.
pub const DEFAULT_PASSWORD: &str = "admin";
/// The default API key.
pub const DEFAULT_APIKEY: &str = "dev-apikey";
/// The default OAuth 2.0 client ID.
pub const DEFAULT_CLIENT_ID: &str = "vsync-demo";
/// The default OAuth 2.0 client secret.
pub const DEFAULT_CLIENT_SECRET: &str = "vsync-demo-secret";
/// The code of the administrating tenant.
pub const DEFAULT_ADMIN_TENANT: &str = "WFF_sim";
/// The default lifetime of a token (what Visier's SDK assumes).
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The default number of generated users (besides `admin`).
pub const DEFAULT_SEED_USERS: usize = 100;
/// The default RNG seed.
pub const DEFAULT_SEED: u64 = 42;

/// The credentials the tenant accepts. One user, one API key, one OAuth client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// Username for `visierSecureToken` and the OAuth password grant.
    pub username: String,
    /// Its password.
    pub password: String,
    /// The API key every call must carry in the `apikey` header.
    pub apikey: String,
    /// The OAuth 2.0 client ID (HTTP Basic user name).
    pub client_id: String,
    /// The OAuth 2.0 client secret (HTTP Basic password).
    pub client_secret: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Credentials {
            username: DEFAULT_USERNAME.to_owned(),
            password: DEFAULT_PASSWORD.to_owned(),
            apikey: DEFAULT_APIKEY.to_owned(),
            client_id: DEFAULT_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_CLIENT_SECRET.to_owned(),
        }
    }
}

/// A fault the simulator can inject into an answer.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum FaultKind {
    /// Answer this status (500, 502, 503, 504, 409, ...) with a `Status`
    /// body, **without** performing the call.
    Status(u16),
    /// Perform the call, send the status line and headers, then break the
    /// connection in the middle of the body: the client cannot know the
    /// outcome although the change was made.
    ConnectionReset,
    /// Delay the answer by this much (on top of the configured latency).
    Latency(Duration),
    /// In a bulk call (v2 users, v2 user groups, permission creation), some
    /// items fail with a transient error and a fresh `rci` while the others
    /// succeed. Scripted, it fails the first item; drawn at random, each
    /// item fails with probability one half (at least one fails). Outside
    /// bulk calls it has no effect.
    ItemFailures,
}

impl FaultKind {
    /// The kinds drawn when `fault_rate` is set and no kinds are chosen:
    /// 500, 502, 503, 504, connection reset and per-item failures.
    pub fn default_random_kinds() -> Vec<FaultKind> {
        vec![
            FaultKind::Status(500),
            FaultKind::Status(502),
            FaultKind::Status(503),
            FaultKind::Status(504),
            FaultKind::ConnectionReset,
            FaultKind::ItemFailures,
        ]
    }

    /// Parses a flag value: a status code (`503`), `reset`, `items`, or
    /// `latency:<ms>`.
    pub fn parse(value: &str) -> Result<FaultKind, String> {
        let value = value.trim();
        match value {
            "reset" | "connection-reset" => Ok(FaultKind::ConnectionReset),
            "items" | "item-failures" => Ok(FaultKind::ItemFailures),
            _ => {
                if let Some(ms) = value.strip_prefix("latency:") {
                    let ms: u64 = ms
                        .parse()
                        .map_err(|_| format!("bad latency in fault kind {value:?}"))?;
                    return Ok(FaultKind::Latency(Duration::from_millis(ms)));
                }
                match value.parse::<u16>() {
                    Ok(code) if (400..=599).contains(&code) => Ok(FaultKind::Status(code)),
                    _ => Err(format!(
                        "unknown fault kind {value:?}: expected a status 400..599, reset, items or latency:<ms>"
                    )),
                }
            }
        }
    }
}

/// Which requests a [`ScriptedFault`] hits, counted among requests that
/// match its method and path and that passed authentication and rate
/// limiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occurrence {
    /// Only the n-th matching request (1-based).
    Nth(usize),
    /// The first n matching requests.
    FirstN(usize),
    /// Every matching request.
    Always,
}

/// A fault planned for specific requests, for deterministic tests:
/// "the 3rd `POST /v2/admin/users` answers 503".
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptedFault {
    /// The method to match.
    pub method: Method,
    /// A concrete path (`/v1/admin/users/abc`) or a template of
    /// [`vsync_api::paths`] (`/v1/admin/users/{userId}`).
    pub path: String,
    /// Which matching requests are hit.
    pub occurrence: Occurrence,
    /// What happens to them.
    pub kind: FaultKind,
}

impl ScriptedFault {
    /// The `n`-th (1-based) matching request gets `kind`.
    pub fn nth(method: Method, path: impl Into<String>, n: usize, kind: FaultKind) -> Self {
        ScriptedFault {
            method,
            path: path.into(),
            occurrence: Occurrence::Nth(n),
            kind,
        }
    }

    /// The first `n` matching requests get `kind` (fail twice, then succeed).
    pub fn first(method: Method, path: impl Into<String>, n: usize, kind: FaultKind) -> Self {
        ScriptedFault {
            method,
            path: path.into(),
            occurrence: Occurrence::FirstN(n),
            kind,
        }
    }

    /// Every matching request gets `kind`.
    pub fn always(method: Method, path: impl Into<String>, kind: FaultKind) -> Self {
        ScriptedFault {
            method,
            path: path.into(),
            occurrence: Occurrence::Always,
            kind,
        }
    }
}

/// A deterministic per-item failure: usernames matching `pattern` (a glob,
/// case-insensitive, `*` and `?`) fail in v1 and v2 creates and v3 upserts
/// with `message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectRule {
    /// The glob on usernames.
    pub pattern: String,
    /// The error message the failure carries.
    pub message: String,
}

/// Everything that defines a simulated tenant. Build it with
/// [`crate::Sim::builder`] or from flags with [`crate::cli::SimArgs`].
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The address to bind; `127.0.0.1` unless changed.
    pub host: String,
    /// Generated users in the administrating tenant, besides `admin`.
    pub seed_users: usize,
    /// No users at all, not even `admin`; groups have no members.
    pub empty: bool,
    /// The seed of generated data and of fault decisions.
    pub seed: u64,
    /// The accepted credentials.
    pub credentials: Credentials,
    /// How long tokens stay valid.
    pub token_lifetime: Duration,
    /// Calls per minute per API key; 0 is no limit.
    pub rate_limit_minute: u32,
    /// Calls per hour per API key; 0 is no limit.
    pub rate_limit_hour: u32,
    /// How much faster than real time the rate-limit windows run: a minute
    /// lasts `60 / time_scale` seconds.
    pub time_scale: f64,
    /// Latency added to every answer.
    pub latency: Duration,
    /// Probability in `0..=1` that a request gets a random fault.
    pub fault_rate: f64,
    /// The kinds random faults are drawn from.
    pub fault_kinds: Vec<FaultKind>,
    /// Faults planned for specific requests.
    pub scripted: Vec<ScriptedFault>,
    /// Usernames that always fail to be created.
    pub reject_usernames: Vec<RejectRule>,
    /// Where state is loaded from and saved to, if anywhere.
    pub state_file: Option<PathBuf>,
    /// The code of the administrating tenant.
    pub admin_tenant: String,
    /// Codes of the analytic tenants the administrating tenant manages.
    pub analytic_tenants: Vec<String>,
    /// Keep every request for [`crate::Sim::received_requests`].
    pub record_requests: bool,
    /// Users each tenant can hold: creates beyond it fail, as Visier's do
    /// (25,000; a trial tenant holds 100). Seeded users count too.
    pub max_users: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            port: 0,
            host: "127.0.0.1".to_owned(),
            seed_users: DEFAULT_SEED_USERS,
            empty: false,
            seed: DEFAULT_SEED,
            credentials: Credentials::default(),
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            rate_limit_minute: vsync_api::limits::RATE_LIMIT_PER_MINUTE,
            rate_limit_hour: vsync_api::limits::RATE_LIMIT_PER_HOUR,
            time_scale: 1.0,
            latency: Duration::ZERO,
            fault_rate: 0.0,
            fault_kinds: FaultKind::default_random_kinds(),
            scripted: Vec::new(),
            reject_usernames: Vec::new(),
            state_file: None,
            admin_tenant: DEFAULT_ADMIN_TENANT.to_owned(),
            analytic_tenants: vec![
                format!("{DEFAULT_ADMIN_TENANT}~t01"),
                format!("{DEFAULT_ADMIN_TENANT}~t02"),
            ],
            record_requests: true,
            max_users: vsync_api::limits::MAX_USERS_PER_TENANT,
        }
    }
}

impl SimConfig {
    /// Checks values that flags or setters may get wrong.
    pub fn validate(&self) -> Result<(), crate::SimError> {
        if !(0.0..=1.0).contains(&self.fault_rate) {
            return Err(crate::SimError::config(format!(
                "fault rate {} is not between 0 and 1",
                self.fault_rate
            )));
        }
        if !(self.time_scale.is_finite() && self.time_scale > 0.0) {
            return Err(crate::SimError::config(format!(
                "time scale {} is not a positive number",
                self.time_scale
            )));
        }
        if self.fault_rate > 0.0 && self.fault_kinds.is_empty() {
            return Err(crate::SimError::config(
                "fault rate is set but no fault kinds are enabled",
            ));
        }
        for rule in &self.reject_usernames {
            crate::faults::compile_glob(&rule.pattern)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_fault_kind_flags() {
        assert_eq!(FaultKind::parse("503"), Ok(FaultKind::Status(503)));
        assert_eq!(FaultKind::parse("reset"), Ok(FaultKind::ConnectionReset));
        assert_eq!(FaultKind::parse("items"), Ok(FaultKind::ItemFailures));
        assert_eq!(
            FaultKind::parse("latency:20"),
            Ok(FaultKind::Latency(Duration::from_millis(20)))
        );
        assert!(FaultKind::parse("200").is_err());
        assert!(FaultKind::parse("boom").is_err());
    }

    #[test]
    fn rejects_fault_rate_out_of_range() {
        let config = SimConfig {
            fault_rate: 1.5,
            ..SimConfig::default()
        };
        assert!(config.validate().is_err());
    }
}
