//! The in-process event store, bounded per stream, overall and in time.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures::future::{BoxFuture, FutureExt, ready};

use super::{EventId, EventStore, EventStoreError, StoredEvent, StreamKey};

/// What one kept event costs besides its message: its slot in the stream's
/// queue (sequence number and buffer handle, 40 bytes) and the allocator's
/// share of the message's own buffer (measured: see `resume::tests::memory_figures`).
const EVENT_OVERHEAD: usize = std::mem::size_of::<(u64, Bytes)>() + 24;

/// What one kept stream costs besides its events: its map entry, its log and
/// its place in the eviction order (an estimate that errs high).
const STREAM_OVERHEAD: usize = 256;

/// Keeps streams' events in memory: the default [`EventStore`].
///
/// Bounded three ways: at most
/// [`max_events_per_stream`](Self::max_events_per_stream) events per stream
/// (the oldest go first), at most [`max_bytes`](Self::max_bytes) for all
/// streams together (the least recently written streams go first), and a
/// stream unwritten and unread for [`ttl`](Self::ttl) is forgotten.
///
/// ```
/// use std::time::Duration;
/// use mcp_transport_http::McpService;
/// use mcp_transport_http::event_store::MemoryEventStore;
/// # let server = mcp_tools::Server::builder("demo", "1.0.0").build().unwrap();
///
/// let store = MemoryEventStore::new()
///     .max_events_per_stream(256)
///     .max_bytes(8 << 20)
///     .ttl(Duration::from_secs(120));
/// let service = McpService::builder(server).sessions(true).event_store(store).build();
/// # let _ = service;
/// ```
pub struct MemoryEventStore {
    per_stream: usize,
    max_bytes: usize,
    ttl: Duration,
    inner: Mutex<Inner>,
}

/// How much a [`MemoryEventStore`] holds now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemoryEventStoreStats {
    /// Streams kept.
    pub streams: usize,
    /// Events kept, over all streams.
    pub events: usize,
    /// Bytes accounted: messages plus the fixed cost of each event and stream.
    pub bytes: usize,
}

#[derive(Default)]
struct Inner {
    streams: HashMap<StreamKey, Log>,
    /// Streams by last use, oldest first.
    order: BTreeMap<u64, StreamKey>,
    tick: u64,
    bytes: usize,
}

struct Log {
    events: VecDeque<(u64, Bytes)>,
    next: u64,
    bytes: usize,
    tick: u64,
    touched: Instant,
}

impl std::fmt::Debug for MemoryEventStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryEventStore")
            .field("max_events_per_stream", &self.per_stream)
            .field("max_bytes", &self.max_bytes)
            .field("ttl", &self.ttl)
            .field("stats", &self.stats())
            .finish()
    }
}

impl Default for MemoryEventStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryEventStore {
    /// Events kept per stream unless configured.
    pub const DEFAULT_MAX_EVENTS_PER_STREAM: usize = 1024;
    /// Bytes kept for all streams together unless configured: 32 MiB.
    pub const DEFAULT_MAX_BYTES: usize = 32 << 20;
    /// How long an unused stream is kept unless configured: 5 minutes.
    pub const DEFAULT_TTL: Duration = Duration::from_secs(300);

    /// A store with the default bounds.
    pub fn new() -> Self {
        Self {
            per_stream: Self::DEFAULT_MAX_EVENTS_PER_STREAM,
            max_bytes: Self::DEFAULT_MAX_BYTES,
            ttl: Self::DEFAULT_TTL,
            inner: Mutex::default(),
        }
    }

    /// At most this many events per stream (at least 1); older ones are dropped.
    pub fn max_events_per_stream(mut self, events: usize) -> Self {
        self.per_stream = events.max(1);
        self
    }

    /// At most this many bytes for all streams; the least recently used
    /// streams are dropped first.
    pub fn max_bytes(mut self, bytes: usize) -> Self {
        self.max_bytes = bytes;
        self
    }

