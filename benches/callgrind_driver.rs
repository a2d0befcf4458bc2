//! The load driver of the callgrind benchmark (`benches/callgrind.sh`).
//!
//! Opens a few keep-alive HTTP/1.1 connections to an MCP endpoint on loopback, sends warm-up
//! `tools/call`s of `echo`, then the measured ones, and checks every answer: status 200, the
//! expected content type, a JSON-RPC result for the request's own id that is not an error, and
//! the text echoed back both in the text block and in the structured content. The first answer
//! that is wrong stops the run with a message saying which call and why, and exit status 1.
//!
//! With `--callgrind-pid`, the driver zeroes the server's callgrind counters
//! (`callgrind_control --zero`) after the warm-up and dumps them (`callgrind_control
//! --dump=measured`) after the measured calls, so the dump holds the measured calls only: no
//! start-up, no connection set-up, no first-call costs.
//!
//! # Modes
//!
//! | mode | `Accept` | protocol | expected answer |
//! |---|---|---|---|
//! | `json` | `application/json, text/event-stream` | `MCP-Protocol-Version: 2025-06-18` | `application/json` |
//! | `sse` | `text/event-stream` | `MCP-Protocol-Version: 2025-06-18` | `text/event-stream` |
//! | `2026` | `application/json, text/event-stream` | 2026-07-28: `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` headers and the version and client capabilities in `_meta` | `application/json`, `resultType: "complete"` |
//!
//! # Usage
//!
//! ```text
//! cargo run --release --example callgrind-driver -- --url http://127.0.0.1:8080/mcp \
//!     --mode json [--connections 4] [--warmup 200] [--calls 2000] [--api-key KEY] \
//!     [--callgrind-pid PID]
//! ```
//!
//! Only loopback addresses are accepted: this is a load generator. On success it prints one line,
//! `measured calls=M connections=N mode=MODE seconds=S`, on stdout.

use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::process::{Command, ExitCode, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::{Parser, ValueEnum};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{ACCEPT, CONTENT_TYPE, HOST, HeaderValue};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpStream;

/// How long one call may take before the run is given up (the server runs under valgrind,
/// some fifty times slower than natively).
const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// How long `callgrind_control` may take to reach the server.
const CONTROL_TIMEOUT: Duration = Duration::from_secs(60);

/// The most connections the driver opens.
const MAX_CONNECTIONS: usize = 64;

/// The most warm-up calls, and the most measured calls, of one run: every run has to end.
const MAX_CALLS: usize = 1_000_000;

/// The `_meta` key a 2026-07-28 client names its protocol version under.
const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";

/// The `_meta` key a 2026-07-28 client declares its capabilities under.
const META_CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";

/// The command line.
#[derive(Debug, Parser)]
#[command(
    about = "Load driver of the mcp-tools callgrind benchmark: echo calls on keep-alive connections"
)]
struct Args {
    /// The MCP endpoint, on a loopback address, such as http://127.0.0.1:8080/mcp.
    #[arg(long)]
    url: Uri,
    /// How the requests ask to be answered.
    #[arg(long, value_enum)]
    mode: Mode,
    /// Keep-alive connections, each sending its share of the calls one after the other.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=MAX_CONNECTIONS as i64))]
    connections: u16,
    /// Calls before the measurement.
    #[arg(long, default_value_t = 200)]
    warmup: usize,
    /// Measured calls.
    #[arg(long, default_value_t = 2000)]
    calls: usize,
    /// Sent as `x-api-key` on every request.
    #[arg(long, value_name = "KEY")]
    api_key: Option<String>,
    /// The text every call echoes.
    #[arg(long, default_value = "hello")]
    text: String,
    /// A server running under callgrind: zero its counters before the measured calls and dump
    /// them (as `measured`) after.
    #[arg(long, value_name = "PID")]
    callgrind_pid: Option<u32>,
}

/// How the requests ask to be answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Mode {
    /// 2025-06-18, accepting JSON or SSE; the answer is expected as JSON.
    Json,
    /// 2025-06-18, accepting SSE only.
    Sse,
    /// 2026-07-28 with its headers and `_meta`, accepting JSON or SSE; JSON expected.
    #[value(name = "2026")]
    V2026,
}

