//! The shapes of a `tools/call` result: the envelope, as text and as
//! `structuredContent`, or content blocks as they are.

use serde_json::Value;
use serde_json::value::RawValue;

use crate::content::Content;
use crate::error::ToolError;
use crate::jsonrpc::raw_json;
use crate::protocol::ProtocolVersion;
use crate::tool::Output;

/// Wraps a tool outcome in the `tools/call` result: data and errors in the
/// envelope (as text, and as `structuredContent` where the version has it),
/// content blocks as they are.
pub(crate) fn call_result(
    version: ProtocolVersion,
    outcome: Result<Output, ToolError>,
) -> Box<RawValue> {
    let is_error = outcome.is_err();
    let mut out = String::with_capacity(128);
    let enveloped = match outcome {
        Ok(Output::Content(blocks)) => {
            out.push_str(r#"{"content":"#);
            out.push_str(&content_json(&blocks));
            None
        }
        Ok(Output::Data(data)) => Some(Ok(data)),
        Err(error) => Some(Err(error)),
    };
    match enveloped {
        None => {}
        Some(outcome) => {
            let envelope = envelope(outcome);
            let text = Value::from(envelope.as_str()).to_string();
            out.reserve(envelope.len() * 2);
            out.push_str(r#"{"content":[{"type":"text","text":"#);
            out.push_str(&text);
            out.push_str("}]");
            if version.has_structured_output() {
                out.push_str(r#","structuredContent":"#);
                out.push_str(&envelope);
            }
        }
    }
    out.push_str(if is_error {
        r#","isError":true"#
    } else {
        r#","isError":false"#
    });
    if version.is_stateless() {
        out.push_str(r#","resultType":"complete""#);
    }
    out.push('}');
    raw_json(out)
}

fn content_json(blocks: &[Content]) -> String {
    serde_json::to_string(blocks).unwrap_or_else(|e| {
        // Unreachable: blocks are strings all the way down.
        tracing::error!(%e, "content blocks could not be serialised");
        "[]".to_owned()
    })
}

/// The envelope of a tool outcome: `{"Success":true,"Data":…}` or
/// `{"Success":false,"ErrorCode":…,"ErrorMessage":…}`.
pub fn envelope(outcome: Result<Box<RawValue>, ToolError>) -> String {
    match outcome {
        Ok(data) => {
            let mut out = String::with_capacity(data.get().len() + 24);
            out.push_str(r#"{"Success":true,"Data":"#);
            out.push_str(data.get());
            out.push('}');
            out
        }
        Err(error) => {
            let code = Value::from(error.code().as_str()).to_string();
            let message = Value::from(error.message()).to_string();
            let mut out = String::with_capacity(code.len() + message.len() + 48);
            out.push_str(r#"{"Success":false,"ErrorCode":"#);
            out.push_str(&code);
            out.push_str(r#","ErrorMessage":"#);
            out.push_str(&message);
            out.push('}');
            out
        }
    }
}
