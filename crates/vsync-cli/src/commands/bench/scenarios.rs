//! The API-bound scenarios of `vsync bench`: the jobs vsync runs most, against an in-process
//! simulated tenant that answers every request after a fixed latency and enforces a rate
//! limit, each measured against the least calls and the least time it could take.
//!
//! | scenario | what runs | targets |
//! | --- | --- | --- |
//! | nightly 1 % delta of 5,000 / 20,000 users, 100 calls a minute | read, diff, plan, apply, check from the answers (a `sync` of a users-only file) | calls = lower bound, wall ≤ 1.2 × the larger of the latency critical path and the rate bound, no 429 |
//! | no-change plan of 25,000 users, 100 calls a minute | read, diff, plan | wall ≤ 1.5 × the pages' sequential latency |
//! | initial load, L calls a time-scaled minute | read, diff, plan, apply of users and memberships into an empty tenant | wall ≤ 1.10 × the rate bound, no 429 |
//!
//! - The **lower bound** of calls: one sign-in, the read's pages (`FetchOptions::call_count`)
//!   and the plan's lower bound.
//! - The **latency critical path**: sign-in, the pages of the longest list one after another
//!   (the lists are read at once), one round of writes per stage of phases
//!   ([`PhaseKind::stage`](vsync_engine::PhaseKind::stage)), each one latency.
//! - The **rate bound**: the least time the tenant's windows allow. A fresh window allows `L`
//!   calls at once, so a budget refilled evenly would allow the rest in `(calls − L) / L`
//!   minutes; that figure is printed. The simulated tenant counts calls in fixed windows, as
//!   Visier's headers describe them ("calls that can still be made during the current
//!   minute"), and a run starts with a fresh one: the calls past the first `L` wait for whole
//!   windows, `⌈calls / L⌉ − 1` of them, whatever the client does. The larger of the two is
//!   the bound the targets use.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use vsync_client::{Auth, Client, RateLimit, SecretString};
use vsync_engine::outcome::Status;
use vsync_engine::{BatchLimits, GuardSettings, Mode, Policy};
use vsync_executor::{
    CancellationToken, ExecOptions, Executor, FetchOptions, ProgressMode, VerifyMode, fetch_live,
    verify_applied,
};
use vsync_model::{DesiredGroup, DesiredState, DesiredUser, SourceRef};
use vsync_sim::Sim;

/// What a scenario does after reading and planning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Job {
    /// Apply a 1 % change of every user's display name and check it from the answers.
    Nightly,
    /// Plan only: the tenant already matches.
    NoChange,
    /// Load every user and their memberships into an empty tenant.
    InitialLoad,
}

/// One scenario.
#[derive(Debug, Clone)]
pub(super) struct Scenario {
    /// Its name, as printed.
    pub name: String,
    /// The job.
    pub job: Job,
    /// Users in the tenant (or loaded into it).
    pub users: usize,
    /// The tenant's calls a minute.
    pub limit: u32,
    /// How much faster the tenant's and the client's minute runs.
    pub time_scale: f64,
    /// The tenant's answer latency.
    pub latency: Duration,
    /// Batches in flight at once.
    pub concurrency: usize,
}

/// What one scenario measured.
#[derive(Debug, Clone)]
pub(super) struct Figures {
    calls: u64,
    lower_bound: u64,
    read_pages: u64,
    writes_bound: u64,
    wall: Duration,
    critical_path: Duration,
    rate_bound: Duration,
    /// The rate bound of the tenant's fixed windows: the calls past the first `L` wait for
    /// whole windows, `⌈calls / L⌉ − 1` of them, counted from the tenant's start.
    window_bound: Duration,
    pages_latency: Duration,
    throttled: u64,
    rereads: u64,
    changes: usize,
    applied: usize,
    /// The first change not applied, with its status and message.
    first_problem: Option<String>,
}

/// One target: its words and whether it was met.
pub(super) struct Target {
    what: String,
    pub(super) met: bool,
}

