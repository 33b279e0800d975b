//! Reading what a call came back with.
//!
//! The client is the one owner of retries: an error it returns is the call's last word. Its
//! changes are settled `Failed` (with Visier's message and `rci`), or, when the request may
//! have reached the tenant ([`ClientError::may_have_applied`]), settled by a read: creates are
//! re-read at once, other changes are `Unknown` for the verification's read. Per-item failures
//! inside a success answer are classified by [`FailureClass`]: transient ones are sent once
//! more, charged to the run's [`RetryBudget`](vsync_client::RetryBudget); "already exists" on
//! a user create is settled by a read, "already assigned" on an addition and "not found" on a
//! removal mean the tenant already holds what was asked; everything else is `Failed`.

use tokio::time::Instant;
use vsync_client::{ClientError, ErrorKind as ClientKind, FailureClass};
use vsync_engine::ChangeId;
use vsync_model::UserKey;

use super::{Batch, Run, Settled, Settlement};
use crate::answer::Answer;
use crate::batching;
use crate::error::ExecError;
use crate::journal::JournalStatus;
use crate::request::Request;

/// Statuses that reject a batch as a whole because of its content: halve it.
pub(super) fn is_split_status(status: u16) -> bool {
    matches!(status, 400 | 404 | 409 | 422)
}

/// The message of a create whose outcome was unknown and that a re-read found.
fn found_by_reread(_: ChangeId) -> String {
    "found by a re-read".to_owned()
}

/// Why changes are sent once more, or why they failed when they are not.
#[derive(Debug, Clone)]
pub(super) struct Why {
    pub(super) message: String,
    pub(super) rci: Option<String>,
    pub(super) http_status: Option<u16>,
}

