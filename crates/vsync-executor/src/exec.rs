//! [`Executor`]: applies a [`Plan`] phase by phase, batches concurrently within a phase, with
//! per-item outcomes, splitting, outcome-unknown resolution and the journal.
//!
//! # One batch
//!
//! 1. Resolve `UserRef::Key` / `GroupRef::Name` to the IDs the creates returned; items whose
//!    user or group was not created are `Skipped` and left out.
//! 2. Journal the intent (fsynced), then send through the client (paced by its rate limiter).
//! 3. Read the answer. The client is the one owner of retries: it repeats a call as its
//!    [`RetryPolicy`](vsync_client::RetryPolicy) and the run's
//!    [`RetryBudget`](vsync_client::RetryBudget) allow, and the executor never repeats a call
//!    the client gave up on.
//!    - per-item successes → `Applied` (created IDs recorded); per-item failures are
//!      classified by [`FailureClass`](vsync_client::FailureClass): transient ones are sent
//!      once more in a later batch, charged to the same retry budget (`Failed` when that
//!      send fails too or the budget is spent); "already exists" on a user create is settled
//!      by re-reading the users; "already assigned" on an addition and "not found" on a
//!      removal are `Applied` (the tenant holds what was asked); the rest is `Failed` with
//!      Visier's message and `rci`;
//!    - a whole-batch 400 (404, 409, 422) → split in halves, each half sent on its own,
//!      recursively (at most [`ExecOptions::max_split_depth`] levels), so the bad items end
//!      up alone and `Failed` while the good ones are applied;
//!    - a create that may have reached the tenant (connection broken after sending, gateway
//!      timeout, 500) → the users are re-read by username (one listing shared by every batch
//!      waiting on it) or the groups by correlation id; the ones that exist are `Applied`,
//!      the others sent once more (charged to the retry budget): never a blind replay;
//!    - any other change whose request may have reached the tenant → `Unknown`, for the
//!      verification's read to settle;
//!    - anything else (429 or 503 after the client's retries, a refused connection, other
//!      statuses) → every item `Failed` with the status, message and `rci`.
//! 4. Journal the result.
//!
//! Phases run in order; when a change failed, the deletion phases are withheld (`Skipped`), so
//! a failure stops before the irreversible steps. On shutdown no new batch starts; in-flight
//! batches finish and are journaled; everything not attempted is `Skipped`.
//!
//! # Dry run
//!
//! With [`ExecOptions::dry_run`], [`Executor::apply`] returns a `Planned` outcome per change
//! and never reaches the sending code; the one function that sends ([`Run::send`]) also
//! refuses in dry-run mode, and a read-only client refuses every mutating request on its own.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use vsync_client::{Client, ClientError};
use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{
    CallBody, CallId, ChangeId, ChangeKind, PLAN_VERSION, Phase, PhaseKind, Plan, UserRef,
};
use vsync_model::{NameKey, UserGroupId, UserId, UserKey};

mod classify;
mod project;
mod resume;
mod unknown;

pub use project::{NewProject, ProjectChoice, ProjectOutcome, ProjectState, PublishedVersion};

use crate::FastMap;
use crate::answer::{self, Answer};
use crate::batching;
use crate::error::ExecError;
use crate::journal::{
    JournalOutcome, JournalStatus, JournalWriter, Record, now_rfc3339, plan_hash,
};
use crate::progress::{PhaseProgress, ProgressMode};
use crate::request::{self, Ids, Request};
use unknown::UserIndex;

/// How the executor runs.
#[derive(Debug, Clone)]
pub struct ExecOptions {
    /// Batches in flight at once within a phase (the client's rate limiter paces them).
    pub concurrency: usize,
    /// Send nothing: every change comes back `Planned`.
    pub dry_run: bool,
    /// Where to write the journal; `None` runs without one (and cannot be resumed).
    pub journal: Option<PathBuf>,
    /// How progress is shown.
    pub progress: ProgressMode,
    /// How many times a rejected batch may be halved.
    pub max_split_depth: u32,
    /// Withhold the deletion phases when an earlier change failed.
    pub withhold_deletes_after_failure: bool,
    /// Where the versioned changes are made (see [`ProjectChoice`]).
    pub project: ProjectChoice,
    /// Publish the run's project even when some of its versioned changes did not apply.
    pub publish_partial: bool,
    /// Without a project: list the production versions before and after the run (two more
    /// reads, only when it has versioned changes) to report the versions it published.
    pub count_versions: bool,
}

