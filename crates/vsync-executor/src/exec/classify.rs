//! Reading what a call came back with: per-item failures that are worth another try, whole
//! batches to halve, and errors to retry, re-read or report.

use std::time::Duration;

use rand::Rng;
use tokio::time::Instant;
use vsync_client::{ClientError, ErrorKind as ClientKind};
use vsync_model::UserKey;

use super::{Batch, Run, Settled, Settlement};
use crate::answer::Answer;
use crate::batching;
use crate::error::ExecError;
use crate::journal::JournalStatus;
use crate::request::Request;

/// Messages of per-item failures that are worth retrying.
pub(super) fn is_transient(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "temporar",
        "try again",
        "retry",
        "unavailable",
        "timeout",
        "timed out",
        "busy",
        "transient",
        "lock",
        "throttl",
        "too many requests",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// Statuses that reject a batch as a whole because of its content: halve it.
pub(super) fn is_split_status(status: u16) -> bool {
    matches!(status, 400 | 404 | 409 | 422)
}

impl Run {
    pub(super) async fn absorb(
        &self,
        answer: Answer,
        request: &Request,
        batch: &Batch,
        answered: Instant,
        settled: &mut Settled,
        follow: &mut Vec<Batch>,
    ) {
        for (username, id) in answer.created_users {
            // The answer names the user by key; keep the username as sent when we have it.
            let sent = match request {
                Request::CreateUsers { items, .. } => items
                    .iter()
                    .find(|(_, name)| UserKey::new(name).as_str() == username)
                    .map_or(username.clone(), |(_, name)| name.clone()),
                _ => username.clone(),
            };
            self.record_user(settled, &sent, id);
        }
        for (name, id) in answer.created_groups {
            self.record_group(settled, &name, id);
        }
        for change in answer.applied {
            self.settle(
                settled,
                change,
                &Settlement::new(JournalStatus::Applied).http_status(200),
            );
        }
        let mut transient = Vec::new();
        let mut last_transient = (String::new(), None);
        for (change, message, rci) in answer.failed {
            if is_transient(&message) {
                transient.push(change);
                last_transient = (message, rci);
            } else {
                self.settle(
                    settled,
                    change,
                    &Settlement::new(JournalStatus::Failed)
                        .message(message)
                        .rci(rci)
                        .http_status(200),
                );
            }
        }
        self.retry_later(
            batch,
            &transient,
            (&last_transient.0, last_transient.1.clone(), Some(200)),
            JournalStatus::Failed,
            settled,
            follow,
        );
        if !answer.missing.is_empty() {
            if request.is_create() {
                self.settle_creates(request, &answer.missing, batch, answered, settled, follow)
                    .await;
            } else {
                self.retry_later(
                    batch,
                    &answer.missing,
                    ("the answer did not mention the item", None, Some(200)),
                    JournalStatus::Unknown,
                    settled,
                    follow,
                );
            }
        }
    }

    pub(super) async fn on_error(
        &self,
        error: ClientError,
        request: &Request,
        batch: &Batch,
        answered: Instant,
        settled: &mut Settled,
        follow: &mut Vec<Batch>,
    ) {
        let changes = request.changes();
        let status = error.status().map(|s| s.as_u16());
        let rci = error.rci();
        let message = error
            .status_body()
            .map_or_else(|| error.to_string(), |s| s.to_string());
        let kind = error.kind();
        // The error as every change of the request records it.
        let recorded = |outcome: JournalStatus| {
            Settlement::new(outcome)
                .message(message.clone())
                .rci(rci.clone())
                .with_http_status(status)
        };
        match kind {
            ClientKind::Auth => {
                self.settle_all(settled, &changes, &recorded(JournalStatus::Skipped));
                self.fail(ExecError::Auth(Box::new(error)));
            }
            ClientKind::ReadOnly => {
                self.settle_all(
                    settled,
                    &changes,
                    &Settlement::new(JournalStatus::Failed).message(message.clone()),
                );
            }
            ClientKind::Http if status.is_some_and(is_split_status) => {
                if batch.depth < self.opts.max_split_depth
                    && changes.len() > 1
                    && let Some((a, b)) = batching::split(&batch.op)
                {
                    tracing::info!(call = %batch.call, items = changes.len(), status, "batch rejected as a whole; splitting");
                    self.settle_all(
                        settled,
                        &changes,
                        &Settlement::new(JournalStatus::Retry)
                            .message(format!("split: {message}"))
                            .rci(rci.clone())
                            .with_http_status(status),
                    );
                    for op in [a, b] {
                        follow.push(Batch {
                            call: batch.call,
                            op,
                            attempt: batch.attempt,
                            depth: batch.depth + 1,
                        });
                    }
                } else {
                    self.settle_all(settled, &changes, &recorded(JournalStatus::Failed));
                }
            }
            _ if request.is_create()
                && (kind == ClientKind::OutcomeUnknown
                    || kind == ClientKind::Decode
                    || status.is_some_and(|s| matches!(s, 500 | 502 | 504))) =>
            {
                tracing::warn!(call = %batch.call, error = %error, "create outcome unknown; re-reading before deciding");
                self.settle_creates(request, &changes, batch, answered, settled, follow)
                    .await;
            }
            ClientKind::Transport
            | ClientKind::RateLimited
            | ClientKind::OutcomeUnknown
            | ClientKind::Decode => {
                self.backoff(batch.attempt).await;
                self.retry_later(
                    batch,
                    &changes,
                    (&message, rci, status),
                    JournalStatus::Unknown,
                    settled,
                    follow,
                );
            }
            ClientKind::Http
                if status.is_some_and(|s| matches!(s, 429 | 500 | 502 | 503 | 504)) =>
            {
                self.backoff(batch.attempt).await;
                self.retry_later(
                    batch,
                    &changes,
                    (&message, rci, status),
                    JournalStatus::Failed,
                    settled,
                    follow,
                );
            }
            _ => {
                self.settle_all(settled, &changes, &recorded(JournalStatus::Failed));
            }
        }
    }

    async fn backoff(&self, attempt: u32) {
        let ceiling = Duration::from_millis(100).saturating_mul(1 << attempt.min(6));
        let wait = Duration::from_millis(rand::rng().random_range(0..=ceiling.as_millis() as u64));
        tokio::select! {
            () = tokio::time::sleep(wait) => {}
            () = self.stop.cancelled() => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transient_messages_are_recognised() {
        assert!(is_transient("Service temporarily unavailable"));
        assert!(is_transient("please try again later"));
        assert!(!is_transient("username is not a valid email"));
        assert!(!is_transient("user already exists"));
    }
}
