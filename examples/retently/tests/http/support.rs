//! A sandbox server on an ephemeral port, and helpers to call tools and read
//! the audit log.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use mcp_tools::serde_json::{self, Value, json};
use mcp_transport_http::{Serving, serve_listener};

use mcp_example_retently::account::Account;
use mcp_example_retently::catalog::SCOPES;
use mcp_example_retently::service::{self, JwtIssuer, MCP_PATH, Settings};
use mcp_example_retently::sign_in::authorization_server;
use mcp_example_retently::tokens::{AccessToken, AccessTokens, lifetime};
use mcp_test_client::Response as Reply;

/// The issuer of the test JWTs.
pub const JWT_ISSUER: &str = "https://auth.retently.test";
/// The HS256 secret the test issuer shares with the server.
pub const JWT_SECRET: &[u8] = b"retently-sandbox-shared-secret-for-tests";
/// The endpoint's canonical URL: the audience of the test JWTs.
pub const RESOURCE: &str = "http://127.0.0.1/mcp";

/// The Accept header the vendor document's curl check sends.
pub const ACCEPT: &str = "application/json,text/event-stream";

/// Every scope but the two PII scopes.
pub fn scopes_without_pii() -> Vec<&'static str> {
    SCOPES
        .iter()
        .copied()
        .filter(|s| !s.starts_with("pii:"))
        .collect()
}

/// A running server and the credentials that reach it.
pub struct Sandbox {
    /// The server's account (shares state with the server).
    pub account: Account,
    /// Where the server listens.
    pub addr: SocketAddr,
    /// The server's audit log.
    pub audit_log: PathBuf,
    /// A token with all 22 scopes.
    pub full: String,
    /// A token with every scope but pii:read and pii:write.
    pub no_pii: String,
    /// Another holder's token with all 22 scopes.
    pub other: String,
    /// A token with feedback:read only.
    pub reader: String,
    /// A token with all scopes that expired yesterday.
    pub expired: String,
    serving: Option<Serving>,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl Sandbox {
    /// A server with the example's defaults.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A server whose settings `configure` adjusts first.
    pub async fn start_with(configure: impl FnOnce(&mut Settings)) -> Self {
        Self::launch(configure, false).await
    }

    /// The whole application as the example serves it: the endpoint with its
    /// real URL as the resource, and the sandbox authorization server beside
    /// it, whose tokens it accepts besides the personal access tokens.
    pub async fn start_signing_in() -> Self {
        Self::launch(|_| {}, true).await
    }

    /// The MCP endpoint's URL, as the sign-in sandbox names it.
    pub fn resource(&self) -> String {
        format!("http://{}{MCP_PATH}", self.addr)
    }

    async fn launch(configure: impl FnOnce(&mut Settings), sign_in: bool) -> Self {
        let day = lifetime(1);
        let full = AccessToken::mint(SCOPES, day).unwrap();
        let no_pii = AccessToken::mint(scopes_without_pii(), day).unwrap();
        let other = AccessToken::mint(SCOPES, day).unwrap();
        let reader = AccessToken::mint(["feedback:read"], day).unwrap();
        let expired = AccessToken::new(
            "rtly_mcp_pat_old_0123456789abcdef0123456789abcdef",
            SCOPES,
            SystemTime::now() - day,
        )
        .unwrap();
        let tokens = [&full, &no_pii, &other, &reader, &expired]
            .into_iter()
            .fold(AccessTokens::new(), |all, t| all.with(t.clone()));
        let audit_log = std::env::temp_dir().join(format!(
            "retently-audit-{}-{}.jsonl",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_file(&audit_log);
        let mut settings = Settings::new(tokens, RESOURCE, audit_log.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        if !sign_in {
            settings.jwt = Some(JwtIssuer {
                issuer: JWT_ISSUER.into(),
                secret: JWT_SECRET.to_vec(),
            });
        } else {
            // As the example runs without --jwt-issuer.
            settings.resource = format!("http://{addr}{MCP_PATH}");
            settings.oauth = Some(authorization_server(&settings.resource).unwrap());
        }
        configure(&mut settings);
        let account = Account::sandbox();
        let server = service::server(account.clone(), &settings).unwrap();
        let serving = serve_listener(service::http(server, &settings), listener).unwrap();
        Self {
            account,
            addr,
            audit_log,
            full: full.token(),
            no_pii: no_pii.token(),
            other: other.token(),
            reader: reader.token(),
            expired: expired.token(),
            serving: Some(serving),
        }
    }

    /// Sends one HTTP request and reads the whole answer.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        mcp_test_client::send(self.addr, method, path, headers, body.unwrap_or("")).await
    }

    /// POSTs one JSON-RPC message to the endpoint, with a bearer token if given.
    pub async fn post(&self, bearer: Option<&str>, message: &Value) -> Reply {
        let auth = bearer.map(|t| format!("Bearer {t}"));
        let mut headers = vec![
            ("Content-Type", "application/json"),
            ("Accept", ACCEPT),
            ("MCP-Protocol-Version", "2025-06-18"),
        ];
        if let Some(auth) = &auth {
            headers.push(("Authorization", auth));
        }
        self.request("POST", MCP_PATH, &headers, Some(&message.to_string()))
            .await
    }

    /// Calls a tool with a bearer token (or none).
    pub async fn call(&self, bearer: Option<&str>, tool: &str, args: Value) -> Call {
        let message = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call",
            "params": {"name": tool, "arguments": args}});
        let reply = self.post(bearer, &message).await;
        Call::from_reply(tool, reply)
    }

    /// Calls a tool that must succeed and returns its `Data`.
    pub async fn data(&self, bearer: &str, tool: &str, args: Value) -> Value {
        self.call(Some(bearer), tool, args).await.data()
    }

    /// The dry run of a write: its preview and its confirmation token.
    pub async fn dry_run(&self, bearer: &str, tool: &str, args: &Value) -> (Value, String) {
        let data = self.data(bearer, tool, args.clone()).await;
        assert_eq!(data["Confirmed"], json!(false), "{tool}: {data}");
        let token = data["ConfirmationToken"].as_str().unwrap().to_owned();
        (data["Preview"].clone(), token)
    }

    /// Calls a write again with its confirmation token.
    pub async fn confirm(&self, bearer: &str, tool: &str, args: &Value, token: &str) -> Call {
        let mut args = args.clone();
        args["confirmationToken"] = json!(token);
        self.call(Some(bearer), tool, args).await
    }

    /// The audit records so far, oldest first.
    pub fn audit(&self) -> Vec<Value> {
        std::fs::read_to_string(&self.audit_log)
            .unwrap_or_default()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect()
    }

    /// The audit records of one tool, as `(outcome, error_code)` pairs.
    pub fn audit_of(&self, tool: &str) -> Vec<(String, Option<String>)> {
        self.audit()
            .into_iter()
            .filter(|r| r["tool"] == tool)
            .map(|r| {
                (
                    r["outcome"].as_str().unwrap().to_owned(),
                    r["error_code"].as_str().map(str::to_owned),
                )
            })
            .collect()
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        drop(self.serving.take());
        let _ = std::fs::remove_file(&self.audit_log);
    }
}

/// A signed HS256 JWT of the test issuer for `sub` with space-separated scopes,
/// expiring `ttl_secs` from now (negative for already expired).
pub fn jwt(sub: &str, scope: &str, issuer: &str, ttl_secs: i64) -> String {
    use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let exp = now.checked_add_signed(ttl_secs).unwrap();
    let claims = json!({"sub": sub, "aud": RESOURCE, "iss": issuer, "exp": exp,
        "iat": now, "scope": scope});
    encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(JWT_SECRET),
    )
    .unwrap()
}

