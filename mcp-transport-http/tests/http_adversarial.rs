//! Hostile clients over real sockets, layer by layer: HTTP the parser must
//! refuse, JSON-RPC the core must refuse, hostile credentials, confirmation
//! tokens misused, and clients that walk away mid-write. Each case states the
//! exact status, JSON-RPC code or envelope `ErrorCode` it must get, and the
//! server keeps serving afterwards.
//!
//! What other suites already cover is not repeated here: duplicate `Host`
//! lines and bodies that stop (`http_limits`), header-read and idle timeouts
//! (`http_serve`), wrong paths, methods and media types, oversized bodies
//! and foreign origins (`http_transport`), missing and invalid bearer tokens
//! (`http_auth`).
#![allow(clippy::unwrap_used, missing_docs)]

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use common::ledger::Ledger;
use common::*;
use http::StatusCode;
use mcp_test_client::{exchange_raw, send};
use mcp_tools::audit::AuditOutcome;
use mcp_tools::{Caller, Confirmation, FromToolContext, Tool, ToolContext, ToolResult};
use mcp_transport_http::auth::ApiKeys;
use mcp_transport_http::{McpService, Serving};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Value, json};

/// A hang guard, not a timing.
const GUARD: Duration = Duration::from_secs(10);

#[derive(Deserialize, JsonSchema)]
struct Removal {
    /// The contact to remove.
    id: u32,
}

/// The fixture tools, a confirm tool, the ledger's gated write, and two API
/// keys (alice and bob of the same account).
async fn hostile_target() -> (Serving, Ledger, tokio::sync::mpsc::UnboundedReceiver<u32>) {
    let builder = server_builder(&Flags::default())
        .confirmation_secret(*b"adversarial secret, 32 bytes....")
        .tool(
            Tool::builder("remove")
                .description("Removes a contact after a confirmed dry run.")
                .destructive()
                .confirm()
                .handler(|args: Removal, cx: ToolContext| async move {
                    let confirmation = Confirmation::from_tool_context(&cx)?;
                    confirmation
                        .preview(&json!({"would_remove": args.id}))
                        .await?;
                    ToolResult::Ok(json!({"removed": args.id}))
                }),
        );
    let (builder, ledger, reached) = Ledger::install(builder);
    let keys = ApiKeys::new()
        .key("key-alice", Caller::new("alice").with_account("acme"))
        .key("key-bob", Caller::new("bob").with_account("acme"));
    let serving = start(McpService::builder(builder.build().unwrap()).authenticator(keys)).await;
    (serving, ledger, reached)
}

fn as_user(key: &str) -> Vec<(String, String)> {
    with(mcp_headers(Some("2025-06-18")), "x-api-key", key)
}

