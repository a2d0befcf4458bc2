//! Resources: static ones at a fixed URI and templates that match a family of
//! URIs, each with a handler that reads the contents.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use base64::Engine as _;
use futures::FutureExt;
use futures::future::BoxFuture;
use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};

use crate::cache::CacheHints;
use crate::completion::Completer;
use crate::content::ResourceBody;
use crate::context::{Caller, StateMap};
use crate::request_error::RequestError;
use crate::text_args::{argument_specs, parser};
use crate::uri_template::{UriTemplate, UriTemplateError};

/// Who a message or a resource is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Role {
    /// The human user.
    User,
    /// The model.
    Assistant,
}

/// Hints for the client about a resource: its audience, its importance
/// (0 to 1) and when it last changed (RFC 3339).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Annotations {
    /// Who the resource is meant for.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub audience: Vec<Role>,
    /// How important it is, from 0 (optional) to 1 (required).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<f64>,
    /// When it last changed, as an RFC 3339 timestamp.
    #[serde(rename = "lastModified", skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Annotations {
    /// Annotations for `audience`.
    pub fn for_audience(audience: impl IntoIterator<Item = Role>) -> Self {
        Self {
            audience: audience.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Sets the priority (clamped to 0..=1).
    #[must_use]
    pub fn priority(mut self, priority: f64) -> Self {
        self.priority = Some(priority.clamp(0.0, 1.0));
        self
    }

    /// Sets when the resource last changed (RFC 3339).
    #[must_use]
    pub fn last_modified(mut self, timestamp: impl Into<String>) -> Self {
        self.last_modified = Some(timestamp.into());
        self
    }
}

/// The contents of a resource as `resources/read` returns them: text or a
/// base64 blob, at a URI.
///
/// ```
/// use mcp_tools::ResourceContents;
///
/// let text = ResourceContents::text("notes://today", "buy milk").with_mime_type("text/plain");
/// let json = serde_json::to_value(&text).unwrap();
/// assert_eq!(json, serde_json::json!({"uri": "notes://today", "mimeType": "text/plain", "text": "buy milk"}));
/// let blob = ResourceContents::blob("img://dot", [0u8, 1, 2]);
/// assert_eq!(serde_json::to_value(&blob).unwrap()["blob"], "AAEC");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResourceContents {
    uri: String,
    #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
    mime_type: Option<String>,
    #[serde(flatten)]
    body: ResourceBody,
}

impl ResourceContents {
    /// Text contents.
    pub fn text(uri: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            mime_type: None,
            body: ResourceBody::Text(text.into()),
        }
    }

    /// Binary contents, base64-encoded for the wire.
    pub fn blob(uri: impl Into<String>, bytes: impl AsRef<[u8]>) -> Self {
        Self {
            uri: uri.into(),
            mime_type: None,
            body: ResourceBody::Blob(base64::engine::general_purpose::STANDARD.encode(bytes)),
        }
    }

    /// Binary contents already base64-encoded (standard alphabet, padded).
    pub fn blob_base64(uri: impl Into<String>, data: impl Into<String>) -> Self {
        Self {
            uri: uri.into(),
            mime_type: None,
            body: ResourceBody::Blob(data.into()),
        }
    }

    /// Sets the media type.
    #[must_use]
    pub fn with_mime_type(mut self, mime_type: impl Into<String>) -> Self {
        self.mime_type = Some(mime_type.into());
        self
    }

    /// The URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The body.
    pub fn body(&self) -> &ResourceBody {
        &self.body
    }
}

/// What a read handler may return: one or several [`ResourceContents`].
pub trait IntoContents {
    /// The contents, as a list.
    fn into_contents(self) -> Vec<ResourceContents>;
}

impl IntoContents for ResourceContents {
    fn into_contents(self) -> Vec<ResourceContents> {
        vec![self]
    }
}

impl IntoContents for Vec<ResourceContents> {
    fn into_contents(self) -> Vec<ResourceContents> {
        self
    }
}

/// What a read handler is given: the URI read, the caller, shared state.
#[derive(Clone)]
pub struct ResourceContext {
    pub(crate) uri: String,
    pub(crate) caller: Option<Caller>,
    pub(crate) state: Arc<StateMap>,
}

