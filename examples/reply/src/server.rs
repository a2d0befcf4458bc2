//! Wiring: the MCP server over the sandbox, and the HTTP endpoint in front of it.
//!
//! [`server`] registers the 70 tools on a [`Workspace`]; [`service`] puts the
//! Streamable HTTP transport in front of it the way the vendor's endpoint
//! behaves: path `/`, SSE responses, API keys as `x-api-key` or
//! `Authorization: Bearer` (and, with [`crate::sign_in`], OAuth tokens), a 401
//! challenge pointing at protected-resource metadata, and an hourly request
//! budget reported in `X-Rate-Limit-*` headers. [`service`] serves the sandbox
//! authorization server's routes on the same port.
//! Tests build both in-process and serve them on an ephemeral port.

use std::net::SocketAddr;
use std::time::Duration;

use mcp_sandbox_oauth::SandboxOAuth;
use mcp_tools::rate::{RateKey, WindowRateLimiter};
use mcp_tools::{BuildError, Caller, Server, ServerBuilder};
use mcp_transport_http::auth::{ApiKeys, FirstOf, ProtectedResource};
use mcp_transport_http::rate_headers::{RateHeaders, RateValue};
use mcp_transport_http::{McpService, McpServiceBuilder, ResponseMode};

use crate::workspace::Workspace;
use crate::{guidance, sign_in, tools};

/// The name the server reports in `initialize` (the vendor's is `Reply.Mcp`).
pub const SERVER_NAME: &str = "Reply.Mcp.Sandbox";

/// The version the server reports in `initialize`.
pub const SERVER_VERSION: &str = "1.0.0";

/// The endpoint path, as the vendor's: the MCP endpoint is the site root.
pub const ENDPOINT_PATH: &str = "/";

/// Requests per API key per hour unless configured, as the vendor documents.
pub const DEFAULT_RATE_LIMIT: u32 = 3000;

/// The length of the rate window: an hour, as the vendor's.
pub const RATE_WINDOW: Duration = Duration::from_secs(3600);

/// The scopes the protected-resource metadata advertises.
pub const SCOPES: [&str; 2] = ["reply-web-api", "mcp:tools"];

/// Guidance every client receives in `initialize`.
const INSTRUCTIONS: &str = "Reply.io sandbox workspace: sequences, contacts, inbox, tasks and \
the Jason AI SDR. Every tool result is {\"Success\":true,\"Data\":...} or \
{\"Success\":false,\"ErrorCode\":...,\"ErrorMessage\":...}; branch on ErrorCode. Resolve numeric \
ids with the search_*/list_*/filter_* tools before any change; never invent an id and never ask \
the user for one. Confirm with the user before anything that reaches a prospect or cannot be \
undone: starting a sequence, enrolling contacts, sending or approving messages, rejecting a \
draft, blacklisting, changing owners, switching Jason to Autonomous. Batch results list what \
happened per item (AffectedContactIds, NotProcessed); report exact counts. Paginate with \
top/skip until HasMore is false.";

/// How the HTTP endpoint is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// Accepted API keys; each becomes its own caller with its own rate budget.
    pub api_keys: Vec<String>,
    /// Requests per key per hour.
    pub rate_limit_per_hour: u32,
    /// The origin clients reach the server at, such as `http://127.0.0.1:8080`:
    /// the `resource` of the protected-resource metadata.
    pub public_origin: String,
    /// Accept any `Host` header, for a server listening beyond loopback.
    pub any_host: bool,
    /// The sandbox authorization server served beside the endpoint (see
    /// [`service`] and [`crate::sign_in`]), if any: its tokens are accepted, and
    /// the metadata names it. Without one, the metadata names no
    /// authorization server and only API keys sign in.
    pub oauth: Option<SandboxOAuth>,
}

impl Config {
    /// A configuration for a server bound to `addr`, with the default rate limit.
    pub fn for_addr(addr: SocketAddr, api_keys: Vec<String>) -> Self {
        Self {
            api_keys,
            rate_limit_per_hour: DEFAULT_RATE_LIMIT,
            public_origin: format!("http://{addr}"),
            any_host: !addr.ip().is_loopback(),
            oauth: None,
        }
    }
}

/// The MCP server: the 70 Reply tools over `workspace`, with an hourly budget of
/// `rate_limit_per_hour` requests per API key.
pub fn server(workspace: Workspace, rate_limit_per_hour: u32) -> Result<Server, BuildError> {
    builder(workspace, rate_limit_per_hour)?.build()
}

