//! `vsync sync`: read, plan and apply in one step, with every guard on: the nightly job.

use std::time::Instant;

use vsync_executor::{ExecOptions, Executor};
use vsync_report::RunMode;

use crate::cli::SyncArgs;
use crate::commands::apply::verify;
use crate::context::Context;
use crate::exit::Exit;
use crate::output::Finished;
use crate::pipeline::{self, PlanFile, PlanInput, RunRecord};
use crate::settings::ProjectMode;

/// Runs the sync.
pub async fn run(ctx: &Context, args: &SyncArgs) -> anyhow::Result<Finished> {
    let started = Instant::now();
    let started_at = vsync_executor::now_rfc3339();
    let layers = ctx.layers();
    let input = layers.input(&args.input).resolved()?;
    let desired = pipeline::read_input(&input)?;
    let target = ctx.target_in(&args.target, &args.project)?;
    let report = layers.report(&args.report);
    let policy = layers
        .policy(&args.policy)
        .policy(target.signed_in_as.as_deref(), pipeline::now_ms())?;
    let client = target.signed_in_client(args.dry_run).await?;
    let _lock = if args.dry_run {
        None
    } else {
        Some(crate::commands::lock(&report, &target, "sync").await?)
    };
    // A draft the last run left unpublished (a partial failure, a crash) is continued: the
    // plan is made against it, so only what it lacks is planned, and it is published once.
    let continue_in = if !args.dry_run && target.project == ProjectMode::Auto {
        pipeline::earlier_draft(&report.dir.value, &target, &client).await
    } else {
        None
    };
    let reads = client.in_project(
        continue_in
            .as_ref()
            .or(target.project.id())
            .map(vsync_model::ProjectId::as_str),
    );
    let scope = vsync_engine::read_scope(&desired);
    let live = pipeline::fetch(ctx, &reads, &target, scope).await?;
    let read = pipeline::ReadCalls::after(&client, scope, &live);
    let plan_input = PlanInput::new(&input, &desired);
    let plan = pipeline::plan_or_report(
        (&desired, &live),
        &report,
        if args.dry_run {
            "plan-report"
        } else {
            "sync-report"
        },
        &RunRecord {
            command: "sync",
            mode: if args.dry_run {
                RunMode::DryRun
            } else {
                RunMode::Sync
            },
            target: &target,
            input: &plan_input,
            policy: &policy,
            started_at: started_at.clone(),
            started,
            client: &client,
            verification: None,
            resumes: None,
            read,
            writes_bound: None,
            applied: None,
            exit: Exit::InvalidInput,
        },
    )?;
    let file = PlanFile::new(target.tenant_label(), plan_input, policy, (scope, plan))
        .in_project(target.project.clone());
    let run = crate::commands::run_dir(&report, "sync")?;
    if !args.dry_run {
        file.save(&run.kept_plan())?;
    }

    let executor = Executor::new(
        client.clone(),
        ExecOptions {
            concurrency: layers.concurrency(args.concurrency).value,
            dry_run: args.dry_run,
            journal: (!args.dry_run).then(|| run.journal()),
            progress: crate::commands::progress(ctx),
            project: pipeline::project_choice(
                &target,
                &target.project,
                "sync",
                (&started_at, &file.input.checksum),
                continue_in,
            ),
            publish_partial: target.publish_partial,
            count_versions: target.project == ProjectMode::None,
            ..ExecOptions::default()
        },
    );
    let mut outcome = executor
        .apply(&file.plan, vsync_executor::cancel_on_signals())
        .await
        .map_err(pipeline::exec_failure)?;
    let verification = if args.dry_run || (file.plan.is_empty() && outcome.project.is_none()) {
        None
    } else {
        let checked = pipeline::verify_client(&client, &outcome);
        let mode = layers.verify(args.verify).value.mode();
        verify(ctx, &checked, (&target, mode), &file, &mut outcome).await
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
        command: "sync",
        mode: if args.dry_run {
            RunMode::DryRun
        } else {
            RunMode::Sync
        },
        target: &target,
        input: &file.input,
        policy: &file.policy,
        started_at,
        started,
        client: &client,
        verification: verification.as_ref(),
        resumes: None,
        read,
        writes_bound: None,
        applied: (!args.dry_run).then_some(&outcome),
        exit,
    };
    let stem = if args.dry_run {
        "plan-report"
    } else {
        "sync-report"
    };
    let interrupted = outcome.interrupted;
    let outcomes: &[_] = if args.dry_run { &[] } else { &outcome.outcomes };
    let summary = pipeline::report(
        ctx,
        &run,
        stem,
        (&file.plan, outcomes),
        &record,
        args.report.max_rows,
    )?;
    if interrupted && !args.dry_run {
        pipeline::say_how_to_resume(&report.dir.value, &run.journal());
    }
    Ok(Finished::new(exit, summary))
}
