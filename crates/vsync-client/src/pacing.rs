//! Pacing: spend the calls a window has left at once, wait only when it is
//! used up.
//!
//! Visier counts the calls of an API key in a minute window and an hour
//! window (100 and 6,000 calls), shared with every other integration on the
//! key, and says on every answer how many are left
//! (`X-RateLimit-Remaining-Minute`, `-Hour`) but not when a window resets.
//! Before a request leaves, the pacer checks two budgets per window and
//! sends only when both cover it:
//!
//! 1. **Own calls.** A call counts from the moment it is sent until one
//!    window length after its answer arrived; at most `cap = limit × share`
//!    calls may count at once. This is the reset estimate: *a window starts
//!    with the first call seen in it*. Whatever the server's window
//!    boundaries, a window that counted a call began no later than that
//!    call's answer, so one window length later it has ended. Applied to
//!    every call, the estimate holds for fixed and sliding windows alike,
//!    so the client's own traffic is never refused, however many tasks
//!    share it. It costs little: a call's place is free again one window
//!    after its answer, so a long run uses `cap` calls per window plus one
//!    round trip.
//! 2. **The server's view.** The fewest calls reported left in the current
//!    window, less the requests still in flight, less the reserve
//!    `limit − cap` kept for other integrations. This is what makes the
//!    client yield to other traffic on the key. The view starts with the
//!    first answer seen in a window and ends when an answer to a call sent
//!    after the lowest report shows as many calls left or more (the window
//!    has reset), or one window length after its first answer (by the
//!    estimate above, the window has then ended).
//!
//! A view that starts is the server's own count at the moment it answered,
//! and it covers every call answered before the request that brought it was
//! sent: those calls were counted before it, in this window or in one that
//! has ended. So they stop counting against the first budget, and a window
//! the server reports fresh is spent at once, however the calls of the one
//! before were spread. (Without this, the calls of each window left in the
//! pattern of the first one's answers, idle stretches included.) Answers
//! that arrived while that request was out may have been counted after it:
//! the view starts that many lower.
//!
//! Nothing else spaces calls: with a fresh window every call the budgets
//! cover leaves at once, up to the callers' own concurrency; a call waits
//! only while a budget is at zero, and wakes when an answer or the passing
//! of time frees a place. The limits are the server's
//! `X-RateLimit-Limit-*` when it sends them and the configured
//! [`RateLimit`] allows as much (the configured values are also the
//! assumption before the first answer, or when no answer carries the
//! headers: Visier's documented 100 a minute and 6,000 an hour by default).
//! Window lengths follow [`RateLimit::time_scale`], so a simulated tenant's
//! short "minute" is paced too.
//!
//! # 429
//!
//! - With `Retry-After` (seconds or an HTTP date, capped at
//!   [`MAX_RETRY_AFTER`]): nothing is sent until then, by any task; at that
//!   time the view of a window the answer reported spent ends, so the
//!   repeat leaves exactly when the server said.
//! - Without it, on a window the answer reports spent: the view holds every
//!   sender until that window's estimated reset.
//! - Without it, with calls left in both windows (or no headers at all):
//!   the refusal is not about the windows; the request alone is repeated
//!   after the retry policy's backoff.
//!
//! # Why not governor
//!
//! Earlier versions paced with a governor (GCRA) quota that spread calls
//! evenly, 0.6 s apart for 100 a minute, whatever the server said was left.
//! Visier's budget is a window count, not a rate: a fresh window allows its
//! whole budget at once, and spacing the calls of a small sync only adds
//! wait. The two budgets above are counts kept under one mutex, which is
//! all the pacer needs.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use http::{HeaderMap, StatusCode};
use tokio::sync::Notify;
use tokio::time::Instant;
use vsync_api::headers;

use crate::RateLimit;

/// The longest `Retry-After` the client waits for; a longer one is cut to
/// this, and a repeat that is refused again waits again.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// The server's `Retry-After` on an answer, capped at [`MAX_RETRY_AFTER`].
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(headers::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(crate::retry::parse_retry_after)
        .map(|d| d.min(MAX_RETRY_AFTER))
}

/// What the server reported about its windows on one answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Report {
    pub(crate) limit_minute: Option<u32>,
    pub(crate) remaining_minute: Option<u32>,
    pub(crate) limit_hour: Option<u32>,
    pub(crate) remaining_hour: Option<u32>,
    pub(crate) retry_after: Option<Duration>,
}

