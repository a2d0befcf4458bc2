//! The shapes of a `tools/call` result: the envelope, as text and as
//! `structuredContent`, or content blocks as they are; or, for a server built
//! with [`ResultStyle::Plain`], the data itself and errors as text.
//!
//! Results are assembled from borrowed pieces and serialised once
//! (`jsonrpc::to_raw_object`: into the thread's buffer, then copied out at its exact
//! length), which neither re-parses the JSON nor escapes through `Display`:
//! this is the hot path of every call.

use serde::Serialize;
use serde_json::value::RawValue;

use crate::error::ToolError;
use crate::jsonrpc::{raw_json, to_raw, to_raw_object};
use crate::protocol::ProtocolVersion;
use crate::tool::Output;

/// How a server's tools shape their results; set once per server with
/// [`ServerBuilder::result_style`](crate::ServerBuilder::result_style).
///
/// | | [`Envelope`](Self::Envelope) (default) | [`Plain`](Self::Plain) |
/// |---|---|---|
/// | success, `structuredContent` | `{"Success":true,"Data":<data>}` | `<data>` when it is an object, else `{"result":<data>}` |
/// | success, text content | the same JSON | the same JSON |
/// | tool error | `isError: true`, `{"Success":false,"ErrorCode":…,"ErrorMessage":…}` as structured content and text | `isError: true`, one text block `"<ErrorCode>: <ErrorMessage>"`, no structured content |
/// | `outputSchema` | the envelope, with `Data`'s schema | the data's schema (wrapped like the data) |
///
/// MCP requires `structuredContent` to be a JSON object, so in the plain
/// style data that is not always an object (a list, a number, a string, an
/// optional value) is wrapped in an object with the one property
/// [`"result"`](crate::PLAIN_RESULT_KEY); whether a tool wraps is decided from
/// its result type's schema when the server is built, and its
/// `outputSchema` says so. A confirm tool's dry run is a success like any
/// other: its data (`Confirmed`, `Preview`, `ConfirmationToken`, `ExpiresAt`,
/// `Instructions`) is the structured content. The error code stays
/// machine-readable as the text before the first `": "` (codes are
/// PascalCase words, never containing a colon).
///
/// Tools that return content blocks ([`crate::content`]) answer with their
/// blocks in both styles.
///
/// ```
/// use mcp_tools::{Client, ResultStyle, Server, Tool, ToolContext, ToolResult};
/// use serde_json::json;
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let count = Tool::builder("count")
///     .description("Counts to three.")
///     .read_only()
///     .handler(|_: mcp_tools::NoArguments, _: ToolContext| async { ToolResult::Ok(vec![1, 2, 3]) });
/// let server = Server::builder("demo", "1.0.0")
///     .result_style(ResultStyle::Plain)
///     .tool(count)
///     .build()
///     .unwrap();
/// let called = Client::new(server).call("count", json!({})).await.unwrap();
/// assert_eq!(called.result()["structuredContent"], json!({"result": [1, 2, 3]}));
/// assert_eq!(called.data(), Some(&json!({"result": [1, 2, 3]})));
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum ResultStyle {
    /// `{"Success":…,"Data":…}` / `{"Success":false,"ErrorCode":…,"ErrorMessage":…}`:
    /// the shape of the vendor servers the examples mirror.
    #[default]
    Envelope,
    /// Plain MCP results: the data is the structured content, an error is
    /// `isError` text.
    Plain,
}

/// The shape of one tool's results, fixed when the server is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResultShape {
    /// The envelope.
    Envelope,
    /// Plain; `wrap` when the data is not always an object.
    Plain {
        /// Whether the data goes under `"result"`.
        wrap: bool,
    },
}

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
struct CallResult<C: Serialize, S: Serialize> {
    content: C,
    #[serde(skip_serializing_if = "Option::is_none")]
    structured_content: Option<S>,
    is_error: bool,
}

/// The members a result gets around its own: on 2026-07-28 the server's
/// `_meta` first (as `ServerStamp` would splice it, so the result is written
/// once) and `resultType` last. Written as text around the serialised result
/// (`jsonrpc::to_raw_object`), the same for every call.
#[derive(Clone, Copy)]
struct Frame<'a> {
    head: &'a str,
    tail: &'static str,
}

impl Frame<'_> {
    fn write<C: Serialize, S: Serialize>(
        self,
        result: &CallResult<C, S>,
    ) -> serde_json::Result<Box<RawValue>> {
        to_raw_object(result, self.head, self.tail)
    }
}

