//! The server and its HTTP endpoint: tools, scopes, PII, confirmation, rate
//! policy, audit log and authentication, put together.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt};
use mcp_examples_support::replicas::Replicas;
use mcp_examples_support::replicas::mcp_tools_redis::RedisRateLimiter;
use mcp_sandbox_oauth::SandboxOAuth;
use mcp_tools::audit::JsonLinesAuditSink;
use mcp_tools::confirm::DEFAULT_CONFIRMATION_LIFETIME;
use mcp_tools::rate::{RateKey, WindowRateLimiter};
use mcp_tools::{Server, ToolListing};
use mcp_transport_http::McpService;
use mcp_transport_http::auth::{
    Algorithm, AuthResult, Authenticator, DecodingKey, FirstOf, OAuthResourceServer,
    ProtectedResource,
};

use crate::account::Account;
use crate::catalog::SCOPES;
use crate::tokens::{AccessTokens, SANDBOX_ACCOUNT};

/// The server's name in `initialize` and in `claude mcp add`.
pub const SERVER_NAME: &str = "retently";
/// The MCP endpoint's path.
pub const MCP_PATH: &str = "/mcp";
/// The scope that lets personal data out in clear.
pub const PII_READ_SCOPE: &str = "pii:read";
/// The scope that lets a call change personal data.
pub const PII_WRITE_SCOPE: &str = "pii:write";
/// Writes (confirmed executions) an account may make per hour. Dry runs do
/// not count: previewing never uses up the budget for writing.
pub const WRITES_PER_HOUR: u32 = 60;
/// Calls of any tool an account may make per hour.
pub const CALLS_PER_HOUR: u32 = 3600;
/// The fewest bytes of an HS256 secret for the sandbox's JWT issuer.
pub const MIN_JWT_SECRET_LEN: usize = 32;

const HOUR: Duration = Duration::from_secs(60 * 60);

const INSTRUCTIONS: &str = "Retently sandbox: survey feedback, scores, customers and delivery of one demo account. \
Write tools never act on the first call: they return a Preview of exactly what would change and a \
ConfirmationToken. Show the preview to the user, and only after they agree call the same tool again \
with the same arguments plus confirmationToken. reply_feedback and send_survey reach real people once \
confirmed. Without the pii:read scope, emails and names come back de-identified (j***@example.com, \
Person 4F2A).";

/// An OAuth issuer whose bearer JWTs the server accepts.
#[derive(Clone)]
pub struct JwtIssuer {
    /// The issuer (`iss`), also published as the authorization server.
    pub issuer: String,
    /// The HS256 secret shared with the issuer.
    pub secret: Vec<u8>,
}

impl fmt::Debug for JwtIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwtIssuer")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

/// Everything the server is configured with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The accepted personal access tokens.
    pub tokens: AccessTokens,
    /// The accepted OAuth issuer, if any.
    pub jwt: Option<JwtIssuer>,
    /// The sandbox authorization server the example serves beside the
    /// endpoint (see [`http()`]), if any: its tokens are accepted, and the
    /// metadata names it.
    pub oauth: Option<SandboxOAuth>,
    /// The endpoint's canonical URL: the audience JWTs must name, and the
    /// resource of the protected-resource metadata.
    pub resource: String,
    /// Where audit records go, one JSON object a line.
    pub audit_log: PathBuf,
    /// How long a confirmation token stays valid.
    pub confirmation_lifetime: Duration,
    /// Confirmed writes per account and hour.
    pub writes_per_hour: u32,
    /// Calls and other requests per account and hour.
    pub calls_per_hour: u32,
    /// What this process shares with other replicas (`--redis`,
    /// `--shared-secret`); nothing by default.
    pub replicas: Replicas,
}

impl Settings {
    /// Defaults for `resource`, with `tokens` and an audit log at `audit_log`.
    pub fn new(tokens: AccessTokens, resource: impl Into<String>, audit_log: PathBuf) -> Self {
        Self {
            tokens,
            jwt: None,
            oauth: None,
            resource: resource.into(),
            audit_log,
            confirmation_lifetime: DEFAULT_CONFIRMATION_LIFETIME,
            writes_per_hour: WRITES_PER_HOUR,
            calls_per_hour: CALLS_PER_HOUR,
            replicas: Replicas::none(),
        }
    }
}

