//! Progress of a run: an indicatif bar per phase on a terminal, a `tracing::info!` line every
//! few seconds otherwise.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use vsync_engine::PhaseKind;

/// How a run shows its progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ProgressMode {
    /// Bars when stderr is a terminal, log lines otherwise.
    #[default]
    Auto,
    /// Always bars.
    Bars,
    /// Always log lines.
    Log,
    /// Nothing.
    Off,
}

impl ProgressMode {
    fn resolved(self) -> ProgressMode {
        match self {
            ProgressMode::Auto if std::io::stderr().is_terminal() => ProgressMode::Bars,
            ProgressMode::Auto => ProgressMode::Log,
            other => other,
        }
    }
}

/// How often the log mode writes a line.
const LOG_EVERY: Duration = Duration::from_secs(5);

/// The progress of one phase.
#[derive(Debug)]
pub(crate) struct PhaseProgress {
    phase: PhaseKind,
    bar: Option<ProgressBar>,
    log: bool,
    counts: Mutex<(u64, u64, Instant)>,
}

impl PhaseProgress {
    pub(crate) fn new(mode: ProgressMode, phase: PhaseKind, total: usize) -> Self {
        let mode = mode.resolved();
        let bar = (mode == ProgressMode::Bars).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>24} [{bar:30}] {pos}/{len} calls {elapsed_precise} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(format!("{phase:?}"));
            bar
        });
        let log = mode == ProgressMode::Log;
        if log {
            tracing::info!(phase = ?phase, calls = total, "phase started");
        }
        Self {
            phase,
            bar,
            log,
            counts: Mutex::new((0, total as u64, Instant::now())),
        }
    }

    /// One batch done, `more` follow-up batches queued.
    pub(crate) fn batch_done(&self, more: usize) {
        if let Some(bar) = &self.bar {
            bar.inc_length(more as u64);
            bar.inc(1);
        }
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counts.0 += 1;
        counts.1 += more as u64;
        if self.log && counts.2.elapsed() >= LOG_EVERY {
            counts.2 = Instant::now();
            tracing::info!(phase = ?self.phase, done = counts.0, of = counts.1, "applying");
        }
    }

    pub(crate) fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish();
        }
        if self.log {
            let counts = self
                .counts
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            tracing::info!(phase = ?self.phase, done = counts.0, "phase finished");
        }
    }
}
