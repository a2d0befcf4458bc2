//! The Reply.io example server: the 70 tools of Reply's MCP surface over an
//! in-memory sandbox workspace.
//!
//! ```text
//! cargo run --example reply -- [--listen 127.0.0.1:8080] [--api-key KEY]… [--rate-limit N]
//!     [--redis URL --shared-secret SECRET [--previous-shared-secret SECRET]]
//! cargo run --example reply -- --issue-token owner   # prints an OAuth access token
//! ```
//!
//! Clients send an API key, or sign in with OAuth ([`sign_in`]: a sandbox
//! authorization server served by the same process, which the
//! protected-resource metadata names).
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
pub mod sign_in;
pub mod tasks;
pub mod tools;
pub mod workspace;

use std::process::ExitCode;

use clap::Parser;
use mcp_examples_support::cli::{self, Banner, ServeArgs, serve_until_interrupted};

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
    /// Print an OAuth access token of the sandbox sign-in for this user
    /// (owner) with both scopes, then exit. It is valid for an hour against a
    /// server started with the same --listen address.
    #[arg(long = "issue-token", value_name = "USER", conflicts_with = "stdio")]
    issue_token: Option<String>,
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
    // Refuses to start, before anything is bound, when --redis or the
    // shared secret cannot be used.
    let replicas = args
        .serve
        .replicas
        .connect()
        .await
        .map_err(std::io::Error::other)?;
    if args.serve.stdio {
        let mut builder = server::builder(workspace::Workspace::sandbox(), args.rate_limit)
            .map_err(std::io::Error::other)?;
        if let Some(redis) = replicas.redis() {
            builder = builder.rate_limiter(server::shared_rate_limiter(redis, args.rate_limit));
        }
        let server = replicas
            .server(builder)
            .build()
            .map_err(std::io::Error::other)?;
        return cli::serve_stdio(server, server::stdio_caller()).await;
    }
    if let Some(user) = &args.issue_token {
        let origin = cli::endpoint_url(args.serve.listen, "");
        let token = sign_in::authorization_server(&origin)
            .and_then(|oauth| oauth.issue_user_token(user))
            .map_err(std::io::Error::other)?;
        println!("{}", token.access_token());
        return Ok(());
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
    let oauth =
        sign_in::authorization_server(&config.public_origin).map_err(std::io::Error::other)?;
    config.oauth = Some(oauth.clone());

    let workspace = workspace::Workspace::sandbox();
    tracing::info!(sandbox = %workspace.census(), "built the sandbox workspace");
    let mut builder =
        server::builder(workspace, config.rate_limit_per_hour).map_err(std::io::Error::other)?;
    if let Some(redis) = replicas.redis() {
        let shared = server::shared_rate_limiter(redis, config.rate_limit_per_hour);
        builder = builder.rate_limiter(shared);
    }
    let server = replicas
        .server(builder)
        .build()
        .map_err(std::io::Error::other)?;
    tracing::info!(
        tools = server.tools().count(),
        rate_limit_per_hour = config.rate_limit_per_hour,
        "registered the Reply tools"
    );
    let service = replicas
        .service(server::service_builder(server, &config))
        .build();
    serve_until_interrupted(service, listener, move |bound| {
        let url = cli::endpoint_url(bound, server::ENDPOINT_PATH);
        let mut text = Banner {
            name: "reply".to_owned(),
            url: url.clone(),
            credentials: keys
                .iter()
                .map(|key| ("API key".to_owned(), format!("x-api-key: {key}")))
                .collect(),
        }
        .render();
        text.push_str(&format!(
            "Or sign in with OAuth instead of a key:\n  claude mcp add --transport http reply {url}\n"
        ));
        text.push_str(&oauth.sign_in_help(&format!(
            "cargo run -q --example reply -- --listen {bound} --issue-token owner"
        )));
        text
    })
    .await
}
