//! The server: a registry of tools and the transport-agnostic dispatcher.

use std::collections::HashMap;
use std::fmt;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::audit::{AuditGuard, AuditSink};
use crate::canonical;
use crate::confirm::{
    self, Confirmation, Confirmer, DEFAULT_CONFIRMATION_LIFETIME, MemoryReplayStore, ReplayStore,
    Stage, Subject, Tag,
};
use crate::content::Content;
use crate::context::{
    CallInner, Cancellation, PiiWriteScope, RequestContext, StateMap, ToolContext,
};
use crate::error::{ErrorCode, ToolError};
use crate::jsonrpc::{self, ErrorObject, Message, Notification, Request, RequestId, Response};
use crate::protocol::{LogLevel, META_PROTOCOL_VERSION, ProtocolVersion, method};
use crate::rate::{RateClass, RateLimiter, RateStatus};
use crate::schema::{self, Strictness};
use crate::tool::{Effect, Output, Tool};
use crate::validate::{ArgumentContract, arguments_object};

/// The time limit of a tool call unless the tool sets its own.
pub const DEFAULT_TOOL_TIMEOUT: Duration = Duration::from_secs(60);

/// How many tools one `tools/list` page holds unless configured.
pub const DEFAULT_LIST_PAGE_SIZE: usize = 100;

/// The name of the argument that carries a confirmation token.
pub const CONFIRMATION_TOKEN_ARGUMENT: &str = "confirmationToken";

/// Which tools `tools/list` shows a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ToolListing {
    /// Every tool, whatever the caller may call.
    #[default]
    All,
    /// Only the tools the caller is authenticated and scoped for.
    Permitted,
}

/// The name, version and title a server announces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInfo {
    /// A programmatic name.
    pub name: String,
    /// The server's version.
    pub version: String,
    /// A human-readable title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Why a server could not be built.
///
/// ```
/// use mcp_tools::{BuildErrorKind, Server, Tool, ToolContext, ToolResult, NoArguments};
///
/// let tool = || Tool::builder("same").description("A tool.").read_only()
///     .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(()) });
/// let err = Server::builder("demo", "1.0.0").tool(tool()).tool(tool()).build().unwrap_err();
/// assert_eq!(err.kind(), BuildErrorKind::DuplicateName);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildError {
    kind: BuildErrorKind,
    message: String,
}

/// The kinds of [`BuildError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildErrorKind {
    /// A tool name is empty, too long or has characters outside `[A-Za-z0-9_.-]`.
    InvalidName,
    /// Two tools share a name.
    DuplicateName,
    /// A tool has no description.
    MissingDescription,
    /// A tool declares none of read-only, additive or destructive.
    MissingEffect,
    /// A confirmation tool does not write.
    ConfirmWithoutWrite,
    /// A tool needs shared state the server does not have.
    MissingState,
    /// A tool's schema cannot be published or enforced.
    InvalidSchema,
    /// A server setting is unusable (a confirmation secret that is too short,
    /// no OS randomness for the default one).
    InvalidConfiguration,
}

impl BuildError {
    fn new(kind: BuildErrorKind, message: String) -> Self {
        Self { kind, message }
    }

    /// What went wrong.
    pub fn kind(&self) -> BuildErrorKind {
        self.kind
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for BuildError {}

/// Checks a tool name: 1 to 64 characters of `[A-Za-z0-9_.-]`.
pub fn validate_tool_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("a tool name cannot be empty".into());
    }
    if name.len() > 64 {
        return Err(format!(
            "tool name {name:?} is {} characters long; the limit is 64",
            name.len()
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')))
    {
        return Err(format!(
            "tool name {name:?} contains {bad:?}; use only letters, digits, '_', '.' and '-'"
        ));
    }
    Ok(())
}

/// Configures and builds a [`Server`].
#[must_use = "call .build() to get a Server"]
pub struct ServerBuilder {
    info: ServerInfo,
    instructions: Option<String>,
    tools: Vec<Tool>,
    state: StateMap,
    page_size: usize,
    default_timeout: Duration,
    listing: ToolListing,
    pii_read_scope: Option<String>,
    authentication_required: bool,
    confirmation_secret: Option<Vec<u8>>,
    confirmation_lifetime: Duration,
    replay_store: Option<Arc<dyn ReplayStore>>,
    audit_sink: Option<Arc<dyn AuditSink>>,
    rate_limiter: Option<Arc<dyn RateLimiter>>,
}

impl fmt::Debug for ServerBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerBuilder")
            .field("info", &self.info)
            .field("tools", &self.tools.len())
            .finish_non_exhaustive()
    }
}

impl ServerBuilder {
    /// A human-readable title for the server.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.info.title = Some(title.into());
        self
    }

