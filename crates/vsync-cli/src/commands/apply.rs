//! `vsync apply`: applies exactly a saved plan (stale check, lock, journal, verification), or
//! continues an interrupted one with `--resume`.

use anyhow::Context as _;
use vsync_engine::Plan;
use vsync_executor::{ExecOptions, Executor};
use vsync_report::RunMode;

use crate::cli::ApplyArgs;
use crate::context::Context;
use crate::exit::{Exit, Failure};
use crate::output::Finished;
use crate::pipeline::{self, PlanFile, RunRecord, RunStart};
use crate::settings::{ProjectMode, Setting, Source};

/// Applies the plan.
pub async fn run(ctx: &Context, args: &ApplyArgs) -> anyhow::Result<Finished> {
    let layers = ctx.layers();
    let report = layers.report(&args.report);
    let report_dir = &report.dir.value;
    // The run a resume continues: the newest with a journal and its kept plan.
    let resumed = if args.resume {
        Some(crate::runs::resumable(report_dir).with_context(|| {
            format!(
                "nothing to resume: no run in {} has an apply journal",
                report_dir.display()
            )
        })?)
    } else {
        None
    };
    let plan_path = match (&args.plan, &resumed) {
        (Some(path), _) => path.clone(),
        (None, Some(run)) => run.kept_plan(),
        (None, None) => anyhow::bail!("no plan: pass the plan file made by `vsync plan --out`"),
    };
    let mut file = PlanFile::load(&plan_path)?;
    // The plan says where its versioned changes go; `--project` (or its variable) overrides it.
    let mut project = layers.project(&args.project)?;
    if matches!(project.project.source, Source::Default | Source::File(_)) {
        project.project = Setting::new(file.project.clone(), Source::File(plan_path.clone()));
    }
    let target = layers.connection(&args.target).target(&project)?;
    if file.tenant != target.tenant_label() {
        return Err(Failure::new(
            Exit::StalePlan,
            anyhow::anyhow!(
                "the plan was made for {}, not for {}",
                file.tenant,
                target.tenant_label()
            ),
        )
        .into());
    }
    let client = target.signed_in_client(false).await?;
    let _lock = crate::commands::lock(&report, &target, "apply").await?;
    let run = crate::commands::run_dir(&report, "apply")?;
    let journal = resumed
        .as_ref()
        .map_or_else(|| run.journal(), crate::runs::RunDir::journal);
    let started = RunStart::now();
    let shutdown = vsync_executor::cancel_on_signals();
    let executor = Executor::new(
        client.clone(),
        ExecOptions {
            concurrency: layers.concurrency(args.concurrency).value,
            journal: Some(journal.clone()),
            progress: crate::commands::progress(ctx),
            project: pipeline::project_choice(
                &target,
                &target.project,
                "apply",
                (&started.at, &file.input.checksum),
                None,
            ),
            publish_partial: target.publish_partial,
            count_versions: target.project == ProjectMode::None,
            ..ExecOptions::default()
        },
    );

    let mode = layers.verify(args.verify).value.mode();
    let mut read = pipeline::ReadCalls::default();
    let mut writes_bound = None;
    let mut outcome = if args.resume {
        ctx.say(&format!("resuming from {}", journal.display()));
        // What the journal already settles is not sent again: the bound is of the rest.
        if let Ok(state) = vsync_executor::JournalState::load(&journal) {
            writes_bound = Some(pipeline::remaining_bound(&file.plan, |id| {
                state.outcomes.get(&id).is_some_and(|o| o.status.is_final())
            }));
        }
        executor
            .resume(&file.plan, &journal, shutdown)
            .await
            .map_err(pipeline::exec_failure)?
    } else {
        let fresh_opts = pipeline::fetch_options(&target, file.read_scope)
            .with_progress(crate::commands::progress(ctx));
        match vsync_executor::check_fresh(&client, &file.plan, &fresh_opts).await {
            Ok(live) => read = pipeline::ReadCalls::after(&client, file.read_scope, &live),
            Err(error)
                if error.kind() == vsync_executor::ErrorKind::StalePlan && args.allow_stale =>
            {
                let desired = pipeline::read_input(&file.input.resolved())?;
                let scope = vsync_engine::read_scope(&desired);
                let live = pipeline::fetch(ctx, &client, &target, scope).await?;
                // Two reads: the staleness check (the plan's scope, of about this tenant)
                // and this one.
                read = pipeline::ReadCalls::after(&client, scope, &live);
                read.bound += pipeline::ReadCalls::after(&client, file.read_scope, &live).bound;
                let fresh = pipeline::make_plan(&desired, &live, &file.policy)?;
                file.read_scope = scope;
                describe_replan(ctx, &file.plan, &fresh);
                file.plan = fresh;
            }
            Err(error) if error.kind() == vsync_executor::ErrorKind::StalePlan => {
                return Err(Failure::new(
                    Exit::StalePlan,
                    anyhow::anyhow!("{error}: the tenant changed since the plan was made; plan again, or pass --allow-stale to re-plan and apply"),
                )
                .into());
            }
            Err(error) => return Err(pipeline::exec_failure(error).into()),
        }
        file.save(&run.kept_plan())?;
        executor
            .apply(&file.plan, shutdown)
            .await
            .map_err(pipeline::exec_failure)?
    };

    let checked = pipeline::verify_client(&client, &outcome);
    let verification = verify(ctx, &checked, (&target, mode), &file, &mut outcome).await;
    let exit = pipeline::apply_exit(&file.plan, &outcome);
    let record = RunRecord::new(
        "apply",
        RunMode::Apply,
        &started,
        (&target, &client),
        (&file.input, &file.policy),
    )
    .with_read(read)
    .with_verification(verification.as_ref())
    .with_resumes(resumed.as_ref().map(|r| r.path.clone()))
    .with_writes_bound(writes_bound)
    .with_applied(Some(&outcome))
    .with_exit(exit);
    let mut summary = pipeline::report(
        ctx,
        &run,
        "apply-report",
        (&file.plan, &outcome.outcomes),
        &record,
        args.report.max_rows,
    )?;
    summary.plan = Some(plan_path);
    if outcome.interrupted {
        pipeline::say_how_to_resume(report_dir, &journal);
    }
    Ok(Finished::new(exit, summary))
}

