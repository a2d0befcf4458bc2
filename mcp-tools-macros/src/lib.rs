//! The `#[tool]` attribute macro of [mcp-tools](https://docs.rs/mcp-tools).
//!
//! Use it through `mcp_tools::tool` (default feature `macros`): the generated
//! code targets `mcp_tools`' private API, which is why `mcp-tools` pins this
//! crate to an exact version. The full guide is on [`macro@tool`].
//!
//! A tool's parameters are extractors (`State<T>`, `ToolContext`, `Caller`,
//! `Option<Caller>`, `Confirmation`), one argument type marked `#[args]` whose
//! fields are the arguments, or plain parameters that each become one
//! property. Which of the last two a parameter is, is always written: a lone
//! parameter of a type that is not a known JSON value must be marked `#[args]`
//! or documented with `///`, so adding a doc comment never changes the
//! published schema. See [Parameters](macro@tool#parameters).

mod attr;
mod catalog;
mod check;
mod ctxt;
mod description;
mod expand;
mod extractor;
mod key;
mod param;
mod signature;
mod title;
mod type_path;

use proc_macro::TokenStream;

/// Declares an MCP tool as an annotated async fn.
///
/// The fn stays callable as written. Next to it the macro adds a hidden item
/// with the same name in the type namespace, `struct name { .. }` (a braced
/// struct does not clash with the fn, which lives in the value namespace),
/// whose `name::tool()` makes the [`Tool`] to register on the server builder,
/// one `.tool(name::tool())` per tool or `.tools([a::tool(), b::tool()])`.
/// There is no link-time collection. Put `#[tool]` on module-level fns, not
/// inside `impl` blocks.
///
/// ```
/// use mcp_tools::{Client, Server, State, ToolContext, ToolResult, tool};
/// use schemars::JsonSchema;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Clone)]
/// struct Directory(Vec<String>);
///
/// #[derive(Deserialize, JsonSchema)]
/// struct Lookup {
///     /// Exact email address.
///     email: String,
/// }
///
/// #[derive(Serialize, JsonSchema)]
/// struct Found {
///     known: bool,
/// }
///
/// /// Look up a contact by exact email address.
/// #[tool(read_only, name = "search_contacts")]
/// async fn lookup(State(dir): State<Directory>, #[args] args: Lookup) -> ToolResult<Found> {
///     Ok(Found { known: dir.0.contains(&args.email) })
/// }
///
/// /// Echo text back.
/// #[tool(read_only, idempotent)]
/// async fn echo(
///     /// The text to echo.
///     text: String,
///     cx: ToolContext,
/// ) -> ToolResult<String> {
///     let _ = cx.tool_name();
///     Ok(text)
/// }
///
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let server = Server::builder("demo", "1.0.0")
///     .state(Directory(vec!["ada@example.com".into()]))
///     .tools([lookup::tool(), echo::tool()])
///     .build()
///     .expect("valid tools");
/// let client = Client::new(server);
/// let found = client
///     .call("search_contacts", serde_json::json!({"email": "ada@example.com"}))
///     .await
///     .unwrap();
/// assert_eq!(found.data().unwrap()["known"], true);
/// # });
/// ```
///
/// # Keys
///
/// | key | example | effect |
/// |-----|---------|--------|
/// | `read_only` | `#[tool(read_only)]` | reads only: `readOnlyHint: true` |
/// | `additive` | `#[tool(additive)]` | writes, destroys nothing: `destructiveHint: false` |
/// | `destructive` | `#[tool(destructive)]` | may overwrite or delete: `destructiveHint: true` |
/// | `idempotent` | `#[tool(destructive, idempotent)]` | `idempotentHint: true` |
/// | `open_world` | `#[tool(read_only, open_world)]` | reaches other systems: `openWorldHint: true` |
/// | `closed_world` | `#[tool(read_only, closed_world)]` | `openWorldHint: false` |
/// | `title` | `#[tool(read_only, title = "Search contacts")]` | human-readable title; without it, the fn's name as words (`search_contacts` → "Search contacts", with `id`, `sms`, `url`… in capitals) |
/// | `name` | `#[tool(read_only, name = "reply.search")]` | the tool's name; default: the fn's name |
/// | `scopes` | `#[tool(additive, scopes("inbox:write"))]` | scopes the caller must hold |
/// | `confirm` | `#[tool(destructive, confirm)]` | runs only with the token of a dry run; needs a `Confirmation` parameter |
/// | `no_auth` | `#[tool(read_only, no_auth)]` | callable without credentials |
/// | `lenient` | `#[tool(read_only, lenient)]` | ignore unknown arguments instead of refusing them |
/// | `timeout_secs` | `#[tool(read_only, timeout_secs = 30)]` | per-tool time limit |
/// | `task` | `#[tool(read_only, task = "optional")]` | may run as a task (tasks extension): `"optional"` when the client supports tasks, `"required"` only as a task |
/// | `content` | `#[tool(read_only, content)]` | returns content blocks (`ToolResult<Vec<Content>>`, `Content` or `[Content; N]`) instead of data: no `outputSchema`, see `ToolBuilder::handler_content` |
/// | `headers` | `#[tool(read_only, headers(region = "Region"))]` | mirrors an argument (its JSON name) into the HTTP header `Mcp-Param-Region` (2026-07-28, SEP-2243): published as `x-mcp-header`, checked against the body; see `ToolBuilder::header_param` |
/// | `crate` | `#[tool(read_only, crate = "::my_sdk::mcp_tools")]` | where `mcp_tools` is, when re-exported |
///
/// Exactly one of `read_only`, `additive` and `destructive` is required;
/// `confirm` only goes on `additive` or `destructive` tools; `name` is 1 to 64
/// characters of `A-Z a-z 0-9 _ . -`, checked at compile time.
///
/// The doc comment is the description: lines of a paragraph are joined, blank
/// lines separate paragraphs, list items and code blocks keep their lines. A
/// tool without a doc comment does not compile.
///
/// # Parameters
///
/// Each parameter is an extractor, the argument type, or one property of an
/// argument object the macro generates.
///
/// - **Extractors**, recognised by the last segment of their type: `State<T>`
///   (shared state registered with `ServerBuilder::state`, checked when the
///   server is built), `ToolContext`, `Caller`, `Option<Caller>`, and
///   `Confirmation` for `confirm` tools. They are not arguments and publish
///   nothing.
/// - **The argument type**: the one parameter marked `#[args]`. The fields of
///   its type are the tool's arguments, so it is the tool's only non-extractor
///   parameter. The type derives `Deserialize` and `JsonSchema`; its serde and
///   schemars attributes apply, and a [`Validate`] impl on it runs after the
///   schema has passed. Document its fields, not the parameter: a doc comment
///   or serde/schemars attribute on an `#[args]` parameter is an error, since
///   no model would ever see it.
/// - **Properties**: every other parameter is one property, named after the
///   parameter. Its doc comment is the property's description, and
///   `#[serde(..)]` / `#[schemars(..)]` on it are carried over.
/// - No non-extractor parameter: the tool takes no arguments (`NoArguments`).
///
/// The form is always written down, never guessed. A lone parameter of a
/// type the macro knows as a JSON value (`String`, `bool`, `char`, integers,
/// floats, `Option`, `Vec`, sets, maps, `Cow`, `Value`, `Pii`, `Batch`,
/// arrays, tuples, and `Box`/`Arc` of these) is a property. A lone parameter
/// of any other type could be a struct whose fields are the arguments or one
/// value, and the macro cannot see which, so it does not compile until it is
/// marked: `#[args]` for the struct's fields, or a `///` doc comment (or a
/// serde/schemars attribute) for one property. Adding or removing a doc
/// comment therefore never moves a tool between the two forms.
///
/// ```
/// # use mcp_tools::{ToolResult, tool};
/// # use schemars::JsonSchema;
/// # use serde::Deserialize;
/// #[derive(Deserialize, JsonSchema)]
/// struct Window {
///     /// First day, as YYYY-MM-DD.
///     from: String,
///     /// Last day, as YYYY-MM-DD.
///     to: String,
/// }
///
/// /// Count the messages sent in a window.
/// /// Arguments: `{"from": "…", "to": "…"}`.
/// #[tool(read_only)]
/// async fn count_sent(#[args] window: Window) -> ToolResult<u64> {
///     Ok(u64::from(window.from <= window.to))
/// }
///
/// /// Count the messages sent in a window.
/// /// Arguments: `{"window": {"from": "…", "to": "…"}}`.
/// #[tool(read_only, name = "count_sent_nested")]
/// async fn count_sent_nested(
///     /// The days to count.
///     window: Window,
/// ) -> ToolResult<u64> {
///     Ok(u64::from(window.from <= window.to))
/// }
/// # let _ = (count_sent::tool(), count_sent_nested::tool());
/// ```
///
/// Without either marker, `window: Window` alone is a compile error that
/// names both fixes:
///
/// ```compile_fail
/// # use mcp_tools::{ToolResult, tool};
/// # #[derive(serde::Deserialize, schemars::JsonSchema)]
/// # struct Window { from: String, to: String }
/// /// Count the messages sent in a window.
/// #[tool(read_only)]
/// async fn count_sent(window: Window) -> ToolResult<u64> {
///     Ok(u64::from(window.from <= window.to))
/// }
/// ```
///
/// Several plain parameters are properties whatever their types:
///
/// ```
/// # use mcp_tools::{ToolResult, tool, Caller};
/// /// Tag a thread.
/// #[tool(additive, idempotent, scopes("inbox:write"), timeout_secs = 10)]
/// async fn tag_thread(
///     /// The thread to tag.
///     thread_id: u64,
///     /// Labels to add, at most five.
///     #[serde(rename = "labels")]
///     #[schemars(length(max = 5))]
///     tags: Vec<String>,
///     caller: Caller,
/// ) -> ToolResult<usize> {
///     let _ = (thread_id, caller);
///     Ok(tags.len())
/// }
/// # let _ = tag_thread::tool();
/// ```
///
/// # Result
///
/// The return type is `ToolResult<T>` or `Result<T, E>` with
/// `E: Into<ToolError>`; `T` derives `Serialize` and `JsonSchema`, and its
/// schema is `Data` in the published `outputSchema`.
///
/// With `content`, `T` is `Content`, `Vec<Content>` or `[Content; N]`: the
/// blocks (text, image, audio, embedded resource, resource link) are the
/// result's `content`, and the tool publishes no `outputSchema`. Errors are the
/// usual envelope.
///
/// ```
/// # use mcp_tools::{Content, ToolResult, tool};
/// /// Render the logo.
/// #[tool(read_only, content)]
/// async fn logo() -> ToolResult<Vec<Content>> {
///     Ok(vec![Content::text("The logo:"), Content::image(b"\x89PNG", "image/png")])
/// }
/// # let _ = logo::tool();
/// ```
///
/// # Validate
///
/// Whether the argument type implements [`Validate`] is decided at the concrete
/// type by autoref specialisation: the expansion calls `argument_check` on a
/// `&ArgumentsProbe<A>`; the impl that needs `A: Validate` matches that receiver
/// as is and hands `A::validate` to `ToolBuilder::validate`, the other one
/// needs one more reference and adds no rule.
///
/// # Errors
///
/// Every mistake is a compile error on the token at fault (a missing `async`
/// on `fn`, an unknown key on the key with the closest valid one suggested, a
/// type without `JsonSchema` on that type, …); all are reported at once, and
/// the fn itself is still emitted so nothing else breaks.
///
/// [`Tool`]: https://docs.rs/mcp-tools/latest/mcp_tools/struct.Tool.html
/// [`Validate`]: https://docs.rs/mcp-tools/latest/mcp_tools/trait.Validate.html
#[proc_macro_attribute]
pub fn tool(args: TokenStream, item: TokenStream) -> TokenStream {
    expand::tool(args.into(), item.into()).into()
}

