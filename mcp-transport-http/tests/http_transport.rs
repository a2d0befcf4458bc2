//! The endpoint over real sockets: status codes, header checks, JSON vs SSE,
//! batches, Host/Origin refusals, body limits.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use common::*;
use http::StatusCode;
use mcp_test_client::{connect, send};
use mcp_transport_http::{McpService, ResponseMode};
use serde_json::json;

async fn default_server() -> mcp_transport_http::Serving {
    start(McpService::builder(server(&Flags::default()))).await
}

#[tokio::test]
async fn a_bare_tools_call_is_served_without_initialize() {
    let s = default_server().await;
    let reply = post(
        s.local_addr(),
        &mcp_headers(Some("2025-06-18")),
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "application/json");
    let body = reply.json();
    assert_eq!(body["id"], 1);
    assert_eq!(
        body["result"]["structuredContent"],
        json!({"Success": true, "Data": {"text": "hi"}})
    );
}

#[tokio::test]
async fn a_missing_version_header_means_2025_03_26() {
    let s = default_server().await;
    let reply = post(
        s.local_addr(),
        &mcp_headers(None),
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let result = &reply.json()["result"];
    assert!(result.get("structuredContent").is_none(), "{result}");
    assert_eq!(result["isError"], false);
}

#[tokio::test]
async fn an_unsupported_version_header_is_400_with_the_supported_versions() {
    let s = default_server().await;
    let reply = post(
        s.local_addr(),
        &mcp_headers(Some("1999-01-01")),
        &call(1, "echo", json!({"text": "hi"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), -32022);
    let data = &reply.json()["error"]["data"];
    assert_eq!(data["requested"], "1999-01-01");
    assert_eq!(
        data["supported"],
        json!(["2025-03-26", "2025-06-18", "2025-11-25", "2026-07-28"])
    );
}

#[tokio::test]
async fn notifications_and_responses_get_202() {
    let s = default_server().await;
    let headers = mcp_headers(Some("2025-06-18"));
    let reply = post(
        s.local_addr(),
        &headers,
        &json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
    assert!(reply.body.is_empty());
    let reply = post(
        s.local_addr(),
        &headers,
        &json!({"jsonrpc": "2.0", "id": "srv-x", "result": {}}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn initialize_ping_and_list_work_statelessly() {
    let s = default_server().await;
    let headers = mcp_headers(Some("2025-11-25"));
    let reply = post(
        s.local_addr(),
        &mcp_headers(None),
        &json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-11-25", "capabilities": {},
                           "clientInfo": {"name": "t", "version": "1"}}}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["result"]["protocolVersion"], "2025-11-25");
    assert!(reply.header("mcp-session-id").is_none());
    let reply = post(
        s.local_addr(),
        &headers,
        &json!({"jsonrpc": "2.0", "id": 2, "method": "ping"}),
    )
    .await;
    assert_eq!(reply.json()["result"], json!({}));
    let reply = post(
        s.local_addr(),
        &headers,
        &json!({"jsonrpc": "2.0", "id": 3, "method": "tools/list"}),
    )
    .await;
    assert!(reply.json()["result"]["tools"].as_array().unwrap().len() >= 5);
}

#[tokio::test]
async fn wrong_paths_methods_and_media_types() {
    let s = default_server().await;
    let addr = s.local_addr();
    let headers = mcp_headers(Some("2025-06-18"));
    let body = call(1, "echo", json!({"text": "hi"})).to_string();
    let reply = send(addr, "POST", "/other", &headers, &body).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    // GET and DELETE without sessions.
    for method in ["GET", "DELETE", "PUT"] {
        let reply = send(addr, method, "/mcp", &headers, "").await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        assert_eq!(reply.header("allow"), Some("POST"));
    }
    let reply = send(
        addr,
        "POST",
        "/mcp",
        &with(headers.clone(), "accept", "text/html"),
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::NOT_ACCEPTABLE);
    let reply = send(
        addr,
        "POST",
        "/mcp",
        &with(headers.clone(), "content-type", "text/plain"),
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let reply = send(addr, "POST", "/mcp", &headers, "{not json").await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), -32700);
    let reply = send(addr, "POST", "/mcp", &headers, r#"{"jsonrpc":"2.0"}"#).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), -32600);
}

#[tokio::test]
async fn protocol_errors_and_tool_errors_are_200() {
    let s = default_server().await;
    let headers = mcp_headers(Some("2025-11-25"));
    let reply = post(s.local_addr(), &headers, &call(1, "nope", json!({}))).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.error_code(), -32602);
    let reply = post(
        s.local_addr(),
        &headers,
        &call(2, "echo", json!({"text": ""})),
    )
    .await;
    assert_eq!(reply.json()["result"]["isError"], true);
    let reply = post(
        s.local_addr(),
        &headers,
        &json!({"jsonrpc": "2.0", "id": 3, "method": "resources/list"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.error_code(), -32601);
}

#[tokio::test]
async fn oversized_bodies_get_413() {
    let s = start(McpService::builder(server(&Flags::default())).body_limit(1024)).await;
    let big = call(1, "echo", json!({"text": "x".repeat(4096)}));
    let reply = post(s.local_addr(), &mcp_headers(Some("2025-06-18")), &big).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    // Without Content-Length (chunked), the limit holds while reading.
    let response = {
        use http_body_util::BodyExt;
        let mut sender = connect(s.local_addr()).await;
        let chunks = futures::stream::iter(vec![Ok::<_, std::convert::Infallible>(
            hyper::body::Frame::data(bytes::Bytes::from(big.to_string())),
        )]);
        let mut request = http::Request::post("/mcp");
        for (k, v) in mcp_headers(Some("2025-06-18")) {
            request = request.header(k, v);
        }
        let request = request
            .body(http_body_util::StreamBody::new(chunks))
            .unwrap();
        let response = sender.send_request(request).await.unwrap();
        let status = response.status();
        let _ = response.into_body().collect().await;
        status
    };
    assert_eq!(response, StatusCode::PAYLOAD_TOO_LARGE);
    let small = call(2, "echo", json!({"text": "ok"}));
    let reply = post(s.local_addr(), &mcp_headers(Some("2025-06-18")), &small).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn foreign_hosts_and_origins_get_403() {
    let s = default_server().await;
    let addr = s.local_addr();
    let body = call(1, "echo", json!({"text": "hi"}));
    let headers = mcp_headers(Some("2025-06-18"));
    let reply = post(
        addr,
        &with(headers.clone(), "host", "evil.example:80"),
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    assert!(reply.json()["id"].is_null());
    let reply = post(
        addr,
        &with(headers.clone(), "origin", "https://evil.example"),
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = post(
        addr,
        &with(headers.clone(), "origin", "http://localhost:5173"),
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = post(addr, &with(headers, "host", "localhost:1234"), &body).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn configured_hosts_and_origins() {
    let s = start(
        McpService::builder(server(&Flags::default()))
            .allowed_hosts(["mcp.example.com"])
            .allowed_origins(["https://app.example.com"]),
    )
    .await;
    let addr = s.local_addr();
    let body = call(1, "echo", json!({"text": "hi"}));
    let headers = with(mcp_headers(Some("2025-06-18")), "host", "mcp.example.com");
    assert_eq!(post(addr, &headers, &body).await.status, StatusCode::OK);
    let reply = post(
        addr,
        &with(headers.clone(), "origin", "https://app.example.com"),
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let reply = post(addr, &with(headers, "origin", "http://localhost"), &body).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
    let reply = post(addr, &mcp_headers(Some("2025-06-18")), &body).await;
    assert_eq!(reply.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn batches_only_for_2025_03_26_and_never_with_initialize() {
    let s = default_server().await;
    let addr = s.local_addr();
    let batch = json!([
        call(1, "echo", json!({"text": "a"})),
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        call(2, "echo", json!({"text": "b"})),
    ]);
    let reply = post(addr, &mcp_headers(None), &batch).await;
    assert_eq!(reply.status, StatusCode::OK);
    let answers = reply.json();
    let answers = answers.as_array().unwrap();
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["id"], 1);
    assert_eq!(answers[1]["id"], 2);
    let reply = post(addr, &mcp_headers(Some("2025-03-26")), &batch).await;
    assert_eq!(reply.status, StatusCode::OK);
    for version in ["2025-06-18", "2025-11-25"] {
        let reply = post(addr, &mcp_headers(Some(version)), &batch).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{version}");
        assert_eq!(reply.error_code(), -32600);
    }
    let with_initialize = json!([
        {"jsonrpc": "2.0", "id": 1, "method": "initialize",
         "params": {"protocolVersion": "2025-03-26", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}},
    ]);
    let reply = post(addr, &mcp_headers(None), &with_initialize).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let only_notifications = json!([{"jsonrpc": "2.0", "method": "notifications/initialized"}]);
    let reply = post(addr, &mcp_headers(None), &only_notifications).await;
    assert_eq!(reply.status, StatusCode::ACCEPTED);
}

#[tokio::test]
async fn json_or_sse_by_accept_and_preference() {
    let s = default_server().await;
    let addr = s.local_addr();
    let body = call(1, "echo", json!({"text": "hi"}));
    let sse_only = with(
        mcp_headers(Some("2025-06-18")),
        "accept",
        "text/event-stream",
    );
    let reply = post(addr, &sse_only, &body).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.content_type(), "text/event-stream");
    assert_eq!(reply.header("x-accel-buffering"), Some("no"));
    let events = reply.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["id"], 1);
    let json_only = with(
        mcp_headers(Some("2025-06-18")),
        "accept",
        "application/json",
    );
    let reply = post(addr, &json_only, &body).await;
    assert_eq!(reply.content_type(), "application/json");

    let sse =
        start(McpService::builder(server(&Flags::default())).response_mode(ResponseMode::Sse))
            .await;
    let reply = post(sse.local_addr(), &mcp_headers(Some("2025-06-18")), &body).await;
    assert_eq!(reply.content_type(), "text/event-stream");
    assert_eq!(reply.events()[0]["result"]["isError"], false);
}

#[tokio::test]
async fn progress_notifications_come_before_the_result_on_sse() {
    let s = default_server().await;
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {"name": "progress", "arguments": {}, "_meta": {"progressToken": "p1"}}});
    let reply = post(s.local_addr(), &mcp_headers(Some("2025-11-25")), &body).await;
    assert_eq!(reply.content_type(), "text/event-stream");
    let events = reply.events();
    assert_eq!(events.len(), 4, "{events:?}");
    for (n, event) in events[..3].iter().enumerate() {
        assert_eq!(event["method"], "notifications/progress");
        assert_eq!(event["params"]["progressToken"], "p1");
        assert_eq!(event["params"]["progress"], (n + 1) as f64);
    }
    assert_eq!(events[3]["id"], 7);
    assert_eq!(events[3]["result"]["structuredContent"]["Data"], "done");

    // A JSON-only client gets the result alone.
    let json_only = with(
        mcp_headers(Some("2025-11-25")),
        "accept",
        "application/json",
    );
    let reply = post(s.local_addr(), &json_only, &body).await;
    assert_eq!(reply.content_type(), "application/json");
    assert_eq!(reply.json()["result"]["structuredContent"]["Data"], "done");
}

#[tokio::test]
async fn log_messages_go_out_on_the_stream() {
    let s = default_server().await;
    let reply = post(
        s.local_addr(),
        &mcp_headers(Some("2025-06-18")),
        &call(1, "log", json!({})),
    )
    .await;
    let events = reply.events();
    assert_eq!(events.len(), 2, "{events:?}");
    assert_eq!(events[0]["method"], "notifications/message");
    assert_eq!(events[0]["params"]["data"], "hello from the tool");
    assert_eq!(events[1]["result"]["structuredContent"]["Data"], "logged");
}
