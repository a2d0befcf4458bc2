use mcp_tools::{ToolResult, tool};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
struct Search {
    /// Exact email address.
    email: String,
}

/// Finds a contact.
#[tool(read_only)]
async fn find(
    /// What to look for.
    #[args]
    search: Search,
) -> ToolResult<String> {
    Ok(search.email)
}

fn main() {}
