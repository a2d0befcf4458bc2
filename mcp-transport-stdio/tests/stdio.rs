//! The stdio transport over an in-memory pipe: framing, concurrency,
//! server-to-client requests, cancellation, admission and the end of input.
#![allow(clippy::unwrap_used, reason = "tests")]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use mcp_tools::{Caller, NoArguments, Server, Tool, ToolContext, ToolError, ToolResult};
use mcp_transport_stdio::StdioTransport;
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// A hang guard only: every wait below ends on an event long before it.
const HANG: Duration = Duration::from_secs(20);

struct Pipe {
    lines: tokio::io::Lines<BufReader<ReadHalf<DuplexStream>>>,
    input: Option<WriteHalf<DuplexStream>>,
    serving: JoinHandle<std::io::Result<()>>,
}

impl Pipe {
    fn start(transport: StdioTransport) -> Self {
        let (client, server_side) = tokio::io::duplex(1 << 16);
        let (from_client, to_client) = tokio::io::split(server_side);
        let serving = tokio::spawn(transport.serve_on(from_client, to_client));
        let (from_server, to_server) = tokio::io::split(client);
        Self {
            lines: BufReader::new(from_server).lines(),
            input: Some(to_server),
            serving,
        }
    }

    async fn send(&mut self, message: Value) {
        self.send_raw(&message.to_string()).await;
    }

    async fn send_raw(&mut self, line: &str) {
        let input = self.input.as_mut().unwrap();
        input.write_all(line.as_bytes()).await.unwrap();
        input.write_all(b"\n").await.unwrap();
    }

    async fn next(&mut self) -> Value {
        let line = tokio::time::timeout(HANG, self.lines.next_line())
            .await
            .expect("an answer in time")
            .unwrap()
            .expect("the transport is still writing");
        serde_json::from_str(&line).unwrap()
    }

    async fn close(mut self) -> Vec<Value> {
        // The end of input, as a client closing its end of the pipe.
        self.input.take().unwrap().shutdown().await.unwrap();
        tokio::time::timeout(HANG, &mut self.serving)
            .await
            .expect("the transport finishes when input ends")
            .unwrap()
            .unwrap();
        let mut rest = Vec::new();
        while let Ok(Some(line)) = self.lines.next_line().await {
            rest.push(serde_json::from_str(&line).unwrap());
        }
        rest
    }
}

fn call(id: u64, tool: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": {"name": tool, "arguments": {}}})
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {"elicitation": {}},
        "clientInfo": {"name": "test", "version": "1"}
    }})
}

/// A tool that waits until released (or cancelled), and says which.
fn gate_tool(release: Arc<Notify>, saw_cancel: Arc<AtomicBool>) -> Tool {
    Tool::builder("wait_for_release")
        .description("Waits until the test releases it.")
        .read_only()
        .handler(move |_: NoArguments, cx: ToolContext| {
            let release = release.clone();
            let saw_cancel = saw_cancel.clone();
            async move {
                tokio::select! {
                    () = release.notified() => ToolResult::Ok("released"),
                    () = cx.cancelled() => {
                        saw_cancel.store(true, Ordering::SeqCst);
                        ToolResult::Err(ToolError::internal("cancelled"))
                    }
                }
            }
        })
}

fn quick_tool() -> Tool {
    Tool::builder("quick")
        .description("Answers at once.")
        .read_only()
        .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("quick") })
}

fn asking_tool() -> Tool {
    Tool::builder("ask_name")
        .description("Asks the user for a name.")
        .read_only()
        .handler(|_: NoArguments, cx: ToolContext| async move {
            let answer = cx
                .request_client(
                    "elicitation/create",
                    json!({"message": "Your name?", "requestedSchema": {"type": "object",
                        "properties": {"name": {"type": "string"}}}}),
                )
                .await
                .map_err(|e| ToolError::internal(e.message))?;
            ToolResult::Ok(format!(
                "hello {}",
                answer["content"]["name"].as_str().unwrap_or("?")
            ))
        })
}

fn envelope(answer: &Value) -> Value {
    serde_json::from_str(answer["result"]["content"][0]["text"].as_str().unwrap()).unwrap()
}

#[tokio::test]
async fn a_slow_call_holds_up_no_other_request() {
    let release = Arc::new(Notify::new());
    let server = Server::builder("t", "1")
        .tools([gate_tool(release.clone(), Arc::default()), quick_tool()])
        .build()
        .unwrap();
    let mut pipe = Pipe::start(StdioTransport::new(server));
    pipe.send(initialize()).await;
    assert_eq!(pipe.next().await["result"]["protocolVersion"], "2025-06-18");
    pipe.send(call(1, "wait_for_release")).await;
    pipe.send(call(2, "quick")).await;
    let first = pipe.next().await;
    assert_eq!(
        first["id"], 2,
        "the quick call answers while the slow one waits"
    );
    release.notify_one();
    let second = pipe.next().await;
    assert_eq!(
        (second["id"].clone(), envelope(&second)["Data"].clone()),
        (json!(1), json!("released"))
    );
    assert!(pipe.close().await.is_empty());
}

