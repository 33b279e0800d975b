//! `vsync bench`: measures the pipeline on this machine, against an in-process simulated tenant.
//!
//! 1. read: a generated users CSV of N rows (with memberships), median of the runs;
//! 2. diff + plan: N desired users against a tenant holding them with 1 % changed, median;
//! 3. apply: the initial load of N users and their memberships into an empty simulated tenant
//!    that allows L calls a (scaled) minute: calls made, the plan's lower bound, wall time, and
//!    its ratio to `calls / L`, the least time the limit allows.
//!
//! Figures are printed as medians and ratios; nothing outside 127.0.0.1 is contacted.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use vsync_client::{Auth, Client, RateLimit, SecretString};
use vsync_engine::{BatchLimits, GuardSettings, Mode, Policy};
use vsync_executor::{
    CancellationToken, ExecOptions, Executor, FetchOptions, ProgressMode, fetch_live,
};
use vsync_model::{DesiredGroup, DesiredState, DesiredUser, Managed, SourceRef};
use vsync_reader::ReadOptions;
use vsync_sim::Sim;

use crate::cli::BenchArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::output::{Finished, RunSummary};

const GROUPS: [&str; 4] = [
    "Finance Analysts",
    "Sales Leaders",
    "Recruiting Team",
    "Engineering",
];

/// Runs the benchmark and prints its figures.
pub async fn run(ctx: &Context, args: &BenchArgs) -> anyhow::Result<Finished> {
    let users = args.users.max(1);
    let runs = args.runs.max(1);
    let desired = generate(users);
    ctx.say(&format!(
        "vsync bench: {users} users, {runs} runs for the in-memory steps, limit {} calls a minute at time scale {}",
        args.rate_limit_minute, args.time_scale
    ));

    // 1. Read.
    let dir = tempfile::tempdir().context("failed to create a temporary folder")?;
    let files = vsync_reader::write_csv_dir(&desired, dir.path())
        .context("failed to write the CSV input")?;
    let bytes: u64 = files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    let read = median(runs, || {
        let started = Instant::now();
        // A generated tenant of any size: the reader's tenant-size cap does not apply.
        let options = ReadOptions::default().with_max_users(usize::MAX);
        let state = vsync_reader::read(&[dir.path()], &options);
        (started.elapsed(), state.map(|s| s.users.len()))
    });
    let read_users = read
        .1
        .map_err(|e| anyhow::anyhow!("the generated input does not read back: {e}"))?;
    anyhow::ensure!(
        read_users == users,
        "read {read_users} users, wrote {users}"
    );
    ctx.say(&format!(
        "read        {:>9.3} s median  {:>8.1} MB/s  ({} MB of CSV)",
        read.0.as_secs_f64(),
        bytes as f64 / 1e6 / read.0.as_secs_f64(),
        bytes / 1_000_000
    ));

    // 2. Diff + plan against a tenant that holds everyone, 1 % changed.
    let live = live_with_changes(&desired);
    let policy = Policy {
        guards: GuardSettings::off(),
        ..Policy::default()
    };
    let planned = median(runs, || {
        let started = Instant::now();
        let plan = vsync_engine::diff(&desired, &live, &policy)
            .map(|c| vsync_engine::plan(&c, &BatchLimits::default()));
        (
            started.elapsed(),
            plan.map(|p| (p.changes.len(), p.call_count())),
        )
    });
    let (changes, calls) = planned.1.map_err(|e| anyhow::anyhow!("diff failed: {e}"))?;
    ctx.say(&format!(
        "diff + plan {:>9.3} s median  {changes} changes in {calls} calls",
        planned.0.as_secs_f64()
    ));

    // 3. Apply the initial load under the rate limit.
    let sim = Sim::builder()
        .seed_users(0)
        .rate_limit_minute(args.rate_limit_minute)
        .rate_limit_hour(0)
        .time_scale(args.time_scale)
        .record_requests(false)
        .start()
        .await
        .context("failed to start the simulated tenant")?;
    let credentials = sim.credentials().clone();
    let rate = RateLimit {
        per_minute: args.rate_limit_minute.max(1),
        per_hour: u32::MAX,
        share: 1.0,
        time_scale: args.time_scale,
    };
    let client = Client::builder()
        .base_url(sim.uri())
        .api_key(SecretString::from(credentials.apikey.clone()))
        .auth(Auth::Asid {
            username: credentials.username.clone(),
            password: SecretString::from(credentials.password.clone()),
            vanity: None,
        })
        .rate_limit(rate)
        .build()
        .context("failed to set up the client")?;
    let mut load = desired.clone();
    load.groups = GROUPS
        .iter()
        .map(|g| DesiredGroup {
            name: (*g).to_owned(),
            ..DesiredGroup::default()
        })
        .collect();
    let live = fetch_live(&client, &FetchOptions::default()).await?;
    let policy = Policy {
        mode: Mode::Upsert,
        guards: GuardSettings::off(),
        ..Policy::default()
    };
    let changes = vsync_engine::diff(&load, &live, &policy)
        .map_err(|e| anyhow::anyhow!("diff failed: {e}"))?;
    let plan = vsync_engine::plan(&changes, &BatchLimits::default());
    client.reset_metrics();
    let executor = Executor::new(
        client.clone(),
        ExecOptions {
            concurrency: 4,
            progress: ProgressMode::Off,
            ..ExecOptions::default()
        },
    );
    let started = Instant::now();
    let outcome = executor.apply(&plan, CancellationToken::new()).await?;
    let wall = started.elapsed();
    let used = client.metrics().total_calls();
    let minute = 60.0 / args.time_scale;
    let least = used as f64 / f64::from(args.rate_limit_minute.max(1)) * minute;
    let applied = outcome
        .outcomes
        .iter()
        .filter(|o| o.status == vsync_engine::outcome::Status::Applied)
        .count();
    ctx.say(&format!(
        "apply       {:>9.3} s         {applied} of {} changes, {used} calls (plan {}, lower bound {}), \
         calls/L = {least:.3} s, ratio {:.3}, {:.0} changes/s",
        wall.as_secs_f64(),
        plan.changes.len(),
        plan.call_count(),
        plan.lower_bound(),
        wall.as_secs_f64() / least,
        applied as f64 / wall.as_secs_f64(),
    ));
    sim.shutdown().await.ok();
    let exit = if applied == plan.changes.len() {
        Exit::Ok
    } else {
        Exit::PartialFailure
    };
    Ok(Finished::new(exit, RunSummary::new("bench")))
}