impl Mode {
    /// The `Accept` header.
    fn accept(self) -> &'static str {
        match self {
            Mode::Json | Mode::V2026 => "application/json, text/event-stream",
            Mode::Sse => "text/event-stream",
        }
    }

    /// The content type the answer must have.
    fn answer_type(self) -> &'static str {
        match self {
            Mode::Json | Mode::V2026 => "application/json",
            Mode::Sse => "text/event-stream",
        }
    }

    /// The `MCP-Protocol-Version` header.
    fn protocol_version(self) -> &'static str {
        match self {
            Mode::Json | Mode::Sse => "2025-06-18",
            Mode::V2026 => "2026-07-28",
        }
    }

    /// The name the script and the output use.
    fn name(self) -> &'static str {
        match self {
            Mode::Json => "json",
            Mode::Sse => "sse",
            Mode::V2026 => "2026",
        }
    }
}

/// Why a run stopped.
#[derive(Debug)]
struct Failure(String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<E: std::error::Error> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure(error.to_string())
    }
}

/// Builds a [`Failure`] from a format string.
macro_rules! failure {
    ($($arg:tt)*) => { Failure(format!($($arg)*)) };
}

/// Everything a call needs that does not change from call to call.
struct Target {
    /// The `Host` header: `127.0.0.1:PORT`.
    host: HeaderValue,
    /// The request path.
    path: String,
    /// The mode.
    mode: Mode,
    /// The `x-api-key` header, if any.
    api_key: Option<HeaderValue>,
    /// The text every call echoes.
    text: String,
    /// The text as a JSON string literal, quotes included.
    text_json: String,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let run = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::from)
        .and_then(|runtime| runtime.block_on(run(args)));
    match run {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("callgrind-driver: {failure}");
            ExitCode::FAILURE
        }
    }
}

/// Connects, warms up, measures, and reports.
async fn run(args: Args) -> Result<(), Failure> {
    if args.calls == 0 || args.calls > MAX_CALLS || args.warmup > MAX_CALLS {
        return Err(failure!(
            "--calls must be 1 to {MAX_CALLS} and --warmup 0 to {MAX_CALLS}"
        ));
    }
    let (address, target) = target(&args)?;
    let mut connections = Vec::with_capacity(usize::from(args.connections));
    for n in 0..args.connections {
        connections.push(
            connect(address)
                .await
                .map_err(|e| failure!("connection {n} to {address}: {e}"))?,
        );
    }

    phase(&mut connections, &target, 0, args.warmup)
        .await
        .map_err(|e| failure!("warm-up: {e}"))?;
    if let Some(pid) = args.callgrind_pid {
        callgrind_control(pid, "--zero")?;
    }
    let started = Instant::now();
    phase(&mut connections, &target, args.warmup, args.calls)
        .await
        .map_err(|e| failure!("measured calls: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    if let Some(pid) = args.callgrind_pid {
        callgrind_control(pid, "--dump=measured")?;
    }
    println!(
        "measured calls={} connections={} mode={} seconds={seconds:.3}",
        args.calls,
        args.connections,
        args.mode.name()
    );
    Ok(())
}

/// Checks the URL and prepares what every request carries.
fn target(args: &Args) -> Result<(SocketAddr, Target), Failure> {
    let url = &args.url;
    if url.scheme_str() != Some("http") {
        return Err(failure!("--url {url}: only http:// is supported"));
    }
    let host = url.host().ok_or_else(|| failure!("--url {url}: no host"))?;
    let ip: IpAddr = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse()
        .map_err(|_| {
            failure!("--url {url}: the host must be a loopback IP address, such as 127.0.0.1")
        })?;
    if !ip.is_loopback() {
        return Err(failure!(
            "--url {url}: {ip} is not a loopback address; the driver only loads this machine"
        ));
    }
    let port = url
        .port_u16()
        .ok_or_else(|| failure!("--url {url}: no port"))?;
    let authority = url
        .authority()
        .ok_or_else(|| failure!("--url {url}: no host"))?;
    let api_key = args
        .api_key
        .as_deref()
        .map(HeaderValue::from_str)
        .transpose()
        .map_err(|_| failure!("--api-key: not a valid header value"))?;
    let target = Target {
        host: HeaderValue::from_str(authority.as_str())?,
        path: url.path().to_owned(),
        mode: args.mode,
        api_key,
        text: args.text.clone(),
        text_json: serde_json::to_string(&args.text)?,
    };
    Ok((SocketAddr::new(ip, port), target))
}

/// Opens one keep-alive HTTP/1.1 connection.
async fn connect(address: SocketAddr) -> io::Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(address).await?;
    // Without it, a request can wait for the server's delayed ACK, as the server's answers would.
    stream.set_nodelay(true)?;
    let (sender, connection) = http1::handshake(TokioIo::new(stream))
        .await
        .map_err(io::Error::other)?;
    tokio::spawn(async move {
        if let Err(error) = connection.await {
            eprintln!("callgrind-driver: connection closed: {error}");
        }
    });
    Ok(sender)
}

