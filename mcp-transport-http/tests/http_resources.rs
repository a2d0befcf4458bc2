//! Resources over HTTP: a subscription's `notifications/resources/updated`
//! arrives on the session's GET stream, and stops once unsubscribed.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::*;
use http::StatusCode;
use mcp_test_client::{EventReader, open};
use mcp_tools::{Resource, ResourceContents, ResourceContext, Server};
use mcp_transport_http::McpService;
use serde_json::{Value, json};

fn server() -> Server {
    Server::builder("watched", "1.0.0")
        .resource(Resource::builder("test://watched", "watched").handler(
            |cx: ResourceContext| async move { Ok(ResourceContents::text(cx.uri(), "now")) },
        ))
        .build()
        .unwrap()
}

fn request(id: i64, method: &str, params: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// The next message on `events` that is not a priming event.
async fn next_message(events: &mut EventReader) -> Option<Value> {
    loop {
        let event = events.next().await?;
        if event.get("method").is_some() || event.get("id").is_some() {
            return Some(event);
        }
    }
}

#[tokio::test]
async fn a_subscriber_hears_updates_on_its_get_stream() {
    let server = server();
    let s = start(McpService::builder(server.clone()).sessions(true)).await;
    let addr = s.local_addr();
    let init = post(
        addr,
        &mcp_headers(None),
        &request(
            0,
            "initialize",
            json!({"protocolVersion": "2025-11-25", "capabilities": {},
                                         "clientInfo": {"name": "t", "version": "1"}}),
        ),
    )
    .await;
    assert_eq!(init.status, StatusCode::OK);
    let session = init.header("mcp-session-id").unwrap().to_owned();
    let headers = with(mcp_headers(Some("2025-11-25")), "mcp-session-id", &session);
    let headers = with(headers, "accept", "application/json");

    let stream = open(
        addr,
        "GET",
        "/mcp",
        &with(headers.clone(), "accept", "text/event-stream"),
        "",
    )
    .await;
    assert_eq!(stream.status(), StatusCode::OK);
    let mut events = EventReader::new(stream.into_body());

    let subscribed = post(
        addr,
        &headers,
        &request(1, "resources/subscribe", json!({"uri": "test://watched"})),
    )
    .await;
    assert_eq!(subscribed.status, StatusCode::OK);
    assert_eq!(server.notify_resource_updated("test://watched"), 1);
    let heard = next_message(&mut events).await.unwrap();
    assert_eq!(heard["method"], "notifications/resources/updated");
    assert_eq!(heard["params"]["uri"], "test://watched");

    post(
        addr,
        &headers,
        &request(2, "resources/unsubscribe", json!({"uri": "test://watched"})),
    )
    .await;
    assert_eq!(server.notify_resource_updated("test://watched"), 0);

    // Once the session ends, its subscription is forgotten.
    post(
        addr,
        &headers,
        &request(3, "resources/subscribe", json!({"uri": "test://watched"})),
    )
    .await;
    mcp_test_client::send(addr, "DELETE", "/mcp", &headers, "").await;
    assert!(next_message(&mut events).await.is_none());
    eventually(|| server.notify_resource_updated("test://watched") == 0).await;
}
