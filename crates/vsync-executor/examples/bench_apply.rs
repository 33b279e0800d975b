//! Benchmark of an initial load: `N` users plus their group memberships, applied to an
//! in-process simulated tenant.
//!
//! ```text
//! cargo run --release -p vsync-executor --example bench_apply -- [users] [limit] [time_scale]
//! ```
//!
//! Defaults: 20,000 users, a limit of `L = 100` calls per minute, a time scale of 60 (a
//! "minute" lasts one second). It prints the calls made, the plan's lower bound, the wall time
//! of the apply and its ratio to `calls / L` (the least time the limit allows); then the same
//! load against a tenant without a limit, in changes per second.
//!
//! Measured on 2 cores, dev profile (20,000 users, 40,000 changes):
//!
//! | run | calls | lower bound | wall | calls/L | ratio |
//! | --- | --- | --- | --- | --- | --- |
//! | `20000 100 10` (a minute of 6 s) | 201 | 201 | 12.87 s | 12.06 s | 1.067 |
//! | `20000 100 60` (a minute of 1 s) | 201 | 201 | 4.70 s | 2.01 s | 2.34 |
//! | no limit | 201 | 201 | 5.8–6.2 s | | 6,400–6,900 changes/s |
//!
//! With a one-second minute the run is bound by the simulator's and the executor's own work
//! (the unlimited run takes as long), not by the limit.

use std::time::{Duration, Instant};

use vsync_client::{Auth, Client, RateLimit};
use vsync_engine::{BatchLimits, GuardSettings, Mode, Policy};
use vsync_executor::{
    CancellationToken, ExecOptions, Executor, FetchOptions, ProgressMode, fetch_live,
};
use vsync_model::{DesiredState, DesiredUser, Managed, SourceRef, UserKey};
use vsync_sim::Sim;

const GROUPS: [&str; 3] = ["Finance Analysts", "Sales Leaders", "Recruiting Team"];

fn desired(n: usize) -> DesiredState {
    DesiredState {
        users: (0..n)
            .map(|i| DesiredUser {
                username: format!("user{i}@example.com").into(),
                display_name: Some(format!("User {i}").into()),
                employee_id: Some(format!("E{i:06}").into()),
                account_enabled: Some(true),
                groups: [GROUPS[i % GROUPS.len()]].into(),
                source: SourceRef::csv("users.csv", i as u64 + 2),
                ..DesiredUser::default()
            })
            .collect(),
        managed: Managed {
            memberships: true,
            ..Managed::default()
        },
        ..DesiredState::default()
    }
}

fn client(uri: &str, rate_limit: RateLimit) -> Client {
    Client::builder()
        .base_url(uri)
        .api_key("dev-apikey")
        .auth(Auth::Asid {
            username: "admin".into(),
            password: "admin".into(),
            vanity: None,
        })
        .rate_limit(rate_limit)
        .build()
        .expect("client builds")
}

struct Run {
    calls: u64,
    lower_bound: usize,
    planned_calls: usize,
    changes: usize,
    applied: usize,
    wall: Duration,
}

async fn run(users: usize, limit: Option<(u32, f64)>) -> Run {
    let mut builder = Sim::builder().empty().record_requests(false);
    let rate_limit = if let Some((per_minute, scale)) = limit {
        builder = builder
            .rate_limit_minute(per_minute)
            .rate_limit_hour(per_minute * 60)
            .time_scale(scale);
        RateLimit {
            per_minute,
            per_hour: per_minute * 60,
            share: 1.0,
            time_scale: scale,
        }
    } else {
        builder = builder.no_rate_limit();
        RateLimit {
            per_minute: 100_000_000,
            per_hour: 1_000_000_000,
            share: 1.0,
            time_scale: 1.0,
        }
    };
    let sim = builder.start().await.expect("sim starts");
    let client = client(&sim.uri(), rate_limit);
    let desired = desired(users);
    let policy = Policy {
        mode: Mode::Upsert,
        signed_in_as: Some(UserKey::new("admin")),
        guards: GuardSettings::off(),
        ..Policy::default()
    };
    let live = fetch_live(&client, &FetchOptions::default())
        .await
        .expect("fetch");
    let plan = vsync_engine::plan(
        &vsync_engine::diff(&desired, &live, &policy).expect("diff"),
        &BatchLimits::default(),
    );
    let exec = Executor::new(
        client,
        ExecOptions {
            concurrency: 8,
            progress: ProgressMode::Off,
            ..ExecOptions::default()
        },
    );
    let started = Instant::now();
    let outcome = exec
        .apply(&plan, CancellationToken::new())
        .await
        .expect("apply");
    let wall = started.elapsed();
    Run {
        calls: outcome.calls_used,
        lower_bound: plan.lower_bound(),
        planned_calls: plan.call_count(),
        changes: plan.changes.len(),
        applied: outcome.count(vsync_engine::outcome::Status::Applied),
        wall,
    }
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let users: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let limit: u32 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(100);
    let scale: f64 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(60.0);

    let limited = run(users, Some((limit, scale))).await;
    let minute = 60.0 / scale;
    let floor = limited.calls as f64 / f64::from(limit) * minute;
    println!(
        "initial load of {users} users plus memberships, limit {limit} calls per {minute:.2} s:"
    );
    println!(
        "  changes {} (applied {}), calls {} (plan {}, lower bound {})",
        limited.changes, limited.applied, limited.calls, limited.planned_calls, limited.lower_bound
    );
    println!(
        "  wall {:.2} s, calls/L {floor:.2} s, ratio {:.3}",
        limited.wall.as_secs_f64(),
        limited.wall.as_secs_f64() / floor
    );

    let open = run(users, None).await;
    println!("without a limit:");
    println!(
        "  changes {} (applied {}), calls {}, wall {:.2} s, {:.0} changes/s",
        open.changes,
        open.applied,
        open.calls,
        open.wall.as_secs_f64(),
        open.changes as f64 / open.wall.as_secs_f64()
    );
}