impl Default for ExecOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            dry_run: false,
            journal: None,
            progress: ProgressMode::Auto,
            max_split_depth: 8,
            withhold_deletes_after_failure: true,
            project: ProjectChoice::None,
            publish_partial: false,
            count_versions: false,
        }
    }
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyOutcome {
    /// One outcome per change of the plan, in the plan's change order.
    pub outcomes: Vec<ChangeOutcome>,
    /// Whether the run stopped early on Ctrl-C / SIGTERM.
    pub interrupted: bool,
    /// HTTP requests sent (retries and re-reads included).
    pub calls_used: u64,
    /// Requests that repeated an earlier attempt (the client's retries).
    pub retries: u64,
    /// Times a request waited for the rate limiter.
    pub rate_limit_waits: u64,
    /// 429 answers received.
    pub throttled: u64,
    /// Wall time.
    pub duration: Duration,
    /// The project the versioned changes were made in, and whether it was published.
    pub project: Option<ProjectOutcome>,
    /// The production versions the run published, latest first, when known: the project's
    /// one (or none), or without a project those listed since the run started.
    pub production_versions: Option<Vec<PublishedVersion>>,
}

impl ApplyOutcome {
    /// How many changes ended with `status`.
    pub fn count(&self, status: Status) -> usize {
        self.outcomes.iter().filter(|o| o.status == status).count()
    }

    /// Whether every change was applied.
    pub fn all_applied(&self) -> bool {
        self.outcomes.iter().all(|o| o.status == Status::Applied)
    }
}

/// Applies plans to one tenant through one client.
#[derive(Debug, Clone)]
pub struct Executor {
    client: Client,
    opts: ExecOptions,
}

/// One request's worth of a plan call: the whole call, the items of it still to do, or a half.
#[derive(Debug, Clone)]
struct Batch {
    call: CallId,
    op: CallBody,
    /// Which send of these items this is: 1, or 2 when they are sent once more.
    attempt: u32,
    depth: u32,
}

impl Executor {
    /// An executor of `client` with `opts`. For a dry run, give it a client built with
    /// `read_only(true)`: then not even a bug here could send a mutating request.
    pub fn new(client: Client, opts: ExecOptions) -> Self {
        Self { client, opts }
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The options.
    pub fn options(&self) -> &ExecOptions {
        &self.opts
    }

    /// Applies `plan`. Stops taking new batches when `shutdown` is cancelled; in-flight ones are
    /// finished and journaled, and the outcome says `interrupted`.
    pub async fn apply(
        &self,
        plan: &Plan,
        shutdown: CancellationToken,
    ) -> Result<ApplyOutcome, ExecError> {
        check_version(plan)?;
        if self.opts.dry_run {
            return Ok(dry_run(plan));
        }
        let journal = self
            .opts
            .journal
            .as_deref()
            .map(JournalWriter::create)
            .transpose()?;
        let run = Run::new(self, plan, journal, shutdown);
        run.header(plan, false)?;
        Box::pin(run.open_project(plan, None)).await?;
        Box::pin(run.execute(plan)).await
    }
}

fn check_version(plan: &Plan) -> Result<(), ExecError> {
    if plan.version == PLAN_VERSION {
        Ok(())
    } else {
        Err(ExecError::Plan(format!(
            "plan version {} is not {PLAN_VERSION}",
            plan.version
        )))
    }
}

fn call_of(plan: &Plan) -> FastMap<ChangeId, CallId> {
    let mut out = FastMap::default();
    for call in plan.calls() {
        for change in call.body.change_ids() {
            out.entry(change).or_insert(call.id);
        }
    }
    out
}

fn dry_run(plan: &Plan) -> ApplyOutcome {
    let calls = call_of(plan);
    ApplyOutcome {
        outcomes: plan
            .changes
            .iter()
            .map(|c| ChangeOutcome::planned(c.id, calls.get(&c.id).copied()))
            .collect(),
        interrupted: false,
        calls_used: 0,
        retries: 0,
        rate_limit_waits: 0,
        throttled: 0,
        duration: Duration::ZERO,
        project: None,
        production_versions: None,
    }
}

struct RunState {
    ids: Ids,
    outcomes: FastMap<ChangeId, ChangeOutcome>,
    seq: FastMap<u32, u32>,
}

/// One apply in progress, shared by the batches in flight.
struct Run {
    client: Client,
    opts: ExecOptions,
    /// The user of each membership change: a member left out of a group patch is reported
    /// by its change.
    member_of: FastMap<ChangeId, UserRef>,
    calls: FastMap<ChangeId, CallId>,
    state: Mutex<RunState>,
    journal: Option<JournalWriter>,
    correlation_prefix: String,
    correlation_counter: AtomicU64,
    /// The last user listing and when it started, shared by batches settling unknown creates.
    user_listing: tokio::sync::Mutex<Option<(Instant, UserIndex)>>,
    fatal: Mutex<Option<ExecError>>,
    shutdown: CancellationToken,
    stop: CancellationToken,
    started: Instant,
    metrics_before: vsync_client::Metrics,
    project: project::ProjectSlot,
}

/// How a change ended, or that it is tried again: what [`Run::settle`] records.
#[derive(Debug, Clone)]
struct Settlement {
    status: JournalStatus,
    message: Option<String>,
    rci: Option<String>,
    http_status: Option<u16>,
}

impl Settlement {
    fn new(status: JournalStatus) -> Self {
        Self {
            status,
            message: None,
            rci: None,
            http_status: None,
        }
    }

