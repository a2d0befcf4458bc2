//! The header names this transport reads and writes, and how it reads them.

use std::borrow::Cow;

use base64::Engine as _;
use http::header::ACCEPT;
use http::{HeaderMap, HeaderName, HeaderValue};

/// `Mcp-Session-Id`.
pub const MCP_SESSION_ID: HeaderName = HeaderName::from_static("mcp-session-id");
/// `MCP-Protocol-Version`.
pub const MCP_PROTOCOL_VERSION: HeaderName = HeaderName::from_static("mcp-protocol-version");
/// `Mcp-Method` (2026-07-28).
pub const MCP_METHOD: HeaderName = HeaderName::from_static("mcp-method");
/// `Mcp-Name` (2026-07-28).
pub const MCP_NAME: HeaderName = HeaderName::from_static("mcp-name");
/// `Last-Event-ID`: the last event a client resuming an SSE stream received.
pub const LAST_EVENT_ID: HeaderName = HeaderName::from_static("last-event-id");
/// `X-Api-Key`.
pub const X_API_KEY: HeaderName = HeaderName::from_static("x-api-key");
/// `X-Accel-Buffering`.
pub(crate) const X_ACCEL_BUFFERING: HeaderName = HeaderName::from_static("x-accel-buffering");

/// A header's value, when present and visible ASCII.
pub(crate) fn header_str<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Decodes an `Mcp-Name` value, which may use the `=?base64?…?=` form.
pub(crate) fn decode_header_value(value: &str) -> Option<Cow<'_, str>> {
    match value
        .strip_prefix("=?base64?")
        .and_then(|v| v.strip_suffix("?="))
    {
        Some(encoded) => base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .map(Cow::Owned),
        // A plain value, the common case, is borrowed as it is.
        None => Some(Cow::Borrowed(value)),
    }
}

/// A value made safe to quote in a challenge parameter.
pub(crate) fn quoted(value: &str) -> String {
    value.replace(['"', '\\'], "")
}

/// What the client's `Accept` header allows.
#[derive(Clone, Copy)]
pub(crate) struct Accepts {
    pub(crate) json: bool,
    pub(crate) sse: bool,
}

impl Accepts {
    /// Reads `Accept`; a request without one accepts JSON.
    pub(crate) fn of(headers: &HeaderMap) -> Self {
        Self::of_values(headers.get_all(ACCEPT))
    }

    /// Reads the values of the `Accept` lines; none accepts JSON.
    pub(crate) fn of_values<'a>(values: impl IntoIterator<Item = &'a HeaderValue>) -> Self {
        let mut out = Self {
            json: false,
            sse: false,
        };
        let mut any = false;
        for value in values {
            // What the specification tells clients to send, recognised whole.
            match value.as_bytes() {
                b"application/json, text/event-stream" => {
                    out.json = true;
                    out.sse = true;
                    any = true;
                    continue;
                }
                // A client that only takes a stream, or only JSON, often says so
                // in exactly these words.
                b"text/event-stream" => {
                    out.sse = true;
                    any = true;
                    continue;
                }
                b"application/json" => {
                    out.json = true;
                    any = true;
                    continue;
                }
                _ => {}
            }
            let Ok(value) = value.to_str() else { continue };
            any = true;
            // Byte by byte: the items of a header this short are found faster
            // than `str::split`'s searchers are set up.
            for item in value.as_bytes().split(|&b| b == b',') {
                let media = match item.iter().position(|&b| b == b';') {
                    Some(end) => &item[..end],
                    None => item,
                }
                .trim_ascii();
                // Media types compare case-insensitively; no allocation on this per-request path.
                let is = |expected: &str| media.eq_ignore_ascii_case(expected.as_bytes());
                if is("*/*") {
                    out.json = true;
                    out.sse = true;
                } else if is("application/json") || is("application/*") {
                    out.json = true;
                } else if is("text/event-stream") || is("text/*") {
                    out.sse = true;
                }
            }
        }
        if !any {
            out.json = true;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(values: &[&str]) -> (bool, bool) {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append(ACCEPT, http::HeaderValue::from_str(value).unwrap());
        }
        let a = Accepts::of(&headers);
        (a.json, a.sse)
    }

    #[test]
    fn accept_lists_are_read_item_by_item() {
        assert_eq!(accepts(&[]), (true, false));
        assert_eq!(
            accepts(&["application/json, text/event-stream"]),
            (true, true)
        );
        assert_eq!(accepts(&["text/event-stream"]), (false, true));
        assert_eq!(
            accepts(&[" Application/JSON ;q=0.5 ,TEXT/*;q=0.1"]),
            (true, true)
        );
        assert_eq!(accepts(&["*/*"]), (true, true));
        assert_eq!(accepts(&["application/*"]), (true, false));
        assert_eq!(accepts(&["text/html", "text/event-stream"]), (false, true));
        assert_eq!(accepts(&["text/html,,;"]), (false, false));
        assert_eq!(accepts(&["application/jsonx"]), (false, false));
    }
}
