//! The shared state of a running simulator: the tenants, the request
//! context the gateway hands to handlers, and read and write transactions.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

use axum::extract::FromRequestParts;
use axum::http::StatusCode;
use axum::http::request::Parts;
use tokio::sync::Notify;
use vsync_api::paths::Operation;

use crate::config::SimConfig;
use crate::faults::{FaultEngine, ItemFaults, Rejections};
use crate::gateway::RecordedRequest;
use crate::http::ApiError;
use crate::projects::{Artifacts, ProductionVersion, ProjectChanges, ProjectStatus};
use crate::ratelimit::RateLimiter;
use crate::state::{Tenant, now_ms};
use crate::tokens::Tokens;

/// What the gateway learned about a request, for the handlers.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The tenant the call acts on.
    pub tenant: String,
    /// The `ProjectID` header.
    pub project: Option<String>,
    /// The `NonVersioned` header.
    pub non_versioned: bool,
    /// The signed-in user.
    pub username: String,
    /// Per-item faults to inject in a bulk answer.
    pub items: Option<ItemFaults>,
    /// The operation.
    pub op: Option<Operation>,
}

impl Ctx {
    /// One flag per item: `true` makes that item fail transiently.
    pub(crate) fn item_faults(&self, n: usize) -> Vec<bool> {
        self.items.map_or_else(|| vec![false; n], |i| i.plan(n))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
            ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalServerError",
                "no request context",
            )
        })
    }
}

/// The tenants, each with its draft projects.
pub(crate) struct World {
    pub admin: String,
    pub tenants: BTreeMap<String, Tenant>,
}

/// A tenant's production, or one of its projects.
pub(crate) type Key = (String, Option<String>);

impl World {
    /// Checks that `project_id` names an open project of `code`; returns its
    /// canonical form (a lower-case hyphenated UUID).
    pub(crate) fn open_project(&self, code: &str, project_id: &str) -> Result<String, ApiError> {
        let id = uuid::Uuid::try_parse(project_id.trim())
            .map_err(|_| ApiError::bad_request(format!("ProjectID {project_id:?} is not a UUID")))?
            .hyphenated()
            .to_string();
        let project = self
            .tenants
            .get(code)
            .and_then(|t| t.project(&id))
            .ok_or_else(|| {
                ApiError::not_found(format!("project {id} not found in tenant {code}"))
            })?;
        match project.status {
            ProjectStatus::Open => Ok(id),
            ProjectStatus::Deleted => Err(ApiError::not_found(format!("project {id} was deleted"))),
            ProjectStatus::Published => Err(ApiError::bad_request(format!(
                "project {id} was already published: make further changes in a new project"
            ))),
        }
    }
}

/// A project's view swapped in place of a tenant's production artifacts
/// while a transaction works in it.
struct Shown {
    project: String,
    production: Artifacts,
    before: Artifacts,
}

/// A write transaction over the world. It notes which tenants (and
/// projects) changed, so direct versioned changes publish production
/// versions; it shows a project by putting the project's view of the
/// versioned artifacts in place of production's (users stay shared), and
/// records what the handler changed there as the project's changes.
pub(crate) struct Tx<'a> {
    world: &'a mut World,
    ctx: &'a Ctx,
    touched: BTreeSet<Key>,
    shown: BTreeMap<String, Shown>,
}

