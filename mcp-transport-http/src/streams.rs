//! The session routes: `GET` opens a session's server-to-client event
//! stream, `DELETE` ends the session; and finding a request's session.

use std::sync::Arc;

use http::request::Parts;
use http::{Response, StatusCode};
use mcp_tools::transport::jsonrpc::ErrorObject;
use tokio::sync::mpsc;

use crate::admit::Identity;
use crate::body::{McpBody, SseStream};
use crate::endpoint::Endpoint;
use crate::header::{Accepts, LAST_EVENT_ID, MCP_SESSION_ID, header_str};
use crate::response::{plain, rpc_error, sse_response, status_only};
use crate::resume::Resumed;
use crate::session::Session;
use crate::session_store::SessionStoreError;

impl Endpoint {
    /// The session a request names, if it belongs to the request's caller.
    /// With a shared store, the store says whether it is alive (see
    /// [`crate::session_store`]).
    pub(crate) async fn session_for(
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
        let session = match &self.session_store {
            None => self.sessions.get(id),
            Some(store) => match store.load(id, self.session_idle).await {
                Ok(Some(record)) => Some(self.sessions.confirmed(record)),
                Ok(None) => {
                    // Ended or expired elsewhere: so it is here.
                    self.sessions.remove(id);
                    None
                }
                Err(e) => return Err(Box::new(store_unavailable(&e))),
            },
        };
        match session {
            Some(session) if session.owner.as_deref() == identity.id() => Ok(session),
            _ => Err(Box::new(rpc_error(
                StatusCode::NOT_FOUND,
                None,
                ErrorObject::invalid_request("unknown or ended session; initialize a new one"),
            ))),
        }
    }

    /// The identity of a request without a message, or its refusal.
    async fn stream_identity(&self, parts: &Parts) -> Result<Identity, Box<Response<McpBody>>> {
        // `serve_endpoint` put the request's authentication in its extensions,
        // with the connection's channel: found there, not done again.
        let authenticated = self.authenticate(parts, None).await;
        match self
            .server
            .admit_stream(authenticated.credentials.clone())
            .await
        {
            Ok(admitted) => Ok(Identity::new(admitted, &authenticated)),
            Err(refusal) => Err(Box::new(self.refused(None, &refusal))),
        }
    }

    /// `GET`: opens the session's event stream.
    pub(crate) async fn open_stream(&self, parts: Parts) -> Response<McpBody> {
        if !Accepts::of(&parts.headers).sse {
            return plain(
                StatusCode::NOT_ACCEPTABLE,
                "GET opens an event stream; send Accept: text/event-stream\n",
            );
        }
        let identity = match self.stream_identity(&parts).await {
            Ok(identity) => identity,
            Err(response) => return *response,
        };
        let rate = identity.admitted.rate().copied();
        let session = match self.session_for(&parts, &identity).await {
            Ok(session) => session,
            Err(response) => return self.with_rate(*response, rate),
        };
        let mut replayed = None;
        if let Some(resumption) = &self.resumption
            && let Some(last) = header_str(&parts.headers, &LAST_EVENT_ID)
        {
            match resumption.resume(&session, last).await {
                Ok(Resumed::Request(response)) => return self.with_rate(response, rate),
                Ok(Resumed::Standalone(frames)) => replayed = Some(frames),
                Err(response) => return self.with_rate(*response, rate),
            }
        }
        let (tx, rx) = mpsc::unbounded_channel();
        if let Some(resumption) = &self.resumption {
            for frame in replayed.iter().flatten() {
                let _ = tx.send(frame.clone());
            }
            resumption.open_standalone(&session, &tx).await;
        }
        {
            let mut slot = session
                .standalone
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            // A client resuming its stream replaces the connection it lost.
            if replayed.is_none() && slot.as_ref().is_some_and(|s| !s.is_closed()) {
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

    /// `DELETE`: ends the session.
    pub(crate) async fn end_session(&self, parts: Parts) -> Response<McpBody> {
        let identity = match self.stream_identity(&parts).await {
            Ok(identity) => identity,
            Err(response) => return *response,
        };
        let rate = identity.admitted.rate().copied();
        let response = match self.session_for(&parts, &identity).await {
            Ok(session) => {
                if let Some(store) = &self.session_store
                    && let Err(e) = store.remove(&session.id).await
                {
                    return self.with_rate(store_unavailable(&e), rate);
                }
                self.sessions.remove(&session.id);
                if let Some(resumption) = &self.resumption {
                    resumption.end_session(&session.id).await;
                }
                status_only(StatusCode::OK)
            }
            Err(response) => *response,
        };
        self.with_rate(response, rate)
    }
}

/// 503 when the shared session store cannot be asked: the session is neither
/// known alive nor known ended.
fn store_unavailable(e: &SessionStoreError) -> Response<McpBody> {
    tracing::warn!(error = %e, "the session store failed");
    rpc_error(
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        ErrorObject::internal(format_args!(
            "the session cannot be looked up now ({e}); retry the same request in a few seconds"
        )),
    )
}
