//! [`Client`]: the shared state, and the entry points to the handlers.

use std::fmt;
use std::sync::Arc;

use bytes::Bytes;
use serde::Serialize;
use url::Url;
use vsync_api::paths::Operation;

use crate::api::{
    AuthHandler, PermissionsHandler, ProfilesHandler, ProjectsHandler, ReportsHandler,
    TenantsHandler, UserGroupsHandler, UsersHandler,
};
use crate::auth::TokenCache;
use crate::config::ClientBuilder;
use crate::core::{Mode, ReqBody, Request, Sink};
use crate::metrics::Recorder;
use crate::pacing::Pacer;
use crate::{CallOptions, ClientError, Metrics, RawResponse, RetryBudget};

pub(crate) struct Inner {
    pub(crate) settings: Arc<ClientBuilder>,
    /// The base URL without a trailing slash.
    pub(crate) base: String,
    pub(crate) http: reqwest::Client,
    pub(crate) pacer: Pacer,
    pub(crate) metrics: Recorder,
    pub(crate) tokens: TokenCache,
    pub(crate) retry_budget: RetryBudget,
}

/// A typed client of one Visier tenant. Cheap to clone; clones share the
/// token, the pacer, the retry budget and the metrics.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    /// The default headers of this view of the client (see [`Client::in_project`]).
    defaults: Arc<CallOptions>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.inner.base)
            .field("auth", &self.inner.settings.auth)
            .field("read_only", &self.inner.settings.read_only)
            .field("project", &self.defaults.project)
            .field("rate_limit", &self.inner.settings.rate_limit)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the `VISIER_*` environment variables; see
    /// [`ClientBuilder::from_env`].
    pub fn from_env() -> Result<Client, ClientError> {
        ClientBuilder::from_env()?.build()
    }

    pub(crate) fn from_parts(
        settings: Arc<ClientBuilder>,
        base: &Url,
        http: reqwest::Client,
    ) -> Self {
        let base = base.as_str().trim_end_matches('/').to_owned();
        let pacer = Pacer::new(&settings.rate_limit);
        let retry_budget = settings.retry_budget.clone().unwrap_or_default();
        let defaults = Arc::new(settings.defaults.clone());
        Client {
            defaults,
            inner: Arc::new(Inner {
                settings,
                base,
                http,
                pacer,
                metrics: Recorder::default(),
                tokens: TokenCache::default(),
                retry_budget,
            }),
        }
    }

    /// This client working in `project`: the same tenant, session, pacer,
    /// retry budget and metrics, with `project` as the default `ProjectID`
    /// (`None`: production). The header goes only on the operations whose
    /// spec lists it ([`Operation::takes_project`]): the versioned changes
    /// and the reads that show them, never a user create, update or delete.
    ///
    /// ```
    /// # fn demo(client: &vsync_client::Client) {
    /// let draft = client.in_project(Some("0b6c2a46-6c38-4f0e-9d0e-3f5b1a4c9e21"));
    /// assert_eq!(draft.project(), Some("0b6c2a46-6c38-4f0e-9d0e-3f5b1a4c9e21"));
    /// assert_eq!(draft.in_project(None).project(), None);
    /// # }
    /// ```
    pub fn in_project(&self, project: Option<&str>) -> Client {
        let mut defaults = (*self.defaults).clone();
        defaults.project = project.map(str::to_owned);
        Client {
            inner: self.inner.clone(),
            defaults: Arc::new(defaults),
        }
    }

    /// The default `ProjectID` of this client, if it works in a project.
    pub fn project(&self) -> Option<&str> {
        self.defaults.project.as_deref()
    }

    /// Draft projects and production versions: create, list, read,
    /// `commitAndPublish`, delete.
    pub fn projects(&self) -> ProjectsHandler {
        ProjectsHandler::new(self.clone())
    }

    /// The analytic tenants an administrating tenant manages.
    pub fn tenants(&self) -> TenantsHandler {
        TenantsHandler::new(self.clone())
    }

    /// Users: v1 single-user calls, v2 bulk calls, v3 upsert.
    pub fn users(&self) -> UsersHandler {
        UsersHandler::new(self.clone())
    }

    /// User groups: v1 membership and listing, v2 definitions.
    pub fn user_groups(&self) -> UserGroupsHandler {
        UserGroupsHandler::new(self.clone())
    }

    /// Permissions: listing, creation, assignment to users and groups.
    pub fn permissions(&self) -> PermissionsHandler {
        PermissionsHandler::new(self.clone())
    }

    /// Profiles: listing, details, assignment.
    pub fn profiles(&self) -> ProfilesHandler {
        ProfilesHandler::new(self.clone())
    }

    /// The five XLSX reports, streamed to files.
    pub fn reports(&self) -> ReportsHandler {
        ReportsHandler::new(self.clone())
    }

    /// Logging in explicitly.
    pub fn auth(&self) -> AuthHandler {
        AuthHandler::new(self.clone())
    }

    /// Starts a raw call of `op`: the answer comes back as a
    /// [`RawResponse`] whatever its status, after the same pacing,
    /// credentials and retries as a typed call.
    pub fn raw(&self, op: Operation) -> RawCall {
        RawCall {
            client: self.clone(),
            req: Request::new(op, op.path_template(), self.defaults().clone()),
        }
    }

    /// What this client has done so far, and what is left of its retry
    /// budget.
    pub fn metrics(&self) -> Metrics {
        let mut metrics = self.inner.metrics.snapshot();
        metrics.retry_budget_spent = self.inner.retry_budget.spent();
        metrics.retry_budget_left = self.inner.retry_budget.remaining();
        metrics
    }

    /// The retry budget every repeat of this client (and of its clones) is
    /// charged to; a caller re-sending work of its own charges it too.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.inner.retry_budget
    }

    /// Sets every counter back to zero (the retry budget is the run's and
    /// stays as it is).
    pub fn reset_metrics(&self) {
        self.inner.metrics.reset();
    }

    /// Whether mutating requests are refused.
    pub fn is_read_only(&self) -> bool {
        self.inner.settings.read_only
    }

    /// The base URL of the tenant.
    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    pub(crate) fn defaults(&self) -> &CallOptions {
        &self.defaults
    }
}

