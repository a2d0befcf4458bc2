//! An in-process client: drive a [`Server`] without any transport, for tests.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use futures::future::BoxFuture;
use serde_json::{Value, json};

use crate::context::{Caller, Peer, RequestContext};
use crate::envelope::ResultShape;
use crate::jsonrpc::{ErrorObject, Message, Notification, Request, RequestId};
use crate::protocol::ProtocolVersion;
use crate::server::Server;

type Responder = dyn Fn(&str, Value) -> Result<Value, ErrorObject> + Send + Sync;

/// Calls a server in-process, the way a transport would, and records the
/// notifications it sends.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mcp_tools::{Caller, Client, NoArguments, Server, Tool, ToolContext, ToolResult};
///
/// let server = Server::builder("demo", "1.0.0")
///     .tool(Tool::builder("whoami").description("Names the caller.").read_only()
///         .handler(|_: NoArguments, cx: ToolContext| async move {
///             ToolResult::Ok(cx.caller().map(|c| c.id().to_owned()))
///         }))
///     .build()
///     .unwrap();
/// let client = Client::new(server).with_caller(Caller::new("alice"));
/// client.initialize().await.unwrap();
/// assert_eq!(client.list_tools().await.unwrap().len(), 1);
/// let outcome = client.call("whoami", serde_json::json!({})).await.unwrap();
/// assert_eq!(outcome.data().unwrap(), "alice");
/// # });
/// ```
pub struct Client {
    server: Server,
    context: RequestContext,
    next_id: AtomicI64,
    peer: Arc<RecordingPeer>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
struct RecordingPeer {
    notifications: Mutex<Vec<Notification>>,
    responder: Mutex<Option<Arc<Responder>>>,
}

impl Peer for RecordingPeer {
    fn notify(&self, notification: Notification) {
        self.notifications
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(notification);
    }

    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> BoxFuture<'static, Result<Value, ErrorObject>> {
        let responder = self
            .responder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        let answer = match responder {
            Some(respond) => respond(method, params),
            None => Err(ErrorObject::new(
                crate::jsonrpc::code::METHOD_NOT_FOUND,
                format!("the test client does not answer {method}"),
            )),
        };
        Box::pin(async move { answer })
    }
}

impl Client {
    /// A client speaking 2025-11-25, without credentials.
    pub fn new(server: Server) -> Self {
        let peer = Arc::new(RecordingPeer::default());
        Self {
            server,
            context: RequestContext::new()
                .with_protocol_version(ProtocolVersion::V2025_11_25)
                .with_peer(peer.clone())
                .with_session_peer(peer.clone()),
            next_id: AtomicI64::new(1),
            peer,
        }
    }

    /// Calls as this caller.
    pub fn with_caller(mut self, caller: Caller) -> Self {
        self.context.caller = Some(caller);
        self
    }

    /// Speaks this protocol version.
    pub fn with_protocol_version(mut self, version: ProtocolVersion) -> Self {
        self.context.protocol_version = version;
        self
    }

    /// Declares client capabilities (such as `{"elicitation": {}}`).
    pub fn with_capabilities(mut self, capabilities: Value) -> Self {
        self.context.client_capabilities = Some(Arc::new(capabilities));
        self
    }

