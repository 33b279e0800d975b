//! One module per subcommand, and what the run commands share.

pub mod apply;
pub mod audit;
pub mod bench;
pub mod config;
pub mod demo;
pub mod export;
pub mod plan;
pub mod project;
pub mod sync;
pub mod validate;

use crate::runs::{Retention, RunDir};
use crate::settings::ReportSettings;

/// The run's own folder in the report folder (or the folder itself, for the demo's steps).
pub fn run_dir(report: &ReportSettings, command: &str) -> anyhow::Result<RunDir> {
    if report.in_place {
        return RunDir::in_place(&report.dir.value);
    }
    RunDir::create(
        &report.dir.value,
        command,
        time::OffsetDateTime::now_utc(),
        Retention {
            runs: report.keep_runs.value,
            days: report.keep_days.value,
        },
    )
}

/// Takes the tenant's lock for `command`: keyed by the canonical tenant, in the per-user state
/// folder.
pub async fn lock(
    report: &ReportSettings,
    target: &crate::settings::Target,
    command: &str,
) -> anyhow::Result<vsync_executor::TenantLock> {
    let dir = report.lock_dir()?;
    let key = target.canonical_tenant().await?;
    let holder = format!("vsync {command} on {}", target.tenant_label());
    vsync_executor::TenantLock::acquire(&dir, &key, &holder)
        .map_err(|e| crate::pipeline::exec_failure(e).into())
}

/// How an apply shows its progress: log lines (JSON ones in JSON mode), or bars on a terminal.
pub fn progress(ctx: &crate::context::Context) -> vsync_executor::ProgressMode {
    if ctx.out.is_json() {
        vsync_executor::ProgressMode::Log
    } else {
        vsync_executor::ProgressMode::Auto
    }
}
