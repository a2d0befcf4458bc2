use mcp_tools::{ToolResult, tool};

/// Reads a draft.
#[tool(read_only, confirm)]
async fn read_draft(id: u32) -> ToolResult<u32> {
    Ok(id)
}

fn main() {}
