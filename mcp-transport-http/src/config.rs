//! The transport's configuration and its builder.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use mcp_tools::Server;

use crate::auth::{Authenticator, ProtectedResource};
use crate::body::BoxError;
use crate::fallback::{Fallback, FallbackBody};
use crate::rate_headers::RateHeaders;

/// The largest request body accepted unless configured: 4 MiB.
pub const DEFAULT_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// How long a client may take to send a request's headers unless configured.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a connection may stay silent, with no request in flight, before it is closed.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(120);

/// How long a client may take to send a whole request body unless configured.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// How many connections `serve()` holds open at once unless configured.
pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

/// How many requests `serve()` works on at once unless configured.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;

/// How long a session may go unused before it expires.
pub const DEFAULT_SESSION_IDLE: Duration = Duration::from_secs(30 * 60);

/// The reconnection delay sent in the `retry:` field of priming events unless configured.
pub const DEFAULT_SSE_RETRY: Duration = Duration::from_secs(1);

/// How a request is answered when the client accepts both JSON and SSE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ResponseMode {
    /// One `application/json` body, unless a progress, log or elicitation
    /// message goes out before the result; then an SSE stream.
    #[default]
    Json,
    /// Always an SSE stream (`text/event-stream`) whose last event is the result.
    Sse,
}

/// Which values of a header (`Host`, `Origin`) are accepted.
#[derive(Clone, PartialEq, Eq)]
pub(crate) enum AllowList {
    /// Any value.
    Any,
    /// Host names (any port), compared case-insensitively. An `Origin` matches
    /// when its host is listed, whatever its scheme and port.
    Hosts(Arc<[String]>),
    /// Exact origins (`scheme://host[:port]`), compared case-insensitively.
    Origins(Arc<[String]>),
}

impl AllowList {
    fn loopback() -> Self {
        Self::Hosts(Arc::from(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "[::1]".to_owned(),
        ]))
    }

    /// Whether a `Host` header value (`host[:port]`) is allowed.
    pub(crate) fn allows_host(&self, value: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Hosts(hosts) | Self::Origins(hosts) => {
                let host = strip_port(value);
                hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
            }
        }
    }

    /// Whether an `Origin` header value (`scheme://host[:port]`) is allowed.
    pub(crate) fn allows_origin(&self, value: &str) -> bool {
        match self {
            Self::Any => true,
            Self::Origins(origins) => origins
                .iter()
                .any(|o| o.trim_end_matches('/').eq_ignore_ascii_case(value)),
            Self::Hosts(hosts) => {
                let Some((scheme, rest)) = value.split_once("://") else {
                    return false;
                };
                if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
                    return false;
                }
                let host = strip_port(rest);
                hosts.iter().any(|h| h.eq_ignore_ascii_case(host))
            }
        }
    }
}

fn strip_port(authority: &str) -> &str {
    if authority.starts_with('[') {
        // [v6]:port
        return match authority.find(']') {
            Some(end) => &authority[..=end],
            None => authority,
        };
    }
    // Byte by byte: cheaper than `rsplit_once`'s searcher for a name this short.
    match authority.bytes().rposition(|b| b == b':') {
        Some(colon)
            if authority.as_bytes()[colon + 1..]
                .iter()
                .all(u8::is_ascii_digit) =>
        {
            &authority[..colon]
        }
        _ => authority,
    }
}

impl fmt::Debug for AllowList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("Any"),
            Self::Hosts(h) => f.debug_tuple("Hosts").field(h).finish(),
            Self::Origins(o) => f.debug_tuple("Origins").field(o).finish(),
        }
    }
}

/// Configures the transport for one [`Server`]; [`McpService::builder`](crate::McpService::builder) starts it.
///
/// ```
/// use std::time::Duration;
/// use mcp_transport_http::{McpService, ResponseMode};
/// # let server = mcp_tools::Server::builder("demo", "1.0.0").build().unwrap();
///
/// let service = McpService::builder(server)
///     .path("/mcp")
///     .response_mode(ResponseMode::Json)
///     .sessions(true)
///     .body_limit(1 << 20)
///     .header_read_timeout(Duration::from_secs(5))
///     .build();
/// # let _ = service;
/// ```
#[must_use = "call .build() to get the service"]
pub struct McpServiceBuilder {
    pub(crate) server: Server,
    pub(crate) path: String,
    pub(crate) mode: ResponseMode,
    pub(crate) sessions: bool,
    pub(crate) session_idle: Duration,
    pub(crate) hosts: AllowList,
    pub(crate) origins: AllowList,
    pub(crate) body_limit: usize,
    pub(crate) header_read_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) body_read_timeout: Duration,
    pub(crate) max_connections: usize,
    pub(crate) max_in_flight: usize,
    pub(crate) authenticator: Option<Arc<dyn Authenticator>>,
    pub(crate) rate_headers: RateHeaders,
    pub(crate) resource: Option<ProtectedResource>,
    pub(crate) event_store: Option<Arc<dyn crate::event_store::EventStore>>,
    pub(crate) sse_retry: Duration,
    pub(crate) sse_close_after: Option<Duration>,
    pub(crate) session_store: Option<Arc<dyn crate::session_store::SessionStore>>,
    pub(crate) fallback: Option<Fallback>,
}

