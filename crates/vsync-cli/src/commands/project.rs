//! `vsync project`: the open draft projects, and publishing or discarding one (the draft a
//! run held back after a partial failure, for instance).

use anyhow::Context as _;
use serde_json::json;
use vsync_model::ProjectId;

use crate::cli::{ProjectAction, ProjectCommandArgs};
use crate::context::Context;
use crate::exit::{Exit, Failure};
use crate::output::{Finished, RunSummary};
use crate::settings::ProjectMode;

/// Lists, publishes or discards.
pub async fn run(ctx: &Context, args: &ProjectCommandArgs) -> anyhow::Result<Finished> {
    let target = ctx.target(&args.target)?;
    let read_only = args.action == ProjectAction::List;
    let client = target.signed_in_client(read_only).await?;
    let projects = client.projects();
    let id = || -> anyhow::Result<ProjectId> {
        let given = args.id.as_deref().unwrap_or_default();
        match ProjectMode::parse(given) {
            Ok(ProjectMode::Id(id)) => Ok(id),
            _ => Err(Failure::new(
                Exit::Usage,
                anyhow::anyhow!("{given:?} is not a project's UUID"),
            )
            .into()),
        }
    };
    match args.action {
        ProjectAction::List => {
            let open = projects
                .list_open_projects()
                .await
                .context("failed to list the open projects")?;
            if ctx.out.is_json() {
                for p in &open {
                    ctx.out.event(
                        "project",
                        json!({ "id": p.id, "name": p.name, "ticketNumber": p.ticket_number }),
                    );
                }
            } else if open.is_empty() {
                ctx.out.answer("no open draft project");
            } else {
                let lines: Vec<String> = open
                    .iter()
                    .map(|p| {
                        format!(
                            "{}  {}",
                            p.id.as_deref().unwrap_or("?"),
                            p.name.as_deref().unwrap_or("")
                        )
                    })
                    .collect();
                ctx.out.answer(&lines.join("\n"));
            }
        }
        ProjectAction::Publish => {
            let id = id()?;
            let answer = projects
                .commit_and_publish(&id)
                .await
                .with_context(|| format!("failed to publish project {id}"))?;
            let version = answer.commit_and_publish.and_then(|c| c.published_version);
            ctx.say(&match version {
                Some(v) => format!(
                    "published project {id} as production version {}",
                    v.version_number
                        .map_or_else(|| v.id.unwrap_or_default(), |n| n.to_string())
                ),
                None => format!("published project {id}: it changed nothing, no new version"),
            });
        }
        ProjectAction::Discard => {
            let id = id()?;
            projects
                .delete_project(&id)
                .await
                .with_context(|| format!("failed to discard project {id}"))?;
            ctx.say(&format!("discarded project {id} and its changes"));
        }
    }
    Ok(Finished::new(
        Exit::Ok,
        RunSummary {
            calls: Some(client.metrics().total_calls()),
            ..RunSummary::new("project")
        },
    ))
}
