//! The protocol version a request announces, and the 2026-07-28 rule that
//! headers and body agree (`MCP-Protocol-Version` with `_meta`, `Mcp-Method`
//! and `Mcp-Name` with the body).

#![allow(
    clippy::result_large_err,
    reason = "the error is the refusal response itself, sent as it is; boxing it buys nothing"
)]

use http::request::Parts;
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use mcp_tools::transport::jsonrpc::{ErrorObject, Incoming, Message, Request, RequestMeta, member};
use mcp_tools::transport::{META_PROTOCOL_VERSION, check_request_meta, method};
use mcp_tools::{ProtocolVersion, Server};

use crate::body::McpBody;
use crate::header::{MCP_METHOD, MCP_NAME, MCP_PROTOCOL_VERSION, decode_header_value, header_str};
use crate::response::{header_mismatch, rpc_error, unsupported_version};

/// The version in the `MCP-Protocol-Version` header, if any; `Err` carries
/// the unsupported value, refused with 400 once the body's id is known.
pub(crate) fn announced(parts: &Parts) -> Result<Option<ProtocolVersion>, String> {
    // One lookup: a value that is there but not visible ASCII is told
    // apart from a missing header without asking the map again.
    let Some(value) = parts.headers.get(MCP_PROTOCOL_VERSION) else {
        return Ok(None);
    };
    match value.to_str() {
        Err(_) => Err("(not ASCII)".into()),
        Ok(v) => v
            .parse::<ProtocolVersion>()
            .map(Some)
            .map_err(|_| v.to_owned()),
    }
}

/// 400 -32022 for an unsupported announced version, answering the body's
/// request by its id when the body is one request.
pub(crate) fn refuse_version(incoming: &Incoming, requested: &str) -> Response<McpBody> {
    let id = match incoming {
        Incoming::Single(Message::Request(request)) => Some(request.id.clone()),
        _ => None,
    };
    unsupported_version(id, requested)
}

/// Whether the version names a 2026-07-28 request.
pub(crate) fn is_stateless(parts: &Parts) -> bool {
    header_str(&parts.headers, &MCP_PROTOCOL_VERSION)
        .is_some_and(|v| v == ProtocolVersion::V2026_07_28.as_str())
}

/// The methods a 2026-07-28 endpoint serves.
fn stateless_method_known(name: &str) -> bool {
    matches!(
        name,
        method::TOOLS_CALL
            | method::TOOLS_LIST
            | method::DISCOVER
            | method::TASKS_GET
            | method::TASKS_UPDATE
            | method::TASKS_CANCEL
            | method::RESOURCES_LIST
            | method::RESOURCE_TEMPLATES_LIST
            | method::RESOURCES_READ
            | method::PROMPTS_LIST
            | method::PROMPTS_GET
            | method::COMPLETE
            | method::SUBSCRIPTIONS_LISTEN
            | method::SKILLS_LIST
            | method::SKILLS_GET
            | method::RESOURCES_DIRECTORY_READ
    )
}

/// The name a `tools/call` body names, or the task a `tasks/*` body names
/// (SEP-2663 routes task requests by `Mcp-Name: <taskId>`).
fn body_name(request: &Request) -> Option<&str> {
    let field = if is_task_method(&request.method) {
        "taskId"
    } else {
        "name"
    };
    member(request.params.as_ref()?, field)?.as_str()
}

fn is_task_method(name: &str) -> bool {
    matches!(
        name,
        method::TASKS_GET | method::TASKS_UPDATE | method::TASKS_CANCEL
    )
}

