//! Notifications that must reach clients connected to other replicas.
//!
//! A server run as one process delivers `notifications/resources/updated`
//! to the subscribers it holds, and that is all it needs: without a bus
//! nothing here runs. Replicas behind a load balancer share a
//! [`NotificationBus`]: [`Server::notify_resource_updated`](crate::Server::notify_resource_updated)
//! on one replica then reaches subscribers whose event stream is open on
//! another, and a transport can hand a notification meant for one session to
//! whichever replica holds that session's stream
//! ([`Server::publish_to_session`](crate::Server::publish_to_session)).
//!
//! The bus is plumbing, with no policy: who hears an update is still decided
//! by each replica's own subscriptions, and what a session's stream is by its
//! transport. Delivery is best effort, at most once, like the notifications
//! themselves (a client that was not listening misses them).

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::{Value, json};

use crate::jsonrpc::Notification;

/// What one replica tells the others.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum BusMessage {
    /// The resource at `uri` changed: every replica tells its own subscribers.
    ResourceUpdated {
        /// The resource's URI.
        uri: String,
    },
    /// A notification for one session: the replica holding that session's
    /// event stream sends it there; the others ignore it.
    Session {
        /// The session's id (over HTTP, its `Mcp-Session-Id`).
        session: String,
        /// The notification to send.
        notification: Notification,
    },
}

impl BusMessage {
    /// The message as bytes (JSON), the form every bus carries it in.
    ///
    /// ```
    /// use mcp_tools::bus::BusMessage;
    ///
    /// let message = BusMessage::ResourceUpdated { uri: "crm://deals/7".into() };
    /// let bytes = message.to_bytes();
    /// assert_eq!(BusMessage::from_bytes(&bytes).unwrap(), message);
    /// assert!(BusMessage::from_bytes(b"{}").is_err());
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let value = match self {
            Self::ResourceUpdated { uri } => json!({"kind": "resource_updated", "uri": uri}),
            Self::Session {
                session,
                notification,
            } => json!({
                "kind": "session",
                "session": session,
                "method": notification.method,
                "params": notification.params,
            }),
        };
        value.to_string().into_bytes()
    }

    /// Reads a message written by [`to_bytes`](Self::to_bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, BusError> {
        let value: Value = serde_json::from_slice(bytes)
            .map_err(|e| BusError::new(format!("a bus message is not JSON: {e}")))?;
        let text = |key: &str| {
            value.get(key).and_then(Value::as_str).ok_or_else(|| {
                BusError::new(format!(
                    "a bus message lacks the string {key:?}; it was not written by BusMessage::to_bytes"
                ))
            })
        };
        match text("kind")? {
            "resource_updated" => Ok(Self::ResourceUpdated {
                uri: text("uri")?.to_owned(),
            }),
            "session" => Ok(Self::Session {
                session: text("session")?.to_owned(),
                notification: Notification {
                    method: Cow::Owned(text("method")?.to_owned()),
                    params: value.get("params").filter(|p| !p.is_null()).cloned(),
                },
            }),
            other => Err(BusError::new(format!(
                "unknown bus message kind {other:?}; expected \"resource_updated\" or \"session\""
            ))),
        }
    }
}

/// A bus message that could not be read, or a bus that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusError {
    message: String,
}

impl BusError {
    /// An error with this message (lowercase, no trailing period).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for BusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BusError {}

/// Where a bus hands the messages of other replicas: the server it was
/// given to.
pub type BusReceiver = Arc<dyn Fn(BusMessage) + Send + Sync>;

/// Carries [`BusMessage`]s between the replicas of one deployment.
///
/// The server calls [`attach`](Self::attach) once, when it is built, and
/// [`publish`](Self::publish) whenever it has something for the others.
/// `publish` must not block (queue the message and send it in the
/// background); a bus delivers each message at most once to every *other*
/// replica, in the order it was published, and never back to the replica
/// that published it (that one has delivered it itself).
pub trait NotificationBus: Send + Sync + 'static {
    /// Sends `message` to every other replica.
    fn publish(&self, message: BusMessage);

    /// Starts handing the messages of other replicas to `receiver`.
    fn attach(&self, receiver: BusReceiver);
}

impl<T: NotificationBus> NotificationBus for Arc<T> {
    fn publish(&self, message: BusMessage) {
        (**self).publish(message);
    }

    fn attach(&self, receiver: BusReceiver) {
        (**self).attach(receiver);
    }
}

/// Where a transport sends a notification for one of its sessions.
pub(crate) type SessionRoute = Arc<dyn Fn(&str, Notification) + Send + Sync>;

/// A server's bus, if it has one, and the transport's route to its sessions.
#[derive(Default)]
pub(crate) struct Fanout {
    pub(crate) bus: Option<Arc<dyn NotificationBus>>,
    pub(crate) sessions: OnceLock<SessionRoute>,
}
