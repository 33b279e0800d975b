//! Declarative call expectations, checked when the simulator is dropped (as
//! wiremock's mocks are): `sim.expect(Operation::AddUsers).times(3)`.
//!
//! An expectation counts the requests for its operation that arrive after
//! it is made, whatever their answer (the same requests as
//! [`Sim::call_count`]). [`Sim::verify`] checks every expectation at once;
//! dropping the [`Sim`] checks them again and panics with the expected and
//! received counts, unless the thread is already panicking (a failed
//! assertion is then the message that matters, and a second panic would
//! abort the test binary).

use std::fmt;

use vsync_api::paths::Operation;

use crate::app::lock;
use crate::sim::Sim;

/// How many calls an expectation allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Times {
    /// The least; `None` means "at least once" unless a maximum is set.
    min: Option<usize>,
    max: Option<usize>,
}

impl Times {
    fn min(self) -> usize {
        // "At least once" by default; a maximum alone sets no minimum.
        self.min.unwrap_or(usize::from(self.max.is_none()))
    }

    fn allows(self, n: usize) -> bool {
        n >= self.min() && self.max.is_none_or(|max| n <= max)
    }
}

impl fmt::Display for Times {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let calls = |n: usize| if n == 1 { "call" } else { "calls" };
        match (self.min(), self.max) {
            (0, Some(0)) => f.write_str("no calls"),
            (min, Some(max)) if min == max => write!(f, "exactly {min} {}", calls(min)),
            (0, Some(max)) => write!(f, "at most {max} {}", calls(max)),
            (min, Some(max)) => write!(f, "between {min} and {max} calls"),
            (min, None) => write!(f, "at least {min} {}", calls(min)),
        }
    }
}

/// One registered expectation.
#[derive(Debug, Clone)]
pub(crate) struct Expected {
    op: Operation,
    /// The operation's call count when the expectation was made.
    baseline: usize,
    times: Times,
}

/// The expectations of one simulator.
#[derive(Debug, Default)]
pub(crate) struct Expectations {
    list: Vec<Expected>,
}

impl Expectations {
    pub(crate) fn push(&mut self, op: Operation, baseline: usize) -> usize {
        self.list.push(Expected {
            op,
            baseline,
            times: Times {
                min: None,
                max: None,
            },
        });
        self.list.len() - 1
    }

    /// Call counts restart from zero, so do the baselines.
    pub(crate) fn reset_baselines(&mut self) {
        for e in &mut self.list {
            e.baseline = 0;
        }
    }

    /// One line per expectation that `count` does not meet.
    pub(crate) fn unmet(&self, count: impl Fn(Operation) -> usize) -> Vec<String> {
        self.list
            .iter()
            .filter_map(|e| {
                let received = count(e.op).saturating_sub(e.baseline);
                (!e.times.allows(received)).then(|| {
                    format!(
                        "{} ({}): expected {}, received {received}",
                        e.op,
                        e.op.operation_id(),
                        e.times
                    )
                })
            })
            .collect()
    }
}

/// An expectation being set up; made by [`Sim::expect`].
///
/// On its own it asks for at least one call; each method narrows it, and
/// [`at_least`](Self::at_least) and [`at_most`](Self::at_most) combine.
#[derive(Debug)]
pub struct Expectation<'a> {
    sim: &'a Sim,
    index: usize,
}

impl<'a> Expectation<'a> {
    pub(crate) fn new(sim: &'a Sim, index: usize) -> Self {
        Expectation { sim, index }
    }

    fn set(self, f: impl FnOnce(&mut Times)) -> Self {
        f(&mut lock(self.sim.expectations()).list[self.index].times);
        self
    }

    /// Exactly `n` calls.
    pub fn times(self, n: usize) -> Self {
        self.set(|t| {
            t.min = Some(n);
            t.max = Some(n);
        })
    }

    /// At least `n` calls.
    pub fn at_least(self, n: usize) -> Self {
        self.set(|t| t.min = Some(n))
    }

    /// At most `n` calls (and no minimum unless [`at_least`](Self::at_least)
    /// sets one).
    pub fn at_most(self, n: usize) -> Self {
        self.set(|t| t.max = Some(n))
    }

    /// No call at all.
    pub fn never(self) -> Self {
        self.times(0)
    }
}

/// The panic message for unmet expectations.
pub(crate) fn failure_message(unmet: &[String]) -> String {
    let mut out = format!(
        "vsync-sim: {} call expectation{} not met:",
        unmet.len(),
        if unmet.len() == 1 { " was" } else { "s were" }
    );
    for line in unmet {
        out.push_str("\n  ");
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn times(min: Option<usize>, max: Option<usize>) -> Times {
        Times { min, max }
    }

    #[test]
    fn ranges_and_their_wording() {
        assert!(times(None, None).allows(1) && !times(None, None).allows(0));
        assert_eq!(times(None, None).to_string(), "at least 1 call");
        assert_eq!(times(Some(3), Some(3)).to_string(), "exactly 3 calls");
        assert_eq!(times(Some(0), Some(0)).to_string(), "no calls");
        assert!(
            times(None, Some(2)).allows(0),
            "at_most alone has no minimum"
        );
        assert_eq!(times(None, Some(2)).to_string(), "at most 2 calls");
        assert_eq!(times(Some(1), Some(4)).to_string(), "between 1 and 4 calls");
        assert!(!times(Some(1), Some(4)).allows(5));
    }

    #[test]
    fn unmet_lines_name_the_operation_and_both_counts() {
        let mut e = Expectations::default();
        let i = e.push(Operation::AddUsers, 2);
        e.list[i].times = times(Some(3), Some(3));
        e.push(Operation::ListUsers, 0);
        let unmet = e.unmet(|op| if op == Operation::AddUsers { 4 } else { 5 });
        assert_eq!(
            unmet,
            ["POST /v2/admin/users (UsersV2_AddUsers): expected exactly 3 calls, received 2"]
        );
        assert!(failure_message(&unmet).contains("1 call expectation was not met"));
    }
}
