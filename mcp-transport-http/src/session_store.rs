//! Sessions (up to 2025-11-25) shared by the replicas of a deployment.
//!
//! Without a store (the default) a session lives in the memory of the process
//! that answered its `initialize`, which is all one process needs, at no cost.
//! Replicas behind a load balancer share a [`SessionStore`]: `initialize` on
//! one replica writes the session's [`SessionRecord`]; a replica that gets a
//! request for a session it has not seen reads the record and serves it.
//!
//! The guarantee: **every request of a session asks the store**, in one
//! command that also renews the session's idle expiry
//! ([`SessionStore::load`]). So `DELETE` on any replica ends the session for
//! the very next request on every replica, with no staleness window; a store
//! that cannot be asked answers 503 (the session is neither trusted nor
//! dropped). What each replica keeps locally is what cannot be shared: the
//! open `GET` stream and the server-to-client requests waiting for answers.
//!
//! Every value in a record is plain data (strings and JSON), nothing tied to
//! a process.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use mcp_tools::{LogLevel, ProtocolVersion};
use serde_json::{Value, json};

/// What a replica needs to serve a session another replica opened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SessionRecord {
    /// The `Mcp-Session-Id`.
    pub id: Arc<str>,
    /// The caller the session is bound to (`None`: anonymous). A request of
    /// any other caller naming this session gets 404, as if it did not exist.
    pub owner: Option<Arc<str>>,
    /// The protocol version `initialize` settled on.
    pub version: ProtocolVersion,
    /// The `capabilities` the client declared in `initialize`.
    pub capabilities: Option<Value>,
    /// The minimum level of log notifications (`logging/setLevel`).
    pub log_level: LogLevel,
}

impl SessionRecord {
    /// A record of session `id`.
    pub fn new(
        id: Arc<str>,
        owner: Option<Arc<str>>,
        version: ProtocolVersion,
        capabilities: Option<Value>,
        log_level: LogLevel,
    ) -> Self {
        Self {
            id,
            owner,
            version,
            capabilities,
            log_level,
        }
    }

    /// The record as JSON bytes, the form a shared store keeps.
    ///
    /// ```
    /// use mcp_tools::{LogLevel, ProtocolVersion};
    /// use mcp_transport_http::session_store::SessionRecord;
    ///
    /// let record = SessionRecord::new(
    ///     "a1b2".into(),
    ///     Some("alice".into()),
    ///     ProtocolVersion::V2025_06_18,
    ///     Some(serde_json::json!({"elicitation": {}})),
    ///     LogLevel::Warning,
    /// );
    /// let bytes = record.to_bytes();
    /// assert_eq!(SessionRecord::from_bytes(&bytes).unwrap(), record);
    /// assert!(SessionRecord::from_bytes(b"[]").is_err());
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        json!({
            "id": &*self.id,
            "owner": self.owner.as_deref(),
            "version": self.version.as_str(),
            "capabilities": self.capabilities,
            "logLevel": self.log_level,
        })
        .to_string()
        .into_bytes()
    }

    /// Reads a record written by [`to_bytes`](Self::to_bytes).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, SessionStoreError> {
        let corrupt = |what: &str| {
            SessionStoreError::new(format!(
                "a stored session record has no valid {what}; it was not written by \
                 SessionRecord::to_bytes"
            ))
        };
        let value: Value = serde_json::from_slice(bytes).map_err(|_| corrupt("JSON"))?;
        let id = value
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| corrupt("id"))?;
        let owner = match value.get("owner") {
            None | Some(Value::Null) => None,
            Some(Value::String(owner)) => Some(Arc::from(owner.as_str())),
            Some(_) => return Err(corrupt("owner")),
        };
        let version = value
            .get("version")
            .and_then(Value::as_str)
            .and_then(|v| v.parse().ok())
            .ok_or_else(|| corrupt("version"))?;
        let log_level = value
            .get("logLevel")
            .and_then(|l| serde_json::from_value(l.clone()).ok())
            .ok_or_else(|| corrupt("logLevel"))?;
        Ok(Self {
            id: Arc::from(id),
            owner,
            version,
            capabilities: value.get("capabilities").filter(|c| !c.is_null()).cloned(),
            log_level,
        })
    }
}

/// A failure of the session store (a lost connection to a shared store, say).
///
/// The transport answers the request with 503: the session is not known to
/// be alive or ended, so the client should retry shortly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionStoreError {
    message: String,
}

impl SessionStoreError {
    /// An error with this message (lowercase, no trailing period).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }
}

impl fmt::Display for SessionStoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SessionStoreError {}

/// Keeps sessions where every replica finds them.
///
/// `idle` is the transport's [session idle timeout](crate::McpServiceBuilder::session_idle_timeout):
/// a store forgets a session nobody used for that long, and each `load`
/// starts that time again.
pub trait SessionStore: Send + Sync + 'static {
    /// Stores a new session.
    fn create<'a>(
        &'a self,
        record: &'a SessionRecord,
        idle: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>>;

    /// The session `id` if it is alive, its idle expiry renewed; `None` when
    /// it never existed, expired or was ended.
    fn load<'a>(
        &'a self,
        id: &'a str,
        idle: Duration,
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, SessionStoreError>>;

    /// Replaces the record of a live session (its log level changed); does
    /// nothing when the session is gone.
    fn update<'a>(
        &'a self,
        record: &'a SessionRecord,
        idle: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>>;

    /// Ends the session `id`: no replica serves it afterwards. `false` when
    /// there was none.
    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, SessionStoreError>>;
}

/// A shared store: keep an `Arc` to look at it while the service uses it.
impl<T: SessionStore> SessionStore for Arc<T> {
    fn create<'a>(
        &'a self,
        record: &'a SessionRecord,
        idle: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        (**self).create(record, idle)
    }

    fn load<'a>(
        &'a self,
        id: &'a str,
        idle: Duration,
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, SessionStoreError>> {
        (**self).load(id, idle)
    }

    fn update<'a>(
        &'a self,
        record: &'a SessionRecord,
        idle: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        (**self).update(record, idle)
    }

    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, SessionStoreError>> {
        (**self).remove(id)
    }
}
