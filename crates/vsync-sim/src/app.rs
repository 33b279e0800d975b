//! The shared state of a running simulator: the tenants, the request
//! context the gateway hands to handlers, and read and write transactions.

use std::collections::{BTreeMap, BTreeSet, HashMap};
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
use crate::ratelimit::RateLimiter;
use crate::state::Tenant;
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

/// The tenants, and the project copies made on first use.
pub(crate) struct World {
    pub admin: String,
    pub tenants: BTreeMap<String, Tenant>,
    pub projects: HashMap<(String, String), Tenant>,
}

/// A tenant, or a project copy of one.
pub(crate) type Key = (String, Option<String>);

impl World {
    pub(crate) fn get(&self, key: &Key) -> Option<&Tenant> {
        match &key.1 {
            Some(p) => self
                .projects
                .get(&(key.0.clone(), p.clone()))
                .or_else(|| self.tenants.get(&key.0)),
            None => self.tenants.get(&key.0),
        }
    }

    pub(crate) fn get_mut(&mut self, key: &Key) -> Option<&mut Tenant> {
        match &key.1 {
            Some(p) => {
                let base = self.tenants.get(&key.0)?.clone();
                Some(
                    self.projects
                        .entry((key.0.clone(), p.clone()))
                        .or_insert(base),
                )
            }
            None => self.tenants.get_mut(&key.0),
        }
    }
}

/// A write transaction over the world: which tenants changed, so direct
/// versioned changes count production versions.
pub(crate) struct Tx<'a> {
    pub world: &'a mut World,
    pub ctx: &'a Ctx,
    touched: BTreeSet<Key>,
}

impl Tx<'_> {
    /// The key for `tenant_code` and `project_id` overrides from a body, or
    /// the request's.
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
        let project = project_id
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .or_else(|| self.ctx.project.clone());
        Ok((code, project))
    }

    pub(crate) fn tenant(&mut self, key: &Key) -> &mut Tenant {
        self.world.get_mut(key).expect("keys are checked when made")
    }

    /// Notes that `key` changed.
    pub(crate) fn mark(&mut self, key: &Key) {
        self.touched.insert(key.clone());
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

/// Operations whose direct changes publish a production version (those
/// that accept `ProjectID` and `NonVersioned`: versioned artifacts).
fn publishes_version(op: Option<Operation>) -> bool {
    use Operation as O;
    matches!(
        op,
        Some(
            O::CreatePermissions
                | O::AssignPermissionsToUsers
                | O::RemovePermissionsFromUsers
                | O::AssignPermissionsToUserGroups
                | O::RemovePermissionsFromUserGroups
                | O::AddUsersToUserGroups
                | O::RemoveUsersFromUserGroups
                | O::PutUserGroups
                | O::CreateUserGroups
                | O::DeleteUserGroups
                | O::PatchUserGroups
                | O::RevertUserGroups
                | O::DeleteUserGroup
                | O::UpsertUser
        )
    )
}

pub(crate) fn op_index(op: Operation) -> usize {
    Operation::ALL.iter().position(|o| *o == op).unwrap_or(0)
}

impl App {
    /// Reads the request's tenant (or its project copy).
    pub(crate) fn read<T>(
        &self,
        ctx: &Ctx,
        f: impl FnOnce(&Tenant) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let world = lock(&self.world);
        let key = (ctx.tenant.clone(), ctx.project.clone());
        let tenant = world
            .get(&key)
            .ok_or_else(|| ApiError::forbidden(format!("unknown tenant {}", ctx.tenant)))?;
        f(tenant)
    }

    /// Changes the world; marks state dirty and counts production versions.
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
        };
        let out = f(&mut tx);
        let touched = std::mem::take(&mut tx.touched);
        if !touched.is_empty() {
            if publishes_version(ctx.op) && !ctx.non_versioned {
                for (code, project) in &touched {
                    if project.is_none()
                        && let Some(t) = world.tenants.get_mut(code)
                    {
                        t.data.production_versions += 1;
                    }
                }
            }
            drop(world);
            self.mark_dirty();
        }
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
