//! Resumable SSE streams of a session: every event gets an id from the
//! [`EventStore`], a 2025-11-25 stream opens with a priming event (an id, a
//! `retry:` field, no data), a POST stream may be closed early so that the
//! client polls, and `GET` with `Last-Event-ID` replays what the client
//! missed, then goes on live while the call runs.
//!
//! A resumable POST stream does not live in its response body: a task (the
//! pump) drives the call, stores each event, then writes it to whichever
//! connection reads the stream now. A dropped connection loses nothing; a
//! resuming one replaces it.

use std::collections::HashMap;
use std::future::{Future, pending};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use bytes::{BufMut, Bytes, BytesMut};
use futures::FutureExt;
use futures::future::ready;
use http::{Response, StatusCode};
use mcp_tools::ProtocolVersion;
use mcp_tools::transport::jsonrpc::ErrorObject;
use tokio::sync::mpsc;

use crate::body::{CallFuture, McpBody, SseStream, sse_data, sse_event};
use crate::config::McpServiceBuilder;
use crate::event_store::{EventId, EventStore, MemoryEventStore, StoredEvent, StreamKey};
use crate::response::{json_outcome, rpc_error, sse_response};
use crate::session::Session;

/// The first protocol revision whose clients expect a priming event and may
/// be made to poll.
const POLLING_SINCE: ProtocolVersion = ProtocolVersion::V2025_11_25;

impl McpServiceBuilder {
    /// Where the events of sessions' SSE streams are kept for `Last-Event-ID`
    /// replay (default: a [`MemoryEventStore`] with its default bounds). Used
    /// only with [`sessions`](Self::sessions).
    ///
    /// ```
    /// use mcp_transport_http::McpService;
    /// use mcp_transport_http::event_store::MemoryEventStore;
    /// # let server = mcp_tools::Server::builder("demo", "1.0.0").build().unwrap();
    /// let service = McpService::builder(server)
    ///     .sessions(true)
    ///     .event_store(MemoryEventStore::new().max_bytes(4 << 20))
    ///     .build();
    /// # let _ = service;
    /// ```
    pub fn event_store(mut self, store: impl EventStore) -> Self {
        self.event_store = Some(Arc::new(store));
        self
    }

    /// The reconnection delay sent in the `retry:` field of a 2025-11-25
    /// stream's priming event (default 1 s): how long a client waits before
    /// it resumes a stream the server closed.
    pub fn sse_retry(mut self, delay: Duration) -> Self {
        self.sse_retry = delay;
        self
    }

    /// Makes 2025-11-25 clients poll: a call still running `after` this long
    /// has its POST SSE stream closed (after the priming event with its id and
    /// `retry:`), and the client fetches the rest with `GET` and
    /// `Last-Event-ID`. A call that has not answered by then is switched to
    /// SSE to do so. Off by default: streams stay open until the result.
    /// Older clients are never made to poll.
    pub fn close_sse_after(mut self, after: Duration) -> Self {
        self.sse_close_after = Some(after);
        self
    }
}

/// Resumable streams of every session of one endpoint.
pub(crate) struct Resumption {
    store: Arc<dyn EventStore>,
    retry: Duration,
    close_after: Option<Duration>,
    /// Streams whose call still runs, by session and stream.
    live: Mutex<HashMap<StreamKey, Arc<LiveStream>>>,
}

/// A running stream and the connection that reads it now, if any.
struct LiveStream {
    key: StreamKey,
    /// Locked across the store's `append` and `replay_after`, so that an
    /// event is either replayed to a resuming connection or sent to it live,
    /// never both, never neither.
    reader: tokio::sync::Mutex<Option<mpsc::UnboundedSender<Bytes>>>,
    /// Whether a `GET` took the stream over (the polling window no longer applies).
    resumed: AtomicBool,
}

/// What a `GET` with `Last-Event-ID` turned out to resume.
pub(crate) enum Resumed {
    /// A POST stream: its replay, then its live events if it still runs.
    Request(Response<McpBody>),
    /// The session's `GET` stream: its replayed events, to put first on the
    /// stream that replaces it.
    Standalone(Vec<Bytes>),
}

impl Resumption {
    pub(crate) fn new(b: &McpServiceBuilder) -> Option<Arc<Self>> {
        if !b.sessions {
            return None;
        }
        let store = b
            .event_store
            .clone()
            .unwrap_or_else(|| Arc::new(MemoryEventStore::new()));
        Some(Arc::new(Self {
            store,
            retry: b.sse_retry,
            close_after: b.sse_close_after,
            live: Mutex::default(),
        }))
    }

    /// The polling window for a client speaking `version`, if it is made to poll.
    fn polling_window(&self, version: ProtocolVersion) -> Option<Duration> {
        self.close_after.filter(|_| polls(version))
    }

