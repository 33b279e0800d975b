//! Shared setup: a simulated tenant, a client of it, a desired state of generated users, and
//! the plan that takes the tenant there.

use std::collections::HashMap;
use std::future::Future;
use std::time::Duration;

use vsync_client::{Auth, Client, ClientBuilder, RateLimit, RetryPolicy};
use vsync_engine::outcome::{ChangeOutcome, Status};
use vsync_engine::{BatchLimits, Change, Entity, GuardSettings, Mode, PhaseKind, Plan, Policy};
use vsync_executor::{
    ApplyOutcome, CancellationToken, ExecOptions, Executor, FetchOptions, ProgressMode,
    Verification, fetch_live, verify,
};
use vsync_model::{DesiredState, DesiredUser, Managed, NameSet, SourceRef, UserKey};
use vsync_sim::{Sim, SimBuilder};

/// Existing groups of the seeded tenant the generated users are spread over.
pub const GROUPS: [&str; 3] = ["Finance Analysts", "Sales Leaders", "Recruiting Team"];

/// Runs `fut` with a timeout, so a missing call fails the test instead of hanging it.
/// Logs go to stderr when `VSYNC_TEST_LOG` is set (an env-filter such as `info`).
pub async fn within<T>(secs: u64, fut: impl Future<Output = T>) -> T {
    if let Ok(filter) = std::env::var("VSYNC_TEST_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_test_writer()
            .try_init();
    }
    tokio::time::timeout(Duration::from_secs(secs), fut)
        .await
        .expect("test timed out")
}

/// A client of `sim`. `limit`: calls per scaled minute and the time scale, matching the sim's.
pub fn client(sim: &Sim, limit: Option<(u32, f64)>, read_only: bool) -> Client {
    client_at(&sim.uri(), limit, read_only)
}

/// A client of the tenant at `uri`.
pub fn client_at(uri: &str, limit: Option<(u32, f64)>, read_only: bool) -> Client {
    builder_at(uri, limit, read_only)
        .build()
        .expect("client builds")
}

/// The builder of [`client_at`], for a test that changes one more setting.
pub fn builder_at(uri: &str, limit: Option<(u32, f64)>, read_only: bool) -> ClientBuilder {
    let rate_limit = match limit {
        Some((per_minute, time_scale)) => RateLimit {
            per_minute,
            per_hour: per_minute * 60,
            share: 1.0,
            time_scale,
        },
        None => RateLimit {
            per_minute: 10_000_000,
            per_hour: 600_000_000,
            share: 1.0,
            time_scale: 1.0,
        },
    };
    Client::builder()
        .base_url(uri)
        .api_key("dev-apikey")
        .auth(Auth::Asid {
            username: "admin".into(),
            password: "admin".into(),
            vanity: None,
        })
        .rate_limit(rate_limit)
        .retry(RetryPolicy {
            max_retries: 5,
            base_delay: Duration::from_millis(20),
            max_delay: Duration::from_millis(500),
        })
        .read_only(read_only)
}

/// `n` users `user{i}@example.com`, each a member of one of [`GROUPS`].
pub fn desired(n: usize) -> DesiredState {
    desired_with(n, |i| format!("user{i}@example.com"))
}

/// `n` users named by `name`, each a member of one of [`GROUPS`].
pub fn desired_with(n: usize, name: impl Fn(usize) -> String) -> DesiredState {
    let users = (0..n)
        .map(|i| DesiredUser {
            username: name(i).into(),
            display_name: Some(format!("User {i}").into()),
            employee_id: Some(format!("E{i:06}").into()),
            email: None,
            account_enabled: Some(true),
            groups: [GROUPS[i % GROUPS.len()]].into(),
            permissions: NameSet::new(),
            profiles: NameSet::new(),
            source: SourceRef::csv("users.csv", i as u64 + 2),
        })
        .collect();
    DesiredState {
        users,
        groups: Vec::new(),
        managed: Managed {
            memberships: true,
            ..Managed::default()
        },
        ..DesiredState::default()
    }
}

/// `n` users as [`desired`], but named `{marked}{i}@example.com` for each `i` that `is_marked`
/// picks: the users a test has the tenant refuse or fail.
pub fn desired_marked(n: usize, marked: &str, is_marked: impl Fn(usize) -> bool) -> DesiredState {
    desired_with(n, |i| {
        if is_marked(i) {
            format!("{marked}{i}@example.com")
        } else {
            format!("user{i}@example.com")
        }
    })
}

