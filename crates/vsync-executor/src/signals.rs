//! [`cancel_on_signals`]: the shutdown token a command line hands to [`Executor::apply`].
//!
//! [`Executor::apply`]: crate::Executor::apply

use std::future::Future;

use tokio_util::sync::CancellationToken;

/// A token cancelled on the first Ctrl-C (SIGINT) or SIGTERM. The executor then starts no new
/// batch, finishes and journals the ones in flight, and reports `interrupted`. Must be called
/// inside a tokio runtime.
///
/// A signal that cannot be listened for is warned about and never fires: Ctrl-C still stops
/// the run when SIGTERM cannot be hooked, and the other way round.
pub fn cancel_on_signals() -> CancellationToken {
    let token = CancellationToken::new();
    tokio::spawn(cancel_on_first(
        token.clone(),
        async { tokio::signal::ctrl_c().await },
        terminate(),
    ));
    token
}

/// Waits for SIGTERM.
#[cfg(unix)]
async fn terminate() -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    signal(SignalKind::terminate())?.recv().await;
    Ok(())
}

/// No SIGTERM off Unix: never fires.
#[cfg(not(unix))]
async fn terminate() -> std::io::Result<()> {
    std::future::pending().await
}

/// Cancels `token` when `interrupt` (Ctrl-C) or `terminate` (SIGTERM) completes with `Ok`.
/// One that fails (its signal cannot be hooked) is warned about and no longer waited for.
async fn cancel_on_first(
    token: CancellationToken,
    interrupt: impl Future<Output = std::io::Result<()>>,
    terminate: impl Future<Output = std::io::Result<()>>,
) {
    let interrupt = heard(interrupt, "Ctrl-C");
    let terminate = heard(terminate, "SIGTERM");
    let name = tokio::select! {
        name = interrupt => name,
        name = terminate => name,
    };
    tracing::warn!("{name}: stopping after the batches in flight");
    token.cancel();
}

/// `name` once the signal arrives; never, when it cannot be listened for.
async fn heard(
    signal: impl Future<Output = std::io::Result<()>>,
    name: &'static str,
) -> &'static str {
    match signal.await {
        Ok(()) => name,
        Err(error) => {
            tracing::warn!(%error, "cannot listen for {name}; the other signal still stops the run");
            std::future::pending().await
        }
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;
    use std::task::Poll;

    use super::*;

    fn unhookable() -> std::future::Ready<std::io::Result<()>> {
        std::future::ready(Err(std::io::Error::other("no signal handling here")))
    }

    /// Polls `future` once: whether it finished.
    async fn finishes_at_once(future: std::pin::Pin<&mut impl Future<Output = ()>>) -> bool {
        let mut future = future;
        std::future::poll_fn(|cx| Poll::Ready(future.as_mut().poll(cx).is_ready())).await
    }

    /// Regression test: when SIGTERM cannot be hooked, Ctrl-C must still stop the run, and
    /// the failure to hook must not stop it by itself.
    #[tokio::test]
    async fn ctrl_c_still_cancels_when_sigterm_cannot_be_hooked() {
        let token = CancellationToken::new();
        let (press, pressed) = tokio::sync::oneshot::channel::<()>();
        let mut waiting = pin!(cancel_on_first(
            token.clone(),
            async move {
                let _ = pressed.await;
                Ok(())
            },
            unhookable(),
        ));
        assert!(!finishes_at_once(waiting.as_mut()).await);
        assert!(!token.is_cancelled(), "a failed hook is not a signal");
        press.send(()).unwrap();
        waiting.await;
        assert!(token.is_cancelled());
    }

    #[tokio::test]
    async fn sigterm_cancels_when_ctrl_c_cannot_be_hooked() {
        let token = CancellationToken::new();
        cancel_on_first(token.clone(), unhookable(), async { Ok(()) }).await;
        assert!(token.is_cancelled());
    }

    #[tokio::test]
    async fn nothing_cancels_while_no_signal_arrives() {
        let token = CancellationToken::new();
        let mut waiting = pin!(cancel_on_first(
            token.clone(),
            std::future::pending(),
            unhookable(),
        ));
        assert!(!finishes_at_once(waiting.as_mut()).await);
        assert!(!token.is_cancelled());
    }
}
