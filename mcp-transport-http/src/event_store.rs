//! Where the events of a session's SSE streams are kept, so that a client
//! whose connection dropped can resume a stream with `Last-Event-ID`.
//!
//! The transport gives every event it sends on a session's stream (the SSE
//! answer to a POST, or the `GET` stream) an id from an [`EventStore`]. A
//! client that reconnects with `GET` and `Last-Event-ID` gets the events of
//! that stream after that id, then the rest of the stream live if it is still
//! running. The store is asked only for the caller's own session: an id from
//! another session names nothing.
//!
//! [`MemoryEventStore`] is the default. A shared store (Redis, a database)
//! implements [`EventStore`]: every value it keeps is plain data (strings,
//! numbers and the JSON bytes of a message), nothing tied to this process.

mod memory;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use bytes::Bytes;
use futures::future::BoxFuture;

pub use memory::{MemoryEventStore, MemoryEventStoreStats};

/// One SSE stream of one session.
///
/// The stream id is random and says which kind of stream it is: ids of the
/// `GET` stream start with `g`, ids of the answer to a POST with `r`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StreamKey {
    /// The `Mcp-Session-Id` of the session the stream belongs to.
    pub session: Arc<str>,
    /// The stream's id, unique within its session.
    pub stream: Arc<str>,
}

/// The id of one stored event: its stream and its place in that stream.
///
/// On the wire it reads `<stream>.<seq>` (`r3f9c2a61d0b4e8a7.4`); it names a
/// stream but not a session, so it is meaningful only together with the
/// session of the request that sends it back.
///
/// ```
/// use mcp_transport_http::event_store::EventId;
///
/// let id: EventId = "r3f9c2a61d0b4e8a7.4".parse().unwrap();
/// assert_eq!(&*id.stream, "r3f9c2a61d0b4e8a7");
/// assert_eq!(id.seq, 4);
/// assert_eq!(id.to_string(), "r3f9c2a61d0b4e8a7.4");
/// assert!("no-dot".parse::<EventId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EventId {
    /// The stream's id (see [`StreamKey::stream`]).
    pub stream: Arc<str>,
    /// The event's position in its stream, from 0.
    pub seq: u64,
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.stream, self.seq)
    }
}

impl FromStr for EventId {
    type Err = EventStoreError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let malformed = || {
            EventStoreError::new(format!(
                "malformed event id {s:?}: expected `<stream>.<number>` as sent in an `id:` field"
            ))
        };
        let (stream, seq) = s.rsplit_once('.').ok_or_else(malformed)?;
        let valid_stream = !stream.is_empty()
            && stream.len() <= 64
            && stream.bytes().all(|b| b.is_ascii_alphanumeric());
        if !valid_stream {
            return Err(malformed());
        }
        let seq = seq.parse().map_err(|_| malformed())?;
        Ok(Self {
            stream: Arc::from(stream),
            seq,
        })
    }
}

/// One stored event: its id and the JSON-RPC message it carried (empty for
/// the priming event that opens a stream).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvent {
    /// The event's id.
    pub id: EventId,
    /// The JSON text of the message, or nothing.
    pub message: Bytes,
}

/// A failure of the event store (a lost connection to a shared store, say).
///
/// The transport logs it and goes on: the live stream is not interrupted,
/// only resuming it may be impossible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventStoreError {
    message: String,
}

impl EventStoreError {
    /// An error with this message (lowercase, no trailing period).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for EventStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EventStoreError {}

/// Keeps the events of sessions' SSE streams for replay.
///
/// Implementations decide how long and how many events they keep; they must
/// bound both. Every method is asynchronous so that a shared store can do I/O.
pub trait EventStore: Send + Sync + 'static {
    /// Stores the next event of `stream` and returns its id. Ids of one
    /// stream grow by one from 0, in the order of the calls (the transport
    /// never appends to one stream from two places at once).
    fn append<'a>(
        &'a self,
        stream: &'a StreamKey,
        message: Bytes,
    ) -> BoxFuture<'a, Result<EventId, EventStoreError>>;

    /// The events of `session`'s stream named by `after` that come after it,
    /// in order; `None` when the session has no such stream (never had it,
    /// or it expired). Events already evicted from a stream that is still
    /// kept are simply missing.
    fn replay_after<'a>(
        &'a self,
        session: &'a str,
        after: &'a EventId,
    ) -> BoxFuture<'a, Result<Option<Vec<StoredEvent>>, EventStoreError>>;

    /// Forgets every stream of `session` (the session ended).
    fn remove_session<'a>(&'a self, session: &'a str)
    -> BoxFuture<'a, Result<(), EventStoreError>>;
}

/// A shared store: keep an `Arc` to look at it (its stats, say) while the
/// service uses it.
impl<T: EventStore> EventStore for Arc<T> {
    fn append<'a>(
        &'a self,
        stream: &'a StreamKey,
        message: Bytes,
    ) -> BoxFuture<'a, Result<EventId, EventStoreError>> {
        (**self).append(stream, message)
    }

    fn replay_after<'a>(
        &'a self,
        session: &'a str,
        after: &'a EventId,
    ) -> BoxFuture<'a, Result<Option<Vec<StoredEvent>>, EventStoreError>> {
        (**self).replay_after(session, after)
    }

    fn remove_session<'a>(
        &'a self,
        session: &'a str,
    ) -> BoxFuture<'a, Result<(), EventStoreError>> {
        (**self).remove_session(session)
    }
}
