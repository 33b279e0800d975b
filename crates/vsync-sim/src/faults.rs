//! Fault decisions: scripted faults first, then random ones drawn from a
//! seeded ChaCha RNG, so a seed reproduces a run.

use std::time::Duration;

use globset::{Glob, GlobBuilder, GlobMatcher};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use vsync_api::paths::Operation;

use crate::config::{FaultKind, Occurrence, RejectRule, ScriptedFault, SimConfig};
use crate::error::SimError;

/// Compiles a case-insensitive username glob.
pub(crate) fn compile_glob(pattern: &str) -> Result<GlobMatcher, SimError> {
    let glob: Glob = GlobBuilder::new(pattern)
        .case_insensitive(true)
        .literal_separator(false)
        .build()
        .map_err(|e| SimError::config(format!("bad username pattern {pattern:?}: {e}")))?;
    Ok(glob.compile_matcher())
}

/// Which items of a bulk call fail transiently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ItemFaults {
    /// The first item fails.
    First,
    /// Each item fails with probability one half, at least one; the value
    /// seeds the draw.
    Random(u64),
}

impl ItemFaults {
    /// One flag per item: `true` fails.
    pub(crate) fn plan(self, items: usize) -> Vec<bool> {
        let mut out = vec![false; items];
        if items == 0 {
            return out;
        }
        match self {
            ItemFaults::First => out[0] = true,
            ItemFaults::Random(seed) => {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                for f in &mut out {
                    *f = rng.random_bool(0.5);
                }
                if !out.iter().any(|f| *f) {
                    let i = rng.random_range(0..items);
                    out[i] = true;
                }
            }
        }
        out
    }
}

/// What happens to one request.
#[derive(Debug, Clone, Default)]
pub(crate) struct FaultDecision {
    /// Answer this status without running the handler.
    pub status: Option<u16>,
    /// Break the body after the headers.
    pub reset: bool,
    /// Extra delay.
    pub latency: Duration,
    /// Per-item failures in bulk answers.
    pub items: Option<ItemFaults>,
}

struct Scripted {
    fault: ScriptedFault,
    seen: usize,
}

/// Scripted faults with their counters, and the RNG of random faults.
pub(crate) struct FaultEngine {
    scripted: Vec<Scripted>,
    rng: ChaCha8Rng,
    rate: f64,
    kinds: Vec<FaultKind>,
}

impl FaultEngine {
    pub(crate) fn new(config: &SimConfig) -> Self {
        FaultEngine {
            scripted: config
                .scripted
                .iter()
                .cloned()
                .map(|fault| Scripted { fault, seen: 0 })
                .collect(),
            rng: ChaCha8Rng::seed_from_u64(config.seed.wrapping_add(0x5eed_fa17)),
            rate: config.fault_rate,
            kinds: config.fault_kinds.clone(),
        }
    }

    pub(crate) fn add(&mut self, fault: ScriptedFault) {
        self.scripted.push(Scripted { fault, seen: 0 });
    }

    /// Decides the faults of a request to `method path` (operation `op`).
    pub(crate) fn decide(
        &mut self,
        method: &str,
        path: &str,
        op: Option<Operation>,
    ) -> FaultDecision {
        let mut decision = FaultDecision::default();
        for s in &mut self.scripted {
            if !s.fault.method.as_str().eq_ignore_ascii_case(method) {
                continue;
            }
            let matches =
                s.fault.path == path || op.is_some_and(|op| op.path_template() == s.fault.path);
            if !matches {
                continue;
            }
            s.seen += 1;
            let hit = match s.fault.occurrence {
                Occurrence::Nth(n) => s.seen == n,
                Occurrence::FirstN(n) => s.seen <= n,
                Occurrence::Always => true,
            };
            if hit {
                apply(&mut decision, s.fault.kind, ItemFaults::First);
            }
        }
        if self.rate > 0.0
            && self.rng.random_bool(self.rate)
            && let Some(&kind) = self.kinds.choose(&mut self.rng)
        {
            let seed = self.rng.random();
            apply(&mut decision, kind, ItemFaults::Random(seed));
        }
        decision
    }
}

fn apply(decision: &mut FaultDecision, kind: FaultKind, items: ItemFaults) {
    match kind {
        FaultKind::Status(code) => {
            decision.status.get_or_insert(code);
        }
        FaultKind::ConnectionReset => decision.reset = true,
        FaultKind::Latency(d) => decision.latency += d,
        FaultKind::ItemFailures => {
            decision.items.get_or_insert(items);
        }
    }
}

/// Username rules that always fail creation.
pub(crate) struct Rejections {
    rules: Vec<(GlobMatcher, String)>,
}

impl Rejections {
    pub(crate) fn new(rules: &[RejectRule]) -> Result<Self, SimError> {
        let rules = rules
            .iter()
            .map(|r| Ok((compile_glob(&r.pattern)?, r.message.clone())))
            .collect::<Result<_, SimError>>()?;
        Ok(Rejections { rules })
    }

    /// The message of the first rule `username` matches.
    pub(crate) fn check(&self, username: &str) -> Option<&str> {
        self.rules
            .iter()
            .find(|(m, _)| m.is_match(username))
            .map(|(_, msg)| msg.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::Method;

    #[test]
    fn nth_scripted_fault_hits_only_that_request() {
        let config = SimConfig {
            scripted: vec![ScriptedFault::nth(
                Method::POST,
                "/v2/admin/users",
                3,
                FaultKind::Status(503),
            )],
            ..SimConfig::default()
        };
        let mut engine = FaultEngine::new(&config);
        let hits: Vec<_> = (0..5)
            .map(|_| engine.decide("POST", "/v2/admin/users", None).status)
            .collect();
        assert_eq!(hits, [None, None, Some(503), None, None]);
        assert_eq!(engine.decide("GET", "/v2/admin/users", None).status, None);
    }

    #[test]
    fn random_faults_are_reproducible_for_a_seed() {
        let config = SimConfig {
            fault_rate: 0.3,
            ..SimConfig::default()
        };
        let run = || {
            let mut engine = FaultEngine::new(&config);
            (0..200)
                .map(|_| {
                    let d = engine.decide("GET", "/v1/admin/users", None);
                    (d.status, d.reset, d.items.is_some())
                })
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        assert!(a.iter().any(|d| d.0.is_some()));
    }

    #[test]
    fn random_item_faults_fail_at_least_one_item() {
        for seed in 0..50 {
            assert!(ItemFaults::Random(seed).plan(3).iter().any(|f| *f));
        }
        assert_eq!(ItemFaults::First.plan(2), [true, false]);
    }

    #[test]
    fn username_rejections_are_case_insensitive_globs() {
        let r = Rejections::new(&[RejectRule {
            pattern: "*@blocked.example".into(),
            message: "domain not allowed".into(),
        }])
        .unwrap();
        assert_eq!(r.check("Ann@BLOCKED.example"), Some("domain not allowed"));
        assert_eq!(r.check("ann@ok.example"), None);
    }
}
