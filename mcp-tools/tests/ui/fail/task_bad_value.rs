use mcp_tools::{ToolResult, tool};

/// Builds the monthly report.
#[tool(read_only, task = "sometimes")]
async fn report() -> ToolResult<String> {
    Ok("report".into())
}

/// Exports everything.
#[tool(read_only, task = true)]
async fn export() -> ToolResult<String> {
    Ok("export".into())
}

fn main() {}
