//! Issued tokens: ASID tokens, OAuth access and refresh tokens.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Why a presented token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    /// Not a token this tenant issued.
    Unknown,
    /// Issued, but past its lifetime.
    Expired,
}

#[derive(Debug, Clone)]
struct Issued {
    username: String,
    expires: Instant,
}

/// What a refresh token grants.
#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub username: String,
}

/// The token store.
pub(crate) struct Tokens {
    rng: ChaCha8Rng,
    lifetime: Duration,
    access: HashMap<String, Issued>,
    refresh: HashMap<String, RefreshGrant>,
}

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

impl Tokens {
    pub(crate) fn new(seed: u64, lifetime: Duration) -> Self {
        Tokens {
            rng: ChaCha8Rng::seed_from_u64(seed.wrapping_add(0x70_4e_5a)),
            lifetime,
            access: HashMap::new(),
            refresh: HashMap::new(),
        }
    }

    pub(crate) fn lifetime(&self) -> Duration {
        self.lifetime
    }

    fn random(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(ALPHABET[self.rng.random_range(0..ALPHABET.len())]))
            .collect()
    }

    /// Issues an access (or ASID) token for `username`.
    pub(crate) fn issue(&mut self, username: &str) -> String {
        let token = self.random(64);
        self.access.insert(
            token.clone(),
            Issued {
                username: username.to_owned(),
                expires: Instant::now() + self.lifetime,
            },
        );
        token
    }

    /// Issues a refresh token for `username`.
    pub(crate) fn issue_refresh(&mut self, username: &str) -> String {
        let token = self.random(48);
        self.refresh.insert(
            token.clone(),
            RefreshGrant {
                username: username.to_owned(),
            },
        );
        token
    }

    /// Consumes a refresh token (they are single-use, as in OAuth 2.0
    /// rotation).
    pub(crate) fn take_refresh(&mut self, token: &str) -> Option<RefreshGrant> {
        self.refresh.remove(token)
    }

    /// The user a token belongs to.
    pub(crate) fn check(&mut self, token: &str) -> Result<String, TokenProblem> {
        match self.access.get(token) {
            None => Err(TokenProblem::Unknown),
            Some(t) if Instant::now() >= t.expires => Err(TokenProblem::Expired),
            Some(t) => Ok(t.username.clone()),
        }
    }
}