impl Why {
    fn settlement(&self, status: JournalStatus, message: String) -> Settlement {
        Settlement::new(status)
            .message(message)
            .rci(self.rci.clone())
            .with_http_status(self.http_status)
    }
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
        let mut last_transient = None;
        let mut existing = Vec::new();
        for (change, message, rci) in answer.failed {
            let class = FailureClass::of(&message);
            // The tenant already holds what was asked.
            let done = match class {
                FailureClass::AlreadyExists if request.is_addition() => Some("already so"),
                FailureClass::NotFound if request.is_removal() => Some("already gone"),
                _ => None,
            };
            if let Some(what) = done {
                self.settle(
                    settled,
                    change,
                    &Settlement::new(JournalStatus::Applied)
                        .message(format!("{what}: {message}"))
                        .rci(rci)
                        .http_status(200),
                );
                continue;
            }
            match class {
                FailureClass::Transient => {
                    transient.push(change);
                    last_transient = Some(Why {
                        message,
                        rci,
                        http_status: Some(200),
                    });
                }
                FailureClass::AlreadyExists if matches!(request, Request::CreateUsers { .. }) => {
                    existing.push((change, message, rci));
                }
                _ => self.settle(
                    settled,
                    change,
                    &Settlement::new(JournalStatus::Failed)
                        .message(message)
                        .rci(rci)
                        .http_status(200),
                ),
            }
        }
        if let Some(why) = last_transient {
            self.resend_once(batch, &transient, &why, settled, follow);
        }
        if !existing.is_empty() {
            let changes: Vec<ChangeId> = existing.iter().map(|(c, _, _)| *c).collect();
            let found = |change: ChangeId| {
                let said = existing
                    .iter()
                    .find(|(c, _, _)| *c == change)
                    .map_or("", |(_, m, _)| m.as_str());
                format!("already there, found by a re-read: {said}")
            };
            let absent = self
                .reread_creates(request, &changes, answered, &found, settled)
                .await;
            for (change, message, rci) in existing.into_iter().filter(|e| absent.contains(&e.0)) {
                self.settle(
                    settled,
                    change,
                    &Settlement::new(JournalStatus::Failed)
                        .message(format!("{message} (a re-read did not find it)"))
                        .rci(rci)
                        .http_status(200),
                );
            }
        }
        if !answer.missing.is_empty() {
            let why = Why {
                message: "the answer did not mention the item".to_owned(),
                rci: None,
                http_status: Some(200),
            };
            if request.is_create() {
                let absent = self
                    .reread_creates(
                        request,
                        &answer.missing,
                        answered,
                        &found_by_reread,
                        settled,
                    )
                    .await;
                self.resend_once(batch, &absent, &why, settled, follow);
            } else {
                let message = format!("outcome unknown: {}", why.message);
                self.settle_all(
                    settled,
                    &answer.missing,
                    &why.settlement(JournalStatus::Unknown, message),
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
        let why = Why {
            message: error
                .status_body()
                .map_or_else(|| error.to_string(), |s| s.to_string()),
            rci: error.rci(),
            http_status: error.status().map(|s| s.as_u16()),
        };
        match error.kind() {
            ClientKind::Auth => {
                let message = why.message.clone();
                self.settle_all(
                    settled,
                    &changes,
                    &why.settlement(JournalStatus::Skipped, message),
                );
                self.fail(ExecError::Auth(Box::new(error)));
            }
            ClientKind::ReadOnly => {
                self.settle_all(
                    settled,
                    &changes,
                    &Settlement::new(JournalStatus::Failed).message(why.message.clone()),
                );
            }
            ClientKind::Http if why.http_status.is_some_and(is_split_status) => {
                if batch.depth < self.opts.max_split_depth
                    && changes.len() > 1
                    && let Some((a, b)) = batching::split(&batch.op)
                {
                    tracing::info!(call = %batch.call, items = changes.len(), status = why.http_status, "batch rejected as a whole; splitting");
                    let message = format!("split: {}", why.message);
                    self.settle_all(
                        settled,
                        &changes,
                        &why.settlement(JournalStatus::Retry, message),
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
                    let message = why.message.clone();
                    self.settle_all(
                        settled,
                        &changes,
                        &why.settlement(JournalStatus::Failed, message),
                    );
                }
            }
            _ if request.is_create() && error.may_have_applied() => {
                tracing::warn!(call = %batch.call, error = %error, "create outcome unknown; re-reading before deciding");
                let absent = self
                    .reread_creates(request, &changes, answered, &found_by_reread, settled)
                    .await;
                let why = Why {
                    message: format!("{}; a re-read did not find it", why.message),
                    ..why
                };
                self.resend_once(batch, &absent, &why, settled, follow);
            }
            _ if error.may_have_applied() => {
                let message = format!("outcome unknown: {}", why.message);
                self.settle_all(
                    settled,
                    &changes,
                    &why.settlement(JournalStatus::Unknown, message),
                );
            }
            _ => {
                let message = why.message.clone();
                self.settle_all(
                    settled,
                    &changes,
                    &why.settlement(JournalStatus::Failed, message),
                );
            }
        }
    }

    /// Sends `changes` of the batch once more, in a later batch, when this batch was their
    /// first send and the run's retry budget has a unit left; otherwise they are `Failed`.
    pub(super) fn resend_once(
        &self,
        batch: &Batch,
        changes: &[ChangeId],
        why: &Why,
        settled: &mut Settled,
        follow: &mut Vec<Batch>,
    ) {
        if changes.is_empty() {
            return;
        }
        let keep: std::collections::HashSet<ChangeId> = changes.iter().copied().collect();
        let again = (batch.attempt < 2)
            .then(|| batching::restrict(&batch.op, &|c| keep.contains(&c)))
            .flatten()
            .filter(|_| self.client.retry_budget().try_spend());
        if let Some(op) = again {
            self.settle_all(
                settled,
                changes,
                &why.settlement(JournalStatus::Retry, why.message.clone()),
            );
            follow.push(Batch {
                call: batch.call,
                op,
                attempt: batch.attempt + 1,
                depth: 0,
            });
        } else {
            let message = if batch.attempt >= 2 {
                format!("failed again when sent once more: {}", why.message)
            } else {
                format!(
                    "not sent again, the run's retry budget is spent: {}",
                    why.message
                )
            };
            self.settle_all(
                settled,
                changes,
                &why.settlement(JournalStatus::Failed, message),
            );
        }
    }
}
