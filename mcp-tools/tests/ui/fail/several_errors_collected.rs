use mcp_tools::{ToolResult, tool};

#[tool(read_only, confirm, nmae = "x", scopes("a b"))]
fn hello<T>(value: T) -> ToolResult<T> {
    let _ = value;
    Ok(value)
}

fn unused() -> ToolResult<String> {
    Ok("hello".into())
}

fn main() {}
