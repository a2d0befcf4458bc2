//! The example's HTTP side: one service answering the MCP endpoint, the
//! sandbox authorization server, and the file routes the tools hand out URLs
//! for.
//!
//! | path | what |
//! |---|---|
//! | `POST /mcp` (and `GET`, `DELETE`) | the MCP endpoint, OAuth bearer tokens required |
//! | `/.well-known/oauth-protected-resource/mcp` | RFC 9728 metadata naming the authorization server |
//! | `/.well-known/oauth-authorization-server`, `/jwks`, `/register`, `/authorize`, `/token` | the sandbox authorization server |
//! | `PUT /uploads/{id}/{file}` | one file of an upload session ([`files`]) |
//! | `GET /downloads/{id}` | a short-lived download link |
//! | `GET /files/{id}/{name}` | a stored image |
//!
//! The MCP service answers its own endpoint and metadata and hands every other
//! path to an axum router ([`McpServiceBuilder::fallback`](mcp_transport_http::McpServiceBuilder::fallback)),
//! the way an MCP server lives inside a larger HTTP application; the
//! transport's `serve` then covers the whole port with one set of connection
//! limits, timeouts and graceful shutdown.

pub mod files;

use mcp_examples_support::replicas::Replicas;
use mcp_sandbox_oauth::SandboxOAuth;
use mcp_tools::BuildError;
use mcp_transport_http::McpService;

use crate::account::Account;
use crate::server;

/// The MCP endpoint's path.
pub const MCP_PATH: &str = "/mcp";

/// The URL of the MCP endpoint on `origin`, such as `http://127.0.0.1:8080/mcp`:
/// the resource tokens are issued for.
pub fn mcp_url(origin: &str) -> String {
    format!("{}{MCP_PATH}", origin.trim_end_matches('/'))
}

/// The whole application over `account`: the 82 tools behind `oauth`'s
/// tokens, `oauth`'s own routes, and the file routes.
///
/// `any_host` accepts every `Host` header, for a server reachable beyond
/// loopback; otherwise the MCP endpoint answers loopback names only (a guard
/// against DNS rebinding).
///
/// # Errors
///
/// When the MCP server does not build (a tool that fails its checks).
pub fn service(
    account: Account,
    oauth: &SandboxOAuth,
    any_host: bool,
) -> Result<McpService, BuildError> {
    service_with(account, oauth, any_host, &Replicas::none())
}

/// [`service`], sharing with other replicas what `replicas` says (`--redis`,
/// `--shared-secret`): confirmations, tasks and stream events in Redis, and
/// the secrets that sign tokens and request states.
///
/// # Errors
///
/// When the MCP server does not build.
pub fn service_with(
    account: Account,
    oauth: &SandboxOAuth,
    any_host: bool,
    replicas: &Replicas,
) -> Result<McpService, BuildError> {
    // Every call needs a token, also in the dispatcher, so that no path to a
    // tool skips the scopes it declares.
    let server = replicas
        .server(server::builder(account.clone()).require_authentication())
        .build()?;
    let mut mcp = McpService::builder(server)
        .path(MCP_PATH)
        .authenticator(oauth.resource_server())
        .protected_resource(oauth.protected_resource())
        .fallback(oauth.router().merge(files::routes(account)));
    if any_host {
        mcp = mcp.any_host();
    }
    Ok(replicas.service(mcp).build())
}
