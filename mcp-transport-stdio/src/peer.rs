//! The client as the server's tools see it over stdio: notifications and
//! requests written to stdout, answers routed back by id.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures::future::{BoxFuture, FutureExt};
use mcp_tools::transport::Peer;
use mcp_tools::transport::jsonrpc::{ErrorObject, Notification, PeerResponse, Request, RequestId};
use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

type Answer = Result<Value, ErrorObject>;

/// Requests the server sent and is waiting on, by id.
#[derive(Default)]
pub(crate) struct Pending {
    next: AtomicU64,
    waiters: Mutex<HashMap<RequestId, oneshot::Sender<Answer>>>,
}

impl Pending {
    fn register(self: &Arc<Self>) -> (RequestId, oneshot::Receiver<Answer>, Forget) {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let id = RequestId::String(format!("srv-{n}").into());
        let (tx, rx) = oneshot::channel();
        self.lock().insert(id.clone(), tx);
        let forget = Forget {
            pending: self.clone(),
            id: id.clone(),
        };
        (id, rx, forget)
    }

    /// Hands the client's answer to the request waiting for it; `false` when
    /// nothing waits for that id.
    pub(crate) fn resolve(&self, response: PeerResponse) -> bool {
        let waiter = self.lock().remove(&response.id);
        waiter.is_some_and(|tx| tx.send(response.outcome).is_ok())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<RequestId, oneshot::Sender<Answer>>> {
        self.waiters.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Removes a request from [`Pending`] when its waiter gives up (the call was
/// cancelled or timed out), so late answers find nothing and nothing leaks.
struct Forget {
    pending: Arc<Pending>,
    id: RequestId,
}

impl Drop for Forget {
    fn drop(&mut self) {
        self.pending.lock().remove(&self.id);
    }
}

/// The peer every request of a stdio connection shares.
pub(crate) struct LinePeer {
    pub(crate) out: mpsc::UnboundedSender<Vec<u8>>,
    pub(crate) pending: Arc<Pending>,
}

impl Peer for LinePeer {
    fn notify(&self, notification: Notification) {
        if let Ok(line) = serde_json::to_vec(&notification) {
            let _ = self.out.send(line);
        }
    }

    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        let (id, answer, forget) = self.pending.register();
        let request = Request {
            id,
            method: method.to_owned(),
            params: Some(params),
            meta: None,
        };
        let sent = serde_json::to_vec(&request)
            .ok()
            .is_some_and(|line| self.out.send(line).is_ok());
        async move {
            let _forget = forget;
            if !sent {
                return Err(ErrorObject::internal("the client's stdin is closed"));
            }
            answer
                .await
                .unwrap_or_else(|_| Err(ErrorObject::internal("the request was abandoned")))
        }
        .boxed()
    }
}
