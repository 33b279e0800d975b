//! `vsync plan`: the dry-run diff preview. Sends no mutating request: the client is read-only.

use vsync_engine::GuardKind;
use vsync_report::RunMode;

use crate::cli::PlanArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::output::Finished;
use crate::pipeline::{self, PreparedRun};

/// Reads the input, fetches the tenant, plans, writes the plan and the reports.
pub async fn run(ctx: &Context, args: &PlanArgs) -> anyhow::Result<Finished> {
    let prepared = PreparedRun::start(ctx, args.into(), ("plan", RunMode::DryRun)).await?;
    let (live, read) = prepared.fetch(ctx, &prepared.client).await?;
    let plan = prepared.plan(&live, read, "plan-report")?;

    let run = crate::commands::run_dir(&prepared.report, "plan")?;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| run.path.join("plan.json"));
    let file = prepared.plan_file(plan);
    file.save(&out)?;

    let exit = if file.plan.blocked() {
        Exit::GuardTripped
    } else if args.detailed_exitcode && !file.plan.is_empty() {
        Exit::ChangesPending
    } else {
        Exit::Ok
    };
    let record = prepared.record(read).with_exit(exit);
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
