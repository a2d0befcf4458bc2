//! The response body: empty, one buffer, or an SSE stream that drives the call.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{BufMut, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;
use http_body_util::combinators::UnsyncBoxBody;
use mcp_tools::transport::Cancellation;
use tokio::sync::mpsc;

/// An error of a body that is not the transport's own (tower's alias).
pub use tower::BoxError;

/// A future producing the final SSE event of a stream (or nothing).
pub(crate) type CallFuture = Pin<Box<dyn Future<Output = Option<Bytes>> + Send>>;

/// The body of every response this transport sends.
///
/// `Data = Bytes`. Only the answer of a fallback service (see
/// `McpServiceBuilder::fallback`) can fail, with that service's body error;
/// the transport's own bodies never do. For an SSE answer the body owns the
/// running call: it is polled as the client reads, so no task is spawned per
/// request.
pub struct McpBody {
    kind: Kind,
    /// Whether the response's rate headers were written (see
    /// [`mark_rate_reported`](Self::mark_rate_reported)).
    rate_reported: bool,
}

enum Kind {
    Empty,
    Full(Option<Bytes>),
    Stream(Box<SseStream>),
    /// The answer of a fallback service.
    Other(UnsyncBoxBody<Bytes, BoxError>),
}

impl fmt::Debug for McpBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            Kind::Empty => f.write_str("McpBody::Empty"),
            Kind::Full(b) => f.debug_tuple("McpBody::Full").field(b).finish(),
            Kind::Stream(_) => f.write_str("McpBody::Stream"),
            Kind::Other(_) => f.write_str("McpBody::Other"),
        }
    }
}

impl McpBody {
    /// An empty body.
    pub fn empty() -> Self {
        Self::of(Kind::Empty)
    }

    fn of(kind: Kind) -> Self {
        Self {
            kind,
            rate_reported: false,
        }
    }

    /// Records that the response this body belongs to carries the rate
    /// headers, so that the service does not look for them in its header map
    /// (a hashed look-up of a custom name) to learn whether to read the
    /// budget again.
    pub(crate) fn mark_rate_reported(&mut self) {
        self.rate_reported = true;
    }

    /// Whether the body is a stream, whose call may still be running.
    pub(crate) fn is_stream(&self) -> bool {
        matches!(self.kind, Kind::Stream(_))
    }

    /// Whether [`mark_rate_reported`](Self::mark_rate_reported) was called.
    pub(crate) fn rate_reported(&self) -> bool {
        self.rate_reported
    }

    /// A body of one buffer.
    pub fn full(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        if bytes.is_empty() {
            return Self::empty();
        }
        Self::of(Kind::Full(Some(bytes)))
    }

    /// The body of a fallback service's answer.
    pub(crate) fn other<B>(body: B) -> Self
    where
        B: Body<Data = Bytes> + Send + 'static,
        B::Error: Into<BoxError>,
    {
        Self::of(Kind::Other(body.map_err(Into::into).boxed_unsync()))
    }

    pub(crate) fn stream(stream: SseStream) -> Self {
        Self::of(Kind::Stream(Box::new(stream)))
    }
}

impl Default for McpBody {
    fn default() -> Self {
        Self::empty()
    }
}

/// What happens to an unfinished call when the client goes away.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OnDisconnect {
    /// 2026-07-28: closing the stream cancels the request.
    Cancel,
    /// Up to 2025-11-25: a disconnect is not a cancellation; the call finishes
    /// in the background.
    Finish,
}

/// An SSE stream: queued events first, then the call's final event.
pub(crate) struct SseStream {
    head: Option<Bytes>,
    events: mpsc::UnboundedReceiver<Bytes>,
    events_open: bool,
    call: Option<CallFuture>,
    last: Option<Bytes>,
    finished: bool,
    standalone: bool,
    cancellation: Cancellation,
    on_disconnect: OnDisconnect,
}

