//! Sessions on and off, the GET stream, elicitation on the request's stream,
//! and `notifications/cancelled`, over real sockets.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::*;
use http::StatusCode;
use mcp_test_client::{EventReader, open, send};
use mcp_transport_http::McpService;
use serde_json::{Value, json};

async fn initialize(addr: SocketAddr, capabilities: Value) -> String {
    let reply = post(
        addr,
        &mcp_headers(None),
        &json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": capabilities,
                           "clientInfo": {"name": "t", "version": "1"}}}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let id = reply.header("mcp-session-id").unwrap().to_owned();
    assert!(id.len() >= 32 && id.bytes().all(|b| (0x21..=0x7e).contains(&b)));
    id
}

fn session_headers(id: &str) -> Vec<(String, String)> {
    with(mcp_headers(Some("2025-06-18")), "mcp-session-id", id)
}

#[tokio::test]
async fn sessions_are_issued_required_and_ended() {
    let s = start(McpService::builder(server(&Flags::default())).sessions(true)).await;
    let addr = s.local_addr();
    let id = initialize(addr, json!({})).await;
    let other = initialize(addr, json!({})).await;
    assert_ne!(id, other);
    let body = call(1, "echo", json!({"text": "hi"}));

    let reply = post(addr, &session_headers(&id), &body).await;
    assert_eq!(reply.status, StatusCode::OK);
    // Without the version header, the session's version applies.
    let reply = post(
        addr,
        &without(session_headers(&id), "mcp-protocol-version"),
        &body,
    )
    .await;
    assert!(reply.json()["result"].get("structuredContent").is_some());

    let reply = post(addr, &mcp_headers(Some("2025-06-18")), &body).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let reply = post(addr, &session_headers("not-a-session"), &body).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);

    let reply = send(addr, "DELETE", "/mcp", &session_headers(&id), "").await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = post(addr, &session_headers(&id), &body).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    let reply = send(addr, "DELETE", "/mcp", &session_headers(&id), "").await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // The other session lives on.
    let reply = post(addr, &session_headers(&other), &body).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn idle_sessions_expire() {
    let s = start(
        McpService::builder(server(&Flags::default()))
            .sessions(true)
            .session_idle_timeout(Duration::from_millis(50)),
    )
    .await;
    let addr = s.local_addr();
    let id = initialize(addr, json!({})).await;
    tokio::time::sleep(Duration::from_millis(120)).await;
    let reply = post(
        addr,
        &session_headers(&id),
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn get_opens_the_stream_only_with_sessions() {
    let s = start(McpService::builder(server(&Flags::default())).sessions(true)).await;
    let addr = s.local_addr();
    let id = initialize(addr, json!({})).await;
    let headers = with(session_headers(&id), "accept", "text/event-stream");
    let stream = open(addr, "GET", "/mcp", &headers, "").await;
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");
    // A second one is refused while the first is open.
    let reply = send(addr, "GET", "/mcp", &headers, "").await;
    assert_eq!(reply.status, StatusCode::CONFLICT);
    let reply = send(
        addr,
        "GET",
        "/mcp",
        &with(headers.clone(), "accept", "application/json"),
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE);
    let reply = send(
        addr,
        "GET",
        "/mcp",
        &without(headers.clone(), "mcp-session-id"),
        "",
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    // Ending the session ends the stream.
    let mut events = EventReader::new(stream.into_body());
    send(addr, "DELETE", "/mcp", &session_headers(&id), "").await;
    assert!(events.next().await.is_none());

    let stateless = start(McpService::builder(server(&Flags::default()))).await;
    let reply = send(stateless.local_addr(), "GET", "/mcp", &headers, "").await;
    assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED);
}

async fn elicitation_round_trip(addr: SocketAddr, headers: Vec<(String, String)>) {
    let response = open(
        addr,
        "POST",
        "/mcp",
        &headers,
        &call(5, "ask", json!({})).to_string(),
    )
    .await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut events = EventReader::new(response.into_body());
    let question = events.next().await.unwrap();
    assert_eq!(question["method"], "elicitation/create");
    assert_eq!(question["params"]["message"], "Your name?");
    let answer = json!({"jsonrpc": "2.0", "id": question["id"],
                        "result": {"action": "accept", "content": {"name": "Ada"}}});
    let reply = post(addr, &headers, &answer).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    let result = events.next().await.unwrap();
    assert_eq!(result["id"], 5);
    assert_eq!(
        result["result"]["structuredContent"]["Data"]["content"]["name"],
        "Ada"
    );
    assert!(events.next().await.is_none());
}

#[tokio::test]
async fn elicitation_travels_on_the_request_stream() {
    let s = start(McpService::builder(server(&Flags::default())).sessions(true)).await;
    let id = initialize(s.local_addr(), json!({"elicitation": {}})).await;
    elicitation_round_trip(s.local_addr(), session_headers(&id)).await;
    // Stateless works too: the answer is routed by its id.
    let stateless = start(McpService::builder(server(&Flags::default()))).await;
    elicitation_round_trip(stateless.local_addr(), mcp_headers(Some("2025-11-25"))).await;
}

#[tokio::test]
async fn notifications_cancelled_cancels_the_call() {
    let flags = Flags::default();
    let s = start(McpService::builder(server(&flags)).sessions(true)).await;
    let addr = s.local_addr();
    let id = initialize(addr, json!({})).await;
    let headers = session_headers(&id);
    let body = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                      "params": {"name": "wait", "arguments": {}, "_meta": {"progressToken": "w"}}});
    let response = open(addr, "POST", "/mcp", &headers, &body.to_string()).await;
    let mut events = EventReader::new(response.into_body());
    assert_eq!(
        events.next().await.unwrap()["method"],
        "notifications/progress"
    );
    let cancel = json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
                        "params": {"requestId": 9, "reason": "test"}});
    let reply = post(addr, &headers, &cancel).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    eventually(|| flags.cancelled()).await;
    let last = events.next().await;
    assert!(
        last.as_ref().is_none_or(|m| m["error"]["code"] == -32800),
        "{last:?}"
    );
}