    /// With the API's or the executor's message.
    fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// With Visier's root-cause ID, when there is one.
    fn rci(mut self, rci: Option<String>) -> Self {
        self.rci = rci;
        self
    }

    /// With the HTTP status of the call.
    fn http_status(mut self, status: u16) -> Self {
        self.http_status = Some(status);
        self
    }

    /// With the HTTP status of the call, when there is one.
    fn with_http_status(mut self, status: Option<u16>) -> Self {
        self.http_status = status;
        self
    }
}

/// The result record of a batch, filled as its items are settled.
#[derive(Default)]
struct Settled {
    outcomes: Vec<JournalOutcome>,
    created_users: std::collections::BTreeMap<String, UserId>,
    created_groups: std::collections::BTreeMap<String, UserGroupId>,
}

impl Run {
    fn new(
        exec: &Executor,
        plan: &Plan,
        journal: Option<JournalWriter>,
        shutdown: CancellationToken,
    ) -> Arc<Self> {
        let prefix: u32 = rand::rng().random();
        Arc::new(Run {
            client: exec.client.clone(),
            opts: exec.opts.clone(),
            member_of: plan
                .changes
                .iter()
                .filter_map(|c| match &c.kind {
                    ChangeKind::Membership { user, .. } => Some((c.id, user.clone())),
                    _ => None,
                })
                .collect(),
            calls: call_of(plan),
            state: Mutex::new(RunState {
                ids: Ids::default(),
                outcomes: FastMap::default(),
                seq: FastMap::default(),
            }),
            journal,
            correlation_prefix: format!("vs-{prefix:08x}"),
            correlation_counter: AtomicU64::new(0),
            user_listing: tokio::sync::Mutex::new(None),
            fatal: Mutex::new(None),
            stop: shutdown.child_token(),
            shutdown,
            started: Instant::now(),
            metrics_before: exec.client.metrics(),
            project: project::ProjectSlot::default(),
        })
    }

    fn state(&self) -> std::sync::MutexGuard<'_, RunState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn journal(&self, record: &Record) {
        if let Some(journal) = &self.journal
            && let Err(e) = journal.append(record)
        {
            tracing::error!(error = %e.with_causes(), "journal write failed; stopping the run");
            self.fail(e);
        }
    }

    /// Stops the run with an error.
    fn fail(&self, error: ExecError) {
        let mut fatal = self
            .fatal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if fatal.is_none() {
            *fatal = Some(error);
        }
        self.stop.cancel();
    }

    fn header(&self, plan: &Plan, resumed: bool) -> Result<(), ExecError> {
        if let Some(journal) = &self.journal {
            journal.append(&Record::Header {
                version: crate::journal::JOURNAL_VERSION,
                plan_hash: plan_hash(plan),
                fingerprint: plan.fingerprint.clone(),
                started: now_rfc3339(),
                pid: std::process::id(),
                resumed,
            })?;
        }
        Ok(())
    }

    fn next_correlation(&self) -> String {
        let n = self.correlation_counter.fetch_add(1, Ordering::Relaxed) + 1;
        format!("{}-{n}", self.correlation_prefix)
    }

    fn is_final(&self, change: ChangeId) -> bool {
        self.state()
            .outcomes
            .get(&change)
            .is_some_and(|o| matches!(o.status, Status::Applied | Status::Failed))
    }

