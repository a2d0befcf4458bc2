//! The client as one request sees it: where its notifications and
//! server-to-client requests go.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use bytes::Bytes;
use futures::future::{BoxFuture, FutureExt};
use mcp_tools::Caller;
use mcp_tools::transport::Peer;
use mcp_tools::transport::jsonrpc::{ErrorObject, Notification, Request};
use serde_json::Value;
use tokio::sync::{Notify, mpsc};

use crate::body::sse_event;
use crate::session::Pending;

/// Where the messages a request sends before its answer go: a channel opened
/// by the first of them. Most calls send none and are answered with one JSON
/// body, so they never pay for the channel.
#[derive(Default)]
pub(crate) struct Outbox {
    sender: OnceLock<mpsc::UnboundedSender<Bytes>>,
    /// The receiving end once opened, until the answer takes it.
    receiver: Mutex<Option<mpsc::UnboundedReceiver<Bytes>>>,
    /// Told when the channel opens.
    opened: Notify,
}

impl Outbox {
    fn sender(&self) -> &mpsc::UnboundedSender<Bytes> {
        self.sender.get_or_init(|| {
            let (sender, receiver) = mpsc::unbounded_channel();
            *self.receiver.lock().unwrap_or_else(PoisonError::into_inner) = Some(receiver);
            self.opened.notify_one();
            sender
        })
    }

    /// The receiving end, opening the channel now (an answer streamed from
    /// the start).
    pub(crate) fn open(&self) -> Option<mpsc::UnboundedReceiver<Bytes>> {
        self.sender();
        self.take()
    }

    /// The receiving end, if a message was sent.
    pub(crate) fn take(&self) -> Option<mpsc::UnboundedReceiver<Bytes>> {
        self.receiver
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// Completes once the first message is on its way.
    pub(crate) async fn opened(&self) {
        self.opened.notified().await;
    }
}

/// The peer of one request whose client accepts an SSE stream: the stream's
/// outbox (in the same allocation: most requests send nothing, and pay for
/// one `Arc` only) and the table where answers to our requests arrive.
pub(crate) struct StreamPeer {
    pub(crate) outbox: Outbox,
    pub(crate) pending: Arc<Pending>,
    /// Who may answer our requests: the caller, whose id is copied only
    /// when a request goes out (most requests send none).
    pub(crate) owner: Option<Caller>,
}

impl Peer for StreamPeer {
    fn notify(&self, notification: Notification) {
        if let Ok(json) = serde_json::to_vec(&notification) {
            let _ = self.outbox.sender().send(sse_event(&json));
        }
    }

    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        let events = self.outbox.sender().clone();
        let (id, answer, guard) = self
            .pending
            .register(self.owner.as_ref().map(|caller| Arc::from(caller.id())));
        let request = Request {
            id,
            method: method.to_owned(),
            params: Some(params),
            meta: None,
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
