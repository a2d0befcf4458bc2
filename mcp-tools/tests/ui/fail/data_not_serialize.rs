use mcp_tools::{ToolResult, tool};

struct Secret;

/// Reveals a secret.
#[tool(read_only)]
async fn reveal() -> ToolResult<Secret> {
    Ok(Secret)
}

fn main() {}
