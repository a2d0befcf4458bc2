//! A whole response, read.

use http::{HeaderMap, StatusCode};
use serde_json::Value;

use crate::parse_events;

/// A response read to its end.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code; compares equal to its number (`response.status == 200`).
    pub status: StatusCode,
    /// The headers, as received.
    pub headers: HeaderMap,
    /// The body, de-chunked.
    pub body: String,
}

impl Response {
    /// A header's value, by case-insensitive name; `None` when absent or not
    /// visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Content-Type`, or `""` without one.
    pub fn content_type(&self) -> &str {
        self.header("content-type").unwrap_or("")
    }

    /// Whether the body is a server-sent event stream.
    pub fn is_event_stream(&self) -> bool {
        self.content_type().starts_with("text/event-stream")
    }

    /// The body parsed as JSON.
    ///
    /// # Panics
    ///
    /// When the body is not JSON (an event stream is not).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| {
            panic!(
                "the body is not JSON ({e}): {} {:?}",
                self.status, self.body
            )
        })
    }

    /// The JSON-RPC messages of an event-stream body, in order.
    ///
    /// # Panics
    ///
    /// When an event's data is not JSON.
    pub fn events(&self) -> Vec<Value> {
        parse_events(&self.body)
    }

    /// The answer to the request, whichever way the server framed it: the last
    /// event of an event stream (notifications come before the response), or
    /// the JSON body.
    ///
    /// # Panics
    ///
    /// When the stream holds no event, or the body is not JSON.
    pub fn message(&self) -> Value {
        if self.is_event_stream() {
            return self.events().pop().unwrap_or_else(|| {
                panic!("no event in the stream: {} {:?}", self.status, self.body)
            });
        }
        self.json()
    }

    /// The `error.code` of a JSON-RPC error response in the body.
    ///
    /// # Panics
    ///
    /// When the body is not a JSON-RPC error.
    pub fn error_code(&self) -> i64 {
        self.json()["error"]["code"]
            .as_i64()
            .unwrap_or_else(|| panic!("not a JSON-RPC error: {} {:?}", self.status, self.body))
    }
}
