//! [`Credentials`]: where the tenant is and who signs in, in the terms of the official SDK's
//! `VISIER_*` environment variables ([`var`]), and the one rule that turns them into an
//! [`Auth`] ([`Credentials::method`]).
//!
//! [`ClientBuilder::from_env`] reads them from the process; the `vsync` command layers a
//! settings file and flags over the same variables and then asks the same two questions, so
//! a program and the command line never disagree about how a set of variables signs in.

use std::fmt;

use secrecy::SecretString;

use crate::ClientError;
use crate::config::{Auth, ClientBuilder};

/// The environment variables, as Visier's official SDK names them (plus [`var::TOKEN`]).
pub mod var {
    /// The tenant's API root, e.g. `https://acme.api.visier.io`.
    pub const HOST: &str = "VISIER_HOST";
    /// The tenant's API key.
    pub const APIKEY: &str = "VISIER_APIKEY";
    /// The vanity name, for ASID sign-in.
    pub const VANITY: &str = "VISIER_VANITY";
    /// The user who signs in.
    pub const USERNAME: &str = "VISIER_USERNAME";
    /// That user's password.
    pub const PASSWORD: &str = "VISIER_PASSWORD";
    /// The OAuth 2.0 client application.
    pub const CLIENT_ID: &str = "VISIER_CLIENT_ID";
    /// Its secret.
    pub const CLIENT_SECRET: &str = "VISIER_CLIENT_SECRET";
    /// The tenant the calls run in (an analytic tenant of an administrating tenant).
    pub const TENANT_CODE: &str = "VISIER_TENANT_CODE";
    /// A bearer token obtained elsewhere (vsync's addition; the SDK has no such variable).
    pub const TOKEN: &str = "VISIER_TOKEN";
}

/// How a client signs in; see [`Credentials::method`] for the default choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuthMethod {
    /// Username and password for an ASID token.
    Asid,
    /// OAuth 2.0 password grant: client id and secret, username and password.
    OAuthPassword,
    /// A bearer token obtained elsewhere.
    Bearer,
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AuthMethod::Asid => "asid",
            AuthMethod::OAuthPassword => "oauth-password",
            AuthMethod::Bearer => "bearer",
        })
    }
}

/// Where the tenant is and who signs in. Every field is optional here; [`Credentials::auth`]
/// and [`Credentials::builder`] say what is missing for the chosen method.
#[derive(Clone, Default)]
pub struct Credentials {
    /// [`var::HOST`].
    pub host: Option<String>,
    /// [`var::APIKEY`].
    pub api_key: Option<SecretString>,
    /// [`var::VANITY`].
    pub vanity: Option<String>,
    /// [`var::USERNAME`].
    pub username: Option<String>,
    /// [`var::PASSWORD`].
    pub password: Option<SecretString>,
    /// [`var::CLIENT_ID`].
    pub client_id: Option<String>,
    /// [`var::CLIENT_SECRET`].
    pub client_secret: Option<SecretString>,
    /// [`var::TENANT_CODE`].
    pub tenant_code: Option<String>,
    /// [`var::TOKEN`].
    pub token: Option<SecretString>,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secret = |s: &Option<SecretString>| s.as_ref().map(|_| "[redacted]");
        f.debug_struct("Credentials")
            .field("host", &self.host)
            .field("api_key", &secret(&self.api_key))
            .field("vanity", &self.vanity)
            .field("username", &self.username)
            .field("password", &secret(&self.password))
            .field("client_id", &self.client_id)
            .field("client_secret", &secret(&self.client_secret))
            .field("tenant_code", &self.tenant_code)
            .field("token", &secret(&self.token))
            .finish()
    }
}

