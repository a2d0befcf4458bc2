//! SIGTERM on every example binary, as a supervisor (systemd, Kubernetes)
//! stops it: the server stops accepting connections, lets the request in
//! flight finish and answer, and exits with success; Retently's write in
//! flight is carried out whole and is in the audit log once the process has
//! exited.
//!
//! The request "in flight" is one whose body is still arriving when the
//! signal is sent: its head goes out with `Expect: 100-continue`, and once
//! the server's `100 Continue` shows that the endpoint is reading the body,
//! half the body; then SIGTERM; the rest only once the server has stopped
//! accepting connections. So the test needs no slow tool and cannot pass by
//! luck of timing.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Running, bound_address, example_binary};

/// Hang guards only; nothing asserted depends on them.
const WITHIN: Duration = Duration::from_secs(30);
const VERSION: &str = "2025-06-18";

/// An example process and how to reach its endpoint.
struct Example {
    process: Running,
    addr: SocketAddr,
    path: &'static str,
    /// The credential header, when the example wants one.
    credential: Option<(String, String)>,
}

impl Example {
    fn start(name: &str, args: &[&str], path: &'static str) -> Self {
        let mut child = Command::new(example_binary(name))
            .args(args)
            .env("RUST_LOG", "warn")
            .env_remove("MCP_REDIS_URL")
            .env_remove("MCP_SHARED_SECRET")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start the {name} example: {e}"));
        let stdout = child.stdout.take().unwrap();
        let process = Running(child);
        let addr = bound_address(stdout);
        Self {
            process,
            addr,
            path,
            credential: None,
        }
    }

    fn with_credential(mut self, name: &str, value: String) -> Self {
        self.credential = Some((name.to_owned(), value));
        self
    }

    /// A `tools/call` request, whole, as bytes on the wire.
    fn request(&self, id: u64, tool: &str, arguments: &Value) -> (String, Vec<u8>) {
        self.request_with(id, tool, arguments, "")
    }

    /// [`request`](Self::request) with `extra` header lines.
    fn request_with(
        &self,
        id: u64,
        tool: &str,
        arguments: &Value,
        extra: &str,
    ) -> (String, Vec<u8>) {
        let body = json!({"jsonrpc": "2.0", "id": id, "method": "tools/call",
                          "params": {"name": tool, "arguments": arguments}})
        .to_string();
        let mut head = format!(
            "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
             Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: {VERSION}\r\n\
             Content-Length: {}\r\nConnection: close\r\n",
            self.path,
            self.addr,
            body.len()
        );
        if let Some((name, value)) = &self.credential {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(extra);
        head.push_str("\r\n");
        (head, body.into_bytes())
    }

    /// One whole call; the envelope's `Data`.
    fn call(&self, id: u64, tool: &str, arguments: &Value) -> Value {
        let (head, body) = self.request(id, tool, arguments);
        let mut tcp = TcpStream::connect(self.addr).unwrap();
        tcp.set_read_timeout(Some(WITHIN)).unwrap();
        tcp.write_all(head.as_bytes()).unwrap();
        tcp.write_all(&body).unwrap();
        data(&read_answer(tcp), tool)
    }

    /// Sends SIGTERM, as `kill` does.
    fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.process.0.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success(), "kill -TERM failed");
    }

    fn wait_until_refused(&self) {
        let deadline = Instant::now() + WITHIN;
        while TcpStream::connect(self.addr).is_ok() {
            assert!(
                Instant::now() < deadline,
                "still accepting connections after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn wait_exit(&mut self) -> ExitStatus {
        let child: &mut Child = &mut self.process.0;
        let deadline = Instant::now() + WITHIN;
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "no exit after SIGTERM");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The whole scenario: `tool` is in flight when SIGTERM arrives; its
    /// answer's `Data` is returned once the process has exited with success.
    fn terminate_during(&mut self, tool: &str, arguments: &Value) -> Value {
        let (head, body) = self.request_with(99, tool, arguments, "Expect: 100-continue\r\n");
        let (first, rest) = body.split_at(body.len() / 2);
        let mut tcp = TcpStream::connect(self.addr).unwrap();
        tcp.set_read_timeout(Some(WITHIN)).unwrap();
        tcp.write_all(head.as_bytes()).unwrap();
        let continue_line = b"HTTP/1.1 100 Continue\r\n\r\n";
        let mut interim = vec![0; continue_line.len()];
        tcp.read_exact(&mut interim).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&interim),
            String::from_utf8_lossy(continue_line)
        );
        tcp.write_all(first).unwrap();
        self.terminate();
        self.wait_until_refused();
        tcp.write_all(rest).unwrap();
        let answer = read_answer(tcp);
        let status = self.wait_exit();
        assert!(status.success(), "the example exited with {status}");
        data(&answer, tool)
    }
}

