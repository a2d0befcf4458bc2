//! Tool definitions and the builder that makes them without any macro.

use std::any::{Any, TypeId, type_name};
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::content::{Content, IntoContent};
use crate::context::{FromToolContext, ToolContext};
use crate::error::ToolError;
use crate::schema::{self, Strictness};

/// What a tool does to the world; every tool declares exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// Reads only (`readOnlyHint: true`).
    ReadOnly,
    /// Writes but destroys nothing (`readOnlyHint: false`, `destructiveHint: false`).
    Additive,
    /// May overwrite or delete, or acts irreversibly (`destructiveHint: true`).
    Destructive,
}

/// The MCP annotations of a tool, as published in `tools/list`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ToolAnnotations {
    /// A human-readable title.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The tool does not change its environment.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only_hint: Option<bool>,
    /// The tool may perform destructive updates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destructive_hint: Option<bool>,
    /// Calling again with the same arguments has no further effect.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idempotent_hint: Option<bool>,
    /// The tool reaches entities outside the server's own domain.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub open_world_hint: Option<bool>,
}

/// What a tool body produced.
pub(crate) enum Output {
    /// Serialised `Data`, for the envelope.
    Data(Box<RawValue>),
    /// Content blocks, sent as they are.
    Content(Vec<Content>),
}

pub(crate) type HandlerFuture = BoxFuture<'static, Result<Output, ToolError>>;

/// A type-erased tool body: takes validated arguments, returns its [`Output`].
pub(crate) trait ErasedHandler: Send + Sync + 'static {
    fn call(&self, args: Value, cx: ToolContext) -> Result<HandlerFuture, ToolError>;
}

/// One tool: its published definition, its policy and its body.
///
/// Made by [`Tool::builder`] or by the `#[tool]` macro; registered with
/// [`crate::ServerBuilder::tool`]. Names, descriptions and schemas are checked
/// when the server is built, so a bad definition fails at start-up with a clear
/// message rather than at the first call.
#[derive(Clone)]
pub struct Tool {
    pub(crate) name: Cow<'static, str>,
    pub(crate) description: String,
    pub(crate) annotations: ToolAnnotations,
    pub(crate) effect: Option<Effect>,
    pub(crate) scopes: Vec<Cow<'static, str>>,
    pub(crate) confirm: bool,
    pub(crate) requires_auth: bool,
    pub(crate) strictness: Strictness,
    pub(crate) timeout: Option<Duration>,
    pub(crate) task: TaskSupport,
    pub(crate) input_schema: Value,
    /// Published exactly as given, not reshaped (see [`ToolBuilder::input_schema`]).
    pub(crate) input_verbatim: bool,
    /// The schema of `Data`; `None` for tools that return content blocks.
    pub(crate) data_schema: Option<Value>,
    pub(crate) handler: Arc<dyn ErasedHandler>,
    pub(crate) required_state: Vec<(TypeId, &'static str)>,
    /// Arguments mirrored into `Mcp-Param-{Name}` headers: (argument, header name).
    pub(crate) header_params: Vec<(Cow<'static, str>, Cow<'static, str>)>,
    /// A mistake in how the tool was put together, reported when the server is built.
    pub(crate) defect: Option<String>,
}

impl fmt::Debug for Tool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tool")
            .field("name", &self.name)
            .field("annotations", &self.annotations)
            .field("scopes", &self.scopes)
            .field("confirm", &self.confirm)
            .field("requires_auth", &self.requires_auth)
            .finish_non_exhaustive()
    }
}