    /// Instructions for the model, sent at `initialize` and `server/discover`.
    pub fn instructions(mut self, instructions: impl Into<String>) -> Self {
        self.instructions = Some(instructions.into());
        self
    }

    /// Registers a tool.
    pub fn tool(mut self, tool: Tool) -> Self {
        self.tools.push(tool);
        self
    }

    /// Registers several tools.
    pub fn tools(mut self, tools: impl IntoIterator<Item = Tool>) -> Self {
        self.tools.extend(tools);
        self
    }

    /// Shares a value with every tool; tools take it as `State<T>`.
    pub fn state<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.state.insert(value);
        self
    }

    /// How many tools one `tools/list` page holds (default 100).
    pub fn list_page_size(mut self, size: usize) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The time limit of calls to tools that do not set their own (default 60 s).
    pub fn default_timeout(mut self, limit: Duration) -> Self {
        self.default_timeout = limit;
        self
    }

    /// Which tools `tools/list` shows each caller.
    pub fn tool_listing(mut self, listing: ToolListing) -> Self {
        self.listing = listing;
        self
    }

    /// The scope that lets a caller read personal data in clear; without it,
    /// [`crate::Pii`] values are de-identified. Without this setting every caller
    /// sees personal data in clear.
    pub fn pii_read_scope(mut self, scope: impl Into<String>) -> Self {
        self.pii_read_scope = Some(scope.into());
        self
    }

    /// The scope that lets a caller change personal data. Tools check it with
    /// [`ToolContext::require_pii_write`] when a call would change personal
    /// fields; without this setting every caller may.
    pub fn pii_write_scope(mut self, scope: impl Into<Arc<str>>) -> Self {
        self.state.insert(PiiWriteScope(scope.into()));
        self
    }

    /// The secret that signs confirmation tokens, at least
    /// [`MIN_SECRET_LEN`](confirm::MIN_SECRET_LEN) random bytes from the
    /// server's configuration. Replicas that share it accept each other's
    /// tokens. Without it, a random secret is drawn once per process, so tokens
    /// die with the process.
    pub fn confirmation_secret(mut self, secret: impl Into<Vec<u8>>) -> Self {
        self.confirmation_secret = Some(secret.into());
        self
    }

    /// How long a confirmation token stays valid (default 5 minutes).
    pub fn confirmation_lifetime(mut self, lifetime: Duration) -> Self {
        self.confirmation_lifetime = lifetime;
        self
    }

    /// Where used confirmation tokens are remembered (default: in memory, per
    /// process). Replicas share one store so a token confirms only once.
    pub fn replay_store(mut self, store: impl ReplayStore) -> Self {
        self.replay_store = Some(Arc::new(store));
        self
    }

    /// Records every call of destructive and confirm tools; see [`crate::audit`].
    pub fn audit_sink(mut self, sink: impl AuditSink) -> Self {
        self.audit_sink = Some(Arc::new(sink));
        self
    }

    /// Checks every call against a rate budget before the tool runs; see [`crate::rate`].
    pub fn rate_limiter(mut self, limiter: impl RateLimiter) -> Self {
        self.rate_limiter = Some(Arc::new(limiter));
        self
    }

    /// Refuses calls without an authenticated caller, except to tools declared
    /// `no_auth`. Transports that authenticate turn this on; without it, a
    /// request without a caller is served (a local, trusted deployment).
    pub fn require_authentication(mut self) -> Self {
        self.authentication_required = true;
        self
    }

    /// Checks every tool and builds the server.
    pub fn build(self) -> Result<Server, BuildError> {
        if let Some(secret) = &self.confirmation_secret
            && secret.len() < confirm::MIN_SECRET_LEN
        {
            return Err(BuildError::new(
                BuildErrorKind::InvalidConfiguration,
                format!(
                    "the confirmation secret has {} bytes; use at least {} random bytes",
                    secret.len(),
                    confirm::MIN_SECRET_LEN
                ),
            ));
        }
        let confirmer = if self.tools.iter().any(|t| t.confirm) {
            let replay = self
                .replay_store
                .unwrap_or_else(|| Arc::new(MemoryReplayStore::new()));
            Some(
                Confirmer::new(
                    self.confirmation_secret.as_deref(),
                    self.confirmation_lifetime,
                    replay,
                )
                .map_err(|m| BuildError::new(BuildErrorKind::InvalidConfiguration, m))?,
            )
        } else {
            None
        };
        let mut tools = Vec::with_capacity(self.tools.len());
        let mut by_name = HashMap::with_capacity(self.tools.len());
        for tool in self.tools {
            let registered = register(tool, &self.state, &self.info.name)?;
            if by_name
                .insert(registered.tool.name.clone(), tools.len())
                .is_some()
            {
                return Err(BuildError::new(
                    BuildErrorKind::DuplicateName,
                    format!(
                        "two tools are named {:?}; tool names must be unique",
                        registered.tool.name
                    ),
                ));
            }
            tools.push(registered);
        }
        let everyone: Vec<usize> = (0..tools.len()).collect();
        let pages = ListingVariant::ALL.map(|variant| {
            everyone
                .chunks(self.page_size)
                .enumerate()
                .map(|(n, chunk)| {
                    let next = (n + 1) * self.page_size;
                    list_page(&tools, chunk, variant, (next < tools.len()).then_some(next))
                })
                .collect::<Vec<_>>()
        });
        Ok(Server {
            inner: Arc::new(Inner {
                info: self.info,
                instructions: self.instructions,
                tools,
                by_name,
                state: Arc::new(self.state),
                page_size: self.page_size,
                default_timeout: self.default_timeout,
                listing: self.listing,
                pii_read_scope: self.pii_read_scope,
                authentication_required: self.authentication_required,
                pages,
                in_flight: Mutex::default(),
                confirmer,
                audit_sink: self.audit_sink,
                rate_limiter: self.rate_limiter,
            }),
        })
    }
}