/// Sends `calls` calls, ids from `first + 1` on, spread evenly over the connections; each
/// connection sends its share one after the other, all connections at once.
async fn phase(
    connections: &mut [SendRequest<Full<Bytes>>],
    target: &Target,
    first: usize,
    calls: usize,
) -> Result<(), Failure> {
    let count = connections.len();
    let drivers = connections
        .iter_mut()
        .enumerate()
        .map(|(n, sender)| async move {
            let mut call = n;
            while call < calls {
                let id = first + call + 1;
                one_call(sender, target, id)
                    .await
                    .map_err(|e| failure!("call {id} on connection {n}: {e}"))?;
                call += count;
            }
            Ok::<(), Failure>(())
        });
    futures::future::try_join_all(drivers).await?;
    Ok(())
}

/// Sends one `tools/call` of `echo` and checks its answer.
async fn one_call(
    sender: &mut SendRequest<Full<Bytes>>,
    target: &Target,
    id: usize,
) -> Result<(), Failure> {
    let request = request(target, id)?;
    let answer = async {
        sender.ready().await?;
        let response = sender.send_request(request).await?;
        let (parts, body) = response.into_parts();
        let body = body.collect().await?.to_bytes();
        Ok::<_, hyper::Error>((parts, body))
    };
    let (parts, body) = tokio::time::timeout(CALL_TIMEOUT, answer)
        .await
        .map_err(|_| failure!("no answer within {} s", CALL_TIMEOUT.as_secs()))??;
    if parts.status != StatusCode::OK {
        return Err(failure!(
            "status {}, wanted 200: {}",
            parts.status,
            String::from_utf8_lossy(&body)
        ));
    }
    let content_type = parts
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("(none)");
    let wanted = target.mode.answer_type();
    if !content_type
        .split(';')
        .next()
        .is_some_and(|media| media.trim().eq_ignore_ascii_case(wanted))
    {
        return Err(failure!("content type {content_type}, wanted {wanted}"));
    }
    let message = if target.mode == Mode::Sse {
        sse_response(&body, id)?
    } else {
        serde_json::from_slice(&body).map_err(|e| {
            failure!(
                "the answer is not JSON ({e}): {}",
                String::from_utf8_lossy(&body)
            )
        })?
    };
    check_result(&message, target, id)
        .map_err(|e| failure!("{e}: {}", String::from_utf8_lossy(&body)))
}

