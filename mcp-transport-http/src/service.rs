//! The tower service: routing, the security checks, the protocol-version rules
//! and dispatch to the [`Server`].

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use futures::FutureExt;
use http::header::{
    ACCEPT, ALLOW, CACHE_CONTROL, CONTENT_LENGTH, CONTENT_TYPE, HOST, ORIGIN, WWW_AUTHENTICATE,
};
use http::request::Parts;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Limited};
use mcp_tools::jsonrpc::{
    self, ErrorObject, Incoming, Message, PeerResponse, RequestId, Response as RpcResponse, code,
};
use mcp_tools::protocol::{META_PROTOCOL_VERSION, method};
use mcp_tools::rate::{RateClass, RateStatus};
use mcp_tools::{
    Caller, Cancellation, ErrorCode, LogLevel, LogLevelHandle, ProtocolVersion, RequestContext,
    Server,
};
use serde_json::{Map, Value, json};
use tokio::sync::mpsc;

use crate::auth::{AuthError, Authentication, Authenticator, CredentialKind};
use crate::body::{CallFuture, McpBody, OnDisconnect, SseStream, sse_event};
use crate::config::header::{
    MCP_METHOD, MCP_NAME, MCP_PROTOCOL_VERSION, MCP_SESSION_ID, X_ACCEL_BUFFERING,
};
use crate::config::{AllowList, McpHttpBuilder, ResponseMode};
use crate::future::ResponseFuture;
use crate::input::{InputRound, StateSigner, call_digest};
use crate::peer::StreamPeer;
use crate::rate::RateHeaders;
use crate::session::{Pending, Session, Sessions};

const META_CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
const META_LOG_LEVEL: &str = "io.modelcontextprotocol/logLevel";

/// The Streamable HTTP endpoint of one MCP [`Server`], as a tower
/// [`Service`](tower_service::Service) with `Error = Infallible`.
///
/// Cheap to clone. Serve it with [`serve`](crate::serve), mount it in axum with
/// `Router::nest_service`, or drive it with any hyper-compatible server.
#[derive(Clone)]
pub struct McpService {
    shared: Arc<Shared>,
}

impl fmt::Debug for McpService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpService")
            .field("server", &self.shared.server)
            .field("path", &self.shared.path)
            .finish_non_exhaustive()
    }
}

pub(crate) struct Shared {
    server: Server,
    path: String,
    mode: ResponseMode,
    sessions_on: bool,
    sessions: Sessions,
    hosts: AllowList,
    origins: AllowList,
    body_limit: usize,
    pub(crate) header_read_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    authenticator: Option<Arc<dyn Authenticator>>,
    public_discovery: bool,
    rate_headers: RateHeaders,
    metadata: Option<Metadata>,
    pending: Arc<Pending>,
    signer: StateSigner,
}

struct Metadata {
    document: Bytes,
    paths: [String; 2],
    url: String,
    scopes: String,
}

impl McpService {
    pub(crate) fn new(b: McpHttpBuilder) -> Self {
        let metadata = b.resource.as_ref().map(|r| Metadata {
            document: Bytes::from(r.to_json().to_string()),
            paths: r.metadata_paths(),
            url: r.metadata_url(),
            scopes: r.scopes_supported().join(" "),
        });
        let key = b
            .request_state_key
            .unwrap_or_else(|| crate::random_token(32).into_bytes());
        Self {
            shared: Arc::new(Shared {
                server: b.server,
                path: b.path,
                mode: b.mode,
                sessions_on: b.sessions,
                sessions: Sessions::new(b.session_idle),
                hosts: b.hosts,
                origins: b.origins,
                body_limit: b.body_limit,
                header_read_timeout: b.header_read_timeout,
                idle_timeout: b.idle_timeout,
                authenticator: b.authenticator,
                public_discovery: b.public_discovery,
                rate_headers: b.rate_headers,
                metadata,
                pending: Arc::default(),
                signer: StateSigner::new(key, b.request_state_ttl),
            }),
        }
    }

    /// The server behind this endpoint.
    pub fn server(&self) -> &Server {
        &self.shared.server
    }

    pub(crate) fn shared(&self) -> &Shared {
        &self.shared
    }

    /// Ends every session and closes the server-to-client streams (used at shutdown).
    pub fn close_sessions(&self) {
        self.shared.sessions.clear();
    }

    /// Handles one request.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<McpBody>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.shared.clone().route(request).await
    }
}

impl<B> tower_service::Service<Request<B>> for McpService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<McpBody>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: Request<B>) -> ResponseFuture {
        let shared = self.shared.clone();
        ResponseFuture::new(async move { Ok(shared.route(request).await) }.boxed())
    }
}

impl<B> hyper::service::Service<Request<B>> for McpService
where
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Response = Response<McpBody>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn call(&self, request: Request<B>) -> ResponseFuture {
        let shared = self.shared.clone();
        ResponseFuture::new(async move { Ok(shared.route(request).await) }.boxed())
    }
}

// ---------------------------------------------------------------------------
// Responses

