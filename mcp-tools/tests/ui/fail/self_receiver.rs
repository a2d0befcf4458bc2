use mcp_tools::{ToolResult, tool};

struct Inbox;

impl Inbox {
    /// Counts unread threads.
    #[tool(read_only)]
    async fn unread(&self) -> ToolResult<u32> {
        Ok(0)
    }
}

fn main() {}
