//! `vsync export`: the live tenant in the input format, for migrations and backups. The
//! workbook, or the folder of CSV files, is replaced atomically: a failed or killed export
//! leaves the previous one whole.

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
    let written = if is_xlsx {
        if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("failed to create {}", dir.display()))?;
        }
        vsync_reader::write_xlsx_file(&desired, out)
    } else {
        // The folder is replaced whole: a failure part-way leaves the last export's files.
        vsync_reader::write_csv_dir(&desired, out).map(drop)
    };
    if let Err(error) = written {
        let exit = match error.kind() {
            vsync_reader::WriteErrorKind::ForeignFiles => Exit::Usage,
            _ => Exit::Error,
        };
        return Err(crate::exit::Failure::new(exit, error).into());
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
