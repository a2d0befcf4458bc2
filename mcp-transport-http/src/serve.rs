//! A one-call server on hyper, on an address ([`serve`]) or a bound listener
//! ([`serve_listener`]): TCP_NODELAY, header-read and idle timeouts, bounded
//! connections and requests in flight, graceful shutdown bounded in time.

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http::{Request, Response};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot, watch};
use tokio::task::{JoinHandle, JoinSet};

use crate::body::McpBody;
use crate::endpoint::Connection;
use crate::future::ResponseFuture;
use crate::response::rpc_error;
use crate::service::McpService;
use http::{HeaderValue, StatusCode};
use mcp_tools::transport::jsonrpc::ErrorObject;

/// The address [`serve`] examples use: loopback only, so that other machines
/// (and DNS-rebinding pages) cannot reach a local server.
pub const LOCALHOST: &str = "127.0.0.1:8080";

/// Binds `addr` and serves `service` over HTTP/1.1 until [`Serving::shutdown`].
///
/// Bind `127.0.0.1` unless the server is meant to be reached from other
/// machines. Every connection gets TCP_NODELAY (an SSE answer written in pieces
/// would otherwise stall), the header-read timeout and the idle timeout of the
/// service's configuration. At most
/// [`max_connections`](crate::McpServiceBuilder::max_connections) connections
/// are open at once (more wait in the listener's backlog), and at most
/// [`max_in_flight`](crate::McpServiceBuilder::max_in_flight) requests are
/// worked on at once (more get 503 with `Retry-After`).
///
/// ```no_run
/// # async fn run(server: mcp_tools::Server) -> std::io::Result<()> {
/// use std::time::Duration;
/// use mcp_transport_http::{McpService, serve};
///
/// let serving = serve(McpService::builder(server).build(), "127.0.0.1:8080").await?;
/// tokio::signal::ctrl_c().await?;
/// serving.shutdown(Duration::from_secs(10)).await;
/// # Ok(()) }
/// ```
pub async fn serve(service: McpService, addr: impl ToSocketAddrs) -> io::Result<Serving> {
    serve_listener(service, TcpListener::bind(addr).await?)
}

/// Serves `service` on a listener you bound yourself, exactly as [`serve`]
/// does (TCP_NODELAY, timeouts, graceful shutdown), until [`Serving::shutdown`].
///
/// Bind first when the service must know its own address: a server on an
/// ephemeral port (`127.0.0.1:0`) that names its URL in protected-resource
/// metadata binds, reads [`local_addr`](TcpListener::local_addr), builds the
/// service, then serves on the same socket, with no window in which another
/// process could take the port. Also for sockets set up with options `serve`
/// does not offer (with `tokio::net::TcpSocket`, or a `std` listener handed
/// over by a supervisor through [`TcpListener::from_std`]).
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use std::time::Duration;
/// use mcp_transport_http::auth::ProtectedResource;
/// use mcp_transport_http::{McpService, serve_listener};
/// # let server = mcp_tools::Server::builder("demo", "1.0.0").build().unwrap();
///
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
/// let url = format!("http://{}/mcp", listener.local_addr().unwrap());
/// let service = McpService::builder(server)
///     .protected_resource(ProtectedResource::new(&url))
///     .build();
/// let serving = serve_listener(service, listener).unwrap();
/// assert_eq!(format!("http://{}/mcp", serving.local_addr()), url);
/// serving.shutdown(Duration::from_secs(1)).await;
/// # });
/// ```
///
/// # Errors
///
/// When the listener's address cannot be read.
///
/// # Panics
///
/// When called outside a Tokio runtime: the accept loop is spawned on it.
pub fn serve_listener(service: McpService, listener: TcpListener) -> io::Result<Serving> {
    let local_addr = listener.local_addr()?;
    let (stop, stopped) = watch::channel(false);
    let task = tokio::spawn(accept(listener, service.clone(), stopped));
    Ok(Serving {
        local_addr,
        stop,
        task,
        service,
    })
}

/// A running server: its address, and the handle that stops it.
pub struct Serving {
    local_addr: SocketAddr,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    service: McpService,
}

impl fmt::Debug for Serving {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Serving")
            .field("local_addr", &self.local_addr)
            .finish_non_exhaustive()
    }
}

impl Serving {
    /// The bound address (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops accepting connections, ends sessions and their event streams, lets
    /// in-flight calls finish for up to `grace`, then closes what is left.
    pub async fn shutdown(mut self, grace: Duration) {
        let _ = self.stop.send(true);
        self.service.close_sessions();
        if tokio::time::timeout(grace, &mut self.task).await.is_err() {
            self.task.abort();
            let _ = (&mut self.task).await;
        }
    }
}