    /// How long a stream nobody writes or resumes is kept.
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// What the store holds now.
    pub fn stats(&self) -> MemoryEventStoreStats {
        let inner = self.lock();
        MemoryEventStoreStats {
            streams: inner.streams.len(),
            events: inner.streams.values().map(|l| l.events.len()).sum(),
            bytes: inner.bytes,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn append_now(&self, key: &StreamKey, message: Bytes, now: Instant) -> EventId {
        let mut inner = self.lock();
        inner.expire(now, self.ttl);
        inner.tick += 1;
        let tick = inner.tick;
        let per_stream = self.per_stream;
        let log = inner.streams.entry(key.clone()).or_insert_with(|| Log {
            events: VecDeque::new(),
            next: 0,
            bytes: STREAM_OVERHEAD + key.stream.len(),
            tick,
            touched: now,
        });
        let before = if log.events.is_empty() && log.next == 0 {
            0
        } else {
            log.bytes
        };
        let seq = log.next;
        // A buffer of its own: a slice would keep the whole SSE frame alive.
        let message = Bytes::copy_from_slice(&message);
        log.bytes += message.len() + EVENT_OVERHEAD;
        log.events.push_back((seq, message));
        log.next += 1;
        while log.events.len() > per_stream {
            if let Some((_, dropped)) = log.events.pop_front() {
                log.bytes -= dropped.len() + EVENT_OVERHEAD;
            }
        }
        log.touched = now;
        let old_tick = std::mem::replace(&mut log.tick, tick);
        let after = log.bytes;
        inner.order.remove(&old_tick);
        inner.order.insert(tick, key.clone());
        inner.bytes = inner.bytes - before + after;
        inner.evict(key, self.max_bytes);
        EventId {
            stream: key.stream.clone(),
            seq,
        }
    }

    fn replay_now(&self, session: &str, after: &EventId, now: Instant) -> Option<Vec<StoredEvent>> {
        let mut inner = self.lock();
        inner.expire(now, self.ttl);
        let key = StreamKey {
            session: Arc::from(session),
            stream: after.stream.clone(),
        };
        inner.tick += 1;
        let tick = inner.tick;
        let log = inner.streams.get_mut(&key)?;
        let events = log
            .events
            .iter()
            .filter(|(seq, _)| *seq > after.seq)
            .map(|(seq, message)| StoredEvent {
                id: EventId {
                    stream: key.stream.clone(),
                    seq: *seq,
                },
                message: message.clone(),
            })
            .collect();
        log.touched = now;
        let old_tick = std::mem::replace(&mut log.tick, tick);
        inner.order.remove(&old_tick);
        inner.order.insert(tick, key);
        Some(events)
    }
}

#[cfg(test)]
impl MemoryEventStore {
    /// `append` without a runtime, for measurements.
    pub(crate) fn append_now_for_test(&self, key: &StreamKey, message: Bytes) -> EventId {
        self.append_now(key, message, Instant::now())
    }
}

impl Inner {
    fn remove(&mut self, key: &StreamKey) {
        if let Some(log) = self.streams.remove(key) {
            self.order.remove(&log.tick);
            self.bytes -= log.bytes.min(self.bytes);
        }
    }

    /// Forgets the streams unused for longer than `ttl`, oldest first.
    fn expire(&mut self, now: Instant, ttl: Duration) {
        while let Some((_, key)) = self.order.first_key_value() {
            let stale = self
                .streams
                .get(key)
                .is_none_or(|log| now.saturating_duration_since(log.touched) > ttl);
            if !stale {
                break;
            }
            let key = key.clone();
            self.remove(&key);
        }
    }

    /// Drops the least recently used streams other than `keep` while over
    /// `max_bytes`; then the oldest events of `keep` itself.
    fn evict(&mut self, keep: &StreamKey, max_bytes: usize) {
        while self.bytes > max_bytes {
            let oldest = self.order.values().find(|k| *k != keep).cloned();
            match oldest {
                Some(key) => self.remove(&key),
                None => break,
            }
        }
        if self.bytes > max_bytes
            && let Some(log) = self.streams.get_mut(keep)
        {
            while self.bytes > max_bytes && log.events.len() > 1 {
                if let Some((_, dropped)) = log.events.pop_front() {
                    let freed = dropped.len() + EVENT_OVERHEAD;
                    log.bytes -= freed;
                    self.bytes -= freed;
                }
            }
        }
    }
}

impl EventStore for MemoryEventStore {
    fn append<'a>(
        &'a self,
        stream: &'a StreamKey,
        message: Bytes,
    ) -> BoxFuture<'a, Result<EventId, EventStoreError>> {
        ready(Ok(self.append_now(stream, message, Instant::now()))).boxed()
    }

