//! Fixed-window rate limits per API key, per minute and per hour, with a
//! time scale so a test can run a "minute" in a second.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// The outcome of counting one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RateDecision {
    /// Whether the call may proceed.
    pub allowed: bool,
    /// The per-minute limit (0: off).
    pub limit_minute: u32,
    /// Calls left this minute.
    pub remaining_minute: u32,
    /// The per-hour limit (0: off).
    pub limit_hour: u32,
    /// Calls left this hour.
    pub remaining_hour: u32,
    /// Seconds until the exhausted window resets, when refused.
    pub retry_after_secs: u64,
}

#[derive(Debug, Clone, Copy, Default)]
struct Window {
    index: u64,
    count: u32,
}

impl Window {
    fn roll(&mut self, index: u64) {
        if self.index != index {
            self.index = index;
            self.count = 0;
        }
    }
}

/// Counters per API key.
pub(crate) struct RateLimiter {
    origin: Instant,
    minute: Duration,
    hour: Duration,
    limit_minute: u32,
    limit_hour: u32,
    keys: HashMap<String, (Window, Window)>,
}

impl RateLimiter {
    pub(crate) fn new(limit_minute: u32, limit_hour: u32, time_scale: f64) -> Self {
        let scale = if time_scale > 0.0 { time_scale } else { 1.0 };
        RateLimiter {
            origin: Instant::now(),
            minute: Duration::from_secs_f64(60.0 / scale),
            hour: Duration::from_secs_f64(3600.0 / scale),
            limit_minute,
            limit_hour,
            keys: HashMap::new(),
        }
    }

    /// Forgets every counter.
    pub(crate) fn reset(&mut self) {
        self.keys.clear();
    }

    /// Counts a call by `key` at `now`, or refuses it.
    pub(crate) fn check(&mut self, key: &str, now: Instant) -> RateDecision {
        let elapsed = now.saturating_duration_since(self.origin);
        let mi = (elapsed.as_nanos() / self.minute.as_nanos().max(1)) as u64;
        let hi = (elapsed.as_nanos() / self.hour.as_nanos().max(1)) as u64;
        let entry = match self.keys.get_mut(key) {
            Some(e) => e,
            None => self.keys.entry(key.to_owned()).or_default(),
        };
        entry.0.roll(mi);
        entry.1.roll(hi);
        let over_minute = self.limit_minute > 0 && entry.0.count >= self.limit_minute;
        let over_hour = self.limit_hour > 0 && entry.1.count >= self.limit_hour;
        let allowed = !(over_minute || over_hour);
        let mut retry_after = Duration::ZERO;
        if allowed {
            entry.0.count += 1;
            entry.1.count += 1;
        } else {
            let until = |len: Duration, index: u64| {
                let end = len.as_secs_f64() * (index + 1) as f64;
                Duration::from_secs_f64((end - elapsed.as_secs_f64()).max(0.0))
            };
            if over_minute {
                retry_after = retry_after.max(until(self.minute, mi));
            }
            if over_hour {
                retry_after = retry_after.max(until(self.hour, hi));
            }
        }
        RateDecision {
            allowed,
            limit_minute: self.limit_minute,
            remaining_minute: self.limit_minute.saturating_sub(entry.0.count),
            limit_hour: self.limit_hour,
            remaining_hour: self.limit_hour.saturating_sub(entry.1.count),
            retry_after_secs: retry_after.as_secs_f64().ceil().max(1.0) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_minute_limit_and_resets_next_window() {
        let mut rl = RateLimiter::new(3, 0, 60.0);
        let t0 = rl.origin;
        for left in [2, 1, 0] {
            let d = rl.check("k", t0);
            assert!(d.allowed);
            assert_eq!(d.remaining_minute, left);
        }
        let d = rl.check("k", t0);
        assert!(!d.allowed);
        assert_eq!(d.retry_after_secs, 1);
        // Another key has its own budget.
        assert!(rl.check("other", t0).allowed);
        // A scaled minute is one second.
        assert!(rl.check("k", t0 + Duration::from_millis(1001)).allowed);
    }

    #[test]
    fn hour_limit_applies_across_minutes() {
        let mut rl = RateLimiter::new(0, 2, 3600.0);
        let t0 = rl.origin;
        assert!(rl.check("k", t0).allowed);
        assert!(rl.check("k", t0 + Duration::from_millis(100)).allowed);
        assert!(!rl.check("k", t0 + Duration::from_millis(200)).allowed);
        assert!(rl.check("k", t0 + Duration::from_secs(1)).allowed);
    }
}
