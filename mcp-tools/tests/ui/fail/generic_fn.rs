use mcp_tools::{ToolResult, tool};

/// Echoes a value.
#[tool(read_only)]
async fn echo<T: Send>(value: T) -> ToolResult<T> {
    Ok(value)
}

fn main() {}