impl Tool {
    /// Starts defining a tool called `name`.
    ///
    /// ```
    /// use mcp_tools::{Tool, ToolContext, ToolResult};
    /// use schemars::JsonSchema;
    /// use serde::{Deserialize, Serialize};
    ///
    /// #[derive(Deserialize, JsonSchema)]
    /// struct EchoArgs {
    ///     /// The text to send back.
    ///     text: String,
    /// }
    ///
    /// #[derive(Serialize, JsonSchema)]
    /// struct Echoed {
    ///     text: String,
    /// }
    ///
    /// let echo = Tool::builder("echo")
    ///     .description("Sends the text back unchanged.")
    ///     .read_only()
    ///     .handler(|args: EchoArgs, _cx: ToolContext| async move {
    ///         ToolResult::Ok(Echoed { text: args.text })
    ///     });
    /// assert_eq!(echo.name(), "echo");
    /// ```
    pub fn builder(name: impl Into<Cow<'static, str>>) -> ToolBuilder {
        ToolBuilder {
            name: name.into(),
            description: String::new(),
            annotations: ToolAnnotations::default(),
            effect: None,
            scopes: Vec::new(),
            confirm: false,
            requires_auth: true,
            strictness: Strictness::Strict,
            timeout: None,
            task: TaskSupport::Never,
            required_state: Vec::new(),
            input_schema: None,
            argument_check: None,
            header_params: Vec::new(),
        }
    }

    /// The tool's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The tool's description.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// The published annotations.
    pub fn annotations(&self) -> &ToolAnnotations {
        &self.annotations
    }

    /// The declared effect.
    pub fn effect(&self) -> Option<Effect> {
        self.effect
    }

    /// The scopes a caller needs.
    pub fn scopes(&self) -> impl Iterator<Item = &str> {
        self.scopes.iter().map(|s| &**s)
    }

    /// Whether a write runs only with a confirmation token.
    pub fn needs_confirmation(&self) -> bool {
        self.confirm
    }

    /// Whether the tool needs an authenticated caller.
    pub fn requires_auth(&self) -> bool {
        self.requires_auth
    }

    /// Whether the tool returns content blocks rather than data in the
    /// envelope (it was finished with [`ToolBuilder::handler_content`]).
    pub fn returns_content(&self) -> bool {
        self.data_schema.is_none()
    }

    /// The same tool, also needing `scopes`: for a requirement every tool of
    /// a server shares (one scope to use the tools at all), added where the
    /// tools are registered instead of on each definition. Scopes it already
    /// declares are not repeated.
    ///
    /// ```
    /// use mcp_tools::{NoArguments, Tool, ToolContext, ToolResult};
    ///
    /// let tool = Tool::builder("list_notes")
    ///     .description("Lists the notes.")
    ///     .read_only()
    ///     .scopes(["notes:read"])
    ///     .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("none") })
    ///     .require_scopes(["mcp:tools", "notes:read"]);
    /// assert_eq!(tool.scopes().collect::<Vec<_>>(), ["notes:read", "mcp:tools"]);
    /// ```
    #[must_use]
    pub fn require_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Cow<'static, str>>,
    {
        for scope in scopes {
            let scope = scope.into();
            if !self.scopes.contains(&scope) {
                self.scopes.push(scope);
            }
        }
        self
    }
}

