//! `RedisTaskStore` behaves as `MemoryTaskStore` does (the same checks run
//! against both), and a task created on one replica is polled and cancelled
//! through another.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mcp_tools::task::{
    MemoryTaskStore, TaskProgress, TaskRecord, TaskStatus, TaskStore, TaskSupport, TaskUpdate,
};
use mcp_tools::{
    Caller, Client, NoArguments, ProtocolVersion, Server, Tool, ToolContext, ToolResult,
};
use mcp_tools_redis::RedisTaskStore;
use serde_json::{Map, Value, json};

use crate::server::redis_or_skip;

/// Only a guard against hanging, never part of what is asserted.
const HANG_GUARD: Duration = Duration::from_secs(10);

fn now_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

fn record(id: &str, created_at_ms: u64, ttl_ms: Option<u64>) -> TaskRecord {
    TaskRecord::new(
        id.into(),
        Some("alice".into()),
        "export".into(),
        created_at_ms,
        ttl_ms,
        1_000,
        created_at_ms + 30_000,
    )
}

/// What every task store must do; run against each store below.
async fn behaves_as_a_task_store(store: &dyn TaskStore) {
    let now = now_ms();
    assert_eq!(store.get("t1").await.unwrap(), None);
    assert_eq!(
        store.update("t1", TaskUpdate::RequestCancel).await.unwrap(),
        None
    );

    // Strongly consistent create: readable as written at once.
    let created = record("t1", now, Some(60_000));
    store.create(created.clone()).await.unwrap();
    assert_eq!(store.get("t1").await.unwrap(), Some(created.clone()));

    // Updates mean what `TaskRecord::apply` says.
    let progress = TaskUpdate::Progress {
        progress: TaskProgress {
            progress: 1.0,
            total: Some(4.0),
        },
        message: None,
    };
    let after = store.update("t1", progress.clone()).await.unwrap().unwrap();
    let mut expected = created.clone();
    expected.apply(progress, after.updated_at_ms);
    assert_eq!(after, expected);
    assert_eq!(after.status_message.as_deref(), Some("1 of 4"));
    assert_eq!(store.get("t1").await.unwrap(), Some(after.clone()));

    let ask = TaskUpdate::Ask {
        key: "k1".into(),
        request: json!({"method": "elicitation/create"}),
    };
    let asked = store.update("t1", ask).await.unwrap().unwrap();
    assert_eq!(asked.status, TaskStatus::InputRequired);
    let mut responses = Map::new();
    responses.insert("k1".into(), json!({"action": "accept"}));
    responses.insert("unknown".into(), json!(1));
    let answered = store
        .update("t1", TaskUpdate::Answer { responses })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answered.status, TaskStatus::Working);
    assert_eq!(answered.responses.keys().collect::<Vec<_>>(), ["k1"]);
    let consumed = store
        .update("t1", TaskUpdate::Consume { key: "k1".into() })
        .await
        .unwrap()
        .unwrap();
    assert!(consumed.responses.is_empty());

    let cancelled = store
        .update("t1", TaskUpdate::RequestCancel)
        .await
        .unwrap()
        .unwrap();
    assert!(cancelled.cancel_requested);
    let finish = |status| TaskUpdate::Finish {
        status,
        message: Some("stopped".into()),
        result: None,
        error: None,
    };
    let ended = store
        .update("t1", finish(TaskStatus::Cancelled))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(ended.status, TaskStatus::Cancelled);
    // An ended task does not change any more.
    let again = store
        .update("t1", finish(TaskStatus::Completed))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.status, TaskStatus::Cancelled);

    // Other tasks are untouched; remove forgets one task.
    store.create(record("t2", now, None)).await.unwrap();
    store.remove("t1").await.unwrap();
    assert_eq!(store.get("t1").await.unwrap(), None);
    assert_eq!(
        store.get("t2").await.unwrap().unwrap().status,
        TaskStatus::Working
    );
    store.remove("never-created").await.unwrap();

    // Past its time to live a task reads as absent and cannot be changed.
    store
        .create(record("old", now - 10_000, Some(5_000)))
        .await
        .unwrap();
    assert_eq!(store.get("old").await.unwrap(), None);
    assert_eq!(
        store
            .update("old", TaskUpdate::RequestCancel)
            .await
            .unwrap(),
        None
    );
}

