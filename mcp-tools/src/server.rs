//! The server: what tool authors build and what transports drive. A thin
//! handle over the [`Dispatcher`]; the builder lives in `builder`, the
//! registry in `registry`, the decisions in `policy`, `admission` and `call`.

use std::fmt;
use std::sync::Arc;

use crate::admission::{Admitted, Carriage, Credentials, Refusal};
use crate::builder::ServerBuilder;
use crate::bus::BusMessage;
use crate::context::{Caller, RequestContext};
use crate::dispatch::{Dispatcher, Initialized};
use crate::error::BuildError;
use crate::jsonrpc::{self, ErrorObject, Message, Notification, Request, Response};
use crate::protocol::ServerInfo;
use crate::protocol::method;
use crate::rate::RateStatus;
use crate::registry::ToolInfo;

/// A built MCP server: the tools, their contracts and the dispatcher.
///
/// Cheap to clone (an `Arc` inside). Transports hand it parsed messages with a
/// [`RequestContext`](crate::transport::RequestContext); [`crate::Client`]
/// does the same in-process for tests.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mcp_tools::{Client, Server, Tool, ToolContext, ToolResult, NoArguments};
///
/// let server = Server::builder("demo", "1.0.0")
///     .tool(Tool::builder("hello").description("Says hello.").read_only()
///         .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("hello") }))
///     .build()
///     .unwrap();
/// let client = Client::new(server);
/// let reply = client.call("hello", serde_json::json!({})).await.unwrap();
/// assert_eq!(reply.data(), Some(&serde_json::json!("hello")));
/// # });
/// ```
#[derive(Clone)]
pub struct Server {
    inner: Arc<Dispatcher>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("info", &self.inner.info)
            .field("tools", &self.inner.registry.all().len())
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    /// Checks every tool and builds the server.
    pub fn build(self) -> Result<Server, BuildError> {
        let inner = Arc::new(self.into_dispatcher()?);
        let _ = inner.me.set(Arc::downgrade(&inner));
        attach_bus(&inner);
        Ok(Server { inner })
    }
}

impl Server {
    /// Starts configuring a server with its name and version.
    pub fn builder(name: impl Into<String>, version: impl Into<String>) -> ServerBuilder {
        ServerBuilder::new(name.into(), version.into())
    }

    /// The server's name, version and title.
    pub fn info(&self) -> &ServerInfo {
        &self.inner.info
    }