fn register(mut tool: Tool, state: &StateMap, server: &str) -> Result<RegisteredTool, BuildError> {
    let name = tool.name.clone();
    validate_tool_name(&name).map_err(|m| BuildError::new(BuildErrorKind::InvalidName, m))?;
    if tool.description.trim().is_empty() {
        return Err(BuildError::new(
            BuildErrorKind::MissingDescription,
            format!("tool {name:?} has no description; models choose tools by their descriptions"),
        ));
    }
    let Some(effect) = tool.effect else {
        return Err(BuildError::new(
            BuildErrorKind::MissingEffect,
            format!(
                "tool {name:?} declares no effect; call read_only(), additive() or destructive()"
            ),
        ));
    };
    if tool.confirm && effect == Effect::ReadOnly {
        return Err(BuildError::new(
            BuildErrorKind::ConfirmWithoutWrite,
            format!("tool {name:?} is read-only, so there is nothing to confirm; drop confirm()"),
        ));
    }
    if let Some((_, missing)) = tool
        .required_state
        .iter()
        .find(|(id, _)| !state.contains(*id))
    {
        return Err(BuildError::new(
            BuildErrorKind::MissingState,
            format!(
                "tool {name:?} needs shared state of type {missing}; register it with ServerBuilder::state"
            ),
        ));
    }
    let invalid_schema = |detail: String| {
        BuildError::new(
            BuildErrorKind::InvalidSchema,
            format!("tool {name:?}: {detail}"),
        )
    };
    let mut input = if tool.input_verbatim {
        let input = std::mem::take(&mut tool.input_schema);
        if input.get("type").and_then(Value::as_str) != Some("object") {
            return Err(invalid_schema(format!(
                "tool arguments are a JSON object, so its input schema needs \"type\": \"object\"; it is {input}"
            )));
        }
        input
    } else {
        schema::publish_input(std::mem::take(&mut tool.input_schema), tool.strictness)
            .map_err(|p| invalid_schema(p.0))?
    };
    if tool.confirm {
        add_confirmation_argument(&mut input).map_err(invalid_schema)?;
    }
    let contract = ArgumentContract::compile(&name, &input).map_err(invalid_schema)?;
    // Content tools publish no output schema: their results are blocks, not data.
    let output = tool.data_schema.take().map(|data| {
        let mut data = schema::publish_output(data);
        if tool.confirm {
            data = confirm::union_with_dry_run(data);
        }
        schema::envelope_schema(data)
    });
    let confirm_tag = confirm::tool_tag(server, &name);
    let mut listed = serde_json::Map::new();
    listed.insert("name".into(), name.as_ref().into());
    if let Some(title) = &tool.annotations.title {
        listed.insert("title".into(), title.clone().into());
    }
    listed.insert("description".into(), tool.description.clone().into());
    listed.insert("inputSchema".into(), input.clone());
    listed.insert("annotations".into(), json!(tool.annotations));
    let plain = Value::Object(listed.clone()).to_string();
    if let Some(output) = &output {
        listed.insert("outputSchema".into(), output.clone());
    }
    let structured = Value::Object(listed).to_string();
    Ok(RegisteredTool {
        tool,
        contract,
        input_schema: input,
        output_schema: output.unwrap_or(Value::Null),
        listing: [plain, structured],
        confirm_tag,
    })
}

