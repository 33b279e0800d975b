//! The sync engine of vsync: pure, synchronous logic from "what the file says" and "what the
//! tenant holds" to "which API calls to make".
//!
//! 1. [`diff`] compares a [`DesiredState`](vsync_model::DesiredState) with a
//!    [`LiveState`](vsync_model::LiveState) under a [`Policy`] (mode, deprovisioning, scope,
//!    protected users, [`GuardSettings`]) and yields a [`ChangeSet`]: the [`Change`]s to make
//!    (each an [`Entity`], an [`Action`], the user or group [`key`](Change::key), a relation
//!    [`target`](Change::target), the input row and per-field [`FieldChange`]s), the rows and
//!    users left alone ([`Skip`]) and what the guards found ([`GuardOutcome`]). Problems of
//!    the input come back as one [`EngineError`] listing all of them.
//! 2. [`plan`] turns a change set into a [`Plan`] under [`Limits`]: ordered [`Phase`]s
//!    ([`PhaseKind`]) of [`Call`]s, each one API [`Operation`] whose items name the
//!    [`ChangeId`]s they realise, with users and groups created in the run referenced by
//!    [`UserRef::Key`] / [`GroupRef::Name`]. The plan uses the fewest calls the limits allow
//!    ([`Plan::lower_bound`]; the formulas are in the [`plan`](mod@plan) module docs) and
//!    records the [`fingerprint`] of the live state so a later apply can refuse a stale plan.
//! 3. The executor applies the plan and reports an [`outcome::ChangeOutcome`] per change; the
//!    report reads the plan and the outcomes.
//!
//! [`desired_from_live`] exports a tenant as a desired state (diffing it against the tenant
//! gives nothing), and [`sim_model`] applies a plan to a live state the way the API would, for
//! tests.
//!
//! The crate does no I/O and reads no clock: the current time comes in as
//! [`Policy::now_ms`].
#![warn(missing_docs)]

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
pub mod sim_model;

pub use change::{
    Action, Change, ChangeId, ChangeSet, Entity, FieldChange, GroupBaseline, GroupRef, GuardKind,
    GuardOutcome, Skip, SkipReason, UserRef,
};
pub use diff::diff;
pub use error::{EngineError, ErrorKind, NameKind};
pub use export::desired_from_live;
pub use fingerprint::fingerprint;
pub use limits::Limits;
pub use plan::{
    Call, CallId, GroupItem, GroupMembers, GroupPatch, GroupPermissions, NewGroup, NewUser,
    Operation, PLAN_VERSION, PermissionItem, PermissionUsers, Phase, PhaseKind, Plan, UserItem,
    UserUpdate, plan,
};
pub use policy::{Deprovision, Guard, GuardSettings, Mode, Policy};
