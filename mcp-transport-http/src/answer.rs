//! Answering one request: as one JSON body, or as an SSE stream when
//! notifications or server-to-client requests go out before the result.

use std::sync::Arc;

use futures::FutureExt;
use http::{HeaderValue, Response, StatusCode};
use mcp_tools::ProtocolVersion;
use mcp_tools::transport::jsonrpc::{
    ErrorObject, Message, PeerResponse, Request, Response as RpcResponse, code,
};
use mcp_tools::transport::{Cancellation, method};
use tokio::sync::mpsc;

use crate::admit::Identity;
use crate::body::{CallFuture, McpBody, OnDisconnect, SseStream, sse_event};
use crate::config::ResponseMode;
use crate::context::{TraceHeaders, request_context};
use crate::endpoint::Endpoint;
use crate::header::{Accepts, MCP_SESSION_ID};
use crate::peer::StreamPeer;
use crate::response::{answer_status, json_outcome, json_response, sse_response, status_only};
use crate::session::Session;
use crate::session_peer::SessionPeer;

impl Endpoint {
    /// Answers one request of an admitted caller.
    pub(crate) async fn answer_request(
        self: Arc<Self>,
        request: Request,
        accept: Accepts,
        version: ProtocolVersion,
        identity: Identity,
        session: Option<Arc<Session>>,
        trace: TraceHeaders,
    ) -> Response<McpBody> {
        if request.method == method::INITIALIZE {
            return self.initialize(&request, accept, identity.owner());
        }
        let id = request.id.clone();
        let cancellation = Cancellation::new();
        let mut cx = request_context(
            version,
            &identity,
            session.as_deref(),
            request.params.as_ref(),
            cancellation.clone(),
        );
        cx = trace.apply(cx);
        if let Some(session) = session.as_ref().filter(|_| !version.is_stateless()) {
            cx = cx.with_session_peer(Arc::new(SessionPeer(Arc::downgrade(session))));
        }
        let streaming = accept.sse;
        let (tx, mut rx) = if streaming {
            let (tx, rx) = mpsc::unbounded_channel();
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        if streaming {
            let pending = session
                .as_ref()
                .map_or_else(|| self.pending.clone(), |s| s.pending.clone());
            cx = cx.with_peer(Arc::new(StreamPeer {
                events: tx,
                pending,
                owner: identity.owner(),
            }));
        }
        let server = self.server.clone();
        let call = async move {
            let answer = match server.handle(Message::Request(request), cx).await {
                Some(response) => response,
                // Cancelled by the client (`notifications/cancelled`): a JSON
                // client still needs an answer to its POST.
                None => RpcResponse::error(
                    Some(id),
                    ErrorObject::new(code::REQUEST_CANCELLED, "request cancelled"),
                ),
            };
            Some((answer_status(version, &answer), answer.to_bytes()))
        };
        let on_disconnect = if version.is_stateless() {
            OnDisconnect::Cancel
        } else {
            OnDisconnect::Finish
        };
        if let Some(resumption) = &self.resumption
            && let Some(session) = &session
            && let Some(rx) = rx.take()
        {
            let sse = self.mode == ResponseMode::Sse || !accept.json;
            return resumption.answer(session, version, rx, call, sse).await;
        }
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

    /// Answers `initialize`, opening a session when sessions are on.
    fn initialize(
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

/// 202 for messages that get no answer.
pub(crate) fn accepted() -> Response<McpBody> {
    status_only(StatusCode::ACCEPTED)
}
