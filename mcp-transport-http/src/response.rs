//! The shapes of the responses this transport writes.

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderMap, HeaderValue, Response, StatusCode};
use mcp_tools::ProtocolVersion;
use mcp_tools::transport::jsonrpc::{ErrorObject, RequestId, Response as RpcResponse, code};
use serde_json::json;

use crate::body::{McpBody, SseStream};
use crate::header::X_ACCEL_BUFFERING;

pub(crate) fn plain(status: StatusCode, body: &'static str) -> Response<McpBody> {
    let mut response = Response::new(McpBody::full(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

pub(crate) fn json_response(status: StatusCode, body: impl Into<Bytes>) -> Response<McpBody> {
    json_response_in(HeaderMap::new(), status, body)
}

/// A JSON response written into `recycled`, the request's own header map,
/// cleared. hyper parses a connection's next request into the header map of
/// the response before it: the request's map already has room for a request
/// like this one, so no map is allocated for the response, nor grown for the
/// next request when requests carry more headers than a new map holds.
pub(crate) fn json_response_in(
    recycled: HeaderMap,
    status: StatusCode,
    body: impl Into<Bytes>,
) -> Response<McpBody> {
    let mut response = with_headers(recycled, McpBody::full(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// A response with `body` and `recycled`, cleared, as its header map.
fn with_headers(mut recycled: HeaderMap, body: McpBody) -> Response<McpBody> {
    recycled.clear();
    let mut response = Response::new(body);
    *response.headers_mut() = recycled;
    response
}

pub(crate) fn rpc_error(
    status: StatusCode,
    id: Option<RequestId>,
    error: ErrorObject,
) -> Response<McpBody> {
    json_response(status, RpcResponse::error(id, error).to_bytes())
}

pub(crate) fn status_only(status: StatusCode) -> Response<McpBody> {
    let mut response = Response::new(McpBody::empty());
    *response.status_mut() = status;
    response
}

pub(crate) fn sse_response(stream: SseStream) -> Response<McpBody> {
    sse_headers(Response::new(McpBody::stream(stream)))
}

/// An SSE answer known whole: its events, in one body, with `recycled`
/// (the request's header map, see [`json_response_in`]) as its headers.
pub(crate) fn sse_whole_in(recycled: HeaderMap, events: Bytes) -> Response<McpBody> {
    sse_headers(with_headers(recycled, McpBody::full(events)))
}

fn sse_headers(mut response: Response<McpBody>) -> Response<McpBody> {
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("text/event-stream"));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(X_ACCEL_BUFFERING, HeaderValue::from_static("no"));
    response
}

/// 400 -32020: a header disagrees with the body, or is missing.
pub(crate) fn header_mismatch(
    id: Option<RequestId>,
    detail: impl std::fmt::Display,
) -> Response<McpBody> {
    rpc_error(
        StatusCode::BAD_REQUEST,
        id,
        ErrorObject::new(code::HEADER_MISMATCH, format!("header mismatch: {detail}")),
    )
}

/// 400 -32022 naming the supported versions.
pub(crate) fn unsupported_version(id: Option<RequestId>, requested: &str) -> Response<McpBody> {
    rpc_error(
        StatusCode::BAD_REQUEST,
        id,
        ErrorObject::new(
            code::UNSUPPORTED_PROTOCOL_VERSION,
            format!("unsupported protocol version {requested:?}"),
        )
        .with_data(json!({
            "supported": ProtocolVersion::ALL.map(ProtocolVersion::as_str),
            "requested": requested,
        })),
    )
}

/// A serialised JSON-RPC answer, or 202 when there is none.
pub(crate) fn json_outcome(outcome: Option<(StatusCode, Vec<u8>)>) -> Response<McpBody> {
    json_outcome_in(HeaderMap::new(), outcome)
}

/// [`json_outcome`] with the request's header map recycled (see
/// [`json_response_in`]).
pub(crate) fn json_outcome_in(
    recycled: HeaderMap,
    outcome: Option<(StatusCode, Vec<u8>)>,
) -> Response<McpBody> {
    match outcome {
        Some((status, bytes)) => json_response_in(recycled, status, bytes),
        None => status_only(StatusCode::ACCEPTED),
    }
}

/// The HTTP status of the core's answer to a request. On 2026-07-28 the
/// protocol errors that mean "fix the request" are 400: a client capability
/// the request needs and the client did not declare (-32021), and header or
/// version disagreements (-32020, -32022). Everything else is 200.
pub(crate) fn answer_status(version: ProtocolVersion, answer: &RpcResponse) -> StatusCode {
    match &answer.outcome {
        Err(error)
            if version.is_stateless()
                && matches!(
                    error.code,
                    code::MISSING_REQUIRED_CLIENT_CAPABILITY
                        | code::HEADER_MISMATCH
                        | code::UNSUPPORTED_PROTOCOL_VERSION
                ) =>
        {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::OK,
    }
}
