//! `vsync plan`: the dry-run diff preview. Sends no mutating request: the client is read-only.

use std::time::Instant;

use vsync_report::RunMode;

use crate::cli::PlanArgs;
use crate::exit::Exit;
use crate::pipeline::{self, Context, PlanFile, PlanInput, RunRecord};

/// Reads the input, fetches the tenant, plans, writes the plan and the reports.
pub async fn run(ctx: &Context, args: &PlanArgs) -> anyhow::Result<Exit> {
    let started = Instant::now();
    let started_at = pipeline::now_rfc3339();
    let input = ctx.config.input(&args.input)?;
    let desired = pipeline::read_input(&input)?;
    let target = ctx.target(&args.target)?;
    let client = target.client(true)?;
    let policy = ctx.config.policy(
        &args.policy,
        target.signed_in_as.as_deref(),
        pipeline::now_ms(),
    )?;
    let live = pipeline::fetch(&client, &target).await?;
    let plan = pipeline::make_plan(&desired, &live, &policy)?;

    let report_dir = ctx.config.report_dir(args.report.report_dir.as_deref());
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| report_dir.join("plan.json"));
    let file = PlanFile::new(
        target.tenant_label(),
        PlanInput::new(&input, &desired),
        policy,
        plan,
    );
    file.save(&out)?;

    let exit = if file.plan.blocked() {
        Exit::GuardTripped
    } else if args.detailed_exitcode && !file.plan.is_empty() {
        Exit::ChangesPending
    } else {
        Exit::Ok
    };
    let record = RunRecord {
        mode: RunMode::DryRun,
        target: &target,
        input_files: desired.input.files.clone(),
        input_checksum: desired.input.checksum.clone(),
        started_at,
        started,
        client: &client,
        verification: None,
        exit,
    };
    pipeline::report(
        ctx,
        &report_dir,
        "plan-report",
        &file.plan,
        &[],
        record.facts(),
        args.report.max_rows,
    )?;
    ctx.say(&format!("plan: {}", out.display()));
    if file.plan.blocked() {
        ctx.say("a guard tripped: the plan holds nothing destructive (see above); `--force GUARD` overrides one guard");
    }
    Ok(exit)
}