    /// Answers server-to-client requests (elicitation, sampling) with `respond`.
    pub fn on_request(
        self,
        respond: impl Fn(&str, Value) -> Result<Value, ErrorObject> + Send + Sync + 'static,
    ) -> Self {
        *self
            .peer
            .responder
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(respond));
        self
    }

    /// The request context the client sends with every message.
    pub fn context(&self) -> &RequestContext {
        &self.context
    }

    /// Sends a request and returns its result.
    pub async fn request(&self, method: &str, params: Value) -> Result<Value, ErrorObject> {
        self.request_with(method, params, self.context.clone())
            .await
    }

    /// Sends a request with an explicit context (for cancellation tests, say).
    ///
    /// On 2026-07-28 the client adds the `_meta` fields every request of that
    /// revision carries (the protocol version and the client capabilities),
    /// keeping any `params` already has.
    pub async fn request_with(
        &self,
        method: &str,
        params: Value,
        cx: RequestContext,
    ) -> Result<Value, ErrorObject> {
        let id = RequestId::Number(self.next_id.fetch_add(1, Ordering::Relaxed));
        let mut params = params;
        if cx.protocol_version.is_stateless() {
            add_request_meta(&mut params, &cx);
        }
        let message = Message::Request(Request {
            id,
            method: method.to_owned(),
            params: Some(params),
            meta: None,
        });
        let response = self.server.handle(message, cx).await.ok_or_else(|| {
            ErrorObject::new(
                crate::jsonrpc::code::REQUEST_CANCELLED,
                "the request was cancelled; a cancelled request gets no response",
            )
        })?;
        match response.outcome {
            Ok(raw) => serde_json::from_str(raw.get()).map_err(ErrorObject::internal),
            Err(error) => Err(error),
        }
    }

    /// Sends a notification.
    pub async fn notify(&self, method: &str, params: Value) {
        let message = Message::Notification(Notification::new(method.to_owned(), params));
        let _ = self.server.handle(message, self.context.clone()).await;
    }

    /// Runs the `initialize` handshake with the client's protocol version.
    pub async fn initialize(&self) -> Result<Value, ErrorObject> {
        let result = self
            .request(
                "initialize",
                json!({
                    "protocolVersion": self.context.protocol_version,
                    "capabilities": self.context.client_capabilities.as_deref().cloned().unwrap_or_else(|| json!({})),
                    "clientInfo": {"name": "mcp-tools-test-client", "version": env!("CARGO_PKG_VERSION")},
                }),
            )
            .await?;
        self.notify("notifications/initialized", json!({})).await;
        Ok(result)
    }

    /// Lists every tool, following `nextCursor` to the end.
    pub async fn list_tools(&self) -> Result<Vec<Value>, ErrorObject> {
        let mut tools = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let params = match &cursor {
                Some(c) => json!({"cursor": c}),
                None => json!({}),
            };
            let page = self.request("tools/list", params).await?;
            if let Some(Value::Array(items)) = page.get("tools") {
                tools.extend(items.iter().cloned());
            }
            match page.get("nextCursor").and_then(Value::as_str) {
                Some(next) => cursor = Some(next.to_owned()),
                None => return Ok(tools),
            }
        }
    }

    /// Lists every resource, following `nextCursor` to the end.
    pub async fn list_resources(&self) -> Result<Vec<Value>, ErrorObject> {
        self.list_all("resources/list", "resources").await
    }

    /// Lists every resource template, following `nextCursor` to the end.
    pub async fn list_resource_templates(&self) -> Result<Vec<Value>, ErrorObject> {
        self.list_all("resources/templates/list", "resourceTemplates")
            .await
    }

    /// Reads a resource: the whole `resources/read` result (`contents`, …).
    pub async fn read_resource(&self, uri: &str) -> Result<Value, ErrorObject> {
        self.request("resources/read", json!({"uri": uri})).await
    }

    /// Lists every prompt, following `nextCursor` to the end.
    pub async fn list_prompts(&self) -> Result<Vec<Value>, ErrorObject> {
        self.list_all("prompts/list", "prompts").await
    }

    /// Renders a prompt with `arguments` (an object of strings): the whole
    /// `prompts/get` result (`messages`, …).
    pub async fn get_prompt(&self, name: &str, arguments: Value) -> Result<Value, ErrorObject> {
        self.request("prompts/get", json!({"name": name, "arguments": arguments}))
            .await
    }

    /// Asks for completions of `argument` typed so far as `value`; `reference`
    /// is `{"type":"ref/prompt","name":…}` or `{"type":"ref/resource","uri":…}`.
    /// Returns the `completion` object (`values`, `total`, `hasMore`).
    pub async fn complete(
        &self,
        reference: Value,
        argument: &str,
        value: &str,
    ) -> Result<Value, ErrorObject> {
        let result = self
            .request(
                "completion/complete",
                json!({"ref": reference, "argument": {"name": argument, "value": value}}),
            )
            .await?;
        Ok(result.get("completion").cloned().unwrap_or(Value::Null))
    }

    async fn list_all(&self, method: &str, key: &str) -> Result<Vec<Value>, ErrorObject> {
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let params = match &cursor {
                Some(c) => json!({"cursor": c}),
                None => json!({}),
            };
            let page = self.request(method, params).await?;
            if let Some(Value::Array(found)) = page.get(key) {
                items.extend(found.iter().cloned());
            }
            match page.get("nextCursor").and_then(Value::as_str) {
                Some(next) => cursor = Some(next.to_owned()),
                None => return Ok(items),
            }
        }
    }

    /// Calls a tool.
    pub async fn call(&self, name: &str, arguments: Value) -> Result<CallOutcome, ErrorObject> {
        let plain = self.is_plain(name);
        self.request("tools/call", json!({"name": name, "arguments": arguments}))
            .await
            .map(|result| CallOutcome::new(result, plain))
    }

    /// Whether `name` answers in the plain result style.
    fn is_plain(&self, name: &str) -> bool {
        self.server
            .tool(name)
            .is_some_and(|t| matches!(t.registered.shape, ResultShape::Plain { .. }))
    }

    /// Calls a tool asking for progress notifications under `token`.
    pub async fn call_with_progress(
        &self,
        name: &str,
        arguments: Value,
        token: &str,
    ) -> Result<CallOutcome, ErrorObject> {
        let plain = self.is_plain(name);
        self.request(
            "tools/call",
            json!({"name": name, "arguments": arguments, "_meta": {"progressToken": token}}),
        )
        .await
        .map(|result| CallOutcome::new(result, plain))
    }

    /// The notifications the server sent so far, oldest first.
    pub fn notifications(&self) -> Vec<Notification> {
        self.peer
            .notifications
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// The result of a `tools/call`, with the envelope already parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct CallOutcome {
    result: Value,
    envelope: Value,
}

