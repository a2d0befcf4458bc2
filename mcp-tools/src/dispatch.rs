//! The dispatcher: one JSON-RPC message in, at most one response out.

use std::sync::PoisonError;

use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::context::RequestContext;
use crate::jsonrpc::{
    self, ErrorObject, Message, Notification, Request, RequestId, Response, raw_json,
};
use crate::protocol::{LogLevel, META_PROTOCOL_VERSION, ProtocolVersion, method};
use crate::server::Server;

impl Server {
    /// Parses a body and handles it: the convenience entry for transports that
    /// accept exactly one message per body.
    ///
    /// Returns the serialised response, or `None` for notifications, responses
    /// and cancelled requests.
    pub async fn handle_bytes(&self, body: &[u8], cx: RequestContext) -> Option<Vec<u8>> {
        match jsonrpc::parse(body) {
            Err(response) => Some(response.to_bytes()),
            Ok(jsonrpc::Incoming::Single(message)) => {
                self.handle(message, cx).await.map(|r| r.to_bytes())
            }
            Ok(jsonrpc::Incoming::Batch(_)) => Some(
                Response::error(
                    None,
                    ErrorObject::invalid_request("JSON-RPC batches are not accepted here"),
                )
                .to_bytes(),
            ),
        }
    }

    /// Handles one message.
    ///
    /// Returns the response to a request; `None` for notifications, for responses
    /// (transports route those to the waiting tool) and for requests cancelled
    /// before they finished.
    pub async fn handle(&self, message: Message, cx: RequestContext) -> Option<Response> {
        match message {
            Message::Request(request) => self.handle_request(request, cx).await,
            Message::Notification(notification) => {
                self.handle_notification(&notification, &cx);
                None
            }
            Message::Response(_) => None,
        }
    }

    fn handle_notification(&self, notification: &Notification, cx: &RequestContext) {
        if notification.method != method::CANCELLED {
            return;
        }
        let Some(id) = notification
            .params
            .as_ref()
            .and_then(|p| p.get("requestId"))
            .and_then(|id| serde_json::from_value::<RequestId>(id.clone()).ok())
        else {
            return;
        };
        let key = (cx.channel_key(), id);
        let in_flight = self
            .inner
            .in_flight
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(signal) = in_flight.get(&key) {
            signal.cancel();
        }
    }

    async fn handle_request(&self, request: Request, mut cx: RequestContext) -> Option<Response> {
        let Request { id, method, params } = request;
        if let Some(version) = params
            .as_ref()
            .and_then(|p| p.get("_meta"))
            .and_then(|m| m.get(META_PROTOCOL_VERSION))
            .and_then(Value::as_str)
        {
            match version.parse() {
                Ok(version) => cx.protocol_version = version,
                Err(e) => {
                    return Some(Response::error(
                        Some(id),
                        ErrorObject::new(
                            jsonrpc::code::UNSUPPORTED_PROTOCOL_VERSION,
                            e.to_string(),
                        )
                        .with_data(
                            json!({"supported": ProtocolVersion::ALL.map(ProtocolVersion::as_str)}),
                        ),
                    ));
                }
            }
        }
        let version = cx.protocol_version;
        let outcome = match method.as_str() {
            method::TOOLS_CALL => return self.call_tool(id, params, cx).await,
            method::TOOLS_LIST => self.list_tools(params.as_ref(), &cx),
            method::INITIALIZE if !version.is_stateless() => self.initialize(params.as_ref()),
            method::PING if !version.is_stateless() => Ok(raw_json("{}".into())),
            method::DISCOVER => Ok(self.discover()),
            method::SET_LEVEL if !version.is_stateless() => set_level(params.as_ref(), &cx),
            other => Err(ErrorObject::method_not_found(other)),
        };
        Some(match outcome {
            Ok(result) => Response::result(id, result),
            Err(error) => Response::error(Some(id), error),
        })
    }

    fn capabilities() -> Value {
        json!({"tools": {"listChanged": false}, "logging": {}})
    }

    fn initialize(&self, params: Option<&Value>) -> Result<Box<RawValue>, ErrorObject> {
        let requested = params
            .and_then(|p| p.get("protocolVersion"))
            .and_then(Value::as_str)
            .ok_or_else(|| {
                ErrorObject::invalid_params("initialize needs \"protocolVersion\" (a string)")
            })?;
        let version = ProtocolVersion::negotiate(requested);
        let mut result = json!({
            "protocolVersion": version,
            "capabilities": Self::capabilities(),
            "serverInfo": self.inner.info,
        });
        if let Some(instructions) = &self.inner.instructions {
            result["instructions"] = instructions.clone().into();
        }
        Ok(raw_json(result.to_string()))
    }

    fn discover(&self) -> Box<RawValue> {
        let mut result = json!({
            "supportedVersions": ProtocolVersion::ALL.map(ProtocolVersion::as_str),
            "capabilities": Self::capabilities(),
            "serverInfo": self.inner.info,
            "resultType": "complete",
        });
        if let Some(instructions) = &self.inner.instructions {
            result["instructions"] = instructions.clone().into();
        }
        raw_json(result.to_string())
    }
}

fn set_level(params: Option<&Value>, cx: &RequestContext) -> Result<Box<RawValue>, ErrorObject> {
    let level = params
        .and_then(|p| p.get("level"))
        .cloned()
        .and_then(|l| serde_json::from_value::<LogLevel>(l).ok())
        .ok_or_else(|| {
            ErrorObject::invalid_params(
                "logging/setLevel needs \"level\": one of debug, info, notice, warning, error, critical, alert, emergency",
            )
        })?;
    cx.log_level.set(level);
    Ok(raw_json("{}".into()))
}
