//! How well the client spends a rate limit, against a simulated tenant
//! enforcing 100 calls a minute. Prints medians over `--runs` runs.
//!
//! 1. **Share of the limit used.** Work queued so the limit is the only
//!    brake (300 calls: whole windows), on a clock running `--time-scale`
//!    times faster; 1 and 6 callers sharing one client. Reports calls per
//!    (scaled) minute against the limit and the 429s seen. Target: ≥ 0.95 of
//!    the limit, 0 × 429.
//! 2. **Burst.** `--burst` calls (fewer than the window has left) by 6
//!    callers against a tenant answering after `--latency-ms`, on a real
//!    minute. Reports the wall time against `calls / callers × latency`,
//!    and the pacing waits. Target: no pacing wait, wall ≈ that bound.
//!
//! `cargo bench -p vsync-client --bench pacing` (options after `--`:
//! `--calls N`, `--runs N`, `--time-scale F`, `--burst N`, `--latency-ms N`).

use std::time::{Duration, Instant};

use futures::future::join_all;
use vsync_client::{Auth, Client, RateLimit, SecretString};
use vsync_sim::{Sim, SimBuilder};

const LIMIT: u32 = 100;
const BURST_CALLERS: usize = 6;

struct Options {
    calls: usize,
    runs: usize,
    time_scale: f64,
    burst: usize,
    latency: Duration,
}

fn options() -> Options {
    let mut o = Options {
        calls: 300,
        runs: 3,
        time_scale: 20.0,
        burst: 60,
        latency: Duration::from_millis(50),
    };
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        match (pair[0].as_str(), pair[1].parse::<f64>().ok()) {
            ("--calls", Some(v)) => o.calls = v as usize,
            ("--runs", Some(v)) => o.runs = (v as usize).max(1),
            ("--time-scale", Some(v)) if v > 0.0 => o.time_scale = v,
            ("--burst", Some(v)) => o.burst = (v as usize).min(LIMIT as usize - 1),
            ("--latency-ms", Some(v)) if v >= 0.0 => o.latency = Duration::from_secs_f64(v / 1e3),
            _ => {}
        }
    }
    o
}

async fn tenant(builder: SimBuilder, time_scale: f64) -> (Sim, Client) {
    let sim = builder
        .seed_users(10)
        .rate_limit_minute(LIMIT)
        .rate_limit_hour(LIMIT * 60)
        .time_scale(time_scale)
        .start()
        .await
        .expect("the simulated tenant starts");
    let credentials = sim.credentials();
    let client = Client::builder()
        .base_url(sim.uri())
        .api_key(SecretString::from(credentials.apikey.clone()))
        .auth(Auth::Asid {
            username: credentials.username.clone(),
            password: SecretString::from(credentials.password.clone()),
            vanity: None,
        })
        .rate_limit(RateLimit {
            per_minute: LIMIT,
            per_hour: LIMIT * 60,
            share: 1.0,
            time_scale,
        })
        .build()
        .expect("a client");
    client.auth().login().await.expect("login");
    (sim, client)
}

/// `calls` calls split over `callers` tasks sharing `client`; the wall time.
async fn spend(client: &Client, calls: usize, callers: usize) -> Duration {
    let per_caller = calls / callers;
    let started = Instant::now();
    join_all((0..callers).map(|_| {
        let client = client.clone();
        async move {
            for _ in 0..per_caller {
                client
                    .users()
                    .get_all_users()
                    .page_size(1)
                    .send()
                    .await
                    .expect("a paced call succeeds");
            }
        }
    }))
    .await;
    started.elapsed()
}

fn throttled(sim: &Sim) -> usize {
    sim.received_requests()
        .iter()
        .filter(|r| r.status == 429)
        .count()
}

/// Calls per scaled minute, and the 429s.
async fn share_run(o: &Options, callers: usize) -> (f64, usize) {
    let (sim, client) = tenant(Sim::builder(), o.time_scale).await;
    let elapsed = spend(&client, o.calls, callers).await;
    let minutes = elapsed.as_secs_f64() / (60.0 / o.time_scale);
    let refused = throttled(&sim);
    sim.shutdown().await.expect("the simulated tenant stops");
    ((o.calls / callers * callers) as f64 / minutes, refused)
}

/// Wall time of the burst, pacing waits, and the 429s.
async fn burst_run(o: &Options) -> (Duration, u64, usize) {
    let (sim, client) = tenant(Sim::builder().latency(o.latency), 1.0).await;
    let elapsed = spend(&client, o.burst, BURST_CALLERS).await;
    let waits = client.metrics().rate_limit_waits;
    let refused = throttled(&sim);
    sim.shutdown().await.expect("the simulated tenant stops");
    (elapsed, waits, refused)
}

fn median<T: Copy + PartialOrd>(mut v: Vec<T>) -> T {
    v.sort_by(|a, b| a.partial_cmp(b).expect("comparable"));
    v[v.len() / 2]
}

fn main() {
    let o = options();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    println!(
        "share of the limit: {LIMIT} calls/minute, a minute of {:.1} s, {} calls a run, {} runs",
        60.0 / o.time_scale,
        o.calls,
        o.runs
    );
    for callers in [1, 6] {
        let mut rates = Vec::new();
        let mut refused = 0;
        for _ in 0..o.runs {
            let (rate, t) = runtime.block_on(share_run(&o, callers));
            rates.push(rate);
            refused += t;
        }
        let m = median(rates);
        println!(
            "  {callers} caller(s): median {m:.1} calls/minute = {:.3} of the limit, {refused} x 429",
            m / f64::from(LIMIT)
        );
    }
    let bound = o.latency.mul_f64((o.burst / BURST_CALLERS) as f64);
    println!(
        "burst: {} calls by {BURST_CALLERS} callers, {} ms latency, a real minute, {} runs",
        o.burst,
        o.latency.as_millis(),
        o.runs
    );
    let mut walls = Vec::new();
    let mut waits = 0;
    let mut refused = 0;
    for _ in 0..o.runs {
        let (wall, w, t) = runtime.block_on(burst_run(&o));
        walls.push(wall);
        waits += w;
        refused += t;
    }
    let wall = median(walls);
    println!(
        "  median wall {:.3} s = {:.2} x calls / callers x latency ({:.3} s), {waits} pacing waits, {refused} x 429",
        wall.as_secs_f64(),
        wall.as_secs_f64() / bound.as_secs_f64(),
        bound.as_secs_f64()
    );
}
