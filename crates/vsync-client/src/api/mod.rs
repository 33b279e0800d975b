//! One handler per resource, each carrying per-call [`CallOptions`]
//! overrides (`with_*`) over the client's defaults.

mod auth;
mod permissions;
mod profiles;
mod projects;
mod reports;
mod user_groups;
mod users;

pub use auth::AuthHandler;
pub use permissions::{PermissionUser, PermissionsHandler};
pub use profiles::ProfilesHandler;
pub use projects::{ProjectsHandler, TenantsHandler};
pub use reports::{ReportFile, ReportsHandler};
pub use user_groups::{GroupUser, UserGroupsHandler};
pub use users::UsersHandler;

use serde::de::DeserializeOwned;

use crate::ClientError;
use crate::client::Client;
use crate::core::{Mode, Request, Sink, decode_json};

/// The items of a v1 answer that lists them per tenant (`tenants[].users`), each made by
/// `item` with its tenant's code.
pub(crate) fn per_tenant<T, U, I>(
    tenants: Option<Vec<T>>,
    parts: impl Fn(T) -> (Option<String>, Option<Vec<U>>),
    item: impl Fn(Option<String>, U) -> I + Copy,
) -> Vec<I> {
    tenants
        .unwrap_or_default()
        .into_iter()
        .flat_map(|t| {
            let (code, users) = parts(t);
            users
                .unwrap_or_default()
                .into_iter()
                .map(move |user| item(code.clone(), user))
        })
        .collect()
}

impl Client {
    /// Sends `req` and decodes its JSON answer.
    pub(crate) async fn call_json<T: DeserializeOwned>(
        &self,
        req: Request,
    ) -> Result<T, ClientError> {
        let raw = self.execute(&req, Mode::Typed, Sink::Memory).await?;
        decode_json(&raw)
    }
}

/// Declares a handler struct with its `with_*` methods.
macro_rules! handler {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name {
            client: $crate::client::Client,
            opts: $crate::CallOptions,
        }

        impl $name {
            pub(crate) fn new(client: $crate::client::Client) -> Self {
                Self { client, opts: $crate::CallOptions::default() }
            }

            /// Per-call options over the client's defaults.
            pub fn with_options(mut self, opts: $crate::CallOptions) -> Self {
                self.opts = opts;
                self
            }

            /// The `TargetTenantID` header for these calls.
            pub fn with_target_tenant(mut self, tenant: impl Into<String>) -> Self {
                self.opts.target_tenant = Some(tenant.into());
                self
            }

            /// The `ProjectID` header for these calls.
            pub fn with_project(mut self, project: impl Into<String>) -> Self {
                self.opts.project = Some(project.into());
                self
            }

            /// The `NonVersioned` header for these calls.
            pub fn with_non_versioned(mut self, non_versioned: bool) -> Self {
                self.opts.non_versioned = Some(non_versioned);
                self
            }

            /// The `Prefer` header for these calls.
            pub fn with_prefer(mut self, lock: vsync_api::NvLock) -> Self {
                self.opts.prefer = Some(lock);
                self
            }

            /// The `tenantCode` query value for these calls.
            pub fn with_tenant_code(mut self, code: impl Into<String>) -> Self {
                self.opts.tenant_code = Some(code.into());
                self
            }

            fn options(&self) -> $crate::CallOptions {
                self.opts.or(self.client.defaults())
            }

            /// The `tenantCode` for `op`, when its spec takes one.
            #[allow(dead_code)]
            fn tenant_code(&self, op: vsync_api::paths::Operation, given: Option<String>) -> Option<String> {
                if !$crate::core::takes_tenant_code(op) {
                    return None;
                }
                given.or_else(|| self.options().tenant_code)
            }

            /// Sends `body` as the JSON of `op` at `path` and decodes the answer.
            #[allow(dead_code)]
            async fn send_json<B: serde::Serialize, T: serde::de::DeserializeOwned>(
                &self,
                op: vsync_api::paths::Operation,
                path: impl Into<String>,
                body: &B,
            ) -> Result<T, $crate::ClientError> {
                let req = self.request(op, path).json(body)?;
                self.client.call_json(req).await
            }

            #[allow(dead_code)]
            fn request(
                &self,
                op: vsync_api::paths::Operation,
                path: impl Into<String>,
            ) -> $crate::core::Request {
                $crate::core::Request::new(op, path, self.options())
            }
        }
    };
}
pub(crate) use handler;
