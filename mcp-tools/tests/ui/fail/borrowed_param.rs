use mcp_tools::{ToolResult, tool};

/// Echoes text.
#[tool(read_only)]
async fn echo(text: &str) -> ToolResult<String> {
    Ok(text.to_owned())
}

fn main() {}
