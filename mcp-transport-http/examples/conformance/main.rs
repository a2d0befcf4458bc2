//! The fixture server of the official MCP conformance suite
//! (`@modelcontextprotocol/conformance`): its tool scenarios call these tools
//! by name. Run with `cargo run -p mcp-transport-http --example conformance -- 127.0.0.1:3000`;
//! `scripts/conformance.sh` runs the suite against it, and `tests/interop.rs`
//! runs the script against [`service`] from `cargo test`.
#![allow(missing_docs)]

mod headers;
mod input;
mod prompts;
mod resources;
mod skills;
mod sse;
mod stateless;
mod tasks;
mod tools;

use std::time::Duration;

use mcp_tools::Server;
use mcp_transport_http::{McpService, serve};

/// The fixture server: every fixture module registers its part.
pub(crate) fn server() -> Server {
    let builder = Server::builder("mcp-tools-conformance", env!("CARGO_PKG_VERSION"));
    let builder = tools::register(builder);
    let builder = tasks::register(builder);
    let builder = stateless::register(builder);
    let builder = input::register(builder);
    let builder = headers::register(builder);
    let builder = resources::register(builder);
    let builder = prompts::register(builder);
    let builder = skills::register(builder);
    builder.build().expect("valid fixtures")
}

/// The endpoint the suite talks to: `/mcp`, with sessions.
pub(crate) fn service() -> McpService {
    let builder = McpService::builder(server()).path("/mcp").sessions(true);
    sse::polling(builder).build()
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:3000".to_owned());
    let serving = serve(service(), addr).await?;
    println!("listening on http://{}/mcp", serving.local_addr());
    tokio::signal::ctrl_c().await?;
    serving.shutdown(Duration::from_secs(5)).await;
    Ok(())
}
