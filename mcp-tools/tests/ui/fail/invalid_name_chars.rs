use mcp_tools::{ToolResult, tool};

/// Says hello.
#[tool(read_only, name = "say hello!")]
async fn hello() -> ToolResult<String> {
    Ok("hello".into())
}

fn main() {}
