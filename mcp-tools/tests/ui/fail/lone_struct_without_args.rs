use mcp_tools::{State, ToolResult, tool};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Clone)]
struct Directory;

#[derive(Deserialize, JsonSchema)]
struct Search {
    /// Exact email address.
    email: String,
}

/// Finds a contact.
#[tool(read_only)]
async fn find(State(_dir): State<Directory>, search: Search) -> ToolResult<String> {
    Ok(search.email)
}

fn main() {}