/// Reads an answer to the end (the request said `Connection: close`).
fn read_answer(mut tcp: TcpStream) -> String {
    let mut bytes = Vec::new();
    tcp.read_to_end(&mut bytes).unwrap();
    String::from_utf8(bytes).unwrap()
}

/// The envelope's `Data` of a 200 answer, JSON or SSE.
fn data(answer: &str, tool: &str) -> Value {
    assert!(answer.starts_with("HTTP/1.1 200"), "{tool}: {answer}");
    let message = answer
        .lines()
        .filter_map(|line| line.strip_prefix("data: ").or(Some(line)))
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|m| m.get("result").is_some() || m.get("error").is_some())
        .unwrap_or_else(|| panic!("{tool}: no JSON-RPC answer in {answer}"));
    let envelope = &message["result"]["structuredContent"];
    assert_eq!(envelope["Success"], true, "{tool}: {message}");
    envelope["Data"].clone()
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn echo_finishes_the_call_in_flight_and_exits_cleanly_on_sigterm() {
    let mut echo = Example::start("echo", &["--listen", "127.0.0.1:0"], "/mcp");
    let answer = echo.terminate_during("echo", &json!({"text": "still here"}));
    assert_eq!(answer["text"], "still here");
}

#[test]
fn reply_finishes_the_call_in_flight_and_exits_cleanly_on_sigterm() {
    const KEY: &str = "shutdown-test-key";
    let mut reply = Example::start("reply", &["--listen", "127.0.0.1:0", "--api-key", KEY], "/")
        .with_credential("x-api-key", KEY.to_owned());
    let answer = reply.terminate_during("reply_list_playbooks", &json!({}));
    assert!(answer.is_object() || answer.is_array(), "{answer}");
}

#[test]
fn reteno_finishes_the_call_in_flight_and_exits_cleanly_on_sigterm() {
    // Its tokens name the address they are for: a fixed port.
    let listen = format!("127.0.0.1:{}", free_port());
    let token = Command::new(example_binary("reteno"))
        .args(["--listen", &listen, "--issue-token", "owner"])
        .output()
        .unwrap();
    assert!(token.status.success(), "--issue-token failed");
    let token = String::from_utf8(token.stdout).unwrap().trim().to_owned();
    let mut reteno = Example::start("reteno", &["--listen", &listen], "/mcp")
        .with_credential("Authorization", format!("Bearer {token}"));
    let answer = reteno.terminate_during("get_account_info", &json!({}));
    assert!(answer.is_object(), "{answer}");
}

#[test]
fn retently_carries_out_the_write_in_flight_and_audits_it_on_sigterm() {
    const TOKEN: &str = "rtly_mcp_pat_shutdown_0123456789abcdef0123456789abcdef";
    let dir = std::env::temp_dir().join(format!("mcp-tools-shutdown-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let audit = dir.join("audit.jsonl");
    let _ = std::fs::remove_file(&audit);
    let pat = format!("{TOKEN}=feedback:read,feedback:curate");
    let mut retently = Example::start(
        "retently",
        &[
            "--listen",
            "127.0.0.1:0",
            "--pat",
            &pat,
            "--audit-log",
            audit.to_str().unwrap(),
        ],
        "/mcp",
    )
    .with_credential("Authorization", format!("Bearer {TOKEN}"));

    let listed = retently.call(1, "list_feedback", &json!({}));
    let feedback = listed["Items"][0]["id"].clone();
    assert!(feedback.is_u64(), "no feedback to star in {listed}");
    let arguments = json!({"feedbackId": feedback, "starred": true});
    let dry = retently.call(2, "star_feedback", &arguments);
    let mut confirmed = arguments.clone();
    confirmed["confirmationToken"] = dry["ConfirmationToken"].clone();
    assert!(confirmed["confirmationToken"].is_string(), "{dry}");

    let done = retently.terminate_during("star_feedback", &confirmed);
    assert!(!done.is_null(), "{done}");

    // The process has exited: what it audited is on disk.
    let executed: Vec<Value> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str::<Value>(line).unwrap())
        .filter(|r| r["tool"] == "star_feedback" && r["outcome"] == "Executed")
        .collect();
    assert_eq!(executed.len(), 1, "{executed:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