impl fmt::Debug for McpServiceBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpServiceBuilder")
            .field("server", &self.server)
            .field("path", &self.path)
            .field("mode", &self.mode)
            .field("sessions", &self.sessions)
            .field("hosts", &self.hosts)
            .field("origins", &self.origins)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

impl McpServiceBuilder {
    /// Starts configuring the transport for `server`, with safe defaults: endpoint
    /// `/mcp`, stateless, JSON answers, loopback `Host` and `Origin` only, 4 MiB
    /// bodies, no authentication.
    pub(crate) fn new(server: Server) -> Self {
        Self {
            server,
            path: "/mcp".to_owned(),
            mode: ResponseMode::default(),
            sessions: false,
            session_idle: DEFAULT_SESSION_IDLE,
            hosts: AllowList::loopback(),
            origins: AllowList::loopback(),
            body_limit: DEFAULT_BODY_LIMIT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_connections: DEFAULT_MAX_CONNECTIONS,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            authenticator: None,
            rate_headers: RateHeaders::default(),
            resource: None,
            event_store: None,
            sse_retry: DEFAULT_SSE_RETRY,
            sse_close_after: None,
            session_store: None,
            fallback: None,
        }
    }

    /// The MCP endpoint's path (default `/mcp`). Mounted under a prefix with
    /// axum's `nest_service`, the service sees paths without the prefix: use `/`.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        let mut path = path.into();
        if !path.starts_with('/') {
            path.insert(0, '/');
        }
        self.path = path;
        self
    }

    /// How requests are answered when the client accepts both JSON and SSE.
    pub fn response_mode(mut self, mode: ResponseMode) -> Self {
        self.mode = mode;
        self
    }

    /// Turns sessions on or off (default off: stateless). With sessions, the
    /// answer to `initialize` carries an `Mcp-Session-Id`, later requests must
    /// send it, `DELETE` ends a session and `GET` opens the server-to-client
    /// stream. 2026-07-28 requests never use sessions.
    pub fn sessions(mut self, on: bool) -> Self {
        self.sessions = on;
        self
    }

    /// How long a client may take to send a whole request body unless configured.
    pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

    /// How many connections `serve()` holds open at once unless configured.
    pub const DEFAULT_MAX_CONNECTIONS: usize = 1024;

    /// How many requests `serve()` works on at once unless configured.
    pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;

    /// How long a session may go unused before it expires (default 30 min).
    pub fn session_idle_timeout(mut self, limit: Duration) -> Self {
        self.session_idle = limit;
        self
    }

    /// The host names (any port) accepted in the `Host` header, against DNS
    /// rebinding. Default: `localhost`, `127.0.0.1`, `[::1]`.
    pub fn allowed_hosts<I, S>(mut self, hosts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.hosts = AllowList::Hosts(hosts.into_iter().map(Into::into).collect());
        self
    }

    /// Accepts any `Host` header: for deployments behind a proxy that checks it.
    pub fn any_host(mut self) -> Self {
        self.hosts = AllowList::Any;
        self
    }

    /// The origins (`https://app.example.com`) accepted in the `Origin` header;
    /// a request with any other `Origin` gets 403. Requests without `Origin`
    /// (non-browser clients) are not affected. Default: loopback origins only.
    pub fn allowed_origins<I, S>(mut self, origins: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.origins = AllowList::Origins(origins.into_iter().map(Into::into).collect());
        self
    }

    /// Accepts any `Origin`.
    pub fn any_origin(mut self) -> Self {
        self.origins = AllowList::Any;
        self
    }

    /// The largest request body accepted; larger ones get 413 (default 4 MiB).
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long a client may take to send request headers (default 10 s), with
    /// `serve()`.
    pub fn header_read_timeout(mut self, limit: Duration) -> Self {
        self.header_read_timeout = limit;
        self
    }

    /// How long a connection may stay silent with no request in flight before
    /// `serve()` closes it (default 120 s).
    pub fn idle_timeout(mut self, limit: Duration) -> Self {
        self.idle_timeout = limit;
        self
    }

    /// How long a client may take to send a whole request body once its
    /// headers arrived (default 30 s); a body still unfinished then gets 408,
    /// so a client that stops mid-upload cannot hold its request open.
    pub fn body_read_timeout(mut self, limit: Duration) -> Self {
        self.body_read_timeout = limit;
        self
    }

    /// How many connections `serve()` holds open at once (default 1024, at
    /// least 1). Further connections wait in the listener's backlog until one
    /// closes.
    pub fn max_connections(mut self, limit: usize) -> Self {
        self.max_connections = limit.max(1);
        self
    }

    /// How many requests `serve()` works on at once, over all connections
    /// (default 256, at least 1). A request beyond it gets 503 with
    /// `Retry-After` at once rather than waiting.
    pub fn max_in_flight(mut self, limit: usize) -> Self {
        self.max_in_flight = limit.max(1);
        self
    }

    /// Serves requests for every other path with `service` (an axum `Router`
    /// with an authorization server's pages, file downloads), instead of
    /// answering them 404.
    ///
    /// The endpoint and its protected-resource metadata keep their paths;
    /// everything else goes to `service`, with the request's body streamed as
    /// it arrives. Served with `serve()`, the whole port then
    /// shares one set of limits: connections, requests in flight, header-read
    /// and idle timeouts, and graceful shutdown. Rate-limit headers are added to
    /// the service's answers as to the endpoint's, when it has not set them.
    ///
    /// ```
    /// use axum::{Router, routing::get};
    /// use mcp_transport_http::McpService;
    /// # let server = mcp_tools::Server::builder("demo", "1.0.0").build().unwrap();
    ///
    /// let pages = Router::new().route("/health", get(|| async { "ok" }));
    /// let service = McpService::builder(server).fallback(pages).build();
    /// # let _ = service;
    /// ```
    pub fn fallback<S, B>(mut self, service: S) -> Self
    where
        S: tower_service::Service<
                http::Request<FallbackBody>,
                Response = http::Response<B>,
                Error = std::convert::Infallible,
            > + Clone
            + Send
            + Sync
            + 'static,
        S::Future: Send + 'static,
        B: http_body::Body<Data = bytes::Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        self.fallback = Some(Fallback::new(service));
        self
    }

    /// Authenticates every request. Without credentials, only calls to tools
    /// declared `no_auth` are served (and, with the server's
    /// [`public_discovery`](mcp_tools::ServerBuilder::public_discovery), the
    /// discovery requests); everything else gets 401.
    ///
    /// Credentials that are sent but refused (expired, unknown, malformed) get
    /// 401 too, except on a request open to anyone (a `no_auth` tool, or
    /// discovery with public discovery on): that one
    /// is served as anonymous, so a client with a stale token can still reach
    /// it. With [`sessions`](Self::sessions), 2025 requests keep the 401, so
    /// that the client refreshes its token instead of losing its session.
    pub fn authenticator(mut self, authenticator: impl Authenticator) -> Self {
        self.authenticator = Some(Arc::new(authenticator));
        self
    }

    /// The rate-limit headers written on every response (default
    /// `X-Rate-Limit-Limit`, `X-Rate-Limit-Remaining`, `X-Rate-Limit-Reset`
    /// with the count, the calls left and seconds to the reset). The policy
    /// itself is the server's [`ServerBuilder::rate_limiter`](mcp_tools::ServerBuilder::rate_limiter);
    /// without one, no headers are written and nothing is refused. See
    /// [`rate_headers`](crate::rate_headers).
    pub fn rate_headers(mut self, headers: RateHeaders) -> Self {
        self.rate_headers = headers;
        self
    }

    /// Serves RFC 9728 protected-resource metadata and points 401 challenges at it.
    pub fn protected_resource(mut self, resource: ProtectedResource) -> Self {
        self.resource = Some(resource);
        self
    }
}