/// The builder of [`server`], for a caller that adds to it (the shared state
/// of replicas: [`Replicas::server`](mcp_examples_support::replicas::Replicas::server)).
pub fn builder(
    workspace: Workspace,
    rate_limit_per_hour: u32,
) -> Result<ServerBuilder, BuildError> {
    Ok(Server::builder(SERVER_NAME, SERVER_VERSION)
        .title("Reply.io (sandbox)")
        .instructions(INSTRUCTIONS)
        .state(workspace)
        .tools(
            tools::all()
                .into_iter()
                .map(|tool| tool.require_scopes([sign_in::MCP_TOOLS])),
        )
        .resource(guidance::agent_rules::resource())
        .resource(guidance::recipes::resource())
        .prompt(guidance::launch_sequence::prompt())
        .prompt(guidance::enroll_contact::prompt())
        .prompt(guidance::review_jason_drafts::prompt())
        .prompt(guidance::switch_jason_to_autonomous::prompt())
        .prompt(guidance::answer_inbox_thread::prompt())
        .prompt(guidance::handle_unsupported_request::prompt())
        .skill(guidance::skill()?)
        .rate_limiter(
            WindowRateLimiter::new(rate_limit_per_hour, RATE_WINDOW).key_by(RateKey::Caller),
        ))
}

/// The same budget as [`server`]'s, kept in Redis so that every replica
/// draws on it (`--redis`).
pub fn shared_rate_limiter(
    redis: &mcp_examples_support::replicas::mcp_tools_redis::Redis,
    rate_limit_per_hour: u32,
) -> mcp_examples_support::replicas::mcp_tools_redis::RedisRateLimiter {
    mcp_examples_support::replicas::mcp_tools_redis::RedisRateLimiter::new(
        redis,
        rate_limit_per_hour,
        RATE_WINDOW,
    )
    .key_by(RateKey::Caller)
}

/// Who a client served over stdio is: the sandbox account's own user, with
/// every scope an API key has.
pub fn stdio_caller() -> Caller {
    Caller::new("stdio")
        .with_account(sign_in::ACCOUNT)
        .with_scopes(SCOPES)
}

/// The HTTP endpoint in front of `server`: API keys first, then tokens of
/// the sandbox authorization server when `config` has one, whose pages are
/// served on the same port.
pub fn service(server: Server, config: &Config) -> McpService {
    service_builder(server, config).build()
}

/// The builder of [`service`], for a caller that adds to it (the shared
/// state of replicas: [`Replicas::service`](mcp_examples_support::replicas::Replicas::service)).
pub fn service_builder(server: Server, config: &Config) -> McpServiceBuilder {
    let mut keys = ApiKeys::new();
    for (n, key) in config.api_keys.iter().enumerate() {
        let caller = Caller::new(format!("api-key-{}", n + 1))
            .with_account(sign_in::ACCOUNT)
            .with_scopes(SCOPES);
        keys = keys.key(key, caller);
    }
    let mut resource = ProtectedResource::new(config.public_origin.trim_end_matches('/'))
        .scopes(SCOPES)
        .name("Reply.io sandbox MCP");
    let mut auth = FirstOf::new().with(keys);
    if let Some(oauth) = &config.oauth {
        resource = resource.authorization_server(oauth.issuer());
        auth = auth.with(oauth.resource_server());
    }
    let mut http = McpService::builder(server)
        .path(ENDPOINT_PATH)
        .response_mode(ResponseMode::Sse)
        .authenticator(auth)
        .protected_resource(resource);
    // The sign-in pages share the port, its limits and its shutdown.
    if let Some(oauth) = &config.oauth {
        http = http.fallback(oauth.router());
    }
    http = http.rate_headers(vendor_rate_headers());
    if config.any_host {
        http = http.any_host();
    }
    http
}

/// The rate headers in the vendor's format: `X-Rate-Limit-Limit: 1h` (the
/// window), `-Remaining: 2997` and `-Reset` as the RFC 3339 time the window
/// renews. They go on every response; a spent budget is answered with 429.
fn vendor_rate_headers() -> RateHeaders {
    RateHeaders::new()
        .header("x-rate-limit-limit", RateValue::Window)
        .header("x-rate-limit-remaining", RateValue::Remaining)
        .header("x-rate-limit-reset", RateValue::ResetAt)
}
