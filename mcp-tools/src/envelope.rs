//! The shapes of a `tools/call` result: the envelope, as text and as
//! `structuredContent`, or content blocks as they are.
//!
//! Results are assembled from borrowed pieces and serialised once with
//! `to_raw_value`, which neither re-parses the JSON nor escapes through
//! `Display`: this is the hot path of every call.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::error::ToolError;
use crate::jsonrpc::raw_json;
use crate::protocol::ProtocolVersion;
use crate::tool::Output;

/// `{"Success":true,"Data":…}` or `{"Success":false,"ErrorCode":…,"ErrorMessage":…}`.
#[derive(Serialize)]
#[serde(untagged)]
enum Envelope<'a> {
    Success {
        #[serde(rename = "Success")]
        success: bool,
        #[serde(rename = "Data")]
        data: &'a RawValue,
    },
    Failure {
        #[serde(rename = "Success")]
        success: bool,
        #[serde(rename = "ErrorCode")]
        code: &'a str,
        #[serde(rename = "ErrorMessage")]
        message: &'a str,
    },
}

impl<'a> Envelope<'a> {
    fn of(outcome: &'a Result<Box<RawValue>, ToolError>) -> Self {
        match outcome {
            Ok(data) => Self::Success {
                success: true,
                data,
            },
            Err(error) => Self::Failure {
                success: false,
                code: error.code().as_str(),
                message: error.message(),
            },
        }
    }
}

#[derive(Serialize)]
struct TextBlock<'a> {
    r#type: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CallResult<'a, C: Serialize> {
    content: C,
    #[serde(skip_serializing_if = "Option::is_none")]
    structured_content: Option<&'a RawValue>,
    is_error: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    result_type: Option<&'static str>,
}

/// Wraps a tool outcome in the `tools/call` result: data and errors in the
/// envelope (as text, and as `structuredContent` where the version has it),
/// content blocks as they are.
pub(crate) fn call_result(
    version: ProtocolVersion,
    outcome: Result<Output, ToolError>,
) -> Box<RawValue> {
    let is_error = outcome.is_err();
    let result_type = version.is_stateless().then_some("complete");
    let serialised = match outcome {
        Ok(Output::Content(blocks)) => serde_json::value::to_raw_value(&CallResult {
            content: &blocks,
            structured_content: None,
            is_error,
            result_type,
        }),
        Ok(Output::Data(data)) => enveloped(version, &Ok(data), result_type),
        Err(error) => enveloped(version, &Err(error), result_type),
    };
    serialised.unwrap_or_else(|e| {
        // Unreachable: every piece is a string or already valid JSON.
        tracing::error!(%e, "a tool result could not be serialised");
        raw_json(r#"{"content":[],"isError":true}"#.to_owned())
    })
}

fn enveloped(
    version: ProtocolVersion,
    outcome: &Result<Box<RawValue>, ToolError>,
    result_type: Option<&'static str>,
) -> serde_json::Result<Box<RawValue>> {
    let envelope = serde_json::value::to_raw_value(&Envelope::of(outcome))?;
    serde_json::value::to_raw_value(&CallResult {
        content: [TextBlock {
            r#type: "text",
            text: envelope.get(),
        }],
        structured_content: version.has_structured_output().then_some(&*envelope),
        is_error: outcome.is_err(),
        result_type,
    })
}

/// The envelope of a tool outcome: `{"Success":true,"Data":…}` or
/// `{"Success":false,"ErrorCode":…,"ErrorMessage":…}`.
///
/// ```
/// use mcp_tools::{ToolError, envelope};
///
/// let data = serde_json::value::to_raw_value(&[1, 2]).unwrap();
/// assert_eq!(envelope(Ok(data)), r#"{"Success":true,"Data":[1,2]}"#);
/// assert_eq!(
///     envelope(Err(ToolError::not_found("no such thread"))),
///     r#"{"Success":false,"ErrorCode":"NotFound","ErrorMessage":"no such thread"}"#
/// );
/// ```
pub fn envelope(outcome: Result<Box<RawValue>, ToolError>) -> String {
    serde_json::to_string(&Envelope::of(&outcome)).unwrap_or_else(|e| {
        tracing::error!(%e, "an envelope could not be serialised");
        r#"{"Success":false,"ErrorCode":"InternalError","ErrorMessage":"the result could not be serialised"}"#
            .to_owned()
    })
}
