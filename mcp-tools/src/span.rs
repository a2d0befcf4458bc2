//! The `tracing` span of one JSON-RPC request, joined to the client's trace
//! (see [`crate::trace`] for its fields and how the trace context is read).

use serde_json::Value;
use tracing::Span;
use tracing::field::{Empty, display};

use crate::context::RequestContext;
use crate::jsonrpc::Request;
use crate::protocol::{META_PROTOCOL_VERSION, method};
use crate::trace::{
    REQUEST_SPAN, TRACEPARENT, TRACESTATE, TraceContext, TraceHeaders, remote_parent_hook,
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
    let params = request.params.as_ref();
    let meta = params.and_then(|p| p.get("_meta"));
    let span = tracing::info_span!(
        REQUEST_SPAN,
        method = request.method.as_str(),
        id = %request.id,
        tool = request_tool(request),
        caller = cx.caller.as_ref().map(|c| c.id()),
        version = meta
            .and_then(|m| m.get(META_PROTOCOL_VERSION))
            .and_then(serde_json::Value::as_str)
            .unwrap_or_else(|| cx.protocol_version.as_str()),
        trace_id = Empty,
        parent_span_id = Empty,
    );
    if span.is_disabled() {
        return span;
    }
    let parent = span.in_scope(|| client_trace(meta, cx.trace_headers.as_deref()));
    if let Some(parent) = parent {
        span.record("trace_id", display(parent.trace_id()));
        span.record("parent_span_id", display(parent.parent_span_id()));
        if let Some(hook) = remote_parent_hook() {
            hook(&span, &parent);
        }
    }
    span
}

fn request_tool(request: &Request) -> Option<&str> {
    if request.method != method::TOOLS_CALL {
        return None;
    }
    request.params.as_ref()?.get("name")?.as_str()
}

/// The client's trace context: from `_meta` when valid there, else from the
/// transport's headers. Malformed ones are ignored, and logged at debug.
fn client_trace(meta: Option<&Value>, headers: Option<&TraceHeaders>) -> Option<TraceContext> {
    let from_meta = meta.and_then(|meta| {
        let traceparent = meta.get(TRACEPARENT)?;
        let Some(traceparent) = traceparent.as_str() else {
            tracing::debug!(%traceparent, "ignored a _meta traceparent that is not a string");
            return None;
        };
        let tracestate = meta.get(TRACESTATE).and_then(Value::as_str);
        parse(traceparent, tracestate, "_meta")
    });
    from_meta.or_else(|| {
        let headers = headers?;
        parse(
            &headers.traceparent,
            headers.tracestate.as_deref(),
            "header",
        )
    })
}

fn parse(traceparent: &str, tracestate: Option<&str>, from: &str) -> Option<TraceContext> {
    match TraceContext::parse(traceparent) {
        Ok(parent) => Some(match tracestate {
            Some(state) => parent.with_tracestate(state),
            None => parent,
        }),
        Err(error) => {
            tracing::debug!(from, traceparent, %error, "ignored a malformed traceparent");
            None
        }
    }
}
