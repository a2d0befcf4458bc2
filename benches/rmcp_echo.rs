//! The callgrind benchmark's point of comparison: the same `echo` tool on rmcp, the official Rust
//! MCP SDK, instead of ours.
//!
//! A benchmark-only program: `benches/callgrind.sh` runs it beside the floor and our echo example
//! so that the comparison is measured again with every change. It serves one tool, `echo`, which
//! takes `{"text": string}` and returns `{"text": string}` as structured content (rmcp's `Json`
//! wrapper, which also writes it as the text block), over rmcp's Streamable HTTP service:
//!
//! - stateless: no sessions (`legacy_session_mode` off, rmcp's never-session manager), so a
//!   `tools/call` needs no `initialize` first, as with our echo example;
//! - JSON answers (`json_response` on) when the client accepts `application/json`; rmcp falls
//!   back to SSE when a tool sends something before its result, which echo never does;
//! - the router built once at start and shared, not rebuilt for every request.
//!
//! Underneath is the same hyper 1 set-up as the floor and our server: HTTP/1.1 with keep-alive,
//! `TCP_NODELAY` on every accepted socket, tokio's current-thread runtime. What this program
//! spends above the floor is therefore rmcp's cost, measured the same way as ours.
//!
//! # Usage
//!
//! ```text
//! cargo run --release --example rmcp-echo -- --listen 127.0.0.1:8080
//! ```
//!
//! The endpoint is `/mcp`. The first line on stdout is `listening on ADDR` (with the default
//! `--listen 127.0.0.1:0`, that is how a caller learns the port). Ctrl-C or SIGTERM stops
//! accepting, lets open connections finish for up to two seconds, and exits with status 0.

use std::convert::Infallible;
use std::future::Future;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use clap::Parser;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{Service, service_fn};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rmcp::handler::server::router::tool::ToolRouter;
use rmcp::handler::server::wrapper::{Json, Parameters};
use rmcp::schemars::JsonSchema;
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ServerHandler, tool, tool_handler, tool_router};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;

/// How long open connections may take to finish after a shutdown signal.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);

/// The one path the MCP endpoint answers on, as in our echo example.
const MCP_PATH: &str = "/mcp";

/// The command line.
#[derive(Debug, Parser)]
#[command(about = "The echo tool on rmcp, for the mcp-tools callgrind benchmark")]
struct Args {
    /// Address to listen on; port 0 picks a free port. The bound address is printed first.
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
}

/// The arguments of `echo`.
#[derive(Debug, Deserialize, JsonSchema)]
struct EchoInput {
    /// The text to send back.
    text: String,
}

/// What `echo` sends back.
#[derive(Debug, Serialize, JsonSchema)]
struct Echoed {
    /// The text, unchanged.
    text: String,
}

/// The server: nothing but its tool router, shared by every request.
#[derive(Clone)]
struct EchoServer {
    /// Built once; rmcp's default would build it again for every call.
    tools: Arc<ToolRouter<EchoServer>>,
}

#[tool_router]
impl EchoServer {
    /// A server with its router built.
    fn new() -> Self {
        Self {
            tools: Arc::new(Self::tool_router()),
        }
    }

    /// Sends the text back unchanged. Use it to check that the connection works.
    #[tool(annotations(read_only_hint = true, idempotent_hint = true, open_world_hint = false))]
    async fn echo(&self, Parameters(EchoInput { text }): Parameters<EchoInput>) -> Json<Echoed> {
        Json(Echoed { text })
    }
}

#[tool_handler(router = self.tools, name = "rmcp-echo")]
impl ServerHandler for EchoServer {}

fn main() -> io::Result<()> {
    let args = Args::parse();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(serve(args))
}

/// Accepts connections until a shutdown signal, then drains them.
async fn serve(args: Args) -> io::Result<()> {
    let listener = TcpListener::bind(args.listen).await?;
    {
        let mut out = io::stdout().lock();
        writeln!(out, "listening on {}", listener.local_addr()?)?;
        out.flush()?;
    }
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true);
    let server = EchoServer::new();
    let mcp = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(NeverSessionManager::default()),
        config,
    );
    let mut stop = pin!(shutdown_signal()?);
    let graceful = GracefulShutdown::new();
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
        let mcp = TowerToHyperService::new(mcp.clone());
        // rmcp's service answers whatever path it is given (it is meant to be mounted in a
        // router), so the one route is checked here.
        let service = service_fn(move |request: Request<Incoming>| {
            let answer = (request.uri().path() == MCP_PATH).then(|| mcp.call(request));
            async move {
                match answer {
                    Some(answer) => answer.await,
                    None => Ok(not_found()),
                }
            }
        });
        let connection = http1::Builder::new()
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that hangs up mid-request is its own business; the server keeps serving.
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

/// The answer to any path but the endpoint's.
fn not_found() -> Response<BoxBody<Bytes, Infallible>> {
    let mut response = Response::new(Full::new(Bytes::new()).boxed());
    *response.status_mut() = StatusCode::NOT_FOUND;
    response
}