/// `resultType` of a 2026-07-28 call that ran to its end.
const COMPLETE: &str = r#""resultType":"complete""#;

/// Wraps a tool outcome in the `tools/call` result: data and errors in the
/// envelope (as text, and as `structuredContent` where the version has it),
/// content blocks as they are. `meta`, when given, is the result's `_meta`
/// member, `"_meta":{…}` (the server's identity on 2026-07-28, see
/// `ServerStamp::meta_member`); on 2026-07-28 `resultType` is `complete`.
pub(crate) fn call_result(
    version: ProtocolVersion,
    shape: ResultShape,
    outcome: Result<Output, ToolError>,
    meta: Option<&str>,
) -> Box<RawValue> {
    let is_error = outcome.is_err();
    let frame = Frame {
        head: meta.unwrap_or_default(),
        tail: if version.is_stateless() { COMPLETE } else { "" },
    };
    let serialised = match outcome {
        Ok(Output::Content(blocks)) => frame.write(&CallResult {
            content: &blocks,
            structured_content: None::<&RawValue>,
            is_error,
        }),
        Ok(Output::Data(data)) => match shape {
            ResultShape::Envelope => enveloped(version, &Ok(data), frame),
            ResultShape::Plain { wrap } => plain_data(version, data, wrap, frame),
        },
        Err(error) => match shape {
            ResultShape::Envelope => enveloped(version, &Err(error), frame),
            ResultShape::Plain { .. } => plain_error(&error, frame),
        },
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
    frame: Frame<'_>,
) -> serde_json::Result<Box<RawValue>> {
    // The envelope's text is written once, at its exact length; the
    // structured copy is serialised from the same pieces straight into the
    // result, so the result is the only `RawValue` built.
    let envelope = Envelope::of(outcome);
    let text = match outcome {
        Ok(data) => {
            let data = data.get();
            let mut text = String::with_capacity(SUCCESS_OPEN.len() + data.len() + 1);
            text.push_str(SUCCESS_OPEN);
            text.push_str(data);
            text.push('}');
            text
        }
        Err(_) => serde_json::to_string(&envelope)?,
    };
    frame.write(&CallResult {
        content: [TextBlock {
            r#type: "text",
            text: &text,
        }],
        structured_content: version.has_structured_output().then_some(envelope),
        is_error: outcome.is_err(),
    })
}

/// How a success envelope begins, as `Envelope::Success` serialises it.
const SUCCESS_OPEN: &str = r#"{"Success":true,"Data":"#;

fn plain_data(
    version: ProtocolVersion,
    data: Box<RawValue>,
    wrap: bool,
    frame: Frame<'_>,
) -> serde_json::Result<Box<RawValue>> {
    #[derive(Serialize)]
    struct Wrapped<'a> {
        result: &'a RawValue,
    }
    let structured = if wrap {
        to_raw(&Wrapped { result: &data })?
    } else {
        data
    };
    frame.write(&CallResult {
        content: [TextBlock {
            r#type: "text",
            text: structured.get(),
        }],
        structured_content: version.has_structured_output().then_some(&*structured),
        is_error: false,
    })
}

fn plain_error(error: &ToolError, frame: Frame<'_>) -> serde_json::Result<Box<RawValue>> {
    let text = format!("{}: {}", error.code().as_str(), error.message());
    frame.write(&CallResult {
        content: [TextBlock {
            r#type: "text",
            text: &text,
        }],
        structured_content: None::<&RawValue>,
        is_error: true,
    })
}

