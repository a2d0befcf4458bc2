use mcp_tools::{ToolResult, tool};

/// Says hello.
#[tool(readonly)]
async fn hello() -> ToolResult<String> {
    Ok("hello".into())
}

fn main() {}
