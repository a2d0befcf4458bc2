//! The server: configuration, the registry of checked tools, and what
//! transports may ask of it. The dispatcher lives in `dispatch`, the call
//! pipeline in `call`, listings in `listing`, result shapes in `envelope`.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::audit::{self, AuditGuard, AuditSink};
use crate::call::take_confirmation_token;
use crate::canonical;
use crate::confirm::{
    self, Confirmer, DEFAULT_CONFIRMATION_LIFETIME, MemoryReplayStore, ReplayStore, Tag,
};
use crate::context::{Caller, Cancellation, PiiWriteScope, RequestContext, StateMap};
use crate::error::ErrorCode;
use crate::jsonrpc::RequestId;
use crate::listing::{ListingVariant, list_page};
use crate::rate::{RateLimiter, RateStatus};
use crate::schema;
use crate::tool::{Effect, Tool};
use crate::validate::ArgumentContract;

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
    /// [`ToolContext::require_pii_write`](crate::ToolContext::require_pii_write) when a call would change personal
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
        name: Arc::from(&*tool.name),
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

pub(crate) struct RegisteredTool {
    pub(crate) tool: Tool,
    /// The name, shared with every call's context without allocating.
    pub(crate) name: Arc<str>,
    pub(crate) contract: ArgumentContract,
    pub(crate) input_schema: Value,
    pub(crate) output_schema: Value,
    pub(crate) listing: [String; 2],
    /// Binds confirmation tokens to this tool of this server.
    pub(crate) confirm_tag: Tag,
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
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) info: ServerInfo,
    pub(crate) instructions: Option<String>,
    pub(crate) tools: Vec<RegisteredTool>,
    pub(crate) by_name: HashMap<std::borrow::Cow<'static, str>, usize>,
    pub(crate) state: Arc<StateMap>,
    pub(crate) page_size: usize,
    pub(crate) default_timeout: Duration,
    pub(crate) listing: ToolListing,
    pub(crate) pii_read_scope: Option<String>,
    pub(crate) authentication_required: bool,
    pub(crate) pages: [Vec<Box<RawValue>>; 3],
    pub(crate) in_flight: Mutex<HashMap<(Arc<str>, RequestId), Cancellation>>,
    /// Present when some tool is declared `confirm()`.
    pub(crate) confirmer: Option<Confirmer>,
    pub(crate) audit_sink: Option<Arc<dyn AuditSink>>,
    pub(crate) rate_limiter: Option<Arc<dyn RateLimiter>>,
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
    /// transports count other requests ([`RateClass::Request`](crate::rate::RateClass::Request)) and report
    /// its state.
    pub fn rate_limiter(&self) -> Option<&dyn RateLimiter> {
        self.inner.rate_limiter.as_deref()
    }

    /// Audits a `tools/call` that a transport refused before handing it to
    /// the dispatcher: missing or invalid credentials (`Unauthorized`), an
    /// OAuth step-up for missing scopes (`Forbidden`), an exhausted rate
    /// budget (`RateLimited`).
    ///
    /// Writes one [`AuditOutcome::Refused`](crate::audit::AuditOutcome::Refused)
    /// record with `code` when the server has an audit sink and `tool` names a
    /// tool whose calls are audited (destructive or confirm), and returns
    /// whether it did; unknown tools and other tools leave no record.
    /// `arguments` are the request's `arguments`, digested as the dispatcher
    /// digests them: without `confirmationToken`, normalised by the argument
    /// contract when they satisfy it. A refused attempt and a later call with
    /// the same arguments therefore carry the same digest.
    ///
    /// ```
    /// use mcp_tools::audit::{AuditOutcome, MemoryAuditSink};
    /// use mcp_tools::jsonrpc::RequestId;
    /// use mcp_tools::{ErrorCode, NoArguments, Server, Tool, ToolContext, ToolResult};
    ///
    /// let sink = MemoryAuditSink::new();
    /// let server = Server::builder("demo", "1.0.0")
    ///     .audit_sink(sink.clone())
    ///     .tool(Tool::builder("purge").description("Purges the cache.").destructive()
    ///         .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok(()) }))
    ///     .build()
    ///     .unwrap();
    /// let id = RequestId::Number(7);
    /// let args = serde_json::json!({});
    /// assert!(server.audit_refusal("purge", Some(&args), &id, None, ErrorCode::UNAUTHORIZED));
    /// assert!(!server.audit_refusal("unknown", None, &id, None, ErrorCode::UNAUTHORIZED));
    ///
    /// let records = sink.records();
    /// assert_eq!(records.len(), 1);
    /// assert_eq!(records[0].outcome, AuditOutcome::Refused);
    /// assert_eq!(records[0].error_code.as_deref(), Some("Unauthorized"));
    /// assert_eq!(records[0].caller, None);
    /// ```
    pub fn audit_refusal(
        &self,
        tool: &str,
        arguments: Option<&Value>,
        request_id: &RequestId,
        caller: Option<&Caller>,
        code: ErrorCode,
    ) -> bool {
        let Some(sink) = &self.inner.audit_sink else {
            return false;
        };
        let Some(&index) = self.inner.by_name.get(tool) else {
            return false;
        };
        let registered = &self.inner.tools[index];
        if !audit::is_audited(&registered.tool) {
            return false;
        }
        // As in the dispatcher: a missing `arguments` is `{}`, the token is
        // not part of the digest, and arguments that pass the contract are
        // digested normalised.
        let mut args = match arguments {
            None | Some(Value::Null) => json!({}),
            Some(args) => args.clone(),
        };
        take_confirmation_token(&registered.tool, &mut args);
        let raw = canonical::digest(&args);
        let digest = match registered.contract.check(&mut args) {
            Ok(()) => canonical::digest(&args),
            Err(_) => raw,
        };
        let mut guard = AuditGuard::new(
            sink.clone(),
            caller.cloned(),
            registered.name.clone(),
            request_id.clone(),
            digest,
        );
        guard.refuse(code);
        // Dropping the guard writes the record.
        drop(guard);
        true
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
}
