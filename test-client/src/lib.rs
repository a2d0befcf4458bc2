//! The HTTP/1.1 client the workspace's socket-level tests talk to MCP
//! endpoints with: the transport's own tests and the example servers' suites.
//!
//! Every request goes out on a fresh connection, so one test's exchanges never
//! share state through a kept-alive socket. The client is hyper's, so requests
//! and responses are framed the way a real agent's would be (chunked bodies,
//! header casing, `Content-Length`); only the few tests that must send bytes
//! hyper would refuse to produce use [`exchange_raw`].
//!
//! - [`send`] sends one request and reads the whole [`Response`]: status,
//!   headers, body, and the body decoded as JSON or as SSE events;
//! - [`open`] returns the response head with its body still streaming, for
//!   [`EventReader`] to read one SSE event at a time;
//! - [`connect`] hands out the connection itself, for requests with a
//!   streaming body or a test that expects the connection to fail;
//! - [`exchange_raw`] writes bytes as given and returns what the server sends
//!   back before it closes the connection;
//! - [`sign_in`] signs in to an example's sandbox authorization server as an
//!   MCP client does, the test standing in for the browser.
//!
//! A test client fails loudly: anything that keeps a test from getting its
//! answer (refused connection, timeout, a body that is not UTF-8 or not JSON)
//! panics with a message naming what was expected.
//!
//! ```no_run
//! # async fn check(addr: std::net::SocketAddr) {
//! let body = r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#;
//! let headers = [
//!     ("content-type", "application/json"),
//!     ("accept", "application/json, text/event-stream"),
//! ];
//! let response = mcp_test_client::send(addr, "POST", "/mcp", &headers, body).await;
//! assert_eq!(response.status, 200);
//! let tools = &response.message()["result"]["tools"];
//! # }
//! ```

mod connection;
pub mod process;
mod raw;
mod response;
pub mod sign_in;
mod sse;

use std::time::Duration;

pub use connection::{connect, open, send};
pub use raw::exchange_raw;
pub use response::Response;
pub use sse::{EventReader, parse_events};

/// How long a test waits for an answer: a response head, a whole body or the
/// next SSE event. Generous, since the tests share a loaded machine; a server
/// that does answer is never slowed down by it.
pub const ANSWER_WITHIN: Duration = Duration::from_secs(30);
