//! The routes, and the CORS answers browser-based clients need.

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::map_response;
use axum::response::Response;
use axum::routing::{get, post};
use http::{HeaderValue, StatusCode};

use crate::metadata::{self, path};
use crate::server::SandboxOAuth;
use crate::{authorize, register, token};

/// Requests to the server are small forms and JSON documents.
const BODY_LIMIT: usize = 64 * 1024;

/// Discovery, registration and the token endpoint are called from browsers
/// too (web-based MCP clients): they carry no cookies and no ambient
/// authority, so any origin may read them. The HTML pages get no CORS.
async fn cors(mut response: Response) -> Response {
    let headers = response.headers_mut();
    headers.insert(
        http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        http::header::ACCESS_CONTROL_ALLOW_METHODS,
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    headers.insert(
        http::header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("authorization, content-type, mcp-protocol-version"),
    );
    headers.insert(
        http::header::ACCESS_CONTROL_MAX_AGE,
        HeaderValue::from_static("600"),
    );
    response
}

async fn preflight() -> StatusCode {
    StatusCode::NO_CONTENT
}

impl SandboxOAuth {
    /// The routes of the authorization server, to merge with the MCP
    /// endpoint's (see the [crate docs](crate)):
    ///
    /// | Path (below the issuer's path) | |
    /// |---|---|
    /// | `/.well-known/oauth-authorization-server` | RFC 8414 metadata |
    /// | `/.well-known/openid-configuration` | the same document |
    /// | `/jwks` | the public signing key |
    /// | `/register` | RFC 7591 dynamic client registration |
    /// | `/authorize` | the authorization endpoint and consent page |
    /// | `/authorize/consent` | where the consent form is posted |
    /// | `/token` | the token endpoint |
    pub fn router(&self) -> Router {
        let prefix = &self.config().issuer_path;
        let at = |p: &str| format!("{prefix}{p}");
        let mut public = Router::new();
        for p in self.metadata_paths() {
            public = public.route(&p, get(metadata::serve_metadata).options(preflight));
        }
        let public = public
            .route(
                &at(path::JWKS),
                get(metadata::serve_jwks).options(preflight),
            )
            .route(
                &at(path::REGISTER),
                post(register::register).options(preflight),
            )
            .route(&at(path::TOKEN), post(token::token).options(preflight))
            .layer(map_response(cors));
        let pages = Router::new()
            .route(&at(path::AUTHORIZE), get(authorize::authorize))
            .route(&at(path::CONSENT), post(authorize::answer));
        public
            .merge(pages)
            .layer(DefaultBodyLimit::max(BODY_LIMIT))
            .with_state(self.clone())
    }
}
