//! The client as one request sees it: where its notifications and
//! server-to-client requests go.

use std::sync::Arc;

use bytes::Bytes;
use futures::future::{BoxFuture, FutureExt};
use mcp_tools::transport::Peer;
use mcp_tools::transport::jsonrpc::{ErrorObject, Notification, Request, code};
use serde_json::Value;
use tokio::sync::mpsc;

use crate::body::sse_event;
use crate::session::Pending;

/// The peer of one request: its SSE stream (when the client accepts one), the
/// table where answers to our requests arrive.
pub(crate) struct StreamPeer {
    pub(crate) events: Option<mpsc::UnboundedSender<Bytes>>,
    pub(crate) pending: Arc<Pending>,
    pub(crate) owner: Option<Arc<str>>,
}

impl Peer for StreamPeer {
    fn notify(&self, notification: Notification) {
        if let Some(events) = &self.events
            && let Ok(json) = serde_json::to_vec(&notification)
        {
            let _ = events.send(sse_event(&json));
        }
    }

    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        let Some(events) = self.events.clone() else {
            let method = method.to_owned();
            return async move {
                Err(ErrorObject::new(
                    code::METHOD_NOT_FOUND,
                    format!(
                        "cannot send {method} to this client: it did not accept an event stream \
                         (Accept: text/event-stream)"
                    ),
                ))
            }
            .boxed();
        };
        let (id, answer, guard) = self.pending.register(self.owner.clone());
        let request = Request {
            id,
            method: method.to_owned(),
            params: Some(params),
        };
        let sent = serde_json::to_vec(&request)
            .ok()
            .is_some_and(|json| events.send(sse_event(&json)).is_ok());
        async move {
            let _guard = guard;
            if !sent {
                return Err(ErrorObject::internal("the client's stream is closed"));
            }
            answer
                .await
                .unwrap_or_else(|_| Err(ErrorObject::internal("the request was abandoned")))
        }
        .boxed()
    }
}
