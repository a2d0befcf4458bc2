//! The tasks extension over real sockets: a task outlives the request that
//! started it, shows progress while it runs, stops when cancelled, expires
//! with its time to live and is invisible to other callers; a 2025 client
//! calls the same tool and gets its progress on the request's stream.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use http::StatusCode;
use mcp_tools::task::TaskSupport;
use mcp_tools::{Caller, NoArguments, Server, Tool, ToolContext, ToolResult};
use mcp_transport_http::auth::ApiKeys;
use mcp_transport_http::{McpService, Serving};
use serde_json::{Value, json};
use tokio::sync::Semaphore;

const MODERN: &str = "2026-07-28";
const HANG_GUARD: Duration = Duration::from_secs(10);

/// What the tools let the test see and steer.
#[derive(Clone)]
struct Probes {
    gate: Arc<Semaphore>,
    steps: Arc<AtomicUsize>,
    stopped: Arc<AtomicBool>,
}

impl Default for Probes {
    fn default() -> Self {
        Self {
            gate: Arc::new(Semaphore::new(0)),
            steps: Arc::default(),
            stopped: Arc::default(),
        }
    }
}

struct SetOnDrop(Arc<AtomicBool>);

impl Drop for SetOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

async fn serve_tasks(probes: &Probes, ttl: Option<Duration>) -> Serving {
    let gate = probes.gate.clone();
    let steps = probes.steps.clone();
    let stopped = probes.stopped.clone();
    let server = Server::builder("tasks", "1.0.0")
        .task_ttl(ttl)
        .task_immediate_window(Duration::ZERO)
        // `busy` ignores cancellation: no grace, it is dropped at once.
        .cancellation_grace(Duration::ZERO)
        .tool(
            Tool::builder("report")
                .description("Reports halfway, waits for the test, then reports done.")
                .read_only()
                .task(TaskSupport::Optional)
                .handler(move |_: NoArguments, cx: ToolContext| {
                    let gate = gate.clone();
                    async move {
                        cx.progress(1.0, Some(2.0), Some("halfway"));
                        let _permit = gate.acquire().await.unwrap();
                        cx.progress(2.0, Some(2.0), Some("done"));
                        ToolResult::Ok("the report")
                    }
                }),
        )
        .tool(
            Tool::builder("busy")
                .description("Counts until stopped.")
                .read_only()
                .task(TaskSupport::Optional)
                .handler(move |_: NoArguments, _cx: ToolContext| {
                    let steps = steps.clone();
                    let guard = SetOnDrop(stopped.clone());
                    async move {
                        let _guard = guard;
                        while steps.fetch_add(1, Ordering::SeqCst) < usize::MAX - 1 {
                            tokio::time::sleep(Duration::from_millis(2)).await;
                        }
                        ToolResult::Ok("never")
                    }
                }),
        )
        .build()
        .unwrap();
    start(
        McpService::builder(server).authenticator(
            ApiKeys::new()
                .key("alice-key", Caller::new("alice"))
                .key("bob-key", Caller::new("bob")),
        ),
    )
    .await
}

fn body(id: i64, method: &str, mut params: Value) -> Value {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": {
            "extensions": {"io.modelcontextprotocol/tasks": {}}
        },
    });
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

fn headers(key: &str, method: &str, name: &str) -> Vec<(String, String)> {
    let headers = with(mcp_headers(Some(MODERN)), "mcp-method", method);
    let headers = with(headers, "mcp-name", name);
    with(headers, "x-api-key", key)
}

