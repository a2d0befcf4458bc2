//! One client connection over a pair of byte streams: reading lines,
//! admitting and running messages, writing answers.

use std::collections::HashMap;
use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures::future::join_all;
use mcp_tools::transport::jsonrpc::{self, ErrorObject, Incoming, Message, Response};
use mcp_tools::transport::{
    Admitted, Cancellation, Carriage, Credentials, LogLevelHandle, RequestContext, method,
};
use mcp_tools::{ProtocolVersion, Server};
use serde_json::Value;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;
use tokio::task::JoinSet;

use crate::StdioTransport;
use crate::framing::{Line, next_line};
use crate::peer::{LinePeer, Pending};

/// Tells connections of one process apart in the server's table of calls in
/// flight, which `notifications/cancelled` looks up by connection and id.
static CONNECTIONS: AtomicU64 = AtomicU64::new(0);

/// What `initialize` settled, for the requests after it.
#[derive(Default)]
struct Negotiated {
    version: Option<ProtocolVersion>,
    client_capabilities: Option<Value>,
}

struct Connection {
    server: Server,
    credentials: Credentials,
    channel: Arc<str>,
    out: mpsc::UnboundedSender<Vec<u8>>,
    peer: Arc<LinePeer>,
    log_level: LogLevelHandle,
    negotiated: Mutex<Negotiated>,
    /// The signals of the requests running now, fired when the client left
    /// and the grace period ran out.
    running: Mutex<HashMap<u64, Cancellation>>,
    next_request: AtomicU64,
}

pub(crate) async fn run<R, W>(transport: StdioTransport, reader: R, mut writer: W) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin + Send + 'static,
{
    let StdioTransport {
        server,
        credentials,
        shutdown_grace,
        max_message_bytes,
    } = transport;
    let (out, mut outgoing) = mpsc::unbounded_channel::<Vec<u8>>();
    let writing = tokio::spawn(async move {
        while let Some(mut line) = outgoing.recv().await {
            line.push(b'\n');
            writer.write_all(&line).await?;
            writer.flush().await?;
        }
        Ok::<(), io::Error>(())
    });
    let connection = Arc::new(Connection {
        server,
        credentials,
        channel: format!("stdio-{}", CONNECTIONS.fetch_add(1, Ordering::Relaxed)).into(),
        peer: Arc::new(LinePeer {
            out: out.clone(),
            pending: Arc::new(Pending::default()),
        }),
        out,
        log_level: LogLevelHandle::default(),
        negotiated: Mutex::new(Negotiated::default()),
        running: Mutex::new(HashMap::new()),
        next_request: AtomicU64::new(0),
    });

    let mut reader = BufReader::new(reader);
    let mut tasks = JoinSet::new();
    let read = loop {
        match next_line(&mut reader, max_message_bytes).await {
            Err(e) => break Err(e),
            Ok(None) => break Ok(()),
            Ok(Some(Line::TooLong)) => connection.send(&Response::error(
                None,
                ErrorObject::parse_error(format!(
                    "a message of more than {max_message_bytes} bytes was skipped; \
                     send smaller messages, one per line"
                )),
            )),
            Ok(Some(Line::Message(bytes))) if bytes.iter().all(u8::is_ascii_whitespace) => {}
            Ok(Some(Line::Message(bytes))) => {
                connection.clone().receive(&bytes, &mut tasks).await;
            }
        }
        while tasks.try_join_next().is_some() {}
    };

    // The client closed stdin: let the calls still running finish, within the grace.
    let finished = tokio::time::timeout(shutdown_grace, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::warn!(
            running = tasks.len(),
            "stdin closed; cancelling the calls still running after {shutdown_grace:?}"
        );
        // Cancelled tools get the server's cancellation grace to wind down;
        // what still runs after one more grace of ours is dropped.
        connection.cancel_running();
        let wound_down = tokio::time::timeout(shutdown_grace, async {
            while tasks.join_next().await.is_some() {}
        })
        .await;
        if wound_down.is_err() {
            tasks.abort_all();
            while tasks.join_next().await.is_some() {}
        }
    }
    drop(connection);
    writing.await.map_err(io::Error::other)??;
    read
}

impl Connection {
    fn send(&self, response: &Response) {
        let _ = self.out.send(response.to_bytes());
    }

