//! Idle costs: the memory an open 2025 session, an open SSE stream and a stored task hold while
//! nothing happens.
//!
//! Each figure is measured in a fresh child process (the same binary run with `--kind` and
//! `--count`), so that no measurement reuses memory another one freed. The child builds an
//! [`McpService`] and drives it in process, through [`McpService::handle`], the way hyper does:
//!
//! | kind | what is opened | kept open by |
//! |---|---|---|
//! | `session` | `POST initialize` (2025-06-18) on a service with sessions | the server's session table |
//! | `stream` | `GET` with `Accept: text/event-stream` on a session opened before the baseline | the response body, as hyper holds it while the stream is open |
//! | `stream-resumable` | the same with a [`MemoryEventStore`] (resumable streams) | the same, plus the stream's event-store entry |
//! | `task` | a 2026-07-28 `tools/call` of a tool that runs as a task and finishes at once | the task store, until its time to live (one hour) |
//!
//! The child first opens a warm-up batch (200) and leaves it open, reads its resident set size
//! (`VmRSS` in `/proc/self/status`), opens `COUNT` more, waits until every one of them is in its
//! idle state (tasks completed), reads `VmRSS` again and prints both. The difference divided by
//! `COUNT` is the cost of one: what the server's data structures and the allocator hold for it.
//! The costs of a TCP connection (hyper's buffers, the kernel's socket) come on top for a stream,
//! which needs its connection for as long as it is open; a session or a task does not.
//!
//! ```text
//! cargo run --release --example idle                   # the table, 1,000 and 10,000 of each
//! cargo run --release --example idle -- --counts 50000
//! cargo run --release --example idle -- --kind task --count 10000   # one measurement
//! ```

use std::process::{Command, ExitCode};
use std::time::Duration;

use bytes::Bytes;
use clap::{Parser, ValueEnum};
use http_body_util::{BodyExt, Full};
use hyper::{Method, Request, Response, StatusCode};
use mcp_tools::task::TaskSupport;
use mcp_tools::{NoArguments, Server, Tool, ToolContext, ToolResult};
use mcp_transport_http::McpBody;
use mcp_transport_http::McpService;
use mcp_transport_http::event_store::MemoryEventStore;
use serde_json::{Value, json};

/// Items opened before the baseline is read, and left open.
const WARM_UP: usize = 200;

/// The most items one measurement opens.
const MAX_COUNT: usize = 1_000_000;

/// A hang guard for waiting on tasks to complete.
const TASK_WAIT: Duration = Duration::from_secs(120);

#[derive(Parser)]
#[command(about = "Memory per open session, SSE stream and stored task (RSS deltas)")]
struct Cli {
    /// One measurement of this kind (what the table's child processes run).
    #[arg(long, value_enum)]
    kind: Option<Kind>,
    /// How many to open in the one measurement.
    #[arg(long, default_value_t = 10_000)]
    count: usize,
    /// The counts of the table, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = [1_000, 10_000])]
    counts: Vec<usize>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Kind {
    Session,
    Stream,
    StreamResumable,
    Task,
}

impl Kind {
    const ALL: [Kind; 4] = [
        Kind::Session,
        Kind::Stream,
        Kind::StreamResumable,
        Kind::Task,
    ];

