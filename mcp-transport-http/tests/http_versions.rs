//! 2026-07-28 over real sockets: header checks, 404/405, `server/discover`,
//! `resultType`, multi-round-trip input, cancellation by closing the stream.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::Duration;

use common::*;
use http::StatusCode;
use mcp_test_client::{EventReader, open, send};
use mcp_transport_http::McpService;
use serde_json::{Value, json};

const MODERN: &str = "2026-07-28";

fn modern(id: i64, method: &str, mut params: Value, capabilities: Value) -> Value {
    params["_meta"] = json!({
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientInfo": {"name": "t", "version": "1"},
        "io.modelcontextprotocol/clientCapabilities": capabilities,
    });
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

fn modern_headers(method: &str, name: Option<&str>) -> Vec<(String, String)> {
    let mut headers = with(mcp_headers(Some(MODERN)), "mcp-method", method);
    if let Some(name) = name {
        headers = with(headers, "mcp-name", name);
    }
    headers
}

async fn default_server() -> mcp_transport_http::Serving {
    start(McpService::builder(server(&Flags::default())).sessions(true)).await
}

#[tokio::test]
async fn calls_discover_and_list_carry_result_type() {
    let s = default_server().await;
    let addr = s.local_addr();
    let reply = post(
        addr,
        &modern_headers("tools/call", Some("echo")),
        &modern(
            1,
            "tools/call",
            json!({"name": "echo", "arguments": {"text": "hi"}}),
            json!({}),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    let result = &reply.json()["result"];
    assert_eq!(result["resultType"], "complete");
    assert_eq!(result["structuredContent"]["Data"]["text"], "hi");
    let reply = post(
        addr,
        &modern_headers("server/discover", None),
        &modern(2, "server/discover", json!({}), json!({})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["result"]["supportedVersions"][3], MODERN);
    let reply = post(
        addr,
        &modern_headers("tools/list", None),
        &modern(3, "tools/list", json!({}), json!({})),
    )
    .await;
    assert_eq!(reply.json()["result"]["resultType"], "complete");
    // No session is minted or needed, even with sessions on.
    assert!(reply.header("mcp-session-id").is_none());
}

#[tokio::test]
async fn header_mismatches_are_400_with_32020() {
    let s = default_server().await;
    let addr = s.local_addr();
    let body = modern(
        1,
        "tools/call",
        json!({"name": "echo", "arguments": {"text": "hi"}}),
        json!({}),
    );
    let cases = [
        (
            "missing Mcp-Method",
            without(modern_headers("tools/call", Some("echo")), "mcp-method"),
        ),
        (
            "wrong Mcp-Method",
            modern_headers("tools/list", Some("echo")),
        ),
        ("missing Mcp-Name", modern_headers("tools/call", None)),
        (
            "wrong Mcp-Name",
            modern_headers("tools/call", Some("other")),
        ),
        (
            "bad base64 Mcp-Name",
            modern_headers("tools/call", Some("=?base64?***?=")),
        ),
        (
            "missing version header",
            without(
                modern_headers("tools/call", Some("echo")),
                "mcp-protocol-version",
            ),
        ),
        (
            "other version header",
            with(
                modern_headers("tools/call", Some("echo")),
                "mcp-protocol-version",
                "2025-11-25",
            ),
        ),
    ];
    for (case, headers) in cases {
        let reply = post(addr, &headers, &body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{case}: {}",
            reply.body
        );
        assert_eq!(reply.error_code(), -32020, "{case}");
        assert_eq!(reply.json()["id"], 1, "{case}");
    }
    // The body must carry the version and the client capabilities in
    // _meta: without them the request is malformed, 400 with -32602.
    let bare = call(1, "echo", json!({"text": "hi"}));
    let reply = post(addr, &modern_headers("tools/call", Some("echo")), &bare).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.error_code(), -32602);
    assert_eq!(reply.json()["id"], 1);
    let mut no_capabilities = body.clone();
    no_capabilities["params"]["_meta"]
        .as_object_mut()
        .unwrap()
        .remove("io.modelcontextprotocol/clientCapabilities");
    let reply = post(
        addr,
        &modern_headers("tools/call", Some("echo")),
        &no_capabilities,
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.error_code(), -32602);
    // Base64-encoded names are decoded before comparing.
    let reply = post(
        addr,
        &modern_headers("tools/call", Some("=?base64?ZWNobw==?=")),
        &body,
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
}

#[tokio::test]
async fn unsupported_versions_are_400_with_32022() {
    let s = default_server().await;
    let headers = with(
        modern_headers("tools/list", None),
        "mcp-protocol-version",
        "2099-01-01",
    );
    let reply = post(
        s.local_addr(),
        &headers,
        &modern(1, "tools/list", json!({}), json!({})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), -32022);
    assert_eq!(reply.json()["error"]["data"]["supported"][0], "2025-03-26");
}

#[tokio::test]
async fn unknown_methods_are_404_and_get_delete_405() {
    let s = default_server().await;
    let addr = s.local_addr();
    for method in ["initialize", "ping", "resources/subscribe", "no/such"] {
        let reply = post(
            addr,
            &modern_headers(method, None),
            &modern(1, method, json!({}), json!({})),
        )
        .await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method}");
        assert_eq!(reply.error_code(), -32601, "{method}");
    }
    for method in ["GET", "DELETE"] {
        let reply = send(addr, method, "/mcp", &modern_headers("x", None), "").await;
        assert_eq!(reply.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
    }
}

#[tokio::test]
async fn log_messages_need_a_level_in_meta() {
    let s = default_server().await;
    let addr = s.local_addr();
    let headers = modern_headers("tools/call", Some("log"));
    let quiet = modern(
        1,
        "tools/call",
        json!({"name": "log", "arguments": {}}),
        json!({}),
    );
    let reply = post(addr, &headers, &quiet).await;
    assert_eq!(reply.content_type(), "application/json");
    let mut loud = quiet.clone();
    loud["params"]["_meta"]["io.modelcontextprotocol/logLevel"] = json!("debug");
    let reply = post(addr, &headers, &loud).await;
    let events = reply.events();
    assert_eq!(events[0]["method"], "notifications/message");
    assert_eq!(events[1]["result"]["resultType"], "complete");
}

#[tokio::test]
async fn input_required_round_trip_with_signed_state() {
    let s = default_server().await;
    let addr = s.local_addr();
    let headers = modern_headers("tools/call", Some("ask"));
    let caps = json!({"elicitation": {}});
    let first = post(
        addr,
        &headers,
        &modern(
            1,
            "tools/call",
            json!({"name": "ask", "arguments": {}}),
            caps.clone(),
        ),
    )
    .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let result = first.json()["result"].clone();
    assert_eq!(result["resultType"], "input_required");
    assert_eq!(
        result["inputRequests"]["input-0"]["method"],
        "elicitation/create"
    );
    assert_eq!(
        result["inputRequests"]["input-0"]["params"]["message"],
        "Your name?"
    );
    let state = result["requestState"].as_str().unwrap().to_owned();

    let answer = json!({"input-0": {"action": "accept", "content": {"name": "Ada"}}});
    let retry = modern(
        2,
        "tools/call",
        json!({"name": "ask", "arguments": {}, "inputResponses": answer, "requestState": state}),
        caps.clone(),
    );
    let reply = post(addr, &headers, &retry).await;
    let result = &reply.json()["result"];
    assert_eq!(result["resultType"], "complete", "{result}");
    assert_eq!(
        result["structuredContent"]["Data"]["content"]["name"],
        "Ada"
    );

    // A tampered state is refused.
    let mut tampered = retry.clone();
    tampered["params"]["requestState"] = json!(format!("x{state}"));
    let reply = post(addr, &headers, &tampered).await;
    assert_eq!(reply.error_code(), -32602);
    // So is a state replayed on another tool call.
    let mut other = retry.clone();
    other["params"]["arguments"] = json!({"unexpected": true});
    let reply = post(addr, &headers, &other).await;
    assert_eq!(reply.error_code(), -32602);

    // Without the capability the request cannot be served: 400 with -32021
    // naming the capability, answered by the request's id.
    let reply = post(
        addr,
        &headers,
        &modern(
            3,
            "tools/call",
            json!({"name": "ask", "arguments": {}}),
            json!({}),
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.body);
    assert_eq!(reply.error_code(), -32021);
    assert_eq!(reply.json()["id"], 3);
    assert_eq!(
        reply.json()["error"]["data"]["requiredCapabilities"],
        json!({"elicitation": {}})
    );
}

#[tokio::test]
async fn results_name_the_server_and_version_refusals_keep_the_id() {
    let s = default_server().await;
    let addr = s.local_addr();
    let reply = post(
        addr,
        &modern_headers("server/discover", None),
        &modern(4, "server/discover", json!({}), json!({})),
    )
    .await;
    let info = &reply.json()["result"]["_meta"]["io.modelcontextprotocol/serverInfo"];
    assert!(
        info["name"].is_string() && info["version"].is_string(),
        "{}",
        reply.body
    );

    let mut body = modern(301, "server/discover", json!({}), json!({}));
    body["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!("v999");
    let headers = with(
        modern_headers("server/discover", None),
        "mcp-protocol-version",
        "v999",
    );
    let reply = post(addr, &headers, &body).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.error_code(), -32022);
    assert_eq!(reply.json()["id"], 301);
    assert_eq!(reply.json()["error"]["data"]["requested"], "v999");
}

#[tokio::test]
async fn closing_the_stream_cancels_the_call() {
    let flags = Flags::default();
    let s = start(McpService::builder(server(&flags))).await;
    let body = modern(
        1,
        "tools/call",
        json!({"name": "wait", "arguments": {}, "_meta": {"progressToken": 1}}),
        json!({}),
    );
    // _meta was replaced by `modern`; put the progress token back.
    let mut body = body;
    body["params"]["_meta"]["progressToken"] = json!(1);
    let response = open(
        s.local_addr(),
        "POST",
        "/mcp",
        &modern_headers("tools/call", Some("wait")),
        &body.to_string(),
    )
    .await;
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut events = EventReader::new(response.into_body());
    let progress = events.next().await.unwrap();
    assert_eq!(progress["method"], "notifications/progress");
    assert!(!flags.cancelled());
    drop(events);
    eventually(|| flags.cancelled()).await;
    tokio::time::sleep(Duration::from_millis(1)).await;
}

#[tokio::test]
async fn mirrored_arguments_must_match_their_headers() {
    #[derive(serde::Deserialize, schemars::JsonSchema)]
    struct Run {
        /// Where to run.
        region: String,
        /// How urgent.
        priority: Option<i64>,
    }
    let server = server_builder(&Flags::default())
        .tool(
            mcp_tools::Tool::builder("run")
                .description("Runs in a region.")
                .read_only()
                .header_param("region", "Region")
                .header_param("priority", "Priority")
                .handler(|r: Run, _: mcp_tools::ToolContext| async move {
                    mcp_tools::ToolResult::Ok(format!(
                        "{} at {}",
                        r.region,
                        r.priority.unwrap_or(0)
                    ))
                }),
        )
        .build()
        .unwrap();
    let s = start(McpService::builder(server)).await;
    let addr = s.local_addr();
    let body = modern(
        1,
        "tools/call",
        json!({"name": "run", "arguments": {"region": "Hello", "priority": 2}}),
        json!({}),
    );
    let headers = |region: Option<&str>, priority: Option<&str>| {
        let mut h = modern_headers("tools/call", Some("run"));
        if let Some(region) = region {
            h = with(h, "mcp-param-region", region);
        }
        if let Some(priority) = priority {
            h = with(h, "Mcp-Param-PRIORITY", priority);
        }
        h
    };
    for (region, priority) in [
        (Some("Hello"), Some("2")),
        (Some("=?base64?SGVsbG8=?="), Some("2.0")),
    ] {
        let reply = post(addr, &headers(region, priority), &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
        assert_eq!(
            reply.json()["result"]["structuredContent"]["Data"],
            "Hello at 2"
        );
    }
    for (region, priority) in [
        (None, Some("2")),
        (Some("Hello"), None),
        (Some("hello"), Some("2")),
        (Some("=?base64?SGVsbG8?="), Some("2")),
        (Some("=?base64?SGVs!!!bG8=?="), Some("2")),
    ] {
        let reply = post(addr, &headers(region, priority), &body).await;
        assert_eq!(
            reply.status,
            StatusCode::BAD_REQUEST,
            "{region:?} {priority:?}"
        );
        assert_eq!(reply.error_code(), -32020, "{}", reply.body);
        assert_eq!(reply.json()["id"], 1);
    }
    // An argument left out needs no header.
    let without_priority = modern(
        2,
        "tools/call",
        json!({"name": "run", "arguments": {"region": "Hello"}}),
        json!({}),
    );
    let reply = post(addr, &headers(Some("Hello"), None), &without_priority).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    // The schema says which arguments travel in headers.
    let list = post(
        addr,
        &modern_headers("tools/list", None),
        &modern(3, "tools/list", json!({}), json!({})),
    )
    .await;
    let tools = list.json()["result"]["tools"].clone();
    let run = tools
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "run")
        .unwrap();
    assert_eq!(
        run["inputSchema"]["properties"]["region"]["x-mcp-header"],
        "Region"
    );
    assert_eq!(
        run["inputSchema"]["properties"]["priority"]["maximum"],
        9_007_199_254_740_991_i64
    );
}
