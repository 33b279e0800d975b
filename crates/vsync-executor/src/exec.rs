//! [`Executor`]: applies a [`Plan`] phase by phase, batches concurrently within a phase, with
//! per-item outcomes, retries, splitting, outcome-unknown resolution and the journal.
//!
//! # One batch
//!
//! 1. Resolve `UserRef::Key` / `GroupRef::Name` to the IDs the creates returned; items whose
//!    user or group was not created are `Skipped` and left out.
//! 2. Journal the intent (fsynced), then send through the client (paced by its rate limiter).
//! 3. Read the answer:
//!    - per-item successes → `Applied` (created IDs recorded); per-item failures → `Failed`
//!      with Visier's message and `rci`, or, when the message says the failure is transient,
//!      retried in a later batch (up to [`ExecOptions::max_attempts`]);
//!    - a whole-batch 400 (404, 409, 422) → split in halves, each half retried, recursively
//!      (at most [`ExecOptions::max_split_depth`] levels), so the bad items end up alone and
//!      `Failed` while the good ones are applied;
//!    - a create whose outcome is unknown (connection broken after sending, gateway timeout,
//!      500) → the users are re-read by username (one listing shared by every batch waiting
//!      on it) or the groups by correlation id; the ones that exist are `Applied`, the others
//!      sent again in a later batch: never a blind replay;
//!    - 429 / 503 / transport failures the client gave up on → the batch is retried later;
//!    - anything else → every item `Failed` with the status, message and `rci`.
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

use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::Rng;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use vsync_client::{Client, ClientError, ErrorKind as ClientKind};
use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{CallId, Change, ChangeId, Operation, PLAN_VERSION, PhaseKind, Plan};
use vsync_model::{NameKey, UserGroupId, UserId, UserKey};

use crate::error::ExecError;
use crate::fetch;
use crate::journal::{
    JournalOutcome, JournalState, JournalStatus, JournalWriter, Record, now_rfc3339, plan_hash,
};
use crate::ops::{self, Answer, Ids, Request};
use crate::progress::{PhaseProgress, ProgressMode};

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
    /// Tries per item for transient failures (429, 503, transport, transient per-item
    /// failures) before it is reported.
    pub max_attempts: u32,
    /// How many times a rejected batch may be halved.
    pub max_split_depth: u32,
    /// Withhold the deletion phases when an earlier change failed.
    pub withhold_deletes_after_failure: bool,
}

