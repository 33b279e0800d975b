//! Logging with tracing, on stderr: readable lines on a terminal, JSON lines for schedulers.
//!
//! A call the client retries warns once, at its first retry; the later retries of the same
//! call are shown with `-v` (a sign-in to a host where nothing listens is one warning, then
//! the sign-in failure, not a screenful).

use std::io::IsTerminal;

use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::layer::{Context, Filter, Layer, SubscriberExt as _};
use tracing_subscriber::registry::Registry;
use tracing_subscriber::util::SubscriberInitExt as _;

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
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let layer: Box<dyn Layer<Registry> + Send + Sync> = match global.log_format {
        LogFormat::Json => fmt
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_filter(filter)
            .with_filter(FirstRetryOnly {
                verbose: global.verbose > 0,
            })
            .boxed(),
        LogFormat::Text => fmt
            .with_ansi(std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none())
            .with_target(false)
            .compact()
            .with_filter(filter)
            .with_filter(FirstRetryOnly {
                verbose: global.verbose > 0,
            })
            .boxed(),
    };
    // A second init (tests calling `run` twice) keeps the first subscriber.
    drop(tracing_subscriber::registry().with(layer).try_init());
}

/// Drops the client's retry warnings after a call's first, unless verbose.
struct FirstRetryOnly {
    verbose: bool,
}

impl<S: Subscriber> Filter<S> for FirstRetryOnly {
    fn enabled(&self, _meta: &tracing::Metadata<'_>, _cx: &Context<'_, S>) -> bool {
        true
    }

    fn event_enabled(&self, event: &Event<'_>, _cx: &Context<'_, S>) -> bool {
        let meta = event.metadata();
        if self.verbose
            || *meta.level() != Level::WARN
            || !meta.target().starts_with("vsync_client")
        {
            return true;
        }
        let mut retry = RetryFields::default();
        event.record(&mut retry);
        !is_later_retry(&retry)
    }
}

/// The fields of a client event that say it schedules a retry.
#[derive(Debug, Default)]
struct RetryFields {
    attempt: Option<u64>,
    delay: bool,
}

impl Visit for RetryFields {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = Some(value),
            "delay_ms" => self.delay = true,
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.record_u64(field, value.max(0) as u64);
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
}

/// A retry (it names its delay) of a call already retried once.
fn is_later_retry(fields: &RetryFields) -> bool {
    fields.delay && fields.attempt.is_some_and(|a| a > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_later_retries_are_dropped() {
        let first = RetryFields {
            attempt: Some(1),
            delay: true,
        };
        let later = RetryFields {
            attempt: Some(3),
            delay: true,
        };
        let unknown_outcome = RetryFields {
            attempt: Some(3),
            delay: false,
        };
        assert!(!is_later_retry(&first));
        assert!(is_later_retry(&later));
        assert!(!is_later_retry(&unknown_outcome));
    }
}
