//! Counters of what a client did, so a report can say how many calls a
//! run used (reads, writes, retries, 429s), how long it waited on the rate
//! limit, and how much of its retry budget is left.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use vsync_api::paths::Operation;

/// A snapshot of a client's counters; see [`Client::metrics`](crate::Client::metrics).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metrics {
    /// HTTP requests sent, per operation, retries and token calls included.
    pub calls: BTreeMap<Operation, u64>,
    /// Requests that were repeats of an earlier attempt (after a 401, 429,
    /// 5xx or transport failure).
    pub retries: u64,
    /// 429 answers received.
    pub throttled: u64,
    /// Time spent waiting for the pacer (a window used up, a
    /// `Retry-After`), summed over concurrent callers.
    pub rate_limit_wait: Duration,
    /// How many times a caller had to wait for the pacer.
    pub rate_limit_waits: u64,
    /// Time spent in backoff before repeating a failed request, summed over
    /// concurrent callers.
    pub retry_wait: Duration,
    /// Logins and token refreshes.
    pub logins: u64,
    /// Units of the retry budget spent, by this client and by callers
    /// charging it ([`RetryBudget`](crate::RetryBudget)).
    pub retry_budget_spent: u64,
    /// Units of the retry budget left.
    pub retry_budget_left: u64,
}

impl Metrics {
    /// Every HTTP request sent: the "API calls used" of a run.
    pub fn total_calls(&self) -> u64 {
        self.calls.values().sum()
    }

    /// Requests sent for `op`.
    pub fn calls_to(&self, op: Operation) -> u64 {
        self.calls.get(&op).copied().unwrap_or(0)
    }

    /// Reads: `GET` requests and logins.
    pub fn reads(&self) -> u64 {
        self.calls
            .iter()
            .filter(|(op, _)| !crate::retry::is_mutating(**op))
            .map(|(_, n)| n)
            .sum()
    }

    /// Writes: every request that may change the tenant.
    pub fn writes(&self) -> u64 {
        self.total_calls() - self.reads()
    }

    /// The size of the retry budget: spent and left together.
    pub fn retry_budget_size(&self) -> u64 {
        self.retry_budget_spent
            .saturating_add(self.retry_budget_left)
    }

    /// Seconds spent waiting for the pacer.
    pub fn pacing_wait_secs(&self) -> f64 {
        self.rate_limit_wait.as_secs_f64()
    }
}

/// The live counters behind [`Metrics`].
#[derive(Debug, Default)]
pub(crate) struct Recorder {
    inner: Mutex<Metrics>,
}

impl Recorder {
    fn with(&self, f: impl FnOnce(&mut Metrics)) {
        let mut guard = self
            .inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard);
    }

    pub(crate) fn call(&self, op: Operation, retry: bool) {
        self.with(|m| {
            *m.calls.entry(op).or_default() += 1;
            if retry {
                m.retries += 1;
            }
        });
    }

    pub(crate) fn throttled(&self) {
        self.with(|m| m.throttled += 1);
    }

    pub(crate) fn waited(&self, d: Duration) {
        if !d.is_zero() {
            self.with(|m| {
                m.rate_limit_wait += d;
                m.rate_limit_waits += 1;
            });
        }
    }

    pub(crate) fn backed_off(&self, d: Duration) {
        if !d.is_zero() {
            self.with(|m| m.retry_wait += d);
        }
    }

    pub(crate) fn login(&self) {
        self.with(|m| m.logins += 1);
    }

    pub(crate) fn snapshot(&self) -> Metrics {
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn reset(&self) {
        self.with(|m| *m = Metrics::default());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_calls_per_operation() {
        let r = Recorder::default();
        r.call(Operation::ListUsers, false);
        r.call(Operation::ListUsers, true);
        r.call(Operation::AddUsers, false);
        r.call(Operation::AsidToken, false);
        r.throttled();
        r.backed_off(Duration::from_millis(7));
        r.waited(Duration::from_millis(5));
        r.waited(Duration::ZERO);
        let m = r.snapshot();
        assert_eq!(m.total_calls(), 4);
        assert_eq!((m.reads(), m.writes()), (3, 1));
        assert_eq!(m.retry_wait, Duration::from_millis(7));
        assert!((m.pacing_wait_secs() - 0.005).abs() < 1e-9);
        assert_eq!(m.calls_to(Operation::ListUsers), 2);
        assert_eq!(m.calls_to(Operation::GetUser), 0);
        assert_eq!(m.retries, 1);
        assert_eq!(m.throttled, 1);
        assert_eq!(m.rate_limit_waits, 1);
        r.reset();
        assert_eq!(r.snapshot(), Metrics::default());
    }
}