fn add_confirmation_argument(input: &mut Value) -> Result<(), String> {
    let properties = input
        .as_object_mut()
        .map(|o| o.entry("properties").or_insert_with(|| json!({})))
        .and_then(Value::as_object_mut)
        .ok_or("its input schema is not an object")?;
    if properties.contains_key(CONFIRMATION_TOKEN_ARGUMENT) {
        return Err(format!(
            "its arguments already have a field named {CONFIRMATION_TOKEN_ARGUMENT}, which confirm tools reserve"
        ));
    }
    properties.insert(
        CONFIRMATION_TOKEN_ARGUMENT.into(),
        json!({
            "type": "string",
            "minLength": 1,
            "description": "Leave out to get a dry run: a preview of what would change and a ConfirmationToken. \
                            To execute, call again with the same arguments plus this token. A token works once, \
                            for this caller, this tool and these exact arguments, until it expires."
        }),
    );
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListingVariant {
    /// 2025-03-26: no `outputSchema`.
    Plain,
    /// 2025-06-18 and 2025-11-25.
    Structured,
    /// 2026-07-28: structured plus `resultType`.
    Stateless,
}

impl ListingVariant {
    const ALL: [Self; 3] = [Self::Plain, Self::Structured, Self::Stateless];

    fn of(version: ProtocolVersion) -> Self {
        if version.is_stateless() {
            Self::Stateless
        } else if version.has_structured_output() {
            Self::Structured
        } else {
            Self::Plain
        }
    }
}

fn list_page(
    tools: &[RegisteredTool],
    indices: &[usize],
    variant: ListingVariant,
    next: Option<usize>,
) -> Box<RawValue> {
    let mut out = String::from(r#"{"tools":["#);
    for (n, &i) in indices.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push_str(&tools[i].listing[usize::from(variant != ListingVariant::Plain)]);
    }
    out.push(']');
    if let Some(next) = next {
        out.push_str(r#","nextCursor":"#);
        out.push_str(&Value::from(encode_cursor(next)).to_string());
    }
    if variant == ListingVariant::Stateless {
        out.push_str(r#","resultType":"complete""#);
    }
    out.push('}');
    raw(out)
}

fn encode_cursor(offset: usize) -> String {
    format!("tools-{offset:x}")
}

fn decode_cursor(cursor: &str, page_size: usize, len: usize) -> Option<usize> {
    let offset = usize::from_str_radix(cursor.strip_prefix("tools-")?, 16).ok()?;
    (offset % page_size == 0 && offset < len).then_some(offset)
}

fn raw(json: String) -> Box<RawValue> {
    RawValue::from_string(json).unwrap_or_else(|_| {
        // Unreachable: every caller assembles valid JSON; degrade to an empty object.
        RawValue::from_string("{}".to_owned()).unwrap_or_else(|_| unreachable!())
    })
}

pub(crate) struct RegisteredTool {
    pub(crate) tool: Tool,
    contract: ArgumentContract,
    input_schema: Value,
    output_schema: Value,
    listing: [String; 2],
    /// Binds confirmation tokens to this tool of this server.
    confirm_tag: Tag,
}

/// A built MCP server: the tools, their contracts and the dispatcher.
///
/// Cheap to clone (an `Arc` inside). Transports hand it parsed messages with a
/// [`RequestContext`]; [`crate::Client`] does the same in-process for tests.
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
    inner: Arc<Inner>,
}

struct Inner {
    info: ServerInfo,
    instructions: Option<String>,
    tools: Vec<RegisteredTool>,
    by_name: HashMap<std::borrow::Cow<'static, str>, usize>,
    state: Arc<StateMap>,
    page_size: usize,
    default_timeout: Duration,
    listing: ToolListing,
    pii_read_scope: Option<String>,
    authentication_required: bool,
    pages: [Vec<Box<RawValue>>; 3],
    in_flight: Mutex<HashMap<(Arc<str>, RequestId), Cancellation>>,
    /// Present when some tool is declared `confirm()`.
    confirmer: Option<Confirmer>,
    audit_sink: Option<Arc<dyn AuditSink>>,
    rate_limiter: Option<Arc<dyn RateLimiter>>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("info", &self.inner.info)
            .field("tools", &self.inner.tools.len())
            .finish_non_exhaustive()
    }
}

/// A read-only view of a registered tool, for transports and tests.
#[derive(Clone, Copy)]
pub struct ToolInfo<'a> {
    registered: &'a RegisteredTool,
}

impl fmt::Debug for ToolInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.registered.tool.fmt(f)
    }
}

impl<'a> ToolInfo<'a> {
    /// The tool's definition.
    pub fn tool(&self) -> &'a Tool {
        &self.registered.tool
    }

    /// The published (and enforced) input schema.
    pub fn input_schema(&self) -> &'a Value {
        &self.registered.input_schema
    }

    /// The published output schema (the envelope); `null` for tools that
    /// return content blocks, which publish none.
    pub fn output_schema(&self) -> &'a Value {
        &self.registered.output_schema
    }
}

