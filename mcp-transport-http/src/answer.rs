//! Answering one request: as one JSON body, or as an SSE stream when
//! notifications or server-to-client requests go out before the result.

use std::future::Future;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use futures::FutureExt;
use futures::future::BoxFuture;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use mcp_tools::transport::RequestContext;
use mcp_tools::transport::jsonrpc::{
    ErrorObject, Message, PeerResponse, Request, Response as RpcResponse, code,
};
use mcp_tools::transport::{Cancellation, method};
use mcp_tools::{ProtocolVersion, Server};
use tokio::sync::mpsc;

use crate::admit::Identity;
use crate::body::{CallFuture, McpBody, OnDisconnect, SseStream, sse_event, sse_event_of};
use crate::config::ResponseMode;
use crate::context::{TraceHeaders, request_context};
use crate::endpoint::Endpoint;
use crate::header::{Accepts, MCP_SESSION_ID};
use crate::peer::{Outbox, StreamPeer};
use crate::response::{
    answer_status, json_outcome_in, json_response, rpc_error, sse_response, sse_whole_in,
    status_only,
};
use crate::session::Session;
use crate::session_peer::SessionPeer;
use crate::session_store::SessionStore;

impl Endpoint {
    /// Answers one request of an admitted caller.
    ///
    /// An `async` block, not an `async fn`, so that its future holds its
    /// arguments once (see `Endpoint::post`).
    #[allow(
        clippy::manual_async_fn,
        reason = "an async fn would keep its arguments twice in its future"
    )]
    pub(crate) fn answer_request(
        self: Arc<Self>,
        request: Request,
        accept: Accepts,
        version: ProtocolVersion,
        identity: &Identity,
        session: Option<Arc<Session>>,
        headers: HeaderMap,
    ) -> impl Future<Output = Response<McpBody>> {
        async move {
            if request.method == method::INITIALIZE {
                return self.initialize(&request, accept, identity.owner()).await;
            }
            let mut cx = request_context(
                version,
                identity,
                session.as_deref(),
                request.meta.as_deref(),
            );
            // The signal the transport fires when the client goes away.
            let cancellation = cx.cancellation().clone();
            cx = TraceHeaders::of(&headers).apply(cx);
            if let Some(session) = session.as_ref().filter(|_| !version.is_stateless()) {
                let bus = Some(&self.server).filter(|s| s.has_notification_bus());
                cx = cx.with_session_peer(Arc::new(SessionPeer(
                    Arc::downgrade(session),
                    bus.cloned(),
                )));
            }
            let streaming = accept.sse;
            let peer = streaming.then(|| {
                let pending = session
                    .as_ref()
                    .map_or_else(|| self.pending.clone(), |s| s.pending.clone());
                Arc::new(StreamPeer {
                    outbox: Outbox::default(),
                    pending,
                    owner: identity.caller().cloned(),
                })
            });
            if let Some(peer) = &peer {
                cx = cx.with_peer(peer.clone());
            }
            let outbox = peer.as_deref().map(|peer| &peer.outbox);
            // Another replica must see the level `logging/setLevel` sets.
            let share_level = match (&self.session_store, &session) {
                (Some(store), Some(session)) if request.method == method::SET_LEVEL => {
                    Some(LevelWrite {
                        store: store.clone(),
                        session: session.clone(),
                        idle: self.session_idle,
                    })
                }
                _ => None,
            };
            let sse = self.mode == ResponseMode::Sse || !accept.json;
            let resumable = self.resumption.is_some() && session.is_some() && streaming;
            // The core's future is boxed once, here, in the shape the answer needs:
            // it is polled from this box and never moved again, and the
            // transport's own futures stay small.
            if sse
                && !resumable
                && let Some(outbox) = outbox
            {
                let mut call = boxed_call(
                    self.server.clone(),
                    request,
                    cx,
                    version,
                    share_level,
                    |_, answer| sse_event_of(answer),
                );
                let on_disconnect = disconnect_rule(version);
                // Most calls are answered in their first poll. Such an answer is
                // sent whole, as the events it is made of, without opening the
                // channel a streamed answer needs.
                if let Poll::Ready(last) = futures::poll!(&mut call) {
                    return match outbox.take() {
                        Some(rx) => {
                            let call: CallFuture = futures::future::ready(last).boxed();
                            sse_response(SseStream::request(rx, call, cancellation, on_disconnect))
                        }
                        None => sse_whole_in(headers, last.unwrap_or_default()),
                    };
                }
                // Nothing took the receiver yet: `open` always hands it over.
                let rx = outbox.open().unwrap_or_else(|| mpsc::unbounded_channel().1);
                return sse_response(SseStream::request(rx, call, cancellation, on_disconnect));
            }
            let call = boxed_call(
                self.server.clone(),
                request,
                cx,
                version,
                share_level,
                |status, answer| (status, answer.to_bytes()),
            );
            let on_disconnect = disconnect_rule(version);
            if let Some(resumption) = &self.resumption
                && let Some(session) = &session
                && let Some(rx) = outbox.and_then(Outbox::open)
            {
                return Box::pin(resumption.answer(session, version, rx, call, sse)).await;
            }
            match outbox {
                Some(outbox) => {
                    let mut call = call;
                    tokio::select! {
                        biased;
                        out = &mut call => match outbox.take().map(|mut rx| (rx.try_recv(), rx)) {
                            // Messages sent in the same poll as the result still go first.
                            Some((Ok(first), rx)) => {
                                let last = out.map(|(_, bytes)| sse_event(&bytes));
                                let call: CallFuture = futures::future::ready(last).boxed();
                                sse_response(
                                    SseStream::request(rx, call, cancellation, on_disconnect)
                                        .with_head(first),
                                )
                            }
                            _ => json_outcome_in(headers, out),
                        },
                        () = outbox.opened() => {
                            // The channel opens as its first message is sent: the
                            // stream starts with it.
                            let Some(rx) = outbox.take() else {
                                return json_outcome_in(headers, call.await);
                            };
                            let call: CallFuture = call
                                .map(|out| out.map(|(_, bytes)| sse_event(&bytes)))
                                .boxed();
                            sse_response(SseStream::request(rx, call, cancellation, on_disconnect))
                        }
                    }
                }
                None => json_outcome_in(headers, call.await),
            }
        }
    }

    /// Answers `initialize`, opening a session when sessions are on.
    async fn initialize(
        &self,
        request: &Request,
        accept: Accepts,
        owner: Option<Arc<str>>,
    ) -> Response<McpBody> {
        let capabilities = request
            .params
            .as_ref()
            .and_then(|p| p.get("capabilities"))
            .cloned();
        let initialized = self.server.initialize(request);
        let bytes = initialized.response.to_bytes();
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
            && let Some(negotiated) = initialized.version
        {
            let session = Arc::new(Session::new(
                owner,
                negotiated,
                capabilities,
                self.sessions.now(),
            ));
            if let Some(store) = &self.session_store
                && let Err(e) = store.create(&session.record(), self.session_idle).await
            {
                tracing::warn!(error = %e, "the session store failed to keep a new session");
                return rpc_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Some(request.id.clone()),
                    ErrorObject::internal(format_args!(
                        "the session could not be stored ({e}); nothing was opened, send \
                         initialize again in a few seconds"
                    )),
                );
            }
            if let Ok(value) = HeaderValue::from_str(&session.id) {
                response.headers_mut().insert(MCP_SESSION_ID, value);
            }
            self.sessions.insert(session);
        }
        response
    }

    /// Routes a client's answer to the waiting server-to-client request.
    pub(crate) fn route_answer(
        &self,
        answer: PeerResponse,
        session: Option<&Session>,
        caller: Option<&str>,
    ) {
        let pending = session.map_or(&self.pending, |s| &s.pending);
        if !pending.resolve(answer, caller) {
            tracing::debug!("an answer arrived for no pending request");
        }
    }
}