/// Replicas: sessions shared through a store (see [`crate::session_store`]).
impl McpServiceBuilder {
    /// Shares sessions with the other replicas of a deployment through
    /// `store` (default: none, sessions live in this process). Used only with
    /// [`sessions`](Self::sessions). See [the module](crate::session_store)
    /// for what it guarantees and what it costs: one store command per
    /// request of a session.
    pub fn session_store(mut self, store: impl crate::session_store::SessionStore) -> Self {
        self.session_store = Some(Arc::new(store));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_and_origins() {
        let list = AllowList::loopback();
        for (authority, host) in [
            ("localhost:8080", "localhost"),
            ("localhost:", "localhost"),
            ("localhost", "localhost"),
            ("localhost:80x", "localhost:80x"),
            ("a:b:80", "a:b"),
            ("[::1]:3000", "[::1]"),
            ("[::1", "[::1"),
            ("ünï:1", "ünï"),
        ] {
            assert_eq!(strip_port(authority), host, "{authority}");
        }
        assert!(list.allows_host("localhost:8080"));
        assert!(list.allows_host("127.0.0.1"));
        assert!(list.allows_host("[::1]:3000"));
        assert!(!list.allows_host("evil.example:80"));
        assert!(list.allows_origin("http://localhost:5173"));
        assert!(list.allows_origin("https://127.0.0.1"));
        assert!(!list.allows_origin("https://evil.example"));
        assert!(!list.allows_origin("null"));
        let origins = AllowList::Origins(Arc::from(vec!["https://app.example".to_owned()]));
        assert!(origins.allows_origin("https://APP.example"));
        assert!(!origins.allows_origin("https://app.example:444"));
    }
}