impl Server {
    /// Starts configuring a server with its name and version.
    pub fn builder(name: impl Into<String>, version: impl Into<String>) -> ServerBuilder {
        ServerBuilder {
            info: ServerInfo {
                name: name.into(),
                version: version.into(),
                title: None,
            },
            instructions: None,
            tools: Vec::new(),
            state: StateMap::default(),
            page_size: DEFAULT_LIST_PAGE_SIZE,
            default_timeout: DEFAULT_TOOL_TIMEOUT,
            listing: ToolListing::All,
            pii_read_scope: None,
            authentication_required: false,
            confirmation_secret: None,
            confirmation_lifetime: DEFAULT_CONFIRMATION_LIFETIME,
            replay_store: None,
            audit_sink: None,
            rate_limiter: None,
        }
    }

    /// The caller's general rate budget, for `X-Rate-Limit-Limit`,
    /// `X-Rate-Limit-Remaining` and `X-Rate-Limit-Reset` headers. `None` when
    /// the server has no rate limiter. Takes nothing from the budget; call it
    /// after [`handle`](Self::handle) to report the state the call left.
    pub fn rate_status(&self, cx: &RequestContext) -> Option<RateStatus> {
        self.inner.rate_limiter.as_ref()?.status(cx.caller.as_ref())
    }

    /// The rate limiter set with [`ServerBuilder::rate_limiter`]: the one
    /// rate policy of the server. The dispatcher counts tool calls with it;
    /// transports count other requests ([`RateClass::Request`]) and report
    /// its state.
    pub fn rate_limiter(&self) -> Option<&dyn RateLimiter> {
        self.inner.rate_limiter.as_deref()
    }

    /// The server's name, version and title.
    pub fn info(&self) -> &ServerInfo {
        &self.inner.info
    }

