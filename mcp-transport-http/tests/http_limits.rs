//! Hostile and unlucky clients over real sockets: ambiguous hosts, bodies that
//! never end, more connections and requests than the server takes.
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use http::StatusCode;
use mcp_test_client::exchange_raw;
use mcp_transport_http::McpService;
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

/// A complete `echo` call with `head` as its request line and host lines.
fn raw_call(head: &str) -> Vec<u8> {
    let body = call(1, "echo", json!({"text": "hi"})).to_string();
    format!(
        "{head}\r\nContent-Type: application/json\r\nAccept: application/json\r\n\
         MCP-Protocol-Version: 2025-06-18\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn answer_to(head: &str) -> String {
    let s = start(McpService::builder(server(&Flags::default()))).await;
    exchange_raw(s.local_addr(), &raw_call(head), Duration::from_secs(3)).await
}

#[tokio::test]
async fn two_host_lines_are_a_bad_request() {
    let answer = answer_to("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("exactly one Host header"), "{answer}");
    // Whichever comes first.
    let answer = answer_to("POST /mcp HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
}

#[tokio::test]
async fn an_absolute_form_request_is_judged_by_its_own_authority() {
    // A foreign authority with a Host this server serves: the Host is not
    // what the request is for.
    let answer = answer_to("POST http://other.example/mcp HTTP/1.1\r\nHost: 127.0.0.1").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("disagrees"), "{answer}");
    // A foreign authority that agrees with its Host is still foreign.
    let answer = answer_to("POST http://other.example/mcp HTTP/1.1\r\nHost: other.example").await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    // This server's own authority in absolute form is served.
    let answer = answer_to("POST http://127.0.0.1/mcp HTTP/1.1\r\nHost: 127.0.0.1").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // And one Host line in origin form still is.
    let answer = answer_to("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1").await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_body_that_stops_is_cut_off_with_408() {
    let s = start(
        McpService::builder(server(&Flags::default()))
            .body_read_timeout(Duration::from_millis(300)),
    )
    .await;
    let started = Instant::now();
    // One chunk of a chunked body, then silence: the client never ends it.
    let request = b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
        Accept: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"jso\r\n";
    let answer = exchange_raw(s.local_addr(), request, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within"), "{answer}");
    assert!(started.elapsed() >= Duration::from_millis(250));
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let s = start(McpService::builder(server(&Flags::default())).max_connections(1)).await;
    let addr = s.local_addr();
    // The only connection the server takes, holding its slot in silence.
    let mut first = TcpStream::connect(addr).await.unwrap();
    first.write_all(b"").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let second = tokio::spawn(async move {
        let answer = exchange_raw(
            addr,
            &raw_call("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1"),
            Duration::from_secs(5),
        )
        .await;
        (answer, Instant::now())
    });
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!second.is_finished(), "the second connection was served");
    let closed = Instant::now();
    drop(first);
    let (answer, answered) = tokio::time::timeout(Duration::from_secs(3), second)
        .await
        .unwrap()
        .unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answered >= closed);
}

#[tokio::test]
async fn requests_beyond_the_in_flight_limit_get_503_with_retry_after() {
    let s = start(McpService::builder(server(&Flags::default())).max_in_flight(1)).await;
    let addr = s.local_addr();
    let slow = tokio::spawn(async move {
        post(
            addr,
            &mcp_headers(Some("2025-06-18")),
            &call(1, "slow", json!({"ms": 600})),
        )
        .await
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    let busy = echo_hi(addr, 2).await;
    assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.header("retry-after"), Some("1"));
    assert_eq!(slow.await.unwrap().status, StatusCode::OK);
    // The slot is free again.
    let after = echo_hi(addr, 3).await;
    assert_eq!(after.status, StatusCode::OK);
}
