//! The executor of vsync: everything between a [`Plan`](vsync_engine::Plan) and a tenant.
//!
//! - [`fetch_live`] reads a [`LiveState`](vsync_model::LiveState) with the fewest calls, only
//!   the lists its [`ReadScope`](vsync_model::ReadScope) names ([`FetchOptions`]; the call
//!   count per case is in the [`fetch`] module docs).
//! - [`check_fresh`] re-reads the tenant (the plan's scope) and refuses a plan whose fingerprint no longer matches
//!   ([`ExecError::StalePlan`]).
//! - [`TenantLock`] makes sure only one run touches a tenant at a time (an OS file lock that
//!   dies with its process).
//! - [`Executor`] ([`ExecOptions`]) applies a plan: phases in order, batches concurrently
//!   within a phase, paced by the client's rate limiter; every change ends with a
//!   [`ChangeOutcome`](vsync_engine::outcome::ChangeOutcome) in the [`ApplyOutcome`]. The
//!   client is the one owner of retries: a call it gave up on settles its changes failed (with
//!   Visier's `rci`) or, when it may have reached the tenant, unknown until a read settles it;
//!   creates whose outcome is unknown are re-read at once (never replayed blindly). Whole-batch
//!   rejections are split in halves; per-item failures the client's
//!   [`FailureClass`](vsync_client::FailureClass) table calls transient are sent once more,
//!   charged to the run's [`RetryBudget`](vsync_client::RetryBudget).
//! - The [`journal`] (write-ahead, JSON lines, fsynced) records each batch's intent and result
//!   next to the report; [`Executor::resume`] continues a run from it after a crash.
//! - [`verify_applied`] checks an apply and reports [`Verification`]: converged, or what is
//!   still different and why. [`VerifyMode::Answers`] trusts the write answers and re-reads
//!   only the lists that show what they left unknown (nothing when every answer confirmed);
//!   [`VerifyMode::Full`] ([`verify`]) re-reads everything the plan read and diffs it again.
//! - [`ProjectChoice`] (in [`ExecOptions::project`]): the versioned changes (user groups,
//!   memberships, permission assignments) made in a draft project created for the run and
//!   published once ([`ProjectOutcome`] in [`ApplyOutcome::project`], the versions in
//!   [`ApplyOutcome::production_versions`]); held unpublished, with what to do, when some of
//!   them failed; continued by a resume from the journal.
//!
//! [`cancel_on_signals`] gives the shutdown token: on Ctrl-C or SIGTERM no new batch starts,
//! the ones in flight finish and are journaled, and the outcome says `interrupted`.
//!
//! Dry runs ([`ExecOptions::dry_run`]) send nothing; give them a read-only client as well.
//! The benchmark of a 20,000-user initial load is an example:
//! `cargo run --release -p vsync-executor --example bench_apply -- [users] [limit] [time_scale]`.
//!
//! Errors are one [`ExecError`] with an [`ErrorKind`] the command line maps to exit codes; a
//! change the API refused is an outcome, not an error.
//!
//! Against the simulated tenant (`vsync-sim`) on 127.0.0.1:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! use vsync_client::{Auth, Client};
//! use vsync_engine::{BatchLimits, Policy, diff, plan};
//! use vsync_executor::{
//!     CancellationToken, ExecOptions, Executor, FetchOptions, ProgressMode, fetch_live,
//! };
//! use vsync_model::{DesiredState, DesiredUser, SourceRef};
//!
//! let sim = vsync_sim::Sim::builder().empty().no_rate_limit().start().await.unwrap();
//! let client = Client::builder()
//!     .base_url(&sim.uri())
//!     .api_key("dev-apikey")
//!     .auth(Auth::Asid { username: "admin".into(), password: "admin".into(), vanity: None })
//!     .build()
//!     .unwrap();
//!
//! let desired = DesiredState {
//!     users: vec![DesiredUser {
//!         username: "ada@example.com".into(),
//!         source: SourceRef::csv("users.csv", 2),
//!         ..DesiredUser::default()
//!     }],
//!     ..DesiredState::default()
//! };
//! let live = fetch_live(&client, &FetchOptions::default()).await.unwrap();
//! let plan = plan(&diff(&desired, &live, &Policy::default()).unwrap(), &BatchLimits::default());
//!
//! let opts = ExecOptions { progress: ProgressMode::Off, ..ExecOptions::default() };
//! let outcome = Executor::new(client, opts)
//!     .apply(&plan, CancellationToken::new())
//!     .await
//!     .unwrap();
//! assert!(outcome.all_applied());
//! assert_eq!(sim.snapshot().users.len(), 1);
//! # }
//! ```
#![deny(missing_docs)]

mod answer;
mod batching;
mod error;
mod exec;
pub mod fetch;
pub mod journal;
mod lock;
mod progress;
mod request;
mod signals;
mod verify;

/// The executor's maps keyed by change, user or group: one entry per change of a plan (a load's
/// hundred thousand), filled and read once per item. The keys come from the operator's own plan,
/// so SipHash's resistance to crafted keys is not worth its cost here.
type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;

pub use error::{ErrorKind, ExecError};
pub use exec::{
    ApplyOutcome, ExecOptions, Executor, NewProject, ProjectChoice, ProjectOutcome, ProjectState,
    PublishedVersion,
};
pub use fetch::{FetchOptions, fetch_live};
pub use journal::{JournalProject, JournalState, now_rfc3339, plan_hash};
pub use lock::TenantLock;
pub use progress::ProgressMode;
pub use signals::cancel_on_signals;
pub use tokio_util::sync::CancellationToken;
pub use verify::{Verification, VerifyMode, check_fresh, describe, verify, verify_applied};