/// Checks that a single message's headers and body agree.
pub(crate) fn check_headers(
    parts: &Parts,
    announced: Option<ProtocolVersion>,
    message: &Message,
) -> Result<(), Response<McpBody>> {
    let Message::Request(request) = message else {
        return Ok(());
    };
    let id = Some(request.id.clone());
    // Read from the typed `_meta` parsing filled in: no map is searched.
    let body_version = request
        .meta
        .as_deref()
        .and_then(RequestMeta::protocol_version_str);
    if let Some(body_version) = body_version
        && announced.map(ProtocolVersion::as_str) != Some(body_version)
    {
        return Err(header_mismatch(
            id,
            format_args!(
                "MCP-Protocol-Version header {:?} does not match _meta {META_PROTOCOL_VERSION} {body_version:?}",
                announced.map_or("(missing)", ProtocolVersion::as_str)
            ),
        ));
    }
    if !announced.is_some_and(ProtocolVersion::is_stateless) {
        return Ok(());
    }
    if let Err(error) = check_request_meta(request) {
        return Err(rpc_error(StatusCode::BAD_REQUEST, id, error));
    }
    let (method_header, name_header) = method_and_name(&parts.headers);
    match method_header {
        Some(m) if m == request.method => {}
        Some(m) => {
            return Err(header_mismatch(
                id,
                format_args!(
                    "Mcp-Method header {m:?} does not match body method {:?}",
                    request.method
                ),
            ));
        }
        None => return Err(header_mismatch(id, "the Mcp-Method header is missing")),
    }
    if request.method == method::TOOLS_CALL || is_task_method(&request.method) {
        let header_name = name_header.and_then(decode_header_value);
        match (header_name, body_name(request)) {
            (Some(h), Some(b)) if h == b => {}
            (None, _) => {
                return Err(header_mismatch(
                    id,
                    "the Mcp-Name header is missing or malformed",
                ));
            }
            (Some(h), b) => {
                return Err(header_mismatch(
                    id,
                    format_args!(
                        "Mcp-Name header {h:?} does not match body name {:?}",
                        b.unwrap_or("(missing)")
                    ),
                ));
            }
        }
    }
    if !stateless_method_known(&request.method) {
        return Err(rpc_error(
            StatusCode::NOT_FOUND,
            id,
            ErrorObject::method_not_found(&request.method),
        ));
    }
    Ok(())
}

/// The first `Mcp-Method` and `Mcp-Name` values, when visible ASCII (as
/// [`header_str`] reads them), found in one pass over the request's headers:
/// a request carries a handful, and comparing their names costs less than
/// hashing two custom names for two look-ups.
fn method_and_name(headers: &HeaderMap) -> (Option<&str>, Option<&str>) {
    let (mut method, mut name) = (None, None);
    for (header, value) in headers {
        if *header == MCP_METHOD {
            method.get_or_insert(value);
        } else if *header == MCP_NAME {
            name.get_or_insert(value);
        }
    }
    (text(method), text(name))
}

fn text(value: Option<&HeaderValue>) -> Option<&str> {
    value.and_then(|v| v.to_str().ok())
}

/// The header prefix of tool parameters mirrored into headers (SEP-2243).
const MCP_PARAM_PREFIX: &str = "mcp-param-";

/// On 2026-07-28, checks a `tools/call`'s `Mcp-Param-*` headers against its
/// arguments; the server decides, a refusal is 400 with its -32020.
pub(crate) fn check_param_headers(
    server: &Server,
    parts: &Parts,
    message: &Message,
) -> Result<(), Response<McpBody>> {
    let Message::Request(request) = message else {
        return Ok(());
    };
    if request.method != method::TOOLS_CALL {
        return Ok(());
    }
    let Some(name) = body_name(request) else {
        return Ok(());
    };
    // Most tools mirror nothing: their headers are not gathered at all.
    if !server.mirrors_param_headers(name) {
        return Ok(());
    }
    // Header names are lower case in `http`, so the prefix compares as is.
    let headers: Vec<(&str, &[u8])> = parts
        .headers
        .iter()
        .filter_map(|(header, value)| {
            header
                .as_str()
                .strip_prefix(MCP_PARAM_PREFIX)
                .map(|suffix| (suffix, value.as_bytes()))
        })
        .collect();
    let arguments = request.params.as_ref().and_then(|p| member(p, "arguments"));
    server
        .check_param_headers(name, arguments, &headers)
        .map_err(|error| rpc_error(StatusCode::BAD_REQUEST, Some(request.id.clone()), error))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn method_and_name_are_the_first_visible_values_as_get_reads_them() {
        let mut headers = HeaderMap::new();
        assert_eq!(method_and_name(&headers), (None, None));
        headers.append("x-other", HeaderValue::from_static("1"));
        headers.append(MCP_NAME, HeaderValue::from_static("echo"));
        headers.append(MCP_METHOD, HeaderValue::from_static("tools/call"));
        headers.append(MCP_NAME, HeaderValue::from_static("second"));
        headers.append(MCP_METHOD, HeaderValue::from_static("tools/list"));
        assert_eq!(
            method_and_name(&headers),
            (Some("tools/call"), Some("echo"))
        );
        assert_eq!(
            method_and_name(&headers),
            (
                header_str(&headers, &MCP_METHOD),
                header_str(&headers, &MCP_NAME)
            )
        );
        let mut opaque = HeaderMap::new();
        opaque.append(MCP_METHOD, HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap());
        assert_eq!(method_and_name(&opaque), (None, None));
    }
}