    fn name(self) -> &'static str {
        match self {
            Kind::Session => "session",
            Kind::Stream => "stream",
            Kind::StreamResumable => "stream-resumable",
            Kind::Task => "task",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Kind::Session => "open 2025-06-18 session",
            Kind::Stream => "open SSE stream (GET, on its session)",
            Kind::StreamResumable => "open SSE stream, resumable (MemoryEventStore)",
            Kind::Task => "stored task (completed, kept for its TTL)",
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.kind {
        Some(kind) => measure_here(kind, cli.count),
        None => table(&cli.counts),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("idle: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs every kind at every count, each in its own process, and prints a Markdown table.
fn table(counts: &[usize]) -> Result<(), String> {
    let me = std::env::current_exe().map_err(|e| format!("cannot find this program: {e}"))?;
    println!("| idle item | count | RSS before | RSS after | per item |");
    println!("|---|---:|---:|---:|---:|");
    for kind in Kind::ALL {
        for &count in counts {
            let output = Command::new(&me)
                .args(["--kind", kind.name(), "--count", &count.to_string()])
                .output()
                .map_err(|e| format!("cannot run {}: {e}", me.display()))?;
            if !output.status.success() {
                return Err(format!(
                    "the {} measurement failed: {}",
                    kind.name(),
                    String::from_utf8_lossy(&output.stderr)
                ));
            }
            let line = String::from_utf8_lossy(&output.stdout);
            let figures: Vec<u64> = line
                .split_whitespace()
                .filter_map(|word| word.split_once('=')?.1.parse().ok())
                .collect();
            let [before, after] = figures[..] else {
                return Err(format!("unexpected output from a measurement: {line}"));
            };
            let per_item = after.saturating_sub(before) as f64 * 1024.0 / count as f64;
            println!(
                "| {} | {count} | {:.1} MiB | {:.1} MiB | {:.0} B |",
                kind.what(),
                before as f64 / 1024.0,
                after as f64 / 1024.0,
                per_item
            );
        }
    }
    Ok(())
}

/// One measurement in this process: prints `before_kib=N after_kib=M`.
fn measure_here(kind: Kind, count: usize) -> Result<(), String> {
    if count == 0 || count > MAX_COUNT {
        return Err(format!(
            "--count must be between 1 and {MAX_COUNT}, not {count}"
        ));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("no runtime: {e}"))?;
    let (before, after) = runtime.block_on(async {
        match kind {
            Kind::Session => sessions(count).await,
            Kind::Stream => streams(count, false).await,
            Kind::StreamResumable => streams(count, true).await,
            Kind::Task => tasks(count).await,
        }
    })?;
    println!("before_kib={before} after_kib={after}");
    Ok(())
}

fn rss_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("cannot read /proc/self/status (Linux only): {e}"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmRSS in /proc/self/status".to_owned())
}

fn server() -> Result<Server, String> {
    Server::builder("idle", "1.0.0")
        .task_immediate_window(Duration::ZERO)
        .tool(
            Tool::builder("report")
                .description("Answers a short report; may run as a task.")
                .read_only()
                .task(TaskSupport::Optional)
                .handler(|_: NoArguments, _cx: ToolContext| async {
                    ToolResult::Ok(json!({"rows": 3, "summary": "three rows"}))
                }),
        )
        .build()
        .map_err(|e| format!("the server does not build: {e}"))
}

fn request(
    method: Method,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<Request<Full<Bytes>>, String> {
    let mut builder = Request::builder()
        .method(method)
        .uri("/mcp")
        .header("host", "127.0.0.1");
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder
        .body(Full::new(Bytes::copy_from_slice(body.as_bytes())))
        .map_err(|e| format!("cannot build a request: {e}"))
}

async fn json_answer(response: Response<McpBody>) -> Result<Value, String> {
    let status = response.status();
    let bytes = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("the answer's body failed: {e}"))?
        .to_bytes();
    if status != StatusCode::OK {
        return Err(format!(
            "status {status}: {}",
            String::from_utf8_lossy(&bytes)
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| {
        format!(
            "the answer is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    })
}

const OLD: &str = "2025-06-18";
const MODERN: &str = "2026-07-28";

/// Opens one 2025-06-18 session and returns its id.
async fn open_session(service: &McpService) -> Result<String, String> {
    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {
            "protocolVersion": OLD,
            "capabilities": {},
            "clientInfo": {"name": "idle-bench", "version": "1.0.0"}
        }
    })
    .to_string();
    let headers = [
        ("content-type", "application/json"),
        ("accept", "application/json, text/event-stream"),
    ];
    let response = service
        .handle(request(Method::POST, &headers, &body)?)
        .await;
    let id = response
        .headers()
        .get("mcp-session-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or("initialize answered without an Mcp-Session-Id")?;
    let answer = json_answer(response).await?;
    if answer.get("result").is_none() {
        return Err(format!("initialize failed: {answer}"));
    }
    Ok(id)
}

async fn sessions(count: usize) -> Result<(u64, u64), String> {
    let service = McpService::builder(server()?).sessions(true).build();
    for _ in 0..WARM_UP {
        open_session(&service).await?;
    }
    let before = rss_kib()?;
    // The ids are not kept: the sessions live in the server's table only.
    for _ in 0..count {
        open_session(&service).await?;
    }
    Ok((before, rss_kib()?))
}

async fn open_stream(service: &McpService, session: &str) -> Result<Response<McpBody>, String> {
    let headers = [
        ("accept", "text/event-stream"),
        ("mcp-protocol-version", OLD),
        ("mcp-session-id", session),
    ];
    let response = service.handle(request(Method::GET, &headers, "")?).await;
    if response.status() != StatusCode::OK {
        return Err(format!("GET answered {}", response.status()));
    }
    Ok(response)
}

async fn streams(count: usize, resumable: bool) -> Result<(u64, u64), String> {
    let mut builder = McpService::builder(server()?).sessions(true);
    if resumable {
        builder = builder.event_store(MemoryEventStore::default());
    }
    let service = builder.build();
    let mut ids = Vec::with_capacity(WARM_UP + count);
    for _ in 0..WARM_UP + count {
        ids.push(open_session(&service).await?);
    }
    let mut open = Vec::with_capacity(WARM_UP + count);
    for id in &ids[..WARM_UP] {
        open.push(open_stream(&service, id).await?);
    }
    let before = rss_kib()?;
    for id in &ids[WARM_UP..] {
        open.push(open_stream(&service, id).await?);
    }
    // Let whatever the streams spawned (the resumable stream's forwarding task) run once.
    tokio::task::yield_now().await;
    let after = rss_kib()?;
    drop(open);
    Ok((before, after))
}

fn modern_headers(task_id: Option<&str>) -> Vec<(&'static str, String)> {
    let (method, name) = match task_id {
        None => ("tools/call", "report".to_owned()),
        Some(id) => ("tasks/get", id.to_owned()),
    };
    vec![
        ("content-type", "application/json".to_owned()),
        ("accept", "application/json, text/event-stream".to_owned()),
        ("mcp-protocol-version", MODERN.to_owned()),
        ("mcp-method", method.to_owned()),
        ("mcp-name", name),
    ]
}

fn modern_body(method: &str, params: Value) -> String {
    let mut params = params;
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": {"name": "idle-bench", "version": "1.0.0"},
        "io.modelcontextprotocol/clientCapabilities": {
            "extensions": {"io.modelcontextprotocol/tasks": {}}
        },
    });
    json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string()
}

async fn modern_call(
    service: &McpService,
    task_id: Option<&str>,
    body: &str,
) -> Result<Value, String> {
    let headers = modern_headers(task_id);
    let headers: Vec<(&str, &str)> = headers.iter().map(|(n, v)| (*n, v.as_str())).collect();
    json_answer(service.handle(request(Method::POST, &headers, body)?).await).await
}

/// Starts one task and returns its id.
async fn start_task(service: &McpService) -> Result<String, String> {
    let body = modern_body("tools/call", json!({"name": "report", "arguments": {}}));
    let answer = modern_call(service, None, &body).await?;
    let result = &answer["result"];
    if result["resultType"] != "task" {
        return Err(format!("the call did not become a task: {answer}"));
    }
    result["taskId"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("a task without an id: {answer}"))
}

/// Waits until every task in `ids` has completed.
async fn await_completed(service: &McpService, ids: &[String]) -> Result<(), String> {
    let deadline = tokio::time::Instant::now() + TASK_WAIT;
    for id in ids {
        loop {
            let body = modern_body("tasks/get", json!({"taskId": id}));
            let answer = modern_call(service, Some(id), &body).await?;
            match answer["result"]["status"].as_str() {
                Some("completed") => break,
                Some("working") => {}
                _ => return Err(format!("task {id} did not complete: {answer}")),
            }
            if tokio::time::Instant::now() > deadline {
                return Err(format!("task {id} still works after {TASK_WAIT:?}"));
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
    Ok(())
}

async fn tasks(count: usize) -> Result<(u64, u64), String> {
    let service = McpService::builder(server()?).build();
    let mut ids = Vec::with_capacity(WARM_UP + count);
    for _ in 0..WARM_UP {
        ids.push(start_task(&service).await?);
    }
    await_completed(&service, &ids).await?;
    let before = rss_kib()?;
    for _ in 0..count {
        ids.push(start_task(&service).await?);
    }
    await_completed(&service, &ids[WARM_UP..]).await?;
    Ok((before, rss_kib()?))
}