/// The answer to one `tools/call`.
#[derive(Debug)]
pub struct Call {
    /// The tool called.
    pub tool: String,
    /// The HTTP status.
    pub status: u16,
    /// The JSON-RPC response.
    pub response: Value,
}

impl Call {
    fn from_reply(tool: &str, reply: Reply) -> Self {
        Self {
            tool: tool.to_owned(),
            status: reply.status.as_u16(),
            response: reply.message(),
        }
    }

    /// The result envelope, `{"Success":…}`.
    pub fn envelope(&self) -> Value {
        let result = &self.response["result"];
        assert!(
            result.is_object(),
            "{}: no result: {} {}",
            self.tool,
            self.status,
            self.response
        );
        if let Some(structured) = result.get("structuredContent") {
            return structured.clone();
        }
        let text = result["content"][0]["text"].as_str().unwrap();
        serde_json::from_str(text).unwrap()
    }

    /// The envelope's `Data`; fails the test if the call failed.
    pub fn data(&self) -> Value {
        let envelope = self.envelope();
        assert_eq!(
            envelope["Success"],
            json!(true),
            "{} failed: {envelope}",
            self.tool
        );
        envelope["Data"].clone()
    }

    /// The envelope's `ErrorCode`, if the call failed.
    pub fn code(&self) -> Option<String> {
        self.envelope()["ErrorCode"].as_str().map(str::to_owned)
    }

    /// The envelope's `ErrorMessage` (empty on success).
    pub fn message(&self) -> String {
        self.envelope()["ErrorMessage"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Asserts the call failed with `code` and a message containing `needle`.
    pub fn assert_refused(&self, code: &str, needle: &str) {
        assert_eq!(
            self.code().as_deref(),
            Some(code),
            "{}: {}",
            self.tool,
            self.envelope()
        );
        assert!(
            self.message().contains(needle),
            "{}: {:?} does not mention {needle:?}",
            self.tool,
            self.message()
        );
    }
}
