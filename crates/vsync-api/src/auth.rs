//! Authentication: the ASID token login and the OAuth 2.0 token endpoint.

use crate::GrantType;
use serde::{Deserialize, Serialize};

/// Your username and password credentials to request an authentication token.
///
/// Sent form-encoded; the answer is the token as plain text.
///
/// Schema: `AuthenticationRequest`. Used as:
/// - the request body of `POST /v1/admin/visierSecureToken` (application/x-www-form-urlencoded)
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AuthenticationRequest {
    /// The unique identifier of the API user requesting a security token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password that corresponds to the user making the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The tenant's vanity name. Not in the spec; sent by Visier's SDK when set.
    #[serde(
        rename = "vanityName",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub vanity_name: Option<String>,
}

/// Token request body definition.
///
/// Sent form-encoded. Visier's SDK sends unused fields as the literal
/// string `None`.
///
/// Schema: `TokenRequestBody`. Used as:
/// - the request body of `POST /v1/auth/oauth2/token` (application/x-www-form-urlencoded)
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenRequestBody {
    /// The grant type; see [`GrantType`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_type: Option<GrantType>,
    /// The ID of the pre-registered client application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The secret of the pre-registered client application.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<String>,
    /// The optional URI to redirect to after authorization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    /// The authorization code. Applicable only for authorization code grant type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The username of the user to authenticate. Applicable only for password grant type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password of the user to authenticate. Applicable only for password grant type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
    /// The ASID token. Applicable only for ASID token grant type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asid_token: Option<String>,
    /// The SAML assertion. Applicable only for saml2-bearer grant type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assertion: Option<String>,
    /// The refresh token. Applicable only for refresh_token grant type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
}

/// The response body (200) of `POST /v1/auth/oauth2/token`.
///
/// Visier's SDK requires every field, with `expires_in` an integer.
///
/// Schema: `TokenResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The access token to be used for API calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_token: Option<String>,
    /// The token used to obtain new access tokens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// The ID token containing user identity information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The type of the token, typically "Bearer".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// The duration in seconds for which the access token is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<u64>,
}
