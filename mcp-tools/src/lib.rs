//! Annotated, schema-strict [Model Context Protocol](https://modelcontextprotocol.io)
//! tool servers.
//!
//! A tool is an async function with an argument type and a result type. The
//! argument type's JSON Schema is published as the tool's `inputSchema` **and**
//! enforced on every call, so what a model reads is exactly what the server
//! accepts. Results travel in one envelope, `{"Success":true,"Data":…}` or
//! `{"Success":false,"ErrorCode":…,"ErrorMessage":…}`, described by the tool's
//! `outputSchema`; a server built with
//! [`result_style(ResultStyle::Plain)`](ServerBuilder::result_style) answers
//! with plain MCP results instead (the data as `structuredContent`, errors as
//! `isError` text). Output schemas follow the same client-friendly rules as
//! input schemas: no type lists, no bare booleans, every value typed
//! ([`schema_findings`] checks a schema by those rules).
//!
//! ```
//! use mcp_tools::{Client, Server, Tool, ToolContext, ToolError, ToolResult};
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct Greet {
//!     /// Who to greet.
//!     name: String,
//!     /// How many exclamation marks, 0 to 3.
//!     #[schemars(range(max = 3))]
//!     excitement: Option<u8>,
//! }
//!
//! #[derive(Serialize, JsonSchema)]
//! struct Greeting {
//!     text: String,
//! }
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let server = Server::builder("greeter", "1.0.0")
//!     .tool(
//!         Tool::builder("greet")
//!             .description("Greets someone by name.")
//!             .read_only()
//!             .handler(|args: Greet, _cx: ToolContext| async move {
//!                 if args.name == "nobody" {
//!                     return Err(ToolError::not_found("there is nobody to greet"));
//!                 }
//!                 let bangs = "!".repeat(args.excitement.unwrap_or(1).into());
//!                 ToolResult::Ok(Greeting { text: format!("Hello, {}{bangs}", args.name) })
//!             }),
//!     )
//!     .build()
//!     .expect("valid tool definitions");
//!
//! let client = Client::new(server);
//! let ok = client.call("greet", serde_json::json!({"name": "Ada"})).await.unwrap();
//! assert_eq!(ok.data().unwrap()["text"], "Hello, Ada!");
//!
//! // The schema says `name` is required and non-empty; the server enforces it.
//! let refused = client.call("greet", serde_json::json!({"name": ""})).await.unwrap();
//! assert!(refused.is_error());
//! assert_eq!(refused.error_code(), Some("InvalidArguments"));
//!
//! // Unknown arguments are refused with the list of accepted ones.
//! let extra = client.call("greet", serde_json::json!({"name": "Ada", "loud": true})).await.unwrap();
//! assert!(extra.error_message().unwrap().contains("Accepted: name, excitement"));
//! # });
//! ```
//!
//! # The `#[tool]` macro
//!
//! With the default `macros` feature, a tool is an annotated async fn. The fn
//! stays callable as written; the macro adds a hidden item of the same name in
//! the type namespace (`struct echo { .. }`) whose `echo::tool()` makes the
//! [`Tool`]. Register tools explicitly, as with the builder:
//!
//! ```
//! # #[cfg(feature = "macros")] {
//! use mcp_tools::{Server, ToolResult, tool};
//!
//! /// Echo text back.
//! #[tool(read_only, idempotent)]
//! async fn echo(
//!     /// The text to echo.
//!     text: String,
//! ) -> ToolResult<String> {
//!     Ok(text)
//! }
//!
//! let server = Server::builder("demo", "1.0.0").tool(echo::tool()).build();
//! assert!(server.is_ok());
//! # }
//! ```
//!
//! Every key, the rule that tells an argument type from plain parameters, and
//! the extractors are described on [`macro@tool`].
//!
//! # The contract
//!
//! - Every object schema is closed (`additionalProperties: false`); unknown
//!   arguments are refused, naming them and the accepted ones. Opt out per tool
//!   with [`ToolBuilder::lenient`].
//! - Required means non-empty: required strings carry `minLength: 1`, required
//!   lists `minItems: 1`, and `null` is never accepted for them. A field that
//!   declares its own lower bound keeps it: `#[schemars(length(min = 0))]` on a
//!   required list publishes `minItems: 0`, for "pass `[]` to clear".
//! - Optional means "may be left out": the schema has no `null` unions, and a
//!   `null` passed for an optional argument reads as "not given".
//! - Enum values match case-insensitively and reach the tool in canonical form.
//! - Ranges, lengths and list bounds declared on the argument type
//!   (`#[schemars(range(..))]`, `#[schemars(length(..))]`) are published and enforced.
//! - Cross-field rules go in a [`Validate`] implementation.
//! - Descriptions come from doc comments: a field's becomes its property's
//!   `description`, and the argument struct's own doc comment becomes the
//!   `description` of the whole `inputSchema` (the tool's description comes
//!   from the tool fn or [`ToolBuilder::description`]). Keep the struct's comment
//!   about the arguments, or leave it out.
//! - Validation failures are tool results (`isError: true`, `InvalidArguments`),
//!   so the model can correct itself; unknown tools and malformed calls are
//!   JSON-RPC errors (-32602).
//!
//! # Write safety
//!
//! What makes a server safe to point at production data is declared on the
//! tool and enforced by the dispatcher, in this order, before the tool runs:
//!
//! 1. **Identity and scopes.** A [`transport::RequestContext`] carries the [`Caller`]
//!    (identity, account, scopes). A call to a tool without its
//!    [`scopes`](ToolBuilder::scopes) gets a `Forbidden` envelope naming the
//!    missing ones; with [`ServerBuilder::require_authentication`], a call
//!    without a caller gets `Unauthorized`, except to tools declared
//!    [`no_auth`](ToolBuilder::no_auth). [`ToolListing::Permitted`] lists only
//!    the tools a caller may call.
//! 2. **Rate policy.** A [`rate::RateLimiter`] (such as
//!    [`rate::WindowRateLimiter`]) budgets calls per account or caller, with a
//!    smaller budget for destructive tools; over budget is `RateLimited`, with
//!    when to retry. [`Server::rate_status`] feeds `X-Rate-Limit-*` headers.
//! 3. **The argument contract** (above).
//! 4. **Confirmation.** A tool declared [`confirm`](ToolBuilder::confirm) runs
//!    as a dry run first: it hands its preview to a [`Confirmation`] and
//!    returns a `ConfirmationToken`, changing nothing; the same call plus the
//!    token executes. Tokens are HMAC-signed, bound to tool, caller and
//!    arguments, expire, and work once. See [`confirm`] for the flow and a
//!    complete example.
//!
//! Personal data in results is wrapped in [`Pii`] and de-identified, at any
//! depth, for callers without the [PII-read scope](ServerBuilder::pii_read_scope);
//! tools that change personal fields call [`ToolContext::require_pii_write`]
//! to demand the [PII-write scope](ServerBuilder::pii_write_scope). Every call
//! of a destructive or confirm tool, however it ends, leaves an
//! [`audit::AuditRecord`] in the configured [`audit::AuditSink`].
//!
//! # Long-running tools: tasks
//!
//! A tool that takes minutes should not hold a request open through every
//! proxy on the way. Declare it [`task::TaskSupport::Optional`] (or
//! `#[tool(task = "optional")]`): when a 2026-07-28 client declares the tasks
//! extension (`io.modelcontextprotocol/tasks`), a call that is still running
//! after [`ServerBuilder::task_immediate_window`] answers with a task handle
//! (`resultType: "task"`), and the client polls `tasks/get`, answers input
//! requests with `tasks/update` and stops it with `tasks/cancel`. Other
//! clients call the same tool as before, with progress on the request's
//! stream, within the tool's timeout. The body stays an ordinary async fn:
//! progress becomes the task's status message, and the future is dropped when
//! the task is cancelled, so its side effects stop there.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use std::time::Duration;
//! use mcp_tools::task::TaskSupport;
//! use mcp_tools::{
//!     Caller, Client, ErrorCode, NoArguments, ProtocolVersion, Server, Tool, ToolContext, ToolError,
//!     ToolResult,
//! };
//! use serde_json::json;
//!
//! let rebuild = Tool::builder("rebuild_index")
//!     .description("Rebuilds the search index; takes about a minute.")
//!     .additive()
//!     .task(TaskSupport::Optional)
//!     .timeout(Duration::from_secs(120))
//!     .handler(|_: NoArguments, cx: ToolContext| async move {
//!         for second in 1..=60 {
//!             // Stop between steps when the task is cancelled.
//!             tokio::select! {
//!                 () = tokio::time::sleep(Duration::from_secs(1)) => {}
//!                 () = cx.cancelled() => {
//!                     return Err(ToolError::new(ErrorCode::CANCELLED, "stopped on request"));
//!                 }
//!             }
//!             cx.progress(f64::from(second), Some(60.0), Some("indexing"));
//!         }
//!         ToolResult::Ok("index rebuilt")
//!     });
//! let server = Server::builder("search", "1.0.0").tool(rebuild).build().unwrap();
//!
//! // A client that declared the tasks extension gets a task to poll…
//! let client = Client::new(server)
//!     .with_protocol_version(ProtocolVersion::V2026_07_28)
//!     .with_capabilities(json!({"extensions": {"io.modelcontextprotocol/tasks": {}}}))
//!     .with_caller(Caller::new("alice"));
//! let task = client
//!     .request("tools/call", json!({"name": "rebuild_index", "arguments": {}}))
//!     .await
//!     .unwrap();
//! assert_eq!(task["resultType"], "task");
//! let id = task["taskId"].as_str().unwrap();
//! let state = client.request("tasks/get", json!({"taskId": id})).await.unwrap();
//! assert_eq!(state["status"], "working");
//!
//! // …and can stop it: the tool sees the cancellation (and is dropped if it
//! // ignores it past the grace period); the task ends cancelled.
//! client.request("tasks/cancel", json!({"taskId": id})).await.unwrap();
//! loop {
//!     let state = client.request("tasks/get", json!({"taskId": id})).await.unwrap();
//!     if state["status"] == "cancelled" {
//!         break;
//!     }
//!     tokio::task::yield_now().await;
//! }
//! # });
//! ```
//!
//! Tasks belong to the caller that created them: another caller gets the same
//! -32602 as for an unknown id. They live in a [`task::TaskStore`] (in memory
//! by default, [`ServerBuilder::task_store`] for a shared one), expire after
//! [`ServerBuilder::task_ttl`], and a task whose worker stopped renewing its
//! lease is reported failed. Permission, rate budget, the argument contract,
//! auditing and confirmation apply exactly as to a direct call: refusals and
//! dry runs answer in the request, only work that runs becomes a task. A tool
//! that must ask something before it starts uses
//! [`ToolContext::request_client_before_task`]; one declared
//! [`Required`](task::TaskSupport::Required) refuses clients without the
//! extension with -32021.
//!
//! # Resources, prompts and completion
//!
//! Besides tools, a server can offer **resources** (contents a client reads by
//! URI) and **prompts** (message templates a user picks), registered next to
//! the tools:
//!
//! - [`Resource::builder`] for a fixed URI, [`ResourceTemplate::builder`] for an
//!   RFC 6570 template (`invoice://{id}`): the template's variables are read
//!   into a typed `Deserialize + JsonSchema` struct and checked like tool
//!   arguments; the server refuses to build when the template and the struct
//!   disagree. Handlers return [`ResourceContents`] (text or binary), one or
//!   several; their errors are [`RequestError`]s, sent as JSON-RPC errors, and
//!   a panic is an internal error. An unknown URI is `-32602` with
//!   `data: {"uri": …}` on every version.
//! - [`Prompt::builder`]: the arguments come from the handler's argument
//!   struct (doc comments describe them, `Option` fields are optional), so a
//!   missing or unknown argument is refused with the accepted ones listed.
//!   Messages carry any [`Content`].
//! - Completion: `.complete("arg", Completer::values([..]))` or
//!   [`Completer::with`] an async fn, on a prompt or a template.
//! - Subscriptions: a client that called `resources/subscribe` (up to
//!   2025-11-25, on its session's GET stream) or holds a 2026-07-28
//!   `subscriptions/listen` stream open hears `notifications/resources/updated`
//!   when the application calls [`Server::notify_resource_updated`].
//! - Capabilities (`resources`, `prompts`, `completions`) are declared only for
//!   what is registered; scopes (`.scopes([..])`) guard reads like tool calls;
//!   on 2026-07-28, lists and reads carry `ttlMs`/`cacheScope` from
//!   [`CacheHints`] set per resource and per list.
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use mcp_tools::{Client, Content, NoArguments, Prompt, PromptContext, PromptMessage,
//!                 Resource, ResourceContents, ResourceContext, Server};
//!
//! let server = Server::builder("notes", "1.0.0")
//!     .resource(Resource::builder("notes://today", "today").mime_type("text/plain").handler(
//!         |cx: ResourceContext| async move { Ok(ResourceContents::text(cx.uri(), "buy milk")) },
//!     ))
//!     .prompt(Prompt::builder("plan_day").description("Plans the day.").handler(
//!         |_: NoArguments, _: PromptContext| async {
//!             Ok(PromptMessage::user(Content::resource_link("notes://today", "today")))
//!         },
//!     ))
//!     .build()?;
//! let client = Client::new(server);
//! assert_eq!(client.read_resource("notes://today").await.unwrap()["contents"][0]["text"], "buy milk");
//! assert_eq!(client.list_prompts().await.unwrap()[0]["name"], "plan_day");
//! # Ok::<(), mcp_tools::BuildError>(())
//! # }).unwrap();
//! ```
//!
//! # Skills
//!
//! A server can serve [Agent Skills](Skill) through the
//! `io.modelcontextprotocol/skills` extension (SEP-2640). A skill is a
//! directory of files with a `SKILL.md` at its root whose YAML frontmatter has
//! at least `name` and `description`; build one from files in memory with
//! [`Skill::builder`] (so `include_str!`/`include_bytes!` work), or read them
//! from disk with [`Skill::from_dir`] and [`Skills::from_dir`] (each
//! subdirectory holding a `SKILL.md` is one skill). Building checks everything
//! a client would: the name (1 to 64 lowercase letters, digits and single
//! hyphens, equal to the frontmatter `name`), the frontmatter (valid YAML, a
//! description of at most 1024 characters, no `metadata` keys under the
//! reserved `io.modelcontextprotocol/` prefix), file paths that stay inside
//! the skill, and at most 512 files and 16 MiB per skill. A
//! [`BuildError`] says which rule failed.
//!
//! Registered with [`ServerBuilder::skill`] or [`ServerBuilder::skills`], the
//! server
//!
//! - declares `capabilities.extensions["io.modelcontextprotocol/skills"]` as
//!   `{"directoryRead": true}` (and the `resources` capability);
//! - answers `skills/list` (paged, one entry per skill: the `SKILL.md` URI
//!   `skill://<name>/SKILL.md`, the frontmatter as JSON, and every file's URI,
//!   `sha256:` digest and size) and `skills/get` (one entry by URI; `-32602`
//!   with `data: {"uri": …}` for an unknown one);
//! - serves each file as a resource at `skill://<name>/<path>`, in
//!   `resources/list` and readable with `resources/read` (`SKILL.md` as
//!   `text/markdown`, named and described by its frontmatter);
//! - answers `resources/directory/read` on `skill://<name>` and its
//!   subdirectories with their direct children (subdirectories as
//!   `inode/directory`), paged; a file or unknown URI is `-32602`;
//! - on 2026-07-28, adds `ttlMs`/`cacheScope` from
//!   [`ServerBuilder::skill_cache`].
//!
//! ```
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! use mcp_tools::{Client, Server, Skill};
//!
//! let skill = Skill::builder("incident-report")
//!     .file("SKILL.md", "---\nname: incident-report\ndescription: Writes an incident report.\n---\nUse [the outline](outline.md).\n")
//!     .file("outline.md", "1. Impact\n2. Timeline\n")
//!     .build()?;
//! let server = Server::builder("ops", "1.0.0").skill(skill).build()?;
//! let client = Client::new(server);
//! let got = client
//!     .request("skills/get", serde_json::json!({"uri": "skill://incident-report/SKILL.md"}))
//!     .await
//!     .unwrap();
//! assert_eq!(got["skill"]["frontmatter"]["description"], "Writes an incident report.");
//! let digest = got["skill"]["resources"][0]["digest"].as_str().unwrap();
//! assert!(digest.starts_with("sha256:") && digest.len() == 7 + 64);
//! # Ok::<(), mcp_tools::BuildError>(())
//! # }).unwrap();
//! ```
//!
//! # Features
//!
//! | feature  | default | what it adds |
//! |----------|---------|--------------|
//! | `macros` | yes     | the `#[tool]` attribute macro |

/// This crate's README (its crates.io page), kept compiling.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct Readme;

/// The macro crate's README, kept compiling here where the macros can be used.
#[cfg(doctest)]
#[doc = include_str!("../../mcp-tools-macros/README.md")]
struct MacrosReadme;

mod admission;
mod batch;
mod builder;
mod cache;
mod call;
mod caller;
mod catalog;
mod client;
mod completion;
mod context;
mod dispatch;
mod envelope;
mod error;
mod fuzzing;
mod input;
mod jsonrpc;
mod listen;
mod listing;
#[cfg(feature = "macros")]
mod macro_support;
mod meta;
mod mirror;
mod output_schema;
mod paging;
mod patch;
mod policy;
mod prompt;
mod protocol;
mod registry;
mod request_error;
mod resource;
mod rotation;
mod schema;
mod server;
mod signing;
mod skill;
mod span;
mod text_args;
mod timestamp;
mod tool;
mod uri_template;
mod validate;

pub mod audit;
pub mod bus;
pub mod confirm;
pub mod content;
pub mod pii;
pub mod rate;
pub mod task;
pub mod trace;

pub use batch::{
    Batch, BatchLabel, BatchOutcome, BatchSizeError, Ids, MAX_BATCH_SIZE, NotProcessed,
};
pub use builder::{
    DEFAULT_CANCELLATION_GRACE, DEFAULT_LIST_PAGE_SIZE, DEFAULT_REQUEST_STATE_TTL,
    DEFAULT_TOOL_TIMEOUT, ServerBuilder,
};
pub use cache::{CacheHints, CacheScope};
pub use caller::Caller;
pub use client::{CallOutcome, Client};
pub use completion::{Completer, Completion, CompletionRequest, MAX_COMPLETION_VALUES};
pub use confirm::Confirmation;
pub use content::{Content, IntoContent};
pub use context::{FromToolContext, State, ToolContext};
pub use envelope::{ResultStyle, envelope};
pub use error::{BuildError, BuildErrorKind, ErrorCode, ToolError, ToolResult};
pub use output_schema::{PLAIN_RESULT_KEY, any_json_schema, schema_findings};
pub use paging::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, Page, Paging};
pub use patch::ApplyPatch;
pub use pii::{Pii, PiiKind};
pub use prompt::{Prompt, PromptBuilder, PromptContext, PromptMessage, PromptResult};
pub use protocol::{LogLevel, ProtocolVersion, ServerInfo};
pub use registry::{ToolInfo, ToolListing, validate_tool_name};
pub use request_error::{RequestError, RequestErrorKind};
pub use resource::{
    Annotations, IntoContents, Resource, ResourceBuilder, ResourceContents, ResourceContext,
    ResourceTemplate, ResourceTemplateBuilder, Role,
};
pub use server::Server;
pub use skill::{
    MAX_SKILL_BYTES, MAX_SKILL_DESCRIPTION_LEN, MAX_SKILL_FILES, MAX_SKILL_NAME_LEN, SKILL_FILE,
    SKILLS_EXTENSION, Skill, SkillBuilder, Skills,
};
pub use tool::{Effect, NoArguments, Tool, ToolAnnotations, ToolBuilder, ToolFn};
pub use uri_template::{UriTemplate, UriTemplateError};
pub use validate::Validate;

#[cfg(feature = "macros")]
#[doc(inline)]
pub use mcp_tools_macros::{prompt, resource, tool};

pub use schemars;
pub use serde_json;

/// What a transport author needs beyond the tool author's API: the message
/// model, the per-request context, and admission.
///
/// A transport turns bytes into [`jsonrpc::Message`]s and, for each request
/// body:
///
/// 1. asks [`Server::admit`] with the [`Credentials`](crate::transport::Credentials) it found and how the
///    request is carried ([`Carriage`](crate::transport::Carriage)), and maps a [`Refusal`](crate::transport::Refusal) to its wire
///    (over HTTP: 401 with a challenge, 403 `insufficient_scope`, 429);
/// 2. builds a [`RequestContext`](crate::transport::RequestContext) (what admission decided, with
///    [`with_admitted`](crate::transport::RequestContext::with_admitted); protocol version, the [`Peer`](crate::transport::Peer) that
///    carries notifications, a [`Cancellation`](crate::transport::Cancellation)) and calls [`Server::handle`];
/// 3. reports [`Server::rate_after`] with the answer.
///
/// The policy (who may call, what it costs, what is audited) is the server's:
/// a transport never decides it.
pub mod transport {
    pub use crate::admission::{Admitted, Carriage, Credentials, Refusal};
    pub use crate::context::{Cancellation, LogLevelHandle, Peer, RequestContext};
    pub use crate::dispatch::Initialized;
    /// JSON-RPC 2.0 messages as MCP uses them.
    pub mod jsonrpc {
        pub use crate::jsonrpc::*;
    }
    pub use crate::meta::{META_SERVER_INFO, check_request_meta};
    pub use crate::protocol::{
        META_CLIENT_CAPABILITIES, META_LOG_LEVEL, META_PROTOCOL_VERSION, method,
    };
    pub use crate::rate::RateStatus;
}

/// Items the `#[tool]` macro expands to. Not public API: no stability promise.
#[doc(hidden)]
pub mod __private {
    pub use crate::completion::Completer;
    pub use crate::confirm::Confirmation;
    pub use crate::context::{FromToolContext, ToolContext};
    pub use crate::error::ToolError;
    #[cfg(feature = "macros")]
    pub use crate::macro_support::{
        ArgumentsProbe, CheckPlain, CheckValidated, assert_arguments, assert_content, assert_data,
        with_argument_check,
    };
    pub use crate::prompt::{Prompt, PromptContext};
    pub use crate::resource::{Annotations, Resource, ResourceContext, ResourceTemplate, Role};
    pub use crate::tool::TaskSupport;
    pub use crate::tool::{NoArguments, Tool, ToolBuilder};
    pub use crate::validate::Validate;
    pub use core::convert::Into;
    pub use core::result::Result;
    pub use core::time::Duration;
    pub use schemars;
    pub use serde;
    pub use serde_json;
}

/// Entry points of the fuzz targets in `fuzz/` and of the tests that replay
/// their corpora. Not public API: no stability promise.
#[doc(hidden)]
pub mod __fuzz {
    pub use crate::fuzzing::{arguments, confirmation, json_rpc, request_state};
}

/// The `Result` type of this crate's fallible builders.
pub type Result<T, E = BuildError> = std::result::Result<T, E>;