/// Builds a [`Tool`]; finish with [`ToolBuilder::handler`] (data in the
/// envelope) or [`ToolBuilder::handler_content`] (content blocks).
#[derive(Clone)]
#[must_use = "a tool builder does nothing until `.handler(..)` makes a Tool"]
pub struct ToolBuilder {
    name: Cow<'static, str>,
    description: String,
    annotations: ToolAnnotations,
    effect: Option<Effect>,
    scopes: Vec<Cow<'static, str>>,
    confirm: bool,
    requires_auth: bool,
    strictness: Strictness,
    timeout: Option<Duration>,
    task: TaskSupport,
    required_state: Vec<(TypeId, &'static str)>,
    input_schema: Option<Value>,
    argument_check: Option<ArgumentRule>,
    header_params: Vec<(Cow<'static, str>, Cow<'static, str>)>,
}

impl fmt::Debug for ToolBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ToolBuilder")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl ToolBuilder {
    /// The description the model reads to decide when and how to call the tool.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = description.into();
        self
    }

    /// A human-readable title (published as `title` and `annotations.title`).
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.annotations.title = Some(title.into());
        self
    }

    fn effect(mut self, effect: Effect) -> Self {
        self.effect = Some(effect);
        self.annotations.read_only_hint = Some(effect == Effect::ReadOnly);
        self.annotations.destructive_hint = match effect {
            Effect::ReadOnly => None,
            Effect::Additive => Some(false),
            Effect::Destructive => Some(true),
        };
        self
    }

    /// The tool only reads.
    pub fn read_only(self) -> Self {
        self.effect(Effect::ReadOnly)
    }

    /// The tool writes but destroys nothing.
    pub fn additive(self) -> Self {
        self.effect(Effect::Additive)
    }

    /// The tool may overwrite, delete or act irreversibly.
    pub fn destructive(self) -> Self {
        self.effect(Effect::Destructive)
    }

    /// Calling again with the same arguments has no further effect.
    pub fn idempotent(mut self) -> Self {
        self.annotations.idempotent_hint = Some(true);
        self
    }

    /// Whether the tool reaches the open world (the web, other systems)
    /// or only the server's own closed domain.
    pub fn open_world(mut self, open: bool) -> Self {
        self.annotations.open_world_hint = Some(open);
        self
    }

    /// Adds scopes the caller must hold.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Cow<'static, str>>,
    {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// A write that runs only when called again with the confirmation token its
    /// dry run handed out.
    pub fn confirm(mut self) -> Self {
        self.confirm = true;
        self
    }

    /// The tool can be called without credentials (a liveness `ping`, say).
    pub fn no_auth(mut self) -> Self {
        self.requires_auth = false;
        self
    }

    /// Unknown arguments are ignored instead of refused.
    pub fn lenient(mut self) -> Self {
        self.strictness = Strictness::Lenient;
        self
    }

    /// Overrides the server's default time limit for this tool.
    pub fn timeout(mut self, limit: Duration) -> Self {
        self.timeout = Some(limit);
        self
    }

    /// Whether the tool may run as a task (tasks extension): the server hands
    /// the client a task to poll instead of keeping the request open. The
    /// tool's time limit still applies; raise it with [`timeout`](Self::timeout)
    /// for long work.
    pub fn task(mut self, support: TaskSupport) -> Self {
        self.task = support;
        self
    }

    /// Records that the tool uses an extractor, so that the server can check at
    /// build time that the state it needs is registered.
    pub fn uses<E: FromToolContext>(mut self) -> Self {
        if let Some(state) = E::required_state() {
            self.required_state.push(state);
        }
        self
    }

    /// Publishes `schema` as the tool's `inputSchema` exactly as written,
    /// instead of the schema derived from the argument type.
    ///
    /// For schemas the derived form cannot express: `$defs` and `$ref`, a
    /// declared `$schema` dialect, a schema ported verbatim from another
    /// server. It must be a JSON Schema 2020-12 object schema
    /// (`"type": "object"`). It is not reshaped (no `additionalProperties`
    /// or `minLength` is added), but it is enforced as published, before the
    /// arguments are deserialised into the handler's argument type, which
    /// must agree with it.
    ///
    /// ```
    /// use mcp_tools::{NoArguments, Server, Tool, ToolContext, ToolResult};
    /// use serde_json::json;
    ///
    /// let tool = Tool::builder("locate")
    ///     .description("Finds an address.")
    ///     .read_only()
    ///     .input_schema(json!({
    ///         "$schema": "https://json-schema.org/draft/2020-12/schema",
    ///         "type": "object",
    ///         "$defs": {"address": {"type": "object", "properties": {"city": {"type": "string"}}}},
    ///         "properties": {"address": {"$ref": "#/$defs/address"}},
    ///         "additionalProperties": false
    ///     }))
    ///     .handler(|_: serde_json::Value, _: ToolContext| async { ToolResult::Ok(()) });
    /// let server = Server::builder("demo", "1.0.0").tool(tool).build().unwrap();
    /// let published = server.tool("locate").unwrap().input_schema();
    /// assert_eq!(published["$defs"]["address"]["properties"]["city"]["type"], "string");
    /// ```
    pub fn input_schema(mut self, schema: Value) -> Self {
        self.input_schema = Some(schema);
        self
    }

    /// Mirrors a top-level argument into the HTTP header `Mcp-Param-{header}`
    /// (2026-07-28, SEP-2243), so gateways can route on it without reading
    /// the body. The published schema marks the argument with
    /// `"x-mcp-header": header`, and a 2026-07-28 call whose header does not
    /// say what its body says is refused (HTTP 400, -32020). Only string,
    /// integer and boolean arguments can be mirrored; a mirrored integer is
    /// bounded to ±(2^53 − 1). Mistakes (an unknown argument, a header name
    /// that is not an HTTP token, two arguments on one header) fail
    /// [`ServerBuilder::build`](crate::ServerBuilder::build).
    ///
    /// ```
    /// use mcp_tools::{Server, Tool, ToolContext, ToolResult};
    /// use schemars::JsonSchema;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize, JsonSchema)]
    /// struct Query {
    ///     /// Where the query runs.
    ///     region: String,
    ///     /// The SQL to run.
    ///     sql: String,
    /// }
    ///
    /// let tool = Tool::builder("run_query")
    ///     .description("Runs a read-only query in one region.")
    ///     .read_only()
    ///     .header_param("region", "Region")
    ///     .handler(|q: Query, _: ToolContext| async move { ToolResult::Ok(q.sql.len()) });
    /// let server = Server::builder("demo", "1.0.0").tool(tool).build().unwrap();
    /// let schema = server.tool("run_query").unwrap().input_schema();
    /// assert_eq!(schema["properties"]["region"]["x-mcp-header"], "Region");
    /// ```
    pub fn header_param(
        mut self,
        argument: impl Into<Cow<'static, str>>,
        header: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.header_params.push((argument.into(), header.into()));
        self
    }

    /// Adds a cross-field rule for the arguments, checked once the schema has
    /// passed; a rule's `Err` becomes an `InvalidArguments` result naming it.
    /// Pass [`Validate::validate`](crate::Validate::validate) of the argument
    /// type, or any function of the same shape. The rule must take the
    /// argument type of the [`handler`](Self::handler) that follows; a rule for
    /// another type is a [`BuildError`](crate::BuildError) when the server is built.
    ///
    /// ```
    /// use mcp_tools::{Server, Tool, ToolContext, ToolResult, Validate};
    /// use schemars::JsonSchema;
    /// use serde::Deserialize;
    ///
    /// #[derive(Deserialize, JsonSchema)]
    /// struct Window { from: u32, to: u32 }
    ///
    /// impl Validate for Window {
    ///     fn validate(&self) -> Result<(), String> {
    ///         if self.from > self.to { Err("from must not be after to".into()) } else { Ok(()) }
    ///     }
    /// }
    ///
    /// let tool = Tool::builder("span").description("The length of a window.").read_only()
    ///     .validate(Window::validate)
    ///     .handler(|w: Window, _: ToolContext| async move { ToolResult::Ok(w.to - w.from) });
    /// assert!(Server::builder("demo", "1.0.0").tool(tool).build().is_ok());
    /// ```
    pub fn validate<A: 'static>(mut self, rule: fn(&A) -> Result<(), String>) -> Self {
        self.argument_check = Some(ArgumentRule::of(rule));
        self
    }

    /// Finishes the tool with its body.
    ///
    /// The argument type's schema becomes the published `inputSchema` (and the
    /// contract arguments are checked against); the result type's schema becomes
    /// `Data` in the `outputSchema` (in the plain
    /// [`ResultStyle`](crate::ResultStyle), the `outputSchema` itself).
    pub fn handler<A, O, F>(self, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        O: Serialize + JsonSchema + 'static,
        F: ToolFn<A, O>,
    {
        let data = schema::raw_output_schema::<O>();
        self.finish(Some(data), body, data_output::<O>)
    }

    /// Finishes a tool whose result is MCP content blocks (text, images,
    /// audio, embedded resources, resource links) rather than data: the body
    /// returns [`Content`], `Vec<Content>` or `[Content; N]`.
    ///
    /// The tool publishes no `outputSchema`; a successful call answers with
    /// the blocks as `content` and no `structuredContent`; a failed call
    /// answers with the error envelope like every other tool. See
    /// [`crate::content`] for an example.
    pub fn handler_content<A, C, F>(self, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        C: IntoContent + 'static,
        F: ToolFn<A, C>,
    {
        self.finish(None, body, content_output::<C>)
    }

    fn finish<A, O, F>(self, data: Option<Value>, body: F, convert: Convert<O>) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        O: 'static,
        F: ToolFn<A, O>,
    {
        let input_verbatim = self.input_schema.is_some();
        let (validate, defect) = match self.argument_check {
            None => (None, None),
            Some(rule) => match rule.check.downcast::<ArgumentCheck<A>>() {
                Ok(check) => (Some(*check), None),
                Err(_) => (
                    None,
                    Some(format!(
                        "its validate() rule takes {} but its handler's arguments are {}",
                        rule.type_name,
                        type_name::<A>()
                    )),
                ),
            },
        };
        Tool {
            name: self.name,
            description: self.description,
            annotations: self.annotations,
            effect: self.effect,
            scopes: self.scopes,
            confirm: self.confirm,
            requires_auth: self.requires_auth,
            strictness: self.strictness,
            timeout: self.timeout,
            task: self.task,
            input_schema: self
                .input_schema
                .unwrap_or_else(schema::raw_input_schema::<A>),
            input_verbatim,
            data_schema: data,
            handler: Arc::new(TypedHandler {
                body,
                validate,
                convert,
                types: PhantomData,
            }),
            required_state: self.required_state,
            header_params: self.header_params,
            defect,
        }
    }
}

/// The body of a tool: an async function of its arguments and context that
/// returns its result or an error. Implemented for every such closure and fn.
pub trait ToolFn<A, O>: Send + Sync + 'static {
    /// The future the body returns.
    type Future: Future<Output = Result<O, Self::Error>> + Send + 'static;
    /// The body's error type.
    type Error: Into<ToolError> + 'static;
    /// Calls the body.
    fn call(&self, args: A, cx: ToolContext) -> Self::Future;
}