impl Default for ExecOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            dry_run: false,
            journal: None,
            progress: ProgressMode::Auto,
            max_attempts: 6,
            max_split_depth: 8,
            withhold_deletes_after_failure: true,
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
    op: Operation,
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
        run.execute(plan).await
    }

    /// Continues the run that `journal` records: calls with a result are done; calls with an
    /// intent but no result have an unknown outcome, and the objects they touched are re-read
    /// before anything is sent again (creates by username or correlation id, deletes by
    /// listing); idempotent calls (updates, memberships, assignments) are simply sent again.
    pub async fn resume(
        &self,
        plan: &Plan,
        journal: &Path,
        shutdown: CancellationToken,
    ) -> Result<ApplyOutcome, ExecError> {
        check_version(plan)?;
        let state = JournalState::load(journal)?;
        let hash = plan_hash(plan);
        if !state.started {
            // The run died before its first line: nothing was sent, start over.
            return Executor {
                opts: ExecOptions {
                    journal: Some(journal.to_owned()),
                    ..self.opts.clone()
                },
                ..self.clone()
            }
            .apply(plan, shutdown)
            .await;
        }
        if state.plan_hash != hash {
            return Err(ExecError::journal(
                journal,
                format!(
                    "belongs to another plan (journal {}, plan {hash})",
                    state.plan_hash
                ),
                None,
            ));
        }
        if self.opts.dry_run {
            return Ok(dry_run(plan));
        }
        let writer = JournalWriter::open(journal)?;
        let run = Run::new(self, plan, Some(writer), shutdown);
        run.header(plan, true)?;
        run.restore(plan, &state).await?;
        run.execute(plan).await
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

fn call_of(plan: &Plan) -> HashMap<ChangeId, CallId> {
    let mut out = HashMap::new();
    for call in plan.calls() {
        for change in call.operation.change_ids() {
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
    }
}

/// Messages of per-item failures that are worth retrying.
fn is_transient(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "temporar",
        "try again",
        "retry",
        "unavailable",
        "timeout",
        "timed out",
        "busy",
        "transient",
        "lock",
        "throttl",
        "too many requests",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// Statuses that reject a batch as a whole because of its content: halve it.
fn is_split_status(status: u16) -> bool {
    matches!(status, 400 | 404 | 409 | 422)
}

/// Every user's ID by username key, from one listing.
type UserIndex = Arc<HashMap<UserKey, UserId>>;

struct RunState {
    ids: Ids,
    outcomes: HashMap<ChangeId, ChangeOutcome>,
    seq: HashMap<u32, u32>,
}

/// One apply in progress, shared by the batches in flight.
struct Run {
    client: Client,
    opts: ExecOptions,
    changes: HashMap<ChangeId, Change>,
    calls: HashMap<ChangeId, CallId>,
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
            changes: plan.changes.iter().map(|c| (c.id, c.clone())).collect(),
            calls: call_of(plan),
            state: Mutex::new(RunState {
                ids: Ids::default(),
                outcomes: HashMap::new(),
                seq: HashMap::new(),
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
            tracing::error!(error = %e, "journal write failed; stopping the run");
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

    /// Records the outcome of a change, in memory and in the batch's result record.
    fn settle(
        &self,
        settled: &mut Settled,
        change: ChangeId,
        status: JournalStatus,
        message: Option<String>,
        rci: Option<String>,
        http_status: Option<u16>,
    ) {
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
            message,
            rci,
            http_status,
        });
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
            return Err(ClientError::Config(
                "dry run: the executor sends no mutating request".into(),
            ));
        }
        ops::send(&self.client, request).await
    }

    /// Every user's ID, from a listing that started after `since`: batches that meet an
    /// unknown outcome at about the same time share one listing.
    async fn users_since(
        &self,
        since: Instant,
    ) -> Result<Arc<HashMap<UserKey, UserId>>, ExecError> {
        let mut cached = self.user_listing.lock().await;
        if let Some((at, users)) = cached.as_ref()
            && *at >= since
        {
            return Ok(users.clone());
        }
        let at = Instant::now();
        let users = Arc::new(fetch::user_ids_by_key(&self.client).await?);
        *cached = Some((at, users.clone()));
        Ok(users)
    }

    async fn run_batch(self: Arc<Self>, batch: Batch) -> Vec<Batch> {
        let prepared = {
            let ids = self.state().ids.clone();
            let lookup = |c: ChangeId| self.changes.get(&c).cloned();
            ops::prepare(&batch.op, &ids, &lookup, &mut || self.next_correlation())
        };
        let batch_id = self.batch_id(batch.call);
        let mut settled = Settled::default();
        for (change, message) in prepared.unresolved {
            self.settle(
                &mut settled,
                change,
                JournalStatus::Skipped,
                Some(message),
                None,
                None,
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

    /// Queues `changes` of the batch for another try, or reports them when out of tries.
    fn retry_later(
        &self,
        batch: &Batch,
        changes: &[ChangeId],
        why: (&str, Option<String>, Option<u16>),
        exhausted: JournalStatus,
        settled: &mut Settled,
        follow: &mut Vec<Batch>,
    ) {
        if changes.is_empty() {
            return;
        }
        let (message, rci, status) = why;
        if batch.attempt >= self.opts.max_attempts {
            let message = format!("gave up after {} attempts: {message}", batch.attempt);
            for change in changes {
                self.settle(
                    settled,
                    *change,
                    exhausted,
                    Some(message.clone()),
                    rci.clone(),
                    status,
                );
            }
            return;
        }
        let keep: HashSet<ChangeId> = changes.iter().copied().collect();
        if let Some(op) = ops::restrict(&batch.op, &|c| keep.contains(&c)) {
            for change in changes {
                self.settle(
                    settled,
                    *change,
                    JournalStatus::Retry,
                    Some(message.to_owned()),
                    rci.clone(),
                    status,
                );
            }
            follow.push(Batch {
                call: batch.call,
                op,
                attempt: batch.attempt + 1,
                depth: 0,
            });
        }
    }

    async fn absorb(
        &self,
        answer: Answer,
        request: &Request,
        batch: &Batch,
        answered: Instant,
        settled: &mut Settled,
        follow: &mut Vec<Batch>,
    ) {
        for (username, id) in answer.created_users {
            // The answer names the user by key; keep the username as sent when we have it.
            let sent = match request {
                Request::CreateUsers { items, .. } => items
                    .iter()
                    .find(|(_, name)| UserKey::new(name).as_str() == username)
                    .map_or(username.clone(), |(_, name)| name.clone()),
                _ => username.clone(),
            };
            self.record_user(settled, &sent, id);
        }
        for (name, id) in answer.created_groups {
            self.record_group(settled, &name, id);
        }
        for change in answer.applied {
            self.settle(
                settled,
                change,
                JournalStatus::Applied,
                None,
                None,
                Some(200),
            );
        }
        let mut transient = Vec::new();
        let mut last_transient = (String::new(), None);
        for (change, message, rci) in answer.failed {
            if is_transient(&message) {
                transient.push(change);
                last_transient = (message, rci);
            } else {
                self.settle(
                    settled,
                    change,
                    JournalStatus::Failed,
                    Some(message),
                    rci,
                    Some(200),
                );
            }
        }
        self.retry_later(
            batch,
            &transient,
            (&last_transient.0, last_transient.1.clone(), Some(200)),
            JournalStatus::Failed,
            settled,
            follow,
        );
        if !answer.missing.is_empty() {
            if request.is_create() {
                self.settle_creates(request, &answer.missing, batch, answered, settled, follow)
                    .await;
            } else {
                self.retry_later(
                    batch,
                    &answer.missing,
                    ("the answer did not mention the item", None, Some(200)),
                    JournalStatus::Unknown,
                    settled,
                    follow,
                );
            }
        }
    }

    async fn on_error(
        &self,
        error: ClientError,
        request: &Request,
        batch: &Batch,
        answered: Instant,
        settled: &mut Settled,
        follow: &mut Vec<Batch>,
    ) {
        let changes = request.changes();
        let status = error.status().map(|s| s.as_u16());
        let rci = error.rci();
        let message = error
            .status_body()
            .map_or_else(|| error.to_string(), |s| s.to_string());
        let kind = error.kind();
        match kind {
            ClientKind::Auth => {
                for change in &changes {
                    self.settle(
                        settled,
                        *change,
                        JournalStatus::Skipped,
                        Some(message.clone()),
                        rci.clone(),
                        status,
                    );
                }
                self.fail(ExecError::Auth(Box::new(error)));
            }
            ClientKind::ReadOnly => {
                for change in &changes {
                    self.settle(
                        settled,
                        *change,
                        JournalStatus::Failed,
                        Some(message.clone()),
                        None,
                        None,
                    );
                }
            }
            ClientKind::Http if status.is_some_and(is_split_status) => {
                if batch.depth < self.opts.max_split_depth
                    && changes.len() > 1
                    && let Some((a, b)) = ops::split(&batch.op)
                {
                    tracing::info!(call = %batch.call, items = changes.len(), status, "batch rejected as a whole; splitting");
                    for change in &changes {
                        self.settle(
                            settled,
                            *change,
                            JournalStatus::Retry,
                            Some(format!("split: {message}")),
                            rci.clone(),
                            status,
                        );
                    }
                    for op in [a, b] {
                        follow.push(Batch {
                            call: batch.call,
                            op,
                            attempt: batch.attempt,
                            depth: batch.depth + 1,
                        });
                    }
                } else {
                    for change in &changes {
                        self.settle(
                            settled,
                            *change,
                            JournalStatus::Failed,
                            Some(message.clone()),
                            rci.clone(),
                            status,
                        );
                    }
                }
            }
            _ if request.is_create()
                && (kind == ClientKind::OutcomeUnknown
                    || kind == ClientKind::Decode
                    || status.is_some_and(|s| matches!(s, 500 | 502 | 504))) =>
            {
                tracing::warn!(call = %batch.call, error = %error, "create outcome unknown; re-reading before deciding");
                self.settle_creates(request, &changes, batch, answered, settled, follow)
                    .await;
            }
            ClientKind::Transport
            | ClientKind::RateLimited
            | ClientKind::OutcomeUnknown
            | ClientKind::Decode => {
                self.backoff(batch.attempt).await;
                self.retry_later(
                    batch,
                    &changes,
                    (&message, rci, status),
                    JournalStatus::Unknown,
                    settled,
                    follow,
                );
            }
            ClientKind::Http
                if status.is_some_and(|s| matches!(s, 429 | 500 | 502 | 503 | 504)) =>
            {
                self.backoff(batch.attempt).await;
                self.retry_later(
                    batch,
                    &changes,
                    (&message, rci, status),
                    JournalStatus::Failed,
                    settled,
                    follow,
                );
            }
            _ => {
                for change in &changes {
                    self.settle(
                        settled,
                        *change,
                        JournalStatus::Failed,
                        Some(message.clone()),
                        rci.clone(),
                        status,
                    );
                }
            }
        }
    }

    async fn backoff(&self, attempt: u32) {
        let ceiling = Duration::from_millis(100).saturating_mul(1 << attempt.min(6));
        let wait = Duration::from_millis(rand::rng().random_range(0..=ceiling.as_millis() as u64));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = self.stop.cancelled() => {}
        }
    }

    /// Settles creates whose outcome is unknown by re-reading: users by username (a listing
    /// started after `since`), groups by the correlation ids this request carried. What exists
    /// is `Applied`; the rest is sent again in a later batch.
    async fn settle_creates(
        &self,
        request: &Request,
        changes: &[ChangeId],
        batch: &Batch,
        since: Instant,
        settled: &mut Settled,
        follow: &mut Vec<Batch>,
    ) {
        let wanted: HashSet<ChangeId> = changes.iter().copied().collect();
        let mut absent = Vec::new();
        match request {
            Request::CreateUsers { items, .. } => match self.users_since(since).await {
                Ok(users) => {
                    for (change, username) in items.iter().filter(|(c, _)| wanted.contains(c)) {
                        match users.get(&UserKey::new(username)) {
                            Some(id) => {
                                self.record_user(settled, username, id.clone());
                                self.settle(
                                    settled,
                                    *change,
                                    JournalStatus::Applied,
                                    None,
                                    None,
                                    None,
                                );
                            }
                            None => absent.push(*change),
                        }
                    }
                }
                Err(e) => return self.unknown(settled, changes, &e),
            },
            Request::CreateGroups { slots, .. } => {
                let slots: Vec<_> = slots
                    .iter()
                    .filter(|s| s.changes.iter().any(|c| wanted.contains(c)))
                    .collect();
                let ids: Vec<String> = slots.iter().map(|s| s.correlation_id.clone()).collect();
                match fetch::groups_by_correlation(&self.client, &ids).await {
                    Ok(found) => {
                        for slot in slots {
                            match found.get(&slot.correlation_id) {
                                Some((id, _)) => {
                                    self.record_group(settled, &slot.name, id.clone());
                                    for change in &slot.changes {
                                        self.settle(
                                            settled,
                                            *change,
                                            JournalStatus::Applied,
                                            None,
                                            None,
                                            None,
                                        );
                                    }
                                }
                                None => absent.extend(slot.changes.iter().copied()),
                            }
                        }
                    }
                    Err(e) => return self.unknown(settled, changes, &e),
                }
            }
            _ => absent.extend_from_slice(changes),
        }
        self.retry_later(
            batch,
            &absent,
            (
                "not created (outcome was unknown; re-read found nothing)",
                None,
                None,
            ),
            JournalStatus::Unknown,
            settled,
            follow,
        );
    }

    fn unknown(&self, settled: &mut Settled, changes: &[ChangeId], error: &ExecError) {
        let message = format!("outcome unknown, and the re-read failed: {error}");
        for change in changes {
            self.settle(
                settled,
                *change,
                JournalStatus::Unknown,
                Some(message.clone()),
                error.rci(),
                error.http_status(),
            );
        }
    }

    /// Takes over what a journal says: final outcomes and created IDs, then settles the batches
    /// whose outcome is unknown by re-reading the objects they touched.
    async fn restore(&self, plan: &Plan, journal: &JournalState) -> Result<(), ExecError> {
        {
            let mut state = self.state();
            state.ids.users.extend(
                journal
                    .created_users
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
            state.ids.groups.extend(
                journal
                    .created_groups
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone())),
            );
            for (change, outcome) in &journal.outcomes {
                if outcome.status.is_final() {
                    let status = if outcome.status == JournalStatus::Applied {
                        Status::Applied
                    } else {
                        Status::Failed
                    };
                    state.outcomes.insert(
                        *change,
                        ChangeOutcome {
                            change: *change,
                            status,
                            message: outcome.message.clone(),
                            rci: outcome.rci.clone(),
                            http_status: outcome.http_status,
                            call: self.calls.get(change).copied(),
                        },
                    );
                }
            }
            for (call, seq) in &journal.last_batch {
                state.seq.insert(*call, *seq);
            }
        }
        // Changes that may have been applied without the journal knowing.
        let mut unsure: HashSet<ChangeId> = journal
            .pending
            .iter()
            .flat_map(|p| p.changes.iter().copied())
            .collect();
        unsure.extend(
            journal
                .outcomes
                .iter()
                .filter(|(_, o)| o.status == JournalStatus::Unknown)
                .map(|(c, _)| *c),
        );
        unsure.retain(|c| !self.is_final(*c));
        if unsure.is_empty() {
            return Ok(());
        }
        let mut settled = Settled::default();
        let mut user_creates = Vec::new();
        let mut group_creates = Vec::new();
        let mut user_deletes = Vec::new();
        let mut group_deletes = Vec::new();
        for call in plan.calls() {
            match &call.operation {
                Operation::CreateUsers { users } => {
                    user_creates.extend(
                        users
                            .iter()
                            .filter(|u| unsure.contains(&u.change))
                            .map(|u| (u.change, u.username.clone())),
                    );
                }
                Operation::CreateGroups { groups } => {
                    for g in groups.iter().filter(|g| unsure.contains(&g.change)) {
                        let mut changes = vec![g.change];
                        changes.extend(g.permissions.iter().map(|p| p.change));
                        changes.extend(g.members.iter().map(|m| m.change));
                        group_creates.push((g.name.clone(), changes));
                    }
                }
                Operation::DeleteUsers { users } => {
                    user_deletes.extend(
                        users
                            .iter()
                            .filter(|u| unsure.contains(&u.change))
                            .filter_map(|u| match &u.user {
                                vsync_engine::UserRef::Id(id) => Some((u.change, id.clone())),
                                vsync_engine::UserRef::Key(_) => None,
                            }),
                    );
                }
                Operation::DeleteGroups { groups } => {
                    group_deletes.extend(
                        groups
                            .iter()
                            .filter(|g| unsure.contains(&g.change))
                            .map(|g| (g.change, g.group.clone())),
                    );
                }
                _ => {}
            }
        }
        if !user_creates.is_empty() || !user_deletes.is_empty() {
            let users = fetch::user_ids_by_key(&self.client).await?;
            let live_ids: HashSet<&UserId> = users.values().collect();
            for (change, username) in &user_creates {
                if let Some(id) = users.get(&UserKey::new(username)) {
                    self.record_user(&mut settled, username, id.clone());
                    self.settle(
                        &mut settled,
                        *change,
                        JournalStatus::Applied,
                        Some("found on resume".into()),
                        None,
                        None,
                    );
                }
            }
            for (change, id) in &user_deletes {
                if !live_ids.contains(id) {
                    self.settle(
                        &mut settled,
                        *change,
                        JournalStatus::Applied,
                        Some("found deleted on resume".into()),
                        None,
                        None,
                    );
                }
            }
        }
        if !group_creates.is_empty() {
            let ids: Vec<String> = group_creates
                .iter()
                .flat_map(|(name, _)| {
                    journal
                        .sent_correlation_ids
                        .get(name)
                        .cloned()
                        .unwrap_or_default()
                })
                .collect();
            let found = fetch::groups_by_correlation(&self.client, &ids).await?;
            for (name, changes) in &group_creates {
                let sent = journal
                    .sent_correlation_ids
                    .get(name)
                    .cloned()
                    .unwrap_or_default();
                if let Some((id, _)) = sent.iter().find_map(|c| found.get(c)) {
                    self.record_group(&mut settled, name, id.clone());
                    for change in changes {
                        self.settle(
                            &mut settled,
                            *change,
                            JournalStatus::Applied,
                            Some("found on resume".into()),
                            None,
                            None,
                        );
                    }
                }
            }
        }
        if !group_deletes.is_empty() {
            let groups = fetch::group_ids_by_name(&self.client).await?;
            let live: HashSet<&UserGroupId> = groups.values().collect();
            for (change, id) in &group_deletes {
                if !live.contains(id) {
                    self.settle(
                        &mut settled,
                        *change,
                        JournalStatus::Applied,
                        Some("found deleted on resume".into()),
                        None,
                        None,
                    );
                }
            }
        }
        self.journal(&Record::Result {
            batch: "resume".into(),
            call: 0,
            outcomes: settled.outcomes,
            created_users: settled.created_users,
            created_groups: settled.created_groups,
        });
        Ok(())
    }

    fn any_failed(&self) -> bool {
        self.state()
            .outcomes
            .values()
            .any(|o| matches!(o.status, Status::Failed | Status::Unknown))
    }

    async fn execute(self: Arc<Self>, plan: &Plan) -> Result<ApplyOutcome, ExecError> {
        let concurrency = self.opts.concurrency.max(1);
        let mut leftovers: Vec<(ChangeId, String)> = Vec::new();
        for phase in &plan.phases {
            let batches: Vec<Batch> = phase
                .calls
                .iter()
                .filter_map(|call| {
                    ops::restrict(&call.operation, &|c| !self.is_final(c)).map(|op| Batch {
                        call: call.id,
                        op,
                        attempt: 1,
                        depth: 0,
                    })
                })
                .collect();
            if batches.is_empty() {
                continue;
            }
            if self.stop.is_cancelled() {
                leftovers.extend(
                    batches
                        .iter()
                        .flat_map(|b| b.op.change_ids())
                        .map(|c| (c, "not attempted: the run was stopped".to_owned())),
                );
                continue;
            }
            if self.opts.withhold_deletes_after_failure
                && matches!(phase.kind, PhaseKind::DeleteUsers | PhaseKind::DeleteGroups)
                && self.any_failed()
            {
                let message =
                    "withheld: an earlier change failed, so deletions wait for a clean run";
                leftovers.extend(
                    batches
                        .iter()
                        .flat_map(|b| b.op.change_ids())
                        .map(|c| (c, message.to_owned())),
                );
                continue;
            }
            let progress = PhaseProgress::new(self.opts.progress, phase.kind, batches.len());
            let mut queue: VecDeque<Batch> = batches.into();
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
                    JournalStatus::Skipped,
                    Some(message),
                    None,
                    None,
                );
            }
        }
        for change in &plan.changes {
            let missing = !self.state().outcomes.contains_key(&change.id);
            if missing {
                self.settle(
                    &mut settled,
                    change.id,
                    JournalStatus::Skipped,
                    Some("not attempted".into()),
                    None,
                    None,
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
        let state = self.state();
        Ok(ApplyOutcome {
            outcomes: plan
                .changes
                .iter()
                .filter_map(|c| state.outcomes.get(&c.id).cloned())
                .collect(),
            interrupted,
            calls_used: after.total_calls().saturating_sub(before.total_calls()),
            retries: after.retries.saturating_sub(before.retries),
            rate_limit_waits: after
                .rate_limit_waits
                .saturating_sub(before.rate_limit_waits),
            throttled: after.throttled.saturating_sub(before.throttled),
            duration: self.started.elapsed(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_messages_are_recognised() {
        assert!(is_transient("Service temporarily unavailable"));
        assert!(is_transient("please try again later"));
        assert!(!is_transient("username is not a valid email"));
        assert!(!is_transient("user already exists"));
    }
}
