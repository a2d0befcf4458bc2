//! Sessions (up to 2025-11-25) shared by replicas (feature `http`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use mcp_transport_http::session_store::{SessionRecord, SessionStore, SessionStoreError};
use redis::Script;

use crate::connection::{Failure, Redis, ScriptCall};

/// Reads a session and starts its idle time again, in one step.
///
/// KEYS: the session's key. ARGV: the idle timeout in ms.
/// Returns the record, or `false` when the session is gone.
const LOAD: &str = r"
local record = redis.call('GET', KEYS[1])
if record then
    redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return record
";

/// A [`SessionStore`] in Redis: a session opened on one replica is served by
/// every replica, and `DELETE` on any replica ends it on all of them for the
/// next request.
///
/// A session is one key, `<prefix>session:{<id>}`, holding its
/// [`SessionRecord`] as JSON (about 300 bytes with the client's
/// capabilities), expiring after the transport's session idle timeout. Every
/// request of the session reads it with one script that also renews that
/// expiry; `DELETE` deletes it. The session's id is random (32 characters)
/// and the record names the caller it is bound to, so a replica refuses the
/// session to anyone else, as the replica that opened it would.
///
/// ```no_run
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// use mcp_transport_http::McpService;
/// use mcp_tools_redis::{RedisEventStore, RedisSessionStore};
///
/// let redis = mcp_tools_redis::connect("redis://127.0.0.1:6379/").await?;
/// # let server = mcp_tools::Server::builder("crm", "1.0.0").build()?;
/// let service = McpService::builder(server)
///     .sessions(true)
///     .session_store(RedisSessionStore::new(&redis))
///     .event_store(RedisEventStore::new(&redis))
///     .build();
/// # let _ = service;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisSessionStore {
    redis: Redis,
    load: Arc<Script>,
}

impl RedisSessionStore {
    /// A store writing through `redis`.
    pub fn new(redis: &Redis) -> Self {
        Self {
            redis: redis.clone(),
            load: Arc::new(Script::new(LOAD)),
        }
    }

    fn key(&self, id: &str) -> String {
        self.redis.key(format_args!("session:{{{id}}}"))
    }

    fn failed(&self, what: &str, failure: &Failure) -> SessionStoreError {
        tracing::warn!(redis = self.redis.address(), error = %failure, "cannot {what}");
        SessionStoreError::new(format!(
            "cannot {what}: the shared session store (Redis) {}",
            failure.reason()
        ))
    }

    async fn write(
        &self,
        record: &SessionRecord,
        idle: Duration,
        only_if: Option<&str>,
    ) -> Result<(), SessionStoreError> {
        let mut set = redis::cmd("SET");
        set.arg(self.key(&record.id))
            .arg(record.to_bytes())
            .arg("PX")
            .arg(millis(idle));
        if let Some(condition) = only_if {
            set.arg(condition);
        }
        let what = if only_if.is_some() {
            "update a session"
        } else {
            "store a session"
        };
        self.redis
            .query::<Option<String>>(&set)
            .await
            .map(|_| ())
            .map_err(|f| self.failed(what, &f))
    }

    async fn read(
        &self,
        id: &str,
        idle: Duration,
    ) -> Result<Option<SessionRecord>, SessionStoreError> {
        let mut load = ScriptCall::new(&self.load, 1);
        load.arg(self.key(id)).arg(millis(idle));
        let record: Option<Vec<u8>> = self
            .redis
            .run(&load)
            .await
            .map_err(|f| self.failed("look up a session", &f))?;
        record
            .map(|bytes| SessionRecord::from_bytes(&bytes))
            .transpose()
    }

    async fn delete(&self, id: &str) -> Result<bool, SessionStoreError> {
        let mut del = redis::cmd("DEL");
        del.arg(self.key(id));
        self.redis
            .query::<u64>(&del)
            .await
            .map(|n| n > 0)
            .map_err(|f| self.failed("end a session", &f))
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl fmt::Debug for RedisSessionStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisSessionStore")
            .field("redis", &self.redis)
            .finish()
    }
}

impl SessionStore for RedisSessionStore {
    fn create<'a>(
        &'a self,
        record: &'a SessionRecord,
        idle: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        Box::pin(self.write(record, idle, None))
    }

    fn load<'a>(
        &'a self,
        id: &'a str,
        idle: Duration,
    ) -> BoxFuture<'a, Result<Option<SessionRecord>, SessionStoreError>> {
        Box::pin(self.read(id, idle))
    }

    fn update<'a>(
        &'a self,
        record: &'a SessionRecord,
        idle: Duration,
    ) -> BoxFuture<'a, Result<(), SessionStoreError>> {
        Box::pin(self.write(record, idle, Some("XX")))
    }

    fn remove<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<bool, SessionStoreError>> {
        Box::pin(self.delete(id))
    }
}
