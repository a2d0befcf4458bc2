//! The span per request: its fields, the client's trace context from `_meta`
//! or the transport's headers, malformed ones ignored, and the remote-parent
//! hook. A `tracing-subscriber` layer records what the spans carry.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use mcp_tools::trace::{REQUEST_SPAN, TraceContext, set_remote_parent_hook};
use mcp_tools::transport::RequestContext;
use mcp_tools::transport::jsonrpc::{Message, Request, RequestId};
use mcp_tools::{Client, Server, Tool, ToolContext, ToolResult};
use serde_json::{Value, json};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::{Layer, Registry};

const TRACEPARENT: &str = "00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01";

/// One span as the layer saw it.
#[derive(Debug, Clone, Default)]
struct SeenSpan {
    name: &'static str,
    fields: BTreeMap<String, String>,
}

/// One event, with the request span it happened in (if any).
#[derive(Debug, Clone)]
struct SeenEvent {
    message: String,
    level: tracing::Level,
    request_span: Option<BTreeMap<String, String>>,
}

#[derive(Default, Clone)]
struct Seen {
    spans: Arc<Mutex<BTreeMap<u64, SeenSpan>>>,
    events: Arc<Mutex<Vec<SeenEvent>>>,
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Seen {
    fn on_new_span(&self, attrs: &Attributes<'_>, id: &Id, _: Context<'_, S>) {
        let mut span = SeenSpan {
            name: attrs.metadata().name(),
            ..SeenSpan::default()
        };
        attrs.record(&mut Fields(&mut span.fields));
        lock(&self.spans).insert(id.into_u64(), span);
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, _: Context<'_, S>) {
        if let Some(span) = lock(&self.spans).get_mut(&id.into_u64()) {
            values.record(&mut Fields(&mut span.fields));
        }
    }

    fn on_event(&self, event: &Event<'_>, cx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        let request_span = cx.event_scope(event).and_then(|scope| {
            scope
                .from_root()
                .find(|span| span.name() == REQUEST_SPAN)
                .and_then(|span| lock(&self.spans).get(&span.id().into_u64()).cloned())
                .map(|span| span.fields)
        });
        lock(&self.events).push(SeenEvent {
            message: fields.remove("message").unwrap_or_default(),
            level: *event.metadata().level(),
            request_span,
        });
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Seen {
    fn request_spans(&self) -> Vec<BTreeMap<String, String>> {
        lock(&self.spans)
            .values()
            .filter(|s| s.name == REQUEST_SPAN)
            .map(|s| s.fields.clone())
            .collect()
    }

    fn events(&self) -> Vec<SeenEvent> {
        lock(&self.events).clone()
    }
}

/// The echo tool's arguments.
#[derive(serde::Deserialize, serde::Serialize, schemars::JsonSchema)]
struct Echo {
    /// The text to send back.
    text: String,
}

fn server() -> Server {
    let echo = Tool::builder("echo")
        .description("Sends the text back.")
        .read_only()
        .handler(|args: Echo, _: ToolContext| async move {
            tracing::info!("echo ran");
            ToolResult::Ok(args)
        });
    Server::builder("traced", "1.0.0")
        .tool(echo)
        .build()
        .unwrap()
}

/// Runs `f` on a current-thread runtime with a subscriber that records spans
/// and events (debug and up) on this thread.
fn traced<F: Future>(f: impl FnOnce() -> F) -> (F::Output, Seen) {
    let seen = Seen::default();
    let subscriber = Registry::default().with(seen.clone());
    let output = tracing::subscriber::with_default(subscriber, || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(f())
    });
    (output, seen)
}

fn call_params(meta: Value) -> Value {
    json!({"name": "echo", "arguments": {"text": "hi"}, "_meta": meta})
}

#[test]
fn a_call_has_one_span_with_the_clients_trace() {
    let (result, seen) = traced(|| async {
        let client = Client::new(server());
        let params =
            call_params(json!({"traceparent": TRACEPARENT, "tracestate": "congo=t61rcWkgMzE"}));
        client.request("tools/call", params).await
    });
    assert_eq!(result.unwrap()["isError"], false);
    let spans = seen.request_spans();
    assert_eq!(spans.len(), 1, "{spans:?}");
    let span = &spans[0];
    assert_eq!(span["method"], "tools/call");
    assert_eq!(span["tool"], "echo");
    assert_eq!(span["trace_id"], "0af7651916cd43dd8448eb211c80319c");
    assert_eq!(span["parent_span_id"], "00f067aa0ba902b7");
    assert!(
        span.contains_key("id") && span.contains_key("version"),
        "{span:?}"
    );
    // What the tool logs happens inside the request's span.
    let ran = seen
        .events()
        .into_iter()
        .find(|e| e.message == "echo ran")
        .expect("the tool's event");
    let inside = ran
        .request_span
        .expect("the tool's event is in the request span");
    assert_eq!(inside["trace_id"], "0af7651916cd43dd8448eb211c80319c");
}