impl std::fmt::Debug for ResourceContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceContext")
            .field("uri", &self.uri)
            .field("caller", &self.caller)
            .finish_non_exhaustive()
    }
}

impl ResourceContext {
    /// The URI the client asked to read.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The authenticated caller, if any.
    pub fn caller(&self) -> Option<&Caller> {
        self.caller.as_ref()
    }

    /// A shared value registered with [`crate::ServerBuilder::state`].
    pub fn state<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.state.get::<T>().cloned()
    }
}

type ReadFuture = BoxFuture<'static, Result<Vec<ResourceContents>, RequestError>>;
pub(crate) type ReadFn =
    Arc<dyn Fn(Map<String, Value>, ResourceContext) -> ReadFuture + Send + Sync>;

/// Runs a read handler; a panic becomes an internal error.
pub(crate) async fn run_read(
    handler: &ReadFn,
    vars: Map<String, Value>,
    cx: ResourceContext,
) -> Result<Vec<ResourceContents>, RequestError> {
    let uri = cx.uri.clone();
    let future = match std::panic::catch_unwind(AssertUnwindSafe(|| handler(vars, cx))) {
        Ok(future) => future,
        Err(_) => return Err(panicked(&uri)),
    };
    AssertUnwindSafe(future)
        .catch_unwind()
        .await
        .unwrap_or_else(|_| Err(panicked(&uri)))
}

fn panicked(uri: &str) -> RequestError {
    RequestError::internal(format!(
        "reading {uri} failed inside the server (the handler panicked); try again later"
    ))
}

/// What resources and templates share: names, hints, scopes and caching.
#[derive(Debug, Clone, Default)]
pub(crate) struct Descriptor {
    pub(crate) name: String,
    pub(crate) title: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) mime_type: Option<String>,
    pub(crate) annotations: Option<Annotations>,
    pub(crate) scopes: Vec<String>,
    pub(crate) cache: CacheHints,
}

impl Descriptor {
    fn write_into(&self, out: &mut Map<String, Value>) {
        out.insert("name".into(), self.name.clone().into());
        let optional = [
            ("title", &self.title),
            ("description", &self.description),
            ("mimeType", &self.mime_type),
        ];
        for (key, value) in optional {
            if let Some(value) = value {
                out.insert(key.into(), value.clone().into());
            }
        }
        if let Some(annotations) = &self.annotations {
            out.insert("annotations".into(), json!(annotations));
        }
    }
}

macro_rules! descriptor_setters {
    () => {
        /// A human-readable title.
        pub fn title(mut self, title: impl Into<String>) -> Self {
            self.descriptor.title = Some(title.into());
            self
        }

        /// What it holds, for the model.
        pub fn description(mut self, description: impl Into<String>) -> Self {
            self.descriptor.description = Some(description.into());
            self
        }

        /// Its media type.
        pub fn mime_type(mut self, mime_type: impl Into<String>) -> Self {
            self.descriptor.mime_type = Some(mime_type.into());
            self
        }

        /// Hints for the client.
        pub fn annotations(mut self, annotations: Annotations) -> Self {
            self.descriptor.annotations = Some(annotations);
            self
        }

        /// Scopes a caller needs to read it; others are refused.
        pub fn scopes<I, S>(mut self, scopes: I) -> Self
        where
            I: IntoIterator<Item = S>,
            S: Into<String>,
        {
            self.descriptor
                .scopes
                .extend(scopes.into_iter().map(Into::into));
            self
        }

        /// The 2026-07-28 caching hints of its reads; [`CacheHints::NO_REUSE`] unless set.
        pub fn cache(mut self, hints: CacheHints) -> Self {
            self.descriptor.cache = hints;
            self
        }
    };
}