impl Report {
    pub(crate) fn from_headers(h: &HeaderMap) -> Self {
        let number = |name: &str| {
            h.get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u32>().ok())
        };
        Report {
            limit_minute: number(headers::RATE_LIMIT_LIMIT_MINUTE),
            remaining_minute: number(headers::RATE_LIMIT_REMAINING_MINUTE),
            limit_hour: number(headers::RATE_LIMIT_LIMIT_HOUR),
            remaining_hour: number(headers::RATE_LIMIT_REMAINING_HOUR),
            retry_after: retry_after(h),
        }
    }

    /// Whether a window is reported spent.
    fn spent(&self) -> bool {
        self.remaining_minute == Some(0) || self.remaining_hour == Some(0)
    }
}

/// What a 429 means for the request that got it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The answer was not a 429.
    None,
    /// Every sender is held until the server's `Retry-After` has passed.
    RetryAfter(Duration),
    /// A window is reported spent: every sender is held until its reset.
    WindowSpent,
    /// Calls are left in both windows, or nothing was reported: repeat
    /// after the retry policy's backoff.
    Unexplained,
}

/// The lowest remaining count reported in the current window.
#[derive(Debug, Clone, Copy)]
struct View {
    /// When the first answer of this window arrived.
    started: Instant,
    low: u32,
    /// When the answer with `low` arrived.
    low_at: Instant,
}

/// One of the two windows (minute, hour).
#[derive(Debug)]
struct Window {
    period: Duration,
    /// The configured limit: an upper bound on what the server's may raise.
    configured: u32,
    limit: u32,
    /// For each answered call, when it stops counting, oldest first.
    counted_until: VecDeque<Instant>,
    view: Option<View>,
    /// Answers to requests sent before this instant do not start a view.
    fresh_after: Option<Instant>,
    /// A `Retry-After` ends the view of this (spent) window at this instant.
    resets_at: Option<Instant>,
}

impl Window {
    fn new(period: Duration, limit: u32) -> Self {
        Window {
            period,
            configured: limit,
            limit,
            counted_until: VecDeque::new(),
            view: None,
            fresh_after: None,
            resets_at: None,
        }
    }

    fn cap(&self, share: f64) -> u32 {
        ((f64::from(self.limit) * share).floor() as u32).max(1)
    }

    /// Drops what `now` has made stale.
    fn expire(&mut self, now: Instant) {
        while self.counted_until.front().is_some_and(|t| *t <= now) {
            self.counted_until.pop_front();
        }
        if let Some(v) = self.view
            && v.started + self.period <= now
        {
            self.view = None;
            self.fresh_after = Some(v.started + self.period);
        }
        if let Some(at) = self.resets_at
            && at <= now
        {
            self.view = None;
            self.fresh_after = Some(at);
            self.resets_at = None;
        }
    }

    /// Calls this client may send now in this window.
    fn budget(&self, share: f64, in_flight: usize) -> i64 {
        let cap = i64::from(self.cap(share));
        let in_flight = i64::try_from(in_flight).unwrap_or(i64::MAX);
        let counted = i64::try_from(self.counted_until.len()).unwrap_or(i64::MAX);
        let own = cap - counted - in_flight;
        match self.view {
            Some(v) => {
                let reserve = i64::from(self.limit) - cap;
                own.min(i64::from(v.low) - reserve - in_flight)
            }
            None => own,
        }
    }