    /// Handles one line: answers the client's responses and notifications in
    /// place, and runs requests as tasks so that a slow call holds up nothing.
    /// Admission (which may ask a shared rate limiter) is awaited here, so
    /// lines are admitted in the order they came.
    async fn receive(self: Arc<Self>, bytes: &[u8], tasks: &mut JoinSet<()>) {
        let messages = match jsonrpc::parse(bytes) {
            Err(refusal) => return self.send(&refusal),
            Ok(Incoming::Single(Message::Response(answer))) => {
                if !self.peer.pending.resolve(answer) {
                    tracing::debug!("an answer to no request of ours; ignored");
                }
                return;
            }
            // Answered before the next line is read, so that the requests
            // after it are served in the version it settles.
            Ok(Incoming::Single(Message::Request(request)))
                if request.method == method::INITIALIZE =>
            {
                return self.initialize(&request).await;
            }
            Ok(Incoming::Single(message)) => vec![Ok(message)],
            Ok(Incoming::Batch(entries)) => entries,
        };
        let batch = messages.len() > 1 || bytes.trim_ascii_start().starts_with(b"[");
        let to_admit: Vec<&Message> = messages.iter().filter_map(|m| m.as_ref().ok()).collect();
        let admission = self
            .server
            .admit(&to_admit, self.credentials.clone(), Carriage::in_session())
            .await;
        let admitted = match admission {
            Ok(admitted) => admitted,
            Err(refusal) => {
                let error = ErrorObject::invalid_request(refusal.message());
                let answers: Vec<Response> = to_admit
                    .iter()
                    .filter_map(|m| match m {
                        Message::Request(request) => {
                            Some(Response::error(Some(request.id.clone()), error.clone()))
                        }
                        _ => None,
                    })
                    .collect();
                return self.send_answers(answers, batch);
            }
        };
        tasks.spawn(async move {
            let answers = join_all(messages.into_iter().map(|message| {
                let this = &self;
                let admitted = &admitted;
                async move {
                    match message {
                        Err(refusal) => Some(*refusal),
                        Ok(message) => this.handle(message, admitted).await,
                    }
                }
            }))
            .await;
            self.send_answers(answers.into_iter().flatten().collect(), batch);
        });
    }

    /// Admits and answers `initialize` in place.
    async fn initialize(&self, request: &jsonrpc::Request) {
        let message = Message::Request(request.clone());
        let answer = match self
            .server
            .admit(
                &[&message],
                self.credentials.clone(),
                Carriage::in_session(),
            )
            .await
        {
            Ok(_) => self.negotiate(request),
            Err(refusal) => Response::error(
                Some(request.id.clone()),
                ErrorObject::invalid_request(refusal.message()),
            ),
        };
        self.send(&answer);
    }

    /// Answers `initialize` and keeps what it settled for later requests.
    fn negotiate(&self, request: &jsonrpc::Request) -> Response {
        let initialized = self.server.initialize(request);
        if let Some(version) = initialized.version {
            let mut negotiated = self.lock_negotiated();
            negotiated.version = Some(version);
            negotiated.client_capabilities = request
                .params
                .as_ref()
                .and_then(|p| p.get("capabilities"))
                .cloned();
        }
        initialized.response
    }

    fn send_answers(&self, answers: Vec<Response>, batch: bool) {
        if !batch {
            return answers.iter().for_each(|answer| self.send(answer));
        }
        if answers.is_empty() {
            return;
        }
        if let Ok(line) = serde_json::to_vec(&answers) {
            let _ = self.out.send(line);
        }
    }

    async fn handle(&self, message: Message, admitted: &Admitted) -> Option<Response> {
        match message {
            Message::Response(answer) => {
                self.peer.pending.resolve(answer);
                None
            }
            Message::Request(request) if request.method == method::INITIALIZE => {
                Some(self.negotiate(&request))
            }
            message => {
                let key = self.next_request.fetch_add(1, Ordering::Relaxed);
                let cancellation = Cancellation::new();
                self.lock_running().insert(key, cancellation.clone());
                let cx = self.context(admitted, cancellation);
                let answer = self.server.handle(message, cx).await;
                self.lock_running().remove(&key);
                answer
            }
        }
    }

    fn context(&self, admitted: &Admitted, cancellation: Cancellation) -> RequestContext {
        let negotiated = self.lock_negotiated();
        let mut cx = RequestContext::new()
            .with_peer(self.peer.clone())
            .with_cancellation(cancellation)
            .with_log_level(self.log_level.clone())
            .with_channel(self.channel.clone());
        if let Some(version) = negotiated.version {
            cx = cx.with_protocol_version(version);
        }
        if let Some(capabilities) = &negotiated.client_capabilities {
            cx = cx.with_client_capabilities(capabilities.clone());
        }
        cx.with_admitted(admitted)
    }

    fn cancel_running(&self) {
        for signal in self.lock_running().values() {
            signal.cancel();
        }
    }

    fn lock_negotiated(&self) -> std::sync::MutexGuard<'_, Negotiated> {
        self.negotiated
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn lock_running(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Cancellation>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
