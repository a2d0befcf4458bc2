//! The events of resumable SSE streams, shared by replicas (feature `http`).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use mcp_transport_http::event_store::{
    EventId, EventStore, EventStoreError, StoredEvent, StreamKey,
};
use redis::Script;

use crate::connection::{Failure, Redis, ScriptCall};

/// Stores the next event of a stream.
///
/// KEYS: the stream's counter, its events (a sorted set scored by sequence
/// number), the session's set of stream ids.
/// ARGV: the stream id, the message, the per-stream bound, the TTL in ms.
/// Returns the event's sequence number (from 0).
const APPEND: &str = r"
local seq = redis.call('INCR', KEYS[1]) - 1
redis.call('ZADD', KEYS[2], seq, seq .. ':' .. ARGV[2])
local bound = tonumber(ARGV[3])
local kept = redis.call('ZCARD', KEYS[2])
if kept > bound then
    redis.call('ZREMRANGEBYRANK', KEYS[2], 0, kept - bound - 1)
end
redis.call('SADD', KEYS[3], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
return seq
";

/// The events of a stream after a sequence number, or `false` when the
/// stream is not kept. Reading a stream keeps it alive, as writing does.
///
/// KEYS: the stream's counter, its events, the session's set of streams.
/// ARGV: the sequence number after which to read, the TTL in ms.
const REPLAY: &str = r"
if redis.call('EXISTS', KEYS[1]) == 0 then
    return false
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[3], ARGV[2])
end
return redis.call('ZRANGEBYSCORE', KEYS[2], '(' .. ARGV[1], '+inf')
";

/// Forgets every stream of a session.
///
/// KEYS: the session's set of streams. ARGV: the prefix of its streams' keys.
const REMOVE_SESSION: &str = r"
local streams = redis.call('SMEMBERS', KEYS[1])
for _, stream in ipairs(streams) do
    redis.call('DEL', ARGV[1] .. stream .. ':n', ARGV[1] .. stream .. ':e')
end
redis.call('DEL', KEYS[1])
return #streams
";

/// An [`EventStore`] in Redis: an SSE stream whose connection dropped on one
/// replica can be resumed with `Last-Event-ID` on any replica that knows the
/// session.
///
/// Each stream keeps a counter (`<prefix>sse:{<session>}:<stream>:n`, whose
/// `INCR` numbers the events) and a sorted set of its events scored by their
/// number (`…:e`); each session keeps the set of its streams
/// (`<prefix>sse:{<session>}`), so that ending the session forgets them all.
/// One Lua script appends an event, trims the stream to its bound and renews
/// the expiry, with no other command in between. The keys of one session
/// share a hash tag.
///
/// Bounded like the [`MemoryEventStore`](mcp_transport_http::event_store::MemoryEventStore):
/// at most [`max_events_per_stream`](Self::max_events_per_stream) events per
/// stream (the oldest go first), and a stream unwritten and unread for
/// [`ttl`](Self::ttl) expires. There is no overall byte bound in the store:
/// Redis's `maxmemory` is that bound, and the per-stream bound and the TTL
/// keep the total to the streams active in the last TTL.
///
/// A stream is only ever found through the session that wrote it: its keys
/// contain the session id, so an event id sent back in another session names
/// nothing.
///
/// ```no_run
/// # async fn start() -> Result<(), Box<dyn std::error::Error>> {
/// use std::time::Duration;
/// use mcp_transport_http::McpService;
/// use mcp_tools_redis::RedisEventStore;
///
/// let redis = mcp_tools_redis::connect("redis://127.0.0.1:6379/").await?;
/// # let server = mcp_tools::Server::builder("crm", "1.0.0").build()?;
/// let service = McpService::builder(server)
///     .sessions(true)
///     .event_store(RedisEventStore::new(&redis).ttl(Duration::from_secs(120)))
///     .build();
/// # let _ = service;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct RedisEventStore {
    redis: Redis,
    per_stream: u64,
    ttl: Duration,
    scripts: Arc<Scripts>,
}

struct Scripts {
    append: Script,
    replay: Script,
    remove_session: Script,
}

impl RedisEventStore {
    /// Events kept per stream unless configured (as in memory).
    pub const DEFAULT_MAX_EVENTS_PER_STREAM: u64 = 1024;
    /// How long an unused stream is kept unless configured: 5 minutes (as in memory).
    pub const DEFAULT_TTL: Duration = Duration::from_secs(300);

    /// A store writing through `redis`, with the default bounds.
    pub fn new(redis: &Redis) -> Self {
        Self {
            redis: redis.clone(),
            per_stream: Self::DEFAULT_MAX_EVENTS_PER_STREAM,
            ttl: Self::DEFAULT_TTL,
            scripts: Arc::new(Scripts {
                append: Script::new(APPEND),
                replay: Script::new(REPLAY),
                remove_session: Script::new(REMOVE_SESSION),
            }),
        }
    }

    /// At most this many events per stream (at least 1); older ones are dropped.
    pub fn max_events_per_stream(mut self, events: u64) -> Self {
        self.per_stream = events.max(1);
        self
    }

