//! `vsync config`: every setting as resolved, with where it came from; secrets redacted.

use serde_json::json;

use crate::cli::ConfigArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::output::{Finished, RunSummary};
use crate::settings::show::Shown;

/// Prints the resolved settings. Reads no secret file (it only says whether each can be
/// read) and calls no tenant.
pub fn run(ctx: &Context, args: &ConfigArgs) -> anyhow::Result<Finished> {
    let layers = ctx.layers();
    let connection = layers.connection(&args.target);
    let project = layers.project(&args.project)?;
    let input = layers.input(&args.input);
    let policy = layers.policy(&args.policy);
    let report = layers.report(&args.report);
    let concurrency = layers.concurrency(args.concurrency);
    let verify = layers.verify(None);
    let shown = Shown {
        connection: &connection,
        project: &project,
        input: &input,
        policy: &policy,
        report: &report,
        concurrency: &concurrency,
        verify: &verify,
    };
    let file = ctx.config.path.as_ref().map_or_else(
        || "(none: no --config, and no vsync.toml here)".to_owned(),
        |p| p.display().to_string(),
    );
    if ctx.out.is_json() {
        ctx.out.event(
            "config",
            json!({ "settings_file": file, "settings": shown.rows() }),
        );
    } else {
        // The table is the command's answer: shown even when quiet.
        ctx.out
            .answer(&format!("settings file: {file}\n{}", shown.table()));
    }
    Ok(Finished::new(Exit::Ok, RunSummary::new("config")))
}