#[tokio::test]
async fn a_tool_asks_the_client_and_gets_its_answer() {
    let server = Server::builder("t", "1")
        .tool(asking_tool())
        .build()
        .unwrap();
    let mut pipe = Pipe::start(StdioTransport::new(server));
    pipe.send(initialize()).await;
    pipe.next().await;
    pipe.send(call(7, "ask_name")).await;
    let question = pipe.next().await;
    assert_eq!(question["method"], "elicitation/create");
    pipe.send(json!({"jsonrpc": "2.0", "id": question["id"], "result": {"action": "accept", "content": {"name": "Ada"}}}))
        .await;
    let answer = pipe.next().await;
    assert_eq!(answer["id"], 7);
    assert_eq!(envelope(&answer)["Data"], "hello Ada");
}

#[tokio::test]
async fn cancelled_notifications_reach_the_running_tool() {
    let saw_cancel = Arc::new(AtomicBool::new(false));
    let server = Server::builder("t", "1")
        .tool(gate_tool(Arc::new(Notify::new()), saw_cancel.clone()))
        .build()
        .unwrap();
    let mut pipe = Pipe::start(StdioTransport::new(server));
    pipe.send(initialize()).await;
    pipe.next().await;
    pipe.send(call(3, "wait_for_release")).await;
    // A second request proves the call is registered before it is cancelled.
    pipe.send(json!({"jsonrpc": "2.0", "id": 4, "method": "ping"}))
        .await;
    assert_eq!(pipe.next().await["id"], 4);
    pipe.send(
        json!({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 3}}),
    )
    .await;
    let rest = pipe.close().await;
    assert!(
        saw_cancel.load(Ordering::SeqCst),
        "the tool saw the cancellation"
    );
    assert!(
        rest.iter()
            .all(|m| m["id"] != 3 || m.get("error").is_some() || m["result"]["isError"] == true),
        "a cancelled call is never reported as a success: {rest:?}"
    );
}

#[tokio::test]
async fn when_input_ends_running_calls_are_cancelled_after_the_grace() {
    let saw_cancel = Arc::new(AtomicBool::new(false));
    let server = Server::builder("t", "1")
        .tool(gate_tool(Arc::new(Notify::new()), saw_cancel.clone()))
        .build()
        .unwrap();
    let mut pipe =
        Pipe::start(StdioTransport::new(server).shutdown_grace(Duration::from_millis(50)));
    pipe.send(initialize()).await;
    pipe.next().await;
    pipe.send(call(1, "wait_for_release")).await;
    pipe.send(json!({"jsonrpc": "2.0", "id": 2, "method": "ping"}))
        .await;
    assert_eq!(pipe.next().await["id"], 2);
    pipe.close().await;
    assert!(
        saw_cancel.load(Ordering::SeqCst),
        "the tool was told before it was dropped"
    );
}

#[tokio::test]
async fn bad_lines_get_parse_errors_and_reading_goes_on() {
    let server = Server::builder("t", "1")
        .tool(quick_tool())
        .build()
        .unwrap();
    let mut pipe = Pipe::start(StdioTransport::new(server).max_message_bytes(256));
    pipe.send_raw("this is not json").await;
    let refused = pipe.next().await;
    assert_eq!(
        (refused["id"].clone(), refused["error"]["code"].clone()),
        (Value::Null, json!(-32700))
    );
    pipe.send_raw(&format!("{{\"padding\":\"{}\"}}", "x".repeat(1000)))
        .await;
    let too_long = pipe.next().await;
    assert_eq!(too_long["error"]["code"], -32700);
    assert!(
        too_long["error"]["message"]
            .as_str()
            .unwrap()
            .contains("256 bytes"),
        "{too_long}"
    );
    pipe.send_raw("").await;
    pipe.send(json!({"jsonrpc": "2.0", "id": 9, "method": "ping"}))
        .await;
    assert_eq!(pipe.next().await["id"], 9, "the connection survived");
}

#[tokio::test]
async fn a_batch_is_answered_as_a_batch() {
    let server = Server::builder("t", "1")
        .tool(quick_tool())
        .build()
        .unwrap();
    let mut pipe = Pipe::start(StdioTransport::new(server));
    pipe.send(json!([
        {"jsonrpc": "2.0", "id": 1, "method": "ping"},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
    ]))
    .await;
    let answers = pipe.next().await;
    let ids: Vec<&Value> = answers
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["id"])
        .collect();
    assert_eq!(ids, [&json!(1), &json!(2)]);
}

#[tokio::test]
async fn a_server_requiring_authentication_serves_only_a_named_caller() {
    let server = Server::builder("t", "1")
        .tool(quick_tool())
        .require_authentication()
        .build()
        .unwrap();
    let mut anonymous = Pipe::start(StdioTransport::new(server.clone()));
    anonymous.send(call(1, "quick")).await;
    let refused = envelope(&anonymous.next().await);
    assert_eq!(refused["ErrorCode"], "Unauthorized", "{refused}");

    let mut named = Pipe::start(StdioTransport::new(server).caller(Caller::new("local:me")));
    named.send(call(1, "quick")).await;
    assert_eq!(envelope(&named.next().await)["Success"], true);
}
