//! The Reply.io example server: the 70 tools of Reply's MCP surface over an
//! in-memory sandbox workspace.
//!
//! ```text
//! cargo run --example reply -- [--listen 127.0.0.1:8080] [--api-key KEY]… [--rate-limit N]
//! ```
//!
//! The domain lives in one module per area (`sequences`, `contacts`, `inbox`, …)
//! as operations on [`workspace::Workspace`]; [`tools`] declares one `#[tool]`
//! per operation, and [`server`] builds the MCP server and its HTTP endpoint.
//! [`main`] is the whole program; the workspace root's `reply` example calls it.

// Argument docs are the descriptions models read in `tools/list`, plain text
// where `<original>` is a placeholder, not an HTML tag.
#![allow(rustdoc::invalid_html_tags)]

pub mod accounts;
pub mod approvals;
pub mod catalog;
pub mod contacts;
pub mod guidance;
pub mod handlers;
pub mod help;
pub mod inbox;
pub mod knowledge;
pub mod offers;
pub mod performance;
pub mod playbooks;
pub mod reengagement;
pub mod sequences;
pub mod server;
pub mod tasks;
pub mod tools;
pub mod workspace;

use std::process::ExitCode;

use clap::Parser;
use mcp_examples_support::cli::{self, Banner, ServeArgs};

/// Serve the Reply.io MCP surface over a sandbox workspace.
#[derive(Debug, Parser)]
#[command(
    name = "reply",
    version,
    about = "Serves the 70 tools of Reply.io's MCP surface over Streamable HTTP on an in-memory sandbox workspace"
)]
struct Cli {
    #[command(flatten)]
    serve: ServeArgs,
    /// API key clients must send as `x-api-key: KEY` or `Authorization: Bearer KEY`.
    /// Repeat for several keys; without one, a random key is generated and printed.
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// Requests per key per hour before the server answers 429.
    #[arg(long, value_name = "N", default_value_t = server::DEFAULT_RATE_LIMIT)]
    rate_limit: u32,
}

/// Runs the example server from the process's command line until Ctrl-C:
/// the `reply` example's whole program.
pub fn main() -> ExitCode {
    let args = Cli::parse();
    let _logging = match args.serve.init_logging() {
        Ok(logging) => logging,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Cli) -> std::io::Result<()> {
    if args.serve.stdio {
        let server = server::server(workspace::Workspace::sandbox(), args.rate_limit)
            .map_err(std::io::Error::other)?;
        return cli::serve_stdio(server, server::stdio_caller()).await;
    }
    let mut keys = args.api_keys;
    if keys.is_empty() {
        keys.push(format!("sandbox-{}", cli::random_secret(16)?));
    }
    // Bound first, so that the metadata names the port really served (also
    // when `--listen` asks for port 0).
    let listener = args.serve.bind().await?;
    let addr = listener.local_addr()?;
    let mut config = server::Config::for_addr(addr, keys.clone());
    config.rate_limit_per_hour = args.rate_limit;

    let workspace = workspace::Workspace::sandbox();
    tracing::info!(sandbox = %workspace.census(), "built the sandbox workspace");
    let server =
        server::server(workspace, config.rate_limit_per_hour).map_err(std::io::Error::other)?;
    tracing::info!(
        tools = server.tools().count(),
        rate_limit_per_hour = config.rate_limit_per_hour,
        "registered the Reply tools"
    );
    let service = server::service(server, &config);
    cli::serve_until_interrupted(service, listener, |bound| Banner {
        name: "reply".to_owned(),
        url: cli::endpoint_url(bound, server::ENDPOINT_PATH),
        credentials: keys
            .iter()
            .map(|key| ("API key".to_owned(), format!("x-api-key: {key}")))
            .collect(),
    })
    .await
}
