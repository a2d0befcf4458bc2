//! Resumable SSE streams over real sockets: event ids, the priming event,
//! `GET` with `Last-Event-ID` after a dropped connection, the polling close,
//! sessions kept apart, and the event store's bounds.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use common::*;
use http::StatusCode;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use mcp_test_client::{ANSWER_WITHIN, open, send};
use mcp_tools::{NoArguments, Server, Tool, ToolContext, ToolResult};
use mcp_transport_http::event_store::MemoryEventStore;
use mcp_transport_http::{McpService, McpServiceBuilder, ResponseMode};
use serde_json::{Value, json};
use tokio::sync::Notify;

/// One SSE event as sent: its id, its retry and its data.
#[derive(Debug)]
struct Event {
    id: Option<String>,
    retry: Option<u64>,
    data: String,
}

impl Event {
    fn json(&self) -> Value {
        serde_json::from_str(&self.data).unwrap()
    }
}

/// Reads raw SSE events, ids included.
struct Events {
    body: Incoming,
    buffer: Vec<u8>,
}

impl Events {
    fn new(response: http::Response<Incoming>) -> Self {
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["content-type"].to_str().unwrap(),
            "text/event-stream"
        );
        Self {
            body: response.into_body(),
            buffer: Vec::new(),
        }
    }

    /// The next event, or `None` once the stream has ended.
    async fn next(&mut self) -> Option<Event> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let raw: Vec<u8> = self.buffer.drain(..end + 2).collect();
                let raw = String::from_utf8(raw).unwrap();
                let mut event = Event {
                    id: None,
                    retry: None,
                    data: String::new(),
                };
                for line in raw.lines() {
                    let (field, value) = line.split_once(':').unwrap_or((line, ""));
                    let value = value.strip_prefix(' ').unwrap_or(value);
                    match field {
                        "id" => event.id = Some(value.to_owned()),
                        "retry" => event.retry = Some(value.parse().unwrap()),
                        "data" => event.data.push_str(value),
                        _ => {}
                    }
                }
                return Some(event);
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

    /// Every remaining event until the stream ends.
    async fn rest(mut self) -> Vec<Event> {
        let mut out = Vec::new();
        while let Some(event) = self.next().await {
            out.push(event);
        }
        out
    }
}

/// A tool that reports progress, waits for the test to open the gate, then
/// reports progress again and finishes.
fn gated_server(gate: Arc<Notify>) -> Server {
    server_builder(&Flags::default())
        .tool(
            Tool::builder("gated")
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
                }),
        )
        .build()
        .unwrap()
}

async fn initialize(addr: SocketAddr, version: &str) -> String {
    let reply = post(
        addr,
        &mcp_headers(None),
        &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": {"protocolVersion": version, "capabilities": {},
                           "clientInfo": {"name": "t", "version": "1"}}}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    reply.header("mcp-session-id").unwrap().to_owned()
}

fn session_headers(version: &str, id: &str) -> Vec<(String, String)> {
    with(mcp_headers(Some(version)), "mcp-session-id", id)
}

fn get_headers(version: &str, id: &str, last_event_id: &str) -> Vec<(String, String)> {
    vec![
        ("accept".to_owned(), "text/event-stream".to_owned()),
        ("mcp-protocol-version".to_owned(), version.to_owned()),
        ("mcp-session-id".to_owned(), id.to_owned()),
        ("last-event-id".to_owned(), last_event_id.to_owned()),
    ]
}

fn call_with_progress(id: i64, tool: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
           "params": {"name": tool, "arguments": {}, "_meta": {"progressToken": "p"}}})
    .to_string()
}

fn progress_message(event: &Event) -> String {
    let message = event.json();
    assert_eq!(message["method"], "notifications/progress", "{message}");
    message["params"]["message"].as_str().unwrap().to_owned()
}

