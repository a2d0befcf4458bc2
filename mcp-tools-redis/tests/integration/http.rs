//! The HTTP transport with its events in Redis: a POST stream whose
//! connection dropped mid-call is resumed with `Last-Event-ID` from what Redis
//! holds, and another replica's connection reads the same events.

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::BodyExt;
use mcp_test_client::{ANSWER_WITHIN, open, send};
use mcp_tools::{NoArguments, Server, Tool, ToolContext, ToolResult};
use mcp_tools_redis::RedisEventStore;
use mcp_transport_http::event_store::{EventId, EventStore};
use mcp_transport_http::{McpService, serve};
use serde_json::{Value, json};
use tokio::sync::Notify;

use crate::server::redis_or_skip;

const VERSION: &str = "2025-11-25";

/// Reads SSE events as `(id, data)` from a streaming response.
pub(crate) struct Events {
    body: hyper::body::Incoming,
    buffer: Vec<u8>,
}

impl Events {
    pub(crate) fn new(response: http::Response<hyper::body::Incoming>) -> Self {
        assert_eq!(response.status(), 200);
        Self {
            body: response.into_body(),
            buffer: Vec::new(),
        }
    }

    pub(crate) async fn next(&mut self) -> Option<(Option<String>, String)> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let raw: Vec<u8> = self.buffer.drain(..end + 2).collect();
                let (mut id, mut data) = (None, String::new());
                for line in String::from_utf8(raw).unwrap().lines() {
                    if let Some(value) = line.strip_prefix("id:") {
                        id = Some(value.trim_start().to_owned());
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim_start());
                    }
                }
                return Some((id, data));
            }
            let frame = tokio::time::timeout(ANSWER_WITHIN, self.body.frame())
                .await
                .expect("an SSE event within the hang guard")?
                .unwrap();
            if let Ok(data) = frame.into_data() {
                self.buffer.extend_from_slice(&data);
            }
        }
    }
}

pub(crate) fn headers(session: Option<&str>) -> Vec<(String, String)> {
    let mut headers = vec![
        ("content-type".to_owned(), "application/json".to_owned()),
        (
            "accept".to_owned(),
            "application/json, text/event-stream".to_owned(),
        ),
        ("mcp-protocol-version".to_owned(), VERSION.to_owned()),
    ];
    if let Some(session) = session {
        headers.push(("mcp-session-id".to_owned(), session.to_owned()));
    }
    headers
}

pub(crate) fn progress_message(data: &str) -> String {
    let message: Value = serde_json::from_str(data).unwrap();
    assert_eq!(message["method"], "notifications/progress", "{message}");
    message["params"]["message"].as_str().unwrap().to_owned()
}

fn gated_server(gate: Arc<Notify>) -> Server {
    let tool = Tool::builder("gated")
        .description("Reports progress, waits for the gate, reports again and finishes.")
        .read_only()
        .handler(move |_: NoArguments, cx: ToolContext| {
            let gate = gate.clone();
            async move {
                cx.progress(1.0, Some(2.0), Some("before the gate"));
                gate.notified().await;
                cx.progress(2.0, Some(2.0), Some("after the gate"));
                ToolResult::Ok("done")
            }
        });
    Server::builder("resumable", "1.0.0")
        .tool(tool)
        .build()
        .unwrap()
}

async fn initialize(addr: SocketAddr) -> String {
    let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": VERSION, "capabilities": {},
                   "clientInfo": {"name": "t", "version": "1"}}});
    let reply = send(addr, "POST", "/mcp", &headers(None), &body.to_string()).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply.header("mcp-session-id").unwrap().to_owned()
}

#[tokio::test]
async fn a_dropped_stream_resumes_from_the_events_in_redis() {
    let server = redis_or_skip!();
    let replica_a = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let replica_b = mcp_tools_redis::connect(&server.url()).await.unwrap();
    let gate = Arc::new(Notify::new());
    let service = McpService::builder(gated_server(gate.clone()))
        .sessions(true)
        .event_store(RedisEventStore::new(&replica_a))
        .build();
    let serving = serve(service, "127.0.0.1:0").await.unwrap();
    let addr = serving.local_addr();
    let session = initialize(addr).await;

    let call = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "gated", "arguments": {}, "_meta": {"progressToken": "p"}}});
    let mut post = Events::new(
        open(
            addr,
            "POST",
            "/mcp",
            &headers(Some(&session)),
            &call.to_string(),
        )
        .await,
    );
    let (priming, data) = post.next().await.unwrap();
    let priming = priming.unwrap();
    assert_eq!(data, "");
    let (progress_id, data) = post.next().await.unwrap();
    assert_eq!(progress_message(&data), "before the gate");
    // The connection drops mid-call.
    drop(post);

    // The events are in Redis: another replica's store replays them for this
    // session, and for no other.
    let after: EventId = priming.parse().unwrap();
    let from_b = RedisEventStore::new(&replica_b);
    let stored = from_b
        .replay_after(&session, &after)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(Some(stored[0].id.to_string()), progress_id);
    assert_eq!(
        progress_message(std::str::from_utf8(&stored[0].message).unwrap()),
        "before the gate"
    );
    assert_eq!(
        from_b
            .replay_after("another-session", &after)
            .await
            .unwrap(),
        None
    );

    // GET with Last-Event-ID replays from Redis, then goes on live.
    let mut get_headers = headers(Some(&session));
    get_headers.retain(|(name, _)| name != "content-type");
    get_headers.push(("last-event-id".to_owned(), priming.clone()));
    let mut resumed = Events::new(open(addr, "GET", "/mcp", &get_headers, "").await);
    let (id, data) = resumed.next().await.unwrap();
    assert_eq!(id, progress_id);
    assert_eq!(progress_message(&data), "before the gate");
    gate.notify_one();
    let (_, data) = resumed.next().await.unwrap();
    assert_eq!(progress_message(&data), "after the gate");
    let (_, data) = resumed.next().await.unwrap();
    let result: Value = serde_json::from_str(&data).unwrap();
    assert_eq!(result["id"], 7, "{result}");
    assert!(
        resumed.next().await.is_none(),
        "the stream ends after the result"
    );

    // Ending the session forgets its streams in Redis.
    let mut delete = headers(Some(&session));
    delete.retain(|(name, _)| name != "content-type");
    let ended = send(addr, "DELETE", "/mcp", &delete, "").await;
    assert!(ended.status.is_success(), "{}", ended.status);
    let keys: Vec<String> = server.command(&["KEYS", "mcp:sse:*"]);
    assert!(keys.is_empty(), "{keys:?}");
    serving.shutdown(std::time::Duration::from_secs(1)).await;
}