impl<A, O, E, F, Fut> ToolFn<A, O> for F
where
    E: Into<ToolError> + 'static,
    F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
{
    type Future = Fut;
    type Error = E;

    fn call(&self, args: A, cx: ToolContext) -> Fut {
        self(args, cx)
    }
}

/// A [`ToolBuilder::validate`] rule until the handler names its argument type.
#[derive(Clone)]
struct ArgumentRule {
    check: Arc<dyn Any + Send + Sync>,
    type_name: &'static str,
}

impl ArgumentRule {
    fn of<A: 'static>(rule: ArgumentCheck<A>) -> Self {
        Self {
            check: Arc::new(rule),
            type_name: type_name::<A>(),
        }
    }
}

fn data_output<O: Serialize>(data: O, pii_clear: bool) -> Result<Output, ToolError> {
    // Not `jsonrpc::to_raw`: the data is most often small (one growth at
    // most), and sized exactly it shifted glibc's small bins so that the
    // request's own small allocations cost more (measured: +0.5 k per call).
    crate::pii::with_mode(pii_clear, || serde_json::value::to_raw_value(&data))
        .map(Output::Data)
        .map_err(|e| ToolError::internal(format!("the tool's result could not be serialised: {e}")))
}

fn content_output<C: IntoContent>(content: C, _pii_clear: bool) -> Result<Output, ToolError> {
    Ok(Output::Content(content.into_content()))
}