impl Credentials {
    /// The variables of the process environment; an empty variable counts as unset.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The variables as `lookup` gives them; an empty (or blank) value counts as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let text = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let secret = |name: &str| text(name).map(SecretString::from);
        Self {
            host: text(var::HOST),
            api_key: secret(var::APIKEY),
            vanity: text(var::VANITY),
            username: text(var::USERNAME),
            password: secret(var::PASSWORD),
            client_id: text(var::CLIENT_ID),
            client_secret: secret(var::CLIENT_SECRET),
            tenant_code: text(var::TENANT_CODE),
            token: secret(var::TOKEN),
        }
    }

    /// The method these credentials call for, as the SDK chooses: with a client id and secret,
    /// the OAuth 2.0 password grant (which also needs the username and password); a bearer
    /// token without a password; ASID otherwise.
    pub fn method(&self) -> AuthMethod {
        if self.client_id.is_some() && self.client_secret.is_some() {
            AuthMethod::OAuthPassword
        } else if self.token.is_some() && self.password.is_none() {
            AuthMethod::Bearer
        } else {
            AuthMethod::Asid
        }
    }

    /// Who signs in: the username (every supported method signs in as a user, or with a
    /// token obtained for one).
    pub fn account(&self) -> Option<&str> {
        self.username.as_deref()
    }

    /// The [`Auth`] for `method` ([`Credentials::method`] when `None`), or a
    /// [`ClientError::Config`] naming every value the method needs and lacks.
    pub fn auth(&self, method: Option<AuthMethod>) -> Result<Auth, ClientError> {
        let method = method.unwrap_or_else(|| self.method());
        let mut missing = Vec::new();
        let mut need_text = |value: &Option<String>, name: &'static str| {
            if value.is_none() {
                missing.push(name);
            }
            value.clone().unwrap_or_default()
        };
        let username = need_text(&self.username, var::USERNAME);
        let client_id = need_text(&self.client_id, var::CLIENT_ID);
        let mut need = |value: &Option<SecretString>, name: &'static str| {
            if value.is_none() {
                missing.push(name);
            }
            value.clone().unwrap_or_else(|| SecretString::from(""))
        };
        let password = need(&self.password, var::PASSWORD);
        let client_secret = need(&self.client_secret, var::CLIENT_SECRET);
        let token = need(&self.token, var::TOKEN);
        let (auth, needs): (Auth, &[&str]) = match method {
            AuthMethod::Asid => (
                Auth::Asid {
                    username,
                    password,
                    vanity: self.vanity.clone(),
                },
                &[var::USERNAME, var::PASSWORD],
            ),
            AuthMethod::OAuthPassword => (
                Auth::OAuthPassword {
                    client_id,
                    client_secret,
                    username,
                    password,
                },
                &[
                    var::CLIENT_ID,
                    var::CLIENT_SECRET,
                    var::USERNAME,
                    var::PASSWORD,
                ],
            ),
            AuthMethod::Bearer => (Auth::Bearer(token), &[var::TOKEN]),
        };
        let lacking: Vec<&str> = needs
            .iter()
            .copied()
            .filter(|name| missing.contains(name))
            .collect();
        if lacking.is_empty() {
            Ok(auth)
        } else {
            Err(ClientError::Config(format!(
                "{method} sign-in needs {}",
                lacking.join(" and ")
            )))
        }
    }

    /// A builder with the host, the API key, the [`Auth`] for `method` and the tenant code
    /// (sent as the `TargetTenantID` header and as the `tenantCode` of the calls that take
    /// one).
    pub fn builder(&self, method: Option<AuthMethod>) -> Result<ClientBuilder, ClientError> {
        let host = self
            .host
            .clone()
            .ok_or_else(|| ClientError::Config(format!("{} is not set", var::HOST)))?;
        let api_key = self
            .api_key
            .clone()
            .ok_or_else(|| ClientError::Config(format!("{} is not set", var::APIKEY)))?;
        let mut builder = ClientBuilder::default()
            .base_url(host)
            .api_key(api_key)
            .auth(self.auth(method)?);
        if let Some(code) = &self.tenant_code {
            builder = builder.tenant(code.clone()).tenant_code(code.clone());
        }
        Ok(builder)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::collections::HashMap;

    use super::*;

    /// Variables as a lookup function, for the tests here and of `ClientBuilder::from_lookup`.
    pub(crate) fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn the_method_follows_what_is_set() {
        let c = |vars: &[(&str, &str)]| Credentials::from_lookup(lookup(vars)).method();
        assert_eq!(
            c(&[("VISIER_USERNAME", "u"), ("VISIER_PASSWORD", "p")]),
            AuthMethod::Asid
        );
        // A client id and secret choose the password grant, as the SDK does; it then needs
        // the user too (there is no supported sign-in with the client alone).
        let client_only = Credentials::from_lookup(lookup(&[
            ("VISIER_CLIENT_ID", "c"),
            ("VISIER_CLIENT_SECRET", "s"),
        ]));
        assert_eq!(client_only.method(), AuthMethod::OAuthPassword);
        let err = client_only.auth(None).unwrap_err().to_string();
        assert!(
            err.contains("oauth-password sign-in needs VISIER_USERNAME and VISIER_PASSWORD"),
            "{err}"
        );
        assert_eq!(
            c(&[
                ("VISIER_CLIENT_ID", "c"),
                ("VISIER_CLIENT_SECRET", "s"),
                ("VISIER_USERNAME", "u"),
                ("VISIER_PASSWORD", "p"),
            ]),
            AuthMethod::OAuthPassword
        );
        assert_eq!(c(&[("VISIER_TOKEN", "t")]), AuthMethod::Bearer);
        assert_eq!(c(&[]), AuthMethod::Asid);
    }

    #[test]
    fn blank_variables_count_as_unset() {
        let c = Credentials::from_lookup(lookup(&[("VISIER_HOST", "  "), ("VISIER_APIKEY", "")]));
        assert!(c.host.is_none() && c.api_key.is_none());
    }

    #[test]
    fn a_missing_value_is_named_once_with_everything_else_missing() {
        let c = Credentials::from_lookup(lookup(&[("VISIER_USERNAME", "u")]));
        let err = c.auth(None).unwrap_err().to_string();
        assert!(err.contains("asid sign-in needs VISIER_PASSWORD"), "{err}");
        assert!(!err.contains("VISIER_USERNAME"), "{err}");
        let err = c
            .auth(Some(AuthMethod::OAuthPassword))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("VISIER_CLIENT_ID and VISIER_CLIENT_SECRET and VISIER_PASSWORD"),
            "{err}"
        );
    }

    #[test]
    fn the_tenant_code_picks_the_tenant_of_every_call() {
        let c = Credentials::from_lookup(lookup(&[
            ("VISIER_HOST", "https://acme.api.visier.io"),
            ("VISIER_APIKEY", "k"),
            ("VISIER_USERNAME", "u"),
            ("VISIER_PASSWORD", "p"),
            ("VISIER_TENANT_CODE", "WFF_j1~c7"),
        ]));
        let builder = c.builder(None).unwrap();
        assert_eq!(builder.defaults.target_tenant.as_deref(), Some("WFF_j1~c7"));
        assert_eq!(builder.defaults.tenant_code.as_deref(), Some("WFF_j1~c7"));
    }

    #[test]
    fn debug_hides_every_secret() {
        let c = Credentials::from_lookup(lookup(&[
            ("VISIER_APIKEY", "key-SECRET"),
            ("VISIER_PASSWORD", "pw-SECRET"),
            ("VISIER_CLIENT_SECRET", "cs-SECRET"),
            ("VISIER_TOKEN", "tok-SECRET"),
            ("VISIER_USERNAME", "someone"),
        ]));
        let text = format!("{c:?}");
        assert!(!text.contains("SECRET"), "{text}");
        assert!(text.contains("someone"), "{text}");
    }
}
