//! A sandbox served on an ephemeral port, and the requests the tests make.

use std::net::SocketAddr;
use std::time::Duration;

use mcp_example_reteno::account::clock::{Clock, SANDBOX_EPOCH};
use mcp_example_reteno::{Account, Settings, access, http};
use mcp_sandbox_oauth::SandboxOAuth;
pub(crate) use mcp_test_client::Response;
use mcp_tools::serde_json::{self, Value, json};
use mcp_transport_http::{Serving, serve_listener};
use tokio::net::TcpListener;

/// The protocol version the tests speak.
pub(crate) const VERSION: &str = "2025-06-18";

/// How long a brand-kit extraction runs in the tests: long enough for its
/// progress to arrive as separate events, short enough not to slow the suite.
pub(crate) const BRANDKIT_DURATION: Duration = Duration::from_millis(600);

/// One running sandbox: the account (for its clock), the authorization
/// server (for tokens) and the service, served as the binary serves it.
pub(crate) struct Sandbox {
    pub(crate) addr: SocketAddr,
    pub(crate) account: Account,
    pub(crate) oauth: SandboxOAuth,
    _serving: Serving,
}

impl Sandbox {
    pub(crate) async fn start() -> Self {
        // Bound first: the URLs the server hands out name its own port.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let origin = format!("http://{addr}");
        let account = Account::new(
            Clock::manual(SANDBOX_EPOCH),
            Settings {
                public_url: origin.clone(),
                brandkit_duration: BRANDKIT_DURATION,
            },
        );
        let oauth = access::authorization_server(&origin, &http::mcp_url(&origin)).unwrap();
        let service = http::service(account.clone(), &oauth, false).unwrap();
        let serving = serve_listener(service, listener).unwrap();
        Self {
            addr,
            account,
            oauth,
            _serving: serving,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub(crate) fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The MCP endpoint's URL: the resource tokens are for.
    pub(crate) fn resource(&self) -> String {
        http::mcp_url(&self.origin())
    }

    /// An access token for `user` with every scope they may grant, as
    /// `--issue-token` prints.
    pub(crate) fn token(&self, user: &str) -> String {
        let scopes: Vec<String> = access::users()
            .into_iter()
            .find(|u| u.id() == user)
            .unwrap()
            .grantable_scopes()
            .to_vec();
        self.oauth
            .issue_token(user, scopes)
            .unwrap()
            .access_token()
            .to_owned()
    }

    /// Moves the sandbox clock on.
    pub(crate) fn advance(&self, seconds: u64) {
        self.account.clock().advance(Duration::from_secs(seconds));
    }

    /// Sends one request and reads the whole response.
    pub(crate) async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Response {
        mcp_test_client::send(self.addr, method, path, headers, body).await
    }

    /// POSTs a JSON-RPC request to the MCP endpoint with `token` (none when empty).
    pub(crate) async fn rpc(&self, token: &str, method: &str, params: Value) -> Response {
        let bearer = format!("Bearer {token}");
        let mut headers = vec![
            ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
            ("MCP-Protocol-Version", VERSION),
        ];
        if !token.is_empty() {
            headers.push(("Authorization", &bearer));
        }
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        self.send("POST", http::MCP_PATH, &headers, &body.to_string())
            .await
    }

    /// Calls a tool with `token`; the HTTP answer must be 200.
    pub(crate) async fn call(&self, token: &str, tool: &str, arguments: Value) -> Outcome {
        let response = self
            .rpc(
                token,
                "tools/call",
                json!({"name": tool, "arguments": arguments}),
            )
            .await;
        assert_eq!(response.status, 200, "{tool}: {}", response.body);
        Outcome::from_rpc(tool, response.message())
    }

    /// Calls a tool as the owner; its `Data`, which must be there.
    pub(crate) async fn ok(&self, tool: &str, arguments: Value) -> Value {
        self.call(&self.token(access::OWNER), tool, arguments)
            .await
            .data()
    }

    /// Calls a tool as the owner that must fail with `code`; its message.
    pub(crate) async fn fails(&self, tool: &str, arguments: Value, code: &str) -> String {
        let outcome = self.call(&self.token(access::OWNER), tool, arguments).await;
        assert!(outcome.is_error, "{tool} should fail: {}", outcome.envelope);
        assert_eq!(outcome.code(), code, "{tool}: {}", outcome.envelope);
        outcome.envelope["ErrorMessage"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Sends `bytes` with a bare HTTP/1.1 request, byte for byte what
    /// `curl -X METHOD -H "Content-Type: …" --data-binary @file URL` sends.
    pub(crate) async fn raw(
        &self,
        method: &str,
        url: &str,
        content_type: Option<&str>,
        bytes: &[u8],
    ) -> RawResponse {
        let path = url.strip_prefix(&self.origin()).unwrap_or(url);
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: curl/8.5.0\r\nAccept: */*\r\n",
            self.addr
        );
        if let Some(content_type) = content_type {
            request.push_str(&format!("Content-Type: {content_type}\r\n"));
        }
        request.push_str(&format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            bytes.len()
        ));
        let mut request = request.into_bytes();
        request.extend_from_slice(bytes);
        let answer =
            mcp_test_client::exchange_raw(self.addr, &request, Duration::from_secs(30)).await;
        RawResponse::parse(&answer)
    }
}

/// A response read off a raw connection.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: String,
}

impl RawResponse {
    fn parse(answer: &str) -> Self {
        let (head, body) = answer
            .split_once("\r\n\r\n")
            .unwrap_or_else(|| panic!("no response head in {answer:?}"));
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .and_then(|line| line.split(' ').nth(1))
            .and_then(|code| code.parse().ok())
            .unwrap_or_else(|| panic!("no status line in {answer:?}"));
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Self {
            status,
            headers,
            body: body.to_owned(),
        }
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The body as JSON (the upload route's answers and refusals).
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {:?}", self.status, self.body))
    }
}

/// A tool call's result: `isError` and the envelope its text content carries.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) tool: String,
    pub(crate) is_error: bool,
    pub(crate) envelope: Value,
}

impl Outcome {
    pub(crate) fn from_rpc(tool: &str, payload: Value) -> Self {
        let result = &payload["result"];
        assert!(
            result.is_object(),
            "{tool}: expected a result, got {payload}"
        );
        let text = result["content"][0]["text"].as_str().unwrap_or_default();
        let envelope: Value = serde_json::from_str(text).unwrap_or_else(|e| {
            panic!("{tool}: the text content is not the envelope ({e}): {payload}")
        });
        let is_error = result["isError"] == json!(true);
        assert_eq!(envelope["Success"], json!(!is_error), "{tool}: {payload}");
        Self {
            tool: tool.to_owned(),
            is_error,
            envelope,
        }
    }

    /// `Data` of a success; panics with the error envelope otherwise.
    pub(crate) fn data(self) -> Value {
        assert!(!self.is_error, "{} failed: {}", self.tool, self.envelope);
        self.envelope["Data"].clone()
    }

    /// The `ErrorCode`, or "" on success.
    pub(crate) fn code(&self) -> &str {
        self.envelope["ErrorCode"].as_str().unwrap_or_default()
    }
}

pub(crate) use mcp_test_client::sign_in::{form, query_param};
