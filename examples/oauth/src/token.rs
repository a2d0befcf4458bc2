//! The token endpoint: codes and refresh tokens in, access tokens out.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{HeaderMap, StatusCode};
use percent_encoding::percent_decode_str;

use crate::client::Client;
use crate::form::Params;
use crate::grant::Refresh;
use crate::register::is_content_type;
use crate::server::SandboxOAuth;
use crate::wire::{self, OAuthError};
use crate::{pkce, resource, scope, secret};

pub(crate) async fn token(
    State(server): State<SandboxOAuth>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match server.exchange(&headers, &body) {
        Ok(document) => wire::json(StatusCode::OK, &document),
        Err(error) => {
            tracing::debug!(
                error = error.code(),
                description = error.description(),
                "token request refused"
            );
            error.into_response()
        }
    }
}

/// Credentials of an `Authorization: Basic` header: RFC 6749 section 2.3.1
/// form-encodes id and secret before joining them.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(None);
    };
    let bad = || OAuthError::invalid_client("the Basic credentials are malformed", true);
    let value = value.to_str().map_err(|_| bad())?;
    let Some((scheme, encoded)) = value.split_once(' ') else {
        return Err(bad());
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(OAuthError::invalid_request(
            "the token endpoint accepts Basic client credentials only",
        ));
    }
    let decoded = STANDARD.decode(encoded.trim()).map_err(|_| bad())?;
    let decoded = String::from_utf8(decoded).map_err(|_| bad())?;
    let (id, secret) = decoded.split_once(':').ok_or_else(bad)?;
    let unescape = |s: &str| {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8()
            .map(|s| s.into_owned())
            .map_err(|_| bad())
    };
    Ok(Some((unescape(id)?, unescape(secret)?)))
}

/// What the token endpoint answers with.
struct Issue<'a> {
    client: &'a Client,
    user: &'a str,
    /// The scopes of the grant, which the refresh token keeps.
    granted: &'a [String],
    /// The scopes of this access token (fewer on a narrowing refresh).
    scopes: &'a [String],
    family: &'a str,
}

impl SandboxOAuth {
    fn exchange(&self, headers: &HeaderMap, body: &[u8]) -> Result<serde_json::Value, OAuthError> {
        if !is_content_type(headers, "application/x-www-form-urlencoded") {
            return Err(OAuthError::invalid_request(
                "send the token request as Content-Type: application/x-www-form-urlencoded",
            ));
        }
        let params = std::str::from_utf8(body)
            .map_err(|_| "the body is not UTF-8".to_owned())
            .and_then(Params::parse)
            .map_err(OAuthError::invalid_request)?;
        let client = self.authenticate_client(headers, &params)?;
        if let Some(r) = params.get("resource")
            && !resource::matches(self.resource(), r)
        {
            return Err(OAuthError::invalid_target(format!(
                "this server issues tokens for `{}` only",
                self.resource()
            )));
        }
        match params.get("grant_type") {
            Some("authorization_code") => self.redeem_code(&client, &params),
            Some("refresh_token") if !client.refresh => Err(OAuthError::unauthorized_client(
                "this client did not register the refresh_token grant",
            )),
            Some("refresh_token") => self.refresh(&client, &params),
            Some(other) => Err(OAuthError::unsupported_grant_type(format!(
                "the grant type `{}` is not supported; use authorization_code or refresh_token",
                crate::client::shorten(other)
            ))),
            None => Err(OAuthError::invalid_request("grant_type is required")),
        }
    }

    /// Finds the client and, when it has a secret, checks it (sent in a Basic
    /// header or in the body: either is accepted, once).
    fn authenticate_client(
        &self,
        headers: &HeaderMap,
        params: &Params,
    ) -> Result<Client, OAuthError> {
        let basic = basic_credentials(headers)?;
        let body_secret = params.get("client_secret");
        if let Some((basic_id, _)) = &basic {
            let other_id = params.get("client_id").is_some_and(|id| id != basic_id);
            if body_secret.is_some() || other_id {
                return Err(OAuthError::invalid_request(
                    "client credentials must be sent one way only: Basic header or form body",
                ));
            }
        }
        let (id, presented) = match &basic {
            Some((id, secret)) => (id.as_str(), Some(secret.as_str())),
            None => (
                params
                    .get("client_id")
                    .ok_or_else(|| OAuthError::invalid_client("client_id is required", false))?,
                body_secret,
            ),
        };
        let by_basic = basic.is_some();
        let client = match self.records().clients.get(&id.to_owned()) {
            Some(client) => client.clone(),
            None if id.starts_with("https://") && self.config().metadata_documents => {
                Client::from_metadata_url(id)
                    .map_err(|e| OAuthError::invalid_client(e, by_basic))?
            }
            None => {
                return Err(OAuthError::invalid_client(
                    "unknown client: registrations are kept in memory and end when the server \
                     restarts; register again",
                    by_basic,
                ));
            }
        };
        match (client.secret_digest, presented) {
            (None, _) => Ok(client),
            (Some(_), None) => Err(OAuthError::invalid_client(
                format!(
                    "this client authenticates with {}: send its client_secret",
                    client.auth_method.name()
                ),
                by_basic,
            )),
            (Some(digest), Some(presented)) => {
                if secret::matches(&digest, presented) {
                    Ok(client)
                } else {
                    Err(OAuthError::invalid_client(
                        "the client secret is wrong",
                        by_basic,
                    ))
                }
            }
        }
    }

