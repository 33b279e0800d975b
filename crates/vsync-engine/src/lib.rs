//! The sync engine of vsync: pure, synchronous logic from "what the file says" and "what the
//! tenant holds" to "which API calls to make".
//!
//! 1. [`diff`] compares a [`DesiredState`](vsync_model::DesiredState) with a
//!    [`LiveState`](vsync_model::LiveState) under a [`Policy`] (mode, deprovisioning, scope,
//!    protected users, [`GuardSettings`]) and yields a [`ChangeSet`]: the [`Change`]s to make
//!    (each a typed [`ChangeKind`]: user [`UserFields`] as [`Edit`]s, a group's definition, or a
//!    membership, permission or profile added or removed ([`Direction`]), with the displayed
//!    [`key`](Change::key) and [`target`](Change::target) and the input row), the rows and
//!    users left alone ([`Skip`]) and what the guards found ([`GuardOutcome`]). Problems of
//!    the input come back as one [`EngineError`] listing all of them.
//! 2. [`plan()`] turns a change set into a [`Plan`] under [`BatchLimits`]: ordered [`Phase`]s
//!    ([`PhaseKind`]) of [`Call`]s, each carrying one [`CallBody`] (one API operation,
//!    [`CallBody::api_operation`]) whose [`Item`]s name the [`ChangeId`]s they realise, with
//!    users and groups created in the run referenced by [`UserRef::Key`] / [`GroupRef::Name`].
//!    The plan uses the fewest calls the limits allow ([`Plan::lower_bound`]; the formulas are
//!    in the [`plan`](mod@plan) module docs) and records the [`fingerprint`] of the live state
//!    so a later apply can refuse a stale plan.
//! 3. The executor applies the plan and reports an [`outcome::ChangeOutcome`] per change; the
//!    report reads the plan and the outcomes.
//!
//! [`read_scope`] says which of the tenant's lists a diff of a desired state needs (a file of
//! user fields alone needs the user pages alone); [`restrict`] narrows a live state to a scope,
//! [`narrow`] a desired state; [`covering`] names the lists that show a change of an entity.
//!
//! [`desired_from_live`] exports a tenant as a desired state (diffing it against the tenant
//! gives nothing). With the `test-support` feature, `sim_model` applies a plan to a live state
//! the way the API would, for tests.
//!
//! The crate does no I/O and reads no clock: the current time comes in as
//! [`Policy::now_ms`].
//!
//! ```
//! use vsync_engine::{BatchLimits, ChangeKind, Policy, diff, plan};
//! use vsync_model::{DesiredState, DesiredUser, LiveState, SourceRef};
//!
//! let desired = DesiredState {
//!     users: vec![DesiredUser {
//!         username: "ada@example.com".into(),
//!         display_name: Some("Ada Lovelace".into()),
//!         source: SourceRef::csv("users.csv", 2),
//!         ..DesiredUser::default()
//!     }],
//!     ..DesiredState::default()
//! };
//! let changes = diff(&desired, &LiveState::default(), &Policy::default()).unwrap();
//! assert!(matches!(changes.changes[0].kind, ChangeKind::CreateUser { .. }));
//!
//! let plan = plan(&changes, &BatchLimits::default());
//! assert_eq!(plan.call_count(), plan.lower_bound());
//! let call = plan.calls().next().unwrap();
//! assert_eq!(call.body.endpoint(), ("POST", "/v2/admin/users"));
//! ```
#![deny(missing_docs)]

mod bounds;
mod change;
mod diff;
mod error;
mod export;
mod fast_hash;
mod fingerprint;
mod guard;
mod limits;
pub mod outcome;
pub mod plan;
mod policy;
mod scope;
#[cfg(feature = "test-support")]
pub mod sim_model;

pub use change::{
    Action, Change, ChangeId, ChangeKind, ChangeSet, Direction, Edit, Entity, Field, FieldText,
    GroupBaseline, GroupRef, GuardCause, GuardKind, GuardOutcome, Skip, SkipReason, UserFields,
    UserRef,
};
pub use diff::diff;
pub use error::{EngineError, ErrorKind, NameKind};
pub use export::desired_from_live;
pub use fingerprint::fingerprint;
pub use limits::BatchLimits;
pub use plan::{
    Call, CallBody, CallId, Entry, GroupPatch, Item, NewGroup, NewUser, PLAN_VERSION, Phase,
    PhaseKind, Plan, Relation, RelationEntries, UserUpdate, plan,
};
pub use policy::{Deprovision, Guard, GuardSettings, Mode, Policy};
pub use scope::{covering, narrow, read_scope, restrict};