    /// Looks up a registered tool.
    pub fn tool(&self, name: &str) -> Option<ToolInfo<'_>> {
        self.inner.by_name.get(name).map(|&i| ToolInfo {
            registered: &self.inner.tools[i],
        })
    }

    /// Every registered tool, in registration order.
    pub fn tools(&self) -> impl Iterator<Item = ToolInfo<'_>> {
        self.inner
            .tools
            .iter()
            .map(|registered| ToolInfo { registered })
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
            method::PING if !version.is_stateless() => Ok(raw("{}".into())),
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
        Ok(raw(result.to_string()))
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
        raw(result.to_string())
    }

    fn list_tools(
        &self,
        params: Option<&Value>,
        cx: &RequestContext,
    ) -> Result<Box<RawValue>, ErrorObject> {
        let variant = ListingVariant::of(cx.protocol_version);
        let cursor = params
            .and_then(|p| p.get("cursor"))
            .filter(|c| !c.is_null());
        let page_size = self.inner.page_size;
        let offset = match cursor {
            None => 0,
            Some(Value::String(c)) => decode_cursor(c, page_size, self.inner.tools.len())
                .ok_or_else(|| {
                    ErrorObject::invalid_params(
                        "unknown cursor; pass a nextCursor from a previous tools/list",
                    )
                })?,
            Some(_) => return Err(ErrorObject::invalid_params("\"cursor\" must be a string")),
        };
        if self.inner.listing == ToolListing::All {
            let pages = &self.inner.pages[variant as usize];
            return Ok(pages
                .get(offset / page_size)
                .cloned()
                .unwrap_or_else(|| list_page(&self.inner.tools, &[], variant, None)));
        }
        let permitted: Vec<usize> = (0..self.inner.tools.len())
            .filter(|&i| self.permission(&self.inner.tools[i].tool, cx).is_ok())
            .collect();
        let chunk = permitted
            .iter()
            .copied()
            .skip(offset)
            .take(page_size)
            .collect::<Vec<_>>();
        let next = offset + page_size;
        Ok(list_page(
            &self.inner.tools,
            &chunk,
            variant,
            (next < permitted.len()).then_some(next),
        ))
    }

    async fn call_tool(
        &self,
        id: RequestId,
        params: Option<Value>,
        cx: RequestContext,
    ) -> Option<Response> {
        let Some(Value::Object(mut params)) = params else {
            return Some(Response::error(
                Some(id),
                ErrorObject::invalid_params(
                    "tools/call needs params {\"name\": …, \"arguments\": {…}}",
                ),
            ));
        };
        let Some(Value::String(name)) = params.remove("name") else {
            return Some(Response::error(
                Some(id),
                ErrorObject::invalid_params(
                    "tools/call needs \"name\", a string naming a tool from tools/list",
                ),
            ));
        };
        let Some(&index) = self.inner.by_name.get(name.as_str()) else {
            return Some(Response::error(
                Some(id),
                ErrorObject::invalid_params(format!(
                    "unknown tool {name:?}; call tools/list for the available tools"
                )),
            ));
        };
        let mut args = match arguments_object(params.remove("arguments")) {
            Ok(args) => args,
            Err(detail) => {
                return Some(Response::error(
                    Some(id),
                    ErrorObject::invalid_params(detail),
                ));
            }
        };
        let progress_token = params
            .get("_meta")
            .and_then(|m| m.get("progressToken"))
            .filter(|t| t.is_string() || t.is_number())
            .cloned();
        let registered = &self.inner.tools[index];
        let version = cx.protocol_version;
        let outcome = self
            .run(registered, &mut args, id.clone(), progress_token, cx)
            .await?;
        Some(Response::result(id, call_result(version, outcome)))
    }

    /// Runs one call through the policy pipeline. `None` means the client cancelled it.
    ///
    /// Permission → rate budget → argument contract → confirmation token →
    /// handler (panic guard, timeout, cancellation) → dry-run settlement. Calls
    /// of destructive and confirm tools are audited whichever way they end.
    async fn run(
        &self,
        registered: &RegisteredTool,
        args: &mut Value,
        id: RequestId,
        progress_token: Option<Value>,
        cx: RequestContext,
    ) -> Option<Result<Output, ToolError>> {
        let tool = &registered.tool;
        let token = if tool.confirm {
            args.as_object_mut()
                .and_then(|a| a.remove(CONFIRMATION_TOKEN_ARGUMENT))
        } else {
            None
        };
        let mut audit = match &self.inner.audit_sink {
            Some(sink) if tool.confirm || tool.effect == Some(Effect::Destructive) => {
                Some(AuditGuard::new(
                    sink.clone(),
                    cx.caller.clone(),
                    Arc::from(&*tool.name),
                    id.clone(),
                    canonical::digest(args),
                ))
            }
            _ => None,
        };
        let mut dry_run = false;
        let outcome = self
            .pipeline(
                registered,
                args,
                token,
                id,
                progress_token,
                cx,
                &mut audit,
                &mut dry_run,
            )
            .await;
        if let (Some(guard), Some(outcome)) = (&mut audit, &outcome) {
            guard.finish(outcome.as_ref().map(|_| ()), dry_run);
        }
        // Dropping the guard writes the record (also when this future is dropped).
        drop(audit);
        outcome
    }

    #[allow(clippy::too_many_arguments)]
    async fn pipeline(
        &self,
        registered: &RegisteredTool,
        args: &mut Value,
        token: Option<Value>,
        id: RequestId,
        progress_token: Option<Value>,
        cx: RequestContext,
        audit: &mut Option<AuditGuard>,
        dry_run: &mut bool,
    ) -> Option<Result<Output, ToolError>> {
        let tool = &registered.tool;
        if let Err(refusal) = self.permission(tool, &cx) {
            return Some(Err(refusal));
        }
        let token = match token {
            None | Some(Value::Null) => None,
            Some(Value::String(token)) if !token.trim().is_empty() => Some(token),
            Some(_) => {
                return Some(Err(ToolError::invalid_arguments(format!(
                    "Tool '{}': {CONFIRMATION_TOKEN_ARGUMENT} must be the ConfirmationToken string a dry run \
                     returned; leave it out to get a dry run and a token",
                    tool.name
                ))));
            }
        };
        if let Some(limiter) = &self.inner.rate_limiter {
            let acts = !tool.confirm || token.is_some();
            let class = if acts && tool.effect == Some(Effect::Destructive) {
                RateClass::Destructive
            } else {
                RateClass::Call
            };
            if let Err(exceeded) = limiter.acquire(cx.caller.as_ref(), class) {
                return Some(Err(exceeded.to_tool_error()));
            }
        }
        if let Err(invalid) = registered.contract.check(args) {
            return Some(Err(invalid));
        }
        let pii_clear = match &self.inner.pii_read_scope {
            None => true,
            Some(scope) => cx.caller.as_ref().is_some_and(|c| c.has_scope(scope)),
        };
        let mut confirmation = None;
        if tool.confirm || audit.is_some() {
            let digest = canonical::digest(args);
            if let Some(guard) = audit {
                guard.set_digest(digest);
            }
            if tool.confirm {
                let Some(confirmer) = &self.inner.confirmer else {
                    return Some(Err(ToolError::internal(
                        "the server has no confirmation authority; this is a server bug",
                    )));
                };
                let tags = SubjectTags {
                    tool: registered.confirm_tag,
                    caller: confirm::caller_tag(cx.caller.as_ref()),
                    arguments: confirm::arguments_tag(&digest),
                };
                let stage = match token {
                    None => Stage::DryRun,
                    Some(token) => {
                        match verify(confirmer, &token, &tags.subject(&tool.name)).await {
                            Ok(claims) => Stage::Confirmed(claims),
                            Err(refusal) => return Some(Err(refusal)),
                        }
                    }
                };
                *dry_run = matches!(stage, Stage::DryRun);
                let handle = Confirmation::new(stage, pii_clear, confirmer.replay.clone());
                confirmation = Some((handle, tags, confirmer));
            }
        }
        let cancellation = cx.cancellation.clone();
        let key = (cx.channel_key(), id.clone());
        let tool_cx = ToolContext {
            inner: Arc::new(CallInner {
                tool: Arc::from(&*tool.name),
                request: cx,
                request_id: id,
                progress_token,
                pii_clear,
                state: self.inner.state.clone(),
                extensions: Mutex::default(),
            }),
        };
        if let Some((handle, _, _)) = &confirmation {
            tool_cx.insert_extension(handle.clone());
        }
        let started = std::panic::catch_unwind(AssertUnwindSafe(|| {
            tool.handler.call(std::mem::take(args), tool_cx)
        }));
        let future = match started {
            Ok(Ok(future)) => future,
            Ok(Err(error)) => return Some(Err(error)),
            Err(panic) => return Some(Err(panicked(&tool.name, &*panic))),
        };
        let _in_flight = InFlight::register(&self.inner.in_flight, key, cancellation.clone());
        let limit = tool.timeout.unwrap_or(self.inner.default_timeout);
        let guarded = AssertUnwindSafe(future).catch_unwind();
        let finished = tokio::select! {
            biased;
            () = cancellation.cancelled() => None,
            finished = tokio::time::timeout(limit, guarded) => Some(match finished {
                Ok(Ok(result)) => result,
                Ok(Err(panic)) => Err(panicked(&tool.name, &*panic)),
                Err(_) => Err(ToolError::new(
                    ErrorCode::TIMEOUT,
                    format!(
                        "Tool '{}' did not finish within {} s and was stopped; it may have partly run, \
                         so verify with a read before retrying",
                        tool.name,
                        limit.as_secs_f64()
                    ),
                )),
            }),
        };
        match (finished, confirmation) {
            (Some(result), Some((handle, tags, confirmer))) => {
                Some(settle(confirmer, &handle, &tags.subject(&tool.name), result).await)
            }
            (finished, _) => finished,
        }
    }
}

