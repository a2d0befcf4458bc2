//! The application the tests that plug the Redis stores into a server serve.

use mcp_tools::rate::RateLimiter;
use mcp_tools::{
    Confirmation, FromToolContext, NoArguments, Server, Tool, ToolContext, ToolResult,
};
use mcp_tools_redis::RedisReplayStore;
use serde_json::json;

/// A server with a destructive confirm tool, `archive`, and a read tool,
/// `read`, confirming with a secret every replica shares.
pub(crate) fn writer(limiter: impl RateLimiter, replay: RedisReplayStore) -> Server {
    Server::builder("crm", "1.0.0")
        .confirmation_secret(*b"a secret every replica shares 32")
        .replay_store(replay)
        .rate_limiter(limiter)
        .tool(
            Tool::builder("archive")
                .description("Archives the workspace. Dry run first; confirm with the token.")
                .destructive()
                .confirm()
                .uses::<Confirmation>()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let confirm = Confirmation::from_tool_context(&cx)?;
                    confirm.preview(&json!({"archive": true})).await?;
                    ToolResult::Ok("archived")
                }),
        )
        .tool(
            Tool::builder("read")
                .description("Reads the workspace.")
                .read_only()
                .handler(|_: NoArguments, _: ToolContext| async { ToolResult::Ok("read") }),
        )
        .build()
        .unwrap()
}
