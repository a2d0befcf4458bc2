//! The tasks extension in process: calls handed out as tasks, progress while
//! they run, input through `tasks/update`, cancellation that stops the work,
//! time to live, ownership, dead workers, and the call policy applying to
//! task creation exactly as to a direct call.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mcp_tools::task::{MemoryTaskStore, TaskRecord, TaskStore, TaskSupport};
use mcp_tools::transport::jsonrpc::ErrorObject;
use mcp_tools::{
    Caller, Client, Confirmation, FromToolContext, NoArguments, ProtocolVersion, Server,
    ServerBuilder, Tool, ToolContext, ToolResult,
};
use serde_json::{Value, json};
use tokio::sync::{Semaphore, oneshot};

/// How long a test waits for something that should happen at once: only a
/// guard against hanging, never part of what is asserted.
const HANG_GUARD: Duration = Duration::from_secs(10);

fn client(server: Server, caller: &str) -> Client {
    Client::new(server)
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .with_capabilities(json!({
            "elicitation": {},
            "extensions": {"io.modelcontextprotocol/tasks": {}}
        }))
        .with_caller(Caller::new(caller))
}

/// A tool that reports progress, then waits until the test opens `gate`.
fn gated(gate: Arc<Semaphore>) -> Tool {
    Tool::builder("gated")
        .description("Reports halfway, then waits for the test.")
        .read_only()
        .task(TaskSupport::Optional)
        .handler(move |_: NoArguments, cx: ToolContext| {
            let gate = gate.clone();
            async move {
                cx.progress(1.0, Some(2.0), Some("halfway"));
                let _permit = gate.acquire().await.unwrap();
                ToolResult::Ok("finished")
            }
        })
}

fn builder() -> ServerBuilder {
    Server::builder("tasks", "1.0.0")
}

async fn start(client: &Client, tool: &str, arguments: Value) -> String {
    let created = client
        .request("tools/call", json!({"name": tool, "arguments": arguments}))
        .await
        .unwrap();
    assert_eq!(created["resultType"], "task", "{created}");
    assert!(created.get("result").is_none() && created.get("requestState").is_none());
    created["taskId"].as_str().unwrap().to_owned()
}

async fn get(client: &Client, id: &str) -> Result<Value, ErrorObject> {
    client.request("tasks/get", json!({"taskId": id})).await
}

