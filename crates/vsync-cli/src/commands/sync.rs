//! `vsync sync`: read, plan and apply in one step, with every guard on: the nightly job.

use std::time::Instant;

use anyhow::Context as _;
use vsync_executor::{ExecOptions, Executor, TenantLock};
use vsync_report::RunMode;

use crate::cli::SyncArgs;
use crate::commands::apply::{run_files, verify};
use crate::exit::Exit;
use crate::pipeline::{self, Context, PlanFile, PlanInput, RunRecord};

/// Runs the sync.
pub async fn run(ctx: &Context, args: &SyncArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    let started_at = pipeline::now_rfc3339();
    let input = ctx.config.input(&args.input)?;
    let desired = pipeline::read_input(&input)?;
    let target = ctx.target(&args.target)?;
    let client = target.client(args.dry_run)?;
    let report_dir = ctx.config.report_dir(args.report.report_dir.as_deref());
    std::fs::create_dir_all(&report_dir)
        .with_context(|| format!("failed to create {}", report_dir.display()))?;
    let _lock = if args.dry_run {
        None
    } else {
        Some(
            TenantLock::acquire(&report_dir, &target.tenant_label())
                .map_err(pipeline::exec_failure)?,
        )
    };
    let policy = ctx.config.policy(
        &args.policy,
        target.signed_in_as.as_deref(),
        pipeline::now_ms(),
    )?;
    let live = pipeline::fetch(&client, &target).await?;
    let plan = pipeline::make_plan(&desired, &live, &policy)?;
    let file = PlanFile::new(
        target.tenant_label(),
        PlanInput::new(&input, &desired),
        policy,
        plan,
    );
    let (kept_plan, journal) = run_files(&report_dir);
    if !args.dry_run {
        file.save(&kept_plan)?;
    }

    let executor = Executor::new(
        client.clone(),
        ExecOptions {
            concurrency: ctx.config.concurrency(args.concurrency),
            dry_run: args.dry_run,
            journal: (!args.dry_run).then(|| journal.clone()),
            ..ExecOptions::default()
        },
    );
    let outcome = executor
        .apply(&file.plan, pipeline::shutdown_on_signal())
        .await
        .map_err(pipeline::exec_failure)?;
    let verification = if args.dry_run || file.plan.is_empty() {
        None
    } else {
        verify(ctx, &client, &target, &file, &outcome).await
    };
    let exit = if args.dry_run {
        if file.plan.blocked() {
            Exit::GuardTripped
        } else {
            Exit::Ok
        }
    } else {
        pipeline::apply_exit(&file.plan, &outcome)
    };
    let record = RunRecord {
        mode: if args.dry_run {
            RunMode::DryRun
        } else {
            RunMode::Sync
        },
        target: &target,
        input_files: desired.input.files.clone(),
        input_checksum: desired.input.checksum.clone(),
        started_at,
        started,
        client: &client,
        verification: verification.as_ref(),
        exit,
    };
    let stem = if args.dry_run {
        "plan-report"
    } else {
        "sync-report"
    };
    let interrupted = outcome.interrupted;
    let outcomes = if args.dry_run {
        Vec::new()
    } else {
        outcome.outcomes
    };
    pipeline::report(
        ctx,
        &report_dir,
        stem,
        &file.plan,
        &outcomes,
        record.facts(),
        args.report.max_rows,
    )?;
    if interrupted && !args.dry_run {
        pipeline::say_how_to_resume(&report_dir, &journal);
    }
    Ok(exit)
}