/// Declares an MCP resource or resource template as an annotated async fn.
///
/// Like `#[tool]`, the fn stays callable and a hidden item of the same name
/// builds what to register: `name::resource()` for `uri = "…"` (the fn takes
/// `ResourceContext`), `name::resource_template()` for `template = "…"` (the
/// fn takes a struct of the template's variables, `Deserialize + JsonSchema`,
/// and optionally `ResourceContext`). The fn returns
/// `Result<C, RequestError>` with `C` one or several `ResourceContents`.
///
/// Keys: `uri` or `template`, `name` (default: the fn's name), `title`,
/// `description` (default: the doc comment), `mime_type`, `size` (fixed URIs
/// only), `priority`, `audience = ["user", "assistant"]`, `scopes = ["…"]`,
/// `complete(variable = path_to_async_fn | ["fixed", "values"])`, `crate`.
///
/// ```
/// use mcp_tools::{RequestError, ResourceContents, ResourceContext, Server, resource};
/// use schemars::JsonSchema;
/// use serde::Deserialize;
///
/// /// Today's notes.
/// #[resource(uri = "notes://today", mime_type = "text/plain", priority = 0.8)]
/// async fn today(cx: ResourceContext) -> Result<ResourceContents, RequestError> {
///     Ok(ResourceContents::text(cx.uri(), "buy milk"))
/// }
///
/// #[derive(Deserialize, JsonSchema)]
/// struct Day {
///     date: String,
/// }
///
/// /// The notes of one day.
/// #[resource(template = "notes://day/{date}", complete(date = ["2026-12-01", "2026-12-02"]))]
/// async fn day(day: Day, cx: ResourceContext) -> Result<ResourceContents, RequestError> {
///     Ok(ResourceContents::text(cx.uri(), format!("notes of {}", day.date)))
/// }
///
/// let server = Server::builder("notes", "1.0.0")
///     .resource(today::resource())
///     .resource_template(day::resource_template())
///     .build()
///     .unwrap();
/// ```
#[proc_macro_attribute]
pub fn resource(args: TokenStream, item: TokenStream) -> TokenStream {
    catalog::expand(catalog::Kind::Resource, args.into(), item.into()).into()
}

