//! Pacing: a local quota, corrected by what the server says is left.
//!
//! Two layers decide when the next request may leave:
//!
//! 1. **Local quota** (governor, GCRA). With `n = per_minute × share`
//!    calls per minute the quota allows a burst of `b = max(1, n / 50)` and
//!    then one call every `minute / max(1, n − b)`. In any window of one
//!    minute that is at most `b + (n − b − 1) < n` calls, so a server
//!    counting fixed or sliding minutes never sees more than its limit from
//!    this client, and a long run still uses 98 % of it (98 calls a minute
//!    for the default 100). The same holds per hour. Periods follow
//!    [`RateLimit::time_scale`] so a simulated tenant's short "minute" is
//!    paced too.
//! 2. **Server view.** After every response the client reads
//!    `X-RateLimit-Remaining-Minute` / `-Hour`. The start of the server's
//!    current window is bounded from above by the time the first answer of
//!    that window arrived (a window is new when "remaining" goes up between
//!    two requests sent one after the other), so its end is estimated
//!    safely. When fewer calls remain than there are requests still in
//!    flight, nothing is sent until that estimated end (or the
//!    `Retry-After` of a 429, when longer); when few remain for the time
//!    left (other integrations are using the key), calls are spread evenly
//!    over the rest of the window instead of spent at once.
//!
//! All state sits behind one mutex and atomics, so any number of tasks may
//! share a client.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use http::HeaderMap;
use tokio::time::Instant;
use vsync_api::headers;

use crate::RateLimit;
use crate::retry::parse_retry_after;

/// Burst and interval of a local quota of `n` calls per `period`.
pub(crate) fn local_quota(n: u32, period: Duration) -> (u32, Duration) {
    let n = n.max(1);
    let burst = (n / 50).max(1);
    let sustained = n.saturating_sub(burst).max(1);
    (burst, period / sustained)
}

fn limiter(n: u32, period: Duration) -> DefaultDirectRateLimiter {
    let (burst, interval) = local_quota(n, period);
    let interval = interval.max(Duration::from_nanos(1));
    let quota = Quota::with_period(interval)
        .expect("interval is positive")
        .allow_burst(NonZeroU32::new(burst).expect("burst is at least 1"));
    RateLimiter::direct(quota)
}

#[derive(Debug, Default, Clone, Copy)]
struct Window {
    remaining: Option<u32>,
    /// An upper bound of when the server's current window started.
    anchor: Option<Instant>,
}

#[derive(Debug)]
struct View {
    /// Nothing is sent before this.
    gate: Option<Instant>,
    /// Minimum spacing between sends until `spacing_until`.
    spacing: Duration,
    spacing_until: Option<Instant>,
    last_send: Option<Instant>,
    /// The sequence number of the request whose answer `minute`/`hour` reflect.
    last_seq: u64,
    minute: Window,
    hour: Window,
}

/// The pacing state shared by every request of one client.
pub(crate) struct Pacer {
    minute_limiter: DefaultDirectRateLimiter,
    hour_limiter: DefaultDirectRateLimiter,
    minute: Duration,
    hour: Duration,
    local_interval: Duration,
    view: Mutex<View>,
    in_flight: AtomicU32,
    seq: AtomicU64,
}