impl Tx<'_> {
    /// The key for `tenant_code` and `project_id` overrides from a body, or
    /// the request's; the project must be an open project of that tenant.
    pub(crate) fn key(
        &self,
        tenant_code: Option<&str>,
        project_id: Option<&str>,
    ) -> Result<Key, ApiError> {
        let code = tenant_code
            .filter(|c| !c.is_empty())
            .map_or_else(|| self.ctx.tenant.clone(), str::to_owned);
        if !self.world.tenants.contains_key(&code) {
            return Err(ApiError::forbidden(format!(
                "tenant {code} is not an analytic tenant of {}",
                self.world.admin
            )));
        }
        let project = match project_id.filter(|p| !p.is_empty()) {
            Some(p) => Some(p),
            None => self.ctx.project.as_deref(),
        };
        let project = project
            .map(|p| self.world.open_project(&code, p))
            .transpose()?;
        Ok((code, project))
    }

    /// The tenant of `key`, showing its project's view if it has one.
    pub(crate) fn tenant(&mut self, key: &Key) -> &mut Tenant {
        let (code, project) = key;
        if self.shown.get(code).map(|s| &s.project) != project.as_ref() {
            self.fold_back(code);
            if let Some(project) = project {
                let t = self
                    .world
                    .tenants
                    .get_mut(code)
                    .expect("keys are checked when made");
                let view = t.project_view(project);
                let production = t.take_artifacts();
                t.put_artifacts(view.clone());
                self.shown.insert(
                    code.clone(),
                    Shown {
                        project: project.clone(),
                        production,
                        before: view,
                    },
                );
            }
        }
        self.world
            .tenants
            .get_mut(code)
            .expect("keys are checked when made")
    }

    /// Puts production back in `code` and records what changed in the
    /// project that was shown there.
    fn fold_back(&mut self, code: &str) {
        let Some(shown) = self.shown.remove(code) else {
            return;
        };
        let t = self
            .world
            .tenants
            .get_mut(code)
            .expect("shown tenants exist");
        let after = t.take_artifacts();
        t.put_artifacts(shown.production);
        let changes = ProjectChanges::between(&shown.before, &after);
        if !changes.is_empty()
            && let Some(p) = t.project_mut(&shown.project)
        {
            p.changes.merge(changes);
            self.touched.insert((code.to_owned(), Some(shown.project)));
        }
    }

    /// Notes that `key` changed.
    pub(crate) fn mark(&mut self, key: &Key) {
        self.touched.insert(key.clone());
    }

    /// Folds every shown project back; returns the keys that changed.
    fn finish(mut self) -> BTreeSet<Key> {
        let codes: Vec<String> = self.shown.keys().cloned().collect();
        for code in codes {
            self.fold_back(&code);
        }
        self.touched
    }
}

/// The whole simulator, shared by handlers and the [`crate::Sim`] handle.
pub(crate) struct App {
    pub config: SimConfig,
    pub world: Mutex<World>,
    pub tokens: Mutex<Tokens>,
    pub rate: Mutex<RateLimiter>,
    pub faults: Mutex<FaultEngine>,
    pub rejections: Rejections,
    pub requests: Mutex<Vec<RecordedRequest>>,
    pub counts: Vec<AtomicUsize>,
    pub mutating: AtomicUsize,
    pub dirty: AtomicBool,
    pub dirty_notify: Notify,
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub(crate) fn op_index(op: Operation) -> usize {
    Operation::ALL.iter().position(|o| *o == op).unwrap_or(0)
}

impl App {
    /// Reads the request's tenant, as its project sees it if the request
    /// names one.
    pub(crate) fn read<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&Tenant) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut world = lock(&self.world);
        let tenant = world
            .tenants
            .get_mut(&ctx.tenant)
            .ok_or_else(|| ApiError::forbidden(format!("unknown tenant {}", ctx.tenant)))?;
        let Some(project) = &ctx.project else {
            return f(tenant);
        };
        let view = tenant.project_view(project);
        let production = tenant.take_artifacts();
        tenant.put_artifacts(view);
        let out = f(tenant);
        tenant.put_artifacts(production);
        out
    }

    /// Changes the world; marks state dirty, and records one production
    /// version per tenant whose production a versioned request changed.
    pub(crate) fn write<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&mut Tx<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let mut world = lock(&self.world);
        let mut tx = Tx {
            world: &mut world,
            ctx,
            touched: BTreeSet::new(),
            shown: BTreeMap::new(),
        };
        let out = f(&mut tx);
        let touched = tx.finish();
        if touched.is_empty() {
            return out;
        }
        let versioned = ctx.op.is_some_and(Operation::is_versioned) && !ctx.non_versioned;
        if versioned {
            for (code, project) in &touched {
                if project.is_none()
                    && let Some(t) = world.tenants.get_mut(code)
                {
                    let op = ctx.op.expect("versioned requests have an operation");
                    t.record_version(ProductionVersion {
                        id: String::new(),
                        version_number: 0,
                        name: format!("{} ({op})", op.operation_id()),
                        description: Some(format!(
                            "a change made without a project by {}",
                            ctx.username
                        )),
                        ticket_number: None,
                        release_version: None,
                        project_id: None,
                        published_by: ctx.username.clone(),
                        published_ms: now_ms(),
                    });
                }
            }
        }
        drop(world);
        self.mark_dirty();
        out
    }

    /// Changes the request's tenant only.
    pub(crate) fn write_tenant<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&mut Tenant, &mut bool) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        self.write(ctx, |tx| {
            let key = tx.key(None, None)?;
            let mut changed = false;
            let out = f(tx.tenant(&key), &mut changed);
            if changed {
                tx.mark(&key);
            }
            out
        })
    }

    pub(crate) fn mark_dirty(&self) {
        if self.config.state_file.is_some() {
            self.dirty.store(true, Ordering::Release);
            self.dirty_notify.notify_one();
        }
    }
}