    /// Looks up a registered tool.
    pub fn tool(&self, name: &str) -> Option<ToolInfo<'_>> {
        self.inner
            .registry
            .get(name)
            .map(|registered| ToolInfo { registered })
    }

    /// Every registered tool, in registration order.
    pub fn tools(&self) -> impl Iterator<Item = ToolInfo<'_>> {
        self.inner
            .registry
            .all()
            .iter()
            .map(|registered| ToolInfo { registered })
    }

    /// Tells every client subscribed to `uri` (`resources/subscribe`) that the
    /// resource changed, with `notifications/resources/updated` on its
    /// session's stream. Returns how many subscribers were told.
    ///
    /// With a [notification bus](crate::ServerBuilder::notification_bus), the
    /// other replicas tell their own subscribers too; the count is this
    /// replica's.
    ///
    /// ```
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// use mcp_tools::{Client, Resource, ResourceContents, ResourceContext, Server};
    ///
    /// let clock = Resource::builder("clock://now", "now")
    ///     .handler(|cx: ResourceContext| async move { Ok(ResourceContents::text(cx.uri(), "12:00")) });
    /// let server = Server::builder("clock", "1.0.0").resource(clock).build().unwrap();
    /// let client = Client::new(server.clone());
    /// client.request("resources/subscribe", serde_json::json!({"uri": "clock://now"})).await.unwrap();
    /// assert_eq!(server.notify_resource_updated("clock://now"), 1);
    /// assert_eq!(client.notifications()[0].method, "notifications/resources/updated");
    /// # });
    /// ```
    pub fn notify_resource_updated(&self, uri: &str) -> usize {
        if let Some(bus) = &self.inner.fanout.bus {
            bus.publish(BusMessage::ResourceUpdated {
                uri: uri.to_owned(),
            });
        }
        self.inner.catalog.notify_updated(uri)
    }

    /// Whether this server shares notifications with other replicas
    /// ([`ServerBuilder::notification_bus`](crate::ServerBuilder::notification_bus)).
    pub fn has_notification_bus(&self) -> bool {
        self.inner.fanout.bus.is_some()
    }

    /// Whether this server has a rate limiter
    /// ([`ServerBuilder::rate_limiter`](crate::ServerBuilder::rate_limiter)):
    /// without one, [`rate_status`](Self::rate_status) is always `None`, and a
    /// transport has no rate headers to look for or write.
    pub fn has_rate_limiter(&self) -> bool {
        self.inner.policy.rate_limiter.is_some()
    }

    /// For transports: hands `notification`, meant for `session`, to the
    /// other replicas, so that the one holding that session's event stream
    /// sends it (see [`on_session_notification`](Self::on_session_notification)).
    /// `false` when there is no bus to send it on.
    pub fn publish_to_session(&self, session: &str, notification: Notification) -> bool {
        let Some(bus) = &self.inner.fanout.bus else {
            return false;
        };
        bus.publish(BusMessage::Session {
            session: session.to_owned(),
            notification,
        });
        true
    }

    /// For transports: where notifications that other replicas published for
    /// a session ([`publish_to_session`](Self::publish_to_session)) go on
    /// this one. Set once; later calls are ignored (one transport serves a
    /// server's sessions).
    pub fn on_session_notification(
        &self,
        route: impl Fn(&str, Notification) + Send + Sync + 'static,
    ) {
        let _ = self.inner.fanout.sessions.set(Arc::new(route));
    }

    /// Handles one message.
    ///
    /// Returns the response to a request; `None` for notifications, for responses
    /// (transports route those to the waiting tool) and for requests cancelled
    /// before they finished.
    pub fn handle(
        &self,
        message: Message,
        cx: RequestContext,
    ) -> impl Future<Output = Option<Response>> + Send {
        // The dispatcher's own future, not one wrapped around it that would
        // hold the message and context a second time.
        self.inner.handle(message, cx)
    }

    /// Whether `tool` mirrors any of its arguments into `Mcp-Param-*`
    /// headers (`x-mcp-header` in its input schema). A transport that
    /// gathers the headers for [`check_param_headers`](Self::check_param_headers)
    /// can skip that for a tool that mirrors none, which nothing then checks.
    ///
    /// ```
    /// use mcp_tools::{Server, Tool, ToolContext, ToolResult};
    /// use serde_json::json;
    ///
    /// let tool = Tool::builder("run")
    ///     .description("Runs in one region.")
    ///     .read_only()
    ///     .input_schema(json!({"type": "object", "properties": {
    ///         "region": {"type": "string", "x-mcp-header": "Region"}}}))
    ///     .handler(|_: serde_json::Value, _: ToolContext| async { ToolResult::Ok(()) });
    /// let server = Server::builder("demo", "1.0.0").tool(tool).build().unwrap();
    /// assert!(server.mirrors_param_headers("run"));
    /// assert!(!server.mirrors_param_headers("no such tool"));
    /// ```
    pub fn mirrors_param_headers(&self, tool: &str) -> bool {
        self.inner
            .registry
            .get(tool)
            .is_some_and(|registered| !registered.header_mirrors.is_empty())
    }

    /// Whether any of the server's tools mirrors an argument into an
    /// `Mcp-Param-{Name}` header: a transport serving a server where none
    /// does skips the `Mcp-Param-*` check without looking the call's tool up.
    ///
    /// ```
    /// use mcp_tools::{Server, Tool, ToolContext, ToolResult};
    /// use serde_json::json;
    ///
    /// let plain = Tool::builder("ping")
    ///     .description("Answers.")
    ///     .read_only()
    ///     .handler(|_: mcp_tools::NoArguments, _: ToolContext| async { ToolResult::Ok(()) });
    /// let server = Server::builder("demo", "1.0.0").tool(plain).build().unwrap();
    /// assert!(!server.mirrors_any_param_headers());
    ///
    /// let mirrored = Tool::builder("run")
    ///     .description("Runs in one region.")
    ///     .read_only()
    ///     .input_schema(json!({"type": "object", "properties": {
    ///         "region": {"type": "string", "x-mcp-header": "Region"}}}))
    ///     .handler(|_: serde_json::Value, _: ToolContext| async { ToolResult::Ok(()) });
    /// let server = Server::builder("demo", "1.0.0").tool(mirrored).build().unwrap();
    /// assert!(server.mirrors_any_param_headers());
    /// ```
    pub fn mirrors_any_param_headers(&self) -> bool {
        self.inner.registry.mirrors_any()
    }

    /// Checks the `Mcp-Param-{Name}` headers of a 2026-07-28 `tools/call`
    /// against its arguments (SEP-2243): every argument the tool mirrors into
    /// a header must be sent in it when it has a value, and the header,
    /// after `=?base64?…?=` decoding, must say what the body says. Headers
    /// that mirror no argument of the tool are ignored, as are unknown tools
    /// (the call itself refuses those).
    ///
    /// `headers` are `(name, value)` with `name` the part after `Mcp-Param-`,
    /// in any case. A refusal is -32020 (HeaderMismatch); over HTTP, 400.
    ///
    /// ```
    /// use mcp_tools::{Server, Tool, ToolContext, ToolResult};
    /// use serde_json::json;
    ///
    /// let tool = Tool::builder("run")
    ///     .description("Runs in one region.")
    ///     .read_only()
    ///     .input_schema(json!({"type": "object", "properties": {
    ///         "region": {"type": "string", "x-mcp-header": "Region"}}}))
    ///     .handler(|_: serde_json::Value, _: ToolContext| async { ToolResult::Ok(()) });
    /// let server = Server::builder("demo", "1.0.0").tool(tool).build().unwrap();
    /// let args = json!({"region": "eu"});
    /// assert!(server.check_param_headers("run", Some(&args), &[("region", b"eu")]).is_ok());
    /// let refused = server.check_param_headers("run", Some(&args), &[]).unwrap_err();
    /// assert_eq!(refused.code, -32020);
    /// ```
    pub fn check_param_headers(
        &self,
        tool: &str,
        arguments: Option<&serde_json::Value>,
        headers: &[(&str, &[u8])],
    ) -> Result<(), ErrorObject> {
        match self.inner.registry.get(tool) {
            Some(registered) => {
                crate::mirror::check_headers(&registered.header_mirrors, arguments, headers)
            }
            None => Ok(()),
        }
    }

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

    /// Answers an `initialize` request and says which version it settled on,
    /// for transports that keep it (a session).
    pub fn initialize(&self, request: &Request) -> Initialized {
        let id = request.id.clone();
        if request.method != method::INITIALIZE {
            return Initialized {
                response: Response::error(
                    Some(id),
                    ErrorObject::invalid_request("this request is not initialize"),
                ),
                version: None,
            };
        }
        match self.inner.initialize(request.params.as_ref()) {
            Ok((result, version)) => Initialized {
                response: Response::result(id, result),
                version: Some(version),
            },
            Err(error) => Initialized {
                response: Response::error(Some(id), error),
                version: None,
            },
        }
    }

    /// Decides whether to serve a request body (one message, or a batch) with
    /// the credentials it came with; see [`crate::transport`] for the steps.
    ///
    /// A body holding one `tools/call` is taken from the rate budget here,
    /// for the call pipeline: pass the result to the request's context with
    /// [`RequestContext::with_admitted`](crate::transport::RequestContext::with_admitted)
    /// so that the call is not counted twice.
    ///
    /// Refusals of calls to audited tools are written to the audit log here.
    /// Asynchronous because the rate limiter may ask a shared store; with a
    /// limiter in memory it completes without waiting.
    pub async fn admit(
        &self,
        messages: &[&Message],
        credentials: Credentials,
        carriage: Carriage,
    ) -> Result<Admitted, Refusal> {
        self.inner
            .admission()
            .admit(messages, credentials, carriage)
            .await
    }

    /// Decides whether to serve a request that carries no message (opening or
    /// ending a session's event stream): open to anyone only with
    /// [`public_discovery`](crate::ServerBuilder::public_discovery); takes
    /// nothing from the rate budget.
    pub async fn admit_stream(&self, credentials: Credentials) -> Result<Admitted, Refusal> {
        self.inner.admission().admit_stream(credentials).await
    }

    /// The rate budget to report with the answer to admitted messages. For
    /// a lone tool call, the status its latest take returned, without asking
    /// the limiter again. After tool calls of a batch, which the dispatcher
    /// counted, the budget is read again; pass `still_running` when the
    /// answer leaves while a call may still run (a streamed answer), so that
    /// it reports the call as counted.
    pub async fn rate_after(&self, admitted: &Admitted, still_running: bool) -> Option<RateStatus> {
        self.inner
            .admission()
            .rate_after(admitted, still_running)
            .await
    }

    /// The caller's general rate budget, for `X-Rate-Limit-*` headers, taking
    /// nothing from it. `None` when the server has no rate limiter.
    pub async fn rate_status(&self, caller: Option<&Caller>) -> Option<RateStatus> {
        self.inner.policy.rate_status(caller).await
    }
}

/// Gives the server's notification bus, if any, the built server as the
/// receiver of other replicas' messages.
fn attach_bus(inner: &Arc<Dispatcher>) {
    let Some(bus) = &inner.fanout.bus else { return };
    let dispatcher = Arc::downgrade(inner);
    bus.attach(Arc::new(move |message| {
        let Some(dispatcher) = dispatcher.upgrade() else {
            return;
        };
        match message {
            BusMessage::ResourceUpdated { uri } => {
                dispatcher.catalog.notify_updated(&uri);
            }
            BusMessage::Session {
                session,
                notification,
            } => {
                if let Some(route) = dispatcher.fanout.sessions.get() {
                    route(&session, notification);
                }
            }
        }
    }));
}