/// The text of a tool result (2025-03-26 has no structured content).
fn result_text(event: &Event) -> Value {
    let text = event.json()["result"]["content"][0]["text"].clone();
    let envelope: Value = serde_json::from_str(text.as_str().unwrap()).unwrap();
    envelope["Data"].clone()
}

async fn start_gated(
    configure: impl FnOnce(McpServiceBuilder) -> McpServiceBuilder,
) -> (mcp_transport_http::Serving, Arc<Notify>) {
    let gate = Arc::new(Notify::new());
    let builder = McpService::builder(gated_server(gate.clone())).sessions(true);
    (start(configure(builder)).await, gate)
}

#[tokio::test]
async fn a_dropped_post_stream_resumes_live_with_last_event_id() {
    let (s, gate) = start_gated(|b| b).await;
    let addr = s.local_addr();
    let session = initialize(addr, "2025-11-25").await;
    let headers = session_headers("2025-11-25", &session);

    let mut post = Events::new(
        open(
            addr,
            "POST",
            "/mcp",
            &headers,
            &call_with_progress(7, "gated"),
        )
        .await,
    );
    // A 2025-11-25 stream opens with a priming event: an id, a retry, no data.
    let priming = post.next().await.unwrap();
    let priming_id = priming.id.clone().unwrap();
    assert_eq!(priming.data, "");
    assert_eq!(priming.retry, Some(1000));
    let progress = post.next().await.unwrap();
    assert_eq!(progress_message(&progress), "before the gate");
    let last = progress.id.clone().unwrap();
    let stream = priming_id.rsplit_once('.').unwrap().0;
    assert_eq!(last, format!("{stream}.1"));
    // The connection drops mid-call.
    drop(post);

    let get = open(
        addr,
        "GET",
        "/mcp",
        &get_headers("2025-11-25", &session, &last),
        "",
    )
    .await;
    let mut resumed = Events::new(get);
    gate.notify_one();
    let progress = resumed.next().await.unwrap();
    assert_eq!(progress_message(&progress), "after the gate");
    assert_eq!(progress.id.as_deref(), Some(&*format!("{stream}.2")));
    let rest = resumed.rest().await;
    assert_eq!(rest.len(), 1, "the result, then the stream ends: {rest:?}");
    assert_eq!(rest[0].json()["id"], 7);
    assert_eq!(result_text(&rest[0]), "done");
    assert_eq!(rest[0].id.as_deref(), Some(&*format!("{stream}.3")));

    // The whole stream can be replayed again from the priming event.
    let get = open(
        addr,
        "GET",
        "/mcp",
        &get_headers("2025-11-25", &session, &priming_id),
        "",
    )
    .await;
    let replay = Events::new(get).rest().await;
    let messages: Vec<_> = replay.iter().map(|e| e.id.clone().unwrap()).collect();
    assert_eq!(
        messages,
        [
            format!("{stream}.1"),
            format!("{stream}.2"),
            format!("{stream}.3")
        ]
    );
}

#[tokio::test]
async fn a_result_finished_while_disconnected_is_replayed() {
    let s = start(
        McpService::builder(server(&Flags::default()))
            .sessions(true)
            .response_mode(ResponseMode::Sse),
    )
    .await;
    let addr = s.local_addr();
    // A 2025-06-18 client: ids, but no priming event.
    let session = initialize(addr, "2025-06-18").await;
    let headers = session_headers("2025-06-18", &session);
    let body = call_with_progress(4, "progress");
    let mut post = Events::new(open(addr, "POST", "/mcp", &headers, &body).await);
    let first = post.next().await.unwrap();
    assert_eq!(progress_message(&first), "working");
    let first_id = first.id.clone().unwrap();
    assert!(
        first_id.ends_with(".0"),
        "no priming event before 2025-11-25: {first_id}"
    );
    drop(post);
    // Until the call is over, a resume also gets the rest live; once it is
    // over, the rest is replayed and the stream ends.
    let mut rest = Vec::new();
    for _ in 0..500 {
        let get = open(
            addr,
            "GET",
            "/mcp",
            &get_headers("2025-06-18", &session, &first_id),
            "",
        )
        .await;
        rest = Events::new(get).rest().await;
        if rest
            .last()
            .is_some_and(|e| e.json().get("result").is_some())
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        rest.len(),
        3,
        "two progress events and the result: {rest:?}"
    );
    assert_eq!(progress_message(&rest[0]), "working");
    assert_eq!(rest[2].json()["id"], 4);
    assert_eq!(result_text(&rest[2]), "done");
}

