//! [`Sim`], the handle of a running simulated tenant, and its builder.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, oneshot};
use tokio::task::JoinHandle;
use vsync_api::paths::Operation;

use crate::app::{App, World, lock, op_index};
use crate::config::{Credentials, FaultKind, RejectRule, ScriptedFault, SimConfig};
use crate::error::SimError;
use crate::expect::{Expectation, Expectations, failure_message};
use crate::faults::{FaultEngine, Rejections};
use crate::gateway::RecordedRequest;
use crate::persist;
use crate::projects::{ProjectChanges, ProjectStatus, SimProject};
use crate::ratelimit::RateLimiter;
use crate::seed::seed_tenant;
use crate::state::{TenantSnapshot, now_ms};
use crate::tokens::Tokens;

/// Users generated in each analytic tenant (none with [`SimBuilder::empty`]).
pub const ANALYTIC_TENANT_USERS: usize = 10;

/// Builds a [`Sim`]; every setter is optional.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct SimBuilder {
    config: SimConfig,
}

impl SimBuilder {
    /// Starts from a full configuration.
    pub fn from_config(config: SimConfig) -> Self {
        SimBuilder { config }
    }
    /// The port on 127.0.0.1 (default 0: any free port).
    pub fn port(mut self, port: u16) -> Self {
        self.config.port = port;
        self
    }
    /// Generated users besides `admin` (default 100).
    pub fn seed_users(mut self, n: usize) -> Self {
        self.config.seed_users = n;
        self
    }
    /// No users at all, not even `admin`; groups keep no members.
    pub fn empty(mut self) -> Self {
        self.config.empty = true;
        self
    }
    /// The seed of generated data and random faults (default 42).
    pub fn seed(mut self, seed: u64) -> Self {
        self.config.seed = seed;
        self
    }
    /// Calls per minute per API key (default 100; 0 turns it off).
    pub fn rate_limit_minute(mut self, n: u32) -> Self {
        self.config.rate_limit_minute = n;
        self
    }
    /// Calls per hour per API key (default 6000; 0 turns it off).
    pub fn rate_limit_hour(mut self, n: u32) -> Self {
        self.config.rate_limit_hour = n;
        self
    }
    /// Turns both rate limits off.
    pub fn no_rate_limit(self) -> Self {
        self.rate_limit_minute(0).rate_limit_hour(0)
    }
    /// Runs rate-limit windows faster: a minute lasts `60 / f` seconds.
    pub fn time_scale(mut self, f: f64) -> Self {
        self.config.time_scale = f;
        self
    }
    /// Latency added to every answer.
    pub fn latency(mut self, latency: Duration) -> Self {
        self.config.latency = latency;
        self
    }
    /// Probability that a request gets a random fault.
    pub fn fault_rate(mut self, p: f64) -> Self {
        self.config.fault_rate = p;
        self
    }
    /// The kinds random faults are drawn from.
    pub fn fault_kinds(mut self, kinds: impl IntoIterator<Item = FaultKind>) -> Self {
        self.config.fault_kinds = kinds.into_iter().collect();
        self
    }
    /// Adds a scripted fault.
    pub fn script(mut self, fault: ScriptedFault) -> Self {
        self.config.scripted.push(fault);
        self
    }
    /// Usernames matching `pattern` (case-insensitive glob) always fail to
    /// be created, with `message`.
    pub fn reject_username(
        mut self,
        pattern: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        self.config.reject_usernames.push(RejectRule {
            pattern: pattern.into(),
            message: message.into(),
        });
        self
    }
    /// How long tokens stay valid (default 3600 s).
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.config.token_lifetime = lifetime;
        self
    }
    /// The accepted credentials.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.credentials = credentials;
        self
    }
    /// Loads state from `path` if present and saves it there.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.config.state_file = Some(path.into());
        self
    }
    /// The analytic tenants' codes (default two).
    pub fn analytic_tenants(mut self, codes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.config.analytic_tenants = codes.into_iter().map(Into::into).collect();
        self
    }
    /// Whether to keep requests for [`Sim::received_requests`] (default on).
    pub fn record_requests(mut self, on: bool) -> Self {
        self.config.record_requests = on;
        self
    }
    /// Users each tenant can hold (default 25,000; 100 makes a trial
    /// tenant, [`vsync_api::limits::MAX_USERS_PER_TENANT_TRIAL`]).
    pub fn max_users(mut self, n: usize) -> Self {
        self.config.max_users = n;
        self
    }
    /// The configuration built so far.
    pub fn config(&self) -> &SimConfig {
        &self.config
    }
    /// Binds, seeds (or loads) and starts serving.
    pub async fn start(self) -> Result<Sim, SimError> {
        Sim::start_with(self.config).await
    }
}