impl CallOutcome {
    fn new(result: Value, plain: bool) -> Self {
        if plain {
            let envelope = crate::envelope::envelope_of_plain(&result);
            return Self { result, envelope };
        }
        let envelope = result
            .get("structuredContent")
            .cloned()
            .or_else(|| {
                result
                    .pointer("/content/0/text")
                    .and_then(Value::as_str)
                    .and_then(|t| serde_json::from_str(t).ok())
            })
            .unwrap_or(Value::Null);
        Self { result, envelope }
    }

    /// The whole `tools/call` result.
    pub fn result(&self) -> &Value {
        &self.result
    }

    /// The result's `content` blocks (for tools that return content rather
    /// than data, the blocks the tool made).
    pub fn content(&self) -> &[Value] {
        self.result
            .get("content")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// The envelope: `{"Success":…, …}`; `null` for a successful call of a
    /// tool that returns content blocks. For a server in the plain
    /// [`ResultStyle`](crate::ResultStyle), the envelope the result stands
    /// for: `Data` is the structured content, `ErrorCode` and `ErrorMessage`
    /// are read from the error text.
    pub fn envelope(&self) -> &Value {
        &self.envelope
    }

    /// Whether the result is marked `isError`.
    pub fn is_error(&self) -> bool {
        self.result
            .get("isError")
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// `Data` of a successful call.
    pub fn data(&self) -> Option<&Value> {
        self.envelope.get("Data")
    }

    /// `ErrorCode` of a failed call.
    pub fn error_code(&self) -> Option<&str> {
        self.envelope.get("ErrorCode").and_then(Value::as_str)
    }

    /// `ErrorMessage` of a failed call.
    pub fn error_message(&self) -> Option<&str> {
        self.envelope.get("ErrorMessage").and_then(Value::as_str)
    }
}

/// Adds the `_meta` fields every 2026-07-28 request carries, as a conformant
/// client does, keeping any the caller wrote.
fn add_request_meta(params: &mut Value, cx: &RequestContext) {
    let Value::Object(params) = params else {
        return;
    };
    let Value::Object(meta) = params
        .entry("_meta")
        .or_insert_with(|| Value::Object(serde_json::Map::new()))
    else {
        return;
    };
    meta.entry(crate::protocol::META_PROTOCOL_VERSION)
        .or_insert_with(|| cx.protocol_version.as_str().into());
    meta.entry(crate::protocol::META_CLIENT_CAPABILITIES)
        .or_insert_with(|| {
            cx.client_capabilities
                .as_deref()
                .cloned()
                .unwrap_or_else(|| json!({}))
        });
}