/// Runs `f` `runs` times; the median time and the last result.
fn median<T>(runs: usize, mut f: impl FnMut() -> (Duration, T)) -> (Duration, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let (time, result) = f();
        times.push(time);
        last = Some(result);
    }
    times.sort_unstable();
    (times[times.len() / 2], last.expect("at least one run"))
}

fn generate(n: usize) -> DesiredState {
    DesiredState {
        users: (0..n)
            .map(|i| DesiredUser {
                username: format!("user{i}@example.com").into(),
                display_name: Some(format!("User {i}").into()),
                employee_id: Some(format!("{i:07}").into()),
                email: Some(format!("user{i}@example.com").into()),
                account_enabled: Some(true),
                groups: [GROUPS[i % GROUPS.len()]].into(),
                source: SourceRef::csv("users.csv", i as u64 + 2),
                ..DesiredUser::default()
            })
            .collect(),
        groups: Vec::new(),
        managed: Managed {
            memberships: true,
            ..Managed::default()
        },
        ..DesiredState::default()
    }
}

/// A live state holding every desired user, with every hundredth one's display name changed.
fn live_with_changes(desired: &DesiredState) -> vsync_model::LiveState {
    let groups: Vec<vsync_model::LiveGroup> = GROUPS
        .iter()
        .enumerate()
        .map(|(i, name)| vsync_model::LiveGroup {
            id: vsync_model::UserGroupId::new(format!("g{i}")),
            name: (*name).to_owned(),
            ..vsync_model::LiveGroup::default()
        })
        .collect();
    let users = desired
        .users
        .iter()
        .enumerate()
        .map(|(i, u)| vsync_model::LiveUser {
            id: vsync_model::UserId::new(format!("u{i}")),
            username: u.username.to_string(),
            display_name: if i % 100 == 0 {
                Some(format!("Old Name {i}"))
            } else {
                u.display_name.as_deref().map(str::to_owned)
            },
            employee_id: u.employee_id.as_deref().map(str::to_owned),
            email: u.email.as_deref().map(str::to_owned),
            account_enabled: true,
            groups: BTreeSet::from([groups[i % GROUPS.len()].id.clone()]),
            ..vsync_model::LiveUser::default()
        })
        .collect();
    vsync_model::LiveState {
        users,
        groups,
        ..vsync_model::LiveState::default()
    }
}
