//! The floor of the load benchmark: the least work an MCP server can do to answer a `tools/call`.
//!
//! A bare hyper 1 server, none of our crates. For every POST it reads the whole body, parses it
//! with serde_json into a [`serde_json::Value`], checks that it is a JSON-RPC `tools/call` of the
//! `echo` tool, and answers the tool's result with the request's `id` and `text` echoed back:
//!
//! ```text
//! {"jsonrpc":"2.0","id":<id>,"result":{
//!   "content":[{"type":"text","text":"{\"Success\":true,\"Data\":{\"text\":<text>}}"}],
//!   "structuredContent":{"Success":true,"Data":{"text":<text>}},
//!   "isError":false}}
//! ```
//!
//! A 2026-07-28 request (its params' `_meta` names that protocol version, as such a client sends
//! it) is answered as that protocol asks of every result: with `resultType: "complete"` and the
//! server named in the result's `_meta` (`io.modelcontextprotocol/serverInfo`). The floor reads
//! the request's `Mcp-Method` and `Mcp-Name` headers no further than hyper does for any header:
//! checking them against the body is server work, which is what the benchmark measures.
//!
//! The answer is `application/json`, or one SSE event (`event: message`, `text/event-stream`) when
//! the request's `Accept` lists `text/event-stream` but not `application/json`, or when `--sse` is
//! given. Either way the whole response goes out in one write: hyper writes the head and a
//! known-length body together, and every accepted socket has `TCP_NODELAY` set, so a response is
//! never held back by Nagle's algorithm waiting for the client's delayed ACK.
//!
//! There is no routing, session, authentication, schema validation or tool registry here, so the
//! CPU our server spends per request above this one's is what the SDK costs.
//!
//! # Runtime
//!
//! tokio's current-thread runtime by default. The benchmark pins the server to one core, and on
//! one core the current-thread runtime is the cheapest way to drive many connections: no work
//! stealing, no cross-thread wake-ups, no blocking-pool hand-offs. That makes it the honest lower
//! bound. `--multi-thread` switches to the multi-thread runtime (one worker per core the process
//! may run on, so one worker under `taskset -c 0`) to see what that scheduler costs by itself.
//!
//! # Usage
//!
//! ```text
//! cargo run --release --example floor -- --listen 127.0.0.1:8080 [--sse] [--multi-thread]
//! ```
//!
//! The first line on stdout is `listening on ADDR`; with the default `--listen 127.0.0.1:0` that is
//! how a caller learns the port. Ctrl-C or SIGTERM stops accepting, lets open connections finish
//! their current request (for up to two seconds), and exits with status 0.

use std::convert::Infallible;
use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::OnceLock;
use std::time::Duration;

use bytes::Bytes;
use clap::Parser;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{ACCEPT, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::net::TcpListener;

/// How long open connections may take to finish after a shutdown signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// What precedes the JSON-RPC message in an SSE answer.
const SSE_PREFIX: &[u8] = b"event: message\ndata: ";

/// What ends an SSE event.
const SSE_SUFFIX: &[u8] = b"\n\n";

/// The `_meta` key a 2026-07-28 request names its protocol version under.
const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";

/// The protocol version whose results carry `resultType` and the server's identity.
const STATELESS_VERSION: &str = "2026-07-28";

/// A request the floor refuses: the HTTP status and the JSON-RPC error it answers with.
#[derive(Clone, Copy)]
struct Refusal {
    /// The HTTP status.
    status: StatusCode,
    /// The JSON-RPC error code.
    code: i64,
    /// A short description.
    message: &'static str,
}

/// The body is not JSON.
const PARSE_ERROR: Refusal = Refusal {
    status: StatusCode::BAD_REQUEST,
    code: -32700,
    message: "parse error",
};

/// The body is JSON but not a JSON-RPC 2.0 message.
const INVALID_REQUEST: Refusal = Refusal {
    status: StatusCode::BAD_REQUEST,
    code: -32600,
    message: "not a JSON-RPC 2.0 message",
};

/// A method other than `tools/call`.
const METHOD_NOT_FOUND: Refusal = Refusal {
    status: StatusCode::OK,
    code: -32601,
    message: "method not found",
};

/// A tool other than `echo`.
const UNKNOWN_TOOL: Refusal = Refusal {
    status: StatusCode::OK,
    code: -32602,
    message: "unknown tool",
};

/// No string `text` argument.
const MISSING_TEXT: Refusal = Refusal {
    status: StatusCode::OK,
    code: -32602,
    message: "text must be a string",
};

/// The command line.
#[derive(Debug, Parser)]
#[command(about = "Bare-hyper floor server for the mcp-tools load benchmark")]
struct Args {
    /// Address to listen on; port 0 picks a free port. The bound address is printed first.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Answer every call as one SSE event, whatever the request's Accept header says.
    #[arg(long)]
    sse: bool,
    /// Use tokio's multi-thread runtime instead of the current-thread one.
    #[arg(long)]
    multi_thread: bool,
}

/// A successful `tools/call` response.
#[derive(Serialize)]
struct CallReply<'a> {
    /// Always `"2.0"`.
    jsonrpc: &'static str,
    /// The request's id, echoed.
    id: &'a Value,
    /// The tool's result.
    result: CallResult<'a>,
}

