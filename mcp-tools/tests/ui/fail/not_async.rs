use mcp_tools::{ToolResult, tool};

/// Says hello.
#[tool(read_only)]
fn hello() -> ToolResult<String> {
    Ok("hello".into())
}

fn main() {}