    /// When time alone may raise the budget.
    fn next_release(&self) -> Option<Instant> {
        let view_end = self.view.map(|v| v.started + self.period);
        [
            self.counted_until.front().copied(),
            view_end,
            self.resets_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Learns from an answer to a request sent at `sent`, received at `at`;
    /// `overlapping` answers arrived while it was out.
    fn answered(&mut self, answer: Answer, limit: Option<u32>, remaining: Option<u32>, share: f64) {
        let Answer {
            sent,
            at,
            overlapping,
            refused,
        } = answer;
        if let Some(limit) = limit.filter(|l| *l > 0) {
            self.limit = limit.min(self.configured);
        }
        self.counted_until.push_back(at + self.period);
        let cap = self.cap(share) as usize;
        while self.counted_until.len() > cap {
            // The newest `cap` entries decide when a place frees up.
            self.counted_until.pop_front();
        }
        let Some(remaining) = remaining else { return };
        let starts = match &mut self.view {
            Some(v) if remaining < v.low => {
                v.low = remaining;
                v.low_at = at;
                false
            }
            // Sent after the lowest report arrived and answered with as many
            // left or more: the window has reset. (A refusal is not counted,
            // so it proves nothing.)
            Some(v) => !refused && sent > v.low_at,
            None => self.fresh_after.is_none_or(|f| sent >= f),
        };
        if starts {
            self.view = Some(View {
                started: at,
                low: remaining.saturating_sub(overlapping),
                low_at: at,
            });
            // Answered before this request left: in the server's count.
            let covered = sent + self.period;
            while self.counted_until.front().is_some_and(|t| *t <= covered) {
                self.counted_until.pop_front();
            }
        }
    }

    /// A request that may have reached the server ended without an answer.
    fn lost(&mut self, at: Instant, share: f64) {
        self.counted_until.push_back(at + self.period);
        let cap = self.cap(share) as usize;
        while self.counted_until.len() > cap {
            self.counted_until.pop_front();
        }
        if let Some(v) = &mut self.view {
            v.low = v.low.saturating_sub(1);
        }
    }
}

/// One answer, as the windows learn from it.
#[derive(Debug, Clone, Copy)]
struct Answer {
    /// When its request was allowed to leave.
    sent: Instant,
    /// When it arrived.
    at: Instant,
    /// Answers that arrived while its request was out.
    overlapping: u32,
    /// A 429.
    refused: bool,
}

#[derive(Debug)]
struct State {
    share: f64,
    minute: Window,
    hour: Window,
    /// Requests sent and not yet answered, by sequence number: when each
    /// was allowed to leave.
    in_flight: BTreeMap<u64, Instant>,
    next_seq: u64,
    /// Requests answered, or ended without an answer after they may have
    /// been sent, so far.
    answers: u64,
    /// Nothing is sent before this (a `Retry-After`).
    gate: Option<Instant>,
}

impl State {
    fn expire(&mut self, now: Instant) {
        self.minute.expire(now);
        self.hour.expire(now);
        if self.gate.is_some_and(|g| g <= now) {
            self.gate = None;
        }
    }

    /// A place for one request now, or when to look again (`None`: when an
    /// answer arrives).
    fn take(&mut self, now: Instant) -> Result<u64, Option<Instant>> {
        if let Some(gate) = self.gate {
            return Err(Some(gate));
        }
        let in_flight = self.in_flight.len();
        let mut wake: Option<Instant> = None;
        let mut blocked = false;
        for window in [&self.minute, &self.hour] {
            if window.budget(self.share, in_flight) < 1 {
                blocked = true;
                if let Some(at) = window.next_release() {
                    wake = Some(wake.map_or(at, |w| w.max(at)));
                }
            }
        }
        if blocked {
            return Err(wake);
        }
        self.next_seq += 1;
        self.in_flight.insert(self.next_seq, now);
        Ok(self.next_seq)
    }
}

/// The pacing state shared by every request of one client.
#[derive(Debug)]
pub(crate) struct Pacer {
    state: Mutex<State>,
    changed: Notify,
}

/// A place for one request. Hand it back with [`Ticket::answered`] when the
/// answer's headers arrive, or [`Ticket::unused`] when the request was not
/// sent; dropping it counts the request as sent without an answer.
pub(crate) struct Ticket<'a> {
    pacer: &'a Pacer,
    seq: u64,
    sent: Instant,
    /// [`State::answers`] when it was sent.
    answers_before: u64,
    /// How long the caller waited for this place.
    pub(crate) waited: Duration,
    done: bool,
}

impl Ticket<'_> {
    /// Learns from the answer's status and headers, and frees the place.
    pub(crate) fn answered(mut self, status: StatusCode, headers: &HeaderMap) -> Refusal {
        self.done = true;
        self.pacer.answered(
            (self.seq, self.sent, self.answers_before),
            status,
            Report::from_headers(headers),
        )
    }

    /// The request was not sent: the place goes back as it was.
    pub(crate) fn unused(mut self) {
        self.done = true;
        self.pacer.release(self.seq, false);
    }
}

impl Drop for Ticket<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.pacer.release(self.seq, true);
        }
    }
}

