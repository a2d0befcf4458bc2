use mcp_tools::{ToolResult, tool};

/// Says hello.
#[tool(read_only, title = Hello)]
async fn hello() -> ToolResult<String> {
    Ok("hello".into())
}

fn main() {}
