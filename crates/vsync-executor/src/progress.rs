//! Progress of a run: an indicatif bar per phase on a terminal, a `tracing::info!` line every
//! few seconds otherwise; the same for a paged read (pages and items so far).

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

/// The progress of one stage: its phases' calls together.
#[derive(Debug)]
pub(crate) struct PhaseProgress {
    /// The phases, `CreateGroups + PatchGroups`.
    phase: String,
    bar: Option<ProgressBar>,
    log: bool,
    counts: Mutex<(u64, u64, Instant)>,
}

impl PhaseProgress {
    pub(crate) fn new(mode: ProgressMode, phases: &[PhaseKind], total: usize) -> Self {
        let mode = mode.resolved();
        let phase = phases
            .iter()
            .map(|p| format!("{p:?}"))
            .collect::<Vec<_>>()
            .join(" + ");
        let bar = (mode == ProgressMode::Bars).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix:>24} [{bar:30}] {pos}/{len} calls {elapsed_precise} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(phase.clone());
            bar
        });
        let log = mode == ProgressMode::Log;
        if log {
            tracing::info!(phase = %phase, calls = total, "phase started");
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
            tracing::info!(phase = %self.phase, done = counts.0, of = counts.1, "applying");
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
            tracing::info!(phase = %self.phase, done = counts.0, "phase finished");
        }
    }
}

/// The progress of one paged read: a spinner with the pages and items so far on a terminal, a
/// line every few seconds otherwise.
#[derive(Debug)]
pub(crate) struct ReadProgress {
    list: &'static str,
    page_size: u64,
    bar: Option<ProgressBar>,
    log: bool,
    counts: Mutex<(u64, Instant)>,
}

impl ReadProgress {
    pub(crate) fn new(mode: ProgressMode, list: &'static str, page_size: u32) -> Self {
        let mode = mode.resolved();
        let bar = (mode == ProgressMode::Bars).then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{prefix:>24} {spinner} {msg} {elapsed_precise}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_prefix(format!("reading {list}"));
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Self {
            list,
            page_size: u64::from(page_size.max(1)),
            bar,
            log: mode == ProgressMode::Log,
            counts: Mutex::new((0, Instant::now())),
        }
    }

    /// Pages read for `items` items: a short page ends the list, so a full one means more.
    fn pages(&self, items: u64) -> u64 {
        items.div_ceil(self.page_size)
    }

    /// One more item read.
    pub(crate) fn item(&self) {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        counts.0 += 1;
        let items = counts.0;
        if items % self.page_size != 1 && self.page_size > 1 {
            return; // once a page
        }
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{} pages, {items} {}",
                self.pages(items),
                self.list
            ));
        }
        if self.log && counts.1.elapsed() >= LOG_EVERY {
            counts.1 = Instant::now();
            tracing::info!(
                list = self.list,
                pages = self.pages(items),
                items,
                "reading"
            );
        }
    }

    pub(crate) fn finish(&self) {
        let items = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .0;
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.log {
            tracing::info!(
                list = self.list,
                pages = self.pages(items).max(1),
                items,
                "read"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_read_counts_its_pages_by_the_short_page_rule() {
        let read = ReadProgress::new(ProgressMode::Off, "users", 1000);
        assert_eq!(read.pages(0), 0);
        assert_eq!(read.pages(1), 1);
        assert_eq!(read.pages(1000), 1);
        assert_eq!(read.pages(1001), 2);
        for _ in 0..2500 {
            read.item();
        }
        assert_eq!(read.counts.lock().unwrap().0, 2500);
    }
}