impl Pacer {
    pub(crate) fn new(limit: &RateLimit) -> Self {
        Pacer {
            state: Mutex::new(State {
                share: limit.share,
                minute: Window::new(limit.minute(), limit.per_minute),
                hour: Window::new(limit.hour(), limit.per_hour),
                in_flight: BTreeMap::new(),
                next_seq: 0,
                answers: 0,
                gate: None,
            }),
            changed: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until both windows cover one more request and takes its place.
    pub(crate) async fn acquire(&self) -> Ticket<'_> {
        let started = Instant::now();
        let mut slept = false;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let wake = {
                let mut state = self.lock();
                let now = Instant::now();
                state.expire(now);
                match state.take(now) {
                    Ok(seq) => {
                        return Ticket {
                            pacer: self,
                            seq,
                            sent: now,
                            answers_before: state.answers,
                            waited: if slept {
                                now.saturating_duration_since(started)
                            } else {
                                Duration::ZERO
                            },
                            done: false,
                        };
                    }
                    Err(wake) => wake,
                }
            };
            slept = true;
            match wake {
                Some(at) => {
                    tokio::select! {
                        () = tokio::time::sleep_until(at) => {}
                        () = &mut changed => {}
                    }
                }
                None => changed.await,
            }
        }
    }

    fn answered(
        &self,
        (seq, sent, answers_before): (u64, Instant, u64),
        status: StatusCode,
        report: Report,
    ) -> Refusal {
        let at = Instant::now();
        let refused = status == StatusCode::TOO_MANY_REQUESTS;
        let refusal = {
            let mut state = self.lock();
            state.in_flight.remove(&seq);
            let answer = Answer {
                sent,
                at,
                overlapping: u32::try_from(state.answers - answers_before).unwrap_or(u32::MAX),
                refused,
            };
            state.answers += 1;
            let share = state.share;
            state
                .minute
                .answered(answer, report.limit_minute, report.remaining_minute, share);
            state
                .hour
                .answered(answer, report.limit_hour, report.remaining_hour, share);
            if !refused {
                Refusal::None
            } else if let Some(after) = report.retry_after {
                let until = at + after;
                state.gate = Some(state.gate.map_or(until, |g| g.max(until)));
                let nothing_reported =
                    report.remaining_minute.is_none() && report.remaining_hour.is_none();
                if report.remaining_minute == Some(0) || nothing_reported {
                    state.minute.resets_at = Some(until);
                }
                if report.remaining_hour == Some(0) {
                    state.hour.resets_at = Some(until);
                }
                Refusal::RetryAfter(after)
            } else if report.spent() {
                Refusal::WindowSpent
            } else {
                Refusal::Unexplained
            }
        };
        self.changed.notify_waiters();
        refusal
    }

    fn release(&self, seq: u64, maybe_sent: bool) {
        {
            let mut state = self.lock();
            state.in_flight.remove(&seq);
            if maybe_sent {
                state.answers += 1;
                let at = Instant::now();
                let share = state.share;
                state.minute.lost(at, share);
                state.hour.lost(at, share);
            }
        }
        self.changed.notify_waiters();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    const MINUTE: Duration = Duration::from_secs(60);

    fn new_pacer(per_minute: u32, share: f64) -> Pacer {
        Pacer::new(&RateLimit {
            per_minute,
            per_hour: per_minute * 60,
            share,
            time_scale: 1.0,
        })
    }

    fn report(limit: u32, remaining: u32) -> HeaderMap {
        let mut h = HeaderMap::new();
        let mut put = |name: &'static str, v: u32| {
            h.insert(name, HeaderValue::from(v));
        };
        put(headers::RATE_LIMIT_LIMIT_MINUTE, limit);
        put(headers::RATE_LIMIT_REMAINING_MINUTE, remaining);
        put(headers::RATE_LIMIT_LIMIT_HOUR, limit * 60);
        put(
            headers::RATE_LIMIT_REMAINING_HOUR,
            limit * 60 - (limit - remaining),
        );
        h
    }

    /// Sends `n` requests one after another, each answered with `answer(i)`,
    /// and returns how long the whole took (on the paused clock).
    async fn send(pacer: &Pacer, n: u32, answer: impl Fn(u32) -> (u16, HeaderMap)) -> Duration {
        let started = Instant::now();
        for i in 0..n {
            let ticket = pacer.acquire().await;
            let (status, headers) = answer(i);
            ticket.answered(StatusCode::from_u16(status).unwrap(), &headers);
        }
        started.elapsed()
    }

