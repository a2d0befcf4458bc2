use mcp_tools::{ToolResult, tool};
use schemars::JsonSchema;
use serde::Deserialize;

#[derive(Deserialize, JsonSchema)]
struct Search {
    email: String,
}

/// Finds a contact.
#[tool(read_only)]
async fn find(#[args] args: Search, limit: u32) -> ToolResult<String> {
    Ok(format!("{} {limit}", args.email))
}

fn main() {}
