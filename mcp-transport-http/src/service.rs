//! The tower service: routing to the MCP endpoint, the session routes and the
//! protected-resource metadata; a POSTed message through the guards, the
//! version rules and admission to its answer.

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::BoxFuture;
use http::header::ALLOW;
use http::request::Parts;
use http::{HeaderValue, Method, Request, Response, StatusCode};
use http_body::Body;
use mcp_tools::transport::jsonrpc::{self, Incoming, Message, RequestId};
use mcp_tools::transport::method;
use mcp_tools::{ProtocolVersion, Server};

use crate::admit::Authenticated;
use crate::answer::accepted;
use crate::body::McpBody;
use crate::config::McpServiceBuilder;
use crate::context::request_context;
use crate::endpoint::{Connection, Endpoint};
use crate::future::ResponseFuture;
use crate::guard::Screened;
use crate::header::Accepts;
use crate::response::{json_response, plain};
use crate::version::{self, RoutingHeaders};

/// The Streamable HTTP endpoint of one MCP [`Server`], as a tower
/// [`Service`](tower_service::Service) with `Error = Infallible`.
///
/// Cheap to clone. Serve it with `serve()`, mount it in axum with
/// `Router::nest_service`, or drive it with any hyper-compatible server.
///
/// ```
/// use mcp_transport_http::McpService;
/// # let server = mcp_tools::Server::builder("demo", "1.0.0").build().unwrap();
/// let service = McpService::builder(server).path("/mcp").build();
/// # let _ = service;
/// ```
#[derive(Clone)]
pub struct McpService {
    endpoint: Arc<Endpoint>,
}

impl fmt::Debug for McpService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("McpService")
            .field("server", &self.endpoint.server)
            .field("path", &self.endpoint.path)
            .finish_non_exhaustive()
    }
}

impl McpServiceBuilder {
    /// Builds the tower service.
    pub fn build(self) -> McpService {
        McpService {
            endpoint: Arc::new(Endpoint::new(self)),
        }
    }
}

impl McpService {
    /// Starts configuring the transport for `server`, with safe defaults:
    /// endpoint `/mcp`, stateless, JSON answers, loopback `Host` and `Origin`
    /// only, 4 MiB bodies, no authentication.
    pub fn builder(server: Server) -> McpServiceBuilder {
        McpServiceBuilder::new(server)
    }

    /// The server behind this endpoint.
    pub fn server(&self) -> &Server {
        &self.endpoint.server
    }

    pub(crate) fn endpoint(&self) -> &Arc<Endpoint> {
        &self.endpoint
    }

    /// Ends every session and closes the server-to-client streams (used at shutdown).
    pub fn close_sessions(&self) {
        self.endpoint.sessions.clear();
        if let Some(resumption) = &self.endpoint.resumption {
            resumption.close_all();
        }
    }

    /// Handles one request.
    pub async fn handle<B>(&self, request: Request<B>) -> Response<McpBody>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.endpoint.clone().route(request).await
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
        ResponseFuture::new(Box::pin(self.endpoint.clone().route(request)))
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
        ResponseFuture::new(Box::pin(self.endpoint.clone().route(request)))
    }
}

