//! Prompts: named message templates a client offers its user, with typed,
//! validated arguments.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::completion::Completer;
use crate::content::Content;
use crate::context::{Caller, Peer, StateMap, client_answer};
use crate::jsonrpc::ErrorObject;
use crate::request_error::RequestError;
use crate::resource::Role;
use crate::text_args::{ArgumentSpec, argument_specs, parser};

/// One message of a prompt: a role and a content block (text, image, audio,
/// an embedded resource or a resource link).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromptMessage {
    role: Role,
    content: Content,
}

impl PromptMessage {
    /// A message from `role`.
    pub fn new(role: Role, content: Content) -> Self {
        Self { role, content }
    }

    /// A message from the user.
    pub fn user(content: Content) -> Self {
        Self::new(Role::User, content)
    }

    /// A message from the assistant.
    pub fn assistant(content: Content) -> Self {
        Self::new(Role::Assistant, content)
    }
}

/// What a prompt handler returns: its messages and, optionally, a description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromptResult {
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    messages: Vec<PromptMessage>,
}

impl PromptResult {
    /// The messages.
    pub fn new(messages: impl IntoIterator<Item = PromptMessage>) -> Self {
        Self {
            description: None,
            messages: messages.into_iter().collect(),
        }
    }

    /// Describes this rendering of the prompt.
    #[must_use]
    pub fn with_description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }
}

impl From<Vec<PromptMessage>> for PromptResult {
    fn from(messages: Vec<PromptMessage>) -> Self {
        Self::new(messages)
    }
}

impl From<PromptMessage> for PromptResult {
    fn from(message: PromptMessage) -> Self {
        Self::new([message])
    }
}

/// What a prompt handler is given besides its arguments.
#[derive(Clone)]
pub struct PromptContext {
    pub(crate) name: String,
    pub(crate) caller: Option<Caller>,
    pub(crate) state: Arc<StateMap>,
    pub(crate) peer: Option<Arc<dyn Peer>>,
}

impl std::fmt::Debug for PromptContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromptContext")
            .field("name", &self.name)
            .field("caller", &self.caller)
            .finish_non_exhaustive()
    }
}

impl PromptContext {
    /// The prompt's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The authenticated caller, if any.
    pub fn caller(&self) -> Option<&Caller> {
        self.caller.as_ref()
    }

    /// A shared value registered with [`crate::ServerBuilder::state`].
    pub fn state<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.state.get::<T>().cloned()
    }

    /// Asks the client something under a key the prompt chooses
    /// (`elicitation/create`, `sampling/createMessage`, `roots/list`) and waits
    /// for the answer, as [`ToolContext::request_client_keyed`](crate::ToolContext::request_client_keyed)
    /// does for a tool: on 2026-07-28 the question goes out in an
    /// `input_required` result and the answer arrives with the retry; earlier
    /// revisions send it on the request's stream.
    ///
    /// ```no_run
    /// # async fn f(cx: mcp_tools::PromptContext) -> Result<(), mcp_tools::RequestError> {
    /// use serde_json::json;
    ///
    /// let answer = cx
    ///     .request_client_keyed("audience", "elicitation/create", json!({
    ///         "message": "Who is the summary for?",
    ///         "requestedSchema": {"type": "object", "properties": {"audience": {"type": "string"}}}
    ///     }))
    ///     .await
    ///     .map_err(|e| mcp_tools::RequestError::internal(e.message))?;
    /// # let _ = answer; Ok(()) }
    /// ```
    pub fn request_client_keyed(
        &self,
        key: &str,
        method: &str,
        params: Value,
    ) -> impl Future<Output = Result<Value, ErrorObject>> + Send + 'static {
        let request = self
            .peer
            .as_ref()
            .map(|peer| peer.request_keyed(key, method, params));
        client_answer(request, method)
    }
}

type GetFuture = BoxFuture<'static, Result<PromptResult, RequestError>>;
type GetFn = Arc<
    dyn Fn(&Map<String, Value>, PromptContext) -> Result<GetFuture, RequestError> + Send + Sync,
>;