/// The core's answer to `request`, boxed, finished by `finish` (the HTTP
/// status and the serialised response in; JSON or an SSE event out).
fn boxed_call<T: Send + 'static>(
    server: Server,
    request: Request,
    cx: RequestContext,
    version: ProtocolVersion,
    share_level: Option<LevelWrite>,
    finish: fn(StatusCode, &RpcResponse) -> T,
) -> BoxFuture<'static, Option<T>> {
    async move {
        let id = request.id.clone();
        let answer = server.handle(Message::Request(request), cx).await;
        if let Some(write) = share_level
            && let Err(e) = write
                .store
                .update(&write.session.record(), write.idle)
                .await
        {
            tracing::warn!(error = %e, "the session store failed to keep a new log level");
        }
        let answer = match answer {
            Some(response) => response,
            // Cancelled by the client (`notifications/cancelled`): a JSON
            // client still needs an answer to its POST.
            None => RpcResponse::error(
                Some(id),
                ErrorObject::new(code::REQUEST_CANCELLED, "request cancelled"),
            ),
        };
        Some(finish(answer_status(version, &answer), &answer))
    }
    .boxed()
}

/// A session's new log level, to write back to the shared session store once
/// `logging/setLevel` has run, so that every replica logs at it.
struct LevelWrite {
    store: Arc<dyn SessionStore>,
    session: Arc<Session>,
    idle: Duration,
}

/// What closing the response stream does to the call: a 2026-07-28 request
/// is cancelled, a 2025 one finishes (its client may resume or poll).
fn disconnect_rule(version: ProtocolVersion) -> OnDisconnect {
    if version.is_stateless() {
        OnDisconnect::Cancel
    } else {
        OnDisconnect::Finish
    }
}

/// 202 for messages that get no answer.
pub(crate) fn accepted() -> Response<McpBody> {
    status_only(StatusCode::ACCEPTED)
}