/// Polls `tasks/get` until `done` holds.
async fn until(client: &Client, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    tokio::time::timeout(HANG_GUARD, async {
        loop {
            let task = get(client, id).await.unwrap();
            if done(&task) {
                return task;
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
async fn progress_shows_while_running_and_the_result_stays_after_the_request() {
    let gate = Arc::new(Semaphore::new(0));
    let server = builder().tool(gated(gate.clone())).build().unwrap();
    let alice = client(server, "alice");
    let id = start(&alice, "gated", json!({})).await;
    let running = until(&alice, &id, |t| t["statusMessage"] == "halfway").await;
    assert_eq!(running["status"], "working");
    assert_eq!(running["resultType"], "complete");
    assert!(running.get("result").is_none());
    gate.add_permits(1);
    let done = until(&alice, &id, ended).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(done["result"]["isError"], false);
    assert!(
        done["result"]["content"][0]["text"]
            .as_str()
            .unwrap()
            .contains("finished")
    );
    // Polling again gives the same result: it outlives every request.
    assert_eq!(get(&alice, &id).await.unwrap()["result"], done["result"]);
}

#[tokio::test]
async fn cancel_stops_the_work() {
    let steps = Arc::new(AtomicUsize::new(0));
    let (dropped_tx, dropped_rx) = oneshot::channel::<()>();
    let dropped_tx = Arc::new(std::sync::Mutex::new(Some(dropped_tx)));
    struct OnDrop(Arc<std::sync::Mutex<Option<oneshot::Sender<()>>>>);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            if let Some(tx) = self.0.lock().unwrap().take() {
                let _ = tx.send(());
            }
        }
    }
    let counter = steps.clone();
    let tool = Tool::builder("busy")
        .description("Counts until stopped.")
        .read_only()
        .task(TaskSupport::Optional)
        .handler(move |_: NoArguments, _cx: ToolContext| {
            let counter = counter.clone();
            let guard = OnDrop(dropped_tx.clone());
            async move {
                let _guard = guard;
                loop {
                    counter.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    if counter.load(Ordering::SeqCst) == usize::MAX {
                        break;
                    }
                }
                ToolResult::Ok("never")
            }
        });
    // No grace period: the tool ignores cancellation, and is dropped at once.
    let server = builder()
        .task_immediate_window(Duration::ZERO)
        .cancellation_grace(Duration::ZERO)
        .tool(tool)
        .build()
        .unwrap();
    let alice = client(server, "alice");
    let id = start(&alice, "busy", json!({})).await;
    let ack = alice
        .request("tasks/cancel", json!({"taskId": id}))
        .await
        .unwrap();
    assert_eq!(without_server_info(ack), json!({"resultType": "complete"}));
    tokio::time::timeout(HANG_GUARD, dropped_rx)
        .await
        .expect("the tool's future was not dropped")
        .unwrap();
    let after = steps.load(Ordering::SeqCst);
    let task = until(&alice, &id, ended).await;
    assert_eq!(task["status"], "cancelled");
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert_eq!(
        steps.load(Ordering::SeqCst),
        after,
        "the work went on after cancel"
    );
    // Cancelling an ended task is the same empty acknowledgement.
    let again = alice
        .request("tasks/cancel", json!({"taskId": id}))
        .await
        .unwrap();
    assert_eq!(
        without_server_info(again),
        json!({"resultType": "complete"})
    );
}

#[tokio::test]
async fn tasks_are_forgotten_after_their_time_to_live() {
    let gate = Arc::new(Semaphore::new(0));
    let server = builder()
        .task_ttl(Some(Duration::from_millis(500)))
        .task_immediate_window(Duration::ZERO)
        .tool(gated(gate.clone()))
        .build()
        .unwrap();
    let alice = client(server, "alice");
    let id = start(&alice, "gated", json!({})).await;
    let task = get(&alice, &id).await.unwrap();
    assert_eq!(task["ttlMs"], 500);
    gate.add_permits(1);
    until(&alice, &id, ended).await;
    tokio::time::sleep(Duration::from_millis(600)).await;
    let gone = get(&alice, &id).await.unwrap_err();
    assert_eq!(gone.code, -32602, "{}", gone.message);
}

#[tokio::test]
async fn another_caller_cannot_see_or_touch_a_task() {
    let gate = Arc::new(Semaphore::new(0));
    let server = builder().tool(gated(gate.clone())).build().unwrap();
    let alice = client(server.clone(), "alice");
    let mallory = client(server, "mallory");
    let id = start(&alice, "gated", json!({})).await;
    for (method, params) in [
        ("tasks/get", json!({"taskId": id})),
        ("tasks/update", json!({"taskId": id, "inputResponses": {}})),
        ("tasks/cancel", json!({"taskId": id})),
    ] {
        let refused = mallory.request(method, params).await.unwrap_err();
        assert_eq!(refused.code, -32602, "{method}: {}", refused.message);
        assert!(
            refused.message.contains("unknown task"),
            "{}",
            refused.message
        );
    }
    // Mallory's cancel did nothing.
    gate.add_permits(1);
    assert_eq!(until(&alice, &id, ended).await["status"], "completed");
}

#[tokio::test]
async fn input_requests_wait_for_tasks_update() {
    let tool = Tool::builder("confirm")
        .description("Asks, then answers with what it was told.")
        .read_only()
        .task(TaskSupport::Optional)
        .handler(|_: NoArguments, cx: ToolContext| async move {
            let answer = cx
                .request_client(
                    "elicitation/create",
                    json!({"message": "Sure?", "requestedSchema": {"type": "object"}}),
                )
                .await
                .map_err(|e| mcp_tools::ToolError::invalid_input(e.message))?;
            ToolResult::Ok(answer)
        });
    let server = builder().tool(tool).build().unwrap();
    let alice = client(server, "alice");
    let id = start(&alice, "confirm", json!({})).await;
    let waiting = until(&alice, &id, |t| t["status"] == "input_required").await;
    let requests = waiting["inputRequests"].as_object().unwrap();
    assert_eq!(requests.len(), 1);
    let (key, request) = requests.iter().next().unwrap();
    assert_eq!(request["method"], "elicitation/create");
    let ack = alice
        .request(
            "tasks/update",
            json!({"taskId": id, "inputResponses": {"not-asked": {}}}),
        )
        .await
        .unwrap();
    assert_eq!(without_server_info(ack), json!({"resultType": "complete"}));
    assert_eq!(get(&alice, &id).await.unwrap()["status"], "input_required");
    alice
        .request(
            "tasks/update",
            json!({"taskId": id, "inputResponses": {key: {"action": "accept", "content": {"ok": true}}}}),
        )
        .await
        .unwrap();
    let done = until(&alice, &id, ended).await;
    assert_eq!(done["status"], "completed");
    assert_eq!(
        done["result"]["structuredContent"]["Data"]["content"]["ok"], true,
        "{done}"
    );
}

#[tokio::test]
async fn clients_without_the_extension_get_a_direct_answer_or_32021() {
    let gate = Arc::new(Semaphore::new(1));
    let required = Tool::builder("only_task")
        .description("Runs only as a task.")
        .read_only()
        .task(TaskSupport::Required)
        .handler(|_: NoArguments, _cx: ToolContext| async move { ToolResult::Ok("ran") });
    let server = builder().tool(gated(gate)).tool(required).build().unwrap();
    // A 2025 client: the same tool answers in its request, with progress.
    let old = Client::new(server.clone()).with_caller(Caller::new("alice"));
    let outcome = old
        .call_with_progress("gated", json!({}), "p1")
        .await
        .unwrap();
    assert!(!outcome.is_error());
    assert!(outcome.result().get("taskId").is_none());
    let progress: Vec<_> = old
        .notifications()
        .into_iter()
        .filter(|n| n.method == "notifications/progress")
        .collect();
    assert_eq!(progress.len(), 1, "{progress:?}");
    assert_eq!(progress[0].params.as_ref().unwrap()["message"], "halfway");
    let refused = old.call("only_task", json!({})).await.unwrap_err();
    assert_eq!(refused.code, -32021);
    assert!(
        refused.data.unwrap()["requiredCapabilities"]["extensions"]
            .get("io.modelcontextprotocol/tasks")
            .is_some()
    );
    // A 2026-07-28 client that did not declare the extension: same, and the
    // tasks methods are refused with -32021.
    let plain = Client::new(server)
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .with_caller(Caller::new("alice"));
    let direct = plain
        .request("tools/call", json!({"name": "gated", "arguments": {}}))
        .await
        .unwrap();
    assert_eq!(direct["resultType"], "complete");
    let refused = plain
        .request("tasks/get", json!({"taskId": "x"}))
        .await
        .unwrap_err();
    assert_eq!(refused.code, -32021);
}

#[tokio::test]
async fn a_task_whose_worker_died_is_reported_failed() {
    let store = Arc::new(MemoryTaskStore::new());
    let now = u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap();
    // Left working by a process that is gone: its lease ran out a minute ago.
    store
        .create(TaskRecord::new(
            "orphan".into(),
            Some("alice".into()),
            "gated".into(),
            now - 120_000,
            None,
            1_000,
            now - 60_000,
        ))
        .await
        .unwrap();
    let server = builder()
        .task_store(store.clone())
        .tool(gated(Arc::new(Semaphore::new(0))))
        .build()
        .unwrap();
    let alice = client(server, "alice");
    let task = get(&alice, "orphan").await.unwrap();
    assert_eq!(task["status"], "failed");
    assert_eq!(task["error"]["code"], -32603);
    assert!(task.get("result").is_none());
    assert_eq!(
        store.get("orphan").await.unwrap().unwrap().status.as_str(),
        "failed"
    );
}

#[tokio::test]
async fn refusals_and_dry_runs_answer_in_the_request() {
    let done = Arc::new(AtomicUsize::new(0));
    let count = done.clone();
    let delete = Tool::builder("delete_all")
        .description("Deletes everything; dry run first.")
        .destructive()
        .confirm()
        .uses::<Confirmation>()
        .task(TaskSupport::Optional)
        .handler(move |_: NoArguments, cx: ToolContext| {
            let count = count.clone();
            async move {
                let confirm = Confirmation::from_tool_context(&cx)?;
                confirm.preview(&json!({"deletes": "everything"})).await?;
                count.fetch_add(1, Ordering::SeqCst);
                ToolResult::Ok("deleted")
            }
        });
    let admin = Tool::builder("admin_only")
        .description("Needs the admin scope.")
        .read_only()
        .scopes(["admin"])
        .task(TaskSupport::Optional)
        .handler(|_: NoArguments, _cx: ToolContext| async move { ToolResult::Ok("secret") });
    let server = builder()
        .confirmation_secret(*b"an example secret of 32 bytes!!!")
        .task_immediate_window(Duration::ZERO)
        .tool(delete)
        .tool(admin)
        .build()
        .unwrap();
    let alice = client(server, "alice");
    // Permission is decided before any task exists.
    let refused = alice
        .request("tools/call", json!({"name": "admin_only", "arguments": {}}))
        .await
        .unwrap();
    assert_eq!(refused["resultType"], "complete");
    assert_eq!(refused["isError"], true);
    // The dry run answers at once with its token…
    let dry = alice
        .request("tools/call", json!({"name": "delete_all", "arguments": {}}))
        .await
        .unwrap();
    assert_eq!(dry["resultType"], "complete", "{dry}");
    let token = dry["structuredContent"]["Data"]["ConfirmationToken"]
        .as_str()
        .unwrap();
    assert_eq!(done.load(Ordering::SeqCst), 0);
    // …and the confirmed call runs as a task.
    let id = start(&alice, "delete_all", json!({"confirmationToken": token})).await;
    let task = until(&alice, &id, ended).await;
    assert_eq!(task["status"], "completed", "{task}");
    assert_eq!(done.load(Ordering::SeqCst), 1);
}

/// Builds the quarterly report; only as a task.
#[mcp_tools::tool(read_only, task = "required")]
async fn quarterly_report() -> ToolResult<&'static str> {
    Ok("report")
}

#[tokio::test]
async fn the_task_key_of_the_macro_declares_task_support() {
    let server = builder().tool(quarterly_report::tool()).build().unwrap();
    let old = Client::new(server.clone()).with_caller(Caller::new("alice"));
    let refused = old.call("quarterly_report", json!({})).await.unwrap_err();
    assert_eq!(refused.code, -32021);
    let alice = client(server, "alice");
    let answer = alice
        .request(
            "tools/call",
            json!({"name": "quarterly_report", "arguments": {}}),
        )
        .await
        .unwrap();
    // Quick enough to answer in its request.
    assert_eq!(answer["resultType"], "complete", "{answer}");
}

#[tokio::test]
async fn a_call_whose_request_goes_away_before_its_task_is_handed_out_stops() {
    let (dropped_tx, dropped_rx) = oneshot::channel::<()>();
    let dropped_tx = Arc::new(std::sync::Mutex::new(Some(dropped_tx)));
    let tool = Tool::builder("stuck")
        .description("Waits forever.")
        .read_only()
        .task(TaskSupport::Optional)
        .handler(move |_: NoArguments, _cx: ToolContext| {
            let dropped_tx = dropped_tx.clone();
            async move {
                struct Signal(Arc<std::sync::Mutex<Option<oneshot::Sender<()>>>>);
                impl Drop for Signal {
                    fn drop(&mut self) {
                        if let Some(tx) = self.0.lock().unwrap().take() {
                            let _ = tx.send(());
                        }
                    }
                }
                let _signal = Signal(dropped_tx);
                std::future::pending::<()>().await;
                ToolResult::Ok("never")
            }
        });
    let server = builder()
        .task_immediate_window(Duration::from_secs(3600))
        .cancellation_grace(Duration::ZERO)
        .tool(tool)
        .build()
        .unwrap();
    let alice = client(server, "alice");
    let call = alice.request("tools/call", json!({"name": "stuck", "arguments": {}}));
    // The client gives up while the server still waits in its window.
    assert!(
        tokio::time::timeout(Duration::from_millis(50), call)
            .await
            .is_err()
    );
    tokio::time::timeout(HANG_GUARD, dropped_rx)
        .await
        .expect("the abandoned call kept running")
        .unwrap();
}

#[tokio::test]
async fn questions_before_the_task_go_through_the_request_and_the_retry_creates_it() {
    let tool = Tool::builder("greet_later")
        .description("Asks a name, then greets as a task.")
        .read_only()
        .task(TaskSupport::Required)
        .handler(|_: NoArguments, cx: ToolContext| async move {
            let answer = cx
                .request_client_before_task(
                    "elicitation/create",
                    json!({"message": "Name?", "requestedSchema": {"type": "object"}}),
                )
                .await
                .map_err(|e| mcp_tools::ToolError::invalid_input(e.message))?;
            ToolResult::Ok(format!(
                "Hello, {}",
                answer["content"]["name"].as_str().unwrap_or("?")
            ))
        });
    let server = builder()
        .task_immediate_window(Duration::ZERO)
        .tool(tool)
        .build()
        .unwrap();
    let alice = client(server, "alice");
    let first = alice
        .request(
            "tools/call",
            json!({"name": "greet_later", "arguments": {}}),
        )
        .await
        .unwrap();
    assert_eq!(first["resultType"], "input_required", "{first}");
    assert!(first.get("taskId").is_none());
    let key = first["inputRequests"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    let id = start_with(
        &alice,
        json!({
            "name": "greet_later",
            "arguments": {},
            "inputResponses": {key: {"action": "accept", "content": {"name": "Ada"}}},
            "requestState": first["requestState"],
        }),
    )
    .await;
    let done = until(&alice, &id, ended).await;
    assert_eq!(
        done["result"]["structuredContent"]["Data"], "Hello, Ada",
        "{done}"
    );
}

async fn start_with(client: &Client, params: Value) -> String {
    let created = client.request("tools/call", params).await.unwrap();
    assert_eq!(created["resultType"], "task", "{created}");
    assert!(created.get("requestState").is_none() && created.get("inputRequests").is_none());
    created["taskId"].as_str().unwrap().to_owned()
}

/// A 2026-07-28 result without the `serverInfo` every result carries in `_meta`.
fn without_server_info(mut result: Value) -> Value {
    if let Some(members) = result.as_object_mut() {
        members.remove("_meta");
    }
    result
}