#[tokio::test]
async fn a_2025_client_gets_its_result_with_progress_and_ids() {
    let s = start(McpService::builder(server(&Flags::default())).sessions(true)).await;
    let addr = s.local_addr();
    for version in ["2025-03-26", "2025-06-18", "2025-11-25"] {
        let session = initialize(addr, version).await;
        let headers = session_headers(version, &session);
        let events = Events::new(
            open(
                addr,
                "POST",
                "/mcp",
                &headers,
                &call_with_progress(1, "progress"),
            )
            .await,
        )
        .rest()
        .await;
        let messages: Vec<_> = events.iter().filter(|e| !e.data.is_empty()).collect();
        assert_eq!(
            messages.len(),
            4,
            "{version}: three progress events and the result"
        );
        assert_eq!(result_text(messages[3]), "done");
        assert!(
            events.iter().all(|e| e.id.is_some()),
            "{version}: every event has an id"
        );
        let primed = events[0].data.is_empty();
        assert_eq!(primed, version == "2025-11-25", "{version}: {events:?}");
    }
}

#[tokio::test]
async fn polling_closes_the_post_stream_and_get_delivers_the_result() {
    let (s, gate) = start_gated(|b| {
        b.close_sse_after(Duration::ZERO)
            .sse_retry(Duration::from_millis(250))
    })
    .await;
    let addr = s.local_addr();
    let session = initialize(addr, "2025-11-25").await;
    let headers = session_headers("2025-11-25", &session);
    let body = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                      "params": {"name": "gated", "arguments": {}}})
    .to_string();
    // The call has not answered when the window ends: SSE, priming event, closed.
    let events = Events::new(open(addr, "POST", "/mcp", &headers, &body).await)
        .rest()
        .await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].data, "");
    assert_eq!(events[0].retry, Some(250));
    let last = events[0].id.clone().unwrap();

    let mut resumed = Events::new(
        open(
            addr,
            "GET",
            "/mcp",
            &get_headers("2025-11-25", &session, &last),
            "",
        )
        .await,
    );
    gate.notify_one();
    let result = resumed.next().await.unwrap();
    assert_eq!(result.json()["id"], 9);
    assert_eq!(result_text(&result), "done");
    assert!(resumed.next().await.is_none());

    // An older client is never made to poll.
    let old = initialize(addr, "2025-06-18").await;
    let body = call(10, "echo", json!({"text": "hi"}));
    let reply = post(addr, &session_headers("2025-06-18", &old), &body).await;
    assert_eq!(reply.content_type(), "application/json");
}

