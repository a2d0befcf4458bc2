//! Shared fixtures: a server with test tools, and helpers for the MCP requests
//! the tests send to it with the workspace's test client (`mcp-test-client`).
#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

pub mod ledger;

use mcp_test_client::{Response, send};
use mcp_tools::{LogLevel, NoArguments, Server, ServerBuilder, Tool, ToolContext, ToolResult};
use mcp_transport_http::{McpServiceBuilder, Serving, serve};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Deserialize, JsonSchema)]
pub struct Text {
    /// Any text.
    pub text: String,
}

#[derive(Deserialize, JsonSchema)]
pub struct Millis {
    /// How long, in milliseconds.
    pub ms: u64,
}

/// Flags the tools raise, for tests to look at.
#[derive(Clone, Default)]
pub struct Flags {
    pub cancelled: Arc<AtomicBool>,
    pub finished: Arc<AtomicBool>,
}

impl Flags {
    pub fn cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
    pub fn finished(&self) -> bool {
        self.finished.load(Ordering::SeqCst)
    }
}

pub fn server(flags: &Flags) -> Server {
    server_builder(flags).build().unwrap()
}

/// The fixture tools on a builder, for tests that configure the server further.
pub fn server_builder(flags: &Flags) -> ServerBuilder {
    let wait_flags = flags.clone();
    let slow_flags = flags.clone();
    Server::builder("fixture", "1.0.0")
        .tool(
            Tool::builder("echo")
                .description("Echoes the text.")
                .read_only()
                .handler(|args: Text, _cx: ToolContext| async move {
                    ToolResult::Ok(json!({"text": args.text}))
                }),
        )
        .tool(
            Tool::builder("progress")
                .description("Reports progress three times, then finishes.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    for step in 1..=3 {
                        cx.progress(f64::from(step), Some(3.0), Some("working"));
                        tokio::time::sleep(Duration::from_millis(5)).await;
                    }
                    ToolResult::Ok("done")
                }),
        )
        .tool(
            Tool::builder("log")
                .description("Logs one message, then finishes.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    cx.log(LogLevel::Info, "hello from the tool");
                    ToolResult::Ok("logged")
                }),
        )
        .tool(
            Tool::builder("ask")
                .description("Asks the user for a name.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let answer = cx
                        .request_client(
                            "elicitation/create",
                            json!({
                                "message": "Your name?",
                                "requestedSchema": {"type": "object", "properties": {"name": {"type": "string"}}}
                            }),
                        )
                        .await
                        .map_err(|e| mcp_tools::ToolError::internal(e.message))?;
                    ToolResult::Ok(answer)
                }),
        )
        .tool(
            Tool::builder("admin")
                .description("Needs the admin scope.")
                .read_only()
                .scopes(["admin"])
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    ToolResult::Ok("secret")
                }),
        )
        .tool(
            Tool::builder("public")
                .description("Works without credentials.")
                .read_only()
                .no_auth()
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    ToolResult::Ok("public")
                }),
        )
        .tool(
            Tool::builder("wait")
                .description("Waits until cancelled (at most 5 s).")
                .read_only()
                .handler(move |_: NoArguments, cx: ToolContext| {
                    let flags = wait_flags.clone();
                    async move {
                        cx.progress(0.0, None, Some("waiting"));
                        // Cancellation is seen cooperatively; the guard also
                        // tells a future dropped without it.
                        let guard = CancelGuard(flags.cancelled.clone());
                        tokio::select! {
                            () = cx.cancelled() => ToolResult::Ok("cancelled"),
                            () = tokio::time::sleep(Duration::from_secs(5)) => {
                                std::mem::forget(guard);
                                ToolResult::Ok("not cancelled")
                            }
                        }
                    }
                }),
        )
        .tool(
            Tool::builder("slow")
                .description("Sleeps, then finishes.")
                .read_only()
                .handler(move |args: Millis, _cx: ToolContext| {
                    let flags = slow_flags.clone();
                    async move {
                        tokio::time::sleep(Duration::from_millis(args.ms)).await;
                        flags.finished.store(true, Ordering::SeqCst);
                        ToolResult::Ok("slept")
                    }
                }),
        )
        .tool(
            Tool::builder("wipe")
                .description("Destroys nothing, but says it might.")
                .destructive()
                .handler(|_: NoArguments, _cx: ToolContext| async move {
                    ToolResult::Ok("wiped")
                }),
        )
}

/// Raises the flag when the waiting tool is dropped before finishing.
struct CancelGuard(Arc<AtomicBool>);

impl Drop for CancelGuard {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

pub async fn start(builder: McpServiceBuilder) -> Serving {
    serve(builder.build(), "127.0.0.1:0").await.unwrap()
}

/// The usual headers of an MCP POST.
pub fn mcp_headers(version: Option<&str>) -> Vec<(String, String)> {
    let mut headers = vec![
        ("host".to_owned(), "127.0.0.1".to_owned()),
        ("content-type".to_owned(), "application/json".to_owned()),
        (
            "accept".to_owned(),
            "application/json, text/event-stream".to_owned(),
        ),
    ];
    if let Some(version) = version {
        headers.push(("mcp-protocol-version".to_owned(), version.to_owned()));
    }
    headers
}

pub fn with(mut headers: Vec<(String, String)>, name: &str, value: &str) -> Vec<(String, String)> {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers.push((name.to_owned(), value.to_owned()));
    headers
}

pub fn without(mut headers: Vec<(String, String)>, name: &str) -> Vec<(String, String)> {
    headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    headers
}

/// POSTs a JSON value to `/mcp`.
pub async fn post(addr: SocketAddr, headers: &[(String, String)], body: &Value) -> Response {
    send(addr, "POST", "/mcp", headers, &body.to_string()).await
}

/// A stateless 2025-06-18 call of the `echo` tool with `{"text": "hi"}`.
pub async fn echo_hi(addr: SocketAddr, id: i64) -> Response {
    post(
        addr,
        &mcp_headers(Some("2025-06-18")),
        &call(id, "echo", json!({"text": "hi"})),
    )
    .await
}

pub fn call(id: i64, tool: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": tool, "arguments": arguments}})
}

/// Waits until `check` holds, polling every 10 ms, for at most 5 s.
pub async fn eventually(mut check: impl FnMut() -> bool) {
    for _ in 0..500 {
        if check() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the condition did not hold within 5 s");
}
