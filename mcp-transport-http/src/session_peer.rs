//! The client as a session sees it beyond any one request: notifications that
//! outlive their request (`notifications/resources/updated` of a
//! subscription) go out on the session's standalone (GET) stream.

use std::sync::{PoisonError, Weak};

use mcp_tools::transport::Peer;
use mcp_tools::transport::jsonrpc::Notification;

use crate::body::sse_event;
use crate::session::Session;

/// A session's standalone stream, as a [`Peer`]. Holds the session weakly: once
/// the session ends, the peer is closed and the core forgets it.
pub(crate) struct SessionPeer(pub(crate) Weak<Session>);

impl Peer for SessionPeer {
    /// Sends on the session's GET stream; without an open stream, the
    /// notification is dropped (the client has no place to receive it).
    fn notify(&self, notification: Notification) {
        let Some(session) = self.0.upgrade() else {
            return;
        };
        let stream = session
            .standalone
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(events) = stream.as_ref()
            && let Ok(json) = serde_json::to_vec(&notification)
        {
            let _ = events.send(sse_event(&json));
        }
    }

    fn is_closed(&self) -> bool {
        self.0.strong_count() == 0
    }
}
