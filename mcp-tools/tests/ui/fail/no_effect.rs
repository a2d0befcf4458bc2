use mcp_tools::{ToolResult, tool};

/// Says hello.
#[tool(idempotent)]
async fn hello() -> ToolResult<String> {
    Ok("hello".into())
}

fn main() {}
