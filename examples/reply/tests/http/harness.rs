//! A sandbox server on an ephemeral port, and what the tests read from its answers.

use std::net::SocketAddr;

use mcp_examples_support::contract::check_output;
use mcp_tools::serde_json::{self, Value, json};
use mcp_transport_http::{Serving, serve_listener};
use tokio::net::TcpListener;

use mcp_example_reply::server::{self, Config};
use mcp_example_reply::sign_in;
use mcp_example_reply::workspace::Workspace;
pub(crate) use mcp_test_client::Response;

/// The API key every test server accepts.
pub(crate) const KEY: &str = "test-key-1";
/// A second accepted key, with its own rate budget.
pub(crate) const OTHER_KEY: &str = "test-key-2";
/// The protocol version the vendor documents.
pub(crate) const VERSION: &str = "2025-06-18";

/// One running sandbox server, served as the example serves it: the
/// endpoint with the sandbox authorization server beside it, through the
/// transport's `serve`.
pub(crate) struct Sandbox {
    pub(crate) addr: SocketAddr,
    /// The server behind the socket, for the tools' published schemas.
    mcp: mcp_tools::Server,
    _serving: Serving,
}

impl Sandbox {
    /// A server with the default hourly budget.
    pub(crate) async fn start() -> Self {
        Self::with_rate_limit(server::DEFAULT_RATE_LIMIT).await
    }

    /// A server allowing `per_hour` requests per key.
    pub(crate) async fn with_rate_limit(per_hour: u32) -> Self {
        // Bound first: the service names its own address in the metadata.
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut config = Config::for_addr(addr, vec![KEY.to_owned(), OTHER_KEY.to_owned()]);
        config.rate_limit_per_hour = per_hour;
        config.oauth = Some(sign_in::authorization_server(&config.public_origin).unwrap());
        let mcp = server::server(Workspace::sandbox(), config.rate_limit_per_hour).unwrap();
        let serving = serve_listener(server::service(mcp.clone(), &config), listener).unwrap();
        Self {
            addr,
            mcp,
            _serving: serving,
        }
    }

    /// The origin clients use, `http://127.0.0.1:PORT`.
    pub(crate) fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Sends one HTTP request and reads the whole response.
    pub(crate) async fn send(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> Response {
        mcp_test_client::send(self.addr, method, path, headers, body).await
    }

    /// POSTs a JSON-RPC body to `/` with the given extra headers, as `curl` would.
    pub(crate) async fn post(&self, headers: &[(&str, &str)], body: &Value) -> Response {
        let mut all = vec![
            ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
        ];
        all.extend_from_slice(headers);
        self.send("POST", "/", &all, &body.to_string()).await
    }

    /// A JSON-RPC request with the test key and protocol 2025-06-18; the response payload.
    pub(crate) async fn rpc(&self, method: &str, params: Value) -> Value {
        let response = self
            .post(
                &[("x-api-key", KEY), ("MCP-Protocol-Version", VERSION)],
                &json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}),
            )
            .await;
        assert_eq!(response.status, 200, "{method}: {}", response.body);
        response.message()
    }

    /// Calls a tool and returns its parsed outcome.
    pub(crate) async fn call(&self, tool: &str, arguments: Value) -> Outcome {
        let payload = self
            .rpc("tools/call", json!({"name": tool, "arguments": arguments}))
            .await;
        // Every result must match the tool's published outputSchema.
        if let (Some(info), Some(result)) = (self.mcp.tool(tool), payload.get("result"))
            && let Err(problem) = check_output(info.output_schema(), result)
        {
            panic!("{tool}: {problem}\n{result}");
        }
        Outcome::from_rpc(tool, payload)
    }

    /// Calls a tool that must succeed and returns its `Data`.
    pub(crate) async fn ok(&self, tool: &str, arguments: Value) -> Value {
        self.call(tool, arguments).await.data()
    }

    /// Calls a tool that must fail and returns its envelope.
    pub(crate) async fn fails(&self, tool: &str, arguments: Value, code: &str) -> Outcome {
        let outcome = self.call(tool, arguments).await;
        assert!(
            outcome.is_error,
            "{tool} should fail with {code}: {}",
            outcome.envelope
        );
        assert_eq!(outcome.code(), code, "{tool}: {}", outcome.envelope);
        outcome
    }

    /// Every item of a paginated listing, paging with `top`/`skip` until `HasMore` is false.
    pub(crate) async fn all_items(&self, tool: &str, mut arguments: Value) -> Vec<Value> {
        let mut items = Vec::new();
        let mut skip = 0;
        loop {
            arguments["top"] = json!(100);
            arguments["skip"] = json!(skip);
            let page = self.ok(tool, arguments.clone()).await;
            let batch = page["Items"].as_array().unwrap().clone();
            skip += batch.len();
            items.extend(batch);
            if page["HasMore"] == json!(false) {
                return items;
            }
        }
    }
}

/// A tool call's result: the `isError` flag and the envelope parsed from `content[0].text`.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) tool: String,
    pub(crate) is_error: bool,
    pub(crate) envelope: Value,
}

impl Outcome {
    fn from_rpc(tool: &str, payload: Value) -> Self {
        let result = &payload["result"];
        assert!(
            result.is_object(),
            "{tool}: expected a result, got {payload}"
        );
        let text = result["content"][0]["text"].as_str().unwrap();
        let envelope: Value = serde_json::from_str(text).unwrap();
        let is_error = result["isError"] == json!(true);
        assert_eq!(envelope["Success"], json!(!is_error), "{tool}: {envelope}");
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

    /// The `ErrorMessage`, or "" on success.
    pub(crate) fn message(&self) -> &str {
        self.envelope["ErrorMessage"].as_str().unwrap_or_default()
    }
}

/// The three rate-limit headers of a response, `(limit, remaining, reset)`,
/// asserting they are all there.
pub(crate) fn rate(response: &Response) -> (String, u64, String) {
    let limit = response
        .header("x-rate-limit-limit")
        .expect("X-Rate-Limit-Limit");
    let remaining = response
        .header("x-rate-limit-remaining")
        .expect("X-Rate-Limit-Remaining");
    let reset = response
        .header("x-rate-limit-reset")
        .expect("X-Rate-Limit-Reset");
    (
        limit.to_owned(),
        remaining.parse().unwrap(),
        reset.to_owned(),
    )
}
