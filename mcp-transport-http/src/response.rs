//! The shapes of the responses this transport writes.

use bytes::Bytes;
use http::header::{CACHE_CONTROL, CONTENT_TYPE};
use http::{HeaderValue, Response, StatusCode};
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
    let mut response = Response::new(McpBody::full(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
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

/// An SSE answer known whole: its events, in one body.
pub(crate) fn sse_whole(events: Bytes) -> Response<McpBody> {
    sse_headers(Response::new(McpBody::full(events)))
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
    match outcome {
        Some((status, bytes)) => json_response(status, bytes),
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
