//! With the `otel` feature: a `tools/call` carrying a client's `traceparent`
//! becomes an OpenTelemetry span in the client's trace, whose parent is the
//! client's span. The spans go to the SDK's in-memory exporter.
#![cfg(feature = "otel")]
#![allow(clippy::unwrap_used)]

use mcp_examples_support::otel;
use mcp_tools::{Client, NoArguments, Server, Tool, ToolContext, ToolResult};
use opentelemetry::trace::{SpanId, TraceId};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider};
use serde_json::json;
use tracing_subscriber::Registry;
use tracing_subscriber::layer::SubscriberExt;

#[test]
fn a_call_joins_the_clients_trace() {
    let exporter = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_simple_exporter(exporter.clone())
        .build();
    otel::join_client_traces();
    let subscriber = Registry::default().with(otel::layer(&provider));
    let ping = Tool::builder("ping")
        .description("Answers pong.")
        .read_only()
        .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("pong") });
    let server = Server::builder("traced", "1.0.0")
        .tool(ping)
        .build()
        .unwrap();
    let traceparent = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";
    let answer = tracing::subscriber::with_default(subscriber, || {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(async {
                let client = Client::new(server);
                // One call in the client's trace, one without a trace.
                let traced = client
                    .request(
                        "tools/call",
                        json!({"name": "ping", "arguments": {}, "_meta": {"traceparent": traceparent}}),
                    )
                    .await;
                client
                    .request("tools/call", json!({"name": "ping", "arguments": {}}))
                    .await
                    .unwrap();
                traced
            })
    });
    assert_eq!(answer.unwrap()["isError"], false);
    provider.force_flush().unwrap();
    let spans = exporter.get_finished_spans().unwrap();
    let requests: Vec<_> = spans.iter().filter(|s| s.name == "mcp.request").collect();
    assert_eq!(requests.len(), 2, "{spans:#?}");
    let client_trace = TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap();
    let client_span = SpanId::from_hex("00f067aa0ba902b7").unwrap();
    let joined = requests
        .iter()
        .find(|s| s.span_context.trace_id() == client_trace)
        .expect("a span in the client's trace");
    assert_eq!(joined.parent_span_id, client_span);
    assert!(joined.parent_span_is_remote);
    assert!(joined.span_context.is_sampled());
    let tool = joined
        .attributes
        .iter()
        .find(|kv| kv.key.as_str() == "tool")
        .map(|kv| kv.value.to_string());
    assert_eq!(tool.as_deref(), Some("ping"));
    // The call without a traceparent starts a trace of its own.
    let own = requests
        .iter()
        .find(|s| s.span_context.trace_id() != client_trace)
        .expect("the untraced call's span");
    assert_eq!(own.parent_span_id, SpanId::INVALID);
    provider.shutdown().unwrap();
}
