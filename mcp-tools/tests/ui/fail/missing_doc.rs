use mcp_tools::{ToolResult, tool};

#[tool(read_only)]
async fn hello() -> ToolResult<String> {
    Ok("hello".into())
}

fn main() {}
