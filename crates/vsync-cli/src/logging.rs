//! Logging with tracing: readable lines on a terminal, JSON lines for schedulers.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::cli::{GlobalArgs, LogFormat};

/// Installs the global subscriber. `RUST_LOG` overrides the level chosen by `-v`/`-q`.
pub fn init(global: &GlobalArgs) {
    let level = match (global.quiet, global.verbose) {
        (true, _) => "warn",
        (false, 0) => "info",
        (false, 1) => "debug",
        (false, _) => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| {
        // Our crates at the chosen level; dependencies only when they warn.
        EnvFilter::new(format!(
            "warn,vsync={level},vsync_cli={level},vsync_client={level},vsync_executor={level},\
             vsync_reader={level},vsync_engine={level},vsync_report={level},vsync_sim={level}"
        ))
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match global.log_format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Text => builder
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .with_target(false)
            .compact()
            .try_init(),
    };
    // A second init (tests calling `run` twice) keeps the first subscriber.
    drop(result);
}
