//! The `vsync` command: clap arguments, settings resolution, calls into the libraries, and
//! exit codes. Everything that decides or does something lives in the library crates; this
//! crate only strings them together ([`pipeline`]) and maps outcomes to [`Exit`] codes.
//!
//! - [`cli`]: the arguments; [`settings`]: `vsync.toml`, the environment and the flags, layered;
//! - [`context`]: what each command gets; [`output`]: text or JSON lines, and the result line;
//! - [`commands`]: one module per subcommand; [`runs`]: the run folders and their history;
//! - [`exit`]: the exit codes; [`logging`]: tracing to stderr.
#![deny(missing_docs)]

pub mod cli;
pub mod commands;
pub mod context;
pub mod exit;
pub mod logging;
pub mod mapping_hint;
pub mod output;
pub mod pipeline;
pub mod runs;
pub mod settings;

use std::ffi::OsString;

use clap::{CommandFactory, FromArgMatches};

pub use exit::{Exit, Failure};

use crate::cli::{Cli, Command, LogFormat};
use crate::context::Context;
use crate::output::{Finished, Output, RunSummary};
use crate::settings::ArgSources;

/// Parses the command line, runs the command, prints its result, and returns its exit code.
pub fn main() -> Exit {
    main_from(&std::env::args_os().collect::<Vec<_>>())
}

/// [`main`] with these arguments.
pub fn main_from(args: &[OsString]) -> Exit {
    let json = asks_for_json(args);
    let matches = match Cli::command().try_get_matches_from(args) {
        Ok(matches) => matches,
        Err(error) => return usage_error(&error, json),
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => return usage_error(&error, json),
    };
    let sources = ArgSources::from_matches(&matches);
    logging::init(&cli.global);
    let out = Output::new(cli.global.log_format, cli.global.quiet);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            let error = anyhow::Error::new(error).context("failed to start the async runtime");
            out.error(&error);
            return Exit::Error;
        }
    };
    let command = command_name(&cli.command);
    let reports_result = reports_result(&cli.command);
    match runtime.block_on(run(cli, sources)) {
        Ok(finished) => {
            if reports_result {
                out.finished(finished.exit, &finished.summary, None);
            }
            finished.exit
        }
        Err(error) => {
            let exit = error
                .downcast_ref::<Failure>()
                .map_or(Exit::Error, |f| f.exit);
            out.error(&error);
            if out.is_json() {
                out.finished(exit, &RunSummary::new(command), Some(&error));
            }
            tracing::debug!(exit = exit.code(), "exiting");
            exit
        }
    }
}

/// Whether the raw arguments ask for JSON lines (for the errors clap finds before anything
/// is parsed).
fn asks_for_json(args: &[OsString]) -> bool {
    args.windows(2)
        .any(|w| w[0] == "--log-format" && w[1] == "json")
        || args.iter().any(|a| a == "--log-format=json")
}

/// A usage error (exit 64), or the help or version asked for (exit 0).
fn usage_error(error: &clap::Error, json: bool) -> Exit {
    let usage = error.use_stderr();
    let exit = if usage { Exit::Usage } else { Exit::Ok };
    if json && usage {
        let out = Output::new(LogFormat::Json, false);
        let error =
            anyhow::anyhow!("{}", error.kind()).context(error.to_string().trim().to_owned());
        out.error(&error);
        out.finished(exit, &RunSummary::new("vsync"), Some(&error));
    } else {
        // Help on a closed stdout is not worth a panic.
        let _ = error.print();
    }
    exit
}

fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Plan(_) => "plan",
        Command::Apply(_) => "apply",
        Command::Sync(_) => "sync",
        Command::Export(_) => "export",
        Command::Validate(_) => "validate",
        Command::Audit(_) => "audit",
        Command::Sim(_) => "sim",
        Command::Demo(_) => "demo",
        Command::Bench(_) => "bench",
        Command::Project(_) => "project",
        Command::Config(_) => "config",
        Command::Completions { .. } => "completions",
    }
}

/// Whether the command ends with its result line: not when its output is the answer itself
/// (completions, the settings) or a service (the simulator).
fn reports_result(command: &Command) -> bool {
    !matches!(
        command,
        Command::Completions { .. } | Command::Sim(_) | Command::Config(_)
    )
}

/// Runs a parsed command.
pub async fn run(cli: Cli, sources: ArgSources) -> anyhow::Result<Finished> {
    if let Command::Completions { shell } = cli.command {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "vsync", &mut script);
        Output::new(LogFormat::Text, false).answer(&String::from_utf8_lossy(&script));
        return Ok(Finished::new(Exit::Ok, RunSummary::new("completions")));
    }
    if let Command::Sim(args) = cli.command {
        vsync_sim::cli::serve(args).await?;
        return Ok(Finished::new(Exit::Ok, RunSummary::new("sim")));
    }
    let ctx = Context::new(&cli.global, sources)?;
    match &cli.command {
        Command::Plan(args) => commands::plan::run(&ctx, args).await,
        Command::Apply(args) => commands::apply::run(&ctx, args).await,
        Command::Sync(args) => commands::sync::run(&ctx, args).await,
        Command::Export(args) => commands::export::run(&ctx, args).await,
        Command::Project(args) => commands::project::run(&ctx, args).await,
        Command::Validate(args) => commands::validate::run(&ctx, args),
        Command::Audit(args) => commands::audit::run(&ctx, args).await,
        Command::Demo(args) => commands::demo::run(&ctx, args).await,
        Command::Bench(args) => commands::bench::run(&ctx, args).await,
        Command::Config(args) => commands::config::run(&ctx, args),
        Command::Sim(_) | Command::Completions { .. } => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn json_is_seen_in_the_raw_arguments() {
        let args = |a: &[&str]| a.iter().map(OsString::from).collect::<Vec<_>>();
        assert!(asks_for_json(&args(&[
            "vsync",
            "--log-format",
            "json",
            "plan"
        ])));
        assert!(asks_for_json(&args(&["vsync", "--log-format=json"])));
        assert!(!asks_for_json(&args(&["vsync", "--log-format", "text"])));
    }
}