/// A permit to send one request; dropping it marks the request finished.
pub(crate) struct Ticket<'a> {
    pacer: &'a Pacer,
    pub(crate) seq: u64,
    /// How long the caller waited for this permit.
    pub(crate) waited: Duration,
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        self.pacer.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("minute", &self.minute)
            .field("local_interval", &self.local_interval)
            .field("in_flight", &self.in_flight.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Pacer {
    pub(crate) fn new(limit: &RateLimit) -> Self {
        let minute = limit.minute();
        let hour = limit.hour();
        let per_minute = ((f64::from(limit.per_minute) * limit.share).floor() as u32).max(1);
        let per_hour = ((f64::from(limit.per_hour) * limit.share).floor() as u32).max(1);
        let (_, local_interval) = local_quota(per_minute, minute);
        Self {
            minute_limiter: limiter(per_minute, minute),
            hour_limiter: limiter(per_hour, hour),
            minute,
            hour,
            local_interval,
            view: Mutex::new(View {
                gate: None,
                spacing: Duration::ZERO,
                spacing_until: None,
                last_send: None,
                last_seq: 0,
                minute: Window::default(),
                hour: Window::default(),
            }),
            in_flight: AtomicU32::new(0),
            seq: AtomicU64::new(0),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, View> {
        self.view
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until a request may be sent and reserves its place.
    pub(crate) async fn acquire(&self) -> Ticket<'_> {
        let started = Instant::now();
        self.minute_limiter.until_ready().await;
        self.hour_limiter.until_ready().await;
        loop {
            let earliest = {
                let mut view = self.lock();
                let now = Instant::now();
                let mut earliest = view.gate.filter(|g| *g > now);
                if let (Some(last), Some(until)) = (view.last_send, view.spacing_until)
                    && now < until
                    && !view.spacing.is_zero()
                {
                    let next = last + view.spacing;
                    if next > now {
                        earliest = Some(earliest.map_or(next, |e| e.max(next)));
                    }
                }
                if let Some(at) = earliest {
                    at
                } else {
                    view.last_send = Some(now);
                    self.in_flight.fetch_add(1, Ordering::AcqRel);
                    let seq = self.seq.fetch_add(1, Ordering::AcqRel) + 1;
                    return Ticket {
                        pacer: self,
                        seq,
                        waited: now.saturating_duration_since(started),
                    };
                }
            };
            tokio::time::sleep_until(earliest).await;
        }
    }

    /// Learns from the rate-limit headers of the answer to `ticket`.
    pub(crate) fn observe(&self, ticket: &Ticket<'_>, headers: &HeaderMap, throttled: bool) {
        let received = Instant::now();
        let number = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u32>().ok())
        };
        let remaining_minute = number(headers::RATE_LIMIT_REMAINING_MINUTE);
        let remaining_hour = number(headers::RATE_LIMIT_REMAINING_HOUR);
        let retry_after = headers
            .get(headers::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after);
        // Requests still out, besides this one.
        let others = self.in_flight.load(Ordering::Acquire).saturating_sub(1);

        let mut guard = self.lock();
        let view = &mut *guard;
        if throttled && let Some(after) = retry_after {
            let until = received + after;
            view.gate = Some(view.gate.map_or(until, |g| g.max(until)));
        }
        if ticket.seq <= view.last_seq {
            // An older request's answer: newer information is already in.
            if throttled && retry_after.is_none() {
                let reset = reset_estimate(&view.minute, self.minute, received);
                view.gate = Some(view.gate.map_or(reset, |g| g.max(reset)));
            }
            return;
        }
        view.last_seq = ticket.seq;
        let mut gate = None;
        let mut spacing = Duration::ZERO;
        let mut spacing_until = None;
        for (window, period, remaining) in [
            (&mut view.minute, self.minute, remaining_minute),
            (&mut view.hour, self.hour, remaining_hour),
        ] {
            let Some(remaining) = remaining else {
                if throttled && retry_after.is_none() && period == self.minute {
                    gate = Some(reset_estimate(window, period, received));
                }
                continue;
            };
            let reset_seen = window.remaining.is_some_and(|before| remaining > before);
            let expired = window.anchor.is_none_or(|a| a + period <= received);
            if reset_seen || expired {
                window.anchor = Some(received);
            }
            window.remaining = Some(remaining);
            let reset = reset_estimate(window, period, received);
            let usable = remaining.saturating_sub(others);
            // A 429 without `Retry-After` waits for the minute window only: the hour window
            // holds the sender back only when the server says it is spent.
            if usable == 0 || (throttled && retry_after.is_none() && period == self.minute) {
                gate = Some(gate.map_or(reset, |g: Instant| g.max(reset)));
            } else {
                let left = reset.saturating_duration_since(received);
                let even = left / usable;
                if even > self.local_interval && even > spacing {
                    spacing = even;
                    spacing_until = Some(reset);
                }
            }
        }
        if let Some(until) = gate {
            view.gate = Some(view.gate.map_or(until, |g| g.max(until)));
        }
        view.spacing = spacing;
        view.spacing_until = spacing_until;
    }
}

fn reset_estimate(window: &Window, period: Duration, now: Instant) -> Instant {
    match window.anchor {
        Some(a) if a + period > now => a + period,
        _ => now + period,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    #[test]
    fn local_quota_never_exceeds_the_limit_in_a_window() {
        for n in [1u32, 2, 3, 10, 49, 50, 100, 6000] {
            let period = Duration::from_secs(60);
            let (burst, interval) = local_quota(n, period);
            // Calls in [0, period): the burst at 0, then one per interval.
            let steady = (period.as_secs_f64() / interval.as_secs_f64()).ceil() as u32 - 1;
            assert!(burst + steady <= n, "n={n}: {burst}+{steady}");
        }
        let (burst, interval) = local_quota(100, Duration::from_secs(60));
        assert_eq!(burst, 2);
        assert!(60.0 / interval.as_secs_f64() >= 95.0);
    }

    fn headers(remaining_minute: u32) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            headers::RATE_LIMIT_REMAINING_MINUTE,
            HeaderValue::from(remaining_minute),
        );
        h.insert(
            headers::RATE_LIMIT_REMAINING_HOUR,
            HeaderValue::from(5990u32),
        );
        h
    }

    fn pacer() -> Pacer {
        Pacer::new(&RateLimit {
            per_minute: 100,
            per_hour: 6000,
            share: 1.0,
            time_scale: 60.0, // a one-second minute
        })
    }

    /// How long from `now` nothing may be sent, by the server view alone.
    fn gate_from(pacer: &Pacer, now: Instant) -> Duration {
        pacer
            .lock()
            .gate
            .map_or(Duration::ZERO, |g| g.saturating_duration_since(now))
    }

    // These tests assert what a loaded machine cannot change: lower bounds on
    // waits, and the deadlines the pacer computes rather than how late a
    // sleeping task wakes.

    #[tokio::test]
    async fn waits_for_the_window_when_the_server_has_nothing_left() {
        let pacer = pacer();
        let first = Instant::now();
        {
            let t = pacer.acquire().await;
            pacer.observe(&t, &headers(10), false);
        }
        {
            let t = pacer.acquire().await;
            pacer.observe(&t, &headers(0), false);
        }
        // Closed until the end of the window whose first answer came after `first`.
        let gate = gate_from(&pacer, first);
        assert!(
            gate > Duration::ZERO && gate <= Duration::from_secs(1) + Duration::from_millis(50),
            "{gate:?}"
        );
        let before = Instant::now();
        let t = pacer.acquire().await;
        let waited = before.elapsed();
        assert!(waited >= gate.saturating_sub(before - first), "{waited:?}");
        drop(t);
    }

    #[tokio::test]
    async fn spreads_the_few_calls_left_over_the_window() {
        let pacer = pacer();
        {
            let t = pacer.acquire().await;
            pacer.observe(&t, &headers(4), false);
        }
        // 4 left for about a second: one every ~250 ms.
        let before = Instant::now();
        drop(pacer.acquire().await);
        drop(pacer.acquire().await);
        let waited = before.elapsed();
        assert!(waited >= Duration::from_millis(200), "{waited:?}");
    }

    #[tokio::test]
    async fn retry_after_holds_every_sender() {
        let pacer = pacer();
        let mut h = HeaderMap::new();
        h.insert(headers::RETRY_AFTER, HeaderValue::from_static("0.4"));
        {
            let t = pacer.acquire().await;
            pacer.observe(&t, &h, true);
        }
        let before = Instant::now();
        drop(pacer.acquire().await);
        assert!(before.elapsed() >= Duration::from_millis(350));
    }

    /// Regression: a 429 without `Retry-After` used to hold every sender until the hour window
    /// reset too (up to an hour on a real tenant), though the hour budget was far from spent.
    #[tokio::test]
    async fn a_429_without_retry_after_waits_for_the_minute_not_the_hour() {
        let pacer = pacer(); // a minute of one second, an hour of one minute
        let before = Instant::now();
        {
            let t = pacer.acquire().await;
            pacer.observe(&t, &headers(3), true);
        }
        let gate = gate_from(&pacer, before);
        assert!(
            gate >= Duration::from_millis(900),
            "no wait at all: {gate:?}"
        );
        assert!(
            gate <= Duration::from_secs(2),
            "waited for the hour window: {gate:?}"
        );
    }

    #[tokio::test]
    async fn plenty_left_means_no_extra_wait() {
        let pacer = pacer();
        for remaining in (80..99).rev() {
            let t = pacer.acquire().await;
            pacer.observe(&t, &headers(remaining), false);
            let view = pacer.lock();
            // Only the local quota paces these calls: no gate, and any even spread over the
            // window is no slower than the local interval.
            assert!(view.gate.is_none(), "{remaining} left: gated");
            assert!(
                view.spacing <= pacer.local_interval + Duration::from_millis(1),
                "{remaining} left: {:?}",
                view.spacing
            );
        }
    }
}
