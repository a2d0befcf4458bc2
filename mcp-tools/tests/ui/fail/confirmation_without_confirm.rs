use mcp_tools::{Confirmation, ToolResult, tool};

/// Deletes a draft.
#[tool(destructive)]
async fn delete_draft(
    /// The draft to delete.
    id: u32,
    _confirmation: mcp_tools::Confirmation,
) -> ToolResult<u32> {
    let _: Option<Confirmation> = None;
    Ok(id)
}

fn main() {}
