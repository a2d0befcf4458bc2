//! The client as a session sees it beyond any one request: notifications that
//! outlive their request (`notifications/resources/updated` of a
//! subscription) go out on the session's standalone (GET) stream.

use std::sync::Weak;

use mcp_tools::Server;
use mcp_tools::transport::Peer;
use mcp_tools::transport::jsonrpc::Notification;

use crate::session::Session;

/// A session's standalone stream, as a [`Peer`]. Holds the session weakly: once
/// the session ends, the peer is closed and the core forgets it. Holds the
/// server only when it has a notification bus, to publish on it (a
/// subscription then keeps its server alive until the session ends).
pub(crate) struct SessionPeer(pub(crate) Weak<Session>, pub(crate) Option<Server>);

impl Peer for SessionPeer {
    /// Sends on the session's GET stream. Without an open stream here, a
    /// server with a notification bus hands it to the replica that has the
    /// stream; otherwise the notification is dropped (the client has no place
    /// to receive it).
    fn notify(&self, notification: Notification) {
        let Some(session) = self.0.upgrade() else {
            return;
        };
        if !session.send_on_stream(&notification)
            && let Some(server) = &self.1
        {
            server.publish_to_session(&session.id, notification);
        }
    }

    fn is_closed(&self) -> bool {
        self.0.strong_count() == 0
    }
}