/// A resource at a fixed URI.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mcp_tools::{Client, Resource, ResourceContents, ResourceContext, Server};
///
/// let readme = Resource::builder("docs://readme", "readme")
///     .description("How to use this server.")
///     .mime_type("text/markdown")
///     .handler(|cx: ResourceContext| async move {
///         Ok(ResourceContents::text(cx.uri(), "# Hello").with_mime_type("text/markdown"))
///     });
/// let server = Server::builder("docs", "1.0.0").resource(readme).build().unwrap();
/// let client = Client::new(server);
/// let read = client.read_resource("docs://readme").await.unwrap();
/// assert_eq!(read["contents"][0]["text"], "# Hello");
/// # });
/// ```
#[derive(Clone)]
pub struct Resource {
    pub(crate) uri: String,
    pub(crate) descriptor: Descriptor,
    pub(crate) size: Option<u64>,
    pub(crate) handler: ReadFn,
}

impl std::fmt::Debug for Resource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resource")
            .field("uri", &self.uri)
            .field("name", &self.descriptor.name)
            .finish_non_exhaustive()
    }
}

impl Resource {
    /// Starts describing the resource at `uri`, called `name`.
    pub fn builder(uri: impl Into<String>, name: impl Into<String>) -> ResourceBuilder {
        ResourceBuilder {
            uri: uri.into(),
            descriptor: Descriptor {
                name: name.into(),
                ..Descriptor::default()
            },
            size: None,
        }
    }

    /// Its URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    pub(crate) fn listing(&self) -> Value {
        let mut out = Map::new();
        out.insert("uri".into(), self.uri.clone().into());
        self.descriptor.write_into(&mut out);
        if let Some(size) = self.size {
            out.insert("size".into(), size.into());
        }
        Value::Object(out)
    }
}

/// Describes a [`Resource`]; finish with [`handler`](Self::handler).
#[derive(Debug)]
#[must_use = "finish with .handler(..) to get a Resource"]
pub struct ResourceBuilder {
    uri: String,
    descriptor: Descriptor,
    size: Option<u64>,
}

impl ResourceBuilder {
    descriptor_setters!();

    /// Its size in bytes, when known.
    pub fn size(mut self, bytes: u64) -> Self {
        self.size = Some(bytes);
        self
    }

    /// The async fn that reads it.
    pub fn handler<F, Fut, C>(self, read: F) -> Resource
    where
        F: Fn(ResourceContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<C, RequestError>> + Send + 'static,
        C: IntoContents,
    {
        let read = Arc::new(read);
        Resource {
            uri: self.uri,
            descriptor: self.descriptor,
            size: self.size,
            handler: Arc::new(move |_, cx| {
                let read = read.clone();
                Box::pin(async move { read(cx).await.map(IntoContents::into_contents) })
            }),
        }
    }
}

/// A family of resources whose URIs match an RFC 6570 template; the
/// variables are read into a typed struct, like a tool's arguments.
///
/// ```
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// use mcp_tools::{Client, Completer, ResourceContents, ResourceContext, ResourceTemplate, Server};
/// use schemars::JsonSchema;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, JsonSchema)]
/// struct Invoice {
///     id: u32,
/// }
///
/// let invoices = ResourceTemplate::builder("invoice://{id}", "invoice")
///     .description("One invoice as JSON.")
///     .complete("id", Completer::values(["1001", "1002"]))
///     .handler(|invoice: Invoice, cx: ResourceContext| async move {
///         Ok(ResourceContents::text(cx.uri(), format!("{{\"id\":{}}}", invoice.id)))
///     });
/// let server = Server::builder("billing", "1.0.0").resource_template(invoices).build().unwrap();
/// let client = Client::new(server);
/// let read = client.read_resource("invoice://1001").await.unwrap();
/// assert_eq!(read["contents"][0]["text"], "{\"id\":1001}");
/// let refused = client.read_resource("invoice://abc").await.unwrap_err();
/// assert!(refused.message.contains("\"id\""), "{}", refused.message);
/// # });
/// ```
#[derive(Clone)]
pub struct ResourceTemplate {
    pub(crate) template: Result<UriTemplate, UriTemplateError>,
    pub(crate) text: String,
    pub(crate) descriptor: Descriptor,
    /// The variables the handler's struct declares: (name, required).
    pub(crate) fields: Vec<(String, bool)>,
    pub(crate) completers: Vec<(String, Completer)>,
    pub(crate) handler: ReadFn,
}

impl std::fmt::Debug for ResourceTemplate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceTemplate")
            .field("uriTemplate", &self.text)
            .field("name", &self.descriptor.name)
            .finish_non_exhaustive()
    }
}