#[test]
fn a_span_names_the_caller_and_version_without_a_trace() {
    let (result, seen) = traced(|| async {
        let client = Client::new(server())
            .with_caller(mcp_tools::Caller::new("alice"))
            .with_protocol_version(mcp_tools::ProtocolVersion::V2025_06_18);
        client.request("tools/list", json!({})).await
    });
    assert!(result.is_ok());
    let spans = seen.request_spans();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0]["method"], "tools/list");
    assert_eq!(spans[0]["caller"], "alice");
    assert_eq!(spans[0]["version"], "2025-06-18");
    assert!(!spans[0].contains_key("tool"));
    assert!(!spans[0].contains_key("trace_id"));
}

#[test]
fn malformed_traceparents_are_ignored_and_logged_at_debug() {
    let malformed = [
        json!("00-00000000000000000000000000000000-00f067aa0ba902b7-01"),
        json!("00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"),
        json!("ff-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01"),
        json!("00-0AF7651916CD43DD8448EB211C80319C-00f067aa0ba902b7-01"),
        json!("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7"),
        json!("not a traceparent"),
        json!(42),
    ];
    for traceparent in malformed {
        let (result, seen) = traced(|| async {
            let client = Client::new(server());
            client
                .request(
                    "tools/call",
                    call_params(json!({"traceparent": traceparent})),
                )
                .await
        });
        let result = result.unwrap_or_else(|e| panic!("{traceparent}: {e:?}"));
        assert_eq!(result["isError"], false, "{traceparent}");
        let spans = seen.request_spans();
        assert_eq!(spans.len(), 1, "{traceparent}: {spans:?}");
        assert!(
            !spans[0].contains_key("trace_id"),
            "{traceparent}: {spans:?}"
        );
        assert!(!spans[0].contains_key("parent_span_id"), "{traceparent}");
        let logged = seen
            .events()
            .into_iter()
            .find(|e| e.message.starts_with("ignored a"))
            .unwrap_or_else(|| panic!("{traceparent}: no debug line"));
        assert_eq!(logged.level, tracing::Level::DEBUG);
        assert_eq!(
            logged.request_span.expect("in the span")["method"],
            "tools/call"
        );
    }
}

fn call_request(meta: Value) -> Message {
    Message::Request(Request {
        id: RequestId::Number(7),
        method: "tools/call".into(),
        params: Some(call_params(meta)),
        meta: None,
    })
}

#[test]
fn the_transports_header_is_used_and_meta_wins_over_it() {
    let header = "00-11111111111111111111111111111111-2222222222222222-00";
    let (_, seen) = traced(|| async {
        let server = server();
        let cx = RequestContext::new().with_trace_headers(header, Some("k=v"));
        server.handle(call_request(json!({})), cx).await
    });
    let spans = seen.request_spans();
    assert_eq!(spans[0]["trace_id"], "11111111111111111111111111111111");
    assert_eq!(spans[0]["parent_span_id"], "2222222222222222");
    assert_eq!(spans[0]["id"], "7");

    let (_, seen) = traced(|| async {
        let server = server();
        let cx = RequestContext::new().with_trace_headers(header, None);
        server
            .handle(call_request(json!({"traceparent": TRACEPARENT})), cx)
            .await
    });
    assert_eq!(
        seen.request_spans()[0]["trace_id"],
        "0af7651916cd43dd8448eb211c80319c"
    );

    // A malformed `_meta` one does not hide a valid header.
    let (_, seen) = traced(|| async {
        let server = server();
        let cx = RequestContext::new().with_trace_headers(header, None);
        server
            .handle(call_request(json!({"traceparent": "00-zz"})), cx)
            .await
    });
    assert_eq!(
        seen.request_spans()[0]["trace_id"],
        "11111111111111111111111111111111"
    );
}

static HOOKED: Mutex<Vec<(String, Option<String>)>> = Mutex::new(Vec::new());

fn remember(span: &tracing::Span, parent: &TraceContext) {
    assert!(!span.is_disabled());
    lock(&HOOKED).push((parent.to_string(), parent.tracestate().map(str::to_owned)));
}

#[test]
fn the_remote_parent_hook_sees_each_traced_request_span() {
    assert!(set_remote_parent_hook(remember));
    assert!(
        !set_remote_parent_hook(remember),
        "a second hook is refused"
    );
    let traceparent = "00-33333333333333333333333333333333-4444444444444444-01";
    let (_, _seen) = traced(|| async {
        Client::new(server())
            .request(
                "tools/call",
                call_params(json!({"traceparent": traceparent, "tracestate": "vendor=abc"})),
            )
            .await
    });
    let hooked = lock(&HOOKED).clone();
    assert!(
        hooked.contains(&(traceparent.to_owned(), Some("vendor=abc".to_owned()))),
        "{hooked:?}"
    );
    // With a subscriber that wants warnings only, the span is disabled, and
    // neither recorded nor hooked.
    let untraced = "00-55555555555555555555555555555555-6666666666666666-01";
    let seen = Seen::default();
    let subscriber = Registry::default()
        .with(LevelFilter::WARN)
        .with(seen.clone());
    tracing::subscriber::with_default(subscriber, || {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(async {
                Client::new(server())
                    .request("tools/call", call_params(json!({"traceparent": untraced})))
                    .await
            })
            .unwrap();
    });
    assert!(seen.request_spans().is_empty());
    assert!(!lock(&HOOKED).iter().any(|(t, _)| t == untraced));
}
