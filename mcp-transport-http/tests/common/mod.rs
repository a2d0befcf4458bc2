//! Shared fixtures: a server with test tools, and a small HTTP client over real sockets.
#![allow(dead_code, unreachable_pub, missing_docs, clippy::unwrap_used)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
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
                        let guard = CancelGuard(flags.cancelled.clone());
                        tokio::time::sleep(Duration::from_secs(5)).await;
                        std::mem::forget(guard);
                        ToolResult::Ok("not cancelled")
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

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    /// The JSON messages of an SSE body.
    pub fn events(&self) -> Vec<Value> {
        parse_events(&self.body)
    }

    pub fn error_code(&self) -> i64 {
        self.json()["error"]["code"].as_i64().unwrap()
    }
}

pub fn parse_events(text: &str) -> Vec<Value> {
    text.split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(str::trim_start)
                .collect();
            (!data.is_empty() && !data.concat().is_empty())
                .then(|| serde_json::from_str(&data.join("\n")).unwrap())
        })
        .collect()
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

/// Sends one request on a new connection and returns the response head with
/// its streaming body.
pub async fn open(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &str,
) -> http::Response<Incoming> {
    let stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(name.as_str(), value.as_str());
    }
    let request = request
        .body(Full::new(Bytes::from(body.to_owned())))
        .unwrap();
    tokio::time::timeout(Duration::from_secs(10), sender.send_request(request))
        .await
        .expect("the server answers within 10 s")
        .unwrap()
}

/// Sends one request and reads the whole answer.
pub async fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(String, String)],
    body: &str,
) -> Reply {
    let response = open(addr, method, path, headers, body).await;
    let (parts, body) = response.into_parts();
    let bytes = tokio::time::timeout(Duration::from_secs(10), body.collect())
        .await
        .expect("the body ends within 10 s")
        .unwrap()
        .to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

/// POSTs a JSON value to `/mcp`.
pub async fn post(addr: SocketAddr, headers: &[(String, String)], body: &Value) -> Reply {
    send(addr, "POST", "/mcp", headers, &body.to_string()).await
}

pub fn call(id: i64, tool: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": tool, "arguments": arguments}})
}

/// Reads SSE events one at a time from a streaming body.
pub struct EventReader {
    body: Incoming,
    buffer: String,
}

impl EventReader {
    pub fn new(body: Incoming) -> Self {
        Self {
            body,
            buffer: String::new(),
        }
    }

    /// The next JSON message, or `None` when the stream ends.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let event: String = self.buffer.drain(..end + 2).collect();
                if let Some(value) = parse_events(&event).into_iter().next() {
                    return Some(value);
                }
                continue;
            }
            let frame = tokio::time::timeout(Duration::from_secs(10), self.body.frame())
                .await
                .expect("an event within 10 s")?;
            if let Ok(data) = frame.unwrap().into_data() {
                self.buffer.push_str(std::str::from_utf8(&data).unwrap());
            }
        }
    }
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