impl Scenario {
    /// Runs the scenario: starts its tenant, then times the job from the first call.
    pub(super) async fn run(&self) -> anyhow::Result<Figures> {
        // The tenant's first window opens as it starts, a little before the job's first call.
        let tenant_started = Instant::now();
        let sim = Sim::builder()
            .seed(7)
            .seed_users(if self.job == Job::InitialLoad {
                0
            } else {
                self.users
            })
            // A generated tenant of any size: Visier's cap does not bind the benchmark.
            .max_users(self.users.max(25_000) + 1)
            .rate_limit_minute(self.limit)
            .rate_limit_hour(0)
            .time_scale(self.time_scale)
            .latency(self.latency)
            .record_requests(false)
            .start()
            .await
            .context("failed to start the simulated tenant")?;
        let desired = self.desired(&sim);
        let client = client(&sim, self.limit, self.time_scale)?;
        let policy = Policy {
            mode: Mode::Upsert,
            guards: GuardSettings::off(),
            signed_in_as: Some(vsync_model::UserKey::new(&sim.credentials().username)),
            ..Policy::default()
        };

        let started = Instant::now();
        let opts = FetchOptions::default().with_scope(vsync_engine::read_scope(&desired));
        let live = fetch_live(&client, &opts).await?;
        let changes = vsync_engine::diff(&desired, &live, &policy)
            .map_err(|e| anyhow::anyhow!("the diff failed: {e}"))?;
        let plan = vsync_engine::plan(&changes, &BatchLimits::default());
        let mut applied = 0;
        let mut rereads = 0;
        let mut first_problem = None;
        if self.job != Job::NoChange {
            let executor = Executor::new(
                client.clone(),
                ExecOptions {
                    concurrency: self.concurrency,
                    progress: ProgressMode::Off,
                    ..ExecOptions::default()
                },
            );
            let outcome = executor.apply(&plan, CancellationToken::new()).await?;
            let check = verify_applied(
                &client,
                (&desired, &policy),
                &opts,
                VerifyMode::Answers,
                (&plan, &outcome.outcomes),
            )
            .await?;
            rereads = check.reread_calls;
            applied = outcome
                .outcomes
                .iter()
                .filter(|o| o.status == Status::Applied)
                .count();
            first_problem = outcome
                .outcomes
                .iter()
                .find(|o| o.status != Status::Applied)
                .map(|o| {
                    format!(
                        "{:?}: {}",
                        o.status,
                        o.message.as_deref().unwrap_or("no message")
                    )
                });
        }
        let wall = started.elapsed();
        sim.shutdown().await.ok();

        let metrics = client.metrics();
        let users_pages = (live.users.len() / opts.users_page_size as usize + 1) as u64;
        let groups_pages = if opts.scope.groups {
            (live.groups.len() / opts.groups_page_size as usize + 1) as u64
        } else {
            0
        };
        let read_pages = opts.call_count(live.users.len(), live.groups.len()) as u64;
        let writes_bound = plan.lower_bound() as u64;
        let mut stages: Vec<_> = plan
            .phases
            .iter()
            .filter(|p| !p.calls.is_empty())
            .map(|p| p.kind.stage())
            .collect();
        stages.dedup();
        let stages = u32::try_from(stages.len()).unwrap_or(u32::MAX);
        let calls = metrics.total_calls();
        let minute = Duration::from_secs_f64(60.0 / self.time_scale);
        let limit = u64::from(self.limit.max(1));
        let rate_bound = minute.mul_f64(calls.saturating_sub(limit) as f64 / limit as f64);
        let longest = u32::try_from(users_pages.max(groups_pages)).unwrap_or(u32::MAX);
        Ok(Figures {
            calls,
            lower_bound: 1 + read_pages + writes_bound,
            read_pages,
            writes_bound,
            wall,
            critical_path: self.latency * (1 + longest + stages),
            rate_bound,
            window_bound: (minute
                * u32::try_from(calls.div_ceil(limit).saturating_sub(1)).unwrap_or(u32::MAX))
            .saturating_sub(started - tenant_started),
            pages_latency: self.latency * u32::try_from(users_pages).unwrap_or(u32::MAX),
            throttled: metrics.throttled,
            rereads,
            changes: plan.changes.len(),
            applied,
            first_problem,
        })
    }

    /// What the input says: the tenant's users with every hundredth display name changed
    /// (nightly), the tenant as it is (no change), or generated users in groups (a load).
    fn desired(&self, sim: &Sim) -> DesiredState {
        if self.job == Job::InitialLoad {
            return super::load(self.users);
        }
        let snapshot = sim.snapshot();
        let admin = &sim.credentials().username;
        let users = snapshot
            .users
            .iter()
            .filter(|u| !u.username.eq_ignore_ascii_case(admin))
            .enumerate()
            .map(|(i, u)| DesiredUser {
                username: u.username.as_str().into(),
                display_name: if self.job == Job::Nightly && i % 100 == 0 {
                    Some(format!("Renamed {i}").into())
                } else {
                    u.display_name.as_deref().map(Into::into)
                },
                source: SourceRef::csv("users.csv", i as u64 + 2),
                ..DesiredUser::default()
            })
            .collect();
        DesiredState {
            users,
            groups: Vec::<DesiredGroup>::new(),
            ..DesiredState::default()
        }
    }