impl ResourceTemplate {
    /// Starts describing the template `uri_template`, called `name`.
    pub fn builder(
        uri_template: impl Into<String>,
        name: impl Into<String>,
    ) -> ResourceTemplateBuilder {
        ResourceTemplateBuilder {
            text: uri_template.into(),
            descriptor: Descriptor {
                name: name.into(),
                ..Descriptor::default()
            },
            completers: Vec::new(),
        }
    }

    /// The template as written.
    pub fn uri_template(&self) -> &str {
        &self.text
    }

    pub(crate) fn listing(&self) -> Value {
        let mut out = Map::new();
        out.insert("uriTemplate".into(), self.text.clone().into());
        self.descriptor.write_into(&mut out);
        Value::Object(out)
    }

    /// Why the template cannot be served: unparsable, or its variables and
    /// the handler's struct disagree.
    pub(crate) fn problem(&self) -> Option<String> {
        let template = match &self.template {
            Ok(template) => template,
            Err(e) => return Some(e.to_string()),
        };
        let vars: Vec<&str> = template.variables().collect();
        if let Some(stray) = vars
            .iter()
            .find(|v| !self.fields.iter().any(|(f, _)| f == *v))
        {
            return Some(format!(
                "resource template {}: variable {stray:?} is not a field of the handler's struct (fields: {})",
                self.text,
                self.field_names()
            ));
        }
        if let Some((missing, _)) = self
            .fields
            .iter()
            .find(|(f, required)| *required && !vars.contains(&f.as_str()))
        {
            return Some(format!(
                "resource template {}: the handler's struct requires {missing:?}, which the template never binds; add {{{missing}}} to the template or make the field an Option",
                self.text
            ));
        }
        if let Some((name, _)) = self
            .completers
            .iter()
            .find(|(n, _)| !vars.contains(&n.as_str()))
        {
            return Some(format!(
                "resource template {}: completion declared for {name:?}, which is not one of its variables",
                self.text
            ));
        }
        None
    }

    fn field_names(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(|(f, _)| f.as_str()).collect();
        names.join(", ")
    }
}

/// Describes a [`ResourceTemplate`]; finish with [`handler`](Self::handler).
#[derive(Debug)]
#[must_use = "finish with .handler(..) to get a ResourceTemplate"]
pub struct ResourceTemplateBuilder {
    text: String,
    descriptor: Descriptor,
    completers: Vec<(String, Completer)>,
}

impl ResourceTemplateBuilder {
    descriptor_setters!();

    /// How `completion/complete` suggests values for the variable `name`.
    pub fn complete(mut self, name: impl Into<String>, completer: Completer) -> Self {
        self.completers.push((name.into(), completer));
        self
    }

    /// The async fn that reads a matched URI; `V` holds the variables.
    pub fn handler<V, F, Fut, C>(self, read: F) -> ResourceTemplate
    where
        V: DeserializeOwned + JsonSchema + Send + 'static,
        F: Fn(V, ResourceContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<C, RequestError>> + Send + 'static,
        C: IntoContents,
    {
        let fields = argument_specs::<V>()
            .into_iter()
            .map(|spec| (spec.name, spec.required))
            .collect();
        let parse = parser::<V>("URI template variable");
        let read = Arc::new(read);
        let text = self.text.clone();
        ResourceTemplate {
            template: UriTemplate::parse(&self.text),
            text: self.text,
            descriptor: self.descriptor,
            fields,
            completers: self.completers,
            handler: Arc::new(move |vars, cx| {
                let vars = parse(&vars).map_err(|why| {
                    RequestError::invalid_params(format!(
                        "{} matches the template {text}, but {why}",
                        cx.uri
                    ))
                    .with_data(json!({"uri": cx.uri}))
                });
                let read = read.clone();
                Box::pin(async move { read(vars?, cx).await.map(IntoContents::into_contents) })
            }),
        }
    }
}
