use mcp_tools::{ToolResult, tool};

/// Sends a reply.
#[tool(additive, scopes(inbox_write))]
async fn reply(text: String) -> ToolResult<String> {
    Ok(text)
}

fn main() {}