impl Endpoint {
    /// Answers one request, whatever its path.
    ///
    /// The request is taken apart before the future is made, and the future
    /// is an `async` block over those parts: an `async fn` would keep the
    /// request it was given beside the parts it splits it into.
    pub(crate) fn route<B>(
        self: Arc<Self>,
        request: Request<B>,
    ) -> impl Future<Output = Response<McpBody>> + Send + 'static
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        self.route_on(request, None)
    }

    /// [`route`](Self::route) for a request that came on `connection` (`serve`).
    pub(crate) fn route_on<B>(
        self: Arc<Self>,
        request: Request<B>,
        connection: Option<Connection>,
    ) -> impl Future<Output = Response<McpBody>> + Send + 'static
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        let (parts, body) = request.into_parts();
        async move {
            // Every answer, the metadata document and refusals included,
            // reports the budget of whoever asked.
            let authenticated = self.authenticate(&parts, connection.as_ref()).await;
            let reported = authenticated.reported().cloned();
            let response = if parts.uri.path() == self.path {
                self.clone()
                    .serve_endpoint(parts, body, authenticated)
                    .await
            } else if let Some(metadata) = self.well_known(&parts) {
                metadata
            } else if let Some(fallback) = &self.fallback {
                // Boxed: the application's future stays out of every MCP request's.
                Box::pin(fallback.call(Request::from_parts(parts, body))).await
            } else {
                plain(StatusCode::NOT_FOUND, "not found\n")
            };
            // Without a limiter there is no budget to report (and no header
            // to look for).
            if !self.server.has_rate_limiter()
                || response.body().rate_reported()
                || self.rate_headers.written(response.headers())
            {
                return response;
            }
            let status = self.server.rate_status(reported.as_ref()).await;
            self.with_rate(response, status)
        }
    }

    /// Serves the MCP endpoint: the security checks, then the method.
    ///
    /// Boxed here, once: the future of a whole request is then a few
    /// pointers, and the box around it (the service's, `serve`'s) holds
    /// those instead of the kilobytes of state a POST carries (measured:
    /// two copies of about 4 KB per request before).
    fn serve_endpoint<B>(
        self: Arc<Self>,
        mut parts: Parts,
        body: B,
        authenticated: Authenticated,
    ) -> BoxFuture<'static, Response<McpBody>>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        Box::pin(async move {
            let screened = match self.screen(&parts) {
                Ok(screened) => screened,
                Err(refused) => return refused,
            };
            let sessions = self.sessions_on && !version::is_stateless(&parts);
            // The session routes are boxed: inline, their state would be part
            // of every POST's future. They find the authentication in the
            // request's extensions; a POST is handed it.
            match parts.method {
                Method::POST => self.post(parts, screened, body, authenticated).await,
                Method::GET if sessions => {
                    parts.extensions.insert(authenticated);
                    Box::pin(self.open_stream(parts)).await
                }
                Method::DELETE if sessions => {
                    parts.extensions.insert(authenticated);
                    Box::pin(self.end_session(parts)).await
                }
                _ => {
                    let mut response =
                        plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
                    let allow = if sessions {
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
        })
    }

    /// The protected-resource metadata, when `parts` asks for it.
    fn well_known(&self, parts: &Parts) -> Option<Response<McpBody>> {
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
                return Some(response);
            }
            let mut response = json_response(StatusCode::OK, metadata.document.clone());
            response.headers_mut().insert(
                http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
                HeaderValue::from_static("*"),
            );
            return Some(response);
        }
        None
    }

    /// A POST's message, read, parsed and answered.
    ///
    /// This and [`single`](Self::single) are `async` blocks rather than
    /// `async fn`s: an `async fn`'s future holds its arguments twice (as
    /// given, and as the locals its body moves them into), and these futures
    /// are part of every POST's box.
    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would keep its arguments twice in its future"
    )]
    fn post<B>(
        self: Arc<Self>,
        parts: Parts,
        screened: Screened,
        body: B,
        authenticated: Authenticated,
    ) -> impl Future<Output = Response<McpBody>>
    where
        B: Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        async move {
            let accept = match self.check_post_headers(&screened) {
                Ok(accept) => accept,
                Err(refused) => return refused,
            };
            let announced = screened.version.read(&parts);
            let bytes = match self.read_body(&screened, body).await {
                Ok(bytes) => bytes,
                Err(refused) => return refused,
            };
            let incoming = match jsonrpc::parse(&bytes) {
                Ok(incoming) => incoming,
                Err(response) => {
                    return json_response(StatusCode::BAD_REQUEST, response.to_bytes());
                }
            };
            let announced = match announced {
                Ok(announced) => announced,
                Err(requested) => return version::refuse_version(&incoming, &requested),
            };
            match incoming {
                Incoming::Single(message) => {
                    self.single(
                        parts,
                        authenticated,
                        accept,
                        announced,
                        screened.routing,
                        message,
                    )
                    .await
                }
                Incoming::Batch(items) => {
                    Box::pin(self.batch(parts, authenticated, announced, items)).await
                }
            }
        }
    }

    /// One message (not a batch): its headers checked, admitted, answered.
    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would keep its arguments twice in its future"
    )]
    fn single(
        self: Arc<Self>,
        mut parts: Parts,
        authenticated: Authenticated,
        accept: Accepts,
        announced: Option<ProtocolVersion>,
        routing: RoutingHeaders,
        message: Message,
    ) -> impl Future<Output = Response<McpBody>> {
        async move {
            let id: Option<RequestId> = match &message {
                Message::Request(r) => Some(r.id.clone()),
                _ => None,
            };
            if let Err(refused) = version::check_headers(&routing, announced, &message) {
                return refused;
            }
            // Not kept across the awaits below, so not in the future's state.
            drop(routing);
            let stateless = announced.is_some_and(ProtocolVersion::is_stateless);
            let identity = match self.admit(&[&message], authenticated, stateless, id).await {
                Ok(identity) => identity,
                Err(refused) => return *refused,
            };
            let rate = identity.admitted.rate().copied();
            // After admission: which tools mirror which arguments is not for
            // callers who may not call them.
            if stateless
                && let Err(refused) = version::check_param_headers(&self.server, &parts, &message)
            {
                return self.with_rate(refused, rate);
            }
            let is_initialize =
                matches!(&message, Message::Request(r) if r.method == method::INITIALIZE);
            let session = if self.sessions_on && !stateless && !is_initialize {
                match self.session_for(&parts, &identity).await {
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
                    // The request's header map goes on to be the answer's.
                    let headers = std::mem::take(&mut parts.headers);
                    let response = self
                        .clone()
                        .answer_request(request, accept, version, &identity, session, headers)
                        .await;
                    // Without a limiter there is no budget to report.
                    if !self.server.has_rate_limiter() {
                        return response;
                    }
                    // A stream's call may still be running; an answer sent
                    // whole, SSE or JSON, comes from a call that has ended.
                    let streamed = response.body().is_stream();
                    let rate = self.server.rate_after(&identity.admitted, streamed).await;
                    return self.with_rate(response, rate);
                }
                Message::Notification(notification) => {
                    let cx = request_context(version, &identity, session.as_deref(), None);
                    // Boxed: the core's whole dispatcher future would otherwise
                    // be part of every POST's, for the rare notification.
                    Box::pin(self.server.handle(Message::Notification(notification), cx)).await;
                    accepted()
                }
                Message::Response(answer) => {
                    self.route_answer(answer, session.as_deref(), identity.id());
                    accepted()
                }
            };
            self.with_rate(response, rate)
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use http_body_util::Full;

    /// The future of one POST is created and moved (boxed, polled) for every
    /// request: its size is memory copied on the hot path. The rare, large
    /// branches (sessions, resumable streams, batches) are boxed so that a
    /// `tools/call` does not pay for them.
    #[test]
    fn the_request_future_stays_small() {
        let server = Server::builder("sizes", "1.0.0").build().unwrap();
        let service = McpService::builder(server).build();
        let request = || {
            Request::post("/mcp")
                .header(http::header::HOST, "localhost")
                .body(Full::new(Bytes::from_static(b"{}")))
                .unwrap()
        };
        let endpoint = service.endpoint.clone();
        let route = std::mem::size_of_val(&endpoint.clone().route(request()));
        let (parts, body) = request().into_parts();
        let authenticated = futures::executor::block_on(endpoint.authenticate(&parts, None));
        let screened = endpoint.screen(&parts).unwrap();
        let post =
            std::mem::size_of_val(&endpoint.clone().post(parts, screened, body, authenticated));
        // Unoptimised builds lay futures out with room for every temporary:
        // these bounds hold there, and a release build's futures are smaller.
        // Before the rare branches were boxed, the core's future and the
        // resumable stream's were part of these. The route's future was
        // 8,296 bytes once the shared session store and the asynchronous
        // rate limiter were in; with the endpoint's work boxed below it, 896:
        // that is what the boxes around it (the service's, `serve`'s) copy.
        assert!(route <= 1536, "the request future is {route} bytes");
        assert!(post <= 7168, "the POST future is {post} bytes");
    }
}