    fn replay_after<'a>(
        &'a self,
        session: &'a str,
        after: &'a EventId,
    ) -> BoxFuture<'a, Result<Option<Vec<StoredEvent>>, EventStoreError>> {
        ready(Ok(self.replay_now(session, after, Instant::now()))).boxed()
    }

    fn remove_session<'a>(
        &'a self,
        session: &'a str,
    ) -> BoxFuture<'a, Result<(), EventStoreError>> {
        let mut inner = self.lock();
        let doomed: Vec<StreamKey> = inner
            .streams
            .keys()
            .filter(|k| &*k.session == session)
            .cloned()
            .collect();
        for key in &doomed {
            inner.remove(key);
        }
        ready(Ok(())).boxed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(session: &str, stream: &str) -> StreamKey {
        StreamKey {
            session: Arc::from(session),
            stream: Arc::from(stream),
        }
    }

    fn seqs(events: Option<Vec<StoredEvent>>) -> Vec<u64> {
        events.unwrap().iter().map(|e| e.id.seq).collect()
    }

    #[test]
    fn ids_count_per_stream_and_replay_is_per_session() {
        let store = MemoryEventStore::new();
        let now = Instant::now();
        let a = key("s1", "ra");
        let b = key("s1", "rb");
        assert_eq!(store.append_now(&a, Bytes::new(), now).seq, 0);
        assert_eq!(store.append_now(&a, Bytes::from_static(b"{}"), now).seq, 1);
        assert_eq!(store.append_now(&b, Bytes::from_static(b"{}"), now).seq, 0);
        assert_eq!(store.append_now(&a, Bytes::from_static(b"[]"), now).seq, 2);
        let after = EventId {
            stream: Arc::from("ra"),
            seq: 0,
        };
        let replay = store.replay_now("s1", &after, now).unwrap();
        assert_eq!(replay.len(), 2);
        assert_eq!(replay[1].message, Bytes::from_static(b"[]"));
        assert_eq!(replay[1].id.to_string(), "ra.2");
        // The same stream id in another session is nothing.
        assert!(store.replay_now("s2", &after, now).is_none());
        let unknown = EventId {
            stream: Arc::from("rz"),
            seq: 0,
        };
        assert!(store.replay_now("s1", &unknown, now).is_none());
    }

    #[test]
    fn streams_keep_their_last_events_only() {
        let store = MemoryEventStore::new().max_events_per_stream(3);
        let now = Instant::now();
        let a = key("s", "ra");
        for _ in 0..10 {
            store.append_now(&a, Bytes::from_static(b"{\"n\":1}"), now);
        }
        let first = EventId {
            stream: Arc::from("ra"),
            seq: 0,
        };
        assert_eq!(seqs(store.replay_now("s", &first, now)), [7, 8, 9]);
        let stats = store.stats();
        assert_eq!((stats.streams, stats.events), (1, 3));
        assert_eq!(
            stats.bytes,
            STREAM_OVERHEAD + 2 + 3 * (7 + EVENT_OVERHEAD),
            "the books match what is kept"
        );
    }

    #[test]
    fn over_the_byte_bound_the_least_recently_used_streams_go() {
        let message = Bytes::from(vec![b'x'; 1000]);
        let per_stream = STREAM_OVERHEAD + 2 + 1000 + EVENT_OVERHEAD;
        let store = MemoryEventStore::new().max_bytes(3 * per_stream);
        let now = Instant::now();
        let (a, b, c, d) = (
            key("s", "ra"),
            key("s", "rb"),
            key("s", "rc"),
            key("t", "rd"),
        );
        store.append_now(&a, message.clone(), now);
        store.append_now(&b, message.clone(), now);
        store.append_now(&c, message.clone(), now);
        // Reading `a` makes `b` the least recently used.
        let first = |s: &str| EventId {
            stream: Arc::from(s),
            seq: 0,
        };
        assert!(store.replay_now("s", &first("ra"), now).is_some());
        store.append_now(&d, message.clone(), now);
        assert!(store.replay_now("s", &first("rb"), now).is_none());
        assert!(store.replay_now("s", &first("ra"), now).is_some());
        assert!(store.replay_now("s", &first("rc"), now).is_some());
        assert!(store.replay_now("t", &first("rd"), now).is_some());
        assert!(store.stats().bytes <= 3 * per_stream);
        // One stream larger than the whole bound keeps only its newest event.
        let store = MemoryEventStore::new().max_bytes(per_stream);
        for _ in 0..5 {
            store.append_now(&a, message.clone(), now);
        }
        assert_eq!(store.stats().events, 1);
    }

    #[test]
    fn unused_streams_expire_and_ended_sessions_are_forgotten() {
        let ttl = Duration::from_secs(60);
        let store = MemoryEventStore::new().ttl(ttl);
        let start = Instant::now();
        let (a, b) = (key("s", "ra"), key("t", "rb"));
        store.append_now(&a, Bytes::new(), start);
        store.append_now(&b, Bytes::new(), start + ttl);
        let later = start + ttl + Duration::from_secs(1);
        let first = |s: &str| EventId {
            stream: Arc::from(s),
            seq: 0,
        };
        assert!(store.replay_now("s", &first("ra"), later).is_none());
        assert!(store.replay_now("t", &first("rb"), later).is_some());
        assert_eq!(store.stats().streams, 1);
        futures::executor::block_on(store.remove_session("t")).unwrap();
        assert_eq!(
            store.stats(),
            MemoryEventStoreStats {
                streams: 0,
                events: 0,
                bytes: 0
            }
        );
    }
}