    /// How long a stream nobody writes or resumes is kept (at least 1 ms).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl.max(Duration::from_millis(1));
        self
    }

    fn ttl_ms(&self) -> u64 {
        u64::try_from(self.ttl.as_millis()).unwrap_or(u64::MAX)
    }

    fn session_key(&self, session: &str) -> String {
        self.redis.key(format_args!("sse:{{{session}}}"))
    }

    /// The prefix of the keys of one stream of `session`.
    fn stream_prefix(&self, session: &str) -> String {
        self.redis.key(format_args!("sse:{{{session}}}:"))
    }

    async fn append_event(
        &self,
        key: &StreamKey,
        message: Bytes,
    ) -> Result<EventId, EventStoreError> {
        let base = format!("{}{}", self.stream_prefix(&key.session), key.stream);
        let mut append = ScriptCall::new(&self.scripts.append, 3);
        append
            .arg(format!("{base}:n"))
            .arg(format!("{base}:e"))
            .arg(self.session_key(&key.session))
            .arg(&*key.stream)
            .arg(message.as_ref())
            .arg(self.per_stream)
            .arg(self.ttl_ms());
        let seq: u64 = self
            .redis
            .run(&append)
            .await
            .map_err(|f| self.failed("store an event", &f))?;
        Ok(EventId {
            stream: key.stream.clone(),
            seq,
        })
    }

    async fn replay(
        &self,
        session: &str,
        after: &EventId,
    ) -> Result<Option<Vec<StoredEvent>>, EventStoreError> {
        let base = format!("{}{}", self.stream_prefix(session), after.stream);
        let mut replay = ScriptCall::new(&self.scripts.replay, 3);
        replay
            .arg(format!("{base}:n"))
            .arg(format!("{base}:e"))
            .arg(self.session_key(session))
            .arg(after.seq)
            .arg(self.ttl_ms());
        let members: Option<Vec<Vec<u8>>> = self
            .redis
            .run(&replay)
            .await
            .map_err(|f| self.failed("replay a stream", &f))?;
        let Some(members) = members else {
            return Ok(None);
        };
        members
            .into_iter()
            .map(|member| decode(&after.stream, &member))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    async fn forget(&self, session: &str) -> Result<(), EventStoreError> {
        let mut remove = ScriptCall::new(&self.scripts.remove_session, 1);
        remove
            .arg(self.session_key(session))
            .arg(self.stream_prefix(session));
        self.redis
            .run::<u64>(&remove)
            .await
            .map(|_| ())
            .map_err(|f| self.failed("forget a session's streams", &f))
    }

    fn failed(&self, what: &str, failure: &Failure) -> EventStoreError {
        tracing::warn!(redis = self.redis.address(), error = %failure, "cannot {what}");
        EventStoreError::new(format!(
            "cannot {what}: the shared event store (Redis) {}",
            failure.reason()
        ))
    }
}

/// One member of a stream's sorted set: `<seq>:<message>`.
fn decode(stream: &Arc<str>, member: &[u8]) -> Result<StoredEvent, EventStoreError> {
    let corrupt = || {
        EventStoreError::new(format!(
            "a stored event of stream {stream} is not `<number>:<message>`; the Redis keys \
             under this prefix were written by something else"
        ))
    };
    let colon = member.iter().position(|&b| b == b':').ok_or_else(corrupt)?;
    let seq = std::str::from_utf8(&member[..colon])
        .ok()
        .and_then(|s| s.parse().ok())
        .ok_or_else(corrupt)?;
    Ok(StoredEvent {
        id: EventId {
            stream: stream.clone(),
            seq,
        },
        message: Bytes::copy_from_slice(&member[colon + 1..]),
    })
}

impl fmt::Debug for RedisEventStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisEventStore")
            .field("redis", &self.redis)
            .field("max_events_per_stream", &self.per_stream)
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl EventStore for RedisEventStore {
    fn append<'a>(
        &'a self,
        stream: &'a StreamKey,
        message: Bytes,
    ) -> BoxFuture<'a, Result<EventId, EventStoreError>> {
        Box::pin(self.append_event(stream, message))
    }

    fn replay_after<'a>(
        &'a self,
        session: &'a str,
        after: &'a EventId,
    ) -> BoxFuture<'a, Result<Option<Vec<StoredEvent>>, EventStoreError>> {
        Box::pin(self.replay(session, after))
    }

    fn remove_session<'a>(
        &'a self,
        session: &'a str,
    ) -> BoxFuture<'a, Result<(), EventStoreError>> {
        Box::pin(self.forget(session))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_decode_to_their_number_and_message() {
        let stream: Arc<str> = Arc::from("r1");
        let event = decode(&stream, b"12:{\"a\":\"b:c\"}").unwrap();
        assert_eq!(event.id.seq, 12);
        assert_eq!(&event.message[..], b"{\"a\":\"b:c\"}");
        let priming = decode(&stream, b"0:").unwrap();
        assert!(priming.message.is_empty());
        assert!(decode(&stream, b"no colon").is_err());
        assert!(decode(&stream, b"x:{}").is_err());
    }
}