/// An MCP `CallToolResult` holding the echo envelope both as text and as structured content.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallResult<'a> {
    /// One text block: the envelope serialised.
    content: [TextContent<'a>; 1],
    /// The envelope itself.
    structured_content: &'a Envelope<'a>,
    /// Always `false`: echo cannot fail.
    is_error: bool,
    /// On 2026-07-28, the server's identity, serialised once ([`result_meta`]).
    #[serde(rename = "_meta", skip_serializing_if = "Option::is_none")]
    meta: Option<&'static RawValue>,
    /// On 2026-07-28, `"complete"`.
    #[serde(skip_serializing_if = "Option::is_none")]
    result_type: Option<&'static str>,
}

/// The `_meta` of a 2026-07-28 result: who answered.
#[derive(Serialize)]
struct ResultMeta {
    /// The server's name and version.
    #[serde(rename = "io.modelcontextprotocol/serverInfo")]
    server_info: ServerInfo,
}

/// The floor's name and version, as a 2026-07-28 result's `_meta` carries them.
#[derive(Serialize)]
struct ServerInfo {
    /// Always `"floor"`.
    name: &'static str,
    /// This crate's version.
    version: &'static str,
}

/// An MCP text content block.
#[derive(Serialize)]
struct TextContent<'a> {
    /// Always `"text"`.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The text.
    text: &'a str,
}

/// The success envelope of a tool result.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Envelope<'a> {
    /// Always `true`.
    success: bool,
    /// The echo tool's output.
    data: EchoOutput<'a>,
}

/// What the echo tool returns.
#[derive(Serialize)]
struct EchoOutput<'a> {
    /// The text it was given.
    text: &'a str,
}

/// A JSON-RPC error response.
#[derive(Serialize)]
struct ErrorReply<'a> {
    /// Always `"2.0"`.
    jsonrpc: &'static str,
    /// The request's id, or `null` when it could not be read.
    id: &'a Value,
    /// What went wrong.
    error: RpcError,
}

/// The `error` member of a JSON-RPC error response.
#[derive(Serialize)]
struct RpcError {
    /// The JSON-RPC error code.
    code: i64,
    /// A short description.
    message: &'static str,
}

fn main() -> io::Result<()> {
    let args = Args::parse();
    let mut builder = if args.multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    builder.enable_all().build()?.block_on(serve(args))
}

/// Accepts connections until a shutdown signal, then drains them.
async fn serve(args: Args) -> io::Result<()> {
    let listener = TcpListener::bind(args.listen).await?;
    {
        let mut out = io::stdout().lock();
        writeln!(out, "listening on {}", listener.local_addr()?)?;
        out.flush()?;
    }
    let mut stop = pin!(shutdown_signal()?);
    let graceful = GracefulShutdown::new();
    let force_sse = args.sse;
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    eprintln!("accept failed: {error}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        if let Err(error) = stream.set_nodelay(true) {
            eprintln!("TCP_NODELAY refused, dropping the connection: {error}");
            continue;
        }
        let connection = http1::Builder::new().keep_alive(true).serve_connection(
            TokioIo::new(stream),
            service_fn(move |request| handle(request, force_sse)),
        );
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that hangs up mid-request is its own business; the floor keeps serving.
            let _ = connection.await;
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN_TIMEOUT) => eprintln!("stopping with connections still open"),
    }
    Ok(())
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM. Installs the handlers before returning, so a signal
/// that arrives while the server starts is not lost and a failure to install one is reported.
fn shutdown_signal() -> io::Result<impl Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    Ok(async move {
        #[cfg(unix)]
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
        #[cfg(not(unix))]
        let _ = tokio::signal::ctrl_c().await;
    })
}

/// Answers one HTTP request.
async fn handle(
    request: Request<Incoming>,
    force_sse: bool,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if request.method() != Method::POST {
        return Ok(empty(StatusCode::METHOD_NOT_ALLOWED));
    }
    let sse = force_sse || wants_sse(request.headers().get(ACCEPT));
    let body = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => return Ok(empty(StatusCode::BAD_REQUEST)),
    };
    Ok(answer(&body, sse))
}