fn plain(status: StatusCode, body: &'static str) -> Response<McpBody> {
    let mut response = Response::new(McpBody::full(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

fn json_response(status: StatusCode, body: impl Into<Bytes>) -> Response<McpBody> {
    let mut response = Response::new(McpBody::full(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn rpc_error(status: StatusCode, id: Option<RequestId>, error: ErrorObject) -> Response<McpBody> {
    json_response(status, RpcResponse::error(id, error).to_bytes())
}

fn status_only(status: StatusCode) -> Response<McpBody> {
    let mut response = Response::new(McpBody::empty());
    *response.status_mut() = status;
    response
}

fn sse_response(stream: SseStream) -> Response<McpBody> {
    let mut response = Response::new(McpBody::stream(stream));
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(X_ACCEL_BUFFERING, HeaderValue::from_static("no"));
    response
}

fn header_mismatch(id: Option<RequestId>, detail: impl fmt::Display) -> Response<McpBody> {
    rpc_error(
        StatusCode::BAD_REQUEST,
        id,
        ErrorObject::new(code::HEADER_MISMATCH, format!("header mismatch: {detail}")),
    )
}

fn unsupported_version(id: Option<RequestId>, requested: &str) -> Response<McpBody> {
    rpc_error(
        StatusCode::BAD_REQUEST,
        id,
        ErrorObject::new(
            code::UNSUPPORTED_PROTOCOL_VERSION,
            format!("unsupported protocol version {requested:?}"),
        )
        .with_data(json!({
            "supported": ProtocolVersion::ALL.map(ProtocolVersion::as_str),
            "requested": requested,
        })),
    )
}

fn quoted(value: &str) -> String {
    value.replace(['"', '\\'], "")
}

/// What the client's `Accept` header allows.
#[derive(Clone, Copy)]
struct Accepts {
    json: bool,
    sse: bool,
}

fn accepts(headers: &HeaderMap) -> Accepts {
    let mut out = Accepts {
        json: false,
        sse: false,
    };
    let mut any = false;
    for value in headers.get_all(ACCEPT) {
        let Ok(value) = value.to_str() else { continue };
        any = true;
        for item in value.split(',') {
            let media = item.split(';').next().unwrap_or("").trim();
            // Media types compare case-insensitively; no allocation on this per-request path.
            let is = |expected: &str| media.eq_ignore_ascii_case(expected);
            if is("*/*") {
                out.json = true;
                out.sse = true;
            } else if is("application/json") || is("application/*") {
                out.json = true;
            } else if is("text/event-stream") || is("text/*") {
                out.sse = true;
            }
        }
    }
    if !any {
        out.json = true;
    }
    out
}

fn header_str<'a>(headers: &'a HeaderMap, name: &http::HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Decodes an `Mcp-Name` value, which may use the `=?base64?…?=` form.
fn decode_header_value(value: &str) -> Option<String> {
    match value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    {
        Some(encoded) => base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok()),
        None => Some(value.to_owned()),
    }
}

/// The methods a 2026-07-28 endpoint serves.
fn stateless_method_known(name: &str) -> bool {
    matches!(
        name,
        method::TOOLS_CALL | method::TOOLS_LIST | method::DISCOVER
    )
}

/// The caller-facing result of authentication.
#[derive(Clone)]
struct Identity {
    caller: Option<Caller>,
    kind: Option<CredentialKind>,
    /// For a request without a caller: its own channel (its connection's,
    /// under [`serve`](crate::serve)), so that anonymous clients cannot cancel
    /// each other's requests. Callers are their own channel.
    channel: Option<Arc<str>>,
}

/// Authentication done once per request, kept in its extensions.
#[derive(Clone)]
struct Authenticated(Result<Identity, AuthError>);

/// The connection a request arrived on, set by [`serve`](crate::serve).
#[derive(Clone)]
pub(crate) struct Connection(pub(crate) Arc<str>);

/// The identity of a request without a caller, on its own channel.
fn anonymous(parts: &Parts) -> Identity {
    Identity {
        caller: None,
        kind: None,
        channel: Some(match parts.extensions.get::<Connection>() {
            Some(Connection(id)) => id.clone(),
            None => Arc::from(format!("request-{}", crate::random_token(12))),
        }),
    }
}

impl Identity {
    fn id(&self) -> Option<&str> {
        self.caller.as_ref().map(Caller::id)
    }

    fn owner(&self) -> Option<Arc<str>> {
        self.id().map(Arc::from)
    }
}

// ---------------------------------------------------------------------------
// Routing

impl Shared {
    async fn route<B>(self: Arc<Self>, request: Request<B>) -> Response<McpBody>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (mut parts, body) = request.into_parts();
        if parts.uri.path() != self.path {
            return self.well_known(&parts);
        }
        let authenticated = self.authenticate(&parts).await;
        // The caller whose budget every answer reports; none when the
        // credentials were refused.
        let reported = authenticated.as_ref().ok().map(|i| i.caller.clone());
        parts.extensions.insert(Authenticated(authenticated));
        let response = self.clone().endpoint(parts, body).await;
        match reported {
            Some(caller) if !self.rate_headers.written(response.headers()) => {
                let status = self.rate_status(caller.as_ref());
                self.with_rate(response, status)
            }
            _ => response,
        }
    }

    /// Serves the MCP endpoint: the security checks, then the method.
    async fn endpoint<B>(self: Arc<Self>, parts: Parts, body: B) -> Response<McpBody>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let host = header_str(&parts.headers, &HOST)
            .or_else(|| parts.uri.authority().map(http::uri::Authority::as_str));
        if !host.is_some_and(|h| self.hosts.allows_host(h)) {
            return rpc_error(
                StatusCode::FORBIDDEN,
                None,
                ErrorObject::invalid_request(
                    "the Host header names a host this server does not serve",
                ),
            );
        }
        if let Some(origin) = parts.headers.get(ORIGIN)
            && !origin.to_str().is_ok_and(|o| self.origins.allows_origin(o))
        {
            return rpc_error(
                StatusCode::FORBIDDEN,
                None,
                ErrorObject::invalid_request("requests from this Origin are not allowed"),
            );
        }
        let stateless_version = header_str(&parts.headers, &MCP_PROTOCOL_VERSION)
            .is_some_and(|v| v == ProtocolVersion::V2026_07_28.as_str());
        match parts.method {
            Method::POST => self.post(parts, body).await,
            Method::GET if self.sessions_on && !stateless_version => self.get(parts).await,
            Method::DELETE if self.sessions_on && !stateless_version => self.delete(parts).await,
            _ => {
                let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
                let allow = if self.sessions_on && !stateless_version {
                    "GET, POST, DELETE"
                } else {
                    "POST"
                };
                response
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static(allow));
                response
            }
        }
    }

    fn well_known(&self, parts: &Parts) -> Response<McpBody> {
        // Each metadata path is also served with one trailing slash, as some
        // servers publish (and clients follow) `…/oauth-protected-resource/`.
        let path = parts.uri.path();
        let path = path.strip_suffix('/').unwrap_or(path);
        if let Some(metadata) = &self.metadata
            && metadata.paths.iter().any(|p| p == path)
        {
            if parts.method != Method::GET && parts.method != Method::HEAD {
                let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
                response
                    .headers_mut()
                    .insert(ALLOW, HeaderValue::from_static("GET"));
                return response;
            }
            let mut response = json_response(StatusCode::OK, metadata.document.clone());
            response.headers_mut().insert(
                http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            return response;
        }
        plain(StatusCode::NOT_FOUND, "not found\n")
    }

    async fn authenticate(&self, parts: &Parts) -> Result<Identity, AuthError> {
        if let Some(Authenticated(done)) = parts.extensions.get() {
            return done.clone();
        }
        let found = match &self.authenticator {
            Some(authenticator) => authenticator.authenticate(parts).await?,
            None => None,
        };
        Ok(match found {
            Some(found) => Identity {
                kind: Some(found.kind()),
                caller: Some(Authentication::into_caller(found)),
                channel: None,
            },
            None => anonymous(parts),
        })
    }

    /// Authenticates a POSTed request, or serves it anonymously when its
    /// credentials are refused but anyone may make it (`anyone_may`: a call of
    /// a `no_auth` tool, or discovery with [`public_discovery`]).
    ///
    /// Not with sessions (except for 2026-07-28 requests, which have none): a
    /// session belongs to the caller that opened it, and a client whose token
    /// expired must hear 401 to refresh it and keep its session, instead of
    /// being served as someone else (404 for its session, or a new session
    /// bound to nobody).
    ///
    /// [`public_discovery`]: crate::McpHttpBuilder::public_discovery
    async fn authenticate_or_anonymous(
        &self,
        parts: &Parts,
        stateless: bool,
        anyone_may: impl FnOnce() -> bool,
    ) -> Result<Identity, AuthError> {
        match self.authenticate(parts).await {
            Err(refusal) if (stateless || !self.sessions_on) && anyone_may() => {
                tracing::debug!(
                    reason = refusal.message(),
                    "credentials refused; serving a request open to anyone anonymously"
                );
                Ok(anonymous(parts))
            }
            found => found,
        }
    }

    /// 401 with a `WWW-Authenticate: Bearer` challenge.
    fn unauthorized(
        &self,
        id: Option<RequestId>,
        refusal: Option<&AuthError>,
        scopes: Option<String>,
    ) -> Response<McpBody> {
        let mut challenge = String::from("Bearer");
        let mut params = Vec::new();
        if let Some(metadata) = &self.metadata {
            params.push(format!("resource_metadata=\"{}\"", quoted(&metadata.url)));
        } else {
            params.push("realm=\"mcp\"".to_owned());
        }
        let scopes = scopes
            .filter(|s| !s.is_empty())
            .or_else(|| self.metadata.as_ref().map(|m| m.scopes.clone()))
            .filter(|s| !s.is_empty());
        if let Some(scopes) = scopes {
            params.push(format!("scope=\"{}\"", quoted(&scopes)));
        }
        if let Some(refusal) = refusal {
            params.push("error=\"invalid_token\"".to_owned());
            params.push(format!(
                "error_description=\"{}\"",
                quoted(refusal.message())
            ));
        }
        challenge.push(' ');
        challenge.push_str(&params.join(", "));
        let message = match refusal {
            Some(refusal) => format!("unauthorized: {}", refusal.message()),
            None => "unauthorized: this request needs credentials".to_owned(),
        };
        let mut response = rpc_error(
            StatusCode::UNAUTHORIZED,
            id,
            ErrorObject::invalid_request(message),
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        response
    }

    /// 403 `insufficient_scope` step-up challenge for an OAuth caller.
    fn insufficient_scope(&self, id: RequestId, tool: &str, needed: &str) -> Response<McpBody> {
        let mut challenge = format!(
            "Bearer error=\"insufficient_scope\", scope=\"{}\"",
            quoted(needed)
        );
        if let Some(metadata) = &self.metadata {
            challenge.push_str(&format!(
                ", resource_metadata=\"{}\"",
                quoted(&metadata.url)
            ));
        }
        challenge.push_str(&format!(
            ", error_description=\"tool {} needs scope {}\"",
            quoted(tool),
            quoted(needed)
        ));
        let mut response = rpc_error(
            StatusCode::FORBIDDEN,
            Some(id),
            ErrorObject::invalid_request(format!(
                "forbidden: tool {tool:?} needs the scope(s) {needed}; authorize again with them"
            )),
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
        response
    }

    /// The caller's budget in the server's rate limiter (`None` without one),
    /// taking nothing.
    fn rate_status(&self, caller: Option<&Caller>) -> Option<RateStatus> {
        self.server.rate_limiter()?.status(caller)
    }

    /// Admits one message against the caller's budget, or refuses it with the
    /// budget's state. JSON-RPC requests other than `tools/call` are counted
    /// here ([`RateClass::Request`]); a tool call is counted by the dispatcher,
    /// once, so here it is only refused when nothing is left.
    fn rate_admit(
        &self,
        caller: Option<&Caller>,
        message: &Message,
    ) -> Result<Option<RateStatus>, RateStatus> {
        let Some(limiter) = self.server.rate_limiter() else {
            return Ok(None);
        };
        match message {
            Message::Request(request) if request.method == method::TOOLS_CALL => {
                match limiter.status(caller) {
                    Some(status) if status.remaining == 0 => Err(status),
                    status => Ok(status),
                }
            }
            Message::Request(_) => limiter
                .acquire(caller, RateClass::Request)
                .map(Some)
                .map_err(|exceeded| exceeded.status),
            Message::Notification(_) | Message::Response(_) => Ok(limiter.status(caller)),
        }
    }

    /// The budget to report after a tool call: read again, since the
    /// dispatcher counted the call. A streamed answer goes out while the call
    /// may still be running, so it reports the call as counted.
    fn rate_after_call(
        &self,
        before: Option<RateStatus>,
        caller: Option<&Caller>,
        response: &Response<McpBody>,
    ) -> Option<RateStatus> {
        let mut after = self.rate_status(caller)?;
        let streamed = response
            .headers()
            .get(CONTENT_TYPE)
            .is_some_and(|c| c.as_bytes().starts_with(b"text/event-stream"));
        if streamed && let Some(before) = before {
            after.remaining = after.remaining.min(before.remaining.saturating_sub(1));
        }
        Some(after)
    }

    fn with_rate(
        &self,
        mut response: Response<McpBody>,
        status: Option<RateStatus>,
    ) -> Response<McpBody> {
        if let Some(status) = status {
            self.rate_headers
                .apply(response.headers_mut(), &status, false);
        }
        response
    }

    fn too_many(&self, id: Option<RequestId>, status: RateStatus) -> Response<McpBody> {
        let mut response = rpc_error(
            StatusCode::TOO_MANY_REQUESTS,
            id,
            ErrorObject::invalid_request(format!(
                "rate limit exceeded: {} requests per window; retry in {} s",
                status.limit,
                status.reset_after_secs().max(1)
            )),
        );
        self.rate_headers
            .apply(response.headers_mut(), &status, true);
        response
    }

    /// Audits the `tools/call` requests among `messages`, refused here before
    /// the dispatcher saw them, so that refused writes reach the audit log too
    /// (the server decides which tools are audited).
    fn audit_refused<'m>(
        &self,
        messages: impl IntoIterator<Item = &'m Message>,
        caller: Option<&Caller>,
        code: &ErrorCode,
    ) {
        for message in messages {
            let Message::Request(request) = message else {
                continue;
            };
            if request.method != method::TOOLS_CALL {
                continue;
            }
            let params = request.params.as_ref();
            let Some(name) = params.and_then(|p| p.get("name")).and_then(Value::as_str) else {
                continue;
            };
            let arguments = params.and_then(|p| p.get("arguments"));
            self.server
                .audit_refusal(name, arguments, &request.id, caller, code.clone());
        }
    }

    /// Whether a message may be served without credentials.
    fn anonymous_allowed(&self, message: &Message) -> bool {
        match message {
            Message::Request(request) => match request.method.as_str() {
                method::TOOLS_CALL => request
                    .params
                    .as_ref()
                    .and_then(|p| p.get("name"))
                    .and_then(Value::as_str)
                    .and_then(|name| self.server.tool(name))
                    .is_some_and(|tool| !tool.tool().requires_auth()),
                method::INITIALIZE | method::PING | method::TOOLS_LIST | method::DISCOVER => {
                    self.public_discovery
                }
                _ => false,
            },
            Message::Notification(_) => self.public_discovery,
            Message::Response(_) => true,
        }
    }

    /// The scopes a `tools/call` needs, for challenges.
    fn tool_scopes(&self, message: &Message) -> Option<String> {
        let Message::Request(request) = message else {
            return None;
        };
        if request.method != method::TOOLS_CALL {
            return None;
        }
        let name = request.params.as_ref()?.get("name")?.as_str()?;
        let tool = self.server.tool(name)?;
        let scopes: Vec<&str> = tool.tool().scopes().collect();
        (!scopes.is_empty()).then(|| scopes.join(" "))
    }

    fn session_for(
        &self,
        parts: &Parts,
        identity: &Identity,
    ) -> Result<Arc<Session>, Box<Response<McpBody>>> {
        let Some(id) = header_str(&parts.headers, &MCP_SESSION_ID) else {
            return Err(Box::new(rpc_error(
                StatusCode::BAD_REQUEST,
                None,
                ErrorObject::invalid_request(
                    "missing Mcp-Session-Id header; send initialize first and echo the session id",
                ),
            )));
        };
        match self.sessions.get(id) {
            Some(session) if session.owner.as_deref() == identity.id() => Ok(session),
            _ => Err(Box::new(rpc_error(
                StatusCode::NOT_FOUND,
                None,
                ErrorObject::invalid_request("unknown or ended session; initialize a new one"),
            ))),
        }
    }

    // -----------------------------------------------------------------------
    // GET and DELETE (sessions only)

    async fn get(&self, parts: Parts) -> Response<McpBody> {
        if !accepts(&parts.headers).sse {
            return plain(
                StatusCode::NOT_ACCEPTABLE,
                "GET opens an event stream; send Accept: text/event-stream\n",
            );
        }
        let identity = match self.authenticate(&parts).await {
            Ok(identity) => identity,
            Err(refusal) => return self.unauthorized(None, Some(&refusal), None),
        };
        if self.authenticator.is_some() && identity.caller.is_none() && !self.public_discovery {
            return self.unauthorized(None, None, None);
        }
        let rate = self.rate_status(identity.caller.as_ref());
        let session = match self.session_for(&parts, &identity) {
            Ok(session) => session,
            Err(response) => return self.with_rate(*response, rate),
        };
        let (tx, rx) = mpsc::unbounded_channel();
        {
            let mut slot = session
                .standalone
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if slot.as_ref().is_some_and(|s| !s.is_closed()) {
                let response = rpc_error(
                    StatusCode::CONFLICT,
                    None,
                    ErrorObject::invalid_request("this session already has an open event stream"),
                );
                return self.with_rate(response, rate);
            }
            *slot = Some(tx);
        }
        self.with_rate(sse_response(SseStream::standalone(rx)), rate)
    }

    async fn delete(&self, parts: Parts) -> Response<McpBody> {
        let identity = match self.authenticate(&parts).await {
            Ok(identity) => identity,
            Err(refusal) => return self.unauthorized(None, Some(&refusal), None),
        };
        let rate = self.rate_status(identity.caller.as_ref());
        let response = match self.session_for(&parts, &identity) {
            Ok(session) => {
                self.sessions.remove(&session.id);
                status_only(StatusCode::OK)
            }
            Err(response) => *response,
        };
        self.with_rate(response, rate)
    }

    // -----------------------------------------------------------------------
    // POST

    async fn post<B>(self: Arc<Self>, parts: Parts, body: B) -> Response<McpBody>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let accept = accepts(&parts.headers);
        if !accept.json && !accept.sse {
            return plain(
                StatusCode::NOT_ACCEPTABLE,
                "send Accept: application/json, text/event-stream\n",
            );
        }
        if let Some(content_type) = parts.headers.get(CONTENT_TYPE)
            && !content_type.to_str().is_ok_and(|c| {
                c.split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"))
            })
        {
            return plain(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send Content-Type: application/json\n",
            );
        }
        let announced = match header_str(&parts.headers, &MCP_PROTOCOL_VERSION) {
            None if parts.headers.contains_key(MCP_PROTOCOL_VERSION) => {
                return unsupported_version(None, "(not ASCII)");
            }
            None => None,
            Some(v) => match v.parse::<ProtocolVersion>() {
                Ok(version) => Some(version),
                Err(_) => return unsupported_version(None, v),
            },
        };
        let too_large = parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok())
            .is_some_and(|n| n > self.body_limit as u64);
        if too_large {
            return self.payload_too_large();
        }
        let bytes = match Limited::new(body, self.body_limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                return self.payload_too_large();
            }
            Err(_) => {
                return plain(
                    StatusCode::BAD_REQUEST,
                    "the request body could not be read\n",
                );
            }
        };
        let incoming = match jsonrpc::parse(&bytes) {
            Ok(incoming) => incoming,
            Err(response) => return json_response(StatusCode::BAD_REQUEST, response.to_bytes()),
        };
        match incoming {
            Incoming::Single(message) => self.single(parts, accept, announced, message).await,
            Incoming::Batch(items) => self.batch(parts, announced, items).await,
        }
    }

    fn payload_too_large(&self) -> Response<McpBody> {
        rpc_error(
            StatusCode::PAYLOAD_TOO_LARGE,
            None,
            ErrorObject::invalid_request(format!(
                "the request body is larger than {} bytes",
                self.body_limit
            )),
        )
    }

    async fn single(
        self: Arc<Self>,
        parts: Parts,
        accept: Accepts,
        announced: Option<ProtocolVersion>,
        message: Message,
    ) -> Response<McpBody> {
        let id = match &message {
            Message::Request(r) => Some(r.id.clone()),
            _ => None,
        };
        // The version a 2026-07-28 body names in `_meta` must match the header.
        let body_version = match &message {
            Message::Request(r) => r
                .params
                .as_ref()
                .and_then(|p| p.get("_meta"))
                .and_then(|m| m.get(META_PROTOCOL_VERSION))
                .map(|v| v.as_str().unwrap_or("")),
            _ => None,
        };
        if let Some(body_version) = body_version
            && announced.map(ProtocolVersion::as_str) != Some(body_version)
        {
            return header_mismatch(
                id,
                format_args!(
                    "MCP-Protocol-Version header {:?} does not match _meta {META_PROTOCOL_VERSION} {body_version:?}",
                    announced.map_or("(missing)", ProtocolVersion::as_str)
                ),
            );
        }
        if announced.is_some_and(ProtocolVersion::is_stateless)
            && let Message::Request(request) = &message
        {
            if body_version.is_none() {
                return header_mismatch(
                    id,
                    format_args!("the request's _meta has no {META_PROTOCOL_VERSION}"),
                );
            }
            match header_str(&parts.headers, &MCP_METHOD) {
                Some(m) if m == request.method => {}
                Some(m) => {
                    return header_mismatch(
                        id,
                        format_args!(
                            "Mcp-Method header {m:?} does not match body method {:?}",
                            request.method
                        ),
                    );
                }
                None => return header_mismatch(id, "the Mcp-Method header is missing"),
            }
            if request.method == method::TOOLS_CALL {
                let body_name = request
                    .params
                    .as_ref()
                    .and_then(|p| p.get("name"))
                    .and_then(Value::as_str);
                let header_name = header_str(&parts.headers, &MCP_NAME);
                match (header_name.and_then(decode_header_value), body_name) {
                    (Some(h), Some(b)) if h == b => {}
                    (None, _) => {
                        return header_mismatch(id, "the Mcp-Name header is missing or malformed");
                    }
                    (Some(h), b) => {
                        return header_mismatch(
                            id,
                            format_args!(
                                "Mcp-Name header {h:?} does not match body name {:?}",
                                b.unwrap_or("(missing)")
                            ),
                        );
                    }
                }
            }
            if !stateless_method_known(&request.method) {
                return rpc_error(
                    StatusCode::NOT_FOUND,
                    id,
                    ErrorObject::method_not_found(&request.method),
                );
            }
        }

        let stateless = announced.is_some_and(ProtocolVersion::is_stateless);
        let is_initialize =
            matches!(&message, Message::Request(r) if r.method == method::INITIALIZE);

        let identity = match self
            .authenticate_or_anonymous(&parts, stateless, || self.anonymous_allowed(&message))
            .await
        {
            Ok(identity) => identity,
            Err(refusal) => {
                self.audit_refused([&message], None, &ErrorCode::UNAUTHORIZED);
                return self.unauthorized(id, Some(&refusal), self.tool_scopes(&message));
            }
        };
        if self.authenticator.is_some()
            && identity.caller.is_none()
            && !self.anonymous_allowed(&message)
        {
            self.audit_refused([&message], None, &ErrorCode::UNAUTHORIZED);
            return self.unauthorized(id, None, self.tool_scopes(&message));
        }

        let rate = match self.rate_admit(identity.caller.as_ref(), &message) {
            Ok(rate) => rate,
            Err(status) => {
                let caller = identity.caller.as_ref();
                self.audit_refused([&message], caller, &ErrorCode::RATE_LIMITED);
                return self.too_many(id, status);
            }
        };
        let is_call = matches!(&message, Message::Request(r) if r.method == method::TOOLS_CALL);
        let call_caller = if is_call {
            identity.caller.clone()
        } else {
            None
        };

        let session = if self.sessions_on && !stateless && !is_initialize {
            match self.session_for(&parts, &identity) {
                Ok(session) => Some(session),
                Err(response) => return self.with_rate(*response, rate),
            }
        } else {
            None
        };
        let version = announced
            .or(session.as_ref().map(|s| s.version))
            .unwrap_or(ProtocolVersion::DEFAULT_UNANNOUNCED);

        let response = match message {
            Message::Request(request) => {
                let response = self
                    .clone()
                    .request(request, accept, version, identity, session)
                    .await;
                if is_call {
                    let rate = self.rate_after_call(rate, call_caller.as_ref(), &response);
                    return self.with_rate(response, rate);
                }
                response
            }
            Message::Notification(notification) => {
                let mut cx = RequestContext::new().with_protocol_version(version);
                if let Some(caller) = identity.caller {
                    cx = cx.with_caller(caller);
                }
                if let Some(channel) = session
                    .as_ref()
                    .map(|s| &s.id)
                    .or(identity.channel.as_ref())
                {
                    cx = cx.with_channel(channel.clone());
                }
                self.server
                    .handle(Message::Notification(notification), cx)
                    .await;
                status_only(StatusCode::ACCEPTED)
            }
            Message::Response(answer) => {
                self.answer(answer, session.as_deref(), identity.id());
                status_only(StatusCode::ACCEPTED)
            }
        };
        self.with_rate(response, rate)
    }

    /// Routes a client's answer to the waiting server-to-client request.
    fn answer(&self, answer: PeerResponse, session: Option<&Session>, caller: Option<&str>) {
        let pending = session.map_or(&self.pending, |s| &s.pending);
        if !pending.resolve(answer, caller) {
            tracing::debug!("an answer arrived for no pending request");
        }
    }

    async fn request(
        self: Arc<Self>,
        mut request: jsonrpc::Request,
        accept: Accepts,
        version: ProtocolVersion,
        identity: Identity,
        session: Option<Arc<Session>>,
    ) -> Response<McpBody> {
        let id = request.id.clone();
        let is_call = request.method == method::TOOLS_CALL;

        // Step-up: an OAuth caller without a tool's scopes is sent to authorize again.
        if is_call
            && identity.kind == Some(CredentialKind::OAuth)
            && let Some(name) = request
                .params
                .as_ref()
                .and_then(|p| p.get("name"))
                .and_then(Value::as_str)
            && let Some(tool) = self.server.tool(name)
        {
            let caller = identity.caller.as_ref();
            let missing = tool
                .tool()
                .scopes()
                .any(|s| !caller.is_some_and(|c| c.has_scope(s)));
            if missing && tool.tool().requires_auth() {
                let needed = tool.tool().scopes().collect::<Vec<_>>().join(" ");
                let arguments = request.params.as_ref().and_then(|p| p.get("arguments"));
                self.server
                    .audit_refusal(name, arguments, &id, caller, ErrorCode::FORBIDDEN);
                return self.insufficient_scope(id, name, &needed);
            }
        }

        let cancellation = Cancellation::new();
        let mut cx = RequestContext::new()
            .with_protocol_version(version)
            .with_cancellation(cancellation.clone());
        let owner = identity.owner();
        if let Some(caller) = identity.caller {
            cx = cx.with_caller(caller);
        }
        let mut logs = true;
        let capabilities;
        let mut input = None;
        let mut digest = None;
        if version.is_stateless() {
            let meta = request.params.as_ref().and_then(|p| p.get("_meta"));
            capabilities = meta.and_then(|m| m.get(META_CLIENT_CAPABILITIES)).cloned();
            match meta
                .and_then(|m| m.get(META_LOG_LEVEL))
                .and_then(|l| serde_json::from_value::<LogLevel>(l.clone()).ok())
            {
                Some(level) => cx = cx.with_log_level(LogLevelHandle::new(level)),
                None => logs = false,
            }
            if is_call {
                let (answers, call_digest) =
                    match self.prior_answers(&mut request, owner.as_deref()) {
                        Ok(found) => found,
                        Err(error) => {
                            return rpc_error(StatusCode::OK, Some(id), error);
                        }
                    };
                digest = Some(call_digest);
                input = Some(Arc::new(InputRound::new(
                    answers,
                    capabilities.clone(),
                    cancellation.clone(),
                )));
            }
        } else if let Some(session) = &session {
            cx = cx
                .with_channel(session.id.clone())
                .with_log_level(session.log_level.clone());
            capabilities = session.capabilities.clone();
        } else {
            // Without a session, 2025 clients declared their capabilities at an
            // `initialize` this server did not keep; a client may still state
            // them per request, in the 2026-07-28 `_meta` key.
            capabilities = request
                .params
                .as_ref()
                .and_then(|p| p.get("_meta"))
                .and_then(|m| m.get(META_CLIENT_CAPABILITIES))
                .cloned();
        }
        if session.is_none()
            && let Some(channel) = &identity.channel
        {
            cx = cx.with_channel(channel.clone());
        }
        if let Some(capabilities) = capabilities {
            cx = cx.with_client_capabilities(capabilities);
        }

        if request.method == method::INITIALIZE {
            return self.initialize(request, cx, accept, owner).await;
        }

        let streaming = accept.sse;
        let (tx, rx) = if streaming {
            let (tx, rx) = mpsc::unbounded_channel();
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        if streaming || input.is_some() {
            let pending = session
                .as_ref()
                .map_or_else(|| self.pending.clone(), |s| s.pending.clone());
            cx = cx.with_peer(Arc::new(StreamPeer {
                events: tx,
                pending,
                owner: owner.clone(),
                logs,
                input: input.clone(),
            }));
        }

        let shared = self.clone();
        let call = async move {
            let outcome = shared.server.handle(Message::Request(request), cx).await;
            shared.finish(
                id,
                outcome,
                input.as_deref(),
                owner.as_deref(),
                digest.as_deref(),
            )
        };

        let on_disconnect = if version.is_stateless() {
            OnDisconnect::Cancel
        } else {
            OnDisconnect::Finish
        };
        match rx {
            Some(rx) if self.mode == ResponseMode::Sse || !accept.json => {
                let call: CallFuture = call
                    .map(|out| out.map(|(_, bytes)| sse_event(&bytes)))
                    .boxed();
                sse_response(SseStream::request(rx, call, cancellation, on_disconnect))
            }
            Some(mut rx) => {
                let mut call = call.boxed();
                tokio::select! {
                    biased;
                    out = &mut call => match rx.try_recv() {
                        // Messages sent in the same poll as the result still go first.
                        Ok(first) => {
                            let last = out.map(|(_, bytes)| sse_event(&bytes));
                            let call: CallFuture = futures::future::ready(last).boxed();
                            sse_response(
                                SseStream::request(rx, call, cancellation, on_disconnect)
                                    .with_head(first),
                            )
                        }
                        Err(_) => json_outcome(out),
                    },
                    Some(first) = rx.recv() => {
                        let call: CallFuture = call
                            .map(|out| out.map(|(_, bytes)| sse_event(&bytes)))
                            .boxed();
                        let stream = SseStream::request(rx, call, cancellation, on_disconnect)
                            .with_head(first);
                        sse_response(stream)
                    }
                }
            }
            None => json_outcome(call.await),
        }
    }

    /// The answers a 2026-07-28 retry brings: those signed into `requestState`
    /// plus the new `inputResponses`.
    fn prior_answers(
        &self,
        request: &mut jsonrpc::Request,
        caller: Option<&str>,
    ) -> Result<(Map<String, Value>, String), ErrorObject> {
        let params = request.params.as_mut().and_then(Value::as_object_mut);
        let Some(params) = params else {
            return Ok((Map::new(), call_digest("", None)));
        };
        let name = params.get("name").and_then(Value::as_str).unwrap_or("");
        let digest = call_digest(name, params.get("arguments"));
        let mut answers = match params.remove("requestState") {
            None => Map::new(),
            Some(Value::String(state)) => {
                self.signer
                    .verify(&state, caller, method::TOOLS_CALL, &digest)?
            }
            Some(_) => return Err(ErrorObject::invalid_params("requestState must be a string")),
        };
        match params.remove("inputResponses") {
            None => {}
            Some(Value::Object(responses)) => answers.extend(responses),
            Some(_) => {
                return Err(ErrorObject::invalid_params(
                    "inputResponses must be an object keyed by the inputRequests keys",
                ));
            }
        }
        Ok((answers, digest))
    }

    /// Turns the dispatcher's outcome into a status and serialised body.
    fn finish(
        &self,
        id: RequestId,
        outcome: Option<RpcResponse>,
        input: Option<&InputRound>,
        caller: Option<&str>,
        digest: Option<&str>,
    ) -> Option<(StatusCode, Vec<u8>)> {
        if let Some(response) = outcome {
            return Some((StatusCode::OK, response.to_bytes()));
        }
        if let (Some(input), Some(digest)) = (input, digest)
            && let Some(asked) = input.take_asked()
        {
            let state =
                self.signer
                    .sign(caller, method::TOOLS_CALL, digest, input.answers().clone());
            let result = json!({
                "resultType": "input_required",
                "inputRequests": asked,
                "requestState": state,
            });
            let raw = serde_json::value::to_raw_value(&result).ok()?;
            return Some((StatusCode::OK, RpcResponse::result(id, raw).to_bytes()));
        }
        // Cancelled by the client (`notifications/cancelled`): a JSON client
        // still needs an answer to its POST.
        Some((
            StatusCode::OK,
            RpcResponse::error(Some(id), ErrorObject::new(-32800, "request cancelled")).to_bytes(),
        ))
    }

    async fn initialize(
        &self,
        request: jsonrpc::Request,
        cx: RequestContext,
        accept: Accepts,
        owner: Option<Arc<str>>,
    ) -> Response<McpBody> {
        let capabilities = request
            .params
            .as_ref()
            .and_then(|p| p.get("capabilities"))
            .cloned();
        let outcome = self.server.handle(Message::Request(request), cx).await;
        let Some(outcome) = outcome else {
            return status_only(StatusCode::ACCEPTED);
        };
        let negotiated = outcome
            .result_value()
            .and_then(|r| {
                r.get("protocolVersion")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
            })
            .and_then(|v| v.parse::<ProtocolVersion>().ok());
        let bytes = outcome.to_bytes();
        let mut response = if accept.json && self.mode == ResponseMode::Json || !accept.sse {
            json_response(StatusCode::OK, bytes)
        } else {
            let (_tx, rx) = mpsc::unbounded_channel();
            let event = sse_event(&bytes);
            let call: CallFuture = async move { Some(event) }.boxed();
            sse_response(SseStream::request(
                rx,
                call,
                Cancellation::new(),
                OnDisconnect::Finish,
            ))
        };
        if self.sessions_on
            && let Some(negotiated) = negotiated
        {
            let session = Arc::new(Session::new(
                owner,
                negotiated,
                capabilities,
                self.sessions.now(),
            ));
            if let Ok(value) = HeaderValue::from_str(&session.id) {
                response.headers_mut().insert(MCP_SESSION_ID, value);
            }
            self.sessions.insert(session);
        }
        response
    }

    async fn batch(
        self: Arc<Self>,
        parts: Parts,
        announced: Option<ProtocolVersion>,
        items: Vec<Result<Message, Box<RpcResponse>>>,
    ) -> Response<McpBody> {
        let version = announced.unwrap_or(ProtocolVersion::DEFAULT_UNANNOUNCED);
        if !version.allows_batches() {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                None,
                ErrorObject::invalid_request(format!(
                    "JSON-RPC batches are only accepted in protocol version 2025-03-26, not {version}"
                )),
            );
        }
        if items
            .iter()
            .any(|m| matches!(m, Ok(Message::Request(r)) if r.method == method::INITIALIZE))
        {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                None,
                ErrorObject::invalid_request("initialize cannot be part of a JSON-RPC batch"),
            );
        }
        let open_to_anyone = || {
            items.iter().all(|m| match m {
                Ok(m) => self.anonymous_allowed(m),
                Err(_) => true,
            })
        };
        let identity = match self
            .authenticate_or_anonymous(&parts, false, open_to_anyone)
            .await
        {
            Ok(identity) => identity,
            Err(refusal) => {
                self.audit_refused(items.iter().flatten(), None, &ErrorCode::UNAUTHORIZED);
                return self.unauthorized(None, Some(&refusal), None);
            }
        };
        if self.authenticator.is_some() && identity.caller.is_none() && !open_to_anyone() {
            self.audit_refused(items.iter().flatten(), None, &ErrorCode::UNAUTHORIZED);
            return self.unauthorized(None, None, None);
        }
        let caller = identity.caller.clone();
        let mut rate = self.rate_status(caller.as_ref());
        for message in items.iter().flatten() {
            match self.rate_admit(caller.as_ref(), message) {
                Ok(status) => rate = status,
                Err(status) => {
                    let refused = items.iter().flatten();
                    self.audit_refused(refused, caller.as_ref(), &ErrorCode::RATE_LIMITED);
                    return self.too_many(None, status);
                }
            }
        }
        let has_call = items
            .iter()
            .any(|m| matches!(m, Ok(Message::Request(r)) if r.method == method::TOOLS_CALL));
        let session = if self.sessions_on {
            match self.session_for(&parts, &identity) {
                Ok(session) => Some(session),
                Err(response) => return self.with_rate(*response, rate),
            }
        } else {
            None
        };
        let mut cx = RequestContext::new().with_protocol_version(version);
        if let Some(caller) = identity.caller.clone() {
            cx = cx.with_caller(caller);
        }
        if let Some(session) = &session {
            cx = cx
                .with_channel(session.id.clone())
                .with_log_level(session.log_level.clone());
            if let Some(capabilities) = &session.capabilities {
                cx = cx.with_client_capabilities(capabilities.clone());
            }
        } else if let Some(channel) = &identity.channel {
            cx = cx.with_channel(channel.clone());
        }
        let futures = items.into_iter().map(|item| {
            let cx = cx.clone().with_cancellation(Cancellation::new());
            let server = self.server.clone();
            let session = session.clone();
            let shared = self.clone();
            let caller = identity.id().map(str::to_owned);
            async move {
                match item {
                    Err(response) => Some(*response),
                    Ok(Message::Response(answer)) => {
                        shared.answer(answer, session.as_deref(), caller.as_deref());
                        None
                    }
                    Ok(message) => server.handle(message, cx).await,
                }
            }
        });
        let responses: Vec<RpcResponse> = futures::future::join_all(futures)
            .await
            .into_iter()
            .flatten()
            .collect();
        let response = if responses.is_empty() {
            status_only(StatusCode::ACCEPTED)
        } else {
            json_response(
                StatusCode::OK,
                serde_json::to_vec(&responses).unwrap_or_default(),
            )
        };
        if has_call {
            rate = self.rate_status(caller.as_ref());
        }
        self.with_rate(response, rate)
    }
}

fn json_outcome(outcome: Option<(StatusCode, Vec<u8>)>) -> Response<McpBody> {
    match outcome {
        Some((status, bytes)) => json_response(status, bytes),
        None => status_only(StatusCode::ACCEPTED),
    }
}
