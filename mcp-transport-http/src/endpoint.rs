//! What one endpoint knows once configured: its server, its settings, its
//! sessions and the server-to-client requests it waits on. Every request
//! handler reads it; nothing here handles a request.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use mcp_tools::Server;

use crate::auth::Authenticator;
use crate::config::{AllowList, McpServiceBuilder, ResponseMode};
use crate::fallback::Fallback;
use crate::rate_headers::RateHeaders;
use crate::resume::Resumption;
use crate::session::{Pending, Sessions};
use crate::session_store::SessionStore;

/// The configured endpoint, shared by every request.
pub(crate) struct Endpoint {
    pub(crate) server: Server,
    pub(crate) path: String,
    pub(crate) mode: ResponseMode,
    pub(crate) sessions_on: bool,
    pub(crate) sessions: Arc<Sessions>,
    /// Where sessions are shared with other replicas, if they are.
    pub(crate) session_store: Option<Arc<dyn SessionStore>>,
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
    pub(crate) metadata: Option<Metadata>,
    /// Server-to-client requests of sessionless requests, awaiting answers.
    pub(crate) pending: Arc<Pending>,
    /// Resumable streams and their event store (with sessions only).
    pub(crate) resumption: Option<Arc<Resumption>>,
    /// Where requests for other paths go, if anywhere.
    pub(crate) fallback: Option<Fallback>,
}

/// The protected-resource metadata, serialised once.
pub(crate) struct Metadata {
    pub(crate) document: Bytes,
    pub(crate) paths: [String; 2],
    pub(crate) url: String,
    pub(crate) scopes: String,
}

/// The connection a request arrived on, handed to the endpoint by `serve()`.
#[derive(Clone)]
pub(crate) struct Connection(pub(crate) Arc<str>);

impl Endpoint {
    pub(crate) fn new(b: McpServiceBuilder) -> Self {
        let metadata = b.resource.as_ref().map(|r| Metadata {
            document: Bytes::from(r.to_json().to_string()),
            paths: r.metadata_paths(),
            url: r.metadata_url(),
            scopes: r.scopes_supported().join(" "),
        });
        let resumption = Resumption::new(&b);
        let sessions = Arc::new(Sessions::new(b.session_idle));
        if b.sessions {
            sessions.route_bus_notifications(&b.server);
        }
        Self {
            server: b.server,
            path: b.path,
            mode: b.mode,
            sessions_on: b.sessions,
            sessions,
            session_store: b.session_store.filter(|_| b.sessions),
            session_idle: b.session_idle,
            hosts: b.hosts,
            origins: b.origins,
            body_limit: b.body_limit,
            header_read_timeout: b.header_read_timeout,
            idle_timeout: b.idle_timeout,
            body_read_timeout: b.body_read_timeout,
            max_connections: b.max_connections,
            max_in_flight: b.max_in_flight,
            authenticator: b.authenticator,
            rate_headers: b.rate_headers,
            metadata,
            pending: Arc::default(),
            resumption,
            fallback: b.fallback,
        }
    }
}