/// A cross-field rule of an argument type.
type ArgumentCheck<A> = fn(&A) -> Result<(), String>;
/// Turns what a body returned into the tool's [`Output`].
type Convert<O> = fn(O, bool) -> Result<Output, ToolError>;

struct TypedHandler<A, O, F> {
    body: F,
    validate: Option<ArgumentCheck<A>>,
    convert: Convert<O>,
    types: PhantomData<fn(A) -> O>,
}

impl<A, O, F> ErasedHandler for TypedHandler<A, O, F>
where
    A: DeserializeOwned + Send + 'static,
    O: 'static,
    F: ToolFn<A, O>,
{
    fn call(&self, args: Value, cx: ToolContext) -> Result<HandlerFuture, ToolError> {
        // Read from the borrowed tree first, without tracking where the
        // reader is: the contract has already checked the arguments, so this
        // nearly always succeeds, and tracking the path (a key copied at each
        // step) is paid only when it fails. Then the owned tree is read again
        // the way it always was, so a refusal and its message are unchanged.
        let args = match <A as serde::Deserialize>::deserialize(&args) {
            Ok(read) => read,
            Err(_) => serde_path_to_error::deserialize::<_, A>(args)
                .map_err(|e| unreadable_arguments(cx.tool_name(), &e))?,
        };
        if let Some(validate) = self.validate {
            validate(&args).map_err(|message| {
                ToolError::invalid_arguments(format!(
                    "Tool '{}' arguments failed validation: {message}",
                    cx.tool_name()
                ))
            })?;
        }
        let pii_clear = cx.inner.pii_clear;
        let convert = self.convert;
        let future = self.body.call(args, cx);
        Ok(Box::pin(async move {
            let produced = future.await.map_err(Into::into)?;
            convert(produced, pii_clear)
        }))
    }
}

