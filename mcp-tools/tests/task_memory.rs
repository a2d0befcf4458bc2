//! What a task costs at rest: growth of the resident set per idle task, on
//! Linux (the workspace forbids `unsafe`, so no counting allocator). Run with
//! `cargo test -p mcp-tools --test task_memory -- --nocapture` to see the figures.
#![allow(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

use std::sync::Arc;
use std::time::Duration;

use mcp_tools::task::TaskSupport;
use mcp_tools::{
    Caller, Client, NoArguments, ProtocolVersion, Server, Tool, ToolContext, ToolResult,
};
use serde_json::json;
use tokio::sync::Semaphore;

/// Resident memory of this process in bytes (Linux), or `None` elsewhere.
fn resident() -> Option<usize> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: usize = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

const TASKS: usize = 20_000;

fn client(server: Server) -> Client {
    Client::new(server)
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .with_capabilities(json!({"extensions": {"io.modelcontextprotocol/tasks": {}}}))
        .with_caller(Caller::new("alice"))
}

async fn start_tasks(client: &Client, tool: &str) -> Vec<String> {
    let mut ids = Vec::with_capacity(TASKS);
    for _ in 0..TASKS {
        let created = client
            .request("tools/call", json!({"name": tool, "arguments": {}}))
            .await
            .unwrap();
        assert_eq!(created["resultType"], "task");
        ids.push(created["taskId"].as_str().unwrap().to_owned());
    }
    ids
}

async fn settle() {
    for _ in 0..50 {
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(20)).await;
}

#[tokio::test]
async fn idle_tasks_cost_little() {
    let gate = Arc::new(Semaphore::new(0));
    let waiting = gate.clone();
    let server = Server::builder("memory", "1.0.0")
        .task_immediate_window(Duration::ZERO)
        .tool(
            Tool::builder("finished")
                .description("Answers at once.")
                .read_only()
                .task(TaskSupport::Optional)
                .handler(|_: NoArguments, _cx: ToolContext| async { ToolResult::Ok("done") }),
        )
        .tool(
            Tool::builder("parked")
                .description("Waits for the test.")
                .read_only()
                .task(TaskSupport::Optional)
                .handler(move |_: NoArguments, _cx: ToolContext| {
                    let gate = waiting.clone();
                    async move {
                        let _permit = gate.acquire().await.unwrap();
                        ToolResult::Ok("released")
                    }
                }),
        )
        .build()
        .unwrap();
    let client = client(server);
    // Warm up lazily allocated state (runtime, timers, maps).
    drop(start_tasks_n(&client, "finished", 10).await);
    settle().await;

    let Some(before) = resident() else {
        eprintln!("no /proc/self/statm: nothing measured");
        return;
    };
    let ids = start_tasks(&client, "finished").await;
    settle().await;
    let finished = resident().unwrap().saturating_sub(before) / TASKS;
    let last = client
        .request("tasks/get", json!({"taskId": ids[TASKS - 1]}))
        .await
        .unwrap();
    assert_eq!(last["status"], "completed");
    drop(ids);

    let before = resident().unwrap();
    let ids = start_tasks(&client, "parked").await;
    settle().await;
    let parked = resident().unwrap().saturating_sub(before) / TASKS;
    let last = client
        .request("tasks/get", json!({"taskId": ids[TASKS - 1]}))
        .await
        .unwrap();
    assert_eq!(last["status"], "working");

    println!("resident growth per completed task (its record): {finished} bytes");
    println!("resident growth per parked running task (record, worker, future): {parked} bytes");
    assert!(finished < 4_096, "a completed task holds {finished} bytes");
    assert!(parked < 32_768, "a parked task holds {parked} bytes");
    gate.add_permits(TASKS);
}

async fn start_tasks_n(client: &Client, tool: &str, n: usize) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..n {
        let created = client
            .request("tools/call", json!({"name": tool, "arguments": {}}))
            .await
            .unwrap();
        ids.push(created["taskId"].as_str().unwrap_or_default().to_owned());
    }
    ids
}
