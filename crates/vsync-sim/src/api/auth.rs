//! The two token endpoints.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use vsync_api::TokenResponse;

use crate::app::{App, lock};
use crate::http::{ApiError, ok};

/// Form fields, with Visier's SDK's literal `None` treated as absent.
fn form(bytes: &Bytes) -> Result<HashMap<String, String>, ApiError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid form body: {e}")))?;
    Ok(pairs
        .into_iter()
        .filter(|(_, v)| !v.is_empty() && v != "None")
        .collect())
}

fn record_login(app: &App, username: &str, how: &str) {
    let mut world = lock(&app.world);
    let admin = world.admin.clone();
    if let Some(t) = world.tenants.get_mut(&admin) {
        let now = crate::state::now_ms();
        if let Some(id) = t.user_by_username(username).map(|u| u.user_id.clone()) {
            t.update_user(&id, |u| u.last_login_ms = Some(now));
        }
        t.log(username, "Login", format!("signed in with {how}"));
    }
    drop(world);
    app.mark_dirty();
}

/// `POST /v1/admin/visierSecureToken`: the ASID token as plain text.
pub(crate) async fn asid_token(
    State(app): State<Arc<App>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let form = form(&body)?;
    let creds = &app.config.credentials;
    let (Some(user), Some(pass)) = (form.get("username"), form.get("password")) else {
        return Err(ApiError::bad_request("username and password are required"));
    };
    if !user.eq_ignore_ascii_case(&creds.username) || *pass != creds.password {
        return Err(ApiError::unauthorized("invalid username or password"));
    }
    let token = lock(&app.tokens).issue(&creds.username);
    record_login(&app, &creds.username, "ASID token");
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, HeaderValue::from_static("text/plain"))],
        token,
    )
        .into_response())
}

fn basic_auth(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value
        .strip_prefix("Basic ")
        .or_else(|| value.strip_prefix("basic "))?;
    let decoded = STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

fn id_token(username: &str, lifetime_secs: u64) -> String {
    let now = crate::state::now_ms() / 1000;
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let payload = serde_json::json!({
        "iss": "vsync-sim",
        "sub": username,
        "iat": now,
        "exp": now + i64::try_from(lifetime_secs).unwrap_or(i64::MAX / 2),
    });
    let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
    format!("{header}.{payload}.")
}

/// `POST /v1/auth/oauth2/token`: the password and refresh_token grants,
/// with the client in HTTP Basic (or the form). Any other grant type,
/// `client_credentials` included (the spec does not list it), is answered
/// 400 with a `Status` body.
pub(crate) async fn oauth2_token(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let form = form(&body)?;
    let creds = &app.config.credentials;
    let client = basic_auth(&headers).or_else(|| {
        Some((
            form.get("client_id")?.clone(),
            form.get("client_secret")?.clone(),
        ))
    });
    match client {
        Some((id, secret)) if id == creds.client_id && secret == creds.client_secret => {}
        Some(_) => return Err(ApiError::unauthorized("invalid client credentials")),
        None => return Err(ApiError::unauthorized("client authentication is required")),
    }
    let grant = form.get("grant_type").map_or("", String::as_str);
    let username = match grant {
        "password" => {
            let (Some(user), Some(pass)) = (form.get("username"), form.get("password")) else {
                return Err(ApiError::bad_request(
                    "the password grant needs username and password",
                ));
            };
            if !user.eq_ignore_ascii_case(&creds.username) || *pass != creds.password {
                return Err(ApiError::unauthorized("invalid username or password"));
            }
            creds.username.clone()
        }
        "refresh_token" => {
            let Some(refresh) = form.get("refresh_token") else {
                return Err(ApiError::bad_request(
                    "the refresh_token grant needs refresh_token",
                ));
            };
            match lock(&app.tokens).take_refresh(refresh) {
                Some(grant) => grant.username,
                None => return Err(ApiError::unauthorized("invalid or used refresh token")),
            }
        }
        "" => return Err(ApiError::bad_request("grant_type is required")),
        other => {
            return Err(ApiError::bad_request(format!(
                "unsupported grant_type {other:?}"
            )));
        }
    };
    let (access, refresh, lifetime) = {
        let mut tokens = lock(&app.tokens);
        let access = tokens.issue(&username);
        let refresh = tokens.issue_refresh(&username);
        (access, refresh, tokens.lifetime().as_secs())
    };
    if grant != "refresh_token" {
        record_login(&app, &username, &format!("OAuth 2.0 {grant} grant"));
    }
    Ok(ok(&TokenResponse {
        access_token: Some(access),
        refresh_token: Some(refresh),
        id_token: Some(id_token(&username, lifetime)),
        token_type: Some("Bearer".to_owned()),
        expires_in: Some(lifetime),
    }))
}
