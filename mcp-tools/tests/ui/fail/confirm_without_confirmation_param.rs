use mcp_tools::{ToolResult, tool};

/// Sends a draft.
#[tool(destructive, confirm)]
async fn send_draft(id: u32) -> ToolResult<u32> {
    Ok(id)
}

fn main() {}
