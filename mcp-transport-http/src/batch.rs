//! JSON-RPC batches (protocol version 2025-03-26 only): admitted as a whole,
//! answered in one JSON array.

use std::sync::Arc;

use http::request::Parts;
use http::{Response, StatusCode};
use mcp_tools::ProtocolVersion;
use mcp_tools::transport::jsonrpc::{ErrorObject, Message, Response as RpcResponse};
use mcp_tools::transport::method;

use crate::admit::Authenticated;
use crate::answer::accepted;
use crate::body::McpBody;
use crate::context::{TraceHeaders, request_context};
use crate::endpoint::Endpoint;
use crate::response::{json_response, rpc_error};

impl Endpoint {
    pub(crate) async fn batch(
        self: Arc<Self>,
        parts: Parts,
        authenticated: Authenticated,
        announced: Option<ProtocolVersion>,
        items: Vec<Result<Message, Box<RpcResponse>>>,
    ) -> Response<McpBody> {
        let version = announced.unwrap_or(ProtocolVersion::DEFAULT_UNANNOUNCED);
        if !version.allows_batches() {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                None,
                ErrorObject::invalid_request(format!(
                    "JSON-RPC batches are only accepted in protocol version 2025-03-26, not {version}"
                )),
            );
        }
        if items
            .iter()
            .any(|m| matches!(m, Ok(Message::Request(r)) if r.method == method::INITIALIZE))
        {
            return rpc_error(
                StatusCode::BAD_REQUEST,
                None,
                ErrorObject::invalid_request("initialize cannot be part of a JSON-RPC batch"),
            );
        }
        let messages: Vec<&Message> = items.iter().flatten().collect();
        let identity = match self.admit(&messages, authenticated, false, None).await {
            Ok(identity) => identity,
            Err(refused) => return *refused,
        };
        let session = if self.sessions_on {
            match self.session_for(&parts, &identity).await {
                Ok(session) => Some(session),
                Err(response) => {
                    let rate = identity.admitted.rate().copied();
                    return self.with_rate(*response, rate);
                }
            }
        } else {
            None
        };
        let trace = TraceHeaders::of(&parts.headers);
        let futures = items.into_iter().map(|item| {
            let cx = request_context(version, &identity, session.as_deref(), None);
            let cx = trace.apply(cx);
            let server = self.server.clone();
            let session = session.clone();
            let endpoint = self.clone();
            let caller = identity.id().map(str::to_owned);
            async move {
                match item {
                    Err(response) => Some(*response),
                    Ok(Message::Response(answer)) => {
                        endpoint.route_answer(answer, session.as_deref(), caller.as_deref());
                        None
                    }
                    Ok(message) => server.handle(message, cx).await,
                }
            }
        });
        let responses: Vec<RpcResponse> = futures::future::join_all(futures)
            .await
            .into_iter()
            .flatten()
            .collect();
        let response = if responses.is_empty() {
            accepted()
        } else {
            json_response(
                StatusCode::OK,
                serde_json::to_vec(&responses).unwrap_or_default(),
            )
        };
        let rate = self.server.rate_after(&identity.admitted, false).await;
        self.with_rate(response, rate)
    }
}
