//! Logging in explicitly: `client.auth()`.

use crate::ClientError;

use super::handler;

handler!(
    /// Authentication: `client.auth()`. Calls log in by themselves; this is
    /// for checking credentials up front.
    AuthHandler
);

impl AuthHandler {
    /// Logs in now (or reuses a fresh token), so bad credentials fail
    /// before any work starts.
    pub async fn login(&self) -> Result<(), ClientError> {
        self.client.credential().await.map(|_| ())
    }

    /// Forgets the current token; the next call logs in again.
    #[expect(
        clippy::unused_async,
        reason = "the public API stays async, as callers already await it"
    )]
    pub async fn logout(&self) {
        if let Some(generation) = self.client.credential_generation() {
            self.client.invalidate(generation);
        }
    }
}
