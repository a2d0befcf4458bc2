use mcp_tools::{ToolResult, tool};

/// Mirrors what it should not.
#[tool(read_only, headers(regoin = "Region", sql = "My Query", text = "region"))]
async fn run(
    /// Where.
    region: String,
    /// What.
    sql: String,
    /// Notes.
    text: String,
) -> ToolResult<String> {
    Ok(format!("{region}{sql}{text}"))
}

/// A header map that is not one.
#[tool(read_only, headers = "Region")]
async fn plain(
    /// Where.
    region: String,
) -> ToolResult<String> {
    Ok(region)
}

fn main() {}