    /// Answers a request of `session` whose client accepts SSE: a resumable
    /// stream when `sse` (the mode or the client's `Accept` asks for one);
    /// otherwise JSON, unless a message goes out before the result or the
    /// polling window ends first.
    pub(crate) async fn answer<F>(
        self: &Arc<Self>,
        session: &Session,
        version: ProtocolVersion,
        mut events: mpsc::UnboundedReceiver<Bytes>,
        call: F,
        sse: bool,
    ) -> Response<McpBody>
    where
        F: Future<Output = Option<(StatusCode, Vec<u8>)>> + Send + 'static,
    {
        let framed = |out: Option<(StatusCode, Vec<u8>)>| out.map(|(_, bytes)| sse_event(&bytes));
        let window = self.polling_window(version);
        if sse {
            let call: CallFuture = call.map(framed).boxed();
            return self
                .open_request(session, version, events, call, None, window)
                .await;
        }
        let started = Instant::now();
        let left = move || window.map(|w| w.saturating_sub(started.elapsed()));
        let mut call = call.boxed();
        let deadline = async move {
            match window {
                Some(after) => tokio::time::sleep(after).await,
                None => pending().await,
            }
        };
        tokio::select! {
            biased;
            out = &mut call => match events.try_recv() {
                // Messages sent in the same poll as the result still go first.
                Ok(first) => {
                    let call: CallFuture = ready(framed(out)).boxed();
                    self.open_request(session, version, events, call, Some(first), left())
                        .await
                }
                Err(_) => json_outcome(out),
            },
            Some(first) = events.recv() => {
                let call: CallFuture = call.map(framed).boxed();
                self.open_request(session, version, events, call, Some(first), left())
                    .await
            }
            () = deadline => {
                let call: CallFuture = call.map(framed).boxed();
                self.open_request(session, version, events, call, None, Some(Duration::ZERO))
                    .await
            }
        }
    }

    /// Answers a request of `session` with a resumable SSE stream: `events`
    /// are the call's messages (SSE-framed, as the peer sends them), `call`
    /// gives the final one, `head` went out of `events` already.
    pub(crate) async fn open_request(
        self: &Arc<Self>,
        session: &Session,
        version: ProtocolVersion,
        events: mpsc::UnboundedReceiver<Bytes>,
        call: CallFuture,
        head: Option<Bytes>,
        close_after: Option<Duration>,
    ) -> Response<McpBody> {
        let key = StreamKey {
            session: session.id.clone(),
            stream: Arc::from(format!("r{}", crate::random_token(8))),
        };
        let (tx, rx) = mpsc::unbounded_channel();
        if polls(version) {
            self.prime(&key, &tx).await;
        }
        // A window already over: the priming event, then the client polls.
        let closed = close_after == Some(Duration::ZERO);
        let live = Arc::new(LiveStream {
            key: key.clone(),
            reader: tokio::sync::Mutex::new((!closed).then_some(tx)),
            resumed: AtomicBool::new(false),
        });
        let close_after = close_after.filter(|_| !closed);
        self.lock().insert(key, live.clone());
        tokio::spawn(self.clone().pump(live, events, call, head, close_after));
        sse_response(SseStream::standalone(rx))
    }

    /// Opens the session's `GET` stream: a priming event for polling clients.
    pub(crate) async fn open_standalone(
        &self,
        session: &Session,
        tx: &mpsc::UnboundedSender<Bytes>,
    ) {
        if polls(session.version) {
            let key = StreamKey {
                session: session.id.clone(),
                stream: Arc::from(format!("g{}", crate::random_token(8))),
            };
            self.prime(&key, tx).await;
        }
    }

    /// Resumes the stream of `session` that `last_event_id` names.
    pub(crate) async fn resume(
        &self,
        session: &Session,
        last_event_id: &str,
    ) -> Result<Resumed, Box<Response<McpBody>>> {
        let after: EventId = last_event_id.parse().map_err(|e| {
            Box::new(rpc_error(
                StatusCode::BAD_REQUEST,
                None,
                ErrorObject::invalid_request(format_args!("Last-Event-ID: {e}")),
            ))
        })?;
        let key = StreamKey {
            session: session.id.clone(),
            stream: after.stream.clone(),
        };
        let live = self.lock().get(&key).cloned();
        let mut reader = match &live {
            Some(live) => Some(live.reader.lock().await),
            None => None,
        };
        let events = match self.store.replay_after(&session.id, &after).await {
            Ok(Some(events)) => events,
            Ok(None) => {
                return Err(Box::new(rpc_error(
                    StatusCode::BAD_REQUEST,
                    None,
                    ErrorObject::invalid_request(format_args!(
                        "Last-Event-ID {last_event_id:?} names no stream of this session that \
                         can be resumed (unknown, from another session, or expired); send GET \
                         without Last-Event-ID to open a new stream"
                    )),
                )));
            }
            Err(e) => {
                tracing::warn!(error = %e, "the event store failed to replay a stream");
                return Err(Box::new(rpc_error(
                    StatusCode::SERVICE_UNAVAILABLE,
                    None,
                    ErrorObject::internal(format_args!("the stream cannot be replayed now: {e}")),
                )));
            }
        };
        let frames: Vec<Bytes> = events.iter().map(stored_frame).collect();
        if after.stream.starts_with('g') {
            return Ok(Resumed::Standalone(frames));
        }
        let (tx, rx) = mpsc::unbounded_channel();
        for frame in frames {
            let _ = tx.send(frame);
        }
        if let Some(reader) = reader.as_mut() {
            // The connection that read the stream until now is done.
            **reader = Some(tx);
            if let Some(live) = &live {
                live.resumed.store(true, Ordering::Relaxed);
            }
        }
        Ok(Resumed::Request(sse_response(SseStream::standalone(rx))))
    }

