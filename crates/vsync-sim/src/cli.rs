//! The command line: [`SimArgs`] (also flattened into `vsync sim`) and
//! [`serve`].

use std::io::Write as _;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::config::{
    Credentials, DEFAULT_APIKEY, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD,
    DEFAULT_SEED, DEFAULT_SEED_USERS, DEFAULT_USERNAME, FaultKind, SimConfig,
};
use crate::error::SimError;
use crate::sim::Sim;

/// Flags of the simulated tenant. Names are stable: scripts and docs use them.
#[derive(Debug, Clone, Args)]
pub struct SimArgs {
    /// TCP port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Address to bind.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Users generated in the administrating tenant, besides `admin`.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED_USERS)]
    pub seed_users: usize,
    /// No users at all (not even `admin`).
    #[arg(long)]
    pub empty: bool,
    /// Load state from FILE if it exists; save it there atomically after changes.
    #[arg(long, value_name = "FILE")]
    pub state: Option<PathBuf>,
    /// Calls per minute per API key (0 turns the limit off).
    #[arg(long, value_name = "N", default_value_t = vsync_api::limits::RATE_LIMIT_PER_MINUTE)]
    pub rate_limit_minute: u32,
    /// Calls per hour per API key (0 turns the limit off).
    #[arg(long, value_name = "N", default_value_t = vsync_api::limits::RATE_LIMIT_PER_HOUR)]
    pub rate_limit_hour: u32,
    /// Rate-limit clock speed: a minute lasts 60/F seconds.
    #[arg(long, value_name = "F", default_value_t = 1.0)]
    pub time_scale: f64,
    /// Latency added to every answer, in milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub latency_ms: u64,
    /// Probability (0..1) that a request gets a random fault.
    #[arg(long, value_name = "P", default_value_t = 0.0)]
    pub fault_rate: f64,
    /// Kinds of random faults, comma-separated: status codes (500,502,503,504),
    /// `reset` (connection reset mid-response), `items` (per-item failures in
    /// bulk calls), `latency:<ms>`. Default: all but latency.
    #[arg(long, value_name = "KINDS", value_delimiter = ',')]
    pub fault_kinds: Vec<String>,
    /// Seed of generated data and random faults.
    #[arg(long, value_name = "N", default_value_t = DEFAULT_SEED)]
    pub seed: u64,
    /// Token lifetime in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 3600)]
    pub token_lifetime_secs: u64,
    /// Username accepted by the token endpoints.
    #[arg(long, env = "VSYNC_SIM_USERNAME", default_value = DEFAULT_USERNAME)]
    pub username: String,
    /// Password accepted by the token endpoints.
    #[arg(long, env = "VSYNC_SIM_PASSWORD", default_value = DEFAULT_PASSWORD, hide_env_values = true)]
    pub password: String,
    /// API key every call must carry.
    #[arg(long, env = "VSYNC_SIM_APIKEY", default_value = DEFAULT_APIKEY, hide_env_values = true)]
    pub apikey: String,
    /// OAuth 2.0 client ID.
    #[arg(long, env = "VSYNC_SIM_CLIENT_ID", default_value = DEFAULT_CLIENT_ID)]
    pub client_id: String,
    /// OAuth 2.0 client secret.
    #[arg(long, env = "VSYNC_SIM_CLIENT_SECRET", default_value = DEFAULT_CLIENT_SECRET, hide_env_values = true)]
    pub client_secret: String,
    /// Reject creation of usernames matching a glob, as `PATTERN=MESSAGE`.
    #[arg(long, value_name = "PATTERN=MESSAGE")]
    pub reject_username: Vec<String>,
    /// Keep every request in memory (for tests; off for long runs).
    #[arg(long)]
    pub record_requests: bool,
    /// Users each tenant can hold; creates beyond it fail (100 for a trial tenant).
    #[arg(long, value_name = "N", default_value_t = vsync_api::limits::MAX_USERS_PER_TENANT)]
    pub max_users: usize,
}

impl SimArgs {
    /// The configuration these flags describe.
    pub fn to_config(&self) -> Result<SimConfig, SimError> {
        let fault_kinds = if self.fault_kinds.is_empty() {
            FaultKind::default_random_kinds()
        } else {
            self.fault_kinds
                .iter()
                .map(|k| FaultKind::parse(k).map_err(SimError::config))
                .collect::<Result<_, _>>()?
        };
        let reject_usernames = self
            .reject_username
            .iter()
            .map(|r| {
                let (pattern, message) = r.split_once('=').ok_or_else(|| {
                    SimError::config(format!("--reject-username {r:?} is not PATTERN=MESSAGE"))
                })?;
                Ok(crate::config::RejectRule {
                    pattern: pattern.to_owned(),
                    message: message.to_owned(),
                })
            })
            .collect::<Result<_, SimError>>()?;
        let config = SimConfig {
            port: self.port,
            host: self.host.clone(),
            seed_users: self.seed_users,
            empty: self.empty,
            seed: self.seed,
            credentials: Credentials {
                username: self.username.clone(),
                password: self.password.clone(),
                apikey: self.apikey.clone(),
                client_id: self.client_id.clone(),
                client_secret: self.client_secret.clone(),
            },
            token_lifetime: Duration::from_secs(self.token_lifetime_secs),
            rate_limit_minute: self.rate_limit_minute,
            rate_limit_hour: self.rate_limit_hour,
            time_scale: self.time_scale,
            latency: Duration::from_millis(self.latency_ms),
            fault_rate: self.fault_rate,
            fault_kinds,
            reject_usernames,
            state_file: self.state.clone(),
            record_requests: self.record_requests,
            max_users: self.max_users,
            ..SimConfig::default()
        };
        config.validate()?;
        Ok(config)
    }
}

/// Runs the simulator until Ctrl-C or SIGTERM (a service manager's stop),
/// printing `vsync-sim listening on http://HOST:PORT` on stdout when ready;
/// saves the state file on the way out.
pub async fn serve(args: SimArgs) -> Result<(), SimError> {
    let sim = Sim::start_with(args.to_config()?).await?;
    {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "vsync-sim listening on {}", sim.uri());
        let _ = out.flush();
    }
    stop_requested().await;
    sim.shutdown().await
}

/// Ctrl-C, or on Unix also SIGTERM.
async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