/// The refusal of arguments the schema let through but the argument type
/// could not read: it names the argument and says what it accepts in JSON
/// terms, never the Rust type behind it.
fn unreadable_arguments(
    tool: &str,
    error: &serde_path_to_error::Error<serde_json::Error>,
) -> ToolError {
    let path = error.path().to_string();
    let what = json_terms(&error.inner().to_string());
    let message = if path == "." {
        format!("Tool '{tool}' arguments failed validation: {what}")
    } else {
        format!("Tool '{tool}' arguments failed validation: '{path}': {what}")
    };
    ToolError::invalid_arguments(message)
}

/// A serde message with the Rust names in it (`expected u32`, `struct
/// Foo`) said in JSON terms instead.
fn json_terms(message: &str) -> String {
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .trim_end_matches('.');
    let Some((found, expected)) = message.split_once(", expected ") else {
        return message.to_owned();
    };
    let expected = match expected.trim() {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => {
            "a whole number of zero or more within the bounds in inputSchema".to_owned()
        }
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => {
            "a whole number within the bounds in inputSchema".to_owned()
        }
        "f32" | "f64" => "a number".to_owned(),
        "a boolean" | "a string" | "a sequence" | "a map" => expected
            .replace("sequence", "array")
            .replace("map", "object"),
        other if other.starts_with("struct ") || other.starts_with("a map") => {
            "an object".to_owned()
        }
        other if other.starts_with("enum ") || other.starts_with("variant ") => {
            "one of the values inputSchema lists".to_owned()
        }
        other if other.starts_with("tuple") => "an array".to_owned(),
        other if other.chars().any(|c| c == ':' || c == '<') => {
            "a value of the form inputSchema states".to_owned()
        }
        other => other.to_owned(),
    };
    format!("{found}, expected {expected}")
}

/// The argument type of a tool that takes no arguments.
///
/// Publishes `{"type":"object","additionalProperties":false}`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoArguments;

impl<'de> serde::Deserialize<'de> for NoArguments {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| NoArguments)
    }
}

impl JsonSchema for NoArguments {
    fn schema_name() -> Cow<'static, str> {
        "NoArguments".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({"type": "object", "properties": {}})
    }
}

/// Whether a tool may run as a task.
///
/// ```
/// use mcp_tools::{NoArguments, Tool, ToolContext, ToolResult};
/// use mcp_tools::task::TaskSupport;
///
/// let tool = Tool::builder("export_report")
///     .description("Builds the monthly report; takes a few minutes.")
///     .read_only()
///     .task(TaskSupport::Optional)
///     .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("done") });
/// # drop(tool);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskSupport {
    /// Never a task: every call answers in its request (the default).
    #[default]
    Never,
    /// A task when the client declared the tasks extension on its request,
    /// otherwise an ordinary call (progress on the request's stream, within the
    /// tool's timeout).
    Optional,
    /// Only as a task: a client that did not declare the extension is refused
    /// with -32021 (missing required client capability).
    Required,
}

impl TaskSupport {
    /// Parses the `#[tool(task = "…")]` spelling: `"optional"` or `"required"`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "optional" => Some(Self::Optional),
            "required" => Some(Self::Required),
            "never" => Some(Self::Never),
            _ => None,
        }
    }
}
