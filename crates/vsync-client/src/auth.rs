//! Logging in and keeping a token fresh.
//!
//! One token is shared by every request of a client. It is fetched on the
//! first call, refreshed shortly before it expires (OAuth's `expires_in`,
//! or the assumed ASID lifetime), and once more when a call is answered
//! 401. A request takes the token when it leaves, after its pacing wait,
//! so a wait longer than the token's life costs a login, not a 401.
//! Concurrent callers wait for the same login instead of each logging in.
//! Tokens live in `SecretString`s and go out only as sensitive header
//! values.
//!
//! A login answered 401 or 403 is [`ErrorKind::Auth`](crate::ErrorKind::Auth);
//! any other failure of the login (a 500, a timeout) keeps its own kind:
//! the credentials were never judged.

use std::time::Duration;

use base64::Engine as _;
use http::header::{AUTHORIZATION, COOKIE};
use http::{HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::time::Instant;
use vsync_api::paths::{self, Operation};
use vsync_api::{AuthenticationRequest, GrantType, TokenRequestBody, TokenResponse, headers};

use crate::client::Client;
use crate::core::{Mode, ReqBody, Request, Sink};
use crate::{Auth, CallOptions, ClientError};

/// The header a request carries to prove who it is.
#[derive(Clone)]
pub(crate) struct Credential {
    pub(crate) name: HeaderName,
    pub(crate) value: HeaderValue,
    pub(crate) generation: u64,
    pub(crate) refreshable: bool,
}

#[derive(Clone)]
struct Token {
    value: HeaderValue,
    name: HeaderName,
    expires_at: Instant,
    lifetime: Duration,
    generation: u64,
}

impl Token {
    fn fresh(&self, now: Instant) -> bool {
        let margin = (self.lifetime / 10).min(Duration::from_secs(60));
        now + margin < self.expires_at
    }
}

/// The token state of a client.
#[derive(Default)]
pub(crate) struct TokenCache {
    /// Held while logging in, so one task logs in and the others wait for
    /// its token.
    login: tokio::sync::Mutex<LoginState>,
    /// The token requests leave with, read without waiting for a login.
    current: std::sync::Mutex<Option<Token>>,
}

#[derive(Default)]
struct LoginState {
    refresh_token: Option<SecretString>,
    generation: u64,
}

impl TokenCache {
    fn current(&self) -> std::sync::MutexGuard<'_, Option<Token>> {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The current token as a credential, if it is fresh (or, with
    /// `allow_stale`, if there is one).
    fn credential(&self, allow_stale: bool) -> Option<Credential> {
        let now = Instant::now();
        self.current()
            .as_ref()
            .filter(|t| allow_stale || t.fresh(now))
            .map(|t| Credential {
                name: t.name.clone(),
                value: t.value.clone(),
                generation: t.generation,
                refreshable: true,
            })
    }
}

fn sensitive(value: &str) -> Result<HeaderValue, ClientError> {
    let mut v = HeaderValue::from_str(value).map_err(|_| ClientError::Auth {
        message: "the token is not a valid header value".into(),
        response: None,
    })?;
    v.set_sensitive(true);
    Ok(v)
}

fn basic(client_id: &str, secret: &SecretString) -> Result<HeaderValue, ClientError> {
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(format!("{client_id}:{}", secret.expose_secret()));
    sensitive(&format!("Basic {encoded}"))
}

fn form<T: serde::Serialize>(body: &T) -> Result<ReqBody, ClientError> {
    let encoded = serde_urlencoded::to_string(body).map_err(|_| ClientError::Auth {
        message: "cannot encode the login form".into(),
        response: None,
    })?;
    Ok(ReqBody::Form(SecretString::from(encoded)))
}

fn given_token(token: &SecretString) -> Result<Credential, ClientError> {
    Ok(Credential {
        name: AUTHORIZATION,
        value: sensitive(&headers::bearer(token.expose_secret()))?,
        generation: 0,
        refreshable: false,
    })
}

impl Client {
    /// The credential a request leaving now carries, without logging in:
    /// `None` when there is no fresh token (with `allow_stale`, any token
    /// will do). Never waits for a login, so a caller holding a place under
    /// the rate limit cannot hold up the login it waits for.
    pub(crate) fn current_credential(
        &self,
        allow_stale: bool,
    ) -> Result<Option<Credential>, ClientError> {
        match self.auth_settings()? {
            Auth::Bearer(token) => given_token(token).map(Some),
            _ => Ok(self.inner.tokens.credential(allow_stale)),
        }
    }

    /// The credential for the next request, logging in if needed.
    pub(crate) async fn credential(&self) -> Result<Credential, ClientError> {
        let auth = self.auth_settings()?;
        if let Auth::Bearer(token) = auth {
            return given_token(token);
        }
        let tokens = &self.inner.tokens;
        if let Some(credential) = tokens.credential(false) {
            return Ok(credential);
        }
        let mut state = tokens.login.lock().await;
        // Another task may have logged in while this one waited.
        if let Some(credential) = tokens.credential(false) {
            return Ok(credential);
        }
        let refresh = state.refresh_token.take();
        let (token, refresh_token) = Box::pin(self.login(auth, refresh)).await?;
        state.generation += 1;
        let generation = state.generation;
        let credential = Credential {
            name: token.name.clone(),
            value: token.value.clone(),
            generation,
            refreshable: true,
        };
        *tokens.current() = Some(Token {
            generation,
            ..token
        });
        state.refresh_token = refresh_token;
        Ok(credential)
    }

    /// Forgets the token of `generation` after a 401, so the next call
    /// logs in again; a newer token is kept.
    pub(crate) fn invalidate(&self, generation: u64) {
        let mut current = self.inner.tokens.current();
        if current.as_ref().is_some_and(|t| t.generation == generation) {
            *current = None;
        }
    }

    /// The generation of the current token, if there is one.
    pub(crate) fn credential_generation(&self) -> Option<u64> {
        self.inner.tokens.current().as_ref().map(|t| t.generation)
    }

    fn auth_settings(&self) -> Result<&Auth, ClientError> {
        self.inner
            .settings
            .auth
            .as_ref()
            .ok_or_else(|| ClientError::Config("no credentials".into()))
    }

    async fn login(
        &self,
        auth: &Auth,
        refresh: Option<SecretString>,
    ) -> Result<(Token, Option<SecretString>), ClientError> {
        self.inner.metrics.login();
        match auth {
            Auth::Asid {
                username,
                password,
                vanity,
            } => {
                let body = form(&AuthenticationRequest {
                    username: Some(username.clone()),
                    password: Some(password.expose_secret().to_owned()),
                    vanity_name: vanity.clone(),
                })?;
                let mut req = Request::new(
                    Operation::AsidToken,
                    paths::ASID_TOKEN,
                    CallOptions::default(),
                );
                req.body = body;
                let raw = self.token_call(&req).await?;
                let text = std::str::from_utf8(&raw.body)
                    .map(str::trim)
                    .unwrap_or_default()
                    .to_owned();
                if text.is_empty() {
                    return Err(ClientError::Auth {
                        message: "the ASID login answered an empty token".into(),
                        response: None,
                    });
                }
                let lifetime = self.inner.settings.asid_token_lifetime;
                let token = Token {
                    value: sensitive(&headers::asid_cookie(&text))?,
                    name: COOKIE,
                    expires_at: Instant::now() + lifetime,
                    lifetime,
                    generation: 0,
                };
                Ok((token, None))
            }
            Auth::OAuthPassword {
                client_id,
                client_secret,
                username,
                password,
            } => {
                if let Some(refresh) = refresh {
                    match self.oauth_refresh(client_id, client_secret, &refresh).await {
                        Ok(t) => return Ok(t),
                        Err(e) => tracing::info!(error = %e, "token refresh failed, logging in"),
                    }
                }
                let body = TokenRequestBody {
                    grant_type: Some(GrantType::Password),
                    client_id: Some(client_id.clone()),
                    username: Some(username.clone()),
                    password: Some(password.expose_secret().to_owned()),
                    ..TokenRequestBody::default()
                };
                self.oauth_call(client_id, client_secret, &body).await
            }
            Auth::Bearer(_) => Err(ClientError::Auth {
                message: "a given bearer token cannot be refreshed".into(),
                response: None,
            }),
        }
    }

    async fn oauth_refresh(
        &self,
        client_id: &str,
        client_secret: &SecretString,
        refresh: &SecretString,
    ) -> Result<(Token, Option<SecretString>), ClientError> {
        let body = TokenRequestBody {
            grant_type: Some(GrantType::RefreshToken),
            client_id: Some(client_id.to_owned()),
            refresh_token: Some(refresh.expose_secret().to_owned()),
            ..TokenRequestBody::default()
        };
        self.oauth_call(client_id, client_secret, &body).await
    }

    async fn oauth_call(
        &self,
        client_id: &str,
        client_secret: &SecretString,
        body: &TokenRequestBody,
    ) -> Result<(Token, Option<SecretString>), ClientError> {
        let mut req = Request::new(
            Operation::OAuth2Token,
            paths::OAUTH2_TOKEN,
            CallOptions::default(),
        );
        req.body = form(body)?;
        req.basic_auth = Some(basic(client_id, client_secret)?);
        let raw = self.token_call(&req).await?;
        // Never let a token reach an error message: no serde detail here.
        let answer: TokenResponse = serde_json::from_slice(&raw.body).map_err(|e| {
            ClientError::Auth {
                message: format!(
                    "the token endpoint answered something other than a token response ({:?} at line {}, column {})",
                    e.classify(),
                    e.line(),
                    e.column()
                ),
                response: None,
            }
        })?;
        let access = answer.access_token.ok_or_else(|| ClientError::Auth {
            message: "the token response has no access_token".into(),
            response: None,
        })?;
        let lifetime = Duration::from_secs(
            answer
                .expires_in
                .unwrap_or(vsync_api::limits::ASSUMED_TOKEN_LIFETIME_SECS),
        );
        let token = Token {
            value: sensitive(&headers::bearer(&access))?,
            name: AUTHORIZATION,
            expires_at: Instant::now() + lifetime,
            lifetime,
            generation: 0,
        };
        Ok((token, answer.refresh_token.map(SecretString::from)))
    }

    /// Sends a token request; a refusal (401, 403) is an
    /// [`ClientError::Auth`], any other failure keeps its kind, and a
    /// success's body is used here only.
    async fn token_call(&self, req: &Request) -> Result<crate::RawResponse, ClientError> {
        match self.execute(req, Mode::Typed, Sink::Memory).await {
            Ok(raw) => Ok(raw),
            Err(ClientError::Http {
                status_body,
                response,
            }) if matches!(response.status.as_u16(), 401 | 403) => Err(ClientError::Auth {
                message: format!(
                    "{} answered HTTP {}{}",
                    req.op,
                    response.status,
                    status_body
                        .and_then(|s| s.localized_message.or(s.message))
                        .map(|m| format!(": {m}"))
                        .unwrap_or_default()
                ),
                response: Some(response),
            }),
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_refresh_ahead_of_expiry() {
        let now = Instant::now();
        let token = Token {
            value: HeaderValue::from_static("x"),
            name: COOKIE,
            expires_at: now + Duration::from_secs(3600),
            lifetime: Duration::from_secs(3600),
            generation: 1,
        };
        assert!(token.fresh(now));
        assert!(token.fresh(now + Duration::from_secs(3539)));
        assert!(!token.fresh(now + Duration::from_secs(3541)));
        let short = Token {
            expires_at: now + Duration::from_secs(10),
            lifetime: Duration::from_secs(10),
            ..token
        };
        assert!(short.fresh(now + Duration::from_secs(8)));
        assert!(!short.fresh(now + Duration::from_millis(9100)));
    }

    #[test]
    fn basic_auth_is_sensitive() {
        let v = basic("id", &SecretString::from("secret")).unwrap();
        assert!(v.is_sensitive());
        assert_eq!(format!("{v:?}"), "Sensitive");
    }
}