    fn redeem_code(
        &self,
        client: &Client,
        params: &Params,
    ) -> Result<serde_json::Value, OAuthError> {
        let code = params
            .get("code")
            .ok_or_else(|| OAuthError::invalid_request("code is required"))?;
        let verifier = params
            .get("code_verifier")
            .ok_or_else(|| OAuthError::invalid_request("code_verifier is required (PKCE)"))?;
        let key = secret::digest(code);
        let grant = {
            let mut records = self.records();
            let Some(grant) = records.codes.get_mut(&key) else {
                return Err(OAuthError::invalid_grant(
                    "the authorization code is unknown or has expired; sign in again",
                ));
            };
            if grant.used {
                // A code presented twice was intercepted or replayed: what was
                // issued from it is revoked.
                let family = grant.family.clone();
                records.revoke_family(&family);
                return Err(OAuthError::invalid_grant(
                    "the authorization code was already used; sign in again",
                ));
            }
            if grant.client_id != client.id {
                return Err(OAuthError::invalid_grant(
                    "the authorization code was issued to another client",
                ));
            }
            match params.get("redirect_uri") {
                Some(uri) if uri == grant.redirect_uri => {}
                Some(_) => {
                    return Err(OAuthError::invalid_grant(
                        "redirect_uri differs from the one of the authorization request",
                    ));
                }
                None if grant.redirect_given => {
                    return Err(OAuthError::invalid_request(
                        "redirect_uri is required: the authorization request named one",
                    ));
                }
                None => {}
            }
            pkce::verify(verifier, &grant.challenge).map_err(OAuthError::invalid_grant)?;
            grant.used = true;
            grant.clone()
        };
        self.respond(&Issue {
            client,
            user: &grant.user,
            granted: &grant.scopes,
            scopes: &grant.scopes,
            family: &grant.family,
        })
    }

    fn refresh(&self, client: &Client, params: &Params) -> Result<serde_json::Value, OAuthError> {
        let token = params
            .get("refresh_token")
            .ok_or_else(|| OAuthError::invalid_request("refresh_token is required"))?;
        let key = secret::digest(token);
        let (grant, scopes) = {
            let mut records = self.records();
            let Some(grant) = records.refresh.get_mut(&key) else {
                return Err(OAuthError::invalid_grant(
                    "the refresh token is unknown, revoked or expired; sign in again",
                ));
            };
            if grant.client_id != client.id {
                return Err(OAuthError::invalid_grant(
                    "the refresh token was issued to another client",
                ));
            }
            if grant.used {
                // Rotation makes every refresh token single-use; a second use
                // means two parties hold it, so the whole lineage ends.
                let family = grant.family.clone();
                records.revoke_family(&family);
                return Err(OAuthError::invalid_grant(
                    "the refresh token was already used; sign in again",
                ));
            }
            // A refresh may narrow the grant, never widen it; a refused
            // request leaves the token usable.
            let scopes = match params.get("scope") {
                None => grant.scopes.clone(),
                Some(s) => {
                    let asked = scope::parse(s).map_err(OAuthError::invalid_scope)?;
                    if let Some(extra) = asked.iter().find(|s| !grant.scopes.contains(s)) {
                        return Err(OAuthError::invalid_scope(format!(
                            "`{extra}` was not granted; a refresh may only ask for: {}",
                            scope::join(&grant.scopes)
                        )));
                    }
                    asked
                }
            };
            grant.used = true;
            (grant.clone(), scopes)
        };
        self.respond(&Issue {
            client,
            user: &grant.user,
            granted: &grant.scopes,
            scopes: &scopes,
            family: &grant.family,
        })
    }

    fn respond(&self, issue: &Issue<'_>) -> Result<serde_json::Value, OAuthError> {
        let user = self
            .user(issue.user)
            .ok_or_else(|| OAuthError::invalid_grant("the user of this grant no longer exists"))?;
        let access = self
            .mint(user, &issue.client.id, issue.scopes)
            .map_err(|e| OAuthError::server_error(e.to_string()))?;
        let mut document = serde_json::json!({
            "access_token": access.access_token(),
            "token_type": "Bearer",
            "expires_in": access.expires_in().as_secs(),
            "scope": scope::join(issue.scopes),
        });
        if issue.client.refresh {
            let refresh = secret::random().map_err(|e| OAuthError::server_error(e.to_string()))?;
            let lifetime = self.config().lifetimes.refresh_token;
            self.records().refresh.insert(
                secret::digest(&refresh),
                Refresh {
                    client_id: issue.client.id.clone(),
                    user: issue.user.to_owned(),
                    scopes: issue.granted.to_vec(),
                    family: issue.family.to_owned(),
                    used: false,
                },
                lifetime,
            );
            document["refresh_token"] = refresh.into();
        }
        Ok(document)
    }
}
