//! Tool definitions and the builder that makes them without any macro.

use std::any::TypeId;
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

use crate::context::{FromToolContext, ToolContext};
use crate::error::ToolError;
use crate::schema::{self, Strictness};
use crate::validate::Validate;

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

pub(crate) type HandlerFuture = BoxFuture<'static, Result<Box<RawValue>, ToolError>>;

/// A type-erased tool body: takes validated arguments, returns serialised `Data`.
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
    pub(crate) input_schema: Value,
    pub(crate) data_schema: Value,
    pub(crate) handler: Arc<dyn ErasedHandler>,
    pub(crate) required_state: Vec<(TypeId, &'static str)>,
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
            required_state: Vec::new(),
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
}

/// Builds a [`Tool`]; finish with [`ToolBuilder::handler`].
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
    required_state: Vec<(TypeId, &'static str)>,
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

    /// Records that the tool uses an extractor, so that the server can check at
    /// build time that the state it needs is registered.
    pub fn uses<E: FromToolContext>(mut self) -> Self {
        if let Some(state) = E::required_state() {
            self.required_state.push(state);
        }
        self
    }

    /// Finishes the tool with its body.
    ///
    /// The argument type's schema becomes the published `inputSchema` (and the
    /// contract arguments are checked against); the result type's schema becomes
    /// `Data` in the `outputSchema`.
    pub fn handler<A, O, E, F, Fut>(self, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        O: Serialize + JsonSchema + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
    {
        self.finish::<A, O, _>(TypedHandler::<A, O, E, F, Fut> {
            body,
            validate: None,
            types: PhantomData,
        })
    }

    /// Like [`handler`](Self::handler), and also runs the argument type's
    /// [`Validate`] rule once the schema has passed.
    pub fn handler_validated<A, O, E, F, Fut>(self, body: F) -> Tool
    where
        A: DeserializeOwned + JsonSchema + Validate + Send + 'static,
        O: Serialize + JsonSchema + 'static,
        E: Into<ToolError> + 'static,
        F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
    {
        self.finish::<A, O, _>(TypedHandler::<A, O, E, F, Fut> {
            body,
            validate: Some(A::validate),
            types: PhantomData,
        })
    }

    fn finish<A: JsonSchema, O: JsonSchema, H: ErasedHandler>(self, handler: H) -> Tool {
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
            input_schema: schema::raw_input_schema::<A>(),
            data_schema: schema::raw_output_schema::<O>(),
            handler: Arc::new(handler),
            required_state: self.required_state,
        }
    }
}

/// A cross-field rule of an argument type.
type ArgumentCheck<A> = fn(&A) -> Result<(), String>;
/// Ties a handler to its argument, output, error and future types.
type Signature<A, O, E, Fut> = fn(A) -> (O, E, Fut);

struct TypedHandler<A, O, E, F, Fut> {
    body: F,
    validate: Option<ArgumentCheck<A>>,
    types: PhantomData<Signature<A, O, E, Fut>>,
}

impl<A, O, E, F, Fut> ErasedHandler for TypedHandler<A, O, E, F, Fut>
where
    A: DeserializeOwned + Send + 'static,
    O: Serialize + 'static,
    E: Into<ToolError> + 'static,
    F: Fn(A, ToolContext) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
{
    fn call(&self, args: Value, cx: ToolContext) -> Result<HandlerFuture, ToolError> {
        let args = A::deserialize(args).map_err(|e| {
            ToolError::invalid_arguments(format!(
                "Tool '{}' arguments failed validation: {e}.",
                cx.tool_name()
            ))
        })?;
        if let Some(validate) = self.validate {
            validate(&args).map_err(|message| {
                ToolError::invalid_arguments(format!(
                    "Tool '{}' arguments failed validation: {message}",
                    cx.tool_name()
                ))
            })?;
        }
        let pii_clear = cx.inner.pii_clear;
        let future = (self.body)(args, cx);
        Ok(Box::pin(async move {
            let data = future.await.map_err(Into::into)?;
            crate::pii::with_mode(pii_clear, || serde_json::value::to_raw_value(&data)).map_err(
                |e| ToolError::internal(format!("the tool's result could not be serialised: {e}")),
            )
        }))
    }
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
