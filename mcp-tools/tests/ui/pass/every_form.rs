//! Every form of `#[tool]`, compiled with warnings denied.
#![deny(warnings, missing_docs, unreachable_pub)]

use mcp_tools::{
    Caller, FromToolContext, Server, State, ToolContext, ToolError, ToolResult, Validate, tool,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Shared state.
#[derive(Clone)]
pub struct Workspace;

/// Search arguments.
#[derive(Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Search {
    /// Email.
    pub email_address: Option<String>,
}

impl Validate for Search {
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }
}

/// A result row.
#[derive(Serialize, Deserialize, JsonSchema)]
pub struct Row {
    /// Id.
    pub id: u32,
}

/// Stand-in for the confirmation handle.
pub struct Confirmation;

impl FromToolContext for Confirmation {
    fn from_tool_context(_: &ToolContext) -> Result<Self, ToolError> {
        Ok(Confirmation)
    }
}

/// Struct arguments with a Validate rule and state.
#[tool(read_only, idempotent, closed_world, name = "reply.search-contacts", title = "Search")]
pub async fn search(State(_ws): State<Workspace>, #[args] args: Search) -> ToolResult<Vec<Row>> {
    let _ = args.email_address;
    Ok(vec![Row { id: 1 }])
}

/// Plain parameters with docs and serde attributes.
///
/// A second paragraph.
#[tool(additive, open_world, scopes("notes:write", "notes:admin"), timeout_secs = 10, task = "optional")]
pub(crate) async fn add_note(
    /// The text.
    text: String,
    /// Tags.
    #[serde(rename = "labels", default)]
    #[schemars(length(max = 5))]
    tags: Vec<String>,
    mut count: Option<u8>,
    cx: ToolContext,
    caller: Caller,
    maybe: Option<Caller>,
) -> Result<usize, ToolError> {
    count = count.or(Some(1));
    let _ = (cx.tool_name(), caller.id(), maybe, count);
    Ok(text.len() + tags.len())
}

/// No arguments, no credentials, lenient.
#[tool(read_only, no_auth, lenient)]
async fn ping() -> ToolResult<String> {
    Ok("pong".into())
}

/// A confirmed destructive tool through an explicit crate path.
#[tool(destructive, confirm, crate = "::mcp_tools")]
async fn purge(#[args] args: Search, _confirmation: Confirmation) -> ToolResult<()> {
    let _ = args;
    Ok(())
}

/// A documented lone parameter of a user type is a property.
#[tool(read_only)]
async fn r#type(
    /// The row.
    row: Row,
) -> ToolResult<u32> {
    Ok(row.id)
}

mod nested {
    use mcp_tools::{ToolResult, tool};

    /// A tool in a child module.
    #[tool(read_only)]
    pub(super) async fn nested_tool() -> ToolResult<bool> {
        Ok(true)
    }
}

/// Builds the server.
pub fn server() -> Server {
    Server::builder("demo", "1.0.0")
        .state(Workspace)
        .tool(search::tool())
        .tools([
            add_note::tool(),
            ping::tool(),
            purge::tool(),
            r#type::tool(),
            nested::nested_tool::tool(),
        ])
        .build()
        .expect("valid tools")
}

fn main() {
    let _ = server();
}