/// The envelope a plain-style result stands for, read back by the in-process
/// client: `Data` from the structured content (or the text, on versions
/// without it), the code and message from an error's text.
pub(crate) fn envelope_of_plain(result: &serde_json::Value) -> serde_json::Value {
    use serde_json::{Value, json};
    let text = result.pointer("/content/0/text").and_then(Value::as_str);
    if result.get("isError").and_then(Value::as_bool) == Some(true) {
        let (code, message) = text
            .and_then(|t| t.split_once(": "))
            .unwrap_or(("", text.unwrap_or_default()));
        return json!({"Success": false, "ErrorCode": code, "ErrorMessage": message});
    }
    let data = result
        .get("structuredContent")
        .cloned()
        .or_else(|| text.and_then(|t| serde_json::from_str(t).ok()));
    match data {
        Some(data) => json!({"Success": true, "Data": data}),
        // A content tool's blocks: no data, as in the envelope style.
        None => Value::Null,
    }
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use serde_json::{Value, json};

    fn result(outcome: Result<Output, ToolError>, version: ProtocolVersion) -> Value {
        let raw = call_result(version, ResultShape::Envelope, outcome, None);
        serde_json::from_str(raw.get()).unwrap()
    }

    #[test]
    fn the_success_text_is_the_envelope_serialised() {
        let data = serde_json::value::to_raw_value(&json!({"text": "a \"quoted\"\nline"})).unwrap();
        let ok = Ok(data.clone());
        assert_eq!(
            envelope(Ok(data.clone())),
            serde_json::to_string(&Envelope::of(&ok)).unwrap()
        );
        let value = result(Ok(Output::Data(data)), ProtocolVersion::V2025_06_18);
        let text = value["content"][0]["text"].as_str().unwrap();
        assert_eq!(text, envelope(ok));
        assert_eq!(
            serde_json::from_str::<Value>(text).unwrap(),
            value["structuredContent"]
        );
        assert_eq!(value["isError"], json!(false));
    }

    #[test]
    fn an_error_is_the_same_envelope_in_text_and_structure() {
        let error = ToolError::new(ErrorCode::NOT_FOUND, "no \"such\" thread");
        let value = result(Err(error.clone()), ProtocolVersion::V2025_06_18);
        let text = value["content"][0]["text"].as_str().unwrap();
        assert_eq!(text, envelope(Err(error)));
        assert_eq!(
            serde_json::from_str::<Value>(text).unwrap(),
            value["structuredContent"]
        );
        assert_eq!(value["isError"], json!(true));
        let old = result(
            Err(ToolError::not_found("gone")),
            ProtocolVersion::V2025_03_26,
        );
        assert!(old.get("structuredContent").is_none());
    }

    #[test]
    fn every_2026_result_names_the_server_first_and_is_complete_last() {
        use crate::content::Content;
        use crate::meta::{META_SERVER_INFO, ServerStamp};
        use crate::protocol::ServerInfo;

        let stamp = ServerStamp::new(&ServerInfo {
            name: "s".into(),
            version: "1".into(),
            title: None,
        });
        let data = || serde_json::value::to_raw_value(&json!({"text": "a \"q\""})).unwrap();
        let outcomes = || -> Vec<(ResultShape, Result<Output, ToolError>)> {
            vec![
                (ResultShape::Envelope, Ok(Output::Data(data()))),
                (ResultShape::Envelope, Err(ToolError::not_found("gone"))),
                (ResultShape::Plain { wrap: false }, Ok(Output::Data(data()))),
                (ResultShape::Plain { wrap: true }, Ok(Output::Data(data()))),
                (
                    ResultShape::Plain { wrap: false },
                    Err(ToolError::not_found("gone")),
                ),
                (
                    ResultShape::Envelope,
                    Ok(Output::Content(vec![Content::text("t")])),
                ),
                (ResultShape::Envelope, Ok(Output::Content(vec![]))),
            ]
        };
        let v2026 = ProtocolVersion::V2026_07_28;
        for ((shape, outcome), (_, plain)) in outcomes().into_iter().zip(outcomes()) {
            let framed = call_result(v2026, shape, outcome, Some(stamp.meta_member()));
            let text = framed.get();
            let value: Value = serde_json::from_str(text).unwrap();
            assert!(
                text.starts_with(&format!("{{{},", stamp.meta_member())),
                "{text}"
            );
            assert!(text.ends_with(r#","resultType":"complete"}"#), "{text}");
            assert_eq!(
                value["_meta"][META_SERVER_INFO],
                json!({"name": "s", "version": "1"})
            );
            // Stamping it again changes nothing; without the frame, the rest is the same.
            assert_eq!(stamp.stamp(framed.clone()).get(), text);
            let bare: Value =
                serde_json::from_str(call_result(v2026, shape, plain, None).get()).unwrap();
            let mut members = value.as_object().unwrap().clone();
            members.remove("_meta");
            assert_eq!(Value::Object(members), bare);
        }
        for (shape, outcome) in outcomes() {
            let old = call_result(ProtocolVersion::V2025_06_18, shape, outcome, None);
            let value: Value = serde_json::from_str(old.get()).unwrap();
            assert!(value.get("_meta").is_none() && value.get("resultType").is_none());
        }
    }
}