    // The clock is paused (`start_paused`), so the waits below are exact.

    #[tokio::test(start_paused = true)]
    async fn a_fresh_window_is_spent_at_once() {
        let pacer = new_pacer(100, 1.0);
        let took = send(&pacer, 100, |i| (200, report(100, 99 - i))).await;
        assert_eq!(took, Duration::ZERO);
        // The 101st waits for the first call's place: a window after its answer.
        let took = send(&pacer, 1, |_| (200, report(100, 99))).await;
        assert_eq!(took, MINUTE);
    }

    #[tokio::test(start_paused = true)]
    async fn without_headers_the_documented_limit_is_assumed() {
        let pacer = new_pacer(100, 1.0);
        assert_eq!(
            send(&pacer, 100, |_| (200, HeaderMap::new())).await,
            Duration::ZERO
        );
        assert_eq!(send(&pacer, 1, |_| (200, HeaderMap::new())).await, MINUTE);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_never_exceed_the_cap_in_flight() {
        let pacer = new_pacer(10, 1.0);
        let mut tickets = Vec::new();
        for _ in 0..10 {
            tickets.push(pacer.acquire().await);
        }
        // Ten in flight, none answered: the eleventh waits for an answer.
        let eleventh = tokio::time::timeout(Duration::from_secs(3600), pacer.acquire()).await;
        assert!(eleventh.is_err(), "sent an eleventh request");
    }

    #[tokio::test(start_paused = true)]
    async fn the_server_view_holds_back_for_other_traffic() {
        let pacer = new_pacer(100, 1.0);
        // Other integrations left 3 calls in this window.
        let took = send(&pacer, 3, |i| (200, report(100, 2 - i))).await;
        assert_eq!(took, Duration::ZERO);
        // The fourth waits for the window: its first answer plus a minute.
        let took = send(&pacer, 1, |_| (200, report(100, 99))).await;
        assert_eq!(took, MINUTE);
    }

    #[tokio::test(start_paused = true)]
    async fn a_reset_seen_in_an_answer_opens_the_window_again() {
        let pacer = new_pacer(100, 1.0);
        send(&pacer, 1, |_| (200, report(100, 1))).await;
        // Later, an answer reports the window fresh again: spend it.
        tokio::time::advance(Duration::from_secs(5)).await;
        send(&pacer, 1, |_| (200, report(100, 99))).await;
        let took = send(&pacer, 90, |i| (200, report(100, 98 - i))).await;
        assert_eq!(took, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_reported_fresh_is_spent_at_once_whatever_the_last_one_looked_like() {
        let pacer = new_pacer(100, 1.0);
        // One call, then a long idle stretch, then the other 99 of the window.
        send(&pacer, 1, |_| (200, report(100, 99))).await;
        tokio::time::advance(Duration::from_secs(40)).await;
        send(&pacer, 99, |i| (200, report(100, 98 - i))).await;
        // The first call's place frees a minute after its answer; that call finds the
        // window reset, so the rest of it leaves at once, not 40 s later.
        let took = send(&pacer, 100, |i| (200, report(100, 99 - i))).await;
        assert_eq!(took, Duration::from_secs(20));
        // ...and then the window is spent: the next call waits for its reset.
        let took = send(&pacer, 1, |_| (200, report(100, 99))).await;
        assert_eq!(took, MINUTE);
    }

    #[tokio::test(start_paused = true)]
    async fn answers_that_crossed_a_fresh_report_are_taken_off_it() {
        let pacer = new_pacer(100, 1.0);
        // Two requests leave and stay out; a third reports 40 left.
        let slow = (pacer.acquire().await, pacer.acquire().await);
        send(&pacer, 1, |_| (200, report(100, 40))).await;
        // A minute on the view has ended; the next request may leave.
        tokio::time::advance(MINUTE).await;
        let probe = pacer.acquire().await;
        // The two slow ones are answered first, from the old window (no view starts), and
        // may have been counted after the probe, which reports 50 left.
        slow.0.answered(StatusCode::OK, &report(100, 50));
        slow.1.answered(StatusCode::OK, &report(100, 50));
        probe.answered(StatusCode::OK, &report(100, 50));
        // 50 less the two that crossed it.
        let mut tickets = Vec::new();
        while let Ok(t) = tokio::time::timeout(Duration::from_secs(1), pacer.acquire()).await {
            tickets.push(t);
        }
        assert_eq!(tickets.len(), 48);
    }

    #[tokio::test(start_paused = true)]
    async fn share_keeps_the_rest_of_the_window_for_others() {
        let pacer = new_pacer(100, 0.5);
        let took = send(&pacer, 50, |i| (200, report(100, 99 - i))).await;
        assert_eq!(took, Duration::ZERO);
        let took = send(&pacer, 1, |_| (200, report(100, 99))).await;
        assert_eq!(took, MINUTE);
        // Others used 60 of a fresh window: 40 left, 50 kept for them.
        let polite = new_pacer(100, 0.5);
        send(&polite, 1, |_| (200, report(100, 40))).await;
        let t = tokio::time::timeout(Duration::from_secs(1), polite.acquire()).await;
        assert!(t.is_err(), "dipped into the share kept for others");
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_waited_exactly_by_every_sender() {
        let pacer = new_pacer(100, 1.0);
        let mut refused = report(100, 0);
        refused.insert(headers::RETRY_AFTER, HeaderValue::from_static("3"));
        let ticket = pacer.acquire().await;
        assert_eq!(
            ticket.answered(StatusCode::TOO_MANY_REQUESTS, &refused),
            Refusal::RetryAfter(Duration::from_secs(3))
        );
        let started = Instant::now();
        let (a, b) = tokio::join!(pacer.acquire(), pacer.acquire());
        assert_eq!(started.elapsed(), Duration::from_secs(3));
        assert_eq!(a.waited, Duration::from_secs(3));
        drop((a, b));
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_is_capped() {
        let pacer = new_pacer(100, 1.0);
        let mut refused = HeaderMap::new();
        refused.insert(headers::RETRY_AFTER, HeaderValue::from_static("86400"));
        let ticket = pacer.acquire().await;
        ticket.answered(StatusCode::TOO_MANY_REQUESTS, &refused);
        let started = Instant::now();
        drop(pacer.acquire().await);
        assert_eq!(started.elapsed(), MAX_RETRY_AFTER);
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_without_retry_after_waits_for_the_spent_window_only() {
        let pacer = new_pacer(100, 1.0);
        send(&pacer, 1, |_| (200, report(100, 50))).await;
        tokio::time::advance(Duration::from_secs(20)).await;
        let ticket = pacer.acquire().await;
        assert_eq!(
            ticket.answered(StatusCode::TOO_MANY_REQUESTS, &report(100, 0)),
            Refusal::WindowSpent
        );
        // Until the window's estimated reset: its first answer plus a minute.
        let started = Instant::now();
        drop(pacer.acquire().await);
        assert_eq!(started.elapsed(), Duration::from_secs(40));

        // Calls left in both windows: not the windows' doing.
        let ticket = pacer.acquire().await;
        assert_eq!(
            ticket.answered(StatusCode::TOO_MANY_REQUESTS, &report(100, 80)),
            Refusal::Unexplained
        );
        let ticket = pacer.acquire().await;
        assert_eq!(
            ticket.answered(StatusCode::TOO_MANY_REQUESTS, &HeaderMap::new()),
            Refusal::Unexplained
        );
    }

    #[tokio::test(start_paused = true)]
    async fn an_unused_place_goes_back_and_a_lost_request_counts() {
        let pacer = new_pacer(2, 1.0);
        pacer.acquire().await.unused();
        drop(pacer.acquire().await); // may have been sent
        let ticket = pacer.acquire().await;
        ticket.answered(StatusCode::OK, &HeaderMap::new());
        let started = Instant::now();
        drop(pacer.acquire().await);
        assert_eq!(started.elapsed(), MINUTE);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lower_server_limit_wins_over_the_configured_one() {
        let pacer = new_pacer(100, 1.0);
        let took = send(&pacer, 10, |i| (200, report(10, 9 - i))).await;
        assert_eq!(took, Duration::ZERO);
        let took = send(&pacer, 1, |_| (200, report(10, 9))).await;
        assert_eq!(took, MINUTE);
    }
}
