//! `vsync validate`: reader checks only, no tenant needed.

use crate::cli::ValidateArgs;
use crate::context::Context;
use crate::exit::Exit;
use crate::output::{Finished, RunSummary};
use crate::pipeline::read_input_with_summary;

/// Reads and validates the input; prints what was read and what the mapping derives (the
/// columns nothing reads, the derived groups and their members, the value maps' hits and
/// misses), then a verdict or every problem.
pub fn run(ctx: &Context, args: &ValidateArgs) -> anyhow::Result<Finished> {
    let input = ctx.layers().input(&args.input).resolved()?;
    let (desired, found) = read_input_with_summary(&input);
    if let Some(found) = found {
        let text = found.to_string();
        if !text.is_empty() {
            ctx.say(text.trim_end());
        }
    }
    let desired = desired?;
    let managed = desired.managed;
    let relations: Vec<&str> = [
        (managed.memberships, "memberships"),
        (managed.user_permissions, "user permissions"),
        (managed.profiles, "profiles"),
        (managed.group_permissions, "group permissions"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    ctx.say(&format!(
        "{}: valid — {} users, {} groups declared; manages {}; sha256 {}",
        input.names(),
        desired.users.len(),
        desired.groups.len(),
        if relations.is_empty() {
            "user fields only".to_owned()
        } else {
            relations.join(", ")
        },
        desired.input.checksum,
    ));
    let summary = RunSummary {
        users: Some(desired.users.len()),
        groups: Some(desired.groups.len()),
        ..RunSummary::new("validate")
    };
    Ok(Finished::new(Exit::Ok, summary))
}