/// Declares an MCP prompt as an annotated async fn.
///
/// The fn takes at most one arguments struct (`Deserialize + JsonSchema`:
/// each field an argument, its doc comment the description, `Option` fields
/// optional) and optionally `PromptContext`, and returns
/// `Result<R, RequestError>` with `R: Into<PromptResult>` (a `PromptMessage`,
/// a `Vec` of them or a `PromptResult`). `name::prompt()` builds the `Prompt`.
///
/// Keys: `name` (default: the fn's name), `title`, `description` (default: the
/// doc comment), `scopes = ["…"]`, `complete(argument = path_to_async_fn |
/// ["fixed", "values"])`, `crate`.
///
/// ```
/// use mcp_tools::{Content, PromptMessage, RequestError, Server, prompt};
/// use schemars::JsonSchema;
/// use serde::Deserialize;
///
/// #[derive(Deserialize, JsonSchema)]
/// struct Review {
///     /// The language of the code.
///     language: String,
/// }
///
/// /// Asks for a code review.
/// #[prompt(complete(language = ["rust", "python"]))]
/// async fn code_review(args: Review) -> Result<PromptMessage, RequestError> {
///     Ok(PromptMessage::user(Content::text(format!("Review this {} code.", args.language))))
/// }
///
/// let server = Server::builder("reviews", "1.0.0").prompt(code_review::prompt()).build().unwrap();
/// ```
#[proc_macro_attribute]
pub fn prompt(args: TokenStream, item: TokenStream) -> TokenStream {
    catalog::expand(catalog::Kind::Prompt, args.into(), item.into()).into()
}