    /// Records how a change ended (or that it is retried), in memory and in the batch's
    /// result record.
    fn settle(&self, settled: &mut Settled, change: ChangeId, outcome: &Settlement) {
        let Settlement {
            status,
            message,
            rci,
            http_status,
        } = outcome;
        let (status, http_status) = (*status, *http_status);
        let outcome_status = match status {
            JournalStatus::Applied => Some(Status::Applied),
            JournalStatus::Failed => Some(Status::Failed),
            JournalStatus::Skipped => Some(Status::Skipped),
            JournalStatus::Unknown => Some(Status::Unknown),
            JournalStatus::Retry => None,
        };
        if let Some(status) = outcome_status {
            let call = self.calls.get(&change).copied();
            self.state().outcomes.insert(
                change,
                ChangeOutcome {
                    change,
                    status,
                    message: message.clone(),
                    rci: rci.clone(),
                    http_status,
                    call,
                },
            );
        }
        settled.outcomes.push(JournalOutcome {
            change,
            status,
            message: message.clone(),
            rci: rci.clone(),
            http_status,
        });
    }

    /// [`Run::settle`] of every change in `changes` with the same outcome.
    fn settle_all(&self, settled: &mut Settled, changes: &[ChangeId], outcome: &Settlement) {
        for change in changes {
            self.settle(settled, *change, outcome);
        }
    }

    fn record_user(&self, settled: &mut Settled, username: &str, id: UserId) {
        self.state()
            .ids
            .users
            .insert(UserKey::new(username), id.clone());
        settled.created_users.insert(username.to_owned(), id);
    }

    fn record_group(&self, settled: &mut Settled, name: &str, id: UserGroupId) {
        self.state()
            .ids
            .groups
            .insert(NameKey::new(name), id.clone());
        settled.created_groups.insert(name.to_owned(), id);
    }

    fn batch_id(&self, call: CallId) -> String {
        let mut state = self.state();
        let seq = state.seq.entry(call.0).or_default();
        *seq += 1;
        format!("{}.{}", call.0, seq)
    }

    /// The only way a request leaves the executor.
    async fn send(&self, request: &Request) -> Result<Answer, ClientError> {
        if self.opts.dry_run {
            return Err(ClientError::ReadOnly {
                operation: request.operation(),
            });
        }
        answer::send(self.client_for(request.operation()), request).await
    }

    async fn run_batch(self: Arc<Self>, batch: Batch) -> Vec<Batch> {
        let prepared = {
            // Under the lock rather than on a copy: the IDs of a large load are many, and a
            // copy per batch made the run quadratic.
            let state = self.state();
            let member_of = |c: ChangeId| self.member_of.get(&c);
            request::prepare(&batch.op, &state.ids, &member_of, &mut || {
                self.next_correlation()
            })
        };
        let batch_id = self.batch_id(batch.call);
        let mut settled = Settled::default();
        for (change, message) in prepared.unresolved {
            self.settle(
                &mut settled,
                change,
                &Settlement::new(JournalStatus::Skipped).message(message),
            );
        }
        let mut follow = Vec::new();
        if let Some(request) = prepared.request {
            self.journal(&Record::Intent {
                batch: batch_id.clone(),
                call: batch.call.0,
                attempt: batch.attempt,
                changes: request.changes(),
                usernames: request.usernames(),
                correlation_ids: request.correlation_ids(),
            });
            if self.stop.is_cancelled()
                && self
                    .fatal
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .is_some()
            {
                // The journal failed: do not send what it could not record.
                return Vec::new();
            }
            let result = self.send(&request).await;
            let now = Instant::now();
            match result {
                Ok(answer) => {
                    self.absorb(answer, &request, &batch, now, &mut settled, &mut follow)
                        .await;
                }
                Err(error) => {
                    self.on_error(error, &request, &batch, now, &mut settled, &mut follow)
                        .await;
                }
            }
        }
        self.journal(&Record::Result {
            batch: batch_id,
            call: batch.call.0,
            outcomes: settled.outcomes,
            created_users: settled.created_users,
            created_groups: settled.created_groups,
        });
        follow
    }

    fn any_failed(&self) -> bool {
        self.state()
            .outcomes
            .values()
            .any(|o| matches!(o.status, Status::Failed | Status::Unknown))
    }

