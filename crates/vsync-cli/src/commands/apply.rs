//! `vsync apply`: applies exactly a saved plan (stale check, lock, journal, verification), or
//! continues an interrupted one with `--resume`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Context as _;
use vsync_engine::Plan;
use vsync_executor::{ExecOptions, Executor, TenantLock};
use vsync_report::RunMode;

use crate::cli::ApplyArgs;
use crate::exit::{Exit, Failure};
use crate::pipeline::{self, Context, PlanFile, RunRecord};

/// The plan and journal an apply keeps in the report folder, so `--resume` finds them.
pub fn run_files(report_dir: &Path) -> (PathBuf, PathBuf) {
    (
        report_dir.join("apply-plan.json"),
        report_dir.join("apply-journal.jsonl"),
    )
}

/// Applies the plan.
pub async fn run(ctx: &Context, args: &ApplyArgs) -> anyhow::Result<Exit> {
    let report_dir = ctx.config.report_dir(args.report.report_dir.as_deref());
    let (kept_plan, journal) = run_files(&report_dir);
    let plan_path = match (&args.plan, args.resume) {
        (Some(path), _) => path.clone(),
        (None, true) => kept_plan.clone(),
        (None, false) => anyhow::bail!("no plan: pass the plan file made by `vsync plan --out`"),
    };
    let mut file = PlanFile::load(&plan_path)?;
    let target = ctx.target(&args.target)?;
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
    let client = target.client(false)?;
    std::fs::create_dir_all(&report_dir)
        .with_context(|| format!("failed to create {}", report_dir.display()))?;
    let _lock =
        TenantLock::acquire(&report_dir, &target.tenant_label()).map_err(pipeline::exec_failure)?;
    let started = Instant::now();
    let started_at = pipeline::now_rfc3339();
    let shutdown = pipeline::shutdown_on_signal();
    let executor = Executor::new(
        client.clone(),
        ExecOptions {
            concurrency: ctx.config.concurrency(args.concurrency),
            journal: Some(journal.clone()),
            ..ExecOptions::default()
        },
    );

    let outcome = if args.resume {
        if !journal.exists() {
            anyhow::bail!("nothing to resume: no journal at {}", journal.display());
        }
        ctx.say(&format!("resuming from {}", journal.display()));
        executor
            .resume(&file.plan, &journal, shutdown)
            .await
            .map_err(pipeline::exec_failure)?
    } else {
        match vsync_executor::check_fresh(&client, &file.plan, &pipeline::fetch_options(&target))
            .await
        {
            Ok(_) => {}
            Err(error)
                if error.kind() == vsync_executor::ErrorKind::StalePlan && args.allow_stale =>
            {
                let live = pipeline::fetch(&client, &target).await?;
                let desired = pipeline::read_input(&file.input.resolved())?;
                let fresh = pipeline::make_plan(&desired, &live, &file.policy)?;
                describe_replan(ctx, &file.plan, &fresh);
                file.plan = fresh;
            }
            Err(error) => {
                return Err(Failure::new(
                    Exit::StalePlan,
                    anyhow::anyhow!("{error}: the tenant changed since the plan was made; plan again, or pass --allow-stale to re-plan and apply"),
                )
                .into());
            }
        }
        file.save(&kept_plan)?;
        executor
            .apply(&file.plan, shutdown)
            .await
            .map_err(pipeline::exec_failure)?
    };

    let verification = verify(ctx, &client, &target, &file, &outcome).await;
    let exit = pipeline::apply_exit(&file.plan, &outcome);
    let record = RunRecord {
        mode: RunMode::Apply,
        target: &target,
        input_files: file.input.files.clone(),
        input_checksum: file.input.checksum.clone(),
        started_at,
        started,
        client: &client,
        verification: verification.as_ref(),
        exit,
    };
    pipeline::report(
        ctx,
        &report_dir,
        "apply-report",
        &file.plan,
        &outcome.outcomes,
        record.facts(),
        args.report.max_rows,
    )?;
    if outcome.interrupted {
        pipeline::say_how_to_resume(&report_dir, &journal);
    }
    Ok(exit)
}

/// Re-reads the tenant and the input, and diffs them: converged or what is left. A changed
/// input file (another checksum) cannot be verified against and is said so.
pub async fn verify(
    ctx: &Context,
    client: &vsync_client::Client,
    target: &crate::settings::Target,
    file: &PlanFile,
    outcome: &vsync_executor::ApplyOutcome,
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
    match vsync_executor::verify(
        client,
        &desired,
        &file.policy,
        &pipeline::fetch_options(target),
    )
    .await
    {
        Ok(mut verification) => {
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
