//! The stdio transport of [`mcp_tools`]: a server that a client starts as a
//! child process and talks to over its standard input and output, one
//! JSON-RPC message per line, as local clients (Claude Desktop, Claude Code,
//! the MCP Inspector) launch `command` servers.
//!
//! The same [`Server`] serves HTTP and stdio; only the carriage differs.
//!
//! ```no_run
//! use mcp_tools::{NoArguments, Server, Tool, ToolContext, ToolResult};
//! use mcp_transport_stdio::StdioTransport;
//!
//! #[tokio::main]
//! async fn main() -> std::io::Result<()> {
//!     let server = Server::builder("notes", "1.0.0")
//!         .tool(Tool::builder("ping").description("Answers pong.").read_only()
//!             .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("pong") }))
//!         .build()
//!         .expect("valid tools");
//!     // Serves until the client closes stdin.
//!     StdioTransport::new(server).serve().await
//! }
//! ```
//!
//! # What the transport does, and what it leaves to the server
//!
//! - **Framing**: each message is one line of UTF-8 JSON; a line that is not
//!   JSON-RPC gets a parse error with id `null`, and reading goes on. A line
//!   longer than [`StdioTransport::max_message_bytes`] is refused the same way
//!   and skipped, so one runaway message cannot exhaust memory. JSON-RPC
//!   batches (2025-03-26) are answered as batches.
//! - **Concurrency**: requests run concurrently; answers go out as they
//!   finish, each written whole. Progress and log notifications, and the
//!   server's own requests (elicitation, sampling, roots) go out on stdout as
//!   they happen, and the client's answers are routed back to the tool that
//!   asked.
//! - **Cancellation**: `notifications/cancelled` cancels the named request.
//!   When the client closes stdin, calls still running get
//!   [`StdioTransport::shutdown_grace`] to finish; then they are cancelled.
//! - **Admission**: every message goes through [`Server::admit`] like over HTTP.
//!   There are no credentials on a pipe: the process that started the server
//!   is trusted as no caller ([`Credentials::Unchecked`]), or as the caller you
//!   name with [`StdioTransport::caller`]. A server that
//!   [requires authentication](mcp_tools::ServerBuilder::require_authentication)
//!   serves stdio only with a named caller.
//! - **stdout is the protocol**: nothing else may be written to it. Send logs
//!   to stderr (`tracing_subscriber::fmt().with_writer(std::io::stderr)`).
//!
//! [`Credentials::Unchecked`]: mcp_tools::transport::Credentials::Unchecked

/// This crate's README (its crates.io page), kept compiling.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

mod connection;
mod framing;
mod peer;

use std::io;
use std::time::Duration;

use mcp_tools::transport::Credentials;
use mcp_tools::{Caller, Server};
use tokio::io::{AsyncRead, AsyncWrite};

/// How long calls still running may go on after the client closed stdin,
/// unless configured.
pub const DEFAULT_SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The longest line read as one message unless configured: 16 MiB.
pub const DEFAULT_MAX_MESSAGE_BYTES: usize = 16 * 1024 * 1024;

/// Serves a [`Server`] over a pair of byte streams, one JSON-RPC message per
/// line: stdin and stdout with [`serve`](Self::serve), or any reader and
/// writer with [`serve_on`](Self::serve_on).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mcp_tools::{NoArguments, Server, Tool, ToolContext, ToolResult};
/// use mcp_transport_stdio::StdioTransport;
/// use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
///
/// let server = Server::builder("demo", "1.0.0")
///     .tool(Tool::builder("ping").description("Answers pong.").read_only()
///         .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("pong") }))
///     .build()
///     .unwrap();
/// let (client, server_side) = tokio::io::duplex(64 * 1024);
/// let (from_client, to_client) = tokio::io::split(server_side);
/// let serving = tokio::spawn(StdioTransport::new(server).serve_on(from_client, to_client));
///
/// let (from_server, mut to_server) = tokio::io::split(client);
/// to_server.write_all(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\"}\n").await?;
/// let mut lines = BufReader::new(from_server).lines();
/// let answer = lines.next_line().await?.unwrap();
/// assert!(answer.contains("\"ping\""));
///
/// to_server.shutdown().await?; // the client closes its end: the transport finishes
/// serving.await.unwrap()?;
/// # Ok::<(), std::io::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug)]
#[must_use = "call .serve() to start serving"]
pub struct StdioTransport {
    server: Server,
    credentials: Credentials,
    shutdown_grace: Duration,
    max_message_bytes: usize,
}

impl StdioTransport {
    /// Serves `server` with no caller (the local process is trusted).
    pub fn new(server: Server) -> Self {
        Self {
            server,
            credentials: Credentials::Unchecked,
            shutdown_grace: DEFAULT_SHUTDOWN_GRACE,
            max_message_bytes: DEFAULT_MAX_MESSAGE_BYTES,
        }
    }

    /// Serves every message as `caller`: its id and scopes decide what it may
    /// call, and the audit log names it.
    ///
    /// ```
    /// use mcp_tools::{Caller, Server};
    /// use mcp_transport_stdio::StdioTransport;
    ///
    /// let server = Server::builder("demo", "1.0.0").require_authentication().build().unwrap();
    /// let transport = StdioTransport::new(server)
    ///     .caller(Caller::new("local:alice").with_scopes(["notes:read", "notes:write"]));
    /// # drop(transport);
    /// ```
    pub fn caller(mut self, caller: Caller) -> Self {
        self.credentials = Credentials::Valid {
            caller,
            step_up: false,
        };
        self
    }

    /// How long calls still running may go on after the client closed stdin
    /// before they are cancelled; [`DEFAULT_SHUTDOWN_GRACE`] unless set.
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// The longest line accepted as one message; longer ones are refused with
    /// a parse error and skipped. [`DEFAULT_MAX_MESSAGE_BYTES`] unless set.
    pub fn max_message_bytes(mut self, limit: usize) -> Self {
        self.max_message_bytes = limit.max(1);
        self
    }

    /// Serves on the process's stdin and stdout until the client closes stdin
    /// and the calls still running have finished (or the grace period ran out).
    pub async fn serve(self) -> io::Result<()> {
        self.serve_on(tokio::io::stdin(), tokio::io::stdout()).await
    }

    /// Serves on `reader` and `writer` until `reader` ends and the calls still
    /// running have finished (or the grace period ran out).
    pub async fn serve_on<R, W>(self, reader: R, writer: W) -> io::Result<()>
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin + Send + 'static,
    {
        connection::run(self, reader, writer).await
    }
}
