//! [`cancel_on_signals`]: the shutdown token a command line hands to [`Executor::apply`].
//!
//! [`Executor::apply`]: crate::Executor::apply

use tokio_util::sync::CancellationToken;

/// A token cancelled on the first Ctrl-C (SIGINT) or SIGTERM. The executor then starts no new
/// batch, finishes and journals the ones in flight, and reports `interrupted`. Must be called
/// inside a tokio runtime.
pub fn cancel_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    let trigger = token.clone();
    tokio::spawn(async move {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let mut term = match signal(SignalKind::terminate()) {
                Ok(term) => term,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for SIGTERM; Ctrl-C still stops the run");
                    let _ = tokio::signal::ctrl_c().await;
                    trigger.cancel();
                    return;
                }
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => tracing::warn!("Ctrl-C: stopping after the batches in flight"),
                _ = term.recv() => tracing::warn!("SIGTERM: stopping after the batches in flight"),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            tracing::warn!("Ctrl-C: stopping after the batches in flight");
        }
        trigger.cancel();
    });
    token
}