/// A prompt.
///
/// Its arguments come from the handler's argument struct: each field is an
/// argument (its doc comment the description), `Option` fields are optional.
/// Arguments travel as strings; numbers and booleans are read from them.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mcp_tools::{Client, Completer, Content, Prompt, PromptContext, PromptMessage, PromptResult, Server};
/// use schemars::JsonSchema;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, JsonSchema)]
/// struct Review {
///     /// The language of the code.
///     language: String,
///     /// How strict to be, 1 to 5.
///     strictness: Option<u8>,
/// }
///
/// let review = Prompt::builder("code_review")
///     .description("Asks for a review of the code that follows.")
///     .complete("language", Completer::values(["rust", "python"]))
///     .handler(|args: Review, _cx: PromptContext| async move {
///         let text = format!("Review this {} code, strictness {}.", args.language, args.strictness.unwrap_or(3));
///         Ok(PromptResult::from(PromptMessage::user(Content::text(text))))
///     });
/// let server = Server::builder("reviews", "1.0.0").prompt(review).build().unwrap();
/// let client = Client::new(server);
/// let got = client.get_prompt("code_review", serde_json::json!({"language": "rust"})).await.unwrap();
/// assert_eq!(got["messages"][0]["content"]["text"], "Review this rust code, strictness 3.");
/// let missing = client.get_prompt("code_review", serde_json::json!({})).await.unwrap_err();
/// assert!(missing.message.contains("\"language\""));
/// # });
/// ```
#[derive(Clone)]
pub struct Prompt {
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) arguments: Vec<ArgumentSpec>,
    pub(crate) scopes: Vec<String>,
    pub(crate) completers: Vec<(String, Completer)>,
    handler: GetFn,
}

impl std::fmt::Debug for Prompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Prompt")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl Prompt {
    /// Starts describing the prompt `name`.
    pub fn builder(name: impl Into<String>) -> PromptBuilder {
        PromptBuilder {
            name: name.into(),
            title: None,
            description: None,
            scopes: Vec::new(),
            completers: Vec::new(),
        }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    pub(crate) fn listing(&self) -> Value {
        let mut out = Map::new();
        out.insert("name".into(), self.name.clone().into());
        if let Some(title) = &self.title {
            out.insert("title".into(), title.clone().into());
        }
        if let Some(description) = &self.description {
            out.insert("description".into(), description.clone().into());
        }
        let arguments: Vec<Value> = self
            .arguments
            .iter()
            .map(|a| {
                let mut arg = json!({"name": a.name, "required": a.required});
                if let Some(description) = &a.description {
                    arg["description"] = description.clone().into();
                }
                arg
            })
            .collect();
        out.insert("arguments".into(), arguments.into());
        Value::Object(out)
    }

    /// Why the prompt cannot be served.
    pub(crate) fn problem(&self) -> Option<String> {
        let (name, _) = self
            .completers
            .iter()
            .find(|(n, _)| !self.arguments.iter().any(|a| &a.name == n))?;
        Some(format!(
            "prompt {:?}: completion declared for {name:?}, which is not one of its arguments",
            self.name
        ))
    }

    /// Validates `arguments` and runs the handler; a panic becomes an internal error.
    pub(crate) async fn get(
        &self,
        arguments: &Map<String, Value>,
        cx: PromptContext,
    ) -> Result<PromptResult, RequestError> {
        let panicked = || {
            RequestError::internal(format!(
                "prompt {:?} failed inside the server (the handler panicked); try again later",
                self.name
            ))
        };
        let future =
            match std::panic::catch_unwind(AssertUnwindSafe(|| (self.handler)(arguments, cx))) {
                Ok(future) => future?,
                Err(_) => return Err(panicked()),
            };
        AssertUnwindSafe(future)
            .catch_unwind()
            .await
            .unwrap_or_else(|_| Err(panicked()))
    }
}

/// Describes a [`Prompt`]; finish with [`handler`](Self::handler).
#[derive(Debug)]
#[must_use = "finish with .handler(..) to get a Prompt"]
pub struct PromptBuilder {
    name: String,
    title: Option<String>,
    description: Option<String>,
    scopes: Vec<String>,
    completers: Vec<(String, Completer)>,
}

impl PromptBuilder {
    /// A human-readable title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// What the prompt is for.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Scopes a caller needs to get it; others are refused.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes.extend(scopes.into_iter().map(Into::into));
        self
    }

    /// How `completion/complete` suggests values for the argument `name`.
    pub fn complete(mut self, name: impl Into<String>, completer: Completer) -> Self {
        self.completers.push((name.into(), completer));
        self
    }

    /// The async fn that renders the prompt; `A` holds its arguments
    /// ([`NoArguments`](crate::NoArguments) for none).
    pub fn handler<A, F, Fut, R>(self, render: F) -> Prompt
    where
        A: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(A, PromptContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<R, RequestError>> + Send + 'static,
        R: Into<PromptResult>,
    {
        let parse = parser::<A>("prompt");
        let render = Arc::new(render);
        Prompt {
            name: self.name,
            title: self.title,
            description: self.description,
            arguments: argument_specs::<A>(),
            scopes: self.scopes,
            completers: self.completers,
            handler: Arc::new(move |arguments, cx| {
                let args = parse(arguments).map_err(RequestError::invalid_params)?;
                let render = render.clone();
                Ok(Box::pin(
                    async move { render(args, cx).await.map(Into::into) },
                ))
            }),
        }
    }
}
