//! Integration tests of vsync-engine: scenarios, snapshots of plans, property tests.

mod diff;
mod export;
mod guards;
mod identity;
mod plan;
mod props;
mod snapshots;
mod support;
