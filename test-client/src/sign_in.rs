//! The OAuth sign-in an MCP client performs against an example's sandbox
//! authorization server, with the test standing in for the browser: discovery
//! from the endpoint's 401, dynamic registration (or a URL client id), the
//! authorization request with PKCE S256, the consent form, and the code
//! exchanged for tokens.
//!
//! Every step is its own method, so a test can check what it wants between
//! them; [`SignIn::run`] chains them. A step that does not get the answer the
//! protocol promises panics, naming the step and the answer.
//!
//! ```no_run
//! # async fn check(addr: std::net::SocketAddr) {
//! use mcp_test_client::sign_in::{ClientId, SignIn};
//!
//! let flow = SignIn::new(addr, "/mcp");
//! let tokens = flow.run(ClientId::Register, "reteno:read", "analyst").await;
//! assert_eq!(tokens.scope, "reteno:read");
//! # }
//! ```

use std::net::SocketAddr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{Response, send};

/// Where the sandbox sends the person back: a loopback URI, as a native
/// client such as Claude Code uses (nothing listens there; the test reads the
/// redirect itself).
pub const REDIRECT: &str = "http://127.0.0.1:53682/callback";

/// How a client names itself to the authorization server.
#[derive(Debug, Clone)]
pub enum ClientId {
    /// Registers first (RFC 7591), as a public client.
    Register,
    /// An https URL naming a client ID metadata document, as Claude Code does.
    Url(String),
}

/// What discovery found, starting from the MCP endpoint.
#[derive(Debug, Clone)]
pub struct Discovery {
    /// The `resource` of the protected-resource metadata: the token audience.
    pub resource: String,
    /// The scopes the resource advertises.
    pub scopes_supported: Vec<String>,
    /// The first authorization server the resource names.
    pub issuer: String,
    /// The authorization server's RFC 8414 metadata.
    pub metadata: Value,
}

/// The token endpoint's answer to a successful exchange.
#[derive(Debug, Clone)]
pub struct Tokens {
    /// The access token, for `Authorization: Bearer`.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
    /// The granted scopes, space-separated.
    pub scope: String,
}

/// The sign-in against the MCP endpoint at `path` on `addr`.
#[derive(Debug, Clone)]
pub struct SignIn {
    addr: SocketAddr,
    path: String,
}

/// A PKCE verifier and its S256 challenge, made from `seed`.
fn pkce(seed: &str) -> (String, String) {
    let verifier = format!("{seed}-{}", "v".repeat(48));
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    (verifier, challenge)
}

/// `application/x-www-form-urlencoded` of `params`.
pub fn form(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// Everything but the unreserved characters of RFC 3986 is escaped.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn encode(text: &str) -> String {
    utf8_percent_encode(text, COMPONENT).to_string()
}

/// Reverses [`encode`], and `+` for a space, for the parameters of a redirect.
fn decode(text: &str) -> String {
    percent_decode_str(&text.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// A parameter of a URL's query, decoded.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| decode(v))
    })
}

/// The path and query of an absolute URL on the server (`/authorize?…` of
/// `http://127.0.0.1:PORT/authorize?…`).
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.find('/').map_or("/", |at| &rest[at..])
}

/// The value of `name="request"` in a consent page's form.
fn consent_request(html: &str) -> String {
    let marker = "name=\"request\" value=\"";
    let start = html
        .find(marker)
        .unwrap_or_else(|| panic!("the consent page has no consent form:\n{html}"))
        + marker.len();
    let end = start + html[start..].find('"').unwrap_or(0);
    html[start..end].to_owned()
}

impl SignIn {
    /// A sign-in against the endpoint at `path` (such as `/mcp`) on `addr`.
    pub fn new(addr: SocketAddr, path: &str) -> Self {
        Self {
            addr,
            path: path.to_owned(),
        }
    }

    async fn get(&self, url_or_path: &str) -> Response {
        send(
            self.addr,
            "GET",
            path_of(url_or_path),
            &[] as &[(&str, &str)],
            "",
        )
        .await
    }

    /// POSTs a form to `url_or_path`.
    pub async fn post_form(&self, url_or_path: &str, params: &[(&str, &str)]) -> Response {
        let headers = [("Content-Type", "application/x-www-form-urlencoded")];
        send(
            self.addr,
            "POST",
            path_of(url_or_path),
            &headers,
            &form(params),
        )
        .await
    }

    /// Discovery as an MCP client does it: a tool call without credentials
    /// answered 401 with `resource_metadata` (a server with public discovery
    /// answers `initialize` without credentials, but never a call), that
    /// metadata, and the metadata of the first authorization server it names.
    pub async fn discover(&self) -> Discovery {
        let body = json!({
            "jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": "sign_in_probe", "arguments": {}},
        });
        let headers = [
            ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
        ];
        let refused = send(self.addr, "POST", &self.path, &headers, &body.to_string()).await;
        assert_eq!(
            refused.status, 401,
            "a call without credentials: {}",
            refused.body
        );
        let challenge = refused
            .header("www-authenticate")
            .unwrap_or_default()
            .to_owned();
        let marker = "resource_metadata=\"";
        let start = challenge
            .find(marker)
            .unwrap_or_else(|| panic!("the 401 names no resource_metadata: {challenge}"))
            + marker.len();
        let end = start + challenge[start..].find('"').unwrap_or(0);
        let metadata = self.get(&challenge[start..end]).await;
        assert_eq!(
            metadata.status, 200,
            "protected-resource metadata: {}",
            metadata.body
        );
        let metadata = metadata.json();
        let issuer = metadata["authorization_servers"][0]
            .as_str()
            .unwrap_or_else(|| panic!("the metadata names no authorization server: {metadata}"))
            .to_owned();
        let issuer_path = path_of(&issuer).trim_end_matches('/');
        let server = self
            .get(&format!(
                "/.well-known/oauth-authorization-server{issuer_path}"
            ))
            .await;
        assert_eq!(
            server.status, 200,
            "authorization server metadata: {}",
            server.body
        );
        let server = server.json();
        assert_eq!(server["issuer"], issuer.as_str(), "{server}");
        Discovery {
            resource: metadata["resource"].as_str().unwrap_or_default().to_owned(),
            scopes_supported: metadata["scopes_supported"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
            issuer,
            metadata: server,
        }
    }

