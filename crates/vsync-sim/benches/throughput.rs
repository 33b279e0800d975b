//! Load generator: starts the simulator in-process (rate limits off, no
//! request recording) and drives concurrent keep-alive connections against
//! `GET /v1/admin/permissions` and `GET /v1/admin/users?limit=100`,
//! printing requests per second. Client and server share the machine, so
//! the figure is a lower bound for the server alone.
//!
//! `cargo bench -p vsync-sim --bench throughput` (options after `--`:
//! `--connections N`, `--seconds N`, `--seed-users N`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use vsync_sim::Sim;

struct Options {
    connections: usize,
    seconds: u64,
    seed_users: usize,
}

fn options() -> Options {
    let mut o = Options {
        connections: 32,
        seconds: 5,
        seed_users: 5000,
    };
    let args: Vec<String> = std::env::args().collect();
    let mut i = 1;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse::<u64>().ok());
        match (args[i].as_str(), value) {
            ("--connections", Some(v)) => o.connections = v as usize,
            ("--seconds", Some(v)) => o.seconds = v,
            ("--seed-users", Some(v)) => o.seed_users = v as usize,
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    o
}

async fn drive(uri: &str, token: &str, path: &str, o: &Options) -> (u64, u64, f64) {
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut tasks = Vec::new();
    for _ in 0..o.connections {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(1)
            .build()
            .unwrap();
        let url = format!("{uri}{path}");
        let cookie = format!("VisierASIDToken={token}");
        let (ok, failed, stop) = (ok.clone(), failed.clone(), stop.clone());
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let r = client
                    .get(&url)
                    .header("apikey", "dev-apikey")
                    .header("Cookie", &cookie)
                    .send()
                    .await;
                match r {
                    Ok(resp) if resp.status().is_success() => {
                        let _ = resp.bytes().await;
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    let start = Instant::now();
    tokio::time::sleep(Duration::from_secs(o.seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = start.elapsed().as_secs_f64();
    for t in tasks {
        let _ = t.await;
    }
    (
        ok.load(Ordering::Relaxed),
        failed.load(Ordering::Relaxed),
        elapsed,
    )
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let o = options();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let sim = Sim::builder()
            .no_rate_limit()
            .record_requests(false)
            .seed_users(o.seed_users)
            .start()
            .await
            .unwrap();
        let token = sim.issue_token();
        println!(
            "vsync-sim throughput: {} connections, {} s per endpoint, {} users, {} cores",
            o.connections,
            o.seconds,
            o.seed_users,
            std::thread::available_parallelism().map_or(0, std::num::NonZero::get)
        );
        for path in ["/v1/admin/permissions", "/v1/admin/users?limit=100"] {
            // Warm up the connections.
            let warm = Options {
                seconds: 1,
                ..Options {
                    connections: o.connections,
                    seconds: 1,
                    seed_users: 0,
                }
            };
            drive(&sim.uri(), &token, path, &warm).await;
            let (ok, failed, secs) = drive(&sim.uri(), &token, path, &o).await;
            println!(
                "GET {path:<32} {:>9.0} requests/s ({ok} ok, {failed} failed in {secs:.1} s)",
                ok as f64 / secs
            );
        }
    });
}