async fn start_task(addr: SocketAddr, key: &str, tool: &str) -> String {
    let reply = post(
        addr,
        &headers(key, "tools/call", tool),
        &body(1, "tools/call", json!({"name": tool, "arguments": {}})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let result = &reply.json()["result"];
    assert_eq!(result["resultType"], "task", "{result}");
    result["taskId"].as_str().unwrap().to_owned()
}

async fn task_request(addr: SocketAddr, key: &str, method: &str, params: Value) -> Value {
    let id = params["taskId"].as_str().unwrap().to_owned();
    post(addr, &headers(key, method, &id), &body(2, method, params))
        .await
        .json()
}

async fn get(addr: SocketAddr, key: &str, id: &str) -> Value {
    task_request(addr, key, "tasks/get", json!({"taskId": id})).await
}

async fn until(addr: SocketAddr, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    tokio::time::timeout(HANG_GUARD, async {
        loop {
            let reply = get(addr, "alice-key", id).await;
            let task = &reply["result"];
            if done(task) {
                return task.clone();
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("the task did not reach the expected state")
}

fn ended(task: &Value) -> bool {
    matches!(
        task["status"].as_str(),
        Some("completed" | "failed" | "cancelled")
    )
}

#[tokio::test]
async fn a_task_shows_progress_and_keeps_its_result_after_its_request() {
    let probes = Probes::default();
    let s = serve_tasks(&probes, None).await;
    let addr = s.local_addr();
    // The request that started the task has been answered and closed here.
    let id = start_task(addr, "alice-key", "report").await;
    let running = until(addr, &id, |t| t["statusMessage"] == "halfway").await;
    assert_eq!(running["status"], "working");
    probes.gate.add_permits(1);
    let done = until(addr, &id, ended).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["result"]["structuredContent"]["Data"], "the report");
}

#[tokio::test]
async fn cancelling_a_task_stops_its_work() {
    let probes = Probes::default();
    let s = serve_tasks(&probes, None).await;
    let addr = s.local_addr();
    let id = start_task(addr, "alice-key", "busy").await;
    let ack = task_request(addr, "alice-key", "tasks/cancel", json!({"taskId": id})).await;
    assert_eq!(ack["result"]["resultType"], "complete", "{ack}");
    assert_eq!(
        ack["result"]["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "tasks",
        "{ack}"
    );
    let task = until(addr, &id, ended).await;
    assert_eq!(task["status"], "cancelled");
    // The tool's future was dropped, and its counting stopped with it.
    assert!(probes.stopped.load(Ordering::SeqCst));
    let after = probes.steps.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(probes.steps.load(Ordering::SeqCst), after);
}

#[tokio::test]
async fn a_task_expires_with_its_time_to_live() {
    let probes = Probes::default();
    let s = serve_tasks(&probes, Some(Duration::from_millis(500))).await;
    let addr = s.local_addr();
    let id = start_task(addr, "alice-key", "report").await;
    probes.gate.add_permits(1);
    let done = until(addr, &id, ended).await;
    assert_eq!(done["ttlMs"], 500);
    tokio::time::sleep(Duration::from_millis(600)).await;
    let gone = get(addr, "alice-key", &id).await;
    assert_eq!(gone["error"]["code"], -32602, "{gone}");
}

#[tokio::test]
async fn another_caller_is_refused_as_if_the_task_did_not_exist() {
    let probes = Probes::default();
    let s = serve_tasks(&probes, None).await;
    let addr = s.local_addr();
    let id = start_task(addr, "alice-key", "report").await;
    for method in ["tasks/get", "tasks/cancel"] {
        let refused = task_request(addr, "bob-key", method, json!({"taskId": id})).await;
        assert_eq!(refused["error"]["code"], -32602, "{method}: {refused}");
        assert!(refused.get("result").is_none());
    }
    let refused = task_request(
        addr,
        "bob-key",
        "tasks/update",
        json!({"taskId": id, "inputResponses": {}}),
    )
    .await;
    assert_eq!(refused["error"]["code"], -32602);
    probes.gate.add_permits(1);
    assert_eq!(until(addr, &id, ended).await["status"], "completed");
}

#[tokio::test]
async fn task_requests_must_name_their_task_in_mcp_name() {
    let probes = Probes::default();
    let s = serve_tasks(&probes, None).await;
    let addr = s.local_addr();
    let id = start_task(addr, "alice-key", "report").await;
    let reply = post(
        addr,
        &headers("alice-key", "tasks/get", "another-task"),
        &body(3, "tasks/get", json!({"taskId": id})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["error"]["code"], -32020);
    probes.gate.add_permits(1);
}

#[tokio::test]
async fn a_2025_client_gets_the_result_with_progress_on_its_stream() {
    let probes = Probes::default();
    probes.gate.add_permits(1);
    let s = serve_tasks(&probes, None).await;
    let request = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "report", "arguments": {}, "_meta": {"progressToken": "p"}}});
    let reply = post(
        s.local_addr(),
        &with(mcp_headers(Some("2025-11-25")), "x-api-key", "alice-key"),
        &request,
    )
    .await;
    assert_eq!(reply.content_type(), "text/event-stream", "{}", reply.body);
    let events = reply.events();
    let messages: Vec<_> = events
        .iter()
        .filter(|e| e["method"] == "notifications/progress")
        .map(|e| e["params"]["message"].clone())
        .collect();
    assert_eq!(messages, [json!("halfway"), json!("done")]);
    let last = events.last().unwrap();
    assert_eq!(last["result"]["structuredContent"]["Data"], "the report");
    assert!(last["result"].get("taskId").is_none());
}