/// Parses a JSON-RPC request and answers it as the echo tool would.
fn answer(body: &[u8], sse: bool) -> Response<Full<Bytes>> {
    let Ok(message) = serde_json::from_slice::<Value>(body) else {
        return refuse(sse, &Value::Null, PARSE_ERROR);
    };
    if message["jsonrpc"].as_str() != Some("2.0") {
        let id = message.get("id").unwrap_or(&Value::Null);
        return refuse(sse, id, INVALID_REQUEST);
    }
    let Some(id) = message.get("id") else {
        // A notification: nothing to answer.
        return empty(StatusCode::ACCEPTED);
    };
    if message["method"].as_str() != Some("tools/call") {
        return refuse(sse, id, METHOD_NOT_FOUND);
    }
    let params = &message["params"];
    if params["name"].as_str() != Some("echo") {
        return refuse(sse, id, UNKNOWN_TOOL);
    }
    let Some(text) = params["arguments"]["text"].as_str() else {
        return refuse(sse, id, MISSING_TEXT);
    };
    let stateless = params["_meta"][META_PROTOCOL_VERSION].as_str() == Some(STATELESS_VERSION);
    let meta = if stateless {
        match result_meta() {
            Some(meta) => Some(meta),
            None => return empty(StatusCode::INTERNAL_SERVER_ERROR),
        }
    } else {
        None
    };
    let envelope = Envelope {
        success: true,
        data: EchoOutput { text },
    };
    let Ok(envelope_text) = serde_json::to_string(&envelope) else {
        return empty(StatusCode::INTERNAL_SERVER_ERROR);
    };
    let reply = CallReply {
        jsonrpc: "2.0",
        id,
        result: CallResult {
            content: [TextContent {
                kind: "text",
                text: &envelope_text,
            }],
            structured_content: &envelope,
            is_error: false,
            meta,
            result_type: stateless.then_some("complete"),
        },
    };
    let stateless_members = if stateless { 128 } else { 0 };
    respond(
        StatusCode::OK,
        sse,
        &reply,
        2 * envelope_text.len() + 128 + stateless_members,
    )
}

/// The `_meta` of every 2026-07-28 result, serialised on first use: the same for every call, so
/// the least a server can do is write it as it is.
fn result_meta() -> Option<&'static RawValue> {
    static META: OnceLock<Option<Box<RawValue>>> = OnceLock::new();
    META.get_or_init(|| {
        serde_json::value::to_raw_value(&ResultMeta {
            server_info: ServerInfo {
                name: "floor",
                version: env!("CARGO_PKG_VERSION"),
            },
        })
        .ok()
    })
    .as_deref()
}

/// A JSON-RPC error response.
fn refuse(sse: bool, id: &Value, refusal: Refusal) -> Response<Full<Bytes>> {
    let reply = ErrorReply {
        jsonrpc: "2.0",
        id,
        error: RpcError {
            code: refusal.code,
            message: refusal.message,
        },
    };
    respond(refusal.status, sse, &reply, 128)
}

/// Serialises `message` straight into the response body, framed as an SSE event when `sse`.
fn respond(
    status: StatusCode,
    sse: bool,
    message: &impl Serialize,
    size_hint: usize,
) -> Response<Full<Bytes>> {
    let mut body = Vec::with_capacity(size_hint + SSE_PREFIX.len() + SSE_SUFFIX.len());
    if sse {
        body.extend_from_slice(SSE_PREFIX);
    }
    if serde_json::to_writer(&mut body, message).is_err() {
        return empty(StatusCode::INTERNAL_SERVER_ERROR);
    }
    // Compact JSON has no raw newlines, so the message fits on one `data:` line.
    let content_type = if sse {
        body.extend_from_slice(SSE_SUFFIX);
        "text/event-stream"
    } else {
        "application/json"
    };
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}

/// A response without a body.
fn empty(status: StatusCode) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status;
    response
}

/// Whether the client asked for SSE only: `text/event-stream` listed, `application/json` not.
fn wants_sse(accept: Option<&HeaderValue>) -> bool {
    let Some(accept) = accept.and_then(|value| value.to_str().ok()) else {
        return false;
    };
    let lists = |wanted: &str| {
        accept.split(',').any(|range| {
            range
                .split(';')
                .next()
                .is_some_and(|media| media.trim().eq_ignore_ascii_case(wanted))
        })
    };
    lists("text/event-stream") && !lists("application/json")
}
