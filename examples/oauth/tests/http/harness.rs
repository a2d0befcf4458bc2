//! A sandbox served on a loopback port, an HTTP/1.1 client (hyper's), and the
//! steps of the sign-in an MCP client performs.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioIo;
use mcp_sandbox_oauth::{Lifetimes, SandboxOAuth, SandboxUser};
use mcp_tools::{Caller, NoArguments, Server, Tool, ToolContext, ToolResult};
use mcp_transport_http::{McpService, Serving, serve_listener};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tokio::net::{TcpListener, TcpStream};

pub(crate) const READ: &str = "contacts:read";
pub(crate) const WRITE: &str = "contacts:write";
pub(crate) const REDIRECT: &str = "http://127.0.0.1:53682/callback";

/// A PKCE verifier and its S256 challenge.
pub(crate) struct Pkce {
    pub(crate) verifier: String,
    pub(crate) challenge: String,
}

impl Pkce {
    pub(crate) fn new(seed: &str) -> Self {
        let verifier = format!("{seed}-{}", "v".repeat(50));
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }
}

/// One HTTP answer.
#[derive(Debug)]
pub(crate) struct Reply {
    pub(crate) status: StatusCode,
    pub(crate) headers: http::HeaderMap,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub(crate) fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// A parameter of the query of the `Location` header.
    pub(crate) fn location_param(&self, name: &str) -> Option<String> {
        let location = self.header("location");
        let query = location.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == name).then(|| {
                percent_encoding::percent_decode_str(v)
                    .decode_utf8()
                    .unwrap()
                    .into_owned()
            })
        })
    }

    /// The oauth error code of a JSON error answer.
    pub(crate) fn error(&self) -> String {
        self.json()["error"].as_str().unwrap_or_default().to_owned()
    }
}

pub(crate) fn encode(value: &str) -> String {
    percent_encoding::utf8_percent_encode(value, percent_encoding::NON_ALPHANUMERIC).to_string()
}