    /// Registers a public client with [`REDIRECT`]; its `client_id`.
    pub async fn register(&self, found: &Discovery) -> String {
        let endpoint = found.metadata["registration_endpoint"]
            .as_str()
            .unwrap_or_else(|| panic!("no registration_endpoint: {}", found.metadata));
        let body = json!({
            "client_name": "sign-in test",
            "redirect_uris": [REDIRECT],
            "grant_types": ["authorization_code", "refresh_token"],
            "response_types": ["code"],
            "token_endpoint_auth_method": "none",
        });
        let headers = [("Content-Type", "application/json")];
        let registered = send(
            self.addr,
            "POST",
            path_of(endpoint),
            &headers,
            &body.to_string(),
        )
        .await;
        assert_eq!(registered.status, 201, "registration: {}", registered.body);
        registered.json()["client_id"]
            .as_str()
            .unwrap_or_else(|| panic!("registration gave no client_id: {}", registered.body))
            .to_owned()
    }

    /// Opens the authorization URL for `client_id` asking for `scope` (none
    /// when empty) with PKCE, and answers the consent page as `user`,
    /// approving; the code and the PKCE verifier to exchange it with.
    pub async fn authorize(
        &self,
        found: &Discovery,
        client_id: &str,
        scope: &str,
        user: &str,
    ) -> (String, String) {
        let (verifier, challenge) = pkce(user);
        let endpoint = found.metadata["authorization_endpoint"]
            .as_str()
            .unwrap_or_default();
        let mut params = vec![
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("state", "sign-in-state"),
            ("resource", found.resource.as_str()),
        ];
        if !scope.is_empty() {
            params.push(("scope", scope));
        }
        let page = self
            .get(&format!("{}?{}", path_of(endpoint), form(&params)))
            .await;
        assert_eq!(page.status, 200, "the consent page: {}", page.body);
        let answer = self
            .post_form(
                &format!("{}/consent", path_of(endpoint)),
                &[
                    ("request", &consent_request(&page.body)),
                    ("user", user),
                    ("decision", "approve"),
                ],
            )
            .await;
        assert_eq!(answer.status, 303, "the consent answer: {}", answer.body);
        let location = answer.header("location").unwrap_or_default();
        assert!(location.starts_with(REDIRECT), "redirected to {location}");
        assert_eq!(
            query_param(location, "state").as_deref(),
            Some("sign-in-state")
        );
        assert_eq!(
            query_param(location, "iss").as_deref(),
            Some(found.issuer.as_str())
        );
        let code = query_param(location, "code")
            .unwrap_or_else(|| panic!("the redirect carries no code: {location}"));
        (code, verifier)
    }

    /// Exchanges a code at the token endpoint as the public client `client_id`.
    pub async fn exchange(
        &self,
        found: &Discovery,
        client_id: &str,
        code: &str,
        verifier: &str,
    ) -> Tokens {
        let endpoint = found.metadata["token_endpoint"]
            .as_str()
            .unwrap_or_default();
        let answer = self
            .post_form(
                endpoint,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", REDIRECT),
                    ("client_id", client_id),
                    ("code_verifier", verifier),
                    ("resource", &found.resource),
                ],
            )
            .await;
        assert_eq!(answer.status, 200, "the token exchange: {}", answer.body);
        let tokens = answer.json();
        let field = |name: &str| tokens[name].as_str().unwrap_or_default().to_owned();
        Tokens {
            access_token: field("access_token"),
            refresh_token: field("refresh_token"),
            scope: field("scope"),
        }
    }

    /// The whole sign-in: discovery, a client id, consent as `user` for
    /// `scope` (everything the user may grant when empty), and the exchange.
    pub async fn run(&self, client: ClientId, scope: &str, user: &str) -> Tokens {
        let found = self.discover().await;
        let client_id = match client {
            ClientId::Register => self.register(&found).await,
            ClientId::Url(url) => url,
        };
        let (code, verifier) = self.authorize(&found, &client_id, scope, user).await;
        self.exchange(&found, &client_id, &code, &verifier).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_queries_round_trip() {
        let text = form(&[("scope", "a:b c"), ("x", "1/2")]);
        assert_eq!(text, "scope=a%3Ab%20c&x=1%2F2");
        let url = format!("http://h/cb?{text}");
        assert_eq!(query_param(&url, "scope").as_deref(), Some("a:b c"));
        assert_eq!(query_param(&url, "x").as_deref(), Some("1/2"));
        assert_eq!(query_param(&url, "y"), None);
        assert_eq!(
            path_of("http://127.0.0.1:9/authorize?x=1"),
            "/authorize?x=1"
        );
        assert_eq!(path_of("http://127.0.0.1:9"), "/");
        assert_eq!(path_of("/token"), "/token");
    }
}
