//! The diagnostic tools of the `server-stateless` scenario (2026-07-28):
//! a tool that needs a client capability, one that asks the user while it
//! runs, and one that logs.

use mcp_tools::{LogLevel, NoArguments, ServerBuilder, Tool, ToolContext, ToolError, ToolResult};
use serde_json::json;

/// Adds the stateless diagnostic tools to `builder`.
pub(crate) fn register(builder: ServerBuilder) -> ServerBuilder {
    builder
        .tool(
            Tool::builder("test_missing_capability")
                .description("Asks the client's model a question, so it needs the sampling capability.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let answer = cx
                        .request_client(
                            "sampling/createMessage",
                            json!({"messages": [{"role": "user", "content": {"type": "text", "text": "Say hello."}}],
                                   "maxTokens": 20}),
                        )
                        .await
                        .map_err(|e| ToolError::internal(format!("sampling failed: {}", e.message)))?;
                    ToolResult::Ok(format!("model said: {}", answer["content"]["text"]))
                }),
        )
        .tool(
            Tool::builder("test_streaming_elicitation")
                .description("Asks the user to confirm while it runs.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    let answer = cx
                        .request_client(
                            "elicitation/create",
                            json!({"message": "Go on?", "requestedSchema": {"type": "object",
                                   "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}}),
                        )
                        .await
                        .map_err(|e| ToolError::internal(format!("elicitation failed: {}", e.message)))?;
                    ToolResult::Ok(format!("answer: {}", answer["action"]))
                }),
        )
        .tool(
            Tool::builder("test_logging_tool")
                .description("Logs at every level, then answers.")
                .read_only()
                .handler(|_: NoArguments, cx: ToolContext| async move {
                    for level in [LogLevel::Debug, LogLevel::Info, LogLevel::Warning, LogLevel::Error] {
                        cx.log(level, format!("a {level:?} message"));
                    }
                    ToolResult::Ok("logged")
                }),
        )
}