pub(crate) fn form(params: &[(&str, &str)]) -> String {
    params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The sandbox: Ada may read and write, Vera may only read.
pub(crate) struct Sandbox {
    pub(crate) oauth: SandboxOAuth,
    pub(crate) origin: String,
    pub(crate) resource: String,
    addr: std::net::SocketAddr,
    _serving: Serving,
}

fn whoami(caller: Option<&Caller>) -> String {
    caller.map_or_else(
        || "nobody".to_owned(),
        |c| format!("{}@{}", c.id(), c.account().unwrap_or("-")),
    )
}

impl Sandbox {
    pub(crate) async fn start() -> Self {
        Self::start_with(Lifetimes::default()).await
    }

    pub(crate) async fn start_with(lifetimes: Lifetimes) -> Self {
        Self::start_full(lifetimes, "").await
    }

    /// A sandbox whose issuer is the origin followed by `issuer_path`.
    pub(crate) async fn start_full(lifetimes: Lifetimes, issuer_path: &str) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let origin = format!("http://{addr}");
        let resource = format!("{origin}/mcp");
        let oauth = SandboxOAuth::builder(format!("{origin}{issuer_path}"), &resource)
            .name("Acme (sandbox)")
            .account_claim("tenant")
            .lifetimes(lifetimes)
            .user(
                SandboxUser::new("ada")
                    .name("Ada Admin")
                    .account("acme")
                    .scopes([READ, WRITE]),
            )
            .user(
                SandboxUser::new("vera")
                    .name("Vera Viewer")
                    .account("acme")
                    .scopes([READ]),
            )
            .build()
            .unwrap();
        let server = Server::builder("acme", "1.0.0")
            .require_authentication()
            .tool(
                Tool::builder("whoami")
                    .description("Who is calling.")
                    .read_only()
                    .scopes([READ])
                    .handler(|_: NoArguments, cx: ToolContext| async move {
                        ToolResult::Ok(whoami(cx.caller()))
                    }),
            )
            .tool(
                Tool::builder("touch")
                    .description("Changes something.")
                    .additive()
                    .scopes([WRITE])
                    .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("done") }),
            )
            .build()
            .unwrap();
        let mcp = McpService::builder(server)
            .path("/mcp")
            .authenticator(oauth.resource_server())
            .protected_resource(oauth.protected_resource())
            .fallback(oauth.router())
            .build();
        let serving = serve_listener(mcp, listener).unwrap();
        Self {
            oauth,
            origin,
            resource,
            addr,
            _serving: serving,
        }
    }

    pub(crate) async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Reply {
        let stream = TcpStream::connect(self.addr).await.unwrap();
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .unwrap();
        tokio::spawn(connection);
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", self.addr.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let request = request
            .body(Full::new(Bytes::from(body.to_owned())))
            .unwrap();
        let response = tokio::time::timeout(Duration::from_secs(10), sender.send_request(request))
            .await
            .unwrap()
            .unwrap();
        let (parts, body) = response.into_parts();
        let body = body.collect().await.unwrap().to_bytes();
        Reply {
            status: parts.status,
            headers: parts.headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }

    pub(crate) async fn get(&self, path: &str) -> Reply {
        self.request(Method::GET, path, &[], "").await
    }

    pub(crate) async fn post_form(&self, path: &str, params: &[(&str, &str)]) -> Reply {
        self.request(
            Method::POST,
            path,
            &[("content-type", "application/x-www-form-urlencoded")],
            &form(params),
        )
        .await
    }

    pub(crate) async fn post_json(&self, path: &str, body: &Value) -> Reply {
        self.request(
            Method::POST,
            path,
            &[("content-type", "application/json")],
            &body.to_string(),
        )
        .await
    }

    /// Registers a public client as Claude Code does; its id.
    pub(crate) async fn register(&self, redirect_uri: &str) -> String {
        let reply = self
            .post_json(
                "/register",
                &serde_json::json!({
                    "client_name": "Test client",
                    "redirect_uris": [redirect_uri],
                    "grant_types": ["authorization_code", "refresh_token"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "none",
                }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        reply.json()["client_id"].as_str().unwrap().to_owned()
    }

    /// The authorization URL path of a well-formed request, with `extra`
    /// parameters replacing or adding to the usual ones.
    pub(crate) fn authorize_path(
        &self,
        client_id: &str,
        pkce: &Pkce,
        extra: &[(&str, &str)],
    ) -> String {
        let mut params: Vec<(&str, &str)> = vec![
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("code_challenge", &pkce.challenge),
            ("code_challenge_method", "S256"),
            ("state", "xyz-state"),
            ("resource", &self.resource),
        ];
        for (k, v) in extra {
            params.retain(|(name, _)| name != k);
            if !v.is_empty() {
                params.push((k, v));
            }
        }
        format!("/authorize?{}", form(&params))
    }

    /// Opens the consent page and answers it; the redirect back.
    pub(crate) async fn consent(&self, authorize_path: &str, user: &str, decision: &str) -> Reply {
        let page = self.get(authorize_path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let request = request_id(&page.body);
        self.post_form(
            "/authorize/consent",
            &[
                ("request", &request),
                ("user", user),
                ("decision", decision),
            ],
        )
        .await
    }

    /// The code the consent redirect carries.
    pub(crate) async fn code(
        &self,
        client_id: &str,
        pkce: &Pkce,
        user: &str,
        scope: &str,
    ) -> String {
        let path = self.authorize_path(client_id, pkce, &[("scope", scope)]);
        let reply = self.consent(&path, user, "approve").await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.body);
        reply.location_param("code").expect("a code")
    }

    /// Exchanges a code at the token endpoint.
    pub(crate) async fn exchange(&self, client_id: &str, code: &str, verifier: &str) -> Reply {
        self.post_form(
            "/token",
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", REDIRECT),
                ("client_id", client_id),
                ("code_verifier", verifier),
                ("resource", &self.resource),
            ],
        )
        .await
    }

    /// Uses a refresh token.
    pub(crate) async fn refresh(&self, client_id: &str, refresh_token: &str) -> Reply {
        self.post_form(
            "/token",
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
                ("client_id", client_id),
                ("resource", &self.resource),
            ],
        )
        .await
    }

    /// Signs in as `user` asking for `scope`; the token response.
    pub(crate) async fn sign_in(&self, user: &str, scope: &str) -> (String, Value) {
        let client_id = self.register(REDIRECT).await;
        let pkce = Pkce::new(user);
        let code = self.code(&client_id, &pkce, user, scope).await;
        let reply = self.exchange(&client_id, &code, &pkce.verifier).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        (client_id, reply.json())
    }
}

/// The hidden request id of a consent page.
pub(crate) fn request_id(html: &str) -> String {
    let marker = "name=\"request\" value=\"";
    let start = html.find(marker).expect("a consent form") + marker.len();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}
