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

#[cfg(test)]
mod tests {
    use http::header::CONTENT_TYPE;
    use http::{HeaderMap, HeaderValue, StatusCode};
    use serde_json::json;

    use super::Response;

    fn response(content_type: &str, body: &str) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_str(content_type).unwrap());
        Response {
            status: StatusCode::OK,
            headers,
            body: body.to_owned(),
        }
    }

    #[test]
    fn the_message_of_a_stream_is_its_last_event() {
        let stream = response(
            "text/event-stream",
            "data: {\"method\":\"notifications/message\"}\n\ndata: {\"id\":7,\"result\":{}}\n\n",
        );
        assert!(stream.is_event_stream());
        assert_eq!(stream.message(), json!({"id": 7, "result": {}}));
        assert_eq!(stream.events().len(), 2);
    }

    #[test]
    fn the_message_of_a_json_body_is_the_body() {
        let body = response(
            "application/json",
            r#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"parse error"}}"#,
        );
        assert_eq!(body.status, 200);
        assert_eq!(body.header("Content-Type"), Some("application/json"));
        assert_eq!(body.message(), body.json());
        assert_eq!(body.error_code(), -32700);
    }

    #[test]
    #[should_panic(expected = "no event in the stream")]
    fn a_stream_without_events_has_no_message() {
        response("text/event-stream", ": keep-alive\n\n").message();
    }

    #[test]
    #[should_panic(expected = "the body is not JSON")]
    fn an_event_stream_is_not_a_json_body() {
        response("text/event-stream", "data: {}\n\n").json();
    }
}
