//! RFC 7591 dynamic client registration.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde_json::{Map, Value};

use crate::client::{self, AuthMethod, Client, Origin};
use crate::server::SandboxOAuth;
use crate::wire::{self, OAuthError};
use crate::{scope, secret};

/// The most redirect URIs one client may register.
const MAX_REDIRECT_URIS: usize = 10;
/// The longest client name, in characters.
const MAX_NAME: usize = 100;

pub(crate) async fn register(
    State(server): State<SandboxOAuth>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match server.register_client(&headers, &body) {
        Ok(document) => wire::json(StatusCode::CREATED, &document),
        Err(error) => error.into_response(),
    }
}

pub(crate) fn is_content_type(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

fn strings(metadata: &Map<String, Value>, field: &str) -> Result<Option<Vec<String>>, String> {
    match metadata.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("every entry of `{field}` must be a string"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(format!("`{field}` must be an array of strings")),
    }
}

fn text<'a>(metadata: &'a Map<String, Value>, field: &str) -> Result<Option<&'a str>, String> {
    match metadata.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("`{field}` must be a string")),
    }
}

impl SandboxOAuth {
    fn register_client(&self, headers: &HeaderMap, body: &[u8]) -> Result<Value, OAuthError> {
        if !is_content_type(headers, "application/json") {
            return Err(OAuthError::invalid_request(
                "send the client metadata as Content-Type: application/json",
            ));
        }
        let metadata: Map<String, Value> = serde_json::from_slice(body).map_err(|e| {
            OAuthError::invalid_client_metadata(format!(
                "the body must be a JSON object of client metadata: {e}"
            ))
        })?;
        let metadata_error = OAuthError::invalid_client_metadata;

        let redirect_uris = strings(&metadata, "redirect_uris")
            .map_err(OAuthError::invalid_redirect_uri)?
            .unwrap_or_default();
        if redirect_uris.is_empty() {
            return Err(OAuthError::invalid_redirect_uri(
                "`redirect_uris` must list at least one redirect URI",
            ));
        }
        if redirect_uris.len() > MAX_REDIRECT_URIS {
            return Err(OAuthError::invalid_redirect_uri(format!(
                "at most {MAX_REDIRECT_URIS} redirect URIs may be registered"
            )));
        }
        for uri in &redirect_uris {
            client::check_redirect_uri(uri).map_err(OAuthError::invalid_redirect_uri)?;
        }

        let name = match text(&metadata, "client_name").map_err(metadata_error)? {
            None => "Unnamed client".to_owned(),
            Some(name) => {
                let name = name.trim();
                if name.is_empty()
                    || name.chars().count() > MAX_NAME
                    || name.chars().any(char::is_control)
                {
                    return Err(metadata_error(format!(
                        "`client_name` must be 1 to {MAX_NAME} printable characters"
                    )));
                }
                name.to_owned()
            }
        };

        // RFC 7591 section 2: without `grant_types`, authorization_code only.
        let grant_types = strings(&metadata, "grant_types")
            .map_err(metadata_error)?
            .unwrap_or_else(|| vec!["authorization_code".to_owned()]);
        if let Some(other) = grant_types
            .iter()
            .find(|g| !matches!(g.as_str(), "authorization_code" | "refresh_token"))
        {
            return Err(metadata_error(format!(
                "the grant type `{}` is not supported; use authorization_code and refresh_token",
                client::shorten(other)
            )));
        }
        if !grant_types.iter().any(|g| g == "authorization_code") {
            return Err(OAuthError::invalid_client_metadata(
                "`grant_types` must include authorization_code: it is the only way to get a grant",
            ));
        }
        let refresh = grant_types.iter().any(|g| g == "refresh_token");

        let response_types = strings(&metadata, "response_types").map_err(metadata_error)?;
        if response_types
            .as_ref()
            .is_some_and(|r| r.iter().any(|t| t != "code"))
        {
            return Err(OAuthError::invalid_client_metadata(
                "`response_types` may only contain code",
            ));
        }

        // RFC 7591 section 2: the default method is client_secret_basic.
        let auth_method =
            match text(&metadata, "token_endpoint_auth_method").map_err(metadata_error)? {
                None => AuthMethod::SecretBasic,
                Some(name) => AuthMethod::parse(name).ok_or_else(|| {
                    metadata_error(format!(
                        "the token endpoint auth method `{}` is not supported; use one of: {}",
                        client::shorten(name),
                        AuthMethod::NAMES.join(", ")
                    ))
                })?,
            };
        let scope = match text(&metadata, "scope").map_err(metadata_error)? {
            Some(s) => Some(scope::parse(s).map_err(metadata_error)?),
            None => None,
        };

        let id = secret::random().map_err(|e| OAuthError::server_error(e.to_string()))?;
        let client_secret = match auth_method {
            AuthMethod::None => None,
            _ => Some(secret::random().map_err(|e| OAuthError::server_error(e.to_string()))?),
        };
        let client = Client {
            id: id.clone(),
            name: name.clone(),
            redirect_uris: redirect_uris.clone(),
            refresh,
            auth_method,
            secret_digest: client_secret.as_deref().map(secret::digest),
            origin: Origin::Registered,
        };
        let lifetime = self.config().lifetimes.client;
        self.records().clients.insert(id.clone(), client, lifetime);
        tracing::info!(client_id = %id, client_name = %name, "registered an OAuth client");

        let mut document = serde_json::json!({
            "client_id": id,
            "client_id_issued_at": SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()),
            "client_name": name,
            "redirect_uris": redirect_uris,
            "grant_types": grant_types,
            "response_types": ["code"],
            "token_endpoint_auth_method": auth_method.name(),
        });
        if let Some(client_secret) = client_secret {
            document["client_secret"] = client_secret.into();
            // Secrets live as long as the registration; 0 would promise forever.
            let expires = SystemTime::now()
                .checked_add(lifetime)
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_secs());
            document["client_secret_expires_at"] = expires.into();
        }
        if let Some(scope) = scope {
            document["scope"] = scope::join(&scope).into();
        }
        Ok(document)
    }
}
