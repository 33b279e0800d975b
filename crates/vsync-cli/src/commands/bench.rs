//! `vsync bench`: measures the pipeline on this machine, against an in-process simulated tenant.
//!
//! 1. read: a generated users CSV of N rows (with memberships), median of the runs;
//! 2. diff + plan: N desired users against a tenant holding them with 1 % changed, median;
//! 3. the API-bound scenarios of [`scenarios`]: nightly deltas, a no-change plan and an initial
//!    load against an in-process simulated tenant with latency and a rate limit, each with its
//!    calls against the lower bound, its wall time against the latency critical path and the
//!    rate bound, and PASS or FAIL per target.
//!
//! Figures are printed as medians and ratios; nothing outside 127.0.0.1 is contacted.

mod scenarios;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use vsync_engine::{BatchLimits, GuardSettings, Policy};
use vsync_model::{DesiredGroup, DesiredState, DesiredUser, Managed, SourceRef};
use vsync_reader::ReadOptions;

use scenarios::{Job, Scenario};

use crate::cli::{BenchArgs, BenchScenario};
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
    ctx.say(&format!(
        "vsync bench: {users} users, {runs} runs for the in-memory steps; {} ms latency for the API-bound scenarios",
        args.latency_ms
    ));
    if args.scenario.contains(&BenchScenario::Local) {
        local(ctx, users, runs)?;
    }

    // 3. The API-bound scenarios.
    let mut failed = 0;
    for scenario in scenarios(args) {
        let figures = scenario.run().await?;
        let targets = scenario.targets(&figures);
        failed += targets.iter().filter(|t| !t.met).count();
        for line in scenario.describe(&figures, &targets) {
            ctx.say(&line);
        }
    }
    let exit = if failed == 0 {
        Exit::Ok
    } else {
        ctx.say(&format!("{failed} target(s) missed"));
        Exit::PartialFailure
    };
    Ok(Finished::new(exit, RunSummary::new("bench")))
}

/// The in-memory steps: read and diff + plan of `users` users, medians of `runs` runs.
fn local(ctx: &Context, users: usize, runs: usize) -> anyhow::Result<()> {
    let desired = generate(users);
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

    Ok(())
}

/// The scenarios `args` select.
fn scenarios(args: &BenchArgs) -> Vec<Scenario> {
    let latency = Duration::from_millis(args.latency_ms);
    let real = |name: &str, job, users| Scenario {
        name: name.to_owned(),
        job,
        users,
        limit: 100,
        time_scale: 1.0,
        latency,
        concurrency: 4,
    };
    let mut out = Vec::new();
    for which in &args.scenario {
        match which {
            BenchScenario::Local => {}
            BenchScenario::Nightly => {
                out.push(real("nightly 1 % delta", Job::Nightly, 5_000));
                out.push(real("nightly 1 % delta", Job::Nightly, 20_000));
            }
            BenchScenario::NoChange => out.push(real("no-change plan", Job::NoChange, 25_000)),
            BenchScenario::InitialLoad => out.push(Scenario {
                name: "initial load".to_owned(),
                job: Job::InitialLoad,
                users: args.load_users,
                limit: args.rate_limit_minute.max(1),
                time_scale: args.time_scale,
                latency,
                concurrency: 4,
            }),
        }
    }
    out
}

/// `n` generated users in four groups the input declares: an initial load.
fn load(n: usize) -> DesiredState {
    let mut load = generate(n);
    load.groups = GROUPS
        .iter()
        .map(|g| DesiredGroup {
            name: (*g).to_owned(),
            ..DesiredGroup::default()
        })
        .collect();
    load
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