/// Checks the apply the way `mode` says (from the answers, re-reading only what they left
/// unknown; or a full re-read and diff), and records the unknown changes the re-read shows
/// made as applied. A changed input file (another checksum) cannot be verified against and
/// is said so.
pub async fn verify(
    ctx: &Context,
    client: &vsync_client::Client,
    (target, mode): (&crate::settings::Target, vsync_executor::VerifyMode),
    file: &PlanFile,
    outcome: &mut vsync_executor::ApplyOutcome,
) -> Option<vsync_executor::Verification> {
    if outcome.interrupted {
        return None;
    }
    let desired = match pipeline::read_input(&file.input.resolved()) {
        Ok(desired) if desired.input.checksum == file.input.checksum => desired,
        _ => {
            ctx.say("not verified: the input file changed or is gone since the plan was made");
            return None;
        }
    };
    match vsync_executor::verify_applied(
        client,
        (&desired, &file.policy),
        &pipeline::fetch_options(target, file.read_scope),
        mode,
        (&file.plan, &outcome.outcomes),
    )
    .await
    {
        Ok(mut verification) => {
            verification.settle(&mut outcome.outcomes);
            verification.explain(&file.plan, &outcome.outcomes);
            Some(verification)
        }
        Err(error) => {
            tracing::warn!("could not verify the apply: {error}");
            None
        }
    }
}

fn describe_replan(ctx: &Context, old: &Plan, new: &Plan) {
    ctx.say(&format!(
        "the tenant changed since the plan was made: re-planned ({} changes in {} calls, was {} in {})",
        new.changes.len(),
        new.call_count(),
        old.changes.len(),
        old.call_count()
    ));
    let before: std::collections::BTreeSet<String> =
        old.changes.iter().map(vsync_executor::describe).collect();
    let after: std::collections::BTreeSet<String> =
        new.changes.iter().map(vsync_executor::describe).collect();
    for gone in before.difference(&after).take(20) {
        ctx.say(&format!("  - {gone}"));
    }
    for added in after.difference(&before).take(20) {
        ctx.say(&format!("  + {added}"));
    }
}