/// The server still answers an ordinary call.
async fn still_serving(addr: SocketAddr) {
    let reply = post(
        addr,
        &as_user("key-alice"),
        &call(99, "echo", json!({"text": "ok"})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(
        reply.json()["result"]["structuredContent"]["Data"]["text"],
        "ok"
    );
}

fn status_line(answer: &str) -> &str {
    answer.lines().next().unwrap_or("")
}

// --- HTTP ----------------------------------------------------------------

#[tokio::test]
async fn malformed_http_is_refused_before_the_service() {
    let (s, _, _) = hostile_target().await;
    let addr = s.local_addr();
    let many_headers: String = (0..120).map(|i| format!("X-Pad-{i}: x\r\n")).collect();
    let cases: [(&str, String, &str); 7] = [
        ("no request line", "GARBAGE\r\n\r\n".into(), "400"),
        (
            "a header without a colon",
            "POST /mcp HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n".into(),
            "400",
        ),
        (
            "a Content-Length that is not a number",
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n".into(),
            "400",
        ),
        (
            "two Content-Lengths that disagree",
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"
                .into(),
            "400",
        ),
        (
            "a NUL in a header value",
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Evil: a\0b\r\n\r\n".into(),
            "400",
        ),
        (
            "a chunk size that is not hex",
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
             Accept: application/json\r\nX-API-Key: key-alice\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
                .into(),
            "400",
        ),
        (
            "more header lines than the parser takes",
            format!("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n{many_headers}\r\n"),
            "431",
        ),
    ];
    for (what, request, status) in cases {
        let answer = exchange_raw(addr, request.as_bytes(), GUARD).await;
        assert!(
            status_line(&answer).starts_with(&format!("HTTP/1.1 {status}")),
            "{what}: expected {status}, got {answer:?}"
        );
    }
    still_serving(addr).await;
}

// --- JSON-RPC ------------------------------------------------------------

#[tokio::test]
async fn malformed_json_rpc_gets_its_exact_code() {
    let (s, _, _) = hostile_target().await;
    let addr = s.local_addr();
    let headers = as_user("key-alice");
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let deep_params = format!(
        r#"{{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}1{}}}"#,
        "{\"a\":".repeat(5_000),
        "}".repeat(5_000)
    );
    let cases: [(&str, String, StatusCode, i64); 9] = [
        (
            "nesting 100 000 deep",
            deep,
            StatusCode::BAD_REQUEST,
            -32700,
        ),
        (
            "params nesting 5 000 deep",
            deep_params,
            StatusCode::BAD_REQUEST,
            -32700,
        ),
        (
            "a number too large for any id",
            r#"{"jsonrpc":"2.0","id":1e400,"method":"ping"}"#.into(),
            StatusCode::BAD_REQUEST,
            -32700,
        ),
        (
            "an object as the id",
            r#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#.into(),
            StatusCode::BAD_REQUEST,
            -32600,
        ),
        (
            "the id given twice",
            r#"{"jsonrpc":"2.0","id":1,"id":2,"method":"ping"}"#.into(),
            StatusCode::BAD_REQUEST,
            -32600,
        ),
        (
            "a version other than 2.0",
            r#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#.into(),
            StatusCode::BAD_REQUEST,
            -32600,
        ),
        (
            "a number as the method",
            r#"{"jsonrpc":"2.0","id":1,"method":7}"#.into(),
            StatusCode::BAD_REQUEST,
            -32600,
        ),
        (
            "params that are neither object nor array",
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":"echo"}"#.into(),
            StatusCode::BAD_REQUEST,
            -32600,
        ),
        (
            "a tool name that is a number",
            r#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7}}"#.into(),
            StatusCode::OK,
            -32602,
        ),
    ];
    for (what, body, status, code) in cases {
        let reply = send(addr, "POST", "/mcp", &headers, &body).await;
        assert_eq!(reply.status, status, "{what}: {}", reply.body);
        assert_eq!(reply.error_code(), code, "{what}: {}", reply.body);
    }
    // Bytes that are not UTF-8 cannot go through `send`; over a raw socket.
    let mut raw = b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
        Accept: application/json\r\nMCP-Protocol-Version: 2025-06-18\r\nX-API-Key: key-alice\r\n\
        Connection: close\r\nContent-Length: 4\r\n\r\n"
        .to_vec();
    raw.extend_from_slice(b"\"\xff\xfe\"");
    let answer = exchange_raw(addr, &raw, GUARD).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("-32700"), "{answer}");
    still_serving(addr).await;
}

// --- MCP -----------------------------------------------------------------

#[tokio::test]
async fn malformed_tool_calls_get_an_envelope_or_invalid_params() {
    let (s, _, _) = hostile_target().await;
    let addr = s.local_addr();
    let headers = as_user("key-alice");
    // Protocol errors: the call itself is not well formed.
    for (what, params) in [
        ("no name", json!({"arguments": {}})),
        (
            "an unknown tool",
            json!({"name": "../../etc/passwd", "arguments": {}}),
        ),
        (
            "arguments that are an array",
            json!({"name": "echo", "arguments": [1, 2]}),
        ),
    ] {
        let body = json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": params});
        let reply = post(addr, &headers, &body).await;
        assert_eq!(reply.status, StatusCode::OK, "{what}");
        assert_eq!(reply.error_code(), -32602, "{what}: {}", reply.body);
        assert_eq!(reply.json()["id"], 5, "{what}");
    }
    // Tool errors: well formed, but the arguments break the tool's contract.
    for (what, arguments) in [
        ("a wrong type", json!({"text": 7})),
        ("an unknown field", json!({"text": "x", "sudo": true})),
        ("a missing field", json!({})),
        (
            "a huge string",
            json!({"text": "x".repeat(1_000_000), "extra": [null]}),
        ),
    ] {
        let reply = post(addr, &headers, &call(6, "echo", arguments)).await;
        assert_eq!(reply.status, StatusCode::OK, "{what}");
        let envelope = &reply.json()["result"]["structuredContent"];
        assert_eq!(envelope["Success"], false, "{what}: {}", reply.body);
        assert_eq!(
            envelope["ErrorCode"], "InvalidArguments",
            "{what}: {}",
            reply.body
        );
        assert_eq!(reply.json()["result"]["isError"], true, "{what}");
    }
    still_serving(addr).await;
}

// --- Credentials ---------------------------------------------------------

#[tokio::test]
async fn hostile_credentials_get_401_and_never_a_caller() {
    let (s, _, _) = hostile_target().await;
    let addr = s.local_addr();
    let body = call(1, "echo", json!({"text": "hi"})).to_string();
    let base = mcp_headers(Some("2025-06-18"));
    let long_key = "k".repeat(16 * 1024);
    let cases: [(&str, Vec<(String, String)>); 6] = [
        (
            "an unknown key",
            with(base.clone(), "x-api-key", "key-mallory"),
        ),
        (
            "a known key with a trailing byte",
            with(base.clone(), "x-api-key", "key-alicex"),
        ),
        (
            "a prefix of a known key",
            with(base.clone(), "x-api-key", "key-ali"),
        ),
        ("an empty key", with(base.clone(), "x-api-key", "")),
        ("a 16 KiB key", with(base.clone(), "x-api-key", &long_key)),
        (
            "a bearer token that is a known key's neighbour",
            with(base.clone(), "authorization", "Bearer key-alicf"),
        ),
    ];
    for (what, headers) in cases {
        let reply = send(addr, "POST", "/mcp", &headers, &body).await;
        assert_eq!(
            reply.status,
            StatusCode::UNAUTHORIZED,
            "{what}: {}",
            reply.body
        );
    }
    // A header value that is not even text.
    let raw = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nMCP-Protocol-Version: 2025-06-18\r\nConnection: close\r\n\
         X-API-Key: key-\u{00e9}lice\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let answer = exchange_raw(addr, raw.as_bytes(), GUARD).await;
    assert!(status_line(&answer).starts_with("HTTP/1.1 401"), "{answer}");
    still_serving(addr).await;
}

// --- Confirmation --------------------------------------------------------

fn envelope(reply: &mcp_test_client::Response) -> Value {
    reply.json()["result"]["structuredContent"].clone()
}

#[tokio::test]
async fn confirmation_tokens_misused_are_refused_with_their_code() {
    let (s, _, _) = hostile_target().await;
    let addr = s.local_addr();
    let alice = as_user("key-alice");
    let bob = as_user("key-bob");
    let dry = post(addr, &alice, &call(1, "remove", json!({"id": 3}))).await;
    let token = envelope(&dry)["Data"]["ConfirmationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut tampered = token.clone().into_bytes();
    let last = tampered.len() - 2;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();

    let cases = [
        (
            "another caller of the same account",
            &bob,
            json!({"id": 3, "confirmationToken": token}),
            "ConfirmationWrongCaller",
        ),
        (
            "other arguments",
            &alice,
            json!({"id": 4, "confirmationToken": token}),
            "ConfirmationArgumentsChanged",
        ),
        (
            "one character changed",
            &alice,
            json!({"id": 3, "confirmationToken": tampered}),
            "ConfirmationInvalid",
        ),
        (
            "a token that is not a string",
            &alice,
            json!({"id": 3, "confirmationToken": 12}),
            "InvalidArguments",
        ),
        (
            "an empty token",
            &alice,
            json!({"id": 3, "confirmationToken": ""}),
            "InvalidArguments",
        ),
        (
            "a token of another format",
            &alice,
            json!({"id": 3, "confirmationToken": "v2.AAAA.BBBB"}),
            "ConfirmationInvalid",
        ),
    ];
    for (what, who, arguments, code) in cases {
        let reply = post(addr, who, &call(2, "remove", arguments)).await;
        assert_eq!(reply.status, StatusCode::OK, "{what}");
        assert_eq!(
            envelope(&reply)["ErrorCode"],
            code,
            "{what}: {}",
            reply.body
        );
    }
    // The refusals did not use the token up: the real confirmation works once.
    let confirmed = post(
        addr,
        &alice,
        &call(3, "remove", json!({"id": 3, "confirmationToken": token})),
    )
    .await;
    assert_eq!(
        envelope(&confirmed)["Data"],
        json!({"removed": 3}),
        "{}",
        confirmed.body
    );
    let replayed = post(
        addr,
        &alice,
        &call(4, "remove", json!({"id": 3, "confirmationToken": token})),
    )
    .await;
    assert_eq!(
        envelope(&replayed)["ErrorCode"],
        "ConfirmationAlreadyUsed",
        "{}",
        replayed.body
    );
}

#[tokio::test]
async fn racing_confirmations_of_one_token_execute_once() {
    let (s, _, _) = hostile_target().await;
    let addr = s.local_addr();
    let alice = as_user("key-alice");
    let dry = post(addr, &alice, &call(1, "remove", json!({"id": 9}))).await;
    let token = envelope(&dry)["Data"]["ConfirmationToken"]
        .as_str()
        .unwrap()
        .to_owned();
    let confirm = |id| {
        let alice = alice.clone();
        let token = token.clone();
        async move {
            post(
                addr,
                &alice,
                &call(id, "remove", json!({"id": 9, "confirmationToken": token})),
            )
            .await
        }
    };
    let replies = futures::future::join_all((10..18).map(confirm)).await;
    let executed = replies
        .iter()
        .filter(|r| envelope(r)["Success"] == true)
        .count();
    let refused = replies
        .iter()
        .filter(|r| envelope(r)["ErrorCode"] == "ConfirmationAlreadyUsed")
        .count();
    assert_eq!((executed, refused), (1, 7));
}

// --- Slow and abandoned clients ----------------------------------------

#[tokio::test]
async fn a_client_that_walks_away_mid_write_leaves_an_audited_failure() {
    let (s, ledger, mut reached) = hostile_target().await;
    let addr = s.local_addr();
    let body = call(21, "transfer", json!({"amount": 12})).to_string();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nMCP-Protocol-Version: 2025-06-18\r\nX-API-Key: key-alice\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut tcp, request.as_bytes())
        .await
        .unwrap();
    assert_eq!(
        tokio::time::timeout(GUARD, reached.recv()).await.unwrap(),
        Some(12)
    );
    drop(tcp);
    // The server notices the hang-up, drops the call, and audits it.
    eventually(|| !ledger.audit.records().is_empty()).await;
    let records = ledger.audit.records();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(records[0].outcome, AuditOutcome::Failed);
    assert_eq!(records[0].caller.as_deref(), Some("key:alice"));
    assert_eq!(ledger.entries(), ["debit 12"]);
    ledger.open_gate();
    still_serving(addr).await;
}

#[tokio::test]
async fn a_request_dribbled_a_byte_at_a_time_within_the_timeouts_is_served() {
    let (s, _, _) = hostile_target().await;
    let addr = s.local_addr();
    let body = call(31, "echo", json!({"text": "slow"})).to_string();
    let request = format!(
        "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Accept: application/json\r\nMCP-Protocol-Version: 2025-06-18\r\nX-API-Key: key-alice\r\n\
         Connection: close\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    for byte in request.as_bytes() {
        tokio::io::AsyncWriteExt::write_all(&mut tcp, std::slice::from_ref(byte))
            .await
            .unwrap();
        tokio::task::yield_now().await;
    }
    let mut answer = Vec::new();
    tokio::time::timeout(
        GUARD,
        tokio::io::AsyncReadExt::read_to_end(&mut tcp, &mut answer),
    )
    .await
    .unwrap()
    .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    assert!(status_line(&answer).starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains(r#""text":"slow""#), "{answer}");
}