/// Concurrent updates from several writers: none is lost.
async fn keeps_every_concurrent_update(stores: &[Arc<dyn TaskStore>]) {
    stores[0]
        .create(record("race", now_ms(), Some(60_000)))
        .await
        .unwrap();
    let writers: Vec<_> = (0..24)
        .map(|n| {
            let store = stores[n % stores.len()].clone();
            tokio::spawn(async move {
                let ask = TaskUpdate::Ask {
                    key: format!("k{n}"),
                    request: json!({"n": n}),
                };
                store.update("race", ask).await.unwrap().unwrap();
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let task = stores[1 % stores.len()].get("race").await.unwrap().unwrap();
    assert_eq!(
        task.input_requests.len(),
        24,
        "{:?}",
        task.input_requests.keys()
    );
}

#[tokio::test]
async fn the_memory_store_passes_the_task_store_checks() {
    behaves_as_a_task_store(&MemoryTaskStore::new()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_memory_store_keeps_concurrent_updates() {
    keeps_every_concurrent_update(&[Arc::new(MemoryTaskStore::new())]).await;
}

#[tokio::test]
async fn the_redis_store_passes_the_task_store_checks() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    behaves_as_a_task_store(&RedisTaskStore::new(&redis)).await;
    // The expired task is gone from Redis too, not only hidden; t2 has no expiry.
    let keys: Vec<String> = server.command(&["KEYS", "mcp:task:*"]);
    assert_eq!(keys, ["mcp:task:t2"]);
    let ttl: i64 = server.command(&["PTTL", "mcp:task:t2"]);
    assert_eq!(ttl, -1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_redis_store_keeps_concurrent_updates_from_two_replicas() {
    let server = redis_or_skip!();
    let a = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let b = mcp_tools_redis::connect(&server.url()).await.unwrap();
    keeps_every_concurrent_update(&[
        Arc::new(RedisTaskStore::new(&a)),
        Arc::new(RedisTaskStore::new(&b)),
    ])
    .await;
}

#[tokio::test]
async fn a_task_expires_in_redis_with_its_time_to_live() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let store = RedisTaskStore::new(&redis);
    store
        .create(record("t", now_ms(), Some(60_000)))
        .await
        .unwrap();
    let ttl: i64 = server.command(&["PTTL", "mcp:task:t"]);
    assert!((55_000..=60_000).contains(&ttl), "{ttl} ms");
    // Updates keep the expiry set at creation.
    store
        .update("t", TaskUpdate::RequestCancel)
        .await
        .unwrap()
        .unwrap();
    let ttl: i64 = server.command(&["PTTL", "mcp:task:t"]);
    assert!((55_000..=60_000).contains(&ttl), "{ttl} ms");
}

#[tokio::test]
async fn a_record_that_is_not_a_task_is_an_error_not_a_panic() {
    let server = redis_or_skip!();
    let redis = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let store = RedisTaskStore::new(&redis);
    let _: i64 = server.command(&["HSET", "mcp:task:bad", "v", "0", "r", "{not json"]);
    let error = store.get("bad").await.unwrap_err();
    assert!(error.message().contains("not a task record"), "{error}");
}

fn replica(store: &RedisTaskStore) -> Server {
    let tool = Tool::builder("wait")
        .description("Reports that it waits, then waits until cancelled.")
        .read_only()
        .task(TaskSupport::Optional)
        .handler(|_: NoArguments, cx: ToolContext| async move {
            cx.progress(1.0, None, Some("waiting"));
            std::future::pending::<()>().await;
            ToolResult::Ok("never")
        });
    Server::builder("replicated", "1.0.0")
        .task_store(Arc::new(store.clone()))
        .task_immediate_window(Duration::ZERO)
        // Workers look at the store for a cancel every lease / 3.
        .task_lease(Duration::from_millis(300))
        // The tool ignores cancellation: dropped at once, no grace period.
        .cancellation_grace(Duration::ZERO)
        .tool(tool)
        .build()
        .unwrap()
}

fn client(server: Server, caller: &str) -> Client {
    Client::new(server)
        .with_protocol_version(ProtocolVersion::V2026_07_28)
        .with_capabilities(json!({"extensions": {"io.modelcontextprotocol/tasks": {}}}))
        .with_caller(Caller::new(caller))
}

async fn until(client: &Client, id: &str, done: impl Fn(&Value) -> bool) -> Value {
    tokio::time::timeout(HANG_GUARD, async {
        loop {
            let task = client
                .request("tasks/get", json!({"taskId": id}))
                .await
                .unwrap();
            if done(&task) {
                return task;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the task did not reach the expected state")
}

#[tokio::test]
async fn a_task_started_on_one_replica_is_polled_and_cancelled_on_another() {
    let server = redis_or_skip!();
    let a = RedisTaskStore::new(&mcp_tools_redis::connect(&server.url()).await.unwrap());
    let b = RedisTaskStore::new(&mcp_tools_redis::connect(&server.url()).await.unwrap());
    let (on_a, on_b) = (client(replica(&a), "alice"), client(replica(&b), "alice"));

    let created = on_a
        .request("tools/call", json!({"name": "wait", "arguments": {}}))
        .await
        .unwrap();
    assert_eq!(created["resultType"], "task", "{created}");
    let id = created["taskId"].as_str().unwrap().to_owned();

    // Replica B sees the progress replica A's worker reports.
    let running = until(&on_b, &id, |t| t["statusMessage"] == "waiting").await;
    assert_eq!(running["status"], "working");
    // Another caller sees nothing, on either replica.
    let mallory = client(replica(&b), "mallory");
    let hidden = mallory
        .request("tasks/get", json!({"taskId": id}))
        .await
        .unwrap_err();
    assert_eq!(hidden.code, -32602, "{}", hidden.message);

    let ack = on_b
        .request("tasks/cancel", json!({"taskId": id}))
        .await
        .unwrap();
    assert_eq!(ack["resultType"], "complete", "{ack}");
    // Replica A's worker stops, and both replicas report the task cancelled.
    let on_a_view = until(&on_a, &id, |t| t["status"] != "working").await;
    assert_eq!(on_a_view["status"], "cancelled", "{on_a_view}");
    let on_b_view = until(&on_b, &id, |t| t["status"] != "working").await;
    assert_eq!(on_b_view["status"], "cancelled", "{on_b_view}");
}

#[tokio::test]
async fn a_lost_redis_fails_the_task_request_and_invents_nothing() {
    let mut server = redis_or_skip!();
    let store = RedisTaskStore::new(&mcp_tools_redis::connect(&server.url()).await.unwrap());
    let alice = client(replica(&store), "alice");
    server.kill();
    let error = alice
        .request("tasks/get", json!({"taskId": "any"}))
        .await
        .unwrap_err();
    assert_eq!(error.code, -32603, "{}", error.message);
    assert!(
        error.message.contains("task store (Redis)"),
        "{}",
        error.message
    );
    let error = store
        .update("any", TaskUpdate::RequestCancel)
        .await
        .unwrap_err();
    assert!(
        error.message().contains("retry in a few seconds"),
        "{error}"
    );
    let error = store
        .create(record("new", now_ms(), None))
        .await
        .unwrap_err();
    assert!(
        error.message().contains("cannot create the task"),
        "{error}"
    );
}
