//! Applies against a tenant that fails: random 503/504 and connection resets, transient
//! per-item failures, 429 storms, whole-batch 400s, outcome-unknown creates.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use vsync_engine::outcome::Status;
use vsync_executor::{CancellationToken, ExecOptions, Executor};
use vsync_sim::{FaultKind, Operation, ScriptedFault, Sim};

use crate::harness::{
    apply, assert_all_applied, assert_converged, client, client_and_plan, client_at, create_calls,
    desired, desired_marked, duplicates, empty_tenant, empty_tenant_with, plan_for, quiet,
    user_outcomes, within,
};

/// Acceptance: 10% random 503/504 plus connection resets (the answer cut off after the tenant
/// acted) during a 2,000-user apply converges with no duplicate, and every failure is either
/// retried to success or reported.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_503_504_and_resets_converge_without_duplicates() {
    within(120, async {
        let sim = empty_tenant_with(|sim| {
            sim.seed(7).fault_rate(0.10).fault_kinds([
                FaultKind::Status(503),
                FaultKind::Status(504),
                FaultKind::ConnectionReset,
            ])
        })
        .await;
        let desired = desired(2000);
        let (client, plan) = client_and_plan(&sim, &desired).await;
        let outcome = apply(&client, &plan).await;
        assert_eq!(
            outcome.outcomes.len(),
            plan.changes.len(),
            "every change has an outcome"
        );
        for o in &outcome.outcomes {
            assert!(
                o.status == Status::Applied || o.message.is_some(),
                "a change that did not apply must say why: {o:?}"
            );
        }
        assert_all_applied(&outcome);
        assert!(duplicates(&sim).is_empty(), "{:?}", duplicates(&sim));
        assert_converged(&client, &desired).await;
    })
    .await;
}

/// Transient per-item failures (the tenant fails some items of a 200 answer) are sent once
/// more in a later batch, charged to the run's retry budget.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transient_item_failures_are_retried_in_later_batches() {
    within(60, async {
        let sim = empty_tenant_with(|sim| {
            sim.seed(11)
                .fault_rate(0.3)
                .fault_kinds([FaultKind::ItemFailures])
        })
        .await;
        let desired = desired(600);
        let (client, plan) = client_and_plan(&sim, &desired).await;
        let outcome = apply(&client, &plan).await;
        assert_all_applied(&outcome);
        let mutating = sim.mutating_request_count();
        eprintln!(
            "item failures: {mutating} mutating requests for a plan of {} calls",
            plan.call_count()
        );
        assert!(
            mutating > plan.call_count(),
            "some items needed a second batch"
        );
        assert_converged(&client, &desired).await;
    })
    .await;
}

/// A create whose answer is lost is settled by re-reading the users, never by sending it again.
#[tokio::test]
async fn outcome_unknown_create_is_reread_not_replayed() {
    within(60, async {
        let sim = empty_tenant_with(|sim| {
            sim.script(ScriptedFault::nth(
                Method::POST,
                "/v2/admin/users",
                1,
                FaultKind::ConnectionReset,
            ))
        })
        .await;
        let desired = desired(300);
        let (client, plan) = client_and_plan(&sim, &desired).await;
        let lists_before = sim.call_count(Operation::ListUsers);
        let outcome = apply(&client, &plan).await;
        assert_all_applied(&outcome);
        assert_eq!(
            sim.call_count(Operation::AddUsers),
            create_calls(&plan),
            "the create with the lost answer was not sent again"
        );
        assert_eq!(
            sim.call_count(Operation::ListUsers),
            lists_before + 1,
            "one re-read settled it"
        );
        assert!(duplicates(&sim).is_empty());
        assert_converged(&client, &desired).await;
    })
    .await;
}

/// Acceptance: a 429 storm. The tenant refuses the first 12 creates with 429 (the client
/// repeats each refused call after the window it waits for, within its retry budget) while its real
/// limiter allows 300 calls a scaled minute. The run completes with every change applied (no
/// call lost), and the limiter never refuses a request: every 429 is a scripted one, so the
/// client never exceeded the limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limit_storm_completes_and_loses_no_call() {
    within(120, async {
        // A scaled hour of 6 s: the client waits for the hour window to reset after a 429 that
        // does not say why (see the report), so the hour must be short for a quick test.
        let limit = 300;
        let scale = 600.0;
        let storm = 12;
        let sim = Sim::builder()
            .empty()
            .rate_limit_minute(limit)
            .rate_limit_hour(limit * 60)
            .time_scale(scale)
            .script(ScriptedFault::first(Method::POST, "/v2/admin/users", storm, FaultKind::Status(429)))
            .start()
            .await
            .unwrap();
        let client = client(&sim, Some((limit, scale)), false);
        let desired = desired(3000);
        let plan = plan_for(&client, &desired).await;
        let outcome = Executor::new(client.clone(), ExecOptions { concurrency: 8, ..quiet() })
            .apply(&plan, CancellationToken::new())
            .await
            .unwrap();
        assert_all_applied(&outcome);
        let statuses: Vec<u16> = sim.received_requests().iter().map(|r| r.status).collect();
        let throttled = statuses.iter().filter(|s| **s == 429).count();
        eprintln!(
            "429 storm: {} requests, {throttled} answered 429, {} calls by the executor for a plan of {}",
            statuses.len(),
            outcome.calls_used,
            plan.call_count()
        );
        assert_eq!(throttled, storm, "only the scripted 429s: the limiter itself never refused");
        assert_converged(&client, &desired).await;
        assert!(duplicates(&sim).is_empty());
    })
    .await;
}