impl SseStream {
    /// A stream for one request: `events` are the messages the call sends
    /// before `call` produces the final event.
    pub(crate) fn request(
        events: mpsc::UnboundedReceiver<Bytes>,
        call: CallFuture,
        cancellation: Cancellation,
        on_disconnect: OnDisconnect,
    ) -> Self {
        Self {
            head: None,
            events,
            events_open: true,
            call: Some(call),
            last: None,
            finished: false,
            standalone: false,
            cancellation,
            on_disconnect,
        }
    }

    /// A standalone stream (GET) that ends when every sender is gone.
    pub(crate) fn standalone(events: mpsc::UnboundedReceiver<Bytes>) -> Self {
        Self {
            head: None,
            events,
            events_open: true,
            call: None,
            last: None,
            finished: false,
            standalone: true,
            cancellation: Cancellation::new(),
            on_disconnect: OnDisconnect::Cancel,
        }
    }

    /// Puts an event that was already taken from the queue back in front.
    pub(crate) fn with_head(mut self, event: Bytes) -> Self {
        self.head = Some(event);
        self
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Bytes>> {
        if self.finished {
            return Poll::Ready(None);
        }
        if let Some(head) = self.head.take() {
            return Poll::Ready(Some(head));
        }
        loop {
            if self.events_open {
                match self.events.poll_recv(cx) {
                    Poll::Ready(Some(event)) => return Poll::Ready(Some(event)),
                    Poll::Ready(None) => self.events_open = false,
                    Poll::Pending => {}
                }
            }
            if let Some(call) = self.call.as_mut() {
                match call.as_mut().poll(cx) {
                    Poll::Ready(last) => {
                        self.call = None;
                        self.last = last;
                        // Events sent just before the result go out first.
                        continue;
                    }
                    Poll::Pending => return Poll::Pending,
                }
            }
            if self.standalone && self.events_open {
                return Poll::Pending;
            }
            self.finished = true;
            return Poll::Ready(self.last.take());
        }
    }
}

impl Drop for SseStream {
    fn drop(&mut self) {
        let Some(call) = self.call.take() else {
            return;
        };
        match self.on_disconnect {
            OnDisconnect::Cancel => self.cancellation.cancel(),
            OnDisconnect::Finish => {
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    runtime.spawn(call);
                }
            }
        }
    }
}

impl Body for McpBody {
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match &mut self.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Stream(stream) => stream.poll_next(cx).map(|e| e.map(|b| Ok(Frame::data(b)))),
            Kind::Other(body) => Pin::new(body).poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty => true,
            Kind::Full(bytes) => bytes.is_none(),
            Kind::Stream(_) => false,
            Kind::Other(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Empty => SizeHint::with_exact(0),
            Kind::Full(Some(bytes)) => SizeHint::with_exact(bytes.len() as u64),
            Kind::Full(None) => SizeHint::with_exact(0),
            Kind::Stream(_) => SizeHint::default(),
            Kind::Other(body) => body.size_hint(),
        }
    }
}

/// What an SSE `message` event writes before its JSON-RPC message.
const EVENT_HEAD: &[u8] = b"event: message\ndata: ";

/// What ends an SSE event.
const EVENT_END: &[u8] = b"\n\n";

/// The SSE `message` event of a response, written with its framing in one
/// buffer (the same bytes as [`sse_event`] of the serialised response).
pub(crate) fn sse_event_of(response: &mcp_tools::transport::jsonrpc::Response) -> Bytes {
    Bytes::from(response.to_bytes_between(EVENT_HEAD, EVENT_END))
}

/// Formats one SSE `message` event carrying a JSON-RPC message.
pub(crate) fn sse_event(json: &[u8]) -> Bytes {
    let mut out = BytesMut::with_capacity(json.len() + 24);
    out.put_slice(EVENT_HEAD);
    // JSON from serde_json never contains raw newlines.
    out.put_slice(json);
    out.put_slice(EVENT_END);
    out.freeze()
}

/// The JSON message of an event formatted by [`sse_event`].
pub(crate) fn sse_data(event: &Bytes) -> Bytes {
    let start = EVENT_HEAD.len();
    let end = event.len().saturating_sub(EVENT_END.len()).max(start);
    if event.starts_with(EVENT_HEAD) && event.ends_with(EVENT_END) {
        event.slice(start..end)
    } else {
        event.clone()
    }
}