/// The tags a confirmation token of one call is bound to.
struct SubjectTags {
    tool: Tag,
    caller: Tag,
    arguments: Tag,
}

impl SubjectTags {
    fn subject<'a>(&self, tool: &'a str) -> Subject<'a> {
        Subject {
            tool,
            tool_tag: self.tool,
            caller_tag: self.caller,
            arguments_tag: self.arguments,
        }
    }
}

/// Verifies a token and checks it was not used yet.
async fn verify(
    confirmer: &Confirmer,
    token: &str,
    subject: &Subject<'_>,
) -> Result<confirm::Claims, ToolError> {
    let claims = confirmer.verify(token, subject, SystemTime::now())?;
    confirmer.check_unused(&claims).await?;
    Ok(claims)
}

/// Turns the end of a confirm tool's call into its outcome: a dry run's preview
/// becomes the dry-run result with a fresh token; an execution that never
/// called `preview` still uses up its token.
async fn settle(
    confirmer: &Confirmer,
    handle: &Confirmation,
    subject: &Subject<'_>,
    result: Result<Output, ToolError>,
) -> Result<Output, ToolError> {
    let tool = subject.tool;
    let preview = handle.take_preview();
    if handle.is_dry_run() {
        return match (result, preview) {
            (Err(_), Some(preview)) => {
                let issued = confirmer.issue(subject, SystemTime::now())?;
                confirm::dry_run_data(tool, &preview, &issued).map(Output::Data)
            }
            (Err(error), None) => Err(error),
            (Ok(_), preview) => {
                let what = if preview.is_some() {
                    "went on after Confirmation::preview"
                } else {
                    "never called Confirmation::preview"
                };
                tracing::error!(tool, "a confirm tool {what} in a dry run");
                Err(ToolError::internal(format!(
                    "Tool '{tool}' is declared confirm() but {what} in a dry run, so its result was withheld. \
                     It may have made changes: verify with a read tool before retrying. This is a server bug; \
                     report it to the server's maintainers"
                )))
            }
        };
    }
    if result.is_ok() {
        match handle.consume_if_unused().await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                tool,
                "a confirmation token was used twice by a tool that never called Confirmation::preview"
            ),
            Err(error) => tracing::warn!(tool, %error, "could not mark a confirmation token used"),
        }
    }
    result
}