/// Per-item rejections (the tenant refuses three usernames inside a 200 answer) are reported
/// with Visier's message and rci; the other 97 of the batch are applied.
#[tokio::test]
async fn rejected_items_are_reported_with_rci_and_the_rest_applied() {
    within(60, async {
        let sim =
            empty_tenant_with(|sim| sim.reject_username("bad*", "username is blocked by policy"))
                .await;
        let (client, plan) = client_and_plan(&sim, &three_bad()).await;
        let outcome = apply(&client, &plan).await;
        check_three_bad(&plan, &outcome);
    })
    .await;
}

/// 100 users, three of them (rows 9, 44 and 90) named `bad{i}@example.com`.
fn three_bad() -> vsync_model::DesiredState {
    desired_marked(100, "bad", |i| [7, 42, 88].contains(&i))
}

/// The three bad users of [`three_bad`] failed with Visier's rci and message, at their rows;
/// every other user was applied.
fn check_three_bad(plan: &vsync_engine::Plan, outcome: &vsync_executor::ApplyOutcome) {
    let mut failed = Vec::new();
    for (change, o) in user_outcomes(plan, outcome) {
        if change.key.starts_with("bad") {
            assert_eq!(o.status, Status::Failed, "{o:?}");
            assert!(o.rci.is_some(), "the rci is kept: {o:?}");
            assert!(o.message.is_some());
            failed.push(change.source.as_ref().unwrap().row);
        } else {
            assert_eq!(o.status, Status::Applied, "{o:?}");
        }
    }
    failed.sort_unstable();
    assert_eq!(failed, vec![9, 44, 90], "the rows of the bad users");
}

/// A tenant in front of the sim that rejects a whole `POST /v2/admin/users` with a 400 as soon
/// as one username in it starts with `bad`, as a stricter gateway would.
struct StrictGateway {
    target: String,
    http: reqwest::Client,
    rejected: AtomicUsize,
}

async fn strict(State(gw): State<Arc<StrictGateway>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    if parts.method == Method::POST && parts.uri.path() == "/v2/admin/users" {
        let value: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
        let bad = value["users"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|u| u["username"].as_str())
            .find(|u| u.starts_with("bad"))
            .map(ToOwned::to_owned);
        if let Some(name) = bad {
            let n = gw.rejected.fetch_add(1, Ordering::Relaxed);
            let body = serde_json::json!({
                "code": "InvalidRequest",
                "localizedMessage": format!("user {name} is not valid"),
                "message": format!("user {name} is not valid"),
                "rci": format!("rci-400-{n}"),
                "userError": true,
            });
            return (StatusCode::BAD_REQUEST, axum::Json(body)).into_response();
        }
    }
    let url = format!(
        "{}{}",
        gw.target,
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut headers = parts.headers.clone();
    headers.remove("host");
    headers.remove("content-length");
    let sent = gw
        .http
        .request(parts.method.clone(), url)
        .headers(headers)
        .body(bytes)
        .send()
        .await;
    match sent {
        Ok(answer) => {
            let status = answer.status();
            let mut headers = answer.headers().clone();
            headers.remove("content-length");
            headers.remove("transfer-encoding");
            let body = answer.bytes().await.unwrap_or_default();
            let mut response = Response::new(Body::from(body));
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            response
        }
        Err(_) => StatusCode::BAD_GATEWAY.into_response(),
    }
}

/// Acceptance: 3 bad items in a batch of 100 with a whole-batch 400: the batch is halved until
/// the bad items are alone; the 97 good ones are applied, the 3 reported with row and rci.
#[tokio::test]
async fn whole_batch_400_is_split_until_the_bad_items_are_isolated() {
    within(60, async {
        let sim = empty_tenant().await;
        let gateway = Arc::new(StrictGateway {
            target: sim.uri(),
            http: reqwest::Client::new(),
            rejected: AtomicUsize::new(0),
        });
        let app = axum::Router::new()
            .fallback(strict)
            .with_state(gateway.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, app).await });

        let client = client_at(&uri, None, false);
        let plan = plan_for(&client, &three_bad()).await;
        assert_eq!(plan.phases[0].calls.len(), 1, "one batch of 100 creates");
        let outcome = apply(&client, &plan).await;
        check_three_bad(&plan, &outcome);
        // Halving 100 items with 3 bad ones costs a bounded number of extra calls.
        let creates = sim.call_count(Operation::AddUsers);
        assert!(creates <= 25, "{creates} accepted create calls");
        assert!(gateway.rejected.load(Ordering::Relaxed) >= 4);
    })
    .await;
}
