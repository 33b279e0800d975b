//! `vsync sync`: read, plan and apply in one step, with every guard on: the nightly job.

use vsync_executor::{ExecOptions, Executor};
use vsync_report::RunMode;

use crate::cli::SyncArgs;
use crate::commands::apply::verify;
use crate::context::Context;
use crate::exit::Exit;
use crate::output::Finished;
use crate::pipeline::{self, PreparedRun};
use crate::settings::ProjectMode;

/// Runs the sync.
pub async fn run(ctx: &Context, args: &SyncArgs) -> anyhow::Result<Finished> {
    let run_mode = if args.dry_run {
        RunMode::DryRun
    } else {
        RunMode::Sync
    };
    let prepared = PreparedRun::start(ctx, args.into(), ("sync", run_mode)).await?;
    let (target, client, report) = (&prepared.target, &prepared.client, &prepared.report);
    let _lock = if args.dry_run {
        None
    } else {
        Some(crate::commands::lock(report, target, "sync").await?)
    };
    // A draft the last run left unpublished (a partial failure, a crash) is continued: the
    // plan is made against it, so only what it lacks is planned, and it is published once.
    let continue_in = if !args.dry_run && target.project == ProjectMode::Auto {
        pipeline::earlier_draft(&report.dir.value, target, client).await
    } else {
        None
    };
    let reads = client.in_project(
        continue_in
            .as_ref()
            .or(target.project.id())
            .map(vsync_model::ProjectId::as_str),
    );
    let (live, read) = prepared.fetch(ctx, &reads).await?;
    let stem = if args.dry_run {
        "plan-report"
    } else {
        "sync-report"
    };
    let plan = prepared.plan(&live, read, stem)?;
    let file = prepared.plan_file(plan);
    let run = crate::commands::run_dir(report, "sync")?;
    if !args.dry_run {
        file.save(&run.kept_plan())?;
    }

    let executor = Executor::new(
        client.clone(),
        ExecOptions {
            concurrency: ctx.layers().concurrency(args.concurrency).value,
            dry_run: args.dry_run,
            journal: (!args.dry_run).then(|| run.journal()),
            progress: crate::commands::progress(ctx),
            project: pipeline::project_choice(
                target,
                &target.project,
                "sync",
                (&prepared.started.at, &file.input.checksum),
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
        let checked = pipeline::verify_client(client, &outcome);
        let mode = ctx.layers().verify(args.verify).value.mode();
        verify(ctx, &checked, (target, mode), &file, &mut outcome).await
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
    let record = prepared
        .record(read)
        .with_verification(verification.as_ref())
        .with_applied((!args.dry_run).then_some(&outcome))
        .with_exit(exit);
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