/// A raw call under construction; see [`Client::raw`].
#[derive(Debug)]
pub struct RawCall {
    client: Client,
    req: Request,
}

impl RawCall {
    /// The concrete path (for operations with a `{param}` in their
    /// template), such as `vsync_api::paths::user_v1("u1")`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.req.path = path.into();
        self
    }

    /// The query string, from a serde struct of `vsync_api::query`.
    pub fn query<Q: Serialize>(mut self, query: &Q) -> Result<Self, ClientError> {
        self.req = self.req.query(query)?;
        Ok(self)
    }

    /// A JSON body.
    pub fn json<B: Serialize>(mut self, body: &B) -> Result<Self, ClientError> {
        self.req = self.req.json(body)?;
        Ok(self)
    }

    /// A JSON body already encoded.
    pub fn body(mut self, json: impl Into<Bytes>) -> Self {
        self.req.body = ReqBody::Json(json.into());
        self
    }

    /// Per-call headers, over the client's defaults.
    pub fn options(mut self, opts: &CallOptions) -> Self {
        self.req.opts = opts.or(self.client.defaults());
        self
    }

    /// Sends the call.
    pub async fn send(self) -> Result<RawResponse, ClientError> {
        let op = self.req.op;
        if self.req.path.contains('{') || !op.matches(op.method(), &self.req.path) {
            return Err(ClientError::Config(format!(
                "raw call of {op} needs a concrete path of that operation, not `{}`",
                self.req.path
            )));
        }
        self.client
            .execute(&self.req, Mode::Raw, Sink::Memory)
            .await
    }
}
