//! `vsync export`: the live tenant in the input format, for migrations and backups.

use anyhow::Context as _;

use crate::cli::ExportArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::output::{Finished, RunSummary};
use crate::pipeline;

/// Writes the tenant to `--out` (`.xlsx`, or a folder of CSV files).
pub async fn run(ctx: &Context, args: &ExportArgs) -> anyhow::Result<Finished> {
    let project = args
        .project
        .as_deref()
        .map(crate::settings::ProjectMode::parse)
        .transpose()
        .map_err(|e| crate::exit::Failure::new(Exit::Usage, e))?;
    if matches!(project, Some(crate::settings::ProjectMode::Auto)) {
        return Err(crate::exit::Failure::new(
            Exit::Usage,
            anyhow::anyhow!(
                "export reads production (`none`) or a draft project's UUID, not `auto`"
            ),
        )
        .into());
    }
    let target = ctx
        .layers()
        .connection(&args.target)
        .target(&crate::settings::Project::reading(project))?;
    let client = target.signed_in_client(true).await?;
    let live = pipeline::fetch(ctx, &client, &target, vsync_model::ReadScope::ALL).await?;
    let desired = vsync_engine::desired_from_live(&live);
    let out = &args.out;
    let is_xlsx = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("failed to create {}", dir.display()))?;
        }
        vsync_report::write_atomic(out, |w| {
            vsync_reader::write_xlsx(&desired, w).map_err(std::io::Error::other)
        })
        .with_context(|| format!("failed to write {}", out.display()))?;
    } else {
        std::fs::create_dir_all(out)
            .with_context(|| format!("failed to create {}", out.display()))?;
        vsync_reader::write_csv_dir(&desired, out)
            .with_context(|| format!("failed to write {}", out.display()))?;
    }
    let calls = client.metrics().total_calls();
    ctx.say(&format!(
        "exported {} users and {} groups to {} ({calls} API calls)",
        desired.users.len(),
        desired.groups.len(),
        out.display(),
    ));
    let summary = RunSummary {
        users: Some(desired.users.len()),
        groups: Some(desired.groups.len()),
        calls: Some(calls),
        files: vec![out.clone()],
        ..RunSummary::new("export")
    };
    Ok(Finished::new(Exit::Ok, summary))
}
