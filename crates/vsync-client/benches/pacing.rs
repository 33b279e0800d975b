//! How much of a rate limit the client uses: a simulated tenant enforcing
//! 100 calls a minute (on a clock running `--time-scale` times faster), and
//! work queued so the limit is the only brake. Prints, per scenario, the
//! median over `--runs` runs of calls per (scaled) minute, its ratio to the
//! limit, and the 429s seen (the target: ratio ≥ 0.95 with zero 429s).
//!
//! `cargo bench -p vsync-client --bench pacing` (options after `--`:
//! `--calls N`, `--runs N`, `--time-scale F`).

use std::time::Instant;

use futures::future::join_all;
use vsync_client::{Auth, Client, RateLimit, SecretString};
use vsync_sim::Sim;

const LIMIT: u32 = 100;

struct Options {
    calls: usize,
    runs: usize,
    time_scale: f64,
}

fn options() -> Options {
    let mut o = Options {
        calls: 300,
        runs: 3,
        time_scale: 20.0,
    };
    let args: Vec<String> = std::env::args().collect();
    for pair in args.windows(2) {
        match (pair[0].as_str(), pair[1].parse::<f64>().ok()) {
            ("--calls", Some(v)) => o.calls = v as usize,
            ("--runs", Some(v)) => o.runs = (v as usize).max(1),
            ("--time-scale", Some(v)) if v > 0.0 => o.time_scale = v,
            _ => {}
        }
    }
    o
}

async fn run(o: &Options, callers: usize) -> (f64, usize) {
    let sim = Sim::builder()
        .seed_users(10)
        .rate_limit_minute(LIMIT)
        .rate_limit_hour(LIMIT * 60)
        .time_scale(o.time_scale)
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
            time_scale: o.time_scale,
        })
        .build()
        .expect("a client");
    client.auth().login().await.expect("login");
    let per_caller = o.calls / callers;
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
    let minutes = started.elapsed().as_secs_f64() / (60.0 / o.time_scale);
    let throttled = sim
        .received_requests()
        .iter()
        .filter(|r| r.status == 429)
        .count();
    sim.shutdown().await.expect("the simulated tenant stops");
    ((per_caller * callers) as f64 / minutes, throttled)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let o = options();
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    println!(
        "limit {LIMIT} calls/minute, a minute of {:.1} s, {} calls a run, {} runs",
        60.0 / o.time_scale,
        o.calls,
        o.runs
    );
    for callers in [1, 6] {
        let mut rates = Vec::new();
        let mut throttled = 0;
        for _ in 0..o.runs {
            let (rate, t) = runtime.block_on(run(&o, callers));
            rates.push(rate);
            throttled += t;
        }
        let m = median(rates);
        println!(
            "{callers} caller(s): median {m:.1} calls/minute = {:.3} of the limit, {throttled} x 429",
            m / f64::from(LIMIT)
        );
    }
}