#[tokio::test]
async fn an_older_client_disconnecting_does_not_cancel() {
    let flags = Flags::default();
    let s = start(McpService::builder(server(&flags))).await;
    let addr = s.local_addr();
    let headers = with(
        mcp_headers(Some("2025-11-25")),
        "accept",
        "text/event-stream",
    );
    let response = open(
        addr,
        "POST",
        "/mcp",
        &headers,
        &call(1, "slow", json!({"ms": 150})).to_string(),
    )
    .await;
    drop(response);
    eventually(|| flags.finished()).await;
}

/// Starts the waiting tool as request 9 on its own connection and returns its
/// event stream once the tool runs.
async fn start_waiting(addr: SocketAddr, headers: &[(String, String)]) -> EventReader {
    let body = json!({"jsonrpc": "2.0", "id": 9, "method": "tools/call",
                      "params": {"name": "wait", "arguments": {}, "_meta": {"progressToken": "w"}}});
    let response = open(addr, "POST", "/mcp", headers, &body.to_string()).await;
    let mut events = EventReader::new(response.into_body());
    assert_eq!(
        events.next().await.unwrap()["method"],
        "notifications/progress"
    );
    events
}

fn cancel_nine() -> Value {
    json!({"jsonrpc": "2.0", "method": "notifications/cancelled",
           "params": {"requestId": 9, "reason": "test"}})
}

#[tokio::test]
async fn anonymous_clients_cannot_cancel_each_other() {
    let flags = Flags::default();
    let s = start(McpService::builder(server(&flags))).await;
    let addr = s.local_addr();
    let headers = mcp_headers(Some("2025-11-25"));
    let _events = start_waiting(addr, &headers).await;
    // Another anonymous client, on another connection, with the same id.
    let reply = post(addr, &headers, &cancel_nine()).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!flags.cancelled());
}

#[tokio::test]
async fn a_caller_cancels_its_own_stateless_call_from_another_connection() {
    use mcp_tools::Caller;
    use mcp_transport_http::auth::ApiKeys;
    let flags = Flags::default();
    let s = start(
        McpService::builder(server(&flags)).authenticator(
            ApiKeys::new()
                .key("key-a", Caller::new("a"))
                .key("key-b", Caller::new("b")),
        ),
    )
    .await;
    let addr = s.local_addr();
    let a = with(mcp_headers(Some("2025-11-25")), "x-api-key", "key-a");
    let b = with(mcp_headers(Some("2025-11-25")), "x-api-key", "key-b");
    let _events = start_waiting(addr, &a).await;
    // Another caller cannot cancel it.
    post(addr, &b, &cancel_nine()).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(!flags.cancelled());
    // The caller itself can.
    post(addr, &a, &cancel_nine()).await;
    eventually(|| flags.cancelled()).await;
}