/// The request for call `id`.
fn request(target: &Target, id: usize) -> Result<Request<Full<Bytes>>, Failure> {
    let params = match target.mode {
        Mode::Json | Mode::Sse => format!(
            r#"{{"name":"echo","arguments":{{"text":{}}}}}"#,
            target.text_json
        ),
        Mode::V2026 => format!(
            r#"{{"name":"echo","arguments":{{"text":{}}},"_meta":{{"{META_PROTOCOL_VERSION}":"2026-07-28","{META_CLIENT_CAPABILITIES}":{{}}}}}}"#,
            target.text_json
        ),
    };
    let body = format!(r#"{{"jsonrpc":"2.0","id":{id},"method":"tools/call","params":{params}}}"#);
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri(target.path.as_str())
        .header(HOST, target.host.clone())
        .header(CONTENT_TYPE, "application/json")
        .header(ACCEPT, target.mode.accept())
        .header("mcp-protocol-version", target.mode.protocol_version());
    if target.mode == Mode::V2026 {
        builder = builder
            .header("mcp-method", "tools/call")
            .header("mcp-name", "echo");
    }
    if let Some(key) = &target.api_key {
        builder = builder.header("x-api-key", key.clone());
    }
    Ok(builder.body(Full::new(Bytes::from(body)))?)
}

/// The JSON-RPC response with `id` among the events of an SSE answer.
fn sse_response(body: &[u8], id: usize) -> Result<Value, Failure> {
    let text = std::str::from_utf8(body).map_err(|_| failure!("the SSE answer is not UTF-8"))?;
    // Events end at a blank line; an event's data is its `data:` lines joined by newlines.
    for event in text.split("\n\n") {
        let data: Vec<&str> = event
            .lines()
            .filter_map(|line| line.strip_prefix("data:"))
            .map(|data| data.strip_prefix(' ').unwrap_or(data))
            .collect();
        if data.is_empty() {
            continue;
        }
        let Ok(message) = serde_json::from_str::<Value>(&data.join("\n")) else {
            continue;
        };
        if message.get("id").and_then(Value::as_u64) == Some(id as u64) {
            return Ok(message);
        }
    }
    Err(failure!(
        "no event holds the response to id {id}: {}",
        String::from_utf8_lossy(body)
    ))
}

/// Checks that `message` is the successful result of echoing the text for call `id`.
fn check_result(message: &Value, target: &Target, id: usize) -> Result<(), Failure> {
    if message.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(failure!("not a JSON-RPC 2.0 message"));
    }
    if message.get("id").and_then(Value::as_u64) != Some(id as u64) {
        return Err(failure!("the answer's id is not {id}"));
    }
    if let Some(error) = message.get("error") {
        return Err(failure!("a JSON-RPC error: {error}"));
    }
    let result = message.get("result").ok_or_else(|| failure!("no result"))?;
    if result.get("isError").and_then(Value::as_bool) == Some(true) {
        return Err(failure!("the tool answered an error"));
    }
    if target.mode == Mode::V2026
        && result.get("resultType").and_then(Value::as_str) != Some("complete")
    {
        return Err(failure!(
            "a 2026-07-28 result without resultType \"complete\""
        ));
    }
    let block = result
        .pointer("/content/0/text")
        .and_then(Value::as_str)
        .ok_or_else(|| failure!("no text block"))?;
    if !block.contains(&target.text_json) {
        return Err(failure!("the text block does not hold the echoed text"));
    }
    let structured = result
        .get("structuredContent")
        .ok_or_else(|| failure!("no structuredContent"))?;
    if !holds_string(structured, &target.text) {
        return Err(failure!("structuredContent does not hold the echoed text"));
    }
    Ok(())
}

/// Whether `value` is, or holds at any depth, the string `text`.
fn holds_string(value: &Value, text: &str) -> bool {
    match value {
        Value::String(s) => s == text,
        Value::Array(items) => items.iter().any(|item| holds_string(item, text)),
        Value::Object(members) => members.values().any(|member| holds_string(member, text)),
        _ => false,
    }
}

/// Runs `callgrind_control ARGUMENT PID` and waits for it, for at most [`CONTROL_TIMEOUT`].
fn callgrind_control(pid: u32, argument: &str) -> Result<(), Failure> {
    let mut child = Command::new("callgrind_control")
        .arg(argument)
        .arg(pid.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| failure!("cannot run callgrind_control (is valgrind installed?): {e}"))?;
    let deadline = Instant::now() + CONTROL_TIMEOUT;
    loop {
        if child.try_wait()?.is_some() {
            break;
        }
        if Instant::now() >= deadline {
            // Best effort: the run fails either way, and the child must not outlive it.
            let _ = child.kill();
            let _ = child.wait();
            return Err(failure!(
                "callgrind_control {argument} {pid} did not finish within {} s",
                CONTROL_TIMEOUT.as_secs()
            ));
        }
        thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output()?;
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    // It says "OK." once the server has carried out the command, and exits 0 even when it has not
    // found the process.
    if !output.status.success() || !said.contains("OK") {
        return Err(failure!(
            "callgrind_control {argument} {pid} failed: {}",
            said.trim()
        ));
    }
    Ok(())
}
