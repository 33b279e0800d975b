//! Settling creates whose outcome is unknown: re-reading users by username and groups by
//! correlation id before anything is sent again (never a blind replay).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::time::Instant;
use vsync_engine::ChangeId;
use vsync_model::{UserId, UserKey};

use super::{Run, Settled, Settlement};
use crate::error::ExecError;
use crate::fetch;
use crate::journal::JournalStatus;
use crate::request::Request;

/// Every user's ID by username key, from one listing.
pub(super) type UserIndex = Arc<HashMap<UserKey, UserId>>;

impl Run {
    /// Every user's ID, from a listing that started after `since`: batches that meet an
    /// unknown outcome at about the same time share one listing.
    async fn users_since(
        &self,
        since: Instant,
    ) -> Result<Arc<HashMap<UserKey, UserId>>, ExecError> {
        let mut cached = self.user_listing.lock().await;
        if let Some((at, users)) = cached.as_ref()
            && *at >= since
        {
            return Ok(users.clone());
        }
        let at = Instant::now();
        let users = Arc::new(fetch::user_ids_by_key(&self.client).await?);
        *cached = Some((at, users.clone()));
        Ok(users)
    }

    /// Settles creates whose outcome is unknown by re-reading: users by username (a listing
    /// started after `since`), groups by the correlation ids this request carried. What exists
    /// is `Applied`, with the text `message` gives it; returns the changes the read did not
    /// find, for the caller to decide. When the read itself fails, every change is `Unknown`
    /// and none is returned.
    pub(super) async fn reread_creates(
        &self,
        request: &Request,
        changes: &[ChangeId],
        since: Instant,
        message: &(dyn Fn(ChangeId) -> String + Sync),
        settled: &mut Settled,
    ) -> Vec<ChangeId> {
        let wanted: HashSet<ChangeId> = changes.iter().copied().collect();
        let mut absent = Vec::new();
        match request {
            Request::CreateUsers { items, .. } => match self.users_since(since).await {
                Ok(users) => {
                    for (change, username) in items.iter().filter(|(c, _)| wanted.contains(c)) {
                        match users.get(&UserKey::new(username)) {
                            Some(id) => {
                                self.record_user(settled, username, id.clone());
                                self.settle(
                                    settled,
                                    *change,
                                    &Settlement::new(JournalStatus::Applied)
                                        .message(message(*change)),
                                );
                            }
                            None => absent.push(*change),
                        }
                    }
                }
                Err(e) => {
                    self.unknown(settled, changes, &e);
                    return Vec::new();
                }
            },
            Request::CreateGroups { slots, .. } => {
                let slots: Vec<_> = slots
                    .iter()
                    .filter(|s| s.changes.iter().any(|c| wanted.contains(c)))
                    .collect();
                let ids: Vec<String> = slots.iter().map(|s| s.correlation_id.clone()).collect();
                match fetch::groups_by_correlation(self.versioned_reads(), &ids).await {
                    Ok(found) => {
                        for slot in slots {
                            match found.get(&slot.correlation_id) {
                                Some((id, _)) => {
                                    self.record_group(settled, &slot.name, id.clone());
                                    for change in &slot.changes {
                                        self.settle(
                                            settled,
                                            *change,
                                            &Settlement::new(JournalStatus::Applied)
                                                .message(message(*change)),
                                        );
                                    }
                                }
                                None => absent.extend(slot.changes.iter().copied()),
                            }
                        }
                    }
                    Err(e) => {
                        self.unknown(settled, changes, &e);
                        return Vec::new();
                    }
                }
            }
            _ => absent.extend_from_slice(changes),
        }
        absent
    }

    pub(super) fn unknown(&self, settled: &mut Settled, changes: &[ChangeId], error: &ExecError) {
        let message = format!(
            "outcome unknown, and the re-read failed: {}",
            error.with_causes()
        );
        self.settle_all(
            settled,
            changes,
            &Settlement::new(JournalStatus::Unknown)
                .message(message.clone())
                .rci(error.rci())
                .with_http_status(error.http_status()),
        );
    }
}
