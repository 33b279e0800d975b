//! The shared harness: a simulated tenant, a client pointed at it, and a
//! timeout around every test body.

use std::future::Future;
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use tracing_subscriber::layer::SubscriberExt;

use vsync_client::{Auth, Client, ClientBuilder, RateLimit, RetryPolicy, SecretString};
use vsync_sim::{Credentials, Sim, SimBuilder};

/// A tenant without rate limits (tests not about pacing).
pub fn sim() -> SimBuilder {
    Sim::builder().no_rate_limit()
}

/// Where every test's client-side logs go.
#[derive(Clone, Default)]
pub struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

static LOGS: OnceLock<LogBuffer> = OnceLock::new();

/// Installs, once per test binary, a global subscriber that records every
/// event and span (TRACE, the HTTP stack included; the simulated tenant's
/// own logs excluded) into a buffer.
pub fn capture_logs() -> &'static LogBuffer {
    LOGS.get_or_init(|| {
        let buffer = LogBuffer::default();
        let filter = Targets::new()
            .with_target("vsync_sim", LevelFilter::OFF)
            .with_target("axum", LevelFilter::OFF)
            .with_target("tower_http", LevelFilter::OFF)
            .with_default(LevelFilter::TRACE);
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(FmtSpan::FULL)
            .with_ansi(false)
            .with_writer(buffer.clone())
            .finish()
            .with(filter);
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other global subscriber in this test binary");
        buffer
    })
}

/// Everything captured so far.
pub fn captured_logs() -> String {
    let bytes = capture_logs()
        .0
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Starts the tenant (and the log capture).
pub async fn start(builder: SimBuilder) -> Sim {
    capture_logs();
    builder.start().await.expect("the simulated tenant starts")
}

/// Distinctive credentials, so a search for them in logs cannot hit
/// unrelated text (the default password `admin` is also in every path).
pub fn distinct_credentials() -> Credentials {
    Credentials {
        username: "svc-sync".into(),
        password: "pw-Qz81-unguessable".into(),
        apikey: "key-Xy77-unguessable".into(),
        client_id: "client-vsync".into(),
        client_secret: "cs-Ab12-unguessable".into(),
    }
}

/// ASID credentials of `sim`.
pub fn asid(sim: &Sim) -> Auth {
    let c = sim.credentials();
    Auth::Asid {
        username: c.username.clone(),
        password: SecretString::from(c.password.clone()),
        vanity: None,
    }
}

/// Quick retries, so fault tests do not sleep long.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
    }
}

/// A client of `sim` with ASID login, quick retries and no practical
/// local rate limit.
pub fn client(sim: &Sim) -> ClientBuilder {
    Client::builder()
        .base_url(sim.uri())
        .api_key(SecretString::from(sim.credentials().apikey.clone()))
        .auth(asid(sim))
        .retry(quick_retries())
        .rate_limit(RateLimit {
            per_minute: 1_000_000,
            per_hour: 60_000_000,
            ..RateLimit::default()
        })
}

/// Runs `f` with a timeout.
pub async fn within<F: Future>(secs: u64, f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(secs), f)
        .await
        .expect("the test timed out")
}
