//! Discovery: RFC 8414 authorization server metadata and the JWKS.

use axum::extract::State;
use axum::response::Response;
use http::StatusCode;

use crate::client::AuthMethod;
use crate::server::SandboxOAuth;
use crate::wire;

/// The endpoint paths, below the issuer's path.
pub(crate) mod path {
    /// Authorization requests and the consent page.
    pub(crate) const AUTHORIZE: &str = "/authorize";
    /// Where the consent form is posted.
    pub(crate) const CONSENT: &str = "/authorize/consent";
    /// The token endpoint.
    pub(crate) const TOKEN: &str = "/token";
    /// Dynamic client registration.
    pub(crate) const REGISTER: &str = "/register";
    /// The public signing key.
    pub(crate) const JWKS: &str = "/jwks";
}

impl SandboxOAuth {
    /// The URL of an endpoint at `path` below the issuer.
    pub(crate) fn endpoint(&self, path: &str) -> String {
        format!("{}{path}", self.issuer())
    }

    /// The authorization server metadata (RFC 8414), as served at
    /// `/.well-known/oauth-authorization-server` and
    /// `/.well-known/openid-configuration`.
    pub fn metadata(&self) -> serde_json::Value {
        let mut document = serde_json::json!({
            "issuer": self.issuer(),
            "authorization_endpoint": self.endpoint(path::AUTHORIZE),
            "token_endpoint": self.endpoint(path::TOKEN),
            "registration_endpoint": self.endpoint(path::REGISTER),
            "jwks_uri": self.endpoint(path::JWKS),
            "scopes_supported": self.scopes(),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "token_endpoint_auth_methods_supported": AuthMethod::NAMES,
            "code_challenge_methods_supported": ["S256"],
            "authorization_response_iss_parameter_supported": true,
            "service_documentation": "https://modelcontextprotocol.io/specification/2025-11-25/basic/authorization",
        });
        if self.config().metadata_documents {
            document["client_id_metadata_document_supported"] = true.into();
        }
        document
    }

    /// The JSON Web Key Set with the signing key's public half.
    pub fn jwks(&self) -> serde_json::Value {
        serde_json::json!({ "keys": [self.signing_key().jwk()] })
    }

    /// The paths the metadata is served at: RFC 8414 path insertion for both
    /// well-known names, and OpenID's path appending, which clients also try.
    pub(crate) fn metadata_paths(&self) -> Vec<String> {
        let issuer_path = &self.config().issuer_path;
        let mut paths = vec![
            format!("/.well-known/oauth-authorization-server{issuer_path}"),
            format!("/.well-known/openid-configuration{issuer_path}"),
        ];
        if !issuer_path.is_empty() {
            paths.push(format!("{issuer_path}/.well-known/openid-configuration"));
        }
        paths
    }
}

pub(crate) async fn serve_metadata(State(server): State<SandboxOAuth>) -> Response {
    cacheable(wire::json(StatusCode::OK, &server.metadata()))
}

pub(crate) async fn serve_jwks(State(server): State<SandboxOAuth>) -> Response {
    cacheable(wire::json(StatusCode::OK, &server.jwks()))
}

/// Public documents may be cached briefly (the key changes on restart).
fn cacheable(mut response: Response) -> Response {
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("public, max-age=60"),
    );
    response.headers_mut().remove(http::header::PRAGMA);
    response
}
