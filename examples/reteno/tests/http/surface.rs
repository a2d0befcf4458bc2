//! The surface over HTTP: the 82 tools listed, and a long-running tool's
//! progress streamed as server-sent events.

use std::collections::BTreeSet;
use std::time::Instant;

use mcp_example_reteno::{access, http, tools};
use mcp_test_client::EventReader;
use mcp_tools::serde_json::{Value, json};

use crate::harness::{BRANDKIT_DURATION, Outcome, Sandbox, VERSION};

#[tokio::test]
async fn tools_list_over_http_has_the_82_tools() {
    let s = Sandbox::start().await;
    let token = s.token(access::ANALYST);
    let mut listed: Vec<Value> = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let params = cursor.map_or_else(|| json!({}), |c| json!({"cursor": c}));
        let response = s.rpc(&token, "tools/list", params).await;
        assert_eq!(response.status, 200, "{}", response.body);
        let result = response.message()["result"].clone();
        listed.extend(result["tools"].as_array().unwrap().iter().cloned());
        match result["nextCursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(listed.len(), 82);
    let names: BTreeSet<&str> = listed.iter().filter_map(|t| t["name"].as_str()).collect();
    let registered = tools::all();
    let expected: BTreeSet<&str> = registered.iter().map(|t| t.name()).collect();
    assert_eq!(names, expected);
    for tool in &listed {
        assert!(tool["annotations"]["title"].is_string(), "{tool}");
        assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
    }
}

#[tokio::test]
async fn the_brand_kit_streams_its_progress_before_the_kit() {
    let s = Sandbox::start().await;
    let bearer = format!("Bearer {}", s.token(access::ANALYST));
    let body = json!({
        "jsonrpc": "2.0", "id": 7, "method": "tools/call",
        "params": {
            "name": "extract_brandkit",
            "arguments": {"url": "https://northwind-coffee.example/shop"},
            "_meta": {"progressToken": "kit-7"},
        },
    });
    let response = mcp_test_client::open(
        s.addr,
        "POST",
        http::MCP_PATH,
        &[
            ("Content-Type", "application/json"),
            ("Accept", "application/json, text/event-stream"),
            ("MCP-Protocol-Version", VERSION),
            ("Authorization", bearer.as_str()),
        ],
        &body.to_string(),
    )
    .await;
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("text/event-stream"),
        "{content_type}"
    );

    let mut events = EventReader::new(response.into_body());
    let mut progress: Vec<f64> = Vec::new();
    let mut first_progress = None;
    let answer = loop {
        let event = events
            .next()
            .await
            .expect("the stream ends with the answer");
        if event["method"] == "notifications/progress" {
            first_progress.get_or_insert_with(Instant::now);
            assert_eq!(event["params"]["progressToken"], "kit-7");
            assert!(event["params"]["message"].is_string(), "{event}");
            progress.push(event["params"]["progress"].as_f64().unwrap());
        } else {
            break event;
        }
    };
    assert_eq!(answer["id"], 7);
    // Streamed as the work goes, not all at once with the answer.
    let streamed_for = first_progress
        .expect("progress before the answer")
        .elapsed();
    assert!(streamed_for >= BRANDKIT_DURATION / 2, "{streamed_for:?}");
    assert!(progress.len() >= 6, "{progress:?}");
    assert!(progress.windows(2).all(|w| w[0] < w[1]), "{progress:?}");

    let kit = Outcome::from_rpc("extract_brandkit", answer).data();
    assert_eq!(kit["host"], "northwind-coffee.example");
    assert_eq!(kit["source"], "demo");
    assert!(kit["palette"]["primary"].as_str().unwrap().starts_with('#'));
}