/// Upsert: create and update what the file lists, leave the rest alone.
pub fn policy() -> Policy {
    Policy {
        mode: Mode::Upsert,
        signed_in_as: Some(UserKey::new("admin")),
        guards: GuardSettings::off(),
        ..Policy::default()
    }
}

/// Reads the tenant and plans the way to `desired`.
pub async fn plan_for(client: &Client, desired: &DesiredState) -> Plan {
    let live = fetch_live(client, &FetchOptions::default())
        .await
        .expect("fetch");
    let changes = vsync_engine::diff(desired, &live, &policy()).expect("diff");
    vsync_engine::plan(&changes, &BatchLimits::default())
}

/// A writing client of `sim` with no rate limit, and the plan that takes the tenant to
/// `desired`.
pub async fn client_and_plan(sim: &Sim, desired: &DesiredState) -> (Client, Plan) {
    let client = client(sim, None, false);
    let plan = plan_for(&client, desired).await;
    (client, plan)
}

/// How many calls the plan's user creates take.
pub fn create_calls(plan: &Plan) -> usize {
    plan.phases
        .iter()
        .filter(|p| p.kind == PhaseKind::CreateUsers)
        .map(|p| p.calls.len())
        .sum()
}

/// Each user change of `plan` with its outcome in `outcome`.
pub fn user_outcomes<'a>(
    plan: &'a Plan,
    outcome: &'a ApplyOutcome,
) -> impl Iterator<Item = (&'a Change, &'a ChangeOutcome)> {
    plan.changes
        .iter()
        .filter(|c| c.entity() == Entity::User)
        .map(|c| {
            let o = outcome
                .outcomes
                .iter()
                .find(|o| o.change == c.id)
                .expect("every change has an outcome");
            (c, o)
        })
}

/// Executor options for tests: the defaults without a progress bar.
pub fn quiet() -> ExecOptions {
    ExecOptions {
        progress: ProgressMode::Off,
        ..ExecOptions::default()
    }
}

/// A tenant with no users and no rate limit.
pub async fn empty_tenant() -> Sim {
    empty_tenant_with(|sim| sim).await
}

/// [`empty_tenant`], with what `setup` adds: its faults, its refusals.
pub async fn empty_tenant_with(setup: impl FnOnce(SimBuilder) -> SimBuilder) -> Sim {
    setup(Sim::builder().empty().no_rate_limit())
        .start()
        .await
        .expect("sim starts")
}

/// Applies `plan` with [`quiet`] options.
pub async fn apply(client: &Client, plan: &Plan) -> ApplyOutcome {
    Executor::new(client.clone(), quiet())
        .apply(plan, CancellationToken::new())
        .await
        .expect("apply")
}

/// Every change applied; the message shows the first that was not.
pub fn assert_all_applied(outcome: &ApplyOutcome) {
    assert!(
        outcome.all_applied(),
        "{:?}",
        outcome
            .outcomes
            .iter()
            .find(|o| o.status != Status::Applied)
    );
}

/// The tenant matches `desired`; the message lists what is still different.
pub async fn assert_converged(client: &Client, desired: &DesiredState) {
    let check = verification(client, desired).await;
    assert!(check.converged, "{:?}", check.remaining);
}

/// Plans the way to `desired`, applies it, and checks that every change was applied and the
/// tenant converged. Returns the plan and the outcome for further checks.
pub async fn apply_and_converge(client: &Client, desired: &DesiredState) -> (Plan, ApplyOutcome) {
    let plan = plan_for(client, desired).await;
    let outcome = apply(client, &plan).await;
    assert_all_applied(&outcome);
    assert_converged(client, desired).await;
    (plan, outcome)
}

/// Re-reads the tenant and diffs it against `desired`.
pub async fn verification(client: &Client, desired: &DesiredState) -> Verification {
    verify(client, desired, &policy(), &FetchOptions::default())
        .await
        .expect("verify")
}

/// Usernames and group names that appear more than once in the sim.
pub fn duplicates(sim: &Sim) -> Vec<String> {
    let snapshot = sim.snapshot();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for user in &snapshot.users {
        *seen
            .entry(format!("user {}", user.username.to_lowercase()))
            .or_default() += 1;
    }
    for group in &snapshot.groups {
        *seen
            .entry(format!("group {}", group.display_name.to_lowercase()))
            .or_default() += 1;
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(k, _)| k)
        .collect()
}
