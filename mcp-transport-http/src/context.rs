//! The one place a request's [`RequestContext`] is put together: caller,
//! version, channel, the session's log level and the client capabilities,
//! from the session or, on 2026-07-28, from the request's own `_meta` (whose
//! log level the core reads itself).

use std::sync::Arc;

use http::{HeaderMap, HeaderName, HeaderValue};
use mcp_tools::ProtocolVersion;
use mcp_tools::trace::{TRACEPARENT, TRACESTATE};
use mcp_tools::transport::RequestContext;
use mcp_tools::transport::jsonrpc::RequestMeta;

use crate::admit::Identity;
use crate::session::Session;

/// A request's context. On 2026-07-28 the core reads the log level a
/// request asks for from its `_meta` (and sends no logs without one).
///
/// The context's cancellation signal is its own, made with it: whoever fires
/// it takes a clone (`RequestContext::cancellation`).
pub(crate) fn request_context(
    version: ProtocolVersion,
    identity: &Identity,
    session: Option<&Session>,
    meta: Option<&RequestMeta>,
) -> RequestContext {
    // One request's context: its log level is its own unless a session's is
    // handed over below.
    let mut cx = RequestContext::per_request().with_protocol_version(version);
    cx = cx.with_admitted(&identity.admitted);
    let capabilities = match session {
        Some(session) if !version.is_stateless() => {
            cx = cx
                .with_channel(session.id.clone())
                .with_log_level(session.log_level.clone());
            session.capabilities.clone().map(Arc::new)
        }
        _ => {
            if let Some(channel) = &identity.channel {
                cx = cx.with_channel(Arc::clone(channel));
            }
            // Without a session, 2025 clients declared their capabilities at an
            // `initialize` this server did not keep; a client may still state
            // them per request, in the 2026-07-28 `_meta` key.
            meta.and_then(RequestMeta::shared_client_capabilities)
                .cloned()
        }
    };
    if let Some(capabilities) = capabilities {
        cx = cx.with_client_capabilities(capabilities);
    }
    cx
}

/// A request's W3C `traceparent` and `tracestate` headers, handed to the core
/// as they came: the core decides whether they are valid and what they mean.
#[derive(Default)]
pub(crate) struct TraceHeaders {
    traceparent: Option<HeaderValue>,
    tracestate: Option<HeaderValue>,
}

/// The two names, parsed once rather than on every request.
const TRACEPARENT_HEADER: HeaderName = HeaderName::from_static(TRACEPARENT);
const TRACESTATE_HEADER: HeaderName = HeaderName::from_static(TRACESTATE);

impl TraceHeaders {
    pub(crate) fn of(headers: &HeaderMap) -> Self {
        // One pass over the request's headers rather than two look-ups: a
        // request carries a handful, and comparing their names costs less than
        // hashing two. The first value of each name is kept, as `get` would.
        let mut found = Self::default();
        for (name, value) in headers {
            if *name == TRACEPARENT_HEADER {
                found.traceparent.get_or_insert_with(|| value.clone());
            } else if *name == TRACESTATE_HEADER {
                found.tracestate.get_or_insert_with(|| value.clone());
            }
        }
        found
    }

    /// `cx` with the headers; a header that is not visible ASCII is left out.
    pub(crate) fn apply(&self, cx: RequestContext) -> RequestContext {
        match self.traceparent.as_ref().and_then(|v| v.to_str().ok()) {
            Some(traceparent) => {
                let tracestate = self.tracestate.as_ref().and_then(|v| v.to_str().ok());
                cx.with_trace_headers(traceparent, tracestate)
            }
            None => cx,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn trace_headers_keep_the_first_value_of_each() {
        let mut headers = HeaderMap::new();
        headers.append("x-other", HeaderValue::from_static("1"));
        headers.append(TRACESTATE, HeaderValue::from_static("a=1"));
        headers.append(TRACEPARENT, HeaderValue::from_static("first"));
        headers.append(TRACEPARENT, HeaderValue::from_static("second"));
        headers.append(TRACESTATE, HeaderValue::from_static("b=2"));
        let found = TraceHeaders::of(&headers);
        assert_eq!(found.traceparent, headers.get(TRACEPARENT).cloned());
        assert_eq!(found.traceparent.unwrap(), "first");
        assert_eq!(found.tracestate.unwrap(), "a=1");
        let none = TraceHeaders::of(&HeaderMap::new());
        assert!(none.traceparent.is_none() && none.tracestate.is_none());
    }
}