/// A running simulated Visier tenant. Dropping it stops the server and
/// checks the call expectations made with [`Sim::expect`].
pub struct Sim {
    app: Arc<App>,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<std::io::Result<()>>>,
    saver: Option<JoinHandle<()>>,
    expectations: Mutex<Expectations>,
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

fn seed_world(config: &SimConfig) -> World {
    let admin_user = (!config.empty).then_some(config.credentials.username.as_str());
    let users = if config.empty { 0 } else { config.seed_users };
    let mut tenants = BTreeMap::new();
    tenants.insert(
        config.admin_tenant.clone(),
        seed_tenant(&config.admin_tenant, config.seed, users, admin_user),
    );
    for code in &config.analytic_tenants {
        let n = if config.empty {
            0
        } else {
            ANALYTIC_TENANT_USERS
        };
        tenants.insert(code.clone(), seed_tenant(code, config.seed, n, None));
    }
    World {
        admin: config.admin_tenant.clone(),
        tenants,
    }
}

impl Sim {
    /// A builder with the defaults.
    pub fn builder() -> SimBuilder {
        SimBuilder::default()
    }

    /// Starts a simulator with `config`.
    pub async fn start_with(config: SimConfig) -> Result<Sim, SimError> {
        config.validate()?;
        let loaded = match &config.state_file {
            Some(path) => persist::load(path)?,
            None => None,
        };
        let fresh = loaded.is_none();
        let world = loaded.unwrap_or_else(|| seed_world(&config));
        let app = Arc::new(App {
            tokens: Mutex::new(Tokens::new(config.seed, config.token_lifetime)),
            rate: Mutex::new(RateLimiter::new(
                config.rate_limit_minute,
                config.rate_limit_hour,
                config.time_scale,
            )),
            faults: Mutex::new(FaultEngine::new(&config)),
            rejections: Rejections::new(&config.reject_usernames)?,
            world: Mutex::new(world),
            requests: Mutex::new(Vec::new()),
            counts: Operation::ALL.iter().map(|_| AtomicUsize::new(0)).collect(),
            mutating: AtomicUsize::new(0),
            dirty: AtomicBool::new(false),
            dirty_notify: Notify::new(),
            config,
        });
        if fresh && let Some(path) = &app.config.state_file {
            let bytes = persist::encode(&lock(&app.world));
            persist::write_atomic(path, &bytes)?;
        }

        let bind = format!("{}:{}", app.config.host, app.config.port);
        let listener = tokio::net::TcpListener::bind(&bind)
            .await
            .map_err(|source| SimError::Io {
                action: "bind",
                addr: bind.clone(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| SimError::Io {
            action: "bind",
            addr: bind,
            source,
        })?;
        let router = crate::api::router(app.clone());
        let (tx, rx) = oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await
        });
        let saver = app.config.state_file.clone().map(|path| {
            let app = app.clone();
            tokio::spawn(async move {
                loop {
                    app.dirty_notify.notified().await;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                    if app.dirty.swap(false, Ordering::AcqRel) {
                        let bytes = persist::encode(&lock(&app.world));
                        let path = path.clone();
                        let result = tokio::task::spawn_blocking(move || {
                            persist::write_atomic(&path, &bytes)
                        })
                        .await;
                        if let Ok(Err(e)) = result {
                            tracing::error!("{e}");
                        }
                    }
                }
            })
        });
        Ok(Sim {
            app,
            addr,
            shutdown: Some(tx),
            server: Some(server),
            saver,
            expectations: Mutex::new(Expectations::default()),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The configuration it runs with.
    pub fn config(&self) -> &SimConfig {
        &self.app.config
    }

    /// The accepted credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.app.config.credentials
    }

    /// Every request received so far, in arrival order (if recording).
    pub fn received_requests(&self) -> Vec<RecordedRequest> {
        lock(&self.app.requests).clone()
    }

    /// How many requests for `op` arrived (whatever their answer).
    pub fn call_count(&self, op: Operation) -> usize {
        self.app.counts[op_index(op)].load(Ordering::Relaxed)
    }

    /// Requests with a mutating method (POST, PUT, PATCH, DELETE) to an
    /// operation other than the token endpoints.
    pub fn mutating_request_count(&self) -> usize {
        self.app.mutating.load(Ordering::Relaxed)
    }

    /// The administrating tenant's data.
    pub fn snapshot(&self) -> TenantSnapshot {
        let world = lock(&self.app.world);
        world.tenants[&world.admin].snapshot()
    }

    /// A tenant's production data.
    pub fn tenant_snapshot(&self, tenant_code: &str) -> Option<TenantSnapshot> {
        lock(&self.app.world)
            .tenants
            .get(tenant_code)
            .map(crate::state::Tenant::snapshot)
    }

    /// A tenant as one of its projects sees it: production with the
    /// project's unpublished changes applied (any project status).
    pub fn project_snapshot(&self, tenant_code: &str, project_id: &str) -> Option<TenantSnapshot> {
        let world = lock(&self.app.world);
        let tenant = world.tenants.get(tenant_code)?;
        tenant.project(project_id)?;
        let mut view = tenant.clone();
        view.put_artifacts(tenant.project_view(project_id));
        Some(view.snapshot())
    }

    /// Creates an open project in a tenant without an API call (for tests
    /// that are not about the projects API); returns its ID.
    pub fn create_project(&self, tenant_code: &str, name: &str) -> Option<String> {
        let mut world = lock(&self.app.world);
        let tenant = world.tenants.get_mut(tenant_code)?;
        let id = tenant.next_project_id();
        tenant.data.projects.push(SimProject {
            id: id.clone(),
            name: name.to_owned(),
            description: None,
            ticket_number: None,
            release_version: None,
            owner: self.app.config.credentials.username.clone(),
            created_ms: now_ms(),
            status: ProjectStatus::Open,
            version_number: None,
            changes: ProjectChanges::default(),
        });
        drop(world);
        self.app.mark_dirty();
        Some(id)
    }

    /// The administrating tenant's code, then the analytic tenants'.
    pub fn tenant_codes(&self) -> Vec<String> {
        let world = lock(&self.app.world);
        let mut codes = vec![world.admin.clone()];
        codes.extend(world.tenants.keys().filter(|c| **c != world.admin).cloned());
        codes
    }

    /// Production versions published so far, over every tenant: one per
    /// direct request that changed a versioned artifact, one per project
    /// publication that changed something.
    pub fn production_versions(&self) -> u64 {
        lock(&self.app.world)
            .tenants
            .values()
            .map(|t| t.data.production_versions.len() as u64)
            .sum()
    }

    /// Forgets recorded requests, call counts, production versions and
    /// rate-limit windows (the data stays).
    pub fn reset_counters(&self) {
        lock(&self.app.requests).clear();
        for c in &self.app.counts {
            c.store(0, Ordering::Relaxed);
        }
        self.app.mutating.store(0, Ordering::Relaxed);
        for t in lock(&self.app.world).tenants.values_mut() {
            t.data.production_versions.clear();
        }
        lock(&self.app.rate).reset();
        lock(&self.expectations).reset_baselines();
    }

    /// Expects calls to `op` from now on: at least one unless narrowed with
    /// [`Expectation::times`], [`Expectation::at_least`],
    /// [`Expectation::at_most`] or [`Expectation::never`]. Checked by
    /// [`Sim::verify`] and when the simulator is dropped.
    ///
    /// ```no_run
    /// # async fn demo() -> Result<(), vsync_sim::SimError> {
    /// use vsync_sim::{Operation, Sim};
    /// let sim = Sim::builder().start().await?;
    /// sim.expect(Operation::AddUsers).times(3);
    /// sim.expect(Operation::DeleteUsers).never();
    /// // ... run the code under test against sim.uri() ...
    /// sim.verify();
    /// # Ok(()) }
    /// ```
    pub fn expect(&self, op: Operation) -> Expectation<'_> {
        let index = lock(&self.expectations).push(op, self.call_count(op));
        Expectation::new(self, index)
    }

    /// Panics, listing expected and received counts, if any expectation
    /// made with [`Sim::expect`] is not met now.
    ///
    /// # Panics
    ///
    /// When an expectation is not met.
    pub fn verify(&self) {
        let unmet = self.unmet_expectations();
        assert!(unmet.is_empty(), "{}", failure_message(&unmet));
    }

    /// The expectations not met now, one line each (empty when all are).
    pub fn unmet_expectations(&self) -> Vec<String> {
        lock(&self.expectations).unmet(|op| self.call_count(op))
    }

    pub(crate) fn expectations(&self) -> &Mutex<Expectations> {
        &self.expectations
    }

    /// Adds a scripted fault while running.
    pub fn script(&self, fault: ScriptedFault) {
        lock(&self.app.faults).add(fault);
    }

    /// Issues a token without a login call (for tests that are not about
    /// authentication).
    pub fn issue_token(&self) -> String {
        let user = self.app.config.credentials.username.clone();
        lock(&self.app.tokens).issue(&user)
    }

    /// Writes the state file now, if one is configured.
    pub fn save_state(&self) -> Result<(), SimError> {
        if let Some(path) = &self.app.config.state_file {
            let bytes = persist::encode(&lock(&self.app.world));
            persist::write_atomic(path, &bytes)?;
        }
        Ok(())
    }

    /// Stops serving, then saves the state file.
    pub async fn shutdown(mut self) -> Result<(), SimError> {
        self.stop();
        if let Some(server) = self.server.take() {
            match tokio::time::timeout(Duration::from_secs(5), server).await {
                Ok(Ok(Err(source))) => {
                    return Err(SimError::Io {
                        action: "serve",
                        addr: self.addr.to_string(),
                        source,
                    });
                }
                Ok(_) => {}
                Err(_) => tracing::warn!("connections still open after 5 s; stopping anyway"),
            }
        }
        self.save_state()
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(saver) = self.saver.take() {
            saver.abort();
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        let was_running = self.shutdown.is_some();
        self.stop();
        if let Some(server) = self.server.take() {
            server.abort();
        }
        if was_running && let Err(e) = self.save_state() {
            tracing::error!("{e}");
        }
        // A second panic while unwinding would abort the test binary and
        // hide the first failure.
        if !std::thread::panicking() {
            let unmet = self.unmet_expectations();
            assert!(unmet.is_empty(), "{}", failure_message(&unmet));
        }
    }
}