impl Server {
    /// Whether the caller may call the tool: authenticated when the server
    /// requires it, and holding every scope the tool declares.
    fn permission(&self, tool: &Tool, cx: &RequestContext) -> Result<(), ToolError> {
        if !tool.requires_auth {
            return Ok(());
        }
        let caller = match &cx.caller {
            Some(caller) => Some(caller),
            None if self.inner.authentication_required => {
                return Err(ToolError::unauthorized(format!(
                    "Tool '{}' needs an authenticated caller; send credentials with the request",
                    tool.name
                )));
            }
            None => None,
        };
        let missing: Vec<&str> = tool
            .scopes()
            .filter(|s| !caller.is_some_and(|c| c.has_scope(s)))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(ToolError::forbidden(format!(
                "Tool '{}' needs the scope(s) {}, which this connection does not have; \
                 reconnect with credentials that grant them, or ask an administrator",
                tool.name,
                missing.join(", ")
            )))
        }
    }
}

fn panicked(tool: &str, panic: &(dyn std::any::Any + Send)) -> ToolError {
    let detail = panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no message".into());
    tracing::error!(tool, panic = %detail, "tool panicked");
    ToolError::internal(format!(
        "Tool '{tool}' failed unexpectedly and did not finish; the failure was logged. \
         Retry a read; verify state before retrying a write"
    ))
}

struct InFlight<'a> {
    map: &'a Mutex<HashMap<(Arc<str>, RequestId), Cancellation>>,
    key: Option<(Arc<str>, RequestId)>,
}

impl<'a> InFlight<'a> {
    fn register(
        map: &'a Mutex<HashMap<(Arc<str>, RequestId), Cancellation>>,
        key: (Arc<str>, RequestId),
        signal: Cancellation,
    ) -> Self {
        map.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key.clone(), signal);
        Self {
            map,
            key: Some(key),
        }
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.map
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&key);
        }
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
    Ok(raw("{}".into()))
}

/// Wraps a tool outcome in the `tools/call` result: data and errors in the
/// envelope (as text, and as `structuredContent` where the version has it),
/// content blocks as they are.
fn call_result(version: ProtocolVersion, outcome: Result<Output, ToolError>) -> Box<RawValue> {
    let is_error = outcome.is_err();
    let mut out = String::with_capacity(128);
    let enveloped = match outcome {
        Ok(Output::Content(blocks)) => {
            out.push_str(r#"{"content":"#);
            out.push_str(&content_json(&blocks));
            None
        }
        Ok(Output::Data(data)) => Some(Ok(data)),
        Err(error) => Some(Err(error)),
    };
    match enveloped {
        None => {}
        Some(outcome) => {
            let envelope = envelope(outcome);
            let text = Value::from(envelope.as_str()).to_string();
            out.reserve(envelope.len() * 2);
            out.push_str(r#"{"content":[{"type":"text","text":"#);
            out.push_str(&text);
            out.push_str("}]");
            if version.has_structured_output() {
                out.push_str(r#","structuredContent":"#);
                out.push_str(&envelope);
            }
        }
    }
    out.push_str(if is_error {
        r#","isError":true"#
    } else {
        r#","isError":false"#
    });
    if version.is_stateless() {
        out.push_str(r#","resultType":"complete""#);
    }
    out.push('}');
    raw(out)
}

fn content_json(blocks: &[Content]) -> String {
    serde_json::to_string(blocks).unwrap_or_else(|e| {
        // Unreachable: blocks are strings all the way down.
        tracing::error!(%e, "content blocks could not be serialised");
        "[]".to_owned()
    })
}

/// The envelope of a tool outcome: `{"Success":true,"Data":…}` or
/// `{"Success":false,"ErrorCode":…,"ErrorMessage":…}`.
pub fn envelope(outcome: Result<Box<RawValue>, ToolError>) -> String {
    match outcome {
        Ok(data) => {
            let mut out = String::with_capacity(data.get().len() + 24);
            out.push_str(r#"{"Success":true,"Data":"#);
            out.push_str(data.get());
            out.push('}');
            out
        }
        Err(error) => {
            let code = Value::from(error.code().as_str()).to_string();
            let message = Value::from(error.message()).to_string();
            let mut out = String::with_capacity(code.len() + message.len() + 48);
            out.push_str(r#"{"Success":false,"ErrorCode":"#);
            out.push_str(&code);
            out.push_str(r#","ErrorMessage":"#);
            out.push_str(&message);
            out.push('}');
            out
        }
    }
}

impl Strictness {
    /// Whether unknown arguments are refused.
    pub fn is_strict(self) -> bool {
        self == Self::Strict
    }
}
