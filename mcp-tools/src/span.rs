//! The `tracing` span of one JSON-RPC request, joined to the client's trace
//! (see [`crate::trace`] for its fields and how the trace context is read).

use serde_json::Value;
use tracing::Span;
use tracing::field::{Empty, display};

use crate::context::RequestContext;
use crate::jsonrpc::{Request, RequestMeta};
use crate::protocol::method;
use crate::trace::{
    REQUEST_SPAN, TRACEPARENT, TRACESTATE, TraceContext, TraceHeaders, TraceparentError,
    remote_parent_hook,
};

impl RequestContext {
    /// Passes on the W3C `traceparent` (and `tracestate`) a transport received
    /// outside the message, such as HTTP headers, as they came. The server
    /// validates them; a `traceparent` in the request's `_meta` wins.
    pub fn with_trace_headers(mut self, traceparent: &str, tracestate: Option<&str>) -> Self {
        self.trace_headers = Some(Box::new(TraceHeaders {
            traceparent: traceparent.into(),
            tracestate: tracestate.map(Into::into),
        }));
        self
    }
}

/// The span of `request`. Its fields are computed only when a subscriber is
/// interested in it; when one is, a valid client trace context is recorded
/// and handed to the remote-parent hook before the span is entered.
pub(crate) fn request_span(request: &Request, cx: &RequestContext) -> Span {
    let meta = request.meta.as_deref();
    let span = tracing::debug_span!(
        REQUEST_SPAN,
        method = request.method.as_str(),
        id = %request.id,
        tool = request_tool(request),
        caller = cx.caller.as_ref().map(|c| c.id()),
        version = meta
            .and_then(RequestMeta::protocol_version)
            .map_or_else(|| cx.protocol_version.as_str(), |v| v.map_or_else(|s| s, |v| v.as_str())),
        trace_id = Empty,
        parent_span_id = Empty,
    );
    if span.is_disabled() {
        return span;
    }
    let mut ignored = Vec::new();
    if let Some(parent) = client_trace(meta, cx.trace_headers.as_deref(), &mut ignored) {
        span.record("trace_id", display(parent.trace_id()));
        span.record("parent_span_id", display(parent.parent_span_id()));
        // Before the span is first entered: a backend may set its parent only until then.
        if let Some(hook) = remote_parent_hook() {
            hook(&span, &parent);
        }
    }
    for ignored in ignored {
        span.in_scope(|| ignored.log());
    }
    span
}

fn request_tool(request: &Request) -> Option<&str> {
    if request.method != method::TOOLS_CALL {
        return None;
    }
    request.params.as_ref()?.get("name")?.as_str()
}

/// A client trace context that was not used, to log at debug.
struct Ignored {
    from: &'static str,
    traceparent: String,
    error: Option<TraceparentError>,
}

impl Ignored {
    fn log(&self) {
        let Self {
            from,
            traceparent,
            error,
        } = self;
        match error {
            Some(error) => {
                tracing::debug!(from, %traceparent, %error, "ignored a malformed traceparent");
            }
            None => {
                tracing::debug!(from, %traceparent, "ignored a traceparent that is not a string");
            }
        }
    }
}

/// The client's trace context: from `_meta` when valid there, else from the
/// transport's headers. Malformed ones are put in `ignored`.
fn client_trace(
    meta: Option<&RequestMeta>,
    headers: Option<&TraceHeaders>,
    ignored: &mut Vec<Ignored>,
) -> Option<TraceContext> {
    if let Some(value) = meta.and_then(|m| m.get(TRACEPARENT)) {
        let tracestate = meta.and_then(|m| m.get(TRACESTATE)).and_then(Value::as_str);
        match value.as_str().map(TraceContext::parse) {
            Some(Ok(parent)) => return Some(with_state(parent, tracestate)),
            Some(Err(error)) => ignored.push(Ignored {
                from: "_meta",
                traceparent: value.as_str().unwrap_or_default().to_owned(),
                error: Some(error),
            }),
            None => ignored.push(Ignored {
                from: "_meta",
                traceparent: value.to_string(),
                error: None,
            }),
        }
    }
    let headers = headers?;
    match TraceContext::parse(&headers.traceparent) {
        Ok(parent) => Some(with_state(parent, headers.tracestate.as_deref())),
        Err(error) => {
            ignored.push(Ignored {
                from: "header",
                traceparent: headers.traceparent.to_string(),
                error: Some(error),
            });
            None
        }
    }
}

fn with_state(parent: TraceContext, tracestate: Option<&str>) -> TraceContext {
    match tracestate {
        Some(state) => parent.with_tracestate(state),
        None => parent,
    }
}