    /// The batches of `phase` still to send: none when the run was stopped or deletions are
    /// withheld, their changes then added to `leftovers` with the reason.
    fn phase_batches(&self, phase: &Phase, leftovers: &mut Vec<(ChangeId, String)>) -> Vec<Batch> {
        let batches: Vec<Batch> = phase
            .calls
            .iter()
            .filter_map(|call| {
                batching::restrict(&call.body, &|c| !self.is_final(c)).map(|op| Batch {
                    call: call.id,
                    op,
                    attempt: 1,
                    depth: 0,
                })
            })
            .collect();
        let withheld = if self.stop.is_cancelled() {
            Some("not attempted: the run was stopped")
        } else if self.opts.withhold_deletes_after_failure
            && matches!(phase.kind, PhaseKind::DeleteUsers | PhaseKind::DeleteGroups)
            && !batches.is_empty()
            && self.any_failed()
        {
            Some("withheld: an earlier change failed, so deletions wait for a clean run")
        } else {
            None
        };
        match withheld {
            Some(message) => {
                leftovers.extend(
                    batches
                        .iter()
                        .flat_map(|b| b.op.change_ids())
                        .map(|c| (c, message.to_owned())),
                );
                Vec::new()
            }
            None => batches,
        }
    }

    async fn execute(self: Arc<Self>, plan: &Plan) -> Result<ApplyOutcome, ExecError> {
        let concurrency = self.opts.concurrency.max(1);
        let mut leftovers: Vec<(ChangeId, String)> = Vec::new();
        for stage in plan
            .phases
            .chunk_by(|a, b| a.kind.stage() == b.kind.stage())
        {
            let mut kinds = Vec::new();
            let mut queue: VecDeque<Batch> = VecDeque::new();
            for phase in stage {
                let batches = self.phase_batches(phase, &mut leftovers);
                if !batches.is_empty() {
                    kinds.push(phase.kind);
                    queue.extend(batches);
                }
            }
            if queue.is_empty() {
                continue;
            }
            let progress = PhaseProgress::new(self.opts.progress, &kinds, queue.len());
            let mut running: JoinSet<Vec<Batch>> = JoinSet::new();
            let mut stopping = false;
            loop {
                while running.len() < concurrency && !self.stop.is_cancelled() {
                    let Some(batch) = queue.pop_front() else {
                        break;
                    };
                    running.spawn(self.clone().run_batch(batch));
                }
                if running.is_empty() {
                    break;
                }
                tokio::select! {
                    joined = running.join_next() => match joined {
                        Some(Ok(follow)) => {
                            progress.batch_done(follow.len());
                            queue.extend(follow);
                        }
                        Some(Err(e)) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                        Some(Err(_)) | None => {}
                    },
                    () = self.stop.cancelled(), if !stopping => {
                        stopping = true;
                        tracing::warn!(in_flight = running.len(), "stopping: finishing the batches in flight, starting no new one");
                    }
                }
            }
            progress.finish();
            leftovers.extend(
                queue
                    .iter()
                    .flat_map(|b| b.op.change_ids())
                    .map(|c| (c, "not attempted: the run was stopped".to_owned())),
            );
        }
        // Nothing is dropped silently: every change ends with an outcome.
        let mut settled = Settled::default();
        for (change, message) in leftovers {
            if !self.state().outcomes.contains_key(&change) {
                self.settle(
                    &mut settled,
                    change,
                    &Settlement::new(JournalStatus::Skipped).message(message),
                );
            }
        }
        for change in &plan.changes {
            let missing = !self.state().outcomes.contains_key(&change.id);
            if missing {
                self.settle(
                    &mut settled,
                    change.id,
                    &Settlement::new(JournalStatus::Skipped).message("not attempted"),
                );
            }
        }
        if !settled.outcomes.is_empty() {
            self.journal(&Record::Result {
                batch: "end".into(),
                call: 0,
                outcomes: settled.outcomes,
                created_users: settled.created_users,
                created_groups: settled.created_groups,
            });
        }
        let interrupted = self.shutdown.is_cancelled();
        let failed = self
            .fatal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_some();
        let (project, production_versions) =
            Box::pin(self.close_project(plan, interrupted, failed)).await;
        self.journal(&Record::End {
            interrupted,
            finished: now_rfc3339(),
        });
        if let Some(error) = self
            .fatal
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take()
        {
            return Err(error);
        }
        let after = self.client.metrics();
        let before = &self.metrics_before;
        let mut state = self.state();
        Ok(ApplyOutcome {
            // Moved, not copied: the run ends here.
            outcomes: plan
                .changes
                .iter()
                .filter_map(|c| state.outcomes.remove(&c.id))
                .collect(),
            interrupted,
            calls_used: after.total_calls().saturating_sub(before.total_calls()),
            retries: after.retries.saturating_sub(before.retries),
            rate_limit_waits: after
                .rate_limit_waits
                .saturating_sub(before.rate_limit_waits),
            throttled: after.throttled.saturating_sub(before.throttled),
            duration: self.started.elapsed(),
            project,
            production_versions,
        })
    }
}
