//! `vsync plan`: the dry-run diff preview. Sends no mutating request: the client is read-only.

use std::time::Instant;

use vsync_engine::GuardKind;
use vsync_report::RunMode;

use crate::cli::PlanArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::output::Finished;
use crate::pipeline::{self, PlanFile, PlanInput, RunRecord};

/// Reads the input, fetches the tenant, plans, writes the plan and the reports.
pub async fn run(ctx: &Context, args: &PlanArgs) -> anyhow::Result<Finished> {
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
    let client = target.signed_in_client(true).await?;
    let scope = vsync_engine::read_scope(&desired);
    let live = pipeline::fetch(ctx, &client, &target, scope).await?;
    let read = pipeline::ReadCalls::after(&client, scope, &live);
    let plan_input = PlanInput::new(&input, &desired);
    let plan = pipeline::plan_or_report(
        (&desired, &live),
        &report,
        "plan-report",
        &RunRecord {
            command: "plan",
            mode: RunMode::DryRun,
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

    let run = crate::commands::run_dir(&report, "plan")?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| run.path.join("plan.json"));
    let file = PlanFile::new(target.tenant_label(), plan_input, policy, (scope, plan))
        .in_project(target.project.clone());
    file.save(&out)?;

    let exit = if file.plan.blocked() {
        Exit::GuardTripped
    } else if args.detailed_exitcode && !file.plan.is_empty() {
        Exit::ChangesPending
    } else {
        Exit::Ok
    };
    let record = RunRecord {
        command: "plan",
        mode: RunMode::DryRun,
        target: &target,
        input: &file.input,
        policy: &file.policy,
        started_at,
        started,
        client: &client,
        verification: None,
        resumes: None,
        read,
        writes_bound: None,
        applied: None,
        exit,
    };
    let mut summary = pipeline::report(
        ctx,
        &run,
        "plan-report",
        (&file.plan, &[]),
        &record,
        args.report.max_rows,
    )?;
    ctx.say(&format!("plan: {}", out.display()));
    summary.plan = Some(out);
    let source_check = file
        .plan
        .guards
        .iter()
        .any(|g| g.blocked() && matches!(g.guard, GuardKind::EmptyInput | GuardKind::RowDrop));
    if source_check {
        ctx.say("a source check tripped: the plan holds no change of any kind (see above); check the input, and `--force source-checks` if it is right");
    } else if file.plan.blocked() {
        ctx.say("a guard tripped: the plan holds nothing of the guarded classes (see above); `--force GUARD` overrides one guard");
    }
    Ok(Finished::new(exit, summary))
}