    /// The scenario's targets, met or not.
    pub(super) fn targets(&self, f: &Figures) -> Vec<Target> {
        let ratio = |a: Duration, b: Duration| a.as_secs_f64() / b.as_secs_f64().max(1e-9);
        let bound = f.critical_path.max(f.rate_bound).max(f.window_bound);
        let mut out = Vec::new();
        match self.job {
            Job::Nightly => {
                out.push(Target {
                    what: format!("calls {} = lower bound {}", f.calls, f.lower_bound),
                    met: f.calls == f.lower_bound,
                });
                out.push(Target {
                    what: format!(
                        "wall {:.3} s ≤ 1.2 × {:.3} s ({:.2}×)",
                        f.wall.as_secs_f64(),
                        bound.as_secs_f64(),
                        ratio(f.wall, bound)
                    ),
                    met: ratio(f.wall, bound) <= 1.2,
                });
            }
            Job::NoChange => out.push(Target {
                what: format!(
                    "wall {:.3} s ≤ 1.5 × pages {:.3} s ({:.2}×)",
                    f.wall.as_secs_f64(),
                    f.pages_latency.as_secs_f64(),
                    ratio(f.wall, f.pages_latency)
                ),
                met: ratio(f.wall, f.pages_latency) <= 1.5,
            }),
            Job::InitialLoad => out.push(Target {
                what: format!(
                    "wall {:.3} s ≤ 1.10 × {:.3} s, the largest of the rate bound, the tenant's windows and the critical path ({:.2}×)",
                    f.wall.as_secs_f64(),
                    bound.as_secs_f64(),
                    ratio(f.wall, bound)
                ),
                met: ratio(f.wall, bound) <= 1.10,
            }),
        }
        if self.job != Job::NoChange {
            out.push(Target {
                what: format!("{} × 429", f.throttled),
                met: f.throttled == 0,
            });
            let mut what = format!("{} of {} changes applied", f.applied, f.changes);
            if let Some(problem) = &f.first_problem {
                let _ = write!(what, " (first not applied: {problem})");
            }
            out.push(Target {
                what,
                met: f.applied == f.changes,
            });
        }
        out
    }

    /// The scenario's lines: its figures, then each target with PASS or FAIL.
    pub(super) fn describe(&self, f: &Figures, targets: &[Target]) -> Vec<String> {
        let mut lines = vec![
            format!(
                "{}: {} users, {} calls a {:.1}-s minute, {} ms latency",
                self.name,
                self.users,
                self.limit,
                60.0 / self.time_scale,
                self.latency.as_millis()
            ),
            format!(
                "  calls {} (lower bound {} = 1 sign-in + {} read + {} writes; {} re-read), {} changes",
                f.calls, f.lower_bound, f.read_pages, f.writes_bound, f.rereads, f.changes
            ),
            format!(
                "  wall {:.3} s; latency critical path {:.3} s, rate bound {:.3} s (the tenant's fixed windows: {:.3} s)",
                f.wall.as_secs_f64(),
                f.critical_path.as_secs_f64(),
                f.rate_bound.as_secs_f64(),
                f.window_bound.as_secs_f64()
            ),
        ];
        for target in targets {
            lines.push(format!(
                "  {} {}",
                if target.met { "PASS" } else { "FAIL" },
                target.what
            ));
        }
        lines
    }
}

/// A client of `sim` paced for `limit` calls a minute at `time_scale`.
fn client(sim: &Sim, limit: u32, time_scale: f64) -> anyhow::Result<Client> {
    let credentials = sim.credentials().clone();
    Client::builder()
        .base_url(sim.uri())
        .api_key(SecretString::from(credentials.apikey.clone()))
        .auth(Auth::Asid {
            username: credentials.username.clone(),
            password: SecretString::from(credentials.password.clone()),
            vanity: None,
        })
        .rate_limit(RateLimit {
            per_minute: limit.max(1),
            per_hour: u32::MAX,
            share: 1.0,
            time_scale,
        })
        .build()
        .context("failed to set up the client")
}
