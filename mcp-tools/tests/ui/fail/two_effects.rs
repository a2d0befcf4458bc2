use mcp_tools::{ToolResult, tool};

/// Deletes a draft.
#[tool(read_only, destructive)]
async fn delete_draft(id: u32) -> ToolResult<u32> {
    Ok(id)
}

fn main() {}