#[tokio::test]
async fn a_last_event_id_of_another_session_replays_nothing() {
    let (s, gate) = start_gated(|b| b).await;
    let addr = s.local_addr();
    let mine = initialize(addr, "2025-11-25").await;
    let theirs = initialize(addr, "2025-11-25").await;
    let mut post = Events::new(
        open(
            addr,
            "POST",
            "/mcp",
            &session_headers("2025-11-25", &theirs),
            &call_with_progress(1, "gated"),
        )
        .await,
    );
    post.next().await.unwrap();
    let their_id = post.next().await.unwrap().id.unwrap();

    let reply = send(
        addr,
        "GET",
        "/mcp",
        &get_headers("2025-11-25", &mine, &their_id),
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(!reply.is_event_stream());
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no stream of this session")
    );

    let reply = send(
        addr,
        "GET",
        "/mcp",
        &get_headers("2025-11-25", &mine, "not an id"),
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert!(
        reply.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("malformed event id")
    );

    // Their own stream goes on for them.
    gate.notify_one();
    let rest = post.rest().await;
    assert_eq!(result_text(rest.last().unwrap()), "done");
}

#[tokio::test]
async fn stored_streams_expire_and_are_bounded() {
    let store = Arc::new(
        MemoryEventStore::new()
            .max_events_per_stream(2)
            .ttl(Duration::from_millis(40)),
    );
    let s = start(
        McpService::builder(server(&Flags::default()))
            .sessions(true)
            .event_store(store.clone()),
    )
    .await;
    let addr = s.local_addr();
    let session = initialize(addr, "2025-11-25").await;
    let headers = session_headers("2025-11-25", &session);
    let events = Events::new(
        open(
            addr,
            "POST",
            "/mcp",
            &headers,
            &call_with_progress(1, "progress"),
        )
        .await,
    )
    .rest()
    .await;
    // Priming, three progress events, the result: only the last two are kept.
    assert_eq!(events.len(), 5);
    let priming = events[0].id.clone().unwrap();
    let get = open(
        addr,
        "GET",
        "/mcp",
        &get_headers("2025-11-25", &session, &priming),
        "",
    )
    .await;
    let kept = Events::new(get).rest().await;
    assert_eq!(kept.len(), 2, "{kept:?}");
    assert_eq!(kept[0].id, events[3].id);
    assert_eq!(kept[1].id, events[4].id);

    // Unused for longer than the TTL, the stream is forgotten.
    tokio::time::sleep(Duration::from_millis(80)).await;
    let reply = send(
        addr,
        "GET",
        "/mcp",
        &get_headers("2025-11-25", &session, &priming),
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(store.stats().streams, 0);

    // Ending the session forgets its streams at once.
    let store = Arc::new(MemoryEventStore::new());
    let s = start(
        McpService::builder(server(&Flags::default()))
            .sessions(true)
            .event_store(store.clone()),
    )
    .await;
    let addr = s.local_addr();
    let session = initialize(addr, "2025-11-25").await;
    let headers = session_headers("2025-11-25", &session);
    Events::new(
        open(
            addr,
            "POST",
            "/mcp",
            &headers,
            &call_with_progress(1, "progress"),
        )
        .await,
    )
    .rest()
    .await;
    assert_eq!(store.stats().streams, 1);
    let reply = send(addr, "DELETE", "/mcp", &headers, "").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(store.stats().streams, 0);
}

#[tokio::test]
async fn the_get_stream_is_primed_and_a_resuming_client_takes_it_over() {
    let s = start(McpService::builder(server(&Flags::default())).sessions(true)).await;
    let addr = s.local_addr();
    let session = initialize(addr, "2025-11-25").await;
    let headers = without(get_headers("2025-11-25", &session, ""), "last-event-id");
    let mut first = Events::new(open(addr, "GET", "/mcp", &headers, "").await);
    let priming = first.next().await.unwrap();
    assert_eq!(priming.data, "");
    assert_eq!(priming.retry, Some(1000));
    let id = priming.id.unwrap();
    assert!(id.starts_with('g'), "{id}");

    // A second plain GET is refused while the first is open...
    let reply = send(addr, "GET", "/mcp", &headers, "").await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    // ...but a client resuming that stream replaces the connection it lost.
    let mut second = Events::new(
        open(
            addr,
            "GET",
            "/mcp",
            &get_headers("2025-11-25", &session, &id),
            "",
        )
        .await,
    );
    let primed_again = second.next().await.unwrap();
    assert_eq!(primed_again.data, "");
    assert!(first.next().await.is_none(), "the replaced connection ends");
}
