use mcp_tools::{ToolResult, tool};
use serde::Deserialize;

#[derive(Deserialize)]
struct Search {
    email: String,
}

/// Finds a contact.
#[tool(read_only)]
async fn find(#[args] args: Search) -> ToolResult<String> {
    Ok(args.email)
}

fn main() {}
