use mcp_tools::{ToolResult, tool};

/// Says hello.
#[tool(
    read_only,
    name = "say_hello_to_everyone_who_is_listening_right_now_in_this_channel_please"
)]
async fn hello() -> ToolResult<String> {
    Ok("hello".into())
}

fn main() {}
