//! The `vsync` command: clap arguments, settings resolution, calls into the libraries, and
//! exit codes. Everything that decides or does something lives in the library crates; this
//! crate only strings them together ([`pipeline`]) and maps outcomes to [`Exit`] codes.
#![warn(missing_docs)]

pub mod cli;
pub mod commands;
pub mod exit;
pub mod logging;
pub mod pipeline;
pub mod settings;

use clap::{CommandFactory, Parser};

pub use exit::{Exit, Failure};

use crate::cli::{Cli, Command};
use crate::pipeline::Context;

/// Parses the command line, runs the command, and returns its exit code.
pub fn main() -> Exit {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let usage = error.use_stderr();
            let _ = error.print();
            return if usage { Exit::Usage } else { Exit::Ok };
        }
    };
    logging::init(&cli.global);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: failed to start the async runtime: {error}");
            return Exit::Error;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(exit) => exit,
        Err(error) => {
            let exit = error
                .downcast_ref::<Failure>()
                .map_or(Exit::Error, |f| f.exit);
            eprintln!("error: {}", describe(&error));
            tracing::debug!(exit = exit.code(), "exiting");
            exit
        }
    }
}

/// The error and its causes on one line, each cause once: library errors often repeat their
/// source in their own message, and the chain would say it twice.
fn describe(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let line = cause.to_string();
        if !text.contains(&line) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&line);
        }
    }
    text
}

/// Runs a parsed command.
pub async fn run(cli: Cli) -> anyhow::Result<Exit> {
    if let Command::Completions { shell } = cli.command {
        clap_complete::generate(shell, &mut Cli::command(), "vsync", &mut std::io::stdout());
        return Ok(Exit::Ok);
    }
    if let Command::Sim(args) = cli.command {
        vsync_sim::cli::serve(args).await?;
        return Ok(Exit::Ok);
    }
    let ctx = Context::new(&cli.global)?;
    match &cli.command {
        Command::Plan(args) => commands::plan::run(&ctx, args).await,
        Command::Apply(args) => commands::apply::run(&ctx, args).await,
        Command::Sync(args) => commands::sync::run(&ctx, args).await,
        Command::Export(args) => commands::export::run(&ctx, args).await,
        Command::Validate(args) => commands::validate::run(&ctx, args),
        Command::Audit(args) => commands::audit::run(&ctx, args).await,
        Command::Demo(args) => commands::demo::run(&ctx, args).await,
        Command::Bench(args) => commands::bench::run(&ctx, args).await,
        Command::Sim(_) | Command::Completions { .. } => unreachable!("handled above"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_chain_names_each_cause_once() {
        let inner = anyhow::anyhow!("GET /v2/admin/user-groups answered HTTP 404");
        let outer = inner
            .context("failed to list user groups: GET /v2/admin/user-groups answered HTTP 404");
        assert_eq!(
            describe(&outer),
            "failed to list user groups: GET /v2/admin/user-groups answered HTTP 404"
        );
        let chained = anyhow::anyhow!("connection refused").context("failed to read the tenant");
        assert_eq!(
            describe(&chained),
            "failed to read the tenant: connection refused"
        );
    }

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }
}
