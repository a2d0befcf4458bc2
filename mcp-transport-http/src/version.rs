//! The protocol version a request announces, and the 2026-07-28 rule that
//! headers and body agree (`MCP-Protocol-Version` with `_meta`, `Mcp-Method`
//! and `Mcp-Name` with the body).

#![allow(
    clippy::result_large_err,
    reason = "the error is the refusal response itself, sent as it is; boxing it buys nothing"
)]

use http::request::Parts;
use http::{HeaderValue, Response, StatusCode};
use mcp_tools::transport::jsonrpc::{ErrorObject, Incoming, Message, Request, RequestMeta, member};
use mcp_tools::transport::{META_PROTOCOL_VERSION, check_request_meta, method};
use mcp_tools::{ProtocolVersion, Server};

use crate::body::McpBody;
use crate::header::{MCP_PROTOCOL_VERSION, decode_header_value, header_str};
use crate::response::{header_mismatch, rpc_error, unsupported_version};

/// The `MCP-Protocol-Version` header as the guards' pass over the headers
/// found it (`Endpoint::screen`): read there, so that no POST looks it up
/// again by its custom name, which `http` hashes byte by byte.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Announced {
    /// No such header.
    Missing,
    /// A version this SDK speaks.
    Known(ProtocolVersion),
    /// Any other value: [`announced`] reads it again for the refusal.
    Other,
}

impl Announced {
    pub(crate) fn of(value: Option<&HeaderValue>) -> Self {
        match value.map(HeaderValue::as_bytes) {
            None => Self::Missing,
            Some(value) => ProtocolVersion::ALL
                .into_iter()
                .find(|v| v.as_str().as_bytes() == value)
                .map_or(Self::Other, Self::Known),
        }
    }

    /// The version, or the value that names none (read again from `parts`).
    pub(crate) fn read(self, parts: &Parts) -> Result<Option<ProtocolVersion>, String> {
        match self {
            Self::Missing => Ok(None),
            Self::Known(version) => Ok(Some(version)),
            Self::Other => announced(parts),
        }
    }
}

/// The `Mcp-Method` and `Mcp-Name` headers' first values, kept from the
/// guards' pass over the headers for [`check_headers`]; `None` when absent
/// (every request but a 2026-07-28 one).
pub(crate) struct RoutingHeaders {
    pub(crate) method: Option<HeaderValue>,
    pub(crate) name: Option<HeaderValue>,
}

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
    routing: &RoutingHeaders,
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
    let (method_header, name_header) = (text(routing.method.as_ref()), text(routing.name.as_ref()));
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

/// A header's value when visible ASCII, as [`header_str`] reads it.
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
    // A server none of whose tools mirrors anything: no tool is looked up.
    if !server.mirrors_any_param_headers() {
        return Ok(());
    }
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
