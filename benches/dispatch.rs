//! In-process cost of the core: argument validation, dispatch and envelope.
//!
//! `cargo bench --bench dispatch`
#![allow(
    missing_docs,
    reason = "criterion's macros generate undocumented items"
)]

use criterion::{Criterion, criterion_group, criterion_main};
use mcp_tools::transport::RequestContext;
use mcp_tools::transport::jsonrpc::{self, Incoming, Message};
use mcp_tools::{ProtocolVersion, Server, Tool, ToolContext, ToolResult};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::hint::black_box;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema)]
enum Channel {
    Email,
    LinkedIn,
}

/// A typical five-argument write.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
struct SendReply {
    /// Thread id.
    #[schemars(range(min = 1))]
    thread_id: u64,
    /// Channel.
    channel: Channel,
    /// Body.
    #[schemars(length(max = 32000))]
    message: String,
    /// Labels.
    labels: Option<Vec<String>>,
    /// Priority.
    #[schemars(range(min = 1, max = 5))]
    priority: Option<u8>,
}

#[derive(Serialize, JsonSchema)]
struct Sent {
    thread_id: u64,
    channel: Channel,
    length: usize,
}

fn send_tool(name: String) -> Tool {
    Tool::builder(name)
        .description("Sends a reply on a thread.")
        .destructive()
        .handler(|args: SendReply, _cx: ToolContext| async move {
            ToolResult::Ok(Sent {
                thread_id: args.thread_id,
                channel: args.channel,
                length: args.message.len()
                    + args.labels.map_or(0, |l| l.len())
                    + usize::from(args.priority.unwrap_or(0)),
            })
        })
}

const CALL: &[u8] = br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"send_reply","arguments":{"threadId":42,"channel":"email","message":"Thanks, let's talk on Tuesday.","labels":["warm","q3"],"priority":2}}}"#;

fn message(body: &[u8]) -> Message {
    match jsonrpc::parse(body) {
        Ok(Incoming::Single(m)) => m,
        _ => panic!("bench body must be one message"),
    }
}

fn benches(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = Server::builder("bench", "1")
        .tool(send_tool("send_reply".into()))
        .build()
        .expect("server");
    let cx = RequestContext::new().with_protocol_version(ProtocolVersion::V2025_11_25);

    c.bench_function("tools_call_5_args/parsed_message", |b| {
        b.to_async(&rt).iter(|| async {
            let response = server.handle(message(CALL), cx.clone()).await;
            black_box(response.map(|r| r.to_bytes()))
        })
    });

    c.bench_function("tools_call_5_args/from_bytes", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(server.handle_bytes(black_box(CALL), cx.clone()).await) })
    });

    let invalid = br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"send_reply","arguments":{"threadId":0,"channel":"fax","message":"","extra":1}}}"#;
    c.bench_function("tools_call_5_args/invalid_arguments", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(server.handle_bytes(black_box(invalid), cx.clone()).await) })
    });

    let big = Server::builder("bench", "1")
        .tools((0..80).map(|i| send_tool(format!("tool_{i:02}"))))
        .build()
        .expect("server");
    let list = br#"{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}"#;
    c.bench_function("tools_list/80_tools", |b| {
        b.to_async(&rt)
            .iter(|| async { black_box(big.handle_bytes(black_box(list), cx.clone()).await) })
    });

    c.bench_function("server_build/80_tools", |b| {
        b.iter(|| {
            black_box(
                Server::builder("bench", "1")
                    .tools((0..80).map(|i| send_tool(format!("tool_{i:02}"))))
                    .build()
                    .expect("server"),
            )
        })
    });
}

criterion_group!(dispatch, benches);
criterion_main!(dispatch);
