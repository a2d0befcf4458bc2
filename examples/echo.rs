//! The quick-start server: one read-only `echo` tool over Streamable HTTP.
//!
//! ```text
//! cargo run --release --example echo -- --listen 127.0.0.1:8080 [--api-key KEY] [--rate-limit N]
//! ```
//!
//! Stateless (no sessions), JSON responses unless the client accepts only SSE.
//! Without `--api-key` every caller is served; with it, callers must send the
//! key as `x-api-key` or `Authorization: Bearer`. `--rate-limit` allows each
//! caller N tool calls a minute. The benchmarks (`benches/load.sh`,
//! `benches/callgrind.sh`) measure this server against a bare-hyper floor.

use std::num::NonZeroU32;
use std::time::Duration;

use clap::Parser;
use mcp_examples_support::cli::{Banner, ServeArgs, endpoint_url, serve_until_interrupted};
use mcp_tools::rate::WindowRateLimiter;
use mcp_tools::{Caller, Server, ToolResult, tool};
use mcp_transport_http::McpService;
use mcp_transport_http::auth::ApiKeys;
use schemars::JsonSchema;
use serde::Serialize;

/// What `echo` sends back.
#[derive(Debug, Serialize, JsonSchema)]
struct Echoed {
    /// The text, unchanged.
    text: String,
}

/// Sends the text back unchanged. Use it to check that the connection works.
#[tool(read_only, idempotent, closed_world)]
async fn echo(
    /// The text to send back.
    text: String,
) -> ToolResult<Echoed> {
    Ok(Echoed { text })
}

/// Command line of the echo server.
#[derive(Debug, Parser)]
#[command(about = "The mcp-tools quick-start server: one echo tool over Streamable HTTP")]
struct Args {
    #[command(flatten)]
    serve: ServeArgs,
    /// Require this API key (x-api-key or Authorization: Bearer); repeat for several.
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// Allow each caller at most N tool calls a minute (callers without a key share one budget).
    #[arg(long = "rate-limit", value_name = "N")]
    rate_limit: Option<NonZeroU32>,
}

/// The echo server's tools, with a per-minute budget of calls when `rate_limit` is set.
fn server(rate_limit: Option<NonZeroU32>) -> Result<Server, mcp_tools::BuildError> {
    let mut builder = Server::builder("echo", env!("CARGO_PKG_VERSION")).tool(echo::tool());
    if let Some(calls) = rate_limit {
        builder =
            builder.rate_limiter(WindowRateLimiter::new(calls.get(), Duration::from_secs(60)));
    }
    builder.build()
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let _logging = args.serve.init_logging()?;
    let mut http = McpService::builder(server(args.rate_limit)?).path("/mcp");
    if !args.api_keys.is_empty() {
        let keys = args
            .api_keys
            .iter()
            .enumerate()
            .fold(ApiKeys::new(), |keys, (n, key)| {
                keys.key(key, Caller::new(format!("key-{n}")))
            });
        http = http.authenticator(keys);
    }
    let credentials = args
        .api_keys
        .first()
        .map(|key| vec![("API key".to_owned(), format!("x-api-key: {key}"))])
        .unwrap_or_default();
    serve_until_interrupted(http.build(), args.serve.bind().await?, |addr| {
        Banner {
            name: "echo".into(),
            url: endpoint_url(addr, "/mcp"),
            credentials,
        }
        .render()
    })
    .await?;
    Ok(())
}