/// Builds the MCP server over `account`.
pub fn server(account: Account, settings: &Settings) -> Result<Server, Box<dyn std::error::Error>> {
    let audit = JsonLinesAuditSink::open(&settings.audit_log).map_err(|e| {
        format!(
            "cannot open the audit log {}: {e}",
            settings.audit_log.display()
        )
    })?;
    let builder = Server::builder(SERVER_NAME, env!("CARGO_PKG_VERSION"))
        .title("Retently (sandbox)")
        .instructions(INSTRUCTIONS)
        .state(account)
        .tools(crate::tools::registry())
        .resource(crate::tools::filters::filter_vocabulary::resource())
        .tool_listing(ToolListing::All)
        .require_authentication()
        .public_discovery(true)
        .pii_read_scope(PII_READ_SCOPE)
        .pii_write_scope(PII_WRITE_SCOPE)
        .confirmation_lifetime(settings.confirmation_lifetime)
        .audit_sink(audit)
        .rate_limiter(
            WindowRateLimiter::new(settings.calls_per_hour, HOUR)
                .destructive_budget(settings.writes_per_hour, HOUR)
                .key_by(RateKey::AccountOrCaller),
        );
    // With --redis, the same budgets shared by every replica.
    let builder = match settings.replicas.redis() {
        Some(redis) => builder.rate_limiter(
            RedisRateLimiter::new(redis, settings.calls_per_hour, HOUR)
                .destructive_budget(settings.writes_per_hour, HOUR)
                .key_by(RateKey::AccountOrCaller),
        ),
        None => builder,
    };
    let server = settings.replicas.server(builder).build()?;
    Ok(server)
}

/// The HTTP endpoint of `server`: personal access tokens first, then JWTs of
/// the configured issuer, then tokens of the sandbox authorization server;
/// protected-resource metadata naming those issuers in that order (a client
/// signs in with the first: an issuer configured on purpose wins); anonymous
/// discovery so that a client without credentials can still reach `ping`;
/// and the sandbox authorization server's pages on the same port, when
/// `settings` has one.
pub fn http(server: Server, settings: &Settings) -> McpService {
    let mut resource = ProtectedResource::new(&settings.resource)
        .name("Retently (sandbox)")
        .scopes(SCOPES);
    let mut auth = FirstOf::new().with(settings.tokens.clone());
    if let Some(jwt) = &settings.jwt {
        resource = resource.authorization_server(&jwt.issuer);
        auth = auth.with(OnSandboxAccount(
            OAuthResourceServer::new(&settings.resource)
                .issuer(&jwt.issuer)
                .key(
                    Algorithm::HS256,
                    DecodingKey::from_secret(&jwt.secret),
                    None,
                ),
        ));
    }
    if let Some(oauth) = &settings.oauth {
        // The sandbox's users carry the account in their tokens.
        resource = resource.authorization_server(oauth.issuer());
        auth = auth.with(oauth.resource_server());
    }
    let mut builder = McpService::builder(server)
        .path(MCP_PATH)
        .authenticator(auth)
        .protected_resource(resource);
    // The sign-in pages share the port, its limits and its shutdown.
    if let Some(oauth) = &settings.oauth {
        builder = builder.fallback(oauth.router());
    }
    settings.replicas.service(builder).build()
}

/// Bearer JWTs of the configured issuer. The sandbox has one account, so every
/// OAuth caller acts on it (which also gives them the account's write budget).
struct OnSandboxAccount(OAuthResourceServer);

impl Authenticator for OnSandboxAccount {
    fn authenticate<'a>(&'a self, parts: &'a http::request::Parts) -> BoxFuture<'a, AuthResult> {
        self.0
            .authenticate(parts)
            .map(|result| result.map(|found| found.map(|auth| auth.with_account(SANDBOX_ACCOUNT))))
            .boxed()
    }
}