async fn accept(listener: TcpListener, service: McpService, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    let open = Arc::new(Semaphore::new(service.endpoint().max_connections));
    let in_flight = Arc::new(Semaphore::new(service.endpoint().max_in_flight));
    loop {
        // A connection is accepted only with a free slot, so the ones beyond
        // the limit wait in the kernel's backlog instead of costing a task.
        let slot = tokio::select! {
            _ = stopped.changed() => break,
            slot = open.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => continue,
        };
        tokio::select! {
            _ = stopped.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let _ = stream.set_nodelay(true);
                    let service = tagged(service.clone(), in_flight.clone());
                    connections.spawn(connection(stream, service, stopped.clone(), slot));
                }
                Err(error) => {
                    // Out of file descriptors and the like: back off briefly.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

async fn connection(
    stream: TcpStream,
    service: Tagged,
    stopped: watch::Receiver<bool>,
    _slot: OwnedSemaphorePermit,
) {
    let header_read_timeout = service.service.endpoint().header_read_timeout;
    let idle = service.service.endpoint().idle_timeout;
    let start = Instant::now();
    let activity = Arc::new(AtomicU64::new(0));
    let io = TokioIo::new(Tracked {
        inner: stream,
        start,
        activity: activity.clone(),
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .serve_connection(io, service);
    tokio::pin!(conn);
    let mut closing = *stopped.borrow();
    if closing {
        conn.as_mut().graceful_shutdown();
    }
    // The stop signal and the idle timer are watched by a task of their own,
    // which says when to close: polled beside the connection, they were
    // polled again at every wake-up of every request (0.6 k instructions per
    // call), where a one-shot receiver costs a load.
    let (close, mut told) = oneshot::channel();
    if !closing {
        tokio::spawn(watch_idle_and_stop(stopped, start, activity, idle, close));
    }
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(error) = result {
                    tracing::debug!(%error, "connection ended with an error");
                }
                return;
            }
            told = &mut told, if !closing => {
                closing = true;
                // Closes once no request is in flight. An error means the
                // watcher is gone without a word: nothing to do then.
                if told.is_ok() {
                    conn.as_mut().graceful_shutdown();
                }
            }
        }
    }
}

/// Why a connection's watcher stopped watching.
enum Watched {
    /// The connection ended first.
    Ended,
    /// It is to close: the server stops, or it was idle too long.
    Close,
    /// Nothing to act on yet: the idle deadline passed but the connection
    /// was used since, or the stop signal changed without stopping.
    Again,
}

/// Tells `close` when a connection is to close: when the server stops, or
/// when nothing was read or written for `idle`. Ends with the connection.
async fn watch_idle_and_stop(
    mut stopped: watch::Receiver<bool>,
    start: Instant,
    activity: Arc<AtomicU64>,
    idle: Duration,
    mut close: oneshot::Sender<()>,
) {
    loop {
        let last = Duration::from_millis(activity.load(Ordering::Relaxed));
        let deadline = tokio::time::Instant::from_std(start + last + idle);
        let watched = tokio::select! {
            () = close.closed() => Watched::Ended,
            changed = stopped.changed() => {
                if changed.is_err() || *stopped.borrow() {
                    Watched::Close
                } else {
                    Watched::Again
                }
            }
            () = tokio::time::sleep_until(deadline) => {
                let last = Duration::from_millis(activity.load(Ordering::Relaxed));
                if start.elapsed() >= last + idle {
                    Watched::Close
                } else {
                    Watched::Again
                }
            }
        };
        match watched {
            Watched::Ended => return,
            Watched::Close => {
                let _ = close.send(());
                return;
            }
            Watched::Again => {}
        }
    }
}

/// The service as one connection sees it: each request is marked with its
/// connection (requests without a caller and without a session are scoped to
/// it) and holds a slot of the server's in-flight requests while it is worked
/// on.
struct Tagged {
    service: McpService,
    connection: Arc<str>,
    in_flight: Arc<Semaphore>,
}

fn tagged(service: McpService, in_flight: Arc<Semaphore>) -> Tagged {
    Tagged {
        service,
        connection: Arc::from(format!("connection-{}", crate::random_token(12))),
        in_flight,
    }
}

impl hyper::service::Service<Request<Incoming>> for Tagged {
    type Response = Response<McpBody>;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn call(&self, request: Request<Incoming>) -> ResponseFuture {
        let Ok(slot) = self.in_flight.clone().try_acquire_owned() else {
            return ResponseFuture::new(Box::pin(std::future::ready(busy())));
        };
        // The connection is handed to the endpoint beside the request, not in
        // its extensions: an extension costs the request a map, its table and
        // a box.
        let connection = Connection(self.connection.clone());
        // One box per request, the endpoint's own future: the slot is held
        // beside it rather than in an `async` block around it, which would
        // be a second copy of the request and a larger box (past the
        // allocator's per-thread cache) moved at every poll's setup.
        let endpoint = self.service.endpoint().clone();
        ResponseFuture::holding(Box::pin(endpoint.route_on(request, Some(connection))), slot)
    }
}

/// 503 for a request beyond the in-flight limit: nothing was done, retry soon.
fn busy() -> Response<McpBody> {
    let mut response = rpc_error(
        StatusCode::SERVICE_UNAVAILABLE,
        None,
        ErrorObject::invalid_request(
            "the server is working on as many requests as it takes at once; nothing was done, retry in a second",
        ),
    );
    response
        .headers_mut()
        .insert(http::header::RETRY_AFTER, HeaderValue::from_static("1"));
    response
}

/// A TCP stream that records when bytes last moved.
struct Tracked {
    inner: TcpStream,
    start: Instant,
    activity: Arc<AtomicU64>,
}

impl Tracked {
    fn touch(&self) {
        let now = u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX);
        self.activity.store(now, Ordering::Relaxed);
    }
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        result
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
