//! Server-sent events carrying JSON-RPC messages.

use http_body_util::BodyExt;
use hyper::body::Incoming;
use serde_json::Value;

use crate::ANSWER_WITHIN;

/// The JSON messages of an SSE text, in order.
///
/// An event's `data:` lines are joined with newlines, as the SSE format says;
/// events without data (comments, `id:`-only priming events) are skipped.
///
/// # Panics
///
/// When an event's data is not JSON.
pub fn parse_events(text: &str) -> Vec<Value> {
    text.split("\n\n")
        .filter_map(|event| {
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            (!data.concat().is_empty()).then(|| {
                let data = data.join("\n");
                serde_json::from_str(&data)
                    .unwrap_or_else(|e| panic!("an SSE event's data is not JSON ({e}): {data:?}"))
            })
        })
        .collect()
}

/// Reads the events of a streaming SSE body one at a time, as they arrive.
#[derive(Debug)]
pub struct EventReader {
    body: Incoming,
    // Bytes, not text: a frame may end inside a multi-byte character.
    buffer: Vec<u8>,
}

impl EventReader {
    /// Reads events from `body`, typically [`open`](crate::open)'s response body.
    pub fn new(body: Incoming) -> Self {
        Self {
            body,
            buffer: Vec::new(),
        }
    }

    /// The next event's JSON message, or `None` once the stream has ended.
    ///
    /// # Panics
    ///
    /// When no event arrives within [`ANSWER_WITHIN`], the stream fails, or an
    /// event is not UTF-8 or its data not JSON.
    pub async fn next(&mut self) -> Option<Value> {
        loop {
            if let Some(end) = self.buffer.windows(2).position(|w| w == b"\n\n") {
                let event: Vec<u8> = self.buffer.drain(..end + 2).collect();
                let event = std::str::from_utf8(&event)
                    .unwrap_or_else(|e| panic!("an SSE event is not UTF-8: {e}"));
                if let Some(value) = parse_events(event).into_iter().next() {
                    return Some(value);
                }
                continue;
            }
            let frame = tokio::time::timeout(ANSWER_WITHIN, self.body.frame())
                .await
                .unwrap_or_else(|_| panic!("no SSE event within {ANSWER_WITHIN:?}"))?
                .unwrap_or_else(|e| panic!("the event stream failed: {e}"));
            if let Ok(data) = frame.into_data() {
                self.buffer.extend_from_slice(&data);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::parse_events;

    #[test]
    fn events_come_in_order_and_empty_ones_are_skipped() {
        let text = "id: 0\ndata:\n\n\
                    event: message\ndata: {\"jsonrpc\":\"2.0\",\"method\":\"notifications/progress\"}\n\n\
                    : a comment\n\n\
                    data:{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n";
        assert_eq!(
            parse_events(text),
            [
                json!({"jsonrpc": "2.0", "method": "notifications/progress"}),
                json!({"jsonrpc": "2.0", "id": 1, "result": {}}),
            ]
        );
    }

    #[test]
    fn data_lines_of_one_event_are_joined() {
        let text = "data: {\"a\":\ndata: [1,\ndata:  2]}\n\n";
        assert_eq!(parse_events(text), [json!({"a": [1, 2]})]);
    }

    #[test]
    #[should_panic(expected = "not JSON")]
    fn data_that_is_not_json_is_reported() {
        parse_events("data: hello\n\n");
    }
}
