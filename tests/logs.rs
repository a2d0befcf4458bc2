//! The echo example's `--log-format json`: run as a person would run it, with
//! stderr in a file, one call, then every stderr line must be a JSON object,
//! and the line logged inside the call must carry the request's span fields
//! (the client's trace from the HTTP `traceparent` header, the malformed
//! `_meta` one ignored and logged at debug).
#![allow(clippy::unwrap_used)]

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::{Value, json};
use support::{Running, bound_address, example_binary};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_log_lines_carry_the_request_span() {
    let binary = example_binary("echo");
    let dir = std::env::temp_dir().join(format!("mcp-tools-logs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let stderr_path = dir.join("stderr.log");
    let stderr = std::fs::File::create(&stderr_path).unwrap();
    let mut child = Command::new(&binary)
        .args(["--listen", "127.0.0.1:0", "--log-format", "json"])
        .env("RUST_LOG", "debug")
        .env_remove("MCP_LOG_FORMAT")
        .env_remove("MCP_OTLP_ENDPOINT")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap_or_else(|e| panic!("could not start {}: {e}", binary.display()));
    let stdout = child.stdout.take().expect("piped stdout");
    let server = Running(child);
    // The banner's first line names the bound address.
    let addr = tokio::task::spawn_blocking(move || bound_address(stdout));
    let addr = tokio::time::timeout(Duration::from_secs(60), addr)
        .await
        .expect("the banner within a minute")
        .unwrap();

    let body = json!({
        "jsonrpc": "2.0", "id": 1, "method": "tools/call",
        "params": {"name": "echo", "arguments": {"text": "hi"},
                   "_meta": {"traceparent": "00-not-a-trace"}},
    });
    let headers = [
        ("content-type", "application/json"),
        ("accept", "application/json, text/event-stream"),
        ("mcp-protocol-version", "2025-06-18"),
        (
            "traceparent",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        ),
    ];
    let answer = mcp_test_client::send(addr, "POST", "/mcp", &headers, &body.to_string()).await;
    assert_eq!(answer.message()["result"]["isError"], false, "{answer:?}");
    drop(server);

    let text = std::fs::read_to_string(&stderr_path).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let lines: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect();
    assert!(!lines.is_empty(), "no log lines");
    assert!(!text.contains('\u{1b}'), "colour codes in a file: {text}");
    let ignored = lines
        .iter()
        .find(|l| l["fields"]["message"] == "ignored a malformed traceparent")
        .unwrap_or_else(|| panic!("no debug line for the malformed traceparent in\n{text}"));
    assert_eq!(ignored["level"], "DEBUG");
    assert_eq!(ignored["fields"]["from"], "_meta");
    let span = &ignored["span"];
    assert_eq!(span["name"], "mcp.request", "{ignored}");
    assert_eq!(span["method"], "tools/call");
    assert_eq!(span["tool"], "echo");
    assert_eq!(span["id"], "1");
    assert_eq!(span["version"], "2025-06-18");
    assert_eq!(span["trace_id"], "4bf92f3577b34da6a3ce929d0e0e4736");
    assert_eq!(span["parent_span_id"], "00f067aa0ba902b7");
    assert!(ignored["timestamp"].is_string() && ignored["target"].is_string());
}