    /// Forgets the session's stored streams (the session ended).
    pub(crate) async fn end_session(&self, session: &str) {
        if let Err(e) = self.store.remove_session(session).await {
            tracing::warn!(error = %e, "the event store failed to forget an ended session");
        }
    }

    /// Closes every connection reading a live stream (at shutdown); the calls
    /// still finish and store their results.
    pub(crate) fn close_all(&self) {
        let live: Vec<_> = self.lock().values().cloned().collect();
        for stream in live {
            if let Ok(mut reader) = stream.reader.try_lock() {
                reader.take();
            }
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<StreamKey, Arc<LiveStream>>> {
        self.live.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stores and sends the priming event of a new stream.
    async fn prime(&self, key: &StreamKey, tx: &mpsc::UnboundedSender<Bytes>) {
        match self.store.append(key, Bytes::new()).await {
            Ok(id) => {
                let _ = tx.send(priming_frame(&id, self.retry));
            }
            Err(e) => {
                tracing::warn!(error = %e, "the event store failed; the stream is not resumable")
            }
        }
    }

    /// Drives a resumable stream's call to its end, storing and forwarding
    /// every event.
    async fn pump(
        self: Arc<Self>,
        live: Arc<LiveStream>,
        mut events: mpsc::UnboundedReceiver<Bytes>,
        mut call: CallFuture,
        head: Option<Bytes>,
        close_after: Option<Duration>,
    ) {
        if let Some(head) = head {
            self.emit(&live, head).await;
        }
        let deadline = async move {
            match close_after {
                Some(after) => tokio::time::sleep(after).await,
                None => pending().await,
            }
        };
        tokio::pin!(deadline);
        let mut armed = close_after.is_some();
        let last = loop {
            tokio::select! {
                biased;
                Some(event) = events.recv() => self.emit(&live, event).await,
                last = &mut call => break last,
                () = &mut deadline, if armed => {
                    armed = false;
                    // The opening connection has had its window; the client polls.
                    let mut reader = live.reader.lock().await;
                    if !live.resumed.load(Ordering::Relaxed) {
                        reader.take();
                    }
                }
            }
        };
        // Events sent just before the result go first.
        while let Ok(event) = events.try_recv() {
            self.emit(&live, event).await;
        }
        if let Some(last) = last {
            self.emit(&live, last).await;
        }
        self.lock().remove(&live.key);
        live.reader.lock().await.take();
    }

    /// Stores one event and sends it, with its id, to the current reader.
    async fn emit(&self, live: &LiveStream, framed: Bytes) {
        let message = sse_data(&framed);
        let mut reader = live.reader.lock().await;
        let frame = match self.store.append(&live.key, message.clone()).await {
            Ok(id) => event_frame(&id, &message),
            Err(e) => {
                tracing::warn!(error = %e, "the event store failed; this event cannot be replayed");
                framed
            }
        };
        if reader.as_ref().is_some_and(|tx| tx.send(frame).is_err()) {
            *reader = None;
        }
    }
}

/// Whether clients of `version` get priming events and may be made to poll.
fn polls(version: ProtocolVersion) -> bool {
    version >= POLLING_SINCE && !version.is_stateless()
}

/// `id: <id>` `retry: <ms>` and empty data: the event that opens a stream.
fn priming_frame(id: &EventId, retry: Duration) -> Bytes {
    let retry = retry.as_millis();
    Bytes::from(format!("id: {id}\nretry: {retry}\ndata: \n\n"))
}

/// One message event with its id.
fn event_frame(id: &EventId, message: &[u8]) -> Bytes {
    let id = id.to_string();
    let mut out = BytesMut::with_capacity(message.len() + id.len() + 32);
    out.put_slice(b"id: ");
    out.put_slice(id.as_bytes());
    out.put_slice(b"\nevent: message\ndata: ");
    out.put_slice(message);
    out.put_slice(b"\n\n");
    out.freeze()
}

/// A replayed event as sent the first time.
fn stored_frame(event: &StoredEvent) -> Bytes {
    if event.message.is_empty() {
        Bytes::from(format!("id: {}\ndata: \n\n", event.id))
    } else {
        event_frame(&event.id, &event.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_carry_the_id_and_the_message() {
        let id: EventId = "rab12.3".parse().unwrap();
        let framed = sse_event(br#"{"jsonrpc":"2.0"}"#);
        assert_eq!(&sse_data(&framed)[..], br#"{"jsonrpc":"2.0"}"#);
        assert_eq!(
            &event_frame(&id, &sse_data(&framed))[..],
            b"id: rab12.3\nevent: message\ndata: {\"jsonrpc\":\"2.0\"}\n\n"
        );
        assert_eq!(
            &priming_frame(&id, Duration::from_millis(250))[..],
            b"id: rab12.3\nretry: 250\ndata: \n\n"
        );
    }

    #[test]
    fn only_2025_11_25_clients_poll() {
        assert!(!polls(ProtocolVersion::V2025_03_26));
        assert!(!polls(ProtocolVersion::V2025_06_18));
        assert!(polls(ProtocolVersion::V2025_11_25));
        assert!(!polls(ProtocolVersion::V2026_07_28));
    }

    /// Resident memory of this process, in bytes (Linux).
    fn rss() -> usize {
        let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
        let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
        pages * 4096
    }

    /// The figures quoted in the report; run with
    /// `cargo test -p mcp-transport-http --lib memory_figures -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check"]
    fn memory_figures() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let resumption = Arc::new(Resumption {
            store: Arc::new(MemoryEventStore::new()),
            retry: Duration::from_secs(1),
            close_after: None,
            live: Mutex::default(),
        });
        let key = StreamKey {
            session: Arc::from("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
            stream: Arc::from("r0123456789abcdef"),
        };
        let live = Arc::new(LiveStream {
            key: key.clone(),
            reader: tokio::sync::Mutex::new(None),
            resumed: AtomicBool::new(false),
        });
        let (_tx, rx) = mpsc::unbounded_channel::<Bytes>();
        let call: CallFuture = ready(None).boxed();
        let pump = resumption.clone().pump(live, rx, call, None, None);
        println!(
            "LiveStream {} B (+ Arc header 16), registry entry {} B, pump future {} B, \
             channel slot {} B x 32 per block",
            std::mem::size_of::<LiveStream>(),
            std::mem::size_of::<(StreamKey, Arc<LiveStream>)>(),
            std::mem::size_of_val(&pump),
            std::mem::size_of::<Bytes>(),
        );
        drop(pump);

        // Open streams: the task, its channels and its registry entry, no call.
        const STREAMS: usize = 20_000;
        let before = rss();
        let keep: Vec<_> = runtime.block_on(async {
            let mut keep = Vec::new();
            for n in 0..STREAMS {
                let key = StreamKey {
                    session: key.session.clone(),
                    stream: Arc::from(format!("r{n:016x}")),
                };
                let (tx, rx) = mpsc::unbounded_channel();
                let (events_tx, events) = mpsc::unbounded_channel::<Bytes>();
                let live = Arc::new(LiveStream {
                    key: key.clone(),
                    reader: tokio::sync::Mutex::new(Some(tx)),
                    resumed: AtomicBool::new(false),
                });
                resumption.lock().insert(key, live.clone());
                let call: CallFuture = pending().boxed();
                let pump = tokio::spawn(resumption.clone().pump(live, events, call, None, None));
                keep.push((rx, events_tx, pump));
            }
            tokio::task::yield_now().await;
            keep
        });
        let per_stream = (rss() - before) / STREAMS;
        println!("per open resumable stream (no call, no connection): {per_stream} B");
        drop(keep);

        // Stored events of a typical size (a progress notification).
        let store = MemoryEventStore::new()
            .max_bytes(usize::MAX)
            .max_events_per_stream(usize::MAX);
        let message = br#"{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":"p","progress":1,"total":3,"message":"working"}}"#;
        const EVENTS: usize = 200_000;
        let before = rss();
        for n in 0..EVENTS {
            let framed = crate::body::sse_event(message);
            let stream = StreamKey {
                session: key.session.clone(),
                stream: Arc::from(format!("r{:016x}", n / 100)),
            };
            store.append_now_for_test(&stream, sse_data(&framed));
        }
        let used = rss() - before;
        let stats = store.stats();
        println!(
            "{} B message: {} B resident per stored event (100 per stream), {} B accounted",
            message.len(),
            used / EVENTS,
            stats.bytes / stats.events,
        );
    }
}
